//! CSSM-facing inputs and outputs: export headers, Excel case tables, transfers.json
//! chunking, and the plan.xlsx workbook read back cell by cell.

use std::path::Path;

use crate::common::{headline, plan_with};
use calamine::{open_workbook_auto, Data, Reader};
use reallot::estate::load_case;
use reallot::scenario::Scenario;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn plan(dir: &Path) -> reallot::plan::Plan {
    plan_with(dir, &Scenario::default())
}

const ENT: &str = "smart_account,virtual_account,license,quantity,license_type\n\
                   A,North,L,3500,TERM\nA,North,K,30,PERPETUAL\nA,South,L,0,PERPETUAL\n";
const USE: &str =
    "smart_account,virtual_account,license,in_use\nA,North,L,0\nA,South,L,40\nA,South,K,20\n";

/// A CSSM web-UI export: other header names, other order, extra display columns.
#[test]
fn cssm_export_headers_load() {
    let canon = tempfile::tempdir().unwrap();
    write(canon.path(), "case.toml", "as_of = \"2026-11-01\"\n");
    write(canon.path(), "entitlements.csv", ENT);
    write(canon.path(), "usage.csv", USE);
    let export = tempfile::tempdir().unwrap();
    write(export.path(), "case.toml", "as_of = \"2026-11-01\"\n");
    write(
        export.path(),
        "entitlements.csv",
        "License,Virtual Account,Smart Account,Purchased,Type,Balance,Alerts\n\
         L,North,A,3500,Term,3500,\nK,North,A,30,Perpetual,10,\nL,South,A,0,Perpetual,-40,Insufficient Licenses\n",
    );
    write(
        export.path(),
        "usage.csv",
        "Virtual Account,License,In Use,Smart Account\nNorth,L,0,A\nSouth,L,40,A\nSouth,K,20,A\n",
    );
    assert_eq!(
        headline(&plan(export.path())),
        headline(&plan(canon.path()))
    );
}

/// Case tables as sheets of a workbook (one workbook, sheets named after the tables).
#[test]
fn excel_tables_load() {
    let canon = tempfile::tempdir().unwrap();
    write(canon.path(), "case.toml", "as_of = \"2026-11-01\"\n");
    write(canon.path(), "entitlements.csv", ENT);
    write(canon.path(), "usage.csv", USE);
    let book_dir = tempfile::tempdir().unwrap();
    write(book_dir.path(), "case.toml", "as_of = \"2026-11-01\"\n");
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, text) in [("Entitlements", ENT), ("Usage", USE)] {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        for (r, line) in text.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                match cell.parse::<f64>() {
                    Ok(x) if r > 0 => ws.write_number(r as u32, c as u16, x).unwrap(),
                    _ => ws.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
    }
    wb.save(book_dir.path().join("customer.xlsx")).unwrap();
    assert_eq!(
        headline(&plan(book_dir.path())),
        headline(&plan(canon.path()))
    );
    // Errors name the workbook and sheet.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("entitlements").unwrap();
    ws.write_row(
        0,
        0,
        ["smart_account", "virtual_account", "license", "quantity"],
    )
    .unwrap();
    ws.write_row(1, 0, ["A", "V", "L", "-3"]).unwrap();
    wb.save(book_dir.path().join("customer.xlsx")).unwrap();
    let err = load_case(book_dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("customer.xlsx[entitlements] line 2, column quantity"),
        "{err}"
    );
}

