//! The explicit-SIMD kernels: [`Relax`], [`Top2`] and [`Screen`], the hand-written forms of
//! [`relax_min`], [`top2`] and [`row_cands`] (LLVM does not vectorise their arg-min
//! reductions), for `f64`, `i64` and `i32` costs (`i32` entries are widened to `i64` lanes as
//! they load).
//!
//! Each kernel is written once, over a vector of 64-bit lanes ([`Lanes`]), and compiled for
//! each instruction set that has lane types ([`Simd`]): AVX-512F, 8 lanes (`avx512.rs`), and
//! AVX2, 4 lanes (`avx2.rs`). The lane types are zero-sized proofs of their instruction set
//! (they hold one of `crate::cpu`), and their methods are `#[target_feature]` functions, which
//! the kernels inline once they are themselves inlined (`#[inline(always)]`) into
//! [`Simd::run`], compiled for that instruction set: the generated code is that of a kernel
//! written out by hand for each set and cost type. Every kernel gives the portable loop's
//! result, bit for bit (checked in the tests of [`super`]).

use super::portable::relax_tail;
use super::{Best, Cands, Step, Two, CANDS, PREFETCH};
use crate::solver::{Cost, Work};
use std::any::TypeId;
use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};

#[cfg(doc)]
use super::portable::{relax_min, row_cands, top2};

// The kernels store column numbers (`usize`: `pred`, and the columns of the lane minima) in
// 64-bit lanes, and read them back: this is sound only where `usize` has 64 bits, as on x86-64
// (not on its x32 ABI, where this stops the build).
const _: () = assert!(
    usize::BITS == 64,
    "the SIMD kernels store `usize` in 64-bit lanes"
);

/// The most lanes of a lane type (AVX-512F, 64-bit lanes).
pub(super) const MAX_LANES: usize = 8;

/// Columns per block of [`Screen`]: two cache lines of `f64` or `i64` entries, one of `i32`
/// (each prefetched a page ahead).
const BLOCK: usize = 16;

/// A vector of [`Lanes::N`] 64-bit lanes for the kernels on costs `C`: work values (`V`, of
/// `C::Work`), column numbers (`I`, `i64`) and lane masks (`M`).
///
/// An implementation is a zero-sized proof of its instruction set (it holds one of
/// `crate::cpu`, which only the detection makes), and its methods are `#[target_feature]`
/// functions of that set: the Rust language makes them `unsafe`, but the instruction set part
/// of their contract holds for any `self`. The methods that read or write memory state what
/// else they need.
pub(super) trait Lanes<C: Cost>: Copy {
    /// Lanes per vector (at most [`MAX_LANES`]).
    const N: usize;
    /// `N` work values.
    type V: Copy;
    /// `N` column numbers.
    type I: Copy;
    /// A mask of lanes.
    type M: Copy;
    /// The running NaN-or-forbidden test of [`Lanes::screen`].
    type S: Copy;

