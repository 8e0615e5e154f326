//! `reallot fetch`: pull a Smart Account's estate from the API into a case folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{date_arg, stdout_error, ApiArgs};
use crate::api::fetch::{FetchRequest, PAGE_SIZE};
use crate::api::Endpoints;
use crate::error::{Error, Result};
use crate::import::ImportOptions;

/// Arguments of `reallot fetch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Smart Account's domain (e.g. example.com), as the API's URLs name it.
    #[arg(long)]
    pub domain: String,
    /// Case folder to write (the raw responses go to CASE/raw/).
    #[arg(long)]
    pub out: PathBuf,
    /// Smart Account name in the case (default: the EA response's name with --ea, else
    /// the domain).
    #[arg(long)]
    pub smart_account: Option<String>,
    /// Only this Virtual Account (repeat for several; default: all of them).
    #[arg(long = "virtual-account")]
    pub virtual_accounts: Vec<String>,
    /// Also fetch the Enterprise Agreement consumption (written to ea.csv).
    #[arg(long)]
    pub ea: bool,
    /// Date of the data, written to case.toml (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
    /// The API's endpoints.
    #[command(flatten)]
    pub api: ApiArgs,
    /// Base URL of the Enterprise Agreements API.
    #[arg(long, default_value = crate::api::DEFAULT_EA_BASE)]
    pub ea_base: String,
    /// Licence rows per page (testing aid).
    #[arg(long, default_value_t = PAGE_SIZE, hide = true, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub page_size: u64,
}

/// Today's date (UTC), from the system clock.
pub(super) fn today() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date") + chrono::Days::new(secs / 86_400)
}

/// Checks a name given on the command line.
pub(super) fn check_flag(flag: &str, value: &str) -> Result<()> {
    crate::io::text::check_name(value).map_err(|(message, fix)| {
        Error::Usage(format!(
            "{flag} {}: {message} ({fix})",
            crate::io::text::shown(value)
        ))
    })?;
    if value.trim().is_empty() {
        return Err(Error::Usage(format!("{flag} is empty")));
    }
    Ok(())
}

/// Runs `reallot fetch`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    check_flag("--domain", &args.domain)?;
    if let Some(sa) = &args.smart_account {
        check_flag("--smart-account", sa)?;
    }
    for va in &args.virtual_accounts {
        check_flag("--virtual-account", va)?;
    }
    // A refused --out is refused before any request is made.
    crate::io::write::check_target(&args.out, &[])?;
    let client = args.api.connect()?;
    let ends = Endpoints {
        api_base: args.api.api_base.clone(),
        ea_base: args.ea_base.clone(),
        token_url: args.api.token_url.clone(),
    };
    let req = FetchRequest {
        domain: &args.domain,
        virtual_accounts: &args.virtual_accounts,
        ea: args.ea,
        page_size: args.page_size,
    };
    let fetched = crate::api::fetch::fetch(&client, &ends, &req);
    client.finish();
    let fetched = fetched?;
    let sa = match (&args.smart_account, fetched.ea_accounts.as_slice()) {
        (Some(sa), _) => sa.clone(),
        (None, [one]) => one.clone(),
        _ => args.domain.clone(),
    };
    let as_of = args.as_of.unwrap_or_else(today);
    let opts = ImportOptions {
        smart_account: Some(&sa),
        virtual_account: None,
        as_of: Some(as_of),
    };
    let converted = crate::import::convert(&fetched.responses, &opts)?;
    let r = crate::import::write_case(&converted, Some(as_of), &fetched.raw, &args.out, &[])?;
    writeln!(
        w,
        "fetched {} VA(s), {} licence row(s) in {} response(s) from {}; raw responses in {}",
        fetched.virtual_accounts.len(),
        fetched.licence_rows,
        fetched.raw.len(),
        args.domain,
        Path::new(&args.out).join("raw").display()
    )
    .map_err(stdout_error)?;
    if args.as_of.is_none() {
        writeln!(w, "  as_of = {as_of} (today, UTC) written to case.toml").map_err(stdout_error)?;
    }
    super::import::print_report(&r, &args.out, true, w)
}
