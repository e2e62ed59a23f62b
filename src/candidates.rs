//! Candidate mode: the exact `sum` pairing of calls too large for a dense score matrix.
//!
//! A call of 100,000 EU and 100,000 partner cities has 10^10 pairs: 80 GB as a dense matrix of
//! `f64`. Candidate mode keeps only each city's `K` best counterparts in memory, solves the
//! assignment on those pairs with the sparse solver ([`solve_sparse`](crate::solver::solve_sparse)), and then proves the
//! result optimal against **all** pairs, adding pairs until the proof holds:
//!
//! 1. **Candidates.** For each EU city its `K` best partner cities and for each partner city its
//!    `K` best EU cities (ties broken by the lower index); the union of both lists is the
//!    candidate set, at most `K (E + P)` pairs.
//! 2. **Solve** the assignment on the candidate set ([`solve_sparse`](crate::solver::solve_sparse), maximising the total
//!    score), which also gives dual potentials `u` (EU cities) and `v` (partner cities) with
//!    `score(i, j) <= -(u[i] + v[j])` on every candidate pair and equality on the chosen pairs.
//! 3. **Widen.** When the candidate set has no complete assignment of the smaller side (a
//!    Hall-type deficiency: some cities can only use fewer counterparts), the lists of the
//!    cities in the deficiency are doubled and the solve is repeated.
//! 4. **Price.** Every pair *not* in the candidate set is checked against the potentials: a pair
//!    with `score(i, j) > -(u[i] + v[j]) + tol` (a negative reduced cost) violates them. The
//!    most violating pairs of each city checked (at most
//!    [`CandidateOptions::max_new_per_row`] per round) are added, and the problem is solved
//!    again from the previous solution (a warm start: only the rows whose conditions broke are
//!    re-augmented). Pairs within `10^-2` of violating are added too, which saves rounds (they
//!    are the ones the next solve would turn into violators). After a round that added pairs, the next round checks only the pairs of
//!    the cities whose potentials changed (bit for bit) or whose violators were not all added;
//!    every other pair was found non-violating under the same potentials. When that is not
//!    cheaper than checking every pair, every pair is checked.
//! 5. When a round that checked **every** pair finds no violation, the potentials are feasible
//!    for the dense problem, so by linear programming duality the assignment is optimal over
//!    all pairs: [`CandidateSolution::certified_optimal`] is `true` (after the sparse
//!    certificate, [`SparseAssignment::verify`](crate::solver::SparseAssignment::verify), is checked on the candidate pairs too). (On a non-square call the longer
//!    side's potentials are `<= 0` and `0` where unassigned, which the sparse solver keeps, so
//!    the same reduced-cost test covers every pair.)
//!
//! `tol` is the tolerance of [`Assignment::verify`](crate::solver::Assignment::verify):
//! `8 ε (n + 1) max(1, |potentials|)` for `n = max(E, P)`, so the total is optimal to within
//! `n · tol` of the dense optimum, and is the dense optimum itself whenever the pairing is the
//! same (a unique optimum gives the same pairs).
//!
//! The search is not tied to the scoring model: it reads the pairs only through exact scores and
//! a conservative fast screen, and lives in the solver (`solver::implicit`); the screen of the
//! default model lives next to that model (`scoring::screen`), [`pair`] assembles the
//! [`Solution`](crate::Solution) in `pairing` as the dense mode does, and
//! [`verify_certificate`], the check of its certificate with the same screen, lives next to the
//! plain check (`certificate::screened`).
//!
//! # Exact scores
//!
//! Every score kept or reported is computed by [`WeightedScorer::score_prepared`], the function
//! [`ScoreMatrix`](crate::matrix::ScoreMatrix) uses, so it equals `citypair scores` to the last
//! bit. The scans over all pairs (steps 1 and 4) screen pairs with a fast single-precision form
//! of the same model, `s ≈ x_i · y_j + w_s · size(i, j)` with 45-term vectors precomputed per
//! city (normalised challenge profile, challenge shares and expertise, weighted) and the log
//! population; the screen keeps every pair within a proven error margin (`2^-14`, about 15
//! times the worst rounding error of the fast form) of the current threshold, and the exact
//! score then decides. So the screen never changes the result, only the time.
//!
//! # Complexity
//!
//! Memory `O((E + P) K)`: the candidate lists, the sparse problem and the screening form
//! (`46` `f32` per city and side); the dense matrix is never built. Time: each full scan (the
//! two candidate scans and each pricing round) evaluates the fast form on all `E · P` pairs, in
//! parallel over cities (rayon) with a register-blocked inner loop over 16 partners at a time
//! (AVX-512 or AVX2 with FMA when the CPU has them, detected at run time); the sparse solve
//! costs `O(E' log E')` per augmentation for the `E'` candidate pairs it reaches. Few pricing
//! rounds are needed in practice, since candidates come from both sides and many violators are
//! added per round.
//!
//! # Determinism
//!
//! The result is a function of the cities in the order given (give them sorted by id, as
//! [`Pairing`](crate::Pairing) does, to make it independent of the input order), the scorer, `K`
//! and the options: every list is ranked by exact score (or exact violation), ties by the lower
//! index; the screen is conservative; the solver breaks ties by the lowest index; nothing is
//! summed in parallel. The same input gives the same bits whatever the number of threads or the
//! instruction set; only the timings vary.
//!
//! # Examples
//!
//! ```
//! use citypair::candidates::{self, CandidateOptions};
//! use citypair::eligibility::classify;
//! use citypair::scoring::WeightedScorer;
//! use citypair::{synthetic, Objective, Pairing};
//!
//! let call = synthetic::call(120, 80, 7);
//! let sides = classify(&call);
//! let eu: Vec<_> = sides.eu.iter().map(|&k| &call.cities()[k]).collect();
//! let partners: Vec<_> = sides.partners.iter().map(|&k| &call.cities()[k]).collect();
//! let scorer = WeightedScorer::new(call.call().weights());
//!
//! // Each city keeps its 4 best counterparts; the optimum is still proved against all pairs.
//! let best = candidates::solve(&eu, &partners, &scorer, 4, &CandidateOptions::default())?;
//! assert!(best.certified_optimal);
//! assert_eq!(best.pairs.len(), 80);
//! assert!(best.edges < 120 * 80);
//!
//! // The dense optimum, for comparison: the same total.
//! let dense = Pairing::new(&call)?.solve(Objective::Sum)?;
//! assert!((best.total - dense.total_score).abs() <= 1e-9 * dense.total_score);
//! # Ok::<(), citypair::Error>(())
//! ```

