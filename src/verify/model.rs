//! The model's parameters, computed here from the case with plain arithmetic, apart from
//! [`crate::model`]: supply, PAK, hygiene, demand, pinned units, residual demand and
//! movable supply per (VA, licence); pools, locks and merges; the vendor's reading.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use crate::estate::{Estate, LicId, LotStatus, Reservation, Source, VaId};
use crate::scenario::{EvaluateAt, Merge, RenewalPolicy, Scenario};

use super::money::wide;

/// Parameters of one (VA, licence); an absent cell is all zeros.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Cell {
    /// S: units of lots in force at t.
    pub(super) entitled: u128,
    /// PAK part of S.
    pub(super) pak: u128,
    /// In use as exported.
    pub(super) in_use_raw: u128,
    /// Reserved as exported.
    pub(super) reserved_raw: u128,
    /// d: in use after hygiene.
    pub(super) in_use: u128,
    /// R: reserved after hygiene.
    pub(super) reserved: u128,
    /// D.
    pub(super) demand: u128,
    /// min(S, PAK + R).
    pub(super) pinned: u128,
    /// D'.
    pub(super) residual: u128,
    /// M.
    pub(super) movable: u128,
}

impl Cell {
    pub(super) fn finish(&mut self, growth_bp: i64, buffer_bp: i64) {
        let num = i128::try_from(self.in_use)
            .unwrap_or(i128::MAX)
            .saturating_mul(10_000 + i128::from(growth_bp))
            .saturating_mul(10_000 + i128::from(buffer_bp));
        self.demand = if num <= 0 {
            0
        } else {
            // ⌈num / 10^8⌉ (num > 0)
            ((num - 1) / 100_000_000 + 1) as u128
        };
        self.pinned = self.entitled.min(self.pak + self.reserved);
        self.residual = self.demand.saturating_sub(self.pinned);
        self.movable = self.entitled - self.pinned;
    }
}

/// Whether a lot is in force on day `t` (`models/README.md`), written out here rather than shared.
pub(super) fn in_force(lot: &crate::estate::Lot, t: NaiveDate) -> bool {
    !matches!(lot.status, LotStatus::Expired | LotStatus::Cancelled)
        && lot.start.is_none_or(|s| s <= t)
        && lot.end.is_none_or(|e| e >= t)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Hygiene {
    pub(super) stale: u128,
    pub(super) retired: u128,
    pub(super) released_units: u128,
    pub(super) released_reservations: u128,
}

#[derive(Debug, Clone)]
pub(super) struct Pool {
    pub(super) label: String,
    pub(super) multi_sa: bool,
}

pub(super) struct Model<'a> {
    pub(super) e: &'a Estate,
    pub(super) as_of: NaiveDate,
    pub(super) t: NaiveDate,
    /// The renewal date the scenario evaluates at and sizes (`evaluate_at = "renewal"`).
    pub(super) renewal: Option<NaiveDate>,
    pub(super) cells: BTreeMap<(VaId, LicId), Cell>,
    /// The like-for-like reading at the renewal date: every expiring lot renewed, raw
    /// consumption, the scenario's growth and buffer (empty without a renewal).
    pub(super) quote_cells: BTreeMap<(VaId, LicId), Cell>,
    /// The vendor's reading: at as_of, raw consumption, no growth or buffer.
    pub(super) vendor_cells: BTreeMap<(VaId, LicId), Cell>,
    pub(super) pools: Vec<Pool>,
    pub(super) pool_of: Vec<usize>,
    pub(super) pooled: Vec<bool>,
    /// Family (connected component of the substitution pairs) of each licence.
    pub(super) family: Vec<Option<usize>>,
    /// Substitution applies in the plan's scenario.
    pub(super) substitution: bool,
    /// "h covers l", transitively.
    pub(super) reach: HashSet<(LicId, LicId)>,
    pub(super) hygiene: Hygiene,
    pub(super) lic_by_name: HashMap<String, LicId>,
    pub(super) va_by_sa: HashMap<(String, String), VaId>,
    pub(super) va_by_pool: HashMap<(String, String), VaId>,
    pub(super) va_by_label: HashMap<String, VaId>,
}

