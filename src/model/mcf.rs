//! A small exact min-cost flow (successive shortest paths with potentials), used for
//! a chain family's four stages once its purchases at the tiers sold in packs are fixed:
//! then every stage is a min-cost flow problem, so its optimum is integral.
//!
//! Capacities and flows are 128-bit, and each edge's cost is a 4-tuple compared
//! lexicographically (cents, units bought, licences moved, units covered by a higher
//! tier), so the stages are solved together. The search runs on one exact integer weight
//! per edge when the tuple order can be written as a weighted sum that fits (64 bits for
//! the model's usual magnitudes, else 128), and on the tuples otherwise (shortest paths
//! with potentials work over any ordered abelian group): no weight can overflow.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An edge cost or path length, compared lexicographically.
pub type Cost = [i128; 4];

/// The zero cost.
pub const FREE: Cost = [0; 4];

/// The lexicographic sum of two costs.
pub fn add(a: Cost, b: Cost) -> Cost {
    std::array::from_fn(|i| a[i] + b[i])
}

fn sub(a: Cost, b: Cost) -> Cost {
    std::array::from_fn(|i| a[i] - b[i])
}

fn scale(k: i128, a: Cost) -> Cost {
    a.map(|x| k * x)
}

const INF: Cost = [i128::MAX; 4];

/// A directed graph with capacities and non-negative costs.
#[derive(Debug, Clone, Default)]
pub struct FlowGraph {
    to: Vec<usize>,
    cap: Vec<i128>,
    cost: Vec<Cost>,
    adj: Vec<Vec<usize>>,
}

impl FlowGraph {
    /// A graph with `n` nodes and no edges.
    pub fn new(n: usize) -> Self {
        FlowGraph {
            adj: vec![Vec::new(); n],
            ..FlowGraph::default()
        }
    }

    /// Adds an edge; returns its id (the flow on it is read with [`FlowGraph::flow`]).
    pub fn edge(&mut self, from: usize, to: usize, cap: i128, cost: Cost) -> usize {
        debug_assert!(cost >= FREE && cap >= 0);
        let id = self.to.len();
        self.to.push(to);
        self.cap.push(cap);
        self.cost.push(cost);
        self.adj[from].push(id);
        self.to.push(from);
        self.cap.push(0);
        self.cost.push(cost.map(|x| -x));
        self.adj[to].push(id + 1);
        id
    }

    /// Sends `amount` along a path of free edges (ids from [`FlowGraph::edge`]) before
    /// the search. A flow made of free paths leaves only free reverse edges, so it is a
    /// least-cost flow of its value and [`FlowGraph::min_cost_max_flow`] continues from it
    /// exactly (rerouting it where that pays). Returns `amount`.
    pub fn send_free(&mut self, path: &[usize], amount: i128) -> i128 {
        for &e in path {
            debug_assert!(self.cost[e] == FREE && self.cap[e] >= amount);
            self.cap[e] -= amount;
            self.cap[e ^ 1] += amount;
        }
        amount
    }

    /// Flow on edge `id` after [`FlowGraph::min_cost_max_flow`].
    pub fn flow(&self, id: usize) -> i128 {
        self.cap[id + 1]
    }

    /// Sends as much flow as possible from `s` to `t` at least cost (beyond what
    /// [`FlowGraph::send_free`] sent); returns (flow added, cost of the whole flow).
    ///
    /// The search runs on one integer weight per edge when the lexicographic order can be
    /// written exactly as a weighted sum (`Σ w_k c_k`, each weight above the largest sum
    /// the lower components can reach over any flow) and every path length fits 64 or 128
    /// bits; otherwise on the tuples themselves. Either way the flow is the lexicographic
    /// optimum; its cost is summed from the edge flows in exact tuple arithmetic.
    pub fn min_cost_max_flow(&mut self, s: usize, t: usize) -> (i128, Cost) {
        let flow = match self.scalar_weights() {
            Some((w, true)) => {
                let w: Vec<i64> = w.into_iter().map(|x| x as i64).collect();
                self.shortest_paths(&w, s, t)
            }
            Some((w, false)) => self.shortest_paths(&w, s, t),
            None => {
                let w = self.cost.clone();
                self.shortest_paths(&w, s, t)
            }
        };
        let mut cost = FREE;
        for e in (0..self.cost.len()).step_by(2) {
            cost = add(cost, scale(self.flow(e), self.cost[e]));
        }
        (flow, cost)
    }

