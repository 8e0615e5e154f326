//! `reallot compare`: scenarios side by side, case-local scenario files, determinism.

use std::path::Path;

use crate::common::{csv_rows, reallot, root};

/// The acquisition story: merging the two Smart Accounts saves money, and scenarios.csv
/// shows it as a negative change against the first scenario.
#[test]
fn acquisition_shows_the_consolidation_saving() {
    let case = root().join("tests/data/conformance/story-acquisition");
    let out = tempfile::tempdir().unwrap();
    reallot()
        .arg("compare")
        .arg(&case)
        .args([
            "--model",
            "models/renewal.toml",
            "--model",
            "models/consolidate.toml",
        ])
        .current_dir(root())
        .arg("--out")
        .arg(out.path().join("cmp"))
        .assert()
        .success();
    let table = csv_rows(&out.path().join("cmp/scenarios.csv"));
    assert_eq!(table.len(), 2);
    assert_eq!(
        (table[0][0].as_str(), table[1][0].as_str()),
        ("renewal", "consolidate")
    );
    let cost = |r: &Vec<String>| r[4].parse::<f64>().unwrap();
    assert!(
        cost(&table[1]) < cost(&table[0]),
        "consolidation must be cheaper"
    );
    assert_eq!(table[0][17], "0.00");
    assert!(
        table[1][17].starts_with('-'),
        "change is a saving: {}",
        table[1][17]
    );
    // Each scenario's folder is exactly what `plan` writes.
    for s in ["renewal", "consolidate"] {
        let plan = out.path().join(format!("plan-{s}"));
        reallot()
            .arg("plan")
            .arg(&case)
            .arg("--model")
            .arg(root().join(format!("models/{s}.toml")))
            .arg("--out")
            .arg(&plan)
            .assert()
            .success();
        for f in [
            "summary.json",
            "moves.csv",
            "purchases.csv",
            "renewal.csv",
            "positions.csv",
        ] {
            assert_eq!(
                std::fs::read(plan.join(f)).unwrap(),
                std::fs::read(out.path().join("cmp").join(s).join(f)).unwrap(),
                "{s}/{f}"
            );
        }
    }
}

/// `--models DIR` runs every file in name order; two runs give identical bytes even
/// though scenarios run in parallel.
#[test]
fn models_folder_in_name_order_and_deterministic() {
    let case = root().join("data/acme-networks");
    let out = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        reallot()
            .arg("compare")
            .arg(&case)
            .arg("--models")
            .arg(root().join("models"))
            .arg("--out")
            .arg(out.path().join(run))
            .assert()
            .success();
    }
    let names: Vec<String> = csv_rows(&out.path().join("a/scenarios.csv"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        names,
        [
            "consolidate",
            "hygiene",
            "reallocate",
            "renewal",
            "term",
            "vendor-view"
        ]
    );
    for n in &names {
        for f in ["summary.json", "moves.csv", "purchases.csv", "findings.csv"] {
            let a = std::fs::read(out.path().join("a").join(n).join(f)).unwrap();
            let b = std::fs::read(out.path().join("b").join(n).join(f)).unwrap();
            assert_eq!(a, b, "{n}/{f}");
        }
    }
}

/// A scenario kept with the case (its models/ folder) is found by name; without any
/// --model the case's folder is used; a missing one is a usage error.
#[test]
fn case_local_scenarios() {
    let src = root().join("tests/data/conformance/story-acquisition");
    let case = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, case.path().join(p.file_name().unwrap())).unwrap();
    }
    std::fs::create_dir(case.path().join("models")).unwrap();
    std::fs::write(
        case.path().join("models/merge-named.toml"),
        "name = \"merge-named\"\nmerge = [[\"Acme\", \"Initech\"]]\nlock = [\"Acme/Security\"]\n",
    )
    .unwrap();
    std::fs::write(case.path().join("models/apart.toml"), "name = \"apart\"\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    reallot()
        .arg("compare")
        .arg(case.path())
        .args(["--model", "merge-named"])
        .arg("--out")
        .arg(out.path().join("one"))
        .assert()
        .success();
    assert!(out.path().join("one/merge-named/summary.json").is_file());
    reallot()
        .arg("compare")
        .arg(case.path())
        .arg("--out")
        .arg(out.path().join("all"))
        .assert()
        .success();
    let names: Vec<String> = csv_rows(&out.path().join("all/scenarios.csv"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(names, ["apart", "merge-named"]);
    reallot()
        .arg("compare")
        .arg(case.path())
        .args(["--model", "no-such-scenario"])
        .arg("--out")
        .arg(out.path().join("none"))
        .assert()
        .code(2);
    assert!(!out.path().join("none").exists());
}

/// scenarios.csv read by column name: (scenario, baseline, purchase_cost, change_cost).
fn baseline_rows(path: &Path) -> Vec<(String, String, String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (s, b, c, d) = (
        col("scenario"),
        col("baseline"),
        col("purchase_cost"),
        col("change_purchase_cost"),
    );
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (
                x[s].to_string(),
                x[b].to_string(),
                x[c].to_string(),
                x[d].to_string(),
            )
        })
        .collect()
}

