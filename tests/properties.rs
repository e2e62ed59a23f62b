//! Property tests: random small calls through [`Pairing`], and invariances of the solver under
//! scaling, strictly increasing transforms and raised scores.

mod common;

use std::collections::{HashMap, HashSet};

use citypair::io::parse_dataset;
use citypair::solver::{solve, solve_bottleneck, Sense};
use citypair::{Dataset, Objective, Pairing, Solution};
use common::{all_assignments, brute_force, random_call, shuffled_call, without_timings, SplitMix};
use proptest::prelude::*;

const OBJECTIVES: [Objective; 3] = [Objective::Sum, Objective::MaxMin, Objective::Stable];

fn dataset(text: &str) -> Dataset {
    parse_dataset(text, "test").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// `(seed, EU cities, partner cities)`: 2 to 7 cities a side.
fn call() -> impl Strategy<Value = (u64, usize, usize)> {
    (any::<u64>(), 2usize..=7, 2usize..=7)
}

/// `(row, col)` of each pair of a solution.
fn positions(p: &Pairing<'_>, s: &Solution) -> Vec<(usize, usize)> {
    let rows: HashMap<&str, usize> = p.eu_cities().map(citypair::City::id).zip(0..).collect();
    let cols: HashMap<&str, usize> = p
        .partner_cities()
        .map(citypair::City::id)
        .zip(0..)
        .collect();
    s.pairs
        .iter()
        .map(|q| (rows[q.eu.as_str()], cols[q.partner.as_str()]))
        .collect()
}

/// Blocking pairs of a one-to-one pairing, counted from the definition.
fn blocking(p: &Pairing<'_>, pos: &[(usize, usize)]) -> usize {
    let m = p.matrix().unwrap();
    let mut row = vec![None; m.rows()];
    let mut col = vec![None; m.cols()];
    for &(i, j) in pos {
        row[i] = Some(m.get(i, j));
        col[j] = Some(m.get(i, j));
    }
    let together: HashSet<(usize, usize)> = pos.iter().copied().collect();
    (0..m.rows())
        .flat_map(|i| (0..m.cols()).map(move |j| (i, j)))
        .filter(|&(i, j)| {
            let s = m.get(i, j);
            let wants = |c: Option<f64>| c.is_none_or(|c| s > c);
            !together.contains(&(i, j)) && wants(row[i]) && wants(col[j])
        })
        .count()
}

/// A random `rows x cols` matrix of small integers, as `f64`.
fn int_matrix() -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
    (1usize..=6, 1usize..=6).prop_flat_map(|(r, c)| {
        (
            Just(r),
            Just(c),
            proptest::collection::vec((-20i32..=20).prop_map(f64::from), r * c),
        )
    })
}

/// Totals of every assignment of the smaller side, best first.
fn ranked(m: &[f64], r: usize, c: usize, sense: Sense) -> Vec<(f64, Vec<(usize, usize)>)> {
    let mut all: Vec<(f64, Vec<(usize, usize)>)> = all_assignments(r, c)
        .into_iter()
        .map(|a| (a.iter().map(|&(i, j)| m[i * c + j]).sum(), a))
        .collect();
    all.sort_by(|a, b| match sense {
        Sense::Maximize => b.0.total_cmp(&a.0),
        Sense::Minimize => a.0.total_cmp(&b.0),
    });
    all
}

/// The unique optimal assignment, if the optimum is unique (by a margin of at least 1, the
/// entries being integers).
fn unique_optimum(m: &[f64], r: usize, c: usize, sense: Sense) -> Option<Vec<(usize, usize)>> {
    let all = ranked(m, r, c, sense);
    match all.as_slice() {
        [only] => Some(only.1.clone()),
        [best, second, ..] if (best.0 - second.0).abs() >= 1.0 => Some(best.1.clone()),
        _ => None,
    }
}

