//! The pipeline, one named step each: [`read`] a case → [`resolve_scenario`] against it
//! → [`prepare_scenario`] the model parameters → [`solve_scenario`] (with the vendor's
//! reading beside it) → [`make_plan`] → [`write`]. [`run`] is the whole of it, as
//! `reallot plan` runs it; [`plan_case`] is everything but reading and writing.
//!
//! Timings of the steps are logged at debug level (`RUST_LOG=reallot=debug`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::error::{Diagnostic, Error, Result};
use crate::estate::{load_case, Estate};
use crate::io::write::{check_target, OutDir};
use crate::model::term::run::solve_case_term;
use crate::model::term::{DemandError, TermDemand, TermSettings};
use crate::model::{
    prepare, prepare_at, solve, Flows, Prepared, ScenarioView, SolveOptions, SolveStatus,
};
use crate::plan::{self, LikeForLike, Plan, Provenance, Tables, VendorView};
use crate::report::write_plan;
use crate::scenario::{EvaluateAt, Merge, RenewalPolicy, Scenario};

/// Runs one scenario on a case folder and writes the plan atomically to `out`, which must
/// not overwrite any of `inputs` (README, "Safety"; checked before any work). Returns the plan
/// and the folder written.
pub fn run(
    case: &Path,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    (out, inputs): (&Path, &[&Path]),
    opts: &SolveOptions,
) -> Result<(Plan, PathBuf)> {
    check_target(out, inputs)?;
    let timer = Instant::now();
    let estate = read(case)?;
    let loaded = timer.elapsed();
    log::debug!("timings: read {loaded:?}{}", resident());
    let plan = plan_case(&estate, scenario, as_of, opts)?;
    // The plan holds everything the files need: the estate's memory goes back before
    // writing, the step that needs the most besides the plan.
    drop(estate);
    let planned = timer.elapsed();
    let written = write(&plan, out, inputs)?;
    log::debug!(
        "timings: read {loaded:?}, model and plan {:?}, write {:?}{}",
        planned - loaded,
        timer.elapsed() - planned,
        resident()
    );
    Ok((plan, written))
}

/// The process's resident memory now, as a log suffix (`, resident 123 MB`); empty
/// where `/proc/self/status` cannot be read. Called only inside `log::debug!`, whose
/// arguments are not evaluated unless debug logging is on.
fn resident() -> String {
    let kb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
    kb.map_or_else(String::new, |kb| format!(", resident {} MB", kb >> 10))
}

/// Step 1: reads and validates a case folder.
pub fn read(case: &Path) -> Result<Estate> {
    load_case(case)
}

/// Runs one scenario on a case: the whole pipeline except reading and writing.
pub fn plan_case(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    opts: &SolveOptions,
) -> Result<Plan> {
    if let Some(months) = scenario.term_months {
        return plan_term(estate, scenario, as_of, months, opts);
    }
    let timer = Instant::now();
    let mut prep = prepare_scenario(estate, scenario, as_of)?;
    log::debug!("timings: prepare {:?}{}", timer.elapsed(), resident());
    let solved = solve_scenario(estate, &prep, opts);
    Ok(make_plan(estate, &mut prep, solved, scenario, opts))
}

/// The milestone dates of a term of `months` months from `start`: every 12 months, on
/// the same day of the month, clamped to the month's last day (SPEC §4.2).
pub fn milestone_dates(start: NaiveDate, months: u32) -> Vec<NaiveDate> {
    (0..months / 12)
        .map(|k| {
            start
                .checked_add_months(chrono::Months::new(12 * k))
                .unwrap_or(NaiveDate::MAX)
        })
        .collect()
}

