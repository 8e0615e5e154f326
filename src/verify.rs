//! `reallot verify`: re-checks a written plan against the case with plain arithmetic,
//! independently of the solver. It reads the plan's CSV tables back, applies them to the
//! model parameters, and checks every rule of SPEC §4 plus the summary's totals.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::estate::{Estate, LicId, VaId};
use crate::io::table::{parse_cents, parse_count};
use crate::model::Prepared;
use crate::report::{money, read_summary};
use crate::scenario::Scenario;

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// Number of individual checks made.
    pub checks: usize,
    /// Broken rules, in plain English.
    pub violations: Vec<String>,
}

impl VerifyReport {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.violations.push(what());
        }
    }
}

fn read_rows(dir: &Path, file: &str, cols: usize) -> Result<Vec<Vec<String>>> {
    let path = dir.join(file);
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "{}: missing from the plan folder (was it written by `reallot plan`?)",
            path.display()
        )));
    }
    let mut r = csv::Reader::from_path(&path)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        if rec.len() != cols {
            return Err(Error::Usage(format!(
                "{}: a row has {} fields, expected {cols}",
                path.display(),
                rec.len()
            )));
        }
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// Re-checks the plan in `plan_dir` against `estate` under `scenario`.
pub fn verify(
    estate: &Estate,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    plan_dir: &Path,
) -> Result<VerifyReport> {
    let prep = crate::prepare_scenario(estate, scenario, as_of)?;
    let mut rep = VerifyReport::default();
    let summary = read_summary(&plan_dir.join("summary.json"))?;
    rep.check(summary.status == "optimal", || {
        format!("summary.json: status is {:?}, not optimal", summary.status)
    });
    if summary.status != "optimal" {
        return Ok(rep);
    }
    // Name lookup: (pool label, VA as written) -> VA.
    let mut va_by_name: HashMap<(String, String), VaId> = HashMap::new();
    for p in &prep.pools {
        for &va in &p.vas {
            let name = if p.multi_sa {
                estate.va_label(va)
            } else {
                estate.vas[va as usize].name.clone()
            };
            va_by_name.insert((p.label.clone(), name), va);
        }
    }
    let lic_by_name: HashMap<&str, LicId> = estate
        .licences
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as LicId))
        .collect();
    let cell = |va: VaId, lic: LicId| prep.index.get(&(va, lic)).map(|&i| prep.cells[i]);

    let mut moved_out: HashMap<(VaId, LicId), u64> = HashMap::new();
    let mut moved_in: HashMap<(VaId, LicId), u64> = HashMap::new();
    let mut bought: HashMap<(VaId, LicId), u64> = HashMap::new();
    let mut pool_bought: BTreeMap<(usize, LicId), u64> = BTreeMap::new();
    let mut sub_out: HashMap<(VaId, LicId), u64> = HashMap::new();
    let mut sub_in: HashMap<(VaId, LicId), u64> = HashMap::new();

    // Moves.
    let moves = read_rows(plan_dir, "moves.csv", 5)?;
    let mut total_moved = 0u64;
    for (n, r) in moves.iter().enumerate() {
        let line = n + 2;
        let (Some(&from), Some(&to), Some(&lic)) = (
            va_by_name.get(&(r[0].clone(), r[2].clone())),
            va_by_name.get(&(r[0].clone(), r[3].clone())),
            lic_by_name.get(r[1].as_str()),
        ) else {
            rep.check(false, || {
                format!("moves.csv line {line}: unknown pool, VA or licence in {r:?}")
            });
            continue;
        };
        let Ok(q) = parse_count(&r[4]) else {
            rep.check(false, || {
                format!("moves.csv line {line}: bad quantity {:?}", r[4])
            });
            continue;
        };
        total_moved += q;
        let (pf, pt) = (prep.va_pool[from as usize], prep.va_pool[to as usize]);
        rep.check(pf == pt, || {
            format!(
                "moves.csv line {line}: {} and {} are in different pools",
                r[2], r[3]
            )
        });
        rep.check(from != to, || {
            format!("moves.csv line {line}: moves from a VA to itself")
        });
        for (va, side) in [(from, "from"), (to, "to")] {
            rep.check(prep.pooled[va as usize], || {
                format!(
                    "moves.csv line {line}: {} is locked or transfers are off, but licences move {side} it",
                    estate.va_label(va)
                )
            });
        }
        *moved_out.entry((from, lic)).or_default() += q;
        *moved_in.entry((to, lic)).or_default() += q;
    }
    for (&(va, lic), &q) in &moved_out {
        let m = cell(va, lic).map_or(0, |c| c.movable);
        rep.check(q <= m, || {
            format!(
                "{} sends {q} of {} but holds only {m} movable (pinned PAK/reserved units stay)",
                estate.va_label(va),
                estate.licences[lic as usize]
            )
        });
    }

    // Purchases.
    let purchases = read_rows(plan_dir, "purchases.csv", 6)?;
    let (mut total_units, mut total_cost) = (0u64, 0i128);
    for (n, r) in purchases.iter().enumerate() {
        let line = n + 2;
        let (Some(&va), Some(&lic)) = (
            va_by_name.get(&(r[0].clone(), r[1].clone())),
            lic_by_name.get(r[2].as_str()),
        ) else {
            rep.check(false, || {
                format!("purchases.csv line {line}: unknown pool, VA or licence in {r:?}")
            });
            continue;
        };
        let (Ok(q), Ok(unit), Ok(cost)) =
            (parse_count(&r[3]), parse_cents(&r[4]), parse_cents(&r[5]))
        else {
            rep.check(false, || {
                format!("purchases.csv line {line}: bad number in {r:?}")
            });
            continue;
        };
        let price = estate.price(lic);
        rep.check(price.is_some(), || {
            format!(
                "purchases.csv line {line}: {} has no price and cannot be bought",
                r[2]
            )
        });
        let p = price.unwrap_or_default();
        rep.check(unit == p.cents, || {
            format!(
                "purchases.csv line {line}: unit price {} is not the list price {}",
                r[4],
                money(i128::from(p.cents))
            )
        });
        rep.check(cost == q as i64 * unit, || {
            format!(
                "purchases.csv line {line}: cost {} is not quantity x unit price",
                r[5]
            )
        });
        total_units += q;
        total_cost += i128::from(cost);
        if prep.pooled[va as usize] {
            *pool_bought
                .entry((prep.va_pool[va as usize], lic))
                .or_default() += q;
        } else {
            rep.check(q % p.pack == 0, || {
                format!(
                    "purchases.csv line {line}: {q} is not a multiple of the pack size {}",
                    p.pack
                )
            });
        }
        *bought.entry((va, lic)).or_default() += q;
    }
    for (&(pool, lic), &q) in &pool_bought {
        let pack = estate.price(lic).map_or(1, |p| p.pack);
        rep.check(q % pack == 0, || {
            format!(
                "pool {} buys {q} of {}, not a multiple of the pack size {pack}",
                prep.pools[pool].label, estate.licences[lic as usize]
            )
        });
    }

    // Substitutions.
    let subs = read_rows(plan_dir, "substitutions.csv", 5)?;
    let reach = reachability(estate);
    let mut total_sub = 0u64;
    for (n, r) in subs.iter().enumerate() {
        let line = n + 2;
        let (Some(va), Some(&h), Some(&l)) = (
            estate.find_va(&r[0], &r[1]),
            lic_by_name.get(r[2].as_str()),
            lic_by_name.get(r[3].as_str()),
        ) else {
            rep.check(false, || {
                format!("substitutions.csv line {line}: unknown VA or licence in {r:?}")
            });
            continue;
        };
        let Ok(q) = parse_count(&r[4]) else {
            rep.check(false, || {
                format!("substitutions.csv line {line}: bad quantity")
            });
            continue;
        };
        rep.check(prep.view.substitution, || {
            format!("substitutions.csv line {line}: the scenario turns substitution off")
        });
        rep.check(reach.contains(&(h, l)), || {
            format!(
                "substitutions.csv line {line}: {} does not cover {}",
                r[2], r[3]
            )
        });
        total_sub += q;
        *sub_out.entry((va, h)).or_default() += q;
        *sub_in.entry((va, l)).or_default() += q;
    }

    // Conservation per (pool, licence): Σout + buy = Σin.
    let mut balance: BTreeMap<(usize, LicId), i64> = BTreeMap::new();
    for (&(va, lic), &q) in &moved_out {
        *balance.entry((prep.va_pool[va as usize], lic)).or_default() += q as i64;
    }
    for (&(va, lic), &q) in &moved_in {
        *balance.entry((prep.va_pool[va as usize], lic)).or_default() -= q as i64;
    }
    for (&(pool, lic), &b) in &balance {
        rep.check(b == 0, || {
            format!(
                "pool {}: {} licences of {} leave VAs but {} arrive",
                prep.pools[pool].label,
                b.max(0),
                estate.licences[lic as usize],
                (-b).max(0)
            )
        });
    }

    // Coverage: every cell's demand is met.
    for c in &prep.cells {
        let k = (c.va, c.lic);
        let g = |m: &HashMap<(VaId, LicId), u64>| m.get(&k).copied().unwrap_or(0) as i64;
        let have =
            c.movable as i64 - g(&moved_out) + g(&moved_in) + g(&bought) - g(&sub_out) + g(&sub_in);
        rep.check(have >= c.residual as i64, || {
            format!(
                "{} {}: demand {} (of which {} beyond pinned units) but only {} covered",
                estate.va_label(c.va),
                estate.licences[c.lic as usize],
                c.demand,
                c.residual,
                have.max(0)
            )
        });
    }

    check_closed_forms(estate, &prep, &pool_bought, &bought, &moved_out, &mut rep);

    // The summary's totals equal the tables.
    let pairs = [
        ("purchase_units", summary.purchase_units, total_units),
        ("licences_moved", summary.licences_moved, total_moved),
        ("transfers", summary.transfers, moves.len() as u64),
        ("substituted_units", summary.substituted_units, total_sub),
    ];
    for (key, got, want) in pairs {
        rep.check(got == want, || {
            format!("summary.json: {key} is {got}, the tables add up to {want}")
        });
    }
    rep.check(summary.purchase_cost.0 == total_cost, || {
        format!(
            "summary.json: purchase_cost is {}, purchases.csv adds up to {}",
            money(summary.purchase_cost.0),
            money(total_cost)
        )
    });
    let h = &prep.hygiene;
    rep.check(
        summary.hygiene.stale_instances == h.stale_instances
            && summary.hygiene.retired_instances == h.retired_instances
            && summary.hygiene.released_units == h.released_units
            && summary.hygiene.released_reservations == h.released_reservations,
        || "summary.json: hygiene counts differ from the case".into(),
    );
    check_renewal(
        estate, scenario, &prep, plan_dir, &summary, &bought, &mut rep,
    )?;
    Ok(rep)
}

