//! The exact closed form of a term component with one licence and no substitution
//! (`models/README.md`, "Multi-year terms"). Without allowance: the pack-rounded running
//! maximum of the net need, committed up to the last milestone k* whose add-on price is
//! not below the committed price, added just in time after it. With an allowance (at a
//! positive price): a search over a bounded set of commitments, add-ons just in time.
//! Linear in the number of milestones and VAs (times the allowance's period with one),
//! whatever the unit counts.

use super::{TermProblem, TermSolution};
use crate::model::closed::{self, deficits};
use crate::model::family::FamilySolution;
use crate::model::status::SolveStatus;
use num_integer::gcd;

/// A unit figure back in the model's 64-bit cells, or a located refusal.
fn narrow(x: u128) -> Result<u64, SolveStatus> {
    u64::try_from(x).map_err(|_| {
        SolveStatus::Error(format!(
            "a term purchase of {x} units exceeds 64 bits; no figure is published"
        ))
    })
}

/// One milestone of a pool holding `bought` purchased units (the single-date rule,
/// [`closed::place`]).
fn place(residual: &[u64], movable: &[u64], bought: u64) -> FamilySolution {
    let (def, sur) = deficits(residual, movable);
    let p = closed::place(&def, &sur, u128::from(bought));
    FamilySolution {
        out: p.out,
        inn: p.inn,
        buy: vec![bought],
        sub: Vec::new(),
    }
}

impl TermProblem {
    /// (Σdef, Σsur) of each milestone: total deficit Σ max(0, D' − M) and total surplus
    /// Σ max(0, M − D') over its VAs.
    fn deficit_sums(&self) -> Vec<(u128, u128)> {
        let nv = self.shape.n_vas;
        (0..self.n_milestones())
            .map(|k| {
                let r = &self.residual[k * nv..(k + 1) * nv];
                let m = &self.movable[k * nv..(k + 1) * nv];
                let (def, sur) = deficits(r, m);
                let sum = |v: Vec<u64>| v.iter().map(|&x| u128::from(x)).sum::<u128>();
                (sum(def), sum(sur))
            })
            .collect()
    }

