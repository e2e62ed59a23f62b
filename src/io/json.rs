//! Reading call-and-cities JSON documents: [`parse_dataset`] checks every field by hand (the
//! table is in the [`io`](crate::io) module docs) and reports the first problem with where it
//! is.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::shorten;
use crate::eligibility::is_known_country;
use crate::error::{Error, Location, PairRule, Result};
pub use crate::model::DEFAULT_MIN_POPULATION;
use crate::model::{
    check_id, suggest, Call, City, Country, Dataset, Date, Profile, Quota, Regions, Rules, Theme,
    UniqueIds, Weights,
};

const TOP_FIELDS: [&str; 2] = ["call", "cities"];
const CALL_FIELDS: [&str; 10] = [
    "name",
    "date",
    "min_population",
    "partner_countries",
    "weights",
    "min_score",
    "forbidden",
    "locked",
    "quotas",
    "regions",
];
const QUOTA_FIELDS: [&str; 4] = ["countries", "regions", "min", "max"];
const WEIGHT_FIELDS: [&str; 3] = ["challenges", "expertise", "size"];
const CITY_FIELDS: [&str; 9] = [
    "id",
    "name",
    "country",
    "population",
    "lat",
    "lon",
    "challenges",
    "expertise",
    "capacity",
];

/// Parses and validates a call-and-cities JSON document; `file` names it in errors.
///
/// The fields and their checks are listed in the [module docs](crate::io). This function checks
/// the document's shape (fields, JSON kinds, whole numbers); the values are checked by the
/// model's constructors ([`City::builder`], [`Call::builder`], [`Dataset::new`], ...), the same
/// checks as for a dataset built in code. Cities are kept in input order. An empty `cities`
/// list is accepted.
///
/// # Errors
/// * [`Error::Json`] with `file`, line and column when the text is not JSON;
/// * [`Error::DuplicateCity`] when two cities share an id;
/// * [`Error::Invalid`] naming the city id (or `city #n` when the id itself is bad) or `call`,
///   and the field, for anything else: a missing or unknown field, an unassigned country code,
///   an unknown theme key, a value outside `[0, 1]` or not a number, a negative or non-integer
///   population, an invalid date, coordinates out of range, bad weights, or a malformed
///   programme rule (`min_score`, `forbidden`, `locked`, `quotas`, `regions`; a quota entry is
///   named `call, field "quotas", quota #k`, a pair `call, field "locked", pair #k`).
///
/// # Examples
/// ```
/// let text = r#"{
///   "call": {"name": "IUC 2017", "date": "2017-09-21", "partner_countries": ["br", "AR", "BR"]},
///   "cities": [{"id": "poznan", "name": "Poznań", "country": "PL", "population": 534813,
///               "challenges": {"air_quality": 0.9}}]
/// }"#;
/// let dataset = citypair::io::parse_dataset(text, "call.json")?;
/// assert_eq!(dataset.call().min_population(), 50_000);
/// assert_eq!(dataset.call().partner_countries().len(), 2);
///
/// let typo = text.replace("\"population\"", "\"populaton\"");
/// let err = citypair::io::parse_dataset(&typo, "call.json").unwrap_err();
/// assert!(err.to_string().starts_with(r#"city "poznan", field "populaton": unknown field"#));
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn parse_dataset(text: &str, file: &str) -> Result<Dataset> {
    let value = parse_json(text, file)?;
    dataset_from_value(&value)
}

/// JSON text as a value (a byte-order mark at the start is skipped); `file` names it in errors.
///
/// # Errors
/// [`Error::Json`] with the file, line and column of the first syntax error.
pub(crate) fn parse_json(text: &str, file: &str) -> Result<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| {
        // serde_json ends its message with " at line L column C"; the error states both already.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        Error::Json {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message: message
                .strip_suffix(&suffix)
                .map_or(message.clone(), str::to_owned),
        }
    })
}

