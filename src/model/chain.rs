//! Exact combinatorial optimum for a substitution family that is a chain of tiers
//! (A covers B covers C ...), the shape CSSM families have.
//!
//! **Prefix form.** With tiers ordered from the top, tier i's licences can serve the
//! demand of tier i and every tier below it, so a supply vector s covers a demand vector
//! d exactly when every prefix holds: Σ_{i≤j} d_i ≤ Σ_{i≤j} s_i. Buying b_i units (whole
//! packs) therefore must satisfy P_j = Σ_{i≤j} b_i ≥ B_j = Σ_{i≤j} (d_i − s_i) for all j.
//! P is non-decreasing, so this is P_j ≥ R_j with R_j = max(0, B_1, …, B_j) (the running
//! maximum): the instance is fully described by the increments δ_j = R_j − R_{j−1} ≥ 0.
//! The objective is lexicographic: cost Σ c_i b_i, then units P_n.
//!
//! **Magnitude reduction (exact).** Let L_j be the least common multiple of the pack
//! sizes of the buyable tiers i ≤ j, m_j their number and c*_j their least unit price.
//! *Lemma:* if δ_j ≥ (m_j + 1)·L_j, the optimum (cost, units) equals the optimum of the
//! instance with δ_j lowered by L_j, plus (L_j·c*_j, L_j).
//! (≤) add L_j units (whole packs, as L_j is a multiple of its pack) at a cheapest tier
//! i ≤ j to any optimum of the lowered instance: every P_t with t ≥ j grows by L_j, so
//! it covers the original R_t.
//! (≥) take an optimum of the original. Let i0 be the first tier with
//! P_{i0} ≥ R_{j−1} + L_j (it exists and i0 ≤ j, since P_j ≥ R_{j−1} + δ_j). Then
//! Σ_{i0≤i≤j} b_i = P_j − P_{i0−1} > R_{j−1} + (m_j+1)L_j − R_{j−1} − L_j = m_j·L_j,
//! and at most m_j of those tiers are buyable, so one of them, i, holds b_i > L_j.
//! Remove L_j units there: every P_t with t ∈ [i, j) stays ≥ P_{i0} − L_j ≥ R_{j−1} ≥ R_t,
//! and every P_t with t ≥ j covers the lowered R_t. The removed units cost L_j·c_i ≥
//! L_j·c*_j. Chaining both directions gives equality in (cost, units).
//! Applying the lemma repeatedly lowers each δ_j into [m_j·L_j, (m_j+1)·L_j), so the
//! instance left has R_n ≤ Σ_j (m_j+1)·L_j whatever the unit counts were: 10^12 units
//! with packs of 1 become a handful.
//!
//! **The small instance** is a shortest path over the states P (the previous DP): an
//! optimum never holds a whole pack more than R_n (drop the last pack bought: still
//! feasible, no dearer, fewer units), so P < R_n + max pack, and the table has
//! tiers × (R_n + max pack) cells. Time and memory therefore depend on the tier count and
//! the pack sizes (through L_j), never on unit magnitudes. When the pack sizes' least
//! common multiples make the table too large ([`MAX_CELLS`]), the caller gets
//! [`ChainError::TooLarge`] and uses the MIP (which refuses magnitudes it cannot certify).
//!
//! **All optima.** The lowered instance's optima map injectively onto the original's by
//! adding the removed units at the cheapest tier. When that tier is the only buyable tier
//! ≤ j at the least price, the map is onto (the removal above must have taken the units
//! from a tier at price c*_j, hence that tier), so the list of optima is complete;
//! otherwise the list is marked incomplete.

use crate::estate::Price;
use num_integer::gcd;

/// The largest DP table (tiers × states) the chain algorithm builds: 2^20 cells of 16
/// bytes, 16 MiB.
pub const MAX_CELLS: usize = 1 << 20;

/// Up to this many purchase states (units needed plus the largest pack) the table is
/// built directly, without the magnitude reduction.
const SMALL_TABLE_STATES: u128 = 1 << 16;

/// Why a chain has no optimum from this algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// A tier is short and nothing buyable sits at or above it.
    Infeasible,
    /// The pack sizes' least common multiples make the exact table too large, or a
    /// figure does not fit the output types (the message says which).
    TooLarge(String),
}

