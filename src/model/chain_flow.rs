//! The exact chain paths of a family: a single VA's chain in closed form, and the
//! four stages of any chain as one min-cost flow over the optimal pack purchases
//! (`models/README.md`). Where they cannot settle a family, the MIP does.

use super::chain::{chain_flows, chain_optima, pack_projections, ChainError, ChainOptima, Optimal};
use super::family::{FamilyProblem, FamilySolution, SolveOptions};
use super::mcf::{add, Cost, FlowGraph, FREE};
use super::status::SolveStatus;
use crate::estate::Price;

/// How many optimal purchase vectors of a single VA's chain the closed form weighs in
/// stage 4; beyond that the exact flow does ([`FamilyProblem::chain_exact`]).
const CANDIDATES: usize = 16;

/// How many distinct choices of pack purchases the exact flow tries one by one, at the
/// least; beyond [`FamilyProblem::exhaustive_cap`] the MIP decides.
const PROJECTIONS: usize = 64;

/// The work the exact flow may spend trying choices one by one, in choices × cells: a
/// flow costs about its graph's size, so a family of few cells may try more choices than
/// [`PROJECTIONS`] (a term's chain families with two tiers sold in packs often have a few
/// hundred) before the MIP, which costs far more than a small flow, decides.
const EXHAUSTIVE_WORK: usize = 1 << 15;

/// How many choices the exact flow searches when one tier is sold in packs (a binary
/// search: about 2·log2 of this many flows).
const CONVEX_PROJECTIONS: usize = 1 << 16;

/// How the exact flow goes through the choices of pack purchases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// A binary search on the convex least flow when one tier is sold in packs (every
    /// choice otherwise).
    Convex,
    /// Every choice, one by one: the reference the search is tested against.
    Exhaustive,
}

/// A chain's supply, demand and price per tier, top first.
type Tiers = (Vec<u64>, Vec<u64>, Vec<Option<Price>>);

impl FamilyProblem {
    /// Solves a single VA's chain family without the solver: the optimal purchase
    /// vectors from [`chain_optima`], each with its least substitution flows
    /// ([`chain_flows`]); the one covering the fewest units by a higher tier wins. When
    /// the optima are too many to list, the exact flow settles it
    /// ([`FamilyProblem::chain_exact`]). `None` when the chain algorithm cannot settle it
    /// (the MIP decides).
    pub fn solve_chain_alone(
        &self,
        order: &[usize],
        opts: &SolveOptions,
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        debug_assert_eq!(self.shape.n_vas, 1);
        let ((supply, demand, _), opt) = match self.chain_optimum(order, CANDIDATES)? {
            Ok(found) => found,
            Err(status) => return Some(Err(status)),
        };
        // One VA: nothing moves, every listed optimum is optimal in stages 1–3. With the
        // purchases fixed, the least pass-through flows (`chain_flows`) cover exactly
        // Σ_j max(0, d_j − s_j − b_j) units by a higher tier — the least possible, since a
        // tier's own shortfall must come from above — so the tie-break is settled in
        // closed form: the listed optimum whose own-tier shortfalls add up least. That is
        // exact only over every optimum: an incomplete list goes to the exact flow.
        if !opt.complete {
            return Some(
                self.chain_exact(order, &opt, Search::Convex, Optimal::CostThenUnits)
                    .unwrap_or_else(|| self.solve_moves(opt.cost, opt.units, opts)),
            );
        }
        let mut best: Option<(u128, FamilySolution)> = None;
        for cand in &opt.buys {
            let after: Vec<u64> = supply.iter().zip(cand).map(|(s, b)| s + b).collect();
            let covered: u128 = after
                .iter()
                .zip(&demand)
                .map(|(&s, &d)| u128::from(d.saturating_sub(s)))
                .sum();
            if best.as_ref().is_some_and(|(b, _)| *b <= covered) {
                continue;
            }
            let mut sol = FamilySolution {
                out: vec![0; self.shape.n_lics],
                inn: vec![0; self.shape.n_lics],
                buy: vec![0; self.shape.n_lics],
                sub: vec![0; self.shape.edges.len()],
            };
            for (k, &l) in order.iter().enumerate() {
                sol.buy[l] = cand[k];
            }
            for (k, f) in chain_flows(&after, &demand).into_iter().enumerate() {
                let e = self
                    .shape
                    .edges
                    .iter()
                    .position(|&(h, l)| h == order[k] && l == order[k + 1])?;
                sol.sub[e] = f;
            }
            best = Some((covered, sol));
        }
        best.map(|(_, s)| Ok(s))
    }

