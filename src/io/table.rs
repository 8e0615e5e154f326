//! Reading one CSV table of a case: header normalisation, column lookup and cell parsing
//! that records every problem in a [`Diagnostics`] instead of stopping at the first.

use std::io::{BufReader, Read};
use std::path::Path;

use chrono::NaiveDate;

use crate::error::{Diagnostic, Diagnostics, Error, Result};

/// One column a table may have.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    /// Canonical (normalised) header name.
    pub name: &'static str,
    /// Whether the header must be present.
    pub required: bool,
}

/// A required column.
pub const fn req(name: &'static str) -> Col {
    Col {
        name,
        required: true,
    }
}

/// An optional column.
pub const fn opt(name: &'static str) -> Col {
    Col {
        name,
        required: false,
    }
}

/// Other names CSSM web-UI exports (and spreadsheets) use for our columns, after
/// normalisation; applied only where the table has the target column.
pub const ALIASES: &[(&str, &str)] = &[
    ("account", "smart_account"),
    ("account_name", "smart_account"),
    ("smart_account_name", "smart_account"),
    ("va", "virtual_account"),
    ("virtual_account_name", "virtual_account"),
    ("licence", "license"),
    ("license_name", "license"),
    ("licence_name", "license"),
    ("display_name", "license"),
    ("purchased", "quantity"),
    ("entitled", "quantity"),
    ("qty", "quantity"),
    ("count", "quantity"),
    ("inuse", "in_use"),
    ("used", "in_use"),
    ("consumed", "in_use"),
    ("reservations", "reserved"),
    ("type", "license_type"),
    ("licence_type", "license_type"),
    ("start", "start_date"),
    ("end", "end_date"),
    ("expires", "end_date"),
    ("expiration_date", "end_date"),
    ("expiry_date", "end_date"),
    ("name", "instance"),
    ("product_instance", "instance"),
    ("instance_name", "instance"),
    ("hostname", "instance"),
    ("last_contact_date", "last_contact"),
    ("last_seen", "last_contact"),
    ("price", "unit_price"),
    ("list_price", "unit_price"),
    ("pack", "pack_size"),
    ("subscription", "subscription_id"),
];

/// Columns of CSSM web-UI exports that carry nothing the model uses (derived figures
/// or display fields); they are skipped rather than rejected.
pub const EXPORT_ONLY: &[&str] = &[
    "alerts",
    "balance",
    "billing",
    "description",
    "shortage",
    "surplus",
    "tags",
];

/// Normalises a header: trim, lower-case, `-` and spaces to `_`, BOM removed.
pub fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace(['-', ' '], "_")
}

/// A CSV table being read row by row.
pub struct TableReader {
    /// File name used in messages.
    pub file: String,
    reader: csv::Reader<BufReader<Box<dyn Read>>>,
    line_offset: u64,
    /// Position of each declared column in the record, if present.
    positions: Vec<Option<usize>>,
    record: csv::ByteRecord,
    width: usize,
    progress: Option<indicatif::ProgressBar>,
    rows: u64,
    bytes: u64,
}

/// Files at least this large show a progress bar while read (on a terminal only).
const PROGRESS_MIN_BYTES: u64 = 16 << 20;

fn progress_bar(file: &str, len: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if len < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{prefix:>18} [{bar:30}] {bytes}/{total_bytes} ({eta})",
        )
        .ok()?
        .progress_chars("=> "),
    );
    bar.set_prefix(file.to_string());
    Some(bar)
}

/// The current row of a [`TableReader`].
pub struct Row<'a> {
    /// 1-based line number of the row in the file.
    pub line: u64,
    record: &'a csv::ByteRecord,
    positions: &'a [Option<usize>],
    file: &'a str,
    cols: &'a [Col],
}