/// The models of a term, one per milestone: `view` moved to each date, with the demand
/// of the year ahead of milestone k (k + 1 years of growth), the same cells in each.
/// The milestones are prepared by [`prepare_at`] (what does not depend on the date once,
/// each date in parallel), in order.
fn term_models(estate: &Estate, view: &ScenarioView, dates: &[NaiveDate]) -> Result<Vec<Prepared>> {
    let view = ScenarioView {
        renewal: None,
        ..view.clone()
    };
    let refused = |e: DemandError| {
        Error::input(Diagnostic::new(
            "scenario",
            e.to_string(),
            "shorten term_months or round growth_pct",
        ))
    };
    prepare_at(estate, &view, dates)
        .into_par_iter()
        .enumerate()
        .map(|(k, mut p)| {
            let demand = TermDemand::new(view.policy.growth_bp, view.policy.buffer_bp, k)
                .map_err(refused)?;
            for c in &mut p.cells {
                c.demand = demand.of(c.in_use).map_err(refused)?;
                c.residual = c.demand.saturating_sub(c.pinned);
            }
            Ok(p)
        })
        .collect::<Vec<Result<Prepared>>>()
        .into_iter()
        // The first milestone's error, whichever thread met one first.
        .collect::<Result<Vec<Prepared>>>()
}

/// A term plan (SPEC §4.2): the scenario solved at every milestone of its term at once,
/// beside the vendor's reading of the same term; the tables are those of the first
/// milestone, the figures the term's.
fn plan_term(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    months: u32,
    opts: &SolveOptions,
) -> Result<Plan> {
    let settings = TermSettings::new(
        months,
        scenario.commit_discount_bp,
        scenario.growth_allowance_bp,
    )
    .map_err(|e| {
        Error::input(Diagnostic::new(
            format!("scenario {}", scenario.name),
            e.to_string(),
            "write term_months = 12, 24, ... or 120",
        ))
    })?;
    let mut view = resolve_scenario(estate, scenario, as_of)?;
    let start = renewal_date(estate, scenario).unwrap_or(view.as_of);
    view.t = start;
    view.renewal = None;
    let dates = milestone_dates(start, months);
    let timer = Instant::now();
    let mut vendor_view_t = ScenarioView::vendor(view.as_of, !estate.substitutions.is_empty());
    (
        vendor_view_t.policy.growth_bp,
        vendor_view_t.policy.buffer_bp,
    ) = (view.policy.growth_bp, view.policy.buffer_bp);
    let vendor_settings = TermSettings::new(months, 0, 0).expect("a valid term");
    // The scenario's term and the vendor's reading of it are independent: solved side by
    // side, so that one's last slow components overlap the other's.
    let term_of = |v: &ScenarioView, settings: TermSettings| -> Result<_> {
        let preps = term_models(estate, v, &dates)?;
        let term = solve_case_term(&preps, estate, settings, opts);
        Ok((preps, term))
    };
    let (ours, theirs) = rayon::join(
        || term_of(&view, settings),
        || term_of(&vendor_view_t, vendor_settings),
    );
    let ((preps, term), (_, vendor_term)) = (ours?, theirs?);
    log::debug!(
        "timings: term and vendor's term solved {:?}{}",
        timer.elapsed(),
        resident()
    );
    let (vendor, vendor_status) = vendor_view(estate, view.as_of, opts);
    log::debug!("timings: vendor view {:?}{}", timer.elapsed(), resident());
    let mut flows = term.milestones[0].clone();
    for status in [&term.status, &vendor_term.status, &vendor_status] {
        if flows.status == SolveStatus::Optimal && *status != SolveStatus::Optimal {
            flows.status = status.clone();
        }
    }
    let prep = &preps[0];
    let tables = Tables::build(estate, prep, &flows, None, &vendor);
    let made = Provenance {
        scenario: scenario.name.clone(),
        waterfall: Vec::new(),
        assumptions: assumptions(estate, scenario, prep),
        settings: Some(scenario.clone()),
    };
    let mut plan = Plan::assemble(estate, prep, &flows, tables, vendor, made);
    // A term not solved to optimality in every component publishes no term figure: its
    // sums would leave the unsolved components out.
    if plan.status == SolveStatus::Optimal {
        plan.term = Some(plan::term::term_plan(
            estate,
            &preps,
            &term,
            (months, &dates),
            &vendor_term,
            (&plan.vendor, &plan.tables),
        )?);
    }
    log::debug!("timings: term tables {:?}{}", timer.elapsed(), resident());
    Ok(plan)
}

