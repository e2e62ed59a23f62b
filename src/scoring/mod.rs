//! How well two cities fit together: the default scoring model and the [`Scorer`] trait.
//!
//! # The default model
//!
//! [`WeightedScorer`] scores an EU city `u` with a partner city `p` as a weighted mean of three
//! components, each in `[0, 1]`:
//!
//! * **challenge similarity** `a`: the cosine similarity of the two challenge vectors,
//!   `Σ_t cᵤ[t]·cₚ[t] / sqrt(|cᵤ|²·|cₚ|²)`, and `0` when either vector is all zero. (It is
//!   computed on each vector divided by its largest value, which changes nothing but rounding
//!   and keeps tiny values from underflowing.) Cities facing
//!   the same problems learn most from each other: this is IUC's stated pairing key. Two cities
//!   with identical (or proportional) challenge profiles get exactly `1`, the maximum, so they are
//!   each other's best match when nothing else differs.
//! * **expertise complementarity** `b`: how well each city's expertise covers the other's
//!   challenges, `½·(Σ_t eᵤ[t]·cₚ[t] / Σ_t cₚ[t] + Σ_t eₚ[t]·cᵤ[t] / Σ_t cᵤ[t])`, where each half
//!   is `0` when its denominator is `0`.
//! * **size similarity** `c`: `1 − |ln popᵤ − ln popₚ| / ln 1000`, clipped to `[0, 1]`
//!   (a population of `0` counts as `1`): equal sizes give `1`, a factor of 1000 or more gives `0`.
//!
//! The score is `w̄_c·a + w̄_e·b + w̄_s·c` with the [`Weights`] normalised by their sum
//! (`w̄_c = w_c / (w_c + w_e + w_s)`, ...), clipped to `[0, 1]` against rounding.
//!
//! # Per-theme decomposition
//!
//! Themes explain a score ([`WeightedScorer::explain`], [`WeightedScorer::shared_themes`]): theme
//! `t` contributes `w̄_c·cᵤ[t]·cₚ[t] / sqrt(|cᵤ|²·|cₚ|²)` through similarity and
//! `w̄_e·½·(eᵤ[t]·cₚ[t] / Σcₚ + eₚ[t]·cᵤ[t] / Σcᵤ)` through expertise. Summed over all themes
//! these give the first two weighted components (up to rounding); size is not a theme.
//!
//! # Determinism and speed
//!
//! Scores are pure functions of the two cities and the weights. Every score, whether from
//! [`Scorer::score`], [`WeightedScorer::score_prepared`] (used to build
//! [`ScoreMatrix`](crate::matrix::ScoreMatrix)) or [`WeightedScorer::explain`], is computed by the
//! same private function, so all of them agree to the last bit. [`PreparedCity`] holds the
//! per-city quantities (squared norm, challenge sum, log population) so that a matrix build
//! computes them once per city, not once per pair; one pair then costs about 45 multiply-adds.

use std::fmt;

#[cfg(feature = "serde")]
use serde::Serialize;

use crate::model::{City, Theme, Weights};

pub(crate) mod screen;

/// `ln 1000`: the log-population gap at which size similarity reaches 0.
const LN_1000: f64 = 6.907_755_278_982_137;

/// Anything that scores an EU city with a partner city.
///
/// Implementations must be deterministic (the same pair always gives the same bits) and return a
/// value in `[0, 1]`, higher meaning a better pair. They must be `Sync`: matrices are built in
/// parallel. Closures `Fn(&City, &City) -> f64 + Sync` are scorers too.
pub trait Scorer: Sync {
    /// The score of pairing `eu` with `partner`, in `[0, 1]`.
    fn score(&self, eu: &City, partner: &City) -> f64;
}

impl<F> Scorer for F
where
    F: Fn(&City, &City) -> f64 + Sync,
{
    fn score(&self, eu: &City, partner: &City) -> f64 {
        self(eu, partner)
    }
}

/// A city reduced to what scoring needs, with its norms precomputed.
///
/// Build one per city with [`PreparedCity::new`] and score pairs with
/// [`WeightedScorer::score_prepared`]; the result is bit-identical to [`Scorer::score`].
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedCity {
    /// The challenge profile divided by its largest value (all zero for an all-zero profile).
    /// Cosine similarity and coverage ratios do not change under scaling, and the scaled values
    /// cannot underflow when squared however small the input.
    shape: [f64; Theme::COUNT],
    expertise: [f64; Theme::COUNT],
    /// `Σ shape[t]²`: 0, or at least 1.
    shape_sq: f64,
    /// `Σ shape[t]`: 0, or at least 1.
    shape_sum: f64,
    /// `ln max(population, 1)`.
    ln_population: f64,
}

