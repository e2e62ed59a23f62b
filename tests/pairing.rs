//! The pairing pipeline through the library API: planted optima, brute-force optimality of the
//! three objectives, independence of input order and thread count, eligibility seen through a
//! pairing, and the embedded IUC 2017 dataset.

mod common;

use std::collections::{HashMap, HashSet};

use citypair::eligibility::Side;
use citypair::error::NoPairs;
use citypair::io::{embedded_dataset, parse_dataset};
use citypair::solver::{solve, Sense};
use citypair::{Dataset, Error, Objective, Pairing, Solution};
use common::{
    all_assignments, brute_force, call_text, city_value, random_call, random_profile,
    shuffled_call, without_timings, SplitMix, THEME_KEYS,
};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

const OBJECTIVES: [Objective; 3] = [Objective::Sum, Objective::MaxMin, Objective::Stable];

fn dataset(text: &str) -> Dataset {
    parse_dataset(text, "test").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The score matrix of a pairing as a closure over (row, col), rows and columns by id.
fn score_at<'p>(p: &'p Pairing<'_>) -> impl Fn(usize, usize) -> f64 + 'p {
    move |i, j| p.matrix().unwrap().get(i, j)
}

fn row_ids(p: &Pairing<'_>) -> Vec<String> {
    p.eu_cities().map(|c| c.id().to_owned()).collect()
}

fn col_ids(p: &Pairing<'_>) -> Vec<String> {
    p.partner_cities().map(|c| c.id().to_owned()).collect()
}

/// `(row, col)` of each pair of `s`, in the order of `s.pairs`.
fn positions(p: &Pairing<'_>, s: &Solution) -> Vec<(usize, usize)> {
    let rows: HashMap<String, usize> = row_ids(p).into_iter().zip(0..).collect();
    let cols: HashMap<String, usize> = col_ids(p).into_iter().zip(0..).collect();
    s.pairs
        .iter()
        .map(|q| (rows[&q.eu], cols[&q.partner]))
        .collect()
}

/// `(eu, partner)` ids of each pair.
fn pair_ids(s: &Solution) -> Vec<(String, String)> {
    s.pairs
        .iter()
        .map(|q| (q.eu.clone(), q.partner.clone()))
        .collect()
}

/// The Gini coefficient by the contract's double sum.
fn gini_double_sum(s: &[f64]) -> f64 {
    let n = s.len() as f64;
    let mean = s.iter().sum::<f64>() / n.max(1.0);
    if s.is_empty() || mean == 0.0 {
        return 0.0;
    }
    let double: f64 = s
        .iter()
        .flat_map(|a| s.iter().map(move |b| (a - b).abs()))
        .sum();
    double / (2.0 * n * n * mean)
}

/// Number of (row, col) pairs, not paired together, where both would rather be together.
fn count_blocking(p: &Pairing<'_>, pos: &[(usize, usize)]) -> usize {
    let m = p.matrix().unwrap();
    let mut row_score = vec![None; m.rows()];
    let mut col_score = vec![None; m.cols()];
    for &(i, j) in pos {
        row_score[i] = Some(m.get(i, j));
        col_score[j] = Some(m.get(i, j));
    }
    let together: HashSet<(usize, usize)> = pos.iter().copied().collect();
    let mut count = 0;
    for (i, &row) in row_score.iter().enumerate() {
        for (j, &col) in col_score.iter().enumerate() {
            let s = m.get(i, j);
            let wants = |current: Option<f64>| current.is_none_or(|c| s > c);
            if !together.contains(&(i, j)) && wants(row) && wants(col) {
                count += 1;
            }
        }
    }
    count
}

/// Invariants every solution satisfies, whatever the objective.
fn check_solution(p: &Pairing<'_>, s: &Solution) {
    let (rows, cols) = (row_ids(p), col_ids(p));
    let n = rows.len().min(cols.len());
    assert_eq!(s.pairs.len(), n, "as many pairs as the smaller side");
    assert_eq!(s.call, p.call().name());
    // One-to-one, ordered by EU id.
    assert!(
        s.pairs.windows(2).all(|w| w[0].eu < w[1].eu),
        "pairs by EU id"
    );
    let partners: HashSet<&str> = s.pairs.iter().map(|q| q.partner.as_str()).collect();
    assert_eq!(partners.len(), n, "each partner at most once");
    // Scores are the matrix's, bit for bit, and explained to the bit.
    for (q, (i, j)) in s.pairs.iter().zip(positions(p, s)) {
        assert_eq!(q.score.to_bits(), p.matrix().unwrap().get(i, j).to_bits());
        assert_eq!(
            q.score.to_bits(),
            p.score(&q.eu, &q.partner).unwrap().to_bits()
        );
        assert_eq!(
            q.score.to_bits(),
            p.explain(&q.eu, &q.partner).unwrap().score.to_bits()
        );
        assert!((0.0..=1.0).contains(&q.score), "{}", q.score);
        assert!(q.shared.len() <= 3);
        assert!(q.shared.iter().all(|t| t.contribution > 0.0));
        assert!(q
            .shared
            .windows(2)
            .all(|w| w[0].contribution >= w[1].contribution));
    }
    // Totals and fairness.
    let scores: Vec<f64> = s.pairs.iter().map(|q| q.score).collect();
    let total: f64 = scores.iter().sum();
    assert_eq!(s.total_score, total);
    let min = scores.iter().copied().reduce(f64::min);
    assert_eq!(s.min_score, min);
    assert_eq!(s.fairness.min_score, min);
    if n > 0 {
        assert!((s.fairness.mean_score - total / n as f64).abs() < 1e-12);
    }
    assert!(
        (s.fairness.gini - gini_double_sum(&scores)).abs() < 1e-12,
        "gini {} vs {}",
        s.fairness.gini,
        gini_double_sum(&scores)
    );
    assert_eq!(
        s.fairness.blocking_pairs,
        count_blocking(p, &positions(p, s))
    );
    let worst = s
        .pairs
        .iter()
        .min_by(|a, b| {
            a.score
                .total_cmp(&b.score)
                .then_with(|| a.eu.cmp(&b.eu))
                .then_with(|| a.partner.cmp(&b.partner))
        })
        .unwrap();
    let w = s.fairness.worst_off.as_ref().unwrap();
    assert_eq!(
        (w.eu.as_str(), w.partner.as_str(), w.score.to_bits()),
        (
            worst.eu.as_str(),
            worst.partner.as_str(),
            worst.score.to_bits()
        )
    );
    // Unmatched: exactly the eligible cities without a pair, EU side first, each side by id.
    let paired: HashSet<&str> = s
        .pairs
        .iter()
        .flat_map(|q| [q.eu.as_str(), q.partner.as_str()])
        .collect();
    let expected: Vec<(String, Side)> = rows
        .iter()
        .map(|id| (id.clone(), Side::Eu))
        .chain(cols.iter().map(|id| (id.clone(), Side::Partner)))
        .filter(|(id, _)| !paired.contains(id.as_str()))
        .collect();
    let got: Vec<(String, Side)> = s.unmatched.iter().map(|u| (u.id.clone(), u.side)).collect();
    assert_eq!(got, expected);
    assert!(s.unmatched.iter().all(|u| !u.reason.trim().is_empty()));
    // Excluded cities are the eligibility's, and never paired or unmatched.
    assert_eq!(s.excluded, p.excluded());
    for e in &s.excluded {
        assert!(!paired.contains(e.id.as_str()), "{} is excluded", e.id);
        assert!(s.unmatched.iter().all(|u| u.id != e.id));
        assert!(!e.reason.trim().is_empty());
    }
    match s.objective {
        Objective::Sum | Objective::MaxMin => assert!(s.certified_optimal),
        Objective::Stable => assert_eq!(s.certified_optimal, s.fairness.blocking_pairs == 0),
    }
}

fn solve_checked(p: &Pairing<'_>, objective: Objective) -> Solution {
    let s = p.solve(objective).unwrap();
    assert_eq!(s.objective, objective);
    check_solution(p, &s);
    s
}

// ---------------------------------------------------------------------------------------------
// Planted instances.

/// EU cities each facing one dominant theme (1.0, with some background noise up to 0.1), partner
/// cities with the same dominant themes (0.9, other noise) in shuffled order and with ids that
/// sort differently; `extra` more partners whose dominant themes no EU city has.
fn planted(seed: u64, k: usize, extra: usize) -> (String, Vec<(String, String)>) {
    let mut rng = SplitMix(seed);
    let mut themes: Vec<usize> = (0..THEME_KEYS.len()).collect();
    common::shuffle(&mut rng, &mut themes);
    let noise = |rng: &mut SplitMix, dominant: usize, value: f64| {
        THEME_KEYS
            .iter()
            .enumerate()
            .filter_map(|(t, &key)| {
                if t == dominant {
                    Some((key, value))
                } else if rng.below(2) == 0 {
                    Some((key, rng.unit() * 0.1))
                } else {
                    None
                }
            })
            .collect::<Vec<_>>()
    };
    let mut cities = Vec::new();
    let mut twins = Vec::new();
    for (n, &t) in themes.iter().take(k + extra).enumerate() {
        let partner_id = format!("p{:02}-{}", rng.below(100), THEME_KEYS[t]);
        let population = 300_000 + rng.below(300_000);
        let c = noise(&mut rng, t, 0.9);
        cities.push(city_value(&partner_id, "BR", population, &c, &[]));
        if n < k {
            let eu_id = format!("{}-eu", THEME_KEYS[t]);
            let population = 300_000 + rng.below(300_000);
            let c = noise(&mut rng, t, 1.0);
            cities.push(city_value(&eu_id, "PL", population, &c, &[]));
            twins.push((eu_id, partner_id));
        }
    }
    common::shuffle(&mut rng, &mut cities);
    twins.sort();
    (call_text("2017-09-21", None, &["BR"], &cities), twins)
}

#[test]
fn planted_dominant_themes_pair_with_their_twins() {
    for seed in 0..20 {
        for (k, extra) in [(6, 0), (5, 3), (8, 0), (1, 2)] {
            let (text, twins) = planted(seed, k, extra);
            let d = dataset(&text);
            let p = Pairing::new(&d).unwrap();
            // The plant: every twin pair scores above every other pair.
            let twin_min = twins
                .iter()
                .map(|(e, q)| p.score(e, q).unwrap())
                .fold(f64::INFINITY, f64::min);
            let twin_set: HashSet<&(String, String)> = twins.iter().collect();
            for e in row_ids(&p) {
                for q in col_ids(&p) {
                    if !twin_set.contains(&(e.clone(), q.clone())) {
                        assert!(p.score(&e, &q).unwrap() < twin_min, "seed {seed}");
                    }
                }
            }
            for o in OBJECTIVES {
                let s = solve_checked(&p, o);
                assert_eq!(pair_ids(&s), twins, "seed {seed}, {k}+{extra}, {o}");
                assert_eq!(s.unmatched.len(), extra);
                assert!(s.unmatched.iter().all(|u| u.side == Side::Partner));
                assert_eq!(s.fairness.blocking_pairs, 0);
            }
        }
    }
}

#[test]
fn identical_profiles_of_equal_size_pair_with_each_other() {
    for seed in 0..20 {
        let mut rng = SplitMix(1000 + seed);
        let n = 2 + rng.below(6) as usize;
        let mut cities = Vec::new();
        let mut twins = Vec::new();
        for (k, &fallback) in THEME_KEYS.iter().enumerate().take(n) {
            let mut profile = random_profile(&mut rng, 0.6);
            profile.retain(|&(_, v)| v > 0.0);
            if profile.is_empty() {
                profile.push((fallback, 0.5));
            }
            let population = 100_000 + 37_000 * k as u64;
            let eu = format!("e{}-{k}", rng.below(1000));
            let partner = format!("p{}-{k}", rng.below(1000));
            cities.push(city_value(&eu, "DE", population, &profile, &[]));
            cities.push(city_value(&partner, "MX", population, &profile, &[]));
            twins.push((eu, partner));
        }
        common::shuffle(&mut rng, &mut cities);
        twins.sort();
        let d = dataset(&call_text("2017-09-21", None, &["MX"], &cities));
        let p = Pairing::new(&d).unwrap();
        for (e, q) in &twins {
            // Cosine 1, size 1, no expertise: 0.6 + 0.15.
            let s = p.score(e, q).unwrap();
            assert!((s - 0.75).abs() < 1e-12, "{e}-{q}: {s}");
        }
        // Profiles can coincide by chance; the twins are then tied with other pairs.
        let max_other = row_ids(&p)
            .iter()
            .flat_map(|e| col_ids(&p).into_iter().map(move |q| (e.clone(), q)))
            .filter(|pair| !twins.contains(pair))
            .map(|(e, q)| p.score(&e, &q).unwrap())
            .fold(0.0, f64::max);
        for o in OBJECTIVES {
            let s = solve_checked(&p, o);
            if max_other < 0.75 - 1e-9 {
                assert_eq!(pair_ids(&s), twins, "seed {seed}, {o}");
            }
            assert!(
                (s.total_score - 0.75 * n as f64).abs() < 1e-9,
                "seed {seed}, {o}"
            );
            assert!(s.unmatched.is_empty());
        }
    }
}

#[test]
fn all_equal_scores_pair_by_id_order() {
    // Five EU and four partner cities, all alike: every score is equal, and the tie rules decide.
    let profile = [("housing", 0.4), ("urban_mobility", 0.8)];
    let eu = ["eu-c", "eu-a", "eu-e", "eu-b", "eu-d"];
    let partners = ["pt-3", "pt-1", "pt-4", "pt-2"];
    let mut cities: Vec<_> = eu
        .iter()
        .map(|id| city_value(id, "FR", 200_000, &profile, &[]))
        .collect();
    cities.extend(
        partners
            .iter()
            .map(|id| city_value(id, "JP", 200_000, &profile, &[])),
    );
    let d = dataset(&call_text("2017-09-21", None, &["JP"], &cities));
    let p = Pairing::new(&d).unwrap();
    let stable = solve_checked(&p, Objective::Stable);
    // Greedy: ties by the smaller EU id, then the smaller partner id.
    let expected = [
        ("eu-a", "pt-1"),
        ("eu-b", "pt-2"),
        ("eu-c", "pt-3"),
        ("eu-d", "pt-4"),
    ];
    let got: Vec<(&str, &str)> = stable
        .pairs
        .iter()
        .map(|q| (q.eu.as_str(), q.partner.as_str()))
        .collect();
    assert_eq!(got, expected);
    for o in OBJECTIVES {
        let s = solve_checked(&p, o);
        assert_eq!(s.fairness.gini, 0.0);
        assert_eq!(s.unmatched.len(), 1);
        assert_eq!(s.unmatched[0].side, Side::Eu);
        // Every pair has the same score: worst off is the smallest EU id.
        assert_eq!(s.fairness.worst_off.as_ref().unwrap().eu, s.pairs[0].eu);
    }
}

#[test]
fn all_zero_scores_give_zero_gini_and_mean() {
    // Size is the only weight, and the populations differ by more than a factor of 1000.
    let cities = [
        city_value("big", "IT", 20_000_000, &[("housing", 1.0)], &[]),
        city_value("huge", "IT", 30_000_000, &[("housing", 1.0)], &[]),
        city_value("tiny", "AR", 10, &[("housing", 1.0)], &[]),
        city_value("wee", "AR", 0, &[("housing", 1.0)], &[]),
    ];
    let text = call_text("2017-09-21", None, &["AR"], &cities).replacen(
        "\"date\"",
        "\"weights\": {\"challenges\": 0, \"expertise\": 0, \"size\": 1}, \"date\"",
        1,
    );
    let d = dataset(&text);
    let p = Pairing::new(&d).unwrap();
    assert!(p.matrix().unwrap().as_slice().iter().all(|&x| x == 0.0));
    for o in OBJECTIVES {
        let s = solve_checked(&p, o);
        assert_eq!(s.pairs.len(), 2);
        assert_eq!((s.total_score, s.min_score), (0.0, Some(0.0)));
        assert_eq!((s.fairness.mean_score, s.fairness.gini), (0.0, 0.0));
    }
}

// ---------------------------------------------------------------------------------------------
// Optimality against brute force and pathfinding.

/// Lowest and total score of a partial assignment, for brute force over (min, total).
#[derive(Clone, Copy, Debug)]
struct MinSum {
    min: f64,
    sum: f64,
}

impl std::ops::Add for MinSum {
    type Output = MinSum;
    fn add(self, o: MinSum) -> MinSum {
        MinSum {
            min: self.min.min(o.min),
            sum: self.sum + o.sum,
        }
    }
}

fn sizes() -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for r in 1..=7 {
        for c in 1..=7 {
            v.push((r, c));
        }
    }
    v
}

