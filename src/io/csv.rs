//! Spreadsheets in and out (feature `csv`): cities from a CSV file, pairs and scores as CSV.
//!
//! # Cities
//!
//! One row per city, one column per field, in any order: `id`, `name`, `country`,
//! `population` (required), `lat`, `lon`, `capacity`, and `challenge.THEME` /
//! `expertise.THEME` for any subset of the themes (`THEME` is the theme's JSON key, such as
//! `air_quality`). The informational columns of `fixtures/world-50k.csv` ([`INFO_COLUMNS`])
//! are accepted and not used, so that file reads as it is. An empty cell is an absent value. [`read_cities`] turns the rows into the
//! `cities` of a call-and-cities document and validates it with the JSON reader's own checks
//! ([`dataset_from_value`](super::dataset_from_value)), so a city reads the same from either
//! format; errors name the file, the row (as a spreadsheet numbers it: the header is row 1)
//! and the column. [`write_cities`] writes a dataset's cities in this layout.
//!
//! # Pairs and scores
//!
//! [`pairs_csv`]: one row per pair and nothing else, under the header
//! `eu,eu_name,eu_country,partner,partner_name,partner_country,score,themes` (the score at
//! full precision, the shortest text that reads back to the same `f64`; the themes the pair's
//! strongest shared themes, strongest first, separated by `;`). [`scores_csv`]: the score
//! matrix, the header `eu` and then the partner ids, each row an EU id and its scores.
//!
//! All output is RFC 4180 (the `csv` crate's writer: fields quoted when they hold a comma,
//! a quote or a line break; lines end with `\n`).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Number, Value};

use crate::error::{Error, Location, Result};
use crate::model::{City, Dataset, Theme};
use crate::pairing::{Pairing, Solution};

/// The fields of a city that have a column of their own.
const FIELDS: [&str; 7] = [
    "id",
    "name",
    "country",
    "population",
    "lat",
    "lon",
    "capacity",
];
/// The informational columns of `fixtures/world-50k.csv` (GeoNames' id and admin1 code, the
/// facts its profiles were derived from): accepted so that the file, or an edited copy, reads
/// back, and not used.
pub const INFO_COLUMNS: [&str; 5] = ["geonameid", "admin1", "capital", "coast_km", "koppen"];
/// The fields every row must have.
const REQUIRED: [&str; 4] = ["id", "name", "country", "population"];

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Field(&'static str),
    Challenge(Theme),
    Expertise(Theme),
    /// One of [`INFO_COLUMNS`]: read past.
    Info,
}

fn csv_error(file: &str, row: usize, column: Option<&str>, message: impl Into<String>) -> Error {
    Error::Csv {
        file: file.to_owned(),
        row,
        column: column.map(str::to_owned),
        message: message.into(),
    }
}

/// The column a header cell names.
fn column(name: &str) -> Option<Column> {
    if let Some(f) = FIELDS.iter().find(|&&f| f == name) {
        return Some(Column::Field(f));
    }
    if INFO_COLUMNS.contains(&name) {
        return Some(Column::Info);
    }
    if let Some(t) = name.strip_prefix("challenge.") {
        return Theme::from_key(t).map(Column::Challenge);
    }
    if let Some(t) = name.strip_prefix("expertise.") {
        return Theme::from_key(t).map(Column::Expertise);
    }
    None
}

/// A cell as a JSON number: an integer for `population` and `capacity`, a float otherwise.
fn number(cell: &str, whole: bool) -> std::result::Result<Value, String> {
    if whole {
        cell.parse::<u64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("{cell:?} is not a whole number"))
    } else {
        let x: f64 = cell
            .parse()
            .map_err(|_| format!("{cell:?} is not a number"))?;
        Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| format!("{cell:?} is not a finite number"))
    }
}

