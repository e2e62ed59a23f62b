//! Certificates a third party can check: the linear-programming dual of a `sum` pairing.
//!
//! Every `sum` result ([`Solution`](crate::Solution), dense or in candidate mode, with or
//! without rules) carries a [`Certificate`]: one number per city and per pair that proves, by
//! linear-programming duality, that no pairing under the same rules has a higher total. Checking
//! it needs only the scores and the rules it was computed under, which it lists;
//! [`Certificate::verify`] does that check, independently of the solvers, in one readable pass
//! over every pair. [`Solution::certified_optimal`](crate::Solution::certified_optimal) is the
//! outcome of that check, and `tests/check_certificate.py` repeats it from the JSON output with
//! numpy alone.
//!
//! # The problem
//! Rows `i` are the eligible EU cities, columns `j` the eligible partner cities, `s_ij` their
//! scores. A pair is *allowed* when it is not forbidden and scores at least `min_score`. Locked
//! pairs are fixed and left out of the problem: each takes one place of both its cities
//! (capacities `c_i`, default 1, become `c'_i = c_i - locks_i`, possibly 0) and counts towards
//! both cities' quota groups (a group's bounds become `min'_g = max(0, min_g - locks_g)` and
//! `max'_g = max_g - locks_g`). The rest is the linear program (its matrix is a network
//! matrix, so its optimum is a pairing)
//!
//! ```text
//! maximise    Σ s_ij x_ij                      over the allowed, unlocked pairs
//! subject to  Σ_j x_ij <= c'_i                 (dual u_i >= 0)     every EU city i
//!             Σ_i x_ij <= c'_j                 (dual v_j >= 0)     every partner city j
//!             x_ij <= 1                        (dual w_ij >= 0)    every allowed pair
//!             Σ_{pairs of g} x <= max'_g       (dual ymax_g >= 0)  every quota g with a maximum
//!             Σ_{pairs of g} x >= min'_g       (dual ymin_g >= 0)  every quota g
//!             x >= 0
//! ```
//!
//! A quota group counts the pairs of its members, all on one side, and groups on the same side
//! do not overlap, so each city lies in at most one group: write `g(i)` for the group of EU city
//! `i`, `h(j)` for that of partner city `j`, and `y_g = ymax_g - ymin_g` (0 for a city in no
//! group). The dual is
//!
//! ```text
//! minimise    Σ c'_i u_i + Σ c'_j v_j + Σ w_ij + Σ_g (max'_g ymax_g - min'_g ymin_g)
//! subject to  u_i + v_j + y_g(i) + y_h(j) + w_ij >= s_ij   every allowed, unlocked pair
//!             u, v, w, ymax, ymin >= 0
//! ```
//!
//! Any feasible dual bounds every pairing's total from above (weak duality), so a pairing whose
//! total equals a feasible dual's objective is optimal.
//!
//! # What is checked
//! [`Certificate::verify`] checks, with the tolerance `tol = 1e-9 · max(1, max |s_ij|)` (the
//! largest score of the whole matrix) for each condition and `1e-7 · max(1, |total|)` for the
//! totals, in this order:
//!
//! 1. the parts fit together (one `u` per EU city, one `v` per partner city, indices in range,
//!    quota groups on one side disjoint, locks within the capacities);
//! 2. the listed pairs (the paired, unlocked pairs) are allowed, not locked, listed once, within
//!    every city's capacity `c'`, and every quota's pair count (locked pairs included) lies
//!    within its bounds: the pairing keeps the rules;
//! 3. `u, v, w, ymax, ymin >= 0` (`w` is listed for the paired, unlocked pairs only and is zero
//!    elsewhere; locked pairs are not listed);
//! 4. `u_i + v_j + y_g(i) + y_h(j) >= s_ij` for every allowed, unlocked pair that is not paired;
//! 5. `u_i + v_j + y_g(i) + y_h(j) + w_ij = s_ij` for every paired, unlocked pair;
//! 6. `u_i = 0` for an EU city with unused places (fewer than `c'_i` unlocked pairs), `v_j = 0`
//!    likewise; `ymax_g = 0` unless the group holds `max'_g` unlocked pairs (and always when it
//!    has no maximum), `ymin_g = 0` unless it holds `min'_g`;
//! 7. `Σ c'_i u_i + Σ c'_j v_j + Σ w + Σ_g (max'_g ymax_g - min'_g ymin_g)` equals the total of
//!    the unlocked pairs.
//!
//! Conditions 2, 3, 4 and 7 alone prove the total optimal; 5 and 6 (complementary slackness)
//! follow from them up to the tolerance and are checked so that a failure names the pair or the
//! city at fault (so 7 fails alone only through accumulated rounding). Without quotas, every
//! `y` is zero and the conditions are those of the contract. The first failed condition is
//! returned as a [`Violation`] naming it, the cities and the numbers; in the row scan
//! (condition 4), the reported pair is the most violated pair of the first EU city (by row)
//! that has one, ties by the lower partner index.
//!
//! # Where the numbers come from
//! - **Dense, without rules:** the assignment solver's potentials
//!   ([`Assignment`](crate::solver::Assignment)) are those of the minimisation of `-s`:
//!   `U_i + V_j <= -s_ij`, equality on assigned pairs, the longer side `<= 0` and `0` where
//!   unassigned. So `u = -U`, `v = -V` cover every pair and are tight on the assigned ones. On a
//!   wide matrix (fewer EU cities) a free partner city has `v = 0`, so `u_i >= s_ij >= 0`; a
//!   tall matrix is the same with the sides swapped. On a square matrix nothing fixes the sign
//!   of either side, and `u + t`, `v - t` with `t = max(0, -min u)` is again a cover with the
//!   same objective (both sides have `n` cities, all paired), and non-negative: with every
//!   `s >= 0`, `min u + min v >= s >= 0`. Every capacity is 1, so `w_ij = s_ij - u_i - v_j`
//!   (zero up to rounding) on the assigned pairs.
//! - **Candidate mode:** the sparse solver's potentials, in the same convention and converted
//!   the same way; its pricing has already checked them against every pair, and
//!   [`Certificate::verify`] checks them again with the exact scores, computed on the fly.
//! - **Under rules and capacities** (and the what-ifs of [`crate::whatif`]): the potentials `p`
//!   of the optimal circulation (`solver::flow`). Its edges run `s -> group -> row -> col ->
//!   group -> t -> s` with pair costs `-s_ij`; optimality means every residual edge has a
//!   non-negative reduced cost `cost + p(from) - p(to)`. Reading `u_i = max(0, p(row_i) -
//!   p(parent_i))`, `v_j = max(0, p(child_j) - p(col_j))`, `y_g = p(g) - p(s)` for an EU group,
//!   `y_h = p(t) - p(h)` for a partner group, and `w_ij = s_ij - (p(row_i) - p(col_j))` on used
//!   pairs gives a feasible dual: for a free pair, `p(row) - p(col) >= s` and `p(row) - p(col)`
//!   is the sum of the terms above plus `p(s) - p(t) <= 0`; a used pair's row and column carry
//!   flow, so their `u` and `v` are exact and the sum is `s`; a city with unused capacity has a
//!   residual edge from its parent, so `u = 0`; a group below its maximum has `y <= 0`, one
//!   above its minimum `y >= 0`, which is condition 6.
//!
//!   Under quotas the circulation is lexicographic: its costs are pairs `(tier, score)` (and a
//!   third tier counting pairs), where a quota's lower part earns `-1` in the first tier so that
//!   minimums are met before any score counts, and its potentials are lexicographic too. Their
//!   score component alone need not be a dual of the problem above: on an edge whose first-tier
//!   reduced cost is positive, the score component may be negative. But the result meets every
//!   minimum (otherwise it is an error), so it also solves the problem with the minimums as hard
//!   bounds, where the lower parts' flow is fixed and their reduced costs do not matter; every
//!   other edge costs 0 in the first tier. So `P = M p_tier + p_score` are potentials for the
//!   score costs alone on every edge that matters, as soon as `M >= -r_score / r_tier` on every
//!   residual edge with `r_tier > 0` (where `r_tier = 0`, lexicographic optimality gives
//!   `r_score >= 0`). The smallest such integer `M` is computed exactly (in the circulation's
//!   fixed-point integers), and the duals are read off `P` as above.
//!
//! # `maxmin` under rules
//! Without rules, a `maxmin` threshold `t` is proved by a Hall violator: cities of the smaller
//! side that, by pairs scoring above `t`, reach fewer cities than they are
//! ([`Solution::witness`](crate::Solution::witness)). Under capacities, quotas and locks that
//! is not enough (a city may take several pairs, a quota may cap a group), but the same linear
//! program, with other pair weights, proves it:
//!
//! 1. with weight 1 on every allowed, unlocked pair, a certificate (`most_pairs`) of a pairing
//!    with `n` unlocked pairs proves that no pairing keeping the rules has more;
//! 2. with weight 1 on the allowed, unlocked pairs scoring **above** `t` and 0 on the others, a
//!    certificate (`above`) of a pairing with `k < n` pairs above `t` proves that every pairing
//!    keeping the rules has at most `k` of them. A pairing with `n` unlocked pairs whose lowest
//!    score is above `t` would have `n > k`: none exists. (The pairs at or below `t` stay in
//!    the problem, at weight 0, since a quota minimum may need them.)
//!
//! Then a solution that keeps the rules, has `n` unlocked pairs and the lowest unlocked score
//! `t` is optimal for the first two criteria of `maxmin`.
//! [`MaxMinCertificate::verify`] checks both certificates (conditions 1 to 7 with those
//! weights; `min_score` still reads the scores) and `k < n`; `certified_optimal` of a `maxmin`
//! result under rules is that check plus the solution's own (it keeps the rules, `n` pairs,
//! lowest unlocked score `t`). The third criterion, the best total among those pairings, is
//! the exact optimum of the circulation, but is not part of the proof. In JSON:
//! `"maxmin_certificate": {"threshold": t, "pairs": n, "most_pairs": {...}, "above": {...}}`,
//! each certificate in the form below.
//!
//! # JSON
//! `pair --json` prints the certificate as
//!
//! ```text
//! "certificate": {
//!   "eu":       {"aachen": u, ...},        every eligible EU city, by id
//!   "partner":  {"acapulco": v, ...},      every eligible partner city, by id
//!   "pairs":    [{"eu": ID, "partner": ID, "w": w}, ...],   the paired, unlocked pairs
//!   "capacities": {"eu": {ID: c, ...}, "partner": {ID: c, ...}},   before locks
//!   "forbidden": [[EU ID, partner ID], ...],
//!   "min_score": x or null,
//!   "locked":    [[EU ID, partner ID], ...],
//!   "quotas":    [{"number": 1, "side": "eu", "members": [IDs], "min": m, "max": M or null,
//!                  "y_max": a, "y_min": b}, ...]
//! }
//! ```
//!
//! with full-precision numbers; the ids are sorted, as the rows and columns of `scores --json`.
//!
//! # Examples
//! ```
//! # #[cfg(feature = "serde")] {
//! use citypair::certificate::Violation;
//! use citypair::{io, Objective, Pairing};
//!
//! let dataset = io::embedded_dataset()?;
//! let pairing = Pairing::new(&dataset)?;
//! let best = pairing.solve(Objective::Sum)?;
//! assert!(best.certified_optimal);
//!
//! // Anyone can check the certificate against the scores.
//! let certificate = best.certificate().expect("every sum result carries one");
//! assert!(certificate.verify(pairing.matrix()?).is_ok());
//! assert!(best.verify(pairing.matrix()?).is_ok());
//!
//! // A forged certificate fails, naming the condition, the cities and the numbers.
//! let mut forged = certificate.clone();
//! let paired = forged.pairs[0].eu;
//! forged.u[paired] += 0.5;
//! let err = forged.verify(pairing.matrix()?).unwrap_err();
//! assert!(matches!(err, Violation::NotTight { .. }));
//! assert_eq!(err.condition(), "u_i + v_j + w_ij = s_ij on a paired pair");
//! println!("{err}"); // certificate fails "u_i + v_j + w_ij = s_ij on a paired pair": ...
//! # }
//! # Ok::<(), citypair::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;

