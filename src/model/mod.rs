//! The optimisation model of SPEC §4: per-cell parameters, pools, substitution families,
//! independent components, and their solution (closed form or MIP).

mod closed;
mod milp;
mod prepare;
mod solve;

pub use closed::{pooled_single, va_single, PooledSingle};
pub use milp::SolveOptions;
pub use prepare::{prepare, Cell, HygieneCounts, PoolInfo, Prepared, ScenarioView};
pub use solve::{solve, Component, Flows, SolveStatus};
