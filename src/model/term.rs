//! Multi-year term sizing (`models/README.md`, "Multi-year terms"): one (pool, family)
//! component, or one (VA, family) for a VA outside transfers, across the milestones
//! k = 0 … K − 1 of a term of T = 12·K months, with a commitment at t_0 and co-termed
//! add-ons at the later milestones.
//!
//! The caller supplies, per milestone, the residual demand D'_k and movable supply M_k of
//! every (VA, licence) of the component (computed from the lots in force at t_k and the
//! demand of [`term_demand`], as for a single date), the prices and pack sizes, the
//! substitution pairs and the [`TermSettings`]. [`solve_term`] returns the
//! [`TermSolution`] at the lexicographic optimum (term cost, units purchased, licences
//! moved, units covered by a higher tier); [`TermProblem::check`] re-checks any solution
//! in exact integer arithmetic and returns its [`TermFigures`]; [`TermProblem::cost_lines`]
//! prices it line by line.
//!
//! Three strategies: the closed form (`closed`) for a single licence without
//! substitution (with an allowance, at a positive price); each milestone's own optimum
//! (`jit`) for a VA outside transfers without discount or allowance, when those optima
//! nest; and the lexicographic MIP (`mip`) for everything else.

mod aggregate;
mod chain;
mod closed;
mod demand;
mod jit;
mod mip;
pub mod run;
#[cfg(test)]
mod tests;

pub use demand::{term_demand, DemandError, TermDemand};

use super::family::{ComponentShape, FamilyProblem, FamilySolution, SolveOptions};
use super::status::SolveStatus;
use crate::scenario::MAX_TERM_MONTHS;

/// Hundredths of a percent in one whole (100%).
pub const WHOLE: u32 = 10_000;

/// A term setting or a component outside what the term model accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    /// `term_months` is not 12, 24, …, 120.
    #[error("term_months = {0}: a term is 12, 24, ... or 120 months (a positive multiple of 12, at most 120)")]
    Months(u32),
    /// The commitment discount is above 100% (hundredths of a percent).
    #[error("commit_discount_pct = {0}/100: a discount is between 0 and 100 percent")]
    Discount(u32),
    /// The growth allowance is above 100% (hundredths of a percent).
    #[error("growth_allowance_pct = {0}/100: an allowance is between 0 and 100 percent")]
    Allowance(u32),
    /// The component's arrays do not have the sizes its counts imply, or a value is out
    /// of its domain (a negative price, a pack of zero, a bad substitution pair).
    #[error("term component malformed: {0}")]
    Shape(String),
}

/// The term of one scenario: length, discount on committed units, growth allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermSettings {
    months: u32,
    commit_discount: u32,
    growth_allowance: u32,
}

impl TermSettings {
    /// A term of `months` months (12, 24, …, 120), a discount on committed units and a
    /// growth allowance on the commitment, both in hundredths of a percent (0 to 10000).
    pub fn new(
        months: u32,
        commit_discount: u32,
        growth_allowance: u32,
    ) -> Result<Self, TermError> {
        if months == 0 || !months.is_multiple_of(12) || months > MAX_TERM_MONTHS {
            return Err(TermError::Months(months));
        }
        if commit_discount > WHOLE {
            return Err(TermError::Discount(commit_discount));
        }
        if growth_allowance > WHOLE {
            return Err(TermError::Allowance(growth_allowance));
        }
        Ok(TermSettings {
            months,
            commit_discount,
            growth_allowance,
        })
    }

    /// The term in months, T.
    pub fn months(&self) -> u32 {
        self.months
    }

    /// The discount on committed units, in hundredths of a percent.
    pub fn commit_discount(&self) -> u32 {
        self.commit_discount
    }

    /// The growth allowance on the commitment, in hundredths of a percent.
    pub fn growth_allowance(&self) -> u32 {
        self.growth_allowance
    }

    /// The number of milestones, K = T / 12.
    pub fn milestones(&self) -> usize {
        (self.months / 12) as usize
    }

    /// Scaled costs are cents × this, K · 10000: every unit cost of the term is then a
    /// whole number (a committed unit costs cents·K·(10000 − discount), an add-on at k
    /// cents·10000·(K − k)).
    pub fn scale(&self) -> i128 {
        i128::from(self.months / 12) * i128::from(WHOLE)
    }

    /// The scaled cost of one committed unit at one cent: K · (10000 − discount), that is
    /// (1 − discount) · T / 12 · 10000.
    pub fn commit_weight(&self) -> i128 {
        i128::from(self.months / 12) * i128::from(WHOLE - self.commit_discount)
    }

