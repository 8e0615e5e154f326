//! Reading one table of a case (a CSV file or a workbook sheet, see
//! [`crate::io::source`]): header matching, row and line tracking, and typed cell access
//! that records every problem in a [`Diagnostics`] instead of stopping at the first. The
//! rules for single values live in [`crate::io::text`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::marker::PhantomData;
use std::ops::Range;
use std::path::PathBuf;
use std::rc::Rc;

use chrono::NaiveDate;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::source::TableSource;
use crate::io::text::{
    check_date, check_name, limit_text, normalise_header, parse_cents, parse_count, shown,
    MAX_COUNT, MAX_NAME_CHARS, MAX_PRICE_CENTS,
};

/// One column a table may have.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    /// Canonical (normalised) header name.
    pub name: &'static str,
    /// Whether the header must be present.
    pub required: bool,
}

/// A required column.
pub(crate) const fn req(name: &'static str) -> Col {
    Col {
        name,
        required: true,
    }
}

/// An optional column.
pub(crate) const fn opt(name: &'static str) -> Col {
    Col {
        name,
        required: false,
    }
}

/// The columns of one table: an enum whose variants are its declared columns, in order,
/// so a row is read by column name, never by position. Declare one with [`columns!`].
pub(crate) trait Columns: Copy {
    /// The declared columns, in variant order.
    const COLS: &'static [Col];
    /// The variant's place in [`Columns::COLS`].
    fn index(self) -> usize;
}

/// Declares the columns of a table as an enum implementing [`Columns`], each variant with
/// its header name: `columns! { enum Cmdb { Instance = req("instance"), Status =
/// req("status") } }`.
macro_rules! columns {
    ($(#[$m:meta])* enum $name:ident {
        $($var:ident = $kind:ident($header:literal)),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum $name {
            $($var),+
        }

        impl $crate::io::table::Columns for $name {
            const COLS: &'static [$crate::io::table::Col] =
                &[$($crate::io::table::$kind($header)),+];
            fn index(self) -> usize {
                self as usize
            }
        }
    };
}
pub(crate) use columns;

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

/// Where the line breaks of a CSV file are, as far as it has been read: the byte range
/// of each `\n`, `\r\n` or lone `\r` (a `\r\n` is one break).
#[derive(Default)]
struct Breaks {
    /// Byte ranges `[start, end)` of breaks not yet passed by a record start.
    pending: VecDeque<(u64, u64)>,
    /// Bytes read so far.
    read: u64,
    /// Whether the last byte read was `\r`.
    prev_cr: bool,
}

impl Breaks {
    /// Notes the line breaks of `chunk`, the next bytes read. Recording them as they pass
    /// lets a record's line be told from its byte offset whatever the line endings (the
    /// CSV parser's own line count is one short per record in CRLF files).
    fn note(&mut self, chunk: &[u8]) {
        let start = self.read;
        for i in memchr::memchr2_iter(b'\r', b'\n', chunk) {
            let after_cr = if i == 0 {
                self.prev_cr
            } else {
                chunk[i - 1] == b'\r'
            };
            let at = start + i as u64;
            if chunk[i] == b'\r' {
                self.pending.push_back((at, at + 1));
            } else if after_cr {
                // The `\n` of a `\r\n`: widen the break pushed for the `\r`.
                if let Some(last) = self.pending.back_mut() {
                    last.1 = at + 1;
                }
            } else {
                self.pending.push_back((at, at + 1));
            }
        }
        if let Some(&last) = chunk.last() {
            self.prev_cr = last == b'\r';
        }
        self.read += chunk.len() as u64;
    }
}

/// A reader that shows each chunk it reads to `look` on the way through (to note line
/// breaks, or whether any `"` passed).
struct Tap<R, F> {
    inner: R,
    look: F,
}

impl<R: Read, F: FnMut(&[u8])> Read for Tap<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.look)(&buf[..n]);
        Ok(n)
    }
}

/// `inner`, its line breaks noted in `breaks` as it is read.
fn counting_breaks<R: Read>(inner: R, breaks: &Rc<RefCell<Breaks>>) -> impl Read {
    let breaks = Rc::clone(breaks);
    Tap {
        inner,
        look: move |chunk: &[u8]| breaks.borrow_mut().note(chunk),
    }
}

