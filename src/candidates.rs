//! Candidate mode: the exact `sum` pairing of calls too large for a dense score matrix.
//!
//! A call of 100,000 EU and 100,000 partner cities has 10^10 pairs: 80 GB as a dense matrix of
//! `f64`. Candidate mode keeps only each city's `K` best counterparts in memory, solves the
//! assignment on those pairs with the sparse solver ([`solve_sparse`]), and then proves the
//! result optimal against **all** pairs, adding pairs until the proof holds:
//!
//! 1. **Candidates.** For each EU city its `K` best partner cities and for each partner city its
//!    `K` best EU cities (ties broken by the lower index); the union of both lists is the
//!    candidate set, at most `K (E + P)` pairs.
//! 2. **Solve** the assignment on the candidate set ([`solve_sparse`], maximising the total
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
//!    certificate, [`SparseAssignment::verify`], is checked on the candidate pairs too). (On a non-square call the longer
//!    side's potentials are `<= 0` and `0` where unassigned, which the sparse solver keeps, so
//!    the same reduced-cost test covers every pair.)
//!
//! `tol` is the tolerance of [`Assignment::verify`](crate::solver::Assignment::verify):
//! `8 ε (n + 1) max(1, |potentials|)` for `n = max(E, P)`, so the total is optimal to within
//! `n · tol` of the dense optimum, and is the dense optimum itself whenever the pairing is the
//! same (a unique optimum gives the same pairs).
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
//! let eu: Vec<_> = sides.eu.iter().map(|&k| &call.cities[k]).collect();
//! let partners: Vec<_> = sides.partners.iter().map(|&k| &call.cities[k]).collect();
//! let scorer = WeightedScorer::new(call.call.weights)?;
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

#[cfg(feature = "rayon")]
use rayon::prelude::*;
#[cfg(feature = "serde")]
use serde::Serialize;

use crate::certificate::Certificate;
use crate::eligibility::Side as CitySide;
use crate::error::{Error, Result};
use crate::fairness::{self, Standing};
use crate::model::{City, Dataset, Theme};
use crate::pairing::{
    assemble, eligible, plain_reason, unmatched_cities, Objective, Solution, Timings,
};
use crate::rules::Compiled;
use crate::scoring::{PreparedCity, WeightedScorer};
use crate::solver::{solve_sparse, solve_sparse_warm, Sense, SparseAssignment, SparseMatrix, Work};

/// Themes per profile.
const T: usize = Theme::COUNT;
/// Terms of the fast form's dot product: similarity, and expertise both ways.
const DIMS: usize = 3 * T;
/// Floats per city in the fast form: the dot-product terms and the log population.
const STRIDE: usize = DIMS + 1;
/// Partner cities per register block of the scan.
const LANES: usize = 16;
/// Blocks of `LANES` columns per cache tile of the scan (`256 · 16 · 46 · 4` bytes, 736 KiB).
const TILE_GROUPS: usize = 256;
/// Rows per parallel task of the scan.
const TASK_ROWS: usize = 256;
/// `1 / ln 1000`, for the size term.
const INV_LN_1000: f32 = 0.144_764_83;
/// Error margin of the screen: the fast form differs from the exact score by less than about
/// `4e-6` (45 single-precision products of values in `[0, 1]` summing to at most 1, plus the
/// size term); `2^-14` is about 15 times that.
const SCREEN_MARGIN: f32 = 1.0 / 16384.0;

/// Pricing adds, besides the violating pairs, the pairs within this much (in score) of
/// violating: they are the ones the next solve's potential changes would turn into violators,
/// and adding them early saves whole rounds over all pairs. Only true violations count against
/// certification.
const NEAR: f64 = 1e-2;

/// Options of [`solve`]; the defaults suit calls from a few hundred to 100,000 cities a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateOptions {
    /// The most pairs added per EU city in one pricing round, the most violating first
    /// (default 16). More means fewer rounds (each is a scan of all pairs) and a larger
    /// candidate set.
    pub max_new_per_row: usize,
    /// The most sparse solves (default 1000); each is followed by widening or a pricing round.
    /// If it is reached, the last solution is returned with `certified_optimal: false`; it
    /// does not happen in practice.
    pub max_rounds: usize,
    /// Whether to scan in parallel with rayon (default `true`). The result is the same either
    /// way; run inside `pool.install(..)` to choose the thread pool.
    pub parallel: bool,
}

impl Default for CandidateOptions {
    fn default() -> Self {
        CandidateOptions {
            max_new_per_row: 16,
            max_rounds: 1000,
            parallel: true,
        }
    }
}

/// Wall-clock timings of a candidate-mode run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct CandidateTimings {
    /// Preparing the cities and generating the candidate lists (with any widening).
    pub candidates: f64,
    /// Sparse assignment solves.
    pub solve: f64,
    /// Pricing: checking all pairs against the potentials and adding the violators.
    pub pricing: f64,
}

