//! scipy's error messages for the dense drop-in and the batch.
//!
//! `scipy.optimize.linear_sum_assignment` raises `ValueError("matrix contains invalid numeric
//! entries")` for NaN and for the infinity that cannot be a cost (`-inf` when minimising, `+inf`
//! when maximising, after scipy's negation) and `ValueError("cost matrix is infeasible")` when no
//! complete assignment exists. Other library errors (integer ranges, memory) keep the library's
//! message.

use citypair::Error;
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::PyErr;

/// scipy's message for NaN and the forbidden infinity.
pub(crate) const INVALID: &str = "matrix contains invalid numeric entries";
/// scipy's message for a matrix without a complete assignment.
pub(crate) const INFEASIBLE: &str = "cost matrix is infeasible";

/// The library's error as scipy would raise it, `prefix` (such as `"costs[3]: "`) in front.
pub(crate) fn to_py(e: &Error, prefix: &str) -> PyErr {
    match e {
        Error::Infeasible { .. } => PyValueError::new_err(format!("{prefix}{INFEASIBLE}")),
        Error::NaN { .. } => PyValueError::new_err(format!("{prefix}{INVALID}")),
        Error::OutOfMemory { .. } => PyMemoryError::new_err(format!("{prefix}{e}")),
        _ => PyValueError::new_err(format!("{prefix}{e}")),
    }
}

/// Whether a float matrix holds the infinity scipy rejects: `-inf` when minimising, `+inf`
/// when maximising (NaN the solver reports itself). One pass, branch-free within each chunk
/// (a bitwise or, on purpose, so that it vectorises).
#[allow(clippy::needless_bitwise_bool)]
pub(crate) fn has_bad_infinity<T: Copy + PartialEq>(data: &[T], bad: T) -> bool {
    data.chunks(256)
        .any(|chunk| chunk.iter().fold(false, |seen, &x| seen | (x == bad)))
}
