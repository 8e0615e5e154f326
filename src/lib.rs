//! # reallot
//!
//! Provably optimal licence reallocation for Cisco Smart Licensing estates.
//!
//! The pipeline reads top to bottom: a case folder is read and validated into an
//! [`estate::Estate`]; a [`scenario::Scenario`] is resolved against it; the
//! [`model`] computes per-(VA, licence) parameters, splits the estate into independent
//! components and solves each (closed form or MIP); [`plan`] turns the solution into the
//! tables an advisor executes; [`report`] writes them; [`verify`] re-checks a written
//! plan with plain arithmetic.
//!
//! ```no_run
//! use std::path::Path;
//! let estate = reallot::estate::load_case(Path::new("data/acme-networks")).unwrap();
//! let scenario = reallot::scenario::Scenario::default();
//! let plan = reallot::plan_case(&estate, &scenario, None, &Default::default()).unwrap();
//! println!("buy {} units", plan.purchase_units());
//! ```

pub mod check;
pub mod cli;
pub mod compare;
pub mod demo;
pub mod error;
pub mod estate;
pub mod io;
pub mod model;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod verify;

use chrono::NaiveDate;

use error::{Diagnostic, Error, Result};
use estate::Estate;
use model::{prepare, solve, Prepared, ScenarioView, SolveOptions, SolveStatus};
use plan::Plan;
use scenario::{RenewalPolicy, Scenario};

/// The date the data describes: `--as-of`, else `case.toml`'s `as_of`; never today.
pub fn resolve_as_of(estate: &Estate, overridden: Option<NaiveDate>) -> Result<NaiveDate> {
    overridden.or(estate.as_of).ok_or_else(|| {
        Error::input(Diagnostic {
            file: "case.toml".into(),
            line: None,
            column: Some("as_of".into()),
            value: None,
            message: "is not set, and no --as-of was given".into(),
            fix: "add as_of = \"YYYY-MM-DD\" (the date of the data export) to case.toml, or pass --as-of".into(),
        })
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

/// Resolves a scenario against a case and computes the model parameters.
pub fn prepare_scenario(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
) -> Result<Prepared> {
    let as_of = resolve_as_of(estate, as_of)?;
    let view = ScenarioView::resolve(estate, scenario, as_of, renewal_date(estate, scenario))
        .map_err(|message| {
            Error::input(Diagnostic {
                file: format!("scenario {}", scenario.name),
                line: None,
                column: None,
                value: None,
                message,
                fix: "name Smart Accounts and VAs exactly as the case does".into(),
            })
        })?;
    Ok(prepare(estate, &view))
}

/// The vendor's per-VA reading of the account at `as_of`.
pub fn vendor_view(
    estate: &Estate,
    as_of: NaiveDate,
    opts: &SolveOptions,
) -> (plan::VendorView, SolveStatus) {
    let view = ScenarioView::vendor(as_of, !estate.substitutions.is_empty());
    let prep = prepare(estate, &view);
    let flows = solve(&prep, estate, opts);
    (plan::vendor_view(estate, &prep, &flows), flows.status)
}

/// Runs one scenario on a case: the whole pipeline except writing.
pub fn plan_case(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    opts: &SolveOptions,
) -> Result<Plan> {
    let prep = prepare_scenario(estate, scenario, as_of)?;
    Ok(plan_prepared(estate, &prep, scenario, opts))
}

/// Solves a prepared model and builds its plan (with the vendor view beside it).
pub fn plan_prepared(
    estate: &Estate,
    prep: &Prepared,
    scenario: &Scenario,
    opts: &SolveOptions,
) -> Plan {
    let timer = std::time::Instant::now();
    let mut flows = solve(prep, estate, opts);
    let solved = timer.elapsed();
    let (vendor, vendor_status) = vendor_view(estate, prep.view.as_of, opts);
    if std::env::var_os("REALLOT_TIMINGS").is_some() {
        eprintln!(
            "timings: solve {solved:?} ({} components, {} by MIP or chain), vendor view {:?}",
            flows.components.0,
            flows.components.1,
            timer.elapsed() - solved
        );
    }
    if flows.status == SolveStatus::Optimal && vendor_status != SolveStatus::Optimal {
        flows.status = vendor_status;
    }
    plan::build(
        estate,
        prep,
        &flows,
        &scenario.name,
        renewal_date(estate, scenario),
        vendor,
    )
}

/// One bar of the savings waterfall: a label, purchase cost (cents) and units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaterfallStep {
    /// What the bar stands for.
    pub label: String,
    /// Purchase cost in cents.
    pub cost: i64,
    /// Purchased units.
    pub units: u64,
}

/// The savings waterfall of a plan: the vendor view, then the scenario's levers switched
/// on one at a time (hygiene without transfers, then reallocation without the merge),
/// then the recommended purchase. Each intermediate bar is the same model, solved.
pub fn waterfall(
    estate: &Estate,
    prep: &Prepared,
    plan: &Plan,
    scenario: &Scenario,
    opts: &SolveOptions,
) -> Vec<WaterfallStep> {
    let step = |label: &str, p: &Plan| WaterfallStep {
        label: label.to_string(),
        cost: p.purchase_cost(),
        units: p.purchase_units(),
    };
    let mut steps = vec![WaterfallStep {
        label: "Vendor view".into(),
        cost: plan.vendor.shortfall_cost,
        units: plan.vendor.shortfall_units,
    }];
    let v = &prep.view;
    let merged = !v.merge_groups.is_empty();
    let solve_variant = |reallocate: bool, merge: bool| {
        let variant = prep.variant(estate, reallocate, merge);
        let flows = solve(&variant, estate, opts);
        plan::build(
            estate,
            &variant,
            &flows,
            &scenario.name,
            None,
            plan.vendor.clone(),
        )
    };
    if v.hygiene && (v.reallocate || merged) {
        steps.push(step("After hygiene", &solve_variant(false, false)));
    }
    if v.reallocate && merged {
        steps.push(step("After reallocation", &solve_variant(true, false)));
    }
    let last = if plan.renewal.is_some() {
        "Recommended renewal"
    } else {
        "Recommended purchase"
    };
    steps.push(step(last, plan));
    steps
}
