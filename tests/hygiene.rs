//! Hygiene, findings and renewal sizing on small hand-made cases (SPEC §4, issue 3).

use crate::common::{case_of, plan_toml};

/// Writes a case: `files` are (name, contents); case.toml is added when not given.
fn case(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = case_of(files);
    if !files.iter().any(|(n, _)| *n == "case.toml") {
        std::fs::write(dir.path().join("case.toml"), "as_of = \"2026-11-01\"\n").unwrap();
    }
    dir
}

const ENT: &str = "smart_account,virtual_account,license,quantity\nA,V,L,0\n";

/// as_of 2026-11-01 minus 90 days is 2026-08-03: a contact before that day is stale.
#[test]
fn stale_boundary_days() {
    let inst = "instance,smart_account,virtual_account,license,last_contact\n\
                before,A,V,L,2026-08-02\non,A,V,L,2026-08-03\nafter,A,V,L,2026-08-04\nnever,A,V,L,\n";
    let dir = case(&[("entitlements.csv", ENT), ("instances.csv", inst)]);
    let p = plan_toml(dir.path(), "hygiene = true\nstale_after_days = 90");
    assert_eq!(p.hygiene.stale_instances, 1);
    assert_eq!(p.hygiene.released_units, 1);
    assert_eq!(p.purchase_units(), 3, "on, after and never-contacted stay");
    let stale: Vec<&str> = p
        .tables
        .findings
        .iter()
        .filter(|f| f.kind == "stale_instance")
        .map(|f| f.instance.as_str())
        .collect();
    assert_eq!(stale, vec!["before"]);
    // Without hygiene nothing is dropped, but the finding is still listed.
    let p = plan_toml(dir.path(), "hygiene = false");
    assert_eq!((p.hygiene.stale_instances, p.purchase_units()), (0, 4));
    assert!(p.tables.findings.iter().any(|f| f.kind == "stale_instance"));
}

/// An instance both retired and stale, on two licence rows, counts once (as retired);
/// its units and its reservation are released.
#[test]
fn retired_and_stale_counted_once() {
    let ent = "smart_account,virtual_account,license,quantity\nA,V,L,0\nA,V,M,0\n";
    let inst = "instance,smart_account,virtual_account,license,quantity,last_contact,reservation\n\
                dev1,A,V,L,2,2025-01-01,SLR\ndev1,A,V,M,3,2025-01-01,NONE\n\
                dev2,A,V,L,1,2026-10-30,NONE\ndev3,A,V,M,4,2026-10-30,NONE\n";
    let cmdb = "instance,status\ndev1,Decommissioned\ndev2,in service\n";
    let dir = case(&[
        ("entitlements.csv", ent),
        ("instances.csv", inst),
        ("cmdb.csv", cmdb),
    ]);
    let p = plan_toml(dir.path(), "hygiene = true");
    let h = p.hygiene;
    assert_eq!(
        (
            h.stale_instances,
            h.retired_instances,
            h.released_units,
            h.released_reservations
        ),
        (0, 1, 5, 2)
    );
    assert_eq!(p.purchase_units(), 5, "dev2 (1) and dev3 (4) remain");
    let kinds = |k: &str| p.tables.findings.iter().filter(|f| f.kind == k).count();
    assert_eq!(kinds("retired_in_cmdb"), 2, "one row per instance row");
    assert_eq!(kinds("stale_instance"), 0, "retired wins over stale");
    assert_eq!(kinds("stranded_reservation"), 1);
    assert_eq!(kinds("not_in_cmdb"), 1, "dev3 is not in the CMDB");
}

/// Reserved units of a live device are pinned; a stale device's reservation is released.
#[test]
fn released_reservations_unpin_licences() {
    let ent = "smart_account,virtual_account,license,quantity\nA,V1,L,2\nA,V2,L,0\n";
    let inst = "instance,smart_account,virtual_account,license,quantity,last_contact,reservation\n\
                old,A,V1,L,2,2024-01-01,PLR\nnew,A,V2,L,2,2026-10-31,NONE\n";
    let dir = case(&[("entitlements.csv", ent), ("instances.csv", inst)]);
    // Without hygiene the 2 licences are pinned to the reservation: V2 must buy 2.
    let p = plan_toml(dir.path(), "hygiene = false");
    assert_eq!((p.purchase_units(), p.licences_moved()), (2, 0));
    // With hygiene the reservation is released and the 2 licences move to V2.
    let p = plan_toml(dir.path(), "hygiene = true");
    assert_eq!(p.hygiene.released_reservations, 2);
    assert_eq!((p.purchase_units(), p.licences_moved()), (0, 2));
}

/// usage.csv beside instances.csv is cross-checked; instances win.
#[test]
fn usage_and_instances_disagree() {
    let usage = "smart_account,virtual_account,license,in_use,reserved\nA,V,L,5,0\n";
    let inst = "instance,smart_account,virtual_account,license\nd1,A,V,L\nd2,A,V,L\n";
    let dir = case(&[
        ("entitlements.csv", ENT),
        ("usage.csv", usage),
        ("instances.csv", inst),
    ]);
    let p = plan_toml(dir.path(), "");
    assert_eq!(p.purchase_units(), 2);
    let f: Vec<_> = p
        .tables
        .findings
        .iter()
        .filter(|f| f.kind == "usage_mismatch")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].quantity, 3);
}

