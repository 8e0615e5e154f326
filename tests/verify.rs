//! `verify` checks every file of a plan: the demo verifies with its own scenario, every
//! tampering is caught and named (exit 4), a missing plan folder is a usage error (exit 2),
//! conformance plans verify in both solve modes, and scenarios round-trip through the
//! `scenario.toml` a plan folder keeps.

use std::path::{Path, PathBuf};

use crate::common::{acme, reallot, root};
use chrono::NaiveDate;
use proptest::prelude::*;
use reallot::error::Exit;
use reallot::estate::load_case;
use reallot::model::SolveOptions;
use reallot::scenario::{Merge, Policy, RenewalPolicy, Scenario};

/// `reallot demo --out DIR/demo`; returns the temporary folder and the plan folder.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("demo");
    reallot()
        .arg("demo")
        .arg("--out")
        .arg(&dir)
        .assert()
        .success();
    (t, dir)
}

/// The `verify` command in process (what `reallot verify CASE DIR [--model M]` runs):
/// exit code and printed text.
fn verify(case: &Path, dir: &Path, model: Option<&Path>) -> (i32, String) {
    let mut out = Vec::new();
    let scenario = model.map(|m| Scenario::load(m).unwrap());
    let code = match reallot::verify::command(case, dir, scenario.as_ref(), None, &mut out) {
        Ok(c) => c,
        Err(e) => e.exit_code(),
    };
    (code, String::from_utf8(out).unwrap())
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Asserts `verify` (without `--model`) fails with exit 4 and every one of `names` in its
/// output.
fn caught(dir: &Path, names: &[&str]) {
    let (code, out) = verify(&acme(), dir, None);
    assert_eq!(code, Exit::Verify.code(), "{out}");
    assert!(out.contains("VIOLATION"), "{out}");
    for n in names {
        assert!(out.contains(n), "{n:?} not named in:\n{out}");
    }
}

#[test]
fn the_demo_plan_verifies_with_its_own_scenario() {
    let (_t, dir) = demo();
    let (code, out) = verify(&acme(), &dir, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" 0 violations"), "{out}");
    // The recorded scenario is the shipped renewal scenario, read back whole.
    let rec = Scenario::parse(
        &std::fs::read_to_string(dir.join("scenario.toml")).unwrap(),
        "scenario.toml",
        "x",
    )
    .unwrap();
    assert_eq!(
        rec,
        Scenario::load(&root().join("models/renewal.toml")).unwrap()
    );
    // With the same scenario named on the command line, through the binary.
    reallot()
        .arg("verify")
        .arg(acme())
        .arg(&dir)
        .arg("--model")
        .arg(root().join("models/renewal.toml"))
        .assert()
        .success();
    // With another one, the difference is a violation.
    let (code, out) = verify(&acme(), &dir, Some(&root().join("models/reallocate.toml")));
    assert_eq!(code, Exit::Verify.code(), "{out}");
    assert!(out.contains("scenario.toml"), "{out}");
}

#[test]
fn a_moved_unit_is_caught() {
    let (_t, dir) = demo();
    edit(
        &dir.join("moves.csv"),
        "Campus-North,Campus-South,36",
        "Campus-North,Campus-South,35",
    );
    caught(&dir, &["moves.csv", "transfers.json", "Campus-South"]);
}

#[test]
fn an_edited_position_cell_is_caught() {
    let (_t, dir) = demo();
    edit(
        &dir.join("positions.csv"),
        "Campus-North,C9300 Network Advantage,300,240,0,264,0,0,0,0,0,0,36",
        "Campus-North,C9300 Network Advantage,300,240,0,264,0,0,0,0,0,0,37",
    );
    caught(&dir, &["positions.csv", "surplus_after", "Campus-North"]);
    let (_t, dir) = demo();
    edit(
        &dir.join("positions.csv"),
        "Air-Gapped,C9300 DNA Advantage,10,12,12,14,2,",
        "Air-Gapped,C9300 DNA Advantage,10,12,12,14,3,",
    );
    caught(&dir, &["positions.csv", "vendor_shortfall", "Air-Gapped"]);
}