#[test]
fn sum_is_the_brute_force_maximum() {
    for (k, (r, c)) in sizes().into_iter().enumerate() {
        for seed in 0..3 {
            let d = dataset(&random_call(k as u64 * 31 + seed, r, c));
            let p = Pairing::new(&d).unwrap();
            assert_eq!(
                (p.matrix().unwrap().rows(), p.matrix().unwrap().cols()),
                (r, c)
            );
            let s = solve_checked(&p, Objective::Sum);
            let at = score_at(&p);
            let best = brute_force(r, c, 0.0, &|_, _| true, &at, &|a, b| a > b).unwrap();
            assert!(
                (s.total_score - best).abs() <= 1e-12,
                "{r}x{c} seed {seed}: {} vs brute force {best}",
                s.total_score
            );
            assert_eq!(s.price_of_fairness.sum_total, s.total_score);
            assert_eq!(s.price_of_fairness.loss, 0.0);
        }
    }
}

#[test]
fn maxmin_is_the_brute_force_max_min_then_best_total() {
    for (k, (r, c)) in sizes().into_iter().enumerate() {
        for seed in 0..3 {
            let d = dataset(&random_call(k as u64 * 37 + seed + 5000, r, c));
            let p = Pairing::new(&d).unwrap();
            let s = solve_checked(&p, Objective::MaxMin);
            let at = score_at(&p);
            let val = |i, j| {
                let x = at(i, j);
                MinSum { min: x, sum: x }
            };
            let zero = MinSum {
                min: f64::INFINITY,
                sum: 0.0,
            };
            // Lexicographic: higher minimum, then (beyond rounding) higher total.
            let better = |a: MinSum, b: MinSum| a.min > b.min || (a.min == b.min && a.sum > b.sum);
            let best = brute_force(r, c, zero, &|_, _| true, &val, &better).unwrap();
            assert_eq!(s.min_score, Some(best.min), "{r}x{c} seed {seed}");
            assert_eq!(s.threshold, Some(best.min));
            assert!(
                (s.total_score - best.sum).abs() <= 1e-12,
                "{r}x{c} seed {seed}: total {} vs {}",
                s.total_score,
                best.sum
            );
        }
    }
}

