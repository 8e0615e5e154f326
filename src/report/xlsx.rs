//! `plan.xlsx`: the advisor's deliverable workbook: summary (then, for a term plan, the
//! term), moves, purchases, renewal, findings and positions, one sheet each, with headers, frozen panes, number formats,
//! fitted widths and totals. Every figure is a number (money in the case's currency with
//! two decimals), every date a date, text is text (never a formula). Byte-identical for
//! the same plan (fixed document date).

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::names::VaNames;
use crate::plan::Plan;
use crate::report::table::{Cell, Kind, Table, MAX_SHEET_ROWS};
use crate::report::tables::PlanTables;

/// Cell formats shared by every sheet.
struct Formats {
    header: Format,
    money: Format,
    count: Format,
    date: Format,
    total_label: Format,
    total_money: Format,
    total_count: Format,
}

impl Formats {
    /// The formats of a plan in `currency` (three capital letters, checked when the case
    /// is read): money shows it (`USD 1,234.50`).
    fn new(currency: &str) -> Self {
        let money = Format::new().set_num_format(format!("[${currency}] #,##0.00"));
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
            date: Format::new().set_num_format("yyyy-mm-dd"),
            money,
            count,
        }
    }

    /// Every format (the ones [`FirstUse`] looks a cell's format up in).
    fn all(&self) -> [&Format; 7] {
        [
            &self.header,
            &self.money,
            &self.count,
            &self.date,
            &self.total_label,
            &self.total_money,
            &self.total_count,
        ]
    }
}

/// Where a sheet's cells go: a worksheet, or a [`FirstUse`] that only notes which
/// formats the cells use. Every sheet is written through this one path, so both see
/// the same cells with the same formats.
trait Sink {
    /// A number with a format.
    fn number(&mut self, at: (u32, u16), value: f64, fmt: &Format) -> Result<(), XlsxError>;
    /// A date with a format.
    fn date(&mut self, at: (u32, u16), d: &ExcelDateTime, fmt: &Format) -> Result<(), XlsxError>;
    /// Text with a format, or without one (`None`).
    fn text(&mut self, at: (u32, u16), s: &str, fmt: Option<&Format>) -> Result<(), XlsxError>;
}

impl Sink for Worksheet {
    fn number(&mut self, (r, c): (u32, u16), value: f64, fmt: &Format) -> Result<(), XlsxError> {
        self.write_number_with_format(r, c, value, fmt).map(|_| ())
    }

    fn date(
        &mut self,
        (r, c): (u32, u16),
        d: &ExcelDateTime,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        self.write_datetime_with_format(r, c, d, fmt).map(|_| ())
    }

    fn text(&mut self, (r, c): (u32, u16), s: &str, fmt: Option<&Format>) -> Result<(), XlsxError> {
        match fmt {
            Some(f) => self.write_string_with_format(r, c, s, f),
            None => self.write_string(r, c, s),
        }
        .map(|_| ())
    }
}

/// The formats of [`Formats::all`] in the order cells first use them.
///
/// A workbook numbers its cell formats (the styles of `styles.xml`) in the order cells
/// first use them. The data sheets are filled in parallel, so their formats are
/// registered first, in the order writing the sheets one by one would meet them: the
/// bytes are those of a serial fill.
struct FirstUse<'f> {
    formats: [&'f Format; 7],
    order: Vec<&'f Format>,
}

impl<'f> FirstUse<'f> {
    fn new(f: &'f Formats) -> Self {
        FirstUse {
            formats: f.all(),
            order: Vec::new(),
        }
    }

    /// Notes `fmt` (one of the formats, by identity) unless it was met before.
    fn note(&mut self, fmt: &Format) {
        let known = self.formats.iter().find(|&&x| std::ptr::eq(x, fmt));
        if let Some(&x) = known {
            if !self.order.iter().any(|&y| std::ptr::eq(x, y)) {
                self.order.push(x);
            }
        }
    }
}

