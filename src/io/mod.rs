//! Reading inputs and writing datasets: call-and-cities JSON documents and matrix text files.
//!
//! This is the only module that reads files ([`load_dataset`], [`load_matrix`]; the one
//! exception is [`crate::bench::peak_rss_mib`], which reads the process's own status).
//! Every parser checks the shape of its input by hand and reports the first problem it finds as
//! an [`Error`] that names where it is: the file with line and column for malformed JSON, the
//! city id and field (or the call field) for a bad value, the line for a matrix entry. The values
//! of a call-and-cities document are checked by the model's own constructors
//! ([`City::builder`](crate::model::City::builder),
//! [`Call::builder`](crate::model::Call::builder),
//! [`Dataset::new`](crate::model::Dataset::new), ...), which a dataset built in code goes
//! through too; their errors are reported at the document's field.
//!
//! | what | functions | feature |
//! |---|---|---|
//! | call-and-cities JSON, read | [`parse_dataset`], [`load_dataset`], [`load_call`], [`embedded_dataset`] | `serde` |
//! | the embedded datasets, with any call | [`embedded::Embedded`] | `csv` |
//! | call-and-cities JSON, written | [`dataset_json`], [`write_dataset_json`] (streamed) | `serde` |
//! | matrix text, read | [`parse_matrix`], [`load_matrix`] | always |
//!
//! Without the `serde` feature a [`Dataset`] is built in code (see
//! [`crate::synthetic::call`] for an example); the embedded IUC 2017 document is still there
//! as text ([`EMBEDDED_DATASET`]).
//!
//! # Call-and-cities JSON
//!
//! The format is described in the README. In short (read by [`parse_dataset`], feature
//! `serde`):
//!
//! | Field | Required | Default | Check |
//! |---|---|---|---|
//! | `call.name` | yes | | string |
//! | `call.date` | yes | | `YYYY-MM-DD`, a real day |
//! | `call.min_population` | no | 50000 | whole number ≥ 0 |
//! | `call.partner_countries` | yes | | list of assigned ISO 3166-1 alpha-2 codes (sorted and de-duplicated) |
//! | `call.weights` | no | [`Weights::default`](crate::model::Weights::default) | object with any of `challenges`, `expertise`, `size`: finite, ≥ 0, positive sum |
//! | `cities[].id` | yes | | non-empty string, unique |
//! | `cities[].name` | yes | | string |
//! | `cities[].country` | yes | | assigned ISO 3166-1 alpha-2 code (either case) |
//! | `cities[].population` | yes | | whole number ≥ 0 |
//! | `cities[].lat`, `cities[].lon` | no | none | degrees, in `[-90, 90]` and `[-180, 180]` |
//! | `cities[].challenges` | yes | | object from theme keys to numbers in `[0, 1]` (may be empty) |
//! | `cities[].expertise` | no | nothing | as `challenges` |
//! | `cities[].capacity` | no | 1 | whole number ≥ 1 |
//! | `call.min_score` | no | none | number in `[0, 1]` |
//! | `call.forbidden`, `call.locked` | no | `[]` | list of pairs `["EU id", "partner id"]`: two different non-empty strings (kept in input order) |
//! | `call.regions` | no | [`Regions::iuc`](crate::model::Regions::iuc) | object from region name (non-empty, not `"other"`) to a list of assigned country codes, applied with [`Regions::set`](crate::model::Regions::set) in key order; a country may be listed under one region only |
//! | `call.quotas` | no | `[]` | list of objects, see below |
//! | `call.quotas[].countries` | no | `[]` | list of assigned country codes (sorted and de-duplicated) |
//! | `call.quotas[].regions` | no | `[]` | list of region names of the call's [`Regions`](crate::model::Regions) (after `call.regions`; repeats dropped) |
//! | `call.quotas[].min`, `call.quotas[].max` | one of them | 0, no limit | whole numbers ≥ 0, `min ≤ max` |
//!
//! A quota names at least one country or region. Whether the ids of `forbidden` and `locked`
//! exist and lie on the right sides is checked when the pairing is built (module `rules`).
//!
//! `null` counts as absent for the optional fields. Unknown fields anywhere are errors (a typo
//! must not silently fall back to a default).
//!
//! # Matrix text
//!
//! See [`parse_matrix`].

