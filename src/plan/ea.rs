//! Enterprise Agreements in a plan (SPEC §4.3, README "Enterprise Agreements"): each
//! `ea.csv` row read against the plan's positions, and the two findings it can raise,
//! `ea_not_deposited` and `ea_true_forward_exposure`.
//!
//! The rows are advice beside the plan: they never change the optimisation (units an EA
//! could generate are not supply until they are generated into the Smart Account).
//!
//! - *Shortfall to cover*: a position's units bought to meet demand, pack remainders
//!   excluded (`purchased − min(surplus_after, purchased)`): what the plan (or, in
//!   `check`, the vendor's per-VA reading) still lacks in that VA after transfers. A row
//!   matches the shortfall of its `license` column in its VA, or in every VA of its Smart
//!   Account for an SA-level row; a row without `license` matches nothing. Rows naming the
//!   same licence share the shortfall: VA-level rows first, then SA-level rows, each in
//!   (SA, VA, suite, SKU) order, so the findings never add up to more than the shortfall.
//! - *Charge* at the next true-forward: unit price × overage × months / 12, in exact
//!   integer cents (128-bit, checked), rounded half up to the cent once (exact when the
//!   product is a multiple of 12). The price is the row's `unit_price`, else the
//!   licence's price in `prices.csv`; without either no charge is printed. The months are
//!   whole months from `next_true_forward` to the day after `term_end`.

use std::collections::BTreeMap;

use super::{Finding, FindingKind, Position};
use crate::estate::{EaItem, EaRow, Estate};
use crate::money::{money, Cents, Exact};

/// One `ea.csv` row as the plan reads it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EaLine {
    /// Smart Account.
    pub smart_account: String,
    /// Virtual Account (empty for an SA-level row).
    pub virtual_account: String,
    /// The suite or SKU, the licence it generates, its unit counters (what it entitles,
    /// leaves undeposited and consumes over are
    /// [`EaUnits`](crate::estate::EaUnits)'s methods) and its dates, as
    /// `ea.csv` gives them.
    pub item: EaItem,
    /// The shortfall of `license` this row could cover (its VA's, or its Smart Account's
    /// VAs' for an SA-level row), net of what earlier rows of the same licence cover;
    /// `None` without `license`.
    pub shortfall: Option<u64>,
    /// Undeposited units that would cover that shortfall (the `ea_not_deposited` quantity).
    pub covers: u64,
    /// Whole months charged at the next true-forward.
    pub months: Option<u32>,
    /// Unit price (cents), from the row or `prices.csv`.
    pub unit_price: Option<Cents>,
    /// The charge at the next true-forward (cents), where a price and both dates are known.
    pub charge: Option<Cents>,
}

/// price × overage × months / 12 in cents, rounded half up to the cent; `None` only if
/// the product could not be represented (it cannot within the input limits).
pub fn charge(price: Cents, overage: u64, months: u32) -> Option<Cents> {
    let product = Exact::new(price)
        .checked_mul(overage)?
        .checked_mul(months)?;
    // product >= 0: floor(product / 12 + 1/2).
    Some(product.checked_add(Exact::new(6))?.cents() / 12)
}

/// Units of a position bought to meet demand, pack remainders excluded.
fn short_in(p: &Position) -> u64 {
    p.purchased - p.surplus_after.min(p.purchased)
}

/// The unit price of a row: its own, else its licence's in `prices.csv` (never the
/// 1.00 the model counts with when there is no `prices.csv`).
fn price_of(estate: &Estate, row: &EaRow) -> Option<Cents> {
    if let Some(c) = row.unit_price {
        return Some(Cents::from(c));
    }
    estate.prices.as_ref()?;
    let lic = estate.find_licence(&row.item.license)?;
    estate.price(lic).map(|p| Cents::from(p.cents))
}

/// The plan's shortfall per Smart Account, licence and VA (names), from `positions`.
type Shortfalls = BTreeMap<(String, String), BTreeMap<String, u64>>;

fn shortfalls(positions: &[Position]) -> Shortfalls {
    let mut out = Shortfalls::new();
    for p in positions {
        let n = short_in(p);
        if n > 0 {
            *out.entry((p.smart_account.clone(), p.license.clone()))
                .or_default()
                .entry(p.virtual_account.clone())
                .or_default() += n;
        }
    }
    out
}

/// Takes up to `want` units from the shortfall of `vas` (one VA, or every VA in name
/// order when `va` is `None`); returns (shortfall there before, units taken).
fn take(vas: Option<&mut BTreeMap<String, u64>>, va: Option<&str>, want: u64) -> (u64, u64) {
    let Some(vas) = vas else {
        return (0, 0);
    };
    let mut cells: Vec<&mut u64> = match va {
        Some(v) => vas.get_mut(v).into_iter().collect(),
        None => vas.values_mut().collect(),
    };
    let before = cells.iter().map(|n| **n).sum::<u64>();
    let mut left = want;
    for n in &mut cells {
        let t = left.min(**n);
        **n -= t;
        left -= t;
    }
    (before, want - left)
}