    /// The chain algorithm on the component's aggregate: its tiers and optima (listing up
    /// to `cap` + 1 optimal vectors), a status when it has none, or `None` when the
    /// algorithm cannot settle it (the MIP decides).
    fn chain_optimum(
        &self,
        order: &[usize],
        cap: usize,
    ) -> Option<Result<(Tiers, ChainOptima), SolveStatus>> {
        let tiers = self.aggregate(order)?;
        match chain_optima(&tiers.0, &tiers.1, &tiers.2, cap) {
            Ok(opt) => Some(Ok((tiers, opt))),
            Err(ChainError::Infeasible) => Some(Err(SolveStatus::Infeasible)),
            Err(ChainError::TooLarge(_)) => None,
        }
    }

    /// The component's supply, demand and prices per chain tier, summed over its VAs
    /// (`None` if a sum does not fit 64 bits, which the input limits rule out).
    fn aggregate(&self, order: &[usize]) -> Option<Tiers> {
        let mut supply = vec![0u64; order.len()];
        let mut demand = vec![0u64; order.len()];
        for a in 0..self.shape.n_vas {
            for (k, &l) in order.iter().enumerate() {
                supply[k] = supply[k].checked_add(self.movable[a * self.shape.n_lics + l])?;
                demand[k] = demand[k].checked_add(self.residual[a * self.shape.n_lics + l])?;
            }
        }
        let price = order.iter().map(|&l| self.shape.price[l]).collect();
        Some((supply, demand, price))
    }

    /// Stages 3–4 for a pooled chain, exactly (see [`FamilyProblem::chain_exact`]); only
    /// when the chain algorithm cannot settle the family does the MIP take stages 3–4 (or
    /// all of them).
    pub fn pooled_chain(
        &self,
        order: &[usize],
        opts: &SolveOptions,
    ) -> Result<FamilySolution, SolveStatus> {
        // Only the optimal cost and units are needed here: the exact flow finds the
        // purchases itself, so no list of optimal vectors is walked.
        let (_, opt) = match self.chain_optimum(order, 0) {
            Some(Ok(found)) => found,
            Some(Err(status)) => return Err(status),
            None => return self.solve(opts),
        };
        match self.chain_exact(order, &opt, Search::Convex, Optimal::CostThenUnits) {
            Some(r) => r,
            None => self.solve_moves(opt.cost, opt.units, opts),
        }
    }

