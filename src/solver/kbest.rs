//! The `k` best assignments, in order: Murty's ranking, at the matrix level ([`k_best`]) and
//! for the what-ifs of a pairing (`whatif::Planner::alternatives`), written once here.
//!
//! Method (Murty 1968, "An algorithm for ranking all the assignments in order of increasing
//! cost", *Operations Research* 16(3); with the partition of Lawler 1972): the optimum ranks
//! first. The children of a ranked assignment with used pairs `p_1 .. p_n` are the problems that
//! keep `p_1 .. p_{m-1}` and forbid `p_m`; together they cover every other assignment once.
//! A child's optimum costs exactly its parent's plus the shortest residual detour around the
//! forbidden pair, so each child is priced by one shortest-path search over the parent's
//! potentials (in parallel with the `rayon` feature); only the child popped as the next best
//! is re-solved, warm from its parent. Candidates that cannot be among the `k` best are pruned.
//!
//! # Determinism
//! Children are ranked by (cost, creation order), searches break ties by node index, and the
//! parallel searches only read shared state: the ranking does not depend on the thread count.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use super::flow::{FlowCost, Lex, Network};
use super::{solve, Cost, Sense, Work};
use crate::error::{Buffer, Error, Location, Result};
use crate::memory::try_collect;

/// One of the `k` best assignments of [`k_best`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Ranked<C: Cost> {
    /// Its rank: 1 for the optimum.
    pub rank: usize,
    /// The assigned pairs `(row, column)`, rows ascending: every row when `rows <= cols`,
    /// every column otherwise.
    pub pairs: Vec<(usize, usize)>,
    /// The total of its entries, summed in increasing row order (as [`Assignment::total`](super::Assignment::total)).
    pub total: C::Total,
}

/// The largest `k` times matrix size [`k_best`] accepts: each ranked assignment keeps a state
/// of one byte per entry while it can still have children.
pub const K_BEST_STATE_LIMIT: u128 = 1 << 32;

