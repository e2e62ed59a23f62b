//! The sparse shortest-augmenting-path solver: exact assignment on a matrix that lists only
//! some pairs (the others are forbidden), with warm starts. The method, its invariants and its
//! complexity are documented on [`solve_sparse`] (this module is private; its items are
//! re-exported by [`crate::solver`]).

use std::borrow::Cow;
use std::cmp::Ordering;

use super::cost::Work;
use super::witness::HallWitness;
use super::Sense;
use crate::error::{Error, Location, Result};

/// "No row" / "no column" inside the solver.
const FREE: u32 = u32::MAX;

/// Budget of augmenting-row-reduction steps per initially free row.
const ARR_STEPS_PER_ROW: usize = 32;

/// The largest number of rows or columns: indices are stored as `u32`, `u32::MAX` is reserved.
const MAX_LINES: usize = (u32::MAX - 1) as usize;

/// A matrix that lists only some of its entries, in compressed sparse row form; the entries
/// not listed are forbidden pairs.
///
/// Row `i`'s entries are `indices[offsets[i]..offsets[i + 1]]` (columns, strictly increasing)
/// with `values` at the same positions. Values are finite; rows and columns are fewer than
/// `2^32 - 1`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SparseMatrix {
    rows: usize,
    cols: usize,
    offsets: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f64>,
}

impl SparseMatrix {
    /// A matrix from its compressed sparse row arrays.
    ///
    /// # Errors
    /// [`Error::Invalid`] (location `sparse matrix`) when `offsets` does not have `rows + 1`
    /// non-decreasing entries from 0 to `indices.len()`, when `values` and `indices` differ in
    /// length, when a row's columns are not strictly increasing or not below `cols`, when a
    /// value is infinite (leave a forbidden pair out instead), or when `rows` or `cols` is
    /// `2^32 - 1` or more; [`Error::NaN`] naming the first NaN entry.
    pub fn new(
        rows: usize,
        cols: usize,
        offsets: Vec<usize>,
        indices: Vec<u32>,
        values: Vec<f64>,
    ) -> Result<SparseMatrix> {
        let bad = |message: String| Err(Error::invalid(Location::SparseMatrix, message));
        if rows > MAX_LINES || cols > MAX_LINES {
            return bad(format!(
                "{rows} x {cols} is too large: at most {MAX_LINES} rows and columns"
            ));
        }
        if offsets.len() != rows + 1 {
            return bad(format!(
                "{} row offsets for {rows} rows (needs rows + 1)",
                offsets.len()
            ));
        }
        if offsets[0] != 0 || offsets[rows] != indices.len() {
            return bad(format!(
                "row offsets run from {} to {}, not from 0 to the {} entries",
                offsets[0],
                offsets[rows],
                indices.len()
            ));
        }
        if values.len() != indices.len() {
            return bad(format!(
                "{} values for {} column indices",
                values.len(),
                indices.len()
            ));
        }
        for i in 0..rows {
            let (a, b) = (offsets[i], offsets[i + 1]);
            if a > b {
                return bad(format!("row offsets decrease at row {i}"));
            }
            let mut last: Option<u32> = None;
            for e in a..b {
                let j = indices[e];
                if j as usize >= cols {
                    return bad(format!("entry ({i}, {j}) is outside {cols} columns"));
                }
                if last.is_some_and(|l| l >= j) {
                    return bad(format!(
                        "row {i}: columns must be strictly increasing, found {} then {j}",
                        last.unwrap_or(0)
                    ));
                }
                last = Some(j);
                let x = values[e];
                if x.is_nan() {
                    return Err(Error::NaN {
                        row: i,
                        col: j as usize,
                    });
                }
                if x.is_infinite() {
                    return bad(format!(
                        "entry ({i}, {j}) is {x}; leave a forbidden pair out instead"
                    ));
                }
            }
        }
        Ok(SparseMatrix {
            rows,
            cols,
            offsets,
            indices,
            values,
        })
    }

    /// A matrix from `(row, col, value)` entries in any order.
    ///
    /// # Errors
    /// As [`SparseMatrix::new`], and [`Error::Invalid`] for an entry outside the shape or an
    /// entry given twice.
    pub fn from_triplets(
        rows: usize,
        cols: usize,
        entries: impl IntoIterator<Item = (usize, usize, f64)>,
    ) -> Result<SparseMatrix> {
        let mut entries: Vec<(usize, usize, f64)> = entries.into_iter().collect();
        if rows > MAX_LINES || cols > MAX_LINES {
            return SparseMatrix::new(rows, cols, Vec::new(), Vec::new(), Vec::new());
        }
        if let Some(&(i, j, _)) = entries.iter().find(|e| e.0 >= rows || e.1 >= cols) {
            return Err(Error::invalid(
                Location::SparseMatrix,
                format!("entry ({i}, {j}) is outside {rows} x {cols}"),
            ));
        }
        entries.sort_by_key(|&(i, j, _)| (i, j));
        if let Some(w) = entries
            .windows(2)
            .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
        {
            return Err(Error::invalid(
                Location::SparseMatrix,
                format!("entry ({}, {}) is given twice", w[0].0, w[0].1),
            ));
        }
        let mut offsets = vec![0; rows + 1];
        for &(i, _, _) in &entries {
            offsets[i + 1] += 1;
        }
        for i in 0..rows {
            offsets[i + 1] += offsets[i];
        }
        let indices = entries.iter().map(|&(_, j, _)| j as u32).collect();
        let values = entries.iter().map(|&(_, _, x)| x).collect();
        SparseMatrix::new(rows, cols, offsets, indices, values)
    }