/// The result of [`solve`]: the maximum-total pairing with its certificate and statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateSolution {
    /// For each EU city (row), the index of its partner city, if paired.
    pub assignment: Vec<Option<usize>>,
    /// The pairs `(EU index, partner index, score)` in increasing EU index; each score is
    /// exactly the score matrix's value.
    pub pairs: Vec<(usize, usize, f64)>,
    /// The sum of the pair scores, added in the order of `pairs` (as
    /// [`Solution::total_score`](crate::Solution::total_score)).
    pub total: f64,
    /// EU cities' potentials `u`, in the convention of
    /// [`Assignment`](crate::solver::Assignment) for maximisation (work costs `-score`):
    /// `u[i] + v[j] <= -score(i, j)` for every pair, equality on the chosen pairs.
    pub row_potentials: Vec<f64>,
    /// Partner cities' potentials `v` (see `row_potentials`).
    pub col_potentials: Vec<f64>,
    /// Whether the potentials were checked against every pair (not only the candidates) and
    /// prove the total optimal: every city of the smaller side paired, every reduced cost at
    /// least `-tol`, tight on the chosen pairs, and the longer side's potentials `<= 0` (`0`
    /// where unpaired). `false` only when `max_rounds` stopped the search.
    pub certified_optimal: bool,
    /// Pricing rounds: checks of pairs against the potentials after a solve, full or partial
    /// (a partial round checks only the cities whose potentials changed since the previous
    /// round).
    pub rounds: usize,
    /// Pricing rounds that checked every pair (the last one found no violation when the result
    /// is certified).
    pub full_scans: usize,
    /// Rounds that widened candidate lists because the candidates had no complete pairing.
    pub widenings: usize,
    /// Pairs added by pricing, over all rounds (violating pairs, and pairs within `10^-2` of
    /// violating).
    pub added: usize,
    /// Candidate pairs at the end.
    pub edges: usize,
    /// The longest candidate list of a city at the end (`K`, or more after widening).
    pub max_k: usize,
    /// Each EU city's best partner city and its score (the lowest index among ties, as for the
    /// unmatched reasons of [`Pairing`](crate::Pairing)); `None` when there is no partner city.
    pub best_partner: Vec<Option<(usize, f64)>>,
    /// Each partner city's best EU city and its score (see `best_partner`).
    pub best_eu: Vec<Option<(usize, f64)>>,
    /// Timings (not deterministic; everything else is).
    pub timings_ms: CandidateTimings,
}

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
/// use citypair::candidates::{pair, CandidateOptions};
/// use citypair::{io, Objective, Pairing};
///
/// let dataset = io::embedded_dataset()?;
/// let sparse = pair(&dataset, 8, &CandidateOptions::default())?;
/// let dense = Pairing::new(&dataset)?.solve(Objective::Sum)?;
/// assert!(sparse.certified_optimal);
/// assert_eq!(sparse.total_score, dense.total_score);
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// As [`solve`]; [`Error::NoPairs`] when a side has no eligible city; [`Error::Invalid`]
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
/// [`Error::Invalid`] (location `--candidates`) when `k`, `max_new_per_row` or `max_rounds`
/// is 0, or a side has `2^32 - 1` cities or more; [`Error::Invalid`] naming the city when a
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
            "--candidates",
            "K must be at least 1 (each city keeps its K best counterparts)",
        ));
    }
    if options.max_new_per_row == 0 || options.max_rounds == 0 {
        return Err(Error::invalid(
            "--candidates",
            "max_new_per_row and max_rounds must be at least 1",
        ));
    }
    let (ne, np) = (eu.len(), partners.len());
    if ne > u32::MAX as usize - 1 || np > u32::MAX as usize - 1 {
        return Err(Error::invalid(
            "--candidates",
            format!("{ne} x {np} cities is too large"),
        ));
    }
    // The screen's error bound assumes what `Profile::new` guarantees; check it anyway, so that
    // a profile built around that check cannot make the screen unsound.
    if let Some((city, field)) = eu.iter().chain(partners).find_map(|c| {
        let bad = |v: &[f64; T]| v.iter().any(|x| !(0.0..=1.0).contains(x));
        if bad(c.challenges.values()) {
            Some((c, "challenges"))
        } else if bad(c.expertise.values()) {
            Some((c, "expertise"))
        } else {
            None
        }
    }) {
        return Err(Error::invalid(
            format!("city \"{}\", field \"{field}\"", city.id),
            "a value is outside [0, 1]",
        ));
    }
    let mut timings = CandidateTimings::default();
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
    // Step 1: both sides' K best.
    let (k_eu, k_p) = (k.min(np), k.min(ne));
    let mut edges: Vec<Vec<(u32, f64)>> = eu_scan.top_k(&all(ne, k_eu), par);
    let from_partners = p_scan.top_k(&all(np, k_p), par);
    // The lists are best first: their heads are each city's best counterpart.
    let best = |lists: &[Vec<(u32, f64)>]| -> Vec<Option<(usize, f64)>> {
        lists
            .iter()
            .map(|l| l.first().map(|&(j, s)| (j as usize, s)))
            .collect()
    };
    let (best_partner, best_eu) = (best(&edges), best(&from_partners));
    add_transposed(&mut edges, &from_partners);
    drop(from_partners);
    // Per-line list lengths of the smaller side (rows when ne <= np), for widening.
    let rows_smaller = ne <= np;
    let mut line_k: Vec<usize> = if rows_smaller {
        vec![k_eu; ne]
    } else {
        vec![k_p; np]
    };
    timings.candidates += ms(clock);

    let mut rounds = 0;
    let mut full_scans = 0;
    let mut widenings = 0;
    let mut added = 0;
    let mut certified = false;
    let mut previous: Option<SparseAssignment> = None;
    let mut matrix = SparseMatrix::default();
    let mut solves = 0;
    let mut stale = true; // the candidate set changed since the last solve
                          // Pricing state between rounds: potentials at the last round and the lines whose
                          // violators were cut short; `None` makes the next round a full scan.
    let mut last: Option<LastRound> = None;
    loop {
        if stale {
            if solves == options.max_rounds {
                break;
            }
            solves += 1;
            let clock = Instant::now();
            matrix = to_matrix(&edges, np)?;
            let solved = match &previous {
                Some(p) => solve_sparse_warm(&matrix, Sense::Maximize, p)?,
                None => solve_sparse(&matrix, Sense::Maximize)?,
            };
            timings.solve += ms(clock);
            stale = false;
            let deficiency = solved.deficiency().cloned();
            previous = Some(solved);
            if let Some(deficiency) = deficiency {
                // Step 3: widen the lists of the lines in the Hall violator.
                let clock = Instant::now();
                widenings += 1;
                let other = if rows_smaller { np } else { ne };
                let mut lines: Vec<(u32, usize, f32)> = Vec::new();
                for &l in &deficiency.lines {
                    if line_k[l] < other {
                        line_k[l] = (line_k[l] * 2).min(other);
                        lines.push((l as u32, line_k[l], f32::MIN));
                    }
                }
                if rows_smaller {
                    let lists = eu_scan.top_k(&lines, par);
                    for (&(l, _, _), mut list) in lines.iter().zip(lists) {
                        list.sort_by_key(|e| e.0);
                        merge_row(&mut edges[l as usize], &list);
                    }
                } else {
                    let lists = p_scan.top_k(&lines, par);
                    let mut by_row: Vec<Vec<(u32, f64)>> = vec![Vec::new(); ne];
                    for (&(l, _, _), list) in lines.iter().zip(&lists) {
                        for &(i, s) in list {
                            by_row[i as usize].push((l, s));
                        }
                    }
                    for (row, extra) in edges.iter_mut().zip(&mut by_row) {
                        if !extra.is_empty() {
                            extra.sort_by_key(|e| e.0);
                            merge_row(row, extra);
                        }
                    }
                }
                stale = true;
                timings.candidates += ms(clock);
                continue;
            }
        }
        let Some(solved) = &previous else {
            unreachable!("solved above")
        };
        // Step 4: price. A full round scans every pair; a partial one only the lines whose
        // potentials changed since the last round, or whose violators were cut short (every
        // other pair was found non-violating under the same potentials).
        let clock = Instant::now();
        rounds += 1;
        let (u, v) = (solved.row_potentials(), solved.col_potentials());
        // The lines a partial round would scan, unless a full scan is as cheap.
        let partial = last.as_ref().and_then(|l| {
            let rows = changed(&l.u, u, &l.more_rows);
            let cols = changed(&l.v, v, &l.more_cols);
            let cost = rows.len() as f64 * np as f64 + cols.len() as f64 * ne as f64;
            (cost < 0.75 * ne as f64 * np as f64).then_some((rows, cols))
        });
        let full = partial.is_none();
        let priced = match &partial {
            None => {
                full_scans += 1;
                price(
                    &eu_scan,
                    &p_scan,
                    solved,
                    &edges,
                    options.max_new_per_row,
                    None,
                    &[],
                    par,
                )
            }
            Some((rows, cols)) => price(
                &eu_scan,
                &p_scan,
                solved,
                &edges,
                options.max_new_per_row,
                Some(rows),
                cols,
                par,
            ),
        };
        timings.pricing += ms(clock);
        if priced.violations == 0 {
            if full {
                certified = solved.verify(&matrix).is_ok();
                break;
            }
            // Nothing left where anything changed: confirm over every pair.
            last = None;
            continue;
        }
        added += priced.violators.iter().map(Vec::len).sum::<usize>();
        for (row, extra) in edges.iter_mut().zip(&priced.violators) {
            merge_row(row, extra);
        }
        last = Some(LastRound {
            u: u.to_vec(),
            v: v.to_vec(),
            more_rows: priced.more_rows,
            more_cols: priced.more_cols,
        });
        stale = true;
    }
    let solved = previous.unwrap_or_else(|| unreachable!("the loop solves at least once"));
    let mut assignment = Vec::with_capacity(ne);
    let mut pairs = Vec::new();
    for (i, row) in edges.iter().enumerate() {
        let col = solved.col_of(i);
        assignment.push(col);
        if let Some(j) = col {
            let score = row
                .binary_search_by_key(&(j as u32), |e| e.0)
                .map_or_else(|_| exact_ep(i as u32, j as u32), |e| row[e].1);
            pairs.push((i, j, score));
        }
    }
    let total = pairs.iter().map(|p| p.2).sum();
    Ok(CandidateSolution {
        assignment,
        pairs,
        total,
        row_potentials: solved.row_potentials().to_vec(),
        col_potentials: solved.col_potentials().to_vec(),
        certified_optimal: certified,
        rounds,
        full_scans,
        widenings,
        added,
        edges: edges.iter().map(Vec::len).sum(),
        max_k: line_k.iter().copied().max().unwrap_or(0).max(k_eu.max(k_p)),
        best_partner,
        best_eu,
        timings_ms: timings,
    })
}

