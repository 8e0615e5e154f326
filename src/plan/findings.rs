//! Findings: what an advisor should look at before acting, one row each (README, "Outputs"
//! `findings.csv`). The `kind` vocabulary is [`KINDS`].

use chrono::{Duration, NaiveDate};
use rustc_hash::FxHashMap;

use crate::estate::{
    ids_by, CmdbState, Estate, Instance, LicenseType, Lot, LotStatus, Reservation, Usage, VaId,
};
use crate::plan::Position;

/// What a finding is about. Declared in name order, so findings sort as their names do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// `ea_not_deposited`: units an Enterprise Agreement entitles but nobody generated, which would cover a shortfall.
    EaNotDeposited,
    /// `ea_true_forward_exposure`: EA consumption above its entitlement, charged at the next true-forward.
    EaTrueForwardExposure,
    /// `idle_surplus`: licences entitled in a VA and still unused after the plan.
    IdleSurplus,
    /// `lot_dates_inverted`: an entitlement lot whose end date precedes its start date (never in force).
    LotDatesInverted,
    /// `lot_expired`: a lot already expired or cancelled at as_of.
    LotExpired,
    /// `lot_expiring`: a term lot in force at as_of that ends within 90 days.
    LotExpiring,
    /// `lot_not_started`: a lot that starts after as_of.
    LotNotStarted,
    /// `not_in_cmdb`: a registered instance the CMDB does not list.
    NotInCmdb,
    /// `out_of_compliance`: a VA short of a licence in the vendor's per-VA reading.
    OutOfCompliance,
    /// `pack_remainder`: units of a bought pack left over once the VA's demand is met.
    PackRemainder,
    /// `retired_in_cmdb`: an instance retired in the CMDB but still registered in CSSM.
    RetiredInCmdb,
    /// `stale_instance`: an instance that has not reported for more than stale_after_days.
    StaleInstance,
    /// `stranded_reservation`: a reservation (SLR/PLR) held by a stale or retired device.
    StrandedReservation,
    /// `term_lot_without_dates`: a TERM or SUBSCRIPTION lot with no end date (counted as in force, with no end).
    TermLotWithoutDates,
    /// `usage_mismatch`: usage.csv disagrees with the sum of instances.csv (instances win).
    UsageMismatch,
}

impl FindingKind {
    /// Every kind, in name order.
    pub const ALL: [FindingKind; 15] = [
        FindingKind::EaNotDeposited,
        FindingKind::EaTrueForwardExposure,
        FindingKind::IdleSurplus,
        FindingKind::LotDatesInverted,
        FindingKind::LotExpired,
        FindingKind::LotExpiring,
        FindingKind::LotNotStarted,
        FindingKind::NotInCmdb,
        FindingKind::OutOfCompliance,
        FindingKind::PackRemainder,
        FindingKind::RetiredInCmdb,
        FindingKind::StaleInstance,
        FindingKind::StrandedReservation,
        FindingKind::TermLotWithoutDates,
        FindingKind::UsageMismatch,
    ];

