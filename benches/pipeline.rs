//! Scoring plus pairing, end to end, on synthetic calls of 100, 1000 and 5000 cities per side.
//!
//! `cargo bench --bench pipeline`. Each size is measured as three steps: `score` (eligibility
//! and the parallel score matrix), `solve` (the `sum` optimum with its certificate and the
//! solution's explanations) and `total` (both).
#![allow(missing_docs)] // criterion_group! generates an undocumented public function.

use citypair::{synthetic, Objective, Pairing};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    for &n in &[100usize, 1000, 5000] {
        let call = synthetic::call(n, n, 2017);
        group.bench_with_input(BenchmarkId::new("score", n), &call, |b, call| {
            b.iter(|| Pairing::new(call).map(|p| p.matrix().unwrap().rows()));
        });
        let pairing = Pairing::new(&call).expect("synthetic calls are valid");
        group.bench_with_input(BenchmarkId::new("solve", n), &pairing, |b, p| {
            b.iter(|| p.solve(Objective::Sum).map(|s| s.total_score));
        });
        group.bench_with_input(BenchmarkId::new("total", n), &call, |b, call| {
            b.iter(|| {
                Pairing::new(call)
                    .and_then(|p| p.solve(Objective::Sum))
                    .map(|s| s.total_score)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