#[test]
fn stable_has_no_blocking_pair_and_is_the_unique_stable_pairing_with_distinct_scores() {
    for (k, (r, c)) in sizes().into_iter().enumerate() {
        for seed in 0..3 {
            let d = dataset(&random_call(k as u64 * 41 + seed + 9000, r, c));
            let p = Pairing::new(&d).unwrap();
            let s = solve_checked(&p, Objective::Stable);
            let mine = positions(&p, &s);
            assert_eq!(count_blocking(&p, &mine), 0, "{r}x{c} seed {seed}");
            assert_eq!(s.fairness.blocking_pairs, 0);
            assert!(s.certified_optimal);
            let mut values: Vec<u64> = p
                .matrix()
                .unwrap()
                .as_slice()
                .iter()
                .map(|x| x.to_bits())
                .collect();
            values.sort_unstable();
            values.dedup();
            if values.len() == r * c {
                let stable: Vec<Vec<(usize, usize)>> = all_assignments(r, c)
                    .into_iter()
                    .filter(|a| count_blocking(&p, a) == 0)
                    .collect();
                let mut sorted = mine.clone();
                sorted.sort_unstable();
                assert_eq!(stable, vec![sorted], "{r}x{c} seed {seed}");
            }
        }
    }
}

#[test]
fn objectives_compare_as_documented() {
    for seed in 0..60 {
        let (r, c) = (2 + seed as usize % 6, 2 + (seed as usize / 6) % 6);
        let d = dataset(&random_call(seed + 20_000, r, c));
        let p = Pairing::new(&d).unwrap();
        let sum = solve_checked(&p, Objective::Sum);
        let maxmin = solve_checked(&p, Objective::MaxMin);
        let stable = solve_checked(&p, Objective::Stable);
        assert!(maxmin.min_score >= sum.min_score, "seed {seed}");
        assert!(maxmin.min_score >= stable.min_score, "seed {seed}");
        for other in [&maxmin, &stable] {
            assert!(sum.total_score >= other.total_score - 1e-12, "seed {seed}");
            assert_eq!(other.price_of_fairness.sum_total, sum.total_score);
            assert!(
                (other.price_of_fairness.loss - (sum.total_score - other.total_score)).abs()
                    < 1e-12
            );
        }
    }
}

