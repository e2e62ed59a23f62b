//! The AVX-512F lanes of the explicit-SIMD kernels ([`super::simd`]): 8 lanes of `f64`
//! ([`F64x8`]) or of `i64` ([`I64x8`], also for `i32` costs, widened as they load), with
//! AVX-512 masks.

use super::simd::{self, Lanes, MAX_LANES};
use crate::cpu::Avx512;
use crate::solver::{Cost, Work};
use std::marker::PhantomData;

#[allow(clippy::wildcard_imports)]
use std::arch::x86_64::*;

/// 8 lanes of `f64`.
#[derive(Clone, Copy)]
pub(super) struct F64x8(Avx512);

/// 8 lanes of `i64`, for the integer costs `C` (`i64`, or `i32` widened as it loads).
#[derive(Clone, Copy)]
pub(super) struct I64x8<C>(Avx512, PhantomData<C>);

simd::impl_simd!(Avx512, "avx512f", F64x8, I64x8);

/// The methods of [`Lanes`] on column numbers and masks, the same for both lane types.
macro_rules! columns {
    () => {
        const N: usize = 8;
        type I = __m512i;
        type M = __mmask8;

        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn splat_i(self, j: i64) -> __m512i {
            _mm512_set1_epi64(j)
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn iota(self) -> __m512i {
            _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0)
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn step(self, j: __m512i) -> __m512i {
            _mm512_add_epi64(j, _mm512_set1_epi64(8))
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn bits(self, m: __mmask8) -> u32 {
            u32::from(m)
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn select_i(self, m: __mmask8, a: __m512i, b: __m512i) -> __m512i {
            _mm512_mask_mov_epi64(b, m, a)
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn store_where(self, p: *mut i64, m: __mmask8, j: __m512i) {
            // SAFETY: the caller's contract: 8 columns are writable at `p`.
            unsafe { _mm512_mask_storeu_epi64(p, m, j) }
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        unsafe fn spill_i(self, j: __m512i) -> [i64; MAX_LANES] {
            let mut out = [0; MAX_LANES];
            // SAFETY: `out` holds exactly one 512-bit vector.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), j) };
            out
        }
    };
}

impl Lanes<f64> for F64x8 {
    columns!();
    type V = __m512d;
    /// The OR of `x - x` over the entries: 0 unless one is NaN or infinite.
    type S = __m512i;

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn splat(self, w: f64) -> __m512d {
        _mm512_set1_pd(w)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn load(self, p: *const f64) -> __m512d {
        // SAFETY: the caller's contract: 8 values are readable at `p`.
        unsafe { _mm512_loadu_pd(p) }
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn load_clean<const MAX: bool>(self, p: *const f64) -> __m512d {
        // SAFETY: the caller's contract: 8 entries are readable at `p`.
        let raw = unsafe { _mm512_loadu_pd(p) };
        if MAX {
            _mm512_castsi512_pd(_mm512_xor_si512(
                _mm512_castpd_si512(raw),
                _mm512_set1_epi64(i64::MIN),
            ))
        } else {
            raw
        }
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn load_work<const MAX: bool>(self, p: *const f64) -> __m512d {
        // SAFETY: the caller's contract: 8 entries are readable at `p`.
        let raw = unsafe { _mm512_loadu_pd(p) };
        let bits = _mm512_castpd_si512(raw);
        let c = if MAX {
            _mm512_castsi512_pd(_mm512_xor_si512(bits, _mm512_set1_epi64(i64::MIN)))
        } else {
            raw
        };
        let abs = _mm512_castsi512_pd(_mm512_and_si512(bits, _mm512_set1_epi64(i64::MAX)));
        let forb = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(abs, _mm512_set1_pd(f64::INFINITY));
        _mm512_mask_mov_pd(c, forb, _mm512_set1_pd(f64::INFINITY))
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn screen<const MAX: bool>(self, p: *const f64) -> (__m512d, __m512i) {
        // SAFETY: the caller's contract: 8 entries are readable at `p`.
        let raw = unsafe { _mm512_loadu_pd(p) };
        let nonfinite = _mm512_castpd_si512(_mm512_sub_pd(raw, raw));
        // Negated when maximising, but forbidden entries kept: `-inf` may pass the screen.
        let c = if MAX {
            let sign = _mm512_set1_epi64(i64::MIN);
            _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(raw), sign))
        } else {
            raw
        };
        (c, nonfinite)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn no_special(self) -> __m512i {
        _mm512_setzero_si512()
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn or_special(self, a: __m512i, b: __m512i) -> __m512i {
        _mm512_or_si512(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn any_special(self, s: __m512i) -> bool {
        _mm512_test_epi64_mask(s, s) != 0
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn add(self, a: __m512d, b: __m512d) -> __m512d {
        _mm512_add_pd(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn sub(self, a: __m512d, b: __m512d) -> __m512d {
        _mm512_sub_pd(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn lt(self, a: __m512d, b: __m512d) -> __mmask8 {
        _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn le_bits(self, a: __m512d, b: __m512d) -> u32 {
        u32::from(_mm512_cmp_pd_mask::<_CMP_LE_OQ>(a, b))
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn select(self, m: __mmask8, a: __m512d, b: __m512d) -> __m512d {
        _mm512_mask_mov_pd(b, m, a)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn update(self, p: *mut f64, m: __mmask8, new: __m512d, old: __m512d) -> __m512d {
        // SAFETY: the caller's contract: 8 values are writable at `p`.
        unsafe { _mm512_mask_storeu_pd(p, m, new) };
        _mm512_mask_mov_pd(old, m, new)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn spill(self, v: __m512d) -> [f64; MAX_LANES] {
        let mut out = [0.0; MAX_LANES];
        // SAFETY: `out` holds exactly one 512-bit vector.
        unsafe { _mm512_storeu_pd(out.as_mut_ptr(), v) };
        out
    }
}

impl<C: Cost<Work = i64>> Lanes<C> for I64x8<C> {
    columns!();
    type V = __m512i;
    /// The lanes of the forbidden entries seen.
    type S = __mmask8;

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn splat(self, w: i64) -> __m512i {
        _mm512_set1_epi64(w)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn load(self, p: *const i64) -> __m512i {
        // SAFETY: the caller's contract: 8 values are readable at `p`.
        unsafe { _mm512_loadu_si512(p.cast()) }
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn load_work<const MAX: bool>(self, p: *const C) -> __m512i {
        // SAFETY: the caller's contract.
        unsafe { self.screen::<MAX>(p).0 }
    }

    /// The work values ([`Cost::to_work`]) of the entries, and which of them are forbidden.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn screen<const MAX: bool>(self, p: *const C) -> (__m512i, __mmask8) {
        // SAFETY: the caller's contract: 8 entries of `C`, 4 bytes (`i32`) or 8, are readable.
        let raw = unsafe {
            if size_of::<C>() == 4 {
                _mm512_cvtepi32_epi64(_mm256_loadu_si256(p.cast()))
            } else {
                _mm512_loadu_si512(p.cast())
            }
        };
        let (fmax, fmin) = simd::int_markers::<C>();
        let forb = _mm512_cmpeq_epi64_mask(raw, _mm512_set1_epi64(fmax))
            | _mm512_cmpeq_epi64_mask(raw, _mm512_set1_epi64(fmin));
        let c = if MAX {
            _mm512_sub_epi64(_mm512_setzero_si512(), raw)
        } else {
            raw
        };
        (
            _mm512_mask_mov_epi64(c, forb, _mm512_set1_epi64(i64::INF)),
            forb,
        )
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn no_special(self) -> __mmask8 {
        0
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn or_special(self, a: __mmask8, b: __mmask8) -> __mmask8 {
        a | b
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn any_special(self, s: __mmask8) -> bool {
        s != 0
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn add(self, a: __m512i, b: __m512i) -> __m512i {
        _mm512_add_epi64(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn sub(self, a: __m512i, b: __m512i) -> __m512i {
        _mm512_sub_epi64(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn lt(self, a: __m512i, b: __m512i) -> __mmask8 {
        _mm512_cmplt_epi64_mask(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn le_bits(self, a: __m512i, b: __m512i) -> u32 {
        u32::from(_mm512_cmple_epi64_mask(a, b))
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn select(self, m: __mmask8, a: __m512i, b: __m512i) -> __m512i {
        _mm512_mask_mov_epi64(b, m, a)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn update(self, p: *mut i64, m: __mmask8, new: __m512i, old: __m512i) -> __m512i {
        // SAFETY: the caller's contract: 8 values are writable at `p`.
        unsafe { _mm512_mask_storeu_epi64(p, m, new) };
        _mm512_mask_mov_epi64(old, m, new)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn spill(self, v: __m512i) -> [i64; MAX_LANES] {
        // SAFETY: as `spill_i`.
        unsafe { self.spill_i(v) }
    }
}
