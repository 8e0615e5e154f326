//! `reallot check`: validate a case and show the vendor's per-VA reading, without
//! planning a reallocation.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::estate::Estate;
use crate::model::SolveOptions;
use crate::plan::{build, vendor_view, Position};
use crate::report::money;

/// The vendor's per-VA view: positions as the vendor reads them (no transfers).
pub(crate) fn vendor_positions(
    estate: &Estate,
    as_of: NaiveDate,
) -> (Vec<Position>, crate::plan::VendorView) {
    let (prep, flows) = crate::pipeline::solve_vendor(estate, as_of, &SolveOptions::default());
    let vendor = vendor_view(estate, &prep, &flows);
    let plan = build(estate, &prep, &flows, "vendor-view", None, vendor.clone());
    (plan.positions, vendor)
}

/// How many rows of each finding kind `check` prints.
const SHOWN_PER_KIND: usize = 5;

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
    writeln!(w, "{}: the case is valid (data as of {as_of})", estate.name).map_err(io)?;
    for (f, rows) in &estate.files {
        writeln!(w, "  {f:<20} {rows:>9} rows").map_err(io)?;
    }
    writeln!(
        w,
        "  {} Smart Account(s), {} Virtual Accounts, {} licences\n",
        estate.sas.len(),
        estate.vas.len(),
        estate.licences.len()
    )
    .map_err(io)?;
    let (positions, vendor) = vendor_positions(estate, as_of);
    let findings = crate::plan::findings::collect(estate, as_of, stale_after_days, &positions);
    let mut by_kind: BTreeMap<&str, Vec<&crate::plan::Finding>> = BTreeMap::new();
    for f in &findings {
        by_kind.entry(f.kind.as_str()).or_default().push(f);
    }
    writeln!(
        w,
        "Findings ({} in all; `reallot plan` writes them to findings.csv):",
        findings.len()
    )
    .map_err(io)?;
    for (kind, rows) in &by_kind {
        let units: u64 = rows.iter().map(|f| f.quantity).sum();
        writeln!(w, "  {kind}: {} row(s), {units} unit(s)", rows.len()).map_err(io)?;
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
            writeln!(w, "      {place}: {}", f.detail).map_err(io)?;
        }
        if rows.len() > SHOWN_PER_KIND {
            writeln!(w, "      ... and {} more", rows.len() - SHOWN_PER_KIND).map_err(io)?;
        }
    }
    writeln!(w).map_err(io)?;
    let cur = &estate.currency;
    writeln!(
        w,
        "Vendor view (each VA on its own): {} units short, {cur} {}",
        vendor.shortfall_units,
        money(vendor.shortfall_cost)
    )
    .map_err(io)?;
    let mut by_va: BTreeMap<(&str, &str), Vec<&Position>> = BTreeMap::new();
    for p in &positions {
        by_va
            .entry((&p.smart_account, &p.virtual_account))
            .or_default()
            .push(p);
    }
    for ((sa, va), rows) in by_va {
        let short: Vec<String> = rows
            .iter()
            .filter(|p| p.purchased > 0)
            .map(|p| format!("{} -{}", p.license, p.purchased))
            .collect();
        let surplus: Vec<String> = rows
            .iter()
            .filter(|p| p.surplus_after > 0)
            .map(|p| format!("{} +{}", p.license, p.surplus_after))
            .collect();
        let state = if short.is_empty() {
            "in compliance"
        } else {
            "OUT OF COMPLIANCE"
        };
        writeln!(w, "  {sa}/{va}: {state}").map_err(io)?;
        if !short.is_empty() {
            writeln!(w, "      short:   {}", short.join(", ")).map_err(io)?;
        }
        if !surplus.is_empty() {
            writeln!(w, "      surplus: {}", surplus.join(", ")).map_err(io)?;
        }
    }
    Ok(())
}
