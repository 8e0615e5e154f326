//! The outcome of a solve, kept apart from the values it found (as linopy keeps status,
//! termination and solution apart): one status per family, and for the whole model the
//! first family's status that is not optimal.

/// Outcome of a solve: of one family, or of the whole model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SolveStatus {
    /// Every component at its proven optimum: all four stages settled exactly, either by
    /// an exact combinatorial path or by the MIP re-checked in integer arithmetic.
    #[default]
    Optimal,
    /// Some component cannot meet its demand: a licence that cannot be bought is short,
    /// or the MIP proved the model infeasible.
    Infeasible,
    /// Some component's MIP hit the time limit before proving an optimum (or, as good_lp
    /// reports it, before finding any solution).
    TimeLimit,
    /// The solver failed, or a figure could not be certified exactly; the message says
    /// which. No figure is published for the component.
    Error(String),
}

impl SolveStatus {
    /// The `status` word of `summary.json` for [`SolveStatus::Optimal`].
    pub const OPTIMAL: &'static str = "optimal";
    /// The `status` word of `summary.json` for [`SolveStatus::Infeasible`].
    pub const INFEASIBLE: &'static str = "infeasible";
    /// The `status` word of `summary.json` for [`SolveStatus::TimeLimit`].
    pub const TIME_LIMIT: &'static str = "time_limit";
    /// The `status` word of `summary.json` for [`SolveStatus::Error`].
    pub const ERROR: &'static str = "error";

    /// The `status` word of `summary.json`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SolveStatus::Optimal => Self::OPTIMAL,
            SolveStatus::Infeasible => Self::INFEASIBLE,
            SolveStatus::TimeLimit => Self::TIME_LIMIT,
            SolveStatus::Error(_) => Self::ERROR,
        }
    }

    /// Whether every component reached its proven optimum.
    pub fn is_optimal(&self) -> bool {
        matches!(self, SolveStatus::Optimal)
    }

    /// Whether the model (some component of it) has no feasible plan.
    pub fn is_infeasible(&self) -> bool {
        matches!(self, SolveStatus::Infeasible)
    }

    /// Whether the solver stopped on its time limit.
    pub fn is_time_limit(&self) -> bool {
        matches!(self, SolveStatus::TimeLimit)
    }

    /// Whether the solver failed or a figure could not be certified.
    pub fn is_error(&self) -> bool {
        matches!(self, SolveStatus::Error(_))
    }
}

#[cfg(test)]
mod tests {
    use super::SolveStatus;

    #[test]
    fn words_and_predicates() {
        let all = [
            SolveStatus::Optimal,
            SolveStatus::Infeasible,
            SolveStatus::TimeLimit,
            SolveStatus::Error("x".into()),
        ];
        let words: Vec<&str> = all.iter().map(SolveStatus::as_str).collect();
        assert_eq!(words, ["optimal", "infeasible", "time_limit", "error"]);
        assert!(all[0].is_optimal() && !all[1].is_optimal());
        assert!(all[1].is_infeasible() && all[2].is_time_limit() && all[3].is_error());
        assert_eq!(SolveStatus::default(), SolveStatus::Optimal);
    }
}