#[test]
fn every_edited_summary_figure_is_caught() {
    let edits = [
        (
            "\"as_of\": \"2026-11-01\"",
            "\"as_of\": \"2026-11-02\"",
            "as_of",
        ),
        (
            "\"shortfall_units\": 337",
            "\"shortfall_units\": 336",
            "vendor_view.shortfall_units",
        ),
        (
            "\"shortfall_cost\": 126173.00",
            "\"shortfall_cost\": 126173.01",
            "vendor_view.shortfall_cost",
        ),
        (
            "\"savings\": 178580.00",
            "\"savings\": 178580.01",
            "renewal.savings",
        ),
        (
            "\"vendor_quote_cost\": 237181.50",
            "\"vendor_quote_cost\": 237181.49",
            "renewal.vendor_quote_cost",
        ),
        (
            "\"like_for_like_shortfall_units\": 456",
            "\"like_for_like_shortfall_units\": 455",
            "renewal.like_for_like_shortfall_units",
        ),
        (
            "\"vendor_quote_units\": 886",
            "\"vendor_quote_units\": 887",
            "renewal.vendor_quote_units",
        ),
        (
            "\"savings_note\": null",
            "\"savings_note\": \"made up\"",
            "renewal.savings_note",
        ),
        (
            "\"expiring_units\": 430",
            "\"expiring_units\": 431",
            "renewal.expiring_units",
        ),
        (
            "\"date\": \"2027-03-31\"",
            "\"date\": \"2027-03-30\"",
            "renewal.date",
        ),
        (
            "\"purchase_cost\": 58601.50",
            "\"purchase_cost\": 58601.501",
            "purchase_cost",
        ),
        (
            "\"purchase_units\": 484",
            "\"purchase_units\": 483",
            "purchase_units",
        ),
        (
            "\"evaluated_at\": \"2027-03-31\"",
            "\"evaluated_at\": \"2026-11-01\"",
            "evaluated_at",
        ),
        ("\"transfers\": 7", "\"transfers\": 6", "transfers"),
        (
            "\"status\": \"optimal\"",
            "\"status\": \"optimal \"",
            "status",
        ),
        (
            "\"released_units\": 0",
            "\"released_units\": 1",
            "hygiene.released_units",
        ),
    ];
    let (_t, dir) = demo();
    let path = dir.join("summary.json");
    let original = std::fs::read_to_string(&path).unwrap();
    for (from, to, key) in edits {
        std::fs::write(&path, &original).unwrap();
        edit(&path, from, to);
        caught(&dir, &["summary.json", key]);
    }
    // A key verify does not know, and a missing renewal block.
    std::fs::write(&path, original.replacen("{", "{\n  \"bonus\": 1,", 1)).unwrap();
    caught(&dir, &["summary.json", "bonus"]);
    let cut = original.find("  \"renewal\"").unwrap();
    let end = original[cut..].find("},\n").unwrap() + cut + 3;
    std::fs::write(&path, format!("{}{}", &original[..cut], &original[end..])).unwrap();
    caught(&dir, &["summary.json", "renewal is missing"]);
}

#[test]
fn an_edited_transfer_request_is_caught() {
    let (_t, dir) = demo();
    let path = dir.join("transfers.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let edits = [
        ("\"quantity\": 36", "\"quantity\": 35"),
        (
            "\"licenseType\": \"TERM\"",
            "\"licenseType\": \"PERPETUAL\"",
        ),
        (
            "\"targetVirtualAccount\": \"Campus-South\"",
            "\"targetVirtualAccount\": \"Data-Center\"",
        ),
        ("\"quantity\": 36", "\"quantity\": 36, \"extra\": 1"),
    ];
    for (from, to) in edits {
        std::fs::write(&path, &original).unwrap();
        edit(&path, from, to);
        caught(&dir, &["transfers.json"]);
    }
    // A request removed entirely.
    let v: serde_json::Value = serde_json::from_str(&original).unwrap();
    let mut v2 = v.clone();
    v2["requests"].as_array_mut().unwrap().remove(0);
    std::fs::write(&path, serde_json::to_string_pretty(&v2).unwrap()).unwrap();
    caught(&dir, &["transfers.json", "Campus-North"]);
    // An entry above CSSM's 998-unit limit (the same units, one entry).
    let mut v3 = v.clone();
    v3["requests"][0]["body"]["licenses"][0]["quantity"] = serde_json::json!(999);
    std::fs::write(&path, serde_json::to_string_pretty(&v3).unwrap()).unwrap();
    caught(&dir, &["transfers.json", "998"]);
}

