//! Candidate mode (`citypair::candidates`) and the sparse solver behind it, against the dense
//! solver: on random small calls, rectangular both ways, with lists so short (`K` = 1 to 3)
//! that pricing rounds and widening are needed, the candidate optimum must equal the dense
//! `sum` optimum, be certified, and its potentials must prove it against the dense matrix.

use citypair::candidates::{self, CandidateOptions, CandidateSolution};
use citypair::error::Location;
use citypair::matrix::ScoreMatrix;
use citypair::model::{City, Profile, Theme};
use citypair::scoring::WeightedScorer;
use citypair::solver::{solve, solve_sparse, solve_sparse_warm, Sense, SparseMatrix};
use citypair::{synthetic, Objective, Pairing};
use proptest::prelude::*;

/// Checks `s` against the dense score matrix: one pair per city of the smaller side, exact
/// scores, and dual potentials feasible on every pair, tight on the chosen ones, the longer
/// side's `<= 0` and `0` where unpaired (the convention of `Assignment`, work costs `-score`).
fn check_certificate(m: &ScoreMatrix, s: &CandidateSolution) -> Result<(), String> {
    let (r, c) = (m.rows(), m.cols());
    if !s.certified_optimal {
        return Err("not certified".into());
    }
    if s.pairs.len() != r.min(c) {
        return Err(format!("{} pairs for {r} x {c}", s.pairs.len()));
    }
    let (u, v) = (&s.row_potentials, &s.col_potentials);
    let scale = u.iter().chain(v).fold(1.0f64, |a, p| a.max(p.abs()));
    let tol = scale * f64::EPSILON * 8.0 * (r.max(c) as f64 + 1.0);
    let mut col_used = vec![false; c];
    for &(i, j, score) in &s.pairs {
        if score.to_bits() != m.get(i, j).to_bits() {
            return Err(format!(
                "score of ({i}, {j}) is {score}, the matrix has {}",
                m.get(i, j)
            ));
        }
        if s.assignment[i] != Some(j) || std::mem::replace(&mut col_used[j], true) {
            return Err(format!("pair ({i}, {j}) inconsistent"));
        }
        let slack = -score - u[i] - v[j];
        if slack.abs() > tol {
            return Err(format!("pair ({i}, {j}) not tight: {slack}"));
        }
    }
    for (i, &ui) in u.iter().enumerate() {
        for (j, &vj) in v.iter().enumerate() {
            let slack = -m.get(i, j) - ui - vj;
            if slack < -tol {
                return Err(format!("dual infeasible at ({i}, {j}): {slack}"));
            }
        }
    }
    let longer: Option<(&[f64], Vec<bool>)> = match r.cmp(&c) {
        std::cmp::Ordering::Less => Some((v, col_used)),
        std::cmp::Ordering::Greater => {
            Some((u, s.assignment.iter().map(Option::is_some).collect()))
        }
        std::cmp::Ordering::Equal => None,
    };
    if let Some((pot, used)) = longer {
        for (k, (&p, &used)) in pot.iter().zip(&used).enumerate() {
            if p > tol || (!used && p.abs() > tol) {
                return Err(format!("longer side line {k} has potential {p}"));
            }
        }
    }
    let total: f64 = s.pairs.iter().map(|p| p.2).sum();
    if total.to_bits() != s.total.to_bits() {
        return Err("total is not the sum of the pairs in order".into());
    }
    Ok(())
}

