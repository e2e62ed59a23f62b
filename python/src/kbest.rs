//! `k_best`: the k best assignments of a matrix, best first (the library's `solver::k_best`).

use citypair::solver::{k_best, Sense};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::arrays::{slice, to_numpy, Costs};
use crate::dense::{Entry, Failure};
use crate::scipy_errors::has_bad_infinity;

/// One ranked assignment: its rows, their columns, its total as a Python number.
type RankedPairs = (Vec<i64>, Vec<i64>, Py<PyAny>);

/// The ranking of one cost type, with the GIL released: `(rows, cols, total)` per rank.
fn ranked<C: Entry>(
    py: Python<'_>,
    data: &[C],
    (rows, cols): (usize, usize),
    k: usize,
    maximize: bool,
) -> PyResult<Vec<RankedPairs>> {
    let sense = if maximize {
        Sense::Maximize
    } else {
        Sense::Minimize
    };
    let list = py
        .detach(|| {
            if let Some(bad) = C::rejected(maximize) {
                if has_bad_infinity(data, bad) {
                    return Err(Failure::Invalid);
                }
            }
            k_best(data, rows, cols, k, sense).map_err(Failure::Library)
        })
        .map_err(|f| f.to_py(""))?;
    list.into_iter()
        .map(|r| {
            let (rs, cs): (Vec<i64>, Vec<i64>) =
                r.pairs.iter().map(|&(i, j)| (i as i64, j as i64)).unzip();
            Ok((rs, cs, C::total_to_python(r.total, py)?))
        })
        .collect()
}

/// `_k_best(cost, k, maximize)`: `cost` C-contiguous 2-D of a cost type. Returns a list of
/// `(row_ind, col_ind, total)`, best first.
#[pyfunction]
#[pyo3(name = "_k_best")]
fn k_best_py<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    k: usize,
    maximize: bool,
) -> PyResult<Bound<'py, PyList>> {
    let costs = Costs::borrow(cost)?;
    let shape = costs.shape();
    let list = match &costs {
        Costs::F64(a) => ranked(py, slice(a), shape, k, maximize)?,
        Costs::F32(a) => ranked(py, slice(a), shape, k, maximize)?,
        Costs::I32(a) => ranked(py, slice(a), shape, k, maximize)?,
        Costs::I64(a) => ranked(py, slice(a), shape, k, maximize)?,
    };
    let out = PyList::empty(py);
    for (rows, cols, total) in list {
        let (r, c) = to_numpy(py, (rows, cols));
        out.append((r, c, total))?;
    }
    Ok(out)
}

/// Adds `_k_best` to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(k_best_py, m)?)
}