#[test]
fn edited_purchases_and_renewal_rows_are_caught() {
    let (_t, dir) = demo();
    edit(
        &dir.join("purchases.csv"),
        ",4,1450.00,5800.00",
        ",4,1450.00,5800.01",
    );
    caught(&dir, &["purchases.csv", "cost"]);
    let (_t, dir) = demo();
    edit(
        &dir.join("renewal.csv"),
        "ISE Advantage,300,300,370,150,-220",
        "ISE Advantage,300,300,370,150,-219",
    );
    caught(&dir, &["renewal.csv", "change", "ISE Advantage"]);
    let (_t, dir) = demo();
    edit(
        &dir.join("renewal.csv"),
        "ISE Advantage,300,300,370,",
        "ISE Advantage,300,300,360,",
    );
    caught(&dir, &["renewal.csv", "vendor_quote", "ISE Advantage"]);
    let (_t, dir) = demo();
    let subs = std::fs::read_to_string(dir.join("substitutions.csv")).unwrap();
    let kept: Vec<&str> = subs.lines().take(1).collect();
    std::fs::write(dir.join("substitutions.csv"), kept.join("\n") + "\n").unwrap();
    caught(&dir, &["substituted_units"]);
}

#[test]
fn a_deleted_file_is_a_named_violation() {
    let files = [
        "summary.json",
        "moves.csv",
        "purchases.csv",
        "positions.csv",
        "substitutions.csv",
        "renewal.csv",
        "findings.csv",
        "transfers.json",
        "scenario.toml",
        "plan.xlsx",
    ];
    let (_t, dir) = demo();
    let keep = dir.with_extension("keep");
    for f in files {
        let _ = std::fs::remove_dir_all(&keep);
        copy_dir(&dir, &keep);
        std::fs::remove_file(keep.join(f)).unwrap();
        let (code, out) = verify(&acme(), &keep, None);
        assert_eq!(code, Exit::Verify.code(), "{f}: {out}");
        assert!(out.contains(&format!("VIOLATION {f}")), "{f}: {out}");
        // The same through the binary, with the scenario given.
        reallot()
            .arg("verify")
            .arg(acme())
            .arg(&keep)
            .arg("--model")
            .arg(root().join("models/renewal.toml"))
            .assert()
            .code(Exit::Verify.code());
    }
    // A file replaced by a folder is unreadable, still a violation.
    let _ = std::fs::remove_dir_all(&keep);
    copy_dir(&dir, &keep);
    std::fs::remove_file(keep.join("moves.csv")).unwrap();
    std::fs::create_dir(keep.join("moves.csv")).unwrap();
    let (code, out) = verify(&acme(), &keep, None);
    assert_eq!(code, Exit::Verify.code(), "{out}");
    assert!(out.contains("VIOLATION moves.csv"), "{out}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_missing_plan_folder_is_a_usage_error() {
    let t = tempfile::tempdir().unwrap();
    let (code, _) = verify(&acme(), &t.path().join("nothing"), None);
    assert_eq!(code, Exit::Usage.code());
    std::fs::write(t.path().join("file"), "x").unwrap();
    let (code, _) = verify(&acme(), &t.path().join("file"), None);
    assert_eq!(code, Exit::Usage.code());
    reallot()
        .arg("verify")
        .arg(acme())
        .arg(t.path().join("nothing"))
        .arg("--model")
        .arg(root().join("models/renewal.toml"))
        .assert()
        .code(Exit::Usage.code());
}

#[test]
fn names_that_look_like_formulas_verify() {
    let src = root().join("tests/data/conformance/story-wrong-token");
    let case = tempfile::tempdir().unwrap();
    for f in ["entitlements.csv", "usage.csv", "prices.csv", "case.toml"] {
        let text = std::fs::read_to_string(src.join(f)).unwrap();
        let text = text
            .replace("ACME,", "=ACME,")
            .replace("Campus-A", "+Campus-A")
            .replace("C9300 DNA Advantage", "@DNA Advantage");
        std::fs::write(case.path().join(f), text).unwrap();
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("plan");
    reallot()
        .arg("plan")
        .arg(case.path())
        .arg("--out")
        .arg(&dir)
        .assert()
        .success();
    let (code, out) = verify(case.path(), &dir, None);
    assert_eq!(code, 0, "{out}");
}

/// Every conformance case's plan, in both solve modes, verifies against the scenario the
/// plan folder records.
#[test]
fn conformance_plans_verify_with_their_recorded_scenario() {
    let cases = root().join("tests/data/conformance");
    let mut n = 0;
    let mut failures = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("scenario.toml").is_file())
        .collect();
    dirs.sort();
    for case in dirs {
        let estate = load_case(&case).unwrap();
        let scenario = Scenario::load(&case.join("scenario.toml")).unwrap();
        for fast_paths in [true, false] {
            let opts = SolveOptions {
                fast_paths,
                ..SolveOptions::default()
            };
            let plan = reallot::plan_case(&estate, &scenario, None, &opts).unwrap();
            let t = tempfile::tempdir().unwrap();
            let target = t.path().join("plan");
            write(&plan, &target);
            let rep = reallot::verify::verify_plan(&estate, None, None, &target).unwrap();
            n += 1;
            for v in rep.violations {
                failures.push(format!("{} (fast paths {fast_paths}): {v}", case.display()));
            }
        }
    }
    assert!(n >= 30, "only {n} plans");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Writes a plan folder the way `reallot plan` does.
fn write(plan: &reallot::plan::Plan, target: &Path) {
    let out = new_out(target);
    reallot::report::write_plan(plan, &out.root()).unwrap();
    out.commit().unwrap();
}

// `OutDir::new` gains an argument (the input paths) in the lead's tree; keep the call in
// one place.
fn new_out(target: &Path) -> reallot::io::write::OutDir {
    reallot::io::write::OutDir::new(target, &[]).unwrap()
}

#[test]
fn every_shipped_scenario_round_trips() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    let conf = root().join("tests/data/conformance");
    for e in std::fs::read_dir(conf).unwrap() {
        let p = e.unwrap().path().join("scenario.toml");
        if p.is_file() {
            files.push(p);
        }
    }
    assert!(files.len() >= 5 + 15, "{files:?}");
    for f in files {
        let s = Scenario::load(&f).unwrap();
        let back = Scenario::parse(&s.to_toml(), "scenario.toml", "not-the-name").unwrap();
        assert_eq!(back, s, "{}:\n{}", f.display(), s.to_toml());
    }
}

fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    let name = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}";
    // Any text a case may use for a name, quotes, backslashes and non-ASCII included.
    let text = "[A-Za-z0-9 \"'\\\\=+@#é漢.-]{1,12}";
    let trimmed = text.prop_filter("trimmed", |s: &String| s.trim() == s.as_str());
    let sa = trimmed
        .clone()
        .prop_filter("no slash", |s: &String| !s.contains('/'));
    let date = (1990i32..2100, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
    let renewal = prop_oneof![
        Just(RenewalPolicy::FromCase),
        Just(RenewalPolicy::Disabled),
        date.prop_map(RenewalPolicy::Date),
    ];
    let merge = prop_oneof![
        Just(Merge::None),
        Just(Merge::All),
        prop::collection::vec(
            prop::collection::vec(text.prop_map(String::from), 0..4),
            0..3
        )
        .prop_map(Merge::Groups),
    ];
    let lock = prop::collection::vec(
        (
            sa,
            trimmed.prop_map(|v: String| format!("{v}/x").trim().to_string()),
        ),
        0..4,
    );
    (
        (
            name,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            0u32..=36_500,
        ),
        (0i64..=100_000, -9_999i64..=100_000, renewal, merge, lock),
    )
        .prop_map(
            |(
                (name, reallocate, substitution, hygiene, stale_after_days),
                (b, g, renewal, merge, lock),
            )| {
                Scenario {
                    name,
                    policy: Policy {
                        reallocate,
                        substitution,
                        hygiene,
                        stale_after_days,
                        buffer_bp: b,
                        growth_bp: g,
                    },
                    renewal,
                    // Both evaluation dates, spread over the cases.
                    evaluate_at: if stale_after_days % 2 == 0 {
                        reallot::scenario::EvaluateAt::Renewal
                    } else {
                        reallot::scenario::EvaluateAt::AsOf
                    },
                    merge,
                    lock,
                    // Term keys, spread over the cases as well.
                    term_months: (stale_after_days % 3 == 0)
                        .then_some(12 * (1 + stale_after_days % 10)),
                    commit_discount_bp: u32::try_from(b % 10_001).unwrap_or(0),
                    growth_allowance_bp: u32::try_from(g.rem_euclid(10_001)).unwrap_or(0),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// `Scenario::parse(s.to_toml())` gives back `s`, name included.
    #[test]
    fn random_scenarios_round_trip(s in scenario_strategy()) {
        let text = s.to_toml();
        let back = Scenario::parse(&text, "scenario.toml", "other");
        prop_assert!(back.is_ok(), "{text}\n{:?}", back.err());
        prop_assert_eq!(back.unwrap(), s, "{}", text);
    }
}

/// Inside a substitution family the vendor's per-VA figure is not a closed form: a lowered
/// one, with the summary lowered to match, still leaves the VA short in the vendor's
/// reading, and that is caught (Hall's condition on "covers").
#[test]
fn a_lowered_vendor_figure_inside_a_family_is_caught() {
    let (_t, dir) = demo();
    edit(
        &dir.join("positions.csv"),
        "Air-Gapped,C9300 DNA Advantage,10,12,12,14,2,",
        "Air-Gapped,C9300 DNA Advantage,10,12,12,14,0,",
    );
    edit(
        &dir.join("summary.json"),
        "\"shortfall_units\": 337",
        "\"shortfall_units\": 335",
    );
    edit(
        &dir.join("summary.json"),
        "\"shortfall_cost\": 126173.00",
        "\"shortfall_cost\": 123273.00",
    );
    caught(
        &dir,
        &[
            "positions.csv",
            "Air-Gapped",
            "short in the vendor's reading",
        ],
    );
}

/// Adds a first column `milestone` and a last column `note` to a plan table.
fn widen(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("milestone,{line},note\n"));
        } else {
            out.push_str(&format!("m1,{line},\n"));
        }
    }
    std::fs::write(path, out).unwrap();
}