/// One source VA sending 3,500 units of L (500 perpetual... here all term) and K to many
/// targets: entries stay at or under 998 units, requests at or under 10 entries, and the
/// entries add up to the moves.
#[test]
fn transfers_are_chunked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "case.toml", "as_of = \"2026-11-01\"\n");
    let mut ent = String::from("smart_account,virtual_account,license,quantity,license_type\n");
    ent.push_str("A,Hub,L,500,PERPETUAL\nA,Hub,L,3000,TERM\n");
    let mut usage = String::from("smart_account,virtual_account,license,in_use\n");
    usage.push_str("A,Big,L,2500\n");
    for i in 0..12 {
        usage.push_str(&format!("A,Site{i:02},L,10\n"));
    }
    write(dir.path(), "entitlements.csv", &ent);
    write(dir.path(), "usage.csv", &usage);
    let p = plan(dir.path());
    assert_eq!(p.licences_moved(), 2620);
    let t = &p.tables.transfers;
    assert!(t.not_executable.is_empty());
    let entries: Vec<_> = t
        .requests
        .iter()
        .flat_map(|r| r.body.licenses.iter())
        .collect();
    assert!(t
        .requests
        .iter()
        .all(|r| r.body.licenses.len() <= 10 && r.source_virtual_account == "Hub"));
    assert!(entries.iter().all(|e| e.quantity <= 998 && e.quantity > 0));
    assert_eq!(entries.iter().map(|e| e.quantity).sum::<u64>(), 2620);
    let to_big: u64 = entries
        .iter()
        .filter(|e| e.target_virtual_account == "Big")
        .map(|e| e.quantity)
        .sum();
    assert_eq!(to_big, 2500);
    assert_eq!(
        t.requests.len(),
        2,
        "2500 = 998 + 998 + 504 plus 12 sites: 15 entries, 2 requests"
    );
    let perpetual: u64 = entries
        .iter()
        .filter(|e| e.license_type == "PERPETUAL")
        .map(|e| e.quantity)
        .sum();
    assert_eq!(perpetual, 500, "perpetual units go first, then term");
}

/// Moves across Smart Accounts (a merge what-if) are not CSSM transfers.
#[test]
fn cross_account_moves_are_flagged() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance/story-acquisition");
    let e = load_case(&dir).unwrap();
    let s = Scenario::load(&dir.join("scenario.toml")).unwrap();
    let p = reallot::plan_case(&e, &s, None, &Default::default()).unwrap();
    assert!(!p.tables.transfers.not_executable.is_empty());
    let flagged: u64 = p
        .tables
        .transfers
        .not_executable
        .iter()
        .map(|m| m.quantity)
        .sum();
    let listed: u64 = p
        .tables
        .transfers
        .requests
        .iter()
        .flat_map(|r| &r.body.licenses)
        .map(|e| e.quantity)
        .sum();
    assert_eq!(flagged + listed, p.licences_moved());
}

/// plan.xlsx, read back: the summary sheet cell by cell, and every table sheet present.
#[test]
fn workbook_reads_back() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/acme-networks");
    let e = load_case(&case).unwrap();
    let s =
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/renewal.toml")).unwrap();
    let p = reallot::plan_case(&e, &s, None, &Default::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("plan.xlsx");
    std::fs::write(&book, reallot::report::xlsx::workbook(&p).unwrap()).unwrap();
    let mut wb = open_workbook_auto(&book).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Moves",
            "Purchases",
            "Renewal",
            "Findings",
            "Positions"
        ]
    );
    let sum = wb.worksheet_range("Summary").unwrap();
    let cell = |label: &str| -> Data {
        sum.rows()
            .find(|r| r[0] == Data::String(label.into()))
            .unwrap_or_else(|| panic!("no row {label}"))[1]
            .clone()
    };
    assert_eq!(cell("Case"), Data::String(p.case.clone()));
    assert_eq!(cell("Scenario"), Data::String("renewal".into()));
    assert_eq!(cell("Status"), Data::String("optimal".into()));
    assert_eq!(
        cell("Purchase cost (USD)"),
        Data::Float(p.purchase_cost() as f64 / 100.0)
    );
    assert_eq!(
        cell("Purchase units"),
        Data::Float(p.purchase_units() as f64)
    );
    assert_eq!(
        cell("Licences moved"),
        Data::Float(p.licences_moved() as f64)
    );
    assert_eq!(
        cell("Vendor view shortfall (units)"),
        Data::Float(p.vendor.shortfall_units as f64)
    );
    let r = p.tables.renewal.as_ref().unwrap();
    assert_eq!(cell("Savings (USD)"), Data::Float(r.savings as f64 / 100.0));
    // The purchases sheet: one row per purchase plus the total.
    let pur = wb.worksheet_range("Purchases").unwrap();
    assert_eq!(pur.height(), p.tables.purchases.len() + 2);
    let last = pur.rows().next_back().unwrap();
    assert_eq!(last[0], Data::String("Total".into()));
    assert_eq!(last[5], Data::Float(p.purchase_cost() as f64 / 100.0));
}

