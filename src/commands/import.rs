//! `reallot import`: turn other formats into a case folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{date_arg, stdout_error};
use crate::error::Result;

/// What `import` reads.
#[derive(Debug, clap::Subcommand)]
pub enum Format {
    /// Smart Licensing API responses (v1 licence usage, account lists, snake_case summary).
    CssmJson(CssmJsonArgs),
}

/// Arguments of `reallot import cssm-json`.
#[derive(Debug, clap::Args)]
pub struct CssmJsonArgs {
    /// JSON files (several are combined, e.g. one per Smart Account).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Case folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Smart Account name (default: from the file's accountName or accountDomain).
    #[arg(long)]
    pub smart_account: Option<String>,
    /// Date of the export, written to case.toml (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
}

/// Runs `reallot import`.
pub fn run(format: Format, w: &mut dyn Write) -> Result<i32> {
    match format {
        Format::CssmJson(args) => cssm_json(args, w),
    }
}

/// Runs `reallot import cssm-json`: writes the case folder and prints what it holds.
fn cssm_json(args: CssmJsonArgs, w: &mut dyn Write) -> Result<i32> {
    let inputs: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
    crate::io::write::check_target(&args.out, &inputs)?;
    let r = crate::import::import_cssm_json(
        &args.files,
        args.smart_account.as_deref(),
        args.as_of,
        &args.out,
    )?;
    writeln!(
        w,
        "imported {} Smart Account(s), {} VAs, {} licence rows, {} lots, {} substitution pairs into {}",
        r.smart_accounts,
        r.virtual_accounts,
        r.licences,
        r.lots,
        r.substitutions,
        args.out.display()
    )
    .map_err(stdout_error)?;
    for warning in &r.warnings {
        writeln!(w, "  warning: {warning}").map_err(stdout_error)?;
    }
    if args.as_of.is_none() {
        writeln!(w, "  note: add as_of to case.toml (or pass --as-of to plan): results must not depend on today").map_err(stdout_error)?;
    }
    Ok(0)
}
