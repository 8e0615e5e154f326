//! One substitution family as a problem: its data, the solver settings, and the shape
//! of its solution, shared by every strategy that solves it (chain flow and MIP).

use crate::estate::Price;

/// Solver settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Seconds allowed for each MIP solve (`None`: no limit).
    pub time_limit: Option<f64>,
    /// Use the exact combinatorial paths for chain families (DP and min-cost flow);
    /// `false` sends every family to the MIP (for audits and tests).
    pub fast_paths: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Some(60.0),
            fast_paths: true,
        }
    }
}

/// What a component is apart from its demand: its VAs and licences, whether they
/// transfer through a pool, the prices and the substitution pairs. The single-date
/// problem ([`FamilyProblem`]) and the term problem (`TermProblem`) of one component
/// share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentShape {
    /// Number of VAs (1 when the component is a VA outside transfers).
    pub n_vas: usize,
    /// Number of licences.
    pub n_lics: usize,
    /// Whether the VAs transfer through a pool (else: a single VA buying directly).
    pub pooled: bool,
    /// Price per licence (cents ≥ 0, pack ≥ 1); `None` cannot be bought.
    pub price: Vec<Option<Price>>,
    /// Substitution pairs as (higher, lower) licence positions.
    pub edges: Vec<(usize, usize)>,
}

impl ComponentShape {
    /// Cells of one date: VAs × licences, row-major by VA.
    pub fn cells(&self) -> usize {
        self.n_vas * self.n_lics
    }
}

/// One family component at one date: `shape.n_vas` VAs × `shape.n_lics` licences,
/// row-major by VA.
#[derive(Debug, Clone)]
pub struct FamilyProblem {
    /// The VAs, licences, pooling, prices and pairs.
    pub shape: ComponentShape,
    /// D' per (VA, licence).
    pub residual: Vec<u64>,
    /// M per (VA, licence).
    pub movable: Vec<u64>,
}

/// The solution of a [`FamilyProblem`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilySolution {
    /// Units out per (VA, licence) (zero when not pooled).
    pub out: Vec<u64>,
    /// Units in per (VA, licence), transfers and purchases alike (zero when not pooled).
    pub inn: Vec<u64>,
    /// Units bought per licence: for the pool, or for the single VA.
    pub buy: Vec<u64>,
    /// Units substituted per (VA, edge).
    pub sub: Vec<u64>,
}

impl FamilyProblem {
    /// The edges that touch licence position `l`, in edge order, each with its sign in
    /// l's net substitution inflow: −1 where l is the higher licence (its units leave),
    /// +1 where it is the lower (units arrive). The one rule behind the coverage rows,
    /// the covered units and the exact re-check.
    pub(crate) fn inflow_edges(&self, l: usize) -> impl Iterator<Item = (usize, i8)> + '_ {
        self.shape
            .edges
            .iter()
            .enumerate()
            .flat_map(move |(j, &(h, lo))| {
                let out = (h == l).then_some((j, -1));
                let inn = (lo == l).then_some((j, 1));
                out.into_iter().chain(inn)
            })
    }

    /// Units covered by a higher tier, Σ over (VA, licence) of the positive net
    /// substitution inflow: the figure the plan publishes as substituted units (its path
    /// decomposition keeps every net flow), and the stage-4 tie-break.
    pub fn covered_units(&self, sub: &[u64]) -> u128 {
        let (nl, ne) = (self.shape.n_lics, self.shape.edges.len());
        let mut total = 0u128;
        for a in 0..self.shape.n_vas {
            for l in 0..nl {
                let mut net = 0i128;
                for (j, sign) in self.inflow_edges(l) {
                    net += i128::from(sign) * i128::from(sub[a * ne + j]);
                }
                total += net.max(0) as u128;
            }
        }
        total
    }

    /// The rows of a solution in exact integers, with `sol.buy` the purchased units in
    /// force: sizes, out ≤ M, coverage of every (VA, licence), pool balance (or no
    /// transfers outside a pool). The exact re-check of the MIP and of every term
    /// milestone.
    pub(crate) fn check_rows(&self, sol: &FamilySolution) -> Result<(), String> {
        let (nv, nl, ne) = (self.shape.n_vas, self.shape.n_lics, self.shape.edges.len());
        let cells = nv * nl;
        if sol.out.len() != cells || sol.inn.len() != cells || sol.buy.len() != nl {
            return Err("values of the wrong size".into());
        }
        if sol.sub.len() != nv * ne {
            return Err("substitutions of the wrong size".into());
        }
        for a in 0..nv {
            for l in 0..nl {
                let c = a * nl + l;
                if sol.out[c] > self.movable[c] {
                    return Err("more moved out than is movable".into());
                }
                let mut have =
                    i128::from(self.movable[c]) - i128::from(sol.out[c]) + i128::from(sol.inn[c]);
                if !self.shape.pooled {
                    have += i128::from(sol.buy[l]);
                }
                for (j, sign) in self.inflow_edges(l) {
                    have += i128::from(sign) * i128::from(sol.sub[a * ne + j]);
                }
                if have < i128::from(self.residual[c]) {
                    return Err(format!("VA {a}, licence {l} left short"));
                }
            }
        }
        if self.shape.pooled {
            for l in 0..nl {
                let out: u128 = (0..nv).map(|a| u128::from(sol.out[a * nl + l])).sum();
                let inn: u128 = (0..nv).map(|a| u128::from(sol.inn[a * nl + l])).sum();
                if out + u128::from(sol.buy[l]) != inn {
                    return Err(format!("licence {l}: pool balance off"));
                }
            }
        } else if sol.out.iter().chain(&sol.inn).any(|&x| x != 0) {
            return Err("transfers in a VA outside the pool".into());
        }
        Ok(())
    }
}
