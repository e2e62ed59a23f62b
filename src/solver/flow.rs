//! Minimum-cost circulation on a bipartite pairing network with group bounds: the exact engine
//! behind programme rules (quotas, capacities, locked and forbidden pairs, minimum score) and
//! the warm-started what-ifs (a city withdrawing, a pair locked, the K best pairings, regrets).
//!
//! # The network
//! ```text
//!   s ──(group bounds)──▶ row group ──(capacity)──▶ row ──(pair)──▶ col ──(capacity)──▶ col group ──(group bounds)──▶ t
//!   └──────────────────────────────────── t ──(0, unbounded)──▶ s ─────────────────────────────────────────────────┘
//! ```
//! Rows (EU cities) without a group hang from `s` directly, columns without a group lead to
//! `t` directly. A group's bounds are two parallel edges: one of capacity `min` whose cost is a
//! reward in a tier above every score (so a lower bound is met whenever it can be), and one of
//! capacity `max - min` at cost 0. Pair edges have capacity 1 and cost minus their score. The
//! edge `t -> s` closes the circulation, so the flow value is free: the optimum chooses how many
//! pairs to form.
//!
//! # The algorithm
//! Successive shortest paths with node potentials (Dijkstra on reduced costs), from zero flow
//! (cold) or from an optimal circulation after a change (warm): a change that breaks the
//! reduced-cost optimality of an edge saturates or empties that edge, and the imbalances this
//! leaves are routed along shortest paths until none is left. Each route is one Dijkstra
//! search that stops at the first deficit it reaches, `O(V log V + E_scanned)`.
//!
//! # Costs
//! [`Lex`] costs are exact: a score `s` in `[0, 1]` becomes the integer `floor(s * 2^64)` (exact
//! for `s >= 2^-11`, and order-preserving everywhere), and tiers are compared first. `f64`
//! costs are used to warm-start from the dense solver's potentials when the call has no rules;
//! rounding in their reduced costs is clamped at zero.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fmt::Debug;

use crate::error::{Buffer, Error, Result};
use crate::memory::try_collect;

/// Arithmetic the circulation works in.
pub(crate) trait FlowCost:
    Copy + PartialEq + PartialOrd + Debug + Send + Sync + 'static
{
    /// The zero cost.
    const ZERO: Self;
    /// Farther than any path ("not reached").
    const INF: Self;
    /// Sum.
    fn add(self, other: Self) -> Self;
    /// Difference.
    fn sub(self, other: Self) -> Self;
    /// A reduced cost as the search uses it: float rounding below zero is clamped to zero.
    fn reduced(self) -> Self;
    /// Strictly below zero.
    fn negative(self) -> bool;
    /// Total order for the search's heap.
    fn order(&self, other: &Self) -> Ordering;
}

impl FlowCost for f64 {
    const ZERO: f64 = 0.0;
    const INF: f64 = f64::INFINITY;
    fn add(self, other: f64) -> f64 {
        self + other
    }
    fn sub(self, other: f64) -> f64 {
        self - other
    }
    fn reduced(self) -> f64 {
        self.max(0.0)
    }
    fn negative(self) -> bool {
        self < 0.0
    }
    fn order(&self, other: &f64) -> Ordering {
        self.total_cmp(other)
    }
}

/// An exact lexicographic cost: the first component is compared first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Lex(pub [i128; 3]);

impl Lex {
    /// `2^64`: the fixed-point scale of scores.
    pub(crate) const SCALE: f64 = 18_446_744_073_709_551_616.0;

    /// A score in fixed point: `floor(s * 2^64)`, exact for `s >= 2^-11`.
    pub(crate) fn fixed(score: f64) -> i128 {
        // Scores lie in [0, 1]; the product is at most 2^64 and the cast is exact for it.
        #[allow(clippy::cast_possible_truncation)]
        let x = (score * Lex::SCALE) as i128;
        x
    }
}

impl FlowCost for Lex {
    const ZERO: Lex = Lex([0; 3]);
    const INF: Lex = Lex([i128::MAX / 8; 3]);
    fn add(self, o: Lex) -> Lex {
        Lex([self.0[0] + o.0[0], self.0[1] + o.0[1], self.0[2] + o.0[2]])
    }
    fn sub(self, o: Lex) -> Lex {
        Lex([self.0[0] - o.0[0], self.0[1] - o.0[1], self.0[2] - o.0[2]])
    }
    fn reduced(self) -> Lex {
        self
    }
    fn negative(self) -> bool {
        self < Lex::ZERO
    }
    fn order(&self, other: &Lex) -> Ordering {
        self.cmp(other)
    }
}

/// Index of the source and sink nodes.
pub(crate) const S: usize = 0;
/// The sink.
pub(crate) const T: usize = 1;
/// "Unbounded" capacity.
pub(crate) const UNBOUNDED: i64 = i64::MAX / 4;

/// State of a pair edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PairState {
    /// Not allowed.
    Forbidden,
    /// Allowed, no flow.
    Free,
    /// Allowed, carrying one unit.
    Used,
    /// Locked: always in the pairing, outside the network (its capacity is taken off both
    /// cities and their groups).
    Fixed,
}

