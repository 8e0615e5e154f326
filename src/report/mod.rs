//! Exporters: the plan as CSV tables and `summary.json` (README, "Outputs").

pub(crate) mod csv_file;
pub mod ea;
pub mod html;
pub mod markdown;
pub(crate) mod outline;
pub(crate) mod table;
pub(crate) mod tables;
pub mod term;
pub(crate) mod views;
pub mod xlsx;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::write::SubDir;
use crate::money::Money;
use crate::plan::Plan;

/// `vendor_view` block.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VendorJson {
    /// Units.
    pub shortfall_units: u64,
    /// Cost.
    pub shortfall_cost: Money,
}

/// `renewal` block (README, "Outputs": the renewal at the renewal date).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RenewalJson {
    /// Renewal date.
    pub date: String,
    /// Units of lots in force at as_of that expire before it.
    pub expiring_units: u64,
    /// Units recommended (the plan's purchases at the renewal date).
    pub recommended_units: u64,
    /// Cost of renewing the expiring lots like for like.
    pub like_for_like_cost: Money,
    /// The per-VA shortfall a like-for-like renewal leaves, in the vendor's reading.
    pub like_for_like_shortfall_units: u64,
    /// Units of the vendor quote: like for like plus that shortfall.
    pub vendor_quote_units: u64,
    /// Cost of the vendor quote.
    pub vendor_quote_cost: Money,
    /// Cost of the recommendation.
    pub recommended_cost: Money,
    /// vendor_quote_cost − recommended_cost.
    pub savings: Money,
    /// Why the savings are negative, in words; null when they are not.
    pub savings_note: Option<String>,
}

/// `term` block (SPEC §4.2), only in a term plan's summary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TermJson {
    /// Term in months.
    pub months: u32,
    /// Units committed at the start.
    pub commit_units: u64,
    /// Cost of the commitment.
    pub commit_cost: Money,
    /// Units added at later milestones.
    pub add_units: u64,
    /// Cost of the add-ons.
    pub add_cost: Money,
    /// Total term cost.
    pub total_cost: Money,
    /// The vendor's reading of the term.
    pub vendor_term_cost: Money,
    /// vendor_term_cost − total_cost.
    pub savings: Money,
}

/// `hygiene` block.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HygieneJson {
    /// Distinct stale instances.
    pub stale_instances: u64,
    /// Distinct retired instances.
    pub retired_instances: u64,
    /// Units released.
    pub released_units: u64,
    /// Reserved units released.
    pub released_reservations: u64,
}

/// `summary.json`, keys in the documented order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// Case name.
    pub case: String,
    /// Scenario name.
    pub scenario: String,
    /// optimal, infeasible, time_limit or error.
    pub status: String,
    /// Data export date.
    pub as_of: String,
    /// Evaluation date.
    pub evaluated_at: String,
    /// Currency.
    pub currency: String,
    /// Units to buy.
    pub purchase_units: u64,
    /// Cost to buy.
    pub purchase_cost: Money,
    /// Existing licences moved.
    pub licences_moved: u64,
    /// Rows of moves.csv.
    pub transfers: u64,
    /// Units covered by a higher tier.
    pub substituted_units: u64,
    /// The vendor's per-VA reading.
    pub vendor_view: VendorJson,
    /// Renewal sizing, when a renewal date applies.
    pub renewal: Option<RenewalJson>,
    /// Hygiene counts.
    pub hygiene: HygieneJson,
    /// Term sizing; absent from single-date plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<TermJson>,
}

