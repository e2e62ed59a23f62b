//! Fairness figures of a pairing: lowest, mean and Gini of the pair scores, the worst-off pair,
//! and the number of blocking pairs.
//!
//! All figures are computed in a fixed order (pairs by EU id, then partner id) so that they are
//! bit-identical whatever the input order or thread count.

#[cfg(feature = "serde")]
use serde::Serialize;

/// The `fairness` object of a pairing (see `CONTRACT.md`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
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
    /// Per country, on both sides: applicants, pairs, share paired, mean and lowest score.
    /// EU side first, then partners, each by country code.
    pub by_country: Vec<GroupFigures>,
    /// Per partner region (the call's [`crate::model::Regions`], IUC's by default), in the
    /// regions' order.
    pub by_region: Vec<GroupFigures>,
}

/// Figures for one group of cities (a country or a region) on one side.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct GroupFigures {
    /// The country code or region name.
    pub group: String,
    /// The side the group's cities are on: `"eu"` or `"partner"`.
    pub side: &'static str,
    /// Eligible cities of the group.
    pub applicants: usize,
    /// Pairs the group's cities are in.
    pub pairs: usize,
    /// `pairs / applicants` (0 when there is no applicant).
    pub share_paired: f64,
    /// Mean score of the group's pairs; `None` without pairs.
    pub mean_score: Option<f64>,
    /// Lowest score of the group's pairs; `None` without pairs.
    pub min_score: Option<f64>,
}

/// Figures per group: `members` lists, for every eligible city of one side, its group and the
/// score of each of its pairs (empty when unpaired). Groups are reported in the order of their
/// first appearance in `order` (then any others, sorted).
pub fn group_figures<'a>(
    side: &'static str,
    members: impl IntoIterator<Item = (&'a str, &'a [f64])>,
    order: &[&str],
) -> Vec<GroupFigures> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<&str, (usize, Vec<f64>)> = BTreeMap::new();
    for (group, scores) in members {
        let g = groups.entry(group).or_default();
        g.0 += 1;
        g.1.extend_from_slice(scores);
    }
    let mut names: Vec<&str> = order
        .iter()
        .copied()
        .filter(|g| groups.contains_key(g))
        .collect();
    names.extend(groups.keys().copied().filter(|g| !order.contains(g)));
    names
        .into_iter()
        .map(|name| {
            let (applicants, scores) = &groups[name];
            let pairs = scores.len();
            let sum: f64 = scores.iter().sum();
            GroupFigures {
                group: name.to_string(),
                side,
                applicants: *applicants,
                pairs,
                share_paired: if *applicants == 0 {
                    0.0
                } else {
                    pairs as f64 / *applicants as f64
                },
                mean_score: (pairs > 0).then(|| sum / pairs as f64),
                min_score: scores.iter().copied().reduce(f64::min),
            }
        })
        .collect()
}

/// The lowest-scoring pair of a pairing.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
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

/// How a city stands in a pairing, for counting blocking pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standing {
    /// It has a free place (its capacity is not used up): it would take any counterpart.
    Open,
    /// Its places are full: it would take a counterpart that it scores strictly higher than
    /// this, its worst current partner.
    Full(f64),
    /// It takes no new partner (every place is held by a locked pair).
    Closed,
}

impl Standing {
    /// Whether the city would rather have a partner at score `s`.
    pub fn wants(self, s: f64) -> bool {
        match self {
            Standing::Open => true,
            Standing::Full(worst) => s > worst,
            Standing::Closed => false,
        }
    }
}

/// Counts the blocking pairs of a pairing: `(i, j)` blocks when `candidate(i, j)` (not paired
/// together, and a pair the rules allow) and both [`Standing::wants`] it at `score(i, j)`.
///
/// This is the one count of every objective and mode: the dense pairing reads `score` from its
/// matrix, candidate mode computes it on the fly. A [`Standing::Closed`] row is skipped
/// without reading its scores. With `parallel` (and the `rayon` feature) rows are counted in
/// parallel; the count is the same. `O(rows * columns)` score reads.
///
/// ```
/// use citypair::fairness::{blocking_pairs, Standing};
///
/// // a1b1 = 10, a1b2 = 9, a2b1 = 9, a2b2 = 0: the pairing {a1b2, a2b1} is blocked by (a1, b1).
/// let s = [[10.0, 9.0], [9.0, 0.0]];
/// let mate = [1, 0];
/// let full = [Standing::Full(9.0), Standing::Full(9.0)];
/// let count = blocking_pairs(&full, &full, |i, j| s[i][j], |i, j| mate[i] != j, false);
/// assert_eq!(count, 1);
/// ```
pub fn blocking_pairs(
    rows: &[Standing],
    columns: &[Standing],
    score: impl Fn(usize, usize) -> f64 + Sync,
    candidate: impl Fn(usize, usize) -> bool + Sync,
    parallel: bool,
) -> usize {
    let row = |i: usize| -> usize {
        let standing = rows[i];
        if matches!(standing, Standing::Closed) {
            return 0;
        }
        columns
            .iter()
            .enumerate()
            .filter(|&(j, column)| {
                let s = score(i, j);
                standing.wants(s) && column.wants(s) && candidate(i, j)
            })
            .count()
    };
    #[cfg(feature = "rayon")]
    if parallel {
        use rayon::prelude::*;
        return (0..rows.len()).into_par_iter().map(row).sum();
    }
    #[cfg(not(feature = "rayon"))]
    let _ = parallel;
    (0..rows.len()).map(row).sum()
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
    fn blocking_pairs_in_the_issue_example() {
        // a1b1 = 10, a1b2 = 9, a2b1 = 9, a2b2 = 0: {a1b2, a2b1} is blocked by (a1, b1).
        let s = [10.0, 9.0, 9.0, 0.0];
        // A one-to-one pairing by its mates.
        let count = |row_mate: [Option<usize>; 2], col_mate: [Option<usize>; 2], parallel| {
            let standing = |m: Option<f64>| m.map_or(Standing::Open, Standing::Full);
            let rows: Vec<Standing> = (0..2)
                .map(|i| standing(row_mate[i].map(|j| s[i * 2 + j])))
                .collect();
            let cols: Vec<Standing> = (0..2)
                .map(|j| standing(col_mate[j].map(|i| s[i * 2 + j])))
                .collect();
            blocking_pairs(
                &rows,
                &cols,
                |i, j| s[i * 2 + j],
                |i, j| row_mate[i] != Some(j),
                parallel,
            )
        };
        for parallel in [false, true] {
            assert_eq!(count([Some(1), Some(0)], [Some(1), Some(0)], parallel), 1);
            assert_eq!(count([Some(0), Some(1)], [Some(0), Some(1)], parallel), 0);
            // Unpaired cities prefer anyone.
            assert_eq!(count([None, None], [None, None], parallel), 4);
        }
        // A closed city takes no one.
        let closed = [Standing::Closed, Standing::Open];
        let open = [Standing::Open, Standing::Open];
        assert_eq!(
            blocking_pairs(&closed, &open, |i, j| s[i * 2 + j], |_, _| true, false),
            2
        );
    }
}
