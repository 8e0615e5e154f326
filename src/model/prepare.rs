//! From an [`Estate`] and a scenario to the model's parameters: S, PAK, d, R, D, Pinned,
//! D' and M per (VA, licence), pools and substitution families (`models/README.md`).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use rayon::prelude::*;

use crate::estate::{Estate, Instance, LicId, Reservation, SaId, Source, VaId};
use crate::scenario::{Merge, Policy, Scenario};

/// The parts of a scenario the model needs, already resolved against a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioView {
    /// Evaluation date t: the renewal date when the scenario evaluates at it (and one is
    /// set), else as_of.
    pub t: NaiveDate,
    /// Date of the data export.
    pub as_of: NaiveDate,
    /// The renewal date the scenario sizes (it evaluates at it), if any.
    pub renewal: Option<NaiveDate>,
    /// Transfers, substitution, hygiene, buffer and growth, as the scenario sets them
    /// (read through the view: `view.buffer_bp` is `view.policy.buffer_bp`).
    pub policy: Policy,
    /// Merge groups as lists of SA ids (each SA in at most one group).
    pub merge_groups: Vec<Vec<SaId>>,
    /// Extra locked VAs.
    pub extra_locks: HashSet<VaId>,
    /// Count the lots in force at as_of that end before t as renewed (in force at t):
    /// the like-for-like renewal of the vendor quote.
    pub renew_expiring: bool,
}

impl ScenarioView {
    /// The vendor's per-VA reading at `as_of`: raw consumption, no transfers, buffer or
    /// growth, substitution as CSSM applies it.
    pub fn vendor(as_of: NaiveDate, has_substitutions: bool) -> Self {
        ScenarioView {
            t: as_of,
            as_of,
            renewal: None,
            policy: Policy {
                reallocate: false,
                substitution: has_substitutions,
                hygiene: false,
                stale_after_days: 0,
                buffer_bp: 0,
                growth_bp: 0,
            },
            merge_groups: Vec::new(),
            extra_locks: HashSet::new(),
            renew_expiring: false,
        }
    }

    /// The vendor's per-VA reading at the renewal date `t` with every expiring lot renewed
    /// like for like (README, "The model in brief", renewal): raw consumption, the
    /// scenario's growth and buffer, substitution as CSSM applies it, no transfers.
    pub fn like_for_like(
        as_of: NaiveDate,
        t: NaiveDate,
        (growth_bp, buffer_bp): (i64, i64),
        has_substitutions: bool,
    ) -> Self {
        let mut view = ScenarioView {
            t,
            renew_expiring: true,
            ..ScenarioView::vendor(as_of, has_substitutions)
        };
        (view.policy.growth_bp, view.policy.buffer_bp) = (growth_bp, buffer_bp);
        view
    }

    /// Resolves a scenario against an estate (merge names and locks must exist); `renewal`
    /// is the renewal date the scenario evaluates at (none: it evaluates at `as_of`).
    pub fn resolve(
        estate: &Estate,
        s: &Scenario,
        as_of: NaiveDate,
        renewal: Option<NaiveDate>,
    ) -> Result<Self, String> {
        let sa_id = |n: &str| estate.sas.iter().position(|x| x == n).map(|i| i as SaId);
        let merge_groups = match &s.merge {
            Merge::None => Vec::new(),
            Merge::All => vec![(0..estate.sas.len() as SaId).collect()],
            Merge::Groups(groups) => {
                let mut out = Vec::new();
                let mut seen = HashSet::new();
                for g in groups {
                    let mut ids = Vec::new();
                    for n in g {
                        let id = sa_id(n).ok_or_else(|| {
                            format!("merge names Smart Account {n:?}, which the case does not have (it has: {})", estate.sas.join(", "))
                        })?;
                        if !seen.insert(id) {
                            return Err(format!("merge lists Smart Account {n:?} in two groups"));
                        }
                        ids.push(id);
                    }
                    out.push(ids);
                }
                out
            }
        };
        let mut extra_locks = HashSet::new();
        for (sa, va) in &s.lock {
            let id = estate
                .find_va(sa, va)
                .ok_or_else(|| format!("lock names {sa}/{va}, a VA the case does not have"))?;
            extra_locks.insert(id);
        }
        Ok(ScenarioView {
            t: renewal.unwrap_or(as_of),
            as_of,
            renewal,
            policy: s.policy,
            merge_groups,
            extra_locks,
            renew_expiring: false,
        })
    }
}

