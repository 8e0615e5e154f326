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
///
/// Edges are stored in the order they are added, each followed by its reverse; the
/// search lays them out by tail node (in that order) before it runs.
#[derive(Debug, Clone, Default)]
pub struct FlowGraph {
    nodes: usize,
    /// Head of each edge; the tail of edge e is the head of its pair, `to[e ^ 1]`.
    to: Vec<u32>,
    cap: Vec<i128>,
    cost: Vec<Cost>,
}

/// An arc as the search reads it: laid out by tail node, so a node's arcs are adjacent.
#[derive(Clone, Copy)]
struct Arc<W> {
    cap: i128,
    weight: W,
    to: u32,
    /// Position of the reverse arc.
    rev: u32,
}

impl FlowGraph {
    /// A graph with `n` nodes and no edges.
    pub fn new(n: usize) -> Self {
        FlowGraph {
            nodes: n,
            ..FlowGraph::default()
        }
    }

    /// Adds an edge; returns its id (the flow on it is read with [`FlowGraph::flow`]).
    pub fn edge(&mut self, from: usize, to: usize, cap: i128, cost: Cost) -> usize {
        debug_assert!(cost >= FREE && cap >= 0 && from < self.nodes && to < self.nodes);
        let node = |x: usize| u32::try_from(x).expect("a flow graph has under 2^32 nodes");
        let id = self.to.len();
        self.to.extend([node(to), node(from)]);
        self.cap.extend([cap, 0]);
        self.cost.extend([cost, cost.map(|x| -x)]);
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
    /// written exactly as a weighted sum over every value the search compares
    /// ([`FlowGraph::scalar_weights`]) and that fits 64 or 128 bits; otherwise on the
    /// tuples themselves. The comparisons, and so the flow, are the same either way (the
    /// weighted sum orders those values exactly as the tuples do); its cost is summed from
    /// the edge flows in exact tuple arithmetic.
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

    /// Each edge's cost as one weight `Σ w_k c_k` whose order on every value the search
    /// compares is the lexicographic order of the tuples, and whether the weights and those
    /// values fit 64 bits; `None` when they do not fit 128 bits.
    ///
    /// The search only compares lengths of paths, less potentials: a Dijkstra label is
    /// the length of a shortest path to a node's predecessor plus one arc, less the node's
    /// potential, and a potential is the length of a shortest path of an earlier round.
    /// Shortest paths are simple (reduced costs are never negative, so no cycle pays), and
    /// a simple path uses each edge at most once, forwards or backwards, so component k of
    /// its length is at most `R_k = Σ_e |c_k(e)|` over the edges that can carry flow. Every
    /// label then lies within 3·R_k in component k, and two labels differ by at most 6·R_k;
    /// with `w_k > Σ_{i>k} 8·R_i·w_i` the first component in which two labels differ
    /// outweighs all the later ones, so the sums compare as the tuples do (and are equal
    /// exactly when the tuples are). The sums the search forms stay within
    /// `Σ_k 5·R_k·w_k`, which is kept below a quarter of the type's range.
    fn scalar_weights(&self) -> Option<(Vec<i128>, bool)> {
        let mut reach = [0i128; 4];
        for e in (0..self.cost.len()).step_by(2) {
            if self.cap[e] == 0 && self.cap[e + 1] == 0 {
                continue; // never in the residual graph
            }
            for (r, &c) in reach.iter_mut().zip(&self.cost[e]) {
                *r = r.checked_add(c.checked_abs()?)?;
            }
        }
        let mut w = [0i128; 4];
        let mut below = 0i128; // Σ_{i>k} 8·R_i·w_i
        for k in (0..4).rev() {
            w[k] = below.checked_add(1)?;
            below = below.checked_add(w[k].checked_mul(reach[k].checked_mul(8)?)?)?;
        }
        let mut scalar = Vec::with_capacity(self.cost.len());
        for c in &self.cost {
            let mut x = 0i128;
            for (&wk, &ck) in w.iter().zip(c) {
                x = x.checked_add(wk.checked_mul(ck)?)?;
            }
            scalar.push(x);
        }
        // `below` is Σ_k 8·R_k·w_k, past every sum the search forms.
        (below < i128::MAX / 4).then_some((scalar, below < i128::from(i64::MAX / 4)))
    }

    /// Successive shortest paths on `weight` per edge (Dijkstra on reduced costs, which
    /// the potentials keep non-negative; nodes settled in the order of (label, node), a
    /// node's arcs relaxed in the order they were added). Returns the flow added.
    fn shortest_paths<W: Weight>(&mut self, weight: &[W], s: usize, t: usize) -> i128 {
        let n = self.nodes;
        // The arcs by tail node, stable: `first[u]..first[u + 1]` are u's arcs.
        let edges = self.to.len();
        let tail = |e: usize| self.to[e ^ 1] as usize;
        let mut first = vec![0u32; n + 1];
        for e in 0..edges {
            first[tail(e) + 1] += 1;
        }
        for u in 0..n {
            first[u + 1] += first[u];
        }
        let mut next = first.clone();
        let mut at = vec![0u32; edges];
        for (e, place) in at.iter_mut().enumerate() {
            *place = next[tail(e)];
            next[tail(e)] += 1;
        }
        let mut arcs = vec![
            Arc {
                cap: 0,
                weight: W::ZERO,
                to: 0,
                rev: 0,
            };
            edges
        ];
        for (e, &p) in at.iter().enumerate() {
            arcs[p as usize] = Arc {
                cap: self.cap[e],
                weight: weight[e],
                to: self.to[e],
                rev: at[e ^ 1],
            };
        }
        let mut potential = vec![W::ZERO; n];
        let mut flow = 0i128;
        let mut dist = vec![W::INF; n];
        let mut via = vec![u32::MAX; n];
        let mut heap = NodeHeap::new(n);
        loop {
            // `via` needs no reset: a path back from t only meets nodes labelled (and so
            // given their `via`) in this round. The heap is empty after every round.
            dist.fill(W::INF);
            dist[s] = W::ZERO;
            debug_assert!(heap.nodes.is_empty());
            heap.lower(s, &dist);
            while let Some(u) = heap.pop(&dist) {
                let (d, pu) = (dist[u], potential[u]);
                let (lo, hi) = (first[u] as usize, first[u + 1] as usize);
                for (p, arc) in arcs[lo..hi].iter().enumerate() {
                    if arc.cap == 0 {
                        continue;
                    }
                    let v = arc.to as usize;
                    let nd = d.plus(arc.weight).plus(pu).minus(potential[v]);
                    if nd < dist[v] {
                        dist[v] = nd;
                        via[v] = (lo + p) as u32;
                        heap.lower(v, &dist);
                    }
                }
            }
            if dist[t] == W::INF {
                break;
            }
            for v in 0..n {
                if dist[v] != W::INF {
                    potential[v] = potential[v].plus(dist[v]);
                }
            }
            let mut push = i128::MAX;
            let mut v = t;
            while v != s {
                let a = &arcs[via[v] as usize];
                push = push.min(a.cap);
                v = arcs[a.rev as usize].to as usize;
            }
            let mut v = t;
            while v != s {
                let p = via[v] as usize;
                let r = arcs[p].rev as usize;
                arcs[p].cap -= push;
                arcs[r].cap += push;
                v = arcs[r].to as usize;
            }
            flow += push;
        }
        for (e, &p) in at.iter().enumerate() {
            self.cap[e] = arcs[p as usize].cap;
        }
        flow
    }
}

/// The nodes waiting in a Dijkstra search, least (label, node) first: a binary heap
/// holding each node once, its label lowered in place. It settles nodes in the same
/// order as a heap of (label, node) entries that skips the stale ones, without them.
struct NodeHeap {
    nodes: Vec<u32>,
    /// Each node's place in `nodes`, or `u32::MAX` when it is not there.
    place: Vec<u32>,
}

impl NodeHeap {
    fn new(n: usize) -> Self {
        NodeHeap {
            nodes: Vec::with_capacity(n),
            place: vec![u32::MAX; n],
        }
    }

