//! Evaluation dates and the renewal quote (README, "Scenarios" and "The model in brief"):
//! the default evaluates at as_of, `evaluate_at = "renewal"` at the renewal date with the
//! vendor quote beside the plan; pack remainders are their own finding.

use std::path::Path;

use crate::common::{acme, case_of, pack_gap_case, plan_toml, plan_with, reallot};
use proptest::prelude::*;
use reallot::estate::load_case;
use reallot::plan::FindingKind;
use reallot::scenario::{EvaluateAt, Scenario};

#[test]
fn the_default_is_today_and_renewal_is_at_the_renewal_date() {
    let case = acme();
    let today = plan_with(&case, &Scenario::default());
    assert_eq!(today.evaluated_at, today.as_of);
    assert_eq!(today.as_of.to_string(), "2026-11-01");
    assert!(today.tables.renewal.is_none() && today.tables.renewal_rows.is_empty());
    let renewal = plan_with(
        &case,
        &Scenario::from_arg(Path::new("renewal"), &case).unwrap(),
    );
    assert_eq!(renewal.evaluated_at.to_string(), "2027-03-31");
    let r = renewal.tables.renewal.as_ref().expect("the renewal block");
    assert_eq!(r.date, renewal.evaluated_at);
    assert_eq!(r.recommended_units, renewal.purchase_units());
    assert_eq!(r.recommended_cost, renewal.purchase_cost());
    // The vendor view is always read at as_of, whatever the scenario's date.
    assert_eq!(renewal.vendor, today.vendor);
}