/// How a table's records map to the line numbers messages show.
enum Lines {
    /// A CSV file: the physical line where a record starts (`passed` breaks lie before
    /// the last record).
    Physical {
        breaks: Rc<RefCell<Breaks>>,
        passed: u64,
    },
    /// A workbook sheet: one record per sheet row, the header on row `first` (1-based).
    Rows { first: u64, records: u64 },
}

impl Lines {
    /// The line of the record the parser says starts at byte `offset` (records come in
    /// file order). The parser's offset can fall before the record's first byte: on the
    /// `\n` of a `\r\n`, or on blank lines it skipped; breaks there are passed too.
    fn line_at(&mut self, offset: u64) -> u64 {
        match self {
            Lines::Physical { breaks, passed } => {
                let mut b = breaks.borrow_mut();
                let mut cursor = offset;
                while let Some(&(start, end)) = b.pending.front() {
                    if start > cursor {
                        break;
                    }
                    b.pending.pop_front();
                    *passed += 1;
                    cursor = cursor.max(end);
                }
                *passed + 1
            }
            Lines::Rows { first, records } => {
                *records += 1;
                *first + *records
            }
        }
    }
}

/// A CSV table with columns `C` being read row by row.
pub(crate) struct TableReader<C> {
    /// File name used in messages.
    pub file: String,
    reader: csv::Reader<BufReader<Box<dyn Read>>>,
    lines: Lines,
    /// Position of each declared column in the record, if present.
    positions: Vec<Option<usize>>,
    /// Bit `k` set: declared column `k` is required but missing from the header (already
    /// reported), so its cells read as `None` without a message per row.
    missing: u64,
    /// Whether the header matched the declared columns without a problem.
    header_ok: bool,
    record: csv::ByteRecord,
    width: usize,
    progress: Option<indicatif::ProgressBar>,
    rows: u64,
    /// Set when a `"` was read (see [`Parts`]); `None` for a reader of a whole table.
    quoted: Option<Rc<Cell<bool>>>,
    columns: PhantomData<C>,
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

/// The current row of a [`TableReader`] with columns `C`.
pub(crate) struct Row<'a, C> {
    /// 1-based line number of the row in the file: the line where it starts when a
    /// quoted value spans several lines; the sheet row for a workbook sheet.
    pub line: u64,
    record: &'a csv::ByteRecord,
    /// The record's bytes, checked UTF-8 once for all its fields.
    text: &'a str,
    positions: &'a [Option<usize>],
    file: &'a str,
    columns: PhantomData<C>,
    /// Bit `k` set: declared column `k` holds text that breaks the name rules, or is a
    /// required column missing from the header (either already reported), so its
    /// accessors return `None` without a second message.
    bad: u64,
}