/// Reads the cities of `text` (a CSV file named `file` in errors) and makes the dataset of
/// `call` (the `call` object of a call-and-cities document) and those cities.
///
/// A byte-order mark at the start is skipped.
///
/// # Errors
/// [`Error::Csv`] naming the file, row and column: a malformed record, a row with more or
/// fewer cells than the header, an unknown or repeated column, a missing required column or
/// value, a cell that is not a number where one is needed; a city the checks of
/// [`parse_dataset`](super::parse_dataset) reject, with its row; the call's own errors as the
/// JSON reader gives them.
///
/// # Complexity
/// `O(size of the text)`; rows are read one at a time.
pub fn read_cities(call: &Value, text: &str, file: &str) -> Result<Dataset> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(file, 1, None, e.to_string()))?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(csv_error(
            file,
            1,
            None,
            "the file is empty: the first row must name the columns",
        ));
    }
    let mut columns = Vec::with_capacity(headers.len());
    let mut seen = HashSet::new();
    for name in &headers {
        let c = column(name).ok_or_else(|| {
            csv_error(
                file,
                1,
                Some(name),
                format!(
                    "unknown column (the columns are {}, challenge.THEME and expertise.THEME \
                     with THEME one of {}; {} are read past)",
                    FIELDS.join(", "),
                    Theme::ALL.map(Theme::key).join(", "),
                    INFO_COLUMNS.join(", ")
                ),
            )
        })?;
        if !seen.insert(name.to_owned()) {
            return Err(csv_error(file, 1, Some(name), "this column appears twice"));
        }
        columns.push(c);
    }
    for required in REQUIRED {
        if !seen.contains(required) {
            return Err(csv_error(
                file,
                1,
                Some(required),
                "this required column is missing",
            ));
        }
    }
    let mut cities = Vec::new();
    let mut rows_of: HashMap<String, usize> = HashMap::new();
    for (k, record) in reader.records().enumerate() {
        let row = k + 2;
        let record = record.map_err(|e| csv_error(file, row, None, e.to_string()))?;
        let mut city = Map::new();
        let mut challenges = Map::new();
        let mut expertise = Map::new();
        for ((cell, name), c) in record.iter().zip(&headers).zip(&columns) {
            if cell.is_empty() {
                if REQUIRED.contains(&name) {
                    return Err(csv_error(
                        file,
                        row,
                        Some(name),
                        "this required value is empty",
                    ));
                }
                continue;
            }
            let bad = |m: String| csv_error(file, row, Some(name), m);
            match *c {
                Column::Field(f @ ("id" | "name" | "country")) => {
                    city.insert(f.to_owned(), Value::String(cell.to_owned()));
                }
                Column::Field(f) => {
                    let whole = matches!(f, "population" | "capacity");
                    city.insert(f.to_owned(), number(cell, whole).map_err(bad)?);
                }
                Column::Challenge(t) => {
                    challenges.insert(t.key().to_owned(), number(cell, false).map_err(bad)?);
                }
                Column::Expertise(t) => {
                    expertise.insert(t.key().to_owned(), number(cell, false).map_err(bad)?);
                }
                Column::Info => {}
            }
        }
        city.insert("challenges".to_owned(), Value::Object(challenges));
        if !expertise.is_empty() {
            city.insert("expertise".to_owned(), Value::Object(expertise));
        }
        if let Some(Value::String(id)) = city.get("id") {
            rows_of.entry(id.clone()).or_insert(row);
        }
        cities.push(Value::Object(city));
    }
    let mut doc = Map::new();
    doc.insert("call".to_owned(), call.clone());
    doc.insert("cities".to_owned(), Value::Array(cities));
    super::dataset_from_value(&Value::Object(doc)).map_err(|e| at_row(e, file, &rows_of))
}

/// A city's error from the shared checks, with the row the city came from.
fn at_row(e: Error, file: &str, rows_of: &HashMap<String, usize>) -> Error {
    let row = match &e {
        Error::Invalid {
            location: Location::City { id, .. },
            ..
        }
        | Error::DuplicateCity { id, .. } => rows_of.get(id).copied(),
        Error::Invalid {
            location: Location::CityAt { position, .. },
            ..
        } => Some(position + 1),
        _ => None,
    };
    match row {
        Some(row) => csv_error(file, row, None, e.to_string()),
        None => e,
    }
}

fn write_error(e: &::csv::Error) -> Error {
    Error::invalid(
        Location::Document { field: None },
        format!("cannot write CSV: {e}"),
    )
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<String> {
    let bytes = w
        .into_inner()
        .map_err(|e| write_error(&::csv::Error::from(e.into_error())))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::invalid(
            Location::Document { field: None },
            format!("CSV output is not UTF-8: {e}"),
        )
    })
}

