//! renewal.csv: per licence the expiring units (renewed like for like), the vendor quote,
//! the recommended units, the change and the costs, read by column name.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::estate::LicId;
use crate::io::text::parse_count;
use crate::report::headers;

use super::model::{in_force, round_up};
use super::money::{fmt_cents, parse_money};
use super::tables::{read_table, Row, Tables};
use super::Verifier;

/// The renewal figures verify recomputes, for summary.json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Renewal {
    pub(super) date: NaiveDate,
    pub(super) expiring: u128,
    pub(super) recommended: u128,
    pub(super) like_for_like_cost: i128,
    pub(super) shortfall: u128,
    pub(super) quote_units: u128,
    pub(super) quote_cost: i128,
    pub(super) recommended_cost: i128,
}

/// The columns of renewal.csv checked as units, then as money (cents), by name.
const UNITS: [&str; 5] = [
    "expiring",
    "like_for_like",
    "vendor_quote",
    "recommended",
    "change",
];
const MONEY: [&str; 4] = [
    "unit_price",
    "like_for_like_cost",
    "vendor_quote_cost",
    "recommended_cost",
];

impl Verifier<'_> {
    /// The per-VA shortfall of the like-for-like renewal, per licence outside every
    /// substitution family (closed form: each VA buys what it is short, in packs). Inside a
    /// family the vendor's reading lets tiers cover each other: those figures are taken
    /// from the file and bounded in [`Verifier::family_quotes`].
    fn quote_shortfall(&self) -> BTreeMap<LicId, u128> {
        let mut out: BTreeMap<LicId, u128> = BTreeMap::new();
        for (&(_, lic), c) in &self.m.quote_cells {
            if self.m.family[lic as usize].is_none() {
                let q = round_up(c.residual.saturating_sub(c.movable), self.m.pack(lic));
                if q > 0 {
                    *out.entry(lic).or_default() += q;
                }
            }
        }
        out
    }

    /// Inside each substitution family, the vendor quote's shortfall costs at most what the
    /// family's VAs would buy without substitution (a feasible per-VA purchase), and is
    /// never negative.
    fn family_quotes(&mut self, shortfall: &BTreeMap<LicId, i128>) {
        let mut bound: BTreeMap<usize, i128> = BTreeMap::new();
        for (&(_, lic), c) in &self.m.quote_cells {
            if let Some(f) = self.m.family[lic as usize] {
                let q = round_up(c.residual.saturating_sub(c.movable), self.m.pack(lic));
                let cost = i128::try_from(q)
                    .unwrap_or(i128::MAX)
                    .saturating_mul(self.m.price(lic));
                *bound.entry(f).or_default() += cost;
            }
        }
        let mut cost: BTreeMap<usize, i128> = BTreeMap::new();
        for (&lic, &q) in shortfall {
            if let Some(f) = self.m.family[lic as usize] {
                self.rep.check(q >= 0, || {
                    format!(
                        "renewal.csv: vendor_quote of {} is below its expiring units",
                        self.m.lic(lic)
                    )
                });
                *cost.entry(f).or_default() += q.saturating_mul(self.m.price(lic));
            }
        }
        for (f, c) in cost {
            let b = bound.get(&f).copied().unwrap_or(0);
            self.rep.check(c <= b, || {
                format!(
                    "renewal.csv: the vendor quote's shortfall in a substitution family costs {}, more than buying each VA's shortfall without substitution ({})",
                    fmt_cents(c),
                    fmt_cents(b)
                )
            });
        }
    }

    /// renewal.csv, when the scenario evaluates at a renewal date. Returns the renewal
    /// figures for summary.json.
    pub(super) fn renewal(&mut self, t: &Tables) -> Option<Renewal> {
        const F: &str = "renewal.csv";
        let h = headers::RENEWAL;
        let Some(date) = self.m.renewal else {
            let stray = self.dir.join(F).exists();
            self.rep.check(!stray, || {
                format!("{F}: present, but the scenario sizes no renewal")
            });
            return None;
        };
        let rows = read_table(&mut self.rep, self.dir, F, h)?;
        let col = |name: &str| h.iter().position(|c| *c == name).expect("a renewal column");
        let mut expiring: BTreeMap<LicId, u128> = BTreeMap::new();
        for lot in &self.m.e.lots {
            if in_force(lot, self.m.as_of) && lot.end.is_some_and(|e| e < date) {
                *expiring.entry(lot.lic).or_default() += u128::from(lot.quantity);
            }
        }
        let closed = self.quote_shortfall();
        // Family licences: the shortfall as the file states it (vendor_quote − expiring).
        let mut file_short: BTreeMap<LicId, i128> = BTreeMap::new();
        for r in &rows {
            let Some(&lic) = self.m.lic_by_name.get(&r.cells[col("license")]) else {
                continue;
            };
            if self.m.family[lic as usize].is_some() {
                let q = parse_count(&r.cells[col("vendor_quote")]).ok();
                let e = expiring.get(&lic).copied().unwrap_or(0);
                if let Some(q) = q {
                    file_short.insert(lic, i128::from(q) - i128::try_from(e).unwrap_or(0));
                }
            }
        }
        self.family_quotes(&file_short);
        let mut want: BTreeMap<String, ([i128; 5], [i128; 4])> = BTreeMap::new();
        let mut sum = Renewal {
            date,
            expiring: 0,
            recommended: 0,
            like_for_like_cost: 0,
            shortfall: 0,
            quote_units: 0,
            quote_cost: 0,
            recommended_cost: 0,
        };
        let lics: BTreeSet<LicId> = expiring
            .keys()
            .chain(t.bought_by_lic.keys())
            .chain(closed.keys())
            .chain(file_short.keys())
            .copied()
            .collect();
        let wide = |x: u128| i128::try_from(x).unwrap_or(i128::MAX);
        for lic in lics {
            let e = expiring.get(&lic).copied().unwrap_or(0);
            let r = t.bought_by_lic.get(&lic).copied().unwrap_or(0);
            let short = match file_short.get(&lic) {
                Some(&q) => u128::try_from(q).unwrap_or(0),
                None => closed.get(&lic).copied().unwrap_or(0),
            };
            if e == 0 && r == 0 && short == 0 {
                continue;
            }
            let p = self.m.price(lic);
            let (ei, ri, qi) = (wide(e), wide(r), wide(e + short));
            let units = [ei, ei, qi, ri, ri - qi];
            let money = [
                p,
                ei.saturating_mul(p),
                qi.saturating_mul(p),
                ri.saturating_mul(p),
            ];
            sum.expiring += e;
            sum.recommended += r;
            sum.shortfall += short;
            sum.quote_units += e + short;
            sum.like_for_like_cost = sum.like_for_like_cost.saturating_add(money[1]);
            sum.quote_cost = sum.quote_cost.saturating_add(money[2]);
            sum.recommended_cost = sum.recommended_cost.saturating_add(money[3]);
            want.insert(self.m.lic(lic).to_string(), (units, money));
        }
        let mut seen = BTreeSet::new();
        for r in &rows {
            let name = &r.cells[col("license")];
            let Some(w) = want.get(name) else {
                self.rep.fail(format!(
                    "{F} line {}: a row for {name}, which neither expires before {date}, nor is short in the vendor's reading, nor is bought",
                    r.line
                ));
                continue;
            };
            seen.insert(name.clone());
            self.renewal_row(r, name, w, &col);
        }
        for lic in want.keys() {
            self.rep.check(seen.contains(lic), || {
                format!("{F}: the row for {lic} is missing")
            });
        }
        Some(sum)
    }

    /// One row of renewal.csv against the recomputed figures.
    fn renewal_row(
        &mut self,
        r: &Row,
        name: &str,
        (units, money): &([i128; 5], [i128; 4]),
        col: &dyn Fn(&str) -> usize,
    ) {
        for (i, c) in UNITS.iter().enumerate() {
            let cell = &r.cells[col(c)];
            let got = if *c == "change" {
                cell.parse::<i128>().ok()
            } else {
                parse_count(cell).ok().map(i128::from)
            };
            self.rep.check(got == Some(units[i]), || {
                format!(
                    "renewal.csv line {}: {c} of {name} is {cell:?}, the case and the purchases give {}",
                    r.line, units[i]
                )
            });
        }
        for (i, c) in MONEY.iter().enumerate() {
            let cell = &r.cells[col(c)];
            self.rep.check(parse_money(cell) == Some(money[i]), || {
                format!(
                    "renewal.csv line {}: {c} of {name} is {cell:?}, the case and the purchases give {}",
                    r.line,
                    fmt_cents(money[i])
                )
            });
        }
    }
}
