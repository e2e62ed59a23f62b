//! The crate's error type.
//!
//! Every fallible function in citypair returns [`Result<T>`](Result). Each variant names what is
//! wrong and where: the city id, the field, the line, or the file, so that a coordinator can fix
//! the input without reading code. The command-line tool prints these as `error: ...` and exits
//! with status 1.

use std::fmt;
use std::path::PathBuf;

/// A `Result` whose error is citypair's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in citypair, from reading a file to solving an assignment.
///
/// The enum is `#[non_exhaustive]`: new kinds of error may be added in minor releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A JSON document is malformed or does not have the expected shape.
    #[error("{file}: line {line}, column {column}: {message}")]
    Json {
        /// The file (or `<embedded>` / `<input>`) the document came from.
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What `serde_json` reported.
        message: String,
    },

    /// A field of the input has an invalid value. `location` names where (for example
    /// `city "poznan", field "population"` or `call, field "date"`).
    #[error("{location}: {message}")]
    Invalid {
        /// Where the bad value is: city id and field, or the call field.
        location: String,
        /// What is wrong with it.
        message: String,
    },

    /// Two cities share an id.
    #[error(
        "duplicate city id \"{id}\" (cities #{first} and #{second} in the input, counting from 1)"
    )]
    DuplicateCity {
        /// The repeated id.
        id: String,
        /// 1-based position of the first city with that id.
        first: usize,
        /// 1-based position of the second city with that id.
        second: usize,
    },

    /// An id given in a rule, an option or a query names no city of the input.
    #[error("unknown city id \"{id}\" in {context}")]
    UnknownCity {
        /// The unknown id.
        id: String,
        /// Where the id was given (e.g. `--explain`, `locked pair #2`).
        context: String,
    },

    /// The call cannot produce any pair: a side has no eligible city, or no pair is allowed.
    #[error("no pair can be formed: {reason}")]
    NoPairs {
        /// Why no pair can be formed.
        reason: String,
    },

    /// A matrix text could not be parsed. `line` is 1-based.
    #[error("{file}: line {line}: {message}")]
    MatrixParse {
        /// The file the matrix came from.
        file: String,
        /// 1-based line of the problem (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// A matrix has the wrong number of entries for its stated shape.
    #[error("matrix has {found} entries where {rows} x {cols} needs {expected}")]
    MatrixShape {
        /// Number of rows stated.
        rows: usize,
        /// Number of columns stated.
        cols: usize,
        /// `rows * cols`.
        expected: usize,
        /// Number of entries actually given.
        found: usize,
    },

    /// A cost or score is NaN, which has no place in an order.
    #[error("entry ({row}, {col}) is NaN")]
    NaN {
        /// 0-based row of the entry.
        row: usize,
        /// 0-based column of the entry.
        col: usize,
    },

    /// Integer costs are too large to be solved exactly without overflow.
    #[error(
        "integer costs span {span}, too wide to solve exactly without overflow \
         (at most {limit} for this size); use floating-point costs"
    )]
    CostOverflow {
        /// The span `max - min` of the finite costs, as text.
        span: String,
        /// The largest span allowed at this size, as text.
        limit: String,
    },

    /// Integer costs are too large in magnitude to be solved exactly in 64-bit arithmetic with
    /// room for the potentials, though their span is not: subtracting a constant from every
    /// entry (which changes no optimal assignment) makes them solvable.
    #[error(
        "integer costs reach {magnitude} in magnitude, too large to solve exactly in 64-bit \
         arithmetic (at most {limit} for this size and span {span}); subtract a constant from \
         every entry, which changes no optimal assignment, or use floating-point costs"
    )]
    CostMagnitude {
        /// The largest magnitude of the finite costs, as text.
        magnitude: String,
        /// The span `max - min` of the finite costs, as text.
        span: String,
        /// The largest magnitude allowed at this size and span, as text.
        limit: String,
    },

    /// The problem has no feasible solution.
    #[error("infeasible: {reason}")]
    Infeasible {
        /// Why: which rows, rule or Hall-type witness makes it infeasible.
        reason: String,
    },
}

impl Error {
    /// An [`Error::Invalid`]: `location` names where the bad value is, `message` what is wrong
    /// with it; displayed as `location: message`.
    ///
    /// For tools built on citypair that report problems with their own inputs or options the
    /// way the library reports its own (the command-line tool does, for its options).
    ///
    /// ```
    /// let e = citypair::Error::invalid("--sizes", "0 is not a size");
    /// assert_eq!(e.to_string(), "--sizes: 0 is not a size");
    /// ```
    pub fn invalid(location: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error::Invalid {
            location: location.to_string(),
            message: message.to_string(),
        }
    }
}
