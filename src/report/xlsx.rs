//! `plan.xlsx`: the advisor's deliverable workbook: summary, moves, purchases, renewal,
//! findings and positions, one sheet each, with headers, frozen panes, number formats,
//! fitted widths and totals. Byte-identical for the same plan (fixed document date).

use chrono::Datelike;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::plan::Plan;
use crate::report::{rows, Summary};

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

/// A column: header and how its cells are written.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Count,
    Money,
}

/// Rows a sheet shows at most; the CSV files hold everything.
pub const MAX_SHEET_ROWS: usize = 20_000;

/// Writes a table into a constant-memory sheet (rows in order): header, rows (at most
/// [`MAX_SHEET_ROWS`], then a note), totals. Widths are fitted from the text, since
/// Excel's autofit needs the cells in memory.
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

/// A count or money cell's exact value, in units or cents, from its CSV text.
fn exact(kind: Kind, v: &str) -> Option<i128> {
    match kind {
        Kind::Money => super::parse_money(v),
        Kind::Count => v.parse::<i128>().ok(),
        Kind::Text => None,
    }
}

/// Writes a count or money figure as a number when a double holds it exactly, else as
/// text (so no printed figure is ever rounded).
fn write_figure(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    kind: Kind,
    value: i128,
    fmt: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    if value.abs() > EXACT_LIMIT {
        let text = match kind {
            Kind::Money => super::money(value),
            _ => value.to_string(),
        };
        ws.write_string(r, c, text)?;
    } else if matches!(kind, Kind::Money) {
        ws.write_number_with_format(r, c, value as f64 / 100.0, fmt)?;
    } else {
        ws.write_number_with_format(r, c, value as f64, fmt)?;
    }
    Ok(())
}

fn table(
    ws: &mut Worksheet,
    f: &Formats,
    cols: &[(&str, Kind)],
    rows: &[Vec<String>],
    totals: bool,
    csv: &str,
) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = cols.iter().map(|(n, _)| n.len()).collect();
    for row in rows.iter().take(MAX_SHEET_ROWS) {
        for (c, v) in row.iter().enumerate() {
            widths[c] = widths[c].max(v.chars().count() + 2);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(60) as f64 + 1.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, (name, _)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, &f.header)?;
    }
    let shown = &rows[..rows.len().min(MAX_SHEET_ROWS)];
    let mut sums = vec![0i128; cols.len()];
    for row in rows {
        for (c, (_, kind)) in cols.iter().enumerate() {
            sums[c] += exact(*kind, &row[c]).unwrap_or(0);
        }
    }
    for (r, row) in shown.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (_, kind)) in cols.iter().enumerate() {
            let v = &row[c];
            let c16 = c as u16;
            match kind {
                Kind::Text => {
                    ws.write_string(r, c16, cell_text(v))?;
                }
                Kind::Count | Kind::Money => {
                    let fmt = if matches!(kind, Kind::Money) {
                        &f.money
                    } else {
                        &f.count
                    };
                    match exact(*kind, v) {
                        Some(x) => write_figure(ws, (r, c16), *kind, x, fmt)?,
                        None => {
                            ws.write_string(r, c16, cell_text(v))?;
                        }
                    }
                }
            }
        }
    }
    let mut r = shown.len() as u32 + 1;
    if rows.len() > shown.len() {
        ws.write_string(
            r,
            0,
            format!("... {} more rows in {csv}", rows.len() - shown.len()),
        )?;
        r += 1;
    }
    if totals && !rows.is_empty() {
        ws.write_string_with_format(r, 0, "Total", &f.total_label)?;
        for (c, (_, kind)) in cols.iter().enumerate().skip(1) {
            let c16 = c as u16;
            match kind {
                Kind::Money => write_figure(ws, (r, c16), *kind, sums[c], &f.total_money)?,
                Kind::Count => write_figure(ws, (r, c16), *kind, sums[c], &f.total_count)?,
                Kind::Text => {
                    ws.write_string_with_format(r, c16, "", &f.total_label)?;
                }
            };
        }
    }
    Ok(())
}

