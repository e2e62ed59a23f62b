//! The fast screen of candidate mode: a single-precision form of the scoring model
//! ([`WeightedScorer`](super::WeightedScorer)) that scans every pair, conservatively, for the few whose exact score
//! matters.
//!
//! The form is `s ≈ x_i · y_j + w̄_s · size(i, j)`, with 45-term vectors per city (normalised
//! challenge profile, challenge shares and expertise, weighted) and the log population, all
//! read off the city's [`PreparedCity`]. It differs from the exact score by less than
//! [`SCREEN_MARGIN`] (`fast_form_matches_the_model` keeps the two in step); a scan keeps every
//! pair within that margin of its threshold and lets the exact score decide, so the screen
//! never changes a result, only the time. [`Scan`] is the scoring model's
//! [`LineScan`](crate::solver::implicit::LineScan), the matrix that the search of candidate mode
//! ([`crate::solver::implicit`]) never stores; its inner loops are in [`kernels`] (portable,
//! AVX2 and AVX-512).

#[cfg(feature = "rayon")]
use rayon::prelude::*;

use super::PreparedCity;
use crate::cpu::Isa;
use crate::model::{City, Theme};
use crate::solver::implicit::{Found, LineScan};

mod kernels;

use kernels::scan_task;

/// Themes per profile.
const T: usize = Theme::COUNT;
/// Terms of the fast form's dot product: similarity, and expertise both ways.
const DIMS: usize = 3 * T;
/// Floats per city in the fast form: the dot-product terms and the log population.
const STRIDE: usize = DIMS + 1;
/// Column cities per register block of the scan.
const LANES: usize = 16;
/// Blocks of `LANES` columns per cache tile of the scan (`256 · 16 · 46 · 4` bytes, 736 KiB).
const TILE_GROUPS: usize = 256;
/// Rows per parallel task of the scan.
const TASK_ROWS: usize = 256;
/// `1 / ln 1000`, for the size term.
const INV_LN_1000: f32 = 0.144_764_83;
/// Error margin of the screen: the fast form differs from the exact score by less than about
/// `4e-6` (45 single-precision products of values in `[0, 1]` summing to at most 1, plus the
/// size term); `2^-14` is about 15 times that.
pub(crate) const SCREEN_MARGIN: f32 = 1.0 / 16384.0;

/// One side's cities in the scan's forms.
pub(crate) struct Side {
    /// Per city: `[w_c·a, ½w_e·e, ½w_e·b, ln pop]` (its terms when it is a row of the scan).
    left: Vec<[f32; STRIDE]>,
    /// The cities as scan columns, `LANES` at a time: `[a, b, e, ln pop]` by term, then lane.
    panel: Vec<[[f32; LANES]; STRIDE]>,
    /// The cities prepared for exact scores.
    pub(crate) prepared: Vec<PreparedCity>,
    /// The number of cities.
    pub(crate) n: usize,
}

impl Side {
    /// The fast forms of `cities` under the normalised weights `w`
    /// ([`WeightedScorer::normalised_weights`](super::WeightedScorer::normalised_weights)).
    pub(crate) fn new(cities: &[&City], w: [f64; 3], par: bool) -> Side {
        #[cfg(feature = "rayon")]
        let forms: Vec<([f32; STRIDE], [f32; STRIDE], PreparedCity)> = if par {
            cities.par_iter().map(|c| forms(c, w)).collect()
        } else {
            cities.iter().map(|c| forms(c, w)).collect()
        };
        #[cfg(not(feature = "rayon"))]
        let forms: Vec<([f32; STRIDE], [f32; STRIDE], PreparedCity)> = {
            let _ = par;
            cities.iter().map(|c| forms(c, w)).collect()
        };
        let n = cities.len();
        let mut panel = vec![[[0.0f32; LANES]; STRIDE]; n.div_ceil(LANES)];
        for (k, (_, right, _)) in forms.iter().enumerate() {
            for (t, &x) in right.iter().enumerate() {
                panel[k / LANES][t][k % LANES] = x;
            }
        }
        let (left, prepared) = forms.into_iter().map(|(l, _, p)| (l, p)).unzip();
        Side {
            left,
            panel,
            prepared,
            n,
        }
    }

