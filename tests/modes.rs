//! One `pair` for every size: the mode a pairing is built in (dense, or candidate mode chosen
//! by the size budget or asked for), the errors when a mode cannot do what is asked, and the
//! builder's scorer.

use citypair::candidates::{self, CandidateOptions};
use citypair::error::{Buffer, DenseOnly};
use citypair::model::{Quota, Rules};
use citypair::pairing::{Mode, AUTO_CANDIDATES, SIZE_BUDGET};
use citypair::whatif::Planner;
use citypair::{synthetic, City, Dataset, Error, Objective, Pairing};

/// A scorer in a box.
type BoxedScorer = Box<dyn Fn(&City, &City) -> f64 + Send + Sync>;

/// Two solutions are the same pairing, up to the mode and the timings.
fn same_pairing(a: &citypair::Solution, b: &citypair::Solution) {
    assert!((a.total_score - b.total_score).abs() <= 1e-9 * a.total_score.max(1.0));
    assert_eq!(a.pairs.len(), b.pairs.len());
    assert_eq!(a.excluded, b.excluded);
    assert!(a.certified_optimal && b.certified_optimal);
}

#[test]
fn the_budget_decides_the_mode_just_above_and_just_below() {
    let call = synthetic::call(60, 45, 3);
    let entries = 60 * 45;
    // At the budget: dense. One entry above it: candidate mode, by itself.
    let below = Pairing::builder(&call)
        .size_budget(entries)
        .build()
        .unwrap();
    let above = Pairing::builder(&call)
        .size_budget(entries - 1)
        .build()
        .unwrap();
    assert_eq!(below.mode(), Mode::Dense);
    assert_eq!(below.candidate_k(), None);
    assert_eq!(above.mode(), Mode::Candidates);
    assert_eq!(above.candidate_k(), Some(AUTO_CANDIDATES));
    let (d, c) = (
        below.solve(Objective::Sum).unwrap(),
        above.solve(Objective::Sum).unwrap(),
    );
    assert_eq!((d.mode, c.mode), (Mode::Dense, Mode::Candidates));
    assert_eq!(c.mode(), Mode::Candidates);
    same_pairing(&d, &c);
    // Forced modes ignore the budget.
    let forced = Pairing::builder(&call)
        .size_budget(0)
        .dense()
        .build()
        .unwrap();
    assert_eq!(forced.mode(), Mode::Dense);
    let forced = Pairing::builder(&call)
        .size_budget(usize::MAX)
        .candidates(3)
        .build()
        .unwrap();
    assert_eq!(forced.mode(), Mode::Candidates);
    assert_eq!(forced.candidate_k(), Some(3));
    // The library's default budget is the documented constant.
    assert_eq!(SIZE_BUDGET, 16_000_000);
    assert_eq!(Pairing::new(&call).unwrap().mode(), Mode::Dense);
}