impl TableReader {
    /// Opens table `file` of case folder `dir` (a CSV file or a workbook sheet, see
    /// [`crate::io::source::locate`]) and checks its header against `cols`. Returns
    /// `Ok(None)` when the header is unusable (the problems are in `diags`).
    pub fn open(
        dir: &Path,
        file: &str,
        cols: &[Col],
        diags: &mut Diagnostics,
    ) -> Result<Option<TableReader>> {
        let Some(source) = crate::io::source::locate(dir, file) else {
            return Err(Error::io(
                dir.join(file),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        };
        let file = &source.label();
        let len = source.byte_len();
        let (input, line_offset) = source.open()?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(BufReader::with_capacity(1 << 20, input));
        let headers = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                diags.file(
                    file,
                    format!("cannot read the header row: {e}"),
                    "save the file as UTF-8 CSV with a header row",
                );
                return Ok(None);
            }
        };
        let mut positions = vec![None; cols.len()];
        let mut ok = true;
        for (i, raw) in headers.iter().enumerate() {
            let raw = String::from_utf8_lossy(raw);
            let mut name = normalise_header(&raw);
            if name.starts_with("x_") {
                continue;
            }
            if !cols.iter().any(|c| c.name == name) {
                if let Some((_, to)) = ALIASES
                    .iter()
                    .find(|(from, to)| *from == name && cols.iter().any(|c| c.name == *to))
                {
                    name = to.to_string();
                } else if EXPORT_ONLY.contains(&name.as_str()) {
                    continue;
                }
            }
            match cols.iter().position(|c| c.name == name) {
                Some(k) if positions[k].is_none() => positions[k] = Some(i),
                Some(_) => {
                    diags.push(Diagnostic {
                        file: file.to_string(),
                        line: Some(1),
                        column: Some(name.clone()),
                        value: Some(raw.to_string()),
                        message: "is a duplicate column".into(),
                        fix: "remove one of the two columns".into(),
                    });
                    ok = false;
                }
                None => {
                    let known: Vec<&str> = cols.iter().map(|c| c.name).collect();
                    diags.push(Diagnostic {
                        file: file.to_string(),
                        line: Some(1),
                        column: Some(format!("{}", i + 1)),
                        value: Some(raw.to_string()),
                        message: "is not a known column".into(),
                        fix: format!(
                            "use one of {}, or prefix the column with x_ to keep it as a note",
                            known.join(", ")
                        ),
                    });
                    ok = false;
                }
            }
        }
        for (k, c) in cols.iter().enumerate() {
            if c.required && positions[k].is_none() {
                diags.push(Diagnostic {
                    file: file.to_string(),
                    line: Some(1),
                    column: Some(c.name.to_string()),
                    value: None,
                    message: "required column is missing".into(),
                    fix: format!("add a column named {} to the header row", c.name),
                });
                ok = false;
            }
        }
        if !ok {
            return Ok(None);
        }
        Ok(Some(TableReader {
            file: file.to_string(),
            reader,
            positions,
            record: csv::ByteRecord::new(),
            width: headers.len(),
            progress: progress_bar(file, len),
            rows: 0,
            bytes: len,
            line_offset,
        }))
    }

    /// Size of the underlying file in bytes (0 for a workbook sheet).
    pub fn byte_len(&self) -> u64 {
        self.bytes
    }

    /// Reads the next row; `None` at the end. Rows that cannot be parsed as CSV or have
    /// the wrong number of fields are reported and skipped.
    pub fn next_row<'a>(&'a mut self, cols: &'a [Col], diags: &mut Diagnostics) -> Option<Row<'a>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => {
                    if let Some(bar) = self.progress.take() {
                        bar.finish_and_clear();
                    }
                    return None;
                }
                Ok(true) => {
                    self.rows += 1;
                    if let Some(bar) = &self.progress {
                        if self.rows.is_multiple_of(65_536) {
                            bar.set_position(self.reader.position().byte());
                        }
                    }
                    let line = self.record.position().map_or(0, |p| p.line()) + self.line_offset;
                    if self.record.len() == 1 && self.record.get(0).is_some_and(|f| f.is_empty()) {
                        continue; // blank line
                    }
                    if self.record.len() != self.width {
                        diags.push(Diagnostic {
                            file: self.file.clone(),
                            line: Some(line),
                            column: None,
                            value: None,
                            message: format!(
                                "has {} fields but the header has {}",
                                self.record.len(),
                                self.width
                            ),
                            fix: "quote values that contain commas, and give every row one value per column".into(),
                        });
                        continue;
                    }
                    if std::str::from_utf8(self.record.as_slice()).is_err() {
                        diags.push(Diagnostic {
                            file: self.file.clone(),
                            line: Some(line),
                            column: None,
                            value: None,
                            message: "is not valid UTF-8".into(),
                            fix: "save the file as UTF-8".into(),
                        });
                        continue;
                    }
                    return Some(Row {
                        line,
                        record: &self.record,
                        positions: &self.positions,
                        file: &self.file,
                        cols,
                    });
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    diags.push(Diagnostic {
                        file: self.file.clone(),
                        line: Some(line),
                        column: None,
                        value: None,
                        message: format!("cannot be read as CSV: {e}"),
                        fix: "check the quoting on this line".into(),
                    });
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        return None;
                    }
                }
            }
        }
    }
}