impl PreparedCity {
    /// Precomputes the scoring features of `city`.
    pub fn new(city: &City) -> PreparedCity {
        let raw = city.challenges().values();
        let max = raw.iter().copied().fold(0.0, f64::max);
        let mut shape = [0.0; Theme::COUNT];
        if max > 0.0 {
            for (s, &v) in shape.iter_mut().zip(raw) {
                *s = v / max;
            }
        }
        let mut shape_sq = 0.0;
        let mut shape_sum = 0.0;
        for &v in &shape {
            shape_sq += v * v;
            shape_sum += v;
        }
        PreparedCity {
            shape,
            expertise: *city.expertise().values(),
            shape_sq,
            shape_sum,
            ln_population: (city.population().max(1) as f64).ln(),
        }
    }
}

/// The three raw components and the final score of one pair.
#[derive(Debug, Clone, Copy)]
struct Parts {
    similarity: f64,
    expertise: f64,
    size: f64,
    score: f64,
}

/// The default scorer: a weighted mean of challenge similarity, expertise complementarity and
/// size similarity (see the [module docs](self)).
///
/// # Examples
/// ```
/// use citypair::model::{City, Profile, Theme, Weights};
/// use citypair::scoring::{Scorer, WeightedScorer};
///
/// let poznan = City::builder("poznan", "Poznań", "PL".parse()?, 534_813)
///     .challenges(Profile::from_pairs([(Theme::AirQuality, 0.9), (Theme::UrbanMobility, 0.7)])?)
///     .build()?;
/// let twin = poznan.clone().into_builder().id("twin").country("BR".parse()?).build()?;
/// let scorer = WeightedScorer::new(Weights::default());
/// // Same challenges, same size, no expertise: 0.6·1 + 0.25·0 + 0.15·1.
/// assert!((scorer.score(&poznan, &twin) - 0.75).abs() < 1e-12);
/// assert_eq!(scorer.explain(&poznan, &twin).score, scorer.score(&poznan, &twin));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedScorer {
    weights: Weights,
    /// `[w̄_c, w̄_e, w̄_s]`: the weights divided by their sum.
    normalised: [f64; 3],
}

impl Default for WeightedScorer {
    /// The scorer with [`Weights::default`].
    fn default() -> Self {
        WeightedScorer::new(Weights::default())
    }
}

impl WeightedScorer {
    /// A scorer with the given weights (they are normalised by their sum, which
    /// [`Weights::new`] makes positive and finite).
    pub fn new(weights: Weights) -> WeightedScorer {
        let (c, e, s) = (weights.challenges(), weights.expertise(), weights.size());
        let sum = c + e + s;
        WeightedScorer {
            weights,
            normalised: [c / sum, e / sum, s / sum],
        }
    }

    /// The weights as given (not normalised).
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// The weights normalised by their sum, `[w̄_c, w̄_e, w̄_s]`: the factors of the score's
    /// three components (see the [module docs](self)).
    pub fn normalised_weights(&self) -> [f64; 3] {
        self.normalised
    }

    /// The score of two prepared cities; bit-identical to [`Scorer::score`] on the cities they
    /// were prepared from.
    #[inline]
    pub fn score_prepared(&self, eu: &PreparedCity, partner: &PreparedCity) -> f64 {
        self.parts(eu, partner).score
    }

    /// The one function every score goes through.
    #[inline]
    fn parts(&self, u: &PreparedCity, p: &PreparedCity) -> Parts {
        let mut dot = 0.0;
        let mut teach_p = 0.0; // Σ eᵤ·cₚ: what u can teach p
        let mut teach_u = 0.0; // Σ eₚ·cᵤ: what p can teach u
        for t in 0..Theme::COUNT {
            dot += u.shape[t] * p.shape[t];
            teach_p += u.expertise[t] * p.shape[t];
            teach_u += p.expertise[t] * u.shape[t];
        }
        let similarity = cosine(dot, u.shape_sq, p.shape_sq);
        let expertise =
            (0.5 * (ratio(teach_p, p.shape_sum) + ratio(teach_u, u.shape_sum))).clamp(0.0, 1.0);
        let size = (1.0 - (u.ln_population - p.ln_population).abs() / LN_1000).clamp(0.0, 1.0);
        let [wc, we, ws] = self.normalised;
        let score = (wc * similarity + we * expertise + ws * size).clamp(0.0, 1.0);
        Parts {
            similarity,
            expertise,
            size,
            score,
        }
    }

