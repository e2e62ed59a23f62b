//! `solver::k_best`: the k best assignments, checked against brute force.

use citypair::solver::{k_best, solve, Sense};
use citypair::Error;
use proptest::prelude::*;

/// Every assignment of the smaller side of a `rows x cols` matrix over allowed entries, as
/// sorted pair lists.
fn all_assignments(
    rows: usize,
    cols: usize,
    allowed: &dyn Fn(usize, usize) -> bool,
) -> Vec<Vec<(usize, usize)>> {
    fn go(
        i: usize,
        n: usize,
        m: usize,
        used: &mut Vec<bool>,
        cur: &mut Vec<(usize, usize)>,
        ok: &dyn Fn(usize, usize) -> bool,
        out: &mut Vec<Vec<(usize, usize)>>,
    ) {
        if i == n {
            out.push(cur.clone());
            return;
        }
        for j in 0..m {
            if !used[j] && ok(i, j) {
                used[j] = true;
                cur.push((i, j));
                go(i + 1, n, m, used, cur, ok, out);
                cur.pop();
                used[j] = false;
            }
        }
    }
    let (n, m) = (rows.min(cols), rows.max(cols));
    let tall = rows > cols;
    let ok = |a: usize, b: usize| if tall { allowed(b, a) } else { allowed(a, b) };
    let mut out = Vec::new();
    go(0, n, m, &mut vec![false; m], &mut Vec::new(), &ok, &mut out);
    for a in &mut out {
        if tall {
            for p in a.iter_mut() {
                *p = (p.1, p.0);
            }
        }
        a.sort_unstable();
    }
    out
}

fn matrix() -> impl Strategy<Value = (usize, usize, Vec<Option<i64>>)> {
    (1usize..=5, 1usize..=5).prop_flat_map(|(r, c)| {
        let cell = prop_oneof![6 => (-9i64..10).prop_map(Some), 1 => Just(None)];
        (Just(r), Just(c), proptest::collection::vec(cell, r * c))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn the_k_best_are_the_brute_force_ranking(
        (r, c, m) in matrix(),
        maximize in any::<bool>(),
        k in 1usize..40,
    ) {
        let ints: Vec<i64> = m.iter().map(|x| x.unwrap_or(i64::MAX)).collect();
        let floats: Vec<f64> = m.iter().map(|x| x.map_or(f64::INFINITY, |v| v as f64)).collect();
        let sense = if maximize { Sense::Maximize } else { Sense::Minimize };
        let all = all_assignments(r, c, &|i, j| m[i * c + j].is_some());
        let got = k_best(&ints, r, c, k, sense);
        if all.is_empty() {
            prop_assert!(matches!(got, Err(Error::Infeasible { .. })), "{:?}", got);
            return Ok(());
        }
        let got = got.unwrap();
        let total = |a: &Vec<(usize, usize)>| a.iter().map(|&(i, j)| i128::from(ints[i * c + j])).sum::<i128>();
        let mut totals: Vec<i128> = all.iter().map(total).collect();
        totals.sort_unstable();
        if maximize {
            totals.reverse();
        }
        prop_assert_eq!(got.len(), k.min(all.len()));
        for (rank, x) in got.iter().enumerate() {
            prop_assert_eq!(x.rank, rank + 1);
            prop_assert_eq!(x.total, totals[rank], "rank {}", rank + 1);
            prop_assert_eq!(total(&x.pairs), x.total);
            prop_assert!(all.contains(&x.pairs), "{:?} is not an assignment", x.pairs);
        }
        let mut distinct: Vec<&Vec<(usize, usize)>> = got.iter().map(|x| &x.pairs).collect();
        distinct.sort();
        distinct.dedup();
        prop_assert_eq!(distinct.len(), got.len(), "an assignment is listed twice");
        prop_assert_eq!(got[0].total, solve(&ints, r, c, sense).unwrap().total());
        // The same ranking in float arithmetic, and the same list when asked again.
        let f = k_best(&floats, r, c, k, sense).unwrap();
        prop_assert_eq!(f.iter().map(|x| x.total as i128).collect::<Vec<_>>(), got.iter().map(|x| x.total).collect::<Vec<_>>());
        prop_assert_eq!(k_best(&ints, r, c, k, sense).unwrap(), got);
    }
}

#[test]
fn k_zero_and_oversized_requests() {
    let costs = [1.0, 2.0, 3.0, 4.0];
    assert!(k_best(&costs, 2, 2, 0, Sense::Minimize).unwrap().is_empty());
    let ranked = k_best(&costs, 2, 2, 10, Sense::Minimize).unwrap();
    assert_eq!(
        ranked.iter().map(|x| x.total).collect::<Vec<_>>(),
        [5.0, 5.0]
    );
    let big = vec![0.0; 1000 * 1000];
    let err = k_best(&big, 1000, 1000, 10_000, Sense::Minimize).unwrap_err();
    assert!(err.to_string().contains("parameter k"), "{err}");
}
