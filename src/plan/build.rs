//! The steps that turn solved flows into the plan's tables: place the pool flows as
//! moves and purchases, trace substitutions, tally positions, size the renewal, then
//! collect findings and transfer requests.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::decompose::{decompose_pool, substitution_paths};
use super::{
    findings, transfers, Cents, Finding, LikeForLike, Move, Position, Purchase, RenewalRow,
    RenewalSummary, Substitution, VendorView,
};
use crate::estate::{Estate, LicId, VaId};
use crate::model::{Flows, Prepared};

/// The recommendation tables of one solved model, sorted as they are written.
#[derive(Debug, Clone)]
pub struct Tables {
    /// Purchases.
    pub purchases: Vec<Purchase>,
    /// Moves.
    pub moves: Vec<Move>,
    /// Substitutions.
    pub substitutions: Vec<Substitution>,
    /// Positions.
    pub positions: Vec<Position>,
    /// Renewal rows (empty without a renewal date).
    pub renewal_rows: Vec<RenewalRow>,
    /// Renewal summary.
    pub renewal: Option<RenewalSummary>,
    /// Findings for the advisor.
    pub findings: Vec<Finding>,
    /// The moves as CSSM transfer requests.
    pub transfers: transfers::Transfers,
}

impl Tables {
    /// Builds every table of a solved model. `vendor` is the vendor's per-VA reading,
    /// shown beside the plan in the positions.
    pub fn build(
        estate: &Estate,
        prep: &Prepared,
        flows: &Flows,
        renewal: Option<&LikeForLike>,
        vendor: &VendorView,
    ) -> Self {
        let names = Names { estate, prep };
        let (placed, mut traced, mut positions) = rows(&names, flows, vendor);
        let (renewal_rows, renewal) = match renewal {
            Some(lfl) => {
                let (rows, sum) = size_renewal(&names, flows, lfl);
                (rows, Some(sum))
            }
            None => (Vec::new(), None),
        };
        // What the positions were tallied from is no longer needed.
        drop(traced.sub_in);
        drop(traced.sub_out);
        let Placed {
            mut moves,
            mut purchases,
            raw_moves,
            ..
        } = placed;
        // The transfer requests need only the moves: built beside the sorts and the
        // findings. Every row type orders by all of its fields, so rows that compare equal
        // are identical and the unstable sorts (in place, no scratch copy of the table;
        // the positions', the largest, in parallel) give the same bytes as a stable one.
        let (transfers, findings) = rayon::join(
            || transfers::build(estate, prep, &raw_moves),
            || {
                purchases.sort_unstable();
                moves.sort_unstable();
                traced.substitutions.sort_unstable();
                positions.par_sort_unstable();
                findings::collect(
                    estate,
                    prep.view.as_of,
                    prep.view.policy.stale_after_days,
                    &positions,
                )
            },
        );
        Tables {
            purchases,
            moves,
            substitutions: traced.substitutions,
            positions,
            renewal_rows,
            renewal,
            findings,
            transfers,
        }
    }

    /// The moves and positions of one solved model alone, sorted as [`Tables::build`]
    /// sorts them: all a term's milestone shows of its own (the findings and transfer
    /// requests are the plan's, not each milestone's), and the positions `check` reads
    /// the vendor's view from.
    pub fn moves_and_positions(
        estate: &Estate,
        prep: &Prepared,
        flows: &Flows,
        vendor: &VendorView,
    ) -> (Vec<Move>, Vec<Position>) {
        let (mut placed, _, mut positions) = rows(&Names { estate, prep }, flows, vendor);
        placed.moves.sort_unstable();
        positions.sort_unstable();
        (placed.moves, positions)
    }
}

/// The placed flows, the traced substitutions and the positions of one solved model,
/// unsorted.
fn rows(names: &Names, flows: &Flows, vendor: &VendorView) -> (Placed, Traced, Vec<Position>) {
    let (placed, traced) = rayon::join(
        || place_flows(names, flows),
        || trace_substitutions(names, flows),
    );
    let positions = position_rows(names, flows, &placed, &traced, vendor);
    (placed, traced, positions)
}

