//! The rules for one value of text, wherever it is read (CSV cell, workbook cell, TOML
//! key, JSON field): names, counts, prices and dates, with the limits they must respect
//! and the words a message uses to explain a refusal. Nothing here knows about files.

use chrono::{Datelike, NaiveDate};

/// Largest count a case may hold: quantity, in_use, reserved, instance quantity (README, "Safety").
pub const MAX_COUNT: u64 = 1_000_000_000_000;
/// Largest sum of counts built while loading (lots or instances per VA and licence,
/// totals per licence): far below `u64::MAX`, so later sums and products of units and
/// money have room.
pub const MAX_TOTAL: u64 = 1_000_000_000_000_000_000;
/// Largest unit price, in cents (10^10 currency units).
pub const MAX_PRICE_CENTS: i64 = 1_000_000_000_000;
/// Largest pack size.
pub const MAX_PACK: u64 = 1_000_000;
/// Longest name (SA, VA, licence, instance, pool, ...), in characters.
pub const MAX_NAME_CHARS: usize = 1_000;
/// Earliest year a date may carry (spreadsheets count days from 1900).
pub const MIN_YEAR: i32 = 1900;
/// Latest year a date may carry.
pub const MAX_YEAR: i32 = 9999;

/// `n` and the word for it, singular for exactly one: `plural(1, "row", "rows")` is
/// `1 row`, `plural(3, "unit", "units")` is `3 units`.
pub fn plural(n: impl Into<u128>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` for messages, with its power of ten when it is one: `1000000000000 (10^12)`.
pub fn limit_text(n: u128) -> String {
    let digits = n.to_string();
    if n >= 1000 && digits[1..].bytes().all(|b| b == b'0') && digits.starts_with('1') {
        format!("{digits} (10^{})", digits.len() - 1)
    } else {
        digits
    }
}

/// Checks a name or any other text cell: at most [`MAX_NAME_CHARS`] characters and no
/// control characters. The error is the message (what is wrong) and the fix.
pub fn check_name(v: &str) -> std::result::Result<(), (String, String)> {
    // Fast path: short ASCII-or-UTF-8 text with no byte that could start a control character.
    if v.len() <= MAX_NAME_CHARS && !v.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        return Ok(());
    }
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err((
            format!(
                "contains the control character U+{:04X}{}",
                c as u32,
                control_name(c).map_or(String::new(), |n| format!(" ({n})"))
            ),
            "remove it: names and other text may not hold tabs, line breaks or other control characters".into(),
        ));
    }
    let n = v.chars().count();
    if n > MAX_NAME_CHARS {
        return Err((
            format!("is {n} characters long, more than the {MAX_NAME_CHARS} allowed"),
            format!("shorten it to at most {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(())
}

fn control_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "null",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\t' => "tab",
        '\n' => "line feed",
        '\r' => "carriage return",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        _ => return None,
    })
}

/// A value as shown in a message: cut to its first 60 characters when longer.
pub fn shown(v: &str) -> String {
    match v.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_string(),
    }
}

/// Normalises a header: trim, lower-case, `-` and spaces to `_`, BOM removed.
pub fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace(['-', ' '], "_")
}

/// Parses a whole number >= 0, explaining a failure.
pub fn parse_count(v: &str) -> std::result::Result<u64, &'static str> {
    if v.contains(',') {
        return Err("thousands separators are not allowed");
    }
    if v.starts_with('-') {
        return Err("negative");
    }
    if v.contains('.') || v.contains('e') || v.contains('E') {
        return Err("not whole");
    }
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number");
    }
    v.parse::<u64>().map_err(|_| "too large")
}

/// Why a date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not a date in any accepted form.
    NotADate,
    /// A real date, but outside the years [`MIN_YEAR`] to [`MAX_YEAR`].
    OutOfRange,
}

impl DateError {
    /// What is wrong, for a message.
    pub fn message(self) -> &'static str {
        match self {
            DateError::NotADate => "is not a date",
            DateError::OutOfRange => "is outside the years 1900 to 9999",
        }
    }

    /// How to fix it.
    pub fn fix(self) -> &'static str {
        match self {
            DateError::NotADate => {
                "write dates as YYYY-MM-DD (or RFC 3339, e.g. 2026-11-01T00:00:00Z)"
            }
            DateError::OutOfRange => "check the year: dates run from 1900-01-01 to 9999-12-31",
        }
    }
}

/// Parses a date written as `YYYY-MM-DD` or RFC 3339 (the date part is used), from
/// [`MIN_YEAR`] to [`MAX_YEAR`].
pub fn check_date(v: &str) -> std::result::Result<NaiveDate, DateError> {
    let d = parse_any_date(v).ok_or(DateError::NotADate)?;
    if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(DateError::OutOfRange)
    }
}

/// [`check_date`] without the reason.
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    check_date(v).ok()
}

fn parse_any_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    // Fast path for the common YYYY-MM-DD (a million rows of instances carry one each).
    let b = v.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
            })
        };
        return NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?);
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        if v.len() == 10 {
            return Some(d);
        }
    }
    chrono::DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|dt| dt.date_naive())
}

/// Parses a decimal money amount >= 0 with at most two decimals into integer cents.
pub fn parse_cents(v: &str) -> std::result::Result<i64, &'static str> {
    if v.contains(',') {
        return Err("thousands separators are not allowed");
    }
    if v.starts_with('-') {
        return Err("negative");
    }
    let (whole, frac) = match v.split_once('.') {
        Some((w, f)) => (w, f),
        None => (v, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err("not a number");
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number");
    }
    if frac.len() > 2 {
        return Err("more than two decimals");
    }
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "too large")?
    };
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| "not a number")? * 10,
        _ => frac.parse().map_err(|_| "not a number")?,
    };
    w.checked_mul(100)
        .and_then(|c| c.checked_add(f))
        .ok_or("too large")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("1200"), Ok(1200));
        assert!(parse_count("1,200").is_err());
        assert!(parse_count("-3").is_err());
        assert!(parse_count("2.5").is_err());
        assert!(parse_count("abc").is_err());
    }

    #[test]
    fn cents() {
        assert_eq!(parse_cents("12.5"), Ok(1250));
        assert_eq!(parse_cents("2999.99"), Ok(299999));
        assert_eq!(parse_cents("7"), Ok(700));
        assert_eq!(parse_cents(".5"), Ok(50));
        assert!(parse_cents("1.005").is_err());
        assert!(parse_cents("-1").is_err());
        assert!(parse_cents("1,000").is_err());
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1);
        for (text, date) in [
            ("2026-11-01", d),
            ("2026-11-01T23:59:59+02:00", d),
            ("2026-13-01", None),
            ("01/11/2026", None),
        ] {
            assert_eq!(parse_date(text), date, "{text}");
        }
    }

    #[test]
    fn date_range() {
        assert_eq!(check_date("1900-01-01").map(|d| d.year()), Ok(1900));
        assert_eq!(check_date("9999-12-31").map(|d| d.year()), Ok(9999));
        assert_eq!(check_date("1899-12-31"), Err(DateError::OutOfRange));
        assert_eq!(
            check_date("0001-01-01T00:00:00Z"),
            Err(DateError::OutOfRange)
        );
        assert_eq!(check_date("0001-13-01"), Err(DateError::NotADate));
        assert_eq!(parse_date("0001-01-01"), None);
    }

    #[test]
    fn names() {
        assert!(check_name(&"é".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(check_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert!(check_name("Ünïcode ÀÉ ¿").is_ok());
        let (message, _) = check_name("a\u{85}b").unwrap_err();
        assert_eq!(message, "contains the control character U+0085");
        let (message, _) = check_name("a\u{7}").unwrap_err();
        assert_eq!(message, "contains the control character U+0007 (bell)");
        assert_eq!(limit_text(MAX_COUNT.into()), "1000000000000 (10^12)");
        assert_eq!(limit_text(1500), "1500");
        assert_eq!(shown(&"y".repeat(70)), format!("{}…", "y".repeat(60)));
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1u64, "row", "rows"), "1 row");
        assert_eq!(plural(0u64, "row", "rows"), "0 rows");
        assert_eq!(plural(2u64, "unit is", "units are"), "2 units are");
        assert_eq!(plural(1u64, "unit is", "units are"), "1 unit is");
    }

    #[test]
    fn headers() {
        assert_eq!(
            normalise_header("\u{feff} Virtual-Account "),
            "virtual_account"
        );
        assert_eq!(normalise_header("In Use"), "in_use");
    }
}
