//! Every command, its help and its exit codes, through the real binary.

use std::path::{Path, PathBuf};

use crate::common::{conformance, pack_gap_case, reallot};
use predicates::prelude::*;
use reallot::error::Exit;

#[test]
fn help_for_every_command() {
    reallot()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
    for cmd in ["plan", "compare", "check", "verify", "demo"] {
        reallot()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: reallot ").and(predicate::str::contains(cmd)));
    }
    reallot().arg("--version").assert().success();
}

#[test]
fn usage_errors_exit_2() {
    reallot()
        .arg("frobnicate")
        .assert()
        .code(Exit::Usage.code());
    reallot().arg("plan").assert().code(Exit::Usage.code());
    let out = tempfile::tempdir().unwrap();
    reallot()
        .args(["plan", "no/such/case", "--out"])
        .arg(out.path().join("p"))
        .assert()
        .code(Exit::Usage.code())
        .stderr(predicate::str::contains("not a case folder"));
    reallot()
        .arg("plan")
        .arg(conformance("story-wrong-token"))
        .args(["--model", "no/such/scenario.toml", "--out"])
        .arg(out.path().join("p"))
        .assert()
        .code(Exit::Usage.code());
    reallot()
        .arg("plan")
        .arg(conformance("story-wrong-token"))
        .args(["--as-of", "01/11/2026"])
        .assert()
        .code(Exit::Usage.code());
    assert!(!out.path().join("p").exists());
}

#[test]
fn plan_writes_every_table() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    reallot()
        .arg("plan")
        .arg(conformance("story-acquisition"))
        .arg("--model")
        .arg(conformance("story-acquisition").join("scenario.toml"))
        .arg("--out")
        .arg(&dir)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("must really be bought")
                .and(predicate::str::contains("renewal on 2027-03-01")),
        );
    for f in [
        "summary.json",
        "purchases.csv",
        "moves.csv",
        "positions.csv",
        "substitutions.csv",
        "findings.csv",
        "renewal.csv",
        "transfers.json",
        "plan.xlsx",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let s: reallot::report::Summary =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!((s.status.as_str(), s.licences_moved), ("optimal", 70));
    assert!(s.renewal.is_some());
}

