//! Just in time, one milestone at a time: the exact term optimum of a component with
//! neither a commitment discount nor a growth allowance, whenever the milestones' own
//! optima nest (`models/README.md`, "Multi-year terms").
//!
//! **Cost.** Without a discount a unit bought at milestone t costs price·(K − t)/K of
//! the term, that is price/K for every milestone at which it is in force. So the term
//! cost of any plan is (1/K)·Σ_k Σ_l price_l·P_k(l), with P_k the purchased units in
//! force at k, and P_k must cover milestone k on its own: the cost is at least
//! (1/K)·Σ_k (the single-date optimum of milestone k), and a plan reaches it only if
//! every P_k is at its milestone's least cost.
//! **Units.** The term's units are Σ_l P_{K−1}(l): at the least term cost they are at
//! least the least units at the least cost of milestone K − 1.
//! **Moves.** Given P_k, the flows of milestone k are its own (moves and substitutions
//! may differ per milestone), so a plan at the least cost and units moves at least
//! Σ_{k<K−1} (the least moves of milestone k over every P at its least cost) + (the least
//! moves of milestone K − 1 over every P at its least cost, then least units).
//!
//! Let P*_k be a purchase vector reaching milestone k's bound: the single-date
//! lexicographic optimum at K − 1 (exact: the chain solver or the MIP), and at k < K − 1
//! the least moves over every vector at the least cost, whatever its units
//! ([`FamilyProblem::pooled_chain_at_least_cost`], a pool's chain) — for a VA outside
//! transfers nothing moves, so its single-date optimum serves at every milestone. When
//! P*_k is non-decreasing in k for every licence, commit P*_0 and add P*_k − P*_{k−1}
//! (whole packs: a difference of multiples of the pack) is a term plan attaining all
//! three bounds, so it is a lexicographic optimum of the three published figures of SPEC
//! §4.2. (The covered-units tie-break is each milestone's own.) When the P*_k do not
//! nest, or the exact flow cannot settle a milestone, this shortcut declines and the
//! chain search or the MIP decides.

use super::{TermProblem, TermSolution};
use crate::model::chain::chain_order;
use crate::model::family::{FamilyProblem, FamilySolution, SolveOptions};
use crate::model::solve_family;
use crate::model::status::SolveStatus;

/// A milestone's solve: its bound-reaching solution, `None` when it cannot say.
type MilestoneSolve<'a> =
    dyn Fn(usize, &FamilyProblem) -> Result<Option<FamilySolution>, SolveStatus> + 'a;

impl TermProblem {
    /// Whether the shortcut can apply: a VA outside transfers with substitution pairs
    /// (a family), no discount, no allowance.
    pub(super) fn has_milestone_form(&self) -> bool {
        !self.shape.pooled && !self.shape.edges.is_empty() && self.no_discount_or_allowance()
    }

    /// Whether the pooled shortcut can apply: a pool's chain family, no discount, no
    /// allowance, every price positive (so every vector at the least cost is listed,
    /// [`crate::model::Optimal::Cost`]).
    pub(super) fn has_pool_milestone_form(&self) -> bool {
        self.shape.pooled
            && !self.shape.edges.is_empty()
            && self.no_discount_or_allowance()
            && self.shape.price.iter().flatten().all(|p| p.cents > 0)
            && chain_order(self.shape.n_lics, &self.shape.edges).is_some()
    }

    fn no_discount_or_allowance(&self) -> bool {
        self.settings.commit_discount() == 0 && self.settings.growth_allowance() == 0
    }

    /// The term plan made of each milestone's single-date optimum, if those optima nest
    /// (purchases in force non-decreasing for every licence); `None` if they do not.
    pub(super) fn milestone_form(
        &self,
        opts: &SolveOptions,
    ) -> Result<Option<TermSolution>, SolveStatus> {
        self.nested(&|_, m| solve_family(m, opts).map(Some))
    }

    /// The pooled plan: the least moves at the least cost at every milestone but the
    /// last, the single-date optimum at the last, if those nest; `None` if they do not
    /// or the exact flow cannot settle a milestone.
    pub(super) fn pool_milestone_form(
        &self,
        opts: &SolveOptions,
    ) -> Result<Option<TermSolution>, SolveStatus> {
        let Some(order) = chain_order(self.shape.n_lics, &self.shape.edges) else {
            return Ok(None);
        };
        let last = self.n_milestones() - 1;
        self.nested(&|k, m| {
            if k == last {
                solve_family(m, opts).map(Some)
            } else {
                m.pooled_chain_at_least_cost(&order).transpose()
            }
        })
    }

    /// The term plan of the milestones' solutions (`solve`), if each has one and their
    /// purchases in force never decrease.
    fn nested(&self, solve: &MilestoneSolve) -> Result<Option<TermSolution>, SolveStatus> {
        let (kn, nl) = (self.n_milestones(), self.shape.n_lics);
        let mut s = TermSolution {
            commit: Vec::with_capacity(nl),
            add: vec![0; kn * nl],
            milestones: Vec::with_capacity(kn),
        };
        for k in 0..kn {
            let Some(m) = solve(k, &self.milestone(k))? else {
                return Ok(None);
            };
            if let Some(prev) = s.milestones.last() {
                for l in 0..nl {
                    match m.buy[l].checked_sub(prev.buy[l]) {
                        Some(add) => s.add[k * nl + l] = add,
                        None => return Ok(None),
                    }
                }
            } else {
                s.commit = m.buy.clone();
            }
            s.milestones.push(m);
        }
        Ok(Some(s))
    }
}
