//! findings.csv: the findings rules applied to the positions verify recomputed.

use crate::report::headers;

use super::tables::read_table;
use super::Verifier;

impl Verifier<'_> {
    /// findings.csv: row by row, the findings rules applied to the recomputed positions.
    pub(super) fn findings(&mut self, positions: &[crate::plan::Position]) {
        const F: &str = "findings.csv";
        let h = headers::FINDINGS;
        let Some(rows) = read_table(&mut self.rep, self.dir, F, h) else {
            return;
        };
        let want: Vec<Vec<String>> = crate::plan::findings::collect(
            self.m.e,
            self.m.as_of,
            self.scenario.policy.stale_after_days,
            positions,
        )
        .iter()
        .map(crate::report::rows::finding)
        .collect();
        let got: Vec<&Vec<String>> = rows.iter().map(|r| &r.cells).collect();
        let first_diff =
            (0..want.len().max(got.len())).find(|&i| want.get(i) != got.get(i).copied());
        self.rep.check(first_diff.is_none(), || {
            let i = first_diff.unwrap_or(0);
            format!(
                "{F}: row {} is {:?}, the case and the positions give {:?} ({} rows expected, {} found)",
                i + 1,
                got.get(i).map(|r| r.join(",")),
                want.get(i).map(|r| r.join(",")),
                want.len(),
                got.len()
            )
        });
    }
}