/// The lines whose potential changed (bit for bit) since `before`, and the lines `more`; sorted.
fn changed(before: &[f64], now: &[f64], more: &[u32]) -> Vec<u32> {
    let mut lines: Vec<u32> = before
        .iter()
        .zip(now)
        .enumerate()
        .filter(|(_, (a, b))| a.to_bits() != b.to_bits())
        .map(|(k, _)| k as u32)
        .collect();
    lines.extend_from_slice(more);
    lines.sort_unstable();
    lines.dedup();
    lines
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

/// Scan specs for every line of a side: `(line, k, floor)`.
fn all(n: usize, k: usize) -> Vec<(u32, usize, f32)> {
    (0..n as u32).map(|l| (l, k, f32::MIN)).collect()
}

/// Adds the partner cities' lists (`lists[j]` holds `(EU index, score)`) to the EU rows' lists,
/// keeping each row sorted by partner index without duplicates.
fn add_transposed(rows: &mut [Vec<(u32, f64)>], lists: &[Vec<(u32, f64)>]) {
    let mut extra: Vec<Vec<(u32, f64)>> = vec![Vec::new(); rows.len()];
    for (j, list) in lists.iter().enumerate() {
        for &(i, s) in list {
            extra[i as usize].push((j as u32, s));
        }
    }
    for (row, more) in rows.iter_mut().zip(&extra) {
        row.sort_by_key(|e| e.0);
        // `more` is already in increasing partner order.
        merge_row(row, more);
    }
}

/// Merges `extra` (sorted by column) into `row` (sorted by column), without duplicates.
fn merge_row(row: &mut Vec<(u32, f64)>, extra: &[(u32, f64)]) {
    if extra.is_empty() {
        return;
    }
    let mut out = Vec::with_capacity(row.len() + extra.len());
    let (mut a, mut b) = (0, 0);
    while a < row.len() || b < extra.len() {
        let take_row = b == extra.len() || (a < row.len() && row[a].0 <= extra[b].0);
        if take_row {
            if b < extra.len() && row[a].0 == extra[b].0 {
                b += 1;
            }
            out.push(row[a]);
            a += 1;
        } else {
            if out.last().is_none_or(|l: &(u32, f64)| l.0 != extra[b].0) {
                out.push(extra[b]);
            }
            b += 1;
        }
    }
    *row = out;
}

/// The candidate lists as a sparse matrix of scores.
fn to_matrix(rows: &[Vec<(u32, f64)>], cols: usize) -> Result<SparseMatrix> {
    let nnz = rows.iter().map(Vec::len).sum();
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    let mut indices = Vec::with_capacity(nnz);
    let mut values = Vec::with_capacity(nnz);
    offsets.push(0);
    for row in rows {
        for &(j, s) in row {
            indices.push(j);
            values.push(s);
        }
        offsets.push(indices.len());
    }
    SparseMatrix::new(rows.len(), cols, offsets, indices, values)
}

/// The state a partial pricing round starts from: the potentials at the previous round and the
/// lines whose violators were not all added.
struct LastRound {
    u: Vec<f64>,
    v: Vec<f64>,
    more_rows: Vec<u32>,
    more_cols: Vec<u32>,
}

/// A scan's result for one line: the selected `(column, score)` pairs, and whether more
/// columns may have been accepted.
type Found = (Vec<(u32, f64)>, bool);

/// What one pricing round found.
struct Priced {
    /// Per EU row, violating and nearly violating pairs `(partner, score)` sorted by partner,
    /// none a candidate.
    violators: Vec<Vec<(u32, f64)>>,
    /// How many of them truly violate (reduced cost below `-tol`).
    violations: usize,
    /// EU rows and partner columns that had more violators than were returned.
    more_rows: Vec<u32>,
    more_cols: Vec<u32>,
}

/// Finds pairs violating the potentials of `solved`, or within [`NEAR`] of violating, in the
/// given EU rows (all of them for `None`) and partner columns: per line at most `per_line`, the
/// most violating first (ties by lower index), none already a candidate.
#[allow(clippy::too_many_arguments)] // the two scans and the round's line sets
fn price(
    rows_scan: &Scan<'_>,
    cols_scan: &Scan<'_>,
    solved: &SparseAssignment,
    edges: &[Vec<(u32, f64)>],
    per_line: usize,
    rows: Option<&[u32]>,
    cols: &[u32],
    par: bool,
) -> Priced {
    let u = solved.row_potentials();
    let v = solved.col_potentials();
    let scale = u.iter().chain(v).fold(1.0f64, |s, p| s.max(p.abs()));
    let tol = <f64 as Work>::tolerance(scale, u.len().max(v.len()));
    // Violation: score + u[i] + v[j] > tol, i.e. score - beta[j] > alpha[i] + tol with
    // alpha = -u, beta = -v. Pairs are taken from `tol - NEAR` on. A row scan screens
    // `fast - beta[j]` against `alpha[i] + take`, a column scan `fast - alpha[i]` against
    // `beta[j] + take`; the margin covers the fast form's error and the single-precision
    // rounding of the potentials.
    let take = tol - NEAR;
    let big = u.iter().chain(v).fold(0.0f64, |s, p| s.max(p.abs())) as f32;
    let margin = SCREEN_MARGIN + (1.0 + 2.0 * big) / 1_048_576.0;
    let is_candidate = |i: u32, j: u32| edges[i as usize].binary_search_by_key(&j, |e| e.0).is_ok();
    let mut violators: Vec<Vec<(u32, f64)>> = vec![Vec::new(); u.len()];
    let mut more_rows = Vec::new();
    let mut more_cols = Vec::new();
    let all_rows: Vec<u32>;
    let rows = if let Some(r) = rows {
        r
    } else {
        all_rows = (0..u.len() as u32).collect();
        &all_rows
    };
    if !rows.is_empty() {
        let offsets = rows_scan.cols.offsets(|j| (-v[j]) as f32);
        let specs: Vec<(u32, usize, f32)> = rows
            .iter()
            .map(|&i| (i, per_line, ((-u[i as usize]) + take) as f32 - margin))
            .collect();
        let accept = |i: u32, j: u32, s: f64| {
            let violation = s + u[i as usize] + v[j as usize];
            (violation > take && !is_candidate(i, j)).then_some(violation)
        };
        let found = rows_scan.run(&specs, &offsets, margin, &accept, par);
        for (&i, (list, more)) in rows.iter().zip(found) {
            if more {
                more_rows.push(i);
            }
            violators[i as usize] = list;
        }
    }
    if !cols.is_empty() {
        let offsets = cols_scan.cols.offsets(|i| (-u[i]) as f32);
        let specs: Vec<(u32, usize, f32)> = cols
            .iter()
            .map(|&j| (j, per_line, ((-v[j as usize]) + take) as f32 - margin))
            .collect();
        let accept = |j: u32, i: u32, s: f64| {
            let violation = s + u[i as usize] + v[j as usize];
            (violation > take && !is_candidate(i, j)).then_some(violation)
        };
        let found = cols_scan.run(&specs, &offsets, margin, &accept, par);
        for (&j, (list, more)) in cols.iter().zip(found) {
            if more {
                more_cols.push(j);
            }
            for (i, score) in list {
                violators[i as usize].push((j, score));
            }
        }
    }
    let mut violations = 0;
    for (i, row) in violators.iter_mut().enumerate() {
        row.sort_by_key(|e| e.0);
        row.dedup_by_key(|e| e.0);
        violations += row
            .iter()
            .filter(|&&(j, s)| s + u[i] + v[j as usize] > tol)
            .count();
    }
    Priced {
        violators,
        violations,
        more_rows,
        more_cols,
    }
}

/// One side's cities in the scan's forms.
struct Side {
    /// Per city: `[w_c·a, ½w_e·e, ½w_e·b, ln pop]` (its terms when it is a row of the scan).
    left: Vec<[f32; STRIDE]>,
    /// The cities as scan columns, `LANES` at a time: `[a, b, e, ln pop]` by term, then lane.
    panel: Vec<[[f32; LANES]; STRIDE]>,
    /// The cities prepared for exact scores.
    prepared: Vec<PreparedCity>,
    n: usize,
}

impl Side {
    fn new(cities: &[&City], w: [f64; 3], par: bool) -> Side {
        #[cfg(feature = "rayon")]
        let forms: Vec<([f32; STRIDE], [f32; STRIDE], PreparedCity)> = if par {
            cities.par_iter().map(|c| forms(c, w)).collect()
        } else {
            cities.iter().map(|c| forms(c, w)).collect()
        };
        #[cfg(not(feature = "rayon"))]
        let forms: Vec<([f32; STRIDE], [f32; STRIDE], PreparedCity)> = {
            let _ = par;
            cities.iter().map(|c| forms(c, w)).collect()
        };
        let n = cities.len();
        let mut panel = vec![[[0.0f32; LANES]; STRIDE]; n.div_ceil(LANES)];
        for (k, (_, right, _)) in forms.iter().enumerate() {
            for (t, &x) in right.iter().enumerate() {
                panel[k / LANES][t][k % LANES] = x;
            }
        }
        let (left, prepared) = forms.into_iter().map(|(l, _, p)| (l, p)).unzip();
        Side {
            left,
            panel,
            prepared,
            n,
        }
    }

    /// Per column block, the amount subtracted from each lane's fast score: `f(j)` for a city,
    /// `+∞` for the padding lanes (so they never pass a screen).
    fn offsets(&self, f: impl Fn(usize) -> f32) -> Vec<[f32; LANES]> {
        (0..self.panel.len())
            .map(|g| {
                std::array::from_fn(|l| {
                    let j = g * LANES + l;
                    if j < self.n {
                        f(j)
                    } else {
                        f32::INFINITY
                    }
                })
            })
            .collect()
    }
}

/// The fast forms of one city (see [`Side`]) and its exact preparation.
fn forms(city: &City, w: [f64; 3]) -> ([f32; STRIDE], [f32; STRIDE], PreparedCity) {
    let raw = city.challenges.values();
    let max = raw.iter().copied().fold(0.0, f64::max);
    let mut shape = [0.0; T];
    if max > 0.0 {
        for (s, &x) in shape.iter_mut().zip(raw) {
            *s = x / max;
        }
    }
    let sq: f64 = shape.iter().map(|x| x * x).sum();
    let sum: f64 = shape.iter().sum();
    let e = city.expertise.values();
    let ln = (city.population.max(1) as f64).ln() as f32;
    let mut left = [0.0f32; STRIDE];
    let mut right = [0.0f32; STRIDE];
    for t in 0..T {
        let a = if sq > 0.0 { shape[t] / sq.sqrt() } else { 0.0 };
        let b = if sum > 0.0 { shape[t] / sum } else { 0.0 };
        left[t] = (w[0] * a) as f32;
        left[T + t] = (0.5 * w[1] * e[t]) as f32;
        left[2 * T + t] = (0.5 * w[1] * b) as f32;
        right[t] = a as f32;
        right[T + t] = b as f32;
        right[2 * T + t] = e[t] as f32;
    }
    left[DIMS] = ln;
    right[DIMS] = ln;
    (left, right, PreparedCity::new(city))
}

/// A scan of every row city of a list against every column city.
struct Scan<'a> {
    rows: &'a Side,
    cols: &'a Side,
    /// The size weight `w̄_s`.
    ws: f32,
    /// The exact score of `(row city, column city)`.
    exact: &'a (dyn Fn(u32, u32) -> f64 + Sync),
}