#[test]
fn vendor_view_scenario_buys_exactly_the_vendor_view() {
    let case = acme();
    let s = Scenario::from_arg(Path::new("vendor-view"), &case).unwrap();
    assert_eq!(s.evaluate_at, EvaluateAt::AsOf);
    let p = plan_with(&case, &s);
    assert_eq!(
        (p.purchase_units(), p.purchase_cost()),
        (p.vendor.shortfall_units, p.vendor.shortfall_cost)
    );
    assert!(p.vendor.shortfall_units > 0);
    for row in &p.tables.positions {
        assert_eq!(row.purchased, row.vendor_shortfall, "{row:?}");
    }
    // And on the command line, by name.
    let out = tempfile::tempdir().unwrap();
    let got = reallot()
        .arg("plan")
        .arg(&case)
        .args(["--model", "vendor-view", "--out"])
        .arg(out.path().join("vv"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&got.get_output().stdout).into_owned();
    let units = p.vendor.shortfall_units;
    assert!(
        text.contains(&format!("{units} units short"))
            && text.contains(&format!("must really be bought: {units} units")),
        "{text}"
    );
}

/// One pool of two VAs, one licence at 10.00, as_of 2026-11-01, renewal 2027-03-01:
/// V1 holds 100 units ending 2027-01-31 (expiring) and 20 perpetual, uses 130; V2 holds 50
/// perpetual, uses 30.
fn small_renewal_case(extra_prices: &str) -> tempfile::TempDir {
    case_of(&[
        (
            "case.toml",
            "as_of = \"2026-11-01\"\nrenewal_date = \"2027-03-01\"\n",
        ),
        (
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity,license_type,start_date,end_date\n\
             A,V1,L,100,TERM,2024-01-01,2027-01-31\nA,V1,L,20,PERPETUAL,,\nA,V2,L,50,PERPETUAL,,\n",
        ),
        (
            "usage.csv",
            "smart_account,virtual_account,license,in_use\nA,V1,L,130\nA,V2,L,30\n",
        ),
        (
            "prices.csv",
            &format!("license,unit_price,pack_size\nL,10.00,{extra_prices}\n"),
        ),
    ])
}

#[test]
fn renewal_figures_by_hand() {
    let dir = small_renewal_case("1");
    let p = plan_toml(dir.path(), "evaluate_at = \"renewal\"");
    let r = p.tables.renewal.as_ref().unwrap();
    // Expiring: V1's 100 units; like for like costs 100 × 10.00.
    assert_eq!((r.expiring_units, r.like_for_like_cost), (100, 100_000));
    // Renewed like for like, V1 holds 120 for 130 in use: 10 short; V2 is covered (no
    // transfers in the vendor's reading). The quote: 110 units, 1,100.00.
    assert_eq!(r.like_for_like_shortfall_units, 10);
    assert_eq!((r.vendor_quote_units, r.vendor_quote_cost), (110, 110_000));
    // The plan at 2027-03-01: 70 in force for 160 in use, V2's 20 spare move to V1: buy 90.
    assert_eq!((r.recommended_units, r.recommended_cost), (90, 90_000));
    assert_eq!(p.licences_moved(), 20);
    assert_eq!(r.savings, 20_000);
    assert!(r.note.is_none());
    let row = &p.tables.renewal_rows[0];
    assert_eq!(
        (
            row.expiring,
            row.like_for_like,
            row.vendor_quote,
            row.recommended
        ),
        (100, 100, 110, 90)
    );
    assert_eq!(row.change(), -20, "recommended − vendor quote");
    // summary.json carries the same figures under the documented keys.
    let json = serde_json::to_value(reallot::report::Summary::of(&p)).unwrap();
    let rj = &json["renewal"];
    assert_eq!(rj["like_for_like_shortfall_units"], 10);
    assert_eq!(rj["vendor_quote_units"], 110);
    assert_eq!(rj["vendor_quote_cost"].as_f64(), Some(1100.0));
    assert_eq!(rj["savings"].as_f64(), Some(200.0));
    assert!(rj["savings_note"].is_null());
    // With a 10% buffer: demand 143 and 33; V1 holds 120 renewed: 23 short.
    let p = plan_toml(dir.path(), "evaluate_at = \"renewal\"\nbuffer_pct = 10");
    assert_eq!(
        p.tables
            .renewal
            .as_ref()
            .unwrap()
            .like_for_like_shortfall_units,
        23
    );
}

#[test]
fn a_pack_can_make_the_plan_dearer_than_the_quote_and_says_so() {
    // Packs of 25: the plan must buy 100 (90 rounded up), the quote renews the 100
    // expiring units lot by lot and buys V1's 10 short as one pack of 25: 125 units.
    let dir = small_renewal_case("25");
    let p = plan_toml(dir.path(), "evaluate_at = \"renewal\"");
    let r = p.tables.renewal.as_ref().unwrap();
    assert_eq!((r.recommended_units, r.vendor_quote_units), (100, 125));
    assert!(r.savings >= 0 && r.note.is_none());
    // A lot of 7 renewed unit for unit, against a plan that must buy whole packs of 5:
    // the plan costs more than the quote, a true figure, and the note says why.
    let dir = case_of(&[
        (
            "case.toml",
            "as_of = \"2026-11-01\"\nrenewal_date = \"2027-03-01\"\n",
        ),
        (
            "entitlements.csv",
            "smart_account,virtual_account,license,quantity,license_type,start_date,end_date\n\
             A,V,L,7,TERM,2024-01-01,2027-01-31\n",
        ),
        (
            "usage.csv",
            "smart_account,virtual_account,license,in_use\nA,V,L,7\n",
        ),
        ("prices.csv", "license,unit_price,pack_size\nL,10.00,5\n"),
    ]);
    let p = plan_toml(dir.path(), "evaluate_at = \"renewal\"");
    let r = p.tables.renewal.as_ref().unwrap();
    // The quote renews the 7 units as they are; the plan buys 10 (two packs of 5).
    assert_eq!((r.vendor_quote_units, r.recommended_units), (7, 10));
    assert_eq!(r.savings, -3_000);
    let note = r.note.as_deref().expect("a note on the negative saving");
    assert!(note.contains("packs of 5"), "{note}");
}

#[test]
fn evaluate_at_renewal_without_a_renewal_date_is_at_as_of_with_a_warning() {
    let dir = small_renewal_case("1");
    std::fs::write(dir.path().join("case.toml"), "as_of = \"2026-11-01\"\n").unwrap();
    let p = plan_toml(dir.path(), "evaluate_at = \"renewal\"");
    assert_eq!(p.evaluated_at, p.as_of);
    assert!(p.tables.renewal.is_none());
    let scen = dir.path().join("at-renewal.toml");
    std::fs::write(&scen, "evaluate_at = \"renewal\"\n").unwrap();
    let got = reallot()
        .arg("plan")
        .arg(dir.path())
        .arg("--model")
        .arg(&scen)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&got.get_output().stdout).into_owned();
    assert!(
        text.contains("warning") && text.contains("evaluated at as_of"),
        "{text}"
    );
}

