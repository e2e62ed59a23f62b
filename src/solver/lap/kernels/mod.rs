//! The loops over one row that the phases of the solver call, and their dispatch on the
//! instruction set ([`Isa`]).
//!
//! - [`portable`]: every kernel as a plain loop, written so that LLVM vectorises it; the
//!   `multiversion!` of this file compiles each one three times (baseline, AVX2, AVX-512F).
//! - [`simd`]: hand-written forms of the three whose arg-min reductions LLVM does not
//!   vectorise ([`portable::relax_min`], [`portable::top2`] and [`portable::row_cands`]), for
//!   `f64`, `i64` and `i32` costs, each written once over a vector of lanes; [`avx2`] and
//!   [`avx512`] hold the lanes of each instruction set.
//!
//! [`relax`], [`top2`] and [`cands`] choose the explicit-SIMD form through the cost type's
//! `TypeId` (a constant after monomorphisation). Every form gives the portable loop's result,
//! bit for bit: the tests at the end of this file check each one, on every instruction set of
//! the CPU running them.

use super::{Isa, NONE};
use crate::solver::{Cost, Work};

mod portable;
#[cfg(target_arch = "x86_64")]
mod simd;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

/// Lanes of the branch-free loops: one AVX-512 vector of `f64`, two AVX2 vectors.
pub(super) const LANES: usize = 8;

/// Entries kept per row by the first pass over wide input (see [`Cands`]): the eviction
/// chains of augmenting row reduction then re-read a row from memory only when its
/// `CANDS` smallest entries no longer prove its two smallest reduced costs.
pub(super) const CANDS: usize = 6;

/// How far ahead of the current column the first read of a row prefetches, in bytes. The
/// hardware prefetcher stops at every 4 KiB page; a software prefetch a page ahead keeps the
/// stream going across page and row boundaries (measured: a freshly read matrix is read up
/// to 1.5 times faster).
pub(super) const PREFETCH: usize = 4096;

/// The search state that one [`relax`] step reads and updates, besides the newly reached row:
/// the column potentials `v`, distances `d` and predecessors `pred`, the penalties `pen` (0 on
/// free columns, [`Work::INF`] on assigned ones), the offset `h` of the row's reduced costs,
/// the level `lb` of the search (no unsettled column is nearer) and the row's number `i`.
pub(super) struct Step<'a, W> {
    pub(super) v: &'a [W],
    pub(super) d: &'a mut [W],
    pub(super) pred: &'a mut [usize],
    pub(super) pen: &'a [W],
    pub(super) h: W,
    pub(super) lb: W,
    pub(super) i: usize,
}

/// Result of one [`relax`] pass.
#[derive(Clone, Copy)]
pub(super) struct Best<W> {
    /// The least distance of a column (a settled column's is [`Work::INF`])...
    pub(super) all_d: W,
    /// ...at this column, the first of them ([`NONE`] if every distance is infinite).
    pub(super) all_j: usize,
    /// The least distance of a free column...
    pub(super) free_d: W,
    /// ...at this column, the first of them ([`NONE`] if every one is infinite).
    pub(super) free_j: usize,
}

impl<W: Work> Best<W> {
    /// The pass stopped at free column `j`, reached at distance `d` no greater than the search
    /// level: it ends the search, so the minimum over all columns is not needed.
    #[inline(always)]
    pub(super) fn hit(d: W, j: usize) -> Self {
        Best {
            all_d: d,
            all_j: j,
            free_d: d,
            free_j: j,
        }
    }

    /// The least of lane-wise minima `ma` (over all columns, at columns `ia`) and `mf` (over
    /// free columns, at `jf`), lowest column first among equal values.
    #[inline(always)]
    pub(super) fn merge(ma: &[W], ia: &[usize], mf: &[W], jf: &[usize]) -> Self {
        let mut b = Best::hit(W::INF, NONE);
        for l in 0..ma.len() {
            if ma[l] < b.all_d || (ma[l] == b.all_d && ia[l] < b.all_j) {
                b.all_d = ma[l];
                b.all_j = ia[l];
            }
            if mf[l] < b.free_d || (mf[l] == b.free_d && jf[l] < b.free_j) {
                b.free_d = mf[l];
                b.free_j = jf[l];
            }
        }
        b
    }
}