/// The optima of a chain: least cost, least units, and the purchase vectors reaching both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainOptima {
    /// Least cost in cents.
    pub cost: i128,
    /// Least units bought at that cost.
    pub units: u128,
    /// Purchase vectors (units per tier, top first) reaching (cost, units), lower tiers
    /// first (a purchase nearer the demand needs fewer substitutions).
    pub buys: Vec<Vec<u64>>,
    /// Whether `buys` lists every optimal vector.
    pub complete: bool,
}

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

/// The optimum of a chain and up to `cap` + 1 purchase vectors reaching it (see the
/// module documentation for the algorithm and why it is exact). `complete` is false when
/// more optima exist than the list holds.
pub fn chain_optima(
    supply: &[u64],
    demand: &[u64],
    price: &[Option<Price>],
    cap: usize,
) -> Result<ChainOptima, ChainError> {
    let n = supply.len();
    // Running maximum R_j of the prefix needs B_j, and its increments.
    let mut delta = increments(supply, demand);
    // Lower each increment by whole multiples of L_j (the lemma), booking the removed
    // units at the cheapest buyable tier at or above it.
    let mut extra = vec![0u128; n];
    let mut extra_cost: i128 = 0;
    let mut complete = true;
    let mut lcm: Option<u128> = Some(1); // None: beyond any useful size
    let mut buyable = 0u128;
    let mut cheapest: Option<(usize, i64, bool)> = None; // (tier, cents, tied)
    const LCM_LIMIT: u128 = 1 << 64;
    // The reduction is exact but only needed for large counts; below this many states the
    // plain table is small, and skipping it keeps the list of optima complete when the
    // cheapest tiers tie (so the exact flow, not the MIP, settles moves and the tie-break).
    let max_pack = price
        .iter()
        .flatten()
        .map(|p| u128::from(p.pack))
        .max()
        .unwrap_or(1);
    let reduce = delta.iter().sum::<u128>() + max_pack > SMALL_TABLE_STATES;
    for j in 0..n {
        if let Some(p) = price[j] {
            buyable += 1;
            let k = u128::from(p.pack.max(1));
            lcm = lcm
                .and_then(|l| (l / gcd(l, k)).checked_mul(k))
                .filter(|&l| l <= LCM_LIMIT);
            cheapest = match cheapest {
                None => Some((j, p.cents, false)),
                Some((_, c, _)) if p.cents < c => Some((j, p.cents, false)),
                Some((i, c, _)) if p.cents == c => Some((i, c, true)),
                keep => keep,
            };
        }
        if delta[j] == 0 {
            continue;
        }
        let Some((at, cents, tied)) = cheapest else {
            return Err(ChainError::Infeasible);
        };
        let Some(l) = lcm else { continue };
        if reduce && delta[j] >= (buyable + 1) * l {
            let q = (delta[j] - buyable * l) / l;
            let removed = q * l;
            delta[j] -= removed;
            extra[at] += removed;
            extra_cost = i128::try_from(removed)
                .ok()
                .and_then(|u| u.checked_mul(i128::from(cents)))
                .and_then(|c| extra_cost.checked_add(c))
                .ok_or_else(|| ChainError::TooLarge("chain cost beyond 128 bits".into()))?;
            complete &= !tied;
        }
    }
    let (cost, units, small, small_complete) = small_chain(&delta, price, cap)?;
    complete &= small_complete;
    let mut buys = Vec::with_capacity(small.len());
    for v in small {
        let mut out = Vec::with_capacity(n);
        for j in 0..n {
            let u = v[j] as u128 + extra[j];
            out.push(u64::try_from(u).map_err(|_| {
                ChainError::TooLarge(format!("{u} units bought at one tier exceed 64 bits"))
            })?);
        }
        buys.push(out);
    }
    Ok(ChainOptima {
        cost: cost + extra_cost,
        units: units as u128 + extra.iter().sum::<u128>(),
        buys,
        complete,
    })
}

/// (cost, units, optimal vectors, whether they are all of them) of the lowered instance.
type SmallOptima = (i128, usize, Vec<Vec<usize>>, bool);

/// The shortest-path table over the states P of an instance given by its increments.
struct Table {
    /// f[j*states + s]: least cost with s units bought over tiers 0..=j, prefixes covered
    /// (`i128::MAX` where none).
    f: Vec<i128>,
    states: usize,
    /// The optimum: least cost, then least units.
    cost: i128,
    units: usize,
}