impl<C: Columns> TableReader<C> {
    /// Opens table `source` (a CSV file or a workbook sheet, see
    /// [`crate::io::source::Sources`]) and checks its header against `C::COLS`. A header
    /// with problems (reported in `diags`) still lets the cells be read and checked, so
    /// one pass reports both: unknown and repeated columns are skipped, and a missing
    /// required column reads as absent without a message per row (see
    /// [`TableReader::header_ok`]). Returns `Ok(None)` when the table cannot be read at all.
    pub fn open(source: &TableSource, diags: &mut Diagnostics) -> Result<Option<Self>> {
        let cols = C::COLS;
        assert!(cols.len() <= 64, "a table declares at most 64 columns");
        let file = &source.label();
        let len = source.byte_len();
        let (input, first_row) = match source.open() {
            Ok(x) => x,
            Err(Error::Input(problems)) => {
                for d in problems.list {
                    diags.push(d);
                }
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let (input, lines): (Box<dyn Read>, Lines) = match first_row {
            Some(first) => (input, Lines::Rows { first, records: 0 }),
            None => {
                let breaks = Rc::new(RefCell::new(Breaks::default()));
                let counted = counting_breaks(input, &breaks);
                (Box::new(counted), Lines::Physical { breaks, passed: 0 })
            }
        };
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
        let mut lines = lines;
        let header_line = lines.line_at(headers.position().map_or(0, |p| p.byte()));
        let header = match_header(file, &headers, header_line, cols, diags);
        Ok(Some(TableReader {
            file: file.to_string(),
            reader,
            lines,
            positions: header.positions,
            missing: header.missing,
            header_ok: header.ok,
            record: csv::ByteRecord::new(),
            width: headers.len(),
            progress: progress_bar(file, len),
            rows: 0,
            quoted: None,
            columns: PhantomData,
        }))
    }

    /// Whether the header matched the declared columns without a problem. When it did
    /// not, the rows are still read for their own problems, but the table must not be
    /// used: what it says is incomplete.
    pub fn header_ok(&self) -> bool {
        self.header_ok
    }

    /// Reads the next row; `None` at the end. Rows that cannot be parsed as CSV or have
    /// the wrong number of fields are reported and skipped; text that breaks the name
    /// rules (length, control characters) is reported here, once per cell.
    pub fn next_row(&mut self, diags: &mut Diagnostics) -> Option<Row<'_, C>> {
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
                    let line = self
                        .lines
                        .line_at(self.record.position().map_or(0, |p| p.byte()));
                    if self
                        .record
                        .iter()
                        .all(|f| f.iter().all(u8::is_ascii_whitespace))
                    {
                        continue; // a blank line, or a row of empty cells
                    }
                    if self.record.len() != self.width {
                        let message = format!(
                            "has {} fields but the header has {}",
                            self.record.len(),
                            self.width
                        );
                        let fix = "quote values that contain commas, and give every row one value per column";
                        diags.push(Diagnostic::new(&self.file, message, fix).at_line(line));
                        continue;
                    }
                    if std::str::from_utf8(self.record.as_slice()).is_err() {
                        diags.push(
                            Diagnostic::new(
                                &self.file,
                                "is not valid UTF-8",
                                "save the file as UTF-8",
                            )
                            .at_line(line),
                        );
                        continue;
                    }
                    // Checked just above (bound again so the borrow starts after the last
                    // `continue`).
                    let text = std::str::from_utf8(self.record.as_slice()).unwrap_or_default();
                    let mut row = Row {
                        line,
                        record: &self.record,
                        text,
                        positions: &self.positions,
                        file: &self.file,
                        columns: PhantomData,
                        bad: self.missing,
                    };
                    // One pass over the record's bytes settles the common case: no byte
                    // that could start a control character and no field long enough to
                    // break the length limit means every cell passes `check_name`.
                    let bytes = self.record.as_slice();
                    let suspicious = bytes.iter().fold(false, |acc, &b| {
                        acc | (b < 0x20) | (b == 0x7f) | (b == 0xc2)
                    });
                    let short = bytes.len() <= MAX_NAME_CHARS
                        || self.record.iter().all(|f| f.len() <= MAX_NAME_CHARS);
                    let checks = if suspicious || !short {
                        C::COLS.len()
                    } else {
                        0
                    };
                    for k in (0..checks).filter(|k| self.missing & (1 << k) == 0) {
                        if let Err((message, fix)) = check_name(row.field(k)) {
                            row.report(k, message, fix, diags);
                            row.bad |= 1 << k;
                        }
                    }
                    return Some(row);
                }
                Err(e) => {
                    let line = self.lines.line_at(e.position().map_or(0, |p| p.byte()));
                    diags.push(
                        Diagnostic::new(
                            &self.file,
                            format!("cannot be read as CSV: {e}"),
                            "check the quoting on this line",
                        )
                        .at_line(line),
                    );
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        return None;
                    }
                }
            }
        }
    }
}

