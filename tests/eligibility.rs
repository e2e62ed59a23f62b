//! Eligibility: EU membership by date, partner countries and the population threshold.
//!
//! Membership dates are those of the EU's own record of enlargements and of the UK's withdrawal
//! agreement (the UK left at the end of 2020-01-31).

use citypair::eligibility::{classify, is_eu_member, is_known_country, Eligibility, Side};
use citypair::io::parse_dataset;
use citypair::model::Dataset;

/// A dataset with one city per `(id, country, population)` and the given call date.
fn dataset(date: &str, partners: &[&str], cities: &[(&str, &str, u64)]) -> Dataset {
    let partners: Vec<String> = partners.iter().map(|p| format!("\"{p}\"")).collect();
    let cities: Vec<String> = cities
        .iter()
        .map(|(id, country, population)| {
            format!(
                r#"{{"id": "{id}", "name": "{id}", "country": "{country}",
                    "population": {population}, "challenges": {{"housing": 0.5}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"call": {{"name": "test", "date": "{date}", "partner_countries": [{}]}},
            "cities": [{}]}}"#,
        partners.join(", "),
        cities.join(", ")
    );
    parse_dataset(&text, "test.json").unwrap()
}

fn ids(d: &Dataset, indices: &[usize]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| d.cities()[i].id().to_owned())
        .collect()
}

fn reason<'a>(e: &'a Eligibility, id: &str) -> &'a str {
    &e.excluded.iter().find(|x| x.id == id).unwrap().reason
}

#[test]
fn united_kingdom_before_and_after_withdrawal() {
    let cities = [("leeds", "GB", 793_139), ("curitiba", "BR", 1_948_626)];
    let d = dataset("2017-09-21", &["BR"], &cities);
    let e = classify(&d);
    assert_eq!(ids(&d, &e.eu), ["leeds"]);
    assert_eq!(ids(&d, &e.partners), ["curitiba"]);
    assert!(e.excluded.is_empty());

    let d = dataset("2021-03-01", &["BR"], &cities);
    let e = classify(&d);
    assert!(e.eu.is_empty());
    let r = reason(&e, "leeds");
    assert!(
        r.starts_with("GB was not an EU member state on 2021-03-01"),
        "{r}"
    );
    assert!(r.contains("not a partner country"), "{r}");

    // Member through its last day, not on the next.
    let d = dataset("2020-01-31", &["BR"], &cities);
    assert_eq!(ids(&d, &classify(&d).eu), ["leeds"]);
    let d = dataset("2020-02-01", &["BR"], &cities);
    assert!(classify(&d).eu.is_empty());
}

#[test]
fn croatia_joined_on_2013_07_01() {
    let cities = [("zagreb", "HR", 790_017)];
    let d = dataset("2012-06-01", &["BR"], &cities);
    let e = classify(&d);
    assert!(e.eu.is_empty());
    let r = reason(&e, "zagreb");
    assert!(
        r.starts_with("HR was not an EU member state on 2012-06-01"),
        "{r}"
    );
    assert!(r.contains("2013-07-01"), "{r}");

    let d = dataset("2014-01-01", &["BR"], &cities);
    assert_eq!(ids(&d, &classify(&d).eu), ["zagreb"]);
}

#[test]
fn poland_joined_in_the_2004_enlargement() {
    let cities = [("poznan", "PL", 534_813), ("tartu", "EE", 97_759)];
    let d = dataset("2004-04-30", &["BR"], &cities);
    let e = classify(&d);
    assert!(e.eu.is_empty());
    assert_eq!(e.excluded.len(), 2);
    assert!(reason(&e, "poznan").starts_with("PL was not an EU member state on 2004-04-30"));

    let d = dataset("2004-05-01", &["BR"], &cities);
    assert_eq!(ids(&d, &classify(&d).eu), ["poznan", "tartu"]);
}

