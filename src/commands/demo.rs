//! `reallot demo`: plan the shipped sample case (no arguments needed).

use std::io::Write;
use std::path::PathBuf;

use super::stdout_error;
use crate::error::{Error, Result};
use crate::model::SolveOptions;
use crate::scenario::Scenario;

/// Arguments of `reallot demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder (default: out/demo).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `reallot demo`: extracts the sample case to a temporary folder and plans it.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join("demo"));
    let dir = tempfile::tempdir().map_err(|e| Error::io("temporary folder", e))?;
    let case = crate::demo::extract(dir.path())?;
    let scenario = Scenario::parse(crate::demo::SCENARIO, "demo scenario", "renewal")?;
    writeln!(
        w,
        "reallot demo: the shipped sample case (data/acme-networks), scenario {}\n",
        scenario.name
    )
    .map_err(stdout_error)?;
    super::plan::plan_and_print(
        &case,
        &scenario,
        None,
        (&out, &[]),
        &SolveOptions::default(),
        w,
    )
}