/// Model parameters of one (VA, licence).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Virtual Account.
    pub va: VaId,
    /// Licence.
    pub lic: LicId,
    /// S: units of lots active at t.
    pub entitled: u64,
    /// PAK part of S.
    pub pak: u64,
    /// In use as exported (before hygiene).
    pub in_use_raw: u64,
    /// Reserved as exported (before hygiene).
    pub reserved_raw: u64,
    /// d: in use after hygiene.
    pub in_use: u64,
    /// R: reserved after hygiene.
    pub reserved: u64,
    /// D: demand with growth and buffer.
    pub demand: u64,
    /// min(S, PAK + R): serves only this cell.
    pub pinned: u64,
    /// D' = max(0, D - Pinned).
    pub residual: u64,
    /// M = S - Pinned.
    pub movable: u64,
}

/// A transfer pool: VAs of one (merged) Smart Account and pool name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolInfo {
    /// `+`-joined names of the Smart Accounts with VAs in the pool.
    pub label: String,
    /// Pool name inside the Smart Account (`""`: default).
    pub name: String,
    /// Whether VA names must be qualified by SA in outputs (pool spans several SAs).
    pub multi_sa: bool,
    /// Member VAs (pooled or not).
    pub vas: Vec<VaId>,
}

/// A substitution family: its licences (sorted) and its pairs (higher, lower).
pub type Family = (Vec<LicId>, Vec<(LicId, LicId)>);

/// Hygiene counts (`models/README.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HygieneCounts {
    /// Distinct stale instances dropped.
    pub stale_instances: u64,
    /// Distinct CMDB-retired instances dropped.
    pub retired_instances: u64,
    /// Units of the dropped rows.
    pub released_units: u64,
    /// Reserved units of the dropped rows.
    pub released_reservations: u64,
}

/// Everything the solver needs for one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The resolved scenario.
    pub view: ScenarioView,
    /// Cells sorted by (VA, licence); includes zero cells a family component needs.
    pub cells: Vec<Cell>,
    /// (VA, licence) -> index into `cells`.
    pub index: rustc_hash::FxHashMap<(VaId, LicId), usize>,
    /// Pools.
    pub pools: Vec<PoolInfo>,
    /// Pool of each VA.
    pub va_pool: Vec<usize>,
    /// Whether each VA takes part in transfers.
    pub pooled: Vec<bool>,
    /// Family id per licence (`None`: no substitution applies).
    pub family: Vec<Option<usize>>,
    /// Families: licences (sorted) and edges (higher, lower).
    pub families: Vec<Family>,
    /// Hygiene counts.
    pub hygiene: HygieneCounts,
    /// Instance ids dropped by hygiene, with whether they were retired (else stale).
    pub dropped: BTreeMap<u32, bool>,
}

/// ⌈d · (10000 + g) · (10000 + b) / 10^8⌉ in exact integer arithmetic.
pub fn scaled_demand(d: u64, growth_bp: i64, buffer_bp: i64) -> u64 {
    let num = d as i128 * (10_000 + growth_bp as i128) * (10_000 + buffer_bp as i128);
    if num <= 0 {
        return 0;
    }
    let den = 100_000_000i128;
    // Saturates rather than wraps; a case whose totals come near this is refused before
    // any solve (the pipeline checks case magnitudes first).
    u64::try_from((num + den - 1) / den).unwrap_or(u64::MAX)
}

/// Pools of a scenario: VAs grouped by (merge group or SA, pool name), and which VAs
/// take part in transfers.
fn pools_for(estate: &Estate, view: &ScenarioView) -> (Vec<PoolInfo>, Vec<usize>, Vec<bool>) {
    let mut sa_group: Vec<usize> = (0..estate.sas.len()).collect();
    for (g, members) in view.merge_groups.iter().enumerate() {
        for &sa in members {
            sa_group[sa as usize] = estate.sas.len() + g;
        }
    }
    let mut pool_ids: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut pools: Vec<PoolInfo> = Vec::new();
    let mut va_pool = vec![0; estate.vas.len()];
    let mut pooled = vec![false; estate.vas.len()];
    for (i, v) in estate.vas.iter().enumerate() {
        let key = (sa_group[v.sa as usize], v.pool.clone());
        let p = *pool_ids.entry(key).or_insert_with(|| {
            pools.push(PoolInfo {
                label: String::new(),
                name: v.pool.clone(),
                multi_sa: false,
                vas: Vec::new(),
            });
            pools.len() - 1
        });
        va_pool[i] = p;
        pools[p].vas.push(i as VaId);
        pooled[i] = view.policy.reallocate && !v.locked && !view.extra_locks.contains(&(i as VaId));
    }
    for p in &mut pools {
        let mut names: Vec<&str> = p.vas.iter().map(|&v| estate.sa_name(v)).collect();
        names.sort_unstable();
        names.dedup();
        p.multi_sa = names.len() > 1;
        p.label = names.join("+");
    }

    (pools, va_pool, pooled)
}