/// Every `ea.csv` row of the case read against `positions`, sorted by (SA, VA, suite, SKU).
pub fn lines(estate: &Estate, positions: &[Position]) -> Vec<EaLine> {
    if estate.ea.is_empty() {
        return Vec::new();
    }
    let mut short = shortfalls(positions);
    let mut rows: Vec<&EaRow> = estate.ea.iter().collect();
    fn key<'e>(estate: &'e Estate, r: &'e EaRow) -> (bool, &'e str, &'e str, &'e str, &'e str) {
        let va = r.va.map_or("", |v| estate.vas[v as usize].name.as_str());
        (
            r.va.is_none(),
            &estate.sas[r.sa as usize],
            va,
            &r.item.suite,
            &r.item.sku,
        )
    }
    rows.sort_by(|a, b| key(estate, a).cmp(&key(estate, b)));
    let mut out: Vec<EaLine> = rows
        .into_iter()
        .map(|r| {
            let sa = estate.sas[r.sa as usize].clone();
            let va = r.va.map(|v| estate.vas[v as usize].name.clone());
            let undeposited = r.item.units.undeposited();
            let (shortfall, covers) = if r.item.license.is_empty() {
                (None, 0)
            } else {
                let vas = short.get_mut(&(sa.clone(), r.item.license.clone()));
                let (before, taken) = take(vas, va.as_deref(), undeposited);
                (Some(before), taken)
            };
            let overage = r.item.units.overage();
            let months = r.item.months_charged();
            let unit_price = price_of(estate, r);
            let charge = match (unit_price, months) {
                (Some(p), Some(m)) => charge(p, overage, m),
                _ => None,
            };
            EaLine {
                smart_account: sa,
                virtual_account: va.unwrap_or_default(),
                item: r.item.clone(),
                shortfall,
                covers,
                months,
                unit_price,
                charge,
            }
        })
        .collect();
    out.sort();
    out
}

/// `suite` or `suite (SKU sku)`, as a detail names a row.
fn what(l: &EaLine) -> String {
    if l.item.sku.is_empty() {
        format!("EA suite {}", l.item.suite)
    } else {
        format!("EA suite {} (SKU {})", l.item.suite, l.item.sku)
    }
}

/// The `ea_not_deposited` finding of a line, when it covers a shortfall.
fn not_deposited(l: &EaLine) -> Option<Finding> {
    let shortfall = l.shortfall.filter(|_| l.covers > 0)?;
    let here = if l.virtual_account.is_empty() {
        "in the Smart Account's VAs"
    } else {
        "in this VA"
    };
    Some(Finding {
        kind: FindingKind::EaNotDeposited,
        smart_account: l.smart_account.clone(),
        virtual_account: l.virtual_account.clone(),
        license: l.item.license.clone(),
        instance: String::new(),
        quantity: l.covers,
        detail: format!(
            "{}: {} entitled, {} generated, {} never generated; {shortfall} of {} short {here}: generate {} in the EA workspace instead of buying them",
            what(l),
            l.item.units.entitled(),
            l.item.units.license_generated,
            l.item.units.undeposited(),
            l.item.license,
            l.covers
        ),
    })
}

/// The `ea_true_forward_exposure` finding of a line, when it consumes above its entitlement.
fn exposure(l: &EaLine, currency: &str) -> Option<Finding> {
    if l.item.units.overage() == 0 {
        return None;
    }
    let head = format!(
        "{}: {} consumed, {} entitled, {} over",
        what(l),
        l.item.units.total_consumption,
        l.item.units.entitled(),
        l.item.units.overage()
    );
    let tail = match (l.item.next_true_forward, l.item.term_end, l.months, l.unit_price, l.charge) {
        (Some(tf), Some(end), Some(m), Some(p), Some(c)) => format!(
            "the true-forward on {tf} charges {} x {} x {m}/12 months (to the term end {end}) = {currency} {}",
            money(p),
            l.item.units.overage(),
            money(c)
        ),
        (None, _, _, _, _) | (_, None, _, _, _) => {
            "no charge computed: next_true_forward or term_end is missing".into()
        }
        _ => "no charge computed: no unit price is known (fill in unit_price in ea.csv, or price the licence in prices.csv)".into(),
    };
    Some(Finding {
        kind: FindingKind::EaTrueForwardExposure,
        smart_account: l.smart_account.clone(),
        virtual_account: l.virtual_account.clone(),
        license: l.item.license.clone(),
        instance: String::new(),
        quantity: l.item.units.overage(),
        detail: format!("{head}; {tail}"),
    })
}

/// The EA findings of a case against `positions`.
pub fn findings(estate: &Estate, positions: &[Position]) -> Vec<Finding> {
    let mut out = Vec::new();
    for l in lines(estate, positions) {
        out.extend(not_deposited(&l));
        out.extend(exposure(&l, &estate.currency));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_round_half_up_to_the_cent() {
        // 12.50 x 10 x 18 / 12 = 187.50 exactly.
        assert_eq!(charge(1250, 10, 18), Some(18_750));
        // 0.01 x 1 x 6 / 12 = 0.005: half a cent rounds up.
        assert_eq!(charge(1, 1, 6), Some(1));
        // 0.01 x 1 x 5 / 12 = 0.0041...: rounds down.
        assert_eq!(charge(1, 1, 5), Some(0));
        // 9.99 x 7 x 13 / 12 = 75.7575: 75.76.
        assert_eq!(charge(999, 7, 13), Some(7576));
        // The largest inputs stay exact in 128 bits.
        let big = charge(1_000_000_000_000, 1_000_000_000_000, 97_200).unwrap();
        assert_eq!(big, 8_100_000_000_000_000_000_000_000_000);
    }

    #[test]
    fn shortfalls_are_shared_va_first() {
        let mut vas: BTreeMap<String, u64> = [("A".to_string(), 5), ("B".to_string(), 7)]
            .into_iter()
            .collect();
        assert_eq!(take(Some(&mut vas), Some("A"), 3), (5, 3));
        assert_eq!(take(Some(&mut vas), None, 20), (9, 9));
        assert_eq!(take(Some(&mut vas), None, 1), (0, 0));
        assert_eq!(take(None, None, 1), (0, 0));
    }
}
