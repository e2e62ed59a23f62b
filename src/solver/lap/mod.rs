//! The dense shortest-augmenting-path solver (Jonker-Volgenant form of the Hungarian method).
//!
//! Works on `n` rows and `m >= n` columns, row-major, minimising costs in a [`Work`] type
//! (maximisation is minimisation of the negated costs, done on the fly through
//! [`Cost::to_work`]). Three phases, as in Jonker and Volgenant (1987):
//!
//! 1. **Initialisation.** Square input: column reduction (each column's potential is its minimum)
//!    followed by reduction transfer from rows that took a single column. Wide input (`n < m`):
//!    potentials start at zero, so that a column left unassigned keeps potential 0, which the
//!    rectangular dual requires, and one streaming pass over the matrix keeps each row's few
//!    smallest entries (a vectorised filter against the current last one; on a large matrix, with
//!    the `rayon` feature, several threads read blocks of rows, as one core cannot use the memory
//!    bandwidth). Augmenting row reduction then works from these lists, and reads a row again only
//!    when its list cannot prove the row's two smallest reduced costs: on wide input it rarely
//!    does, so the whole solve often reads the matrix once. Square input with many ties
//!    (integer-valued costs, detected on a sample of rows, or by the ties met in column reduction)
//!    instead gets a greedy assignment at zero reduced cost, with early exit: row reduction
//!    (potentials 0, each row takes the first free column at its minimum), or after column
//!    reduction each free row takes the first free column where its reduced cost is zero.
//!
//!    The input check of float costs (NaN, forbidden entries) is fused into this first pass:
//!    each row is tested just before its first use (on wide input, in the streaming pass), and
//!    only a matrix with such an entry gets the caller's detailed check, once. So the matrix is
//!    read once, not twice.
//! 2. **Augmenting row reduction**, twice (not with many ties, where it only trades rows):
//!    each free row takes its cheapest column (in reduced cost), lowering that column's
//!    potential down to the row's second-cheapest reduced cost, and evicts the previous owner,
//!    who tries again. Every decrease test is guarded so that a floating-point decrease that
//!    rounds to nothing ends the chain instead of looping. On wide input the first visit of
//!    each row is the greedy start: with potentials 0 a row takes its cheapest column when it
//!    is free.
//! 3. **Augmentation**: for each row still free, a Dijkstra search over reduced costs finds a
//!    shortest augmenting path. Each step relaxes all columns in natural order against one
//!    newly reached row and finds the nearest unsettled column in the same branch-free pass
//!    (explicit AVX2 / AVX-512F kernels for `f64`, `i64` and `i32` costs, detected at run
//!    time; `i32` entries are widened to `i64` lanes as they are loaded); a free column
//!    reached at the search level ends the pass and the search at once (this is what keeps
//!    integer problems with many ties fast). Potentials of the settled columns are then updated
//!    so that reduced costs stay non-negative. With many ties, the last augmentations settle
//!    first, among the columns at the minimum distance, one whose row is tight at a free
//!    column (goal-directed tie-break; any column at the minimum is a valid Dijkstra step).
//!
//! The first read of each row, and the explicit-SIMD kernels of the searches and of augmenting
//! row reduction, prefetch a page ahead of themselves ([`PREFETCH`](kernels::PREFETCH)): the
//! hardware prefetcher stops at each 4 KiB page, and a matrix read from memory rather than from
//! a cache (as one just parsed from a file is) is read up to 1.5 times faster so.
//!
//! Invariants after every phase: each assigned row's column minimises `c[i][j] - v[j]` over its
//! row (so `u[i] = c[i][x[i]] - v[x[i]]` gives a feasible dual), and on wide input every column
//! with `v[j] != 0` is assigned and `v[j] <= 0`.
//!
//! Complexity: `O(n^2 m)` in the worst case, typically far less; memory `O(m)` beyond the input.
//!
//! Layout: this file holds the phases ([`Lap`]) and [`solve_wide`];
//! [`first_pass`](mod@first_pass) the streaming first pass over wide input and its helper
//! threads; [`kernels`] the loops over one row that the phases call, as portable code compiled
//! for each instruction set and as hand-written AVX2 and AVX-512F kernels, dispatched on the
//! [`Isa`] that `crate::cpu` detects.

