//! One malformed case per input rule (SPEC §2): exit 65, a message naming file, line,
//! column and value with the fix, every error of a file reported together, and no output
//! folder left behind.

use std::path::Path;

use crate::common::reallot;
use reallot::error::Exit;

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
    let r = reallot()
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
    assert_eq!(code, Exit::Data.code(), "stderr: {err}");
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
    assert_eq!(code, Exit::Data.code());
    assert!(err.contains("bufer_pct"), "{err}");
    std::fs::write(&model, "buffer_pct = 1.234\nlock = [\"A/Nope\"]\n").unwrap();
    let (code, err) = run(dir.path(), &["--model", model.to_str().unwrap()]);
    assert_eq!(code, Exit::Data.code());
    assert!(err.contains("column buffer_pct: \"1.234\""), "{err}");
    std::fs::write(&model, "lock = [\"A/Nope\"]\n").unwrap();
    let (code, err) = run(dir.path(), &["--model", model.to_str().unwrap()]);
    assert_eq!(code, Exit::Data.code());
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

/// SPEC §2 limits, each at its boundary: the limit itself is accepted, one more is an
/// error naming the file, line, column and value.
#[test]
fn count_limits() {
    let ent = |q: &str| format!("smart_account,virtual_account,license,quantity\nA,V1,L,{q}\n");
    accepts(&[("entitlements.csv", &ent("1000000000000"))]);
    rejects(
        &[("entitlements.csv", &ent("1000000000001"))],
        &[
            "entitlements.csv line 2, column quantity: \"1000000000001\"",
            "more than 1000000000000 (10^12)",
        ],
    );
    // Far beyond u64: the same message, not "not a number".
    rejects(
        &[("entitlements.csv", &ent("99999999999999999999999"))],
        &["column quantity", "more than 1000000000000 (10^12)"],
    );
    let usage = |u: &str, r: &str| {
        format!("smart_account,virtual_account,license,in_use,reserved\nA,V1,L,{u},{r}\n")
    };
    let big_ent = "smart_account,virtual_account,license,quantity\nA,V1,L,1000000000000\n";
    accepts(&[
        ("entitlements.csv", big_ent),
        ("usage.csv", &usage("1000000000000", "1000000000000")),
    ]);
    rejects(
        &[("usage.csv", &usage("1000000000001", "1000000000001"))],
        &[
            "usage.csv line 2, column in_use: \"1000000000001\"",
            "usage.csv line 2, column reserved: \"1000000000001\"",
        ],
    );
    let inst = |q: &str| {
        format!("instance,smart_account,virtual_account,license,quantity\nd1,A,V1,L,{q}\n")
    };
    accepts(&[
        ("usage.csv", ""),
        ("entitlements.csv", big_ent),
        ("instances.csv", &inst("1000000000000")),
    ]);
    rejects(
        &[("usage.csv", ""), ("instances.csv", &inst("1000000000001"))],
        &[
            "instances.csv line 2, column quantity: \"1000000000001\"",
            "10^12",
        ],
    );
}

#[test]
fn price_and_pack_limits() {
    accepts(&[(
        "prices.csv",
        "license,unit_price,pack_size\nL,10000000000.00,1000000\n",
    )]);
    rejects(
        &[(
            "prices.csv",
            "license,unit_price,pack_size\nL,10000000000.01,1000001\n",
        )],
        &[
            "prices.csv line 2, column unit_price: \"10000000000.01\"",
            "more than 10000000000 (10^10)",
            "prices.csv line 2, column pack_size: \"1000001\"",
            "more than 1000000 (10^6), the largest pack size",
        ],
    );
    rejects(
        &[("prices.csv", "license,unit_price\nL,99999999999999999999\n")],
        &["column unit_price", "more than 10000000000 (10^10)"],
    );
}

