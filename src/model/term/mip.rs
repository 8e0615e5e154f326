//! The term component as one lexicographic MIP over all milestones, solved with HiGHS
//! through good_lp (`models/README.md`, "Multi-year terms"): integer packs committed and
//! added, the allowance ⌊C·a/10000⌋ as an integer variable pinned between its two
//! bounds, and each milestone's transfers and substitutions. Stages: term cost (scaled
//! to integers and divided by the gcd of its coefficients), then units purchased, then
//! licences moved with the covered units as a tie-break. HiGHS is set up as `milp.rs`
//! sets it (presolve off: see there why), every stage's answer is re-checked by
//! [`TermProblem::check`] and its objective recomputed exactly, and magnitudes the f64
//! MIP cannot certify are refused.

use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{
    variable, Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable,
};
use num_integer::gcd;

use super::{TermFigures, TermProblem, TermSolution, WHOLE};
use crate::model::family::{FamilySolution, SolveOptions};
use crate::model::milp::{
    configure, cost_stage_failure, int_value, is_integral, resolution_status, stage_failure,
    transfer_net, FlowVars, Stage, MIP_CERTIFIED,
};
use crate::model::status::SolveStatus;

/// The cost coefficients per pack, as integers divided by their gcd.
pub(super) struct Coefs {
    /// Per licence: one committed pack.
    pub(super) commit: Vec<i128>,
    /// Per (milestone, licence): one pack added then (milestone 0 unused).
    pub(super) add: Vec<i128>,
    /// The divisor: a reduced cost times this is the scaled cost.
    pub(super) unit: i128,
}

/// A plan's purchases in exact integers: packs committed and added (the aggregate
/// model's answer, and the moves stage's start).
pub(super) struct Bought {
    /// Packs committed per licence.
    pub(super) commit: Vec<u64>,
    /// Packs added per (milestone, licence).
    pub(super) add: Vec<u64>,
}

/// Whether a stage's transfers, substitutions and covered units are integer variables.
///
/// With the purchases integer, a milestone's rows (coverage, pool balance) are a network
/// matrix with integer right-hand sides, so the flows' relaxation has the same optimum
/// and integral vertices: only the purchases need branching. A relaxed stage whose
/// answer still holds a fractional flow is solved again with integer flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flows {
    /// Flows continuous: branch on the purchases only.
    Relaxed,
    /// Every variable integer (the fallback).
    Integer,
    /// Every variable integer and HiGHS's presolve on: the last resort, for a later
    /// stage HiGHS called infeasible with presolve off although the earlier stage's
    /// plan satisfies it (seen on a one-VA component with a growth allowance).
    IntegerPresolved,
}

/// The variables of one stage's model: packs committed per licence, added per
/// (milestone, licence), the allowance per licence, and every milestone's flows.
struct Vars {
    commit: Vec<Option<Variable>>,
    add: Vec<Option<Variable>>,
    bonus: Vec<Option<Variable>>,
    flows: FlowVars,
}

fn error(what: String) -> SolveStatus {
    SolveStatus::Error(what)
}

/// A stage whose solver objective and exact recomputation differ.
fn disagree(what: &str, exact: i128, obj: f64) -> SolveStatus {
    error(format!(
        "the term MIP's {what} {obj} disagrees with its solution's exact {exact}"
    ))
}

impl TermProblem {
    /// The pack size of licence `l` (1 when it cannot be bought).
    pub(super) fn pack(&self, l: usize) -> u64 {
        self.shape.price[l].map_or(1, |p| p.pack)
    }

    /// The units of packs: committed per licence and added per (milestone, licence);
    /// `None` beyond 64 bits.
    pub(super) fn units_of(&self, b: &Bought) -> Option<(Vec<u64>, Vec<u64>)> {
        let nl = self.shape.n_lics;
        let units = |v: &[u64]| -> Option<Vec<u64>> {
            v.iter()
                .enumerate()
                .map(|(i, &n)| n.checked_mul(self.pack(i % nl)))
                .collect()
        };
        Some((units(&b.commit)?, units(&b.add)?))
    }

