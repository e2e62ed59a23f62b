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

use crate::eligibility::Side;
use crate::matrix::ScoreMatrix;

mod build;
#[cfg(feature = "serde")]
mod json;
mod maxmin;
pub(crate) mod screened;
mod verify;
mod violation;

pub use maxmin::MaxMinCertificate;
pub(crate) use verify::{Cover, RowScan, RowScanner};
pub use violation::{Bound, Dual, PairRule, Violation};

/// Relative tolerance of each condition: `1e-9 · max(1, max |s|)`.
pub const CONDITION_TOLERANCE: f64 = 1e-9;

/// Relative tolerance of the totals: `1e-7 · max(1, |total|)`.
pub const TOTAL_TOLERANCE: f64 = 1e-7;

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
