//! Hand-written AVX2 and AVX-512F kernels (LLVM does not vectorise the arg-min reductions of
//! the portable loops): [`relax_min`], [`top2`] and [`row_cands`] for `f64`, `i64` and `i32`
//! costs (`i32` entries are widened to `i64` lanes as they load). Each is checked lane for lane
//! against the portable loop in the tests of [`super`].

use super::{Best, Cands, Two, PREFETCH};
use crate::solver::lap::NONE;
use crate::solver::{Cost, Work};

#[cfg(doc)]
use super::portable::{relax_min, row_cands, top2};
#[allow(clippy::wildcard_imports)]
use std::arch::x86_64::*;

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

/// AVX-512F [`row_cands`] for `f64`: a block of 16 columns is compared with the last
/// candidate; only the columns below it (a superset of those the portable loop inserts:
/// it also flags forbidden `-inf` entries, which the insertion then skips) are inserted.
///
/// # Safety
/// The CPU must support AVX-512F.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn cands_avx512<const MAX: bool>(row: &[f64]) -> (Cands<f64>, bool) {
    let m = row.len();
    let split = m - m % 16;
    let sign = _mm512_set1_epi64(i64::MIN);
    let mut t = Cands::new();
    let mut last = _mm512_set1_pd(t.h[super::CANDS - 1]);
    // OR of `x - x` over the entries: 0 unless one is NaN or infinite.
    let mut nonfinite = _mm512_setzero_si512();
    let rp = row.as_ptr();
    let mut k = 0;
    while k < split {
        // SAFETY: k + 16 <= split <= m: both loads are in bounds. A prefetch is a hint
        // that never faults, and `wrapping_add` computes its address without the
        // in-bounds requirement of `add`.
        let (a, b) = unsafe {
            _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
            _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
            (_mm512_loadu_pd(rp.add(k)), _mm512_loadu_pd(rp.add(k + 8)))
        };
        nonfinite = _mm512_or_si512(
            nonfinite,
            _mm512_or_si512(
                _mm512_castpd_si512(_mm512_sub_pd(a, a)),
                _mm512_castpd_si512(_mm512_sub_pd(b, b)),
            ),
        );
        let (a, b) = if MAX {
            (
                _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(a), sign)),
                _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(b), sign)),
            )
        } else {
            (a, b)
        };
        let la = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, last);
        let lb = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(b, last);
        if la | lb != 0 {
            insert_mask::<f64, MAX>(&mut t, row, k, u32::from(la) | (u32::from(lb) << 8));
            last = _mm512_set1_pd(t.h[super::CANDS - 1]);
        }
        k += 16;
    }
    let mut special = _mm512_test_epi64_mask(nonfinite, nonfinite) != 0;
    for (k, &c) in row.iter().enumerate().skip(split) {
        special |= c.is_special();
        t.insert(c.to_work::<MAX>(), k);
    }
    (t, special)
}

/// AVX2 [`row_cands`] for `f64` (as [`cands_avx512`], in four 4-lane vectors).
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn cands_avx2<const MAX: bool>(row: &[f64]) -> (Cands<f64>, bool) {
    let m = row.len();
    let split = m - m % 16;
    let sign = _mm256_set1_pd(-0.0);
    let mut t = Cands::new();
    let mut last = _mm256_set1_pd(t.h[super::CANDS - 1]);
    let mut nonfinite = _mm256_setzero_pd();
    let rp = row.as_ptr();
    let mut k = 0;
    while k < split {
        // SAFETY: k + 16 <= split <= m: the loads are in bounds; the prefetch as in
        // `cands_avx512`.
        let x = unsafe {
            _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
            _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
            [
                _mm256_loadu_pd(rp.add(k)),
                _mm256_loadu_pd(rp.add(k + 4)),
                _mm256_loadu_pd(rp.add(k + 8)),
                _mm256_loadu_pd(rp.add(k + 12)),
            ]
        };
        let mut mask = 0u32;
        for (q, &a) in x.iter().enumerate() {
            nonfinite = _mm256_or_pd(nonfinite, _mm256_sub_pd(a, a));
            let a = if MAX { _mm256_xor_pd(a, sign) } else { a };
            let lt = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(a, last)) as u32;
            mask |= lt << (4 * q);
        }
        if mask != 0 {
            insert_mask::<f64, MAX>(&mut t, row, k, mask);
            last = _mm256_set1_pd(t.h[super::CANDS - 1]);
        }
        k += 16;
    }
    let nf = _mm256_castpd_si256(nonfinite);
    let mut special = _mm256_testz_si256(nf, nf) == 0;
    for (k, &c) in row.iter().enumerate().skip(split) {
        special |= c.is_special();
        t.insert(c.to_work::<MAX>(), k);
    }
    (t, special)
}

/// Lane-wise minima and their columns, merged lowest column first among equal values.
fn merge<W: Work>(ma: &[W], ia: &[i64], mf: &[W], jf: &[i64]) -> Best<W> {
    let mut b = Best {
        all_d: W::INF,
        all_j: NONE,
        free_d: W::INF,
        free_j: NONE,
    };
    for l in 0..ma.len() {
        let (a, ai) = (ma[l], ia[l] as usize);
        if a < b.all_d || (a == b.all_d && ai < b.all_j) {
            b.all_d = a;
            b.all_j = ai;
        }
        let (f, fi) = (mf[l], jf[l] as usize);
        if f < b.free_d || (f == b.free_d && fi < b.free_j) {
            b.free_d = f;
            b.free_j = fi;
        }
    }
    b
}

