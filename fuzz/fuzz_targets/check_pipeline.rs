//! Fuzz a whole case: the bytes split on NUL into case.toml, entitlements, usage,
//! instances, cmdb, accounts, prices, substitutions and scenario.toml (see
//! `reallot_fuzz::split_case`), then `load_case` and `reallot::check::check` into a
//! buffer; for a small case with a scenario, `plan_case` with a one-second limit too.
//! An `Err` is fine; a panic, hang or OOM is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot::model::SolveOptions;
use reallot::scenario::Scenario;
use reallot_fuzz::{case_dir, no_internal, split_case, MAX_INPUT};

/// Plan only cases this small (in lots + usage rows), so each run stays fast.
const PLAN_MAX_ROWS: usize = 40;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let dir = case_dir();
    let mut scenario_text = None;
    for (name, part) in split_case(data) {
        if name == "scenario.toml" {
            scenario_text = Some(part);
        } else {
            std::fs::write(dir.path().join(name), part).expect("write a case file");
        }
    }
    let Some(estate) = no_internal(reallot::estate::load_case(dir.path())) else {
        return;
    };
    let mut out = Vec::new();
    no_internal(reallot::check::check(&estate, None, 90, &mut out));
    let Some(text) = scenario_text.and_then(|t| std::str::from_utf8(t).ok()) else {
        return;
    };
    let Ok(scenario) = Scenario::parse(text, "scenario.toml", "fuzz") else {
        return;
    };
    let rows =
        estate.lots.len() + estate.usage.len() + estate.instances.as_ref().map_or(0, |i| i.len());
    if rows <= PLAN_MAX_ROWS {
        let opts = SolveOptions {
            time_limit: Some(1.0),
            ..SolveOptions::default()
        };
        no_internal(reallot::plan_case(&estate, &scenario, None, &opts));
    }
});
