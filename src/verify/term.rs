//! A term plan (SPEC §4.2): `schedule.csv` re-checked with verify's own arithmetic —
//! every (account, licence) at every milestone on its date, purchases cumulative, each
//! line's cost recomputed from the price, the discount and the co-termed share, demand
//! met where no substitution can serve it — and the `term` block of `summary.json`
//! against the schedule.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::value::RawValue;

use super::money::parse_money;
use super::tables::read_text;
use super::Verifier;

/// One schedule row as read.
struct Row {
    milestone: usize,
    date: String,
    demand: u128,
    entitled: u128,
    commit: u128,
    add: u128,
    to_date: u128,
    cost: i128,
}

impl Verifier<'_> {
    /// The term checks; `summary` is summary.json's top level.
    pub(super) fn term(&mut self, months: u32, summary: Option<&BTreeMap<String, Box<RawValue>>>) {
        let Some(text) = read_text(&mut self.rep, self.dir, "schedule.csv") else {
            return;
        };
        let k_n = (months / 12) as usize;
        let est = self.m.e;
        let start = crate::pipeline::renewal_date(est, self.scenario).unwrap_or(self.m.as_of);
        let dates: Vec<String> = (0..months / 12)
            .map(|k| {
                start
                    .checked_add_months(chrono::Months::new(12 * k))
                    .unwrap_or(NaiveDate::MAX)
                    .to_string()
            })
            .collect();
        let Some(groups) = self.read_schedule(&text) else {
            return;
        };
        let scale = i128::try_from(k_n).unwrap_or(1) * 10_000;
        let disc = i128::from(self.scenario.commit_discount_bp);
        let allow = u128::from(self.scenario.growth_allowance_bp);
        let (mut cu, mut cc, mut au, mut ac) = (0u128, 0i128, 0u128, 0i128);
        for ((sa, lic), rows) in &groups {
            let at = format!("schedule.csv: {sa} / {lic}");
            let ks: Vec<usize> = rows.iter().map(|r| r.milestone).collect();
            self.rep.check(ks == (0..k_n).collect::<Vec<_>>(), || {
                format!(
                    "{at}: milestones {ks:?}, not every milestone 0 to {} in order",
                    k_n - 1
                )
            });
            let lid = est.licences.iter().position(|l| l == lic);
            let price = lid.and_then(|l| est.price(l as crate::estate::LicId));
            let in_family = lid.is_some_and(|l| {
                est.substitutions
                    .iter()
                    .any(|&(h, lo)| h as usize == l || lo as usize == l)
            });
            let mut to_date = 0u128;
            for r in rows {
                let k = r.milestone;
                self.rep.check(dates.get(k) == Some(&r.date), || {
                    format!(
                        "{at}: milestone {k} dated {}, the term puts it on {}",
                        r.date,
                        dates.get(k).map_or("(none)", |d| d)
                    )
                });
                self.rep.check(k == 0 || r.commit == 0, || {
                    format!("{at}: a commitment at milestone {k}")
                });
                self.rep.check(k != 0 || r.add == 0, || {
                    format!("{at}: an add-on at milestone 0")
                });
                to_date = to_date.saturating_add(r.commit).saturating_add(r.add);
                self.rep.check(r.to_date == to_date, || {
                    format!("{at}: milestone {k}: purchased_to_date {} but the commitment and add-ons so far add up to {to_date}", r.to_date)
                });
                let units = i128::try_from(r.commit + r.add).unwrap_or(i128::MAX);
                let cents = i128::from(price.map_or(0, |p| p.cents));
                let weight = if k == 0 {
                    scale / 10_000 * (10_000 - disc)
                } else {
                    10_000 * (i128::try_from(k_n - k.min(k_n)).unwrap_or(0))
                };
                let exact = units.saturating_mul(cents).saturating_mul(weight);
                let want =
                    exact.div_euclid(scale) + i128::from(2 * exact.rem_euclid(scale) >= scale);
                self.rep.check(r.cost == want, || {
                    format!(
                        "{at}: milestone {k}: cost {} but {units} units at this milestone cost {}",
                        crate::money::money(r.cost),
                        crate::money::money(want)
                    )
                });
                let held = to_date + rows[0].commit * allow / 10_000;
                self.rep.check(in_family || held + r.entitled >= r.demand, || {
                    format!("{at}: milestone {k}: demand {} above entitled {} plus {held} purchased", r.demand, r.entitled)
                });
                if k == 0 {
                    (cu, cc) = (cu + r.commit, cc + r.cost);
                } else {
                    (au, ac) = (au + r.add, ac + r.cost);
                }
            }
        }
        let lines = groups
            .values()
            .flatten()
            .filter(|r| r.commit + r.add > 0)
            .count();
        self.term_summary(summary, (cu, cc, au, ac), lines);
        self.term_moves_summary(summary);
    }

    /// summary.json's `transfers` and `licences_moved` against moves.csv, which covers
    /// every milestone of a term plan: its rows, and its quantities summed.
    fn term_moves_summary(&mut self, summary: Option<&BTreeMap<String, Box<RawValue>>>) {
        const F: &str = "moves.csv";
        let Some(s) = summary else { return };
        let rows = self.rows(F, crate::report::headers::MOVES);
        let mut moved = 0u128;
        for r in &rows {
            moved = moved.saturating_add(self.quantity(F, r, "moves").unwrap_or(0));
        }
        let count = |k: &str| {
            s.get(k)
                .and_then(|r| serde_json::from_str::<u64>(r.get()).ok())
                .map(u128::from)
        };
        for (key, want, what) in [
            (
                "transfers",
                rows.len() as u128,
                "the rows of moves.csv number",
            ),
            ("licences_moved", moved, "moves.csv adds up to"),
        ] {
            let have = count(key);
            self.rep.check(have == Some(want), || {
                format!("summary.json: {key} is {have:?}, {what} {want}")
            });
        }
    }

    /// The `term` block of summary.json against the schedule's sums (commit units and
    /// cost, add-on units and cost) and its number of purchase lines.
    fn term_summary(
        &mut self,
        summary: Option<&BTreeMap<String, Box<RawValue>>>,
        (cu, cc, au, ac): (u128, i128, u128, i128),
        lines: usize,
    ) {
        let Some(s) = summary else { return };
        let term: Option<serde_json::Value> = s
            .get("term")
            .and_then(|r| serde_json::from_str(r.get()).ok());
        let Some(term) = term else {
            return self
                .rep
                .fail("summary.json: a term plan without a term block".into());
        };
        let money = |k: &str| term.get(k).and_then(|v| parse_money(&v.to_string()));
        let units = |k: &str| {
            term.get(k)
                .and_then(serde_json::Value::as_u64)
                .map(u128::from)
        };
        for (key, have, want) in [
            (
                "commit_units",
                units("commit_units").map(|u| u as i128),
                cu as i128,
            ),
            (
                "add_units",
                units("add_units").map(|u| u as i128),
                au as i128,
            ),
            ("commit_cost", money("commit_cost"), cc),
            ("add_cost", money("add_cost"), ac),
        ] {
            self.rep.check(have == Some(want), || {
                format!("summary.json: term.{key} is {have:?}, schedule.csv gives {want}")
            });
        }
        let (total, vendor, savings) = (
            money("total_cost"),
            money("vendor_term_cost"),
            money("savings"),
        );
        self.rep.check(
            matches!((total, vendor, savings), (Some(t), Some(v), Some(s)) if v - t == s),
            || "summary.json: term.savings is not vendor_term_cost - total_cost".into(),
        );
        // The total is the exact sum rounded once: within half a cent per line of Σ lines.
        self.rep.check(
            total.is_some_and(|t| (t - cc - ac).abs() * 2 <= i128::try_from(lines).unwrap_or(0)),
            || "summary.json: term.total_cost is not the schedule's lines summed exactly".into(),
        );
    }

    /// schedule.csv's rows by (account, licence), columns by name.
    fn read_schedule(&mut self, text: &str) -> Option<BTreeMap<(String, String), Vec<Row>>> {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = match rdr.headers() {
            Ok(h) => h.iter().map(str::to_string).collect(),
            Err(e) => {
                self.rep
                    .fail(format!("schedule.csv: unreadable header: {e}"));
                return None;
            }
        };
        let col = |n: &str| header.iter().position(|h| h == n);
        let names = crate::plan::SCHEDULE_COLUMNS;
        let Some(ix) = names.iter().map(|n| col(n)).collect::<Option<Vec<usize>>>() else {
            self.rep.fail(format!(
                "schedule.csv: the header is not {}",
                names.join(",")
            ));
            return None;
        };
        let mut groups: BTreeMap<(String, String), Vec<Row>> = BTreeMap::new();
        for (line, rec) in rdr.records().enumerate() {
            let Ok(rec) = rec else {
                self.rep
                    .fail(format!("schedule.csv: line {} unreadable", line + 2));
                return None;
            };
            let get = |i: usize| rec.get(ix[i]).unwrap_or("").trim().to_string();
            let num = |i: usize| get(i).parse::<u128>().ok();
            let row = (|| {
                Some(Row {
                    milestone: get(2).parse().ok()?,
                    date: get(3),
                    demand: num(4)?,
                    entitled: num(5)?,
                    commit: num(6)?,
                    add: num(7)?,
                    to_date: num(8)?,
                    cost: parse_money(&get(9))?,
                })
            })();
            let Some(row) = row else {
                self.rep.fail(format!(
                    "schedule.csv: line {}: a figure is not a number",
                    line + 2
                ));
                continue;
            };
            let unguard = |s: String| s.strip_prefix('\'').map(str::to_string).unwrap_or(s);
            groups
                .entry((unguard(get(0)), unguard(get(1))))
                .or_default()
                .push(row);
        }
        Some(groups)
    }
}
