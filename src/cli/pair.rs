//! `citypair pair`: the pairing of one call, dense or in candidate mode (chosen by the size
//! budget unless `--dense` or `--candidates K` says), with the what-ifs of [`super::whatif`] on
//! top.

use citypair::pairing::{Mode, AUTO_CANDIDATES};
use citypair::{Error, Pairing};

use super::json::to_json;
use super::tables::pair_table;
use super::whatif::{self, WhatIfArgs};
use super::{in_file, load, CliError, InputArgs, ObjectiveArg, Result};

/// The mode `pair` is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModeArg {
    /// No flag: dense up to the size budget, candidate mode above it where it applies.
    Auto,
    /// `--dense`.
    Dense,
    /// `--candidates K`.
    Candidates(usize),
}

impl ModeArg {
    /// The mode of `--candidates K` and `--dense` (clap makes them exclusive).
    pub(crate) fn of(candidates: Option<usize>, dense: bool) -> ModeArg {
        match (candidates, dense) {
            (Some(k), _) => ModeArg::Candidates(k),
            (None, true) => ModeArg::Dense,
            (None, false) => ModeArg::Auto,
        }
    }
}

/// How `pair` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// The table (no flag).
    Table,
    /// `--json`.
    Json,
    /// `--csv`: the pairs only.
    Csv,
}

/// `pair [INPUT]`: what it prints, or the error (naming `input` where it is about its content).
pub(crate) fn command(
    args: &InputArgs,
    objective: ObjectiveArg,
    what_if: &WhatIfArgs<'_>,
    mode: ModeArg,
    format: Format,
) -> Result<String> {
    let dataset = load(args)?;
    let input = args.path();
    let run = || -> Result<String> {
        let pairing = build(&dataset, mode)?;
        if what_if.any() {
            return whatif::command(
                &dataset,
                &pairing,
                objective,
                what_if,
                format == Format::Json,
            );
        }
        let solution = pairing.solve(objective.into())?;
        match format {
            Format::Json => return to_json(&solution),
            Format::Csv => return Ok(citypair::io::csv::pairs_csv(&pairing, &solution)?),
            Format::Table => {}
        }
        let note = match (mode, solution.mode) {
            (ModeArg::Auto, Mode::Candidates) => {
                let (e, p) = sides(&pairing);
                format!(
                    "; chosen for the size: {e} x {p} = {} entries, above the size budget of {} \
                     (K = {AUTO_CANDIDATES}; --dense forces the dense matrix)",
                    e as u128 * p as u128,
                    citypair::pairing::SIZE_BUDGET
                )
            }
            (ModeArg::Candidates(k), _) => format!("; K = {k}"),
            _ => String::new(),
        };
        Ok(pair_table(&dataset, sides(&pairing), &solution, &note))
    };
    run()
        .map_err(|e| hint(e, mode))
        .map_err(|e| in_file(e, input))
}

/// The pairing of `dataset` in the mode asked for.
///
/// # Errors
/// The library's errors of [`citypair::pairing::PairingBuilder::build`].
pub(crate) fn build(dataset: &citypair::Dataset, mode: ModeArg) -> Result<Pairing<'_>> {
    let builder = Pairing::builder(dataset);
    let builder = match mode {
        ModeArg::Auto => builder,
        ModeArg::Dense => builder.dense(),
        ModeArg::Candidates(k) => builder.candidates(k),
    };
    Ok(builder.build()?)
}

/// The numbers of eligible EU and partner cities.
pub(crate) fn sides(pairing: &Pairing<'_>) -> (usize, usize) {
    (pairing.eu_cities().len(), pairing.partner_cities().len())
}

/// The command line's hints on the library's mode errors: which flag to use, or which flag
/// asked for what cannot be done.
pub(crate) fn hint(e: CliError, mode: ModeArg) -> CliError {
    match e {
        CliError::Lib(e @ Error::TooLarge { .. }) => CliError::usage(
            "size budget",
            format!("{e} (pair --dense forces the dense matrix)"),
        ),
        CliError::Lib(e @ Error::CandidateMode { .. }) => CliError::usage("--candidates", e),
        CliError::Lib(e @ Error::OutOfMemory { .. }) if mode == ModeArg::Dense => {
            CliError::usage("--dense", e)
        }
        other => other,
    }
}