impl Summary {
    /// Summary of a plan.
    pub fn of(plan: &Plan) -> Summary {
        Summary {
            case: plan.case.clone(),
            scenario: plan.scenario.clone(),
            status: plan.status.as_str().to_string(),
            as_of: plan.as_of.to_string(),
            evaluated_at: plan.evaluated_at.to_string(),
            currency: plan.currency.clone(),
            purchase_units: plan.purchase_units(),
            purchase_cost: Money(plan.purchase_cost()),
            licences_moved: plan.licences_moved(),
            // A term plan's moves.csv covers every milestone.
            transfers: plan
                .term
                .as_ref()
                .map_or(plan.tables.moves.len(), |t| t.moves.len()) as u64,
            substituted_units: plan.substituted_units(),
            vendor_view: VendorJson {
                shortfall_units: plan.vendor.shortfall_units,
                shortfall_cost: Money(plan.vendor.shortfall_cost),
            },
            renewal: plan.tables.renewal.as_ref().map(|r| RenewalJson {
                date: r.date.to_string(),
                expiring_units: r.expiring_units,
                recommended_units: r.recommended_units,
                like_for_like_cost: Money(r.like_for_like_cost),
                like_for_like_shortfall_units: r.like_for_like_shortfall_units,
                vendor_quote_units: r.vendor_quote_units,
                vendor_quote_cost: Money(r.vendor_quote_cost),
                recommended_cost: Money(r.recommended_cost),
                savings: Money(r.savings),
                savings_note: r.note.clone(),
            }),
            hygiene: HygieneJson {
                stale_instances: plan.hygiene.stale_instances,
                retired_instances: plan.hygiene.retired_instances,
                released_units: plan.hygiene.released_units,
                released_reservations: plan.hygiene.released_reservations,
            },
            term: plan.term.as_ref().map(term::json),
        }
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("summary serialises");
        s.push('\n');
        s
    }
}

/// Columns whose cells hold names or free text (never numbers): written through
/// [`crate::io::guard::guard`] so a spreadsheet never reads them as formulas (README, "Safety").
pub(crate) const TEXT_COLUMNS: &[&str] = &[
    "smart_account",
    "virtual_account",
    "license",
    "from_virtual_account",
    "to_virtual_account",
    "covers",
    "instance",
    "kind",
    "detail",
    "scenario",
];

/// Column headers of the plan tables.
pub(crate) mod headers {
    /// purchases.csv
    pub const PURCHASES: &[&str] = &[
        "smart_account",
        "virtual_account",
        "license",
        "quantity",
        "unit_price",
        "cost",
    ];
    /// moves.csv
    pub const MOVES: &[&str] = &[
        "smart_account",
        "license",
        "from_virtual_account",
        "to_virtual_account",
        "quantity",
    ];
    /// positions.csv
    pub const POSITIONS: &[&str] = &[
        "smart_account",
        "virtual_account",
        "license",
        "entitled",
        "in_use",
        "reserved",
        "demand",
        "vendor_shortfall",
        "moved_in",
        "moved_out",
        "substituted_in",
        "substituted_out",
        "purchased",
        "surplus_after",
    ];
    /// substitutions.csv
    pub const SUBSTITUTIONS: &[&str] = &[
        "smart_account",
        "virtual_account",
        "license",
        "covers",
        "quantity",
    ];
    /// findings.csv
    pub const FINDINGS: &[&str] = &[
        "kind",
        "smart_account",
        "virtual_account",
        "license",
        "instance",
        "quantity",
        "detail",
    ];
    /// renewal.csv
    pub const RENEWAL: &[&str] = &[
        "license",
        "expiring",
        "like_for_like",
        "vendor_quote",
        "recommended",
        "change",
        "unit_price",
        "like_for_like_cost",
        "vendor_quote_cost",
        "recommended_cost",
    ];
}

/// Writes every table of the plan into `out` (not yet committed): `summary.json` always;
/// the tables, the workbook, the settings and the report only for an optimal plan.
pub fn write_plan(plan: &Plan, out: &SubDir) -> Result<()> {
    out.write("summary.json", Summary::of(plan).to_json().as_bytes())?;
    if plan.status != crate::model::SolveStatus::Optimal {
        // Only an optimum is published as a plan.
        return Ok(());
    }
    let tables = tables::PlanTables::of(plan);
    // Three independent parts, built side by side: the CSV files and `transfers.json`
    // (the longest on a large estate), and beside them the workbook and the report with
    // its charts.
    let (written, (book, report)) = rayon::join(
        || write_tables(plan, &tables, out),
        || rayon::join(|| xlsx::book(plan, &tables), || write_report(plan, out)),
    );
    written?;
    report?;
    let book = book.map_err(|e| Error::Render {
        file: "plan.xlsx".into(),
        message: e.to_string(),
    })?;
    out.write("plan.xlsx", &book)?;
    if let Some(s) = &plan.settings {
        out.write("scenario.toml", s.to_toml().as_bytes())?;
    }
    Ok(())
}

