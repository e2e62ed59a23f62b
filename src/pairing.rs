//! The high-level entry point: from a [`Dataset`] to an explained, optimal [`Solution`].
//!
//! [`Pairing`] classifies the cities ([`crate::eligibility`]), scores every eligible EU city with
//! every eligible partner city ([`crate::scoring`], [`ScoreMatrix`]) and solves the pairing for
//! an [`Objective`]:
//!
//! - [`Objective::Sum`]: the largest total score (the Hungarian optimum), proved optimal by the
//!   solver's dual certificate;
//! - [`Objective::MaxMin`]: the largest lowest pair score, then the largest total;
//! - [`Objective::Stable`]: no EU city and partner city would both rather be paired together.
//!
//! # Modes
//! A [`Pairing`] is built in one of two modes, reported by [`Pairing::mode`] and in every
//! [`Solution::mode`] (`"mode": "dense" | "candidates"` in JSON):
//!
//! - **dense**: the full score matrix (`8 · E · P` bytes for `E` EU and `P` partner cities),
//!   which every objective, rule, capacity and what-if reads;
//! - **candidates** ([`crate::candidates`]): each city's `K` best counterparts in memory, the
//!   `sum` optimum certified against every pair, for calls of any size; objective `sum`, no
//!   programme rules, every capacity 1, the call's weighted model.
//!
//! [`PairingBuilder::dense`] and [`PairingBuilder::candidates`] force a mode. Without them the
//! mode is chosen by a fixed size budget, [`SIZE_BUDGET`] entries (the same on every machine):
//! dense up to it, candidate mode (with `K` = [`AUTO_CANDIDATES`]) above it when candidate
//! mode applies, and an [`Error::TooLarge`] naming the size, the budget and what candidate
//! mode cannot do otherwise ([`crate::error::DenseOnly`]). What only the dense mode does,
//! asked of a pairing in candidate mode ([`Pairing::matrix`], [`Pairing::assignment`],
//! objectives other than `sum`, what-ifs), is an [`Error::TooLarge`] when the mode was
//! chosen for the size and an [`Error::CandidateMode`] when it was asked for;
//! [`Pairing::score`] and [`Pairing::explain`] work in both. A dense matrix that cannot be
//! allocated is an [`Error::OutOfMemory`] naming its size, never an abort.
//!
//! A custom [`Scorer`] ([`PairingBuilder::scorer`]) is dense only: candidate mode's fast
//! screen mirrors the call's weighted model and cannot bound other scores.
//!
//! # Determinism
//! Cities are ordered by id before anything is computed, the matrix build is bit-identical in
//! parallel and in sequence, and every tie is broken by a fixed rule (lowest EU id, then lowest
//! partner id, in the solver's fixed order). The same input therefore gives the same solution,
//! whatever the order of the cities in the input and the number of threads.

use std::fmt;
use std::str::FromStr;
use std::time::Instant;

#[cfg(feature = "serde")]
use serde::Serialize;

use crate::candidates::CandidateOptions;
use crate::certificate::{Certificate, MaxMinCertificate, RowScanner, Scores, Violation};
use crate::eligibility::{classify, Eligibility, Exclusion, Side};
use crate::error::{Context, DenseOnly, Error, Location, NoPairs, Result, WhyUnknown};
use crate::fairness::{blocking_pairs, gini, group_figures, Fairness, Standing, WorstOff};
use crate::matrix::ScoreMatrix;
use crate::model::{Call, City, Country, Dataset};
use crate::rules::{self, Compiled};
use crate::scoring::{Explanation, Scorer, ThemeContribution, WeightedScorer};
use crate::solver::flow::{Lex, PairingDuals};
use crate::solver::{
    solve_bottleneck, solve_matrix, stable_pairing, Assignment, HallWitness, Sense,
};

pub(crate) mod candidates;
mod compare;
mod ranks;

pub use compare::ObjectiveSummary;
pub use ranks::PairRanks;

/// How many strongest themes each pair lists.
pub(crate) const SHARED_THEMES: usize = 3;

/// What a pairing optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Objective {
    /// The largest total score; among pairings with that total, one with the most pairs.
    #[default]
    Sum,
    /// Among pairings with as many pairs as possible, the one whose lowest pair score is
    /// highest; among those, the largest total.
    MaxMin,
    /// A stable pairing: no EU city and partner city would both rather be together. Built by
    /// pairing the highest-scoring remaining pair first, ties broken by the smaller EU id, then
    /// the smaller partner id (see [`Pairing::solve`]).
    Stable,
}

impl Objective {
    /// The objective's name in the CLI and JSON: `sum`, `maxmin` or `stable`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Objective::Sum => "sum",
            Objective::MaxMin => "maxmin",
            Objective::Stable => "stable",
        }
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Objective {
    type Err = Error;

    fn from_str(s: &str) -> Result<Objective> {
        match s {
            "sum" => Ok(Objective::Sum),
            "maxmin" => Ok(Objective::MaxMin),
            "stable" => Ok(Objective::Stable),
            other => Err(Error::invalid(
                Location::parameter("objective"),
                format!("\"{other}\" is not one of sum, maxmin, stable"),
            )),
        }
    }
}

/// A paired EU city and partner city.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Pair {
    /// EU city id.
    pub eu: String,
    /// Partner city id.
    pub partner: String,
    /// The pair's score, exactly as in the score matrix.
    pub score: f64,
    /// The strongest themes behind the score, strongest first.
    pub shared: Vec<ThemeContribution>,
}

/// An eligible city left without a partner, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Unmatched {
    /// The city's id.
    pub id: String,
    /// Its side.
    pub side: Side,
    /// Why it is not paired.
    pub reason: String,
}

/// A Hall violator proving that no pairing of as many pairs has a lowest score above the
/// `maxmin` threshold: using only pairs scoring strictly above it, the `lines` (cities of the
/// smaller side of the call, `side`, by id) can reach only the `reach` (cities of the other
/// side, by id), and there are fewer of those. The solver's [`HallWitness`] over ids; in JSON
/// `{"side": ..., "cities": [lines], "reachable": [reach]}`.
pub type MaxMinWitness = HallWitness<String, Side>;

#[cfg(feature = "serde")]
impl Serialize for MaxMinWitness {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("MaxMinWitness", 3)?;
        s.serialize_field("side", &self.side)?;
        s.serialize_field("cities", &self.lines)?;
        s.serialize_field("reachable", &self.reach)?;
        s.end()
    }
}

/// Wall-clock timings of one pairing run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Timings {
    /// Classifying and scoring (building the score matrix).
    pub score: f64,
    /// Solving the objective.
    pub solve: f64,
}

/// What a fair objective costs in total score against the `sum` optimum.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct PriceOfFairness {
    /// The total score of the `sum` optimum on the same call.
    pub sum_total: f64,
    /// `sum_total` minus this pairing's total (0 for the `sum` objective itself).
    pub loss: f64,
}