    /// `N` copies of `w`.
    unsafe fn splat(self, w: C::Work) -> Self::V;
    /// `N` copies of column `j`.
    unsafe fn splat_i(self, j: i64) -> Self::I;
    /// The columns `0, 1, .., N - 1`.
    unsafe fn iota(self) -> Self::I;
    /// Each column plus `N`.
    unsafe fn step(self, j: Self::I) -> Self::I;
    /// The `N` work values at `p`, which must be readable.
    unsafe fn load(self, p: *const C::Work) -> Self::V;
    /// The work values of the `N` entries at `p` ([`Cost::to_work`] lane by lane), which must be
    /// readable.
    unsafe fn load_work<const MAX: bool>(self, p: *const C) -> Self::V;
    /// [`Lanes::load_work`] of `N` entries none of which is forbidden or NaN (the caller
    /// knows: the solver's fused input check saw none in the matrix), which may skip the
    /// forbidden-entry test; by default it is `load_work`.
    #[inline(always)]
    unsafe fn load_clean<const MAX: bool>(self, p: *const C) -> Self::V {
        // SAFETY: the caller's contract, which is `load_work`'s.
        unsafe { self.load_work::<MAX>(p) }
    }
    /// The `N` entries at `p` (which must be readable) for [`Screen`]: values below a bound
    /// wherever the work values are, and elsewhere only at forbidden entries (which the
    /// insertion then skips), with their NaN-or-forbidden test.
    unsafe fn screen<const MAX: bool>(self, p: *const C) -> (Self::V, Self::S);
    /// The test of no entry.
    unsafe fn no_special(self) -> Self::S;
    /// The tests of `a`'s entries and `b`'s.
    unsafe fn or_special(self, a: Self::S, b: Self::S) -> Self::S;
    /// Whether the test found a NaN or forbidden entry.
    unsafe fn any_special(self, s: Self::S) -> bool;
    /// `a + b`.
    unsafe fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a - b`.
    unsafe fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// The lanes where `a < b`.
    unsafe fn lt(self, a: Self::V, b: Self::V) -> Self::M;
    /// The lanes where `a <= b`, as bits (lane `l` is bit `l`).
    unsafe fn le_bits(self, a: Self::V, b: Self::V) -> u32;
    /// The lanes of `m`, as bits.
    unsafe fn bits(self, m: Self::M) -> u32;
    /// `a` in the lanes of `m`, `b` elsewhere.
    unsafe fn select(self, m: Self::M, a: Self::V, b: Self::V) -> Self::V;
    /// `a` in the lanes of `m`, `b` elsewhere.
    unsafe fn select_i(self, m: Self::M, a: Self::I, b: Self::I) -> Self::I;
    /// Writes `new` into the lanes of `m` of the `N` values at `p` (which must be writable and
    /// hold `old`), and returns them.
    unsafe fn update(self, p: *mut C::Work, m: Self::M, new: Self::V, old: Self::V) -> Self::V;
    /// Writes `j` into the lanes of `m` of the `N` columns at `p`, which must be writable.
    unsafe fn store_where(self, p: *mut i64, m: Self::M, j: Self::I);
    /// The lanes of `v`, in the first `N` entries.
    unsafe fn spill(self, v: Self::V) -> [C::Work; MAX_LANES];
    /// The lanes of `j`, in the first `N` entries.
    unsafe fn spill_i(self, j: Self::I) -> [i64; MAX_LANES];
}

/// A call of a kernel of this module, with its arguments: what [`Simd::run`] compiles for an
/// instruction set.
pub(super) trait Kernel {
    /// What the kernel returns.
    type Output;
    /// Runs the kernel; `#[inline(always)]` in every implementation, so that it is compiled
    /// into the function of [`Simd::run`].
    fn call(self) -> Self::Output;
}

/// An instruction set with lane types: implemented by [`impl_simd!`] for the proofs of
/// `crate::cpu`.
pub(super) trait Simd: Copy {
    /// Lanes of `f64` costs.
    type F64: Lanes<f64>;
    /// Lanes of integer costs (`i64`, or `i32` widened as it loads).
    type Int<C: Cost<Work = i64>>: Lanes<C>;

    /// Lanes of `f64` costs.
    fn f64(self) -> Self::F64;
    /// Lanes of the integer costs `C`.
    fn int<C: Cost<Work = i64>>(self) -> Self::Int<C>;
    /// Runs kernel `k` compiled for this instruction set.
    fn run<K: Kernel>(self, k: K) -> K::Output;
}

/// Implements [`Simd`] for `$proof`, a proof type of `crate::cpu` whose instruction set is the
/// target feature `$feature`, with the lane types `$f64` (a tuple struct of the proof) and
/// `$int` (of the proof and a `PhantomData` of the cost type).
macro_rules! impl_simd {
    ($proof:ident, $feature:literal, $f64:ident, $int:ident) => {
        impl $crate::solver::lap::kernels::simd::Simd for $proof {
            type F64 = $f64;
            type Int<C: $crate::solver::Cost<Work = i64>> = $int<C>;

            #[inline(always)]
            fn f64(self) -> $f64 {
                $f64(self)
            }

            #[inline(always)]
            fn int<C: $crate::solver::Cost<Work = i64>>(self) -> $int<C> {
                $int(self, std::marker::PhantomData)
            }

            #[inline]
            fn run<K: $crate::solver::lap::kernels::simd::Kernel>(self, k: K) -> K::Output {
                #[target_feature(enable = $feature)]
                fn run<K: $crate::solver::lap::kernels::simd::Kernel>(k: K) -> K::Output {
                    k.call()
                }
                // SAFETY: `self` is the proof that the CPU has this instruction set.
                unsafe { run(k) }
            }
        }
    };
}
pub(super) use impl_simd;

