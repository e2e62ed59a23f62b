//! Benchmark runs on generated instances, as `citypair bench` prints them.
//!
//! Each run makes one seeded instance ([`crate::synthetic`], or a seeded sample of the
//! embedded GeoNames cities for `real`), then times its two steps separately: `build`
//! (generating the matrix, or making and scoring the call) and `solve` (the exact `sum`
//! optimum). Timings are wall-clock and vary between runs; the instance and its `total` do not.

use std::fmt;
use std::str::FromStr;
use std::time::Instant;

#[cfg(feature = "serde")]
use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::pairing::{Objective, Pairing};
use crate::solver::{solve, Sense};
use crate::synthetic::{self, Family};

/// The largest dense matrix a benchmark run builds: 2^31 entries.
pub const MAX_DENSE_ENTRIES: usize = 1 << 31;

/// What to generate: a cost-matrix family, or realistic synthetic calls (`cities`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BenchFamily {
    /// An `n x n` cost matrix of a [`Family`], minimised.
    Matrix(Family),
    /// A synthetic call of `n` EU and `n` partner cities ([`synthetic::call`]), scored and
    /// paired for the best total.
    Cities,
    /// `n` EU and `n` partner cities drawn (seeded, without replacement) from the eligible
    /// cities of the embedded `world-50k` dataset under the IUC 2017 call ([`real_sample`]),
    /// scored and paired for the best total. Feature `csv`.
    #[cfg(feature = "csv")]
    Real,
}

impl BenchFamily {
    /// The family's name: `uniform`, `profile`, `int100`, `geo` or `cities`.
    pub const fn name(self) -> &'static str {
        match self {
            BenchFamily::Matrix(f) => f.name(),
            BenchFamily::Cities => "cities",
            #[cfg(feature = "csv")]
            BenchFamily::Real => "real",
        }
    }
}

impl fmt::Display for BenchFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BenchFamily {
    type Err = Error;

    fn from_str(s: &str) -> Result<BenchFamily> {
        if s == "cities" {
            return Ok(BenchFamily::Cities);
        }
        #[cfg(feature = "csv")]
        if s == "real" {
            return Ok(BenchFamily::Real);
        }
        Family::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .map(BenchFamily::Matrix)
            .ok_or_else(|| {
                Error::invalid(
                    Location::parameter("family"),
                    format!("\"{s}\" is not one of uniform, profile, int100, geo, cities, real"),
                )
            })
    }
}

/// One timed run.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct BenchRun {
    /// The family's name.
    pub family: &'static str,
    /// Cities per side, or the matrix size.
    pub n: usize,
    /// The seed of the instance.
    pub seed: u64,
    /// Milliseconds to generate the matrix or to score the call.
    pub build_ms: f64,
    /// Milliseconds to solve (the solver alone for matrices; the `sum` pairing for cities).
    pub solve_ms: f64,
    /// The optimum: the total cost (matrix families) or total score (`cities`).
    pub total: f64,
    /// The process's peak resident memory so far, in MiB ([`peak_rss_mib`]; Linux, `None`
    /// elsewhere).
    pub peak_rss_mib: Option<f64>,
}