    /// Whether node `a` comes before node `b`.
    fn before<W: Weight>(a: u32, b: u32, dist: &[W]) -> bool {
        (dist[a as usize], a) < (dist[b as usize], b)
    }

    /// Puts node `v` in (or moves it up after its label `dist[v]` fell).
    fn lower<W: Weight>(&mut self, v: usize, dist: &[W]) {
        let mut i = match self.place[v] {
            u32::MAX => {
                self.nodes.push(v as u32);
                self.nodes.len() - 1
            }
            i => i as usize,
        };
        let x = v as u32;
        while i > 0 {
            let up = (i - 1) / 2;
            let y = self.nodes[up];
            if !Self::before(x, y, dist) {
                break;
            }
            self.nodes[i] = y;
            self.place[y as usize] = i as u32;
            i = up;
        }
        self.nodes[i] = x;
        self.place[v] = i as u32;
    }

    /// Takes out the node with the least (label, node).
    fn pop<W: Weight>(&mut self, dist: &[W]) -> Option<usize> {
        let top = *self.nodes.first()?;
        self.place[top as usize] = u32::MAX;
        let last = self.nodes.pop()?;
        if !self.nodes.is_empty() {
            let n = self.nodes.len();
            let mut i = 0;
            loop {
                let mut c = 2 * i + 1;
                if c >= n {
                    break;
                }
                if c + 1 < n && Self::before(self.nodes[c + 1], self.nodes[c], dist) {
                    c += 1;
                }
                if !Self::before(self.nodes[c], last, dist) {
                    break;
                }
                self.nodes[i] = self.nodes[c];
                self.place[self.nodes[i] as usize] = i as u32;
                i = c;
            }
            self.nodes[i] = last;
            self.place[last as usize] = i as u32;
        }
        Some(top as usize)
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
    use proptest::prelude::*;

    /// Every edge's flow after the search on `weight`.
    fn flows_on<W: Weight>(mut g: FlowGraph, weight: impl Fn(&FlowGraph) -> Vec<W>) -> Vec<i128> {
        let w = weight(&g);
        let t = g.nodes - 1;
        g.shortest_paths(&w, 0, t);
        (0..g.cost.len()).step_by(2).map(|e| g.flow(e)).collect()
    }

    proptest! {
        /// Small graphs full of ties: the search on 64-bit and 128-bit weights makes the
        /// same choices as the search on the tuples, edge by edge (not only the same cost),
        /// which is what keeps the published plan the same whichever weights it runs on.
        #[test]
        fn scalar_and_tuple_searches_choose_the_same_flow(
            n in 3usize..9,
            edges in proptest::collection::vec(
                (0usize..9, 0usize..9, 0i128..6, proptest::array::uniform4(0i128..3)),
                1..30,
            ),
        ) {
            let mut g = FlowGraph::new(n);
            for &(a, b, cap, cost) in &edges {
                if a % n != b % n {
                    g.edge(a % n, b % n, cap, cost);
                }
            }
            let (w, fits) = g.scalar_weights().expect("small costs fit");
            prop_assert!(fits);
            let tuple = flows_on(g.clone(), |g| g.cost.clone());
            let wide = flows_on(g.clone(), |_| w.clone());
            let narrow = flows_on(g, |_| w.iter().map(|&x| x as i64).collect::<Vec<_>>());
            prop_assert_eq!(&tuple, &wide);
            prop_assert_eq!(&tuple, &narrow);
        }
    }

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