#[cfg(feature = "rayon")]
use rayon::prelude::*;

use crate::eligibility::Side;
use crate::matrix::ScoreMatrix;
use crate::rules::Compiled;

/// Relative tolerance of each condition: `1e-9 · max(1, max |s|)`.
pub const CONDITION_TOLERANCE: f64 = 1e-9;

/// Relative tolerance of the totals: `1e-7 · max(1, |total|)`.
pub const TOTAL_TOLERANCE: f64 = 1e-7;

/// Matrices with at least this many pairs are scanned in parallel (the result is the same).
#[cfg(feature = "rayon")]
const PARALLEL_PAIRS: usize = 1 << 14;

/// Scores by EU city (row) and partner city (column): what [`Certificate::verify`] reads.
///
/// Implemented for [`ScoreMatrix`] and for any closure `Fn(usize, usize) -> f64 + Sync`, so that
/// scores can be computed on the fly (candidate mode never builds the matrix).
pub trait Scores: Sync {
    /// The score of EU city `eu` (row) with partner city `partner` (column).
    fn score(&self, eu: usize, partner: usize) -> f64;

    /// `(rows, columns)`, when known; [`Certificate::verify`] checks it against the
    /// certificate's cities.
    fn shape(&self) -> Option<(usize, usize)> {
        None
    }
}

impl Scores for ScoreMatrix {
    fn score(&self, eu: usize, partner: usize) -> f64 {
        self.get(eu, partner)
    }

    fn shape(&self) -> Option<(usize, usize)> {
        Some((self.rows(), self.cols()))
    }
}

impl<F: Fn(usize, usize) -> f64 + Sync> Scores for F {
    fn score(&self, eu: usize, partner: usize) -> f64 {
        self(eu, partner)
    }
}

/// A paired, unlocked pair and its dual `w` (rows and columns of the certificate's cities).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct DualPair {
    /// The EU city (index into [`Certificate::eu`]).
    pub eu: usize,
    /// The partner city (index into [`Certificate::partners`]).
    pub partner: usize,
    /// The dual of the pair's bound `x_ij <= 1`.
    pub w: f64,
}

/// A quota group as the certificate states it, with the duals of its bounds.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct QuotaDual {
    /// 1-based position of the quota in the call.
    pub number: usize,
    /// The side of its members.
    pub side: Side,
    /// Its members: rows (EU side) or columns (partner side), sorted.
    pub members: Vec<usize>,
    /// Fewest pairs (locked pairs included).
    pub min: usize,
    /// Most pairs (locked pairs included), if limited.
    pub max: Option<usize>,
    /// The dual of the maximum (`>= 0`; 0 without a maximum).
    pub y_max: f64,
    /// The dual of the minimum (`>= 0`; enters the members' conditions with a minus sign).
    pub y_min: f64,
}

impl QuotaDual {
    /// `y_max - y_min`: what the group adds to each member's condition.
    pub fn y(&self) -> f64 {
        self.y_max - self.y_min
    }
}

