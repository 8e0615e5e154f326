//! A small exact min-cost flow (successive shortest paths with potentials), used for
//! the moves stage of a pooled chain family once its purchases are fixed: with
//! purchases fixed that stage is a min-cost flow problem, so its optimum is integral.
//!
//! Capacities and flows are 128-bit, and each edge's cost is a 4-tuple compared
//! lexicographically (cents, units bought, licences moved, units covered by a higher
//! tier), so the stages are solved together without a weight that could overflow:
//! potentials and distances are tuples too (shortest paths with potentials work over any
//! ordered abelian group).

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
    /// [`FlowGraph::send_free`] sent); returns (flow, cost) of what it adds.
    /// Sums stay far inside 128 bits for the model's inputs (units ≤ 10^18 per case,
    /// cents ≤ 10^12 per unit).
    pub fn min_cost_max_flow(&mut self, s: usize, t: usize) -> (i128, Cost) {
        let n = self.adj.len();
        let mut potential = vec![FREE; n];
        let (mut flow, mut cost) = (0i128, FREE);
        loop {
            // Dijkstra on reduced costs (non-negative thanks to the potentials).
            let mut dist = vec![INF; n];
            let mut via = vec![usize::MAX; n];
            dist[s] = FREE;
            let mut heap = BinaryHeap::new();
            heap.push(Reverse((FREE, s)));
            while let Some(Reverse((d, u))) = heap.pop() {
                if d > dist[u] {
                    continue;
                }
                for &e in &self.adj[u] {
                    if self.cap[e] == 0 {
                        continue;
                    }
                    let v = self.to[e];
                    let nd = sub(add(d, add(self.cost[e], potential[u])), potential[v]);
                    if nd < dist[v] {
                        dist[v] = nd;
                        via[v] = e;
                        heap.push(Reverse((nd, v)));
                    }
                }
            }
            if dist[t] == INF {
                return (flow, cost);
            }
            for v in 0..n {
                if dist[v] != INF {
                    potential[v] = add(potential[v], dist[v]);
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
                cost = add(cost, scale(push, self.cost[e]));
                v = self.to[e ^ 1];
            }
            flow += push;
        }
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
}
