//! `pair --without / --lock / --alternatives / --regret`: what-ifs on the `sum` optimum,
//! warm-started from it ([`Planner`]).

use std::fmt::Write as _;

use citypair::whatif::{Diff, Planner};
use citypair::{Dataset, Objective, Pairing};

use super::json::{to_json, to_value};
use super::pair::sides;
use super::tables::pair_table;
use super::{CliError, ObjectiveArg, Result};

/// The most alternatives `pair --alternatives` lists (each holds a copy of the pairing state).
const MAX_ALTERNATIVES: usize = 10_000;

/// The what-if options of `pair`.
pub(crate) struct WhatIfArgs<'a> {
    pub(crate) without: &'a [String],
    /// Flattened `EU PARTNER` pairs.
    pub(crate) lock: &'a [String],
    pub(crate) alternatives: Option<usize>,
    pub(crate) regret: bool,
}

impl WhatIfArgs<'_> {
    pub(crate) fn any(&self) -> bool {
        !self.without.is_empty()
            || !self.lock.is_empty()
            || self.alternatives.is_some()
            || self.regret
    }
}

/// `pair --without / --lock / --alternatives / --regret`: what-ifs on the `sum` optimum,
/// warm-started from it ([`Planner`]).
pub(crate) fn command(
    dataset: &Dataset,
    pairing: &Pairing<'_>,
    objective: ObjectiveArg,
    args: &WhatIfArgs<'_>,
    json: bool,
) -> Result<String> {
    let changes = check(objective, args)?;
    let run = WhatIf {
        dataset,
        pairing,
        planner: Planner::new(pairing)?,
        args,
        json,
    };
    if changes {
        return run.what_if();
    }
    run.ranked()
}

/// A `pair` run with what-ifs: the call, its pairing, the planner warm from its optimum, and
/// the options.
struct WhatIf<'p, 'a> {
    dataset: &'a Dataset,
    pairing: &'p Pairing<'a>,
    planner: Planner<'p, 'a>,
    args: &'p WhatIfArgs<'p>,
    json: bool,
}

/// Checks the options together; whether they change the call (`--without`, `--lock`).
fn check(objective: ObjectiveArg, args: &WhatIfArgs<'_>) -> Result<bool> {
    if objective != ObjectiveArg::Sum {
        return Err(CliError::usage(
            "--objective",
            "--without, --lock, --alternatives and --regret work on the sum objective \
             (leave out --objective or use --objective sum)",
        ));
    }
    let changes = !args.without.is_empty() || !args.lock.is_empty();
    if changes && (args.alternatives.is_some() || args.regret) {
        return Err(CliError::usage(
            "--alternatives/--regret",
            "rank alternatives or regrets on the call as it is, not together with --without \
             or --lock (run them separately)",
        ));
    }
    match args.alternatives {
        Some(0) => return Err(CliError::usage("--alternatives", "K must be at least 1")),
        Some(k) if k > MAX_ALTERNATIVES => {
            return Err(CliError::usage(
                "--alternatives",
                format!("K = {k} is more than the {MAX_ALTERNATIVES} this command lists"),
            ))
        }
        _ => {}
    }
    Ok(changes)
}

impl WhatIf<'_, '_> {
    /// `--without` / `--lock`: the call re-solved with the changes, and what changed.
    fn what_if(&self) -> Result<String> {
        let (dataset, pairing, planner, args, json) = self.parts();
        let locks: Vec<(String, String)> = args
            .lock
            .chunks_exact(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        let r = planner.resolve(args.without, &locks)?;
        if json {
            let mut value = to_value(&r.solution)?;
            value["what_if"] = serde_json::json!({
                "without": args.without,
                "locked": locks.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>(),
                "baseline_total": r.diff.baseline_total,
                "total_score": r.diff.total_score,
                "loss": r.diff.loss,
                "removed": r.diff.removed,
                "added": r.diff.added,
            });
            return to_json(&value);
        }
        let mut out = pair_table(dataset, sides(pairing), &r.solution, "");
        let mut what = Vec::new();
        if !args.without.is_empty() {
            what.push(format!("without {}", args.without.join(", ")));
        }
        for (a, b) in &locks {
            what.push(format!("lock {a} - {b}"));
        }
        let _ = writeln!(
        out,
        "\nwhat if {}: total {:.4}, {:.4} below the optimum of {:.4} (re-solved warm in {:.2} ms)",
        what.join(", "),
        r.diff.total_score,
        r.diff.loss,
        r.diff.baseline_total,
        r.resolve_ms
    );
        write_changes(&mut out, &r.diff);
        Ok(out)
    }

    /// `--alternatives` / `--regret`: the optimum with the ranked alternatives or each pair's
    /// regret.
    fn ranked(&self) -> Result<String> {
        let (dataset, pairing, planner, args, json) = self.parts();
        let solution = pairing.solve(Objective::Sum)?;
        let alternatives = match args.alternatives {
            Some(k) => Some(planner.alternatives(k)?),
            None => None,
        };
        let regrets = args.regret.then(|| planner.regrets());
        if json {
            let mut value = to_value(&solution)?;
            if let Some(r) = &regrets {
                if let Some(pairs) = value["pairs"].as_array_mut() {
                    for (p, r) in pairs.iter_mut().zip(r) {
                        p["regret"] = serde_json::json!(r.regret);
                    }
                }
            }
            if let Some(a) = &alternatives {
                value["alternatives"] = to_value(a)?;
            }
            return to_json(&value);
        }
        let mut out = pair_table(dataset, sides(pairing), &solution, "");
        if let Some(r) = &regrets {
            let _ = writeln!(
                out,
                "\nregret: the total score lost if a pair were forbidden"
            );
            for x in r {
                let _ = writeln!(
                    out,
                    "  {:<24} {:<24} {}",
                    x.eu,
                    x.partner,
                    x.regret.map_or(
                        "- (no pairing without it keeps the rules)".into(),
                        |g| format!("{g:.6}")
                    )
                );
            }
        }
        if let Some(alts) = &alternatives {
            let _ = writeln!(out, "\nthe {} best pairings (Murty's ranking):", alts.len());
            for a in alts {
                let _ = writeln!(
                    out,
                    "  #{:<3} total {:.6}  loss {}  {} pairs changed",
                    a.rank,
                    a.diff.total_score,
                    small(a.diff.loss),
                    a.diff.removed.len()
                );
                let mut detail = String::new();
                write_changes(&mut detail, &a.diff);
                for line in detail.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        Ok(out)
    }

    /// The run's parts, for the commands' bodies.
    fn parts(
        &self,
    ) -> (
        &Dataset,
        &Pairing<'_>,
        &Planner<'_, '_>,
        &WhatIfArgs<'_>,
        bool,
    ) {
        (
            self.dataset,
            self.pairing,
            &self.planner,
            self.args,
            self.json,
        )
    }
}

/// A score difference: six decimals, or three significant digits when it is smaller.
fn small(x: f64) -> String {
    if x == 0.0 || x.abs() >= 1e-4 {
        format!("{x:.6}")
    } else {
        format!("{x:.2e}")
    }
}

/// The removed and added pairs of a [`Diff`], one per line.
fn write_changes(out: &mut String, diff: &Diff) {
    for p in &diff.removed {
        let _ = writeln!(out, "  - {} - {} ({:.4})", p.eu, p.partner, p.score);
    }
    for p in &diff.added {
        let _ = writeln!(out, "  + {} - {} ({:.4})", p.eu, p.partner, p.score);
    }
}
