//! `reallot check`: validate a case and show the vendor's per-VA reading, without
//! planning a reallocation.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::estate::Estate;
use crate::io::source::TableSource;
use crate::io::text::plural;
use crate::model::SolveOptions;
use crate::money::grouped;
use crate::plan::findings::FindingKind;
use crate::plan::{vendor_view, Finding, Position, Tables};

/// The vendor's per-VA view: positions as the vendor reads them (no transfers).
pub(crate) fn vendor_positions(
    estate: &Estate,
    as_of: NaiveDate,
) -> (Vec<Position>, crate::plan::VendorView) {
    let (prep, flows) = crate::pipeline::solve_vendor(estate, as_of, &SolveOptions::default());
    let vendor = vendor_view(estate, &prep, &flows);
    // The positions alone: the findings are collected from them once, by `check`, and
    // the vendor's reading moves nothing (no transfer requests to build).
    let (_, positions) = Tables::moves_and_positions(estate, &prep, &flows, &vendor);
    (positions, vendor)
}

/// How many rows of each finding kind `check` prints.
const SHOWN_PER_KIND: usize = 5;

/// How many licences a VA's "short" or "surplus" line names; the others are counted.
const SHOWN_PER_LINE: usize = 20;

/// A VA's licences and units as one line, `sign` before each count: the first
/// [`SHOWN_PER_LINE`], then how many more and their units (every position is in
/// `positions.csv` of `reallot plan`).
fn listed(items: &[(&str, u64)], sign: char) -> String {
    let mut line: Vec<String> = items
        .iter()
        .take(SHOWN_PER_LINE)
        .map(|(lic, n)| format!("{lic} {sign}{n}"))
        .collect();
    if let Some(rest) = items.get(SHOWN_PER_LINE..).filter(|r| !r.is_empty()) {
        let units: u128 = rest.iter().map(|&(_, n)| u128::from(n)).sum();
        let what = if rest.len() == 1 {
            "licence"
        } else {
            "licences"
        };
        line.push(format!(
            "and {} more {what} ({}; positions.csv of `reallot plan` lists every one)",
            rest.len(),
            plural(units, "unit", "units")
        ));
    }
    line.join(", ")
}

/// Prints the validation result, the findings, and the vendor view per VA.
pub fn check(
    estate: &Estate,
    as_of: Option<NaiveDate>,
    stale_after_days: u32,
    w: &mut dyn Write,
) -> Result<()> {
    let as_of = crate::pipeline::resolve_as_of(estate, as_of)?;
    crate::pipeline::check_magnitudes(estate, &crate::scenario::Scenario::default())?;
    let io = |e| Error::io("stdout", e);
    print_tables(estate, as_of, w).map_err(io)?;
    let (positions, vendor) = vendor_positions(estate, as_of);
    let findings = crate::plan::findings::collect(estate, as_of, stale_after_days, &positions);
    print_findings(&findings, w).map_err(io)?;
    print_ea(estate, &positions, w).map_err(io)?;
    print_vendor_view(estate, &vendor, &positions, &findings, w).map_err(io)
}

/// The case's name and date, each table read (with its workbook and sheet when it came
/// from one) and its row count, and how many accounts and licences it names.
fn print_tables(estate: &Estate, as_of: NaiveDate, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "{}: the case is valid (data as of {as_of})", estate.name)?;
    for (i, (f, rows)) in estate.files.iter().enumerate() {
        let rows = plural(*rows as u64, "row", "rows");
        match estate.sources.get(i).and_then(TableSource::origin) {
            Some(origin) => writeln!(w, "  {f:<20} {rows:>14}  (from {origin})")?,
            None => writeln!(w, "  {f:<20} {rows:>14}")?,
        }
    }
    writeln!(
        w,
        "  {}, {}, {}\n",
        plural(estate.sas.len() as u64, "Smart Account", "Smart Accounts"),
        plural(
            estate.vas.len() as u64,
            "Virtual Account",
            "Virtual Accounts"
        ),
        plural(estate.licences.len() as u64, "licence", "licences")
    )
}

