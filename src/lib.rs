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
pub mod import;
pub mod io;
pub mod model;
pub mod money;
pub mod plan;
pub mod plot;
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

/// The largest total of units (all entitlements, or all demand after growth and buffer)
/// a case may reach. Below it every unit figure fits a `u64` with room for sums, and every
/// money figure (units × a price of at most 10^12 cents) an `i128`: no figure can wrap.
pub const MAX_TOTAL_UNITS: u128 = 1_000_000_000_000_000_000;

/// Refuses a case whose unit totals under `scenario` exceed [`MAX_TOTAL_UNITS`] (SPEC §2:
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
    let demand = used * factor(scenario.growth_bp) * factor(scenario.buffer_bp) / 100_000_000;
    let over = |what: String, total: u128| {
        Error::input(Diagnostic {
            file: format!("case {}", estate.name),
            line: None,
            column: None,
            value: Some(total.to_string()),
            message: format!("{what} adds up to more units than reallot computes exactly (10^18)"),
            fix: "check the quantities for a unit or export error (counts above 10^12 per row are already refused)".into(),
        })
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
    Error::input(Diagnostic {
        file: format!("scenario {}", scenario.name),
        line: None,
        column: None,
        value: None,
        message,
        fix: "name Smart Accounts and VAs exactly as the case does".into(),
    })
}

/// Resolves a scenario against a case and computes the model parameters.
pub fn prepare_scenario(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
) -> Result<Prepared> {
    let as_of = resolve_as_of(estate, as_of)?;
    check_magnitudes(estate, scenario)?;
    let view = ScenarioView::resolve(estate, scenario, as_of, renewal_date(estate, scenario))
        .map_err(|message| scenario_mismatch(scenario, message))?;
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
    let mut plan = plan_prepared(estate, &prep, scenario, opts);
    if plan.status == SolveStatus::Optimal {
        plan.waterfall = waterfall(estate, &prep, &plan, opts);
    }
    plan.assumptions = assumptions(estate, scenario, &prep);
    plan.settings = Some(scenario.clone());
    Ok(plan)
}

/// The settings and data a plan rests on, as (item, value) rows for the report.
pub fn assumptions(estate: &Estate, s: &Scenario, prep: &Prepared) -> Vec<(String, String)> {
    let pct = |bp: i64| format!("{}.{:02}%", bp / 100, (bp % 100).abs());
    let mut rows = vec![
        ("scenario".to_string(), s.name.clone()),
        ("data as of".into(), prep.view.as_of.to_string()),
        ("evaluated at".into(), prep.view.t.to_string()),
        ("reallocate".into(), s.reallocate.to_string()),
        ("substitution".into(), s.substitution.to_string()),
        ("hygiene".into(), s.hygiene.to_string()),
        ("stale_after_days".into(), s.stale_after_days.to_string()),
        ("buffer_pct".into(), pct(s.buffer_bp)),
        ("growth_pct".into(), pct(s.growth_bp)),
        (
            "renewal date".into(),
            renewal_date(estate, s).map_or("none".into(), |d| d.to_string()),
        ),
        (
            "merge".into(),
            match &s.merge {
                scenario::Merge::None => "none".into(),
                scenario::Merge::All => "all Smart Accounts".into(),
                scenario::Merge::Groups(g) => g
                    .iter()
                    .map(|x| x.join(" + "))
                    .collect::<Vec<_>>()
                    .join("; "),
            },
        ),
        (
            "extra locks".into(),
            if s.lock.is_empty() {
                "none".into()
            } else {
                s.lock
                    .iter()
                    .map(|(a, v)| format!("{a}/{v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
    ];
    for (f, n) in &estate.files {
        rows.push((format!("file {f}"), format!("{n} rows")));
    }
    rows
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
    pub cost: plan::Cents,
    /// Purchased units.
    pub units: u64,
}

/// Purchase cost and units of solved flows.
fn purchase_totals(estate: &Estate, prep: &Prepared, flows: &model::Flows) -> (plan::Cents, u64) {
    let price = |l: estate::LicId| plan::Cents::from(estate.price(l).map_or(0, |p| p.cents));
    let mut cost: plan::Cents = 0;
    let mut units = 0u64;
    for (i, c) in prep.cells.iter().enumerate() {
        cost += plan::Cents::from(flows.buy_va[i]) * price(c.lic);
        units += flows.buy_va[i];
    }
    for (&(_, lic), &q) in &flows.pool_buy {
        cost += plan::Cents::from(q) * price(lic);
        units += q;
    }
    (cost, units)
}

/// The savings waterfall of a plan: the vendor view; the same per-VA reading at the
/// evaluation date with the scenario's buffer and growth; then the scenario's levers
/// switched on one at a time (hygiene, reallocation, consolidation); then the
/// recommended purchase. Each intermediate bar is the same model, solved.
pub fn waterfall(
    estate: &Estate,
    prep: &Prepared,
    plan: &Plan,
    opts: &SolveOptions,
) -> Vec<WaterfallStep> {
    let v = &prep.view;
    let merged = !v.merge_groups.is_empty();
    let mut steps = vec![WaterfallStep {
        label: "Vendor view".into(),
        cost: plan.vendor.shortfall_cost,
        units: plan.vendor.shortfall_units,
    }];
    let own = (v.hygiene, v.reallocate, merged);
    let mut bar = |label: String, hygiene: bool, reallocate: bool, merge: bool| {
        let (cost, units) = if (hygiene, reallocate, merge) == own {
            (plan.purchase_cost(), plan.purchase_units())
        } else {
            let variant = if hygiene == v.hygiene {
                prep.variant(estate, reallocate, merge)
            } else {
                let mut view = v.clone();
                view.hygiene = hygiene;
                prepare(estate, &view).variant(estate, reallocate, merge)
            };
            let flows = solve(&variant, estate, opts);
            if flows.status != SolveStatus::Optimal {
                return;
            }
            purchase_totals(estate, &variant, &flows)
        };
        steps.push(WaterfallStep { label, cost, units });
    };
    if v.t != v.as_of || v.buffer_bp != 0 || v.growth_bp != 0 {
        bar(format!("Per VA at {}", v.t), false, false, false);
    }
    if v.hygiene {
        bar("After hygiene".into(), true, false, false);
    }
    if v.reallocate {
        bar("After reallocation".into(), v.hygiene, true, false);
    }
    if merged {
        bar("After consolidation".into(), v.hygiene, v.reallocate, true);
    }
    let last = if plan.renewal.is_some() {
        "Recommended renewal"
    } else {
        "Recommended purchase"
    };
    steps.push(WaterfallStep {
        label: last.into(),
        cost: plan.purchase_cost(),
        units: plan.purchase_units(),
    });
    steps
}
