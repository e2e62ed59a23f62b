//! The `citypair` command line: argument parsing, the dispatch to one file per command, and
//! the exit codes. It uses only the library's public API; the outside contract (subcommands,
//! JSON fields, exit codes) is documented in the README.
//!
//! Exit codes: 0 success, 1 bad input or infeasible problem, 2 usage error (clap's).

mod bench;
mod compare;
mod datasets;
mod error;
mod generate;
mod json;
mod pair;
mod report;
mod scores;
mod solve;
mod tables;
mod whatif;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use citypair::io;
use citypair::io::embedded::Embedded;
use citypair::{Dataset, Objective};
use clap::{Parser, Subcommand, ValueEnum};

pub(crate) use error::{CliError, Result};

/// Pairs EU cities with partner cities for sustainable-development cooperation, optimally.
#[derive(Debug, Parser)]
#[command(name = "citypair", version, about, long_about = None)]
pub(crate) struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Pair the cities of one call (default input: the embedded IUC 2017 dataset).
    Pair {
        #[command(flatten)]
        input: InputArgs,
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
        /// pair (`"certified_optimal": true`). `sum` only, without rules. Without this flag or
        /// --dense, a call whose score matrix would exceed the size budget (16,000,000
        /// entries) uses candidate mode (K = 32) by itself.
        #[arg(long, value_name = "K", conflicts_with = "dense")]
        candidates: Option<usize>,
        /// The dense score matrix, whatever the size of the call (an error naming the size when
        /// the memory cannot be had).
        #[arg(long)]
        dense: bool,
        /// Print one JSON document instead of a table.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print the pairs as CSV (one row per pair), for spreadsheets.
        #[arg(long, conflicts_with_all = ["without", "lock", "alternatives", "regret"])]
        csv: bool,
    },
    /// The full score matrix of the eligible cities, or how one score was made up.
    Scores {
        #[command(flatten)]
        input: InputArgs,
        /// Explain the score of one EU city with one partner city.
        #[arg(long, num_args = 2, value_names = ["EU_ID", "PARTNER_ID"])]
        explain: Option<Vec<String>>,
        /// Print one JSON document instead of a table.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print the score matrix as CSV, for spreadsheets.
        #[arg(long, conflicts_with = "explain")]
        csv: bool,
    },
    /// Solve the call for every objective and compare them side by side (fairness and the
    /// price of fairness).
    Compare {
        #[command(flatten)]
        input: InputArgs,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write the pairing of one call as a self-contained HTML report (map, charts, fairness,
    /// the objectives side by side, the pair table), for a committee or a PDF.
    Report {
        #[command(flatten)]
        input: InputArgs,
        /// What to optimise.
        #[arg(long, value_enum, default_value_t = ObjectiveArg::Sum)]
        objective: ObjectiveArg,
        /// The file to write.
        #[arg(short, long, value_name = "FILE", default_value = "report.html")]
        output: PathBuf,
        /// Candidate mode with K counterparts per city (as `pair --candidates`).
        #[arg(long, value_name = "K", conflicts_with = "dense")]
        candidates: Option<usize>,
        /// The dense score matrix, whatever the size of the call (as `pair --dense`).
        #[arg(long)]
        dense: bool,
    },
    /// Benchmark pairing runs on generated instances (seeded, reproducible).
    Bench {
        /// Sizes: cities per side (`cities`) or matrix side (the matrix families).
        #[arg(long, value_delimiter = ',', default_values_t = [100usize, 1000])]
        sizes: Vec<usize>,
        /// `cities` (synthetic calls, scored and paired), `real` (seeded samples of the
        /// world-50k cities under the IUC 2017 call, scored and paired), or a cost-matrix
        /// family.
        #[arg(long, default_value = "cities", value_parser = ["uniform", "profile", "int100", "geo", "cities", "real"])]
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
    /// List the embedded datasets (`--dataset NAME`) with their sources and counts.
    Datasets {
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
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

/// Where a call and its cities come from: a JSON document, an embedded dataset (with its own
/// call or another), or a call and a spreadsheet of cities.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct InputArgs {
    /// The call and its cities (JSON); the embedded IUC 2017 dataset when omitted.
    pub(crate) input: Option<PathBuf>,
    /// An embedded dataset instead of INPUT: `iuc-2017` (the default) or `world-50k`
    /// (GeoNames' places of 50,000+; see `citypair datasets`).
    #[arg(
        long,
        value_name = "NAME",
        value_parser = clap::builder::PossibleValuesParser::new(Embedded::ALL.map(Embedded::name)),
        conflicts_with_all = ["input", "cities"]
    )]
    pub(crate) dataset: Option<String>,
    /// The call, a JSON file holding the `call` object: with --cities, the call of those
    /// cities; otherwise applied to the cities of the embedded dataset (--dataset) in place of
    /// its own call.
    #[arg(long, value_name = "CALL.json", conflicts_with = "input")]
    pub(crate) call: Option<PathBuf>,
    /// The cities as a spreadsheet (CSV: one row per city; see the README), with --call.
    #[arg(
        long,
        value_name = "CITIES.csv",
        requires = "call",
        conflicts_with = "input"
    )]
    pub(crate) cities: Option<PathBuf>,
}