/// Lot findings: expired, not started, expiring within 90 days, dates inverted.
#[test]
fn lot_findings() {
    let ent =
        "smart_account,virtual_account,license,quantity,license_type,start_date,end_date,status\n\
               A,V,L,10,TERM,2024-01-01,2026-10-31,ACTIVE\n\
               A,V,L,11,TERM,2026-12-01,2027-12-01,FUTURE\n\
               A,V,L,12,TERM,2025-01-01,2027-01-30,ACTIVE\n\
               A,V,L,13,TERM,2025-01-01,2027-01-31,ACTIVE\n\
               A,V,L,14,TERM,2025-01-01,2024-01-01,ACTIVE\n\
               A,V,L,15,SUBSCRIPTION,2025-01-01,2027-06-30,CANCELLED\n";
    let usage = "smart_account,virtual_account,license,in_use\nA,V,L,0\n";
    let dir = case(&[("entitlements.csv", ent), ("usage.csv", usage)]);
    let p = plan_toml(dir.path(), "");
    let q = |k: &str| -> Vec<u64> {
        p.tables
            .findings
            .iter()
            .filter(|f| f.kind == k)
            .map(|f| f.quantity)
            .collect()
    };
    assert_eq!(q("lot_expired").iter().sum::<u64>(), 25);
    assert_eq!(q("lot_not_started"), vec![11]);
    // 2027-01-30 is day 90 after as_of (within), 2027-01-31 day 91 (not).
    assert_eq!(q("lot_expiring"), vec![12]);
    assert_eq!(
        p.tables
            .findings
            .iter()
            .filter(|f| f.kind == "lot_dates_inverted")
            .count(),
        1
    );
    // Of all of these, only the 12 + 13 lots are in force at as_of.
    assert_eq!(p.tables.positions[0].entitled, 25);
    assert!(p
        .tables
        .findings
        .iter()
        .any(|f| f.kind == "idle_surplus" && f.quantity == 25));
}

/// Vendor view findings: a VA short while its sibling has surplus.
#[test]
fn out_of_compliance_finding() {
    let ent = "smart_account,virtual_account,license,quantity\nA,V1,L,10\n";
    let usage = "smart_account,virtual_account,license,in_use\nA,V1,L,4\nA,V2,L,6\n";
    let dir = case(&[("entitlements.csv", ent), ("usage.csv", usage)]);
    let p = plan_toml(dir.path(), "");
    let f: Vec<_> = p
        .tables
        .findings
        .iter()
        .filter(|f| f.kind == "out_of_compliance")
        .collect();
    assert_eq!(
        (f.len(), f[0].virtual_account.as_str(), f[0].quantity),
        (1, "V2", 6)
    );
    assert_eq!((p.purchase_units(), p.licences_moved()), (0, 6));
    assert!(!p.tables.findings.iter().any(|f| f.kind == "idle_surplus"));
}

/// Renewal on a hand-computed case: 100 term units end before the renewal, 50 perpetual
/// remain, 120 in use: renew 70 instead of 100.
#[test]
fn renewal_by_hand() {
    let ent = "smart_account,virtual_account,license,quantity,license_type,start_date,end_date\n\
               A,V,L,100,TERM,2024-01-01,2027-02-28\nA,V,L,50,PERPETUAL,,\n\
               A,V,K,30,TERM,2024-01-01,2027-03-15\n";
    let usage = "smart_account,virtual_account,license,in_use\nA,V,L,120\nA,V,K,0\n";
    let prices = "license,unit_price\nL,10.00\nK,4.50\n";
    let dir = case(&[
        (
            "case.toml",
            "as_of = \"2026-11-01\"\nrenewal_date = \"2027-03-31\"\n",
        ),
        ("entitlements.csv", ent),
        ("usage.csv", usage),
        ("prices.csv", prices),
    ]);
    // The default evaluates at as_of and sizes no renewal.
    assert!(plan_toml(dir.path(), "").tables.renewal.is_none());
    let p = plan_toml(dir.path(), "evaluate_at = \"renewal\"");
    let r = p.tables.renewal.as_ref().unwrap();
    assert_eq!((r.expiring_units, r.recommended_units), (130, 70));
    assert_eq!(r.like_for_like_cost, 100 * 1000 + 30 * 450);
    assert_eq!(r.recommended_cost, 70 * 1000);
    let rows: Vec<(&str, u64, u64, i128)> = p
        .tables
        .renewal_rows
        .iter()
        .map(|r| (r.license.as_str(), r.expiring, r.recommended, r.change()))
        .collect();
    assert_eq!(rows, vec![("K", 30, 0, -30), ("L", 100, 70, -30)]);
    // A scenario may switch renewal sizing off.
    let p = plan_toml(
        dir.path(),
        "evaluate_at = \"renewal\"\nrenewal_date = \"none\"",
    );
    assert!(p.tables.renewal.is_none());
    assert_eq!(
        p.purchase_units(),
        0,
        "at as_of everything is still in force"
    );
}