/// The scalar tail of both kernels, continuing `b` from column `from`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn tail<C: Cost, const MAX: bool>(
    from: usize,
    row: &[C],
    v: &[C::Work],
    d: &mut [C::Work],
    pred: &mut [usize],
    pen: &[C::Work],
    h: C::Work,
    lb: C::Work,
    i: usize,
    b: &mut Best<C::Work>,
) {
    for k in from..row.len() {
        let cred = row[k].to_work::<MAX>() - v[k] - h;
        if cred < d[k] {
            d[k] = cred;
            pred[k] = i;
        }
        if d[k] < b.all_d {
            b.all_d = d[k];
            b.all_j = k;
        }
        let f = d[k] + pen[k];
        if f <= lb {
            *b = Best::hit(f, k);
            return;
        }
        if f < b.free_d {
            b.free_d = f;
            b.free_j = k;
        }
    }
}

/// AVX-512F [`relax_min`] for `f64`.
///
/// # Safety
/// The CPU must support AVX-512F, and `v`, `d`, `pred`, `pen` must be at least as long
/// as `row`.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn relax_avx512<const MAX: bool>(
    row: &[f64],
    v: &[f64],
    d: &mut [f64],
    pred: &mut [usize],
    pen: &[f64],
    h: f64,
    lb: f64,
    i: usize,
) -> Best<f64> {
    let m = row.len();
    let split = m - m % 8;
    let inf = _mm512_set1_pd(f64::INFINITY);
    let hv = _mm512_set1_pd(h);
    let lbv = _mm512_set1_pd(lb);
    let iv = _mm512_set1_epi64(i as i64);
    let sign = _mm512_set1_epi64(i64::MIN);
    let absm = _mm512_set1_epi64(i64::MAX);
    let eight = _mm512_set1_epi64(8);
    let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let (mut ma, mut mf) = (inf, inf);
    let none = _mm512_set1_epi64(-1);
    let (mut ia, mut jf) = (none, none);
    let (rp, vp, dp, pp, qp) = (
        row.as_ptr(),
        v.as_ptr(),
        d.as_mut_ptr(),
        pred.as_mut_ptr().cast::<i64>(),
        pen.as_ptr(),
    );
    // Prefetch within the row only: the next row a search scans is not the next in memory.
    let pf_end = m.saturating_sub(PREFETCH / 8);
    let mut k = 0;
    while k < split {
        // SAFETY: k + 8 <= split <= m, and every slice has at least m elements; the
        // prefetched element k + PREFETCH / 8 is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
            }
            let raw = _mm512_loadu_pd(rp.add(k));
            let c = if MAX {
                _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(raw), sign))
            } else {
                raw
            };
            let abs = _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(raw), absm));
            let forb = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(abs, inf);
            let w = _mm512_mask_mov_pd(c, forb, inf);
            let cred = _mm512_sub_pd(_mm512_sub_pd(w, _mm512_loadu_pd(vp.add(k))), hv);
            let dk = _mm512_loadu_pd(dp.add(k));
            let better = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(cred, dk);
            _mm512_mask_storeu_pd(dp.add(k), better, cred);
            _mm512_mask_storeu_epi64(pp.add(k), better, iv);
            let nd = _mm512_mask_mov_pd(dk, better, cred);
            let lt = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(nd, ma);
            ma = _mm512_mask_mov_pd(ma, lt, nd);
            ia = _mm512_mask_mov_epi64(ia, lt, idx);
            let f = _mm512_add_pd(nd, _mm512_loadu_pd(qp.add(k)));
            let hit = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(f, lbv);
            if hit != 0 {
                // The hit lane is below k + 8 <= split: in bounds, and just stored.
                let k = k + hit.trailing_zeros() as usize;
                return Best::hit(*dp.add(k), k);
            }
            let ltf = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(f, mf);
            mf = _mm512_mask_mov_pd(mf, ltf, f);
            jf = _mm512_mask_mov_epi64(jf, ltf, idx);
        }
        idx = _mm512_add_epi64(idx, eight);
        k += 8;
    }
    let (mut a, mut b, mut c, mut e) = ([0f64; 8], [0i64; 8], [0f64; 8], [0i64; 8]);
    // SAFETY: each array holds exactly one 512-bit vector.
    unsafe {
        _mm512_storeu_pd(a.as_mut_ptr(), ma);
        _mm512_storeu_si512(b.as_mut_ptr().cast(), ia);
        _mm512_storeu_pd(c.as_mut_ptr(), mf);
        _mm512_storeu_si512(e.as_mut_ptr().cast(), jf);
    }
    let mut best = merge(&a, &b, &c, &e);
    tail::<f64, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
    best
}

