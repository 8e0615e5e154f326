//! The exact term optimum of a chain family (A covers B covers C ...) without the MIP,
//! for a term without a growth allowance (`models/README.md`, "Multi-year terms").
//!
//! **Aggregate form.** Order the tiers from the top. At milestone k the component's
//! movable supply s_k and residual demand d_k per tier, summed over its VAs, are covered
//! by purchases in force x_k exactly when every prefix holds, Σ_{t≤j} x_k(t) ≥ R_k(j),
//! with R_k(j) the running maximum of Σ_{t≤j} (d_k − s_k)(t) and 0 (the prefix form of
//! `model/chain.rs`: within a pool transfers are free, so the pool is one chain; a VA
//! outside transfers is one chain by itself). A term plan is a sequence x_0 ≤ x_1 ≤ …
//! ≤ x_{K−1} (per tier, whole packs): commit x_0, add x_k − x_{k−1} at milestone k. Its
//! cost is Σ_t c_0(t)·x_0(t) + Σ_{k≥1} Σ_t c_k(t)·(x_k − x_{k−1})(t), its units
//! Σ_t x_{K−1}(t).
//!
//! **Which plans need looking at.** (i) *Bound:* let U = max_{k,j} R_k(j) and p_t the
//! pack of tier t. In a plan optimal in (cost, units), every x_{K−1}(t) < U + p_t.
//! Otherwise take the last milestone k1 at which tier t grew: from k1 on, x_k(t) =
//! x_{K−1}(t) ≥ U + p_t, so every prefix j ≥ t holds at least R_k(j) + p_t, and removing
//! one pack of t from milestone k1 on stays feasible, costs no more (prices are ≥ 0) and
//! buys fewer units.
//! (ii) *Dominance:* when a higher tier i < t is strictly cheaper than t, its pack divides
//! t's and a committed unit costs something (discount below 100%), no optimal plan buys
//! t: buying the same units of i at the same milestones instead keeps every prefix j ≥ t
//! as it was, raises the prefixes between i and t, and costs strictly less.
//! (iii) *Cheaper below:* when a lower tier u > t is strictly cheaper than t, its pack
//! divides t's and a committed unit costs something, every optimal plan has x_{K−1}(t) <
//! max_{k, t≤j<u} R_k(j) + p_t: otherwise, from the last milestone k1 at which t grew,
//! every prefix j in t … u − 1 has a pack to spare, and buying that pack as units of u
//! at k1 instead keeps every prefix j ≥ u, covers the others, and costs strictly less.
//! So the optima lie on the grid of the non-dominated buyable tiers, each from 0 to
//! its bound (U, or (iii)'s where it applies) + p_t − 1 in whole packs.
//!
//! **The search** is a shortest path over that grid, milestone by milestone:
//! V_k(x) = c_k·x + min_{y ≤ x} (V_{k−1}(y) − c_k·y) for x feasible at k (the min over
//! the lower orthant is one running minimum per tier), V_0(x) = c_0·x. For a VA outside
//! transfers the value also carries the units covered by a higher tier, a sum over the
//! milestones of Σ_t max(0, d_k − s_k − x_k)(t) (the least covering with those purchases,
//! as in `chain_flow.rs`), compared after the cost: paths into one x have equal units, so
//! the lexicographic (cost, units, covered) optimum is the least (cost, units(x),
//! covered) over the last milestone (nothing moves outside transfers). In a pool the
//! moves depend on how units sit among the VAs: every plan at the optimal (cost, units)
//! is listed (up to [`MAX_PLANS`]) and each milestone's least (moves, covered) with its
//! purchases fixed is found by the exact flow of `chain_flow.rs`; the least sum wins.
//!
//! **Magnitude reduction (commitment).** Let m_j be the grid tiers at or above tier j,
//! L_j the lcm of their packs, and H the largest need of a prefix above j at any
//! milestone. *Lemma:* if R_0(j) ≥ H + (m_j + 1)·L_j and one of those tiers, i*, is
//! strictly the cheapest (and a committed unit costs something, or m_j = 1), the optimal
//! plans are exactly those of the instance with R_k(t) lowered by L_j for every milestone
//! k and every t ≥ j, with L_j more units of i* committed. (≤) adding L_j committed
//! units of i* to a plan of the lowered instance raises every prefix t ≥ i* at every
//! milestone by L_j. (≥) in an optimal plan x, let i0 be the first tier with P_0(i0) ≥
//! H + L_j; the tiers i0 … j commit more than R_0(j) − H − L_j ≥ m_j·L_j units. Removing
//! L_j committed units of any tier i in i0 … j leaves every prefix t ∈ [i, j) at every
//! milestone ≥ P_0(i0) − L_j ≥ H ≥ R_k(t) (purchases in force only grow) and covers the
//! lowered needs for t ≥ j, so it is a plan of the lowered instance costing L_j·c_0(i)
//! less. Were some such tier other than i* to hold L_j units, that plan would beat the
//! lowered optimum; so every other tier commits fewer, i* commits more than L_j, and x is
//! a lowered optimum plus L_j units of i*. Repeated, each R_0(j) − H falls into
//! [m_j·L_j, (m_j + 1)·L_j); the covered units are priced on needs lowered at i* alike.
//!
//! Time and memory are the grid's size times the milestones, never the magnitude of a
//! price. Beyond [`MAX_CELLS`] cells, or [`MAX_PLANS`] tied pool plans, the MIP decides.