impl Table {
    /// Builds the table; `None` when nothing needs buying.
    fn build(delta: &[u128], price: &[Option<Price>]) -> Result<Option<Table>, ChainError> {
        let n = delta.len();
        let max_need: u128 = delta.iter().sum();
        if max_need == 0 {
            return Ok(None);
        }
        let max_pack = price.iter().flatten().map(|p| p.pack).max().unwrap_or(1);
        let states = max_need + u128::from(max_pack);
        let too_large = || {
            ChainError::TooLarge(format!(
                "the pack sizes of this tier chain need an exact table of {states} states \
                 per tier, more than the chain algorithm builds"
            ))
        };
        let states = usize::try_from(states).map_err(|_| too_large())?;
        if states.checked_mul(n).is_none_or(|c| c > MAX_CELLS) {
            return Err(too_large());
        }
        let mut f: Vec<i128> = Vec::with_capacity(n * states);
        let mut prev = vec![INF; states];
        prev[0] = 0;
        let mut need = 0usize;
        for j in 0..n {
            need += delta[j] as usize; // ≤ max_need < states, checked above
            let mut g = prev.clone();
            if let Some(p) = price[j] {
                let pack = p.pack.max(1) as usize;
                let step = i128::from(p.cents) * i128::from(p.pack);
                for s in pack..states {
                    if g[s - pack] != INF {
                        g[s] = g[s].min(g[s - pack] + step);
                    }
                }
            }
            for v in g.iter_mut().take(need.min(states)) {
                *v = INF;
            }
            f.extend_from_slice(&g);
            prev = g;
        }
        let (units, cost) = prev
            .iter()
            .enumerate()
            .filter(|(_, &c)| c != INF)
            .min_by_key(|&(s, &c)| (c, s))
            .map(|(s, &c)| (s, c))
            .ok_or(ChainError::Infeasible)?;
        Ok(Some(Table {
            f,
            states,
            cost,
            units,
        }))
    }

    /// Least cost over tiers 0..j (so `before(0, 0)` is the empty purchase).
    fn before(&self, j: usize, s: usize) -> i128 {
        match j {
            0 if s == 0 => 0,
            0 => INF,
            _ => self.f[(j - 1) * self.states + s],
        }
    }

    fn at(&self, j: usize, s: usize) -> i128 {
        self.f[j * self.states + s]
    }
}

const INF: i128 = i128::MAX;

/// The shortest path over the states P for the lowered instance given by its increments.
/// Returns (cost, units, optimal vectors up to `cap` + 1, whether they are all of them).
fn small_chain(
    delta: &[u128],
    price: &[Option<Price>],
    cap: usize,
) -> Result<SmallOptima, ChainError> {
    let n = delta.len();
    let Some(t) = Table::build(delta, price)? else {
        return Ok((0, 0, vec![vec![0; n]], true));
    };
    // Enumerate the purchase vectors behind f[n-1][units] == cost.
    let mut found = Vec::new();
    let mut buy = vec![0usize; n];
    let mut w = Walk {
        f: &t.f,
        states: t.states,
        price,
        found: &mut found,
        cap,
    };
    w.walk(n - 1, t.units, t.cost, &mut buy);
    found.sort_by(|a, b| b.iter().rev().cmp(a.iter().rev()));
    let complete = found.len() <= cap;
    Ok((t.cost, t.units, found, complete))
}

/// The running-maximum increments δ_j of a chain's prefix needs (module documentation).
fn increments(supply: &[u64], demand: &[u64]) -> Vec<u128> {
    let mut delta = Vec::with_capacity(supply.len());
    let (mut acc, mut run) = (0i128, 0i128);
    for (&s, &d) in supply.iter().zip(demand) {
        acc += i128::from(d) - i128::from(s);
        let r = run.max(acc);
        delta.push((r - run) as u128);
        run = r;
    }
    delta
}

/// What the exact flow needs to settle a chain's tie-breaks: the purchases at the tiers
/// sold in packs of more than one unit. Each entry is one distinct such choice made by
/// some optimal (cost, units) purchase vector, per tier top first: `Some(units)` at a
/// tier sold in packs (or not sold, always `Some(0)`), `None` at a tier sold by the unit,
/// whose purchases the flow chooses itself (a unit purchase is a flow arc).
pub type Projection = Vec<Option<u64>>;

/// Which optimal purchase vectors [`pack_projections`] lists the projections of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optimal {
    /// The vectors at the least cost, then the least units: the single-date stages.
    CostThenUnits,
    /// Every vector at the least cost, whatever its units: what a term's intermediate
    /// milestone needs (`model/term/jit.rs`). Only with every price positive: a free tier
    /// could add packs beyond the table at no cost, so with a price of zero the list is
    /// declined (`Ok(None)`).
    Cost,
}