impl Prepared {
    /// Runs `f` on the same parameters under other transfer rules (reallocation on or
    /// off, Smart Accounts merged or not) without copying the cells: cells, hygiene and
    /// dates are shared; the view and the pools are swapped in for the call and restored
    /// after it.
    pub fn with_transfers<T>(
        &mut self,
        estate: &Estate,
        (reallocate, merge): (bool, bool),
        f: impl FnOnce(&Prepared) -> T,
    ) -> T {
        let mut view = self.view.clone();
        view.policy.reallocate = reallocate;
        if !merge {
            view.merge_groups.clear();
        }
        let (pools, va_pool, pooled) = pools_for(estate, &view);
        let saved = (
            std::mem::replace(&mut self.view, view),
            std::mem::replace(&mut self.pools, pools),
            std::mem::replace(&mut self.va_pool, va_pool),
            std::mem::replace(&mut self.pooled, pooled),
        );
        let out = f(self);
        (self.view, self.pools, self.va_pool, self.pooled) = saved;
        out
    }
}

/// Cells being accumulated: every cell the model needs, created up front from the keys
/// (sorted by (VA, licence), see [`cell_keys`]), found by the index. A hash map of whole
/// cells grown while accumulating held about twice the cells' own memory (issue 13).
#[derive(Clone)]
struct Acc {
    /// Cells sorted by (VA, licence).
    cells: Vec<Cell>,
    /// (VA, licence) -> index into `cells`.
    index: rustc_hash::FxHashMap<(VaId, LicId), usize>,
}

impl Acc {
    /// Empty cells, one per key of `keys` (sorted and distinct).
    fn new(keys: &[u64]) -> Self {
        let mut index = rustc_hash::FxHashMap::default();
        index.reserve(keys.len());
        let cells = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                let (va, lic) = unkey(k);
                index.insert((va, lic), i);
                Cell {
                    va,
                    lic,
                    ..Cell::default()
                }
            })
            .collect();
        Acc { cells, index }
    }

    /// The cell of (VA, licence), which [`cell_keys`] created.
    fn at(&mut self, va: VaId, lic: LicId) -> &mut Cell {
        &mut self.cells[self.index[&(va, lic)]]
    }
}

/// (VA, licence) as one integer that sorts as the pair does.
fn key(va: VaId, lic: LicId) -> u64 {
    (u64::from(va) << 32) | u64::from(lic)
}

/// The pair of a [`key`].
fn unkey(k: u64) -> (VaId, LicId) {
    ((k >> 32) as VaId, k as LicId)
}

/// Every cell the model has, sorted and distinct: each (VA, licence) of a lot, of an
/// instance (or a row of the usage table when there are no instances), and the zero cells
/// a family component needs (every family licence in each VA that touches the family).
fn cell_keys(estate: &Estate, family: &[Option<usize>], families: &[Family]) -> Vec<u64> {
    let consumers = estate
        .instances
        .as_ref()
        .map_or(estate.usage.len(), Vec::len);
    let mut keys: Vec<u64> = Vec::with_capacity(estate.lots.len() + consumers);
    keys.extend(estate.lots.iter().map(|l| key(l.va, l.lic)));
    match &estate.instances {
        Some(instances) => keys.extend(instances.iter().map(|i| key(i.va, i.lic))),
        None => keys.extend(estate.usage.keys().map(|&(va, lic)| key(va, lic))),
    }
    keys.sort_unstable();
    keys.dedup();
    let mut extra = Vec::new();
    for &k in &keys {
        let (va, lic) = unkey(k);
        if let Some(f) = family[lic as usize] {
            for &other in &families[f].0 {
                if keys.binary_search(&key(va, other)).is_err() {
                    extra.push(key(va, other));
                }
            }
        }
    }
    if !extra.is_empty() {
        keys.extend(extra);
        keys.sort_unstable();
        keys.dedup();
    }
    keys
}