/// The constant itself, at its boundary: 4,001 x 4,000 cities is above it (and built in
/// candidate mode, which does no work before solving).
#[test]
fn the_default_budget_at_its_boundary() {
    let call = synthetic::call(4001, 4000, 1);
    let p = Pairing::new(&call).unwrap();
    assert_eq!(p.mode(), Mode::Candidates);
    let e = p.solve(Objective::MaxMin).unwrap_err();
    match &e {
        Error::TooLarge {
            rows,
            cols,
            budget,
            needs,
        } => {
            assert_eq!((*rows, *cols, *budget), (4001, 4000, SIZE_BUDGET));
            assert_eq!(*needs, DenseOnly::Objective(Objective::MaxMin));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let text = e.to_string();
    for part in ["4001 x 4000", "16004000 entries", "16000000", "maxmin"] {
        assert!(text.contains(part), "{part}: {text}");
    }
    assert!(
        !text.contains("--"),
        "no CLI flag in a library message: {text}"
    );
    // Exactly at the budget, 4,000 x 4,000: dense (the 128 MB matrix is built).
    let at = synthetic::call(4000, 4000, 1);
    assert_eq!(Pairing::new(&at).unwrap().mode(), Mode::Dense);
}

#[test]
fn what_only_the_dense_mode_does_is_an_error_in_candidate_mode() {
    let call = synthetic::call(40, 30, 5);
    let auto = Pairing::builder(&call).size_budget(100).build().unwrap();
    let forced = Pairing::builder(&call).candidates(4).build().unwrap();
    for objective in [Objective::MaxMin, Objective::Stable] {
        assert!(matches!(
            auto.solve(objective),
            Err(Error::TooLarge { needs: DenseOnly::Objective(o), budget: 100, .. }) if o == objective
        ));
        assert!(matches!(
            forced.solve(objective),
            Err(Error::CandidateMode { reason: DenseOnly::Objective(o) }) if o == objective
        ));
    }
    assert!(matches!(
        auto.matrix(),
        Err(Error::TooLarge {
            needs: DenseOnly::Matrix(_),
            ..
        })
    ));
    assert!(matches!(
        forced.matrix(),
        Err(Error::CandidateMode {
            reason: DenseOnly::Matrix(_)
        })
    ));
    assert!(forced.assignment().is_err());
    let Err(e) = Planner::new(&forced) else {
        panic!("what-ifs need the matrix")
    };
    assert!(
        e.to_string()
            .contains("a what-if needs the dense score matrix"),
        "{e}"
    );
    // Scores and explanations work in both modes, to the last bit.
    let dense = Pairing::builder(&call).dense().build().unwrap();
    let (eu, partner) = ("eu-000003", "p-000007");
    let s = dense.score(eu, partner).unwrap();
    assert_eq!(forced.score(eu, partner).unwrap().to_bits(), s.to_bits());
    assert_eq!(
        forced.explain(eu, partner).unwrap().score.to_bits(),
        s.to_bits()
    );
    assert_eq!(
        forced.explain(eu, partner).unwrap(),
        dense.explain(eu, partner).unwrap()
    );
}

#[test]
fn candidate_mode_refuses_calls_it_does_not_apply_to() {
    let call = synthetic::call(30, 20, 2);
    let mut rules = Rules::default();
    rules.min_score = Some(0.1);
    let ruled = call.clone().with_rules(rules).unwrap();
    let (c, mut cities) = call.clone().into_parts();
    cities[4] = cities[4]
        .clone()
        .into_builder()
        .capacity(3)
        .build()
        .unwrap();
    let id = cities[4].id().to_owned();
    let capacity = Dataset::new(c, cities).unwrap();
    // Asked for: an error naming why.
    let e = Pairing::builder(&ruled).candidates(4).build().unwrap_err();
    assert!(
        matches!(
            e,
            Error::CandidateMode {
                reason: DenseOnly::Rules
            }
        ),
        "{e}"
    );
    let e = Pairing::builder(&capacity)
        .candidates(4)
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, Error::CandidateMode { reason: DenseOnly::Capacity { id: i, capacity: 3 } } if *i == id),
        "{e}"
    );
    assert!(!e.to_string().contains("--"), "{e}");
    let e = candidates::pair(&ruled, 4, &CandidateOptions::default()).unwrap_err();
    assert!(matches!(e, Error::CandidateMode { .. }), "{e}");
    // Automatic, above the budget: too large, naming the size and the budget.
    let e = Pairing::builder(&ruled)
        .size_budget(599)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooLarge {
                rows: 30,
                cols: 20,
                budget: 599,
                needs: DenseOnly::Rules
            }
        ),
        "{e}"
    );
    let text = e.to_string();
    assert!(text.contains("30 x 20") && text.contains("599"), "{text}");
    // Quotas are rules too.
    let mut rules = Rules::default();
    rules.quotas = vec![Quota::of_countries(["US".parse().unwrap()]).at_most(3)];
    let quota = call.clone().with_rules(rules).unwrap();
    assert!(matches!(
        Pairing::builder(&quota).size_budget(1).build(),
        Err(Error::TooLarge {
            needs: DenseOnly::Rules,
            ..
        })
    ));
    // At or below the budget, and with `dense()`, they are paired as always.
    assert!(Pairing::builder(&ruled).size_budget(600).build().is_ok());
    assert!(Pairing::builder(&ruled)
        .size_budget(0)
        .dense()
        .build()
        .is_ok());
}

