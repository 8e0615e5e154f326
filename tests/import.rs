//! `reallot import cssm-json` on fixtures shaped like the Smart Licensing API responses.

use std::path::Path;

use crate::common::{cssm_fixture, day, headline, reallot};
use reallot::estate::load_case;
use reallot::import::import_cssm_json;
use reallot::scenario::Scenario;

fn figures(dir: &Path) -> (i128, u64, u64, u64) {
    let e = load_case(dir).unwrap();
    let p = reallot::plan_case(&e, &Scenario::default(), Some(day()), &Default::default()).unwrap();
    headline(&p)
}

/// The v1 response and the account list with roles give the same case, and plan like
/// the equivalent hand-written canonical case.
#[test]
fn round_trip_equals_the_canonical_case() {
    let out = tempfile::tempdir().unwrap();
    for (f, sub) in [("v1-licenses.json", "v1"), ("accounts-roles.json", "roles")] {
        let r =
            import_cssm_json(&[cssm_fixture(f)], None, Some(day()), &out.path().join(sub)).unwrap();
        assert_eq!(
            (r.smart_accounts, r.virtual_accounts, r.licences),
            (1, 2, 4),
            "{f}"
        );
        assert_eq!(r.substitutions, 2);
    }
    for f in ["entitlements.csv", "usage.csv", "substitutions.csv"] {
        assert_eq!(
            std::fs::read(out.path().join("v1").join(f)).unwrap(),
            std::fs::read(out.path().join("roles").join(f)).unwrap(),
            "{f}: rows repeated under several roles must count once"
        );
    }
    let canonical = figures(&cssm_fixture("canonical-globex"));
    assert_eq!(figures(&out.path().join("v1")), canonical);
    assert_eq!(figures(&out.path().join("roles")), canonical);
    // Dates and enum casing are normalised.
    let ent = std::fs::read_to_string(out.path().join("v1/entitlements.csv")).unwrap();
    assert!(
        ent.contains("Globex,Collab,UC Manager CUWL,40,TERM,2025-01-18,2028-01-17,ACTIVE,Sub123"),
        "{ent}"
    );
    assert!(
        ent.contains("Globex,Branch,UC Manager Basic,0,PERPETUAL,,,ACTIVE,"),
        "{ent}"
    );
}

#[test]
fn snake_case_summary() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("case");
    let r = import_cssm_json(
        &[cssm_fixture("summary-snake.json")],
        Some("Initech"),
        None,
        &dir,
    )
    .unwrap();
    assert_eq!((r.virtual_accounts, r.licences, r.lots), (3, 3, 3));
    let usage = std::fs::read_to_string(dir.join("usage.csv")).unwrap();
    assert!(usage.contains("Initech,Campus,ISE Advantage,80,5"));
    assert!(
        usage.contains("Initech,summary-snake,ISE Essentials,9,0"),
        "a summary row without a VA goes to the VA the file name gives: {usage}"
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("summary-snake.json") && w.contains("after the file name")),
        "{:?}",
        r.warnings
    );
    let ent = std::fs::read_to_string(dir.join("entitlements.csv")).unwrap();
    assert!(
        ent.contains("SUBSCRIPTION,2025-03-01,2028-02-29,ACTIVE,Sub-9"),
        "{ent}"
    );
    assert!(ent.contains("Initech,Lab,ISE Advantage,100,PERPETUAL,,,ACTIVE,"));
    // It plans once given a date.
    let e = load_case(&dir).unwrap();
    assert!(e.as_of.is_none());
    let p = reallot::plan_case(&e, &Scenario::default(), Some(day()), &Default::default()).unwrap();
    assert_eq!(
        p.licences_moved(),
        30,
        "Lab's surplus covers Campus's 80 − 50"
    );
}

#[test]
fn missing_fields_name_their_json_path() {
    let out = tempfile::tempdir().unwrap();
    let err = import_cssm_json(
        &[cssm_fixture("missing-va.json")],
        None,
        None,
        &out.path().join("x"),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.exit_code(), reallot::error::Exit::Data.code());
    assert!(
        msg.contains("missing-va.json, column licenses[0].virtualAccount"),
        "{msg}"
    );
    assert!(msg.contains("licenses[2].license"), "{msg}");
    assert!(!out.path().join("x").exists(), "no partial case folder");
    // Without a Smart Account name anywhere, the user is told to pass one.
    let err = import_cssm_json(
        &[cssm_fixture("summary-snake.json")],
        None,
        None,
        &out.path().join("y"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("--smart-account"), "{err}");
}

#[test]
fn cli_import_is_deterministic() {
    let out = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        reallot()
            .args(["import", "cssm-json"])
            .arg(cssm_fixture("v1-licenses.json"))
            .args(["--as-of", "2026-11-01", "--out"])
            .arg(out.path().join(run))
            .assert()
            .success();
    }
    for f in [
        "entitlements.csv",
        "usage.csv",
        "substitutions.csv",
        "case.toml",
    ] {
        assert_eq!(
            std::fs::read(out.path().join("a").join(f)).unwrap(),
            std::fs::read(out.path().join("b").join(f)).unwrap(),
            "{f}"
        );
    }
}

