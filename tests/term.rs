//! Term sizing end to end through `reallot plan` (SPEC §4.2): hand-computed figures, the
//! schedule, `verify` on a term plan, and the scenario keys' errors.

use std::path::Path;

use crate::common::{case_of, reallot};

/// One pooled licence in two VAs of one Smart Account, nothing entitled: 60 and 40 in
/// use, 12.00 a unit.
fn case() -> tempfile::TempDir {
    case_of(&[
        ("case.toml", "name = \"term-hand\"\nas_of = \"2026-01-31\"\ncurrency = \"USD\"\n"),
        ("accounts.csv", "smart_account,virtual_account,pool,locked\nAcme,A,,false\nAcme,B,,false\n"),
        ("entitlements.csv", "smart_account,virtual_account,license,quantity,license_type,start_date,end_date,status,source\n"),
        ("usage.csv", "smart_account,virtual_account,license,in_use,reserved\nAcme,A,L,60,0\nAcme,B,L,40,0\n"),
        ("prices.csv", "license,unit_price,pack_size\nL,12,1\n"),
    ])
}

fn plan(case: &Path, scenario: &str, out: &Path) -> serde_json::Value {
    let model = case.join("scenario.toml");
    std::fs::write(&model, scenario).unwrap();
    reallot()
        .args([
            "plan".as_ref(),
            case.as_os_str(),
            "--model".as_ref(),
            model.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// Demand per VA for the year ahead of milestone k: A 66, 73 (72.6), 80 (79.86); B 44,
/// 49 (48.4), 54 (53.24); the pool needs 110, 122, 134.
#[test]
fn just_in_time_without_a_discount() {
    let c = case();
    let out = c.path().join("out");
    let s = plan(
        c.path(),
        "name = \"t\"\ngrowth_pct = 10\nterm_months = 36\n",
        &out,
    );
    let t = &s["term"];
    // Commit 110 at 12.00 for the whole term; add 12 at 24/36 (96.00) and 12 at 12/36 (48.00).
    assert_eq!(t["commit_units"], 110);
    assert_eq!(t["commit_cost"].to_string(), "1320.0");
    assert_eq!(t["add_units"], 24);
    assert_eq!(t["add_cost"].to_string(), "144.0");
    assert_eq!(t["total_cost"].to_string(), "1464.0");
    assert_eq!(s["purchase_units"], 134);
    assert!(s["renewal"].is_null());
    // The vendor's reading buys the same VA by VA: nothing to save.
    assert_eq!(t["vendor_term_cost"].to_string(), "1464.0");
    let schedule = std::fs::read_to_string(out.join("schedule.csv")).unwrap();
    assert_eq!(
        schedule,
        "smart_account,license,milestone,date,demand,entitled,commit,add,purchased_to_date,cost\n\
         Acme,L,0,2026-01-31,110,0,110,0,110,1320.00\n\
         Acme,L,1,2027-01-31,122,0,0,12,122,96.00\n\
         Acme,L,2,2028-01-31,134,0,0,12,134,48.00\n"
    );
    let purchases = std::fs::read_to_string(out.join("purchases.csv")).unwrap();
    assert!(
        purchases.starts_with("milestone,smart_account,"),
        "{purchases}"
    );
    // verify accepts the plan, and rejects it once the schedule is altered.
    let verify = || {
        reallot()
            .args(["verify".as_ref(), c.path().as_os_str(), out.as_os_str()])
            .assert()
    };
    verify().success();
    std::fs::write(
        out.join("schedule.csv"),
        schedule.replace(",12,122,96.00", ",13,123,104.00"),
    )
    .unwrap();
    let bad = verify().failure();
    let text = String::from_utf8(bad.get_output().stdout.clone()).unwrap();
    assert!(text.contains("purchased_to_date"), "{text}");
}

/// With a 50% commitment discount a committed unit costs 1.5 years of price: the units
/// needed from year 2 are committed (1.5 < 2), year 3's added (1 < 1.5).
#[test]
fn a_discount_commits_what_year_two_needs() {
    let c = case();
    let out = c.path().join("out");
    let s = plan(
        c.path(),
        "name = \"t\"\ngrowth_pct = 10\nterm_months = 36\ncommit_discount_pct = 50\n",
        &out,
    );
    let t = &s["term"];
    assert_eq!(t["commit_units"], 122);
    assert_eq!(t["commit_cost"].to_string(), "732.0");
    assert_eq!(t["add_units"], 12);
    assert_eq!(t["add_cost"].to_string(), "48.0");
    assert_eq!(t["total_cost"].to_string(), "780.0");
    assert_eq!(t["savings"].to_string(), "684.0");
}

/// A 20% growth allowance: C committed units supply C + ⌊C/5⌋, so 92 cover the first
/// year's 110 (91 give 109). A committed unit costs 12.00 for 1.2 units (10.00 each),
/// more than an add-on at year 2 (8.00) or 3 (4.00): add 12 and 12 as without it.
#[test]
fn a_growth_allowance_shrinks_the_commitment() {
    let c = case();
    let out = c.path().join("out");
    let s = plan(
        c.path(),
        "name = \"t\"\ngrowth_pct = 10\nterm_months = 36\ngrowth_allowance_pct = 20\n",
        &out,
    );
    let t = &s["term"];
    assert_eq!(t["commit_units"], 92);
    assert_eq!(t["commit_cost"].to_string(), "1104.0");
    assert_eq!(t["add_units"], 24);
    assert_eq!(t["add_cost"].to_string(), "144.0");
    assert_eq!(t["total_cost"].to_string(), "1248.0");
    assert_eq!(t["vendor_term_cost"].to_string(), "1464.0");
    assert_eq!(t["savings"].to_string(), "216.0");
    let schedule = std::fs::read_to_string(out.join("schedule.csv")).unwrap();
    assert!(
        schedule.contains("Acme,L,0,2026-01-31,110,0,92,0,92,1104.00\n"),
        "{schedule}"
    );
    reallot()
        .args(["verify".as_ref(), c.path().as_os_str(), out.as_os_str()])
        .assert()
        .success();
}

#[test]
fn bad_term_keys_are_located_errors() {
    for (text, key) in [
        ("term_months = 30\n", "term_months"),
        ("term_months = 132\n", "term_months"),
        ("term_months = 0\n", "term_months"),
        (
            "term_months = 36\ncommit_discount_pct = 100.5\n",
            "commit_discount_pct",
        ),
        (
            "term_months = 36\ncommit_discount_pct = 12.345\n",
            "commit_discount_pct",
        ),
        (
            "term_months = 36\ngrowth_allowance_pct = -1\n",
            "growth_allowance_pct",
        ),
    ] {
        let c = case();
        let model = c.path().join("bad.toml");
        std::fs::write(&model, text).unwrap();
        let out = c.path().join("out");
        let a = reallot()
            .args([
                "plan".as_ref(),
                c.path().as_os_str(),
                "--model".as_ref(),
                model.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
            ])
            .assert()
            .code(65);
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(
            err.contains("bad.toml") && err.contains(key),
            "{text}: {err}"
        );
        assert!(!out.exists(), "{text}: nothing may be written");
    }
}
