//! Scoring invariants: scores in [0, 1], identical challenge profiles match best, explanations
//! agree with scores to the last bit, and parallel matrix builds equal sequential ones.

use citypair::matrix::ScoreMatrix;
use citypair::model::{City, Profile, Theme, Weights};
use citypair::scoring::{PreparedCity, Scorer, WeightedScorer};
use proptest::prelude::*;

fn city(id: String, population: u64, challenges: Profile, expertise: Profile) -> City {
    City::builder(id.clone(), id, "PL".parse().unwrap(), population)
        .challenges(challenges)
        .expertise(expertise)
        .build()
        .unwrap()
}

/// A profile with some themes set (values often round, sometimes zero). Boxed and heap-backed:
/// fifteen nested value trees on the stack overflow it in debug builds.
fn profile() -> BoxedStrategy<Profile> {
    let value = (0u8..8, 0.0f64..=1.0).prop_map(|(kind, x)| match kind {
        0..=2 => 0.0,
        3 => 1.0,
        4 => (x * 10.0).round() / 10.0,
        _ => x,
    });
    prop::collection::vec(value, Theme::COUNT)
        .prop_map(|v| {
            let mut values = [0.0; Theme::COUNT];
            values.copy_from_slice(&v);
            Profile::new(values).unwrap()
        })
        .boxed()
}

fn population() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1u64..100, 1_000u64..40_000_000]
}

fn any_city() -> BoxedStrategy<City> {
    (population(), profile(), profile())
        .prop_map(|(p, c, e)| city("c".into(), p, c, e))
        .boxed()
}

fn weights() -> impl Strategy<Value = Weights> {
    let w = prop_oneof![Just(0.0), 0.0f64..10.0];
    (w.clone(), w.clone(), w).prop_filter_map("positive sum", |(challenges, expertise, size)| {
        Weights::new(challenges, expertise, size).ok()
    })
}

fn cities(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<City>> {
    prop::collection::vec(any_city(), n).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, c)| c.into_builder().id(format!("c{i}")).build().unwrap())
            .collect()
    })
}

