//! `reallot import cssm-json`: Smart Licensing API responses into a canonical case folder.
//!
//! Three shapes are read (unknown fields are ignored):
//! 1. the v1 licence usage response: `licenses[]` rows with `license`, `virtualAccount`,
//!    `quantity`, `inUse`, `reserved`, `licenseDetails[]` lots and `licenseSubstitutions[]`;
//! 2. account lists: `accounts[]` with `accountName`/`accountDomain` and `roles[]` whose
//!    licence rows sit in `licenses[]` or `assignedLicenses.licenses[]` (a row repeated
//!    under several roles counts once);
//! 3. the snake_case summary: `summary[]` rows with `display_name`, `virtual_account`,
//!    `entitled`, `inuse`, `reserved`, `license_details[]`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::io::text::{
    check_name, limit_text, parse_count, parse_date, shown, MAX_COUNT, MAX_YEAR, MIN_YEAR,
};
use crate::io::write::OutDir;

/// What an import read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Smart Accounts.
    pub smart_accounts: usize,
    /// Virtual Accounts.
    pub virtual_accounts: usize,
    /// Distinct licence rows (SA, VA, licence).
    pub licences: usize,
    /// Entitlement lots written.
    pub lots: usize,
    /// Substitution pairs written.
    pub substitutions: usize,
    /// Things worth knowing that did not stop the import.
    pub warnings: Vec<String>,
}

/// One row of the written entitlements.csv (sorted as written).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct LotRow {
    sa: String,
    va: String,
    lic: String,
    order: usize,
    quantity: u64,
    license_type: String,
    start: String,
    end: String,
    status: String,
    subscription: String,
}

#[derive(Default)]
struct Acc {
    lots: Vec<LotRow>,
    usage: BTreeMap<(String, String, String), (u64, u64)>,
    subs: BTreeSet<(String, String)>,
    seen_rows: BTreeSet<(String, String)>,
    warnings: Vec<String>,
}

/// Parses the date forms the API uses: `2019-05-20`, `2019-01-18T01:07:36Z`, `2026-Jan-01`
/// (years 1900 to 9999).
pub(crate) fn parse_api_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = parse_date(s) {
        return Some(d);
    }
    if let Some(head) = s.get(..10) {
        if let Some(d) = parse_date(head) {
            return Some(d);
        }
    }
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let m = m.to_ascii_lowercase();
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS.iter().position(|x| m.starts_with(x))? as u32 + 1;
    NaiveDate::from_ymd_opt(
        y.parse().ok()?,
        month,
        d.get(..2).unwrap_or(d).trim().parse().ok()?,
    )
    .filter(|day| (MIN_YEAR..=MAX_YEAR).contains(&day.year()))
}

/// Marks a field already reported as an input problem.
#[derive(Debug, Clone, Copy)]
struct Reported;

/// A field read strictly: absent (or `null`), a value, or reported as wrong.
type Field<T> = std::result::Result<Option<T>, Reported>;

struct Ctx<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
}

