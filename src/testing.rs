//! A property-test kit for tools that embed citypair (cargo feature `testing`).
//!
//! It offers [`mod@proptest`] strategies for cities, calls and score matrices, and the fairness
//! properties of a pairing as public checking functions, so that a tool can property-test its
//! own scoring weights and inputs in a few lines:
//!
//! ```
//! use citypair::testing::{calls, check_pairing_properties};
//! use proptest::test_runner::{Config, TestCaseError, TestRunner};
//!
//! // Every generated call, paired under every objective, keeps every property.
//! let mut runner = TestRunner::new(Config { cases: 32, ..Config::default() });
//! runner
//!     .run(&calls(1..6, 1..6), |call| {
//!         check_pairing_properties(&call).map_err(|v| TestCaseError::fail(v.to_string()))
//!     })
//!     .unwrap();
//! ```
//!
//! Each check returns `Ok(())` or a [`Violation`] that says which property failed and on what.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use proptest::collection::vec;
use proptest::prelude::*;

use crate::eligibility::classify;
use crate::model::{Call, City, Country, Dataset, Date, Profile, Theme};
use crate::pairing::{Objective, Pairing, Solution, Timings};
use crate::solver::{solve, Sense};

/// A failed property: which one, and the details.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The property's name, e.g. `"stable"`.
    pub property: &'static str,
    /// What was found.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "property \"{}\" violated: {}",
            self.property, self.detail
        )
    }
}

impl std::error::Error for Violation {}

fn violation(property: &'static str, detail: impl Into<String>) -> Result<(), Violation> {
    Err(Violation {
        property,
        detail: detail.into(),
    })
}

/// A challenge or expertise profile: each theme absent or a value in `[0, 1]` with three
/// decimals.
pub fn profiles() -> impl Strategy<Value = Profile> {
    vec(
        prop_oneof![2 => Just(0.0), 3 => (0u32..=1000).prop_map(|k| f64::from(k) / 1000.0)],
        Theme::COUNT,
    )
    .prop_map(|v| {
        let mut values = [0.0; Theme::COUNT];
        values.copy_from_slice(&v);
        Profile::new(values).unwrap_or_default()
    })
}

/// A city of `country` with the given id, a population between 10,000 and 10 million, and
/// random profiles.
pub fn city(id: String, country: &'static str) -> impl Strategy<Value = City> {
    (10_000u64..10_000_000, profiles(), profiles()).prop_map(move |(population, ch, ex)| {
        let country = country
            .parse()
            .unwrap_or_else(|_| unreachable!("fixed codes"));
        City::builder(id.clone(), id.clone(), country, population)
            .challenges(ch)
            .expertise(ex)
            .build()
            .unwrap_or_else(|e| unreachable!("generated cities are valid: {e}"))
    })
}

/// A 2017-style call with a number of EU cities in `eu` and of partner cities in `partners`,
/// all eligible, ids `e0, e1, ...` and `p0, p1, ...`, countries drawn from a few member states
/// and partner countries. The cities come in a random order.
pub fn calls(eu: Range<usize>, partners: Range<usize>) -> impl Strategy<Value = Dataset> {
    const EU: [&str; 4] = ["DE", "PL", "IT", "ES"];
    const PARTNERS: [&str; 4] = ["BR", "JP", "IN", "US"];
    (eu, partners)
        .prop_flat_map(|(ne, np)| {
            let e: Vec<_> = (0..ne)
                .map(|k| city(format!("e{k}"), EU[k % EU.len()]))
                .collect();
            let p: Vec<_> = (0..np)
                .map(|k| city(format!("p{k}"), PARTNERS[k % PARTNERS.len()]))
                .collect();
            (e, p)
        })
        .prop_map(|(e, p)| e.into_iter().chain(p).collect::<Vec<City>>())
        .prop_shuffle()
        .prop_map(|cities| {
            let partner_countries: Vec<Country> = PARTNERS
                .iter()
                .map(|c| c.parse().unwrap_or_else(|_| unreachable!("fixed codes")))
                .collect();
            let call = Call::builder("property test", Date::known(2017, 9, 21))
                .partner_countries(partner_countries)
                .build()
                .unwrap_or_else(|e| unreachable!("the generated call is valid: {e}"));
            // Ids are numbered, so they are unique.
            Dataset::new(call, cities).unwrap_or_else(|e| unreachable!("{e}"))
        })
}

