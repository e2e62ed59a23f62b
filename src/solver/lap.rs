//! The dense shortest-augmenting-path solver (Jonker-Volgenant form of the Hungarian method).
//!
//! Works on `n` rows and `m >= n` columns, row-major, minimising costs in a [`Work`] type
//! (maximisation is minimisation of the negated costs, done on the fly through
//! [`Cost::to_work`]). Three phases, as in Jonker and Volgenant (1987):
//!
//! 1. **Initialisation.** Square input: column reduction (each column's potential is its
//!    minimum) followed by reduction transfer from rows that took a single column. Wide input
//!    (`n < m`): potentials start at zero, so that a column left unassigned keeps potential 0,
//!    which the rectangular dual requires, and one streaming pass over the matrix keeps each
//!    row's few smallest entries (a vectorised filter against the current last one; on a
//!    large matrix several threads read blocks of rows, as one core cannot use the memory
//!    bandwidth). Augmenting row reduction then works from these lists, and reads a row again
//!    only when its list cannot prove the row's two smallest reduced costs: on wide input it
//!    rarely does, so the whole solve often reads the matrix once. Square input with many
//!    ties (integer-valued costs, detected on a sample of rows, or by the ties met in column
//!    reduction) instead gets a greedy assignment at zero reduced cost, with early exit: row
//!    reduction (potentials 0, each row takes the first free column at its minimum), or after
//!    column reduction each free row takes the first free column where its reduced cost is
//!    zero.
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
//! row reduction, prefetch a page ahead of themselves ([`PREFETCH`]): the hardware prefetcher
//! stops at each 4 KiB page, and a matrix read from memory rather than from a cache (as one
//! just parsed from a file is) is read up to 1.5 times faster so.
//!
//! Invariants after every phase: each assigned row's column minimises `c[i][j] - v[j]` over its
//! row (so `u[i] = c[i][x[i]] - v[x[i]]` gives a feasible dual), and on wide input every column
//! with `v[j] != 0` is assigned and `v[j] <= 0`.
//!
//! Complexity: `O(n^2 m)` in the worst case, typically far less; memory `O(m)` beyond the input.

// The small kernels are `#[inline(always)]` on purpose: they must be inlined into the
// `#[target_feature]` wrappers of `multiversion!` to be compiled for the wider instruction set.
#![allow(clippy::inline_always)]

use super::cost::{Cost, Work};
use std::any::TypeId;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Budget of augmenting-row-reduction steps per initially free row (see
/// `augmenting_row_reduction`).
const ARR_STEPS_PER_ROW: usize = 8;

/// Number of free rows left when the goal-directed tie-break of the augmentations starts
/// (square input with many ties; see [`Lap::find_targets`]).
const GOAL_FREE: usize = 16;

/// Entries kept per row by the first pass over wide input (see [`Cands`]): the eviction
/// chains of augmenting row reduction then re-read a row from memory only when its
/// `CANDS` smallest entries no longer prove its two smallest reduced costs.
const CANDS: usize = 6;

/// Matrix entries per block of rows of the parallel first pass over wide input, at most (a
/// block has a power of two of rows: for `f64`, between 0.5 and 1 MiB).
const TASK_ENTRIES: usize = 1 << 17;

/// Wide input with fewer entries than this is read by the first pass on one thread (handing
/// blocks to another thread costs more than it saves).
const PAR_ENTRIES: usize = 1 << 18;

/// At most this many helper tasks in the first pass over wide input (memory bandwidth, not
/// computation, bounds it).
const MAX_HELPERS: usize = 3;

/// "No row" / "no column".
pub(crate) const NONE: usize = usize::MAX;

/// A Hall-type witness of infeasibility: `rows` can only use `cols`, and there are fewer of
/// them (or `rows` is one row with no allowed entry, `cols` empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Witness {
    pub(crate) rows: Vec<usize>,
    pub(crate) cols: Vec<usize>,
}

/// Why [`solve_wide`] stopped without a solution.
#[derive(Debug)]
pub(crate) enum Stop {
    /// No complete assignment exists.
    Infeasible(Witness),
    /// The fused input check failed (NaN, a row or column with no allowed entry).
    Input(crate::Error),
}

impl From<Witness> for Stop {
    fn from(w: Witness) -> Self {
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
    /// Rows tight at a free column, for the goal-directed tie-break of the last augmentations
    /// (see [`Lap::find_targets`]); empty when not in use.
    targets: Vec<usize>,
    /// Each row's smallest entries, from the first pass over wide input ([`first_pass`]), for
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
            let special = special_entries::call::<C, MAX>(self.isa, self.row(self.scanned));
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
                column_minima::call::<C, MAX>(self.isa, self.row(i), &mut self.v, &mut self.y, i);
            ties += t;
            if special {
                self.on_special()?;
            }
        }
        self.scanned = n;
        if let Some(j) = self.v.iter().position(|v| v.is_inf()) {
            return Err(Stop::Infeasible(Witness {
                rows: (0..n).collect(),
                cols: (0..m).filter(|&k| k != j).collect(),
            }));
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
                let (v1, j1, v2, _) = top2_dispatch::<C, MAX>(self.isa, self.row(i), &self.v);
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
            let mu = row_minimum::call::<C, MAX>(self.isa, row, &self.v);
            match free_zero::call::<C, MAX>(self.isa, row, &self.v, &self.y, mu) {
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
            match free_zero::call::<C, MAX>(self.isa, self.row(i), &self.v, &self.y, C::Work::ZERO)
            {
                Some(j) => {
                    self.x[i] = j;
                    self.y[j] = i;
                }
                None => rest.push(i),
            }
        }
        rest
    }

