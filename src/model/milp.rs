//! The MIP of one substitution family in one pool (or one VA outside transfers), solved
//! lexicographically with HiGHS through good_lp (SPEC §4).

use good_lp::solvers::highs::highs;
use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel,
    Variable,
};

use crate::estate::Price;

use super::chain::{chain_buy, chain_flows, chain_optima};
use super::mcf::FlowGraph;
use super::solve::SolveStatus;

/// Solver settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Seconds allowed for each MIP solve (`None`: no limit).
    pub time_limit: Option<f64>,
    /// Use the exact combinatorial paths for chain families (DP and min-cost flow);
    /// `false` sends every family to the MIP (for audits and tests).
    pub fast_paths: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Some(60.0),
            fast_paths: true,
        }
    }
}

/// One family component: `vas.len()` VAs × `lics.len()` licences, row-major by VA.
#[derive(Debug, Clone)]
pub struct FamilyProblem {
    /// Number of VAs.
    pub n_vas: usize,
    /// Number of licences.
    pub n_lics: usize,
    /// Whether the VAs transfer through a pool (else: a single VA buying directly).
    pub pooled: bool,
    /// D' per (VA, licence).
    pub residual: Vec<u64>,
    /// M per (VA, licence).
    pub movable: Vec<u64>,
    /// Price per licence; `None` cannot be bought.
    pub price: Vec<Option<Price>>,
    /// Substitution edges as (higher, lower) licence positions.
    pub edges: Vec<(usize, usize)>,
}

/// The solution of a [`FamilyProblem`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilySolution {
    /// Units out per (VA, licence) (zero when not pooled).
    pub out: Vec<u64>,
    /// Units in per (VA, licence), transfers and purchases alike (zero when not pooled).
    pub inn: Vec<u64>,
    /// Units bought per licence: for the pool, or for the single VA.
    pub buy: Vec<u64>,
    /// Units substituted per (VA, edge).
    pub sub: Vec<u64>,
}

struct Vars {
    out: Vec<Option<Variable>>,
    inn: Vec<Option<Variable>>,
    packs: Vec<Option<Variable>>,
    sub: Vec<Variable>,
}

impl FamilyProblem {
    fn cost_expr(&self, v: &Vars) -> Expression {
        let mut e = Expression::with_capacity(self.n_lics);
        for (l, k) in v.packs.iter().enumerate() {
            if let (Some(k), Some(p)) = (k, self.price[l]) {
                e.add_mul((p.cents as f64) * p.pack as f64, *k);
            }
        }
        e
    }

    fn units_expr(&self, v: &Vars) -> Expression {
        let mut e = Expression::with_capacity(self.n_lics);
        for (l, k) in v.packs.iter().enumerate() {
            if let (Some(k), Some(p)) = (k, self.price[l]) {
                e.add_mul(p.pack as f64, *k);
            }
        }
        e
    }

