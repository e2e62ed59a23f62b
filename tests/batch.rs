//! `solver::solve_batch`: one result per problem, in input order, each exactly what `solve`
//! gives alone, for any thread count.

use citypair::solver::{solve, solve_batch, MatrixView, Sense};
use citypair::Error;
use proptest::prelude::*;

fn matrices() -> impl Strategy<Value = Vec<(usize, usize, Vec<f64>)>> {
    prop::collection::vec(
        (0usize..7, 0usize..7).prop_flat_map(|(r, c)| {
            prop::collection::vec(
                prop_oneof![8 => -100.0..100.0f64, 1 => Just(f64::INFINITY)],
                r * c,
            )
            .prop_map(move |d| (r, c, d))
        }),
        0..40,
    )
}

proptest! {
    #[test]
    fn a_batch_equals_one_by_one_solves(problems in matrices(), maximize in any::<bool>()) {
        let sense = if maximize { Sense::Maximize } else { Sense::Minimize };
        let views: Vec<MatrixView<'_, f64>> = problems
            .iter()
            .map(|(r, c, d)| MatrixView::new(d, *r, *c).unwrap())
            .collect();
        let batch = solve_batch(&views, sense);
        prop_assert_eq!(batch.len(), problems.len());
        for ((r, c, d), got) in problems.iter().zip(&batch) {
            let alone = solve(d, *r, *c, sense);
            match (got, &alone) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                _ => prop_assert!(false, "batch {:?} but alone {:?}", got, alone),
            }
        }
    }
}

#[cfg(feature = "rayon")]
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let data: Vec<Vec<i64>> = (0..500)
        .map(|k| (0..64).map(|x| (x * 7919 + k * 104_729) % 1000).collect())
        .collect();
    let views: Vec<_> = data
        .iter()
        .map(|d| MatrixView::new(d, 8, 8).unwrap())
        .collect();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| solve_batch(&views, Sense::Minimize))
            .into_iter()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
    };
    let one = run(1);
    for threads in [2, 3, 4] {
        assert_eq!(run(threads), one);
    }
}

#[test]
fn each_failure_stays_at_its_index() {
    let ok = [1.0, 2.0, 3.0, 4.0];
    let infeasible = [f64::INFINITY, 1.0, f64::INFINITY, 2.0];
    let nan = [1.0, f64::NAN, 3.0, 4.0];
    let views = [
        MatrixView::new(&ok, 2, 2).unwrap(),
        MatrixView::new(&infeasible, 2, 2).unwrap(),
        MatrixView::new(&ok, 2, 2).unwrap(),
        MatrixView::new(&nan, 2, 2).unwrap(),
    ];
    let out = solve_batch(&views, Sense::Minimize);
    assert_eq!(out[0].as_ref().unwrap().total(), 5.0);
    assert!(matches!(out[1], Err(Error::Infeasible { .. })));
    assert_eq!(out[2].as_ref().unwrap().total(), 5.0);
    assert!(matches!(out[3], Err(Error::NaN { row: 0, col: 1, .. })));
}
