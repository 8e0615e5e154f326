//! The MIP of one substitution family in one pool (or one VA outside transfers), solved
//! lexicographically with HiGHS through good_lp (`models/README.md`).

use std::ops::Range;

use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel,
    Variable,
};

use super::family::{FamilyProblem, FamilySolution, SolveOptions};
use super::status::SolveStatus;
use crate::estate::Price;

/// The largest magnitude (units, cents, weighted objective) the f64 MIP is trusted to
/// settle exactly. Far below 2^53: HiGHS's tolerances are absolute (feasibility 1e-7,
/// integrality 1e-6), and measured on a two-tier chain it already reports a feasible
/// family of 10^10 units as infeasible, while 10^9 units (cost 7·10^9) solve right.
pub const MIP_CERTIFIED: u128 = 1 << 33;

/// One stage of the lexicographic MIP: what it minimises, with the optima of the earlier
/// stages fixed as constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Stage 1: the purchase cost in cents.
    Cost,
    /// Stage 2: the units bought, at no more than the optimal cost.
    Units {
        /// The optimal cost of stage 1, in cents.
        cost: i64,
    },
    /// Stages 3–4 in one objective: the units moved out (weighted so that they come
    /// first), then the units covered by a higher tier, at the optimal cost and units.
    Moves {
        /// The optimal cost of stage 1, in cents.
        cost: i64,
        /// The optimal units of stage 2.
        units: u64,
    },
}

impl Stage {
    /// The optimal cost fixed in this stage, if any.
    fn fixed_cost(self) -> Option<i64> {
        match self {
            Stage::Cost => None,
            Stage::Units { cost } | Stage::Moves { cost, .. } => Some(cost),
        }
    }

    /// The optimal units fixed in this stage, if any.
    fn fixed_units(self) -> Option<u64> {
        match self {
            Stage::Moves { units, .. } => Some(units),
            Stage::Cost | Stage::Units { .. } => None,
        }
    }
}

/// What a stage's "infeasible" means. The cost stage's is the family's answer; a later
/// stage's model holds the earlier stage's solution, so HiGHS calling it infeasible is the
/// solver failing (seen on a term component of L-usage with relaxed flows), and no figure
/// is published.
pub(crate) fn stage_failure(stage: Stage, status: SolveStatus) -> SolveStatus {
    match status {
        SolveStatus::Infeasible if stage != Stage::Cost => SolveStatus::Error(format!(
            "HiGHS reported the {stage:?} stage infeasible although the cost stage's plan \
             satisfies it; no figure is published"
        )),
        status => status,
    }
}

/// What the cost stage's "infeasible" means: the answer, unless every licence short
/// somewhere can be bought (`residual` per cell, licence innermost), when buying each
/// shortfall where it is would be a plan and the claim is the solver failing.
pub(crate) fn cost_stage_failure(
    status: SolveStatus,
    residual: &[u64],
    price: &[Option<Price>],
) -> SolveStatus {
    let nl = price.len().max(1);
    let buyable_short = (0..residual.len()).all(|c| residual[c] == 0 || price[c % nl].is_some());
    match status {
        SolveStatus::Infeasible if buyable_short => SolveStatus::Error(
            "HiGHS reported a family infeasible although every licence short in it can be \
             bought; no figure is published"
                .into(),
        ),
        status => status,
    }
}

/// Maps good_lp's refusal to solve onto a status.
pub(crate) fn resolution_status(e: ResolutionError) -> SolveStatus {
    match e {
        ResolutionError::Infeasible => SolveStatus::Infeasible,
        ResolutionError::Unbounded => SolveStatus::Error("unbounded model".into()),
        // good_lp reports a limit (time, iterations, ...) reached before any feasible
        // solution as "NoSolutionFound"; an optimum always has a solution.
        ResolutionError::Other("NoSolutionFound") => SolveStatus::TimeLimit,
        e => SolveStatus::Error(e.to_string()),
    }
}

/// Maps the status of a solution HiGHS returned: optimal, or stopped on the time limit.
fn solution_status(status: SolutionStatus) -> Result<(), SolveStatus> {
    match status {
        // With mip_rel_gap = 0 and mip_abs_gap = 0.5 on an integral objective, HiGHS
        // only stops on a gap below one unit: the incumbent is optimal.
        SolutionStatus::Optimal | SolutionStatus::GapLimit => Ok(()),
        SolutionStatus::TimeLimit => Err(SolveStatus::TimeLimit),
    }
}

