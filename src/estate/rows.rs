//! The one reader every table of a case goes through: [`read_rows`] opens a table, hands
//! each row to the table's own checks and records the file, and [`FirstLines`] (with
//! [`first_of_key`]) keeps one row per key, reporting every repeat at the line it repeats.

use std::hash::Hash;

use rustc_hash::FxHashMap;

use super::Estate;
use crate::error::{Diagnostics, Result};
use crate::io::source::TableSource;
use crate::io::table::{Columns, Row, TableReader};

/// Reads table `file` from `src`, handing each row to `each`, then records the file, its
/// row count and where it was read from in `e.files` and `e.sources`. `false` when the
/// table cannot be used: it could not be opened, or its header has problems (then its rows
/// were still read, so their problems are reported in the same pass). The problems are in
/// `diags`.
pub(super) fn read_rows<C: Columns>(
    src: &TableSource,
    file: &str,
    e: &mut Estate,
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row<'_, C>, &mut Estate, &mut Diagnostics),
) -> Result<bool> {
    let Some(mut table) = TableReader::<C>::open(src, diags)? else {
        return Ok(false);
    };
    let mut rows = 0;
    while let Some(row) = table.next_row(diags) {
        rows += 1;
        each(&row, e, diags);
    }
    e.files.push((file.into(), rows));
    e.sources.push(src.clone());
    Ok(table.header_ok())
}

/// Keeps the first row of each key: `first` is the line where the key first appeared (0
/// until it has). `true` for the first row; a later one is reported at column `col`
/// ("repeats the `what` of line N", with `fix`) and gives `false`.
pub(super) fn first_of_key<C: Columns>(
    first: &mut u64,
    row: &Row<C>,
    col: C,
    (what, fix): (&str, &str),
    diags: &mut Diagnostics,
) -> bool {
    if *first == 0 {
        *first = row.line;
        return true;
    }
    row.problem(
        col,
        format!("repeats the {what} of line {first}"),
        fix,
        diags,
    );
    false
}

/// The line where each key of a table first appeared (see [`first_of_key`]).
pub(super) struct FirstLines<K>(FxHashMap<K, u64>);

impl<K: Hash + Eq> FirstLines<K> {
    pub(super) fn new() -> Self {
        FirstLines(FxHashMap::default())
    }

    /// Whether `row` is the first with `key`; a repeat is reported (see [`first_of_key`]).
    pub(super) fn is_first<C: Columns>(
        &mut self,
        key: K,
        row: &Row<C>,
        col: C,
        what_and_fix: (&str, &str),
        diags: &mut Diagnostics,
    ) -> bool {
        first_of_key(
            self.0.entry(key).or_default(),
            row,
            col,
            what_and_fix,
            diags,
        )
    }
}
