//! `ea.csv`: the Enterprise Agreement consumption table (SPEC §4.3), one row per (Smart
//! Account, Virtual Account, EA suite or commerce SKU), read and validated like every
//! table of the case (README, "Enterprise Agreements").
//!
//! Rules beyond the generic ones (header, `x_` columns, counts ≤ 10^12, prices ≤ 10^10
//! with two decimals, dates): the Smart Account must be one the case holds; the VA may be
//! empty (an SA-level row) but when named must be a VA of that Smart Account in the case
//! (add it to `accounts.csv` when it holds no licences yet); `total_entitlements` may not
//! be below `purchased`; `term_end` may not precede `next_true_forward`; one row per
//! (smart_account, virtual_account, suite, sku).

use chrono::{Months, NaiveDate};
use rustc_hash::FxHashMap;

use super::rows::{read_rows, FirstLines};
use super::{ids_by, Estate, SaId, VaId};
use crate::error::{Diagnostics, Result};
use crate::io::source::TableSource;
use crate::io::table::{columns, Columns, Row};

/// The file name of the table.
pub const FILE: &str = "ea.csv";

/// The unit counters of one EA suite or commerce SKU, as CSSM's EA consumption reports
/// them: what `ea.csv` holds, what the import writes there, and what the plan reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct EaUnits {
    /// Units purchased in the EA.
    pub purchased: u64,
    /// Growth allowance units, when reported.
    pub growth_allowance: Option<u64>,
    /// Total entitlements (purchased + allowance, as CSSM reports it), when reported.
    pub total_entitlements: Option<u64>,
    /// Units generated (deposited) into the Smart Account.
    pub license_generated: u64,
    /// Units consumed.
    pub total_consumption: u64,
}

impl EaUnits {
    /// Units the EA entitles: `total_entitlements`, else `purchased + growth_allowance`.
    pub fn entitled(&self) -> u64 {
        self.total_entitlements.unwrap_or_else(|| {
            // Both are at most 10^12: the sum cannot wrap.
            self.purchased + self.growth_allowance.unwrap_or(0)
        })
    }

    /// Units entitled but never generated into the Smart Account.
    pub fn undeposited(&self) -> u64 {
        self.entitled().saturating_sub(self.license_generated)
    }

    /// Units consumed above the entitlement: what the next true-forward charges.
    pub fn overage(&self) -> u64 {
        self.total_consumption.saturating_sub(self.entitled())
    }
}

/// What one `ea.csv` row states about its EA suite or SKU: the names, the unit counters
/// and the two dates, as the row's cells give them (checked one by one), as [`EaRow`]
/// keeps them and as the plan's reading of the row holds them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EaItem {
    /// EA suite name.
    pub suite: String,
    /// Commerce SKU (empty for a suite-level row).
    pub sku: String,
    /// The CSSM licence the row generates, when known (empty: unknown).
    pub license: String,
    /// The row's unit counters.
    pub units: EaUnits,
    /// Date of the next true-forward.
    pub next_true_forward: Option<NaiveDate>,
    /// Last day of the EA term.
    pub term_end: Option<NaiveDate>,
}

impl EaItem {
    /// Whole months from the next true-forward to the end of the term (`term_end` is the
    /// last day in force, so the count runs to the day after it; a partial month at the
    /// end is not counted). `None` when either date is missing.
    pub fn months_charged(&self) -> Option<u32> {
        let (from, end) = (self.next_true_forward?, self.term_end?);
        Some(whole_months(from, end.succ_opt().unwrap_or(end)))
    }
}

/// One row of `ea.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EaRow {
    /// Line of the row in `ea.csv` (the sheet row of a workbook sheet).
    pub line: u64,
    /// Smart Account.
    pub sa: SaId,
    /// Virtual Account; `None` for an SA-level row.
    pub va: Option<VaId>,
    /// The suite or SKU, its counters and dates.
    pub item: EaItem,
    /// Unit price in cents, when the row gives one.
    pub unit_price: Option<i64>,
}