use super::{TermProblem, TermSolution};
use crate::model::chain::{chain_order, Optimal};
use crate::model::family::FamilySolution;
use num_integer::gcd;
use std::ops::{Add, Sub};

/// The largest search: grid states × milestones (16 bytes each in `i64`, 32 in `i128`).
pub const MAX_CELLS: usize = 1 << 20;

/// The most plans at the optimal (cost, units) a pool's flows are weighed over.
pub const MAX_PLANS: usize = 64;

/// The integers a search runs in: `i64` when every value it can meet fits
/// ([`Chain::fits_i64`]), half the memory of `i128` and faster; `i128` holds every input.
pub(super) trait Word:
    Copy + Ord + Add<Output = Self> + Sub<Output = Self> + Into<i128> + TryFrom<i128>
{
    /// The largest value: [`Val::UNREACHED`]'s.
    const MAX: Self;
}

impl Word for i64 {
    const MAX: Self = i64::MAX;
}

impl Word for i128 {
    const MAX: Self = i128::MAX;
}

/// A path's value: scaled cost and covered units; `cost == W::MAX` is unreachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Val<W> {
    cost: W,
    covered: W,
}

impl<W: Word> Val<W> {
    const UNREACHED: Self = Val {
        cost: W::MAX,
        covered: W::MAX,
    };

    /// The cost and covered units in the widest integers (covered is never negative).
    fn wide(self) -> (i128, u128) {
        (self.cost.into(), self.covered.into().unsigned_abs())
    }
}

/// The values of every grid state at every milestone, milestone-major.
struct Values<W> {
    states: usize,
    vals: Vec<Val<W>>,
}

impl<W: Word> Values<W> {
    /// The value of state `i` at milestone k.
    fn at(&self, k: usize, i: usize) -> Val<W> {
        self.vals[k * self.states + i]
    }

    /// The values of milestone k.
    fn milestone(&self, k: usize) -> &[Val<W>] {
        &self.vals[k * self.states..(k + 1) * self.states]
    }
}

/// A component's needs in prefix form, before any grid or reduction.
pub(super) struct Needs {
    /// Licence position of each tier, top first.
    pub(super) order: Vec<usize>,
    /// R_k(j) per milestone and tier.
    pub(super) need: Vec<Vec<i128>>,
    /// (d_k − s_k)(t) per milestone and tier.
    pub(super) net: Vec<Vec<i128>>,
}