    /// The finite entries of a dense row-major `rows x cols` matrix; infinite entries (forbidden
    /// pairs, as in [`solve`](super::solve)) are left out.
    ///
    /// # Errors
    /// [`Error::MatrixShape`] when `costs.len() != rows * cols`; otherwise as
    /// [`SparseMatrix::new`].
    pub fn from_dense(costs: &[f64], rows: usize, cols: usize) -> Result<SparseMatrix> {
        if rows.checked_mul(cols) != Some(costs.len()) {
            return Err(Error::MatrixShape {
                rows,
                cols,
                expected: rows.saturating_mul(cols),
                found: costs.len(),
            });
        }
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut indices = Vec::new();
        let mut values = Vec::new();
        offsets.push(0);
        if cols > 0 {
            for row in costs.chunks_exact(cols) {
                for (j, &x) in row.iter().enumerate() {
                    if !x.is_infinite() {
                        indices.push(j as u32);
                        values.push(x);
                    }
                }
                offsets.push(indices.len());
            }
        } else {
            offsets.resize(rows + 1, 0);
        }
        SparseMatrix::new(rows, cols, offsets, indices, values)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of listed entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Whether no entry is listed.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// Row `i`'s entries: their columns (strictly increasing) and values.
    ///
    /// # Panics
    /// If `i >= rows()`.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        assert!(
            i < self.rows,
            "row {i} is outside a {} x {} matrix",
            self.rows,
            self.cols
        );
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// The value at `(i, j)`, or `None` when the pair is not listed (or out of range).
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        if i >= self.rows || j >= self.cols {
            return None;
        }
        let (idx, val) = self.row(i);
        idx.binary_search(&(j as u32)).ok().map(|e| val[e])
    }

    /// The row offsets (`rows + 1` of them).
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    /// The column of every entry, row by row.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The value of every entry, row by row.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The transposed matrix (columns become rows), in `O(rows + cols + nnz)`.
    #[must_use]
    pub fn transpose(&self) -> SparseMatrix {
        let mut offsets = vec![0usize; self.cols + 1];
        for &j in &self.indices {
            offsets[j as usize + 1] += 1;
        }
        for j in 0..self.cols {
            offsets[j + 1] += offsets[j];
        }
        let mut next = offsets.clone();
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0.0; self.nnz()];
        for i in 0..self.rows {
            for e in self.offsets[i]..self.offsets[i + 1] {
                let j = self.indices[e] as usize;
                let at = next[j];
                next[j] += 1;
                indices[at] = i as u32;
                values[at] = self.values[e];
            }
        }
        SparseMatrix {
            rows: self.cols,
            cols: self.rows,
            offsets,
            indices,
            values,
        }
    }
}

/// The result of [`solve_sparse`]: an optimal assignment of the listed entries with its dual
/// certificate, or, when the entries admit no complete assignment of the smaller side, a
/// largest one with the lines left over and a [`HallWitness`].
///
/// Potentials follow the convention of [`Assignment`](super::Assignment): they are those of the
/// minimisation of the work costs (`w = c` when minimising, `-c` when maximising), with
/// `u[i] + v[j] <= w[i][j]` on every listed entry and equality on assigned pairs; on a
/// non-square matrix the longer side's potentials are `<= 0`, and `0` on its unassigned lines.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseAssignment {
    rows: usize,
    cols: usize,
    sense: Sense,
    row_to_col: Vec<u32>,
    col_to_row: Vec<u32>,
    total: f64,
    u: Vec<f64>,
    v: Vec<f64>,
    deficiency: Option<HallWitness>,
}

impl SparseAssignment {
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

    /// Number of assigned pairs: `min(rows, cols)` when [complete](Self::is_complete).
    pub fn len(&self) -> usize {
        self.row_to_col.iter().filter(|&&c| c != FREE).count()
    }

    /// Whether no pair is assigned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every line of the smaller side is assigned (no [deficiency](Self::deficiency)).
    pub fn is_complete(&self) -> bool {
        self.deficiency.is_none()
    }

    /// The column assigned to `row`, if any (`None` also for an out-of-range row).
    pub fn col_of(&self, row: usize) -> Option<usize> {
        self.row_to_col
            .get(row)
            .copied()
            .filter(|&c| c != FREE)
            .map(|c| c as usize)
    }

    /// The row assigned to `col`, if any (`None` also for an out-of-range column).
    pub fn row_of(&self, col: usize) -> Option<usize> {
        self.col_to_row
            .get(col)
            .copied()
            .filter(|&r| r != FREE)
            .map(|r| r as usize)
    }