    /// The scaled cost of one unit added at milestone k ≥ 1 at one cent: 10000 · (K − k),
    /// that is (T − 12k) / 12 · 10000 (co-termed: charged to the end of the term).
    pub fn add_weight(&self, k: usize) -> i128 {
        let k = i128::try_from(k).unwrap_or(i128::MAX);
        i128::from(WHOLE) * (i128::from(self.months / 12) - k).max(0)
    }

    /// The units a commitment of `commit` units supplies beyond itself:
    /// ⌊commit · allowance / 10000⌋ (exact, 128-bit).
    pub fn allowance_units(&self, commit: u64) -> u64 {
        let extra = u128::from(commit) * u128::from(self.growth_allowance) / u128::from(WHOLE);
        // allowance ≤ 100%, so extra ≤ commit.
        u64::try_from(extra).unwrap_or(u64::MAX)
    }
}

/// One term component: `shape.n_vas` VAs × `shape.n_lics` licences at each of the K
/// milestones.
///
/// `residual` and `movable` are milestone-major: the value of (milestone k, VA a, licence
/// l) is at `(k · n_vas + a) · n_lics + l`.
#[derive(Debug, Clone)]
pub struct TermProblem {
    /// The term.
    pub settings: TermSettings,
    /// The VAs, licences, pooling, prices and pairs, the same at every milestone.
    pub shape: ComponentShape,
    /// D'_k per (milestone, VA, licence).
    pub residual: Vec<u64>,
    /// M_k per (milestone, VA, licence).
    pub movable: Vec<u64>,
}

/// A term plan of one component.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermSolution {
    /// Units committed at t_0 per licence (whole packs).
    pub commit: Vec<u64>,
    /// Units added at each milestone per licence, milestone-major (`k · n_lics + l`);
    /// milestone 0 holds zeros (its purchase is the commitment).
    pub add: Vec<u64>,
    /// Each milestone's single-date solution: transfers and substitutions of that
    /// milestone, and in `buy` the purchased units in force then, per licence:
    /// commitment + its allowance + the add-ons up to and including that milestone.
    pub milestones: Vec<FamilySolution>,
}

/// The lexicographic figures of a term solution, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermFigures {
    /// Total term cost in scaled cents: cents × [`TermSettings::scale`].
    pub scaled_cost: i128,
    /// The scale of `scaled_cost`.
    pub scale: i128,
    /// Units purchased over the term, Σ commitment + Σ add-ons (the allowance is not
    /// purchased).
    pub units: u128,
    /// Licences moved, summed over the milestones.
    pub moves: u128,
    /// Units covered by a higher tier, summed over the milestones (the tie-break).
    pub covered: u128,
}

impl TermFigures {
    /// The published total: the exact cost rounded half-up to cents, once.
    pub fn cost_cents(&self) -> i128 {
        round_half_up(self.scaled_cost, self.scale)
    }
}

/// One priced purchase line: a commitment (milestone 0) or an add-on (milestone ≥ 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostLine {
    /// Licence position in the component.
    pub licence: usize,
    /// Milestone of the purchase (0: the commitment).
    pub milestone: usize,
    /// Units bought.
    pub units: u64,
    /// The line's exact cost in scaled cents (cents × [`TermSettings::scale`]).
    pub scaled_cost: i128,
    /// The line's cost rounded half-up to cents on its own.
    pub cents: i128,
}

/// ⌊x / scale + 1/2⌋: half-up rounding of a scaled amount to whole cents (`scale` > 0;
/// the remainder is doubled, never x, so nothing can wrap).
pub fn round_half_up(x: i128, scale: i128) -> i128 {
    x.div_euclid(scale) + i128::from(2 * x.rem_euclid(scale) >= scale)
}

/// Solves one term component at its lexicographic optimum: with `opts.fast_paths`, an
/// exact shortcut where one is proven and settles it (`TermProblem::fast_form`); the
/// MIP elsewhere.
/// Every answer has passed [`TermProblem::check`].
pub fn solve_term(p: &TermProblem, opts: &SolveOptions) -> Result<TermSolution, SolveStatus> {
    p.validate()
        .map_err(|e| SolveStatus::Error(e.to_string()))?;
    let sol = match p.fast_form(opts)? {
        Some(sol) => sol,
        None => {
            log::debug!(
                "term component of {} VAs x {} licences, {} pairs: the MIP decides",
                p.shape.n_vas,
                p.shape.n_lics,
                p.shape.edges.len()
            );
            p.solve_mip(opts)?
        }
    };
    p.check(&sol).map_err(|e| {
        SolveStatus::Error(format!(
            "a term solution fails the exact re-check ({e}); no figure is published"
        ))
    })?;
    Ok(sol)
}