/// The component as one chain: tiers top first, with each milestone's prefix needs.
pub(super) struct Chain {
    /// Licence position of each tier.
    order: Vec<usize>,
    /// R_k(j) per milestone and tier.
    need: Vec<Vec<i128>>,
    /// (d_k − s_k)(t) per milestone and tier, for the covered units.
    net: Vec<Vec<i128>>,
    /// The grid's tiers: (tier, pack, number of values 0, p, 2p, …).
    dims: Vec<(usize, u64, usize)>,
    /// States on the grid.
    states: usize,
    /// Units per tier committed by the magnitude reduction, on top of a grid state.
    pub(super) shift: Vec<u64>,
    /// Units per tier (top first) of every state, state-major.
    xs: Vec<u64>,
    /// Σ_t cents(t)·x(t) of every state.
    base: Vec<i128>,
    /// The scaled cost of one cent bought at each milestone (0: committed).
    weight: Vec<i128>,
}

impl Chain {
    /// Units per tier (top first) of grid state `i`.
    fn x(&self, i: usize) -> &[u64] {
        let n = self.order.len();
        &self.xs[i * n..(i + 1) * n]
    }

    /// The states y ≤ x (every tier's units at most x's), in grid order: the box of
    /// digits below x's, walked as an odometer (the first dimension fastest).
    fn below(&self, x: usize) -> impl Iterator<Item = usize> + '_ {
        let top: Vec<usize> = self
            .dims
            .iter()
            .map(|&(t, pack, _)| (self.x(x)[t] / pack) as usize)
            .collect();
        let mut strides = Vec::with_capacity(self.dims.len());
        let mut stride = 1;
        for &(_, _, n) in &self.dims {
            strides.push(stride);
            stride *= n;
        }
        let mut digits = vec![0usize; top.len()];
        let mut next = Some(0usize);
        std::iter::from_fn(move || {
            let y = next?;
            next = None;
            let mut at = y;
            for j in 0..top.len() {
                if digits[j] < top[j] {
                    digits[j] += 1;
                    next = Some(at + strides[j]);
                    break;
                }
                at -= digits[j] * strides[j];
                digits[j] = 0;
            }
            Some(y)
        })
    }

    /// The scaled cost of state `i`'s units bought at milestone k.
    fn cost(&self, k: usize, i: usize) -> i128 {
        self.weight[k] * self.base[i]
    }

    /// Units of state `i`, all tiers.
    fn total(&self, i: usize) -> u128 {
        self.x(i).iter().map(|&u| u128::from(u)).sum()
    }

    /// Whether purchases `x` cover milestone k.
    fn covers(&self, k: usize, x: &[u64]) -> bool {
        prefixes_hold(&self.need[k], x.iter().map(|&b| u128::from(b)))
    }

    /// Units covered by a higher tier at milestone k with purchases `x`, one VA.
    fn covered(&self, k: usize, x: &[u64]) -> u128 {
        x.iter()
            .zip(&self.net[k])
            .map(|(&b, &n)| (n - i128::from(b)).max(0).unsigned_abs())
            .sum()
    }

    /// Whether every value the search can meet fits in `i64` with room to spare: each
    /// state's cents, a path's cost and the differences the running minimum takes (at
    /// most K + 1 times the largest milestone weight times the dearest state), and its
    /// covered units (every milestone's positive need, summed).
    pub(super) fn fits_i64(&self) -> bool {
        let limit = i128::from(i64::MAX) / 4;
        let dearest = self.base.iter().copied().max().unwrap_or(0);
        let heaviest = self.weight.iter().copied().max().unwrap_or(0);
        let cost = i128::try_from(self.weight.len() + 1)
            .ok()
            .and_then(|k| k.checked_mul(heaviest)?.checked_mul(dearest));
        let covered = self
            .net
            .iter()
            .flatten()
            .try_fold(0i128, |acc, &n| acc.checked_add(n.max(0)));
        (0..=limit).contains(&dearest)
            && heaviest >= 0
            && cost.is_some_and(|c| c <= limit)
            && covered.is_some_and(|c| c <= limit)
    }

    /// V_k(x) for every grid state and milestone (module documentation), with the
    /// covered units when `one_va`; `None` if a value does not fit `W` (never when
    /// [`Chain::fits_i64`] chose it, or for `i128`).
    fn values<W: Word>(&self, one_va: bool) -> Option<Values<W>> {
        let (kn, n) = (self.weight.len(), self.states);
        let word = |x: i128| W::try_from(x).ok();
        let zero = word(0)?;
        let mut vals = vec![Val::UNREACHED; kn * n];
        // The running minimum over the lower orthant, one milestone at a time.
        let mut best: Vec<Val<W>> = vec![Val::UNREACHED; n];
        for k in 0..kn {
            let cost = |i: usize| word(self.cost(k, i));
            if k > 0 {
                // min over y ≤ x of V_{k−1}(y) − c_k·y, one running minimum per tier.
                let prev = &vals[(k - 1) * n..k * n];
                for (i, (b, &p)) in best.iter_mut().zip(prev).enumerate() {
                    *b = if p == Val::UNREACHED {
                        p
                    } else {
                        Val {
                            cost: p.cost - cost(i)?,
                            covered: p.covered,
                        }
                    };
                }
                let mut stride = 1;
                for &(_, _, digits) in &self.dims {
                    // Every state whose digit in this dimension is above 0 takes the
                    // better of itself and its neighbour one digit lower: blocks of
                    // `stride · digits` states, their first `stride` at digit 0.
                    for block in (0..n).step_by(stride * digits) {
                        for i in block + stride..block + stride * digits {
                            if best[i - stride] < best[i] {
                                best[i] = best[i - stride];
                            }
                        }
                    }
                    stride *= digits;
                }
            }
            let v = &mut vals[k * n..(k + 1) * n];
            for (i, val) in v.iter_mut().enumerate() {
                let from = if k == 0 {
                    Val {
                        cost: zero,
                        covered: zero,
                    }
                } else {
                    best[i]
                };
                if from != Val::UNREACHED && self.covers(k, self.x(i)) {
                    let covered = if one_va {
                        word(i128::try_from(self.covered(k, self.x(i))).ok()?)?
                    } else {
                        zero
                    };
                    *val = Val {
                        cost: from.cost + cost(i)?,
                        covered: from.covered + covered,
                    };
                }
            }
        }
        Some(Values { states: n, vals })
    }
}

