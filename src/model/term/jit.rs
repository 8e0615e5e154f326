//! Just in time, one milestone at a time: the exact term optimum of a VA outside
//! transfers with neither a commitment discount nor a growth allowance, whenever the
//! milestones' own optima nest (`models/README.md`, "Multi-year terms").
//!
//! **Cost.** Without a discount a unit bought at milestone t costs price·(K − t)/K of
//! the term, that is price/K for every milestone at which it is in force. So the term
//! cost of any plan is (1/K)·Σ_k Σ_l price_l·P_k(l), with P_k the purchased units in
//! force at k, and P_k must cover milestone k on its own: the cost is at least
//! (1/K)·Σ_k (the single-date optimum of milestone k). Let P*_k be the single-date
//! lexicographic optimum of milestone k (exact: the chain solver or the MIP). When P*_k
//! is non-decreasing in k for every licence, commit P*_0 and add P*_k − P*_{k−1} (whole
//! packs: a difference of multiples of the pack) is a term plan attaining the bound.
//! **Units.** A plan at that cost has every P_k at its milestone's optimum cost (else
//! the sum exceeds the bound); its units, Σ_l P_{K−1}(l), are then at least the least
//! units at that cost at milestone K − 1, which P*_{K−1} holds.
//! **Moves.** A VA outside transfers moves nothing, under any plan.
//! So the nested P* is a lexicographic optimum of the three published figures of SPEC
//! §4.2. (The covered-units tie-break is each milestone's own.) When the optima do not
//! nest, this shortcut declines and the MIP decides.

use super::{TermProblem, TermSolution};
use crate::model::family::SolveOptions;
use crate::model::solve_family;
use crate::model::status::SolveStatus;

impl TermProblem {
    /// Whether the shortcut can apply: a VA outside transfers with substitution pairs
    /// (a family), no discount, no allowance.
    pub(super) fn has_milestone_form(&self) -> bool {
        !self.shape.pooled
            && !self.shape.edges.is_empty()
            && self.settings.commit_discount() == 0
            && self.settings.growth_allowance() == 0
    }

    /// The term plan made of each milestone's single-date optimum, if those optima nest
    /// (purchases in force non-decreasing for every licence); `None` if they do not.
    pub(super) fn milestone_form(
        &self,
        opts: &SolveOptions,
    ) -> Result<Option<TermSolution>, SolveStatus> {
        let (kn, nl) = (self.n_milestones(), self.shape.n_lics);
        let mut s = TermSolution {
            commit: Vec::with_capacity(nl),
            add: vec![0; kn * nl],
            milestones: Vec::with_capacity(kn),
        };
        for k in 0..kn {
            let m = solve_family(&self.milestone(k), opts)?;
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