impl TermProblem {
    /// The exact shortcuts, in turn: the milestones' own optima (a VA's family), the
    /// closed form (one licence), the chain's milestones' optima, the chain search;
    /// `None` when none settles the component (the MIP decides).
    fn fast_form(&self, opts: &SolveOptions) -> Result<Option<TermSolution>, SolveStatus> {
        if !opts.fast_paths {
            return Ok(None);
        }
        if self.has_milestone_form() {
            if let Some(sol) = self.milestone_form(opts)? {
                return Ok(Some(sol));
            }
        }
        if self.has_closed_form() {
            return self.closed_form().map(Some);
        }
        if self.has_chain_milestone_form() {
            if let Some(sol) = self.chain_milestone_form(opts)? {
                return Ok(Some(sol));
            }
        }
        Ok(self.chain_form())
    }

    /// The number of milestones, K.
    pub fn n_milestones(&self) -> usize {
        self.settings.milestones()
    }

    /// Cells per milestone (VAs × licences).
    fn cells(&self) -> usize {
        self.shape.cells()
    }

    /// Checks the sizes and domains: K × VAs × licences values per array, a single VA
    /// outside a pool, prices ≥ 0 and packs ≥ 1, pairs between two distinct licences.
    pub fn validate(&self) -> Result<(), TermError> {
        let shape = |m: String| Err(TermError::Shape(m));
        let n = self.n_milestones() * self.cells();
        if self.residual.len() != n || self.movable.len() != n {
            return shape(format!(
                "{} residual and {} movable values for {} milestones × {} VAs × {} licences",
                self.residual.len(),
                self.movable.len(),
                self.n_milestones(),
                self.shape.n_vas,
                self.shape.n_lics
            ));
        }
        if self.shape.price.len() != self.shape.n_lics {
            return shape(format!(
                "{} prices for {} licences",
                self.shape.price.len(),
                self.shape.n_lics
            ));
        }
        if !self.shape.pooled && self.shape.n_vas != 1 {
            return shape(format!(
                "{} VAs in a component outside a pool",
                self.shape.n_vas
            ));
        }
        if let Some(p) = self
            .shape
            .price
            .iter()
            .flatten()
            .find(|p| p.cents < 0 || p.pack == 0)
        {
            return shape(format!("price {} cents, pack {}", p.cents, p.pack));
        }
        if let Some(e) = self
            .shape
            .edges
            .iter()
            .find(|&&(h, l)| h == l || h >= self.shape.n_lics || l >= self.shape.n_lics)
        {
            return shape(format!("substitution pair {e:?}"));
        }
        Ok(())
    }

    /// Stacks one component's single-date problems, one per milestone in order (the same
    /// VAs, licences, pooling, prices and pairs; each with its own D'_k and M_k), into a
    /// term component.
    pub fn from_milestones(
        settings: TermSettings,
        milestones: &[FamilyProblem],
    ) -> Result<Self, TermError> {
        let shape = |m: String| Err(TermError::Shape(m));
        if milestones.len() != settings.milestones() {
            return shape(format!(
                "{} milestone problems for a term of {} months",
                milestones.len(),
                settings.months()
            ));
        }
        let first = &milestones[0];
        if let Some(k) = milestones.iter().position(|m| m.shape != first.shape) {
            return shape(format!(
                "milestone {k} has other VAs, licences, prices or pairs than milestone 0"
            ));
        }
        let p = TermProblem {
            settings,
            shape: first.shape.clone(),
            residual: milestones
                .iter()
                .flat_map(|m| m.residual.iter().copied())
                .collect(),
            movable: milestones
                .iter()
                .flat_map(|m| m.movable.iter().copied())
                .collect(),
        };
        p.validate()?;
        Ok(p)
    }

    /// The single-date problem of milestone k (its D'_k and M_k; no purchases).
    pub fn milestone(&self, k: usize) -> FamilyProblem {
        let r = k * self.cells()..(k + 1) * self.cells();
        FamilyProblem {
            shape: self.shape.clone(),
            residual: self.residual[r.clone()].to_vec(),
            movable: self.movable[r].to_vec(),
        }
    }

    /// Whether the closed form applies: one licence, no substitution, and either no
    /// allowance or a positive price (or none: nothing can be bought).
    pub fn has_closed_form(&self) -> bool {
        self.shape.n_lics == 1
            && self.shape.edges.is_empty()
            && (self.settings.growth_allowance == 0
                || self.shape.price[0].is_none_or(|p| p.cents > 0))
    }

    /// The scaled cost of one unit of licence `l` bought at milestone `k` (0: committed).
    fn unit_cost(&self, l: usize, k: usize) -> i128 {
        let cents = i128::from(self.shape.price[l].map_or(0, |p| p.cents));
        let w = if k == 0 {
            self.settings.commit_weight()
        } else {
            self.settings.add_weight(k)
        };
        cents * w
    }

