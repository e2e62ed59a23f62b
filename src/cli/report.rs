//! `citypair report`: the pairing of one call as a static HTML file ([`citypair::report`]),
//! with the same input handling and modes as `pair`.

use std::path::Path;

use citypair::report;

use super::pair::{build, hint, ModeArg};
use super::{in_file, load, CliError, InputArgs, ObjectiveArg, Result};

/// `report [INPUT] [-o FILE]`: writes the report to `output` and returns the line printed on
/// stdout (where it went, its size, what was capped or left out).
pub(crate) fn command(
    args: &InputArgs,
    objective: ObjectiveArg,
    mode: ModeArg,
    output: &Path,
) -> Result<String> {
    let dataset = load(args)?;
    let input = args.path();
    let html = (|| -> Result<String> {
        let pairing = build(&dataset, mode)?;
        let solution = pairing.solve(objective.into())?;
        Ok(report::render(
            &pairing,
            &solution,
            &report::Options::default(),
        )?)
    })()
    .map_err(|e| hint(e, mode))
    .map_err(|e| in_file(e, input))?;
    std::fs::write(output, &html).map_err(|e| {
        CliError::usage(
            "report",
            format!("cannot write the report to {}: {e}", output.display()),
        )
    })?;
    Ok(format!(
        "wrote {} ({} bytes)\n",
        output.display(),
        html.len()
    ))
}
