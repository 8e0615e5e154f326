//! Command-line arguments (raw, as clap parses them) and the commands they run.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::error::{Error, Result, EXIT_NOT_OPTIMAL};
use crate::estate::load_case;
use crate::model::{SolveOptions, SolveStatus};
use crate::plan::Plan;
use crate::report::money;
use crate::scenario::Scenario;

/// Provably optimal licence reallocation for Cisco Smart Licensing estates.
///
/// Exit codes: 0 success, 1 internal failure, 2 usage error, 3 infeasible or not solved
/// to optimality, 4 `verify` found violations, 65 bad input data.
#[derive(Debug, Parser)]
#[command(name = "reallot", version, about)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve one scenario on a case, write the plan, print a short summary.
    Plan {
        /// Case folder (entitlements.csv, usage.csv or instances.csv, ...).
        case: PathBuf,
        /// Scenario file (default: the built-in `reallocate` scenario).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Output folder (default: out/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Date of the data export, overriding case.toml (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// Seconds allowed per MIP solve (more than 0, at most 86400).
        #[arg(long, default_value_t = 60.0, value_parser = time_limit_arg)]
        time_limit: f64,
        /// Solve every substitution family with the MIP, skipping the exact chain shortcuts
        /// (same figures, slower; for audits).
        #[arg(long)]
        mip_only: bool,
    },
    /// Run several scenarios on one case: one plan folder each, plus scenarios.csv.
    Compare {
        /// Case folder.
        case: PathBuf,
        /// A scenario file, or a name in the case's models/ folder (repeatable).
        #[arg(long)]
        model: Vec<PathBuf>,
        /// A folder of scenario files, run in name order (repeatable).
        #[arg(long)]
        models: Vec<PathBuf>,
        /// Output folder (default: out/compare).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Date of the data export, overriding case.toml (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
    },
    /// Validate a case and print the vendor's per-VA view, without solving for a plan.
    Check {
        /// Case folder.
        case: PathBuf,
        /// Date of the data export, overriding case.toml (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// Scenario whose stale_after_days the stale-instance findings use (default 90 days).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Re-check a written plan against the case with plain arithmetic.
    Verify {
        /// Case folder.
        case: PathBuf,
        /// Folder written by `reallot plan`.
        plan_dir: PathBuf,
        /// Scenario to check the plan against (default: the one recorded in the plan folder).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Date of the data export, overriding case.toml (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
    },
    /// Turn other formats into a case folder.
    Import {
        /// The format.
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Plan the shipped sample case (no arguments needed).
    Demo {
        /// Output folder (default: out/demo).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// What `import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Smart Licensing API responses (v1 licence usage, account lists, snake_case summary).
    CssmJson {
        /// JSON files (several are combined, e.g. one per Smart Account).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Case folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Smart Account name (default: from the file's accountName or accountDomain).
        #[arg(long)]
        smart_account: Option<String>,
        /// Date of the export, written to case.toml (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
    },
}

fn date_arg(s: &str) -> std::result::Result<NaiveDate, String> {
    crate::io::table::check_date(s)
        .map_err(|why| format!("{s:?} {} ({})", why.message(), why.fix()))
}

fn time_limit_arg(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t > 0.0 && t <= 86_400.0 => Ok(t),
        _ => Err(format!(
            "{s:?} is not a number of seconds above 0 and at most 86400"
        )),
    }
}

fn load_scenario(model: Option<&Path>) -> Result<Scenario> {
    match model {
        Some(p) => Scenario::load(p),
        None => Ok(Scenario::default()),
    }
}

/// Runs a parsed command line; returns the exit code on success paths.
pub fn run(args: Args) -> Result<i32> {
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    match args.command {
        Command::Plan {
            case,
            model,
            out,
            as_of,
            time_limit,
            mip_only,
        } => {
            let scenario = load_scenario(model.as_deref())?;
            let out = out.unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
            let opts = SolveOptions {
                time_limit: Some(time_limit),
                fast_paths: !mip_only,
            };
            let mut inputs = vec![case.as_path()];
            inputs.extend(model.as_deref());
            plan_command(&case, &scenario, as_of, (&out, &inputs), &opts, &mut w)
        }
        Command::Compare {
            case,
            model,
            models,
            out,
            as_of,
        } => {
            let scenarios = crate::compare::collect_scenarios(&case, &model, &models)?;
            let out = out.unwrap_or_else(|| PathBuf::from("out").join("compare"));
            let mut inputs = vec![case.as_path()];
            inputs.extend(model.iter().map(PathBuf::as_path));
            inputs.extend(models.iter().map(PathBuf::as_path));
            crate::io::write::check_target(&out, &inputs)?;
            let estate = load_case(&case)?;
            let plans = crate::compare::compare(
                &estate,
                &scenarios,
                as_of,
                (&out, &inputs),
                &SolveOptions::default(),
            )?;
            crate::compare::print_table(&plans, &out, &mut w)
                .map_err(|e| Error::io("stdout", e))?;
            Ok(if crate::compare::all_optimal(&plans) {
                0
            } else {
                EXIT_NOT_OPTIMAL
            })
        }
        Command::Check { case, as_of, model } => {
            let scenario = load_scenario(model.as_deref())?;
            let estate = load_case(&case)?;
            crate::check::check(&estate, as_of, scenario.stale_after_days, &mut w)?;
            Ok(0)
        }
        Command::Verify {
            case,
            plan_dir,
            model,
            as_of,
        } => {
            let scenario = model.as_deref().map(Scenario::load).transpose()?;
            crate::verify::command(&case, &plan_dir, scenario.as_ref(), as_of, &mut w)
        }
        Command::Import {
            what:
                ImportCommand::CssmJson {
                    files,
                    out,
                    smart_account,
                    as_of,
                },
        } => {
            let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
            crate::io::write::check_target(&out, &inputs)?;
            let r = crate::import::import_cssm_json(&files, smart_account.as_deref(), as_of, &out)?;
            let io = |e| Error::io("stdout", e);
            writeln!(
                w,
                "imported {} Smart Account(s), {} VAs, {} licence rows, {} lots, {} substitution pairs into {}",
                r.smart_accounts,
                r.virtual_accounts,
                r.licences,
                r.lots,
                r.substitutions,
                out.display()
            )
            .map_err(io)?;
            for warning in &r.warnings {
                writeln!(w, "  warning: {warning}").map_err(io)?;
            }
            if as_of.is_none() {
                writeln!(w, "  note: add as_of to case.toml (or pass --as-of to plan): results must not depend on today").map_err(io)?;
            }
            Ok(0)
        }
        Command::Demo { out } => {
            let out = out.unwrap_or_else(|| PathBuf::from("out").join("demo"));
            let dir = tempfile::tempdir().map_err(|e| Error::io("temporary folder", e))?;
            let case = crate::demo::extract(dir.path())?;
            let scenario = Scenario::parse(crate::demo::SCENARIO, "demo scenario", "renewal")?;
            writeln!(
                w,
                "reallot demo: the shipped sample case (data/acme-networks), scenario {}\n",
                scenario.name
            )
            .map_err(|e| Error::io("stdout", e))?;
            plan_command(
                &case,
                &scenario,
                None,
                (&out, &[]),
                &SolveOptions::default(),
                &mut w,
            )
        }
    }
}

/// `plan`: solve, write atomically, print the summary. `out` is the output folder and
/// the input paths it must not overwrite (SPEC §5.1); it is checked before any work.
pub fn plan_command(
    case: &Path,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    (out, inputs): (&Path, &[&Path]),
    opts: &SolveOptions,
    w: &mut dyn Write,
) -> Result<i32> {
    let (plan, written) = crate::pipeline::run(case, scenario, as_of, (out, inputs), opts)?;
    print_summary(&plan, &written, w).map_err(|e| Error::io("stdout", e))?;
    Ok(if plan.status == SolveStatus::Optimal {
        0
    } else {
        EXIT_NOT_OPTIMAL
    })
}

fn print_summary(plan: &Plan, out: &Path, w: &mut dyn Write) -> std::io::Result<()> {
    let cur = &plan.currency;
    writeln!(
        w,
        "{} - scenario {} (data as of {}, evaluated at {}): {}",
        plan.case,
        plan.scenario,
        plan.as_of,
        plan.evaluated_at,
        plan.status.as_str()
    )?;
    if let SolveStatus::Error(msg) = &plan.status {
        writeln!(w, "  solver error: {msg}")?;
    }
    if plan.status != SolveStatus::Optimal {
        writeln!(
            w,
            "  no optimal plan: only summary.json was written to {}",
            out.display()
        )?;
        return Ok(());
    }
    let at_renewal = plan.evaluated_at != plan.as_of;
    writeln!(
        w,
        "  vendor view (each VA on its own, {}): {} units short, {cur} {}",
        plan.as_of,
        plan.vendor.shortfall_units,
        money(plan.vendor.shortfall_cost)
    )?;
    writeln!(
        w,
        "  must really be bought{}: {} units, {cur} {}",
        if at_renewal {
            format!(" at {} (renewals included)", plan.evaluated_at)
        } else {
            String::new()
        },
        plan.purchase_units(),
        money(plan.purchase_cost())
    )?;
    if !at_renewal {
        writeln!(
            w,
            "  the vendor's reading overstates it by {cur} {}",
            money(plan.vendor.shortfall_cost - plan.purchase_cost())
        )?;
    }
    writeln!(
        w,
        "  licences moved: {} in {} transfer{}; {} unit{} covered by a higher tier",
        plan.licences_moved(),
        plan.moves.len(),
        if plan.moves.len() == 1 { "" } else { "s" },
        plan.substituted_units(),
        if plan.substituted_units() == 1 {
            ""
        } else {
            "s"
        }
    )?;
    if let Some(r) = &plan.renewal {
        writeln!(
            w,
            "  renewal on {}: {} units expire (like for like {cur} {}); recommended {} ({cur} {}); saving {cur} {}",
            r.date,
            r.expiring_units,
            money(r.like_for_like_cost),
            r.recommended_units,
            money(r.recommended_cost),
            money(r.like_for_like_cost - r.recommended_cost)
        )?;
    }
    let h = &plan.hygiene;
    if h.stale_instances + h.retired_instances > 0 {
        writeln!(
            w,
            "  hygiene: {} stale and {} retired instances released {} units ({} reserved)",
            h.stale_instances, h.retired_instances, h.released_units, h.released_reservations
        )?;
    }
    writeln!(w, "  written to {}", out.display())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Args::command().debug_assert();
    }
}
