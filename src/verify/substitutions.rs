//! substitutions.csv: only where the scenario allows it, and only along "covers".

use crate::report::headers;

use super::tables::{Account, Tables};
use super::Verifier;

impl Verifier<'_> {
    /// substitutions.csv: known names, substitution on in the scenario, and the higher
    /// licence covering the lower.
    pub(super) fn substitutions(&mut self, t: &mut Tables) {
        const F: &str = "substitutions.csv";
        for r in &self.rows(F, headers::SUBSTITUTIONS) {
            let va = self.va_of(r, Account::Sa, "virtual_account");
            let (hi, lo) = (self.lic_of(r, "license"), self.lic_of(r, "covers"));
            let (Some(va), Some(hi), Some(lo)) = (va, hi, lo) else {
                self.unknown(F, r, "VA or licence");
                continue;
            };
            let Some(q) = self.quantity(F, r, "substitutes") else {
                continue;
            };
            let line = r.line;
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
