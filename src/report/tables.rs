//! The plan's tables as its CSV files hold them (and the workbook's sheets show them):
//! one [`Table`] per file, columns named by [`super::headers`].

use crate::plan::{Finding, Move, Plan, Position, Purchase, RenewalRow, Substitution};
use crate::report::headers;
use crate::report::table::{columns, Cell, Kind, Table, MAX_SHEET_ROWS};

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
    /// [`MAX_SHEET_ROWS`] filled with cells (see [`findings`]); `findings.csv` is written
    /// row by row from the plan ([`finding_row`]).
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

/// `purchases.csv`.
pub fn purchases(plan: &Plan) -> Table {
    let cols = columns(headers::PURCHASES, PURCHASE_KINDS);
    Table::new(cols, "purchases.csv")
        .with_totals()
        .with_rows(plan.tables.purchases.iter().map(purchase_row).collect())
}

/// A `purchases.csv` row.
pub fn purchase_row(p: &Purchase) -> Vec<Cell> {
    vec![
        p.smart_account.as_str().into(),
        p.virtual_account.as_str().into(),
        p.license.as_str().into(),
        Cell::count(p.quantity),
        Cell::Money(p.unit_price),
        Cell::Money(p.cost),
    ]
}

/// `moves.csv`.
pub fn moves(plan: &Plan) -> Table {
    let cols = columns(headers::MOVES, MOVE_KINDS);
    Table::new(cols, "moves.csv")
        .with_totals()
        .with_rows(plan.tables.moves.iter().map(move_row).collect())
}

/// A `moves.csv` row.
pub fn move_row(m: &Move) -> Vec<Cell> {
    vec![
        m.smart_account.as_str().into(),
        m.license.as_str().into(),
        m.from.as_str().into(),
        m.to.as_str().into(),
        Cell::count(m.quantity),
    ]
}

/// `positions.csv` as the workbook shows it: the first [`MAX_SHEET_ROWS`] positions as
/// rows, the others only counted and summed (a position per (VA, licence): ten million
/// on a large estate). `positions.csv` itself is written from the plan, one
/// [`position_row`] at a time ([`positions_held`] says when). A term plan's table is
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

/// Whether `table` (the plan's [`positions`]) holds every row of `positions.csv`; when
/// not, the file is written from the plan's positions.
pub fn positions_held(table: &Table) -> bool {
    table.omitted == 0
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
    let mut r = vec![
        p.smart_account.as_str().into(),
        p.virtual_account.as_str().into(),
        p.license.as_str().into(),
    ];
    r.extend(position_figures(p).into_iter().map(Cell::count));
    r
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
    vec![
        s.smart_account.as_str().into(),
        s.virtual_account.as_str().into(),
        s.license.as_str().into(),
        s.covers.as_str().into(),
        Cell::count(s.quantity),
    ]
}

/// The columns of `findings.csv` (no total row: the units of different kinds do not add
/// up), without rows.
pub fn findings_columns() -> Table {
    Table::new(columns(headers::FINDINGS, FINDING_KINDS), "findings.csv")
}

/// `findings.csv` as the workbook shows it: a row per finding, but only the first
/// [`MAX_SHEET_ROWS`] hold their cells; the others are empty (the sheet shows only their
/// number, and the table has no total row). A plan may hold millions of findings: their
/// text is never copied into a table; `findings.csv` is written from the plan, one
/// [`finding_row`] at a time.
pub fn findings(plan: &Plan) -> Table {
    let rows = plan.tables.findings.iter().enumerate().map(|(i, f)| {
        if i < MAX_SHEET_ROWS {
            finding_row(f)
        } else {
            Vec::new()
        }
    });
    findings_columns().with_rows(rows.collect())
}

/// A `findings.csv` row.
pub fn finding_row(f: &Finding) -> Vec<Cell> {
    vec![
        f.kind.as_str().into(),
        f.smart_account.as_str().into(),
        f.virtual_account.as_str().into(),
        f.license.as_str().into(),
        f.instance.as_str().into(),
        Cell::count(f.quantity),
        f.detail.as_str().into(),
    ]
}

/// `renewal.csv`.
pub fn renewal(plan: &Plan) -> Table {
    let cols = columns(headers::RENEWAL, RENEWAL_KINDS);
    Table::new(cols, "renewal.csv")
        .with_totals()
        .with_rows(plan.tables.renewal_rows.iter().map(renewal_row).collect())
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
