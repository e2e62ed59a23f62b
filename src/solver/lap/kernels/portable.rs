//! The portable kernels: plain loops over one row, written branch-free in blocks of
//! [`LANES`] columns so that LLVM vectorises them, and `#[inline(always)]` so that
//! [`super`]'s `multiversion!` compiles them for each instruction set. They are also the
//! reference that the explicit-SIMD kernels are tested against.

use super::{Best, Cands, Step, CANDS, LANES, PREFETCH};
use crate::solver::lap::NONE;
use crate::solver::{Cost, Work};

/// One Dijkstra step over all columns: `d[k] = min(d[k], w[k] - v[k] - h)` (recording row
/// `i` as predecessor where it improves), returning the first column of least `d` and the first
/// column of least `d + pen` (`pen` is 0 on free columns, [`Work::INF`] on assigned ones); see
/// [`Step`].
///
/// `lb` is the level of the search (no unsettled column can be nearer): the first free column
/// whose new distance is at most `lb` ends the pass at once ([`Best::hit`]), as it is a
/// shortest augmenting path. Columns after it are then left unrelaxed, which the search does
/// not need. This is what keeps integer problems with many ties fast.
#[inline(always)]
pub(super) fn relax_min<C: Cost, const MAX: bool>(
    row: &[C],
    step: Step<'_, C::Work>,
) -> Best<C::Work> {
    let inf = C::Work::INF;
    let m = row.len();
    let Step { h, lb, i, .. } = step;
    let (v, d) = (&step.v[..m], &mut step.d[..m]);
    let (pred, pen) = (&mut step.pred[..m], &step.pen[..m]);
    let mut ma = [inf; LANES];
    let mut ia = [NONE; LANES];
    let mut mf = [inf; LANES];
    let mut jf = [NONE; LANES];
    let split = m - m % LANES;
    let chunks = row[..split]
        .chunks_exact(LANES)
        .zip(v[..split].chunks_exact(LANES))
        .zip(d[..split].chunks_exact_mut(LANES))
        .zip(pred[..split].chunks_exact_mut(LANES))
        .zip(pen[..split].chunks_exact(LANES));
    for (c, ((((rc, vc), dc), pc), qc)) in chunks.enumerate() {
        let base = c * LANES;
        let mut hit = [false; LANES];
        for l in 0..LANES {
            let cred = rc[l].to_work::<MAX>() - vc[l] - h;
            let better = cred < dc[l];
            let nd = if better { cred } else { dc[l] };
            dc[l] = nd;
            pc[l] = if better { i } else { pc[l] };
            let k = base + l;
            if nd < ma[l] {
                ma[l] = nd;
                ia[l] = k;
            }
            let f = nd + qc[l];
            hit[l] = f <= lb;
            if f < mf[l] {
                mf[l] = f;
                jf[l] = k;
            }
        }
        if hit.contains(&true) {
            let l = hit.iter().position(|&b| b).unwrap_or(0);
            return Best::hit(dc[l], base + l);
        }
    }
    let best = Best::merge(&ma, &ia, &mf, &jf);
    relax_tail::<C, MAX>(split, row, step, best)
}

/// [`relax_min`] of the columns from `from` on, one by one, continuing `best`.
#[inline(always)]
pub(super) fn relax_tail<C: Cost, const MAX: bool>(
    from: usize,
    row: &[C],
    step: Step<'_, C::Work>,
    mut best: Best<C::Work>,
) -> Best<C::Work> {
    let Step { h, lb, i, .. } = step;
    let (v, d, pred, pen) = (step.v, step.d, step.pred, step.pen);
    for k in from..row.len() {
        let cred = row[k].to_work::<MAX>() - v[k] - h;
        if cred < d[k] {
            d[k] = cred;
            pred[k] = i;
        }
        if d[k] < best.all_d {
            best.all_d = d[k];
            best.all_j = k;
        }
        let f = d[k] + pen[k];
        if f <= lb {
            return Best::hit(d[k], k);
        }
        if f < best.free_d {
            best.free_d = f;
            best.free_j = k;
        }
    }
    best
}