    /// Builds the model with `objective` chosen by `stage`, the earlier stages' optima
    /// fixed, and solves it.
    fn stage(
        &self,
        stage: u8,
        fixed_cost: Option<i64>,
        fixed_units: Option<u64>,
        opts: &SolveOptions,
    ) -> Result<(f64, FamilySolution), SolveStatus> {
        let var = || variable().integer().min(0);
        let (nv, nl) = (self.n_vas, self.n_lics);
        let mut pv = ProblemVariables::new();
        let cells = nv * nl;
        let mut v = Vars {
            out: vec![None; cells],
            inn: vec![None; cells],
            packs: vec![None; nl],
            sub: Vec::with_capacity(nv * self.edges.len()),
        };
        if self.pooled {
            for c in 0..cells {
                if self.movable[c] > 0 {
                    v.out[c] =
                        Some(pv.add(variable().integer().min(0).max(self.movable[c] as f64)));
                }
                v.inn[c] = Some(pv.add(var()));
            }
        }
        for l in 0..nl {
            if self.price[l].is_some() {
                v.packs[l] = Some(pv.add(var()));
            }
        }
        for _ in 0..nv * self.edges.len() {
            v.sub.push(pv.add(var()));
        }
        let total_movable: u64 = self.movable.iter().sum();
        let objective = match stage {
            1 => self.cost_expr(&v),
            2 => self.units_expr(&v),
            _ => {
                // Licences moved first, then (as a tie-break that cannot change the three
                // published figures) the fewest substituted units. Σsub is at most
                // n_lics × all units held, so this weight keeps the order lexicographic.
                let held = total_movable + fixed_units.unwrap_or(0);
                let w = (nl as f64) * (held as f64) + 1.0;
                let mut e = Expression::with_capacity(cells + v.sub.len());
                for o in v.out.iter().flatten() {
                    e.add_mul(w, *o);
                }
                for s in &v.sub {
                    e.add_mul(1.0, *s);
                }
                e
            }
        };
        let mut problem = pv.minimise(&objective).using(highs);
        problem = problem.set_option("output_flag", false);
        problem = problem.set_threads(1);
        // Primal heuristics cost more than they save on models this small.
        problem = problem.set_option("mip_heuristic_run_feasibility_jump", false);
        problem = problem
            .set_mip_rel_gap(0.0)
            .and_then(|p| p.set_mip_abs_gap(0.5))
            .map_err(|e| SolveStatus::Error(e.to_string()))?;
        if let Some(t) = opts.time_limit {
            problem = problem.set_time_limit(t);
        }
        // Coverage of each (VA, licence).
        for a in 0..nv {
            for l in 0..nl {
                let c = a * nl + l;
                let mut e = Expression::with_capacity(8);
                if let Some(o) = v.out[c] {
                    e.add_mul(-1.0, o);
                }
                if let Some(i) = v.inn[c] {
                    e.add_mul(1.0, i);
                }
                if !self.pooled {
                    if let (Some(k), Some(p)) = (v.packs[l], self.price[l]) {
                        e.add_mul(p.pack as f64, k);
                    }
                }
                for (j, &(h, lo)) in self.edges.iter().enumerate() {
                    let s = v.sub[a * self.edges.len() + j];
                    if h == l {
                        e.add_mul(-1.0, s);
                    }
                    if lo == l {
                        e.add_mul(1.0, s);
                    }
                }
                let need = self.residual[c] as f64 - self.movable[c] as f64;
                problem.add_constraint(e.geq(need));
            }
        }
        // Pool balance per licence.
        if self.pooled {
            for l in 0..nl {
                let mut e = Expression::with_capacity(2 * nv + 1);
                for a in 0..nv {
                    let c = a * nl + l;
                    if let Some(o) = v.out[c] {
                        e.add_mul(1.0, o);
                    }
                    e.add_mul(-1.0, v.inn[c].expect("pooled cells have in"));
                }
                if let (Some(k), Some(p)) = (v.packs[l], self.price[l]) {
                    e.add_mul(p.pack as f64, k);
                }
                problem.add_constraint(e.eq(0.0));
            }
        }
        if let Some(c) = fixed_cost {
            problem.add_constraint(self.cost_expr(&v).leq(c as f64 + 0.5));
        }
        if let Some(u) = fixed_units {
            problem.add_constraint(self.units_expr(&v).leq(u as f64 + 0.5));
        }
        let sol = match problem.solve() {
            Ok(s) => s,
            Err(ResolutionError::Infeasible) => return Err(SolveStatus::Infeasible),
            Err(ResolutionError::Unbounded) => {
                return Err(SolveStatus::Error("unbounded model".into()))
            }
            // good_lp reports a limit (time, iterations, ...) reached before any feasible
            // solution as "NoSolutionFound"; an optimum always has a solution.
            Err(ResolutionError::Other("NoSolutionFound")) => return Err(SolveStatus::TimeLimit),
            Err(e) => return Err(SolveStatus::Error(e.to_string())),
        };
        match sol.status() {
            // With mip_rel_gap = 0 and mip_abs_gap = 0.5 on an integral objective, HiGHS
            // only stops on a gap below one unit: the incumbent is optimal.
            SolutionStatus::Optimal | SolutionStatus::GapLimit => {}
            SolutionStatus::TimeLimit => return Err(SolveStatus::TimeLimit),
        }
        let int = |x: Variable| -> Result<u64, SolveStatus> {
            let val = sol.value(x);
            let r = val.round();
            if (val - r).abs() > 1e-6 || r < 0.0 {
                return Err(SolveStatus::Error(format!(
                    "non-integral solution value {val}"
                )));
            }
            Ok(r as u64)
        };
        let opt_int = |x: Option<Variable>| x.map_or(Ok(0), int);
        let mut s = FamilySolution {
            out: v
                .out
                .iter()
                .map(|&x| opt_int(x))
                .collect::<Result<_, _>>()?,
            inn: v
                .inn
                .iter()
                .map(|&x| opt_int(x))
                .collect::<Result<_, _>>()?,
            buy: Vec::with_capacity(nl),
            sub: v.sub.iter().map(|&x| int(x)).collect::<Result<_, _>>()?,
        };
        for l in 0..nl {
            let pack = self.price[l].map_or(1, |p| p.pack);
            s.buy.push(opt_int(v.packs[l])? * pack);
        }
        Ok((objective.eval_with(&sol), s))
    }

