//! `reallot verify`: re-check a written plan against the case with plain arithmetic.

use std::io::Write;
use std::path::PathBuf;

use super::CaseArgs;
use crate::error::Result;
use crate::scenario::Scenario;

/// Arguments of `reallot verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case folder and its date.
    #[command(flatten)]
    pub case: CaseArgs,
    /// Folder written by `reallot plan`.
    pub plan_dir: PathBuf,
    /// Scenario to check the plan against (default: the one recorded in the plan folder).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Runs `reallot verify`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let CaseArgs { case, as_of } = &args.case;
    let scenario = args
        .model
        .as_deref()
        .map(|m| Scenario::from_arg(m, case))
        .transpose()?;
    crate::verify::command(case, &args.plan_dir, scenario.as_ref(), *as_of, w)
}