impl Ctx<'_> {
    fn missing(&mut self, path: &str, what: &str) {
        self.diags.push(
            Diagnostic::new(
                self.file,
                format!("is missing ({what})"),
                "export the full API response, or fix the field in the file",
            )
            .at_column(path),
        );
    }

    /// Reports the value `v` at JSON path `path`.
    fn bad(
        &mut self,
        path: &str,
        v: &Value,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Reported {
        // Strings as written; other JSON values as JSON text.
        let value = shown(&match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        self.diags.push(
            Diagnostic::new(self.file, message, fix)
                .at_column(path)
                .with_value(value),
        );
        Reported
    }
}

/// The first of `keys` that `v` holds with a value other than `null`.
fn field<'v>(v: &'v Value, keys: &[&'static str]) -> Option<(&'static str, &'v Value)> {
    keys.iter()
        .find_map(|&k| v.get(k).filter(|x| !x.is_null()).map(|x| (k, x)))
}

/// A text field of object `v` at `path` (a name: checked for length and control
/// characters); an empty string counts as absent.
fn text<'v>(cx: &mut Ctx, v: &'v Value, keys: &[&'static str], path: &str) -> Field<&'v str> {
    let Some((key, x)) = field(v, keys) else {
        return Ok(None);
    };
    let at = format!("{path}{}{key}", if path.is_empty() { "" } else { "." });
    let Some(s) = x.as_str() else {
        return Err(cx.bad(
            &at,
            x,
            "is not text",
            "write the name as a JSON string, or export the API response unchanged",
        ));
    };
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    check_name(s).map_err(|(message, fix)| cx.bad(&at, x, message, fix))?;
    Ok(Some(s))
}

/// An identifier that the API writes as text or as a whole number (`subscriptionId`).
fn ident(cx: &mut Ctx, v: &Value, keys: &[&'static str], path: &str) -> Field<String> {
    match field(v, keys) {
        Some((_, Value::Number(n))) if n.is_u64() => Ok(Some(n.to_string())),
        _ => Ok(text(cx, v, keys, path)?.map(str::to_string)),
    }
}

/// A count field of object `v` at `path`: a whole JSON number from 0 to 10^12 (a string
/// of digits is read as one).
fn count(cx: &mut Ctx, v: &Value, keys: &[&'static str], path: &str) -> Field<u64> {
    let Some((key, x)) = field(v, keys) else {
        return Ok(None);
    };
    let at = format!("{path}.{key}");
    let fix = format!(
        "a count is a whole number from 0 to {}, written without a sign, decimal point or exponent",
        limit_text(MAX_COUNT.into())
    );
    let n = match x {
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u,
            (None, Some(_), _) => return Err(cx.bad(&at, x, "is negative", fix)),
            (None, None, Some(f)) if f < 0.0 => return Err(cx.bad(&at, x, "is negative", fix)),
            (None, None, Some(f)) if f.fract() != 0.0 => {
                return Err(cx.bad(&at, x, "is not a whole number", fix))
            }
            _ => {
                return Err(cx.bad(
                    &at,
                    x,
                    "is written as a decimal or with an exponent, not as a whole number",
                    fix,
                ))
            }
        },
        Value::String(s) => match parse_count(s.trim()) {
            Ok(u) => u,
            Err("too large") => u64::MAX,
            Err(why) => {
                return Err(cx.bad(&at, x, format!("is not a whole number >= 0 ({why})"), fix))
            }
        },
        _ => return Err(cx.bad(&at, x, "is not a number", fix)),
    };
    if n > MAX_COUNT {
        return Err(cx.bad(
            &at,
            x,
            format!(
                "is more than {}, the largest count accepted",
                limit_text(MAX_COUNT.into())
            ),
            fix,
        ));
    }
    Ok(Some(n))
}

/// An array field of object `v` at `path`; absent when missing or `null`.
fn array<'v>(cx: &mut Ctx, v: &'v Value, keys: &[&'static str], path: &str) -> Field<&'v [Value]> {
    let Some((key, x)) = field(v, keys) else {
        return Ok(None);
    };
    match x.as_array() {
        Some(a) => Ok(Some(a)),
        None => Err(cx.bad(
            &format!("{path}{}{key}", if path.is_empty() { "" } else { "." }),
            x,
            "is not a list",
            "export the API response unchanged (this field holds a JSON array)",
        )),
    }
}

/// Whether `v` (at `path`) is a JSON object; reports it when not.
fn object(cx: &mut Ctx, v: &Value, path: &str) -> bool {
    if v.is_object() {
        true
    } else {
        cx.bad(
            path,
            v,
            "is not an object",
            "export the API response unchanged (each entry is a JSON object)",
        );
        false
    }
}

fn canonical(
    value: &str,
    options: &[&str],
    default: &str,
    what: &str,
    warnings: &mut Vec<String>,
) -> String {
    let up = value.trim().to_ascii_uppercase();
    if options.contains(&up.as_str()) {
        up
    } else {
        warnings.push(format!("unknown {what} {value:?} read as {default}"));
        default.to_string()
    }
}

const TYPES: &[&str] = &["PERPETUAL", "TERM", "SUBSCRIPTION", "DEMO"];
const STATUSES: &[&str] = &["ACTIVE", "EXPIRED", "CANCELLED", "FUTURE", "PENDING"];

const LICENCE_KEYS: &[&str] = &["license", "licenseName", "display_name", "license_name"];
const VA_KEYS: &[&str] = &["virtualAccount", "virtual_account", "virtualAccountName"];

/// A date field of lot `lot` at `path`, as `YYYY-MM-DD` (empty when absent).
fn lot_date(cx: &mut Ctx, lot: &Value, keys: &[&'static str], path: &str) -> Field<String> {
    let Some(d) = text(cx, lot, keys, path)? else {
        return Ok(None);
    };
    match parse_api_date(d) {
        Some(day) => Ok(Some(day.to_string())),
        None => {
            let (key, x) = field(lot, keys).expect("the field was just read");
            Err(cx.bad(
                &format!("{path}.{key}"),
                x,
                "is not a date from 1900 to 9999",
                "dates look like 2019-05-20, 2019-01-18T01:07:36Z or 2026-Jan-01",
            ))
        }
    }
}

/// One lot of `licenseDetails[]` (its SA, VA and licence left empty for the caller);
/// `None` when it was reported.
fn lot_row(
    cx: &mut Ctx,
    warnings: &mut Vec<String>,
    order: usize,
    lot: &Value,
    lp: &str,
) -> Option<LotRow> {
    if !object(cx, lot, lp) {
        return None;
    }
    let q = count(cx, lot, &["quantity"], lp);
    let lt = text(cx, lot, &["licenseType", "license_type"], lp);
    let st = text(cx, lot, &["status"], lp);
    let start = lot_date(cx, lot, &["startDate", "start_date"], lp);
    let end = lot_date(cx, lot, &["endDate", "end_date"], lp);
    let sub = ident(cx, lot, &["subscriptionId", "subscription_id"], lp);
    let (Ok(q), Ok(lt), Ok(st), Ok(start), Ok(end), Ok(sub)) = (q, lt, st, start, end, sub) else {
        return None;
    };
    let Some(q) = q else {
        cx.missing(&format!("{lp}.quantity"), "every lot has a quantity");
        return None;
    };
    let lt = canonical(
        lt.unwrap_or("PERPETUAL"),
        TYPES,
        "PERPETUAL",
        "licence type",
        warnings,
    );
    let st = canonical(
        st.unwrap_or("ACTIVE"),
        STATUSES,
        "ACTIVE",
        "status",
        warnings,
    );
    Some(LotRow {
        sa: String::new(),
        va: String::new(),
        lic: String::new(),
        order,
        quantity: q,
        license_type: lt,
        start: start.unwrap_or_default(),
        end: end.unwrap_or_default(),
        status: st,
        subscription: sub.unwrap_or_default(),
    })
}

const QUANTITY_KEYS: &[&str] = &["quantity", "entitled", "purchased"];
const IN_USE_KEYS: &[&str] = &["inUse", "inuse", "in_use"];

/// The lots of `licenseDetails[]` at `path`; `None` when any was reported.
fn detail_lots(
    cx: &mut Ctx,
    warnings: &mut Vec<String>,
    details: &Field<&[Value]>,
    path: &str,
) -> Option<Vec<LotRow>> {
    let mut lots = Vec::new();
    let mut ok = true;
    if let Ok(Some(list)) = details {
        for (i, lot) in list.iter().enumerate() {
            let lp = format!("{path}.licenseDetails[{i}]");
            match lot_row(cx, warnings, i, lot, &lp) {
                Some(l) => lots.push(l),
                None => ok = false,
            }
        }
    }
    ok.then_some(lots)
}

/// The licences `licenseSubstitutions[]` at `path` names (the ones this licence covers).
fn covered<'v>(cx: &mut Ctx, subs: Field<&'v [Value]>, path: &str) -> Vec<&'v str> {
    const KEYS: &[&str] = &[
        "license",
        "licenseName",
        "substitutedLicense",
        "substituted_license",
    ];
    let mut covers = Vec::new();
    for (i, s) in subs.unwrap_or(None).into_iter().flatten().enumerate() {
        let sp = format!("{path}.licenseSubstitutions[{i}]");
        if !object(cx, s, &sp) {
            continue;
        }
        match text(cx, s, KEYS, &sp) {
            Ok(Some(other)) => covers.push(other),
            Err(Reported) => {}
            Ok(None) => cx.missing(
                &format!("{sp}.license"),
                "a substitution names the licence it covers",
            ),
        }
    }
    covers
}

/// A name the row must have: the field, else `default`; reported missing at
/// `path.key` (with `what`) when it has neither.
fn required<'v>(
    cx: &mut Ctx,
    name: Field<&'v str>,
    default: Option<&'v str>,
    (path, key): (&str, &str),
    what: &str,
) -> Option<&'v str> {
    let name = name.ok()?.or(default);
    if name.is_none() {
        cx.missing(&format!("{path}.{key}"), what);
    }
    name
}

/// Adds a row's units in use and reserved to the usage of (SA, VA, licence); `false`
/// (reported at the row's in-use field) when the sum would pass [`MAX_COUNT`].
fn add_usage(
    cx: &mut Ctx,
    acc: &mut Acc,
    (sa, va, lic): (&str, &str, &str),
    (in_use, reserved): (u64, u64),
    (row, path): (&Value, &str),
) -> bool {
    let usage_key = (sa.to_string(), va.to_string(), lic.to_string());
    let u = acc.usage.get(&usage_key).copied().unwrap_or((0, 0));
    // Each sum stays at most 10^12 (checked below; reserved <= in use row by row), so
    // saturation never hides a value: anything above 10^12 is refused.
    let used = u.0.saturating_add(in_use);
    let res = u.1.saturating_add(reserved);
    if used > MAX_COUNT {
        let (key, x) = field(row, IN_USE_KEYS).expect("in use was read");
        cx.bad(
            &format!("{path}.{key}"),
            x,
            format!(
                "brings the units in use of {lic} in {sa}/{va} (over several rows) to {used}, more than {}",
                limit_text(MAX_COUNT.into())
            ),
            "check the response: a count above 10^12 is not a licence count",
        );
        return false;
    }
    acc.usage.insert(usage_key, (used, res));
    true
}

/// Whether a row reserves more units than it uses (then reported at its `reserved`).
fn reserves_too_many(
    cx: &mut Ctx,
    (in_use, reserved): (&Field<u64>, &Field<u64>),
    row: &Value,
    path: &str,
) -> bool {
    let (Ok(Some(u)), Ok(Some(r))) = (in_use, reserved) else {
        return false;
    };
    if r <= u {
        return false;
    }
    let (key, x) = field(row, &["reserved"]).expect("reserved was read");
    cx.bad(
        &format!("{path}.{key}"),
        x,
        format!("is more than the units in use ({u})"),
        "reserved units are part of those in use: the response is inconsistent, export it again",
    );
    true
}

/// One licence row (camelCase or snake_case) at JSON path `path`.
fn licence_row(
    cx: &mut Ctx,
    acc: &mut Acc,
    sa: &str,
    default_va: Option<&str>,
    row: &Value,
    path: &str,
) {
    if !object(cx, row, path) {
        return;
    }
    // Every field is checked before anything is kept, so one pass reports them all.
    let lic = text(cx, row, LICENCE_KEYS, path);
    let va = text(cx, row, VA_KEYS, path);
    let quantity = count(cx, row, QUANTITY_KEYS, path);
    let in_use = count(cx, row, IN_USE_KEYS, path);
    let reserved = count(cx, row, &["reserved"], path);
    let details = array(cx, row, &["licenseDetails", "license_details"], path);
    let subs = array(cx, row, &["licenseSubstitutions"], path);
    let lots = detail_lots(cx, &mut acc.warnings, &details, path);
    let covers = covered(cx, subs, path);
    let what = "every licence row names its licence";
    let lic = required(cx, lic, None, (path, "license"), what);
    let what = "every licence row names its Virtual Account";
    let va = required(cx, va, default_va, (path, "virtualAccount"), what);
    if reserves_too_many(cx, (&in_use, &reserved), row, path) {
        return;
    }
    let (Some(lic), Some(va), Ok(quantity), Ok(in_use), Ok(reserved), Ok(details), Some(mut lots)) =
        (lic, va, quantity, in_use, reserved, details, lots)
    else {
        return;
    };
    // The same row under several roles counts once.
    let key = (
        sa.to_string(),
        format!(
            "{va}\u{1f}{}",
            serde_json::to_string(row).unwrap_or_default()
        ),
    );
    if !acc.seen_rows.insert(key) {
        return;
    }
    let units = (in_use.unwrap_or(0), reserved.unwrap_or(0));
    if !add_usage(cx, acc, (sa, va, lic), units, (row, path)) {
        return;
    }
    match details {
        Some(list) if !list.is_empty() => {
            for l in &mut lots {
                (l.sa, l.va, l.lic) = (sa.into(), va.into(), lic.into());
            }
        }
        _ => lots.push(LotRow {
            sa: sa.into(),
            va: va.into(),
            lic: lic.into(),
            order: 0,
            quantity: quantity.unwrap_or(0),
            license_type: "PERPETUAL".into(),
            start: String::new(),
            end: String::new(),
            status: "ACTIVE".into(),
            subscription: String::new(),
        }),
    }
    acc.lots.extend(lots);
    for other in covers {
        if other != lic {
            acc.subs.insert((lic.to_string(), other.to_string()));
        }
    }
}

/// The licence rows of an account or role object at `path`: `licenses[]` and
/// `assignedLicenses.licenses[]`, each with its JSON path.
fn rows_in<'v>(cx: &mut Ctx, v: &'v Value, path: &str) -> Vec<(String, &'v Value)> {
    let dot = if path.is_empty() { "" } else { "." };
    let mut out = Vec::new();
    if let Ok(Some(a)) = array(cx, v, &["licenses"], path) {
        out.extend(
            a.iter()
                .enumerate()
                .map(|(i, r)| (format!("{path}{dot}licenses[{i}]"), r)),
        );
    }
    if let Some(assigned) = v.get("assignedLicenses").filter(|x| !x.is_null()) {
        let ap = format!("{path}{dot}assignedLicenses");
        if object(cx, assigned, &ap) {
            if let Ok(Some(a)) = array(cx, assigned, &["licenses"], &ap) {
                out.extend(
                    a.iter()
                        .enumerate()
                        .map(|(i, r)| (format!("{ap}.licenses[{i}]"), r)),
                );
            }
        }
    }
    out
}