/// AVX-512F [`top2`] for `f64`.
///
/// # Safety
/// The CPU must support AVX-512F, and `v` must be at least as long as `row`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn top2_avx512<const MAX: bool>(row: &[f64], v: &[f64]) -> Two<f64> {
    let m = row.len();
    let split = m - m % 8;
    let inf = _mm512_set1_pd(f64::INFINITY);
    let sign = _mm512_set1_epi64(i64::MIN);
    let absm = _mm512_set1_epi64(i64::MAX);
    let eight = _mm512_set1_epi64(8);
    let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let none = _mm512_set1_epi64(-1);
    let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
    let (rp, vp) = (row.as_ptr(), v.as_ptr());
    // Prefetch within the row only: rows are read in no particular order.
    let pf_end = m.saturating_sub(PREFETCH / 8);
    let mut k = 0;
    while k < split {
        // SAFETY: k + 8 <= split <= m <= v.len(); the prefetched element
        // k + PREFETCH / 8 is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
            }
            let raw = _mm512_loadu_pd(rp.add(k));
            let c = if MAX {
                _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(raw), sign))
            } else {
                raw
            };
            let abs = _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(raw), absm));
            let forb = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(abs, inf);
            let w = _mm512_mask_mov_pd(c, forb, inf);
            let h = _mm512_sub_pd(w, _mm512_loadu_pd(vp.add(k)));
            let lt1 = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(h, a1);
            let lt2 = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(h, a2);
            a2 = _mm512_mask_mov_pd(_mm512_mask_mov_pd(a2, lt2, h), lt1, a1);
            i2 = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(i2, lt2, idx), lt1, i1);
            a1 = _mm512_mask_mov_pd(a1, lt1, h);
            i1 = _mm512_mask_mov_epi64(i1, lt1, idx);
        }
        idx = _mm512_add_epi64(idx, eight);
        k += 8;
    }
    let (mut x1, mut y1, mut x2, mut y2) = ([0f64; 8], [0i64; 8], [0f64; 8], [0i64; 8]);
    // SAFETY: each array holds exactly one 512-bit vector.
    unsafe {
        _mm512_storeu_pd(x1.as_mut_ptr(), a1);
        _mm512_storeu_si512(y1.as_mut_ptr().cast(), i1);
        _mm512_storeu_pd(x2.as_mut_ptr(), a2);
        _mm512_storeu_si512(y2.as_mut_ptr().cast(), i2);
    }
    finish_top2::<f64, MAX>(&x1, &y1, &x2, &y2, split, row, v)
}

/// AVX2 [`top2`] for `f64`.
///
/// # Safety
/// The CPU must support AVX2, and `v` must be at least as long as `row`.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn top2_avx2<const MAX: bool>(row: &[f64], v: &[f64]) -> Two<f64> {
    let m = row.len();
    let split = m - m % 4;
    let inf = _mm256_set1_pd(f64::INFINITY);
    let sign = _mm256_set1_pd(-0.0);
    let four = _mm256_set1_epi64x(4);
    let mut idx = _mm256_castsi256_pd(_mm256_set_epi64x(3, 2, 1, 0));
    let none = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
    let (rp, vp) = (row.as_ptr(), v.as_ptr());
    // Prefetch within the row only: rows are read in no particular order.
    let pf_end = m.saturating_sub(PREFETCH / 8);
    let mut k = 0;
    while k < split {
        // SAFETY: k + 4 <= split <= m <= v.len(); the prefetched element
        // k + PREFETCH / 8 is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
            }
            let raw = _mm256_loadu_pd(rp.add(k));
            let c = if MAX { _mm256_xor_pd(raw, sign) } else { raw };
            let forb = _mm256_cmp_pd::<_CMP_EQ_OQ>(_mm256_andnot_pd(sign, raw), inf);
            let w = _mm256_blendv_pd(c, inf, forb);
            let h = _mm256_sub_pd(w, _mm256_loadu_pd(vp.add(k)));
            let lt1 = _mm256_cmp_pd::<_CMP_LT_OQ>(h, a1);
            let lt2 = _mm256_cmp_pd::<_CMP_LT_OQ>(h, a2);
            a2 = _mm256_blendv_pd(_mm256_blendv_pd(a2, h, lt2), a1, lt1);
            i2 = _mm256_blendv_pd(_mm256_blendv_pd(i2, idx, lt2), i1, lt1);
            a1 = _mm256_blendv_pd(a1, h, lt1);
            i1 = _mm256_blendv_pd(i1, idx, lt1);
        }
        idx = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(idx), four));
        k += 4;
    }
    let (mut x1, mut y1, mut x2, mut y2) = ([0f64; 4], [0i64; 4], [0f64; 4], [0i64; 4]);
    // SAFETY: each array holds exactly one 256-bit vector.
    unsafe {
        _mm256_storeu_pd(x1.as_mut_ptr(), a1);
        _mm256_storeu_pd(y1.as_mut_ptr().cast(), i1);
        _mm256_storeu_pd(x2.as_mut_ptr(), a2);
        _mm256_storeu_pd(y2.as_mut_ptr().cast(), i2);
    }
    finish_top2::<f64, MAX>(&x1, &y1, &x2, &y2, split, row, v)
}

