//! The plan's moves as CSSM licence transfer requests (`transfers.json`): one request
//! body per source VA, at most [`MAX_ENTRIES`] licence entries per request and at most
//! [`MAX_UNITS`] units per entry, each entry typed PERPETUAL or TERM from the source VA's
//! movable lots.

use std::collections::HashMap;

use serde::Serialize;

use crate::estate::{Estate, LicId, LicenseType, Source, VaId};
use crate::model::Prepared;

/// CSSM accepts at most this many licence entries in one transfer request.
pub const MAX_ENTRIES: usize = 10;
/// CSSM accepts at most this many units in one licence entry.
pub const MAX_UNITS: u64 = 998;

/// One licence entry of a transfer request body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferEntry {
    /// Licence name.
    pub license: String,
    /// PERPETUAL or TERM.
    pub license_type: &'static str,
    /// Units (≤ 998).
    pub quantity: u64,
    /// Receiving VA.
    pub target_virtual_account: String,
}

/// A request body as CSSM takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferBody {
    /// Up to ten entries.
    pub licenses: Vec<TransferEntry>,
}

/// One transfer request: from one VA of one Smart Account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    /// Smart Account holding both VAs.
    pub smart_account: String,
    /// VA the licences leave.
    pub source_virtual_account: String,
    /// The request body.
    pub body: TransferBody,
}

/// A move CSSM cannot execute as a transfer (it crosses Smart Accounts: a merge what-if).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotExecutable {
    /// Licence.
    pub license: String,
    /// `SA/VA` the licences leave.
    pub from: String,
    /// `SA/VA` they reach.
    pub to: String,
    /// Units.
    pub quantity: u64,
    /// Why.
    pub reason: String,
}

/// `transfers.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfers {
    /// Requests, by Smart Account, source VA, then chunk.
    pub requests: Vec<TransferRequest>,
    /// Moves that need a Smart Account consolidation first.
    pub not_executable: Vec<NotExecutable>,
}

/// Units of the source cell's movable supply that are PERPETUAL and TERM: lots in force at
/// t, PAK lots excluded (pinned); reserved units are pinned on term lots first; moves use
/// perpetual units first.
fn movable_split(
    lots: &HashMap<(VaId, LicId), (u64, u64)>,
    prep: &Prepared,
    va: VaId,
    lic: LicId,
) -> (u64, u64) {
    let (mut perpetual, mut term) = lots.get(&(va, lic)).copied().unwrap_or((0, 0));
    let cell = &prep.cells[prep.index[&(va, lic)]];
    // Pinned units beyond the PAK lots are reservations held on this VA's own lots.
    let mut reserved_pin = cell.pinned.saturating_sub(cell.pak);
    let from_term = reserved_pin.min(term);
    term -= from_term;
    reserved_pin -= from_term;
    perpetual -= reserved_pin.min(perpetual);
    (perpetual, term)
}

/// Builds the transfer requests from raw moves (source VA, target VA, licence, units).
pub fn build(estate: &Estate, prep: &Prepared, moves: &[(VaId, VaId, LicId, u64)]) -> Transfers {
    let mut out = Transfers::default();
    // Movable (non-PAK, in force at t) perpetual and term units of each source cell.
    let sources: std::collections::HashSet<(VaId, LicId)> =
        moves.iter().map(|&(f, _, l, _)| (f, l)).collect();
    let mut lots: HashMap<(VaId, LicId), (u64, u64)> = HashMap::new();
    for lot in &estate.lots {
        let key = (lot.va, lot.lic);
        if sources.contains(&key) && lot.source != Source::Pak && lot.active_at(prep.view.t) {
            let e = lots.entry(key).or_default();
            match lot.license_type {
                LicenseType::Perpetual => e.0 += lot.quantity,
                _ => e.1 += lot.quantity,
            }
        }
    }
    // (sa, source) -> entries
    let mut by_source: std::collections::BTreeMap<(&str, &str), Vec<TransferEntry>> =
        std::collections::BTreeMap::new();
    let mut sent: HashMap<(VaId, LicId), u64> = HashMap::new();
    // The moves by source `SA/VA`, licence and target `SA/VA`, compared by the names'
    // ranks (equal names, equal ranks: the same order as the names themselves).
    let va_rank = ranks(estate.vas.len(), |v| estate.va_label(v as VaId));
    let lic_rank = ranks(estate.licences.len(), |l| estate.licences[l].clone());
    let mut sorted = moves.to_vec();
    sorted.sort_by_key(|&(f, t, l, _)| {
        (
            va_rank[f as usize],
            lic_rank[l as usize],
            va_rank[t as usize],
        )
    });
    for (from, to, lic, q) in sorted {
        let license = estate.licences[lic as usize].clone();
        if estate.vas[from as usize].sa != estate.vas[to as usize].sa {
            out.not_executable.push(NotExecutable {
                license,
                from: estate.va_label(from),
                to: estate.va_label(to),
                quantity: q,
                reason: "crosses Smart Accounts: possible only after Cisco consolidates them"
                    .into(),
            });
            continue;
        }
        let (perpetual, _term) = movable_split(&lots, prep, from, lic);
        let done = sent.entry((from, lic)).or_default();
        // Perpetual units go first, then term units (the plan never moves more than the
        // movable supply, perpetual + term).
        let p = q.min(perpetual.saturating_sub(*done));
        *done += q;
        let entries = by_source
            .entry((
                estate.sa_name(from),
                estate.vas[from as usize].name.as_str(),
            ))
            .or_default();
        for (kind, mut units) in [("PERPETUAL", p), ("TERM", q - p)] {
            while units > 0 {
                let chunk = units.min(MAX_UNITS);
                entries.push(TransferEntry {
                    license: license.clone(),
                    license_type: kind,
                    quantity: chunk,
                    target_virtual_account: estate.vas[to as usize].name.clone(),
                });
                units -= chunk;
            }
        }
    }
    // Each source's entries move into its requests, ten at a time (no copy of them is
    // made).
    for ((sa, source), entries) in by_source {
        let mut entries = entries.into_iter().peekable();
        while entries.peek().is_some() {
            out.requests.push(TransferRequest {
                smart_account: sa.to_string(),
                source_virtual_account: source.to_string(),
                body: TransferBody {
                    licenses: entries.by_ref().take(MAX_ENTRIES).collect(),
                },
            });
        }
    }
    out
}

/// The rank of each of `n` names among them (`name(i)` the i-th): equal names share a
/// rank, and ranks order as the names do.
fn ranks(n: usize, name: impl Fn(usize) -> String) -> Vec<u32> {
    let names: Vec<String> = (0..n).map(&name).collect();
    let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    names
        .iter()
        .map(|x| {
            sorted
                .binary_search(&x.as_str())
                .expect("every name is ranked") as u32
        })
        .collect()
}