#[test]
fn a_pack_gap_is_units_short_and_a_pack_remainder() {
    // 500 entitled, 620 in use, packs of 25: 120 units short; the purchase is 5 packs =
    // 125; the 5 spare units of the last pack are a pack remainder, not idle licences.
    let dir = pack_gap_case();
    let p = plan_with(dir.path(), &Scenario::default());
    assert_eq!(p.purchase_units(), 125);
    assert_eq!(
        p.vendor.shortfall_units, 125,
        "the vendor's purchase, in packs"
    );
    let of = |k: FindingKind| -> Vec<u64> {
        p.tables
            .findings
            .iter()
            .filter(|f| f.kind == k)
            .map(|f| f.quantity)
            .collect()
    };
    assert_eq!(of(FindingKind::OutOfCompliance), [120]);
    assert_eq!(of(FindingKind::PackRemainder), [5]);
    assert!(
        of(FindingKind::IdleSurplus).is_empty(),
        "{:?}",
        p.tables.findings
    );
    let remainder = p
        .tables
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::PackRemainder)
        .unwrap();
    assert_eq!(
        (
            remainder.virtual_account.as_str(),
            remainder.license.as_str()
        ),
        ("V", "L")
    );
    assert!(!remainder.detail.contains("unused"), "{}", remainder.detail);
    // The plan folder verifies, findings included.
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("plan");
    let w = reallot::io::write::OutDir::new(&target, &[]).unwrap();
    reallot::report::write_plan(&p, &w.root()).unwrap();
    w.commit().unwrap();
    let estate = load_case(dir.path()).unwrap();
    let rep = reallot::verify::verify(&estate, &Scenario::default(), None, &target).unwrap();
    assert!(rep.violations.is_empty(), "{:?}", rep.violations);
}

#[test]
fn model_names_resolve_for_plan_case_first_then_shipped() {
    let dir = small_renewal_case("1");
    let run = |name: &str| {
        let out = dir.path().join(format!("out-{name}"));
        let got = reallot()
            .arg("plan")
            .arg(dir.path())
            .args(["--model", name, "--out"])
            .arg(&out)
            .assert();
        (got, out)
    };
    // Shipped: the renewal scenario, evaluated at the renewal date.
    let (got, out) = run("renewal");
    got.success();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["evaluated_at"], "2027-03-01");
    // The case's own models/renewal.toml wins over the shipped one.
    std::fs::create_dir(dir.path().join("models")).unwrap();
    std::fs::write(
        dir.path().join("models/renewal.toml"),
        "name = \"my-renewal\"\nevaluate_at = \"as_of\"\n",
    )
    .unwrap();
    let (got, out) = run("renewal");
    got.success();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        (s["scenario"].as_str(), s["evaluated_at"].as_str()),
        (Some("my-renewal"), Some("2026-11-01"))
    );
    // Unknown: exit 2, saying where it looked.
    let (got, _) = run("nosuch");
    let got = got.code(2);
    let err = String::from_utf8_lossy(&got.get_output().stderr).into_owned();
    assert!(
        err.contains("nosuch.toml") && err.contains("shipped"),
        "{err}"
    );
    // check and verify resolve names the same way.
    reallot()
        .arg("check")
        .arg(dir.path())
        .args(["--model", "hygiene"])
        .assert()
        .success();
    reallot()
        .arg("verify")
        .arg(dir.path())
        .arg(&out)
        .args(["--model", "renewal"])
        .assert()
        .success();
}

