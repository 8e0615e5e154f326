//! Enterprise Agreements end to end (SPEC §4.3): `ea.csv` read and validated, the
//! findings `ea_not_deposited` and `ea_true_forward_exposure` with hand-computed
//! quantities and charges, the figures in `check`, the report and the workbook, `verify`
//! on a plan with EA findings, every bad-input error, and the round trip from an EA
//! consumption response through `import cssm-json`.

use std::path::Path;

use assert_cmd::Command;
use reallot::error::Exit;

const EA_HEADER: &str = "smart_account,virtual_account,suite,sku,purchased,growth_allowance,total_entitlements,license_generated,total_consumption,next_true_forward,term_end,unit_price,license\n";

/// One Smart Account, two VAs. DNA-Adv: Campus holds 100 and uses 90, Branch holds 20
/// and uses 60 (the vendor's per-VA reading: 40 short; reallocated: 30). ISE-Base:
/// Branch uses 10 and holds none. Prices 25.00 and 12.50.
///
/// The EA rows, by hand:
/// 1. Branch, DNA Suite / DNA-ADV-SKU → DNA-Adv: entitled 120 + 20 = 140, generated 120,
///    20 undeposited; consumed 150, 10 over; 2027-03-01 to the day after 2028-08-31 is
///    18 months; no unit price in the row, so prices.csv's 25.00: 25.00 × 10 × 18/12 =
///    375.00.
/// 2. SA level, Security → ISE-Base: 10 entitled, none generated; consumed 14, 4 over;
///    24 months at 9.99: 9.99 × 4 × 24/12 = 79.92.
/// 3. Campus, Collab, no licence: total_entitlements 55, generated 40 (15 undeposited,
///    matched to nothing); consumed 62, 7 over; 2027-01-15 to 2028-02-15 is 13 months:
///    9.99 × 7 × 13/12 = 75.7575, rounded half up to 75.76.
/// 4. SA level, DNA Suite → DNA-Adv: 30 entitled, 25 generated, 5 undeposited;
///    consumed 20 (no overage); it shares DNA-Adv's shortfall with row 1, which (a VA
///    row) takes its share first.
const EA: &str =
    "Acme,Branch,DNA Suite,DNA-ADV-SKU,120,20,,120,150,2027-03-01,2028-08-31,,DNA-Adv\n\
                  Acme,,Security,,10,,,0,14,2027-03-01T00:00:00Z,2029-02-28,9.99,ISE-Base\n\
                  Acme,Campus,Collab,,50,,55,40,62,2027-01-15,2028-02-14,9.99,\n\
                  Acme,,DNA Suite,,30,,,25,20,,,,DNA-Adv\n";

fn case_with(ea: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ea_csv = ea.map(|rows| format!("{EA_HEADER}{rows}"));
    let mut files = vec![
        ("case.toml", "name = \"ea-hand\"\nas_of = \"2026-11-01\"\n".to_string()),
        (
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity\nAcme,Campus,DNA-Adv,100\nAcme,Branch,DNA-Adv,20\n".into(),
        ),
        (
            "usage.csv",
            "smart_account,virtual_account,license,in_use\nAcme,Campus,DNA-Adv,90\nAcme,Branch,DNA-Adv,60\nAcme,Branch,ISE-Base,10\n".into(),
        ),
        (
            "prices.csv",
            "license,unit_price\nDNA-Adv,25.00\nISE-Base,12.50\n".into(),
        ),
    ];
    if let Some(text) = ea_csv {
        files.push(("ea.csv", text));
    }
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn reallot(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let r = Command::cargo_bin("reallot")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        r.status.code().unwrap(),
        String::from_utf8(r.stdout).unwrap(),
        String::from_utf8(r.stderr).unwrap(),
    )
}

