//! Scenario files (`models/*.toml`; README, "Scenarios"): a reusable policy,
//! independent of any case.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::text::parse_date;

/// The longest term a scenario may set, in months (SPEC §3: 12, 24, …, 120).
pub const MAX_TERM_MONTHS: u32 = 120;

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

/// The date a scenario evaluates the estate at (README, "Scenarios": `evaluate_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvaluateAt {
    /// The position today, at the data date (`"as_of"`).
    #[default]
    AsOf,
    /// The position at the renewal date, with renewal sizing (`"renewal"`); at `as_of`,
    /// with a warning, when no renewal date applies.
    Renewal,
}

impl EvaluateAt {
    /// The value as a scenario file writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            EvaluateAt::AsOf => "as_of",
            EvaluateAt::Renewal => "renewal",
        }
    }
}

/// The settings of a scenario that the model applies as they are, the same in the
/// scenario and in the model's view of it ([`crate::model::ScenarioView`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
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
}

impl Default for Policy {
    /// The shipped `reallocate` scenario's: transfers and substitution on, no hygiene
    /// (stale after 90 days when it is on), no buffer or growth.
    fn default() -> Self {
        Policy {
            reallocate: true,
            substitution: true,
            hygiene: false,
            stale_after_days: 90,
            buffer_bp: 0,
            growth_bp: 0,
        }
    }
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// What the model applies as it is (read through the scenario: `s.hygiene` is
    /// `s.policy.hygiene`).
    pub policy: Policy,
    /// Renewal date policy.
    pub renewal: RenewalPolicy,
    /// The evaluation date: `as_of` or the renewal date.
    pub evaluate_at: EvaluateAt,
    /// Smart Account merge groups.
    pub merge: Merge,
    /// Extra locked VAs, as (SA, VA).
    pub lock: Vec<(String, String)>,
    /// Multi-year term sizing (SPEC §4.2): the term in months (12, 24, …, 120), if any.
    pub term_months: Option<u32>,
    /// Discount on units committed at the start of the term, hundredths of a percent.
    pub commit_discount_bp: u32,
    /// EA growth allowance on the commitment, hundredths of a percent.
    pub growth_allowance_bp: u32,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "reallocate".into(),
            policy: Policy::default(),
            renewal: RenewalPolicy::FromCase,
            evaluate_at: EvaluateAt::AsOf,
            merge: Merge::None,
            lock: Vec::new(),
            term_months: None,
            commit_discount_bp: 0,
            growth_allowance_bp: 0,
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
    evaluate_at: Option<toml::Value>,
    merge: Option<toml::Value>,
    lock: Option<Vec<String>>,
    term_months: Option<toml::Value>,
    commit_discount_pct: Option<toml::Value>,
    growth_allowance_pct: Option<toml::Value>,
}

/// Largest `buffer_pct` and `growth_pct` (1000 %), in hundredths of a percent
/// (README, "Scenarios").
pub(crate) const MAX_PCT_BP: i64 = 100_000;
/// Largest `stale_after_days` (a century).
pub(crate) const MAX_STALE_DAYS: u32 = 36_500;
/// Longest scenario name.
pub(crate) const MAX_NAME_LEN: usize = 100;

/// Checks a scenario name (README, "Scenarios"): it names output folders, so only letters, digits,
/// `.`, `_` and `-`, not starting with `.`, and at most [`MAX_NAME_LEN`] characters.
pub(crate) fn check_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("is empty".into());
    }
    if name.starts_with('.') {
        return Err("starts with '.' (it names an output folder)".into());
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(format!("is longer than {MAX_NAME_LEN} characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "contains {c:?}: a scenario name names an output folder, so only letters, digits, ., _ and - are allowed"
        ));
    }
    Ok(())
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

/// The scenarios shipped in `models/`, embedded in the binary: (name, file text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("consolidate", include_str!("../models/consolidate.toml")),
    ("hygiene", include_str!("../models/hygiene.toml")),
    ("reallocate", include_str!("../models/reallocate.toml")),
    ("renewal", include_str!("../models/renewal.toml")),
    ("term", include_str!("../models/term.toml")),
    ("vendor-view", include_str!("../models/vendor-view.toml")),
];