/// Whether the explicit-SIMD kernels have lanes for the costs `C` (`f64`, `i64` or `i32`): a
/// constant once `C` is known.
#[inline(always)]
pub(super) fn has_lanes<C: Cost>() -> bool {
    let c = TypeId::of::<C>();
    c == TypeId::of::<f64>() || c == TypeId::of::<i64>() || c == TypeId::of::<i32>()
}

/// Why the kernel calls below find lanes for `C`.
const NO_LANES: &str = "the caller checked `has_lanes`";

/// `s` as a slice of `U`, if `T` is `U`.
#[inline(always)]
fn same<T: 'static, U: 'static>(s: &[T]) -> Option<&[U]> {
    // SAFETY: `T` is `U` (equal `TypeId`s): the slice is reinterpreted as its own type.
    (TypeId::of::<T>() == TypeId::of::<U>())
        .then(|| unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<U>(), s.len()) })
}

/// `s` as a mutable slice of `U`, if `T` is `U`.
#[inline(always)]
fn same_mut<T: 'static, U: 'static>(s: &mut [T]) -> Option<&mut [U]> {
    if TypeId::of::<T>() != TypeId::of::<U>() {
        return None;
    }
    // SAFETY: `T` is `U` (equal `TypeId`s): the slice is reinterpreted as its own type.
    Some(unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<U>(), s.len()) })
}

/// `x` as a `U`, if `T` is `U`.
#[inline(always)]
fn cast<T: Copy + 'static, U: Copy + 'static>(x: T) -> Option<U> {
    // SAFETY: `T` is `U` (equal `TypeId`s): the value is read as its own type.
    (TypeId::of::<T>() == TypeId::of::<U>()).then(|| unsafe { std::mem::transmute_copy(&x) })
}

