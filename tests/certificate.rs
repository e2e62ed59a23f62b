//! Certificates: every `sum` result carries one that `verify` accepts (dense, under rules and
//! capacities, with quotas, in candidate mode, after a what-if), its dual objective is the
//! brute-force optimum on small calls, and tampering with the solution or the certificate makes
//! `verify` fail, naming the condition, and `certified_optimal` false.

mod common;

use citypair::candidates::{self, CandidateOptions};
use citypair::certificate::{Certificate, Dual, PairRule, Violation};
use citypair::eligibility::Side;
use citypair::model::{City, Country, Dataset, Quota};
use citypair::scoring::WeightedScorer;
use citypair::whatif::Planner;
use citypair::{io, synthetic, Objective, Pairing, Solution};

/// The dual objective `Σ c' u + Σ c' v + Σ w + Σ (max' y_max - min' y_min)`, recomputed here.
fn dual_objective(c: &Certificate) -> f64 {
    let mut places_r = c.eu_capacity.clone();
    let mut places_c = c.partner_capacity.clone();
    for &(i, j) in &c.locked {
        places_r[i] -= 1;
        places_c[j] -= 1;
    }
    let mut total: f64 =
        c.u.iter()
            .zip(&places_r)
            .map(|(u, &k)| u * k as f64)
            .sum::<f64>()
            + c.v
                .iter()
                .zip(&places_c)
                .map(|(v, &k)| v * k as f64)
                .sum::<f64>()
            + c.pairs.iter().map(|p| p.w).sum::<f64>();
    for q in &c.quotas {
        let locks = c
            .locked
            .iter()
            .filter(|&&(i, j)| q.members.contains(if q.side == Side::Eu { &i } else { &j }))
            .count();
        if let Some(m) = q.max {
            total += (m - locks) as f64 * q.y_max;
        }
        total -= q.min.saturating_sub(locks) as f64 * q.y_min;
    }
    total
}

/// Solves `sum` and checks its certificate every way there is.
fn certified(p: &Pairing<'_>) -> Solution {
    let s = p.solve(Objective::Sum).unwrap();
    assert!(s.certified_optimal, "{:?}", s.verify(p.matrix().unwrap()));
    let c = s.certificate().expect("a sum result carries a certificate");
    assert_eq!(c.verify(p.matrix().unwrap()), Ok(()));
    assert_eq!(s.verify(p.matrix().unwrap()), Ok(()));
    // The same check through a closure (as candidate mode computes scores on the fly).
    let m = p.matrix().unwrap();
    assert_eq!(c.verify(&|i: usize, j: usize| m.get(i, j)), Ok(()));
    // A u for every eligible EU city and a v for every partner city; ids in matrix order.
    let eu: Vec<&str> = p.eu_cities().map(City::id).collect();
    let pa: Vec<&str> = p.partner_cities().map(City::id).collect();
    assert_eq!(c.eu, eu);
    assert_eq!(c.partners, pa);
    // The dual objective is the total of the unlocked pairs.
    let locked: f64 = c.locked.iter().map(|&(i, j)| m.get(i, j)).sum();
    let unlocked = s.total_score - locked;
    assert!(
        (dual_objective(c) - unlocked).abs() <= 1e-9 * unlocked.abs().max(1.0),
        "{} vs {unlocked}",
        dual_objective(c)
    );
    s
}

