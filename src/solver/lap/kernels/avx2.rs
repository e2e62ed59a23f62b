//! The AVX2 lanes of the explicit-SIMD kernels ([`super::simd`]): 4 lanes of `f64`
//! ([`F64x4`]) or of `i64` ([`I64x4`], also for `i32` costs, widened as they load), with
//! full-width lane masks (all ones in a lane that is set).

use super::simd::{self, Lanes, MAX_LANES};
use crate::cpu::Avx2;
use crate::solver::{Cost, Work};
use std::marker::PhantomData;

#[allow(clippy::wildcard_imports)]
use std::arch::x86_64::*;

/// 4 lanes of `f64`.
#[derive(Clone, Copy)]
pub(super) struct F64x4(Avx2);

/// 4 lanes of `i64`, for the integer costs `C` (`i64`, or `i32` widened as it loads).
#[derive(Clone, Copy)]
pub(super) struct I64x4<C>(Avx2, PhantomData<C>);

simd::impl_simd!(Avx2, "avx2", F64x4, I64x4);

/// The methods of [`Lanes`] on column numbers and masks, the same for both lane types.
macro_rules! columns {
    () => {
        const N: usize = 4;
        type I = __m256i;
        type M = __m256i;

        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn splat_i(self, j: i64) -> __m256i {
            _mm256_set1_epi64x(j)
        }

        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn iota(self) -> __m256i {
            _mm256_set_epi64x(3, 2, 1, 0)
        }

        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn step(self, j: __m256i) -> __m256i {
            _mm256_add_epi64(j, _mm256_set1_epi64x(4))
        }

        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn bits(self, m: __m256i) -> u32 {
            _mm256_movemask_pd(_mm256_castsi256_pd(m)) as u32
        }

        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn store_where(self, p: *mut i64, m: __m256i, j: __m256i) {
            // SAFETY: the caller's contract: 4 columns are writable at `p`.
            unsafe { _mm256_maskstore_epi64(p, m, j) }
        }

        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn spill_i(self, j: __m256i) -> [i64; MAX_LANES] {
            let mut out = [0; MAX_LANES];
            // SAFETY: `out` holds two 256-bit vectors.
            unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), j) };
            out
        }
    };
}