/// The text of a JSON file, or why it is not UTF-8 JSON text (the error is reported).
fn json_text(file: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        diags.push(Diagnostic::new(
            file,
            "is UTF-16 text, not UTF-8",
            "save the API response as UTF-8 (in PowerShell: Out-File -Encoding utf8)",
        ));
        return None;
    }
    let bytes = match bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let col = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
            let byte = e.as_bytes()[good.len()];
            diags.push(
                Diagnostic::new(
                    file,
                    format!("is not UTF-8: byte 0x{byte:02X} at line {line}, column {col} is not valid there"),
                    "save the API response as UTF-8, unchanged",
                )
                .at_line(line)
                .at_column(col.to_string()),
            );
            None
        }
    }
}

/// The file name of `path`, as messages show it.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The JSON value of file `path` (named `file` in messages); `None` when it is not
/// UTF-8 JSON (reported).
fn read_json(path: &Path, file: &str, diags: &mut Diagnostics) -> Result<Option<Value>> {
    let bytes = std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!("{}: no such file", path.display()))
        } else {
            Error::io(path, e)
        }
    })?;
    let Some(text_in) = json_text(file, bytes, diags) else {
        return Ok(None);
    };
    match serde_json::from_str(&text_in) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    file,
                    format!("is not valid JSON: {e}"),
                    "save the API response unchanged",
                )
                .at_line(e.line() as u64)
                .at_column(e.column().to_string()),
            );
            Ok(None)
        }
    }
}

