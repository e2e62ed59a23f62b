//! The solver's input: any dense matrix, through the small [`Matrix`] trait.
//!
//! As pathfinding's `Weights`, the solvers do not ask for one concrete type: anything that can
//! say how many rows and columns it has and hand out each row as a slice is a matrix
//! ([`solve_matrix`], [`solve_bottleneck_matrix`]). Implemented here for
//! [`ScoreMatrix`], for [`MatrixView`] (a row-major slice with its shape), for slices and
//! arrays of fixed-size rows (`[[C; N]]`, `[[C; N]; M]`, `Vec<[C; N]>`) and for `Vec<Vec<C>>`
//! (rows of equal length), and by users for their own types.
//!
//! The solvers work on one contiguous row-major block. A matrix that stores its entries so
//! says it through [`Matrix::as_slice`], and is read in place; any other is copied once into
//! such a block (`O(rows · cols)` memory, allocated fallibly:
//! [`Error::OutOfMemory`] when it cannot be had).

use std::borrow::Cow;

use super::bottleneck::{solve_bottleneck, Bottleneck};
use super::{solve, Assignment, Cost, Sense};
use crate::error::{Buffer, Error, Result};
use crate::matrix::ScoreMatrix;

/// A dense `rows() x cols()` matrix, read by rows: the input of [`solve_matrix`] and
/// [`solve_bottleneck_matrix`].
///
/// Only [`Matrix::rows`], [`Matrix::cols`] and [`Matrix::row`] are required. A type that
/// holds its entries in one row-major block should also give [`Matrix::as_slice`], which lets
/// the solver read it without a copy.
///
/// ```
/// use citypair::solver::{solve_matrix, Matrix, Sense};
///
/// /// Distances along a line: `|a_i - b_j|`, one row per point of `a`.
/// struct Distances {
///     rows: Vec<Vec<i64>>,
/// }
///
/// impl Matrix<i64> for Distances {
///     fn rows(&self) -> usize {
///         self.rows.len()
///     }
///     fn cols(&self) -> usize {
///         self.rows.first().map_or(0, Vec::len)
///     }
///     fn row(&self, i: usize) -> &[i64] {
///         &self.rows[i]
///     }
/// }
///
/// let (a, b) = ([0_i64, 5, 9], [8_i64, 1, 4]);
/// let rows = a.iter().map(|x| b.iter().map(|y| (x - y).abs()).collect()).collect();
/// let best = solve_matrix(&Distances { rows }, Sense::Minimize)?;
/// assert_eq!(best.total(), 1 + 1 + 1);
/// # Ok::<(), citypair::Error>(())
/// ```
pub trait Matrix<C> {
    /// Number of rows.
    fn rows(&self) -> usize;

    /// Number of columns: the length of every row.
    fn cols(&self) -> usize;

    /// Row `i` (`i < rows()`), `cols()` entries long. The solvers check the length and report
    /// a row of another length as [`Error::MatrixShape`].
    fn row(&self, i: usize) -> &[C];

    /// All `rows() · cols()` entries in one row-major slice, when they are stored so; `None`
    /// (the default) makes the solver copy the rows once.
    fn as_slice(&self) -> Option<&[C]> {
        None
    }
}

impl<C, M: Matrix<C> + ?Sized> Matrix<C> for &M {
    fn rows(&self) -> usize {
        (**self).rows()
    }
    fn cols(&self) -> usize {
        (**self).cols()
    }
    fn row(&self, i: usize) -> &[C] {
        (**self).row(i)
    }
    fn as_slice(&self) -> Option<&[C]> {
        (**self).as_slice()
    }
}

/// A row-major slice seen as a `rows x cols` matrix: what [`solve`] takes, as one value.
///
/// ```
/// use citypair::solver::{solve_matrix, MatrixView, Sense};
/// let costs = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0];
/// let m = MatrixView::new(&costs, 2, 3)?;
/// assert_eq!(solve_matrix(&m, Sense::Minimize)?.total(), 3.0);
/// assert!(MatrixView::new(&costs, 4, 2).is_err());
/// # Ok::<(), citypair::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatrixView<'a, C> {
    data: &'a [C],
    rows: usize,
    cols: usize,
}

impl<'a, C> MatrixView<'a, C> {
    /// The `rows x cols` matrix whose row `i` is `data[i * cols..(i + 1) * cols]`.
    ///
    /// # Errors
    /// [`Error::MatrixShape`] when `data.len() != rows · cols` (`expected` is `usize::MAX`
    /// when `rows · cols` overflows).
    pub fn new(data: &'a [C], rows: usize, cols: usize) -> Result<MatrixView<'a, C>> {
        let expected = rows.checked_mul(cols).ok_or(Error::MatrixShape {
            rows,
            cols,
            expected: usize::MAX,
            found: data.len(),
        })?;
        if data.len() != expected {
            return Err(Error::MatrixShape {
                rows,
                cols,
                expected,
                found: data.len(),
            });
        }
        Ok(MatrixView { data, rows, cols })
    }

    /// The entries, row-major.
    pub fn data(&self) -> &'a [C] {
        self.data
    }
}