/// The distinct [`Projection`]s of every optimal purchase vector of a chain (optimal as
/// `which` says). Any optimum of the stages buys an optimal vector, so the best flow over
/// these projections is the optimum of them all. `Ok(None)` when the list would exceed
/// `cap` entries or the chain is too large to walk exactly (the caller uses the MIP).
///
/// With positive prices every vector at the least cost lies in the table: its last
/// purchase, a pack at tier i, could otherwise be dropped (every prefix from i on still
/// covers R_n), for less. So [`Optimal::Cost`] starts the walk from every state at the
/// least cost, [`Optimal::CostThenUnits`] from the least units among them; a prefix of an
/// optimal vector is at its own least cost (else the cheaper prefix with the same tail
/// would beat the optimum), so every such vector is on a tight path.
///
/// The walk goes up the table from (last tier, optimal units), keeping for each choice
/// made so far the set of states reachable on a tight path (one whose every prefix is at
/// its least cost, as every optimal path's is). At a tier sold by the unit the set of
/// tight predecessors is found in one sweep (see [`unit_tier_predecessors`]); at a
/// tier sold in packs each pack count branches.
pub fn pack_projections(
    supply: &[u64],
    demand: &[u64],
    price: &[Option<Price>],
    cap: usize,
    which: Optimal,
) -> Result<Option<Vec<Projection>>, ChainError> {
    let n = supply.len();
    if which == Optimal::Cost && price.iter().flatten().any(|p| p.cents <= 0) {
        return Ok(None);
    }
    let delta = increments(supply, demand);
    let mut buyable = false;
    for j in 0..n {
        buyable |= price[j].is_some();
        if delta[j] > 0 && !buyable {
            return Err(ChainError::Infeasible);
        }
    }
    let packed = |j: usize| price[j].is_none_or(|p| p.pack > 1);
    let free = |proj: &mut Projection| {
        for (j, x) in proj.iter_mut().enumerate() {
            if !packed(j) {
                *x = None;
            }
        }
    };
    if (0..n).all(|j| price[j].is_none_or(|p| p.pack <= 1)) {
        let mut only = vec![Some(0); n];
        free(&mut only);
        return Ok(Some(vec![only]));
    }
    let max_pack = price.iter().flatten().map(|p| u128::from(p.pack)).max();
    if delta.iter().sum::<u128>() + max_pack.unwrap_or(1) > SMALL_TABLE_STATES {
        return Ok(None);
    }
    let Some(t) = Table::build(&delta, price)? else {
        let mut zero = vec![Some(0); n];
        free(&mut zero);
        return Ok(Some(vec![zero]));
    };
    // Choices so far (bottom tier first) → tight states at the current tier.
    let mut level: std::collections::BTreeMap<Vec<u64>, Vec<bool>> = Default::default();
    let start: Vec<bool> = match which {
        Optimal::CostThenUnits => (0..t.states).map(|s| s == t.units).collect(),
        Optimal::Cost => (0..t.states).map(|s| t.at(n - 1, s) == t.cost).collect(),
    };
    level.insert(Vec::new(), start);
    let mut work = 0usize;
    const WORK: usize = 1 << 24;
    for j in (0..n).rev() {
        let mut next: std::collections::BTreeMap<Vec<u64>, Vec<bool>> = Default::default();
        for (key, set) in level {
            match price[j] {
                Some(p) if p.pack <= 1 => {
                    let preds = unit_tier_predecessors(&t, j, p.cents, &set);
                    if preds.iter().any(|&x| x) {
                        next.insert(key, preds);
                    }
                }
                _ => {
                    let (pack, step) = price[j].map_or((usize::MAX, 0), |p| {
                        (p.pack as usize, i128::from(p.cents) * i128::from(p.pack))
                    });
                    for s in (0..t.states).filter(|&s| set[s]) {
                        let mut k = 0usize;
                        loop {
                            let bought = k * pack;
                            work += 1;
                            if work > WORK {
                                return Ok(None);
                            }
                            let v = t.before(j, s - bought);
                            if v != INF && v + k as i128 * step == t.at(j, s) {
                                let mut key = key.clone();
                                key.push(bought as u64);
                                next.entry(key).or_insert_with(|| vec![false; t.states])
                                    [s - bought] = true;
                            }
                            k += 1;
                            if pack == usize::MAX || k * pack > s {
                                break;
                            }
                        }
                    }
                    if next.len() > cap {
                        return Ok(None);
                    }
                }
            }
        }
        level = next;
    }
    let mut out = Vec::with_capacity(level.len());
    for (key, set) in level {
        debug_assert!(set[0], "a tight walk ends at the empty purchase");
        let mut proj = vec![None; n];
        let mut choices = key.into_iter();
        for j in (0..n).rev() {
            if packed(j) {
                proj[j] = choices.next();
            }
        }
        out.push(proj);
    }
    Ok(Some(out))
}

