//! The crate's error type.
//!
//! Every fallible function in citypair returns [`Result<T>`](Result). Each variant names what is
//! wrong and where, with structured fields: the city id, the field, the line, the file, the rows
//! and columns of a Hall witness, the numbers of a quota. A caller can match on them; the
//! `Display` text is written for a coordinator who fixes the input without reading code.
//!
//! The messages speak of the library's own terms (fields of the input, parameters by their Rust
//! names), never of a command-line flag: a tool built on citypair, such as the `citypair`
//! binary, adds its own hints by matching on the variants.
//!
//! Every enum here is `#[non_exhaustive]`, and so is every variant with fields: new kinds of
//! error, and new fields, may be added in minor releases.
//!
//! ```
//! use citypair::error::{Error, Infeasibility};
//! use citypair::solver::{solve, Sense};
//!
//! // Rows 0 and 1 can only use column 0.
//! let inf = f64::INFINITY;
//! let costs = [1.0, inf, inf,
//!              2.0, inf, inf];
//! let err = solve(&costs, 2, 3, Sense::Minimize).unwrap_err();
//! assert_eq!(err.to_string(), "infeasible: the 2 rows {0, 1} can only be assigned to the 1 columns {0}");
//! let (rows, cols) = err.witness().expect("a Hall witness");
//! assert_eq!((rows, cols), (&[0, 1][..], &[0][..]));
//! assert!(matches!(err, Error::Infeasible { why: Infeasibility::Rows { .. }, .. }));
//! ```

use std::fmt;
use std::path::PathBuf;

use crate::eligibility::Side;
use crate::model::{Country, Theme};

