//! The command line's errors: the library's, told in the command line's words (its flags), and
//! its own (bad options, output).
//!
//! The library never names a flag; its errors carry structured fields (where an id was given,
//! which parameter is bad, what a mode does not support), and [`CliError`]'s `Display` turns
//! those into the hints a user of this tool needs (`--without`, `pair this call without
//! --candidates`, ...).

use std::fmt;
use std::path::{Path, PathBuf};

use citypair::error::{Context, Location, Unsupported};
use citypair::Error;

/// A `Result` whose error is a [`CliError`].
pub(crate) type Result<T, E = CliError> = std::result::Result<T, E>;

/// An error of the command line, printed as `error: ...` with exit status 1.
#[derive(Debug)]
pub(crate) enum CliError {
    /// A library error.
    Lib(Error),
    /// A bad option or a problem of the command itself: `location: message`.
    Usage { location: String, message: String },
    /// An error about the content of an input file, shown after the file's path.
    InFile { path: PathBuf, error: Box<CliError> },
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Lib(e)
    }
}

impl CliError {
    /// A bad option (or another problem of the command): `location: message`.
    pub(crate) fn usage(location: impl fmt::Display, message: impl fmt::Display) -> Self {
        CliError::Usage {
            location: location.to_string(),
            message: message.to_string(),
        }
    }

    /// Puts the input file in front of an error about its content that does not name it yet
    /// (I/O, JSON and matrix errors already do; infeasibility is about the rules as a whole).
    pub(crate) fn in_file(self, input: Option<&Path>) -> Self {
        let Some(path) = input else { return self };
        let about_content = match &self {
            CliError::Lib(e) => e.is_about_content(),
            CliError::Usage { .. } => true,
            CliError::InFile { .. } => false,
        };
        if about_content {
            CliError::InFile {
                path: path.to_path_buf(),
                error: Box::new(self),
            }
        } else {
            self
        }
    }
}

/// The flag of the command line that sets a library parameter, by the parameter's name.
fn flag_of(parameter: &str) -> Option<&'static str> {
    match parameter {
        "k" => Some("--candidates"),
        "n" => Some("--sizes"),
        "family" => Some("--family"),
        "objective" => Some("--objective"),
        _ => None,
    }
}

/// A library error in the command line's words.
fn describe(e: &Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match e {
        Error::UnknownCity {
            id, context, why, ..
        } => {
            let place = match context {
                Context::Explain => "--explain".to_owned(),
                Context::Withdrawal => "--without".to_owned(),
                Context::Lock => "--lock".to_owned(),
                other => other.to_string(),
            };
            write!(f, "unknown city id \"{id}\" in {place} ({why})")
        }
        Error::Invalid {
            location, message, ..
        } => match location {
            Location::Withdrawal => write!(f, "--without: {message}"),
            Location::Lock => write!(f, "--lock: {message}"),
            Location::Parameter { name, .. } => match flag_of(name) {
                Some(flag) => write!(f, "{flag}: {message}"),
                None => write!(f, "{e}"),
            },
            _ => write!(f, "{e}"),
        },
        Error::Unsupported {
            what: Unsupported::StableQuotas,
            ..
        } => f.write_str(
            "call, field \"quotas\": a stable pairing is not defined under quotas (a quota \
                 can force a pair that both cities would leave); use --objective sum or maxmin, \
                 or remove the quotas",
        ),
        _ => write!(f, "{e}"),
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Lib(e) => describe(e, f),
            CliError::Usage { location, message } => write!(f, "{location}: {message}"),
            CliError::InFile { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}
