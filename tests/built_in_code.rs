//! Pairing on datasets built in code, with or without any feature: what a tool that embeds
//! citypair without `serde` (no JSON) or `rayon` (no threads) relies on. Every objective against
//! brute force, rules, what-ifs, and determinism across input order and builds.

mod common;

use citypair::eligibility::Side;
use citypair::model::{Call, City, Date, Profile, Rules, Theme};
use citypair::pairing::Timings;
use citypair::whatif::Planner;
use citypair::{synthetic, Dataset, Objective, Pairing, Solution};
use common::brute_force;

const OBJECTIVES: [Objective; 3] = [Objective::Sum, Objective::MaxMin, Objective::Stable];

/// `s` with its timings zeroed, the only part allowed to change between runs.
fn untimed(s: &Solution) -> Solution {
    let mut s = s.clone();
    s.timings_ms = Timings::default();
    s
}

/// The pairs of `s` as `(EU id, partner id)`.
fn ids(s: &Solution) -> Vec<(&str, &str)> {
    s.pairs
        .iter()
        .map(|p| (p.eu.as_str(), p.partner.as_str()))
        .collect()
}

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

#[test]
fn every_objective_is_optimal_on_small_generated_calls() {
    for r in 1..=6 {
        for c in 1..=6 {
            for seed in 0..2 {
                let ds = synthetic::call(r, c, seed);
                let p = Pairing::new(&ds).unwrap();
                let m = p.matrix().unwrap();
                assert_eq!((m.rows(), m.cols()), (r, c));
                let at = |i: usize, j: usize| m.get(i, j);

                let sum = p.solve(Objective::Sum).unwrap();
                let best = brute_force(r, c, 0.0, &|_, _| true, &at, &|a, b| a > b).unwrap();
                assert!(
                    (sum.total_score - best).abs() <= 1e-12,
                    "{r}x{c} seed {seed}"
                );
                assert_eq!(sum.pairs.len(), r.min(c));
                assert!(sum.certified_optimal);

                let maxmin = p.solve(Objective::MaxMin).unwrap();
                let val = |i, j| MinSum {
                    min: at(i, j),
                    sum: at(i, j),
                };
                let zero = MinSum {
                    min: f64::INFINITY,
                    sum: 0.0,
                };
                let better =
                    |a: MinSum, b: MinSum| a.min > b.min || (a.min == b.min && a.sum > b.sum);
                let fair = brute_force(r, c, zero, &|_, _| true, &val, &better).unwrap();
                assert_eq!(maxmin.min_score, Some(fair.min), "{r}x{c} seed {seed}");
                assert!((maxmin.total_score - fair.sum).abs() <= 1e-12);

                let stable = p.solve(Objective::Stable).unwrap();
                assert_eq!(stable.fairness.blocking_pairs, 0, "{r}x{c} seed {seed}");
                assert!(sum.total_score >= stable.total_score - 1e-12);
                assert!(maxmin.min_score >= stable.min_score);
            }
        }
    }
}

fn city(id: &str, country: &str, population: u64, challenges: &[(Theme, f64)]) -> City {
    City::builder(id, id, country.parse().unwrap(), population)
        .challenges(Profile::from_pairs(challenges.iter().copied()).unwrap())
        .build()
        .unwrap()
}

#[test]
fn a_call_built_by_hand() {
    let mobility = [(Theme::UrbanMobility, 0.9), (Theme::Housing, 0.1)];
    let air = [(Theme::AirQuality, 0.9), (Theme::Housing, 0.1)];
    let call = Call::builder("by hand", Date::new(2021, 3, 1).unwrap())
        .partner_countries(["BR".parse().unwrap()])
        .build()
        .unwrap();
    let ds = Dataset::new(
        call,
        vec![
            city("poznan", "PL", 534_813, &air),
            city("leeds", "GB", 793_139, &mobility),
            city("lyon", "FR", 516_092, &mobility),
            city("sopot", "PL", 35_719, &air),
            city("recife", "BR", 1_653_461, &air),
            city("curitiba", "BR", 1_948_626, &mobility),
        ],
    )
    .unwrap();
    let p = Pairing::new(&ds).unwrap();
    for o in OBJECTIVES {
        let s = p.solve(o).unwrap();
        assert_eq!(ids(&s), [("lyon", "curitiba"), ("poznan", "recife")], "{o}");
        assert!(s.unmatched.is_empty());
        let excluded: Vec<&str> = s.excluded.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(excluded, ["leeds", "sopot"]);
        assert!(s.excluded[0]
            .reason
            .starts_with("GB was not an EU member state on 2021-03-01"));
    }
    let why = p.explain("lyon", "curitiba").unwrap();
    assert_eq!(why.score, p.score("lyon", "curitiba").unwrap());
}

