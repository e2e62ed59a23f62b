//! The fair objectives against the best total, at 1000 and 4000 cities per side.
//!
//! `cargo bench --bench fairness`. On the score matrix of a synthetic call (see
//! `citypair::synthetic::call`), three solver-level measurements: `sum` (the best total,
//! `solver::solve`), `maxmin` (`solver::solve_bottleneck`: threshold search plus the best total
//! at the threshold) and `stable` (`solver::stable_pairing`). The pairing-level objectives add
//! the same explanation and fairness work to each, plus the `sum` solve that prices fairness.
#![allow(missing_docs)] // criterion_group! generates an undocumented public function.

use citypair::solver::{solve, solve_bottleneck, stable_pairing, Sense};
use citypair::{synthetic, Pairing};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use std::hint::black_box;

fn objectives(c: &mut Criterion) {
    let mut group = c.benchmark_group("objective");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for &n in &[1000usize, 4000] {
        let call = synthetic::call(n, n, 2017);
        let pairing = Pairing::new(&call).expect("synthetic calls are valid");
        let m = pairing.matrix().unwrap().as_slice().to_vec();
        group.bench_with_input(BenchmarkId::new("sum", n), &m, |b, m| {
            b.iter(|| solve(black_box(m), n, n, Sense::Maximize).map(|a| a.total()));
        });
        group.bench_with_input(BenchmarkId::new("maxmin", n), &m, |b, m| {
            b.iter(|| solve_bottleneck(black_box(m), n, n, Sense::Maximize).map(|a| a.threshold));
        });
        group.bench_with_input(BenchmarkId::new("stable", n), &m, |b, m| {
            b.iter(|| stable_pairing(black_box(m), n, n).map(|p| p.len()));
        });
    }
    group.finish();
}

criterion_group!(benches, objectives);
criterion_main!(benches);
