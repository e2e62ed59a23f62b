//! No input makes the library panic: arbitrary text and arbitrary JSON values in every field of
//! a call (programme rules included) give a result or a typed error, and the pairing of anything
//! that parses completes (or, under rules, gives a typed error).

use citypair::io::{parse_dataset, parse_matrix};
use citypair::solver::{solve, solve_bottleneck, Sense};
use citypair::{Objective, Pairing};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|x| json!(x)),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| json!(x)),
        "[a-zA-Z0-9_ -]{0,12}".prop_map(Value::String),
        Just(json!("PL")),
        Just(json!("BR")),
        Just(json!("2017-09-21")),
        Just(json!({"housing": 0.5})),
        Just(json!("a")),
        Just(json!("c")),
        Just(json!(["a", "c"])),
        Just(json!("Japan")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Sets the value at a JSON pointer: replaces it, or adds it to its parent object (so absent
/// optional fields are covered too).
fn set(doc: &mut Value, path: &str, v: Value) {
    if let Some(slot) = doc.pointer_mut(path) {
        *slot = v;
    } else if let Some((parent, key)) = path.rsplit_once('/') {
        if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
            map.insert(key.to_owned(), v);
        }
    }
}

/// A valid call with one field replaced (or added) by an arbitrary value. Paths inside the
/// programme rules start from a call that has every rule, and a third city to forbid.
fn mutated_call() -> impl Strategy<Value = String> {
    let fields = [
        "/call/name",
        "/call/date",
        "/call/min_population",
        "/call/partner_countries",
        "/call/weights",
        "/call/min_score",
        "/call/forbidden",
        "/call/locked",
        "/call/quotas",
        "/call/regions",
        "/call/forbidden/0",
        "/call/locked/0",
        "/call/locked/0/1",
        "/call/quotas/0",
        "/call/quotas/0/countries",
        "/call/quotas/0/regions",
        "/call/quotas/0/regions/0",
        "/call/quotas/0/min",
        "/call/quotas/0/max",
        "/call/quotas/0/other",
        "/call/regions/Japan",
        "/call/regions/Andes",
        "/cities/0/id",
        "/cities/0/country",
        "/cities/0/population",
        "/cities/0/challenges",
        "/cities/0/expertise",
        "/cities/0/capacity",
        "/cities/1/lat",
        "/cities/1/challenges/housing",
        "/cities",
        "/call",
    ];
    (proptest::sample::select(fields.to_vec()), any_json()).prop_map(|(path, v)| {
        let mut doc = json!({
            "call": {"name": "t", "date": "2017-09-21", "partner_countries": ["BR"],
                     "weights": {"size": 0.2}},
            "cities": [
                {"id": "a", "name": "A", "country": "PL", "population": 90_000,
                 "challenges": {"housing": 0.4}, "expertise": {"water_and_sanitation": 1}},
                {"id": "b", "name": "B", "country": "BR", "population": 700_000, "lat": 1.0,
                 "challenges": {"housing": 0.9}}
            ]
        });
        let rule_paths = [
            "/call/forbidden/",
            "/call/locked/",
            "/call/quotas/",
            "/call/regions/",
        ];
        if rule_paths.iter().any(|p| path.starts_with(p)) {
            set(&mut doc, "/call/min_score", json!(0.0));
            set(&mut doc, "/call/forbidden", json!([["a", "c"]]));
            set(&mut doc, "/call/locked", json!([["a", "b"]]));
            set(&mut doc, "/call/regions", json!({"Japan": ["JP", "KR"]}));
            set(
                &mut doc,
                "/call/quotas",
                json!([{"countries": ["BR"], "regions": ["Japan"], "min": 0, "max": 1}]),
            );
            if let Some(Value::Array(cities)) = doc.pointer_mut("/cities") {
                cities.push(json!({"id": "c", "name": "C", "country": "BR",
                                   "population": 300_000, "challenges": {"housing": 0.2}}));
            }
        }
        set(&mut doc, path, v);
        doc.to_string()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = parse_dataset(&text, "fuzz");
        let _ = parse_matrix(&text, "fuzz");
    }

    #[test]
    fn arbitrary_matrix_like_text_never_panics(text in "[0-9 .\\-+exinfINFXaN\n]{0,80}") {
        if let Ok(m) = parse_matrix(&text, "fuzz") {
            let _ = solve(&m.data, m.rows, m.cols, Sense::Minimize);
            let _ = solve_bottleneck(&m.data, m.rows, m.cols, Sense::Maximize);
        }
    }

    #[test]
    fn arbitrary_field_values_never_panic(text in mutated_call()) {
        if let Ok(d) = parse_dataset(&text, "fuzz") {
            if let Ok(p) = Pairing::new(&d) {
                for o in [Objective::Sum, Objective::MaxMin, Objective::Stable] {
                    // Rules may be infeasible (or, for `stable`, undefined): an error, not a panic.
                    let s = match p.solve(o) {
                        Ok(s) => s,
                        Err(e) => {
                            prop_assert!(!d.call().rules().is_empty(), "without rules: {e}");
                            continue;
                        }
                    };
                    prop_assert!(s.pairs.iter().all(|x| (0.0..=1.0).contains(&x.score)));
                }
            }
        }
    }
}
