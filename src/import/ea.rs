//! The EA consumption response (`GET …/subscription/account/{domain}/consumption`):
//! `subscriptions[]` → `accounts[]` (`smartAccountName`) → `vitualAccounts[]` (sic; the
//! corrected spelling is read too) (`virtualAccountName`) → `suites[]` with their
//! `commerceSkus[]`, into the rows of `ea.csv` (README, "Getting data out of CSSM").
//!
//! One row per commerce SKU where a suite lists them, else one row for the suite; a suite
//! directly under an account (no VA) is an SA-level row with an empty VA.

use serde_json::Value;

use super::acc::{Acc, Defaults, EaRow, SaOf};
use super::json::{array, count, ident, lot_date, object, text, Ctx, Field, Reported};
use crate::estate::EaUnits;

/// The subscription-level fields every row of it carries.
struct Term {
    next_true_forward: String,
    term_end: String,
}

/// Where a suite sits: (SA, VA) and its subscription's dates.
struct Place<'a> {
    sa: &'a str,
    va: &'a str,
    term: &'a Term,
}

/// The counters of a suite or commerce SKU at `path`, as a row (`suite`/`sku` set by the
/// caller); `None` when anything was reported.
fn counters(cx: &mut Ctx, v: &Value, path: &str, place: &Place) -> Option<EaRow> {
    let purchased = count(cx, v, &["purchasedEntitlements"], path);
    let growth = count(cx, v, &["growthAllowance"], path);
    let total = count(cx, v, &["totalEntitlements"], path);
    let generated = count(cx, v, &["licenseGenerated"], path);
    let consumption = count(cx, v, &["totalConsumption"], path);
    let remaining = remaining(cx, v, path);
    let (Ok(purchased), Ok(growth), Ok(total), Ok(generated), Ok(consumption), Ok(_)) =
        (purchased, growth, total, generated, consumption, remaining)
    else {
        return None;
    };
    let need = |cx: &mut Ctx, n: Option<u64>, key: &str| {
        if n.is_none() {
            cx.missing(
                &format!("{path}.{key}"),
                "the EA consumption response has this counter",
            );
        }
        n
    };
    let purchased = need(cx, purchased, "purchasedEntitlements");
    let generated = need(cx, generated, "licenseGenerated");
    let consumption = need(cx, consumption, "totalConsumption");
    Some(EaRow {
        sa: place.sa.to_string(),
        va: place.va.to_string(),
        suite: String::new(),
        sku: String::new(),
        units: EaUnits {
            purchased: purchased?,
            growth_allowance: growth,
            total_entitlements: total,
            license_generated: generated?,
            total_consumption: consumption?,
        },
        next_true_forward: place.term.next_true_forward.clone(),
        term_end: place.term.term_end.clone(),
    })
}

/// `remainingEntitlements`: a whole number that may be negative (an overage).
fn remaining(cx: &mut Ctx, v: &Value, path: &str) -> Field<i64> {
    match v.get("remainingEntitlements").filter(|x| !x.is_null()) {
        None => Ok(None),
        Some(x) => x.as_i64().map(Some).ok_or_else(|| {
            cx.bad(
                &format!("{path}.remainingEntitlements"),
                x,
                "is not a whole number",
                "export the API response unchanged",
            )
        }),
    }
}

/// One suite at `sp`: its SKU rows, else its own row.
fn suite(cx: &mut Ctx, out: &mut Vec<EaRow>, s: &Value, sp: &str, place: &Place) {
    if !object(cx, s, sp) {
        return;
    }
    let name = match text(cx, s, &["suiteName"], sp) {
        Ok(Some(n)) => n,
        Ok(None) => {
            cx.missing(&format!("{sp}.suiteName"), "every EA suite has a name");
            return;
        }
        Err(Reported) => return,
    };
    let Ok(skus) = array(cx, s, &["commerceSkus"], sp) else {
        return;
    };
    let own = counters(cx, s, sp, place);
    let skus = skus.unwrap_or_default();
    if skus.is_empty() {
        if let Some(mut row) = own {
            row.suite = name.to_string();
            out.push(row);
        }
        return;
    }
    for (i, k) in skus.iter().enumerate() {
        let kp = format!("{sp}.commerceSkus[{i}]");
        if !object(cx, k, &kp) {
            continue;
        }
        let sku = match text(cx, k, &["commerceSku"], &kp) {
            Ok(Some(n)) => n,
            Ok(None) => {
                cx.missing(&format!("{kp}.commerceSku"), "every commerce SKU is named");
                continue;
            }
            Err(Reported) => continue,
        };
        if let Some(mut row) = counters(cx, k, &kp, place) {
            (row.suite, row.sku) = (name.to_string(), sku.to_string());
            out.push(row);
        }
    }
}