/// Whether a `--model` argument is a bare scenario NAME (no path separator, no `.toml`
/// ending) rather than a path.
fn is_bare_name(arg: &Path) -> bool {
    let text = arg.to_string_lossy();
    !text.contains('/') && !text.contains('\\') && !text.ends_with(".toml") && !text.is_empty()
}

impl Scenario {
    /// The scenario a `--model` argument names, for every command (README, "Scenarios"): a
    /// path is read as a file; a bare NAME is `CASE/models/NAME.toml` when that file exists,
    /// else the shipped scenario NAME. A NAME found in neither place is a usage error (exit 2)
    /// that says where it looked.
    pub fn from_arg(arg: &Path, case: &Path) -> Result<Scenario> {
        if !is_bare_name(arg) {
            let local = case.join("models").join(arg);
            if !arg.is_file() && arg.components().count() == 1 && local.is_file() {
                return Scenario::load(&local);
            }
            return Scenario::load(arg);
        }
        let name = arg.to_string_lossy();
        let local = case.join("models").join(format!("{name}.toml"));
        if local.is_file() {
            return Scenario::load(&local);
        }
        if let Some((n, text)) = SHIPPED.iter().find(|(n, _)| *n == name) {
            return Scenario::parse(text, &format!("shipped scenario {n}"), n);
        }
        if arg.is_file() {
            return Scenario::load(arg);
        }
        let shipped: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
        Err(Error::Usage(format!(
            "--model {name}: no such scenario: looked for {} and among the shipped scenarios ({}); \
             name one of those, or give the path of a .toml file",
            local.display(),
            shipped.join(", ")
        )))
    }

