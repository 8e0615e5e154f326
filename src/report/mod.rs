//! Exporters: the plan as CSV tables and `summary.json` (SPEC §5).

pub mod html;
pub mod markdown;
pub mod xlsx;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::write::SubDir;
use crate::plan::Plan;

/// Money formatting lives in the leaf module [`crate::money`]; these re-exports keep the
/// old paths (`report::money`, `report::Money`, `report::parse_money`) working.
pub use crate::money::{money, parse_money, Money};

/// `vendor_view` block.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VendorJson {
    /// Units.
    pub shortfall_units: u64,
    /// Cost.
    pub shortfall_cost: Money,
}

/// `renewal` block.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RenewalJson {
    /// Renewal date.
    pub date: String,
    /// Units expiring before it.
    pub expiring_units: u64,
    /// Units recommended.
    pub recommended_units: u64,
    /// Cost of renewing like for like.
    pub like_for_like_cost: Money,
    /// Cost of the recommendation.
    pub recommended_cost: Money,
    /// like_for_like_cost − recommended_cost.
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
            transfers: plan.moves.len() as u64,
            substituted_units: plan.substituted_units(),
            vendor_view: VendorJson {
                shortfall_units: plan.vendor.shortfall_units,
                shortfall_cost: Money(plan.vendor.shortfall_cost),
            },
            renewal: plan.renewal.as_ref().map(|r| RenewalJson {
                date: r.date.to_string(),
                expiring_units: r.expiring_units,
                recommended_units: r.recommended_units,
                like_for_like_cost: Money(r.like_for_like_cost),
                recommended_cost: Money(r.recommended_cost),
                savings: Money(r.like_for_like_cost - r.recommended_cost),
            }),
            hygiene: HygieneJson {
                stale_instances: plan.hygiene.stale_instances,
                retired_instances: plan.hygiene.retired_instances,
                released_units: plan.hygiene.released_units,
                released_reservations: plan.hygiene.released_reservations,
            },
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
/// [`crate::io::guard::guard`] so a spreadsheet never reads them as formulas (SPEC §5.1).
pub const TEXT_COLUMNS: &[&str] = &[
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

/// A CSV file: the header, then the rows, with every text column guarded.
pub fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let text: Vec<bool> = header.iter().map(|h| TEXT_COLUMNS.contains(h)).collect();
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(header).expect("in-memory write");
    for r in rows {
        let cells: Vec<std::borrow::Cow<str>> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if text.get(i).copied().unwrap_or(false) {
                    crate::io::guard::guard(c)
                } else {
                    std::borrow::Cow::Borrowed(c.as_str())
                }
            })
            .collect();
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

/// Column headers of the plan tables.
pub mod headers {
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
        "recommended",
        "change",
        "unit_price",
        "like_for_like_cost",
        "recommended_cost",
    ];
}

/// Writes every table of the plan into `out` (not yet committed).
pub fn write_plan(plan: &Plan, out: &SubDir) -> Result<()> {
    // The workbook is the slowest file to render: build it beside the others.
    let (book, tables) = rayon::join(|| xlsx::workbook(plan), || write_tables(plan, out));
    tables?;
    if plan.status == crate::model::SolveStatus::Optimal {
        let book = book.map_err(|e| Error::Render {
            file: "plan.xlsx".into(),
            message: e.to_string(),
        })?;
        out.write("plan.xlsx", &book)?;
        if let Some(s) = &plan.settings {
            out.write("scenario.toml", s.to_toml().as_bytes())?;
        }
        write_report(plan, out)?;
    }
    Ok(())
}

/// The report and its charts: report.html, report.md and plots/*.svg|png.
fn write_report(plan: &Plan, out: &SubDir) -> Result<()> {
    use crate::plot::{self, Measure};
    let cur = &plan.currency;
    let charts: Vec<(&str, String)> = vec![
        (
            "waterfall-money",
            plot::waterfall_svg(&plan.waterfall, Measure::Money, cur),
        ),
        (
            "waterfall-units",
            plot::waterfall_svg(&plan.waterfall, Measure::Units, cur),
        ),
        ("positions", plot::positions_svg(plan, 6)),
        ("heatmap", plot::heatmap_svg(plan, 12)),
    ];
    let pngs: Vec<Result<Vec<u8>>> = {
        use rayon::prelude::*;
        charts
            .par_iter()
            .map(|(name, svg)| {
                plot::to_png(svg).map_err(|message| Error::Render {
                    file: format!("plots/{name}.png"),
                    message,
                })
            })
            .collect()
    };
    for ((name, svg), png) in charts.iter().zip(pngs) {
        out.write(&format!("plots/{name}.svg"), plot::xml_safe(svg).as_bytes())?;
        out.write(&format!("plots/{name}.png"), &png?)?;
    }
    out.write("report.html", html::html(plan).as_bytes())?;
    out.write("report.md", markdown::markdown(plan).as_bytes())?;
    Ok(())
}