/// The LP dual of a `sum` pairing and the conditions it was computed under (see the
/// [module documentation](self) for the problem, the conditions and the JSON form).
///
/// Indices are rows ([`Certificate::eu`]) and columns ([`Certificate::partners`]) of the score
/// matrix, in the order of `citypair scores`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Certificate {
    /// The eligible EU cities' ids: row `i` is `eu[i]`.
    pub eu: Vec<String>,
    /// The eligible partner cities' ids: column `j` is `partners[j]`.
    pub partners: Vec<String>,
    /// `u` per EU city.
    pub u: Vec<f64>,
    /// `v` per partner city.
    pub v: Vec<f64>,
    /// The paired, unlocked pairs with their `w`, sorted by row then column.
    pub pairs: Vec<DualPair>,
    /// Each EU city's capacity (before locks).
    pub eu_capacity: Vec<usize>,
    /// Each partner city's capacity (before locks).
    pub partner_capacity: Vec<usize>,
    /// Forbidden pairs `(row, column)`.
    pub forbidden: Vec<(usize, usize)>,
    /// The minimum score of a pair that is not locked, if any.
    pub min_score: Option<f64>,
    /// Locked pairs `(row, column)`: fixed, left out of the problem.
    pub locked: Vec<(usize, usize)>,
    /// The quota groups and their duals.
    pub quotas: Vec<QuotaDual>,
}

/// Which dual value a [`Violation::Negative`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dual {
    /// `u` of this EU city.
    Eu(String),
    /// `v` of this partner city.
    Partner(String),
    /// `w` of this pair.
    Pair {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
    },
    /// `y_max` of this quota (its number).
    QuotaMax(usize),
    /// `y_min` of this quota (its number).
    QuotaMin(usize),
}

/// Why a listed pair may not be formed ([`Violation::NotAllowed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PairRule {
    /// It is forbidden.
    Forbidden,
    /// It scores below `min_score`.
    BelowMinScore,
    /// It is locked (locked pairs are not listed).
    Locked,
    /// It is listed twice.
    Repeated,
}

/// Which bound of a quota a [`Violation::QuotaSlack`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bound {
    /// The maximum.
    Max,
    /// The minimum.
    Min,
}

/// The first condition a certificate (or a solution with its certificate) fails, with the
/// cities and the numbers involved. See the [module documentation](self) for the conditions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Violation {
    /// There is no certificate to check (a `maxmin` or `stable` solution).
    Missing,
    /// The parts do not fit together: `what` has `found` where `expected` was needed.
    Malformed {
        /// What does not fit.
        what: &'static str,
        /// The size or index bound needed.
        expected: usize,
        /// What was found.
        found: usize,
    },
    /// The solution and its certificate disagree on a pair: it is in the solution but not
    /// in the certificate (`in_solution`), or the other way round. A locked pair missing
    /// from the solution is reported with `in_solution: false`.
    PairingMismatch {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Whether the pair is in the solution.
        in_solution: bool,
    },
    /// A solution's pair score differs from the scores checked against.
    ScoreMismatch {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// The score in the solution.
        reported: f64,
        /// The score in the scores checked against.
        actual: f64,
    },
    /// A solution's `total_score` is not the sum of its pair scores.
    ReportedTotal {
        /// The solution's total.
        reported: f64,
        /// The sum of its pairs' scores.
        actual: f64,
    },
    /// A listed pair may not be formed.
    NotAllowed {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// The rule it breaks.
        rule: PairRule,
    },
    /// A city is in more pairs than its capacity allows (locked pairs included).
    OverCapacity {
        /// The city's side.
        side: Side,
        /// Its id.
        id: String,
        /// Its capacity.
        capacity: usize,
        /// Its pairs.
        pairs: usize,
    },
    /// A quota holds too few or too many pairs (locked pairs included), or its locked pairs
    /// alone exceed its maximum.
    QuotaBounds {
        /// The quota's number.
        quota: usize,
        /// Its pairs.
        pairs: usize,
        /// Its minimum.
        min: usize,
        /// Its maximum.
        max: Option<usize>,
    },
    /// A dual value is negative (`u, v, w, y_max, y_min >= 0`).
    Negative {
        /// Which value.
        dual: Dual,
        /// Its value.
        value: f64,
    },
    /// An allowed pair that is not paired is not covered: `u_i + v_j + y_g(i) + y_h(j) < s_ij`.
    Uncovered {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// `u_i + v_j + y_g(i) + y_h(j)`.
        cover: f64,
    },
    /// A paired pair is not tight: `u_i + v_j + y_g(i) + y_h(j) + w_ij != s_ij`.
    NotTight {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// `u_i + v_j + y_g(i) + y_h(j) + w_ij`.
        sum: f64,
    },
    /// A city with unused places has a positive dual.
    UnusedCapacity {
        /// The city's side.
        side: Side,
        /// Its id.
        id: String,
        /// Its places (capacity less locked pairs).
        places: usize,
        /// Its unlocked pairs.
        pairs: usize,
        /// Its `u` or `v`.
        dual: f64,
    },
    /// A quota's dual is positive while the group does not reach that bound (or has none).
    QuotaSlack {
        /// The quota's number.
        quota: usize,
        /// Which bound.
        bound: Bound,
        /// The bound after locks (`None`: no maximum).
        limit: Option<usize>,
        /// The group's unlocked pairs.
        pairs: usize,
        /// The dual.
        dual: f64,
    },
    /// `maxmin`: the pairs above the threshold are not proved too few: the pairing of the
    /// proof `above` has `above` of them, not fewer than the `pairs` the rules allow.
    ThresholdNotProved {
        /// The threshold.
        threshold: f64,
        /// The most unlocked pairs the rules allow.
        pairs: usize,
        /// The unlocked pairs above the threshold in the proof's pairing.
        above: usize,
    },
    /// `maxmin`: the solution has `pairs` unlocked pairs, not the `most` the rules allow.
    PairCount {
        /// The solution's unlocked pairs.
        pairs: usize,
        /// The most the rules allow.
        most: usize,
    },
    /// `maxmin`: an unlocked pair scores below the threshold, or none scores at it.
    Threshold {
        /// EU city id of the lowest unlocked pair (empty without pairs).
        eu: String,
        /// Its partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// The threshold.
        threshold: f64,
    },
    /// The dual objective differs from the total of the unlocked pairs.
    Totals {
        /// `Σ c' u + Σ c' v + Σ w + Σ (max' y_max - min' y_min)`.
        dual: f64,
        /// The total of the paired, unlocked pairs.
        primal: f64,
    },
}

