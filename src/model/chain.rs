//! Exact combinatorial optimum for a substitution family that is a chain of tiers
//! (A covers B covers C ...), the shape CSSM families have.
//!
//! With tiers ordered from the top, tier i's licences can serve the demand of tier i and
//! every tier below it, so a supply vector s covers a demand vector d exactly when every
//! prefix holds: Σ_{i≤j} d_i ≤ Σ_{i≤j} s_i. Buying b_i units (whole packs) therefore
//! must satisfy P_j = Σ_{i≤j} b_i ≥ B_j = Σ_{i≤j} (d_i − s_i) for all j, and the
//! lexicographic objective (cost, then units = P_n) is a shortest path over the states
//! P, solved by dynamic programming in O(tiers × states).

use crate::estate::Price;

/// Orders a family's licences from the top tier down when its edges form one chain
/// (each licence covers at most one and is covered by at most one, all connected).
pub fn chain_order(n: usize, edges: &[(usize, usize)]) -> Option<Vec<usize>> {
    if edges.len() + 1 != n {
        return None;
    }
    let mut next = vec![None; n];
    let mut covered = vec![false; n];
    for &(h, l) in edges {
        if next[h].is_some() || covered[l] {
            return None;
        }
        next[h] = Some(l);
        covered[l] = true;
    }
    let top = (0..n).find(|&i| !covered[i])?;
    let mut order = vec![top];
    let mut at = top;
    while let Some(l) = next[at] {
        order.push(l);
        at = l;
    }
    (order.len() == n).then_some(order)
}

/// Cheapest purchase (then fewest units) that lets `supply` cover `demand` along a chain
/// given top tier first. Returns (cost in cents, units bought per tier), or `None` when
/// no purchase can cover the demand (a tier short with nothing buyable above it).
pub fn chain_buy(
    supply: &[u64],
    demand: &[u64],
    price: &[Option<Price>],
) -> Option<(i64, Vec<u64>)> {
    let (cost, all) = chain_optima(supply, demand, price, 1)?;
    Some((cost, all.into_iter().next()?))
}

/// Like [`chain_buy`], but lists every purchase vector that reaches the optimal cost and
/// units, up to `cap` of them (the first `cap` in a fixed order). The list is complete
/// when it holds fewer than `cap + 1` entries: it is cut at `cap + 1`.
pub fn chain_optima(
    supply: &[u64],
    demand: &[u64],
    price: &[Option<Price>],
    cap: usize,
) -> Option<(i64, Vec<Vec<u64>>)> {
    let n = supply.len();
    let mut need = Vec::with_capacity(n); // B_j
    let mut acc: i64 = 0;
    for j in 0..n {
        acc += demand[j] as i64 - supply[j] as i64;
        need.push(acc);
    }
    let max_need = need.iter().copied().max().unwrap_or(0).max(0) as usize;
    if max_need == 0 {
        return Some((0, vec![vec![0; n]]));
    }
    let max_pack = price.iter().flatten().map(|p| p.pack).max().unwrap_or(1) as usize;
    // An optimum never holds a whole pack more than the largest need (drop the last
    // pack bought: still feasible, no dearer, fewer units), so states stop below this.
    let states = max_need + max_pack;
    const INF: i64 = i64::MAX;
    // f[j][s]: least cost with s units bought over tiers 0..=j, every prefix covered.
    let mut f: Vec<Vec<i64>> = Vec::with_capacity(n);
    let mut prev = vec![INF; states];
    prev[0] = 0;
    for j in 0..n {
        let mut g = prev.clone();
        if let Some(p) = price[j] {
            let pack = p.pack as usize;
            let step = p.cents * p.pack as i64;
            for s in pack..states {
                if g[s - pack] != INF {
                    g[s] = g[s].min(g[s - pack] + step);
                }
            }
        }
        let floor = need[j].max(0) as usize;
        for v in g.iter_mut().take(floor.min(states)) {
            *v = INF;
        }
        f.push(g.clone());
        prev = g;
    }
    let (units, &cost) = prev
        .iter()
        .enumerate()
        .filter(|(_, &c)| c != INF)
        .min_by_key(|&(s, &c)| (c, s))?;
    // Enumerate the purchase vectors behind f[n-1][units] == cost, lower tiers first
    // (buying nearer the demand means fewer substitutions).
    let mut found = Vec::new();
    let mut buy = vec![0u64; n];
    #[allow(clippy::too_many_arguments)]
    fn walk(
        j: usize,
        s: usize,
        target: i64,
        f: &[Vec<i64>],
        price: &[Option<Price>],
        buy: &mut Vec<u64>,
        found: &mut Vec<Vec<u64>>,
        cap: usize,
    ) {
        if found.len() > cap {
            return;
        }
        let (pack, step) = price[j].map_or((0, 0), |p| (p.pack as usize, p.cents * p.pack as i64));
        let mut k = 0usize;
        loop {
            let bought = k * pack;
            if bought > s || (k > 0 && pack == 0) {
                break;
            }
            let rest = target - (k as i64) * step;
            let before = s - bought;
            let ok = if j == 0 {
                before == 0 && rest == 0
            } else {
                f[j - 1][before] != i64::MAX && f[j - 1][before] == rest
            };
            if ok {
                buy[j] = bought as u64;
                if j == 0 {
                    found.push(buy.clone());
                } else {
                    walk(j - 1, before, rest, f, price, buy, found, cap);
                }
                buy[j] = 0;
                if found.len() > cap {
                    return;
                }
            }
            if pack == 0 {
                break;
            }
            k += 1;
        }
    }
    walk(n - 1, units, cost, &f, price, &mut buy, &mut found, cap);
    found.reverse();
    found.sort_by(|a, b| b.iter().rev().cmp(a.iter().rev()));
    Some((cost, found))
}

