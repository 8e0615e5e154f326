//! One file per command. Each holds the command's arguments (as clap parses them) and a
//! `run` that takes them and the standard output, and returns the exit code of a run that
//! finished (errors carry their own, see [`crate::error::Error::exit_code`]).

pub mod check;
pub mod compare;
pub mod demo;
pub mod execute;
pub mod fetch;
pub mod import;
pub mod plan;
pub mod verify;

use chrono::NaiveDate;

use crate::error::{Error, EXIT_NOT_OPTIMAL};

/// Parses a `--as-of` style date (YYYY-MM-DD).
fn date_arg(s: &str) -> std::result::Result<NaiveDate, String> {
    crate::io::text::check_date(s).map_err(|why| format!("{s:?} {} ({})", why.message(), why.fix()))
}

/// Parses `--time-limit`: seconds above 0 and at most a day.
fn time_limit_arg(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t > 0.0 && t <= 86_400.0 => Ok(t),
        _ => Err(format!(
            "{s:?} is not a number of seconds above 0 and at most 86400"
        )),
    }
}

/// A failed write to standard output.
fn stdout_error(e: std::io::Error) -> Error {
    Error::io("stdout", e)
}

/// The exit code of a finished run: 0 when every plan is optimal, else
/// [`EXIT_NOT_OPTIMAL`].
fn exit_code(optimal: bool) -> i32 {
    if optimal {
        0
    } else {
        EXIT_NOT_OPTIMAL
    }
}