#[test]
fn name_limits() {
    let at = |name: &str| {
        format!("smart_account,virtual_account,license,in_use\nA,V1,{name},4\nA,V2,L,6\n")
    };
    let ent = |name: &str| {
        format!("smart_account,virtual_account,license,quantity\nA,V1,L,10\nA,V1,{name},4\n")
    };
    let long = "x".repeat(1000);
    accepts(&[("usage.csv", &at(&long)), ("entitlements.csv", &ent(&long))]);
    // 1,000 characters, not bytes: é is two bytes.
    let accented = "é".repeat(1000);
    accepts(&[
        ("usage.csv", &at(&accented)),
        ("entitlements.csv", &ent(&accented)),
    ]);
    let longer = "x".repeat(1001);
    rejects(
        &[("usage.csv", &at(&longer))],
        &[
            "usage.csv line 2, column license",
            "is 1001 characters long, more than the 1000 allowed",
        ],
    );
    rejects(
        &[(
            "usage.csv",
            "smart_account,virtual_account,license,in_use\nA,V\u{7}1,L,4\nA,V2,L\u{1b},6\n",
        )],
        &[
            "usage.csv line 2, column virtual_account: \"V\\u{7}1\" contains the control character U+0007",
            "usage.csv line 3, column license",
            "U+001B",
            "2 input errors",
        ],
    );
    // Optional text columns are names too.
    rejects(
        &[(
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity,subscription_id,sku\nA,V1,L,10,S\t1,K\u{7f}\n",
        )],
        &[
            "column subscription_id",
            "U+0009 (tab)",
            "column sku",
            "U+007F",
        ],
    );
    rejects(
        &[(
            "accounts.csv",
            "smart_account,virtual_account,pool\nA,V1,p\u{85}ool\n",
        )],
        &["accounts.csv line 2, column pool", "U+0085"],
    );
}

#[test]
fn case_toml_limits() {
    accepts(&[(
        "case.toml",
        "as_of = \"2026-11-01\"\nname = \"Ünïcode café\"\ncurrency = \"EUR\"\n",
    )]);
    rejects(
        &[(
            "case.toml",
            "as_of = \"2026-11-01\"\nname = \"bad\\u0007name\"\ncurrency = \"usd\"\n",
        )],
        &[
            "case.toml, column name",
            "U+0007",
            "case.toml, column currency: \"usd\"",
            "three capital letters",
        ],
    );
    rejects(
        &[(
            "case.toml",
            &format!("as_of = \"2026-11-01\"\nname = \"{}\"\n", "n".repeat(1001)),
        )],
        &["case.toml, column name", "1001 characters"],
    );
    rejects(
        &[("case.toml", "as_of = \"0001-01-01\"\n")],
        &[
            "case.toml, column as_of: \"0001-01-01\"",
            "outside the years 1900 to 9999",
        ],
    );
    rejects(
        &[("case.toml", "as_of = 1899-12-31\n")],
        &["column as_of", "outside the years 1900 to 9999"],
    );
    rejects(
        &[(
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity,end_date\nA,V1,L,10,0999-01-01\n",
        )],
        &[
            "entitlements.csv line 2, column end_date: \"0999-01-01\"",
            "outside the years 1900 to 9999",
        ],
    );
}

/// Writes `file` as `header` and a million rows of 10^12 units of licence L, row `i` in
/// VA `va(i)` of Smart Account A: exactly 10^18 in all, which loads (`units` of the
/// estate read is 10^18). Then `more` rows after them: the load is refused (exit 65),
/// naming every text of `refused`.
fn refused_past_the_total(
    (file, header): (&str, &str),
    units: fn(&reallot::estate::Estate) -> u128,
    va: impl Fn(usize) -> String,
    more: &str,
    refused: &[&str],
) {
    let dir = case(&[]);
    let mut text = format!("{header}\n");
    for i in 0..1_000_000 {
        text.push_str(&format!("A,{},L,1000000000000\n", va(i)));
    }
    std::fs::write(dir.path().join(file), &text).unwrap();
    let e = reallot::estate::load_case(dir.path()).unwrap();
    assert!(
        e.files.contains(&(file.to_string(), 1_000_000)),
        "{:?}",
        e.files
    );
    assert_eq!(units(&e), 10u128.pow(18));
    text.push_str(more);
    std::fs::write(dir.path().join(file), &text).unwrap();
    let err = reallot::estate::load_case(dir.path()).unwrap_err();
    assert_eq!(err.exit_code(), Exit::Data.code());
    let msg = err.to_string();
    for want in refused {
        assert!(msg.contains(want), "missing {want:?} in {msg}");
    }
}

