//! Spreadsheets: `pair --csv` and `scores --csv` read back to the JSON figures, bit for bit;
//! cities written to CSV and read back pair identically; CSV errors name the row and column.

mod common;

use citypair::io::{self, csv as sheet};
use citypair::{Objective, Pairing};
use common::{run_cli, TempFile};
use proptest::prelude::*;
use serde_json::Value;

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run_cli(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn records(text: &str) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut all = vec![r.headers().unwrap().clone()];
    all.extend(r.records().map(Result::unwrap));
    all
}

#[test]
fn pair_csv_is_the_json_pairs() {
    let json: Value = serde_json::from_str(&ok(&["pair", "--json"])).unwrap();
    let rows = records(&ok(&["pair", "--csv"]));
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        [
            "eu",
            "eu_name",
            "eu_country",
            "partner",
            "partner_name",
            "partner_country",
            "score",
            "themes"
        ]
    );
    let pairs = json["pairs"].as_array().unwrap();
    assert_eq!(rows.len() - 1, pairs.len());
    let dataset = io::embedded_dataset().unwrap();
    for (row, p) in rows[1..].iter().zip(pairs) {
        assert_eq!(&row[0], p["eu"].as_str().unwrap());
        assert_eq!(&row[3], p["partner"].as_str().unwrap());
        let score: f64 = row[6].parse().unwrap();
        assert_eq!(score.to_bits(), p["score"].as_f64().unwrap().to_bits());
        let themes: Vec<&str> = p["shared"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["theme"].as_str().unwrap())
            .collect();
        assert_eq!(
            row[7]
                .split(';')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>(),
            themes
        );
        let eu = dataset.cities().iter().find(|c| c.id() == &row[0]).unwrap();
        assert_eq!(&row[1], eu.name());
        assert_eq!(row[2], eu.country().to_string());
    }
}

#[test]
fn scores_csv_is_the_json_matrix() {
    let json: Value = serde_json::from_str(&ok(&["scores", "--json"])).unwrap();
    let rows = records(&ok(&["scores", "--csv"]));
    let partners: Vec<&str> = json["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(&rows[0][0], "eu");
    assert_eq!(rows[0].iter().skip(1).collect::<Vec<_>>(), partners);
    let eu = json["eu"].as_array().unwrap();
    assert_eq!(rows.len() - 1, eu.len());
    for (k, row) in rows[1..].iter().enumerate() {
        assert_eq!(&row[0], eu[k].as_str().unwrap());
        for (j, cell) in row.iter().skip(1).enumerate() {
            let x: f64 = cell.parse().unwrap();
            assert_eq!(
                x.to_bits(),
                json["scores"][k][j].as_f64().unwrap().to_bits()
            );
        }
    }
}

/// The call object and the cities CSV of a dataset.
fn as_sheet(dataset: &citypair::Dataset) -> (Value, String) {
    let doc = io::dataset_json(dataset);
    (doc["call"].clone(), sheet::write_cities(dataset).unwrap())
}

/// The same pairs, bit for bit, for the sum objective.
fn same_pairing(a: &citypair::Dataset, b: &citypair::Dataset) {
    let pa = Pairing::new(a).unwrap().solve(Objective::Sum).unwrap();
    let pb = Pairing::new(b).unwrap().solve(Objective::Sum).unwrap();
    assert_eq!(pa.pairs, pb.pairs);
}

#[test]
fn embedded_cities_round_trip_through_csv() {
    let dataset = io::embedded_dataset().unwrap();
    let (call, text) = as_sheet(&dataset);
    let back = sheet::read_cities(&call, &text, "cities.csv").unwrap();
    assert_eq!(back.cities(), dataset.cities());
    same_pairing(&dataset, &back);
    // Columns in another order give the same cities.
    let rows = records(&text);
    let mut order: Vec<usize> = (0..rows[0].len()).collect();
    order.reverse();
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.write_record(order.iter().map(|&k| &r[k])).unwrap();
    }
    let shuffled = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert_eq!(
        sheet::read_cities(&call, &shuffled, "x.csv")
            .unwrap()
            .cities(),
        dataset.cities()
    );
}

#[test]
fn the_command_line_reads_a_call_and_a_cities_csv() {
    let dataset = io::embedded_dataset().unwrap();
    let (call, text) = as_sheet(&dataset);
    let call_file = TempFile::new("call.json", &serde_json::to_string(&call).unwrap());
    let cities = TempFile::new("cities.csv", &text);
    let args = ["--call", call_file.path(), "--cities", cities.path()];
    for cmd in ["pair", "scores", "compare"] {
        let mut with: Vec<&str> = vec![cmd, "--json"];
        with.extend(args);
        let strip = |t: String| {
            let mut v: Value = serde_json::from_str(&t).unwrap();
            if let Some(o) = v.as_object_mut() {
                o.remove("timings_ms");
            }
            v
        };
        assert_eq!(strip(ok(&with)), strip(ok(&[cmd, "--json"])), "{cmd}");
    }
    let (code, _, err) = run_cli(&["pair", "--cities", cities.path()]);
    assert_eq!(code, 2, "{err}");
}

