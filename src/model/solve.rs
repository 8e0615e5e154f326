//! Splitting the model into independent components and solving each (`models/README.md`,
//! "Structure"): closed form for single licences, the MIP for substitution families.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::estate::{Estate, LicId, VaId};

use super::chain::chain_order;
use super::closed::{pooled_single, va_single};
use super::family::{ComponentShape, FamilyProblem, FamilySolution, SolveOptions};
use super::prepare::Prepared;
use super::status::SolveStatus;

/// One independent piece of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Component {
    /// One licence across the pooled VAs of a pool.
    PooledSingle {
        /// Pool index.
        pool: usize,
        /// Licence.
        lic: LicId,
        /// Cell indices of the pooled VAs holding or needing it.
        cells: Vec<usize>,
    },
    /// One licence in one VA that does not transfer.
    VaSingle {
        /// Cell index.
        cell: usize,
    },
    /// A substitution family across the pooled VAs of a pool.
    PooledFamily {
        /// Pool index.
        pool: usize,
        /// Family index.
        family: usize,
        /// VAs in the component.
        vas: Vec<VaId>,
    },
    /// A substitution family in one VA that does not transfer.
    VaFamily {
        /// The VA.
        va: VaId,
        /// Family index.
        family: usize,
    },
}

/// The solved model: values of every variable, keyed by cell.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    /// out(a,l) per cell.
    pub out: Vec<u64>,
    /// in(a,l) per cell: transfers and pool purchases delivered to the VA.
    pub inn: Vec<u64>,
    /// buy(a,l) per cell, for VAs outside transfers.
    pub buy_va: Vec<u64>,
    /// buy(p,l) per (pool, licence).
    pub pool_buy: BTreeMap<(usize, LicId), u64>,
    /// sub(a,h,l) per (VA, higher, lower), positive entries only.
    pub subs: BTreeMap<(VaId, LicId, LicId), u64>,
    /// Overall status.
    pub status: SolveStatus,
    /// Number of components, and of those that needed the MIP.
    pub components: (usize, usize),
}

/// Lists the independent components of a prepared model, in a deterministic order.
pub fn components(prep: &Prepared) -> Vec<Component> {
    let mut pooled_single: BTreeMap<(usize, LicId), Vec<usize>> = BTreeMap::new();
    let mut pooled_family: BTreeMap<(usize, usize), Vec<VaId>> = BTreeMap::new();
    let mut va_family: BTreeMap<(VaId, usize), ()> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, c) in prep.cells.iter().enumerate() {
        let pool = prep.va_pool[c.va as usize];
        let pooled = prep.pooled[c.va as usize];
        match (prep.family[c.lic as usize], pooled) {
            (None, true) => pooled_single.entry((pool, c.lic)).or_default().push(i),
            (None, false) => out.push(Component::VaSingle { cell: i }),
            (Some(f), true) => {
                let vas = pooled_family.entry((pool, f)).or_default();
                if vas.last() != Some(&c.va) {
                    vas.push(c.va);
                }
            }
            (Some(f), false) => {
                va_family.insert((c.va, f), ());
            }
        }
    }
    out.extend(
        pooled_single
            .into_iter()
            .map(|((pool, lic), cells)| Component::PooledSingle { pool, lic, cells }),
    );
    out.extend(pooled_family.into_iter().map(|((pool, family), mut vas)| {
        vas.sort_unstable();
        vas.dedup();
        Component::PooledFamily { pool, family, vas }
    }));
    out.extend(
        va_family
            .into_keys()
            .map(|(va, family)| Component::VaFamily { va, family }),
    );
    out
}

/// Builds the MIP of a family component (licences in family order).
pub(crate) fn family_problem(
    prep: &Prepared,
    estate: &Estate,
    vas: &[VaId],
    family: usize,
    pooled: bool,
) -> FamilyProblem {
    let (lics, edges) = &prep.families[family];
    let pos = |l: LicId| lics.iter().position(|&x| x == l).expect("edge in family");
    let mut residual = Vec::with_capacity(vas.len() * lics.len());
    let mut movable = Vec::with_capacity(vas.len() * lics.len());
    for &va in vas {
        for &l in lics {
            let c = &prep.cells[prep.index[&(va, l)]];
            residual.push(c.residual);
            movable.push(c.movable);
        }
    }
    FamilyProblem {
        shape: ComponentShape {
            n_vas: vas.len(),
            n_lics: lics.len(),
            pooled,
            price: lics.iter().map(|&l| estate.price(l)).collect(),
            edges: edges.iter().map(|&(h, l)| (pos(h), pos(l))).collect(),
        },
        residual,
        movable,
    }
}

