//! `citypair._native`: the compiled half of the Python package `citypair`.
//!
//! Each file is one part of the Python surface; the pure-Python modules under
//! `python/citypair/` give them scipy's signatures, docstrings and type hints.
//!
//! | file | Python |
//! |---|---|
//! | `errors.rs` | `InputError`, and the mapping of library errors onto Python exceptions |
//! | `scipy_errors.rs` | scipy's messages for the dense solvers |
//! | `arrays.rs` | numpy arrays in (borrowed, no copy) and out |
//! | `dense.rs` | `linear_sum_assignment` |
//! | `batch.rs` | `linear_sum_assignment_batch` |
//! | `solve.rs` | `solve` and `SolveResult` |
//! | `cpu.rs` | `instruction_set` |
//! | `kbest.rs` | `k_best` |
//! | `sparse.rs` | `min_weight_full_bipartite_matching` |
//! | `pairing.rs` | `pair`, `scores`, `explain`, `embedded` |

mod arrays;
mod batch;
mod cpu;
mod dense;
mod errors;
mod kbest;
mod pairing;
mod scipy_errors;
mod solve;
mod sparse;

use pyo3::prelude::*;

/// The module `citypair._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    dense::register(m)?;
    batch::register(m)?;
    solve::register(m)?;
    pairing::register(m)?;
    sparse::register(m)?;
    kbest::register(m)?;
    cpu::register(m)?;
    Ok(())
}