    /// The per-pack cost coefficients divided by their gcd.
    fn coefs(&self) -> Coefs {
        let (kn, nl) = (self.n_milestones(), self.shape.n_lics);
        let per_pack = |l: usize, k: usize| self.unit_cost(l, k) * i128::from(self.pack(l));
        let commit: Vec<i128> = (0..nl).map(|l| per_pack(l, 0)).collect();
        let mut add = vec![0i128; kn * nl];
        for k in 1..kn {
            for l in 0..nl {
                add[k * nl + l] = per_pack(l, k);
            }
        }
        let unit = commit.iter().chain(&add).fold(0, |g, &c| gcd(g, c)).max(1);
        Coefs {
            commit: commit.iter().map(|c| c / unit).collect(),
            add: add.iter().map(|c| c / unit).collect(),
            unit,
        }
    }

    /// The largest milestone's residual demand, Σ D'_k over the component's cells.
    fn max_residual(&self) -> u128 {
        let cells = self.cells();
        (0..self.n_milestones())
            .map(|k| {
                let r = &self.residual[k * cells..(k + 1) * cells];
                r.iter().map(|&x| u128::from(x)).sum::<u128>()
            })
            .max()
            .unwrap_or(0)
    }

    /// A bound on the units any stage may meet: the largest milestone's residual demand
    /// plus a pack per licence and milestone.
    fn units_bound(&self) -> u128 {
        let max_pack = (0..self.shape.n_lics)
            .map(|l| self.pack(l))
            .max()
            .unwrap_or(1);
        self.max_residual()
            + (self.n_milestones() * self.shape.n_lics) as u128 * u128::from(max_pack)
    }

    /// An upper bound per licence on every pack variable (the commitment and each
    /// add-on), ⌈D_max / pack⌉ + 1 with D_max the largest milestone's residual demand,
    /// that no stage's optimum exceeds (`models/README.md`, "The MIPs' pack bounds"):
    /// where the packs in force at the last milestone reach D_max + 2·pack units, one
    /// pack of the last purchase can go (with its allowance at most another pack), and
    /// every milestone it was in force at still holds a pack more than all its demand, so
    /// the plan without it is feasible and strictly cheaper or, at a zero price, fewer
    /// units. A finite bound also keeps HiGHS's reduced-cost fixing, which records
    /// lurking bounds across an integer's whole domain (its first 1024 values when
    /// unbounded), small.
    pub(super) fn pack_bounds(&self) -> Vec<f64> {
        let d_max = self.max_residual();
        (0..self.shape.n_lics)
            .map(|l| (d_max.div_ceil(u128::from(self.pack(l).max(1))) + 1) as f64)
            .collect()
    }

    /// A bound on the covered units of all milestones (at most all units held, Σ M_k and
    /// twice the units bought, per milestone and licence); 0 without substitution pairs.
    fn covered_bound(&self, units: u128) -> u128 {
        if self.shape.edges.is_empty() {
            return 0;
        }
        let movable: u128 = self.movable.iter().map(|&x| u128::from(x)).sum();
        let kn = self.n_milestones() as u128;
        self.shape.n_lics as u128 * (movable + 2 * kn * units)
    }

    /// The weight on Σ out in the moves stage: more than the covered units can reach
    /// (1 without substitution pairs, where nothing is covered).
    fn moves_weight(&self, units: u128) -> u128 {
        self.covered_bound(units) + 1
    }

    /// The allowance rows' denominator m' (α/10000 = α'/m' reduced).
    fn allowance_denominator(&self) -> i128 {
        let a = i128::from(self.settings.growth_allowance());
        i128::from(WHOLE) / gcd(a, i128::from(WHOLE)).max(1)
    }