    /// The two smallest reduced costs of row `i` and their columns, as [`top2`] computes them:
    /// from the row's [`Cands`] when they prove the answer, else from the row.
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
        top2_dispatch::<C, MAX>(self.isa, self.row(i), &self.v)
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
    /// ([`relax_min`]). A settled column is disabled by lowering its potential by
    /// `2 INF` and setting its distance to [`Work::INF`] (both saved first), so that no
    /// later relaxation can touch it: its reduced costs become infinite, which also rules out
    /// predecessor cycles from float rounding. When a free column is at the minimum distance
    /// it is taken at once (JV's preference for unassigned columns among ties).
    fn augment(&mut self, start: usize, buf: &mut PathBuffers<C::Work>) -> Result<(), Witness> {
        let inf = C::Work::INF;
        let PathBuffers {
            d,
            pred,
            dset,
            vset,
            settled,
            scanned,
        } = buf;
        d.fill(inf);
        settled.clear();
        scanned.clear();
        // The start row's reduced costs have no known lower bound.
        let (mut i, mut h, mut lb) = (start, C::Work::ZERO, -inf - inf);
        let (sink, mind) = loop {
            scanned.push(i);
            let best = relax_dispatch::<C, MAX>(
                self.isa,
                self.row(i),
                &self.v,
                d,
                pred,
                &self.pen,
                h,
                lb,
                i,
            );
            if !best.free_d.is_inf() && best.free_d <= best.all_d {
                break (best.free_j, best.free_d);
            }
            if best.all_d.is_inf() {
                // Nothing reachable: the rows reached so far can only use the settled columns.
                let mut rows = scanned.clone();
                rows.sort_unstable();
                let mut cols = settled.clone();
                cols.sort_unstable();
                return Err(Witness { rows, cols });
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

/// The first pass over wide input: each row's [`Cands`] (potentials are all 0 then), and
/// whether the matrix has a NaN or forbidden entry (the fused input check).
///
/// The pass is bound by memory bandwidth, which one core cannot use fully, and rows are
/// independent. So on a large matrix, blocks of rows are handed out through an atomic counter
/// to this thread and to helper tasks on the current rayon pool (the global one when called
/// outside a pool): the pass starts at once, and a helper that starts late only takes the
/// blocks that are left. Each block's result depends on its rows alone (the kernels of every
/// instruction set agree bit for bit), so the outcome does not depend on the number of threads
/// or on who took which block. As with any rayon call from outside the pool, a caller outside
/// it returns only once each helper task has been picked up by a pool thread (a late one finds
/// no block left and ends at once).
fn first_pass<C: Cost, const MAX: bool>(c: &[C], n: usize, m: usize) -> (RowCands<C::Work>, bool) {
    let isa = Isa::detect();
    // One block of rows: its candidates, and whether it has a NaN or forbidden entry. Each
    // block's list is allocated by the thread that fills it (page faults are slow in a virtual
    // machine: one list for all rows would cost this thread tens of microseconds up front).
    let block = |first: usize, rows: usize| {
        let mut special = false;
        let list = (first..(first + rows).min(n))
            .map(|i| {
                let (cand, sp) = cands_dispatch::<C, MAX>(isa, &c[i * m..(i + 1) * m]);
                special |= sp;
                cand
            })
            .collect::<Vec<_>>();
        (list, special)
    };
    // A power of two, for a cheap look-up (see `RowCands::get`).
    let shift = (TASK_ENTRIES / m).max(1).ilog2();
    let rows = 1 << shift;
    // Outside a pool this asks for the global pool, and so starts it on the first call.
    let helpers = if c.len() >= PAR_ENTRIES && n > rows {
        (rayon::current_num_threads() - 1).min(MAX_HELPERS)
    } else {
        0
    };
    if helpers == 0 {
        let (list, special) = block(0, n);
        return (
            RowCands {
                blocks: vec![list],
                shift: usize::BITS - 1,
            },
            special,
        );
    }
    let slots: Vec<OnceLock<Vec<Cands<C::Work>>>> =
        (0..n.div_ceil(rows)).map(|_| OnceLock::new()).collect();
    // Blocks are taken from the last one back: the rows read last into the matrix are the
    // likeliest to be still in a cache (measured: 5 to 10% faster on freshly read matrices).
    let taken = AtomicUsize::new(0);
    let special = AtomicBool::new(false);
    let work = || loop {
        let k = taken.fetch_add(1, Ordering::Relaxed);
        let Some(b) = slots.len().checked_sub(k + 1) else {
            break;
        };
        let (list, sp) = block(b * rows, rows);
        if sp {
            special.store(true, Ordering::Relaxed);
        }
        // Block `b` is taken once (its number came from the counter), so it is unset.
        let _ = slots[b].set(list);
    };
    // The helpers are tasks of the pool; on a pool thread, this thread runs them itself if no
    // other thread has taken them when its own work is done.
    rayon::in_place_scope(|s| {
        for _ in 0..helpers {
            s.spawn(|_| work());
        }
        work();
    });
    let blocks = slots
        .into_iter()
        .map(|b| b.into_inner().expect("every block is filled"))
        .collect();
    (RowCands { blocks, shift }, special.into_inner())
}

/// Each row's [`Cands`], in blocks of `2^shift` rows (as [`first_pass`] makes them; `shift`
/// is below `usize::BITS`); no block when not in use.
struct RowCands<W> {
    blocks: Vec<Vec<Cands<W>>>,
    shift: u32,
}

impl<W> RowCands<W> {
    fn none() -> Self {
        RowCands {
            blocks: Vec::new(),
            shift: 0,
        }
    }

    /// Row `i`'s candidates, if in use.
    #[inline]
    fn get(&self, i: usize) -> Option<&Cands<W>> {
        self.blocks
            .get(i >> self.shift)?
            .get(i & ((1 << self.shift) - 1))
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
}

/// Result of one [`relax_min`] pass.
struct Best<W> {
    all_d: W,
    all_j: usize,
    free_d: W,
    free_j: usize,
}

impl<W: Copy> Best<W> {
    /// The pass stopped at free column `j`, reached at distance `d` no greater than the search
    /// level: it ends the search, so the minimum over all columns is not needed.
    #[inline(always)]
    fn hit(d: W, j: usize) -> Self {
        Best {
            all_d: d,
            all_j: j,
            free_d: d,
            free_j: j,
        }
    }
}

/// Lanes of the branch-free loops: one AVX-512 vector of `f64`, two AVX2 vectors.
const LANES: usize = 8;

/// One Dijkstra step over all columns: `d[k] = min(d[k], w[k] - v[k] - h)` (recording row
/// `i` as predecessor where it improves), returning the first column of least `d` and the first
/// column of least `d + pen` (`pen` is 0 on free columns, [`Work::INF`] on assigned ones).
///
/// `lb` is the level of the search (no unsettled column can be nearer): the first free column
/// whose new distance is at most `lb` ends the pass at once ([`Best::hit`]), as it is a
/// shortest augmenting path. Columns after it are then left unrelaxed, which the search does
/// not need. This is what keeps integer problems with many ties fast.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn relax_min<C: Cost, const MAX: bool>(
    row: &[C],
    v: &[C::Work],
    d: &mut [C::Work],
    pred: &mut [usize],
    pen: &[C::Work],
    h: C::Work,
    lb: C::Work,
    i: usize,
) -> Best<C::Work> {
    let inf = C::Work::INF;
    let m = row.len();
    let (v, d, pred, pen) = (&v[..m], &mut d[..m], &mut pred[..m], &pen[..m]);
    let mut ma = [inf; LANES];
    let mut ia = [NONE; LANES];
    let mut mf = [inf; LANES];
    let mut jf = [NONE; LANES];
    let split = m - m % LANES;
    let chunks = row[..split]
        .chunks_exact(LANES)
        .zip(v[..split].chunks_exact(LANES))
        .zip(d[..split].chunks_exact_mut(LANES))
        .zip(pred[..split].chunks_exact_mut(LANES))
        .zip(pen[..split].chunks_exact(LANES));
    for (c, ((((rc, vc), dc), pc), qc)) in chunks.enumerate() {
        let base = c * LANES;
        let mut hit = [false; LANES];
        for l in 0..LANES {
            let cred = rc[l].to_work::<MAX>() - vc[l] - h;
            let better = cred < dc[l];
            let nd = if better { cred } else { dc[l] };
            dc[l] = nd;
            pc[l] = if better { i } else { pc[l] };
            let k = base + l;
            if nd < ma[l] {
                ma[l] = nd;
                ia[l] = k;
            }
            let f = nd + qc[l];
            hit[l] = f <= lb;
            if f < mf[l] {
                mf[l] = f;
                jf[l] = k;
            }
        }
        if hit.contains(&true) {
            let l = hit.iter().position(|&b| b).unwrap_or(0);
            return Best::hit(dc[l], base + l);
        }
    }
    let mut best = Best {
        all_d: inf,
        all_j: NONE,
        free_d: inf,
        free_j: NONE,
    };
    for l in 0..LANES {
        if ma[l] < best.all_d || (ma[l] == best.all_d && ia[l] < best.all_j) {
            best.all_d = ma[l];
            best.all_j = ia[l];
        }
        if mf[l] < best.free_d || (mf[l] == best.free_d && jf[l] < best.free_j) {
            best.free_d = mf[l];
            best.free_j = jf[l];
        }
    }
    for k in split..m {
        let cred = row[k].to_work::<MAX>() - v[k] - h;
        if cred < d[k] {
            d[k] = cred;
            pred[k] = i;
        }
        if d[k] < best.all_d {
            best.all_d = d[k];
            best.all_j = k;
        }
        let f = d[k] + pen[k];
        if f <= lb {
            return Best::hit(d[k], k);
        }
        if f < best.free_d {
            best.free_d = f;
            best.free_j = k;
        }
    }
    best
}

/// The two smallest reduced costs `w[k] - v[k]` of a row and their columns, ties to the lower
/// column (entries equal to [`Work::INF`] are ignored; missing ones are `(INF, NONE)`).
#[inline(always)]
fn top2<C: Cost, const MAX: bool>(row: &[C], v: &[C::Work]) -> (C::Work, usize, C::Work, usize) {
    let (mut v1, mut j1) = (C::Work::INF, NONE);
    let (mut v2, mut j2) = (C::Work::INF, NONE);
    for (j, (&c, &v)) in row.iter().zip(v).enumerate() {
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
    (v1, j1, v2, j2)
}

/// The [`CANDS`] smallest entries of a row in work arithmetic, in (value, column) order; forbidden
/// entries are left out, and missing ones are `(INF, NONE)`.
#[derive(Debug, Clone, Copy)]
struct Cands<W> {
    h: [W; CANDS],
    j: [usize; CANDS],
}

impl<W: Work> Cands<W> {
    fn new() -> Self {
        Cands {
            h: [W::INF; CANDS],
            j: [NONE; CANDS],
        }
    }

    /// Adds entry `h` of column `k`, which must come after every column added so far.
    #[inline(always)]
    fn insert(&mut self, h: W, k: usize) {
        if h < self.h[CANDS - 1] {
            let mut p = CANDS - 1;
            while p > 0 && h < self.h[p - 1] {
                self.h[p] = self.h[p - 1];
                self.j[p] = self.j[p - 1];
                p -= 1;
            }
            self.h[p] = h;
            self.j[p] = k;
        }
    }
}

/// A row's [`Cands`], and whether it has a NaN or forbidden entry (the fused input check).
///
/// Each block of [`LANES`] columns is first compared with the current last candidate
/// branch-free (vectorised); only a block with a smaller entry is inserted column by column.
/// On a row in random order that happens about `CANDS ln(m / CANDS)` times, so the pass runs
/// at the speed of the memory.
#[inline(always)]
fn row_cands<C: Cost, const MAX: bool>(row: &[C]) -> (Cands<C::Work>, bool) {
    let mut t = Cands::new();
    let mut special = false;
    let m = row.len();
    let split = m - m % LANES;
    for (b, rc) in row[..split].chunks_exact(LANES).enumerate() {
        let last = t.h[CANDS - 1];
        let (mut any, mut sp) = (false, false);
        for &c in rc {
            sp |= c.is_special();
            any |= c.to_work::<MAX>() < last;
        }
        special |= sp;
        if any {
            for (l, &c) in rc.iter().enumerate() {
                t.insert(c.to_work::<MAX>(), b * LANES + l);
            }
        }
    }
    for (k, &c) in row.iter().enumerate().skip(split) {
        special |= c.is_special();
        t.insert(c.to_work::<MAX>(), k);
    }
    (t, special)
}

/// Merges candidate `(value, column)` pairs into the two smallest, lower column first among
/// equal values; `NONE` columns are skipped.
#[derive(Clone, Copy)]
struct Two<W> {
    v1: W,
    j1: usize,
    v2: W,
    j2: usize,
}

impl<W: Work> Two<W> {
    fn new() -> Self {
        Two {
            v1: W::INF,
            j1: NONE,
            v2: W::INF,
            j2: NONE,
        }
    }

    fn push(&mut self, h: W, k: usize) {
        if k == NONE {
            return;
        }
        if h < self.v1 || (h == self.v1 && k < self.j1) {
            self.v2 = self.v1;
            self.j2 = self.j1;
            self.v1 = h;
            self.j1 = k;
        } else if h < self.v2 || (h == self.v2 && k < self.j2) {
            self.v2 = h;
            self.j2 = k;
        }
    }
}

/// Column minima over one row: `v[k] = min(v[k], w[k])`, recording row `i` where it improves.
/// Returns whether the row has a NaN or forbidden entry (the fused pre-check) and how many of
/// its entries tie with their column's minimum so far. This is the first read of each row of
/// square input: it prefetches ([`prefetch_ahead`]).
#[inline(always)]
fn col_min<C: Cost, const MAX: bool>(
    row: &[C],
    v: &mut [C::Work],
    y: &mut [usize],
    i: usize,
) -> (bool, usize) {
    const BLOCK: usize = 64;
    let m = row.len();
    let (v, y) = (&mut v[..m], &mut y[..m]);
    let split = m - m % BLOCK;
    let mut acc = (false, 0usize);
    for ((rc, vc), yc) in row[..split]
        .chunks_exact(BLOCK)
        .zip(v[..split].chunks_exact_mut(BLOCK))
        .zip(y[..split].chunks_exact_mut(BLOCK))
    {
        for line in (0..BLOCK * size_of::<C>()).step_by(64) {
            prefetch_ahead(rc.as_ptr().cast::<u8>().wrapping_add(line));
        }
        let rc: &[C; BLOCK] = rc.try_into().expect("a block");
        let vc: &mut [C::Work; BLOCK] = vc.try_into().expect("a block");
        let yc: &mut [usize; BLOCK] = yc.try_into().expect("a block");
        col_min_part::<C, MAX>(rc, vc, yc, i, &mut acc);
    }
    col_min_part::<C, MAX>(&row[split..], &mut v[split..], &mut y[split..], i, &mut acc);
    acc
}

/// [`col_min`] over a part of the row, adding to `(special, ties)`.
#[inline(always)]
fn col_min_part<C: Cost, const MAX: bool>(
    row: &[C],
    v: &mut [C::Work],
    y: &mut [usize],
    i: usize,
    (special, ties): &mut (bool, usize),
) {
    for ((&c, v), y) in row.iter().zip(v.iter_mut()).zip(y.iter_mut()) {
        let w = c.to_work::<MAX>();
        *special |= c.is_special();
        *ties += usize::from(w == *v);
        let better = w < *v;
        *v = if better { w } else { *v };
        *y = if better { i } else { *y };
    }
}

/// Whether a row has a NaN or forbidden entry (the fused pre-check; on square input with many
/// ties the first read of each row, so it prefetches).
#[inline(always)]
fn row_special<C: Cost, const MAX: bool>(row: &[C]) -> bool {
    let split = row.len() - row.len() % LANES;
    let mut special = false;
    for rc in row[..split].chunks_exact(LANES) {
        prefetch_ahead(rc.as_ptr());
        special |= rc.iter().fold(false, |a, &c| a | c.is_special());
    }
    special | row[split..].iter().fold(false, |a, &c| a | c.is_special())
}

/// How far ahead of the current column the first read of a row prefetches, in bytes. The
/// hardware prefetcher stops at every 4 KiB page; a software prefetch a page ahead keeps the
/// stream going across page and row boundaries (measured: a freshly read matrix is read up
/// to 1.5 times faster).
const PREFETCH: usize = 4096;

/// Prefetches into the L2 cache the line [`PREFETCH`] bytes after `p`.
#[inline(always)]
fn prefetch_ahead<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT1 (SSE, part of the x86-64 baseline) is a hint: it never faults and
    // changes no memory, whatever the address; `wrapping_add` computes the address without the
    // in-bounds requirement of `add`.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};
        _mm_prefetch::<_MM_HINT_T1>(p.cast::<i8>().wrapping_add(PREFETCH));
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The first free column `k` (`y[k]` is `NONE`) where the row's reduced cost `w[k] - v[k]` is
/// `mu`. Tests a block of columns branch-free first (vectorised), and looks at `y` only in a
/// block that has one.
#[inline(always)]
fn first_free_zero<C: Cost, const MAX: bool>(
    row: &[C],
    v: &[C::Work],
    y: &[usize],
    mu: C::Work,
) -> Option<usize> {
    const BLOCK: usize = 16;
    let m = row.len();
    let (v, y) = (&v[..m], &y[..m]);
    let split = m - m % BLOCK;
    for (b, (rc, vc)) in row[..split]
        .chunks_exact(BLOCK)
        .zip(v[..split].chunks_exact(BLOCK))
        .enumerate()
    {
        let any = rc
            .iter()
            .zip(vc)
            .fold(false, |a, (&c, &v)| a | (c.to_work::<MAX>() - v == mu));
        if any {
            let base = b * BLOCK;
            for l in 0..BLOCK {
                if rc[l].to_work::<MAX>() - vc[l] == mu && y[base + l] == NONE {
                    return Some(base + l);
                }
            }
        }
    }
    (split..m).find(|&k| row[k].to_work::<MAX>() - v[k] == mu && y[k] == NONE)
}

/// The minimum of a row's reduced costs `w[k] - v[k]` ([`Work::INF`] if none is allowed).
#[inline(always)]
fn row_min<C: Cost, const MAX: bool>(row: &[C], v: &[C::Work]) -> C::Work {
    let m = row.len();
    let v = &v[..m];
    let mut mn = [C::Work::INF; LANES];
    let split = m - m % LANES;
    for (rc, vc) in row[..split]
        .chunks_exact(LANES)
        .zip(v[..split].chunks_exact(LANES))
    {
        for l in 0..LANES {
            let h = rc[l].to_work::<MAX>() - vc[l];
            mn[l] = if h < mn[l] { h } else { mn[l] };
        }
    }
    let mut best = mn
        .iter()
        .fold(C::Work::INF, |a, &x| if x < a { x } else { a });
    for (&c, &v) in row[split..].iter().zip(&v[split..]) {
        let h = c.to_work::<MAX>() - v;
        if h < best {
            best = h;
        }
    }
    best
}

/// The least and greatest allowed entries of a row (forbidden ones left out), in the work
/// arithmetic of the minimising sense; `(HIGHEST, LOWEST)` when none is allowed. The span
/// check of integer costs reads every entry with it, branch-free (vectorised).
#[inline(always)]
fn row_range<C: Cost, const MAX: bool>(row: &[C]) -> (C::Work, C::Work) {
    let mut lo = [C::Work::HIGHEST; LANES];
    let mut hi = [C::Work::LOWEST; LANES];
    let split = row.len() - row.len() % LANES;
    for rc in row[..split].chunks_exact(LANES) {
        for l in 0..LANES {
            let (ok, w) = (!rc[l].is_forbidden(), rc[l].to_work::<false>());
            lo[l] = if ok && w < lo[l] { w } else { lo[l] };
            hi[l] = if ok && w > hi[l] { w } else { hi[l] };
        }
    }
    let (mut a, mut b) = (C::Work::HIGHEST, C::Work::LOWEST);
    for l in 0..LANES {
        a = if lo[l] < a { lo[l] } else { a };
        b = if hi[l] > b { hi[l] } else { b };
    }
    for &c in &row[split..] {
        if !c.is_forbidden() {
            let w = c.to_work::<false>();
            a = if w < a { w } else { a };
            b = if w > b { w } else { b };
        }
    }
    (a, b)
}

/// [`row_range`] on the widest instruction set of this CPU.
pub(crate) fn entry_range<C: Cost>(isa: Isa, row: &[C]) -> (C::Work, C::Work) {
    entry_range_kernel::call::<C, false>(isa, row)
}

/// Which instruction set the hot loops are compiled for, detected once per solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// The build's baseline target features.
    Portable,
    /// AVX2 (x86-64), detected at run time.
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// AVX-512F (x86-64), detected at run time.
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Isa {
    /// The widest instruction set this CPU supports.
    pub(crate) fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Isa::Avx2;
            }
        }
        Isa::Portable
    }
}

/// Compiles a `#[inline(always)]` kernel three times (portable, AVX2, AVX-512F) and dispatches
/// on an [`Isa`].
macro_rules! multiversion {
    ($name:ident, $body:ident, ($($p:ident: $t:ty),*) -> $r:ty) => {
        mod $name {
            use super::*;

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f")]
            #[allow(clippy::too_many_arguments)]
            fn avx512<C: Cost, const MAX: bool>($($p: $t),*) -> $r {
                $body::<C, MAX>($($p),*)
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            #[allow(clippy::too_many_arguments)]
            fn avx2<C: Cost, const MAX: bool>($($p: $t),*) -> $r {
                $body::<C, MAX>($($p),*)
            }

            #[allow(clippy::too_many_arguments)]
            pub(super) fn call<C: Cost, const MAX: bool>(isa: Isa, $($p: $t),*) -> $r {
                match isa {
                    // SAFETY: `Isa::Avx512` is only made by `Isa::detect` after
                    // `is_x86_feature_detected!("avx512f")` returned true, so the CPU running
                    // this code supports every instruction the target feature enables.
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => unsafe { avx512::<C, MAX>($($p),*) },
                    // SAFETY: as above, with `is_x86_feature_detected!("avx2")`.
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => unsafe { avx2::<C, MAX>($($p),*) },
                    Isa::Portable => $body::<C, MAX>($($p),*),
                }
            }
        }
    };
}

multiversion!(relax, relax_min, (row: &[C], v: &[C::Work], d: &mut [C::Work], pred: &mut [usize], pen: &[C::Work], h: C::Work, lb: C::Work, i: usize) -> Best<C::Work>);
multiversion!(column_minima, col_min, (row: &[C], v: &mut [C::Work], y: &mut [usize], i: usize) -> (bool, usize));
multiversion!(special_entries, row_special, (row: &[C]) -> bool);
multiversion!(row_candidates, row_cands, (row: &[C]) -> (Cands<C::Work>, bool));
multiversion!(row_minimum, row_min, (row: &[C], v: &[C::Work]) -> C::Work);
multiversion!(entry_range_kernel, row_range, (row: &[C]) -> (C::Work, C::Work));
multiversion!(free_zero, first_free_zero, (row: &[C], v: &[C::Work], y: &[usize], mu: C::Work) -> Option<usize>);

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

/// [`solve_wide`]; without `stream`, wide input skips [`first_pass`] and reads every
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

/// [`row_cands`] through the explicit-SIMD kernels of [`simd`] when the costs are `f64` and the
/// CPU has AVX2 or AVX-512F, else through the portable loop.
#[inline]
fn cands_dispatch<C: Cost, const MAX: bool>(isa: Isa, row: &[C]) -> (Cands<C::Work>, bool) {
    #[cfg(target_arch = "x86_64")]
    if isa != Isa::Portable && TypeId::of::<C>() == TypeId::of::<f64>() {
        // SAFETY: `C` is `f64` (equal `TypeId`s): the slice is reinterpreted as its own type,
        // length unchanged.
        let row = unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<f64>(), row.len()) };
        let (t, special) = match isa {
            // SAFETY: `Isa::Avx512` is only made after `is_x86_feature_detected!("avx512f")`.
            Isa::Avx512 => unsafe { simd::cands_avx512::<MAX>(row) },
            // SAFETY: `Isa::Avx2` is only made after `is_x86_feature_detected!("avx2")`.
            _ => unsafe { simd::cands_avx2::<MAX>(row) },
        };
        // SAFETY: `C::Work` is `f64` as well (the work type of `f64`), so `Cands<f64>` is
        // `Cands<C::Work>`; `transmute_copy` reads it as its own type.
        return (unsafe { std::mem::transmute_copy(&t) }, special);
    }
    #[cfg(target_arch = "x86_64")]
    if isa != Isa::Portable
        && (TypeId::of::<C>() == TypeId::of::<i64>() || TypeId::of::<C>() == TypeId::of::<i32>())
    {
        let m = row.len();
        let (t, special) = if TypeId::of::<C>() == TypeId::of::<i64>() {
            // SAFETY: `C` is `i64`: the row is reinterpreted as its own type.
            let row = unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<i64>(), m) };
            cands_int::<i64, MAX>(isa, row)
        } else {
            // SAFETY: `C` is `i32`: the row is reinterpreted as its own type.
            let row = unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<i32>(), m) };
            cands_int::<i32, MAX>(isa, row)
        };
        // SAFETY: `C::Work` is `i64` (the work type of `i64` and `i32`), so `Cands<i64>` is
        // `Cands<C::Work>`; `transmute_copy` reads it as its own type.
        return (unsafe { std::mem::transmute_copy(&t) }, special);
    }
    row_candidates::call::<C, MAX>(isa, row)
}