impl Violation {
    /// The condition that failed, in words (stable: tests and tools may match on it).
    pub fn condition(&self) -> &'static str {
        match self {
            Violation::Missing => "a certificate is present",
            Violation::Malformed { .. } => "the certificate's parts fit together",
            Violation::PairingMismatch { .. } => "the certificate lists the solution's pairs",
            Violation::ScoreMismatch { .. } => "the solution's scores are the matrix's",
            Violation::ReportedTotal { .. } => "the solution's total is the sum of its scores",
            Violation::NotAllowed { .. } => "every listed pair is allowed",
            Violation::OverCapacity { .. } => "pairs within capacities",
            Violation::QuotaBounds { .. } => "pairs within quota bounds",
            Violation::Negative { .. } => "u, v, w, y >= 0",
            Violation::Uncovered { .. } => "u_i + v_j >= s_ij on an allowed unpaired pair",
            Violation::NotTight { .. } => "u_i + v_j + w_ij = s_ij on a paired pair",
            Violation::UnusedCapacity { .. } => "u_i = 0 for a city with unused capacity",
            Violation::QuotaSlack { .. } => "a quota's dual is 0 unless its bound is reached",
            Violation::ThresholdNotProved { .. } => {
                "fewer pairs fit above the threshold than the rules allow"
            }
            Violation::PairCount { .. } => "maxmin has as many pairs as the rules allow",
            Violation::Threshold { .. } => "the lowest unlocked score is the threshold",
            Violation::Totals { .. } => "the dual objective equals the total",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "certificate fails \"{}\": ", self.condition())?;
        match self {
            Violation::Missing => write!(f, "only sum results carry a certificate"),
            Violation::Malformed {
                what,
                expected,
                found,
            } => write!(f, "{what}: {found} where {expected} was needed"),
            Violation::PairingMismatch {
                eu,
                partner,
                in_solution,
            } => {
                if *in_solution {
                    write!(f, "{eu} - {partner} is paired but not in the certificate")
                } else {
                    write!(f, "{eu} - {partner} is in the certificate but not paired")
                }
            }
            Violation::ScoreMismatch {
                eu,
                partner,
                reported,
                actual,
            } => write!(
                f,
                "{eu} - {partner} reports score {reported}, the scores say {actual}"
            ),
            Violation::ReportedTotal { reported, actual } => {
                write!(f, "total_score {reported}, the pairs sum to {actual}")
            }
            Violation::NotAllowed {
                eu,
                partner,
                score,
                rule,
            } => {
                let why = match rule {
                    PairRule::Forbidden => "forbidden",
                    PairRule::BelowMinScore => "below min_score",
                    PairRule::Locked => "locked (locked pairs are not listed)",
                    PairRule::Repeated => "listed twice",
                };
                write!(f, "{eu} - {partner} (score {score}) is {why}")
            }
            Violation::OverCapacity {
                side,
                id,
                capacity,
                pairs,
            } => write!(f, "{side} city {id} has {pairs} pairs, capacity {capacity}"),
            Violation::QuotaBounds {
                quota,
                pairs,
                min,
                max,
            } => match max {
                Some(m) => write!(f, "quota #{quota} holds {pairs} pairs, bounds {min}..={m}"),
                None => write!(f, "quota #{quota} holds {pairs} pairs, minimum {min}"),
            },
            Violation::Negative { dual, value } => match dual {
                Dual::Eu(id) => write!(f, "u of {id} is {value}"),
                Dual::Partner(id) => write!(f, "v of {id} is {value}"),
                Dual::Pair { eu, partner } => write!(f, "w of {eu} - {partner} is {value}"),
                Dual::QuotaMax(q) => write!(f, "y_max of quota #{q} is {value}"),
                Dual::QuotaMin(q) => write!(f, "y_min of quota #{q} is {value}"),
            },
            Violation::Uncovered {
                eu,
                partner,
                score,
                cover,
            } => write!(
                f,
                "{eu} - {partner} scores {score} but u + v (+ y) is only {cover}"
            ),
            Violation::NotTight {
                eu,
                partner,
                score,
                sum,
            } => write!(
                f,
                "{eu} - {partner} scores {score} but u + v (+ y) + w is {sum}"
            ),
            Violation::UnusedCapacity {
                side,
                id,
                places,
                pairs,
                dual,
            } => write!(
                f,
                "{side} city {id} uses {pairs} of {places} places but its dual is {dual}"
            ),
            Violation::QuotaSlack {
                quota,
                bound,
                limit,
                pairs,
                dual,
            } => {
                let name = match bound {
                    Bound::Max => "y_max",
                    Bound::Min => "y_min",
                };
                match limit {
                    Some(l) => write!(
                        f,
                        "quota #{quota} holds {pairs} unlocked pairs, not its bound {l}, but \
                         {name} is {dual}"
                    ),
                    None => write!(f, "quota #{quota} has no maximum but {name} is {dual}"),
                }
            }
            Violation::ThresholdNotProved {
                threshold,
                pairs,
                above,
            } => write!(
                f,
                "{above} unlocked pairs above {threshold} fit, not fewer than the {pairs} the \
                 rules allow"
            ),
            Violation::PairCount { pairs, most } => {
                write!(f, "{pairs} unlocked pairs, the rules allow {most}")
            }
            Violation::Threshold {
                eu,
                partner,
                score,
                threshold,
            } => write!(
                f,
                "the lowest unlocked pair {eu} - {partner} scores {score}, the threshold is \
                 {threshold}"
            ),
            Violation::Totals { dual, primal } => write!(
                f,
                "the dual objective is {dual}, the unlocked pairs total {primal}"
            ),
        }
    }
}

impl std::error::Error for Violation {}

/// One row's share of the scan over every pair.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowScan {
    /// The row's largest `|s|`.
    pub(crate) max_abs: f64,
    /// The row's most violated allowed unpaired pair: `(column, cover - score)`, lowest
    /// column among ties; NaN scores count as infinitely violated.
    pub(crate) worst: Option<(usize, f64)>,
}

/// What the scan over every pair (condition 4, and the largest `|s|` of the tolerance) needs of
/// a certificate: each row's and column's part of the cover, and which pairs are exempt.
pub(crate) struct Cover<'c> {
    /// `u_i + y_g(i)` per EU city.
    pub(crate) row: Vec<f64>,
    /// `v_j` per partner city.
    pub(crate) v: &'c [f64],
    /// `y_h(j)` per partner city.
    pub(crate) col_y: &'c [f64],
    /// Per row, the sorted columns of its forbidden, locked and listed pairs.
    skip: Vec<Vec<usize>>,
    min_score: Option<f64>,
}

/// A scan over every pair that replaces the plain loop of [`Certificate::verify`] (candidate
/// mode's screened check): given the cover, one [`RowScan`] per row, exactly as
/// [`Cover::scan_plain`] would give them wherever it matters (the same worst pair when it is
/// violated by more than the tolerance, and the same `max(1, max |s|)`).
pub(crate) type RowScanner<'s> = dyn Fn(&Cover<'_>) -> Vec<RowScan> + Sync + 's;

impl Cover<'_> {
    /// `cover - s` of pair `(i, j)` with raw score `raw` and weight `s = weight(raw)`, as the
    /// plain scan computes it (NaN counts as infinitely violated); `None` when the pair is not
    /// checked (not allowed, forbidden, locked or listed).
    pub(crate) fn slack(&self, i: usize, j: usize, raw: f64, s: f64) -> Option<f64> {
        let allowed = self.min_score.is_none_or(|m| raw >= m) || raw.is_nan();
        if !allowed || self.skip[i].binary_search(&j).is_ok() {
            return None;
        }
        let cover = self.row[i] + self.v[j] + self.col_y[j];
        let slack = cover - s;
        Some(if slack.is_nan() {
            f64::NEG_INFINITY
        } else {
            slack
        })
    }

    /// The plain scan: every pair's score read from `scores`, in parallel by rows on large
    /// matrices (the result does not depend on the number of threads).
    pub(crate) fn scan_plain<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
    ) -> Vec<RowScan> {
        let (r, c) = (self.row.len(), self.v.len());
        let scan = |i: usize| -> RowScan {
            let mut max_abs = 0.0_f64;
            let mut worst: Option<(usize, f64)> = None;
            for j in 0..c {
                let raw = scores.score(i, j);
                let s = weight(raw);
                max_abs = max_abs.max(s.abs());
                let Some(slack) = self.slack(i, j, raw, s) else {
                    continue;
                };
                if worst.is_none_or(|(_, w)| slack < w) {
                    worst = Some((j, slack));
                }
            }
            RowScan { max_abs, worst }
        };
        #[cfg(feature = "rayon")]
        if r * c >= PARALLEL_PAIRS {
            return (0..r).into_par_iter().map(scan).collect();
        }
        #[cfg(not(feature = "rayon"))]
        let _ = c;
        (0..r).map(scan).collect()
    }
}

