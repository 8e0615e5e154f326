//! `reallot verify`: re-checks every file of a written plan against the case and against
//! each other, with its own arithmetic, independently of the solver (README, "Safety").
//!
//! The scenario: a plan folder keeps the one it was made with (`scenario.toml`). Without
//! `--model` verify uses it; with `--model` it uses the given one and the recorded one must
//! be the same (a difference is a violation naming the keys that differ).
//!
//! What it shares with the planner: the case readers ([`crate::estate`], including
//! `Estate::price`), the scenario reader, `resolve_as_of`, the column headers of the plan
//! tables, the `status` word of `summary.json`, CSSM's request limits, and the findings rules
//! ([`crate::plan::findings::collect`], applied to the positions verify recomputes itself).
//! Nothing of [`crate::model`]: supply, PAK, hygiene, demand, pinned units, residual demand
//! and movable supply per (VA, licence); pools, locks and merges; the vendor's per-VA
//! reading; the renewal sizing; the perpetual/term split of the transfer requests are all
//! computed here.
//!
//! Optimality is checked wherever it has a closed form (every licence outside a
//! substitution family, per pool or per unpooled VA, and the vendor's reading outside
//! families); inside a family the plan's purchases are checked for feasibility (coverage,
//! packs, "covers" pairs) and the vendor's per-VA purchases by Hall's condition, not for
//! minimality.
//!
//! Every problem with the plan folder's files (missing, unreadable, malformed, altered,
//! inconsistent) is a violation; only a plan folder that does not exist is a usage error.
//! Units are added up as `u128` and money as `i128` cents (sums of figures read from the
//! plan saturate, so a tampered huge figure can never wrap into a plausible one).
//!
//! The checks, one file per kind, run in this order ([`Verifier::run`]): the plan's
//! tables (`moves`, `purchases`, `substitutions`), the coverage and closed-form optimum
//! (`coverage`), `positions`, the `vendor` reading, `transfers`, `renewal`, `findings`,
//! and the `summary` figures. `model` recomputes the case's parameters, `tables` reads
//! the plan's files, `money` handles amounts.

mod coverage;
mod findings;
mod model;
mod money;
mod moves;
mod positions;
mod purchases;
mod renewal;
mod substitutions;
mod summary;
mod tables;
mod term;
mod transfers;
mod vendor;

pub use money::parse_money;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use serde_json::value::RawValue;

use crate::error::{Error, Exit, Result};
use crate::estate::Estate;
use crate::model::SolveStatus;
use crate::scenario::Scenario;

use self::model::Model;
use self::tables::{read_text, Tables};

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// Number of individual checks made.
    pub checks: usize,
    /// Broken rules, in plain English, each naming the file it concerns.
    pub violations: Vec<String>,
}

impl VerifyReport {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.violations.push(what());
        }
    }

    fn fail(&mut self, what: String) {
        self.check(false, || what);
    }
}

/// `reallot verify CASE PLAN_DIR [--model FILE] [--as-of DATE]`, once the command line has
/// read the scenario file (if any): prints each violation and a count; returns exit code 0,
/// or [`Exit::Verify`] when anything is wrong. A plan folder that does not exist is a usage
/// error (exit 2); every problem inside it is a violation.
pub fn command(
    case: &Path,
    plan_dir: &Path,
    scenario: Option<&Scenario>,
    as_of: Option<NaiveDate>,
    w: &mut dyn Write,
) -> Result<i32> {
    check_plan_dir(plan_dir)?;
    let estate = crate::estate::load_case(case)?;
    let report = verify_plan(&estate, scenario, as_of, plan_dir)?;
    let io = |e| Error::io("stdout", e);
    for v in &report.violations {
        writeln!(w, "VIOLATION {v}").map_err(io)?;
    }
    let n = report.violations.len();
    writeln!(
        w,
        "verify: {} checks, {n} violation{}",
        report.checks,
        if n == 1 { "" } else { "s" }
    )
    .map_err(io)?;
    Ok(if n == 0 { Exit::Success } else { Exit::Verify }.code())
}

fn check_plan_dir(plan_dir: &Path) -> Result<()> {
    if plan_dir.is_dir() {
        Ok(())
    } else if plan_dir.exists() {
        Err(Error::Usage(format!(
            "{}: is not a folder (name the folder `reallot plan` wrote)",
            plan_dir.display()
        )))
    } else {
        Err(Error::Usage(format!(
            "{}: no plan folder there (write one with `reallot plan`)",
            plan_dir.display()
        )))
    }
}

/// Re-checks the plan in `plan_dir` under `scenario` (as with `--model`): the plan's own
/// `scenario.toml` must agree with it.
pub fn verify(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    plan_dir: &Path,
) -> Result<VerifyReport> {
    verify_plan(estate, Some(scenario), as_of, plan_dir)
}