/// Transitive closure of the substitution pairs.
fn reachability(estate: &Estate) -> HashSet<(LicId, LicId)> {
    let mut reach: HashSet<(LicId, LicId)> = estate.substitutions.iter().copied().collect();
    loop {
        let mut added = false;
        let snapshot: Vec<(LicId, LicId)> = reach.iter().copied().collect();
        for &(a, b) in &snapshot {
            for &(c, d) in &snapshot {
                if b == c && reach.insert((a, d)) {
                    added = true;
                }
            }
        }
        if !added {
            return reach;
        }
    }
}

/// Where no substitution couples licences, the optimum has a closed form: check the
/// plan's purchases and moves against it.
fn check_closed_forms(
    estate: &Estate,
    prep: &Prepared,
    pool_bought: &BTreeMap<(usize, LicId), u64>,
    bought: &HashMap<(VaId, LicId), u64>,
    moved_out: &HashMap<(VaId, LicId), u64>,
    rep: &mut VerifyReport,
) {
    let mut groups: BTreeMap<(usize, LicId), (u64, u64, u64)> = BTreeMap::new();
    for c in &prep.cells {
        if prep.family[c.lic as usize].is_some() {
            continue;
        }
        let pack = estate.price(c.lic).map_or(1, |p| p.pack);
        let deficit = c.residual.saturating_sub(c.movable);
        if prep.pooled[c.va as usize] {
            let g = groups
                .entry((prep.va_pool[c.va as usize], c.lic))
                .or_default();
            g.0 += deficit;
            g.1 += c.movable.saturating_sub(c.residual);
            g.2 += moved_out.get(&(c.va, c.lic)).copied().unwrap_or(0);
        } else {
            let want = deficit.div_ceil(pack) * pack;
            let got = bought.get(&(c.va, c.lic)).copied().unwrap_or(0);
            rep.check(got == want, || {
                format!(
                    "{} {}: buys {got}, the optimum is {want} (deficit {deficit}, pack {pack})",
                    estate.va_label(c.va),
                    estate.licences[c.lic as usize]
                )
            });
        }
    }
    for ((pool, lic), (def, sur, moved)) in groups {
        let pack = estate.price(lic).map_or(1, |p| p.pack);
        let want_buy = def.saturating_sub(sur).div_ceil(pack) * pack;
        let want_moved = def.saturating_sub(want_buy);
        let got_buy = pool_bought.get(&(pool, lic)).copied().unwrap_or(0);
        rep.check(got_buy == want_buy && moved == want_moved, || {
            format!(
                "pool {} {}: buys {got_buy} and moves {moved}; the optimum buys {want_buy} and moves {want_moved}",
                prep.pools[pool].label, estate.licences[lic as usize]
            )
        });
    }
}