/// The `k` best assignments of a dense row-major `rows x cols` matrix, best first (fewer when
/// fewer exist): for [`Sense::Minimize`] the smallest totals, for [`Sense::Maximize`] the
/// largest. Infinite entries (or an integer type's `MIN`/`MAX`) are forbidden pairs, as in
/// [`solve`]. Ties between assignments of equal total are ranked in a fixed order, so the
/// same matrix always gives the same list.
///
/// The ranking is computed in `f64` arithmetic on the costs shifted by a constant larger than
/// `n` times their span (which keeps smaller matchings out of the ranking): integer costs are
/// ranked exactly while `n^2` times their span stays below `2^53`; float costs to about
/// `n^2 · span · 2^-52` (the totals returned are summed in the cost type, as [`solve`] sums
/// them).
///
/// # Errors
/// As [`solve`] (shape, NaN, integer range, [`Error::Infeasible`] when no assignment exists);
/// [`Error::Invalid`] (location `parameter k`) when `k · rows · cols` exceeds
/// [`K_BEST_STATE_LIMIT`];
/// [`Error::OutOfMemory`] when the network cannot be allocated.
///
/// # Complexity
/// One [`solve`], then per ranked assignment `O(n)` child searches of `O(E log V)` each
/// (`n = min(rows, cols)`, `E = rows · cols`) and one warm re-solve; memory `O(rows · cols)`
/// per ranked assignment that still has children in the queue.
///
/// ```
/// use citypair::solver::{k_best, Sense};
///
/// let costs = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
/// let ranked = k_best(&costs, 3, 3, 3, Sense::Minimize)?;
/// assert_eq!(ranked.len(), 3);
/// assert_eq!(ranked[0].total, 5.0);
/// assert!(ranked[0].total <= ranked[1].total && ranked[1].total <= ranked[2].total);
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn k_best<C: Cost>(
    costs: &[C],
    rows: usize,
    cols: usize,
    k: usize,
    sense: Sense,
) -> Result<Vec<Ranked<C>>> {
    let best = solve(costs, rows, cols, sense)?;
    if k == 0 {
        return Ok(Vec::new());
    }
    let state = (k as u128) * (rows as u128) * (cols as u128);
    if state > K_BEST_STATE_LIMIT {
        return Err(Error::invalid(
            Location::parameter("k"),
            format!(
                "{k} assignments of a {rows} x {cols} matrix would keep up to {state} bytes of \
                 search state, above the limit of {K_BEST_STATE_LIMIT}; ask for fewer"
            ),
        ));
    }
    let max = sense == Sense::Maximize;
    let work = |x: C| -> Option<f64> {
        let w = if max {
            x.to_work::<true>()
        } else {
            x.to_work::<false>()
        };
        (!w.is_inf()).then(|| w.to_f64())
    };
    // The circulation may also leave pairs out; every pair gets a bonus `shift`, so that
    // every assignment of the whole smaller side ranks before every smaller matching, in its
    // own order (smaller ones, ranked after all complete ones, are dropped below).
    let n = rows.min(cols);
    let (lo, hi) = costs
        .iter()
        .filter_map(|&x| work(x))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), w| {
            (lo.min(w), hi.max(w))
        });
    let shift = if lo <= hi {
        // Every pair's cost below 0 (so that the circulation keeps every pair it can), and
        // a complete assignment cheaper than any matching with a pair fewer:
        // `shift > hi + (n - 1) · (hi - lo)`.
        hi.max(0.0) + (hi - lo + 1.0) * (n as f64 + 1.0)
    } else {
        0.0
    };
    let pair_cost: Vec<Option<f64>> = try_collect(
        costs.len(),
        costs.iter().map(|&x| work(x).map(|w| w - shift)),
    )
    .ok_or_else(|| {
        Error::out_of_memory(Buffer::SolverWork, rows, cols, size_of::<Option<f64>>())
    })?;
    let mut net = Network::new(rows, cols, pair_cost, &vec![1; rows], &vec![1; cols], &[])?;
    // The solver's potentials, with the shift on the smaller side (every line of it is
    // assigned, so the pairs stay tight and the longer side keeps its potentials).
    let wide = rows <= cols;
    let row: Vec<f64> = best
        .row_potentials()
        .iter()
        .map(|u| u.to_f64() - if wide { shift } else { 0.0 })
        .collect();
    let col: Vec<f64> = best
        .col_potentials()
        .iter()
        .map(|v| v.to_f64() - if wide { 0.0 } else { shift })
        .collect();
    let pairs: Vec<(usize, usize)> = best.pairs().collect();
    net.load_optimum(&pairs, &row, &col);
    let ranked = murty(&net, k);
    Ok(ranked
        .into_iter()
        .filter(|pairs| pairs.len() == n)
        .enumerate()
        .map(|(r, mut pairs)| {
            pairs.sort_unstable();
            let total = pairs
                .iter()
                .fold(C::TOTAL_ZERO, |t, &(i, j)| costs[i * cols + j].add_to(t));
            Ranked {
                rank: r + 1,
                pairs,
                total,
            }
        })
        .collect())
}

/// Cost arithmetic the what-ifs need beyond the circulation's.
pub(crate) trait Delta: FlowCost {
    /// The score a cost increase gives up.
    fn loss(self) -> f64;
    /// Whether a cost increase keeps every quota minimum (no tier lost).
    fn keeps_bounds(self) -> bool;
    /// Whether a reduced cost this far below zero is rounding (floats) rather than a
    /// violation; never for exact costs.
    fn rounding(self) -> bool;
}

impl Delta for f64 {
    fn loss(self) -> f64 {
        self
    }
    fn keeps_bounds(self) -> bool {
        true
    }
    fn rounding(self) -> bool {
        self.abs() <= 1e-9
    }
}

impl Delta for Lex {
    #[allow(clippy::cast_precision_loss)]
    fn loss(self) -> f64 {
        self.0[1] as f64 / Lex::SCALE
    }
    fn keeps_bounds(self) -> bool {
        self.0[0] <= 0
    }
    fn rounding(self) -> bool {
        false
    }
}

/// `items` mapped by `f` in order, each worker with a scratch space of its own made by `init`:
/// on the current rayon pool with the `rayon` feature, on this thread without it. `f` only
/// reads shared state, so the result is the same either way.
pub(crate) fn map_with_scratch<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> R + Sync + Send,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        items.par_iter().map_init(init, f).collect()
    }
    #[cfg(not(feature = "rayon"))]
    {
        let mut scratch = init();
        items.iter().map(|x| f(&mut scratch, x)).collect()
    }
}