#[test]
fn membership_function_follows_the_table() {
    let c = |s: &str| s.parse().unwrap();
    let d = |s: &str| s.parse().unwrap();
    assert!(is_eu_member(c("FR"), d("1958-01-01")));
    assert!(is_eu_member(c("GR"), d("1981-01-01")));
    assert!(!is_eu_member(c("GR"), d("1980-12-31")));
    assert!(is_eu_member(c("ES"), d("1986-01-01")));
    assert!(is_eu_member(c("SE"), d("1995-01-01")));
    assert!(is_eu_member(c("RO"), d("2007-01-01")));
    assert!(!is_eu_member(c("BG"), d("2006-12-31")));
    assert!(!is_eu_member(c("NO"), d("2017-09-21")));
    assert!(is_known_country(c("NO")));
    assert!(!is_known_country(c("UK")));
}

#[test]
fn population_threshold_states_both_numbers() {
    let cities = [
        ("small", "DE", 45_000),
        ("exact", "DE", 50_000),
        ("village", "BR", 10),
    ];
    let d = dataset("2017-09-21", &["BR"], &cities);
    let e = classify(&d);
    assert_eq!(ids(&d, &e.eu), ["exact"]);
    // Partner cities have no population minimum.
    assert_eq!(ids(&d, &e.partners), ["village"]);
    assert_eq!(
        reason(&e, "small"),
        "population 45000 is below the call's minimum of 50000"
    );
}

#[test]
fn other_countries_are_excluded_naming_the_rule() {
    let d = dataset("2017-09-21", &["AR", "BR"], &[("wuhan", "CN", 11_081_000)]);
    let e = classify(&d);
    assert_eq!(
        reason(&e, "wuhan"),
        "CN is not an EU member state on 2017-09-21 nor a partner country of this call \
         (the call's partner countries are AR, BR)"
    );
    assert_eq!(e.side_of(0), None);
}

#[test]
fn a_member_state_listed_as_partner_stays_on_the_eu_side() {
    let d = dataset(
        "2017-09-21",
        &["PL", "BR"],
        &[("poznan", "PL", 534_813), ("recife", "BR", 1_653_461)],
    );
    let e = classify(&d);
    assert_eq!(ids(&d, &e.eu), ["poznan"]);
    assert_eq!(ids(&d, &e.partners), ["recife"]);
    assert_eq!(e.side_of(0), Some(Side::Eu));
    assert_eq!(e.side_of(1), Some(Side::Partner));
}

#[test]
fn output_does_not_depend_on_input_order() {
    let mut cities = vec![
        ("c", "DE", 60_000),
        ("a", "FR", 70_000),
        ("z", "BR", 80_000),
        ("b", "BR", 90_000),
        ("y", "CN", 100_000),
        ("x", "IT", 1_000),
    ];
    let d = dataset("2017-09-21", &["BR"], &cities);
    let expected = classify(&d);
    let by_id =
        |d: &Dataset, e: &Eligibility| (ids(d, &e.eu), ids(d, &e.partners), e.excluded.clone());
    let want = by_id(&d, &expected);
    assert_eq!(want.0, ["a", "c"]);
    assert_eq!(want.1, ["b", "z"]);
    assert_eq!(
        want.2.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        ["x", "y"]
    );
    for _ in 0..cities.len() {
        cities.rotate_left(1);
        let d = dataset("2017-09-21", &["BR"], &cities);
        assert_eq!(by_id(&d, &classify(&d)), want);
        cities.reverse();
        let d = dataset("2017-09-21", &["BR"], &cities);
        assert_eq!(by_id(&d, &classify(&d)), want);
    }
}

#[test]
fn serialized_forms() {
    assert_eq!(serde_json::to_string(&Side::Eu).unwrap(), "\"eu\"");
    assert_eq!(Side::Partner.to_string(), "partner");
    let d = dataset("2017-09-21", &["BR"], &[("small", "DE", 45_000)]);
    let e = classify(&d);
    assert_eq!(
        serde_json::to_string(&e.excluded[0]).unwrap(),
        r#"{"id":"small","reason":"population 45000 is below the call's minimum of 50000"}"#
    );
}

#[test]
fn embedded_dataset_classifies() {
    let d = citypair::io::embedded_dataset().unwrap();
    let e = classify(&d);
    assert_eq!(
        e.eu.len() + e.partners.len() + e.excluded.len(),
        d.cities().len()
    );
    for &i in &e.eu {
        assert!(is_eu_member(d.cities()[i].country(), d.call().date()));
    }
}
