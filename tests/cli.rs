//! The `citypair` binary against the outside contract: output formats, determinism across
//! thread counts and input order, error messages and exit codes.

use std::collections::HashMap;
use std::process::Command;

mod common;
use common::TempFile;

use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/iuc-2017.json");

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn citypair(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citypair"));
    cmd.args(args).env_remove("RAYON_NUM_THREADS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    Output {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs and expects success; returns stdout.
fn ok(args: &[&str]) -> String {
    ok_env(args, &[])
}

fn ok_env(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = citypair(args, env);
    assert_eq!(out.code, 0, "{args:?}: stderr {}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out.stdout
}

fn json(args: &[&str]) -> Value {
    let text = ok(args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not one JSON document: {e}"))
}

/// Runs and expects a bad-input failure: exit 1, one `error:` message, no panic, nothing on
/// stdout. Returns stderr.
fn fails(args: &[&str]) -> String {
    let out = citypair(args, &[]);
    assert_eq!(
        out.code, 1,
        "{args:?}: stdout {} stderr {}",
        out.stdout, out.stderr
    );
    assert!(
        out.stderr.starts_with("error: "),
        "{args:?}: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    out.stderr
}

/// The JSON with the timing fields removed, at any depth.
fn strip_timings(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for key in ["timings_ms", "solve_ms", "build_ms"] {
                    map.remove(key);
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(list) => list.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// The table with its timing line removed.
fn strip_timing_line(table: &str) -> String {
    let lines: Vec<&str> = table.lines().collect();
    let last = lines
        .iter()
        .rposition(|l| l.contains(" ms "))
        .unwrap_or(lines.len());
    assert!(
        lines[last..].iter().all(|l| l.contains(" ms ")),
        "the timing line is the last line:\n{table}"
    );
    lines[..last].join("\n")
}

fn f64_at(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

// ---------------------------------------------------------------------------------------------
// `pair`

#[test]
fn pair_without_input_prints_a_table() {
    let out = ok(&["pair"]);
    assert!(
        serde_json::from_str::<Value>(&out).is_err(),
        "a table, not JSON"
    );
    assert!(out.contains("IUC 2017"), "{out}");
    assert!(out.contains("128 pairs"), "{out}");
    assert!(out.lines().count() > 128);
    // Every pair's EU city appears, in the embedded dataset's names.
    assert!(out.contains("Aalborg (DK)"), "{out}");
}

fn check_pair_json(v: &Value, objective: &str) {
    assert_eq!(v["call"], "IUC 2017");
    assert_eq!(v["objective"], objective);
    let pairs = v["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 128);
    let mut total = 0.0;
    let mut min = f64::INFINITY;
    let mut previous = String::new();
    for p in pairs {
        let eu = p["eu"].as_str().unwrap();
        assert!(p["partner"].is_string());
        assert!(
            eu > previous.as_str(),
            "pairs by EU id: {eu} after {previous}"
        );
        eu.clone_into(&mut previous);
        let s = f64_at(&p["score"]);
        assert!((0.0..=1.0).contains(&s));
        total += s;
        min = min.min(s);
        for t in p["shared"].as_array().unwrap() {
            assert!(t["theme"].is_string());
            assert!(f64_at(&t["contribution"]) > 0.0);
        }
    }
    let unmatched = v["unmatched"].as_array().unwrap();
    assert_eq!(unmatched.len(), 191 - 128);
    for u in unmatched {
        assert!(u["id"].is_string());
        assert_eq!(u["side"], "eu");
        assert!(!u["reason"].as_str().unwrap().is_empty());
    }
    let excluded = v["excluded"].as_array().unwrap();
    assert!(!excluded.is_empty());
    for e in excluded {
        assert!(e["id"].is_string());
        assert!(!e["reason"].as_str().unwrap().is_empty());
    }
    assert_eq!(f64_at(&v["total_score"]), total, "total in pair order");
    assert_eq!(f64_at(&v["min_score"]), min);
    let f = &v["fairness"];
    assert_eq!(f64_at(&f["min_score"]), min);
    assert!((f64_at(&f["mean_score"]) - total / 128.0).abs() < 1e-12);
    let gini = f64_at(&f["gini"]);
    assert!((0.0..1.0).contains(&gini));
    assert!(f["blocking_pairs"].is_u64());
    let w = &f["worst_off"];
    assert!(w["eu"].is_string() && w["partner"].is_string());
    assert_eq!(f64_at(&w["score"]), min);
    assert!(f64_at(&v["timings_ms"]["score"]) >= 0.0);
    assert!(f64_at(&v["timings_ms"]["solve"]) >= 0.0);
    if objective == "stable" {
        assert_eq!(f["blocking_pairs"], 0);
    }
}

#[test]
fn pair_json_has_the_contract_fields() {
    check_pair_json(&json(&["pair", "--json"]), "sum");
    for objective in ["sum", "maxmin", "stable"] {
        check_pair_json(
            &json(&["pair", "--json", "--objective", objective]),
            objective,
        );
    }
    let v = json(&["pair", "--json"]);
    assert_eq!(v["certified_optimal"], true);
    // The excluded cities of the embedded call, with the rule that excludes them.
    let excluded: HashMap<&str, &str> = v["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert!(excluded["dubrovnik"].contains("26922") && excluded["dubrovnik"].contains("50000"));
    assert!(excluded["oslo"].contains("NO"));
}

#[test]
fn pair_scores_equal_the_scores_command_bit_for_bit() {
    let scores = json(&["scores", "--json"]);
    let eu: HashMap<&str, usize> = scores["eu"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str().unwrap(), i))
        .collect();
    let partners: HashMap<&str, usize> = scores["partners"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(j, id)| (id.as_str().unwrap(), j))
        .collect();
    assert_eq!((eu.len(), partners.len()), (191, 128));
    let matrix = scores["scores"].as_array().unwrap();
    assert_eq!(matrix.len(), 191);
    assert!(matrix
        .iter()
        .all(|row| row.as_array().unwrap().len() == 128));
    for objective in ["sum", "maxmin", "stable"] {
        let v = json(&["pair", "--json", "--objective", objective]);
        for p in v["pairs"].as_array().unwrap() {
            let (e, q) = (p["eu"].as_str().unwrap(), p["partner"].as_str().unwrap());
            let s = f64_at(&matrix[eu[e]][partners[q]]);
            assert_eq!(f64_at(&p["score"]).to_bits(), s.to_bits(), "{e}-{q}");
        }
    }
    // And `--explain` gives the same score again.
    let v = json(&["pair", "--json"]);
    for p in v["pairs"].as_array().unwrap().iter().step_by(16) {
        let (e, q) = (p["eu"].as_str().unwrap(), p["partner"].as_str().unwrap());
        let x = json(&["scores", "--explain", e, q, "--json"]);
        assert_eq!(f64_at(&x["score"]).to_bits(), f64_at(&p["score"]).to_bits());
        let text = ok(&["scores", "--explain", e, q]);
        assert!(text.contains(e) && text.contains(q), "{text}");
    }
}

#[test]
fn scores_table_is_not_json() {
    let out = ok(&["scores"]);
    assert!(serde_json::from_str::<Value>(&out).is_err());
    assert!(out.contains("191") && out.contains("128"), "{out}");
}

#[test]
fn same_output_whatever_the_thread_count() {
    for args in [
        vec!["pair", "--json"],
        vec!["pair", "--json", "--objective", "maxmin"],
        vec!["pair", "--json", "--objective", "stable"],
        vec!["scores", "--json"],
    ] {
        let one = ok_env(&args, &[("RAYON_NUM_THREADS", "1")]);
        let two = ok_env(&args, &[("RAYON_NUM_THREADS", "2")]);
        let one = strip_timings(serde_json::from_str(&one).unwrap());
        let two = strip_timings(serde_json::from_str(&two).unwrap());
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&two).unwrap(),
            "{args:?}"
        );
    }
    for objective in ["sum", "maxmin", "stable"] {
        let args = ["pair", "--objective", objective];
        let one = ok_env(&args, &[("RAYON_NUM_THREADS", "1")]);
        let two = ok_env(&args, &[("RAYON_NUM_THREADS", "2")]);
        assert_eq!(
            strip_timing_line(&one),
            strip_timing_line(&two),
            "{objective}"
        );
    }
}

/// The embedded dataset with its cities and partner countries shuffled.
fn shuffled_fixture(seed: u64) -> TempFile {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let mut state = seed;
    let mut next = move |n: usize| {
        // SplitMix64.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    for path in ["/cities", "/call/partner_countries"] {
        let list = doc.pointer_mut(path).unwrap().as_array_mut().unwrap();
        for i in (1..list.len()).rev() {
            list.swap(i, next(i + 1));
        }
    }
    TempFile::new("shuffled.json", &serde_json::to_string(&doc).unwrap())
}

#[test]
fn same_output_for_shuffled_input() {
    let shuffled = shuffled_fixture(2017);
    let copy = TempFile::new("copy.json", &std::fs::read_to_string(FIXTURE).unwrap());
    for objective in ["sum", "maxmin", "stable"] {
        let embedded = ok(&["pair", "--json", "--objective", objective]);
        let embedded = strip_timings(serde_json::from_str(&embedded).unwrap());
        for file in [&shuffled, &copy] {
            let out = ok(&["pair", file.path(), "--json", "--objective", objective]);
            let out = strip_timings(serde_json::from_str(&out).unwrap());
            assert_eq!(
                serde_json::to_string(&out).unwrap(),
                serde_json::to_string(&embedded).unwrap(),
                "{objective}"
            );
        }
        let table = ok(&["pair", "--objective", objective]);
        let table_shuffled = ok(&["pair", shuffled.path(), "--objective", objective]);
        assert_eq!(
            strip_timing_line(&table_shuffled),
            strip_timing_line(&table),
            "{objective}"
        );
    }
    let scores = ok(&["scores", "--json"]);
    let scores_shuffled = ok(&["scores", shuffled.path(), "--json"]);
    assert_eq!(scores, scores_shuffled);
}

// ---------------------------------------------------------------------------------------------
// Bad input

/// A small valid call; `edit` replaces the first occurrence of `from` with `to`.
const SMALL: &str = r#"{
  "call": {"name": "Small", "date": "2017-09-21", "partner_countries": ["BR", "AR"]},
  "cities": [
    {"id": "poznan", "name": "Poznań", "country": "PL", "population": 534813,
     "challenges": {"air_quality": 0.9, "urban_mobility": 0.7},
     "expertise": {"circular_economy": 0.6}},
    {"id": "lyon", "name": "Lyon", "country": "FR", "population": 516092,
     "challenges": {"housing": 0.5}},
    {"id": "curitiba", "name": "Curitiba", "country": "BR", "population": 1948626,
     "challenges": {"urban_mobility": 0.8, "air_quality": 0.4}}
  ]
}"#;

fn edited(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "{from}");
    SMALL.replacen(from, to, 1)
}

#[test]
fn the_small_call_is_valid() {
    let file = TempFile::new("small.json", SMALL);
    let v = json(&["pair", file.path(), "--json"]);
    assert_eq!(v["pairs"].as_array().unwrap().len(), 1);
    assert_eq!(v["pairs"][0]["eu"], "poznan");
    assert_eq!(v["unmatched"][0]["id"], "lyon");
    assert_eq!(v["excluded"], Value::Array(Vec::new()));
}

#[test]
fn malformed_json_names_the_file_line_and_column() {
    let file = TempFile::new(
        "malformed.json",
        &edited("\"population\": 516092,", "\"population\": 516092,,"),
    );
    let err = fails(&["pair", file.path()]);
    assert!(err.contains(file.path()), "{err}");
    assert!(err.contains("line 7"), "{err}");
    assert!(err.contains("column"), "{err}");
    let file = TempFile::new("truncated.json", &SMALL[..200]);
    let err = fails(&["scores", file.path(), "--json"]);
    assert!(err.contains("line") && err.contains("column"), "{err}");
}

#[test]
fn missing_file_names_the_path() {
    let path =
        std::env::temp_dir().join(format!("citypair-cli-{}-missing.json", std::process::id()));
    let path = path.to_str().unwrap();
    let err = fails(&["pair", path]);
    assert!(err.contains(path), "{err}");
    let err = fails(&["scores", path]);
    assert!(err.contains(path), "{err}");
    let err = fails(&["solve", path]);
    assert!(err.contains(path), "{err}");
}

#[test]
fn each_bad_field_is_named() {
    let cases: [(&str, String, &[&str]); 9] = [
        (
            "duplicate id",
            edited("\"id\": \"lyon\"", "\"id\": \"poznan\""),
            &["poznan", "duplicate"],
        ),
        (
            "unknown country",
            edited("\"country\": \"FR\"", "\"country\": \"ZZ\""),
            &["ZZ", "lyon"],
        ),
        (
            "unknown theme",
            edited("\"housing\"", "\"housings\""),
            &["housings", "lyon"],
        ),
        (
            "value above 1",
            edited("\"housing\": 0.5", "\"housing\": 1.5"),
            &["lyon", "housing", "1.5"],
        ),
        (
            "value below 0",
            edited("\"circular_economy\": 0.6", "\"circular_economy\": -0.1"),
            &["poznan", "circular_economy", "expertise"],
        ),
        (
            "value not a number",
            edited("\"housing\": 0.5", "\"housing\": \"high\""),
            &["lyon", "housing"],
        ),
        (
            "negative population",
            edited("\"population\": 516092", "\"population\": -5"),
            &["lyon", "population", "negative"],
        ),
        (
            "missing population",
            edited("\"population\": 516092,", ""),
            &["lyon", "population", "missing"],
        ),
        (
            "invalid date",
            edited("2017-09-21", "2017-02-30"),
            &["date", "2017-02-30"],
        ),
    ];
    for (what, text, needles) in &cases {
        let file = TempFile::new("bad.json", text);
        for command in ["pair", "scores"] {
            let err = fails(&[command, file.path()]);
            for needle in *needles {
                assert!(err.contains(needle), "{what}: {needle:?} not in {err}");
            }
            assert!(
                err.contains(file.path()),
                "{what}: the file is not named: {err}"
            );
        }
    }
}

#[test]
fn calls_without_pairs_say_why() {
    let empty = TempFile::new(
        "empty.json",
        &SMALL.replace(
            &SMALL[SMALL.find("\"cities\"").unwrap()..SMALL.rfind('}').unwrap()],
            "\"cities\": []\n",
        ),
    );
    let err = fails(&["pair", empty.path()]);
    assert!(err.contains("no pair can be formed"), "{err}");
    assert!(err.contains(empty.path()), "{err}");
    let only_eu = TempFile::new(
        "only-eu.json",
        &edited("\"country\": \"BR\"", "\"country\": \"CN\""),
    );
    for objective in ["sum", "maxmin", "stable"] {
        let err = fails(&["pair", only_eu.path(), "--objective", objective]);
        assert!(err.contains("no eligible partner city"), "{err}");
    }
    let brexit = TempFile::new(
        "brexit.json",
        &edited("\"country\": \"PL\"", "\"country\": \"GB\"")
            .replacen("\"country\": \"FR\"", "\"country\": \"GB\"", 1)
            .replacen("2017-09-21", "2021-03-01", 1),
    );
    let err = fails(&["pair", brexit.path()]);
    assert!(err.contains("no eligible EU city"), "{err}");
    // The same calls through `scores`.
    let err = fails(&["scores", brexit.path(), "--json"]);
    assert!(err.contains("no eligible EU city"), "{err}");
    let err = fails(&["scores", only_eu.path()]);
    assert!(err.contains("no eligible partner city"), "{err}");
}

#[test]
fn explain_with_an_unknown_id_in_a_file_names_the_id_and_the_file() {
    let file = TempFile::new("small.json", SMALL);
    let err = fails(&["scores", file.path(), "--explain", "poznan", "atlantis"]);
    assert!(
        err.contains("atlantis") && err.contains(file.path()),
        "{err}"
    );
    let x = json(&[
        "scores",
        file.path(),
        "--explain",
        "poznan",
        "curitiba",
        "--json",
    ]);
    let scores = json(&["scores", file.path(), "--json"]);
    assert_eq!(scores["eu"], serde_json::json!(["lyon", "poznan"]));
    assert_eq!(scores["partners"], serde_json::json!(["curitiba"]));
    assert_eq!(
        f64_at(&x["score"]).to_bits(),
        f64_at(&scores["scores"][1][0]).to_bits()
    );
}

#[test]
fn explain_with_an_unknown_id_names_it() {
    let err = fails(&["scores", "--explain", "atlantis", "curitiba"]);
    assert!(err.contains("atlantis"), "{err}");
    let err = fails(&["scores", "--explain", "aalborg", "el-dorado"]);
    assert!(err.contains("el-dorado"), "{err}");
    // An excluded city is named with the reason it is excluded.
    let err = fails(&["scores", "--explain", "dubrovnik", "curitiba"]);
    assert!(
        err.contains("dubrovnik") && err.contains("excluded"),
        "{err}"
    );
    // Sides swapped.
    let err = fails(&["scores", "--explain", "curitiba", "aalborg"]);
    assert!(err.contains("curitiba"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// `solve`

fn solve_json(matrix: &str, extra: &[&str]) -> Value {
    let file = TempFile::new("matrix.txt", matrix);
    let mut args = vec!["solve", file.path(), "--json"];
    args.extend_from_slice(extra);
    json(&args)
}

fn pairs_of(v: &Value) -> Vec<[u64; 2]> {
    v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| [p[0].as_u64().unwrap(), p[1].as_u64().unwrap()])
        .collect()
}

#[test]
fn solve_the_contract_examples() {
    let v = solve_json("2 3\n1 2 3\n3 x 1\n", &[]);
    assert_eq!((v["rows"].as_u64(), v["cols"].as_u64()), (Some(2), Some(3)));
    assert_eq!(f64_at(&v["total"]), 2.0);
    assert_eq!(pairs_of(&v), [[0, 0], [1, 2]]);
    assert!(f64_at(&v["solve_ms"]) >= 0.0);
    assert!(v.get("bottleneck").is_none());

    let v = solve_json("2\n4 1\n2 8\n", &[]);
    assert_eq!(f64_at(&v["total"]), 3.0);
    assert_eq!(pairs_of(&v), [[0, 1], [1, 0]]);

    let v = solve_json("2 3\n1 2 3\n3 x 1\n", &["--maximize"]);
    assert_eq!(f64_at(&v["total"]), 6.0);
    assert_eq!(pairs_of(&v), [[0, 2], [1, 0]]);

    let v = solve_json("2 3\n1 2 3\n3 x 1\n", &["--objective", "bottleneck"]);
    assert_eq!(f64_at(&v["bottleneck"]), 1.0);
    assert_eq!(f64_at(&v["total"]), 2.0);
    let v = solve_json(
        "2 3\n1 2 3\n3 x 1\n",
        &["--objective", "bottleneck", "--maximize"],
    );
    assert_eq!(f64_at(&v["bottleneck"]), 3.0);
    assert_eq!(f64_at(&v["total"]), 6.0);

    // The table form: not JSON, and it shows the total.
    let file = TempFile::new("m.txt", "2\n4 1\n2 8\n");
    let out = ok(&["solve", file.path()]);
    assert!(serde_json::from_str::<Value>(&out).is_err());
    assert!(out.contains("total 3"), "{out}");
}

#[test]
fn solve_wrapped_rows_tall_matrices_and_forbidden_marks() {
    // OR-Library files wrap long rows.
    let v = solve_json("3\n1 2\n3 4 5\n6\n7 8 9\n", &[]);
    assert_eq!(f64_at(&v["total"]), 15.0);
    // A tall matrix assigns every column.
    let v = solve_json("3 2\n5 1\n1 5\n0 0\n", &[]);
    assert_eq!(f64_at(&v["total"]), 1.0);
    assert_eq!(pairs_of(&v).len(), 2);
    // inf and -inf forbid in either direction.
    let v = solve_json("2 2\n-inf 1\n1 inf\n", &["--maximize"]);
    assert_eq!(pairs_of(&v), [[0, 1], [1, 0]]);
    assert_eq!(f64_at(&v["total"]), 2.0);
}

#[test]
fn solve_an_empty_matrix() {
    for text in ["0 0\n", "0\n", "0 4\n", "3 0\n"] {
        let v = solve_json(text, &[]);
        assert_eq!(f64_at(&v["total"]), 0.0, "{text:?}");
        assert_eq!(v["pairs"], Value::Array(Vec::new()), "{text:?}");
    }
}

#[test]
fn solve_rejects_bad_matrices() {
    let file = TempFile::new("nan.txt", "2 2\n1 2\n3 nan\n");
    let err = fails(&["solve", file.path()]);
    assert!(err.contains("line 3") && err.contains(file.path()), "{err}");
    let file = TempFile::new("word.txt", "2 2\n1 2\nthree 4\n");
    let err = fails(&["solve", file.path()]);
    assert!(err.contains("line 3") && err.contains("three"), "{err}");
    let file = TempFile::new("few.txt", "2 2\n1 2\n3\n");
    let err = fails(&["solve", file.path(), "--json"]);
    assert!(err.contains('4') && err.contains('3'), "{err}");
    let file = TempFile::new("many.txt", "2 2\n1 2\n3 4 5\n");
    let err = fails(&["solve", file.path()]);
    assert!(err.contains('4') && err.contains('5'), "{err}");
    let file = TempFile::new("header.txt", "two two\n1 2\n3 4\n");
    let err = fails(&["solve", file.path()]);
    assert!(err.contains("line 1"), "{err}");
    for text in [
        "2 2\nx x\n1 2\n",
        "3 3\n1 x x\n2 x x\n3 4 5\n",
        "3 2\nx x\n1 x\n2 x\n",
    ] {
        let file = TempFile::new("infeasible.txt", text);
        for objective in ["sum", "bottleneck"] {
            for sense in [&[][..], &["--maximize"][..]] {
                let mut args = vec!["solve", file.path(), "--objective", objective];
                args.extend_from_slice(sense);
                let err = fails(&args);
                assert!(err.contains("infeasible"), "{text:?}: {err}");
            }
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let file = TempFile::new("m.txt", "1\n5\n");
    for args in [
        vec!["pair", "--frobnicate"],
        vec!["solve", file.path(), "--frobnicate"],
        vec!["solve"],
        vec!["pair", "--objective", "fairest"],
        vec!["solve", file.path(), "--objective", "maxmin"],
        vec!["scores", "--explain", "only-one"],
        vec!["teleport"],
        vec![],
    ] {
        let out = citypair(&args, &[]);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn output_to_a_closed_pipe_is_not_an_error() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_citypair"))
        .args(["scores", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.code() == Some(0), "{:?}: {stderr}", out.status);
}

#[test]
fn bench_json_has_one_run_per_size_and_seed() {
    for family in ["cities", "uniform", "profile", "int100", "geo"] {
        let v = json(&[
            "bench", "--family", family, "--sizes", "20,30", "--seeds", "2", "--json",
        ]);
        let runs = v["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 4, "{family}");
        let mut seen = Vec::new();
        for r in runs {
            for k in ["family", "n", "seed", "build_ms", "solve_ms", "total"] {
                assert!(r.get(k).is_some(), "{family}: run without {k}: {r}");
            }
            assert_eq!(r["family"], family);
            assert!(r["total"].as_f64().is_some_and(f64::is_finite));
            seen.push((r["n"].as_u64().unwrap(), r["seed"].as_u64().unwrap()));
        }
        assert_eq!(seen, vec![(20, 0), (20, 1), (30, 0), (30, 1)]);
        // Seeded: the same instances give the same optima.
        let again = json(&[
            "bench", "--family", family, "--sizes", "20,30", "--seeds", "2", "--json",
        ]);
        let totals = |v: &Value| -> Vec<f64> {
            v["runs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["total"].as_f64().unwrap())
                .collect()
        };
        assert_eq!(totals(&v), totals(&again));
    }
    let csv = ok(&["bench", "--family", "int100", "--sizes", "10", "--csv"]);
    assert!(csv.starts_with("family,n,seed,build_ms,solve_ms,total"));
    assert_eq!(csv.lines().count(), 2);
    let usage = citypair(&["bench", "--family", "nope"], &[]);
    assert_eq!(usage.code, 2);
}

// ---------------------------------------------------------------------------------------------
// Programme rules and what-ifs.

/// The embedded dataset with rules added to its call.
fn with_rules(rules: &Value) -> TempFile {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    for (k, v) in rules.as_object().unwrap() {
        doc["call"][k] = v.clone();
    }
    TempFile::new("rules.json", &doc.to_string())
}

#[test]
fn rules_hold_in_the_pairing() {
    let f = with_rules(&serde_json::json!({
        "min_score": 0.6,
        "forbidden": [["hamburg", "guadalajara"]],
        "locked": [["frankfurt", "yokohama"]],
        "quotas": [
            {"countries": ["US", "CA"], "max": 3},
            {"countries": ["IN"], "min": 2},
            {"countries": ["DE"], "max": 2},
            {"regions": ["Japan"], "min": 1}
        ]
    }));
    let v = json(&["pair", f.path(), "--json"]);
    let pairs = v["pairs"].as_array().unwrap();
    let has = |e: &str, p: &str| pairs.iter().any(|x| x["eu"] == e && x["partner"] == p);
    assert!(has("frankfurt", "yokohama"));
    assert!(!has("hamburg", "guadalajara"));
    assert_eq!(v["certified_optimal"], true);
    for x in pairs {
        let s = x["score"].as_f64().unwrap();
        assert!(s >= 0.6 || (x["eu"] == "frankfurt" && x["partner"] == "yokohama"));
    }
    // Unmatched cities say which rule keeps them out.
    let reasons: Vec<&str> = v["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("quota #1")),
        "{reasons:?}"
    );
    // Same bytes on one thread and on two.
    let one = ok_env(&["pair", f.path(), "--json"], &[("RAYON_NUM_THREADS", "1")]);
    let two = ok_env(&["pair", f.path(), "--json"], &[("RAYON_NUM_THREADS", "2")]);
    assert_eq!(
        strip_timings(serde_json::from_str(&one).unwrap()),
        strip_timings(serde_json::from_str(&two).unwrap())
    );
    // maxmin works under the rules too.
    let m = json(&["pair", f.path(), "--objective", "maxmin", "--json"]);
    assert!(m["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["eu"] == "frankfurt" && x["partner"] == "yokohama"));
}

#[test]
fn rules_that_cannot_hold_are_errors() {
    let f = with_rules(&serde_json::json!({"quotas": [{"countries": ["PE"], "min": 40}]}));
    let e = fails(&["pair", f.path()]);
    assert!(e.contains("infeasible") && e.contains("quota #1"), "{e}");
    let f = with_rules(&serde_json::json!({"quotas": [{"countries": ["PE"], "max": 1}]}));
    let e = fails(&["pair", f.path(), "--objective", "stable"]);
    assert!(e.contains("quotas") && e.contains("stable"), "{e}");
    let f = with_rules(&serde_json::json!({
        "forbidden": [["frankfurt", "yokohama"]],
        "locked": [["frankfurt", "yokohama"]]
    }));
    let e = fails(&["pair", f.path()]);
    assert!(e.contains("locked") && e.contains("forbidden"), "{e}");
    let f = with_rules(&serde_json::json!({"locked": [["frankfurt", "atlantis"]]}));
    let e = fails(&["pair", f.path()]);
    assert!(e.contains("atlantis"), "{e}");
    let f = with_rules(
        &serde_json::json!({"quotas": [{"countries": ["DE"], "max": 1}, {"countries": ["DE", "FR"], "max": 3}]}),
    );
    let e = fails(&["pair", f.path()]);
    assert!(e.contains("quota #2") && e.contains("overlap"), "{e}");
}

#[test]
fn what_ifs_on_the_command_line() {
    let base = json(&["pair", "--json"]);
    let v = json(&["pair", "--without", "lisbon", "--json"]);
    let w = &v["what_if"];
    assert_eq!(w["without"][0], "lisbon");
    assert_eq!(w["baseline_total"], base["total_score"]);
    let loss = w["loss"].as_f64().unwrap();
    assert!(loss >= 0.0);
    assert!(
        (w["total_score"].as_f64().unwrap() - v["total_score"].as_f64().unwrap()).abs() < 1e-12
    );
    assert!(v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["eu"] != "lisbon"));
    let v = json(&["pair", "--lock", "frankfurt", "vancouver", "--json"]);
    assert!(v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["eu"] == "frankfurt" && x["partner"] == "vancouver"));
    assert!(v["what_if"]["loss"].as_f64().unwrap() >= 0.0);
    let v = json(&["pair", "--alternatives", "3", "--regret", "--json"]);
    let alts = v["alternatives"].as_array().unwrap();
    assert_eq!(alts.len(), 3);
    assert_eq!(alts[0]["rank"], 1);
    assert_eq!(alts[0]["loss"], 0.0);
    assert!(alts[2]["loss"].as_f64().unwrap() >= alts[1]["loss"].as_f64().unwrap());
    assert!(v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["regret"].as_f64().is_some()));
    let table = ok(&["pair", "--alternatives", "2"]);
    assert!(table.contains("best pairings"), "{table}");
    // Bad what-ifs.
    let e = fails(&["pair", "--without", "atlantis"]);
    assert!(e.contains("atlantis") && e.contains("--without"), "{e}");
    let e = fails(&["pair", "--alternatives", "2", "--objective", "maxmin"]);
    assert!(e.contains("sum"), "{e}");
    let e = fails(&["pair", "--alternatives", "0"]);
    assert!(e.contains("--alternatives"), "{e}");
    let e = fails(&["pair", "--alternatives", "100000"]);
    assert!(e.contains("--alternatives") && e.contains("10000"), "{e}");
    let e = fails(&["pair", "--lock", "lisbon", "porto"]);
    assert!(e.contains("--lock"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Candidate mode and generated calls.

#[test]
fn candidate_mode_matches_the_dense_optimum() {
    for (eu, partners, seed, k) in [
        ("150", "90", "1", "2"),
        ("80", "120", "2", "1"),
        ("60", "60", "3", "32"),
    ] {
        let call = ok(&[
            "generate",
            "--eu",
            eu,
            "--partners",
            partners,
            "--seed",
            seed,
        ]);
        let f = TempFile::new("generated.json", &call);
        let dense = json(&["pair", f.path(), "--json"]);
        let sparse = json(&["pair", f.path(), "--candidates", k, "--json"]);
        assert_eq!(sparse["certified_optimal"], true);
        let (a, b) = (
            dense["total_score"].as_f64().unwrap(),
            sparse["total_score"].as_f64().unwrap(),
        );
        assert!((a - b).abs() <= 1e-9 * a, "dense {a} vs candidates {b}");
        assert_eq!(
            dense["pairs"].as_array().unwrap().len(),
            sparse["pairs"].as_array().unwrap().len()
        );
        for key in ["call", "objective", "excluded"] {
            assert_eq!(dense[key], sparse[key], "{key}");
        }
        // Same bytes on one thread and on two.
        let one = ok_env(
            &["pair", f.path(), "--candidates", k, "--json"],
            &[("RAYON_NUM_THREADS", "1")],
        );
        assert_eq!(
            strip_timings(serde_json::from_str(&one).unwrap()),
            strip_timings(sparse)
        );
    }
    // The embedded call: the same total as the dense solver. Its optimum is not unique, and
    // candidate mode may find another optimal pairing, whose sum can differ in the last bit.
    let dense = json(&["pair", "--json"]);
    let sparse = json(&["pair", "--candidates", "4", "--json"]);
    assert_eq!(sparse["certified_optimal"], true);
    let (a, b) = (
        dense["total_score"].as_f64().unwrap(),
        sparse["total_score"].as_f64().unwrap(),
    );
    assert!((a - b).abs() <= 1e-12 * a, "dense {a} vs candidates {b}");
    let table = ok(&["pair", "--candidates", "4"]);
    assert!(
        table.contains("128 pairs of 191 EU and 128 partner cities"),
        "{table}"
    );
}

#[test]
fn candidate_mode_refuses_what_it_does_not_do() {
    let e = fails(&["pair", "--candidates", "0"]);
    assert!(
        e.contains("--candidates") && e.contains("at least 1"),
        "{e}"
    );
    let e = fails(&["pair", "--candidates", "4", "--objective", "stable"]);
    assert!(e.contains("--candidates") && e.contains("sum"), "{e}");
    let e = fails(&["pair", "--candidates", "4", "--alternatives", "2"]);
    assert!(e.contains("--candidates"), "{e}");
    let f = with_rules(&serde_json::json!({"min_score": 0.5}));
    let e = fails(&["pair", f.path(), "--candidates", "4"]);
    assert!(e.contains("--candidates") && e.contains("rules"), "{e}");
}

#[test]
fn generated_calls_read_back() {
    let text = ok(&["generate", "--eu", "40", "--partners", "25", "--seed", "9"]);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["cities"].as_array().unwrap().len(), 65);
    let f = TempFile::new("gen.json", &text);
    ok(&["pair", f.path()]);
    // Same seed, same bytes.
    assert_eq!(
        text,
        ok(&["generate", "--eu", "40", "--partners", "25", "--seed", "9"])
    );
}

// One `pair` for every size: the mode, the size budget, memory.

#[test]
fn pair_says_which_mode_it_used() {
    let dense = json(&["pair", "--json"]);
    assert_eq!(dense["mode"], "dense");
    let sparse = json(&["pair", "--candidates", "4", "--json"]);
    assert_eq!(sparse["mode"], "candidates");
    let forced = json(&["pair", "--dense", "--json"]);
    assert_eq!(strip_timings(forced), strip_timings(dense));
    assert!(
        ok(&["pair"]).contains("\nmode: dense"),
        "the table names the mode"
    );
    let table = ok(&["pair", "--candidates", "4"]);
    assert!(table.contains("\nmode: candidates"), "{table}");
    assert!(table.contains("K = 4"), "{table}");
    // Both flags at once is a usage error.
    let out = citypair(&["pair", "--dense", "--candidates", "4"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// 4,001 x 4,000 cities is above the default size budget of 16,000,000 entries: what candidate
/// mode does not do there is an exit-1 error naming the size, the budget and the flag.
#[test]
fn above_the_size_budget_what_candidate_mode_does_not_do_is_an_error() {
    let call = ok(&[
        "generate",
        "--eu",
        "4001",
        "--partners",
        "4000",
        "--seed",
        "1",
    ]);
    let f = TempFile::new("above-budget.json", &call);
    for extra in [
        &["--objective", "maxmin"][..],
        &["--objective", "stable"][..],
        &["--without", "eu-000001"][..],
    ] {
        let mut args = vec!["pair", f.path()];
        args.extend_from_slice(extra);
        let e = fails(&args);
        for part in ["4001 x 4000", "16004000 entries", "16000000", "--dense"] {
            assert!(e.contains(part), "{extra:?}: {part}: {e}");
        }
    }
    // With rules, the call is refused before any work.
    let mut doc: Value = serde_json::from_str(&call).unwrap();
    doc["call"]["min_score"] = serde_json::json!(0.2);
    let ruled = TempFile::new("above-budget-rules.json", &doc.to_string());
    let e = fails(&["pair", ruled.path()]);
    assert!(
        e.contains("programme rules") && e.contains("--dense"),
        "{e}"
    );
}

/// `--dense` on a call whose matrix cannot be had under a memory limit: exit 1 naming the size,
/// not an abort (exit 134).
#[cfg(target_os = "linux")]
#[test]
fn dense_without_the_memory_is_an_error_not_an_abort() {
    let call = ok(&[
        "generate",
        "--eu",
        "6000",
        "--partners",
        "6000",
        "--seed",
        "2",
    ]);
    let f = TempFile::new("no-memory.json", &call);
    // 6,000 x 6,000 scores take 288 MB; the process may have 250 MB of address space.
    let script = format!(
        "ulimit -v 250000 && exec \"{}\" pair \"{}\" --dense --json",
        env!("CARGO_BIN_EXE_citypair"),
        f.path()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .env("RAYON_NUM_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for part in [
        "6000 x 6000",
        "288000000 bytes",
        "not enough memory",
        "candidate mode",
    ] {
        assert!(stderr.contains(part), "{part}: {stderr}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn generate_streams_any_size() {
    // The same bytes as the whole document at once (checked against `io::dataset_json` in the
    // library); a size that could not be held in memory is written city by city.
    let out = Command::new(env!("CARGO_BIN_EXE_citypair"))
        .args(["generate", "--eu", "300", "--partners", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cities"].as_array().unwrap().len(), 300);
}

/// `CITYPAIR_ISA` forces each kernel set the CPU has; every one gives the same pairs and
/// totals, bit for bit, on the embedded call and on matrices; a value the CPU lacks, or an
/// unknown one, is a usage error (exit 2) naming it and the sets available.
#[test]
fn every_instruction_set_path_gives_the_same_results() {
    let mut rng = common::SplitMix(77);
    let (r, c) = (120, 150);
    let mut text = format!("{r} {c}\n");
    for _ in 0..r {
        let row: Vec<String> = (0..c).map(|_| format!("{}", rng.unit())).collect();
        text.push_str(&row.join(" "));
        text.push('\n');
    }
    let matrix = TempFile::new("isa-matrix.txt", &text);
    let path = matrix.path();
    let strip = |v: Value| {
        let mut v = strip_timings(v);
        v.as_object_mut().unwrap().remove("solve_ms");
        v.as_object_mut().unwrap().remove("isa");
        v
    };
    let run = |isa: &str, args: &[&str]| -> Value {
        let out = ok_env(args, &[("CITYPAIR_ISA", isa)]);
        serde_json::from_str(&out).unwrap()
    };
    let widest = run("", &["solve", path, "--json"]);
    let available: Vec<&str> = ["portable", "avx2", "avx512"]
        .into_iter()
        .filter(|isa| citypair(&["solve", path, "--json"], &[("CITYPAIR_ISA", isa)]).code == 0)
        .collect();
    assert_eq!(available[0], "portable");
    assert_eq!(widest["isa"], *available.last().unwrap());
    for isa in &available {
        let got = run(isa, &["solve", path, "--json"]);
        assert_eq!(got["isa"], *isa);
        assert_eq!(strip(got), strip(widest.clone()), "{isa}");
        let pair = strip_timings(run(isa, &["pair", "--json"]));
        assert_eq!(pair, strip_timings(run("", &["pair", "--json"])), "{isa}");
    }
    for bad in ["neon", "AVX512", "sse2"] {
        let out = citypair(&["solve", path], &[("CITYPAIR_ISA", bad)]);
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("error: parameter CITYPAIR_ISA: "),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains(bad) && out.stderr.contains("portable"),
            "{}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
    if !available.contains(&"avx512") {
        assert_eq!(
            citypair(&["solve", path], &[("CITYPAIR_ISA", "avx512")]).code,
            2
        );
    }
}
