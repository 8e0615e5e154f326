//! Hand-computed terms and property tests: the closed form against the MIP.
