//! The check of a certificate ([`Certificate::verify`], the conditions of the
//! [module documentation](super#what-is-checked)) and of a solution against its certificate.

use std::collections::HashMap;

#[cfg(feature = "rayon")]
use rayon::prelude::*;

use super::{
    Bound, Certificate, Dual, PairRule, QuotaDual, Scores, Violation, CONDITION_TOLERANCE,
    TOTAL_TOLERANCE,
};
use crate::eligibility::Side;

/// Matrices with at least this many pairs are scanned in parallel (the result is the same).
#[cfg(feature = "rayon")]
const PARALLEL_PAIRS: usize = 1 << 14;

/// One row's share of the scan over every pair.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowScan {
    /// The row's largest `|s|`.
    pub(crate) max_abs: f64,
    /// The row's most violated allowed unpaired pair: `(column, cover - score)`, lowest
    /// column among ties; NaN scores count as infinitely violated.
    pub(crate) worst: Option<(usize, f64)>,
}

/// What the scan over every pair (condition 4, and the largest `|s|` of the tolerance) needs of
/// a certificate: each row's and column's part of the cover, and which pairs are exempt.
pub(crate) struct Cover<'c> {
    /// `u_i + y_g(i)` per EU city.
    pub(crate) row: Vec<f64>,
    /// `v_j` per partner city.
    pub(crate) v: &'c [f64],
    /// `y_h(j)` per partner city.
    pub(crate) col_y: &'c [f64],
    /// Per row, the sorted columns of its forbidden, locked and listed pairs.
    skip: Vec<Vec<usize>>,
    min_score: Option<f64>,
}

/// A scan over every pair that replaces the plain loop of [`Certificate::verify`] (candidate
/// mode's screened check): given the cover, one [`RowScan`] per row, exactly as
/// [`Cover::scan_plain`] would give them wherever it matters (the same worst pair when it is
/// violated by more than the tolerance, and the same `max(1, max |s|)`).
pub(crate) type RowScanner<'s> = dyn Fn(&Cover<'_>) -> Vec<RowScan> + Sync + 's;

impl Cover<'_> {
    /// `cover - s` of pair `(i, j)` with raw score `raw` and weight `s = weight(raw)`, as the
    /// plain scan computes it (NaN counts as infinitely violated); `None` when the pair is not
    /// checked (not allowed, forbidden, locked or listed).
    pub(crate) fn slack(&self, i: usize, j: usize, raw: f64, s: f64) -> Option<f64> {
        let allowed = self.min_score.is_none_or(|m| raw >= m) || raw.is_nan();
        if !allowed || self.skip[i].binary_search(&j).is_ok() {
            return None;
        }
        let cover = self.row[i] + self.v[j] + self.col_y[j];
        let slack = cover - s;
        Some(if slack.is_nan() {
            f64::NEG_INFINITY
        } else {
            slack
        })
    }

    /// The plain scan: every pair's score read from `scores`, in parallel by rows on large
    /// matrices (the result does not depend on the number of threads).
    pub(crate) fn scan_plain<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
    ) -> Vec<RowScan> {
        let (r, c) = (self.row.len(), self.v.len());
        let scan = |i: usize| -> RowScan {
            let mut max_abs = 0.0_f64;
            let mut worst: Option<(usize, f64)> = None;
            for j in 0..c {
                let raw = scores.score(i, j);
                let s = weight(raw);
                max_abs = max_abs.max(s.abs());
                let Some(slack) = self.slack(i, j, raw, s) else {
                    continue;
                };
                if worst.is_none_or(|(_, w)| slack < w) {
                    worst = Some((j, slack));
                }
            }
            RowScan { max_abs, worst }
        };
        #[cfg(feature = "rayon")]
        if r * c >= PARALLEL_PAIRS {
            return (0..r).into_par_iter().map(scan).collect();
        }
        #[cfg(not(feature = "rayon"))]
        let _ = c;
        (0..r).map(scan).collect()
    }
}

impl Certificate {
    /// Checks the certificate against `scores`, independently of any solver: the conditions of
    /// the [module documentation](crate::certificate#what-is-checked), in that order, over every pair
    /// (`O(E P)` score reads, in parallel by rows on large matrices; the result does not depend
    /// on the number of threads).
    ///
    /// # Errors
    /// The first [`Violation`].
    pub fn verify<S: Scores + ?Sized>(&self, scores: &S) -> Result<(), Violation> {
        self.verify_weighted(scores, &|s| s)
    }