    /// Per-theme similarity and expertise contributions (weighted, normalised) of one pair.
    fn theme_parts(&self, u: &PreparedCity, p: &PreparedCity) -> [(f64, f64); Theme::COUNT] {
        let [wc, we, _] = self.normalised;
        let mut out = [(0.0, 0.0); Theme::COUNT];
        for (t, slot) in out.iter_mut().enumerate() {
            let sim = cosine(u.shape[t] * p.shape[t], u.shape_sq, p.shape_sq);
            let exp = 0.5
                * (ratio(u.expertise[t] * p.shape[t], p.shape_sum)
                    + ratio(p.expertise[t] * u.shape[t], u.shape_sum));
            *slot = (wc * sim, we * exp);
        }
        out
    }

    /// How the score of `eu` with `partner` is made up: each component, its weight and
    /// contribution, and a row per theme that either city mentions.
    ///
    /// `explain(eu, partner).score == score(eu, partner)` exactly.
    pub fn explain(&self, eu: &City, partner: &City) -> Explanation {
        let (u, p) = (PreparedCity::new(eu), PreparedCity::new(partner));
        let parts = self.parts(&u, &p);
        let per_theme = self.theme_parts(&u, &p);
        let [wc, we, ws] = self.normalised;
        let component = |value: f64, weight: f64| Component {
            value,
            weight,
            contribution: weight * value,
        };
        let themes = Theme::ALL
            .iter()
            .zip(per_theme)
            .filter_map(|(&theme, (similarity, expertise))| {
                let row = ThemeRow {
                    theme,
                    eu_challenge: eu.challenges().get(theme),
                    partner_challenge: partner.challenges().get(theme),
                    eu_expertise: eu.expertise().get(theme),
                    partner_expertise: partner.expertise().get(theme),
                    similarity,
                    expertise,
                };
                let any = [
                    row.eu_challenge,
                    row.partner_challenge,
                    row.eu_expertise,
                    row.partner_expertise,
                ]
                .iter()
                .any(|&v| v != 0.0);
                any.then_some(row)
            })
            .collect();
        Explanation {
            eu: eu.id().to_owned(),
            partner: partner.id().to_owned(),
            eu_population: eu.population(),
            partner_population: partner.population(),
            challenge_similarity: component(parts.similarity, wc),
            expertise_complementarity: component(parts.expertise, we),
            size_similarity: component(parts.size, ws),
            themes,
            score: parts.score,
        }
    }

    /// The `k` themes that contribute most to the score of `eu` with `partner`.
    ///
    /// A theme's contribution is its similarity contribution (non-zero only when both cities
    /// face the theme) plus its expertise contribution (non-zero when one city can teach what the
    /// other needs), both weighted as in the score; see the [module docs](self). Only themes with
    /// a contribution above 0 are listed, strongest first, ties in [`Theme::ALL`] order.
    pub fn shared_themes(&self, eu: &City, partner: &City, k: usize) -> Vec<ThemeContribution> {
        let (u, p) = (PreparedCity::new(eu), PreparedCity::new(partner));
        let mut list: Vec<ThemeContribution> = Theme::ALL
            .iter()
            .zip(self.theme_parts(&u, &p))
            .map(|(&theme, (sim, exp))| ThemeContribution {
                theme,
                contribution: sim + exp,
            })
            .filter(|c| c.contribution > 0.0)
            .collect();
        list.sort_by(|a, b| {
            b.contribution
                .total_cmp(&a.contribution)
                .then(a.theme.cmp(&b.theme))
        });
        list.truncate(k);
        list
    }
}

impl Scorer for WeightedScorer {
    fn score(&self, eu: &City, partner: &City) -> f64 {
        self.score_prepared(&PreparedCity::new(eu), &PreparedCity::new(partner))
    }
}

