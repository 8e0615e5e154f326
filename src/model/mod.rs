//! The optimisation model (`models/README.md`): per-cell parameters, pools, substitution families,
//! independent components, and their solution.
//!
//! One entry, [`solve`], splits the prepared model into components and sends each to a
//! strategy, in this order of preference:
//!
//! - `closed`: one licence alone, in closed form;
//! - `chain`: a chain family's optimal purchases by dynamic programming;
//! - `chain_flow`: a chain family's four stages as one exact min-cost flow (`mcf`);
//! - `milp`: any family, as a lexicographic MIP with HiGHS.
//!
//! `family` holds the problem every family strategy reads, and `status` the outcome.

mod chain;
mod chain_flow;
mod closed;
mod family;
mod mcf;
mod milp;
mod prepare;
mod solve;
mod status;
pub mod term;

pub use chain::{chain_optima, pack_projections, ChainError, ChainOptima, Optimal, Projection};
pub use chain_flow::Search;
pub use family::{ComponentShape, FamilyProblem, FamilySolution, SolveOptions};
pub use prepare::{prepare, prepare_at, Cell, HygieneCounts, PoolInfo, Prepared, ScenarioView};
pub use solve::{solve, solve_family, Flows};
pub use status::SolveStatus;