    /// Whether every coefficient, bound and objective value the MIP may meet stays within
    /// [`MIP_CERTIFIED`].
    fn term_mip_can_certify(&self, coefs: &Coefs) -> Result<(), SolveStatus> {
        let units = self.units_bound();
        // A stage's cost is Σ packs · (cost of a pack) = Σ units · (cost of a pack ÷ its
        // size): at most the units bought times the largest cost of one unit (rounded up).
        let nl = self.shape.n_lics;
        let per_unit = |i: usize, c: i128| {
            let pack = u128::from(self.pack(i % nl).max(1));
            c.unsigned_abs().div_ceil(pack)
        };
        let max_coef = coefs
            .commit
            .iter()
            .enumerate()
            .chain(coefs.add.iter().enumerate())
            .map(|(i, &c)| per_unit(i, c))
            .max()
            .unwrap_or(0);
        let cost = units.saturating_mul(max_coef);
        let movable: u128 = self.movable.iter().map(|&x| u128::from(x)).sum();
        let w = self.moves_weight(units);
        let moves = w
            .saturating_mul(movable)
            .saturating_add(self.covered_bound(units));
        let bonus = if self.settings.growth_allowance() > 0 {
            units.saturating_mul(self.allowance_denominator().unsigned_abs())
        } else {
            0
        };
        let worst = units.max(movable).max(cost).max(moves).max(bonus);
        if worst > MIP_CERTIFIED {
            return Err(error(format!(
                "a term component's magnitudes (up to {worst} in units, scaled cost or \
                 weighted moves) exceed what the MIP can certify exactly (2^33); no figure \
                 is published for it"
            )));
        }
        Ok(())
    }

    /// The variables of a stage, all ≥ 0: the purchases always integer, the transfers,
    /// substitutions and covered units integer only under [`Flows::Integer`].
    fn term_variables(
        &self,
        stage: Stage,
        flows: Flows,
        start: Option<&Bought>,
        pv: &mut ProblemVariables,
    ) -> Vars {
        let var = || variable().integer().min(0);
        // The purchases of a known plan at the optimal (cost, units), as HiGHS's start.
        let bounds = self.pack_bounds();
        let packs = |l: usize, i: Option<u64>| {
            let v = var().max(bounds[l]);
            match i {
                Some(x) => v.initial(x as f64),
                None => v,
            }
        };
        let flow = || match flows {
            Flows::Integer | Flows::IntegerPresolved => variable().integer().min(0),
            Flows::Relaxed => variable().min(0),
        };
        let (kn, nl, cells) = (self.n_milestones(), self.shape.n_lics, self.cells());
        let buyable = |l: usize| self.shape.price[l].is_some();
        let mut v = Vars {
            commit: (0..nl)
                .map(|l| buyable(l).then(|| pv.add(packs(l, start.map(|b| b.commit[l])))))
                .collect(),
            add: vec![None; kn * nl],
            bonus: vec![None; nl],
            flows: FlowVars {
                out: vec![None; kn * cells],
                inn: vec![None; kn * cells],
                sub: Vec::new(),
                covered: vec![None; kn * cells],
            },
        };
        for k in 1..kn {
            for l in (0..nl).filter(|&l| buyable(l)) {
                v.add[k * nl + l] = Some(pv.add(packs(l, start.map(|b| b.add[k * nl + l]))));
            }
        }
        if self.settings.growth_allowance() > 0 {
            for l in (0..nl).filter(|&l| buyable(l)) {
                v.bonus[l] = Some(pv.add(var()));
            }
        }
        for c in 0..kn * cells {
            if self.shape.pooled {
                if self.movable[c] > 0 {
                    v.flows.out[c] = Some(pv.add(flow().max(self.movable[c] as f64)));
                }
                v.flows.inn[c] = Some(pv.add(flow()));
            }
            if matches!(stage, Stage::Moves { .. })
                && self.shape.edges.iter().any(|&(_, lo)| lo == c % nl)
            {
                v.flows.covered[c] = Some(pv.add(flow()));
            }
        }
        v.flows.sub = (0..kn * self.shape.n_vas * self.shape.edges.len())
            .map(|_| pv.add(flow()))
            .collect();
        v
    }

    fn cost_expr(&self, coefs: &Coefs, v: &Vars) -> Expression {
        let mut e = Expression::with_capacity(v.commit.len() + v.add.len());
        for (x, &c) in v.commit.iter().zip(&coefs.commit) {
            if let Some(x) = x {
                e.add_mul(c as f64, *x);
            }
        }
        for (x, &c) in v.add.iter().zip(&coefs.add) {
            if let Some(x) = x {
                e.add_mul(c as f64, *x);
            }
        }
        e
    }

    fn units_expr(&self, v: &Vars) -> Expression {
        let nl = self.shape.n_lics;
        let mut e = Expression::with_capacity(v.commit.len() + v.add.len());
        for (i, x) in v.commit.iter().chain(&v.add).enumerate() {
            if let Some(x) = x {
                e.add_mul(self.pack(i % nl) as f64, *x);
            }
        }
        e
    }