/// Smallest substitution flow along a chain: units passing from tier j to tier j+1,
/// f_j = max(0, max_{m>j} Σ_{j<i≤m} (d_i − s_i)). Assumes `supply` covers `demand`.
pub fn chain_flows(supply: &[u64], demand: &[u64]) -> Vec<u64> {
    let n = supply.len();
    let mut flows = vec![0u64; n.saturating_sub(1)];
    let mut below: i64 = 0; // f_j computed from the bottom: f_{j-1} = max(0, d_j - s_j + f_j)
    for j in (1..n).rev() {
        below = (demand[j] as i64 - supply[j] as i64 + below).max(0);
        flows[j - 1] = below as u64;
    }
    flows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(cents: i64, pack: u64) -> Option<Price> {
        Some(Price { cents, pack })
    }

    #[test]
    fn order_of_a_chain() {
        assert_eq!(chain_order(3, &[(1, 2), (0, 1)]), Some(vec![0, 1, 2]));
        assert_eq!(chain_order(3, &[(0, 1), (0, 2)]), None);
        assert_eq!(chain_order(3, &[(0, 1), (1, 2), (0, 2)]), None);
    }

    #[test]
    fn cheaper_higher_tier_is_bought() {
        // Top tier is cheaper than the bottom one: buy it to cover the bottom's deficit.
        let (cost, buy) = chain_buy(&[0, 0], &[0, 5], &[p(100, 1), p(300, 1)]).unwrap();
        assert_eq!((cost, buy), (500, vec![5, 0]));
    }

    #[test]
    fn packs_and_surplus_above() {
        // Top has 3 spare; bottom needs 7; packs of 5 at the bottom: buy one pack.
        let (cost, buy) = chain_buy(&[3, 0], &[0, 7], &[p(100, 5), p(100, 5)]).unwrap();
        assert_eq!((cost, buy.iter().sum::<u64>()), (500, 5));
        assert_eq!(buy, vec![0, 5]);
    }

    #[test]
    fn surplus_below_cannot_serve_above() {
        let (cost, buy) = chain_buy(&[0, 10], &[4, 0], &[p(100, 1), p(1, 1)]).unwrap();
        assert_eq!((cost, buy), (400, vec![4, 0]));
    }

    #[test]
    fn all_optima_are_listed() {
        // Two tiers at the same price: buying either covers the bottom's deficit of 2.
        let (cost, all) = chain_optima(&[0, 0], &[0, 2], &[p(100, 1), p(100, 1)], 8).unwrap();
        assert_eq!(cost, 200);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0], vec![0, 2]); // nearest the demand first
        let (_, cut) = chain_optima(&[0, 0], &[0, 2], &[p(100, 1), p(100, 1)], 1).unwrap();
        assert_eq!(cut.len(), 2);
    }

    #[test]
    fn minimal_flows() {
        assert_eq!(chain_flows(&[10, 0, 0], &[0, 3, 4]), vec![7, 4]);
        assert_eq!(chain_flows(&[10, 5, 0], &[0, 3, 4]), vec![2, 4]);
    }
}
