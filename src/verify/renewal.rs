//! renewal.csv: expiring and recommended units and costs per licence.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::estate::LicId;
use crate::io::text::parse_count;
use crate::report::headers;

use super::model::in_force;
use super::money::{fmt_cents, parse_money};
use super::tables::{read_table, Tables};
use super::Verifier;

impl Verifier<'_> {
    /// renewal.csv, when a renewal date applies. Returns the renewal figures
    /// (date, expiring units, recommended units, like-for-like cost, recommended cost).
    pub(super) fn renewal(&mut self, t: &Tables) -> Option<(NaiveDate, u128, u128, i128, i128)> {
        const F: &str = "renewal.csv";
        let h = headers::RENEWAL;
        let Some(date) = self.m.renewal else {
            let stray = self.dir.join(F).exists();
            self.rep.check(!stray, || {
                format!("{F}: present, but the scenario sizes no renewal")
            });
            return None;
        };
        let mut expiring: BTreeMap<LicId, u128> = BTreeMap::new();
        for lot in &self.m.e.lots {
            if in_force(lot, self.m.as_of) && lot.end.is_some_and(|e| e < date) {
                *expiring.entry(lot.lic).or_default() += u128::from(lot.quantity);
            }
        }
        let mut want: BTreeMap<String, [i128; 6]> = BTreeMap::new();
        let mut sum = (date, 0u128, 0u128, 0i128, 0i128);
        let lics: BTreeSet<LicId> = expiring
            .keys()
            .chain(t.bought_by_lic.keys())
            .copied()
            .collect();
        for lic in lics {
            let e = expiring.get(&lic).copied().unwrap_or(0);
            let r = t.bought_by_lic.get(&lic).copied().unwrap_or(0);
            if e == 0 && r == 0 {
                continue;
            }
            let p = self.m.price(lic);
            let (ei, ri) = (
                i128::try_from(e).unwrap_or(i128::MAX),
                i128::try_from(r).unwrap_or(i128::MAX),
            );
            let row = [
                ei,
                ri,
                ri - ei,
                p,
                ei.saturating_mul(p),
                ri.saturating_mul(p),
            ];
            sum.1 += e;
            sum.2 += r;
            sum.3 = sum.3.saturating_add(row[4]);
            sum.4 = sum.4.saturating_add(row[5]);
            want.insert(self.m.lic(lic).to_string(), row);
        }
        let rows = read_table(&mut self.rep, self.dir, F, h)?;
        let mut seen = BTreeSet::new();
        for r in &rows {
            let c = &r.cells;
            let line = r.line;
            let Some(w) = want.get(&c[0]) else {
                self.rep.fail(format!(
                    "{F} line {line}: a row for {}, which neither expires before {date} nor is bought",
                    c[0]
                ));
                continue;
            };
            seen.insert(c[0].clone());
            let got: [Option<i128>; 6] = [
                parse_count(&c[1]).ok().map(i128::from),
                parse_count(&c[2]).ok().map(i128::from),
                c[3].parse::<i128>().ok(),
                parse_money(&c[4]),
                parse_money(&c[5]),
                parse_money(&c[6]),
            ];
            for i in 0..6 {
                let ok = got[i] == Some(w[i]);
                self.rep.check(ok, || {
                    let shown = if i >= 3 {
                        fmt_cents(w[i])
                    } else {
                        w[i].to_string()
                    };
                    format!(
                        "{F} line {line}: {} of {} is {:?}, the case and the purchases give {shown}",
                        h[i + 1],
                        c[0],
                        c[i + 1]
                    )
                });
            }
        }
        for lic in want.keys() {
            self.rep.check(seen.contains(lic), || {
                format!("{F}: the row for {lic} is missing")
            });
        }
        Some(sum)
    }
}