/// Step 2: resolves a scenario against a case at the data date, after refusing figures
/// too large to compute exactly.
pub fn resolve_scenario(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
) -> Result<ScenarioView> {
    let as_of = resolve_as_of(estate, as_of)?;
    check_magnitudes(estate, scenario)?;
    ScenarioView::resolve(estate, scenario, as_of, sized_renewal(estate, scenario))
        .map_err(|message| scenario_mismatch(scenario, message))
}

/// Step 3: resolves a scenario against a case and computes the model parameters.
pub fn prepare_scenario(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
) -> Result<Prepared> {
    let view = resolve_scenario(estate, scenario, as_of)?;
    Ok(prepare(estate, &view))
}

/// A solved scenario with the vendor's reading beside it.
#[derive(Debug, Clone)]
pub struct Solved {
    /// The scenario's flows; their status is the vendor view's when that one failed.
    pub flows: Flows,
    /// The vendor's per-VA reading at the data date.
    pub vendor: VendorView,
    /// The like-for-like renewal the vendor quote rests on, when the scenario sizes a
    /// renewal.
    pub like_for_like: Option<LikeForLike>,
}

/// Step 4: solves a prepared model, the vendor's per-VA reading at its data date and, when
/// the scenario sizes a renewal, the like-for-like renewal of the vendor quote. The plan is
/// optimal only when all are.
pub fn solve_scenario(estate: &Estate, prep: &Prepared, opts: &SolveOptions) -> Solved {
    let timer = Instant::now();
    // The scenario and the vendor's reading are independent: solved side by side, so
    // that one's last slow components overlap the other's.
    let (mut flows, (vendor, mut vendor_status)) = rayon::join(
        || solve(prep, estate, opts),
        || vendor_view(estate, prep.view.as_of, opts),
    );
    let solved = timer.elapsed();
    let like_for_like = prep.view.renewal.map(|date| {
        let (lfl, status) = like_for_like(estate, prep, date, opts);
        if vendor_status == SolveStatus::Optimal {
            vendor_status = status;
        }
        lfl
    });
    log::debug!(
        "timings: solve and vendor view {solved:?} ({} components, {} by MIP or chain), like for like {:?}{}",
        flows.components.0,
        flows.components.1,
        timer.elapsed() - solved,
        resident()
    );
    if flows.status == SolveStatus::Optimal && vendor_status != SolveStatus::Optimal {
        flows.status = vendor_status;
    }
    Solved {
        flows,
        vendor,
        like_for_like,
    }
}

/// The like-for-like renewal at `date` (README, "The model in brief": renewal): the
/// vendor's per-VA reading with every expiring lot renewed, raw consumption, the scenario's
/// growth and buffer, substitution on when the table exists, no transfers. Returns the
/// units it still buys per licence, and the status of its solve.
pub fn like_for_like(
    estate: &Estate,
    prep: &Prepared,
    date: NaiveDate,
    opts: &SolveOptions,
) -> (LikeForLike, SolveStatus) {
    let v = &prep.view;
    let view = ScenarioView::like_for_like(
        v.as_of,
        date,
        (v.policy.growth_bp, v.policy.buffer_bp),
        !estate.substitutions.is_empty(),
    );
    let lp = prepare(estate, &view);
    let flows = solve(&lp, estate, opts);
    let mut shortfall = std::collections::BTreeMap::new();
    for (i, c) in lp.cells.iter().enumerate() {
        if flows.buy_va[i] > 0 {
            *shortfall.entry(c.lic).or_default() += flows.buy_va[i];
        }
    }
    for (&(_, lic), &q) in &flows.pool_buy {
        *shortfall.entry(lic).or_default() += q;
    }
    (LikeForLike { date, shortfall }, flows.status)
}