/// At tier `j` sold by the unit at `cents`, the states of tier j−1 from which some state
/// in `set` is reached on a tight path. With pack 1 the table's step is
/// f_j(s) = min_{s'≤s} f_{j−1}(s') + (s − s')·c, so with h(s') = f_{j−1}(s') − s'·c and
/// H its prefix minimum, s' is a tight predecessor of s exactly when s' ≤ s and
/// h(s') = H(s); H does not increase, so s' must lie on the same plateau of H as s. One
/// sweep down the states finds them all.
fn unit_tier_predecessors(t: &Table, j: usize, cents: i64, set: &[bool]) -> Vec<bool> {
    let c = i128::from(cents);
    let h: Vec<i128> = (0..t.states)
        .map(|s| match t.before(j, s) {
            INF => INF,
            v => v - s as i128 * c,
        })
        .collect();
    let mut prefix_min = Vec::with_capacity(t.states);
    let mut m = INF;
    for &x in &h {
        m = m.min(x);
        prefix_min.push(m);
    }
    let mut out = vec![false; t.states];
    let mut active: Option<i128> = None;
    for s in (0..t.states).rev() {
        if set[s] {
            active = Some(prefix_min[s]);
        } else if active != Some(prefix_min[s]) {
            active = None;
        }
        if active == Some(prefix_min[s]) && h[s] != INF && h[s] == prefix_min[s] {
            out[s] = true;
        }
    }
    out
}

struct Walk<'a> {
    f: &'a [i128],
    states: usize,
    price: &'a [Option<Price>],
    found: &'a mut Vec<Vec<usize>>,
    cap: usize,
}

impl Walk<'_> {
    fn walk(&mut self, j: usize, s: usize, target: i128, buy: &mut Vec<usize>) {
        let (pack, step) = self.price[j].map_or((0, 0), |p| {
            (
                p.pack.max(1) as usize,
                i128::from(p.cents) * i128::from(p.pack),
            )
        });
        let mut k = 0usize;
        while self.found.len() <= self.cap {
            let bought = k * pack;
            if bought > s || (k > 0 && pack == 0) {
                break;
            }
            let rest = target - (k as i128) * step;
            let before = s - bought;
            let ok = if j == 0 {
                before == 0 && rest == 0
            } else {
                let v = self.f[(j - 1) * self.states + before];
                v != i128::MAX && v == rest
            };
            if ok {
                buy[j] = bought;
                if j == 0 {
                    self.found.push(buy.clone());
                } else {
                    self.walk(j - 1, before, rest, buy);
                }
                buy[j] = 0;
            }
            if pack == 0 {
                break;
            }
            k += 1;
        }
    }
}

