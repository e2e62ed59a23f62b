//! Fairness figures of a pairing: lowest, mean and Gini of the pair scores, the worst-off pair,
//! and the number of blocking pairs.
//!
//! All figures are computed in a fixed order (pairs by EU id, then partner id) so that they are
//! bit-identical whatever the input order or thread count.

use serde::Serialize;

/// The `fairness` object of a pairing (see `CONTRACT.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fairness {
    /// The lowest pair score; `None` (JSON `null`) when there is no pair.
    pub min_score: Option<f64>,
    /// The mean pair score; 0 when there is no pair.
    pub mean_score: f64,
    /// Gini coefficient of the pair scores, `Σᵢ Σⱼ |sᵢ − sⱼ| / (2 n² mean)`; 0 when there is no
    /// pair or the mean is 0.
    pub gini: f64,
    /// How many EU/partner pairs, not paired together, would both rather be together.
    pub blocking_pairs: usize,
    /// The lowest-scoring pair (ties: smaller EU id, then partner id); `None` without pairs.
    pub worst_off: Option<WorstOff>,
}

/// The lowest-scoring pair of a pairing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstOff {
    /// EU city id.
    pub eu: String,
    /// Partner city id.
    pub partner: String,
    /// The pair's score.
    pub score: f64,
}

/// The Gini coefficient `Σᵢ Σⱼ |sᵢ − sⱼ| / (2 n² mean)` of `scores`, in `O(n log n)`.
///
/// Returns 0 for no scores or a mean of 0. The result does not depend on the order of `scores`.
///
/// ```
/// use citypair::fairness::gini;
/// assert_eq!(gini(&[0.5, 0.5, 0.5]), 0.0);
/// // Two pairs, one with everything: |1 - 0| * 2 / (2 * 4 * 0.5) = 0.5.
/// assert_eq!(gini(&[1.0, 0.0]), 0.5);
/// ```
pub fn gini(scores: &[f64]) -> f64 {
    let n = scores.len();
    if n == 0 {
        return 0.0;
    }
    let mut s = scores.to_vec();
    s.sort_by(f64::total_cmp);
    let sum: f64 = s.iter().sum();
    let mean = sum / n as f64;
    if mean <= 0.0 {
        return 0.0;
    }
    // Σᵢ Σⱼ |sᵢ − sⱼ| = 2 Σₖ (2k − n + 1) s₍ₖ₎ over the sorted values (k from 0).
    let weighted: f64 = s
        .iter()
        .enumerate()
        .map(|(k, &v)| (2.0 * k as f64 - n as f64 + 1.0) * v)
        .sum();
    (2.0 * weighted) / (2.0 * (n * n) as f64 * mean)
}

/// Counts blocking pairs of a one-to-one pairing on a score matrix (rows EU, columns partners).
///
/// `(i, j)`, not paired together, blocks when both would rather be together: each is unpaired or
/// scores the other strictly higher than its current partner. `row_mate[i]` / `col_mate[j]` give
/// the partner, if any. `O(rows * cols)`.
pub fn blocking_pairs(
    scores: &[f64],
    cols: usize,
    row_mate: &[Option<usize>],
    col_mate: &[Option<usize>],
) -> usize {
    let row_current: Vec<Option<f64>> = row_mate
        .iter()
        .enumerate()
        .map(|(i, m)| m.map(|j| scores[i * cols + j]))
        .collect();
    let col_current: Vec<Option<f64>> = col_mate
        .iter()
        .enumerate()
        .map(|(j, m)| m.map(|i| scores[i * cols + j]))
        .collect();
    let mut count = 0;
    for (i, row) in scores
        .chunks_exact(cols.max(1))
        .enumerate()
        .take(row_mate.len())
    {
        for (j, &s) in row.iter().enumerate() {
            if row_mate[i] == Some(j) {
                continue;
            }
            let row_wants = row_current[i].is_none_or(|c| s > c);
            let col_wants = col_current[j].is_none_or(|c| s > c);
            if row_wants && col_wants {
                count += 1;
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_matches_the_double_sum() {
        let s = [0.2, 0.9, 0.4, 0.4, 0.75];
        let n = s.len() as f64;
        let mean = s.iter().sum::<f64>() / n;
        let double: f64 = s
            .iter()
            .flat_map(|a| s.iter().map(move |b| (a - b).abs()))
            .sum();
        assert!((gini(&s) - double / (2.0 * n * n * mean)).abs() < 1e-15);
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
    }

    #[test]
    fn blocking_pairs_of_the_issue_example() {
        // a1b1 = 10, a1b2 = 9, a2b1 = 9, a2b2 = 0: {a1b2, a2b1} is blocked by (a1, b1).
        let s = [10.0, 9.0, 9.0, 0.0];
        assert_eq!(
            blocking_pairs(&s, 2, &[Some(1), Some(0)], &[Some(1), Some(0)]),
            1
        );
        assert_eq!(
            blocking_pairs(&s, 2, &[Some(0), Some(1)], &[Some(0), Some(1)]),
            0
        );
        // Unpaired cities prefer anyone.
        assert_eq!(blocking_pairs(&s, 2, &[None, None], &[None, None]), 4);
    }
}
