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
//! since every test is warm-started) plus one streaming pass over the remaining candidates,
//! which about halve at every test (the pivot is the median of an evenly spaced sample), so
//! the search touches `O(n m)` entries in all over `O(log(n m))` tests. Then one assignment
//! solve on the matrix restricted to the threshold. Extra memory: `O(n m)`: 4 bytes per
//! candidate, two bit sets, and the restricted copy of the matrix.

use super::cost::{Cost, Work};
use super::matching::{hall_violator, maximum_matching, BitGraph, Matching};
use super::witness::HallWitness;
use super::{check_entries, solve, transpose, Assignment, Sense};
use crate::error::{Buffer, Error, Location, Result};

/// The result of [`solve_bottleneck`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

impl<C: Cost> Bottleneck<C> {
    /// Checks the result against the matrix it was solved on, in `O(rows · cols)` time and
    /// memory, so that nobody has to trust the search:
    ///
    /// - the assignment is a complete assignment of the smaller side over allowed pairs, and
    ///   `threshold` is its worst entry (the largest cost, or the smallest score when
    ///   maximising; `None` only when nothing is assigned);
    /// - `witness`, when present, is a Hall violator among the pairs strictly better than the
    ///   threshold, so no stricter threshold can be met; when absent, no allowed entry is
    ///   strictly better than the threshold;
    /// - the assignment's dual certificate ([`Assignment::verify`]) holds on the matrix with
    ///   every entry worse than the threshold forbidden, so its total is the best among the
    ///   assignments that meet the threshold.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first condition that fails;
    /// [`Error::OutOfMemory`] when the restricted copy of the matrix cannot be allocated.
    pub fn verify(&self, costs: &[C]) -> Result<()> {
        let a = &self.assignment;
        let (rows, cols) = (a.rows(), a.cols());
        let fail = |what: String| Error::invalid(Location::Certificate, what);
        if costs.len() != rows * cols {
            return Err(fail(format!(
                "matrix has {} entries, the assignment is for {rows} x {cols}",
                costs.len()
            )));
        }
        let max = a.sense() == Sense::Maximize;
        let work = |x: C| -> C::Work {
            if max {
                x.to_work::<true>()
            } else {
                x.to_work::<false>()
            }
        };
        let worst = a.pairs().map(|(i, j)| work(costs[i * cols + j])).fold(
            None,
            |acc: Option<C::Work>, w| match acc {
                Some(b) if b >= w => Some(b),
                _ => Some(w),
            },
        );
        let t = match (worst, self.threshold) {
            (None, None) => return a.verify(costs),
            (Some(w), Some(t)) if w == work(t) => w,
            (w, t) => {
                return Err(fail(format!(
                    "the threshold {t:?} is not the worst assigned entry (work value {w:?})"
                )))
            }
        };
        let (smaller, other) = (rows.min(cols), rows.max(cols));
        let entry = |line: usize, o: usize| {
            if rows <= cols {
                costs[line * cols + o]
            } else {
                costs[o * cols + line]
            }
        };
        let stricter = |line: usize, o: usize| {
            let w = work(entry(line, o));
            !w.is_inf() && w < t
        };
        match &self.witness {
            Some(w) if !w.holds(smaller, other, stricter) => {
                return Err(fail(
                    "the witness is not a Hall violator among the pairs better than the threshold"
                        .to_string(),
                ))
            }
            None if (0..smaller).any(|l| (0..other).any(|o| stricter(l, o))) => {
                return Err(fail(
                    "no witness, but some allowed entry is better than the threshold".to_string(),
                ))
            }
            _ => {}
        }
        let mut restricted: Vec<C> = Vec::new();
        restricted
            .try_reserve_exact(costs.len())
            .map_err(|_| Error::out_of_memory(Buffer::SolverWork, rows, cols, size_of::<C>()))?;
        restricted.extend(
            costs
                .iter()
                .map(|&x| if work(x) > t { C::forbidden() } else { x }),
        );
        a.verify(&restricted)
    }
}

