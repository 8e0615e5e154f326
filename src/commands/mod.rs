//! One file per command. Each holds the command's arguments (as clap parses them) and a
//! `run` that takes them and the standard output, and returns the exit code of a run that
//! finished (errors carry their own, see [`crate::error::Error::exit_code`]).

pub mod check;
pub mod compare;
pub mod demo;
pub mod execute;
pub mod fetch;
pub mod import;
pub mod plan;
pub mod verify;

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::error::{Error, Exit, Result};
use crate::scenario::Scenario;

/// The case folder and the date of its data: the arguments `plan`, `compare`, `check` and
/// `verify` share.
#[derive(Debug, clap::Args)]
pub struct CaseArgs {
    /// Case folder (entitlements.csv, usage.csv or instances.csv, ...).
    pub case: PathBuf,
    /// Date of the data export, overriding case.toml (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
}

/// A case and the scenario to run on it: the arguments `plan` and `check` share.
#[derive(Debug, clap::Args)]
pub struct ScenarioArgs {
    /// The case folder and its date.
    #[command(flatten)]
    pub case: CaseArgs,
    /// Scenario: a .toml file, or a NAME looked up in CASE/models/NAME.toml, then among the
    /// shipped scenarios (default: the shipped `reallocate` scenario; `check` uses only its
    /// stale_after_days).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

impl ScenarioArgs {
    /// The scenario `--model` names (a file, or a name looked up in the case), else the
    /// shipped default.
    fn scenario(&self) -> Result<Scenario> {
        match &self.model {
            Some(p) => Scenario::from_arg(p, &self.case.case),
            None => Ok(Scenario::default()),
        }
    }
}

/// `--out` of the commands that write plan folders.
#[derive(Debug, clap::Args)]
pub struct OutArg {
    /// Output folder (default: out/NAME, NAME being the scenario's name, or `compare`).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl OutArg {
    /// The folder given, else `out/<name>`.
    pub fn or_default(&self, name: &str) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("out").join(name))
    }
}

/// The endpoints of the commands that call the API.
#[derive(Debug, clap::Args)]
pub struct ApiArgs {
    /// Base URL of the Smart Accounts & Licensing API.
    #[arg(long, default_value = crate::api::DEFAULT_API_BASE)]
    pub api_base: String,
    /// OAuth2 token endpoint.
    #[arg(long, default_value = crate::api::DEFAULT_TOKEN_URL)]
    pub token_url: String,
}

impl ApiArgs {
    /// Signs in at the token endpoint with the credentials of the environment
    /// (`REALLOT_CLIENT_ID`, `REALLOT_CLIENT_SECRET`), retrying as by default and showing
    /// progress on a terminal.
    fn connect(&self) -> Result<crate::api::Client> {
        let creds = crate::api::Credentials::from_env()?;
        crate::api::Client::connect(
            &self.token_url,
            &creds,
            crate::api::Retry::default(),
            crate::api::progress(),
        )
    }
}

/// Runs `work` in a thread pool of `jobs` threads (default: one per core), built once per
/// command: every parallel step below (reading the large tables, solving the components,
/// rendering the outputs) runs in it. Results never depend on the number of threads: each
/// parallel step collects in input order.
pub fn with_jobs<T: Send>(
    jobs: Option<std::num::NonZeroUsize>,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    let mut pool = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("reallot-{i}"));
    if let Some(n) = jobs {
        pool = pool.num_threads(n.get());
    }
    match pool.build() {
        Ok(pool) => pool.install(work),
        // No threads to be had (a resource limit): run on this one.
        Err(e) => {
            log::debug!("no thread pool ({e}); running on the calling thread");
            work()
        }
    }
}

/// Parses a `--as-of` style date (YYYY-MM-DD).
fn date_arg(s: &str) -> std::result::Result<NaiveDate, String> {
    crate::io::text::check_date(s).map_err(|why| format!("{s:?} {} ({})", why.message(), why.fix()))
}

/// Parses `--time-limit`: seconds above 0 and at most a day.
fn time_limit_arg(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t > 0.0 && t <= 86_400.0 => Ok(t),
        _ => Err(format!(
            "{s:?} is not a number of seconds above 0 and at most 86400"
        )),
    }
}

/// A failed write to standard output.
fn stdout_error(e: std::io::Error) -> Error {
    Error::io("stdout", e)
}

/// The exit code of a finished run: [`Exit::Success`] when every plan is optimal, else
/// [`Exit::NotOptimal`].
fn exit_code(optimal: bool) -> i32 {
    if optimal {
        Exit::Success
    } else {
        Exit::NotOptimal
    }
    .code()
}