/// A large CSV file cut at line breaks into byte ranges that can be parsed side by side,
/// one [`TableReader`] each ([`Parts::reader`]). A cut is a record boundary only when
/// no field is quoted (a quoted field may hold a line break), which a part learns only
/// as it reads: [`Parts::clean`] says whether every part read cleanly. A caller reads
/// the parts, and when any was not clean or reported a problem, reads the table again
/// from the start with one [`TableReader::open`], so every message and line number is
/// exactly that of a sequential read.
pub(crate) struct Parts {
    path: PathBuf,
    file: String,
    header: Header,
    width: usize,
    /// Byte ranges of the records, header excluded, in file order.
    pub ranges: Vec<Range<u64>>,
}

impl Parts {
    /// Cuts CSV table `source` into up to `parts` ranges of at least `min_bytes` each,
    /// after a header that matches columns `C` without a problem. `None` when the table
    /// is not worth cutting (a sheet, a small file, one part) or its header needs the
    /// sequential reader's messages.
    pub fn plan<C: Columns>(source: &TableSource, min_bytes: u64, parts: usize) -> Option<Parts> {
        let TableSource::Csv(path) = source else {
            return None;
        };
        let len = source.byte_len();
        let parts = parts.min(usize::try_from(len / min_bytes.max(1)).unwrap_or(usize::MAX));
        if parts < 2 {
            return None;
        }
        let mut f = std::fs::File::open(path).ok()?;
        let mut head = vec![0u8; 64 << 10];
        let n = read_full(&mut f, &mut head).ok()?;
        let end = memchr::memchr(b'\n', &head[..n])? + 1;
        let head = &head[..end];
        if head.contains(&b'"') || head.contains(&b'\r') && !head.ends_with(b"\r\n") {
            return None;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(head);
        let headers = reader.byte_headers().ok()?.clone();
        let file = source.label();
        let mut diags = Diagnostics::default();
        let header = match_header(&file, &headers, 1, C::COLS, &mut diags);
        if !diags.is_empty() || !header.ok {
            return None;
        }
        let mut cuts = vec![end as u64];
        for k in 1..parts as u64 {
            let at = (len * k / parts as u64).max(*cuts.last()?);
            f.seek(SeekFrom::Start(at)).ok()?;
            let mut buf = vec![0u8; 64 << 10];
            let n = read_full(&mut f, &mut buf).ok()?;
            if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
                let cut = at + i as u64 + 1;
                if cut < len && cut > *cuts.last()? {
                    cuts.push(cut);
                }
            }
        }
        cuts.push(len);
        let ranges: Vec<Range<u64>> = cuts.windows(2).map(|w| w[0]..w[1]).collect();
        (ranges.len() >= 2).then(|| Parts {
            path: path.clone(),
            file,
            width: headers.len(),
            header,
            ranges,
        })
    }

    /// A reader of the records in part `k` (its line numbers count from the part's
    /// start: they are right only relative to one another).
    pub fn reader<C: Columns>(&self, k: usize) -> Result<TableReader<C>> {
        let range = &self.ranges[k];
        let mut f = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        f.seek(SeekFrom::Start(range.start))
            .map_err(|e| Error::io(&self.path, e))?;
        let seen = Rc::new(Cell::new(false));
        let breaks = Rc::new(RefCell::new(Breaks::default()));
        let spied = Rc::clone(&seen);
        let quotes = Tap {
            inner: f.take(range.end - range.start),
            look: move |chunk: &[u8]| {
                if memchr::memchr(b'"', chunk).is_some() {
                    spied.set(true);
                }
            },
        };
        let input = counting_breaks(quotes, &breaks);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(BufReader::with_capacity(
                1 << 20,
                Box::new(input) as Box<dyn Read>,
            ));
        Ok(TableReader {
            file: self.file.clone(),
            reader,
            // One break is the header's, before this part: lines count from 2.
            lines: Lines::Physical { breaks, passed: 1 },
            positions: self.header.positions.clone(),
            missing: self.header.missing,
            header_ok: self.header.ok,
            record: csv::ByteRecord::new(),
            width: self.width,
            progress: None,
            rows: 0,
            quoted: Some(seen),
            columns: PhantomData,
        })
    }
}

impl<C> TableReader<C> {
    /// The line breaks a part's reader has read beyond the header's (every one of its
    /// part, once it is read): the next part's lines count on from them.
    pub fn part_breaks(&self) -> u64 {
        match &self.lines {
            Lines::Physical { breaks, passed } => {
                passed.saturating_sub(1) + breaks.borrow().pending.len() as u64
            }
            Lines::Rows { records, .. } => *records,
        }
    }

