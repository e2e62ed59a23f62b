//! `linear_sum_assignment_batch`: many matrices in one call, solved in parallel by the library's
//! [`solve_batch`] with the GIL released.
//!
//! Each matrix is solved in its own type (float64, float32, int32, int64); the problems of one
//! type go to the library as one batch, and the results come back in input order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use citypair::solver::{solve_batch, Assignment, MatrixView, Sense};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::arrays::{indices, slice, to_numpy, Costs, Pairs};
use crate::dense::{Entry, Failure};
use crate::scipy_errors::has_bad_infinity;

/// The batch's problems of one cost type: their positions in the batch and their matrices.
struct Group<'a, C> {
    at: Vec<usize>,
    views: Vec<MatrixView<'a, C>>,
}

impl<C> Default for Group<'_, C> {
    fn default() -> Self {
        Group {
            at: Vec::new(),
            views: Vec::new(),
        }
    }
}

impl<'a, C: Entry> Group<'a, C> {
    fn push(&mut self, at: usize, data: &'a [C], (rows, cols): (usize, usize)) -> PyResult<()> {
        let view = MatrixView::new(data, rows, cols)
            .map_err(|e| PyValueError::new_err(format!("costs[{at}]: {e}")))?;
        self.at.push(at);
        self.views.push(view);
        Ok(())
    }

    /// Solves the group and writes each result at its position in `out`.
    fn solve_into(
        &self,
        maximize: bool,
        transposed: &[bool],
        out: &mut [Option<Result<Pairs, Failure>>],
    ) {
        let sense = if maximize {
            Sense::Maximize
        } else {
            Sense::Minimize
        };
        // scipy's check comes first, as in the one-by-one drop-in.
        let bad = C::rejected(maximize);
        let invalid: Vec<bool> = self
            .views
            .iter()
            .map(|v| bad.is_some_and(|b| has_bad_infinity(v.data(), b)))
            .collect();
        let solved: Vec<citypair::Result<Assignment<C>>> = solve_batch(&self.views, sense);
        for (k, result) in solved.into_iter().enumerate() {
            let at = self.at[k];
            out[at] = Some(if invalid[k] {
                Err(Failure::Invalid)
            } else {
                result
                    .map(|a| indices(&a, transposed[at]))
                    .map_err(Failure::Library)
            });
        }
    }
}

/// Thread pools of a chosen size, built once per size and kept for the process.
fn pool(threads: usize) -> PyResult<Arc<ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut pools = pools
        .lock()
        .map_err(|_| PyValueError::new_err("the thread-pool cache is poisoned"))?;
    if let Some(p) = pools.get(&threads) {
        return Ok(Arc::clone(p));
    }
    let p = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("citypair-batch-{i}"))
        .build()
        .map_err(|e| PyValueError::new_err(format!("cannot start {threads} threads: {e}")))?;
    let p = Arc::new(p);
    pools.insert(threads, Arc::clone(&p));
    Ok(p)
}

/// `_linear_sum_assignment_batch(costs, transposed, maximize, threads)`: `costs` a sequence of
/// C-contiguous 2-D arrays of the four cost types, `transposed[k]` whether `costs[k]` is the
/// transpose of the caller's matrix. Returns `(rows_list, cols_list)`; the first failing
/// matrix raises, its index in front of scipy's message.
#[pyfunction]
#[pyo3(name = "_linear_sum_assignment_batch", signature = (costs, transposed, maximize, threads=None))]
fn linear_sum_assignment_batch<'py>(
    py: Python<'py>,
    costs: Vec<Bound<'py, PyAny>>,
    transposed: Vec<bool>,
    maximize: bool,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
    if transposed.len() != costs.len() {
        return Err(PyValueError::new_err(
            "one transposed flag per matrix is needed",
        ));
    }
    if threads == Some(0) {
        return Err(PyValueError::new_err(
            "threads must be at least 1, or None for all cores",
        ));
    }
    let borrowed = costs
        .iter()
        .map(Costs::borrow)
        .collect::<PyResult<Vec<_>>>()?;
    let mut f64s = Group::default();
    let mut f32s = Group::default();
    let mut i32s = Group::default();
    let mut i64s = Group::default();
    for (at, c) in borrowed.iter().enumerate() {
        let shape = c.shape();
        match c {
            Costs::F64(a) => f64s.push(at, slice(a), shape)?,
            Costs::F32(a) => f32s.push(at, slice(a), shape)?,
            Costs::I32(a) => i32s.push(at, slice(a), shape)?,
            Costs::I64(a) => i64s.push(at, slice(a), shape)?,
        }
    }
    let pool = threads.map(pool).transpose()?;
    let n = borrowed.len();
    let results = py.detach(|| {
        let mut out: Vec<Option<Result<Pairs, Failure>>> = Vec::new();
        out.resize_with(n, || None);
        let run = |out: &mut Vec<_>| {
            f64s.solve_into(maximize, &transposed, out);
            f32s.solve_into(maximize, &transposed, out);
            i32s.solve_into(maximize, &transposed, out);
            i64s.solve_into(maximize, &transposed, out);
        };
        match &pool {
            Some(p) => p.install(|| run(&mut out)),
            None => run(&mut out),
        }
        out
    });
    let rows = PyList::empty(py);
    let cols = PyList::empty(py);
    for (at, r) in results.into_iter().enumerate() {
        match r {
            Some(Ok(pairs)) => {
                let (r, c) = to_numpy(py, pairs);
                rows.append(r)?;
                cols.append(c)?;
            }
            Some(Err(f)) => return Err(f.to_py(&format!("costs[{at}]: "))),
            None => return Err(PyValueError::new_err(format!("costs[{at}] was not solved"))),
        }
    }
    Ok((rows, cols))
}

/// Adds the batch's native half to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(linear_sum_assignment_batch, m)?)
}