/// Solves the bottleneck assignment problem (see the module documentation).
///
/// # Errors
/// As [`solve`]: shape, NaN, integer range, and [`Error::Infeasible`] when no complete
/// assignment of the smaller side exists at all; [`Error::Invalid`] for a matrix of more than
/// 2^32 entries; [`Error::OutOfMemory`] when its work arrays (`O(rows · cols)`: a transposed
/// copy of a tall matrix, 4 bytes per candidate entry, the restricted copy) cannot be
/// allocated.
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
        owned = transpose(costs, rows, cols)?;
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

    let lower = lower_bound(c, m, work);
    let (best, infeasible) = threshold_search(c, (n, m), lower, work, (rows, cols))?;
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
        Some(HallWitness::new(lines, reach))
    } else {
        None
    };

    // Best total among assignments within the threshold.
    let mut restricted: Vec<C> = Vec::new();
    restricted
        .try_reserve_exact(costs.len())
        .map_err(|_| Error::out_of_memory(Buffer::SolverWork, rows, cols, size_of::<C>()))?;
    restricted.extend(costs.iter().map(|&x| {
        let w = work(x);
        if w.is_inf() || w > t {
            C::forbidden()
        } else {
            x
        }
    }));
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

/// The lower bound of the threshold: every line of the smaller side must use an entry at least
/// as bad as its best one (work costs `work`, rows of `m` entries).
fn lower_bound<C: Cost>(c: &[C], m: usize, work: impl Fn(C) -> C::Work) -> C::Work {
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
    lower
}

/// The threshold search (see the module documentation): the best feasible threshold, if any,
/// and the largest matching found at an infeasible one, to start the witness from. `c` is the
/// `n x m` matrix with `n <= m` (`shape` the caller's, for the error message).
fn threshold_search<C: Cost>(
    c: &[C],
    (n, m): (usize, usize),
    lower: C::Work,
    work: impl Fn(C) -> C::Work,
    (rows, cols): (usize, usize),
) -> Result<(Option<C::Work>, Matching)> {
    // Candidate thresholds: the allowed entries at or above the lower bound, by index, kept in
    // increasing index order so that every pass over them streams through the matrix.
    let Ok(len) = u32::try_from(c.len()) else {
        return Err(Error::invalid(
            Location::Matrix,
            format!(
                "{rows} x {cols} has more than 2^32 entries, too many for the bottleneck search"
            ),
        ));
    };
    let mut cand: Vec<u32> = Vec::new();
    cand.try_reserve_exact(c.len())
        .map_err(|_| Error::out_of_memory(Buffer::SolverWork, rows, cols, size_of::<u32>()))?;
    cand.extend((0..len).filter(|&k| {
        let w = work(c[k as usize]);
        !w.is_inf() && w >= lower
    }));
    // `base` holds the edges below every remaining candidate: those strictly below the lower
    // bound, then everything up to the largest threshold found infeasible. Each test adds only
    // the candidates up to its threshold.
    let mut base = BitGraph::new(n, m);
    base.fill(c, |x: C| {
        let w = work(x);
        !w.is_inf() && w < lower
    });
    let mut best: Option<C::Work> = None;
    let mut infeasible = Matching::empty(n, m);
    let order = |a: &C::Work, b: &C::Work| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
    let mut sample: Vec<C::Work> = Vec::with_capacity(1024);
    while !cand.is_empty() {
        // Pivot: the median of an evenly spaced sample of the candidates (any candidate is a
        // correct pivot; the sample keeps the halving close to even without a full selection).
        let step = (cand.len() / 1023).max(1);
        sample.clear();
        sample.extend(cand.iter().step_by(step).map(|&k| work(c[k as usize])));
        let mid = sample.len() / 2;
        let (_, &mut t, _) = sample.select_nth_unstable_by(mid, order);
        let mut graph = base.clone();
        for &k in &cand {
            if work(c[k as usize]) <= t {
                graph.insert(k as usize / m, k as usize % m);
            }
        }
        let mut mate = infeasible.clone();
        if maximum_matching(&graph, &mut mate) == n {
            best = Some(t);
            cand.retain(|&k| work(c[k as usize]) < t);
        } else {
            infeasible = mate;
            base = graph;
            cand.retain(|&k| work(c[k as usize]) > t);
        }
    }
    Ok((best, infeasible))
}