    /// The purchase lines of a solution (commitments, then add-ons by milestone), each
    /// with its exact scaled cost and its cost rounded on its own. Lines of zero units
    /// are left out. Errors if a cost cannot be represented (it cannot, within the input
    /// limits).
    pub fn cost_lines(&self, s: &TermSolution) -> Result<Vec<CostLine>, String> {
        let scale = self.settings.scale();
        let mut lines = Vec::new();
        for k in 0..self.n_milestones() {
            for l in 0..self.shape.n_lics {
                let units = if k == 0 {
                    s.commit[l]
                } else {
                    s.add[k * self.shape.n_lics + l]
                };
                if units == 0 {
                    continue;
                }
                let scaled_cost = i128::from(units)
                    .checked_mul(self.unit_cost(l, k))
                    .ok_or_else(|| format!("the cost of {units} units overflows"))?;
                lines.push(CostLine {
                    licence: l,
                    milestone: k,
                    units,
                    scaled_cost,
                    cents: round_half_up(scaled_cost, scale),
                });
            }
        }
        Ok(lines)
    }

    /// The purchased units in force at each milestone, per licence (milestone-major):
    /// commitment + ⌊commitment · allowance⌋ + add-ons up to that milestone, from the
    /// units committed per licence and added per (milestone, licence).
    pub fn supply(&self, commit: &[u64], add: &[u64]) -> Vec<u128> {
        let nl = self.shape.n_lics;
        let mut out = Vec::with_capacity(self.n_milestones() * nl);
        let mut running: Vec<u128> = (0..nl)
            .map(|l| u128::from(commit[l]) + u128::from(self.settings.allowance_units(commit[l])))
            .collect();
        for k in 0..self.n_milestones() {
            for (held, &add) in running.iter_mut().zip(&add[k * nl..(k + 1) * nl]) {
                // The add-ons at milestone 0 are zero (`check` refuses any other).
                *held += u128::from(add);
                out.push(*held);
            }
        }
        out
    }

    /// Re-checks a solution in exact integer arithmetic and returns its figures: sizes,
    /// whole packs, nothing bought that cannot be, each milestone's purchased supply
    /// equal to the commitment, its allowance and the add-ons so far, and at every
    /// milestone out ≤ M, every (VA, licence) covered and every pool balance met.
    pub fn check(&self, s: &TermSolution) -> Result<TermFigures, String> {
        let (kn, nl) = (self.n_milestones(), self.shape.n_lics);
        if s.commit.len() != nl || s.add.len() != kn * nl || s.milestones.len() != kn {
            return Err("a solution of the wrong size".into());
        }
        let (scaled_cost, units) = self.purchase_figures(&s.commit, &s.add)?;
        let supply = self.supply(&s.commit, &s.add);
        let (mut moves, mut covered) = (0u128, 0u128);
        for k in 0..kn {
            let m = &s.milestones[k];
            for l in 0..nl {
                if u128::from(m.buy[l]) != supply[k * nl + l] {
                    return Err(format!(
                        "milestone {k}: {} purchased units in force, the purchases give {}",
                        m.buy[l],
                        supply[k * nl + l]
                    ));
                }
            }
            let fp = self.milestone(k);
            fp.check_rows(m)
                .map_err(|e| format!("milestone {k}: {e}"))?;
            moves += m.out.iter().map(|&x| u128::from(x)).sum::<u128>();
            covered += fp.covered_units(&m.sub);
        }
        Ok(TermFigures {
            scaled_cost,
            scale: self.settings.scale(),
            units,
            moves,
            covered,
        })
    }

    /// The exact scaled cost and units of the purchases (units committed per licence and
    /// added per (milestone, licence)), refusing broken packs and purchases of a licence
    /// that cannot be bought.
    fn purchase_figures(&self, commit: &[u64], add: &[u64]) -> Result<(i128, u128), String> {
        let nl = self.shape.n_lics;
        let (mut cost, mut units) = (0i128, 0u128);
        for k in 0..self.n_milestones() {
            for l in 0..nl {
                let x = if k == 0 { commit[l] } else { add[k * nl + l] };
                match self.shape.price[l] {
                    Some(p) if x.is_multiple_of(p.pack) => {}
                    None if x == 0 => {}
                    _ => return Err(format!("milestone {k}: a purchase not in whole packs")),
                }
                let c = i128::from(x)
                    .checked_mul(self.unit_cost(l, k))
                    .and_then(|c| cost.checked_add(c))
                    .ok_or("a term cost overflows")?;
                cost = c;
                units += u128::from(x);
            }
        }
        if add[..nl].iter().any(|&x| x != 0) {
            return Err("an add-on at milestone 0 (its purchase is the commitment)".into());
        }
        Ok((cost, units))
    }
}
