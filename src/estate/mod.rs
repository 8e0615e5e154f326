//! The typed estate: a case folder read, validated and interned into small integer ids.

pub mod ea;
mod load;
mod names;
mod rows;

pub use ea::{EaItem, EaRow, EaUnits};
pub use load::{load_case, CaseFiles};
pub use names::NameArena;

use std::collections::HashMap;

use chrono::NaiveDate;

/// Index of a Smart Account in [`Estate::sas`].
pub type SaId = u32;
/// Index of a Virtual Account in [`Estate::vas`].
pub type VaId = u32;
/// Index of a licence in [`Estate::licences`].
pub type LicId = u32;

/// Kind of an entitlement lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseType {
    /// Never ends.
    Perpetual,
    /// Ends at `end_date`.
    Term,
    /// Ends at `end_date`.
    Subscription,
    /// Evaluation licence.
    Demo,
}

/// Lifecycle status of an entitlement lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotStatus {
    /// In force.
    Active,
    /// Lapsed; never counts.
    Expired,
    /// Cancelled; never counts.
    Cancelled,
    /// Starts later.
    Future,
    /// Awaiting fulfilment.
    Pending,
}

/// Where an entitlement lot comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Smart Licensing (movable).
    Smart,
    /// Classic PAK, device-bound (pinned).
    Pak,
    /// Enterprise Agreement (movable).
    Ea,
}

/// Reservation kind of a product instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Not reserved.
    None,
    /// Specific Licence Reservation.
    Slr,
    /// Permanent Licence Reservation.
    Plr,
}

/// What the customer's CMDB (`cmdb.csv`) says of a product instance (README, "Input").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CmdbState {
    /// Not in the CMDB.
    #[default]
    NotListed,
    /// Listed and in service.
    InService,
    /// Listed as decommissioned, retired or disposed.
    Retired,
}

impl CmdbState {
    /// The state a free-text CMDB status means: retired for `decommissioned`, `retired`
    /// or `disposed` (any case), else in service.
    pub fn of_status(status: &str) -> Self {
        let s = status.trim();
        let gone = ["decommissioned", "retired", "disposed"]
            .iter()
            .any(|w| s.eq_ignore_ascii_case(w));
        if gone {
            CmdbState::Retired
        } else {
            CmdbState::InService
        }
    }
}

/// One entitlement lot (a row of `entitlements.csv`).
#[derive(Debug, Clone)]
pub struct Lot {
    /// Virtual Account holding it.
    pub va: VaId,
    /// Licence.
    pub lic: LicId,
    /// Units.
    pub quantity: u64,
    /// Perpetual, term, ...
    pub license_type: LicenseType,
    /// First day in force, if known.
    pub start: Option<NaiveDate>,
    /// Last day in force, if any.
    pub end: Option<NaiveDate>,
    /// Lifecycle status.
    pub status: LotStatus,
    /// Smart, PAK or EA.
    pub source: Source,
}

impl Lot {
    /// Whether the lot is in force on day `t` (`models/README.md`).
    pub fn active_at(&self, t: NaiveDate) -> bool {
        !matches!(self.status, LotStatus::Expired | LotStatus::Cancelled)
            && self.start.is_none_or(|s| s <= t)
            && self.end.is_none_or(|e| e >= t)
    }
}

/// One product instance (a row of `instances.csv`).
#[derive(Debug, Clone)]
pub struct Instance {
    /// Index into [`Estate::instance_names`].
    pub name: u32,
    /// Virtual Account it is registered to.
    pub va: VaId,
    /// Licence it consumes.
    pub lic: LicId,
    /// Units consumed.
    pub quantity: u64,
    /// Last time it reported, if known.
    pub last_contact: Option<NaiveDate>,
    /// Reservation kind.
    pub reservation: Reservation,
}

/// A Virtual Account.
#[derive(Debug, Clone)]
pub struct Va {
    /// Smart Account it belongs to.
    pub sa: SaId,
    /// Its name inside the Smart Account.
    pub name: String,
    /// Transfer group inside the Smart Account (`""` is the default pool).
    pub pool: String,
    /// Whether licences may not move in or out.
    pub locked: bool,
}

/// Consumption of one licence in one VA, as read from `usage.csv` or summed from instances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Units in use.
    pub in_use: u64,
    /// Of which reserved (pinned to devices).
    pub reserved: u64,
}

/// Price and pack size of one licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// Unit price in integer cents.
    pub cents: i64,
    /// Purchases come in multiples of this.
    pub pack: u64,
}

impl Default for Price {
    fn default() -> Self {
        Price {
            cents: 100,
            pack: 1,
        }
    }
}