/// S and PAK per (VA, licence): the units of the lots active at t (with the lots in force
/// at as_of that end before t, when the view renews them like for like).
fn entitlements(acc: &mut Acc, estate: &Estate, view: &ScenarioView) {
    let t = view.t;
    for lot in &estate.lots {
        let renewed =
            view.renew_expiring && lot.active_at(view.as_of) && lot.end.is_some_and(|e| e < t);
        if lot.active_at(t) || renewed {
            let c = acc.at(lot.va, lot.lic);
            c.entitled += lot.quantity;
            if lot.source == Source::Pak {
                c.pak += lot.quantity;
            }
        }
    }
}

/// In use and reserved per (VA, licence) from the instances, before and after hygiene
/// (stale and retired instances dropped when the scenario asks). Returns the hygiene
/// counts and the dropped instance ids (with whether each was retired).
fn usage_from_instances(
    acc: &mut Acc,
    estate: &Estate,
    instances: &[Instance],
    view: &ScenarioView,
) -> (HygieneCounts, BTreeMap<u32, bool>) {
    let mut hygiene = HygieneCounts::default();
    let mut dropped = BTreeMap::new();
    let cutoff = view.as_of - Duration::days(view.policy.stale_after_days as i64);
    for i in instances {
        let c = acc.at(i.va, i.lic);
        let reserved = i.reservation != Reservation::None;
        c.in_use_raw += i.quantity;
        if reserved {
            c.reserved_raw += i.quantity;
        }
        if view.policy.hygiene {
            let retired = estate.retired_in_cmdb(i.name);
            let stale = !retired && i.last_contact.is_some_and(|lc| lc < cutoff);
            if retired || stale {
                dropped.insert(i.name, retired);
                hygiene.released_units += i.quantity;
                if reserved {
                    hygiene.released_reservations += i.quantity;
                }
                continue;
            }
        }
        c.in_use += i.quantity;
        if reserved {
            c.reserved += i.quantity;
        }
    }
    // An instance name may appear on several rows (one per licence): count it once,
    // as retired when the CMDB says so (retired wins over stale).
    for &retired in dropped.values() {
        if retired {
            hygiene.retired_instances += 1;
        } else {
            hygiene.stale_instances += 1;
        }
    }
    (hygiene, dropped)
}

/// In use and reserved per (VA, licence) from the usage table (no hygiene applies).
fn usage_from_table(acc: &mut Acc, estate: &Estate) {
    for (&(va, lic), u) in &estate.usage {
        let c = acc.at(va, lic);
        c.in_use_raw = u.in_use;
        c.reserved_raw = u.reserved;
        c.in_use = u.in_use;
        c.reserved = u.reserved;
    }
}

/// The root of `x` in a union-find forest, compressing the path.
fn find(p: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while p[r] != r {
        r = p[r];
    }
    let mut y = x;
    while p[y] != r {
        let n = p[y];
        p[y] = r;
        y = n;
    }
    r
}