impl Sink for FirstUse<'_> {
    fn number(&mut self, _: (u32, u16), _: f64, fmt: &Format) -> Result<(), XlsxError> {
        self.note(fmt);
        Ok(())
    }

    fn date(&mut self, _: (u32, u16), _: &ExcelDateTime, fmt: &Format) -> Result<(), XlsxError> {
        self.note(fmt);
        Ok(())
    }

    fn text(&mut self, _: (u32, u16), _: &str, fmt: Option<&Format>) -> Result<(), XlsxError> {
        if let Some(f) = fmt {
            self.note(f);
        }
        Ok(())
    }
}

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

/// The largest figure (units or cents) a workbook shows exactly: Excel shows at most 15
/// significant digits of a number, so larger figures are written as text instead.
const EXACT_LIMIT: i128 = 999_999_999_999_999;

/// Writes a count or money figure (units or cents) as a number when Excel shows it
/// exactly, else as text (so no printed figure is ever rounded).
fn write_figure(
    ws: &mut impl Sink,
    at: (u32, u16),
    cell: &Cell,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let (value, cents) = match cell {
        Cell::Money(x) => (*x, true),
        Cell::Count(x) => (*x, false),
        other => return ws.text(at, &cell_text(&other.plain()), None),
    };
    if value.abs() > EXACT_LIMIT {
        ws.text(at, &cell.plain(), None)
    } else if cents {
        ws.number(at, value as f64 / 100.0, fmt)
    } else {
        ws.number(at, value as f64, fmt)
    }
}

/// The date as Excel holds it, when Excel can (years 1900 to 9999).
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let y = u16::try_from(d.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok()
}

/// Writes a date as a real Excel date in `yyyy-mm-dd` format (as text outside Excel's
/// years, so it is still shown exactly).
fn write_date(
    ws: &mut impl Sink,
    at: (u32, u16),
    d: NaiveDate,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match excel_date(d) {
        Some(x) => ws.date(at, &x, fmt),
        None => ws.text(at, &d.to_string(), None),
    }
}

/// Writes a body cell of a column of `kind`: figures (counts, money, prices) as numbers,
/// dates as dates, the rest as text (never a formula).
fn write_cell(
    ws: &mut impl Sink,
    f: &Formats,
    at: (u32, u16),
    kind: Kind,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match (kind, cell) {
        (_, Cell::Money(_)) => write_figure(ws, at, cell, &f.money),
        (Kind::Count | Kind::Change, Cell::Count(_)) => write_figure(ws, at, cell, &f.count),
        (_, Cell::Date(d)) => write_date(ws, at, *d, &f.date),
        _ => ws.text(at, &cell_text(&cell.plain()), None),
    }
}

/// The characters a cell shows (to fit the column widths): money with its currency and
/// separators, counts with separators, dates as `yyyy-mm-dd`.
fn shown_width(cell: &Cell) -> usize {
    match cell {
        Cell::Money(c) => crate::money::grouped(*c).len() + 4,
        Cell::Count(n) => {
            let digits = n.unsigned_abs().to_string().len();
            digits + (digits - 1) / 3 + usize::from(*n < 0)
        }
        other => other.plain().chars().count(),
    }
}

/// The VA columns of the plan's sheets, each named with the Smart Account column of its
/// row when the case has several (see [`VaNames`]).
const VA_COLUMNS: &[&str] = &[
    "virtual_account",
    "from_virtual_account",
    "to_virtual_account",
];

