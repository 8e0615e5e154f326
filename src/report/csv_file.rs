//! CSV syntax for a [`Table`]: the header, then every row, text cells guarded against
//! formulas (README, "Safety"). No total row: a CSV file holds data, not a summary.

use std::borrow::Cow;

use crate::io::guard::guard;
use crate::report::table::{Cell, Table};

/// The bytes of `table` as a CSV file.
pub fn csv(table: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(table.headers()).expect("in-memory write");
    for row in &table.rows {
        let cells = row.iter().map(|c| match c {
            Cell::Text(s) => guard(s),
            other => Cow::Owned(other.plain()),
        });
        w.write_record(cells.collect::<Vec<_>>().iter().map(|c| c.as_bytes()))
            .expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}
