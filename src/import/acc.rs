//! The case an import builds, over all files of one call: the rows of the files it
//! writes (entitlements, usage, ea.csv) and the names it has met, with the rule that
//! gives rows without a Smart Account theirs.

use std::collections::{BTreeMap, BTreeSet};

use super::json::Ctx;
use crate::estate::EaUnits;

/// One row of the written entitlements.csv (sorted as written).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct LotRow {
    pub sa: String,
    pub va: String,
    pub lic: String,
    pub order: usize,
    pub quantity: u64,
    pub license_type: String,
    pub start: String,
    pub end: String,
    pub status: String,
    pub subscription: String,
}

/// Everything read so far, over all files of one import.
#[derive(Debug, Default)]
pub(super) struct Acc {
    pub lots: Vec<LotRow>,
    pub usage: BTreeMap<(String, String, String), (u64, u64)>,
    pub subs: BTreeSet<(String, String)>,
    pub seen_rows: BTreeSet<(String, String)>,
    /// Smart Accounts met (rows or lists).
    pub sas: BTreeSet<String>,
    /// (SA, VA) pairs met (rows or lists).
    pub vas: BTreeSet<(String, String)>,
    /// Files whose missing Smart Account was already reported.
    pub sa_reported: BTreeSet<String>,
    /// Rows of ea.csv.
    pub ea: Vec<EaRow>,
    /// Whether `--smart-account` named any row.
    pub sa_flag_used: bool,
    pub warnings: Vec<String>,
}

/// What the command line and the call's accounts files say about names a response omits.
#[derive(Debug, Default)]
pub(super) struct Defaults<'a> {
    /// `--smart-account`.
    pub sa_flag: Option<&'a str>,
    /// `--virtual-account`.
    pub va_flag: Option<&'a str>,
    /// VA name → the Smart Accounts whose roles list it (from accounts files of the call).
    pub va_owner: BTreeMap<String, BTreeSet<String>>,
}

/// The Smart Account of a group of rows: named by the response, or not.
#[derive(Debug, Clone, Copy)]
pub(super) enum SaOf<'v> {
    Named(&'v str),
    Unnamed,
}

/// One row of `ea.csv`, in the order of its columns (sorted as written).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct EaRow {
    pub sa: String,
    pub va: String,
    pub suite: String,
    pub sku: String,
    pub units: EaUnits,
    pub next_true_forward: String,
    pub term_end: String,
}

impl EaRow {
    /// The row as `ea.csv` cells, one per column of [`crate::estate::ea::header`] (unit
    /// price and licence are not in the response).
    pub(super) fn cells(&self) -> Vec<String> {
        let opt = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        let u = &self.units;
        vec![
            self.sa.clone(),
            self.va.clone(),
            self.suite.clone(),
            self.sku.clone(),
            u.purchased.to_string(),
            opt(u.growth_allowance),
            opt(u.total_entitlements),
            u.license_generated.to_string(),
            u.total_consumption.to_string(),
            self.next_true_forward.clone(),
            self.term_end.clone(),
            String::new(),
            String::new(),
        ]
    }
}

impl Acc {
    /// The Smart Account of rows of `sa` whose VA is `va`, in file `cx.file`; reported
    /// (once per file) when it cannot be told.
    pub(super) fn smart_account(
        &mut self,
        cx: &mut Ctx,
        d: &Defaults,
        sa: SaOf,
        va: &str,
        path: &str,
    ) -> Option<String> {
        if let SaOf::Named(s) = sa {
            return Some(s.to_string());
        }
        let owners = d.va_owner.get(va);
        if let Some(flag) = d.sa_flag {
            if let Some(o) = owners.filter(|o| !o.contains(flag)) {
                self.warnings.push(format!(
                    "{}: VA {va:?} is listed under {} in the accounts file, but its rows were put in --smart-account {flag:?}",
                    cx.file,
                    o.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
                ));
            }
            self.sa_flag_used = true;
            return Some(flag.to_string());
        }
        match owners.map(|o| o.iter().collect::<Vec<_>>()).as_deref() {
            Some([one]) => return Some((*one).clone()),
            Some(several) if self.sa_reported.insert(format!("{}\u{1f}{va}", cx.file)) => {
                let names: Vec<String> = several.iter().map(|s| format!("{s:?}")).collect();
                cx.missing(
                    path,
                    &format!(
                        "the response names no Smart Account and VA {va:?} is listed under several ({}): pass --smart-account NAME",
                        names.join(", ")
                    ),
                );
            }
            Some(_) => {}
            None if self.sa_reported.insert(cx.file.to_string()) => cx.missing(
                path,
                "the response names no Smart Account (it is the {domain} of the request): pass --smart-account NAME, or give the accounts list in the same call",
            ),
            None => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ea_row_has_one_cell_per_column_the_case_reads() {
        let row = EaRow {
            sa: "SA".into(),
            va: String::new(),
            suite: "Suite".into(),
            sku: "SKU-1".into(),
            units: EaUnits {
                purchased: 10,
                growth_allowance: None,
                total_entitlements: Some(12),
                license_generated: 9,
                total_consumption: 11,
            },
            next_true_forward: "2027-03-01".into(),
            term_end: "2028-02-29".into(),
        };
        let header = crate::estate::ea::header();
        let cells = row.cells();
        assert_eq!(cells.len(), header.len());
        let by_name: BTreeMap<&str, &str> = header
            .iter()
            .copied()
            .zip(cells.iter().map(String::as_str))
            .collect();
        assert_eq!(by_name["suite"], "Suite");
        assert_eq!(by_name["sku"], "SKU-1");
        assert_eq!(by_name["purchased"], "10");
        assert_eq!(by_name["growth_allowance"], "");
        assert_eq!(by_name["total_entitlements"], "12");
        assert_eq!(by_name["license_generated"], "9");
        assert_eq!(by_name["total_consumption"], "11");
        assert_eq!(by_name["next_true_forward"], "2027-03-01");
        assert_eq!(by_name["term_end"], "2028-02-29");
        assert_eq!((by_name["unit_price"], by_name["license"]), ("", ""));
    }
}