/// A random `rows x cols` matrix of integers in `[lo, hi]`.
fn int_matrix(rng: &mut SplitMix, rows: usize, cols: usize, lo: i64, hi: i64) -> Vec<i64> {
    (0..rows * cols)
        .map(|_| lo + rng.below((hi - lo + 1) as u64) as i64)
        .collect()
}

fn transpose<T: Copy>(m: &[T], rows: usize, cols: usize) -> Vec<T> {
    (0..cols)
        .flat_map(|j| (0..rows).map(move |i| m[i * cols + j]))
        .collect()
}

#[test]
fn solver_matches_kuhn_munkres_up_to_60() {
    let mut rng = SplitMix(77);
    let mut shapes = vec![(1, 1), (1, 60), (60, 1), (60, 60), (59, 60), (60, 59)];
    for _ in 0..40 {
        shapes.push((1 + rng.below(60) as usize, 1 + rng.below(60) as usize));
    }
    for (k, &(r, c)) in shapes.iter().enumerate() {
        let (lo, hi) = if k % 3 == 0 { (0, 5) } else { (-1000, 1000) };
        let m = int_matrix(&mut rng, r, c, lo, hi);
        let a = solve(&m, r, c, Sense::Maximize).unwrap();
        a.verify(&m).unwrap();
        // pathfinding needs rows <= columns: give it the transpose of a tall matrix.
        let (pr, pc, pm) = if r <= c {
            (r, c, m.clone())
        } else {
            (c, r, transpose(&m, r, c))
        };
        let (km_total, _) = kuhn_munkres(&Matrix::from_vec(pr, pc, pm.clone()).unwrap());
        assert_eq!(a.total(), i128::from(km_total), "{r}x{c} maximise");
        let pairs: Vec<(usize, usize)> = a.pairs().collect();
        assert_eq!(pairs.len(), r.min(c));
        assert_eq!(
            pairs.iter().map(|&(i, j)| m[i * c + j]).sum::<i64>(),
            km_total
        );
        let cols: HashSet<usize> = pairs.iter().map(|p| p.1).collect();
        assert_eq!(cols.len(), pairs.len());
        // Minimising is maximising the negation.
        let neg: Vec<i64> = pm.iter().map(|x| -x).collect();
        let (km_neg, _) = kuhn_munkres(&Matrix::from_vec(pr, pc, neg).unwrap());
        let b = solve(&m, r, c, Sense::Minimize).unwrap();
        b.verify(&m).unwrap();
        assert_eq!(b.total(), -i128::from(km_neg), "{r}x{c} minimise");
    }
}