impl<'a> Model<'a> {
    /// The model of the case under the scenario, at `as_of`: the renewal date, pools,
    /// supply, consumption with hygiene, families, and the name lookups. An error names
    /// a merge or lock that does not fit the case.
    pub(super) fn build(
        e: &'a Estate,
        s: &Scenario,
        as_of: NaiveDate,
    ) -> std::result::Result<Self, String> {
        let renewal_date = match s.renewal {
            RenewalPolicy::FromCase => e.renewal_date,
            RenewalPolicy::Date(d) => Some(d),
            RenewalPolicy::Disabled => None,
        };
        // evaluate_at = "renewal" evaluates at the renewal date when there is one, else at
        // as_of; the default evaluates at as_of and sizes no renewal.
        let renewal = match s.evaluate_at {
            EvaluateAt::Renewal => renewal_date,
            EvaluateAt::AsOf => None,
        };
        let t = renewal.unwrap_or(as_of);
        let quote_cells = renewal.map_or_else(BTreeMap::new, |t| {
            like_for_like_cells(e, (s.policy.growth_bp, s.policy.buffer_bp), as_of, t)
        });
        let (pools, pool_of, pooled) = pools(e, s)?;
        let (mut cells, mut vendor_cells) = supply(e, t, as_of);
        let hygiene = consumption(e, s, as_of, &mut cells, &mut vendor_cells);
        for c in cells.values_mut() {
            c.finish(s.policy.growth_bp, s.policy.buffer_bp);
        }
        for c in vendor_cells.values_mut() {
            c.finish(0, 0);
        }
        let (family, reach) = families(e);
        let names = Names::new(e, &pools, &pool_of);
        Ok(Model {
            e,
            as_of,
            t,
            renewal,
            cells,
            quote_cells,
            vendor_cells,
            pools,
            pool_of,
            pooled,
            family,
            substitution: s.policy.substitution,
            reach,
            hygiene,
            lic_by_name: names.lic_by_name,
            va_by_sa: names.va_by_sa,
            va_by_pool: names.va_by_pool,
            va_by_label: names.va_by_label,
        })
    }

    pub(super) fn cell(&self, k: (VaId, LicId)) -> Cell {
        self.cells.get(&k).copied().unwrap_or_default()
    }

    /// Whether substitution couples this licence to others in the plan's scenario.
    pub(super) fn in_plan_family(&self, lic: LicId) -> bool {
        self.substitution && self.family[lic as usize].is_some()
    }

    pub(super) fn price(&self, lic: LicId) -> i128 {
        self.e.price(lic).map_or(0, |p| wide(p.cents))
    }

    pub(super) fn pack(&self, lic: LicId) -> u128 {
        self.e.price(lic).map_or(1, |p| u128::from(p.pack.max(1)))
    }

    pub(super) fn lic(&self, l: LicId) -> &str {
        &self.e.licences[l as usize]
    }

    pub(super) fn label(&self, va: VaId) -> String {
        self.e.va_label(va)
    }
}

pub(super) fn round_up(q: u128, pack: u128) -> u128 {
    q.div_ceil(pack) * pack
}

/// Cells keyed by (VA, licence).
type Cells = BTreeMap<(VaId, LicId), Cell>;

/// The pools, the pool of each VA, and whether each VA transfers.
type Pools = (Vec<Pool>, Vec<usize>, Vec<bool>);

/// Pools of the scenario, (merge group or SA, pool name); the pool of each VA; whether
/// each VA transfers. An error names a merge or lock the case does not have.
fn pools(e: &Estate, s: &Scenario) -> std::result::Result<Pools, String> {
    // Pools: (merge group or SA, pool name).
    let sa_id = |n: &str| e.sas.iter().position(|x| x == n);
    let mut group: Vec<usize> = (0..e.sas.len()).collect();
    match &s.merge {
        Merge::None => {}
        Merge::All => group.iter_mut().for_each(|g| *g = e.sas.len()),
        Merge::Groups(gs) => {
            let mut seen = HashSet::new();
            for (k, g) in gs.iter().enumerate() {
                for n in g {
                    let id = sa_id(n).ok_or_else(|| {
                        format!("merge names Smart Account {n:?}, which the case does not have")
                    })?;
                    if !seen.insert(id) {
                        return Err(format!("merge lists Smart Account {n:?} in two groups"));
                    }
                    group[id] = e.sas.len() + k;
                }
            }
        }
    }
    let mut locks = HashSet::new();
    for (sa, va) in &s.lock {
        let id = e
            .vas
            .iter()
            .position(|v| v.name == *va && e.sas[v.sa as usize] == *sa)
            .ok_or_else(|| format!("lock names {sa}/{va}, a VA the case does not have"))?;
        locks.insert(id);
    }
    let mut key_pool: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    let mut members: Vec<BTreeSet<&str>> = Vec::new();
    let mut pool_of = Vec::with_capacity(e.vas.len());
    let mut pooled = Vec::with_capacity(e.vas.len());
    for (i, v) in e.vas.iter().enumerate() {
        let k = (group[v.sa as usize], v.pool.as_str());
        let p = *key_pool.entry(k).or_insert_with(|| {
            members.push(BTreeSet::new());
            members.len() - 1
        });
        members[p].insert(e.sas[v.sa as usize].as_str());
        pool_of.push(p);
        pooled.push(s.policy.reallocate && !v.locked && !locks.contains(&i));
    }
    let pools: Vec<Pool> = members
        .iter()
        .map(|m| Pool {
            label: m.iter().copied().collect::<Vec<_>>().join("+"),
            multi_sa: m.len() > 1,
        })
        .collect();
    Ok((pools, pool_of, pooled))
}