use std::time::Instant;

use crate::error::{Error, Location, Result};
use crate::model::{City, Theme};
use crate::scoring::screen::{Scan, Side};
use crate::scoring::WeightedScorer;
use crate::solver::implicit;

pub use crate::certificate::screened::verify_certificate;
pub use crate::pairing::candidates::pair;
pub use crate::solver::implicit::{CandidateOptions, CandidateSolution, CandidateTimings};

/// The exact maximum-total pairing of `eu` (rows) with `partners` (columns) under `scorer`,
/// keeping only each city's `k` best counterparts in memory and proving the result optimal
/// against all pairs (see the [module documentation](self)).
///
/// Every city of the smaller side is paired, and every city joins at most one pair
/// (capacities and programme rules are not applied: callers must reject calls that use them).
/// Give the cities sorted by id (as
/// [`Pairing::eu_cities`](crate::Pairing::eu_cities) does) for results that do not depend on
/// the input order. `k` larger than the other side is the whole side.
///
/// # Errors
/// [`Error::Invalid`] naming the parameter (`parameter k`, `parameter max_rounds`, ...) when
/// `k`, `max_new_per_row` or `max_rounds` is 0, or a side (`parameter eu`, `parameter
/// partners`) has `2^32 - 1` cities or more; [`Error::Invalid`] naming the city when a
/// profile value is outside `[0, 1]` (which [`Profile::new`](crate::model::Profile::new)
/// rules out); [`Error::NaN`] if a score is NaN (which the scorer rules out).
///
/// # Complexity
/// `O((E + P) k)` memory; each full scan is `O(E P)` fast-form evaluations in parallel, plus the
/// sparse solves (see the [module documentation](self#complexity)).
pub fn solve(
    eu: &[&City],
    partners: &[&City],
    scorer: &WeightedScorer,
    k: usize,
    options: &CandidateOptions,
) -> Result<CandidateSolution> {
    if k == 0 {
        return Err(Error::invalid(
            Location::parameter("k"),
            "k must be at least 1 (each city keeps its k best counterparts)",
        ));
    }
    for (name, value) in [
        ("max_new_per_row", options.max_new_per_row),
        ("max_rounds", options.max_rounds),
    ] {
        if value == 0 {
            return Err(Error::invalid(
                Location::parameter(name),
                format!("{name} must be at least 1"),
            ));
        }
    }
    let (ne, np) = (eu.len(), partners.len());
    for (name, n) in [("eu", ne), ("partners", np)] {
        if n > u32::MAX as usize - 1 {
            return Err(Error::invalid(
                Location::parameter(name),
                format!("{ne} x {np} cities is too large"),
            ));
        }
    }
    // The screen's error bound assumes what `Profile::new` guarantees; check it anyway, so that
    // a profile built around that check cannot make the screen unsound.
    if let Some((city, field)) = eu.iter().chain(partners).find_map(|c| {
        let bad = |v: &[f64; Theme::COUNT]| v.iter().any(|x| !(0.0..=1.0).contains(x));
        if bad(c.challenges().values()) {
            Some((c, "challenges"))
        } else if bad(c.expertise().values()) {
            Some((c, "expertise"))
        } else {
            None
        }
    }) {
        return Err(Error::invalid(
            Location::city(city.id(), field),
            "a value is outside [0, 1]",
        ));
    }
    let timings = CandidateTimings::default();
    if ne == 0 || np == 0 {
        return Ok(CandidateSolution {
            assignment: vec![None; ne],
            pairs: Vec::new(),
            total: 0.0,
            row_potentials: vec![0.0; ne],
            col_potentials: vec![0.0; np],
            certified_optimal: true,
            rounds: 0,
            full_scans: 0,
            widenings: 0,
            added: 0,
            edges: 0,
            max_k: 0,
            best_partner: vec![None; ne],
            best_eu: vec![None; np],
            timings_ms: timings,
        });
    }
    let par = options.parallel;
    let clock = Instant::now();
    let w = scorer.normalised_weights();
    let eu_side = Side::new(eu, w, par);
    let p_side = Side::new(partners, w, par);
    let ws = w[2] as f32;
    let exact_ep = |i: u32, j: u32| {
        scorer.score_prepared(&eu_side.prepared[i as usize], &p_side.prepared[j as usize])
    };
    let exact_pe = |j: u32, i: u32| exact_ep(i, j);
    let eu_scan = Scan {
        rows: &eu_side,
        cols: &p_side,
        ws,
        exact: &exact_ep,
    };
    let p_scan = Scan {
        rows: &p_side,
        cols: &eu_side,
        ws,
        exact: &exact_pe,
    };
    implicit::solve(&eu_scan, &p_scan, (ne, np), k, options, clock, timings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_k_is_an_error_naming_the_parameter() {
        let s = WeightedScorer::default();
        let e = solve(&[], &[], &s, 0, &CandidateOptions::default()).unwrap_err();
        assert_eq!(e.location(), Some(&Location::parameter("k")));
        assert!(e.to_string().starts_with("parameter k: "), "{e}");
        let empty = solve(&[], &[], &s, 3, &CandidateOptions::default()).unwrap();
        assert!(empty.certified_optimal && empty.pairs.is_empty());
    }
}
