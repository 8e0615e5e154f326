//! transfers.json: CSSM's transfer requests carry exactly the moves inside a Smart
//! Account, within CSSM's limits, perpetual units first; the rest are listed as not
//! executable.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::estate::{LicId, LicenseType, Source, VaId};

use super::model::in_force;
use super::tables::{read_text, Key, Tables};
use super::Verifier;

/// One licence entry of a request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Entry {
    license: String,
    license_type: String,
    quantity: u64,
    target_virtual_account: String,
}

/// The body of a request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    licenses: Vec<Entry>,
}

/// One CSSM transfer request, out of one source VA.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Request {
    smart_account: String,
    source_virtual_account: String,
    body: Body,
}

/// A move CSSM cannot execute (it crosses Smart Accounts).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NotExec {
    license: String,
    from: String,
    to: String,
    quantity: u64,
    #[allow(dead_code)]
    reason: String,
}

/// The whole transfers.json.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Transfers {
    requests: Vec<Request>,
    not_executable: Vec<NotExec>,
}

/// Units per (from, to, licence).
type Sent = BTreeMap<(VaId, VaId, LicId), u128>;

const F: &str = "transfers.json";

impl Verifier<'_> {
    /// transfers.json: read, then each side checked against moves.csv, then the
    /// perpetual units.
    pub(super) fn transfers(&mut self, t: &Tables) {
        let Some(text) = read_text(&mut self.rep, self.dir, F) else {
            return;
        };
        let tr: Transfers = match serde_json::from_str(&text) {
            Ok(x) => x,
            Err(e) => {
                self.rep
                    .fail(format!("{F}: not the transfer request format: {e}"));
                return;
            }
        };
        let (sent, perpetual) = self.requests(&tr.requests);
        let crossing = self.not_executable(&tr.not_executable);
        let out_same = self.transfer_sides(t, &sent, &crossing);
        self.perpetual_first(&out_same, &perpetual);
    }

    /// The requests, within CSSM's limits: units sent per (from, to, licence), and the
    /// units typed PERPETUAL per (from, licence).
    fn requests(&mut self, requests: &[Request]) -> (Sent, BTreeMap<Key, u128>) {
        use crate::plan::transfers::{MAX_ENTRIES, MAX_UNITS};
        let mut sent: BTreeMap<(VaId, VaId, LicId), u128> = BTreeMap::new();
        let mut perpetual: BTreeMap<Key, u128> = BTreeMap::new();
        for (n, req) in requests.iter().enumerate() {
            let at = format!("{F}: requests[{n}]");
            let k = req.body.licenses.len();
            self.rep.check((1..=MAX_ENTRIES).contains(&k), || {
                format!("{at}: {k} licence entries (CSSM takes 1 to {MAX_ENTRIES})")
            });
            let Some(&from) = self.m.va_by_sa.get(&(
                req.smart_account.clone(),
                req.source_virtual_account.clone(),
            )) else {
                self.rep.fail(format!(
                    "{at}: unknown source VA {}/{}",
                    req.smart_account, req.source_virtual_account
                ));
                continue;
            };
            for (j, en) in req.body.licenses.iter().enumerate() {
                let at = format!("{at}.body.licenses[{j}]");
                let q = u128::from(en.quantity);
                self.rep
                    .check((1..=u128::from(MAX_UNITS)).contains(&q), || {
                        format!("{at}: quantity {q} (CSSM takes 1 to {MAX_UNITS})")
                    });
                let kind_ok = matches!(en.license_type.as_str(), "PERPETUAL" | "TERM");
                self.rep.check(kind_ok, || {
                    format!(
                        "{at}: licenseType {:?} is not PERPETUAL or TERM",
                        en.license_type
                    )
                });
                let to = self
                    .m
                    .va_by_sa
                    .get(&(req.smart_account.clone(), en.target_virtual_account.clone()))
                    .copied();
                let (Some(to), Some(&lic)) = (to, self.m.lic_by_name.get(&en.license)) else {
                    self.rep.fail(format!(
                        "{at}: unknown target VA {:?} or licence {:?}",
                        en.target_virtual_account, en.license
                    ));
                    continue;
                };
                *sent.entry((from, to, lic)).or_default() += q;
                if en.license_type == "PERPETUAL" {
                    *perpetual.entry((from, lic)).or_default() += q;
                }
            }
        }
        (sent, perpetual)
    }

    /// The moves CSSM cannot execute, per (from, to, licence).
    fn not_executable(&mut self, not_executable: &[NotExec]) -> Sent {
        let mut crossing: Sent = BTreeMap::new();
        for (n, ne) in not_executable.iter().enumerate() {
            let (from, to, lic) = (
                self.m.va_by_label.get(&ne.from),
                self.m.va_by_label.get(&ne.to),
                self.m.lic_by_name.get(&ne.license),
            );
            let (Some(&from), Some(&to), Some(&lic)) = (from, to, lic) else {
                self.rep.fail(format!(
                    "{F}: notExecutable[{n}]: unknown VA or licence ({} -> {}, {})",
                    ne.from, ne.to, ne.license
                ));
                continue;
            };
            *crossing.entry((from, to, lic)).or_default() += u128::from(ne.quantity);
        }
        crossing
    }

    /// The same moves as moves.csv, each on its side. Returns the units moved out inside
    /// a Smart Account per (VA, licence).
    fn transfer_sides(&mut self, t: &Tables, sent: &Sent, crossing: &Sent) -> BTreeMap<Key, u128> {
        // The same moves as moves.csv, split by whether they stay inside a Smart Account.
        let same_sa =
            |f: VaId, to: VaId| self.m.e.vas[f as usize].sa == self.m.e.vas[to as usize].sa;
        let mut out_same: BTreeMap<Key, u128> = BTreeMap::new();
        let mut keys: BTreeSet<(VaId, VaId, LicId)> = t.moves.keys().copied().collect();
        keys.extend(sent.keys().copied());
        keys.extend(crossing.keys().copied());
        for k in keys {
            let want = t.moves.get(&k).copied().unwrap_or(0);
            let (f, to, lic) = k;
            let inside = same_sa(f, to);
            if inside {
                *out_same.entry((f, lic)).or_default() += want;
            }
            let (got, other, what) = if inside {
                (sent, crossing, "requests")
            } else {
                (crossing, sent, "notExecutable")
            };
            let g = got.get(&k).copied().unwrap_or(0);
            let o = other.get(&k).copied().unwrap_or(0);
            self.rep.check(g == want && o == 0, || {
                format!(
                    "{F}: {} -> {} {}: moves.csv moves {want}, the {what} carry {g}{}",
                    self.m.label(f),
                    self.m.label(to),
                    self.m.lic(lic),
                    if o > 0 {
                        format!(" (and {o} are listed on the wrong side)")
                    } else {
                        String::new()
                    }
                )
            });
        }
        out_same
    }

    /// Perpetual units go first: the units typed PERPETUAL per (VA, licence).
    fn perpetual_first(&mut self, out_same: &BTreeMap<Key, u128>, perpetual: &BTreeMap<Key, u128>) {
        // Perpetual units go first; reserved units are pinned on term lots first.
        let avail_all = self.movable_perpetual(&out_same.keys().copied().collect());
        for (&(va, lic), &out) in out_same {
            let avail = avail_all.get(&(va, lic)).copied().unwrap_or(0);
            let want = out.min(avail);
            let got = perpetual.get(&(va, lic)).copied().unwrap_or(0);
            self.rep.check(got == want, || {
                format!(
                    "{F}: {} {}: {got} units typed PERPETUAL, expected {want} (perpetual units move first; {avail} are movable)",
                    self.m.label(va),
                    self.m.lic(lic)
                )
            });
        }
    }

    /// Movable perpetual units at t of the given cells: non-PAK perpetual lots in force,
    /// less the reservations that term lots cannot hold (reservations pin term units first).
    pub(super) fn movable_perpetual(&self, keys: &BTreeSet<Key>) -> BTreeMap<Key, u128> {
        let mut lots: BTreeMap<Key, (u128, u128)> = BTreeMap::new();
        for lot in &self.m.e.lots {
            let k = (lot.va, lot.lic);
            if keys.contains(&k) && lot.source != Source::Pak && in_force(lot, self.m.t) {
                let e = lots.entry(k).or_default();
                if lot.license_type == LicenseType::Perpetual {
                    e.0 += u128::from(lot.quantity);
                } else {
                    e.1 += u128::from(lot.quantity);
                }
            }
        }
        keys.iter()
            .map(|&k| {
                let (perp, term) = lots.get(&k).copied().unwrap_or_default();
                let c = self.m.cell(k);
                let reserved_pin = c.pinned.saturating_sub(c.pak);
                (k, perp.saturating_sub(reserved_pin.saturating_sub(term)))
            })
            .collect()
    }
}
