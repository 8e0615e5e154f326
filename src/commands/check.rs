//! `reallot check`: validate a case and print the vendor's per-VA view, without solving
//! for a plan.

use std::io::Write;

use super::ScenarioArgs;
use crate::error::Result;

/// Arguments of `reallot check`: the case, and the scenario whose stale_after_days the
/// stale-instance findings use (default 90 days).
pub type Args = ScenarioArgs;

/// Runs `reallot check`.
pub fn run(args: Args, w: &mut dyn Write) -> Result<i32> {
    let scenario = args.scenario()?;
    let estate = crate::pipeline::read(&args.case.case)?;
    crate::check::check(
        &estate,
        args.case.as_of,
        scenario.policy.stale_after_days,
        w,
    )?;
    Ok(0)
}