fn sense_of(maximize: bool) -> Sense {
    if maximize {
        Sense::Maximize
    } else {
        Sense::Minimize
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn scores_lie_in_the_unit_interval_and_are_explained_exactly((seed, e, q) in call()) {
        let d = dataset(&random_call(seed, e, q));
        let p = Pairing::new(&d).unwrap();
        prop_assert_eq!((p.matrix().unwrap().rows(), p.matrix().unwrap().cols()), (e, q));
        let eu: Vec<String> = p.eu_cities().map(|c| c.id().to_owned()).collect();
        let partners: Vec<String> = p.partner_cities().map(|c| c.id().to_owned()).collect();
        prop_assert!(eu.windows(2).all(|w| w[0] < w[1]), "rows by id");
        prop_assert!(partners.windows(2).all(|w| w[0] < w[1]), "columns by id");
        for (i, a) in eu.iter().enumerate() {
            for (j, b) in partners.iter().enumerate() {
                let s = p.matrix().unwrap().get(i, j);
                prop_assert!((0.0..=1.0).contains(&s), "{}", s);
                prop_assert_eq!(p.explain(a, b).unwrap().score.to_bits(), s.to_bits());
                prop_assert_eq!(p.score(a, b).unwrap().to_bits(), s.to_bits());
            }
        }
    }

    #[test]
    fn sum_equals_the_brute_force_optimum((seed, e, q) in call()) {
        let d = dataset(&random_call(seed, e, q));
        let p = Pairing::new(&d).unwrap();
        let s = p.solve(Objective::Sum).unwrap();
        let m = p.matrix().unwrap();
        let best = brute_force(e, q, 0.0, &|_, _| true, &|i, j| m.get(i, j), &|a, b| a > b).unwrap();
        prop_assert!((s.total_score - best).abs() <= 1e-12, "{} vs {}", s.total_score, best);
        prop_assert_eq!(s.pairs.len(), e.min(q));
        prop_assert!(s.certified_optimal);
    }

    #[test]
    fn fair_objectives_trade_total_for_fairness((seed, e, q) in call()) {
        let d = dataset(&random_call(seed, e, q));
        let p = Pairing::new(&d).unwrap();
        let sum = p.solve(Objective::Sum).unwrap();
        let maxmin = p.solve(Objective::MaxMin).unwrap();
        let stable = p.solve(Objective::Stable).unwrap();
        prop_assert!(maxmin.min_score >= sum.min_score);
        prop_assert!(maxmin.min_score >= stable.min_score);
        prop_assert!(sum.total_score >= maxmin.total_score - 1e-12);
        prop_assert!(sum.total_score >= stable.total_score - 1e-12);
        for s in [&sum, &maxmin, &stable] {
            prop_assert_eq!(s.pairs.len(), e.min(q));
            prop_assert_eq!(s.fairness.blocking_pairs, blocking(&p, &positions(&p, s)));
        }
        prop_assert_eq!(stable.fairness.blocking_pairs, 0);
        prop_assert!(stable.certified_optimal);
    }

    #[test]
    fn output_depends_on_ids_not_input_order((seed, e, q) in call(), shuffle in any::<u64>()) {
        let text = random_call(seed, e, q);
        let a = dataset(&text);
        let b = dataset(&shuffled_call(&text, shuffle));
        let (pa, pb) = (Pairing::new(&a).unwrap(), Pairing::new(&b).unwrap());
        prop_assert_eq!(pa.matrix().unwrap(), pb.matrix().unwrap());
        for o in OBJECTIVES {
            let (sa, sb) = (pa.solve(o).unwrap(), pb.solve(o).unwrap());
            prop_assert_eq!(
                serde_json::to_string(&without_timings(&sa)).unwrap(),
                serde_json::to_string(&without_timings(&sb)).unwrap()
            );
        }
    }

    /// Scores are symmetric: moving every EU city to a partner country and every partner city
    /// to an EU country transposes the matrix, bit for bit.
    #[test]
    fn swapping_the_sides_transposes_the_matrix((seed, e, q) in call()) {
        let text = random_call(seed, e, q);
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["call"]["min_population"] = serde_json::json!(0);
        let original = dataset(&doc.to_string());
        for city in doc["cities"].as_array_mut().unwrap() {
            let swapped = if common::EU_COUNTRIES.contains(&city["country"].as_str().unwrap()) {
                "BR"
            } else {
                "PL"
            };
            city["country"] = serde_json::json!(swapped);
        }
        let swapped = dataset(&doc.to_string());
        let (p, s) = (Pairing::new(&original).unwrap(), Pairing::new(&swapped).unwrap());
        let (m, t) = (p.matrix().unwrap(), s.matrix().unwrap());
        prop_assert_eq!((t.rows(), t.cols()), (m.cols(), m.rows()));
        for i in 0..m.rows() {
            for j in 0..m.cols() {
                prop_assert_eq!(m.get(i, j).to_bits(), t.get(j, i).to_bits());
            }
        }
        // The sum optimum is the same total either way round.
        let (a, b) = (p.solve(Objective::Sum).unwrap(), s.solve(Objective::Sum).unwrap());
        prop_assert!((a.total_score - b.total_score).abs() <= 1e-12);
    }

    /// Multiplying every entry by `c > 0` keeps a unique optimum.
    #[test]
    fn scaling_keeps_a_unique_optimum(
        (r, c, m) in int_matrix(),
        scale in prop_oneof![Just(1e-3), Just(0.5), Just(3.0), Just(1e6), 1e-2f64..1e2],
        maximize in any::<bool>(),
    ) {
        let sense = sense_of(maximize);
        let unique = unique_optimum(&m, r, c, sense);
        prop_assume!(unique.is_some());
        let unique = unique.unwrap();
        let a = solve(&m, r, c, sense).unwrap();
        prop_assert_eq!(a.pairs().collect::<Vec<_>>(), unique.clone());
        let scaled: Vec<f64> = m.iter().map(|x| x * scale).collect();
        let b = solve(&scaled, r, c, sense).unwrap();
        b.verify(&scaled).unwrap();
        prop_assert_eq!(b.pairs().collect::<Vec<_>>(), unique);
    }

    /// The bottleneck depends only on the order of the entries: under `x -> x^3 + 2x` the
    /// optimal threshold maps to its image, and the bottleneck assignment's worst pair is the
    /// threshold.
    #[test]
    fn bottleneck_threshold_follows_an_increasing_transform(
        (r, c, m) in int_matrix(),
        maximize in any::<bool>(),
    ) {
        let f = |x: f64| x * x * x + 2.0 * x;
        let sense = sense_of(maximize);
        let t: Vec<f64> = m.iter().map(|&x| f(x)).collect();
        let a = solve_bottleneck(&m, r, c, sense).unwrap();
        let b = solve_bottleneck(&t, r, c, sense).unwrap();
        let ta = a.threshold.unwrap();
        prop_assert_eq!(b.threshold, Some(f(ta)));
        // The threshold is the brute-force best worst pair.
        let worst = |asg: &[(usize, usize)]| {
            let values = asg.iter().map(|&(i, j)| m[i * c + j]);
            if maximize {
                values.fold(f64::INFINITY, f64::min)
            } else {
                values.fold(f64::NEG_INFINITY, f64::max)
            }
        };
        let best = all_assignments(r, c)
            .iter()
            .map(|asg| worst(asg))
            .reduce(|x, y| if maximize { x.max(y) } else { x.min(y) })
            .unwrap();
        prop_assert_eq!(ta, best);
        let pairs: Vec<(usize, usize)> = a.assignment.pairs().collect();
        prop_assert_eq!(worst(&pairs), ta);
        let pairs_t: Vec<(usize, usize)> = b.assignment.pairs().collect();
        prop_assert_eq!(worst(&pairs_t), ta, "the transformed assignment reaches the threshold");
    }

    /// Raising the score of a pair of the unique optimum (or lowering its cost) keeps the whole
    /// assignment; lowering a pair outside it (raising its cost) too.
    #[test]
    fn improving_a_matched_pair_keeps_it_matched(
        (r, c, m) in int_matrix(),
        maximize in any::<bool>(),
        pick in any::<prop::sample::Index>(),
        delta in 0.5f64..50.0,
    ) {
        let sense = sense_of(maximize);
        let unique = unique_optimum(&m, r, c, sense);
        prop_assume!(unique.is_some());
        let unique = unique.unwrap();
        let (i, j) = unique[pick.index(unique.len())];
        let step = if maximize { delta } else { -delta };
        let mut better = m.clone();
        better[i * c + j] += step;
        let a = solve(&better, r, c, sense).unwrap();
        a.verify(&better).unwrap();
        prop_assert_eq!(a.pairs().collect::<Vec<_>>(), unique.clone());
        // Worsening every pair outside the optimum keeps it too.
        let mut worse = m.clone();
        for (k, x) in worse.iter_mut().enumerate() {
            if !unique.contains(&(k / c, k % c)) {
                *x -= step;
            }
        }
        let b = solve(&worse, r, c, sense).unwrap();
        prop_assert_eq!(b.pairs().collect::<Vec<_>>(), unique);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Stable pairings on calls with many ties: zero blocking pairs, and every pair counted
    /// from the definition agrees with the reported figure.
    #[test]
    fn stable_has_no_blocking_pair_even_with_ties(seed in any::<u64>(), e in 1usize..=7, q in 1usize..=7) {
        let mut rng = SplitMix(seed);
        let profiles = [[("housing", 0.5)], [("urban_mobility", 1.0)]];
        let populations = [60_000u64, 600_000];
        let mut cities = Vec::new();
        for k in 0..e + q {
            let country = if k < e { "DE" } else { "US" };
            let id = format!("{:02}-{k}", rng.below(100));
            let profile = &profiles[rng.below(2) as usize];
            let population = populations[rng.below(2) as usize];
            cities.push(common::city_value(&id, country, population, profile, &[]));
        }
        let d = dataset(&common::call_text("2017-09-21", None, &["US"], &cities));
        let p = Pairing::new(&d).unwrap();
        let s = p.solve(Objective::Stable).unwrap();
        prop_assert_eq!(s.pairs.len(), e.min(q));
        prop_assert_eq!(blocking(&p, &positions(&p, &s)), 0);
        prop_assert_eq!(s.fairness.blocking_pairs, 0);
        // And the other objectives are certified on the same ties.
        for o in [Objective::Sum, Objective::MaxMin] {
            let t = p.solve(o).unwrap();
            prop_assert!(t.certified_optimal);
            prop_assert_eq!(t.fairness.blocking_pairs, blocking(&p, &positions(&p, &t)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The stable pairing uses only the order of the scores: a strictly increasing transform
    /// (here x -> x^3 + 2x, then an affine map) leaves it unchanged, ties included.
    #[test]
    fn stable_pairing_is_invariant_under_increasing_transforms((r, c, m) in int_matrix()) {
        let f = |x: f64| 0.5 * (x * x * x + 2.0 * x) + 3.0;
        let t: Vec<f64> = m.iter().map(|&x| f(x)).collect();
        prop_assert_eq!(
            citypair::solver::stable_pairing(&m, r, c).unwrap(),
            citypair::solver::stable_pairing(&t, r, c).unwrap()
        );
    }
}
