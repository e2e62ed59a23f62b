//! Candidate mode at scale: time and peak memory of the exact `sum` pairing of a synthetic call
//! of `n` EU and `n` partner cities, each city keeping its `K` best counterparts.
//!
//! ```text
//! cargo run --release --example candidates_scale -- 20000 32
//! cargo run --release --example candidates_scale -- 100000 32
//! cargo run --release --example candidates_scale -- 2000 32 --dense   # also the dense optimum
//! ```
//!
//! Arguments: `N` (cities per side, default 20000), `K` (default 32), then optionally
//! `--seed S` (default 2017), `--per-row P` (pairs added per EU city and pricing round) and
//! `--dense` (also solve densely and compare; only for small `N`).

use std::process::ExitCode;
use std::time::Instant;

use citypair::candidates::{self, CandidateOptions};
use citypair::eligibility::classify;
use citypair::scoring::WeightedScorer;
use citypair::{bench, synthetic, City, Objective, Pairing};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let (mut seed, mut dense, mut options) = (2017u64, false, CandidateOptions::default());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => seed = it.next().ok_or("--seed needs a value")?.parse()?,
            "--per-row" => {
                options.max_new_per_row = it.next().ok_or("--per-row needs a value")?.parse()?;
            }
            "--dense" => dense = true,
            _ => positional.push(a.parse::<usize>()?),
        }
    }
    let n = positional.first().copied().unwrap_or(20_000);
    let k = positional.get(1).copied().unwrap_or(32);
    let threads = rayon::current_num_threads();
    println!(
        "candidate mode: {n} EU x {n} partner cities, K = {k}, seed {seed}, {threads} threads"
    );

    let start = Instant::now();
    let call = synthetic::call(n, n, seed);
    let sides = classify(&call);
    let eu: Vec<&City> = sides.eu.iter().map(|&i| &call.cities()[i]).collect();
    let partners: Vec<&City> = sides.partners.iter().map(|&i| &call.cities()[i]).collect();
    let scorer = WeightedScorer::new(call.call().weights());
    let generate_s = start.elapsed().as_secs_f64();
    println!(
        "generated {} EU and {} partner cities in {generate_s:.2} s",
        eu.len(),
        partners.len()
    );

    let start = Instant::now();
    let s = candidates::solve(&eu, &partners, &scorer, k, &options)?;
    let wall = start.elapsed().as_secs_f64();
    let t = s.timings_ms;
    println!("wall time:          {wall:.2} s");
    println!(
        "  candidates:       {:.2} s\n  sparse solves:    {:.2} s\n  pricing:          {:.2} s",
        t.candidates / 1e3,
        t.solve / 1e3,
        t.pricing / 1e3
    );
    println!(
        "peak RSS:           {}",
        bench::peak_rss_mib().map_or("unknown".into(), |m| format!("{m:.0} MiB"))
    );
    println!("certified optimal:  {}", s.certified_optimal);
    println!(
        "pricing rounds:     {} ({} full), {} pairs added, widenings: {}",
        s.rounds, s.full_scans, s.added, s.widenings
    );
    println!(
        "final edges:        {} ({:.1} per EU city), longest list {}",
        s.edges,
        s.edges as f64 / eu.len().max(1) as f64,
        s.max_k
    );
    println!("pairs:              {}", s.pairs.len());
    println!("total score:        {:.12}", s.total);
    if dense {
        let start = Instant::now();
        let pairing = Pairing::new(&call)?;
        let d = pairing.solve(Objective::Sum)?;
        println!(
            "dense:              {:.2} s, total {:.12}, difference {:e}, same pairs: {}",
            start.elapsed().as_secs_f64(),
            d.total_score,
            s.total - d.total_score,
            d.pairs
                .iter()
                .zip(&s.pairs)
                .all(|(a, b)| a.eu == eu[b.0].id() && a.partner == partners[b.1].id())
                && d.pairs.len() == s.pairs.len()
        );
    }
    Ok(())
}