const ENT_FILE: (&str, &str) = (
    "entitlements.csv",
    "smart_account,virtual_account,license,quantity",
);

/// The units of every lot read.
fn lot_units(e: &reallot::estate::Estate) -> u128 {
    e.lots.iter().map(|l| u128::from(l.quantity)).sum()
}

/// A row that brings the units of one licence in one VA past 10^18 is an error at that
/// row; exactly 10^18 loads.
#[test]
fn lot_sums_stay_representable() {
    refused_past_the_total(
        ENT_FILE,
        lot_units,
        |_| "V1".into(),
        "A,V1,L,1\n",
        &["entitlements.csv line 1000002, column quantity: \"1\" brings the entitled units of L in A/V1 to more than 1000000000000000000 (10^18)"],
    );
}

/// Lots of one licence spread over many VAs: the licence's sum across the case is the one
/// that passes 10^18, and the message says so, also for a VA holding several of them.
#[test]
fn lot_sums_across_the_case_stay_representable() {
    refused_past_the_total(
        ENT_FILE,
        lot_units,
        |i| format!("V{}", i % 999_999),
        "A,V0,L,1\nA,V1,L,2\n",
        &[
            "entitlements.csv line 1000002, column quantity: \"1\" brings the entitled units of L across the case to more than 1000000000000000000 (10^18)",
            "entitlements.csv line 1000003, column quantity: \"2\" brings the entitled units of L across the case to more than 1000000000000000000 (10^18)",
        ],
    );
}

/// usage.csv keeps one row per (VA, licence), so only a licence's sum across the case can
/// pass 10^18: a million VAs at 10^12 each load, one more unit is an error at its row.
/// Each later row of a key is a repeat of its first row's line, whether that row was
/// refused (line 1000002), read long before (line 2) or met after the first repeat.
#[test]
fn usage_sums_across_the_case_stay_representable() {
    let repeat = "repeats the (smart_account, virtual_account, license) of line";
    refused_past_the_total(
        ("usage.csv", "smart_account,virtual_account,license,in_use"),
        |e| e.usage.values().map(|u| u128::from(u.in_use)).sum(),
        |i| format!("V{i}"),
        "A,W,L,1\nA,W,L,1\nA,V0,L,5\nA,Z,M,1\nA,Z,M,1\n",
        &[
            "usage.csv line 1000002, column in_use: \"1\" brings the units in use of L across the case to more than 1000000000000000000 (10^18)",
            &format!("usage.csv line 1000003, column license: \"L\" {repeat} 1000002"),
            &format!("usage.csv line 1000004, column license: \"L\" {repeat} 2"),
            &format!("usage.csv line 1000006, column license: \"M\" {repeat} 1000005"),
            "4 input errors",
        ],
    );
}

/// Line numbers are the line where a row starts, whatever the line endings, a BOM, blank
/// lines or quoted values spanning lines.
#[test]
fn line_numbers_with_any_line_ending() {
    let body = |nl: &str| {
        [
            "\u{feff}smart_account,virtual_account,license,quantity,x_note",
            "A,V1,L,10,\"a note\nover two lines\"",
            "",
            "A,V1,L,x,",
            "A,V1,L,y,\"and one\nmore\"",
            "A,V\u{7}1,L,1,",
            "",
        ]
        .join(nl)
    };
    for (nl, name) in [("\n", "LF"), ("\r\n", "CRLF"), ("\r", "CR")] {
        // Quoted values keep the file's own line ending.
        let text = body("\n").replace('\n', nl);
        let dir = case(&[("entitlements.csv", &text)]);
        let (code, err) = run(dir.path(), &[]);
        assert_eq!(code, Exit::Data.code(), "{name}: {err}");
        for want in [
            "entitlements.csv line 5, column quantity: \"x\"",
            "entitlements.csv line 6, column quantity: \"y\"",
            "entitlements.csv line 8, column virtual_account",
            "3 input errors",
        ] {
            assert!(err.contains(want), "{name}: missing {want:?} in:\n{err}");
        }
    }
}

