//! The term plan (SPEC §4.2): `schedule.csv` rows and the `term` block of `summary.json`,
//! from a case solved over a term and the vendor's reading of the same term.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::{Move, Position, Purchase, ScheduleRow, Tables, TermPlan, VendorView};
use crate::error::{Error, Result};
use crate::estate::{Estate, LicId};
use crate::model::term::run::{Buyer, TermFlows};
use crate::model::Prepared;
use crate::money::{Cents, Exact};

/// A sum of units or cents the term plan cannot hold exactly. The case's magnitudes are
/// refused before solving (`pipeline::resolve_scenario`), so this is a guard, never a
/// wrapped figure.
fn too_large(what: &str) -> Error {
    Error::Render {
        file: "schedule.csv".into(),
        message: format!("the term's {what} does not fit 64 bits; no figure is published"),
    }
}

/// `a + b` for units, or the [`too_large`] error.
fn add_units(a: u64, b: u64, what: &str) -> Result<u64> {
    a.checked_add(b).ok_or_else(|| too_large(what))
}

/// `a + b` for money, or the [`too_large`] error.
fn add_money(a: Exact, b: Cents, what: &str) -> Result<Exact> {
    a.checked_add(Exact::new(b)).ok_or_else(|| too_large(what))
}

/// Moves and positions, each with its milestone's date.
type MilestoneRows = (Vec<(NaiveDate, Move)>, Vec<(NaiveDate, Position)>);

/// Every milestone's moves and positions, each row with its milestone's date, in
/// milestone order: the first milestone's are the plan's own tables (`first`, built from
/// the same flows), the later ones are built in parallel.
fn milestone_rows(
    estate: &Estate,
    preps: &[Prepared],
    term: &TermFlows,
    dates: &[NaiveDate],
    (vendor, first): (&VendorView, &Tables),
) -> MilestoneRows {
    let later: Vec<_> = preps
        .par_iter()
        .zip(&term.milestones)
        .skip(1)
        .map(|(p, f)| Tables::moves_and_positions(estate, p, f, vendor))
        .collect();
    let (mut moves, mut positions): MilestoneRows = (
        first.moves.iter().map(|m| (dates[0], m.clone())).collect(),
        first
            .positions
            .iter()
            .map(|x| (dates[0], x.clone()))
            .collect(),
    );
    for ((m, x), &d) in later.into_iter().zip(&dates[1..]) {
        moves.extend(m.into_iter().map(|m| (d, m)));
        positions.extend(x.into_iter().map(|x| (d, x)));
    }
    (moves, positions)
}

