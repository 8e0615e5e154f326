//! The advisor's files are never at risk (SPEC §5.1) and no figure can wrap (SPEC §2):
//! every refusal is checked against the hashes of every file before and after.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{reallot, root};
use predicates::prelude::*;
use reallot::error::Exit;
use reallot::io::write::MARKER;

/// Every file below `dir` with a hash of its bytes (folders included, as empty entries).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, u64> {
    use std::hash::{Hash, Hasher};
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.insert(p.clone(), 0);
                stack.push(p);
            } else {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                std::fs::read(&p).unwrap().hash(&mut h);
                out.insert(p, h.finish());
            }
        }
    }
    out
}

/// A copy of the small story case in a fresh folder: `(tempdir, case path)`.
fn case_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    let src = root().join("tests/data/conformance/story-wrong-token");
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        std::fs::copy(e.path(), case.join(e.file_name())).unwrap();
    }
    (dir, case)
}

fn plan_into(case: &Path, out: &Path) -> assert_cmd::assert::Assert {
    reallot()
        .arg("plan")
        .arg(case)
        .args(["--as-of", "2026-11-01", "--out"])
        .arg(out)
        .assert()
}

#[test]
fn out_over_the_case_its_parent_or_a_foreign_folder_is_refused_untouched() {
    let (dir, case) = case_copy();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("customer.docx"), "precious").unwrap();
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "precious").unwrap();
    let before = snapshot(dir.path());
    for target in [
        case.clone(),
        dir.path().to_path_buf(),
        notes.clone(),
        file.clone(),
        case.join(".."),
    ] {
        plan_into(&case, &target)
            .code(Exit::Usage.code())
            .stderr(predicate::str::contains("refusing to write"));
        assert_eq!(snapshot(dir.path()), before, "target {}", target.display());
    }
}

#[test]
fn out_may_be_new_empty_or_reallots_own_and_is_replaced_whole() {
    let (dir, case) = case_copy();
    let out = dir.path().join("plan");
    plan_into(&case, &out).success();
    assert!(out.join(MARKER).is_file());
    assert!(out.join("plots").join(MARKER).is_file());
    // A file left over from the first plan disappears: the folder is replaced as a whole.
    std::fs::write(out.join("stale.csv"), "old").unwrap();
    plan_into(&case, &out).success();
    assert!(!out.join("stale.csv").exists());
    assert!(out.join("summary.json").is_file());
    // An empty folder is fine.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    plan_into(&case, &empty).success();
    // Nothing but the case, the outputs and no temporary folder remain.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".reallot-tmp")),
        "{names:?}"
    );
}

#[test]
fn temporary_folders_of_killed_runs_are_cleaned_up() {
    let (dir, case) = case_copy();
    // What a run killed mid-write leaves: a marked temporary folder whose process is gone.
    let stale = dir.path().join(".reallot-tmp-plan.999999999.x1");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join(MARKER), "").unwrap();
    std::fs::write(stale.join("summary.json"), "{}").unwrap();
    plan_into(&case, &dir.path().join("plan")).success();
    assert!(!stale.exists());
}

#[test]
fn import_out_over_its_own_exports_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let src = root().join("tests/data/cssm");
    let json = std::fs::read_dir(&src)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a CSSM fixture");
    let copy = exports.join(json.file_name().unwrap());
    std::fs::copy(&json, &copy).unwrap();
    let before = snapshot(dir.path());
    for target in [exports.clone(), dir.path().to_path_buf()] {
        reallot()
            .args(["import", "cssm-json"])
            .arg(&copy)
            .arg("--out")
            .arg(&target)
            .assert()
            .code(Exit::Usage.code());
        assert_eq!(snapshot(dir.path()), before);
    }
}

#[test]
fn compare_out_over_a_foreign_folder_is_refused_untouched() {
    let (dir, case) = case_copy();
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("x.txt"), "precious").unwrap();
    let before = snapshot(dir.path());
    reallot()
        .arg("compare")
        .arg(&case)
        .arg("--models")
        .arg(root().join("models"))
        .args(["--as-of", "2026-11-01", "--out"])
        .arg(&other)
        .assert()
        .code(Exit::Usage.code());
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn unsafe_scenario_names_are_input_errors_and_write_nothing() {
    let (dir, case) = case_copy();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    for name in ["../escaped", "/tmp/abs", ".hidden", "a b"] {
        let model = dir.path().join("s.toml");
        std::fs::write(&model, format!("name = {name:?}\n")).unwrap();
        let before = snapshot(dir.path());
        reallot()
            .current_dir(&work)
            .arg("plan")
            .arg(&case)
            .arg("--model")
            .arg(&model)
            .args(["--as-of", "2026-11-01"])
            .assert()
            .code(Exit::Data.code())
            .stderr(predicate::str::contains("s.toml").and(predicate::str::contains("name")));
        assert_eq!(snapshot(dir.path()), before, "{name}");
    }
}

#[test]
fn folders_missing_plans_and_bad_time_limits_are_usage_errors() {
    let (dir, case) = case_copy();
    reallot()
        .arg("plan")
        .arg(&case)
        .arg("--model")
        .arg(dir.path())
        .assert()
        .code(Exit::Usage.code())
        .stderr(predicate::str::contains("is a folder"));
    reallot()
        .arg("verify")
        .arg(&case)
        .arg(dir.path().join("no-plan"))
        .args(["--as-of", "2026-11-01"])
        .assert()
        .code(Exit::Usage.code());
    for t in ["nan", "inf", "-1", "0", "1e9"] {
        reallot()
            .arg("plan")
            .arg(&case)
            .args(["--time-limit", t])
            .assert()
            .code(Exit::Usage.code());
    }
}