fn workbook(path: &Path, sheets: &[(&str, &str)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, text) in sheets {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (r, line) in text.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                ws.write_string(r as u32, c as u16, cell.replace('|', "\n"))
                    .unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// Sheet rows keep their numbers even when a cell holds a line break.
#[test]
fn sheet_rows_with_line_breaks() {
    let dir = case(&[("entitlements.csv", "")]);
    workbook(
        &dir.path().join("customer.xlsx"),
        &[(
            "entitlements",
            "smart_account,virtual_account,license,quantity,x_note\nA,V1,L,10,two|lines\nA,V1,L,x,",
        )],
    );
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    assert!(
        err.contains("customer.xlsx[entitlements] line 3, column quantity: \"x\""),
        "{err}"
    );
}

/// A table found in two places is an error naming both; a workbook that cannot be read is
/// reported as unreadable, not as a missing table; `~$` lock files are ignored.
#[test]
fn ambiguous_and_unreadable_sources() {
    // usage.csv and a usage sheet.
    let dir = case(&[]);
    workbook(&dir.path().join("customer.xlsx"), &[("Usage", USAGE)]);
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    assert!(
        err.contains("usage.csv: is in the case folder 2 times: usage.csv, customer.xlsx[Usage]"),
        "{err}"
    );
    // usage.xlsx and a usage sheet in another workbook.
    let dir = case(&[("usage.csv", "")]);
    workbook(&dir.path().join("usage.xlsx"), &[("Sheet1", USAGE)]);
    workbook(&dir.path().join("other.xlsx"), &[("usage", USAGE)]);
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    assert!(
        err.contains("other.xlsx[usage], usage.xlsx[Sheet1]"),
        "{err}"
    );
    // Two workbooks with the same sheet.
    let dir = case(&[("entitlements.csv", "")]);
    workbook(&dir.path().join("a.xlsx"), &[("entitlements", ENT)]);
    workbook(&dir.path().join("b.xlsx"), &[("Entitlements", ENT)]);
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    assert!(
        err.contains("entitlements.csv: is in the case folder 2 times: a.xlsx[entitlements], b.xlsx[Entitlements]"),
        "{err}"
    );
    // A corrupt workbook: named as unreadable, and no table reported missing.
    let dir = case(&[("usage.csv", "")]);
    std::fs::write(dir.path().join("usage.xlsx"), b"this is not a zip file").unwrap();
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    assert!(
        err.contains("usage.xlsx: is a workbook that cannot be read"),
        "{err}"
    );
    assert!(!err.contains("missing"), "{err}");
    // Excel's lock file is not a table source.
    let dir = case(&[]);
    std::fs::write(dir.path().join("~$usage.xlsx"), b"lock").unwrap();
    accepts_dir(dir.path());
    // The single-source case still loads from a workbook.
    let dir = case(&[("usage.csv", "")]);
    workbook(&dir.path().join("usage.xlsx"), &[("Sheet1", USAGE)]);
    accepts_dir(dir.path());
}

fn accepts_dir(dir: &Path) {
    let (code, err) = run(dir, &[]);
    assert_eq!(code, 0, "stderr: {err}");
}

/// `reallot check CASE`: exit code and stdout.
fn check(dir: &Path) -> (i32, String) {
    let r = reallot().arg("check").arg(dir).output().unwrap();
    let text = String::from_utf8(r.stdout).unwrap() + &String::from_utf8(r.stderr).unwrap();
    (r.status.code().unwrap(), text)
}

/// A bad header no longer stops a table before its cells: the unknown column, the
/// missing one and the bad cells are all reported in one pass, each once (a missing
/// column is not reported again as an empty cell on every row).
#[test]
fn header_and_cell_errors_are_reported_in_one_pass() {
    let dir = case(&[
        (
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity,colour,license_type\nA,V1,L,-3,red,TERM\nA,V2,L,2,blue,BOGUS\n",
        ),
        (
            "usage.csv",
            "smart_account,virtual_account,license,reserved\nA,V1,L,x\nA,V2,L,1\n",
        ),
    ]);
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    for want in [
        "the case has 5 input errors:",
        "entitlements.csv line 1, column 5: \"colour\" is not a known column",
        "entitlements.csv line 2, column quantity: \"-3\"",
        "entitlements.csv line 3, column license_type: \"BOGUS\" is not a known value",
        "usage.csv line 1, column in_use: required column is missing",
        "usage.csv line 2, column reserved: \"x\" is not a whole number",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert_eq!(err.matches("\n  - ").count(), 5, "{err}");
    assert!(!err.contains("is empty"), "{err}");
}

/// One pass over a header with problems still stops at the cap, and says how many more.
#[test]
fn one_pass_is_still_capped() {
    let mut ent = String::from("smart_account,virtual_account,license,quantity,colour\n");
    for i in 0..60 {
        ent.push_str(&format!("A,V{i},L,-1,red\n"));
    }
    let dir = case(&[("entitlements.csv", &ent)]);
    let (code, err) = run(dir.path(), &[]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    assert!(err.contains("the case has 61 input errors:"), "{err}");
    assert!(err.contains("\"colour\" is not a known column"), "{err}");
    assert_eq!(err.matches("\n  - ").count(), 50, "{err}");
    assert!(err.contains("  ... and 11 more"), "{err}");
}

/// `check` counts in words that agree with the number, and names the workbook and sheet
/// a table was read from.
#[test]
fn check_says_one_row_and_names_the_sheet() {
    let dir = case(&[("entitlements.csv", "")]);
    workbook(
        &dir.path().join("customer.xlsx"),
        &[(
            "Entitlements",
            "smart_account,virtual_account,license,quantity\nA,V1,L,10",
        )],
    );
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "  entitlements.csv              1 row  (from sheet \"Entitlements\" of customer.xlsx)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("  usage.csv                    2 rows\n"),
        "{out}"
    );
    assert!(
        out.contains("  1 Smart Account, 2 Virtual Accounts, 1 licence\n"),
        "{out}"
    );
    assert!(out.contains("  idle_surplus: 1 row, 6 units\n"), "{out}");
    assert!(!out.contains("(s)"), "{out}");
}

/// A TERM or SUBSCRIPTION lot without an end date is a warning (a finding listed by
/// `check` and written to findings.csv), and changes no figure: the lot counts as in
/// force, as a perpetual one does.
#[test]
fn a_term_lot_without_an_end_date_is_a_warning() {
    let ent = |kind: &str| {
        format!(
            "smart_account,virtual_account,license,quantity,license_type\nA,V1,L,10,{kind}\nA,V2,L,0,\n"
        )
    };
    let term = case(&[("entitlements.csv", &ent("TERM"))]);
    let (code, out) = check(term.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("  term_lot_without_dates: 1 row, 10 units\n      A / V1 / L: a TERM lot with no end_date"),
        "{out}"
    );
    let sub = case(&[("entitlements.csv", &ent("SUBSCRIPTION"))]);
    let (_, out) = check(sub.path());
    assert!(out.contains("a SUBSCRIPTION lot with no end_date"), "{out}");
    let perpetual = case(&[("entitlements.csv", &ent("PERPETUAL"))]);
    let (_, out) = check(perpetual.path());
    assert!(!out.contains("term_lot_without_dates"), "{out}");
    // The plans differ only in the finding.
    let plan = |dir: &Path, out: &Path| {
        reallot()
            .arg("plan")
            .arg(dir)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    let outs = tempfile::tempdir().unwrap();
    let (a, b) = (outs.path().join("term"), outs.path().join("perpetual"));
    plan(term.path(), &a);
    plan(perpetual.path(), &b);
    for f in ["positions.csv", "moves.csv", "purchases.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let findings = std::fs::read_to_string(a.join("findings.csv")).unwrap();
    assert!(
        findings.contains("term_lot_without_dates,A,V1,L,,10,"),
        "{findings}"
    );
    let without = std::fs::read_to_string(b.join("findings.csv")).unwrap();
    assert!(!without.contains("term_lot_without_dates"), "{without}");
}