/// A solved pairing: pairs, unmatched and excluded cities, totals and fairness figures.
///
/// Its JSON form (via `serde`) is the output of `citypair pair --json`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Solution {
    /// The call's name.
    pub call: String,
    /// The objective solved.
    pub objective: Objective,
    /// How it was solved: with the dense score matrix, or in candidate mode (see
    /// [modes](self#modes)).
    pub mode: Mode,
    /// The pairs, ordered by EU id (then partner id).
    pub pairs: Vec<Pair>,
    /// Eligible cities without a partner, EU side first, each side by id.
    pub unmatched: Vec<Unmatched>,
    /// Cities excluded by the call's rules, by id.
    pub excluded: Vec<Exclusion>,
    /// Sum of the pair scores, added in the order of `pairs`.
    pub total_score: f64,
    /// The lowest pair score; `None` when there is no pair.
    pub min_score: Option<f64>,
    /// Fairness figures.
    pub fairness: Fairness,
    /// The `sum` optimum's total and what this objective gives up against it.
    pub price_of_fairness: PriceOfFairness,
    /// For `sum`: the outcome of checking [`Solution::certificate`] against the scores
    /// ([`Solution::verify`], `O(rows * cols)` over every pair); `false`, not an error, when
    /// the check fails. For `maxmin`: the outcome of checking its proof that no higher lowest
    /// score is feasible (without rules: every city of the smaller side paired, the lowest
    /// score the threshold, and the Hall `witness`; under rules: `maxmin_certificate`).
    /// `stable` reports whether it has zero blocking pairs.
    pub certified_optimal: bool,
    /// For `sum`: the LP dual that proves the total optimal, and the conditions it was
    /// computed under (see [`crate::certificate`]); `None` for `maxmin` and `stable`, whose
    /// claims are of another kind (`threshold` and `witness`, `blocking_pairs`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub certificate: Option<Certificate>,
    /// For `maxmin`: the optimal lowest score (the threshold); `None` otherwise.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub threshold: Option<f64>,
    /// For `maxmin` without rules: why no higher lowest score is possible; `None` otherwise,
    /// or when the threshold is already the best score of the matrix. Under rules (capacities,
    /// quotas, ...) a Hall violator is not enough: see `maxmin_certificate`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub witness: Option<MaxMinWitness>,
    /// For `maxmin` under rules: the proof of the threshold, two certificates of pair counts
    /// (see [`crate::certificate#maxmin-under-rules`]); `None` otherwise, and when no unlocked
    /// pair can be formed at all.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub maxmin_certificate: Option<MaxMinCertificate>,
    /// Timings (not deterministic; everything else is).
    pub timings_ms: Timings,
}

impl Solution {
    /// How the solution was computed: with the dense score matrix, or in candidate mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// [`Solution::certify`] with the scan over every pair done by `scanner` (candidate mode's
    /// screened check) when given.
    pub(crate) fn certify_scanned<S: Scores + ?Sized>(
        &mut self,
        scores: &S,
        scanner: Option<&RowScanner<'_>>,
    ) -> std::result::Result<(), Violation> {
        let outcome = match &self.certificate {
            None => Err(Violation::Missing),
            Some(certificate) => certificate.verify_solution_scanned(
                self.pairs
                    .iter()
                    .map(|p| (p.eu.as_str(), p.partner.as_str(), p.score)),
                self.total_score,
                scores,
                scanner,
            ),
        };
        if self.certificate.is_some() {
            self.certified_optimal = outcome.is_ok();
        }
        outcome
    }

    /// The certificate of a `sum` result; `None` for `maxmin` and `stable`.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }

    /// The proof of a `maxmin` result under rules; `None` otherwise.
    pub fn maxmin_certificate(&self) -> Option<&MaxMinCertificate> {
        self.maxmin_certificate.as_ref()
    }

    /// Checks that the certificate proves this solution optimal: its pairs' scores are
    /// `scores`' (bit for bit), `total_score` is their sum, every locked pair is paired, the
    /// certificate lists exactly the unlocked pairs, and [`Certificate::verify`] passes.
    /// `scores` are those of [`Pairing::matrix`] (or, for a call too large for one, any
    /// [`Scores`] that computes the same values).
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use citypair::{io, Objective, Pairing};
    /// use citypair::certificate::Violation;
    ///
    /// let dataset = io::embedded_dataset()?;
    /// let pairing = Pairing::new(&dataset)?;
    /// let mut best = pairing.solve(Objective::Sum)?;
    /// assert!(best.verify(pairing.matrix()?).is_ok());
    ///
    /// // Drop a pair: the certificate no longer matches, and certifying again says so.
    /// let dropped = best.pairs.pop().expect("the call has pairs");
    /// best.total_score -= dropped.score;
    /// assert!(matches!(best.certify(pairing.matrix()?), Err(Violation::PairingMismatch { .. })));
    /// assert!(!best.certified_optimal);
    /// # }
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// # Errors
    /// The first [`Violation`]; [`Violation::Missing`] without a certificate.
    pub fn verify<S: Scores + ?Sized>(&self, scores: &S) -> std::result::Result<(), Violation> {
        let Some(certificate) = &self.certificate else {
            return Err(Violation::Missing);
        };
        certificate.verify_solution(
            self.pairs
                .iter()
                .map(|p| (p.eu.as_str(), p.partner.as_str(), p.score)),
            self.total_score,
            scores,
        )
    }

    /// [`Solution::verify`], recording the outcome in `certified_optimal` when the solution has
    /// a certificate (this is how every `sum` result gets its flag).
    ///
    /// # Errors
    /// As [`Solution::verify`].
    pub fn certify<S: Scores + ?Sized>(
        &mut self,
        scores: &S,
    ) -> std::result::Result<(), Violation> {
        let outcome = self.verify(scores);
        if self.certificate.is_some() {
            self.certified_optimal = outcome.is_ok();
        }
        outcome
    }

    /// The partner of an EU city, if it is paired.
    pub fn partner_of(&self, eu: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|p| p.eu == eu)
            .map(|p| p.partner.as_str())
    }

    /// The EU city paired with a partner city, if any.
    pub fn eu_of(&self, partner: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|p| p.partner == partner)
            .map(|p| p.eu.as_str())
    }
}

/// A call's eligible cities and their score matrix, ready to be solved for any [`Objective`].
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use citypair::{io, Objective, Pairing};
///
/// let dataset = io::embedded_dataset()?;
/// let pairing = Pairing::new(&dataset)?;
/// let best = pairing.solve(Objective::Sum)?;
/// let fair = pairing.solve(Objective::MaxMin)?;
/// assert!(best.total_score >= fair.total_score);
/// assert!(fair.min_score >= best.min_score);
/// assert!(best.certified_optimal);
/// # }
/// # Ok::<(), citypair::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Pairing<'a> {
    dataset: &'a Dataset,
    eligibility: Eligibility,
    /// The call's weighted model: the scores (unless `custom`), the shared themes and the
    /// explanations.
    scorer: WeightedScorer,
    /// The dense score matrix; empty (`0 x 0`) in candidate mode, where nothing reads it.
    matrix: ScoreMatrix,
    rules: Compiled,
    score_ms: f64,
    /// The scorer given to the builder, if any.
    custom: Option<CustomScorer>,
    engine: Engine,
}

/// The size budget of automatic mode, in entries of the dense score matrix (`E · P` for `E`
/// eligible EU and `P` eligible partner cities): above it, a pairing built without
/// [`PairingBuilder::dense`] or [`PairingBuilder::candidates`] uses candidate mode when
/// candidate mode supports the call (and is an [`Error::TooLarge`] when it does not). A
/// constant, so that every machine makes the same choice for the same call.
///
/// 16,000,000 entries: 4,000 x 4,000 cities, a 128 MB matrix. Chosen from measurements on
/// this project's 2-core machine (generated calls `citypair generate --eu N --partners N
/// --seed 1`, `pair --json`, wall time of the whole run, best of three; see the README's
/// "Size budget"): candidate mode is faster at every size (0.11 against 0.17 s at 2,000 a
/// side, 0.49 against 1.03 s at 4,000, 0.72 against 1.88 s at 5,000, 2.5 against 11.8 s at
/// 10,000), but the dense mode does everything (every objective, rules, capacities, what-ifs,
/// custom scorers). The budget keeps all of that for calls whose dense run stays within about a
/// second and 160 MB, and hands larger ones, where the dense cost grows fastest (8 bytes and
/// `O(n)` solver work per pair), to candidate mode.
pub const SIZE_BUDGET: usize = 16_000_000;

