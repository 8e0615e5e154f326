//! Fuzz bytes as a CSSM API response through `reallot::import::import_cssm_json`
//! (output into a temporary folder). An `Err` is fine; a panic is a bug. When the import
//! succeeds, the folder it wrote must load as a case or fail with an error, too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reallot_fuzz::{case_dir, MAX_INPUT};

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let dir = case_dir();
    let input = dir.path().join("response.json");
    std::fs::write(&input, data).expect("write the response");
    let out = dir.path().join("case");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30);
    let imported = reallot::import::import_cssm_json(&[input], None, as_of, &out);
    if reallot_fuzz::no_internal(imported).is_some() {
        reallot_fuzz::no_internal(reallot::estate::load_case(&out));
    }
});