#[test]
fn rules_apply_to_a_call_built_in_code() {
    let ds = synthetic::call(6, 5, 3);
    let free = Pairing::new(&ds).unwrap().solve(Objective::Sum).unwrap();
    let (first, second) = (&free.pairs[0], &free.pairs[1]);
    // Forbid the optimum's first pair, lock its first EU city with its second partner.
    let forbidden = (first.eu.clone(), first.partner.clone());
    let locked = (first.eu.clone(), second.partner.clone());
    let mut rules = Rules::default();
    rules.forbidden = vec![forbidden.clone()];
    rules.locked = vec![locked.clone()];
    let ds = ds.with_rules(rules.clone()).unwrap();
    let p = Pairing::new(&ds).unwrap();
    let s = p.solve(Objective::Sum).unwrap();
    let pairs: Vec<(String, String)> = s
        .pairs
        .iter()
        .map(|x| (x.eu.clone(), x.partner.clone()))
        .collect();
    assert!(!pairs.contains(&forbidden));
    assert!(pairs.contains(&locked));
    assert!(s.total_score <= free.total_score);
    assert!(s.certified_optimal);
    // A minimum score above every score leaves only the locked pair.
    rules.min_score = Some(1.0);
    let ds = ds.with_rules(rules).unwrap();
    let s = Pairing::new(&ds).unwrap().solve(Objective::Sum).unwrap();
    assert_eq!(s.pairs.len(), 1);
    assert!(s.unmatched.iter().any(|u| u.side == Side::Partner));
}

#[test]
fn what_ifs_match_cold_solves() {
    let ds = synthetic::call(8, 6, 11);
    let p = Pairing::new(&ds).unwrap();
    let best = p.solve(Objective::Sum).unwrap();
    let planner = Planner::new(&p).unwrap();
    planner.verify().unwrap();
    // A partner city withdraws: the warm re-solve equals a cold solve without it.
    let gone = best.pairs[0].partner.clone();
    let warm = planner.resolve(std::slice::from_ref(&gone), &[]).unwrap();
    let (call, mut cities) = ds.clone().into_parts();
    cities.retain(|c| c.id() != gone);
    let without = Dataset::new(call, cities).unwrap();
    let cold = Pairing::new(&without)
        .unwrap()
        .solve(Objective::Sum)
        .unwrap();
    assert!((warm.solution.total_score - cold.total_score).abs() <= 1e-12);
    assert!((warm.diff.loss - (best.total_score - cold.total_score)).abs() <= 1e-12);
    // The best of the ranked alternatives is the optimum; the others are no better.
    let alts = planner.alternatives(4).unwrap();
    assert_eq!(alts.len(), 4);
    assert_eq!(alts[0].diff.loss, 0.0);
    assert!(alts.windows(2).all(|w| w[1].diff.loss >= w[0].diff.loss));
    assert_eq!(planner.regrets().len(), best.pairs.len());
}

#[test]
fn same_result_from_any_input_order_and_either_build() {
    for (r, c, seed) in [(7, 5, 1), (4, 9, 2), (12, 12, 3)] {
        let ds = synthetic::call(r, c, seed);
        let (call, mut cities) = ds.clone().into_parts();
        cities.reverse();
        let reversed = Dataset::new(call, cities).unwrap();
        let parallel = Pairing::builder(&ds).parallel(true).build().unwrap();
        let sequential = Pairing::builder(&ds).parallel(false).build().unwrap();
        let other = Pairing::new(&reversed).unwrap();
        assert_eq!(parallel.matrix().unwrap(), sequential.matrix().unwrap());
        assert_eq!(parallel.matrix().unwrap(), other.matrix().unwrap());
        for o in OBJECTIVES {
            let s = untimed(&parallel.solve(o).unwrap());
            assert_eq!(s, untimed(&sequential.solve(o).unwrap()), "{o}");
            assert_eq!(s.pairs, other.solve(o).unwrap().pairs, "{o}");
        }
    }
}