/// `K` of automatic candidate mode: each city's 32 best counterparts. Any `K` gives the same,
/// certified optimum; measured (as for [`SIZE_BUDGET`]) at 5,000 and 10,000 a side, `K` = 8,
/// 16 and 32 are within 5% of each other and 64 about 15% slower; 32 keeps the candidate set
/// small (`32 (E + P)` pairs at most) with room for harder calls.
pub const AUTO_CANDIDATES: usize = 32;

/// How a [`Solution`] was computed (its `"mode"` in JSON: `"dense"` or `"candidates"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Mode {
    /// With the dense score matrix: every objective, rule and what-if.
    #[default]
    Dense,
    /// In candidate mode ([`crate::candidates`]): each city's `K` best counterparts in memory,
    /// the optimum certified against every pair; objective `sum` without programme rules or
    /// capacities.
    Candidates,
}

impl Mode {
    /// The mode's name in JSON: `dense` or `candidates`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Dense => "dense",
            Mode::Candidates => "candidates",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scorer given to [`PairingBuilder::scorer`].
#[derive(Clone)]
struct CustomScorer(std::sync::Arc<dyn Scorer + Send>);

impl fmt::Debug for CustomScorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustomScorer(..)")
    }
}

/// The mode a builder asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Requested {
    /// Dense up to the budget, candidate mode above it.
    Auto,
    Dense,
    Candidates(usize),
}

/// The mode a pairing was built in.
#[derive(Debug, Clone, Copy)]
enum Engine {
    Dense,
    Candidates {
        k: usize,
        options: CandidateOptions,
        /// The budget exceeded, when the mode was chosen automatically.
        automatic: Option<usize>,
    },
}

/// Builds a [`Pairing`] with options; see [`Pairing::builder`].
///
/// ```
/// use citypair::pairing::Mode;
/// use citypair::{synthetic, Objective, Pairing};
///
/// let call = synthetic::call(300, 200, 7);
/// // Forced candidate mode: each city keeps its 8 best counterparts.
/// let sparse = Pairing::builder(&call).candidates(8).build()?.solve(Objective::Sum)?;
/// assert_eq!(sparse.mode, Mode::Candidates);
/// // The dense matrix, and the same certified optimum.
/// let dense = Pairing::builder(&call).dense().build()?.solve(Objective::Sum)?;
/// assert_eq!(dense.mode, Mode::Dense);
/// assert!(sparse.certified_optimal && dense.certified_optimal);
/// assert!((sparse.total_score - dense.total_score).abs() <= 1e-9 * dense.total_score);
/// // A scorer of your own (dense mode): here, challenge profiles alone.
/// let cosine = |a: &citypair::City, b: &citypair::City| {
///     let (x, y) = (a.challenges().values(), b.challenges().values());
///     let dot: f64 = x.iter().zip(y).map(|(p, q)| p * q).sum();
///     let norm = |v: &[f64]| v.iter().map(|p| p * p).sum::<f64>().sqrt();
///     if dot == 0.0 { 0.0 } else { (dot / (norm(x) * norm(y))).clamp(0.0, 1.0) }
/// };
/// let own = Pairing::builder(&call).scorer(cosine).build()?.solve(Objective::Sum)?;
/// assert!(own.certified_optimal);
/// # Ok::<(), citypair::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PairingBuilder<'a> {
    dataset: &'a Dataset,
    parallel: bool,
    scorer: Option<CustomScorer>,
    mode: Requested,
    budget: usize,
    candidate_options: CandidateOptions,
}

impl<'a> PairingBuilder<'a> {
    /// Whether to build the score matrix (and, in candidate mode, scan the pairs) in parallel
    /// with rayon (default `true`; without the `rayon` feature everything is sequential). The
    /// result is bit-identical either way. Run inside `pool.install(..)` to choose the thread
    /// pool.
    #[must_use]
    pub fn parallel(mut self, yes: bool) -> Self {
        self.parallel = yes;
        self
    }

    /// Scores every pair with `scorer` instead of the call's weighted model (its `weights`).
    ///
    /// The pairing is then dense: candidate mode's fast screen mirrors the weighted model and
    /// cannot bound other scores, so [`PairingBuilder::candidates`] is an
    /// [`Error::CandidateMode`] and a call above the size budget an [`Error::TooLarge`]
    /// ([`DenseOnly::Scorer`]). A custom scorer gives scores only: pairs list no shared themes,
    /// and [`Pairing::explain`] is an [`Error::CustomScorer`]. Scores must lie in `[0, 1]`
    /// (the [`Scorer`] contract) and not be NaN. The scorer is `'static` (it owns what it reads,
    /// or shares it through an `Arc`), so that a [`Pairing`] borrows nothing but its dataset.
    #[must_use]
    pub fn scorer(mut self, scorer: impl Scorer + Send + 'static) -> Self {
        self.scorer = Some(CustomScorer(std::sync::Arc::new(scorer)));
        self
    }

    /// Candidate mode, whatever the size: each city keeps its `k` best counterparts in memory
    /// instead of the dense score matrix, and the `sum` optimum is still certified against
    /// every pair (see [`crate::candidates`]). It applies to the objective `sum` of a call
    /// without programme rules or capacities, scored by the call's weighted model;
    /// [`PairingBuilder::build`] refuses any other call. `k` must be at least 1 (checked when
    /// solving).
    #[must_use]
    pub fn candidates(mut self, k: usize) -> Self {
        self.mode = Requested::Candidates(k);
        self
    }

    /// The dense score matrix, whatever its size (an [`Error::OutOfMemory`] naming the size
    /// when it cannot be allocated).
    #[must_use]
    pub fn dense(mut self) -> Self {
        self.mode = Requested::Dense;
        self
    }

    /// The size budget of automatic mode (neither [`PairingBuilder::dense`] nor
    /// [`PairingBuilder::candidates`]), in entries of the dense score matrix; default
    /// [`SIZE_BUDGET`]. For tests and for tools with other memory limits.
    #[must_use]
    pub fn size_budget(mut self, entries: usize) -> Self {
        self.budget = entries;
        self
    }

    /// The options of candidate mode (default [`CandidateOptions::default`]); its scans are
    /// parallel when both these options and [`PairingBuilder::parallel`] ask for it.
    #[must_use]
    pub fn candidate_options(mut self, options: CandidateOptions) -> Self {
        self.candidate_options = options;
        self
    }