    /// Reads a scenario file; the name defaults to the file stem.
    pub fn load(path: &Path) -> Result<Scenario> {
        if path.is_dir() {
            return Err(Error::Usage(format!(
                "{}: is a folder, not a scenario file (name a .toml file, or use compare --models DIR)",
                path.display()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Usage(format!("{}: scenario file not found", path.display()))
            } else {
                Error::Usage(format!(
                    "{}: cannot read the scenario file: {e}",
                    path.display()
                ))
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::input(Diagnostic::new(
                path.display().to_string(),
                format!("is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
                "save the scenario file as UTF-8",
            ))
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
            let fix = "keys allowed: name, reallocate, substitution, hygiene, stale_after_days, buffer_pct, growth_pct, evaluate_at, renewal_date, term_months, commit_discount_pct, growth_allowance_pct, merge, lock";
            Error::input(Diagnostic::new(file, format!("cannot be read: {}", e.message()), fix))
        })?;
        let mut keys = KeyProblems {
            file,
            diags: Diagnostics::default(),
        };
        check_scenario_name(raw.name.as_deref(), default_name, &mut keys);
        let d = Scenario::default();
        let mut s = Scenario {
            name: raw.name.unwrap_or_else(|| default_name.to_string()),
            policy: Policy {
                reallocate: raw.reallocate.unwrap_or(d.policy.reallocate),
                substitution: raw.substitution.unwrap_or(d.policy.substitution),
                hygiene: raw.hygiene.unwrap_or(d.policy.hygiene),
                ..d.policy
            },
            ..d
        };
        if let Some(days) = raw.stale_after_days {
            match u32::try_from(days) {
                Ok(v) if v <= MAX_STALE_DAYS => s.policy.stale_after_days = v,
                _ => keys.bad(
                    "stale_after_days",
                    days.to_string(),
                    "is not a whole number of days from 0 to 36500",
                    "write e.g. stale_after_days = 90",
                ),
            }
        }
        if let Some(v) = &raw.buffer_pct {
            match hundredths(v) {
                Some(b) if (0..=MAX_PCT_BP).contains(&b) => s.policy.buffer_bp = b,
                _ => keys.bad(
                    "buffer_pct",
                    v.to_string(),
                    "is not a percentage from 0 to 1000 with at most two decimals",
                    "write e.g. buffer_pct = 10 or 12.5",
                ),
            }
        }
        if let Some(v) = &raw.growth_pct {
            match hundredths(v) {
                Some(g) if g > -10000 && g <= MAX_PCT_BP => s.policy.growth_bp = g,
                _ => keys.bad(
                    "growth_pct",
                    v.to_string(),
                    "is not a percentage above -100 and at most 1000, with at most two decimals",
                    "write e.g. growth_pct = 7.25 or -10",
                ),
            }
        }
        term_keys(
            [
                &raw.term_months,
                &raw.commit_discount_pct,
                &raw.growth_allowance_pct,
            ],
            &mut s,
            &mut keys,
        );
        if let Some(r) = raw.renewal_date.and_then(|v| renewal_policy(&v, &mut keys)) {
            s.renewal = r;
        }
        if let Some(v) = &raw.evaluate_at {
            match crate::io::toml_text(v).to_ascii_lowercase().as_str() {
                "as_of" => s.evaluate_at = EvaluateAt::AsOf,
                "renewal" => s.evaluate_at = EvaluateAt::Renewal,
                _ => keys.bad(
                    "evaluate_at",
                    v.to_string(),
                    "is not \"as_of\" or \"renewal\"",
                    "write evaluate_at = \"as_of\" (the position today) or \"renewal\" (at the renewal date, with the renewal quote)",
                ),
            }
        }
        if let Some(m) = raw.merge.and_then(|v| merge_groups(&v, &mut keys)) {
            s.merge = m;
        }
        s.lock = locks(raw.lock.unwrap_or_default(), &mut keys);
        keys.diags.finish(s)
    }
}

/// Reads `term_months`, `commit_discount_pct` and `growth_allowance_pct` (SPEC §3, §4.2).
fn term_keys(
    [months, discount, allowance]: [&Option<toml::Value>; 3],
    s: &mut Scenario,
    keys: &mut KeyProblems,
) {
    if let Some(v) = months {
        match v.as_integer().and_then(|m| u32::try_from(m).ok()) {
            Some(m) if m > 0 && m.is_multiple_of(12) && m <= MAX_TERM_MONTHS => {
                s.term_months = Some(m);
            }
            _ => keys.bad(
                "term_months",
                v.to_string(),
                "is not a term of 12, 24, ... or 120 months (a positive multiple of 12, at most 120)",
                "write e.g. term_months = 36 (three years) or 60 (five years)",
            ),
        }
    }
    let pct = |key: &str, v: &toml::Value, keys: &mut KeyProblems| match hundredths(v) {
        Some(b) if (0..=10_000).contains(&b) => u32::try_from(b).ok(),
        _ => {
            keys.bad(
                key,
                v.to_string(),
                "is not a percentage from 0 to 100 with at most two decimals",
                &format!("write e.g. {key} = 20 or 12.5"),
            );
            None
        }
    };
    if let Some(b) = discount
        .as_ref()
        .and_then(|v| pct("commit_discount_pct", v, keys))
    {
        s.commit_discount_bp = b;
    }
    if let Some(b) = allowance
        .as_ref()
        .and_then(|v| pct("growth_allowance_pct", v, keys))
    {
        s.growth_allowance_bp = b;
    }
}

/// The problems found in one scenario file, each at its key.
struct KeyProblems<'a> {
    file: &'a str,
    diags: Diagnostics,
}

impl KeyProblems<'_> {
    /// Records that `key` holds `value`, which is wrong as `message` says.
    fn bad(&mut self, key: &str, value: String, message: &str, fix: &str) {
        self.diags.push(
            Diagnostic::new(self.file, message, fix)
                .at_column(key)
                .with_value(value),
        );
    }
}

/// Reports a scenario name (`name`, else the file's `default_name`) that cannot name an
/// output folder.
fn check_scenario_name(name: Option<&str>, default_name: &str, keys: &mut KeyProblems) {
    let Err(why) = check_name(name.unwrap_or(default_name)) else {
        return;
    };
    let (value, fix) = match name {
        Some(n) => (n.to_string(), "write e.g. name = \"renewal-2027\" (letters, digits, ., _ and - only, not starting with .)"),
        None => (
            default_name.to_string(),
            "the name defaults to the file name: rename the file, or add e.g. name = \"renewal-2027\"",
        ),
    };
    keys.bad("name", value, &why, fix);
}

/// `renewal_date`: a date or `"none"`; `None` when it is neither (reported).
fn renewal_policy(v: &toml::Value, keys: &mut KeyProblems) -> Option<RenewalPolicy> {
    let text = crate::io::toml_text(v);
    if text.eq_ignore_ascii_case("none") {
        Some(RenewalPolicy::Disabled)
    } else if let Some(date) = parse_date(&text) {
        Some(RenewalPolicy::Date(date))
    } else {
        keys.bad(
            "renewal_date",
            text,
            "is not a date or \"none\"",
            "write renewal_date = \"YYYY-MM-DD\" or \"none\"",
        );
        None
    }
}

/// `merge`: `"all"`, `"none"` or a list of lists of Smart Account names; `None` when it
/// is none of these (reported).
fn merge_groups(v: &toml::Value, keys: &mut KeyProblems) -> Option<Merge> {
    let merge = match v {
        toml::Value::String(t) if t.eq_ignore_ascii_case("all") => Some(Merge::All),
        toml::Value::String(t) if t.eq_ignore_ascii_case("none") => Some(Merge::None),
        toml::Value::Array(groups) => groups
            .iter()
            .map(|g| {
                g.as_array()?
                    .iter()
                    .map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .collect::<Option<Vec<Vec<String>>>>()
            .map(Merge::Groups),
        _ => None,
    };
    if merge.is_none() {
        keys.bad(
            "merge",
            v.to_string(),
            "is not \"all\" or a list of lists of Smart Account names",
            "write merge = \"all\" or merge = [[\"Acme\", \"Initech\"]]",
        );
    }
    merge
}

/// `lock`: each entry `"SA/VA"`, trimmed; the others are reported and left out.
fn locks(list: Vec<String>, keys: &mut KeyProblems) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for l in list {
        match l.split_once('/') {
            Some((sa, va)) if !sa.trim().is_empty() && !va.trim().is_empty() => {
                out.push((sa.trim().to_string(), va.trim().to_string()))
            }
            _ => keys.bad(
                "lock",
                l.clone(),
                "is not \"SA/VA\"",
                "name each locked VA as \"Smart Account/Virtual Account\"",
            ),
        }
    }
    out
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
            policy:
                Policy {
                    reallocate,
                    substitution,
                    hygiene,
                    stale_after_days,
                    buffer_bp,
                    growth_bp,
                },
            renewal,
            evaluate_at,
            merge,
            lock,
            term_months,
            commit_discount_bp,
            growth_allowance_bp,
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
        t.insert("evaluate_at".into(), text(evaluate_at.as_str()));
        // Written only when set, so single-date plans keep their bytes.
        if let Some(m) = term_months {
            t.insert("term_months".into(), toml::Value::Integer(i64::from(*m)));
        }
        if *commit_discount_bp != 0 {
            t.insert(
                "commit_discount_pct".into(),
                pct(i64::from(*commit_discount_bp)),
            );
        }
        if *growth_allowance_bp != 0 {
            t.insert(
                "growth_allowance_pct".into(),
                pct(i64::from(*growth_allowance_bp)),
            );
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
        assert!(s.policy.reallocate && s.policy.substitution && !s.policy.hygiene);
        assert_eq!((s.policy.buffer_bp, s.policy.growth_bp), (1250, -1000));
        let s = Scenario::parse("growth_pct = 7.25", "x.toml", "x").unwrap();
        assert_eq!(s.policy.growth_bp, 725);
    }

    #[test]
    fn rejects_bad_values() {
        assert!(Scenario::parse("buffer_pct = 1.234", "x", "x").is_err());
        assert!(Scenario::parse("bufer_pct = 1", "x", "x").is_err());
        assert!(Scenario::parse("lock = [\"novaname\"]", "x", "x").is_err());
        assert!(Scenario::parse("growth_pct = -101", "x", "x").is_err());
        assert!(Scenario::parse("growth_pct = -100", "x", "x").is_err());
        assert!(Scenario::parse("growth_pct = 1000", "x", "x").is_ok());
        assert!(Scenario::parse("growth_pct = 1000.01", "x", "x").is_err());
        assert!(Scenario::parse("buffer_pct = 1e9", "x", "x").is_err());
        assert!(Scenario::parse("buffer_pct = 1000", "x", "x").is_ok());
        assert!(Scenario::parse("stale_after_days = 36501", "x", "x").is_err());
    }

    #[test]
    fn names_must_be_safe_folder_names() {
        for bad in ["../x", "/abs", ".hidden", "a/b", "a b", "", "a\\b", "é"] {
            let text = format!("name = {bad:?}");
            let e = Scenario::parse(&text, "s.toml", "s").unwrap_err();
            assert_eq!(e.exit_code(), crate::error::Exit::Data.code(), "{bad:?}");
            assert!(e.to_string().contains("s.toml"), "{e}");
        }
        assert!(Scenario::parse("", "my plan.toml", "my plan").is_err());
        assert!(Scenario::parse("name = \"renewal-2027.v2_b\"", "s", "s").is_ok());
    }

    #[test]
    fn evaluate_at_parses_and_defaults_to_as_of() {
        let s = Scenario::parse("", "x", "x").unwrap();
        assert_eq!(s.evaluate_at, EvaluateAt::AsOf);
        let s = Scenario::parse("evaluate_at = \"renewal\"", "x", "x").unwrap();
        assert_eq!(s.evaluate_at, EvaluateAt::Renewal);
        let s = Scenario::parse("evaluate_at = \"AS_OF\"", "x", "x").unwrap();
        assert_eq!(s.evaluate_at, EvaluateAt::AsOf);
        let e = Scenario::parse("evaluate_at = \"today\"", "s.toml", "s").unwrap_err();
        assert_eq!(e.exit_code(), crate::error::Exit::Data.code());
        assert!(e.to_string().contains("evaluate_at"), "{e}");
        let r = Scenario::parse("evaluate_at = \"renewal\"", "x", "x").unwrap();
        assert_eq!(Scenario::parse(&r.to_toml(), "y", "y").unwrap(), r);
    }

    #[test]
    fn shipped_scenarios_are_as_documented() {
        let get = |n: &str| {
            let (_, text) = SHIPPED.iter().find(|(m, _)| *m == n).unwrap();
            Scenario::parse(text, n, n).unwrap()
        };
        let v = get("vendor-view");
        assert!(!v.policy.reallocate && !v.policy.hygiene && v.policy.substitution);
        assert_eq!(v.evaluate_at, EvaluateAt::AsOf);
        let r = get("reallocate");
        assert!(r.policy.reallocate && !r.policy.hygiene && r.evaluate_at == EvaluateAt::AsOf);
        let h = get("hygiene");
        assert!(h.policy.reallocate && h.policy.hygiene && h.evaluate_at == EvaluateAt::AsOf);
        let n = get("renewal");
        assert!(n.policy.reallocate && n.policy.hygiene && n.policy.buffer_bp == 1000);
        assert_eq!(n.evaluate_at, EvaluateAt::Renewal);
        let c = get("consolidate");
        assert_eq!(c.merge, Merge::All);
        assert_eq!(
            Scenario {
                name: "renewal".into(),
                merge: Merge::None,
                ..c
            },
            n
        );
        for (name, _) in SHIPPED {
            assert_eq!(get(name).name, *name);
        }
    }

    #[test]
    fn model_names_resolve_in_the_case_first_then_shipped() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path();
        let s = Scenario::from_arg(Path::new("renewal"), case).unwrap();
        assert_eq!((s.name.as_str(), s.policy.buffer_bp), ("renewal", 1000));
        std::fs::create_dir(case.join("models")).unwrap();
        std::fs::write(case.join("models/renewal.toml"), "buffer_pct = 25\n").unwrap();
        let s = Scenario::from_arg(Path::new("renewal"), case).unwrap();
        assert_eq!((s.name.as_str(), s.policy.buffer_bp), ("renewal", 2500));
        let e = Scenario::from_arg(Path::new("nosuch"), case).unwrap_err();
        assert_eq!(e.exit_code(), crate::error::Exit::Usage.code());
        let text = e.to_string();
        assert!(
            text.contains("models") && text.contains("nosuch.toml"),
            "{text}"
        );
        assert!(text.contains("vendor-view"), "{text}");
        let e = Scenario::from_arg(Path::new("nosuch.toml"), case).unwrap_err();
        assert_eq!(e.exit_code(), crate::error::Exit::Usage.code());
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
