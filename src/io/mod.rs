//! Tables in and out, read bottom-up: [`text`] holds the rules for one value (names,
//! counts, prices, dates); [`source`] finds where a case table is (a CSV file or a
//! workbook sheet); [`table`] reads one table row by row with positioned errors;
//! [`guard`] keeps written names from turning into spreadsheet formulas; [`write`]
//! writes output folders atomically.

pub(crate) mod guard;
pub(crate) mod source;
pub(crate) mod table;
pub(crate) mod text;
pub mod write;

/// The text of a TOML scalar: strings as written, dates (bare or quoted) as `YYYY-MM-DD`.
/// (A bare TOML date deserialised into a `toml::Value` field arrives as a private table.)
pub(crate) fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Table(t) if t.len() == 1 => match t.values().next() {
            Some(toml::Value::String(s)) => s.clone(),
            _ => v.to_string(),
        },
        other => other.to_string(),
    }
}
