//! Fuzz bytes as a scenario (`Scenario::parse` and `Scenario::load`) and as a case's
//! `case.toml` (through `load_case`). An `Err` is fine; a panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot::scenario::Scenario;
use reallot_fuzz::{case_dir, write_case_with, MAX_INPUT};

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Scenario::parse(text, "scenario.toml", "fuzz");
    }
    let dir = case_dir();
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&scenario, data).expect("write the scenario");
    reallot_fuzz::no_internal(Scenario::load(&scenario));
    write_case_with(dir.path(), "case.toml", data);
    reallot_fuzz::no_internal(reallot::estate::load_case(dir.path()));
});