fn read_err(header: &str, rows: &[&str]) -> String {
    let dataset = io::embedded_dataset().unwrap();
    let call = io::dataset_json(&dataset)["call"].clone();
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    sheet::read_cities(&call, &text, "cities.csv")
        .unwrap_err()
        .to_string()
}

#[test]
fn errors_name_the_file_row_and_column() {
    let h = "id,name,country,population,challenge.air_quality";
    let e = read_err(h, &["lyon,Lyon,FR,500000,0.5", "porto,Porto,PT,lots,0.2"]);
    assert_eq!(
        e,
        r#"cities.csv: row 3, column "population": "lots" is not a whole number"#
    );
    let e = read_err(h, &["lyon,Lyon,FR,500000,high"]);
    assert!(
        e.starts_with(
            r#"cities.csv: row 2, column "challenge.air_quality": "high" is not a number"#
        ),
        "{e}"
    );
    let e = read_err("id,name,population", &[]);
    assert_eq!(
        e,
        r#"cities.csv: row 1, column "country": this required column is missing"#
    );
    let e = read_err("id,name,country,population,challenge.smog", &[]);
    assert!(
        e.starts_with(r#"cities.csv: row 1, column "challenge.smog": unknown column"#),
        "{e}"
    );
    let e = read_err("id,name,country,population,name", &[]);
    assert!(e.contains("appears twice"), "{e}");
    let e = read_err(h, &["lyon,Lyon,FR,500000"]);
    assert!(e.starts_with("cities.csv: row 2"), "{e}");
    let e = read_err(h, &["lyon,,FR,500000,0.5"]);
    assert_eq!(
        e,
        r#"cities.csv: row 2, column "name": this required value is empty"#
    );
    // A city the shared checks reject: its row, and the JSON reader's message.
    let e = read_err(h, &["lyon,Lyon,FR,500000,0.5", "porto,Porto,PT,200000,1.5"]);
    assert!(e.starts_with("cities.csv: row 3: city \"porto\""), "{e}");
    let e = read_err(h, &["lyon,Lyon,FR,500000,0.5", "lyon,Lyon,FR,500000,0.5"]);
    assert!(e.starts_with("cities.csv: row "), "{e}");
    let dataset = io::embedded_dataset().unwrap();
    let call = io::dataset_json(&dataset)["call"].clone();
    let e = sheet::read_cities(&call, "", "empty.csv")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("empty.csv: row 1"), "{e}");
}

#[test]
fn quoted_names_and_a_byte_order_mark_are_read() {
    let dataset = io::embedded_dataset().unwrap();
    let call = io::dataset_json(&dataset)["call"].clone();
    let text = "\u{feff}id,name,country,population,challenge.air_quality\nlyon,\"Lyon, \"\"la\"\"\nville\",FR,500000,0.5\nrecife,Recife,BR,1600000,0.4\n";
    let d = sheet::read_cities(&call, text, "q.csv").unwrap();
    assert_eq!(d.cities()[0].name(), "Lyon, \"la\"\nville");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Generated calls read back from CSV to the same cities and the same pairing.
    #[test]
    fn generated_calls_round_trip(eu in 1usize..40, partners in 1usize..40, seed in any::<u64>()) {
        let dataset = citypair::synthetic::call(eu, partners, seed);
        let (call, text) = as_sheet(&dataset);
        let back = sheet::read_cities(&call, &text, "gen.csv").unwrap();
        prop_assert_eq!(back.cities(), dataset.cities());
        same_pairing(&dataset, &back);
    }
}

#[test]
fn values_round_trip_at_full_precision() {
    let mut doc = io::dataset_json(&io::embedded_dataset().unwrap());
    let city = &mut doc["cities"][0];
    city["lat"] = serde_json::json!(45.123_456_789_012_34);
    city["challenges"] =
        serde_json::json!({"air_quality": 0.123_456_789_012_345_6, "housing": 1e-9});
    city["expertise"] = serde_json::json!({"energy_transition": 0.987_654_321_098_765});
    let dataset = io::parse_dataset(&doc.to_string(), "doc.json").unwrap();
    let (call, text) = as_sheet(&dataset);
    let back = sheet::read_cities(&call, &text, "p.csv").unwrap();
    assert_eq!(back.cities(), dataset.cities());
}