/// A validated case: everything the model and the reports need, with names interned.
#[derive(Debug, Clone, Default)]
pub struct Estate {
    /// Case name (from `case.toml`, else the folder name).
    pub name: String,
    /// Date of the data export.
    pub as_of: Option<NaiveDate>,
    /// Currency code for money columns.
    pub currency: String,
    /// Renewal date from `case.toml`.
    pub renewal_date: Option<NaiveDate>,
    /// Smart Account names.
    pub sas: Vec<String>,
    /// Virtual Accounts.
    pub vas: Vec<Va>,
    /// Licence names.
    pub licences: Vec<String>,
    /// Entitlement lots.
    pub lots: Vec<Lot>,
    /// Consumption per (VA, licence) from `usage.csv` (instances override it, see `instances`).
    pub usage: rustc_hash::FxHashMap<(VaId, LicId), Usage>,
    /// Product instances, when `instances.csv` exists.
    pub instances: Option<Vec<Instance>>,
    /// Instance names.
    pub instance_names: NameArena,
    /// CMDB state per instance name id: `None` without `cmdb.csv`. Read it with
    /// [`Estate::cmdb_state`].
    pub cmdb: Option<Vec<CmdbState>>,
    /// Price per licence; `None` when there is no `prices.csv`.
    pub prices: Option<Vec<Option<Price>>>,
    /// Substitution pairs (higher tier, covered lower tier).
    pub substitutions: Vec<(LicId, LicId)>,
    /// Enterprise Agreement rows of `ea.csv` (empty without it).
    pub ea: Vec<EaRow>,
    /// Data files read, with their row counts.
    pub files: Vec<(String, usize)>,
    /// Where each of [`Estate::files`] was read from (a CSV file, or a workbook's sheet),
    /// in the same order.
    pub sources: Vec<crate::io::source::TableSource>,
    /// Problems that do not stop the case (e.g. a lot whose end precedes its start).
    pub warnings: Vec<crate::error::Diagnostic>,
}

impl Estate {
    /// Price of a licence: unit price 1.00 and pack 1 without `prices.csv`; `None` for a
    /// licence that `prices.csv` does not list (it has no demand, and cannot be bought).
    pub fn price(&self, lic: LicId) -> Option<Price> {
        match &self.prices {
            None => Some(Price::default()),
            Some(p) => p.get(lic as usize).copied().flatten(),
        }
    }

    /// Whether the CMDB lists the instance named `name` as retired (the hygiene rule's
    /// first half; false without `cmdb.csv`).
    pub fn retired_in_cmdb(&self, name: u32) -> bool {
        self.cmdb_state(name) == Some(CmdbState::Retired)
    }

    /// The CMDB state of the instance named `name`; `None` without `cmdb.csv`.
    pub fn cmdb_state(&self, name: u32) -> Option<CmdbState> {
        let states = self.cmdb.as_ref()?;
        Some(states.get(name as usize).copied().unwrap_or_default())
    }

    /// `SA/VA` label of a VA.
    pub fn va_label(&self, va: VaId) -> String {
        let v = &self.vas[va as usize];
        format!("{}/{}", self.sas[v.sa as usize], v.name)
    }

    /// Smart Account name of a VA.
    pub fn sa_name(&self, va: VaId) -> &str {
        &self.sas[self.vas[va as usize].sa as usize]
    }

    /// Finds a VA by Smart Account and VA name.
    pub fn find_va(&self, sa: &str, va: &str) -> Option<VaId> {
        self.vas
            .iter()
            .position(|v| v.name == va && self.sas[v.sa as usize] == sa)
            .map(|i| i as VaId)
    }

    /// Every licence's id by its name.
    pub fn licence_ids(&self) -> HashMap<String, LicId> {
        ids_by(&self.licences, |n| n.clone())
    }

    /// Finds a licence by name.
    pub fn find_licence(&self, name: &str) -> Option<LicId> {
        self.licences
            .iter()
            .position(|l| l == name)
            .map(|i| i as LicId)
    }
}

/// Each item's id (its index) by the key `key` gives it: a map from names to ids. Where
/// two items share a key, the first one's id, as the `find_` methods of [`Estate`] find it.
pub(crate) fn ids_by<'e, T, K, M>(items: &'e [T], key: impl Fn(&'e T) -> K) -> M
where
    M: FromIterator<(K, u32)>,
{
    // Last in wins in a map: the items go in from the last.
    let ids = items.iter().enumerate().rev();
    ids.map(|(i, item)| (key(item), i as u32)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdb_states() {
        assert_eq!(CmdbState::of_status(" Decommissioned "), CmdbState::Retired);
        assert_eq!(CmdbState::of_status("DISPOSED"), CmdbState::Retired);
        assert_eq!(CmdbState::of_status("in service"), CmdbState::InService);
        let mut e = Estate::default();
        assert_eq!(e.cmdb_state(0), None);
        e.cmdb = Some(vec![CmdbState::Retired]);
        assert_eq!(e.cmdb_state(0), Some(CmdbState::Retired));
        assert_eq!(e.cmdb_state(1), Some(CmdbState::NotListed));
    }
}
