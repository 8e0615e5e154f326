//! Where a case table comes from: `NAME.csv`, or a sheet of an Excel workbook in the case
//! folder (`NAME.xlsx`, or a sheet named `NAME` in any workbook there), since advisors
//! often receive Excel files. A sheet is turned into CSV text in memory, so the same
//! reader, checks and messages apply (its rows keep their sheet row numbers).

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use crate::error::{Error, Result};
use crate::io::table::normalise_header;

/// A located table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
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

impl Source {
    /// How messages name it: `entitlements.csv`, or `acme.xlsx[entitlements]`.
    pub fn label(&self) -> String {
        match self {
            Source::Csv(p) => file_name(p),
            Source::Sheet { book, sheet } => format!("{}[{sheet}]", file_name(book)),
        }
    }

    /// Opens it for reading as CSV text; also returns how many sheet rows precede the
    /// first one read (added to line numbers so messages match the spreadsheet).
    pub fn open(&self) -> Result<(Box<dyn Read>, u64)> {
        match self {
            Source::Csv(p) => {
                let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
                Ok((Box::new(f), 0))
            }
            Source::Sheet { book, sheet } => {
                let (bytes, offset) = sheet_as_csv(book, sheet)?;
                Ok((Box::new(Cursor::new(bytes)), offset))
            }
        }
    }

    /// Size in bytes (for the progress bar; 0 for sheets).
    pub fn byte_len(&self) -> u64 {
        match self {
            Source::Csv(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Source::Sheet { .. } => 0,
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn workbooks(dir: &Path) -> Vec<PathBuf> {
    let mut books: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| {
                        x.eq_ignore_ascii_case("xlsx") || x.eq_ignore_ascii_case("xls")
                    }) && !file_name(p).starts_with("~$")
                })
                .collect()
        })
        .unwrap_or_default();
    books.sort();
    books
}

/// Finds table `file` (e.g. `entitlements.csv`) in `dir`: the CSV, else `STEM.xlsx`'s
/// first sheet, else a sheet named `STEM` (case-insensitive) in a workbook of the folder.
pub fn locate(dir: &Path, file: &str) -> Option<Source> {
    let csv = dir.join(file);
    if csv.is_file() {
        return Some(Source::Csv(csv));
    }
    let stem = file.strip_suffix(".csv")?;
    for book in workbooks(dir) {
        let Ok(wb) = open_workbook_auto(&book) else {
            continue;
        };
        let names = wb.sheet_names();
        let own = book
            .file_stem()
            .is_some_and(|s| normalise_header(&s.to_string_lossy()) == stem);
        let pick = if own {
            names.first().cloned()
        } else {
            names.into_iter().find(|n| normalise_header(n) == stem)
        };
        if let Some(sheet) = pick {
            return Some(Source::Sheet { book, sheet });
        }
    }
    None
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

fn sheet_as_csv(book: &Path, sheet: &str) -> Result<(Vec<u8>, u64)> {
    let bad = |e: String| {
        Error::Usage(format!(
            "{}: cannot read sheet {sheet:?}: {e}",
            book.display()
        ))
    };
    let mut wb = open_workbook_auto(book).map_err(|e| bad(e.to_string()))?;
    let range = wb.worksheet_range(sheet).map_err(|e| bad(e.to_string()))?;
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        w.write_record(&cells).map_err(|e| bad(e.to_string()))?;
    }
    Ok((w.into_inner().map_err(|e| bad(e.to_string()))?, first_row))
}