/// Writes a one-licence case with the given usage, price and pack.
fn big_case(dir: &Path, in_use: u64, price: &str, pack: u64) -> PathBuf {
    let case = dir.join("big");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(
        case.join("case.toml"),
        "name = \"big\"\nas_of = \"2026-11-01\"\n",
    )
    .unwrap();
    std::fs::write(
        case.join("entitlements.csv"),
        "smart_account,virtual_account,license,quantity\nA,V1,L,0\n",
    )
    .unwrap();
    std::fs::write(
        case.join("usage.csv"),
        format!("smart_account,virtual_account,license,in_use\nA,V1,L,{in_use}\nA,V2,L,{in_use}\n"),
    )
    .unwrap();
    std::fs::write(
        case.join("prices.csv"),
        format!("license,unit_price,pack_size\nL,{price},{pack}\n"),
    )
    .unwrap();
    case
}

#[test]
fn figures_at_the_limits_are_exact_never_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    // 2 × 10^12 units at 10^10.00 each: 2 × 10^22, far beyond 64 bits of cents.
    let case = big_case(dir.path(), 1_000_000_000_000, "10000000000.00", 1);
    let out = dir.path().join("plan");
    plan_into(&case, &out).success();
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"purchase_cost\": 20000000000000000000000.00"),
        "{summary}"
    );
    assert!(
        summary.contains("\"purchase_units\": 2000000000000"),
        "{summary}"
    );
    assert!(summary.contains("\"status\": \"optimal\""));
    // Packs of 10^6: 10^12 units need exactly 10^6 packs per VA.
    let case = big_case(&dir.path().join("p"), 999_999_999_999, "0.01", 1_000_000);
    let out = dir.path().join("plan2");
    plan_into(&case, &out).success();
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"purchase_units\": 2000000000000"),
        "{summary}"
    );
    assert!(
        summary.contains("\"purchase_cost\": 20000000000.00"),
        "{summary}"
    );
}

#[test]
fn totals_beyond_exact_range_are_refused() {
    let mut e = reallot::estate::Estate {
        name: "x".into(),
        ..Default::default()
    };
    e.sas.push("A".into());
    e.licences.push("L".into());
    for i in 0..3 {
        e.vas.push(reallot::estate::Va {
            sa: 0,
            name: format!("V{i}"),
            pool: String::new(),
            locked: false,
        });
        e.usage.insert(
            (i, 0),
            reallot::estate::Usage {
                in_use: 400_000_000_000_000_000,
                reserved: 0,
            },
        );
    }
    let s = reallot::scenario::Scenario::default();
    let err = reallot::check_magnitudes(&e, &s).unwrap_err();
    assert_eq!(err.exit_code(), Exit::Data.code());
    assert!(err.to_string().contains("10^18"), "{err}");
    e.usage.remove(&(2, 0));
    assert!(reallot::check_magnitudes(&e, &s).is_ok());
}

#[test]
fn names_are_escaped_where_they_land() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    std::fs::write(case.join("case.toml"), "as_of = \"2026-11-01\"\n").unwrap();
    std::fs::write(
        case.join("entitlements.csv"),
        "smart_account,virtual_account,license,quantity\nA,<script>x</script>,=HYPERLINK(\"http://e\"),5\nA,V2,=HYPERLINK(\"http://e\"),0\n",
    )
    .unwrap();
    std::fs::write(
        case.join("usage.csv"),
        "smart_account,virtual_account,license,in_use\nA,V2,=HYPERLINK(\"http://e\"),3\n",
    )
    .unwrap();
    let out = dir.path().join("plan");
    plan_into(&case, &out).success();
    let moves = std::fs::read_to_string(out.join("moves.csv")).unwrap();
    assert!(moves.contains("'=HYPERLINK"), "{moves}");
    assert!(
        !moves.contains(",=HYPERLINK") && !moves.contains("\"=HYPERLINK"),
        "{moves}"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("<script>"), "report.md carries raw HTML");
    assert!(md.contains("&lt;script&gt;"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>x"), "report.html carries raw HTML");
    for chart in ["positions", "heatmap"] {
        let svg = std::fs::read_to_string(out.join(format!("plots/{chart}.svg"))).unwrap();
        assert!(!svg.contains("<script>"), "{chart}.svg");
    }
    reallot()
        .arg("verify")
        .arg(&case)
        .arg(&out)
        .args(["--as-of", "2026-11-01"])
        .assert()
        .success();
}

#[test]
fn non_utf8_case_and_scenario_files_are_located_input_errors() {
    let (dir, case) = case_copy();
    std::fs::write(
        case.join("case.toml"),
        b"name = \"x\"\nas_of = \"2026-11-01\xff\"\n",
    )
    .unwrap();
    reallot()
        .arg("check")
        .arg(&case)
        .assert()
        .code(Exit::Data.code())
        .stderr(
            predicate::str::contains("case.toml line 2").and(predicate::str::contains("UTF-8")),
        );
    std::fs::write(case.join("case.toml"), "as_of = \"2026-11-01\"\n").unwrap();
    let model = dir.path().join("s.toml");
    std::fs::write(&model, b"name = \"a\xfe\"\n").unwrap();
    reallot()
        .arg("plan")
        .arg(&case)
        .arg("--model")
        .arg(&model)
        .arg("--out")
        .arg(dir.path().join("p"))
        .assert()
        .code(Exit::Data.code())
        .stderr(predicate::str::contains("UTF-8"));
}