/// Merges the lanes of a SIMD `top2` and adds the scalar tail from column `split`.
fn finish_top2<C: Cost, const MAX: bool>(
    x1: &[C::Work],
    y1: &[i64],
    x2: &[C::Work],
    y2: &[i64],
    split: usize,
    row: &[C],
    v: &[C::Work],
) -> Two<C::Work> {
    let mut t = Two::new();
    for l in 0..x1.len() {
        t.push(x1[l], y1[l] as usize);
        t.push(x2[l], y2[l] as usize);
    }
    for k in split..row.len() {
        let h = row[k].to_work::<MAX>() - v[k];
        if h < C::Work::INF {
            t.push(h, k);
        }
    }
    t
}

/// AVX2 [`relax_min`] for `f64`.
///
/// # Safety
/// The CPU must support AVX2, and `v`, `d`, `pred`, `pen` must be at least as long as
/// `row`.
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn relax_avx2<const MAX: bool>(
    row: &[f64],
    v: &[f64],
    d: &mut [f64],
    pred: &mut [usize],
    pen: &[f64],
    h: f64,
    lb: f64,
    i: usize,
) -> Best<f64> {
    let m = row.len();
    let split = m - m % 4;
    let inf = _mm256_set1_pd(f64::INFINITY);
    let hv = _mm256_set1_pd(h);
    let lbv = _mm256_set1_pd(lb);
    let iv = _mm256_set1_epi64x(i as i64);
    let sign = _mm256_set1_pd(-0.0);
    let four = _mm256_set1_epi64x(4);
    let mut idx = _mm256_set_epi64x(3, 2, 1, 0);
    let (mut ma, mut mf) = (inf, inf);
    let none = _mm256_set1_epi64x(-1);
    let (mut ia, mut jf) = (none, none);
    let (rp, vp, dp, pp, qp) = (
        row.as_ptr(),
        v.as_ptr(),
        d.as_mut_ptr(),
        pred.as_mut_ptr().cast::<i64>(),
        pen.as_ptr(),
    );
    // Prefetch within the row only: the next row a search scans is not the next in memory.
    let pf_end = m.saturating_sub(PREFETCH / 8);
    let mut k = 0;
    while k < split {
        // SAFETY: k + 4 <= split <= m, and every slice has at least m elements; the
        // prefetched element k + PREFETCH / 8 is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / 8).cast::<i8>());
            }
            let raw = _mm256_loadu_pd(rp.add(k));
            let c = if MAX { _mm256_xor_pd(raw, sign) } else { raw };
            let forb = _mm256_cmp_pd::<_CMP_EQ_OQ>(_mm256_andnot_pd(sign, raw), inf);
            let w = _mm256_blendv_pd(c, inf, forb);
            let cred = _mm256_sub_pd(_mm256_sub_pd(w, _mm256_loadu_pd(vp.add(k))), hv);
            let dk = _mm256_loadu_pd(dp.add(k));
            let better = _mm256_cmp_pd::<_CMP_LT_OQ>(cred, dk);
            let nd = _mm256_blendv_pd(dk, cred, better);
            _mm256_storeu_pd(dp.add(k), nd);
            _mm256_maskstore_epi64(pp.add(k), _mm256_castpd_si256(better), iv);
            let lt = _mm256_cmp_pd::<_CMP_LT_OQ>(nd, ma);
            ma = _mm256_blendv_pd(ma, nd, lt);
            ia = _mm256_castpd_si256(_mm256_blendv_pd(
                _mm256_castsi256_pd(ia),
                _mm256_castsi256_pd(idx),
                lt,
            ));
            let f = _mm256_add_pd(nd, _mm256_loadu_pd(qp.add(k)));
            let hit = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LE_OQ>(f, lbv));
            if hit != 0 {
                // The hit lane is below k + 4 <= split: in bounds, and just stored.
                let k = k + hit.trailing_zeros() as usize;
                return Best::hit(*dp.add(k), k);
            }
            let ltf = _mm256_cmp_pd::<_CMP_LT_OQ>(f, mf);
            mf = _mm256_blendv_pd(mf, f, ltf);
            jf = _mm256_castpd_si256(_mm256_blendv_pd(
                _mm256_castsi256_pd(jf),
                _mm256_castsi256_pd(idx),
                ltf,
            ));
        }
        idx = _mm256_add_epi64(idx, four);
        k += 4;
    }
    let (mut a, mut b, mut c, mut e) = ([0f64; 4], [0i64; 4], [0f64; 4], [0i64; 4]);
    // SAFETY: each array holds exactly one 256-bit vector.
    unsafe {
        _mm256_storeu_pd(a.as_mut_ptr(), ma);
        _mm256_storeu_si256(b.as_mut_ptr().cast(), ia);
        _mm256_storeu_pd(c.as_mut_ptr(), mf);
        _mm256_storeu_si256(e.as_mut_ptr().cast(), jf);
    }
    let mut best = merge(&a, &b, &c, &e);
    tail::<f64, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
    best
}

/// Whether the integer cost type `C` is `i32` (else `i64`), and its forbidden markers
/// (`MAX` and `MIN`) as `i64`.
#[inline(always)]
fn int_markers<C: Cost>() -> (bool, i64, i64) {
    if size_of::<C>() == 4 {
        (true, i64::from(i32::MAX), i64::from(i32::MIN))
    } else {
        (false, i64::MAX, i64::MIN)
    }
}