    /// The purchased units in force at milestone k for licence l:
    /// pack·commit + bonus + Σ_{1≤j≤k} pack·add_j.
    fn supply_expr(&self, v: &Vars, k: usize, l: usize) -> Expression {
        let nl = self.shape.n_lics;
        let pack = self.pack(l) as f64;
        let mut e = Expression::with_capacity(k + 2);
        if let Some(c) = v.commit[l] {
            e.add_mul(pack, c);
        }
        if let Some(b) = v.bonus[l] {
            e.add_mul(1.0, b);
        }
        for j in 1..=k {
            if let Some(a) = v.add[j * nl + l] {
                e.add_mul(pack, a);
            }
        }
        e
    }

    fn objective(&self, stage: Stage, coefs: &Coefs, v: &Vars) -> Expression {
        match stage {
            Stage::Cost => self.cost_expr(coefs, v),
            Stage::Units { .. } => self.units_expr(v),
            Stage::Moves { units, .. } => v
                .flows
                .moves_objective(self.moves_weight(u128::from(units)) as f64),
        }
    }

    /// Every row: the allowance floor, and per milestone coverage, covered units and pool
    /// balance; the earlier stages' optima.
    fn term_constrain(&self, stage: Stage, coefs: &Coefs, v: &Vars, problem: &mut HighsProblem) {
        self.add_allowance(v, problem);
        for k in 0..self.n_milestones() {
            self.add_milestone(k, v, problem);
        }
        match stage {
            Stage::Cost => {}
            Stage::Units { cost } => {
                problem.add_constraint(self.cost_expr(coefs, v).leq(cost as f64 + 0.5));
            }
            Stage::Moves { cost, units } => {
                problem.add_constraint(self.cost_expr(coefs, v).leq(cost as f64 + 0.5));
                problem.add_constraint(self.units_expr(v).leq(units as f64 + 0.5));
            }
        }
    }

    /// bonus = ⌊pack·commit·a / 10000⌋, with a/10000 reduced to a'/m':
    /// 0 ≤ a'·pack·commit − m'·bonus ≤ m' − 1.
    fn add_allowance(&self, v: &Vars, problem: &mut HighsProblem) {
        let m = self.allowance_denominator();
        let a = i128::from(self.settings.growth_allowance()) * m / i128::from(WHOLE);
        for l in 0..self.shape.n_lics {
            let (Some(b), Some(c)) = (v.bonus[l], v.commit[l]) else {
                continue;
            };
            let mut e = Expression::with_capacity(2);
            e.add_mul((a * i128::from(self.pack(l))) as f64, c);
            e.add_mul(-(m as f64), b);
            problem.add_constraint(e.clone().geq(0.0));
            problem.add_constraint(e.leq((m - 1) as f64));
        }
    }

    /// Milestone k's rows: coverage of each (VA, licence), covered ≥ net substitution
    /// inflow, and each licence's pool balance Σ out + purchased = Σ in.
    fn add_milestone(&self, k: usize, v: &Vars, problem: &mut HighsProblem) {
        let (nv, nl, ne) = (self.shape.n_vas, self.shape.n_lics, self.shape.edges.len());
        let fp = self.milestone(k);
        let base = k * self.cells();
        for a in 0..nv {
            for l in 0..nl {
                let c = base + a * nl + l;
                let mut e = transfer_net(v.flows.out[c], v.flows.inn[c]);
                if !self.shape.pooled {
                    e += self.supply_expr(v, k, l);
                }
                let mut net = Expression::with_capacity(4);
                for (j, sign) in fp.inflow_edges(l) {
                    let s = v.flows.sub[(k * nv + a) * ne + j];
                    e.add_mul(f64::from(sign), s);
                    net.add_mul(f64::from(sign), s);
                }
                let need = self.residual[c] as f64 - self.movable[c] as f64;
                problem.add_constraint(e.geq(need));
                if let Some(z) = v.flows.covered[c] {
                    problem.add_constraint((Expression::from(z) - net).geq(0.0));
                }
            }
        }
        if self.shape.pooled {
            for l in 0..nl {
                let mut e = self.supply_expr(v, k, l);
                for a in 0..nv {
                    let c = base + a * nl + l;
                    if let Some(o) = v.flows.out[c] {
                        e.add_mul(1.0, o);
                    }
                    e.add_mul(-1.0, v.flows.inn[c].expect("pooled cells have in"));
                }
                problem.add_constraint(e.eq(0.0));
            }
        }
    }

