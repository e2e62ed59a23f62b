//! The embedded datasets (`--dataset`, `--call`, `citypair datasets`, `bench --family real`):
//! the GeoNames cities under the 2017 call and under other calls, the listing's counts, the
//! spreadsheet reader on the fixture itself, and the errors.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use citypair::eligibility::classify;
use citypair::io::embedded::Embedded;
use citypair::io::{self, csv::INFO_COLUMNS};
use common::run_cli;
use serde_json::Value;

const WORLD_CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/world-50k.csv");
const IURC_2021: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/calls/iurc-2021.json");
const IUC_2019: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/calls/iuc-2019.json");

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run_cli(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
}

fn ids(list: &Value, key: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p[key].as_str().unwrap().to_owned())
        .collect()
}

fn country_of(world: &citypair::Dataset) -> BTreeMap<String, String> {
    world
        .cities()
        .iter()
        .map(|c| (c.id().to_owned(), c.country().to_string()))
        .collect()
}

#[test]
fn the_2017_call_on_world_50k_pairs_every_eligible_eu_city_with_a_certificate() {
    let world = Embedded::World50k.dataset().unwrap();
    let sides = classify(&world);
    let country = country_of(&world);
    let doc = json(&["pair", "--dataset", "world-50k", "--json"]);
    assert_eq!(doc["call"], "IUC 2017");
    assert_eq!(doc["certified_optimal"], true, "{}", doc["certificate"]);
    let eu = ids(&doc["pairs"], "eu");
    let eligible_eu: BTreeSet<String> = sides
        .eu
        .iter()
        .map(|&k| world.cities()[k].id().to_owned())
        .collect();
    // The EU side is the smaller one: every eligible EU city is paired, each once.
    assert!(eligible_eu.len() < sides.partners.len());
    assert_eq!(doc["pairs"].as_array().unwrap().len(), eligible_eu.len());
    assert_eq!(eu, eligible_eu);
    assert!(
        (900..=1550).contains(&eligible_eu.len()),
        "{} eligible EU cities",
        eligible_eu.len()
    );
    let british = eu.iter().filter(|id| country[*id] == "GB").count();
    assert!(british > 0, "GB was a member state in 2017");
    // Partner countries only on the partner side, and each partner once.
    let partners: Vec<String> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["partner"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        partners.iter().collect::<HashSet<_>>().len(),
        partners.len()
    );
    let allowed = ["AR", "BR", "CA", "CL", "CO", "IN", "JP", "MX", "PE", "US"];
    assert!(partners
        .iter()
        .all(|p| allowed.contains(&country[p].as_str())));
    // Everyone else is excluded, with a reason.
    assert_eq!(
        doc["excluded"].as_array().unwrap().len(),
        world.cities().len() - eligible_eu.len() - sides.partners.len()
    );
}

#[test]
fn a_2021_call_excludes_british_cities_for_their_membership_and_small_ones_for_size() {
    let doc = json(&[
        "pair",
        "--dataset",
        "world-50k",
        "--call",
        IURC_2021,
        "--json",
    ]);
    let world = Embedded::World50k.dataset().unwrap();
    let country = country_of(&world);
    let population: BTreeMap<&str, u64> = world
        .cities()
        .iter()
        .map(|c| (c.id(), c.population()))
        .collect();
    assert_eq!(doc["call"], "IURC 2021 (modelled)");
    let excluded = doc["excluded"].as_array().unwrap();
    let british: Vec<&Value> = excluded
        .iter()
        .filter(|e| country[e["id"].as_str().unwrap()] == "GB")
        .collect();
    assert_eq!(
        british.len(),
        world
            .cities()
            .iter()
            .filter(|c| c.country().as_str() == "GB")
            .count(),
        "every British city is excluded in 2021"
    );
    for e in &british {
        let reason = e["reason"].as_str().unwrap();
        assert!(
            reason.starts_with(
                "GB was not an EU member state on 2021-05-31 (it was one from 1973-01-01 to \
                 2020-01-31)"
            ),
            "{reason}"
        );
    }
    // The 100,000 minimum, in today's words (digits without separators).
    let small = excluded
        .iter()
        .find(|e| {
            let id = e["id"].as_str().unwrap();
            country[id] == "DE" && population[id] < 100_000
        })
        .expect("a German city below 100,000 is excluded");
    let id = small["id"].as_str().unwrap();
    assert_eq!(
        small["reason"],
        format!(
            "population {} is below the call's minimum of 100000",
            population[id]
        )
    );
    // Chinese, Korean and Indonesian cities are partners now.
    let partner_countries: BTreeSet<&str> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| country[p["partner"].as_str().unwrap()].as_str())
        .collect();
    for cc in ["CN", "KR", "ID"] {
        assert!(
            partner_countries.contains(cc),
            "{cc}: {partner_countries:?}"
        );
    }
    assert!(doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| population[p["eu"].as_str().unwrap()] >= 100_000));
}

#[test]
fn a_call_file_applies_to_the_iuc_2017_cities_too() {
    let doc = json(&["pair", "--call", IUC_2019, "--json"]);
    assert_eq!(doc["call"], "IUC 2019");
    let iuc = io::embedded_dataset().unwrap();
    let population: BTreeMap<&str, u64> = iuc
        .cities()
        .iter()
        .map(|c| (c.id(), c.population()))
        .collect();
    assert!(doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| population[p["eu"].as_str().unwrap()] >= 100_000));
    // Chinese cities are 2019 partners: the ones the 2017 call excluded can be paired now.
    let excluded = ids(&doc["excluded"], "id");
    assert!(!excluded.contains("guangzhou"));
    assert!(excluded.iter().all(|id| !id.is_empty()));
}

