//! Candidate mode's check of a certificate over every pair, with the fast screen of the scoring
//! model (`scoring::screen`) clearing most pairs: the plain check's scan
//! ([`Cover::scan_plain`]) with fewer exact scores.
//!
//! See [`verify_certificate`] (public as `citypair::candidates::verify_certificate`).

use super::{Certificate, Cover, RowScan, Scores, Violation};
use crate::model::City;
use crate::pairing::Solution;
use crate::scoring::screen::{Scan, Side, SCREEN_MARGIN};
use crate::scoring::WeightedScorer;
use crate::solver::implicit::LineScan;

/// Covers larger than this in magnitude are checked by the plain loop (the screen's `f32`
/// margin grows with them).
const SCREEN_COVER_LIMIT: f64 = 1e6;

/// The check of [`Certificate::verify`] for a certificate over `eu` (rows) and `partners`
/// (columns) scored by `scorer`, with candidate mode's fast screen: the same outcome, the same
/// [`Violation`] included, with the exact score computed only for the pairs the screen cannot
/// prove covered (see below). `eu` and `partners` must be the
/// certificate's cities in its order (sorted by id, as [`crate::Pairing::eu_cities`] gives
/// them); a count that differs from the certificate's is [`Violation::Malformed`].
///
/// With `parallel` (and the `rayon` feature), rows are screened on the current rayon thread
/// pool; the result is the same.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use citypair::candidates::{pair, verify_certificate, CandidateOptions};
/// use citypair::{io, Pairing};
///
/// let dataset = io::embedded_dataset()?;
/// let best = pair(&dataset, 8, &CandidateOptions::default())?;
/// let certificate = best.certificate().expect("every sum result carries one");
/// let pairing = Pairing::builder(&dataset).dense().build()?;
/// let (eu, partners): (Vec<_>, Vec<_>) =
///     (pairing.eu_cities().collect(), pairing.partner_cities().collect());
/// let screened = verify_certificate(certificate, (&eu, &partners), pairing.scorer(), true);
/// assert_eq!(screened, certificate.verify(pairing.matrix()?));
/// assert!(screened.is_ok());
/// # }
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # How
/// [`Certificate::verify`] reads the exact score of every pair: in candidate mode, where the
/// matrix is never built, that is one exact evaluation of the scoring model per pair (2.3 s of a
/// 4.7 s run on a generated call of 10,000 + 10,000 cities, about 20 s at 30,000 + 30,000).
/// But the check's pass over every pair (condition 4: `u_i + v_j + y_g(i) + y_h(j) >= s_ij`)
/// needs the exact score only of the pairs it cannot clear otherwise, and the fast
/// single-precision form of the model that candidate mode's scans use (see the
/// [module documentation](crate::candidates#exact-scores)) clears almost all of them:
///
/// - the fast form `f_ij` differs from the exact score by less than the screen margin
///   (`2^-14`, proved and tested in `scoring::screen`), and the `f32` roundings of the covers
///   and of the subtraction by less than `(1 + 2 max |cover|) 2^-20` more;
/// - so a pair with `f_ij - c_j < r_i - margin` (with `r_i = u_i + y_g(i)`, `c_j = v_j +
///   y_h(j)` in `f32`) has `s_ij < r_i + c_j`: it is covered, and it is not the row's worst
///   pair if any pair of the row is uncovered;
/// - every other pair gets its exact score and the plain check's own arithmetic
///   (its `slack`), and the most violated of them (ties by the lower column) is the row's
///   worst pair exactly as the plain loop finds it whenever it is violated.
///
/// Every score of the weighted model lies in `[0, 1]` (it is clamped), so the tolerance's
/// `max(1, max |s|)` is 1 as in the plain check. Everything else (conditions 1 to 3 and 5 to
/// 7, and the solution's own checks) is the plain check itself, reading exact scores. So the
/// screened check returns what [`Certificate::verify`] returns, the same [`Violation`]
/// included (`tests/candidates.rs` compares them, on genuine and tampered certificates); it
/// only reads fewer exact scores. Covers beyond `10^6` in magnitude, or profiles outside
/// `[0, 1]` (which [`Profile::new`](crate::model::Profile::new) rules out), make it fall back
/// to the plain loop.
///
/// Measured on this project's 2-core machine (shared, load about 5): on a generated 10,000 +
/// 10,000 call the screened check takes 0.23 s, the plain loop over exact scores of prepared
/// cities 3.6 s (2.3 s on an idle machine).
///
/// # Errors
/// The first [`Violation`], as [`Certificate::verify`].
///
/// # Complexity
/// `O(E P)` fast-form evaluations (vectorised, as candidate mode's scans), plus one exact score
/// per pair the screen cannot clear (in a certified optimum: the paired pairs and the few
/// within about `10^-4` of tight).
pub fn verify_certificate(
    certificate: &Certificate,
    (eu, partners): (&[&City], &[&City]),
    scorer: &WeightedScorer,
    parallel: bool,
) -> Result<(), Violation> {
    let screen = Screen::new((eu, partners), scorer, parallel);
    let scan = |cover: &Cover<'_>| screen.rows(cover);
    certificate.verify_scanned(&screen, &|s| s, Some(&scan))
}

/// Checks a candidate-mode solution's certificate with the screen and records the outcome
/// in `certified_optimal` (as [`Solution::certify`] does with the plain check).
pub(crate) fn certify(
    solution: &mut Solution,
    sides: (&[&City], &[&City]),
    scorer: &WeightedScorer,
    parallel: bool,
) -> Result<(), Violation> {
    let screen = Screen::new(sides, scorer, parallel);
    let scan = |cover: &Cover<'_>| screen.rows(cover);
    solution.certify_scanned(&screen, Some(&scan))
}

