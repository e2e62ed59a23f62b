//! Exact linear assignment: citypair's own shortest-augmenting-path solver.
//!
//! [`solve`] takes a dense row-major matrix (`rows x cols`, either orientation) of a [`Cost`]
//! type (and [`solve_matrix`] any [`Matrix`]: a [`ScoreMatrix`](crate::matrix::ScoreMatrix), a
//! [`MatrixView`], nested arrays, or a type of yours) and returns the [`Assignment`] of minimum (or, with [`Sense::Maximize`], maximum) total
//! that assigns every row (when `rows <= cols`) or every column (when `rows > cols`), together
//! with dual potentials that prove it optimal ([`Assignment::verify`]).
//!
//! - **Exact.** Integer costs (`i32`, `i64`) are solved in integer arithmetic; float costs
//!   (`f64`, `f32`) give the true optimum up to rounding and never loop.
//! - **Forbidden pairs** are infinite entries (`inf` or `-inf`, or an integer type's `MIN` /
//!   `MAX`), never big-M penalties. A problem without a complete assignment of the smaller side
//!   is an [`Error::Infeasible`] naming a Hall-type witness.
//! - **Deterministic.** Ties are broken by a fixed rule (lowest row, then the order of the
//!   phases), so the same matrix always gives the same assignment.
//!
//! Algorithm: Jonker and Volgenant, "A shortest augmenting path algorithm for dense and sparse
//! linear assignment problems", *Computing* 38 (1987) 325-340; rectangular handling as in
//! Crouse, "On implementing 2D rectangular assignment algorithms", *IEEE TAES* 52(4) (2016).
//!
//! Complexity: `O(n^2 m)` time in the worst case for `n = min(rows, cols)`,
//! `m = max(rows, cols)`, and `O(m)` memory beyond the input for square and wide matrices (a
//! tall matrix is transposed once, `O(n m)`).
//!
//! ```
//! use citypair::solver::{solve, Sense};
//!
//! // Three translators, three documents; minutes each would need.
//! let minutes = [
//!     4, 1, 3,
//!     2, 0, 5,
//!     3, 2, 2,
//! ];
//! let a = solve(&minutes, 3, 3, Sense::Minimize)?;
//! assert_eq!(a.total(), 5_i64);
//! assert_eq!(a.pairs().collect::<Vec<_>>(), vec![(0, 1), (1, 0), (2, 2)]);
//! a.verify(&minutes)?;
//! # Ok::<(), citypair::Error>(())
//! ```

mod batch;
mod bottleneck;
mod cost;
pub(crate) mod flow;
pub(crate) mod implicit;
mod input;
pub(crate) mod kbest;
pub(crate) mod lap;
mod matching;
mod sparse;
mod stable;
mod witness;

pub use batch::solve_batch;
pub use bottleneck::{solve_bottleneck, Bottleneck};
pub use input::{solve_bottleneck_matrix, solve_matrix, Matrix, MatrixView};
pub use kbest::{k_best, Ranked, K_BEST_STATE_LIMIT};
pub use sparse::{solve_sparse, solve_sparse_warm, SparseAssignment, SparseMatrix};
pub use stable::stable_pairing;
pub use witness::HallWitness;

pub use cost::{Cost, Work};

use crate::error::{Buffer, Error, Infeasibility, Location, Result};
use lap::{Stop, NONE};

/// Whether to minimise costs or maximise scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sense {
    /// Smallest total (costs). The default.
    #[default]
    Minimize,
    /// Largest total (scores).
    Maximize,
}

/// An optimal assignment with its dual certificate.
///
/// Potentials are those of the *minimisation* of the work costs: `w[i][j] = c[i][j]` when
/// minimising and `-c[i][j]` when maximising. They satisfy `u[i] + v[j] <= w[i][j]` for every
/// allowed pair, with equality on assigned pairs; on a non-square matrix the potentials of the
/// longer side are `<= 0`, and `0` on its unassigned lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment<C: Cost> {
    rows: usize,
    cols: usize,
    sense: Sense,
    row_to_col: Vec<usize>,
    col_to_row: Vec<usize>,
    total: C::Total,
    u: Vec<C::Work>,
    v: Vec<C::Work>,
}

