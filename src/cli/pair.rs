//! `citypair pair`: the pairing of one call, dense or in candidate mode, with the what-ifs of
//! [`super::whatif`] on top.

use std::path::Path;

use citypair::candidates::{self, CandidateOptions};
use citypair::eligibility::Side;
use citypair::{Dataset, Pairing};

use super::json::to_json;
use super::tables::pair_table;
use super::whatif::{self, WhatIfArgs};
use super::{in_file, load, CliError, ObjectiveArg, Result};

/// `pair [INPUT]`: what it prints, or the error (naming `input` where it is about its content).
pub(crate) fn command(
    input: Option<&Path>,
    objective: ObjectiveArg,
    what_if: &WhatIfArgs<'_>,
    candidates: Option<usize>,
    json: bool,
) -> Result<String> {
    let dataset = load(input)?;
    if let Some(k) = candidates {
        return candidates_command(&dataset, k, objective, what_if.any(), json)
            .map_err(|e| in_file(e, input));
    }
    let pairing = Pairing::new(&dataset).map_err(|e| in_file(e, input))?;
    if what_if.any() {
        return whatif::command(&dataset, &pairing, objective, what_if, json)
            .map_err(|e| in_file(e, input));
    }
    let solution = pairing
        .solve(objective.into())
        .map_err(|e| in_file(e, input))?;
    if json {
        to_json(&solution)
    } else {
        Ok(pair_table(&dataset, sides(&pairing), &solution))
    }
}

/// The numbers of eligible EU and partner cities.
pub(crate) fn sides(pairing: &Pairing<'_>) -> (usize, usize) {
    (pairing.eu_cities().len(), pairing.partner_cities().len())
}

/// `pair --candidates K`: candidate mode ([`candidates::pair`]).
fn candidates_command(
    dataset: &Dataset,
    k: usize,
    objective: ObjectiveArg,
    what_if: bool,
    json: bool,
) -> Result<String> {
    if objective != ObjectiveArg::Sum {
        return Err(CliError::usage(
            "--candidates",
            "candidate mode solves the sum objective (leave out --objective or use --objective \
             sum)",
        ));
    }
    if what_if {
        return Err(CliError::usage(
            "--candidates",
            "--without, --lock, --alternatives and --regret need the dense solver; leave out \
             --candidates",
        ));
    }
    if k == 0 {
        return Err(CliError::usage(
            "--candidates",
            "K must be at least 1 (each city keeps its K best counterparts)",
        ));
    }
    let solution = candidates::pair(dataset, k, &CandidateOptions::default())?;
    if json {
        return to_json(&solution);
    }
    // One-to-one: every pair holds one city of each side.
    let unpaired = |side: Side| solution.unmatched.iter().filter(|u| u.side == side).count();
    let n = solution.pairs.len();
    let sides = (n + unpaired(Side::Eu), n + unpaired(Side::Partner));
    Ok(pair_table(dataset, sides, &solution))
}