/// `s` in the work type `U`, if its work type `W` is `U`.
#[inline(always)]
fn same_step<W: Copy + 'static, U: Copy + 'static>(s: Step<'_, W>) -> Option<Step<'_, U>> {
    let Step {
        v,
        d,
        pred,
        pen,
        h,
        lb,
        i,
    } = s;
    Some(Step {
        v: same(v)?,
        d: same_mut(d)?,
        pred,
        pen: same(pen)?,
        h: cast(h)?,
        lb: cast(lb)?,
        i,
    })
}

/// Runs on the instruction set `$s` the kernel `$make`, in which `$t` is the cost type `$c`
/// (`f64`, `i64` or `i32`: [`has_lanes`]) and `$lanes` its lanes, and returns its result in
/// terms of `$c`.
macro_rules! by_cost {
    ($s:expr, $c:ty, |$t:ident, $lanes:ident| $make:expr) => {{
        let s = $s;
        let out = if TypeId::of::<$c>() == TypeId::of::<f64>() {
            type $t = f64;
            let $lanes = s.f64();
            cast(s.run($make))
        } else if TypeId::of::<$c>() == TypeId::of::<i64>() {
            type $t = i64;
            let $lanes = s.int::<$t>();
            cast(s.run($make))
        } else {
            type $t = i32;
            let $lanes = s.int::<$t>();
            cast(s.run($make))
        };
        out.expect(NO_LANES)
    }};
}

/// [`Relax`] of `row` on the instruction set `s`; `C` must have lanes ([`has_lanes`]).
#[inline]
pub(super) fn relax_on<S: Simd, C: Cost, const MAX: bool, const LEAN: bool, const CLEAN: bool>(
    s: S,
    row: &[C],
    step: Step<'_, C::Work>,
) -> Best<C::Work> {
    by_cost!(s, C, |T, lanes| Relax::<T, _, MAX, LEAN, CLEAN> {
        lanes,
        row: same(row).expect(NO_LANES),
        step: same_step(step).expect(NO_LANES),
    })
}

/// [`Top2`] of `row` on the instruction set `s`; `C` must have lanes ([`has_lanes`]).
#[inline]
pub(super) fn top2_on<S: Simd, C: Cost, const MAX: bool>(
    s: S,
    row: &[C],
    v: &[C::Work],
) -> (C::Work, usize, C::Work, usize) {
    let t: Two<C::Work> = by_cost!(s, C, |T, lanes| Top2::<T, _, MAX> {
        lanes,
        row: same(row).expect(NO_LANES),
        v: same(v).expect(NO_LANES),
    });
    (t.v1, t.j1, t.v2, t.j2)
}

/// [`Screen`] of `row` on the instruction set `s`; `C` must have lanes ([`has_lanes`]).
#[inline]
pub(super) fn cands_on<S: Simd, C: Cost, const MAX: bool>(
    s: S,
    row: &[C],
) -> (Cands<C::Work>, bool) {
    by_cost!(s, C, |T, lanes| Screen::<T, _, MAX> {
        lanes,
        row: same(row).expect(NO_LANES),
    })
}

/// Prefetches into the L2 cache the line at `p` plus `PREFETCH + offset` bytes (a hint: it
/// never faults, whatever the address, and `wrapping_add` computes the address without the
/// in-bounds requirement of `add`).
#[inline(always)]
fn prefetch<T>(p: *const T, offset: usize) {
    // SAFETY: PREFETCHT1 (SSE, part of the x86-64 baseline) changes no memory and never faults.
    unsafe { _mm_prefetch::<_MM_HINT_T1>(p.cast::<i8>().wrapping_add(PREFETCH + offset)) }
}

/// A column number from a 64-bit lane (`-1` is `NONE`).
#[inline(always)]
fn col(j: i64) -> usize {
    j as usize
}

/// [`relax_min`] of `row` on lanes `L`: one Dijkstra step over all columns (see there), `N`
/// columns at a time, ending at the first free column within the search level.
///
/// `LEAN`: the distances, predecessors and the least distance over all columns only, over the
/// whole row: the free columns are left to the caller (who knows them, when they are few),
/// which saves a third of the work per column. [`Best::free_d`] and the early end are then
/// meaningless, and where the pass ended early (in the tail) so is [`Best::all_d`]; the caller
/// reads the free columns' distances instead ([`super::relax_lean`]).
///
/// `CLEAN`: no entry of `row` is forbidden or NaN ([`Lanes::load_clean`]).
///
/// Panics if a slice of the step is shorter than `row`.
pub(super) struct Relax<'a, C: Cost, L, const MAX: bool, const LEAN: bool, const CLEAN: bool> {
    lanes: L,
    row: &'a [C],
    step: Step<'a, C::Work>,
}