    /// All four stages of a chain family without the solver. A purchase by the unit is a
    /// flow arc, so with the purchases at the tiers sold in packs fixed, the four stages
    /// are one min-cost flow with lexicographic (cents, units, moves, covered) costs
    /// ([`FamilyProblem::stages_by_flow`]). Every optimum buys an optimal purchase vector,
    /// so the least flow over the distinct choices of pack purchases among the optimal
    /// vectors ([`pack_projections`]) is the optimum of all four stages.
    ///
    /// With one tier sold in packs the choices need not all be tried: the least flow with
    /// that tier's purchase fixed at x is a convex function of x (the value of a linear
    /// programme in a right-hand side; the lexicographic order is a weighted sum with
    /// large enough weights, and the flow polytope is integral), so its values along the
    /// sorted choices fall, then rise, and a binary search on the sign of consecutive
    /// differences finds the least in O(log choices) flows.
    ///
    /// `search` says how the choices are gone through: [`Search::Convex`] as the solve
    /// does, or [`Search::Exhaustive`], the reference the search is tested against.
    ///
    /// With [`Optimal::Cost`] the units are not a stage: the flow takes the least moves,
    /// then covered units, over every purchase vector at the least cost (a unit bought
    /// by the flow costs its price and nothing else, and the choices of pack purchases
    /// come from every vector at the least cost).
    ///
    /// The flow's cost (and units, when they are a stage) are checked against the chain
    /// algorithm's. `None` when the choices are too many to try (the MIP decides).
    pub fn chain_exact(
        &self,
        order: &[usize],
        opt: &ChainOptima,
        search: Search,
        which: Optimal,
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        let (supply, demand, price) = self.aggregate(order)?;
        let packed = price.iter().flatten().filter(|p| p.pack > 1).count();
        let convex = search == Search::Convex && packed == 1;
        let cap = if convex {
            CONVEX_PROJECTIONS
        } else {
            self.exhaustive_cap()
        };
        let projections = match pack_projections(&supply, &demand, &price, cap, which) {
            Ok(Some(p)) => p,
            Ok(None) | Err(ChainError::TooLarge(_)) => return None,
            Err(ChainError::Infeasible) => return Some(Err(SolveStatus::Infeasible)),
        };
        let eval = |proj: &[Option<u64>]| {
            self.stages_by_flow(order, &self.fixed_at(order, proj, None)?, which, None)
        };
        let (obj, sol) = if convex && projections.len() > 2 {
            // The choices come sorted by the one pack tier's units (the walk's keys).
            let mut seen: std::collections::BTreeMap<usize, (Cost, FamilySolution)> =
                Default::default();
            let mut value = |i: usize| -> Option<Cost> {
                if let Some((c, _)) = seen.get(&i) {
                    return Some(*c);
                }
                let found = eval(&projections[i])?;
                let c = found.0;
                seen.insert(i, found);
                Some(c)
            };
            let (mut lo, mut hi) = (0, projections.len() - 1);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if value(mid + 1)? >= value(mid)? {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            value(lo)?;
            seen.remove(&lo)?
        } else {
            let mut best: Option<(Cost, FamilySolution)> = None;
            for proj in &projections {
                let found = eval(proj)?;
                if best.as_ref().is_none_or(|(b, _)| found.0 < *b) {
                    best = Some(found);
                }
            }
            best?
        };
        let units = match which {
            Optimal::CostThenUnits => i128::try_from(opt.units).ok()?,
            Optimal::Cost => 0,
        };
        if (obj[0], obj[1]) != (opt.cost, units) {
            return Some(Err(SolveStatus::Error(format!(
                "the exact flow's purchases (cost {}, units {}) disagree with the chain \
                 algorithm's (cost {}, units {}); no figure is published",
                obj[0], obj[1], opt.cost, opt.units
            ))));
        }
        Some(Ok(sol))
    }

    /// A chain family's least moves, then covered units, over every purchase vector at
    /// the least cost, whatever its units ([`Optimal::Cost`]): what an intermediate
    /// milestone of a term needs (`model/term/jit.rs`). `None` when the exact flow
    /// cannot settle it.
    pub fn chain_at_least_cost(
        &self,
        order: &[usize],
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        let (_, opt) = match self.chain_optimum(order, 0)? {
            Ok(found) => found,
            Err(status) => return Some(Err(status)),
        };
        self.chain_exact(order, &opt, Search::Convex, Optimal::Cost)
    }

    /// The least (cents, moves, covered) flow over the purchase vectors that buy at most
    /// `below[l]` units of every licence and make a pack choice of some vector at the
    /// least cost: when its cents are the least cost, it is the least moves over the
    /// vectors at the least cost below `below`. Every such choice is tried (a choice
    /// whose flow cannot meet the demand under the bound is passed over); `None` when
    /// they are too many or none meets the demand.
    pub fn chain_at_least_cost_below(
        &self,
        order: &[usize],
        below: &[u64],
    ) -> Option<FamilySolution> {
        let (supply, demand, price) = self.aggregate(order)?;
        let projections = pack_projections(
            &supply,
            &demand,
            &price,
            self.exhaustive_cap(),
            Optimal::Cost,
        )
        .ok()??;
        projections
            .iter()
            .filter_map(|proj| {
                let fixed = self.fixed_at(order, proj, Some(below))?;
                self.stages_by_flow(order, &fixed, Optimal::Cost, Some(below))
            })
            .min_by_key(|found| found.0)
            .map(|(_, sol)| sol)
    }

    /// How many choices of pack purchases the exact flow tries one by one: [`PROJECTIONS`],
    /// or more where the family is small enough that [`EXHAUSTIVE_WORK`] allows it.
    fn exhaustive_cap(&self) -> usize {
        (EXHAUSTIVE_WORK / self.shape.cells().max(1)).max(PROJECTIONS)
    }

    /// The purchases [`FamilyProblem::stages_by_flow`] takes for a choice of pack
    /// purchases (`proj`, per tier top first): those fixed, the others chosen by the
    /// flow; `None` when a fixed purchase exceeds `below`.
    fn fixed_at(
        &self,
        order: &[usize],
        proj: &[Option<u64>],
        below: Option<&[u64]>,
    ) -> Option<Vec<Option<u64>>> {
        let mut fixed = vec![Some(0); self.shape.n_lics];
        for (k, &l) in order.iter().enumerate() {
            fixed[l] = proj[k];
        }
        let over = |b: &[u64]| (0..self.shape.n_lics).any(|l| fixed[l].is_some_and(|x| x > b[l]));
        if below.is_some_and(over) {
            return None;
        }
        Some(fixed)
    }

    /// The four stages as a min-cost flow, with the purchases of licence l fixed at
    /// `fixed[l]` units, or chosen by the flow where `fixed[l]` is `None` (a licence sold
    /// by the unit). Each (VA, licence) is two nodes: a supply node fed by its movable
    /// units (and, outside the pool, by its purchases) and a demand node draining its
    /// residual demand to the sink. A supply node serves its own demand node free, and the
    /// demand node of every tier its licence covers (transitively, along the chain) at
    /// one covered unit per unit. In a pool, out edges to the licence's pool node cost one
    /// move per unit, in edges are free, and the pool node is fed by the purchases. A unit
    /// bought by the flow costs its price and one unit. The least flow never has a tier
    /// both receiving and passing on substituted units (short-cutting such a pair covers
    /// fewer units), so routing each covered unit along the chain gives edge flows whose
    /// published count equals the optimum. Returns ((cents, units, Σout, covered),
    /// solution), fixed purchases included, or `None` if the demand cannot all be met.
    /// With [`Optimal::Cost`] units are no stage: a bought unit costs its price alone,
    /// and the units figure returned is 0. With `below`, the flow buys at most
    /// `below[l]` units of a licence sold by the unit.
    pub(crate) fn stages_by_flow(
        &self,
        order: &[usize],
        fixed: &[Option<u64>],
        which: Optimal,
        below: Option<&[u64]>,
    ) -> Option<(Cost, FamilySolution)> {
        let (nv, nl, ne) = (self.shape.n_vas, self.shape.n_lics, self.shape.edges.len());
        let total_movable: i128 = self.movable.iter().map(|&x| i128::from(x)).sum();
        let total_demand: i128 = self.residual.iter().map(|&x| i128::from(x)).sum();
        let fixed_units: i128 = fixed.iter().flatten().map(|&x| i128::from(x)).sum();
        let big = total_movable + fixed_units + total_demand;
        let (src, sink) = (0, 1);
        let pool = |l: usize| 2 + l;
        let supply_node = |a: usize, l: usize| 2 + nl + 2 * (a * nl + l);
        let demand_node = |a: usize, l: usize| 3 + nl + 2 * (a * nl + l);
        let mut g = FlowGraph::new(2 + nl + 2 * nv * nl);
        let mut out_e = vec![None; nv * nl];
        let mut in_e = vec![None; nv * nl];
        // (VA, position of the higher tier in `order`, position of the lower, edge id)
        let mut cover_e = Vec::new();
        let mut sent = 0i128;
        for a in 0..nv {
            for l in 0..nl {
                let c = a * nl + l;
                let (m, d) = (i128::from(self.movable[c]), i128::from(self.residual[c]));
                let path = [
                    g.edge(src, supply_node(a, l), m, FREE),
                    g.edge(supply_node(a, l), demand_node(a, l), big, FREE),
                    g.edge(demand_node(a, l), sink, d, FREE),
                ];
                // A cell's own units cover its own demand at no cost in any stage.
                sent += g.send_free(&path, m.min(d));
                if self.shape.pooled {
                    out_e[c] = Some(g.edge(supply_node(a, l), pool(l), m, [0, 0, 1, 0]));
                    in_e[c] = Some(g.edge(pool(l), supply_node(a, l), big, FREE));
                }
            }
            for p in 0..order.len() {
                for q in p + 1..order.len() {
                    let (from, to) = (supply_node(a, order[p]), demand_node(a, order[q]));
                    cover_e.push((a, p, q, g.edge(from, to, big, [0, 0, 0, 1])));
                }
            }
        }
        let unit = i128::from(which == Optimal::CostThenUnits);
        let mut constant: Cost = FREE;
        let buy_e: Vec<usize> = (0..nl)
            .map(|l| {
                let to = if self.shape.pooled {
                    pool(l)
                } else {
                    supply_node(0, l)
                };
                let cents = self.shape.price[l].map_or(0, |p| i128::from(p.cents));
                match fixed[l] {
                    Some(b) => {
                        constant[0] += cents * i128::from(b);
                        constant[1] += unit * i128::from(b);
                        g.edge(src, to, i128::from(b), FREE)
                    }
                    None => {
                        let cap = below.map_or(big, |b| i128::from(b[l]));
                        g.edge(src, to, cap, [cents, unit, 0, 0])
                    }
                }
            })
            .collect();
        let (flow, cost) = g.min_cost_max_flow(src, sink);
        if sent + flow != total_demand {
            return None;
        }
        let narrow = |x: i128| u64::try_from(x).ok();
        let flow_of = |e: &Option<usize>| e.map_or(Some(0), |e| narrow(g.flow(e)));
        let mut sol = FamilySolution {
            out: out_e.iter().map(flow_of).collect::<Option<_>>()?,
            inn: in_e.iter().map(flow_of).collect::<Option<_>>()?,
            buy: (0..nl)
                .map(|l| fixed[l].or_else(|| narrow(g.flow(buy_e[l]))))
                .collect::<Option<_>>()?,
            sub: vec![0; nv * ne],
        };
        // Each covered unit travels down the chain's edges from its tier to the one it
        // covers.
        for &(a, p, q, e) in &cover_e {
            let f = narrow(g.flow(e))?;
            if f == 0 {
                continue;
            }
            for r in p..q {
                let j = self
                    .shape
                    .edges
                    .iter()
                    .position(|&(h, lo)| h == order[r] && lo == order[r + 1])?;
                sol.sub[a * ne + j] = sol.sub[a * ne + j].checked_add(f)?;
            }
        }
        // Purchased units the flow did not need (a pack's remainder) still arrive
        // somewhere: in a pool, with the VA that receives most of that licence.
        if self.shape.pooled {
            for (l, &e) in buy_e.iter().enumerate() {
                let left = narrow(i128::from(sol.buy[l]) - g.flow(e))?;
                if left > 0 {
                    let a = (0..nv)
                        .max_by_key(|&a| (sol.inn[a * nl + l], std::cmp::Reverse(a)))
                        .unwrap_or(0);
                    sol.inn[a * nl + l] = sol.inn[a * nl + l].checked_add(left)?;
                }
            }
        }
        Some((add(constant, cost), sol))
    }
}
