//! The one table model every exporter renders: named columns with a [`Kind`], rows of
//! typed [`Cell`]s, and totals computed from the cells. CSV, the workbook, HTML and
//! Markdown each supply only their row syntax (`csv.rs`, `xlsx.rs`, `html.rs`,
//! `markdown.rs`); no exporter formats a figure to text and parses it back.

use chrono::NaiveDate;

use crate::money::{grouped, money, Cents};

/// Rows a workbook sheet shows of a table at most; the CSV files hold everything.
pub(crate) const MAX_SHEET_ROWS: usize = 20_000;

/// What a column holds, which decides how each format writes its cells and whether the
/// total row sums it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Names and free text: guarded against formulas in CSV, never summed.
    Text,
    /// Whole units: right-aligned, summed.
    Count,
    /// A signed change in units: written with its sign (`+3`) in the reports and plainly
    /// in CSV and the workbook; summed.
    Change,
    /// Money in cents, written with two decimals; summed.
    Money,
    /// A price per unit in cents: money, but never summed.
    Price,
}

impl Kind {
    /// Whether the cells are figures (right-aligned in the reports).
    pub fn is_figure(self) -> bool {
        matches!(self, Kind::Count | Kind::Change | Kind::Money | Kind::Price)
    }

    /// Whether the total row sums the column.
    pub fn is_summed(self) -> bool {
        matches!(self, Kind::Count | Kind::Change | Kind::Money)
    }
}

/// One column: its header and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header, as the format shows it.
    pub header: String,
    /// What the column holds.
    pub kind: Kind,
}

impl Column {
    /// A column named `header` holding `kind`.
    pub fn new(header: impl Into<String>, kind: Kind) -> Column {
        Column {
            header: header.into(),
            kind,
        }
    }
}

/// One typed cell. Counts and money are exact integers (units, cents); the column's
/// [`Kind`] says how a count or an amount is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Nothing (a total row's unsummed columns).
    Blank,
    /// Text.
    Text(String),
    /// Units (or a change in units).
    Count(i128),
    /// Cents.
    Money(Cents),
    /// A date, written `YYYY-MM-DD` in text and as a real date in the workbook.
    Date(NaiveDate),
}

impl Cell {
    /// A count cell from any unsigned or signed unit figure.
    pub fn count(n: impl Into<i128>) -> Cell {
        Cell::Count(n.into())
    }

    /// The cell's exact figure (units or cents), if it is one.
    pub fn figure(&self) -> Option<i128> {
        match self {
            Cell::Count(n) | Cell::Money(n) => Some(*n),
            Cell::Blank | Cell::Text(_) | Cell::Date(_) => None,
        }
    }