/// A structural (non-pair) edge.
#[derive(Debug, Clone)]
pub(crate) struct Edge<C> {
    pub from: usize,
    pub to: usize,
    pub cap: i64,
    pub flow: i64,
    pub cost: C,
}

/// How a node was reached in a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    None,
    /// Structural edge, forward (true) or backward.
    Edge(u32, bool),
    /// Pair edge (row, col), forward (row to col) or backward (col to row).
    Pair(u32, u32, bool),
}

/// The result of a search: distances of the settled nodes and the path to the target.
#[derive(Debug, Clone)]
pub(crate) struct Search<C> {
    /// The deficit node reached, if any.
    pub target: Option<usize>,
    /// Its reduced distance.
    pub dist: C,
    settled: Vec<(usize, C)>,
}

/// Per-search working memory, reused across searches: only the entries a search touched are
/// reset before the next one.
#[derive(Debug, Clone)]
pub(crate) struct Scratch<C> {
    /// Tentative distances, [`FlowCost::INF`] where not reached. A settled node's distance is
    /// final: with non-negative reduced costs no later relaxation can lower it, so no
    /// separate "settled" flag is needed.
    dist: Vec<C>,
    via: Vec<Via>,
    touched: Vec<usize>,
}

impl<C: FlowCost> Scratch<C> {
    /// Working memory for a network of `n` nodes.
    pub(crate) fn new(n: usize) -> Scratch<C> {
        Scratch {
            dist: vec![C::INF; n],
            via: vec![Via::None; n],
            touched: Vec::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            self.dist[v] = C::INF;
            self.via[v] = Via::None;
        }
        self.touched.clear();
    }
}

/// The pairing network and an optimal circulation on it.
#[derive(Debug, Clone)]
pub(crate) struct Network<C> {
    rows: usize,
    cols: usize,
    groups: usize,
    /// Cost of each allowed pair (row-major), indexed `i * cols + j`.
    pair_cost: std::sync::Arc<Vec<C>>,
    state: Vec<PairState>,
    /// Columns used by each row, rows using each column (pairs in flow).
    row_cols: Vec<Vec<u32>>,
    col_rows: Vec<Vec<u32>>,
    edges: Vec<Edge<C>>,
    out: Vec<Vec<u32>>,
    inn: Vec<Vec<u32>>,
    /// The edge into each row (from `s` or its group) and out of each column.
    row_in: Vec<u32>,
    col_out: Vec<u32>,
    /// Each group's two bound edges (lower part, rest).
    group_edges: Vec<(u32, u32)>,
    pot: Vec<C>,
    excess: Vec<i64>,
    /// The circulation edge `t -> s`.
    back: u32,
    /// The fixed (locked) pairs.
    fixed: Vec<(usize, usize)>,
}

/// A group of rows or columns with bounds on its number of pairs.
#[derive(Debug, Clone)]
pub(crate) struct GroupSpec<C> {
    /// `true` for a group of rows (EU side).
    pub rows: bool,
    /// Members (row or column indices).
    pub members: Vec<usize>,
    pub min: i64,
    pub max: i64,
    /// Reward per pair below `min` (negative cost in a tier above scores).
    pub reward: C,
}

impl<C: FlowCost> Network<C> {
    /// Node of row `i`.
    pub(crate) fn row_node(&self, i: usize) -> usize {
        2 + self.groups + i
    }

    /// Node of column `j`.
    pub(crate) fn col_node(&self, j: usize) -> usize {
        2 + self.groups + self.rows + j
    }

    fn node_count(&self) -> usize {
        2 + self.groups + self.rows + self.cols
    }

    /// Builds the network with zero flow. `pair_cost[i * cols + j]` is `None` for a forbidden
    /// pair. Every row and column must belong to at most one group of its side.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] when its arrays over every pair cannot be allocated.
    pub(crate) fn new(
        rows: usize,
        cols: usize,
        pair_cost: Vec<Option<C>>,
        row_cap: &[i64],
        col_cap: &[i64],
        groups: &[GroupSpec<C>],
    ) -> Result<Network<C>> {
        let ng = groups.len();
        let n = 2 + ng + rows + cols;
        let out_of_memory =
            || Error::out_of_memory(Buffer::SolverWork, rows, cols, size_of::<(C, PairState)>());
        let state = try_collect(
            pair_cost.len(),
            pair_cost.iter().map(|c| {
                if c.is_some() {
                    PairState::Free
                } else {
                    PairState::Forbidden
                }
            }),
        )
        .ok_or_else(out_of_memory)?;
        let pair_cost = std::sync::Arc::new(
            try_collect(
                pair_cost.len(),
                pair_cost.into_iter().map(|c| c.unwrap_or(C::ZERO)),
            )
            .ok_or_else(out_of_memory)?,
        );
        let mut net = Network {
            rows,
            cols,
            groups: ng,
            pair_cost,
            state,
            row_cols: vec![Vec::new(); rows],
            col_rows: vec![Vec::new(); cols],
            edges: Vec::new(),
            out: vec![Vec::new(); n],
            inn: vec![Vec::new(); n],
            row_in: vec![0; rows],
            col_out: vec![0; cols],
            group_edges: Vec::with_capacity(ng),
            pot: vec![C::ZERO; n],
            excess: vec![0; n],
            back: 0,
            fixed: Vec::new(),
        };
        let mut row_parent = vec![S; rows];
        let mut col_child = vec![T; cols];
        for (g, spec) in groups.iter().enumerate() {
            let node = 2 + g;
            for &m in &spec.members {
                if spec.rows {
                    row_parent[m] = node;
                } else {
                    col_child[m] = node;
                }
            }
            let lower = spec.min.max(0);
            let rest = if spec.max >= UNBOUNDED {
                UNBOUNDED
            } else {
                (spec.max - lower).max(0)
            };
            let pair = if spec.rows {
                (
                    net.add_edge(S, node, lower, spec.reward),
                    net.add_edge(S, node, rest, C::ZERO),
                )
            } else {
                (
                    net.add_edge(node, T, lower, spec.reward),
                    net.add_edge(node, T, rest, C::ZERO),
                )
            };
            net.group_edges.push(pair);
        }
        for (i, &p) in row_parent.iter().enumerate() {
            let node = net.row_node(i);
            net.row_in[i] = net.add_edge(p, node, row_cap[i], C::ZERO);
        }
        for (j, &q) in col_child.iter().enumerate() {
            let node = net.col_node(j);
            net.col_out[j] = net.add_edge(node, q, col_cap[j], C::ZERO);
        }
        net.back = net.add_edge(T, S, UNBOUNDED, C::ZERO);
        Ok(net)
    }

