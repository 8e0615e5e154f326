//! From solved flows to the recommendation tables (README, "Outputs"): moves, purchases,
//! substitutions, positions, renewal and the summary figures.

mod build;
mod decompose;
pub mod ea;
pub mod findings;
pub mod term;
pub mod transfers;
mod waterfall;

pub use build::Tables;
pub use decompose::{decompose_pool, substitution_paths, PoolFlow};
pub use findings::{Finding, FindingKind};
pub use waterfall::{waterfall, Waterfall, WaterfallStep};

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::estate::{Estate, LicId, VaId};
use crate::model::{Flows, HygieneCounts, Prepared, SolveStatus};

pub use crate::money::Cents;

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

/// A row of `renewal.csv` (README, "Outputs"): one licence at the renewal date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RenewalRow {
    /// Licence.
    pub license: String,
    /// Units of lots in force at as_of that end before the renewal date.
    pub expiring: u64,
    /// Units a like-for-like renewal buys: every expiring lot renewed as it is.
    pub like_for_like: u64,
    /// Units of the vendor quote: the like-for-like renewal plus the per-VA shortfall it
    /// leaves, bought VA by VA in packs.
    pub vendor_quote: u64,
    /// Units the plan buys.
    pub recommended: u64,
    /// Unit price.
    pub unit_price: Cents,
}

impl RenewalRow {
    /// recommended − vendor quote: negative where the plan buys fewer units than the
    /// vendor's quote asks for (the units the customer saves), positive where it buys more.
    pub fn change(&self) -> i128 {
        i128::from(self.recommended) - i128::from(self.vendor_quote)
    }
}

/// Renewal figures of the summary (README, "The model in brief": renewal).
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
    /// The per-VA shortfall at the renewal date with every expiring lot renewed, in the
    /// vendor's reading (bought VA by VA, in packs).
    pub like_for_like_shortfall_units: u64,
    /// Σ vendor quote units: expiring plus the like-for-like shortfall.
    pub vendor_quote_units: u64,
    /// Σ vendor quote units × price.
    pub vendor_quote_cost: Cents,
    /// Σ recommended × price.
    pub recommended_cost: Cents,
    /// vendor_quote_cost − recommended_cost.
    pub savings: Cents,
    /// Why the savings are negative, in words (packs, substitution off); `None` otherwise.
    pub note: Option<String>,
}

/// The like-for-like renewal a vendor quote rests on: the per-VA reading at the renewal
/// date with every expiring lot renewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikeForLike {
    /// Renewal date.
    pub date: NaiveDate,
    /// Per licence: the units that reading still buys, VA by VA in packs.
    pub shortfall: BTreeMap<LicId, u64>,
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
    /// The recommendation tables (read through the plan: `plan.moves` is
    /// `plan.tables.moves`).
    pub tables: Tables,
    /// Vendor view.
    pub vendor: VendorView,
    /// Hygiene counts.
    pub hygiene: HygieneCounts,
    /// Components solved, and of those by MIP.
    pub components: (usize, usize),
    /// The savings waterfall (empty when the plan is not optimal).
    pub waterfall: Vec<WaterfallStep>,
    /// What the plan assumes: scenario settings, dates, data files with row counts.
    pub assumptions: Vec<(String, String)>,
    /// The scenario the plan was made with, written to `scenario.toml` beside the tables.
    pub settings: Option<crate::scenario::Scenario>,
    /// The term sizing (SPEC §4.2), when the scenario sets `term_months`.
    pub term: Option<TermPlan>,
    /// The case's Enterprise Agreement rows read against the plan (empty without `ea.csv`).
    pub ea: Vec<ea::EaLine>,
}

/// The columns of `schedule.csv`, in order: one per [`ScheduleRow`] field.
pub const SCHEDULE_COLUMNS: [&str; 10] = [
    "smart_account",
    "license",
    "milestone",
    "date",
    "demand",
    "entitled",
    "commit",
    "add",
    "purchased_to_date",
    "cost",
];

/// One row of `schedule.csv`: a licence of a pool (or of a VA outside transfers) at one
/// milestone of the term.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScheduleRow {
    /// Pool label (or the VA's Smart Account).
    pub smart_account: String,
    /// Licence.
    pub license: String,
    /// Milestone index, 0 at the start of the term.
    pub milestone: usize,
    /// Milestone date.
    pub date: NaiveDate,
    /// Σ demand D_k of the buyer's VAs.
    pub demand: u64,
    /// Σ lots in force at the milestone in the buyer's VAs.
    pub entitled: u64,
    /// Units committed (milestone 0 only).
    pub commit: u64,
    /// Units added at this milestone.
    pub add: u64,
    /// Units purchased up to and including this milestone.
    pub purchased_to_date: u64,
    /// Cost of this milestone's purchase line, rounded on its own.
    pub cost: Cents,
}

