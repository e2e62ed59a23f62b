//! `solve`: one assignment with its proof, for the sum or the bottleneck objective.
//!
//! The result keeps the library's [`Assignment`] (or [`Bottleneck`]) and the matrix it was
//! solved on, so that `verify()` re-checks the certificate in Rust against the matrix.

use citypair::solver::{solve_bottleneck, Assignment, Bottleneck, Sense, Work};
use numpy::{IntoPyArray, PyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::arrays::{indices, slice, to_numpy, Costs};
use crate::dense::view;
use crate::dense::{solve_checked, Entry, Failure};
use crate::scipy_errors::has_bad_infinity;

/// What a solve of one cost type found, behind one interface for every type.
trait Solved: Send + Sync {
    fn pairs(&self) -> (Vec<i64>, Vec<i64>);
    fn total(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
    /// The dual potentials `(u, v)` of the sum objective (of the restricted problem for the
    /// bottleneck).
    fn potentials(&self, py: Python<'_>) -> PyResult<(Py<PyAny>, Py<PyAny>)>;
    /// The worst entry used (largest cost, smallest when maximising); None when empty.
    fn bottleneck(&self, py: Python<'_>, costs: &Costs<'_>) -> PyResult<Py<PyAny>>;
    fn verify(&self, py: Python<'_>, costs: &Costs<'_>) -> PyResult<()>;
}

/// The potentials as a numpy array: float64 for float costs, int64 for integer costs.
fn potentials_array<W: Work>(py: Python<'_>, p: &[W]) -> Py<PyAny> {
    if let Some(ints) = p
        .iter()
        .map(|w| w.to_i128().and_then(|x| i64::try_from(x).ok()))
        .collect::<Option<Vec<i64>>>()
    {
        ints.into_pyarray(py).into_any().unbind()
    } else {
        let floats: Vec<f64> = p.iter().map(|w| w.to_f64()).collect();
        floats.into_pyarray(py).into_any().unbind()
    }
}

fn wrong_matrix() -> PyErr {
    PyValueError::new_err("the matrix is no longer of the type it was solved in")
}

fn worst<C: Entry>(a: &Assignment<C>, data: &[C]) -> Option<C> {
    let max = a.sense() == Sense::Maximize;
    a.pairs()
        .map(|(i, j)| data[i * a.cols() + j])
        .fold(None, |acc: Option<C>, x| match acc {
            Some(b) if (if max { b <= x } else { b >= x }) => Some(b),
            _ => Some(x),
        })
}

impl<C: Entry> Solved for Assignment<C> {
    fn pairs(&self) -> (Vec<i64>, Vec<i64>) {
        indices(self, false)
    }
    fn total(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        C::total_to_python(Assignment::total(self), py)
    }
    fn potentials(&self, py: Python<'_>) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        Ok((
            potentials_array(py, self.row_potentials()),
            potentials_array(py, self.col_potentials()),
        ))
    }
    fn bottleneck(&self, py: Python<'_>, costs: &Costs<'_>) -> PyResult<Py<PyAny>> {
        let data = view::<C>(costs).ok_or_else(wrong_matrix)?;
        match worst(self, data) {
            Some(x) => x.to_python(py),
            None => Ok(py.None()),
        }
    }
    fn verify(&self, py: Python<'_>, costs: &Costs<'_>) -> PyResult<()> {
        let data = view::<C>(costs).ok_or_else(wrong_matrix)?;
        py.detach(|| Assignment::verify(self, data))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

impl<C: Entry> Solved for Bottleneck<C> {
    fn pairs(&self) -> (Vec<i64>, Vec<i64>) {
        indices(&self.assignment, false)
    }
    fn total(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        C::total_to_python(self.assignment.total(), py)
    }
    fn potentials(&self, py: Python<'_>) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        Solved::potentials(&self.assignment, py)
    }
    fn bottleneck(&self, py: Python<'_>, _: &Costs<'_>) -> PyResult<Py<PyAny>> {
        match self.threshold {
            Some(x) => x.to_python(py),
            None => Ok(py.None()),
        }
    }
    fn verify(&self, py: Python<'_>, costs: &Costs<'_>) -> PyResult<()> {
        let data = view::<C>(costs).ok_or_else(wrong_matrix)?;
        py.detach(|| Bottleneck::verify(self, data))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

/// The result of `citypair.solve`: the assignment, its total, its dual potentials, its
/// bottleneck value, and `verify()`.
#[pyclass(frozen, module = "citypair", name = "SolveResult")]
pub(crate) struct SolveResult {
    solved: Box<dyn Solved>,
    /// The matrix solved (C-contiguous, in its cost type).
    cost: Py<PyAny>,
    objective: &'static str,
    maximize: bool,
}

#[pymethods]
impl SolveResult {
    /// Row indices of the assigned pairs, ascending (int64).
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        to_numpy(py, self.solved.pairs()).0
    }
    /// Column indices of the assigned pairs, in the order of `rows` (int64).
    #[getter]
    fn cols<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        to_numpy(py, self.solved.pairs()).1
    }
    /// The total of the assigned entries (a float for float costs, an exact int for integers).
    #[getter]
    fn total(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.solved.total(py)
    }
    /// Row potentials `u` of the dual (of the minimisation of `cost`, or of `-cost` when
    /// maximising): `u[i] + v[j] <= w[i, j]` on allowed pairs, equal on assigned pairs.
    #[getter]
    fn row_potentials(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.solved.potentials(py)?.0)
    }
    /// Column potentials `v` of the dual (see `row_potentials`).
    #[getter]
    fn col_potentials(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.solved.potentials(py)?.1)
    }
    /// The worst entry used: the largest cost (the smallest when maximising); None when empty.
    #[getter]
    fn bottleneck(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let cost = self.cost.bind(py);
        let costs = Costs::borrow(cost)?;
        self.solved.bottleneck(py, &costs)
    }
    /// `"sum"` or `"bottleneck"`.
    #[getter]
    fn objective(&self) -> &'static str {
        self.objective
    }
    /// Whether the total was maximised.
    #[getter]
    fn maximize(&self) -> bool {
        self.maximize
    }
    /// Re-checks the proof against the matrix in Rust (`O(rows * cols)`): for `"sum"` the dual
    /// certificate (feasible, tight on the pairs, complete); for `"bottleneck"` that the value
    /// is the worst entry used, that the Hall witness proves no stricter value possible, and
    /// the dual certificate of the best total within it. Returns None; raises `ValueError`
    /// naming the first condition that fails.
    fn verify(&self, py: Python<'_>) -> PyResult<()> {
        let cost = self.cost.bind(py);
        let costs = Costs::borrow(cost)?;
        self.solved.verify(py, &costs)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "SolveResult(objective={:?}, maximize={}, pairs={}, total={}, bottleneck={})",
            self.objective,
            if self.maximize { "True" } else { "False" },
            self.solved.pairs().0.len(),
            self.solved.total(py)?.bind(py).repr()?,
            self.bottleneck(py)?.bind(py).repr()?,
        ))
    }
}