    /// Classifies the cities, chooses the mode and builds the score matrix (in dense mode).
    ///
    /// The mode: [`PairingBuilder::dense`] or [`PairingBuilder::candidates`] if asked for;
    /// otherwise dense when the matrix has at most the size budget's entries
    /// ([`SIZE_BUDGET`]), and candidate mode (with `K` = [`AUTO_CANDIDATES`]) above it.
    ///
    /// The dataset is valid by construction ([`Dataset::new`]: unique ids, checked cities and
    /// call), so what is left to check here is what needs the eligible cities.
    ///
    /// # Errors
    /// [`Error::Invalid`] for invalid scoring weights; errors of [`crate::model::Rules::compile`]
    /// for rules that cannot be meant; [`Error::NoPairs`] when a side has no eligible city;
    /// [`Error::CandidateMode`] when candidate mode is asked for a call it does not apply to
    /// (programme rules, a capacity other than 1, a custom scorer); [`Error::TooLarge`] when
    /// the mode is automatic, the matrix would exceed the budget and candidate mode does not
    /// apply; [`Error::OutOfMemory`] when the dense matrix cannot be allocated.
    pub fn build(self) -> Result<Pairing<'a>> {
        let start = Instant::now();
        let dataset = self.dataset;
        let scorer = WeightedScorer::new(dataset.call().weights());
        let eligibility = eligible(dataset)?;
        let eu: Vec<&City> = eligibility
            .eu
            .iter()
            .map(|&i| &dataset.cities()[i])
            .collect();
        let partners: Vec<&City> = eligibility
            .partners
            .iter()
            .map(|&i| &dataset.cities()[i])
            .collect();
        let rules = dataset
            .call()
            .rules()
            .compile(dataset.call(), &eu, &partners)?;
        let engine = self.engine(&eu, &partners)?;
        let matrix = match (engine, &self.scorer) {
            (Engine::Candidates { .. }, _) => ScoreMatrix::default(),
            (Engine::Dense, None) => ScoreMatrix::build(&eu, &partners, &scorer, self.parallel)?,
            (Engine::Dense, Some(custom)) => {
                ScoreMatrix::build_with(&eu, &partners, &*custom.0, self.parallel)?
            }
        };
        Ok(Pairing {
            dataset,
            eligibility,
            scorer,
            matrix,
            rules,
            score_ms: start.elapsed().as_secs_f64() * 1e3,
            custom: self.scorer,
            engine,
        })
    }

    /// The mode for these eligible cities (see [`PairingBuilder::build`]).
    fn engine(&self, eu: &[&City], partners: &[&City]) -> Result<Engine> {
        let mut options = self.candidate_options;
        options.parallel &= self.parallel;
        let (rows, cols) = (eu.len(), partners.len());
        match self.mode {
            Requested::Dense => Ok(Engine::Dense),
            Requested::Candidates(k) => match self.candidates_blocked(eu, partners) {
                Some(reason) => Err(Error::CandidateMode { reason }),
                None => Ok(Engine::Candidates {
                    k,
                    options,
                    automatic: None,
                }),
            },
            Requested::Auto if rows as u128 * cols as u128 <= self.budget as u128 => {
                Ok(Engine::Dense)
            }
            Requested::Auto => match self.candidates_blocked(eu, partners) {
                Some(needs) => Err(Error::TooLarge {
                    rows,
                    cols,
                    budget: self.budget,
                    needs,
                }),
                None => Ok(Engine::Candidates {
                    k: AUTO_CANDIDATES,
                    options,
                    automatic: Some(self.budget),
                }),
            },
        }
    }

    /// Why candidate mode cannot pair this call, if it cannot: programme rules, a capacity
    /// other than 1 (the first such eligible city, by side then id), a custom scorer.
    fn candidates_blocked(&self, eu: &[&City], partners: &[&City]) -> Option<DenseOnly> {
        if !self.dataset.call().rules().is_empty() {
            return Some(DenseOnly::Rules);
        }
        if let Some(c) = eu.iter().chain(partners).find(|c| c.capacity() != 1) {
            return Some(DenseOnly::Capacity {
                id: c.id().to_owned(),
                capacity: c.capacity(),
            });
        }
        self.scorer.as_ref().map(|_| DenseOnly::Scorer)
    }
}

/// Classifies the cities of a call; [`Error::NoPairs`] when a side has no eligible city.
pub(crate) fn eligible(dataset: &Dataset) -> Result<Eligibility> {
    let eligibility = classify(dataset);
    let (ne, np) = (eligibility.eu.len(), eligibility.partners.len());
    if ne == 0 || np == 0 {
        let excluded = eligibility.excluded.len();
        let reason = match (ne, np) {
            (0, 0) => NoPairs::NoEligibleCity {
                cities: dataset.cities().len(),
                excluded,
            },
            (0, _) => NoPairs::NoEuCity {
                partners: np,
                excluded,
            },
            _ => NoPairs::NoPartnerCity {
                partner_countries: dataset.call().partner_countries().to_vec(),
                eu: ne,
                excluded,
            },
        };
        return Err(Error::NoPairs { reason });
    }
    Ok(eligibility)
}

/// A [`Solution`] from its pairs `(row, col, score)` (sorted) and blocking-pair count: pairs with
/// their themes, totals and fairness figures. The caller fills in `unmatched`, `excluded`,
/// the price of fairness, the certificate, the threshold and the timings.
pub(crate) fn assemble(
    call: &Call,
    scorer: &WeightedScorer,
    (eu, partners): (&[&City], &[&City]),
    objective: Objective,
    pairs: &[(usize, usize, f64)],
    blocking: usize,
) -> Solution {
    let mut row_scores: Vec<Vec<f64>> = vec![Vec::new(); eu.len()];
    let mut col_scores: Vec<Vec<f64>> = vec![Vec::new(); partners.len()];
    for &(i, j, s) in pairs {
        row_scores[i].push(s);
        col_scores[j].push(s);
    }
    let listed: Vec<Pair> = pairs
        .iter()
        .map(|&(i, j, score)| Pair {
            eu: eu[i].id().to_owned(),
            partner: partners[j].id().to_owned(),
            score,
            shared: scorer.shared_themes(eu[i], partners[j], SHARED_THEMES),
        })
        .collect();
    let pair_scores: Vec<f64> = listed.iter().map(|p| p.score).collect();
    let total_score: f64 = pair_scores.iter().sum();
    let min_score = pair_scores.iter().copied().reduce(f64::min);
    // Worst off: lowest score, ties by EU id then partner id (pairs are in that order).
    let worst_off = listed
        .iter()
        .fold(None::<&Pair>, |w, p| match w {
            Some(w) if w.score <= p.score => Some(w),
            _ => Some(p),
        })
        .map(|p| WorstOff {
            eu: p.eu.clone(),
            partner: p.partner.clone(),
            score: p.score,
        });
    let n = listed.len();
    let eu_countries: Vec<Country> = eu.iter().map(|c| c.country()).collect();
    let partner_countries: Vec<Country> = partners.iter().map(|c| c.country()).collect();
    let mut by_country = group_figures(
        "eu",
        eu_countries
            .iter()
            .zip(&row_scores)
            .map(|(country, s)| (country.as_str(), s.as_slice())),
        &[],
    );
    by_country.extend(group_figures(
        "partner",
        partner_countries
            .iter()
            .zip(&col_scores)
            .map(|(country, s)| (country.as_str(), s.as_slice())),
        &[],
    ));
    let regions = call.regions();
    let order: Vec<&str> = regions.names().collect();
    let by_region = group_figures(
        "partner",
        partners
            .iter()
            .zip(&col_scores)
            .map(|(city, s)| (regions.region_of(city.country().as_str()), s.as_slice())),
        &order,
    );
    Solution {
        call: call.name().to_owned(),
        objective,
        mode: Mode::Dense,
        pairs: listed,
        unmatched: Vec::new(),
        excluded: Vec::new(),
        total_score,
        min_score,
        fairness: Fairness {
            min_score,
            mean_score: if n == 0 { 0.0 } else { total_score / n as f64 },
            gini: gini(&pair_scores),
            blocking_pairs: blocking,
            worst_off,
            by_country,
            by_region,
        },
        price_of_fairness: PriceOfFairness {
            sum_total: total_score,
            loss: 0.0,
        },
        certified_optimal: false,
        certificate: None,
        threshold: None,
        witness: None,
        maxmin_certificate: None,
        timings_ms: Timings {
            score: 0.0,
            solve: 0.0,
        },
    }
}