impl TermProblem {
    /// Whether the chain search can apply: a chain family, no growth allowance.
    pub(super) fn has_chain_form(&self) -> bool {
        !self.shape.edges.is_empty()
            && self.settings.growth_allowance() == 0
            && chain_order(self.shape.n_lics, &self.shape.edges).is_some()
    }

    /// The component's pool (or VA) as one chain ([`Needs`]); `None` if the family is
    /// not a chain.
    pub(super) fn chain_needs(&self) -> Option<Needs> {
        let order = chain_order(self.shape.n_lics, &self.shape.edges)?;
        let (kn, nv, nl) = (self.n_milestones(), self.shape.n_vas, self.shape.n_lics);
        let mut need = Vec::with_capacity(kn);
        let mut net = Vec::with_capacity(kn);
        for k in 0..kn {
            let tier_net: Vec<i128> = order
                .iter()
                .map(|&l| {
                    (0..nv)
                        .map(|a| {
                            let c = (k * nv + a) * nl + l;
                            i128::from(self.residual[c]) - i128::from(self.movable[c])
                        })
                        .sum()
                })
                .collect();
            let (mut prefix, mut run) = (0i128, 0i128);
            let r: Vec<i128> = tier_net
                .iter()
                .map(|&x| {
                    prefix += x;
                    run = run.max(prefix);
                    run
                })
                .collect();
            need.push(r);
            net.push(tier_net);
        }
        Some(Needs { order, need, net })
    }