impl Certificate {
    /// Assembles a certificate (crate-internal: the solvers' results are turned into one by
    /// the pairing code). `rules` gives the conditions; `u`, `v` per city, `pairs` the paired
    /// unlocked pairs `(row, col, w)` and `y` per quota of `rules` (`y_max - y_min`).
    pub(crate) fn new(
        (eu, partners): (Vec<String>, Vec<String>),
        rules: &Compiled,
        (u, v): (Vec<f64>, Vec<f64>),
        pairs: Vec<(usize, usize, f64)>,
        y: &[f64],
    ) -> Certificate {
        // `x + 0.0` turns a negated zero into 0 (so that JSON shows `0.0`, not `-0.0`).
        let (u, v) = (
            u.into_iter().map(|x| x + 0.0).collect(),
            v.into_iter().map(|x| x + 0.0).collect(),
        );
        let mut pairs: Vec<DualPair> = pairs
            .into_iter()
            .map(|(eu, partner, w)| DualPair {
                eu,
                partner,
                w: w + 0.0,
            })
            .collect();
        pairs.sort_by_key(|p| (p.eu, p.partner));
        let quotas = rules
            .quotas
            .iter()
            .enumerate()
            .map(|(g, q)| {
                let y = y.get(g).copied().unwrap_or(0.0);
                QuotaDual {
                    number: q.number,
                    side: q.side,
                    members: q.members.clone(),
                    min: q.min,
                    max: q.max,
                    y_max: y.max(0.0) + 0.0,
                    y_min: (-y).max(0.0) + 0.0,
                }
            })
            .collect();
        Certificate {
            eu,
            partners,
            u,
            v,
            pairs,
            eu_capacity: rules.row_cap.clone(),
            partner_capacity: rules.col_cap.clone(),
            forbidden: rules.forbidden.clone(),
            min_score: rules.min_score,
            locked: rules.locked.clone(),
            quotas,
        }
    }

    /// A certificate from an assignment's potentials in the solver's convention for
    /// maximisation (`U_i + V_j <= -s_ij`, equality on the assigned pairs, the longer side
    /// `<= 0`): `u = -U + t`, `v = -V - t` with `t = max(0, -min(-U))` (see the
    /// [module documentation](self#where-the-numbers-come-from)), and `w = max(0, s - u - v)`
    /// on the assigned pairs. For calls without rules (every capacity 1).
    pub(crate) fn from_assignment(
        ids: (Vec<String>, Vec<String>),
        rules: &Compiled,
        (row_pot, col_pot): (&[f64], &[f64]),
        assigned: &[(usize, usize, f64)],
    ) -> Certificate {
        let mut u: Vec<f64> = row_pot.iter().map(|&p| -p).collect();
        let mut v: Vec<f64> = col_pot.iter().map(|&p| -p).collect();
        let t = (-u.iter().copied().fold(f64::INFINITY, f64::min)).max(0.0);
        if t > 0.0 {
            for x in &mut u {
                *x += t;
            }
            for x in &mut v {
                *x -= t;
            }
        }
        let pairs = assigned
            .iter()
            .map(|&(i, j, s)| (i, j, (s - u[i] - v[j]).max(0.0)))
            .collect();
        Certificate::new(ids, rules, (u, v), pairs, &[])
    }

    /// Checks the certificate against `scores`, independently of any solver: the conditions of
    /// the [module documentation](self#what-is-checked), in that order, over every pair
    /// (`O(E P)` score reads, in parallel by rows on large matrices; the result does not depend
    /// on the number of threads).
    ///
    /// # Errors
    /// The first [`Violation`].
    pub fn verify<S: Scores + ?Sized>(&self, scores: &S) -> Result<(), Violation> {
        self.verify_weighted(scores, &|s| s)
    }