/// Where one file's rows go, and the Smart Account `--smart-account` names, if any.
struct Target<'a> {
    acc: &'a mut Acc,
    sas: &'a mut BTreeSet<String>,
    sa_flag: Option<&'a str>,
}

impl Target<'_> {
    /// The Smart Account of rows whose own name field is `own` (at `path`): the flag's,
    /// else `own`; reported missing when there is neither. It is noted in `sas`.
    fn sa(&mut self, cx: &mut Ctx, own: Field<&str>, path: &str) -> Option<String> {
        let sa = match (self.sa_flag, own) {
            (Some(s), _) => s.to_string(),
            (None, Ok(Some(s))) => s.to_string(),
            (None, Err(Reported)) => return None,
            (None, Ok(None)) => {
                cx.missing(path, "the Smart Account name: pass --smart-account NAME");
                return None;
            }
        };
        self.sas.insert(sa.clone());
        Some(sa)
    }

    /// The account-list shape: `accounts[]`, each with `roles[]`, and licence rows under
    /// both. Whether the file has `accounts` at all.
    fn accounts(&mut self, cx: &mut Ctx, v: &Value) -> bool {
        let Some(accounts) = array(cx, v, &["accounts"], "").unwrap_or(None) else {
            return v.get("accounts").is_some_and(|x| !x.is_null()); // reported as not a list
        };
        for (a, account) in accounts.iter().enumerate() {
            let ap = format!("accounts[{a}]");
            if !object(cx, account, &ap) {
                continue;
            }
            let own = text(cx, account, &["accountName", "accountDomain"], &ap);
            let Some(sa) = self.sa(cx, own, &format!("{ap}.accountName")) else {
                continue;
            };
            let roles = array(cx, account, &["roles"], &ap).unwrap_or(None);
            for (r, role) in roles.into_iter().flatten().enumerate() {
                let rp = format!("{ap}.roles[{r}]");
                if !object(cx, role, &rp) {
                    continue;
                }
                for (p, row) in rows_in(cx, role, &rp) {
                    licence_row(cx, self.acc, &sa, None, row, &p);
                }
            }
            for (p, row) in rows_in(cx, account, &ap) {
                licence_row(cx, self.acc, &sa, None, row, &p);
            }
        }
        true
    }

    /// The usage shape: licence rows at the top level. Whether the file has them.
    fn top_rows(&mut self, cx: &mut Ctx, v: &Value, file_sa: Field<&str>) -> bool {
        let has_rows = ["licenses", "assignedLicenses"]
            .iter()
            .any(|k| v.get(*k).is_some_and(|x| !x.is_null()));
        if has_rows {
            let rows = rows_in(cx, v, "");
            if let Some(sa) = self.sa(cx, file_sa, "accountName") {
                for (p, row) in rows {
                    licence_row(cx, self.acc, &sa, None, row, &p);
                }
            }
        }
        has_rows
    }

    /// The snake_case summary shape: `summary[]`. Whether the file has it.
    fn summary(&mut self, cx: &mut Ctx, v: &Value, file_sa: Field<&str>) -> bool {
        if v.get("summary").is_none_or(Value::is_null) {
            return false;
        }
        if let Ok(Some(summary)) = array(cx, v, &["summary"], "") {
            if let Some(sa) = self.sa(cx, file_sa, "accountName") {
                for (i, row) in summary.iter().enumerate() {
                    let path = format!("summary[{i}]");
                    licence_row(cx, self.acc, &sa, Some("DEFAULT"), row, &path);
                }
            }
        }
        true
    }
}