/// Each city's best counterpart (the lowest index among ties) against the dense matrix.
fn check_best(m: &ScoreMatrix, s: &CandidateSolution) -> Result<(), String> {
    let best = |n: usize, score: &dyn Fn(usize) -> f64| {
        (0..n).fold(None::<(usize, f64)>, |b, l| match b {
            Some((_, bs)) if bs >= score(l) => b,
            _ => Some((l, score(l))),
        })
    };
    for i in 0..m.rows() {
        if s.best_partner[i] != best(m.cols(), &|j| m.get(i, j)) {
            return Err(format!("best partner of EU city {i}"));
        }
    }
    for j in 0..m.cols() {
        if s.best_eu[j] != best(m.rows(), &|i| m.get(i, j)) {
            return Err(format!("best EU city of partner {j}"));
        }
    }
    Ok(())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn options(per_row: usize) -> CandidateOptions {
    CandidateOptions::default().with_max_new_per_row(per_row)
}

/// Candidate mode on a generated call against `Pairing::solve(Objective::Sum)`.
fn against_pairing(
    seed: u64,
    ne: usize,
    np: usize,
    k: usize,
    per_row: usize,
) -> Result<CandidateSolution, String> {
    let call = synthetic::call(ne, np, seed);
    let pairing = Pairing::new(&call).map_err(|e| e.to_string())?;
    let eu: Vec<&City> = pairing.eu_cities().collect();
    let partners: Vec<&City> = pairing.partner_cities().collect();
    let s = candidates::solve(&eu, &partners, pairing.scorer(), k, &options(per_row))
        .map_err(|e| e.to_string())?;
    let dense = pairing.solve(Objective::Sum).map_err(|e| e.to_string())?;
    check_certificate(pairing.matrix().unwrap(), &s)?;
    check_best(pairing.matrix().unwrap(), &s)?;
    if !close(s.total, dense.total_score) {
        return Err(format!("total {} vs dense {}", s.total, dense.total_score));
    }
    let same = dense.pairs.len() == s.pairs.len()
        && dense
            .pairs
            .iter()
            .zip(&s.pairs)
            .all(|(d, c)| d.eu == eu[c.0].id() && d.partner == partners[c.1].id());
    if same && s.total.to_bits() != dense.total_score.to_bits() {
        return Err("same pairs but a different total".into());
    }
    Ok(s)
}

/// A city with coarse values (so that scores tie) and sometimes empty profiles.
fn coarse_city(
    id: usize,
    challenges: [u8; Theme::COUNT],
    expertise: [u8; Theme::COUNT],
    population: u64,
) -> City {
    let profile =
        |v: [u8; Theme::COUNT]| Profile::new(v.map(|x| f64::from(x) / 2.0)).unwrap_or_default();
    let country = "PL".parse().unwrap_or_else(|_| unreachable!());
    City::builder(
        format!("c{id:03}"),
        format!("City {id}"),
        country,
        population,
    )
    .challenges(profile(challenges))
    .expertise(profile(expertise))
    .build()
    .unwrap()
}

fn coarse_cities(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<City>> {
    prop::collection::vec(
        (
            prop::array::uniform15(prop_oneof![4 => Just(0u8), 1 => 1u8..=2]),
            prop::array::uniform15(prop_oneof![6 => Just(0u8), 1 => 1u8..=2]),
            prop::sample::select(vec![0u64, 1, 50_000, 60_000, 2_000_000]),
        ),
        n,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (c, e, p))| coarse_city(i, c, e, p))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random generated calls, 1 to 40 cities a side, rectangular both ways.
    #[test]
    fn equals_the_dense_sum_optimum(
        seed in any::<u64>(),
        ne in 1usize..=40,
        np in 1usize..=40,
        k in 1usize..=3,
        per_row in 1usize..=4,
    ) {
        if let Err(e) = against_pairing(seed, ne, np, k, per_row) {
            return Err(TestCaseError::fail(format!("{ne} x {np}, K = {k}: {e}")));
        }
    }

    /// Coarse profiles: many tied scores, empty profiles, populations 0 and 1.
    #[test]
    fn equals_the_dense_optimum_with_ties(
        eu in coarse_cities(1..30),
        partners in coarse_cities(1..30),
        k in 1usize..=3,
    ) {
        let eu: Vec<&City> = eu.iter().collect();
        let partners: Vec<&City> = partners.iter().collect();
        let scorer = WeightedScorer::default();
        let m = ScoreMatrix::build(&eu, &partners, &scorer, false).unwrap();
        let dense = solve(m.as_slice(), m.rows(), m.cols(), Sense::Maximize)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let s = candidates::solve(&eu, &partners, &scorer, k, &options(2))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_certificate(&m, &s).map_err(TestCaseError::fail)?;
        check_best(&m, &s).map_err(TestCaseError::fail)?;
        prop_assert!(close(s.total, dense.total()), "{} vs {}", s.total, dense.total());
        // The same answer sequentially and on one thread.
        let seq = candidates::solve(&eu, &partners, &scorer, k, &options(2).with_parallel(false)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&seq.pairs, &s.pairs);
        prop_assert_eq!(seq.total.to_bits(), s.total.to_bits());
        prop_assert_eq!(&seq.row_potentials, &s.row_potentials);
    }

    /// The sparse solver against the dense one, with missing entries as forbidden pairs, cold
    /// and warm from a solve on a subset of the entries.
    #[test]
    fn sparse_solver_equals_dense(
        r in 0usize..9,
        c in 0usize..9,
        seed in any::<u64>(),
        holes in 0.0f64..0.7,
        maximize in any::<bool>(),
    ) {
        let mut rng = seed;
        let mut next = || {
            rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let dense: Vec<f64> = (0..r * c)
            .map(|_| if next() < holes { f64::INFINITY } else { (next() * 8.0).floor() / 4.0 })
            .collect();
        let part: Vec<f64> = dense.iter().map(|&x| if next() < 0.5 { x } else { f64::INFINITY }).collect();
        let sense = if maximize { Sense::Maximize } else { Sense::Minimize };
        let dense = if maximize { dense.iter().map(|&x| if x.is_infinite() { -x } else { x }).collect() } else { dense };
        let m = SparseMatrix::from_dense(&dense, r, c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let sub = SparseMatrix::from_dense(&part, r, c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cold = solve_sparse(&m, sense).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let first = solve_sparse(&sub, sense).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let warm = solve_sparse_warm(&m, sense, &first).map_err(|e| TestCaseError::fail(e.to_string()))?;
        match solve(&dense, r, c, sense) {
            Ok(d) => {
                for a in [&cold, &warm] {
                    prop_assert!(a.is_complete());
                    prop_assert!(close(a.total(), d.total()), "{} vs {}", a.total(), d.total());
                    a.verify(&m).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
            }
            Err(_) => {
                for a in [&cold, &warm] {
                    let w = a.deficiency().ok_or_else(|| TestCaseError::fail("no witness"))?;
                    prop_assert!(w.reach.len() < w.lines.len());
                }
            }
        }
    }
}

/// Short lists on many small calls, square and rectangular both ways: every case is exact, and
/// between them they go through every path of the method (several pricing rounds, partial
/// rounds, lists cut short, widening).
#[test]
fn short_lists_go_through_every_path() {
    let (mut priced, mut partial, mut widened, mut many) = (0, 0, 0, 0);
    for seed in 0..240u64 {
        let (ne, np) = match seed % 3 {
            0 => (30, 30),
            1 => (12 + (seed % 7) as usize, 35),
            _ => (35, 9 + (seed % 5) as usize),
        };
        let k = 1 + (seed % 3) as usize;
        let s = against_pairing(seed, ne, np, k, 1 + (seed % 2) as usize)
            .unwrap_or_else(|e| panic!("seed {seed}, {ne} x {np}, K = {k}: {e}"));
        priced += usize::from(s.added > 0);
        partial += usize::from(s.rounds > s.full_scans);
        widened += usize::from(s.widenings > 0);
        many += usize::from(s.full_scans > 2);
    }
    assert!(
        priced > 60 && partial > 40 && widened > 40 && many > 30,
        "{priced} {partial} {widened} {many}"
    );
}

#[test]
fn a_unique_optimum_gives_the_dense_pairs() {
    for (ne, np, seed) in [(300, 200, 1), (150, 260, 2), (250, 250, 3)] {
        let call = synthetic::call(ne, np, seed);
        let pairing = Pairing::new(&call).unwrap();
        let eu: Vec<&City> = pairing.eu_cities().collect();
        let partners: Vec<&City> = pairing.partner_cities().collect();
        let s = candidates::solve(&eu, &partners, pairing.scorer(), 8, &options(4)).unwrap();
        let dense = pairing.solve(Objective::Sum).unwrap();
        check_certificate(pairing.matrix().unwrap(), &s).unwrap();
        let ids: Vec<(&str, &str)> = s
            .pairs
            .iter()
            .map(|p| (eu[p.0].id(), partners[p.1].id()))
            .collect();
        let want: Vec<(&str, &str)> = dense
            .pairs
            .iter()
            .map(|p| (p.eu.as_str(), p.partner.as_str()))
            .collect();
        assert_eq!(ids, want);
        assert_eq!(s.total.to_bits(), dense.total_score.to_bits());
        let scores: Vec<f64> = dense.pairs.iter().map(|p| p.score).collect();
        assert_eq!(s.pairs.iter().map(|p| p.2).collect::<Vec<_>>(), scores);
        assert!(s.edges < ne * np);
    }
}

/// Identical cities: every list starts at the same counterpart (ties go to the lower index), so
/// `K = 1` gives a star with no complete pairing, and the lists must be widened.
#[test]
fn identical_cities_need_widening() {
    let city = |i| {
        coarse_city(
            i,
            [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            [0; 15],
            80_000,
        )
    };
    let eu: Vec<City> = (0..30).map(city).collect();
    let partners: Vec<City> = (30..55).map(city).collect();
    let eu: Vec<&City> = eu.iter().collect();
    let partners: Vec<&City> = partners.iter().collect();
    let scorer = WeightedScorer::default();
    let s = candidates::solve(&eu, &partners, &scorer, 1, &options(1)).unwrap();
    assert!(s.widenings > 0 && s.certified_optimal);
    assert_eq!(s.pairs.len(), 25);
    let m = ScoreMatrix::build(&eu, &partners, &scorer, true).unwrap();
    check_certificate(&m, &s).unwrap();
    // Transposed: partners as rows.
    let t = candidates::solve(&partners, &eu, &scorer, 1, &options(1)).unwrap();
    assert!(t.widenings > 0 && t.certified_optimal);
    assert_eq!(t.total.to_bits(), s.total.to_bits());
}

#[cfg(feature = "rayon")]
#[test]
fn the_thread_count_does_not_matter() {
    let call = synthetic::call(140, 90, 17);
    let pairing = Pairing::new(&call).unwrap();
    let eu: Vec<&City> = pairing.eu_cities().collect();
    let partners: Vec<&City> = pairing.partner_cities().collect();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| candidates::solve(&eu, &partners, pairing.scorer(), 2, &options(3)))
            .unwrap()
    };
    let (one, two) = (run(1), run(2));
    let without_timings = |s: &CandidateSolution| {
        let mut s = s.clone();
        s.timings_ms = candidates::CandidateTimings::default();
        s
    };
    assert_eq!(without_timings(&one), without_timings(&two));
    assert!(one.rounds >= 1);
}

#[test]
fn errors_and_edge_cases() {
    let call = synthetic::call(5, 3, 1);
    let pairing = Pairing::new(&call).unwrap();
    let eu: Vec<&City> = pairing.eu_cities().collect();
    let partners: Vec<&City> = pairing.partner_cities().collect();
    let scorer = pairing.scorer();
    let e = candidates::solve(&eu, &partners, scorer, 0, &CandidateOptions::default()).unwrap_err();
    assert!(
        matches!(e.location(), Some(Location::Parameter { name: "k", .. })),
        "{e}"
    );
    assert!(e.to_string().starts_with("parameter k: "), "{e}");
    let bad = CandidateOptions::default().with_max_new_per_row(0);
    let e = candidates::solve(&eu, &partners, scorer, 2, &bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        "parameter max_new_per_row: max_new_per_row must be at least 1"
    );
    // One side empty: nothing to pair, trivially optimal.
    let none = candidates::solve(&eu, &[], scorer, 2, &CandidateOptions::default()).unwrap();
    assert!(none.certified_optimal && none.pairs.is_empty());
    assert_eq!(none.assignment, vec![None; 5]);
    // K far beyond the other side is the whole side.
    let all =
        candidates::solve(&eu, &partners, scorer, 1000, &CandidateOptions::default()).unwrap();
    assert_eq!(all.edges, 15);
    check_certificate(pairing.matrix().unwrap(), &all).unwrap();
}

/// Candidate mode's screened certificate check returns what the plain check returns, on the
/// genuine certificate and on tampered ones (the same violation).
#[test]
fn the_screened_check_agrees_with_the_plain_one() {
    for (ne, np, seed) in [(120, 90, 1), (60, 140, 2), (100, 100, 3)] {
        let call = synthetic::call(ne, np, seed);
        let pairing = Pairing::builder(&call).dense().build().unwrap();
        let eu: Vec<&City> = pairing.eu_cities().collect();
        let partners: Vec<&City> = pairing.partner_cities().collect();
        let matrix = pairing.matrix().unwrap();
        let best = candidates::pair(&call, 4, &CandidateOptions::default()).unwrap();
        assert!(best.certified_optimal);
        let genuine = best.certificate().unwrap().clone();
        let mut cases = vec![genuine.clone()];
        // Lower some covers (uncovered pairs), raise one (not tight), break a sign.
        for (k, delta) in [(0, -0.02), (7, -0.3), (ne - 1, -1e-6), (3, 0.25)] {
            let mut c = genuine.clone();
            c.u[k] += delta;
            cases.push(c);
        }
        let mut c = genuine.clone();
        c.v[np / 2] -= 0.05;
        cases.push(c);
        let mut c = genuine.clone();
        c.v.iter_mut().for_each(|x| *x = 0.0);
        cases.push(c);
        for (n, c) in cases.iter().enumerate() {
            let plain = c.verify(matrix);
            let screened =
                candidates::verify_certificate(c, (&eu, &partners), pairing.scorer(), true);
            assert_eq!(
                format!("{screened:?}"),
                format!("{plain:?}"),
                "call {seed}, case {n}"
            );
            assert_eq!(plain.is_ok(), n == 0, "call {seed}, case {n}: {plain:?}");
        }
    }
}
