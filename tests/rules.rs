//! Programme rules against brute force: every rule as a filter over all pairings of small calls.
#![cfg(feature = "testing")] // the generators of `citypair::testing`

mod common;

use citypair::eligibility::Side;
use citypair::error::Infeasibility;
use citypair::model::Quota;
use citypair::{testing, Error, Objective, Pairing};
use proptest::prelude::*;

/// The best feasible pairings by brute force, as figures.
#[derive(Debug, Default)]
struct Brute {
    /// Best total, and the most pairs among pairings with it (`sum`).
    sum: Option<(f64, usize)>,
    /// Most pairs, best lowest unlocked score (`None` when all are locked), best total
    /// (`maxmin`).
    maxmin: Option<(usize, Option<f64>, f64)>,
}

/// The brute-force optima over every pairing that keeps the rules.
fn brute(p: &Pairing<'_>) -> Brute {
    let rules = p.rules();
    let m = p.matrix().unwrap();
    let tol = 1e-9;
    let mut out = Brute::default();
    for (set, total) in common::feasible_pairings(p) {
        let n = set.len();
        let low = set
            .iter()
            .filter(|&&(i, j)| !rules.is_locked(i, j))
            .map(|&(i, j)| m.get(i, j))
            .reduce(f64::min);
        out.sum = match out.sum {
            Some((t, k)) if t > total + tol || (t >= total - tol && k >= n) => Some((t, k)),
            Some((t, _)) if (t - total).abs() <= tol => Some((t.max(total), n)),
            _ => Some((total, n)),
        };
        let better = match out.maxmin {
            None => true,
            Some((k, l, t)) => {
                n > k
                    || (n == k
                        && (low.partial_cmp(&l) == Some(std::cmp::Ordering::Greater)
                            || (low == l && total > t + tol)))
            }
        };
        if better {
            out.maxmin = Some((n, low, total));
        }
    }
    out
}