/// The [`CANDS`] smallest entries of a row in work arithmetic, in (value, column) order; forbidden
/// entries are left out, and missing ones are `(INF, NONE)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cands<W> {
    pub(super) h: [W; CANDS],
    pub(super) j: [usize; CANDS],
}

impl<W: Work> Cands<W> {
    pub(super) fn new() -> Self {
        Cands {
            h: [W::INF; CANDS],
            j: [NONE; CANDS],
        }
    }

    /// Adds entry `h` of column `k`, which must come after every column added so far.
    #[inline(always)]
    pub(super) fn insert(&mut self, h: W, k: usize) {
        if h < self.h[CANDS - 1] {
            let mut p = CANDS - 1;
            while p > 0 && h < self.h[p - 1] {
                self.h[p] = self.h[p - 1];
                self.j[p] = self.j[p - 1];
                p -= 1;
            }
            self.h[p] = h;
            self.j[p] = k;
        }
    }
}

/// Merges candidate `(value, column)` pairs into the two smallest, lower column first among
/// equal values; `NONE` columns are skipped.
#[derive(Clone, Copy)]
pub(super) struct Two<W> {
    /// The smallest value...
    pub(super) v1: W,
    /// ...at this column.
    pub(super) j1: usize,
    /// The second smallest value (equal to the smallest, at a later column, on a tie)...
    pub(super) v2: W,
    /// ...at this column.
    pub(super) j2: usize,
}

impl<W: Work> Two<W> {
    pub(super) fn new() -> Self {
        Two {
            v1: W::INF,
            j1: NONE,
            v2: W::INF,
            j2: NONE,
        }
    }

    pub(super) fn push(&mut self, h: W, k: usize) {
        if k == NONE {
            return;
        }
        if h < self.v1 || (h == self.v1 && k < self.j1) {
            self.v2 = self.v1;
            self.j2 = self.j1;
            self.v1 = h;
            self.j1 = k;
        } else if h < self.v2 || (h == self.v2 && k < self.j2) {
            self.v2 = h;
            self.j2 = k;
        }
    }
}

/// Defines `$name(isa, ..)`: the `#[inline(always)]` portable kernel `$body`, compiled three
/// times (baseline, AVX2, AVX-512F) and run on `isa`.
macro_rules! multiversion {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $body:ident($($p:ident: $t:ty),*) -> $r:ty) => {
        $(#[$attr])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name<C: Cost, const MAX: bool>(isa: Isa, $($p: $t),*) -> $r {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f")]
            #[allow(clippy::too_many_arguments)]
            fn avx512<C: Cost, const MAX: bool>($($p: $t),*) -> $r {
                portable::$body::<C, MAX>($($p),*)
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            #[allow(clippy::too_many_arguments)]
            fn avx2<C: Cost, const MAX: bool>($($p: $t),*) -> $r {
                portable::$body::<C, MAX>($($p),*)
            }

            match isa {
                // SAFETY: `isa` holds the proof that the CPU has AVX-512F, which only
                // `Isa::detect` makes (see `crate::cpu`).
                #[cfg(target_arch = "x86_64")]
                Isa::Avx512(_) => unsafe { avx512::<C, MAX>($($p),*) },
                // SAFETY: as above, with AVX2.
                #[cfg(target_arch = "x86_64")]
                Isa::Avx2(_) => unsafe { avx2::<C, MAX>($($p),*) },
                Isa::Portable => portable::$body::<C, MAX>($($p),*),
            }
        }
    };
}