/// The report and its charts: report.html, report.md and plots/*.svg|png. The charts
/// are rendered once, for both the files and the page.
fn write_report(plan: &Plan, out: &SubDir) -> Result<()> {
    let charts = crate::plot::Charts::of(plan);
    let named = charts.named();
    let pngs: Vec<Result<Vec<u8>>> = {
        use rayon::prelude::*;
        named
            .par_iter()
            .map(|(name, svg)| {
                crate::plot::to_png(svg).map_err(|message| Error::Render {
                    file: format!("plots/{name}.png"),
                    message,
                })
            })
            .collect()
    };
    for ((name, svg), png) in named.iter().zip(pngs) {
        out.write(
            &format!("plots/{name}.svg"),
            crate::plot::xml_safe(svg).as_bytes(),
        )?;
        out.write(&format!("plots/{name}.png"), &png?)?;
    }
    // One outline (every view built once) for both formats.
    let sections = outline::outline(plan);
    out.write(
        "report.html",
        html::page(plan, &charts, &sections).as_bytes(),
    )?;
    out.write("report.md", markdown::document(plan, &sections).as_bytes())?;
    Ok(())
}

/// The CSV tables and `transfers.json`.
fn write_tables(plan: &Plan, t: &tables::PlanTables, out: &SubDir) -> Result<()> {
    let (rows, term) = (&plan.tables, plan.term.as_ref());
    write_plan_rows(
        out,
        &t.purchases,
        &rows.purchases,
        term.map(|tp| &tp.purchases[..]),
        tables::purchase_row,
    )?;
    write_plan_rows(
        out,
        &t.moves,
        &rows.moves,
        term.map(|tp| &tp.moves[..]),
        tables::move_row,
    )?;
    let subs = tables::substitutions(plan);
    write_shown(out, &subs, &rows.substitutions, tables::substitution_row)?;
    write_plan_rows(
        out,
        &t.positions,
        &rows.positions,
        term.map(|tp| &tp.positions[..]),
        tables::position_row,
    )?;
    write_shown(out, &t.findings, &rows.findings, tables::finding_row)?;
    out.write_with("transfers.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &plan.tables.transfers)?;
        w.write_all(b"\n")
    })?;
    if plan.tables.renewal.is_some() {
        out.write_with(t.renewal.source, |w| Ok(csv_file::write(&t.renewal, w)?))?;
    }
    if let Some(term) = &plan.term {
        out.write("schedule.csv", &term::schedule_csv(term))?;
    }
    Ok(())
}

/// Writes the CSV file of a plan table (see [`tables`]) from its rows when it holds every
/// row of the file, else from a single-date plan's `items` or a term plan's `dated` ones
/// (every milestone's, each row after its date), as the table was built.
fn write_plan_rows<T>(
    out: &SubDir,
    table: &table::Table,
    items: &[T],
    dated: Option<&[(chrono::NaiveDate, T)]>,
    row: fn(&T) -> Vec<table::Cell>,
) -> Result<()> {
    match dated {
        None => write_shown(out, table, items, row),
        Some(items) => write_shown(out, table, items, tables::dated_row(row)),
    }
}

/// Writes the CSV file of `table` (see [`tables`]): its rows when it holds every row of
/// the file, else a `row` of each of the plan's `items`, made one at a time.
fn write_shown<T>(
    out: &SubDir,
    table: &table::Table,
    items: &[T],
    row: impl Fn(&T) -> Vec<table::Cell>,
) -> Result<()> {
    if table.omitted == 0 {
        return out.write_with(table.source, |w| Ok(csv_file::write(table, w)?));
    }
    let rows = items.iter().map(row);
    out.write_with(table.source, |w| Ok(csv_file::write_rows(table, rows, w)?))
}

/// Table rows as the text their CSV file holds. Kept for `verify`, which reads findings
/// back as text; everything else renders [`tables`] directly.
pub(crate) mod rows {
    use crate::plan::Finding;

    /// A `findings.csv` row, as text (before formula guarding).
    pub fn finding(f: &Finding) -> Vec<String> {
        super::tables::finding_row(f)
            .iter()
            .map(super::table::Cell::plain)
            .collect()
    }
}

/// Reads `summary.json` back.
pub fn read_summary(path: &std::path::Path) -> Result<Summary> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}