#[test]
fn candidates_pair_is_the_builder_in_candidate_mode() {
    let call = synthetic::call(80, 50, 9);
    let options = CandidateOptions::default().with_max_new_per_row(4);
    let a = candidates::pair(&call, 3, &options).unwrap();
    let b = Pairing::builder(&call)
        .candidates(3)
        .candidate_options(options)
        .build()
        .unwrap()
        .solve(Objective::Sum)
        .unwrap();
    let strip = |mut s: citypair::Solution| {
        s.timings_ms.score = 0.0;
        s.timings_ms.solve = 0.0;
        s
    };
    assert_eq!(strip(a.clone()), strip(b));
    assert_eq!(a.mode, Mode::Candidates);
    // Sequential and parallel: the same solution.
    let seq = Pairing::builder(&call)
        .candidates(3)
        .candidate_options(options)
        .parallel(false)
        .build()
        .unwrap()
        .solve(Objective::Sum)
        .unwrap();
    assert_eq!(strip(seq), strip(a));
}

#[test]
fn a_custom_scorer_scores_every_pair_in_dense_mode() {
    let call = synthetic::call(25, 18, 4);
    // Scores by population alone: closer sizes score higher.
    let by_size = |a: &City, b: &City| {
        let (x, y) = (a.population() as f64, b.population() as f64);
        (x.min(y) / x.max(y)).clamp(0.0, 1.0)
    };
    let p = Pairing::builder(&call).scorer(by_size).build().unwrap();
    assert!(p.has_custom_scorer());
    assert_eq!(p.mode(), Mode::Dense);
    let m = p.matrix().unwrap();
    let eu: Vec<&City> = p.eu_cities().collect();
    let partners: Vec<&City> = p.partner_cities().collect();
    for (i, a) in eu.iter().enumerate() {
        for (j, b) in partners.iter().enumerate() {
            assert_eq!(m.get(i, j).to_bits(), by_size(a, b).to_bits());
        }
    }
    let best = p.solve(Objective::Sum).unwrap();
    assert!(best.certified_optimal);
    assert!(best.pairs.iter().all(|pair| pair.shared.is_empty()));
    for pair in &best.pairs {
        assert_eq!(pair.score, p.score(&pair.eu, &pair.partner).unwrap());
    }
    let direct: f64 = citypair::solver::solve_matrix(m, citypair::solver::Sense::Maximize)
        .unwrap()
        .total();
    assert!((direct - best.total_score).abs() <= 1e-9);
    assert!(p.solve(Objective::MaxMin).unwrap().certified_optimal);
    assert!(matches!(
        p.explain("eu-000000", "p-000000"),
        Err(Error::CustomScorer { .. })
    ));
    // Candidate mode cannot screen another model's scores.
    assert!(matches!(
        Pairing::builder(&call)
            .scorer(by_size)
            .candidates(4)
            .build(),
        Err(Error::CandidateMode {
            reason: DenseOnly::Scorer
        })
    ));
    assert!(matches!(
        Pairing::builder(&call)
            .scorer(by_size)
            .size_budget(1)
            .build(),
        Err(Error::TooLarge {
            needs: DenseOnly::Scorer,
            ..
        })
    ));
    // A boxed scorer works too (any `Scorer + Send + 'static`).
    let boxed: BoxedScorer = Box::new(by_size);
    let q = Pairing::builder(&call).scorer(boxed).build().unwrap();
    assert_eq!(
        q.solve(Objective::Sum).unwrap().total_score,
        best.total_score
    );
}

#[test]
fn dense_matrices_too_large_for_memory_are_errors_not_aborts() {
    use citypair::matrix::ScoreMatrix;
    // 2^31 x 2^31 f64: 2^65 bytes.
    let n = 1usize << 31;
    let e = ScoreMatrix::from_fn(n, n, |_, _| 0.0, true).unwrap_err();
    assert!(
        matches!(e, Error::OutOfMemory { what: Buffer::ScoreMatrix, rows, cols, bytes } if rows == n && cols == n && bytes == 1u128 << 65),
        "{e}"
    );
    let text = e.to_string();
    assert!(text.contains("2147483648 x 2147483648"), "{text}");
    assert!(text.contains("36893488147419103232 bytes"), "{text}");
    assert!(text.contains("candidate mode"), "{text}");
    // A generated call too large to hold.
    let e = synthetic::try_call(usize::MAX / 2, usize::MAX / 2, 1).unwrap_err();
    assert!(
        matches!(
            e,
            Error::OutOfMemory {
                what: Buffer::Cities,
                ..
            }
        ),
        "{e}"
    );
    // A matrix text whose header asks for more than the text holds needs no such memory: it is
    // a shape error, however large the header.
    let e = citypair::io::parse_matrix("100000000000 100000000000\n1 2\n", "big.txt").unwrap_err();
    assert!(matches!(e, Error::MatrixParse { .. }), "{e}");
}