/// Re-checks the plan in `plan_dir`. Without a scenario it uses the one recorded in the
/// plan folder (`scenario.toml`); with one, that one is used and the recorded one must be
/// the same (a difference is a violation). Errors: the folder is missing (exit 2), or the
/// case or the given scenario cannot be used (exit 65); everything else is a violation.
pub fn verify_plan(
    estate: &Estate,
    scenario: Option<&Scenario>,
    as_of: Option<NaiveDate>,
    plan_dir: &Path,
) -> Result<VerifyReport> {
    check_plan_dir(plan_dir)?;
    let mut rep = VerifyReport::default();
    let recorded = read_text(&mut rep, plan_dir, "scenario.toml").and_then(|text| {
        match Scenario::parse(&text, "scenario.toml", "scenario") {
            Ok(s) => Some(s),
            Err(e) => {
                rep.fail(format!("scenario.toml: cannot be read back: {e}"));
                None
            }
        }
    });
    let scenario = match (scenario, &recorded) {
        (Some(given), Some(rec)) => {
            rep.check(given == rec, || {
                format!(
                    "scenario.toml: the plan was made with scenario {:?}, which differs from the one given ({}): {}",
                    rec.name,
                    given.name,
                    scenario_diff(given, rec)
                )
            });
            given.clone()
        }
        (Some(given), None) => given.clone(),
        (None, Some(rec)) => rec.clone(),
        (None, None) => {
            rep.fail(
                "scenario.toml: without it (or --model) the plan's scenario is unknown, so nothing else can be checked".into(),
            );
            return Ok(rep);
        }
    };
    let as_of = crate::pipeline::resolve_as_of(estate, as_of)?;
    let model = match Model::build(estate, &scenario, as_of) {
        Ok(m) => m,
        Err(message) if recorded.is_some() && scenario == *recorded.as_ref().unwrap() => {
            rep.fail(format!("scenario.toml: does not fit this case: {message}"));
            return Ok(rep);
        }
        Err(message) => return Err(crate::pipeline::scenario_mismatch(&scenario, message)),
    };
    let mut v = Verifier {
        rep,
        m: model,
        dir: plan_dir,
        scenario: &scenario,
    };
    v.run();
    Ok(v.rep)
}

/// The keys on which two scenarios differ, as `key: a vs b`.
fn scenario_diff(a: &Scenario, b: &Scenario) -> String {
    let lines = |s: &Scenario| -> Vec<String> {
        s.to_toml()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    let (la, lb) = (lines(a), lines(b));
    let only = |x: &[String], y: &[String]| -> Vec<String> {
        x.iter().filter(|l| !y.contains(l)).cloned().collect()
    };
    format!(
        "given [{}], recorded [{}]",
        only(&la, &lb).join("; "),
        only(&lb, &la).join("; ")
    )
}

/// The checks of one plan folder against the model of its case, and what they found.
struct Verifier<'a> {
    rep: VerifyReport,
    m: Model<'a>,
    dir: &'a Path,
    scenario: &'a Scenario,
}

impl Verifier<'_> {
    /// Every check, in order; none when the plan's status is not optimal.
    fn run(&mut self) {
        let summary = self.read_summary();
        if let Some(s) = &summary {
            let status = s
                .get("status")
                .and_then(|r| serde_json::from_str::<String>(r.get()).ok());
            if let Some(st) = status.filter(|st| st != SolveStatus::OPTIMAL) {
                self.rep.fail(format!(
                    "summary.json: status is {st:?}, not optimal: there is no plan to verify"
                ));
                return;
            }
        }
        if let Some(months) = self.scenario.term_months {
            // A term plan: its schedule and term figures (the milestone tables are not
            // re-checked yet).
            self.term(months, summary.as_ref());
            return;
        }
        let mut t = Tables::default();
        self.moves(&mut t);
        self.purchases(&mut t);
        self.substitutions(&mut t);
        self.coverage_and_optimum(&t);
        let positions = self.positions(&mut t);
        let vendor = self.vendor_view(&t);
        self.transfers(&t);
        let renewal = self.renewal(&t);
        if let Some(p) = &positions {
            self.findings(p);
        }
        for f in ["plan.xlsx", "report.html", "report.md"] {
            let p = self.dir.join(f);
            self.rep
                .check(p.is_file(), || format!("{f}: missing from the plan folder"));
        }
        if let Some(s) = &summary {
            self.summary_figures(s, &t, vendor, renewal.as_ref());
        }
    }

    /// summary.json as an object of raw values.
    fn read_summary(&mut self) -> Option<BTreeMap<String, Box<RawValue>>> {
        let text = read_text(&mut self.rep, self.dir, "summary.json")?;
        match serde_json::from_str(&text) {
            Ok(m) => Some(m),
            Err(e) => {
                self.rep
                    .fail(format!("summary.json: is not a JSON object: {e}"));
                None
            }
        }
    }
}
