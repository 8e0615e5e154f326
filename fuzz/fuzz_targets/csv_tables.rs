//! Fuzz bytes as each case table in turn (the other files a small valid case), through
//! `reallot::estate::load_case`. An `Err` is fine; a panic, hang or OOM is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_fuzz::{case_dir, write_case_with, MAX_INPUT, TABLES};

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    for table in TABLES {
        let dir = case_dir();
        write_case_with(dir.path(), table, data);
        reallot_fuzz::no_internal(reallot::estate::load_case(dir.path()));
    }
});