    fn add_edge(&mut self, from: usize, to: usize, cap: i64, cost: C) -> u32 {
        let id = u32::try_from(self.edges.len()).unwrap_or(u32::MAX);
        self.edges.push(Edge {
            from,
            to,
            cap,
            flow: 0,
            cost,
        });
        self.out[from].push(id);
        self.inn[to].push(id);
        id
    }

    /// The state of pair `(i, j)`.
    pub(crate) fn state(&self, i: usize, j: usize) -> PairState {
        self.state[i * self.cols + j]
    }

    /// Marks a pair as locked at construction (the caller has taken its place off both
    /// cities' capacities and their groups' bounds).
    pub(crate) fn mark_fixed(&mut self, i: usize, j: usize) {
        self.state[i * self.cols + j] = PairState::Fixed;
        self.fixed.push((i, j));
    }

    /// The pairs in flow plus the fixed ones, sorted by row then column.
    pub(crate) fn pairs(&self) -> Vec<(usize, usize)> {
        let mut out = self.used_pairs();
        out.extend(self.fixed.iter().copied());
        out.sort_unstable();
        out
    }

    /// The pairs in flow (not the fixed ones), by row then column.
    pub(crate) fn used_pairs(&self) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = self
            .row_cols
            .iter()
            .enumerate()
            .flat_map(|(i, cs)| cs.iter().map(move |&j| (i, j as usize)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Flow through group `g`'s lower-bound edge and its capacity.
    pub(crate) fn group_lower(&self, g: usize) -> (i64, i64) {
        let e = &self.edges[self.group_edges[g].0 as usize];
        (e.flow, e.cap)
    }

    /// Reduced cost of a structural edge, forward.
    fn reduced_edge(&self, e: &Edge<C>) -> C {
        e.cost.add(self.pot[e.from]).sub(self.pot[e.to])
    }

    /// Reduced cost of pair `(i, j)`, forward.
    fn reduced_pair(&self, i: usize, j: usize) -> C {
        self.pair_cost[i * self.cols + j]
            .add(self.pot[self.row_node(i)])
            .sub(self.pot[self.col_node(j)])
    }

    /// Potentials under which every edge of the zero flow has a non-negative reduced cost:
    /// shortest distances from a virtual source joined to every node at cost 0, computed in
    /// the network's topological order (it is a DAG without `t -> s`).
    fn initial_potentials(&mut self) {
        let mut p = vec![C::ZERO; self.node_count()];
        let relax = |p: &mut Vec<C>, from: usize, to: usize, c: C| {
            let d = p[from].add(c);
            if d.order(&p[to]) == Ordering::Less {
                p[to] = d;
            }
        };
        let mut by_from: Vec<(usize, usize, C)> = Vec::new();
        for stage in 0..4 {
            by_from.clear();
            for e in &self.edges {
                let is_stage = match stage {
                    0 => e.from == S && e.to != T,
                    1 => e.to >= 2 + self.groups && e.to < 2 + self.groups + self.rows,
                    2 => e.from >= 2 + self.groups + self.rows,
                    _ => e.to == T && e.from != S,
                };
                if is_stage && e.cap > 0 && e.from != T {
                    by_from.push((e.from, e.to, e.cost));
                }
            }
            for &(a, b, c) in &by_from {
                relax(&mut p, a, b, c);
            }
            if stage == 1 {
                for i in 0..self.rows {
                    for j in 0..self.cols {
                        if self.state(i, j) == PairState::Free {
                            let (a, b) = (self.row_node(i), self.col_node(j));
                            relax(&mut p, a, b, self.pair_cost[i * self.cols + j]);
                        }
                    }
                }
            }
        }
        self.pot = p;
    }

    /// Solves from zero flow: successive shortest `s -> t` paths while they lower the cost.
    pub(crate) fn solve_cold(&mut self) {
        self.initial_potentials();
        let mut scratch = self.scratch();
        loop {
            let search = self.search(&mut scratch, &[S], |v| v == T, &|_, _| false, false, None);
            let Some(t) = search.target else { break };
            // True path cost: reduced distance + p(t) - p(s).
            let cost = search.dist.add(self.pot[t]).sub(self.pot[S]);
            if !cost.negative() {
                self.normalise(&search);
                return;
            }
            self.update_potentials(&search);
            self.augment(&scratch.via, t);
            // Close the circulation.
            self.edges[self.back as usize].flow += 1;
            self.excess[S] += 1;
            self.excess[T] -= 1;
        }
        let search = self.search(&mut scratch, &[S], |_| false, &|_, _| false, false, None);
        self.normalise(&search);
    }

    /// After the last augmentation: potentials with `p(s) = p(t)` (or `p(t) >= p(s)` without
    /// flow), so that the circulation edge has a non-negative reduced cost both ways and later
    /// warm changes start from an optimal circulation. `search` is the last search from `s`.
    fn normalise(&mut self, search: &Search<C>) {
        // With flow, the last path was negative, so p(s) > p(t). Without flow, p(t) >= p(s)
        // is all the edge needs, and when it fails `t` is out of reach of `s`. Either way,
        // raising every node by min(d, level) is valid and leaves p(t) = p(s).
        let level = self.pot[S].sub(self.pot[T]);
        if !C::ZERO.sub(level).negative() {
            return;
        }
        let mut settled = vec![None; self.node_count()];
        for &(v, d) in &search.settled {
            settled[v] = Some(d);
        }
        for (v, p) in self.pot.iter_mut().enumerate() {
            let d = match settled[v] {
                Some(d) if d.order(&level) == Ordering::Less => d,
                _ => level,
            };
            *p = p.add(d);
        }
    }

    /// Working memory for this network's searches.
    pub(crate) fn scratch(&self) -> Scratch<C> {
        Scratch::new(self.node_count())
    }

    /// Multi-source Dijkstra on reduced costs over the residual network. Stops at the first
    /// settled node for which `target` holds (when `early`). `banned(i, j)` removes pair edges
    /// in both directions. With a `limit`, gives up (no target) once every node left is farther
    /// than it.
    pub(crate) fn search(
        &self,
        scratch: &mut Scratch<C>,
        sources: &[usize],
        target: impl Fn(usize) -> bool,
        banned: &dyn Fn(usize, usize) -> bool,
        use_back: bool,
        limit: Option<C>,
    ) -> Search<C> {
        scratch.reset();
        let mut f = Frontier {
            scratch,
            heap: BinaryHeap::new(),
            bound: limit,
        };
        for &s in sources {
            f.offer(s, C::ZERO, Via::None);
        }
        let mut settled = Vec::new();
        let first_row = 2 + self.groups;
        let first_col = first_row + self.rows;
        while let Some(Reverse(Key(d, v))) = f.heap.pop() {
            if d.order(&f.scratch.dist[v]) == Ordering::Greater {
                continue; // a stale entry: the node was reached closer since
            }
            if beyond(limit, d) {
                break;
            }
            settled.push((v, d));
            if target(v) {
                return Search {
                    target: Some(v),
                    dist: d,
                    settled,
                };
            }
            // Relaxes the edge to `to` of reduced cost `r`.
            let relax = |f: &mut Frontier<'_, C>, to: usize, r: C, how: Via| {
                let nd = d.add(r.reduced());
                if nd.order(&f.scratch.dist[to]) == Ordering::Less && !beyond(f.bound, nd) {
                    if let Via::Pair(i, j, _) = how {
                        if banned(i as usize, j as usize) {
                            return;
                        }
                    }
                    if target(to) {
                        f.bound = Some(nd);
                    }
                    f.offer(to, nd, how);
                }
            };
            for &e in &self.out[v] {
                let edge = &self.edges[e as usize];
                if edge.flow < edge.cap && (use_back || e != self.back) {
                    relax(&mut f, edge.to, self.reduced_edge(edge), Via::Edge(e, true));
                }
            }
            for &e in &self.inn[v] {
                let edge = &self.edges[e as usize];
                if edge.flow > 0 && (use_back || e != self.back) {
                    let r = C::ZERO.sub(self.reduced_edge(edge));
                    relax(&mut f, edge.from, r, Via::Edge(e, false));
                }
            }
            if (first_row..first_col).contains(&v) {
                let i = v - first_row;
                let c = self.cols;
                let states = &self.state[i * c..(i + 1) * c];
                let costs = &self.pair_cost[i * c..(i + 1) * c];
                let pot_cols = &self.pot[first_col..first_col + c];
                let pr = self.pot[v];
                // The hot loop: the row's free pairs, rejecting the common case (no
                // improvement) before the call.
                for (j, ((&st, &cost), &pc)) in states.iter().zip(costs).zip(pot_cols).enumerate() {
                    let to = first_col + j;
                    if st == PairState::Free
                        && d.add(cost.add(pr).sub(pc).reduced())
                            .order(&f.scratch.dist[to])
                            == Ordering::Less
                    {
                        relax(&mut f, to, cost.add(pr).sub(pc), pair_via(i, j, true));
                    }
                }
            } else if v >= first_col {
                let j = v - first_col;
                for &i in &self.col_rows[j] {
                    let i = i as usize;
                    let r = C::ZERO.sub(self.reduced_pair(i, j));
                    relax(&mut f, first_row + i, r, pair_via(i, j, false));
                }
            }
        }
        Search {
            target: None,
            dist: C::ZERO,
            settled,
        }
    }

    /// `p += min(d, d_target)` over the settled nodes, `d_target` elsewhere.
    fn update_potentials(&mut self, search: &Search<C>) {
        let level = search.dist;
        let mut add = vec![level; self.node_count()];
        for &(v, d) in &search.settled {
            add[v] = d;
        }
        for (p, a) in self.pot.iter_mut().zip(add) {
            *p = p.add(a);
        }
    }

    /// Pushes one unit along the search's path to `t`.
    fn augment(&mut self, via: &[Via], t: usize) {
        let mut v = t;
        loop {
            match via[v] {
                Via::None => break,
                Via::Edge(e, forward) => {
                    let edge = &mut self.edges[e as usize];
                    if forward {
                        edge.flow += 1;
                        v = edge.from;
                    } else {
                        edge.flow -= 1;
                        v = edge.to;
                    }
                }
                Via::Pair(i, j, forward) => {
                    let (i, j) = (i as usize, j as usize);
                    if forward {
                        self.set_used(i, j, true);
                        v = self.row_node(i);
                    } else {
                        self.set_used(i, j, false);
                        v = self.col_node(j);
                    }
                }
            }
        }
        self.excess[v] -= 1;
        self.excess[t] += 1;
    }

    fn set_used(&mut self, i: usize, j: usize, used: bool) {
        let k = i * self.cols + j;
        let (iu, ju) = (u32::try_from(i).unwrap_or(0), u32::try_from(j).unwrap_or(0));
        if used {
            self.state[k] = PairState::Used;
            self.row_cols[i].push(ju);
            self.col_rows[j].push(iu);
        } else {
            self.state[k] = PairState::Free;
            self.row_cols[i].retain(|&x| x != ju);
            self.col_rows[j].retain(|&x| x != iu);
        }
    }

    /// Routes every imbalance along shortest paths (warm re-optimisation).
    pub(crate) fn rebalance(&mut self) -> bool {
        let mut scratch = self.scratch();
        loop {
            let sources: Vec<usize> = (0..self.node_count())
                .filter(|&v| self.excess[v] > 0)
                .collect();
            if sources.is_empty() {
                return true;
            }
            let excess = &self.excess;
            let search = self.search(
                &mut scratch,
                &sources,
                |v| excess[v] < 0,
                &|_, _| false,
                true,
                None,
            );
            let Some(t) = search.target else {
                return false;
            };
            self.update_potentials(&search);
            self.augment(&scratch.via, t);
        }
    }

    /// Re-establishes optimality on one structural edge after its capacity or cost changed:
    /// saturates it if its reduced cost is negative, empties it if positive, clamps the flow
    /// otherwise, and records the imbalance.
    fn reconcile(&mut self, e: u32) {
        let r = self.reduced_edge(&self.edges[e as usize]);
        let edge = &self.edges[e as usize];
        let want = if r.negative() {
            edge.cap
        } else if C::ZERO.sub(r).negative() {
            // Positive reduced cost: no flow belongs here.
            0
        } else {
            edge.flow.clamp(0, edge.cap)
        };
        let delta = want - edge.flow;
        if delta != 0 {
            let (from, to) = (edge.from, edge.to);
            self.edges[e as usize].flow = want;
            self.excess[to] += delta;
            self.excess[from] -= delta;
        }
    }

    /// Sets a structural edge's capacity and restores optimality on it (imbalances are left
    /// for [`Network::rebalance`]).
    fn set_cap(&mut self, e: u32, cap: i64) {
        self.edges[e as usize].cap = cap.max(0);
        self.reconcile(e);
    }

    /// Capacity of row `i`.
    pub(crate) fn row_cap(&self, i: usize) -> i64 {
        self.edges[self.row_in[i] as usize].cap
    }

    /// Capacity of column `j`.
    pub(crate) fn col_cap(&self, j: usize) -> i64 {
        self.edges[self.col_out[j] as usize].cap
    }

    /// Sets row `i`'s capacity (0 withdraws it).
    pub(crate) fn set_row_cap(&mut self, i: usize, cap: i64) {
        self.set_cap(self.row_in[i], cap);
    }

    /// Sets column `j`'s capacity (0 withdraws it).
    pub(crate) fn set_col_cap(&mut self, j: usize, cap: i64) {
        self.set_cap(self.col_out[j], cap);
    }

    /// Forbids pair `(i, j)`; if it carried flow, the unit is left as an imbalance.
    pub(crate) fn forbid(&mut self, i: usize, j: usize) {
        if self.state(i, j) == PairState::Used {
            self.set_used(i, j, false);
            let (a, b) = (self.row_node(i), self.col_node(j));
            self.excess[a] += 1;
            self.excess[b] -= 1;
        }
        if self.state(i, j) != PairState::Fixed {
            self.state[i * self.cols + j] = PairState::Forbidden;
        }
    }

    /// The group (index) of a row or column, if any.
    fn group_of(&self, e: u32, row: bool) -> Option<usize> {
        let edge = &self.edges[e as usize];
        let node = if row { edge.from } else { edge.to };
        (node >= 2 && node < 2 + self.groups).then(|| node - 2)
    }

    /// Group of row `i` and of column `j`.
    pub(crate) fn groups_of(&self, i: usize, j: usize) -> (Option<usize>, Option<usize>) {
        (
            self.group_of(self.row_in[i], true),
            self.group_of(self.col_out[j], false),
        )
    }

    /// Locks pair `(i, j)`: takes it out of the network as a fixed pair, one unit off both
    /// cities' capacities and their groups' bounds. Returns `false` (and changes nothing) when
    /// a capacity or a group maximum has no room left, the pair is fixed already, or it is
    /// forbidden in the network and not `over_forbidden` (a lock beats a minimum score, which
    /// the network encodes as a forbidden pair, but not a forbidden pair of the rules).
    pub(crate) fn fix(&mut self, i: usize, j: usize, over_forbidden: bool) -> bool {
        let (rc, cc) = (self.row_cap(i), self.col_cap(j));
        let (gi, gj) = self.groups_of(i, j);
        let room = |g: Option<usize>| {
            g.is_none_or(|g| {
                let (a, b) = self.group_edges[g];
                let cap = self.edges[a as usize].cap + self.edges[b as usize].cap;
                cap > 0
            })
        };
        if rc < 1
            || cc < 1
            || !room(gi)
            || !room(gj)
            || self.state(i, j) == PairState::Fixed
            || (self.state(i, j) == PairState::Forbidden && !over_forbidden)
        {
            return false;
        }
        if self.state(i, j) == PairState::Used {
            self.set_used(i, j, false);
            let (a, b) = (self.row_node(i), self.col_node(j));
            self.excess[a] += 1;
            self.excess[b] -= 1;
        }
        self.state[i * self.cols + j] = PairState::Fixed;
        self.fixed.push((i, j));
        self.set_row_cap(i, rc - 1);
        self.set_col_cap(j, cc - 1);
        for g in [gi, gj].into_iter().flatten() {
            self.shrink_group(g);
        }
        true
    }

    /// One pair of group `g` is now fixed: one off its lower part if it has one left,
    /// otherwise off the rest.
    fn shrink_group(&mut self, g: usize) {
        let (a, b) = self.group_edges[g];
        let (ca, cb) = (self.edges[a as usize].cap, self.edges[b as usize].cap);
        if ca > 0 {
            // The maximum shrinks too: the rest keeps its size, and the lower part loses one.
            self.set_cap(a, ca - 1);
        } else if cb < UNBOUNDED {
            self.set_cap(b, cb - 1);
        }
    }

    /// The cheapest way to take flow off used pair `(i, j)`: the cost of the cheapest residual
    /// cycle through its backward edge that avoids every pair for which `keep` holds (the
    /// shortest path from its row to its column, less the pair's reduced cost). The optimum
    /// without `(i, j)` (and with the kept pairs fixed) costs exactly this much more than the current optimum. `None` when no such path exists.
    pub(crate) fn detour(
        &self,
        scratch: &mut Scratch<C>,
        i: usize,
        j: usize,
        keep: &dyn Fn(usize, usize) -> bool,
        limit: Option<C>,
    ) -> Option<C> {
        let target = self.col_node(j);
        let banned = |a: usize, b: usize| (a == i && b == j) || keep(a, b);
        // The cycle closes with the pair's backward edge, whose reduced cost is minus the
        // pair's (a saturated pair may have a negative reduced cost): true cycle cost =
        // distance - reduced cost of (i, j).
        let own = self.reduced_pair(i, j);
        let search = self.search(
            scratch,
            &[self.row_node(i)],
            |v| v == target,
            &banned,
            true,
            limit.map(|l| l.add(own)),
        );
        search.target.map(|_| search.dist.sub(own))
    }

    /// Checks the circulation: flow conservation, bounds, and non-negative reduced costs on
    /// every residual edge (the optimality certificate), up to `tol` for floats.
    pub(crate) fn check(&self, tol: impl Fn(C) -> bool) -> Result<(), String> {
        let n = self.node_count();
        let mut bal = vec![0_i64; n];
        for (k, e) in self.edges.iter().enumerate() {
            if e.flow < 0 || e.flow > e.cap {
                return Err(format!("edge {k} carries {} of {}", e.flow, e.cap));
            }
            bal[e.from] -= e.flow;
            bal[e.to] += e.flow;
            let r = self.reduced_edge(e);
            if (e.flow < e.cap && r.negative() && !tol(r))
                || (e.flow > 0 && C::ZERO.sub(r).negative() && !tol(C::ZERO.sub(r)))
            {
                return Err(format!(
                    "edge {k} ({} -> {}) has reduced cost {r:?}",
                    e.from, e.to
                ));
            }
        }
        for i in 0..self.rows {
            for j in 0..self.cols {
                let r = self.reduced_pair(i, j);
                match self.state(i, j) {
                    PairState::Used => {
                        bal[self.row_node(i)] -= 1;
                        bal[self.col_node(j)] += 1;
                        if C::ZERO.sub(r).negative() && !tol(C::ZERO.sub(r)) {
                            return Err(format!("used pair ({i}, {j}) has reduced cost {r:?}"));
                        }
                    }
                    PairState::Free if r.negative() && !tol(r) => {
                        return Err(format!("free pair ({i}, {j}) has reduced cost {r:?}"));
                    }
                    _ => {}
                }
            }
        }
        if let Some(v) = bal.iter().position(|&b| b != 0) {
            return Err(format!("node {v} is out of balance by {}", bal[v]));
        }
        Ok(())
    }

    /// Sets potentials directly (warm start from the dense solver): rows, columns, `s`, `t`.
    pub(crate) fn set_potentials(&mut self, row: &[C], col: &[C], s: C, t: C) {
        for (i, &p) in row.iter().enumerate() {
            let v = self.row_node(i);
            self.pot[v] = p;
        }
        for (j, &p) in col.iter().enumerate() {
            let v = self.col_node(j);
            self.pot[v] = p;
        }
        self.pot[S] = s;
        self.pot[T] = t;
    }

    /// After [`Network::load`] and [`Network::set_potentials`] with `p(t) >= p(s)`: raises
    /// potentials along shortest paths from `t` so that `p(s) = p(t)`, which makes the
    /// circulation edge tight. Valid when no cheaper circulation drops a pair (scores are
    /// non-negative), so that the distance from `t` to `s` is at least `p(t) - p(s)`.
    pub(crate) fn tighten_back_edge(&mut self) {
        let level = self.pot[T].sub(self.pot[S]);
        if level == C::ZERO {
            return;
        }
        let mut scratch = self.scratch();
        if level.negative() {
            let search = self.search(&mut scratch, &[S], |_| false, &|_, _| false, false, None);
            self.normalise(&search);
            return;
        }
        let search = self.search(
            &mut scratch,
            &[T],
            |v| v == S,
            &|_, _| false,
            false,
            Some(level),
        );
        let mut add = vec![level; self.node_count()];
        for &(v, d) in &search.settled {
            if d.order(&level) == Ordering::Less {
                add[v] = d;
            }
        }
        for (p, a) in self.pot.iter_mut().zip(add) {
            *p = p.add(a);
        }
    }

    /// Loads a known optimal assignment of single pairs (warm start from the dense solver):
    /// every pair gets one unit along `s -> row -> col -> t -> s`. Only for networks without
    /// groups.
    pub(crate) fn load(&mut self, pairs: &[(usize, usize)]) {
        for &(i, j) in pairs {
            self.set_used(i, j, true);
            let (a, b) = (self.row_in[i], self.col_out[j]);
            self.edges[a as usize].flow += 1;
            self.edges[b as usize].flow += 1;
            self.edges[self.back as usize].flow += 1;
        }
    }
}

impl Network<f64> {
    /// Loads an optimal assignment of the dense solver together with its dual certificate:
    /// `pairs` get one unit of flow each ([`Network::load`]) and `row`, `col` are the
    /// solver's potentials of the minimisation of this network's pair costs (`u + v <= w`,
    /// tight on the pairs). As node potentials: `p(row) = -u`, `p(col) = v`; `s` sits at the
    /// lowest used row, `t` at the highest used column, and the circulation edge is made tight.
    pub(crate) fn load_optimum(&mut self, pairs: &[(usize, usize)], row: &[f64], col: &[f64]) {
        self.load(pairs);
        let row: Vec<f64> = row.iter().map(|&u| -u).collect();
        let (ps, pt) = if pairs.is_empty() {
            (0.0, 0.0)
        } else {
            (
                pairs
                    .iter()
                    .map(|&(i, _)| row[i])
                    .fold(f64::INFINITY, f64::min),
                pairs
                    .iter()
                    .map(|&(_, j)| col[j])
                    .fold(f64::NEG_INFINITY, f64::max),
            )
        };
        self.set_potentials(&row, col, ps, pt);
        self.tighten_back_edge();
    }
}

/// The dual of the pairing problem read off an optimal circulation, in score units (see
/// [`crate::certificate`] for the problem and the derivation): `u` per row, `v` per column,
/// `y = y_max - y_min` per group, and `w` on the used pairs `(row, col, w)`, sorted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PairingDuals {
    pub u: Vec<f64>,
    pub v: Vec<f64>,
    pub y: Vec<f64>,
    pub w: Vec<(usize, usize, f64)>,
}

