//! `reallot import`: turn other formats into a case folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{date_arg, stdout_error};
use crate::error::Result;

/// What `import` reads.
#[derive(Debug, clap::Subcommand)]
pub enum Format {
    /// Smart Licensing API responses: licence usage, account lists (also bare arrays),
    /// per-VA summaries, virtual-account lists, EA consumption.
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
    /// Smart Account for rows whose response names none (rows that name theirs keep it).
    #[arg(long)]
    pub smart_account: Option<String>,
    /// Virtual Account for rows whose response names none (a per-VA summary).
    #[arg(long)]
    pub virtual_account: Option<String>,
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
    let opts = crate::import::ImportOptions {
        smart_account: args.smart_account.as_deref(),
        virtual_account: args.virtual_account.as_deref(),
        as_of: args.as_of,
    };
    let r = crate::import::import_files(&args.files, &opts, &args.out)?;
    print_report(&r, &args.out, args.as_of.is_some(), w)
}

/// Prints what an import (or a fetch) wrote into `out`.
pub(super) fn print_report(
    r: &crate::import::ImportReport,
    out: &Path,
    dated: bool,
    w: &mut dyn Write,
) -> Result<i32> {
    writeln!(
        w,
        "imported {} Smart Account(s), {} VAs, {} licence rows, {} lots, {} substitution pairs, {} EA rows into {}",
        r.smart_accounts,
        r.virtual_accounts,
        r.licences,
        r.lots,
        r.substitutions,
        r.ea_rows,
        out.display()
    )
    .map_err(stdout_error)?;
    for warning in &r.warnings {
        writeln!(w, "  warning: {warning}").map_err(stdout_error)?;
    }
    if !dated {
        writeln!(w, "  note: add as_of to case.toml (or pass --as-of to plan): results must not depend on today").map_err(stdout_error)?;
    }
    Ok(0)
}