/// Validates a call-and-cities document already parsed as JSON (as [`parse_dataset`] does
/// after parsing the text); the spreadsheet reader builds such a document from its rows, so
/// both inputs go through the same checks.
///
/// # Errors
/// As [`parse_dataset`], except JSON syntax.
pub fn dataset_from_value(value: &Value) -> Result<Dataset> {
    let Value::Object(top) = value else {
        return Err(Error::invalid(
            Location::Document { field: None },
            format!(
                "the document must be a JSON object with \"call\" and \"cities\", found {}",
                kind(value)
            ),
        ));
    };
    check_fields(top, Owner::Document, &TOP_FIELDS)?;
    let call = match top.get("call") {
        Some(Value::Object(map)) => parse_call(map)?,
        other => return Err(wrong_kind(Owner::Document, "call", other, "an object")),
    };
    let list = match top.get("cities") {
        Some(Value::Array(list)) => list,
        other => return Err(wrong_kind(Owner::Document, "cities", other, "an array")),
    };
    let mut cities = Vec::with_capacity(list.len());
    let mut seen = UniqueIds::with_capacity(list.len());
    for (index, item) in list.iter().enumerate() {
        let position = index + 1;
        let Value::Object(map) = item else {
            return Err(Error::invalid(
                Location::CityAt {
                    position,
                    field: None,
                },
                format!("each city must be a JSON object, found {}", kind(item)),
            ));
        };
        // Duplicates first: later errors name the city by its id, which must be unambiguous.
        if let Some(id) = map.get("id").and_then(Value::as_str) {
            seen.insert(id, position)?;
        }
        cities.push(parse_city(map, position)?);
    }
    Dataset::new(call, cities)
}

/// Who owns a field, for error locations.
#[derive(Clone, Copy)]
enum Owner<'a> {
    Document,
    Call,
    /// A city by id.
    City(&'a str),
    /// A city by 1-based position (before its id is known to be valid).
    CityAt(usize),
    /// An entry of `call.quotas` by 1-based position.
    Quota(usize),
}

impl Owner<'_> {
    fn field(self, name: &str) -> Location {
        let field = name.to_owned();
        match self {
            Owner::Document => Location::Document { field: Some(field) },
            Owner::Call => Location::Call { field },
            Owner::City(id) => Location::city(id, field),
            Owner::CityAt(position) => Location::CityAt {
                position,
                field: Some(field),
            },
            Owner::Quota(position) => Location::Quota {
                position,
                field: Some(field),
            },
        }
    }
}

/// `e` with its location replaced by `to` when it is an [`Error::Invalid`] of a model
/// constructor (which names the value as it sees it: `weights`, `date`, ...), so that the
/// error names the field of the document.
fn relocate(e: Error, to: Location) -> Error {
    match e {
        Error::Invalid { message, .. } => Error::invalid(to, message),
        other => other,
    }
}

/// JSON kind of a value, for messages: "a string", "null", ...
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The error for a required field that is missing or of the wrong JSON kind.
fn wrong_kind(owner: Owner<'_>, field: &str, value: Option<&Value>, expected: &str) -> Error {
    match value {
        None => Error::invalid(owner.field(field), "this required field is missing"),
        Some(v) => Error::invalid(
            owner.field(field),
            format!("must be {expected}, found {}", kind(v)),
        ),
    }
}

/// Rejects fields not in `known`.
fn check_fields(map: &Map<String, Value>, owner: Owner<'_>, known: &[&str]) -> Result<()> {
    for key in map.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        let hint = match suggest(key, known) {
            Some(s) => format!(" (did you mean {s:?}?)"),
            None => String::new(),
        };
        return Err(Error::invalid(
            owner.field(key),
            format!("unknown field{hint}; known fields are {}", known.join(", ")),
        ));
    }
    Ok(())
}

/// A field that is absent or `null`.
fn optional<'v>(map: &'v Map<String, Value>, field: &str) -> Option<&'v Value> {
    map.get(field).filter(|v| !v.is_null())
}

fn required_str<'v>(map: &'v Map<String, Value>, owner: Owner<'_>, field: &str) -> Result<&'v str> {
    match map.get(field) {
        Some(Value::String(s)) => Ok(s),
        other => Err(wrong_kind(owner, field, other, "a string")),
    }
}

/// A whole number ≥ 0 (integers, or floats with no fractional part up to 2^53).
fn whole_number(value: &Value, owner: Owner<'_>, field: &str) -> Result<u64> {
    let err = |message: String| Err(Error::invalid(owner.field(field), message));
    let Value::Number(n) = value else {
        return err(format!("must be a whole number, found {}", kind(value)));
    };
    if let Some(u) = n.as_u64() {
        return Ok(u);
    }
    if let Some(i) = n.as_i64() {
        return err(format!("{field} {i} is negative"));
    }
    match n.as_f64() {
        Some(f) if f < 0.0 => err(format!("{field} {f} is negative")),
        Some(f) if f.fract() == 0.0 && f <= 9_007_199_254_740_992.0 => Ok(f as u64),
        Some(f) if f.fract() == 0.0 => err(format!("{field} {f} is too large")),
        _ => err(format!("{field} {n} is not a whole number")),
    }
}