/// The integer [`row_cands`] kernels of [`simd`] for a SIMD instruction set (not
/// [`Isa::Portable`]).
#[cfg(target_arch = "x86_64")]
#[inline]
fn cands_int<C: Cost<Work = i64>, const MAX: bool>(isa: Isa, row: &[C]) -> (Cands<i64>, bool) {
    match isa {
        // SAFETY: `Isa::Avx512` is only made after `is_x86_feature_detected!("avx512f")`, and
        // `C` is `i64` or `i32`.
        Isa::Avx512 => unsafe { simd::cands_int_avx512::<C, MAX>(row) },
        // SAFETY: `Isa::Avx2` is only made after `is_x86_feature_detected!("avx2")`; as above.
        _ => unsafe { simd::cands_int_avx2::<C, MAX>(row) },
    }
}

/// [`top2`] through the explicit-SIMD kernels of [`simd`] when the costs are `f64` and the CPU
/// has AVX2 or AVX-512F, else through the portable loop.
#[inline]
fn top2_dispatch<C: Cost, const MAX: bool>(
    isa: Isa,
    row: &[C],
    v: &[C::Work],
) -> (C::Work, usize, C::Work, usize) {
    #[cfg(target_arch = "x86_64")]
    if isa != Isa::Portable && TypeId::of::<C>() == TypeId::of::<f64>() {
        let m = row.len();
        assert!(v.len() >= m);
        // SAFETY: `C` is `f64` (equal `TypeId`s) and so is its work type: the slices are
        // reinterpreted as their own type, lengths unchanged.
        let (row, v) = unsafe {
            (
                std::slice::from_raw_parts(row.as_ptr().cast::<f64>(), m),
                std::slice::from_raw_parts(v.as_ptr().cast::<f64>(), m),
            )
        };
        let t = match isa {
            // SAFETY: `Isa::Avx512` is only made after `is_x86_feature_detected!("avx512f")`.
            Isa::Avx512 => unsafe { simd::top2_avx512::<MAX>(row, v) },
            // SAFETY: `Isa::Avx2` is only made after `is_x86_feature_detected!("avx2")`.
            _ => unsafe { simd::top2_avx2::<MAX>(row, v) },
        };
        // SAFETY: as above, `C::Work` is `f64`.
        return unsafe {
            (
                *std::ptr::from_ref(&t.v1).cast::<C::Work>(),
                t.j1,
                *std::ptr::from_ref(&t.v2).cast::<C::Work>(),
                t.j2,
            )
        };
    }
    #[cfg(target_arch = "x86_64")]
    if isa != Isa::Portable
        && (TypeId::of::<C>() == TypeId::of::<i64>() || TypeId::of::<C>() == TypeId::of::<i32>())
    {
        let m = row.len();
        assert!(v.len() >= m);
        // SAFETY: `C` is `i64` or `i32` (equal `TypeId`s), whose work type is `i64`: the
        // potentials are reinterpreted as their own type, length unchanged.
        let v = unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<i64>(), m) };
        let t = if TypeId::of::<C>() == TypeId::of::<i64>() {
            // SAFETY: `C` is `i64`: the row is reinterpreted as its own type.
            let row = unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<i64>(), m) };
            top2_int::<i64, MAX>(isa, row, v)
        } else {
            // SAFETY: `C` is `i32`: the row is reinterpreted as its own type.
            let row = unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<i32>(), m) };
            top2_int::<i32, MAX>(isa, row, v)
        };
        // SAFETY: as above, `C::Work` is `i64`.
        return unsafe {
            (
                *std::ptr::from_ref(&t.v1).cast::<C::Work>(),
                t.j1,
                *std::ptr::from_ref(&t.v2).cast::<C::Work>(),
                t.j2,
            )
        };
    }
    top2::<C, MAX>(row, v)
}

/// The integer [`top2`] kernels of [`simd`] for a SIMD instruction set (not [`Isa::Portable`]).
#[cfg(target_arch = "x86_64")]
#[inline]
fn top2_int<C: Cost<Work = i64>, const MAX: bool>(isa: Isa, row: &[C], v: &[i64]) -> Two<i64> {
    match isa {
        // SAFETY: `Isa::Avx512` is only made after `is_x86_feature_detected!("avx512f")`; the
        // caller checked the slice length, and `C` is `i64` or `i32`.
        Isa::Avx512 => unsafe { simd::top2_int_avx512::<C, MAX>(row, v) },
        // SAFETY: `Isa::Avx2` is only made after `is_x86_feature_detected!("avx2")`; as above.
        _ => unsafe { simd::top2_int_avx2::<C, MAX>(row, v) },
    }
}

