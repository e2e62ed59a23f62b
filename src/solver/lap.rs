//! The dense shortest-augmenting-path solver (Jonker-Volgenant form of the Hungarian method).
//!
//! Works on `n` rows and `m >= n` columns, row-major, minimising costs in a [`Work`] type
//! (maximisation is minimisation of the negated costs, done on the fly through
//! [`Cost::to_work`]). Three phases, as in Jonker and Volgenant (1987):
//!
//! 1. **Initialisation.** Square input: column reduction (each column's potential is its
//!    minimum) followed by reduction transfer from rows that took a single column. Wide input
//!    (`n < m`): potentials start at zero, so that a column left unassigned keeps potential 0,
//!    which the rectangular dual requires.
//! 2. **Augmenting row reduction**, twice: each free row takes its cheapest column (in reduced
//!    cost), lowering that column's potential down to the row's second-cheapest reduced cost, and
//!    evicts the previous owner, who tries again. Every decrease test is guarded so that a
//!    floating-point decrease that rounds to nothing ends the chain instead of looping.
//! 3. **Augmentation**: for each row still free, a Dijkstra search over reduced costs finds a
//!    shortest augmenting path; all columns at the current minimum distance are taken at once
//!    (this is what keeps integer problems with many ties fast). Potentials of the columns
//!    settled before the last step are updated so that reduced costs stay non-negative.
//!
//! Invariants after every phase: each assigned row's column minimises `c[i][j] - v[j]` over its
//! row (so `u[i] = c[i][x[i]] - v[x[i]]` gives a feasible dual), and on wide input every column
//! with `v[j] != 0` is assigned and `v[j] <= 0`.
//!
//! Complexity: `O(n^2 m)` in the worst case, typically far less; memory `O(m)` beyond the input.

use super::cost::{Cost, Work};

/// Budget of augmenting-row-reduction steps per initially free row (see
/// `augmenting_row_reduction`).
const ARR_STEPS_PER_ROW: usize = 8;

/// "No row" / "no column".
pub(crate) const NONE: usize = usize::MAX;

/// A Hall-type witness of infeasibility: `rows` can only use `cols`, and there are fewer of
/// them (or `rows` is one row with no allowed entry, `cols` empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Witness {
    pub(crate) rows: Vec<usize>,
    pub(crate) cols: Vec<usize>,
}

/// Row and column assignment plus dual potentials, in the solver's (wide) orientation.
#[derive(Debug, Clone)]
pub(crate) struct Raw<W> {
    pub(crate) x: Vec<usize>,
    pub(crate) y: Vec<usize>,
    pub(crate) u: Vec<W>,
    pub(crate) v: Vec<W>,
}

/// The solver state over a borrowed row-major matrix with `n <= m`.
struct Lap<'a, C: Cost, const MAX: bool> {
    c: &'a [C],
    n: usize,
    m: usize,
    /// Column assigned to each row, or `NONE`.
    x: Vec<usize>,
    /// Row assigned to each column, or `NONE`.
    y: Vec<usize>,
    /// Column potentials.
    v: Vec<C::Work>,
}

