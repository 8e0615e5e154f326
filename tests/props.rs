//! Property tests on random estates: the closed form where nothing couples licences,
//! `verify` on every plan, the vendor view as an upper bound, and the exact shortcuts
//! against the MIP.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use reallot::estate::{Estate, LicenseType, Lot, LotStatus, Price, Source, Usage, Va};
use reallot::model::SolveOptions;
use reallot::scenario::{Merge, Scenario};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

/// A random cell: (sa, va, lic, entitled, pak, in_use, reserved).
type CellSpec = (usize, usize, usize, u64, u64, u64, u64);

#[derive(Debug, Clone)]
struct Spec {
    n_sas: usize,
    vas_per_sa: usize,
    n_lics: usize,
    cells: Vec<CellSpec>,
    pools: Vec<bool>,
    locks: Vec<bool>,
    prices: Vec<(i64, u64)>,
    chain: bool,
}

fn spec(everything: bool) -> impl Strategy<Value = Spec> {
    (1usize..=2, 1usize..=5, 1usize..=4).prop_flat_map(move |(n_sas, vas_per_sa, n_lics)| {
        let n_vas = n_sas * vas_per_sa;
        let cell = (
            0..n_sas,
            0..vas_per_sa,
            0..n_lics,
            0u64..60,
            if everything { 0u64..6 } else { 0u64..1 },
            0u64..60,
            if everything { 0u64..6 } else { 0u64..1 },
        );
        (
            Just((n_sas, vas_per_sa, n_lics)),
            prop::collection::vec(cell, 1..25),
            prop::collection::vec(any::<bool>(), n_vas),
            prop::collection::vec(
                prop::bool::weighted(if everything { 0.2 } else { 0.0 }),
                n_vas,
            ),
            prop::collection::vec(
                (1i64..5000, if everything { 1u64..=10 } else { 1u64..=1 }),
                n_lics,
            ),
            Just(everything).prop_flat_map(|e| {
                if e {
                    any::<bool>().boxed()
                } else {
                    Just(false).boxed()
                }
            }),
        )
            .prop_map(
                move |((n_sas, vas_per_sa, n_lics), cells, pools, locks, prices, chain)| Spec {
                    n_sas,
                    vas_per_sa,
                    n_lics,
                    cells,
                    pools: if everything {
                        pools
                    } else {
                        vec![false; n_sas * vas_per_sa]
                    },
                    locks,
                    prices,
                    chain,
                },
            )
    })
}

fn estate(s: &Spec) -> Estate {
    let mut e = Estate {
        name: "prop".into(),
        as_of: Some(day()),
        currency: "USD".into(),
        ..Estate::default()
    };
    e.sas = (0..s.n_sas).map(|i| format!("SA{i}")).collect();
    for sa in 0..s.n_sas {
        for v in 0..s.vas_per_sa {
            let k = sa * s.vas_per_sa + v;
            e.vas.push(Va {
                sa: sa as u32,
                name: format!("VA{v}"),
                pool: if s.pools[k] {
                    "p".into()
                } else {
                    String::new()
                },
                locked: s.locks[k],
            });
        }
    }
    e.licences = (0..s.n_lics).map(|i| format!("L{i}")).collect();
    let mut usage: BTreeMap<(u32, u32), Usage> = BTreeMap::new();
    for &(sa, v, l, ent, pak, in_use, reserved) in &s.cells {
        let va = (sa * s.vas_per_sa + v) as u32;
        let lot = |q, source| Lot {
            va,
            lic: l as u32,
            quantity: q,
            license_type: LicenseType::Perpetual,
            start: None,
            end: None,
            status: LotStatus::Active,
            source,
        };
        e.lots.push(lot(ent, Source::Smart));
        if pak > 0 {
            e.lots.push(lot(pak, Source::Pak));
        }
        let u = usage.entry((va, l as u32)).or_default();
        u.in_use = (u.in_use + in_use).max(u.reserved + reserved);
        u.reserved = (u.reserved + reserved).min(u.in_use);
    }
    e.usage = usage.into_iter().collect();
    e.prices = Some(
        s.prices
            .iter()
            .map(|&(cents, pack)| Some(Price { cents, pack }))
            .collect(),
    );
    if s.chain && s.n_lics >= 2 {
        e.substitutions = (0..s.n_lics - 1)
            .map(|l| (l as u32, l as u32 + 1))
            .collect();
    }
    e
}