/// Names and prices of the ids a plan row shows.
struct Names<'a> {
    estate: &'a Estate,
    prep: &'a Prepared,
}

impl Names<'_> {
    fn licence(&self, l: LicId) -> String {
        self.estate.licences[l as usize].clone()
    }

    fn price(&self, l: LicId) -> Cents {
        Cents::from(self.estate.price(l).map_or(0, |p| p.cents))
    }

    /// The label of a VA's pool.
    fn pool_of(&self, va: VaId) -> String {
        self.prep.pools[self.prep.va_pool[va as usize]]
            .label
            .clone()
    }

    /// A VA as its pool names it: `SA/VA` in a pool spanning several SAs.
    fn va_in_pool(&self, va: VaId) -> String {
        let p = &self.prep.pools[self.prep.va_pool[va as usize]];
        if p.multi_sa {
            self.estate.va_label(va)
        } else {
            self.va(va)
        }
    }

    fn va(&self, va: VaId) -> String {
        self.estate.vas[va as usize].name.clone()
    }

    fn sa(&self, va: VaId) -> String {
        self.estate.sa_name(va).to_string()
    }

    fn purchase(&self, pool: String, va: String, lic: LicId, quantity: u64) -> Purchase {
        Purchase {
            smart_account: pool,
            virtual_account: va,
            license: self.licence(lic),
            quantity,
            unit_price: self.price(lic),
            cost: Cents::from(quantity) * self.price(lic),
        }
    }
}

/// Pool flows placed as moves and purchases, with what each cell received.
struct Placed {
    moves: Vec<Move>,
    purchases: Vec<Purchase>,
    /// (from VA, to VA, licence, units) of every move, for the transfer requests.
    raw_moves: Vec<(VaId, VaId, LicId, u64)>,
    /// Per cell: existing licences received.
    moved_in: Vec<u64>,
    /// Per cell: units bought into it.
    purchased: Vec<u64>,
}

/// Decomposes each (pool, licence) flow into moves and purchase placements, and adds
/// the purchases made straight into a VA.
fn place_flows(n: &Names, flows: &Flows) -> Placed {
    let prep = n.prep;
    let mut placed = Placed {
        moves: Vec::new(),
        purchases: Vec::new(),
        raw_moves: Vec::new(),
        moved_in: vec![0u64; prep.cells.len()],
        purchased: flows.buy_va.clone(),
    };
    let mut by_pool: BTreeMap<(usize, LicId), Vec<usize>> = BTreeMap::new();
    for (i, c) in prep.cells.iter().enumerate() {
        if flows.out[i] > 0 || flows.inn[i] > 0 {
            by_pool
                .entry((prep.va_pool[c.va as usize], c.lic))
                .or_default()
                .push(i);
        }
    }
    for (&(pool, lic), cells) in &by_pool {
        let label = |i: usize| n.va_in_pool(prep.cells[i].va);
        let sorted = |amount: &[u64]| {
            let mut ends: Vec<(String, usize, u64)> = cells
                .iter()
                .filter(|&&i| amount[i] > 0)
                .map(|&i| (label(i), i, amount[i]))
                .collect();
            ends.sort();
            ends.into_iter().map(|(_, i, q)| (i, q)).collect::<Vec<_>>()
        };
        let buy = flows.pool_buy.get(&(pool, lic)).copied().unwrap_or(0);
        let flow = decompose_pool(&sorted(&flows.out), buy, &sorted(&flows.inn));
        let pool_label = &prep.pools[pool].label;
        for (from, to, q) in flow.moves {
            placed.moves.push(Move {
                smart_account: pool_label.clone(),
                license: n.licence(lic),
                from: label(from),
                to: label(to),
                quantity: q,
            });
            placed.moved_in[to] += q;
            placed
                .raw_moves
                .push((prep.cells[from].va, prep.cells[to].va, lic, q));
        }
        for (to, q) in flow.purchases {
            placed.purchased[to] += q;
            placed
                .purchases
                .push(n.purchase(pool_label.clone(), label(to), lic, q));
        }
    }
    for (i, c) in prep.cells.iter().enumerate() {
        let q = flows.buy_va[i];
        if q > 0 {
            placed
                .purchases
                .push(n.purchase(n.pool_of(c.va), n.va_in_pool(c.va), c.lic, q));
        }
    }
    placed
}