    /// The cell as plain text: what a CSV file holds (before formula guarding).
    pub fn plain(&self) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Money(c) => money(*c),
            Cell::Date(d) => d.to_string(),
        }
    }

    /// The cell as the reports (HTML, Markdown) show it in a column of `kind`: a change
    /// carries its sign, money its thousands separators (`126,173.00`).
    pub fn shown(&self, kind: Kind) -> String {
        match (self, kind) {
            (Cell::Count(n), Kind::Change) => format!("{n:+}"),
            (Cell::Money(c), _) => grouped(*c),
            _ => self.plain(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// A table: columns, rows, whether it publishes a total row, and the file that holds
/// every row (where a format shows only the first ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// The rows, each one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Whether the table ends with a total row.
    pub totals: bool,
    /// The file holding every row (`moves.csv`, `summary.json`, ...).
    pub source: &'static str,
    /// Rows of the file past `rows`, not held (a table too large to hold, of which every
    /// format but the CSV file shows only the first rows): counted by [`Table::len`],
    /// their figures summed in `omitted_sums`.
    pub omitted: usize,
    /// Per column, the sum of the figures of the `omitted` rows (empty when none are).
    pub omitted_sums: Vec<i128>,
}

impl Table {
    /// An empty table with `columns`, without totals.
    pub fn new(columns: Vec<Column>, source: &'static str) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            totals: false,
            source,
            omitted: 0,
            omitted_sums: Vec::new(),
        }
    }

    /// The same table with `omitted` more rows past its rows, whose figures sum to
    /// `sums` (one per column).
    #[must_use]
    pub fn with_omitted(mut self, omitted: usize, sums: Vec<i128>) -> Table {
        self.omitted = omitted;
        self.omitted_sums = sums;
        self
    }

    /// The number of rows of the table's file: those held and those omitted.
    pub fn len(&self) -> usize {
        self.rows.len() + self.omitted
    }

    /// Whether the table's file has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same table with a total row.
    #[must_use]
    pub fn with_totals(mut self) -> Table {
        self.totals = true;
        self
    }

    /// The same table with `rows`.
    #[must_use]
    pub fn with_rows(mut self, rows: Vec<Vec<Cell>>) -> Table {
        self.rows = rows;
        self
    }

    /// The column headers.
    pub fn headers(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.header.as_str())
    }

    /// The total row over every row (not only the shown ones): `Total` in the first
    /// column, the sum of each summed column, blank elsewhere.
    pub fn total_row(&self) -> Vec<Cell> {
        self.columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                if c == 0 {
                    return Cell::from("Total");
                }
                if !col.kind.is_summed() {
                    return Cell::Blank;
                }
                let held: i128 = self.rows.iter().filter_map(|r| r[c].figure()).sum();
                let sum = held + self.omitted_sums.get(c).copied().unwrap_or(0);
                if col.kind == Kind::Money {
                    Cell::Money(sum)
                } else {
                    Cell::Count(sum)
                }
            })
            .collect()
    }
}

/// A row that opens with the text cells `texts`, then the cells of `rest`, in one
/// allocation (`rest` should know its length, as an array or a mapped slice does).
pub fn row<const N: usize>(texts: [&str; N], rest: impl IntoIterator<Item = Cell>) -> Vec<Cell> {
    let rest = rest.into_iter();
    let mut cells = Vec::with_capacity(N + rest.size_hint().0);
    cells.extend(texts.map(Cell::from));
    cells.extend(rest);
    cells
}

/// Columns named by `headers`, of the kinds `kinds` (one each).
pub fn columns(headers: &[&str], kinds: &[Kind]) -> Vec<Column> {
    debug_assert_eq!(headers.len(), kinds.len());
    headers
        .iter()
        .zip(kinds)
        .map(|(h, k)| Column::new(*h, *k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sum_the_figures_of_every_row() {
        let t = Table::new(
            columns(
                &["what", "n", "change", "price", "cost"],
                &[
                    Kind::Text,
                    Kind::Count,
                    Kind::Change,
                    Kind::Price,
                    Kind::Money,
                ],
            ),
            "x.csv",
        )
        .with_totals()
        .with_rows(vec![
            vec![
                "a".into(),
                Cell::count(2u64),
                Cell::count(-3i64),
                Cell::Money(150),
                Cell::Money(300),
            ],
            vec![
                "b".into(),
                Cell::count(1u64),
                Cell::count(1i64),
                Cell::Money(50),
                Cell::Money(50),
            ],
        ]);
        let total = t.total_row();
        assert_eq!(
            total,
            vec![
                Cell::from("Total"),
                Cell::Count(3),
                Cell::Count(-2),
                Cell::Blank,
                Cell::Money(350)
            ]
        );
        assert_eq!(total[2].shown(Kind::Change), "-2");
        assert_eq!(Cell::Count(4).shown(Kind::Change), "+4");
        assert_eq!(Cell::Count(4).plain(), "4");
        assert_eq!(total[4].plain(), "3.50");
        assert_eq!(Cell::Money(123_456_789).shown(Kind::Money), "1,234,567.89");
        assert_eq!(Cell::Money(123_456_789).plain(), "1234567.89");
    }
}