/// [`relax_min`] through the explicit-SIMD kernels of [`simd`] when the costs are `f64`, `i64`
/// or `i32` and the CPU has AVX2 or AVX-512F, else through the portable loop.
#[inline]
#[allow(clippy::too_many_arguments)]
fn relax_dispatch<C: Cost, const MAX: bool>(
    isa: Isa,
    row: &[C],
    v: &[C::Work],
    d: &mut [C::Work],
    pred: &mut [usize],
    pen: &[C::Work],
    h: C::Work,
    lb: C::Work,
    i: usize,
) -> Best<C::Work> {
    #[cfg(target_arch = "x86_64")]
    if isa != Isa::Portable && TypeId::of::<C>() == TypeId::of::<f64>() {
        let m = row.len();
        assert!(v.len() >= m && d.len() >= m && pred.len() >= m && pen.len() >= m);
        // SAFETY: `C` is `f64` (equal `TypeId`s), and `f64`'s work type is `f64`, so every
        // slice below is reinterpreted as its own type; lengths are unchanged.
        let (row, v, d, pen, h, lb) = unsafe {
            (
                std::slice::from_raw_parts(row.as_ptr().cast::<f64>(), m),
                std::slice::from_raw_parts(v.as_ptr().cast::<f64>(), m),
                std::slice::from_raw_parts_mut(d.as_mut_ptr().cast::<f64>(), m),
                std::slice::from_raw_parts(pen.as_ptr().cast::<f64>(), m),
                *std::ptr::from_ref(&h).cast::<f64>(),
                *std::ptr::from_ref(&lb).cast::<f64>(),
            )
        };
        let pred = &mut pred[..m];
        let b = match isa {
            // SAFETY: `Isa::Avx512` is only made after `is_x86_feature_detected!("avx512f")`.
            Isa::Avx512 => unsafe { simd::relax_avx512::<MAX>(row, v, d, pred, pen, h, lb, i) },
            // SAFETY: `Isa::Avx2` is only made after `is_x86_feature_detected!("avx2")`.
            _ => unsafe { simd::relax_avx2::<MAX>(row, v, d, pred, pen, h, lb, i) },
        };
        // SAFETY: as above, `C::Work` is `f64`.
        return unsafe {
            Best {
                all_d: *std::ptr::from_ref(&b.all_d).cast::<C::Work>(),
                all_j: b.all_j,
                free_d: *std::ptr::from_ref(&b.free_d).cast::<C::Work>(),
                free_j: b.free_j,
            }
        };
    }
    #[cfg(target_arch = "x86_64")]
    if isa != Isa::Portable
        && (TypeId::of::<C>() == TypeId::of::<i64>() || TypeId::of::<C>() == TypeId::of::<i32>())
    {
        let m = row.len();
        assert!(v.len() >= m && d.len() >= m && pred.len() >= m && pen.len() >= m);
        // SAFETY: `C` is `i64` or `i32` (equal `TypeId`s), whose work type is `i64`, so the
        // work slices and values below are reinterpreted as their own type; lengths are
        // unchanged.
        let (v, d, pen, h, lb) = unsafe {
            (
                std::slice::from_raw_parts(v.as_ptr().cast::<i64>(), m),
                std::slice::from_raw_parts_mut(d.as_mut_ptr().cast::<i64>(), m),
                std::slice::from_raw_parts(pen.as_ptr().cast::<i64>(), m),
                *std::ptr::from_ref(&h).cast::<i64>(),
                *std::ptr::from_ref(&lb).cast::<i64>(),
            )
        };
        let pred = &mut pred[..m];
        let b = if TypeId::of::<C>() == TypeId::of::<i64>() {
            // SAFETY: `C` is `i64`: the row is reinterpreted as its own type.
            let row = unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<i64>(), m) };
            relax_int::<i64, MAX>(isa, row, v, d, pred, pen, h, lb, i)
        } else {
            // SAFETY: `C` is `i32`: the row is reinterpreted as its own type.
            let row = unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<i32>(), m) };
            relax_int::<i32, MAX>(isa, row, v, d, pred, pen, h, lb, i)
        };
        // SAFETY: as above, `C::Work` is `i64`.
        return unsafe {
            Best {
                all_d: *std::ptr::from_ref(&b.all_d).cast::<C::Work>(),
                all_j: b.all_j,
                free_d: *std::ptr::from_ref(&b.free_d).cast::<C::Work>(),
                free_j: b.free_j,
            }
        };
    }
    relax::call::<C, MAX>(isa, row, v, d, pred, pen, h, lb, i)
}

/// The integer kernels of [`simd`] for a SIMD instruction set (not [`Isa::Portable`]).
#[cfg(target_arch = "x86_64")]
#[inline]
#[allow(clippy::too_many_arguments)]
fn relax_int<C: Cost<Work = i64>, const MAX: bool>(
    isa: Isa,
    row: &[C],
    v: &[i64],
    d: &mut [i64],
    pred: &mut [usize],
    pen: &[i64],
    h: i64,
    lb: i64,
    i: usize,
) -> Best<i64> {
    match isa {
        // SAFETY: `Isa::Avx512` is only made after `is_x86_feature_detected!("avx512f")`; the
        // caller checked the slice lengths, and `C` is `i64` or `i32`.
        Isa::Avx512 => unsafe { simd::relax_int_avx512::<C, MAX>(row, v, d, pred, pen, h, lb, i) },
        // SAFETY: `Isa::Avx2` is only made after `is_x86_feature_detected!("avx2")`; as above.
        _ => unsafe { simd::relax_int_avx2::<C, MAX>(row, v, d, pred, pen, h, lb, i) },
    }
}