/// Whole calendar months from `from` to `to` (0 when `to` is not later): the largest m
/// with `from` + m months ≤ `to`, months added as the term milestones add them (same day
/// of the month, clamped to the month's last day).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    use chrono::Datelike;
    if to <= from {
        return 0;
    }
    let span = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let mut m = u32::try_from(span.max(0)).unwrap_or(0);
    while m > 0
        && from
            .checked_add_months(Months::new(m))
            .is_none_or(|d| d > to)
    {
        m -= 1;
    }
    m
}

columns! {
    /// The columns of `ea.csv`.
    enum EaCol {
        SmartAccount = req("smart_account"),
        VirtualAccount = req("virtual_account"),
        Suite = req("suite"),
        Sku = opt("sku"),
        Purchased = req("purchased"),
        GrowthAllowance = opt("growth_allowance"),
        TotalEntitlements = opt("total_entitlements"),
        LicenseGenerated = req("license_generated"),
        TotalConsumption = req("total_consumption"),
        NextTrueForward = opt("next_true_forward"),
        TermEnd = opt("term_end"),
        UnitPrice = opt("unit_price"),
        License = opt("license"),
    }
}

/// The Smart Accounts and VAs of the case, by name, for the row checks.
struct Accounts {
    sas: FxHashMap<String, SaId>,
    vas: FxHashMap<(SaId, String), VaId>,
}

impl Accounts {
    fn of(e: &Estate) -> Self {
        Accounts {
            sas: ids_by(&e.sas, |n| n.clone()),
            vas: ids_by(&e.vas, |v| (v.sa, v.name.clone())),
        }
    }
}

/// An optional count: `None` when the cell is empty, else checked as a count.
fn opt_count(r: &Row<EaCol>, c: EaCol, diags: &mut Diagnostics) -> Option<Option<u64>> {
    if r.get(c).is_empty() {
        return Some(None);
    }
    r.count(c, None, diags).map(Some)
}

/// The cells of one row, each checked on its own (`None`: reported).
struct Cells<'a> {
    sa: &'a str,
    va: &'a str,
    item: EaItem,
    unit_price: Option<i64>,
}

fn cells<'a>(r: &Row<'a, EaCol>, diags: &mut Diagnostics) -> Option<Cells<'a>> {
    use EaCol as C;
    let sa = r.text(C::SmartAccount, diags);
    let va = r.opt_text(C::VirtualAccount);
    let suite = r.text(C::Suite, diags);
    let sku = r.opt_text(C::Sku);
    let license = r.opt_text(C::License);
    let purchased = r.count(C::Purchased, None, diags);
    let growth = opt_count(r, C::GrowthAllowance, diags);
    let total = opt_count(r, C::TotalEntitlements, diags);
    let generated = r.count(C::LicenseGenerated, None, diags);
    let consumption = r.count(C::TotalConsumption, None, diags);
    let next = r.date(C::NextTrueForward, diags);
    let end = r.date(C::TermEnd, diags);
    let price = if r.get(C::UnitPrice).is_empty() {
        Some(None)
    } else {
        r.price(C::UnitPrice, diags).map(Some)
    };
    Some(Cells {
        sa: sa?,
        va: va?,
        item: EaItem {
            suite: suite?.to_string(),
            sku: sku?.to_string(),
            license: license?.to_string(),
            units: EaUnits {
                purchased: purchased?,
                growth_allowance: growth?,
                total_entitlements: total?,
                license_generated: generated?,
                total_consumption: consumption?,
            },
            next_true_forward: next?,
            term_end: end?,
        },
        unit_price: price?,
    })
}

/// The checks between cells of a row: totals and dates consistent. Whether they pass.
fn consistent(r: &Row<EaCol>, c: &Cells, diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    let purchased = c.item.units.purchased;
    if c.item
        .units
        .total_entitlements
        .is_some_and(|t| t < purchased)
    {
        r.problem(
            EaCol::TotalEntitlements,
            format!("is less than purchased ({purchased})"),
            format!(
                "total_entitlements is purchased plus the growth allowance, so at least {purchased}: correct it, or leave it empty to use purchased + growth_allowance"
            ),
            diags,
        );
        ok = false;
    }
    if let (Some(next), Some(end)) = (c.item.next_true_forward, c.item.term_end) {
        if end < next {
            r.problem(
                EaCol::TermEnd,
                format!("is before next_true_forward ({next})"),
                "the term ends after its next true-forward: correct one of the two dates",
                diags,
            );
            ok = false;
        }
    }
    ok
}