multiversion!(
    /// [`portable::col_min`] on `isa`.
    pub(super) fn col_min = col_min(row: &[C], v: &mut [C::Work], y: &mut [usize], i: usize)
        -> (bool, usize)
);
multiversion!(
    /// [`portable::row_special`] on `isa`.
    pub(super) fn special = row_special(row: &[C]) -> bool
);
multiversion!(
    /// [`portable::row_min`] on `isa`.
    pub(super) fn row_min = row_min(row: &[C], v: &[C::Work]) -> C::Work
);
multiversion!(
    /// [`portable::first_free_zero`] on `isa`.
    pub(super) fn free_zero = first_free_zero(row: &[C], v: &[C::Work], y: &[usize], mu: C::Work)
        -> Option<usize>
);
multiversion!(
    /// [`portable::row_range`] on `isa`.
    fn range = row_range(row: &[C]) -> (C::Work, C::Work)
);
multiversion!(
    /// [`portable::relax_min`] on `isa`, for the costs without explicit-SIMD kernels.
    fn relax_loop = relax_min(row: &[C], step: Step<'_, C::Work>) -> Best<C::Work>
);
multiversion!(
    /// [`portable::row_cands`] on `isa`, for the costs without explicit-SIMD kernels.
    fn cands_loop = row_cands(row: &[C]) -> (Cands<C::Work>, bool)
);

/// The least and greatest allowed entries of a row ([`portable::row_range`]) on `isa`.
pub(crate) fn entry_range<C: Cost>(isa: Isa, row: &[C]) -> (C::Work, C::Work) {
    range::<C, false>(isa, row)
}

/// Returns `$call` from the enclosing kernel, with `$p` the proof of `$isa`'s instruction set,
/// when it has explicit-SIMD kernels and lanes for the cost type `$c`; else does nothing.
macro_rules! on_simd {
    ($isa:expr, $c:ty, |$p:ident| $call:expr) => {
        #[cfg(target_arch = "x86_64")]
        if simd::has_lanes::<$c>() {
            match $isa {
                Isa::Avx512($p) => return $call,
                Isa::Avx2($p) => return $call,
                Isa::Portable => {}
            }
        }
    };
}

/// [`portable::row_cands`] on `isa`: through the explicit-SIMD kernel of [`simd`] if there is
/// one for `C` and `isa`, else through the portable loop.
#[inline]
pub(super) fn cands<C: Cost, const MAX: bool>(isa: Isa, row: &[C]) -> (Cands<C::Work>, bool) {
    on_simd!(isa, C, |p| simd::cands_on::<_, C, MAX>(p, row));
    cands_loop::<C, MAX>(isa, row)
}

/// [`portable::top2`] on `isa`: through the explicit-SIMD kernel of [`simd`] if there is one
/// for `C` and `isa`, else through the portable loop.
#[inline]
pub(super) fn top2<C: Cost, const MAX: bool>(
    isa: Isa,
    row: &[C],
    v: &[C::Work],
) -> (C::Work, usize, C::Work, usize) {
    on_simd!(isa, C, |p| simd::top2_on::<_, C, MAX>(p, row, v));
    portable::top2::<C, MAX>(row, v)
}

/// [`portable::relax_min`] on `isa`: through the explicit-SIMD kernel of [`simd`] if there is
/// one for `C` and `isa`, else through the portable loop. `clean`: the row has no forbidden or
/// NaN entry, which the kernels then need not test for.
#[inline]
pub(super) fn relax<C: Cost, const MAX: bool>(
    isa: Isa,
    row: &[C],
    step: Step<'_, C::Work>,
    clean: bool,
) -> Best<C::Work> {
    if clean {
        on_simd!(isa, C, |p| simd::relax_on::<_, C, MAX, false, true>(
            p, row, step
        ));
    } else {
        on_simd!(isa, C, |p| simd::relax_on::<_, C, MAX, false, false>(
            p, row, step
        ));
    }
    relax_loop::<C, MAX>(isa, row, step)
}

/// [`relax`] without its minimum over the free columns and its early end, for a caller that
/// finds the nearest free column itself, from the list of them: only the distances, the
/// predecessors and [`Best::all_d`] / [`Best::all_j`] are meaningful, and those only when no
/// free column is within the search level `step.lb` (the explicit-SIMD kernels in their lean
/// form; elsewhere the full pass, of which the same holds). `clean`: the row has no forbidden
/// or NaN entry, which the kernels then need not test for.
#[inline]
pub(super) fn relax_lean<C: Cost, const MAX: bool>(
    isa: Isa,
    row: &[C],
    step: Step<'_, C::Work>,
    clean: bool,
) -> Best<C::Work> {
    if clean {
        on_simd!(isa, C, |p| simd::relax_on::<_, C, MAX, true, true>(
            p, row, step
        ));
    } else {
        on_simd!(isa, C, |p| simd::relax_on::<_, C, MAX, true, false>(
            p, row, step
        ));
    }
    relax_loop::<C, MAX>(isa, row, step)
}

#[cfg(test)]
mod tests {
    use super::portable::{relax_min, row_cands};
    use super::*;

    /// A deterministic test row with ties, forbidden entries and settled (`-inf`) potentials.
    fn data(m: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 33) % 16
        };
        let row = (0..m)
            .map(|_| match next() {
                0 => f64::INFINITY,
                1 => f64::NEG_INFINITY,
                k => k as f64,
            })
            .collect();
        let v = (0..m)
            .map(|_| {
                if next() == 0 {
                    f64::NEG_INFINITY
                } else {
                    next() as f64 - 8.0
                }
            })
            .collect();
        let d = (0..m)
            .map(|_| {
                if next() < 2 {
                    f64::INFINITY
                } else {
                    next() as f64
                }
            })
            .collect();
        let pen = (0..m)
            .map(|_| if next() < 12 { f64::INFINITY } else { 0.0 })
            .collect();
        (row, v, d, pen)
    }

    /// `row` as `i64` costs: the infinities become the forbidden markers `MAX` and `MIN`, the
    /// other entries `f(column, entry)`.
    fn to_i64(row: &[f64], f: impl Fn(usize, f64) -> i64) -> Vec<i64> {
        let int = |(k, &x): (usize, &f64)| match x {
            f64::INFINITY => i64::MAX,
            f64::NEG_INFINITY => i64::MIN,
            _ => f(k, x),
        };
        row.iter().enumerate().map(int).collect()
    }

    /// `row` (`i64` costs) as `i32` costs: the forbidden markers become those of `i32`, the
    /// other entries `f(entry)`.
    fn to_i32(row: &[i64], f: impl Fn(i64) -> i32) -> Vec<i32> {
        let narrow = |&x: &i64| match x {
            i64::MAX => i32::MAX,
            i64::MIN => i32::MIN,
            _ => f(x),
        };
        row.iter().map(narrow).collect()
    }

    /// Runs [`relax`] on `isa` and the portable loop on copies of `d0` (as row 3), and checks
    /// that they agree (`bits` gives a value's bits): the same minima, and the same distances
    /// and predecessors up to the hit, if any. Returns the portable result and distances.
    fn check_relax<C: Cost, const MAX: bool>(
        isa: Isa,
        row: &[C],
        [v, d0, pen]: [&[C::Work]; 3],
        (h, lb): (C::Work, C::Work),
        bits: fn(C::Work) -> u64,
    ) -> (Best<C::Work>, Vec<C::Work>) {
        let m = row.len();
        let (mut d, mut pred) = (d0.to_vec(), vec![7usize; m]);
        let (mut d_p, mut pred_p) = (d0.to_vec(), vec![7usize; m]);
        let (v, i) = (v, 3);
        let clean = row
            .iter()
            .all(|&c| !c.to_work::<MAX>().is_inf() && c.to_work::<MAX>() == c.to_work::<MAX>());
        let b = relax::<C, MAX>(
            isa,
            row,
            Step {
                v,
                d: &mut d,
                pred: &mut pred,
                pen,
                h,
                lb,
                i,
            },
            clean,
        );
        let step = Step {
            v,
            d: &mut d_p,
            pred: &mut pred_p,
            pen,
            h,
            lb,
            i,
        };
        let p = relax_min::<C, MAX>(row, step);
        let what = format!("{isa:?} m {m} max {MAX} lb {lb}");
        assert_eq!((bits(b.all_d), b.all_j), (bits(p.all_d), p.all_j), "{what}");
        assert_eq!(
            (bits(b.free_d), b.free_j),
            (bits(p.free_d), p.free_j),
            "{what}"
        );
        // After an early exit only the columns up to the hit are relaxed.
        let upto = if p.free_d <= lb { p.free_j + 1 } else { m };
        let all = |d: &[C::Work]| d[..upto].iter().map(|&x| bits(x)).collect::<Vec<_>>();
        assert_eq!(all(&d), all(&d_p), "{what}");
        assert_eq!(pred[..upto], pred_p[..upto], "{what}");
        // The lean pass completed from the list of free columns gives the same, bit for bit.
        let free: Vec<usize> = (0..m).filter(|&k| pen[k] == C::Work::ZERO).collect();
        let (mut d_l, mut pred_l) = (d0.to_vec(), vec![7usize; m]);
        let step = Step {
            v,
            d: &mut d_l,
            pred: &mut pred_l,
            pen,
            h,
            lb,
            i,
        };
        let mut l = relax_lean::<C, MAX>(isa, row, step, clean);
        super::super::nearest_free(&mut l, &d_l, &free, lb);
        // The full pass's least `d + pen` may be an assigned column's, at or above the work
        // infinity (integers: `d + INF`): the searches read it as no free column, as they do
        // the lean pass's `(INF, NONE)`.
        let key = |b: &Best<C::Work>| {
            let free = (!b.free_d.is_inf()).then(|| (bits(b.free_d), b.free_j));
            (bits(b.all_d), b.all_j, free)
        };
        assert_eq!(key(&l), key(&p), "lean {what}");
        assert_eq!(all(&d_l), all(&d_p), "lean {what}");
        assert_eq!(pred_l[..upto], pred_p[..upto], "lean {what}");
        (p, d_p)
    }

    #[test]
    fn simd_kernels_match_the_portable_ones_bit_for_bit() {
        for m in [0usize, 1, 3, 4, 7, 8, 9, 31, 64, 100, 1031] {
            for seed in 0..20 {
                let (row, v, d0, pen) = data(m, seed);
                for isa in Isa::available() {
                    // Without and with the early exit at a free column within `lb`; and the
                    // row without forbidden entries, for the kernels' clean form.
                    let clean: Vec<f64> = row
                        .iter()
                        .map(|&c| if c.is_finite() { c } else { 5.0 })
                        .collect();
                    for (row, lb) in [
                        (&row, f64::NEG_INFINITY),
                        (&row, 2.5),
                        (&clean, f64::NEG_INFINITY),
                        (&clean, 2.5),
                    ] {
                        let (p, d_p) = check_relax::<f64, false>(
                            isa,
                            row,
                            [&v, &d0, &pen],
                            (0.5, lb),
                            f64::to_bits,
                        );
                        if p.free_d <= lb {
                            // The hit is the first free column within `lb`.
                            let first = (0..m).find(|&k| pen[k] == 0.0 && d_p[k] <= lb);
                            assert_eq!(first, Some(p.free_j));
                        }
                        check_relax::<f64, true>(
                            isa,
                            row,
                            [&v, &d0, &pen],
                            (0.5, lb),
                            f64::to_bits,
                        );
                    }
                    for max in [false, true] {
                        let t = if max {
                            top2::<f64, true>(isa, &row, &v)
                        } else {
                            top2::<f64, false>(isa, &row, &v)
                        };
                        let q = if max {
                            portable::top2::<f64, true>(&row, &v)
                        } else {
                            portable::top2::<f64, false>(&row, &v)
                        };
                        assert_eq!(
                            (t.0.to_bits(), t.1, t.2.to_bits(), t.3),
                            (q.0.to_bits(), q.1, q.2.to_bits(), q.3),
                            "{isa:?} m {m} seed {seed} max {max}"
                        );
                    }
                }
            }
        }
    }

    /// The integer relaxation and two-smallest kernels (`i64` and `i32` costs, minimising and
    /// maximising) agree with the portable loops, on rows with both forbidden markers and
    /// settled columns.
    #[test]
    fn integer_simd_kernels_match_the_portable_one() {
        fn check<C: Cost<Work = i64>, const MAX: bool>(
            isa: Isa,
            row: &[C],
            (v, d0, pen): (&[i64], &[i64], &[i64]),
            h: i64,
            lb: i64,
        ) {
            check_relax::<C, MAX>(isa, row, [v, d0, pen], (h, lb), |x| x as u64);
            let what = format!("{isa:?} m {} max {MAX} lb {lb}", row.len());
            assert_eq!(
                top2::<C, MAX>(isa, row, v),
                portable::top2::<C, MAX>(row, v),
                "{what}"
            );
        }
        let inf = i64::INF;
        for m in [0usize, 1, 3, 4, 7, 8, 9, 31, 64, 100, 1031] {
            for seed in 0..20 {
                let (row, v, d, pen) = data(m, seed);
                let int = |x: f64, big: i64| {
                    if x == f64::INFINITY {
                        big
                    } else if x == f64::NEG_INFINITY {
                        -big
                    } else {
                        x as i64
                    }
                };
                let r64 = to_i64(&row, |_, x| x as i64);
                let r32 = to_i32(&r64, |x| x as i32);
                // A settled column's potential is lowered by twice the work infinity.
                let v: Vec<i64> = v.iter().map(|&x| int(x, 2 * inf)).collect();
                let d: Vec<i64> = d.iter().map(|&x| int(x, inf)).collect();
                let pen: Vec<i64> = pen.iter().map(|&x| int(x, inf)).collect();
                let w = (&v[..], &d[..], &pen[..]);
                for isa in Isa::available() {
                    for (h, lb) in [(0, -2 * inf), (1, 2), (-3, 0)] {
                        check::<i64, false>(isa, &r64, w, h, lb);
                        check::<i64, true>(isa, &r64, w, h, lb);
                        check::<i32, false>(isa, &r32, w, h, lb);
                        check::<i32, true>(isa, &r32, w, h, lb);
                    }
                }
            }
        }
    }

    /// The integer first-pass kernels (`i64` and `i32`, minimising and maximising) agree with
    /// the portable loop and with a sort, on rows with both forbidden markers, ties, and rows
    /// that insert at every column.
    #[test]
    fn integer_candidate_kernels_match_the_portable_one_and_a_sort() {
        fn check<C: Cost<Work = i64>, const MAX: bool>(row: &[C]) {
            let (want, special) = row_cands::<C, MAX>(row);
            let mut all: Vec<(i64, usize)> = row
                .iter()
                .enumerate()
                .map(|(k, &c)| (c.to_work::<MAX>(), k))
                .filter(|&(h, _)| h < i64::INF)
                .collect();
            all.sort_unstable();
            for s in 0..CANDS {
                let (h, j) = all.get(s).copied().unwrap_or((i64::INF, NONE));
                assert_eq!((want.h[s], want.j[s]), (h, j));
            }
            assert_eq!(special, row.iter().any(|c| c.is_forbidden()));
            for isa in Isa::available() {
                let got = cands::<C, MAX>(isa, row);
                assert_eq!(
                    (got.0.h, got.0.j, got.1),
                    (want.h, want.j, special),
                    "{isa:?}"
                );
            }
        }
        for m in [
            0usize, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1031,
        ] {
            for seed in 0..20 {
                let (row, ..) = data(m, seed);
                let r64 = to_i64(&row, |_, x| x as i64 - 8);
                let r32 = to_i32(&r64, |x| x as i32);
                let allowed: Vec<i64> = r64.iter().map(|&x| x.clamp(-100, 100)).collect();
                let desc: Vec<i32> = (0..m).map(|k| (m - k) as i32).collect();
                check::<i64, false>(&r64);
                check::<i64, true>(&r64);
                check::<i32, false>(&r32);
                check::<i32, true>(&r32);
                check::<i64, false>(&allowed);
                check::<i32, true>(&desc);
                check::<i32, false>(&desc);
            }
        }
    }

    /// The range kernel of the integer span check equals a plain fold over the allowed entries,
    /// on every instruction set (rows with both forbidden markers, and with none allowed).
    #[test]
    fn entry_range_is_the_min_and_max_of_the_allowed_entries() {
        fn naive<C: Cost>(row: &[C]) -> (C::Work, C::Work) {
            row.iter()
                .filter(|c| !c.is_forbidden())
                .map(|c| c.to_work::<false>())
                .fold((C::Work::HIGHEST, C::Work::LOWEST), |(a, b), w| {
                    (if w < a { w } else { a }, if w > b { w } else { b })
                })
        }
        for m in [0usize, 1, 7, 8, 9, 31, 100, 1031] {
            for seed in 0..10 {
                let (row, ..) = data(m, seed);
                let r64 = to_i64(&row, |k, x| (x as i64 - 7) * (1 << 40) + k as i64);
                let r32 = to_i32(&r64, |x| (x >> 20) as i32);
                let all_forbidden = vec![i64::MIN; m];
                for isa in Isa::available() {
                    assert_eq!(entry_range(isa, &r64), naive(&r64), "{isa:?} m {m}");
                    assert_eq!(entry_range(isa, &r32), naive(&r32), "{isa:?} m {m}");
                    assert_eq!(
                        entry_range(isa, &all_forbidden),
                        (i64::MAX, i64::MIN),
                        "{isa:?} m {m}"
                    );
                }
            }
        }
    }

    /// The first-pass kernels agree with the portable loop bit for bit, and with a sort.
    #[test]
    fn candidate_kernels_match_the_portable_one_and_a_sort() {
        fn check<const MAX: bool>(row: &[f64]) {
            let (want, special) = row_cands::<f64, MAX>(row);
            let mut all: Vec<(f64, usize)> = row
                .iter()
                .enumerate()
                .map(|(k, &c)| (c.to_work::<MAX>(), k))
                .filter(|&(h, _)| h < f64::INFINITY)
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for s in 0..CANDS {
                let (h, j) = all.get(s).copied().unwrap_or((f64::INFINITY, NONE));
                assert_eq!((want.h[s].to_bits(), want.j[s]), (h.to_bits(), j));
            }
            assert_eq!(special, row.iter().any(|c| !c.is_finite()));
            for isa in Isa::available() {
                let (got, sp) = cands::<f64, MAX>(isa, row);
                assert_eq!(sp, special, "{isa:?}");
                for s in 0..CANDS {
                    assert_eq!(
                        (got.h[s].to_bits(), got.j[s]),
                        (want.h[s].to_bits(), want.j[s]),
                        "{isa:?} m {}",
                        row.len()
                    );
                }
            }
        }
        for m in [
            0usize, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1031,
        ] {
            for seed in 0..20 {
                let (mut row, ..) = data(m, seed);
                check::<false>(&row);
                check::<true>(&row);
                if m > 0 {
                    row[(seed as usize * 7) % m] = f64::NAN;
                    check::<false>(&row);
                    check::<true>(&row);
                }
                // Descending rows insert at every column.
                let desc: Vec<f64> = (0..m).map(|k| (m - k) as f64).collect();
                check::<false>(&desc);
                check::<true>(&desc);
            }
        }
    }
}