/// A `rows x cols` score matrix (row-major) with `rows` in `rows_range` and `cols` in
/// `cols_range`, scores in `[0, 1]` from a few levels, so that ties are common.
pub fn score_matrices(
    rows_range: Range<usize>,
    cols_range: Range<usize>,
) -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
    (rows_range, cols_range).prop_flat_map(|(r, c)| {
        (
            Just(r),
            Just(c),
            vec((0u32..=20).prop_map(|k| f64::from(k) / 20.0), r * c),
        )
    })
}

/// Checks that no excluded city is paired, every city is in at most one pair, every pair joins
/// an EU city with a partner city, and every score lies in `[0, 1]`.
///
/// # Errors
/// The first violated property.
pub fn check_valid(dataset: &Dataset, solution: &Solution) -> Result<(), Violation> {
    let e = classify(dataset);
    let eu: HashSet<&str> = e.eu.iter().map(|&i| dataset.cities()[i].id()).collect();
    let partners: HashSet<&str> = e
        .partners
        .iter()
        .map(|&i| dataset.cities()[i].id())
        .collect();
    let mut seen = HashSet::new();
    for p in &solution.pairs {
        if !eu.contains(p.eu.as_str()) || !partners.contains(p.partner.as_str()) {
            return violation(
                "eligible",
                format!(
                    "pair {} - {} joins an ineligible city or the wrong sides",
                    p.eu, p.partner
                ),
            );
        }
        if !seen.insert(p.eu.as_str()) || !seen.insert(p.partner.as_str()) {
            return violation(
                "one-to-one",
                format!("{} or {} is paired twice", p.eu, p.partner),
            );
        }
        if !(0.0..=1.0).contains(&p.score) {
            return violation(
                "score range",
                format!("{} - {} scores {}", p.eu, p.partner, p.score),
            );
        }
    }
    Ok(())
}

/// The pairing's dense score matrix (these checks read it), or a violation saying it has none.
fn dense<'p>(pairing: &'p Pairing<'_>) -> Result<&'p crate::matrix::ScoreMatrix, Violation> {
    pairing.matrix().map_err(|e| Violation {
        property: "dense score matrix",
        detail: e.to_string(),
    })
}

/// Checks that a `stable` solution has no blocking pair, recomputing preferences from the
/// pairing's own scores.
///
/// # Errors
/// A violation naming a blocking pair.
pub fn check_stable(pairing: &Pairing<'_>, solution: &Solution) -> Result<(), Violation> {
    let eu: Vec<&City> = pairing.eu_cities().collect();
    let partners: Vec<&City> = pairing.partner_cities().collect();
    let m = dense(pairing)?;
    let current = |id: &str, is_eu: bool| -> Option<f64> {
        solution
            .pairs
            .iter()
            .find(|p| if is_eu { p.eu == id } else { p.partner == id })
            .map(|p| p.score)
    };
    for (i, e) in eu.iter().enumerate() {
        for (j, p) in partners.iter().enumerate() {
            if solution.partner_of(e.id()) == Some(p.id()) {
                continue;
            }
            let s = m.get(i, j);
            let e_wants = current(e.id(), true).is_none_or(|c| s > c);
            let p_wants = current(p.id(), false).is_none_or(|c| s > c);
            if e_wants && p_wants {
                return violation(
                    "stable",
                    format!("{} and {} block (score {s})", e.id(), p.id()),
                );
            }
        }
    }
    Ok(())
}

/// Checks that the `sum` solution's total equals an independent optimum of the pairing's score
/// matrix (by brute force for at most 7 cities on the smaller side).
///
/// # Errors
/// A violation with both totals; `sum` solutions of larger calls are not checked.
pub fn check_sum_optimal(pairing: &Pairing<'_>, solution: &Solution) -> Result<(), Violation> {
    let m = dense(pairing)?;
    let (r, c) = (m.rows(), m.cols());
    if r.min(c) > 7 {
        return Ok(());
    }
    let best = brute_force_max(m.as_slice(), r, c);
    if (best - solution.total_score).abs() > 1e-9 {
        return violation(
            "sum optimal",
            format!(
                "total {} but brute force finds {best}",
                solution.total_score
            ),
        );
    }
    Ok(())
}

