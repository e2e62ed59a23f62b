//! The score matrix of a synthetic call, built on one thread and on all of them.
//!
//! `cargo bench --bench scoring`. Both builds give the same bits (tested); this measures what
//! rayon buys. `sequential` is the plain loop, `one_thread` the parallel build inside a
//! one-thread pool (its overhead), `all_threads` the parallel build on the global pool.
#![allow(missing_docs)] // criterion_group! generates an undocumented public function.

use citypair::eligibility::classify;
use citypair::matrix::ScoreMatrix;
use citypair::model::City;
use citypair::scoring::WeightedScorer;
use citypair::synthetic;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn scoring(c: &mut Criterion) {
    let mut group = c.benchmark_group("score_matrix");
    group.sample_size(10);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    for n in [1000usize, 2000] {
        let call = synthetic::call(n, n, 2017);
        let sides = classify(&call);
        let eu: Vec<&City> = sides.eu.iter().map(|&k| &call.cities()[k]).collect();
        let partners: Vec<&City> = sides.partners.iter().map(|&k| &call.cities()[k]).collect();
        let scorer = WeightedScorer::new(call.call().weights());
        group.bench_function(BenchmarkId::new("sequential", n), |b| {
            b.iter(|| {
                ScoreMatrix::build(&eu, &partners, &scorer, false)
                    .unwrap()
                    .rows()
            });
        });
        group.bench_function(BenchmarkId::new("one_thread", n), |b| {
            b.iter(|| {
                one.install(|| {
                    ScoreMatrix::build(&eu, &partners, &scorer, true)
                        .unwrap()
                        .rows()
                })
            });
        });
        group.bench_function(BenchmarkId::new("all_threads", n), |b| {
            b.iter(|| {
                ScoreMatrix::build(&eu, &partners, &scorer, true)
                    .unwrap()
                    .rows()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