/// A `Result` whose error is citypair's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in citypair, from reading a file to solving an assignment.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    #[non_exhaustive]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A JSON document is malformed or does not have the expected shape.
    #[error("{file}: line {line}, column {column}: {message}")]
    #[non_exhaustive]
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

    /// A value is invalid: a field of the input, a parameter of a function, a certificate.
    /// Displayed as `location: message`, for example `city "poznan", field "population":
    /// population -5 is negative`.
    #[error("{location}: {message}")]
    #[non_exhaustive]
    Invalid {
        /// Where the bad value is.
        location: Location,
        /// What is wrong with it.
        message: String,
    },

    /// Two cities share an id.
    #[error(
        "duplicate city id \"{id}\" (cities #{first} and #{second} in the input, counting from 1)"
    )]
    #[non_exhaustive]
    DuplicateCity {
        /// The repeated id.
        id: String,
        /// 1-based position of the first city with that id.
        first: usize,
        /// 1-based position of the second city with that id.
        second: usize,
    },

    /// An id given in a rule or a query names no city that can be used there.
    #[error("unknown city id \"{id}\" in {context} ({why})")]
    #[non_exhaustive]
    UnknownCity {
        /// The unknown id.
        id: String,
        /// Where the id was given.
        context: Context,
        /// Why it cannot be used there.
        why: WhyUnknown,
    },

    /// The call cannot produce any pair: a side has no eligible city, or no pair is allowed.
    #[error("no pair can be formed: {reason}")]
    #[non_exhaustive]
    NoPairs {
        /// Why no pair can be formed, with the counts.
        reason: NoPairs,
    },

    /// A spreadsheet (CSV) of cities is malformed, or a city it holds is invalid: the file, the
    /// row as a spreadsheet numbers it (the header is row 1) and, where the problem is in one
    /// cell, the column.
    #[error("{file}: row {row}{}: {message}", column.as_ref().map_or(String::new(), |c| format!(", column \"{c}\"")))]
    #[non_exhaustive]
    Csv {
        /// The file's name.
        file: String,
        /// 1-based row (the header is row 1).
        row: usize,
        /// The column's header, when the problem is in one cell or column.
        column: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// A matrix text could not be parsed. `line` is 1-based.
    #[error("{file}: line {line}: {message}")]
    #[non_exhaustive]
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
    #[non_exhaustive]
    MatrixShape {
        /// Number of rows stated.
        rows: usize,
        /// Number of columns stated.
        cols: usize,
        /// `rows * cols` (`usize::MAX` when that overflows).
        expected: usize,
        /// Number of entries actually given.
        found: usize,
    },

    /// A cost or score is NaN, which has no place in an order.
    #[error("entry ({row}, {col}) is NaN")]
    #[non_exhaustive]
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
    #[non_exhaustive]
    CostOverflow {
        /// The span `max - min` of the finite costs.
        span: i128,
        /// The largest span allowed at this size.
        limit: i128,
    },

    /// Integer costs are too large in magnitude to be solved exactly in 64-bit arithmetic with
    /// room for the potentials, though their span is not: subtracting a constant from every
    /// entry (which changes no optimal assignment) makes them solvable.
    #[error(
        "integer costs reach {magnitude} in magnitude, too large to solve exactly in 64-bit \
         arithmetic (at most {limit} for this size and span {span}); subtract a constant from \
         every entry, which changes no optimal assignment, or use floating-point costs"
    )]
    #[non_exhaustive]
    CostMagnitude {
        /// The largest magnitude of the finite costs.
        magnitude: i128,
        /// The span `max - min` of the finite costs.
        span: i128,
        /// The largest magnitude allowed at this size and span.
        limit: i128,
    },

    /// The problem has no feasible solution.
    #[error("infeasible: {why}")]
    #[non_exhaustive]
    Infeasible {
        /// Why: a Hall-type witness, or the rule that cannot be met, with its numbers.
        why: Infeasibility,
    },

    /// The method asked for does not support what the call holds (for example candidate mode
    /// with programme rules). The same call can be solved another way; the message says how.
    #[error("{what}")]
    #[non_exhaustive]
    Unsupported {
        /// What is not supported.
        what: Unsupported,
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
    /// Whether the error is about the content of an input (a bad value, a duplicate or unknown
    /// city, a call without pairs, a rule a mode does not support) and does not name the input
    /// itself: a caller that read the input from a file puts the file's name in front, as the
    /// command line does (`FILE: message`). Errors that already name their file, or are not
    /// about the input (I/O, memory, sizes), say `false`.
    pub fn is_about_content(&self) -> bool {
        matches!(
            self,
            Error::Invalid { .. }
                | Error::DuplicateCity { .. }
                | Error::NoPairs { .. }
                | Error::UnknownCity { .. }
                | Error::Unsupported { .. }
        )
    }

    /// An [`Error::Invalid`] at `location`.
    pub(crate) fn invalid(location: Location, message: impl Into<String>) -> Self {
        Error::Invalid {
            location,
            message: message.into(),
        }
    }

    /// An [`Error::Infeasible`] for `why`.
    pub(crate) fn infeasible(why: Infeasibility) -> Self {
        Error::Infeasible { why }
    }

    /// An [`Error::Unsupported`] for `what`.
    pub(crate) fn unsupported(what: Unsupported) -> Self {
        Error::Unsupported { what }
    }

    /// An [`Error::UnknownCity`].
    pub(crate) fn unknown_city(id: impl Into<String>, context: Context, why: WhyUnknown) -> Self {
        Error::UnknownCity {
            id: id.into(),
            context,
            why,
        }
    }

    /// Where the bad value is, for an [`Error::Invalid`].
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Invalid { location, .. } => Some(location),
            _ => None,
        }
    }

    /// Why the problem is infeasible, for an [`Error::Infeasible`].
    pub fn infeasibility(&self) -> Option<&Infeasibility> {
        match self {
            Error::Infeasible { why } => Some(why),
            _ => None,
        }
    }

    /// The Hall witness of an infeasible matrix, as `(rows, columns)`: the rows can only be
    /// assigned to those columns, and there are fewer columns ([`Infeasibility::Rows`]), or the
    /// columns can only be assigned to those rows, and there are fewer rows
    /// ([`Infeasibility::Columns`]). `None` for any other error.
    pub fn witness(&self) -> Option<(&[usize], &[usize])> {
        self.infeasibility().and_then(Infeasibility::witness)
    }
}