    /// The component as a chain, or `None` when the grid is too large (or a sum does
    /// not fit, which the input limits rule out).
    pub(super) fn chain(&self) -> Option<Chain> {
        let Needs {
            order,
            mut need,
            mut net,
        } = self.chain_needs()?;
        let price = &self.shape.price;
        let kn = self.n_milestones();
        let nv = self.shape.n_vas;
        let commit_costs = self.settings.commit_weight() > 0;
        // The buyable tiers that are not dominated: (tier, cents, pack).
        let mut buy: Vec<(usize, i64, u64)> = Vec::new();
        for (t, &l) in order.iter().enumerate() {
            let Some(p) = price[l] else { continue };
            let dominated = commit_costs
                && order[..t].iter().any(|&h| {
                    self.shape.price[h].is_some_and(|q| q.cents < p.cents && p.pack % q.pack == 0)
                });
            if !dominated {
                buy.push((t, p.cents, p.pack));
            }
        }
        let shift = reduce(&mut need, &mut net, &buy, commit_costs)?;
        let top = need.iter().flatten().copied().max().unwrap_or(0).max(0);
        let mut dims = Vec::new();
        let mut states = 1usize;
        for &(t, cents, pack) in &buy {
            // (iii): below a strictly cheaper lower tier u whose pack divides t's, only
            // the prefixes t … u − 1 bound t.
            let cheaper_below = order.iter().enumerate().skip(t + 1).find(|&(_, &l)| {
                self.shape.price[l].is_some_and(|q| q.cents < cents && pack % q.pack == 0)
            });
            let top = match cheaper_below {
                Some((u, _)) if commit_costs => need
                    .iter()
                    .flat_map(|r| r[t..u].iter().copied())
                    .max()
                    .unwrap_or(0)
                    .max(0),
                _ => top,
            };
            let values = usize::try_from((top + i128::from(pack) - 1) / i128::from(pack))
                .ok()?
                .checked_add(1)?;
            states = states.checked_mul(values)?;
            dims.push((t, pack, values));
        }
        if states.checked_mul(kn)? > MAX_CELLS {
            log::debug!(
                "term chain of {nv} VAs: {states} states per milestone, too many to search"
            );
            return None;
        }
        log::debug!("term chain of {nv} VAs: {states} states per milestone searched");
        let n = order.len();
        let mut xs = vec![0u64; states * n];
        let mut base = vec![0i128; states];
        for i in 0..states {
            let mut idx = i;
            for &(t, pack, values) in &dims {
                let units = (idx % values) as u64 * pack;
                idx /= values;
                xs[i * n + t] = units;
                let cents = self.shape.price[order[t]].map_or(0, |p| i128::from(p.cents));
                base[i] += cents * i128::from(units);
            }
        }
        let weight = (0..kn)
            .map(|k| match k {
                0 => self.settings.commit_weight(),
                k => self.settings.add_weight(k),
            })
            .collect();
        Some(Chain {
            order,
            need,
            net,
            dims,
            states,
            shift,
            xs,
            base,
            weight,
        })
    }

    /// The term optimum by the chain search, or `None` when it cannot settle the
    /// component (the MIP decides). Every answer still passes [`TermProblem::check`]
    /// in the caller.
    pub(super) fn chain_form(&self) -> Option<TermSolution> {
        if !self.has_chain_form() {
            return None;
        }
        let ch = self.chain()?;
        if ch.fits_i64() {
            self.chain_search::<i64>(&ch)
        } else {
            self.chain_search::<i128>(&ch)
        }
    }