/// The two smallest reduced costs `w[k] - v[k]` of a row and their columns, ties to the lower
/// column (entries equal to [`Work::INF`] are ignored; missing ones are `(INF, NONE)`).
#[inline(always)]
pub(super) fn top2<C: Cost, const MAX: bool>(
    row: &[C],
    v: &[C::Work],
) -> (C::Work, usize, C::Work, usize) {
    let (mut v1, mut j1) = (C::Work::INF, NONE);
    let (mut v2, mut j2) = (C::Work::INF, NONE);
    for (j, (&c, &v)) in row.iter().zip(v).enumerate() {
        let h = c.to_work::<MAX>() - v;
        if h < v2 {
            if h >= v1 {
                v2 = h;
                j2 = j;
            } else {
                v2 = v1;
                j2 = j1;
                v1 = h;
                j1 = j;
            }
        }
    }
    (v1, j1, v2, j2)
}

/// A row's [`Cands`], and whether it has a NaN or forbidden entry (the fused input check).
///
/// Each block of [`LANES`] columns is first compared with the current last candidate
/// branch-free (vectorised); only a block with a smaller entry is inserted column by column.
/// On a row in random order that happens about `CANDS ln(m / CANDS)` times, so the pass runs
/// at the speed of the memory.
#[inline(always)]
pub(super) fn row_cands<C: Cost, const MAX: bool>(row: &[C]) -> (Cands<C::Work>, bool) {
    let mut t = Cands::new();
    let mut special = false;
    let m = row.len();
    let split = m - m % LANES;
    for (b, rc) in row[..split].chunks_exact(LANES).enumerate() {
        let last = t.h[CANDS - 1];
        let (mut any, mut sp) = (false, false);
        for &c in rc {
            sp |= c.is_special();
            any |= c.to_work::<MAX>() < last;
        }
        special |= sp;
        if any {
            for (l, &c) in rc.iter().enumerate() {
                t.insert(c.to_work::<MAX>(), b * LANES + l);
            }
        }
    }
    for (k, &c) in row.iter().enumerate().skip(split) {
        special |= c.is_special();
        t.insert(c.to_work::<MAX>(), k);
    }
    (t, special)
}

/// Column minima over one row: `v[k] = min(v[k], w[k])`, recording row `i` where it improves.
/// Returns whether the row has a NaN or forbidden entry (the fused pre-check) and how many of
/// its entries tie with their column's minimum so far. This is the first read of each row of
/// square input: it prefetches ([`prefetch_ahead`]).
#[inline(always)]
pub(super) fn col_min<C: Cost, const MAX: bool>(
    row: &[C],
    v: &mut [C::Work],
    y: &mut [usize],
    i: usize,
) -> (bool, usize) {
    const BLOCK: usize = 64;
    let m = row.len();
    let (v, y) = (&mut v[..m], &mut y[..m]);
    let split = m - m % BLOCK;
    let mut acc = (false, 0usize);
    for ((rc, vc), yc) in row[..split]
        .chunks_exact(BLOCK)
        .zip(v[..split].chunks_exact_mut(BLOCK))
        .zip(y[..split].chunks_exact_mut(BLOCK))
    {
        for line in (0..BLOCK * size_of::<C>()).step_by(64) {
            prefetch_ahead(rc.as_ptr().cast::<u8>().wrapping_add(line));
        }
        let rc: &[C; BLOCK] = rc.try_into().expect("a block");
        let vc: &mut [C::Work; BLOCK] = vc.try_into().expect("a block");
        let yc: &mut [usize; BLOCK] = yc.try_into().expect("a block");
        col_min_part::<C, MAX>(rc, vc, yc, i, &mut acc);
    }
    col_min_part::<C, MAX>(&row[split..], &mut v[split..], &mut y[split..], i, &mut acc);
    acc
}

/// [`col_min`] over a part of the row, adding to `(special, ties)`.
#[inline(always)]
fn col_min_part<C: Cost, const MAX: bool>(
    row: &[C],
    v: &mut [C::Work],
    y: &mut [usize],
    i: usize,
    (special, ties): &mut (bool, usize),
) {
    for ((&c, v), y) in row.iter().zip(v.iter_mut()).zip(y.iter_mut()) {
        let w = c.to_work::<MAX>();
        *special |= c.is_special();
        *ties += usize::from(w == *v);
        let better = w < *v;
        *v = if better { w } else { *v };
        *y = if better { i } else { *y };
    }
}

/// Whether a row has a NaN or forbidden entry (the fused pre-check; on square input with many
/// ties the first read of each row, so it prefetches).
#[inline(always)]
pub(super) fn row_special<C: Cost, const MAX: bool>(row: &[C]) -> bool {
    let split = row.len() - row.len() % LANES;
    let mut special = false;
    for rc in row[..split].chunks_exact(LANES) {
        prefetch_ahead(rc.as_ptr());
        special |= rc.iter().fold(false, |a, &c| a | c.is_special());
    }
    special | row[split..].iter().fold(false, |a, &c| a | c.is_special())
}

