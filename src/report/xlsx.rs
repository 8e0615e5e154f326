//! `plan.xlsx`: the advisor's deliverable workbook: summary, moves, purchases, renewal,
//! findings and positions, one sheet each, with headers, frozen panes, number formats,
//! fitted widths and totals. Byte-identical for the same plan (fixed document date).

use chrono::Datelike;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::plan::Plan;
use crate::report::table::{Cell, Kind, Table};
use crate::report::tables::PlanTables;

/// Cell formats shared by every sheet.
struct Formats {
    header: Format,
    money: Format,
    count: Format,
    total_label: Format,
    total_money: Format,
    total_count: Format,
}

impl Formats {
    fn new() -> Self {
        let money = Format::new().set_num_format("#,##0.00");
        let count = Format::new().set_num_format("#,##0");
        let top = |f: Format| f.set_bold().set_border_top(FormatBorder::Thin);
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("#DCE6F1")
                .set_border_bottom(FormatBorder::Thin),
            total_label: top(Format::new()),
            total_money: top(money.clone()),
            total_count: top(count.clone()),
            money,
            count,
        }
    }
}

/// Rows a sheet shows at most; the CSV files hold everything.
pub(crate) const MAX_SHEET_ROWS: usize = 20_000;

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Text as a cell can hold it: over Excel's limit it is cut, with a note saying so.
fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    let n = s.chars().count();
    if n <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let note = format!(" … (truncated: {n} characters in all; the CSV file has the full text)");
    let keep: String = s
        .chars()
        .take(MAX_CELL_CHARS - note.chars().count())
        .collect();
    std::borrow::Cow::Owned(keep + &note)
}

/// The largest integer an Excel number (an IEEE double) holds exactly.
const EXACT_LIMIT: i128 = 1 << 53;

/// Writes a count or money figure (units or cents) as a number when a double holds it
/// exactly, else as text (so no printed figure is ever rounded).
fn write_figure(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    cell: &Cell,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let (value, cents) = match cell {
        Cell::Money(x) => (*x, true),
        Cell::Count(x) => (*x, false),
        other => {
            ws.write_string(r, c, cell_text(&other.plain()))?;
            return Ok(());
        }
    };
    if value.abs() > EXACT_LIMIT {
        ws.write_string(r, c, cell.plain())?;
    } else if cents {
        ws.write_number_with_format(r, c, value as f64 / 100.0, fmt)?;
    } else {
        ws.write_number_with_format(r, c, value as f64, fmt)?;
    }
    Ok(())
}

/// Writes a body cell of a column of `kind`: figures as numbers, the rest as text. A
/// price is written as text (a first-release quirk, kept for byte identity).
fn write_cell(
    ws: &mut Worksheet,
    f: &Formats,
    at: (u32, u16),
    kind: Kind,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match (kind, cell) {
        (Kind::Money, Cell::Money(_)) => write_figure(ws, at, cell, &f.money),
        (Kind::Count | Kind::Change, Cell::Count(_)) => write_figure(ws, at, cell, &f.count),
        _ => {
            ws.write_string(at.0, at.1, cell_text(&cell.plain()))?;
            Ok(())
        }
    }
}

/// Fits the column widths to the header and the shown cells (Excel's autofit needs the
/// cells in memory, which a constant-memory sheet does not keep).
fn fit_widths(ws: &mut Worksheet, table: &Table) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = table.headers().map(str::len).collect();
    for row in table.rows.iter().take(MAX_SHEET_ROWS) {
        for (c, v) in row.iter().enumerate() {
            widths[c] = widths[c].max(v.plain().chars().count() + 2);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(60) as f64 + 1.0)?;
    }
    Ok(())
}

/// Writes a table into a constant-memory sheet (rows in order): header, rows (at most
/// [`MAX_SHEET_ROWS`], then a note), totals over every row.
fn sheet(ws: &mut Worksheet, f: &Formats, table: &Table) -> Result<(), XlsxError> {
    fit_widths(ws, table)?;
    ws.set_freeze_panes(1, 0)?;
    for (c, name) in table.headers().enumerate() {
        ws.write_string_with_format(0, c as u16, name, &f.header)?;
    }
    let rows = &table.rows;
    let shown = &rows[..rows.len().min(MAX_SHEET_ROWS)];
    for (r, row) in shown.iter().enumerate() {
        for (c, (col, cell)) in table.columns.iter().zip(row).enumerate() {
            write_cell(ws, f, (r as u32 + 1, c as u16), col.kind, cell)?;
        }
    }
    let mut r = shown.len() as u32 + 1;
    if rows.len() > shown.len() {
        let more = rows.len() - shown.len();
        ws.write_string(r, 0, format!("... {more} more rows in {}", table.source))?;
        r += 1;
    }
    if table.totals && !rows.is_empty() {
        total_row(ws, f, table, r)?;
    }
    Ok(())
}