    /// Solves the three stages: cost, then units, then moves (and substitutions).
    pub fn solve(&self, opts: &SolveOptions) -> Result<FamilySolution, SolveStatus> {
        let (c, s1) = self.stage(1, None, None, opts)?;
        let cost = c.round() as i64;
        // Nothing to buy at zero cost with zero units: stage 2 can only confirm it.
        let units = if cost == 0 && s1.buy.iter().all(|&b| b == 0) {
            0
        } else {
            let (u, _) = self.stage(2, Some(cost), None, opts)?;
            u.round() as u64
        };
        self.solve_moves(cost, units, opts)
    }

    /// Stage 3 alone, when the optimal cost and units are already known.
    pub fn solve_moves(
        &self,
        cost: i64,
        units: u64,
        opts: &SolveOptions,
    ) -> Result<FamilySolution, SolveStatus> {
        let (_, s3) = self.stage(3, Some(cost), Some(units), opts)?;
        Ok(s3)
    }

    /// Solves a single VA's chain family without the solver: purchases by
    /// [`chain_buy`], substitutions by [`chain_flows`]. `None` when not a chain.
    pub fn solve_chain_alone(
        &self,
        order: &[usize],
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        debug_assert_eq!(self.n_vas, 1);
        let supply: Vec<u64> = order.iter().map(|&l| self.movable[l]).collect();
        let demand: Vec<u64> = order.iter().map(|&l| self.residual[l]).collect();
        let price: Vec<Option<Price>> = order.iter().map(|&l| self.price[l]).collect();
        let Some((_, buy)) = chain_buy(&supply, &demand, &price) else {
            return Some(Err(SolveStatus::Infeasible));
        };
        let after: Vec<u64> = supply.iter().zip(&buy).map(|(s, b)| s + b).collect();
        let flows = chain_flows(&after, &demand);
        let mut sol = FamilySolution {
            out: vec![0; self.n_lics],
            inn: vec![0; self.n_lics],
            buy: vec![0; self.n_lics],
            sub: vec![0; self.edges.len()],
        };
        for (k, &l) in order.iter().enumerate() {
            sol.buy[l] = buy[k];
        }
        for (k, f) in flows.into_iter().enumerate() {
            let e = self
                .edges
                .iter()
                .position(|&(h, l)| h == order[k] && l == order[k + 1])?;
            sol.sub[e] = f;
        }
        Some(Ok(sol))
    }

    /// The component's supply, demand and prices per chain tier, summed over its VAs.
    fn aggregate(&self, order: &[usize]) -> (Vec<u64>, Vec<u64>, Vec<Option<Price>>) {
        let mut supply = vec![0u64; order.len()];
        let mut demand = vec![0u64; order.len()];
        for a in 0..self.n_vas {
            for (k, &l) in order.iter().enumerate() {
                supply[k] += self.movable[a * self.n_lics + l];
                demand[k] += self.residual[a * self.n_lics + l];
            }
        }
        let price = order.iter().map(|&l| self.price[l]).collect();
        (supply, demand, price)
    }

    /// Whether every VA of the component covers its own demand along the chain (each
    /// prefix of its tiers holds): then nothing is bought or moved, and each VA only
    /// substitutes internally.
    pub fn chain_self_sufficient(&self, order: &[usize]) -> bool {
        (0..self.n_vas).all(|a| {
            let mut acc: i64 = 0;
            order.iter().all(|&l| {
                let c = a * self.n_lics + l;
                acc += self.residual[c] as i64 - self.movable[c] as i64;
                acc <= 0
            })
        })
    }

    /// Per-VA substitution flows along a chain when no licence moves or is bought.
    pub fn chain_local_solution(&self, order: &[usize]) -> Option<FamilySolution> {
        let mut sol = FamilySolution {
            out: vec![0; self.n_vas * self.n_lics],
            inn: vec![0; self.n_vas * self.n_lics],
            buy: vec![0; self.n_lics],
            sub: vec![0; self.n_vas * self.edges.len()],
        };
        for a in 0..self.n_vas {
            let supply: Vec<u64> = order
                .iter()
                .map(|&l| self.movable[a * self.n_lics + l])
                .collect();
            let demand: Vec<u64> = order
                .iter()
                .map(|&l| self.residual[a * self.n_lics + l])
                .collect();
            for (k, f) in chain_flows(&supply, &demand).into_iter().enumerate() {
                let e = self
                    .edges
                    .iter()
                    .position(|&(h, l)| h == order[k] && l == order[k + 1])?;
                sol.sub[a * self.edges.len() + e] = f;
            }
        }
        Some(sol)
    }