impl<C: FlowCost> Network<C> {
    /// Reads the duals off node potentials: `diff(a, b)` is `p(a) - p(b)` and `slack(i, j)`
    /// the score of used pair `(i, j)` less `p(row) - p(col)`, both in score units. A row's
    /// `u` is `p(row) - p(parent)` (its parent is `s` or its group), a column's `v` is
    /// `p(child) - p(col)`, both at least 0; a group's `y` is `p(group) - p(s)` for a group of
    /// rows and `p(t) - p(group)` for a group of columns: in every case `p(to) - p(from)` of
    /// the edge into the row, out of the column, or of the group's upper part.
    fn duals_from(
        &self,
        diff: impl Fn(usize, usize) -> f64,
        slack: impl Fn(usize, usize) -> f64,
    ) -> PairingDuals {
        let rise = |e: u32| {
            let e = &self.edges[e as usize];
            diff(e.to, e.from)
        };
        PairingDuals {
            u: self.row_in.iter().map(|&e| rise(e).max(0.0)).collect(),
            v: self.col_out.iter().map(|&e| rise(e).max(0.0)).collect(),
            y: self
                .group_edges
                .iter()
                .map(|&(_, rest)| rise(rest))
                .collect(),
            w: self
                .used_pairs()
                .into_iter()
                .map(|(i, j)| (i, j, slack(i, j).max(0.0)))
                .collect(),
        }
    }
}

