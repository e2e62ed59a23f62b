//! citypair: pairs EU cities with partner cities for sustainable-development cooperation.
//!
//! (Crate documentation is completed as the modules land.)

pub mod eligibility;
pub mod error;
pub mod io;
pub mod matrix;
pub mod model;
pub mod scoring;
pub mod solver;

pub use error::{Error, Result};
