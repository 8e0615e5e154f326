//! The exact closed form of a term component with one licence, no substitution and no
//! growth allowance (`models/README.md`, "Multi-year terms"): the pack-rounded running
//! maximum of the net need, committed up to the last milestone k* whose add-on price is
//! not below the committed price, added just in time after it. Linear in the number of
//! milestones and VAs, whatever the unit counts.

use super::{TermProblem, TermSolution};
use crate::model::family::FamilySolution;
use crate::model::status::SolveStatus;

/// A unit figure back in the model's 64-bit cells, or a located refusal.
fn narrow(x: u128) -> Result<u64, SolveStatus> {
    u64::try_from(x).map_err(|_| {
        SolveStatus::Error(format!(
            "a term purchase of {x} units exceeds 64 bits; no figure is published"
        ))
    })
}

/// Each VA's deficit max(0, D' − M) and surplus max(0, M − D').
fn deficits(residual: &[u64], movable: &[u64]) -> (Vec<u64>, Vec<u64>) {
    let def = residual
        .iter()
        .zip(movable)
        .map(|(&d, &m)| d.saturating_sub(m))
        .collect();
    let sur = residual
        .iter()
        .zip(movable)
        .map(|(&d, &m)| m.saturating_sub(d))
        .collect();
    (def, sur)
}

/// One milestone of a pool holding `bought` purchased units: at least
/// max(0, Σdef − bought) licences must move (Σin = Σout + bought ≥ Σdef), and surpluses
/// suffice when bought ≥ Σdef − Σsur. Surplus is taken from the largest surpluses first
/// (ties by position); purchases land on deficits, any excess on the first deficit VA (or
/// the first VA).
fn place(residual: &[u64], movable: &[u64], bought: u64) -> FamilySolution {
    let n = residual.len();
    let (def, sur) = deficits(residual, movable);
    let total_def: u128 = def.iter().map(|&x| u128::from(x)).sum();
    let mut moved = total_def.saturating_sub(u128::from(bought));
    let mut out = vec![0u64; n];
    let mut order: Vec<usize> = (0..n).filter(|&i| sur[i] > 0).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sur[i]), i));
    for i in order {
        if moved == 0 {
            break;
        }
        let take = u128::from(sur[i]).min(moved);
        out[i] = u64::try_from(take).expect("at most one VA's surplus");
        moved -= take;
    }
    let mut inn = def.clone();
    if u128::from(bought) > total_def {
        let first = def.iter().position(|&d| d > 0).unwrap_or(0);
        let extra = u128::from(bought) - total_def;
        inn[first] = u64::try_from(u128::from(inn[first]) + extra).expect("at most bought");
    }
    FamilySolution {
        out,
        inn,
        buy: vec![bought],
        sub: Vec::new(),
    }
}

impl TermProblem {
    /// Net need of each milestone in units: for a pool max(0, Σdef − Σsur), for a VA
    /// alone max(0, D' − M).
    fn needs(&self) -> Vec<u128> {
        let nv = self.n_vas;
        (0..self.n_milestones())
            .map(|k| {
                let r = &self.residual[k * nv..(k + 1) * nv];
                let m = &self.movable[k * nv..(k + 1) * nv];
                let (def, sur) = deficits(r, m);
                let d: u128 = def.iter().map(|&x| u128::from(x)).sum();
                let s: u128 = sur.iter().map(|&x| u128::from(x)).sum();
                d.saturating_sub(s)
            })
            .collect()
    }

    /// The last milestone k* whose add-on costs no less than a committed unit,
    /// 10000·(K − k) ≥ K·(10000 − discount) (all of them at price 0). Commitments cover
    /// what is needed by k*; a tie commits, which costs the same and moves no more.
    fn last_commit_milestone(&self, cents: i64) -> usize {
        if cents == 0 {
            return self.n_milestones() - 1;
        }
        let c = self.settings.commit_weight();
        (0..self.n_milestones())
            .rev()
            .find(|&k| k == 0 || self.settings.add_weight(k) >= c)
            .unwrap_or(0)
    }

    /// The closed form: needs, their pack-rounded running maximum R (in packs),
    /// the commitment R_{k*}, add-ons R_k − R_{k−1} after k*, and each milestone placed.
    pub(super) fn closed_form(&self) -> Result<TermSolution, SolveStatus> {
        let kn = self.n_milestones();
        let needs = self.needs();
        let Some(price) = self.price[0] else {
            if needs.iter().any(|&n| n > 0) {
                return Err(SolveStatus::Infeasible);
            }
            return Ok(self.with_purchases(0, vec![0; kn]));
        };
        let pack = u128::from(price.pack);
        let mut running = 0u128;
        let packs: Vec<u128> = needs
            .iter()
            .map(|&n| {
                running = running.max(n.div_ceil(pack));
                running
            })
            .collect();
        // Everything held is at most the last milestone's purchases: fit them once.
        narrow(packs[kn - 1] * pack)?;
        let k_star = self.last_commit_milestone(price.cents);
        let commit = narrow(packs[k_star] * pack)?;
        let mut add = vec![0u64; kn];
        for k in k_star + 1..kn {
            add[k] = narrow((packs[k] - packs[k - 1]) * pack)?;
        }
        Ok(self.with_purchases(commit, add))
    }

    /// The solution with these purchases (one licence): each milestone placed with the
    /// units in force then.
    fn with_purchases(&self, commit: u64, add: Vec<u64>) -> TermSolution {
        let nv = self.n_vas;
        let mut held = u128::from(commit);
        let milestones = (0..self.n_milestones())
            .map(|k| {
                held += u128::from(add[k]);
                let bought =
                    u64::try_from(held).expect("at most the last milestone's purchases, which fit");
                if self.pooled {
                    let r = &self.residual[k * nv..(k + 1) * nv];
                    let m = &self.movable[k * nv..(k + 1) * nv];
                    place(r, m, bought)
                } else {
                    FamilySolution {
                        out: vec![0],
                        inn: vec![0],
                        buy: vec![bought],
                        sub: Vec::new(),
                    }
                }
            })
            .collect();
        TermSolution {
            commit: vec![commit],
            add,
            milestones,
        }
    }
}