impl InputArgs {
    /// The file errors about the input's content are put in front of.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.cities
            .as_deref()
            .or(self.input.as_deref())
            .or(self.call.as_deref())
    }

    /// The embedded dataset `--dataset` names (the default without the flag).
    fn embedded(&self) -> Result<Embedded> {
        match &self.dataset {
            Some(name) => Ok(name.parse()?),
            None => Ok(Embedded::DEFAULT),
        }
    }
}

/// `--objective` of `pair`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ObjectiveArg {
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
pub(crate) enum SolveObjective {
    /// Best total.
    Sum,
    /// Best worst pair (smallest largest cost, or largest smallest score with `--maximize`).
    Bottleneck,
}

/// Parses the process arguments and runs; returns the exit code.
pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    // A forced instruction set the CPU lacks is a usage error, before any work.
    if let Err(e) = citypair::cpu::check_environment() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    if let Command::Generate { eu, partners, seed } = cli.command {
        // Streamed to stdout: a generated call of any size is written city by city.
        let out = std::io::BufWriter::new(std::io::stdout().lock());
        return match generate::write(eu, partners.unwrap_or(eu), seed, out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write the output: {e}");
                ExitCode::from(1)
            }
        };
    }
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
pub(crate) fn run(cli: &Cli) -> Result<String> {
    // The commands that solve start the thread pool and the CPU detection while they read
    // their input (see `solver::warm_up`).
    if matches!(
        cli.command,
        Command::Pair { .. }
            | Command::Report { .. }
            | Command::Compare { .. }
            | Command::Bench { .. }
            | Command::Solve { .. }
    ) {
        citypair::solver::warm_up();
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
            dense,
            json,
            csv,
        } => {
            let what_if = whatif::WhatIfArgs {
                without,
                lock,
                alternatives: *alternatives,
                regret: *regret,
            };
            let mode = pair::ModeArg::of(*candidates, *dense);
            let format = match (json, csv) {
                (true, _) => pair::Format::Json,
                (_, true) => pair::Format::Csv,
                _ => pair::Format::Table,
            };
            pair::command(input, *objective, &what_if, mode, format)
        }
        Command::Scores {
            input,
            explain,
            json,
            csv,
        } => scores::command(input, explain.as_deref(), *json, *csv),
        Command::Report {
            input,
            objective,
            output,
            candidates,
            dense,
        } => report::command(
            input,
            *objective,
            pair::ModeArg::of(*candidates, *dense),
            output,
        ),
        Command::Compare { input, json } => compare::command(input, *json),
        Command::Datasets { json } => datasets::command(*json),
        Command::Bench {
            sizes,
            family,
            seeds,
            json,
            csv,
        } => bench::command(sizes, family, *seeds, *json, *csv),
        Command::Solve {
            matrix,
            maximize,
            objective,
            json,
        } => solve::command(matrix, *maximize, *objective, *json),
        Command::Generate { eu, partners, seed } => {
            let mut out = Vec::new();
            generate::write(*eu, partners.unwrap_or(*eu), *seed, &mut out)
                .map_err(|e| CliError::usage("generate", e))?;
            String::from_utf8(out).map_err(|e| CliError::usage("generate", e))
        }
    }
}

/// Loads the input (a JSON document, a call and a spreadsheet of cities, or an embedded
/// dataset with its own call or another); errors without a file name get the path in front.
fn load(input: &InputArgs) -> Result<Dataset> {
    match (&input.input, &input.call, &input.cities) {
        (_, Some(call), Some(cities)) => {
            io::load_call_and_cities(call, cities).map_err(|e| in_file(e, Some(call)))
        }
        (Some(path), _, _) => io::load_dataset(path).map_err(|e| in_file(e, Some(path))),
        (None, Some(call), None) => {
            let call_object = io::load_call(call).map_err(|e| in_file(e, Some(call)))?;
            input
                .embedded()?
                .with_call(&call_object)
                .map_err(|e| in_file(e, Some(call)))
        }
        (None, None, _) => Ok(input.embedded()?.dataset()?),
    }
}

/// Puts the input file in front of an error about its content that does not name it yet
/// ([`CliError::in_file`]).
fn in_file(e: impl Into<CliError>, input: Option<&Path>) -> CliError {
    e.into().in_file(input)
}