impl<C> Matrix<C> for MatrixView<'_, C> {
    fn rows(&self) -> usize {
        self.rows
    }
    fn cols(&self) -> usize {
        self.cols
    }
    fn row(&self, i: usize) -> &[C] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
    fn as_slice(&self) -> Option<&[C]> {
        Some(self.data)
    }
}

impl Matrix<f64> for ScoreMatrix {
    fn rows(&self) -> usize {
        ScoreMatrix::rows(self)
    }
    fn cols(&self) -> usize {
        ScoreMatrix::cols(self)
    }
    fn row(&self, i: usize) -> &[f64] {
        ScoreMatrix::row(self, i)
    }
    fn as_slice(&self) -> Option<&[f64]> {
        Some(ScoreMatrix::as_slice(self))
    }
}

impl<C, const N: usize> Matrix<C> for [[C; N]] {
    fn rows(&self) -> usize {
        self.len()
    }
    fn cols(&self) -> usize {
        N
    }
    fn row(&self, i: usize) -> &[C] {
        &self[i]
    }
    fn as_slice(&self) -> Option<&[C]> {
        Some(self.as_flattened())
    }
}

impl<C, const N: usize, const M: usize> Matrix<C> for [[C; N]; M] {
    fn rows(&self) -> usize {
        M
    }
    fn cols(&self) -> usize {
        N
    }
    fn row(&self, i: usize) -> &[C] {
        &self[i]
    }
    fn as_slice(&self) -> Option<&[C]> {
        Some(self.as_flattened())
    }
}

impl<C, const N: usize> Matrix<C> for Vec<[C; N]> {
    fn rows(&self) -> usize {
        self.len()
    }
    fn cols(&self) -> usize {
        N
    }
    fn row(&self, i: usize) -> &[C] {
        &self[i]
    }
    fn as_slice(&self) -> Option<&[C]> {
        Some(self.as_flattened())
    }
}

/// A list of rows; every row must have the first row's length (an empty list is `0 x 0`).
impl<C> Matrix<C> for Vec<Vec<C>> {
    fn rows(&self) -> usize {
        self.len()
    }
    fn cols(&self) -> usize {
        self.first().map_or(0, Vec::len)
    }
    fn row(&self, i: usize) -> &[C] {
        &self[i]
    }
}

/// The entries of `m` in one row-major block: borrowed when `m` stores them so, copied (once,
/// allocated fallibly) otherwise.
///
/// # Errors
/// [`Error::MatrixShape`] when a row, or `as_slice`, has the wrong length;
/// [`Error::OutOfMemory`] when the copy cannot be allocated.
pub(crate) fn contiguous<C: Copy, M: Matrix<C> + ?Sized>(m: &M) -> Result<Cow<'_, [C]>> {
    let (rows, cols) = (m.rows(), m.cols());
    let shape = |found: usize| Error::MatrixShape {
        rows,
        cols,
        expected: rows.saturating_mul(cols),
        found,
    };
    let len = rows.checked_mul(cols);
    if let Some(data) = m.as_slice() {
        return if Some(data.len()) == len {
            Ok(Cow::Borrowed(data))
        } else {
            Err(shape(data.len()))
        };
    }
    // Every row's length first: a ragged input is a shape error, whatever the memory.
    let found = (0..rows).fold(0usize, |n, i| n.saturating_add(m.row(i).len()));
    if Some(found) != len || (0..rows).any(|i| m.row(i).len() != cols) {
        return Err(shape(found));
    }
    let mut data = Vec::new();
    data.try_reserve_exact(found)
        .map_err(|_| Error::out_of_memory(Buffer::Copy, rows, cols, size_of::<C>()))?;
    for i in 0..rows {
        data.extend_from_slice(m.row(i));
    }
    Ok(Cow::Owned(data))
}

/// [`solve`] on any [`Matrix`]: the optimal assignment of the smaller side, with its dual
/// certificate. A matrix that gives [`Matrix::as_slice`] is read in place; any other is copied
/// once.
///
/// ```
/// use citypair::solver::{solve_matrix, Sense};
/// let minutes = [[4, 1, 3], [2, 0, 5], [3, 2, 2]];
/// let a = solve_matrix(&minutes, Sense::Minimize)?;
/// assert_eq!(a.total(), 5_i64);
/// assert_eq!(a.pairs().collect::<Vec<_>>(), vec![(0, 1), (1, 0), (2, 2)]);
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// As [`solve`]; [`Error::MatrixShape`] for rows of unequal length; [`Error::OutOfMemory`]
/// when a copy (of a matrix without [`Matrix::as_slice`], or the transposed copy of a tall
/// one) cannot be allocated.
///
/// # Complexity
/// As [`solve`], plus `O(rows · cols)` time and memory for the copy of a matrix that is not
/// stored row-major in one block.
pub fn solve_matrix<C: Cost, M: Matrix<C> + ?Sized>(m: &M, sense: Sense) -> Result<Assignment<C>> {
    let data = contiguous(m)?;
    solve(&data, m.rows(), m.cols(), sense)
}