/// HiGHS set up for these small models: quiet, one thread, exact gaps, no presolve.
pub(crate) fn configure(
    mut problem: HighsProblem,
    opts: &SolveOptions,
) -> Result<HighsProblem, SolveStatus> {
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
    Ok(problem)
}

/// Whether a solver value is a whole number (within HiGHS's integrality tolerance).
pub(crate) fn is_integral(val: f64) -> bool {
    (val - val.round()).abs() <= 1e-6
}

/// Reads an integral value, refusing one HiGHS left fractional or negative.
pub(crate) fn int_value(sol: &impl Solution, x: Variable) -> Result<u64, SolveStatus> {
    let val = sol.value(x);
    let r = val.round();
    if !is_integral(val) || r < 0.0 {
        return Err(SolveStatus::Error(format!(
            "non-integral solution value {val}"
        )));
    }
    Ok(r as u64)
}

/// in − out of one (VA, licence): the units its transfers bring (no terms outside a
/// pool), the first part of its coverage row.
pub(crate) fn transfer_net(out: Option<Variable>, inn: Option<Variable>) -> Expression {
    let mut e = Expression::with_capacity(8);
    if let Some(o) = out {
        e.add_mul(-1.0, o);
    }
    if let Some(i) = inn {
        e.add_mul(1.0, i);
    }
    e
}

/// The flow variables of a model, per date: transfers, substitutions and covered units.
/// The family MIP holds one date, the term MIP every milestone, milestone-major.
pub(crate) struct FlowVars {
    /// Units out per (VA, licence), where the VA is in a pool and holds movable units.
    pub(crate) out: Vec<Option<Variable>>,
    /// Units in per (VA, licence), where the VA is in a pool.
    pub(crate) inn: Vec<Option<Variable>>,
    /// Units substituted per (VA, pair).
    pub(crate) sub: Vec<Variable>,
    /// Units of each (VA, licence) covered by a higher tier (net substitution inflow),
    /// in the moves stage only.
    pub(crate) covered: Vec<Option<Variable>>,
}