    /// The solution's values as a term solution, with each milestone's purchased units in
    /// force computed exactly (the MIP's allowance variable must equal the floor).
    fn term_read_back(&self, v: &Vars, sol: &impl Solution) -> Result<TermSolution, SolveStatus> {
        let (kn, nl, cells) = (self.n_milestones(), self.shape.n_lics, self.cells());
        let int = |x: Option<Variable>| x.map_or(Ok(0), |x| int_value(sol, x));
        let mut s = TermSolution {
            commit: Vec::with_capacity(nl),
            add: Vec::with_capacity(kn * nl),
            milestones: Vec::with_capacity(kn),
        };
        for l in 0..nl {
            s.commit.push(int(v.commit[l])? * self.pack(l));
            let bonus = int(v.bonus[l])?;
            if bonus != self.settings.allowance_units(s.commit[l]) {
                return Err(error(format!(
                    "the MIP's allowance {bonus} is not the floor of its commitment's"
                )));
            }
        }
        for (i, &x) in v.add.iter().enumerate() {
            s.add.push(int(x)? * self.pack(i % nl));
        }
        let supply = self.supply(&s.commit, &s.add);
        let ne = self.shape.edges.len();
        for k in 0..kn {
            let r = k * cells..(k + 1) * cells;
            let subs = (k * self.shape.n_vas * ne)..((k + 1) * self.shape.n_vas * ne);
            let buy = supply[k * nl..(k + 1) * nl]
                .iter()
                .map(|&x| u64::try_from(x).map_err(|_| error("purchases beyond 64 bits".into())))
                .collect::<Result<_, _>>()?;
            s.milestones.push(v.flows.read_date(sol, r, subs, buy)?);
        }
        Ok(s)
    }

    /// Builds, solves and reads back one stage; returns its objective value, the
    /// solution and its exact figures.
    fn term_stage(
        &self,
        stage: Stage,
        coefs: &Coefs,
        start: Option<&Bought>,
        opts: &SolveOptions,
    ) -> Result<(f64, TermSolution, TermFigures), SolveStatus> {
        match self.term_stage_with(stage, Flows::Relaxed, coefs, start, opts) {
            Ok(Some(answer)) => return Ok(answer),
            // A later stage's model holds the earlier stage's plan: HiGHS has been seen
            // calling one infeasible with relaxed flows (a term component of L-usage),
            // and then solving it with integer flows.
            Ok(None) => {}
            Err(SolveStatus::Infeasible) if stage != Stage::Cost => {}
            Err(e) => return Err(e),
        }
        let integer = match self.term_stage_with(stage, Flows::Integer, coefs, start, opts) {
            Err(SolveStatus::Infeasible) if stage != Stage::Cost => {
                self.term_stage_with(stage, Flows::IntegerPresolved, coefs, start, opts)
            }
            other => other,
        };
        integer
            .map_err(|e| stage_failure(stage, e))?
            .ok_or_else(|| error("the term MIP left an integer variable fractional".into()))
    }

    /// One stage with the given [`Flows`]; `None` when a relaxed flow came back fractional.
    fn term_stage_with(
        &self,
        stage: Stage,
        flows: Flows,
        coefs: &Coefs,
        start: Option<&Bought>,
        opts: &SolveOptions,
    ) -> Result<Option<(f64, TermSolution, TermFigures)>, SolveStatus> {
        let mut pv = ProblemVariables::new();
        let v = self.term_variables(stage, flows, start, &mut pv);
        if pv.is_empty() {
            return self.nothing_to_decide().map(Some);
        }
        let objective = self.objective(stage, coefs, &v);
        let mut problem = configure(pv.minimise(&objective).using(highs), opts)?;
        if flows == Flows::IntegerPresolved {
            problem = problem.set_option("presolve", "on");
        }
        self.term_constrain(stage, coefs, &v, &mut problem);
        let sol = problem.solve().map_err(resolution_status)?;
        match sol.status() {
            SolutionStatus::Optimal | SolutionStatus::GapLimit => {}
            SolutionStatus::TimeLimit => return Err(SolveStatus::TimeLimit),
        }
        if flows == Flows::Relaxed && !v.flows.variables().all(|x| is_integral(sol.value(x))) {
            return Ok(None);
        }
        let s = self.term_read_back(&v, &sol)?;
        let fig = self.check(&s).map_err(|e| {
            error(format!(
                "the term MIP's solution fails the exact re-check ({e}); no figure is published"
            ))
        })?;
        Ok(Some((objective.eval_with(&sol), s, fig)))
    }

