//! Stable pairing under a common score: no row and column, not paired together, both score
//! each other strictly higher than their current partners (an unpaired side prefers any
//! partner to none).
//!
//! Both sides rank by the same score, ties broken by a fixed rule: a row prefers the column with
//! the higher score, then the smaller column index; a column prefers the row with the higher
//! score, then the smaller row index. Both rankings are restrictions of one strict order on the
//! pairs (score descending, then row, then column), so the stable pairing is **unique**: it is
//! the greedy one that takes the first remaining pair of that order while both ends are free
//! (the first pair is in every stable pairing, else it would block; induct on the rest). Row-
//! proposing deferred acceptance (Gale and Shapley, 1962) finds it without sorting all `r c`
//! pairs: each row sorts only its own preferences, in parallel, and proposals stop early.
//! Because only the order of scores matters, the result is invariant under any strictly
//! increasing transform of the scores.
//!
//! Complexity: `O(r c log c)` for the row sorts (parallel over rows with the `rayon` feature,
//! deterministic either way), plus `O(r c)` proposals at most.

#[cfg(feature = "rayon")]
use rayon::prelude::*;

use crate::error::{Buffer, Error, Result};
use crate::memory::try_collect;

/// The unique stable pairing of a `rows x cols` score matrix (row-major, higher is better),
/// as the column of each row (`None` when the row stays unpaired). Infinite scores mark
/// forbidden pairs, which are never used.
///
/// # Errors
/// [`Error::MatrixShape`] when `scores.len() != rows * cols`; [`Error::NaN`] for a NaN score;
/// [`Error::OutOfMemory`] when the rows' preference lists (4 bytes per pair) cannot be allocated.
///
/// # Examples
/// ```
/// use citypair::solver::stable_pairing;
/// // a1b1 = 10, a1b2 = 9, a2b1 = 9, a2b2 = 0: the best total {a1b2, a2b1} = 18 is blocked
/// // by (a1, b1); the stable pairing is {a1b1, a2b2}.
/// let s = [10.0, 9.0, 9.0, 0.0];
/// assert_eq!(stable_pairing(&s, 2, 2)?, vec![Some(0), Some(1)]);
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn stable_pairing(scores: &[f64], rows: usize, cols: usize) -> Result<Vec<Option<usize>>> {
    if rows.checked_mul(cols) != Some(scores.len()) {
        return Err(Error::MatrixShape {
            rows,
            cols,
            expected: rows.saturating_mul(cols),
            found: scores.len(),
        });
    }
    if let Some(k) = scores.iter().position(|x| x.is_nan()) {
        return Err(Error::NaN {
            row: k / cols,
            col: k % cols,
        });
    }
    if rows == 0 || cols == 0 {
        return Ok(vec![None; rows]);
    }
    // Each row's acceptable columns, best first (score descending, then column index).
    // Allocated fallibly: together they hold 4 bytes per pair.
    let row_prefs = |row: &[f64]| {
        let mut idx: Vec<u32> = try_collect(
            cols,
            (0..cols as u32).filter(|&j| row[j as usize].is_finite()),
        )?;
        idx.sort_unstable_by(|&a, &b| row[b as usize].total_cmp(&row[a as usize]).then(a.cmp(&b)));
        Some(idx)
    };
    #[cfg(feature = "rayon")]
    let prefs: Option<Vec<Vec<u32>>> = scores.par_chunks_exact(cols).map(row_prefs).collect();
    #[cfg(not(feature = "rayon"))]
    let prefs: Option<Vec<Vec<u32>>> = scores.chunks_exact(cols).map(row_prefs).collect();
    let prefs = prefs
        .ok_or_else(|| Error::out_of_memory(Buffer::SolverWork, rows, cols, size_of::<u32>()))?;
    let mut next = vec![0usize; rows];
    let mut holder: Vec<Option<usize>> = vec![None; cols];
    let mut row_mate: Vec<Option<usize>> = vec![None; rows];
    // Free rows propose in increasing index order; the stack keeps it deterministic (the
    // result is unique anyway).
    let mut free: Vec<usize> = (0..rows).rev().collect();
    while let Some(i) = free.pop() {
        let Some(&j) = prefs[i].get(next[i]) else {
            continue; // every acceptable column refused: i stays unpaired
        };
        next[i] += 1;
        let j = j as usize;
        let s = scores[i * cols + j];
        match holder[j] {
            None => {
                holder[j] = Some(i);
                row_mate[i] = Some(j);
            }
            Some(k) => {
                let t = scores[k * cols + j];
                // Column j prefers the higher score, then the smaller row index.
                if s > t || (s == t && i < k) {
                    holder[j] = Some(i);
                    row_mate[i] = Some(j);
                    row_mate[k] = None;
                    free.push(k);
                } else {
                    free.push(i);
                }
            }
        }
    }
    Ok(row_mate)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The greedy definition: take pairs in (score desc, row, column) order while both are free.
    fn greedy(scores: &[f64], rows: usize, cols: usize) -> Vec<Option<usize>> {
        let mut order: Vec<(usize, usize)> = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .filter(|&(i, j)| scores[i * cols + j].is_finite())
            .collect();
        order.sort_by(|&(a, b), &(c, d)| {
            scores[c * cols + d]
                .total_cmp(&scores[a * cols + b])
                .then(a.cmp(&c))
                .then(b.cmp(&d))
        });
        let mut row_mate = vec![None; rows];
        let mut taken = vec![false; cols];
        for (i, j) in order {
            if row_mate[i].is_none() && !taken[j] {
                row_mate[i] = Some(j);
                taken[j] = true;
            }
        }
        row_mate
    }

    #[test]
    fn deferred_acceptance_equals_greedy_with_ties_and_forbidden_pairs() {
        let mut s = 99u64;
        let mut next = || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            s >> 33
        };
        for _ in 0..2000 {
            let r = next() as usize % 7 + 1;
            let c = next() as usize % 7 + 1;
            let levels = next() % 4 + 1;
            let m: Vec<f64> = (0..r * c)
                .map(|_| match next() % 10 {
                    0 => f64::NEG_INFINITY,
                    _ => (next() % levels) as f64,
                })
                .collect();
            assert_eq!(
                stable_pairing(&m, r, c).unwrap(),
                greedy(&m, r, c),
                "{r}x{c} {m:?}"
            );
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            stable_pairing(&[1.0, f64::NAN], 1, 2),
            Err(Error::NaN { row: 0, col: 1 })
        ));
        assert!(matches!(
            stable_pairing(&[1.0], 2, 2),
            Err(Error::MatrixShape { .. })
        ));
        assert_eq!(stable_pairing(&[], 3, 0).unwrap(), vec![None; 3]);
    }
}