impl Network<f64> {
    /// The pairing duals of a float circulation (pair costs are minus the scores; no groups).
    pub(crate) fn pairing_duals(&self) -> PairingDuals {
        let pot = &self.pot;
        self.duals_from(|a, b| pot[a] - pot[b], |i, j| -self.reduced_pair(i, j))
    }
}

impl Network<Lex> {
    /// The pairing duals of the lexicographic circulation, exactly: potentials for the second
    /// tier alone (the scores, in units of `unit`: [`Lex::SCALE`] for scores in fixed point, 1
    /// for pair counts), `P = M p_tier + p_score`, with the smallest integer `M` that keeps
    /// every residual edge's second-tier reduced cost non-negative, the quotas' lower parts
    /// excepted (their flow is the quota minimum, fixed; see [`crate::certificate`]). `None`
    /// when the circulation is not lexicographically optimal or the numbers overflow.
    pub(crate) fn pairing_duals(&self, unit: f64) -> Option<PairingDuals> {
        let lower: Vec<u32> = self.group_edges.iter().map(|&(a, _)| a).collect();
        let mut m: i128 = 0;
        // A residual direction with reduced cost `rho` (lexicographically >= 0).
        let mut need = |rho: Lex| -> Option<()> {
            let [tier, score, _] = rho.0;
            if tier < 0 || (tier == 0 && score < 0) {
                return None;
            }
            if tier > 0 && score < 0 {
                // ceil(-score / tier)
                m = m.max((-score).checked_add(tier - 1)? / tier);
            }
            Some(())
        };
        for (k, e) in self.edges.iter().enumerate() {
            if lower.contains(&u32::try_from(k).unwrap_or(u32::MAX)) {
                continue;
            }
            let r = self.reduced_edge(e);
            if e.flow < e.cap {
                need(r)?;
            }
            if e.flow > 0 {
                need(Lex::ZERO.sub(r))?;
            }
        }
        for i in 0..self.rows {
            for j in 0..self.cols {
                match self.state(i, j) {
                    PairState::Free => need(self.reduced_pair(i, j))?,
                    PairState::Used => need(Lex::ZERO.sub(self.reduced_pair(i, j)))?,
                    PairState::Forbidden | PairState::Fixed => {}
                }
            }
        }
        let limit = 1_i128 << 120;
        let pot: Vec<i128> = self
            .pot
            .iter()
            .map(|p| {
                p.0[0]
                    .checked_mul(m)
                    .and_then(|x| x.checked_add(p.0[1]))
                    .filter(|x| x.abs() < limit)
            })
            .collect::<Option<_>>()?;
        let scale = |x: i128| x as f64 / unit;
        let c = self.cols;
        Some(self.duals_from(
            |a, b| scale(pot[a] - pot[b]),
            |i, j| {
                let gain = -self.pair_cost[i * c + j].0[1];
                scale(gain - (pot[self.row_node(i)] - pot[self.col_node(j)]))
            },
        ))
    }
}