/// Checks that exactly `baseline` is marked, and every change is against its cost.
fn assert_baseline(out: &Path, baseline: &str) {
    let rows = baseline_rows(&out.join("scenarios.csv"));
    let marked: Vec<&str> = rows
        .iter()
        .filter(|r| r.1 == "true")
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(marked, [baseline]);
    assert!(rows.iter().all(|r| r.1 == "true" || r.1 == "false"));
    let cents = |s: &str| reallot::money::parse_money(s).unwrap();
    let base = rows.iter().find(|r| r.0 == baseline).unwrap();
    for r in &rows {
        assert_eq!(cents(&r.3), cents(&r.2) - cents(&base.2), "{}", r.0);
    }
    // The chart marks it too.
    let svg = std::fs::read_to_string(out.join("scenarios.svg")).unwrap();
    assert_eq!(svg.matches("(baseline)").count(), 1);
    assert!(
        svg.contains(&format!("{baseline} (baseline)")),
        "{baseline}"
    );
}

/// Runs `compare` on `case` with `args`, writing to `out`.
fn compare(case: &Path, args: &[&str], out: &Path) {
    reallot()
        .arg("compare")
        .arg(case)
        .args(args)
        .arg("--out")
        .arg(out)
        .current_dir(root())
        .assert()
        .success()
        .stdout(predicates::str::contains("the baseline"));
}

/// The baseline is the first `--model` given, wherever it sorts.
#[test]
fn baseline_is_the_first_model_given() {
    let case = root().join("data/acme-networks");
    let out = tempfile::tempdir().unwrap();
    let run = out.path().join("m");
    compare(
        &case,
        &[
            "--model",
            "models/renewal.toml",
            "--model",
            "models/vendor-view.toml",
            "--model",
            "models/consolidate.toml",
        ],
        &run,
    );
    assert_baseline(&run, "renewal");
}

/// With a folder, `vendor-view` is the baseline when the folder has it (it sorts last
/// in models/); without it, the first scenario by name.
#[test]
fn baseline_of_a_folder() {
    let case = root().join("data/acme-networks");
    let out = tempfile::tempdir().unwrap();
    let run = out.path().join("all");
    compare(&case, &["--models", "models"], &run);
    assert_baseline(&run, "vendor-view");
    let dir = out.path().join("some");
    std::fs::create_dir(&dir).unwrap();
    for m in ["renewal", "hygiene", "reallocate"] {
        std::fs::copy(
            root().join(format!("models/{m}.toml")),
            dir.join(format!("{m}.toml")),
        )
        .unwrap();
    }
    let run = out.path().join("some-run");
    compare(&case, &["--models", dir.to_str().unwrap()], &run);
    assert_baseline(&run, "hygiene");
}

/// The case's own models/ folder follows the folder rule.
#[test]
fn baseline_of_the_case_folder() {
    let src = root().join("tests/data/conformance/story-acquisition");
    let case = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, case.path().join(p.file_name().unwrap())).unwrap();
    }
    let models = case.path().join("models");
    std::fs::create_dir(&models).unwrap();
    std::fs::write(models.join("a-apart.toml"), "name = \"apart\"\n").unwrap();
    std::fs::copy(
        root().join("models/vendor-view.toml"),
        models.join("vendor-view.toml"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = out.path().join("run");
    compare(case.path(), &[], &run);
    assert_baseline(&run, "vendor-view");
    std::fs::remove_file(models.join("vendor-view.toml")).unwrap();
    let run = out.path().join("run2");
    compare(case.path(), &[], &run);
    assert_baseline(&run, "apart");
}

/// `compare CASE` with nothing to compare says where it looked, exits 2 and writes
/// nothing: without a models/ folder, and with an empty one.
#[test]
fn no_scenarios_says_where_it_looked() {
    let src = root().join("tests/data/conformance/story-acquisition");
    let case = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, case.path().join(p.file_name().unwrap())).unwrap();
    }
    let models = case.path().join("models");
    let out = tempfile::tempdir().unwrap();
    for make_empty_folder in [false, true] {
        if make_empty_folder {
            std::fs::create_dir(&models).unwrap();
        }
        let target = out.path().join("never");
        reallot()
            .arg("compare")
            .arg(case.path())
            .arg("--out")
            .arg(&target)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(models.display().to_string()))
            .stderr(predicates::str::contains("--model"));
        assert!(!target.exists());
    }
}
