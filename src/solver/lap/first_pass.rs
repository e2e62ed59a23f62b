//! The first pass over wide input: one streaming read of the matrix that keeps each row's
//! [`CANDS`](super::kernels::CANDS) smallest entries for augmenting row reduction, with the
//! fused input check, on several threads when the matrix is large (one core cannot use the
//! memory bandwidth).

use super::kernels::{self, Cands};
use super::{Cost, Isa};
#[cfg(feature = "rayon")]
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
#[cfg(feature = "rayon")]
use std::sync::OnceLock;

/// Matrix entries per block of rows of the parallel first pass over wide input, at most (a
/// block has a power of two of rows: for `f64`, between 0.5 and 1 MiB).
#[cfg(feature = "rayon")]
const TASK_ENTRIES: usize = 1 << 17;

/// Wide input with fewer entries than this is read by the first pass on one thread (handing
/// blocks to another thread costs more than it saves).
#[cfg(feature = "rayon")]
const PAR_ENTRIES: usize = 1 << 18;

/// At most this many helper tasks in the first pass over wide input (memory bandwidth, not
/// computation, bounds it).
#[cfg(feature = "rayon")]
const MAX_HELPERS: usize = 3;

/// The first pass over wide input: each row's [`Cands`] (potentials are all 0 then), and
/// whether the matrix has a NaN or forbidden entry (the fused input check).
///
/// The pass is bound by memory bandwidth, which one core cannot use fully, and rows are
/// independent. So on a large matrix, blocks of rows are handed out through an atomic counter
/// to this thread and to helper tasks on the current rayon pool (the global one when called
/// outside a pool): the pass starts at once, and a helper that starts late only takes the
/// blocks that are left. Each block's result depends on its rows alone (the kernels of every
/// instruction set agree bit for bit), so the outcome does not depend on the number of threads
/// or on who took which block. As with any rayon call from outside the pool, a caller outside
/// it returns only once each helper task has been picked up by a pool thread (a late one finds
/// no block left and ends at once). Without the `rayon` feature, this thread reads every row.
pub(super) fn first_pass<C: Cost, const MAX: bool>(
    c: &[C],
    n: usize,
    m: usize,
) -> (RowCands<C::Work>, bool) {
    let isa = Isa::detect();
    #[cfg(feature = "rayon")]
    {
        // A power of two, for a cheap look-up (see `RowCands::get`).
        let shift = (TASK_ENTRIES / m).max(1).ilog2();
        if c.len() >= PAR_ENTRIES && n > (1 << shift) {
            // Outside a pool this asks for the global pool, and so starts it on the first call.
            let helpers = (rayon::current_num_threads() - 1).min(MAX_HELPERS);
            if helpers > 0 {
                return in_parallel::<C, MAX>(isa, c, n, m, shift, helpers);
            }
        }
    }
    let (list, special) = block::<C, MAX>(isa, c, n, m, 0, n);
    (
        RowCands {
            blocks: vec![list],
            shift: usize::BITS - 1,
        },
        special,
    )
}

/// [`first_pass`] in blocks of `2^shift` rows, taken by this thread and `helpers` tasks of the
/// current rayon pool.
#[cfg(feature = "rayon")]
fn in_parallel<C: Cost, const MAX: bool>(
    isa: Isa,
    c: &[C],
    n: usize,
    m: usize,
    shift: u32,
    helpers: usize,
) -> (RowCands<C::Work>, bool) {
    let rows = 1 << shift;
    let slots: Vec<OnceLock<Vec<Cands<C::Work>>>> =
        (0..n.div_ceil(rows)).map(|_| OnceLock::new()).collect();
    // Blocks are taken from the last one back: the rows read last into the matrix are the
    // likeliest to be still in a cache (measured: 5 to 10% faster on freshly read matrices).
    let taken = AtomicUsize::new(0);
    let special = AtomicBool::new(false);
    let work = || loop {
        let k = taken.fetch_add(1, Ordering::Relaxed);
        let Some(b) = slots.len().checked_sub(k + 1) else {
            break;
        };
        let (list, sp) = block::<C, MAX>(isa, c, n, m, b * rows, rows);
        if sp {
            special.store(true, Ordering::Relaxed);
        }
        // Block `b` is taken once (its number came from the counter), so it is unset.
        let _ = slots[b].set(list);
    };
    // The helpers are tasks of the pool; on a pool thread, this thread runs them itself if no
    // other thread has taken them when its own work is done.
    rayon::in_place_scope(|s| {
        for _ in 0..helpers {
            s.spawn(|_| work());
        }
        work();
    });
    let blocks = slots
        .into_iter()
        .map(|b| b.into_inner().expect("every block is filled"))
        .collect();
    (RowCands { blocks, shift }, special.into_inner())
}