/// Integer costs as `i64` work lanes, eight at a time (AVX-512F): `C` is `i64`, or `i32`
/// widened as it loads; entries are negated when maximising, and the forbidden markers
/// become [`Work::INF`], as [`Cost::to_work`] does one by one.
#[derive(Clone, Copy)]
struct IntLanes512 {
    narrow: bool,
    fmax: __m512i,
    fmin: __m512i,
    inf: __m512i,
}

impl IntLanes512 {
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn new<C: Cost>() -> Self {
        let (narrow, fmax, fmin) = int_markers::<C>();
        IntLanes512 {
            narrow,
            fmax: _mm512_set1_epi64(fmax),
            fmin: _mm512_set1_epi64(fmin),
            inf: _mm512_set1_epi64(i64::INF),
        }
    }

    /// The eight entries at `p`, as `i64`.
    ///
    /// # Safety
    /// Eight entries of `C` (the type given to [`IntLanes512::new`]) must be readable at `p`.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn load<C>(self, p: *const C) -> __m512i {
        // SAFETY: the caller's contract: eight entries of 4 bytes (`i32`) or 8 are readable.
        unsafe {
            if self.narrow {
                _mm512_cvtepi32_epi64(_mm256_loadu_si256(p.cast()))
            } else {
                _mm512_loadu_si512(p.cast())
            }
        }
    }

    /// The work values of eight loaded entries, and which of them are forbidden.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn work<const MAX: bool>(self, raw: __m512i) -> (__m512i, __mmask8) {
        let forb =
            _mm512_cmpeq_epi64_mask(raw, self.fmax) | _mm512_cmpeq_epi64_mask(raw, self.fmin);
        let c = if MAX {
            _mm512_sub_epi64(_mm512_setzero_si512(), raw)
        } else {
            raw
        };
        (_mm512_mask_mov_epi64(c, forb, self.inf), forb)
    }
}

/// [`IntLanes512`] for AVX2, four lanes at a time; the forbidden lanes come as a full-width
/// mask.
#[derive(Clone, Copy)]
struct IntLanes256 {
    narrow: bool,
    fmax: __m256i,
    fmin: __m256i,
    inf: __m256i,
}

impl IntLanes256 {
    #[target_feature(enable = "avx2")]
    #[inline]
    fn new<C: Cost>() -> Self {
        let (narrow, fmax, fmin) = int_markers::<C>();
        IntLanes256 {
            narrow,
            fmax: _mm256_set1_epi64x(fmax),
            fmin: _mm256_set1_epi64x(fmin),
            inf: _mm256_set1_epi64x(i64::INF),
        }
    }

    /// The four entries at `p`, as `i64`.
    ///
    /// # Safety
    /// Four entries of `C` (the type given to [`IntLanes256::new`]) must be readable at `p`.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn load<C>(self, p: *const C) -> __m256i {
        // SAFETY: the caller's contract: four entries of 4 bytes (`i32`) or 8 are readable.
        unsafe {
            if self.narrow {
                _mm256_cvtepi32_epi64(_mm_loadu_si128(p.cast()))
            } else {
                _mm256_loadu_si256(p.cast())
            }
        }
    }

    /// The work values of four loaded entries, and which of them are forbidden.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn work<const MAX: bool>(self, raw: __m256i) -> (__m256i, __m256i) {
        let forb = _mm256_or_si256(
            _mm256_cmpeq_epi64(raw, self.fmax),
            _mm256_cmpeq_epi64(raw, self.fmin),
        );
        let c = if MAX {
            _mm256_sub_epi64(_mm256_setzero_si256(), raw)
        } else {
            raw
        };
        (_mm256_blendv_epi8(c, self.inf, forb), forb)
    }
}

