//! `reallot execute`: send a verified plan's `transfers.json` to CSSM.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{date_arg, stdout_error, ApiArgs};
use crate::api::transfer::{self, Executed, PlanTransfers, RECORD};
use crate::error::{Error, Exit, Result};

/// Arguments of `reallot execute`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder written by `reallot plan`.
    pub plan_dir: PathBuf,
    /// The Smart Account's domain the transfers go to.
    #[arg(long)]
    pub domain: String,
    /// The case folder the plan was made from (the plan is verified against it first).
    #[arg(long)]
    pub case: PathBuf,
    /// Send the requests (without it: a dry run that prints them).
    #[arg(long)]
    pub yes: bool,
    /// The plan's Smart Account whose requests go to this domain (needed when the plan
    /// holds several).
    #[arg(long)]
    pub smart_account: Option<String>,
    /// Date of the data, as for `verify` (default: the plan's summary.json, else case.toml).
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
    /// The API's endpoints.
    #[command(flatten)]
    pub api: ApiArgs,
}

/// The `as_of` the plan was made at (its summary.json), if it can be read.
fn plan_as_of(plan_dir: &Path) -> Option<NaiveDate> {
    let text = std::fs::read_to_string(plan_dir.join("summary.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    crate::io::text::parse_date(v.get("as_of")?.as_str()?)
}

/// Verifies the plan against the case; the violations, if any.
fn verified(args: &Args) -> Result<Vec<String>> {
    let estate = crate::estate::load_case(&args.case)?;
    let as_of = args.as_of.or_else(|| plan_as_of(&args.plan_dir));
    let report = crate::verify::verify_plan(&estate, None, as_of, &args.plan_dir)?;
    Ok(report.violations)
}

/// The plan's Smart Account whose requests are sent.
fn chosen_sa(args: &Args, plan: &PlanTransfers) -> Result<Option<String>> {
    let sas: BTreeSet<&str> = plan
        .requests
        .iter()
        .map(|r| r.smart_account.as_str())
        .collect();
    let listed = || {
        sas.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (&args.smart_account, sas.len()) {
        (Some(sa), _) if sas.contains(sa.as_str()) => Ok(Some(sa.clone())),
        (Some(sa), 0) => Err(Error::Usage(format!(
            "--smart-account {sa:?}: the plan has no transfers"
        ))),
        (Some(sa), _) => Err(Error::Usage(format!(
            "--smart-account {sa:?}: the plan's transfers are of {}",
            listed()
        ))),
        (None, 0) => Ok(None),
        (None, 1) => Ok(sas.first().map(|s| s.to_string())),
        (None, _) => Err(Error::Usage(format!(
            "the plan transfers licences in several Smart Accounts ({}): pass --smart-account NAME for the one whose domain is {}",
            listed(),
            args.domain
        ))),
    }
}

/// Writes the record beside the plan's files.
fn write_record(plan_dir: &Path, record: &Executed) -> Result<()> {
    let path = plan_dir.join(RECORD);
    let mut text = serde_json::to_string_pretty(record).expect("a record serialises");
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
}

/// Runs `reallot execute`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    super::fetch::check_flag("--domain", &args.domain)?;
    let plan = transfer::read_plan(&args.plan_dir)?;
    let violations = verified(&args)?;
    if !violations.is_empty() {
        for v in &violations {
            writeln!(w, "VIOLATION {v}").map_err(stdout_error)?;
        }
        writeln!(
            w,
            "execute: refused: verify found {} violation(s) in {}; nothing was sent",
            violations.len(),
            args.plan_dir.display()
        )
        .map_err(stdout_error)?;
        return Ok(Exit::Verify.code());
    }
    for n in &plan.not_executable {
        writeln!(
            w,
            "not sent (needs a Smart Account consolidation first): {n}"
        )
        .map_err(stdout_error)?;
    }
    let Some(sa) = chosen_sa(&args, &plan)? else {
        writeln!(w, "execute: the plan moves no licences; nothing to send")
            .map_err(stdout_error)?;
        return Ok(0);
    };
    let record = transfer::read_record(&args.plan_dir, &args.domain, &plan)?;
    let pending = transfer::pending(&plan, &sa, &record);
    let units: u128 = pending.iter().map(|&i| plan.requests[i].units()).sum();
    let already = record.applied.len();
    if pending.is_empty() {
        writeln!(
            w,
            "execute: every transfer of {sa} is applied already ({already} request(s), see {})",
            args.plan_dir.join(RECORD).display()
        )
        .map_err(stdout_error)?;
        return Ok(0);
    }
    if !args.yes {
        return dry_run(&args, &plan, (&pending, units, already), w);
    }
    let client = args.api.connect()?;
    let (record, stopped) =
        transfer::send_all(&client, &args.api.api_base, (&plan, &sa), record, |_, _| {});
    client.finish();
    write_record(&args.plan_dir, &record)?;
    for a in record.applied.iter().skip(already) {
        writeln!(
            w,
            "applied request {}: {} unit(s) from {}/{}",
            a.request + 1,
            a.sent.units(),
            a.sent.smart_account,
            a.sent.source_virtual_account
        )
        .map_err(stdout_error)?;
    }
    let record_path = args.plan_dir.join(RECORD);
    match stopped {
        None => {
            writeln!(
                w,
                "execute: {} request(s), {units} unit(s) applied to {}; record in {}",
                pending.len(),
                args.domain,
                record_path.display()
            )
            .map_err(stdout_error)?;
            Ok(0)
        }
        Some(e) => {
            writeln!(
                w,
                "execute: stopped at the first failed request; {} applied, {} not sent; record in {} (run again to go on)",
                record.applied.len() - already,
                record.not_sent,
                record_path.display()
            )
            .map_err(stdout_error)?;
            Err(e)
        }
    }
}

/// Prints what `--yes` would send.
fn dry_run(
    args: &Args,
    plan: &PlanTransfers,
    (pending, units, already): (&[usize], u128, usize),
    w: &mut dyn Write,
) -> Result<i32> {
    for &i in pending {
        let r = &plan.requests[i];
        writeln!(
            w,
            "would send request {}: POST {}\n  {}",
            i + 1,
            r.url(&args.api.api_base, &args.domain),
            serde_json::to_string(&r.body).expect("a JSON value serialises")
        )
        .map_err(stdout_error)?;
    }
    let done = if already > 0 {
        format!(" ({already} already applied, see {RECORD})")
    } else {
        String::new()
    };
    writeln!(
        w,
        "dry run: {} request(s), {units} unit(s) to domain {}{done}; nothing was sent (pass --yes to send them)",
        pending.len(),
        args.domain
    )
    .map_err(stdout_error)?;
    Ok(0)
}
