//! # citypair
//!
//! Pairs EU cities with cities on other continents that face similar sustainability challenges,
//! as the EU's International Urban Cooperation programme (IUC) did from 2017, but transparently:
//! every score is explained, every pairing is provably optimal, and the same input always gives
//! the same pairing.
//!
//! The pipeline, one module per concern:
//!
//! | step | module | what it does |
//! |---|---|---|
//! | input | [`io`] | reads a call and its cities (JSON, feature `serde`) or a raw matrix, writes a dataset as JSON, with errors that name the city, field, line or file |
//! | data | [`model`] | themes, challenge profiles, cities, calls, dates, datasets, each checked when it is built |
//! | errors | [`error`] | the typed [`Error`]: where a bad value is, Hall witnesses, quota figures, what a mode does not support |
//! | eligibility | [`eligibility`] | EU membership on the call's date, partner countries, population threshold |
//! | scoring | [`scoring`] | challenge similarity, expertise complementarity and size similarity, each explainable; the single-precision screen of candidate mode, next to the model it mirrors |
//! | matrix | [`matrix`] | the score matrix, built in parallel (feature `rayon`), bit-identical to the sequential build, allocated fallibly |
//! | solver | [`solver`] | our own exact shortest-augmenting-path (Jonker-Volgenant) assignment solver, dense and sparse, on any matrix through [`solver::Matrix`], the bottleneck objective, Hall witnesses of infeasibility, and the exact search over a matrix that is never stored (candidate mode's engine) |
//! | rules | [`rules`] | programme rules: minimum score, forbidden and locked pairs, quotas, capacities; solved exactly as a min-cost circulation |
//! | pairing | [`pairing`] | the builder (dense or candidate mode, chosen by a size budget; a custom scorer), objectives `sum`, `maxmin` and `stable`, and the assembled solution (dense or candidate mode): pairs, unmatched cities and why, fairness figures, proofs |
//! | certificate | [`certificate`] | the LP dual every `sum` result carries, and a check of it that anyone can run |
//! | candidates | [`candidates`] | candidate mode's API: each city's K best counterparts, a sparse solve, pricing against every pair until the optimum is certified, and the screened check of its certificate |
//! | what-ifs | [`whatif`] | warm re-solves after a withdrawal or a lock, the K best pairings (Murty), regrets |
//! | fairness | [`fairness`] | lowest and mean score, Gini, blocking pairs (one count for every mode), worst-off pair, figures per country and region |
//! | cpu | [`cpu`] | the instruction set of the solver's and the screen's kernels, forced with `CITYPAIR_ISA` for measurement |
//! | bench | [`mod@bench`] | timed runs on generated instances (`citypair bench`), peak memory |
//! | synthetic | [`synthetic`] | seeded generators of realistic calls and cost matrices, for benchmarks and tests |
//! | testing | `testing` (feature `testing`) | proptest strategies and the fairness properties as checking functions |
//!
//! The command-line tool `citypair` is not part of the library: it is the crate's binary
//! (`src/main.rs` and its private module tree `src/cli/`, feature `cli`), built on the public API
//! above.
//!
//! ## Quick start
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use citypair::{io, Objective, Pairing};
//!
//! // The IUC 2017 call compiled into the crate (`fixtures/iuc-2017.json`, feature `serde`).
//! let dataset = io::embedded_dataset()?;
//! let pairing = Pairing::new(&dataset)?;
//! let solution = pairing.solve(Objective::Sum)?;
//!
//! // 128 partner cities, fewer than the 191 eligible EU cities: every partner is paired.
//! assert_eq!(solution.pairs.len(), pairing.partner_cities().len());
//! assert!(solution.certified_optimal);
//! for pair in solution.pairs.iter().take(3) {
//!     println!("{} - {}: {:.3}", pair.eu, pair.partner, pair.score);
//! }
//! // Every score can be explained term by term, to the last bit.
//! let first = &solution.pairs[0];
//! let why = pairing.explain(&first.eu, &first.partner)?;
//! assert_eq!(why.score, first.score);
//! # }
//! # Ok::<(), citypair::Error>(())
//! ```
//!
//! The solver is usable on its own, on any dense matrix of `f64`, `f32`, `i64` or `i32` (a
//! row-major slice, or anything that implements [`solver::Matrix`]):
//!
//! ```
//! use citypair::solver::{solve, solve_matrix, Sense};
//! let costs = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
//! let a = solve(&costs, 3, 3, Sense::Minimize)?;
//! assert_eq!(a.total(), 5.0);
//! let b = solve_matrix(&[[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]], Sense::Minimize)?;
//! assert_eq!(b, a);
//! # Ok::<(), citypair::Error>(())
//! ```
//!
//! ## Calls of any size
//!
//! A [`Pairing`] is dense (the full score matrix, `8 · E · P` bytes, which every objective,
//! rule and what-if reads) or in candidate mode ([`candidates`]: each city's `K` best
//! counterparts, the `sum` optimum still certified over every pair). [`Pairing::new`] chooses
//! by a fixed size budget ([`pairing::SIZE_BUDGET`], 16,000,000 entries);
//! [`pairing::PairingBuilder`] forces either, and every [`Solution`] says which it used
//! ([`Solution::mode`]). No input makes the library abort: a dense buffer whose size comes from
//! the input that cannot be allocated is an [`Error::OutOfMemory`] naming its size (see
//! [`pairing#modes`]).
//!
//! ## Crate features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `cli` | on | the `citypair` command-line tool (the binary; needs `clap` and `indicatif`, and turns on `serde`, `csv` and `report`). The library never depends on them: `default-features = false` leaves them out |
//! | `rayon` | on | parallel work on rayon's current thread pool: the score matrix, candidate scans, the solver's first pass and range check on large matrices, stable pairing's row sorts, what-if searches. Without it the same results come out, sequentially (`parallel` options are then ignored) |
//! | `serde` | on | `Serialize` on the result and model types (their JSON form is what `citypair ... --json` prints), and call-and-cities JSON: [`io::parse_dataset`], [`io::load_dataset`], [`io::embedded_dataset`], [`io::dataset_json`] (with `serde_json`) |
//! | `report` | on | [`report`](crate#crate-features) (module `citypair::report`): the static HTML report of a pairing (map, charts, fairness, the objectives side by side, the pair table), as `citypair report` writes it; turns on `serde` |
//! | `csv` | on | spreadsheets ([`io::csv`](crate#crate-features)): cities from CSV ([`io::load_call_and_cities`](crate#crate-features)), pairs and the score matrix as CSV (the `csv` crate); turns on `serde` |
//! | `testing` | off | [`testing`](crate#crate-features) (module `citypair::testing`): proptest strategies for cities, calls and score matrices, and the fairness properties as public checking functions |
//!
//! With no feature at all (`default-features = false`) the crate is the model, eligibility,
//! scoring, score matrix, solvers, rules, pairing, what-ifs, candidate mode and fairness, on a
//! [`Dataset`] built in code, and the matrix text reader ([`io::parse_matrix`]):
//!
//! ```
//! use citypair::model::{Call, City, Date, Profile, Theme};
//! use citypair::{Dataset, Objective, Pairing};
//!
//! let city = |id: &str, country: &str, theme: Theme| -> citypair::Result<City> {
//!     City::builder(id, id, country.parse().expect("two letters"), 500_000)
//!         .challenges(Profile::from_pairs([(theme, 0.9)])?)
//!         .build()
//! };
//! let call = Call::builder("built in code", Date::new(2017, 9, 21)?)
//!     .partner_countries(["BR".parse().expect("two letters")])
//!     .build()?;
//! let dataset = Dataset::new(
//!     call,
//!     vec![
//!         city("lyon", "FR", Theme::UrbanMobility)?,
//!         city("poznan", "PL", Theme::AirQuality)?,
//!         city("curitiba", "BR", Theme::UrbanMobility)?,
//!         city("recife", "BR", Theme::AirQuality)?,
//!     ],
//! )?;
//! let best = Pairing::new(&dataset)?.solve(Objective::Sum)?;
//! assert_eq!(best.partner_of("lyon"), Some("curitiba"));
//! assert_eq!(best.partner_of("poznan"), Some("recife"));
//! # Ok::<(), citypair::Error>(())
//! ```
//!
//! ## Errors
//!
//! Every fallible function returns [`Result`], whose [`Error`] is a `#[non_exhaustive]` enum
//! with structured fields: where an invalid value is ([`error::Location`]: the city id and
//! field, the call field, the quota or pair number, or a parameter by its Rust name), the rows
//! and columns of a Hall witness ([`Error::witness`]), a quota's numbers, what a mode does not
//! support. No message names a command-line flag; the `citypair` tool adds its own hints.
//!
//! ## API stability
//!
//! One rule decides how each public type may grow without a breaking change:
//!
//! - **Types that hold an invariant have private fields**, a checking constructor or builder,
//!   and getters: [`model::Date`], [`model::Profile`], [`model::Weights`], [`City`]
//!   ([`City::builder`]), [`Call`] ([`Call::builder`]), [`Dataset`] ([`Dataset::new`]),
//!   [`model::Regions`], [`model::Country`], and the engines: [`Pairing`], [`matrix::ScoreMatrix`],
//!   [`scoring::WeightedScorer`], [`solver::Assignment`], [`solver::SparseMatrix`],
//!   [`solver::SparseAssignment`], [`whatif::Planner`]. So an invalid dataset cannot be built,
//!   and cannot reach the solver.
//! - **Plain records are `#[non_exhaustive]` with public fields**: read (and change) their
//!   fields freely; build them from `Default`, a constructor, or the function that returns
//!   them. These are the results ([`Solution`], [`pairing::Pair`], [`pairing::Unmatched`],
//!   [`pairing::MaxMinWitness`], [`pairing::Timings`], [`pairing::PriceOfFairness`],
//!   [`fairness::Fairness`], [`fairness::GroupFigures`], [`fairness::WorstOff`],
//!   [`eligibility::Eligibility`], [`eligibility::Exclusion`], [`scoring::Explanation`] and its
//!   parts, [`candidates::CandidateSolution`], [`candidates::CandidateTimings`],
//!   [`solver::Bottleneck`], [`solver::HallWitness`], the what-if results in [`whatif`],
//!   [`rules::Compiled`], [`rules::QuotaGroup`], [`bench::BenchRun`], [`io::MatrixText`]), the
//!   options ([`candidates::CandidateOptions`]) and the parts of a call's rules
//!   ([`model::Rules`], [`model::Quota`], checked when the call is built).
//! - **Enums are `#[non_exhaustive]`** ([`Error`] and the enums of [`error`], their variants
//!   with fields too, [`synthetic::Family`], [`bench::BenchFamily`]), except those whose
//!   variants are a closed set by nature: [`Objective`] (the three objectives of the contract),
//!   [`solver::Sense`] (minimise or maximise), [`eligibility::Side`] (EU or partner),
//!   [`Theme`] (the fifteen themes, which fix the length of every profile) and
//!   [`fairness::Standing`] (a city has a free place, is full, or takes no one).
//!
//! ## Assumptions
//!
//! Pairing is **bipartite**: an EU city is paired with a partner city, never with another EU
//! city. (Pairing within one pool needs general weighted matching, which this crate does not do.)
//!
//! ## Determinism
//!
//! The same input gives the same output, bit for bit (timings aside), whatever the number of
//! threads and the order of the cities in the input: cities are ordered by id before scoring, the
//! parallel matrix build writes each cell by index, floating-point sums are taken in a fixed
//! order (never a parallel reduction), and every tie is broken by a documented rule.
//!
//! ## Complexity
//!
//! Scoring is `O(E P T)` for `E` EU and `P` partner cities over `T = 15` themes, in parallel.
//! The assignment is `O(n² m)` in the worst case for `n = min(E, P)`, `m = max(E, P)`, with
//! `O(m)` memory beyond the matrix; see [`solver`]. Candidate mode needs `O((E + P) K)` memory
//! and `O(E P)` fast screening work per scan over all pairs; see [`candidates`].
//!
//! ## Threads
//!
//! With the `rayon` feature, parallel work uses rayon's current thread pool (the global one when
//! called outside any pool); the library never configures the global pool. Results never depend on the number of
//! threads. To choose it, run inside `rayon::ThreadPoolBuilder::new().num_threads(k)
//! .build()?.install(|| ...)`, or set `RAYON_NUM_THREADS` (also for the command-line tool).
//!
//! The first parallel call of a process starts rayon's global pool, and the first solve
//! detects the CPU's instruction set; [`solver::warm_up`] does both ahead of time (the
//! command-line tool calls it before it reads its input).
//!
//! ## MSRV
//!
//! Rust 1.89 (the AVX-512 intrinsics of the solver's kernels were stabilised in 1.89).

pub mod bench;
pub mod candidates;
pub mod certificate;
pub mod cpu;
pub mod eligibility;
pub mod error;
pub mod fairness;
pub mod io;
pub mod matrix;
mod memory;
pub mod model;
pub mod pairing;
#[cfg(feature = "report")]
pub mod report;
pub mod rules;
pub mod scoring;
pub mod solver;
pub mod synthetic;
#[cfg(feature = "testing")]
pub mod testing;
pub mod whatif;

pub use error::{Error, Result};
pub use model::{Call, City, Dataset, Theme};
pub use pairing::{Objective, Pairing, Solution};

/// The README's examples, run as doc tests (they read the embedded dataset: feature `serde`).
#[cfg(all(doctest, feature = "serde"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