/// The vendor's per-VA reading of the account at `as_of`, and the status of its solve.
pub fn vendor_view(
    estate: &Estate,
    as_of: NaiveDate,
    opts: &SolveOptions,
) -> (VendorView, SolveStatus) {
    let (prep, flows) = solve_vendor(estate, as_of, opts);
    (plan::vendor_view(estate, &prep, &flows), flows.status)
}

/// The vendor's per-VA model of the account at `as_of` (no transfers, no hygiene, no
/// growth), solved.
pub fn solve_vendor(estate: &Estate, as_of: NaiveDate, opts: &SolveOptions) -> (Prepared, Flows) {
    let view = ScenarioView::vendor(as_of, !estate.substitutions.is_empty());
    let prep = prepare(estate, &view);
    let flows = solve(&prep, estate, opts);
    (prep, flows)
}

/// Step 5: builds the plan of a solved scenario: the savings waterfall (when optimal; its
/// bars solve `prep` under other transfer rules in place, and leave it as it was, before
/// the tables are built), its tables and the assumptions it rests on.
pub fn make_plan(
    estate: &Estate,
    prep: &mut Prepared,
    solved: Solved,
    scenario: &Scenario,
    opts: &SolveOptions,
) -> Plan {
    let Solved {
        flows,
        vendor,
        like_for_like,
    } = solved;
    let timer = Instant::now();
    // The waterfall's bars are solved before the tables are built, so that their solves
    // never add to the tables' memory; the tables complete them (the recommended
    // purchase, the vendor quote).
    let bars = (flows.status == SolveStatus::Optimal)
        .then(|| plan::waterfall(estate, prep, like_for_like.is_some(), opts));
    log::debug!("timings: waterfall {:?}{}", timer.elapsed(), resident());
    let tables = Tables::build(estate, prep, &flows, like_for_like.as_ref(), &vendor);
    let waterfall = bars.map_or_else(Vec::new, |bars| bars.steps(&tables, &vendor));
    log::debug!(
        "timings: waterfall and tables {:?}{}",
        timer.elapsed(),
        resident()
    );
    let made = Provenance {
        scenario: scenario.name.clone(),
        waterfall,
        assumptions: assumptions(estate, scenario, prep),
        settings: Some(scenario.clone()),
    };
    Plan::assemble(estate, prep, &flows, tables, vendor, made)
}

/// Step 6: writes a plan atomically to `out`; returns the folder written.
pub fn write(plan: &Plan, out: &Path, inputs: &[&Path]) -> Result<PathBuf> {
    let dir = OutDir::new(out, inputs)?;
    write_plan(plan, &dir.root())?;
    dir.commit()
}

/// The date the data describes: `--as-of`, else `case.toml`'s `as_of`; never today.
pub fn resolve_as_of(estate: &Estate, overridden: Option<NaiveDate>) -> Result<NaiveDate> {
    overridden.or(estate.as_of).ok_or_else(|| {
        Error::input(
            Diagnostic::new(
                "case.toml",
                "is not set, and no --as-of was given",
                "add as_of = \"YYYY-MM-DD\" (the date of the data export) to case.toml, or pass --as-of",
            )
            .at_column("as_of"),
        )
    })
}

/// The renewal date a scenario applies to a case.
pub fn renewal_date(estate: &Estate, scenario: &Scenario) -> Option<NaiveDate> {
    match scenario.renewal {
        RenewalPolicy::FromCase => estate.renewal_date,
        RenewalPolicy::Date(d) => Some(d),
        RenewalPolicy::Disabled => None,
    }
}

/// The renewal date a scenario evaluates at and sizes: its renewal date when it has
/// `evaluate_at = "renewal"`, else none (it evaluates at `as_of`).
pub fn sized_renewal(estate: &Estate, scenario: &Scenario) -> Option<NaiveDate> {
    match scenario.evaluate_at {
        EvaluateAt::Renewal => renewal_date(estate, scenario),
        EvaluateAt::AsOf => None,
    }
}

/// The largest total of units (all entitlements, or all demand after growth and buffer)
/// a case may reach. Below it every unit figure fits a `u64` with room for sums, and every
/// money figure (units × a price of at most 10^12 cents) an `i128`: no figure can wrap.
pub const MAX_TOTAL_UNITS: u128 = 1_000_000_000_000_000_000;