/// `dot / sqrt(sq_a·sq_b)` clipped to `[0, 1]`, `0` for a zero vector. Dividing by the square
/// root of the product (not the product of the roots) makes identical vectors score exactly 1:
/// then `dot == sq_a == sq_b` and `sqrt(x·x) == x` in IEEE arithmetic. (`sq_a` and `sq_b` are 0
/// or in `[1, 15]`, see [`PreparedCity`], so nothing overflows or underflows.)
#[inline]
fn cosine(dot: f64, sq_a: f64, sq_b: f64) -> f64 {
    if sq_a <= 0.0 || sq_b <= 0.0 {
        return 0.0;
    }
    (dot / (sq_a * sq_b).sqrt()).clamp(0.0, 1.0)
}

/// `num / den`, or `0` when `den` is `0`.
#[inline]
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

/// One component of an [`Explanation`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Component {
    /// The raw component value, in `[0, 1]`.
    pub value: f64,
    /// Its weight, normalised so that the three weights sum to 1.
    pub weight: f64,
    /// `weight · value`: its share of the score.
    pub contribution: f64,
}

/// One theme's row in an [`Explanation`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct ThemeRow {
    /// The theme.
    pub theme: Theme,
    /// How pressing the theme is for the EU city.
    pub eu_challenge: f64,
    /// How pressing the theme is for the partner city.
    pub partner_challenge: f64,
    /// The EU city's expertise in the theme.
    pub eu_expertise: f64,
    /// The partner city's expertise in the theme.
    pub partner_expertise: f64,
    /// The theme's weighted contribution through challenge similarity.
    pub similarity: f64,
    /// The theme's weighted contribution through expertise complementarity.
    pub expertise: f64,
}

/// A theme and its contribution to a pair's score (see [`WeightedScorer::shared_themes`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct ThemeContribution {
    /// The theme.
    pub theme: Theme,
    /// Its weighted contribution to the score (similarity plus expertise), above 0.
    pub contribution: f64,
}

