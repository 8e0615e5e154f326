//! The MIP of one substitution family in one pool (or one VA outside transfers), solved
//! lexicographically with HiGHS through good_lp (SPEC §4).

use good_lp::solvers::highs::highs;
use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel,
    Variable,
};

use crate::estate::Price;

use super::solve::SolveStatus;

/// Solver settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Seconds allowed for each MIP solve (`None`: no limit).
    pub time_limit: Option<f64>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Some(60.0),
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
                v.inn[c] = Some(pv.add(variable().integer().min(0)));
            }
        }
        for l in 0..nl {
            if self.price[l].is_some() {
                v.packs[l] = Some(pv.add(variable().integer().min(0)));
            }
        }
        for _ in 0..nv * self.edges.len() {
            v.sub.push(pv.add(variable().integer().min(0)));
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
        let (_, s3) = self.stage(3, Some(cost), Some(units), opts)?;
        Ok(s3)
    }
}
