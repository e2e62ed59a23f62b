//! Writing a dataset as a call-and-cities JSON document ([`dataset_json`]), the inverse of
//! [`parse_dataset`](super::parse_dataset); `citypair generate` prints its output.

use serde_json::Value;

use crate::model::{Call, City, Country, Dataset, Profile, Regions};

/// A dataset as a call-and-cities JSON document that [`parse_dataset`](super::parse_dataset)
/// reads back to an equal dataset: optional fields at their defaults are left out, profiles
/// list their non-zero themes, and the regions are written only when they differ from IUC's.
///
/// ```
/// use citypair::{io, synthetic};
/// let call = synthetic::call(30, 20, 7);
/// let text = io::dataset_json(&call).to_string();
/// assert_eq!(io::parse_dataset(&text, "generated")?, call);
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn dataset_json(dataset: &Dataset) -> Value {
    let cities: Vec<Value> = dataset.cities().iter().map(city_json).collect();
    serde_json::json!({ "call": call_json(dataset.call()), "cities": cities })
}

/// Writes the document of [`dataset_json`] for `call` and `cities` to `out`, city by city, so
/// that nothing but one city is held in memory (`citypair generate` streams calls of any size
/// this way): the same bytes as `dataset_json(..).to_string()`.
///
/// ```
/// use citypair::{io, synthetic};
/// let call = synthetic::call(30, 20, 7);
/// let mut out = Vec::new();
/// io::write_dataset_json(call.call(), call.cities().iter().cloned(), &mut out)?;
/// assert_eq!(out, io::dataset_json(&call).to_string().into_bytes());
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
/// The first error of `out`.
pub fn write_dataset_json<W: std::io::Write>(
    call: &Call,
    cities: impl IntoIterator<Item = City>,
    mut out: W,
) -> std::io::Result<()> {
    // `Value` objects order their keys: "call" comes before "cities".
    out.write_all(b"{\"call\":")?;
    serde_json::to_writer(&mut out, &call_json(call))?;
    out.write_all(b",\"cities\":[")?;
    for (k, city) in cities.into_iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut out, &city_json(&city))?;
    }
    out.write_all(b"]}")
}

/// The profile of a city as JSON: its non-zero themes.
fn profile_json(p: &Profile) -> Value {
    Value::Object(
        p.nonzero()
            .map(|(t, x)| (t.key().to_owned(), serde_json::json!(x)))
            .collect(),
    )
}

/// One city as JSON (see [`dataset_json`]).
fn city_json(city: &City) -> Value {
    use serde_json::json;
    let mut o = json!({
        "id": city.id(),
        "name": city.name(),
        "country": city.country().as_str(),
        "population": city.population(),
        "challenges": profile_json(city.challenges()),
    });
    if let Some(x) = city.lat() {
        o["lat"] = json!(x);
    }
    if let Some(x) = city.lon() {
        o["lon"] = json!(x);
    }
    if city.expertise().nonzero().next().is_some() {
        o["expertise"] = profile_json(city.expertise());
    }
    if city.capacity() != 1 {
        o["capacity"] = json!(city.capacity());
    }
    o
}

/// The call as JSON (see [`dataset_json`]).
fn call_json(c: &Call) -> Value {
    use serde_json::json;
    let pairs =
        |list: &[(String, String)]| -> Value { list.iter().map(|(a, b)| json!([a, b])).collect() };
    let mut call = json!({
        "name": c.name(),
        "date": c.date().to_string(),
        "min_population": c.min_population(),
        "partner_countries": c.partner_countries().iter().map(Country::as_str).collect::<Vec<_>>(),
        "weights": {
            "challenges": c.weights().challenges(),
            "expertise": c.weights().expertise(),
            "size": c.weights().size(),
        },
    });
    let r = &c.rules();
    if let Some(m) = r.min_score {
        call["min_score"] = json!(m);
    }
    if !r.forbidden.is_empty() {
        call["forbidden"] = pairs(&r.forbidden);
    }
    if !r.locked.is_empty() {
        call["locked"] = pairs(&r.locked);
    }
    if !r.quotas.is_empty() {
        call["quotas"] = r
            .quotas
            .iter()
            .map(|q| {
                let mut o = json!({
                    "countries": q.countries.iter().map(Country::as_str).collect::<Vec<_>>(),
                    "regions": q.regions,
                    "min": q.min,
                });
                if let Some(m) = q.max {
                    o["max"] = json!(m);
                }
                o
            })
            .collect();
    }
    if *c.regions() != Regions::default() {
        call["regions"] = Value::Object(
            c.regions()
                .names()
                .map(|n| {
                    let list = c.regions().countries(n).unwrap_or(&[]);
                    (
                        n.to_owned(),
                        json!(list.iter().map(Country::as_str).collect::<Vec<_>>()),
                    )
                })
                .collect(),
        );
    }
    call
}
