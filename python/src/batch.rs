//! `linear_sum_assignment_batch`: many matrices in one call, solved in parallel by the library's
//! [`solve_batch`] with the GIL released.
//!
//! Each matrix is solved in its own type (float64, float32, int32, int64); the problems of one
//! type go to the library as one batch, and the results come back in input order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use citypair::solver::{solve_batch, Assignment, MatrixView, Sense};
use numpy::{Element, PyArray2, PyArrayMethods, PyReadonlyArray3, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::arrays::{indices, to_numpy, Pairs};
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

/// The four groups of a batch, one per cost type.
#[derive(Default)]
struct Groups<'a> {
    f64s: Group<'a, f64>,
    f32s: Group<'a, f32>,
    i32s: Group<'a, i32>,
    i64s: Group<'a, i64>,
}

/// A listed matrix's entries and shape.
type Listed<'a, T> = (&'a [T], (usize, usize));

/// The entries and shape of `obj` when it is a C-contiguous 2-D array of `T`, read without
/// rust-numpy's borrow tracking (see [`listed`]).
fn listed_as<'a, T: Element>(obj: &'a Bound<'_, PyAny>) -> Option<PyResult<Listed<'a, T>>> {
    let a = obj.cast::<PyArray2<T>>().ok()?;
    let shape = (a.shape()[0], a.shape()[1]);
    // SAFETY: the slice is only read, while `obj` (held by the caller for the whole batch)
    // keeps the array alive. rust-numpy's read-only borrow would add no protection here: it
    // tracks borrows taken by Rust code, never writes by Python code, and no Rust code of this
    // module writes to a cost array. It is left out because its registry makes a batch of
    // many views of one array quadratic.
    let data = unsafe { a.as_slice() };
    Some(
        data.map(|d| (d, shape))
            .map_err(|_| PyTypeError::new_err("expected a C-contiguous array")),
    )
}

/// Sorts a list of matrices into the groups.
fn listed<'a>(items: &'a [Bound<'_, PyAny>], groups: &mut Groups<'a>) -> PyResult<()> {
    for (at, obj) in items.iter().enumerate() {
        if let Some(x) = listed_as::<f64>(obj) {
            let (d, s) = x?;
            groups.f64s.push(at, d, s)?;
        } else if let Some(x) = listed_as::<f32>(obj) {
            let (d, s) = x?;
            groups.f32s.push(at, d, s)?;
        } else if let Some(x) = listed_as::<i64>(obj) {
            let (d, s) = x?;
            groups.i64s.push(at, d, s)?;
        } else if let Some(x) = listed_as::<i32>(obj) {
            let (d, s) = x?;
            groups.i32s.push(at, d, s)?;
        } else {
            return Err(PyTypeError::new_err(format!(
                "costs[{at}]: expected a 2-D numpy array of float64, float32, int32 or int64"
            )));
        }
    }
    Ok(())
}

/// Cuts a C-contiguous `(batch, rows, cols)` array into its matrices.
fn stacked<'a, C: Entry>(data: &'a [C], shape: &[usize], group: &mut Group<'a, C>) -> PyResult<()> {
    let (b, r, c) = (shape[0], shape[1], shape[2]);
    let size = r * c;
    for at in 0..b {
        group.push(at, &data[at * size..(at + 1) * size], (r, c))?;
    }
    Ok(())
}

/// `_linear_sum_assignment_batch(costs, transposed, maximize, threads)`: `costs` a C-contiguous
/// 3-D array of one of the four cost types, or a list of C-contiguous 2-D arrays of them;
/// `transposed[k]` whether matrix `k` is the transpose of the caller's matrix. Returns
/// `(rows_list, cols_list)`; the first failing matrix raises, its index in front of scipy's
/// message.
#[pyfunction]
#[pyo3(name = "_linear_sum_assignment_batch", signature = (costs, transposed, maximize, threads=None))]
fn linear_sum_assignment_batch<'py>(
    py: Python<'py>,
    costs: &Bound<'py, PyAny>,
    transposed: Vec<bool>,
    maximize: bool,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
    if threads == Some(0) {
        return Err(PyValueError::new_err(
            "threads must be at least 1, or None for all cores",
        ));
    }
    let mut groups = Groups::default();
    let items: Vec<Bound<'py, PyAny>>;
    let stack = Stack::borrow(costs)?;
    let n = if let Some(stack) = &stack {
        stack.split(&mut groups)?
    } else {
        items = costs.extract()?;
        listed(&items, &mut groups)?;
        items.len()
    };
    if transposed.len() != n {
        return Err(PyValueError::new_err(
            "one transposed flag per matrix is needed",
        ));
    }
    let pool = threads.map(pool).transpose()?;
    let results = py.detach(|| {
        let mut out: Vec<Option<Result<Pairs, Failure>>> = Vec::new();
        out.resize_with(n, || None);
        let run = |out: &mut Vec<_>| {
            groups.f64s.solve_into(maximize, &transposed, out);
            groups.f32s.solve_into(maximize, &transposed, out);
            groups.i32s.solve_into(maximize, &transposed, out);
            groups.i64s.solve_into(maximize, &transposed, out);
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

/// A C-contiguous 3-D array of one cost type, borrowed once for the whole batch.
enum Stack<'py> {
    F64(PyReadonlyArray3<'py, f64>),
    F32(PyReadonlyArray3<'py, f32>),
    I32(PyReadonlyArray3<'py, i32>),
    I64(PyReadonlyArray3<'py, i64>),
}

impl<'py> Stack<'py> {
    /// `Some` when `obj` is a C-contiguous 3-D array of a cost type.
    fn borrow(obj: &Bound<'py, PyAny>) -> PyResult<Option<Stack<'py>>> {
        let stack = if let Ok(a) = obj.extract::<PyReadonlyArray3<'py, f64>>() {
            Stack::F64(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray3<'py, f32>>() {
            Stack::F32(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray3<'py, i64>>() {
            Stack::I64(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray3<'py, i32>>() {
            Stack::I32(a)
        } else {
            return Ok(None);
        };
        let contiguous = match &stack {
            Stack::F64(a) => a.is_c_contiguous(),
            Stack::F32(a) => a.is_c_contiguous(),
            Stack::I32(a) => a.is_c_contiguous(),
            Stack::I64(a) => a.is_c_contiguous(),
        };
        if !contiguous {
            return Err(PyTypeError::new_err("expected a C-contiguous 3-D array"));
        }
        Ok(Some(stack))
    }

    /// Puts the matrices into the groups; returns how many there are.
    fn split<'a>(&'a self, groups: &mut Groups<'a>) -> PyResult<usize> {
        fn whole<'a, T: Element>(a: &'a PyReadonlyArray3<'_, T>) -> &'a [T] {
            // C-contiguous (checked in `borrow`): `as_slice` cannot fail.
            a.as_slice().unwrap_or(&[])
        }
        match self {
            Stack::F64(a) => stacked(whole(a), a.shape(), &mut groups.f64s)?,
            Stack::F32(a) => stacked(whole(a), a.shape(), &mut groups.f32s)?,
            Stack::I32(a) => stacked(whole(a), a.shape(), &mut groups.i32s)?,
            Stack::I64(a) => stacked(whole(a), a.shape(), &mut groups.i64s)?,
        }
        Ok(match self {
            Stack::F64(a) => a.shape()[0],
            Stack::F32(a) => a.shape()[0],
            Stack::I32(a) => a.shape()[0],
            Stack::I64(a) => a.shape()[0],
        })
    }
}

/// Adds the batch's native half to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(linear_sum_assignment_batch, m)?)
}