/// Why an eligible city is unpaired when the call has no rules: the two sides' sizes, the
/// objective's reason, and its best counterpart (`id`, score, the city holding it).
pub(crate) fn plain_reason(
    objective: Objective,
    side: Side,
    (ne, np): (usize, usize),
    best: Option<(&str, f64, Option<&str>)>,
) -> String {
    let (mine, other, mine_name, other_name) = match side {
        Side::Eu => (ne, np, "EU", "partner"),
        Side::Partner => (np, ne, "partner", "EU"),
    };
    let capacity = format!(
        "{other} {other_name} cities for {mine} eligible {mine_name} cities, so {} stay unpaired",
        mine - other.min(mine)
    );
    format!(
        "{capacity}; {}{}",
        objective_reason(objective),
        best_tail(best)
    )
}

/// What an objective says of an unpaired city.
fn objective_reason(objective: Objective) -> &'static str {
    match objective {
        Objective::Sum => "no pairing that includes it has a higher total score",
        Objective::MaxMin => {
            "no pairing that includes it has a higher lowest score or, with the same lowest \
             score, a higher total"
        }
        Objective::Stable => {
            "every counterpart it scores with is paired at an equal or higher score"
        }
    }
}

/// `; its best counterpart, X (score s), is paired with Y`, when it is paired.
fn best_tail(best: Option<(&str, f64, Option<&str>)>) -> String {
    match best {
        Some((id, s, Some(holder))) => {
            format!("; its best counterpart, {id} (score {s:.3}), is paired with {holder}")
        }
        _ => String::new(),
    }
}

impl<'a> Pairing<'a> {
    /// A builder with default options: the call's weighted model, automatic mode (dense up to
    /// [`SIZE_BUDGET`] entries, candidate mode above it where it applies), parallel work.
    pub fn builder(dataset: &'a Dataset) -> PairingBuilder<'a> {
        PairingBuilder {
            dataset,
            parallel: true,
            scorer: None,
            mode: Requested::Auto,
            budget: SIZE_BUDGET,
            candidate_options: CandidateOptions::default(),
        }
    }

    /// Classifies and scores with default options; see [`PairingBuilder::build`].
    ///
    /// # Errors
    /// As [`PairingBuilder::build`].
    pub fn new(dataset: &'a Dataset) -> Result<Pairing<'a>> {
        Pairing::builder(dataset).build()
    }

    /// The mode the pairing was built in.
    pub fn mode(&self) -> Mode {
        match self.engine {
            Engine::Dense => Mode::Dense,
            Engine::Candidates { .. } => Mode::Candidates,
        }
    }

    /// `K` of candidate mode (each city's `K` best counterparts); `None` in dense mode.
    pub fn candidate_k(&self) -> Option<usize> {
        match self.engine {
            Engine::Dense => None,
            Engine::Candidates { k, .. } => Some(k),
        }
    }

    /// The error for something only the dense mode does: [`Error::TooLarge`] when candidate
    /// mode was chosen for the size, [`Error::CandidateMode`] when it was asked for.
    fn dense_only(&self, reason: DenseOnly) -> Error {
        match self.engine {
            Engine::Candidates {
                automatic: Some(budget),
                ..
            } => Error::TooLarge {
                rows: self.eligibility.eu.len(),
                cols: self.eligibility.partners.len(),
                budget,
                needs: reason,
            },
            _ => Error::CandidateMode { reason },
        }
    }

    /// The dense score matrix, or the error of [`Pairing::matrix`] for `what` needs it.
    pub(crate) fn dense(&self, what: &'static str) -> Result<&ScoreMatrix> {
        match self.engine {
            Engine::Dense => Ok(&self.matrix),
            Engine::Candidates { .. } => Err(self.dense_only(DenseOnly::Matrix(what))),
        }
    }

    /// The dense score matrix, for the crate's code that runs only on a dense pairing (the
    /// what-ifs, once [`crate::whatif::Planner::new`] has checked the mode).
    pub(crate) fn dense_matrix(&self) -> &ScoreMatrix {
        &self.matrix
    }

    /// The eligible EU cities, by id: the rows of [`Pairing::matrix`].
    pub fn eu_cities(&self) -> impl ExactSizeIterator<Item = &'a City> + '_ {
        self.eligibility
            .eu
            .iter()
            .map(|&i| &self.dataset.cities()[i])
    }

    /// The eligible partner cities, by id: the columns of [`Pairing::matrix`].
    pub fn partner_cities(&self) -> impl ExactSizeIterator<Item = &'a City> + '_ {
        self.eligibility
            .partners
            .iter()
            .map(|&i| &self.dataset.cities()[i])
    }

    /// The score matrix: rows are EU cities, columns partner cities, both ordered by id.
    ///
    /// # Errors
    /// In candidate mode, which never builds it: [`Error::TooLarge`] when the mode was chosen
    /// for the size, [`Error::CandidateMode`] when it was asked for (both
    /// [`DenseOnly::Matrix`]).
    pub fn matrix(&self) -> Result<&ScoreMatrix> {
        self.dense("reading the score matrix")
    }

    /// The dataset being paired: the call and every city, eligible or not, in input order.
    pub fn dataset(&self) -> &'a Dataset {
        self.dataset
    }

    /// The call being paired.
    pub fn call(&self) -> &'a Call {
        self.dataset.call()
    }

    /// The excluded cities and why, by id.
    pub fn excluded(&self) -> &[Exclusion] {
        &self.eligibility.excluded
    }

    /// The call's rules, resolved to rows and columns of [`Pairing::matrix`].
    pub fn rules(&self) -> &Compiled {
        &self.rules
    }

    /// The call's weighted model (its weights): the scores, unless a custom scorer was given
    /// to [`PairingBuilder::scorer`], and the shared themes and explanations.
    pub fn scorer(&self) -> &WeightedScorer {
        &self.scorer
    }

    /// Whether the scores come from a custom scorer ([`PairingBuilder::scorer`]).
    pub fn has_custom_scorer(&self) -> bool {
        self.custom.is_some()
    }

    /// Row of an eligible EU city and column of an eligible partner city.
    fn position(&self, eu: &str, partner: &str, context: &Context) -> Result<(usize, usize)> {
        let cities = self.dataset.cities();
        let find = |side: &[usize], id: &str, expected: Side| {
            side.binary_search_by(|&k| cities[k].id().cmp(id))
                .map_err(|_| {
                    let why = match self.eligibility.excluded.iter().find(|e| e.id == id) {
                        Some(e) => WhyUnknown::Excluded {
                            reason: e.reason.clone(),
                        },
                        None if cities.iter().any(|c| c.id() == id) => {
                            WhyUnknown::WrongSide { expected }
                        }
                        None => WhyUnknown::NoSuchCity,
                    };
                    Error::unknown_city(id, context.clone(), why)
                })
        };
        Ok((
            find(&self.eligibility.eu, eu, Side::Eu)?,
            find(&self.eligibility.partners, partner, Side::Partner)?,
        ))
    }