    /// Per column block, the amount subtracted from each lane's fast score: `f(j)` for a city,
    /// `+∞` for the padding lanes (so they never pass a screen).
    fn offsets(&self, f: impl Fn(usize) -> f32) -> Vec<[f32; LANES]> {
        (0..self.panel.len())
            .map(|g| {
                std::array::from_fn(|l| {
                    let j = g * LANES + l;
                    if j < self.n {
                        f(j)
                    } else {
                        f32::INFINITY
                    }
                })
            })
            .collect()
    }
}

/// The fast forms of one city (see [`Side`]) and its exact preparation, from which they are
/// read: the shape (the challenge profile over its largest value), its squared norm and sum,
/// the expertise and the log population are the exact model's own.
fn forms(city: &City, w: [f64; 3]) -> ([f32; STRIDE], [f32; STRIDE], PreparedCity) {
    let prepared = PreparedCity::new(city);
    let shape = &prepared.shape;
    let (sq, sum) = (prepared.shape_sq, prepared.shape_sum);
    let e = &prepared.expertise;
    let ln = prepared.ln_population as f32;
    let mut left = [0.0f32; STRIDE];
    let mut right = [0.0f32; STRIDE];
    for t in 0..T {
        let a = if sq > 0.0 { shape[t] / sq.sqrt() } else { 0.0 };
        let b = if sum > 0.0 { shape[t] / sum } else { 0.0 };
        left[t] = (w[0] * a) as f32;
        left[T + t] = (0.5 * w[1] * e[t]) as f32;
        left[2 * T + t] = (0.5 * w[1] * b) as f32;
        right[t] = a as f32;
        right[T + t] = b as f32;
        right[2 * T + t] = e[t] as f32;
    }
    left[DIMS] = ln;
    right[DIMS] = ln;
    (left, right, prepared)
}

/// A scan of every row city of a list against every column city.
pub(crate) struct Scan<'a> {
    pub(crate) rows: &'a Side,
    pub(crate) cols: &'a Side,
    /// The size weight `w̄_s`.
    pub(crate) ws: f32,
    /// The exact score of `(row city, column city)`.
    pub(crate) exact: &'a (dyn Fn(u32, u32) -> f64 + Sync),
}

impl LineScan for Scan<'_> {
    type Offsets = Vec<[f32; LANES]>;

    const MARGIN: f32 = SCREEN_MARGIN;

    fn exact(&self, line: u32, col: u32) -> f64 {
        (self.exact)(line, col)
    }

    fn offsets(&self, f: impl Fn(usize) -> f32) -> Vec<[f32; LANES]> {
        self.cols.offsets(f)
    }

    /// For each spec `(line, k, floor)`: the `k` columns `j` of largest key
    /// `accept(line, j, score)` (ties by lower column) among those it accepts, as
    /// `(column, score)`, and whether more may have been accepted; where a column is looked at only if its fast score minus
    /// `offsets[j]` is at least `floor`. The key must rank columns as the exact score minus
    /// the column's offset does, and `margin` must bound the error of the fast value.
    fn run(
        &self,
        specs: &[(u32, usize, f32)],
        offsets: &Vec<[f32; LANES]>,
        margin: f32,
        accept: &(dyn Fn(u32, u32, f64) -> Option<f64> + Sync),
        par: bool,
    ) -> Vec<Found> {
        let isa = Isa::detect();
        let work = |chunk: &[(u32, usize, f32)]| -> Vec<Found> {
            let mut sel: Vec<Select> = chunk
                .iter()
                .map(|&(_, k, floor)| Select::new(k, floor, 2.0 * margin))
                .collect();
            scan_task(isa, self, offsets, chunk, &mut sel);
            chunk
                .iter()
                .zip(sel)
                .map(|(&(line, k, _), s)| s.finish(line, k, self.exact, accept))
                .collect()
        };
        #[cfg(feature = "rayon")]
        let parts: Vec<Vec<Found>> = if par {
            specs.par_chunks(TASK_ROWS).map(work).collect()
        } else {
            specs.chunks(TASK_ROWS).map(work).collect()
        };
        #[cfg(not(feature = "rayon"))]
        let parts: Vec<Vec<Found>> = {
            let _ = par;
            specs.chunks(TASK_ROWS).map(work).collect()
        };
        parts.into_iter().flatten().collect()
    }
}