/// A generated call with rules set in code: capacities, forbidden pairs (some rows' best),
/// a minimum score, locks (one below the minimum), and with `quotas` a maximum on the partner
/// side's largest country and a minimum on the EU side's that binds.
#[allow(clippy::field_reassign_with_default)] // field by field: the rules may gain fields
fn ruled(eu: usize, partners: usize, seed: u64, quotas: bool) -> Dataset {
    let ds = synthetic::call(eu, partners, seed);
    let country =
        |ds: &Dataset, id: &str| ds.cities().iter().find(|c| c.id() == id).unwrap().country();
    let (rules, top) = {
        let p = Pairing::new(&ds).unwrap();
        let m = p.matrix().unwrap();
        let e: Vec<String> = p.eu_cities().map(|c| c.id().to_owned()).collect();
        let pa: Vec<String> = p.partner_cities().map(|c| c.id().to_owned()).collect();
        let best = |i: usize| (0..pa.len()).max_by(|&a, &b| m.get(i, a).total_cmp(&m.get(i, b)));
        let worst = |i: usize| (0..pa.len()).min_by(|&a, &b| m.get(i, a).total_cmp(&m.get(i, b)));
        let mut all = m.as_slice().to_vec();
        all.sort_by(f64::total_cmp);
        let mut rules = citypair::model::Rules::default();
        rules.min_score = Some(all[all.len() * 3 / 10]);
        rules.forbidden = (0..4)
            .map(|i| (e[i].clone(), pa[best(i).unwrap()].clone()))
            .collect();
        let (a, b) = (worst(6).unwrap(), best(7).unwrap());
        rules.locked = vec![(e[6].clone(), pa[a].clone())];
        if a != b {
            rules.locked.push((pa[b].clone(), e[7].clone()));
        }
        // The largest country of each side, and the EU one's number of cities.
        let most = |ids: &[String]| -> (usize, Country) {
            let mut counts: Vec<(usize, Country)> = Vec::new();
            for id in ids {
                let c = country(&ds, id);
                match counts.iter_mut().find(|x| x.1 == c) {
                    Some(x) => x.0 += 1,
                    None => counts.push((1, c)),
                }
            }
            counts.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            counts[0]
        };
        (rules, (most(&pa).1, most(&e)))
    };
    let mut rules = rules;
    if quotas {
        let (top_p, (n_e, top_e)) = top;
        rules.quotas = vec![
            Quota::of_countries([top_p]).at_most(3),
            Quota::of_countries([top_e]).at_least(n_e - 1),
        ];
    }
    let (call, cities) = ds.with_rules(rules).unwrap().into_parts();
    let cities = cities
        .into_iter()
        .enumerate()
        .map(|(k, city)| match (k % 5, k % 7) {
            (0, _) => city.into_builder().capacity(2).build().unwrap(),
            (_, 0) => city.into_builder().capacity(3).build().unwrap(),
            _ => city,
        })
        .collect();
    Dataset::new(call, cities).unwrap()
}

#[test]
fn the_embedded_call_is_certified_and_maxmin_and_stable_carry_none() {
    let ds = io::embedded_dataset().unwrap();
    let p = Pairing::new(&ds).unwrap();
    let s = certified(&p);
    let c = s.certificate().unwrap();
    assert_eq!(c.pairs.len(), s.pairs.len());
    assert!(c.u.iter().chain(&c.v).all(|&x| x >= 0.0));
    for o in [Objective::MaxMin, Objective::Stable] {
        let t = p.solve(o).unwrap();
        assert!(t.certificate().is_none());
        assert_eq!(t.verify(p.matrix().unwrap()), Err(Violation::Missing));
    }
}

#[test]
fn generated_calls_are_certified_wide_tall_and_square() {
    // Square calls are the case where the solver's potentials must be shifted.
    for (eu, partners, seed) in [
        (30, 30, 1),
        (40, 40, 2),
        (25, 60, 3),
        (70, 20, 4),
        (1, 1, 5),
    ] {
        let ds = synthetic::call(eu, partners, seed);
        let p = Pairing::new(&ds).unwrap();
        let s = certified(&p);
        assert_eq!(s.pairs.len(), eu.min(partners));
    }
}

#[test]
fn calls_with_rules_and_quotas_are_certified() {
    for (eu, partners, seed) in [(60, 40, 3), (35, 50, 8), (40, 40, 11)] {
        for quotas in [false, true] {
            let ds = ruled(eu, partners, seed, quotas);
            let p = Pairing::new(&ds).unwrap();
            assert!(p.rules().is_active());
            let s = certified(&p);
            let c = s.certificate().unwrap();
            assert_eq!(c.locked.len(), p.rules().locked.len());
            assert_eq!(c.forbidden.len(), 4);
            assert!(c.min_score.is_some());
            assert!(c.eu_capacity.iter().any(|&k| k > 1));
            if quotas {
                assert_eq!(c.quotas.len(), 2);
                assert!(c.quotas[0].y_max > 0.0, "{:?}", c.quotas);
            }
        }
    }
    // The minimum binds where the EU side is the longer one: the lexicographic case.
    let ds = ruled(60, 40, 3, true);
    let p = Pairing::new(&ds).unwrap();
    let s = certified(&p);
    assert!(s.certificate().unwrap().quotas[1].y_min > 0.0);
}

