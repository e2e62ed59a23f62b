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

    // Sizes and memory: one `pair` for every size (see `crate::pairing#modes`).
    /// A dense buffer whose size comes from the input cannot be allocated: there is not enough
    /// memory (or `rows · cols` entries do not fit in the address space). Never an abort.
    #[error("{}", out_of_memory_text(*what, *rows, *cols, *bytes))]
    OutOfMemory {
        /// What could not be allocated.
        what: Buffer,
        /// Its rows (for [`Buffer::Cities`], the EU cities).
        rows: usize,
        /// Its columns (for [`Buffer::Cities`], the partner cities).
        cols: usize,
        /// The bytes it needs (`rows · cols ·` the entry size, or for [`Buffer::Cities`]
        /// `(rows + cols) ·` the size of a city; `u128`, which cannot overflow).
        bytes: u128,
    },

    /// Automatic mode: the call's dense score matrix would exceed the size budget
    /// ([`crate::pairing::SIZE_BUDGET`], or the builder's), and candidate mode, which needs no
    /// dense matrix, cannot do what is asked (`needs`).
    #[error(
        "{rows} x {cols} cities need a dense score matrix of {} entries ({}), above the size \
         budget of {budget} entries, and candidate mode (which needs no dense matrix) does not \
         apply: {needs}; ask for the dense mode explicitly to build the matrix anyway",
        *rows as u128 * *cols as u128,
        bytes_text(*rows as u128 * *cols as u128 * 8)
    )]
    TooLarge {
        /// Eligible EU cities (rows of the matrix).
        rows: usize,
        /// Eligible partner cities (columns).
        cols: usize,
        /// The size budget, in entries.
        budget: usize,
        /// What only the dense mode does.
        needs: DenseOnly,
    },

    /// Candidate mode was asked for, but cannot do what is asked.
    #[error("candidate mode does not apply: {reason}; pair this call with the dense score matrix")]
    CandidateMode {
        /// What only the dense mode does.
        reason: DenseOnly,
    },

    /// An explanation or shared themes were asked of a pairing scored by a custom
    /// [`Scorer`](crate::scoring::Scorer), which gives scores only.
    #[error(
        "{what} needs the call's weighted scoring model; this pairing is scored by a custom \
         scorer, which gives scores only"
    )]
    CustomScorer {
        /// What was asked.
        what: &'static str,
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

// Sizes and memory: the types of the variants above.

/// A dense buffer of [`Error::OutOfMemory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Buffer {
    /// The dense score matrix of a call (`f64`, rows are EU cities, columns partner cities).
    ScoreMatrix,
    /// A cost matrix read from text (`f64`).
    CostMatrix,
    /// The solver's transposed copy of a matrix with more rows than columns.
    Transposed,
    /// A contiguous copy of a matrix given by rows (see [`crate::solver::Matrix`]).
    Copy,
    /// The solver's work arrays over every pair (bottleneck candidates, flow network).
    SolverWork,
    /// The cities of a generated call (`rows` EU and `cols` partner cities).
    Cities,
}

impl Buffer {
    /// What the buffer is, in words.
    fn name(self) -> &'static str {
        match self {
            Buffer::ScoreMatrix => "the dense score matrix",
            Buffer::CostMatrix => "a cost matrix",
            Buffer::Transposed => "the transposed copy of a matrix",
            Buffer::Copy => "a contiguous copy of a matrix",
            Buffer::SolverWork => "the solver's work arrays",
            Buffer::Cities => "a generated call",
        }
    }

    /// What to do about it.
    fn remedy(self) -> &'static str {
        match self {
            Buffer::ScoreMatrix | Buffer::SolverWork => {
                "candidate mode pairs a call without any dense matrix (objective sum, without \
                 programme rules or capacities); otherwise pair fewer cities at once, or use a \
                 machine with more memory"
            }
            Buffer::CostMatrix | Buffer::Copy => {
                "solve a smaller matrix, or use a machine with more memory"
            }
            Buffer::Transposed => {
                "give the matrix transposed (no more rows than columns), which the solver reads \
                 in place"
            }
            Buffer::Cities => "generate fewer cities",
        }
    }
}

impl fmt::Display for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What only the dense mode does, so that candidate mode cannot
/// ([`Error::TooLarge`], [`Error::CandidateMode`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DenseOnly {
    /// The call has programme rules (`min_score`, forbidden or locked pairs, quotas).
    Rules,
    /// A city may join more than one pair.
    Capacity {
        /// The city's id.
        id: String,
        /// Its capacity.
        capacity: u32,
    },
    /// The pairing is scored by a custom [`Scorer`](crate::scoring::Scorer): candidate mode's
    /// fast screen mirrors the call's weighted model, so it cannot bound other scores.
    Scorer,
    /// An objective other than `sum`.
    Objective(crate::pairing::Objective),
    /// Something that reads the dense score matrix itself (the matrix, the what-ifs, the
    /// solver's assignment).
    Matrix(&'static str),
}

impl fmt::Display for DenseOnly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenseOnly::Rules => f.write_str(
                "the call has programme rules (min_score, forbidden or locked pairs, quotas)",
            ),
            DenseOnly::Capacity { id, capacity } => write!(
                f,
                "city \"{id}\" has capacity {capacity}, and candidate mode pairs each city at \
                 most once"
            ),
            DenseOnly::Scorer => f.write_str(
                "the pairing is scored by a custom scorer, and candidate mode's fast screen \
                 mirrors the call's weighted model only",
            ),
            DenseOnly::Objective(o) => {
                write!(f, "objective {o} (candidate mode solves objective sum)")
            }
            DenseOnly::Matrix(what) => {
                write!(
                    f,
                    "{what} needs the dense score matrix, which candidate mode never builds"
                )
            }
        }
    }
}

/// The message of [`Error::OutOfMemory`].
fn out_of_memory_text(what: Buffer, rows: usize, cols: usize, bytes: u128) -> String {
    let size = match what {
        Buffer::Cities => format!("{rows} EU and {cols} partner cities"),
        _ => format!("{rows} x {cols} entries"),
    };
    format!(
        "cannot allocate {what} of {size} ({}): not enough memory; {}",
        bytes_text(bytes),
        what.remedy()
    )
}

/// `N bytes (x.y GB)`.
fn bytes_text(bytes: u128) -> String {
    if bytes >= 1_000_000 {
        format!("{bytes} bytes, {:.1} GB", bytes as f64 / 1e9)
    } else {
        format!("{bytes} bytes")
    }
}

impl Error {
    /// An [`Error::OutOfMemory`] for `rows x cols` entries of `entry` bytes each.
    pub(crate) fn out_of_memory(what: Buffer, rows: usize, cols: usize, entry: usize) -> Error {
        Error::OutOfMemory {
            what,
            rows,
            cols,
            bytes: rows as u128 * cols as u128 * entry as u128,
        }
    }
}
