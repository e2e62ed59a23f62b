//! JSON output: one pretty-printed document per command, ending with a line break.

use super::{CliError, Result};
use serde::Serialize;

/// `value` as one pretty-printed JSON document and a line break.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| CliError::usage("output", e))?;
    s.push('\n');
    Ok(s)
}

/// `value` as a JSON value, to add fields to before [`to_json`].
pub(crate) fn to_value<T: Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| CliError::usage("output", e))
}