/// `table` as the workbook shows it: in a case with several Smart Accounts, each VA cell
/// reads `SA / VA` (the CSV files keep the bare name beside their `smart_account`).
fn named<'t>(table: &'t Table, names: &VaNames) -> std::borrow::Cow<'t, Table> {
    let sa = table.headers().position(|h| h == "smart_account");
    let (Some(sa), true) = (sa, names.qualified()) else {
        return std::borrow::Cow::Borrowed(table);
    };
    let vas: Vec<usize> = table
        .headers()
        .enumerate()
        .filter(|(_, h)| VA_COLUMNS.contains(h))
        .map(|(i, _)| i)
        .collect();
    // Only the first MAX_SHEET_ROWS rows are shown; of the others the sheet needs only
    // their number and, for the total row, their figures: no text is copied for them.
    let rows = table.rows.iter().enumerate().map(|(r, row)| {
        if r >= MAX_SHEET_ROWS {
            return match table.totals {
                true => row
                    .iter()
                    .map(|c| c.figure().map_or(Cell::Blank, |_| c.clone()))
                    .collect(),
                false => Vec::new(),
            };
        }
        let mut row = row.clone();
        let account = row[sa].plain();
        for &c in &vas {
            if let Cell::Text(va) = &row[c] {
                row[c] = Cell::Text(names.va(&account, va));
            }
        }
        row
    });
    let t = Table::new(table.columns.clone(), table.source)
        .with_rows(rows.collect())
        .with_omitted(table.omitted, table.omitted_sums.clone());
    std::borrow::Cow::Owned(if table.totals { t.with_totals() } else { t })
}