    /// The kind as `findings.csv` writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            FindingKind::EaNotDeposited => "ea_not_deposited",
            FindingKind::EaTrueForwardExposure => "ea_true_forward_exposure",
            FindingKind::IdleSurplus => "idle_surplus",
            FindingKind::LotDatesInverted => "lot_dates_inverted",
            FindingKind::LotExpired => "lot_expired",
            FindingKind::LotExpiring => "lot_expiring",
            FindingKind::LotNotStarted => "lot_not_started",
            FindingKind::NotInCmdb => "not_in_cmdb",
            FindingKind::OutOfCompliance => "out_of_compliance",
            FindingKind::PackRemainder => "pack_remainder",
            FindingKind::RetiredInCmdb => "retired_in_cmdb",
            FindingKind::StaleInstance => "stale_instance",
            FindingKind::StrandedReservation => "stranded_reservation",
            FindingKind::TermLotWithoutDates => "term_lot_without_dates",
            FindingKind::UsageMismatch => "usage_mismatch",
        }
    }

    /// What the kind means (documented in the README).
    pub const fn meaning(self) -> &'static str {
        match self {
            FindingKind::EaNotDeposited => {
                "units an Enterprise Agreement entitles but nobody generated into the Smart Account, which would cover a shortfall of the plan: generate them instead of buying"
            }
            FindingKind::EaTrueForwardExposure => {
                "EA consumption above its entitlement (the overage); the detail gives the charge at the next true-forward"
            }
            FindingKind::IdleSurplus => "licences entitled in a VA and still unused after the plan",
            FindingKind::LotDatesInverted => {
                "an entitlement lot whose end date precedes its start date (never in force)"
            }
            FindingKind::LotExpired => "a lot already expired or cancelled at as_of",
            FindingKind::LotExpiring => "a term lot in force at as_of that ends within 90 days",
            FindingKind::LotNotStarted => "a lot that starts after as_of",
            FindingKind::NotInCmdb => "a registered instance the CMDB does not list",
            FindingKind::OutOfCompliance => {
                "a VA short of a licence in the vendor's per-VA reading (units short, before packs)"
            }
            FindingKind::PackRemainder => {
                "units of a bought pack left over once the VA's demand is met (not idle licences)"
            }
            FindingKind::RetiredInCmdb => {
                "an instance retired in the CMDB but still registered in CSSM"
            }
            FindingKind::StaleInstance => {
                "an instance that has not reported for more than stale_after_days"
            }
            FindingKind::StrandedReservation => {
                "a reservation (SLR/PLR) held by a stale or retired device"
            }
            FindingKind::TermLotWithoutDates => {
                "a TERM or SUBSCRIPTION lot with no end date (counted as in force, with no end)"
            }
            FindingKind::UsageMismatch => {
                "usage.csv disagrees with the sum of instances.csv (instances win)"
            }
        }
    }
}

/// Lets a kind be compared with its `findings.csv` word.
impl PartialEq<&str> for FindingKind {
    fn eq(&self, word: &&str) -> bool {
        self.as_str() == *word
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every finding kind, with what it means (documented in the README).
pub const KINDS: &[(&str, &str)] = &[
    (
        FindingKind::EaNotDeposited.as_str(),
        FindingKind::EaNotDeposited.meaning(),
    ),
    (
        FindingKind::EaTrueForwardExposure.as_str(),
        FindingKind::EaTrueForwardExposure.meaning(),
    ),
    (
        FindingKind::IdleSurplus.as_str(),
        FindingKind::IdleSurplus.meaning(),
    ),
    (
        FindingKind::LotDatesInverted.as_str(),
        FindingKind::LotDatesInverted.meaning(),
    ),
    (
        FindingKind::LotExpired.as_str(),
        FindingKind::LotExpired.meaning(),
    ),
    (
        FindingKind::LotExpiring.as_str(),
        FindingKind::LotExpiring.meaning(),
    ),
    (
        FindingKind::LotNotStarted.as_str(),
        FindingKind::LotNotStarted.meaning(),
    ),
    (
        FindingKind::NotInCmdb.as_str(),
        FindingKind::NotInCmdb.meaning(),
    ),
    (
        FindingKind::OutOfCompliance.as_str(),
        FindingKind::OutOfCompliance.meaning(),
    ),
    (
        FindingKind::PackRemainder.as_str(),
        FindingKind::PackRemainder.meaning(),
    ),
    (
        FindingKind::RetiredInCmdb.as_str(),
        FindingKind::RetiredInCmdb.meaning(),
    ),
    (
        FindingKind::StaleInstance.as_str(),
        FindingKind::StaleInstance.meaning(),
    ),
    (
        FindingKind::StrandedReservation.as_str(),
        FindingKind::StrandedReservation.meaning(),
    ),
    (
        FindingKind::TermLotWithoutDates.as_str(),
        FindingKind::TermLotWithoutDates.meaning(),
    ),
    (
        FindingKind::UsageMismatch.as_str(),
        FindingKind::UsageMismatch.meaning(),
    ),
];

/// Days before the end of a term lot that count as "expiring soon".
pub const EXPIRING_WITHIN_DAYS: i64 = 90;

/// One row of `findings.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// What kind of finding (its `findings.csv` word is [`FindingKind::as_str`]).
    pub kind: FindingKind,
    /// Smart Account.
    pub smart_account: String,
    /// Virtual Account.
    pub virtual_account: String,
    /// Licence.
    pub license: String,
    /// Instance name (instance findings only).
    pub instance: String,
    /// Units concerned.
    pub quantity: u64,
    /// Plain-English detail.
    pub detail: String,
}

/// Findings being collected. A finding pushed from the estate's ids also records them, so
/// the final sort compares ranks instead of strings for most rows.
struct Ctx<'a> {
    estate: &'a Estate,
    out: Vec<Finding>,
    /// (VA, licence) ids of each finding of `out` pushed by [`Ctx::push`]; `None` for the
    /// others (positions, EA lines, warnings), which are ranked by their names.
    ids: Vec<Option<(VaId, u32)>>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        kind: FindingKind,
        va: VaId,
        lic: u32,
        instance: &str,
        quantity: u64,
        detail: String,
    ) {
        let e = self.estate;
        self.out.push(Finding {
            kind,
            smart_account: e.sa_name(va).to_string(),
            virtual_account: e.vas[va as usize].name.clone(),
            license: e.licences[lic as usize].clone(),
            instance: instance.to_string(),
            quantity,
            detail,
        });
        self.ids.push(Some((va, lic)));
    }

    /// Pushes a finding built from names (no ids).
    fn push_named(&mut self, f: Finding) {
        self.out.push(f);
        self.ids.push(None);
    }
}

