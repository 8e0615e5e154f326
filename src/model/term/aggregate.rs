//! The cost and units stages of a chain component without its flows
//! (`models/README.md`, "Multi-year terms").
//!
//! A purchase plan of a chain family is feasible at milestone k exactly when every
//! prefix of tiers holds what the pool (or the VA) needs, Σ_{t≤j} P_k(t) ≥ R_k(j) (the
//! prefix form of `chain.rs`: within a pool transfers are free, so the pool is one
//! chain). Cost and units depend on the purchases alone, so their two stages are solved
//! on these K × tiers rows with integer packs, instead of on every VA's coverage rows and
//! flows; only the moves stage needs those. Each answer is re-checked in exact integers
//! (whole packs, every prefix row, the objective recomputed) before it is used, and the
//! moves stage, solved on the full model with these optima as bounds, must reach them
//! exactly: a wrong aggregate optimum ends as an error, never as a figure.

use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, Solution, SolutionStatus, SolverModel};
use good_lp::{Constraint, Variable};

use super::chain::{prefixes_hold, Needs};
use super::mip::{Bought, Coefs};
use super::TermProblem;
use crate::model::family::SolveOptions;
use crate::model::milp::{configure, int_value, resolution_status, Stage};
use crate::model::status::SolveStatus;

/// Packs committed per licence and added per (milestone, licence); `None`: not buyable.
struct Packs {
    commit: Vec<Option<Variable>>,
    add: Vec<Option<Variable>>,
}

impl TermProblem {
    /// The least (reduced cost, units) of a chain component without growth allowance,
    /// from its prefix rows; `None` when the component is not of that form.
    pub(super) fn aggregate_optimum(
        &self,
        coefs: &Coefs,
        opts: &SolveOptions,
    ) -> Result<Option<(i64, u64, Option<Bought>)>, SolveStatus> {
        if !self.has_chain_form() {
            return Ok(None);
        }
        let Some(needs) = self.chain_needs() else {
            return Ok(None);
        };
        // A prefix that needs units with nothing buyable at or above it: no plan exists.
        for row in &needs.need {
            for (j, &r) in row.iter().enumerate() {
                if r > 0
                    && !needs.order[..=j]
                        .iter()
                        .any(|&l| self.shape.price[l].is_some())
                {
                    return Err(SolveStatus::Infeasible);
                }
            }
        }
        // Nothing needed: buying nothing is the least cost and the least units.
        if needs.need.iter().flatten().all(|&r| r <= 0) {
            return Ok(Some((0, 0, None)));
        }
        let disagree = |what: &str| {
            SolveStatus::Error(format!(
                "the aggregate term MIP's {what} disagrees with exact arithmetic; no figure \
                 is published"
            ))
        };
        let first = self.aggregate_stage(Stage::Cost, coefs, &needs, opts)?;
        let cost = self.plan_cost(coefs, &first.1);
        if cost != first.0.round() as i128 {
            return Err(disagree("cost"));
        }
        let cost = i64::try_from(cost).map_err(|_| disagree("cost"))?;
        let units = self.plan_units(&first.1);
        if cost == 0 && units == 0 {
            return Ok(Some((0, 0, Some(first.1))));
        }
        let (u, second) = self.aggregate_stage(Stage::Units { cost }, coefs, &needs, opts)?;
        let units = self.plan_units(&second);
        if self.plan_cost(coefs, &second) != i128::from(cost) || units != u.round() as u128 {
            return Err(disagree("units"));
        }
        let units = u64::try_from(units).map_err(|_| disagree("units"))?;
        Ok(Some((cost, units, Some(second))))
    }

