//! The optimisation model of SPEC §4: per-cell parameters, pools, substitution families,
//! independent components, and their solution (closed form or MIP).

mod chain;
mod closed;
mod mcf;
mod milp;
mod prepare;
mod solve;

pub use chain::{
    chain_buy, chain_flows, chain_optima, chain_order, chain_substituted, pack_projections,
    ChainError, ChainOptima, Projection,
};
pub use closed::{pooled_single, va_single, PooledSingle};
pub use mcf::{Cost, FlowGraph};
pub use milp::{FamilyProblem, FamilySolution, SolveOptions};
pub use prepare::{prepare, Cell, HygieneCounts, PoolInfo, Prepared, ScenarioView};
pub use solve::{solve, solve_family, Component, Flows, SolveStatus};