/// AVX-512F [`relax_min`] for integer costs (`i64`, or `i32` widened to `i64`
/// lanes), in the same steps as [`relax_avx512`].
///
/// # Safety
/// The CPU must support AVX-512F; `C` must be `i64` or `i32` (worked in `i64`); `v`, `d`,
/// `pred`, `pen` must be at least as long as `row`.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn relax_int_avx512<C: Cost<Work = i64>, const MAX: bool>(
    row: &[C],
    v: &[i64],
    d: &mut [i64],
    pred: &mut [usize],
    pen: &[i64],
    h: i64,
    lb: i64,
    i: usize,
) -> Best<i64> {
    let lanes = IntLanes512::new::<C>();
    let m = row.len();
    let split = m - m % 8;
    let inf = lanes.inf;
    let hv = _mm512_set1_epi64(h);
    let lbv = _mm512_set1_epi64(lb);
    let iv = _mm512_set1_epi64(i as i64);
    let eight = _mm512_set1_epi64(8);
    let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let (mut ma, mut mf) = (inf, inf);
    let none = _mm512_set1_epi64(-1);
    let (mut ia, mut jf) = (none, none);
    let (rp, vp, dp, pp, qp) = (
        row.as_ptr(),
        v.as_ptr(),
        d.as_mut_ptr(),
        pred.as_mut_ptr().cast::<i64>(),
        pen.as_ptr(),
    );
    let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
    let mut k = 0;
    while k < split {
        // SAFETY: k + 8 <= split <= m, and every slice has at least m elements (of 4 bytes
        // each for an `i32` row, 8 otherwise); the prefetched element is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
            }
            let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
            let cred = _mm512_sub_epi64(
                _mm512_sub_epi64(w, _mm512_loadu_si512(vp.add(k).cast())),
                hv,
            );
            let dk = _mm512_loadu_si512(dp.add(k).cast());
            let better = _mm512_cmplt_epi64_mask(cred, dk);
            _mm512_mask_storeu_epi64(dp.add(k), better, cred);
            _mm512_mask_storeu_epi64(pp.add(k), better, iv);
            let nd = _mm512_mask_mov_epi64(dk, better, cred);
            let lt = _mm512_cmplt_epi64_mask(nd, ma);
            ma = _mm512_mask_mov_epi64(ma, lt, nd);
            ia = _mm512_mask_mov_epi64(ia, lt, idx);
            let f = _mm512_add_epi64(nd, _mm512_loadu_si512(qp.add(k).cast()));
            let hit = _mm512_cmple_epi64_mask(f, lbv);
            if hit != 0 {
                // The hit lane is below k + 8 <= split: in bounds, and just stored.
                let k = k + hit.trailing_zeros() as usize;
                return Best::hit(*dp.add(k), k);
            }
            let ltf = _mm512_cmplt_epi64_mask(f, mf);
            mf = _mm512_mask_mov_epi64(mf, ltf, f);
            jf = _mm512_mask_mov_epi64(jf, ltf, idx);
        }
        idx = _mm512_add_epi64(idx, eight);
        k += 8;
    }
    let (mut a, mut b, mut c, mut e) = ([0i64; 8], [0i64; 8], [0i64; 8], [0i64; 8]);
    // SAFETY: each array holds exactly one 512-bit vector.
    unsafe {
        _mm512_storeu_si512(a.as_mut_ptr().cast(), ma);
        _mm512_storeu_si512(b.as_mut_ptr().cast(), ia);
        _mm512_storeu_si512(c.as_mut_ptr().cast(), mf);
        _mm512_storeu_si512(e.as_mut_ptr().cast(), jf);
    }
    let mut best = merge(&a, &b, &c, &e);
    tail::<C, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
    best
}

/// AVX2 [`relax_min`] for integer costs (`i64`, or `i32` widened to `i64` lanes), in
/// the same steps as [`relax_avx2`].
///
/// # Safety
/// The CPU must support AVX2; `C` must be `i64` or `i32` (worked in `i64`); `v`, `d`,
/// `pred`, `pen` must be at least as long as `row`.
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn relax_int_avx2<C: Cost<Work = i64>, const MAX: bool>(
    row: &[C],
    v: &[i64],
    d: &mut [i64],
    pred: &mut [usize],
    pen: &[i64],
    h: i64,
    lb: i64,
    i: usize,
) -> Best<i64> {
    let lanes = IntLanes256::new::<C>();
    let m = row.len();
    let split = m - m % 4;
    let inf = lanes.inf;
    let hv = _mm256_set1_epi64x(h);
    // `f <= lb` is `lb + 1 > f`: lb is a distance, far below i64::MAX.
    let lb1 = _mm256_set1_epi64x(lb + 1);
    let iv = _mm256_set1_epi64x(i as i64);
    let four = _mm256_set1_epi64x(4);
    let mut idx = _mm256_set_epi64x(3, 2, 1, 0);
    let (mut ma, mut mf) = (inf, inf);
    let none = _mm256_set1_epi64x(-1);
    let (mut ia, mut jf) = (none, none);
    let (rp, vp, dp, pp, qp) = (
        row.as_ptr(),
        v.as_ptr(),
        d.as_mut_ptr(),
        pred.as_mut_ptr().cast::<i64>(),
        pen.as_ptr(),
    );
    let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
    let mut k = 0;
    while k < split {
        // SAFETY: k + 4 <= split <= m, and every slice has at least m elements (of 4 bytes
        // each for an `i32` row, 8 otherwise); the prefetched element is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
            }
            let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
            let cred = _mm256_sub_epi64(
                _mm256_sub_epi64(w, _mm256_loadu_si256(vp.add(k).cast())),
                hv,
            );
            let dk = _mm256_loadu_si256(dp.add(k).cast());
            let better = _mm256_cmpgt_epi64(dk, cred);
            let nd = _mm256_blendv_epi8(dk, cred, better);
            _mm256_storeu_si256(dp.add(k).cast(), nd);
            _mm256_maskstore_epi64(pp.add(k), better, iv);
            let lt = _mm256_cmpgt_epi64(ma, nd);
            ma = _mm256_blendv_epi8(ma, nd, lt);
            ia = _mm256_blendv_epi8(ia, idx, lt);
            let f = _mm256_add_epi64(nd, _mm256_loadu_si256(qp.add(k).cast()));
            let hit = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(lb1, f)));
            if hit != 0 {
                // The hit lane is below k + 4 <= split: in bounds, and just stored.
                let k = k + hit.trailing_zeros() as usize;
                return Best::hit(*dp.add(k), k);
            }
            let ltf = _mm256_cmpgt_epi64(mf, f);
            mf = _mm256_blendv_epi8(mf, f, ltf);
            jf = _mm256_blendv_epi8(jf, idx, ltf);
        }
        idx = _mm256_add_epi64(idx, four);
        k += 4;
    }
    let (mut a, mut b, mut c, mut e) = ([0i64; 4], [0i64; 4], [0i64; 4], [0i64; 4]);
    // SAFETY: each array holds exactly one 256-bit vector.
    unsafe {
        _mm256_storeu_si256(a.as_mut_ptr().cast(), ma);
        _mm256_storeu_si256(b.as_mut_ptr().cast(), ia);
        _mm256_storeu_si256(c.as_mut_ptr().cast(), mf);
        _mm256_storeu_si256(e.as_mut_ptr().cast(), jf);
    }
    let mut best = merge(&a, &b, &c, &e);
    tail::<C, MAX>(split, row, v, d, pred, pen, h, lb, i, &mut best);
    best
}