impl Scan<'_> {
    /// Each spec's `(line, k, _)`: the `k` best columns of row `line` by exact score, ties by
    /// lower column, as `(column, score)` in that order.
    fn top_k(&self, specs: &[(u32, usize, f32)], par: bool) -> Vec<Vec<(u32, f64)>> {
        let offsets = self.cols.offsets(|_| 0.0);
        self.run(specs, &offsets, SCREEN_MARGIN, &|_, _, s| Some(s), par)
            .into_iter()
            .map(|(list, _)| list)
            .collect()
    }

    /// For each spec `(line, k, floor)`: the `k` columns `j` of largest key
    /// `accept(line, j, score)` (ties by lower column) among those it accepts, as
    /// `(column, score)`, and whether more may have been accepted; where a column is looked at only if its fast score minus
    /// `offsets[j]` is at least `floor`. The key must rank columns as the exact score minus
    /// the column's offset does, and `margin` must bound the error of the fast value.
    fn run(
        &self,
        specs: &[(u32, usize, f32)],
        offsets: &[[f32; LANES]],
        margin: f32,
        accept: &(dyn Fn(u32, u32, f64) -> Option<f64> + Sync),
        par: bool,
    ) -> Vec<Found> {
        let isa = Isa::detect();
        let work = |chunk: &[(u32, usize, f32)]| -> Vec<Found> {
            let mut sel: Vec<Select> = chunk
                .iter()
                .map(|&(_, k, floor)| Select::new(k, floor, 2.0 * margin))
                .collect();
            scan_task(isa, self, offsets, chunk, &mut sel);
            chunk
                .iter()
                .zip(sel)
                .map(|(&(line, k, _), s)| s.finish(line, k, self.exact, accept))
                .collect()
        };
        #[cfg(feature = "rayon")]
        let parts: Vec<Vec<Found>> = if par {
            specs.par_chunks(TASK_ROWS).map(work).collect()
        } else {
            specs.chunks(TASK_ROWS).map(work).collect()
        };
        #[cfg(not(feature = "rayon"))]
        let parts: Vec<Vec<Found>> = {
            let _ = par;
            specs.chunks(TASK_ROWS).map(work).collect()
        };
        parts.into_iter().flatten().collect()
    }
}