    /// The score of one pair, exactly the value every objective uses.
    ///
    /// # Errors
    /// [`Error::UnknownCity`] when either id is not an eligible city of its side.
    ///
    /// In candidate mode the score is computed on the spot, by the same function.
    pub fn score(&self, eu: &str, partner: &str) -> Result<f64> {
        let (i, j) = self.position(eu, partner, &Context::Score)?;
        Ok(match self.engine {
            Engine::Dense => self.matrix.get(i, j),
            Engine::Candidates { .. } => self.scorer.score(
                &self.dataset.cities()[self.eligibility.eu[i]],
                &self.dataset.cities()[self.eligibility.partners[j]],
            ),
        })
    }

    /// How one pair's score was made up, term by term. Its `score` equals
    /// [`Pairing::score`] to the last bit. In both modes (it reads the two cities only).
    ///
    /// # Errors
    /// [`Error::UnknownCity`] when either id is not an eligible city of its side;
    /// [`Error::CustomScorer`] when the pairing is scored by a custom scorer, which gives
    /// scores only.
    pub fn explain(&self, eu: &str, partner: &str) -> Result<Explanation> {
        if self.custom.is_some() {
            return Err(Error::CustomScorer {
                what: "explaining a score",
            });
        }
        let (i, j) = self.position(eu, partner, &Context::Explain)?;
        let e = self.eligibility.eu[i];
        let p = self.eligibility.partners[j];
        Ok(self
            .scorer
            .explain(&self.dataset.cities()[e], &self.dataset.cities()[p]))
    }

    /// The `sum` optimum as the solver's [`Assignment`], with its dual potentials (the
    /// certificate): rows are [`Pairing::eu_cities`], columns [`Pairing::partner_cities`], and
    /// `verify` on [`Pairing::matrix`] checks optimality in `O(rows * cols)`.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use citypair::{io, Pairing};
    /// let dataset = io::embedded_dataset()?;
    /// let pairing = Pairing::new(&dataset)?;
    /// let best = pairing.assignment()?;
    /// best.verify(pairing.matrix()?.as_slice())?;
    /// assert_eq!(best.len(), pairing.partner_cities().len());
    /// # }
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// # Errors
    /// In candidate mode, the error of [`Pairing::matrix`]; solver errors (none occur on a
    /// valid pairing, where every pair is allowed).
    pub fn assignment(&self) -> Result<Assignment<f64>> {
        solve_matrix(
            self.dense("the solver's dense assignment")?,
            Sense::Maximize,
        )
    }

    /// Solves the pairing for `objective`.
    ///
    /// - `Sum`: the solver's exact maximum-total assignment of the smaller side, checked by its
    ///   dual certificate.
    /// - `MaxMin`: [`solve_bottleneck`] on the scores: threshold search with Hopcroft-Karp, then
    ///   the best total among pairings whose lowest score reaches the threshold.
    /// - `Stable`: [`stable_pairing`]: the pairing that takes pairs greedily, highest score
    ///   first, ties by smaller EU id then smaller partner id, each city at most once. This is
    ///   stable: if `(e, p)` blocked, both would be unpaired or paired at a strictly lower
    ///   score, so `(e, p)` came earlier in the order while both were free, and the greedy pass
    ///   would have taken it. It is the unique stable pairing under the tie rule (the first pair
    ///   taken is in every stable pairing; induct on the rest), and it is invariant under
    ///   strictly increasing transforms of the scores, since it uses only their order. It is
    ///   computed by deferred acceptance, which finds the same pairing without sorting every
    ///   pair.
    ///
    /// In candidate mode (see [modes](self#modes)) only `Sum` is solved, by
    /// [`crate::candidates`]: the same certified optimum, with [`Solution::mode`]
    /// [`Mode::Candidates`].
    ///
    /// # Errors
    /// [`Error::Infeasible`] cannot occur without rules (every pair is allowed); errors from the
    /// solver are passed on. In candidate mode, an objective other than `Sum` is an
    /// [`Error::TooLarge`] (mode chosen for the size) or [`Error::CandidateMode`] (mode asked
    /// for), both [`DenseOnly::Objective`]; errors of [`crate::candidates::solve`].
    pub fn solve(&self, objective: Objective) -> Result<Solution> {
        let start = Instant::now();
        if let Engine::Candidates { k, options, .. } = self.engine {
            if objective != Objective::Sum {
                return Err(self.dense_only(DenseOnly::Objective(objective)));
            }
            let eu: Vec<&City> = self.eu_cities().collect();
            let partners: Vec<&City> = self.partner_cities().collect();
            let mut solution = candidates::pair_sides(
                self.dataset.call(),
                (&eu, &partners),
                &self.eligibility.excluded,
                &self.scorer,
                k,
                &options,
            )?;
            solution.timings_ms.score += self.score_ms;
            return Ok(solution);
        }
        let mut solution = self.solve_dense(objective, start)?;
        if self.custom.is_some() {
            // A custom scorer explains nothing: no shared themes.
            for pair in &mut solution.pairs {
                pair.shared.clear();
            }
        }
        Ok(solution)
    }

    /// [`Pairing::solve`] in dense mode.
    fn solve_dense(&self, objective: Objective, start: Instant) -> Result<Solution> {
        if self.rules.is_active() {
            return self.solve_with_rules(objective, start);
        }
        let (r, c) = (self.matrix.rows(), self.matrix.cols());
        let scores = self.matrix.as_slice();
        let sum = self.assignment()?;
        let sum_pairs: Vec<(usize, usize)> = sum.pairs().collect();
        let mut witness = None;
        let (pairs, certified, threshold) = match objective {
            Objective::Sum => (sum_pairs.clone(), false, None),
            Objective::MaxMin => {
                let b = solve_bottleneck(scores, r, c, Sense::Maximize)?;
                let pairs: Vec<(usize, usize)> = b.assignment.pairs().collect();
                let proved = self.maxmin_proved(&pairs, b.threshold, b.witness.as_ref());
                witness = b.witness.map(|w| {
                    let eu: Vec<&City> = self.eu_cities().collect();
                    let partners: Vec<&City> = self.partner_cities().collect();
                    let id = |side: &[&City], k: usize| side[k].id().to_owned();
                    if r <= c {
                        w.to_ids(Side::Eu, |k| id(&eu, k), |k| id(&partners, k))
                    } else {
                        w.to_ids(Side::Partner, |k| id(&partners, k), |k| id(&eu, k))
                    }
                });
                (pairs, proved, b.threshold)
            }
            Objective::Stable => {
                let rows = stable_pairing(scores, r, c)?;
                let pairs = rows
                    .iter()
                    .enumerate()
                    .filter_map(|(i, m)| m.map(|j| (i, j)))
                    .collect();
                (pairs, true, None)
            }
        };
        let sum_total = self.total(&sum_pairs);
        let mut solution =
            self.solution_for(objective, &pairs, certified, threshold, sum_total, 0.0);
        solution.witness = witness;
        if objective == Objective::Sum {
            let assigned: Vec<(usize, usize, f64)> = sum_pairs
                .iter()
                .map(|&(i, j)| (i, j, self.matrix.get(i, j)))
                .collect();
            solution.certificate = Some(Certificate::from_assignment(
                self.ids(),
                &self.rules,
                (sum.row_potentials(), sum.col_potentials()),
                &assigned,
            ));
            // The outcome is recorded in `certified_optimal`.
            let _ = solution.certify(&self.matrix);
        }
        solution.timings_ms.solve = start.elapsed().as_secs_f64() * 1e3;
        Ok(solution)
    }