impl<C: Cost> Assignment<C> {
    /// Number of rows of the solved matrix.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns of the solved matrix.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Whether the total was minimised or maximised.
    pub fn sense(&self) -> Sense {
        self.sense
    }

    /// Number of assigned pairs: `min(rows, cols)`.
    pub fn len(&self) -> usize {
        self.rows.min(self.cols)
    }

    /// Whether no pair is assigned (an empty matrix).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column assigned to `row`, if any (`None` also for an out-of-range row).
    pub fn col_of(&self, row: usize) -> Option<usize> {
        self.row_to_col.get(row).copied().filter(|&c| c != NONE)
    }

    /// The row assigned to `col`, if any (`None` also for an out-of-range column).
    pub fn row_of(&self, col: usize) -> Option<usize> {
        self.col_to_row.get(col).copied().filter(|&r| r != NONE)
    }

    /// The assigned `(row, col)` pairs, in increasing row order.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.row_to_col
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != NONE)
            .map(|(r, &c)| (r, c))
    }

    /// The total cost (or score) of the assigned pairs, summed in increasing row order.
    pub fn total(&self) -> C::Total {
        self.total
    }

    /// Row potentials `u` (see the type's documentation for the convention).
    pub fn row_potentials(&self) -> &[C::Work] {
        &self.u
    }

    /// Column potentials `v` (see the type's documentation for the convention).
    pub fn col_potentials(&self) -> &[C::Work] {
        &self.v
    }

    /// Checks the optimality certificate against the matrix in `O(rows * cols)`: every assigned
    /// pair is allowed, the assignment covers the smaller side once, the potentials are dual
    /// feasible (`u[i] + v[j] <= w[i][j]` on allowed pairs, longer side `<= 0` and `0` where
    /// unassigned) and tight on every assigned pair. Together these prove the total optimal.
    /// Float problems are checked to a tolerance proportional to the largest magnitude and `n`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first violated condition and its row and column.
    pub fn verify(&self, costs: &[C]) -> Result<()> {
        let (r, c) = (self.rows, self.cols);
        let fail = |what: String| Error::invalid(Location::Certificate, what);
        if costs.len() != r * c {
            return Err(fail(format!(
                "matrix has {} entries, the assignment is for {r} x {c}",
                costs.len()
            )));
        }
        let max = self.sense == Sense::Maximize;
        let work = |x: C| {
            if max {
                x.to_work::<true>()
            } else {
                x.to_work::<false>()
            }
        };
        let scale = self
            .u
            .iter()
            .chain(&self.v)
            .map(|p| p.to_f64().abs())
            .chain(
                costs
                    .iter()
                    .map(|&x| work(x).to_f64().abs())
                    .filter(|x| x.is_finite()),
            )
            .fold(0.0, f64::max);
        let tol = C::Work::tolerance(scale, r.max(c));
        let mut count = 0;
        for (i, &j) in self.row_to_col.iter().enumerate() {
            if j == NONE {
                continue;
            }
            count += 1;
            if self.col_to_row.get(j) != Some(&i) {
                return Err(fail(format!("row {i} and column {j} disagree")));
            }
        }
        if count != r.min(c) || self.col_to_row.iter().filter(|&&i| i != NONE).count() != count {
            return Err(fail(format!("{count} pairs assigned, {} needed", r.min(c))));
        }
        for i in 0..r {
            let row = &costs[i * c..(i + 1) * c];
            for (j, &x) in row.iter().enumerate() {
                let w = work(x);
                let assigned = self.row_to_col[i] == j;
                if w.is_inf() {
                    if assigned {
                        return Err(fail(format!("pair ({i}, {j}) is forbidden but assigned")));
                    }
                    continue;
                }
                let slack = (w - self.u[i] - self.v[j]).to_f64();
                if slack < -tol {
                    return Err(fail(format!(
                        "dual infeasible at ({i}, {j}): reduced cost {slack}"
                    )));
                }
                if assigned && slack > tol {
                    return Err(fail(format!(
                        "assigned pair ({i}, {j}) is not tight: reduced cost {slack}"
                    )));
                }
            }
        }
        // The longer side's potentials: <= 0, and 0 where unassigned.
        let longer: Option<Side<'_, C::Work>> = match r.cmp(&c) {
            std::cmp::Ordering::Less => Some((&self.v, &self.col_to_row, "column")),
            std::cmp::Ordering::Greater => Some((&self.u, &self.row_to_col, "row")),
            std::cmp::Ordering::Equal => None,
        };
        if let Some((pot, mate, name)) = longer {
            for (k, (&p, &m)) in pot.iter().zip(mate).enumerate() {
                let p = p.to_f64();
                if p > tol || (m == NONE && p < -tol) {
                    return Err(fail(format!(
                        "{name} {k} has potential {p} (must be <= 0, and 0 when unassigned)"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Does ahead of time the once-per-process set-up that the first [`solve`] would otherwise
/// pay for: starts rayon's global thread pool (unless it runs already) and detects the CPU's
/// instruction set for the solver's kernels (the detection runs on a pool thread, so this call
/// returns as soon as the pool is up). Without the `rayon` feature there is no pool to start,
/// and the detection runs on the calling thread.
///
/// Optional: results never depend on it. Measured on this project's 2-core virtual machine,
/// starting the pool takes about 0.3 ms and the detection about 0.15 ms (each CPUID instruction
/// traps to the hypervisor), against about 1.1 ms for the whole solve of a 1000 x 3000 matrix.
/// Call it early, for example before reading the input, as the command-line tool does.
///
/// ```
/// citypair::solver::warm_up();
/// let a = citypair::solver::solve(&[3.0, 1.0, 2.0, 4.0], 2, 2, citypair::solver::Sense::Minimize)?;
/// assert_eq!(a.total(), 3.0);
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn warm_up() {
    #[cfg(feature = "rayon")]
    rayon::spawn(|| {
        lap::Isa::detect();
    });
    #[cfg(not(feature = "rayon"))]
    lap::Isa::detect();
}

/// Solves the linear assignment problem on a dense row-major `rows x cols` matrix.
///
/// Every row is assigned when `rows <= cols`, every column otherwise; infinite entries (or an
/// integer type's `MIN`/`MAX`) are forbidden pairs. An empty matrix gives an empty assignment
/// with total 0.
///
/// # Errors
/// - [`Error::MatrixShape`] when `costs.len() != rows * cols`;
/// - [`Error::NaN`] naming the first NaN entry;
/// - [`Error::CostOverflow`] when integer costs span more than can be solved without overflow;
/// - [`Error::CostMagnitude`] when integer costs are too large in magnitude for exact 64-bit
///   arithmetic (subtracting a constant from every entry solves that);
/// - [`Error::Infeasible`] when no complete assignment exists, with a Hall-type witness;
/// - [`Error::OutOfMemory`] when the transposed copy of a tall matrix cannot be allocated.
///
/// # Complexity
/// `O(n^2 m)` worst case for `n = min(rows, cols)`, `m = max(rows, cols)`; `O(m)` extra memory
/// for square and wide input, `O(rows * cols)` for tall input (transposed once).
///
/// See [`solve_matrix`] for the same on any [`Matrix`].
pub fn solve<C: Cost>(
    costs: &[C],
    rows: usize,
    cols: usize,
    sense: Sense,
) -> Result<Assignment<C>> {
    let expected = rows.checked_mul(cols).ok_or(Error::MatrixShape {
        rows,
        cols,
        expected: usize::MAX,
        found: costs.len(),
    })?;
    if costs.len() != expected {
        return Err(Error::MatrixShape {
            rows,
            cols,
            expected,
            found: costs.len(),
        });
    }
    let max = sense == Sense::Maximize;
    // Integer costs need the span check before any arithmetic. Float costs are scanned for NaN
    // and forbidden entries row by row inside the solver's first pass over the matrix (one pass
    // instead of two); only a matrix that has one gets the detailed check, which names the
    // offender.
    let fused = C::span_limit(1).is_none();
    if !fused {
        check_entries(costs, rows, cols)?;
    }
    let detailed = || check_entries(costs, rows, cols);
    let check: Option<&dyn Fn() -> Result<()>> = if fused { Some(&detailed) } else { None };
    let raw = if rows <= cols {
        run(costs, rows, cols, max, check).map_err(|e| e.into_error(false))?
    } else {
        let t = transpose(costs, rows, cols)?;
        let raw = run(&t, cols, rows, max, check).map_err(|e| e.into_error(true))?;
        lap::Raw {
            x: raw.y,
            y: raw.x,
            u: raw.v,
            v: raw.u,
        }
    };
    let total = raw
        .x
        .iter()
        .enumerate()
        .filter(|&(_, &j)| j != NONE)
        .fold(C::TOTAL_ZERO, |t, (i, &j)| costs[i * cols + j].add_to(t));
    Ok(Assignment {
        rows,
        cols,
        sense,
        row_to_col: raw.x,
        col_to_row: raw.y,
        total,
        u: raw.u,
        v: raw.v,
    })
}

fn run<C: Cost>(
    c: &[C],
    n: usize,
    m: usize,
    max: bool,
    check: Option<&dyn Fn() -> Result<()>>,
) -> Result<lap::Raw<C::Work>, Stop> {
    if n == 0 {
        return Ok(lap::Raw {
            x: Vec::new(),
            y: vec![NONE; m],
            u: Vec::new(),
            v: vec![C::Work::ZERO; m],
        });
    }
    if max {
        lap::solve_wide::<C, true>(c, n, m, check)
    } else {
        lap::solve_wide::<C, false>(c, n, m, check)
    }
}

impl Stop {
    /// The error to report, with the witness in the caller's orientation (`transposed`: the
    /// solver ran on the transpose of the caller's matrix).
    fn into_error(self, transposed: bool) -> Error {
        match self {
            Stop::Infeasible(w) => infeasible(w, transposed),
            Stop::Input(e) => e,
        }
    }
}

/// Rejects NaN, rows or columns of the smaller side without an allowed entry, and integer costs
/// too wide for exact arithmetic. Run up front for integer costs; for float costs only once the
/// solver's first pass has seen a NaN or a forbidden entry.
fn check_entries<C: Cost>(costs: &[C], rows: usize, cols: usize) -> Result<()> {
    if rows == 0 || cols == 0 {
        return Ok(());
    }
    if let Some(limit) = C::span_limit(rows.max(cols)) {
        return check_integers(costs, rows, cols, limit);
    }
    for (i, row) in costs.chunks_exact(cols).enumerate() {
        let mut allowed = false;
        for (j, &x) in row.iter().enumerate() {
            if x.is_nan() {
                return Err(Error::NaN { row: i, col: j });
            }
            allowed |= !x.is_forbidden();
        }
        if !allowed && rows <= cols {
            return Err(Error::infeasible(Infeasibility::Rows {
                rows: vec![i],
                cols: Vec::new(),
            }));
        }
    }
    check_columns(costs, rows, cols)
}

/// On a matrix with at least as many rows as columns, a column with no allowed row is
/// infeasible.
fn check_columns<C: Cost>(costs: &[C], rows: usize, cols: usize) -> Result<()> {
    if rows >= cols {
        for j in 0..cols {
            if (0..rows).all(|i| costs[i * cols + j].is_forbidden()) {
                return Err(Error::infeasible(Infeasibility::Columns {
                    cols: vec![j],
                    rows: Vec::new(),
                }));
            }
        }
    }
    Ok(())
}

/// Integer matrices with at least this many entries are range-checked in parallel (on the
/// current rayon pool; sequentially without the `rayon` feature).
#[cfg(feature = "rayon")]
const PAR_CHECK_ENTRIES: usize = 1 << 18;

/// [`check_entries`] for integer costs (no NaN): each row's least and greatest allowed entry in
/// one vectorised pass, then the span and magnitude limits for this size (`limit` is the span
/// limit).
fn check_integers<C: Cost>(costs: &[C], rows: usize, cols: usize, limit: i128) -> Result<()> {
    let isa = lap::Isa::detect();
    // Per row: its least and greatest allowed entry, or the row's number if it has none.
    // Folded with min, max and min, which are exact and order-free: the parallel fold over a
    // large matrix gives what the sequential one gives, whatever the number of threads.
    let empty = (i128::MAX, i128::MIN, usize::MAX);
    let row_range = |(i, row): (usize, &[C])| {
        let (a, b) = lap::entry_range(isa, row);
        match (a.to_i128(), b.to_i128()) {
            (Some(a), Some(b)) if a <= b => (a, b, usize::MAX),
            _ => (i128::MAX, i128::MIN, i),
        }
    };
    let fold =
        |x: (i128, i128, usize), y: (i128, i128, usize)| (x.0.min(y.0), x.1.max(y.1), x.2.min(y.2));
    let sequential = || {
        costs
            .chunks_exact(cols)
            .enumerate()
            .map(row_range)
            .fold(empty, fold)
    };
    #[cfg(feature = "rayon")]
    let (lo, hi, first_empty) = if costs.len() >= PAR_CHECK_ENTRIES {
        use rayon::prelude::*;
        costs
            .par_chunks_exact(cols)
            .enumerate()
            .map(row_range)
            .reduce(|| empty, fold)
    } else {
        sequential()
    };
    #[cfg(not(feature = "rayon"))]
    let (lo, hi, first_empty) = sequential();
    if first_empty != usize::MAX && rows <= cols {
        return Err(Error::infeasible(Infeasibility::Rows {
            rows: vec![first_empty],
            cols: Vec::new(),
        }));
    }
    check_columns(costs, rows, cols)?;
    if lo > hi {
        // Only on a tall matrix whose every entry is forbidden in some rows: nothing to bound.
        return Ok(());
    }
    let span = hi - lo;
    if span > limit {
        return Err(Error::CostOverflow { span, limit });
    }
    let magnitude = lo.abs().max(hi.abs());
    let most = cost::int_magnitude_limit(rows.max(cols), span);
    if magnitude > most {
        return Err(Error::CostMagnitude {
            magnitude,
            span,
            limit: most,
        });
    }
    Ok(())
}

/// One side's potentials, mates and name, for the checks of the longer side in `verify`.
type Side<'s, W> = (&'s [W], &'s [usize], &'s str);

/// The `cols x rows` transpose of a row-major `rows x cols` matrix; [`Error::OutOfMemory`]
/// when it cannot be allocated.
fn transpose<C: Cost>(c: &[C], rows: usize, cols: usize) -> Result<Vec<C>> {
    let mut t = rows
        .checked_mul(cols)
        .and_then(crate::memory::with_capacity)
        .ok_or_else(|| Error::out_of_memory(Buffer::Transposed, cols, rows, size_of::<C>()))?;
    for j in 0..cols {
        t.extend((0..rows).map(|i| c[i * cols + j]));
    }
    Ok(t)
}

/// A Hall-type witness as an error, in the caller's orientation (`transposed`: the witness's
/// rows are the caller's columns).
fn infeasible(w: HallWitness, transposed: bool) -> Error {
    let (mut lines, mut reach) = (w.lines, w.reach);
    lines.sort_unstable();
    reach.sort_unstable();
    Error::infeasible(if transposed {
        Infeasibility::Columns {
            cols: lines,
            rows: reach,
        }
    } else {
        Infeasibility::Rows {
            rows: lines,
            cols: reach,
        }
    })
}
