//! `min_weight_full_bipartite_matching`, scipy's sparse drop-in, on citypair's sparse solver.
//!
//! The Python half (`citypair/_sparse.py`) applies scipy's conversions (formats, float64, the
//! negation for `maximize`, `+inf` and explicit zeros removed) and hands over canonical CSR
//! arrays; this half builds the library's [`SparseMatrix`] and solves with the GIL released.
//! Infeasibility is found by the solver itself, in polynomial time (no search over subsets:
//! see `solve_sparse`'s complexity), and raised with scipy's message.

use citypair::solver::{solve_sparse, Sense, SparseMatrix};
use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::arrays::{to_numpy, IndexArrays};

/// scipy's message when the smaller side cannot be matched completely.
const NO_FULL_MATCHING: &str = "no full matching exists";

/// `_min_weight_full_bipartite_matching(indptr, indices, data, rows, cols)`: canonical CSR
/// arrays (sorted, no duplicates) of finite weights to minimise. Returns `(row_ind, col_ind)`,
/// rows ascending.
#[pyfunction]
#[pyo3(name = "_min_weight_full_bipartite_matching")]
fn min_weight_full_bipartite_matching<'py>(
    py: Python<'py>,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    data: PyReadonlyArray1<'py, f64>,
    rows: usize,
    cols: usize,
) -> PyResult<IndexArrays<'py>> {
    let indptr = indptr.as_slice()?;
    let indices = indices.as_slice()?;
    let data = data.as_slice()?;
    let pairs = py.detach(|| -> Result<_, String> {
        let offsets = indptr
            .iter()
            .map(|&o| usize::try_from(o).map_err(|_| format!("negative index pointer {o}")))
            .collect::<Result<Vec<usize>, _>>()?;
        let columns = indices
            .iter()
            .map(|&j| u32::try_from(j).map_err(|_| format!("column index {j} out of range")))
            .collect::<Result<Vec<u32>, _>>()?;
        let m = SparseMatrix::new(rows, cols, offsets, columns, data.to_vec())
            .map_err(|e| e.to_string())?;
        let a = solve_sparse(&m, Sense::Minimize).map_err(|e| e.to_string())?;
        if !a.is_complete() {
            return Err(NO_FULL_MATCHING.to_string());
        }
        let (mut r, mut c) = (Vec::with_capacity(a.len()), Vec::with_capacity(a.len()));
        for (i, j) in a.pairs() {
            r.push(i as i64);
            c.push(j as i64);
        }
        Ok((r, c))
    });
    pairs
        .map(|p| to_numpy(py, p))
        .map_err(PyValueError::new_err)
}

/// Adds the sparse drop-in's native half to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(min_weight_full_bipartite_matching, m)?)
}
