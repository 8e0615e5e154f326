//! `reallot import cssm-json` on fixtures shaped like the Smart Licensing API responses.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::NaiveDate;
use reallot::estate::load_case;
use reallot::import::import_cssm_json;
use reallot::scenario::Scenario;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cssm")
        .join(name)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn figures(dir: &Path) -> (i128, u64, u64, u64) {
    let e = load_case(dir).unwrap();
    let p = reallot::plan_case(&e, &Scenario::default(), Some(day()), &Default::default()).unwrap();
    (
        p.purchase_cost(),
        p.purchase_units(),
        p.licences_moved(),
        p.vendor.shortfall_units,
    )
}

/// The v1 response and the account list with roles give the same case, and plan like
/// the equivalent hand-written canonical case.
#[test]
fn round_trip_equals_the_canonical_case() {
    let out = tempfile::tempdir().unwrap();
    for (f, sub) in [("v1-licenses.json", "v1"), ("accounts-roles.json", "roles")] {
        let r = import_cssm_json(&[fixture(f)], None, Some(day()), &out.path().join(sub)).unwrap();
        assert_eq!(
            (r.smart_accounts, r.virtual_accounts, r.licences),
            (1, 2, 4),
            "{f}"
        );
        assert_eq!(r.substitutions, 2);
    }
    for f in ["entitlements.csv", "usage.csv", "substitutions.csv"] {
        assert_eq!(
            std::fs::read(out.path().join("v1").join(f)).unwrap(),
            std::fs::read(out.path().join("roles").join(f)).unwrap(),
            "{f}: rows repeated under several roles must count once"
        );
    }
    let canonical = figures(&fixture("canonical-globex"));
    assert_eq!(figures(&out.path().join("v1")), canonical);
    assert_eq!(figures(&out.path().join("roles")), canonical);
    // Dates and enum casing are normalised.
    let ent = std::fs::read_to_string(out.path().join("v1/entitlements.csv")).unwrap();
    assert!(
        ent.contains("Globex,Collab,UC Manager CUWL,40,TERM,2025-01-18,2028-01-17,ACTIVE,Sub123"),
        "{ent}"
    );
    assert!(
        ent.contains("Globex,Branch,UC Manager Basic,0,PERPETUAL,,,ACTIVE,"),
        "{ent}"
    );
}

#[test]
fn snake_case_summary() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("case");
    let r = import_cssm_json(
        &[fixture("summary-snake.json")],
        Some("Initech"),
        None,
        &dir,
    )
    .unwrap();
    assert_eq!((r.virtual_accounts, r.licences, r.lots), (3, 3, 3));
    let usage = std::fs::read_to_string(dir.join("usage.csv")).unwrap();
    assert!(usage.contains("Initech,Campus,ISE Advantage,80,5"));
    assert!(
        usage.contains("Initech,DEFAULT,ISE Essentials,9,0"),
        "a row without a VA goes to DEFAULT"
    );
    let ent = std::fs::read_to_string(dir.join("entitlements.csv")).unwrap();
    assert!(
        ent.contains("SUBSCRIPTION,2025-03-01,2028-02-29,ACTIVE,Sub-9"),
        "{ent}"
    );
    assert!(ent.contains("Initech,Lab,ISE Advantage,100,PERPETUAL,,,ACTIVE,"));
    // It plans once given a date.
    let e = load_case(&dir).unwrap();
    assert!(e.as_of.is_none());
    let p = reallot::plan_case(&e, &Scenario::default(), Some(day()), &Default::default()).unwrap();
    assert_eq!(
        p.licences_moved(),
        30,
        "Lab's surplus covers Campus's 80 − 50"
    );
}

#[test]
fn missing_fields_name_their_json_path() {
    let out = tempfile::tempdir().unwrap();
    let err = import_cssm_json(
        &[fixture("missing-va.json")],
        None,
        None,
        &out.path().join("x"),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.exit_code(), reallot::error::EXIT_DATA);
    assert!(
        msg.contains("missing-va.json, column licenses[0].virtualAccount"),
        "{msg}"
    );
    assert!(msg.contains("licenses[2].license"), "{msg}");
    assert!(!out.path().join("x").exists(), "no partial case folder");
    // Without a Smart Account name anywhere, the user is told to pass one.
    let err = import_cssm_json(
        &[fixture("summary-snake.json")],
        None,
        None,
        &out.path().join("y"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("--smart-account"), "{err}");
}

#[test]
fn cli_import_is_deterministic() {
    let out = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        Command::cargo_bin("reallot")
            .unwrap()
            .args(["import", "cssm-json"])
            .arg(fixture("v1-licenses.json"))
            .args(["--as-of", "2026-11-01", "--out"])
            .arg(out.path().join(run))
            .assert()
            .success();
    }
    for f in [
        "entitlements.csv",
        "usage.csv",
        "substitutions.csv",
        "case.toml",
    ] {
        assert_eq!(
            std::fs::read(out.path().join("a").join(f)).unwrap(),
            std::fs::read(out.path().join("b").join(f)).unwrap(),
            "{f}"
        );
    }
}