    /// The eligible cities' ids: rows, then columns.
    fn ids(&self) -> (Vec<String>, Vec<String>) {
        (
            self.eu_cities().map(|c| c.id().to_owned()).collect(),
            self.partner_cities().map(|c| c.id().to_owned()).collect(),
        )
    }

    /// Gives a `sum` solution its certificate, from the circulation's `duals` under
    /// `conditions` (the call's rules, or those of a what-if), and records whether it checks
    /// out. Without duals (which only a circulation that is not optimal gives) there is no
    /// certificate and the solution is not certified.
    pub(crate) fn attach_certificate(
        &self,
        solution: &mut Solution,
        conditions: &Compiled,
        duals: Option<PairingDuals>,
    ) {
        solution.certified_optimal = false;
        solution.certificate =
            duals.map(|d| Certificate::new(self.ids(), conditions, (d.u, d.v), d.w, &d.y));
        // The outcome is recorded in `certified_optimal`.
        let _ = solution.certify(&self.matrix);
    }

    /// Total score of pairs, added in their order.
    fn total(&self, pairs: &[(usize, usize)]) -> f64 {
        pairs.iter().map(|&(i, j)| self.matrix.get(i, j)).sum()
    }

    /// [`Pairing::solve`] when the call has rules or capacities: the exact circulation
    /// ([`crate::rules`]).
    fn solve_with_rules(&self, objective: Objective, start: Instant) -> Result<Solution> {
        let scores = self.matrix.as_slice();
        let eu: Vec<&City> = self.eu_cities().collect();
        let partners: Vec<&City> = self.partner_cities().collect();
        let c = self.matrix.cols();
        let any_allowed = !self.rules.locked.is_empty()
            || scores
                .iter()
                .enumerate()
                .any(|(k, &x)| self.rules.allows(k / c, k % c, x));
        if !any_allowed {
            let reason = NoPairs::RulesAllowNone {
                min_score: self.rules.min_score,
                best_score: scores.iter().copied().fold(0.0, f64::max),
            };
            return Err(Error::NoPairs { reason });
        }
        let (sum_pairs, net) = rules::solve_sum(&self.rules, scores, &eu, &partners)?;
        let (pairs, threshold, proof) = match objective {
            Objective::Sum => (sum_pairs.clone(), None, None),
            Objective::MaxMin => rules::solve_maxmin(&self.rules, scores, &eu, &partners)?,
            Objective::Stable => (rules::solve_stable(&self.rules, scores)?, None, None),
        };
        let sum_total = self.total(&sum_pairs);
        let mut solution = self.solution_for(objective, &pairs, false, threshold, sum_total, 0.0);
        match objective {
            Objective::Sum => {
                self.attach_certificate(&mut solution, &self.rules, net.pairing_duals(Lex::SCALE));
            }
            Objective::MaxMin => self.attach_maxmin_proof(&mut solution, threshold, proof),
            Objective::Stable => {}
        }
        solution.timings_ms.solve = start.elapsed().as_secs_f64() * 1e3;
        Ok(solution)
    }

    /// Gives a `maxmin` solution under rules its proof (see
    /// [`crate::certificate#maxmin-under-rules`]) and records whether it checks out. Without a
    /// threshold no unlocked pair can be formed: the most-pairs certificate alone proves it.
    fn attach_maxmin_proof(
        &self,
        solution: &mut Solution,
        threshold: Option<f64>,
        proof: Option<rules::MaxMinDuals>,
    ) {
        let certificate =
            |d: PairingDuals| Certificate::new(self.ids(), &self.rules, (d.u, d.v), d.w, &d.y);
        let pairs = || {
            solution
                .pairs
                .iter()
                .map(|p| (p.eu.as_str(), p.partner.as_str(), p.score))
        };
        solution.certified_optimal = match (threshold, proof) {
            (
                Some(t),
                Some(rules::MaxMinDuals {
                    most,
                    above: Some(above),
                }),
            ) => {
                let proof = MaxMinCertificate {
                    threshold: t,
                    most_pairs: certificate(most),
                    above: certificate(above),
                };
                let ok = proof.verify_solution(pairs(), &self.matrix).is_ok();
                solution.maxmin_certificate = Some(proof);
                ok
            }
            (None, Some(rules::MaxMinDuals { most, above: None })) => {
                let most = certificate(most);
                most.pairs.is_empty()
                    && most.verify_weighted(&self.matrix, &|_| 1.0).is_ok()
                    && most
                        .verify_solution(pairs(), solution.total_score, &self.matrix)
                        .is_ok()
            }
            _ => false,
        };
    }

    /// Whether a `maxmin` result without rules is proved: every city of the smaller side is
    /// paired once, the lowest score is the threshold, and the Hall witness holds: its lines
    /// (of the smaller side) reach, by pairs scoring above the threshold, only `reach`, and
    /// fewer of them; without a witness no score is above the threshold.
    fn maxmin_proved(
        &self,
        pairs: &[(usize, usize)],
        threshold: Option<f64>,
        witness: Option<&HallWitness>,
    ) -> bool {
        let (r, c) = (self.matrix.rows(), self.matrix.cols());
        let mut rows: Vec<usize> = pairs.iter().map(|p| p.0).collect();
        let mut cols: Vec<usize> = pairs.iter().map(|p| p.1).collect();
        rows.sort_unstable();
        rows.dedup();
        cols.sort_unstable();
        cols.dedup();
        if rows.len() != pairs.len() || cols.len() != pairs.len() || pairs.len() != r.min(c) {
            return false;
        }
        let Some(t) = threshold else {
            return pairs.is_empty();
        };
        let lowest = pairs
            .iter()
            .map(|&(i, j)| self.matrix.get(i, j))
            .fold(f64::INFINITY, f64::min);
        if lowest.to_bits() != t.to_bits() {
            return false;
        }
        // Score of line `x` of the smaller side with line `y` of the other.
        let score = |x: usize, y: usize| {
            if r <= c {
                self.matrix.get(x, y)
            } else {
                self.matrix.get(y, x)
            }
        };
        match witness {
            None => self.matrix.as_slice().iter().all(|&s| s <= t),
            // Usable: not at or below the threshold (a NaN score counts as usable).
            Some(w) => w.holds(r.min(c), r.max(c), |x, y| {
                let s = score(x, y);
                s > t || s.is_nan()
            }),
        }
    }

