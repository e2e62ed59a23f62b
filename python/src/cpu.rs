//! `instruction_set()`: the kernel set the solvers run on (`CITYPAIR_ISA` forces one).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// `instruction_set()`: `"portable"`, `"avx2"` or `"avx512"`; raises `ValueError` when
/// `CITYPAIR_ISA` names a set this CPU lacks or an unknown one (the widest is used then).
#[pyfunction]
fn instruction_set() -> PyResult<&'static str> {
    citypair::cpu::check_environment().map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(citypair::cpu::instruction_set())
}

/// Adds `instruction_set` to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(instruction_set, m)?)
}
