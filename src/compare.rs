//! `reallot compare`: several scenarios on one case, one plan folder each, side by side.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::estate::Estate;
use crate::io::write::OutDir;
use crate::model::{SolveOptions, SolveStatus};
use crate::money::grouped;
use crate::money::money;
use crate::plan::Plan;
use crate::report::write_plan;
use crate::scenario::Scenario;

/// Every `*.toml` file of a folder, in name order.
pub(crate) fn models_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::Usage(format!(
            "{}: cannot list scenario files ({e})",
            dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "no scenarios to compare: {} holds no scenario (*.toml) files; add some, or name them with --model FILE or --models DIR",
            dir.display()
        )));
    }
    Ok(files)
}

/// The scenario a comparison's change columns are against.
pub(crate) const BASELINE_SCENARIO: &str = "vendor-view";

/// Why a scenario is the baseline (said in the printed table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaselineRule {
    /// The first `--model` given.
    FirstModel,
    /// The scenario named [`BASELINE_SCENARIO`] of a folder.
    VendorView,
    /// The first scenario file by name of the first folder.
    FirstByName,
}

impl BaselineRule {
    /// The rule in words.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BaselineRule::FirstModel => "the first --model given",
            BaselineRule::VendorView => "the vendor-view scenario",
            BaselineRule::FirstByName => "the first scenario file by name",
        }
    }
}

/// The scenarios to compare, in run order, and which of them is the baseline.
#[derive(Debug, Clone)]
pub(crate) struct Lineup {
    /// The scenarios, in run order: `--model` files, then those of each folder by name.
    pub(crate) scenarios: Vec<Scenario>,
    /// The index of the baseline in `scenarios`.
    pub(crate) baseline: usize,
    /// Why it is the baseline.
    pub(crate) rule: BaselineRule,
}

/// The scenarios to compare: `--model` files, then those of `--models` folders; with
/// neither, the case's own `models/` folder. The baseline is the first `--model`; with
/// folders only, the scenario named `vendor-view` when there is one, else the first by
/// name.
pub(crate) fn collect_scenarios(
    case: &Path,
    models: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<Lineup> {
    let mut named = Vec::new();
    for m in models {
        named.push(Scenario::from_arg(m, case)?);
    }
    let mut paths = Vec::new();
    for d in dirs {
        paths.extend(models_in(d)?);
    }
    if paths.is_empty() && named.is_empty() {
        let local = case.join("models");
        if !local.is_dir() {
            return Err(Error::Usage(format!(
                "no scenarios to compare: none named with --model or --models, and {} is not a folder; name them with --model FILE (repeatable) or --models DIR",
                local.display()
            )));
        }
        paths = models_in(&local)?;
    }
    let mut scenarios: Vec<Scenario> = named;
    for p in &paths {
        scenarios.push(Scenario::load(p)?);
    }
    check_names(&scenarios)?;
    let vendor = scenarios.iter().position(|s| s.name == BASELINE_SCENARIO);
    let (baseline, rule) = match (models.is_empty(), vendor) {
        (false, _) => (0, BaselineRule::FirstModel),
        (true, Some(i)) => (i, BaselineRule::VendorView),
        (true, None) => (0, BaselineRule::FirstByName),
    };
    Ok(Lineup {
        scenarios,
        baseline,
        rule,
    })
}

/// Refuses scenario names compare cannot write: reserved file names and repeats.
fn check_names(scenarios: &[Scenario]) -> Result<()> {
    for (i, s) in scenarios.iter().enumerate() {
        if RESERVED_NAMES
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&s.name))
        {
            return Err(Error::Usage(format!(
                "a scenario is named {:?}, which compare writes as a file of its own: give it another `name`",
                s.name
            )));
        }
        if scenarios[..i].iter().any(|t| t.name == s.name) {
            return Err(Error::Usage(format!(
                "two scenarios are named {:?}: give each a distinct `name` (it names its output folder)",
                s.name
            )));
        }
    }
    Ok(())
}

/// Files compare writes beside the scenario folders: no scenario may be named so.
const RESERVED_NAMES: &[&str] = &["scenarios.csv", "scenarios.svg", "scenarios.png"];

/// Columns of `scenarios.csv`.
pub(crate) const SCENARIOS_HEADER: &[&str] = &[
    "scenario",
    "status",
    "evaluated_at",
    "purchase_units",
    "purchase_cost",
    "licences_moved",
    "transfers",
    "substituted_units",
    "vendor_shortfall_units",
    "vendor_shortfall_cost",
    "renewal_expiring_units",
    "renewal_recommended_units",
    "renewal_savings",
    "stale_instances",
    "retired_instances",
    "released_units",
    "change_purchase_units",
    "change_purchase_cost",
    "change_licences_moved",
    "term_months",
    "term_commit_units",
    "term_commit_cost",
    "term_add_units",
    "term_add_cost",
    "term_cost",
    "vendor_term_cost",
    "term_savings",
    "baseline",
];