/// A finite number (any JSON number).
fn number(value: &Value, owner: Owner<'_>, field: &str) -> Result<f64> {
    value.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
        Error::invalid(
            owner.field(field),
            format!("must be a number, found {}", kind(value)),
        )
    })
}

fn country(value: &Value, owner: Owner<'_>, field: &str) -> Result<Country> {
    country_code(value).map_err(|message| Error::invalid(owner.field(field), message))
}

/// An assigned country code from a JSON string (either case); the error message names the value.
fn country_code(value: &Value) -> std::result::Result<Country, String> {
    let Value::String(text) = value else {
        return Err(format!(
            "a country must be an ISO 3166-1 alpha-2 code as a string, found {}",
            kind(value)
        ));
    };
    let code: Country = text.parse()?;
    if is_known_country(code) {
        Ok(code)
    } else {
        let hint = match code.as_str() {
            "UK" => " (the United Kingdom is \"GB\")",
            "EL" => " (Greece is \"GR\")",
            _ => "",
        };
        Err(format!(
            "{text:?} is not an assigned ISO 3166-1 alpha-2 country code{hint}"
        ))
    }
}

fn parse_call(map: &Map<String, Value>) -> Result<Call> {
    let owner = Owner::Call;
    check_fields(map, owner, &CALL_FIELDS)?;
    let name = required_str(map, owner, "name")?.to_owned();
    let date_text = required_str(map, owner, "date")?;
    let date: Date = date_text
        .parse()
        .map_err(|e| relocate(e, owner.field("date")))?;
    let min_population = match optional(map, "min_population") {
        Some(v) => whole_number(v, owner, "min_population")?,
        None => DEFAULT_MIN_POPULATION,
    };
    let partner_countries = match map.get("partner_countries") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| country(v, owner, "partner_countries"))
            .collect::<Result<Vec<_>>>()?,
        other => return Err(wrong_kind(owner, "partner_countries", other, "an array")),
    };
    let weights = match optional(map, "weights") {
        Some(Value::Object(w)) => parse_weights(w)?,
        Some(other) => {
            return Err(Error::invalid(
                owner.field("weights"),
                format!("must be an object, found {}", kind(other)),
            ))
        }
        None => Weights::default(),
    };
    let min_score = optional(map, "min_score")
        .map(|v| {
            v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                Error::invalid(
                    owner.field("min_score"),
                    format!("must be a number in [0, 1], found {}", kind(v)),
                )
            })
        })
        .transpose()?;
    let forbidden = parse_pairs(map, PairRule::Forbidden)?;
    let locked = parse_pairs(map, PairRule::Locked)?;
    // The quotas' region names are checked against these regions when the call is built.
    let mut regions = Regions::iuc();
    match optional(map, "regions") {
        Some(Value::Object(m)) => parse_regions(m, &mut regions)?,
        Some(other) => {
            return Err(Error::invalid(
                owner.field("regions"),
                format!(
                    "must be an object from region names to lists of country codes, found {}",
                    kind(other)
                ),
            ))
        }
        None => {}
    }
    let quotas = match optional(map, "quotas") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(index, item)| parse_quota(item, index + 1))
            .collect::<Result<Vec<_>>>()?,
        Some(other) => {
            return Err(Error::invalid(
                owner.field("quotas"),
                format!("must be an array of quota objects, found {}", kind(other)),
            ))
        }
        None => Vec::new(),
    };
    Call::builder(name, date)
        .min_population(min_population)
        .partner_countries(partner_countries)
        .weights(weights)
        .rules(Rules {
            min_score,
            forbidden,
            locked,
            quotas,
        })
        .regions(regions)
        .build()
}

