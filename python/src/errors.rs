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

/// A library error as `citypair.InputError`, carrying the library's message.
pub(crate) fn input_error(e: &citypair::Error) -> PyErr {
    InputError::new_err(e.to_string())
}

/// A library error about the dataset read from `file` as `citypair.InputError`: the library's
/// message, with `file` in front where the message is about the content and does not name it
/// (as the command line prints it).
pub(crate) fn input_error_in(e: &citypair::Error, file: &str) -> PyErr {
    if e.is_about_content() {
        InputError::new_err(format!("{file}: {e}"))
    } else {
        input_error(e)
    }
}
