//! Reading JSON values strictly: every field's type, sign and range is checked, and each
//! problem is reported at its JSON path (`licenses[3].inUse`) with the value and a fix.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::error::{Diagnostic, Diagnostics};
use crate::io::text::{
    check_name, limit_text, parse_count, parse_date, shown, MAX_COUNT, MAX_YEAR, MIN_YEAR,
};

/// `path.key`, or `key` at the top level.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Parses the date forms the API uses: `2019-05-20`, `2019-01-18T01:07:36Z`, `2026-Jan-01`
/// (years 1900 to 9999).
pub(super) fn parse_api_date(s: &str) -> Option<NaiveDate> {
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
pub(super) struct Reported;

/// A field read strictly: absent (or `null`), a value, or reported as wrong.
pub(super) type Field<T> = std::result::Result<Option<T>, Reported>;

pub(super) struct Ctx<'a> {
    /// The file (or endpoint) named in messages.
    pub file: &'a str,
    /// Where problems go.
    pub diags: &'a mut Diagnostics,
}

impl Ctx<'_> {
    /// Reports a required field missing at `path` (`what` says why it is needed).
    pub(super) fn missing(&mut self, path: &str, what: &str) {
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
    pub(super) fn bad(
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
pub(super) fn field<'v>(v: &'v Value, keys: &[&'static str]) -> Option<(&'static str, &'v Value)> {
    keys.iter()
        .find_map(|&k| v.get(k).filter(|x| !x.is_null()).map(|x| (k, x)))
}

/// A text field of object `v` at `path` (a name: checked for length and control
/// characters); an empty string counts as absent.
pub(super) fn text<'v>(
    cx: &mut Ctx,
    v: &'v Value,
    keys: &[&'static str],
    path: &str,
) -> Field<&'v str> {
    let Some((key, x)) = field(v, keys) else {
        return Ok(None);
    };
    let at = join(path, key);
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
pub(super) fn ident(cx: &mut Ctx, v: &Value, keys: &[&'static str], path: &str) -> Field<String> {
    match field(v, keys) {
        Some((_, Value::Number(n))) if n.is_u64() => Ok(Some(n.to_string())),
        _ => Ok(text(cx, v, keys, path)?.map(str::to_string)),
    }
}

/// A count field of object `v` at `path`: a whole JSON number from 0 to 10^12 (a string
/// of digits is read as one).
pub(super) fn count(cx: &mut Ctx, v: &Value, keys: &[&'static str], path: &str) -> Field<u64> {
    let Some((key, x)) = field(v, keys) else {
        return Ok(None);
    };
    let at = join(path, key);
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
pub(super) fn array<'v>(
    cx: &mut Ctx,
    v: &'v Value,
    keys: &[&'static str],
    path: &str,
) -> Field<&'v [Value]> {
    let Some((key, x)) = field(v, keys) else {
        return Ok(None);
    };
    match x.as_array() {
        Some(a) => Ok(Some(a)),
        None => Err(cx.bad(
            &join(path, key),
            x,
            "is not a list",
            "export the API response unchanged (this field holds a JSON array)",
        )),
    }
}

/// Whether `v` (at `path`) is a JSON object; reports it when not.
pub(super) fn object(cx: &mut Ctx, v: &Value, path: &str) -> bool {
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

/// The text of a JSON file, or why it is not UTF-8 JSON text (the error is reported).
pub(super) fn json_text(file: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<String> {
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
pub(super) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The JSON value of `bytes` (named `file` in messages); `None` when they are not UTF-8
/// JSON (reported, with the line and column).
pub(super) fn parse_json(file: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<Value> {
    let text_in = json_text(file, bytes, diags)?;
    match serde_json::from_str(&text_in) {
        Ok(v) => Some(v),
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
            None
        }
    }
}

/// A date field of lot `lot` at `path`, as `YYYY-MM-DD` (empty when absent).
pub(super) fn lot_date(
    cx: &mut Ctx,
    lot: &Value,
    keys: &[&'static str],
    path: &str,
) -> Field<String> {
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
