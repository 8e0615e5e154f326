//! Findings: what an advisor should look at before acting, one row each (SPEC §5
//! `findings.csv`). The `kind` vocabulary is [`KINDS`].

use chrono::{Duration, NaiveDate};
use rustc_hash::FxHashMap;

use crate::estate::{Estate, LotStatus, Reservation, Usage, VaId};
use crate::plan::Position;

/// Every finding kind, with what it means (documented in the README).
pub const KINDS: &[(&str, &str)] = &[
    (
        "idle_surplus",
        "licences entitled in a VA and still unused after the plan",
    ),
    (
        "lot_dates_inverted",
        "an entitlement lot whose end date precedes its start date (never in force)",
    ),
    ("lot_expired", "a lot already expired or cancelled at as_of"),
    (
        "lot_expiring",
        "a term lot in force at as_of that ends within 90 days",
    ),
    ("lot_not_started", "a lot that starts after as_of"),
    (
        "not_in_cmdb",
        "a registered instance the CMDB does not list",
    ),
    (
        "out_of_compliance",
        "a VA short of a licence in the vendor's per-VA reading",
    ),
    (
        "retired_in_cmdb",
        "an instance retired in the CMDB but still registered in CSSM",
    ),
    (
        "stale_instance",
        "an instance that has not reported for more than stale_after_days",
    ),
    (
        "stranded_reservation",
        "a reservation (SLR/PLR) held by a stale or retired device",
    ),
    (
        "usage_mismatch",
        "usage.csv disagrees with the sum of instances.csv (instances win)",
    ),
];

/// Days before the end of a term lot that count as "expiring soon".
pub const EXPIRING_WITHIN_DAYS: i64 = 90;

/// One row of `findings.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// Smart Account.
    pub smart_account: String,
    /// Virtual Account.
    pub virtual_account: String,
    /// Licence.
    pub license: String,
    /// Instance name (instance findings only).
    pub instance: String,
    /// Units concerned.
    pub quantity: u64,
    /// Plain-English detail.
    pub detail: String,
}

struct Ctx<'a> {
    estate: &'a Estate,
    out: Vec<Finding>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        kind: &'static str,
        va: VaId,
        lic: u32,
        instance: &str,
        quantity: u64,
        detail: String,
    ) {
        let e = self.estate;
        self.out.push(Finding {
            kind,
            smart_account: e.sa_name(va).to_string(),
            virtual_account: e.vas[va as usize].name.clone(),
            license: e.licences[lic as usize].clone(),
            instance: instance.to_string(),
            quantity,
            detail,
        });
    }
}

/// Collects the findings of a case at `as_of`, with positions from a plan (or from the
/// vendor view, for `check`) for compliance and idle surplus.
pub fn collect(
    estate: &Estate,
    as_of: NaiveDate,
    stale_after_days: u32,
    positions: &[Position],
) -> Vec<Finding> {
    let mut cx = Ctx {
        estate,
        out: Vec::new(),
    };
    lots(&mut cx, as_of);
    instances(&mut cx, as_of, stale_after_days);
    for w in &estate.warnings {
        cx.out.push(Finding {
            kind: "lot_dates_inverted",
            smart_account: String::new(),
            virtual_account: String::new(),
            license: String::new(),
            instance: String::new(),
            quantity: 0,
            detail: w.to_string(),
        });
    }
    for p in positions {
        let base = Finding {
            kind: "",
            smart_account: p.smart_account.clone(),
            virtual_account: p.virtual_account.clone(),
            license: p.license.clone(),
            instance: String::new(),
            quantity: 0,
            detail: String::new(),
        };
        if p.vendor_shortfall > 0 {
            cx.out.push(Finding {
                kind: "out_of_compliance",
                quantity: p.vendor_shortfall,
                detail: format!(
                    "the vendor's per-VA reading finds {} short here (in use {})",
                    p.vendor_shortfall, p.in_use
                ),
                ..base.clone()
            });
        }
        if p.surplus_after > 0 {
            cx.out.push(Finding {
                kind: "idle_surplus",
                quantity: p.surplus_after,
                detail: format!(
                    "{} entitled here are left unused (entitled {}, demand {})",
                    p.surplus_after, p.entitled, p.demand
                ),
                ..base
            });
        }
    }
    cx.out.sort();
    cx.out
}