    /// A component with no variable at all (nothing buyable, no pool, no pair): the one
    /// plan that buys and moves nothing, if it covers every milestone.
    fn nothing_to_decide(&self) -> Result<(f64, TermSolution, TermFigures), SolveStatus> {
        let (kn, nl, cells) = (self.n_milestones(), self.shape.n_lics, self.cells());
        let s = TermSolution {
            commit: vec![0; nl],
            add: vec![0; kn * nl],
            milestones: (0..kn)
                .map(|_| FamilySolution {
                    out: vec![0; cells],
                    inn: vec![0; cells],
                    buy: vec![0; nl],
                    sub: Vec::new(),
                })
                .collect(),
        };
        let fig = self.check(&s).map_err(|_| SolveStatus::Infeasible)?;
        Ok((0.0, s, fig))
    }

    /// The three stages, each re-checked exactly against its objective.
    pub(super) fn solve_mip(&self, opts: &SolveOptions) -> Result<TermSolution, SolveStatus> {
        let coefs = self.coefs();
        self.term_mip_can_certify(&coefs)?;
        // A chain component's cost and units come from its prefix rows alone
        // (`aggregate.rs`); `--mip-only` solves every stage on the full model.
        let timer = std::time::Instant::now();
        let known = if opts.fast_paths {
            self.aggregate_optimum(&coefs, opts)?
        } else {
            None
        };
        let (cost, units, start) = match known {
            Some(optima) => optima,
            None => self.cost_and_units(&coefs, opts)?,
        };
        let staged = timer.elapsed();
        let (obj, s3, f3) =
            self.term_stage(Stage::Moves { cost, units }, &coefs, start.as_ref(), opts)?;
        log::debug!(
            "term MIP of {} VAs x {} licences: cost and units {staged:?}, moves {:?}",
            self.shape.n_vas,
            self.shape.n_lics,
            timer.elapsed() - staged
        );
        let w = self.moves_weight(u128::from(units));
        let weighted = f3.moves * w + f3.covered;
        if f3.scaled_cost != i128::from(cost) * coefs.unit
            || f3.units != u128::from(units)
            || weighted != obj.round() as u128
        {
            return Err(disagree("moves stage", weighted as i128, obj));
        }
        Ok(s3)
    }

    /// Stages 1 and 2 on the full model: the least reduced cost, then the least units at
    /// that cost, and the packs of a plan reaching both.
    fn cost_and_units(
        &self,
        coefs: &Coefs,
        opts: &SolveOptions,
    ) -> Result<(i64, u64, Option<Bought>), SolveStatus> {
        let (c, _, f1) = self
            .term_stage(Stage::Cost, coefs, None, opts)
            .map_err(|e| cost_stage_failure(e, &self.residual, &self.shape.price))?;
        let cost = f1.scaled_cost / coefs.unit;
        if cost * coefs.unit != f1.scaled_cost || cost != c.round() as i128 {
            return Err(disagree("cost", f1.scaled_cost, c));
        }
        let cost = i64::try_from(cost).map_err(|_| disagree("cost", f1.scaled_cost, c))?;
        if cost == 0 && f1.units == 0 {
            return Ok((0, 0, None));
        }
        let (u, s2, f2) = self.term_stage(Stage::Units { cost }, coefs, None, opts)?;
        if f2.scaled_cost != f1.scaled_cost || f2.units != u.round() as u128 {
            return Err(disagree("units", f2.units as i128, u));
        }
        let units = u64::try_from(f2.units).map_err(|_| disagree("units", f2.units as i128, u))?;
        let nl = self.shape.n_lics;
        let start = Bought {
            commit: (0..nl).map(|l| s2.commit[l] / self.pack(l)).collect(),
            add: s2
                .add
                .iter()
                .enumerate()
                .map(|(i, &x)| x / self.pack(i % nl))
                .collect(),
        };
        Ok((cost, units, Some(start)))
    }
}