    /// [`Certificate::verify`] for the problem whose pair weights are `weight(s_ij)` (the
    /// scores themselves for `sum`; pair counts for the proofs of `maxmin`): the rules
    /// (`min_score`) still read the scores.
    pub(crate) fn verify_weighted<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
    ) -> Result<(), Violation> {
        self.verify_scanned(scores, weight, None)
    }

    /// [`Certificate::verify_weighted`], with the scan over every pair done by `scanner` (for
    /// the score weights only) instead of the plain loop when given.
    pub(crate) fn verify_scanned<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
        scanner: Option<&RowScanner<'_>>,
    ) -> Result<(), Violation> {
        let r = self.eu.len();
        self.check_parts(scores)?;
        let (row_places, col_places) = self.places()?;
        let (row_y, col_y) = self.quota_terms()?;
        let (row_pairs, col_pairs) = self.check_pairs(scores, &row_places, &col_places)?;

        // The scan over every pair: each row's largest |s| and its most violated allowed,
        // unpaired, unlocked pair.
        let mut skip: Vec<Vec<usize>> = vec![Vec::new(); r];
        for &(i, j) in self.forbidden.iter().chain(&self.locked) {
            skip[i].push(j);
        }
        for p in &self.pairs {
            skip[p.eu].push(p.partner);
        }
        for list in &mut skip {
            list.sort_unstable();
            list.dedup();
        }
        let cover = Cover {
            row: (0..r).map(|i| self.u[i] + row_y[i]).collect(),
            v: &self.v,
            col_y: &col_y,
            skip,
            min_score: self.min_score,
        };
        let rows = match scanner {
            Some(scan) => scan(&cover),
            None => cover.scan_plain(scores, weight),
        };
        let max_abs = rows.iter().map(|x| x.max_abs).fold(0.0, f64::max);
        let tol = CONDITION_TOLERANCE * max_abs.max(1.0);

        // 3. Non-negative duals.
        self.check_signs(tol)?;
        // 4. Every allowed, unpaired pair is covered.
        for (i, row) in rows.iter().enumerate() {
            if let Some((j, slack)) = row.worst {
                if slack < -tol {
                    let s = weight(scores.score(i, j));
                    return Err(Violation::Uncovered {
                        eu: self.eu[i].clone(),
                        partner: self.partners[j].clone(),
                        score: s,
                        cover: self.u[i] + self.v[j] + row_y[i] + col_y[j],
                    });
                }
            }
        }
        // 5. Every paired pair is tight.
        for p in &self.pairs {
            let (i, j) = (p.eu, p.partner);
            let s = weight(scores.score(i, j));
            let sum = self.u[i] + self.v[j] + row_y[i] + col_y[j] + p.w;
            if !within(sum - s, tol) {
                return Err(Violation::NotTight {
                    eu: self.eu[i].clone(),
                    partner: self.partners[j].clone(),
                    score: s,
                    sum,
                });
            }
        }
        // 6. Complementary slackness of the places and the quota bounds.
        for (side, ids, duals, places, pairs) in [
            (Side::Eu, &self.eu, &self.u, &row_places, &row_pairs),
            (
                Side::Partner,
                &self.partners,
                &self.v,
                &col_places,
                &col_pairs,
            ),
        ] {
            for k in 0..ids.len() {
                if pairs[k] < places[k] && duals[k] > tol {
                    return Err(Violation::UnusedCapacity {
                        side,
                        id: ids[k].clone(),
                        places: places[k],
                        pairs: pairs[k],
                        dual: duals[k],
                    });
                }
            }
        }
        let bounds = self.quota_bounds(&row_pairs, &col_pairs);
        for (q, &(pairs, min, max)) in self.quotas.iter().zip(&bounds) {
            if q.y_max > tol && max != Some(pairs) {
                return Err(Violation::QuotaSlack {
                    quota: q.number,
                    bound: Bound::Max,
                    limit: max,
                    pairs,
                    dual: q.y_max,
                });
            }
            if q.y_min > tol && pairs != min {
                return Err(Violation::QuotaSlack {
                    quota: q.number,
                    bound: Bound::Min,
                    limit: Some(min),
                    pairs,
                    dual: q.y_min,
                });
            }
        }
        // 7. The dual objective equals the total.
        let places = |duals: &[f64], places: &[usize]| -> f64 {
            duals.iter().zip(places).map(|(&d, &p)| d * p as f64).sum()
        };
        let quota_term: f64 = self
            .quotas
            .iter()
            .zip(&bounds)
            .map(|(q, &(_, min, max))| {
                max.map_or(0.0, |m| m as f64 * q.y_max) - min as f64 * q.y_min
            })
            .sum();
        let dual = places(&self.u, &row_places)
            + places(&self.v, &col_places)
            + self.pairs.iter().map(|p| p.w).sum::<f64>()
            + quota_term;
        let primal: f64 = self
            .pairs
            .iter()
            .map(|p| weight(scores.score(p.eu, p.partner)))
            .sum();
        if !within(dual - primal, TOTAL_TOLERANCE * primal.abs().max(1.0)) {
            return Err(Violation::Totals { dual, primal });
        }
        Ok(())
    }

    /// Condition 1: sizes and index ranges.
    fn check_parts<S: Scores + ?Sized>(&self, scores: &S) -> Result<(), Violation> {
        let (r, c) = (self.eu.len(), self.partners.len());
        let malformed = |what, expected, found| {
            Err(Violation::Malformed {
                what,
                expected,
                found,
            })
        };
        if let Some((sr, sc)) = scores.shape() {
            if sr != r {
                return malformed("rows of the scores", r, sr);
            }
            if sc != c {
                return malformed("columns of the scores", c, sc);
            }
        }
        for (what, expected, found) in [
            ("u (one per EU city)", r, self.u.len()),
            ("v (one per partner city)", c, self.v.len()),
            ("EU capacities", r, self.eu_capacity.len()),
            ("partner capacities", c, self.partner_capacity.len()),
        ] {
            if found != expected {
                return malformed(what, expected, found);
            }
        }
        let pairs = self.pairs.iter().map(|p| (p.eu, p.partner));
        for (what, list) in [
            (
                "a pair's EU city (row index)",
                pairs.clone().map(|p| p.0).collect::<Vec<_>>(),
            ),
            (
                "a forbidden pair's EU city",
                self.forbidden.iter().map(|p| p.0).collect(),
            ),
            (
                "a locked pair's EU city",
                self.locked.iter().map(|p| p.0).collect(),
            ),
        ] {
            if let Some(&x) = list.iter().find(|&&x| x >= r) {
                return malformed(what, r, x);
            }
        }
        for (what, list) in [
            (
                "a pair's partner city (column index)",
                pairs.map(|p| p.1).collect::<Vec<_>>(),
            ),
            (
                "a forbidden pair's partner city",
                self.forbidden.iter().map(|p| p.1).collect(),
            ),
            (
                "a locked pair's partner city",
                self.locked.iter().map(|p| p.1).collect(),
            ),
        ] {
            if let Some(&x) = list.iter().find(|&&x| x >= c) {
                return malformed(what, c, x);
            }
        }
        Ok(())
    }

    /// Each city's places: its capacity less its locked pairs.
    fn places(&self) -> Result<(Vec<usize>, Vec<usize>), Violation> {
        let mut rows = self.eu_capacity.clone();
        let mut cols = self.partner_capacity.clone();
        let mut locked = self.locked.clone();
        locked.sort_unstable();
        if let Some(w) = locked.windows(2).find(|w| w[0] == w[1]) {
            let (i, j) = w[0];
            return Err(Violation::NotAllowed {
                eu: self.eu[i].clone(),
                partner: self.partners[j].clone(),
                score: f64::NAN,
                rule: PairRule::Repeated,
            });
        }
        for &(i, j) in &locked {
            for (side, places, caps, ids, k) in [
                (Side::Eu, &mut rows, &self.eu_capacity, &self.eu, i),
                (
                    Side::Partner,
                    &mut cols,
                    &self.partner_capacity,
                    &self.partners,
                    j,
                ),
            ] {
                if places[k] == 0 {
                    let pairs = locked
                        .iter()
                        .filter(|l| if side == Side::Eu { l.0 == k } else { l.1 == k })
                        .count();
                    return Err(Violation::OverCapacity {
                        side,
                        id: ids[k].clone(),
                        capacity: caps[k],
                        pairs,
                    });
                }
                places[k] -= 1;
            }
        }
        Ok((rows, cols))
    }

    /// Each city's quota term `y_g` (0 outside every group); groups of one side must not
    /// overlap.
    fn quota_terms(&self) -> Result<(Vec<f64>, Vec<f64>), Violation> {
        let mut row_y = vec![0.0; self.eu.len()];
        let mut col_y = vec![0.0; self.partners.len()];
        let mut row_in = vec![false; self.eu.len()];
        let mut col_in = vec![false; self.partners.len()];
        for q in &self.quotas {
            let (y, seen) = match q.side {
                Side::Eu => (&mut row_y, &mut row_in),
                Side::Partner => (&mut col_y, &mut col_in),
            };
            for &m in &q.members {
                if m >= y.len() {
                    return Err(Violation::Malformed {
                        what: "a quota member (index)",
                        expected: y.len(),
                        found: m,
                    });
                }
                if seen[m] {
                    return Err(Violation::Malformed {
                        what: "quota groups of one side overlap at a city (index)",
                        expected: 0,
                        found: m,
                    });
                }
                seen[m] = true;
                y[m] = q.y();
            }
        }
        Ok((row_y, col_y))
    }

    /// Condition 2: the listed pairs keep the rules. Returns each city's unlocked pairs.
    fn check_pairs<S: Scores + ?Sized>(
        &self,
        scores: &S,
        row_places: &[usize],
        col_places: &[usize],
    ) -> Result<(Vec<usize>, Vec<usize>), Violation> {
        let mut forbidden = self.forbidden.clone();
        forbidden.sort_unstable();
        let mut locked = self.locked.clone();
        locked.sort_unstable();
        let mut row_pairs = vec![0; self.eu.len()];
        let mut col_pairs = vec![0; self.partners.len()];
        let mut seen: Vec<(usize, usize)> = Vec::with_capacity(self.pairs.len());
        for p in &self.pairs {
            let (i, j) = (p.eu, p.partner);
            let s = scores.score(i, j);
            let rule = if forbidden.binary_search(&(i, j)).is_ok() {
                Some(PairRule::Forbidden)
            } else if locked.binary_search(&(i, j)).is_ok() {
                Some(PairRule::Locked)
            } else if self.min_score.is_some_and(|m| s < m || s.is_nan()) {
                Some(PairRule::BelowMinScore)
            } else {
                None
            };
            if let Some(rule) = rule {
                return Err(Violation::NotAllowed {
                    eu: self.eu[i].clone(),
                    partner: self.partners[j].clone(),
                    score: s,
                    rule,
                });
            }
            seen.push((i, j));
            row_pairs[i] += 1;
            col_pairs[j] += 1;
        }
        seen.sort_unstable();
        if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
            let (i, j) = w[0];
            return Err(Violation::NotAllowed {
                eu: self.eu[i].clone(),
                partner: self.partners[j].clone(),
                score: scores.score(i, j),
                rule: PairRule::Repeated,
            });
        }
        for (side, ids, caps, places, pairs) in [
            (
                Side::Eu,
                &self.eu,
                &self.eu_capacity,
                row_places,
                &row_pairs,
            ),
            (
                Side::Partner,
                &self.partners,
                &self.partner_capacity,
                col_places,
                &col_pairs,
            ),
        ] {
            for k in 0..ids.len() {
                if pairs[k] > places[k] {
                    return Err(Violation::OverCapacity {
                        side,
                        id: ids[k].clone(),
                        capacity: caps[k],
                        pairs: pairs[k] + caps[k] - places[k],
                    });
                }
            }
        }
        for (q, &(pairs, _, max)) in self
            .quotas
            .iter()
            .zip(&self.quota_bounds(&row_pairs, &col_pairs))
        {
            let locks = self.group_locks(q);
            let total = pairs + locks;
            let locks_exceed_max = max.is_none() && q.max.is_some();
            if total < q.min || q.max.is_some_and(|m| total > m) || locks_exceed_max {
                return Err(Violation::QuotaBounds {
                    quota: q.number,
                    pairs: total,
                    min: q.min,
                    max: q.max,
                });
            }
        }
        Ok((row_pairs, col_pairs))
    }

    /// The locked pairs a quota group counts.
    fn group_locks(&self, q: &QuotaDual) -> usize {
        self.locked
            .iter()
            .filter(|&&(i, j)| {
                let x = if q.side == Side::Eu { i } else { j };
                q.members.binary_search(&x).is_ok()
            })
            .count()
    }

    /// Each quota's unlocked pairs and its bounds after locks: `(pairs, min', max')`, with
    /// `max' = None` when the quota has no maximum or its locks exceed it.
    fn quota_bounds(
        &self,
        row_pairs: &[usize],
        col_pairs: &[usize],
    ) -> Vec<(usize, usize, Option<usize>)> {
        self.quotas
            .iter()
            .map(|q| {
                let counts = if q.side == Side::Eu {
                    row_pairs
                } else {
                    col_pairs
                };
                let pairs = q
                    .members
                    .iter()
                    .map(|&m| counts.get(m).copied().unwrap_or(0))
                    .sum();
                let locks = self.group_locks(q);
                (
                    pairs,
                    q.min.saturating_sub(locks),
                    q.max.and_then(|m| m.checked_sub(locks)),
                )
            })
            .collect()
    }

    /// Condition 3: every dual is non-negative (within `tol`).
    fn check_signs(&self, tol: f64) -> Result<(), Violation> {
        let negative = |x: f64| x < -tol || x.is_nan();
        if let Some(i) = self.u.iter().position(|&x| negative(x)) {
            return Err(Violation::Negative {
                dual: Dual::Eu(self.eu[i].clone()),
                value: self.u[i],
            });
        }
        if let Some(j) = self.v.iter().position(|&x| negative(x)) {
            return Err(Violation::Negative {
                dual: Dual::Partner(self.partners[j].clone()),
                value: self.v[j],
            });
        }
        if let Some(p) = self.pairs.iter().find(|p| negative(p.w)) {
            return Err(Violation::Negative {
                dual: Dual::Pair {
                    eu: self.eu[p.eu].clone(),
                    partner: self.partners[p.partner].clone(),
                },
                value: p.w,
            });
        }
        for q in &self.quotas {
            if negative(q.y_max) {
                return Err(Violation::Negative {
                    dual: Dual::QuotaMax(q.number),
                    value: q.y_max,
                });
            }
            if negative(q.y_min) {
                return Err(Violation::Negative {
                    dual: Dual::QuotaMin(q.number),
                    value: q.y_min,
                });
            }
        }
        Ok(())
    }
}

