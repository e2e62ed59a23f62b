//! The bottleneck (max-min) objective: among assignments of the whole smaller side, the one
//! whose worst pair is best (smallest largest cost when minimising, largest smallest score when
//! maximising), and among those the best total.
//!
//! Method: a threshold search over the distinct entry values, each threshold tested with
//! Hopcroft-Karp maximum cardinality matching on the pairs at or better than it. Feasibility is
//! monotone in the threshold, and a matching found at an infeasible threshold stays valid at
//! every looser one, so each test starts from the largest matching known so far. A final
//! assignment solve restricted to the pairs at or better than the optimal threshold gives the
//! best total. At the next stricter threshold, Hopcroft-Karp leaves a Hall violator: free rows
//! whose alternating-path reach has fewer columns than rows, which is returned as the witness
//! that no stricter threshold is feasible.
//!
//! Complexity: each test costs `O(n m / 64)` per Hopcroft-Karp phase on bit sets (few phases,
//! since every test is warm-started) plus the candidates it adds; the candidates halve at every
//! test, so the search touches `O(n m)` entries in all, over `O(log(n m))` tests. Then one
//! assignment solve. Extra memory: `O(n m)` for the candidate indices and two bit sets.

use super::cost::{Cost, Work};
use super::matching::{hall_violator, maximum_matching, BitGraph, Matching};
use super::{check_entries, solve, transpose, Assignment, Sense};
use crate::error::Result;

/// The result of [`solve_bottleneck`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bottleneck<C: Cost> {
    /// The best-total assignment among those with the optimal bottleneck.
    pub assignment: Assignment<C>,
    /// The optimal bottleneck: the largest cost used (the smallest score used when maximising);
    /// `None` for an empty matrix.
    pub threshold: Option<C>,
    /// Why no stricter threshold works: a set of lines of the smaller side (rows, or columns of
    /// a tall matrix) that, using only entries strictly better than `threshold`, can reach fewer
    /// lines of the other side than there are of them (a Hall violator). `None` when the
    /// threshold is the best entry of the matrix, so no stricter threshold exists.
    pub witness: Option<HallWitness>,
}

/// A set of lines that cannot all be assigned: `lines` (of the smaller side) can only use
/// `reach` (of the other side), and `reach.len() < lines.len()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HallWitness {
    /// The lines of the smaller side (row indices, or column indices for a tall matrix).
    pub lines: Vec<usize>,
    /// Every line of the other side they can use.
    pub reach: Vec<usize>,
}

