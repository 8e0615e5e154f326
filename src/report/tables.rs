//! The plan's tables as its CSV files hold them (and the workbook's sheets show them):
//! one [`Table`] per file, columns named by [`super::headers`].

use crate::plan::{Finding, Move, Plan, Position, Purchase, RenewalRow, Substitution};
use crate::report::headers;
use crate::report::table::{columns, row, Cell, Kind, Table, MAX_SHEET_ROWS};

use Kind::{Change, Count, Money, Price, Text};

/// The kinds of [`headers::PURCHASES`].
const PURCHASE_KINDS: &[Kind] = &[Text, Text, Text, Count, Price, Money];
/// The kinds of [`headers::MOVES`].
const MOVE_KINDS: &[Kind] = &[Text, Text, Text, Text, Count];
/// The kinds of [`headers::POSITIONS`]: three names, then eleven unit counts.
const POSITION_KINDS: &[Kind] = &[
    Text, Text, Text, Count, Count, Count, Count, Count, Count, Count, Count, Count, Count, Count,
];
/// The kinds of [`headers::SUBSTITUTIONS`].
const SUBSTITUTION_KINDS: &[Kind] = &[Text, Text, Text, Text, Count];
/// The kinds of [`headers::FINDINGS`].
const FINDING_KINDS: &[Kind] = &[Text, Text, Text, Text, Text, Count, Text];
/// The kinds of [`headers::RENEWAL`].
const RENEWAL_KINDS: &[Kind] = &[
    Text, Count, Count, Count, Count, Change, Price, Money, Money, Money,
];

/// Every table of a plan, built once for CSV and the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTables {
    /// `purchases.csv`.
    pub purchases: Table,
    /// `moves.csv`.
    pub moves: Table,
    /// `positions.csv`.
    pub positions: Table,
    /// `substitutions.csv`.
    pub substitutions: Table,
    /// The findings as the workbook shows them: every finding counted, only the first
    /// [`MAX_SHEET_ROWS`] held as rows, the others omitted (see [`findings`]);
    /// `findings.csv` is written row by row from the plan ([`finding_row`]).
    pub findings: Table,
    /// `renewal.csv` (written only when a renewal date applies).
    pub renewal: Table,
}

impl PlanTables {
    /// The tables of `plan`.
    pub fn of(plan: &Plan) -> PlanTables {
        PlanTables {
            purchases: purchases(plan),
            moves: moves(plan),
            positions: positions(plan),
            substitutions: substitutions(plan),
            findings: findings(plan),
            renewal: renewal(plan),
        }
    }
}

/// The table `file` with a total row: columns `headers` of the kinds `kinds`, and a
/// [`row`](fn@row) per item of `items`.
fn totalled<T>(
    file: &'static str,
    (headers, kinds): (&[&str], &[Kind]),
    items: &[T],
    row: fn(&T) -> Vec<Cell>,
) -> Table {
    Table::new(columns(headers, kinds), file)
        .with_totals()
        .with_rows(items.iter().map(row).collect())
}

/// `purchases.csv`.
pub fn purchases(plan: &Plan) -> Table {
    let cols = (headers::PURCHASES, PURCHASE_KINDS);
    totalled("purchases.csv", cols, &plan.tables.purchases, purchase_row)
}

/// A `purchases.csv` row.
pub fn purchase_row(p: &Purchase) -> Vec<Cell> {
    let figures = [
        Cell::count(p.quantity),
        Cell::Money(p.unit_price),
        Cell::Money(p.cost),
    ];
    row([&p.smart_account, &p.virtual_account, &p.license], figures)
}

/// `moves.csv`.
pub fn moves(plan: &Plan) -> Table {
    let cols = (headers::MOVES, MOVE_KINDS);
    totalled("moves.csv", cols, &plan.tables.moves, move_row)
}

/// A `moves.csv` row.
pub fn move_row(m: &Move) -> Vec<Cell> {
    row(
        [&m.smart_account, &m.license, &m.from, &m.to],
        [Cell::count(m.quantity)],
    )
}

