//! Coverage of every cell's demand, and the closed-form optimum where no substitution
//! couples licences.

use std::collections::{BTreeMap, BTreeSet};

use crate::estate::LicId;

use super::model::round_up;
use super::tables::{get, Key, Tables};
use super::Verifier;

impl Verifier<'_> {
    /// Every cell's demand is covered; where no substitution couples licences, the
    /// purchases and moves equal the closed-form optimum.
    pub(super) fn coverage_and_optimum(&mut self, t: &Tables) {
        let mut keys: BTreeSet<Key> = self.m.cells.keys().copied().collect();
        for m in [&t.moved_out, &t.moved_in, &t.bought, &t.sub_out, &t.sub_in] {
            keys.extend(m.keys().copied());
        }
        // (pool, licence) -> (deficit, surplus, moved out)
        let mut groups: BTreeMap<(usize, LicId), (u128, u128, u128)> = BTreeMap::new();
        for &k in &keys {
            let c = self.m.cell(k);
            let have = c.movable + get(&t.moved_in, k) + get(&t.bought, k) + get(&t.sub_in, k);
            let gone = get(&t.moved_out, k) + get(&t.sub_out, k);
            let covered = have.saturating_sub(gone);
            self.rep.check(have >= gone && covered >= c.residual, || {
                format!(
                    "{} {}: demand {} ({} beyond pinned units) but only {} covered (positions, moves, purchases and substitutions together)",
                    self.m.label(k.0),
                    self.m.lic(k.1),
                    c.demand,
                    c.residual,
                    covered
                )
            });
            if self.m.in_plan_family(k.1) {
                continue;
            }
            let deficit = c.residual.saturating_sub(c.movable);
            if self.m.pooled[k.0 as usize] {
                let g = groups
                    .entry((self.m.pool_of[k.0 as usize], k.1))
                    .or_default();
                g.0 += deficit;
                g.1 += c.movable.saturating_sub(c.residual);
                g.2 += get(&t.moved_out, k);
            } else {
                let pack = self.m.pack(k.1);
                let want = round_up(deficit, pack);
                let got = get(&t.bought, k);
                self.rep.check(got == want, || {
                    format!(
                        "purchases.csv: {} {}: buys {got}, the optimum is {want} (deficit {deficit}, pack {pack})",
                        self.m.label(k.0),
                        self.m.lic(k.1)
                    )
                });
            }
        }
        for ((pool, lic), (def, sur, moved)) in groups {
            let pack = self.m.pack(lic);
            let want_buy = round_up(def.saturating_sub(sur), pack);
            let want_moved = def.saturating_sub(want_buy);
            let got_buy = t.pool_bought.get(&(pool, lic)).copied().unwrap_or(0);
            self.rep.check(got_buy == want_buy && moved == want_moved, || {
                format!(
                    "purchases.csv/moves.csv: pool {} {}: buys {got_buy} and moves {moved}; the optimum buys {want_buy} and moves {want_moved}",
                    self.m.pools[pool].label,
                    self.m.lic(lic)
                )
            });
        }
    }
}