impl<C: Cost, L: Lanes<C>, const MAX: bool, const LEAN: bool, const CLEAN: bool> Kernel
    for Relax<'_, C, L, MAX, LEAN, CLEAN>
{
    type Output = Best<C::Work>;

    #[inline(always)]
    fn call(self) -> Best<C::Work> {
        let Relax { lanes, row, step } = self;
        let m = row.len();
        let Step { h, lb, i, .. } = step;
        let (v, d) = (&step.v[..m], &mut step.d[..m]);
        let (pred, pen) = (&mut step.pred[..m], &step.pen[..m]);
        let split = m - m % L::N;
        // Prefetch within the row only: the next row a search scans is not the next in memory.
        let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
        let (rp, vp, dp, pp, qp) = (
            row.as_ptr(),
            v.as_ptr(),
            d.as_mut_ptr(),
            pred.as_mut_ptr().cast::<i64>(),
            pen.as_ptr(),
        );
        // SAFETY: `lanes` proves its instruction set. Every slice has m elements (`pred`'s of
        // 64 bits, see above), and each access is to the N columns from k, with
        // k + N <= split <= m; the prefetched element, k + PREFETCH / size_of::<C>(), is below m.
        let best = unsafe {
            let (hv, lbv, iv) = (lanes.splat(h), lanes.splat(lb), lanes.splat_i(i as i64));
            let (inf, none) = (lanes.splat(C::Work::INF), lanes.splat_i(-1));
            let (mut ma, mut mf, mut ia, mut jf) = (inf, inf, none, none);
            let mut idx = lanes.iota();
            let mut k = 0;
            while k < split {
                if k < pf_end {
                    prefetch(rp.add(k), 0);
                }
                let w = if CLEAN {
                    lanes.load_clean::<MAX>(rp.add(k))
                } else {
                    lanes.load_work::<MAX>(rp.add(k))
                };
                let cred = lanes.sub(lanes.sub(w, lanes.load(vp.add(k))), hv);
                let dk = lanes.load(dp.add(k));
                let better = lanes.lt(cred, dk);
                let nd = lanes.update(dp.add(k), better, cred, dk);
                lanes.store_where(pp.add(k), better, iv);
                let lt = lanes.lt(nd, ma);
                ma = lanes.select(lt, nd, ma);
                ia = lanes.select_i(lt, idx, ia);
                if LEAN {
                    idx = lanes.step(idx);
                    k += L::N;
                    continue;
                }
                let f = lanes.add(nd, lanes.load(qp.add(k)));
                let hit = lanes.le_bits(f, lbv);
                if hit != 0 {
                    // The hit lane is below k + N <= split: in bounds, and just stored.
                    let k = k + hit.trailing_zeros() as usize;
                    return Best::hit(*dp.add(k), k);
                }
                let ltf = lanes.lt(f, mf);
                mf = lanes.select(ltf, f, mf);
                jf = lanes.select_i(ltf, idx, jf);
                idx = lanes.step(idx);
                k += L::N;
            }
            let n = L::N;
            let (ia, jf) = (lanes.spill_i(ia).map(col), lanes.spill_i(jf).map(col));
            Best::merge(
                &lanes.spill(ma)[..n],
                &ia[..n],
                &lanes.spill(mf)[..n],
                &jf[..n],
            )
        };
        relax_tail::<C, MAX>(split, row, step, best)
    }
}

/// [`top2`] of `row` on lanes `L`: the two smallest reduced costs `w[k] - v[k]`, the two
/// smallest of each lane first.
///
/// Panics if `v` is shorter than `row`.
pub(super) struct Top2<'a, C: Cost, L, const MAX: bool> {
    lanes: L,
    row: &'a [C],
    v: &'a [C::Work],
}

impl<C: Cost, L: Lanes<C>, const MAX: bool> Kernel for Top2<'_, C, L, MAX> {
    type Output = Two<C::Work>;

    #[inline(always)]
    fn call(self) -> Two<C::Work> {
        let Top2 { lanes, row, v } = self;
        let m = row.len();
        let v = &v[..m];
        let split = m - m % L::N;
        // Prefetch within the row only: rows are read in no particular order.
        let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
        let (rp, vp) = (row.as_ptr(), v.as_ptr());
        // SAFETY: `lanes` proves its instruction set; each access is to the N columns from k,
        // with k + N <= split <= m = v.len(); the prefetched element is below m.
        let (x1, y1, x2, y2) = unsafe {
            let (inf, none) = (lanes.splat(C::Work::INF), lanes.splat_i(-1));
            let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
            let mut idx = lanes.iota();
            let mut k = 0;
            while k < split {
                if k < pf_end {
                    prefetch(rp.add(k), 0);
                }
                let h = lanes.sub(lanes.load_work::<MAX>(rp.add(k)), lanes.load(vp.add(k)));
                let lt1 = lanes.lt(h, a1);
                let lt2 = lanes.lt(h, a2);
                a2 = lanes.select(lt1, a1, lanes.select(lt2, h, a2));
                i2 = lanes.select_i(lt1, i1, lanes.select_i(lt2, idx, i2));
                a1 = lanes.select(lt1, h, a1);
                i1 = lanes.select_i(lt1, idx, i1);
                idx = lanes.step(idx);
                k += L::N;
            }
            let (x1, x2) = (lanes.spill(a1), lanes.spill(a2));
            (x1, lanes.spill_i(i1), x2, lanes.spill_i(i2))
        };
        let mut t = Two::new();
        for l in 0..L::N {
            t.push(x1[l], col(y1[l]));
            t.push(x2[l], col(y2[l]));
        }
        for k in split..m {
            let h = row[k].to_work::<MAX>() - v[k];
            if h < C::Work::INF {
                t.push(h, k);
            }
        }
        t
    }
}