/// A row's running selection: every column whose fast value reached `theta`.
struct Select {
    /// Current threshold: the row's floor, raised to the `k`-th best fast value minus `band`.
    theta: f32,
    floor: f32,
    k: usize,
    /// Prune when the buffer reaches this length.
    cap: usize,
    /// Twice the screen margin: a column whose fast value is below the `k`-th best fast value
    /// minus `band` cannot be among the `k` best exact values.
    band: f32,
    buf: Vec<(f32, u32)>,
    /// Whether pruning dropped a column that had passed the floor.
    dropped: bool,
}

impl Select {
    fn new(k: usize, floor: f32, band: f32) -> Select {
        Select {
            theta: floor,
            floor,
            k: k.max(1),
            cap: 2 * k + 64,
            band,
            buf: Vec::new(),
            dropped: false,
        }
    }

    #[inline]
    fn push(&mut self, value: f32, j: u32) {
        self.buf.push((value, j));
        if self.buf.len() >= self.cap {
            self.prune();
        }
    }

    /// Raises `theta` to the `k`-th best fast value minus `band` and drops what falls below.
    fn prune(&mut self) {
        let k = self.k;
        if self.buf.len() <= k {
            return;
        }
        self.buf
            .select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
        let kth = self.buf[k - 1].0;
        self.theta = self.floor.max(kth - self.band);
        let theta = self.theta;
        let before = self.buf.len();
        self.buf.retain(|e| e.0 >= theta);
        self.dropped |= self.buf.len() < before;
        // Many values within the band (ties): grow, so that pruning stays amortised O(1).
        self.cap = self.cap.max(2 * self.buf.len());
    }

