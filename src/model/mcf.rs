//! A small exact min-cost flow (successive shortest paths with potentials), used for
//! the moves stage of a pooled chain family once its purchases are fixed: with
//! purchases fixed that stage is a min-cost flow problem, so its optimum is integral.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A directed graph with capacities and non-negative costs.
#[derive(Debug, Clone, Default)]
pub struct FlowGraph {
    to: Vec<usize>,
    cap: Vec<i64>,
    cost: Vec<i64>,
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
    pub fn edge(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
        debug_assert!(cost >= 0 && cap >= 0);
        let id = self.to.len();
        self.to.push(to);
        self.cap.push(cap);
        self.cost.push(cost);
        self.adj[from].push(id);
        self.to.push(from);
        self.cap.push(0);
        self.cost.push(-cost);
        self.adj[to].push(id + 1);
        id
    }

    /// Flow on edge `id` after [`FlowGraph::min_cost_max_flow`].
    pub fn flow(&self, id: usize) -> i64 {
        self.cap[id + 1]
    }

    /// Sends as much flow as possible from `s` to `t` at least cost; returns (flow, cost).
    pub fn min_cost_max_flow(&mut self, s: usize, t: usize) -> (i64, i64) {
        let n = self.adj.len();
        let mut potential = vec![0i64; n];
        let (mut flow, mut cost) = (0i64, 0i64);
        loop {
            // Dijkstra on reduced costs (non-negative thanks to the potentials).
            let mut dist = vec![i64::MAX; n];
            let mut via = vec![usize::MAX; n];
            dist[s] = 0;
            let mut heap = BinaryHeap::new();
            heap.push(Reverse((0i64, s)));
            while let Some(Reverse((d, u))) = heap.pop() {
                if d > dist[u] {
                    continue;
                }
                for &e in &self.adj[u] {
                    if self.cap[e] == 0 {
                        continue;
                    }
                    let v = self.to[e];
                    let nd = d + self.cost[e] + potential[u] - potential[v];
                    if nd < dist[v] {
                        dist[v] = nd;
                        via[v] = e;
                        heap.push(Reverse((nd, v)));
                    }
                }
            }
            if dist[t] == i64::MAX {
                return (flow, cost);
            }
            for v in 0..n {
                if dist[v] != i64::MAX {
                    potential[v] += dist[v];
                }
            }
            let mut push = i64::MAX;
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
                cost += push * self.cost[e];
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
        // s -> a -> t costs 5, s -> b -> t costs 1; capacity 3 each; need 4 units.
        let mut g = FlowGraph::new(4);
        let (s, a, b, t) = (0, 1, 2, 3);
        g.edge(s, a, 3, 5);
        g.edge(s, b, 3, 1);
        let at = g.edge(a, t, 3, 0);
        let bt = g.edge(b, t, 3, 0);
        let (flow, cost) = g.min_cost_max_flow(s, t);
        assert_eq!((flow, cost), (6, 18));
        assert_eq!((g.flow(at), g.flow(bt)), (3, 3));
    }
}
