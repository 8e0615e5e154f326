//! substitutions.csv: only where the scenario allows it, and only along "covers".

use crate::report::headers;

use super::tables::{read_table, Tables};
use super::Verifier;

impl Verifier<'_> {
    /// substitutions.csv: known names, substitution on in the scenario, and the higher
    /// licence covering the lower.
    pub(super) fn substitutions(&mut self, t: &mut Tables) {
        const F: &str = "substitutions.csv";
        let h = headers::SUBSTITUTIONS;
        let Some(rows) = read_table(&mut self.rep, self.dir, F, h) else {
            return;
        };
        for r in &rows {
            let c = &r.cells;
            let line = r.line;
            let (Some(&va), Some(&hi), Some(&lo)) = (
                self.m.va_by_sa.get(&(
                    r.get("smart_account").to_string(),
                    r.get("virtual_account").to_string(),
                )),
                self.m.lic_by_name.get(r.get("license")),
                self.m.lic_by_name.get(r.get("covers")),
            ) else {
                self.rep
                    .fail(format!("{F} line {line}: unknown VA or licence in {c:?}"));
                continue;
            };
            let Some(q) = r.count(&mut self.rep, F, "quantity") else {
                continue;
            };
            self.rep
                .check(q > 0, || format!("{F} line {line}: substitutes 0 units"));
            self.rep.check(self.m.substitution, || {
                format!("{F} line {line}: the scenario turns substitution off")
            });
            self.rep.check(self.m.reach.contains(&(hi, lo)), || {
                format!(
                    "{F} line {line}: {} does not cover {}",
                    r.get("license"),
                    r.get("covers")
                )
            });
            t.sub_total = t.sub_total.saturating_add(q);
            *t.sub_out.entry((va, hi)).or_default() += q;
            *t.sub_in.entry((va, lo)).or_default() += q;
        }
    }
}
