//! stub
use crate::error::Result;
use std::path::{Path, PathBuf};
/// stub
pub const SCENARIO: &str = "name = \"renewal\"\nhygiene = true\nbuffer_pct = 10\n";
/// stub
pub fn extract(dir: &Path) -> Result<PathBuf> {
    Ok(dir.to_path_buf())
}