// ---------------------------------------------------------------------------------------------
// Determinism: input order and threads.

/// A call with many ties: groups of cities sharing one profile and one population.
fn tied_call(seed: u64) -> String {
    let mut rng = SplitMix(seed);
    let groups: Vec<Vec<(&str, f64)>> = (0..3)
        .map(|_| {
            let mut p = random_profile(&mut rng, 0.4);
            p.retain(|&(_, v)| v > 0.0);
            if p.is_empty() {
                p.push(("housing", 0.3));
            }
            p
        })
        .collect();
    let expertise = [("energy_transition", 0.5)];
    let mut cities = Vec::new();
    for k in 0..13 {
        let g = &groups[k % 3];
        let (country, id) = if k < 7 {
            ("ES", format!("eu{:02}", rng.below(100)))
        } else {
            ("IN", format!("pa{:02}", rng.below(100)))
        };
        let id = format!("{id}-{k}");
        let e: &[(&str, f64)] = if k % 4 == 0 { &expertise } else { &[] };
        cities.push(city_value(&id, country, 250_000, g, e));
    }
    call_text("2017-09-21", None, &["IN", "BR", "AR"], &cities)
}

fn all_objectives_json(d: &Dataset) -> Vec<serde_json::Value> {
    let p = Pairing::new(d).unwrap();
    OBJECTIVES
        .iter()
        .map(|&o| without_timings(&p.solve(o).unwrap()))
        .collect()
}

#[test]
fn shuffled_input_gives_the_same_solution() {
    let mut texts: Vec<String> = (0..8).map(|s| random_call(300 + s, 6, 4)).collect();
    texts.extend((0..8).map(|s| random_call(400 + s, 3, 7)));
    texts.extend((0..8).map(tied_call));
    let embedded = citypair::io::EMBEDDED_DATASET.to_owned();
    texts.push(embedded);
    for (k, text) in texts.iter().enumerate() {
        let reference = all_objectives_json(&dataset(text));
        for seed in 0..3 {
            let shuffled = dataset(&shuffled_call(text, seed * 7 + k as u64));
            let got = all_objectives_json(&shuffled);
            assert_eq!(got, reference, "text #{k}, shuffle {seed}");
            // Byte-identical serialisation too.
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&reference).unwrap()
            );
        }
    }
}

#[test]
fn tied_calls_are_deterministic_by_id() {
    // With ties, the result must not depend on the order the cities came in: the pair list is
    // the same after a shuffle (checked above) and every tie goes to ids, not positions.
    for seed in 0..8 {
        let d = dataset(&tied_call(seed));
        let p = Pairing::new(&d).unwrap();
        for o in OBJECTIVES {
            solve_checked(&p, o);
        }
    }
}