/// The total row: `Total`, then each summed column's sum, blank (but bordered) elsewhere.
fn total_row(ws: &mut Worksheet, f: &Formats, table: &Table, r: u32) -> Result<(), XlsxError> {
    ws.write_string_with_format(r, 0, "Total", &f.total_label)?;
    let total = table.total_row();
    for (c, (col, cell)) in table.columns.iter().zip(&total).enumerate().skip(1) {
        let c16 = c as u16;
        match col.kind {
            Kind::Money => write_figure(ws, (r, c16), cell, &f.total_money)?,
            Kind::Count | Kind::Change => write_figure(ws, (r, c16), cell, &f.total_count)?,
            Kind::Text | Kind::Price => {
                ws.write_string_with_format(r, c16, "", &f.total_label)?;
            }
        }
    }
    Ok(())
}

/// Renders the workbook.
pub fn workbook(plan: &Plan) -> Result<Vec<u8>, XlsxError> {
    book(plan, &PlanTables::of(plan))
}

/// Renders the workbook from the plan's tables, built once for CSV and the workbook.
pub(crate) fn book(plan: &Plan, tables: &PlanTables) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(plan)?);
    summary_sheet(wb.add_worksheet().set_name("Summary")?, &f, plan)?;
    for (name, table) in [
        ("Moves", &tables.moves),
        ("Purchases", &tables.purchases),
        ("Renewal", &tables.renewal),
        ("Findings", &tables.findings),
        ("Positions", &tables.positions),
    ] {
        sheet(
            wb.add_worksheet_with_constant_memory()?.set_name(name)?,
            &f,
            table,
        )?;
    }
    wb.save_to_buffer()
}

/// The document properties: a title, and the data's date as the creation date (Excel
/// dates run from 1900 to 9999; outside them the file carries a fixed date, so the same
/// inputs still give the same bytes).
fn properties(plan: &Plan) -> Result<DocProperties, XlsxError> {
    let d = plan.as_of;
    let when = u16::try_from(d.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok())
        .map_or_else(|| ExcelDateTime::from_ymd(1980, 1, 1), Ok)?;
    Ok(DocProperties::new()
        .set_title(format!("reallot plan: {} ({})", plan.case, plan.scenario))
        .set_creation_datetime(&when))
}

/// The summary sheet's (item, value) rows: the figures `summary.json` publishes.
fn summary_rows(plan: &Plan) -> Vec<(String, Cell)> {
    let cur = &plan.currency;
    let mut rows: Vec<(String, Cell)> = vec![
        ("Case".into(), plan.case.as_str().into()),
        ("Scenario".into(), plan.scenario.as_str().into()),
        ("Status".into(), plan.status.as_str().into()),
        ("Data as of".into(), Cell::Date(plan.as_of)),
        ("Evaluated at".into(), Cell::Date(plan.evaluated_at)),
        (
            format!("Vendor view shortfall ({cur})"),
            Cell::Money(plan.vendor.shortfall_cost),
        ),
        (
            "Vendor view shortfall (units)".into(),
            Cell::count(plan.vendor.shortfall_units),
        ),
        (
            format!("Purchase cost ({cur})"),
            Cell::Money(plan.purchase_cost()),
        ),
        ("Purchase units".into(), Cell::count(plan.purchase_units())),
        ("Licences moved".into(), Cell::count(plan.licences_moved())),
        ("Transfers".into(), Cell::count(plan.moves.len() as u64)),
        (
            "Substituted units".into(),
            Cell::count(plan.substituted_units()),
        ),
    ];
    if let Some(r) = &plan.renewal {
        rows.extend([
            ("Renewal date".into(), Cell::Date(r.date)),
            ("Expiring units".into(), Cell::count(r.expiring_units)),
            ("Recommended units".into(), Cell::count(r.recommended_units)),
            (
                format!("Like-for-like cost ({cur})"),
                Cell::Money(r.like_for_like_cost),
            ),
            (
                format!("Recommended cost ({cur})"),
                Cell::Money(r.recommended_cost),
            ),
            (
                format!("Vendor quote cost ({cur})"),
                Cell::Money(r.vendor_quote_cost),
            ),
            (format!("Savings ({cur})"), Cell::Money(r.savings)),
        ]);
    }
    rows
}

/// The summary sheet: item, value; figures as numbers, the rest as text, widths fitted.
fn summary_sheet(ws: &mut Worksheet, f: &Formats, plan: &Plan) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, "item", &f.header)?;
    ws.write_string_with_format(0, 1, "value", &f.header)?;
    for (i, (item, value)) in summary_rows(plan).iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, cell_text(item))?;
        let fmt = match value {
            Cell::Money(_) => &f.money,
            _ => &f.count,
        };
        write_figure(ws, (r, 1), value, fmt)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    Ok(())
}