/// [`row_cands`] of `row` on lanes `L`: a block of [`BLOCK`] columns is compared with the last
/// candidate, and only the columns below it are inserted.
pub(super) struct Screen<'a, C: Cost, L, const MAX: bool> {
    lanes: L,
    row: &'a [C],
}

impl<C: Cost, L: Lanes<C>, const MAX: bool> Kernel for Screen<'_, C, L, MAX> {
    type Output = (Cands<C::Work>, bool);

    #[inline(always)]
    fn call(self) -> (Cands<C::Work>, bool) {
        let Screen { lanes, row } = self;
        let m = row.len();
        let split = m - m % BLOCK;
        // On a 32-byte boundary: the reload of the last candidate after an insertion (which LLVM
        // merges with the next field into one 16-byte load) then never straddles a cache line,
        // whatever the caller's stack depth (measured: 2% of the pass when it did).
        let mut t = Aligned(Cands::new());
        let t = &mut t.0;
        let rp = row.as_ptr();
        // SAFETY: `lanes` proves its instruction set; each block reads the BLOCK entries from
        // k, with k + BLOCK <= split <= m. The prefetches are hints (see `prefetch`).
        let mut special = unsafe {
            let mut last = lanes.splat(t.h[CANDS - 1]);
            let mut special = lanes.no_special();
            let mut k = 0;
            while k < split {
                for line in (0..BLOCK * size_of::<C>()).step_by(64) {
                    prefetch(rp.add(k), line);
                }
                let (mut mask, mut block) = (0u32, lanes.no_special());
                for q in 0..BLOCK / L::N {
                    let (w, s) = lanes.screen::<MAX>(rp.add(k + q * L::N));
                    block = lanes.or_special(block, s);
                    mask |= lanes.bits(lanes.lt(w, last)) << (q * L::N);
                }
                special = lanes.or_special(special, block);
                if mask != 0 {
                    insert_mask::<C, MAX>(t, row, k, mask);
                    last = lanes.splat(t.h[CANDS - 1]);
                }
                k += BLOCK;
            }
            lanes.any_special(special)
        };
        for (k, &c) in row.iter().enumerate().skip(split) {
            special |= c.is_special();
            t.insert(c.to_work::<MAX>(), k);
        }
        (*t, special)
    }
}

/// A value on a 32-byte boundary.
#[repr(align(32))]
struct Aligned<T>(T);

/// The forbidden markers of the integer cost type `C` (`MAX` and `MIN`) as `i64`: `C` is
/// `i32` if it has 4 bytes, else `i64`.
#[inline(always)]
pub(super) fn int_markers<C: Cost>() -> (i64, i64) {
    if size_of::<C>() == 4 {
        (i64::from(i32::MAX), i64::from(i32::MIN))
    } else {
        (i64::MAX, i64::MIN)
    }
}

/// Inserts the columns of `mask` (bits from `base`) into `t` in increasing order; the
/// entries are re-read through [`Cost::to_work`], which settles forbidden ones.
#[inline(always)]
fn insert_mask<C: Cost, const MAX: bool>(
    t: &mut Cands<C::Work>,
    row: &[C],
    base: usize,
    mut mask: u32,
) {
    while mask != 0 {
        let k = base + mask.trailing_zeros() as usize;
        mask &= mask - 1;
        t.insert(row[k].to_work::<MAX>(), k);
    }
}