/// Prefetches into the L2 cache the line [`PREFETCH`] bytes after `p`.
#[inline(always)]
fn prefetch_ahead<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT1 (SSE, part of the x86-64 baseline) is a hint: it never faults and
    // changes no memory, whatever the address; `wrapping_add` computes the address without the
    // in-bounds requirement of `add`.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};
        _mm_prefetch::<_MM_HINT_T1>(p.cast::<i8>().wrapping_add(PREFETCH));
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The first free column `k` (`y[k]` is `NONE`) where the row's reduced cost `w[k] - v[k]` is
/// `mu`. Tests a block of columns branch-free first (vectorised), and looks at `y` only in a
/// block that has one.
#[inline(always)]
pub(super) fn first_free_zero<C: Cost, const MAX: bool>(
    row: &[C],
    v: &[C::Work],
    y: &[usize],
    mu: C::Work,
) -> Option<usize> {
    const BLOCK: usize = 16;
    let m = row.len();
    let (v, y) = (&v[..m], &y[..m]);
    let split = m - m % BLOCK;
    for (b, (rc, vc)) in row[..split]
        .chunks_exact(BLOCK)
        .zip(v[..split].chunks_exact(BLOCK))
        .enumerate()
    {
        let any = rc
            .iter()
            .zip(vc)
            .fold(false, |a, (&c, &v)| a | (c.to_work::<MAX>() - v == mu));
        if any {
            let base = b * BLOCK;
            for l in 0..BLOCK {
                if rc[l].to_work::<MAX>() - vc[l] == mu && y[base + l] == NONE {
                    return Some(base + l);
                }
            }
        }
    }
    (split..m).find(|&k| row[k].to_work::<MAX>() - v[k] == mu && y[k] == NONE)
}

/// The minimum of a row's reduced costs `w[k] - v[k]` ([`Work::INF`] if none is allowed).
#[inline(always)]
pub(super) fn row_min<C: Cost, const MAX: bool>(row: &[C], v: &[C::Work]) -> C::Work {
    let m = row.len();
    let v = &v[..m];
    let mut mn = [C::Work::INF; LANES];
    let split = m - m % LANES;
    for (rc, vc) in row[..split]
        .chunks_exact(LANES)
        .zip(v[..split].chunks_exact(LANES))
    {
        for l in 0..LANES {
            let h = rc[l].to_work::<MAX>() - vc[l];
            mn[l] = if h < mn[l] { h } else { mn[l] };
        }
    }
    let mut best = mn
        .iter()
        .fold(C::Work::INF, |a, &x| if x < a { x } else { a });
    for (&c, &v) in row[split..].iter().zip(&v[split..]) {
        let h = c.to_work::<MAX>() - v;
        if h < best {
            best = h;
        }
    }
    best
}

/// The least and greatest allowed entries of a row (forbidden ones left out), in the work
/// arithmetic of the minimising sense; `(HIGHEST, LOWEST)` when none is allowed. The span
/// check of integer costs reads every entry with it, branch-free (vectorised).
#[inline(always)]
pub(super) fn row_range<C: Cost, const MAX: bool>(row: &[C]) -> (C::Work, C::Work) {
    let mut lo = [C::Work::HIGHEST; LANES];
    let mut hi = [C::Work::LOWEST; LANES];
    let split = row.len() - row.len() % LANES;
    for rc in row[..split].chunks_exact(LANES) {
        for l in 0..LANES {
            let (ok, w) = (!rc[l].is_forbidden(), rc[l].to_work::<false>());
            lo[l] = if ok && w < lo[l] { w } else { lo[l] };
            hi[l] = if ok && w > hi[l] { w } else { hi[l] };
        }
    }
    let (mut a, mut b) = (C::Work::HIGHEST, C::Work::LOWEST);
    for l in 0..LANES {
        a = if lo[l] < a { lo[l] } else { a };
        b = if hi[l] > b { hi[l] } else { b };
    }
    for &c in &row[split..] {
        if !c.is_forbidden() {
            let w = c.to_work::<false>();
            a = if w < a { w } else { a };
            b = if w > b { w } else { b };
        }
    }
    (a, b)
}