/// `call.forbidden` or `call.locked`: a list of `["EU id", "partner id"]` pairs, in input order.
fn parse_pairs(map: &Map<String, Value>, rule: PairRule) -> Result<Vec<(String, String)>> {
    let field = rule.field();
    let list = match optional(map, field) {
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(Error::invalid(
                Owner::Call.field(field),
                format!(
                    "must be an array of pairs [\"EU id\", \"partner id\"], found {}",
                    kind(other)
                ),
            ))
        }
        None => return Ok(Vec::new()),
    };
    let mut pairs = Vec::with_capacity(list.len());
    for (index, item) in list.iter().enumerate() {
        let location = || Location::RulePair {
            rule,
            position: index + 1,
        };
        let id = |v: &Value| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        };
        let (eu, partner) = match item.as_array().map(Vec::as_slice) {
            Some([a, b]) => match (id(a), id(b)) {
                (Some(a), Some(b)) => (a, b),
                _ => return Err(bad_pair(location(), item)),
            },
            _ => return Err(bad_pair(location(), item)),
        };
        pairs.push((eu, partner));
    }
    Ok(pairs)
}

fn bad_pair(location: Location, item: &Value) -> Error {
    Error::invalid(
        location,
        format!(
            "must be two city ids [\"EU id\", \"partner id\"], found {}",
            shorten(&item.to_string())
        ),
    )
}

/// `call.regions`: each entry replaces (or adds) a region of `regions`, in key order.
fn parse_regions(map: &Map<String, Value>, regions: &mut Regions) -> Result<()> {
    let field = Owner::Call.field("regions");
    // Which region of this override lists each country, to reject a country listed twice.
    let mut listed: HashMap<Country, &str> = HashMap::new();
    for (name, value) in map {
        if name.trim().is_empty() {
            return Err(Error::invalid(field, "a region name must not be empty"));
        }
        let location = || Location::Region { name: name.clone() };
        if name == Regions::OTHER {
            return Err(Error::invalid(
                location(),
                format!(
                    "the name {:?} is reserved for countries outside every region",
                    Regions::OTHER
                ),
            ));
        }
        let Value::Array(list) = value else {
            return Err(Error::invalid(
                location(),
                format!("must be an array of country codes, found {}", kind(value)),
            ));
        };
        let mut countries = Vec::with_capacity(list.len());
        for v in list {
            let code = country_code(v).map_err(|m| Error::invalid(location(), m))?;
            match listed.get(&code) {
                Some(&other) if other != name.as_str() => {
                    return Err(Error::invalid(
                        location(),
                        format!(
                            "{code} is also listed in region {other:?}; a country belongs to \
                             one region"
                        ),
                    ))
                }
                _ => {
                    listed.insert(code, name);
                }
            }
            countries.push(code);
        }
        regions.set(name, countries);
    }
    Ok(())
}

/// `call, field "quotas", quota #n`.
fn quota_location(position: usize) -> Location {
    Location::Quota {
        position,
        field: None,
    }
}

/// Entry `position` (1-based) of `call.quotas` (its region names are checked when the call is
/// built, against the call's regions).
fn parse_quota(item: &Value, position: usize) -> Result<Quota> {
    let owner = Owner::Quota(position);
    let Value::Object(map) = item else {
        return Err(Error::invalid(
            quota_location(position),
            format!(
                "each quota must be an object with \"countries\" and/or \"regions\" and \
                 \"min\" and/or \"max\", found {}",
                kind(item)
            ),
        ));
    };
    check_fields(map, owner, &QUOTA_FIELDS)?;
    let countries = match optional(map, "countries") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| country(v, owner, "countries"))
            .collect::<Result<Vec<_>>>()?,
        Some(other) => return Err(wrong_kind(owner, "countries", Some(other), "an array")),
        None => Vec::new(),
    };
    let mut names: Vec<String> = Vec::new();
    match optional(map, "regions") {
        Some(Value::Array(list)) => {
            for v in list {
                let Value::String(name) = v else {
                    return Err(Error::invalid(
                        owner.field("regions"),
                        format!("a region must be given by its name, found {}", kind(v)),
                    ));
                };
                names.push(name.clone());
            }
        }
        Some(other) => return Err(wrong_kind(owner, "regions", Some(other), "an array")),
        None => {}
    }
    let bound = |field: &str| -> Result<Option<usize>> {
        optional(map, field)
            .map(|v| {
                let n = whole_number(v, owner, field)?;
                usize::try_from(n).map_err(|_| {
                    Error::invalid(owner.field(field), format!("{field} {n} is too large"))
                })
            })
            .transpose()
    };
    let min = bound("min")?;
    let max = bound("max")?;
    if min.is_none() && max.is_none() {
        return Err(Error::invalid(
            quota_location(position),
            "a quota needs \"min\", \"max\" or both",
        ));
    }
    Ok(Quota {
        countries,
        regions: names,
        min: min.unwrap_or(0),
        max,
    })
}

