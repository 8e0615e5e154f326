//! The plan's tables as its CSV files hold them (and the workbook's sheets show them):
//! one [`Table`] per file, columns named by [`super::headers`].

use crate::plan::{Finding, Move, Plan, Position, Purchase, RenewalRow, Substitution};
use crate::report::headers;
use crate::report::table::{columns, row, Cell, Column, Kind, Table, MAX_SHEET_ROWS};
use chrono::NaiveDate;

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

/// Every table of a plan the workbook shows, built once for CSV and the workbook. A
/// table too large for a sheet holds only the rows the sheet shows (see [`shown`]); its
/// CSV file is then written from the plan, one row at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTables {
    /// `purchases.csv`, as the workbook shows it.
    pub purchases: Table,
    /// `moves.csv`, as the workbook shows it.
    pub moves: Table,
    /// `positions.csv`, as the workbook shows it.
    pub positions: Table,
    /// The findings as the workbook shows them: every finding counted, only the first
    /// [`MAX_SHEET_ROWS`] held as rows, the others omitted (see [`findings`]);
    /// when it left some out, `findings.csv` is written row by row from the plan
    /// ([`finding_row`]).
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

/// How a table's rows are made of its items: the whole row, and the `K` figures that end
/// it.
type Rows<T, const K: usize> = (fn(&T) -> Vec<Cell>, fn(&T) -> [Cell; K]);

