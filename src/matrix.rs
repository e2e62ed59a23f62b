//! The dense score matrix of a call: one row per EU city, one column per partner city.
//!
//! # Determinism
//!
//! Every cell is computed on its own by the same function, whether the matrix is built
//! sequentially or in parallel (rayon, by rows with `par_chunks_mut`), and written to its own
//! place; nothing is summed across cells. The parallel build is therefore bit-identical to the
//! sequential one, whatever the number of threads. Without the `rayon` feature every build is
//! sequential (the `parallel` arguments are then ignored), with the same result.
//!
//! # Complexity
//!
//! Building with [`WeightedScorer`] takes O(rows + cols) to prepare the cities and
//! O(rows·cols·15) for the cells (one multiply-add per theme and vector), in O(rows·cols) memory.
//!
//! # Memory
//!
//! The matrix takes `8 · rows · cols` bytes (7.2 GB for 30,000 x 30,000 cities). Every
//! constructor is fallible: when that memory cannot be had, the result is
//! [`Error::OutOfMemory`] naming the size, never an abort. Candidate mode
//! ([`crate::candidates`]) pairs calls of any size without the matrix.

#[cfg(feature = "rayon")]
use rayon::prelude::*;

use crate::error::{Buffer, Error, Result};
use crate::model::City;
use crate::scoring::{PreparedCity, Scorer, WeightedScorer};