/// One block of rows of `c` (`n` rows of `m` entries), `rows` rows from row `first` (fewer at
/// the end): their candidates, and whether one has a NaN or forbidden entry. Each block's list
/// is allocated by the thread that fills it (page faults are slow in a virtual machine: one
/// list for all rows would cost the calling thread tens of microseconds up front).
#[inline]
fn block<C: Cost, const MAX: bool>(
    isa: Isa,
    c: &[C],
    n: usize,
    m: usize,
    first: usize,
    rows: usize,
) -> (Vec<Cands<C::Work>>, bool) {
    let mut special = false;
    let list = (first..(first + rows).min(n))
        .map(|i| {
            let (cand, sp) = kernels::cands::<C, MAX>(isa, &c[i * m..(i + 1) * m]);
            special |= sp;
            cand
        })
        .collect::<Vec<_>>();
    (list, special)
}

/// Each row's [`Cands`], in blocks of `2^shift` rows (as [`first_pass`] makes them; `shift`
/// is below `usize::BITS`); no block when not in use.
pub(super) struct RowCands<W> {
    blocks: Vec<Vec<Cands<W>>>,
    shift: u32,
}

impl<W> RowCands<W> {
    pub(super) fn none() -> Self {
        RowCands {
            blocks: Vec::new(),
            shift: 0,
        }
    }

    /// Row `i`'s candidates, if in use.
    #[inline]
    pub(super) fn get(&self, i: usize) -> Option<&Cands<W>> {
        self.blocks
            .get(i >> self.shift)?
            .get(i & ((1 << self.shift) - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::wide;
    use super::super::{solve_wide_with, Cost};

    /// Wide input gives the same assignment and potentials, bit for bit, with and without the
    /// first pass (sequential and, at 200 x 1500 with the `rayon` feature, parallel: called
    /// outside any pool, so with helpers on the global pool, and inside rayon pools of 1 and 3
    /// threads), minimising and maximising.
    #[test]
    fn first_pass_changes_nothing() {
        fn same<C: Cost, const MAX: bool>(c: &[C], n: usize, m: usize) {
            let b = solve_wide_with::<C, MAX>(c, n, m, None, false).unwrap();
            let b = (b.x, b.y, format!("{:?}", (b.u, b.v)));
            let streamed = || {
                let a = solve_wide_with::<C, MAX>(c, n, m, None, true).unwrap();
                (a.x, a.y, format!("{:?}", (a.u, a.v)))
            };
            assert_eq!(streamed(), b);
            #[cfg(feature = "rayon")]
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                assert_eq!(pool.install(streamed), b, "{threads} threads");
            }
        }
        for (n, m) in [(1, 5), (5, 9), (40, 100), (90, 91), (200, 1500)] {
            for seed in 0..3 {
                for ties in [false, true] {
                    let c = wide(n, m, seed, ties, 17);
                    same::<f64, false>(&c, n, m);
                    same::<f64, true>(&c, n, m);
                    let ci: Vec<i64> = c
                        .iter()
                        .map(|&x| {
                            if x.is_finite() {
                                (x * 1000.0) as i64
                            } else {
                                i64::MAX
                            }
                        })
                        .collect();
                    same::<i64, false>(&ci, n, m);
                }
            }
        }
    }

    /// The input check fused into the parallel first pass still names the first NaN and a row
    /// with no allowed entry.
    #[test]
    fn parallel_first_pass_keeps_the_input_check() {
        use crate::solver::{solve, Sense};
        let (n, m) = (200, 1500);
        let mut c = wide(n, m, 5, false, 1 << 40);
        c[150 * m + 7] = f64::NAN;
        c[190 * m + 3] = f64::NAN;
        let e = solve(&c, n, m, Sense::Minimize).unwrap_err();
        assert!(matches!(e, crate::Error::NaN { row: 150, col: 7 }), "{e}");
        c[150 * m + 7] = 0.5;
        c[190 * m + 3] = 0.5;
        c[120 * m..121 * m].fill(f64::INFINITY);
        let e = solve(&c, n, m, Sense::Maximize).unwrap_err();
        assert!(
            e.to_string().contains("row 120 has no allowed column"),
            "{e}"
        );
        c[120 * m + 1499] = 1.0;
        let a = solve(&c, n, m, Sense::Minimize).unwrap();
        assert_eq!(a.col_of(120), Some(1499));
        a.verify(&c).unwrap();
    }
}
