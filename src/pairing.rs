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

use crate::certificate::{Certificate, MaxMinCertificate, Scores, Violation};
use crate::eligibility::{classify, Eligibility, Exclusion, Side};
use crate::error::{Error, Result};
use crate::fairness::{blocking_pairs, gini, group_figures, Fairness, Standing, WorstOff};
use crate::matrix::ScoreMatrix;
use crate::model::{Call, City, Dataset};
use crate::rules::{self, Compiled};
use crate::scoring::{Explanation, ThemeContribution, WeightedScorer};
use crate::solver::flow::{Lex, PairingDuals};
use crate::solver::{solve, solve_bottleneck, stable_pairing, Assignment, HallWitness, Sense};

pub(crate) mod candidates;

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
                "objective",
                format!("\"{other}\" is not one of sum, maxmin, stable"),
            )),
        }
    }
}

/// A paired EU city and partner city.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
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
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Timings {
    /// Classifying and scoring (building the score matrix).
    pub score: f64,
    /// Solving the objective.
    pub solve: f64,
}

/// What a fair objective costs in total score against the `sum` optimum.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
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
pub struct Solution {
    /// The call's name.
    pub call: String,
    /// The objective solved.
    pub objective: Objective,
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
    /// assert!(best.verify(pairing.matrix()).is_ok());
    ///
    /// // Drop a pair: the certificate no longer matches, and certifying again says so.
    /// let dropped = best.pairs.pop().expect("the call has pairs");
    /// best.total_score -= dropped.score;
    /// assert!(matches!(best.certify(pairing.matrix()), Err(Violation::PairingMismatch { .. })));
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
    scorer: WeightedScorer,
    matrix: ScoreMatrix,
    rules: Compiled,
    score_ms: f64,
}

/// Builds a [`Pairing`] with options; see [`Pairing::builder`].
#[derive(Debug, Clone)]
pub struct PairingBuilder<'a> {
    dataset: &'a Dataset,
    parallel: bool,
}

impl<'a> PairingBuilder<'a> {
    /// Whether to build the score matrix in parallel with rayon (default `true`; without the
    /// `rayon` feature the build is always sequential). The result is bit-identical either way.
    /// Run inside `pool.install(..)` to choose the thread pool.
    #[must_use]
    pub fn parallel(mut self, yes: bool) -> Self {
        self.parallel = yes;
        self
    }

    /// Classifies the cities and builds the score matrix.
    ///
    /// # Errors
    /// [`Error::Invalid`] for invalid scoring weights; errors of [`crate::model::Rules::compile`]
    /// for rules that cannot be meant; [`Error::NoPairs`] when a side has no eligible city.
    pub fn build(self) -> Result<Pairing<'a>> {
        let start = Instant::now();
        let dataset = self.dataset;
        let scorer = WeightedScorer::new(dataset.call.weights)?;
        let eligibility = eligible(dataset)?;
        let eu: Vec<&City> = eligibility.eu.iter().map(|&i| &dataset.cities[i]).collect();
        let partners: Vec<&City> = eligibility
            .partners
            .iter()
            .map(|&i| &dataset.cities[i])
            .collect();
        let rules = dataset.call.rules.compile(&dataset.call, &eu, &partners)?;
        let matrix = ScoreMatrix::build(&eu, &partners, &scorer, self.parallel);
        Ok(Pairing {
            dataset,
            eligibility,
            scorer,
            matrix,
            rules,
            score_ms: start.elapsed().as_secs_f64() * 1e3,
        })
    }
}

