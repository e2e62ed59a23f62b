//! The assignment solver against brute force, pathfinding's Kuhn-Munkres, scipy's own test
//! cases, and numerically hard inputs. Every solved case also passes its dual certificate.

mod common;

use citypair::solver::{solve, Sense};
use citypair::Error;
use common::{brute_force, SplitMix};
use proptest::prelude::*;

/// An integer matrix entry: `None` is a forbidden pair.
fn int_matrix(max_side: usize) -> impl Strategy<Value = (usize, usize, Vec<Option<i64>>)> {
    (0..=max_side, 0..=max_side).prop_flat_map(|(r, c)| {
        let cell = prop_oneof![8 => (-20i64..20).prop_map(Some), 1 => Just(None)];
        (Just(r), Just(c), proptest::collection::vec(cell, r * c))
    })
}

fn check_against_brute(r: usize, c: usize, m: &[Option<i64>], sense: Sense) {
    let ints: Vec<i64> = m.iter().map(|x| x.unwrap_or(i64::MAX)).collect();
    let floats: Vec<f64> = m
        .iter()
        .map(|x| x.map_or(f64::INFINITY, |v| v as f64))
        .collect();
    let better: &dyn Fn(i64, i64) -> bool = match sense {
        Sense::Minimize => &|a, b| a < b,
        Sense::Maximize => &|a, b| a > b,
    };
    let want = brute_force(
        r,
        c,
        0i64,
        &|i, j| m[i * c + j].is_some(),
        &|i, j| m[i * c + j].unwrap_or(0),
        better,
    );
    let got_i = solve(&ints, r, c, sense);
    let got_f = solve(&floats, r, c, sense);
    match want {
        None => {
            assert!(matches!(got_i, Err(Error::Infeasible { .. })), "{got_i:?}");
            assert!(matches!(got_f, Err(Error::Infeasible { .. })), "{got_f:?}");
        }
        Some(w) => {
            let a = got_i.expect("feasible");
            assert_eq!(a.total(), i128::from(w));
            assert_eq!(a.len(), r.min(c));
            a.verify(&ints).expect("certificate");
            let f = got_f.expect("feasible");
            assert_eq!(f.total(), w as f64);
            f.verify(&floats).expect("certificate");
            // The same assignment from both number types.
            assert_eq!(a.pairs().collect::<Vec<_>>(), f.pairs().collect::<Vec<_>>());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn minimum_equals_brute_force((r, c, m) in int_matrix(7)) {
        check_against_brute(r, c, &m, Sense::Minimize);
    }

    #[test]
    fn maximum_equals_brute_force((r, c, m) in int_matrix(7)) {
        check_against_brute(r, c, &m, Sense::Maximize);
    }

    #[test]
    fn ties_everywhere((r, c) in (0usize..=7, 0usize..=7), v in 0i64..3, seed in any::<u64>()) {
        let mut g = SplitMix(seed);
        let m: Vec<Option<i64>> = (0..r * c).map(|_| Some(v + (g.below(2) as i64))).collect();
        check_against_brute(r, c, &m, Sense::Minimize);
    }

    #[test]
    fn agrees_with_pathfinding_kuhn_munkres(n in 1usize..80, extra in 0usize..20, seed in any::<u64>()) {
        let mut g = SplitMix(seed);
        let (r, c) = (n, n + extra);
        let data: Vec<i64> = (0..r * c).map(|_| g.below(1000) as i64 - 300).collect();
        let w = pathfinding::matrix::Matrix::from_vec(r, c, data.clone()).unwrap();
        let (best, _) = pathfinding::kuhn_munkres::kuhn_munkres(&w);
        let a = solve(&data, r, c, Sense::Maximize).unwrap();
        prop_assert_eq!(a.total(), i128::from(best));
        a.verify(&data).unwrap();
        let (best_min, _) = pathfinding::kuhn_munkres::kuhn_munkres_min(&w);
        let b = solve(&data, r, c, Sense::Minimize).unwrap();
        prop_assert_eq!(b.total(), i128::from(best_min));
        b.verify(&data).unwrap();
        // Tall orientation: the transpose has the same optimum.
        let t: Vec<i64> = (0..c).flat_map(|j| (0..r).map(move |i| (i, j))).map(|(i, j)| data[i * c + j]).collect();
        let bt = solve(&t, c, r, Sense::Minimize).unwrap();
        prop_assert_eq!(bt.total(), i128::from(best_min));
        bt.verify(&t).unwrap();
    }

    #[test]
    fn never_panics_on_arbitrary_floats(r in 0usize..6, c in 0usize..6, v in proptest::collection::vec(any::<f64>(), 36)) {
        let m = &v[..r * c];
        match solve(m, r, c, Sense::Minimize) {
            Ok(a) => { prop_assert_eq!(a.len(), r.min(c)); }
            Err(Error::NaN { .. } | Error::Infeasible { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

/// scipy's `test_linear_assignment.py` cases, re-expressed: each matrix with the expected cost
/// of the pair in each row, solved as given, negated and maximised, and transposed.
#[test]
fn scipy_cases() {
    let inf = f64::INFINITY;
    let cases: Vec<(Vec<Vec<f64>>, Vec<f64>)> = vec![
        (
            vec![
                vec![400., 150., 400.],
                vec![400., 450., 600.],
                vec![300., 225., 300.],
            ],
            vec![150., 400., 300.],
        ),
        (
            vec![
                vec![400., 150., 400., 1.],
                vec![400., 450., 600., 2.],
                vec![300., 225., 300., 3.],
            ],
            vec![150., 2., 300.],
        ),
        (
            vec![vec![10., 10., 8.], vec![9., 8., 1.], vec![9., 7., 4.]],
            vec![10., 1., 7.],
        ),
        (
            vec![
                vec![10., 10., 8., 11.],
                vec![9., 8., 1., 1.],
                vec![9., 7., 4., 10.],
            ],
            vec![10., 1., 4.],
        ),
        (
            vec![vec![10., inf, inf], vec![inf, inf, 1.], vec![inf, 7., inf]],
            vec![10., 1., 7.],
        ),
    ];
    for (m, expected) in cases {
        let (r, c) = (m.len(), m[0].len());
        let flat: Vec<f64> = m.concat();
        let transposed: Vec<f64> = (0..c)
            .flat_map(|j| m.iter().map(move |row| row[j]))
            .collect();
        for sign in [1.0, -1.0] {
            let sense = if sign < 0.0 {
                Sense::Maximize
            } else {
                Sense::Minimize
            };
            let signed: Vec<f64> = flat.iter().map(|x| sign * x).collect();
            let signed_t: Vec<f64> = transposed.iter().map(|x| sign * x).collect();
            let a = solve(&signed, r, c, sense).unwrap();
            a.verify(&signed).unwrap();
            let got: Vec<f64> = a.pairs().map(|(i, j)| sign * signed[i * c + j]).collect();
            assert_eq!(got, expected, "{m:?} sign {sign}");
            let t = solve(&signed_t, c, r, sense).unwrap();
            t.verify(&signed_t).unwrap();
            let mut got_t: Vec<f64> = t.pairs().map(|(i, j)| sign * signed_t[i * r + j]).collect();
            let mut want = expected.clone();
            got_t.sort_by(f64::total_cmp);
            want.sort_by(f64::total_cmp);
            assert_eq!(got_t, want, "{m:?} transposed, sign {sign}");
        }
    }
    // scipy's constant cost matrix: a complete assignment, the same one every time.
    let ones = vec![1.0; 64];
    let a = solve(&ones, 8, 8, Sense::Minimize).unwrap();
    a.verify(&ones).unwrap();
    assert_eq!(a.total(), 8.0);
    assert_eq!(a, solve(&ones, 8, 8, Sense::Minimize).unwrap());
    // scipy: an all-infinite matrix or a row with no finite entry is infeasible.
    let inf = f64::INFINITY;
    assert!(matches!(
        solve(&[inf, inf, inf, inf], 2, 2, Sense::Minimize),
        Err(Error::Infeasible { .. })
    ));
    assert!(matches!(
        solve(&[1.0, inf, 2.0, inf], 2, 2, Sense::Minimize),
        Err(Error::Infeasible { .. })
    ));
    // Empty matrices are fine: no pairs, total 0.
    for (r, c) in [(0, 0), (0, 3), (3, 0)] {
        let a = solve::<f64>(&[], r, c, Sense::Minimize).unwrap();
        assert!(a.is_empty());
        assert_eq!(a.total(), 0.0);
    }
    // NaN is an error naming the entry.
    assert!(matches!(
        solve(&[1.0, f64::NAN, 2.0, 3.0], 2, 2, Sense::Minimize),
        Err(Error::NaN { row: 0, col: 1, .. })
    ));
}

/// Numerically hard floats terminate with the optimum.
#[test]
fn hard_floats_terminate_optimally() {
    let mut g = SplitMix(7);
    for n in [5usize, 40, 150] {
        let big: Vec<f64> = (0..n * n)
            .map(|_| 1e12 + g.below(1000) as f64 * 1e-3)
            .collect();
        let tiny: Vec<f64> = (0..n * n)
            .map(|_| 1.0 + g.below(100) as f64 * 1e-12)
            .collect();
        let equal = vec![0.25f64; n * n];
        for m in [&big, &tiny, &equal] {
            for sense in [Sense::Minimize, Sense::Maximize] {
                let a = solve(m, n, n, sense).unwrap();
                a.verify(m).unwrap();
                assert_eq!(a.len(), n);
            }
        }
    }
    let n = 6;
    let big: Vec<f64> = (0..n * n)
        .map(|k| 1e12 + (k * 7 % 11) as f64 * 1e-3)
        .collect();
    let ints: Vec<i64> = big
        .iter()
        .map(|&x| ((x - 1e12) * 1e3).round() as i64)
        .collect();
    let want = brute_force(
        n,
        n,
        0i64,
        &|_, _| true,
        &|i, j| ints[i * n + j],
        &|a, b| a < b,
    )
    .unwrap();
    let a = solve(&big, n, n, Sense::Minimize).unwrap();
    let got: i64 = a.pairs().map(|(i, j)| ints[i * n + j]).sum();
    assert_eq!(got, want);
}

/// Integer costs too wide for exact arithmetic are refused, not silently overflowed.
#[test]
fn integer_overflow_is_an_error() {
    let m = [i64::MAX - 1, 0, 0, i64::MIN + 1];
    assert!(matches!(
        solve(&m, 2, 2, Sense::Minimize),
        Err(Error::CostOverflow { .. })
    ));
    // i32 extremes minus the sentinels are fine.
    let m = [i32::MAX - 1, i32::MIN + 1, 0, 5];
    let a = solve(&m, 2, 2, Sense::Minimize).unwrap();
    a.verify(&m).unwrap();
    assert_eq!(a.total(), i64::from(i32::MIN + 1));
}

/// Integer costs of a small span but a magnitude too large for exact 64-bit arithmetic are
/// refused with a typed error that names the way out, never reported infeasible; after the
/// suggested shift they solve.
#[test]
fn large_integer_magnitudes_are_refused_with_a_way_out() {
    let b = 4_000_000_000_000_000_000_i64;
    let m = [b, b + 1, b + 1, b];
    for sense in [Sense::Minimize, Sense::Maximize] {
        let e = solve(&m, 2, 2, sense).unwrap_err();
        assert!(matches!(e, Error::CostMagnitude { .. }), "{e:?}");
        assert!(e.to_string().contains("subtract a constant"), "{e}");
        let neg: Vec<i64> = m.iter().map(|&x| -x).collect();
        assert!(matches!(
            solve(&neg, 2, 2, sense),
            Err(Error::CostMagnitude { .. })
        ));
    }
    let shifted: Vec<i64> = m.iter().map(|&x| x - b).collect();
    let a = solve(&shifted, 2, 2, Sense::Minimize).unwrap();
    assert_eq!(a.pairs().collect::<Vec<_>>(), vec![(0, 0), (1, 1)]);
    assert_eq!(a.total(), 0);
    // Large magnitudes well inside the limit solve as they are.
    let b = 1_000_000_000_000_000_i64;
    let m = [b, b + 1, b + 1, b];
    let a = solve(&m, 2, 2, Sense::Maximize).unwrap();
    a.verify(&m).unwrap();
    assert_eq!(a.total(), 2 * i128::from(b) + 2);
}

/// The range check of a large integer matrix (read in parallel) names the first row with no
/// allowed column and the same span, whatever the number of threads.
#[cfg(feature = "rayon")]
#[test]
fn large_integer_checks_are_the_same_on_any_thread_count() {
    let n = 600; // 360,000 entries: above the parallel threshold
    let mut rng = SplitMix(7);
    let base: Vec<i64> = (0..n * n).map(|_| (rng.next_u64() % 1000) as i64).collect();
    let mut m = base.clone();
    for i in [400, 200, 599] {
        m[i * n..(i + 1) * n].fill(i64::MIN);
    }
    let mut wide = base;
    wide[5] = -(1 << 62);
    let hi = wide.iter().max().copied().unwrap_or(0);
    let span = (i128::from(hi) + (1 << 62)).to_string();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let e = pool
            .install(|| solve(&m, n, n, Sense::Minimize))
            .unwrap_err();
        assert_eq!(e.to_string(), "infeasible: row 200 has no allowed column");
        let e = pool
            .install(|| solve(&wide, n, n, Sense::Minimize))
            .unwrap_err();
        assert!(matches!(e, Error::CostOverflow { .. }), "{e}");
        assert!(e.to_string().contains(&format!("span {span},")), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Adding a constant to every entry changes no optimum: the total moves by the constant
    /// per pair, the dual certificate holds, and feasibility is unchanged, for `i64` and `i32`
    /// costs alike.
    #[test]
    fn a_constant_shift_moves_the_total_only(
        (r, c, m) in int_matrix(7),
        k in prop_oneof![-1_000_000_000_000_000i64..1_000_000_000_000_000, -1000i64..1000],
        max in any::<bool>(),
    ) {
        let sense = if max { Sense::Maximize } else { Sense::Minimize };
        let base: Vec<i64> = m.iter().map(|x| x.unwrap_or(i64::MAX)).collect();
        let moved: Vec<i64> = m.iter().map(|x| x.map_or(i64::MAX, |v| v + k)).collect();
        match (solve(&base, r, c, sense), solve(&moved, r, c, sense)) {
            (Ok(a), Ok(b)) => {
                let pairs = i128::from(r.min(c) as u32);
                prop_assert_eq!(b.total(), a.total() + pairs * i128::from(k));
                b.verify(&moved).unwrap();
            }
            (Err(Error::Infeasible { .. }), Err(Error::Infeasible { .. })) => {}
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|x| x.total()), b.map(|x| x.total())),
        }
        if let Ok(k32) = i32::try_from(k / 1_000_000) {
            let narrow: Vec<i32> = m.iter().map(|x| x.map_or(i32::MAX, |v| v as i32 + k32)).collect();
            let wide: Vec<i64> = narrow.iter().map(|&x| if x == i32::MAX { i64::MAX } else { i64::from(x) }).collect();
            match (solve(&narrow, r, c, sense), solve(&wide, r, c, sense)) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(i128::from(a.total()), b.total());
                    prop_assert_eq!(a.pairs().collect::<Vec<_>>(), b.pairs().collect::<Vec<_>>());
                }
                (Err(Error::Infeasible { .. }), Err(Error::Infeasible { .. })) => {}
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|x| x.total()), b.map(|x| x.total())),
            }
        }
    }
}

#[test]
fn larger_random_problems_verify() {
    let mut g = SplitMix(99);
    for &(r, c) in &[(200, 200), (150, 400), (400, 150), (300, 300)] {
        let uniform: Vec<f64> = (0..r * c).map(|_| g.unit()).collect();
        let a = solve(&uniform, r, c, Sense::Minimize).unwrap();
        a.verify(&uniform).unwrap();
        let ints: Vec<i32> = (0..r * c).map(|_| g.below(101) as i32).collect();
        let b = solve(&ints, r, c, Sense::Maximize).unwrap();
        b.verify(&ints).unwrap();
        let f32s: Vec<f32> = (0..r * c).map(|_| g.unit() as f32).collect();
        solve(&f32s, r, c, Sense::Minimize)
            .unwrap()
            .verify(&f32s)
            .unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Square integer-valued matrices with many ties take the greedy start (row reduction or
    /// zero-cost greedy after column reduction), skip row reduction and end with the
    /// goal-directed tie-break; the optimum must not change, in either number type.
    #[test]
    fn many_ties_agree_with_pathfinding(n in 8usize..90, k in 1u64..120, seed in any::<u64>()) {
        let mut g = SplitMix(seed);
        let data: Vec<i64> = (0..n * n).map(|_| g.below(k) as i64).collect();
        let floats: Vec<f64> = data.iter().map(|&x| x as f64).collect();
        let w = pathfinding::matrix::Matrix::from_vec(n, n, data.clone()).unwrap();
        for sense in [Sense::Minimize, Sense::Maximize] {
            let (best, _) = match sense {
                Sense::Minimize => pathfinding::kuhn_munkres::kuhn_munkres_min(&w),
                Sense::Maximize => pathfinding::kuhn_munkres::kuhn_munkres(&w),
            };
            let a = solve(&data, n, n, sense).unwrap();
            prop_assert_eq!(a.total(), i128::from(best));
            a.verify(&data).unwrap();
            let f = solve(&floats, n, n, sense).unwrap();
            prop_assert_eq!(f.total(), best as f64);
            f.verify(&floats).unwrap();
            prop_assert_eq!(a.pairs().collect::<Vec<_>>(), f.pairs().collect::<Vec<_>>());
        }
    }

    /// The same with forbidden pairs: both number types agree on feasibility and the optimum,
    /// and certify it.
    #[test]
    fn many_ties_with_forbidden_pairs(n in 8usize..60, k in 1u64..8, holes in 0u64..40, seed in any::<u64>()) {
        let mut g = SplitMix(seed);
        let cells: Vec<Option<i64>> = (0..n * n)
            .map(|_| if g.below(100) < holes { None } else { Some(g.below(k) as i64) })
            .collect();
        let ints: Vec<i64> = cells.iter().map(|x| x.unwrap_or(i64::MAX)).collect();
        let floats: Vec<f64> = cells.iter().map(|x| x.map_or(f64::INFINITY, |v| v as f64)).collect();
        match (solve(&ints, n, n, Sense::Minimize), solve(&floats, n, n, Sense::Minimize)) {
            (Ok(a), Ok(f)) => {
                a.verify(&ints).unwrap();
                f.verify(&floats).unwrap();
                prop_assert_eq!(a.total() as f64, f.total());
            }
            (Err(Error::Infeasible { .. }), Err(Error::Infeasible { .. })) => {}
            (a, f) => prop_assert!(false, "{a:?} vs {f:?}"),
        }
    }
}

/// The input check of float costs runs inside the solver's first pass; its errors must still
/// name the first NaN (row-major, in the caller's orientation) and the first row or column
/// without an allowed entry, on every path: square (column reduction, many ties), wide, tall.
#[test]
fn fused_input_check_names_the_offender() {
    let mut g = SplitMix(3);
    for &(r, c) in &[(40usize, 40usize), (30, 90), (90, 30)] {
        for ties in [false, true] {
            let base: Vec<f64> = (0..r * c)
                .map(|_| if ties { g.below(5) as f64 } else { g.unit() })
                .collect();
            // A forbidden entry before the NaN: the first special entry seen is not the error.
            let mut m = base.clone();
            m[2 * c + 3] = f64::INFINITY;
            m[17 * c + 11] = f64::NAN;
            m[25 * c + 1] = f64::NAN;
            assert!(
                matches!(
                    solve(&m, r, c, Sense::Minimize),
                    Err(Error::NaN {
                        row: 17,
                        col: 11,
                        ..
                    })
                ),
                "{r}x{c} ties {ties}"
            );
            // A NaN in the last row.
            let mut m = base.clone();
            m[r * c - 1] = f64::NAN;
            assert!(matches!(
                solve(&m, r, c, Sense::Maximize),
                Err(Error::NaN { row, col, .. }) if row == r - 1 && col == c - 1
            ));
            // A line of the shorter side with no allowed entry.
            let mut m = base.clone();
            if r <= c {
                m[21 * c..22 * c].fill(f64::NEG_INFINITY);
                match solve(&m, r, c, Sense::Minimize) {
                    Err(e @ Error::Infeasible { .. }) => {
                        assert_eq!(e.to_string(), "infeasible: row 21 has no allowed column");
                        assert_eq!(e.witness(), Some((&[21][..], &[][..])));
                    }
                    other => panic!("{other:?}"),
                }
            } else {
                for i in 0..r {
                    m[i * c + 13] = f64::INFINITY;
                }
                match solve(&m, r, c, Sense::Minimize) {
                    Err(e @ Error::Infeasible { .. }) => {
                        assert_eq!(e.to_string(), "infeasible: column 13 has no allowed row");
                        assert_eq!(e.witness(), Some((&[][..], &[13][..])));
                    }
                    other => panic!("{other:?}"),
                }
            }
            // Forbidden entries alone are fine, and the answer matches the integer solver.
            let mut m = base.clone();
            let mut ints: Vec<i64> = base.iter().map(|&x| (x * 1e6).round() as i64).collect();
            for k in [5usize, 77, 300, 901] {
                m[k] = f64::INFINITY;
                ints[k] = i64::MAX;
            }
            let a = solve(&m, r, c, Sense::Minimize).unwrap();
            a.verify(&m).unwrap();
            let b = solve(&ints, r, c, Sense::Minimize).unwrap();
            b.verify(&ints).unwrap();
            if ties {
                assert_eq!(a.total(), b.total() as f64 / 1e6);
            }
        }
    }
}

/// Wide input starts greedily at potentials 0 (the rectangular dual): unassigned columns keep
/// potential 0, assigned ones are <= 0, and the optimum matches the square extension.
#[test]
fn wide_greedy_start_keeps_the_rectangular_dual() {
    let mut g = SplitMix(11);
    for &(r, c) in &[(1usize, 9usize), (10, 30), (100, 300), (250, 260)] {
        for ints in [false, true] {
            let m: Vec<f64> = (0..r * c)
                .map(|_| {
                    if ints {
                        g.below(4) as f64 - 1.0
                    } else {
                        g.unit() * 2.0 - 0.5
                    }
                })
                .collect();
            let a = solve(&m, r, c, Sense::Minimize).unwrap();
            a.verify(&m).unwrap();
            for (j, &v) in a.col_potentials().iter().enumerate() {
                assert!(v <= 0.0);
                if a.row_of(j).is_none() {
                    assert_eq!(v, 0.0);
                }
            }
            // Square extension: c - r dummy rows of zeros.
            let mut sq = m.clone();
            sq.extend(std::iter::repeat_n(0.0, (c - r) * c));
            let b = solve(&sq, c, c, Sense::Minimize).unwrap();
            assert!((a.total() - b.total()).abs() <= 1e-9 * (1.0 + b.total().abs()));
        }
    }
}