/// Solves one family component: chains without the solver where that is exact, the
/// lexicographic MIP otherwise.
pub fn solve_family(p: &FamilyProblem, opts: &SolveOptions) -> Result<FamilySolution, SolveStatus> {
    if !opts.fast_paths {
        return p.solve(opts);
    }
    match chain_order(p.shape.n_lics, &p.shape.edges) {
        Some(order) if !p.shape.pooled => match p.solve_chain_alone(&order, opts) {
            Some(r) => r,
            None => p.solve(opts),
        },
        Some(order) => p.pooled_chain(&order, opts),
        None => p.solve(opts),
    }
}

/// Solves every component and gathers the values of all variables.
pub fn solve(prep: &Prepared, estate: &Estate, opts: &SolveOptions) -> Flows {
    let n = prep.cells.len();
    let mut flows = Flows {
        out: vec![0; n],
        inn: vec![0; n],
        buy_va: vec![0; n],
        ..Flows::default()
    };
    let comps = components(prep);
    let mut families = Vec::new();
    for comp in &comps {
        match comp {
            Component::PooledSingle { pool, lic, cells } => {
                let residual: Vec<u64> = cells.iter().map(|&i| prep.cells[i].residual).collect();
                let movable: Vec<u64> = cells.iter().map(|&i| prep.cells[i].movable).collect();
                let pack = estate.price(*lic).map_or(1, |p| p.pack);
                let r = pooled_single(&residual, &movable, pack);
                for (k, &i) in cells.iter().enumerate() {
                    flows.out[i] = r.out[k];
                    flows.inn[i] = r.inn[k];
                }
                if r.buy > 0 {
                    flows.pool_buy.insert((*pool, *lic), r.buy);
                }
            }
            Component::VaSingle { cell } => {
                let c = &prep.cells[*cell];
                let pack = estate.price(c.lic).map_or(1, |p| p.pack);
                flows.buy_va[*cell] = va_single(c.residual, c.movable, pack);
            }
            Component::PooledFamily { vas, family, .. } => {
                families.push((comp, vas.clone(), *family, true))
            }
            Component::VaFamily { va, family } => families.push((comp, vec![*va], *family, false)),
        }
    }
    // Families: skip those where every cell already covers itself (the zero plan is
    // optimal in every stage), solve the rest in parallel; results are applied in order.
    // One family a task, as in the term (`term/run.rs`): a few large families take most
    // of the time, and must not share one thread's sequential run.
    let results: Vec<Option<Result<FamilySolution, SolveStatus>>> = families
        .par_iter()
        .with_max_len(1)
        .map(|(_, vas, family, pooled)| {
            let p = family_problem(prep, estate, vas, *family, *pooled);
            if p.residual.iter().zip(&p.movable).all(|(d, m)| d <= m) {
                return None;
            }
            Some(solve_family(&p, opts))
        })
        .collect();
    let mut mip_count = 0;
    for ((comp, vas, family, pooled), res) in families.iter().zip(results) {
        let Some(res) = res else { continue };
        mip_count += 1;
        let sol = match res {
            Ok(s) => s,
            Err(status) => {
                if flows.status == SolveStatus::Optimal {
                    flows.status = status;
                }
                continue;
            }
        };
        let (lics, edges) = &prep.families[*family];
        for (a, &va) in vas.iter().enumerate() {
            for (l, &lic) in lics.iter().enumerate() {
                let i = prep.index[&(va, lic)];
                let k = a * lics.len() + l;
                if *pooled {
                    flows.out[i] = sol.out[k];
                    flows.inn[i] = sol.inn[k];
                } else {
                    flows.buy_va[i] = sol.buy[l];
                }
            }
            for (j, &(h, lo)) in edges.iter().enumerate() {
                let q = sol.sub[a * edges.len() + j];
                if q > 0 {
                    flows.subs.insert((va, h, lo), q);
                }
            }
        }
        if let Component::PooledFamily { pool, .. } = comp {
            for (l, &lic) in lics.iter().enumerate() {
                if sol.buy[l] > 0 {
                    flows.pool_buy.insert((*pool, lic), sol.buy[l]);
                }
            }
        }
    }
    flows.components = (comps.len(), mip_count);
    flows
}