    /// The exact ranking of what the screen kept, and whether columns beyond the `k` returned
    /// may have been accepted.
    fn finish(
        mut self,
        line: u32,
        k: usize,
        exact: &(dyn Fn(u32, u32) -> f64 + Sync),
        accept: &(dyn Fn(u32, u32, f64) -> Option<f64> + Sync),
    ) -> Found {
        self.prune();
        let mut ranked: Vec<(f64, u32, f64)> = self
            .buf
            .iter()
            .filter_map(|&(_, j)| {
                let s = exact(line, j);
                accept(line, j, s).map(|key| (key, j, s))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let more = self.dropped || ranked.len() > k;
        ranked.truncate(k);
        (ranked.into_iter().map(|(_, j, s)| (j, s)).collect(), more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Weights;
    use crate::scoring::{Scorer, WeightedScorer};
    use crate::solver::implicit::all;
    use crate::synthetic::test_city as city;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// Calls `f` with the scan of the rows of `es` against the columns of `ps` and its exact
    /// scores, under the default weights.
    fn with_scan<R>(
        es: &Side,
        ps: &Side,
        f: impl FnOnce(&Scan<'_>, &(dyn Fn(u32, u32) -> f64 + Sync)) -> R,
    ) -> R {
        let scorer = WeightedScorer::default();
        let exact = |i: u32, j: u32| {
            scorer.score_prepared(&es.prepared[i as usize], &ps.prepared[j as usize])
        };
        let scan = Scan {
            rows: es,
            cols: ps,
            ws: scorer.normalised_weights()[2] as f32,
            exact: &exact,
        };
        f(&scan, &exact)
    }

    /// The fast form, in double precision, against the exact score: the difference is only
    /// rounding, far below the screen margin.
    #[test]
    fn fast_form_matches_the_model() {
        let mut rng = StdRng::seed_from_u64(3);
        let cities: Vec<City> = (0..300).map(|i| city(&mut rng, i, i % 2 == 0)).collect();
        let weights = Weights::new(0.5, 0.3, 0.2).unwrap();
        let scorer = WeightedScorer::new(weights);
        let w = scorer.normalised_weights();
        let f: Vec<_> = cities.iter().map(|c| forms(c, w)).collect();
        let mut worst = 0.0f64;
        for (a, fa) in cities.iter().zip(&f) {
            for (b, fb) in cities.iter().zip(&f) {
                let dot: f64 = (0..DIMS)
                    .map(|t| f64::from(fa.0[t]) * f64::from(fb.1[t]))
                    .sum();
                let size =
                    (1.0 - f64::from((fa.0[DIMS] - fb.1[DIMS]).abs() * INV_LN_1000)).max(0.0);
                let fast = dot + w[2] * size;
                worst = worst.max((fast - scorer.score(a, b)).abs());
            }
        }
        assert!(worst < f64::from(SCREEN_MARGIN) / 8.0, "{worst}");
    }

    /// The scan's `k` best equal the exact `k` best, ties by lower index, on every instruction
    /// set this CPU has, in parallel and not.
    #[test]
    fn scan_finds_the_exact_top_k() {
        let mut rng = StdRng::seed_from_u64(9);
        for (ne, np, coarse) in [(37, 70, true), (50, 33, false), (5, 300, true)] {
            let cities: Vec<City> = (0..ne + np).map(|i| city(&mut rng, i, coarse)).collect();
            let eu: Vec<&City> = cities[..ne].iter().collect();
            let partners: Vec<&City> = cities[ne..].iter().collect();
            let scorer = WeightedScorer::default();
            let w = scorer.normalised_weights();
            let (es, ps) = (Side::new(&eu, w, false), Side::new(&partners, w, true));
            with_scan(&es, &ps, |scan, exact| {
                for k in [1, 3, 17, np + 5] {
                    let specs = all(ne, k);
                    let got = scan.top_k(&specs, true);
                    assert_eq!(got, scan.top_k(&specs, false));
                    for (i, list) in got.iter().enumerate() {
                        let mut want: Vec<(u32, f64)> = (0..np as u32)
                            .map(|j| (j, scorer.score(eu[i], partners[j as usize])))
                            .collect();
                        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                        want.truncate(k);
                        assert_eq!(list, &want, "row {i}, k {k}");
                    }
                    for isa in Isa::available() {
                        let offsets = ps.offsets(|_| 0.0);
                        let mut sel: Vec<Select> = specs
                            .iter()
                            .map(|s| Select::new(s.1, s.2, 2.0 * SCREEN_MARGIN))
                            .collect();
                        scan_task(isa, scan, &offsets, &specs, &mut sel);
                        let lists: Vec<_> = specs
                            .iter()
                            .zip(sel)
                            .map(|(s, sel)| sel.finish(s.0, s.1, exact, &|_, _, x| Some(x)).0)
                            .collect();
                        assert_eq!(lists, got);
                    }
                }
            });
        }
    }

    /// The pricing screen with offsets and floors: the columns whose key beats the floor,
    /// exactly, on every instruction set.
    #[test]
    fn offsets_and_floors_screen_exactly() {
        let mut rng = StdRng::seed_from_u64(21);
        let cities: Vec<City> = (0..140).map(|i| city(&mut rng, i, i % 3 == 0)).collect();
        let eu: Vec<&City> = cities[..60].iter().collect();
        let partners: Vec<&City> = cities[60..].iter().collect();
        let w = WeightedScorer::default().normalised_weights();
        let (es, ps) = (Side::new(&eu, w, false), Side::new(&partners, w, false));
        with_scan(&es, &ps, |scan, exact| {
            let beta: Vec<f64> = (0..80).map(|_| rng.gen_range(0.0..0.5)).collect();
            let alpha: Vec<f64> = (0..60).map(|_| rng.gen_range(0.1..0.6)).collect();
            let offsets = ps.offsets(|j| beta[j] as f32);
            let margin = SCREEN_MARGIN + 2.0 / 1_048_576.0;
            let specs: Vec<(u32, usize, f32)> = (0..60u32)
                .map(|i| (i, 5, alpha[i as usize] as f32 - margin))
                .collect();
            let key = |i: u32, j: u32, s: f64| {
                let x = s - beta[j as usize] - alpha[i as usize];
                (x > 0.0).then_some(x)
            };
            for isa in Isa::available() {
                let mut sel: Vec<Select> = specs
                    .iter()
                    .map(|s| Select::new(s.1, s.2, 2.0 * margin))
                    .collect();
                scan_task(isa, scan, &offsets, &specs, &mut sel);
                for (&(i, k, _), sel) in specs.iter().zip(sel) {
                    let (got, more) = sel.finish(i, k, exact, &key);
                    let mut want: Vec<(f64, u32, f64)> = (0..80u32)
                        .filter_map(|j| {
                            let s = exact(i, j);
                            key(i, j, s).map(|x| (x, j, s))
                        })
                        .collect();
                    want.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                    // More accepted columns than returned are always reported.
                    assert!(more || want.len() <= k, "{isa:?} row {i}");
                    want.truncate(k);
                    let want: Vec<(u32, f64)> = want.into_iter().map(|(_, j, s)| (j, s)).collect();
                    assert_eq!(got, want, "{isa:?} row {i}");
                }
            }
        });
    }
}