fn write_tables(plan: &Plan, out: &SubDir) -> Result<()> {
    let summary = Summary::of(plan);
    out.write("summary.json", summary.to_json().as_bytes())?;
    if plan.status != crate::model::SolveStatus::Optimal {
        // Only an optimum is published as a plan.
        return Ok(());
    }
    let table = |name: &str, header: &[&str], rows: Vec<Vec<String>>| {
        out.write(name, &csv_bytes(header, rows.into_iter()))
    };
    table(
        "purchases.csv",
        headers::PURCHASES,
        plan.purchases.iter().map(rows::purchase).collect(),
    )?;
    table(
        "moves.csv",
        headers::MOVES,
        plan.moves.iter().map(rows::moved).collect(),
    )?;
    table(
        "positions.csv",
        headers::POSITIONS,
        plan.positions.iter().map(rows::position).collect(),
    )?;
    table(
        "substitutions.csv",
        headers::SUBSTITUTIONS,
        plan.substitutions.iter().map(rows::substitution).collect(),
    )?;
    table(
        "findings.csv",
        headers::FINDINGS,
        plan.findings.iter().map(rows::finding).collect(),
    )?;
    let mut transfers = serde_json::to_string_pretty(&plan.transfers).expect("serialises");
    transfers.push('\n');
    out.write("transfers.json", transfers.as_bytes())?;
    if plan.renewal.is_some() {
        table(
            "renewal.csv",
            headers::RENEWAL,
            plan.renewal_rows.iter().map(rows::renewal).collect(),
        )?;
    }
    Ok(())
}

/// Each table row as the text its CSV file holds (the workbook and reports reuse them).
pub mod rows {
    use super::money;
    use crate::plan::{Finding, Move, Position, Purchase, RenewalRow, Substitution};

    /// A `purchases.csv` row.
    pub fn purchase(p: &Purchase) -> Vec<String> {
        vec![
            p.smart_account.clone(),
            p.virtual_account.clone(),
            p.license.clone(),
            p.quantity.to_string(),
            money(p.unit_price),
            money(p.cost),
        ]
    }

    /// A `moves.csv` row.
    pub fn moved(m: &Move) -> Vec<String> {
        vec![
            m.smart_account.clone(),
            m.license.clone(),
            m.from.clone(),
            m.to.clone(),
            m.quantity.to_string(),
        ]
    }

    /// A `positions.csv` row.
    pub fn position(p: &Position) -> Vec<String> {
        let mut r = vec![
            p.smart_account.clone(),
            p.virtual_account.clone(),
            p.license.clone(),
        ];
        r.extend(
            [
                p.entitled,
                p.in_use,
                p.reserved,
                p.demand,
                p.vendor_shortfall,
                p.moved_in,
                p.moved_out,
                p.substituted_in,
                p.substituted_out,
                p.purchased,
                p.surplus_after,
            ]
            .iter()
            .map(u64::to_string),
        );
        r
    }

    /// A `substitutions.csv` row.
    pub fn substitution(s: &Substitution) -> Vec<String> {
        vec![
            s.smart_account.clone(),
            s.virtual_account.clone(),
            s.license.clone(),
            s.covers.clone(),
            s.quantity.to_string(),
        ]
    }

    /// A `findings.csv` row.
    pub fn finding(f: &Finding) -> Vec<String> {
        vec![
            f.kind.to_string(),
            f.smart_account.clone(),
            f.virtual_account.clone(),
            f.license.clone(),
            f.instance.clone(),
            f.quantity.to_string(),
            f.detail.clone(),
        ]
    }

    /// A `renewal.csv` row.
    pub fn renewal(r: &RenewalRow) -> Vec<String> {
        vec![
            r.license.clone(),
            r.expiring.to_string(),
            r.recommended.to_string(),
            r.change().to_string(),
            money(r.unit_price),
            money(i128::from(r.expiring) * r.unit_price),
            money(i128::from(r.recommended) * r.unit_price),
        ]
    }
}

/// Reads `summary.json` back (used by `verify` and tests).
pub fn read_summary(path: &std::path::Path) -> Result<Summary> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}
