//! Deterministic decompositions of flows into the rows an advisor executes.

use crate::estate::LicId;

/// A pool's flow for one licence, decomposed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolFlow {
    /// (source, target, units) of existing licences.
    pub moves: Vec<(usize, usize, u64)>,
    /// (target, units) of purchased licences.
    pub purchases: Vec<(usize, u64)>,
}

/// Matches sources (existing licences leaving VAs, then the pool's purchase) to sinks
/// (VAs receiving) in the given order, north-west corner style: at most
/// sources + sinks − 1 rows. Σ sources + buy must equal Σ sinks.
pub fn decompose_pool(sources: &[(usize, u64)], buy: u64, sinks: &[(usize, u64)]) -> PoolFlow {
    let mut out = PoolFlow::default();
    let mut supply: Vec<(Option<usize>, u64)> =
        sources.iter().map(|&(i, q)| (Some(i), q)).collect();
    if buy > 0 {
        supply.push((None, buy));
    }
    let mut s = 0;
    let mut left = supply.first().map_or(0, |x| x.1);
    for &(to, mut want) in sinks {
        while want > 0 && s < supply.len() {
            let q = left.min(want);
            if q > 0 {
                match supply[s].0 {
                    Some(from) => out.moves.push((from, to, q)),
                    None => out.purchases.push((to, q)),
                }
            }
            want -= q;
            left -= q;
            if left == 0 {
                s += 1;
                left = supply.get(s).map_or(0, |x| x.1);
            }
        }
    }
    out
}

/// Decomposes one VA's substitution edge flows into paths (tier used, tier covered,
/// units), so a chain A > B > C used to cover C reads as "A covers C". Pass-through
/// tiers disappear; net flows per licence are preserved.
pub fn substitution_paths(edges: &[(LicId, LicId, u64)]) -> Vec<(LicId, LicId, u64)> {
    let mut rem: Vec<(LicId, LicId, u64)> = edges.to_vec();
    rem.sort_unstable();
    let net = |rem: &[(LicId, LicId, u64)], x: LicId| -> i64 {
        rem.iter()
            .map(|&(h, l, q)| {
                if h == x {
                    q as i64
                } else if l == x {
                    -(q as i64)
                } else {
                    0
                }
            })
            .sum()
    };
    let mut paths: Vec<(LicId, LicId, u64)> = Vec::new();
    // Each round starts at a tier that sends more than it receives.
    while let Some(start) = rem
        .iter()
        .filter(|e| e.2 > 0)
        .map(|e| e.0)
        .find(|&h| net(&rem, h) > 0)
    {
        let mut path = vec![];
        let mut at = start;
        let mut q = net(&rem, start) as u64;
        // Follow positive edges until a tier that receives more than it sends.
        loop {
            if at != start && net(&rem, at) < 0 {
                break;
            }
            let Some(k) = rem.iter().position(|e| e.0 == at && e.2 > 0) else {
                break;
            };
            q = q.min(rem[k].2);
            path.push(k);
            at = rem[k].1;
        }
        if path.is_empty() {
            break;
        }
        q = q.min((-net(&rem, at)).max(0) as u64);
        if q == 0 {
            break;
        }
        for &k in &path {
            rem[k].2 -= q;
        }
        match paths.iter_mut().find(|p| p.0 == start && p.1 == at) {
            Some(p) => p.2 += q,
            None => paths.push((start, at, q)),
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn north_west_corner() {
        let f = decompose_pool(&[(0, 5), (1, 3)], 4, &[(2, 6), (3, 6)]);
        assert_eq!(f.moves, vec![(0, 2, 5), (1, 2, 1), (1, 3, 2)]);
        assert_eq!(f.purchases, vec![(3, 4)]);
    }

    #[test]
    fn chain_reads_as_path() {
        // 20 of tier 0 pass through tier 1 to cover tier 2; 5 more cover tier 1.
        let p = substitution_paths(&[(0, 1, 25), (1, 2, 20)]);
        let total: u64 = p.iter().map(|x| x.2).sum();
        assert_eq!(total, 25);
        assert!(p.contains(&(0, 2, 20)));
        assert!(p.contains(&(0, 1, 5)));
    }
}
