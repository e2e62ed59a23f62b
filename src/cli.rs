//! The `citypair` command-line tool: a thin layer over [`crate::io`], [`crate::pairing`] and
//! [`crate::solver`]. The outside contract (subcommands, JSON fields, exit codes) is documented
//! in the README.
//!
//! Exit codes: 0 success, 1 bad input or infeasible problem, 2 usage error.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::bench::{self, BenchFamily, BenchRun};
use crate::candidates::{self, CandidateOptions};
use crate::eligibility::Side;
use crate::error::{Error, Result};
use crate::io;
use crate::model::{City, Dataset};
use crate::pairing::{Objective, Pairing, Solution};
use crate::solver::{solve, solve_bottleneck, Sense};
use crate::whatif::{Diff, Planner};

/// Pairs EU cities with partner cities for sustainable-development cooperation, optimally.
#[derive(Debug, Parser)]
#[command(name = "citypair", version, about, long_about = None)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pair the cities of one call (default input: the embedded IUC 2017 dataset).
    Pair {
        /// The call and its cities (JSON); the embedded IUC 2017 dataset when omitted.
        input: Option<PathBuf>,
        /// What to optimise.
        #[arg(long, value_enum, default_value_t = ObjectiveArg::Sum)]
        objective: ObjectiveArg,
        /// What if this city withdraws? Re-solves warm from the optimum and prints what changed
        /// (repeatable; `sum` only).
        #[arg(long, value_name = "CITY_ID")]
        without: Vec<String>,
        /// What if this pair is locked? Re-solves warm from the optimum and prints what changed
        /// (repeatable; `sum` only).
        #[arg(long, num_args = 2, value_names = ["EU_ID", "PARTNER_ID"], action = clap::ArgAction::Append)]
        lock: Vec<String>,
        /// The K best pairings in order of total score, each as its difference from the best
        /// (Murty's ranking; `sum` only).
        #[arg(long, value_name = "K")]
        alternatives: Option<usize>,
        /// For each pair, the total score lost if it were forbidden (`sum` only).
        #[arg(long)]
        regret: bool,
        /// Candidate mode for large calls: keep only each city's K best counterparts in memory
        /// instead of the full score matrix; the result is still proved optimal against every
        /// pair (`"certified_optimal": true`). `sum` only, without rules.
        #[arg(long, value_name = "K")]
        candidates: Option<usize>,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The full score matrix of the eligible cities, or how one score was made up.
    Scores {
        /// The call and its cities (JSON); the embedded IUC 2017 dataset when omitted.
        input: Option<PathBuf>,
        /// Explain the score of one EU city with one partner city.
        #[arg(long, num_args = 2, value_names = ["EU_ID", "PARTNER_ID"])]
        explain: Option<Vec<String>>,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Solve the call for every objective and compare them side by side (fairness and the
    /// price of fairness).
    Compare {
        /// The call and its cities (JSON); the embedded IUC 2017 dataset when omitted.
        input: Option<PathBuf>,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Benchmark pairing runs on generated instances (seeded, reproducible).
    Bench {
        /// Sizes: cities per side (`cities`) or matrix side (the matrix families).
        #[arg(long, value_delimiter = ',', default_values_t = [100usize, 1000])]
        sizes: Vec<usize>,
        /// `cities` (synthetic calls, scored and paired), or a cost-matrix family.
        #[arg(long, default_value = "cities", value_parser = ["uniform", "profile", "int100", "geo", "cities"])]
        family: String,
        /// Runs seeds 0 to K-1 for each size.
        #[arg(long, default_value_t = 1)]
        seeds: u64,
        /// Print one JSON document instead of a table.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV instead of a table.
        #[arg(long)]
        csv: bool,
    },
    /// Write a generated call (seeded synthetic cities: Zipf-like populations, per-country
    /// counts, skewed profiles) as a call-and-cities JSON document, e.g. to time
    /// `pair --candidates` on calls of any size.
    Generate {
        /// EU cities.
        #[arg(long, default_value_t = 1000)]
        eu: usize,
        /// Partner cities (default: as many as EU cities).
        #[arg(long)]
        partners: Option<usize>,
        /// Seed of the generator.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Solve a raw linear assignment problem given as a matrix text file.
    Solve {
        /// The matrix: `rows cols` (or OR-Library `n`) then the entries; `inf`, `-inf` or `x`
        /// forbid a pair.
        matrix: PathBuf,
        /// Maximise the total instead of minimising it.
        #[arg(long)]
        maximize: bool,
        /// `sum`: best total; `bottleneck`: best worst pair, then best total.
        #[arg(long, value_enum, default_value_t = SolveObjective::Sum)]
        objective: SolveObjective,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `--objective` of `pair`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Largest total score.
    Sum,
    /// Largest lowest pair score, then largest total.
    Maxmin,
    /// No blocking pair.
    Stable,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Objective {
        match o {
            ObjectiveArg::Sum => Objective::Sum,
            ObjectiveArg::Maxmin => Objective::MaxMin,
            ObjectiveArg::Stable => Objective::Stable,
        }
    }
}

/// `--objective` of `solve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SolveObjective {
    /// Best total.
    Sum,
    /// Best worst pair (smallest largest cost, or largest smallest score with `--maximize`).
    Bottleneck,
}

/// Parses the process arguments and runs; returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(text) => emit(&text),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Writes `text` to stdout; a closed pipe (`citypair pair | head`) is not an error.
fn emit(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

/// Runs one parsed command and returns what it prints on stdout.
///
/// # Errors
/// Every input, rule or infeasibility error, for the caller to print as `error: ...`.
pub fn run(cli: &Cli) -> Result<String> {
    // The commands that solve start the thread pool and the CPU detection while they read
    // their input (see `solver::warm_up`).
    if matches!(
        cli.command,
        Command::Pair { .. }
            | Command::Compare { .. }
            | Command::Bench { .. }
            | Command::Solve { .. }
    ) {
        crate::solver::warm_up();
    }
    match &cli.command {
        Command::Pair {
            input,
            objective,
            without,
            lock,
            alternatives,
            regret,
            candidates,
            json,
        } => {
            let dataset = load(input.as_deref())?;
            let what_if = WhatIfArgs {
                without,
                lock,
                alternatives: *alternatives,
                regret: *regret,
            };
            if let Some(k) = candidates {
                return candidates_command(&dataset, *k, *objective, what_if.any(), *json)
                    .map_err(|e| in_file(e, input.as_deref()));
            }
            let pairing = Pairing::new(&dataset).map_err(|e| in_file(e, input.as_deref()))?;
            if what_if.any() {
                return what_if_command(&dataset, &pairing, *objective, &what_if, *json)
                    .map_err(|e| in_file(e, input.as_deref()));
            }
            let solution = pairing
                .solve((*objective).into())
                .map_err(|e| in_file(e, input.as_deref()))?;
            if *json {
                to_json(&solution)
            } else {
                Ok(pair_table(&dataset, sides(&pairing), &solution))
            }
        }
        Command::Scores {
            input,
            explain,
            json,
        } => {
            let dataset = load(input.as_deref())?;
            let pairing = Pairing::new(&dataset).map_err(|e| in_file(e, input.as_deref()))?;
            match explain.as_deref() {
                Some([eu, partner]) => {
                    let e = pairing
                        .explain(eu, partner)
                        .map_err(|e| in_file(e, input.as_deref()))?;
                    if *json {
                        to_json(&e)
                    } else {
                        Ok(e.to_string())
                    }
                }
                _ if *json => to_json(&ScoresJson::new(&pairing)),
                _ => Ok(scores_table(&pairing)),
            }
        }
        Command::Compare { input, json } => {
            let dataset = load(input.as_deref())?;
            let pairing = Pairing::new(&dataset).map_err(|e| in_file(e, input.as_deref()))?;
            let rows = [Objective::Sum, Objective::MaxMin, Objective::Stable]
                .into_iter()
                .map(|o| pairing.solve(o).map(|s| CompareRow::new(&s)))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| in_file(e, input.as_deref()))?;
            if *json {
                to_json(&CompareJson {
                    call: &dataset.call.name,
                    objectives: rows,
                })
            } else {
                Ok(compare_table(&dataset.call.name, &rows))
            }
        }
        Command::Bench {
            sizes,
            family,
            seeds,
            json,
            csv,
        } => bench_command(sizes, family, *seeds, *json, *csv),
        Command::Solve {
            matrix,
            maximize,
            objective,
            json,
        } => solve_command(matrix, *maximize, *objective, *json),
        Command::Generate { eu, partners, seed } => {
            let call = crate::synthetic::call(*eu, partners.unwrap_or(*eu), *seed);
            let mut text = io::dataset_json(&call).to_string();
            text.push('\n');
            Ok(text)
        }
    }
}

/// Loads the input, or the embedded dataset; errors without a file name get the path in front.
fn load(input: Option<&Path>) -> Result<Dataset> {
    match input {
        None => io::embedded_dataset(),
        Some(path) => io::load_dataset(path).map_err(|e| in_file(e, Some(path))),
    }
}

/// Puts the input file in front of an error about its content that does not name it yet
/// (I/O, JSON and matrix errors already do).
fn in_file(e: Error, input: Option<&Path>) -> Error {
    let Some(path) = input else { return e };
    match e {
        Error::Invalid { location, message } => Error::Invalid {
            location: format!("{}: {location}", path.display()),
            message,
        },
        Error::DuplicateCity { .. } | Error::NoPairs { .. } | Error::UnknownCity { .. } => {
            Error::Invalid {
                location: path.display().to_string(),
                message: e.to_string(),
            }
        }
        other => other,
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| Error::invalid("output", e))?;
    s.push('\n');
    Ok(s)
}

/// `citypair scores --json`.
#[derive(Serialize)]
struct ScoresJson<'a> {
    call: &'a str,
    eu: Vec<&'a str>,
    partners: Vec<&'a str>,
    scores: Vec<&'a [f64]>,
}

impl<'a> ScoresJson<'a> {
    fn new(p: &'a Pairing<'a>) -> Self {
        ScoresJson {
            call: &p.call().name,
            eu: p.eu_cities().map(|c| c.id.as_str()).collect(),
            partners: p.partner_cities().map(|c| c.id.as_str()).collect(),
            scores: p.matrix().iter_rows().collect(),
        }
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

/// The numbers of eligible EU and partner cities.
fn sides(pairing: &Pairing<'_>) -> (usize, usize) {
    (pairing.eu_cities().len(), pairing.partner_cities().len())
}

/// `pair --candidates K`: candidate mode ([`crate::candidates::pair`]).
fn candidates_command(
    dataset: &Dataset,
    k: usize,
    objective: ObjectiveArg,
    what_if: bool,
    json: bool,
) -> Result<String> {
    if objective != ObjectiveArg::Sum {
        return Err(Error::invalid(
            "--candidates",
            "candidate mode solves the sum objective (leave out --objective or use --objective \
             sum)",
        ));
    }
    if what_if {
        return Err(Error::invalid(
            "--candidates",
            "--without, --lock, --alternatives and --regret need the dense solver; leave out \
             --candidates",
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

/// The most alternatives `pair --alternatives` lists (each holds a copy of the pairing state).
const MAX_ALTERNATIVES: usize = 10_000;

/// The what-if options of `pair`.
struct WhatIfArgs<'a> {
    without: &'a [String],
    /// Flattened `EU PARTNER` pairs.
    lock: &'a [String],
    alternatives: Option<usize>,
    regret: bool,
}

impl WhatIfArgs<'_> {
    fn any(&self) -> bool {
        !self.without.is_empty()
            || !self.lock.is_empty()
            || self.alternatives.is_some()
            || self.regret
    }
}

/// `pair --without / --lock / --alternatives / --regret`: what-ifs on the `sum` optimum,
/// warm-started from it ([`crate::whatif::Planner`]).
fn what_if_command(
    dataset: &Dataset,
    pairing: &Pairing<'_>,
    objective: ObjectiveArg,
    args: &WhatIfArgs<'_>,
    json: bool,
) -> Result<String> {
    if objective != ObjectiveArg::Sum {
        return Err(Error::invalid(
            "--objective",
            "--without, --lock, --alternatives and --regret work on the sum objective \
             (leave out --objective or use --objective sum)",
        ));
    }
    let changes = !args.without.is_empty() || !args.lock.is_empty();
    if changes && (args.alternatives.is_some() || args.regret) {
        return Err(Error::invalid(
            "--alternatives/--regret",
            "rank alternatives or regrets on the call as it is, not together with --without \
             or --lock (run them separately)",
        ));
    }
    match args.alternatives {
        Some(0) => return Err(Error::invalid("--alternatives", "K must be at least 1")),
        Some(k) if k > MAX_ALTERNATIVES => {
            return Err(Error::invalid(
                "--alternatives",
                format!("K = {k} is more than the {MAX_ALTERNATIVES} this command lists"),
            ))
        }
        _ => {}
    }
    let planner = Planner::new(pairing)?;
    if changes {
        let locks: Vec<(String, String)> = args
            .lock
            .chunks_exact(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        let r = planner.resolve(args.without, &locks)?;
        if json {
            let mut value =
                serde_json::to_value(&r.solution).map_err(|e| Error::invalid("output", e))?;
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
        let mut out = pair_table(dataset, sides(pairing), &r.solution);
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
        return Ok(out);
    }
    let solution = pairing.solve(Objective::Sum)?;
    let alternatives = match args.alternatives {
        Some(k) => Some(planner.alternatives(k)?),
        None => None,
    };
    let regrets = args.regret.then(|| planner.regrets());
    if json {
        let mut value = serde_json::to_value(&solution).map_err(|e| Error::invalid("output", e))?;
        if let Some(r) = &regrets {
            if let Some(pairs) = value["pairs"].as_array_mut() {
                for (p, r) in pairs.iter_mut().zip(r) {
                    p["regret"] = serde_json::json!(r.regret);
                }
            }
        }
        if let Some(a) = &alternatives {
            value["alternatives"] =
                serde_json::to_value(a).map_err(|e| Error::invalid("output", e))?;
        }
        return to_json(&value);
    }
    let mut out = pair_table(dataset, sides(pairing), &solution);
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

/// A city as `Name (CC)`.
fn label(c: &City) -> String {
    format!("{} ({})", c.name, c.country)
}

/// The `pair` table; `sides` are the numbers of eligible EU and partner cities.
fn pair_table(dataset: &Dataset, sides: (usize, usize), s: &Solution) -> String {
    let city = |id: &str| dataset.cities.iter().find(|c| c.id == id);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}): objective {}, {} pairs of {} EU and {} partner cities, total score {:.4}{}",
        s.call,
        dataset.call.date,
        s.objective,
        s.pairs.len(),
        sides.0,
        sides.1,
        s.total_score,
        if s.certified_optimal && s.objective != Objective::Stable {
            " (certified optimal)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "\n{:<30} {:<30} {:>6}  strongest shared themes (contribution to the score)",
        "EU city", "partner city", "score"
    );
    for p in &s.pairs {
        let themes: Vec<String> = p
            .shared
            .iter()
            .map(|t| format!("{} {:.3}", t.theme, t.contribution))
            .collect();
        let _ = writeln!(
            out,
            "{:<30} {:<30} {:>6.3}  {}",
            city(&p.eu).map_or(p.eu.clone(), label),
            city(&p.partner).map_or(p.partner.clone(), label),
            p.score,
            themes.join(", ")
        );
    }
    let f = &s.fairness;
    let _ = writeln!(
        out,
        "\nfairness: lowest {}, mean {:.4}, Gini {:.4}, blocking pairs {}, worst off {}",
        f.min_score.map_or("-".into(), |m| format!("{m:.4}")),
        f.mean_score,
        f.gini,
        f.blocking_pairs,
        f.worst_off.as_ref().map_or("-".into(), |w| format!(
            "{} - {} ({:.4})",
            w.eu, w.partner, w.score
        ))
    );
    if s.objective != Objective::Sum {
        let _ = writeln!(
            out,
            "price of fairness: {:.4} below the sum optimum of {:.4}",
            s.price_of_fairness.loss, s.price_of_fairness.sum_total
        );
    }
    if let Some(t) = s.threshold {
        let _ = writeln!(
            out,
            "max-min threshold: no pairing of as many pairs has a lowest score above {t:.6}"
        );
    }
    if !s.unmatched.is_empty() {
        let _ = writeln!(out, "\nunmatched ({}):", s.unmatched.len());
        for u in &s.unmatched {
            let _ = writeln!(out, "  {:<24} {:<8} {}", u.id, u.side, u.reason);
        }
    }
    if !s.excluded.is_empty() {
        let _ = writeln!(out, "\nexcluded ({}):", s.excluded.len());
        for e in &s.excluded {
            let _ = writeln!(out, "  {:<24} {}", e.id, e.reason);
        }
    }
    let _ = writeln!(
        out,
        "\nscore ms {:.1}, solve ms {:.1}; `citypair scores --explain EU PARTNER` explains a score",
        s.timings_ms.score, s.timings_ms.solve
    );
    out
}

fn scores_table(p: &Pairing<'_>) -> String {
    let partners: Vec<&City> = p.partner_cities().collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} EU cities x {} partner cities; each EU city's five best partners (`--json` prints the full matrix)\n",
        p.eu_cities().len(),
        partners.len()
    );
    for (eu, row) in p.eu_cities().zip(p.matrix().iter_rows()) {
        let mut best: Vec<(usize, f64)> = row.iter().copied().enumerate().collect();
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let list: Vec<String> = best
            .iter()
            .take(5)
            .map(|&(j, s)| format!("{} {s:.3}", partners[j].id))
            .collect();
        let _ = writeln!(out, "{:<24} {}", eu.id, list.join(", "));
    }
    out
}

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
}

fn solve_command(
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
        return Err(Error::invalid(
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
    };
    if json {
        return to_json(&out);
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} x {} matrix, {} {}: total {}{}; {} pairs (row -> column, 0-based); solve {:.3} ms",
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
        out.solve_ms
    );
    for [r, c] in &out.pairs {
        let _ = writeln!(s, "{r} -> {c}");
    }
    Ok(s)
}

/// `citypair bench --json`.
#[derive(Serialize)]
struct BenchJson {
    runs: Vec<BenchRun>,
}

fn bench_command(
    sizes: &[usize],
    family: &str,
    seeds: u64,
    json: bool,
    csv: bool,
) -> Result<String> {
    let family: BenchFamily = family.parse()?;
    let total = sizes.len() as u64 * seeds;
    // Drawn on stderr, and only when stderr is a terminal (indicatif hides it otherwise).
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut runs = Vec::new();
    for &n in sizes {
        for seed in 0..seeds {
            bar.set_message(format!("{family} n = {n} seed {seed}"));
            runs.push(bench::run(family, n, seed)?);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    if json {
        return to_json(&BenchJson { runs });
    }
    let mut out = String::new();
    if csv {
        let _ = writeln!(out, "family,n,seed,build_ms,solve_ms,total,peak_rss_mib");
        for r in &runs {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{}",
                r.family,
                r.n,
                r.seed,
                r.build_ms,
                r.solve_ms,
                r.total,
                r.peak_rss_mib.map_or(String::new(), |m| m.to_string())
            );
        }
        return Ok(out);
    }
    let _ = writeln!(
        out,
        "{:<8} {:>7} {:>5} {:>11} {:>11} {:>18} {:>10}",
        "family", "n", "seed", "build ms", "solve ms", "total", "peak MiB"
    );
    for r in &runs {
        let _ = writeln!(
            out,
            "{:<8} {:>7} {:>5} {:>11.2} {:>11.2} {:>18.6} {:>10}",
            r.family,
            r.n,
            r.seed,
            r.build_ms,
            r.solve_ms,
            r.total,
            r.peak_rss_mib.map_or("-".into(), |m| format!("{m:.1}"))
        );
    }
    Ok(out)
}
