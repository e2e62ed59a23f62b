//! The inner loops of the screen's scan: column tiles kept in cache, blocks of rows against
//! groups of [`LANES`] columns, portable or with AVX2 or AVX-512F and FMA intrinsics (the
//! instruction set detected once for the crate, [`crate::cpu`]).

use super::{Scan, Select, DIMS, INV_LN_1000, LANES, STRIDE, TILE_GROUPS};
use crate::cpu::Isa;

/// Offers every column of `offsets` to the selections `sel` of the rows in `specs`, with the
/// inner loop of `isa`.
pub(super) fn scan_task(
    isa: Isa,
    scan: &Scan<'_>,
    offsets: &[[f32; LANES]],
    specs: &[(u32, usize, f32)],
    sel: &mut [Select],
) {
    match isa {
        // SAFETY: `Isa::Avx512` holds the proof that the CPU running this code has AVX-512F and
        // FMA, which only `Isa::detect` makes (see `crate::cpu`).
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_) => unsafe { simd::task_avx512(scan, offsets, specs, sel) },
        // SAFETY: as above, with AVX2 and FMA.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(_) => unsafe { simd::task_avx2(scan, offsets, specs, sel) },
        Isa::Portable => drive::<4>(scan, offsets, specs, sel, |x, group, off, base, states| {
            let acc = fast_scores(x, group, scan.ws);
            for (state, row) in states.iter_mut().zip(&acc) {
                let mut vals = [0.0f32; LANES];
                let mut mask = 0u32;
                for l in 0..LANES {
                    vals[l] = row[l] - off[l];
                    mask |= u32::from(vals[l] >= state.theta) << l;
                }
                push_hits(state, &vals, mask, base);
            }
        }),
    }
}

/// The loops of one task: column tiles (kept in cache) outside, blocks of `R` rows inside,
/// each block against each `LANES`-column group of the tile through `block(x, group, offsets,
/// first column, row states)`.
#[inline(always)]
#[allow(clippy::inline_always)] // must inline into the `#[target_feature]` wrappers
fn drive<const R: usize>(
    scan: &Scan<'_>,
    offsets: &[[f32; LANES]],
    specs: &[(u32, usize, f32)],
    sel: &mut [Select],
    mut block: impl FnMut(
        &[[f32; STRIDE]; R],
        &[[f32; LANES]; STRIDE],
        &[f32; LANES],
        u32,
        &mut [Select],
    ),
) {
    let panel = &scan.cols.panel;
    let mut start = 0;
    while start < panel.len() {
        let end = (start + TILE_GROUPS).min(panel.len());
        for (rows, states) in specs.chunks(R).zip(sel.chunks_mut(R)) {
            let mut x = [[0.0f32; STRIDE]; R];
            for (slot, &(line, _, _)) in x.iter_mut().zip(rows) {
                *slot = scan.rows.left[line as usize];
            }
            for (g, (group, off)) in panel[start..end]
                .iter()
                .zip(&offsets[start..end])
                .enumerate()
            {
                block(&x, group, off, ((start + g) * LANES) as u32, states);
            }
        }
        start = end;
    }
}

/// Offers the lanes set in `mask` (fast value minus offset at least `theta` when computed) to
/// the row's selection, in increasing column order.
#[inline(always)]
#[allow(clippy::inline_always)] // must inline into the `#[target_feature]` wrappers
fn push_hits(state: &mut Select, vals: &[f32; LANES], mut mask: u32, base: u32) {
    while mask != 0 {
        let l = mask.trailing_zeros();
        mask &= mask - 1;
        let x = vals[l as usize];
        if x >= state.theta {
            state.push(x, base + l);
        }
    }
}

/// The fast form of the scores of `R` rows against one group of `LANES` columns (portable).
#[inline(always)]
#[allow(clippy::inline_always)]
fn fast_scores<const R: usize>(
    x: &[[f32; STRIDE]; R],
    group: &[[f32; LANES]; STRIDE],
    ws: f32,
) -> [[f32; LANES]; R] {
    let mut acc = [[0.0f32; LANES]; R];
    for t in 0..DIMS {
        let y = &group[t];
        for r in 0..R {
            let xr = x[r][t];
            for l in 0..LANES {
                acc[r][l] += xr * y[l];
            }
        }
    }
    let ly = &group[DIMS];
    for r in 0..R {
        let lx = x[r][DIMS];
        for l in 0..LANES {
            acc[r][l] += ws * (1.0 - (lx - ly[l]).abs() * INV_LN_1000).max(0.0);
        }
    }
    acc
}

