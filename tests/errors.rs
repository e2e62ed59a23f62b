//! The library's errors, produced by real bad inputs: every variant of [`Error`] is reachable,
//! the structured fields say what the message says, and no message names a command-line flag
//! (the `citypair` tool adds its own hints; see `src/cli/error.rs`).

use std::collections::BTreeSet;
use std::path::Path;

use citypair::candidates::{self, CandidateOptions};
use citypair::error::{
    Context, DenseOnly, Error, Infeasibility, Location, NoPairs, PairRule, Shortfall, Unsupported,
    WhyUnknown,
};
use citypair::io::{embedded_dataset, load_dataset, parse_dataset, parse_matrix};
use citypair::model::{Call, City, Date, Quota, Rules, Weights};
use citypair::solver::{solve, solve_sparse_warm, Sense, SparseMatrix};
use citypair::whatif::Planner;
use citypair::{Dataset, Objective, Pairing};

/// Every variant of [`Error`], by name.
const VARIANTS: [&str; 17] = [
    "Io",
    "Json",
    "Invalid",
    "DuplicateCity",
    "UnknownCity",
    "NoPairs",
    "MatrixParse",
    "MatrixShape",
    "NaN",
    "CostOverflow",
    "CostMagnitude",
    "Infeasible",
    "Unsupported",
    "OutOfMemory",
    "TooLarge",
    "CandidateMode",
    "CustomScorer",
];

/// The variant's name; a variant added to the library must be added here, to [`VARIANTS`] and
/// to the inputs of [`produced`].
fn variant(e: &Error) -> &'static str {
    match e {
        Error::Io { .. } => "Io",
        Error::Json { .. } => "Json",
        Error::Invalid { .. } => "Invalid",
        Error::DuplicateCity { .. } => "DuplicateCity",
        Error::UnknownCity { .. } => "UnknownCity",
        Error::NoPairs { .. } => "NoPairs",
        Error::MatrixParse { .. } => "MatrixParse",
        Error::MatrixShape { .. } => "MatrixShape",
        Error::NaN { .. } => "NaN",
        Error::CostOverflow { .. } => "CostOverflow",
        Error::CostMagnitude { .. } => "CostMagnitude",
        Error::Infeasible { .. } => "Infeasible",
        Error::Unsupported { .. } => "Unsupported",
        Error::OutOfMemory { .. } => "OutOfMemory",
        Error::TooLarge { .. } => "TooLarge",
        Error::CandidateMode { .. } => "CandidateMode",
        Error::CustomScorer { .. } => "CustomScorer",
        other => panic!("a new error variant: {other:?}"),
    }
}

/// A small call in JSON, with `rules` spliced into its call object.
fn call_json(rules: &str) -> String {
    format!(
        r#"{{"call": {{"name": "t", "date": "2017-09-21", "partner_countries": ["BR"]{rules}}},
            "cities": [
              {{"id": "lyon", "name": "Lyon", "country": "FR", "population": 516092,
                "challenges": {{"urban_mobility": 0.9}}}},
              {{"id": "poznan", "name": "Poznań", "country": "PL", "population": 534813,
                "challenges": {{"air_quality": 0.9}}}},
              {{"id": "sopot", "name": "Sopot", "country": "PL", "population": 35719,
                "challenges": {{"air_quality": 0.9}}}},
              {{"id": "recife", "name": "Recife", "country": "BR", "population": 1653461,
                "challenges": {{"air_quality": 0.8}}}},
              {{"id": "curitiba", "name": "Curitiba", "country": "BR", "population": 1948626,
                "challenges": {{"urban_mobility": 0.8}}}}
            ]}}"#
    )
}

fn err<T: std::fmt::Debug>(r: citypair::Result<T>) -> Error {
    r.expect_err("this input must be refused")
}

fn country(code: &str) -> citypair::model::Country {
    code.parse().expect("two letters")
}

