//! Many independent assignment problems at once: [`solve_batch`].
//!
//! Trackers and detectors solve one small assignment per frame or image, thousands in a row.
//! [`solve_batch`] solves a whole batch in parallel over rayon's current thread pool (feature
//! `rayon`; sequentially without it) and returns the results in input order, each exactly what
//! [`solve`] returns for that matrix alone: the same assignment, total and potentials, bit for
//! bit, whatever the number of threads. Problems may differ in shape.
//!
//! ```
//! use citypair::solver::{solve, solve_batch, MatrixView, Sense};
//!
//! let a = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
//! let b = [1.0, 2.0, 3.0, 0.0, 1.0, 2.0]; // 2 x 3
//! let batch = [MatrixView::new(&a, 3, 3)?, MatrixView::new(&b, 2, 3)?];
//! let results = solve_batch(&batch, Sense::Minimize);
//! assert_eq!(results.len(), 2);
//! assert_eq!(results[0].as_ref().unwrap(), &solve(&a, 3, 3, Sense::Minimize)?);
//! assert_eq!(results[1].as_ref().unwrap().total(), 2.0);
//! # Ok::<(), citypair::Error>(())
//! ```

use super::{solve, Assignment, Cost, Matrix, MatrixView, Sense};
use crate::error::Result;

/// Solves every matrix of `problems` with [`solve`], in parallel, and returns one result per
/// problem in input order.
///
/// Each problem succeeds or fails on its own: an infeasible or invalid matrix gives its `Err` at
/// its index and does not stop the others.
///
/// # Determinism
/// Every result is exactly the one [`solve`] gives for that matrix alone (the solver is
/// deterministic and the problems share nothing), for any thread count and any split of the
/// batch.
///
/// # Complexity
/// The sum of the problems' [`solve`] costs, spread over the threads of rayon's current pool
/// (install the batch in a pool of your own to choose how many). Problems are handed out in
/// runs of consecutive indices, so batches of tiny matrices do not pay one task per matrix.
pub fn solve_batch<C: Cost>(
    problems: &[MatrixView<'_, C>],
    sense: Sense,
) -> Vec<Result<Assignment<C>>> {
    let one = |m: &MatrixView<'_, C>| solve(m.data(), m.rows(), m.cols(), sense);
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        // About 32 runs per thread keeps the threads busy to the end on uneven batches while
        // a run of tiny problems costs one task, not one per problem.
        let runs = rayon::current_num_threads() * 32;
        let min_len = problems.len().div_ceil(runs.max(1)).max(1);
        problems.par_iter().with_min_len(min_len).map(one).collect()
    }
    #[cfg(not(feature = "rayon"))]
    {
        problems.iter().map(one).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_batch_gives_no_results() {
        let none: [MatrixView<'_, f64>; 0] = [];
        assert!(solve_batch(&none, Sense::Minimize).is_empty());
    }
}
