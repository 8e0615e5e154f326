//! `reallot compare`: scenarios side by side, case-local scenario files, determinism.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn reallot() -> Command {
    Command::cargo_bin("reallot").unwrap()
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

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
    let table = rows(&out.path().join("cmp/scenarios.csv"));
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
    let names: Vec<String> = rows(&out.path().join("a/scenarios.csv"))
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
    let names: Vec<String> = rows(&out.path().join("all/scenarios.csv"))
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