/// The proof of a `maxmin` result under rules (see the
/// [module documentation](self#maxmin-under-rules)): two certificates of the same problem with
/// other pair weights.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MaxMinCertificate {
    /// The threshold: the solution's lowest unlocked score.
    pub threshold: f64,
    /// A pairing with the most unlocked pairs the rules allow, and its dual for pair weights
    /// 1: no pairing has more.
    pub most_pairs: Certificate,
    /// A pairing with the most unlocked pairs scoring above the threshold, and its dual for
    /// pair weights `1` above the threshold and `0` at or below it: no pairing that keeps the
    /// rules has more, and it has fewer than `most_pairs`.
    pub above: Certificate,
}

impl MaxMinCertificate {
    /// The most unlocked pairs the rules allow.
    pub fn pairs(&self) -> usize {
        self.most_pairs.pairs.len()
    }

    /// The most unlocked pairs above the threshold that a pairing keeping the rules can have
    /// (fewer than [`MaxMinCertificate::pairs`]).
    pub fn above_threshold<S: Scores + ?Sized>(&self, scores: &S) -> usize {
        self.above
            .pairs
            .iter()
            .filter(|p| scores.score(p.eu, p.partner) > self.threshold)
            .count()
    }

    /// Checks both certificates against `scores` (with their weights: 1 for every pair, then 1
    /// above the threshold and 0 at or below it) and that fewer pairs fit above the threshold
    /// than the rules allow: then no pairing with as many pairs has a higher lowest score.
    ///
    /// # Errors
    /// The first [`Violation`].
    pub fn verify<S: Scores + ?Sized>(&self, scores: &S) -> Result<(), Violation> {
        let (a, b) = (&self.most_pairs, &self.above);
        let same = a.eu == b.eu
            && a.partners == b.partners
            && a.eu_capacity == b.eu_capacity
            && a.partner_capacity == b.partner_capacity
            && a.forbidden == b.forbidden
            && a.min_score.map(f64::to_bits) == b.min_score.map(f64::to_bits)
            && a.locked == b.locked
            && a.quotas.len() == b.quotas.len()
            && a.quotas.iter().zip(&b.quotas).all(|(x, y)| {
                (x.number, x.side, &x.members, x.min, x.max)
                    == (y.number, y.side, &y.members, y.min, y.max)
            });
        if !same {
            return Err(Violation::Malformed {
                what: "the maxmin proofs' conditions differ",
                expected: 0,
                found: 1,
            });
        }
        a.verify_weighted(scores, &|_| 1.0)?;
        let t = self.threshold;
        b.verify_weighted(scores, &|s| if s > t { 1.0 } else { 0.0 })?;
        let above = self.above_threshold(scores);
        if above >= self.pairs() {
            return Err(Violation::ThresholdNotProved {
                threshold: t,
                pairs: self.pairs(),
                above,
            });
        }
        Ok(())
    }

    /// [`MaxMinCertificate::verify`], then that the solution's pairs (`(EU id, partner id,
    /// score)`, locked pairs included) keep the rules, include every locked pair, number as
    /// many unlocked pairs as the rules allow, and have the threshold as their lowest unlocked
    /// score.
    pub(crate) fn verify_solution<'p, S: Scores + ?Sized>(
        &self,
        pairs: impl Iterator<Item = (&'p str, &'p str, f64)>,
        scores: &S,
    ) -> Result<(), Violation> {
        self.verify(scores)?;
        let c = &self.most_pairs;
        let eu = index_of(&c.eu);
        let partners = index_of(&c.partners);
        let mut locked = c.locked.clone();
        locked.sort_unstable();
        let mut listed = Vec::new();
        for (e, p, score) in pairs {
            let (Some(&i), Some(&j)) = (eu.get(e), partners.get(p)) else {
                return Err(Violation::PairingMismatch {
                    eu: e.to_owned(),
                    partner: p.to_owned(),
                    in_solution: true,
                });
            };
            let s = scores.score(i, j);
            if s.to_bits() != score.to_bits() {
                return Err(Violation::ScoreMismatch {
                    eu: e.to_owned(),
                    partner: p.to_owned(),
                    reported: score,
                    actual: s,
                });
            }
            listed.push((i, j));
        }
        listed.sort_unstable();
        if let Some(&(i, j)) = locked.iter().find(|l| listed.binary_search(l).is_err()) {
            return Err(c.mismatch(i, j, false));
        }
        // The solution's unlocked pairs in a copy of the conditions: they keep the rules.
        let mut probe = c.clone();
        probe.pairs = listed
            .iter()
            .filter(|l| locked.binary_search(l).is_err())
            .map(|&(eu, partner)| DualPair {
                eu,
                partner,
                w: 0.0,
            })
            .collect();
        let (row_places, col_places) = probe.places()?;
        probe.check_pairs(scores, &row_places, &col_places)?;
        if probe.pairs.len() != self.pairs() {
            return Err(Violation::PairCount {
                pairs: probe.pairs.len(),
                most: self.pairs(),
            });
        }
        let lowest = probe
            .pairs
            .iter()
            .map(|p| (scores.score(p.eu, p.partner), p.eu, p.partner))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match lowest {
            Some((s, i, j)) if s.to_bits() != self.threshold.to_bits() => {
                Err(Violation::Threshold {
                    eu: c.eu[i].clone(),
                    partner: c.partners[j].clone(),
                    score: s,
                    threshold: self.threshold,
                })
            }
            None => Err(Violation::Threshold {
                eu: String::new(),
                partner: String::new(),
                score: f64::NAN,
                threshold: self.threshold,
            }),
            _ => Ok(()),
        }
    }
}

