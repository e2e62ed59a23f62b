//! The pairing engine: `pair`, `scores`, `explain`, `embedded`.
//!
//! The Python half (`citypair/_pairing.py`) turns the `dataset` argument (None or the name of
//! an embedded dataset, a dict, a JSON string, a path) into JSON text and its file name (no
//! text and the name for an embedded dataset); this half parses it with the library's own
//! reader and returns each document as the JSON text the command line prints (the same
//! `Serialize` implementations), so `PairResult.to_dict()` is exactly `citypair pair --json`.

use citypair::io::embedded::Embedded;
use citypair::io::{dataset_json, parse_dataset};
use citypair::{Dataset, Objective, Pairing};
use numpy::{PyArray2, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::{input_error, input_error_in};

/// The dataset of `text`, `file` naming it in errors; without text, the embedded dataset
/// named `file` (`iuc-2017`, `world-50k`).
fn dataset(text: Option<&str>, file: &str) -> PyResult<Dataset> {
    match text {
        None => file.parse::<Embedded>().and_then(Embedded::dataset),
        Some(t) => parse_dataset(t, file),
    }
    .map_err(|e| fail(&e, text, file))
}

/// An error about the dataset: named by its file as the command line names it (the embedded
/// call, read without a file, is not named).
fn fail(e: &citypair::Error, text: Option<&str>, file: &str) -> PyErr {
    match text {
        Some(_) => input_error_in(e, file),
        None => input_error(e),
    }
}

/// The pairing of a dataset, as `Pairing::builder` makes it (`candidates`: force candidate
/// mode with `K` per city).
fn pairing<'d>(
    d: &'d Dataset,
    candidates: Option<usize>,
    text: Option<&str>,
    file: &str,
) -> PyResult<Pairing<'d>> {
    let b = Pairing::builder(d);
    let b = match candidates {
        Some(k) => b.candidates(k),
        None => b,
    };
    b.build().map_err(|e| fail(&e, text, file))
}

fn json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `_pair(text, file, objective, candidates)`: the JSON document of `citypair pair --json`.
#[pyfunction]
#[pyo3(name = "_pair", signature = (text, file, objective, candidates=None))]
fn pair(
    py: Python<'_>,
    text: Option<&str>,
    file: &str,
    objective: &str,
    candidates: Option<usize>,
) -> PyResult<String> {
    let objective: Objective = objective.parse().map_err(|_| {
        PyValueError::new_err(format!(
            "objective must be \"sum\", \"maxmin\" or \"stable\", got {objective:?}"
        ))
    })?;
    let text = text.map(str::to_owned);
    let file = file.to_owned();
    py.detach(move || {
        let d = dataset(text.as_deref(), &file)?;
        let p = pairing(&d, candidates, text.as_deref(), &file)?;
        let solution = p
            .solve(objective)
            .map_err(|e| fail(&e, text.as_deref(), &file))?;
        json(&solution)
    })
}

/// `_scores(text, file)`: `(eu_ids, partner_ids, matrix)`, the dense score matrix of the
/// eligible cities (as `citypair scores --json`).
#[pyfunction]
#[pyo3(name = "_scores")]
#[allow(clippy::type_complexity)]
fn scores<'py>(
    py: Python<'py>,
    text: Option<&str>,
    file: &str,
) -> PyResult<(Vec<String>, Vec<String>, Bound<'py, PyArray2<f64>>)> {
    let text = text.map(str::to_owned);
    let file = file.to_owned();
    let (eu, partners, flat) = py.detach(move || -> PyResult<_> {
        let d = dataset(text.as_deref(), &file)?;
        let p = Pairing::builder(&d)
            .dense()
            .build()
            .map_err(|e| fail(&e, text.as_deref(), &file))?;
        let m = p.matrix().map_err(|e| input_error(&e))?;
        let eu: Vec<String> = p.eu_cities().map(|c| c.id().to_owned()).collect();
        let partners: Vec<String> = p.partner_cities().map(|c| c.id().to_owned()).collect();
        let flat: Vec<f64> = m.iter_rows().flatten().copied().collect();
        Ok((eu, partners, flat))
    })?;
    let (r, c) = (eu.len(), partners.len());
    let array = numpy::PyArray1::from_vec(py, flat).reshape([r, c])?;
    Ok((eu, partners, array))
}

/// `_explain(text, file, eu, partner)`: the JSON document of `citypair scores --explain EU
/// PARTNER --json`.
#[pyfunction]
#[pyo3(name = "_explain")]
fn explain(
    py: Python<'_>,
    text: Option<&str>,
    file: &str,
    eu: &str,
    partner: &str,
) -> PyResult<String> {
    let text = text.map(str::to_owned);
    let (file, eu, partner) = (file.to_owned(), eu.to_owned(), partner.to_owned());
    py.detach(move || {
        let d = dataset(text.as_deref(), &file)?;
        let p = pairing(&d, None, text.as_deref(), &file)?;
        let e = p
            .explain(&eu, &partner)
            .map_err(|e| fail(&e, text.as_deref(), &file))?;
        json(&e)
    })
}

/// `_embedded(name)`: the JSON text of an embedded dataset (`iuc-2017` as compiled in;
/// `world-50k` as the call-and-cities document of its cities and the IUC 2017 call).
#[pyfunction]
#[pyo3(name = "_embedded")]
fn embedded(py: Python<'_>, name: &str) -> PyResult<String> {
    let which: Embedded = name.parse().map_err(|e| input_error(&e))?;
    match which {
        Embedded::Iuc2017 => Ok(which.text().to_owned()),
        _ => py.detach(|| {
            let d = which.dataset().map_err(|e| input_error(&e))?;
            json(&dataset_json(&d))
        }),
    }
}

/// `_embedded_names()`: the names of the embedded datasets, the default first.
#[pyfunction]
#[pyo3(name = "_embedded_names")]
fn embedded_names() -> Vec<&'static str> {
    Embedded::ALL.map(Embedded::name).to_vec()
}

/// `_generate(eu, partners, seed)`: the JSON text of a seeded synthetic call, byte for byte
/// what `citypair generate --eu EU --partners PARTNERS --seed SEED` prints.
#[pyfunction]
#[pyo3(name = "_generate")]
fn generate(py: Python<'_>, eu: usize, partners: usize, seed: u64) -> PyResult<String> {
    py.detach(|| {
        let (call, cities) = citypair::synthetic::stream(eu, partners, seed);
        let mut out = Vec::new();
        citypair::io::write_dataset_json(&call, cities, &mut out)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        out.push(b'\n');
        String::from_utf8(out).map_err(|e| PyValueError::new_err(e.to_string()))
    })
}

/// Adds the pairing engine's native half to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(pair, m)?)?;
    m.add_function(wrap_pyfunction!(scores, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(embedded, m)?)?;
    m.add_function(wrap_pyfunction!(embedded_names, m)?)?;
    m.add_function(wrap_pyfunction!(generate, m)?)
}