/// A dense `rows x cols` matrix of scores, stored row-major.
///
/// Row `i` is the `i`-th EU city and column `j` the `j`-th partner city, in the order given to
/// the constructor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreMatrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl ScoreMatrix {
    /// The score matrix of `eu` (rows) against `partners` (columns) under the default scoring
    /// model, with each city's features computed once.
    ///
    /// With `parallel` (and the `rayon` feature), rows are computed on the current rayon thread
    /// pool; the result is bit-identical to the sequential build and to [`Scorer::score`] on
    /// each pair.
    ///
    /// # Complexity
    /// O(rows·cols·15) time, O(rows·cols) memory.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] when the `8 · rows · cols` bytes cannot be allocated.
    ///
    /// # Examples
    /// ```
    /// use citypair::matrix::ScoreMatrix;
    /// use citypair::scoring::{Scorer, WeightedScorer};
    ///
    /// let dataset = citypair::synthetic::call(40, 30, 7);
    /// let cities: Vec<_> = dataset.cities().iter().collect();
    /// let scorer = WeightedScorer::default();
    /// let m = ScoreMatrix::build(&cities, &cities, &scorer, true)?;
    /// assert_eq!(m, ScoreMatrix::build(&cities, &cities, &scorer, false)?);
    /// if let (Some(a), Some(b)) = (cities.first(), cities.last()) {
    ///     assert_eq!(m.get(0, cities.len() - 1), scorer.score(a, b));
    /// }
    /// # Ok::<(), citypair::Error>(())
    /// ```
    pub fn build(
        eu: &[&City],
        partners: &[&City],
        scorer: &WeightedScorer,
        parallel: bool,
    ) -> Result<ScoreMatrix> {
        // Allocate first: a matrix that cannot be had fails before any work.
        let data = zeroed(eu.len(), partners.len())?;
        let prepare = |cities: &[&City]| -> Vec<PreparedCity> {
            #[cfg(feature = "rayon")]
            if parallel {
                return cities.par_iter().map(|c| PreparedCity::new(c)).collect();
            }
            cities.iter().map(|c| PreparedCity::new(c)).collect()
        };
        let (rows, cols) = (prepare(eu), prepare(partners));
        Ok(ScoreMatrix::fill(
            rows.len(),
            cols.len(),
            data,
            |i, j| scorer.score_prepared(&rows[i], &cols[j]),
            parallel,
        ))
    }

    /// The score matrix of `eu` against `partners` under any [`Scorer`]; cell `(i, j)` is
    /// `scorer.score(eu[i], partners[j])`. Parallel and sequential builds are bit-identical.
    ///
    /// # Complexity
    /// O(rows·cols) calls to the scorer.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] when the `8 · rows · cols` bytes cannot be allocated.
    pub fn build_with<S: Scorer + ?Sized>(
        eu: &[&City],
        partners: &[&City],
        scorer: &S,
        parallel: bool,
    ) -> Result<ScoreMatrix> {
        ScoreMatrix::from_fn(
            eu.len(),
            partners.len(),
            |i, j| scorer.score(eu[i], partners[j]),
            parallel,
        )
    }

    /// A `rows x cols` matrix whose cell `(i, j)` is `f(i, j)`.
    ///
    /// `f` is called exactly once per cell; with `parallel` (and the `rayon` feature), rows are
    /// filled on the current rayon thread pool, in no particular order, so `f` should be a pure
    /// function of `(i, j)` (it then gives the same matrix as the sequential build, to the last
    /// bit). `f` must be `Sync` whatever the features, so that enabling `rayon` never breaks a
    /// caller.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] when the `8 · rows · cols` bytes cannot be allocated (also when
    /// `rows · cols` overflows `usize`).
    ///
    /// # Panics
    /// Only if `f` panics.
    pub fn from_fn<F>(rows: usize, cols: usize, f: F, parallel: bool) -> Result<ScoreMatrix>
    where
        F: Fn(usize, usize) -> f64 + Sync,
    {
        Ok(ScoreMatrix::fill(
            rows,
            cols,
            zeroed(rows, cols)?,
            f,
            parallel,
        ))
    }

    /// Fills `data` (zeroed, `rows · cols` long) with `f(i, j)`.
    fn fill<F>(rows: usize, cols: usize, mut data: Vec<f64>, f: F, parallel: bool) -> ScoreMatrix
    where
        F: Fn(usize, usize) -> f64 + Sync,
    {
        let len = data.len();
        debug_assert_eq!(Some(len), rows.checked_mul(cols));
        if len > 0 {
            let fill = |(i, row): (usize, &mut [f64])| {
                for (j, cell) in row.iter_mut().enumerate() {
                    *cell = f(i, j);
                }
            };
            #[cfg(feature = "rayon")]
            if parallel {
                data.par_chunks_mut(cols).enumerate().for_each(fill);
                return ScoreMatrix { rows, cols, data };
            }
            #[cfg(not(feature = "rayon"))]
            let _ = parallel; // sequential without the `rayon` feature
            data.chunks_mut(cols).enumerate().for_each(fill);
        }
        ScoreMatrix { rows, cols, data }
    }

    /// A matrix from row-major data; `None` unless `data.len() == rows · cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f64>) -> Option<ScoreMatrix> {
        (rows.checked_mul(cols) == Some(data.len())).then_some(ScoreMatrix { rows, cols, data })
    }

    /// Number of rows (EU cities).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (partner cities).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Whether the matrix has no cell.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The score in row `i`, column `j`.
    ///
    /// # Panics
    /// If `i >= rows()` or `j >= cols()`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        assert!(
            i < self.rows && j < self.cols,
            "cell ({i}, {j}) is outside a {} x {} matrix",
            self.rows,
            self.cols
        );
        self.data[i * self.cols + j]
    }

    /// Row `i`, as a slice of `cols()` scores.
    ///
    /// # Panics
    /// If `i >= rows()`.
    pub fn row(&self, i: usize) -> &[f64] {
        assert!(
            i < self.rows,
            "row {i} is outside a {} x {} matrix",
            self.rows,
            self.cols
        );
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Iterates over the rows, in order.
    pub fn iter_rows(&self) -> impl ExactSizeIterator<Item = &[f64]> + '_ {
        (0..self.rows).map(move |i| &self.data[i * self.cols..(i + 1) * self.cols])
    }

    /// All scores, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// The scores, row-major, without copying.
    pub fn into_vec(self) -> Vec<f64> {
        self.data
    }
}

