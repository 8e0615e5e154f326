//! The vendor's per-VA reading: closed form outside substitution families, packs and
//! Hall's condition inside them.

use std::collections::{BTreeMap, BTreeSet};

use crate::estate::{LicId, VaId};

use super::model::{round_up, Cell};
use super::tables::{get, Key, Tables};
use super::Verifier;

impl Verifier<'_> {
    /// The vendor's per-VA purchase of a licence outside every substitution family.
    pub(super) fn vendor_closed_form(&self, k: Key) -> u128 {
        let c = self.m.vendor_cells.get(&k).copied().unwrap_or_default();
        round_up(c.residual.saturating_sub(c.movable), self.m.pack(k.1))
    }

    /// The vendor view: per cell as in positions.csv; inside substitution families the
    /// per-VA purchases must come in packs and cover the VA's demand (Hall's condition on
    /// "covers", checked exactly). Returns (units, cost).
    pub(super) fn vendor_view(&mut self, t: &Tables) -> (u128, i128) {
        let (mut units, mut cost) = (0u128, 0i128);
        let mut keys: BTreeSet<Key> = self.m.vendor_cells.keys().copied().collect();
        keys.extend(t.vendor_file.keys().copied());
        // (VA, family) -> licences
        let mut fams: BTreeMap<(VaId, usize), BTreeSet<LicId>> = BTreeMap::new();
        for &k in &keys {
            let q = match self.m.family[k.1 as usize] {
                Some(f) => {
                    fams.entry((k.0, f)).or_default().insert(k.1);
                    let q = get(&t.vendor_file, k);
                    let pack = self.m.pack(k.1);
                    self.rep.check(q.is_multiple_of(pack), || {
                        format!(
                            "positions.csv: vendor_shortfall {q} of {} {} is not a multiple of the pack size {pack}",
                            self.m.label(k.0),
                            self.m.lic(k.1)
                        )
                    });
                    q
                }
                None => self.vendor_closed_form(k),
            };
            units = units.saturating_add(q);
            cost = cost.saturating_add(
                i128::try_from(q)
                    .unwrap_or(i128::MAX)
                    .saturating_mul(self.m.price(k.1)),
            );
        }
        for ((va, _), lics) in fams {
            let lics: Vec<LicId> = lics.into_iter().collect();
            let cells: Vec<Cell> = lics
                .iter()
                .map(|&l| {
                    self.m
                        .vendor_cells
                        .get(&(va, l))
                        .copied()
                        .unwrap_or_default()
                })
                .collect();
            let supply: Vec<u128> = lics
                .iter()
                .zip(&cells)
                .map(|(&l, c)| c.movable + get(&t.vendor_file, (va, l)))
                .collect();
            let need: Vec<(usize, u128)> = cells
                .iter()
                .enumerate()
                .filter(|(_, c)| c.residual > 0)
                .map(|(i, c)| (i, c.residual))
                .collect();
            if need.len() > 20 {
                continue; // 2^20 subsets: beyond that the check is skipped
            }
            let covers = |h: usize, l: usize| h == l || self.m.reach.contains(&(lics[h], lics[l]));
            let mut short = None;
            for mask in 1u32..(1 << need.len()) {
                let mut want = 0u128;
                let mut givers = vec![false; lics.len()];
                for (j, &(l, q)) in need.iter().enumerate() {
                    if mask & (1 << j) != 0 {
                        want += q;
                        for (h, g) in givers.iter_mut().enumerate() {
                            *g |= covers(h, l);
                        }
                    }
                }
                let have: u128 = supply
                    .iter()
                    .zip(&givers)
                    .filter(|(_, &g)| g)
                    .map(|(s, _)| *s)
                    .sum();
                if have < want {
                    short = Some((want, have));
                    break;
                }
            }
            self.rep.check(short.is_none(), || {
                let (want, have) = short.unwrap_or_default();
                format!(
                    "positions.csv: the vendor_shortfall column leaves {} short in the vendor's reading ({want} units of demand in {} against {have} that can cover them)",
                    self.m.label(va),
                    lics.iter().map(|&l| self.m.lic(l)).collect::<Vec<_>>().join(", ")
                )
            });
        }
        (units, cost)
    }
}