/// The best total of a complete assignment of the smaller side, by brute force.
fn brute_force_max(s: &[f64], r: usize, c: usize) -> f64 {
    fn rec(
        i: usize,
        n: usize,
        m: usize,
        at: &dyn Fn(usize, usize) -> f64,
        used: &mut [bool],
    ) -> f64 {
        if i == n {
            return 0.0;
        }
        let mut best = f64::NEG_INFINITY;
        for j in 0..m {
            if !used[j] {
                used[j] = true;
                best = best.max(at(i, j) + rec(i + 1, n, m, at, used));
                used[j] = false;
            }
        }
        best
    }
    if r <= c {
        rec(0, r, c, &|i, j| s[i * c + j], &mut vec![false; c])
    } else {
        rec(0, c, r, &|i, j| s[j * c + i], &mut vec![false; r])
    }
}

/// Checks that two solutions pair the same cities with the same scores and report the same
/// figures (timings aside): for permutation, thread-count and determinism tests.
///
/// # Errors
/// A violation naming the first difference.
pub fn check_same(a: &Solution, b: &Solution) -> Result<(), Violation> {
    let strip = |s: &Solution| Solution {
        timings_ms: Timings {
            score: 0.0,
            solve: 0.0,
        },
        ..s.clone()
    };
    if strip(a) != strip(b) {
        let first = a
            .pairs
            .iter()
            .zip(&b.pairs)
            .find(|(p, q)| p != q)
            .map_or_else(
                || "figures differ".to_string(),
                |(p, q)| format!("{} - {} vs {} - {}", p.eu, p.partner, q.eu, q.partner),
            );
        return violation("same result", first);
    }
    Ok(())
}

/// Pairs `dataset` under every objective and checks every property above, plus: `maxmin`'s
/// lowest score is at least `sum`'s, `sum`'s total is at least every other objective's, the
/// reversed input order gives the same result, and the `sum` total matches the solver run
/// directly on the matrix.
///
/// # Errors
/// The first violated property. A call that cannot be paired (a side without an eligible
/// city) passes trivially.
pub fn check_pairing_properties(dataset: &Dataset) -> Result<(), Violation> {
    let Ok(pairing) = Pairing::new(dataset) else {
        return Ok(());
    };
    let solve_all = |p: &Pairing<'_>| -> Result<Vec<Solution>, Violation> {
        [Objective::Sum, Objective::MaxMin, Objective::Stable]
            .into_iter()
            .map(|o| {
                p.solve(o).map_err(|e| Violation {
                    property: "solvable",
                    detail: format!("{o}: {e}"),
                })
            })
            .collect()
    };
    let all = solve_all(&pairing)?;
    for s in &all {
        check_valid(dataset, s)?;
    }
    let (sum, maxmin, stable) = (&all[0], &all[1], &all[2]);
    check_sum_optimal(&pairing, sum)?;
    check_stable(&pairing, stable)?;
    if maxmin.min_score < sum.min_score {
        return violation(
            "maxmin lowest score",
            format!("{:?} below sum's {:?}", maxmin.min_score, sum.min_score),
        );
    }
    for s in [maxmin, stable] {
        if s.total_score > sum.total_score + 1e-9 {
            return violation(
                "sum is the best total",
                format!(
                    "{} total {} above sum's {}",
                    s.objective, s.total_score, sum.total_score
                ),
            );
        }
    }
    let m = dense(&pairing)?;
    let direct =
        solve(m.as_slice(), m.rows(), m.cols(), Sense::Maximize).map_err(|e| Violation {
            property: "solvable",
            detail: e.to_string(),
        })?;
    if (direct.total() - sum.total_score).abs() > 1e-9 {
        return violation(
            "sum equals the solver",
            format!("{} vs {}", sum.total_score, direct.total()),
        );
    }
    let (call, mut cities) = dataset.clone().into_parts();
    cities.reverse();
    let reversed = Dataset::new(call, cities).map_err(|e| Violation {
        property: "solvable",
        detail: e.to_string(),
    })?;
    let again = Pairing::new(&reversed).map_err(|e| Violation {
        property: "solvable",
        detail: e.to_string(),
    })?;
    for (a, b) in all.iter().zip(solve_all(&again)?) {
        check_same(a, &b)?;
    }
    Ok(())
}
