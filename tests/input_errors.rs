//! One malformed case per input rule (SPEC §2): exit 65, a message naming file, line,
//! column and value with the fix, every error of a file reported together, and no output
//! folder left behind.

use std::path::Path;

use assert_cmd::Command;
use reallot::error::EXIT_DATA;

const CASE: &str = "as_of = \"2026-11-01\"\n";
const ENT: &str = "smart_account,virtual_account,license,quantity\nA,V1,L,10\nA,V2,L,0\n";
const USAGE: &str =
    "smart_account,virtual_account,license,in_use,reserved\nA,V1,L,4,0\nA,V2,L,6,0\n";

/// A valid minimal case with `overrides` ((file, contents); empty contents delete it).
fn case(overrides: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![
        ("case.toml", CASE),
        ("entitlements.csv", ENT),
        ("usage.csv", USAGE),
    ];
    for &(name, text) in overrides {
        files.retain(|(n, _)| *n != name);
        if !text.is_empty() {
            files.push((name, text));
        }
    }
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Plans the case; returns (exit code, stderr) and checks no output folder exists
/// after a failure.
fn run(dir: &Path, extra: &[&str]) -> (i32, String) {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("plan");
    let r = Command::cargo_bin("reallot")
        .unwrap()
        .arg("plan")
        .arg(dir)
        .args(extra)
        .arg("--out")
        .arg(&target)
        .output()
        .unwrap();
    let code = r.status.code().unwrap();
    if code != 0 {
        assert!(!target.exists(), "a failed run left {}", target.display());
        let leftovers: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
        assert!(leftovers.is_empty(), "temporary folders left behind");
    }
    (code, String::from_utf8(r.stderr).unwrap())
}

/// Asserts exit 65 and that stderr holds every fragment.
fn rejects(overrides: &[(&str, &str)], fragments: &[&str]) {
    let dir = case(overrides);
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, EXIT_DATA, "stderr: {err}");
    for f in fragments {
        assert!(err.contains(f), "missing {f:?} in:\n{err}");
    }
    assert!(err.contains("fix:"), "no fix in:\n{err}");
}

fn accepts(overrides: &[(&str, &str)]) {
    let dir = case(overrides);
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, 0, "stderr: {err}");
}

#[test]
fn the_minimal_case_is_valid() {
    accepts(&[]);
}

#[test]
fn unknown_column() {
    rejects(
        &[(
            "usage.csv",
            "smart_account,virtual_account,license,in_use,in_uze\nA,V1,L,4,0\n",
        )],
        &["usage.csv line 1", "\"in_uze\"", "not a known column", "x_"],
    );
}

#[test]
fn x_columns_headers_and_bom_are_tolerated() {
    accepts(&[(
        "usage.csv",
        "\u{feff}Smart Account,Virtual-Account, LICENSE ,In Use,x_note\nA,V1,L,4,hello\nA,V2,L,6,\n",
    )]);
}

#[test]
fn missing_required_column() {
    rejects(
        &[(
            "entitlements.csv",
            "smart_account,virtual_account,license\nA,V1,L\n",
        )],
        &[
            "entitlements.csv line 1, column quantity",
            "required column is missing",
        ],
    );
}

#[test]
fn bad_counts() {
    rejects(
        &[(
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity\nA,V1,L,-3\nA,V1,L,2.5\nA,V1,L,\"1,200\"\n",
        )],
        &[
            "entitlements.csv line 2, column quantity: \"-3\"",
            "line 3, column quantity: \"2.5\"",
            "line 4, column quantity: \"1,200\"",
            "thousands separators",
            "3 input errors",
        ],
    );
}

#[test]
fn unknown_enum_values() {
    rejects(
        &[(
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity,license_type,status,source\n\
             A,V1,L,1,FOREVER,ACTIVE,SMART\nA,V1,L,1,TERM,LIVE,SMART\nA,V1,L,1,TERM,ACTIVE,EBAY\n",
        )],
        &[
            "line 2, column license_type: \"FOREVER\"",
            "line 3, column status: \"LIVE\"",
            "line 4, column source: \"EBAY\"",
            "use one of",
        ],
    );
    rejects(
        &[
            ("usage.csv", ""),
            (
                "instances.csv",
                "instance,smart_account,virtual_account,license,reservation\nd1,A,V1,L,HOLD\n",
            ),
        ],
        &["instances.csv line 2, column reservation: \"HOLD\""],
    );
}

#[test]
fn bad_dates() {
    rejects(
        &[(
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity,start_date\nA,V1,L,1,2026-13-01\nA,V1,L,1,01/02/2026\n",
        )],
        &["line 2, column start_date: \"2026-13-01\"", "line 3, column start_date: \"01/02/2026\"", "YYYY-MM-DD"],
    );
    rejects(
        &[("case.toml", "as_of = \"yesterday\"\n")],
        &["case.toml, column as_of: \"yesterday\""],
    );
}

