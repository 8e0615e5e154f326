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

/// One aggregate stage's answer: the solver's objective, the packs, and their exact
/// reduced cost and units.
struct Answer {
    objective: f64,
    bought: Bought,
    cost: i128,
    units: u128,
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
        if first.cost != first.objective.round() as i128 {
            return Err(disagree("cost"));
        }
        let cost = i64::try_from(first.cost).map_err(|_| disagree("cost"))?;
        if cost == 0 && first.units == 0 {
            return Ok(Some((0, 0, Some(first.bought))));
        }
        let second = self.aggregate_stage(Stage::Units { cost }, coefs, &needs, opts)?;
        if second.cost != i128::from(cost) || second.units != second.objective.round() as u128 {
            return Err(disagree("units"));
        }
        let units = u64::try_from(second.units).map_err(|_| disagree("units"))?;
        Ok(Some((cost, units, Some(second.bought))))
    }

    /// One stage of the aggregate model, its exact plan re-checked against every row.
    fn aggregate_stage(
        &self,
        stage: Stage,
        coefs: &Coefs,
        needs: &Needs,
        opts: &SolveOptions,
    ) -> Result<Answer, SolveStatus> {
        let (kn, nl) = (self.n_milestones(), self.shape.n_lics);
        let mut pv = ProblemVariables::new();
        let bounds = self.pack_bounds();
        let mut var = |l: usize| {
            self.shape.price[l]
                .is_some()
                .then(|| pv.add(variable().integer().min(0).max(bounds[l])))
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
        // The exact re-check: whole packs, every prefix row, the cost and units recomputed
        // by the term's own arithmetic (the reduced cost is the scaled one over the
        // coefficients' divisor, exactly, as every purchase is in whole packs).
        let refused = |why: String| {
            SolveStatus::Error(format!(
                "the aggregate term MIP's plan fails the exact re-check ({why}); no figure \
                 is published"
            ))
        };
        let (commit, add) = self
            .units_of(&bought)
            .ok_or_else(|| refused("units beyond 64 bits".into()))?;
        let (scaled, units) = self.purchase_figures(&commit, &add).map_err(refused)?;
        let supply = self.supply(&commit, &add);
        let covers =
            needs.need.iter().enumerate().all(|(k, row)| {
                prefixes_hold(row, needs.order.iter().map(|&l| supply[k * nl + l]))
            });
        if !covers || scaled % coefs.unit != 0 {
            return Err(refused("a prefix row or the cost".into()));
        }
        Ok(Answer {
            objective: objective.eval_with(&sol),
            bought,
            cost: scaled / coefs.unit,
            units,
        })
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
}