fn plan_and_verify(e: &Estate, scenario: &Scenario, opts: &SolveOptions) -> reallot::plan::Plan {
    let plan = reallot::plan_case(e, scenario, None, opts).unwrap();
    assert_eq!(plan.status, reallot::model::SolveStatus::Optimal);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("plan");
    let out = reallot::io::write::OutDir::new(&target, &[]).unwrap();
    reallot::report::write_plan(&plan, &out.root()).unwrap();
    out.commit().unwrap();
    let rep = reallot::verify::verify(e, scenario, None, &target).unwrap();
    assert!(rep.violations.is_empty(), "verify: {:?}", rep.violations);
    plan
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Nothing couples licences: per (SA, licence) the plan buys max(0, Σdemand − Σsupply)
    /// and moves min(Σdeficits, Σsurpluses).
    #[test]
    fn pooled_closed_form(s in spec(false)) {
        let e = estate(&s);
        let plan = plan_and_verify(&e, &Scenario::default(), &SolveOptions::default());
        for sa in 0..s.n_sas {
            for l in 0..s.n_lics {
                let (mut dem, mut sup, mut def, mut sur) = (0i64, 0i64, 0i64, 0i64);
                for v in 0..s.vas_per_sa {
                    let va = (sa * s.vas_per_sa + v) as u32;
                    let d = e.usage.get(&(va, l as u32)).map_or(0, |u| u.in_use) as i64;
                    let m: i64 = e.lots.iter().filter(|x| x.va == va && x.lic == l as u32).map(|x| x.quantity as i64).sum();
                    dem += d;
                    sup += m;
                    def += (d - m).max(0);
                    sur += (m - d).max(0);
                }
                let (sa_name, lic) = (format!("SA{sa}"), format!("L{l}"));
                let bought: u64 = plan.purchases.iter().filter(|p| p.smart_account == sa_name && p.license == lic).map(|p| p.quantity).sum();
                let moved: u64 = plan.moves.iter().filter(|m| m.smart_account == sa_name && m.license == lic).map(|m| m.quantity).sum();
                prop_assert_eq!(bought as i64, (dem - sup).max(0));
                prop_assert_eq!(moved as i64, def.min(sur));
            }
        }
    }

    /// Everything on (pools, locks, PAK, reservations, a tier chain, packs, merges):
    /// every plan passes `verify`, and never costs more than the vendor's reading.
    #[test]
    fn plans_verify_and_beat_the_vendor(s in spec(true), merge in any::<bool>()) {
        let e = estate(&s);
        let scenario = Scenario {
            merge: if merge { Merge::All } else { Merge::None },
            ..Scenario::default()
        };
        let plan = plan_and_verify(&e, &scenario, &SolveOptions::default());
        prop_assert!(plan.purchase_cost() <= plan.vendor.shortfall_cost,
            "plan {} > vendor {}", plan.purchase_cost(), plan.vendor.shortfall_cost);
    }

    /// The exact shortcuts (chain DP, min-cost flow) reach the MIP's three optima.
    #[test]
    fn shortcuts_match_the_mip(s in spec(true), buffer in 0i64..2000, reallocate in any::<bool>()) {
        let e = estate(&s);
        let scenario = Scenario { buffer_bp: buffer, reallocate, ..Scenario::default() };
        let fast = plan_and_verify(&e, &scenario, &SolveOptions::default());
        let mip = plan_and_verify(&e, &scenario, &SolveOptions { fast_paths: false, ..SolveOptions::default() });
        prop_assert_eq!(fast.purchase_cost(), mip.purchase_cost());
        prop_assert_eq!(fast.purchase_units(), mip.purchase_units());
        prop_assert_eq!(fast.licences_moved(), mip.licences_moved());
        prop_assert_eq!(fast.vendor.shortfall_cost, mip.vendor.shortfall_cost);
        prop_assert_eq!(fast.vendor.shortfall_units, mip.vendor.shortfall_units);
    }
}