fn lots(cx: &mut Ctx, as_of: NaiveDate) {
    let soon = as_of + Duration::days(EXPIRING_WITHIN_DAYS);
    for lot in &cx.estate.lots {
        if lot.quantity == 0 {
            continue;
        }
        let inverted = matches!((lot.start, lot.end), (Some(s), Some(e)) if e < s);
        if inverted {
            continue; // reported as lot_dates_inverted
        }
        let (kind, detail) = match (lot.status, lot.start, lot.end) {
            (LotStatus::Expired | LotStatus::Cancelled, _, end) => (
                "lot_expired",
                format!(
                    "status {}{}",
                    if lot.status == LotStatus::Expired {
                        "EXPIRED"
                    } else {
                        "CANCELLED"
                    },
                    end.map_or(String::new(), |e| format!(", ended {e}"))
                ),
            ),
            (_, _, Some(e)) if e < as_of => ("lot_expired", format!("ended {e}")),
            (_, Some(s), _) if s > as_of => ("lot_not_started", format!("starts {s}")),
            (_, _, Some(e)) if e <= soon => (
                "lot_expiring",
                format!("ends {e}, {} days after as_of", (e - as_of).num_days()),
            ),
            _ => continue,
        };
        cx.push(kind, lot.va, lot.lic, "", lot.quantity, detail);
    }
}

fn instances(cx: &mut Ctx, as_of: NaiveDate, stale_after_days: u32) {
    let e = cx.estate;
    let Some(list) = &e.instances else {
        return;
    };
    let cutoff = as_of - Duration::days(stale_after_days as i64);
    let mut sums: FxHashMap<(VaId, u32), Usage> = FxHashMap::default();
    for i in list {
        let u = sums.entry((i.va, i.lic)).or_default();
        u.in_use += i.quantity;
        let reserved = i.reservation != Reservation::None;
        if reserved {
            u.reserved += i.quantity;
        }
        let name = e.instance_names.get(i.name);
        let cmdb = e.cmdb.as_ref().map(|m| m[i.name as usize]);
        let retired = cmdb == Some(2);
        let stale = i.last_contact.is_some_and(|lc| lc < cutoff);
        if retired {
            cx.push(
                "retired_in_cmdb",
                i.va,
                i.lic,
                name,
                i.quantity,
                "retired in the CMDB but still registered".into(),
            );
        } else if stale {
            let lc = i.last_contact.expect("stale instances have a last contact");
            cx.push(
                "stale_instance",
                i.va,
                i.lic,
                name,
                i.quantity,
                format!(
                    "no contact for {} days (last {lc}; threshold {stale_after_days})",
                    (as_of - lc).num_days()
                ),
            );
        }
        if reserved && (retired || stale) {
            cx.push(
                "stranded_reservation",
                i.va,
                i.lic,
                name,
                i.quantity,
                format!(
                    "{} reservation held by a {} device",
                    if i.reservation == Reservation::Plr {
                        "PLR"
                    } else {
                        "SLR"
                    },
                    if retired { "retired" } else { "stale" }
                ),
            );
        }
        if cmdb == Some(0) {
            cx.push(
                "not_in_cmdb",
                i.va,
                i.lic,
                name,
                i.quantity,
                "registered in CSSM but not listed in the CMDB".into(),
            );
        }
    }
    if !e.usage.is_empty() {
        let mut keys: Vec<(VaId, u32)> = sums.keys().chain(e.usage.keys()).copied().collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            let a = e.usage.get(&k).copied().unwrap_or_default();
            let b = sums.get(&k).copied().unwrap_or_default();
            if a != b {
                cx.push(
                    "usage_mismatch",
                    k.0,
                    k.1,
                    "",
                    a.in_use.abs_diff(b.in_use),
                    format!(
                        "usage.csv: in use {}, reserved {}; instances.csv: in use {}, reserved {}",
                        a.in_use, a.reserved, b.in_use, b.reserved
                    ),
                );
            }
        }
    }
}