    /// [`TermProblem::chain_form`]'s search on the grid of `ch`, in `W`'s integers.
    pub(super) fn chain_search<W: Word>(&self, ch: &Chain) -> Option<TermSolution> {
        let values = ch.values::<W>(!self.shape.pooled)?;
        let kn = self.n_milestones();
        let last = values.milestone(kn - 1);
        let key = |i: usize| (last[i].cost, ch.total(i), last[i].covered);
        let Some(end) = (0..ch.states)
            .filter(|&i| last[i] != Val::UNREACHED)
            .min_by_key(|&i| key(i))
        else {
            // No plan covers every milestone: the MIP says so with its own status.
            return None;
        };
        let plans = if self.shape.pooled {
            let (cost, units_best, _) = key(end);
            let ends: Vec<usize> = (0..ch.states)
                .filter(|&i| {
                    last[i] != Val::UNREACHED && (last[i].cost, ch.total(i)) == (cost, units_best)
                })
                .collect();
            let mut plans = Vec::new();
            for &e in &ends {
                self.chain_paths(ch, &values, kn - 1, vec![e], &mut plans)?;
            }
            plans
        } else {
            vec![self.chain_path(ch, &values, end, true)?]
        };
        self.chain_pick(ch, &plans)
    }

    /// The predecessors of state `x` at milestone k ≥ 1 on an optimal path (equal cost,
    /// and equal covered units when `exact_covered`), in grid order.
    fn chain_preds<W: Word>(
        &self,
        ch: &Chain,
        values: &Values<W>,
        k: usize,
        x: usize,
        exact_covered: bool,
    ) -> Vec<usize> {
        let s_cost = ch.cost(k, x);
        let s_cov = if exact_covered {
            ch.covered(k, ch.x(x))
        } else {
            0
        };
        let (want_cost, want_cov) = values.at(k, x).wide();
        ch.below(x)
            .filter(|&y| {
                let p = values.at(k - 1, y);
                let (p_cost, p_cov) = p.wide();
                p != Val::UNREACHED
                    && p_cost - ch.cost(k, y) + s_cost == want_cost
                    && (!exact_covered || p_cov + s_cov == want_cov)
            })
            .collect()
    }

    /// One optimal path ending at `end` (the first predecessor in grid order each time).
    fn chain_path<W: Word>(
        &self,
        ch: &Chain,
        values: &Values<W>,
        end: usize,
        exact_covered: bool,
    ) -> Option<Vec<usize>> {
        let mut path = vec![end];
        for k in (1..self.n_milestones()).rev() {
            let x = *path.last()?;
            let y = *self.chain_preds(ch, values, k, x, exact_covered).first()?;
            path.push(y);
        }
        path.reverse();
        Some(path)
    }

    /// Every optimal path (cost only) extending `tail` (states from milestone k on, last
    /// first) back to milestone 0, into `out`; `None` beyond [`MAX_PLANS`].
    fn chain_paths<W: Word>(
        &self,
        ch: &Chain,
        values: &Values<W>,
        k: usize,
        tail: Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) -> Option<()> {
        if k == 0 {
            if out.len() == MAX_PLANS {
                return None;
            }
            out.push(tail.into_iter().rev().collect());
            return Some(());
        }
        let x = *tail.last()?;
        for y in self.chain_preds(ch, values, k, x, false) {
            let mut t = tail.clone();
            t.push(y);
            self.chain_paths(ch, values, k - 1, t, out)?;
        }
        Some(())
    }