/// Reads one API response file into `target`, reporting every problem in `diags`.
fn import_file(path: &Path, target: &mut Target, diags: &mut Diagnostics) -> Result<()> {
    let file = file_name(path);
    let Some(v) = read_json(path, &file, diags)? else {
        return Ok(());
    };
    let mut cx = Ctx { file: &file, diags };
    if !object(&mut cx, &v, "(top level)") {
        return Ok(());
    }
    let sa_keys = &["accountName", "smartAccountName", "accountDomain"];
    let file_sa = text(&mut cx, &v, sa_keys, "");
    let accounts = target.accounts(&mut cx, &v);
    let rows = target.top_rows(&mut cx, &v, file_sa);
    let summary = target.summary(&mut cx, &v, file_sa);
    if !(accounts || rows || summary) {
        cx.diags.push(Diagnostic::new(
            &file,
            "holds none of licenses[], accounts[] or summary[]",
            "pass a Smart Licensing API licence response",
        ));
    }
    Ok(())
}

fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory write");
    for r in rows {
        w.write_record(&r).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

/// `entitlements.csv` of the imported lots (sorted).
fn entitlements_csv(lots: &[LotRow]) -> Vec<u8> {
    const HEADER: &[&str] = &[
        "smart_account",
        "virtual_account",
        "license",
        "quantity",
        "license_type",
        "start_date",
        "end_date",
        "status",
        "subscription_id",
    ];
    let rows = lots.iter().map(|l| {
        vec![
            l.sa.clone(),
            l.va.clone(),
            l.lic.clone(),
            l.quantity.to_string(),
            l.license_type.clone(),
            l.start.clone(),
            l.end.clone(),
            l.status.clone(),
            l.subscription.clone(),
        ]
    });
    csv_of(HEADER, rows)
}

/// `usage.csv` of the imported usage.
fn usage_csv(usage: &BTreeMap<(String, String, String), (u64, u64)>) -> Vec<u8> {
    const HEADER: &[&str] = &[
        "smart_account",
        "virtual_account",
        "license",
        "in_use",
        "reserved",
    ];
    let rows = usage.iter().map(|((sa, va, l), (u, r))| {
        vec![
            sa.clone(),
            va.clone(),
            l.clone(),
            u.to_string(),
            r.to_string(),
        ]
    });
    csv_of(HEADER, rows)
}

/// Writes the case folder `out` (atomically) from what the files held.
fn write_case(
    acc: &Acc,
    sas: &BTreeSet<String>,
    as_of: Option<NaiveDate>,
    files: &[PathBuf],
    out: &Path,
) -> Result<()> {
    let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let dir = OutDir::new(out, &inputs)?;
    let root = dir.root();
    root.write("entitlements.csv", &entitlements_csv(&acc.lots))?;
    root.write("usage.csv", &usage_csv(&acc.usage))?;
    if !acc.subs.is_empty() {
        root.write(
            "substitutions.csv",
            &csv_of(
                &["license", "covers"],
                acc.subs.iter().map(|(h, l)| vec![h.clone(), l.clone()]),
            ),
        )?;
    }
    let name = sas.iter().cloned().collect::<Vec<_>>().join(" + ");
    let mut case = format!("name = {}\n", toml::Value::String(name));
    if let Some(d) = as_of {
        case.push_str(&format!("as_of = \"{d}\"\n"));
    }
    root.write("case.toml", case.as_bytes())?;
    dir.commit()?;
    Ok(())
}

/// Imports API responses into the case folder `out` (written atomically).
pub fn import_cssm_json(
    files: &[PathBuf],
    smart_account: Option<&str>,
    as_of: Option<NaiveDate>,
    out: &Path,
) -> Result<ImportReport> {
    if files.is_empty() {
        return Err(Error::Usage("name at least one JSON file to import".into()));
    }
    let mut acc = Acc::default();
    let mut diags = Diagnostics::default();
    let mut sas = BTreeSet::new();
    if let Some(Err((message, fix))) = smart_account.map(check_name) {
        let value = shown(smart_account.unwrap_or_default());
        diags.push(Diagnostic::new("--smart-account", message, fix).with_value(value));
    }
    let mut target = Target {
        acc: &mut acc,
        sas: &mut sas,
        sa_flag: smart_account,
    };
    for f in files {
        import_file(f, &mut target, &mut diags)?;
    }
    diags.finish(())?;
    acc.lots.sort();
    write_case(&acc, &sas, as_of, files, out)?;
    let vas: BTreeSet<(&String, &String)> = acc.usage.keys().map(|(s, v, _)| (s, v)).collect();
    acc.warnings.sort();
    acc.warnings.dedup();
    Ok(ImportReport {
        smart_accounts: sas.len(),
        virtual_accounts: vas.len(),
        licences: acc.usage.len(),
        lots: acc.lots.len(),
        substitutions: acc.subs.len(),
        warnings: acc.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_multibyte_characters_never_panic() {
        // Found by the cssm_json fuzz target: slicing at byte 10 inside a character.
        assert_eq!(parse_api_date("2026-01-0쳍x"), None);
        assert_eq!(parse_api_date("2026-Jan-쳍"), None);
        assert!(parse_api_date("2026-01-01T00:00:00Z").is_some());
    }

    #[test]
    fn api_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(parse_api_date("2026-Jan-01"), Some(d));
        assert_eq!(parse_api_date("2026-JAN-01"), Some(d));
        assert_eq!(parse_api_date("2026-01-01T01:07:36Z"), Some(d));
        assert_eq!(parse_api_date("2026-01-01"), Some(d));
        assert_eq!(parse_api_date("soon"), None);
    }
}
