//! `reallot check`: validate a case and print the vendor's per-VA view, without solving
//! for a plan.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;

use super::date_arg;
use crate::error::Result;
use crate::scenario::Scenario;

/// Arguments of `reallot check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Case folder.
    pub case: PathBuf,
    /// Date of the data export, overriding case.toml (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
    /// Scenario whose stale_after_days the stale-instance findings use (default 90 days).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Runs `reallot check`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let scenario = match &args.model {
        Some(p) => Scenario::from_arg(p, &args.case)?,
        None => Scenario::default(),
    };
    let estate = crate::pipeline::read(&args.case)?;
    crate::check::check(&estate, args.as_of, scenario.stale_after_days, w)?;
    Ok(0)
}