/// Fits the column widths to the header and the shown cells (Excel's autofit needs the
/// cells in memory, which a constant-memory sheet does not keep).
fn fit_widths(ws: &mut Worksheet, tables: &[&Table]) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = Vec::new();
    for table in tables {
        for (c, h) in table.headers().enumerate() {
            if c >= widths.len() {
                widths.push(0);
            }
            widths[c] = widths[c].max(h.len());
        }
        for row in table.rows.iter().take(MAX_SHEET_ROWS) {
            for (c, v) in row.iter().enumerate() {
                widths[c] = widths[c].max(shown_width(v) + 2);
            }
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
    fit_widths(ws, &[table])?;
    ws.set_freeze_panes(1, 0)?;
    table_at(ws, f, table, 0)?;
    Ok(())
}

/// Writes a table from row `first` on: header, rows (at most [`MAX_SHEET_ROWS`], then a
/// note), totals over every row. Returns the first row after it.
fn table_at(ws: &mut impl Sink, f: &Formats, table: &Table, first: u32) -> Result<u32, XlsxError> {
    for (c, name) in table.headers().enumerate() {
        ws.text((first, c as u16), name, Some(&f.header))?;
    }
    let rows = &table.rows;
    let shown = &rows[..rows.len().min(MAX_SHEET_ROWS)];
    for (r, row) in shown.iter().enumerate() {
        for (c, (col, cell)) in table.columns.iter().zip(row).enumerate() {
            write_cell(ws, f, (first + r as u32 + 1, c as u16), col.kind, cell)?;
        }
    }
    let mut r = first + shown.len() as u32 + 1;
    if table.len() > shown.len() {
        let more = table.len() - shown.len();
        let note = format!("... {more} more rows in {}", table.source);
        ws.text((r, 0), &note, None)?;
        r += 1;
    }
    if table.totals && !table.is_empty() {
        total_row(ws, f, table, r)?;
        r += 1;
    }
    Ok(r)
}

/// The Term sheet of a term plan (SPEC §4.2): the figures per milestone and the term's
/// totals, then the schedule, one row per (buyer, licence, milestone); figures as
/// numbers, dates as dates. Nothing for a single-date plan.
fn term_sheet(wb: &mut Workbook, f: &Formats, plan: &Plan) -> Result<(), XlsxError> {
    use crate::report::term;
    let Some(t) = &plan.term else { return Ok(()) };
    let cur = &plan.currency;
    let ((milestones, total), schedule) =
        (term::milestones_view(t, cur), term::schedule_view(t, cur));
    let ws = wb.add_worksheet().set_name("Term")?;
    fit_widths(ws, &[&milestones, &schedule])?;
    let mut r = table_at(ws, f, &milestones, 0)?;
    ws.write_string_with_format(r, 0, total[0].plain(), &f.total_label)?;
    for (c, (col, cell)) in milestones.columns.iter().zip(&total).enumerate().skip(1) {
        let fmt = if col.kind == Kind::Money {
            &f.total_money
        } else {
            &f.total_count
        };
        write_figure(ws, (r, c as u16), cell, fmt)?;
    }
    r += 1;
    if let Some(note) = term::rounding_note(t) {
        ws.write_string(r, 0, note)?;
        r += 1;
    }
    table_at(ws, f, &schedule, r + 1)?;
    Ok(())
}

/// The total row: `Total`, then each summed column's sum, blank (but bordered) elsewhere.
fn total_row(ws: &mut impl Sink, f: &Formats, table: &Table, r: u32) -> Result<(), XlsxError> {
    ws.text((r, 0), "Total", Some(&f.total_label))?;
    let total = table.total_row();
    for (c, (col, cell)) in table.columns.iter().zip(&total).enumerate().skip(1) {
        let c16 = c as u16;
        match col.kind {
            Kind::Money => write_figure(ws, (r, c16), cell, &f.total_money)?,
            Kind::Count | Kind::Change => write_figure(ws, (r, c16), cell, &f.total_count)?,
            Kind::Text | Kind::Price => ws.text((r, c16), "", Some(&f.total_label))?,
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
    let f = Formats::new(&plan.currency);
    let names = VaNames::of(plan);
    let mut wb = Workbook::new();
    // Deflate level 2 (zlib-rs's fast strategy) instead of the default 6 (its medium
    // one): the workbook is the slowest file to write, and saves faster (issue 13).
    wb.set_zip_compression_level(2);
    wb.set_properties(&properties(plan)?);
    // The EA sheet (SPEC §4.3) only when the case has `ea.csv`.
    let ea = (!plan.ea.is_empty()).then(|| super::ea::sheet(plan));
    let mut data: Vec<(&str, &Table)> = vec![
        ("Moves", &tables.moves),
        ("Purchases", &tables.purchases),
        ("Renewal", &tables.renewal),
        ("Findings", &tables.findings),
        ("Positions", &tables.positions),
    ];
    data.extend(ea.as_ref().map(|t| ("EA", t)));
    // The data sheets' formats, registered in the order a serial fill would meet them
    // (naming the VAs changes text cells only, never a format).
    let mut first = FirstUse::new(&f);
    for (_, table) in &data {
        table_at(&mut first, &f, table, 0)?;
    }
    for fmt in first.order {
        wb.register_format(fmt);
    }
    summary_sheet(wb.add_worksheet().set_name("Summary")?, &f, plan)?;
    term_sheet(&mut wb, &f, plan)?;
    let at = wb.worksheets().len();
    for (name, _) in &data {
        wb.add_worksheet_with_constant_memory()?.set_name(*name)?;
    }
    // Each data sheet is its own file until the workbook is saved: fill them in parallel.
    wb.worksheets_mut()[at..]
        .par_iter_mut()
        .zip(&data)
        .map(|(ws, (_, table))| sheet(ws, &f, &named(table, &names)))
        .collect::<Result<Vec<()>, XlsxError>>()?;
    wb.save_to_buffer()
}

/// The document properties: a title, and the data's date as the creation date (Excel
/// dates run from 1900 to 9999; outside them the file carries a fixed date, so the same
/// inputs still give the same bytes).
fn properties(plan: &Plan) -> Result<DocProperties, XlsxError> {
    let when = excel_date(plan.as_of).map_or_else(|| ExcelDateTime::from_ymd(1980, 1, 1), Ok)?;
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
        (
            "Transfers".into(),
            Cell::count(plan.tables.moves.len() as u64),
        ),
        (
            "Substituted units".into(),
            Cell::count(plan.substituted_units()),
        ),
    ];
    if let Some(r) = &plan.tables.renewal {
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

/// The summary sheet: item, value; figures as numbers, dates as dates, the rest as text,
/// widths fitted.
fn summary_sheet(ws: &mut Worksheet, f: &Formats, plan: &Plan) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, "item", &f.header)?;
    ws.write_string_with_format(0, 1, "value", &f.header)?;
    for (i, (item, value)) in summary_rows(plan).iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, cell_text(item))?;
        match value {
            Cell::Money(_) => write_figure(ws, (r, 1), value, &f.money)?,
            Cell::Date(d) => write_date(ws, (r, 1), *d, &f.date)?,
            _ => write_figure(ws, (r, 1), value, &f.count)?,
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    Ok(())
}