fn parse_weights(map: &Map<String, Value>) -> Result<Weights> {
    let location = Owner::Call.field("weights");
    if let Some(key) = map.keys().find(|k| !WEIGHT_FIELDS.contains(&k.as_str())) {
        let hint = match suggest(key, &WEIGHT_FIELDS) {
            Some(s) => format!(" (did you mean {s:?}?)"),
            None => String::new(),
        };
        return Err(Error::invalid(
            location,
            format!(
                "unknown weight {key:?}{hint}; known weights are {}",
                WEIGHT_FIELDS.join(", ")
            ),
        ));
    }
    let default = Weights::default();
    let mut values = [default.challenges(), default.expertise(), default.size()];
    for (name, slot) in WEIGHT_FIELDS.iter().zip(&mut values) {
        if let Some(v) = optional(map, name) {
            *slot = v.as_f64().ok_or_else(|| {
                Error::invalid(
                    location.clone(),
                    format!("weight {name:?} must be a number, found {}", kind(v)),
                )
            })?;
        }
    }
    let [challenges, expertise, size] = values;
    Weights::new(challenges, expertise, size).map_err(|e| relocate(e, location))
}

fn parse_city(map: &Map<String, Value>, position: usize) -> Result<City> {
    let at = Owner::CityAt(position);
    let id = match map.get("id") {
        Some(Value::String(s)) => {
            check_id(s).map_err(|m| Error::invalid(at.field("id"), m))?;
            s.as_str()
        }
        other => return Err(wrong_kind(at, "id", other, "a string")),
    };
    let owner = Owner::City(id);
    check_fields(map, owner, &CITY_FIELDS)?;
    let name = required_str(map, owner, "name")?.to_owned();
    let country = match map.get("country") {
        Some(v) => country(v, owner, "country")?,
        None => return Err(wrong_kind(owner, "country", None, "a string")),
    };
    let population = match optional(map, "population") {
        Some(v) => whole_number(v, owner, "population")?,
        None => {
            return Err(Error::invalid(
                owner.field("population"),
                "this required field is missing (the number of inhabitants)",
            ))
        }
    };
    let coordinate = |field: &str| -> Result<Option<f64>> {
        optional(map, field)
            .map(|v| number(v, owner, field))
            .transpose()
    };
    let lat = coordinate("lat")?;
    let lon = coordinate("lon")?;
    let challenges = match map.get("challenges") {
        Some(Value::Object(m)) => profile(m, owner, "challenges")?,
        other => return Err(wrong_kind(owner, "challenges", other, "an object")),
    };
    let expertise = match optional(map, "expertise") {
        Some(Value::Object(m)) => profile(m, owner, "expertise")?,
        Some(other) => return Err(wrong_kind(owner, "expertise", Some(other), "an object")),
        None => Profile::default(),
    };
    let capacity = match optional(map, "capacity") {
        Some(v) => {
            let k = whole_number(v, owner, "capacity")?;
            u32::try_from(k).map_err(|_| {
                Error::invalid(
                    owner.field("capacity"),
                    format!("capacity {k} is too large"),
                )
            })?
        }
        None => 1,
    };
    let mut city = City::builder(id, name, country, population)
        .challenges(challenges)
        .expertise(expertise)
        .capacity(capacity);
    if let Some(x) = lat {
        city = city.lat(x);
    }
    if let Some(x) = lon {
        city = city.lon(x);
    }
    city.build()
}