/// The term figures of a plan (SPEC §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermPlan {
    /// The term in months.
    pub months: u32,
    /// Milestone dates.
    pub dates: Vec<NaiveDate>,
    /// Units committed at the start.
    pub commit_units: u64,
    /// Σ commitment lines, each rounded.
    pub commit_cost: Cents,
    /// Units added at later milestones.
    pub add_units: u64,
    /// Σ add-on lines, each rounded.
    pub add_cost: Cents,
    /// The exact total rounded once.
    pub total_cost: Cents,
    /// Units purchased over the term (the stage-2 optimum).
    pub units: u64,
    /// Licences moved over the milestones (the stage-3 optimum).
    pub moved: u64,
    /// The vendor's reading of the term, rounded once.
    pub vendor_term_cost: Cents,
    /// vendor_term_cost − total_cost.
    pub savings: Cents,
    /// The vendor's reading per milestone: (units bought there, Σ of its lines' costs,
    /// each line rounded on its own), one entry per milestone.
    pub vendor_milestones: Vec<(u64, Cents)>,
    /// The schedule, one row per (buyer, licence, milestone).
    pub schedule: Vec<ScheduleRow>,
    /// The purchase lines of the term, each with its milestone: the commitment at
    /// milestone 0, the add-ons after; the VA is empty for a pool's purchase (its units
    /// reach the VAs as `positions.csv` shows at each milestone); cost is the line's term
    /// cost.
    pub purchases: Vec<(NaiveDate, Purchase)>,
    /// The moves of every milestone.
    pub moves: Vec<(NaiveDate, Move)>,
    /// The positions at every milestone (purchased: the term's units in force there).
    pub positions: Vec<(NaiveDate, Position)>,
}

/// How a plan was made, recorded beside its tables: the scenario's name, the savings
/// waterfall, the assumptions and the scenario itself.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Scenario name.
    pub scenario: String,
    /// The savings waterfall.
    pub waterfall: Vec<WaterfallStep>,
    /// The settings and data the plan rests on, as (item, value) rows.
    pub assumptions: Vec<(String, String)>,
    /// The scenario, when the plan comes from one.
    pub settings: Option<crate::scenario::Scenario>,
}

impl Plan {
    /// Assembles a plan, in one step, from a solved model, its tables, the vendor's
    /// reading and how it was made.
    pub fn assemble(
        estate: &Estate,
        prep: &Prepared,
        flows: &Flows,
        tables: Tables,
        vendor: VendorView,
        made: Provenance,
    ) -> Self {
        let ea = ea::lines(estate, &tables.positions);
        Plan {
            case: estate.name.clone(),
            scenario: made.scenario,
            status: flows.status.clone(),
            as_of: prep.view.as_of,
            evaluated_at: prep.view.t,
            currency: estate.currency.clone(),
            tables,
            vendor,
            hygiene: prep.hygiene,
            components: flows.components,
            waterfall: made.waterfall,
            assumptions: made.assumptions,
            settings: made.settings,
            term: None,
            ea,
        }
    }
    /// Σ purchased units (over the term, for a term plan).
    pub fn purchase_units(&self) -> u64 {
        self.term
            .as_ref()
            .map_or_else(|| units_of(&self.tables.purchases), |t| t.units)
    }
    /// Σ purchase cost (the term total, for a term plan).
    pub fn purchase_cost(&self) -> Cents {
        self.term
            .as_ref()
            .map_or_else(|| cost_of(&self.tables.purchases), |t| t.total_cost)
    }
    /// Σ licences moved (over the milestones, for a term plan).
    pub fn licences_moved(&self) -> u64 {
        self.term.as_ref().map_or_else(
            || self.tables.moves.iter().map(|m| m.quantity).sum(),
            |t| t.moved,
        )
    }
    /// Σ substituted units.
    pub fn substituted_units(&self) -> u64 {
        self.tables.substitutions.iter().map(|s| s.quantity).sum()
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

/// Σ units of purchases.
fn units_of(purchases: &[Purchase]) -> u64 {
    purchases.iter().map(|p| p.quantity).sum()
}

/// Σ cost of purchases.
fn cost_of(purchases: &[Purchase]) -> Cents {
    purchases.iter().map(|p| p.cost).sum()
}
