//! The shipped sample case, embedded in the binary so `reallot demo` needs nothing on disk.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The sample case's files (name, contents).
pub(crate) const FILES: &[(&str, &str)] = &[
    ("case.toml", include_str!("../data/acme-networks/case.toml")),
    (
        "entitlements.csv",
        include_str!("../data/acme-networks/entitlements.csv"),
    ),
    ("usage.csv", include_str!("../data/acme-networks/usage.csv")),
    (
        "accounts.csv",
        include_str!("../data/acme-networks/accounts.csv"),
    ),
    (
        "prices.csv",
        include_str!("../data/acme-networks/prices.csv"),
    ),
    (
        "substitutions.csv",
        include_str!("../data/acme-networks/substitutions.csv"),
    ),
];

/// The scenario the demo runs (`models/renewal.toml`).
pub(crate) const SCENARIO: &str = include_str!("../models/renewal.toml");

/// Writes the sample case into `dir/acme-networks` and returns that folder.
pub(crate) fn extract(dir: &Path) -> Result<PathBuf> {
    let case = dir.join("acme-networks");
    std::fs::create_dir_all(&case).map_err(|e| Error::io(&case, e))?;
    for (name, text) in FILES {
        let p = case.join(name);
        std::fs::write(&p, text).map_err(|e| Error::io(&p, e))?;
    }
    Ok(case)
}
