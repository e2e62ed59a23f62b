//! Reading inputs: every kind of bad call-and-cities document and matrix text gives an error
//! that names where the problem is, and good ones read as documented.

use std::fmt::Write as _;
use std::path::Path;

use citypair::io::{load_dataset, load_matrix, parse_dataset, parse_matrix, MatrixText};
use citypair::model::{Country, Quota, Regions, Rules, Theme, Weights};
use citypair::Error;
use proptest::prelude::*;

const GOOD: &str = r#"{
  "call": {
    "name": "IUC 2017",
    "date": "2017-09-21",
    "min_population": 50000,
    "partner_countries": ["US", "AR", "br", "BR"]
  },
  "cities": [
    {"id": "poznan", "name": "Poznań", "country": "PL", "population": 534813,
     "lat": 52.41, "lon": 16.93,
     "challenges": {"air_quality": 0.9, "urban_mobility": 0.7},
     "expertise":  {"circular_economy": 0.6}},
    {"id": "curitiba", "name": "Curitiba", "country": "BR", "population": 1948626,
     "challenges": {"urban_mobility": 0.8}, "capacity": 2}
  ]
}"#;

/// `GOOD` with one substring replaced (which must occur).
fn edit(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1)
}

/// The `(location, message)` of an [`Error::Invalid`] from parsing `text`, the location as
/// text.
fn invalid(text: &str) -> (String, String) {
    match parse_dataset(text, "call.json") {
        Err(Error::Invalid {
            location, message, ..
        }) => (location.to_string(), message),
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

#[test]
fn good_document_reads_with_defaults() {
    let d = parse_dataset(GOOD, "call.json").unwrap();
    assert_eq!(d.call().name(), "IUC 2017");
    assert_eq!(d.call().date().to_string(), "2017-09-21");
    let partners: Vec<&str> = d
        .call()
        .partner_countries()
        .iter()
        .map(citypair::model::Country::as_str)
        .collect();
    assert_eq!(partners, ["AR", "BR", "US"]);
    assert_eq!(d.call().weights(), Weights::default());
    let [poznan, curitiba] = d.cities() else {
        panic!("two cities")
    };
    assert_eq!(poznan.name(), "Poznań");
    assert_eq!(poznan.challenges().get(Theme::AirQuality), 0.9);
    assert_eq!(poznan.expertise().get(Theme::CircularEconomy), 0.6);
    assert_eq!((poznan.lat(), poznan.capacity()), (Some(52.41), 1));
    assert_eq!((curitiba.lat(), curitiba.capacity()), (None, 2));
    assert_eq!(curitiba.expertise().nonzero().count(), 0);

    let no_min = edit("\"min_population\": 50000,", "");
    assert_eq!(
        parse_dataset(&no_min, "x").unwrap().call().min_population(),
        50_000
    );
}

#[test]
fn empty_city_list_is_accepted() {
    let text = r#"{"call": {"name": "c", "date": "2017-09-21", "partner_countries": []},
                   "cities": []}"#;
    assert!(parse_dataset(text, "x").unwrap().cities().is_empty());
}

#[test]
fn malformed_json_names_file_line_and_column() {
    // Missing comma after "lat": 52.41 on line 10.
    let text = edit("\"lat\": 52.41,", "\"lat\": 52.41");
    match parse_dataset(&text, "iuc.json") {
        Err(Error::Json {
            file, line, column, ..
        }) => {
            assert_eq!(file, "iuc.json");
            assert_eq!(line, 10);
            assert!(column > 1);
        }
        other => panic!("{other:?}"),
    }
    let e = parse_dataset("{\"call\": ", "a.json")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("a.json: line 1, column"), "{e}");
}

#[test]
fn missing_file_names_the_path() {
    let path = Path::new("/nonexistent-citypair-dir/call.json");
    match load_dataset(path) {
        Err(e @ Error::Io { .. }) => {
            assert!(e
                .to_string()
                .contains("/nonexistent-citypair-dir/call.json"));
        }
        other => panic!("{other:?}"),
    }
    let e = load_matrix(Path::new("/nonexistent-citypair-dir/m.txt")).unwrap_err();
    assert!(e.to_string().contains("m.txt"), "{e}");
}