/// The findings: how many rows and units of each kind, and the first rows of each.
fn print_findings(findings: &[Finding], w: &mut dyn Write) -> std::io::Result<()> {
    let mut by_kind: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_kind.entry(f.kind.as_str()).or_default().push(f);
    }
    writeln!(
        w,
        "Findings ({} in all; `reallot plan` writes them to findings.csv):",
        findings.len()
    )?;
    for (kind, rows) in &by_kind {
        let units: u128 = rows.iter().map(|f| u128::from(f.quantity)).sum();
        writeln!(
            w,
            "  {kind}: {}, {}",
            plural(rows.len() as u64, "row", "rows"),
            plural(units, "unit", "units")
        )?;
        for f in rows.iter().take(SHOWN_PER_KIND) {
            let place = [
                f.smart_account.as_str(),
                f.virtual_account.as_str(),
                f.license.as_str(),
                f.instance.as_str(),
            ]
            .iter()
            .filter(|x| !x.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" / ");
            writeln!(w, "      {place}: {}", f.detail)?;
        }
        if rows.len() > SHOWN_PER_KIND {
            writeln!(w, "      ... and {} more", rows.len() - SHOWN_PER_KIND)?;
        }
    }
    writeln!(w)
}

/// The vendor's per-VA reading: the total short, then each VA in or out of compliance,
/// with what it lacks and where surplus sits.
fn print_vendor_view(
    estate: &Estate,
    vendor: &crate::plan::VendorView,
    positions: &[Position],
    findings: &[Finding],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    // Units short and pack remainders per (SA, VA, licence), from the findings: a pack
    // bought to cover a gap is a purchase, and its spare units are not surplus.
    let per_cell = |kind: FindingKind| -> BTreeMap<(&str, &str, &str), u64> {
        findings
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| {
                let key = (
                    f.smart_account.as_str(),
                    f.virtual_account.as_str(),
                    f.license.as_str(),
                );
                (key, f.quantity)
            })
            .collect()
    };
    let short_units = per_cell(FindingKind::OutOfCompliance);
    let remainder = per_cell(FindingKind::PackRemainder);
    let units_short: u128 = short_units.values().map(|&q| u128::from(q)).sum();
    let cost = format!("{} {}", estate.currency, grouped(vendor.shortfall_cost));
    if units_short == u128::from(vendor.shortfall_units) {
        writeln!(
            w,
            "Vendor view (each VA on its own): {} short, {cost}",
            plural(units_short, "unit", "units"),
        )?;
    } else {
        writeln!(
            w,
            "Vendor view (each VA on its own): {} short; bought VA by VA in packs, {}, {cost}",
            plural(units_short, "unit", "units"),
            plural(vendor.shortfall_units, "unit", "units"),
        )?;
    }
    let mut by_va: BTreeMap<(&str, &str), Vec<&Position>> = BTreeMap::new();
    for p in positions {
        by_va
            .entry((&p.smart_account, &p.virtual_account))
            .or_default()
            .push(p);
    }
    let names = crate::names::VaNames::new(by_va.keys().map(|(sa, _)| *sa));
    for ((sa, va), rows) in by_va {
        let short: Vec<(&str, u64)> = rows
            .iter()
            .filter(|p| p.purchased > 0)
            .map(|p| {
                let key = (sa, va, p.license.as_str());
                let short = short_units.get(&key).copied().unwrap_or(p.purchased);
                (p.license.as_str(), short)
            })
            .collect();
        let surplus: Vec<(&str, u64)> = rows
            .iter()
            .filter_map(|p| {
                let key = (sa, va, p.license.as_str());
                let spare = p
                    .surplus_after
                    .saturating_sub(remainder.get(&key).copied().unwrap_or(0));
                (spare > 0).then_some((p.license.as_str(), spare))
            })
            .collect();
        let state = if short.is_empty() {
            "in compliance"
        } else {
            "OUT OF COMPLIANCE"
        };
        writeln!(w, "  {}: {state}", names.va(sa, va))?;
        if !short.is_empty() {
            writeln!(w, "      short:   {}", listed(&short, '-'))?;
        }
        if !surplus.is_empty() {
            writeln!(w, "      surplus: {}", listed(&surplus, '+'))?;
        }
    }
    Ok(())
}

