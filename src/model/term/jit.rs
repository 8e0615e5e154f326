//! Just in time, one milestone at a time: the exact term optimum of a component with
//! neither a commitment discount nor a growth allowance, whenever purchases reaching
//! each milestone's own bound nest (`models/README.md`, "Multi-year terms").
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
//! Σ_{k<K−1} m_k + m_{K−1}, with m_k (k < K − 1) the least moves of milestone k over
//! every P at its least cost, and m_{K−1} the least moves over every P at its least cost,
//! then least units.
//!
//! So any P*_0 ≤ P*_1 ≤ … ≤ P*_{K−1} (per licence) with P*_k reaching milestone k's
//! bounds — least cost and m_k moves, and least units too at K − 1 — makes a term plan
//! (commit P*_0, add P*_k − P*_{k−1}: whole packs, a difference of multiples of the pack)
//! that attains all three bounds: a lexicographic optimum of the three published figures
//! of SPEC §4.2. (The covered-units tie-break is each milestone's own.) Two ways find such
//! P*:
//! - [`TermProblem::milestone_form`], a VA outside transfers (nothing moves): each
//!   milestone's single-date optimum, if they nest;
//! - [`TermProblem::chain_milestone_form`], a chain family, pooled or not, every price
//!   positive: from the last milestone back, the single-date optimum at K − 1, then at
//!   each earlier k the least moves over every vector at the least cost
//!   ([`FamilyProblem::chain_at_least_cost`]); when that vector buys more of some
//!   licence than P*_{k+1}, the least moves over the vectors at the least cost at most
//!   P*_{k+1} ([`FamilyProblem::chain_at_least_cost_below`]), kept only if its cost and
//!   moves are the unbounded ones (so it still reaches the bounds).
//!
//! When neither finds nesting purchases, the shortcut declines and the chain search or
//! the MIP decides.

use super::{TermProblem, TermSolution};
use crate::model::chain::chain_order;
use crate::model::family::{FamilyProblem, FamilySolution, SolveOptions};
use crate::model::solve_family;
use crate::model::status::SolveStatus;

/// A single-date solution's purchase cost in cents and its licences moved.
fn cents_and_moves(p: &FamilyProblem, s: &FamilySolution) -> (i128, u128) {
    let cents = (0..p.shape.n_lics)
        .map(|l| i128::from(s.buy[l]) * i128::from(p.shape.price[l].map_or(0, |x| x.cents)))
        .sum();
    (cents, s.out.iter().map(|&x| u128::from(x)).sum())
}

/// Whether purchases `a` are at most `b` for every licence.
fn within(a: &[u64], b: &[u64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y)
}

impl TermProblem {
    /// Whether the shortcut can apply: a VA outside transfers with substitution pairs
    /// (a family), no discount, no allowance.
    pub(super) fn has_milestone_form(&self) -> bool {
        !self.shape.pooled && !self.shape.edges.is_empty() && self.no_discount_or_allowance()
    }

    /// Whether the chain shortcut can apply: a chain family (a pool's, or a VA's whose
    /// single-date optima did not nest), no discount, no allowance, every price positive
    /// (so every vector at the least cost is listed, [`crate::model::Optimal::Cost`]).
    pub(super) fn has_chain_milestone_form(&self) -> bool {
        !self.shape.edges.is_empty()
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
        let mut plans: Vec<FamilySolution> = Vec::with_capacity(self.n_milestones());
        for k in 0..self.n_milestones() {
            let m = solve_family(&self.milestone(k), opts)?;
            if plans.last().is_some_and(|prev| !within(&prev.buy, &m.buy)) {
                return Ok(None);
            }
            plans.push(m);
        }
        Ok(self.nest(plans))
    }

    /// The chain plan, built from the last milestone back: the single-date optimum at
    /// the last; at each earlier milestone the least moves over every vector at the least
    /// cost, or, when that buys more than the next milestone's plan of some licence, a
    /// vector at the least cost below it with as few moves. `None` when no such vector
    /// is found or the exact flow cannot settle a milestone.
    pub(super) fn chain_milestone_form(
        &self,
        opts: &SolveOptions,
    ) -> Result<Option<TermSolution>, SolveStatus> {
        let Some(order) = chain_order(self.shape.n_lics, &self.shape.edges) else {
            return Ok(None);
        };
        let kn = self.n_milestones();
        let mut plans = vec![solve_family(&self.milestone(kn - 1), opts)?];
        for k in (0..kn - 1).rev() {
            let m = self.milestone(k);
            let Some(free) = m.chain_at_least_cost(&order).transpose()? else {
                return Ok(None);
            };
            let above = &plans[plans.len() - 1].buy;
            let plan = if within(&free.buy, above) {
                free
            } else {
                match m.chain_at_least_cost_below(&order, above) {
                    Some(capped) if cents_and_moves(&m, &capped) == cents_and_moves(&m, &free) => {
                        capped
                    }
                    _ => return Ok(None),
                }
            };
            plans.push(plan);
        }
        plans.reverse();
        Ok(self.nest(plans))
    }

    /// The term plan of milestone plans: commit the first, add each later one's
    /// increase; `None` if the purchases in force decrease somewhere (they do not nest).
    fn nest(&self, milestones: Vec<FamilySolution>) -> Option<TermSolution> {
        let nl = self.shape.n_lics;
        let mut add = vec![0; milestones.len() * nl];
        for (k, pair) in milestones.windows(2).enumerate() {
            for l in 0..nl {
                add[(k + 1) * nl + l] = pair[1].buy[l].checked_sub(pair[0].buy[l])?;
            }
        }
        Some(TermSolution {
            commit: milestones.first()?.buy.clone(),
            add,
            milestones,
        })
    }
}