/// Where an invalid value is: a field of the input, a parameter of a function, or a checked
/// object such as a certificate. Its `Display` is the location part of an
/// [`Error::Invalid`] message (`city "poznan", field "population"`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// The document as a whole (`document`) or one of its top-level fields
    /// (`document, field "cities"`).
    #[non_exhaustive]
    Document {
        /// The field, if the problem is in one.
        field: Option<String>,
    },
    /// A field of the call: `call, field "date"`.
    #[non_exhaustive]
    Call {
        /// The field's name.
        field: String,
    },
    /// A field of a city named by its id: `city "poznan", field "population"`.
    #[non_exhaustive]
    City {
        /// The city's id.
        id: String,
        /// The field's name.
        field: String,
    },
    /// A city named by its position in the input, before its id is known to be valid:
    /// `city #3` or `city #3, field "id"`.
    #[non_exhaustive]
    CityAt {
        /// 1-based position of the city in the input.
        position: usize,
        /// The field, if the problem is in one.
        field: Option<String>,
    },
    /// An entry of `call.quotas`: `call, field "quotas", quota #2` or
    /// `call, field "quotas", quota #2, field "max"`.
    #[non_exhaustive]
    Quota {
        /// 1-based position of the quota.
        position: usize,
        /// The quota's field, if the problem is in one.
        field: Option<String>,
    },
    /// A pair of `call.forbidden` or `call.locked`: `call, field "locked", pair #2`.
    #[non_exhaustive]
    RulePair {
        /// Which list.
        rule: PairRule,
        /// 1-based position of the pair in its list.
        position: usize,
    },
    /// A region of `call.regions`: `call, field "regions", region "Japan"`.
    #[non_exhaustive]
    Region {
        /// The region's name.
        name: String,
    },
    /// One theme of a profile: `theme "housing"`.
    #[non_exhaustive]
    Theme {
        /// The theme.
        theme: Theme,
    },
    /// A date (`date`), outside any call.
    Date,
    /// Scoring weights (`weights`), outside any call.
    Weights,
    /// A parameter of a library function, by its Rust name: `parameter k`.
    #[non_exhaustive]
    Parameter {
        /// The parameter's name (for example `k` or `max_rounds`).
        name: &'static str,
    },
    /// A dense matrix given to a solver (`matrix`).
    Matrix,
    /// A sparse matrix (`sparse matrix`).
    SparseMatrix,
    /// The warm start of a sparse solve (`warm start`).
    WarmStart,
    /// An optimality certificate being checked (`certificate`).
    Certificate,
    /// A what-if withdrawal ([`Planner::resolve`](crate::whatif::Planner::resolve)):
    /// `withdrawal`.
    Withdrawal,
    /// A what-if lock ([`Planner::resolve`](crate::whatif::Planner::resolve)): `what-if lock`.
    Lock,
}

impl Location {
    /// A field of the call.
    pub(crate) fn call(field: impl Into<String>) -> Location {
        Location::Call {
            field: field.into(),
        }
    }

    /// A field of a city named by its id.
    pub(crate) fn city(id: impl Into<String>, field: impl Into<String>) -> Location {
        Location::City {
            id: id.into(),
            field: field.into(),
        }
    }

