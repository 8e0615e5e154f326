//! The savings waterfall: from the vendor's per-VA reading (today, or its renewal quote at
//! the renewal date) to the recommended purchase, one lever at a time, each bar the same
//! model solved again.

use super::{cost_of, units_of, Cents, Tables, VendorView};
use crate::estate::{Estate, LicId};
use crate::model::{prepare, solve, Flows, Prepared, SolveOptions, SolveStatus};

/// One bar of the savings waterfall: a label, purchase cost (cents) and units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaterfallStep {
    /// What the bar stands for.
    pub label: String,
    /// Purchase cost in cents.
    pub cost: Cents,
    /// Purchased units.
    pub units: u64,
}

/// Purchase cost and units of solved flows.
fn purchase_totals(estate: &Estate, prep: &Prepared, flows: &Flows) -> (Cents, u64) {
    let price = |l: LicId| Cents::from(estate.price(l).map_or(0, |p| p.cents));
    let mut cost: Cents = 0;
    let mut units = 0u64;
    for (i, c) in prep.cells.iter().enumerate() {
        cost += Cents::from(flows.buy_va[i]) * price(c.lic);
        units += flows.buy_va[i];
    }
    for (&(_, lic), &q) in &flows.pool_buy {
        cost += Cents::from(q) * price(lic);
        units += q;
    }
    (cost, units)
}

/// The savings waterfall of a plan, its bars solved before the plan's tables are built
/// (so that their solves never add to the tables' memory), then completed from the tables
/// by its `steps`. At the renewal date: the vendor quote at it (every expiring lot
/// renewed like for like, plus the per-VA shortfall that leaves); the per-VA reading at
/// that date buying only what each VA is short (no like-for-like renewal); then the
/// scenario's levers switched on one at a time (hygiene, reallocation, consolidation); then
/// the recommended renewal. At as_of: the vendor view; the same per-VA reading with the
/// scenario's buffer and growth (when it has any); then the levers; then the recommended
/// purchase. Each intermediate bar is the same model, solved. `renewal` says whether the
/// plan sizes a renewal (whether its tables will hold a renewal summary).
pub fn waterfall(
    estate: &Estate,
    prep: &mut Prepared,
    renewal: bool,
    opts: &SolveOptions,
) -> Waterfall {
    let v = prep.view.clone();
    let merged = !v.merge_groups.is_empty();
    let mut bars = Vec::new();
    let own = (v.policy.hygiene, v.policy.reallocate, merged);
    let mut bar = |label: String, hygiene: bool, reallocate: bool, merge: bool| {
        if (hygiene, reallocate, merge) == own {
            // The plan's own model: its bar is the recommended purchase.
            bars.push((label, None));
            return;
        }
        // The bar's model: the plan's own cells under other transfer rules (borrowed,
        // not copied), or, when hygiene differs, the cells prepared again.
        let totals = |variant: &Prepared| {
            let flows = solve(variant, estate, opts);
            (flows.status == SolveStatus::Optimal).then(|| purchase_totals(estate, variant, &flows))
        };
        let totals = if hygiene == own.0 {
            prep.with_transfers(estate, (reallocate, merge), totals)
        } else {
            let mut view = prep.view.clone();
            view.policy.hygiene = hygiene;
            prepare(estate, &view).with_transfers(estate, (reallocate, merge), totals)
        };
        if let Some(totals) = totals {
            bars.push((label, Some(totals)));
        }
    };
    if renewal {
        bar("Per VA, what is short".into(), false, false, false);
    } else if v.t != v.as_of || v.policy.buffer_bp != 0 || v.policy.growth_bp != 0 {
        bar(format!("Per VA at {}", v.t), false, false, false);
    }
    if v.policy.hygiene {
        bar("After hygiene".into(), true, false, false);
    }
    if v.policy.reallocate {
        bar("After reallocation".into(), v.policy.hygiene, true, false);
    }
    if merged {
        bar(
            "After consolidation".into(),
            v.policy.hygiene,
            v.policy.reallocate,
            true,
        );
    }
    Waterfall { bars }
}

/// A savings waterfall whose intermediate bars are solved (see [`waterfall`]); the first
/// bar (the vendor's reading) and the plan's own (the recommended purchase) come from the
/// plan's tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waterfall {
    /// The intermediate bars in order: a label, and the purchase cost and units of its
    /// model; `None` where the model is the plan's own. A bar whose model was not solved
    /// to optimality is left out.
    bars: Vec<(String, Option<(Cents, u64)>)>,
}

impl Waterfall {
    /// Every bar of the waterfall, from the vendor's reading (`vendor`, or the vendor
    /// quote of the renewal `tables` sizes) to the recommended purchase (the purchases
    /// of `tables`).
    pub fn steps(self, tables: &Tables, vendor: &VendorView) -> Vec<WaterfallStep> {
        let recommended = (cost_of(&tables.purchases), units_of(&tables.purchases));
        let mut steps = vec![match &tables.renewal {
            Some(r) => WaterfallStep {
                label: "Vendor quote".into(),
                cost: r.vendor_quote_cost,
                units: r.vendor_quote_units,
            },
            None => WaterfallStep {
                label: "Vendor view".into(),
                cost: vendor.shortfall_cost,
                units: vendor.shortfall_units,
            },
        }];
        for (label, totals) in self.bars {
            let (cost, units) = totals.unwrap_or(recommended);
            steps.push(WaterfallStep { label, cost, units });
        }
        let last = if tables.renewal.is_some() {
            "Recommended renewal"
        } else {
            "Recommended purchase"
        };
        steps.push(WaterfallStep {
            label: last.into(),
            cost: recommended.0,
            units: recommended.1,
        });
        steps
    }
}
