//! The Enterprise Agreement figures of a plan (SPEC §4.3) as tables: the report's
//! "Enterprise Agreement" section (units not generated, true-forward exposure) and the
//! workbook's `EA` sheet (every column of each `ea.csv` row). Empty without `ea.csv`, so
//! a case without one keeps its report and workbook bytes.

use crate::plan::ea::EaLine;
use crate::plan::Plan;
use crate::report::table::{Cell, Column, Kind, Table};

use Kind::{Count, Money, Price, Text};

/// Where the rows' findings are written in full.
const SOURCE: &str = "findings.csv";

/// The cells naming a row: smart_account, virtual_account, suite, sku, license.
fn names(l: &EaLine) -> Vec<Cell> {
    vec![
        l.smart_account.as_str().into(),
        l.virtual_account.as_str().into(),
        l.suite.as_str().into(),
        l.sku.as_str().into(),
        l.license.as_str().into(),
    ]
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

/// Units entitled but not generated, per row: entitled, generated, undeposited, the
/// shortfall the row could cover (text: rows of one licence share it, so it is not
/// summed) and the units to generate instead of buying.
pub fn not_generated(plan: &Plan) -> Table {
    let mut cols = name_columns();
    cols.extend([
        Column::new("entitled", Count),
        Column::new("generated", Count),
        Column::new("undeposited", Count),
        Column::new("shortfall", Text),
        Column::new("generate instead of buying", Count),
    ]);
    let rows = plan
        .ea
        .iter()
        .map(|l| {
            let mut r = names(l);
            r.extend([
                Cell::count(l.entitled),
                Cell::count(l.generated),
                Cell::count(l.undeposited),
                l.shortfall
                    .map_or(Cell::Blank, |s| Cell::Text(s.to_string())),
                Cell::count(l.covers),
            ]);
            r
        })
        .collect();
    Table::new(cols, SOURCE).with_totals().with_rows(rows)
}

/// The true-forward exposure of the rows consuming above their entitlement: consumed,
/// entitled, overage, the next true-forward, the term end, the months charged, the unit
/// price and the charge (blank where a price or a date is missing).
pub fn exposure(plan: &Plan) -> Table {
    let cur = &plan.currency;
    let mut cols = name_columns();
    cols.extend([
        Column::new("consumed", Count),
        Column::new("entitled", Count),
        Column::new("overage", Count),
        Column::new("next true-forward", Text),
        Column::new("term end", Text),
        Column::new("months", Text),
        Column::new(format!("unit price ({cur})"), Price),
        Column::new(format!("charge ({cur})"), Money),
    ]);
    let rows = plan
        .ea
        .iter()
        .filter(|l| l.overage > 0)
        .map(|l| {
            let mut r = names(l);
            r.extend([
                Cell::count(l.consumption),
                Cell::count(l.entitled),
                Cell::count(l.overage),
                opt_date(l.next_true_forward),
                opt_date(l.term_end),
                l.months.map_or(Cell::Blank, |m| Cell::Text(m.to_string())),
                l.unit_price.map_or(Cell::Blank, Cell::Money),
                l.charge.map_or(Cell::Blank, Cell::Money),
            ]);
            r
        })
        .collect();
    Table::new(cols, SOURCE).with_totals().with_rows(rows)
}

/// The workbook's `EA` sheet: every figure of every row (no total row: the shortfall
/// and months columns do not add up).
pub fn sheet(plan: &Plan) -> Table {
    let mut cols = name_columns();
    cols.extend([
        Column::new("entitled", Count),
        Column::new("generated", Count),
        Column::new("undeposited", Count),
        Column::new("shortfall", Count),
        Column::new("generate_instead_of_buying", Count),
        Column::new("consumed", Count),
        Column::new("overage", Count),
        Column::new("next_true_forward", Text),
        Column::new("term_end", Text),
        Column::new("months", Count),
        Column::new("unit_price", Price),
        Column::new("charge", Money),
    ]);
    let rows = plan
        .ea
        .iter()
        .map(|l| {
            let mut r = names(l);
            r.extend([
                Cell::count(l.entitled),
                Cell::count(l.generated),
                Cell::count(l.undeposited),
                opt_count(l.shortfall),
                Cell::count(l.covers),
                Cell::count(l.consumption),
                Cell::count(l.overage),
                opt_date(l.next_true_forward),
                opt_date(l.term_end),
                opt_count(l.months.map(u64::from)),
                l.unit_price.map_or(Cell::Blank, Cell::Money),
                l.charge
                    .filter(|_| l.overage > 0)
                    .map_or(Cell::Blank, Cell::Money),
            ]);
            r
        })
        .collect();
    Table::new(cols, SOURCE).with_rows(rows)
}

/// The sentence that opens the report's section.
pub fn intro(plan: &Plan) -> String {
    let covers: u128 = plan.ea.iter().map(|l| u128::from(l.covers)).sum();
    let charge: crate::money::Cents = plan
        .ea
        .iter()
        .filter(|l| l.overage > 0)
        .filter_map(|l| l.charge)
        .sum();
    let unpriced = plan
        .ea
        .iter()
        .filter(|l| l.overage > 0 && l.charge.is_none())
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