    /// One stage of the aggregate model, its exact plan re-checked against every row.
    fn aggregate_stage(
        &self,
        stage: Stage,
        coefs: &Coefs,
        needs: &Needs,
        opts: &SolveOptions,
    ) -> Result<(f64, Bought), SolveStatus> {
        let (kn, nl) = (self.n_milestones(), self.shape.n_lics);
        let mut pv = ProblemVariables::new();
        let mut var = |l: usize| {
            self.shape.price[l]
                .is_some()
                .then(|| pv.add(variable().integer().min(0)))
        };
        let commit: Vec<Option<Variable>> = (0..nl).map(&mut var).collect();
        let add: Vec<Option<Variable>> = (0..kn * nl)
            .map(|i| if i < nl { None } else { var(i % nl) })
            .collect();
        let v = Packs { commit, add };
        let cost = self.packs_expr(&v, |i| match i.checked_sub(nl) {
            None => coefs.commit[i],
            Some(a) => coefs.add[a],
        });
        let units = self.packs_expr(&v, |i| i128::from(self.pack(i % nl)));
        let objective = match stage {
            Stage::Cost => cost.clone(),
            _ => units,
        };
        let mut problem = configure(pv.minimise(&objective).using(highs), opts)?;
        for row in self.prefix_rows(&v, needs) {
            problem.add_constraint(row);
        }
        if let Stage::Units { cost: c } = stage {
            problem.add_constraint(cost.leq(c as f64 + 0.5));
        }
        // Every prefix with a need has a buyable tier at or above it (checked by the
        // caller), so a plan exists: "infeasible" here is the solver failing.
        let sol = problem.solve().map_err(|e| match resolution_status(e) {
            SolveStatus::Infeasible => SolveStatus::Error(format!(
                "HiGHS called the aggregate {stage:?} stage infeasible although a plan \
                 exists; no figure is published"
            )),
            status => status,
        })?;
        if matches!(sol.status(), SolutionStatus::TimeLimit) {
            return Err(SolveStatus::TimeLimit);
        }
        let read = |x: &Option<Variable>| x.map_or(Ok(0), |x| int_value(&sol, x));
        let bought = Bought {
            commit: v.commit.iter().map(read).collect::<Result<_, _>>()?,
            add: v.add.iter().map(read).collect::<Result<_, _>>()?,
        };
        if !self.covers(&bought, needs) {
            return Err(SolveStatus::Error(
                "the aggregate term MIP's plan fails the exact re-check; no figure is \
                 published"
                    .into(),
            ));
        }
        Ok((objective.eval_with(&sol), bought))
    }

    /// Σ weight(i) · packs over the commitment then the add-ons, i running over both
    /// (i < licences: committed packs of licence i; else added packs at k · licences + l,
    /// offset by one milestone's licences).
    fn packs_expr(&self, v: &Packs, weight: impl Fn(usize) -> i128) -> Expression {
        let mut e = Expression::with_capacity(v.commit.len() + v.add.len());
        for (i, x) in v.commit.iter().chain(&v.add).enumerate() {
            if let Some(x) = x {
                e.add_mul(weight(i) as f64, *x);
            }
        }
        e
    }

    /// Σ_{t≤j} units in force at milestone k ≥ R_k(j), for every (k, j) with a need.
    fn prefix_rows(&self, v: &Packs, needs: &Needs) -> Vec<Constraint> {
        let nl = self.shape.n_lics;
        let mut rows = Vec::new();
        for (k, row) in needs.need.iter().enumerate() {
            let mut e = Expression::with_capacity(needs.order.len() * (k + 1));
            for (j, &l) in needs.order.iter().enumerate() {
                let pack = self.pack(l) as f64;
                let held = std::iter::once(v.commit[l]).chain((1..=k).map(|m| v.add[m * nl + l]));
                for x in held.flatten() {
                    e.add_mul(pack, x);
                }
                if row[j] > 0 {
                    rows.push(e.clone().geq(row[j] as f64));
                }
            }
        }
        rows
    }

    /// Units of licence `l` in force at milestone k: packs committed and added so far,
    /// times the pack.
    fn in_force(&self, b: &Bought, k: usize, l: usize) -> u128 {
        let nl = self.shape.n_lics;
        let packs: u128 = std::iter::once(b.commit[l])
            .chain((1..=k).map(|m| b.add[m * nl + l]))
            .map(u128::from)
            .sum();
        packs * u128::from(self.pack(l))
    }

    /// Whether the exact answer meets every prefix row.
    fn covers(&self, b: &Bought, needs: &Needs) -> bool {
        needs
            .need
            .iter()
            .enumerate()
            .all(|(k, row)| prefixes_hold(row, needs.order.iter().map(|&l| self.in_force(b, k, l))))
    }

    /// The exact reduced cost of an answer.
    fn plan_cost(&self, coefs: &Coefs, b: &Bought) -> i128 {
        let commit = b.commit.iter().zip(&coefs.commit);
        commit
            .chain(b.add.iter().zip(&coefs.add))
            .map(|(&n, &c)| i128::from(n) * c)
            .sum()
    }

    /// An answer's units: every pack bought, times its size.
    fn plan_units(&self, b: &Bought) -> u128 {
        let nl = self.shape.n_lics;
        b.commit
            .iter()
            .chain(&b.add)
            .enumerate()
            .map(|(i, &n)| u128::from(n) * u128::from(self.pack(i % nl)))
            .sum()
    }
}