/// Collects the findings of a case at `as_of`, with positions from a plan (or from the
/// vendor view, for `check`) for compliance and idle surplus.
pub fn collect(
    estate: &Estate,
    as_of: NaiveDate,
    stale_after_days: u32,
    positions: &[Position],
) -> Vec<Finding> {
    let cutoff = as_of - Duration::days(stale_after_days as i64);
    let mismatches = usage_mismatches(estate);
    let ea = super::ea::findings(estate, positions);
    // Room for exactly the findings up front (each source counted as it will push), so a
    // large table neither copies itself at each doubling nor reserves rows it never
    // fills (issue 13).
    let expected = positions.iter().map(position_finding_count).sum::<usize>()
        + estate
            .lots
            .iter()
            .map(|l| lot_finding_count(l, as_of))
            .sum::<usize>()
        + estate
            .instances
            .iter()
            .flatten()
            .map(|i| InstanceState::of(estate, i, cutoff).kinds().count())
            .sum::<usize>()
        + mismatches.len()
        + estate.warnings.len()
        + ea.len();
    let mut cx = Ctx {
        estate,
        out: Vec::with_capacity(expected),
        ids: Vec::with_capacity(expected),
    };
    lots(&mut cx, as_of);
    instances(&mut cx, as_of, stale_after_days);
    for (k, a, b) in mismatches {
        cx.push(
            FindingKind::UsageMismatch,
            k.0,
            k.1,
            "",
            a.in_use.abs_diff(b.in_use),
            format!(
                "usage.csv: in use {}, reserved {}; instances.csv: in use {}, reserved {}",
                a.in_use, a.reserved, b.in_use, b.reserved
            ),
        );
    }
    for w in &estate.warnings {
        cx.push_named(Finding {
            kind: FindingKind::LotDatesInverted,
            smart_account: String::new(),
            virtual_account: String::new(),
            license: String::new(),
            instance: String::new(),
            quantity: 0,
            detail: w.to_string(),
        });
    }
    let units_short = UnitsShort::new(estate, as_of);
    for p in positions {
        position_findings(&mut cx, &units_short, p);
    }
    for f in ea {
        cx.push_named(f);
    }
    debug_assert_eq!(cx.out.len(), expected, "the findings were counted exactly");
    sorted(estate, cx.out, &cx.ids)
}