impl Lanes<f64> for F64x4 {
    columns!();
    type V = __m256d;
    /// The OR of `x - x` over the entries: 0 unless one is NaN or infinite.
    type S = __m256d;

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn splat(self, w: f64) -> __m256d {
        _mm256_set1_pd(w)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn load(self, p: *const f64) -> __m256d {
        // SAFETY: the caller's contract: 4 values are readable at `p`.
        unsafe { _mm256_loadu_pd(p) }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn load_clean<const MAX: bool>(self, p: *const f64) -> __m256d {
        // SAFETY: the caller's contract: 4 entries are readable at `p`.
        let raw = unsafe { _mm256_loadu_pd(p) };
        if MAX {
            _mm256_xor_pd(raw, _mm256_set1_pd(-0.0))
        } else {
            raw
        }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn load_work<const MAX: bool>(self, p: *const f64) -> __m256d {
        let (sign, inf) = (_mm256_set1_pd(-0.0), _mm256_set1_pd(f64::INFINITY));
        // SAFETY: the caller's contract: 4 entries are readable at `p`.
        let raw = unsafe { _mm256_loadu_pd(p) };
        let c = if MAX { _mm256_xor_pd(raw, sign) } else { raw };
        let forb = _mm256_cmp_pd::<_CMP_EQ_OQ>(_mm256_andnot_pd(sign, raw), inf);
        _mm256_blendv_pd(c, inf, forb)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn screen<const MAX: bool>(self, p: *const f64) -> (__m256d, __m256d) {
        // SAFETY: the caller's contract: 4 entries are readable at `p`.
        let raw = unsafe { _mm256_loadu_pd(p) };
        // Negated when maximising, but forbidden entries kept: `-inf` may pass the screen.
        let c = if MAX {
            _mm256_xor_pd(raw, _mm256_set1_pd(-0.0))
        } else {
            raw
        };
        (c, _mm256_sub_pd(raw, raw))
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn no_special(self) -> __m256d {
        _mm256_setzero_pd()
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn or_special(self, a: __m256d, b: __m256d) -> __m256d {
        _mm256_or_pd(a, b)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn any_special(self, s: __m256d) -> bool {
        let s = _mm256_castpd_si256(s);
        _mm256_testz_si256(s, s) == 0
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn add(self, a: __m256d, b: __m256d) -> __m256d {
        _mm256_add_pd(a, b)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn sub(self, a: __m256d, b: __m256d) -> __m256d {
        _mm256_sub_pd(a, b)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn lt(self, a: __m256d, b: __m256d) -> __m256i {
        _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LT_OQ>(a, b))
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn le_bits(self, a: __m256d, b: __m256d) -> u32 {
        _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LE_OQ>(a, b)) as u32
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn select(self, m: __m256i, a: __m256d, b: __m256d) -> __m256d {
        _mm256_blendv_pd(b, a, _mm256_castsi256_pd(m))
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn select_i(self, m: __m256i, a: __m256i, b: __m256i) -> __m256i {
        let (a, b) = (_mm256_castsi256_pd(a), _mm256_castsi256_pd(b));
        _mm256_castpd_si256(_mm256_blendv_pd(b, a, _mm256_castsi256_pd(m)))
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn update(self, p: *mut f64, m: __m256i, new: __m256d, old: __m256d) -> __m256d {
        let v = _mm256_blendv_pd(old, new, _mm256_castsi256_pd(m));
        // SAFETY: the caller's contract: 4 values are writable at `p`.
        unsafe { _mm256_storeu_pd(p, v) };
        v
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn spill(self, v: __m256d) -> [f64; MAX_LANES] {
        let mut out = [0.0; MAX_LANES];
        // SAFETY: `out` holds two 256-bit vectors.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
        out
    }
}

impl<C: Cost<Work = i64>> Lanes<C> for I64x4<C> {
    columns!();
    type V = __m256i;
    /// The OR of the forbidden-lane masks seen.
    type S = __m256i;

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn splat(self, w: i64) -> __m256i {
        _mm256_set1_epi64x(w)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn load(self, p: *const i64) -> __m256i {
        // SAFETY: the caller's contract: 4 values are readable at `p`.
        unsafe { _mm256_loadu_si256(p.cast()) }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn load_work<const MAX: bool>(self, p: *const C) -> __m256i {
        // SAFETY: the caller's contract.
        unsafe { self.screen::<MAX>(p).0 }
    }

    /// The work values ([`Cost::to_work`]) of the entries, and which of them are forbidden.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn screen<const MAX: bool>(self, p: *const C) -> (__m256i, __m256i) {
        // SAFETY: the caller's contract: 4 entries of `C`, 4 bytes (`i32`) or 8, are readable.
        let raw = unsafe {
            if size_of::<C>() == 4 {
                _mm256_cvtepi32_epi64(_mm_loadu_si128(p.cast()))
            } else {
                _mm256_loadu_si256(p.cast())
            }
        };
        let (fmax, fmin) = simd::int_markers::<C>();
        let forb = _mm256_or_si256(
            _mm256_cmpeq_epi64(raw, _mm256_set1_epi64x(fmax)),
            _mm256_cmpeq_epi64(raw, _mm256_set1_epi64x(fmin)),
        );
        let c = if MAX {
            _mm256_sub_epi64(_mm256_setzero_si256(), raw)
        } else {
            raw
        };
        (
            _mm256_blendv_epi8(c, _mm256_set1_epi64x(i64::INF), forb),
            forb,
        )
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn no_special(self) -> __m256i {
        _mm256_setzero_si256()
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn or_special(self, a: __m256i, b: __m256i) -> __m256i {
        _mm256_or_si256(a, b)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn any_special(self, s: __m256i) -> bool {
        _mm256_testz_si256(s, s) == 0
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn add(self, a: __m256i, b: __m256i) -> __m256i {
        _mm256_add_epi64(a, b)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn sub(self, a: __m256i, b: __m256i) -> __m256i {
        _mm256_sub_epi64(a, b)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn lt(self, a: __m256i, b: __m256i) -> __m256i {
        _mm256_cmpgt_epi64(b, a)
    }

    /// `a <= b` is "not `a > b`" (AVX2 has no signed 64-bit `<=`).
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn le_bits(self, a: __m256i, b: __m256i) -> u32 {
        let gt = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(a, b))) as u32;
        !gt & 0b1111
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn select(self, m: __m256i, a: __m256i, b: __m256i) -> __m256i {
        _mm256_blendv_epi8(b, a, m)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn select_i(self, m: __m256i, a: __m256i, b: __m256i) -> __m256i {
        _mm256_blendv_epi8(b, a, m)
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn update(self, p: *mut i64, m: __m256i, new: __m256i, old: __m256i) -> __m256i {
        let v = _mm256_blendv_epi8(old, new, m);
        // SAFETY: the caller's contract: 4 values are writable at `p`.
        unsafe { _mm256_storeu_si256(p.cast(), v) };
        v
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn spill(self, v: __m256i) -> [i64; MAX_LANES] {
        // SAFETY: as `spill_i`.
        unsafe { self.spill_i(v) }
    }
}