/// Generates and solves one instance.
///
/// ```
/// use citypair::bench::{run, BenchFamily};
/// let r = run("int100".parse()?, 50, 0)?;
/// assert_eq!((r.family, r.n, r.seed), ("int100", 50, 0));
/// // The same instance, the same optimum.
/// assert_eq!(r.total, run(BenchFamily::Matrix(citypair::synthetic::Family::Int100), 50, 0)?.total);
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] (location `parameter n`) when `n * n` exceeds [`MAX_DENSE_ENTRIES`];
/// solver errors (none occur on generated instances).
pub fn run(family: BenchFamily, n: usize, seed: u64) -> Result<BenchRun> {
    if n.checked_mul(n).is_none_or(|e| e > MAX_DENSE_ENTRIES) {
        return Err(Error::invalid(
            Location::parameter("n"),
            format!(
                "{n} x {n} is too large for a dense matrix (at most {MAX_DENSE_ENTRIES} entries, \
                 16 GiB of f64)"
            ),
        ));
    }
    let start = Instant::now();
    let (build_ms, solve_ms, total) = match family {
        BenchFamily::Matrix(f) => {
            let m = synthetic::try_matrix(f, n, n, seed)?;
            let build_ms = ms(start);
            let t = Instant::now();
            let a = solve(&m, n, n, Sense::Minimize)?;
            (build_ms, ms(t), a.total())
        }
        BenchFamily::Cities => timed_pairing(&synthetic::try_call(n, n, seed)?, start)?,
        #[cfg(feature = "csv")]
        BenchFamily::Real => timed_pairing(&real_sample(n, seed)?, start)?,
    };
    Ok(BenchRun {
        family: family.name(),
        n,
        seed,
        build_ms,
        solve_ms,
        total,
        peak_rss_mib: peak_rss_mib(),
    })
}

/// Scores `call` (its build time counted from `start`, when making the call began) and
/// solves it for the best total: `(build_ms, solve_ms, total score)`.
fn timed_pairing(call: &crate::model::Dataset, start: Instant) -> Result<(f64, f64, f64)> {
    let pairing = Pairing::builder(call).dense().build()?;
    let build_ms = ms(start);
    let t = Instant::now();
    let s = pairing.solve(Objective::Sum)?;
    Ok((build_ms, ms(t), s.total_score))
}

/// `n` eligible EU cities and `n` eligible partner cities of the embedded `world-50k`
/// dataset under the IUC 2017 call, drawn without replacement by a generator seeded with
/// `seed`: the instance of the `real` benchmark family. The same `n` and `seed` give the same
/// cities.
///
/// ```
/// let a = citypair::bench::real_sample(50, 3)?;
/// assert_eq!(a.cities().len(), 100);
/// assert_eq!(a.cities(), citypair::bench::real_sample(50, 3)?.cities());
/// assert!(citypair::bench::real_sample(1_000_000, 0).is_err());
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] (location `parameter n`) when `n` exceeds the eligible cities of a side,
/// naming that number.
///
/// # Complexity
/// Reading the embedded dataset (about 1 MB of CSV) and `O(n)` for the draw.
#[cfg(feature = "csv")]
pub fn real_sample(n: usize, seed: u64) -> Result<crate::model::Dataset> {
    use rand::{rngs::StdRng, SeedableRng};

    let world = crate::io::embedded::Embedded::World50k.dataset()?;
    let sides = crate::eligibility::classify(&world);
    let available = sides.eu.len().min(sides.partners.len());
    if n > available {
        return Err(Error::invalid(
            Location::parameter("n"),
            format!(
                "{n} cities a side is more than world-50k has under the IUC 2017 call ({} \
                 eligible EU cities, {} partner cities): the real family goes up to {available}",
                sides.eu.len(),
                sides.partners.len()
            ),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut cities = Vec::with_capacity(2 * n);
    for side in [&sides.eu, &sides.partners] {
        let mut drawn = rand::seq::index::sample(&mut rng, side.len(), n).into_vec();
        drawn.sort_unstable();
        cities.extend(drawn.into_iter().map(|k| world.cities()[side[k]].clone()));
    }
    crate::model::Dataset::new(world.call().clone(), cities)
}

/// The peak resident set size of this process so far, in MiB: `VmHWM` in `/proc/self/status`
/// (the only file this crate reads outside [`crate::io`]); `None` where that file does not
/// exist (outside Linux).
///
/// `getrusage`'s `ru_maxrss` would need no file, but it counts the memory of the process this
/// one was forked from before `exec` (a `cargo bench` or a shell), which can exceed a small
/// run's own peak.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}