/// Families: connected components of the substitution graph (none when substitution is
/// off). Returns the family of each licence and the families.
fn substitution_families(
    estate: &Estate,
    view: &ScenarioView,
) -> (Vec<Option<usize>>, Vec<Family>) {
    let nl = estate.licences.len();
    let mut family = vec![None; nl];
    let mut families: Vec<Family> = Vec::new();
    if !view.policy.substitution || estate.substitutions.is_empty() {
        return (family, families);
    }
    let mut parent: Vec<usize> = (0..nl).collect();
    for &(h, l) in &estate.substitutions {
        let (a, b) = (find(&mut parent, h as usize), find(&mut parent, l as usize));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut root_fam: HashMap<usize, usize> = HashMap::new();
    let mut in_sub = vec![false; nl];
    for &(h, l) in &estate.substitutions {
        in_sub[h as usize] = true;
        in_sub[l as usize] = true;
    }
    for (lic, &used) in in_sub.iter().enumerate() {
        if !used {
            continue;
        }
        let r = find(&mut parent, lic);
        let f = *root_fam.entry(r).or_insert_with(|| {
            families.push((Vec::new(), Vec::new()));
            families.len() - 1
        });
        family[lic] = Some(f);
        families[f].0.push(lic as LicId);
    }
    for &(h, l) in &estate.substitutions {
        let f = family[h as usize].expect("edge licences have a family");
        families[f].1.push((h, l));
    }
    for f in &mut families {
        f.0.sort_unstable();
        f.1.sort_unstable();
    }
    (family, families)
}

/// D, Pinned, D' and M of every cell.
fn finish_cells(cells: &mut [Cell], view: &ScenarioView) {
    for c in cells {
        c.demand = scaled_demand(c.in_use, view.policy.growth_bp, view.policy.buffer_bp);
        c.pinned = c.entitled.min(c.pak + c.reserved);
        c.residual = c.demand.saturating_sub(c.pinned);
        c.movable = c.entitled - c.pinned;
    }
}

/// What a model takes from the estate whatever the date: the substitution families, the
/// cells with their usage (and hygiene), the pools.
#[derive(Clone)]
struct Undated {
    family: Vec<Option<usize>>,
    families: Vec<Family>,
    acc: Acc,
    hygiene: HygieneCounts,
    dropped: BTreeMap<u32, bool>,
    pools: Vec<PoolInfo>,
    va_pool: Vec<usize>,
    pooled: Vec<bool>,
}

impl Undated {
    fn new(estate: &Estate, view: &ScenarioView) -> Self {
        let (family, families) = substitution_families(estate, view);
        let mut acc = Acc::new(&cell_keys(estate, &family, &families));
        let (hygiene, dropped) = match &estate.instances {
            Some(instances) => usage_from_instances(&mut acc, estate, instances, view),
            None => {
                usage_from_table(&mut acc, estate);
                (HygieneCounts::default(), BTreeMap::new())
            }
        };
        let (pools, va_pool, pooled) = pools_for(estate, view);
        Undated {
            family,
            families,
            acc,
            hygiene,
            dropped,
            pools,
            va_pool,
            pooled,
        }
    }

    /// The model at `view.t`: the entitlements in force then, and each cell's parameters.
    fn at(self, estate: &Estate, view: &ScenarioView) -> Prepared {
        let Undated {
            family,
            families,
            mut acc,
            hygiene,
            dropped,
            pools,
            va_pool,
            pooled,
        } = self;
        entitlements(&mut acc, estate, view);
        let Acc { mut cells, index } = acc;
        finish_cells(&mut cells, view);
        Prepared {
            view: view.clone(),
            cells,
            index,
            pools,
            va_pool,
            pooled,
            family,
            families,
            hygiene,
            dropped,
        }
    }
}

/// Computes the model parameters of `estate` under `view`: substitution families and
/// the cells they need, usage (with hygiene), pools, entitlements, then the per-cell
/// parameters.
pub fn prepare(estate: &Estate, view: &ScenarioView) -> Prepared {
    Undated::new(estate, view).at(estate, view)
}

/// [`prepare`] with `view` moved to each of `dates`, in order: the same models, with what
/// does not depend on the date computed once and each date's entitlements and cell
/// parameters in parallel. Every model has the same cells in the same order.
pub fn prepare_at(estate: &Estate, view: &ScenarioView, dates: &[NaiveDate]) -> Vec<Prepared> {
    let undated = Undated::new(estate, view);
    dates
        .par_iter()
        .map(|&t| {
            undated
                .clone()
                .at(estate, &ScenarioView { t, ..view.clone() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_at_dates_is_prepared_at_each() {
        let estate = crate::estate::load_case(std::path::Path::new("data/acme-networks")).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut view = ScenarioView::vendor(as_of, true);
        view.policy.hygiene = true;
        view.policy.stale_after_days = 30;
        // Dates on either side of the sample's lot ends, so the entitlements differ.
        let dates: Vec<NaiveDate> = [2026, 2028, 2030, 2032]
            .iter()
            .map(|&y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap())
            .collect();
        let at = prepare_at(&estate, &view, &dates);
        assert_eq!(at.len(), dates.len());
        let entitled: Vec<u64> = at
            .iter()
            .map(|p| p.cells.iter().map(|c| c.entitled).sum())
            .collect();
        assert!(entitled.windows(2).any(|w| w[0] != w[1]), "{entitled:?}");
        for (p, &t) in at.iter().zip(&dates) {
            let one = prepare(&estate, &ScenarioView { t, ..view.clone() });
            assert_eq!(p, &one);
        }
    }

    #[test]
    fn demand_rounds_up_exactly() {
        assert_eq!(scaled_demand(100, 0, 0), 100);
        assert_eq!(scaled_demand(100, 725, 0), 108); // 107.25 -> 108
        assert_eq!(scaled_demand(10, 0, 1000), 11);
        assert_eq!(scaled_demand(7, -1000, 0), 7); // 6.3 -> 7
        assert_eq!(scaled_demand(3, 1000, 1000), 4); // 3.63 -> 4
        assert_eq!(scaled_demand(0, 5000, 5000), 0);
        assert_eq!(scaled_demand(5, -10000, 0), 0);
    }
}
