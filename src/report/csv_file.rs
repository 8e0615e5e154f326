//! CSV syntax for a [`Table`]: the header, then every row, text cells guarded against
//! formulas (README, "Safety"). No total row: a CSV file holds data, not a summary.

use std::fmt::Write as _;

use crate::io::guard::guard;
use crate::report::table::{Cell, Table};

/// Writes `table` as a CSV file to `w`, cell by cell (no row is copied first).
pub fn write(table: &Table, w: impl std::io::Write) -> csv::Result<()> {
    write_rows(table, table.rows.iter(), w)
}

/// Writes a CSV file of `table`'s columns to `w` with `rows` (made one at a time, for a
/// table too large to hold: the rows of `table` itself are not written).
pub fn write_rows<R: AsRef<[Cell]>>(
    table: &Table,
    rows: impl Iterator<Item = R>,
    w: impl std::io::Write,
) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(w);
    w.write_record(table.headers())?;
    let mut figure = String::new();
    for row in rows {
        for c in row.as_ref() {
            match c {
                Cell::Text(s) => w.write_field(guard(s).as_bytes())?,
                Cell::Count(n) => {
                    figure.clear();
                    write!(figure, "{n}").expect("writes to a string");
                    w.write_field(figure.as_bytes())?;
                }
                other => w.write_field(other.plain().as_bytes())?,
            }
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()?;
    Ok(())
}
