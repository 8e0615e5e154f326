//! `reallot verify`: re-check a written plan against the case with plain arithmetic.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;

use super::date_arg;
use crate::error::Result;
use crate::scenario::Scenario;

/// Arguments of `reallot verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Case folder.
    pub case: PathBuf,
    /// Folder written by `reallot plan`.
    pub plan_dir: PathBuf,
    /// Scenario to check the plan against (default: the one recorded in the plan folder).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Date of the data export, overriding case.toml (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
}

/// Runs `reallot verify`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let scenario = args
        .model
        .as_deref()
        .map(|m| Scenario::from_arg(m, &args.case))
        .transpose()?;
    crate::verify::command(&args.case, &args.plan_dir, scenario.as_ref(), args.as_of, w)
}