    /// The assigned `(row, col)` pairs, in increasing row order.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.row_to_col
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != FREE)
            .map(|(r, &c)| (r, c as usize))
    }

    /// The total cost (or score) of the assigned pairs, summed in increasing row order.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Row potentials `u` (see the type's documentation for the convention).
    pub fn row_potentials(&self) -> &[f64] {
        &self.u
    }

    /// Column potentials `v` (see the type's documentation for the convention).
    pub fn col_potentials(&self) -> &[f64] {
        &self.v
    }

    /// When the listed entries admit no complete assignment of the smaller side: lines of the
    /// smaller side (rows, or columns of a tall matrix) that can only use fewer lines of the
    /// other side. Its lines include every unassigned line of the smaller side; widening the
    /// entries of some of its lines is necessary to assign them all.
    pub fn deficiency(&self) -> Option<&HallWitness> {
        self.deficiency.as_ref()
    }

    /// The unassigned lines of the smaller side (rows, or columns of a tall matrix), in
    /// increasing order; empty when [complete](Self::is_complete).
    pub fn unassigned(&self) -> Vec<usize> {
        let (mates, n) = if self.rows <= self.cols {
            (&self.row_to_col, self.rows)
        } else {
            (&self.col_to_row, self.cols)
        };
        (0..n).filter(|&k| mates[k] == FREE).collect()
    }

    /// Checks the optimality certificate against `matrix` in `O(rows + cols + nnz)`: the
    /// assignment covers the smaller side once with listed entries, the potentials are dual
    /// feasible on every listed entry (`u[i] + v[j] <= w[i][j]`; the longer side `<= 0`, and
    /// `0` where unassigned) and tight on assigned pairs, to the tolerance of
    /// [`Assignment::verify`](super::Assignment::verify).
    ///
    /// # Errors
    /// [`Error::Invalid`] (location `certificate`) naming the first violated condition, or
    /// an incomplete assignment.
    pub fn verify(&self, matrix: &SparseMatrix) -> Result<()> {
        let fail = |what: String| Err(Error::invalid(Location::Certificate, what));
        let (r, c) = (self.rows, self.cols);
        if (matrix.rows, matrix.cols) != (r, c) {
            return fail(format!(
                "the matrix is {} x {}, the assignment is for {r} x {c}",
                matrix.rows, matrix.cols
            ));
        }
        if let Some(w) = &self.deficiency {
            return fail(format!(
                "incomplete: {} lines of the smaller side can only use {} lines",
                w.lines.len(),
                w.reach.len()
            ));
        }
        let max = self.sense == Sense::Maximize;
        let work = |x: f64| if max { -x } else { x };
        let scale = self
            .u
            .iter()
            .chain(&self.v)
            .chain(&matrix.values)
            .fold(0.0f64, |s, x| s.max(x.abs()));
        let tol = <f64 as Work>::tolerance(scale, r.max(c));
        let mut count = 0;
        for i in 0..r {
            let j = self.row_to_col[i];
            if j == FREE {
                continue;
            }
            count += 1;
            if self.col_to_row.get(j as usize) != Some(&(i as u32)) {
                return fail(format!("row {i} and column {j} disagree"));
            }
            if matrix.get(i, j as usize).is_none() {
                return fail(format!("assigned pair ({i}, {j}) is not an entry"));
            }
        }
        let assigned_cols = self.col_to_row.iter().filter(|&&i| i != FREE).count();
        if count != r.min(c) || assigned_cols != count {
            return fail(format!("{count} pairs assigned, {} needed", r.min(c)));
        }
        for i in 0..r {
            let (idx, val) = matrix.row(i);
            for (&j, &x) in idx.iter().zip(val) {
                let slack = work(x) - self.u[i] - self.v[j as usize];
                if slack < -tol {
                    return fail(format!(
                        "dual infeasible at ({i}, {j}): reduced cost {slack}"
                    ));
                }
                if self.row_to_col[i] == j && slack > tol {
                    return fail(format!(
                        "assigned pair ({i}, {j}) is not tight: reduced cost {slack}"
                    ));
                }
            }
        }
        let longer: Option<(&[f64], &[u32], &str)> = match r.cmp(&c) {
            Ordering::Less => Some((&self.v, &self.col_to_row, "column")),
            Ordering::Greater => Some((&self.u, &self.row_to_col, "row")),
            Ordering::Equal => None,
        };
        if let Some((pot, mate, name)) = longer {
            for (k, (&p, &m)) in pot.iter().zip(mate).enumerate() {
                if p > tol || (m == FREE && p < -tol) {
                    return fail(format!(
                        "{name} {k} has potential {p} (must be <= 0, and 0 when unassigned)"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Solves the assignment problem on the listed entries of `matrix` (the others are forbidden),
/// from scratch.
///
/// Every row is assigned when `rows <= cols`, every column otherwise, if the entries allow it;
/// when they do not, the result is a largest assignment whose
/// [`deficiency`](SparseAssignment::deficiency) names the lines that cannot all be assigned
/// (this is not an error, so that a caller can add entries and solve again).
///
/// This is the sparse variant of Jonker and Volgenant (1987, section 4, "LAPMOD"): the matrix
/// is stored in compressed sparse row form ([`SparseMatrix`]), each augmentation is a Dijkstra
/// search over reduced costs with a 4-ary heap, and only the entries of the rows it reaches are
/// read. It is the engine of candidate mode ([`crate::candidates`]).
///
/// # Method
///
/// The problem is solved in the orientation where the assigned side is the smaller one (a tall
/// matrix is transposed once), minimising the work costs `w = c` (or `w = -c` when
/// maximising). Column potentials `v` start at 0.
///
/// 1. **Augmenting row reduction** (Jonker and Volgenant): each free row takes the column
///    minimising `w[i][j] - v[j]` over its entries, lowering that column's potential to the
///    row's second-smallest value and evicting the column's previous row, which tries again;
///    at most 32 steps per free row. This assigns most rows cheaply.
/// 2. **Augmentation.** For each row still free, in increasing order, a Dijkstra search from the
///    row over reduced costs `w[i][j] - u[i] - v[j]` (rounded-down negatives clamped to 0) finds
///    a shortest path to a free column; the heap is ordered by distance, then by the lowest
///    column, so ties are broken the same way every time. Settled columns get
///    `v[j] += d[j] - d*`, which keeps every reduced cost non-negative and the path tight, and
///    the path is flipped. Only the columns the search touched are reset, so an augmentation
///    costs `O(E' log E')` for the `E'` entries of the rows it reaches, never `O(cols)`.
/// 3. **Deficiency.** When a search exhausts its alternating tree without reaching a free
///    column, no complete assignment of the smaller side exists (Hall's theorem): the row is
///    left unassigned and the others go on. At the end one alternating search from all
///    unassigned rows gives a [`HallWitness`]: lines that can only use fewer lines of the other
///    side ([`SparseAssignment::deficiency`]).
///
/// **Invariants**: every assigned row's column minimises `w[i][j] - v[j]` over the row's
/// entries, so `u[i] = w[i][x[i]] - v[x[i]]` is dual feasible and tight; on a non-square
/// problem the longer side's potentials are `<= 0`, and `0` on its unassigned lines (free
/// columns are only ever settled as the end of a path, where the update is 0).
///
/// # Warm start
///
/// [`solve_sparse_warm`] starts from a previous [`SparseAssignment`] of the same shape, usually
/// computed on fewer entries (the candidate set before pricing added pairs). It keeps the
/// previous column potentials and every assigned pair that is still an entry and still
/// satisfies the invariant, frees the other rows, and re-augments only those. On a non-square
/// problem a freed column whose potential is not 0 has it raised to 0 (the longer side's
/// condition), and every row that this makes infeasible is freed in turn (a cascade through
/// the column's entries).
///
/// # Complexity
///
/// `O(E)` memory for `E` entries (plus a transposed copy for a tall matrix, and the columns'
/// entries during a warm start of a non-square problem that needs the cascade); time
/// `O(E' log E')` per augmentation for the `E'` entries it reaches, so `O(n E log E)` in the
/// worst case for `n = min(rows, cols)`, and far less in practice. A warm start costs `O(E)`
/// plus the augmentations of the freed rows.
///
/// # Errors
/// None at present (the matrix was checked when it was built); the `Result` leaves room for
/// limits.
///
/// # Examples
/// ```
/// use citypair::solver::{solve_sparse, Sense, SparseMatrix};
///
/// // Three cities each listing the partners they could work with, with scores.
/// let m = SparseMatrix::from_triplets(3, 3, [
///     (0, 0, 0.9), (0, 1, 0.8),
///     (1, 0, 0.85),
///     (2, 1, 0.7), (2, 2, 0.2),
/// ])?;
/// let a = solve_sparse(&m, Sense::Maximize)?;
/// assert!(a.is_complete());
/// assert_eq!(a.pairs().collect::<Vec<_>>(), vec![(0, 1), (1, 0), (2, 2)]);
/// assert!((a.total() - 1.85).abs() < 1e-12);
/// a.verify(&m)?;
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn solve_sparse(matrix: &SparseMatrix, sense: Sense) -> Result<SparseAssignment> {
    Ok(run(matrix, sense, None))
}

/// Solves the assignment problem on the listed entries of `matrix` starting from `start`, a
/// previous result for a matrix of the same shape and sense, usually with fewer entries.
///
/// The previous column potentials and assigned pairs are kept where they are still valid on
/// `matrix` (the pair is an entry and no entry of its row has a smaller reduced cost); only the
/// other rows are augmented again (see [`solve_sparse`], section "Warm start"). The result
/// is the same optimum a cold [`solve_sparse`] finds (the same total; the same pairs when the
/// optimum is unique).
///
/// # Errors
/// [`Error::Invalid`] (location `warm start`) when `start` has a different shape or sense.
pub fn solve_sparse_warm(
    matrix: &SparseMatrix,
    sense: Sense,
    start: &SparseAssignment,
) -> Result<SparseAssignment> {
    if (start.rows, start.cols) != (matrix.rows, matrix.cols) || start.sense != sense {
        return Err(Error::invalid(
            Location::WarmStart,
            format!(
                "the start is a {:?} assignment of {} x {}, the problem a {sense:?} one of {} x {}",
                start.sense, start.rows, start.cols, matrix.rows, matrix.cols
            ),
        ));
    }
    Ok(run(matrix, sense, Some(start)))
}

fn run(matrix: &SparseMatrix, sense: Sense, start: Option<&SparseAssignment>) -> SparseAssignment {
    let tall = matrix.rows > matrix.cols;
    let wide: Cow<'_, SparseMatrix> = if tall {
        Cow::Owned(matrix.transpose())
    } else {
        Cow::Borrowed(matrix)
    };
    if sense == Sense::Maximize {
        finish(Core::<true>::new(&wide), matrix, sense, start)
    } else {
        finish(Core::<false>::new(&wide), matrix, sense, start)
    }
}

/// Runs the phases on `core` (the problem in the solver's orientation) and assembles the result
/// in the caller's orientation.
fn finish<const MAX: bool>(
    mut core: Core<'_, MAX>,
    matrix: &SparseMatrix,
    sense: Sense,
    start: Option<&SparseAssignment>,
) -> SparseAssignment {
    let (rows, cols) = (matrix.rows, matrix.cols);
    let tall = rows > cols;
    if let Some(s) = start {
        // The start in the solver's orientation: rows are the smaller side.
        let (x, v) = if tall {
            (&s.col_to_row, &s.u)
        } else {
            (&s.row_to_col, &s.v)
        };
        core.warm(x, v);
    }
    if start.is_none() && core.n == core.m {
        core.reduce_columns();
    }
    core.reduce_rows();
    let mut failed = false;
    for i in 0..core.n {
        if core.x[i] == FREE && !core.augment(i) {
            failed = true;
        }
    }
    let deficiency = if failed { core.witness() } else { None };
    let u = core.row_potentials();
    // Pair values in the solver's orientation, by solver row.
    let pair_value: Vec<f64> = core
        .xw
        .iter()
        .zip(&core.x)
        .map(|(&w, &j)| if j == FREE { 0.0 } else { Core::<MAX>::raw(w) })
        .collect();
    let Core { x, y, v, .. } = core;
    let (row_to_col, col_to_row, u, v) = if tall { (y, x, v, u) } else { (x, y, u, v) };
    let total = if tall {
        row_to_col
            .iter()
            .filter(|&&j| j != FREE)
            .fold(0.0, |t, &j| t + pair_value[j as usize])
    } else {
        row_to_col
            .iter()
            .zip(&pair_value)
            .filter(|&(&j, _)| j != FREE)
            .fold(0.0, |t, (_, &p)| t + p)
    };
    SparseAssignment {
        rows,
        cols,
        sense,
        row_to_col,
        col_to_row,
        total,
        u,
        v,
        deficiency,
    }
}

/// A heap entry: a tentative distance to a column.
#[derive(Debug, Clone, Copy)]
struct Entry {
    d: f64,
    j: u32,
}

impl Entry {
    /// The heap order: smaller distance first, then the lower column. Distances are never NaN.
    #[inline]
    fn before(self, other: Entry) -> bool {
        self.d < other.d || (self.d == other.d && self.j < other.j)
    }
}

/// A 4-ary min-heap of [`Entry`] (shallower than a binary heap: fewer cache misses per pop).
/// Entries are never updated in place; a column improved later is pushed again and the stale
/// entry skipped when popped.
#[derive(Debug, Default)]
struct Heap {
    items: Vec<Entry>,
}

impl Heap {
    fn clear(&mut self) {
        self.items.clear();
    }

    #[inline]
    fn push(&mut self, e: Entry) {
        let mut k = self.items.len();
        self.items.push(e);
        while k > 0 {
            let parent = (k - 1) / 4;
            if !e.before(self.items[parent]) {
                break;
            }
            self.items[k] = self.items[parent];
            k = parent;
        }
        self.items[k] = e;
    }

    #[inline]
    fn pop(&mut self) -> Option<Entry> {
        let top = *self.items.first()?;
        let last = self.items.pop()?;
        let n = self.items.len();
        if n > 0 {
            let mut k = 0;
            loop {
                let first = 4 * k + 1;
                if first >= n {
                    break;
                }
                let mut best = first;
                for c in first + 1..(first + 4).min(n) {
                    if self.items[c].before(self.items[best]) {
                        best = c;
                    }
                }
                if !self.items[best].before(last) {
                    break;
                }
                self.items[k] = self.items[best];
                k = best;
            }
            self.items[k] = last;
        }
        Some(top)
    }
}

/// A column's label during one search: its tentative distance, the row and entry cost it was
/// reached through, and its state (one cache line access per relaxation).
#[derive(Debug, Clone, Copy)]
struct Label {
    d: f64,
    w: f64,
    pred: u32,
    state: u8,
}

impl Label {
    const UNSEEN: Label = Label {
        d: f64::INFINITY,
        w: 0.0,
        pred: FREE,
        state: UNSEEN,
    };
}

/// Column states during one search.
const UNSEEN: u8 = 0;
const LABELLED: u8 = 1;
const SETTLED: u8 = 2;

/// The solver's state on an `n x m` problem with `n <= m`, maximising when `MAX`.
struct Core<'a, const MAX: bool> {
    n: usize,
    m: usize,
    off: &'a [usize],
    idx: &'a [u32],
    val: &'a [f64],
    /// Row -> column, column -> row.
    x: Vec<u32>,
    y: Vec<u32>,
    /// Work cost of each assigned row's pair.
    xw: Vec<f64>,
    /// Column potentials.
    v: Vec<f64>,
    // Search scratch, reset through `touched` after every search.
    lab: Vec<Label>,
    touched: Vec<u32>,
    settled: Vec<u32>,
    heap: Heap,
}

impl<'a, const MAX: bool> Core<'a, MAX> {
    fn new(m: &'a SparseMatrix) -> Core<'a, MAX> {
        let (n, cols) = (m.rows, m.cols);
        Core {
            n,
            m: cols,
            off: &m.offsets,
            idx: &m.indices,
            val: &m.values,
            x: vec![FREE; n],
            y: vec![FREE; cols],
            xw: vec![0.0; n],
            v: vec![0.0; cols],
            lab: vec![Label::UNSEEN; cols],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: Heap::default(),
        }
    }

    /// The work cost of a value.
    #[inline]
    fn work(x: f64) -> f64 {
        if MAX {
            -x
        } else {
            x
        }
    }

    /// The value of a work cost (negation is exact, so this undoes [`Core::work`]).
    #[inline]
    fn raw(w: f64) -> f64 {
        Self::work(w)
    }

    #[inline]
    fn entries(&self, i: usize) -> std::ops::Range<usize> {
        self.off[i]..self.off[i + 1]
    }

    /// The smallest `w - v` over row `i`'s entries: `(value, column, work cost)`, lowest column
    /// among ties; `None` for a row without entries.
    fn row_min(&self, i: usize) -> Option<(f64, u32, f64)> {
        let mut best: Option<(f64, u32, f64)> = None;
        for e in self.entries(i) {
            let j = self.idx[e];
            let w = Self::work(self.val[e]);
            let r = w - self.v[j as usize];
            if best.is_none_or(|b| r < b.0) {
                best = Some((r, j, w));
            }
        }
        best
    }

    fn assign(&mut self, i: usize, j: u32, w: f64) {
        self.x[i] = j;
        self.y[j as usize] = i as u32;
        self.xw[i] = w;
    }

    /// Takes over the previous pairs and column potentials that are still valid (see the module
    /// documentation); `x` maps the previous solver rows to columns, `v` holds the previous
    /// column potentials.
    fn warm(&mut self, x: &[u32], v: &[f64]) {
        let wide = self.n < self.m;
        for (slot, &p) in self.v.iter_mut().zip(v) {
            *slot = if p.is_finite() { p } else { 0.0 };
        }
        let scale = self
            .v
            .iter()
            .chain(self.val)
            .fold(1.0f64, |s, p| s.max(p.abs()));
        // A quarter of the certificate's tolerance: rows within it keep their pair (their
        // reduced costs are clamped at 0 in the searches).
        let tol = <f64 as Work>::tolerance(scale, self.m) / 4.0;
        for (i, &j) in x.iter().enumerate().take(self.n) {
            if j == FREE || j as usize >= self.m || self.y[j as usize] != FREE {
                continue;
            }
            let (a, b) = (self.off[i], self.off[i + 1]);
            if let Ok(k) = self.idx[a..b].binary_search(&j) {
                let w = Self::work(self.val[a + k]);
                self.assign(i, j, w);
            }
        }
        // Rows to free, then a cascade through raised columns (non-square only).
        let mut queue: Vec<u32> = Vec::new();
        if wide {
            for j in 0..self.m {
                if self.v[j] > 0.0 {
                    // Lowering to 0 keeps feasibility but breaks the pair's tightness.
                    self.v[j] = 0.0;
                    if self.y[j] != FREE {
                        queue.push(self.y[j]);
                    }
                }
            }
        }
        for i in 0..self.n {
            let j = self.x[i];
            if j == FREE {
                continue;
            }
            let ui = self.xw[i] - self.v[j as usize];
            if self.row_min(i).is_some_and(|(r, _, _)| r < ui - tol) {
                queue.push(i as u32);
            }
        }
        // Free columns of a non-square problem must have potential 0.
        let mut raised: Vec<u32> = Vec::new();
        if wide {
            for j in 0..self.m {
                if self.y[j] == FREE && self.v[j] != 0.0 {
                    self.v[j] = 0.0;
                    raised.push(j as u32);
                }
            }
        }
        let mut columns: Option<SparseMatrix> = None;
        loop {
            while let Some(i) = queue.pop() {
                let i = i as usize;
                let j = self.x[i];
                if j == FREE {
                    continue;
                }
                self.x[i] = FREE;
                self.y[j as usize] = FREE;
                if wide && self.v[j as usize] != 0.0 {
                    self.v[j as usize] = 0.0;
                    raised.push(j);
                }
            }
            let Some(j) = raised.pop() else { break };
            // Rows whose entry in column j now undercuts their pair.
            let cols = columns.get_or_insert_with(|| self.csc());
            let (rows, vals) = cols.row(j as usize);
            for (&r, &x) in rows.iter().zip(vals) {
                let k = self.x[r as usize];
                if k == FREE {
                    continue;
                }
                let ur = self.xw[r as usize] - self.v[k as usize];
                if Self::work(x) - self.v[j as usize] < ur - tol {
                    queue.push(r);
                }
            }
        }
    }

    /// The columns' entries (the transposed matrix), for the warm start's cascade.
    fn csc(&self) -> SparseMatrix {
        SparseMatrix {
            rows: self.n,
            cols: self.m,
            offsets: self.off.to_vec(),
            indices: self.idx.to_vec(),
            values: self.val.to_vec(),
        }
        .transpose()
    }

    /// Column reduction, for a square problem started cold: each column's potential becomes
    /// the smallest work cost in the column (0 for a column without entries), so that every
    /// reduced cost is non-negative and every column has a zero one; then each column, from the
    /// last, takes the row of its smallest entry (the lowest row among ties) when that row is
    /// still free. Every row's reduced costs are then at least 0, and an assigned row's column
    /// has reduced cost 0: the invariant holds.
    fn reduce_columns(&mut self) {
        let mut best: Vec<(f64, u32)> = vec![(f64::INFINITY, FREE); self.m];
        for i in 0..self.n {
            for e in self.entries(i) {
                let j = self.idx[e] as usize;
                let w = Self::work(self.val[e]);
                if w < best[j].0 {
                    best[j] = (w, i as u32);
                }
            }
        }
        for j in (0..self.m).rev() {
            let (w, i) = best[j];
            if i == FREE {
                continue;
            }
            self.v[j] = w;
            if self.x[i as usize] == FREE {
                self.assign(i as usize, j as u32, w);
            }
        }
    }

    /// The two smallest `w - v` over row `i`'s entries: `(u1, j1, w1, u2, j2)`, lowest columns
    /// among ties; `u2` is `+inf` (and `j2` is `FREE`) for a row with one entry. `None` for a row
    /// without entries.
    fn row_top2(&self, i: usize) -> Option<(f64, u32, f64, f64, u32)> {
        let (mut u1, mut j1, mut w1) = (f64::INFINITY, FREE, 0.0);
        let (mut u2, mut j2) = (f64::INFINITY, FREE);
        for e in self.entries(i) {
            let j = self.idx[e];
            let w = Self::work(self.val[e]);
            let r = w - self.v[j as usize];
            if r < u1 || j1 == FREE {
                (u2, j2) = (u1, j1);
                (u1, j1, w1) = (r, j, w);
            } else if r < u2 || j2 == FREE {
                (u2, j2) = (r, j);
            }
        }
        (j1 != FREE).then_some((u1, j1, w1, u2, j2))
    }

    /// Augmenting row reduction (Jonker and Volgenant): each free row takes its cheapest column,
    /// lowering that column's potential to the row's second-cheapest reduced cost, and evicts
    /// the column's previous row, which tries again at once when the potential did decrease (or
    /// later otherwise). At most [`ARR_STEPS_PER_ROW`] steps per free row, so it always ends;
    /// rows still free are left to the shortest-path searches.
    ///
    /// It keeps the invariants: the row that takes `j1` has `w - v` at `j1` equal to its second
    /// minimum (or its minimum, on a tie), other rows only see `v[j1]` decrease, and a column
    /// once assigned stays assigned, so free columns keep their potential.
    fn reduce_rows(&mut self) {
        let mut queue: std::collections::VecDeque<u32> = (0..self.n as u32)
            .filter(|&i| self.x[i as usize] == FREE)
            .collect();
        let mut budget = queue.len().saturating_mul(ARR_STEPS_PER_ROW);
        while let Some(i) = queue.pop_front() {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let i = i as usize;
            let Some((u1, mut j1, mut w1, u2, j2)) = self.row_top2(i) else {
                continue;
            };
            let mut evicted = self.y[j1 as usize];
            let lowered = u1 < u2 && u2.is_finite() && {
                let before = self.v[j1 as usize];
                self.v[j1 as usize] = before - (u2 - u1);
                self.v[j1 as usize] < before
            };
            if u1 == u2 && evicted != FREE && j2 != FREE && self.y[j2 as usize] == FREE {
                // A tie: take the free second column instead of evicting.
                j1 = j2;
                w1 = self.edge_work(i, j2);
                evicted = FREE;
            }
            if evicted != FREE {
                self.x[evicted as usize] = FREE;
                if lowered {
                    queue.push_front(evicted);
                } else {
                    queue.push_back(evicted);
                }
            }
            self.assign(i, j1, w1);
        }
    }

    /// The work cost of row `i`'s entry in column `j` (which exists).
    fn edge_work(&self, i: usize, j: u32) -> f64 {
        let (a, b) = (self.off[i], self.off[i + 1]);
        let k = self.idx[a..b].binary_search(&j).unwrap_or(0);
        Self::work(self.val[a + k])
    }

    /// Labels column `k` at distance `nd` through row `i` and entry cost `w`, if that improves it
    /// and can still matter: a label above `bound` (the best distance known to a free column)
    /// can never be settled before the search ends.
    #[inline]
    fn label(&mut self, k: u32, nd: f64, i: usize, w: f64, bound: &mut f64) {
        let ku = k as usize;
        if nd > *bound {
            return;
        }
        let lab = &mut self.lab[ku];
        match lab.state {
            SETTLED => return,
            UNSEEN => {
                lab.state = LABELLED;
                self.touched.push(k);
            }
            _ => {
                if nd >= lab.d {
                    return;
                }
            }
        }
        lab.d = nd;
        lab.pred = i as u32;
        lab.w = w;
        if self.y[ku] == FREE {
            *bound = nd;
        }
        self.heap.push(Entry { d: nd, j: k });
    }

    /// One shortest-augmenting-path search from the free row `i0`; `false` when no free column
    /// can be reached (nothing changes then).
    fn augment(&mut self, i0: usize) -> bool {
        self.heap.clear();
        let mut bound = f64::INFINITY;
        for e in self.entries(i0) {
            let k = self.idx[e];
            let w = Self::work(self.val[e]);
            let nd = w - self.v[k as usize];
            self.label(k, nd, i0, w, &mut bound);
        }
        let mut end: Option<(u32, f64)> = None;
        while let Some(Entry { d, j }) = self.heap.pop() {
            let ju = j as usize;
            if self.lab[ju].state == SETTLED || d > self.lab[ju].d {
                continue; // a stale entry
            }
            self.lab[ju].state = SETTLED;
            self.settled.push(j);
            let i = self.y[ju];
            if i == FREE {
                end = Some((j, d));
                break;
            }
            let i = i as usize;
            let ui = self.xw[i] - self.v[ju];
            for e in self.entries(i) {
                let k = self.idx[e];
                if self.lab[k as usize].state == SETTLED {
                    continue;
                }
                let w = Self::work(self.val[e]);
                let red = (w - ui - self.v[k as usize]).max(0.0);
                self.label(k, d + red, i, w, &mut bound);
            }
        }
        if let Some((end, dstar)) = end {
            for &k in &self.settled {
                let k = k as usize;
                self.v[k] += self.lab[k].d - dstar;
            }
            let mut j = end;
            loop {
                let Label { pred, w, .. } = self.lab[j as usize];
                let i = pred as usize;
                let next = self.x[i];
                self.assign(i, j, w);
                if i == i0 {
                    break;
                }
                j = next;
            }
        }
        for &k in &self.touched {
            let k = k as usize;
            self.lab[k] = Label::UNSEEN;
        }
        self.touched.clear();
        self.settled.clear();
        end.is_some()
    }

    /// Row potentials: tight on assigned rows; on unassigned rows the largest value that is
    /// feasible on every entry (0 for a row without entries).
    fn row_potentials(&self) -> Vec<f64> {
        (0..self.n)
            .map(|i| match self.x[i] {
                FREE => self.row_min(i).map_or(0.0, |(r, _, _)| r),
                j => self.xw[i] - self.v[j as usize],
            })
            .collect()
    }

    /// Lines reachable by alternating paths from the unassigned rows: a Hall violator.
    fn witness(&self) -> Option<HallWitness> {
        let mut row_seen = vec![false; self.n];
        let mut col_seen = vec![false; self.m];
        let mut stack: Vec<usize> = (0..self.n).filter(|&i| self.x[i] == FREE).collect();
        if stack.is_empty() {
            return None;
        }
        for &i in &stack {
            row_seen[i] = true;
        }
        while let Some(i) = stack.pop() {
            for e in self.entries(i) {
                let k = self.idx[e] as usize;
                if col_seen[k] {
                    continue;
                }
                col_seen[k] = true;
                let r = self.y[k];
                // Every reached column is assigned (else an augmenting path would exist).
                if r != FREE && !row_seen[r as usize] {
                    row_seen[r as usize] = true;
                    stack.push(r as usize);
                }
            }
        }
        Some(HallWitness::new(
            (0..self.n).filter(|&i| row_seen[i]).collect(),
            (0..self.m).filter(|&k| col_seen[k]).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::solve;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// A random dense matrix with about `holes` of its entries forbidden (infinite).
    fn random(rng: &mut StdRng, r: usize, c: usize, holes: f64, ties: bool) -> Vec<f64> {
        (0..r * c)
            .map(|_| {
                if rng.gen_bool(holes) {
                    f64::INFINITY
                } else if ties {
                    f64::from(rng.gen_range(0u8..4))
                } else {
                    rng.gen::<f64>()
                }
            })
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn agrees_with_the_dense_solver() {
        let mut rng = StdRng::seed_from_u64(11);
        for case in 0..600 {
            let (r, c) = (rng.gen_range(0..9), rng.gen_range(0..9));
            let holes = [0.0, 0.3, 0.6][case % 3];
            let dense = random(&mut rng, r, c, holes, case % 4 == 0);
            let sparse = SparseMatrix::from_dense(&dense, r, c).unwrap();
            for sense in [Sense::Minimize, Sense::Maximize] {
                let cold = solve_sparse(&sparse, sense).unwrap();
                if let Ok(d) = solve(&dense, r, c, sense) {
                    assert!(cold.is_complete(), "case {case}: {dense:?}");
                    assert!(close(cold.total(), d.total()), "case {case}");
                    cold.verify(&sparse).unwrap();
                    assert_eq!(cold.len(), r.min(c));
                } else {
                    {
                        let w = cold.deficiency().expect("infeasible has a witness");
                        assert!(w.reach.len() < w.lines.len());
                        assert!(!cold.unassigned().is_empty());
                        // The witness's lines only use its reach.
                        let m = if r <= c {
                            sparse.clone()
                        } else {
                            sparse.transpose()
                        };
                        for &l in &w.lines {
                            for &k in m.row(l).0 {
                                assert!(w.reach.binary_search(&(k as usize)).is_ok());
                            }
                        }
                        assert!(cold.verify(&sparse).is_err());
                    }
                }
            }
        }
    }

    #[test]
    fn warm_start_equals_cold() {
        let mut rng = StdRng::seed_from_u64(5);
        for case in 0..400 {
            let (r, c) = (rng.gen_range(1..10), rng.gen_range(1..10));
            let dense = random(&mut rng, r, c, 0.0, case % 3 == 0);
            let full = SparseMatrix::from_dense(&dense, r, c).unwrap();
            // A subset of the entries, then all of them.
            let keep = rng.gen_range(0.2..0.9);
            let part: Vec<f64> = dense
                .iter()
                .map(|&x| if rng.gen_bool(keep) { x } else { f64::INFINITY })
                .collect();
            let part = SparseMatrix::from_dense(&part, r, c).unwrap();
            for sense in [Sense::Minimize, Sense::Maximize] {
                let first = solve_sparse(&part, sense).unwrap();
                let warm = solve_sparse_warm(&full, sense, &first).unwrap();
                let cold = solve_sparse(&full, sense).unwrap();
                assert!(warm.is_complete() && cold.is_complete());
                assert!(close(warm.total(), cold.total()), "case {case}");
                warm.verify(&full).unwrap();
                // Warm from the optimum itself changes nothing.
                let again = solve_sparse_warm(&full, sense, &cold).unwrap();
                assert_eq!(
                    again.pairs().collect::<Vec<_>>(),
                    cold.pairs().collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn constructors_reject_bad_input() {
        assert!(SparseMatrix::new(1, 1, vec![0], vec![], vec![]).is_err());
        assert!(SparseMatrix::new(1, 1, vec![0, 1], vec![1], vec![0.0]).is_err());
        assert!(SparseMatrix::new(1, 2, vec![0, 2], vec![1, 0], vec![0.0, 0.0]).is_err());
        assert!(SparseMatrix::new(1, 2, vec![0, 1], vec![0], vec![f64::INFINITY]).is_err());
        assert!(matches!(
            SparseMatrix::new(1, 2, vec![0, 1], vec![1], vec![f64::NAN]),
            Err(Error::NaN { row: 0, col: 1 })
        ));
        assert!(SparseMatrix::from_triplets(2, 2, [(0, 0, 1.0), (0, 0, 2.0)]).is_err());
        assert!(SparseMatrix::from_triplets(2, 2, [(2, 0, 1.0)]).is_err());
        assert!(SparseMatrix::from_dense(&[1.0], 2, 2).is_err());
        let m = SparseMatrix::from_triplets(2, 3, [(1, 2, 5.0), (0, 1, 4.0)]).unwrap();
        assert_eq!(
            (m.get(1, 2), m.get(0, 0), m.get(9, 9)),
            (Some(5.0), None, None)
        );
        assert_eq!(m.transpose().transpose(), m);
        let a = solve_sparse(&m, Sense::Minimize).unwrap();
        let t = SparseMatrix::from_triplets(3, 2, []).unwrap();
        assert!(solve_sparse_warm(&t, Sense::Minimize, &a).is_err());
        assert!(solve_sparse_warm(&m, Sense::Maximize, &a).is_err());
    }

    #[test]
    fn empty_and_rowless() {
        for (r, c) in [(0, 0), (0, 3), (3, 0)] {
            let m = SparseMatrix::from_triplets(r, c, []).unwrap();
            let a = solve_sparse(&m, Sense::Maximize).unwrap();
            assert!(a.is_complete() && a.is_empty());
            assert_eq!(a.total(), 0.0);
            a.verify(&m).unwrap();
        }
        // A row with no entry is a deficiency of one line reaching nothing.
        let m = SparseMatrix::from_triplets(2, 2, [(0, 0, 1.0), (0, 1, 1.0)]).unwrap();
        let a = solve_sparse(&m, Sense::Minimize).unwrap();
        assert_eq!(a.unassigned(), vec![1]);
        let w = a.deficiency().unwrap();
        assert_eq!((w.lines.clone(), w.reach.clone()), (vec![1], vec![]));
    }
}