#[test]
fn end_before_start_is_only_a_warning() {
    accepts(&[(
        "entitlements.csv",
        "smart_account,virtual_account,license,quantity,start_date,end_date\nA,V1,L,10,2026-01-01,2025-01-01\nA,V1,L,10,,\n",
    )]);
}

#[test]
fn reserved_more_than_in_use() {
    rejects(
        &[(
            "usage.csv",
            "smart_account,virtual_account,license,in_use,reserved\nA,V1,L,4,5\n",
        )],
        &[
            "usage.csv line 2, column reserved: \"5\"",
            "more than in_use (4)",
        ],
    );
}

#[test]
fn duplicate_keys() {
    rejects(
        &[(
            "usage.csv",
            "smart_account,virtual_account,license,in_use\nA,V1,L,4\nA,V1,L,5\n",
        )],
        &["usage.csv line 3", "repeats", "line 2"],
    );
    rejects(
        &[(
            "accounts.csv",
            "smart_account,virtual_account,locked\nA,V1,false\nA,V1,true\n",
        )],
        &["accounts.csv line 3", "repeats"],
    );
    rejects(
        &[("prices.csv", "license,unit_price\nL,1.00\nL,2.00\n")],
        &["prices.csv line 3, column license: \"L\"", "repeats"],
    );
    rejects(
        &[
            ("usage.csv", ""),
            (
                "instances.csv",
                "instance,smart_account,virtual_account,license\nd1,A,V1,L\n",
            ),
            ("cmdb.csv", "instance,status\nd1,in service\nd1,retired\n"),
        ],
        &["cmdb.csv line 3, column instance: \"d1\"", "repeats"],
    );
}

#[test]
fn substitution_self_pair_and_cycle() {
    rejects(
        &[("substitutions.csv", "license,covers\nL,L\n")],
        &[
            "substitutions.csv line 2, column covers: \"L\"",
            "self-pair",
        ],
    );
    rejects(
        &[("substitutions.csv", "license,covers\nA,B\nB,C\nC,A\n")],
        &["substitutions.csv line", "cycle"],
    );
}

#[test]
fn bad_prices() {
    rejects(
        &[("prices.csv", "license,unit_price,pack_size\nL,1.005,\n")],
        &[
            "prices.csv line 2, column unit_price: \"1.005\"",
            "two decimals",
        ],
    );
    rejects(
        &[("prices.csv", "license,unit_price,pack_size\nL,1.00,0\n")],
        &["prices.csv line 2, column pack_size: \"0\"", "pack size"],
    );
    rejects(
        &[("prices.csv", "license,unit_price\nOther,1.00\n")],
        &["prices.csv", "no price for 1 licence in use: L"],
    );
}

#[test]
fn missing_files_and_dates() {
    rejects(
        &[("case.toml", "name = \"x\"\n")],
        &["case.toml, column as_of", "--as-of"],
    );
    rejects(
        &[("entitlements.csv", "")],
        &["entitlements.csv", "is missing"],
    );
    rejects(&[("usage.csv", "")], &["usage.csv", "instances.csv"]);
    rejects(
        &[("case.toml", "as_of = \"2026-11-01\"\ncolour = \"blue\"\n")],
        &["case.toml", "colour"],
    );
}

#[test]
fn bad_scenario_file() {
    let dir = case(&[]);
    let model = dir.path().join("s.toml");
    std::fs::write(&model, "bufer_pct = 10\n").unwrap();
    let (code, err) = run(dir.path(), &["--model", model.to_str().unwrap()]);
    assert_eq!(code, EXIT_DATA);
    assert!(err.contains("bufer_pct"), "{err}");
    std::fs::write(&model, "buffer_pct = 1.234\nlock = [\"A/Nope\"]\n").unwrap();
    let (code, err) = run(dir.path(), &["--model", model.to_str().unwrap()]);
    assert_eq!(code, EXIT_DATA);
    assert!(err.contains("column buffer_pct: \"1.234\""), "{err}");
    std::fs::write(&model, "lock = [\"A/Nope\"]\n").unwrap();
    let (code, err) = run(dir.path(), &["--model", model.to_str().unwrap()]);
    assert_eq!(code, EXIT_DATA);
    assert!(err.contains("A/Nope"), "{err}");
}

#[test]
fn errors_are_capped() {
    let mut ent = String::from("smart_account,virtual_account,license,quantity\n");
    for _ in 0..80 {
        ent.push_str("A,V1,L,x\n");
    }
    rejects(
        &[("entitlements.csv", &ent)],
        &["80 input errors", "... and 30 more"],
    );
}