impl FlowVars {
    /// Every flow variable: transfers, covered units, substitutions.
    pub(crate) fn variables(&self) -> impl Iterator<Item = Variable> + '_ {
        self.out
            .iter()
            .chain(&self.inn)
            .chain(&self.covered)
            .flatten()
            .chain(&self.sub)
            .copied()
    }

    /// The moves stage's objective: W · Σ out + Σ covered. Licences moved first, then (as
    /// a tie-break that cannot change the three published figures) the fewest units
    /// covered by a higher tier: Σ over (VA, licence) of the net substitution inflow, the
    /// figure published as `substituted_units`. `w` must exceed what the covered units
    /// can reach, so the order stays lexicographic (each MIP bounds W · Σ out by
    /// [`MIP_CERTIFIED`], so it is exact in f64).
    pub(crate) fn moves_objective(&self, w: f64) -> Expression {
        let mut e = Expression::with_capacity(self.out.len() + self.covered.len());
        for o in self.out.iter().flatten() {
            e.add_mul(w, *o);
        }
        for z in self.covered.iter().flatten() {
            e.add_mul(1.0, *z);
        }
        e
    }

    /// The transfers and substitutions of one date as whole units: the `cells` range of
    /// `out` and `inn` (a missing variable is 0) and the `subs` range of `sub`, with `buy`
    /// the date's purchases.
    pub(crate) fn read_date(
        &self,
        sol: &impl Solution,
        cells: Range<usize>,
        subs: Range<usize>,
        buy: Vec<u64>,
    ) -> Result<FamilySolution, SolveStatus> {
        let int = |x: Option<Variable>| x.map_or(Ok(0), |x| int_value(sol, x));
        Ok(FamilySolution {
            out: self.out[cells.clone()]
                .iter()
                .map(|&x| int(x))
                .collect::<Result<_, _>>()?,
            inn: self.inn[cells]
                .iter()
                .map(|&x| int(x))
                .collect::<Result<_, _>>()?,
            buy,
            sub: self.sub[subs]
                .iter()
                .map(|&x| int_value(sol, x))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The variables of one stage's model: the flows, and packs bought per licence.
struct Vars {
    flows: FlowVars,
    packs: Vec<Option<Variable>>,
}

impl FamilyProblem {
    fn cost_expr(&self, v: &Vars) -> Expression {
        let mut e = Expression::with_capacity(self.shape.n_lics);
        for (l, k) in v.packs.iter().enumerate() {
            if let (Some(k), Some(p)) = (k, self.shape.price[l]) {
                e.add_mul((p.cents as f64) * p.pack as f64, *k);
            }
        }
        e
    }

    fn units_expr(&self, v: &Vars) -> Expression {
        let mut e = Expression::with_capacity(self.shape.n_lics);
        for (l, k) in v.packs.iter().enumerate() {
            if let (Some(k), Some(p)) = (k, self.shape.price[l]) {
                e.add_mul(p.pack as f64, *k);
            }
        }
        e
    }

    /// Builds the model of `stage`, the earlier stages' optima fixed, and solves it:
    /// variables, objective, constraints, solve, read back.
    fn stage(
        &self,
        stage: Stage,
        opts: &SolveOptions,
    ) -> Result<(f64, FamilySolution), SolveStatus> {
        let mut pv = ProblemVariables::new();
        let v = self.variables(stage, &mut pv);
        let objective = self.objective(stage, &v);
        let mut problem = configure(pv.minimise(&objective).using(highs), opts)?;
        self.constrain(stage, &v, &mut problem);
        let sol = problem
            .solve()
            .map_err(|e| stage_failure(stage, resolution_status(e)))?;
        solution_status(sol.status())?;
        let s = self.read_back(&v, &sol)?;
        Ok((objective.eval_with(&sol), s))
    }

    /// The integer variables of `stage`'s model, all at least zero: out and in per cell
    /// in a pool, packs per licence that can be bought, sub per (VA, edge), and covered
    /// per (VA, lower licence) in the moves stage.
    fn variables(&self, stage: Stage, pv: &mut ProblemVariables) -> Vars {
        let var = || variable().integer().min(0);
        let (nv, nl) = (self.shape.n_vas, self.shape.n_lics);
        let cells = nv * nl;
        let mut v = Vars {
            flows: FlowVars {
                out: vec![None; cells],
                inn: vec![None; cells],
                sub: Vec::with_capacity(nv * self.shape.edges.len()),
                covered: Vec::new(),
            },
            packs: vec![None; nl],
        };
        if self.shape.pooled {
            for c in 0..cells {
                if self.movable[c] > 0 {
                    v.flows.out[c] =
                        Some(pv.add(variable().integer().min(0).max(self.movable[c] as f64)));
                }
                v.flows.inn[c] = Some(pv.add(var()));
            }
        }
        for l in 0..nl {
            if self.shape.price[l].is_some() {
                v.packs[l] = Some(pv.add(var()));
            }
        }
        for _ in 0..nv * self.shape.edges.len() {
            v.flows.sub.push(pv.add(var()));
        }
        v.flows.covered = vec![None; cells];
        if matches!(stage, Stage::Moves { .. }) {
            for a in 0..nv {
                for l in 0..nl {
                    if self.shape.edges.iter().any(|&(_, lo)| lo == l) {
                        v.flows.covered[a * nl + l] = Some(pv.add(var()));
                    }
                }
            }
        }
        v
    }

    /// What `stage` minimises.
    fn objective(&self, stage: Stage, v: &Vars) -> Expression {
        match stage {
            Stage::Cost => self.cost_expr(v),
            Stage::Units { .. } => self.units_expr(v),
            Stage::Moves { units, .. } => v.flows.moves_objective(self.moves_weight(units) as f64),
        }
    }

    /// Every constraint of `stage`'s model: coverage, covered units, pool balance, and
    /// the earlier stages' optima.
    fn constrain(&self, stage: Stage, v: &Vars, problem: &mut HighsProblem) {
        self.add_coverage(v, problem);
        self.add_covered(v, problem);
        if self.shape.pooled {
            self.add_pool_balance(v, problem);
        }
        if let Some(c) = stage.fixed_cost() {
            problem.add_constraint(self.cost_expr(v).leq(c as f64 + 0.5));
        }
        if let Some(u) = stage.fixed_units() {
            problem.add_constraint(self.units_expr(v).leq(u as f64 + 0.5));
        }
    }

    /// Coverage of each (VA, licence): what stays, arrives, is bought and is substituted
    /// in meets its residual demand.
    fn add_coverage(&self, v: &Vars, problem: &mut HighsProblem) {
        let nl = self.shape.n_lics;
        for a in 0..self.shape.n_vas {
            for l in 0..nl {
                let c = a * nl + l;
                let mut e = transfer_net(v.flows.out[c], v.flows.inn[c]);
                if !self.shape.pooled {
                    if let (Some(k), Some(p)) = (v.packs[l], self.shape.price[l]) {
                        e.add_mul(p.pack as f64, k);
                    }
                }
                for (j, sign) in self.inflow_edges(l) {
                    e.add_mul(f64::from(sign), v.flows.sub[a * self.shape.edges.len() + j]);
                }
                let need = self.residual[c] as f64 - self.movable[c] as f64;
                problem.add_constraint(e.geq(need));
            }
        }
    }

    /// covered(a,l) ≥ Σ_h sub(a,h,l) − Σ_l' sub(a,l,l'): the net inflow, when positive
    /// (only where the stage has covered variables).
    fn add_covered(&self, v: &Vars, problem: &mut HighsProblem) {
        let nl = self.shape.n_lics;
        for a in 0..self.shape.n_vas {
            for l in 0..nl {
                let Some(z) = v.flows.covered[a * nl + l] else {
                    continue;
                };
                let mut e = Expression::with_capacity(8);
                e.add_mul(1.0, z);
                for (j, sign) in self.inflow_edges(l) {
                    e.add_mul(
                        -f64::from(sign),
                        v.flows.sub[a * self.shape.edges.len() + j],
                    );
                }
                problem.add_constraint(e.geq(0.0));
            }
        }
    }

    /// Pool balance per licence: units out and bought equal units in.
    fn add_pool_balance(&self, v: &Vars, problem: &mut HighsProblem) {
        let (nv, nl) = (self.shape.n_vas, self.shape.n_lics);
        for l in 0..nl {
            let mut e = Expression::with_capacity(2 * nv + 1);
            for a in 0..nv {
                let c = a * nl + l;
                if let Some(o) = v.flows.out[c] {
                    e.add_mul(1.0, o);
                }
                e.add_mul(-1.0, v.flows.inn[c].expect("pooled cells have in"));
            }
            if let (Some(k), Some(p)) = (v.packs[l], self.shape.price[l]) {
                e.add_mul(p.pack as f64, k);
            }
            problem.add_constraint(e.eq(0.0));
        }
    }

    /// The solution's values as whole units (packs times their size for purchases).
    fn read_back(&self, v: &Vars, sol: &impl Solution) -> Result<FamilySolution, SolveStatus> {
        let mut buy = Vec::with_capacity(self.shape.n_lics);
        for l in 0..self.shape.n_lics {
            let pack = self.shape.price[l].map_or(1, |p| p.pack);
            buy.push(v.packs[l].map_or(Ok(0), |x| int_value(sol, x))? * pack);
        }
        let f = &v.flows;
        f.read_date(sol, 0..f.out.len(), 0..f.sub.len(), buy)
    }

    /// Whether the f64 MIP can certify this family's optimum: every coefficient, bound
    /// and objective value it may meet must stay within [`MIP_CERTIFIED`], or a rounding
    /// or tolerance could pass for an optimum (or for infeasibility).
    fn mip_can_certify(&self) -> Result<(), SolveStatus> {
        const LIMIT: u128 = MIP_CERTIFIED;
        let sum = |v: &[u64]| v.iter().map(|&x| u128::from(x)).sum::<u128>();
        let max_pack = self
            .shape
            .price
            .iter()
            .flatten()
            .map(|p| p.pack)
            .max()
            .unwrap_or(1);
        let max_cents = self
            .shape
            .price
            .iter()
            .flatten()
            .map(|p| p.cents.unsigned_abs())
            .max()
            .unwrap_or(0);
        // Units bought never exceed all residual demand plus a pack per licence.
        let units = sum(&self.residual) + self.shape.n_lics as u128 * u128::from(max_pack);
        let movable = sum(&self.movable);
        let cost = units.saturating_mul(u128::from(max_cents));
        let w = (self.shape.n_lics as u128).saturating_mul(movable + units) + 1;
        let subs = self.shape.cells() as u128 * (movable + units);
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
            SolveStatus::Error(format!(
                "the MIP's solution fails the exact re-check ({what}); no figure is published"
            ))
        };
        let nl = self.shape.n_lics;
        let mut cost: i128 = 0;
        let mut units: u128 = 0;
        for l in 0..nl {
            match self.shape.price[l] {
                Some(p) if s.buy[l].is_multiple_of(p.pack.max(1)) => {
                    cost += i128::from(s.buy[l]) * i128::from(p.cents);
                    units += u128::from(s.buy[l]);
                }
                None if s.buy[l] == 0 => {}
                _ => return Err(bad("a purchase not in whole packs")),
            }
        }
        self.check_rows(s).map_err(|e| bad(&e))?;
        let moves = s.out.iter().map(|&x| u128::from(x)).sum();
        Ok((cost, units, moves, self.covered_units(&s.sub)))
    }

    /// Solves the stages: cost, then units, then moves (and, as a tie-break, substituted
    /// units). Every solution is re-checked exactly and the stage objectives recomputed.
    pub fn solve(&self, opts: &SolveOptions) -> Result<FamilySolution, SolveStatus> {
        self.mip_can_certify()?;
        let (c, s1) = self
            .stage(Stage::Cost, opts)
            .map_err(|e| cost_stage_failure(e, &self.residual, &self.shape.price))?;
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
            let (u, s2) = self.stage(Stage::Units { cost: c }, opts)?;
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
        let (obj, s3) = self.stage(Stage::Moves { cost: c, units: u }, opts)?;
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
        self.shape.n_lics as u128 * (movable + u128::from(units)) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_infeasible_claim_that_a_plan_refutes_is_an_error() {
        let is_error = |s: &SolveStatus| matches!(s, SolveStatus::Error(_));
        for stage in [Stage::Units { cost: 3 }, Stage::Moves { cost: 3, units: 1 }] {
            assert!(is_error(&stage_failure(stage, SolveStatus::Infeasible)));
        }
        assert_eq!(
            stage_failure(Stage::Cost, SolveStatus::Infeasible),
            SolveStatus::Infeasible
        );
        assert_eq!(
            stage_failure(Stage::Units { cost: 3 }, SolveStatus::TimeLimit),
            SolveStatus::TimeLimit
        );
        let buy = Some(Price { cents: 5, pack: 1 });
        // Two VAs × two licences: licence 1 cannot be bought.
        let inf = SolveStatus::Infeasible;
        assert!(is_error(&cost_stage_failure(
            inf.clone(),
            &[2, 0, 3, 0],
            &[buy, None]
        )));
        assert_eq!(
            cost_stage_failure(inf.clone(), &[2, 0, 3, 1], &[buy, None]),
            inf
        );
    }

    #[test]
    fn good_lp_errors_map_to_statuses() {
        assert_eq!(
            resolution_status(ResolutionError::Infeasible),
            SolveStatus::Infeasible
        );
        assert_eq!(
            resolution_status(ResolutionError::Unbounded),
            SolveStatus::Error("unbounded model".into())
        );
        assert_eq!(
            resolution_status(ResolutionError::Other("NoSolutionFound")),
            SolveStatus::TimeLimit
        );
        let other = resolution_status(ResolutionError::Other("SomethingElse"));
        assert!(other.is_error(), "{other:?}");
        let text = resolution_status(ResolutionError::Str("broken".into()));
        assert_eq!(
            text,
            SolveStatus::Error(ResolutionError::Str("broken".into()).to_string())
        );
    }

    #[test]
    fn solution_statuses_map_to_statuses() {
        assert_eq!(solution_status(SolutionStatus::Optimal), Ok(()));
        assert_eq!(solution_status(SolutionStatus::GapLimit), Ok(()));
        assert_eq!(
            solution_status(SolutionStatus::TimeLimit),
            Err(SolveStatus::TimeLimit)
        );
    }

    #[test]
    fn stages_fix_the_earlier_optima() {
        assert_eq!(Stage::Cost.fixed_cost(), None);
        assert_eq!(Stage::Cost.fixed_units(), None);
        let units = Stage::Units { cost: 7 };
        assert_eq!((units.fixed_cost(), units.fixed_units()), (Some(7), None));
        let moves = Stage::Moves { cost: 7, units: 3 };
        assert_eq!(
            (moves.fixed_cost(), moves.fixed_units()),
            (Some(7), Some(3))
        );
    }
}