/// The Enterprise Agreement rows (`ea.csv`), per Smart Account and suite: units entitled
/// but not generated (and how many would cover a shortfall of the vendor's per-VA
/// reading), the overage and its charge at the next true-forward; then each row.
fn print_ea(estate: &Estate, positions: &[Position], w: &mut dyn Write) -> std::io::Result<()> {
    let lines = crate::plan::ea::lines(estate, positions);
    if lines.is_empty() {
        return Ok(());
    }
    let cur = &estate.currency;
    let mut by_suite: BTreeMap<(&str, &str), Vec<&crate::plan::ea::EaLine>> = BTreeMap::new();
    for l in &lines {
        by_suite
            .entry((&l.smart_account, &l.item.suite))
            .or_default()
            .push(l);
    }
    writeln!(
        w,
        "Enterprise Agreements (ea.csv, {}):",
        plural(lines.len() as u64, "row", "rows")
    )?;
    for ((sa, suite), rows) in &by_suite {
        let undeposited: u128 = rows
            .iter()
            .map(|l| u128::from(l.item.units.undeposited()))
            .sum();
        let covers: u128 = rows.iter().map(|l| u128::from(l.covers)).sum();
        let over: u128 = rows
            .iter()
            .map(|l| u128::from(l.item.units.overage()))
            .sum();
        let priced: Vec<crate::money::Cents> = rows
            .iter()
            .filter(|l| l.item.units.overage() > 0)
            .filter_map(|l| l.charge)
            .collect();
        let unpriced = rows.iter().filter(|l| l.item.units.overage() > 0).count() - priced.len();
        let charge = priced.iter().sum::<crate::money::Cents>();
        let mut exposure = format!("{} over the entitlement", plural(over, "unit", "units"));
        if !priced.is_empty() {
            exposure.push_str(&format!(", true-forward charge {cur} {}", grouped(charge)));
        }
        if unpriced > 0 {
            exposure.push_str(&format!(
                " ({} without a price or dates: no charge shown)",
                plural(unpriced as u64, "row", "rows")
            ));
        }
        writeln!(
            w,
            "  {sa} / {suite}: {} undeposited, {covers} of them would cover a shortfall; {exposure}",
            plural(undeposited, "unit", "units")
        )?;
        for l in rows {
            writeln!(w, "      {}", ea_row(l, cur))?;
        }
    }
    writeln!(w)
}

/// One `ea.csv` row as `check` shows it.
fn ea_row(l: &crate::plan::ea::EaLine, cur: &str) -> String {
    let place = match (l.virtual_account.as_str(), l.item.sku.as_str()) {
        ("", "") => "(Smart Account level)".to_string(),
        ("", sku) => format!("(Smart Account level) SKU {sku}"),
        (va, "") => va.to_string(),
        (va, sku) => format!("{va} SKU {sku}"),
    };
    let cover = match l.shortfall {
        None => "no license named, so not matched to a shortfall".to_string(),
        Some(s) => format!("covers {} of {s} {} short", l.covers, l.item.license),
    };
    let mut out = format!(
        "{place}: entitled {}, generated {}, undeposited {} ({cover}); consumed {}, over {}",
        l.item.units.entitled(),
        l.item.units.license_generated,
        l.item.units.undeposited(),
        l.item.units.total_consumption,
        l.item.units.overage()
    );
    if l.item.units.overage() > 0 {
        match (l.charge, l.item.next_true_forward, l.months) {
            (Some(c), Some(tf), Some(m)) => out.push_str(&format!(
                ", charge {cur} {} at the true-forward on {tf} ({m} months)",
                grouped(c)
            )),
            _ => out.push_str(", no charge: a unit price or a date is missing"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A VA's line names its first 20 licences and counts the rest with their units.
    #[test]
    fn a_long_line_names_twenty_and_counts_the_rest() {
        let names: Vec<String> = (0..23).map(|i| format!("L{i:02}")).collect();
        let items: Vec<(&str, u64)> = names.iter().map(|n| n.as_str()).zip(1..).collect();
        let shown: Vec<String> = (0..20).map(|i| format!("L{i:02} -{}", i + 1)).collect();
        assert_eq!(listed(&items[..20], '-'), shown.join(", "));
        assert_eq!(
            listed(&items, '-'),
            format!(
                "{}, and 3 more licences (66 units; positions.csv of `reallot plan` lists \
                 every one)",
                shown.join(", ")
            )
        );
        assert_eq!(
            listed(&items[..21], '+'),
            format!(
                "{}, and 1 more licence (21 units; positions.csv of `reallot plan` lists every \
                 one)",
                shown.join(", ").replace('-', "+")
            )
        );
    }
}