/// `findings` in their order ([`Finding`]'s `Ord`: kind, Smart Account, VA, licence,
/// instance, quantity, detail). The names are ranked once (every distinct name the
/// findings hold, sorted), so rows compare by integers except where kind and all three
/// names are equal; equal findings are identical, so the unstable sort is exact.
fn sorted(estate: &Estate, findings: Vec<Finding>, ids: &[Option<(VaId, u32)>]) -> Vec<Finding> {
    let mut names: Vec<&str> = estate.sas.iter().map(String::as_str).collect();
    names.extend(estate.vas.iter().map(|v| v.name.as_str()));
    names.extend(estate.licences.iter().map(String::as_str));
    for (f, id) in findings.iter().zip(ids) {
        if id.is_none() {
            names.extend([
                f.smart_account.as_str(),
                f.virtual_account.as_str(),
                f.license.as_str(),
            ]);
        }
    }
    names.sort_unstable();
    names.dedup();
    let rank = |name: &str| names.binary_search(&name).expect("every name is ranked") as u128;
    let sa_rank: Vec<u128> = estate.sas.iter().map(|s| rank(s)).collect();
    let va_rank: Vec<u128> = estate.vas.iter().map(|v| rank(&v.name)).collect();
    let lic_rank: Vec<u128> = estate.licences.iter().map(|l| rank(l)).collect();
    // (kind, Smart Account, VA, licence) in one integer: 8 bits for the kind, 40 for each
    // rank (there are far fewer than 2^40 names).
    let key = |kind: FindingKind, sa: u128, va: u128, lic: u128| {
        ((kind as u128) << 120) | (sa << 80) | (va << 40) | lic
    };
    let mut order: Vec<(u128, u32)> = findings
        .iter()
        .zip(ids)
        .enumerate()
        .map(|(i, (f, id))| {
            let k = match *id {
                Some((va, lic)) => key(
                    f.kind,
                    sa_rank[estate.vas[va as usize].sa as usize],
                    va_rank[va as usize],
                    lic_rank[lic as usize],
                ),
                None => key(
                    f.kind,
                    rank(&f.smart_account),
                    rank(&f.virtual_account),
                    rank(&f.license),
                ),
            };
            (k, i as u32)
        })
        .collect();
    order.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            let (x, y) = (&findings[a.1 as usize], &findings[b.1 as usize]);
            (&x.instance, x.quantity, &x.detail).cmp(&(&y.instance, y.quantity, &y.detail))
        })
    });
    let mut perm: Vec<u32> = order.into_iter().map(|(_, i)| i).collect();
    let mut findings = findings;
    permute(&mut findings, &mut perm);
    findings
}