#[cfg(feature = "rayon")]
#[test]
fn thread_count_does_not_change_anything() {
    let texts = [
        citypair::io::EMBEDDED_DATASET.to_owned(),
        random_call(5, 7, 6),
        tied_call(3),
    ];
    for text in &texts {
        let d = dataset(text);
        let run = |threads: usize, parallel: bool| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let p = Pairing::builder(&d).parallel(parallel).build().unwrap();
                let bits: Vec<u64> = p
                    .matrix()
                    .unwrap()
                    .as_slice()
                    .iter()
                    .map(|x| x.to_bits())
                    .collect();
                let json: Vec<String> = OBJECTIVES
                    .iter()
                    .map(|&o| {
                        serde_json::to_string(&without_timings(&p.solve(o).unwrap())).unwrap()
                    })
                    .collect();
                (bits, json)
            })
        };
        let one = run(1, true);
        assert_eq!(run(2, true), one);
        assert_eq!(run(4, true), one);
        assert_eq!(run(2, false), one, "sequential matrix build");
        let seq = Pairing::builder(&d).parallel(false).build().unwrap();
        let par = Pairing::builder(&d).parallel(true).build().unwrap();
        assert_eq!(seq.matrix().unwrap(), par.matrix().unwrap());
    }
}

// ---------------------------------------------------------------------------------------------
// Eligibility seen through a pairing.

fn eligibility_call(date: &str) -> Dataset {
    let h = [("housing", 0.6), ("urban_mobility", 0.3)];
    let cities = [
        city_value("leeds", "GB", 793_139, &h, &[]),
        city_value("zagreb", "HR", 790_017, &h, &[]),
        city_value("lublin", "PL", 339_784, &h, &[]),
        city_value("sopot", "PL", 35_719, &h, &[]),
        city_value("exact", "PL", 50_000, &h, &[]),
        city_value("recife", "BR", 1_653_461, &h, &[]),
        city_value("curitiba", "BR", 1_948_626, &h, &[]),
        city_value("tiny-br", "BR", 12, &h, &[]),
        city_value("oslo", "NO", 697_010, &h, &[]),
    ];
    dataset(&call_text(date, None, &["BR"], &cities))
}

fn reason_of<'s>(s: &'s Solution, id: &str) -> Option<&'s str> {
    s.excluded
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.reason.as_str())
}

fn is_paired(s: &Solution, id: &str) -> bool {
    s.pairs.iter().any(|q| q.eu == id || q.partner == id)
}

#[test]
fn the_united_kingdom_before_and_after_withdrawal() {
    let d = eligibility_call("2017-09-21");
    let p = Pairing::new(&d).unwrap();
    assert!(row_ids(&p).contains(&"leeds".to_owned()));
    assert!(solve_checked(&p, Objective::Sum)
        .excluded
        .iter()
        .all(|e| e.id != "leeds"));
    // A call where Leeds is the only EU city pairs it.
    let only_leeds = dataset(&call_text(
        "2017-09-21",
        None,
        &["BR"],
        &[
            city_value("leeds", "GB", 793_139, &[("housing", 0.5)], &[]),
            city_value("recife", "BR", 1_653_461, &[("housing", 0.5)], &[]),
        ],
    ));
    for o in OBJECTIVES {
        let s = solve_checked(&Pairing::new(&only_leeds).unwrap(), o);
        assert_eq!(pair_ids(&s), [("leeds".to_owned(), "recife".to_owned())]);
        assert!(s.excluded.is_empty());
    }

    let d = eligibility_call("2021-03-01");
    let p = Pairing::new(&d).unwrap();
    assert!(!row_ids(&p).contains(&"leeds".to_owned()));
    for o in OBJECTIVES {
        let s = solve_checked(&p, o);
        let r = reason_of(&s, "leeds").expect("leeds is excluded");
        assert!(r.contains("GB"), "{r}");
        assert!(r.contains("2021-03-01"), "{r}");
        assert!(
            r.starts_with("GB was not an EU member state on 2021-03-01"),
            "{r}"
        );
        assert!(!is_paired(&s, "leeds"));
    }
}

#[test]
fn croatia_before_and_after_accession() {
    let before = eligibility_call("2012-06-01");
    let s = solve_checked(&Pairing::new(&before).unwrap(), Objective::Sum);
    let r = reason_of(&s, "zagreb").expect("zagreb is excluded in 2012");
    assert!(r.contains("HR") && r.contains("2012-06-01"), "{r}");
    assert!(!is_paired(&s, "zagreb"));

    let after = eligibility_call("2014-01-01");
    let p = Pairing::new(&after).unwrap();
    assert!(row_ids(&p).contains(&"zagreb".to_owned()));
    let s = solve_checked(&p, Objective::Sum);
    assert!(reason_of(&s, "zagreb").is_none());
}