impl<'a, C: Cost, const MAX: bool> Lap<'a, C, MAX> {
    #[inline(always)]
    fn row(&self, i: usize) -> &'a [C] {
        &self.c[i * self.m..(i + 1) * self.m]
    }

    /// Column reduction and reduction transfer (square input only). Returns the free rows, or
    /// the index of a column with no allowed entry.
    fn column_reduction(&mut self) -> Result<Vec<usize>, Witness> {
        let (n, m) = (self.n, self.m);
        let inf = C::Work::INF;
        // Column minima, first row wins ties (strict `<`), scanned row by row for the cache.
        self.v.iter_mut().for_each(|v| *v = inf);
        for i in 0..n {
            let row = self.row(i);
            for ((&c, v), y) in row.iter().zip(self.v.iter_mut()).zip(self.y.iter_mut()) {
                let w = c.to_work::<MAX>();
                if w < *v {
                    *v = w;
                    *y = i;
                }
            }
        }
        if let Some(j) = self.v.iter().position(|v| v.is_inf()) {
            return Err(Witness {
                rows: (0..n).collect(),
                cols: (0..m).filter(|&k| k != j).collect(),
            });
        }
        // Each row keeps the highest-numbered column it is the minimum of; the others are
        // released.
        let mut unique = vec![true; n];
        for j in (0..m).rev() {
            let i = self.y[j];
            if self.x[i] == NONE {
                self.x[i] = j;
            } else {
                unique[i] = false;
                self.y[j] = NONE;
            }
        }
        let mut free = Vec::new();
        for i in 0..n {
            let j = self.x[i];
            if j == NONE {
                free.push(i);
            } else if unique[i] {
                // Reduction transfer: lower v[j] by the row's second-best reduced cost.
                let row = self.row(i);
                let mut min = inf;
                for (k, (&c, &v)) in row.iter().zip(self.v.iter()).enumerate() {
                    let r = c.to_work::<MAX>() - v;
                    if k != j && r < min {
                        min = r;
                    }
                }
                if !min.is_inf() {
                    self.v[j] = self.v[j] - min;
                }
            }
        }
        Ok(free)
    }

    /// One pass of augmenting row reduction over `free`; returns the rows still free.
    fn augmenting_row_reduction(&mut self, mut free: Vec<usize>) -> Vec<usize> {
        let nfree = free.len();
        let mut current = 0;
        let mut new_free = 0;
        let mut steps = 0usize;
        // A chain of evictions may go on for a long time (geometric costs, near-ties in floats);
        // past this budget each evicted row waits for the augmentation phase instead. Measured on
        // uniform, profile, geo and int100 matrices at n = 2000: 8 steps per free row is within
        // a few percent of the best budget on every family, while an unbounded chain is up to
        // ten times slower on geometric costs.
        let budget = nfree.saturating_mul(ARR_STEPS_PER_ROW);
        while current < nfree {
            steps += 1;
            let i = free[current];
            current += 1;
            // The two smallest reduced costs of row i.
            let row = self.row(i);
            let (mut v1, mut j1) = (C::Work::INF, NONE);
            let (mut v2, mut j2) = (C::Work::INF, NONE);
            for (j, (&c, &v)) in row.iter().zip(self.v.iter()).enumerate() {
                let h = c.to_work::<MAX>() - v;
                if h < v2 {
                    if h >= v1 {
                        v2 = h;
                        j2 = j;
                    } else {
                        v2 = v1;
                        j2 = j1;
                        v1 = h;
                        j1 = j;
                    }
                }
            }
            if j1 == NONE || v1.is_inf() {
                // No allowed column (cannot happen after the pre-check); leave for augmentation.
                free[new_free] = i;
                new_free += 1;
                continue;
            }
            let has_second = j2 != NONE && !v2.is_inf();
            let mut i0 = self.y[j1];
            // Guarded decrease: only a decrease that really changes v[j1] counts.
            let lowered = if has_second && v1 < v2 {
                let nv = self.v[j1] - (v2 - v1);
                (nv < self.v[j1]).then_some(nv)
            } else {
                None
            };
            if steps < budget {
                if let Some(nv) = lowered {
                    self.v[j1] = nv;
                } else if i0 != NONE && has_second {
                    j1 = j2;
                    i0 = self.y[j2];
                }
                if i0 != NONE {
                    if lowered.is_some() {
                        current -= 1;
                        free[current] = i0;
                    } else {
                        free[new_free] = i0;
                        new_free += 1;
                    }
                }
            } else if i0 != NONE {
                free[new_free] = i0;
                new_free += 1;
            }
            if i0 != NONE {
                self.x[i0] = NONE;
            }
            self.x[i] = j1;
            self.y[j1] = i;
        }
        free.truncate(new_free);
        free
    }

    /// Shortest augmenting path from free row `start`; augments along it.
    fn augment(&mut self, start: usize, buf: &mut PathBuffers<C::Work>) -> Result<(), Witness> {
        let m = self.m;
        let PathBuffers { cols, d, pred } = buf;
        for (k, c) in cols.iter_mut().enumerate() {
            *c = k;
        }
        let row = self.row(start);
        for ((dj, &c), &v) in d.iter_mut().zip(row).zip(&self.v) {
            *dj = c.to_work::<MAX>() - v;
        }
        pred.iter_mut().for_each(|p| *p = start);

        let (mut lo, mut hi, mut ready) = (0usize, 0usize, 0usize);
        let sink = 'search: loop {
            if lo == hi {
                ready = lo;
                // Move every column at the minimum remaining distance to [lo, hi).
                let mut mind = C::Work::INF;
                hi = lo;
                for k in lo..m {
                    let j = cols[k];
                    let dj = d[j];
                    if dj <= mind {
                        if dj < mind {
                            hi = lo;
                            mind = dj;
                        }
                        cols[k] = cols[hi];
                        cols[hi] = j;
                        hi += 1;
                    }
                }
                if hi == lo || mind.is_inf() {
                    // Nothing reachable: rows reached so far can only use settled columns.
                    let settled = &cols[..lo];
                    let mut rows: Vec<usize> = settled.iter().map(|&j| self.y[j]).collect();
                    rows.push(start);
                    rows.sort_unstable();
                    let mut scols = settled.to_vec();
                    scols.sort_unstable();
                    return Err(Witness { rows, cols: scols });
                }
                for &j in &cols[lo..hi] {
                    if self.y[j] == NONE {
                        break 'search j;
                    }
                }
            }
            // Scan the rows of the columns at the minimum distance.
            while lo < hi {
                let j = cols[lo];
                lo += 1;
                let i = self.y[j];
                let mind = d[j];
                let row = self.row(i);
                let h = row[j].to_work::<MAX>() - self.v[j] - mind;
                let mut k = hi;
                while k < m {
                    let jj = cols[k];
                    let cred = row[jj].to_work::<MAX>() - self.v[jj] - h;
                    if cred < d[jj] {
                        d[jj] = cred;
                        pred[jj] = i;
                        if cred == mind {
                            if self.y[jj] == NONE {
                                break 'search jj;
                            }
                            cols[k] = cols[hi];
                            cols[hi] = jj;
                            hi += 1;
                        }
                    }
                    k += 1;
                }
            }
        };
        // Update the potentials of the settled columns.
        let mind = d[sink];
        for &j in &cols[..ready] {
            self.v[j] = self.v[j] + (d[j] - mind);
        }
        // Augment along the predecessor chain.
        let mut j = sink;
        loop {
            let i = pred[j];
            self.y[j] = i;
            let next = self.x[i];
            self.x[i] = j;
            if i == start {
                break;
            }
            j = next;
        }
        Ok(())
    }
}

