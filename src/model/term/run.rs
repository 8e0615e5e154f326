//! A whole case over a term (SPEC §4.2): the single-date models prepared at each
//! milestone, cut into the same components, each component stacked across the milestones
//! ([`TermProblem::from_milestones`]) and solved ([`solve_term`]); the answers gathered
//! back into one set of flows per milestone and one purchase schedule.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{solve_term, TermProblem, TermSettings, TermSolution};
use crate::estate::{Estate, LicId, VaId};
use crate::model::family::{ComponentShape, FamilyProblem, FamilySolution, SolveOptions};
use crate::model::prepare::{Cell, Prepared};
use crate::model::solve::{components, family_problem, Component, Flows};
use crate::model::status::SolveStatus;

/// Where a term purchase lands: a pool, or a VA outside transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Buyer {
    /// A pool (index into [`Prepared::pools`]).
    Pool(usize),
    /// A VA that buys for itself.
    Va(VaId),
}

/// One purchase line of the schedule: a commitment (milestone 0) or an add-on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TermBuy {
    /// Who buys.
    pub buyer: Buyer,
    /// Licence.
    pub lic: LicId,
    /// Milestone (0: the commitment).
    pub milestone: usize,
    /// Units bought.
    pub units: u64,
    /// Exact cost in scaled cents ([`TermSettings::scale`]).
    pub scaled_cost: i128,
    /// The line's cost rounded half-up on its own.
    pub cents: i128,
}

/// A case solved over a term.
#[derive(Debug, Clone)]
pub struct TermFlows {
    /// The flows at each milestone; `buy_va` and `pool_buy` hold the purchased units in
    /// force then (commitment, its allowance, add-ons so far).
    pub milestones: Vec<Flows>,
    /// Every purchase line with units, in (buyer, licence, milestone) order.
    pub buys: Vec<TermBuy>,
    /// Σ exact scaled cost.
    pub scaled_cost: i128,
    /// The scale of the scaled costs.
    pub scale: i128,
    /// Units purchased over the term.
    pub units: u128,
    /// Licences moved, summed over the milestones.
    pub moves: u128,
    /// Overall status.
    pub status: SolveStatus,
}

impl TermFlows {
    /// The published total: the exact sum rounded half-up to cents once.
    pub fn cost_cents(&self) -> i128 {
        super::round_half_up(self.scaled_cost, self.scale)
    }
}

/// Whether every milestone's model has the first one's cells, in its order (as
/// [`crate::model::prepare_at`] makes them): the components are cut from the first and
/// read at every milestone by cell position.
fn same_cells(preps: &[Prepared]) -> bool {
    let key = |c: &Cell| (c.va, c.lic);
    preps
        .iter()
        .all(|p| p.cells.iter().map(key).eq(preps[0].cells.iter().map(key)))
}

/// The single-date problem of one component at one milestone, with its buyer and the
/// licences and cells of its positions.
fn component_problem(
    prep: &Prepared,
    estate: &Estate,
    comp: &Component,
) -> (FamilyProblem, Buyer, Vec<LicId>) {
    match comp {
        Component::PooledSingle { pool, lic, cells } => (
            FamilyProblem {
                shape: ComponentShape {
                    n_vas: cells.len(),
                    n_lics: 1,
                    pooled: true,
                    price: vec![estate.price(*lic)],
                    edges: Vec::new(),
                },
                residual: cells.iter().map(|&i| prep.cells[i].residual).collect(),
                movable: cells.iter().map(|&i| prep.cells[i].movable).collect(),
            },
            Buyer::Pool(*pool),
            vec![*lic],
        ),
        Component::VaSingle { cell } => {
            let c = &prep.cells[*cell];
            (
                FamilyProblem {
                    shape: ComponentShape {
                        n_vas: 1,
                        n_lics: 1,
                        pooled: false,
                        price: vec![estate.price(c.lic)],
                        edges: Vec::new(),
                    },
                    residual: vec![c.residual],
                    movable: vec![c.movable],
                },
                Buyer::Va(c.va),
                vec![c.lic],
            )
        }
        Component::PooledFamily { pool, family, vas } => (
            family_problem(prep, estate, vas, *family, true),
            Buyer::Pool(*pool),
            prep.families[*family].0.clone(),
        ),
        Component::VaFamily { va, family } => (
            family_problem(prep, estate, &[*va], *family, false),
            Buyer::Va(*va),
            prep.families[*family].0.clone(),
        ),
    }
}

/// The cells of a component's positions, VA-major then licence (as its problems hold them).
fn component_cells(prep: &Prepared, comp: &Component) -> Vec<usize> {
    match comp {
        Component::PooledSingle { cells, .. } => cells.clone(),
        Component::VaSingle { cell } => vec![*cell],
        Component::PooledFamily { family, vas, .. } => vas
            .iter()
            .flat_map(|&va| {
                prep.families[*family]
                    .0
                    .iter()
                    .map(move |&l| prep.index[&(va, l)])
            })
            .collect(),
        Component::VaFamily { va, family } => prep.families[*family]
            .0
            .iter()
            .map(|&l| prep.index[&(*va, l)])
            .collect(),
    }
}

/// The zero plan of a component that needs nothing at any milestone.
fn zero_solution(p: &TermProblem) -> TermSolution {
    let (nl, cells, ne) = (
        p.shape.n_lics,
        p.shape.n_vas * p.shape.n_lics,
        p.shape.edges.len(),
    );
    TermSolution {
        commit: vec![0; nl],
        add: vec![0; p.n_milestones() * nl],
        milestones: (0..p.n_milestones())
            .map(|_| FamilySolution {
                out: vec![0; cells],
                inn: vec![0; cells],
                buy: vec![0; nl],
                sub: vec![0; p.shape.n_vas * ne],
            })
            .collect(),
    }
}

