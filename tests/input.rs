//! Reading inputs: every kind of bad call-and-cities document and matrix text gives an error
//! that names where the problem is, and good ones read as documented.

use std::fmt::Write as _;
use std::path::Path;

use citypair::io::{load_dataset, load_matrix, parse_dataset, parse_matrix, MatrixText};
use citypair::model::{Theme, Weights};
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

/// The `(location, message)` of an [`Error::Invalid`] from parsing `text`.
fn invalid(text: &str) -> (String, String) {
    match parse_dataset(text, "call.json") {
        Err(Error::Invalid { location, message }) => (location, message),
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

#[test]
fn good_document_reads_with_defaults() {
    let d = parse_dataset(GOOD, "call.json").unwrap();
    assert_eq!(d.call.name, "IUC 2017");
    assert_eq!(d.call.date.to_string(), "2017-09-21");
    let partners: Vec<&str> = d
        .call
        .partner_countries
        .iter()
        .map(citypair::model::Country::as_str)
        .collect();
    assert_eq!(partners, ["AR", "BR", "US"]);
    assert_eq!(d.call.weights, Weights::default());
    let [poznan, curitiba] = &d.cities[..] else {
        panic!("two cities")
    };
    assert_eq!(poznan.name, "Poznań");
    assert_eq!(poznan.challenges.get(Theme::AirQuality), 0.9);
    assert_eq!(poznan.expertise.get(Theme::CircularEconomy), 0.6);
    assert_eq!((poznan.lat, poznan.capacity), (Some(52.41), 1));
    assert_eq!((curitiba.lat, curitiba.capacity), (None, 2));
    assert_eq!(curitiba.expertise.nonzero().count(), 0);

    let no_min = edit("\"min_population\": 50000,", "");
    assert_eq!(
        parse_dataset(&no_min, "x").unwrap().call.min_population,
        50_000
    );
}

#[test]
fn empty_city_list_is_accepted() {
    let text = r#"{"call": {"name": "c", "date": "2017-09-21", "partner_countries": []},
                   "cities": []}"#;
    assert!(parse_dataset(text, "x").unwrap().cities.is_empty());
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
    assert_eq!(load_dataset(&call).unwrap().cities.len(), 2);
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
        Err(Error::DuplicateCity { id, first, second }) => {
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

#[test]
fn programme_rules_are_rejected_explicitly() {
    for rule in ["min_score", "forbidden", "locked", "quotas", "regions"] {
        let text = edit(
            "\"min_population\"",
            &format!("\"{rule}\": [], \"min_population\""),
        );
        let (location, message) = invalid(&text);
        assert_eq!(location, format!("call, field \"{rule}\""));
        assert!(
            message.contains("not supported in this version"),
            "{message}"
        );
    }
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
    let w = parse_dataset(&text, "x").unwrap().call.weights;
    assert_eq!((w.challenges, w.expertise, w.size), (2.0, 0.25, 0.0));
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
}