/// Smallest substitution flow along a chain: units passing from tier j to tier j+1,
/// f_j = max(0, max_{m>j} Σ_{j<i≤m} (d_i − s_i)). Assumes `supply` covers `demand`
/// (then every f_j ≤ Σ supply fits).
pub fn chain_flows(supply: &[u64], demand: &[u64]) -> Vec<u64> {
    let n = supply.len();
    let mut flows = vec![0u64; n.saturating_sub(1)];
    let mut below: i128 = 0; // f_{j-1} = max(0, d_j - s_j + f_j), from the bottom
    for j in (1..n).rev() {
        below = (i128::from(demand[j]) - i128::from(supply[j]) + below).max(0);
        flows[j - 1] = u64::try_from(below).unwrap_or(u64::MAX);
    }
    flows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first optimal purchase of a chain: (cost in cents, units per tier).
    fn chain_buy(
        supply: &[u64],
        demand: &[u64],
        price: &[Option<Price>],
    ) -> Result<(i128, Vec<u64>), ChainError> {
        let opt = chain_optima(supply, demand, price, 1)?;
        let first = opt.buys.into_iter().next().ok_or(ChainError::Infeasible)?;
        Ok((opt.cost, first))
    }

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
    fn optimal_purchases_of_small_chains() {
        // (supply, demand, prices top first, first optimal purchase, why).
        let cases = [
            (
                [0, 0],
                [0, 5],
                [p(100, 1), p(300, 1)],
                Ok((500, vec![5, 0])),
                "the top tier is cheaper than the bottom one: buy it for the bottom's deficit",
            ),
            (
                [3, 0],
                [0, 7],
                [p(100, 5), p(100, 5)],
                Ok((500, vec![0, 5])),
                "the top has 3 spare, the bottom needs 7, packs of 5: one pack at the bottom",
            ),
            (
                [0, 10],
                [4, 0],
                [p(100, 1), p(1, 1)],
                Ok((400, vec![4, 0])),
                "surplus below cannot serve above",
            ),
            (
                [0, 0],
                [3, 0],
                [None, p(1, 1)],
                Err(ChainError::Infeasible),
                "nothing can be bought above a shortage",
            ),
        ];
        for (supply, demand, price, want, why) in cases {
            assert_eq!(chain_buy(&supply, &demand, &price), want, "{why}");
        }
    }

    #[test]
    fn all_optima_are_listed() {
        // Two tiers at the same price: buying either covers the bottom's deficit of 2.
        let opt = chain_optima(&[0, 0], &[0, 2], &[p(100, 1), p(100, 1)], 8).unwrap();
        assert_eq!((opt.cost, opt.units), (200, 2));
        assert_eq!(opt.buys.len(), 3);
        assert!(opt.complete);
        assert_eq!(opt.buys[0], vec![0, 2]); // nearest the demand first
        let cut = chain_optima(&[0, 0], &[0, 2], &[p(100, 1), p(100, 1)], 1).unwrap();
        assert_eq!(cut.buys.len(), 2);
        assert!(!cut.complete);
    }

    /// 10^12 units in a two-tier chain: solved by the lowered instance, exactly.
    #[test]
    fn a_trillion_units_in_two_tiers() {
        let t = 1_000_000_000_000u64;
        // Bottom dearer: everything is bought at the top.
        let opt = chain_optima(&[0, 0], &[0, t], &[p(7, 1), p(9, 1)], 16).unwrap();
        assert_eq!((opt.cost, opt.units), (7 * t as i128, t as u128));
        assert_eq!(opt.buys, vec![vec![t, 0]]);
        assert!(opt.complete);
        // Bottom cheaper, top short by 3: top buys 3, bottom the rest.
        let opt = chain_optima(&[0, 0], &[3, t], &[p(9, 1), p(7, 1)], 16).unwrap();
        assert_eq!(opt.cost, 27 + 7 * t as i128);
        assert_eq!(opt.buys, vec![vec![3, t]]);
        // Packs of 10^6 and 999_999 (lcm ~ 10^12): too large a table, said so.
        let r = chain_optima(&[0, 0], &[3, t], &[p(9, 1_000_000), p(7, 999_999)], 16);
        assert!(matches!(r, Err(ChainError::TooLarge(_))));
        // Packs 25 and 10: rounding handled exactly.
        let opt = chain_optima(&[0, 0], &[3, t + 1], &[p(9, 25), p(7, 10)], 16).unwrap();
        // Top needs one pack (25 units, 22 spare); bottom needs t+1-22 → packs of 10.
        let bottom = (t + 1 - 22).div_ceil(10) * 10;
        assert_eq!(opt.cost, 25 * 9 + 7 * bottom as i128);
        assert_eq!(opt.buys, vec![vec![25, bottom]]);
    }

    #[test]
    fn tied_cheapest_tiers_mark_the_list_incomplete() {
        let t = 1_000_000_000u64;
        let opt = chain_optima(&[0, 0], &[0, t], &[p(5, 1), p(5, 1)], 16).unwrap();
        assert_eq!((opt.cost, opt.units), (5 * t as i128, t as u128));
        assert!(!opt.complete);
    }

    #[test]
    fn minimal_flows() {
        assert_eq!(chain_flows(&[10, 0, 0], &[0, 3, 4]), vec![7, 4]);
        assert_eq!(chain_flows(&[10, 5, 0], &[0, 3, 4]), vec![2, 4]);
        assert_eq!(chain_flows(&[10, 5, 0], &[0, 3, 4]).iter().sum::<u64>(), 6);
    }
}