/// Runs `reallot import cssm-json FILE --out DIR`; returns (exit code, stderr) and checks
/// that a failed import wrote nothing.
fn import_cli(file: &Path) -> (i32, String) {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("case");
    let r = reallot()
        .args(["import", "cssm-json"])
        .arg(file)
        .arg("--out")
        .arg(&target)
        .output()
        .unwrap();
    let code = r.status.code().unwrap();
    if code != 0 {
        assert!(
            !target.exists(),
            "a failed import wrote {}",
            target.display()
        );
    }
    (code, String::from_utf8(r.stderr).unwrap())
}

/// Wrong types, signs, fractions, reserved above in use, counts over 10^12, control
/// characters and out-of-range dates are each an error at their JSON path; nothing is
/// rounded, clamped or read as 0.
#[test]
fn strict_values_name_their_json_path() {
    let (code, err) = import_cli(&cssm_fixture("strict-bad.json"));
    assert_eq!(code, reallot::error::Exit::Data.code(), "{err}");
    for want in [
        "strict-bad.json, column licenses[0].licenseDetails[0].quantity: \"-10\" is negative",
        "column licenses[1].inUse: \"1.5\" is not a whole number",
        "column licenses[2].quantity: \"true\" is not a number",
        "column licenses[3].reserved: \"5\" is more than the units in use (4)",
        "column licenses[4].inUse: \"1000000000001\" is more than 1000000000000 (10^12)",
        "column licenses[4].licenseDetails[0].startDate: \"0001-01-01\" is not a date from 1900 to 9999",
        "column licenses[5].license",
        "U+0007",
        "column licenses[6].license: \"42\" is not text",
        "column licenses[6].inUse: \"7x\" is not a whole number",
        "column licenses[7].inUse: \"3.0\" is written as a decimal",
        "column licenses[7].licenseDetails: \"{\\\"quantity\\\":3}\" is not a list",
        "11 input errors",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert_eq!(err.matches("(fix: ").count(), 11, "{err}");
}

/// The limits themselves are accepted; digit strings and `null` are read as written.
#[test]
fn strict_boundaries_import() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("case");
    import_cssm_json(&[cssm_fixture("strict-edge.json")], None, Some(day()), &dir).unwrap();
    let usage = std::fs::read_to_string(dir.join("usage.csv")).unwrap();
    assert!(
        usage.contains("Globex,V,Max,1000000000000,1000000000000"),
        "{usage}"
    );
    assert!(usage.contains("Globex,V,Str,12,0"), "{usage}");
    let ent = std::fs::read_to_string(dir.join("entitlements.csv")).unwrap();
    assert!(
        ent.contains("Globex,V,Max,1000000000000,PERPETUAL,1900-01-01,9999-12-31,ACTIVE,981"),
        "{ent}"
    );
    load_case(&dir).unwrap();
}

/// Bytes that are not UTF-8, UTF-16 text and malformed JSON: exit 65 naming the file
/// and the position.
#[test]
fn unreadable_json_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.json");
    std::fs::write(
        &latin1,
        b"{\n  \"accountName\": \"Soci\xe9t\xe9\",\n  \"licenses\": []\n}\n",
    )
    .unwrap();
    let (code, err) = import_cli(&latin1);
    assert_eq!(code, reallot::error::Exit::Data.code(), "{err}");
    assert!(
        err.contains("latin1.json line 2, column 23: is not UTF-8: byte 0xE9 at line 2, column 23"),
        "{err}"
    );
    let utf16 = dir.path().join("utf16.json");
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend("{}".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&utf16, bytes).unwrap();
    let (code, err) = import_cli(&utf16);
    assert_eq!(code, reallot::error::Exit::Data.code(), "{err}");
    assert!(
        err.contains("utf16.json: is UTF-16 text, not UTF-8"),
        "{err}"
    );
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"licenses\": [\n    {\"license\": \"L\",}\n  ]\n}\n",
    )
    .unwrap();
    let (code, err) = import_cli(&broken);
    assert_eq!(code, reallot::error::Exit::Data.code(), "{err}");
    assert!(err.contains("broken.json line 3, column"), "{err}");
    assert!(err.contains("is not valid JSON"), "{err}");
    // A BOM is tolerated.
    let bom = dir.path().join("bom.json");
    let mut text = b"\xef\xbb\xbf".to_vec();
    text.extend(std::fs::read(cssm_fixture("v1-licenses.json")).unwrap());
    std::fs::write(&bom, text).unwrap();
    let (code, err) = import_cli(&bom);
    assert_eq!(code, 0, "{err}");
}