/// Refuses a case whose unit totals under `scenario` exceed [`MAX_TOTAL_UNITS`] (README, "Safety":
/// a figure the tool cannot represent exactly is an error, never a printed number).
pub fn check_magnitudes(estate: &Estate, scenario: &Scenario) -> Result<()> {
    let supply: u128 = estate.lots.iter().map(|l| u128::from(l.quantity)).sum();
    let used: u128 = estate
        .usage
        .values()
        .map(|u| u128::from(u.in_use))
        .chain(
            estate
                .instances
                .iter()
                .flatten()
                .map(|i| u128::from(i.quantity)),
        )
        .sum();
    // Growth and buffer as factors in hundredths of a percent; never below 1 (the vendor
    // view and the waterfall read raw consumption).
    let factor = |bp: i64| u128::try_from(10_000 + bp).unwrap_or(0).max(10_000);
    let demand =
        used * factor(scenario.policy.growth_bp) * factor(scenario.policy.buffer_bp) / 100_000_000;
    let over = |what: String, total: u128| {
        Error::input(
            Diagnostic::new(
                format!("case {}", estate.name),
                format!("{what} adds up to more units than reallot computes exactly (10^18)"),
                "check the quantities for a unit or export error (counts above 10^12 per row are already refused)",
            )
            .with_value(total.to_string()),
        )
    };
    if supply > MAX_TOTAL_UNITS {
        return Err(over("the entitlement total".into(), supply));
    }
    if demand > MAX_TOTAL_UNITS {
        return Err(over(
            format!(
                "the demand total (growth and buffer of scenario {} included)",
                scenario.name
            ),
            demand,
        ));
    }
    Ok(())
}

/// The input error of a scenario that names Smart Accounts or VAs the case lacks.
pub fn scenario_mismatch(scenario: &Scenario, message: String) -> Error {
    Error::input(Diagnostic::new(
        format!("scenario {}", scenario.name),
        message,
        "name Smart Accounts and VAs exactly as the case does",
    ))
}

/// The settings and data a plan rests on, as (item, value) rows for the report.
pub fn assumptions(estate: &Estate, s: &Scenario, prep: &Prepared) -> Vec<(String, String)> {
    let pct = |bp: i64| format!("{}.{:02}%", bp / 100, (bp % 100).abs());
    let mut rows = vec![
        ("scenario".to_string(), s.name.clone()),
        ("data as of".into(), prep.view.as_of.to_string()),
        ("evaluated at".into(), prep.view.t.to_string()),
        ("evaluate_at".into(), s.evaluate_at.as_str().to_string()),
        ("reallocate".into(), s.policy.reallocate.to_string()),
        ("substitution".into(), s.policy.substitution.to_string()),
        ("hygiene".into(), s.policy.hygiene.to_string()),
        (
            "stale_after_days".into(),
            s.policy.stale_after_days.to_string(),
        ),
        ("buffer_pct".into(), pct(s.policy.buffer_bp)),
        ("growth_pct".into(), pct(s.policy.growth_bp)),
        (
            "renewal date".into(),
            renewal_date(estate, s).map_or("none".into(), |d| d.to_string()),
        ),
        ("merge".into(), merge_text(&s.merge)),
        ("extra locks".into(), locks_text(&s.lock)),
    ];
    for (f, n) in &estate.files {
        rows.push((format!("file {f}"), format!("{n} rows")));
    }
    rows
}

/// A scenario's merge setting as the assumptions state it.
fn merge_text(merge: &Merge) -> String {
    match merge {
        Merge::None => "none".into(),
        Merge::All => "all Smart Accounts".into(),
        Merge::Groups(g) => g
            .iter()
            .map(|x| x.join(" + "))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A scenario's extra locks as the assumptions state them.
fn locks_text(lock: &[(String, String)]) -> String {
    if lock.is_empty() {
        return "none".into();
    }
    lock.iter()
        .map(|(a, v)| format!("{a}/{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}