    /// A parameter of a library function.
    pub(crate) fn parameter(name: &'static str) -> Location {
        Location::Parameter { name }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Document { field: None } => f.write_str("document"),
            Location::Document { field: Some(name) } => write!(f, "document, field {name:?}"),
            Location::Call { field } => write!(f, "call, field {field:?}"),
            Location::City { id, field } => write!(f, "city {id:?}, field {field:?}"),
            Location::CityAt { position, field } => {
                write!(f, "city #{position}")?;
                match field {
                    Some(name) => write!(f, ", field {name:?}"),
                    None => Ok(()),
                }
            }
            Location::Quota { position, field } => {
                write!(f, "call, field \"quotas\", quota #{position}")?;
                match field {
                    Some(name) => write!(f, ", field {name:?}"),
                    None => Ok(()),
                }
            }
            Location::RulePair { rule, position } => {
                write!(f, "call, field \"{}\", pair #{position}", rule.field())
            }
            Location::Region { name } => write!(f, "call, field \"regions\", region {name:?}"),
            Location::Theme { theme } => write!(f, "theme \"{theme}\""),
            Location::Date => f.write_str("date"),
            Location::Weights => f.write_str("weights"),
            Location::Parameter { name } => write!(f, "parameter {name}"),
            Location::Matrix => f.write_str("matrix"),
            Location::SparseMatrix => f.write_str("sparse matrix"),
            Location::WarmStart => f.write_str("warm start"),
            Location::Certificate => f.write_str("certificate"),
            Location::Withdrawal => f.write_str("withdrawal"),
            Location::Lock => f.write_str("what-if lock"),
        }
    }
}

/// The two lists of pairs in a call's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PairRule {
    /// `call.forbidden`: pairs that never appear.
    Forbidden,
    /// `call.locked`: pairs that always appear.
    Locked,
}

impl PairRule {
    /// The list's field in the call: `"forbidden"` or `"locked"`.
    pub const fn field(self) -> &'static str {
        match self {
            PairRule::Forbidden => "forbidden",
            PairRule::Locked => "locked",
        }
    }
}

/// Where an unknown city id was given ([`Error::UnknownCity`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Context {
    /// The pair of [`Pairing::explain`](crate::Pairing::explain): `the explained pair`.
    Explain,
    /// The pair of [`Pairing::score`](crate::Pairing::score): `the score query`.
    Score,
    /// A city withdrawing in a what-if ([`Planner::resolve`](crate::whatif::Planner::resolve)):
    /// `a withdrawal`.
    Withdrawal,
    /// A pair of [`Pairing::ranks`](crate::Pairing::ranks): `a ranked pair`.
    Ranks,
    /// A pair locked in a what-if ([`Planner::resolve`](crate::whatif::Planner::resolve)):
    /// `a what-if lock`.
    Lock,
    /// A pair of the call's rules: `call, field "locked", pair #2`.
    #[non_exhaustive]
    RulePair {
        /// Which list.
        rule: PairRule,
        /// 1-based position of the pair in its list.
        position: usize,
    },
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Context::Explain => f.write_str("the explained pair"),
            Context::Score => f.write_str("the score query"),
            Context::Withdrawal => f.write_str("a withdrawal"),
            Context::Lock => f.write_str("a what-if lock"),
            Context::Ranks => f.write_str("a ranked pair"),
            Context::RulePair { rule, position } => {
                write!(f, "call, field \"{}\", pair #{position}", rule.field())
            }
        }
    }
}

/// Why an id cannot be used where it was given ([`Error::UnknownCity`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WhyUnknown {
    /// No city of the input has this id.
    NoSuchCity,
    /// The city is excluded from the call.
    #[non_exhaustive]
    Excluded {
        /// Why it is excluded (as in [`Exclusion`](crate::eligibility::Exclusion)).
        reason: String,
    },
    /// The city is eligible, but not on the side it was asked for.
    #[non_exhaustive]
    WrongSide {
        /// The side it was asked for.
        expected: Side,
    },
    /// No eligible city of the call has this id (it is excluded or does not exist).
    NotEligible,
}

impl fmt::Display for WhyUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WhyUnknown::NoSuchCity => f.write_str("no city has this id"),
            WhyUnknown::Excluded { reason } => write!(f, "it is excluded: {reason}"),
            WhyUnknown::WrongSide { expected } => {
                write!(f, "it is not an eligible {} city", side_name(*expected))
            }
            WhyUnknown::NotEligible => f.write_str("not an eligible city of this call"),
        }
    }
}

/// `EU` or `partner`, for messages.
fn side_name(side: Side) -> &'static str {
    match side {
        Side::Eu => "EU",
        Side::Partner => "partner",
    }
}