/// Substitutions as paths from the tier used to the tier covered, with the units each
/// (VA, licence) received and gave.
struct Traced {
    substitutions: Vec<Substitution>,
    sub_in: FxHashMap<(VaId, LicId), u64>,
    sub_out: FxHashMap<(VaId, LicId), u64>,
}

fn trace_substitutions(n: &Names, flows: &Flows) -> Traced {
    let mut traced = Traced {
        substitutions: Vec::new(),
        sub_in: FxHashMap::default(),
        sub_out: FxHashMap::default(),
    };
    let mut per_va: BTreeMap<VaId, Vec<(LicId, LicId, u64)>> = BTreeMap::new();
    for (&(va, h, l), &q) in &flows.subs {
        per_va.entry(va).or_default().push((h, l, q));
    }
    for (va, edges) in per_va {
        for (h, l, q) in substitution_paths(&edges) {
            *traced.sub_out.entry((va, h)).or_default() += q;
            *traced.sub_in.entry((va, l)).or_default() += q;
            traced.substitutions.push(Substitution {
                smart_account: n.sa(va),
                virtual_account: n.va(va),
                license: n.licence(h),
                covers: n.licence(l),
                quantity: q,
            });
        }
    }
    traced
}

/// One position per cell with anything to show, plus the cells only the vendor's reading
/// flags (e.g. a lot that expires before the renewal date).
fn position_rows(
    n: &Names,
    flows: &Flows,
    placed: &Placed,
    traced: &Traced,
    vendor: &VendorView,
) -> Vec<Position> {
    let prep = n.prep;
    let mut positions = Vec::new();
    // The vendor's cells are walked beside the model's, both in (VA, licence) order: a
    // cell the vendor flags and the model does not hold (e.g. a lot that expires before
    // the renewal date) is shown on its own.
    let mut flagged = vendor.per_cell.iter().peekable();
    let vendor_only = |(va, lic): (VaId, LicId), q: u64| Position {
        smart_account: n.sa(va),
        virtual_account: n.va(va),
        license: n.licence(lic),
        vendor_shortfall: q,
        ..Position::default()
    };
    let mut last = None;
    for (i, c) in prep.cells.iter().enumerate() {
        let key = (c.va, c.lic);
        assert!(
            last < Some(key),
            "the model's cells are in (VA, licence) order"
        );
        last = Some(key);
        while let Some((&k, &q)) = flagged.next_if(|&(&k, _)| k < key) {
            positions.push(vendor_only(k, q));
        }
        let vendor_shortfall = flagged.next_if(|&(&k, _)| k == key).map_or(0, |(_, &q)| q);
        let moved_out = flows.out[i];
        let si = traced.sub_in.get(&key).copied().unwrap_or(0);
        let so = traced.sub_out.get(&key).copied().unwrap_or(0);
        let held = c.entitled + placed.moved_in[i] + placed.purchased[i] + si;
        let p = Position {
            smart_account: n.sa(c.va),
            virtual_account: n.va(c.va),
            license: n.licence(c.lic),
            entitled: c.entitled,
            in_use: c.in_use_raw,
            reserved: c.reserved_raw,
            demand: c.demand,
            vendor_shortfall,
            moved_in: placed.moved_in[i],
            moved_out,
            substituted_in: si,
            substituted_out: so,
            purchased: placed.purchased[i],
            surplus_after: held.saturating_sub(moved_out + so + c.demand),
        };
        let any = p.entitled
            + p.in_use
            + p.demand
            + p.vendor_shortfall
            + p.moved_in
            + p.moved_out
            + p.substituted_in
            + p.substituted_out
            + p.purchased;
        if any > 0 {
            positions.push(p);
        }
    }
    positions.extend(flagged.map(|(&k, &q)| vendor_only(k, q)));
    positions
}

