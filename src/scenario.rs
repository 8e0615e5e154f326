//! Scenario files (`models/*.toml`, SPEC §3): a reusable policy, independent of any case.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::table::parse_date;

/// Which Smart Accounts are pooled together as one (the M&A what-if).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Merge {
    /// Each Smart Account stands alone.
    #[default]
    None,
    /// All Smart Accounts of the case form one.
    All,
    /// Listed groups of Smart Account names form one each.
    Groups(Vec<Vec<String>>),
}

/// Renewal date policy of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenewalPolicy {
    /// Use the case's `renewal_date`, if any.
    #[default]
    FromCase,
    /// Override it.
    Date(NaiveDate),
    /// No renewal sizing.
    Disabled,
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// Allow transfers between VAs of a pool.
    pub reallocate: bool,
    /// Apply `substitutions.csv` within each VA.
    pub substitution: bool,
    /// Drop stale and retired instances from consumption.
    pub hygiene: bool,
    /// Days without contact after which an instance is stale.
    pub stale_after_days: u32,
    /// Headroom above consumption, in hundredths of a percent.
    pub buffer_bp: i64,
    /// Expected growth, in hundredths of a percent (may be negative).
    pub growth_bp: i64,
    /// Renewal date policy.
    pub renewal: RenewalPolicy,
    /// Smart Account merge groups.
    pub merge: Merge,
    /// Extra locked VAs, as (SA, VA).
    pub lock: Vec<(String, String)>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "reallocate".into(),
            reallocate: true,
            substitution: true,
            hygiene: false,
            stale_after_days: 90,
            buffer_bp: 0,
            growth_bp: 0,
            renewal: RenewalPolicy::FromCase,
            merge: Merge::None,
            lock: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Option<String>,
    reallocate: Option<bool>,
    substitution: Option<bool>,
    hygiene: Option<bool>,
    stale_after_days: Option<i64>,
    buffer_pct: Option<toml::Value>,
    growth_pct: Option<toml::Value>,
    renewal_date: Option<toml::Value>,
    merge: Option<toml::Value>,
    lock: Option<Vec<String>>,
}

/// Converts a percentage with at most two decimals into hundredths.
fn hundredths(v: &toml::Value) -> Option<i64> {
    let x = match v {
        toml::Value::Integer(i) => return i.checked_mul(100),
        toml::Value::Float(f) => *f,
        toml::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    let h = (x * 100.0).round();
    ((x * 100.0 - h).abs() < 1e-6 && h.abs() < 1e12).then_some(h as i64)
}

impl Scenario {
    /// Reads a scenario file; the name defaults to the file stem.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Usage(format!("{}: scenario file not found", path.display()))
            } else {
                Error::io(path, e)
            }
        })?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        Scenario::parse(&text, &path.display().to_string(), &stem)
    }

    /// Parses scenario text; `file` names it in messages.
    pub fn parse(text: &str, file: &str, default_name: &str) -> Result<Scenario> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            Error::input(Diagnostic {
                file: file.into(),
                line: None,
                column: None,
                value: None,
                message: format!("cannot be read: {}", e.message()),
                fix: "keys allowed: name, reallocate, substitution, hygiene, stale_after_days, buffer_pct, growth_pct, renewal_date, merge, lock".into(),
            })
        })?;
        let mut diags = Diagnostics::default();
        let mut bad = |key: &str, value: String, message: &str, fix: &str| {
            diags.push(Diagnostic {
                file: file.into(),
                line: None,
                column: Some(key.into()),
                value: Some(value),
                message: message.into(),
                fix: fix.into(),
            })
        };
        let d = Scenario::default();
        let mut s = Scenario {
            name: raw.name.unwrap_or_else(|| default_name.to_string()),
            reallocate: raw.reallocate.unwrap_or(d.reallocate),
            substitution: raw.substitution.unwrap_or(d.substitution),
            hygiene: raw.hygiene.unwrap_or(d.hygiene),
            ..d
        };
        if let Some(days) = raw.stale_after_days {
            match u32::try_from(days) {
                Ok(v) => s.stale_after_days = v,
                Err(_) => bad(
                    "stale_after_days",
                    days.to_string(),
                    "is not a whole number of days >= 0",
                    "write e.g. stale_after_days = 90",
                ),
            }
        }
        if let Some(v) = &raw.buffer_pct {
            match hundredths(v) {
                Some(b) if b >= 0 => s.buffer_bp = b,
                _ => bad(
                    "buffer_pct",
                    v.to_string(),
                    "is not a percentage >= 0 with at most two decimals",
                    "write e.g. buffer_pct = 10 or 12.5",
                ),
            }
        }
        if let Some(v) = &raw.growth_pct {
            match hundredths(v) {
                Some(g) if g >= -10000 => s.growth_bp = g,
                _ => bad(
                    "growth_pct",
                    v.to_string(),
                    "is not a percentage >= -100 with at most two decimals",
                    "write e.g. growth_pct = 7.25 or -10",
                ),
            }
        }
        if let Some(v) = &raw.renewal_date {
            let text = crate::io::toml_text(v);
            if text.eq_ignore_ascii_case("none") {
                s.renewal = RenewalPolicy::Disabled;
            } else if let Some(date) = parse_date(&text) {
                s.renewal = RenewalPolicy::Date(date);
            } else {
                bad(
                    "renewal_date",
                    text,
                    "is not a date or \"none\"",
                    "write renewal_date = \"YYYY-MM-DD\" or \"none\"",
                );
            }
        }
        if let Some(v) = &raw.merge {
            match v {
                toml::Value::String(t) if t.eq_ignore_ascii_case("all") => s.merge = Merge::All,
                toml::Value::String(t) if t.eq_ignore_ascii_case("none") => s.merge = Merge::None,
                toml::Value::Array(groups) => {
                    let parsed: Option<Vec<Vec<String>>> = groups
                        .iter()
                        .map(|g| {
                            g.as_array()?
                                .iter()
                                .map(|n| n.as_str().map(str::to_string))
                                .collect()
                        })
                        .collect();
                    match parsed {
                        Some(gs) => s.merge = Merge::Groups(gs),
                        None => bad(
                            "merge",
                            v.to_string(),
                            "is not \"all\" or a list of lists of Smart Account names",
                            "write merge = \"all\" or merge = [[\"Acme\", \"Initech\"]]",
                        ),
                    }
                }
                _ => bad(
                    "merge",
                    v.to_string(),
                    "is not \"all\" or a list of lists of Smart Account names",
                    "write merge = \"all\" or merge = [[\"Acme\", \"Initech\"]]",
                ),
            }
        }
        for l in raw.lock.unwrap_or_default() {
            match l.split_once('/') {
                Some((sa, va)) if !sa.trim().is_empty() && !va.trim().is_empty() => {
                    s.lock.push((sa.trim().to_string(), va.trim().to_string()))
                }
                _ => bad(
                    "lock",
                    l.clone(),
                    "is not \"SA/VA\"",
                    "name each locked VA as \"Smart Account/Virtual Account\"",
                ),
            }
        }
        diags.finish(s)
    }
}