fn plan(case: &Path, model: &str, out: &Path) {
    let (code, _, err) = reallot(&[
        "plan".as_ref(),
        case.as_os_str(),
        "--model".as_ref(),
        model.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
}

fn verify(case: &Path, out: &Path) -> (i32, String) {
    let (code, stdout, err) = reallot(&["verify".as_ref(), case.as_os_str(), out.as_os_str()]);
    (code, format!("{stdout}{err}"))
}

/// The EA rows of findings.csv as (kind, smart_account, virtual_account, license,
/// quantity, detail).
fn ea_findings(out: &Path) -> Vec<(String, String, String, String, u64, String)> {
    let mut r = csv::Reader::from_path(out.join("findings.csv")).unwrap();
    r.records()
        .map(|x| x.unwrap())
        .filter(|x| x[0].starts_with("ea_"))
        .map(|x| {
            (
                x[0].to_string(),
                x[1].to_string(),
                x[2].to_string(),
                x[3].to_string(),
                x[5].parse().unwrap(),
                x[6].to_string(),
            )
        })
        .collect()
}

#[test]
fn findings_are_hand_computed() {
    let c = case_with(Some(EA));
    let out = c.path().join("out");
    plan(c.path(), "reallocate", &out);
    let got = ea_findings(&out);
    let keys: Vec<(&str, &str, &str, &str, u64)> = got
        .iter()
        .map(|f| (f.0.as_str(), f.1.as_str(), f.2.as_str(), f.3.as_str(), f.4))
        .collect();
    // Reallocated, Branch is 30 short of DNA-Adv: row 1 covers 20 of it, row 4 (SA
    // level, after the VA rows) the 5 it has of the 10 left. ISE-Base: 10 short, row 2
    // covers all 10. Row 3 names no licence: no ea_not_deposited.
    assert_eq!(
        keys,
        vec![
            ("ea_not_deposited", "Acme", "", "DNA-Adv", 5),
            ("ea_not_deposited", "Acme", "", "ISE-Base", 10),
            ("ea_not_deposited", "Acme", "Branch", "DNA-Adv", 20),
            ("ea_true_forward_exposure", "Acme", "", "ISE-Base", 4),
            ("ea_true_forward_exposure", "Acme", "Branch", "DNA-Adv", 10),
            ("ea_true_forward_exposure", "Acme", "Campus", "", 7),
        ]
    );
    let detail = |i: usize| got[i].5.as_str();
    assert!(
        detail(0).contains("10 of DNA-Adv short in the Smart Account's VAs: generate 5"),
        "{}",
        detail(0)
    );
    assert!(
        detail(2).contains(
            "140 entitled, 120 generated, 20 never generated; 30 of DNA-Adv short in this VA"
        ),
        "{}",
        detail(2)
    );
    assert!(
        detail(3).contains("9.99 x 4 x 24/12 months (to the term end 2029-02-28) = USD 79.92"),
        "{}",
        detail(3)
    );
    assert!(
        detail(4).contains("25.00 x 10 x 18/12 months (to the term end 2028-08-31) = USD 375.00"),
        "{}",
        detail(4)
    );
    assert!(
        detail(5).contains("9.99 x 7 x 13/12 months (to the term end 2028-02-14) = USD 75.76"),
        "{}",
        detail(5)
    );
    // The recommendation is unchanged by the EA rows (advice, not supply): the same
    // purchases as the case without ea.csv.
    let bare = case_with(None);
    let bare_out = bare.path().join("out");
    plan(bare.path(), "reallocate", &bare_out);
    for f in [
        "purchases.csv",
        "moves.csv",
        "positions.csv",
        "summary.json",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(bare_out.join(f)).unwrap(),
            "{f}"
        );
    }
    // verify accepts the plan, and rejects it once an EA figure is altered.
    let (code, text) = verify(c.path(), &out);
    assert_eq!(code, 0, "{text}");
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    std::fs::write(
        out.join("findings.csv"),
        findings.replace("USD 75.76", "USD 75.75"),
    )
    .unwrap();
    let (code, text) = verify(c.path(), &out);
    assert_eq!(code, Exit::Verify.code(), "{text}");
    assert!(text.contains("findings.csv"), "{text}");
}

#[test]
fn check_shows_the_undeposited_units_and_the_charges() {
    let c = case_with(Some(EA));
    let (code, stdout, err) = reallot(&["check".as_ref(), c.path().as_os_str()]);
    assert_eq!(code, 0, "{err}");
    let want = [
        "  ea.csv                       4 rows",
        "Enterprise Agreements (ea.csv, 4 rows):",
        // The vendor's per-VA reading: Branch is 40 short of DNA-Adv; row 1 covers 20, row 4 its 5.
        "  Acme / DNA Suite: 25 units undeposited, 25 of them would cover a shortfall; 10 units over the entitlement, true-forward charge USD 375.00",
        "      (Smart Account level): entitled 30, generated 25, undeposited 5 (covers 5 of 20 DNA-Adv short); consumed 20, over 0",
        "      Branch SKU DNA-ADV-SKU: entitled 140, generated 120, undeposited 20 (covers 20 of 40 DNA-Adv short); consumed 150, over 10, charge USD 375.00 at the true-forward on 2027-03-01 (18 months)",
        // No licence: counted, not matched.
        "  Acme / Collab: 15 units undeposited, 0 of them would cover a shortfall; 7 units over the entitlement, true-forward charge USD 75.76",
        "      Campus: entitled 55, generated 40, undeposited 15 (no license named, so not matched to a shortfall); consumed 62, over 7, charge USD 75.76 at the true-forward on 2027-01-15 (13 months)",
        "  Acme / Security: 10 units undeposited, 10 of them would cover a shortfall; 4 units over the entitlement, true-forward charge USD 79.92",
        "  ea_not_deposited: 3 rows, 35 units",
        "  ea_true_forward_exposure: 3 rows, 21 units",
    ];
    for w in want {
        assert!(stdout.contains(w), "missing {w:?} in:\n{stdout}");
    }
}

#[test]
fn report_and_workbook_show_the_enterprise_agreement() {
    let c = case_with(Some(EA));
    let out = c.path().join("out");
    plan(c.path(), "reallocate", &out);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Enterprise Agreement"), "{md}");
    assert!(md.contains("35 units entitled by the Enterprise Agreement but never generated would cover a shortfall of this plan"), "{md}");
    // 375.00 + 79.92 + 75.76.
    assert!(md.contains("charges USD 530.68"), "{md}");
    assert!(
        md.contains("| Acme | Campus | Collab |  |  | 62 | 55 | 7 | 2027-01-15 | 2028-02-14 | 13 | 9.99 | 75.76 |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| **Total** |  |  |  |  | **226** | **205** | **21** |  |  |  |  | **530.68** |"
        ),
        "{md}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"ea\"><h2>Enterprise Agreement</h2>"));
    assert!(html.contains("<td class=\"n\">530.68</td>"), "{html}");
    // The workbook's EA sheet: one row per ea.csv row, figures as numbers.
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(out.join("plan.xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"EA".to_string()));
    let sheet = book.worksheet_range("EA").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][5], Data::String("entitled".into()));
    let collab = rows
        .iter()
        .find(|r| r[2] == Data::String("Collab".into()))
        .unwrap();
    assert_eq!(collab[7], Data::Float(15.0)); // undeposited
    assert_eq!(collab[16], Data::Float(75.76)); // charge
}

