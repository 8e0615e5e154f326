//! Every output file of every conformance case and of the sample case, byte for byte,
//! against a committed digest manifest: refactoring must not change a byte. To accept a
//! deliberate change, run with `REALLOT_BLESS=1` and review the manifest's diff (and the
//! outputs themselves).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::reallot;

const MANIFEST: &str = "tests/data/output-digests.txt";

/// FNV-1a, 64 bits: stable across platforms and Rust versions (std's hasher is not).
fn digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// (run name, case folder, scenario file or the default scenario).
fn cases(root: &Path) -> Vec<(String, PathBuf, Option<PathBuf>)> {
    let mut out = Vec::new();
    let conf = root.join("tests/data/conformance");
    let mut names: Vec<_> = std::fs::read_dir(&conf)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let dir = conf.join(&name);
        out.push((name, dir.clone(), Some(dir.join("scenario.toml"))));
    }
    // The sample case under the default scenario and every shipped model.
    let sample = root.join("data/acme-networks");
    out.push(("acme-networks".into(), sample.clone(), None));
    let mut models: Vec<_> = std::fs::read_dir(root.join("models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    models.sort();
    for m in models {
        let stem = m.file_stem().unwrap().to_string_lossy().into_owned();
        out.push((format!("acme-networks.{stem}"), sample.clone(), Some(m)));
    }
    out
}

/// Every file under `dir`, relative path → digest.
fn digests(dir: &Path, prefix: &str, into: &mut BTreeMap<String, u64>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}/{}", e.file_name().to_string_lossy());
        if e.file_type().unwrap().is_dir() {
            digests(&e.path(), &name, into);
        } else {
            into.insert(name, digest(&std::fs::read(e.path()).unwrap()));
        }
    }
}

#[test]
fn every_output_file_is_byte_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut got = BTreeMap::new();
    for (name, dir, scenario) in cases(root) {
        let out = tmp.path().join(&name);
        let mut cmd = reallot();
        cmd.arg("plan").arg(&dir);
        if let Some(s) = &scenario {
            cmd.arg("--model").arg(s);
        }
        cmd.arg("--out").arg(&out).assert().success();
        digests(&out, &name, &mut got);
    }
    let text: String = got
        .iter()
        .map(|(k, v)| format!("{v:016x}  {k}\n"))
        .collect();
    let manifest = root.join(MANIFEST);
    if std::env::var_os("REALLOT_BLESS").is_some() {
        std::fs::write(&manifest, &text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|_| panic!("{MANIFEST} missing: run with REALLOT_BLESS=1"));
    let want: BTreeMap<&str, &str> = want
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(d, k)| (k, d)))
        .collect();
    let mut diffs = Vec::new();
    for (k, v) in &got {
        match want.get(k.as_str()) {
            Some(d) if *d == format!("{v:016x}") => {}
            Some(_) => diffs.push(format!("changed: {k}")),
            None => diffs.push(format!("new: {k}")),
        }
    }
    for k in want.keys() {
        if !got.contains_key(*k) {
            diffs.push(format!("gone: {k}"));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} output files differ from {MANIFEST}:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