    /// Net need of each milestone in units: for a pool max(0, Σdef − Σsur), for a VA
    /// alone max(0, D' − M).
    fn needs(&self) -> Vec<u128> {
        self.deficit_sums()
            .into_iter()
            .map(|(d, s)| d.saturating_sub(s))
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
    /// With an allowance (at a positive price), the commitment search instead.
    pub(super) fn closed_form(&self) -> Result<TermSolution, SolveStatus> {
        let kn = self.n_milestones();
        let needs = self.needs();
        let Some(price) = self.shape.price[0] else {
            if needs.iter().any(|&n| n > 0) {
                return Err(SolveStatus::Infeasible);
            }
            return self.with_purchases(0, vec![0; kn]);
        };
        if self.settings.growth_allowance() > 0 {
            return self.allowance_form(price.pack, &needs);
        }
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
        self.with_purchases(commit, add)
    }

    /// Total deficit Σ max(0, D' − M) of each milestone (what transfers and purchases
    /// must fill in a pool).
    fn deficit_totals(&self) -> Vec<u128> {
        self.deficit_sums().into_iter().map(|(d, _)| d).collect()
    }

    /// The units a commitment of x packs supplies: E(x) = qx + ⌊qx·α/10000⌋.
    fn supplied(&self, pack: u128, x: u128) -> u128 {
        let c = pack * x;
        c + c * u128::from(self.settings.growth_allowance()) / u128::from(super::WHOLE)
    }

    /// The fewest packs x whose commitment supplies at least v units (E is
    /// non-decreasing; binary search).
    fn packs_supplying(&self, pack: u128, v: u128) -> u128 {
        let (mut lo, mut hi) = (0u128, v.div_ceil(pack));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.supplied(pack, mid) >= v {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// The lexicographic figures (scaled cost, units, moves) of committing x packs with
    /// add-ons just in time: Q_k = q·⌈max(0, N_k − E)/q⌉ added by milestone k ≥ 1.
    /// `None` when the commitment does not cover milestone 0 or a cost overflows.
    fn commit_figures(
        &self,
        pack: u128,
        top: &[u128],
        defs: &[u128],
        x: u128,
    ) -> Option<(i128, u128, u128)> {
        let e = self.supplied(pack, x);
        if e < top[0] {
            return None;
        }
        let c = pack * x;
        let mut cost = i128::try_from(c).ok()?.checked_mul(self.unit_cost(0, 0))?;
        let (mut before, mut moves) = (0u128, 0u128);
        for (k, (&n, &d)) in top.iter().zip(defs).enumerate() {
            let q = if k == 0 {
                0
            } else {
                n.saturating_sub(e).div_ceil(pack) * pack
            };
            let add = i128::try_from(q - before).ok()?;
            cost = cost.checked_add(add.checked_mul(self.unit_cost(0, k))?)?;
            before = q;
            if self.shape.pooled {
                moves += d.saturating_sub(e + q);
            }
        }
        Some((cost, c + before, moves))
    }

    /// One licence with a growth allowance at a positive price (`models/README.md`):
    /// given the commitment, add-ons just in time are optimal, and along each residue
    /// class of the packs committed modulo m' (α/10000 = α'/m') the figures are linear
    /// between the steps where the supply crosses a need, so the optimum is among the
    /// commitments within m' + 1 packs of the least one covering each running need, of
    /// the least feasible one and of the least one covering everything: at most
    /// (K + 2)·(2m' + 3) candidates, whatever the unit counts.
    fn allowance_form(&self, pack: u64, needs: &[u128]) -> Result<TermSolution, SolveStatus> {
        let kn = self.n_milestones();
        let q = u128::from(pack);
        let mut running = 0u128;
        let top: Vec<u128> = needs
            .iter()
            .map(|&n| {
                running = running.max(n);
                running
            })
            .collect();
        let defs = self.deficit_totals();
        let a = u128::from(self.settings.growth_allowance());
        let period = u128::from(super::WHOLE) / gcd(a, u128::from(super::WHOLE));
        let x_min = self.packs_supplying(q, top[0]);
        let x_max = self.packs_supplying(q, top[kn - 1]).max(x_min);
        let mut centres: Vec<u128> = top.iter().map(|&v| self.packs_supplying(q, v)).collect();
        centres.extend([x_min, x_max]);
        let mut best: Option<((i128, u128, u128), u128)> = None;
        for centre in centres {
            let lo = centre.saturating_sub(period + 1).max(x_min);
            let hi = centre.saturating_add(period + 1).min(x_max);
            for x in lo..=hi {
                let Some(f) = self.commit_figures(q, &top, &defs, x) else {
                    continue;
                };
                if best.is_none_or(|(b, bx)| (f, x) < (b, bx)) {
                    best = Some((f, x));
                }
            }
        }
        let Some((_, x)) = best else {
            return Err(SolveStatus::Error(
                "a term cost overflows 128 bits; no figure is published".into(),
            ));
        };
        let e = self.supplied(q, x);
        let mut add = vec![0u64; kn];
        let mut before = 0u128;
        for k in 1..kn {
            let now = top[k].saturating_sub(e).div_ceil(q) * q;
            add[k] = narrow(now - before)?;
            before = now;
        }
        narrow(e + before)?;
        self.with_purchases(narrow(q * x)?, add)
    }

    /// The solution with these purchases (one licence): each milestone placed with the
    /// units in force then (the commitment, its allowance and the add-ons so far).
    fn with_purchases(&self, commit: u64, add: Vec<u64>) -> Result<TermSolution, SolveStatus> {
        let nv = self.shape.n_vas;
        let mut held = u128::from(commit) + u128::from(self.settings.allowance_units(commit));
        let mut milestones = Vec::with_capacity(self.n_milestones());
        for (k, &a) in add.iter().enumerate() {
            held += u128::from(a);
            let bought = narrow(held)?;
            milestones.push(if self.shape.pooled {
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
            });
        }
        Ok(TermSolution {
            commit: vec![commit],
            add,
            milestones,
        })
    }
}