/// A row's running selection: every column whose fast value reached `theta`.
struct Select {
    /// Current threshold: the row's floor, raised to the `k`-th best fast value minus `band`.
    theta: f32,
    floor: f32,
    k: usize,
    /// Prune when the buffer reaches this length.
    cap: usize,
    /// Twice the screen margin: a column whose fast value is below the `k`-th best fast value
    /// minus `band` cannot be among the `k` best exact values.
    band: f32,
    buf: Vec<(f32, u32)>,
    /// Whether pruning dropped a column that had passed the floor.
    dropped: bool,
}

impl Select {
    fn new(k: usize, floor: f32, band: f32) -> Select {
        Select {
            theta: floor,
            floor,
            k: k.max(1),
            cap: 2 * k + 64,
            band,
            buf: Vec::new(),
            dropped: false,
        }
    }

    #[inline]
    fn push(&mut self, value: f32, j: u32) {
        self.buf.push((value, j));
        if self.buf.len() >= self.cap {
            self.prune();
        }
    }

    /// Raises `theta` to the `k`-th best fast value minus `band` and drops what falls below.
    fn prune(&mut self) {
        let k = self.k;
        if self.buf.len() <= k {
            return;
        }
        self.buf
            .select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
        let kth = self.buf[k - 1].0;
        self.theta = self.floor.max(kth - self.band);
        let theta = self.theta;
        let before = self.buf.len();
        self.buf.retain(|e| e.0 >= theta);
        self.dropped |= self.buf.len() < before;
        // Many values within the band (ties): grow, so that pruning stays amortised O(1).
        self.cap = self.cap.max(2 * self.buf.len());
    }

