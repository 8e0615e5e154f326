//! moves.csv: every move between pooled VAs of one pool, within movable supply, each
//! (pool, licence) balanced and decomposed in few rows.

use std::collections::BTreeMap;

use crate::estate::LicId;
use crate::report::headers;

use super::tables::{Account, Ends, Tables};
use super::Verifier;

impl Verifier<'_> {
    /// moves.csv: known pools, VAs and licences; pooled VAs only; one row per move; few
    /// rows per (pool, licence); every (pool, licence) balanced; within movable supply.
    pub(super) fn moves(&mut self, t: &mut Tables) {
        const F: &str = "moves.csv";
        let rows = self.rows(F, headers::MOVES);
        t.move_rows = rows.len() as u128;
        let mut ends: BTreeMap<(usize, LicId), Ends> = BTreeMap::new();
        for r in &rows {
            let from = self.va_of(r, Account::Pool, "from_virtual_account");
            let to = self.va_of(r, Account::Pool, "to_virtual_account");
            let (Some(from), Some(to), Some(lic)) = (from, to, self.lic_of(r, "license")) else {
                self.unknown(F, r, "pool, VA or licence");
                continue;
            };
            let Some(q) = self.quantity(F, r, "moves") else {
                continue;
            };
            let line = r.line;
            self.rep.check(from != to, || {
                format!("{F} line {line}: moves from a VA to itself")
            });
            for (va, side) in [(from, "from"), (to, "to")] {
                let pooled = self.m.pooled[va as usize];
                self.rep.check(pooled, || {
                    format!(
                        "{F} line {line}: {} is locked or transfers are off, but licences move {side} it",
                        self.m.label(va)
                    )
                });
            }
            let dup = t.moves.insert((from, to, lic), q).is_some();
            self.rep.check(!dup, || {
                format!("{F} line {line}: a second row for the same move")
            });
            *t.moved_out.entry((from, lic)).or_default() += q;
            *t.moved_in.entry((to, lic)).or_default() += q;
            t.moved_total = t.moved_total.saturating_add(q);
            let e = ends
                .entry((self.m.pool_of[from as usize], lic))
                .or_default();
            e.0.insert(from);
            e.1.insert(to);
            e.2 += 1;
        }
        // A decomposition has at most (sources + sinks − 1) rows per (pool, licence).
        for ((pool, lic), (from, to, n)) in ends {
            let most = (from.len() + to.len()).saturating_sub(1) as u128;
            self.rep.check(n <= most, || {
                format!(
                    "{F}: pool {} {}: {n} rows for {} sources and {} sinks (at most {most})",
                    self.m.pools[pool].label,
                    self.m.lic(lic),
                    from.len(),
                    to.len()
                )
            });
        }
        // Existing licences only change hands inside a pool: what leaves arrives.
        let mut balance: BTreeMap<(usize, LicId), (u128, u128)> = BTreeMap::new();
        for (&(va, lic), &q) in &t.moved_out {
            balance
                .entry((self.m.pool_of[va as usize], lic))
                .or_default()
                .0 += q;
        }
        for (&(va, lic), &q) in &t.moved_in {
            balance
                .entry((self.m.pool_of[va as usize], lic))
                .or_default()
                .1 += q;
        }
        for ((pool, lic), (out, inn)) in balance {
            self.rep.check(out == inn, || {
                format!(
                    "{F}: pool {} {}: {out} licences leave VAs but {inn} arrive",
                    self.m.pools[pool].label,
                    self.m.lic(lic)
                )
            });
        }
        for (&(va, lic), &q) in &t.moved_out {
            let m = self.m.cell((va, lic)).movable;
            self.rep.check(q <= m, || {
                format!(
                    "{F}: {} sends {q} of {} but holds only {m} movable (pinned PAK/reserved units stay)",
                    self.m.label(va),
                    self.m.lic(lic)
                )
            });
        }
    }
}
