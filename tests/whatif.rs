//! What-ifs: warm re-solves equal cold solves, the K best pairings and regrets against brute
//! force.
#![cfg(feature = "testing")] // the generators of `citypair::testing`

mod common;

use citypair::error::{Context, Location, WhyUnknown};
use citypair::whatif::Planner;
use citypair::{testing, Dataset, Error, Objective, Pairing};
use common::SplitMix;
use proptest::prelude::*;

/// The call with some rules (or none), from a seed.
fn call(ds: &citypair::model::Dataset, seed: u64) -> Option<citypair::model::Dataset> {
    if seed.is_multiple_of(3) {
        Some(ds.clone())
    } else {
        common::with_rules(ds, seed)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn warm_resolve_equals_a_cold_solve(
        ds in testing::calls(1..7, 1..7),
        seed in any::<u64>(),
    ) {
        let Some(ds) = call(&ds, seed) else { return Ok(()) };
        let Ok(p) = Pairing::new(&ds) else { return Ok(()) };
        let Ok(planner) = Planner::new(&p) else { return Ok(()) };
        planner.verify().unwrap();
        let eu: Vec<String> = p.eu_cities().map(|c| c.id().to_owned()).collect();
        let pa: Vec<String> = p.partner_cities().map(|c| c.id().to_owned()).collect();
        let mut rng = SplitMix(seed ^ 0x5eed);
        let mut without = Vec::new();
        let mut lock = Vec::new();
        if rng.unit() < 0.6 {
            let all: Vec<&String> = eu.iter().chain(&pa).collect();
            without.push(all[rng.below(all.len() as u64) as usize].clone());
        }
        if rng.unit() < 0.6 {
            let e = eu[rng.below(eu.len() as u64) as usize].clone();
            let q = pa[rng.below(pa.len() as u64) as usize].clone();
            if !without.contains(&e) && !without.contains(&q) {
                lock.push((e, q));
            }
        }
        // The same change, cold: the city removed, the lock added to the rules.
        let (call, mut cities) = ds.clone().into_parts();
        cities.retain(|c| !without.iter().any(|w| w == c.id()));
        let mut rules = call.rules().clone();
        rules
            .forbidden
            .retain(|(e, q)| !without.contains(e) && !without.contains(q));
        rules.locked.extend(lock.iter().cloned());
        let changed = Dataset::new(call, cities)
            .unwrap()
            .with_rules(rules)
            .unwrap();
        let cold = Pairing::new(&changed).and_then(|q| q.solve(Objective::Sum));
        match (planner.resolve(&without, &lock), cold) {
            (Ok(warm), Ok(cold)) => {
                prop_assert!(
                    (warm.solution.total_score - cold.total_score).abs() <= 1e-9,
                    "warm {} cold {}", warm.solution.total_score, cold.total_score
                );
                prop_assert!(warm.solution.certified_optimal);
                prop_assert!((warm.diff.loss - (planner.total() - cold.total_score)).abs() <= 1e-9);
                for id in &without {
                    prop_assert!(warm.solution.pairs.iter().all(|x| &x.eu != id && &x.partner != id));
                }
                for (e, q) in &lock {
                    prop_assert!(warm.solution.pairs.iter().any(|x| &x.eu == e && &x.partner == q));
                }
            }
            // Both refuse (a lock that cannot hold, rules that can no longer be met), or a call
            // left with no eligible city of a side cannot be built cold while, warm, it is
            // simply a pairing with fewer pairs.
            (Err(_), Err(_)) | (Ok(_), Err(Error::NoPairs { .. })) => {}
            (w, c) => prop_assert!(false, "warm {:?} vs cold {:?}", w.err(), c.err()),
        }
    }

    #[test]
    fn alternatives_and_regrets_match_brute_force(
        ds in testing::calls(1..5, 1..5),
        seed in any::<u64>(),
        k in 1usize..8,
    ) {
        let Some(ds) = call(&ds, seed) else { return Ok(()) };
        let Ok(p) = Pairing::new(&ds) else { return Ok(()) };
        let Ok(planner) = Planner::new(&p) else { return Ok(()) };
        let mut all = common::feasible_pairings(&p);
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        let alts = planner.alternatives(k).unwrap();
        prop_assert_eq!(alts.len(), k.min(all.len()));
        for (a, (_, total)) in alts.iter().zip(&all) {
            prop_assert!((a.diff.total_score - total).abs() <= 1e-9,
                "rank {}: {} vs brute {}", a.rank, a.diff.total_score, total);
        }
        // Distinct pairings.
        for x in 0..alts.len() {
            for y in x + 1..alts.len() {
                prop_assert_ne!(&alts[x].pairs, &alts[y].pairs);
            }
        }
        let best = all[0].1;
        for r in planner.regrets() {
            let (i, j) = (
                p.eu_cities().position(|c| c.id() == r.eu).unwrap(),
                p.partner_cities().position(|c| c.id() == r.partner).unwrap(),
            );
            let without = all
                .iter()
                .filter(|(set, _)| !set.contains(&(i, j)))
                .map(|(_, t)| *t)
                .reduce(f64::max);
            match (r.regret, without) {
                (Some(g), Some(t)) => prop_assert!((g - (best - t)).abs() <= 1e-9, "{g} vs {}", best - t),
                (None, None) => {}
                (g, t) => prop_assert!(false, "regret {g:?} vs brute {t:?}"),
            }
        }
    }
}

#[cfg(all(feature = "serde", feature = "rayon"))]
#[test]
fn embedded_what_ifs() {
    let ds = citypair::io::embedded_dataset().unwrap();
    let p = Pairing::new(&ds).unwrap();
    let planner = Planner::new(&p).unwrap();
    planner.verify().unwrap();
    let best = p.solve(Objective::Sum).unwrap();
    assert!((planner.total() - best.total_score).abs() < 1e-9);
    // A partner city withdraws: its EU partner finds another partner or stays unpaired.
    let partner = best.pairs[0].partner.clone();
    let r = planner
        .resolve(std::slice::from_ref(&partner), &[])
        .unwrap();
    assert!(r.diff.loss > 0.0);
    assert!(r.diff.removed.iter().any(|x| x.partner == partner));
    assert!(r
        .solution
        .unmatched
        .iter()
        .any(|u| u.id == partner && u.reason.contains("withdrawn")));
    // Errors name the id and where it was given, in the library's words (no CLI flag).
    let e = planner.resolve(&["atlantis".into()], &[]).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::UnknownCity {
                context: Context::Withdrawal,
                why: WhyUnknown::NoSuchCity,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "unknown city id \"atlantis\" in a withdrawal (no city has this id)"
    );
    let e = planner
        .resolve(&[], &[("lisbon".into(), "porto".into())])
        .unwrap_err();
    assert_eq!(e.location(), Some(&Location::Lock));
    assert!(e.to_string().starts_with("what-if lock: "), "{e}");
    // The ten best, in order, distinct, the first the optimum.
    let alts = planner.alternatives(10).unwrap();
    assert_eq!(alts.len(), 10);
    assert_eq!(alts[0].diff.loss, 0.0);
    for w in alts.windows(2) {
        assert!(w[1].diff.total_score <= w[0].diff.total_score + 1e-12);
    }
    // Same ranking on one thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let one = pool.install(|| planner.alternatives(10).unwrap());
    assert_eq!(one, alts);
    let regrets = planner.regrets();
    assert_eq!(regrets.len(), best.pairs.len());
    assert!(regrets
        .iter()
        .all(|r| r.regret.is_some_and(|g| g >= -1e-12)));
}

/// The K best totals by Murty's ranking with cold solves of the call under added locks and
/// forbidden pairs: an oracle independent of the planner's warm detours.
fn cold_murty(ds: &citypair::model::Dataset, k: usize) -> Vec<f64> {
    type Node = (
        f64,
        Vec<(String, String)>,
        Vec<(String, String)>,
        Vec<(String, String)>,
    );
    let solve = |locked: &[(String, String)], forbidden: &[(String, String)]| -> Option<Node> {
        let mut rules = ds.call().rules().clone();
        rules.locked.extend(locked.iter().cloned());
        rules.forbidden.extend(forbidden.iter().cloned());
        let d = ds.clone().with_rules(rules).ok()?;
        let s = Pairing::new(&d).ok()?.solve(Objective::Sum).ok()?;
        let pairs = s
            .pairs
            .iter()
            .map(|p| (p.eu.clone(), p.partner.clone()))
            .collect();
        Some((s.total_score, locked.to_vec(), forbidden.to_vec(), pairs))
    };
    let mut queue: Vec<Node> = solve(&[], &[]).into_iter().collect();
    let mut out = Vec::new();
    while out.len() < k && !queue.is_empty() {
        let best = (0..queue.len())
            .max_by(|&a, &b| queue[a].0.total_cmp(&queue[b].0).then(b.cmp(&a)))
            .unwrap();
        let (total, locked, forbidden, pairs) = queue.swap_remove(best);
        out.push(total);
        let free: Vec<&(String, String)> = pairs.iter().filter(|p| !locked.contains(p)).collect();
        for m in 0..free.len() {
            let mut l = locked.clone();
            l.extend(free[..m].iter().map(|&p| p.clone()));
            let mut f = forbidden.clone();
            f.push(free[m].clone());
            queue.extend(solve(&l, &f));
        }
    }
    out
}

#[test]
fn alternatives_match_cold_murty_on_larger_calls() {
    // 70 pairs: more than one chunk of children, so the tightening limit and pruning run.
    for (n, k, seed) in [(70, 4, 7), (12, 8, 11), (9, 12, 3)] {
        let ds = citypair::synthetic::call(n, n, seed);
        let p = Pairing::new(&ds).unwrap();
        let planner = Planner::new(&p).unwrap();
        let warm: Vec<f64> = planner
            .alternatives(k)
            .unwrap()
            .iter()
            .map(|a| a.diff.total_score)
            .collect();
        let cold = cold_murty(&ds, k);
        assert_eq!(warm.len(), cold.len());
        for (w, c) in warm.iter().zip(&cold) {
            assert!(
                (w - c).abs() <= 1e-9,
                "n = {n}: warm {warm:?} cold {cold:?}"
            );
        }
    }
}