/// The scan's inner loops with AVX-512F or AVX2 and FMA intrinsics.
#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{drive, push_hits, Scan, Select, DIMS, INV_LN_1000, LANES};
    use std::arch::x86_64::{
        __m256, _mm256_andnot_ps, _mm256_cmp_ps, _mm256_fmadd_ps, _mm256_fnmadd_ps,
        _mm256_loadu_ps, _mm256_max_ps, _mm256_movemask_ps, _mm256_set1_ps, _mm256_setzero_ps,
        _mm256_storeu_ps, _mm256_sub_ps, _mm512_abs_ps, _mm512_cmp_ps_mask, _mm512_fmadd_ps,
        _mm512_fnmadd_ps, _mm512_loadu_ps, _mm512_max_ps, _mm512_set1_ps, _mm512_setzero_ps,
        _mm512_storeu_ps, _mm512_sub_ps, _CMP_GE_OQ,
    };

    /// 8 rows, one 16-lane register each.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) fn task_avx512(
        scan: &Scan<'_>,
        offsets: &[[f32; LANES]],
        specs: &[(u32, usize, f32)],
        sel: &mut [Select],
    ) {
        let ws = _mm512_set1_ps(scan.ws);
        let one = _mm512_set1_ps(1.0);
        let inv = _mm512_set1_ps(INV_LN_1000);
        let zero = _mm512_setzero_ps();
        drive::<8>(scan, offsets, specs, sel, |x, group, off, base, states| {
            let mut acc = [zero; 8];
            for t in 0..DIMS {
                // SAFETY: `group[t]` holds 16 floats.
                let y = unsafe { _mm512_loadu_ps(group[t].as_ptr()) };
                for r in 0..8 {
                    acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(x[r][t]), y, acc[r]);
                }
            }
            // SAFETY: as above.
            let (ly, offv) = unsafe {
                (
                    _mm512_loadu_ps(group[DIMS].as_ptr()),
                    _mm512_loadu_ps(off.as_ptr()),
                )
            };
            for (r, state) in states.iter_mut().enumerate() {
                let gap = _mm512_abs_ps(_mm512_sub_ps(_mm512_set1_ps(x[r][DIMS]), ly));
                let size = _mm512_max_ps(_mm512_fnmadd_ps(gap, inv, one), zero);
                let vals = _mm512_sub_ps(_mm512_fmadd_ps(ws, size, acc[r]), offv);
                let mask = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(vals, _mm512_set1_ps(state.theta));
                if mask != 0 {
                    let mut out = [0.0f32; LANES];
                    // SAFETY: `out` holds 16 floats.
                    unsafe { _mm512_storeu_ps(out.as_mut_ptr(), vals) };
                    push_hits(state, &out, u32::from(mask), base);
                }
            }
        });
    }

    /// 4 rows, two 8-lane registers each.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn task_avx2(
        scan: &Scan<'_>,
        offsets: &[[f32; LANES]],
        specs: &[(u32, usize, f32)],
        sel: &mut [Select],
    ) {
        let ws = _mm256_set1_ps(scan.ws);
        let one = _mm256_set1_ps(1.0);
        let inv = _mm256_set1_ps(INV_LN_1000);
        let zero = _mm256_setzero_ps();
        let sign = _mm256_set1_ps(-0.0);
        drive::<4>(scan, offsets, specs, sel, |x, group, off, base, states| {
            let mut lo: [__m256; 4] = [zero; 4];
            let mut hi: [__m256; 4] = [zero; 4];
            for t in 0..DIMS {
                // SAFETY: `group[t]` holds 16 floats.
                let (y0, y1) = unsafe {
                    (
                        _mm256_loadu_ps(group[t].as_ptr()),
                        _mm256_loadu_ps(group[t].as_ptr().add(8)),
                    )
                };
                for r in 0..4 {
                    let b = _mm256_set1_ps(x[r][t]);
                    lo[r] = _mm256_fmadd_ps(b, y0, lo[r]);
                    hi[r] = _mm256_fmadd_ps(b, y1, hi[r]);
                }
            }
            // SAFETY: as above, for `group[DIMS]` and `off`.
            let (ly0, ly1, off0, off1) = unsafe {
                (
                    _mm256_loadu_ps(group[DIMS].as_ptr()),
                    _mm256_loadu_ps(group[DIMS].as_ptr().add(8)),
                    _mm256_loadu_ps(off.as_ptr()),
                    _mm256_loadu_ps(off.as_ptr().add(8)),
                )
            };
            for (r, state) in states.iter_mut().enumerate() {
                let lx = _mm256_set1_ps(x[r][DIMS]);
                let theta = _mm256_set1_ps(state.theta);
                let half = |acc: __m256, ly: __m256, off: __m256| {
                    let gap = _mm256_andnot_ps(sign, _mm256_sub_ps(lx, ly));
                    let size = _mm256_max_ps(_mm256_fnmadd_ps(gap, inv, one), zero);
                    _mm256_sub_ps(_mm256_fmadd_ps(ws, size, acc), off)
                };
                let (v0, v1) = (half(lo[r], ly0, off0), half(hi[r], ly1, off1));
                let m0 = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GE_OQ>(v0, theta)) as u32;
                let m1 = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GE_OQ>(v1, theta)) as u32;
                let mask = m0 | (m1 << 8);
                if mask != 0 {
                    let mut out = [0.0f32; LANES];
                    // SAFETY: `out` holds 16 floats.
                    unsafe {
                        _mm256_storeu_ps(out.as_mut_ptr(), v0);
                        _mm256_storeu_ps(out.as_mut_ptr().add(8), v1);
                    }
                    push_hits(state, &out, mask, base);
                }
            }
        });
    }
}