/// Puts `v[perm[i]]` at `i` for every `i`, in place (following the permutation's cycles,
/// one swap per moved element): no second copy of a large table is made. `perm` is left
/// as the identity.
fn permute<T>(v: &mut [T], perm: &mut [u32]) {
    for start in 0..v.len() {
        let mut cur = start;
        while perm[cur] as usize != cur {
            let next = perm[cur] as usize;
            perm[cur] = cur as u32;
            if next == start {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

/// The units a VA is short of a licence in the vendor's per-VA reading at as_of, before
/// packs: in use as exported minus the lots in force. Inside a substitution family a tier's
/// shortfall depends on the other tiers, so there it is the vendor's per-VA purchase.
struct UnitsShort<'a> {
    entitled: FxHashMap<(VaId, u32), u64>,
    family: Vec<bool>,
    lic: FxHashMap<&'a str, u32>,
    va: FxHashMap<(&'a str, &'a str), VaId>,
}

impl<'a> UnitsShort<'a> {
    fn new(estate: &'a Estate, as_of: NaiveDate) -> Self {
        let mut entitled: FxHashMap<(VaId, u32), u64> = FxHashMap::default();
        for lot in estate.lots.iter().filter(|l| l.active_at(as_of)) {
            *entitled.entry((lot.va, lot.lic)).or_default() += lot.quantity;
        }
        let mut family = vec![false; estate.licences.len()];
        for &(h, l) in &estate.substitutions {
            family[h as usize] = true;
            family[l as usize] = true;
        }
        // The first VA of each (Smart Account, VA) name, as `Estate::find_va` finds it.
        let va = ids_by(&estate.vas, |v| {
            (estate.sas[v.sa as usize].as_str(), v.name.as_str())
        });
        UnitsShort {
            entitled,
            family,
            lic: ids_by(&estate.licences, String::as_str),
            va,
        }
    }

    /// The (VA, licence) ids of `p`, when the estate has them.
    fn ids(&self, p: &Position) -> Option<(VaId, u32)> {
        let va = self
            .va
            .get(&(p.smart_account.as_str(), p.virtual_account.as_str()))?;
        Some((*va, *self.lic.get(p.license.as_str())?))
    }

    /// Units short of `p`'s licence in its VA (at most the vendor's purchase there).
    fn of(&self, p: &Position) -> u64 {
        match self.ids(p) {
            Some((va, lic)) if !self.family[lic as usize] => {
                let s = self.entitled.get(&(va, lic)).copied().unwrap_or(0);
                p.in_use.saturating_sub(s).min(p.vendor_shortfall)
            }
            _ => p.vendor_shortfall,
        }
    }
}

/// How many findings [`position_findings`] makes of `p`.
fn position_finding_count(p: &Position) -> usize {
    let spare = p.surplus_after.min(p.purchased);
    usize::from(p.vendor_shortfall > 0)
        + usize::from(spare > 0)
        + usize::from(p.surplus_after > spare)
}

/// The findings of one position: the vendor's shortfall (units short), the spare units of
/// bought packs, and licences left idle.
fn position_findings(cx: &mut Ctx, units_short: &UnitsShort, p: &Position) {
    // One finding of the position: `quantity` units of `kind`.
    let ids = units_short.ids(p);
    let mut push = |kind, quantity, detail| {
        cx.out.push(Finding {
            kind,
            smart_account: p.smart_account.clone(),
            virtual_account: p.virtual_account.clone(),
            license: p.license.clone(),
            instance: String::new(),
            quantity,
            detail,
        });
        cx.ids.push(ids);
    };
    if p.vendor_shortfall > 0 {
        let short = units_short.of(p);
        let detail = if short < p.vendor_shortfall {
            format!(
                "the vendor's per-VA reading finds {short} short here (in use {}); bought in packs, that is {}",
                p.in_use, p.vendor_shortfall
            )
        } else {
            format!(
                "the vendor's per-VA reading finds {short} short here (in use {})",
                p.in_use
            )
        };
        push(FindingKind::OutOfCompliance, short, detail);
    }
    // Units bought into a VA beyond its demand are the remainder of a pack, not licences
    // the customer holds unused.
    let spare = p.surplus_after.min(p.purchased);
    if spare > 0 {
        let detail = format!(
            "{spare} of the {} units bought here are the rest of a pack (demand {})",
            p.purchased, p.demand
        );
        push(FindingKind::PackRemainder, spare, detail);
    }
    let idle = p.surplus_after - spare;
    if idle > 0 {
        let detail = format!(
            "{idle} entitled here are left unused (entitled {}, demand {})",
            p.entitled, p.demand
        );
        push(FindingKind::IdleSurplus, idle, detail);
    }
}

/// What a lot's dates and status report, with the figures its detail shows.
#[derive(Debug, Clone, Copy)]
enum LotNote {
    /// `lot_expired` by its status (EXPIRED or CANCELLED), with its end date if any.
    Gone(LotStatus, Option<NaiveDate>),
    /// `lot_expired`: ended before as_of.
    Ended(NaiveDate),
    /// `lot_not_started`: starts after as_of.
    Starts(NaiveDate),
    /// `lot_expiring`: ends within [`EXPIRING_WITHIN_DAYS`] of as_of.
    Ends(NaiveDate),
}

impl LotNote {
    fn kind(self) -> FindingKind {
        match self {
            LotNote::Gone(..) | LotNote::Ended(_) => FindingKind::LotExpired,
            LotNote::Starts(_) => FindingKind::LotNotStarted,
            LotNote::Ends(_) => FindingKind::LotExpiring,
        }
    }
}

/// What a lot reports at as_of, in the order [`lots`] pushes it: the word of a TERM or
/// SUBSCRIPTION lot that counts but has no end date (`term_lot_without_dates`), and the
/// note of its dates. A lot without units, or with inverted dates (reported as
/// `lot_dates_inverted` from the estate's warnings), reports nothing.
fn lot_notes(lot: &Lot, as_of: NaiveDate) -> (Option<&'static str>, Option<LotNote>) {
    let inverted = matches!((lot.start, lot.end), (Some(s), Some(e)) if e < s);
    if lot.quantity == 0 || inverted {
        return (None, None);
    }
    let gone = matches!(lot.status, LotStatus::Expired | LotStatus::Cancelled);
    // A term ends: a term lot with no end date still counts as in force, with a warning
    // (no figure depends on it).
    let undated_term = match lot.license_type {
        LicenseType::Term => Some("TERM"),
        LicenseType::Subscription => Some("SUBSCRIPTION"),
        LicenseType::Perpetual | LicenseType::Demo => None,
    }
    .filter(|_| lot.end.is_none() && !gone);
    let soon = as_of + Duration::days(EXPIRING_WITHIN_DAYS);
    let note = match (lot.status, lot.start, lot.end) {
        (LotStatus::Expired | LotStatus::Cancelled, _, end) => Some(LotNote::Gone(lot.status, end)),
        (_, _, Some(e)) if e < as_of => Some(LotNote::Ended(e)),
        (_, Some(s), _) if s > as_of => Some(LotNote::Starts(s)),
        (_, _, Some(e)) if e <= soon => Some(LotNote::Ends(e)),
        _ => None,
    };
    (undated_term, note)
}

/// How many findings [`lots`] makes of `lot`.
fn lot_finding_count(lot: &Lot, as_of: NaiveDate) -> usize {
    let (undated_term, note) = lot_notes(lot, as_of);
    usize::from(undated_term.is_some()) + usize::from(note.is_some())
}

fn lots(cx: &mut Ctx, as_of: NaiveDate) {
    for lot in &cx.estate.lots {
        let (undated_term, note) = lot_notes(lot, as_of);
        if let Some(word) = undated_term {
            let detail = format!(
                "a {word} lot with no end_date: counted as in force with no end (fill in its end_date)"
            );
            cx.push(
                FindingKind::TermLotWithoutDates,
                lot.va,
                lot.lic,
                "",
                lot.quantity,
                detail,
            );
        }
        let Some(note) = note else {
            continue;
        };
        let detail = match note {
            LotNote::Gone(status, end) => format!(
                "status {}{}",
                if status == LotStatus::Expired {
                    "EXPIRED"
                } else {
                    "CANCELLED"
                },
                end.map_or(String::new(), |e| format!(", ended {e}"))
            ),
            LotNote::Ended(e) => format!("ended {e}"),
            LotNote::Starts(s) => format!("starts {s}"),
            LotNote::Ends(e) => format!("ends {e}, {} days after as_of", (e - as_of).num_days()),
        };
        cx.push(note.kind(), lot.va, lot.lic, "", lot.quantity, detail);
    }
}

/// What an instance's CMDB state, last contact and reservation make of it.
struct InstanceState {
    /// Retired in the CMDB.
    retired: bool,
    /// Silent for more than stale_after_days.
    stale: bool,
    /// Holds an SLR or PLR reservation.
    reserved: bool,
    /// Not listed in the CMDB.
    not_listed: bool,
}

impl InstanceState {
    fn of(e: &Estate, i: &Instance, cutoff: NaiveDate) -> Self {
        let cmdb = e.cmdb_state(i.name);
        InstanceState {
            retired: cmdb == Some(CmdbState::Retired),
            stale: i.last_contact.is_some_and(|lc| lc < cutoff),
            reserved: i.reservation != Reservation::None,
            not_listed: cmdb == Some(CmdbState::NotListed),
        }
    }

    /// The instance's findings, in the order [`instances`] pushes them: retired in the
    /// CMDB or else stale, a reservation stranded by either, not listed in the CMDB.
    fn kinds(&self) -> impl Iterator<Item = FindingKind> {
        [
            self.retired.then_some(FindingKind::RetiredInCmdb),
            (self.stale && !self.retired).then_some(FindingKind::StaleInstance),
            (self.reserved && (self.retired || self.stale))
                .then_some(FindingKind::StrandedReservation),
            self.not_listed.then_some(FindingKind::NotInCmdb),
        ]
        .into_iter()
        .flatten()
    }
}

fn instances(cx: &mut Ctx, as_of: NaiveDate, stale_after_days: u32) {
    let e = cx.estate;
    let cutoff = as_of - Duration::days(stale_after_days as i64);
    for i in e.instances.iter().flatten() {
        let name = e.instance_names.get(i.name);
        let state = InstanceState::of(e, i, cutoff);
        for kind in state.kinds() {
            let detail = match kind {
                FindingKind::RetiredInCmdb => "retired in the CMDB but still registered".into(),
                FindingKind::StaleInstance => {
                    let lc = i.last_contact.expect("stale instances have a last contact");
                    format!(
                        "no contact for {} days (last {lc}; threshold {stale_after_days})",
                        (as_of - lc).num_days()
                    )
                }
                FindingKind::StrandedReservation => format!(
                    "{} reservation held by a {} device",
                    if i.reservation == Reservation::Plr {
                        "PLR"
                    } else {
                        "SLR"
                    },
                    if state.retired { "retired" } else { "stale" }
                ),
                _ => "registered in CSSM but not listed in the CMDB".into(),
            };
            cx.push(kind, i.va, i.lic, name, i.quantity, detail);
        }
    }
}

/// The (VA, licence) cells where usage.csv disagrees with the sum of instances.csv, in id
/// order, with usage.csv's figures and the instances' sums; none unless the case has both.
fn usage_mismatches(e: &Estate) -> Vec<((VaId, u32), Usage, Usage)> {
    let Some(list) = e.instances.as_ref().filter(|_| !e.usage.is_empty()) else {
        return Vec::new();
    };
    let mut sums: FxHashMap<(VaId, u32), Usage> = FxHashMap::default();
    for i in list {
        let u = sums.entry((i.va, i.lic)).or_default();
        u.in_use += i.quantity;
        if i.reservation != Reservation::None {
            u.reserved += i.quantity;
        }
    }
    let mut keys: Vec<(VaId, u32)> = sums.keys().chain(e.usage.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let a = e.usage.get(&k).copied().unwrap_or_default();
            let b = sums.get(&k).copied().unwrap_or_default();
            (a != b).then_some((k, a, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_puts_each_element_where_the_permutation_says() {
        // Every permutation of 5 elements (and a few larger cycles) against a plain gather.
        let n = 5u32;
        let mut p: Vec<u32> = (0..n).collect();
        let mut all = Vec::new();
        fn each(k: usize, p: &mut Vec<u32>, all: &mut Vec<Vec<u32>>) {
            if k == p.len() {
                all.push(p.clone());
                return;
            }
            for i in k..p.len() {
                p.swap(k, i);
                each(k + 1, p, all);
                p.swap(k, i);
            }
        }
        each(0, &mut p, &mut all);
        all.push((1..200).chain([0]).collect());
        all.push((0..200).rev().collect());
        assert_eq!(all.len(), 122);
        for perm in all {
            let v: Vec<String> = (0..perm.len()).map(|i| format!("x{i}")).collect();
            let want: Vec<String> = perm.iter().map(|&i| v[i as usize].clone()).collect();
            let (mut got, mut q) = (v, perm.clone());
            permute(&mut got, &mut q);
            assert_eq!(got, want, "{perm:?}");
            assert!(q.iter().enumerate().all(|(i, &j)| i == j as usize));
        }
    }

    #[test]
    fn kinds_sort_as_their_names() {
        let names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert!(FindingKind::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(KINDS.len(), FindingKind::ALL.len());
    }
}