/// A zeroed `rows x cols` buffer of the score matrix, or [`Error::OutOfMemory`].
fn zeroed(rows: usize, cols: usize) -> Result<Vec<f64>> {
    rows.checked_mul(cols)
        .and_then(crate::memory::zeroed)
        .ok_or_else(|| Error::out_of_memory(Buffer::ScoreMatrix, rows, cols, size_of::<f64>()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Weights;
    use crate::synthetic::test_city;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn parallel_equals_sequential_bitwise() {
        let mut rng = StdRng::seed_from_u64(7);
        let cities: Vec<City> = (0..90)
            .map(|i| test_city(&mut rng, i, i % 3 == 0))
            .collect();
        let (eu, partners): (Vec<&City>, Vec<&City>) =
            (cities[..37].iter().collect(), cities[37..].iter().collect());
        let scorer = WeightedScorer::new(Weights::new(0.5, 0.3, 0.2).unwrap());
        let seq = ScoreMatrix::build(&eu, &partners, &scorer, false).unwrap();
        let par = ScoreMatrix::build(&eu, &partners, &scorer, true).unwrap();
        let generic = ScoreMatrix::build_with(&eu, &partners, &scorer, true).unwrap();
        assert_eq!((seq.rows(), seq.cols()), (37, 53));
        let bits = |m: &ScoreMatrix| m.as_slice().iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&seq), bits(&par));
        assert_eq!(bits(&seq), bits(&generic));
        for (i, u) in eu.iter().enumerate() {
            for (j, p) in partners.iter().enumerate() {
                assert_eq!(seq.get(i, j).to_bits(), scorer.score(u, p).to_bits());
                assert!((0.0..=1.0).contains(&seq.get(i, j)));
            }
            assert_eq!(seq.row(i), &seq.as_slice()[i * 53..(i + 1) * 53]);
        }
        assert_eq!(seq.iter_rows().len(), 37);
    }

    #[test]
    fn empty_shapes() {
        for (r, c) in [(0, 0), (0, 5), (3, 0)] {
            for parallel in [false, true] {
                let m = ScoreMatrix::from_fn(r, c, |_, _| 1.0, parallel).unwrap();
                assert_eq!((m.rows(), m.cols()), (r, c));
                assert!(m.is_empty());
                assert_eq!(m.iter_rows().count(), r);
            }
        }
        assert!(ScoreMatrix::from_vec(2, 2, vec![0.0; 3]).is_none());
        assert_eq!(
            ScoreMatrix::from_vec(1, 2, vec![0.5, 0.25]).unwrap().row(0),
            &[0.5, 0.25]
        );
    }

    #[test]
    #[should_panic(expected = "outside a 2 x 2 matrix")]
    fn get_out_of_range_panics() {
        let m = ScoreMatrix::from_fn(2, 2, |i, j| (i + j) as f64, false).unwrap();
        let _ = m.get(2, 0);
    }

    #[test]
    fn matrices_too_large_for_memory_are_errors() {
        // 2^31 x 2^31 entries: 2^65 bytes, more than the address space.
        let n = 1 << 31;
        for parallel in [false, true] {
            let e = ScoreMatrix::from_fn(n, n, |_, _| 0.0, parallel).unwrap_err();
            assert!(
                matches!(e, Error::OutOfMemory { what: Buffer::ScoreMatrix, rows, cols, bytes }
                    if rows == n && cols == n && bytes == 1 << 65),
                "{e}"
            );
            let text = e.to_string();
            assert!(text.contains("2147483648 x 2147483648"), "{text}");
            assert!(text.contains("candidate mode"), "{text}");
        }
        // A product that overflows `usize`.
        let e = ScoreMatrix::from_fn(usize::MAX, 2, |_, _| 0.0, false).unwrap_err();
        assert!(matches!(e, Error::OutOfMemory { .. }), "{e}");
    }
}