/// `positions.csv` as the workbook shows it: the first [`MAX_SHEET_ROWS`] positions as
/// rows, the others only counted and summed (a position per (VA, licence): ten million
/// on a large estate). `positions.csv` itself is written from the plan, one
/// [`position_row`] at a time, when the table left rows out. A term plan's table is
/// replaced by its milestones' rows, and holds every row.
pub fn positions(plan: &Plan) -> Table {
    let table =
        Table::new(columns(headers::POSITIONS, POSITION_KINDS), "positions.csv").with_totals();
    let all = &plan.tables.positions;
    if plan.term.is_some() || all.len() <= MAX_SHEET_ROWS {
        return table.with_rows(all.iter().map(position_row).collect());
    }
    let (shown, rest) = all.split_at(MAX_SHEET_ROWS);
    let mut sums = vec![0i128; POSITION_KINDS.len()];
    for p in rest {
        for (sum, n) in sums[3..].iter_mut().zip(position_figures(p)) {
            *sum += i128::from(n);
        }
    }
    table
        .with_rows(shown.iter().map(position_row).collect())
        .with_omitted(rest.len(), sums)
}

/// The eleven unit counts of a position, in the order of [`headers::POSITIONS`].
fn position_figures(p: &Position) -> [u64; 11] {
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
}

/// A `positions.csv` row.
pub fn position_row(p: &Position) -> Vec<Cell> {
    let figures = position_figures(p).into_iter().map(Cell::count);
    row([&p.smart_account, &p.virtual_account, &p.license], figures)
}

/// `substitutions.csv`.
pub fn substitutions(plan: &Plan) -> Table {
    let cols = columns(headers::SUBSTITUTIONS, SUBSTITUTION_KINDS);
    Table::new(cols, "substitutions.csv").with_rows(
        plan.tables
            .substitutions
            .iter()
            .map(substitution_row)
            .collect(),
    )
}

/// A `substitutions.csv` row.
pub fn substitution_row(s: &Substitution) -> Vec<Cell> {
    row(
        [&s.smart_account, &s.virtual_account, &s.license, &s.covers],
        [Cell::count(s.quantity)],
    )
}

/// The columns of `findings.csv` (no total row: the units of different kinds do not add
/// up), without rows.
pub fn findings_columns() -> Table {
    Table::new(columns(headers::FINDINGS, FINDING_KINDS), "findings.csv")
}

/// `findings.csv` as the workbook shows it: the first [`MAX_SHEET_ROWS`] findings as
/// rows, the others only counted (the sheet shows only their number, and the table has
/// no total row). A plan may hold millions of findings: their text is never copied into
/// a table, nor is a row held for each of them; `findings.csv` is written from the plan,
/// one [`finding_row`] at a time.
pub fn findings(plan: &Plan) -> Table {
    let all = &plan.tables.findings;
    let shown = &all[..all.len().min(MAX_SHEET_ROWS)];
    findings_columns()
        .with_rows(shown.iter().map(finding_row).collect())
        .with_omitted(all.len() - shown.len(), Vec::new())
}

/// A `findings.csv` row.
pub fn finding_row(f: &Finding) -> Vec<Cell> {
    let names = [
        f.kind.as_str(),
        &f.smart_account,
        &f.virtual_account,
        &f.license,
        &f.instance,
    ];
    row(names, [Cell::count(f.quantity), f.detail.as_str().into()])
}

/// `renewal.csv`.
pub fn renewal(plan: &Plan) -> Table {
    let cols = (headers::RENEWAL, RENEWAL_KINDS);
    totalled("renewal.csv", cols, &plan.tables.renewal_rows, renewal_row)
}

/// A `renewal.csv` row.
pub fn renewal_row(r: &RenewalRow) -> Vec<Cell> {
    vec![
        r.license.as_str().into(),
        Cell::count(r.expiring),
        Cell::count(r.like_for_like),
        Cell::count(r.vendor_quote),
        Cell::count(r.recommended),
        Cell::Count(r.change()),
        Cell::Money(r.unit_price),
        Cell::Money(i128::from(r.like_for_like) * r.unit_price),
        Cell::Money(i128::from(r.vendor_quote) * r.unit_price),
        Cell::Money(i128::from(r.recommended) * r.unit_price),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TEXT_COLUMNS;

    /// CSV guards the cells of text columns; the columns of kind Text are exactly the
    /// columns [`TEXT_COLUMNS`] names (which `verify` reads by).
    #[test]
    fn text_kind_matches_text_columns() {
        for (names, kinds) in [
            (headers::PURCHASES, PURCHASE_KINDS),
            (headers::MOVES, MOVE_KINDS),
            (headers::POSITIONS, POSITION_KINDS),
            (headers::SUBSTITUTIONS, SUBSTITUTION_KINDS),
            (headers::FINDINGS, FINDING_KINDS),
            (headers::RENEWAL, RENEWAL_KINDS),
        ] {
            assert_eq!(names.len(), kinds.len(), "{names:?}");
            for (name, kind) in names.iter().zip(kinds) {
                assert_eq!(*kind == Text, TEXT_COLUMNS.contains(name), "{name}");
            }
        }
    }
}