/// The Smart Account and VA a row names, when the case holds them (else reported).
fn place(
    r: &Row<EaCol>,
    c: &Cells,
    acc: &Accounts,
    diags: &mut Diagnostics,
) -> Option<(SaId, Option<VaId>)> {
    let Some(&sa) = acc.sas.get(c.sa) else {
        r.problem(
            EaCol::SmartAccount,
            "is not a Smart Account of the case",
            "name a Smart Account that entitlements.csv, usage.csv or instances.csv lists (names are case-sensitive), or remove the row",
            diags,
        );
        return None;
    };
    if c.va.is_empty() {
        return Some((sa, None));
    }
    match acc.vas.get(&(sa, c.va.to_string())) {
        Some(&va) => Some((sa, Some(va))),
        None => {
            r.problem(
                EaCol::VirtualAccount,
                format!("is not a Virtual Account of Smart Account {:?} in the case", c.sa),
                "name a VA the case lists (add a VA that holds no licences yet to accounts.csv), or leave virtual_account empty for an SA-level row",
                diags,
            );
            None
        }
    }
}

/// The header of `ea.csv` as the import writes it: every column, in order.
pub(crate) fn header() -> Vec<&'static str> {
    EaCol::COLS.iter().map(|c| c.name).collect()
}

/// Reads `ea.csv` from `src` into `e.ea`, reporting every problem in `diags`; records the
/// file and its row count like every table. Call it once every other table is read, so
/// every Smart Account and VA of the case is known.
pub(super) fn read(src: &TableSource, e: &mut Estate, diags: &mut Diagnostics) -> Result<()> {
    const REPEAT: (&str, &str) = (
        "(smart_account, virtual_account, suite, sku)",
        "keep one row per EA suite or SKU in each account (add the two rows up)",
    );
    let acc = Accounts::of(e);
    let mut first = FirstLines::new();
    let mut list = Vec::new();
    let read = read_rows(src, FILE, e, diags, |r, _, diags| {
        let Some(c) = cells(r, diags) else {
            return;
        };
        let ok = consistent(r, &c, diags);
        let Some((sa, va)) = place(r, &c, &acc, diags) else {
            return;
        };
        let key = (sa, va, c.item.suite.clone(), c.item.sku.clone());
        let col = if c.item.sku.is_empty() {
            EaCol::Suite
        } else {
            EaCol::Sku
        };
        if !first.is_first(key, r, col, REPEAT, diags) || !ok {
            return;
        }
        list.push(EaRow {
            line: r.line,
            sa,
            va,
            item: c.item,
            unit_price: c.unit_price,
        });
    })?;
    if read {
        e.ea = list;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_run_to_the_day_after_the_term_end() {
        assert_eq!(whole_months(d("2027-03-01"), d("2029-03-01")), 24);
        assert_eq!(whole_months(d("2027-03-01"), d("2028-08-31")), 17);
        assert_eq!(whole_months(d("2027-01-31"), d("2027-03-01")), 1);
        assert_eq!(whole_months(d("2027-01-31"), d("2027-02-28")), 1);
        assert_eq!(whole_months(d("2027-01-31"), d("2027-02-27")), 0);
        assert_eq!(whole_months(d("2027-05-10"), d("2027-05-10")), 0);
        let row = EaRow {
            line: 2,
            sa: 0,
            va: None,
            item: EaItem {
                suite: "S".into(),
                sku: String::new(),
                license: String::new(),
                units: EaUnits {
                    purchased: 100,
                    growth_allowance: Some(20),
                    total_entitlements: None,
                    license_generated: 90,
                    total_consumption: 130,
                },
                next_true_forward: Some(d("2027-03-01")),
                term_end: Some(d("2028-08-31")),
            },
            unit_price: None,
        };
        assert_eq!(row.item.units.entitled(), 120);
        assert_eq!(row.item.units.undeposited(), 30);
        assert_eq!(row.item.units.overage(), 10);
        assert_eq!(row.item.months_charged(), Some(18));
    }
}
