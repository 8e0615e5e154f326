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

/// Formats integer cents for a reader: two decimals, thousands separated by commas
/// (`126,173.00`, `-1,234.50`). For reports and charts only; CSV and JSON keep [`money`].
///
/// ```
/// assert_eq!(reallot::money::grouped(-123_450), "-1,234.50");
/// ```
pub fn grouped(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let a = cents.unsigned_abs();
    let whole = (a / 100).to_string();
    let mut out = String::with_capacity(whole.len() + whole.len() / 3 + 4);
    out.push_str(sign);
    for (i, d) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out.push_str(&format!(".{:02}", a % 100));
    out
}

/// An amount as a sentence or a label shows it: the currency, then [`grouped`]
/// (`USD 126,173.00`).
///
/// ```
/// assert_eq!(reallot::money::human("USD", 12_617_300), "USD 126,173.00");
/// ```
pub fn human(currency: &str, cents: Cents) -> String {
    format!("{currency} {}", grouped(cents))
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

/// An amount being computed, in [`Cents`], whose arithmetic is checked: it has no `+`,
/// `-` or `*`, only `checked_*` steps that give `None` instead of wrapping, so a figure
/// built from it is exact or is not published.
///
/// A first step towards a `Cents` newtype: the sums of the term plan and the Enterprise
/// Agreement charges (`plan::term`, `plan::ea`) are built with it; the rest of the crate
/// still holds plain [`Cents`], which [`Exact::cents`] gives back.
///
/// ```
/// use reallot::money::Exact;
/// let line = Exact::new(1250).checked_mul(3u64).unwrap();
/// assert_eq!(line.checked_add(Exact::new(5)).map(Exact::cents), Some(3755));
/// assert_eq!(Exact::new(i128::MAX).checked_add(Exact::new(1)), None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Exact(Cents);

impl Exact {
    /// Nothing.
    pub const ZERO: Exact = Exact(0);

    /// The amount `cents`.
    pub const fn new(cents: Cents) -> Self {
        Exact(cents)
    }

    /// The amount in cents.
    pub const fn cents(self) -> Cents {
        self.0
    }

    /// `self + other`, or `None` if it would not fit.
    pub fn checked_add(self, other: Exact) -> Option<Exact> {
        self.0.checked_add(other.0).map(Exact)
    }

    /// `self − other`, or `None` if it would not fit.
    pub fn checked_sub(self, other: Exact) -> Option<Exact> {
        self.0.checked_sub(other.0).map(Exact)
    }

    /// `self × n` (a count of units, months, …), or `None` if it would not fit.
    pub fn checked_mul(self, n: impl Into<u64>) -> Option<Exact> {
        self.0.checked_mul(Cents::from(n.into())).map(Exact)
    }

    /// The sum of `amounts`, or `None` if any partial sum would not fit.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Exact>) -> Option<Exact> {
        amounts
            .into_iter()
            .try_fold(Exact::ZERO, |sum, a| sum.checked_add(a))
    }
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
    fn grouped_separates_thousands() {
        for (cents, shown) in [
            (0, "0.00"),
            (5, "0.05"),
            (99_999, "999.99"),
            (100_000, "1,000.00"),
            (123_456_789, "1,234,567.89"),
            (12_617_300, "126,173.00"),
            (-123_450, "-1,234.50"),
            (-5, "-0.05"),
            (-99_999, "-999.99"),
            (-100_000_000, "-1,000,000.00"),
            (
                i128::MAX,
                "1,701,411,834,604,692,317,316,873,037,158,841,057.27",
            ),
            (
                i128::MIN,
                "-1,701,411,834,604,692,317,316,873,037,158,841,057.28",
            ),
        ] {
            assert_eq!(grouped(cents), shown, "{cents}");
            // The digits are exactly those of the plain form.
            assert_eq!(shown.replace(',', ""), money(cents), "{cents}");
        }
        assert_eq!(human("EUR", -123_450), "EUR -1,234.50");
    }

    #[test]
    fn exact_amounts_refuse_to_wrap() {
        let big = Exact::new(i128::MAX);
        assert_eq!(big.checked_add(Exact::new(1)), None);
        assert_eq!(Exact::new(i128::MIN).checked_sub(Exact::new(1)), None);
        assert_eq!(big.checked_mul(2u64), None);
        assert_eq!(Exact::new(-7).checked_mul(3u32), Some(Exact::new(-21)));
        assert_eq!(big.checked_sub(big), Some(Exact::ZERO));
        let lines = [Exact::new(1250), Exact::new(-250), Exact::new(5)];
        assert_eq!(Exact::checked_sum(lines).map(Exact::cents), Some(1005));
        assert_eq!(
            Exact::checked_sum([big, Exact::new(1), Exact::new(-1)]),
            None
        );
        assert_eq!(Exact::checked_sum([]), Some(Exact::ZERO));
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
