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
//! Complexity: `O(sqrt(n) n m log(n m))` for the search (in practice a few phases per test, since
//! every test is warm-started), plus one assignment solve; `O(n m)` extra memory for the
//! candidate values.

use std::collections::VecDeque;

use super::cost::{Cost, Work};
use super::{check_entries, solve, transpose, Assignment, Sense};
use crate::error::Result;

const NONE: usize = usize::MAX;

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
    let mut cand: Vec<C::Work> = c
        .iter()
        .map(|&x| work(x))
        .filter(|w| !w.is_inf() && *w >= lower)
        .collect();

    let mut hk = HopcroftKarp::new(n, m);
    let allowed = |t: C::Work| {
        move |i: usize, j: usize| {
            let w = work(c[i * m + j]);
            !w.is_inf() && w <= t
        }
    };
    // Binary search by selection: the smallest feasible candidate value.
    let mut best: Option<C::Work> = None;
    let mut infeasible_matching = hk.snapshot();
    while !cand.is_empty() {
        let mid = cand.len() / 2;
        let (_, &mut t, _) = cand.select_nth_unstable_by(mid, |a, b| {
            a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
        });
        hk.restore(&infeasible_matching);
        if hk.maximum(&allowed(t)) == n {
            best = Some(t);
            cand.retain(|&w| w < t);
        } else {
            infeasible_matching = hk.snapshot();
            cand.retain(|&w| w > t);
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
    hk.restore(&infeasible_matching);
    let stricter = |i: usize, j: usize| {
        let w = work(c[i * m + j]);
        !w.is_inf() && w < t
    };
    let witness = if hk.maximum(&stricter) < n {
        Some(hk.hall_violator(&stricter))
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

/// Hopcroft-Karp maximum cardinality matching on an implicit dense bipartite graph with `n`
/// left and `m` right vertices, warm-startable from a previous matching.
struct HopcroftKarp {
    n: usize,
    m: usize,
    mate_l: Vec<usize>,
    mate_r: Vec<usize>,
    dist: Vec<usize>,
    queue: VecDeque<usize>,
}

impl HopcroftKarp {
    fn new(n: usize, m: usize) -> Self {
        HopcroftKarp {
            n,
            m,
            mate_l: vec![NONE; n],
            mate_r: vec![NONE; m],
            dist: vec![0; n],
            queue: VecDeque::with_capacity(n),
        }
    }

    fn snapshot(&self) -> (Vec<usize>, Vec<usize>) {
        (self.mate_l.clone(), self.mate_r.clone())
    }

    fn restore(&mut self, s: &(Vec<usize>, Vec<usize>)) {
        self.mate_l.clone_from(&s.0);
        self.mate_r.clone_from(&s.1);
    }

    /// Grows the current matching (which must use allowed edges only) to a maximum one.
    fn maximum(&mut self, allowed: &dyn Fn(usize, usize) -> bool) -> usize {
        // Drop matched edges that are no longer allowed (never happens when thresholds only
        // loosen, but keeps the routine safe for any start).
        for i in 0..self.n {
            let j = self.mate_l[i];
            if j != NONE && !allowed(i, j) {
                self.mate_l[i] = NONE;
                self.mate_r[j] = NONE;
            }
        }
        // Greedy pass for the free rows.
        for i in 0..self.n {
            if self.mate_l[i] == NONE {
                if let Some(j) = (0..self.m).find(|&j| self.mate_r[j] == NONE && allowed(i, j)) {
                    self.mate_l[i] = j;
                    self.mate_r[j] = i;
                }
            }
        }
        while self.bfs(allowed) {
            for i in 0..self.n {
                if self.mate_l[i] == NONE {
                    self.dfs(i, allowed);
                }
            }
        }
        self.mate_l.iter().filter(|&&j| j != NONE).count()
    }

    fn bfs(&mut self, allowed: &dyn Fn(usize, usize) -> bool) -> bool {
        self.queue.clear();
        for i in 0..self.n {
            if self.mate_l[i] == NONE {
                self.dist[i] = 0;
                self.queue.push_back(i);
            } else {
                self.dist[i] = NONE;
            }
        }
        let mut found = false;
        while let Some(i) = self.queue.pop_front() {
            for j in 0..self.m {
                if !allowed(i, j) {
                    continue;
                }
                let k = self.mate_r[j];
                if k == NONE {
                    found = true;
                } else if self.dist[k] == NONE {
                    self.dist[k] = self.dist[i] + 1;
                    self.queue.push_back(k);
                }
            }
        }
        found
    }

    /// Iterative depth-first search for an augmenting path in the layered graph.
    fn dfs(&mut self, root: usize, allowed: &dyn Fn(usize, usize) -> bool) -> bool {
        // Stack of (row, next column to try).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        let mut path_cols: Vec<usize> = Vec::new();
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            let mut advanced = false;
            while *next < self.m {
                let j = *next;
                *next += 1;
                if !allowed(i, j) {
                    continue;
                }
                let k = self.mate_r[j];
                if k == NONE {
                    // Augment along the stack.
                    path_cols.push(j);
                    for (&(r, _), &col) in stack.iter().zip(&path_cols) {
                        self.mate_l[r] = col;
                        self.mate_r[col] = r;
                    }
                    return true;
                }
                if self.dist[k] != NONE && self.dist[k] == self.dist[i] + 1 {
                    path_cols.push(j);
                    stack.push((k, 0));
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                // Dead end: remove row i from this phase's layered graph.
                self.dist[i] = NONE;
                stack.pop();
                path_cols.pop();
            }
        }
        false
    }

    /// After `maximum` left some row free: the rows reachable from free rows by alternating
    /// paths, and the columns they reach (all matched, to reached rows).
    fn hall_violator(&mut self, allowed: &dyn Fn(usize, usize) -> bool) -> HallWitness {
        let mut seen_l = vec![false; self.n];
        let mut seen_r = vec![false; self.m];
        self.queue.clear();
        for (i, (seen, &mate)) in seen_l.iter_mut().zip(&self.mate_l).enumerate() {
            if mate == NONE {
                *seen = true;
                self.queue.push_back(i);
            }
        }
        while let Some(i) = self.queue.pop_front() {
            for (j, seen) in seen_r.iter_mut().enumerate() {
                if allowed(i, j) && !*seen {
                    *seen = true;
                    let k = self.mate_r[j];
                    if k != NONE && !seen_l[k] {
                        seen_l[k] = true;
                        self.queue.push_back(k);
                    }
                }
            }
        }
        HallWitness {
            lines: (0..self.n).filter(|&i| seen_l[i]).collect(),
            reach: (0..self.m).filter(|&j| seen_r[j]).collect(),
        }
    }
}
