//! Reading the plan folder's files: text, and tables with their exact headers, cells
//! unguarded and rows checked for order; what they say, resolved to ids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::estate::{LicId, VaId};
use crate::io::guard::unguard;
use crate::io::text::parse_count;
use crate::report::TEXT_COLUMNS;

use super::money::parse_money;
use super::VerifyReport;

/// Reads a file of the plan folder as text; a missing or unreadable one is a violation.
pub(super) fn read_text(rep: &mut VerifyReport, dir: &Path, file: &str) -> Option<String> {
    let path = dir.join(file);
    rep.checks += 1;
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => Some(t),
            Err(_) => {
                rep.violations
                    .push(format!("{file}: is not UTF-8 text (altered?)"));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            rep.violations
                .push(format!("{file}: missing from the plan folder"));
            None
        }
        Err(e) => {
            rep.violations.push(format!("{file}: cannot be read: {e}"));
            None
        }
    }
}

/// One row of a plan table: its line in the file and its cells (names unguarded).
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) cells: Vec<String>,
}

/// Reads a plan table: the header must be exactly `header`; name cells are unguarded. A
/// missing file, a wrong header or a malformed row is a violation.
pub(super) fn read_table(
    rep: &mut VerifyReport,
    dir: &Path,
    file: &str,
    header: &[&str],
) -> Option<Vec<Row>> {
    // findings.csv keeps the order of its rules; it is compared row by row instead.
    let sorted = file != "findings.csv";
    let text = read_text(rep, dir, file)?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let got: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            rep.fail(format!("{file}: the header cannot be read: {e}"));
            return None;
        }
    };
    rep.check(got == header, || {
        format!(
            "{file}: the header is {:?}, expected {:?}",
            got.join(","),
            header.join(",")
        )
    });
    if got != header {
        return None;
    }
    let text_col: Vec<bool> = header.iter().map(|h| TEXT_COLUMNS.contains(h)).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line());
                let cells = rec
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if text_col[i] {
                            unguard(c).to_string()
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                rows.push(Row { line, cells });
            }
            Err(e) => rep.fail(format!("{file}: {e}")),
        }
    }
    // Rows sorted by their key columns (the leading name columns).
    let keys: Vec<usize> = (0..header.len()).filter(|&i| text_col[i]).collect();
    let key = |r: &Row| -> Vec<String> { keys.iter().map(|&i| r.cells[i].clone()).collect() };
    let unsorted = rows.windows(2).find(|w| sorted && key(&w[0]) > key(&w[1]));
    rep.check(unsorted.is_none(), || {
        format!(
            "{file} line {}: rows are not sorted by their key columns",
            unsorted.map_or(0, |w| w[1].line)
        )
    });
    Some(rows)
}

pub(super) fn count(
    rep: &mut VerifyReport,
    file: &str,
    row: &Row,
    header: &[&str],
    i: usize,
) -> Option<u128> {
    match parse_count(&row.cells[i]) {
        Ok(q) => Some(u128::from(q)),
        Err(why) => {
            rep.fail(format!(
                "{file} line {}, column {}: {:?} is not a count ({why})",
                row.line, header[i], row.cells[i]
            ));
            None
        }
    }
}

pub(super) fn money_cell(
    rep: &mut VerifyReport,
    file: &str,
    row: &Row,
    header: &[&str],
    i: usize,
) -> Option<i128> {
    let m = parse_money(&row.cells[i]);
    if m.is_none() {
        rep.fail(format!(
            "{file} line {}, column {}: {:?} is not an amount with two decimals",
            row.line, header[i], row.cells[i]
        ));
    }
    m
}

pub(super) type Key = (VaId, LicId);

/// Sources, sinks and rows of the moves of one (pool, licence).
pub(super) type Ends = (BTreeSet<VaId>, BTreeSet<VaId>, u128);

/// What the plan's tables say, resolved to ids.
#[derive(Default)]
pub(super) struct Tables {
    pub(super) moved_out: BTreeMap<Key, u128>,
    pub(super) moved_in: BTreeMap<Key, u128>,
    /// (from, to, licence) -> units, every move row.
    pub(super) moves: BTreeMap<(VaId, VaId, LicId), u128>,
    pub(super) move_rows: u128,
    pub(super) moved_total: u128,
    pub(super) bought: BTreeMap<Key, u128>,
    pub(super) pool_bought: BTreeMap<(usize, LicId), u128>,
    pub(super) bought_units: u128,
    pub(super) bought_cost: i128,
    pub(super) bought_by_lic: BTreeMap<LicId, u128>,
    pub(super) sub_out: BTreeMap<Key, u128>,
    pub(super) sub_in: BTreeMap<Key, u128>,
    pub(super) sub_total: u128,
    /// vendor_shortfall column of positions.csv.
    pub(super) vendor_file: BTreeMap<Key, u128>,
}

pub(super) fn get(m: &BTreeMap<Key, u128>, k: Key) -> u128 {
    m.get(&k).copied().unwrap_or(0)
}
