//! `citypair datasets`: the embedded datasets ([`Embedded`]) with their sources and counts
//! under the call each comes with.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use citypair::eligibility::classify;
use citypair::io::embedded::Embedded;
use serde::Serialize;

use super::json::to_json;
use super::Result;

/// One dataset, as `datasets --json` lists it.
#[derive(Serialize)]
struct DatasetJson {
    name: &'static str,
    file: &'static str,
    source: &'static str,
    cities: usize,
    countries: usize,
    call: String,
    eligible_eu: usize,
    eligible_partners: usize,
    excluded: usize,
}

/// `citypair datasets --json`.
#[derive(Serialize)]
struct DatasetsJson {
    datasets: Vec<DatasetJson>,
}

/// `datasets`: what it prints.
///
/// # Errors
/// Only if a compiled-in fixture is broken.
pub(crate) fn command(json: bool) -> Result<String> {
    let mut rows = Vec::new();
    for d in Embedded::ALL {
        let dataset = d.dataset()?;
        let sides = classify(&dataset);
        let countries: BTreeSet<_> = dataset
            .cities()
            .iter()
            .map(citypair::City::country)
            .collect();
        rows.push(DatasetJson {
            name: d.name(),
            file: d.file(),
            source: d.source(),
            cities: dataset.cities().len(),
            countries: countries.len(),
            call: dataset.call().name().to_owned(),
            eligible_eu: sides.eu.len(),
            eligible_partners: sides.partners.len(),
            excluded: sides.excluded.len(),
        });
    }
    if json {
        return to_json(&DatasetsJson { datasets: rows });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<10} {:>7} {:>9}  {:<10} {:>7} {:>8} {:>8}  file",
        "name", "cities", "countries", "call", "EU side", "partners", "excluded"
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<10} {:>7} {:>9}  {:<10} {:>7} {:>8} {:>8}  {}",
            r.name,
            r.cities,
            r.countries,
            r.call,
            r.eligible_eu,
            r.eligible_partners,
            r.excluded,
            r.file
        );
    }
    let _ = writeln!(
        out,
        "\nEU side, partners and excluded: under the call the dataset comes with (another with \
         --call CALL.json).\nSources:"
    );
    for r in &rows {
        let _ = writeln!(out, "  {}: {}", r.name, r.source);
    }
    Ok(out)
}
