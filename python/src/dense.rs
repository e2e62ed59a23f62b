//! `linear_sum_assignment`, scipy's dense drop-in, on citypair's own solver.
//!
//! The Python half (`citypair/_dense.py`) converts the input exactly as scipy does (to a 2-D
//! float64 array, scipy's checks and messages); this half checks for the infinity scipy rejects
//! and solves with the GIL released.

use citypair::solver::{solve, Assignment, Cost, Sense};
use numpy::Element;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;

use crate::arrays::{indices, slice, to_numpy, Costs, IndexArrays, Pairs};
use crate::scipy_errors::{has_bad_infinity, to_py, INVALID};

/// A cost type the bindings solve in: the solver's [`Cost`] that numpy stores.
pub(crate) trait Entry: Cost + Element + PartialEq {
    /// The value scipy rejects besides NaN: `-inf` when minimising and `+inf` when maximising
    /// for floats; integers have none.
    fn rejected(maximize: bool) -> Option<Self>;

    /// The entries of `costs` when it holds this type.
    fn entries<'a>(costs: &'a Costs<'_>) -> Option<&'a [Self]>;

    /// The entry as a Python number.
    fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>>;

    /// A total as a Python number (an exact int for integer costs).
    fn total_to_python(total: Self::Total, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

/// The entries of `costs` when it holds cost type `C`.
pub(crate) fn view<'a, C: Entry>(costs: &'a Costs<'_>) -> Option<&'a [C]> {
    C::entries(costs)
}

macro_rules! entry {
    ($t:ty, $variant:ident, $rejected:expr) => {
        impl Entry for $t {
            fn rejected(maximize: bool) -> Option<$t> {
                let rejected: fn(bool) -> Option<$t> = $rejected;
                rejected(maximize)
            }
            fn entries<'a>(costs: &'a Costs<'_>) -> Option<&'a [$t]> {
                match costs {
                    Costs::$variant(a) => Some(slice(a)),
                    _ => None,
                }
            }
            fn to_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                self.into_py_any(py)
            }
            fn total_to_python(total: Self::Total, py: Python<'_>) -> PyResult<Py<PyAny>> {
                total.into_py_any(py)
            }
        }
    };
}

entry!(f64, F64, |max| Some(if max {
    f64::INFINITY
} else {
    f64::NEG_INFINITY
}));
entry!(f32, F32, |max| Some(if max {
    f32::INFINITY
} else {
    f32::NEG_INFINITY
}));
entry!(i32, I32, |_| None);
entry!(i64, I64, |_| None);

/// Why a solve gave no assignment.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The infinity scipy rejects (scipy's "invalid numeric entries").
    Invalid,
    /// The library's error.
    Library(citypair::Error),
}

impl Failure {
    /// As scipy would raise it, `prefix` (such as `"costs[3]: "`) in front.
    pub(crate) fn to_py(&self, prefix: &str) -> PyErr {
        match self {
            Failure::Invalid => {
                pyo3::exceptions::PyValueError::new_err(format!("{prefix}{INVALID}"))
            }
            Failure::Library(e) => to_py(e, prefix),
        }
    }
}

/// scipy's check, then citypair's solve: the other infinity is a forbidden pair.
pub(crate) fn solve_checked<C: Entry>(
    data: &[C],
    rows: usize,
    cols: usize,
    maximize: bool,
) -> Result<Assignment<C>, Failure> {
    if let Some(bad) = C::rejected(maximize) {
        if has_bad_infinity(data, bad) {
            return Err(Failure::Invalid);
        }
    }
    let sense = if maximize {
        Sense::Maximize
    } else {
        Sense::Minimize
    };
    solve(data, rows, cols, sense).map_err(Failure::Library)
}

/// Solves one borrowed matrix with the GIL released.
fn solve_one<C: Entry>(
    py: Python<'_>,
    data: &[C],
    (rows, cols): (usize, usize),
    maximize: bool,
    transposed: bool,
) -> PyResult<Pairs> {
    py.detach(|| solve_checked(data, rows, cols, maximize).map(|a| indices(&a, transposed)))
        .map_err(|f| f.to_py(""))
}

/// `_linear_sum_assignment(cost, transposed, maximize)`: `cost` is C-contiguous 2-D (float64
/// from the drop-in; the other cost types are solved in their own type); `transposed` says
/// that it is the transpose of the caller's matrix. Returns `(row_ind, col_ind)`.
#[pyfunction]
#[pyo3(name = "_linear_sum_assignment")]
fn linear_sum_assignment<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    transposed: bool,
    maximize: bool,
) -> PyResult<IndexArrays<'py>> {
    let costs = Costs::borrow(cost)?;
    let shape = costs.shape();
    let pairs = match &costs {
        Costs::F64(a) => solve_one(py, slice(a), shape, maximize, transposed)?,
        Costs::F32(a) => solve_one(py, slice(a), shape, maximize, transposed)?,
        Costs::I32(a) => solve_one(py, slice(a), shape, maximize, transposed)?,
        Costs::I64(a) => solve_one(py, slice(a), shape, maximize, transposed)?,
    };
    Ok(to_numpy(py, pairs))
}

/// Adds the dense drop-in's native half to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(linear_sum_assignment, m)?)
}