/// Hand-written AVX2 and AVX-512F kernels (LLVM does not vectorise the arg-min reductions of
/// the portable loops): [`relax_min`], [`top2`] and [`row_cands`] for `f64`, `i64` and `i32`
/// costs (`i32` entries are widened to `i64` lanes as they load). Each is checked lane for lane against the portable loop in the
/// tests below.
#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{Best, Cands, Cost, Two, Work, NONE, PREFETCH};
    #[allow(clippy::wildcard_imports)]
    use std::arch::x86_64::*;

    /// Inserts the columns of `mask` (bits from `base`) into `t` in increasing order; the
    /// entries are re-read through [`super::Cost::to_work`], which settles forbidden ones.
    #[inline(always)]
    fn insert_mask<C: Cost, const MAX: bool>(
        t: &mut Cands<C::Work>,
        row: &[C],
        base: usize,
        mut mask: u32,
    ) {
        while mask != 0 {
            let k = base + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            t.insert(row[k].to_work::<MAX>(), k);
        }
    }

    /// AVX-512F [`super::row_cands`] for `f64`: a block of 16 columns is compared with the last
    /// candidate; only the columns below it (a superset of those the portable loop inserts:
    /// it also flags forbidden `-inf` entries, which the insertion then skips) are inserted.
    ///
    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn cands_avx512<const MAX: bool>(row: &[f64]) -> (Cands<f64>, bool) {
        let m = row.len();
        let split = m - m % 16;
        let sign = _mm512_set1_epi64(i64::MIN);
        let mut t = Cands::new();
        let mut last = _mm512_set1_pd(t.h[super::CANDS - 1]);
        // OR of `x - x` over the entries: 0 unless one is NaN or infinite.
        let mut nonfinite = _mm512_setzero_si512();
        let rp = row.as_ptr();
        let mut k = 0;
        while k < split {
            // SAFETY: k + 16 <= split <= m: both loads are in bounds. A prefetch is a hint
            // that never faults, and `wrapping_add` computes its address without the
            // in-bounds requirement of `add`.
            let (a, b) = unsafe {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
                (_mm512_loadu_pd(rp.add(k)), _mm512_loadu_pd(rp.add(k + 8)))
            };
            nonfinite = _mm512_or_si512(
                nonfinite,
                _mm512_or_si512(
                    _mm512_castpd_si512(_mm512_sub_pd(a, a)),
                    _mm512_castpd_si512(_mm512_sub_pd(b, b)),
                ),
            );
            let (a, b) = if MAX {
                (
                    _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(a), sign)),
                    _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(b), sign)),
                )
            } else {
                (a, b)
            };
            let la = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, last);
            let lb = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(b, last);
            if la | lb != 0 {
                insert_mask::<f64, MAX>(&mut t, row, k, u32::from(la) | (u32::from(lb) << 8));
                last = _mm512_set1_pd(t.h[super::CANDS - 1]);
            }
            k += 16;
        }
        let mut special = _mm512_test_epi64_mask(nonfinite, nonfinite) != 0;
        for (k, &c) in row.iter().enumerate().skip(split) {
            use super::Cost;
            special |= c.is_special();
            t.insert(c.to_work::<MAX>(), k);
        }
        (t, special)
    }

    /// AVX2 [`super::row_cands`] for `f64` (as [`cands_avx512`], in four 4-lane vectors).
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn cands_avx2<const MAX: bool>(row: &[f64]) -> (Cands<f64>, bool) {
        let m = row.len();
        let split = m - m % 16;
        let sign = _mm256_set1_pd(-0.0);
        let mut t = Cands::new();
        let mut last = _mm256_set1_pd(t.h[super::CANDS - 1]);
        let mut nonfinite = _mm256_setzero_pd();
        let rp = row.as_ptr();
        let mut k = 0;
        while k < split {
            // SAFETY: k + 16 <= split <= m: the loads are in bounds; the prefetch as in
            // `cands_avx512`.
            let x = unsafe {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
                [
                    _mm256_loadu_pd(rp.add(k)),
                    _mm256_loadu_pd(rp.add(k + 4)),
                    _mm256_loadu_pd(rp.add(k + 8)),
                    _mm256_loadu_pd(rp.add(k + 12)),
                ]
            };
            let mut mask = 0u32;
            for (q, &a) in x.iter().enumerate() {
                nonfinite = _mm256_or_pd(nonfinite, _mm256_sub_pd(a, a));
                let a = if MAX { _mm256_xor_pd(a, sign) } else { a };
                let lt = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(a, last)) as u32;
                mask |= lt << (4 * q);
            }
            if mask != 0 {
                insert_mask::<f64, MAX>(&mut t, row, k, mask);
                last = _mm256_set1_pd(t.h[super::CANDS - 1]);
            }
            k += 16;
        }
        let nf = _mm256_castpd_si256(nonfinite);
        let mut special = _mm256_testz_si256(nf, nf) == 0;
        for (k, &c) in row.iter().enumerate().skip(split) {
            use super::Cost;
            special |= c.is_special();
            t.insert(c.to_work::<MAX>(), k);
        }
        (t, special)
    }

    /// Lane-wise minima and their columns, merged lowest column first among equal values.
    fn merge<W: Work>(ma: &[W], ia: &[i64], mf: &[W], jf: &[i64]) -> Best<W> {
        let mut b = Best {
            all_d: W::INF,
            all_j: NONE,
            free_d: W::INF,
            free_j: NONE,
        };
        for l in 0..ma.len() {
            let (a, ai) = (ma[l], ia[l] as usize);
            if a < b.all_d || (a == b.all_d && ai < b.all_j) {
                b.all_d = a;
                b.all_j = ai;
            }
            let (f, fi) = (mf[l], jf[l] as usize);
            if f < b.free_d || (f == b.free_d && fi < b.free_j) {
                b.free_d = f;
                b.free_j = fi;
            }
        }
        b
    }

    /// The scalar tail of both kernels, continuing `b` from column `from`.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn tail<C: Cost, const MAX: bool>(
        from: usize,
        row: &[C],
        v: &[C::Work],
        d: &mut [C::Work],
        pred: &mut [usize],
        pen: &[C::Work],
        h: C::Work,
        lb: C::Work,
        i: usize,
        b: &mut Best<C::Work>,
    ) {
        for k in from..row.len() {
            let cred = row[k].to_work::<MAX>() - v[k] - h;
            if cred < d[k] {
                d[k] = cred;
                pred[k] = i;
            }
            if d[k] < b.all_d {
                b.all_d = d[k];
                b.all_j = k;
            }
            let f = d[k] + pen[k];
            if f <= lb {
                *b = Best::hit(f, k);
                return;
            }
            if f < b.free_d {
                b.free_d = f;
                b.free_j = k;
            }
        }
    }

    /// AVX-512F [`super::relax_min`] for `f64`.
    ///
    /// # Safety
    /// The CPU must support AVX-512F, and `v`, `d`, `pred`, `pen` must be at least as long
    /// as `row`.
    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn relax_avx512<const MAX: bool>(
        row: &[f64],
        v: &[f64],
        d: &mut [f64],
        pred: &mut [usize],
        pen: &[f64],
        h: f64,
        lb: f64,
        i: usize,
    ) -> Best<f64> {
        let m = row.len();
        let split = m - m % 8;
        let inf = _mm512_set1_pd(f64::INFINITY);
        let hv = _mm512_set1_pd(h);
        let lbv = _mm512_set1_pd(lb);
        let iv = _mm512_set1_epi64(i as i64);
        let sign = _mm512_set1_epi64(i64::MIN);
        let absm = _mm512_set1_epi64(i64::MAX);
        let eight = _mm512_set1_epi64(8);
        let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
        let (mut ma, mut mf) = (inf, inf);
        let none = _mm512_set1_epi64(-1);
        let (mut ia, mut jf) = (none, none);
        let (rp, vp, dp, pp, qp) = (
            row.as_ptr(),
            v.as_ptr(),
            d.as_mut_ptr(),
            pred.as_mut_ptr().cast::<i64>(),
            pen.as_ptr(),
        );
        // Prefetch within the row only: the next row a search scans is not the next in memory.
        let pf_end = m.saturating_sub(PREFETCH / 8);
        let mut k = 0;
        while k < split {
            // SAFETY: k + 8 <= split <= m, and every slice has at least m elements; the
            // prefetched element k + PREFETCH / 8 is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
                }
                let raw = _mm512_loadu_pd(rp.add(k));
                let c = if MAX {
                    _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(raw), sign))
                } else {
                    raw
                };
                let abs = _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(raw), absm));
                let forb = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(abs, inf);
                let w = _mm512_mask_mov_pd(c, forb, inf);
                let cred = _mm512_sub_pd(_mm512_sub_pd(w, _mm512_loadu_pd(vp.add(k))), hv);
                let dk = _mm512_loadu_pd(dp.add(k));
                let better = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(cred, dk);
                _mm512_mask_storeu_pd(dp.add(k), better, cred);
                _mm512_mask_storeu_epi64(pp.add(k), better, iv);
                let nd = _mm512_mask_mov_pd(dk, better, cred);
                let lt = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(nd, ma);
                ma = _mm512_mask_mov_pd(ma, lt, nd);
                ia = _mm512_mask_mov_epi64(ia, lt, idx);
                let f = _mm512_add_pd(nd, _mm512_loadu_pd(qp.add(k)));
                let hit = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(f, lbv);
                if hit != 0 {
                    // The hit lane is below k + 8 <= split: in bounds, and just stored.
                    let k = k + hit.trailing_zeros() as usize;
                    return Best::hit(*dp.add(k), k);
                }
                let ltf = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(f, mf);
                mf = _mm512_mask_mov_pd(mf, ltf, f);
                jf = _mm512_mask_mov_epi64(jf, ltf, idx);
            }
            idx = _mm512_add_epi64(idx, eight);
            k += 8;
        }
        let (mut a, mut b, mut c, mut e) = ([0f64; 8], [0i64; 8], [0f64; 8], [0i64; 8]);
        // SAFETY: each array holds exactly one 512-bit vector.
        unsafe {
            _mm512_storeu_pd(a.as_mut_ptr(), ma);
            _mm512_storeu_si512(b.as_mut_ptr().cast(), ia);
            _mm512_storeu_pd(c.as_mut_ptr(), mf);
            _mm512_storeu_si512(e.as_mut_ptr().cast(), jf);
        }
        let mut best = merge(&a, &b, &c, &e);
        tail::<f64, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
        best
    }

    /// AVX-512F [`super::top2`] for `f64`.
    ///
    /// # Safety
    /// The CPU must support AVX-512F, and `v` must be at least as long as `row`.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn top2_avx512<const MAX: bool>(row: &[f64], v: &[f64]) -> Two<f64> {
        let m = row.len();
        let split = m - m % 8;
        let inf = _mm512_set1_pd(f64::INFINITY);
        let sign = _mm512_set1_epi64(i64::MIN);
        let absm = _mm512_set1_epi64(i64::MAX);
        let eight = _mm512_set1_epi64(8);
        let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
        let none = _mm512_set1_epi64(-1);
        let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
        let (rp, vp) = (row.as_ptr(), v.as_ptr());
        // Prefetch within the row only: rows are read in no particular order.
        let pf_end = m.saturating_sub(PREFETCH / 8);
        let mut k = 0;
        while k < split {
            // SAFETY: k + 8 <= split <= m <= v.len(); the prefetched element
            // k + PREFETCH / 8 is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
                }
                let raw = _mm512_loadu_pd(rp.add(k));
                let c = if MAX {
                    _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(raw), sign))
                } else {
                    raw
                };
                let abs = _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(raw), absm));
                let forb = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(abs, inf);
                let w = _mm512_mask_mov_pd(c, forb, inf);
                let h = _mm512_sub_pd(w, _mm512_loadu_pd(vp.add(k)));
                let lt1 = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(h, a1);
                let lt2 = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(h, a2);
                a2 = _mm512_mask_mov_pd(_mm512_mask_mov_pd(a2, lt2, h), lt1, a1);
                i2 = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(i2, lt2, idx), lt1, i1);
                a1 = _mm512_mask_mov_pd(a1, lt1, h);
                i1 = _mm512_mask_mov_epi64(i1, lt1, idx);
            }
            idx = _mm512_add_epi64(idx, eight);
            k += 8;
        }
        let (mut x1, mut y1, mut x2, mut y2) = ([0f64; 8], [0i64; 8], [0f64; 8], [0i64; 8]);
        // SAFETY: each array holds exactly one 512-bit vector.
        unsafe {
            _mm512_storeu_pd(x1.as_mut_ptr(), a1);
            _mm512_storeu_si512(y1.as_mut_ptr().cast(), i1);
            _mm512_storeu_pd(x2.as_mut_ptr(), a2);
            _mm512_storeu_si512(y2.as_mut_ptr().cast(), i2);
        }
        finish_top2::<f64, MAX>(&x1, &y1, &x2, &y2, split, row, v)
    }

    /// AVX2 [`super::top2`] for `f64`.
    ///
    /// # Safety
    /// The CPU must support AVX2, and `v` must be at least as long as `row`.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn top2_avx2<const MAX: bool>(row: &[f64], v: &[f64]) -> Two<f64> {
        let m = row.len();
        let split = m - m % 4;
        let inf = _mm256_set1_pd(f64::INFINITY);
        let sign = _mm256_set1_pd(-0.0);
        let four = _mm256_set1_epi64x(4);
        let mut idx = _mm256_castsi256_pd(_mm256_set_epi64x(3, 2, 1, 0));
        let none = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
        let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
        let (rp, vp) = (row.as_ptr(), v.as_ptr());
        // Prefetch within the row only: rows are read in no particular order.
        let pf_end = m.saturating_sub(PREFETCH / 8);
        let mut k = 0;
        while k < split {
            // SAFETY: k + 4 <= split <= m <= v.len(); the prefetched element
            // k + PREFETCH / 8 is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
                }
                let raw = _mm256_loadu_pd(rp.add(k));
                let c = if MAX { _mm256_xor_pd(raw, sign) } else { raw };
                let forb = _mm256_cmp_pd::<_CMP_EQ_OQ>(_mm256_andnot_pd(sign, raw), inf);
                let w = _mm256_blendv_pd(c, inf, forb);
                let h = _mm256_sub_pd(w, _mm256_loadu_pd(vp.add(k)));
                let lt1 = _mm256_cmp_pd::<_CMP_LT_OQ>(h, a1);
                let lt2 = _mm256_cmp_pd::<_CMP_LT_OQ>(h, a2);
                a2 = _mm256_blendv_pd(_mm256_blendv_pd(a2, h, lt2), a1, lt1);
                i2 = _mm256_blendv_pd(_mm256_blendv_pd(i2, idx, lt2), i1, lt1);
                a1 = _mm256_blendv_pd(a1, h, lt1);
                i1 = _mm256_blendv_pd(i1, idx, lt1);
            }
            idx = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(idx), four));
            k += 4;
        }
        let (mut x1, mut y1, mut x2, mut y2) = ([0f64; 4], [0i64; 4], [0f64; 4], [0i64; 4]);
        // SAFETY: each array holds exactly one 256-bit vector.
        unsafe {
            _mm256_storeu_pd(x1.as_mut_ptr(), a1);
            _mm256_storeu_pd(y1.as_mut_ptr().cast(), i1);
            _mm256_storeu_pd(x2.as_mut_ptr(), a2);
            _mm256_storeu_pd(y2.as_mut_ptr().cast(), i2);
        }
        finish_top2::<f64, MAX>(&x1, &y1, &x2, &y2, split, row, v)
    }

    /// Merges the lanes of a SIMD `top2` and adds the scalar tail from column `split`.
    fn finish_top2<C: Cost, const MAX: bool>(
        x1: &[C::Work],
        y1: &[i64],
        x2: &[C::Work],
        y2: &[i64],
        split: usize,
        row: &[C],
        v: &[C::Work],
    ) -> Two<C::Work> {
        let mut t = Two::new();
        for l in 0..x1.len() {
            t.push(x1[l], y1[l] as usize);
            t.push(x2[l], y2[l] as usize);
        }
        for k in split..row.len() {
            let h = row[k].to_work::<MAX>() - v[k];
            if h < C::Work::INF {
                t.push(h, k);
            }
        }
        t
    }

    /// AVX2 [`super::relax_min`] for `f64`.
    ///
    /// # Safety
    /// The CPU must support AVX2, and `v`, `d`, `pred`, `pen` must be at least as long as
    /// `row`.
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn relax_avx2<const MAX: bool>(
        row: &[f64],
        v: &[f64],
        d: &mut [f64],
        pred: &mut [usize],
        pen: &[f64],
        h: f64,
        lb: f64,
        i: usize,
    ) -> Best<f64> {
        let m = row.len();
        let split = m - m % 4;
        let inf = _mm256_set1_pd(f64::INFINITY);
        let hv = _mm256_set1_pd(h);
        let lbv = _mm256_set1_pd(lb);
        let iv = _mm256_set1_epi64x(i as i64);
        let sign = _mm256_set1_pd(-0.0);
        let four = _mm256_set1_epi64x(4);
        let mut idx = _mm256_set_epi64x(3, 2, 1, 0);
        let (mut ma, mut mf) = (inf, inf);
        let none = _mm256_set1_epi64x(-1);
        let (mut ia, mut jf) = (none, none);
        let (rp, vp, dp, pp, qp) = (
            row.as_ptr(),
            v.as_ptr(),
            d.as_mut_ptr(),
            pred.as_mut_ptr().cast::<i64>(),
            pen.as_ptr(),
        );
        // Prefetch within the row only: the next row a search scans is not the next in memory.
        let pf_end = m.saturating_sub(PREFETCH / 8);
        let mut k = 0;
        while k < split {
            // SAFETY: k + 4 <= split <= m, and every slice has at least m elements; the
            // prefetched element k + PREFETCH / 8 is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
                }
                let raw = _mm256_loadu_pd(rp.add(k));
                let c = if MAX { _mm256_xor_pd(raw, sign) } else { raw };
                let forb = _mm256_cmp_pd::<_CMP_EQ_OQ>(_mm256_andnot_pd(sign, raw), inf);
                let w = _mm256_blendv_pd(c, inf, forb);
                let cred = _mm256_sub_pd(_mm256_sub_pd(w, _mm256_loadu_pd(vp.add(k))), hv);
                let dk = _mm256_loadu_pd(dp.add(k));
                let better = _mm256_cmp_pd::<_CMP_LT_OQ>(cred, dk);
                let nd = _mm256_blendv_pd(dk, cred, better);
                _mm256_storeu_pd(dp.add(k), nd);
                _mm256_maskstore_epi64(pp.add(k), _mm256_castpd_si256(better), iv);
                let lt = _mm256_cmp_pd::<_CMP_LT_OQ>(nd, ma);
                ma = _mm256_blendv_pd(ma, nd, lt);
                ia = _mm256_castpd_si256(_mm256_blendv_pd(
                    _mm256_castsi256_pd(ia),
                    _mm256_castsi256_pd(idx),
                    lt,
                ));
                let f = _mm256_add_pd(nd, _mm256_loadu_pd(qp.add(k)));
                let hit = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LE_OQ>(f, lbv));
                if hit != 0 {
                    // The hit lane is below k + 4 <= split: in bounds, and just stored.
                    let k = k + hit.trailing_zeros() as usize;
                    return Best::hit(*dp.add(k), k);
                }
                let ltf = _mm256_cmp_pd::<_CMP_LT_OQ>(f, mf);
                mf = _mm256_blendv_pd(mf, f, ltf);
                jf = _mm256_castpd_si256(_mm256_blendv_pd(
                    _mm256_castsi256_pd(jf),
                    _mm256_castsi256_pd(idx),
                    ltf,
                ));
            }
            idx = _mm256_add_epi64(idx, four);
            k += 4;
        }
        let (mut a, mut b, mut c, mut e) = ([0f64; 4], [0i64; 4], [0f64; 4], [0i64; 4]);
        // SAFETY: each array holds exactly one 256-bit vector.
        unsafe {
            _mm256_storeu_pd(a.as_mut_ptr(), ma);
            _mm256_storeu_si256(b.as_mut_ptr().cast(), ia);
            _mm256_storeu_pd(c.as_mut_ptr(), mf);
            _mm256_storeu_si256(e.as_mut_ptr().cast(), jf);
        }
        let mut best = merge(&a, &b, &c, &e);
        tail::<f64, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
        best
    }

    /// Whether the integer cost type `C` is `i32` (else `i64`), and its forbidden markers
    /// (`MAX` and `MIN`) as `i64`.
    #[inline(always)]
    fn int_markers<C: Cost>() -> (bool, i64, i64) {
        if size_of::<C>() == 4 {
            (true, i64::from(i32::MAX), i64::from(i32::MIN))
        } else {
            (false, i64::MAX, i64::MIN)
        }
    }

    /// Integer costs as `i64` work lanes, eight at a time (AVX-512F): `C` is `i64`, or `i32`
    /// widened as it loads; entries are negated when maximising, and the forbidden markers
    /// become [`Work::INF`], as [`super::Cost::to_work`] does one by one.
    #[derive(Clone, Copy)]
    struct IntLanes512 {
        narrow: bool,
        fmax: __m512i,
        fmin: __m512i,
        inf: __m512i,
    }

    impl IntLanes512 {
        #[target_feature(enable = "avx512f")]
        #[inline]
        fn new<C: Cost>() -> Self {
            let (narrow, fmax, fmin) = int_markers::<C>();
            IntLanes512 {
                narrow,
                fmax: _mm512_set1_epi64(fmax),
                fmin: _mm512_set1_epi64(fmin),
                inf: _mm512_set1_epi64(i64::INF),
            }
        }

        /// The eight entries at `p`, as `i64`.
        ///
        /// # Safety
        /// Eight entries of `C` (the type given to [`IntLanes512::new`]) must be readable at `p`.
        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn load<C>(self, p: *const C) -> __m512i {
            // SAFETY: the caller's contract: eight entries of 4 bytes (`i32`) or 8 are readable.
            unsafe {
                if self.narrow {
                    _mm512_cvtepi32_epi64(_mm256_loadu_si256(p.cast()))
                } else {
                    _mm512_loadu_si512(p.cast())
                }
            }
        }

        /// The work values of eight loaded entries, and which of them are forbidden.
        #[target_feature(enable = "avx512f")]
        #[inline]
        fn work<const MAX: bool>(self, raw: __m512i) -> (__m512i, __mmask8) {
            let forb =
                _mm512_cmpeq_epi64_mask(raw, self.fmax) | _mm512_cmpeq_epi64_mask(raw, self.fmin);
            let c = if MAX {
                _mm512_sub_epi64(_mm512_setzero_si512(), raw)
            } else {
                raw
            };
            (_mm512_mask_mov_epi64(c, forb, self.inf), forb)
        }
    }

    /// [`IntLanes512`] for AVX2, four lanes at a time; the forbidden lanes come as a full-width
    /// mask.
    #[derive(Clone, Copy)]
    struct IntLanes256 {
        narrow: bool,
        fmax: __m256i,
        fmin: __m256i,
        inf: __m256i,
    }

    impl IntLanes256 {
        #[target_feature(enable = "avx2")]
        #[inline]
        fn new<C: Cost>() -> Self {
            let (narrow, fmax, fmin) = int_markers::<C>();
            IntLanes256 {
                narrow,
                fmax: _mm256_set1_epi64x(fmax),
                fmin: _mm256_set1_epi64x(fmin),
                inf: _mm256_set1_epi64x(i64::INF),
            }
        }

        /// The four entries at `p`, as `i64`.
        ///
        /// # Safety
        /// Four entries of `C` (the type given to [`IntLanes256::new`]) must be readable at `p`.
        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn load<C>(self, p: *const C) -> __m256i {
            // SAFETY: the caller's contract: four entries of 4 bytes (`i32`) or 8 are readable.
            unsafe {
                if self.narrow {
                    _mm256_cvtepi32_epi64(_mm_loadu_si128(p.cast()))
                } else {
                    _mm256_loadu_si256(p.cast())
                }
            }
        }

        /// The work values of four loaded entries, and which of them are forbidden.
        #[target_feature(enable = "avx2")]
        #[inline]
        fn work<const MAX: bool>(self, raw: __m256i) -> (__m256i, __m256i) {
            let forb = _mm256_or_si256(
                _mm256_cmpeq_epi64(raw, self.fmax),
                _mm256_cmpeq_epi64(raw, self.fmin),
            );
            let c = if MAX {
                _mm256_sub_epi64(_mm256_setzero_si256(), raw)
            } else {
                raw
            };
            (_mm256_blendv_epi8(c, self.inf, forb), forb)
        }
    }

    /// AVX-512F [`super::relax_min`] for integer costs (`i64`, or `i32` widened to `i64`
    /// lanes), in the same steps as [`relax_avx512`].
    ///
    /// # Safety
    /// The CPU must support AVX-512F; `C` must be `i64` or `i32` (worked in `i64`); `v`, `d`,
    /// `pred`, `pen` must be at least as long as `row`.
    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn relax_int_avx512<C: Cost<Work = i64>, const MAX: bool>(
        row: &[C],
        v: &[i64],
        d: &mut [i64],
        pred: &mut [usize],
        pen: &[i64],
        h: i64,
        lb: i64,
        i: usize,
    ) -> Best<i64> {
        let lanes = IntLanes512::new::<C>();
        let m = row.len();
        let split = m - m % 8;
        let inf = lanes.inf;
        let hv = _mm512_set1_epi64(h);
        let lbv = _mm512_set1_epi64(lb);
        let iv = _mm512_set1_epi64(i as i64);
        let eight = _mm512_set1_epi64(8);
        let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
        let (mut ma, mut mf) = (inf, inf);
        let none = _mm512_set1_epi64(-1);
        let (mut ia, mut jf) = (none, none);
        let (rp, vp, dp, pp, qp) = (
            row.as_ptr(),
            v.as_ptr(),
            d.as_mut_ptr(),
            pred.as_mut_ptr().cast::<i64>(),
            pen.as_ptr(),
        );
        let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
        let mut k = 0;
        while k < split {
            // SAFETY: k + 8 <= split <= m, and every slice has at least m elements (of 4 bytes
            // each for an `i32` row, 8 otherwise); the prefetched element is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
                }
                let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
                let cred = _mm512_sub_epi64(
                    _mm512_sub_epi64(w, _mm512_loadu_si512(vp.add(k).cast())),
                    hv,
                );
                let dk = _mm512_loadu_si512(dp.add(k).cast());
                let better = _mm512_cmplt_epi64_mask(cred, dk);
                _mm512_mask_storeu_epi64(dp.add(k), better, cred);
                _mm512_mask_storeu_epi64(pp.add(k), better, iv);
                let nd = _mm512_mask_mov_epi64(dk, better, cred);
                let lt = _mm512_cmplt_epi64_mask(nd, ma);
                ma = _mm512_mask_mov_epi64(ma, lt, nd);
                ia = _mm512_mask_mov_epi64(ia, lt, idx);
                let f = _mm512_add_epi64(nd, _mm512_loadu_si512(qp.add(k).cast()));
                let hit = _mm512_cmple_epi64_mask(f, lbv);
                if hit != 0 {
                    // The hit lane is below k + 8 <= split: in bounds, and just stored.
                    let k = k + hit.trailing_zeros() as usize;
                    return Best::hit(*dp.add(k), k);
                }
                let ltf = _mm512_cmplt_epi64_mask(f, mf);
                mf = _mm512_mask_mov_epi64(mf, ltf, f);
                jf = _mm512_mask_mov_epi64(jf, ltf, idx);
            }
            idx = _mm512_add_epi64(idx, eight);
            k += 8;
        }
        let (mut a, mut b, mut c, mut e) = ([0i64; 8], [0i64; 8], [0i64; 8], [0i64; 8]);
        // SAFETY: each array holds exactly one 512-bit vector.
        unsafe {
            _mm512_storeu_si512(a.as_mut_ptr().cast(), ma);
            _mm512_storeu_si512(b.as_mut_ptr().cast(), ia);
            _mm512_storeu_si512(c.as_mut_ptr().cast(), mf);
            _mm512_storeu_si512(e.as_mut_ptr().cast(), jf);
        }
        let mut best = merge(&a, &b, &c, &e);
        tail::<C, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
        best
    }

    /// AVX2 [`super::relax_min`] for integer costs (`i64`, or `i32` widened to `i64` lanes), in
    /// the same steps as [`relax_avx2`].
    ///
    /// # Safety
    /// The CPU must support AVX2; `C` must be `i64` or `i32` (worked in `i64`); `v`, `d`,
    /// `pred`, `pen` must be at least as long as `row`.
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn relax_int_avx2<C: Cost<Work = i64>, const MAX: bool>(
        row: &[C],
        v: &[i64],
        d: &mut [i64],
        pred: &mut [usize],
        pen: &[i64],
        h: i64,
        lb: i64,
        i: usize,
    ) -> Best<i64> {
        let lanes = IntLanes256::new::<C>();
        let m = row.len();
        let split = m - m % 4;
        let inf = lanes.inf;
        let hv = _mm256_set1_epi64x(h);
        // `f <= lb` is `lb + 1 > f`: lb is a distance, far below i64::MAX.
        let lb1 = _mm256_set1_epi64x(lb + 1);
        let iv = _mm256_set1_epi64x(i as i64);
        let four = _mm256_set1_epi64x(4);
        let mut idx = _mm256_set_epi64x(3, 2, 1, 0);
        let (mut ma, mut mf) = (inf, inf);
        let none = _mm256_set1_epi64x(-1);
        let (mut ia, mut jf) = (none, none);
        let (rp, vp, dp, pp, qp) = (
            row.as_ptr(),
            v.as_ptr(),
            d.as_mut_ptr(),
            pred.as_mut_ptr().cast::<i64>(),
            pen.as_ptr(),
        );
        let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
        let mut k = 0;
        while k < split {
            // SAFETY: k + 4 <= split <= m, and every slice has at least m elements (of 4 bytes
            // each for an `i32` row, 8 otherwise); the prefetched element is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
                }
                let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
                let cred = _mm256_sub_epi64(
                    _mm256_sub_epi64(w, _mm256_loadu_si256(vp.add(k).cast())),
                    hv,
                );
                let dk = _mm256_loadu_si256(dp.add(k).cast());
                let better = _mm256_cmpgt_epi64(dk, cred);
                let nd = _mm256_blendv_epi8(dk, cred, better);
                _mm256_storeu_si256(dp.add(k).cast(), nd);
                _mm256_maskstore_epi64(pp.add(k), better, iv);
                let lt = _mm256_cmpgt_epi64(ma, nd);
                ma = _mm256_blendv_epi8(ma, nd, lt);
                ia = _mm256_blendv_epi8(ia, idx, lt);
                let f = _mm256_add_epi64(nd, _mm256_loadu_si256(qp.add(k).cast()));
                let hit = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(lb1, f)));
                if hit != 0 {
                    // The hit lane is below k + 4 <= split: in bounds, and just stored.
                    let k = k + hit.trailing_zeros() as usize;
                    return Best::hit(*dp.add(k), k);
                }
                let ltf = _mm256_cmpgt_epi64(mf, f);
                mf = _mm256_blendv_epi8(mf, f, ltf);
                jf = _mm256_blendv_epi8(jf, idx, ltf);
            }
            idx = _mm256_add_epi64(idx, four);
            k += 4;
        }
        let (mut a, mut b, mut c, mut e) = ([0i64; 4], [0i64; 4], [0i64; 4], [0i64; 4]);
        // SAFETY: each array holds exactly one 256-bit vector.
        unsafe {
            _mm256_storeu_si256(a.as_mut_ptr().cast(), ma);
            _mm256_storeu_si256(b.as_mut_ptr().cast(), ia);
            _mm256_storeu_si256(c.as_mut_ptr().cast(), mf);
            _mm256_storeu_si256(e.as_mut_ptr().cast(), jf);
        }
        let mut best = merge(&a, &b, &c, &e);
        tail::<C, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
        best
    }

    /// AVX-512F [`super::top2`] for integer costs (`i64`, or `i32` widened to `i64` lanes), in
    /// the same steps as [`top2_avx512`].
    ///
    /// # Safety
    /// The CPU must support AVX-512F; `C` must be `i64` or `i32` (worked in `i64`); `v` must
    /// be at least as long as `row`.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn top2_int_avx512<C: Cost<Work = i64>, const MAX: bool>(
        row: &[C],
        v: &[i64],
    ) -> Two<i64> {
        let lanes = IntLanes512::new::<C>();
        let m = row.len();
        let split = m - m % 8;
        let inf = lanes.inf;
        let eight = _mm512_set1_epi64(8);
        let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
        let none = _mm512_set1_epi64(-1);
        let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
        let (rp, vp) = (row.as_ptr(), v.as_ptr());
        let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
        let mut k = 0;
        while k < split {
            // SAFETY: k + 8 <= split <= m <= v.len() (elements of 4 bytes for an `i32` row, 8
            // otherwise); the prefetched element is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
                }
                let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
                let h = _mm512_sub_epi64(w, _mm512_loadu_si512(vp.add(k).cast()));
                let lt1 = _mm512_cmplt_epi64_mask(h, a1);
                let lt2 = _mm512_cmplt_epi64_mask(h, a2);
                a2 = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(a2, lt2, h), lt1, a1);
                i2 = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(i2, lt2, idx), lt1, i1);
                a1 = _mm512_mask_mov_epi64(a1, lt1, h);
                i1 = _mm512_mask_mov_epi64(i1, lt1, idx);
            }
            idx = _mm512_add_epi64(idx, eight);
            k += 8;
        }
        let (mut x1, mut y1, mut x2, mut y2) = ([0i64; 8], [0i64; 8], [0i64; 8], [0i64; 8]);
        // SAFETY: each array holds exactly one 512-bit vector.
        unsafe {
            _mm512_storeu_si512(x1.as_mut_ptr().cast(), a1);
            _mm512_storeu_si512(y1.as_mut_ptr().cast(), i1);
            _mm512_storeu_si512(x2.as_mut_ptr().cast(), a2);
            _mm512_storeu_si512(y2.as_mut_ptr().cast(), i2);
        }
        finish_top2::<C, MAX>(&x1, &y1, &x2, &y2, split, row, v)
    }

    /// AVX2 [`super::top2`] for integer costs (`i64`, or `i32` widened to `i64` lanes), in the
    /// same steps as [`top2_int_avx512`], four lanes at a time.
    ///
    /// # Safety
    /// The CPU must support AVX2; `C` must be `i64` or `i32` (worked in `i64`); `v` must be at
    /// least as long as `row`.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn top2_int_avx2<C: Cost<Work = i64>, const MAX: bool>(
        row: &[C],
        v: &[i64],
    ) -> Two<i64> {
        let lanes = IntLanes256::new::<C>();
        let m = row.len();
        let split = m - m % 4;
        let inf = lanes.inf;
        let four = _mm256_set1_epi64x(4);
        let mut idx = _mm256_set_epi64x(3, 2, 1, 0);
        let none = _mm256_set1_epi64x(-1);
        let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
        let (rp, vp) = (row.as_ptr(), v.as_ptr());
        let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
        let mut k = 0;
        while k < split {
            // SAFETY: k + 4 <= split <= m <= v.len() (elements of 4 bytes for an `i32` row, 8
            // otherwise); the prefetched element is below m.
            unsafe {
                if k < pf_end {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
                }
                let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
                let h = _mm256_sub_epi64(w, _mm256_loadu_si256(vp.add(k).cast()));
                let lt1 = _mm256_cmpgt_epi64(a1, h);
                let lt2 = _mm256_cmpgt_epi64(a2, h);
                a2 = _mm256_blendv_epi8(_mm256_blendv_epi8(a2, h, lt2), a1, lt1);
                i2 = _mm256_blendv_epi8(_mm256_blendv_epi8(i2, idx, lt2), i1, lt1);
                a1 = _mm256_blendv_epi8(a1, h, lt1);
                i1 = _mm256_blendv_epi8(i1, idx, lt1);
            }
            idx = _mm256_add_epi64(idx, four);
            k += 4;
        }
        let (mut x1, mut y1, mut x2, mut y2) = ([0i64; 4], [0i64; 4], [0i64; 4], [0i64; 4]);
        // SAFETY: each array holds exactly one 256-bit vector.
        unsafe {
            _mm256_storeu_si256(x1.as_mut_ptr().cast(), a1);
            _mm256_storeu_si256(y1.as_mut_ptr().cast(), i1);
            _mm256_storeu_si256(x2.as_mut_ptr().cast(), a2);
            _mm256_storeu_si256(y2.as_mut_ptr().cast(), i2);
        }
        finish_top2::<C, MAX>(&x1, &y1, &x2, &y2, split, row, v)
    }

    /// AVX-512F [`super::row_cands`] for integer costs (`i64`, or `i32` widened to `i64`
    /// lanes), in the same steps as [`cands_avx512`]: a block of 16 columns is compared with the
    /// last candidate, and only the columns below it are inserted.
    ///
    /// # Safety
    /// The CPU must support AVX-512F; `C` must be `i64` or `i32` (worked in `i64`).
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn cands_int_avx512<C: Cost<Work = i64>, const MAX: bool>(
        row: &[C],
    ) -> (Cands<i64>, bool) {
        let lanes = IntLanes512::new::<C>();
        let m = row.len();
        let split = m - m % 16;
        let mut t = Cands::new();
        let mut last = _mm512_set1_epi64(t.h[super::CANDS - 1]);
        let mut special = false;
        let rp = row.as_ptr();
        let mut k = 0;
        while k < split {
            // SAFETY: k + 16 <= split <= m: the loads are in bounds (16 entries of 4 bytes for
            // an `i32` row, of 8 otherwise). A prefetch is a hint that never faults, and
            // `wrapping_add` computes its address without the in-bounds requirement of `add`.
            let (a, b) = unsafe {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
                if !lanes.narrow {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
                }
                (lanes.load(rp.add(k)), lanes.load(rp.add(k + 8)))
            };
            let ((a, fa), (b, fb)) = (lanes.work::<MAX>(a), lanes.work::<MAX>(b));
            special |= fa | fb != 0;
            let la = _mm512_cmplt_epi64_mask(a, last);
            let lb = _mm512_cmplt_epi64_mask(b, last);
            if la | lb != 0 {
                insert_mask::<C, MAX>(&mut t, row, k, u32::from(la) | (u32::from(lb) << 8));
                last = _mm512_set1_epi64(t.h[super::CANDS - 1]);
            }
            k += 16;
        }
        for (k, &c) in row.iter().enumerate().skip(split) {
            special |= c.is_special();
            t.insert(c.to_work::<MAX>(), k);
        }
        (t, special)
    }

    /// AVX2 [`super::row_cands`] for integer costs (`i64`, or `i32` widened to `i64` lanes), as
    /// [`cands_int_avx512`] in four 4-lane vectors.
    ///
    /// # Safety
    /// The CPU must support AVX2; `C` must be `i64` or `i32` (worked in `i64`).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn cands_int_avx2<C: Cost<Work = i64>, const MAX: bool>(
        row: &[C],
    ) -> (Cands<i64>, bool) {
        let lanes = IntLanes256::new::<C>();
        let m = row.len();
        let split = m - m % 16;
        let mut t = Cands::new();
        let mut last = _mm256_set1_epi64x(t.h[super::CANDS - 1]);
        let mut forbidden = _mm256_setzero_si256();
        let rp = row.as_ptr();
        let mut k = 0;
        while k < split {
            // SAFETY: k + 16 <= split <= m: the loads are in bounds; the prefetch as in
            // `cands_int_avx512`.
            let x = unsafe {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
                if !lanes.narrow {
                    _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
                }
                [0, 4, 8, 12].map(|q| lanes.load(rp.add(k + q)))
            };
            let mut mask = 0u32;
            for (q, &raw) in x.iter().enumerate() {
                let (w, forb) = lanes.work::<MAX>(raw);
                forbidden = _mm256_or_si256(forbidden, forb);
                let lt = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(last, w)));
                mask |= (lt as u32) << (4 * q);
            }
            if mask != 0 {
                insert_mask::<C, MAX>(&mut t, row, k, mask);
                last = _mm256_set1_epi64x(t.h[super::CANDS - 1]);
            }
            k += 16;
        }
        let mut special = _mm256_testz_si256(forbidden, forbidden) == 0;
        for (k, &c) in row.iter().enumerate().skip(split) {
            special |= c.is_special();
            t.insert(c.to_work::<MAX>(), k);
        }
        (t, special)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every instruction set this CPU can run, the portable one first.
    fn available() -> Vec<Isa> {
        let mut v = vec![Isa::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                v.push(Isa::Avx2);
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                v.push(Isa::Avx512);
            }
        }
        v
    }

    /// A deterministic test row with ties, forbidden entries and settled (`-inf`) potentials.
    fn data(m: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 33) % 16
        };
        let row = (0..m)
            .map(|_| match next() {
                0 => f64::INFINITY,
                1 => f64::NEG_INFINITY,
                k => k as f64,
            })
            .collect();
        let v = (0..m)
            .map(|_| {
                if next() == 0 {
                    f64::NEG_INFINITY
                } else {
                    next() as f64 - 8.0
                }
            })
            .collect();
        let d = (0..m)
            .map(|_| {
                if next() < 2 {
                    f64::INFINITY
                } else {
                    next() as f64
                }
            })
            .collect();
        let pen = (0..m)
            .map(|_| if next() < 12 { f64::INFINITY } else { 0.0 })
            .collect();
        (row, v, d, pen)
    }

    #[test]
    fn simd_kernels_match_the_portable_ones_bit_for_bit() {
        for m in [0usize, 1, 3, 4, 7, 8, 9, 31, 64, 100, 1031] {
            for seed in 0..20 {
                let (row, v, d0, pen) = data(m, seed);
                for isa in available() {
                    // Without and with the early exit at a free column within `lb`.
                    for lb in [f64::NEG_INFINITY, 2.5] {
                        let (mut d, mut pred) = (d0.clone(), vec![7usize; m]);
                        let (mut d_p, mut pred_p) = (d0.clone(), vec![7usize; m]);
                        let b = relax_dispatch::<f64, false>(
                            isa, &row, &v, &mut d, &mut pred, &pen, 0.5, lb, 3,
                        );
                        let p = relax_min::<f64, false>(
                            &row,
                            &v,
                            &mut d_p,
                            &mut pred_p,
                            &pen,
                            0.5,
                            lb,
                            3,
                        );
                        assert_eq!(
                            (b.all_d.to_bits(), b.all_j),
                            (p.all_d.to_bits(), p.all_j),
                            "{isa:?}"
                        );
                        assert_eq!(
                            (b.free_d.to_bits(), b.free_j),
                            (p.free_d.to_bits(), p.free_j)
                        );
                        // After an early exit only the columns up to the hit are relaxed.
                        let upto = if p.free_d <= lb { p.free_j + 1 } else { m };
                        assert_eq!(
                            d[..upto].iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                            d_p[..upto].iter().map(|x| x.to_bits()).collect::<Vec<_>>()
                        );
                        assert_eq!(pred[..upto], pred_p[..upto]);
                        if p.free_d <= lb {
                            // The hit is the first free column within `lb`.
                            let first = (0..m).find(|&k| pen[k] == 0.0 && d_p[k] <= lb);
                            assert_eq!(first, Some(p.free_j));
                        }
                    }
                    for max in [false, true] {
                        let t = if max {
                            top2_dispatch::<f64, true>(isa, &row, &v)
                        } else {
                            top2_dispatch::<f64, false>(isa, &row, &v)
                        };
                        let q = if max {
                            top2::<f64, true>(&row, &v)
                        } else {
                            top2::<f64, false>(&row, &v)
                        };
                        assert_eq!(
                            (t.0.to_bits(), t.1, t.2.to_bits(), t.3),
                            (q.0.to_bits(), q.1, q.2.to_bits(), q.3),
                            "{isa:?} m {m} seed {seed} max {max}"
                        );
                    }
                }
            }
        }
    }

    /// The integer relaxation and two-smallest kernels (`i64` and `i32` costs, minimising and
    /// maximising) agree with the portable loops, on rows with both forbidden markers and
    /// settled columns.
    #[test]
    fn integer_simd_kernels_match_the_portable_one() {
        fn check<C: Cost<Work = i64>, const MAX: bool>(
            isa: Isa,
            row: &[C],
            (v, d0, pen): (&[i64], &[i64], &[i64]),
            h: i64,
            lb: i64,
        ) {
            let m = row.len();
            let (mut d, mut pred) = (d0.to_vec(), vec![7usize; m]);
            let (mut d_p, mut pred_p) = (d0.to_vec(), vec![7usize; m]);
            let b = relax_dispatch::<C, MAX>(isa, row, v, &mut d, &mut pred, pen, h, lb, 3);
            let p = relax_min::<C, MAX>(row, v, &mut d_p, &mut pred_p, pen, h, lb, 3);
            let what = format!("{isa:?} m {m} max {MAX} lb {lb}");
            assert_eq!((b.all_d, b.all_j), (p.all_d, p.all_j), "{what}");
            assert_eq!((b.free_d, b.free_j), (p.free_d, p.free_j), "{what}");
            let upto = if p.free_d <= lb { p.free_j + 1 } else { m };
            assert_eq!(d[..upto], d_p[..upto], "{what}");
            assert_eq!(pred[..upto], pred_p[..upto], "{what}");
            assert_eq!(
                top2_dispatch::<C, MAX>(isa, row, v),
                top2::<C, MAX>(row, v),
                "{what}"
            );
        }
        let inf = i64::INF;
        for m in [0usize, 1, 3, 4, 7, 8, 9, 31, 64, 100, 1031] {
            for seed in 0..20 {
                let (row, v, d, pen) = data(m, seed);
                let int = |x: f64, big: i64| {
                    if x == f64::INFINITY {
                        big
                    } else if x == f64::NEG_INFINITY {
                        -big
                    } else {
                        x as i64
                    }
                };
                let r64: Vec<i64> = row
                    .iter()
                    .map(|&x| match x {
                        f64::INFINITY => i64::MAX,
                        f64::NEG_INFINITY => i64::MIN,
                        _ => x as i64,
                    })
                    .collect();
                let r32: Vec<i32> = row
                    .iter()
                    .map(|&x| match x {
                        f64::INFINITY => i32::MAX,
                        f64::NEG_INFINITY => i32::MIN,
                        _ => x as i32,
                    })
                    .collect();
                // A settled column's potential is lowered by twice the work infinity.
                let v: Vec<i64> = v.iter().map(|&x| int(x, 2 * inf)).collect();
                let d: Vec<i64> = d.iter().map(|&x| int(x, inf)).collect();
                let pen: Vec<i64> = pen.iter().map(|&x| int(x, inf)).collect();
                let w = (&v[..], &d[..], &pen[..]);
                for isa in available() {
                    for (h, lb) in [(0, -2 * inf), (1, 2), (-3, 0)] {
                        check::<i64, false>(isa, &r64, w, h, lb);
                        check::<i64, true>(isa, &r64, w, h, lb);
                        check::<i32, false>(isa, &r32, w, h, lb);
                        check::<i32, true>(isa, &r32, w, h, lb);
                    }
                }
            }
        }
    }

    /// The integer first-pass kernels (`i64` and `i32`, minimising and maximising) agree with
    /// the portable loop and with a sort, on rows with both forbidden markers, ties, and rows
    /// that insert at every column.
    #[test]
    fn integer_candidate_kernels_match_the_portable_one_and_a_sort() {
        fn check<C: Cost<Work = i64>, const MAX: bool>(row: &[C]) {
            let (want, special) = row_cands::<C, MAX>(row);
            let mut all: Vec<(i64, usize)> = row
                .iter()
                .enumerate()
                .map(|(k, &c)| (c.to_work::<MAX>(), k))
                .filter(|&(h, _)| h < i64::INF)
                .collect();
            all.sort_unstable();
            for s in 0..CANDS {
                let (h, j) = all.get(s).copied().unwrap_or((i64::INF, NONE));
                assert_eq!((want.h[s], want.j[s]), (h, j));
            }
            assert_eq!(special, row.iter().any(|c| c.is_forbidden()));
            for isa in available() {
                let got = cands_dispatch::<C, MAX>(isa, row);
                assert_eq!(
                    (got.0.h, got.0.j, got.1),
                    (want.h, want.j, special),
                    "{isa:?}"
                );
            }
        }
        for m in [
            0usize, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1031,
        ] {
            for seed in 0..20 {
                let (row, ..) = data(m, seed);
                let r64: Vec<i64> = row
                    .iter()
                    .map(|&x| match x {
                        f64::INFINITY => i64::MAX,
                        f64::NEG_INFINITY => i64::MIN,
                        _ => x as i64 - 8,
                    })
                    .collect();
                let r32: Vec<i32> = r64
                    .iter()
                    .map(|&x| match x {
                        i64::MAX => i32::MAX,
                        i64::MIN => i32::MIN,
                        _ => x as i32,
                    })
                    .collect();
                let allowed: Vec<i64> = r64.iter().map(|&x| x.clamp(-100, 100)).collect();
                let desc: Vec<i32> = (0..m).map(|k| (m - k) as i32).collect();
                check::<i64, false>(&r64);
                check::<i64, true>(&r64);
                check::<i32, false>(&r32);
                check::<i32, true>(&r32);
                check::<i64, false>(&allowed);
                check::<i32, true>(&desc);
                check::<i32, false>(&desc);
            }
        }
    }

    /// The range kernel of the integer span check equals a plain fold over the allowed entries,
    /// on every instruction set (rows with both forbidden markers, and with none allowed).
    #[test]
    fn entry_range_is_the_min_and_max_of_the_allowed_entries() {
        fn naive<C: Cost>(row: &[C]) -> (C::Work, C::Work) {
            row.iter()
                .filter(|c| !c.is_forbidden())
                .map(|c| c.to_work::<false>())
                .fold((C::Work::HIGHEST, C::Work::LOWEST), |(a, b), w| {
                    (if w < a { w } else { a }, if w > b { w } else { b })
                })
        }
        for m in [0usize, 1, 7, 8, 9, 31, 100, 1031] {
            for seed in 0..10 {
                let (row, ..) = data(m, seed);
                let r64: Vec<i64> = row
                    .iter()
                    .enumerate()
                    .map(|(k, &x)| match x {
                        f64::INFINITY => i64::MAX,
                        f64::NEG_INFINITY => i64::MIN,
                        _ => (x as i64 - 7) * (1 << 40) + k as i64,
                    })
                    .collect();
                let r32: Vec<i32> = r64
                    .iter()
                    .map(|&x| match x {
                        i64::MAX => i32::MAX,
                        i64::MIN => i32::MIN,
                        _ => (x >> 20) as i32,
                    })
                    .collect();
                let all_forbidden = vec![i64::MIN; m];
                for isa in available() {
                    assert_eq!(entry_range(isa, &r64), naive(&r64), "{isa:?} m {m}");
                    assert_eq!(entry_range(isa, &r32), naive(&r32), "{isa:?} m {m}");
                    assert_eq!(
                        entry_range(isa, &all_forbidden),
                        (i64::MAX, i64::MIN),
                        "{isa:?} m {m}"
                    );
                }
            }
        }
    }

    /// The first-pass kernels agree with the portable loop bit for bit, and with a sort.
    #[test]
    fn candidate_kernels_match_the_portable_one_and_a_sort() {
        fn check<const MAX: bool>(row: &[f64]) {
            let (want, special) = row_cands::<f64, MAX>(row);
            let mut all: Vec<(f64, usize)> = row
                .iter()
                .enumerate()
                .map(|(k, &c)| (c.to_work::<MAX>(), k))
                .filter(|&(h, _)| h < f64::INFINITY)
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for s in 0..CANDS {
                let (h, j) = all.get(s).copied().unwrap_or((f64::INFINITY, NONE));
                assert_eq!((want.h[s].to_bits(), want.j[s]), (h.to_bits(), j));
            }
            assert_eq!(special, row.iter().any(|c| !c.is_finite()));
            for isa in available() {
                let (got, sp) = cands_dispatch::<f64, MAX>(isa, row);
                assert_eq!(sp, special, "{isa:?}");
                for s in 0..CANDS {
                    assert_eq!(
                        (got.h[s].to_bits(), got.j[s]),
                        (want.h[s].to_bits(), want.j[s]),
                        "{isa:?} m {}",
                        row.len()
                    );
                }
            }
        }
        for m in [
            0usize, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1031,
        ] {
            for seed in 0..20 {
                let (mut row, ..) = data(m, seed);
                check::<false>(&row);
                check::<true>(&row);
                if m > 0 {
                    row[(seed as usize * 7) % m] = f64::NAN;
                    check::<false>(&row);
                    check::<true>(&row);
                }
                // Descending rows insert at every column.
                let desc: Vec<f64> = (0..m).map(|k| (m - k) as f64).collect();
                check::<false>(&desc);
                check::<true>(&desc);
            }
        }
    }

    /// A deterministic wide test matrix: small integers (many ties) or fractions, with
    /// forbidden entries (about one in `holes`).
    fn wide(n: usize, m: usize, seed: u64, ties: bool, holes: u64) -> Vec<f64> {
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
                    let b = top2::<f64, false>(lap.row(i), &lap.v);
                    assert_eq!(
                        (a.0.to_bits(), a.1, a.2.to_bits(), a.3),
                        (b.0.to_bits(), b.1, b.2.to_bits(), b.3),
                        "seed {seed} row {i}"
                    );
                }
            }
        }
    }

    /// Wide input gives the same assignment and potentials, bit for bit, with and without the
    /// first pass (sequential and, at 200 x 1500, parallel: called outside any pool, so with
    /// helpers on the global pool, and inside rayon pools of 1 and 3 threads), minimising and
    /// maximising.
    #[test]
    fn first_pass_changes_nothing() {
        fn same<C: Cost, const MAX: bool>(c: &[C], n: usize, m: usize) {
            let b = solve_wide_with::<C, MAX>(c, n, m, None, false).unwrap();
            let b = (b.x, b.y, format!("{:?}", (b.u, b.v)));
            let streamed = || {
                let a = solve_wide_with::<C, MAX>(c, n, m, None, true).unwrap();
                (a.x, a.y, format!("{:?}", (a.u, a.v)))
            };
            assert_eq!(streamed(), b);
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                assert_eq!(pool.install(streamed), b, "{threads} threads");
            }
        }
        for (n, m) in [(1, 5), (5, 9), (40, 100), (90, 91), (200, 1500)] {
            for seed in 0..3 {
                for ties in [false, true] {
                    let c = wide(n, m, seed, ties, 17);
                    same::<f64, false>(&c, n, m);
                    same::<f64, true>(&c, n, m);
                    let ci: Vec<i64> = c
                        .iter()
                        .map(|&x| {
                            if x.is_finite() {
                                (x * 1000.0) as i64
                            } else {
                                i64::MAX
                            }
                        })
                        .collect();
                    same::<i64, false>(&ci, n, m);
                }
            }
        }
    }

    /// The input check fused into the parallel first pass still names the first NaN and a row
    /// with no allowed entry.
    #[test]
    fn parallel_first_pass_keeps_the_input_check() {
        use crate::solver::{solve, Sense};
        let (n, m) = (200, 1500);
        let mut c = wide(n, m, 5, false, 1 << 40);
        c[150 * m + 7] = f64::NAN;
        c[190 * m + 3] = f64::NAN;
        let e = solve(&c, n, m, Sense::Minimize).unwrap_err();
        assert!(matches!(e, crate::Error::NaN { row: 150, col: 7 }), "{e}");
        c[150 * m + 7] = 0.5;
        c[190 * m + 3] = 0.5;
        c[120 * m..121 * m].fill(f64::INFINITY);
        let e = solve(&c, n, m, Sense::Maximize).unwrap_err();
        assert!(
            e.to_string().contains("row 120 has no allowed column"),
            "{e}"
        );
        c[120 * m + 1499] = 1.0;
        let a = solve(&c, n, m, Sense::Minimize).unwrap();
        assert_eq!(a.col_of(120), Some(1499));
        a.verify(&c).unwrap();
    }
}