    /// [`Certificate::verify`] for the problem whose pair weights are `weight(s_ij)` (the
    /// scores themselves for `sum`; pair counts for the proofs of `maxmin`): the rules
    /// (`min_score`) still read the scores.
    pub(crate) fn verify_weighted<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
    ) -> Result<(), Violation> {
        self.verify_scanned(scores, weight, None)
    }

    /// [`Certificate::verify_weighted`], with the scan over every pair done by `scanner` (for
    /// the score weights only) instead of the plain loop when given.
    pub(crate) fn verify_scanned<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
        scanner: Option<&RowScanner<'_>>,
    ) -> Result<(), Violation> {
        self.check_parts(scores)?;
        let (row_places, col_places) = self.places()?;
        let (row_y, col_y) = self.quota_terms()?;
        let (row_pairs, col_pairs) = self.check_pairs(scores, &row_places, &col_places)?;
        let cover = self.cover(&row_y, &col_y);
        let rows = match scanner {
            Some(scan) => scan(&cover),
            None => cover.scan_plain(scores, weight),
        };
        let max_abs = rows.iter().map(|x| x.max_abs).fold(0.0, f64::max);
        let tol = CONDITION_TOLERANCE * max_abs.max(1.0);

        // 3. Non-negative duals.
        self.check_signs(tol)?;
        self.check_cover(scores, weight, &rows, (&row_y, &col_y), tol)?;
        let bounds =
            self.check_slackness(tol, (&row_places, &col_places), (&row_pairs, &col_pairs))?;
        self.check_totals(scores, weight, (&row_places, &col_places), &bounds)
    }

    /// What the scan over every pair needs (see [`Cover`]): each row's `u_i + y_g(i)`, each
    /// column's `v_j` and `y_h(j)`, and each row's allowed, unpaired, unlocked pairs left out.
    fn cover<'c>(&'c self, row_y: &[f64], col_y: &'c [f64]) -> Cover<'c> {
        let r = self.eu.len();
        let mut skip: Vec<Vec<usize>> = vec![Vec::new(); r];
        for &(i, j) in self.forbidden.iter().chain(&self.locked) {
            skip[i].push(j);
        }
        for p in &self.pairs {
            skip[p.eu].push(p.partner);
        }
        for list in &mut skip {
            list.sort_unstable();
            list.dedup();
        }
        Cover {
            row: (0..r).map(|i| self.u[i] + row_y[i]).collect(),
            v: &self.v,
            col_y,
            skip,
            min_score: self.min_score,
        }
    }

    /// Conditions 4 and 5: every allowed, unpaired pair is covered (`rows` are the scan's) and
    /// every paired pair is tight.
    fn check_cover<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
        rows: &[RowScan],
        (row_y, col_y): (&[f64], &[f64]),
        tol: f64,
    ) -> Result<(), Violation> {
        // 4. Every allowed, unpaired pair is covered.
        for (i, row) in rows.iter().enumerate() {
            if let Some((j, slack)) = row.worst {
                if slack < -tol {
                    let s = weight(scores.score(i, j));
                    return Err(Violation::Uncovered {
                        eu: self.eu[i].clone(),
                        partner: self.partners[j].clone(),
                        score: s,
                        cover: self.u[i] + self.v[j] + row_y[i] + col_y[j],
                    });
                }
            }
        }
        // 5. Every paired pair is tight.
        for p in &self.pairs {
            let (i, j) = (p.eu, p.partner);
            let s = weight(scores.score(i, j));
            let sum = self.u[i] + self.v[j] + row_y[i] + col_y[j] + p.w;
            if !within(sum - s, tol) {
                return Err(Violation::NotTight {
                    eu: self.eu[i].clone(),
                    partner: self.partners[j].clone(),
                    score: s,
                    sum,
                });
            }
        }
        Ok(())
    }

    /// Condition 6: complementary slackness of the places and the quota bounds. Returns the
    /// quotas' unlocked pairs and bounds after locks ([`Certificate::quota_bounds`]).
    fn check_slackness(
        &self,
        tol: f64,
        (row_places, col_places): (&[usize], &[usize]),
        (row_pairs, col_pairs): (&[usize], &[usize]),
    ) -> Result<Vec<(usize, usize, Option<usize>)>, Violation> {
        // 6. Complementary slackness of the places and the quota bounds.
        for (side, ids, duals, places, pairs) in [
            (Side::Eu, &self.eu, &self.u, row_places, row_pairs),
            (
                Side::Partner,
                &self.partners,
                &self.v,
                col_places,
                col_pairs,
            ),
        ] {
            for k in 0..ids.len() {
                if pairs[k] < places[k] && duals[k] > tol {
                    return Err(Violation::UnusedCapacity {
                        side,
                        id: ids[k].clone(),
                        places: places[k],
                        pairs: pairs[k],
                        dual: duals[k],
                    });
                }
            }
        }
        let bounds = self.quota_bounds(row_pairs, col_pairs);
        for (q, &(pairs, min, max)) in self.quotas.iter().zip(&bounds) {
            if q.y_max > tol && max != Some(pairs) {
                return Err(Violation::QuotaSlack {
                    quota: q.number,
                    bound: Bound::Max,
                    limit: max,
                    pairs,
                    dual: q.y_max,
                });
            }
            if q.y_min > tol && pairs != min {
                return Err(Violation::QuotaSlack {
                    quota: q.number,
                    bound: Bound::Min,
                    limit: Some(min),
                    pairs,
                    dual: q.y_min,
                });
            }
        }
        Ok(bounds)
    }

    /// Condition 7: the dual objective equals the total of the listed pairs.
    fn check_totals<S: Scores + ?Sized>(
        &self,
        scores: &S,
        weight: &(dyn Fn(f64) -> f64 + Sync),
        (row_places, col_places): (&[usize], &[usize]),
        bounds: &[(usize, usize, Option<usize>)],
    ) -> Result<(), Violation> {
        // 7. The dual objective equals the total.
        let places = |duals: &[f64], places: &[usize]| -> f64 {
            duals.iter().zip(places).map(|(&d, &p)| d * p as f64).sum()
        };
        let quota_term: f64 = self
            .quotas
            .iter()
            .zip(bounds)
            .map(|(q, &(_, min, max))| {
                max.map_or(0.0, |m| m as f64 * q.y_max) - min as f64 * q.y_min
            })
            .sum();
        let dual = places(&self.u, row_places)
            + places(&self.v, col_places)
            + self.pairs.iter().map(|p| p.w).sum::<f64>()
            + quota_term;
        let primal: f64 = self
            .pairs
            .iter()
            .map(|p| weight(scores.score(p.eu, p.partner)))
            .sum();
        if !within(dual - primal, TOTAL_TOLERANCE * primal.abs().max(1.0)) {
            return Err(Violation::Totals { dual, primal });
        }
        Ok(())
    }

    /// Condition 1: sizes and index ranges.
    fn check_parts<S: Scores + ?Sized>(&self, scores: &S) -> Result<(), Violation> {
        let (r, c) = (self.eu.len(), self.partners.len());
        let malformed = |what, expected, found| {
            Err(Violation::Malformed {
                what,
                expected,
                found,
            })
        };
        if let Some((sr, sc)) = scores.shape() {
            if sr != r {
                return malformed("rows of the scores", r, sr);
            }
            if sc != c {
                return malformed("columns of the scores", c, sc);
            }
        }
        for (what, expected, found) in [
            ("u (one per EU city)", r, self.u.len()),
            ("v (one per partner city)", c, self.v.len()),
            ("EU capacities", r, self.eu_capacity.len()),
            ("partner capacities", c, self.partner_capacity.len()),
        ] {
            if found != expected {
                return malformed(what, expected, found);
            }
        }
        // Row indices against `r`, then column indices against `c`: of the listed, forbidden
        // and locked pairs, in that order.
        let pairs: Vec<(usize, usize)> = self.pairs.iter().map(|p| (p.eu, p.partner)).collect();
        let row: fn(&(usize, usize)) -> usize = |p| p.0;
        let col: fn(&(usize, usize)) -> usize = |p| p.1;
        for (bound, index, names) in [
            (
                r,
                row,
                [
                    "a pair's EU city (row index)",
                    "a forbidden pair's EU city",
                    "a locked pair's EU city",
                ],
            ),
            (
                c,
                col,
                [
                    "a pair's partner city (column index)",
                    "a forbidden pair's partner city",
                    "a locked pair's partner city",
                ],
            ),
        ] {
            for (what, list) in names
                .into_iter()
                .zip([&pairs, &self.forbidden, &self.locked])
            {
                if let Some(x) = list.iter().map(index).find(|&x| x >= bound) {
                    return malformed(what, bound, x);
                }
            }
        }
        Ok(())
    }

    /// Each city's places: its capacity less its locked pairs.
    pub(super) fn places(&self) -> Result<(Vec<usize>, Vec<usize>), Violation> {
        let mut rows = self.eu_capacity.clone();
        let mut cols = self.partner_capacity.clone();
        let mut locked = self.locked.clone();
        locked.sort_unstable();
        self.no_repeats(&locked, |_, _| f64::NAN)?;
        for &(i, j) in &locked {
            for (side, places, caps, ids, k) in [
                (Side::Eu, &mut rows, &self.eu_capacity, &self.eu, i),
                (
                    Side::Partner,
                    &mut cols,
                    &self.partner_capacity,
                    &self.partners,
                    j,
                ),
            ] {
                if places[k] == 0 {
                    let pairs = locked
                        .iter()
                        .filter(|l| if side == Side::Eu { l.0 == k } else { l.1 == k })
                        .count();
                    return Err(Violation::OverCapacity {
                        side,
                        id: ids[k].clone(),
                        capacity: caps[k],
                        pairs,
                    });
                }
                places[k] -= 1;
            }
        }
        Ok((rows, cols))
    }

    /// Each city's quota term `y_g` (0 outside every group); groups of one side must not
    /// overlap.
    fn quota_terms(&self) -> Result<(Vec<f64>, Vec<f64>), Violation> {
        let mut row_y = vec![0.0; self.eu.len()];
        let mut col_y = vec![0.0; self.partners.len()];
        let mut row_in = vec![false; self.eu.len()];
        let mut col_in = vec![false; self.partners.len()];
        for q in &self.quotas {
            let (y, seen) = match q.side {
                Side::Eu => (&mut row_y, &mut row_in),
                Side::Partner => (&mut col_y, &mut col_in),
            };
            for &m in &q.members {
                if m >= y.len() {
                    return Err(Violation::Malformed {
                        what: "a quota member (index)",
                        expected: y.len(),
                        found: m,
                    });
                }
                if seen[m] {
                    return Err(Violation::Malformed {
                        what: "quota groups of one side overlap at a city (index)",
                        expected: 0,
                        found: m,
                    });
                }
                seen[m] = true;
                y[m] = q.y();
            }
        }
        Ok((row_y, col_y))
    }

    /// Condition 2: the listed pairs keep the rules. Returns each city's unlocked pairs.
    pub(super) fn check_pairs<S: Scores + ?Sized>(
        &self,
        scores: &S,
        row_places: &[usize],
        col_places: &[usize],
    ) -> Result<(Vec<usize>, Vec<usize>), Violation> {
        let mut forbidden = self.forbidden.clone();
        forbidden.sort_unstable();
        let mut locked = self.locked.clone();
        locked.sort_unstable();
        let mut row_pairs = vec![0; self.eu.len()];
        let mut col_pairs = vec![0; self.partners.len()];
        let mut seen: Vec<(usize, usize)> = Vec::with_capacity(self.pairs.len());
        for p in &self.pairs {
            let (i, j) = (p.eu, p.partner);
            let s = scores.score(i, j);
            let rule = if forbidden.binary_search(&(i, j)).is_ok() {
                Some(PairRule::Forbidden)
            } else if locked.binary_search(&(i, j)).is_ok() {
                Some(PairRule::Locked)
            } else if self.min_score.is_some_and(|m| s < m || s.is_nan()) {
                Some(PairRule::BelowMinScore)
            } else {
                None
            };
            if let Some(rule) = rule {
                return Err(Violation::NotAllowed {
                    eu: self.eu[i].clone(),
                    partner: self.partners[j].clone(),
                    score: s,
                    rule,
                });
            }
            seen.push((i, j));
            row_pairs[i] += 1;
            col_pairs[j] += 1;
        }
        seen.sort_unstable();
        self.no_repeats(&seen, |i, j| scores.score(i, j))?;
        for (side, ids, caps, places, pairs) in [
            (
                Side::Eu,
                &self.eu,
                &self.eu_capacity,
                row_places,
                &row_pairs,
            ),
            (
                Side::Partner,
                &self.partners,
                &self.partner_capacity,
                col_places,
                &col_pairs,
            ),
        ] {
            for k in 0..ids.len() {
                if pairs[k] > places[k] {
                    return Err(Violation::OverCapacity {
                        side,
                        id: ids[k].clone(),
                        capacity: caps[k],
                        pairs: pairs[k] + caps[k] - places[k],
                    });
                }
            }
        }
        for (q, &(pairs, _, max)) in self
            .quotas
            .iter()
            .zip(&self.quota_bounds(&row_pairs, &col_pairs))
        {
            let locks = self.group_locks(q);
            let total = pairs + locks;
            let locks_exceed_max = max.is_none() && q.max.is_some();
            if total < q.min || q.max.is_some_and(|m| total > m) || locks_exceed_max {
                return Err(Violation::QuotaBounds {
                    quota: q.number,
                    pairs: total,
                    min: q.min,
                    max: q.max,
                });
            }
        }
        Ok((row_pairs, col_pairs))
    }

    /// [`PairRule::Repeated`] for the first pair listed twice in `sorted`, reported with
    /// `score(i, j)`.
    fn no_repeats(
        &self,
        sorted: &[(usize, usize)],
        score: impl Fn(usize, usize) -> f64,
    ) -> Result<(), Violation> {
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            let (i, j) = w[0];
            return Err(Violation::NotAllowed {
                eu: self.eu[i].clone(),
                partner: self.partners[j].clone(),
                score: score(i, j),
                rule: PairRule::Repeated,
            });
        }
        Ok(())
    }

    /// The locked pairs a quota group counts.
    fn group_locks(&self, q: &QuotaDual) -> usize {
        self.locked
            .iter()
            .filter(|&&(i, j)| {
                let x = if q.side == Side::Eu { i } else { j };
                q.members.binary_search(&x).is_ok()
            })
            .count()
    }

    /// Each quota's unlocked pairs and its bounds after locks: `(pairs, min', max')`, with
    /// `max' = None` when the quota has no maximum or its locks exceed it.
    fn quota_bounds(
        &self,
        row_pairs: &[usize],
        col_pairs: &[usize],
    ) -> Vec<(usize, usize, Option<usize>)> {
        self.quotas
            .iter()
            .map(|q| {
                let counts = if q.side == Side::Eu {
                    row_pairs
                } else {
                    col_pairs
                };
                let pairs = q
                    .members
                    .iter()
                    .map(|&m| counts.get(m).copied().unwrap_or(0))
                    .sum();
                let locks = self.group_locks(q);
                (
                    pairs,
                    q.min.saturating_sub(locks),
                    q.max.and_then(|m| m.checked_sub(locks)),
                )
            })
            .collect()
    }

    /// Condition 3: every dual is non-negative (within `tol`).
    fn check_signs(&self, tol: f64) -> Result<(), Violation> {
        let negative = |x: f64| x < -tol || x.is_nan();
        if let Some(i) = self.u.iter().position(|&x| negative(x)) {
            return Err(Violation::Negative {
                dual: Dual::Eu(self.eu[i].clone()),
                value: self.u[i],
            });
        }
        if let Some(j) = self.v.iter().position(|&x| negative(x)) {
            return Err(Violation::Negative {
                dual: Dual::Partner(self.partners[j].clone()),
                value: self.v[j],
            });
        }
        if let Some(p) = self.pairs.iter().find(|p| negative(p.w)) {
            return Err(Violation::Negative {
                dual: Dual::Pair {
                    eu: self.eu[p.eu].clone(),
                    partner: self.partners[p.partner].clone(),
                },
                value: p.w,
            });
        }
        for q in &self.quotas {
            if negative(q.y_max) {
                return Err(Violation::Negative {
                    dual: Dual::QuotaMax(q.number),
                    value: q.y_max,
                });
            }
            if negative(q.y_min) {
                return Err(Violation::Negative {
                    dual: Dual::QuotaMin(q.number),
                    value: q.y_min,
                });
            }
        }
        Ok(())
    }
}

