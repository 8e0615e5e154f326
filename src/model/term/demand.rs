//! Demand for the year ahead of milestone k, exact:
//! D_k = ⌈ d · (10000 + g)^(k+1) · (10000 + b) / 10^(4(k+2)) ⌉ with growth g and buffer b
//! in hundredths of a percent.
//!
//! The value is kept as whole + num/den (0 ≤ num < den, the fraction reduced) and
//! multiplied by one reduced factor n/m at a time, so no power is ever formed: the only
//! quantity that grows is the denominator of the fractional part, which divides
//! m^(k+1)·m_b. Every step is checked; a denominator or a result beyond 128 bits (only
//! for long terms with growth rates whose hundredths share no factor with 10000, e.g.
//! 0.01% over 10 years) is refused as an error, never rounded.

use super::WHOLE;
use num_integer::gcd;

/// The lowest growth (hundredths of a percent, exclusive): −100%.
const GROWTH_MIN: i64 = -(WHOLE as i64);
/// The highest growth and buffer (hundredths of a percent): 1000%.
const RATE_MAX: i64 = 100_000;

/// A demand the exact arithmetic cannot represent, or a rate out of its domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemandError {
    /// Growth at or below −100%, or above 1000%.
    #[error("growth {0}/100 % is outside (-100 %, 1000 %]")]
    Growth(i64),
    /// Buffer below 0 or above 1000%.
    #[error("buffer {0}/100 % is outside [0 %, 1000 %]")]
    Buffer(i64),
    /// The exact value needs more than 128 bits (or the result more than 64).
    #[error(
        "the demand {in_use} · (1 + {growth}/10000)^{years} · (1 + {buffer}/10000) cannot \
         be computed exactly in 128-bit arithmetic; shorten the term or round the growth \
         rate (e.g. to a whole or half percent)"
    )]
    Overflow {
        /// Units in use.
        in_use: u64,
        /// Growth per year, hundredths of a percent.
        growth: i64,
        /// Buffer, hundredths of a percent.
        buffer: i64,
        /// Years of growth, k + 1.
        years: usize,
    },
}

/// An exact non-negative rational, whole + num/den with 0 ≤ num < den, num/den reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Exact {
    whole: u128,
    num: u128,
    den: u128,
}

impl Exact {
    fn int(x: u64) -> Self {
        Exact {
            whole: u128::from(x),
            num: 0,
            den: 1,
        }
    }

    /// self · n / m (m ≥ 1), or `None` beyond 128 bits:
    /// (W + r/D)·n/m = ⌊Wn/m⌋ + ((Wn mod m)·D + r·n) / (D·m).
    fn times(self, n: u128, m: u128) -> Option<Self> {
        let wn = self.whole.checked_mul(n)?;
        let (q, rem) = (wn / m, wn % m);
        let den = self.den.checked_mul(m)?;
        let num = rem
            .checked_mul(self.den)?
            .checked_add(self.num.checked_mul(n)?)?;
        let whole = q.checked_add(num / den)?;
        let num = num % den;
        let g = gcd(num, den);
        Some(Exact {
            whole,
            num: num / g,
            den: den / g,
        })
    }

    fn ceil(self) -> u128 {
        self.whole + u128::from(self.num > 0)
    }
}

/// The factor (10000 + rate) / 10000, reduced.
fn factor(rate: i64) -> (u128, u128) {
    let n = u128::try_from(i64::from(WHOLE) + rate).expect("rates are checked above -100%");
    let m = u128::from(WHOLE);
    let g = gcd(n, m);
    (n / g, m / g)
}

/// D_k = ⌈ in_use · (1 + growth)^(k+1) · (1 + buffer) ⌉ with `growth` and `buffer` in
/// hundredths of a percent, exact. Milestone 0 is the single-date demand of SPEC §4.
pub fn term_demand(in_use: u64, growth: i64, buffer: i64, k: usize) -> Result<u64, DemandError> {
    TermDemand::new(growth, buffer, k)?.of(in_use)
}

/// The demand of milestone k for any units in use ([`term_demand`]), with the factor
/// (10000 + growth)^(k+1) · (10000 + buffer) / 10000^(k+2) reduced once: each demand is
/// then one exact multiply and one division. Where the factor or a product does not fit
/// 128 bits, the demand is the factor-by-factor product of [`Exact`], as before.
#[derive(Debug, Clone, Copy)]
pub struct TermDemand {
    growth: i64,
    buffer: i64,
    k: usize,
    /// The reduced factor n/m, when both fit.
    factor: Option<(u128, u128)>,
}

impl TermDemand {
    /// The demand of milestone k under `growth` and `buffer` (hundredths of a percent);
    /// an error when a rate is out of its domain.
    pub fn new(growth: i64, buffer: i64, k: usize) -> Result<Self, DemandError> {
        if growth <= GROWTH_MIN || growth > RATE_MAX {
            return Err(DemandError::Growth(growth));
        }
        if !(0..=RATE_MAX).contains(&buffer) {
            return Err(DemandError::Buffer(buffer));
        }
        let times = |(n, m): (u128, u128), (fn_, fm): (u128, u128)| {
            // n/m and fn/fm are reduced: cancelling across keeps the product reduced.
            let (g1, g2) = (gcd(n, fm), gcd(fn_, m));
            Some((
                (n / g1).checked_mul(fn_ / g2)?,
                (m / g2).checked_mul(fm / g1)?,
            ))
        };
        let mut factor = times((1, 1), factor(buffer));
        for _ in 0..=k {
            factor = factor.and_then(|f| times(f, self::factor(growth)));
        }
        Ok(TermDemand {
            growth,
            buffer,
            k,
            factor,
        })
    }