/// Why a call cannot produce any pair ([`Error::NoPairs`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NoPairs {
    /// No city of the call is eligible.
    #[non_exhaustive]
    NoEligibleCity {
        /// Cities in the input.
        cities: usize,
        /// Cities excluded.
        excluded: usize,
    },
    /// No EU city is eligible.
    #[non_exhaustive]
    NoEuCity {
        /// Eligible partner cities.
        partners: usize,
        /// Cities excluded.
        excluded: usize,
    },
    /// No partner city is eligible.
    #[non_exhaustive]
    NoPartnerCity {
        /// The call's partner countries.
        partner_countries: Vec<Country>,
        /// Eligible EU cities.
        eu: usize,
        /// Cities excluded.
        excluded: usize,
    },
    /// The rules allow no pair: every pair is forbidden or scores below `min_score`.
    #[non_exhaustive]
    RulesAllowNone {
        /// The call's minimum score, if it has one.
        min_score: Option<f64>,
        /// The best score of any eligible pair.
        best_score: f64,
    },
}

impl fmt::Display for NoPairs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoPairs::NoEligibleCity { cities, excluded } => write!(
                f,
                "the call has no eligible city at all ({cities} cities in the input, {excluded} \
                 excluded)"
            ),
            NoPairs::NoEuCity { partners, excluded } => write!(
                f,
                "no eligible EU city ({partners} partner cities, {excluded} cities excluded)"
            ),
            NoPairs::NoPartnerCity {
                partner_countries,
                eu,
                excluded,
            } => {
                let countries: Vec<&str> = partner_countries.iter().map(Country::as_str).collect();
                write!(
                    f,
                    "no eligible partner city in the call's partner countries ({}) ({eu} EU \
                     cities, {excluded} cities excluded)",
                    countries.join(", ")
                )
            }
            NoPairs::RulesAllowNone {
                min_score: Some(m),
                best_score,
            } => write!(
                f,
                "the rules allow no pair: every pair is forbidden or scores below min_score {m} \
                 (the best score is {best_score:.3})"
            ),
            NoPairs::RulesAllowNone {
                min_score: None, ..
            } => f.write_str("the rules allow no pair: every pair is forbidden"),
        }
    }
}

/// Why a problem has no feasible solution ([`Error::Infeasible`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Infeasibility {
    /// A Hall witness on a matrix (rows no longer than columns): the `rows` can only be
    /// assigned to the `cols`, and there are fewer of those. A single row with no allowed
    /// column has `cols` empty. Indices are 0-based, sorted.
    #[non_exhaustive]
    Rows {
        /// The rows that cannot all be assigned.
        rows: Vec<usize>,
        /// Every column they can use.
        cols: Vec<usize>,
    },
    /// A Hall witness on a tall matrix (more rows than columns): the `cols` can only be
    /// assigned to the `rows`, and there are fewer of those. A single column with no allowed
    /// row has `rows` empty. Indices are 0-based, sorted.
    #[non_exhaustive]
    Columns {
        /// The columns that cannot all be assigned.
        cols: Vec<usize>,
        /// Every row they can use.
        rows: Vec<usize>,
    },
    /// The locked pairs alone exceed a quota's maximum.
    #[non_exhaustive]
    QuotaMaximum {
        /// 1-based position of the quota in `call.quotas`.
        quota: usize,
        /// The quota's label, e.g. `quota #2 (US, CA, max 3)`.
        label: String,
        /// The quota's maximum.
        max: usize,
        /// Pairs the locks put in the quota's group.
        locked: usize,
    },
    /// A quota's minimum cannot be met.
    #[non_exhaustive]
    QuotaMinimum {
        /// 1-based position of the quota in `call.quotas`.
        quota: usize,
        /// The quota's label, e.g. `quota #2 (IN, min 2)`.
        label: String,
        /// The quota's minimum.
        min: usize,
        /// The most pairs of the group that can be formed.
        formed: usize,
        /// Why no more can be formed.
        shortfall: Shortfall,
    },
    /// A what-if change (a withdrawal or a lock) leaves no pairing that keeps the rules.
    Change,
}

