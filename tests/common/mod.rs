//! Shared test helpers: brute-force oracles and generators.
#![allow(dead_code)]

/// Best total over all assignments of the smaller side of a `rows x cols` matrix, by brute
/// force; `None` when no complete assignment avoids the forbidden entries. `allowed(i, j)` tells
/// whether an entry may be used, `val(i, j)` its value; `better(a, b)` whether `a` beats `b`.
pub fn brute_force<T: Copy + std::ops::Add<Output = T>>(
    rows: usize,
    cols: usize,
    zero: T,
    allowed: &dyn Fn(usize, usize) -> bool,
    val: &dyn Fn(usize, usize) -> T,
    better: &dyn Fn(T, T) -> bool,
) -> Option<T> {
    fn rec<T: Copy + std::ops::Add<Output = T>>(
        i: usize,
        n: usize,
        m: usize,
        used: &mut Vec<bool>,
        acc: T,
        allowed: &dyn Fn(usize, usize) -> bool,
        val: &dyn Fn(usize, usize) -> T,
        better: &dyn Fn(T, T) -> bool,
        best: &mut Option<T>,
    ) {
        if i == n {
            if best.map_or(true, |b| better(acc, b)) {
                *best = Some(acc);
            }
            return;
        }
        for j in 0..m {
            if !used[j] && allowed(i, j) {
                used[j] = true;
                rec(i + 1, n, m, used, acc + val(i, j), allowed, val, better, best);
                used[j] = false;
            }
        }
    }
    let mut best = None;
    if rows <= cols {
        rec(0, rows, cols, &mut vec![false; cols], zero, allowed, val, better, &mut best);
    } else {
        let a = |i: usize, j: usize| allowed(j, i);
        let v = |i: usize, j: usize| val(j, i);
        rec(0, cols, rows, &mut vec![false; rows], zero, &a, &v, better, &mut best);
    }
    best
}

/// Tiny deterministic generator (SplitMix64) for test data without pulling in a crate.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