fn run<C: Entry>(
    data: &[C],
    (rows, cols): (usize, usize),
    maximize: bool,
    bottleneck: bool,
) -> Result<Box<dyn Solved>, Failure> {
    if bottleneck {
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
        let b = solve_bottleneck(data, rows, cols, sense).map_err(Failure::Library)?;
        Ok(Box::new(b))
    } else {
        Ok(Box::new(solve_checked(data, rows, cols, maximize)?))
    }
}

/// [`run`] with the GIL released.
fn detached<C: Entry>(
    py: Python<'_>,
    data: &[C],
    shape: (usize, usize),
    maximize: bool,
    bottleneck: bool,
) -> PyResult<Box<dyn Solved>> {
    py.detach(|| run(data, shape, maximize, bottleneck))
        .map_err(|f| f.to_py(""))
}

/// `_solve(cost, maximize, objective)`: `cost` C-contiguous 2-D of a cost type.
#[pyfunction]
#[pyo3(name = "_solve")]
fn solve_py(
    py: Python<'_>,
    cost: Bound<'_, PyAny>,
    maximize: bool,
    objective: &str,
) -> PyResult<SolveResult> {
    let (objective, bottleneck) = match objective {
        "sum" => ("sum", false),
        "bottleneck" => ("bottleneck", true),
        other => {
            return Err(PyValueError::new_err(format!(
                "objective must be \"sum\" or \"bottleneck\", got {other:?}"
            )))
        }
    };
    let costs = Costs::borrow(&cost)?;
    let shape = costs.shape();
    let solved = match &costs {
        Costs::F64(a) => detached(py, slice(a), shape, maximize, bottleneck),
        Costs::F32(a) => detached(py, slice(a), shape, maximize, bottleneck),
        Costs::I32(a) => detached(py, slice(a), shape, maximize, bottleneck),
        Costs::I64(a) => detached(py, slice(a), shape, maximize, bottleneck),
    }?;
    drop(costs);
    Ok(SolveResult {
        solved,
        cost: cost.unbind(),
        objective,
        maximize,
    })
}

/// Adds `SolveResult` and `_solve` to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SolveResult>()?;
    m.add_function(wrap_pyfunction!(solve_py, m)?)
}
