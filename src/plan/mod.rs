//! From solved flows to the recommendation tables of SPEC §5: moves, purchases,
//! substitutions, positions, renewal and the summary figures.

mod decompose;
pub mod findings;
pub mod transfers;

pub use decompose::{decompose_pool, substitution_paths, PoolFlow};
pub use findings::Finding;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::estate::{Estate, LicId, VaId};
use crate::model::{Flows, HygieneCounts, Prepared, SolveStatus};

/// Money in integer cents.
pub type Cents = i128;

/// A row of `purchases.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Purchase {
    /// Pool label (`+`-joined SAs when merged).
    pub smart_account: String,
    /// VA the units land in (`SA/VA` in a pool spanning several SAs).
    pub virtual_account: String,
    /// Licence.
    pub license: String,
    /// Units.
    pub quantity: u64,
    /// Unit price.
    pub unit_price: Cents,
    /// quantity × unit_price.
    pub cost: Cents,
}

/// A row of `moves.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Move {
    /// Pool label.
    pub smart_account: String,
    /// Licence.
    pub license: String,
    /// Source VA.
    pub from: String,
    /// Target VA.
    pub to: String,
    /// Units.
    pub quantity: u64,
}

/// A row of `substitutions.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Substitution {
    /// Smart Account of the VA.
    pub smart_account: String,
    /// VA.
    pub virtual_account: String,
    /// Higher tier used.
    pub license: String,
    /// Lower tier covered.
    pub covers: String,
    /// Units.
    pub quantity: u64,
}

/// A row of `positions.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Smart Account of the VA.
    pub smart_account: String,
    /// VA.
    pub virtual_account: String,
    /// Licence.
    pub license: String,
    /// S at the evaluation date.
    pub entitled: u64,
    /// In use as exported.
    pub in_use: u64,
    /// Reserved as exported.
    pub reserved: u64,
    /// D: demand after hygiene, growth and buffer.
    pub demand: u64,
    /// What the vendor's per-VA reading says must be bought here.
    pub vendor_shortfall: u64,
    /// Existing licences received.
    pub moved_in: u64,
    /// Existing licences sent away.
    pub moved_out: u64,
    /// Demand of this licence covered by higher tiers.
    pub substituted_in: u64,
    /// Units of this licence covering lower tiers.
    pub substituted_out: u64,
    /// Units bought into this VA.
    pub purchased: u64,
    /// Entitled after the plan minus demand.
    pub surplus_after: u64,
}

/// A row of `renewal.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RenewalRow {
    /// Licence.
    pub license: String,
    /// Units of lots active at as_of ending before the renewal date.
    pub expiring: u64,
    /// Units the plan buys.
    pub recommended: u64,
    /// Unit price.
    pub unit_price: Cents,
}

impl RenewalRow {
    /// recommended − expiring.
    pub fn change(&self) -> i128 {
        i128::from(self.recommended) - i128::from(self.expiring)
    }
}

/// Renewal figures of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalSummary {
    /// Renewal date.
    pub date: NaiveDate,
    /// Σ expiring.
    pub expiring_units: u64,
    /// Σ recommended (equals purchase units).
    pub recommended_units: u64,
    /// Σ expiring × price.
    pub like_for_like_cost: Cents,
    /// Σ recommended × price.
    pub recommended_cost: Cents,
}

/// The vendor's per-VA figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorView {
    /// Units the per-VA reading says must be bought.
    pub shortfall_units: u64,
    /// Their cost.
    pub shortfall_cost: Cents,
    /// Per (VA, licence) shortfall.
    pub per_cell: BTreeMap<(VaId, LicId), u64>,
}

/// A complete plan: tables plus summary figures.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Case name.
    pub case: String,
    /// Scenario name.
    pub scenario: String,
    /// Solve status.
    pub status: SolveStatus,
    /// Data export date.
    pub as_of: NaiveDate,
    /// Evaluation date t.
    pub evaluated_at: NaiveDate,
    /// Currency code.
    pub currency: String,
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
    /// Vendor view.
    pub vendor: VendorView,
    /// Hygiene counts.
    pub hygiene: HygieneCounts,
    /// Components solved, and of those by MIP.
    pub components: (usize, usize),
    /// Findings for the advisor.
    pub findings: Vec<Finding>,
    /// The moves as CSSM transfer requests.
    pub transfers: transfers::Transfers,
    /// The savings waterfall (filled by [`crate::plan_case`]).
    pub waterfall: Vec<crate::WaterfallStep>,
    /// What the plan assumes: scenario settings, dates, data files with row counts
    /// (filled by [`crate::plan_case`]).
    pub assumptions: Vec<(String, String)>,
    /// The scenario the plan was made with, written to `scenario.toml` beside the tables
    /// (filled by [`crate::plan_case`]).
    pub settings: Option<crate::scenario::Scenario>,
}

