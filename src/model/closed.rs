//! Closed-form optimum of a component with a single licence and no substitution.

/// The optimum of one (pool, licence) where no constraint couples it to another licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PooledSingle {
    /// Units the pool buys (a multiple of the pack size).
    pub buy: u64,
    /// Units leaving each VA (same order as the input).
    pub out: Vec<u64>,
    /// Units entering each VA, transfers and purchases alike.
    pub inn: Vec<u64>,
}

/// Rounds `need` up to whole packs (128-bit: a need near the limits cannot wrap).
pub fn packs(need: u128, pack: u64) -> u128 {
    let pack = u128::from(pack.max(1));
    need.div_ceil(pack) * pack
}

/// A unit figure computed in 128 bits, back in the model's 64-bit cells. The inputs are
/// bounded (every per-(pool, licence) sum of D' and M is at most 10^18), so this holds.
fn narrow(x: u128) -> u64 {
    u64::try_from(x).expect("unit figures are bounded by the input limits")
}

/// Closed form for a pooled single-licence component, given each pooled VA's residual
/// demand D' and movable supply M.
///
/// With deficits def = max(0, D' - M) and surpluses sur = max(0, M - D'), the pool buys
/// pack·⌈max(0, Σdef - Σsur)/pack⌉; since Σin = Σout + buy ≥ Σdef, at least
/// max(0, Σdef - buy) existing licences must move, and that many suffice. Surplus is
/// taken from the largest surpluses first (fewest transfers), ties by position; purchases
/// land on deficit VAs, a pack's remainder on the first of them. Sums are 128-bit.
pub fn pooled_single(residual: &[u64], movable: &[u64], pack: u64) -> PooledSingle {
    let (def, sur) = deficits(residual, movable);
    let total_def: u128 = def.iter().map(|&x| u128::from(x)).sum();
    let total_sur: u128 = sur.iter().map(|&x| u128::from(x)).sum();
    place(&def, &sur, packs(total_def.saturating_sub(total_sur), pack))
}

/// Each VA's deficit max(0, D' − M) and surplus max(0, M − D').
pub(crate) fn deficits(residual: &[u64], movable: &[u64]) -> (Vec<u64>, Vec<u64>) {
    let def = residual
        .iter()
        .zip(movable)
        .map(|(&d, &m)| d.saturating_sub(m))
        .collect();
    let sur = residual
        .iter()
        .zip(movable)
        .map(|(&d, &m)| m.saturating_sub(d))
        .collect();
    (def, sur)
}

/// A pool holding `buy` purchased units, with deficits `def` and surpluses `sur` (see
/// [`deficits`]): max(0, Σdef − buy) existing licences move, taken from the largest
/// surpluses first (ties by position); purchases land on the deficits, any excess on the
/// first deficit VA (or the first VA). Surpluses suffice when buy ≥ Σdef − Σsur.
pub(crate) fn place(def: &[u64], sur: &[u64], buy: u128) -> PooledSingle {
    let total_def: u128 = def.iter().map(|&x| u128::from(x)).sum();
    let mut moved = total_def.saturating_sub(buy);
    let mut out = vec![0; def.len()];
    let mut order: Vec<usize> = (0..sur.len()).filter(|&i| sur[i] > 0).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sur[i]), i));
    for i in order {
        if moved == 0 {
            break;
        }
        let take = u128::from(sur[i]).min(moved);
        out[i] = narrow(take);
        moved -= take;
    }
    let mut inn = def.to_vec();
    if buy > total_def {
        let first = def.iter().position(|&d| d > 0).unwrap_or(0);
        inn[first] = narrow(u128::from(inn[first]) + (buy - total_def));
    }
    PooledSingle {
        buy: narrow(buy),
        out,
        inn,
    }
}

/// Closed form for a VA that does not take part in transfers: buy the deficit in packs.
pub fn va_single(residual: u64, movable: u64, pack: u64) -> u64 {
    narrow(packs(u128::from(residual.saturating_sub(movable)), pack))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surplus_covers_deficit() {
        let r = pooled_single(&[10, 0, 5], &[0, 30, 5], 1);
        assert_eq!(r.buy, 0);
        assert_eq!(r.out, vec![0, 10, 0]);
        assert_eq!(r.inn, vec![10, 0, 0]);
    }

    #[test]
    fn packs_reduce_moves() {
        // deficit 12 + 3, surplus 4: need 11, buy 20 (packs of 10), nothing moves.
        let r = pooled_single(&[12, 3, 0], &[0, 0, 4], 10);
        assert_eq!(r.buy, 20);
        assert_eq!(r.out.iter().sum::<u64>(), 0);
        assert_eq!(r.inn.iter().sum::<u64>(), 20);
        // need 1 with packs of 5 buys 5; 0 licences move since 5 >= deficit 5.
        let r = pooled_single(&[5, 0], &[0, 4], 5);
        assert_eq!((r.buy, r.out.iter().sum::<u64>()), (5, 0));
        // need 1 with packs of 2 buys 2, one more licence moves from the surplus.
        let r = pooled_single(&[5, 0], &[0, 4], 2);
        assert_eq!((r.buy, r.out.iter().sum::<u64>()), (2, 3));
    }

    #[test]
    fn va_alone() {
        assert_eq!(va_single(7, 3, 5), 5);
        assert_eq!(va_single(3, 7, 5), 0);
    }

    #[test]
    fn magnitudes_near_the_limit() {
        let e = 1_000_000_000_000_000_000u64; // 10^18
        assert_eq!(va_single(e, 0, 1_000_000), e);
        assert_eq!(va_single(e - 1, 0, 1_000_000), e);
        // Two deficits of 10^18 − 1 and a surplus of 10^18: the sum exceeds nothing.
        let r = pooled_single(&[e - 1, e - 1, 0], &[0, 0, e], 7);
        assert_eq!(r.buy, ((e - 2) as u128).div_ceil(7) as u64 * 7);
        assert_eq!(r.out, vec![0, 0, 2 * (e - 1) - r.buy]);
        assert_eq!(
            r.inn.iter().map(|&x| x as u128).sum::<u128>(),
            r.out.iter().map(|&x| x as u128).sum::<u128>() + r.buy as u128
        );
    }
}
