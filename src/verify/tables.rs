//! Reading the plan folder's files: text, and tables with their exact headers, cells
//! unguarded and rows checked for order; what they say, resolved to ids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::estate::{LicId, VaId};
use crate::io::guard::unguard;
use crate::io::text::parse_count;
use crate::report::TEXT_COLUMNS;

use super::money::parse_money;
use super::{Verifier, VerifyReport};

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

/// One row of a plan table: its line in the file and the cells of the columns asked for,
/// in the order asked for (names unguarded); read them by column name with [`Row::get`].
pub(super) struct Row<'h> {
    pub(super) line: u64,
    /// The cells of the columns asked for, in that order.
    pub(super) cells: Vec<String>,
    header: &'h [&'h str],
}

impl Row<'_> {
    /// The cell of column `name`, one of the columns the table was read with.
    pub(super) fn get(&self, name: &str) -> &str {
        let i = self.header.iter().position(|h| *h == name);
        debug_assert!(i.is_some(), "{name} is not a column verify reads");
        i.map_or("", |i| &self.cells[i])
    }

    /// The count in column `name`; a cell that is not one is a violation.
    pub(super) fn count(&self, rep: &mut VerifyReport, file: &str, name: &str) -> Option<u128> {
        match parse_count(self.get(name)) {
            Ok(q) => Some(u128::from(q)),
            Err(why) => {
                rep.fail(self.not_a(file, name, &format!("count ({why})")));
                None
            }
        }
    }

    /// The amount in column `name`; a cell that is not one with two decimals is a violation.
    pub(super) fn money(&self, rep: &mut VerifyReport, file: &str, name: &str) -> Option<i128> {
        let m = parse_money(self.get(name));
        if m.is_none() {
            rep.fail(self.not_a(file, name, "amount with two decimals"));
        }
        m
    }

    fn not_a(&self, file: &str, name: &str, what: &str) -> String {
        format!(
            "{file} line {}, column {name}: {:?} is not a{} {what}",
            self.line,
            self.get(name),
            if what.starts_with('a') { "n" } else { "" }
        )
    }
}

/// Where each of the columns asked for sits in the file's header, or the violations: a
/// column missing or repeated. Columns the file has beyond those are ignored, so a plan
/// table may gain columns without breaking the checks that do not read them.
fn locate_columns(file: &str, got: &[String], header: &[&str]) -> Result<Vec<usize>, String> {
    let mut at = Vec::with_capacity(header.len());
    let mut problems = Vec::new();
    for h in header {
        let mut found = got
            .iter()
            .enumerate()
            .filter(|(_, g)| g == h)
            .map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(i), None) => at.push(i),
            (None, _) => problems.push(format!("lacks the column {h}")),
            (Some(_), Some(_)) => problems.push(format!("has the column {h} twice")),
        }
    }
    if problems.is_empty() {
        Ok(at)
    } else {
        Err(format!(
            "{file}: the header {:?} {} (expected the columns {})",
            got.join(","),
            problems.join(" and "),
            header.join(",")
        ))
    }
}

/// Reads a plan table: the header must hold each column of `header` once (other columns
/// are ignored); each row's cells are those columns, in `header`'s order, with name
/// cells unguarded. A missing file, a missing or repeated column or a malformed row is a
/// violation.
pub(super) fn read_table<'h>(
    rep: &mut VerifyReport,
    dir: &Path,
    file: &str,
    header: &'h [&'h str],
) -> Option<Vec<Row<'h>>> {
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
    let located = locate_columns(file, &got, header);
    rep.check(located.is_ok(), || {
        located.clone().err().unwrap_or_default()
    });
    let at = located.ok()?;
    let text_col: Vec<bool> = header.iter().map(|h| TEXT_COLUMNS.contains(h)).collect();
    // Rows are sorted by their key: the file's columns up to its last name column asked
    // for (so a column the file gains in front, such as a milestone, leads the order).
    let key_width = at
        .iter()
        .zip(&text_col)
        .filter(|(_, &text)| text)
        .map(|(&i, _)| i + 1)
        .max()
        .unwrap_or(0);
    let mut rows = Vec::new();
    let mut keys: Vec<Vec<String>> = Vec::new();
    for rec in r.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line());
                if sorted {
                    keys.push(
                        rec.iter()
                            .take(key_width)
                            .map(|c| unguard(c).to_string())
                            .collect(),
                    );
                }
                let cells = at
                    .iter()
                    .zip(&text_col)
                    .map(|(&i, &text)| {
                        let c = rec.get(i).unwrap_or("");
                        if text { unguard(c) } else { c }.to_string()
                    })
                    .collect();
                rows.push(Row {
                    line,
                    cells,
                    header,
                });
            }
            Err(e) => rep.fail(format!("{file}: {e}")),
        }
    }
    let unsorted = keys.windows(2).position(|w| w[0] > w[1]);
    rep.check(unsorted.is_none(), || {
        format!(
            "{file} line {}: rows are not sorted by their key columns",
            unsorted.map_or(0, |i| rows[i + 1].line)
        )
    });
    Some(rows)
}

/// How a plan table's `smart_account` column names a VA's account.
#[derive(Clone, Copy)]
pub(super) enum Account {
    /// The Smart Account itself (positions, substitutions).
    Sa,
    /// The transfer pool's account, which a merge may span (moves, purchases).
    Pool,
}

impl Verifier<'_> {
    /// The rows of plan table `file`, read with the columns `header` (none when the file
    /// cannot be used: that is a violation already).
    pub(super) fn rows(
        &mut self,
        file: &str,
        header: &'static [&'static str],
    ) -> Vec<Row<'static>> {
        read_table(&mut self.rep, self.dir, file, header).unwrap_or_default()
    }

    /// The VA that column `va` of row `r` names, in the account its `smart_account`
    /// column names.
    pub(super) fn va_of(&self, r: &Row, account: Account, va: &str) -> Option<VaId> {
        let key = (r.get("smart_account").to_string(), r.get(va).to_string());
        match account {
            Account::Sa => self.m.va_by_sa.get(&key),
            Account::Pool => self.m.va_by_pool.get(&key),
        }
        .copied()
    }

    /// The licence column `column` of row `r` names.
    pub(super) fn lic_of(&self, r: &Row, column: &str) -> Option<LicId> {
        self.m.lic_by_name.get(r.get(column)).copied()
    }

    /// The quantity of row `r` of `file`: a count, and more than 0 (a violation naming
    /// what the row `does` with it otherwise).
    pub(super) fn quantity(&mut self, file: &str, r: &Row, does: &str) -> Option<u128> {
        let q = r.count(&mut self.rep, file, "quantity")?;
        self.rep
            .check(q > 0, || format!("{file} line {}: {does} 0 units", r.line));
        Some(q)
    }

    /// Records that row `r` of `file` names `what` the case does not hold.
    pub(super) fn unknown(&mut self, file: &str, r: &Row, what: &str) {
        self.rep.fail(format!(
            "{file} line {}: unknown {what} in {:?}",
            r.line, r.cells
        ));
    }
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
