//! # reallot
//!
//! Provably optimal licence reallocation for Cisco Smart Licensing estates.
//!
//! The modules read top-down: [`cli`] parses the command line and [`commands`] runs one
//! command each; [`pipeline`] is the whole run as named steps: a case folder is read and
//! validated into an [`estate::Estate`], a [`scenario::Scenario`] is resolved against it,
//! the [`model`] computes per-(VA, licence) parameters, splits the estate into independent
//! components and solves each (closed form or MIP), [`plan`] turns the solution into the
//! tables an advisor executes, and [`report`] and [`plot`] write them. [`verify`]
//! re-checks a written plan with plain arithmetic; [`io`] holds the tables in and out.
//!
//! ```no_run
//! use std::path::Path;
//! let estate = reallot::estate::load_case(Path::new("data/acme-networks")).unwrap();
//! let scenario = reallot::scenario::Scenario::default();
//! let plan = reallot::plan_case(&estate, &scenario, None, &Default::default()).unwrap();
//! println!("buy {} units", plan.purchase_units());
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod api;
pub mod check;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod demo;
pub mod error;
pub mod estate;
pub mod import;
pub mod io;
pub mod model;
pub mod money;
pub mod names;
pub mod pipeline;
pub mod plan;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod verify;

pub use pipeline::{check_magnitudes, plan_case};