/// plan.xlsx cell types, read back: in every sheet each column holds one kind: names and
/// text as strings (never formulas), figures and money as numbers, dates as dates; in a
/// case with two Smart Accounts each VA reads `SA / VA`.
#[test]
fn workbook_cells_are_typed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let e = load_case(&root.join("data/acme-networks")).unwrap();
    let s = Scenario::load(&root.join("models/renewal.toml")).unwrap();
    let p = reallot::plan_case(&e, &s, None, &Default::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("plan.xlsx");
    std::fs::write(&book, reallot::report::xlsx::workbook(&p).unwrap()).unwrap();
    let mut wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(&book).unwrap();
    const TEXT: &[&str] = &[
        "smart_account",
        "virtual_account",
        "license",
        "from_virtual_account",
        "to_virtual_account",
        "covers",
        "instance",
        "kind",
        "detail",
        "scenario",
    ];
    let mut checked = 0;
    for sheet in ["Moves", "Purchases", "Renewal", "Findings", "Positions"] {
        let range = wb.worksheet_range(sheet).unwrap();
        let mut rows = range.rows();
        let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
        for row in rows {
            if row[0] == Data::String("Total".into()) {
                continue;
            }
            for (h, cell) in header.iter().zip(row) {
                let ok = if TEXT.contains(&h.as_str()) {
                    matches!(cell, Data::String(_) | Data::Empty)
                } else if h.ends_with("date") {
                    matches!(cell, Data::DateTime(_))
                } else {
                    matches!(cell, Data::Float(_) | Data::Int(_))
                };
                assert!(ok, "{sheet}, column {h}: {cell:?}");
                checked += 1;
            }
            if let Some(va) = header.iter().position(|h| h == "virtual_account") {
                let sa = header.iter().position(|h| h == "smart_account").unwrap();
                let (sa, va) = (row[sa].to_string(), row[va].to_string());
                assert!(va.starts_with(&format!("{sa} / ")), "{sheet}: {sa} {va}");
            }
        }
    }
    assert!(checked > 100, "{checked} cells");
    // The summary sheet: dates are dates, money and counts numbers, names text.
    let sum = wb.worksheet_range("Summary").unwrap();
    let value = |label: &str| -> Data {
        sum.rows()
            .find(|r| r[0] == Data::String(label.into()))
            .unwrap_or_else(|| panic!("no row {label}"))[1]
            .clone()
    };
    let date = |label: &str| match value(label) {
        Data::DateTime(d) => d.as_datetime().unwrap().date(),
        other => panic!("{label}: {other:?} is not a date"),
    };
    assert_eq!(date("Data as of"), p.as_of);
    assert_eq!(date("Evaluated at"), p.evaluated_at);
    assert_eq!(
        date("Renewal date"),
        p.tables.renewal.as_ref().unwrap().date
    );
    assert!(matches!(value("Case"), Data::String(_)));
    assert_eq!(
        value("Purchase cost (USD)"),
        Data::Float(p.purchase_cost() as f64 / 100.0)
    );
    // A price is a number too.
    let pur = wb.worksheet_range("Purchases").unwrap();
    let first = pur.rows().nth(1).unwrap();
    assert_eq!(
        first[4],
        Data::Float(p.tables.purchases[0].unit_price as f64 / 100.0)
    );
}