#[test]
fn the_listing_counts_what_the_library_reads() {
    let doc = json(&["datasets", "--json"]);
    let list = doc["datasets"].as_array().unwrap();
    assert_eq!(
        list.iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["iuc-2017", "world-50k"]
    );
    for (entry, which) in list.iter().zip(Embedded::ALL) {
        let d = which.dataset().unwrap();
        let sides = classify(&d);
        assert_eq!(entry["cities"], d.cities().len());
        assert_eq!(entry["eligible_eu"], sides.eu.len());
        assert_eq!(entry["eligible_partners"], sides.partners.len());
        assert_eq!(entry["excluded"], sides.excluded.len());
        assert_eq!(entry["file"], which.file());
        assert!(entry["source"].as_str().unwrap().contains("GeoNames"));
    }
    let (code, table, err) = run_cli(&["datasets"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        table.contains("world-50k") && table.contains("CC BY 4.0"),
        "{table}"
    );
}

#[test]
fn the_fixture_reads_as_a_spreadsheet_with_its_fact_columns() {
    let text = std::fs::read_to_string(WORLD_CSV).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    for info in INFO_COLUMNS {
        assert!(header.contains(&info), "{info} in {header:?}");
    }
    // The file on disk is the text compiled in, and reads with the spreadsheet reader.
    assert_eq!(text, Embedded::World50k.text());
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("timings_ms");
        v
    };
    let embedded = strip(json(&[
        "pair",
        "--dataset",
        "world-50k",
        "--call",
        IUC_2019,
        "--json",
    ]));
    let from_file = strip(json(&[
        "pair", "--call", IUC_2019, "--cities", WORLD_CSV, "--json",
    ]));
    assert!(embedded == from_file, "the same cities, the same pairing");
    // GeoNames' facts as the fixture states them: every population at least 50,000, unique
    // GeoNames ids.
    let world = Embedded::World50k.dataset().unwrap();
    assert!(world.cities().iter().all(|c| c.population() >= 50_000));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "geonameid")
        .unwrap();
    let geonameids: Vec<u64> = reader
        .records()
        .map(|r| r.unwrap()[column].parse().unwrap())
        .collect();
    assert_eq!(geonameids.len(), world.cities().len());
    assert_eq!(
        geonameids.iter().collect::<HashSet<_>>().len(),
        geonameids.len()
    );
}

#[test]
fn the_real_bench_family_samples_the_same_cities_for_a_seed() {
    let runs = |seed: &str| {
        let doc = json(&[
            "bench", "--family", "real", "--sizes", "40,120", "--seeds", seed, "--json",
        ]);
        doc["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                assert_eq!(r["family"], "real");
                (
                    r["n"].as_u64().unwrap(),
                    r["seed"].as_u64().unwrap(),
                    r["total"].as_f64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let a = runs("2");
    assert_eq!(a.len(), 4);
    assert_eq!(a, runs("2"), "the same samples, the same optima");
    assert_ne!(a[0].2, a[1].2, "seeds 0 and 1 draw different cities");
    // The library's sample: n cities a side, all eligible under the 2017 call.
    let sample = citypair::bench::real_sample(40, 0).unwrap();
    let sides = classify(&sample);
    assert_eq!((sides.eu.len(), sides.partners.len()), (40, 40));
    let (code, _, err) = run_cli(&["bench", "--family", "real", "--sizes", "5000"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("5000 cities a side") && err.contains("goes up to"),
        "{err}"
    );
}

#[test]
fn bad_dataset_arguments_are_usage_errors_and_bad_calls_name_their_file() {
    let (code, _, err) = run_cli(&["pair", "--dataset", "world"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("iuc-2017") && err.contains("world-50k"),
        "{err}"
    );
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/iuc-2017.json");
    let (code, _, err) = run_cli(&["pair", fixture, "--dataset", "world-50k"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run_cli(&["pair", "--dataset", "world-50k", "--cities", WORLD_CSV]);
    assert_eq!(code, 2, "{err}");

    let bad = common::TempFile::new(
        "call.json",
        r#"{"call": {"name": "x", "date": "2021-02-30", "partner_countries": ["BR"]}}"#,
    );
    let (code, out, err) = run_cli(&["pair", "--dataset", "world-50k", "--call", bad.path()]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains(bad.path()) && err.contains("date"),
        "names the file and the field: {err}"
    );
    let (code, _, err) = run_cli(&["scores", "--call", "/no/such/call.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/no/such/call.json"), "{err}");
}

#[test]
fn scores_and_explain_run_on_world_50k() {
    let world = Embedded::World50k.dataset().unwrap();
    let sides = classify(&world);
    let eu = world.cities()[sides.eu[0]].id();
    let partner = world.cities()[sides.partners[0]].id();
    let doc = json(&[
        "scores",
        "--dataset",
        "world-50k",
        "--explain",
        eu,
        partner,
        "--json",
    ]);
    let pairing = citypair::Pairing::builder(&world).dense().build().unwrap();
    let expected = pairing.explain(eu, partner).unwrap();
    assert_eq!(doc["score"].as_f64().unwrap(), expected.score);
}