impl Certificate {
    /// [`Certificate::verify`], after checking that it is the certificate of a solution whose
    /// pairs are `pairs` (`(EU id, partner id, score)`, locked pairs included) and whose total
    /// is `total_score`: the scores are the matrix's, the total their sum, every locked pair is
    /// paired, and the unlocked pairs are exactly the certificate's.
    pub(crate) fn verify_solution<'p, S: Scores + ?Sized>(
        &self,
        pairs: impl Iterator<Item = (&'p str, &'p str, f64)>,
        total_score: f64,
        scores: &S,
    ) -> Result<(), Violation> {
        self.verify_solution_scanned(pairs, total_score, scores, None)
    }

    /// [`Certificate::verify_solution`], with the scan over every pair done by `scanner` when
    /// given (see [`Certificate::verify_scanned`]).
    pub(crate) fn verify_solution_scanned<'p, S: Scores + ?Sized>(
        &self,
        pairs: impl Iterator<Item = (&'p str, &'p str, f64)>,
        total_score: f64,
        scores: &S,
        scanner: Option<&RowScanner<'_>>,
    ) -> Result<(), Violation> {
        self.check_parts(scores)?;
        let (mut listed, actual) = self.solution_pairs(pairs, scores)?;
        if !within(
            total_score - actual,
            TOTAL_TOLERANCE * actual.abs().max(1.0),
        ) {
            return Err(Violation::ReportedTotal {
                reported: total_score,
                actual,
            });
        }
        listed.sort_unstable();
        let locked = self.locks_paired(&listed)?;
        let unlocked: Vec<(usize, usize)> = listed
            .into_iter()
            .filter(|l| locked.binary_search(l).is_err())
            .collect();
        let mut certified: Vec<(usize, usize)> =
            self.pairs.iter().map(|p| (p.eu, p.partner)).collect();
        certified.sort_unstable();
        let (mut a, mut b) = (0, 0);
        while a < unlocked.len() || b < certified.len() {
            match (unlocked.get(a), certified.get(b)) {
                (Some(x), Some(y)) if x == y => {
                    a += 1;
                    b += 1;
                }
                (Some(&x), Some(&y)) if x < y => return Err(self.mismatch(x.0, x.1, true)),
                (Some(&x), None) => return Err(self.mismatch(x.0, x.1, true)),
                (_, Some(&y)) => return Err(self.mismatch(y.0, y.1, false)),
                (None, None) => unreachable!("the loop stops when both are done"),
            }
        }
        self.verify_scanned(scores, &|s| s, scanner)
    }

    /// A solution's pairs `(EU id, partner id, score)` as `(row, column)`, in the order given,
    /// after checking that every id is one of the certificate's cities and every score is
    /// `scores`' bit for bit; and the sum of the scores, added in that order.
    pub(super) fn solution_pairs<'p, S: Scores + ?Sized>(
        &self,
        pairs: impl Iterator<Item = (&'p str, &'p str, f64)>,
        scores: &S,
    ) -> Result<(Vec<(usize, usize)>, f64), Violation> {
        let eu = index_of(&self.eu);
        let partners = index_of(&self.partners);
        let mut listed: Vec<(usize, usize)> = Vec::new();
        let mut actual = 0.0;
        for (e, p, score) in pairs {
            let (Some(&i), Some(&j)) = (eu.get(e), partners.get(p)) else {
                return Err(Violation::PairingMismatch {
                    eu: e.to_owned(),
                    partner: p.to_owned(),
                    in_solution: true,
                });
            };
            let s = scores.score(i, j);
            if s.to_bits() != score.to_bits() {
                return Err(Violation::ScoreMismatch {
                    eu: e.to_owned(),
                    partner: p.to_owned(),
                    reported: score,
                    actual: s,
                });
            }
            actual += s;
            listed.push((i, j));
        }
        Ok((listed, actual))
    }

    /// The locked pairs, sorted, after checking that each is among `listed` (a solution's
    /// pairs, sorted).
    pub(super) fn locks_paired(
        &self,
        listed: &[(usize, usize)],
    ) -> Result<Vec<(usize, usize)>, Violation> {
        let mut locked = self.locked.clone();
        locked.sort_unstable();
        if let Some(&(i, j)) = locked.iter().find(|l| listed.binary_search(l).is_err()) {
            return Err(self.mismatch(i, j, false));
        }
        Ok(locked)
    }

    pub(super) fn mismatch(&self, i: usize, j: usize, in_solution: bool) -> Violation {
        Violation::PairingMismatch {
            eu: self.eu[i].clone(),
            partner: self.partners[j].clone(),
            in_solution,
        }
    }
}

/// `|x| <= tol`, false for NaN.
fn within(x: f64, tol: f64) -> bool {
    x.abs() <= tol
}

/// Maps ids to rows or columns (for checking a solution listed by ids).
fn index_of(ids: &[String]) -> HashMap<&str, usize> {
    ids.iter()
        .enumerate()
        .map(|(k, id)| (id.as_str(), k))
        .collect()
}