#[test]
fn what_ifs_are_certified_under_their_own_conditions() {
    for ds in [io::embedded_dataset().unwrap(), ruled(60, 40, 3, true)] {
        let p = Pairing::new(&ds).unwrap();
        let base = certified(&p);
        let planner = Planner::new(&p).unwrap();
        let locked: Vec<&(String, String)> = ds.call().rules().locked.iter().collect();
        let free = base
            .pairs
            .iter()
            .find(|x| {
                !locked
                    .iter()
                    .any(|l| l.0 == x.eu || l.1 == x.eu || l.1 == x.partner)
            })
            .unwrap();
        let r = planner
            .resolve(std::slice::from_ref(&free.partner), &[])
            .unwrap();
        assert!(r.solution.certified_optimal);
        let c = r.solution.certificate().unwrap();
        let j = c.partners.iter().position(|x| *x == free.partner).unwrap();
        assert_eq!(c.partner_capacity[j], 0);
        assert_eq!(r.solution.verify(p.matrix().unwrap()), Ok(()));
    }
}

#[test]
fn candidate_mode_is_certified_with_scores_on_the_fly_and_against_the_matrix() {
    for (eu, partners, seed, k) in [(150, 90, 1, 2), (80, 120, 2, 1), (60, 60, 3, 4)] {
        let ds = synthetic::call(eu, partners, seed);
        let s = candidates::pair(&ds, k, &CandidateOptions::default()).unwrap();
        assert!(s.certified_optimal);
        let dense = Pairing::new(&ds).unwrap();
        let c = s.certificate().unwrap();
        assert_eq!(c.verify(dense.matrix().unwrap()), Ok(()));
        assert_eq!(s.verify(dense.matrix().unwrap()), Ok(()));
        // The scorer's own scores, computed on the fly, are the matrix's.
        let scorer = WeightedScorer::new(ds.call().weights());
        let eu_c: Vec<_> = dense.eu_cities().collect();
        let pa_c: Vec<_> = dense.partner_cities().collect();
        let fly = |i: usize, j: usize| citypair::scoring::Scorer::score(&scorer, eu_c[i], pa_c[j]);
        assert_eq!(s.verify(&fly), Ok(()));
    }
}

/// A ruled call with binding quotas and its certified `sum` solution, to tamper with.
fn tamper_target() -> (Dataset, Solution) {
    let ds = ruled(60, 40, 3, true);
    let s = Pairing::new(&ds).unwrap().solve(Objective::Sum).unwrap();
    assert!(s.certified_optimal);
    (ds, s)
}

#[test]
fn tampered_solutions_fail_and_are_not_certified() {
    let (ds, s) = tamper_target();
    let p = Pairing::new(&ds).unwrap();
    let m = p.matrix().unwrap();
    let locked = |x: &citypair::pairing::Pair| {
        ds.call()
            .rules()
            .locked
            .iter()
            .any(|l| (l.0 == x.eu && l.1 == x.partner) || (l.1 == x.eu && l.0 == x.partner))
    };
    let free: Vec<usize> = (0..s.pairs.len())
        .filter(|&k| !locked(&s.pairs[k]))
        .collect();

    // Drop a pair (and its score from the total).
    let mut t = s.clone();
    let gone = t.pairs.remove(free[0]);
    t.total_score -= gone.score;
    let e = t.certify(m).unwrap_err();
    assert_eq!(
        e,
        Violation::PairingMismatch {
            eu: gone.eu.clone(),
            partner: gone.partner.clone(),
            in_solution: false
        }
    );
    assert_eq!(e.condition(), "the certificate lists the solution's pairs");
    assert!(!t.certified_optimal);

    // Swap the partners of two pairs, with their scores and the total made consistent.
    let mut t = s.clone();
    let (a, b) = (free[0], free[1]);
    let (pa, pb) = (t.pairs[a].partner.clone(), t.pairs[b].partner.clone());
    t.pairs[a].partner = pb;
    t.pairs[b].partner = pa;
    for k in [a, b] {
        let x = &mut t.pairs[k];
        x.score = p.score(&x.eu, &x.partner).unwrap();
    }
    t.total_score = t.pairs.iter().map(|x| x.score).sum();
    let e = t.certify(m).unwrap_err();
    assert!(matches!(e, Violation::PairingMismatch { .. }), "{e}");
    assert!(!t.certified_optimal);
    // ... and the certificate swapped the same way: now the certificate itself fails (the
    // duals, or the rules if a swapped pair is not allowed).
    let cert = t.certificate.as_mut().unwrap();
    let ia = cert
        .pairs
        .iter()
        .position(|q| cert.eu[q.eu] == t.pairs[a].eu)
        .unwrap();
    let ib = cert
        .pairs
        .iter()
        .position(|q| cert.eu[q.eu] == t.pairs[b].eu)
        .unwrap();
    let (ja, jb) = (cert.pairs[ia].partner, cert.pairs[ib].partner);
    cert.pairs[ia].partner = jb;
    cert.pairs[ib].partner = ja;
    cert.pairs.sort_by_key(|q| (q.eu, q.partner));
    let e = t.certify(m).unwrap_err();
    assert!(
        matches!(
            e,
            Violation::NotTight { .. } | Violation::Uncovered { .. } | Violation::NotAllowed { .. }
        ),
        "{e}"
    );
    assert!(!t.certified_optimal);

    // A reported score that is not the matrix's.
    let mut t = s.clone();
    t.pairs[0].score += 1e-12;
    assert!(matches!(t.certify(m), Err(Violation::ScoreMismatch { .. })));
    assert!(!t.certified_optimal);

    // A total that is not the sum of the pairs.
    let mut t = s.clone();
    t.total_score += 0.5;
    assert!(matches!(t.certify(m), Err(Violation::ReportedTotal { .. })));

    // The untouched solution still certifies.
    let mut t = s.clone();
    assert_eq!(t.certify(m), Ok(()));
    assert!(t.certified_optimal);
}