/// The table `file` of `columns` with a total row as the workbook shows it: a `row` per
/// item of `items`, or, past [`MAX_SHEET_ROWS`] items, the first [`MAX_SHEET_ROWS`] as rows
/// and the others only counted, the `K` `figures` that end each of their rows summed for
/// the total row (a plan may hold millions of positions or moves: their CSV file is then
/// written from the plan, one row at a time).
fn shown<T, const K: usize>(
    (file, columns): (&'static str, Vec<Column>),
    items: &[T],
    row: impl Fn(&T) -> Vec<Cell>,
    figures: impl Fn(&T) -> [Cell; K],
) -> Table {
    let table = Table::new(columns, file).with_totals();
    if items.len() <= MAX_SHEET_ROWS {
        return table.with_rows(items.iter().map(row).collect());
    }
    let (held, rest) = items.split_at(MAX_SHEET_ROWS);
    let mut sums = vec![0i128; table.columns.len()];
    let last = sums.len() - K;
    for item in rest {
        for (sum, cell) in sums[last..].iter_mut().zip(figures(item)) {
            *sum += cell.figure().unwrap_or(0);
        }
    }
    table
        .with_rows(held.iter().map(row).collect())
        .with_omitted(rest.len(), sums)
}

/// A plan's table `file` (columns `headers` of the kinds `kinds`) as the workbook shows
/// it (see [`shown`]): of a single-date plan's `items`, or of a term plan's `dated` items,
/// every milestone's rows with a first column `milestone` (SPEC §4.2).
fn plan_table<T, const K: usize>(
    (file, headers, kinds): (&'static str, &[&str], &[Kind]),
    items: &[T],
    dated: Option<&[(NaiveDate, T)]>,
    (row, figures): Rows<T, K>,
) -> Table {
    let mut cols = columns(headers, kinds);
    match dated {
        None => shown((file, cols), items, row, figures),
        Some(items) => {
            cols.insert(0, Column::new("milestone", Kind::Text));
            shown((file, cols), items, dated_row(row), |(_, r)| figures(r))
        }
    }
}

/// A term table's row of a milestone's item: its date, then the item's `row`.
pub(crate) fn dated_row<T>(row: fn(&T) -> Vec<Cell>) -> impl Fn(&(NaiveDate, T)) -> Vec<Cell> {
    move |(date, item)| {
        let mut cells = vec![Cell::Date(*date)];
        cells.extend(row(item));
        cells
    }
}

/// `purchases.csv` as the workbook shows it (see [`shown`]).
pub fn purchases(plan: &Plan) -> Table {
    let cols = ("purchases.csv", headers::PURCHASES, PURCHASE_KINDS);
    let rows: Rows<Purchase, 3> = (purchase_row, purchase_figures);
    let dated = plan.term.as_ref().map(|t| &t.purchases[..]);
    plan_table(cols, &plan.tables.purchases, dated, rows)
}

/// The figures of a purchase, in the order of [`headers::PURCHASES`].
fn purchase_figures(p: &Purchase) -> [Cell; 3] {
    [
        Cell::count(p.quantity),
        Cell::Money(p.unit_price),
        Cell::Money(p.cost),
    ]
}

/// A `purchases.csv` row.
pub fn purchase_row(p: &Purchase) -> Vec<Cell> {
    row(
        [&p.smart_account, &p.virtual_account, &p.license],
        purchase_figures(p),
    )
}

/// `moves.csv` as the workbook shows it (see [`shown`]).
pub fn moves(plan: &Plan) -> Table {
    let cols = ("moves.csv", headers::MOVES, MOVE_KINDS);
    let rows: Rows<Move, 1> = (move_row, move_figures);
    let dated = plan.term.as_ref().map(|t| &t.moves[..]);
    plan_table(cols, &plan.tables.moves, dated, rows)
}

/// The figure of a move: its units.
fn move_figures(m: &Move) -> [Cell; 1] {
    [Cell::count(m.quantity)]
}

/// A `moves.csv` row.
pub fn move_row(m: &Move) -> Vec<Cell> {
    row(
        [&m.smart_account, &m.license, &m.from, &m.to],
        move_figures(m),
    )
}

/// `positions.csv` as the workbook shows it (a position per (VA, licence): ten million
/// on a large estate; see [`shown`]).
pub fn positions(plan: &Plan) -> Table {
    let cols = ("positions.csv", headers::POSITIONS, POSITION_KINDS);
    let rows: Rows<Position, 11> = (position_row, position_cells);
    let dated = plan.term.as_ref().map(|t| &t.positions[..]);
    plan_table(cols, &plan.tables.positions, dated, rows)
}

/// The eleven unit counts of a position as cells.
fn position_cells(p: &Position) -> [Cell; 11] {
    position_figures(p).map(Cell::count)
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
    row(
        [&p.smart_account, &p.virtual_account, &p.license],
        position_cells(p),
    )
}

/// `substitutions.csv` as a table holding none of its rows, only their number (no total
/// row): no sheet shows them, so the file is written from the plan, one
/// [`substitution_row`] at a time.
pub fn substitutions(plan: &Plan) -> Table {
    let cols = columns(headers::SUBSTITUTIONS, SUBSTITUTION_KINDS);
    let rows = plan.tables.substitutions.len();
    Table::new(cols, "substitutions.csv").with_omitted(rows, Vec::new())
}

/// A `substitutions.csv` row.
pub fn substitution_row(s: &Substitution) -> Vec<Cell> {
    row(
        [&s.smart_account, &s.virtual_account, &s.license, &s.covers],
        [Cell::count(s.quantity)],
    )
}

/// `findings.csv` as the workbook shows it: the first [`MAX_SHEET_ROWS`] findings as
/// rows, the others only counted (the sheet shows only their number, and the table has
/// no total row). A plan may hold millions of findings: their text is never copied into
/// a table, nor is a row held for each of them; `findings.csv` is then written from the
/// plan, one [`finding_row`] at a time.
pub fn findings(plan: &Plan) -> Table {
    let all = &plan.tables.findings;
    let shown = &all[..all.len().min(MAX_SHEET_ROWS)];
    // No total row: the units of different kinds do not add up.
    Table::new(columns(headers::FINDINGS, FINDING_KINDS), "findings.csv")
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
    use crate::money::Cents;
    use crate::report::TEXT_COLUMNS;

    /// A table past [`MAX_SHEET_ROWS`] rows holds only the first ones, and counts and sums
    /// the others: the same length, rows shown and total row as the table of every row.
    #[test]
    fn shown_tables_count_and_sum_the_rows_left_out() {
        let purchases: Vec<Purchase> = (0..MAX_SHEET_ROWS as u64 + 7)
            .map(|i| Purchase {
                smart_account: "SA".into(),
                virtual_account: format!("VA{}", i % 13),
                license: format!("L{}", i % 5),
                quantity: i % 11 + 1,
                unit_price: Cents::from(i % 7) * 100,
                cost: Cents::from(i % 11 + 1) * Cents::from(i % 7) * 100,
            })
            .collect();
        let moves: Vec<Move> = (0..MAX_SHEET_ROWS as u64 + 3)
            .map(|i| Move {
                smart_account: "SA".into(),
                license: format!("L{}", i % 5),
                from: format!("VA{}", i % 13),
                to: format!("VA{}", i % 17),
                quantity: i % 19 + 1,
            })
            .collect();
        let cols = ("purchases.csv", headers::PURCHASES, PURCHASE_KINDS);
        left_out(cols, &purchases, (purchase_row, purchase_figures));
        let cols = ("moves.csv", headers::MOVES, MOVE_KINDS);
        left_out(cols, &moves, (move_row, move_figures));
    }

    /// Checks [`plan_table`] of `items` (more than [`MAX_SHEET_ROWS`]) against the table of
    /// every item, for a single date and as a term's milestone rows.
    fn left_out<T: Clone, const K: usize>(
        cols: (&'static str, &[&str], &[Kind]),
        items: &[T],
        rows: Rows<T, K>,
    ) {
        let every = totalled(cols.0, (cols.1, cols.2), items, rows.0);
        let held = plan_table(cols, items, None, rows);
        let rest = items.len() - MAX_SHEET_ROWS;
        assert_eq!((held.rows.len(), held.omitted), (MAX_SHEET_ROWS, rest));
        assert_eq!(held.len(), every.len());
        assert_eq!(held.total_row(), every.total_row());
        assert_eq!(held.rows[..], every.rows[..MAX_SHEET_ROWS]);
        // As a term's rows: each held row is the item's row after its date, the total row
        // the same sums one column further on.
        let day = |i: usize| NaiveDate::from_ymd_opt(2027, 1, 1 + (i % 28) as u32).unwrap();
        let dated: Vec<(NaiveDate, T)> = items
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, x)| (day(i), x))
            .collect();
        let term = plan_table(cols, &[], Some(&dated), rows);
        assert_eq!(term.columns[0].header, "milestone");
        assert_eq!(term.columns[1..], every.columns[..]);
        assert_eq!((term.rows.len(), term.omitted), (MAX_SHEET_ROWS, rest));
        for (i, r) in term.rows.iter().enumerate() {
            assert_eq!(r[0], Cell::Date(day(i)));
            assert_eq!(r[1..], every.rows[i][..]);
        }
        assert_eq!(term.total_row()[2..], every.total_row()[1..]);
    }

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