/// Runs `reallot import cssm-json FILES… ARGS… --out DIR` (DIR fresh); returns (exit code,
/// stdout, stderr, DIR's holder).
fn import_many(files: &[&str], args: &[&str]) -> (i32, String, String, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let r = reallot()
        .args(["import", "cssm-json"])
        .args(files.iter().map(|f| cssm_fixture(f)))
        .args(args)
        .arg("--out")
        .arg(out.path().join("case"))
        .output()
        .unwrap();
    let code = r.status.code().unwrap();
    if code != 0 {
        assert!(!out.path().join("case").exists(), "a failed import wrote");
    }
    (
        code,
        String::from_utf8(r.stdout).unwrap(),
        String::from_utf8(r.stderr).unwrap(),
        out,
    )
}

fn table(dir: &tempfile::TempDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join("case").join(file)).unwrap()
}

/// A bare top-level array of accounts, licence rows nested under `roles[].licenses[]`
/// (their VA from the role): every row keeps the Smart Account its account names, even
/// with `--smart-account` given (which then names no row, and says so).
#[test]
fn bare_account_arrays_keep_their_own_smart_accounts() {
    let (code, stdout, stderr, dir) =
        import_many(&["accounts-bare.json"], &["--smart-account", "Other"]);
    assert_eq!(code, 0, "{stderr}");
    let usage = table(&dir, "usage.csv");
    assert_eq!(
        usage,
        "smart_account,virtual_account,license,in_use,reserved\n\
         Globex,Collab,UC Manager CUWL,10,0\n\
         Globex,Collab,UC Manager Enhanced Plus,50,0\n\
         Initech,DEFAULT,ISE Advantage,25,2\n"
    );
    assert!(!table(&dir, "entitlements.csv").contains("Other"));
    assert!(
        stdout.contains("--smart-account \"Other\" was not used"),
        "{stdout}"
    );
    assert!(
        stdout.contains("imported 2 Smart Account(s), 3 VAs"),
        "{stdout}"
    );
    // STANDARD lots, ISO timestamps with Z and statuses in any case.
    let ent = table(&dir, "entitlements.csv");
    for row in [
        "Globex,Collab,UC Manager CUWL,60,PERPETUAL,2019-05-20,,ACTIVE,",
        "Globex,Collab,UC Manager CUWL,40,TERM,2025-01-18,2028-01-17,ACTIVE,Sub123",
        "Globex,Collab,UC Manager Enhanced Plus,5,TERM,2023-01-01,2024-01-01,EXPIRED,",
        "Globex,Collab,UC Manager Enhanced Plus,7,TERM,2027-01-01,2030-01-01,FUTURE,",
        "Initech,DEFAULT,ISE Advantage,15,SUBSCRIPTION,2025-03-01,2028-02-29,ACTIVE,4711",
        "Initech,DEFAULT,ISE Advantage,5,DEMO,2026-01-01,2026-12-31,CANCELLED,",
        "Initech,DEFAULT,ISE Advantage,3,TERM,,,PENDING,",
    ] {
        assert!(ent.contains(row), "missing {row:?} in\n{ent}");
    }
    assert!(
        stdout.contains("licenseType STANDARD read as TERM"),
        "{stdout}"
    );
    // Substitution objects: DOWNGRADE and UPGRADE say the direction; none is assumed
    // (and the warning names the assumption).
    assert_eq!(
        table(&dir, "substitutions.csv"),
        "license,covers\n\
         ISE Advantage,ISE Essentials\n\
         UC Manager CUWL,UC Manager Enhanced\n\
         UC Manager CUWL,UC Manager Enhanced Plus\n"
    );
    assert!(
        stdout.contains("licenseSubstitutions[1]: no substitutionType; assumed \"UC Manager CUWL\" covers \"UC Manager Enhanced\""),
        "{stdout}"
    );
    // The case loads and plans.
    let e = load_case(&dir.path().join("case")).unwrap();
    reallot::plan_case(&e, &Scenario::default(), Some(day()), &Default::default()).unwrap();
}