#[test]
fn small_eu_cities_are_excluded_stating_both_numbers() {
    for date in ["2017-09-21", "2021-03-01"] {
        let d = eligibility_call(date);
        let p = Pairing::new(&d).unwrap();
        for o in OBJECTIVES {
            let s = solve_checked(&p, o);
            let r = reason_of(&s, "sopot").expect("sopot is below the minimum");
            assert!(r.contains("35719") && r.contains("50000"), "{r}");
            // Exactly the minimum is not below it; partner cities have no minimum.
            assert!(reason_of(&s, "exact").is_none());
            assert!(reason_of(&s, "tiny-br").is_none());
            assert!(reason_of(&s, "oslo").is_some_and(|r| r.contains("NO")));
            // Excluded ids, in id order.
            let ids: Vec<&str> = s.excluded.iter().map(|e| e.id.as_str()).collect();
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            assert_eq!(ids, sorted);
        }
    }
    // A custom minimum is stated as given.
    let text = call_text(
        "2017-09-21",
        Some(400_000),
        &["BR"],
        &[
            city_value("lublin", "PL", 339_784, &[("housing", 0.5)], &[]),
            city_value("warsaw", "PL", 1_790_658, &[("housing", 0.5)], &[]),
            city_value("recife", "BR", 1_653_461, &[("housing", 0.5)], &[]),
        ],
    );
    let s = solve_checked(&Pairing::new(&dataset(&text)).unwrap(), Objective::Sum);
    let r = reason_of(&s, "lublin").unwrap();
    assert!(r.contains("339784") && r.contains("400000"), "{r}");
    assert_eq!(pair_ids(&s), [("warsaw".to_owned(), "recife".to_owned())]);
}

#[test]
fn unmatched_lists_exactly_the_eligible_cities_left_over() {
    for date in ["2017-09-21", "2021-03-01", "2012-06-01"] {
        let d = eligibility_call(date);
        let p = Pairing::new(&d).unwrap();
        let eligible: HashSet<String> = row_ids(&p).into_iter().chain(col_ids(&p)).collect();
        for o in OBJECTIVES {
            let s = solve_checked(&p, o);
            let mut accounted: Vec<String> = s
                .pairs
                .iter()
                .flat_map(|q| [q.eu.clone(), q.partner.clone()])
                .chain(s.unmatched.iter().map(|u| u.id.clone()))
                .collect();
            accounted.sort();
            let mut expected: Vec<String> = eligible.iter().cloned().collect();
            expected.sort();
            assert_eq!(accounted, expected, "{date} {o}");
            // Every input city is paired, unmatched or excluded, exactly once.
            let mut all: Vec<String> = accounted;
            all.extend(s.excluded.iter().map(|e| e.id.clone()));
            all.sort();
            let mut input: Vec<String> = d.cities().iter().map(|c| c.id().to_owned()).collect();
            input.sort();
            assert_eq!(all, input);
        }
    }
}