// The small kernels are `#[inline(always)]` on purpose: they must be inlined into the
// `#[target_feature]` functions of `multiversion!` and `impl_simd!` to be compiled for the
// wider instruction set.
#![allow(clippy::inline_always)]

mod first_pass;
mod kernels;

use super::cost::{Cost, Work};
use super::witness::HallWitness;
// Named here for `solver::warm_up` and the integer range check of `solver`.
pub(crate) use crate::cpu::Isa;
use first_pass::{first_pass, RowCands};
pub(crate) use kernels::entry_range;
use kernels::{Best, Step, Two, CANDS};

/// Budget of augmenting-row-reduction steps per initially free row (see
/// `augmenting_row_reduction`).
const ARR_STEPS_PER_ROW: usize = 8;

/// Number of free rows left when the goal-directed tie-break of the augmentations starts
/// (square input with many ties; see [`Lap::find_targets`]).
const GOAL_FREE: usize = 16;

/// "No row" / "no column".
pub(crate) const NONE: usize = usize::MAX;

/// Why [`solve_wide`] stopped without a solution.
#[derive(Debug)]
pub(crate) enum Stop {
    /// No complete assignment exists.
    Infeasible(HallWitness),
    /// The fused input check failed (NaN, a row or column with no allowed entry).
    Input(crate::Error),
}

impl From<HallWitness> for Stop {
    fn from(w: HallWitness) -> Self {
        Stop::Infeasible(w)
    }
}

/// The caller's detailed input check.
pub(crate) type Check<'a> = &'a dyn Fn() -> crate::Result<()>;

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
    /// 0 on free columns, [`Work::INF`] on assigned ones (augmentation phase only).
    pen: Vec<C::Work>,
    /// Instruction set of the hot loops.
    isa: Isa,
    /// The detailed input check, run when a NaN or forbidden entry is first seen; `None` once
    /// it has run, and when the caller checked the input up front.
    check: Option<Check<'a>>,
    /// Rows `0..scanned` have been scanned for NaN and forbidden entries.
    scanned: usize,
    /// Every row has been scanned and none has a NaN or forbidden entry (set before the
    /// augmentation phase; false where the caller checked the input instead).
    clean: bool,
    /// Rows tight at a free column, for the goal-directed tie-break of the last augmentations
    /// (see [`Lap::find_targets`]); empty when not in use.
    targets: Vec<usize>,
    /// Each row's smallest entries, from the first pass over wide input ([`first_pass()`]), for
    /// [`Lap::top2_row`]; empty when not in use (square input, and once augmenting row
    /// reduction is over).
    cands: RowCands<C::Work>,
}