/// A licence usage response names no Smart Account: with an accounts file in the same
/// call its rows go to the account that lists their VA; alone it needs --smart-account.
#[test]
fn unnamed_usage_takes_its_smart_account_from_the_accounts_file() {
    let (code, _, stderr, dir) = import_many(&["accounts-list.json", "usage-unnamed.json"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        table(&dir, "usage.csv"),
        "smart_account,virtual_account,license,in_use,reserved\n\
         Globex,Branch,UC Manager Enhanced,25,0\n\
         Globex,Collab,UC Manager Basic,5,0\n\
         Initech,Lab,ISE Essentials,1,0\n"
    );
    let (code, _, stderr, _) = import_many(&["usage-unnamed.json"], &[]);
    assert_eq!(code, reallot::error::Exit::Data.code(), "{stderr}");
    assert!(
        stderr.contains("usage-unnamed.json, column licenses[0].accountName: is missing")
            && stderr.contains("pass --smart-account NAME"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("(fix: ").count(),
        1,
        "reported once per file: {stderr}"
    );
    let (code, _, stderr, dir) =
        import_many(&["usage-unnamed.json"], &["--smart-account", "Globex"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table(&dir, "usage.csv").contains("Globex,Lab,ISE Essentials,1,0"));
    // The flag with the accounts file: a VA the file lists under another account is
    // still put where the flag says (the flag names the response's domain), with a warning.
    let (code, stdout, stderr, dir) = import_many(
        &["accounts-list.json", "usage-unnamed.json"],
        &["--smart-account", "Globex"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(table(&dir, "usage.csv").contains("Globex,Lab,ISE Essentials,1,0"));
    assert!(
        stdout.contains("VA \"Lab\" is listed under \"Initech\""),
        "{stdout}"
    );
}

/// The per-VA summary names no VA: `--virtual-account`, else the file name (warned).
/// With the VA list and the EA consumption in the same call.
#[test]
fn per_va_summary_va_list_and_ea_consumption() {
    let files = [
        "Campus.json",
        "virtual-accounts.json",
        "ea-consumption.json",
    ];
    let (code, stdout, stderr, dir) = import_many(
        &files,
        &["--smart-account", "Globex", "--as-of", "2026-11-01"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        table(&dir, "usage.csv"),
        "smart_account,virtual_account,license,in_use,reserved\n\
         Globex,Campus,DNA Advantage,55,5\n\
         Globex,Campus,DNA Essentials,4,0\n"
    );
    assert!(
        stdout.contains("put in VA \"Campus\" after the file name"),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 future entitled unit(s) of \"DNA Essentials\" not imported"),
        "{stdout}"
    );
    // VAs: Campus, DEFAULT and Spare from the list, Collab from the EA response.
    assert!(stdout.contains("1 Smart Account(s), 4 VAs"), "{stdout}");
    assert_eq!(
        table(&dir, "ea.csv"),
        "smart_account,virtual_account,suite,sku,purchased,growth_allowance,total_entitlements,license_generated,total_consumption,next_true_forward,term_end,unit_price,license\n\
         Globex,Collab,DNA Advantage Suite,E3-DNA-ADV,60,12,72,50,80,2027-02-01,2028-01-31,,\n\
         Globex,Collab,DNA Advantage Suite,E3-DNA-ADV-ADDON,40,8,48,30,50,2027-02-01,2028-01-31,,\n\
         Globex,Collab,Security Suite,,10,,10,10,4,2027-02-01,2028-01-31,,\n"
    );
    // The case (with ea.csv beside it) is accepted by `check`.
    reallot()
        .arg("check")
        .arg(dir.path().join("case"))
        .assert()
        .success();
    let (code, stdout, stderr, dir) = import_many(
        &["Campus.json"],
        &["--smart-account", "Globex", "--virtual-account", "Lab"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(table(&dir, "usage.csv").contains("Globex,Lab,DNA Advantage,55,5"));
    assert!(!stdout.contains("after the file name"), "{stdout}");
}

/// Wrong types and signs in the newer shapes are located errors too; nothing is written.
#[test]
fn newer_shapes_are_checked_strictly() {
    let (code, _, stderr, _) = import_many(&["shapes-bad.json"], &["--smart-account", "Globex"]);
    assert_eq!(code, reallot::error::Exit::Data.code(), "{stderr}");
    for want in [
        "licenses[0].licenseSubstitutions[0].substitutedQuantity: \"-1\" is negative",
        "licenses[0].licenseSubstitutions[1].substitutedLicense: is missing",
        "virtualAccounts[0].isDefault: \"yes\" is not true or false",
        "virtualAccounts[1].name: is missing",
        "subscriptions[0].nextTrueForward: \"next year\" is not a date",
        "subscriptions[0].accounts[0].vitualAccounts[0].suites[0].purchasedEntitlements: \"many\" is not a whole number",
        "6 input errors",
    ] {
        assert!(stderr.contains(want), "missing {want:?} in:\n{stderr}");
    }
}