#[test]
fn demo_then_verify_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let got = reallot()
        .arg("demo")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&got.get_output().stdout).into_owned();
    assert!(
        text.contains("vendor quote at 2027-03-31")
            && text.contains("saving against the vendor quote"),
        "{text}"
    );
    let got = reallot()
        .arg("verify")
        .arg(acme())
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&got.get_output().stdout).into_owned();
    assert!(text.contains(" 0 violations"), "{text}");
}

/// A small random estate at as_of 2026-11-01 with a renewal on 2027-03-01: one Smart
/// Account, up to three VAs, two licences (the first covers the second when `sub`), lots
/// that end before or after the renewal, packs of 1.
fn random_case(
    lots: &[(usize, usize, u64, bool)],
    usage: &[(usize, usize, u64)],
    sub: bool,
    prices: (u32, u32),
) -> tempfile::TempDir {
    let mut ent = String::from(
        "smart_account,virtual_account,license,quantity,license_type,start_date,end_date\n",
    );
    for &(va, lic, q, expiring) in lots {
        let end = if expiring { "2027-01-31" } else { "2028-01-31" };
        ent.push_str(&format!("A,V{va},L{lic},{q},TERM,2024-01-01,{end}\n"));
    }
    let mut use_ = String::from("smart_account,virtual_account,license,in_use\n");
    let mut seen = std::collections::BTreeSet::new();
    for &(va, lic, q) in usage {
        if seen.insert((va, lic)) {
            use_.push_str(&format!("A,V{va},L{lic},{q}\n"));
        }
    }
    let mut files = vec![
        (
            "case.toml",
            "as_of = \"2026-11-01\"\nrenewal_date = \"2027-03-01\"\n".to_string(),
        ),
        ("entitlements.csv", ent),
        ("usage.csv", use_),
        (
            "prices.csv",
            format!(
                "license,unit_price\nL0,{}.00\nL1,{}.00\n",
                prices.0, prices.1
            ),
        ),
    ];
    if sub {
        files.push(("substitutions.csv", "license,covers\nL0,L1\n".to_string()));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    case_of(&refs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// With packs of 1 and substitution on, the vendor quote is a feasible plan of the
    /// model: the savings are never negative, and every plan verifies.
    #[test]
    fn savings_are_never_negative_with_packs_of_one(
        lots in prop::collection::vec((0usize..3, 0usize..2, 0u64..60, any::<bool>()), 0..6),
        usage in prop::collection::vec((0usize..3, 0usize..2, 0u64..80), 1..6),
        sub in any::<bool>(),
        prices in (1u32..50, 1u32..50),
        buffer in 0u32..30,
        reallocate in any::<bool>(),
    ) {
        let dir = random_case(&lots, &usage, sub, prices);
        let text = format!(
            "evaluate_at = \"renewal\"\nbuffer_pct = {buffer}\nreallocate = {reallocate}\n"
        );
        let scenario = Scenario::parse(&text, "test", "test").unwrap();
        let p = plan_with(dir.path(), &scenario);
        let r = p.tables.renewal.as_ref().unwrap();
        prop_assert!(r.savings >= 0, "savings {} in {:?}", r.savings, r);
        prop_assert!(r.note.is_none());
        prop_assert_eq!(r.vendor_quote_units, r.expiring_units + r.like_for_like_shortfall_units);
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("plan");
        let w = reallot::io::write::OutDir::new(&target, &[]).unwrap();
        reallot::report::write_plan(&p, &w.root()).unwrap();
        w.commit().unwrap();
        let estate = load_case(dir.path()).unwrap();
        let rep = reallot::verify::verify(&estate, &scenario, None, &target).unwrap();
        prop_assert!(rep.violations.is_empty(), "{:?}", rep.violations);
    }
}
