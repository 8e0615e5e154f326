//! The Enterprise Agreement figures of a plan (SPEC §4.3) as tables: the report's
//! "Enterprise Agreement" section (units not generated, true-forward exposure) and the
//! workbook's `EA` sheet (every column of each `ea.csv` row). Empty without `ea.csv`, so
//! a case without one keeps its report and workbook bytes.

use crate::plan::ea::EaLine;
use crate::plan::Plan;
use crate::report::table::{row, Cell, Column, Kind, Table};

use Kind::{Count, Money, Price, Text};

/// Where the rows' findings are written in full.
const SOURCE: &str = "findings.csv";

/// The cells naming a row (smart_account, virtual_account, suite, sku, license), then
/// `rest`.
fn named(l: &EaLine, rest: impl IntoIterator<Item = Cell>) -> Vec<Cell> {
    let names = [
        &l.smart_account,
        &l.virtual_account,
        &l.item.suite,
        &l.item.sku,
        &l.item.license,
    ];
    row(names.map(|n| n.as_str()), rest)
}

fn name_columns() -> Vec<Column> {
    [
        "smart_account",
        "virtual_account",
        "suite",
        "sku",
        "license",
    ]
    .into_iter()
    .map(|h| Column::new(h, Text))
    .collect()
}

fn opt_count(n: Option<u64>) -> Cell {
    n.map_or(Cell::Blank, Cell::count)
}

fn opt_date(d: Option<chrono::NaiveDate>) -> Cell {
    d.map_or(Cell::Blank, Cell::Date)
}

/// The cells the report's tables and the workbook's sheet share: consumed, overage, the
/// two dates and the unit price (blank where the row has none).
fn consumed(l: &EaLine) -> Cell {
    Cell::count(l.item.units.total_consumption)
}

fn overage(l: &EaLine) -> Cell {
    Cell::count(l.item.units.overage())
}

fn next_true_forward(l: &EaLine) -> Cell {
    opt_date(l.item.next_true_forward)
}

fn term_end(l: &EaLine) -> Cell {
    opt_date(l.item.term_end)
}

fn unit_price(l: &EaLine) -> Cell {
    l.unit_price.map_or(Cell::Blank, Cell::Money)
}

/// A column after the names, and how a row fills it.
type Field = (Column, fn(&EaLine) -> Cell);

/// The table of the rows `keep` admits: the naming columns, then `fields`.
fn table(plan: &Plan, keep: fn(&EaLine) -> bool, fields: Vec<Field>) -> Table {
    let mut cols = name_columns();
    let mut fill = Vec::with_capacity(fields.len());
    for (col, cell) in fields {
        cols.push(col);
        fill.push(cell);
    }
    let rows = plan
        .ea
        .iter()
        .filter(|l| keep(l))
        .map(|l| named(l, fill.iter().map(|cell| cell(l))))
        .collect();
    Table::new(cols, SOURCE).with_rows(rows)
}

/// The supply of a row (entitled, generated, undeposited), then `rest`.
fn supply(rest: Vec<Field>) -> Vec<Field> {
    let mut fields: Vec<Field> = vec![
        (Column::new("entitled", Count), |l| {
            Cell::count(l.item.units.entitled())
        }),
        (Column::new("generated", Count), |l| {
            Cell::count(l.item.units.license_generated)
        }),
        (Column::new("undeposited", Count), |l| {
            Cell::count(l.item.units.undeposited())
        }),
    ];
    fields.extend(rest);
    fields
}

/// Units entitled but not generated, per row: entitled, generated, undeposited, the
/// shortfall the row could cover (text: rows of one licence share it, so it is not
/// summed) and the units to generate instead of buying.
pub fn not_generated(plan: &Plan) -> Table {
    table(
        plan,
        |_| true,
        supply(vec![
            (Column::new("shortfall", Text), |l| {
                l.shortfall
                    .map_or(Cell::Blank, |s| Cell::Text(s.to_string()))
            }),
            (Column::new("generate instead of buying", Count), |l| {
                Cell::count(l.covers)
            }),
        ]),
    )
    .with_totals()
}

/// The true-forward exposure of the rows consuming above their entitlement: consumed,
/// entitled, overage, the next true-forward, the term end, the months charged, the unit
/// price and the charge (blank where a price or a date is missing).
pub fn exposure(plan: &Plan) -> Table {
    let cur = &plan.currency;
    table(
        plan,
        |l| l.item.units.overage() > 0,
        vec![
            (Column::new("consumed", Count), consumed),
            (Column::new("entitled", Count), |l| {
                Cell::count(l.item.units.entitled())
            }),
            (Column::new("overage", Count), overage),
            (Column::new("next true-forward", Text), next_true_forward),
            (Column::new("term end", Text), term_end),
            (Column::new("months", Text), |l| {
                l.months.map_or(Cell::Blank, |m| Cell::Text(m.to_string()))
            }),
            (
                Column::new(format!("unit price ({cur})"), Price),
                unit_price,
            ),
            (Column::new(format!("charge ({cur})"), Money), |l| {
                l.charge.map_or(Cell::Blank, Cell::Money)
            }),
        ],
    )
    .with_totals()
}

/// The workbook's `EA` sheet: every figure of every row (no total row: the shortfall
/// and months columns do not add up).
pub fn sheet(plan: &Plan) -> Table {
    table(
        plan,
        |_| true,
        supply(vec![
            (Column::new("shortfall", Count), |l| opt_count(l.shortfall)),
            (Column::new("generate_instead_of_buying", Count), |l| {
                Cell::count(l.covers)
            }),
            (Column::new("consumed", Count), consumed),
            (Column::new("overage", Count), overage),
            (Column::new("next_true_forward", Text), next_true_forward),
            (Column::new("term_end", Text), term_end),
            (Column::new("months", Count), |l| {
                opt_count(l.months.map(u64::from))
            }),
            (Column::new("unit_price", Price), unit_price),
            (Column::new("charge", Money), |l| {
                l.charge
                    .filter(|_| l.item.units.overage() > 0)
                    .map_or(Cell::Blank, Cell::Money)
            }),
        ]),
    )
}

/// The sentence that opens the report's section.
pub fn intro(plan: &Plan) -> String {
    let covers: u128 = plan.ea.iter().map(|l| u128::from(l.covers)).sum();
    let charge: crate::money::Cents = plan
        .ea
        .iter()
        .filter(|l| l.item.units.overage() > 0)
        .filter_map(|l| l.charge)
        .sum();
    let unpriced = plan
        .ea
        .iter()
        .filter(|l| l.item.units.overage() > 0 && l.charge.is_none())
        .count();
    let mut s = format!(
        "{} entitled by the Enterprise Agreement but never generated would cover a shortfall of this plan: generate them in the EA workspace instead of buying. The next true-forward charges {} for consumption above the entitlement",
        crate::io::text::plural(covers, "unit", "units"),
        crate::money::human(&plan.currency, charge)
    );
    if unpriced > 0 {
        s.push_str(&format!(
            ", plus {} without a unit price or dates (not charged here)",
            crate::io::text::plural(unpriced as u64, "row", "rows")
        ));
    }
    s.push_str(". Advice only: the plan's purchases do not count ungenerated EA units as supply.");
    s
}