    /// Whether the reader is a part of a table (see [`Parts`]) that read no `"`, so that
    /// its cut at a line break was a record boundary. Meaningful once it is read.
    pub fn clean_part(&self) -> bool {
        self.quoted.as_ref().is_some_and(|q| !q.get())
    }
}

/// Reads into `buf` until it is full or the input ends; the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A header row matched against the declared columns.
struct Header {
    /// The position of each declared column in the record, if present (the first, when
    /// repeated).
    positions: Vec<Option<usize>>,
    /// Bit `k` set: declared column `k` is required and missing.
    missing: u64,
    /// No column was unknown, repeated or missing.
    ok: bool,
}

/// Matches a header row against the declared columns, reporting in `diags` every column
/// that is unknown, repeated or missing.
fn match_header(
    file: &str,
    headers: &csv::ByteRecord,
    line: u64,
    cols: &[Col],
    diags: &mut Diagnostics,
) -> Header {
    let mut positions = vec![None; cols.len()];
    let mut missing = 0;
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
                diags.push(
                    Diagnostic::new(
                        file,
                        "is a duplicate column",
                        "remove one of the two columns",
                    )
                    .at_line(line)
                    .at_column(name.clone())
                    .with_value(raw.to_string()),
                );
                ok = false;
            }
            None => {
                let known: Vec<&str> = cols.iter().map(|c| c.name).collect();
                diags.push(
                    Diagnostic::new(
                        file,
                        "is not a known column",
                        format!(
                            "use one of {}, or prefix the column with x_ to keep it as a note",
                            known.join(", ")
                        ),
                    )
                    .at_line(line)
                    .at_column(format!("{}", i + 1))
                    .with_value(shown(&raw)),
                );
                ok = false;
            }
        }
    }
    for (k, c) in cols.iter().enumerate() {
        if c.required && positions[k].is_none() {
            diags.push(
                Diagnostic::new(
                    file,
                    "required column is missing",
                    format!("add a column named {} to the header row", c.name),
                )
                .at_line(line)
                .at_column(c.name),
            );
            missing |= 1 << k;
            ok = false;
        }
    }
    Header {
        positions,
        missing,
        ok,
    }
}

impl<'a, C: Columns> Row<'a, C> {
    /// The trimmed text of declared column `k`; empty when absent.
    fn field(&self, k: usize) -> &'a str {
        // UTF-8 was checked for the whole record in `next_row`; fields split at ASCII
        // delimiters, so each range is on character boundaries.
        let field = self.positions[k]
            .and_then(|i| self.record.range(i))
            .and_then(|r| self.text.get(r))
            .unwrap_or("");
        // Most cells have nothing to trim: skip the Unicode-aware scan for them.
        match (field.as_bytes().first(), field.as_bytes().last()) {
            (Some(&a), Some(&b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => field,
            _ => field.trim(),
        }
    }

    /// The trimmed text of column `c`; empty when absent.
    pub fn get(&self, c: C) -> &'a str {
        self.field(c.index())
    }