/// Classifies the cities of a call; [`Error::NoPairs`] when a side has no eligible city.
pub(crate) fn eligible(dataset: &Dataset) -> Result<Eligibility> {
    let eligibility = classify(dataset);
    let (ne, np) = (eligibility.eu.len(), eligibility.partners.len());
    if ne == 0 || np == 0 {
        let excluded = eligibility.excluded.len();
        let reason = match (ne, np) {
            (0, 0) => format!(
                "the call has no eligible city at all ({} cities in the input, {excluded} excluded)",
                dataset.cities.len()
            ),
            (0, _) => {
                format!("no eligible EU city ({np} partner cities, {excluded} cities excluded)")
            }
            _ => format!(
                "no eligible partner city in the call's partner countries ({}) \
                 ({ne} EU cities, {excluded} cities excluded)",
                dataset
                    .call
                    .partner_countries
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
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
            eu: eu[i].id.clone(),
            partner: partners[j].id.clone(),
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
    let mut by_country = group_figures(
        "eu",
        eu.iter()
            .zip(&row_scores)
            .map(|(city, s)| (city.country.as_str(), s.as_slice())),
        &[],
    );
    by_country.extend(group_figures(
        "partner",
        partners
            .iter()
            .zip(&col_scores)
            .map(|(city, s)| (city.country.as_str(), s.as_slice())),
        &[],
    ));
    let regions = &call.regions;
    let order: Vec<&str> = regions.names().collect();
    let by_region = group_figures(
        "partner",
        partners
            .iter()
            .zip(&col_scores)
            .map(|(city, s)| (regions.region_of(city.country.as_str()), s.as_slice())),
        &order,
    );
    Solution {
        call: call.name.clone(),
        objective,
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
    /// A builder with default options (parallel matrix build).
    pub fn builder(dataset: &'a Dataset) -> PairingBuilder<'a> {
        PairingBuilder {
            dataset,
            parallel: true,
        }
    }

    /// Classifies and scores with default options; see [`PairingBuilder::build`].
    ///
    /// # Errors
    /// As [`PairingBuilder::build`].
    pub fn new(dataset: &'a Dataset) -> Result<Pairing<'a>> {
        Pairing::builder(dataset).build()
    }

    /// The eligible EU cities, by id: the rows of [`Pairing::matrix`].
    pub fn eu_cities(&self) -> impl ExactSizeIterator<Item = &'a City> + '_ {
        self.eligibility.eu.iter().map(|&i| &self.dataset.cities[i])
    }

    /// The eligible partner cities, by id: the columns of [`Pairing::matrix`].
    pub fn partner_cities(&self) -> impl ExactSizeIterator<Item = &'a City> + '_ {
        self.eligibility
            .partners
            .iter()
            .map(|&i| &self.dataset.cities[i])
    }

    /// The score matrix: rows are EU cities, columns partner cities, both ordered by id.
    pub fn matrix(&self) -> &ScoreMatrix {
        &self.matrix
    }

    /// The call being paired.
    pub fn call(&self) -> &'a Call {
        &self.dataset.call
    }

    /// The excluded cities and why, by id.
    pub fn excluded(&self) -> &[Exclusion] {
        &self.eligibility.excluded
    }

    /// The call's rules, resolved to rows and columns of [`Pairing::matrix`].
    pub fn rules(&self) -> &Compiled {
        &self.rules
    }

    /// The scorer in use (the call's weights).
    pub fn scorer(&self) -> &WeightedScorer {
        &self.scorer
    }

    /// Row of an eligible EU city and column of an eligible partner city.
    fn position(&self, eu: &str, partner: &str, context: &str) -> Result<(usize, usize)> {
        let find = |side: &[usize], id: &str, side_name: &str| {
            side.binary_search_by(|&k| self.dataset.cities[k].id.as_str().cmp(id))
                .map_err(|_| {
                    let reason = match self.eligibility.excluded.iter().find(|e| e.id == id) {
                        Some(e) => format!("{context} (it is excluded: {})", e.reason),
                        None if self.dataset.cities.iter().any(|c| c.id == id) => {
                            format!("{context} (it is not an eligible {side_name} city)")
                        }
                        None => context.to_string(),
                    };
                    Error::UnknownCity {
                        id: id.to_string(),
                        context: reason,
                    }
                })
        };
        Ok((
            find(&self.eligibility.eu, eu, "EU")?,
            find(&self.eligibility.partners, partner, "partner")?,
        ))
    }

    /// The score of one pair, exactly the value every objective uses.
    ///
    /// # Errors
    /// [`Error::UnknownCity`] when either id is not an eligible city of its side.
    pub fn score(&self, eu: &str, partner: &str) -> Result<f64> {
        let (i, j) = self.position(eu, partner, "the score query")?;
        Ok(self.matrix.get(i, j))
    }

    /// How one pair's score was made up, term by term. Its `score` equals
    /// [`Pairing::score`] to the last bit.
    ///
    /// # Errors
    /// [`Error::UnknownCity`] when either id is not an eligible city of its side.
    pub fn explain(&self, eu: &str, partner: &str) -> Result<Explanation> {
        let (i, j) = self.position(eu, partner, "--explain")?;
        let e = self.eligibility.eu[i];
        let p = self.eligibility.partners[j];
        Ok(self
            .scorer
            .explain(&self.dataset.cities[e], &self.dataset.cities[p]))
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
    /// best.verify(pairing.matrix().as_slice())?;
    /// assert_eq!(best.len(), pairing.partner_cities().len());
    /// # }
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// # Errors
    /// Solver errors (none occur on a valid pairing, where every pair is allowed).
    pub fn assignment(&self) -> Result<Assignment<f64>> {
        let m = &self.matrix;
        solve(m.as_slice(), m.rows(), m.cols(), Sense::Maximize)
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
    /// # Errors
    /// [`Error::Infeasible`] cannot occur without rules (every pair is allowed); errors from the
    /// solver are passed on.
    pub fn solve(&self, objective: Objective) -> Result<Solution> {
        let start = Instant::now();
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
                    let id = |side: &[&City], k: usize| side[k].id.clone();
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
            self.eu_cities().map(|c| c.id.clone()).collect(),
            self.partner_cities().map(|c| c.id.clone()).collect(),
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
            let why = match self.rules.min_score {
                Some(m) => format!(
                    "the rules allow no pair: every pair is forbidden or scores below min_score                      {m} (the best score is {:.3})",
                    scores.iter().copied().fold(0.0, f64::max)
                ),
                None => "the rules allow no pair: every pair is forbidden".to_owned(),
            };
            return Err(Error::NoPairs { reason: why });
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
            &self.dataset.call,
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
            let best = best(side, k).map(|(l, s)| {
                (
                    other[l].id.as_str(),
                    s,
                    mate_of_other[l].map(|x| mine[x].id.as_str()),
                )
            });
            out.push(Unmatched {
                id: mine[k].id.clone(),
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