fn check_renewal(
    estate: &Estate,
    scenario: &Scenario,
    prep: &Prepared,
    plan_dir: &Path,
    summary: &crate::report::Summary,
    bought: &HashMap<(VaId, LicId), u64>,
    rep: &mut VerifyReport,
) -> Result<()> {
    let Some(date) = crate::renewal_date(estate, scenario) else {
        rep.check(summary.renewal.is_none(), || {
            "summary.json: a renewal block but no renewal date applies".into()
        });
        return Ok(());
    };
    let Some(r) = &summary.renewal else {
        rep.check(false, || {
            "summary.json: the renewal block is missing".into()
        });
        return Ok(());
    };
    let expiring: u64 = estate
        .lots
        .iter()
        .filter(|l| l.active_at(prep.view.as_of) && l.end.is_some_and(|e| e < date))
        .map(|l| l.quantity)
        .sum();
    let recommended: u64 = bought.values().sum();
    rep.check(r.expiring_units == expiring, || {
        format!(
            "summary.json: renewal.expiring_units is {}, the lots say {expiring}",
            r.expiring_units
        )
    });
    rep.check(r.recommended_units == recommended, || {
        format!(
            "summary.json: renewal.recommended_units is {}, purchases add up to {recommended}",
            r.recommended_units
        )
    });
    let rows = read_rows(plan_dir, "renewal.csv", 7)?;
    let sum = |k: usize| -> u64 { rows.iter().filter_map(|r| parse_count(&r[k]).ok()).sum() };
    rep.check(sum(1) == expiring && sum(2) == recommended, || {
        "renewal.csv: totals differ from the summary".into()
    });
    Ok(())
}
