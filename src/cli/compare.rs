//! `citypair compare`: the call solved for every objective, side by side (fairness and the
//! price of fairness).

use std::fmt::Write as _;

use citypair::{Objective, Pairing, Solution};
use serde::Serialize;

use super::json::to_json;
use super::{in_file, load, InputArgs, Result};

/// `compare [INPUT]`: what it prints, or the error.
pub(crate) fn command(args: &InputArgs, json: bool) -> Result<String> {
    let dataset = load(args)?;
    let input = args.path();
    // Every objective: the dense matrix, whatever the size (an error naming the size when it
    // cannot be allocated).
    let pairing = Pairing::builder(&dataset)
        .dense()
        .build()
        .map_err(|e| in_file(e, input))?;
    let rows = [Objective::Sum, Objective::MaxMin, Objective::Stable]
        .into_iter()
        .map(|o| pairing.solve(o).map(|s| CompareRow::new(&s)))
        .collect::<citypair::Result<Vec<_>>>()
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

/// One objective's line in `citypair compare`.
#[derive(Serialize)]
struct CompareRow {
    objective: Objective,
    pairs: usize,
    total_score: f64,
    min_score: Option<f64>,
    mean_score: f64,
    gini: f64,
    blocking_pairs: usize,
    price_of_fairness: f64,
}

impl CompareRow {
    fn new(s: &Solution) -> Self {
        CompareRow {
            objective: s.objective,
            pairs: s.pairs.len(),
            total_score: s.total_score,
            min_score: s.min_score,
            mean_score: s.fairness.mean_score,
            gini: s.fairness.gini,
            blocking_pairs: s.fairness.blocking_pairs,
            price_of_fairness: s.price_of_fairness.loss,
        }
    }
}

/// `citypair compare --json`.
#[derive(Serialize)]
struct CompareJson<'a> {
    call: &'a str,
    objectives: Vec<CompareRow>,
}

fn compare_table(call: &str, rows: &[CompareRow]) -> String {
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