/// Renewal sizing (README, "The model in brief": renewal): per licence, the units of lots
/// in force at as_of that end before the renewal date (renewed like for like), the vendor
/// quote (those plus the per-VA shortfall the like-for-like renewal leaves) and the units
/// the plan buys.
fn size_renewal(n: &Names, flows: &Flows, lfl: &LikeForLike) -> (Vec<RenewalRow>, RenewalSummary) {
    let date = lfl.date;
    let mut expiring: BTreeMap<LicId, u64> = BTreeMap::new();
    for lot in &n.estate.lots {
        if lot.active_at(n.prep.view.as_of) && lot.end.is_some_and(|e| e < date) {
            *expiring.entry(lot.lic).or_default() += lot.quantity;
        }
    }
    let mut recommended: BTreeMap<LicId, u64> = BTreeMap::new();
    for (i, c) in n.prep.cells.iter().enumerate() {
        *recommended.entry(c.lic).or_default() += flows.buy_va[i];
    }
    for (&(_, lic), &q) in &flows.pool_buy {
        *recommended.entry(lic).or_default() += q;
    }
    let mut lics: Vec<LicId> = expiring
        .keys()
        .chain(recommended.keys())
        .chain(lfl.shortfall.keys())
        .copied()
        .collect();
    lics.sort_unstable();
    lics.dedup();
    let mut sum = RenewalSummary {
        date,
        expiring_units: 0,
        recommended_units: 0,
        like_for_like_cost: 0,
        like_for_like_shortfall_units: 0,
        vendor_quote_units: 0,
        vendor_quote_cost: 0,
        recommended_cost: 0,
        savings: 0,
        note: None,
    };
    let mut rows = Vec::new();
    for lic in lics {
        let e = expiring.get(&lic).copied().unwrap_or(0);
        let r = recommended.get(&lic).copied().unwrap_or(0);
        let short = lfl.shortfall.get(&lic).copied().unwrap_or(0);
        if e == 0 && r == 0 && short == 0 {
            continue;
        }
        let p = n.price(lic);
        sum.expiring_units += e;
        sum.recommended_units += r;
        sum.like_for_like_shortfall_units += short;
        sum.vendor_quote_units += e + short;
        sum.like_for_like_cost += Cents::from(e) * p;
        sum.vendor_quote_cost += Cents::from(e + short) * p;
        sum.recommended_cost += Cents::from(r) * p;
        rows.push(RenewalRow {
            license: n.licence(lic),
            expiring: e,
            like_for_like: e,
            vendor_quote: e + short,
            recommended: r,
            unit_price: p,
        });
    }
    rows.sort_unstable();
    sum.savings = sum.vendor_quote_cost - sum.recommended_cost;
    if sum.savings < 0 {
        sum.note = Some(negative_savings_note(n, &recommended));
    }
    (rows, sum)
}

/// Why a plan can cost more than the vendor quote (README, "The model in brief"): packs that
/// round the plan's purchases up where the quote renews lots unit for unit, and a scenario
/// that switches off the substitution the vendor's reading applies.
fn negative_savings_note(n: &Names, recommended: &BTreeMap<LicId, u64>) -> String {
    let mut why = Vec::new();
    let packs: Vec<String> = recommended
        .iter()
        .filter(|&(_, &q)| q > 0)
        .filter_map(|(&lic, _)| {
            let pack = n.estate.price(lic).map_or(1, |p| p.pack);
            (pack > 1).then(|| format!("{} in packs of {pack}", n.licence(lic)))
        })
        .collect();
    if !packs.is_empty() {
        why.push(format!(
            "the plan buys {} while the quote renews the expiring lots unit for unit",
            packs.join(", ")
        ));
    }
    if !n.prep.view.policy.substitution && !n.estate.substitutions.is_empty() {
        why.push(
            "the scenario sets substitution = false, forgoing the tier substitution the vendor's reading applies"
                .to_string(),
        );
    }
    if why.is_empty() {
        why.push("the scenario's settings differ from the vendor's reading".into());
    }
    format!(
        "the plan costs more than the vendor quote: {}",
        why.join("; ")
    )
}