#[test]
fn a_call_without_one_side_says_why() {
    let h = [("housing", 0.5)];
    let only_eu = dataset(&call_text(
        "2017-09-21",
        None,
        &["BR"],
        &[
            city_value("lublin", "PL", 339_784, &h, &[]),
            city_value("leeds", "GB", 793_139, &h, &[]),
        ],
    ));
    match Pairing::new(&only_eu) {
        Err(Error::NoPairs { reason, .. }) => {
            let text = reason.to_string();
            assert!(text.contains("no eligible partner city"), "{text}");
            assert!(text.contains("BR"), "{text}");
            match reason {
                NoPairs::NoPartnerCity {
                    partner_countries,
                    eu,
                    excluded,
                    ..
                } => {
                    assert_eq!(partner_countries, ["BR".parse().unwrap()]);
                    assert_eq!((eu, excluded), (2, 0));
                }
                other => panic!("expected NoPartnerCity, got {other:?}"),
            }
        }
        other => panic!("expected NoPairs, got {other:?}"),
    }
    let only_partners = dataset(&call_text(
        "2017-09-21",
        None,
        &["BR"],
        &[
            city_value("recife", "BR", 1_653_461, &h, &[]),
            city_value("sopot", "PL", 35_719, &h, &[]),
        ],
    ));
    match Pairing::new(&only_partners) {
        Err(Error::NoPairs { reason, .. }) => {
            assert!(
                matches!(
                    reason,
                    NoPairs::NoEuCity {
                        partners: 1,
                        excluded: 1,
                        ..
                    }
                ),
                "{reason:?}"
            );
            assert!(
                reason.to_string().contains("no eligible EU city"),
                "{reason}"
            );
        }
        other => panic!("expected NoPairs, got {other:?}"),
    }
    // After Brexit, a UK-only EU side is empty.
    let brexit = dataset(&call_text(
        "2021-03-01",
        None,
        &["BR"],
        &[
            city_value("leeds", "GB", 793_139, &h, &[]),
            city_value("recife", "BR", 1_653_461, &h, &[]),
        ],
    ));
    assert!(matches!(Pairing::new(&brexit), Err(Error::NoPairs { .. })));
    let empty = dataset(&call_text("2017-09-21", None, &["BR"], &[]));
    match Pairing::new(&empty) {
        Err(e @ Error::NoPairs { .. }) => {
            assert!(e.to_string().starts_with("no pair can be formed"), "{e}");
        }
        other => panic!("expected NoPairs, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The embedded IUC 2017 dataset.

#[test]
fn embedded_dataset_pairs_every_partner_optimally() {
    let d = embedded_dataset().unwrap();
    let p = Pairing::new(&d).unwrap();
    assert_eq!(p.eu_cities().len(), 191);
    assert_eq!(p.partner_cities().len(), 128);
    assert!(p
        .matrix()
        .unwrap()
        .as_slice()
        .iter()
        .all(|x| (0.0..=1.0).contains(x)));
    let mut solutions = Vec::new();
    for o in OBJECTIVES {
        let s = solve_checked(&p, o);
        assert_eq!(s.call, "IUC 2017");
        let partners: HashSet<&str> = s.pairs.iter().map(|q| q.partner.as_str()).collect();
        let all: HashSet<String> = col_ids(&p).into_iter().collect();
        assert_eq!(partners.len(), 128);
        assert!(all.iter().all(|id| partners.contains(id.as_str())));
        assert_eq!(s.unmatched.len(), 191 - 128);
        assert!(s.unmatched.iter().all(|u| u.side == Side::Eu));
        assert!(s.certified_optimal, "{o}");
        solutions.push(s);
    }
    let (sum, maxmin, stable) = (&solutions[0], &solutions[1], &solutions[2]);
    assert!(maxmin.min_score >= sum.min_score);
    assert!(sum.total_score >= maxmin.total_score && sum.total_score >= stable.total_score);
    assert_eq!(stable.fairness.blocking_pairs, 0);

    // An independent check of the sum optimum: pathfinding on the scores rounded to 1e-6
    // (partners as rows, since pathfinding needs rows <= columns). Its assignment is within
    // 128 roundings of the true optimum, in both directions.
    let (r, c) = (p.matrix().unwrap().rows(), p.matrix().unwrap().cols());
    let scaled: Vec<i64> = p
        .matrix()
        .unwrap()
        .as_slice()
        .iter()
        .map(|x| (x * 1e6).round() as i64)
        .collect();
    let t = transpose(&scaled, r, c);
    let (_, assignment) = kuhn_munkres(&Matrix::from_vec(c, r, t).unwrap());
    let km_total: f64 = assignment
        .iter()
        .enumerate()
        .map(|(j, &i)| p.matrix().unwrap().get(i, j))
        .sum();
    assert!(sum.total_score >= km_total - 1e-9);
    assert!(sum.total_score - km_total <= 128.0 * 1e-6);
}

#[test]
fn embedded_dataset_fairness_by_the_contract_formulas() {
    let d = embedded_dataset().unwrap();
    let p = Pairing::new(&d).unwrap();
    for o in OBJECTIVES {
        let s = p.solve(o).unwrap();
        let scores: Vec<f64> = s.pairs.iter().map(|q| q.score).collect();
        assert!((s.fairness.gini - gini_double_sum(&scores)).abs() < 1e-12);
        let w = s.fairness.worst_off.as_ref().unwrap();
        let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(w.score, min);
        let first = s.pairs.iter().find(|q| q.score == min).unwrap();
        assert_eq!((&w.eu, &w.partner), (&first.eu, &first.partner));
        for q in &s.pairs {
            assert_eq!(
                p.explain(&q.eu, &q.partner).unwrap().score.to_bits(),
                q.score.to_bits()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reasons and capacities.

#[test]
fn unmatched_reasons_do_not_claim_a_strict_loss_on_ties() {
    // One EU city and two identical partner cities: pairing it with either gives the same
    // total and the same lowest score, so the unpaired partner lost a tie, not a comparison.
    let h = [("housing", 1.0)];
    let d = dataset(&call_text(
        "2017-09-21",
        None,
        &["BR"],
        &[
            city_value("a", "PL", 60_000, &h, &[]),
            city_value("b", "BR", 60_000, &h, &[]),
            city_value("c", "BR", 60_000, &h, &[]),
        ],
    ));
    let p = Pairing::new(&d).unwrap();
    assert_eq!(p.score("a", "b").unwrap(), p.score("a", "c").unwrap());
    let mut wrong = Vec::new();
    for o in OBJECTIVES {
        let s = solve_checked(&p, o);
        assert_eq!(pair_ids(&s), [("a".to_owned(), "b".to_owned())], "{o}");
        let reason = &s.unmatched[0].reason;
        // A true reason says no pairing with c is *better* (or that c lost a tie), not that
        // every pairing with c is worse.
        let non_strict = reason.split(|c: char| !c.is_alphanumeric()).any(|w| {
            [
                "tie", "tied", "ties", "equal", "equally", "higher", "better",
            ]
            .contains(&w)
        });
        if !non_strict {
            wrong.push(format!("{o}: {reason}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "the pairing {{a-c}} is as good as {{a-b}} under every objective, but the reason for c \
         claims a strict loss:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_city_capacity_is_honoured_or_rejected() {
    // The contract: `"capacity": k` lets a city join up to k pairs, each listed. A capacity the
    // library cannot honour must be an error (as the programme rules are), never ignored.
    let h = [("housing", 1.0)];
    let mut hub = city_value("a", "PL", 60_000, &h, &[]);
    hub["capacity"] = serde_json::json!(2);
    let text = call_text(
        "2017-09-21",
        None,
        &["BR"],
        &[
            hub,
            city_value("b", "BR", 60_000, &h, &[]),
            city_value("c", "BR", 60_000, &h, &[]),
        ],
    );
    let d = match parse_dataset(&text, "test") {
        Ok(d) => d,
        Err(e) => {
            assert!(e.to_string().contains("capacity"), "{e}");
            return;
        }
    };
    let p = match Pairing::new(&d) {
        Ok(p) => p,
        Err(e) => {
            assert!(e.to_string().contains("capacity"), "{e}");
            return;
        }
    };
    match p.solve(Objective::Sum) {
        Ok(s) => assert_eq!(
            pair_ids(&s),
            [
                ("a".to_owned(), "b".to_owned()),
                ("a".to_owned(), "c".to_owned())
            ],
            "capacity 2 with two equal partners: both are paired with it; unmatched: {:?}",
            s.unmatched
        ),
        Err(e) => assert!(e.to_string().contains("capacity"), "{e}"),
    }
}
