//! Tables in and out: CSV reading with positioned errors, and atomic output folders.

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