    /// Assembles a [`Solution`] from its pairs `(row, col)`, sorted.
    pub(crate) fn solution_for(
        &self,
        objective: Objective,
        pairs: &[(usize, usize)],
        certified: bool,
        threshold: Option<f64>,
        sum_total: f64,
        solve_ms: f64,
    ) -> Solution {
        let (r, c) = (self.matrix.rows(), self.matrix.cols());
        let eu: Vec<&City> = self.eu_cities().collect();
        let partners: Vec<&City> = self.partner_cities().collect();
        let mut row_pairs: Vec<Vec<usize>> = vec![Vec::new(); r];
        let mut col_pairs: Vec<Vec<usize>> = vec![Vec::new(); c];
        for &(i, j) in pairs {
            row_pairs[i].push(j);
            col_pairs[j].push(i);
        }
        let scored: Vec<(usize, usize, f64)> = pairs
            .iter()
            .map(|&(i, j)| (i, j, self.matrix.get(i, j)))
            .collect();
        let blocking = self.blocking(&row_pairs, &col_pairs);
        let first = |lists: &[Vec<usize>]| -> Vec<Option<usize>> {
            lists.iter().map(|l| l.first().copied()).collect()
        };
        let unmatched = self.unmatched(
            objective,
            &first(&row_pairs),
            &first(&col_pairs),
            &eu,
            &partners,
        );
        let mut solution = assemble(
            self.dataset.call(),
            &self.scorer,
            (&eu, &partners),
            objective,
            &scored,
            blocking,
        );
        solution.unmatched = unmatched;
        solution.excluded.clone_from(&self.eligibility.excluded);
        solution.price_of_fairness = PriceOfFairness {
            sum_total,
            loss: if objective == Objective::Sum {
                0.0
            } else {
                sum_total - solution.total_score
            },
        };
        solution.certified_optimal = if objective == Objective::Stable {
            blocking == 0
        } else {
            certified
        };
        solution.threshold = threshold;
        solution.timings_ms = Timings {
            score: self.score_ms,
            solve: solve_ms,
        };
        solution
    }

    /// Blocking pairs: pairs the rules allow, not formed, that both cities would rather have.
    /// Locked pairs stand outside the comparison: a city's places held by locks are not
    /// offered, and its worst partner is its worst unlocked one.
    fn blocking(&self, row_pairs: &[Vec<usize>], col_pairs: &[Vec<usize>]) -> usize {
        let c = self.matrix.cols();
        let scores = self.matrix.as_slice();
        let rules = &self.rules;
        let standing = |cap: usize, unlocked: &mut dyn Iterator<Item = f64>, locked: usize| {
            let places = cap.saturating_sub(locked);
            let scores: Vec<f64> = unlocked.collect();
            if places == 0 {
                Standing::Closed
            } else if scores.len() < places {
                Standing::Open
            } else {
                Standing::Full(scores.iter().copied().fold(f64::INFINITY, f64::min))
            }
        };
        let rows: Vec<Standing> = row_pairs
            .iter()
            .enumerate()
            .map(|(i, js)| {
                let locked = js.iter().filter(|&&j| rules.is_locked(i, j)).count();
                let mut free = js
                    .iter()
                    .filter(|&&j| !rules.is_locked(i, j))
                    .map(|&j| scores[i * c + j]);
                standing(rules.row_cap[i], &mut free, locked)
            })
            .collect();
        let cols: Vec<Standing> = col_pairs
            .iter()
            .enumerate()
            .map(|(j, is)| {
                let locked = is.iter().filter(|&&i| rules.is_locked(i, j)).count();
                let mut free = is
                    .iter()
                    .filter(|&&i| !rules.is_locked(i, j))
                    .map(|&i| scores[i * c + j]);
                standing(rules.col_cap[j], &mut free, locked)
            })
            .collect();
        blocking_pairs(
            &rows,
            &cols,
            |i, j| scores[i * c + j],
            |i, j| !row_pairs[i].contains(&j) && rules.allows(i, j, scores[i * c + j]),
            false,
        )
    }

    /// Why each unpaired eligible city is unpaired.
    fn unmatched(
        &self,
        objective: Objective,
        rows: &[Option<usize>],
        cols: &[Option<usize>],
        eu: &[&City],
        partners: &[&City],
    ) -> Vec<Unmatched> {
        let (ne, np) = (eu.len(), partners.len());
        let c = self.matrix.cols();
        let scores = self.matrix.as_slice();
        let rules = &self.rules;
        let active = rules.is_active();
        let rule = objective_reason(objective);
        // Why a city of `side` (index `k`) is unpaired; `best` is its best allowed counterpart
        // (id, score, the city holding it).
        let why = |side: Side, k: usize, best: Option<(&str, f64, Option<&str>)>| {
            let other_name = match side {
                Side::Eu => "partner",
                Side::Partner => "EU",
            };
            if active && best.is_none() {
                return match rules.min_score {
                    Some(m) => format!(
                        "the rules allow it no pair: every {other_name} city is forbidden with it \
                         or scores below min_score {m}"
                    ),
                    None => format!(
                        "the rules allow it no pair: every {other_name} city is forbidden with it"
                    ),
                };
            }
            if active {
                let tail = best_tail(best);
                let full = rules.quotas.iter().find(|q| {
                    q.side == side
                        && q.members.binary_search(&k).is_ok()
                        && q.max.is_some_and(|m| {
                            let pairs = q
                                .members
                                .iter()
                                .filter(|&&x| match side {
                                    Side::Eu => rows[x].is_some(),
                                    Side::Partner => cols[x].is_some(),
                                })
                                .count();
                            pairs >= m
                        })
                });
                return match full {
                    Some(q) => format!("{} is full{tail}", q.label()),
                    None => format!("under the rules, {rule}{tail}"),
                };
            }
            plain_reason(objective, side, (ne, np), best)
        };
        // The best allowed counterpart, lowest index among ties.
        let best = |side: Side, k: usize| {
            let other = match side {
                Side::Eu => partners.len(),
                Side::Partner => eu.len(),
            };
            (0..other)
                .filter_map(|l| {
                    let (i, j) = match side {
                        Side::Eu => (k, l),
                        Side::Partner => (l, k),
                    };
                    let s = scores[i * c + j];
                    rules.allows(i, j, s).then_some((l, s))
                })
                .fold(None::<(usize, f64)>, |b, (l, s)| match b {
                    Some((_, bs)) if bs >= s => b,
                    _ => Some((l, s)),
                })
        };
        unmatched_cities((eu, partners), (rows, cols), best, why)
    }
}

/// The unpaired cities of both sides (EU side first, each side by index) and why:
/// `row_mate` / `col_mate` give each city's partner (its first, under capacities),
/// `best(side, k)` the best counterpart `(index, score)` of unpaired city `k` of `side`, and
/// `why(side, k, best)` the reason, given that counterpart as `(id, score, the id of the city
/// holding it)`. The one builder of unmatched reasons, dense and in candidate mode.
pub(crate) fn unmatched_cities(
    (eu, partners): (&[&City], &[&City]),
    (row_mate, col_mate): (&[Option<usize>], &[Option<usize>]),
    best: impl Fn(Side, usize) -> Option<(usize, f64)>,
    why: impl Fn(Side, usize, Option<(&str, f64, Option<&str>)>) -> String,
) -> Vec<Unmatched> {
    let mut out = Vec::new();
    for (side, mine, other, mate_of_mine, mate_of_other) in [
        (Side::Eu, eu, partners, row_mate, col_mate),
        (Side::Partner, partners, eu, col_mate, row_mate),
    ] {
        for (k, _) in mate_of_mine.iter().enumerate().filter(|(_, m)| m.is_none()) {
            let best = best(side, k)
                .map(|(l, s)| (other[l].id(), s, mate_of_other[l].map(|x| mine[x].id())));
            out.push(Unmatched {
                id: mine[k].id().to_owned(),
                side,
                reason: why(side, k, best),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objective_names_round_trip() {
        for o in [Objective::Sum, Objective::MaxMin, Objective::Stable] {
            assert_eq!(o.as_str().parse::<Objective>().unwrap(), o);
        }
        assert!("fair".parse::<Objective>().is_err());
    }
}