    /// The exact ranking of what the screen kept, and whether columns beyond the `k` returned
    /// may have been accepted.
    fn finish(
        mut self,
        line: u32,
        k: usize,
        exact: &(dyn Fn(u32, u32) -> f64 + Sync),
        accept: &(dyn Fn(u32, u32, f64) -> Option<f64> + Sync),
    ) -> Found {
        self.prune();
        let mut ranked: Vec<(f64, u32, f64)> = self
            .buf
            .iter()
            .filter_map(|&(_, j)| {
                let s = exact(line, j);
                accept(line, j, s).map(|key| (key, j, s))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let more = self.dropped || ranked.len() > k;
        ranked.truncate(k);
        (ranked.into_iter().map(|(_, j, s)| (j, s)).collect(), more)
    }
}

// The instruction set of the scan's inner loop, detected once for the crate.
use crate::cpu::Isa;

fn scan_task(
    isa: Isa,
    scan: &Scan<'_>,
    offsets: &[[f32; LANES]],
    specs: &[(u32, usize, f32)],
    sel: &mut [Select],
) {
    match isa {
        // SAFETY: `Isa::Avx512` holds the proof that the CPU running this code has AVX-512F and
        // FMA, which only `Isa::detect` makes (see `crate::cpu`).
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_) => unsafe { simd::task_avx512(scan, offsets, specs, sel) },
        // SAFETY: as above, with AVX2 and FMA.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(_) => unsafe { simd::task_avx2(scan, offsets, specs, sel) },
        Isa::Portable => drive::<4>(scan, offsets, specs, sel, |x, group, off, base, states| {
            let acc = fast_scores(x, group, scan.ws);
            for (state, row) in states.iter_mut().zip(&acc) {
                let mut vals = [0.0f32; LANES];
                let mut mask = 0u32;
                for l in 0..LANES {
                    vals[l] = row[l] - off[l];
                    mask |= u32::from(vals[l] >= state.theta) << l;
                }
                push_hits(state, &vals, mask, base);
            }
        }),
    }
}

/// The loops of one task: column tiles (kept in cache) outside, blocks of `R` rows inside,
/// each block against each `LANES`-column group of the tile through `block(x, group, offsets,
/// first column, row states)`.
#[inline(always)]
#[allow(clippy::inline_always)] // must inline into the `#[target_feature]` wrappers
fn drive<const R: usize>(
    scan: &Scan<'_>,
    offsets: &[[f32; LANES]],
    specs: &[(u32, usize, f32)],
    sel: &mut [Select],
    mut block: impl FnMut(
        &[[f32; STRIDE]; R],
        &[[f32; LANES]; STRIDE],
        &[f32; LANES],
        u32,
        &mut [Select],
    ),
) {
    let panel = &scan.cols.panel;
    let mut start = 0;
    while start < panel.len() {
        let end = (start + TILE_GROUPS).min(panel.len());
        for (rows, states) in specs.chunks(R).zip(sel.chunks_mut(R)) {
            let mut x = [[0.0f32; STRIDE]; R];
            for (slot, &(line, _, _)) in x.iter_mut().zip(rows) {
                *slot = scan.rows.left[line as usize];
            }
            for (g, (group, off)) in panel[start..end]
                .iter()
                .zip(&offsets[start..end])
                .enumerate()
            {
                block(&x, group, off, ((start + g) * LANES) as u32, states);
            }
        }
        start = end;
    }
}

/// Offers the lanes set in `mask` (fast value minus offset at least `theta` when computed) to
/// the row's selection, in increasing column order.
#[inline(always)]
#[allow(clippy::inline_always)] // must inline into the `#[target_feature]` wrappers
fn push_hits(state: &mut Select, vals: &[f32; LANES], mut mask: u32, base: u32) {
    while mask != 0 {
        let l = mask.trailing_zeros();
        mask &= mask - 1;
        let x = vals[l as usize];
        if x >= state.theta {
            state.push(x, base + l);
        }
    }
}

/// The fast form of the scores of `R` rows against one group of `LANES` columns (portable).
#[inline(always)]
#[allow(clippy::inline_always)]
fn fast_scores<const R: usize>(
    x: &[[f32; STRIDE]; R],
    group: &[[f32; LANES]; STRIDE],
    ws: f32,
) -> [[f32; LANES]; R] {
    let mut acc = [[0.0f32; LANES]; R];
    for t in 0..DIMS {
        let y = &group[t];
        for r in 0..R {
            let xr = x[r][t];
            for l in 0..LANES {
                acc[r][l] += xr * y[l];
            }
        }
    }
    let ly = &group[DIMS];
    for r in 0..R {
        let lx = x[r][DIMS];
        for l in 0..LANES {
            acc[r][l] += ws * (1.0 - (lx - ly[l]).abs() * INV_LN_1000).max(0.0);
        }
    }
    acc
}

/// The scan's inner loops with AVX-512F or AVX2 and FMA intrinsics.
#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{drive, push_hits, Scan, Select, DIMS, INV_LN_1000, LANES};
    use std::arch::x86_64::{
        __m256, _mm256_andnot_ps, _mm256_cmp_ps, _mm256_fmadd_ps, _mm256_fnmadd_ps,
        _mm256_loadu_ps, _mm256_max_ps, _mm256_movemask_ps, _mm256_set1_ps, _mm256_setzero_ps,
        _mm256_storeu_ps, _mm256_sub_ps, _mm512_abs_ps, _mm512_cmp_ps_mask, _mm512_fmadd_ps,
        _mm512_fnmadd_ps, _mm512_loadu_ps, _mm512_max_ps, _mm512_set1_ps, _mm512_setzero_ps,
        _mm512_storeu_ps, _mm512_sub_ps, _CMP_GE_OQ,
    };