/// [`solve_bottleneck`] on any [`Matrix`] (see [`solve_matrix`]).
///
/// ```
/// use citypair::solver::{solve_bottleneck_matrix, Sense};
/// let scores = vec![vec![0.9, 0.1], vec![0.8, 0.7]];
/// let fair = solve_bottleneck_matrix(&scores, Sense::Maximize)?;
/// assert_eq!(fair.threshold, Some(0.7));
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// As [`solve_bottleneck`] and [`solve_matrix`].
pub fn solve_bottleneck_matrix<C: Cost, M: Matrix<C> + ?Sized>(
    m: &M,
    sense: Sense,
) -> Result<Bottleneck<C>> {
    let data = contiguous(m)?;
    solve_bottleneck(&data, m.rows(), m.cols(), sense)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_gives_the_same_assignment() {
        let flat = [7.0, 2.0, 9.0, 4.0, 3.0, 1.0, 8.0, 6.0, 5.0, 2.0, 4.0, 3.0];
        let want = solve(&flat, 4, 3, Sense::Maximize).unwrap();
        let view = MatrixView::new(&flat, 4, 3).unwrap();
        let arrays = [
            [7.0, 2.0, 9.0],
            [4.0, 3.0, 1.0],
            [8.0, 6.0, 5.0],
            [2.0, 4.0, 3.0],
        ];
        let rows: Vec<Vec<f64>> = arrays.iter().map(|r| r.to_vec()).collect();
        let scores = ScoreMatrix::from_vec(4, 3, flat.to_vec()).unwrap();
        assert_eq!(solve_matrix(&view, Sense::Maximize).unwrap(), want);
        assert_eq!(solve_matrix(&arrays, Sense::Maximize).unwrap(), want);
        assert_eq!(solve_matrix(&arrays[..], Sense::Maximize).unwrap(), want);
        assert_eq!(
            solve_matrix(&arrays.to_vec(), Sense::Maximize).unwrap(),
            want
        );
        assert_eq!(solve_matrix(&rows, Sense::Maximize).unwrap(), want);
        assert_eq!(solve_matrix(&scores, Sense::Maximize).unwrap(), want);
        assert_eq!(solve_matrix(&&scores, Sense::Maximize).unwrap(), want);
        let b = solve_bottleneck(&flat, 4, 3, Sense::Maximize).unwrap();
        assert_eq!(solve_bottleneck_matrix(&rows, Sense::Maximize).unwrap(), b);
        assert_eq!(solve_bottleneck_matrix(&view, Sense::Maximize).unwrap(), b);
    }

    #[test]
    fn shapes_are_checked() {
        let ragged = vec![vec![1, 2], vec![3]];
        let e = solve_matrix(&ragged, Sense::Minimize).unwrap_err();
        assert!(
            matches!(
                e,
                Error::MatrixShape {
                    rows: 2,
                    cols: 2,
                    expected: 4,
                    found: 3
                }
            ),
            "{e}"
        );
        let e = MatrixView::new(&[1, 2, 3], 2, 2).unwrap_err();
        assert!(matches!(e, Error::MatrixShape { found: 3, .. }), "{e}");
        let e = MatrixView::new(&[1, 2, 3], usize::MAX, 2).unwrap_err();
        assert!(
            matches!(
                e,
                Error::MatrixShape {
                    expected: usize::MAX,
                    ..
                }
            ),
            "{e}"
        );
        let empty: Vec<Vec<f64>> = Vec::new();
        assert!(solve_matrix(&empty, Sense::Minimize).unwrap().is_empty());
    }

    /// A user's type that lies about its slice is caught, not read out of bounds.
    #[test]
    fn a_wrong_slice_is_a_shape_error() {
        struct Liar(Vec<f64>);
        impl Matrix<f64> for Liar {
            fn rows(&self) -> usize {
                2
            }
            fn cols(&self) -> usize {
                2
            }
            fn row(&self, i: usize) -> &[f64] {
                &self.0[i..=i]
            }
            fn as_slice(&self) -> Option<&[f64]> {
                Some(&self.0)
            }
        }
        let e = solve_matrix(&Liar(vec![1.0, 2.0, 3.0]), Sense::Minimize).unwrap_err();
        assert!(matches!(e, Error::MatrixShape { found: 3, .. }), "{e}");
    }
}
