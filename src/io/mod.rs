//! Tables in and out: CSV reading with positioned errors, and atomic output folders.

pub mod table;
pub mod write;
