//! Money as the plan files write it: whole cents, formatted and parsed exactly, never
//! through a float.

/// Widens any integer cents or units type to `i128` (works whether `plan::Cents` and
/// prices are `i64` or `i128`).
pub(super) fn wide<T: Into<i128>>(x: T) -> i128 {
    x.into()
}

/// Formats cents as the plan files write money.
pub(super) fn fmt_cents(c: i128) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Parses money exactly, never through a float: an optional `-`, digits, and at most two
/// decimals.
pub fn parse_money(text: &str) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) if !f.is_empty() => (w, f),
        Some(_) => return None,
        None => (digits, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || frac.len() > 2 || !all_digits(whole) || !all_digits(frac) {
        return None;
    }
    let w: i128 = whole.parse().ok()?;
    let f: i128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    let c = w.checked_mul(100)?.checked_add(f)?;
    Some(if neg { -c } else { c })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_exactly() {
        assert_eq!(parse_money("4800.00"), Some(480_000));
        assert_eq!(parse_money("0.05"), Some(5));
        assert_eq!(parse_money("-12.5"), Some(-1250));
        assert_eq!(parse_money("7"), Some(700));
        assert_eq!(
            parse_money("20111079702611886.08"),
            Some(2_011_107_970_261_188_608)
        );
        for bad in [
            "1.005", "1e3", ".", "1.", "", "-", "1,000.00", "+1.00", " 1.00",
        ] {
            assert_eq!(parse_money(bad), None, "{bad:?}");
        }
        for c in [0i128, 1, 99, 100, -5, 123_456_789_012_345_678_901] {
            assert_eq!(parse_money(&fmt_cents(c)), Some(c));
        }
    }
}