#[test]
fn tampered_certificates_fail_naming_the_condition() {
    let (ds, s) = tamper_target();
    let p = Pairing::new(&ds).unwrap();
    let m = p.matrix().unwrap();
    let c = s.certificate().unwrap();
    let fails = |edit: &dyn Fn(&mut Certificate)| -> Violation {
        let mut t = s.clone();
        edit(t.certificate.as_mut().unwrap());
        let e = t.certify(m).unwrap_err();
        assert!(!t.certified_optimal, "{e}");
        e
    };
    // Bump one u of a paired EU city: its pair is no longer tight.
    let i = c.pairs[0].eu;
    let e = fails(&|t| t.u[i] += 0.01);
    assert!(
        matches!(&e, Violation::NotTight { eu, .. } if *eu == c.eu[i]),
        "{e}"
    );
    // Lower the largest v: some allowed pair is no longer covered.
    let j = (0..c.v.len())
        .max_by(|&a, &b| c.v[a].total_cmp(&c.v[b]))
        .unwrap();
    let e = fails(&|t| t.v[j] = 0.0);
    assert!(
        matches!(&e, Violation::Uncovered { .. } | Violation::NotTight { .. }),
        "{e}"
    );
    // A negative dual.
    let e = fails(&|t| t.pairs[0].w = -0.5);
    assert!(
        matches!(
            e,
            Violation::Negative {
                dual: Dual::Pair { .. },
                ..
            }
        ),
        "{e}"
    );
    // A positive u on a city with unused places.
    let idle = (0..c.eu.len())
        .find(|&k| !c.pairs.iter().any(|q| q.eu == k) && !c.locked.iter().any(|l| l.0 == k))
        .expect("the call has an unpaired EU city");
    let e = fails(&|t| t.u[idle] += 5.0);
    assert!(
        matches!(&e, Violation::UnusedCapacity { id, .. } if *id == c.eu[idle]),
        "{e}"
    );
    // A certificate whose conditions forbid one of its pairs.
    let e = fails(&|t| t.forbidden.push((c.pairs[0].eu, c.pairs[0].partner)));
    assert!(
        matches!(
            e,
            Violation::NotAllowed {
                rule: PairRule::Forbidden,
                ..
            }
        ),
        "{e}"
    );
    // A quota dual out of place: quota #2 has no maximum (its net y is unchanged).
    let e = fails(&|t| {
        t.quotas[1].y_max += 0.3;
        t.quotas[1].y_min += 0.3;
    });
    assert!(matches!(e, Violation::QuotaSlack { quota: 2, .. }), "{e}");
    // A u too few.
    let e = fails(&|t| {
        t.u.pop();
    });
    assert!(matches!(e, Violation::Malformed { .. }), "{e}");
    // Scores that are not the certificate's.
    let mut t = s.clone();
    let e = t.certify(&|_: usize, _: usize| 0.5).unwrap_err();
    assert!(matches!(e, Violation::ScoreMismatch { .. }), "{e}");
    let e = c.verify(&|_: usize, _: usize| 0.99).unwrap_err();
    assert!(
        matches!(e, Violation::Uncovered { .. } | Violation::NotTight { .. }),
        "{e}"
    );
    // Display names the condition and the cities.
    assert!(e.to_string().starts_with("certificate fails"), "{e}");
}