/// Supply per (VA, licence) at t, and at as_of (the vendor's date).
fn supply(e: &Estate, t: NaiveDate, as_of: NaiveDate) -> (Cells, Cells) {
    // Supply at t and at as_of (the vendor's date).
    let mut cells: BTreeMap<(VaId, LicId), Cell> = BTreeMap::new();
    let mut vendor_cells: BTreeMap<(VaId, LicId), Cell> = BTreeMap::new();
    for lot in &e.lots {
        let k = (lot.va, lot.lic);
        let q = u128::from(lot.quantity);
        let pak = lot.source == Source::Pak;
        let c = cells.entry(k).or_default();
        if in_force(lot, t) {
            c.entitled += q;
            c.pak += if pak { q } else { 0 };
        }
        let v = vendor_cells.entry(k).or_default();
        if in_force(lot, as_of) {
            v.entitled += q;
            v.pak += if pak { q } else { 0 };
        }
    }
    (cells, vendor_cells)
}

/// The vendor's reading at the renewal date `t` with every expiring lot (in force at
/// as_of, ending before t) renewed like for like: raw consumption, growth and buffer.
fn like_for_like_cells(
    e: &Estate,
    (growth_bp, buffer_bp): (i64, i64),
    as_of: NaiveDate,
    t: NaiveDate,
) -> Cells {
    let mut cells = Cells::new();
    for lot in &e.lots {
        let renewed = in_force(lot, as_of) && lot.end.is_some_and(|end| end < t);
        if in_force(lot, t) || renewed {
            let c = cells.entry((lot.va, lot.lic)).or_default();
            let q = u128::from(lot.quantity);
            c.entitled += q;
            if lot.source == Source::Pak {
                c.pak += q;
            }
        }
    }
    match &e.instances {
        Some(instances) => {
            for i in instances {
                let c = cells.entry((i.va, i.lic)).or_default();
                c.in_use += u128::from(i.quantity);
                if i.reservation != Reservation::None {
                    c.reserved += u128::from(i.quantity);
                }
            }
        }
        None => {
            for (&k, u) in &e.usage {
                let c = cells.entry(k).or_default();
                c.in_use = u128::from(u.in_use);
                c.reserved = u128::from(u.reserved);
            }
        }
    }
    for c in cells.values_mut() {
        c.finish(growth_bp, buffer_bp);
    }
    cells
}