/// AVX-512F [`top2`] for integer costs (`i64`, or `i32` widened to `i64` lanes), in
/// the same steps as [`top2_avx512`].
///
/// # Safety
/// The CPU must support AVX-512F; `C` must be `i64` or `i32` (worked in `i64`); `v` must
/// be at least as long as `row`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn top2_int_avx512<C: Cost<Work = i64>, const MAX: bool>(
    row: &[C],
    v: &[i64],
) -> Two<i64> {
    let lanes = IntLanes512::new::<C>();
    let m = row.len();
    let split = m - m % 8;
    let inf = lanes.inf;
    let eight = _mm512_set1_epi64(8);
    let mut idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let none = _mm512_set1_epi64(-1);
    let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
    let (rp, vp) = (row.as_ptr(), v.as_ptr());
    let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
    let mut k = 0;
    while k < split {
        // SAFETY: k + 8 <= split <= m <= v.len() (elements of 4 bytes for an `i32` row, 8
        // otherwise); the prefetched element is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
            }
            let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
            let h = _mm512_sub_epi64(w, _mm512_loadu_si512(vp.add(k).cast()));
            let lt1 = _mm512_cmplt_epi64_mask(h, a1);
            let lt2 = _mm512_cmplt_epi64_mask(h, a2);
            a2 = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(a2, lt2, h), lt1, a1);
            i2 = _mm512_mask_mov_epi64(_mm512_mask_mov_epi64(i2, lt2, idx), lt1, i1);
            a1 = _mm512_mask_mov_epi64(a1, lt1, h);
            i1 = _mm512_mask_mov_epi64(i1, lt1, idx);
        }
        idx = _mm512_add_epi64(idx, eight);
        k += 8;
    }
    let (mut x1, mut y1, mut x2, mut y2) = ([0i64; 8], [0i64; 8], [0i64; 8], [0i64; 8]);
    // SAFETY: each array holds exactly one 512-bit vector.
    unsafe {
        _mm512_storeu_si512(x1.as_mut_ptr().cast(), a1);
        _mm512_storeu_si512(y1.as_mut_ptr().cast(), i1);
        _mm512_storeu_si512(x2.as_mut_ptr().cast(), a2);
        _mm512_storeu_si512(y2.as_mut_ptr().cast(), i2);
    }
    finish_top2::<C, MAX>(&x1, &y1, &x2, &y2, split, row, v)
}

/// AVX2 [`top2`] for integer costs (`i64`, or `i32` widened to `i64` lanes), in the
/// same steps as [`top2_int_avx512`], four lanes at a time.
///
/// # Safety
/// The CPU must support AVX2; `C` must be `i64` or `i32` (worked in `i64`); `v` must be at
/// least as long as `row`.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn top2_int_avx2<C: Cost<Work = i64>, const MAX: bool>(
    row: &[C],
    v: &[i64],
) -> Two<i64> {
    let lanes = IntLanes256::new::<C>();
    let m = row.len();
    let split = m - m % 4;
    let inf = lanes.inf;
    let four = _mm256_set1_epi64x(4);
    let mut idx = _mm256_set_epi64x(3, 2, 1, 0);
    let none = _mm256_set1_epi64x(-1);
    let (mut a1, mut a2, mut i1, mut i2) = (inf, inf, none, none);
    let (rp, vp) = (row.as_ptr(), v.as_ptr());
    let pf_end = m.saturating_sub(PREFETCH / size_of::<C>());
    let mut k = 0;
    while k < split {
        // SAFETY: k + 4 <= split <= m <= v.len() (elements of 4 bytes for an `i32` row, 8
        // otherwise); the prefetched element is below m.
        unsafe {
            if k < pf_end {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k + PREFETCH / size_of::<C>()).cast::<i8>());
            }
            let (w, _) = lanes.work::<MAX>(lanes.load(rp.add(k)));
            let h = _mm256_sub_epi64(w, _mm256_loadu_si256(vp.add(k).cast()));
            let lt1 = _mm256_cmpgt_epi64(a1, h);
            let lt2 = _mm256_cmpgt_epi64(a2, h);
            a2 = _mm256_blendv_epi8(_mm256_blendv_epi8(a2, h, lt2), a1, lt1);
            i2 = _mm256_blendv_epi8(_mm256_blendv_epi8(i2, idx, lt2), i1, lt1);
            a1 = _mm256_blendv_epi8(a1, h, lt1);
            i1 = _mm256_blendv_epi8(i1, idx, lt1);
        }
        idx = _mm256_add_epi64(idx, four);
        k += 4;
    }
    let (mut x1, mut y1, mut x2, mut y2) = ([0i64; 4], [0i64; 4], [0i64; 4], [0i64; 4]);
    // SAFETY: each array holds exactly one 256-bit vector.
    unsafe {
        _mm256_storeu_si256(x1.as_mut_ptr().cast(), a1);
        _mm256_storeu_si256(y1.as_mut_ptr().cast(), i1);
        _mm256_storeu_si256(x2.as_mut_ptr().cast(), a2);
        _mm256_storeu_si256(y2.as_mut_ptr().cast(), i2);
    }
    finish_top2::<C, MAX>(&x1, &y1, &x2, &y2, split, row, v)
}