    /// The text of column `c` when it passed the name rules checked as the row was read;
    /// `None` (already reported) when it did not.
    fn usable(&self, c: C) -> Option<&'a str> {
        (self.bad & (1 << c.index()) == 0).then(|| self.get(c))
    }

    /// Records a problem with declared column `k` of this row, showing its value.
    fn report(
        &self,
        k: usize,
        message: impl Into<String>,
        fix: impl Into<String>,
        diags: &mut Diagnostics,
    ) {
        diags.cell(
            self.file,
            self.line,
            C::COLS[k].name,
            &shown(self.field(k)),
            message,
            fix,
        );
    }

    /// A required non-empty text cell.
    pub fn text(&self, c: C, diags: &mut Diagnostics) -> Option<&'a str> {
        let v = self.usable(c)?;
        if v.is_empty() {
            let name = C::COLS[c.index()].name;
            self.problem(c, "is empty", format!("fill in {name}"), diags);
            None
        } else {
            Some(v)
        }
    }

    /// An optional text cell (empty when absent); `None` when it broke the name rules.
    pub fn opt_text(&self, c: C) -> Option<&'a str> {
        self.usable(c)
    }

    /// A count: a whole number from 0 to [`MAX_COUNT`]; `default` when the cell is empty
    /// (`None` makes it required).
    pub fn count(&self, c: C, default: Option<u64>, diags: &mut Diagnostics) -> Option<u64> {
        self.count_in(c, default, 0, MAX_COUNT, diags)
    }

    /// A whole number from `min` to `max`; `default` when the cell is empty (`None`
    /// makes it required).
    pub fn count_in(
        &self,
        c: C,
        default: Option<u64>,
        min: u64,
        max: u64,
        diags: &mut Diagnostics,
    ) -> Option<u64> {
        let v = self.usable(c)?;
        let name = C::COLS[c.index()].name;
        if v.is_empty() {
            if default.is_none() {
                let fix = format!("write a whole number >= {min} in {name}");
                self.problem(c, "is empty", fix, diags);
            }
            return default;
        }
        // Only a problem needs the column's words: no allocation for a good cell.
        let what = || name.replace('_', " ");
        let problem = match parse_count(v) {
            Ok(n) if n < min => format!("is less than {min}, the smallest {} accepted", what()),
            Ok(n) if n > max => format!(
                "is more than {}, the largest {} accepted",
                limit_text(max.into()),
                what()
            ),
            Ok(n) => return Some(n),
            Err("too large") => format!(
                "is more than {}, the largest {} accepted",
                limit_text(max.into()),
                what()
            ),
            Err(why) => format!("is not a whole number >= {min} ({why})"),
        };
        let fix = format!(
            "write a whole number from {min} to {} in digits only, e.g. 1200 (no sign, decimals or thousands separators)",
            limit_text(max.into())
        );
        self.problem(c, problem, fix, diags);
        None
    }

    /// A required money amount in cents: a decimal from 0 to 10^10 with at most two
    /// decimals.
    pub fn price(&self, c: C, diags: &mut Diagnostics) -> Option<i64> {
        let v = self.usable(c)?;
        let problem = match parse_cents(v) {
            Ok(c) if c <= MAX_PRICE_CENTS => return Some(c),
            Ok(_) | Err("too large") => format!(
                "is more than {}, the largest {} accepted",
                limit_text((MAX_PRICE_CENTS / 100) as u128),
                C::COLS[c.index()].name.replace('_', " ")
            ),
            Err(why) => format!("is not a price >= 0 ({why})"),
        };
        let fix =
            "write a decimal number from 0 to 10000000000 with at most two decimals, e.g. 1450.00";
        self.problem(c, problem, fix, diags);
        None
    }

    /// An optional date (`YYYY-MM-DD` or RFC 3339) from 1900 to 9999.
    pub fn date(&self, c: C, diags: &mut Diagnostics) -> Option<Option<NaiveDate>> {
        let v = self.usable(c)?;
        if v.is_empty() {
            return Some(None);
        }
        match check_date(v) {
            Ok(d) => Some(Some(d)),
            Err(why) => {
                self.problem(c, why.message(), why.fix(), diags);
                None
            }
        }
    }

    /// An enum value; `default` when empty.
    pub fn choice<T: Copy>(
        &self,
        c: C,
        options: &[(&str, T)],
        default: T,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        let v = self.usable(c)?;
        if v.is_empty() {
            return Some(default);
        }
        match options.iter().find(|(n, _)| n.eq_ignore_ascii_case(v)) {
            Some(&(_, t)) => Some(t),
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                let fix = format!("use one of {}", names.join(", "));
                self.problem(c, "is not a known value", fix, diags);
                None
            }
        }
    }

    /// Records a problem with column `c` of this row, showing its value.
    pub fn problem(
        &self,
        c: C,
        message: impl Into<String>,
        fix: impl Into<String>,
        diags: &mut Diagnostics,
    ) {
        self.report(c.index(), message, fix, diags);
    }
}