impl Plan {
    /// Σ purchased units.
    pub fn purchase_units(&self) -> u64 {
        self.purchases.iter().map(|p| p.quantity).sum()
    }
    /// Σ purchase cost.
    pub fn purchase_cost(&self) -> Cents {
        self.purchases.iter().map(|p| p.cost).sum()
    }
    /// Σ licences moved.
    pub fn licences_moved(&self) -> u64 {
        self.moves.iter().map(|m| m.quantity).sum()
    }
    /// Σ substituted units.
    pub fn substituted_units(&self) -> u64 {
        self.substitutions.iter().map(|s| s.quantity).sum()
    }
}

/// Computes the vendor view from its own solved model.
pub fn vendor_view(estate: &Estate, prep: &Prepared, flows: &Flows) -> VendorView {
    let mut v = VendorView::default();
    for (i, c) in prep.cells.iter().enumerate() {
        let q = flows.buy_va[i];
        if q > 0 {
            v.shortfall_units += q;
            v.shortfall_cost +=
                Cents::from(q) * Cents::from(estate.price(c.lic).map_or(0, |p| p.cents));
            v.per_cell.insert((c.va, c.lic), q);
        }
    }
    v
}

/// Builds the plan tables from a solved model.
pub fn build(
    estate: &Estate,
    prep: &Prepared,
    flows: &Flows,
    scenario: &str,
    renewal_date: Option<NaiveDate>,
    vendor: VendorView,
) -> Plan {
    let lic_name = |l: LicId| estate.licences[l as usize].clone();
    let price = |l: LicId| Cents::from(estate.price(l).map_or(0, |p| p.cents));
    let va_in_pool = |va: VaId| {
        let p = &prep.pools[prep.va_pool[va as usize]];
        if p.multi_sa {
            estate.va_label(va)
        } else {
            estate.vas[va as usize].name.clone()
        }
    };
    let mut moved_in = vec![0u64; prep.cells.len()];
    let mut purchased = flows.buy_va.clone();
    let mut moves = Vec::new();
    let mut raw_moves = Vec::new();
    let mut purchases = Vec::new();

    // Pool flows per (pool, licence), decomposed into moves and purchase placements.
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
        let label = |i: usize| va_in_pool(prep.cells[i].va);
        let mut sources: Vec<(String, usize, u64)> = cells
            .iter()
            .filter(|&&i| flows.out[i] > 0)
            .map(|&i| (label(i), i, flows.out[i]))
            .collect();
        let mut sinks: Vec<(String, usize, u64)> = cells
            .iter()
            .filter(|&&i| flows.inn[i] > 0)
            .map(|&i| (label(i), i, flows.inn[i]))
            .collect();
        sources.sort();
        sinks.sort();
        let buy = flows.pool_buy.get(&(pool, lic)).copied().unwrap_or(0);
        let src: Vec<(usize, u64)> = sources.iter().map(|s| (s.1, s.2)).collect();
        let snk: Vec<(usize, u64)> = sinks.iter().map(|s| (s.1, s.2)).collect();
        let flow = decompose_pool(&src, buy, &snk);
        for (from, to, q) in flow.moves {
            moves.push(Move {
                smart_account: prep.pools[pool].label.clone(),
                license: lic_name(lic),
                from: label(from),
                to: label(to),
                quantity: q,
            });
            moved_in[to] += q;
            raw_moves.push((prep.cells[from].va, prep.cells[to].va, lic, q));
        }
        for (to, q) in flow.purchases {
            purchased[to] += q;
            purchases.push(Purchase {
                smart_account: prep.pools[pool].label.clone(),
                virtual_account: label(to),
                license: lic_name(lic),
                quantity: q,
                unit_price: price(lic),
                cost: Cents::from(q) * price(lic),
            });
        }
    }
    for (i, c) in prep.cells.iter().enumerate() {
        let q = flows.buy_va[i];
        if q > 0 {
            purchases.push(Purchase {
                smart_account: prep.pools[prep.va_pool[c.va as usize]].label.clone(),
                virtual_account: va_in_pool(c.va),
                license: lic_name(c.lic),
                quantity: q,
                unit_price: price(c.lic),
                cost: Cents::from(q) * price(c.lic),
            });
        }
    }

    // Substitutions, as paths from the tier used to the tier covered.
    let mut sub_in: HashMap<(VaId, LicId), u64> = HashMap::new();
    let mut sub_out: HashMap<(VaId, LicId), u64> = HashMap::new();
    let mut substitutions = Vec::new();
    let mut per_va: BTreeMap<VaId, Vec<(LicId, LicId, u64)>> = BTreeMap::new();
    for (&(va, h, l), &q) in &flows.subs {
        per_va.entry(va).or_default().push((h, l, q));
    }
    for (va, edges) in per_va {
        for (h, l, q) in substitution_paths(&edges) {
            *sub_out.entry((va, h)).or_default() += q;
            *sub_in.entry((va, l)).or_default() += q;
            substitutions.push(Substitution {
                smart_account: estate.sa_name(va).to_string(),
                virtual_account: estate.vas[va as usize].name.clone(),
                license: lic_name(h),
                covers: lic_name(l),
                quantity: q,
            });
        }
    }

    let mut positions = Vec::new();
    for (i, c) in prep.cells.iter().enumerate() {
        let key = (c.va, c.lic);
        let moved_out = flows.out[i];
        let si = sub_in.get(&key).copied().unwrap_or(0);
        let so = sub_out.get(&key).copied().unwrap_or(0);
        let held = c.entitled + moved_in[i] + purchased[i] + si;
        let p = Position {
            smart_account: estate.sa_name(c.va).to_string(),
            virtual_account: estate.vas[c.va as usize].name.clone(),
            license: lic_name(c.lic),
            entitled: c.entitled,
            in_use: c.in_use_raw,
            reserved: c.reserved_raw,
            demand: c.demand,
            vendor_shortfall: vendor.per_cell.get(&key).copied().unwrap_or(0),
            moved_in: moved_in[i],
            moved_out,
            substituted_in: si,
            substituted_out: so,
            purchased: purchased[i],
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
    // Cells the vendor reading flags that the plan's cell set lacks (e.g. a lot that
    // expires before the renewal date) still get their row.
    for (&(va, lic), &q) in &vendor.per_cell {
        if !prep.index.contains_key(&(va, lic)) {
            positions.push(Position {
                smart_account: estate.sa_name(va).to_string(),
                virtual_account: estate.vas[va as usize].name.clone(),
                license: lic_name(lic),
                vendor_shortfall: q,
                ..Position::default()
            });
        }
    }

    // Renewal sizing.
    let mut renewal_rows = Vec::new();
    let mut renewal = None;
    if let Some(date) = renewal_date {
        let mut expiring: BTreeMap<LicId, u64> = BTreeMap::new();
        for lot in &estate.lots {
            if lot.active_at(prep.view.as_of) && lot.end.is_some_and(|e| e < date) {
                *expiring.entry(lot.lic).or_default() += lot.quantity;
            }
        }
        let mut recommended: BTreeMap<LicId, u64> = BTreeMap::new();
        for (i, c) in prep.cells.iter().enumerate() {
            *recommended.entry(c.lic).or_default() += flows.buy_va[i];
        }
        for (&(_, lic), &q) in &flows.pool_buy {
            *recommended.entry(lic).or_default() += q;
        }
        let mut lics: Vec<LicId> = expiring.keys().chain(recommended.keys()).copied().collect();
        lics.sort_unstable();
        lics.dedup();
        let mut sum = RenewalSummary {
            date,
            expiring_units: 0,
            recommended_units: 0,
            like_for_like_cost: 0,
            recommended_cost: 0,
        };
        for lic in lics {
            let e = expiring.get(&lic).copied().unwrap_or(0);
            let r = recommended.get(&lic).copied().unwrap_or(0);
            if e == 0 && r == 0 {
                continue;
            }
            let p = price(lic);
            sum.expiring_units += e;
            sum.recommended_units += r;
            sum.like_for_like_cost += Cents::from(e) * p;
            sum.recommended_cost += Cents::from(r) * p;
            renewal_rows.push(RenewalRow {
                license: lic_name(lic),
                expiring: e,
                recommended: r,
                unit_price: p,
            });
        }
        renewal_rows.sort();
        renewal = Some(sum);
    }

    purchases.sort();
    moves.sort();
    substitutions.sort();
    positions.sort();
    let findings = findings::collect(
        estate,
        prep.view.as_of,
        prep.view.stale_after_days,
        &positions,
    );
    Plan {
        case: estate.name.clone(),
        scenario: scenario.to_string(),
        status: flows.status.clone(),
        as_of: prep.view.as_of,
        evaluated_at: prep.view.t,
        currency: estate.currency.clone(),
        purchases,
        moves,
        substitutions,
        positions,
        renewal_rows,
        renewal,
        vendor,
        hygiene: prep.hygiene,
        components: flows.components,
        findings,
        transfers: transfers::build(estate, prep, &raw_moves),
        waterfall: Vec::new(),
        assumptions: Vec::new(),
        settings: None,
    }
}