impl<'a, C: Cost, const MAX: bool> Lap<'a, C, MAX> {
    #[inline(always)]
    fn row(&self, i: usize) -> &'a [C] {
        &self.c[i * self.m..(i + 1) * self.m]
    }

    /// Runs the caller's detailed input check the first time a NaN or forbidden entry is seen.
    fn on_special(&mut self) -> Result<(), Stop> {
        if let Some(check) = self.check.take() {
            check().map_err(Stop::Input)?;
        }
        Ok(())
    }

    /// Scans the rows up to `i` for NaN and forbidden entries, unless done: the pre-check of
    /// wide input, fused into the first pass (each row is scanned just before its first use,
    /// which then reads it from the cache).
    #[inline]
    fn scan_rows(&mut self, i: usize) -> Result<(), Stop> {
        while self.check.is_some() && self.scanned <= i {
            let special = kernels::special::<C, MAX>(self.isa, self.row(self.scanned));
            self.scanned += 1;
            if special {
                self.on_special()?;
            }
        }
        Ok(())
    }

    /// Column reduction and reduction transfer (square input only), with the fused pre-check.
    /// Returns the free rows and the number of ties met in the column minima, or stops on a
    /// column with no allowed entry.
    fn column_reduction(&mut self) -> Result<(Vec<usize>, usize), Stop> {
        let (n, m) = (self.n, self.m);
        let inf = C::Work::INF;
        // Column minima, first row wins ties (strict `<`), scanned row by row for the cache.
        self.v.iter_mut().for_each(|v| *v = inf);
        let mut ties = 0;
        for i in 0..n {
            let (special, t) =
                kernels::col_min::<C, MAX>(self.isa, self.row(i), &mut self.v, &mut self.y, i);
            ties += t;
            if special {
                self.on_special()?;
            }
        }
        self.scanned = n;
        if let Some(j) = self.v.iter().position(|v| v.is_inf()) {
            return Err(Stop::Infeasible(HallWitness::new(
                (0..n).collect(),
                (0..m).filter(|&k| k != j).collect(),
            )));
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
        for (i, &unique) in unique.iter().enumerate() {
            let j = self.x[i];
            if j == NONE {
                free.push(i);
            } else if unique {
                // Reduction transfer: lower v[j] by the row's second-best reduced cost.
                let (v1, j1, v2, _) = kernels::top2::<C, MAX>(self.isa, self.row(i), &self.v);
                let min = if j1 == j { v2 } else { v1 };
                if !min.is_inf() {
                    self.v[j] = self.v[j] - min;
                }
            }
        }
        Ok((free, ties))
    }

    /// Row reduction with greedy assignment (square input with many ties): potentials stay 0,
    /// and each row in turn takes the first free column at its minimum, if there is one. Every
    /// assigned column is then at its row's minimum, as the invariant asks. Returns the rows
    /// left free.
    fn row_greedy(&mut self) -> Result<Vec<usize>, Stop> {
        let mut free = Vec::new();
        for i in 0..self.n {
            self.scan_rows(i)?;
            let row = self.row(i);
            let mu = kernels::row_min::<C, MAX>(self.isa, row, &self.v);
            match kernels::free_zero::<C, MAX>(self.isa, row, &self.v, &self.y, mu) {
                Some(j) => {
                    self.x[i] = j;
                    self.y[j] = i;
                }
                None => free.push(i),
            }
        }
        Ok(free)
    }

    /// Whether ties are common: at least 6 of 8 sample rows have two or more entries at their
    /// minimum (integer-valued costs). Decides between column reduction and [`Lap::row_greedy`].
    fn many_ties(&self) -> bool {
        let n = self.n;
        let rows = (0..8).map(|s| s * n / 8).filter(|&i| {
            let row = self.row(i);
            let min = row
                .iter()
                .map(|&c| c.to_work::<MAX>())
                .fold(C::Work::INF, |a, w| if w < a { w } else { a });
            !min.is_inf() && row.iter().filter(|&&c| c.to_work::<MAX>() == min).count() >= 2
        });
        rows.count() >= 6
    }

    /// Assigns each free row, in order, to the first free column where its reduced cost is zero,
    /// if there is one; returns the rows still free. Square input after column reduction only:
    /// every reduced cost is then non-negative (potentials are at most the column minima), so a
    /// zero is the row's minimum and the assignment keeps the invariant. Worth it only when ties
    /// are common (integer costs): a free row has a zero only where it ties a column's minimum.
    fn zero_greedy(&mut self, free: Vec<usize>) -> Vec<usize> {
        let mut rest = Vec::new();
        for i in free {
            match kernels::free_zero::<C, MAX>(
                self.isa,
                self.row(i),
                &self.v,
                &self.y,
                C::Work::ZERO,
            ) {
                Some(j) => {
                    self.x[i] = j;
                    self.y[j] = i;
                }
                None => rest.push(i),
            }
        }
        rest
    }

    /// The two smallest reduced costs of row `i` and their columns, as [`kernels::top2`]
    /// computes them: from the row's [`Cands`](kernels::Cands) when they prove the answer, else
    /// from the row.
    ///
    /// Proof: while the cache is in use every potential is at most 0 (wide input, potentials
    /// start at 0 and augmenting row reduction only lowers them), so a column's reduced cost
    /// `w - v` is at least its entry `w` (rounding is monotone). A column outside the row's
    /// candidates comes after the last candidate `(w_K, j_K)` in (value, column) order, and so
    /// does its reduced cost. Hence the two smallest reduced costs among the candidates are the
    /// row's two smallest when the second of them is at most `(w_K, j_K)` in that order, or
    /// when the candidates are all the row's allowed columns (fewer than [`CANDS`]).
    #[inline]
    fn top2_row(&self, i: usize) -> (C::Work, usize, C::Work, usize) {
        if let Some(t) = self.cands.get(i) {
            let mut two = Two::new();
            for (&w, &j) in t.h.iter().zip(&t.j) {
                if j == NONE {
                    break;
                }
                let h = w - self.v[j];
                if h < C::Work::INF {
                    two.push(h, j);
                }
            }
            let (last_h, last_j) = (t.h[CANDS - 1], t.j[CANDS - 1]);
            if last_j == NONE
                || (two.j2 != NONE && (two.v2 < last_h || (two.v2 == last_h && two.j2 <= last_j)))
            {
                return (two.v1, two.j1, two.v2, two.j2);
            }
        }
        kernels::top2::<C, MAX>(self.isa, self.row(i), &self.v)
    }

    /// One pass of augmenting row reduction over `free`; returns the rows still free.
    fn augmenting_row_reduction(&mut self, mut free: Vec<usize>) -> Result<Vec<usize>, Stop> {
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
            self.scan_rows(i)?;
            // The two smallest reduced costs of row i.
            let (v1, mut j1, v2, j2) = self.top2_row(i);
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
        Ok(free)
    }

    /// Lists the rows whose reduced cost at some free column equals their minimum (tight rows):
    /// a search that settles such a row's column next reaches that free column at once.
    /// Square input with many ties only, once few free columns are left: it reads
    /// `n` entries per free column, down the columns.
    fn find_targets(&mut self) {
        let (n, m) = (self.n, self.m);
        let free_cols: Vec<usize> = (0..m).filter(|&j| self.y[j] == NONE).collect();
        self.targets.clear();
        for r in 0..n {
            let j = self.x[r];
            if j == NONE {
                continue;
            }
            let row = self.row(r);
            let u = row[j].to_work::<MAX>() - self.v[j];
            if free_cols
                .iter()
                .any(|&f| row[f].to_work::<MAX>() - self.v[f] == u)
            {
                self.targets.push(r);
            }
        }
    }

    /// Shortest augmenting path from free row `start`; augments along it.
    ///
    /// Dijkstra over the columns in natural order: each step relaxes every column against one
    /// newly reached row and finds the nearest unsettled column in the same pass
    /// ([`kernels::relax`]). A settled column is disabled by lowering its potential by
    /// `2 INF` and setting its distance to [`Work::INF`] (both saved first), so that no
    /// later relaxation can touch it: its reduced costs become infinite, which also rules out
    /// predecessor cycles from float rounding. When a free column is at the minimum distance
    /// it is taken at once (JV's preference for unassigned columns among ties).
    fn augment(&mut self, start: usize, buf: &mut PathBuffers<C::Work>) -> Result<(), HallWitness> {
        let inf = C::Work::INF;
        let PathBuffers {
            d,
            pred,
            dset,
            vset,
            settled,
            scanned,
            free_cols,
        } = buf;
        // With few free columns the lean pass leaves them to this loop (see `relax_lean`).
        let lean = free_cols.len() <= self.m / LEAN_FREE_SHARE;
        d.fill(inf);
        settled.clear();
        scanned.clear();
        // The start row's reduced costs have no known lower bound.
        let (mut i, mut h, mut lb) = (start, C::Work::ZERO, -inf - inf);
        let (sink, mind) = loop {
            scanned.push(i);
            let step = Step {
                v: &self.v,
                d,
                pred,
                pen: &self.pen,
                h,
                lb,
                i,
            };
            let best = if lean {
                let mut best =
                    kernels::relax_lean::<C, MAX>(self.isa, self.row(i), step, self.clean);
                nearest_free(&mut best, d, free_cols, lb);
                best
            } else {
                kernels::relax::<C, MAX>(self.isa, self.row(i), step, self.clean)
            };
            if !best.free_d.is_inf() && best.free_d <= best.all_d {
                break (best.free_j, best.free_d);
            }
            if best.all_d.is_inf() {
                // Nothing reachable: the rows reached so far can only use the settled columns.
                let mut rows = scanned.clone();
                rows.sort_unstable();
                let mut cols = settled.clone();
                cols.sort_unstable();
                return Err(HallWitness::new(rows, cols));
            }
            let (mut j, dj) = (best.all_j, best.all_d);
            // Goal-directed tie-break: among the columns at the minimum distance, settle first
            // one whose row is tight at a free column (any of them is a valid Dijkstra step).
            for &r in &self.targets {
                let c = self.x[r];
                if c != NONE && d[c] == dj {
                    j = c;
                    break;
                }
            }
            debug_assert!(self.y[j] != NONE);
            settled.push(j);
            dset[j] = dj;
            vset[j] = self.v[j];
            i = self.y[j];
            h = self.row(i)[j].to_work::<MAX>() - self.v[j] - dj;
            lb = dj;
            d[j] = inf;
            // Twice INF: for integers, distances may be negative (the start row's reduced
            // costs), and `cred + 2 INF` must stay at or above INF; floats get -inf either way.
            self.v[j] = self.v[j] - inf - inf;
        };
        debug_assert!(self.y[sink] == NONE);
        // Potentials of the settled columns: v[j] += d[j] - mind (0 for those at mind).
        for &j in settled.iter() {
            self.v[j] = vset[j] + (dset[j] - mind);
        }
        // Augment along the predecessor chain.
        self.pen[sink] = inf;
        if let Ok(k) = free_cols.binary_search(&sink) {
            free_cols.remove(k);
        }
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
    d: Vec<W>,
    pred: Vec<usize>,
    dset: Vec<W>,
    vset: Vec<W>,
    settled: Vec<usize>,
    scanned: Vec<usize>,
    /// The free columns, in increasing order.
    free_cols: Vec<usize>,
}

/// The searches use the lean pass ([`kernels::relax_lean`]) while at most one column in
/// `LEAN_FREE_SHARE` is free: reading the free columns' distances then costs less than
/// tracking their minimum in every pass.
const LEAN_FREE_SHARE: usize = 16;

/// Completes a lean pass's `best` with the free columns (`free`, in increasing order): the
/// first whose distance is within the search level `lb` ends the search, as the full pass's
/// early end would; else the nearest, the first among equals. The same result as
/// [`kernels::relax`], bit for bit.
#[inline]
fn nearest_free<W: Work>(best: &mut Best<W>, d: &[W], free: &[usize], lb: W) {
    let (mut fd, mut fj) = (W::INF, NONE);
    for &j in free {
        let dj = d[j];
        if dj <= lb {
            *best = Best {
                all_d: dj,
                all_j: j,
                free_d: dj,
                free_j: j,
            };
            return;
        }
        if dj < fd {
            fd = dj;
            fj = j;
        }
    }
    best.free_d = fd;
    best.free_j = fj;
}

/// Solves the assignment on `n <= m`, checking nothing about the input (the caller rejects NaN
/// and reports rows without allowed entries).
pub(crate) fn solve_wide<C: Cost, const MAX: bool>(
    c: &[C],
    n: usize,
    m: usize,
    check: Option<Check<'_>>,
) -> Result<Raw<C::Work>, Stop> {
    solve_wide_with::<C, MAX>(c, n, m, check, true)
}

/// [`solve_wide`]; without `stream`, wide input skips [`first_pass()`] and reads every
/// row where augmenting row reduction needs it (the reference the tests compare with: the
/// result is the same, bit for bit).
fn solve_wide_with<C: Cost, const MAX: bool>(
    c: &[C],
    n: usize,
    m: usize,
    check: Option<Check<'_>>,
    stream: bool,
) -> Result<Raw<C::Work>, Stop> {
    debug_assert!(n <= m && c.len() == n * m);
    // Wide input: the streaming first pass comes before anything else.
    let cands = if n < m && stream {
        Some(first_pass::<C, MAX>(c, n, m))
    } else {
        None
    };
    let mut lap = Lap::<C, MAX> {
        c,
        n,
        m,
        x: vec![NONE; n],
        y: vec![NONE; m],
        v: vec![C::Work::ZERO; m],
        pen: Vec::new(),
        isa: Isa::detect(),
        check,
        scanned: 0,
        clean: false,
        targets: Vec::new(),
        cands: RowCands::none(),
    };
    // Square input with many ties (integer-valued costs): row reduction with a greedy
    // assignment at the row minima, then straight to augmentation, with the goal-directed
    // tie-break at the end. Otherwise JV's column reduction and augmenting row reduction (which
    // makes no progress through ties). Wide input: one streaming pass over the matrix, then
    // augmenting row reduction from potentials 0.
    let ties_mode;
    let mut free = if n == m && n >= 8 && lap.many_ties() {
        ties_mode = true;
        lap.row_greedy()?
    } else if n == m {
        let (free, ties) = lap.column_reduction()?;
        ties_mode = ties >= free.len();
        if ties_mode {
            lap.zero_greedy(free)
        } else {
            free
        }
    } else {
        ties_mode = false;
        if let Some((cands, special)) = cands {
            lap.scanned = n;
            if special {
                lap.on_special()?;
            }
            lap.cands = cands;
        }
        (0..n).collect()
    };
    if !ties_mode {
        for _ in 0..2 {
            if free.is_empty() {
                break;
            }
            free = lap.augmenting_row_reduction(free)?;
        }
    }
    lap.cands = RowCands::none();
    lap.scan_rows(n - 1)?;
    // The check is still to run only if every row was scanned and none had such an entry.
    lap.clean = lap.check.is_some();

    if !free.is_empty() {
        lap.pen = lap
            .y
            .iter()
            .map(|&i| {
                if i == NONE {
                    C::Work::ZERO
                } else {
                    C::Work::INF
                }
            })
            .collect();
        let mut buf = PathBuffers {
            d: vec![C::Work::ZERO; m],
            pred: vec![0; m],
            dset: vec![C::Work::ZERO; m],
            vset: vec![C::Work::ZERO; m],
            settled: Vec::new(),
            scanned: Vec::new(),
            free_cols: (0..m).filter(|&j| lap.y[j] == NONE).collect(),
        };
        for (k, &i) in free.iter().enumerate() {
            if ties_mode && free.len() - k == GOAL_FREE.min(free.len()) {
                lap.find_targets();
            }
            lap.augment(i, &mut buf)?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic wide test matrix: small integers (many ties) or fractions, with
    /// forbidden entries (about one in `holes`).
    pub(super) fn wide(n: usize, m: usize, seed: u64, ties: bool, holes: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n * m)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let r = s >> 11;
                if r.is_multiple_of(holes) {
                    f64::INFINITY
                } else if ties {
                    (r % 13) as f64
                } else {
                    (r >> 20) as f64 / (1u64 << 33) as f64
                }
            })
            .collect()
    }

    /// The cached two smallest reduced costs are those of the row, bit for bit, whatever the
    /// (non-positive) potentials.
    #[test]
    fn cached_top2_is_the_row_top2() {
        for seed in 0..40 {
            let (n, m) = (8, 3 + seed as usize * 3);
            let c = wide(n, m, seed, seed % 2 == 0, 5);
            let mut lap = Lap::<f64, false> {
                c: &c,
                n,
                m,
                x: vec![NONE; n],
                y: vec![NONE; m],
                v: vec![0.0; m],
                pen: Vec::new(),
                isa: Isa::detect(),
                check: None,
                scanned: 0,
                clean: false,
                targets: Vec::new(),
                cands: RowCands::none(),
            };
            lap.cands = first_pass::<f64, false>(&c, n, m).0;
            let mut s = seed;
            for _ in 0..30 {
                for v in &mut lap.v {
                    s = s.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(3);
                    *v = match (s >> 40) % 4 {
                        0 | 1 => 0.0,
                        2 => -(((s >> 20) % 5) as f64),
                        _ => -((s >> 20) as f64 / (1u64 << 44) as f64),
                    };
                }
                for i in 0..n {
                    let a = lap.top2_row(i);
                    let b = kernels::top2::<f64, false>(Isa::Portable, lap.row(i), &lap.v);
                    assert_eq!(
                        (a.0.to_bits(), a.1, a.2.to_bits(), a.3),
                        (b.0.to_bits(), b.1, b.2.to_bits(), b.3),
                        "seed {seed} row {i}"
                    );
                }
            }
        }
    }
}
