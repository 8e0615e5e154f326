//! Every conformance case (copied from shared/conformance) against its expected.json, in
//! both solve modes, each plan re-checked by `verify`.

use std::path::{Path, PathBuf};

use reallot::estate::load_case;
use reallot::model::SolveOptions;
use reallot::report::Summary;
use reallot::scenario::Scenario;

fn flat(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                flat(&format!("{prefix}{k}."), x, out);
            }
        }
        other => out.push((prefix.trim_end_matches('.').to_string(), other.clone())),
    }
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance");
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    v.sort();
    assert!(v.len() >= 15, "conformance cases missing");
    v
}

#[test]
fn every_case_matches_expected_and_verifies() {
    let mut diffs = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let estate = load_case(&case).unwrap();
        let scenario = Scenario::load(&case.join("scenario.toml")).unwrap();
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).unwrap())
                .unwrap();
        let mut want = Vec::new();
        flat("", &expected, &mut want);
        // The figures both solve modes must agree on, beyond expected.json: the three
        // optima and the tie-break (fewest substituted units among optimal plans).
        let mut agreed: Vec<(i128, u64, u64, u64)> = Vec::new();
        for fast_paths in [true, false] {
            let opts = SolveOptions {
                fast_paths,
                ..SolveOptions::default()
            };
            let plan = reallot::plan_case(&estate, &scenario, None, &opts).unwrap();
            let summary = Summary::of(&plan);
            agreed.push((
                plan.purchase_cost(),
                plan.purchase_units(),
                plan.licences_moved(),
                summary.substituted_units,
            ));
            let got = serde_json::to_value(summary).unwrap();
            let mut have = Vec::new();
            flat("", &got, &mut have);
            for (key, w) in &want {
                let h = have.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                let ok = match (w, &h) {
                    (serde_json::Value::Null, Some(serde_json::Value::Null) | None) => true,
                    (serde_json::Value::Number(a), Some(serde_json::Value::Number(b))) => {
                        (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 0.005
                    }
                    _ => false,
                };
                if !ok {
                    diffs.push(format!(
                        "{name} (fast paths {fast_paths}): {key} expected {w}, got {h:?}"
                    ));
                }
            }
            // verify, independently of the solver.
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join("plan");
            let out = reallot::io::write::OutDir::new(&target, &[]).unwrap();
            reallot::report::write_plan(&plan, &out.root()).unwrap();
            out.commit().unwrap();
            let rep = reallot::verify::verify(&estate, &scenario, None, &target).unwrap();
            for v in rep.violations {
                diffs.push(format!("{name}: verify: {v}"));
            }
        }
        if agreed[0] != agreed[1] {
            diffs.push(format!(
                "{name}: fast paths and MIP disagree on (cost, units, moved, substituted): {:?} vs {:?}",
                agreed[0], agreed[1]
            ));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn plans_are_byte_identical_across_runs() {
    for case in cases().iter().take(4) {
        let estate = load_case(case).unwrap();
        let scenario = Scenario::load(&case.join("scenario.toml")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for run in ["a", "b"] {
            let plan =
                reallot::plan_case(&estate, &scenario, None, &SolveOptions::default()).unwrap();
            let out = reallot::io::write::OutDir::new(&dir.path().join(run), &[]).unwrap();
            reallot::report::write_plan(&plan, &out.root()).unwrap();
            out.commit().unwrap();
        }
        let files = walk(&dir.path().join("a"));
        assert!(files.len() >= 10, "too few files: {files:?}");
        for rel in files {
            assert_eq!(
                std::fs::read(dir.path().join("a").join(&rel)).unwrap(),
                std::fs::read(dir.path().join("b").join(&rel)).unwrap(),
                "{}: {}",
                case.display(),
                rel.display()
            );
        }
    }
}

/// Every file below `root`, as paths relative to it.
fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(root.join(&rel)).unwrap() {
            let e = e.unwrap();
            let r = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                stack.push(r);
            } else {
                out.push(r);
            }
        }
    }
    out.sort();
    out
}
