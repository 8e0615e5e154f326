//! Helpers the integration tests share: the repository's paths, the binary, case
//! folders written from text, plans made through the library, and CSV rows read back.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::NaiveDate;
use reallot::estate::load_case;
use reallot::model::SolveOptions;
use reallot::plan::Plan;
use reallot::scenario::Scenario;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The shipped sample case, `data/acme-networks`.
pub fn acme() -> PathBuf {
    root().join("data/acme-networks")
}

/// A conformance case copied into `tests/data/conformance`.
pub fn conformance(name: &str) -> PathBuf {
    root().join("tests/data/conformance").join(name)
}

/// A CSSM response in `tests/data/cssm`.
pub fn cssm_fixture(name: &str) -> PathBuf {
    root().join("tests/data/cssm").join(name)
}

/// The built `reallot` binary.
pub fn reallot() -> Command {
    Command::cargo_bin("reallot").unwrap()
}

/// 2026-11-01, the date of the fixtures' exports.
pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

/// A temporary case folder holding `files` (name, text), as given.
pub fn case_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// One VA with 500 units of L entitled and 620 in use, L at 2.00 in packs of 25: 120
/// units short, bought as 5 packs (125 units), 5 of them a pack's remainder.
pub fn pack_gap_case() -> tempfile::TempDir {
    case_of(&[
        ("case.toml", "as_of = \"2026-11-01\"\n"),
        (
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity\nA,V,L,500\n",
        ),
        (
            "usage.csv",
            "smart_account,virtual_account,license,in_use\nA,V,L,620\n",
        ),
        ("prices.csv", "license,unit_price,pack_size\nL,2.00,25\n"),
    ])
}

/// The plan of the case in `dir` under `scenario`, at the case's date, default options.
pub fn plan_with(dir: &Path, scenario: &Scenario) -> Plan {
    let estate = load_case(dir).unwrap();
    reallot::plan_case(&estate, scenario, None, &SolveOptions::default()).unwrap()
}

/// The plan of the case in `dir` under the scenario written as TOML in `scenario`.
pub fn plan_toml(dir: &Path, scenario: &str) -> Plan {
    plan_with(dir, &Scenario::parse(scenario, "test", "test").unwrap())
}

/// A plan's headline figures: (purchase cost, units bought, licences moved, the vendor's
/// shortfall in units).
pub fn headline(p: &Plan) -> (i128, u64, u64, u64) {
    (
        p.purchase_cost(),
        p.purchase_units(),
        p.licences_moved(),
        p.vendor.shortfall_units,
    )
}

/// The data rows of a CSV file (its header left out), as text.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}