    /// Stage 3 for a pooled chain: every purchase vector that reaches the optimal cost and
    /// units (from the chain DP), each with its purchases fixed. With purchases fixed the
    /// constraint matrix is a network matrix, so the LP's vertex optimum is integral (and
    /// checked to be); the best candidate is the stage-3 optimum. `None` when there are
    /// too many candidates: use the MIP.
    pub fn pooled_chain_moves(
        &self,
        order: &[usize],
        opts: &SolveOptions,
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        const CAP: usize = 16;
        let _ = opts;
        let (supply, demand, price) = self.aggregate(order);
        let Some((_, candidates)) = chain_optima(&supply, &demand, &price, CAP) else {
            return Some(Err(SolveStatus::Infeasible));
        };
        if candidates.len() > CAP {
            return None;
        }
        let units: u64 = candidates[0].iter().sum();
        let mut best: Option<(i64, FamilySolution)> = None;
        for cand in candidates {
            let mut buy = vec![0u64; self.n_lics];
            for (k, &l) in order.iter().enumerate() {
                buy[l] = cand[k];
            }
            let (obj, sol) = self.moves_by_flow(&buy, units)?;
            if best.as_ref().is_none_or(|(b, _)| obj < *b) {
                best = Some((obj, sol));
            }
        }
        best.map(|(_, s)| Ok(s))
    }

    /// Stage 3 with the pool's purchases fixed, as a min-cost flow: each VA-licence node
    /// gets its movable supply from the source and sends its residual demand to the sink;
    /// out edges to the pool node cost W, in edges are free, substitution edges cost 1.
    /// Returns (W·Σout + Σsub, solution), or `None` if the demand cannot all be met.
    fn moves_by_flow(&self, buy: &[u64], units: u64) -> Option<(i64, FamilySolution)> {
        let (nv, nl) = (self.n_vas, self.n_lics);
        let total_movable: u64 = self.movable.iter().sum();
        let w = nl as i64 * (total_movable + units) as i64 + 1;
        let big = (total_movable + units) as i64;
        let (src, sink) = (0, 1);
        let pool = |l: usize| 2 + l;
        let node = |a: usize, l: usize| 2 + nl + a * nl + l;
        let mut g = FlowGraph::new(2 + nl + nv * nl);
        let mut out_e = vec![0; nv * nl];
        let mut in_e = vec![0; nv * nl];
        let mut sub_e = vec![0; nv * self.edges.len()];
        let mut demand_total = 0i64;
        for a in 0..nv {
            for l in 0..nl {
                let c = a * nl + l;
                g.edge(src, node(a, l), self.movable[c] as i64, 0);
                g.edge(node(a, l), sink, self.residual[c] as i64, 0);
                demand_total += self.residual[c] as i64;
                out_e[c] = g.edge(node(a, l), pool(l), self.movable[c] as i64, w);
                in_e[c] = g.edge(pool(l), node(a, l), big, 0);
            }
            for (j, &(h, lo)) in self.edges.iter().enumerate() {
                sub_e[a * self.edges.len() + j] = g.edge(node(a, h), node(a, lo), big, 1);
            }
        }
        let buy_e: Vec<usize> = (0..nl)
            .map(|l| g.edge(src, pool(l), buy[l] as i64, 0))
            .collect();
        let (flow, cost) = g.min_cost_max_flow(src, sink);
        if flow != demand_total {
            return None;
        }
        let mut sol = FamilySolution {
            out: out_e.iter().map(|&e| g.flow(e) as u64).collect(),
            inn: in_e.iter().map(|&e| g.flow(e) as u64).collect(),
            buy: buy.to_vec(),
            sub: sub_e.iter().map(|&e| g.flow(e) as u64).collect(),
        };
        // Purchased units the flow did not need (a pack's remainder) still arrive
        // somewhere: with the VA that receives most of that licence.
        for l in 0..nl {
            let left = buy[l] - g.flow(buy_e[l]) as u64;
            if left > 0 {
                let a = (0..nv)
                    .max_by_key(|&a| (sol.inn[a * nl + l], std::cmp::Reverse(a)))
                    .unwrap_or(0);
                sol.inn[a * nl + l] += left;
            }
        }
        Some((cost, sol))
    }

    /// The optimal (cost, units) of a pooled chain family, from the pool's aggregate:
    /// transfers are free in the first two stages, so the pool acts as one VA.
    pub fn pooled_chain_optimum(&self, order: &[usize]) -> Option<(i64, u64)> {
        let (supply, demand, price) = self.aggregate(order);
        let (cost, buy) = chain_buy(&supply, &demand, &price)?;
        Some((cost, buy.iter().sum()))
    }
}
