//! numpy arrays in and out: cost matrices read in place, index arrays handed over.
//!
//! The Python side (`citypair/_dense.py`) hands over 2-D arrays that are C-contiguous (a
//! Fortran-ordered matrix goes as its transpose, which is C-contiguous, so neither is copied)
//! and of one of the four cost types the solver works in. Here they are borrowed read-only and
//! read as row-major slices, with no copy.

use citypair::solver::{Assignment, Cost};
use numpy::{PyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// A borrowed C-contiguous cost matrix of one of the solver's cost types.
pub(crate) enum Costs<'py> {
    /// float64
    F64(PyReadonlyArray2<'py, f64>),
    /// float32, solved as float32 (work in f64 arithmetic, no widened copy)
    F32(PyReadonlyArray2<'py, f32>),
    /// int32, solved exactly
    I32(PyReadonlyArray2<'py, i32>),
    /// int64, solved exactly
    I64(PyReadonlyArray2<'py, i64>),
}

impl<'py> Costs<'py> {
    /// Borrows `obj`, a 2-D C-contiguous array of float64, float32, int32 or int64.
    pub(crate) fn borrow(obj: &Bound<'py, PyAny>) -> PyResult<Costs<'py>> {
        let costs = if let Ok(a) = obj.extract::<PyReadonlyArray2<'py, f64>>() {
            Costs::F64(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray2<'py, f32>>() {
            Costs::F32(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray2<'py, i64>>() {
            Costs::I64(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray2<'py, i32>>() {
            Costs::I32(a)
        } else {
            return Err(PyTypeError::new_err(
                "expected a 2-D numpy array of float64, float32, int32 or int64",
            ));
        };
        if !costs.is_c_contiguous() {
            return Err(PyTypeError::new_err("expected a C-contiguous array"));
        }
        Ok(costs)
    }

    fn is_c_contiguous(&self) -> bool {
        match self {
            Costs::F64(a) => a.is_c_contiguous(),
            Costs::F32(a) => a.is_c_contiguous(),
            Costs::I32(a) => a.is_c_contiguous(),
            Costs::I64(a) => a.is_c_contiguous(),
        }
    }

    /// `(rows, cols)`.
    pub(crate) fn shape(&self) -> (usize, usize) {
        let s = match self {
            Costs::F64(a) => a.shape(),
            Costs::F32(a) => a.shape(),
            Costs::I32(a) => a.shape(),
            Costs::I64(a) => a.shape(),
        };
        (s[0], s[1])
    }
}

/// The entries of a C-contiguous borrowed array as a row-major slice.
pub(crate) fn slice<'a, T: numpy::Element>(a: &'a PyReadonlyArray2<'_, T>) -> &'a [T] {
    // `Costs::borrow` admitted only C-contiguous arrays, for which `as_slice` cannot fail;
    // an empty array is an empty slice.
    a.as_slice().unwrap_or(&[])
}

/// The pairs of `a` as scipy returns them: two index arrays, rows ascending. `transposed`
/// says that `a` solved the transpose of the caller's matrix, so its columns are the caller's
/// rows.
pub(crate) fn indices<C: Cost>(a: &Assignment<C>, transposed: bool) -> Pairs {
    let n = a.len();
    let (mut rows, mut cols) = (Vec::with_capacity(n), Vec::with_capacity(n));
    if transposed {
        for j in 0..a.cols() {
            if let Some(i) = a.row_of(j) {
                rows.push(j as i64);
                cols.push(i as i64);
            }
        }
    } else {
        for (i, j) in a.pairs() {
            rows.push(i as i64);
            cols.push(j as i64);
        }
    }
    (rows, cols)
}

/// The assigned pairs as two index vectors: rows, and the column of each.
pub(crate) type Pairs = (Vec<i64>, Vec<i64>);

/// The assigned pairs as two numpy int64 arrays.
pub(crate) type IndexArrays<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<i64>>);

/// Two index vectors as numpy int64 arrays that own their data (numpy-allocated, as scipy's
/// are: arrays over a Rust buffer cannot be made writeable again once a view of them was
/// made read-only, which scipy's sparse indexing does).
pub(crate) fn to_numpy(py: Python<'_>, (rows, cols): Pairs) -> IndexArrays<'_> {
    (
        PyArray1::from_slice(py, &rows),
        PyArray1::from_slice(py, &cols),
    )
}