/// A candidate child in Murty's ranking: the parent's state, which of its used pairs is
/// forbidden (the ones before it are kept), and the child's cost above the optimum.
struct Child<C> {
    cost: C,
    seq: usize,
    parent: Arc<Network<C>>,
    used: Arc<Vec<(usize, usize)>>,
    k: usize,
}

impl<C: FlowCost> PartialEq for Child<C> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<C: FlowCost> Eq for Child<C> {}
impl<C: FlowCost> PartialOrd for Child<C> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<C: FlowCost> Ord for Child<C> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cost.order(&other.cost).then(self.seq.cmp(&other.seq))
    }
}

/// Murty's ranking of the `k` best pairings from the optimal circulation `root`: each pairing
/// is returned as its pairs (fixed included), best first.
pub(crate) fn murty<C: Delta>(root: &Network<C>, k: usize) -> Vec<Vec<(usize, usize)>> {
    let mut out = Vec::with_capacity(k);
    if k == 0 {
        return out;
    }
    let mut heap: BinaryHeap<Reverse<Child<C>>> = BinaryHeap::new();
    let mut seq = 0;
    let mut node = (Arc::new(root.clone()), C::ZERO);
    loop {
        out.push(node.0.pairs());
        if out.len() == k {
            break;
        }
        // Price the children of `node`: child m forbids used pair m and keeps those before it.
        // Only the `need` cheapest candidates can still be ranked: a child costlier than the
        // `need`-th candidate so far is dropped, and its search stops at that cost. Children
        // are priced in chunks so that the limit tightens as they come in.
        let used = Arc::new(node.0.used_pairs());
        let need = k - out.len();
        let parent = &node.0;
        for chunk in (0..used.len()).collect::<Vec<_>>().chunks(CHUNK) {
            let limit = kth_cost(&heap, need).map(|c| c.sub(node.1));
            let costs: Vec<Option<C>> = map_with_scratch(
                chunk,
                || parent.scratch(),
                |scratch, &m| {
                    let (i, j) = used[m];
                    let keep = |a: usize, b: usize| used[..m].binary_search(&(a, b)).is_ok();
                    parent
                        .detour(scratch, i, j, &keep, limit)
                        .filter(|d| d.keeps_bounds())
                },
            );
            for (&m, cost) in chunk.iter().zip(costs) {
                if let Some(d) = cost {
                    heap.push(Reverse(Child {
                        cost: node.1.add(d),
                        seq,
                        parent: Arc::clone(&node.0),
                        used: Arc::clone(&used),
                        k: m,
                    }));
                    seq += 1;
                }
            }
            prune(&mut heap, need);
        }
        let Some(Reverse(next)) = heap.pop() else {
            break;
        };
        // Re-solve the popped child warm from its parent.
        let mut net = (*next.parent).clone();
        for &(i, j) in &next.used[..next.k] {
            net.fix(i, j, false);
        }
        let (i, j) = next.used[next.k];
        net.forbid(i, j);
        net.rebalance();
        node = (Arc::new(net), next.cost);
    }
    out
}

/// Children priced together before the limit is tightened.
const CHUNK: usize = 64;

/// Keeps only the `n` cheapest candidates (with every candidate tied with the `n`-th).
fn prune<C: FlowCost>(heap: &mut BinaryHeap<Reverse<Child<C>>>, n: usize) {
    if heap.len() <= 2 * n.max(8) {
        return;
    }
    let Some(limit) = kth_cost(heap, n) else {
        return;
    };
    let kept: Vec<Reverse<Child<C>>> = std::mem::take(heap)
        .into_vec()
        .into_iter()
        .filter(|c| c.0.cost.order(&limit) != Ordering::Greater)
        .collect();
    *heap = BinaryHeap::from(kept);
}

/// The cost of the `n`-th cheapest candidate in the heap, if it holds that many.
fn kth_cost<C: FlowCost>(heap: &BinaryHeap<Reverse<Child<C>>>, n: usize) -> Option<C> {
    if heap.len() < n || n == 0 {
        return None;
    }
    let mut costs: Vec<C> = heap.iter().map(|c| c.0.cost).collect();
    costs.sort_by(FlowCost::order);
    Some(costs[n - 1])
}