#[test]
fn a_case_without_ea_csv_has_no_ea_section() {
    let c = case_with(None);
    let out = c.path().join("out");
    plan(c.path(), "reallocate", &out);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("Enterprise Agreement"));
    use calamine::Reader;
    let book: calamine::Xlsx<_> = calamine::open_workbook(out.join("plan.xlsx")).unwrap();
    assert!(!book.sheet_names().contains(&"EA".to_string()));
}

/// A term plan reads the EA rows against its first milestone; verify accepts it.
#[test]
fn a_term_plan_keeps_the_ea_findings_and_verifies() {
    let c = case_with(Some(EA));
    let out = c.path().join("out");
    plan(c.path(), "term", &out);
    let got = ea_findings(&out);
    assert_eq!(
        got.iter()
            .filter(|f| f.0 == "ea_true_forward_exposure")
            .count(),
        3
    );
    let (code, text) = verify(c.path(), &out);
    assert_eq!(code, 0, "{text}");
}

/// Plans a case whose ea.csv holds `rows`: exit 65, every fragment in stderr, nothing
/// written.
fn rejects(rows: &str, fragments: &[&str]) {
    let c = case_with(Some(rows));
    let out = c.path().join("out");
    let (code, _, err) = reallot(&[
        "plan".as_ref(),
        c.path().as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, Exit::Data.code(), "{err}");
    assert!(!out.exists(), "a failed plan wrote {}", out.display());
    assert!(err.contains("fix:"), "{err}");
    for f in fragments {
        assert!(err.contains(f), "missing {f:?} in:\n{err}");
    }
    // check refuses the same case.
    let (code, _, _) = reallot(&["check".as_ref(), c.path().as_os_str()]);
    assert_eq!(code, Exit::Data.code());
}

#[test]
fn negative_and_non_integer_counts() {
    rejects(
        "Acme,Branch,S,,-5,,,0,0,,,,\n",
        &["ea.csv line 2, column purchased: \"-5\" is not a whole number >= 0 (negative)"],
    );
    rejects(
        "Acme,Branch,S,,5,,,2.5,0,,,,\n",
        &["ea.csv line 2, column license_generated: \"2.5\" is not a whole number >= 0 (not whole)"],
    );
    rejects(
        "Acme,Branch,S,,5,,,0,\"1,200\",,,,\n",
        &["ea.csv line 2, column total_consumption: \"1,200\" is not a whole number >= 0 (thousands separators are not allowed)"],
    );
    rejects(
        "Acme,Branch,S,,5,-1,,0,0,,,,\n",
        &["ea.csv line 2, column growth_allowance: \"-1\""],
    );
    rejects(
        "Acme,Branch,S,,5,,,,0,,,,\n",
        &["ea.csv line 2, column license_generated: \"\" is empty"],
    );
}

#[test]
fn total_entitlements_below_purchased() {
    rejects(
        "Acme,Branch,S,,100,10,90,0,0,,,,\n",
        &["ea.csv line 2, column total_entitlements: \"90\" is less than purchased (100)"],
    );
}

#[test]
fn bad_dates() {
    rejects(
        "Acme,Branch,S,,5,,,0,0,2027-13-01,,,\n",
        &["ea.csv line 2, column next_true_forward: \"2027-13-01\" is not a date"],
    );
    rejects(
        "Acme,Branch,S,,5,,,0,0,2027-03-01,2027-02-28,,\n",
        &["ea.csv line 2, column term_end: \"2027-02-28\" is before next_true_forward (2027-03-01)"],
    );
}

#[test]
fn limits() {
    rejects(
        "Acme,Branch,S,,1000000000001,,,0,0,,,,\n",
        &["ea.csv line 2, column purchased: \"1000000000001\" is more than 1000000000000 (10^12)"],
    );
    rejects(
        "Acme,Branch,S,,5,,,0,0,,,10000000000.01,\n",
        &["ea.csv line 2, column unit_price: \"10000000000.01\" is more than 10000000000 (10^10)"],
    );
    rejects(
        "Acme,Branch,S,,5,,,0,0,,,1.005,\n",
        &["ea.csv line 2, column unit_price: \"1.005\" is not a price >= 0 (more than two decimals)"],
    );
}

#[test]
fn unknown_accounts_and_repeated_rows() {
    rejects(
        "Acne,Branch,S,,5,,,0,0,,,,\n",
        &["ea.csv line 2, column smart_account: \"Acne\" is not a Smart Account of the case"],
    );
    rejects(
        "Acme,Brnach,S,,5,,,0,0,,,,\n",
        &["ea.csv line 2, column virtual_account: \"Brnach\" is not a Virtual Account of Smart Account \"Acme\" in the case"],
    );
    rejects(
        "Acme,Branch,S,K,5,,,0,0,,,,\nAcme,Branch,S,K,6,,,0,0,,,,\n",
        &["ea.csv line 3, column sku: \"K\" repeats the (smart_account, virtual_account, suite, sku) of line 2"],
    );
    rejects(
        "Acme,,S,,5,,,0,0,,,,\nAcme,,S,,6,,,0,0,,,,\n",
        &["ea.csv line 3, column suite: \"S\" repeats the (smart_account, virtual_account, suite, sku) of line 2"],
    );
}

/// The header follows the rules of every table: an unknown column is refused (x_ kept).
#[test]
fn header_rules() {
    let c = case_with(None);
    std::fs::write(
        c.path().join("ea.csv"),
        "smart_account,virtual_account,suite,purchased,license_generated,total_consumption,licence_count\nAcme,,S,1,0,0,3\n",
    )
    .unwrap();
    let (code, _, err) = reallot(&["check".as_ref(), c.path().as_os_str()]);
    assert_eq!(code, Exit::Data.code());
    assert!(
        err.contains("ea.csv line 1, column 7: \"licence_count\" is not a known column"),
        "{err}"
    );
    std::fs::write(
        c.path().join("ea.csv"),
        "Smart Account,Virtual-Account,SUITE,purchased,license_generated,total_consumption,x_note\nAcme,,S,1,0,0,hello\n",
    )
    .unwrap();
    let (code, _, err) = reallot(&["check".as_ref(), c.path().as_os_str()]);
    assert_eq!(code, 0, "{err}");
}

/// Every problem of the file in one pass.
#[test]
fn every_error_at_once() {
    rejects(
        "Acme,Branch,S,,-5,,,0,0,,,,\nAcne,Branch,T,,5,,,0,0,,,,\nAcme,Branch,U,,100,,90,0,0,2027-03-01,2026-03-01,,\n",
        &[
            "the case has 4 input errors",
            "ea.csv line 2, column purchased",
            "ea.csv line 3, column smart_account",
            "ea.csv line 4, column total_entitlements",
            "ea.csv line 4, column term_end",
        ],
    );
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cssm")
        .join(name)
}

/// An EA consumption response → `import cssm-json` → ea.csv (with accounts.csv naming
/// the VA only the EA response has) → `plan` reads it; filled-in price and licence are
/// then used.
#[test]
fn round_trip_from_the_ea_consumption_response() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    let (code, _, err) = reallot(&[
        "import".as_ref(),
        "cssm-json".as_ref(),
        fixture("Campus.json").as_os_str(),
        fixture("ea-consumption.json").as_os_str(),
        "--smart-account".as_ref(),
        "Globex".as_ref(),
        "--as-of".as_ref(),
        "2026-11-01".as_ref(),
        "--out".as_ref(),
        case.as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(case.join("accounts.csv")).unwrap(),
        "smart_account,virtual_account\nGlobex,Collab\n"
    );
    let out = dir.path().join("out");
    plan(&case, "reallocate", &out);
    let got = ea_findings(&out);
    // E3-DNA-ADV: 80 consumed of 72; E3-DNA-ADV-ADDON: 50 of 48; no price: no charge.
    let keys: Vec<(&str, &str, u64)> = got
        .iter()
        .map(|f| (f.0.as_str(), f.2.as_str(), f.4))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("ea_true_forward_exposure", "Collab", 2),
            ("ea_true_forward_exposure", "Collab", 8)
        ]
    );
    assert!(
        got[0]
            .5
            .contains("no charge computed: no unit price is known"),
        "{}",
        got[0].5
    );
    // The advisor fills in a price and the licence: 30.00 × 8 × 12/12 = 240.00
    // (2027-02-01 to the day after 2028-01-31).
    let ea = std::fs::read_to_string(case.join("ea.csv")).unwrap();
    let ea = ea.replace(
        "E3-DNA-ADV,60,12,72,50,80,2027-02-01,2028-01-31,,",
        "E3-DNA-ADV,60,12,72,50,80,2027-02-01,2028-01-31,30.00,DNA Advantage",
    );
    std::fs::write(case.join("ea.csv"), ea).unwrap();
    let out2 = dir.path().join("out2");
    plan(&case, "reallocate", &out2);
    let got = ea_findings(&out2);
    let adv = got.iter().find(|f| f.4 == 8).unwrap();
    assert_eq!(adv.3, "DNA Advantage");
    assert!(
        adv.5
            .ends_with("30.00 x 8 x 12/12 months (to the term end 2028-01-31) = USD 240.00"),
        "{}",
        adv.5
    );
    // The shortfall of DNA Advantage is in Campus, not Collab: no ea_not_deposited.
    assert!(got.iter().all(|f| f.0 != "ea_not_deposited"));
    let (code, text) = verify(&case, &out2);
    assert_eq!(code, 0, "{text}");
}