/// AVX-512F [`row_cands`] for integer costs (`i64`, or `i32` widened to `i64`
/// lanes), in the same steps as [`cands_avx512`]: a block of 16 columns is compared with the
/// last candidate, and only the columns below it are inserted.
///
/// # Safety
/// The CPU must support AVX-512F; `C` must be `i64` or `i32` (worked in `i64`).
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn cands_int_avx512<C: Cost<Work = i64>, const MAX: bool>(
    row: &[C],
) -> (Cands<i64>, bool) {
    let lanes = IntLanes512::new::<C>();
    let m = row.len();
    let split = m - m % 16;
    let mut t = Cands::new();
    let mut last = _mm512_set1_epi64(t.h[super::CANDS - 1]);
    let mut special = false;
    let rp = row.as_ptr();
    let mut k = 0;
    while k < split {
        // SAFETY: k + 16 <= split <= m: the loads are in bounds (16 entries of 4 bytes for
        // an `i32` row, of 8 otherwise). A prefetch is a hint that never faults, and
        // `wrapping_add` computes its address without the in-bounds requirement of `add`.
        let (a, b) = unsafe {
            _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
            if !lanes.narrow {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
            }
            (lanes.load(rp.add(k)), lanes.load(rp.add(k + 8)))
        };
        let ((a, fa), (b, fb)) = (lanes.work::<MAX>(a), lanes.work::<MAX>(b));
        special |= fa | fb != 0;
        let la = _mm512_cmplt_epi64_mask(a, last);
        let lb = _mm512_cmplt_epi64_mask(b, last);
        if la | lb != 0 {
            insert_mask::<C, MAX>(&mut t, row, k, u32::from(la) | (u32::from(lb) << 8));
            last = _mm512_set1_epi64(t.h[super::CANDS - 1]);
        }
        k += 16;
    }
    for (k, &c) in row.iter().enumerate().skip(split) {
        special |= c.is_special();
        t.insert(c.to_work::<MAX>(), k);
    }
    (t, special)
}

/// AVX2 [`row_cands`] for integer costs (`i64`, or `i32` widened to `i64` lanes), as
/// [`cands_int_avx512`] in four 4-lane vectors.
///
/// # Safety
/// The CPU must support AVX2; `C` must be `i64` or `i32` (worked in `i64`).
#[target_feature(enable = "avx2")]
pub(super) unsafe fn cands_int_avx2<C: Cost<Work = i64>, const MAX: bool>(
    row: &[C],
) -> (Cands<i64>, bool) {
    let lanes = IntLanes256::new::<C>();
    let m = row.len();
    let split = m - m % 16;
    let mut t = Cands::new();
    let mut last = _mm256_set1_epi64x(t.h[super::CANDS - 1]);
    let mut forbidden = _mm256_setzero_si256();
    let rp = row.as_ptr();
    let mut k = 0;
    while k < split {
        // SAFETY: k + 16 <= split <= m: the loads are in bounds; the prefetch as in
        // `cands_int_avx512`.
        let x = unsafe {
            _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH));
            if !lanes.narrow {
                _mm_prefetch::<_MM_HINT_T1>(rp.add(k).cast::<i8>().wrapping_add(PREFETCH + 64));
            }
            [0, 4, 8, 12].map(|q| lanes.load(rp.add(k + q)))
        };
        let mut mask = 0u32;
        for (q, &raw) in x.iter().enumerate() {
            let (w, forb) = lanes.work::<MAX>(raw);
            forbidden = _mm256_or_si256(forbidden, forb);
            let lt = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(last, w)));
            mask |= (lt as u32) << (4 * q);
        }
        if mask != 0 {
            insert_mask::<C, MAX>(&mut t, row, k, mask);
            last = _mm256_set1_epi64x(t.h[super::CANDS - 1]);
        }
        k += 16;
    }
    let mut special = _mm256_testz_si256(forbidden, forbidden) == 0;
    for (k, &c) in row.iter().enumerate().skip(split) {
        special |= c.is_special();
        t.insert(c.to_work::<MAX>(), k);
    }
    (t, special)
}
