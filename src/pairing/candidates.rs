//! A call's `sum` pairing in candidate mode, assembled into a [`Solution`]: the pairs and their
//! themes, the unmatched cities and why, the fairness figures with the blocking pairs counted
//! over every pair, and the certificate checked with scores computed on the fly. The search
//! itself is [`crate::candidates::solve`].

use std::time::Instant;

use super::{assemble, eligible, plain_reason, unmatched_cities, Objective, Solution, Timings};
use crate::candidates::{solve, CandidateOptions, CandidateSolution};
use crate::certificate::Certificate;
use crate::eligibility::Side as CitySide;
use crate::error::{Error, Result};
use crate::fairness::{self, Standing};
use crate::model::{City, Dataset};
use crate::rules::Compiled;
use crate::scoring::{PreparedCity, WeightedScorer};

/// `citypair pair --candidates K`: the call's `sum` pairing in candidate mode, as a full
/// [`Solution`] (pairs with their themes, unmatched and excluded cities, fairness figures),
/// without ever building the dense score matrix.
///
/// The result carries the certificate of a dense `sum` result
/// ([`Solution::certificate`], from the sparse solver's potentials, see
/// [`crate::certificate`]), and `certified_optimal` is the outcome of checking it against every
/// pair with the exact scores, computed on the fly (`O(E P)`, in parallel by rows; the pricing
/// has checked the same potentials already). The blocking pairs of the fairness figures are
/// counted exactly with one pass over all pairs (exact scores, in parallel), skipping the cities
/// that hold their best counterpart.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use citypair::candidates::{pair, CandidateOptions};
/// use citypair::{io, Objective, Pairing};
///
/// let dataset = io::embedded_dataset()?;
/// let sparse = pair(&dataset, 8, &CandidateOptions::default())?;
/// let dense = Pairing::new(&dataset)?.solve(Objective::Sum)?;
/// assert!(sparse.certified_optimal);
/// assert_eq!(sparse.total_score, dense.total_score);
/// # }
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// As [`solve`](crate::candidates::solve); [`Error::NoPairs`] when a side has no eligible city; [`Error::Invalid`]
/// (location `--candidates`) when the call has programme rules or a city a capacity other than
/// 1, which candidate mode does not apply.
pub fn pair(dataset: &Dataset, k: usize, options: &CandidateOptions) -> Result<Solution> {
    let start = Instant::now();
    if !dataset.call.rules.is_empty() {
        return Err(Error::invalid(
            "--candidates",
            "candidate mode does not apply programme rules (min_score, forbidden, locked, \
             quotas); pair this call without --candidates",
        ));
    }
    let scorer = WeightedScorer::new(dataset.call.weights)?;
    let sides = eligible(dataset)?;
    let eu: Vec<&City> = sides.eu.iter().map(|&k| &dataset.cities[k]).collect();
    let partners: Vec<&City> = sides.partners.iter().map(|&k| &dataset.cities[k]).collect();
    if let Some(c) = eu.iter().chain(&partners).find(|c| c.capacity != 1) {
        return Err(Error::invalid(
            "--candidates",
            format!(
                "city \"{}\" has capacity {}: candidate mode pairs each city at most once; pair \
                 this call without --candidates",
                c.id, c.capacity
            ),
        ));
    }
    let found = solve(&eu, &partners, &scorer, k, options)?;
    let mut col_mate: Vec<Option<usize>> = vec![None; partners.len()];
    for &(i, j, _) in &found.pairs {
        col_mate[j] = Some(i);
    }
    let prep_eu: Vec<PreparedCity> = eu.iter().map(|c| PreparedCity::new(c)).collect();
    let prep_p: Vec<PreparedCity> = partners.iter().map(|c| PreparedCity::new(c)).collect();
    let blocking = blocking_pairs(
        (&prep_eu, &prep_p),
        &scorer,
        &found,
        &col_mate,
        options.parallel,
    );
    let mut solution = assemble(
        &dataset.call,
        &scorer,
        (&eu, &partners),
        Objective::Sum,
        &found.pairs,
        blocking,
    );
    let sizes = (eu.len(), partners.len());
    let unmatched = unmatched_cities(
        (&eu, &partners),
        (&found.assignment, &col_mate),
        |side, k| match side {
            CitySide::Eu => found.best_partner[k],
            CitySide::Partner => found.best_eu[k],
        },
        |side, _, best| plain_reason(Objective::Sum, side, sizes, best),
    );
    solution.unmatched = unmatched;
    solution.excluded = sides.excluded;
    // The certificate: the sparse solver's potentials (priced against every pair), checked
    // again over every pair with the exact scores, computed on the fly.
    let ids = |cities: &[&City]| cities.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let conditions = Compiled {
        row_cap: vec![1; eu.len()],
        col_cap: vec![1; partners.len()],
        ..Compiled::default()
    };
    solution.certificate = Some(Certificate::from_assignment(
        (ids(&eu), ids(&partners)),
        &conditions,
        (&found.row_potentials, &found.col_potentials),
        &found.pairs,
    ));
    let exact = |i: usize, j: usize| scorer.score_prepared(&prep_eu[i], &prep_p[j]);
    // The outcome is recorded in `certified_optimal`.
    let _ = solution.certify(&exact);
    let t = found.timings_ms;
    solution.timings_ms = Timings {
        score: t.candidates,
        solve: (start.elapsed().as_secs_f64() * 1e3 - t.candidates).max(0.0),
    };
    Ok(solution)
}

/// Blocking pairs of a one-to-one pairing, counted over all pairs with exact scores
/// ([`crate::fairness::blocking_pairs`]): `(i, j)` blocks when both are unpaired or score each
/// other strictly above their partners. A paired city whose partner is its best counterpart
/// wants no one ([`Standing::Closed`]), so its row is skipped.
fn blocking_pairs(
    (prep_eu, prep_p): (&[PreparedCity], &[PreparedCity]),
    scorer: &WeightedScorer,
    found: &CandidateSolution,
    col_mate: &[Option<usize>],
    parallel: bool,
) -> usize {
    let exact = |i: usize, j: usize| scorer.score_prepared(&prep_eu[i], &prep_p[j]);
    let rows: Vec<Standing> = found
        .assignment
        .iter()
        .enumerate()
        .map(
            |(i, &m)| match (m.map(|j| exact(i, j)), found.best_partner[i]) {
                (Some(now), Some((_, best))) if best <= now => Standing::Closed,
                (Some(now), _) => Standing::Full(now),
                (None, _) => Standing::Open,
            },
        )
        .collect();
    let cols: Vec<Standing> = col_mate
        .iter()
        .enumerate()
        .map(|(j, &m)| m.map_or(Standing::Open, |i| Standing::Full(exact(i, j))))
        .collect();
    fairness::blocking_pairs(
        &rows,
        &cols,
        exact,
        |i, j| found.assignment[i] != Some(j),
        parallel,
    )
}