/// Solves a case over a term. `preps` are the models prepared at the milestones, in
/// order, with the same cells ([`crate::model::prepare_at`]) and each milestone's demand.
pub fn solve_case_term(
    preps: &[Prepared],
    estate: &Estate,
    settings: TermSettings,
    opts: &SolveOptions,
) -> TermFlows {
    let kn = settings.milestones();
    let n = preps[0].cells.len();
    let mut out = TermFlows {
        milestones: (0..kn)
            .map(|_| Flows {
                out: vec![0; n],
                inn: vec![0; n],
                buy_va: vec![0; n],
                ..Flows::default()
            })
            .collect(),
        buys: Vec::new(),
        scaled_cost: 0,
        scale: settings.scale(),
        units: 0,
        moves: 0,
        status: SolveStatus::Optimal,
    };
    if !same_cells(preps) {
        out.status = SolveStatus::Error(
            "the milestones' models do not have the same cells; no term figure is published".into(),
        );
        return out;
    }
    let comps = components(&preps[0]);
    // One component a task: a few components (large chain families) take most of the
    // time, and rayon's default splitting would leave them in one thread's sequential
    // run while the other thread idles.
    let solved: Vec<_> = comps
        .par_iter()
        .with_max_len(1)
        .map(|comp| {
            let mut buyer = Buyer::Pool(0);
            let mut lics = Vec::new();
            let problems: Vec<FamilyProblem> = preps
                .iter()
                .map(|p| {
                    let (fp, b, l) = component_problem(p, estate, comp);
                    (buyer, lics) = (b, l);
                    fp
                })
                .collect();
            let tp = TermProblem::from_milestones(settings, &problems)
                .map_err(|e| SolveStatus::Error(e.to_string()))?;
            let trivial = tp.residual.iter().zip(&tp.movable).all(|(d, m)| d <= m);
            let sol = if trivial {
                zero_solution(&tp)
            } else {
                solve_term(&tp, opts)?
            };
            let lines = tp.cost_lines(&sol).map_err(SolveStatus::Error)?;
            Ok((buyer, lics, tp, sol, lines, !trivial))
        })
        .collect();
    let mut mip = 0;
    for (comp, res) in comps.iter().zip(solved) {
        let (buyer, lics, tp, sol, lines, solved) = match res {
            Ok(r) => r,
            Err(status) => {
                if out.status == SolveStatus::Optimal {
                    out.status = status;
                }
                continue;
            }
        };
        mip += usize::from(solved && !tp.has_closed_form());
        gather(&mut out, preps, comp, buyer, &lics, &tp, &sol);
        for l in lines {
            out.scaled_cost += l.scaled_cost;
            out.units += u128::from(l.units);
            out.buys.push(TermBuy {
                buyer,
                lic: lics[l.licence],
                milestone: l.milestone,
                units: l.units,
                scaled_cost: l.scaled_cost,
                cents: l.cents,
            });
        }
    }
    out.buys.sort_unstable();
    for f in &mut out.milestones {
        f.components = (comps.len(), mip);
        f.status = out.status.clone();
    }
    out
}

/// Writes one component's term solution into the milestone flows.
fn gather(
    out: &mut TermFlows,
    preps: &[Prepared],
    comp: &Component,
    buyer: Buyer,
    lics: &[LicId],
    tp: &TermProblem,
    sol: &TermSolution,
) {
    let cells = component_cells(&preps[0], comp);
    let nl = lics.len();
    let edges = &tp.shape.edges;
    for (k, m) in sol.milestones.iter().enumerate() {
        let f = &mut out.milestones[k];
        for (pos, &i) in cells.iter().enumerate() {
            if tp.shape.pooled {
                f.out[i] = m.out[pos];
                f.inn[i] = m.inn[pos];
                out.moves += u128::from(m.out[pos]);
            } else {
                f.buy_va[i] = m.buy[pos % nl];
            }
        }
        if let Buyer::Pool(pool) = buyer {
            for (l, &lic) in lics.iter().enumerate() {
                if m.buy[l] > 0 {
                    f.pool_buy.insert((pool, lic), m.buy[l]);
                }
            }
        }
        let mut subs: BTreeMap<(VaId, LicId, LicId), u64> = BTreeMap::new();
        for a in 0..tp.shape.n_vas {
            let va = preps[k].cells[cells[a * nl]].va;
            for (j, &(h, lo)) in edges.iter().enumerate() {
                let q = m.sub[a * edges.len() + j];
                if q > 0 {
                    subs.insert((va, lics[h], lics[lo]), q);
                }
            }
        }
        f.subs.extend(subs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::prepare::{prepare, ScenarioView};
    use chrono::NaiveDate;
    use std::path::Path;

    #[test]
    fn milestones_with_other_cells_are_refused() {
        let estate = crate::estate::load_case(Path::new("data/acme-networks")).unwrap();
        let t = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let full = prepare(&estate, &ScenarioView::vendor(t, true));
        assert!(same_cells(&[full.clone(), full.clone()]));
        let mut short = full.clone();
        short.cells.pop();
        assert!(!same_cells(&[full.clone(), short.clone()]));
        let settings = TermSettings::new(24, 0, 0).unwrap();
        let out = solve_case_term(&[full, short], &estate, settings, &SolveOptions::default());
        assert!(
            matches!(out.status, SolveStatus::Error(_)),
            "{:?}",
            out.status
        );
    }
}
