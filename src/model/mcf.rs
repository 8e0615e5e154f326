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
        self.shortest_paths_in(weight, s, t, Waiting::new(self.nodes))
    }

    /// [`FlowGraph::shortest_paths`] with the nodes waiting in `waiting` (the tests run
    /// it on a plain scan for the least (label, node) too).
    fn shortest_paths_in<W: Weight, Q: Queue<W>>(
        &mut self,
        weight: &[W],
        s: usize,
        t: usize,
        mut waiting: Q,
    ) -> i128 {
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
        loop {
            // `via` needs no reset: a path back from t only meets nodes labelled (and so
            // given their `via`) in this round. Nothing waits after a round.
            dist.fill(W::INF);
            dist[s] = W::ZERO;
            waiting.start(s);
            while let Some((d, u)) = waiting.pop(&dist) {
                let pu = potential[u];
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
                        waiting.push(v, nd);
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

/// The nodes waiting in a Dijkstra search, taken out least (label, node) first: those at
/// the label being settled in a set of nodes (most arcs on shortest paths have a reduced
/// cost of 0, so most nodes join the label of the node that reaches them), the others in
/// a heap by (label, node), each entered again when its label falls (an older entry is
/// passed over when it comes out). Labels come out in non-decreasing order (reduced costs
/// are never negative), and the order is total, so nodes are settled in the same order as
/// by a heap of (label, node) that lowers labels in place.
struct Waiting<W: Weight> {
    /// The label being settled.
    label: W,
    /// The nodes waiting at `label`.
    now: NodeSet,
    /// The entries at higher labels, some of them stale.
    later: BinaryHeap<Reverse<W::Key>>,
}

/// The nodes waiting in a Dijkstra search, taken out least (label, node) first.
trait Queue<W> {
    /// Starts a search from `s` (at label 0); nothing may be waiting.
    fn start(&mut self, s: usize);
    /// Node `v` waits at label `label` (never below the label last taken out); its label
    /// in the search's `dist` is now `label`.
    fn push(&mut self, v: usize, label: W);
    /// Takes out the least (label, node) whose label is still the node's in `dist`.
    fn pop(&mut self, dist: &[W]) -> Option<(W, usize)>;
}

impl<W: Weight> Waiting<W> {
    fn new(n: usize) -> Self {
        Waiting {
            label: W::ZERO,
            now: NodeSet::new(n),
            later: BinaryHeap::new(),
        }
    }
}

impl<W: Weight> Queue<W> for Waiting<W> {
    fn start(&mut self, s: usize) {
        debug_assert!(self.now.is_empty() && self.later.is_empty());
        self.label = W::ZERO;
        self.now.insert(s);
    }

    fn push(&mut self, v: usize, label: W) {
        debug_assert!(label >= self.label);
        if label == self.label {
            self.now.insert(v);
        } else {
            self.later.push(Reverse(label.key(v)));
        }
    }

    fn pop(&mut self, dist: &[W]) -> Option<(W, usize)> {
        loop {
            if let Some(v) = self.now.pop_least() {
                return Some((self.label, v));
            }
            // Every entry at the next label moves to the set; a stale one (its node
            // settled at a lower label) is dropped.
            let Reverse(key) = self.later.pop()?;
            let (label, v) = W::of_key(key);
            if label != dist[v] {
                continue;
            }
            self.label = label;
            self.now.insert(v);
            while let Some(&Reverse(key)) = self.later.peek() {
                let (at, v) = W::of_key(key);
                if at != label {
                    break;
                }
                self.later.pop();
                if at == dist[v] {
                    self.now.insert(v);
                }
            }
        }
    }
}

/// A set of nodes `0..n` that gives up its least: a bit per node, and above the bits a
/// bit per non-empty word, level by level up to one word.
struct NodeSet {
    /// `levels[0]` the nodes' bits; `levels[k + 1]` a bit per non-zero word of `levels[k]`.
    levels: Vec<Vec<u64>>,
}

impl NodeSet {
    fn new(n: usize) -> Self {
        let mut levels = vec![vec![0u64; n.div_ceil(64).max(1)]];
        while let Some(words) = levels.last().map(Vec::len).filter(|&w| w > 1) {
            levels.push(vec![0u64; words.div_ceil(64)]);
        }
        NodeSet { levels }
    }

    fn is_empty(&self) -> bool {
        self.levels.last().is_some_and(|top| top[0] == 0)
    }

    fn insert(&mut self, v: usize) {
        let mut i = v;
        for level in &mut self.levels {
            let (word, bit) = (i / 64, i % 64);
            let was = level[word];
            level[word] = was | 1 << bit;
            if was != 0 {
                break; // the levels above already mark this word
            }
            i = word;
        }
    }

    fn pop_least(&mut self) -> Option<usize> {
        let mut i = 0;
        for level in self.levels.iter().rev() {
            let word = level[i];
            if word == 0 {
                return None; // only the top word can be empty
            }
            i = i * 64 + word.trailing_zeros() as usize;
        }
        let v = i;
        for level in &mut self.levels {
            let (word, bit) = (i / 64, i % 64);
            level[word] &= !(1 << bit);
            if level[word] != 0 {
                break;
            }
            i = word;
        }
        Some(v)
    }
}

/// An edge weight for the search: an ordered group element.
trait Weight: Copy + Ord {
    const ZERO: Self;
    const INF: Self;
    /// A label and its node as one key of the search's heap, ordered as (label, node).
    type Key: Ord + Copy;
    /// The key of node `v` at label `self` (a label is never negative).
    fn key(self, v: usize) -> Self::Key;
    /// The label and node of a key.
    fn of_key(key: Self::Key) -> (Self, usize);
    fn plus(self, o: Self) -> Self;
    fn minus(self, o: Self) -> Self;
}

/// The 64-bit weights: a label (under 2^63, never negative) and its node packed in one
/// 128-bit key, which orders as (label, node) and compares without a branch.
impl Weight for i64 {
    const ZERO: Self = 0;
    const INF: Self = i64::MAX;
    type Key = u128;
    fn key(self, v: usize) -> u128 {
        debug_assert!(self >= 0 && u32::try_from(v).is_ok());
        (u128::from(self as u64) << 32) | v as u128
    }
    fn of_key(key: u128) -> (Self, usize) {
        ((key >> 32) as i64, (key as u32) as usize)
    }
    fn plus(self, o: Self) -> Self {
        self + o
    }
    fn minus(self, o: Self) -> Self {
        self - o
    }
}

/// The wider weights, each keyed by (label, node): 128-bit integers (their range is
/// checked by `scalar_weights`) and the tuples.
macro_rules! paired_weight {
    ($($t:ty: $zero:expr, $inf:expr, $plus:path, $minus:path;)*) => {$(
        impl Weight for $t {
            const ZERO: Self = $zero;
            const INF: Self = $inf;
            type Key = ($t, u32);
            fn key(self, v: usize) -> Self::Key {
                (self, v as u32)
            }
            fn of_key(key: Self::Key) -> (Self, usize) {
                (key.0, key.1 as usize)
            }
            fn plus(self, o: Self) -> Self {
                $plus(self, o)
            }
            fn minus(self, o: Self) -> Self {
                $minus(self, o)
            }
        }
    )*};
}
paired_weight! {
    i128: 0, i128::MAX, std::ops::Add::add, std::ops::Sub::sub;
    Cost: FREE, INF, add, sub;
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

    /// The reference queue: every waiting node scanned for the least (label, node).
    struct Scan(Vec<bool>);

    impl<W: Weight> Queue<W> for Scan {
        fn start(&mut self, s: usize) {
            self.0[s] = true;
        }
        fn push(&mut self, v: usize, _: W) {
            self.0[v] = true;
        }
        fn pop(&mut self, dist: &[W]) -> Option<(W, usize)> {
            let v = (0..self.0.len())
                .filter(|&v| self.0[v])
                .min_by_key(|&v| (dist[v], v))?;
            self.0[v] = false;
            Some((dist[v], v))
        }
    }

    /// A graph of `n` nodes from (tail, head, capacity, cost) draws, loops left out.
    fn graph(n: usize, edges: &[(usize, usize, i128, Cost)]) -> FlowGraph {
        let mut g = FlowGraph::new(n);
        for &(a, b, cap, cost) in edges {
            if a % n != b % n {
                g.edge(a % n, b % n, cap, cost);
            }
        }
        g
    }

    /// Every edge's flow after the search on `weight` with the nodes waiting in a scan.
    fn flows_by_scan<W: Weight>(mut g: FlowGraph, weight: &[W]) -> Vec<i128> {
        let t = g.nodes - 1;
        let scan = Scan(vec![false; g.nodes]);
        g.shortest_paths_in(weight, 0, t, scan);
        (0..g.cost.len()).step_by(2).map(|e| g.flow(e)).collect()
    }

    proptest! {
        // A queue putting one node in twenty out of order at a tied label failed this
        // many graphs on every trial (the default 256 let it through); under a second.
        #![proptest_config(ProptestConfig::with_cases(6_000))]

        /// Graphs full of ties (costs of 0 and 1 in every component): the search's queue
        /// settles nodes as a scan for the least (label, node) does, and the search on
        /// 64-bit and 128-bit weights makes the same choices as on the tuples, so the flows
        /// are the same edge by edge (not only their cost): what keeps the published plan
        /// the same whichever queue and weights the search runs on.
        #[test]
        fn the_queue_settles_nodes_as_a_scan_does(
            n in 3usize..40,
            edges in proptest::collection::vec(
                (0usize..40, 0usize..40, 0i128..5, proptest::array::uniform4(0i128..2)),
                1..160,
            ),
        ) {
            let g = graph(n, &edges);
            let (w, fits) = g.scalar_weights().expect("small costs fit");
            prop_assert!(fits);
            let narrow: Vec<i64> = w.iter().map(|&x| x as i64).collect();
            let scanned = flows_by_scan(g.clone(), &narrow);
            prop_assert_eq!(&flows_on(g.clone(), |_| narrow.clone()), &scanned);
            prop_assert_eq!(&flows_on(g.clone(), |_| w.clone()), &scanned);
            prop_assert_eq!(&flows_on(g.clone(), |g| g.cost.clone()), &scanned);
            prop_assert_eq!(&flows_by_scan(g.clone(), &g.cost), &scanned);
        }
    }

    proptest! {
        /// The set of nodes gives up its least, whatever the order of insertions, across
        /// the levels of its bits (up to 5,000 nodes: three levels).
        #[test]
        fn node_set_gives_up_its_least(
            n in 1usize..5_000,
            ops in proptest::collection::vec((any::<bool>(), 0usize..5_000), 0..300),
        ) {
            let mut set = NodeSet::new(n);
            let mut reference = std::collections::BTreeSet::new();
            for (insert, v) in ops {
                if insert {
                    set.insert(v % n);
                    reference.insert(v % n);
                } else {
                    prop_assert_eq!(set.pop_least(), reference.pop_first());
                }
                prop_assert_eq!(set.is_empty(), reference.is_empty());
            }
            while let Some(v) = reference.pop_first() {
                prop_assert_eq!(set.pop_least(), Some(v));
            }
            prop_assert_eq!(set.pop_least(), None);
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