    /// Each edge's cost as one weight whose order on whole flows is the lexicographic
    /// order, with every value the search can meet below a quarter of the type's range,
    /// and whether they fit 64 bits; `None` when they do not fit 128 bits.
    fn scalar_weights(&self) -> Option<(Vec<i128>, bool)> {
        // Largest total of each component over any flow: Σ capacity × cost, forward edges.
        let mut reach = [0i128; 4];
        for e in (0..self.cost.len()).step_by(2) {
            let cap = self.cap[e].checked_add(self.cap[e + 1])?;
            for (r, &c) in reach.iter_mut().zip(&self.cost[e]) {
                *r = r.checked_add(cap.checked_mul(c)?)?;
            }
        }
        // w_k exceeds the most the lower components can add: Σ_{i>k} w_i · reach_i.
        let mut w = [0i128; 4];
        let mut below = 0i128;
        for k in (0..4).rev() {
            w[k] = below.checked_add(1)?;
            below = below.checked_add(w[k].checked_mul(reach[k])?)?;
        }
        let mut paths = 0i128; // the longest a path (or a potential) can be
        let mut scalar = Vec::with_capacity(self.cost.len());
        for c in &self.cost {
            let mut x = 0i128;
            for (&wk, &ck) in w.iter().zip(c) {
                x = x.checked_add(wk.checked_mul(ck)?)?;
            }
            paths = paths.checked_add(x.abs())?;
            scalar.push(x);
        }
        let widest = below.max(paths);
        (widest < i128::MAX / 4).then_some((scalar, widest < i128::from(i64::MAX / 4)))
    }

    /// Successive shortest paths on `weight` per edge (Dijkstra on reduced costs, which
    /// the potentials keep non-negative). Returns the flow added.
    fn shortest_paths<W: Weight>(&mut self, weight: &[W], s: usize, t: usize) -> i128 {
        let n = self.adj.len();
        let mut potential = vec![W::ZERO; n];
        let mut flow = 0i128;
        let mut dist = vec![W::INF; n];
        let mut via = vec![usize::MAX; n];
        let mut heap = BinaryHeap::new();
        loop {
            dist.fill(W::INF);
            via.fill(usize::MAX);
            dist[s] = W::ZERO;
            heap.clear();
            heap.push(Reverse((W::ZERO, s)));
            while let Some(Reverse((d, u))) = heap.pop() {
                if d > dist[u] {
                    continue;
                }
                for &e in &self.adj[u] {
                    if self.cap[e] == 0 {
                        continue;
                    }
                    let v = self.to[e];
                    let nd = d.plus(weight[e]).plus(potential[u]).minus(potential[v]);
                    if nd < dist[v] {
                        dist[v] = nd;
                        via[v] = e;
                        heap.push(Reverse((nd, v)));
                    }
                }
            }
            if dist[t] == W::INF {
                return flow;
            }
            for v in 0..n {
                if dist[v] != W::INF {
                    potential[v] = potential[v].plus(dist[v]);
                }
            }
            let mut push = i128::MAX;
            let mut v = t;
            while v != s {
                let e = via[v];
                push = push.min(self.cap[e]);
                v = self.to[e ^ 1];
            }
            let mut v = t;
            while v != s {
                let e = via[v];
                self.cap[e] -= push;
                self.cap[e ^ 1] += push;
                v = self.to[e ^ 1];
            }
            flow += push;
        }
    }
}

/// An edge weight for the search: an ordered group element.
trait Weight: Copy + Ord {
    const ZERO: Self;
    const INF: Self;
    fn plus(self, o: Self) -> Self;
    fn minus(self, o: Self) -> Self;
}

/// The scalar weights: plain integers (their range is checked by `scalar_weights`).
macro_rules! integer_weight {
    ($($t:ty),*) => {$(
        impl Weight for $t {
            const ZERO: Self = 0;
            const INF: Self = <$t>::MAX;
            fn plus(self, o: Self) -> Self {
                self + o
            }
            fn minus(self, o: Self) -> Self {
                self - o
            }
        }
    )*};
}
integer_weight!(i64, i128);

