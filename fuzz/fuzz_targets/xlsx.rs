//! Fuzz bytes as a workbook `usage.xlsx` in a case folder (no `usage.csv`), through
//! `reallot::estate::load_case`. An `Err` is fine; a panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_fuzz::{case_dir, BASE_CASE, MAX_INPUT};

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let dir = case_dir();
    for (name, text) in BASE_CASE {
        if name != "usage.csv" {
            std::fs::write(dir.path().join(name), text).expect("write the base case");
        }
    }
    std::fs::write(dir.path().join("usage.xlsx"), data).expect("write the workbook");
    reallot_fuzz::no_internal(reallot::estate::load_case(dir.path()));
});
