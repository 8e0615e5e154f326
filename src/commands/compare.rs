//! `reallot compare`: several scenarios on one case, one plan folder each, plus
//! `scenarios.csv`.

use std::io::Write;
use std::path::PathBuf;

use super::{exit_code, stdout_error, CaseArgs, OutArg};
use crate::compare::{all_optimal, collect_scenarios, compare, print_table};
use crate::error::Result;
use crate::model::SolveOptions;

/// Arguments of `reallot compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case folder and its date.
    #[command(flatten)]
    pub case: CaseArgs,
    /// A scenario file, or a name in the case's models/ folder (repeatable).
    #[arg(long)]
    pub model: Vec<PathBuf>,
    /// A folder of scenario files, run in name order (repeatable).
    #[arg(long)]
    pub models: Vec<PathBuf>,
    /// The output folder.
    #[command(flatten)]
    pub out: OutArg,
}

/// Runs `reallot compare`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let CaseArgs { case, as_of } = &args.case;
    let lineup = collect_scenarios(case, &args.model, &args.models)?;
    let out = args.out.or_default("compare");
    let mut inputs = vec![case.as_path()];
    inputs.extend(args.model.iter().map(PathBuf::as_path));
    inputs.extend(args.models.iter().map(PathBuf::as_path));
    crate::io::write::check_target(&out, &inputs)?;
    let estate = crate::pipeline::read(case)?;
    let plans = compare(
        &estate,
        &lineup,
        *as_of,
        (&out, &inputs),
        &SolveOptions::default(),
    )?;
    print_table(&plans, &lineup, &out, w).map_err(stdout_error)?;
    Ok(exit_code(all_optimal(&plans)))
}