impl Weight for Cost {
    const ZERO: Self = FREE;
    const INF: Self = INF;
    fn plus(self, o: Self) -> Self {
        add(self, o)
    }
    fn minus(self, o: Self) -> Self {
        sub(self, o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_cheaper_route() {
        // s -> a -> t costs 5, s -> b -> t costs 1; capacity 3 each.
        let mut g = FlowGraph::new(4);
        let (s, a, b, t) = (0, 1, 2, 3);
        g.edge(s, a, 3, [5, 0, 0, 0]);
        g.edge(s, b, 3, [1, 0, 0, 0]);
        let at = g.edge(a, t, 3, FREE);
        let bt = g.edge(b, t, 3, FREE);
        let (flow, cost) = g.min_cost_max_flow(s, t);
        assert_eq!((flow, cost), (6, [18, 0, 0, 0]));
        assert_eq!((g.flow(at), g.flow(bt)), (3, 3));
    }

    #[test]
    fn lexicographic_costs_and_huge_capacities() {
        // Two routes for 10^18 units: one with a secondary cost of 1 per unit, one with a
        // primary cost of 1; only 10^18 fit the first, the rest takes the second.
        let big = 1_000_000_000_000_000_000i128;
        let mut g = FlowGraph::new(4);
        let (s, a, b, t) = (0, 1, 2, 3);
        g.edge(s, a, big, [0, 0, 0, 1]);
        g.edge(s, b, 2 * big, [0, 0, 1, 0]);
        g.edge(a, t, 3 * big, FREE);
        g.edge(b, t, 3 * big, FREE);
        let (flow, cost) = g.min_cost_max_flow(s, t);
        assert_eq!((flow, cost), (3 * big, [0, 0, 2 * big, big]));
    }

    /// A small graph with trade-offs between every pair of components: the scalar search
    /// (64 bits here) and the tuple search reach the same lexicographic cost.
    #[test]
    fn scalar_weights_order_flows_as_the_tuples_do() {
        let build = |g: &mut FlowGraph| {
            // s=0, t=5; two suppliers (1, 2), two demand nodes (3, 4).
            g.edge(0, 1, 7, FREE);
            g.edge(0, 2, 9, [3, 1, 0, 0]);
            g.edge(1, 3, 7, [0, 0, 1, 0]);
            g.edge(1, 4, 4, [0, 0, 0, 2]);
            g.edge(2, 3, 9, [0, 0, 0, 1]);
            g.edge(2, 4, 9, [0, 1, 0, 0]);
            g.edge(3, 5, 6, FREE);
            g.edge(4, 5, 8, FREE);
        };
        let mut scalar = FlowGraph::new(6);
        build(&mut scalar);
        assert!(matches!(scalar.scalar_weights(), Some((_, true))));
        let got = scalar.min_cost_max_flow(0, 5);
        let mut tuple = FlowGraph::new(6);
        build(&mut tuple);
        let w = tuple.cost.clone();
        let flow = tuple.shortest_paths(&w, 0, 5);
        let mut cost = FREE;
        for e in (0..tuple.cost.len()).step_by(2) {
            cost = add(cost, scale(tuple.flow(e), tuple.cost[e]));
        }
        assert_eq!(got, (flow, cost));
        assert_eq!(got.0, 14);
    }

    /// Costs too wide for one 128-bit weight: the search runs on the tuples.
    #[test]
    fn wide_costs_fall_back_to_tuples() {
        let big = 1_000_000_000_000_000_000i128;
        let mut g = FlowGraph::new(3);
        g.edge(0, 1, big, [1_000_000_000_000, big, big, big]);
        g.edge(1, 2, big, [0, 0, 1, 1]);
        g.edge(0, 2, 1, [2_000_000_000_000, 0, 0, 0]);
        assert!(g.scalar_weights().is_none());
        let (flow, cost) = g.min_cost_max_flow(0, 2);
        assert_eq!(flow, big + 1);
        assert_eq!(
            cost,
            [
                big * 1_000_000_000_000 + 2_000_000_000_000,
                big * big,
                big * big + big,
                big * big + big
            ]
        );
    }
}