/// A theme profile from a JSON object of theme keys to numbers in `[0, 1]`.
fn profile(map: &Map<String, Value>, owner: Owner<'_>, field: &str) -> Result<Profile> {
    let mut values = [0.0; Theme::COUNT];
    for (key, value) in map {
        let Some(theme) = Theme::from_key(key) else {
            let keys: Vec<&str> = Theme::ALL.iter().map(|t| t.key()).collect();
            let hint = match suggest(key, &keys) {
                Some(s) => format!(" (did you mean {s:?}?)"),
                None => String::new(),
            };
            return Err(Error::invalid(
                owner.field(field),
                format!(
                    "unknown theme key {key:?} in {field}{hint}; known keys are {}",
                    keys.join(", ")
                ),
            ));
        };
        let v = value.as_f64().ok_or_else(|| {
            Error::invalid(
                owner.field(field),
                format!(
                    "theme {key:?}: value must be a number in [0, 1], found {}",
                    kind(value)
                ),
            )
        })?;
        values[theme.index()] = v;
    }
    // The values are checked by `Profile::new`; its error names the theme.
    Profile::new(values).map_err(|e| match e {
        Error::Invalid { location, message } => {
            Error::invalid(owner.field(field), format!("{location}: {message}"))
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city_json(extra: &str) -> String {
        format!(
            r#"{{"call": {{"name": "t", "date": "2017-09-21", "partner_countries": ["BR"]}},
                "cities": [{{"id": "poznan", "name": "P", "country": "PL", "population": 534813,
                             "challenges": {{"air_quality": 0.9}}{extra}}}]}}"#
        )
    }

    #[test]
    fn edit_distance_and_suggestions() {
        use crate::model::edit_distance;
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(suggest("popluation", &CITY_FIELDS), Some("population"));
        assert_eq!(
            suggest("air_qualty", &["air_quality", "housing"]),
            Some("air_quality")
        );
        assert_eq!(suggest("zzzz", &CITY_FIELDS), None);
    }

    #[test]
    fn optional_fields_and_nulls() {
        let d = parse_dataset(
            &city_json(r#", "lat": null, "expertise": null, "capacity": 3, "lon": 16.9"#),
            "t",
        )
        .unwrap();
        let c = &d.cities()[0];
        assert_eq!((c.lat(), c.lon(), c.capacity()), (None, Some(16.9), 3));
        assert_eq!(*c.expertise(), Profile::default());
        assert_eq!(d.call().weights(), Weights::default());
    }

    #[test]
    fn population_forms() {
        let p = |v: &str| {
            parse_dataset(&city_json("").replace("534813", v), "t")
                .map(|d| d.cities()[0].population())
        };
        assert_eq!(p("5.0e5").unwrap(), 500_000);
        assert_eq!(p("0").unwrap(), 0);
        assert!(p("-3")
            .unwrap_err()
            .to_string()
            .contains("population -3 is negative"));
        assert!(p("2.5")
            .unwrap_err()
            .to_string()
            .contains("not a whole number"));
        assert!(p("\"9\"")
            .unwrap_err()
            .to_string()
            .contains("found a string"));
        assert!(p("null").unwrap_err().to_string().contains("missing"));
        assert!(p("1e300").unwrap_err().to_string().contains("too large"));
    }

    #[test]
    fn capacity_and_coordinates() {
        let e = |extra: &str| {
            parse_dataset(&city_json(extra), "t")
                .unwrap_err()
                .to_string()
        };
        assert!(e(r#", "capacity": 0"#).contains("at least 1"));
        assert!(e(r#", "capacity": 1.5"#).contains("not a whole number"));
        assert!(e(r#", "capacity": 5000000000"#).contains("too large"));
        assert!(e(r#", "lat": 91"#).contains("field \"lat\""));
        assert!(e(r#", "lon": -180.5"#).contains("outside [-180, 180]"));
        assert!(e(r#", "lon": "east""#).contains("must be a number"));
    }

    #[test]
    fn country_hints() {
        let e = parse_dataset(&city_json("").replace("\"PL\"", "\"UK\""), "t").unwrap_err();
        assert!(e.to_string().contains("\"GB\""), "{e}");
        let e = parse_dataset(&city_json("").replace("\"PL\"", "\"POL\""), "t").unwrap_err();
        assert!(
            e.to_string().contains("city \"poznan\", field \"country\""),
            "{e}"
        );
    }

    #[test]
    fn weights_partial_and_bad() {
        let with = |w: &str| {
            parse_dataset(
                &city_json("").replace(
                    "\"partner_countries\"",
                    &format!("\"weights\": {w}, \"partner_countries\""),
                ),
                "t",
            )
        };
        let d = with(r#"{"size": 0.5}"#).unwrap();
        assert_eq!(d.call().weights().size(), 0.5);
        assert_eq!(d.call().weights().challenges(), 0.6);
        for bad in [
            r#"{"size": -1}"#,
            r#"{"challenges": 0, "expertise": 0, "size": 0}"#,
            r#"{"sise": 1}"#,
            r#"{"size": "big"}"#,
            "[1, 2, 3]",
        ] {
            let e = with(bad).unwrap_err().to_string();
            assert!(e.starts_with("call, field \"weights\""), "{bad}: {e}");
        }
    }
}
