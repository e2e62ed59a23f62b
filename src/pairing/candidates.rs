//! A call's `sum` pairing in candidate mode, assembled into a [`Solution`]: the pairs and their
//! themes, the unmatched cities and why, the fairness figures with the blocking pairs counted
//! over every pair, and the certificate checked with the fast screen clearing most pairs. The
//! search itself is [`crate::candidates::solve`].

use std::time::Instant;

use super::{assemble, plain_reason, unmatched_cities, Mode, Objective, Solution, Timings};
use crate::candidates::{solve, CandidateOptions, CandidateSolution};
use crate::certificate::screened;
use crate::certificate::Certificate;
use crate::eligibility::{Exclusion, Side as CitySide};
use crate::error::Result;
use crate::fairness::{self, Standing};
use crate::model::{Call, City, Dataset};
use crate::rules::Compiled;
use crate::scoring::{PreparedCity, WeightedScorer};

/// The call's `sum` pairing in candidate mode (`citypair pair --candidates K`), as a full
/// [`Solution`] (pairs with their themes, unmatched and excluded cities, fairness figures),
/// without ever building the dense score matrix.
///
/// The same as `Pairing::builder(dataset).candidates(k).candidate_options(*options)`, solved
/// for [`Objective::Sum`] ([`crate::pairing::PairingBuilder::candidates`]); its
/// [`Solution::mode`] is [`Mode::Candidates`].
///
/// The result carries the certificate of a dense `sum` result
/// ([`Solution::certificate`], from the sparse solver's potentials, see
/// [`crate::certificate`]), and `certified_optimal` is the outcome of checking it against every
/// pair ([`verify_certificate`](crate::candidates::verify_certificate): the conditions of
/// [`Certificate::verify`], with the fast screen proving most pairs covered and the exact
/// scores deciding the rest; `O(E P)` screened pairs, in parallel by rows; the pricing has
/// checked the same potentials already). The blocking pairs of the fairness figures are
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
/// // The optimum is not unique: candidate mode may find another optimal pairing, whose sum
/// // can differ from the dense one's in the last bit.
/// assert!((sparse.total_score - dense.total_score).abs() <= 1e-12 * dense.total_score);
/// # }
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// As [`solve`](crate::candidates::solve); [`Error::NoPairs`](crate::Error::NoPairs) when a
/// side has no eligible city; [`Error::CandidateMode`](crate::Error::CandidateMode) when the
/// call has programme rules or a city a capacity other than 1, which candidate mode does not
/// apply.
pub fn pair(dataset: &Dataset, k: usize, options: &CandidateOptions) -> Result<Solution> {
    crate::Pairing::builder(dataset)
        .candidates(k)
        .candidate_options(*options)
        .build()?
        .solve(Objective::Sum)
}

/// The body of [`pair`], for [`Pairing`](crate::Pairing) in candidate mode: `eu` and
/// `partners` are the call's eligible cities (sorted by id), `excluded` the others; the call
/// has no programme rules and every capacity is 1.
pub(crate) fn pair_sides(
    call: &Call,
    (eu, partners): (&[&City], &[&City]),
    excluded: &[Exclusion],
    scorer: &WeightedScorer,
    k: usize,
    options: &CandidateOptions,
) -> Result<Solution> {
    let start = Instant::now();
    let found = solve(eu, partners, scorer, k, options)?;
    let mut col_mate: Vec<Option<usize>> = vec![None; partners.len()];
    for &(i, j, _) in &found.pairs {
        col_mate[j] = Some(i);
    }
    let prep_eu: Vec<PreparedCity> = eu.iter().map(|c| PreparedCity::new(c)).collect();
    let prep_p: Vec<PreparedCity> = partners.iter().map(|c| PreparedCity::new(c)).collect();
    let blocking = blocking_pairs(
        (&prep_eu, &prep_p),
        scorer,
        &found,
        &col_mate,
        options.parallel,
    );
    let mut solution = assemble(
        call,
        scorer,
        (eu, partners),
        Objective::Sum,
        &found.pairs,
        blocking,
    );
    let sizes = (eu.len(), partners.len());
    let unmatched = unmatched_cities(
        (eu, partners),
        (&found.assignment, &col_mate),
        |side, k| match side {
            CitySide::Eu => found.best_partner[k],
            CitySide::Partner => found.best_eu[k],
        },
        |side, _, best| plain_reason(Objective::Sum, side, sizes, best),
    );
    solution.unmatched = unmatched;
    solution.excluded = excluded.to_vec();
    solution.mode = Mode::Candidates;
    // The certificate: the sparse solver's potentials (priced against every pair), checked
    // again over every pair: the fast screen clears most pairs, the exact scores decide the
    // rest (see `certificate::screened`).
    let ids = |cities: &[&City]| cities.iter().map(|c| c.id().to_owned()).collect::<Vec<_>>();
    let conditions = Compiled {
        row_cap: vec![1; eu.len()],
        col_cap: vec![1; partners.len()],
        ..Compiled::default()
    };
    solution.certificate = Some(Certificate::from_assignment(
        (ids(eu), ids(partners)),
        &conditions,
        (&found.row_potentials, &found.col_potentials),
        &found.pairs,
    ));
    // The outcome is recorded in `certified_optimal`.
    let _ = screened::certify(&mut solution, (eu, partners), scorer, options.parallel);
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