/// Checks a solution keeps every rule.
fn keeps_rules(p: &Pairing<'_>, s: &citypair::Solution) {
    let rules = p.rules();
    let eu: Vec<&str> = p.eu_cities().map(citypair::City::id).collect();
    let pa: Vec<&str> = p.partner_cities().map(citypair::City::id).collect();
    let idx: Vec<(usize, usize)> = s
        .pairs
        .iter()
        .map(|x| {
            (
                eu.binary_search(&x.eu.as_str()).unwrap(),
                pa.binary_search(&x.partner.as_str()).unwrap(),
            )
        })
        .collect();
    for &(i, j) in &idx {
        assert!(
            rules.is_locked(i, j) || rules.allows(i, j, p.matrix().unwrap().get(i, j)),
            "pair ({i}, {j}) breaks a rule"
        );
    }
    for l in &rules.locked {
        assert!(idx.contains(l), "locked pair {l:?} missing");
    }
    for i in 0..eu.len() {
        assert!(idx.iter().filter(|p| p.0 == i).count() <= rules.row_cap[i]);
    }
    for j in 0..pa.len() {
        assert!(idx.iter().filter(|p| p.1 == j).count() <= rules.col_cap[j]);
    }
    for q in &rules.quotas {
        let n = idx
            .iter()
            .filter(|&&(i, j)| q.members.contains(if q.side == Side::Eu { &i } else { &j }))
            .count();
        assert!(
            n >= q.min && q.max.is_none_or(|m| n <= m),
            "{} broken: {n}",
            q.label()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn rules_match_brute_force(ds in testing::calls(1..5, 1..5), seed in any::<u64>()) {
        let Some(ds) = common::with_rules(&ds, seed) else { return Ok(()) };
        let p = match Pairing::new(&ds) {
            Ok(p) => p,
            // Rules that cannot be meant (overlapping quotas, locks beyond a capacity, ...).
            Err(Error::Invalid { .. } | Error::Infeasible { .. }) => return Ok(()),
            Err(e) => panic!("unexpected error {e}"),
        };
        let b = brute(&p);
        match p.solve(Objective::Sum) {
            Ok(s) => {
                keeps_rules(&p, &s);
                let (t, k) = b.sum.expect("the solver found a pairing the brute force did not");
                prop_assert!((s.total_score - t).abs() <= 1e-9, "sum {} vs brute {t}", s.total_score);
                prop_assert_eq!(s.pairs.len(), k);
                prop_assert!(s.certified_optimal);
                let f = p.solve(Objective::MaxMin).unwrap();
                keeps_rules(&p, &f);
                let (n, low, total) = b.maxmin.unwrap();
                prop_assert_eq!(f.pairs.len(), n);
                let low_solver = f
                    .pairs
                    .iter()
                    .filter(|x| !ds.call().rules().locked.contains(&(x.eu.clone(), x.partner.clone())))
                    .map(|x| x.score)
                    .reduce(f64::min);
                prop_assert_eq!(low_solver, low);
                prop_assert!((f.total_score - total).abs() <= 1e-9);
                prop_assert!(f.total_score <= s.total_score + 1e-9);
                match p.solve(Objective::Stable) {
                    Ok(st) => {
                        keeps_rules(&p, &st);
                        prop_assert_eq!(st.fairness.blocking_pairs, 0);
                        prop_assert!(st.certified_optimal);
                    }
                    Err(e) => {
                        prop_assert!(!p.rules().quotas.is_empty());
                        prop_assert!(e.to_string().contains("quotas"), "{e}");
                    }
                }
            }
            Err(Error::Infeasible { why, .. }) => {
                prop_assert!(b.sum.is_none(), "infeasible ({why}) but brute force pairs");
                prop_assert!(why.to_string().contains("quota #"), "{why}");
                prop_assert!(
                    matches!(
                        why,
                        Infeasibility::QuotaMinimum { .. } | Infeasibility::QuotaMaximum { .. }
                    ),
                    "{why:?}"
                );
            }
            Err(Error::NoPairs { .. }) => prop_assert!(b.sum.is_none_or(|(_, k)| k == 0)),
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    #[test]
    fn slack_quotas_change_nothing_and_relaxing_never_lowers(
        ds in testing::calls(1..6, 1..6),
        seed in any::<u64>(),
    ) {
        let Some(ruled) = common::with_rules(&ds, seed) else { return Ok(()) };
        let Ok(p) = Pairing::new(&ruled) else { return Ok(()) };
        let Ok(s) = p.solve(Objective::Sum) else { return Ok(()) };
        // Quotas that every pairing keeps: min 0, max = number of cities.
        let mut slack_rules = ruled.call().rules().clone();
        slack_rules.quotas = vec![
            Quota::of_countries(["DE".parse().unwrap(), "PL".parse().unwrap()])
                .at_most(ds.cities().len() * 2),
        ];
        let slack = ruled.clone().with_rules(slack_rules).unwrap();
        let mut no_quotas = ruled.call().rules().clone();
        no_quotas.quotas.clear();
        let none = ruled.clone().with_rules(no_quotas).unwrap();
        if let (Ok(a), Ok(b)) = (Pairing::new(&slack), Pairing::new(&none)) {
            let (a, b) = (a.solve(Objective::Sum).unwrap(), b.solve(Objective::Sum).unwrap());
            prop_assert!((a.total_score - b.total_score).abs() <= 1e-9);
            prop_assert_eq!(a.pairs.len(), b.pairs.len());
            // Dropping quotas relaxes: never a lower optimum.
            prop_assert!(b.total_score >= s.total_score - 1e-9);
        }
        // Dropping the minimum score or the forbidden pairs relaxes too.
        let mut relaxed_rules = ruled.call().rules().clone();
        relaxed_rules.min_score = None;
        relaxed_rules.forbidden.clear();
        let relaxed = ruled.clone().with_rules(relaxed_rules).unwrap();
        if let Ok(q) = Pairing::new(&relaxed) {
            let r = q.solve(Objective::Sum).unwrap();
            prop_assert!(r.total_score >= s.total_score - 1e-9);
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn capacities_let_a_city_join_several_pairs() {
    let ds = citypair::io::embedded_dataset().unwrap();
    let base = Pairing::new(&ds).unwrap().solve(Objective::Sum).unwrap();
    // Every partner city takes two EU cities: more EU cities are paired.
    let (call, cities) = ds.into_parts();
    let cities = cities
        .into_iter()
        .map(|c| {
            if call.partner_countries().contains(&c.country()) {
                c.into_builder().capacity(2).build().unwrap()
            } else {
                c
            }
        })
        .collect();
    let ds = citypair::Dataset::new(call, cities).unwrap();
    let p = Pairing::new(&ds).unwrap();
    let s = p.solve(Objective::Sum).unwrap();
    keeps_rules(&p, &s);
    assert!(s.pairs.len() > base.pairs.len());
    assert!(s.total_score > base.total_score);
    assert!(s.certified_optimal);
    // Each EU city at most once, partners at most twice, pairs listed once each.
    let mut seen = s
        .pairs
        .iter()
        .map(|x| (&x.eu, &x.partner))
        .collect::<Vec<_>>();
    seen.dedup();
    assert_eq!(seen.len(), s.pairs.len());
}
