//! Error types and the exit codes they map to.
//!
//! Every layer reports through [`Error`]; `main` turns it into the documented exit code.

use std::fmt;
use std::path::PathBuf;

/// The exit codes of `reallot`, each with its meaning (README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The run finished: every plan optimal, nothing wrong found.
    Success = 0,
    /// An internal failure (I/O, solver crash).
    Internal = 1,
    /// A usage error (bad flags, missing files named on the command line), or an output
    /// path refused.
    Usage = 2,
    /// A solve that did not reach a proven optimum.
    NotOptimal = 3,
    /// `verify` (or `execute`'s check first): the plan breaks at least one rule.
    Verify = 4,
    /// Bad input data (BSD `EX_DATAERR`).
    Data = 65,
}

impl Exit {
    /// The process exit code.
    pub const fn code(self) -> i32 {
        self as i32
    }
}

/// How many problems one validation pass reports before it stops listing them.
pub const ERROR_CAP: usize = 50;

/// Where a problem sits: a file (or the case, or a scenario), and within it a line, a
/// column, or both. One type for every reader (CSV, workbook, TOML, JSON), with one
/// display rule: `FILE[ line N][, column C]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// File name relative to the case folder (`entitlements.csv`, `book.xlsx[sheet]`), or
    /// what else the problem is about (`case NAME`, `scenario NAME`).
    pub file: String,
    /// 1-based line number in that file (the sheet row of a workbook sheet), when the
    /// problem sits on one line.
    pub line: Option<u64>,
    /// Where in the line or file: a canonical header name or number, a TOML key or a
    /// JSON path.
    pub column: Option<String>,
}

impl Position {
    /// The whole of `file`.
    pub fn file(file: impl Into<String>) -> Self {
        Position {
            file: file.into(),
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ", column {col}")?;
        }
        Ok(())
    }
}

/// One problem found in the input: where it is, what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where it is.
    pub at: Position,
    /// The offending value, as written.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Diagnostic {
    /// A problem with the whole of `file`; place it with [`Diagnostic::at_line`] and
    /// [`Diagnostic::at_column`], and show the offending value with
    /// [`Diagnostic::with_value`].
    pub fn new(
        file: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Diagnostic {
            at: Position::file(file),
            value: None,
            message: message.into(),
            fix: fix.into(),
        }
    }

    /// The same problem, on 1-based `line` of the file.
    pub fn at_line(mut self, line: u64) -> Self {
        self.at.line = Some(line);
        self
    }

    /// The same problem, in `column`: a header name or number, a TOML key or a JSON path.
    pub fn at_column(mut self, column: impl Into<String>) -> Self {
        self.at.column = Some(column.into());
        self
    }

    /// The same problem, showing the offending `value` as written.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
}

/// One display rule for every problem: `POSITION: ["VALUE" ]MESSAGE[ (fix: FIX)]`, the
/// position as [`Position`] shows it.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.at)?;
        if let Some(v) = &self.value {
            write!(f, "{v:?} ")?;
        }
        write!(f, "{}", self.message)?;
        if !self.fix.is_empty() {
            write!(f, " (fix: {})", self.fix)?;
        }
        Ok(())
    }
}

/// A collector of [`Diagnostic`]s that keeps the first [`ERROR_CAP`] and counts the rest.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    dropped: usize,
}

impl Diagnostics {
    /// Records one problem.
    pub fn push(&mut self, d: Diagnostic) {
        if self.list.len() < ERROR_CAP {
            self.list.push(d);
        } else {
            self.dropped += 1;
        }
    }

    /// Shorthand for a problem in one cell.
    pub fn cell(
        &mut self,
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.push(
            Diagnostic::new(file, message, fix)
                .at_line(line)
                .at_column(column)
                .with_value(value),
        );
    }

    /// Shorthand for a problem with a whole file or the case.
    pub fn file(&mut self, file: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Diagnostic::new(file, message, fix));
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.dropped == 0
    }

    /// The recorded problems.
    pub fn list(&self) -> &[Diagnostic] {
        &self.list
    }

    /// Turns the collection into `Ok(value)` when empty, else into [`Error::Input`].
    pub fn finish<T>(self, value: T) -> Result<T, Error> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(Error::Input(InputErrors {
                list: self.list,
                dropped: self.dropped,
            }))
        }
    }
}

/// All problems found in one validation pass.
#[derive(Debug, Clone)]
pub struct InputErrors {
    /// The listed problems (at most [`ERROR_CAP`]).
    pub list: Vec<Diagnostic>,
    /// How many more were found but not listed.
    pub dropped: usize,
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.list.len() + self.dropped;
        writeln!(
            f,
            "the case has {n} input error{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.list {
            writeln!(f, "  - {d}")?;
        }
        if self.dropped > 0 {
            writeln!(f, "  ... and {} more", self.dropped)?;
        }
        Ok(())
    }
}

/// The library's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The case or scenario data is malformed (exit 65).
    #[error("{0}")]
    Input(InputErrors),
    /// The command line asks for something impossible (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed (exit 1).
    #[error("{path}: {source}")]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The solver failed in a way that is not a status (exit 1).
    #[error("solver failure: {0}")]
    Solver(String),
    /// An output file could not be rendered (exit 1).
    #[error("cannot render {file}: {message}")]
    Render {
        /// The output file.
        file: String,
        /// Why.
        message: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A single input problem as an error.
    pub fn input(d: Diagnostic) -> Self {
        Error::Input(InputErrors {
            list: vec![d],
            dropped: 0,
        })
    }

    /// The process exit code this error maps to.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => Exit::Data,
            Error::Usage(_) => Exit::Usage,
            Error::Io { .. } | Error::Solver(_) | Error::Render { .. } => Exit::Internal,
        }
        .code()
    }
}

/// Library result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
