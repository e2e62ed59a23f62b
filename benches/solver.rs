//! The assignment solver against pathfinding's Kuhn-Munkres (`kuhn_munkres_min`, integer costs)
//! at n = 100..1000, and citypair alone up to n = 4000, on four matrix families:
//!
//! - `uniform`: costs uniform in [0, 1) (scaled by 1e6 and rounded for pathfinding);
//! - `profile`: 1 - cosine similarity of skewed 15-theme profiles (scaled likewise);
//! - `int100`: integers 0..=100 (many ties);
//! - `geo`: Euclidean distances between random points in the unit square (scaled likewise).
//!
//! Run with `cargo bench --bench solver`; a filter narrows it, e.g.
//! `cargo bench --bench solver -- citypair/geo`.
#![allow(missing_docs)] // criterion_group! generates an undocumented public function.

use citypair::solver::{solve, Sense};
use citypair::synthetic::{matrix, Family};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;
use std::hint::black_box;

const FAMILIES: [&str; 4] = ["uniform", "profile", "int100", "geo"];

/// An `n x n` matrix of the family, from a fixed seed.
fn family(name: &str, n: usize) -> Vec<f64> {
    let fam = Family::ALL
        .into_iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| unreachable!("unknown family {name}"));
    matrix(fam, n, n, 0x00C1_7EA1 ^ n as u64)
}

/// The family as integers for pathfinding: int100 as is, the others times 1e6, rounded.
fn integers(name: &str, m: &[f64]) -> Vec<i64> {
    let scale = if name == "int100" { 1.0 } else { 1e6 };
    m.iter().map(|&x| (x * scale).round() as i64).collect()
}

fn versus_pathfinding(c: &mut Criterion) {
    for fam in FAMILIES {
        let mut g = c.benchmark_group(format!("vs_pathfinding/{fam}"));
        g.sample_size(10).sampling_mode(SamplingMode::Flat);
        for n in [100usize, 250, 500, 1000] {
            let m = family(fam, n);
            let ints = integers(fam, &m);
            let w = Matrix::from_vec(n, n, ints.clone()).expect("square matrix");
            g.bench_with_input(BenchmarkId::new("citypair_f64", n), &m, |b, m| {
                b.iter(|| solve(black_box(m), n, n, Sense::Minimize).expect("feasible"));
            });
            g.bench_with_input(BenchmarkId::new("citypair_i64", n), &ints, |b, m| {
                b.iter(|| solve(black_box(m), n, n, Sense::Minimize).expect("feasible"));
            });
            if n <= 500 || fam == "int100" {
                // Kuhn-Munkres is O(n^3) without JV's shortcuts: seconds per solve at n = 1000.
                g.bench_with_input(BenchmarkId::new("pathfinding_km", n), &w, |b, w| {
                    b.iter(|| kuhn_munkres_min(black_box(w)));
                });
            }
        }
        g.finish();
    }
}

fn citypair_large(c: &mut Criterion) {
    for fam in FAMILIES {
        let mut g = c.benchmark_group(format!("citypair/{fam}"));
        g.sample_size(10).sampling_mode(SamplingMode::Flat);
        for n in [2000usize, 4000] {
            let m = family(fam, n);
            g.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| {
                b.iter(|| solve(black_box(m), n, n, Sense::Minimize).expect("feasible"));
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = versus_pathfinding, citypair_large
}
criterion_main!(benches);