proptest! {
    #[test]
    fn scores_lie_in_the_unit_interval(u in any_city(), p in any_city(), w in weights()) {
        let scorer = WeightedScorer::new(w);
        let s = scorer.score(&u, &p);
        prop_assert!((0.0..=1.0).contains(&s), "{}", s);
        let e = scorer.explain(&u, &p);
        for c in [e.challenge_similarity, e.expertise_complementarity, e.size_similarity] {
            prop_assert!((0.0..=1.0).contains(&c.value));
            prop_assert!((0.0..=1.0).contains(&c.weight));
        }
    }

    #[test]
    fn explanation_score_is_the_score_bitwise(u in any_city(), p in any_city(), w in weights()) {
        let scorer = WeightedScorer::new(w);
        let s = scorer.score(&u, &p);
        let e = scorer.explain(&u, &p);
        prop_assert_eq!(e.score.to_bits(), s.to_bits());
        prop_assert_eq!(
            scorer.score_prepared(&PreparedCity::new(&u), &PreparedCity::new(&p)).to_bits(),
            s.to_bits()
        );
        // The weighted components add up to the score (up to rounding).
        let sum = e.challenge_similarity.contribution
            + e.expertise_complementarity.contribution
            + e.size_similarity.contribution;
        prop_assert!((sum - s).abs() < 1e-12);
        // The per-theme rows decompose the first two contributions.
        let sim: f64 = e.themes.iter().map(|r| r.similarity).sum();
        let exp: f64 = e.themes.iter().map(|r| r.expertise).sum();
        prop_assert!((sim - e.challenge_similarity.contribution).abs() < 1e-12);
        prop_assert!((exp - e.expertise_complementarity.contribution).abs() < 1e-12);
        prop_assert!(!e.to_string().is_empty());
    }

    #[test]
    fn scores_are_symmetric(u in any_city(), p in any_city(), w in weights()) {
        let scorer = WeightedScorer::new(w);
        prop_assert_eq!(scorer.score(&u, &p).to_bits(), scorer.score(&p, &u).to_bits());
    }

    #[test]
    fn shared_themes_are_positive_sorted_and_bounded(
        u in any_city(), p in any_city(), w in weights(), k in 0usize..20,
    ) {
        let scorer = WeightedScorer::new(w);
        let shared = scorer.shared_themes(&u, &p, k);
        prop_assert!(shared.len() <= k.min(Theme::COUNT));
        for pair in shared.windows(2) {
            prop_assert!(
                pair[0].contribution > pair[1].contribution
                    || (pair[0].contribution == pair[1].contribution
                        && pair[0].theme < pair[1].theme)
            );
        }
        let total: f64 = shared.iter().map(|t| t.contribution).sum();
        prop_assert!(shared.iter().all(|t| t.contribution > 0.0));
        prop_assert!(total <= scorer.score(&u, &p) + 1e-12);
    }

    /// Two cities with identical challenge profiles are each other's best match when
    /// expertise and size do not differ: every city has the same population and the same
    /// uniform expertise. Without expertise this holds exactly; a uniform expertise `e` covers
    /// any challenge profile equally well (`Σ e·c / Σ c = e`) only up to rounding, hence the
    /// tolerance in that case.
    #[test]
    fn identical_challenge_profiles_are_each_others_best_match(
        target in profile().prop_filter("non-zero", |p| p.nonzero().count() > 0),
        others in prop::collection::vec(profile(), 1..12),
        teach in prop_oneof![Just(0.0), Just(0.0), 0.0f64..=1.0],
        population in 1u64..10_000_000,
        w in weights(),
    ) {
        let scorer = WeightedScorer::new(w);
        let expertise = Profile::new([teach; Theme::COUNT]).unwrap();
        let make = |id: String, c: Profile| city(id, population, c, expertise);
        let half = others.len() / 2;
        let mut eu = vec![make("twin-eu".into(), target)];
        let mut partners = vec![make("twin-partner".into(), target)];
        for (i, c) in others.iter().enumerate() {
            let side = if i < half { &mut eu } else { &mut partners };
            side.push(make(format!("o{i}"), *c));
        }
        let eu: Vec<&City> = eu.iter().collect();
        let partners: Vec<&City> = partners.iter().collect();
        let m = ScoreMatrix::build(&eu, &partners, &scorer, false).unwrap();
        let best = m.get(0, 0);
        let slack = if teach == 0.0 { 0.0 } else { 1e-12 };
        prop_assert!(m.row(0).iter().all(|&s| s <= best + slack), "row {:?}", m.row(0));
        prop_assert!((0..m.rows()).all(|i| m.get(i, 0) <= best + slack));
        prop_assert_eq!(
            scorer.explain(eu[0], partners[0]).challenge_similarity.value,
            1.0
        );
    }

    #[test]
    fn parallel_matrix_equals_sequential_bitwise(
        eu in cities(0..14), partners in cities(0..14), w in weights(),
    ) {
        let scorer = WeightedScorer::new(w);
        let eu: Vec<&City> = eu.iter().collect();
        let partners: Vec<&City> = partners.iter().collect();
        let seq = ScoreMatrix::build(&eu, &partners, &scorer, false).unwrap();
        let par = ScoreMatrix::build(&eu, &partners, &scorer, true).unwrap();
        let generic = ScoreMatrix::build_with(&eu, &partners, &scorer, true).unwrap();
        prop_assert_eq!((seq.rows(), seq.cols()), (eu.len(), partners.len()));
        let bits = |m: &ScoreMatrix| m.as_slice().iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&seq), bits(&par));
        prop_assert_eq!(bits(&seq), bits(&generic));
        for (i, u) in eu.iter().enumerate() {
            for (j, p) in partners.iter().enumerate() {
                prop_assert_eq!(seq.get(i, j).to_bits(), scorer.score(u, p).to_bits());
            }
        }
    }

    /// Scaling all weights by the same factor changes nothing but rounding.
    #[test]
    fn weights_are_normalised(u in any_city(), p in any_city(), w in weights(), f in 0.01f64..100.0) {
        let a = WeightedScorer::new(w).score(&u, &p);
        let scaled = Weights::new(w.challenges() * f, w.expertise() * f, w.size() * f).unwrap();
        let b = WeightedScorer::new(scaled).score(&u, &p);
        prop_assert!((a - b).abs() < 1e-12);
    }
}

