//! What-ifs at 2000 cities per side: a warm `--without` / `--lock` re-solve against solving the
//! changed call from scratch, and `--alternatives 10` against ten cold solves.
//!
//! `cargo bench --bench whatif`. "Cold" is the dense solver alone on the changed score matrix
//! (no scoring, no solution assembly): the fastest way to solve it from scratch. "Warm" is
//! [`Planner::resolve_pairs`] (clone of the held optimum, the change, the re-solve) and
//! [`Planner::alternatives`]. `warm_without_x20` withdraws each of the first 20 EU cities in
//! turn (20 re-solves per iteration), since the cost of a withdrawal depends on the city.
#![allow(missing_docs)] // criterion_group! generates an undocumented public function.

use citypair::solver::{solve, Sense};
use citypair::whatif::Planner;
use citypair::{synthetic, Pairing};
use criterion::{criterion_group, criterion_main, Criterion};

fn whatif(c: &mut Criterion) {
    let n = 2000;
    let call = synthetic::call(n, n, 2017);
    let pairing = Pairing::new(&call).expect("synthetic calls are valid");
    let planner = Planner::new(&pairing).expect("solvable");
    let m = pairing.matrix().unwrap();
    let (rows, cols) = (m.rows(), m.cols());
    // The city to withdraw and the pair to lock: the first EU city, and its second-best
    // partner (not its partner in the optimum).
    let eu: Vec<String> = pairing.eu_cities().map(|c| c.id().to_owned()).collect();
    let partners: Vec<String> = pairing
        .partner_cities()
        .map(|c| c.id().to_owned())
        .collect();
    let (i0, j0) = planner.pairs()[0];
    let row = &m.as_slice()[i0 * cols..(i0 + 1) * cols];
    let other = (0..cols)
        .filter(|&j| j != j0)
        .max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)))
        .expect("more than one partner");
    let without_row: Vec<f64> = m
        .as_slice()
        .chunks_exact(cols)
        .enumerate()
        .filter(|&(i, _)| i != i0)
        .flat_map(|(_, r)| r.iter().copied())
        .collect();
    let mut group = c.benchmark_group("whatif_2000");
    group.sample_size(10);
    group.bench_function("cold_solve", |b| {
        b.iter(|| solve(&without_row, rows - 1, cols, Sense::Maximize).map(|a| a.len()));
    });
    group.bench_function("warm_without", |b| {
        b.iter(|| {
            planner
                .resolve_pairs(&[eu[i0].clone()], &[])
                .map(|r| r.0.len())
        });
    });
    // Withdrawals cost more or less depending on the city: the first 20 EU cities in turn (one
    // iteration is 20 re-solves; divide by 20).
    group.bench_function("warm_without_x20", |b| {
        b.iter(|| {
            eu[..20]
                .iter()
                .map(|id| {
                    planner
                        .resolve_pairs(std::slice::from_ref(id), &[])
                        .map_or(0, |r| r.0.len())
                })
                .sum::<usize>()
        });
    });
    group.bench_function("warm_lock", |b| {
        let lock = [(eu[i0].clone(), partners[other].clone())];
        b.iter(|| planner.resolve_pairs(&[], &lock).map(|r| r.0.len()));
    });
    group.bench_function("alternatives_10", |b| {
        b.iter(|| planner.alternatives(10).map(|a| a.len()));
    });
    group.finish();
}

criterion_group!(benches, whatif);
criterion_main!(benches);