    /// The plan among `plans` (grid states per milestone) whose milestones, each solved
    /// by the exact flow with its purchases fixed, move and cover the least; as a term
    /// solution.
    fn chain_pick(&self, ch: &Chain, plans: &[Vec<usize>]) -> Option<TermSolution> {
        let (kn, nl) = (self.n_milestones(), self.shape.n_lics);
        // (Σ moves, Σ covered) and the milestones' flows.
        let mut best: Option<((i128, i128), Vec<FamilySolution>)> = None;
        for plan in plans {
            let (mut moves, mut covered) = (0i128, 0i128);
            let mut sols = Vec::with_capacity(kn);
            for (k, &state) in plan.iter().enumerate() {
                let mut fixed = vec![Some(0); nl];
                for (t, &l) in ch.order.iter().enumerate() {
                    fixed[l] = Some(ch.x(state)[t] + ch.shift[t]);
                }
                let (cost, sol) = self.milestone(k).stages_by_flow(
                    &ch.order,
                    &fixed,
                    Optimal::CostThenUnits,
                    None,
                )?;
                moves += cost[2];
                covered += cost[3];
                sols.push(sol);
            }
            if best.as_ref().is_none_or(|b| (moves, covered) < b.0) {
                best = Some(((moves, covered), sols));
            }
        }
        // Each milestone's flow holds its purchases in force (the fixed ones) in `buy`.
        let (_, milestones) = best?;
        let mut s = TermSolution {
            commit: milestones.first()?.buy.clone(),
            add: vec![0; kn * nl],
            milestones,
        };
        for k in 1..kn {
            for l in 0..nl {
                s.add[k * nl + l] =
                    s.milestones[k].buy[l].checked_sub(s.milestones[k - 1].buy[l])?;
            }
        }
        Some(s)
    }
}

/// Whether units per tier (top first) meet every prefix need: Σ_{t≤j} units(t) ≥ R(j).
pub(super) fn prefixes_hold(need: &[i128], units: impl IntoIterator<Item = u128>) -> bool {
    let mut held = 0u128;
    units.into_iter().zip(need).all(|(u, &r)| {
        held = held.saturating_add(u);
        r <= 0 || held >= r.unsigned_abs()
    })
}

/// Lowers the needs by the magnitude reduction (module documentation), tier by tier from
/// the top, and returns the units per tier it commits: for each prefix j whose
/// milestone-0 need exceeds every need of a higher prefix, at any milestone, by at least
/// (m_j + 1)·L_j, with m_j the grid tiers at or above j, L_j the lcm of their packs and
/// a unique cheapest among them, every need of prefix j and below (every milestone) is
/// lowered by whole multiples of L_j until that excess is below (m_j + 1)·L_j, and as
/// many units are committed at the cheapest tier. `net`, which prices the covered units,
/// is lowered at that tier alike. `None` if an lcm does not fit.
fn reduce(
    need: &mut [Vec<i128>],
    net: &mut [Vec<i128>],
    buy: &[(usize, i64, u64)],
    commit_costs: bool,
) -> Option<Vec<u64>> {
    let n = need.first().map_or(0, Vec::len);
    let mut shift = vec![0u64; n];
    for j in 0..n {
        let above: Vec<&(usize, i64, u64)> = buy.iter().filter(|b| b.0 <= j).collect();
        let Some(cheapest) = above.iter().min_by_key(|b| b.1) else {
            continue;
        };
        let unique = above.iter().filter(|b| b.1 == cheapest.1).count() == 1;
        if !unique || (above.len() > 1 && !commit_costs) {
            continue;
        }
        let mut lcm = 1i128;
        for b in &above {
            let p = i128::from(b.2);
            lcm = (lcm / gcd(lcm, p)).checked_mul(p)?;
            if lcm > 1 << 62 {
                return None;
            }
        }
        let m = i128::try_from(above.len()).ok()?;
        let higher = need
            .iter()
            .flat_map(|r| r[..j].iter().copied())
            .max()
            .unwrap_or(0)
            .max(0);
        let excess = need[0][j] - higher;
        if excess < (m + 1) * lcm {
            continue;
        }
        // Lower by c·L, leaving the excess in [m·L, (m + 1)·L).
        let lowered = (excess - m * lcm) / lcm * lcm;
        for r in need.iter_mut() {
            for x in &mut r[j..] {
                *x -= lowered;
            }
        }
        for r in net.iter_mut() {
            r[cheapest.0] -= lowered;
        }
        shift[cheapest.0] = shift[cheapest.0].checked_add(u64::try_from(lowered).ok()?)?;
    }
    Some(shift)
}
