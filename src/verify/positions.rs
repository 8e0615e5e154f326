//! positions.csv: every column recomputed from the case and the plan's other tables.

use std::collections::{BTreeMap, BTreeSet};

use crate::estate::LicId;

use super::tables::{get, read_table, Key, Tables};
use super::Verifier;

const F: &str = "positions.csv";

/// The columns of positions.csv that verify reads, by name: the three that name a
/// position, then the figures it recomputes (in [`Figures`] order). Other columns the
/// file may hold are not checked here.
const COLUMNS: [&str; 14] = [
    "smart_account",
    "virtual_account",
    "license",
    "entitled",
    "in_use",
    "reserved",
    "demand",
    "vendor_shortfall",
    "moved_in",
    "moved_out",
    "substituted_in",
    "substituted_out",
    "purchased",
    "surplus_after",
];

/// The figure columns of [`COLUMNS`].
const FIGURE_NAMES: &[&str] = COLUMNS.split_at(3).1;

/// The figures of a position, in [`FIGURE_NAMES`] order.
type Figures = [u128; 11];

/// Where figure `name` sits in [`Figures`].
fn count_column(name: &str) -> usize {
    FIGURE_NAMES
        .iter()
        .position(|c| *c == name)
        .expect("a positions.csv figure")
}

impl Verifier<'_> {
    /// positions.csv: every column recomputed, no row missing or extra. Returns the rows
    /// as recomputed (for the findings).
    pub(super) fn positions(&mut self, t: &mut Tables) -> Option<Vec<crate::plan::Position>> {
        let file = self.read_positions()?;
        // The vendor's shortfall: closed form outside substitution families; the file's
        // figure inside them (checked for packs and feasibility in vendor_view).
        let vendor_col = count_column("vendor_shortfall");
        for (&k, (_, nums)) in &file {
            if self.vendor_family(k.1) {
                t.vendor_file.insert(k, nums[vendor_col]);
            }
        }
        let mut keys: BTreeSet<Key> = self.m.cells.keys().copied().collect();
        keys.extend(self.m.vendor_cells.keys().copied());
        keys.extend(file.keys().copied());
        for m in [&t.moved_out, &t.moved_in, &t.bought, &t.sub_out, &t.sub_in] {
            keys.extend(m.keys().copied());
        }
        // A row is due where any figure but reserved and surplus_after is positive.
        let (reserved, surplus) = (count_column("reserved"), count_column("surplus_after"));
        let mut out = Vec::new();
        for k in keys {
            let want = self.position_figures(t, k);
            let any = want
                .iter()
                .enumerate()
                .any(|(i, &x)| i != reserved && i != surplus && x > 0);
            let (sa, va, lic) = (
                self.m.e.sa_name(k.0).to_string(),
                self.m.e.vas[k.0 as usize].name.clone(),
                self.m.lic(k.1).to_string(),
            );
            let name = format!("{sa}/{va} {lic}");
            self.compare_position(file.get(&k), &name, any, &want);
            if any {
                if let Some(p) = position(sa, va, lic, &want) {
                    out.push(p);
                }
            }
        }
        out.sort();
        Some(out)
    }

    /// Whether the vendor's reading couples this licence to others (a family in the
    /// case, whatever the scenario).
    fn vendor_family(&self, lic: LicId) -> bool {
        self.m.family[lic as usize].is_some()
    }

    /// The rows of positions.csv by (VA, licence): line and count figures.
    fn read_positions(&mut self) -> Option<BTreeMap<Key, (u64, Vec<u128>)>> {
        let rows = read_table(&mut self.rep, self.dir, F, &COLUMNS)?;
        let mut file: BTreeMap<Key, (u64, Vec<u128>)> = BTreeMap::new();
        for r in &rows {
            let c = &r.cells;
            let (Some(&va), Some(&lic)) = (
                self.m.va_by_sa.get(&(
                    r.get("smart_account").to_string(),
                    r.get("virtual_account").to_string(),
                )),
                self.m.lic_by_name.get(r.get("license")),
            ) else {
                self.rep.fail(format!(
                    "{F} line {}: unknown VA or licence in {c:?}",
                    r.line
                ));
                continue;
            };
            let nums: Option<Vec<u128>> = FIGURE_NAMES
                .iter()
                .map(|name| r.count(&mut self.rep, F, name))
                .collect();
            let Some(nums) = nums else { continue };
            if file.insert((va, lic), (r.line, nums)).is_some() {
                self.rep.fail(format!(
                    "{F} line {}: a second row for {} {}",
                    r.line,
                    r.get("virtual_account"),
                    r.get("license")
                ));
            }
        }
        Some(file)
    }

    /// The count figures of one (VA, licence) as the case and the plan give them.
    fn position_figures(&self, t: &Tables, k: Key) -> Figures {
        let c = self.m.cell(k);
        let vendor = if self.vendor_family(k.1) {
            get(&t.vendor_file, k)
        } else {
            self.vendor_closed_form(k)
        };
        let (mi, mo) = (get(&t.moved_in, k), get(&t.moved_out, k));
        let (si, so) = (get(&t.sub_in, k), get(&t.sub_out, k));
        let bought = get(&t.bought, k);
        let held = c.entitled + mi + bought + si;
        [
            c.entitled,
            c.in_use_raw,
            c.reserved_raw,
            c.demand,
            vendor,
            mi,
            mo,
            si,
            so,
            bought,
            held.saturating_sub(mo + so + c.demand),
        ]
    }

    /// Compares the file's row of `name` (if any) with the recomputed figures: present
    /// exactly when due, every figure equal.
    fn compare_position(
        &mut self,
        row: Option<&(u64, Vec<u128>)>,
        name: &str,
        any: bool,
        want: &Figures,
    ) {
        match row {
            None => self
                .rep
                .check(!any, || format!("{F}: the row for {name} is missing")),
            Some((line, got)) => {
                self.rep.check(any, || {
                    format!("{F} line {line}: a row for {name}, which the plan does not touch")
                });
                for (i, (g, w)) in got.iter().zip(want).enumerate() {
                    self.rep.check(g == w, || {
                        format!(
                            "{F} line {line}: {} of {name} is {g}, the plan and the case give {w}",
                            FIGURE_NAMES[i]
                        )
                    });
                }
            }
        }
    }
}

/// A recomputed position, for the findings (`None` if a figure exceeds 64 bits).
fn position(
    smart_account: String,
    virtual_account: String,
    license: String,
    want: &Figures,
) -> Option<crate::plan::Position> {
    let n: Vec<u64> = want
        .iter()
        .map(|&x| u64::try_from(x).ok())
        .collect::<Option<_>>()?;
    Some(crate::plan::Position {
        smart_account,
        virtual_account,
        license,
        entitled: n[0],
        in_use: n[1],
        reserved: n[2],
        demand: n[3],
        vendor_shortfall: n[4],
        moved_in: n[5],
        moved_out: n[6],
        substituted_in: n[7],
        substituted_out: n[8],
        purchased: n[9],
        surplus_after: n[10],
    })
}