/// The schedule and the term figures of a solved term; `vendor_term` is the vendor's
/// reading of the same term (its total rounded once, its lines per milestone), `vendor`
/// the single-date vendor reading the positions show, `first` the plan's tables (the
/// first milestone's).
pub fn term_plan(
    estate: &Estate,
    preps: &[Prepared],
    term: &TermFlows,
    (months, dates): (u32, &[NaiveDate]),
    vendor_term: &TermFlows,
    (vendor, first): (&VendorView, &Tables),
) -> Result<TermPlan> {
    let vendor_total = vendor_term.cost_cents();
    let mut vendor_milestones = vec![(0u64, Exact::ZERO); preps.len()];
    for b in &vendor_term.buys {
        let m = &mut vendor_milestones[b.milestone];
        m.0 = add_units(m.0, b.units, "vendor's units")?;
        m.1 = add_money(m.1, b.cents, "vendor's cost")?;
    }
    let (moves, positions) = milestone_rows(estate, preps, term, dates, (vendor, first));
    let purchases = term_purchases(estate, preps, term, dates);
    let p0 = &preps[0];
    let buyer_of = |va: crate::estate::VaId| {
        if p0.pooled[va as usize] {
            Buyer::Pool(p0.va_pool[va as usize])
        } else {
            Buyer::Va(va)
        }
    };
    // (buyer, licence) → per milestone (demand, entitled).
    let mut need: BTreeMap<(Buyer, LicId), Vec<(u64, u64)>> = BTreeMap::new();
    for (k, p) in preps.iter().enumerate() {
        for c in &p.cells {
            if c.demand == 0 && c.entitled == 0 {
                continue;
            }
            let row = need
                .entry((buyer_of(c.va), c.lic))
                .or_insert_with(|| vec![(0, 0); preps.len()]);
            row[k].0 = add_units(row[k].0, c.demand, "demand")?;
            row[k].1 = add_units(row[k].1, c.entitled, "entitlement")?;
        }
    }
    let mut lines: BTreeMap<(Buyer, LicId), Vec<(u64, Cents)>> = BTreeMap::new();
    for b in &term.buys {
        lines
            .entry((b.buyer, b.lic))
            .or_insert_with(|| vec![(0, 0); preps.len()])[b.milestone] = (b.units, b.cents);
        need.entry((b.buyer, b.lic))
            .or_insert_with(|| vec![(0, 0); preps.len()]);
    }
    let (mut commit_units, mut commit_cost, mut added_units, mut add_cost) =
        (0u64, Exact::ZERO, 0u64, Exact::ZERO);
    let mut schedule = Vec::new();
    for ((buyer, lic), per) in &need {
        let bought = lines.get(&(*buyer, *lic));
        let account = buyer_name(estate, p0, *buyer);
        let mut to_date = 0u64;
        for (k, &(demand, entitled)) in per.iter().enumerate() {
            let (units, cents) = bought.map_or((0, 0), |b| b[k]);
            to_date = add_units(to_date, units, "purchases to date")?;
            if k == 0 {
                commit_units = add_units(commit_units, units, "committed units")?;
                commit_cost = add_money(commit_cost, cents, "cost")?;
            } else {
                added_units = add_units(added_units, units, "added units")?;
                add_cost = add_money(add_cost, cents, "cost")?;
            }
            schedule.push(ScheduleRow {
                smart_account: account.clone(),
                license: estate.licences[*lic as usize].clone(),
                milestone: k,
                date: dates[k],
                demand,
                entitled,
                commit: if k == 0 { units } else { 0 },
                add: if k == 0 { 0 } else { units },
                purchased_to_date: to_date,
                cost: cents,
            });
        }
    }
    schedule.sort();
    let total_cost = term.cost_cents();
    Ok(TermPlan {
        months,
        dates: dates.to_vec(),
        commit_units,
        commit_cost: commit_cost.cents(),
        add_units: added_units,
        add_cost: add_cost.cents(),
        total_cost,
        units: u64::try_from(term.units).map_err(|_| too_large("units purchased"))?,
        moved: u64::try_from(term.moves).map_err(|_| too_large("licences moved"))?,
        vendor_term_cost: vendor_total,
        savings: Exact::new(vendor_total)
            .checked_sub(Exact::new(total_cost))
            .ok_or_else(|| too_large("savings"))?
            .cents(),
        vendor_milestones: vendor_milestones
            .into_iter()
            .map(|(units, cost)| (units, cost.cents()))
            .collect(),
        schedule,
        purchases,
        moves,
        positions,
    })
}

/// The schedule's name of a buyer, unique in the case: a pool by its Smart Account label
/// (with ` pool NAME` for a named pool), a VA buying on its own as `SA/VA`.
fn buyer_name(estate: &Estate, p0: &Prepared, buyer: Buyer) -> String {
    match buyer {
        Buyer::Pool(p) => {
            let pool = &p0.pools[p];
            if pool.name.is_empty() {
                pool.label.clone()
            } else {
                format!("{} pool {}", pool.label, pool.name)
            }
        }
        Buyer::Va(va) => {
            let v = &estate.vas[va as usize];
            format!("{}/{}", estate.sas[v.sa as usize], v.name)
        }
    }
}

/// The term's purchase lines, each at its milestone date and priced at its term cost,
/// sorted: a pool's purchase has an empty VA.
fn term_purchases(
    estate: &Estate,
    preps: &[Prepared],
    term: &TermFlows,
    dates: &[NaiveDate],
) -> Vec<(NaiveDate, Purchase)> {
    let purchases = term
        .buys
        .iter()
        .map(|b| {
            let (smart_account, virtual_account) = match b.buyer {
                Buyer::Pool(p) => (preps[0].pools[p].label.clone(), String::new()),
                Buyer::Va(va) => {
                    let v = &estate.vas[va as usize];
                    (estate.sas[v.sa as usize].clone(), v.name.clone())
                }
            };
            (
                dates[b.milestone],
                Purchase {
                    smart_account,
                    virtual_account,
                    license: estate.licences[b.lic as usize].clone(),
                    quantity: b.units,
                    unit_price: Cents::from(estate.price(b.lic).map_or(0, |p| p.cents)),
                    cost: b.cents,
                },
            )
        })
        .collect::<Vec<_>>();
    let mut purchases = purchases;
    purchases.sort();
    purchases
}
