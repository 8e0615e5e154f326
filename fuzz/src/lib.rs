//! Helpers shared by the fuzz targets: a minimal valid case to put fuzz bytes into, and
//! the split scheme of `check_pipeline`.
//!
//! The rule the targets enforce: whatever the bytes, the library returns `Ok` or `Err`;
//! it never panics, hangs, aborts or runs out of memory. An `Err` is a fine outcome.

use std::path::Path;

/// Inputs longer than this are ignored (the readers' own limits are tested elsewhere; here
/// we want many small, varied inputs per second).
pub const MAX_INPUT: usize = 64 * 1024;

/// The case tables, by file name, in the order `check_pipeline` splits its input into.
pub const CASE_FILES: [&str; 9] = [
    "case.toml",
    "entitlements.csv",
    "usage.csv",
    "instances.csv",
    "cmdb.csv",
    "accounts.csv",
    "prices.csv",
    "substitutions.csv",
    "scenario.toml",
];

/// The CSV tables a case may hold, fuzzed one at a time by `csv_tables`: the files of
/// [`CASE_FILES`] between `case.toml` and `scenario.toml`.
pub const TABLES: &[&str] = CASE_FILES.split_at(1).1.split_at(7).0;

/// A small valid case (it loads without error), as (file, contents). It has usage, and
/// also instances and a CMDB so those readers' cross-checks run.
pub const BASE_CASE: [(&str, &str); 8] = [
    (
        "case.toml",
        "name = \"fuzz\"\nas_of = \"2026-06-30\"\ncurrency = \"USD\"\nrenewal_date = \"2026-12-31\"\n",
    ),
    (
        "entitlements.csv",
        "smart_account,virtual_account,license,quantity,license_type,start_date,end_date,status,source\n\
         Acme,Prod,DNA Advantage,10,TERM,2025-01-01,2027-01-01,ACTIVE,SMART\n\
         Acme,Lab,DNA Premier,5,SUBSCRIPTION,2025-01-01,2026-09-01,ACTIVE,SMART\n\
         Acme,Lab,DNA Advantage,3,PERPETUAL,2020-01-01,,ACTIVE,PAK\n",
    ),
    (
        "usage.csv",
        "smart_account,virtual_account,license,in_use,reserved\n\
         Acme,Prod,DNA Advantage,12,0\n\
         Acme,Lab,DNA Premier,2,1\n",
    ),
    (
        "instances.csv",
        "instance,smart_account,virtual_account,license,quantity,last_contact,reservation\n\
         R1,Acme,Prod,DNA Advantage,4,2026-06-29,NONE\n\
         R2,Acme,Lab,DNA Premier,1,2025-11-18,SLR\n",
    ),
    ("cmdb.csv", "instance,status\nR1,in service\nR2,retired\n"),
    (
        "accounts.csv",
        "smart_account,virtual_account,pool,locked\nAcme,Prod,,false\nAcme,Lab,,true\n",
    ),
    (
        "prices.csv",
        "license,unit_price,pack_size\nDNA Premier,150,5\nDNA Advantage,99.99,\n",
    ),
    ("substitutions.csv", "license,covers\nDNA Premier,DNA Advantage\n"),
];

/// Writes the base case into `dir`, with `file` holding `bytes` instead.
pub fn write_case_with(dir: &Path, file: &str, bytes: &[u8]) {
    for (name, text) in BASE_CASE {
        if name != file {
            std::fs::write(dir.join(name), text).expect("write the base case");
        }
    }
    std::fs::write(dir.join(file), bytes).expect("write the fuzzed file");
}

/// Splits `data` on NUL bytes into the files of [`CASE_FILES`], in order; an empty or
/// missing part means the file is absent. Parts beyond the ninth are ignored.
pub fn split_case(data: &[u8]) -> Vec<(&'static str, &[u8])> {
    data.split(|&b| b == 0)
        .zip(CASE_FILES)
        .filter(|(part, _)| !part.is_empty())
        .map(|(part, name)| (name, part))
        .collect()
}

/// A fresh temporary case folder (removed on drop). Created under `/dev/shm` where it
/// exists, so fuzzing does not wear the disk.
pub fn case_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::Builder::new()
            .prefix("reallot-fuzz")
            .tempdir_in(shm)
        {
            return d;
        }
    }
    tempfile::Builder::new()
        .prefix("reallot-fuzz")
        .tempdir()
        .expect("create a temporary folder")
}

/// The library's answer to fuzz input: a value, or an error that names the input (exit 65)
/// or the command line (exit 2). An internal failure (exit 1) after reading input is a
/// bug (SPEC §6: whatever can be validated is validated first), and so fails the run.
pub fn no_internal<T>(r: reallot::error::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) if e.exit_code() == reallot::error::Exit::Internal.code() => {
            panic!("internal failure (exit 1) on fuzz input: {e}")
        }
        Err(_) => None,
    }
}