/// Errors from real bad inputs, at least one of every variant.
#[allow(clippy::vec_init_then_push, clippy::too_many_lines)] // one input per line reads best
fn produced() -> Vec<Error> {
    let mut out = Vec::new();
    // Reading.
    out.push(err(load_dataset(Path::new(
        "/nonexistent-citypair/call.json",
    ))));
    out.push(err(parse_dataset("{\"call\": ", "bad.json")));
    out.push(err(parse_dataset(
        &call_json("").replace("534813", "-5"),
        "x",
    )));
    out.push(err(parse_dataset(
        &call_json("").replace("\"sopot\"", "\"lyon\""),
        "x",
    )));
    out.push(err(parse_dataset(&call_json(r#", "min_score": 1.5"#), "x")));
    out.push(err(parse_dataset(
        &call_json(r#", "quotas": [{"countries": ["BR"], "min": 3, "max": 1}]"#),
        "x",
    )));
    out.push(err(parse_dataset(
        &call_json(r#", "quotas": [{"regions": ["Japn"], "max": 1}]"#),
        "x",
    )));
    out.push(err(parse_dataset(
        &call_json(r#", "locked": [["lyon", "lyon"]]"#),
        "x",
    )));
    out.push(err(parse_dataset(
        &call_json(r#", "weights": {"size": -1}"#),
        "x",
    )));
    out.push(err(parse_matrix("2 2\n1 nan\n3 4\n", "m.txt")));
    // The model's constructors.
    out.push(err(Date::new(2017, 2, 29)));
    out.push(err("2017-13-01".parse::<Date>()));
    out.push(err(Weights::new(0.0, 0.0, 0.0)));
    let pl = country("PL");
    out.push(err(City::builder("", "nameless", pl, 1).build()));
    out.push(err(City::builder("x", "X", pl, 1).capacity(0).build()));
    out.push(err(City::builder("x", "X", pl, 1).lon(f64::NAN).build()));
    let call = Call::builder("t", Date::new(2017, 9, 21).unwrap())
        .partner_countries([country("BR")])
        .build()
        .unwrap();
    let city = |id: &str| City::builder(id, id, pl, 100_000).build().unwrap();
    out.push(err(Dataset::new(call.clone(), vec![city("a"), city("a")])));
    let mut rules = Rules::default();
    rules.quotas.push(Quota::of_countries([]).at_most(1));
    out.push(err(call.clone().into_builder().rules(rules).build()));
    // Pairing: no pair, unknown ids, rules that cannot be meant or met.
    out.push(err(Pairing::new(
        &Dataset::new(call.clone(), vec![city("a")]).unwrap(),
    )));
    let small = parse_dataset(&call_json(""), "x").unwrap();
    let p = Pairing::new(&small).unwrap();
    out.push(err(p.explain("atlantis", "recife")));
    out.push(err(p.explain("sopot", "recife")));
    out.push(err(p.score("recife", "lyon")));
    for rules in [
        r#", "locked": [["lyon", "atlantis"]]"#,
        r#", "forbidden": [["lyon", "poznan"]]"#,
        r#", "locked": [["lyon", "curitiba"]], "forbidden": [["curitiba", "lyon"]]"#,
        r#", "quotas": [{"countries": ["BR"], "min": 3}]"#,
        r#", "quotas": [{"countries": ["BR"], "max": 0}], "locked": [["lyon", "curitiba"]]"#,
        r#", "min_score": 1"#,
        r#", "quotas": [{"countries": ["BR"], "min": 2}],
           "forbidden": [["lyon", "recife"], ["curitiba", "lyon"]]"#,
        r#", "quotas": [{"countries": ["US"], "max": 1}]"#,
    ] {
        let ds = parse_dataset(&call_json(rules), "x").unwrap();
        out.push(err(Pairing::new(&ds).and_then(|p| p.solve(Objective::Sum))));
    }
    let quotas = parse_dataset(
        &call_json(r#", "quotas": [{"countries": ["BR"], "max": 2}]"#),
        "x",
    )
    .unwrap();
    out.push(err(Pairing::new(&quotas).unwrap().solve(Objective::Stable)));
    // What-ifs.
    let planner = Planner::new(&p).unwrap();
    out.push(err(planner.resolve(&["atlantis".into()], &[])));
    out.push(err(planner.resolve(&["sopot".into()], &[])));
    out.push(err(
        planner.resolve(&[], &[("lyon".into(), "poznan".into())])
    ));
    out.push(err(planner.resolve(
        &["curitiba".into()],
        &[("lyon".into(), "curitiba".into())],
    )));
    out.push(err(
        planner.resolve(&[], &[("lyon".into(), "atlantis".into())])
    ));
    let locked = parse_dataset(&call_json(r#", "locked": [["lyon", "curitiba"]]"#), "x").unwrap();
    let locked = Pairing::new(&locked).unwrap();
    out.push(err(Planner::new(&locked)
        .unwrap()
        .resolve(&["lyon".into()], &[])));
    // Candidate mode.
    let options = CandidateOptions::default();
    out.push(err(candidates::pair(
        &parse_dataset(&call_json(r#", "min_score": 0.1"#), "x").unwrap(),
        4,
        &options,
    )));
    let (call, mut cities) = small.clone().into_parts();
    cities[0] = cities[0]
        .clone()
        .into_builder()
        .capacity(2)
        .build()
        .unwrap();
    out.push(err(candidates::pair(
        &Dataset::new(call, cities).unwrap(),
        4,
        &options,
    )));
    out.push(err(candidates::pair(&small, 0, &options)));
    // Sizes and memory: a ruled call above a (lowered) size budget, cities too many for the
    // address space, and an explanation asked of a custom scorer.
    let ruled = parse_dataset(&call_json(r#", "min_score": 0.1"#), "x").unwrap();
    out.push(err(Pairing::builder(&ruled).size_budget(1).build()));
    out.push(err(citypair::synthetic::try_call(1 << 60, 1 << 60, 1)));
    let by_size = |a: &City, b: &City| {
        let (x, y) = (a.population() as f64, b.population() as f64);
        x.min(y) / x.max(y)
    };
    out.push(err(Pairing::builder(&small)
        .scorer(by_size)
        .build()
        .unwrap()
        .explain("lyon", "recife")));
    out.push(err(candidates::pair(
        &small,
        4,
        &options.with_max_rounds(0),
    )));
    // The solvers.
    let inf = f64::INFINITY;
    out.push(err(solve(&[1.0, 2.0, 3.0], 2, 2, Sense::Minimize)));
    out.push(err(solve(
        &[1.0, f64::NAN, 2.0, 3.0],
        2,
        2,
        Sense::Minimize,
    )));
    out.push(err(solve(
        &[i64::MAX - 1, 0, 0, i64::MIN + 1],
        2,
        2,
        Sense::Minimize,
    )));
    let b = 4_000_000_000_000_000_000_i64;
    out.push(err(solve(&[b, b + 1, b + 1, b], 2, 2, Sense::Minimize)));
    out.push(err(solve(
        &[1.0, inf, inf, 2.0, inf, inf],
        2,
        3,
        Sense::Minimize,
    )));
    out.push(err(solve(
        &[1.0, 2.0, inf, inf, inf, inf],
        3,
        2,
        Sense::Minimize,
    )));
    out.push(err(solve(&[inf, inf, 1.0, 2.0], 2, 2, Sense::Minimize)));
    out.push(err(solve(
        &[1.0, inf, 2.0, inf, 3.0, inf],
        3,
        2,
        Sense::Minimize,
    )));
    out.push(err(SparseMatrix::from_triplets(
        2,
        2,
        [(0, 0, 1.0), (0, 0, 2.0)],
    )));
    let sparse = SparseMatrix::from_triplets(2, 2, [(0, 0, 1.0), (1, 1, 2.0)]).unwrap();
    let other = SparseMatrix::from_triplets(3, 3, [(0, 0, 1.0), (1, 1, 2.0), (2, 2, 1.0)]).unwrap();
    let start = citypair::solver::solve_sparse(&other, Sense::Minimize).unwrap();
    out.push(err(solve_sparse_warm(&sparse, Sense::Minimize, &start)));
    out.push(err("fair".parse::<Objective>()));
    out.push(err("nope".parse::<citypair::bench::BenchFamily>()));
    out
}

#[test]
fn every_variant_is_reachable_from_some_input() {
    let errors = produced();
    let seen: BTreeSet<&str> = errors.iter().map(variant).collect();
    let all: BTreeSet<&str> = VARIANTS.into_iter().collect();
    assert_eq!(seen, all, "variants without an input that produces them");
}

#[test]
fn no_library_message_names_a_command_line_flag() {
    for e in produced() {
        let text = e.to_string();
        assert!(!text.contains("--"), "{text}");
        assert!(!text.is_empty());
    }
}

#[test]
fn the_fields_say_what_the_messages_say() {
    let errors = produced();
    locations_are_the_inputs_words(&errors);
    unknown_ids_say_where_and_why(&errors);
    counts_and_witnesses(&errors);
    numbers_and_modes(&errors);
}

/// Locations of invalid values, rendered as the input's own words.
fn locations_are_the_inputs_words(errors: &[Error]) {
    let text = |e: &Error| e.to_string();
    let located: Vec<(String, &Location)> = errors
        .iter()
        .filter_map(|e| e.location().map(|l| (text(e), l)))
        .collect();
    for (message, location) in &located {
        assert!(
            message.starts_with(&location.to_string()),
            "{message} does not start with {location}"
        );
    }
    let has = |f: &dyn Fn(&Location) -> bool| located.iter().any(|(_, l)| f(l));
    assert!(has(
        &|l| matches!(l, Location::City { field, .. } if field == "population")
    ));
    assert!(has(
        &|l| matches!(l, Location::Call { field, .. } if field == "min_score")
    ));
    assert!(has(&|l| matches!(
        l,
        Location::Quota {
            position: 1,
            field: None,
            ..
        }
    )));
    assert!(has(&|l| matches!(
        l,
        Location::Quota { position: 1, field: Some(f), .. } if f == "regions"
    )));
    assert!(has(&|l| matches!(
        l,
        Location::RulePair {
            rule: PairRule::Locked,
            position: 1,
            ..
        }
    )));
    assert!(has(&|l| *l == Location::Date));
    assert!(has(&|l| *l == Location::Weights));
    assert!(has(&|l| *l == Location::Withdrawal));
    assert!(has(&|l| *l == Location::Lock));
    assert!(has(&|l| *l == Location::SparseMatrix));
    assert!(has(&|l| *l == Location::WarmStart));
    assert!(has(
        &|l| matches!(l, Location::Parameter { name, .. } if *name == "k")
    ));
    assert!(has(
        &|l| matches!(l, Location::Parameter { name, .. } if *name == "max_rounds")
    ));
    assert!(has(
        &|l| matches!(l, Location::City { id, field, .. } if id.is_empty() && field == "id")
    ));
}

/// Unknown ids: where they were given and why they cannot be used.
fn unknown_ids_say_where_and_why(errors: &[Error]) {
    let unknown: Vec<(&Context, &WhyUnknown)> = errors
        .iter()
        .filter_map(|e| match e {
            Error::UnknownCity { context, why, .. } => Some((context, why)),
            _ => None,
        })
        .collect();
    let pair =
        |c: Context, w: &dyn Fn(&WhyUnknown) -> bool| unknown.iter().any(|&(x, y)| *x == c && w(y));
    assert!(pair(Context::Explain, &|w| *w == WhyUnknown::NoSuchCity));
    assert!(pair(Context::Explain, &|w| matches!(
        w,
        WhyUnknown::Excluded { reason, .. } if reason.contains("35719")
    )));
    assert!(pair(Context::Score, &|w| matches!(
        w,
        WhyUnknown::WrongSide {
            expected: citypair::eligibility::Side::Eu,
            ..
        }
    )));
    assert!(pair(Context::Withdrawal, &|w| *w == WhyUnknown::NoSuchCity));
    assert!(pair(Context::Withdrawal, &|w| matches!(
        w,
        WhyUnknown::Excluded { .. }
    )));
    assert!(pair(Context::Lock, &|w| *w == WhyUnknown::NoSuchCity));
    assert!(unknown.iter().any(|&(c, w)| matches!(
        c,
        Context::RulePair {
            rule: PairRule::Locked,
            position: 1,
            ..
        }
    ) && *w == WhyUnknown::NotEligible));
}

/// No pairs, with the counts; infeasibility: Hall witnesses as indices, quotas with their
/// numbers.
fn counts_and_witnesses(errors: &[Error]) {
    assert!(errors.iter().any(|e| matches!(
        e,
        Error::NoPairs {
            reason: NoPairs::NoPartnerCity { eu: 1, .. },
            ..
        }
    )));
    assert!(errors.iter().any(|e| matches!(
        e,
        Error::NoPairs {
            reason: NoPairs::RulesAllowNone {
                min_score: Some(m),
                ..
            },
            ..
        } if *m == 1.0
    )));

    // Infeasibility: Hall witnesses as indices, quotas with their numbers.
    let why: Vec<&Infeasibility> = errors.iter().filter_map(Error::infeasibility).collect();
    let witnesses: Vec<(&[usize], &[usize])> = errors.iter().filter_map(Error::witness).collect();
    assert!(
        witnesses.contains(&(&[0, 1][..], &[0][..])),
        "{witnesses:?}"
    );
    assert!(witnesses.contains(&(&[][..], &[1][..])), "{witnesses:?}");
    assert!(witnesses.contains(&(&[0][..], &[][..])), "{witnesses:?}");
    assert!(
        witnesses.contains(&(&[0][..], &[0, 1][..])),
        "{witnesses:?}"
    );
    assert!(
        why.iter().any(|w| matches!(
            w,
            Infeasibility::QuotaMinimum {
                quota: 1,
                min: 3,
                formed: 2,
                shortfall: Shortfall::Places {
                    cities: 2,
                    places: 2,
                    ..
                },
                ..
            }
        )),
        "{why:?}"
    );
    // A city-level Hall witness, by ids.
    assert!(
        why.iter().any(|w| matches!(
            w,
            Infeasibility::QuotaMinimum {
                min: 2,
                formed: 1,
                shortfall: Shortfall::Reach { side: citypair::eligibility::Side::Partner, cities, reachable, places: 1, .. },
                ..
            } if cities == &["curitiba", "recife"] && reachable == &["poznan"]
        )),
        "{why:?}"
    );
    assert!(
        why.iter().any(|w| matches!(
            w,
            Infeasibility::QuotaMaximum {
                quota: 1,
                max: 0,
                locked: 1,
                ..
            }
        )),
        "{why:?}"
    );
}

/// Numbers as numbers, and what a mode does not support.
fn numbers_and_modes(errors: &[Error]) {
    assert!(errors.iter().any(|e| matches!(
        e,
        Error::CostOverflow { span, limit, .. } if *span > *limit
    )));
    assert!(errors.iter().any(|e| matches!(
        e,
        Error::CostMagnitude { magnitude, limit, .. } if *magnitude > *limit
    )));

    // What a mode does not support.
    let unsupported: Vec<&Unsupported> = errors
        .iter()
        .filter_map(|e| match e {
            Error::Unsupported { what, .. } => Some(what),
            _ => None,
        })
        .collect();
    assert!(unsupported.contains(&&Unsupported::StableQuotas));
    // What candidate mode does not apply, with the city that needs the dense mode.
    assert!(errors.iter().any(|e| matches!(
        e,
        Error::CandidateMode {
            reason: DenseOnly::Rules
        }
    )));
    assert!(errors.iter().any(|e| matches!(
        e,
        Error::CandidateMode { reason: DenseOnly::Capacity { id, capacity: 2, .. } } if id == "lyon"
    )));
}

/// The embedded dataset's error messages, as the documentation quotes them.
#[test]
fn messages_read_as_documented() {
    let ds = embedded_dataset().unwrap();
    let p = Pairing::new(&ds).unwrap();
    assert_eq!(
        p.explain("x", "curitiba").unwrap_err().to_string(),
        "unknown city id \"x\" in the explained pair (no city has this id)"
    );
    let e = p.explain("curitiba", "aalborg").unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown city id \"curitiba\" in the explained pair (it is not an eligible EU city)"
    );
    let planner = Planner::new(&p).unwrap();
    let e = planner
        .resolve(&[], &[("lisbon".into(), "porto".into())])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("what-if lock: \"lisbon\" and \"porto\" are on the same side"),
        "{e}"
    );
}