/// A dataset's cities in the spreadsheet layout ([`read_cities`] reads it back to the same
/// cities): every field column, then `challenge.THEME` and `expertise.THEME` for the themes
/// some city has, in [`Theme::ALL`] order. Cities in the dataset's order.
///
/// # Errors
/// Only if the writer fails (it writes to memory).
pub fn write_cities(dataset: &Dataset) -> Result<String> {
    let cities = dataset.cities();
    let challenge_used: Vec<bool> = Theme::ALL
        .iter()
        .map(|&t| cities.iter().any(|c| c.challenges().get(t) != 0.0))
        .collect();
    let expertise_used: Vec<bool> = Theme::ALL
        .iter()
        .map(|&t| cities.iter().any(|c| c.expertise().get(t) != 0.0))
        .collect();
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header: Vec<String> = FIELDS.iter().map(|s| (*s).to_owned()).collect();
    for (t, _) in Theme::ALL.iter().zip(&challenge_used).filter(|p| *p.1) {
        header.push(format!("challenge.{}", t.key()));
    }
    for (t, _) in Theme::ALL.iter().zip(&expertise_used).filter(|p| *p.1) {
        header.push(format!("expertise.{}", t.key()));
    }
    w.write_record(&header).map_err(|e| write_error(&e))?;
    for c in cities {
        let mut row = vec![
            c.id().to_owned(),
            c.name().to_owned(),
            c.country().to_string(),
            c.population().to_string(),
            c.lat().map_or(String::new(), |x| x.to_string()),
            c.lon().map_or(String::new(), |x| x.to_string()),
            c.capacity().to_string(),
        ];
        for (&t, _) in Theme::ALL.iter().zip(&challenge_used).filter(|p| *p.1) {
            let x = c.challenges().get(t);
            row.push(if x == 0.0 {
                String::new()
            } else {
                x.to_string()
            });
        }
        for (&t, _) in Theme::ALL.iter().zip(&expertise_used).filter(|p| *p.1) {
            let x = c.expertise().get(t);
            row.push(if x == 0.0 {
                String::new()
            } else {
                x.to_string()
            });
        }
        w.write_record(&row).map_err(|e| write_error(&e))?;
    }
    finish(w)
}

/// The pairs of `solution` (a solution of `pairing`) as CSV: the header
/// `eu,eu_name,eu_country,partner,partner_name,partner_country,score,themes` and one row per
/// pair, in the solution's order (see the module documentation).
///
/// # Errors
/// Only if the writer fails (it writes to memory).
pub fn pairs_csv(pairing: &Pairing<'_>, solution: &Solution) -> Result<String> {
    let cities: HashMap<&str, &City> = pairing
        .eu_cities()
        .chain(pairing.partner_cities())
        .map(|c| (c.id(), c))
        .collect();
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record([
        "eu",
        "eu_name",
        "eu_country",
        "partner",
        "partner_name",
        "partner_country",
        "score",
        "themes",
    ])
    .map_err(|e| write_error(&e))?;
    let name = |id: &str| {
        cities
            .get(id)
            .map_or(String::new(), |c| c.name().to_owned())
    };
    let country = |id: &str| {
        cities
            .get(id)
            .map_or(String::new(), |c| c.country().to_string())
    };
    for p in &solution.pairs {
        let themes: Vec<&str> = p.shared.iter().map(|t| t.theme.key()).collect();
        w.write_record([
            p.eu.clone(),
            name(&p.eu),
            country(&p.eu),
            p.partner.clone(),
            name(&p.partner),
            country(&p.partner),
            p.score.to_string(),
            themes.join(";"),
        ])
        .map_err(|e| write_error(&e))?;
    }
    finish(w)
}

/// The dense score matrix of `pairing` as CSV: the header `eu` and the partner ids, then one
/// row per EU city, its id and its scores at full precision.
///
/// # Errors
/// As [`Pairing::matrix`] (candidate mode keeps no dense matrix).
pub fn scores_csv(pairing: &Pairing<'_>) -> Result<String> {
    let m = pairing.matrix()?;
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header = vec!["eu".to_owned()];
    header.extend(pairing.partner_cities().map(|c| c.id().to_owned()));
    w.write_record(&header).map_err(|e| write_error(&e))?;
    for (eu, row) in pairing.eu_cities().zip(m.iter_rows()) {
        let mut record = Vec::with_capacity(row.len() + 1);
        record.push(eu.id().to_owned());
        record.extend(row.iter().map(f64::to_string));
        w.write_record(&record).map_err(|e| write_error(&e))?;
    }
    finish(w)
}