impl Certificate {
    /// [`Certificate::verify`], after checking that it is the certificate of a solution whose
    /// pairs are `pairs` (`(EU id, partner id, score)`, locked pairs included) and whose total
    /// is `total_score`: the scores are the matrix's, the total their sum, every locked pair is
    /// paired, and the unlocked pairs are exactly the certificate's.
    pub(crate) fn verify_solution<'p, S: Scores + ?Sized>(
        &self,
        pairs: impl Iterator<Item = (&'p str, &'p str, f64)>,
        total_score: f64,
        scores: &S,
    ) -> Result<(), Violation> {
        self.verify_solution_scanned(pairs, total_score, scores, None)
    }

    /// [`Certificate::verify_solution`], with the scan over every pair done by `scanner` when
    /// given (see [`Certificate::verify_scanned`]).
    pub(crate) fn verify_solution_scanned<'p, S: Scores + ?Sized>(
        &self,
        pairs: impl Iterator<Item = (&'p str, &'p str, f64)>,
        total_score: f64,
        scores: &S,
        scanner: Option<&RowScanner<'_>>,
    ) -> Result<(), Violation> {
        self.check_parts(scores)?;
        let eu = index_of(&self.eu);
        let partners = index_of(&self.partners);
        let mut listed: Vec<(usize, usize)> = Vec::new();
        let mut actual = 0.0;
        for (e, p, score) in pairs {
            let (Some(&i), Some(&j)) = (eu.get(e), partners.get(p)) else {
                return Err(Violation::PairingMismatch {
                    eu: e.to_owned(),
                    partner: p.to_owned(),
                    in_solution: true,
                });
            };
            let s = scores.score(i, j);
            if s.to_bits() != score.to_bits() {
                return Err(Violation::ScoreMismatch {
                    eu: e.to_owned(),
                    partner: p.to_owned(),
                    reported: score,
                    actual: s,
                });
            }
            actual += s;
            listed.push((i, j));
        }
        if !within(
            total_score - actual,
            TOTAL_TOLERANCE * actual.abs().max(1.0),
        ) {
            return Err(Violation::ReportedTotal {
                reported: total_score,
                actual,
            });
        }
        listed.sort_unstable();
        let mut locked = self.locked.clone();
        locked.sort_unstable();
        if let Some(&(i, j)) = locked.iter().find(|l| listed.binary_search(l).is_err()) {
            return Err(self.mismatch(i, j, false));
        }
        let unlocked: Vec<(usize, usize)> = listed
            .into_iter()
            .filter(|l| locked.binary_search(l).is_err())
            .collect();
        let mut certified: Vec<(usize, usize)> =
            self.pairs.iter().map(|p| (p.eu, p.partner)).collect();
        certified.sort_unstable();
        let (mut a, mut b) = (0, 0);
        while a < unlocked.len() || b < certified.len() {
            match (unlocked.get(a), certified.get(b)) {
                (Some(x), Some(y)) if x == y => {
                    a += 1;
                    b += 1;
                }
                (Some(&x), Some(&y)) if x < y => return Err(self.mismatch(x.0, x.1, true)),
                (Some(&x), None) => return Err(self.mismatch(x.0, x.1, true)),
                (_, Some(&y)) => return Err(self.mismatch(y.0, y.1, false)),
                (None, None) => unreachable!("the loop stops when both are done"),
            }
        }
        self.verify_scanned(scores, &|s| s, scanner)
    }

    fn mismatch(&self, i: usize, j: usize, in_solution: bool) -> Violation {
        Violation::PairingMismatch {
            eu: self.eu[i].clone(),
            partner: self.partners[j].clone(),
            in_solution,
        }
    }
}

/// `|x| <= tol`, false for NaN.
fn within(x: f64, tol: f64) -> bool {
    x.abs() <= tol
}

/// Maps ids to rows or columns (for checking a solution listed by ids).
fn index_of(ids: &[String]) -> HashMap<&str, usize> {
    ids.iter()
        .enumerate()
        .map(|(k, id)| (id.as_str(), k))
        .collect()
}

/// The JSON form (`pair --json`), written by hand so that ids are keys in the rows' order and
/// pairs name their cities.
#[cfg(feature = "serde")]
mod json {
    use serde::ser::{SerializeMap, SerializeStruct};
    use serde::{Serialize, Serializer};

    use super::{Certificate, MaxMinCertificate};
    use crate::eligibility::Side;

    /// A map of ids to numbers, in the given order.
    struct IdMap<'a, T>(&'a [String], &'a [T]);

    impl<T: Serialize> Serialize for IdMap<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (id, x) in self.0.iter().zip(self.1) {
                map.serialize_entry(id, x)?;
            }
            map.end()
        }
    }

    /// Pairs of indices as `[[EU id, partner id], ...]`.
    struct IdPairs<'a>(&'a Certificate, &'a [(usize, usize)]);

    impl Serialize for IdPairs<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let c = self.0;
            serializer.collect_seq(
                self.1
                    .iter()
                    .map(|&(i, j)| [c.eu[i].as_str(), c.partners[j].as_str()]),
            )
        }
    }

    /// The listed pairs as `[{"eu", "partner", "w"}, ...]`.
    struct Pairs<'a>(&'a Certificate);

    impl Serialize for Pairs<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            #[derive(Serialize)]
            struct Entry<'e> {
                eu: &'e str,
                partner: &'e str,
                w: f64,
            }
            let c = self.0;
            serializer.collect_seq(c.pairs.iter().map(|p| Entry {
                eu: &c.eu[p.eu],
                partner: &c.partners[p.partner],
                w: p.w,
            }))
        }
    }

    /// Capacities as `{"eu": {ID: c}, "partner": {ID: c}}`.
    struct Capacities<'a>(&'a Certificate);

    impl Serialize for Capacities<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let c = self.0;
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry("eu", &IdMap(&c.eu, &c.eu_capacity))?;
            map.serialize_entry("partner", &IdMap(&c.partners, &c.partner_capacity))?;
            map.end()
        }
    }

    /// The quotas with their members by id.
    struct Quotas<'a>(&'a Certificate);

    impl Serialize for Quotas<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            #[derive(Serialize)]
            struct Entry<'e> {
                number: usize,
                side: Side,
                members: Vec<&'e str>,
                min: usize,
                max: Option<usize>,
                y_max: f64,
                y_min: f64,
            }
            let c = self.0;
            serializer.collect_seq(c.quotas.iter().map(|q| {
                let ids = if q.side == Side::Eu {
                    &c.eu
                } else {
                    &c.partners
                };
                Entry {
                    number: q.number,
                    side: q.side,
                    members: q.members.iter().map(|&m| ids[m].as_str()).collect(),
                    min: q.min,
                    max: q.max,
                    y_max: q.y_max,
                    y_min: q.y_min,
                }
            }))
        }
    }

    impl Serialize for Certificate {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Certificate", 8)?;
            s.serialize_field("eu", &IdMap(&self.eu, &self.u))?;
            s.serialize_field("partner", &IdMap(&self.partners, &self.v))?;
            s.serialize_field("pairs", &Pairs(self))?;
            s.serialize_field("capacities", &Capacities(self))?;
            s.serialize_field("forbidden", &IdPairs(self, &self.forbidden))?;
            s.serialize_field("min_score", &self.min_score)?;
            s.serialize_field("locked", &IdPairs(self, &self.locked))?;
            s.serialize_field("quotas", &Quotas(self))?;
            s.end()
        }
    }

    impl Serialize for MaxMinCertificate {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("MaxMinCertificate", 4)?;
            s.serialize_field("threshold", &self.threshold)?;
            s.serialize_field("pairs", &self.pairs())?;
            s.serialize_field("most_pairs", &self.most_pairs)?;
            s.serialize_field("above", &self.above)?;
            s.end()
        }
    }
}
