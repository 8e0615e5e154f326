//! The command line as clap parses it, and the dispatch to [`crate::commands`].

use clap::{Parser, Subcommand};

use crate::commands;
use crate::error::Result;

/// Provably optimal licence reallocation for Cisco Smart Licensing estates.
///
/// Exit codes: 0 success, 1 internal failure, 2 usage error, 3 infeasible or not solved
/// to optimality, 4 `verify` found violations, 65 bad input data.
#[derive(Debug, Parser)]
#[command(name = "reallot", version, about)]
pub struct Args {
    /// Threads to use (default: all cores). The output is the same bytes for any number.
    #[arg(long, global = true, value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve one scenario on a case, write the plan, print a short summary.
    Plan(commands::plan::Args),
    /// Run several scenarios on one case: one plan folder each, plus scenarios.csv.
    Compare(commands::compare::Args),
    /// Validate a case and print the vendor's per-VA view, without solving for a plan.
    Check(commands::check::Args),
    /// Re-check a written plan against the case with plain arithmetic.
    Verify(commands::verify::Args),
    /// Turn other formats into a case folder.
    Import {
        /// The format.
        #[command(subcommand)]
        what: commands::import::Format,
    },
    /// Plan the shipped sample case (no arguments needed).
    Demo(commands::demo::Args),
    /// Pull a Smart Account's estate from the Smart Licensing API into a case folder.
    Fetch(commands::fetch::Args),
    /// Send a verified plan's licence transfers to CSSM (a dry run without --yes).
    Execute(commands::execute::Args),
}

/// Runs a parsed command line in a thread pool of `--jobs` threads (every parallel step
/// of every command runs in it); returns the exit code on success paths.
pub fn run(args: Args) -> Result<i32> {
    commands::with_jobs(args.jobs, || dispatch(args.command))
}

/// Runs one command.
fn dispatch(command: Command) -> Result<i32> {
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    match command {
        Command::Plan(a) => commands::plan::run(a, &mut w),
        Command::Compare(a) => commands::compare::run(a, &mut w),
        Command::Check(a) => commands::check::run(a, &mut w),
        Command::Verify(a) => commands::verify::run(a, &mut w),
        Command::Import { what } => commands::import::run(what, &mut w),
        Command::Demo(a) => commands::demo::run(a, &mut w),
        Command::Fetch(a) => commands::fetch::run(a, &mut w),
        Command::Execute(a) => commands::execute::run(a, &mut w),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn jobs_is_a_global_flag() {
        let a = Args::try_parse_from(["reallot", "check", "case", "--jobs", "3"]).unwrap();
        assert_eq!(a.jobs.map(std::num::NonZeroUsize::get), Some(3));
        assert!(Args::try_parse_from(["reallot", "--jobs", "0", "check", "case"]).is_err());
    }
}