/// How one score was made up; see [`WeightedScorer::explain`].
///
/// Its `Display` is the readable multi-line report printed by `citypair scores --explain`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Explanation {
    /// The EU city's id.
    pub eu: String,
    /// The partner city's id.
    pub partner: String,
    /// The EU city's population.
    pub eu_population: u64,
    /// The partner city's population.
    pub partner_population: u64,
    /// Cosine similarity of the challenge profiles.
    pub challenge_similarity: Component,
    /// How well each city's expertise covers the other's challenges.
    pub expertise_complementarity: Component,
    /// Closeness of the log populations.
    pub size_similarity: Component,
    /// One row per theme that either city mentions (as a challenge or expertise), in
    /// [`Theme::ALL`] order.
    pub themes: Vec<ThemeRow>,
    /// The score: exactly the value [`Scorer::score`] gives for this pair.
    pub score: f64,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "score of {} (EU) with {} (partner): {}",
            self.eu, self.partner, self.score
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<26}  {:>7} {:>7}  {:>12}",
            "component", "value", "weight", "contribution"
        )?;
        for (name, c) in [
            ("challenge similarity", &self.challenge_similarity),
            ("expertise complementarity", &self.expertise_complementarity),
            ("size similarity", &self.size_similarity),
        ] {
            writeln!(
                f,
                "{name:<26}  {:>7.4} {:>7.4}  {:>12.4}",
                c.value, c.weight, c.contribution
            )?;
        }
        writeln!(
            f,
            "(populations {} and {}; size similarity is 0 at a factor of 1000)",
            self.eu_population, self.partner_population
        )?;
        if self.themes.is_empty() {
            return writeln!(f, "\nneither city lists any theme");
        }
        writeln!(f)?;
        let groups = format!(
            "{:<22}  {:^15}  {:^15}  {:^22}",
            "", "challenge", "expertise", "contribution through"
        );
        writeln!(f, "{}", groups.trim_end())?;
        writeln!(
            f,
            "{:<22}  {:>6} {:>8}  {:>6} {:>8}  {:>10} {:>11}",
            "theme", "EU", "partner", "EU", "partner", "similarity", "expertise"
        )?;
        for r in &self.themes {
            writeln!(
                f,
                "{:<22}  {:>6.2} {:>8.2}  {:>6.2} {:>8.2}  {:>10.4} {:>11.4}",
                r.theme.key(),
                r.eu_challenge,
                r.partner_challenge,
                r.eu_expertise,
                r.partner_expertise,
                r.similarity,
                r.expertise
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Profile;

    fn city(id: &str, population: u64, c: &[(Theme, f64)], e: &[(Theme, f64)]) -> City {
        City::builder(id, id, "PL".parse().unwrap(), population)
            .challenges(Profile::from_pairs(c.iter().copied()).unwrap())
            .expertise(Profile::from_pairs(e.iter().copied()).unwrap())
            .build()
            .unwrap()
    }

    #[test]
    fn ln_1000_constant() {
        assert_eq!(LN_1000, 1000f64.ln());
    }

    #[test]
    fn identical_profiles_have_cosine_exactly_one() {
        let vals = [0.1, 0.3, 0.7, 0.9, 0.33, 1.0 / 3.0, 0.123_456_789];
        for (i, &x) in vals.iter().enumerate() {
            for &y in &vals[i..] {
                let c = [
                    (Theme::AirQuality, x),
                    (Theme::Housing, y),
                    (Theme::UrbanPoverty, 0.5),
                ];
                let a = PreparedCity::new(&city("a", 1000, &c, &[]));
                let s = WeightedScorer::default();
                assert_eq!(s.parts(&a, &a.clone()).similarity, 1.0);
            }
        }
    }

    #[test]
    fn components_by_hand() {
        let s = WeightedScorer::new(Weights::new(1.0, 1.0, 2.0).unwrap());
        let u = city(
            "u",
            100_000,
            &[(Theme::AirQuality, 1.0)],
            &[(Theme::Housing, 0.5)],
        );
        let p = city(
            "p",
            100_000_000,
            &[(Theme::AirQuality, 1.0), (Theme::Housing, 1.0)],
            &[],
        );
        let e = s.explain(&u, &p);
        assert!((e.challenge_similarity.value - 1.0 / 2f64.sqrt()).abs() < 1e-15);
        // u teaches housing 0.5 of p's 2.0 challenge mass; p teaches nothing.
        assert!((e.expertise_complementarity.value - 0.5 * 0.25).abs() < 1e-15);
        assert_eq!(e.size_similarity.value, 0.0);
        assert_eq!(e.challenge_similarity.weight, 0.25);
        assert_eq!(e.size_similarity.weight, 0.5);
        assert_eq!(e.score, s.score(&u, &p));
        let themes: Vec<Theme> = e.themes.iter().map(|r| r.theme).collect();
        assert_eq!(themes, [Theme::AirQuality, Theme::Housing]);
        let shared = s.shared_themes(&u, &p, 5);
        assert_eq!(shared.len(), 2);
        assert_eq!(shared[0].theme, Theme::AirQuality);
        let total: f64 = shared.iter().map(|c| c.contribution).sum();
        let expected =
            e.challenge_similarity.contribution + e.expertise_complementarity.contribution;
        assert!((total - expected).abs() < 1e-15);
        assert_eq!(s.shared_themes(&u, &p, 1).len(), 1);
        let text = e.to_string();
        assert!(text.contains("air_quality") && text.contains("size similarity"));
    }

    #[test]
    fn zero_vectors_and_populations() {
        let s = WeightedScorer::default();
        let u = city("u", 0, &[], &[]);
        let p = city("p", 1, &[], &[]);
        // Only size counts: populations 0 and 1 are both 1.
        assert_eq!(s.score(&u, &p), 0.15);
        assert!(s.shared_themes(&u, &p, 3).is_empty());
        assert!(s.explain(&u, &p).to_string().contains("neither city"));
    }

    #[test]
    fn tiny_values_do_not_underflow_to_nan() {
        let s = WeightedScorer::default();
        let u = city("u", 10, &[(Theme::Housing, 1e-200)], &[]);
        let x = s.score(&u, &u.clone());
        assert!((0.0..=1.0).contains(&x), "{x}");
        assert!((x - 0.75).abs() < 1e-12);
    }

    #[test]
    fn weights_are_validated() {
        let bad = |challenges, expertise, size| Weights::new(challenges, expertise, size).is_err();
        assert!(bad(-1.0, 1.0, 1.0));
        assert!(bad(f64::NAN, 1.0, 1.0));
        assert!(bad(f64::INFINITY, 1.0, 1.0));
        assert!(bad(0.0, 0.0, 0.0));
        assert!(bad(f64::MAX, f64::MAX, 0.0));
        assert!(!bad(0.0, 0.0, 1.0));
        assert_eq!(
            WeightedScorer::default(),
            WeightedScorer::new(Weights::default())
        );
    }

    #[test]
    fn closures_are_scorers() {
        let f = |_: &City, _: &City| 0.5;
        let u = city("u", 10, &[], &[]);
        assert_eq!(Scorer::score(&f, &u, &u), 0.5);
    }
}