#[cfg(feature = "testing")]
mod properties {
    use super::*;
    use citypair::testing;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// On small random calls with random rules, the certificate verifies and its dual
        /// objective is the brute-force optimum (weak duality makes it an upper bound on every
        /// pairing, and the solution reaches it).
        #[test]
        fn certificates_match_brute_force(
            ds in testing::calls(1..5, 1..5),
            seed in any::<u64>(),
        ) {
            let ruled = if seed % 4 == 0 {
                Some(ds.clone())
            } else {
                common::with_rules(&ds, seed)
            };
            let Some(ruled) = ruled else { return Ok(()) };
            let Ok(p) = Pairing::new(&ruled) else { return Ok(()) };
            let Ok(s) = p.solve(Objective::Sum) else { return Ok(()) };
            prop_assert!(s.certified_optimal, "{:?}", s.verify(p.matrix().unwrap()));
            let c = s.certificate().unwrap();
            let m = p.matrix().unwrap();
            let locked: f64 = c.locked.iter().map(|&(i, j)| m.get(i, j)).sum();
            let best = common::feasible_pairings(&p)
                .into_iter()
                .map(|(_, t)| t)
                .fold(f64::NEG_INFINITY, f64::max);
            let dual = dual_objective(c) + locked;
            prop_assert!((dual - best).abs() <= 1e-9, "{dual} vs {best}");
            prop_assert!((s.total_score - best).abs() <= 1e-9);
        }
    }
}

#[cfg(feature = "testing")]
mod maxmin_properties {
    use super::*;
    use citypair::testing;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// `maxmin` under random rules is certified by its proof, which matches brute force:
        /// the most unlocked pairs, and fewer of them above the threshold.
        #[test]
        fn maxmin_proofs_match_brute_force(
            ds in testing::calls(1..5, 1..5),
            seed in any::<u64>(),
        ) {
            let Some(ruled) = common::with_rules(&ds, seed) else { return Ok(()) };
            let Ok(p) = Pairing::new(&ruled) else { return Ok(()) };
            if !p.rules().is_active() {
                return Ok(());
            }
            let Ok(s) = p.solve(Objective::MaxMin) else { return Ok(()) };
            prop_assert!(s.certified_optimal);
            let rules = p.rules();
            let m = p.matrix().unwrap();
            let all = common::feasible_pairings(&p);
            // Unlocked pairs of a pairing scoring above `t`.
            let unlocked_above = |set: &[(usize, usize)], t: f64| {
                set.iter()
                    .filter(|&&(i, j)| !rules.is_locked(i, j) && m.get(i, j) > t)
                    .count()
            };
            let best = |t: f64| all.iter().map(|(set, _)| unlocked_above(set, t)).max().unwrap();
            let most = best(f64::NEG_INFINITY);
            if let Some(proof) = s.maxmin_certificate() {
                prop_assert_eq!(proof.pairs(), most);
                prop_assert_eq!(Some(proof.threshold), s.threshold);
                prop_assert_eq!(proof.verify(m), Ok(()));
                // Brute force: the most unlocked pairs above the threshold.
                let above = best(proof.threshold);
                prop_assert_eq!(proof.above_threshold(m), above);
                prop_assert!(above < most);
            } else {
                prop_assert_eq!(most, 0);
            }
        }
    }
}

#[test]
fn maxmin_proofs_hold_and_fail_when_tampered() {
    // Without rules: the Hall witness.
    let ds = synthetic::call(40, 30, 5);
    let p = Pairing::new(&ds).unwrap();
    let s = p.solve(Objective::MaxMin).unwrap();
    assert!(s.certified_optimal && s.witness.is_some());
    // Under rules: the two certificates.
    let ds = ruled(60, 40, 3, true);
    let p = Pairing::new(&ds).unwrap();
    let s = p.solve(Objective::MaxMin).unwrap();
    assert!(s.certified_optimal);
    let proof = s.maxmin_certificate().unwrap();
    assert_eq!(proof.verify(p.matrix().unwrap()), Ok(()));
    assert!(proof.above_threshold(p.matrix().unwrap()) < proof.pairs());
    // A higher threshold claimed: more pairs fit above it than the rules allow... or the
    // `above` certificate no longer covers.
    let mut forged = proof.clone();
    forged.threshold = s.min_score.unwrap() - 1e-6;
    assert!(forged.verify(p.matrix().unwrap()).is_err());
    let mut forged = proof.clone();
    forged.most_pairs.u.iter_mut().for_each(|u| *u = 0.0);
    forged.most_pairs.v.iter_mut().for_each(|v| *v = 0.0);
    let e = forged.verify(p.matrix().unwrap()).unwrap_err();
    assert!(
        matches!(e, Violation::Uncovered { .. } | Violation::NotTight { .. }),
        "{e}"
    );
}
