//! purchases.csv: list prices, costs, and whole packs per pool or per VA.

use crate::report::headers;

use super::money::fmt_cents;
use super::tables::{Account, Tables};
use super::Verifier;

impl Verifier<'_> {
    /// purchases.csv: known names, list prices and costs, whole packs per pool (pooled
    /// VAs) or per VA.
    pub(super) fn purchases(&mut self, t: &mut Tables) {
        const F: &str = "purchases.csv";
        for r in &self.rows(F, headers::PURCHASES) {
            let line = r.line;
            let va = self.va_of(r, Account::Pool, "virtual_account");
            let (Some(va), Some(lic)) = (va, self.lic_of(r, "license")) else {
                self.unknown(F, r, "pool, VA or licence");
                continue;
            };
            let (Some(q), Some(unit), Some(cost)) = (
                r.count(&mut self.rep, F, "quantity"),
                r.money(&mut self.rep, F, "unit_price"),
                r.money(&mut self.rep, F, "cost"),
            ) else {
                continue;
            };
            self.rep
                .check(q > 0, || format!("{F} line {line}: buys 0 units"));
            let price = self.m.e.price(lic);
            self.rep.check(price.is_some(), || {
                format!(
                    "{F} line {line}: {} has no price and cannot be bought",
                    r.get("license")
                )
            });
            let list = self.m.price(lic);
            self.rep.check(unit == list, || {
                format!(
                    "{F} line {line}: unit price {} is not the list price {}",
                    r.get("unit_price"),
                    fmt_cents(list)
                )
            });
            let want = i128::try_from(q).unwrap_or(i128::MAX).saturating_mul(list);
            self.rep.check(cost == want, || {
                format!(
                    "{F} line {line}: cost {} is not quantity x list price = {}",
                    r.get("cost"),
                    fmt_cents(want)
                )
            });
            t.bought_units = t.bought_units.saturating_add(q);
            t.bought_cost = t.bought_cost.saturating_add(cost);
            *t.bought_by_lic.entry(lic).or_default() += q;
            *t.bought.entry((va, lic)).or_default() += q;
            if self.m.pooled[va as usize] {
                *t.pool_bought
                    .entry((self.m.pool_of[va as usize], lic))
                    .or_default() += q;
            }
        }
        // Packs: per pool for pooled VAs, per VA otherwise.
        for (&(pool, lic), &q) in &t.pool_bought {
            let pack = self.m.pack(lic);
            self.rep.check(q.is_multiple_of(pack), || {
                format!(
                    "{F}: pool {} buys {q} of {}, not a multiple of the pack size {pack}",
                    self.m.pools[pool].label,
                    self.m.lic(lic)
                )
            });
        }
        for (&(va, lic), &q) in &t.bought {
            if !self.m.pooled[va as usize] {
                let pack = self.m.pack(lic);
                self.rep.check(q.is_multiple_of(pack), || {
                    format!(
                        "{F}: {} buys {q} of {}, not a multiple of the pack size {pack}",
                        self.m.label(va),
                        self.m.lic(lic)
                    )
                });
            }
        }
    }
}
