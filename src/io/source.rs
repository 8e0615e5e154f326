//! Where a case table comes from: `NAME.csv`, or a sheet of an Excel workbook in the case
//! folder (`NAME.xlsx`'s first sheet, or a sheet named `NAME` in any workbook there),
//! since advisors often receive Excel files. A sheet is turned into CSV text in memory,
//! so the same reader, checks and messages apply (its rows keep their sheet row numbers).
//!
//! The folder is scanned once ([`Sources::scan`]). A table found in two places (say
//! `usage.csv` and a `usage` sheet) is an error naming every candidate, never a silent
//! pick; a workbook that cannot be opened is reported as unreadable, with the reason,
//! rather than leaving its tables to look missing. Excel's `~$` lock files are ignored.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use crate::error::{Diagnostic, Error, Result};
use crate::io::text::normalise_header;

/// A located table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableSource {
    /// A CSV file.
    Csv(PathBuf),
    /// A worksheet of a workbook.
    Sheet {
        /// The workbook file.
        book: PathBuf,
        /// The sheet's name as written.
        sheet: String,
    },
}

impl TableSource {
    /// How messages name it: `entitlements.csv`, or `acme.xlsx[entitlements]`.
    pub fn label(&self) -> String {
        match self {
            TableSource::Csv(p) => file_name(p),
            TableSource::Sheet { book, sheet } => format!("{}[{sheet}]", file_name(book)),
        }
    }

    /// Where the table was read from, in words, when it is not the CSV file of its name:
    /// `sheet "Entitlements" of customer.xlsx`; `None` for a CSV file.
    pub fn origin(&self) -> Option<String> {
        match self {
            TableSource::Csv(_) => None,
            TableSource::Sheet { book, sheet } => {
                Some(format!("sheet {sheet:?} of {}", file_name(book)))
            }
        }
    }

    /// Opens it for reading as CSV text. For a sheet, also returns the 0-based sheet row
    /// of the first record (so messages can name sheet rows); `None` for a CSV file,
    /// whose messages name physical lines. A sheet that cannot be read is an input error.
    pub fn open(&self) -> Result<(Box<dyn Read>, Option<u64>)> {
        match self {
            TableSource::Csv(p) => {
                let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
                Ok((Box::new(f), None))
            }
            TableSource::Sheet { book, sheet } => {
                let (bytes, offset) = sheet_as_csv(book, sheet).map_err(|why| {
                    let fix = "open the workbook in Excel and save it again as .xlsx, or export the sheet as CSV";
                    let message = format!("cannot be read: {why}");
                    Error::input(Diagnostic::new(self.label(), message, fix))
                })?;
                Ok((Box::new(Cursor::new(bytes)), Some(offset)))
            }
        }
    }

    /// Size in bytes (for the progress bar; 0 for sheets).
    pub fn byte_len(&self) -> u64 {
        match self {
            TableSource::Csv(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            TableSource::Sheet { .. } => 0,
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A workbook of the case folder and its sheet names.
#[derive(Debug, Clone)]
struct Book {
    path: PathBuf,
    sheets: Vec<String>,
}

/// The tables a case folder offers: its CSV files and the sheets of its workbooks.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    dir: PathBuf,
    books: Vec<Book>,
}

impl Sources {
    /// Scans `dir` once: lists its workbooks (`.xlsx`, `.xls`, not `~$` lock files) and
    /// their sheets. Each workbook that cannot be opened is returned as a problem.
    pub fn scan(dir: &Path) -> (Sources, Vec<Diagnostic>) {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| is_workbook(p) && !file_name(p).starts_with("~$"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let mut books = Vec::new();
        let mut problems = Vec::new();
        for path in paths {
            match open_workbook_auto(&path) {
                Ok(wb) => books.push(Book {
                    sheets: wb.sheet_names(),
                    path,
                }),
                Err(e) => {
                    let message = format!("is a workbook that cannot be read: {e}");
                    let fix = "open it in Excel and save it again as .xlsx (a workbook may hold case tables, so it is not skipped), or move it out of the case folder";
                    problems.push(Diagnostic::new(file_name(&path), message, fix));
                }
            }
        }
        (
            Sources {
                dir: dir.to_path_buf(),
                books,
            },
            problems,
        )
    }

    /// Every place table `file` (e.g. `usage.csv`) could come from: the CSV file, the
    /// first sheet of `STEM.xlsx` and sheets named `STEM` (case-insensitive, `-` and
    /// spaces read as `_`) in the folder's workbooks.
    pub fn candidates(&self, file: &str) -> Vec<TableSource> {
        let mut out = Vec::new();
        let csv = self.dir.join(file);
        if csv.is_file() {
            out.push(TableSource::Csv(csv));
        }
        let Some(stem) = file.strip_suffix(".csv") else {
            return out;
        };
        for book in &self.books {
            let own = book
                .path
                .file_stem()
                .is_some_and(|s| normalise_header(&s.to_string_lossy()) == stem);
            let sheets: Vec<&String> = if own {
                book.sheets.first().into_iter().collect()
            } else {
                book.sheets
                    .iter()
                    .filter(|n| normalise_header(n) == stem)
                    .collect()
            };
            out.extend(sheets.into_iter().map(|s| TableSource::Sheet {
                book: book.path.clone(),
                sheet: s.clone(),
            }));
        }
        out
    }

    /// Table `file`: `Ok(None)` when the folder does not hold it, an input problem
    /// naming every candidate when it holds it more than once.
    pub fn locate(&self, file: &str) -> std::result::Result<Option<TableSource>, Box<Diagnostic>> {
        let mut found = self.candidates(file);
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop()),
            _ => {
                let names: Vec<String> = found.iter().map(TableSource::label).collect();
                let message = format!(
                    "is in the case folder {} times: {}",
                    names.len(),
                    names.join(", ")
                );
                let fix = "keep one of them: delete, rename or move the others (a sheet of the same name counts as the table)";
                Err(Box::new(Diagnostic::new(file, message, fix)))
            }
        }
    }
}

fn is_workbook(p: &Path) -> bool {
    p.is_file()
        && p.extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("xlsx") || x.eq_ignore_ascii_case("xls"))
}

/// Renders one cell as the text a CSV export would hold.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_datetime().map_or_else(
            || d.as_f64().to_string(),
            |t| t.date().format("%Y-%m-%d").to_string(),
        ),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A sheet as CSV bytes and the 0-based row of its first record; the error is why not.
fn sheet_as_csv(book: &Path, sheet: &str) -> std::result::Result<(Vec<u8>, u64), String> {
    let mut wb = open_workbook_auto(book).map_err(|e| e.to_string())?;
    let range = wb.worksheet_range(sheet).map_err(|e| e.to_string())?;
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        w.write_record(&cells).map_err(|e| e.to_string())?;
    }
    Ok((w.into_inner().map_err(|e| e.to_string())?, first_row))
}
