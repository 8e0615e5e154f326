//! `reallot check`: validate a case and print the vendor's per-VA view, without solving
//! for a plan.

use std::io::Write;
use std::path::PathBuf;

use super::{scenario_or_default, CaseArgs};
use crate::error::Result;

/// Arguments of `reallot check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case folder and its date.
    #[command(flatten)]
    pub case: CaseArgs,
    /// Scenario whose stale_after_days the stale-instance findings use (default 90 days).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Runs `reallot check`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let CaseArgs { case, as_of } = &args.case;
    let scenario = scenario_or_default(args.model.as_deref(), case)?;
    let estate = crate::pipeline::read(case)?;
    crate::check::check(&estate, *as_of, scenario.stale_after_days, w)?;
    Ok(0)
}
