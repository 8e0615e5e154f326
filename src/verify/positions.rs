//! positions.csv: every column recomputed from the case and the plan's other tables.

use std::collections::{BTreeMap, BTreeSet};

use crate::estate::LicId;
use crate::report::headers;

use super::tables::{get, read_table, Account, Key, Row, Tables};
use super::Verifier;

const F: &str = "positions.csv";

/// The figures of a position, each with the column of positions.csv that holds it.
type Figures = [(&'static str, u128); 11];

/// A figure of `f` by its column name.
fn figure(f: &Figures, name: &str) -> u128 {
    f.iter().find(|(n, _)| *n == name).map_or(0, |&(_, x)| x)
}

impl Verifier<'_> {
    /// positions.csv: every figure recomputed, no row missing or extra. Returns the rows
    /// as recomputed (for the findings).
    pub(super) fn positions(&mut self, t: &mut Tables) -> Option<Vec<crate::plan::Position>> {
        let file = self.read_positions()?;
        // The vendor's shortfall: closed form outside substitution families; the file's
        // figure inside them (checked for packs and feasibility in vendor_view).
        for (&k, row) in &file {
            if self.vendor_family(k.1) {
                if let Some(q) = row.count(&mut self.rep, F, "vendor_shortfall") {
                    t.vendor_file.insert(k, q);
                }
            }
        }
        let mut keys: BTreeSet<Key> = self.m.cells.keys().copied().collect();
        keys.extend(self.m.vendor_cells.keys().copied());
        keys.extend(file.keys().copied());
        for m in [&t.moved_out, &t.moved_in, &t.bought, &t.sub_out, &t.sub_in] {
            keys.extend(m.keys().copied());
        }
        let mut out = Vec::new();
        for k in keys {
            let want = self.position_figures(t, k);
            // A row is due where any figure but reserved and surplus_after is positive.
            let any = want
                .iter()
                .any(|&(n, x)| n != "reserved" && n != "surplus_after" && x > 0);
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

    /// The rows of positions.csv by (VA, licence).
    fn read_positions(&mut self) -> Option<BTreeMap<Key, Row<'static>>> {
        let rows = read_table(&mut self.rep, self.dir, F, headers::POSITIONS)?;
        let mut file = BTreeMap::new();
        for r in rows {
            let va = self.va_of(&r, Account::Sa, "virtual_account");
            let (Some(va), Some(lic)) = (va, self.lic_of(&r, "license")) else {
                self.unknown(F, &r, "VA or licence");
                continue;
            };
            let (line, what) = (
                r.line,
                format!("{} {}", r.get("virtual_account"), r.get("license")),
            );
            if file.insert((va, lic), r).is_some() {
                self.rep
                    .fail(format!("{F} line {line}: a second row for {what}"));
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
            ("entitled", c.entitled),
            ("in_use", c.in_use_raw),
            ("reserved", c.reserved_raw),
            ("demand", c.demand),
            ("vendor_shortfall", vendor),
            ("moved_in", mi),
            ("moved_out", mo),
            ("substituted_in", si),
            ("substituted_out", so),
            ("purchased", bought),
            ("surplus_after", held.saturating_sub(mo + so + c.demand)),
        ]
    }

    /// Compares the file's row of `name` (if any) with the recomputed figures: present
    /// exactly when due, every figure equal (a cell that is not a count is a violation).
    fn compare_position(&mut self, row: Option<&Row>, name: &str, any: bool, want: &Figures) {
        let Some(row) = row else {
            self.rep
                .check(!any, || format!("{F}: the row for {name} is missing"));
            return;
        };
        let line = row.line;
        self.rep.check(any, || {
            format!("{F} line {line}: a row for {name}, which the plan does not touch")
        });
        for &(column, w) in want {
            let Some(g) = row.count(&mut self.rep, F, column) else {
                continue;
            };
            self.rep.check(g == w, || {
                format!(
                    "{F} line {line}: {column} of {name} is {g}, the plan and the case give {w}"
                )
            });
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
    let n = |name: &str| u64::try_from(figure(want, name)).ok();
    Some(crate::plan::Position {
        smart_account,
        virtual_account,
        license,
        entitled: n("entitled")?,
        in_use: n("in_use")?,
        reserved: n("reserved")?,
        demand: n("demand")?,
        vendor_shortfall: n("vendor_shortfall")?,
        moved_in: n("moved_in")?,
        moved_out: n("moved_out")?,
        substituted_in: n("substituted_in")?,
        substituted_out: n("substituted_out")?,
        purchased: n("purchased")?,
        surplus_after: n("surplus_after")?,
    })
}