/// Scratch space for the shortest-path searches, allocated once per solve.
struct PathBuffers<W> {
    cols: Vec<usize>,
    d: Vec<W>,
    pred: Vec<usize>,
}

/// Solves the assignment on `n <= m`, checking nothing about the input (the caller rejects NaN
/// and reports rows without allowed entries).
pub(crate) fn solve_wide<C: Cost, const MAX: bool>(
    c: &[C],
    n: usize,
    m: usize,
) -> Result<Raw<C::Work>, Witness> {
    debug_assert!(n <= m && c.len() == n * m);
    let mut lap = Lap::<C, MAX> {
        c,
        n,
        m,
        x: vec![NONE; n],
        y: vec![NONE; m],
        v: vec![C::Work::ZERO; m],
    };
    let mut free = if n == m {
        lap.column_reduction()?
    } else {
        (0..n).collect()
    };
    for _ in 0..2 {
        if free.is_empty() {
            break;
        }
        free = lap.augmenting_row_reduction(free);
    }
    let mut buf = PathBuffers {
        cols: vec![0; m],
        d: vec![C::Work::ZERO; m],
        pred: vec![0; m],
    };
    for &i in &free {
        lap.augment(i, &mut buf)?;
    }
    let u = (0..n)
        .map(|i| {
            let j = lap.x[i];
            lap.row(i)[j].to_work::<MAX>() - lap.v[j]
        })
        .collect();
    Ok(Raw {
        x: lap.x,
        y: lap.y,
        u,
        v: lap.v,
    })
}
