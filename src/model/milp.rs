//! The MIP of one substitution family in one pool (or one VA outside transfers), solved
//! lexicographically with HiGHS through good_lp (SPEC §4).

use good_lp::solvers::highs::highs;
use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel,
    Variable,
};

use crate::estate::Price;

use super::chain::{chain_flows, chain_optima, pack_projections, ChainError, ChainOptima};
use super::mcf::{add, Cost, FlowGraph, FREE};

/// How many optimal purchase vectors of a single VA's chain the closed form weighs in
/// stage 4; beyond that the exact flow does ([`FamilyProblem::chain_exact`]).
const CANDIDATES: usize = 16;

/// How many distinct choices of pack purchases the exact flow tries one by one; beyond
/// that the MIP decides.
const PROJECTIONS: usize = 64;

/// How many choices the exact flow searches when one tier is sold in packs (a binary
/// search: about 2·log2 of this many flows).
const CONVEX_PROJECTIONS: usize = 1 << 16;

/// A chain's supply, demand and price per tier, top first.
type Tiers = (Vec<u64>, Vec<u64>, Vec<Option<Price>>);

/// The largest magnitude (units, cents, weighted objective) the f64 MIP is trusted to
/// settle exactly. Far below 2^53: HiGHS's tolerances are absolute (feasibility 1e-7,
/// integrality 1e-6), and measured on a two-tier chain it already reports a feasible
/// family of 10^10 units as infeasible, while 10^9 units (cost 7·10^9) solve right.
pub const MIP_CERTIFIED: u128 = 1 << 33;
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
    /// Units of each (VA, licence) covered by a higher tier (net substitution inflow),
    /// stage 3 only.
    covered: Vec<Option<Variable>>,
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
            covered: Vec::new(),
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
        v.covered = vec![None; cells];
        if stage >= 3 {
            for a in 0..nv {
                for l in 0..nl {
                    if self.edges.iter().any(|&(_, lo)| lo == l) {
                        v.covered[a * nl + l] = Some(pv.add(var()));
                    }
                }
            }
        }
        let objective = match stage {
            1 => self.cost_expr(&v),
            2 => self.units_expr(&v),
            _ => {
                // Licences moved first, then (as a tie-break that cannot change the three
                // published figures) the fewest units covered by a higher tier: Σ over
                // (VA, licence) of the net substitution inflow, the figure published as
                // `substituted_units`. It is at most all units held, so this weight keeps
                // the order lexicographic (and is exact in f64: `mip_can_certify` bounds
                // W·Σout by MIP_CERTIFIED).
                let w = self.moves_weight(fixed_units.unwrap_or(0)) as f64;
                let mut e = Expression::with_capacity(cells + v.sub.len());
                for o in v.out.iter().flatten() {
                    e.add_mul(w, *o);
                }
                for z in v.covered.iter().flatten() {
                    e.add_mul(1.0, *z);
                }
                e
            }
        };
        let mut problem = pv.minimise(&objective).using(highs);
        problem = problem.set_option("output_flag", false);
        problem = problem.set_threads(1);
        // Primal heuristics cost more than they save on models this small.
        problem = problem.set_option("mip_heuristic_run_feasibility_jump", false);
        // HiGHS's MIP presolve (1.15.0) can return a suboptimal point as optimal: on the
        // stage-4 model of supply [2,1,1,0], demand [0,0,1,1] it reported 2 covered units
        // where 1 is reachable (kept as a property-test regression; upstream reports of
        // the same kind: ERGO-Code/HiGHS#3043, #3073, #3094). The models here are small,
        // so presolve is off and the branch and bound sees the model as written.
        problem = problem.set_option("presolve", "off");
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
        // covered(a,l) ≥ Σ_h sub(a,h,l) − Σ_l' sub(a,l,l'): the net inflow, when positive.
        for a in 0..nv {
            for l in 0..nl {
                let Some(z) = v.covered[a * nl + l] else {
                    continue;
                };
                let mut e = Expression::with_capacity(8);
                e.add_mul(1.0, z);
                for (j, &(h, lo)) in self.edges.iter().enumerate() {
                    let s = v.sub[a * self.edges.len() + j];
                    if lo == l {
                        e.add_mul(-1.0, s);
                    }
                    if h == l {
                        e.add_mul(1.0, s);
                    }
                }
                problem.add_constraint(e.geq(0.0));
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

    /// Whether the f64 MIP can certify this family's optimum: every coefficient, bound
    /// and objective value it may meet must stay within [`MIP_CERTIFIED`], or a rounding
    /// or tolerance could pass for an optimum (or for infeasibility).
    fn mip_can_certify(&self) -> Result<(), SolveStatus> {
        const LIMIT: u128 = MIP_CERTIFIED;
        let sum = |v: &[u64]| v.iter().map(|&x| u128::from(x)).sum::<u128>();
        let max_pack = self
            .price
            .iter()
            .flatten()
            .map(|p| p.pack)
            .max()
            .unwrap_or(1);
        let max_cents = self
            .price
            .iter()
            .flatten()
            .map(|p| p.cents.unsigned_abs())
            .max()
            .unwrap_or(0);
        // Units bought never exceed all residual demand plus a pack per licence.
        let units = sum(&self.residual) + self.n_lics as u128 * u128::from(max_pack);
        let movable = sum(&self.movable);
        let cost = units.saturating_mul(u128::from(max_cents));
        let w = (self.n_lics as u128).saturating_mul(movable + units) + 1;
        let subs = (self.n_vas * self.n_lics) as u128 * (movable + units);
        let moves = w.saturating_mul(movable).saturating_add(subs);
        let worst = units.max(movable).max(cost).max(moves);
        if worst > LIMIT {
            return Err(SolveStatus::Error(format!(
                "a substitution family's magnitudes (up to {worst} in units, cents or \
                 weighted moves) exceed what the MIP can certify exactly (2^33); no figure \
                 is published for it"
            )));
        }
        Ok(())
    }

    /// Re-checks a MIP solution in exact integer arithmetic: integral, within bounds,
    /// every coverage row and pool balance met. Returns its (cost, units, moves, subs).
    fn exact_check(&self, s: &FamilySolution) -> Result<(i128, u128, u128, u128), SolveStatus> {
        let bad = |what: &str| {
            Err(SolveStatus::Error(format!(
                "the MIP's solution fails the exact re-check ({what}); no figure is published"
            )))
        };
        let (nv, nl, ne) = (self.n_vas, self.n_lics, self.edges.len());
        let mut cost: i128 = 0;
        let mut units: u128 = 0;
        for l in 0..nl {
            match self.price[l] {
                Some(p) if s.buy[l].is_multiple_of(p.pack.max(1)) => {
                    cost += i128::from(s.buy[l]) * i128::from(p.cents);
                    units += u128::from(s.buy[l]);
                }
                None if s.buy[l] == 0 => {}
                _ => return bad("a purchase not in whole packs"),
            }
        }
        for a in 0..nv {
            for l in 0..nl {
                let c = a * nl + l;
                if s.out[c] > self.movable[c] {
                    return bad("more moved out than is movable");
                }
                let mut have =
                    i128::from(self.movable[c]) - i128::from(s.out[c]) + i128::from(s.inn[c]);
                if !self.pooled {
                    have += i128::from(s.buy[l]);
                }
                for (j, &(h, lo)) in self.edges.iter().enumerate() {
                    let q = i128::from(s.sub[a * ne + j]);
                    if h == l {
                        have -= q;
                    }
                    if lo == l {
                        have += q;
                    }
                }
                if have < i128::from(self.residual[c]) {
                    return bad("a (VA, licence) left short");
                }
            }
        }
        if self.pooled {
            for l in 0..nl {
                let out: u128 = (0..nv).map(|a| u128::from(s.out[a * nl + l])).sum();
                let inn: u128 = (0..nv).map(|a| u128::from(s.inn[a * nl + l])).sum();
                if out + u128::from(s.buy[l]) != inn {
                    return bad("a pool balance off");
                }
            }
        } else if s.out.iter().chain(&s.inn).any(|&x| x != 0) {
            return bad("transfers in a VA outside the pool");
        }
        let moves = s.out.iter().map(|&x| u128::from(x)).sum();
        Ok((cost, units, moves, self.covered_units(&s.sub)))
    }

    /// Units covered by a higher tier, Σ over (VA, licence) of the positive net
    /// substitution inflow: the figure the plan publishes as substituted units (its path
    /// decomposition keeps every net flow), and the stage-4 tie-break.
    pub fn covered_units(&self, sub: &[u64]) -> u128 {
        let (nl, ne) = (self.n_lics, self.edges.len());
        let mut total = 0u128;
        for a in 0..self.n_vas {
            for l in 0..nl {
                let mut net = 0i128;
                for (j, &(h, lo)) in self.edges.iter().enumerate() {
                    let q = i128::from(sub[a * ne + j]);
                    if lo == l {
                        net += q;
                    }
                    if h == l {
                        net -= q;
                    }
                }
                total += net.max(0) as u128;
            }
        }
        total
    }

    /// Solves the stages: cost, then units, then moves (and, as a tie-break, substituted
    /// units). Every solution is re-checked exactly and the stage objectives recomputed.
    pub fn solve(&self, opts: &SolveOptions) -> Result<FamilySolution, SolveStatus> {
        self.mip_can_certify()?;
        let (c, s1) = self.stage(1, None, None, opts)?;
        let (cost, units1, _, _) = self.exact_check(&s1)?;
        if cost != c.round() as i128 {
            return Err(SolveStatus::Error(format!(
                "the MIP's cost {c} disagrees with its solution's exact cost {cost}"
            )));
        }
        // Nothing to buy at zero cost with zero units: stage 2 can only confirm it.
        let units = if cost == 0 && units1 == 0 {
            0
        } else {
            let c = i64::try_from(cost).map_err(|_| {
                SolveStatus::Error(format!("cost {cost} exceeds what the MIP can certify"))
            })?;
            let (u, s2) = self.stage(2, Some(c), None, opts)?;
            let (cost2, units2, _, _) = self.exact_check(&s2)?;
            if cost2 != cost || units2 != u.round() as u128 {
                return Err(SolveStatus::Error(format!(
                    "the MIP's units stage disagrees with exact arithmetic (cost {cost2} vs \
                     {cost}, units {units2} vs {u})"
                )));
            }
            units2
        };
        self.solve_moves(cost, units, opts)
    }

    /// Stages 3–4 alone, when the optimal cost and units are already known.
    pub fn solve_moves(
        &self,
        cost: i128,
        units: u128,
        opts: &SolveOptions,
    ) -> Result<FamilySolution, SolveStatus> {
        self.mip_can_certify()?;
        let to_f64_exact = |x: i128| -> Result<i64, SolveStatus> {
            i64::try_from(x)
                .ok()
                .filter(|v| u128::from(v.unsigned_abs()) <= MIP_CERTIFIED)
                .ok_or_else(|| {
                    SolveStatus::Error(format!(
                        "{x} exceeds what the MIP can certify exactly (2^33)"
                    ))
                })
        };
        let c = to_f64_exact(cost)?;
        let u = to_f64_exact(i128::try_from(units).unwrap_or(i128::MAX))? as u64;
        let (obj, s3) = self.stage(3, Some(c), Some(u), opts)?;
        let (cost3, units3, moves, subs) = self.exact_check(&s3)?;
        let w = self.moves_weight(u);
        if cost3 != cost || units3 != units || moves * w + subs != obj.round() as u128 {
            return Err(SolveStatus::Error(format!(
                "the MIP's moves stage disagrees with exact arithmetic (cost {cost3} vs \
                 {cost}, units {units3} vs {units}, objective {obj})"
            )));
        }
        Ok(s3)
    }

    /// The weight on Σout in the stage-3 objective W·Σout + Σsub: more than any Σsub.
    fn moves_weight(&self, units: u64) -> u128 {
        let movable: u128 = self.movable.iter().map(|&x| u128::from(x)).sum();
        self.n_lics as u128 * (movable + u128::from(units)) + 1
    }

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
        debug_assert_eq!(self.n_vas, 1);
        let ((supply, demand, _), opt) = match self.chain_optimum(order)? {
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
                self.chain_exact(order, &opt)
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
                out: vec![0; self.n_lics],
                inn: vec![0; self.n_lics],
                buy: vec![0; self.n_lics],
                sub: vec![0; self.edges.len()],
            };
            for (k, &l) in order.iter().enumerate() {
                sol.buy[l] = cand[k];
            }
            for (k, f) in chain_flows(&after, &demand).into_iter().enumerate() {
                let e = self
                    .edges
                    .iter()
                    .position(|&(h, l)| h == order[k] && l == order[k + 1])?;
                sol.sub[e] = f;
            }
            best = Some((covered, sol));
        }
        best.map(|(_, s)| Ok(s))
    }

    /// The chain algorithm on the component's aggregate: its tiers and optima, a status
    /// when it has none, or `None` when the algorithm cannot settle it (the MIP decides).
    fn chain_optimum(
        &self,
        order: &[usize],
    ) -> Option<Result<(Tiers, super::chain::ChainOptima), SolveStatus>> {
        let tiers = self.aggregate(order)?;
        match chain_optima(&tiers.0, &tiers.1, &tiers.2, CANDIDATES) {
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
        for a in 0..self.n_vas {
            for (k, &l) in order.iter().enumerate() {
                supply[k] = supply[k].checked_add(self.movable[a * self.n_lics + l])?;
                demand[k] = demand[k].checked_add(self.residual[a * self.n_lics + l])?;
            }
        }
        let price = order.iter().map(|&l| self.price[l]).collect();
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
        let (_, opt) = match self.chain_optimum(order) {
            Some(Ok(found)) => found,
            Some(Err(status)) => return Err(status),
            None => return self.solve(opts),
        };
        match self.chain_exact(order, &opt) {
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
    /// The flow's cost and units are checked against the chain algorithm's. `None` when
    /// the choices are too many to try (the MIP decides).
    pub fn chain_exact(
        &self,
        order: &[usize],
        opt: &ChainOptima,
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        self.chain_exact_with(order, opt, true)
    }

    /// [`FamilyProblem::chain_exact`] trying every choice of pack purchases, without the
    /// convex search: the reference the search is tested against.
    #[doc(hidden)]
    pub fn chain_exact_exhaustive(
        &self,
        order: &[usize],
        opt: &ChainOptima,
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        self.chain_exact_with(order, opt, false)
    }

    fn chain_exact_with(
        &self,
        order: &[usize],
        opt: &ChainOptima,
        search: bool,
    ) -> Option<Result<FamilySolution, SolveStatus>> {
        let (supply, demand, price) = self.aggregate(order)?;
        let packed = price.iter().flatten().filter(|p| p.pack > 1).count();
        let cap = if packed == 1 && search {
            CONVEX_PROJECTIONS
        } else {
            PROJECTIONS
        };
        let projections = match pack_projections(&supply, &demand, &price, cap) {
            Ok(Some(p)) => p,
            Ok(None) | Err(ChainError::TooLarge(_)) => return None,
            Err(ChainError::Infeasible) => return Some(Err(SolveStatus::Infeasible)),
        };
        let eval = |proj: &[Option<u64>]| {
            let mut fixed = vec![Some(0); self.n_lics];
            for (k, &l) in order.iter().enumerate() {
                fixed[l] = proj[k];
            }
            self.stages_by_flow(order, &fixed)
        };
        let (obj, sol) = if search && packed == 1 && projections.len() > 2 {
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
        if (obj[0], obj[1]) != (opt.cost, i128::try_from(opt.units).ok()?) {
            return Some(Err(SolveStatus::Error(format!(
                "the exact flow's purchases (cost {}, units {}) disagree with the chain \
                 algorithm's (cost {}, units {}); no figure is published",
                obj[0], obj[1], opt.cost, opt.units
            ))));
        }
        Some(Ok(sol))
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
    fn stages_by_flow(
        &self,
        order: &[usize],
        fixed: &[Option<u64>],
    ) -> Option<(Cost, FamilySolution)> {
        let (nv, nl, ne) = (self.n_vas, self.n_lics, self.edges.len());
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
                if self.pooled {
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
        let mut constant: Cost = FREE;
        let buy_e: Vec<usize> = (0..nl)
            .map(|l| {
                let to = if self.pooled {
                    pool(l)
                } else {
                    supply_node(0, l)
                };
                let cents = self.price[l].map_or(0, |p| i128::from(p.cents));
                match fixed[l] {
                    Some(b) => {
                        constant[0] += cents * i128::from(b);
                        constant[1] += i128::from(b);
                        g.edge(src, to, i128::from(b), FREE)
                    }
                    None => g.edge(src, to, big, [cents, 1, 0, 0]),
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
                    .edges
                    .iter()
                    .position(|&(h, lo)| h == order[r] && lo == order[r + 1])?;
                sol.sub[a * ne + j] = sol.sub[a * ne + j].checked_add(f)?;
            }
        }
        // Purchased units the flow did not need (a pack's remainder) still arrive
        // somewhere: in a pool, with the VA that receives most of that licence.
        if self.pooled {
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
