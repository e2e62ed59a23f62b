//! The bottleneck objective against brute force, with its Hall witness checked.

mod common;

use citypair::solver::{solve_bottleneck, Sense};
use citypair::Error;
use proptest::prelude::*;

/// Every complete assignment of the smaller side that uses allowed pairs only.
fn assignments(
    r: usize,
    c: usize,
    allowed: &dyn Fn(usize, usize) -> bool,
) -> Vec<Vec<(usize, usize)>> {
    common::all_assignments(r, c)
        .into_iter()
        .filter(|a| a.iter().all(|&(i, j)| allowed(i, j)))
        .collect()
}

fn matrix() -> impl Strategy<Value = (usize, usize, Vec<Option<i64>>)> {
    (1usize..=6, 1usize..=6).prop_flat_map(|(r, c)| {
        let cell = prop_oneof![6 => (0i64..8).prop_map(Some), 1 => Just(None)];
        (Just(r), Just(c), proptest::collection::vec(cell, r * c))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn bottleneck_equals_brute_force((r, c, m) in matrix(), maximize in any::<bool>()) {
        let ints: Vec<i64> = m.iter().map(|x| x.unwrap_or(i64::MAX)).collect();
        let sense = if maximize { Sense::Maximize } else { Sense::Minimize };
        let all = assignments(r, c, &|i, j| m[i * c + j].is_some());
        let got = solve_bottleneck(&ints, r, c, sense);
        if all.is_empty() {
            prop_assert!(matches!(got, Err(Error::Infeasible { .. })), "{:?}", got);
            return Ok(());
        }
        let got = got.unwrap();
        let val = |p: &(usize, usize)| ints[p.0 * c + p.1];
        // Worst pair of an assignment, as a key where smaller is better.
        let worst = |a: &Vec<(usize, usize)>| if maximize { -a.iter().map(val).min().unwrap() } else { a.iter().map(val).max().unwrap() };
        let total = |a: &Vec<(usize, usize)>| if maximize { -a.iter().map(val).sum::<i64>() } else { a.iter().map(val).sum::<i64>() };
        let best_worst = all.iter().map(worst).min().unwrap();
        let best_total = all.iter().filter(|a| worst(a) == best_worst).map(total).min().unwrap();
        let pairs: Vec<(usize, usize)> = got.assignment.pairs().collect();
        prop_assert_eq!(worst(&pairs), best_worst);
        prop_assert_eq!(total(&pairs), best_total);
        prop_assert_eq!(got.threshold.map(|t| if maximize { -t } else { t }), Some(best_worst));
        // The witness: the lines cannot all be served with entries strictly better.
        if let Some(w) = &got.witness {
            prop_assert!(w.reach.len() < w.lines.len());
            let t = got.threshold.unwrap();
            let better = |x: i64| x != i64::MAX && if maximize { x > t } else { x < t };
            for &l in &w.lines {
                for k in 0..r.max(c) {
                    let (i, j) = if r <= c { (l, k) } else { (k, l) };
                    if i < r && j < c && better(ints[i * c + j]) {
                        prop_assert!(w.reach.contains(&k), "line {} reaches {} outside the witness", l, k);
                    }
                }
            }
        } else {
            // No stricter threshold exists at all: the threshold is the best entry.
            let best_entry = ints.iter().filter(|&&x| x != i64::MAX).map(|&x| if maximize { -x } else { x }).min().unwrap();
            prop_assert_eq!(best_worst, best_entry);
        }
    }
}

#[test]
fn float_scores_maximin() {
    let s = [0.9, 0.1, 0.5, 0.8, 0.7, 0.2, 0.1, 0.6, 0.6];
    let b = solve_bottleneck(&s, 3, 3, Sense::Maximize).unwrap();
    assert_eq!(b.threshold, Some(0.6));
    let empty = solve_bottleneck::<f64>(&[], 0, 4, Sense::Minimize).unwrap();
    assert!(empty.assignment.is_empty() && empty.threshold.is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// `Bottleneck::verify` accepts every result of the solver, and rejects it when the
    /// matrix then gains a better entry the witness did not account for, or loses the
    /// threshold's entry.
    #[test]
    fn verify_accepts_results_and_rejects_changed_matrices(
        (r, c, m) in matrix(),
        maximize in any::<bool>(),
    ) {
        let mut ints: Vec<i64> = m.iter().map(|x| x.unwrap_or(i64::MAX)).collect();
        let sense = if maximize { Sense::Maximize } else { Sense::Minimize };
        let Ok(got) = solve_bottleneck(&ints, r, c, sense) else { return Ok(()) };
        prop_assert!(got.verify(&ints).is_ok(), "{:?}", got.verify(&ints));
        // An assigned entry made strictly better than the threshold everywhere it is used
        // breaks "the threshold is the worst assigned entry" (or the witness).
        let t = got.threshold.unwrap();
        let (i, j) = got.assignment.pairs().find(|&(i, j)| ints[i * c + j] == t).unwrap();
        ints[i * c + j] = if maximize { t + 100 } else { t - 100 };
        prop_assert!(got.verify(&ints).is_err());
    }
}

#[test]
fn verify_rejects_a_wrong_witness() {
    let costs = [1, 9, 9, 5];
    let mut got = solve_bottleneck(&costs, 2, 2, Sense::Minimize).unwrap();
    assert_eq!(got.threshold, Some(5));
    got.verify(&costs).unwrap();
    got.witness = Some(citypair::solver::HallWitness::new(vec![0], vec![]));
    let err = got.verify(&costs).unwrap_err().to_string();
    assert!(err.contains("witness"), "{err}");
}