impl Scenario {
    /// The scenario as a scenario file: `Scenario::parse(&s.to_toml(), file, other_name)`
    /// gives back `s`, name included, for every scenario `parse` can produce (a plan folder
    /// keeps this copy as `scenario.toml`, which `verify` reads back). Values are written by
    /// the `toml` crate (quoting and escaping included); percentages are whole numbers where
    /// they can be, else the nearest float to the two-decimal value, which reads back exactly.
    pub fn to_toml(&self) -> String {
        // Destructured so that a new field cannot be added without writing it here.
        let Scenario {
            name,
            reallocate,
            substitution,
            hygiene,
            stale_after_days,
            buffer_bp,
            growth_bp,
            renewal,
            merge,
            lock,
        } = self;
        let pct = |bp: i64| {
            if bp % 100 == 0 {
                toml::Value::Integer(bp / 100)
            } else {
                toml::Value::Float(bp as f64 / 100.0)
            }
        };
        let text = |s: &str| toml::Value::String(s.to_string());
        let mut t = toml::Table::new();
        t.insert("name".into(), text(name));
        t.insert("reallocate".into(), toml::Value::Boolean(*reallocate));
        t.insert("substitution".into(), toml::Value::Boolean(*substitution));
        t.insert("hygiene".into(), toml::Value::Boolean(*hygiene));
        t.insert(
            "stale_after_days".into(),
            toml::Value::Integer(i64::from(*stale_after_days)),
        );
        t.insert("buffer_pct".into(), pct(*buffer_bp));
        t.insert("growth_pct".into(), pct(*growth_bp));
        match renewal {
            RenewalPolicy::FromCase => {}
            RenewalPolicy::Date(d) => {
                t.insert(
                    "renewal_date".into(),
                    text(&d.format("%Y-%m-%d").to_string()),
                );
            }
            RenewalPolicy::Disabled => {
                t.insert("renewal_date".into(), text("none"));
            }
        }
        let merge = match merge {
            Merge::None => text("none"),
            Merge::All => text("all"),
            Merge::Groups(groups) => toml::Value::Array(
                groups
                    .iter()
                    .map(|g| toml::Value::Array(g.iter().map(|n| text(n)).collect()))
                    .collect(),
            ),
        };
        t.insert("merge".into(), merge);
        t.insert(
            "lock".into(),
            toml::Value::Array(
                lock.iter()
                    .map(|(sa, va)| text(&format!("{sa}/{va}")))
                    .collect(),
            ),
        );
        let mut out = String::from(
            "# The scenario this plan was made with, as reallot read it (`reallot verify` uses it).\n",
        );
        out.push_str(&toml::to_string(&t).expect("a TOML table serialises"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_percentages() {
        let s = Scenario::parse("buffer_pct = 12.5\ngrowth_pct = -10", "x.toml", "x").unwrap();
        assert_eq!(s.name, "x");
        assert!(s.reallocate && s.substitution && !s.hygiene);
        assert_eq!((s.buffer_bp, s.growth_bp), (1250, -1000));
        let s = Scenario::parse("growth_pct = 7.25", "x.toml", "x").unwrap();
        assert_eq!(s.growth_bp, 725);
    }

    #[test]
    fn rejects_bad_values() {
        assert!(Scenario::parse("buffer_pct = 1.234", "x", "x").is_err());
        assert!(Scenario::parse("bufer_pct = 1", "x", "x").is_err());
        assert!(Scenario::parse("lock = [\"novaname\"]", "x", "x").is_err());
        assert!(Scenario::parse("growth_pct = -101", "x", "x").is_err());
    }

    #[test]
    fn merge_and_renewal() {
        let s =
            Scenario::parse("merge = [[\"A\",\"B\"]]\nrenewal_date = \"none\"", "x", "x").unwrap();
        assert_eq!(s.merge, Merge::Groups(vec![vec!["A".into(), "B".into()]]));
        assert_eq!(s.renewal, RenewalPolicy::Disabled);
        let s = Scenario::parse("merge = \"all\"\nrenewal_date = 2027-01-31", "x", "x").unwrap();
        assert_eq!(s.merge, Merge::All);
        assert!(matches!(s.renewal, RenewalPolicy::Date(_)));
    }
}