#[test]
fn as_of_comes_from_the_case_or_the_flag() {
    let case = tempfile::tempdir().unwrap();
    for f in ["entitlements.csv", "usage.csv", "prices.csv"] {
        std::fs::copy(
            conformance("story-wrong-token").join(f),
            case.path().join(f),
        )
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    reallot()
        .arg("plan")
        .arg(case.path())
        .arg("--out")
        .arg(out.path().join("a"))
        .assert()
        .code(Exit::Data.code())
        .stderr(predicate::str::contains("as_of"));
    assert!(!out.path().join("a").exists());
    reallot()
        .arg("plan")
        .arg(case.path())
        .args(["--as-of", "2026-11-01", "--out"])
        .arg(out.path().join("b"))
        .assert()
        .success();
    let s = std::fs::read_to_string(out.path().join("b/summary.json")).unwrap();
    assert!(s.contains("\"as_of\": \"2026-11-01\""));
}

#[test]
fn check_shows_the_vendor_view() {
    reallot()
        .arg("check")
        .arg(conformance("story-wrong-token"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\n  Campus-B: OUT OF COMPLIANCE")
                .and(predicate::str::contains("C9300 DNA Advantage -60"))
                .and(predicate::str::contains("\n  Campus-A: in compliance"))
                .and(predicate::str::contains("surplus: C9300 DNA Advantage +80")),
        );
}

fn planned(case: &str) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    reallot()
        .arg("plan")
        .arg(conformance(case))
        .arg("--model")
        .arg(conformance(case).join("scenario.toml"))
        .arg("--out")
        .arg(&dir)
        .assert()
        .success();
    (out, dir)
}

fn verify(case: &str, dir: &Path) -> assert_cmd::assert::Assert {
    reallot()
        .arg("verify")
        .arg(conformance(case))
        .arg(dir)
        .arg("--model")
        .arg(conformance(case).join("scenario.toml"))
        .assert()
}

#[test]
fn verify_accepts_an_honest_plan() {
    let (_t, dir) = planned("story-wrong-token");
    verify("story-wrong-token", &dir)
        .success()
        .stdout(predicate::str::contains("0 violations"));
}

#[test]
fn verify_catches_a_short_move() {
    let (_t, dir) = planned("story-wrong-token");
    let moves = std::fs::read_to_string(dir.join("moves.csv")).unwrap();
    std::fs::write(dir.join("moves.csv"), moves.replace(",60\n", ",59\n")).unwrap();
    verify("story-wrong-token", &dir)
        .code(Exit::Verify.code())
        .stdout(predicate::str::contains("VIOLATION").and(predicate::str::contains("Campus-B")));
}

#[test]
fn verify_catches_a_missing_purchase_and_a_wrong_total() {
    let (_t, dir) = planned("story-acquisition");
    let purchases = std::fs::read_to_string(dir.join("purchases.csv")).unwrap();
    let kept: Vec<&str> = purchases.lines().take(2).collect();
    std::fs::write(dir.join("purchases.csv"), kept.join("\n") + "\n").unwrap();
    verify("story-acquisition", &dir)
        .code(Exit::Verify.code())
        .stdout(
            predicate::str::contains("covered").and(predicate::str::contains("purchase_units")),
        );
    // A move out of a locked VA, or across pools, is caught too.
    let (_t2, dir) = planned("story-wrong-token");
    let accounts = "smart_account,virtual_account,pool,locked\nACME,Campus-A,,true\n";
    let case = tempfile::tempdir().unwrap();
    for f in ["entitlements.csv", "usage.csv", "prices.csv", "case.toml"] {
        std::fs::copy(
            conformance("story-wrong-token").join(f),
            case.path().join(f),
        )
        .unwrap();
    }
    std::fs::write(case.path().join("accounts.csv"), accounts).unwrap();
    reallot()
        .arg("verify")
        .arg(case.path())
        .arg(&dir)
        .assert()
        .code(Exit::Verify.code())
        .stdout(predicate::str::contains("locked"));
}

#[test]
fn demo_runs_with_no_arguments_but_out() {
    let out = tempfile::tempdir().unwrap();
    reallot()
        .arg("demo")
        .arg("--out")
        .arg(out.path().join("demo"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Acme Networks").and(predicate::str::contains("vendor view")),
        );
    let s = std::fs::read_to_string(out.path().join("demo/summary.json")).unwrap();
    assert!(s.contains("\"status\": \"optimal\""));
}

/// A solve stopped by its time limit is reported as such (exit 3, status time_limit), and
/// no plan tables are published, only summary.json.
#[test]
fn time_limited_solves_are_not_published() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    reallot()
        .arg("plan")
        .arg(conformance("story-cucm-substitution"))
        .args(["--mip-only", "--time-limit", "1e-9", "--out"])
        .arg(&dir)
        .assert()
        .code(reallot::error::Exit::NotOptimal.code())
        .stdout(
            predicate::str::contains("time_limit").and(predicate::str::contains("no optimal plan")),
        );
    let s = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    assert!(s.contains("\"status\": \"time_limit\""), "{s}");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != reallot::io::write::MARKER)
        .collect();
    assert_eq!(files, ["summary.json"], "only summary.json");
}

#[test]
fn a_pack_gap_reads_as_units_short_and_a_purchase_in_packs() {
    // 500 entitled, 620 in use, packs of 25: 120 units short, bought as 5 packs = 125.
    let dir = pack_gap_case();
    let vendor = "120 units short; bought VA by VA in packs, 125 units, USD 250.00";
    let out = tempfile::tempdir().unwrap();
    reallot()
        .arg("plan")
        .arg(dir.path())
        .arg("--out")
        .arg(out.path().join("p"))
        .assert()
        .success()
        .stdout(predicate::str::contains(vendor));
    reallot()
        .arg("check")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains(format!("Vendor view (each VA on its own): {vendor}"))
                .and(predicate::str::contains("short:   L -120"))
                .and(predicate::str::contains("surplus:").not()),
        );
}