#[test]
fn files_are_read() {
    let dir = std::env::temp_dir().join(format!("citypair-input-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let call = dir.join("call.json");
    std::fs::write(&call, GOOD).unwrap();
    assert_eq!(load_dataset(&call).unwrap().cities().len(), 2);
    let matrix = dir.join("m.txt");
    std::fs::write(&matrix, "2\n1 2\n3 4\n").unwrap();
    assert_eq!(load_matrix(&matrix).unwrap().data, [1.0, 2.0, 3.0, 4.0]);
    std::fs::write(&matrix, "2\n1 2\n3 nan\n").unwrap();
    let e = load_matrix(&matrix).unwrap_err().to_string();
    assert!(e.contains("m.txt: line 3"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn duplicate_id_names_the_id() {
    let text = edit("\"id\": \"curitiba\"", "\"id\": \"poznan\"");
    match parse_dataset(&text, "x") {
        Err(Error::DuplicateCity {
            id, first, second, ..
        }) => {
            assert_eq!((id.as_str(), first, second), ("poznan", 1, 2));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_country_code_names_city_and_field() {
    let (location, message) = invalid(&edit("\"PL\"", "\"ZZ\""));
    assert_eq!(location, r#"city "poznan", field "country""#);
    assert!(message.contains("\"ZZ\""), "{message}");
    let (_, message) = invalid(&edit("\"PL\"", "\"UK\""));
    assert!(message.contains("GB"), "{message}");
    let (location, _) = invalid(&edit("\"PL\"", "\"Poland\""));
    assert_eq!(location, r#"city "poznan", field "country""#);
    let (location, message) = invalid(&edit("\"US\"", "\"XK\""));
    assert_eq!(location, r#"call, field "partner_countries""#);
    assert!(message.contains("XK"), "{message}");
}

#[test]
fn unknown_theme_key_names_key_city_and_profile() {
    let (location, message) = invalid(&edit("\"air_quality\"", "\"air_qualty\""));
    assert_eq!(location, r#"city "poznan", field "challenges""#);
    assert!(message.contains("\"air_qualty\""), "{message}");
    assert!(
        message.contains("did you mean \"air_quality\""),
        "{message}"
    );

    let (location, message) = invalid(&edit("\"circular_economy\"", "\"recycling\""));
    assert_eq!(location, r#"city "poznan", field "expertise""#);
    assert!(message.contains("\"recycling\""), "{message}");
}

#[test]
fn theme_values_must_be_numbers_in_the_unit_interval() {
    let (location, message) = invalid(&edit("\"urban_mobility\": 0.7", "\"urban_mobility\": 1.5"));
    assert_eq!(location, r#"city "poznan", field "challenges""#);
    assert!(message.contains("urban_mobility") && message.contains("1.5"));
    let (_, message) = invalid(&edit("0.6", "-0.1"));
    assert!(message.contains("-0.1"), "{message}");
    let (_, message) = invalid(&edit("0.6", "\"high\""));
    assert!(message.contains("not") || message.contains("must be a number"));
    assert!(message.contains("found a string"), "{message}");
}

#[test]
fn population_must_be_a_whole_non_negative_number() {
    let (location, message) = invalid(&edit("534813", "-534813"));
    assert_eq!(location, r#"city "poznan", field "population""#);
    assert!(message.contains("-534813") && message.contains("negative"));

    let (location, message) = invalid(&edit("\"population\": 534813,", ""));
    assert_eq!(location, r#"city "poznan", field "population""#);
    assert!(message.contains("missing"), "{message}");

    let (_, message) = invalid(&edit("534813", "534813.5"));
    assert!(message.contains("whole number"), "{message}");
}

#[test]
fn invalid_dates_name_the_call_field() {
    for bad in ["2017-02-30", "2017-13-01", "21.09.2017", "2017-9-21"] {
        let (location, message) = invalid(&edit("2017-09-21", bad));
        assert_eq!(location, r#"call, field "date""#, "{bad}");
        assert!(!message.is_empty());
    }
    let (location, _) = invalid(&edit("\"2017-09-21\"", "20170921"));
    assert_eq!(location, r#"call, field "date""#);
}

#[test]
fn unknown_fields_are_typos_not_defaults() {
    let (location, message) = invalid(&edit("\"expertise\"", "\"expertize\""));
    assert_eq!(location, r#"city "poznan", field "expertize""#);
    assert!(message.contains("unknown field") && message.contains("\"expertise\""));

    let (location, _) = invalid(&edit("\"min_population\"", "\"minimum_population\""));
    assert_eq!(location, r#"call, field "minimum_population""#);

    let (location, _) = invalid(&edit("\"cities\"", "\"citites\""));
    assert_eq!(location, r#"document, field "citites""#);
}

/// `GOOD` with `fields` (JSON members, without braces) added to the call.
fn with_rules(fields: &str) -> String {
    edit(
        "\"min_population\"",
        &format!("{fields}, \"min_population\""),
    )
}

#[test]
fn programme_rules_are_read() {
    let text = with_rules(
        r#""min_score": 0.35,
           "forbidden": [["hamburg", "guadalajara"], ["poznan", "curitiba"]],
           "locked": [["frankfurt", "yokohama"]],
           "regions": {"Japan": ["jp", "KR"], "Southern Cone": ["AR", "UY", "AR"]},
           "quotas": [
             {"countries": ["us", "CA", "US"], "max": 3},
             {"countries": ["IN"], "min": 2},
             {"regions": ["Southern Cone", "Japan", "Southern Cone"], "countries": null,
              "min": 1, "max": 4.0},
             {"countries": ["DE"], "regions": [], "max": 2, "min": null}
           ]"#,
    );
    let call = parse_dataset(&text, "call.json").unwrap().call().clone();
    let rules = &call.rules();
    assert_eq!(rules.min_score, Some(0.35));
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|&(a, b)| (a.to_owned(), b.to_owned()))
            .collect()
    };
    assert_eq!(
        rules.forbidden,
        pairs(&[("hamburg", "guadalajara"), ("poznan", "curitiba")])
    );
    assert_eq!(rules.locked, pairs(&[("frankfurt", "yokohama")]));
    let codes = |v: &[&str]| -> Vec<Country> { v.iter().map(|c| c.parse().unwrap()).collect() };
    assert_eq!(
        rules.quotas,
        [
            Quota::of_countries(codes(&["CA", "US"])).at_most(3),
            Quota::of_countries(codes(&["IN"])).at_least(2),
            Quota::of_regions(["Southern Cone", "Japan"])
                .at_least(1)
                .at_most(4),
            Quota::of_countries(codes(&["DE"])).at_most(2),
        ]
    );
    // The override moves KR out of "China and the rest of Asia" and AR, UY out of Latin America,
    // and adds "Southern Cone" at the end.
    let regions = &call.regions();
    assert_eq!(regions.countries("Japan"), Some(&codes(&["JP", "KR"])[..]));
    assert_eq!(
        regions.countries("Southern Cone"),
        Some(&codes(&["AR", "UY"])[..])
    );
    assert_eq!(regions.region_of("KR"), "Japan");
    assert_eq!(regions.region_of("AR"), "Southern Cone");
    assert_eq!(regions.region_of("BR"), "Latin America and Caribbean");
    assert_eq!(regions.region_of("CN"), "China and the rest of Asia");
    assert_eq!(
        regions.names().collect::<Vec<_>>(),
        [
            "Latin America and Caribbean",
            "North America",
            "India",
            "Japan",
            "China and the rest of Asia",
            "Southern Cone"
        ]
    );
}

#[test]
fn programme_rules_default_to_none_and_null_is_absent() {
    let plain = parse_dataset(GOOD, "x").unwrap().call().clone();
    assert!(plain.rules().is_empty());
    assert_eq!(*plain.rules(), Rules::default());
    assert_eq!(*plain.regions(), Regions::iuc());
    let nulls = with_rules(
        r#""min_score": null, "forbidden": null, "locked": null, "quotas": null, "regions": null"#,
    );
    let call = parse_dataset(&nulls, "x").unwrap().call().clone();
    assert_eq!(
        (call.rules(), call.regions()),
        (plain.rules(), plain.regions())
    );
    let empty = with_rules(r#""forbidden": [], "locked": [], "quotas": [], "regions": {}"#);
    let call = parse_dataset(&empty, "x").unwrap().call().clone();
    assert!(call.rules().is_empty());
    assert_eq!(*call.regions(), Regions::iuc());
    // The bounds of min_score are allowed, as integers too.
    for bound in ["0", "1", "1.0"] {
        let call = parse_dataset(&with_rules(&format!("\"min_score\": {bound}")), "x")
            .unwrap()
            .call()
            .clone();
        assert!(call.rules().min_score.is_some());
    }
}

#[test]
fn min_score_must_be_a_number_in_the_unit_interval() {
    for (bad, shown) in [("1.5", "1.5"), ("-0.1", "-0.1"), ("2", "2")] {
        let (location, message) = invalid(&with_rules(&format!("\"min_score\": {bad}")));
        assert_eq!(location, r#"call, field "min_score""#);
        assert!(
            message.contains(shown) && message.contains("outside [0, 1]"),
            "{message}"
        );
    }
    let (location, message) = invalid(&with_rules(r#""min_score": "high""#));
    assert_eq!(location, r#"call, field "min_score""#);
    assert!(message.contains("found a string"), "{message}");
}

#[test]
fn bad_pairs_name_the_field_and_the_pair_number() {
    for field in ["forbidden", "locked"] {
        for bad in [
            r#"["x"]"#,
            r#"["x", "y", "z"]"#,
            r#"["x", 3]"#,
            r#"["x", ""]"#,
            r#"["  ", "y"]"#,
            r#""x-y""#,
            r#"{"eu": "x", "partner": "y"}"#,
            "null",
        ] {
            let text = with_rules(&format!(r#""{field}": [["a", "b"], {bad}]"#));
            let (location, message) = invalid(&text);
            assert_eq!(
                location,
                format!("call, field \"{field}\", pair #2"),
                "{bad}"
            );
            assert!(
                message.starts_with(r#"must be two city ids ["EU id", "partner id"], found "#),
                "{message}"
            );
            let compact: serde_json::Value = serde_json::from_str(bad).unwrap();
            assert!(message.ends_with(&compact.to_string()), "{message}");
        }
        let (location, message) = invalid(&with_rules(&format!(r#""{field}": [["a", "a"]]"#)));
        assert_eq!(location, format!("call, field \"{field}\", pair #1"));
        assert!(
            message.contains("\"a\" twice") && message.contains("two different"),
            "{message}"
        );
        let (location, message) = invalid(&with_rules(&format!(r#""{field}": ["a", "b"]"#)));
        assert_eq!(location, format!("call, field \"{field}\", pair #1"));
        assert!(message.contains("found \"a\""), "{message}");
        let (location, message) = invalid(&with_rules(&format!(r#""{field}": {{}}"#)));
        assert_eq!(location, format!("call, field \"{field}\""));
        assert!(message.contains("found an object"), "{message}");
    }
    // A long value is shortened in the message.
    let long = format!(r#""locked": [["{}", 1]]"#, "x".repeat(200));
    let (_, message) = invalid(&with_rules(&long));
    assert!(message.ends_with("...") && message.len() < 120, "{message}");
}

/// The `(location, message)` of the error for a call whose only quota is `quota`.
fn quota_error(quota: &str) -> (String, String) {
    invalid(&with_rules(&format!(
        r#""quotas": [{{"countries": ["US"], "max": 1}}, {quota}]"#
    )))
}

#[test]
fn quota_fields_are_checked_and_named() {
    let at = |field: &str| format!("call, field \"quotas\", quota #2, field \"{field}\"");

    let (location, message) = quota_error(r#"{"countries": ["US", "ZZ"], "max": 1}"#);
    assert_eq!(location, at("countries"));
    assert!(message.contains("\"ZZ\""), "{message}");
    let (location, message) = quota_error(r#"{"countries": ["UK"], "max": 1}"#);
    assert_eq!(location, at("countries"));
    assert!(message.contains("GB"), "{message}");
    let (location, message) = quota_error(r#"{"countries": "US", "max": 1}"#);
    assert_eq!(location, at("countries"));
    assert!(message.contains("found a string"), "{message}");

    let (location, message) = quota_error(r#"{"countries": ["US"], "min": -1}"#);
    assert_eq!(location, at("min"));
    assert!(message.contains("min -1 is negative"), "{message}");
    let (location, message) = quota_error(r#"{"countries": ["US"], "max": 2.5}"#);
    assert_eq!(location, at("max"));
    assert!(message.contains("not a whole number"), "{message}");
    let (location, message) = quota_error(r#"{"countries": ["US"], "max": "3"}"#);
    assert_eq!(location, at("max"));
    assert!(message.contains("found a string"), "{message}");

    let (location, message) = quota_error(r#"{"countries": ["US"], "mx": 3}"#);
    assert_eq!(location, at("mx"));
    assert!(
        message.contains("unknown field") && message.contains("did you mean \"max\""),
        "{message}"
    );
    let (location, message) = quota_error(r#"{"contries": ["US"], "max": 3}"#);
    assert_eq!(location, at("contries"));
    assert!(message.contains("did you mean \"countries\""), "{message}");
}

#[test]
fn quota_shape_errors_name_the_quota() {
    let here = r#"call, field "quotas", quota #2"#;
    for (quota, expected) in [
        (r#"{"max": 3}"#, "at least one country"),
        (
            r#"{"countries": [], "regions": [], "max": 3}"#,
            "at least one country",
        ),
        (r#"{"countries": ["US"]}"#, "\"min\", \"max\" or both"),
        (
            r#"{"countries": ["US"], "min": null, "max": null}"#,
            "\"min\", \"max\" or both",
        ),
        (
            r#"{"countries": ["US"], "min": 4, "max": 3}"#,
            "min 4 is greater than max 3",
        ),
        (r#"["US", 3]"#, "found an array"),
        ("3", "found a number"),
    ] {
        let (location, message) = quota_error(quota);
        assert_eq!(location, here, "{quota}");
        assert!(message.contains(expected), "{quota}: {message}");
    }
    let (location, message) = invalid(&with_rules(r#""quotas": {"countries": ["US"]}"#));
    assert_eq!(location, r#"call, field "quotas""#);
    assert!(message.contains("found an object"), "{message}");
    // Equal bounds are fine.
    let text = with_rules(r#""quotas": [{"countries": ["US"], "min": 2, "max": 2}]"#);
    assert_eq!(
        parse_dataset(&text, "x").unwrap().call().rules().quotas[0].max,
        Some(2)
    );
}

#[test]
fn quota_regions_must_name_regions_of_the_call() {
    let at = r#"call, field "quotas", quota #2, field "regions""#;
    let (location, message) = quota_error(r#"{"regions": ["Asia"], "max": 1}"#);
    assert_eq!(location, at);
    assert!(message.contains("unknown region \"Asia\""), "{message}");
    for name in [
        "Latin America and Caribbean",
        "North America",
        "India",
        "Japan",
        "China and the rest of Asia",
    ] {
        assert!(message.contains(&format!("{name:?}")), "{name}: {message}");
    }
    let (_, message) = quota_error(r#"{"regions": ["Japn"], "max": 1}"#);
    assert!(message.contains("did you mean \"Japan\""), "{message}");
    let (location, message) = quota_error(r#"{"regions": [3], "max": 1}"#);
    assert_eq!(location, at);
    assert!(message.contains("found a number"), "{message}");
    let (location, message) = quota_error(r#"{"regions": "Japan", "max": 1}"#);
    assert_eq!(location, at);
    assert!(message.contains("found a string"), "{message}");

    // A region added by the call's `regions` is known to its quotas, whatever the field order.
    let text = with_rules(
        r#""quotas": [{"regions": ["Andes"], "max": 1}], "regions": {"Andes": ["PE", "BO"]}"#,
    );
    let call = parse_dataset(&text, "x").unwrap().call().clone();
    assert_eq!(call.rules().quotas[0].regions, ["Andes"]);
    let text = with_rules(
        r#""quotas": [{"regions": ["Andes"], "max": 1}], "regions": {"Andes ": ["PE"]}"#,
    );
    let (location, message) = invalid(&text);
    assert_eq!(
        location,
        r#"call, field "quotas", quota #1, field "regions""#
    );
    assert!(message.contains("\"Andes \""), "{message}");
}

#[test]
fn region_override_errors_name_the_region() {
    let (location, message) = invalid(&with_rules(r#""regions": {"Japan": ["JP", "ZZ"]}"#));
    assert_eq!(location, r#"call, field "regions", region "Japan""#);
    assert!(message.contains("\"ZZ\""), "{message}");
    let (location, message) = invalid(&with_rules(r#""regions": {"Japan": "JP"}"#));
    assert_eq!(location, r#"call, field "regions", region "Japan""#);
    assert!(message.contains("found a string"), "{message}");
    let (location, message) = invalid(&with_rules(r#""regions": {"Japan": null}"#));
    assert_eq!(location, r#"call, field "regions", region "Japan""#);
    assert!(message.contains("found null"), "{message}");
    let (location, message) = invalid(&with_rules(r#""regions": {"": ["JP"]}"#));
    assert_eq!(location, r#"call, field "regions""#);
    assert!(message.contains("must not be empty"), "{message}");
    let (location, message) = invalid(&with_rules(r#""regions": {"other": ["FR"]}"#));
    assert_eq!(location, r#"call, field "regions", region "other""#);
    assert!(message.contains("reserved"), "{message}");
    let (location, message) = invalid(&with_rules(r#""regions": {"A": ["US"], "B": ["us"]}"#));
    assert_eq!(location, r#"call, field "regions", region "B""#);
    assert!(
        message.contains("US") && message.contains("region \"A\""),
        "{message}"
    );
    let (location, message) = invalid(&with_rules(r#""regions": [["Japan", "JP"]]"#));
    assert_eq!(location, r#"call, field "regions""#);
    assert!(message.contains("found an array"), "{message}");
}

#[test]
fn other_shape_errors() {
    let (location, _) = invalid("[]");
    assert_eq!(location, "document");
    let (location, message) = invalid(r#"{"cities": []}"#);
    assert_eq!(location, r#"document, field "call""#);
    assert!(message.contains("missing"));
    let (location, _) = invalid(
        r#"{"call": {"name": "c", "date": "2017-09-21", "partner_countries": []}, "cities": {}}"#,
    );
    assert_eq!(location, r#"document, field "cities""#);
    let (location, _) = invalid(&edit("\"id\": \"poznan\",", ""));
    assert_eq!(location, r#"city #1, field "id""#);
    let (location, _) = invalid(&edit("\"id\": \"poznan\"", "\"id\": \"\""));
    assert_eq!(location, r#"city #1, field "id""#);
    let (location, _) = invalid(&edit("\"name\": \"Curitiba\",", ""));
    assert_eq!(location, r#"city "curitiba", field "name""#);
    let (location, _) = invalid(&edit("\"lat\": 52.41", "\"lat\": 152.41"));
    assert_eq!(location, r#"city "poznan", field "lat""#);
    let (location, _) = invalid(&edit("\"capacity\": 2", "\"capacity\": 0"));
    assert_eq!(location, r#"city "curitiba", field "capacity""#);
    let (location, _) = invalid(&edit("\"min_population\": 50000", "\"min_population\": -1"));
    assert_eq!(location, r#"call, field "min_population""#);
    let (location, message) = invalid(&edit(
        "\"min_population\"",
        "\"weights\": {\"size\": -1}, \"min_population\"",
    ));
    assert_eq!(location, r#"call, field "weights""#);
    assert!(message.contains("size"), "{message}");
}

#[test]
fn weights_may_be_partial() {
    let text = edit(
        "\"min_population\"",
        "\"weights\": {\"challenges\": 2, \"size\": 0}, \"min_population\"",
    );
    let w = parse_dataset(&text, "x").unwrap().call().weights();
    assert_eq!((w.challenges(), w.expertise(), w.size()), (2.0, 0.25, 0.0));
}

// ---- matrix text ----

fn matrix(text: &str) -> MatrixText {
    parse_matrix(text, "m.txt").unwrap()
}

/// The `(line, message)` of an [`Error::MatrixParse`] from parsing `text`.
fn matrix_error(text: &str) -> (usize, String) {
    match parse_matrix(text, "m.txt") {
        Err(Error::MatrixParse {
            file,
            line,
            message,
            ..
        }) => {
            assert_eq!(file, "m.txt");
            (line, message)
        }
        other => panic!("expected Error::MatrixParse, got {other:?}"),
    }
}

#[test]
fn rows_cols_header() {
    let m = matrix("2 3\n1 2 3\n4.5 -6 1e2\n");
    assert_eq!((m.rows, m.cols), (2, 3));
    assert_eq!(m.data, [1.0, 2.0, 3.0, 4.5, -6.0, 100.0]);
}

#[test]
fn or_library_form_with_wrapped_rows() {
    // OR-Library assign*.txt: `n`, then each row of n costs wrapped over several lines.
    let text = "3\n 10 19\n 8 15\n 10 18 7\n 17 13 \n";
    let m = matrix(text);
    assert_eq!((m.rows, m.cols), (3, 3));
    assert_eq!(m.data, [10., 19., 8., 15., 10., 18., 7., 17., 13.]);
    let m = matrix("2\r\n1\t2\r\n3 4");
    assert_eq!(m.data, [1., 2., 3., 4.]);
}

#[test]
fn forbidden_tokens() {
    let m = matrix("2 4\ninf x X +inf\n-inf INFINITY -Infinity 0\n");
    let inf = f64::INFINITY;
    assert_eq!(
        m.data,
        [inf, inf, inf, inf, -inf, inf, -inf, 0.0],
        "any case, any spelling"
    );
}

#[test]
fn nan_and_non_numbers_name_the_line() {
    let (line, message) = matrix_error("2\n1 2\n3 NaN\n");
    assert_eq!(line, 3);
    assert!(message.contains("NaN"), "{message}");
    let (line, message) = matrix_error("2\n1\n2\n3,5 4\n");
    assert_eq!(line, 4);
    assert!(message.contains("\"3,5\""), "{message}");
    let e = parse_matrix("1\nabc\n", "m.txt").unwrap_err().to_string();
    assert!(e.starts_with("m.txt: line 2:"), "{e}");
}

#[test]
fn too_few_numbers_give_both_counts_and_the_last_line() {
    let (line, message) = matrix_error("3\n1 2 3\n4 5 6\n7 8\n\n");
    assert_eq!(line, 4);
    assert!(message.contains('9') && message.contains('8'), "{message}");
}

#[test]
fn too_many_numbers_give_both_counts_and_the_extra_line() {
    let (line, message) = matrix_error("2\n1 2\n3 4\n\n5 6\n");
    assert_eq!(line, 5);
    assert!(
        message.contains("found 6") && message.contains("needs 4"),
        "{message}"
    );
}

#[test]
fn empty_and_bad_headers() {
    for text in ["", "\n", "   \n\t\n"] {
        let (line, message) = matrix_error(text);
        assert_eq!(line, 1, "{text:?}");
        assert!(message.contains("empty"), "{message}");
    }
    for text in ["a b\n", "2 x\n1 2\n", "-2\n", "1.5\n1\n", "1 2 3\n"] {
        let (line, _) = matrix_error(text);
        assert_eq!(line, 1, "{text:?}");
    }
}

#[test]
fn empty_shapes_are_valid() {
    for (text, rows, cols) in [
        ("0 0\n", 0, 0),
        ("0 5", 0, 5),
        ("3 0\n\n", 3, 0),
        ("0", 0, 0),
    ] {
        let m = matrix(text);
        assert_eq!((m.rows, m.cols), (rows, cols));
        assert!(m.data.is_empty());
    }
    let (line, _) = matrix_error("0 0\n7\n");
    assert_eq!(line, 2);
}

fn entry() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => (-1_000_000i64..1_000_000).prop_map(|v| v as f64),
        4 => -1e12f64..1e12,
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
    ]
}

proptest! {
    /// Any matrix written with any wrapping reads back exactly.
    #[test]
    fn matrix_text_round_trips(
        rows in 0usize..7,
        cols in 0usize..7,
        values in prop::collection::vec(entry(), 49),
        breaks in prop::collection::vec(0u8..4, 49),
        square_header in any::<bool>(),
    ) {
        let data: Vec<f64> = values[..rows * cols].to_vec();
        let mut text = if square_header && rows == cols {
            format!("{rows}\n")
        } else {
            format!("{rows} {cols}\n")
        };
        for (k, v) in data.iter().enumerate() {
            let _ = write!(text, "{v:?}");
            text.push_str(match breaks[k] { 0 => "\n", 1 => "  ", 2 => "\t", _ => " \r\n " });
        }
        let m = parse_matrix(&text, "p.txt").unwrap();
        prop_assert_eq!((m.rows, m.cols), (rows, cols));
        let bits = |d: &[f64]| d.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&m.data), bits(&data));
    }

    /// Arbitrary text never panics either parser.
    #[test]
    fn parsers_never_panic(text in "\\PC{0,200}") {
        let _ = parse_matrix(&text, "p.txt");
        let _ = parse_dataset(&text, "p.json");
    }

    /// Arbitrary edits of a good document never panic the parser.
    #[test]
    fn edited_documents_never_panic(at in 0usize..GOOD.len(), cut in 0usize..8, insert in "[\\[\\]{}\",:0-9a-z.-]{0,4}") {
        let mut text: Vec<char> = GOOD.chars().collect();
        let at = at.min(text.len());
        let end = (at + cut).min(text.len());
        text.splice(at..end, insert.chars());
        let text: String = text.into_iter().collect();
        let _ = parse_dataset(&text, "p.json");
    }

    /// Arbitrary edits of a document with every programme rule never panic the parser.
    #[test]
    fn edited_rule_documents_never_panic(
        at in 0usize..1000,
        cut in 0usize..8,
        insert in "[\\[\\]{}\",:0-9a-zA-Z .-]{0,4}",
    ) {
        let good = with_rules(
            r#""min_score": 0.5, "forbidden": [["poznan", "curitiba"]], "locked": [["a", "b"]],
               "regions": {"Japan": ["JP", "KR"]},
               "quotas": [{"countries": ["BR"], "regions": ["Japan"], "min": 0, "max": 1}]"#,
        );
        let mut text: Vec<char> = good.chars().collect();
        let at = at.min(text.len());
        let end = (at + cut).min(text.len());
        text.splice(at..end, insert.chars());
        let text: String = text.into_iter().collect();
        let _ = parse_dataset(&text, "p.json");
    }
}

#[test]
fn written_datasets_read_back_equal() {
    let mut calls = vec![citypair::io::embedded_dataset().unwrap()];
    for seed in 0..5 {
        calls.push(citypair::synthetic::call(40 + seed as usize, 30, seed));
    }
    // With every rule and a region override.
    let ruled = citypair::synthetic::call(20, 20, 11);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/iuc-2017.json"
    ))
    .unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["call"]["min_score"] = serde_json::json!(0.25);
    doc["call"]["forbidden"] = serde_json::json!([["hamburg", "guadalajara"]]);
    doc["call"]["locked"] = serde_json::json!([["frankfurt", "yokohama"]]);
    doc["call"]["quotas"] = serde_json::json!([{"regions": ["Japan"], "min": 1, "max": 4}, {"countries": ["DE"], "max": 2}]);
    doc["call"]["regions"] = serde_json::json!({"Japan": ["JP", "KR"]});
    calls.push(citypair::io::parse_dataset(&doc.to_string(), "rules").unwrap());
    let (call, mut cities) = ruled.into_parts();
    cities[0] = cities[0]
        .clone()
        .into_builder()
        .capacity(3)
        .build()
        .unwrap();
    calls.push(citypair::Dataset::new(call, cities).unwrap());
    for d in calls {
        let written = citypair::io::dataset_json(&d).to_string();
        assert_eq!(citypair::io::parse_dataset(&written, "written").unwrap(), d);
    }
}