/// Consumption per (VA, licence), with hygiene for the plan and raw for the vendor.
fn consumption(
    e: &Estate,
    s: &Scenario,
    as_of: NaiveDate,
    cells: &mut Cells,
    vendor_cells: &mut Cells,
) -> Hygiene {
    // Consumption, with hygiene.
    let mut hygiene = Hygiene::default();
    match &e.instances {
        Some(instances) => {
            let cutoff =
                as_of.checked_sub_days(chrono::Days::new(u64::from(s.policy.stale_after_days)));
            let mut dropped: BTreeMap<u32, bool> = BTreeMap::new();
            for i in instances {
                let k = (i.va, i.lic);
                let q = u128::from(i.quantity);
                let reserved = i.reservation != Reservation::None;
                let r = if reserved { q } else { 0 };
                let v = vendor_cells.entry(k).or_default();
                v.in_use += q;
                v.reserved += r;
                let c = cells.entry(k).or_default();
                c.in_use_raw += q;
                c.reserved_raw += r;
                if s.policy.hygiene {
                    let retired = e.retired_in_cmdb(i.name);
                    let stale = !retired
                        && match (i.last_contact, cutoff) {
                            (Some(lc), Some(cut)) => lc < cut,
                            _ => false,
                        };
                    if retired || stale {
                        dropped.insert(i.name, retired);
                        hygiene.released_units += q;
                        hygiene.released_reservations += r;
                        continue;
                    }
                }
                c.in_use += q;
                c.reserved += r;
            }
            for retired in dropped.into_values() {
                if retired {
                    hygiene.retired += 1;
                } else {
                    hygiene.stale += 1;
                }
            }
        }
        None => {
            for (&k, u) in &e.usage {
                let (q, r) = (u128::from(u.in_use), u128::from(u.reserved));
                let c = cells.entry(k).or_default();
                (c.in_use_raw, c.reserved_raw, c.in_use, c.reserved) = (q, r, q, r);
                let v = vendor_cells.entry(k).or_default();
                (v.in_use, v.reserved) = (q, r);
            }
        }
    }
    hygiene
}

/// Family (connected component of the substitution pairs) of each licence, and the
/// transitive closure of "covers".
fn families(e: &Estate) -> (Vec<Option<usize>>, HashSet<(LicId, LicId)>) {
    // Families and the transitive closure of "covers".
    let nl = e.licences.len();
    let mut family: Vec<Option<usize>> = vec![None; nl];
    let mut adj: Vec<Vec<LicId>> = vec![Vec::new(); nl];
    let mut undirected: Vec<Vec<LicId>> = vec![Vec::new(); nl];
    for &(h, l) in &e.substitutions {
        adj[h as usize].push(l);
        undirected[h as usize].push(l);
        undirected[l as usize].push(h);
    }
    let mut n_fam = 0;
    for start in 0..nl {
        if undirected[start].is_empty() || family[start].is_some() {
            continue;
        }
        let mut stack = vec![start];
        family[start] = Some(n_fam);
        while let Some(x) = stack.pop() {
            for &y in &undirected[x] {
                if family[y as usize].is_none() {
                    family[y as usize] = Some(n_fam);
                    stack.push(y as usize);
                }
            }
        }
        n_fam += 1;
    }
    let mut reach = HashSet::new();
    for h in 0..nl {
        let mut stack: Vec<LicId> = adj[h].clone();
        while let Some(l) = stack.pop() {
            if reach.insert((h as LicId, l)) {
                stack.extend(adj[l as usize].iter().copied());
            }
        }
    }
    (family, reach)
}

/// Licences and VAs by the names the plan's files use.
struct Names {
    lic_by_name: HashMap<String, LicId>,
    va_by_sa: HashMap<(String, String), VaId>,
    va_by_pool: HashMap<(String, String), VaId>,
    va_by_label: HashMap<String, VaId>,
}

impl Names {
    fn new(e: &Estate, pools: &[Pool], pool_of: &[usize]) -> Self {
        let lic_by_name = e.licence_ids();
        let mut va_by_sa = HashMap::new();
        let mut va_by_pool = HashMap::new();
        let mut va_by_label = HashMap::new();
        for (i, v) in e.vas.iter().enumerate() {
            let sa = e.sas[v.sa as usize].clone();
            let label = format!("{sa}/{}", v.name);
            let p = &pools[pool_of[i]];
            let in_pool = if p.multi_sa {
                label.clone()
            } else {
                v.name.clone()
            };
            va_by_pool.insert((p.label.clone(), in_pool), i as VaId);
            va_by_sa.insert((sa, v.name.clone()), i as VaId);
            va_by_label.insert(label, i as VaId);
        }
        Names {
            lic_by_name,
            va_by_sa,
            va_by_pool,
            va_by_label,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_rounds_up_exactly() {
        let d = |in_use: u128, g: i64, b: i64| {
            let mut c = Cell {
                in_use,
                ..Cell::default()
            };
            c.finish(g, b);
            c.demand
        };
        assert_eq!(d(100, 725, 0), 108);
        assert_eq!(d(3, 1000, 1000), 4);
        assert_eq!(d(7, -1000, 0), 7);
        assert_eq!(d(0, 5000, 5000), 0);
        assert_eq!(d(5, -10000, 0), 0);
        assert_eq!(d(1_000_000_000_000, 100_000, 100_000), 121_000_000_000_000);
    }
}