impl<'a> Row<'a> {
    /// The trimmed text of column `k` (index into the declared columns); empty when absent.
    pub fn get(&self, k: usize) -> &'a str {
        match self.positions[k] {
            // UTF-8 was checked for the whole record in `next_row`.
            Some(i) => self
                .record
                .get(i)
                .map_or("", |b| std::str::from_utf8(b).unwrap_or("").trim()),
            None => "",
        }
    }

    /// The file this row is in.
    pub fn file(&self) -> &'a str {
        self.file
    }

    fn col(&self, k: usize) -> &'static str {
        self.cols[k].name
    }

    /// A required non-empty text cell.
    pub fn text(&self, k: usize, diags: &mut Diagnostics) -> Option<&'a str> {
        let v = self.get(k);
        if v.is_empty() {
            diags.cell(
                self.file,
                self.line,
                self.col(k),
                v,
                "is empty",
                format!("fill in {}", self.col(k)),
            );
            None
        } else {
            Some(v)
        }
    }

    /// A whole number >= 0; `default` when the cell is empty (`None` makes it required).
    pub fn count(&self, k: usize, default: Option<u64>, diags: &mut Diagnostics) -> Option<u64> {
        let v = self.get(k);
        if v.is_empty() {
            if default.is_none() {
                diags.cell(
                    self.file,
                    self.line,
                    self.col(k),
                    v,
                    "is empty",
                    format!("write a whole number >= 0 in {}", self.col(k)),
                );
            }
            return default;
        }
        match parse_count(v) {
            Ok(n) => Some(n),
            Err(why) => {
                diags.cell(
                    self.file,
                    self.line,
                    self.col(k),
                    v,
                    format!("is not a whole number >= 0 ({why})"),
                    "write digits only, e.g. 1200 (no sign, decimals or thousands separators)",
                );
                None
            }
        }
    }

    /// An optional date (`YYYY-MM-DD` or RFC 3339).
    pub fn date(&self, k: usize, diags: &mut Diagnostics) -> Option<Option<NaiveDate>> {
        let v = self.get(k);
        if v.is_empty() {
            return Some(None);
        }
        match parse_date(v) {
            Some(d) => Some(Some(d)),
            None => {
                diags.cell(
                    self.file,
                    self.line,
                    self.col(k),
                    v,
                    "is not a date",
                    "write dates as YYYY-MM-DD (or RFC 3339, e.g. 2026-11-01T00:00:00Z)",
                );
                None
            }
        }
    }

    /// An enum value; `default` when empty.
    pub fn choice<T: Copy>(
        &self,
        k: usize,
        options: &[(&str, T)],
        default: T,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        let v = self.get(k);
        if v.is_empty() {
            return Some(default);
        }
        match options.iter().find(|(n, _)| n.eq_ignore_ascii_case(v)) {
            Some(&(_, t)) => Some(t),
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                diags.cell(
                    self.file,
                    self.line,
                    self.col(k),
                    v,
                    "is not a known value",
                    format!("use one of {}", names.join(", ")),
                );
                None
            }
        }
    }

    /// Records a problem with column `k` of this row.
    pub fn problem(
        &self,
        k: usize,
        message: impl Into<String>,
        fix: impl Into<String>,
        diags: &mut Diagnostics,
    ) {
        diags.cell(self.file, self.line, self.col(k), self.get(k), message, fix);
    }
}

/// Parses a whole number >= 0, explaining a failure.
pub fn parse_count(v: &str) -> std::result::Result<u64, &'static str> {
    if v.contains(',') {
        return Err("thousands separators are not allowed");
    }
    if v.starts_with('-') {
        return Err("negative");
    }
    if v.contains('.') || v.contains('e') || v.contains('E') {
        return Err("not whole");
    }
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number");
    }
    v.parse::<u64>().map_err(|_| "too large")
}

/// Parses a date written as `YYYY-MM-DD` or RFC 3339 (the date part is used).
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    // Fast path for the common YYYY-MM-DD (a million rows of instances carry one each).
    let b = v.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
            })
        };
        return NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?);
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        if v.len() == 10 {
            return Some(d);
        }
    }
    chrono::DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|dt| dt.date_naive())
}

/// Parses a decimal money amount >= 0 with at most two decimals into integer cents.
pub fn parse_cents(v: &str) -> std::result::Result<i64, &'static str> {
    if v.contains(',') {
        return Err("thousands separators are not allowed");
    }
    if v.starts_with('-') {
        return Err("negative");
    }
    let (whole, frac) = match v.split_once('.') {
        Some((w, f)) => (w, f),
        None => (v, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err("not a number");
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number");
    }
    if frac.len() > 2 {
        return Err("more than two decimals");
    }
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "too large")?
    };
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| "not a number")? * 10,
        _ => frac.parse().map_err(|_| "not a number")?,
    };
    w.checked_mul(100)
        .and_then(|c| c.checked_add(f))
        .ok_or("too large")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("1200"), Ok(1200));
        assert!(parse_count("1,200").is_err());
        assert!(parse_count("-3").is_err());
        assert!(parse_count("2.5").is_err());
        assert!(parse_count("abc").is_err());
    }

    #[test]
    fn cents() {
        assert_eq!(parse_cents("12.5"), Ok(1250));
        assert_eq!(parse_cents("2999.99"), Ok(299999));
        assert_eq!(parse_cents("7"), Ok(700));
        assert_eq!(parse_cents(".5"), Ok(50));
        assert!(parse_cents("1.005").is_err());
        assert!(parse_cents("-1").is_err());
        assert!(parse_cents("1,000").is_err());
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(parse_date("2026-11-01"), Some(d));
        assert_eq!(parse_date("2026-11-01T23:59:59+02:00"), Some(d));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("01/11/2026"), None);
    }

    #[test]
    fn headers() {
        assert_eq!(
            normalise_header("\u{feff} Virtual-Account "),
            "virtual_account"
        );
        assert_eq!(normalise_header("In Use"), "in_use");
    }
}
