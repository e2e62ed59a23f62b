//! `citypair._native`: the compiled half of the Python package `citypair`.
//!
//! Each file is one part of the Python surface; the pure-Python modules under
//! `python/citypair/` give them scipy's signatures, docstrings and type hints.
//!
//! | file | Python |
//! |---|---|
//! | `errors.rs` | `InputError`, and the mapping of library errors onto Python exceptions |

mod errors;

use pyo3::prelude::*;

/// The module `citypair._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    Ok(())
}
