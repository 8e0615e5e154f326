//! The story cases' output tables, byte for byte. To accept a deliberate change, run
//! `reallot plan` on the case into tests/data/golden/<case> and review the diff.

use std::path::Path;

use crate::common::reallot;

#[test]
fn story_outputs_match_golden_tables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut diffs = Vec::new();
    for case in [
        "story-acquisition",
        "story-cucm-substitution",
        "story-wrong-token",
    ] {
        let dir = root.join("conformance").join(case);
        let out = tempfile::tempdir().unwrap();
        reallot()
            .arg("plan")
            .arg(&dir)
            .arg("--model")
            .arg(dir.join("scenario.toml"))
            .arg("--out")
            .arg(out.path().join("plan"))
            .assert()
            .success();
        let golden = root.join("golden").join(case);
        let mut names: Vec<_> = std::fs::read_dir(&golden)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert!(names.len() >= 5, "{case}: golden folder incomplete");
        for name in names {
            let want = std::fs::read(golden.join(&name)).unwrap();
            let got = std::fs::read(out.path().join("plan").join(&name)).unwrap_or_default();
            if want != got {
                diffs.push(format!(
                    "{case}/{}:\n--- golden\n{}\n--- got\n{}",
                    name.to_string_lossy(),
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&got)
                ));
            }
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