/// Both sides in the scan's forms, and the exact scores.
struct Screen<'a> {
    eu: Side,
    partners: Side,
    scorer: &'a WeightedScorer,
    /// The size weight of the fast form.
    ws: f32,
    /// Whether every profile value lies in `[0, 1]`, which the screen's error bound assumes.
    sound: bool,
    parallel: bool,
}

impl<'a> Screen<'a> {
    fn new(
        (eu, partners): (&[&City], &[&City]),
        scorer: &'a WeightedScorer,
        parallel: bool,
    ) -> Screen<'a> {
        let w = scorer.normalised_weights();
        let unit = |v: &[f64]| v.iter().all(|x| (0.0..=1.0).contains(x));
        let sound = eu
            .iter()
            .chain(partners)
            .all(|c| unit(c.challenges().values()) && unit(c.expertise().values()));
        Screen {
            eu: Side::new(eu, w, parallel),
            partners: Side::new(partners, w, parallel),
            scorer,
            ws: w[2] as f32,
            sound,
            parallel,
        }
    }

    fn exact(&self, i: usize, j: usize) -> f64 {
        self.scorer
            .score_prepared(&self.eu.prepared[i], &self.partners.prepared[j])
    }

    /// Each row's [`RowScan`], as the plain loop gives it wherever it matters (see the
    /// documentation of [`verify_certificate`]).
    fn rows(&self, cover: &Cover<'_>) -> Vec<RowScan> {
        let cols: Vec<f64> = cover
            .v
            .iter()
            .zip(cover.col_y)
            .map(|(&v, &y)| v + y)
            .collect();
        let big = cover
            .row
            .iter()
            .chain(&cols)
            .fold(0.0_f64, |m, x| m.max(x.abs()));
        let nan = cover.row.iter().chain(&cols).any(|x| x.is_nan());
        if !self.sound || nan || big > SCREEN_COVER_LIMIT {
            return cover.scan_plain(self, &|s| s);
        }
        let margin = SCREEN_MARGIN + ((1.0 + 2.0 * big) / 1_048_576.0) as f32;
        let exact = |i: u32, j: u32| self.exact(i as usize, j as usize);
        let scan = Scan {
            rows: &self.eu,
            cols: &self.partners,
            ws: self.ws,
            exact: &exact,
        };
        let n = self.partners.n;
        let offsets = scan.offsets(|j| cols[j] as f32);
        let specs: Vec<(u32, usize, f32)> = cover
            .row
            .iter()
            .enumerate()
            .map(|(i, &r)| (i as u32, n, r as f32 - margin))
            .collect();
        // Every pair the screen keeps is ranked by how much it is violated (the plain check's
        // own `slack`), most violated first, ties by the lower column.
        let accept = |i: u32, j: u32, s: f64| {
            cover
                .slack(i as usize, j as usize, s, s)
                .map(|slack| -slack)
        };
        scan.run(&specs, &offsets, margin, &accept, self.parallel)
            .into_iter()
            .enumerate()
            .map(|(i, (kept, _))| RowScan {
                // Every score lies in [0, 1]: max(1, max |s|) is 1 whatever this is.
                max_abs: 0.0,
                worst: kept.first().and_then(|&(j, s)| {
                    let j = j as usize;
                    cover.slack(i, j, s, s).map(|slack| (j, slack))
                }),
            })
            .collect()
    }
}

impl Scores for Screen<'_> {
    fn score(&self, eu: usize, partner: usize) -> f64 {
        self.exact(eu, partner)
    }

    fn shape(&self) -> Option<(usize, usize)> {
        Some((self.eu.n, self.partners.n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidates::CandidateOptions;
    use crate::matrix::ScoreMatrix;
    use crate::{synthetic, Pairing};

    /// The screened check agrees with the plain one, on the genuine certificate and on
    /// tampered ones, in parallel and not.
    #[test]
    fn the_screen_changes_nothing_but_the_time() {
        let call = synthetic::call(70, 90, 4);
        let pairing = Pairing::builder(&call).dense().build().unwrap();
        let eu: Vec<&City> = pairing.eu_cities().collect();
        let partners: Vec<&City> = pairing.partner_cities().collect();
        let scorer = pairing.scorer();
        let matrix: &ScoreMatrix = pairing.matrix().unwrap();
        let best = crate::candidates::pair(&call, 4, &CandidateOptions::default()).unwrap();
        let genuine = best.certificate().unwrap().clone();
        let mut cases = vec![genuine.clone()];
        for (k, delta) in [(0usize, -0.05), (3, -0.2), (69, -1e-3), (10, 0.3)] {
            let mut c = genuine.clone();
            let n = c.u.len();
            c.u[k % n] += delta;
            cases.push(c);
        }
        let mut c = genuine.clone();
        c.v[5] = -0.1;
        cases.push(c);
        let mut c = genuine.clone();
        for x in &mut c.u {
            *x = 0.0;
        }
        cases.push(c);
        let mut c = genuine;
        c.v[0] = f64::NAN;
        cases.push(c);
        for (n, c) in cases.iter().enumerate() {
            let plain = c.verify(matrix);
            for parallel in [false, true] {
                let screened = verify_certificate(c, (&eu, &partners), scorer, parallel);
                // Compared as text: a NaN in a violation is not equal to itself.
                assert_eq!(format!("{screened:?}"), format!("{plain:?}"), "case {n}");
            }
            assert_eq!(n == 0, plain.is_ok(), "case {n}: {plain:?}");
        }
        // A certificate for other cities is malformed, not a panic.
        let e = verify_certificate(&cases[0], (&eu[1..], &partners), scorer, true).unwrap_err();
        assert!(matches!(e, Violation::Malformed { .. }), "{e}");
    }
}
