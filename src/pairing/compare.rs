//! The three objectives side by side (`citypair compare`, the report's comparison table): one
//! line of figures per objective, solved on the same pairing.

#[cfg(feature = "serde")]
use serde::Serialize;

use super::{Objective, Pairing, Solution};
use crate::error::Result;

/// One objective's figures in a comparison ([`Pairing::compare`]); its JSON form is one entry
/// of `citypair compare --json`'s `objectives`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct ObjectiveSummary {
    /// The objective.
    pub objective: Objective,
    /// How many pairs it makes.
    pub pairs: usize,
    /// Their total score.
    pub total_score: f64,
    /// The lowest pair score; `None` without pairs.
    pub min_score: Option<f64>,
    /// The mean pair score.
    pub mean_score: f64,
    /// The Gini coefficient of the pair scores.
    pub gini: f64,
    /// The number of blocking pairs.
    pub blocking_pairs: usize,
    /// The total score given up against the `sum` optimum ([`super::PriceOfFairness::loss`]).
    pub price_of_fairness: f64,
}

impl ObjectiveSummary {
    /// The figures of one solution.
    #[must_use]
    pub fn of(s: &Solution) -> ObjectiveSummary {
        ObjectiveSummary {
            objective: s.objective,
            pairs: s.pairs.len(),
            total_score: s.total_score,
            min_score: s.min_score,
            mean_score: s.fairness.mean_score,
            gini: s.fairness.gini,
            blocking_pairs: s.fairness.blocking_pairs,
            price_of_fairness: s.price_of_fairness.loss,
        }
    }
}

impl Pairing<'_> {
    /// Solves `sum`, `maxmin` and `stable` and returns their figures in that order.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use citypair::{io, Objective, Pairing};
    /// let dataset = io::embedded_dataset()?;
    /// let rows = Pairing::new(&dataset)?.compare()?;
    /// assert_eq!(rows[0].objective, Objective::Sum);
    /// assert!(rows.iter().all(|r| r.total_score <= rows[0].total_score + 1e-9));
    /// # }
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// Three solves (see [`Pairing::solve`]); deterministic as each of them is.
    ///
    /// # Errors
    /// Those of [`Pairing::solve`]; in candidate mode, which solves `sum` only, the error of
    /// the `maxmin` objective.
    pub fn compare(&self) -> Result<Vec<ObjectiveSummary>> {
        [Objective::Sum, Objective::MaxMin, Objective::Stable]
            .into_iter()
            .map(|o| self.solve(o).map(|s| ObjectiveSummary::of(&s)))
            .collect()
    }
}