/// `scenarios.csv`: one row per plan, with the change against the baseline (the plan at
/// index `baseline`, whose `baseline` cell is `true`).
pub(crate) fn scenarios_csv(plans: &[Plan], baseline: usize) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(SCENARIOS_HEADER).expect("in-memory write");
    let base = plans.get(baseline);
    for (i, p) in plans.iter().enumerate() {
        let (bu, bc, bm) = base.map_or((0, 0, 0), |b| {
            (
                i128::from(b.purchase_units()),
                b.purchase_cost(),
                i128::from(b.licences_moved()),
            )
        });
        let r = p.tables.renewal.as_ref();
        w.write_record(
            [
                crate::io::guard::guard(&p.scenario).into_owned(),
                p.status.as_str().to_string(),
                p.evaluated_at.to_string(),
                p.purchase_units().to_string(),
                money(p.purchase_cost()),
                p.licences_moved().to_string(),
                p.tables.moves.len().to_string(),
                p.substituted_units().to_string(),
                p.vendor.shortfall_units.to_string(),
                money(p.vendor.shortfall_cost),
                r.map_or(String::new(), |r| r.expiring_units.to_string()),
                r.map_or(String::new(), |r| r.recommended_units.to_string()),
                r.map_or(String::new(), |r| money(r.savings)),
                p.hygiene.stale_instances.to_string(),
                p.hygiene.retired_instances.to_string(),
                p.hygiene.released_units.to_string(),
                (i128::from(p.purchase_units()) - bu).to_string(),
                money(p.purchase_cost() - bc),
                (i128::from(p.licences_moved()) - bm).to_string(),
            ]
            .into_iter()
            .chain(term_cells(p))
            .chain([(i == baseline).to_string()]),
        )
        .expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

/// A plan's term columns of `scenarios.csv` (term_months … term_savings), as its
/// `summary.json` term block has them; empty for a single-date scenario.
fn term_cells(p: &Plan) -> [String; 8] {
    match &p.term {
        None => Default::default(),
        Some(t) => [
            t.months.to_string(),
            t.commit_units.to_string(),
            money(t.commit_cost),
            t.add_units.to_string(),
            money(t.add_cost),
            money(t.total_cost),
            money(t.vendor_term_cost),
            money(t.savings),
        ],
    }
}

/// Runs every scenario (in parallel; results do not depend on it) and writes
/// `OUT/<scenario>/…` plus `OUT/scenarios.csv` and the scenarios chart, atomically.
/// Returns the plans in order.
pub(crate) fn compare(
    estate: &Estate,
    lineup: &Lineup,
    as_of: Option<NaiveDate>,
    (out, inputs): (&Path, &[&Path]),
    opts: &SolveOptions,
) -> Result<Vec<Plan>> {
    let plans: Vec<Plan> = lineup
        .scenarios
        .par_iter()
        .map(|s| crate::pipeline::plan_case(estate, s, as_of, opts))
        .collect::<Result<_>>()?;
    let dir = OutDir::new(out, inputs)?;
    for p in &plans {
        write_plan(p, &dir.sub(&p.scenario))?;
    }
    dir.root()
        .write("scenarios.csv", &scenarios_csv(&plans, lineup.baseline))?;
    let bars: Vec<crate::plot::ScenarioBar> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| crate::plot::ScenarioBar {
            name: p.scenario.clone(),
            cost: p.purchase_cost(),
            units: p.purchase_units(),
            moved: p.licences_moved(),
            baseline: i == lineup.baseline,
            term: p.term.as_ref().map(|t| crate::plot::term::TermBar {
                months: t.months,
                vendor_cost: t.vendor_term_cost,
                savings: t.savings,
            }),
        })
        .collect();
    let currency = plans.first().map_or("USD", |p| p.currency.as_str());
    let svg = crate::plot::scenarios_svg(&bars, currency);
    let png = crate::plot::to_png(&svg).map_err(|message| Error::Render {
        file: "scenarios.png".into(),
        message,
    })?;
    dir.root()
        .write("scenarios.svg", crate::plot::xml_safe(&svg).as_bytes())?;
    dir.root().write("scenarios.png", &png)?;
    dir.commit()?;
    Ok(plans)
}

/// Prints the comparison table, changes against the baseline, and says which scenario
/// that is and why.
pub(crate) fn print_table(
    plans: &[Plan],
    lineup: &Lineup,
    out: &Path,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let cur = plans.first().map_or("USD", |p| p.currency.as_str());
    writeln!(
        w,
        "{:<20} {:>10} {:>8} {:>16} {:>8} {:>16}",
        "scenario",
        "status",
        "units",
        format!("cost ({cur})"),
        "moved",
        "change cost"
    )?;
    let base = plans.get(lineup.baseline).map_or(0, Plan::purchase_cost);
    for p in plans {
        writeln!(
            w,
            "{:<20} {:>10} {:>8} {:>16} {:>8} {:>16}",
            p.scenario,
            p.status.as_str(),
            p.purchase_units(),
            grouped(p.purchase_cost()),
            p.licences_moved(),
            grouped(p.purchase_cost() - base)
        )?;
    }
    print_terms(plans, cur, w)?;
    if let Some(b) = plans.get(lineup.baseline) {
        writeln!(
            w,
            "changes are against {} ({}, the baseline)",
            b.scenario,
            lineup.rule.as_str()
        )?;
    }
    writeln!(
        w,
        "written to {} (scenarios.csv and one folder per scenario)",
        out.display()
    )
}

/// For each term scenario, a line: its term, commitment, add-ons, the vendor's reading
/// of the term and the saving (nothing when no scenario sizes a term).
fn print_terms(plans: &[Plan], cur: &str, w: &mut dyn Write) -> std::io::Result<()> {
    for p in plans {
        let Some(t) = &p.term else { continue };
        writeln!(
            w,
            "{}: {}-month term, commit {} units ({cur} {}), add {} units ({cur} {}); vendor's reading {cur} {}, saving {cur} {}",
            p.scenario,
            t.months,
            t.commit_units,
            grouped(t.commit_cost),
            t.add_units,
            grouped(t.add_cost),
            grouped(t.vendor_term_cost),
            grouped(t.savings)
        )?;
    }
    Ok(())
}

/// Whether every plan reached its optimum.
pub(crate) fn all_optimal(plans: &[Plan]) -> bool {
    plans.iter().all(|p| p.status == SolveStatus::Optimal)
}