/// Renders the workbook.
pub fn workbook(plan: &Plan) -> Result<Vec<u8>, XlsxError> {
    use Kind::*;
    let f = Formats::new();
    let mut wb = Workbook::new();
    let d = plan.as_of;
    // Excel dates run from 1900 to 9999; outside them the file carries a fixed date, so
    // the same inputs still give the same bytes.
    let when = u16::try_from(d.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok())
        .map_or_else(|| ExcelDateTime::from_ymd(1980, 1, 1), Ok)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("reallot plan: {} ({})", plan.case, plan.scenario))
            .set_creation_datetime(&when),
    );

    // Summary: key, value.
    let s = Summary::of(plan);
    let ws = wb.add_worksheet().set_name("Summary")?;
    ws.write_string_with_format(0, 0, "item", &f.header)?;
    ws.write_string_with_format(0, 1, "value", &f.header)?;
    let cur = &plan.currency;
    let mut rows: Vec<(String, Option<i128>, String, bool)> = vec![
        ("Case".into(), None, s.case.clone(), false),
        ("Scenario".into(), None, s.scenario.clone(), false),
        ("Status".into(), None, s.status.clone(), false),
        ("Data as of".into(), None, s.as_of.clone(), false),
        ("Evaluated at".into(), None, s.evaluated_at.clone(), false),
        (
            format!("Vendor view shortfall ({cur})"),
            Some(s.vendor_view.shortfall_cost.0),
            String::new(),
            true,
        ),
        (
            "Vendor view shortfall (units)".into(),
            Some(i128::from(s.vendor_view.shortfall_units)),
            String::new(),
            false,
        ),
        (
            format!("Purchase cost ({cur})"),
            Some(s.purchase_cost.0),
            String::new(),
            true,
        ),
        (
            "Purchase units".into(),
            Some(i128::from(s.purchase_units)),
            String::new(),
            false,
        ),
        (
            "Licences moved".into(),
            Some(i128::from(s.licences_moved)),
            String::new(),
            false,
        ),
        (
            "Transfers".into(),
            Some(i128::from(s.transfers)),
            String::new(),
            false,
        ),
        (
            "Substituted units".into(),
            Some(i128::from(s.substituted_units)),
            String::new(),
            false,
        ),
    ];
    if let Some(r) = &s.renewal {
        rows.push(("Renewal date".into(), None, r.date.clone(), false));
        rows.push((
            "Expiring units".into(),
            Some(i128::from(r.expiring_units)),
            String::new(),
            false,
        ));
        rows.push((
            "Recommended units".into(),
            Some(i128::from(r.recommended_units)),
            String::new(),
            false,
        ));
        rows.push((
            format!("Like-for-like cost ({cur})"),
            Some(r.like_for_like_cost.0),
            String::new(),
            true,
        ));
        rows.push((
            format!("Recommended cost ({cur})"),
            Some(r.recommended_cost.0),
            String::new(),
            true,
        ));
        rows.push((
            format!("Savings ({cur})"),
            Some(r.savings.0),
            String::new(),
            true,
        ));
    }
    for (i, (k, num, text, is_money)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, cell_text(k))?;
        match num {
            Some(x) => {
                let (kind, fmt) = if *is_money {
                    (Money, &f.money)
                } else {
                    (Count, &f.count)
                };
                write_figure(ws, (r, 1), kind, *x, fmt)?;
            }
            None => {
                ws.write_string(r, 1, cell_text(text))?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();

    let ws = wb.add_worksheet_with_constant_memory()?.set_name("Moves")?;
    let rows: Vec<Vec<String>> = plan.moves.iter().map(rows::moved).collect();
    table(
        ws,
        &f,
        &[
            ("smart_account", Text),
            ("license", Text),
            ("from_virtual_account", Text),
            ("to_virtual_account", Text),
            ("quantity", Count),
        ],
        &rows,
        true,
        "moves.csv",
    )?;

    let ws = wb
        .add_worksheet_with_constant_memory()?
        .set_name("Purchases")?;
    let rows: Vec<Vec<String>> = plan.purchases.iter().map(rows::purchase).collect();
    table(
        ws,
        &f,
        &[
            ("smart_account", Text),
            ("virtual_account", Text),
            ("license", Text),
            ("quantity", Count),
            ("unit_price", Text),
            ("cost", Money),
        ],
        &rows,
        true,
        "purchases.csv",
    )?;

    let ws = wb
        .add_worksheet_with_constant_memory()?
        .set_name("Renewal")?;
    let rows: Vec<Vec<String>> = plan.renewal_rows.iter().map(rows::renewal).collect();
    table(
        ws,
        &f,
        &[
            ("license", Text),
            ("expiring", Count),
            ("recommended", Count),
            ("change", Count),
            ("unit_price", Text),
            ("like_for_like_cost", Money),
            ("recommended_cost", Money),
        ],
        &rows,
        true,
        "renewal.csv",
    )?;

    let ws = wb
        .add_worksheet_with_constant_memory()?
        .set_name("Findings")?;
    let rows: Vec<Vec<String>> = plan.findings.iter().map(rows::finding).collect();
    table(
        ws,
        &f,
        &[
            ("kind", Text),
            ("smart_account", Text),
            ("virtual_account", Text),
            ("license", Text),
            ("instance", Text),
            ("quantity", Count),
            ("detail", Text),
        ],
        &rows,
        false,
        "findings.csv",
    )?;

    let ws = wb
        .add_worksheet_with_constant_memory()?
        .set_name("Positions")?;
    let rows: Vec<Vec<String>> = plan.positions.iter().map(rows::position).collect();
    let mut cols: Vec<(&str, Kind)> = vec![
        ("smart_account", Text),
        ("virtual_account", Text),
        ("license", Text),
    ];
    for h in &crate::report::headers::POSITIONS[3..] {
        cols.push((h, Count));
    }
    table(ws, &f, &cols, &rows, true, "positions.csv")?;
    wb.save_to_buffer()
}