/// verify reads the plan tables by column name: columns a table gains (in front or at
/// the end) are ignored, and every figure is still checked.
#[test]
fn plan_tables_with_extra_columns_verify() {
    let (_t, dir) = demo();
    let tables = [
        "moves.csv",
        "purchases.csv",
        "positions.csv",
        "substitutions.csv",
        "renewal.csv",
        "findings.csv",
    ];
    for f in tables {
        widen(&dir.join(f));
    }
    let (code, out) = verify(&acme(), &dir, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" 0 violations"), "{out}");
    // Still checked: an edited figure in a widened table is caught.
    edit(
        &dir.join("moves.csv"),
        "Campus-North,Campus-South,36,",
        "Campus-North,Campus-South,35,",
    );
    caught(&dir, &["moves.csv", "Campus-South"]);
}

/// A column verify needs that a table lacks, or holds twice, is a violation naming it.
#[test]
fn a_missing_or_repeated_plan_column_is_a_violation() {
    let (_t, dir) = demo();
    let path = dir.join("purchases.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut: Vec<String> = text
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string())
        .collect();
    std::fs::write(&path, cut.join("\n") + "\n").unwrap();
    caught(
        &dir,
        &["purchases.csv: the header", "lacks the column cost"],
    );
    let (_t, dir) = demo();
    let path = dir.join("moves.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let doubled: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},quantity")
            } else {
                format!("{l},1")
            }
        })
        .collect();
    std::fs::write(&path, doubled.join("\n") + "\n").unwrap();
    caught(
        &dir,
        &["moves.csv: the header", "has the column quantity twice"],
    );
}