/// The suites of one account or VA object `v` at `path`.
fn suites(cx: &mut Ctx, out: &mut Vec<EaRow>, v: &Value, path: &str, place: &Place) {
    if let Ok(Some(list)) = array(cx, v, &["suites"], path) {
        for (i, s) in list.iter().enumerate() {
            suite(cx, out, s, &format!("{path}.suites[{i}]"), place);
        }
    }
}

/// The subscription-level fields of `sub` at `p` (each reported one left empty, so the
/// suites are still checked).
fn term(cx: &mut Ctx, sub: &Value, p: &str) -> Term {
    let id = ident(cx, sub, &["subscriptionID", "subscriptionId"], p);
    let status = text(cx, sub, &["status"], p);
    let start = lot_date(cx, sub, &["startDate"], p);
    let end = lot_date(cx, sub, &["endDate"], p);
    let next = lot_date(cx, sub, &["nextTrueForward"], p);
    let months = count(cx, sub, &["remainingDurationInMonths"], p);
    let arch = text(cx, sub, &["architectureName"], p);
    let _ = (id, status, start, months, arch);
    Term {
        next_true_forward: next.ok().flatten().unwrap_or_default(),
        term_end: end.ok().flatten().unwrap_or_default(),
    }
}

/// One account of a subscription at `ap`.
fn account(cx: &mut Ctx, acc: &mut Acc, d: &Defaults, a: &Value, ap: &str, t: &Term) {
    if !object(cx, a, ap) {
        return;
    }
    let Ok(own) = text(cx, a, &["smartAccountName", "accountName"], ap) else {
        return;
    };
    let sa = own.map_or(SaOf::Unnamed, SaOf::Named);
    let vas_key = ["vitualAccounts", "virtualAccounts"];
    let vas = array(cx, a, &vas_key, ap)
        .unwrap_or(None)
        .unwrap_or_default();
    let key = vas_key
        .iter()
        .find(|k| a.get(**k).is_some())
        .copied()
        .unwrap_or("vitualAccounts");
    let mut rows = Vec::new();
    let sa_path = format!("{ap}.smartAccountName");
    for (i, v) in vas.iter().enumerate() {
        let vp = format!("{ap}.{key}[{i}]");
        if !object(cx, v, &vp) {
            continue;
        }
        let va = match text(cx, v, &["virtualAccountName", "name"], &vp) {
            Ok(n) => n.unwrap_or(""),
            Err(Reported) => continue,
        };
        let Some(sa) = acc.smart_account(cx, d, sa, va, &sa_path) else {
            continue;
        };
        let place = Place {
            sa: &sa,
            va,
            term: t,
        };
        suites(cx, &mut rows, v, &vp, &place);
    }
    if a.get("suites").is_some() {
        if let Some(sa) = acc.smart_account(cx, d, sa, "", &sa_path) {
            let place = Place {
                sa: &sa,
                va: "",
                term: t,
            };
            suites(cx, &mut rows, a, ap, &place);
        }
    }
    for r in &rows {
        acc.sas.insert(r.sa.clone());
        if !r.va.is_empty() {
            acc.vas.insert((r.sa.clone(), r.va.clone()));
        }
    }
    acc.ea.extend(rows);
}

/// Reads the EA consumption shape `subscriptions[]` of `v` into `acc`. Whether the
/// response has it.
pub(super) fn read(cx: &mut Ctx, acc: &mut Acc, d: &Defaults, v: &Value) -> bool {
    if v.get("subscriptions").is_none_or(Value::is_null) {
        return false;
    }
    let Ok(Some(subs)) = array(cx, v, &["subscriptions"], "") else {
        return true;
    };
    for (s, sub) in subs.iter().enumerate() {
        let sp = format!("subscriptions[{s}]");
        if !object(cx, sub, &sp) {
            continue;
        }
        let t = term(cx, sub, &sp);
        let accounts = array(cx, sub, &["accounts"], &sp).unwrap_or(None);
        for (a, account_v) in accounts.into_iter().flatten().enumerate() {
            account(cx, acc, d, account_v, &format!("{sp}.accounts[{a}]"), &t);
        }
    }
    true
}