    /// 8 rows, one 16-lane register each.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) fn task_avx512(
        scan: &Scan<'_>,
        offsets: &[[f32; LANES]],
        specs: &[(u32, usize, f32)],
        sel: &mut [Select],
    ) {
        let ws = _mm512_set1_ps(scan.ws);
        let one = _mm512_set1_ps(1.0);
        let inv = _mm512_set1_ps(INV_LN_1000);
        let zero = _mm512_setzero_ps();
        drive::<8>(scan, offsets, specs, sel, |x, group, off, base, states| {
            let mut acc = [zero; 8];
            for t in 0..DIMS {
                // SAFETY: `group[t]` holds 16 floats.
                let y = unsafe { _mm512_loadu_ps(group[t].as_ptr()) };
                for r in 0..8 {
                    acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(x[r][t]), y, acc[r]);
                }
            }
            // SAFETY: as above.
            let (ly, offv) = unsafe {
                (
                    _mm512_loadu_ps(group[DIMS].as_ptr()),
                    _mm512_loadu_ps(off.as_ptr()),
                )
            };
            for (r, state) in states.iter_mut().enumerate() {
                let gap = _mm512_abs_ps(_mm512_sub_ps(_mm512_set1_ps(x[r][DIMS]), ly));
                let size = _mm512_max_ps(_mm512_fnmadd_ps(gap, inv, one), zero);
                let vals = _mm512_sub_ps(_mm512_fmadd_ps(ws, size, acc[r]), offv);
                let mask = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(vals, _mm512_set1_ps(state.theta));
                if mask != 0 {
                    let mut out = [0.0f32; LANES];
                    // SAFETY: `out` holds 16 floats.
                    unsafe { _mm512_storeu_ps(out.as_mut_ptr(), vals) };
                    push_hits(state, &out, u32::from(mask), base);
                }
            }
        });
    }

    /// 4 rows, two 8-lane registers each.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn task_avx2(
        scan: &Scan<'_>,
        offsets: &[[f32; LANES]],
        specs: &[(u32, usize, f32)],
        sel: &mut [Select],
    ) {
        let ws = _mm256_set1_ps(scan.ws);
        let one = _mm256_set1_ps(1.0);
        let inv = _mm256_set1_ps(INV_LN_1000);
        let zero = _mm256_setzero_ps();
        let sign = _mm256_set1_ps(-0.0);
        drive::<4>(scan, offsets, specs, sel, |x, group, off, base, states| {
            let mut lo: [__m256; 4] = [zero; 4];
            let mut hi: [__m256; 4] = [zero; 4];
            for t in 0..DIMS {
                // SAFETY: `group[t]` holds 16 floats.
                let (y0, y1) = unsafe {
                    (
                        _mm256_loadu_ps(group[t].as_ptr()),
                        _mm256_loadu_ps(group[t].as_ptr().add(8)),
                    )
                };
                for r in 0..4 {
                    let b = _mm256_set1_ps(x[r][t]);
                    lo[r] = _mm256_fmadd_ps(b, y0, lo[r]);
                    hi[r] = _mm256_fmadd_ps(b, y1, hi[r]);
                }
            }
            // SAFETY: as above, for `group[DIMS]` and `off`.
            let (ly0, ly1, off0, off1) = unsafe {
                (
                    _mm256_loadu_ps(group[DIMS].as_ptr()),
                    _mm256_loadu_ps(group[DIMS].as_ptr().add(8)),
                    _mm256_loadu_ps(off.as_ptr()),
                    _mm256_loadu_ps(off.as_ptr().add(8)),
                )
            };
            for (r, state) in states.iter_mut().enumerate() {
                let lx = _mm256_set1_ps(x[r][DIMS]);
                let theta = _mm256_set1_ps(state.theta);
                let half = |acc: __m256, ly: __m256, off: __m256| {
                    let gap = _mm256_andnot_ps(sign, _mm256_sub_ps(lx, ly));
                    let size = _mm256_max_ps(_mm256_fnmadd_ps(gap, inv, one), zero);
                    _mm256_sub_ps(_mm256_fmadd_ps(ws, size, acc), off)
                };
                let (v0, v1) = (half(lo[r], ly0, off0), half(hi[r], ly1, off1));
                let m0 = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GE_OQ>(v0, theta)) as u32;
                let m1 = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GE_OQ>(v1, theta)) as u32;
                let mask = m0 | (m1 << 8);
                if mask != 0 {
                    let mut out = [0.0f32; LANES];
                    // SAFETY: `out` holds 16 floats.
                    unsafe {
                        _mm256_storeu_ps(out.as_mut_ptr(), v0);
                        _mm256_storeu_ps(out.as_mut_ptr().add(8), v1);
                    }
                    push_hits(state, &out, mask, base);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Profile, Weights};
    use crate::scoring::Scorer;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn city(rng: &mut StdRng, i: usize, coarse: bool) -> City {
        let mut profile = |density: f64| {
            let mut v = [0.0; T];
            for x in &mut v {
                if rng.gen_bool(density) {
                    *x = if coarse {
                        f64::from(rng.gen_range(0u8..=4)) / 4.0
                    } else {
                        rng.gen_range(0.0..=1.0)
                    };
                }
            }
            Profile::new(v).unwrap()
        };
        let (challenges, expertise) = (profile(0.6), profile(0.3));
        City {
            id: format!("c{i:04}"),
            name: format!("c{i}"),
            country: "PL".parse().unwrap(),
            population: if coarse {
                [0, 1, 50_000, 1_000_000][rng.gen_range(0..4)]
            } else {
                rng.gen_range(0..30_000_000)
            },
            lat: None,
            lon: None,
            challenges,
            expertise,
            capacity: 1,
        }
    }

    /// The fast form, in double precision, against the exact score: the difference is only
    /// rounding, far below the screen margin.
    #[test]
    fn fast_form_matches_the_model() {
        let mut rng = StdRng::seed_from_u64(3);
        let cities: Vec<City> = (0..300).map(|i| city(&mut rng, i, i % 2 == 0)).collect();
        let weights = Weights {
            challenges: 0.5,
            expertise: 0.3,
            size: 0.2,
        };
        let scorer = WeightedScorer::new(weights).unwrap();
        let w = [0.5, 0.3, 0.2];
        let f: Vec<_> = cities.iter().map(|c| forms(c, w)).collect();
        let mut worst = 0.0f64;
        for (a, fa) in cities.iter().zip(&f) {
            for (b, fb) in cities.iter().zip(&f) {
                let dot: f64 = (0..DIMS)
                    .map(|t| f64::from(fa.0[t]) * f64::from(fb.1[t]))
                    .sum();
                let size =
                    (1.0 - f64::from((fa.0[DIMS] - fb.1[DIMS]).abs() * INV_LN_1000)).max(0.0);
                let fast = dot + 0.2 * size;
                worst = worst.max((fast - scorer.score(a, b)).abs());
            }
        }
        assert!(worst < f64::from(SCREEN_MARGIN) / 8.0, "{worst}");
    }

    /// The scan's `k` best equal the exact `k` best, ties by lower index, on every instruction
    /// set this CPU has, in parallel and not.
    #[test]
    fn scan_finds_the_exact_top_k() {
        let mut rng = StdRng::seed_from_u64(9);
        for (ne, np, coarse) in [(37, 70, true), (50, 33, false), (5, 300, true)] {
            let cities: Vec<City> = (0..ne + np).map(|i| city(&mut rng, i, coarse)).collect();
            let eu: Vec<&City> = cities[..ne].iter().collect();
            let partners: Vec<&City> = cities[ne..].iter().collect();
            let scorer = WeightedScorer::default();
            let w = [0.6, 0.25, 0.15];
            let (es, ps) = (Side::new(&eu, w, false), Side::new(&partners, w, true));
            let exact = |i: u32, j: u32| {
                scorer.score_prepared(&es.prepared[i as usize], &ps.prepared[j as usize])
            };
            let scan = Scan {
                rows: &es,
                cols: &ps,
                ws: 0.15,
                exact: &exact,
            };
            for k in [1, 3, 17, np + 5] {
                let specs = all(ne, k);
                let got = scan.top_k(&specs, true);
                assert_eq!(got, scan.top_k(&specs, false));
                for (i, list) in got.iter().enumerate() {
                    let mut want: Vec<(u32, f64)> = (0..np as u32)
                        .map(|j| (j, scorer.score(eu[i], partners[j as usize])))
                        .collect();
                    want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    want.truncate(k);
                    assert_eq!(list, &want, "row {i}, k {k}");
                }
                for isa in Isa::available() {
                    let offsets = ps.offsets(|_| 0.0);
                    let mut sel: Vec<Select> = specs
                        .iter()
                        .map(|s| Select::new(s.1, s.2, 2.0 * SCREEN_MARGIN))
                        .collect();
                    scan_task(isa, &scan, &offsets, &specs, &mut sel);
                    let lists: Vec<_> = specs
                        .iter()
                        .zip(sel)
                        .map(|(s, sel)| sel.finish(s.0, s.1, &exact, &|_, _, x| Some(x)).0)
                        .collect();
                    assert_eq!(lists, got);
                }
            }
        }
    }

    /// The pricing screen with offsets and floors: the columns whose key beats the floor,
    /// exactly, on every instruction set.
    #[test]
    fn offsets_and_floors_screen_exactly() {
        let mut rng = StdRng::seed_from_u64(21);
        let cities: Vec<City> = (0..140).map(|i| city(&mut rng, i, i % 3 == 0)).collect();
        let eu: Vec<&City> = cities[..60].iter().collect();
        let partners: Vec<&City> = cities[60..].iter().collect();
        let scorer = WeightedScorer::default();
        let w = [0.6, 0.25, 0.15];
        let (es, ps) = (Side::new(&eu, w, false), Side::new(&partners, w, false));
        let exact = |i: u32, j: u32| {
            scorer.score_prepared(&es.prepared[i as usize], &ps.prepared[j as usize])
        };
        let scan = Scan {
            rows: &es,
            cols: &ps,
            ws: 0.15,
            exact: &exact,
        };
        let beta: Vec<f64> = (0..80).map(|_| rng.gen_range(0.0..0.5)).collect();
        let alpha: Vec<f64> = (0..60).map(|_| rng.gen_range(0.1..0.6)).collect();
        let offsets = ps.offsets(|j| beta[j] as f32);
        let margin = SCREEN_MARGIN + 2.0 / 1_048_576.0;
        let specs: Vec<(u32, usize, f32)> = (0..60u32)
            .map(|i| (i, 5, alpha[i as usize] as f32 - margin))
            .collect();
        let key = |i: u32, j: u32, s: f64| {
            let x = s - beta[j as usize] - alpha[i as usize];
            (x > 0.0).then_some(x)
        };
        for isa in Isa::available() {
            let mut sel: Vec<Select> = specs
                .iter()
                .map(|s| Select::new(s.1, s.2, 2.0 * margin))
                .collect();
            scan_task(isa, &scan, &offsets, &specs, &mut sel);
            for (&(i, k, _), sel) in specs.iter().zip(sel) {
                let (got, more) = sel.finish(i, k, &exact, &key);
                let mut want: Vec<(f64, u32, f64)> = (0..80u32)
                    .filter_map(|j| {
                        let s = exact(i, j);
                        key(i, j, s).map(|x| (x, j, s))
                    })
                    .collect();
                want.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                // More accepted columns than returned are always reported.
                assert!(more || want.len() <= k, "{isa:?} row {i}");
                want.truncate(k);
                let want: Vec<(u32, f64)> = want.into_iter().map(|(_, j, s)| (j, s)).collect();
                assert_eq!(got, want, "{isa:?} row {i}");
            }
        }
    }

    #[test]
    fn merging_rows() {
        let mut row = vec![(1, 0.1), (4, 0.4)];
        merge_row(&mut row, &[(0, 0.0), (4, 0.4), (5, 0.5)]);
        assert_eq!(row, vec![(0, 0.0), (1, 0.1), (4, 0.4), (5, 0.5)]);
        merge_row(&mut row, &[]);
        assert_eq!(row.len(), 4);
    }

    #[test]
    fn zero_k_is_an_error_naming_the_flag() {
        let s = WeightedScorer::default();
        let e = solve(&[], &[], &s, 0, &CandidateOptions::default()).unwrap_err();
        assert!(e.to_string().contains("--candidates"), "{e}");
        let empty = solve(&[], &[], &s, 3, &CandidateOptions::default()).unwrap();
        assert!(empty.certified_optimal && empty.pairs.is_empty());
    }
}
