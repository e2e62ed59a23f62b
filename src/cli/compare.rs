//! `citypair compare`: the call solved for every objective, side by side (fairness and the
//! price of fairness), as [`Pairing::compare`] gives them.

use std::fmt::Write as _;

use citypair::pairing::ObjectiveSummary;
use citypair::Pairing;
use serde::Serialize;

use super::json::to_json;
use super::{in_file, load, InputArgs, Result};

/// `compare [INPUT]`: what it prints, or the error.
pub(crate) fn command(args: &InputArgs, json: bool) -> Result<String> {
    let dataset = load(args)?;
    let input = args.path();
    // Every objective: the dense matrix, whatever the size (an error naming the size when it
    // cannot be allocated).
    let rows = Pairing::builder(&dataset)
        .dense()
        .build()
        .and_then(|pairing| pairing.compare())
        .map_err(|e| in_file(e, input))?;
    if json {
        to_json(&CompareJson {
            call: dataset.call().name(),
            objectives: rows,
        })
    } else {
        Ok(compare_table(dataset.call().name(), &rows))
    }
}

/// `citypair compare --json`.
#[derive(Serialize)]
struct CompareJson<'a> {
    call: &'a str,
    objectives: Vec<ObjectiveSummary>,
}

fn compare_table(call: &str, rows: &[ObjectiveSummary]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{call}: the three objectives side by side\n");
    let _ = writeln!(
        out,
        "| objective | pairs | total score | lowest score | mean score | Gini | blocking pairs | price of fairness |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.4} | {} | {:.4} | {:.4} | {} | {:.4} |",
            r.objective,
            r.pairs,
            r.total_score,
            r.min_score.map_or("-".into(), |m| format!("{m:.4}")),
            r.mean_score,
            r.gini,
            r.blocking_pairs,
            r.price_of_fairness
        );
    }
    out
}
