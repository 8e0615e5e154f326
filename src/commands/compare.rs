//! `reallot compare`: several scenarios on one case, one plan folder each, plus
//! `scenarios.csv`.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;

use super::{date_arg, exit_code, stdout_error};
use crate::compare::{all_optimal, collect_scenarios, compare, print_table};
use crate::error::Result;
use crate::model::SolveOptions;

/// Arguments of `reallot compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Case folder.
    pub case: PathBuf,
    /// A scenario file, or a name in the case's models/ folder (repeatable).
    #[arg(long)]
    pub model: Vec<PathBuf>,
    /// A folder of scenario files, run in name order (repeatable).
    #[arg(long)]
    pub models: Vec<PathBuf>,
    /// Output folder (default: out/compare).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Date of the data export, overriding case.toml (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
}

/// Runs `reallot compare`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let lineup = collect_scenarios(&args.case, &args.model, &args.models)?;
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join("compare"));
    let mut inputs = vec![args.case.as_path()];
    inputs.extend(args.model.iter().map(PathBuf::as_path));
    inputs.extend(args.models.iter().map(PathBuf::as_path));
    crate::io::write::check_target(&out, &inputs)?;
    let estate = crate::pipeline::read(&args.case)?;
    let plans = compare(
        &estate,
        &lineup,
        args.as_of,
        (&out, &inputs),
        &SolveOptions::default(),
    )?;
    print_table(&plans, &lineup, &out, w).map_err(stdout_error)?;
    Ok(exit_code(all_optimal(&plans)))
}