#[test]
fn known_components() {
    let c = |pairs: &[(Theme, f64)]| Profile::from_pairs(pairs.iter().copied()).unwrap();
    let poznan = city(
        "poznan".into(),
        534_813,
        c(&[(Theme::AirQuality, 0.9), (Theme::UrbanMobility, 0.7)]),
        c(&[(Theme::CircularEconomy, 0.6)]),
    );
    let curitiba = city(
        "curitiba".into(),
        534_813_000,
        c(&[(Theme::UrbanMobility, 0.8), (Theme::CircularEconomy, 0.5)]),
        c(&[(Theme::UrbanMobility, 1.0)]),
    );
    let scorer = WeightedScorer::default();
    let e = scorer.explain(&poznan, &curitiba);
    // Cosine: 0.7·0.8 / (|(0.9, 0.7)|·|(0.8, 0.5)|).
    let cosine = 0.56 / (1.3f64.sqrt() * 0.89f64.sqrt());
    assert!((e.challenge_similarity.value - cosine).abs() < 1e-12);
    // Poznań teaches circular economy: 0.6·0.5 / 1.3; Curitiba teaches mobility: 1.0·0.7 / 1.6.
    let expertise = 0.5 * (0.3 / 1.3 + 0.7 / 1.6);
    assert!((e.expertise_complementarity.value - expertise).abs() < 1e-12);
    // A factor of 1000 in population: no size similarity.
    assert!(e.size_similarity.value.abs() < 1e-12);
    let expected = 0.6 * cosine + 0.25 * expertise;
    assert!((e.score - expected).abs() < 1e-12);
    assert_eq!(e.score, scorer.score(&poznan, &curitiba));

    let shared = scorer.shared_themes(&poznan, &curitiba, 3);
    // Air quality is Poznań's alone and nobody teaches it: it is not shared.
    let themes: Vec<Theme> = shared.iter().map(|t| t.theme).collect();
    assert_eq!(themes, [Theme::UrbanMobility, Theme::CircularEconomy]);
    let mobility = 0.6 * 0.56 / (1.3f64 * 0.89).sqrt() + 0.25 * 0.5 * (0.7 / 1.6);
    assert!((shared[0].contribution - mobility).abs() < 1e-12);
    assert_eq!(shared[0].theme, Theme::UrbanMobility);
    #[cfg(feature = "serde")]
    assert_eq!(
        serde_json::to_value(shared[0]).unwrap()["theme"],
        "urban_mobility"
    );
    let text = e.to_string();
    assert!(text.contains("poznan") && text.contains("curitiba"));
    assert!(text.contains(&e.score.to_string()));
    assert!(text.contains("urban_mobility"));
}

#[test]
fn bad_weights_are_errors() {
    for (c, e, s) in [(-0.1, 1.0, 1.0), (0.0, 0.0, 0.0), (f64::NAN, 1.0, 1.0)] {
        let err = Weights::new(c, e, s).unwrap_err();
        assert!(err.to_string().starts_with("weights: "), "{err}");
    }
}

#[test]
fn closures_and_generic_builds() {
    let a = city("a".into(), 1, Profile::default(), Profile::default());
    let b = city("b".into(), 1000, Profile::default(), Profile::default());
    let by_population =
        |u: &City, p: &City| (u.population() as f64 / p.population() as f64).min(1.0);
    let m = ScoreMatrix::build_with(&[&a, &b], &[&b], &by_population, true).unwrap();
    assert_eq!(m.as_slice(), [0.001, 1.0]);
}
