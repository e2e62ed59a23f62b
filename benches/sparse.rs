//! Candidate mode (`citypair::candidates`) on synthetic calls of 1,000, 5,000 and 20,000 cities
//! per side with `K = 32`, and the dense `sum` pairing against candidate mode at 2,000.
//!
//! `cargo bench --bench sparse`; a filter narrows it, e.g. `cargo bench --bench sparse --
//! candidates/1000`. Each measurement is one full run: candidate generation, sparse solves and
//! pricing over all pairs until the optimum is certified. The 20,000 run is long (seconds), so
//! its group takes the fewest samples criterion allows.
#![allow(missing_docs)] // criterion_group! generates an undocumented public function.

use citypair::candidates::{self, CandidateOptions};
use citypair::eligibility::classify;
use citypair::scoring::WeightedScorer;
use citypair::{synthetic, City, Dataset, Objective, Pairing};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use std::time::Duration;

const K: usize = 32;

/// The eligible cities of a call, in `Pairing`'s order (by id).
fn sides(call: &Dataset) -> (Vec<&City>, Vec<&City>) {
    let e = classify(call);
    (
        e.eu.iter().map(|&i| &call.cities()[i]).collect(),
        e.partners.iter().map(|&i| &call.cities()[i]).collect(),
    )
}

fn candidate_mode(c: &mut Criterion) {
    let mut group = c.benchmark_group("candidates");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for &n in &[1000usize, 5000] {
        let call = synthetic::call(n, n, 2017);
        let (eu, partners) = sides(&call);
        let scorer = WeightedScorer::new(call.call().weights());
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                candidates::solve(&eu, &partners, &scorer, K, &CandidateOptions::default())
                    .map(|s| s.total)
            });
        });
    }
    group.finish();

    // 20,000 per side: a few seconds a run.
    let mut group = c.benchmark_group("candidates_large");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(30))
        .warm_up_time(Duration::from_millis(1));
    let n = 20_000;
    let call = synthetic::call(n, n, 2017);
    let (eu, partners) = sides(&call);
    let scorer = WeightedScorer::new(call.call().weights());
    group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
        b.iter(|| {
            candidates::solve(&eu, &partners, &scorer, K, &CandidateOptions::default())
                .map(|s| s.total)
        });
    });
    group.finish();
}

fn dense_versus_candidates(c: &mut Criterion) {
    let mut group = c.benchmark_group("dense_vs_candidates");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    let n = 2000;
    let call = synthetic::call(n, n, 2017);
    // Dense: scoring (the full matrix) plus the certified `sum` pairing.
    group.bench_with_input(BenchmarkId::new("dense", n), &call, |b, call| {
        b.iter(|| {
            Pairing::new(call)
                .and_then(|p| p.solve(Objective::Sum))
                .map(|s| s.total_score)
        });
    });
    let (eu, partners) = sides(&call);
    let scorer = WeightedScorer::new(call.call().weights());
    group.bench_with_input(BenchmarkId::new("candidates", n), &n, |b, _| {
        b.iter(|| {
            candidates::solve(&eu, &partners, &scorer, K, &CandidateOptions::default())
                .map(|s| s.total)
        });
    });
    group.finish();
}

criterion_group!(benches, candidate_mode, dense_versus_candidates);
criterion_main!(benches);