#[cfg(feature = "csv")]
pub mod csv;
#[cfg(feature = "csv")]
pub mod embedded;
#[cfg(feature = "serde")]
mod json;
mod matrix;
#[cfg(feature = "serde")]
mod write;

use std::fs;
use std::path::Path;

#[cfg(feature = "serde")]
pub use json::{dataset_from_value, parse_dataset, DEFAULT_MIN_POPULATION};
pub use matrix::{parse_matrix, MatrixText};
#[cfg(feature = "serde")]
pub use write::{dataset_json, write_dataset_json};

use crate::error::{Error, Result};
#[cfg(feature = "serde")]
use crate::model::Dataset;

/// The IUC 2017 dataset compiled into the library (`fixtures/iuc-2017.json`), as JSON text;
/// [`embedded_dataset`] parses it.
pub const EMBEDDED_DATASET: &str = include_str!("../../fixtures/iuc-2017.json");

/// The file name used in errors about [`EMBEDDED_DATASET`].
pub const EMBEDDED_NAME: &str = "<embedded iuc-2017.json>";

/// Reads and validates a call-and-cities document from `path`.
///
/// # Errors
/// [`Error::Io`] naming the path when the file cannot be read; otherwise as [`parse_dataset`],
/// with the path as the file name.
#[cfg(feature = "serde")]
pub fn load_dataset(path: &Path) -> Result<Dataset> {
    let text = read(path)?;
    parse_dataset(&text, &path.display().to_string())
}

/// The dataset compiled into the library ([`EMBEDDED_DATASET`]), parsed and validated.
///
/// # Errors
/// As [`parse_dataset`], with the file name [`EMBEDDED_NAME`]; only if the fixture is broken.
#[cfg(feature = "serde")]
pub fn embedded_dataset() -> Result<Dataset> {
    parse_dataset(EMBEDDED_DATASET, EMBEDDED_NAME)
}

/// Reads a call file: a JSON file holding a `call` object, or a document whose only field is
/// `call`; the object is returned for [`csv::read_cities`] or
/// [`embedded::Embedded::with_call`].
///
/// # Errors
/// [`Error::Io`] naming a path that cannot be read; [`Error::Json`] for the call's syntax;
/// [`Error::Invalid`] for a call file that is not an object.
#[cfg(feature = "serde")]
pub fn load_call(call: &Path) -> Result<serde_json::Value> {
    let call_file = call.display().to_string();
    let value = json::parse_json(&read(call)?, &call_file)?;
    match value {
        serde_json::Value::Object(mut map) => match map.remove("call") {
            Some(call) if map.is_empty() => Ok(call),
            Some(call) => {
                map.insert("call".to_owned(), call);
                Ok(serde_json::Value::Object(map))
            }
            None => Ok(serde_json::Value::Object(map)),
        },
        _ => Err(Error::invalid(
            crate::error::Location::Document { field: None },
            format!(
                "{call_file}: the call must be a JSON object (the \"call\" of a \
                 call-and-cities document)"
            ),
        )),
    }
}

/// Reads a call ([`load_call`]) and its cities from a spreadsheet (see
/// [`csv::read_cities`]).
///
/// # Errors
/// As [`load_call`]; [`Error::Io`] naming a cities file that cannot be read; otherwise as
/// [`csv::read_cities`].
#[cfg(feature = "csv")]
pub fn load_call_and_cities(call: &Path, cities: &Path) -> Result<Dataset> {
    let call_object = load_call(call)?;
    csv::read_cities(&call_object, &read(cities)?, &cities.display().to_string())
}

/// Reads a matrix text file; see [`parse_matrix`].
///
/// # Errors
/// [`Error::Io`] naming the path when the file cannot be read (or is not UTF-8); otherwise as
/// [`parse_matrix`], with the path as the file name.
pub fn load_matrix(path: &Path) -> Result<MatrixText> {
    let text = read(path)?;
    parse_matrix(&text, &path.display().to_string())
}

/// The whole file at `path` as text; the error names the path.
fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// At most 40 characters of `s`, for messages.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_owned()
    } else {
        let head: String = s.chars().take(37).collect();
        format!("{head}...")
    }
}