/// Solves the bottleneck assignment problem (see the module documentation).
///
/// # Errors
/// As [`solve`]: shape, NaN, integer range, and [`Error::Infeasible`] when no complete
/// assignment of the smaller side exists at all.
///
/// # Examples
/// ```
/// use citypair::solver::{solve, solve_bottleneck, Sense};
///
/// // Two mentors, two mentees. The best total (10.5) leaves one pair at 0.5;
/// // the fairest pairing gives everyone at least 5.
/// let scores = [
///     10.0, 5.0,
///     5.0, 0.5,
/// ];
/// assert_eq!(solve(&scores, 2, 2, Sense::Maximize)?.total(), 10.5);
/// let fair = solve_bottleneck(&scores, 2, 2, Sense::Maximize)?;
/// assert_eq!(fair.threshold, Some(5.0));
/// assert_eq!(fair.assignment.pairs().collect::<Vec<_>>(), vec![(0, 1), (1, 0)]);
/// assert_eq!(fair.assignment.total(), 10.0);
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn solve_bottleneck<C: Cost>(
    costs: &[C],
    rows: usize,
    cols: usize,
    sense: Sense,
) -> Result<Bottleneck<C>> {
    // Validate exactly as `solve` does (shape, NaN, empty rows, integer span).
    if rows.checked_mul(cols) != Some(costs.len()) {
        return solve(costs, rows, cols, sense).map(|assignment| Bottleneck {
            assignment,
            threshold: None,
            witness: None,
        });
    }
    check_entries(costs, rows, cols)?;
    if rows == 0 || cols == 0 {
        return Ok(Bottleneck {
            assignment: solve(costs, rows, cols, sense)?,
            threshold: None,
            witness: None,
        });
    }
    let max = sense == Sense::Maximize;
    let tall = rows > cols;
    let owned;
    let (c, n, m): (&[C], usize, usize) = if tall {
        owned = transpose(costs, rows, cols);
        (&owned, cols, rows)
    } else {
        (costs, rows, cols)
    };
    let work = |x: C| -> C::Work {
        if max {
            x.to_work::<true>()
        } else {
            x.to_work::<false>()
        }
    };

    // Lower bound: every line of the smaller side must use an entry at least its best one.
    let mut lower = C::Work::INF;
    let mut first = true;
    for row in c.chunks_exact(m) {
        let best = row
            .iter()
            .map(|&x| work(x))
            .fold(C::Work::INF, |a, b| if b < a { b } else { a });
        if first || best > lower {
            lower = best;
            first = false;
        }
    }
    // Candidate thresholds: the allowed entries at or above the lower bound, by index.
    let mut cand: Vec<usize> = (0..c.len())
        .filter(|&k| {
            let w = work(c[k]);
            !w.is_inf() && w >= lower
        })
        .collect();
    // `base` holds the edges below every remaining candidate: those strictly below the lower
    // bound, then everything up to the largest threshold found infeasible. Each test adds only
    // the candidates up to its threshold, so the search costs O(n m) in all, not per test.
    let mut base = BitGraph::new(n, m);
    base.fill(c, |x: C| {
        let w = work(x);
        !w.is_inf() && w < lower
    });
    let mut best: Option<C::Work> = None;
    let mut infeasible = Matching::empty(n, m);
    let by_value = |a: &usize, b: &usize| {
        work(c[*a])
            .partial_cmp(&work(c[*b]))
            .unwrap_or(std::cmp::Ordering::Equal)
    };
    while !cand.is_empty() {
        let mid = cand.len() / 2;
        cand.select_nth_unstable_by(mid, by_value);
        let t = work(c[cand[mid]]);
        let mut graph = base.clone();
        for &k in &cand {
            if work(c[k]) <= t {
                graph.insert(k / m, k % m);
            }
        }
        let mut mate = infeasible.clone();
        if maximum_matching(&graph, &mut mate) == n {
            best = Some(t);
            cand.retain(|&k| work(c[k]) < t);
        } else {
            infeasible = mate;
            base = graph;
            cand.retain(|&k| work(c[k]) > t);
        }
    }
    let Some(t) = best else {
        // No threshold works: infeasible even with every allowed pair.
        return solve(costs, rows, cols, sense).map(|assignment| Bottleneck {
            assignment,
            threshold: None,
            witness: None,
        });
    };
    // Witness at the next stricter threshold: pairs strictly better than t.
    let mut graph = BitGraph::new(n, m);
    graph.fill(c, |x: C| {
        let w = work(x);
        !w.is_inf() && w < t
    });
    let mut mate = infeasible;
    let witness = if maximum_matching(&graph, &mut mate) < n {
        let (lines, reach) = hall_violator(&graph, &mate);
        Some(HallWitness { lines, reach })
    } else {
        None
    };

    // Best total among assignments within the threshold.
    let restricted: Vec<C> = costs
        .iter()
        .map(|&x| {
            let w = work(x);
            if w.is_inf() || w > t {
                C::forbidden()
            } else {
                x
            }
        })
        .collect();
    let assignment = solve(&restricted, rows, cols, sense)?;
    let threshold =
        assignment
            .pairs()
            .map(|(i, j)| costs[i * cols + j])
            .fold(None, |acc: Option<C>, x| match acc {
                None => Some(x),
                Some(a) => Some(if work(x) > work(a) { x } else { a }),
            });
    Ok(Bottleneck {
        assignment,
        threshold,
        witness,
    })
}