    /// ⌈ in_use · factor ⌉, exact; an error when it cannot be computed in 128 bits or
    /// exceeds 64.
    pub fn of(&self, in_use: u64) -> Result<u64, DemandError> {
        let overflow = DemandError::Overflow {
            in_use,
            growth: self.growth,
            buffer: self.buffer,
            years: self.k + 1,
        };
        if let Some((n, m)) = self.factor {
            if let Some(p) = u128::from(in_use).checked_mul(n) {
                return u64::try_from(p.div_ceil(m)).map_err(|_| overflow);
            }
        }
        self.stepwise(in_use).ok_or(overflow)
    }

    /// The factor-by-factor product of [`Exact`]; `None` beyond 128 bits, or a result
    /// beyond 64.
    fn stepwise(&self, in_use: u64) -> Option<u64> {
        let (bn, bm) = factor(self.buffer);
        let (gn, gm) = factor(self.growth);
        let mut v = Exact::int(in_use).times(bn, bm)?;
        for _ in 0..=self.k {
            v = v.times(gn, gm)?;
        }
        u64::try_from(v.ceil()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The single-date formula of SPEC §4, in u128.
    fn single_date(d: u64, g: i64, b: i64) -> u128 {
        let num = i128::from(d) * (10_000 + i128::from(g)) * (10_000 + i128::from(b));
        (num as u128).div_ceil(100_000_000)
    }

    #[test]
    fn hand_computed() {
        // 100 units, 10% a year: 110, 121, 133.1 → 134, 146.41 → 147.
        let d: Vec<u64> = (0..4)
            .map(|k| term_demand(100, 1000, 0, k).unwrap())
            .collect();
        assert_eq!(d, [110, 121, 134, 147]);
        // With a 10% buffer: 121, 133.1 → 134, 146.41 → 147.
        let d: Vec<u64> = (0..3)
            .map(|k| term_demand(100, 1000, 1000, k).unwrap())
            .collect();
        assert_eq!(d, [121, 134, 147]);
        // Shrinking 50% a year: 10 → 5, 2.5 → 3, 1.25 → 2.
        let d: Vec<u64> = (0..3)
            .map(|k| term_demand(10, -5000, 0, k).unwrap())
            .collect();
        assert_eq!(d, [5, 3, 2]);
        // 8% a year for 10 years on 10^12 units: (27/25)^10 · 10^12, exactly
        // 2158924997272.79 (rounded here) → 2158924997273.
        assert_eq!(
            term_demand(1_000_000_000_000, 800, 0, 9).unwrap(),
            2_158_924_997_273
        );
        assert_eq!(term_demand(0, 1, 1, 9).unwrap(), 0);
    }

    #[test]
    fn usual_rates_take_the_reduced_factor() {
        // 8% growth for 10 years and a 10% buffer: (27/25)^10 · 11/10.
        let t = TermDemand::new(800, 1000, 9).unwrap();
        assert_eq!(t.factor, Some((27u128.pow(10) * 11, 25u128.pow(10) * 10)));
        assert_eq!(t.of(1_000_000_000_000), Ok(2_374_817_497_001));
        // 0.01% growth and buffer: 10001^11 does not fit, the stepwise product decides.
        assert_eq!(TermDemand::new(1, 1, 9).unwrap().factor, None);
    }

    #[test]
    fn refused_not_rounded() {
        assert_eq!(
            term_demand(1, -10_000, 0, 0),
            Err(DemandError::Growth(-10_000))
        );
        assert_eq!(
            term_demand(1, 100_001, 0, 0),
            Err(DemandError::Growth(100_001))
        );
        assert_eq!(term_demand(1, 0, -1, 0), Err(DemandError::Buffer(-1)));
        // 0.01% growth for 10 years with a 0.01% buffer: a fraction with denominator
        // 10^44, beyond 128 bits.
        let e = term_demand(7, 1, 1, 9);
        assert!(
            matches!(e, Err(DemandError::Overflow { years: 10, .. })),
            "{e:?}"
        );
        // The result itself beyond 64 bits.
        let e = term_demand(u64::MAX, 100_000, 100_000, 0);
        assert!(matches!(e, Err(DemandError::Overflow { .. })), "{e:?}");
    }

    proptest! {
        #[test]
        fn milestone_zero_is_the_single_date_demand(
            d in 0u64..=1_000_000_000_000, g in -9_999i64..=100_000, b in 0i64..=100_000,
        ) {
            prop_assert_eq!(u128::from(term_demand(d, g, b, 0).unwrap()), single_date(d, g, b));
        }

        #[test]
        fn matches_the_direct_product_where_it_fits(
            d in 0u64..=1_000_000, g in -9_999i64..=2_000, b in 0i64..=2_000, k in 0usize..3,
        ) {
            // d · n^(k+1) · nb < 10^6 · 12000^3 · 12000 ≈ 2·10^22: fits u128.
            let mut num = u128::from(d) * (10_000 + b) as u128;
            let mut den = 10_000u128;
            for _ in 0..=k {
                num *= (10_000 + g) as u128;
                den *= 10_000;
            }
            prop_assert_eq!(u128::from(term_demand(d, g, b, k).unwrap()), num.div_ceil(den));
        }

        #[test]
        fn the_reduced_factor_gives_the_stepwise_demand(
            d in prop_oneof![0u64..=1_000_000, Just(u64::MAX), any::<u64>()],
            g in -9_999i64..=100_000, b in 0i64..=100_000, k in 0usize..10,
        ) {
            let t = TermDemand::new(g, b, k).unwrap();
            // Wherever the old product answers, the new path answers the same.
            if let Some(step) = t.stepwise(d) {
                prop_assert_eq!(t.of(d), Ok(step));
            }
        }
    }
}
