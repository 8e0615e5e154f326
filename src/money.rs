//! Money: integer cents, printed and read back exactly with two decimals. A leaf module:
//! the report, the charts and the commands all format money here, so the rounding rule
//! lives in one place.

use serde::{Deserialize, Serialize, Serializer};

/// Money in integer cents: 128 bits, so no sum of a case's figures can wrap (case totals
/// stay within 10^18 units at 10^12 cents each).
pub type Cents = i128;

/// Formats integer cents as a decimal with two places.
///
/// ```
/// assert_eq!(reallot::money::money(-1250), "-12.50");
/// ```
pub fn money(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let a = cents.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Parses a decimal amount (optional `-`, at most two decimals) into cents, exactly.
///
/// ```
/// assert_eq!(reallot::money::parse_money("12.5"), Some(1250));
/// assert_eq!(reallot::money::parse_money("1.005"), None);
/// ```
pub fn parse_money(text: &str) -> Option<Cents> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || frac.len() > 2 || !all_digits(whole) || !all_digits(frac) {
        return None;
    }
    if digits.contains('.') && frac.is_empty() {
        return None;
    }
    let w: Cents = whole.parse().ok()?;
    let f: Cents = format!("{frac:0<2}").parse().ok()?;
    let c = w.checked_mul(100)?.checked_add(f)?;
    Some(if neg { -c } else { c })
}

/// Money that serialises as a JSON number with exactly two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub Cents);

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(money(self.0))
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Reads the number exactly as written (never through a float): an optional `-`,
    /// digits, and at most two decimals.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        parse_money(raw.get()).map(Money).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{} is not an amount with at most two decimals",
                raw.get()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_two_decimals() {
        assert_eq!(money(480000), "4800.00");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(-1250), "-12.50");
        let j = serde_json::to_string(&Money(123456)).unwrap();
        assert_eq!(j, "1234.56");
    }

    #[test]
    fn money_round_trips_exactly() {
        for c in [0, 1, 99, 100, -5, 123_456_789_012_345_678_901_234_567_i128] {
            assert_eq!(parse_money(&money(c)), Some(c));
        }
        assert_eq!(parse_money("12.5"), Some(1250));
        assert_eq!(parse_money("1.005"), None);
        assert_eq!(parse_money("1e3"), None);
        assert_eq!(parse_money("."), None);
        assert_eq!(parse_money("1."), None);
        let m: Money = serde_json::from_str("20111079702611886.08").unwrap();
        assert_eq!(m.0, 2_011_107_970_261_188_608);
    }
}
