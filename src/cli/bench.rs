//! `citypair bench`: timed pairing runs on generated instances ([`citypair::bench`]), with a
//! progress bar on stderr when it is a terminal.

use std::fmt::Write as _;

use super::Result;
use citypair::bench::{self, BenchFamily, BenchRun};
use serde::Serialize;

use super::json::to_json;

/// `citypair bench --json`.
#[derive(Serialize)]
struct BenchJson {
    runs: Vec<BenchRun>,
}

/// `bench`: what it prints, or the error.
pub(crate) fn command(
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