impl Infeasibility {
    /// The Hall witness of an infeasible matrix as `(rows, columns)`; `None` for a rule.
    pub fn witness(&self) -> Option<(&[usize], &[usize])> {
        match self {
            Infeasibility::Rows { rows, cols } | Infeasibility::Columns { cols, rows } => {
                Some((rows, cols))
            }
            _ => None,
        }
    }
}

/// `{0, 1, 2}`, at most ten indices, then the count.
fn index_list(v: &[usize]) -> String {
    let shown: Vec<String> = v.iter().take(10).map(ToString::to_string).collect();
    let more = if v.len() > 10 {
        format!(", ... ({} in all)", v.len())
    } else {
        String::new()
    };
    format!("{{{}{more}}}", shown.join(", "))
}

/// A Hall witness in words: `lines` of one kind can only use `reach` of the other.
fn hall(
    f: &mut fmt::Formatter<'_>,
    lines: &[usize],
    reach: &[usize],
    line: &str,
    other: &str,
) -> fmt::Result {
    if let ([single], []) = (lines, reach) {
        write!(f, "{line} {single} has no allowed {other}")
    } else {
        write!(
            f,
            "the {} {line}s {} can only be assigned to the {} {other}s {}",
            lines.len(),
            index_list(lines),
            reach.len(),
            index_list(reach)
        )
    }
}

impl fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Infeasibility::Rows { rows, cols } => hall(f, rows, cols, "row", "column"),
            Infeasibility::Columns { cols, rows } => hall(f, cols, rows, "column", "row"),
            Infeasibility::QuotaMaximum {
                label, max, locked, ..
            } => write!(
                f,
                "{label}: the locked pairs already put {locked} pairs in it, more than its \
                 maximum of {max}"
            ),
            Infeasibility::QuotaMinimum {
                label,
                min,
                formed,
                shortfall,
                ..
            } => write!(
                f,
                "{label} cannot be met: at most {formed} of its {min} pairs can be formed; \
                 {shortfall}"
            ),
            Infeasibility::Change => {
                f.write_str("the change leaves no pairing that keeps the rules")
            }
        }
    }
}

/// Why a quota's minimum cannot be met ([`Infeasibility::QuotaMinimum`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shortfall {
    /// The group's eligible cities have fewer places (capacities) than the minimum.
    #[non_exhaustive]
    Places {
        /// The group's eligible cities.
        cities: usize,
        /// Their places in all.
        places: usize,
    },
    /// A Hall witness at city level: the group's cities can be paired (by `min_score` and
    /// `forbidden`) only with the `reachable` cities, whose places are fewer than the minimum.
    #[non_exhaustive]
    Reach {
        /// The side of the group's cities.
        side: Side,
        /// The group's eligible cities, by id.
        cities: Vec<String>,
        /// Every city of the other side they may be paired with, by id.
        reachable: Vec<String>,
        /// The places (capacities) of the reachable cities in all.
        places: usize,
    },
    /// The places are there, but the other rules (quotas, capacities, locks, `min_score`,
    /// `forbidden`) leave no room for more.
    OtherRules,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shortfall::Places { cities, places } => {
                write!(
                    f,
                    "its {cities} eligible cities have {places} places in all"
                )
            }
            Shortfall::Reach {
                reachable, places, ..
            } => write!(
                f,
                "its cities can be paired (by min_score and forbidden) with only {} \
                 counterparts, {places} places in all",
                reachable.len()
            ),
            Shortfall::OtherRules => f.write_str(
                "the other rules (quotas, capacities, locks, min_score, forbidden) leave no room \
                 for more",
            ),
        }
    }
}

/// What a method does not support ([`Error::Unsupported`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsupported {
    /// The `stable` objective on a call with quotas: stability is not defined under them.
    StableQuotas,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsupported::StableQuotas => f.write_str(
                "call, field \"quotas\": a stable pairing is not defined under quotas (a quota \
                 can force a pair that both cities would leave); solve for the sum or maxmin \
                 objective, or remove the quotas",
            ),
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
