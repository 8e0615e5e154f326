//! Money as the plan files write it: whole cents, never through a float. Amounts are
//! formatted for messages by [`crate::money::money`]; they are *read* by a scanner of
//! verify's own, written apart from the planner's parser on purpose, so a fault in one
//! cannot hide itself by being repeated in the check.

/// Formats cents as the plan files write money (the planner's formatting: verify only
/// prints it in messages).
pub(super) use crate::money::money as fmt_cents;

/// Widens any integer cents or units type to `i128` (works whether `plan::Cents` and
/// prices are `i64` or `i128`).
pub(super) fn wide<T: Into<i128>>(x: T) -> i128 {
    x.into()
}

/// Parses money exactly, never through a float: an optional `-`, digits, and at most two
/// decimals (`7`, `12.5`, `-0.05`), in one pass over the bytes with checked arithmetic.
pub fn parse_money(text: &str) -> Option<i128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut cents: i128 = 0;
    // Digits seen before the point, and after it (`None` until a point is read).
    let (mut whole_digits, mut decimals) = (0usize, None::<u32>);
    for b in body.bytes() {
        match (b, decimals) {
            (b'0'..=b'9', Some(2)) => return None,
            (b'0'..=b'9', _) => {
                cents = cents.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
                match decimals.as_mut() {
                    Some(d) => *d += 1,
                    None => whole_digits += 1,
                }
            }
            (b'.', None) if whole_digits > 0 => decimals = Some(0),
            _ => return None,
        }
    }
    let scale = match decimals {
        None if whole_digits > 0 => 100,
        Some(1) => 10,
        Some(2) => 1,
        _ => return None,
    };
    let cents = cents.checked_mul(scale)?;
    Some(if negative { -cents } else { cents })
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
