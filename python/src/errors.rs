//! Library errors as Python exceptions.
//!
//! Bad input to the pairing engine raises `citypair.InputError`, a `ValueError`, carrying the
//! library's message unchanged (the command line's text without its flag hints). The drop-ins
//! raise what scipy raises (`ValueError` with scipy's message); see each file.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

create_exception!(
    citypair,
    InputError,
    PyValueError,
    "Bad input to citypair (a dataset, a city id, a rule): the library's message, naming what is wrong and where."
);

/// Adds `InputError` to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("InputError", m.py().get_type::<InputError>())
}