/// A search's queue and tentative distances.
struct Frontier<'s, C> {
    scratch: &'s mut Scratch<C>,
    heap: BinaryHeap<Reverse<Key<C>>>,
    /// Nothing farther than the limit, or than a target already reached, is ever needed: such
    /// nodes are not queued at all.
    bound: Option<C>,
}

impl<C: FlowCost> Frontier<'_, C> {
    /// Records `to` at distance `nd`, reached by `how`, and queues it.
    #[inline]
    fn offer(&mut self, to: usize, nd: C, how: Via) {
        let s = &mut *self.scratch;
        if s.dist[to] == C::INF {
            s.touched.push(to);
        }
        s.dist[to] = nd;
        s.via[to] = how;
        self.heap.push(Reverse(Key(nd, to)));
    }
}

/// Whether `d` lies beyond `bound`.
fn beyond<C: FlowCost>(bound: Option<C>, d: C) -> bool {
    bound.is_some_and(|b| d.order(&b) == Ordering::Greater)
}

/// A pair edge's `Via`.
fn pair_via(i: usize, j: usize, forward: bool) -> Via {
    Via::Pair(
        u32::try_from(i).unwrap_or(u32::MAX),
        u32::try_from(j).unwrap_or(u32::MAX),
        forward,
    )
}

/// Heap key: cost then node, by the cost's total order.
#[derive(Debug, Clone, Copy)]
struct Key<C>(C, usize);

impl<C: FlowCost> PartialEq for Key<C> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<C: FlowCost> Eq for Key<C> {}
impl<C: FlowCost> PartialOrd for Key<C> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<C: FlowCost> Ord for Key<C> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.order(&other.0).then(self.1.cmp(&other.1))
    }
}
