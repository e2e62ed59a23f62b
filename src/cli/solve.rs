//! `citypair solve`: a raw linear assignment problem from a matrix text file.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use citypair::io;
use citypair::solver::{solve, solve_bottleneck, Sense};

use serde::Serialize;

use super::json::to_json;
use super::{CliError, Result, SolveObjective};

/// `citypair solve --json`.
#[derive(Serialize)]
struct SolveJson {
    rows: usize,
    cols: usize,
    objective: &'static str,
    maximize: bool,
    total: f64,
    /// Present (possibly `null`, for an empty matrix) with `--objective bottleneck` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    bottleneck: Option<serde_json::Value>,
    pairs: Vec<[usize; 2]>,
    solve_ms: f64,
    /// The kernels' instruction set (`CITYPAIR_ISA` forces one).
    isa: &'static str,
}

/// `solve MATRIX`: what it prints, or the error.
pub(crate) fn command(
    path: &Path,
    maximize: bool,
    objective: SolveObjective,
    json: bool,
) -> Result<String> {
    let m = io::load_matrix(path)?;
    let sense = if maximize {
        Sense::Maximize
    } else {
        Sense::Minimize
    };
    let start = Instant::now();
    let (assignment, bottleneck) = match objective {
        SolveObjective::Sum => (solve(&m.data, m.rows, m.cols, sense)?, None),
        SolveObjective::Bottleneck => {
            let b = solve_bottleneck(&m.data, m.rows, m.cols, sense)?;
            (b.assignment, Some(serde_json::json!(b.threshold)))
        }
    };
    let solve_ms = start.elapsed().as_secs_f64() * 1e3;
    if !assignment.total().is_finite() {
        return Err(CliError::usage(
            path.display(),
            format!(
                "the optimal total is {} in double precision: the entries are too large to add up",
                assignment.total()
            ),
        ));
    }
    let out = SolveJson {
        rows: m.rows,
        cols: m.cols,
        objective: match objective {
            SolveObjective::Sum => "sum",
            SolveObjective::Bottleneck => "bottleneck",
        },
        maximize,
        total: assignment.total(),
        bottleneck,
        pairs: assignment.pairs().map(|(r, c)| [r, c]).collect(),
        solve_ms,
        isa: citypair::cpu::instruction_set(),
    };
    if json {
        return to_json(&out);
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} x {} matrix, {} {}: total {}{}; {} pairs (row -> column, 0-based); solve {:.3} ms ({})",
        out.rows,
        out.cols,
        if maximize { "maximise" } else { "minimise" },
        out.objective,
        out.total,
        out.bottleneck
            .as_ref()
            .and_then(serde_json::Value::as_f64)
            .map_or(String::new(), |b| format!(", bottleneck {b}")),
        out.pairs.len(),
        out.solve_ms,
        out.isa
    );
    for [r, c] in &out.pairs {
        let _ = writeln!(s, "{r} -> {c}");
    }
    Ok(s)
}
