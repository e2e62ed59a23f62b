//! Exact assignment over a matrix that is never stored: the search of candidate mode.
//!
//! The matrix is given by a [`LineScan`] per side: exact scores on demand, and a scan of one
//! line against every line of the other side, screened by a fast, conservative approximation of
//! the scores (the candidate lists and the pricing read every pair only through it). The search
//! keeps each line's `K` best counterparts, solves the assignment on them with the sparse solver
//! ([`solve_sparse`], warm-started from the previous solve), widens the lists of the lines in a
//! Hall deficiency, and prices every pair against the duals, adding violators until no pair
//! violates them: then the assignment is optimal over every pair. [`crate::candidates`]
//! describes the method in full and implements [`LineScan`] for the scoring model
//! ([`crate::scoring`]'s fast screen).
//!
//! The phases, each a function: [`first_lists`] (step 1), [`Search::solve_lists`] (step 2),
//! [`Search::widen`] (step 3), [`Search::price_round`] with [`price`] (step 4) and
//! [`Search::finish`].

use std::time::Instant;

#[cfg(feature = "serde")]
use serde::Serialize;

use super::witness::HallWitness;
use super::{solve_sparse, solve_sparse_warm, Sense, SparseAssignment, SparseMatrix, Work};
use crate::error::Result;

/// Pricing adds, besides the violating pairs, the pairs within this much (in score) of
/// violating: they are the ones the next solve's potential changes would turn into violators,
/// and adding them early saves whole rounds over all pairs. Only true violations count against
/// certification.
const NEAR: f64 = 1e-2;

/// Options of [`solve`](crate::candidates::solve); the defaults suit calls from a few hundred to 100,000 cities a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CandidateOptions {
    /// The most pairs added per EU city in one pricing round, the most violating first
    /// (default 16). More means fewer rounds (each is a scan of all pairs) and a larger
    /// candidate set.
    pub max_new_per_row: usize,
    /// The most sparse solves (default 1000); each is followed by widening or a pricing round.
    /// If it is reached, the last solution is returned with `certified_optimal: false`; it
    /// does not happen in practice.
    pub max_rounds: usize,
    /// Whether to scan in parallel with rayon (default `true`). The result is the same either
    /// way; run inside `pool.install(..)` to choose the thread pool.
    pub parallel: bool,
}

impl Default for CandidateOptions {
    fn default() -> Self {
        CandidateOptions {
            max_new_per_row: 16,
            max_rounds: 1000,
            parallel: true,
        }
    }
}

impl CandidateOptions {
    /// With this [`max_new_per_row`](Self::max_new_per_row).
    ///
    /// ```
    /// use citypair::candidates::CandidateOptions;
    /// let o = CandidateOptions::default().with_max_new_per_row(4).with_parallel(false);
    /// assert_eq!((o.max_new_per_row, o.max_rounds, o.parallel), (4, 1000, false));
    /// ```
    #[must_use]
    pub fn with_max_new_per_row(mut self, n: usize) -> Self {
        self.max_new_per_row = n;
        self
    }

    /// With this [`max_rounds`](Self::max_rounds).
    #[must_use]
    pub fn with_max_rounds(mut self, n: usize) -> Self {
        self.max_rounds = n;
        self
    }

    /// With this [`parallel`](Self::parallel).
    #[must_use]
    pub fn with_parallel(mut self, yes: bool) -> Self {
        self.parallel = yes;
        self
    }
}

/// Wall-clock timings of a candidate-mode run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct CandidateTimings {
    /// Preparing the cities and generating the candidate lists (with any widening).
    pub candidates: f64,
    /// Sparse assignment solves.
    pub solve: f64,
    /// Pricing: checking all pairs against the potentials and adding the violators.
    pub pricing: f64,
}

/// The result of [`solve`](crate::candidates::solve): the maximum-total pairing with its certificate and statistics.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CandidateSolution {
    /// For each EU city (row), the index of its partner city, if paired.
    pub assignment: Vec<Option<usize>>,
    /// The pairs `(EU index, partner index, score)` in increasing EU index; each score is
    /// exactly the score matrix's value.
    pub pairs: Vec<(usize, usize, f64)>,
    /// The sum of the pair scores, added in the order of `pairs` (as
    /// [`Solution::total_score`](crate::Solution::total_score)).
    pub total: f64,
    /// EU cities' potentials `u`, in the convention of
    /// [`Assignment`](crate::solver::Assignment) for maximisation (work costs `-score`):
    /// `u[i] + v[j] <= -score(i, j)` for every pair, equality on the chosen pairs.
    pub row_potentials: Vec<f64>,
    /// Partner cities' potentials `v` (see `row_potentials`).
    pub col_potentials: Vec<f64>,
    /// Whether the potentials were checked against every pair (not only the candidates) and
    /// prove the total optimal: every city of the smaller side paired, every reduced cost at
    /// least `-tol`, tight on the chosen pairs, and the longer side's potentials `<= 0` (`0`
    /// where unpaired). `false` only when `max_rounds` stopped the search.
    pub certified_optimal: bool,
    /// Pricing rounds: checks of pairs against the potentials after a solve, full or partial
    /// (a partial round checks only the cities whose potentials changed since the previous
    /// round).
    pub rounds: usize,
    /// Pricing rounds that checked every pair (the last one found no violation when the result
    /// is certified).
    pub full_scans: usize,
    /// Rounds that widened candidate lists because the candidates had no complete pairing.
    pub widenings: usize,
    /// Pairs added by pricing, over all rounds (violating pairs, and pairs within `10^-2` of
    /// violating).
    pub added: usize,
    /// Candidate pairs at the end.
    pub edges: usize,
    /// The longest candidate list of a city at the end (`K`, or more after widening).
    pub max_k: usize,
    /// Each EU city's best partner city and its score (the lowest index among ties, as for the
    /// unmatched reasons of [`Pairing`](crate::Pairing)); `None` when there is no partner city.
    pub best_partner: Vec<Option<(usize, f64)>>,
    /// Each partner city's best EU city and its score (see `best_partner`).
    pub best_eu: Vec<Option<(usize, f64)>>,
    /// Timings (not deterministic; everything else is).
    pub timings_ms: CandidateTimings,
}

/// A scan's result for one line: the selected `(column, score)` pairs, and whether more
/// columns may have been accepted.
pub(crate) type Found = (Vec<(u32, f64)>, bool);

/// The lines of one side of a matrix that is never stored, each scanned against every line of
/// the other side (its columns): what the search reads the matrix through.
pub(crate) trait LineScan: Sync {
    /// Per-column amounts subtracted from the fast values, in the scan's layout.
    type Offsets;

    /// A bound on the error of the fast values against the exact scores.
    const MARGIN: f32;

    /// The exact score of `line` with column `col`.
    fn exact(&self, line: u32, col: u32) -> f64;

    /// `f(col)` for every column, in the layout [`LineScan::run`] reads.
    fn offsets(&self, f: impl Fn(usize) -> f32) -> Self::Offsets;

    /// For each spec `(line, k, floor)`: the `k` columns `j` of largest key
    /// `accept(line, j, score)` (ties by lower column) among those it accepts, as
    /// `(column, score)`, and whether more may have been accepted; where a column is looked at
    /// only if its fast score minus `offsets[j]` is at least `floor`. The key must rank columns
    /// as the exact score minus the column's offset does, and `margin` must bound the error of
    /// the fast value.
    fn run(
        &self,
        specs: &[(u32, usize, f32)],
        offsets: &Self::Offsets,
        margin: f32,
        accept: &(dyn Fn(u32, u32, f64) -> Option<f64> + Sync),
        par: bool,
    ) -> Vec<Found>;

    /// Each spec's `(line, k, _)`: the `k` best columns of row `line` by exact score, ties by
    /// lower column, as `(column, score)` in that order.
    fn top_k(&self, specs: &[(u32, usize, f32)], par: bool) -> Vec<Vec<(u32, f64)>> {
        let offsets = self.offsets(|_| 0.0);
        self.run(specs, &offsets, Self::MARGIN, &|_, _, s| Some(s), par)
            .into_iter()
            .map(|(list, _)| list)
            .collect()
    }
}

/// The exact maximum-total assignment of the rows of `eu_scan` (`ne` lines) with the rows of
/// `p_scan` (`np` lines, the columns of `eu_scan`), each line keeping its `k` best counterparts
/// and the result proved optimal against every pair (the search of candidate mode, see the
/// [module documentation](self)). `clock` started with the preparation of the scans, whose time
/// counts towards [`CandidateTimings::candidates`]; both sides are non-empty.
pub(crate) fn solve<S: LineScan>(
    eu_scan: &S,
    p_scan: &S,
    (ne, np): (usize, usize),
    k: usize,
    options: &CandidateOptions,
    clock: Instant,
    mut timings: CandidateTimings,
) -> Result<CandidateSolution> {
    let par = options.parallel;
    let first = first_lists(eu_scan, p_scan, (ne, np), k, par);
    timings.candidates += ms(clock);
    let mut search = Search {
        eu_scan,
        p_scan,
        ne,
        np,
        par,
        options,
        edges: first.edges,
        rows_smaller: first.rows_smaller,
        line_k: first.line_k,
        timings,
        rounds: 0,
        full_scans: 0,
        widenings: 0,
        added: 0,
    };

    let mut certified = false;
    let mut previous: Option<SparseAssignment> = None;
    let mut matrix = SparseMatrix::default();
    let mut solves = 0;
    let mut stale = true; // the candidate set changed since the last solve
                          // Pricing state between rounds: potentials at the last round and the lines whose
                          // violators were cut short; `None` makes the next round a full scan.
    let mut last: Option<LastRound> = None;
    loop {
        if stale {
            if solves == options.max_rounds {
                break;
            }
            solves += 1;
            let solved = search.solve_lists(&mut matrix, previous.as_ref())?;
            stale = false;
            let deficiency = solved.deficiency().cloned();
            previous = Some(solved);
            if let Some(deficiency) = deficiency {
                search.widen(&deficiency);
                stale = true;
                continue;
            }
        }
        let Some(solved) = &previous else {
            unreachable!("solved above")
        };
        match search.price_round(solved, &mut last) {
            Round::Optimal => {
                certified = solved.verify(&matrix).is_ok();
                break;
            }
            Round::Confirm => {}
            Round::Added => stale = true,
        }
    }
    let solved = previous.unwrap_or_else(|| unreachable!("the loop solves at least once"));
    Ok(search.finish(&solved, certified, first.k_max, first.best))
}

/// Each line's best counterpart and its score (`None` without counterparts).
type Best = Vec<Option<(usize, f64)>>;

/// The candidate lists before any solve (step 1).
struct FirstLists {
    /// Per EU row, its candidates `(partner, score)` sorted by partner.
    edges: Vec<Vec<(u32, f64)>>,
    /// Each EU city's best partner city and each partner city's best EU city.
    best: (Best, Best),
    /// Whether the rows (EU cities) are the smaller side (`ne <= np`).
    rows_smaller: bool,
    /// Per line of the smaller side, its list length, for widening.
    line_k: Vec<usize>,
    /// The longer of the two list lengths asked for (`k`, or a side's size if smaller).
    k_max: usize,
}

/// Step 1: both sides' `k` best, as one list per EU row.
fn first_lists<S: LineScan>(
    eu_scan: &S,
    p_scan: &S,
    (ne, np): (usize, usize),
    k: usize,
    par: bool,
) -> FirstLists {
    // Step 1: both sides' K best.
    let (k_eu, k_p) = (k.min(np), k.min(ne));
    let mut edges: Vec<Vec<(u32, f64)>> = eu_scan.top_k(&all(ne, k_eu), par);
    let from_partners = p_scan.top_k(&all(np, k_p), par);
    // The lists are best first: their heads are each city's best counterpart.
    let best = |lists: &[Vec<(u32, f64)>]| -> Vec<Option<(usize, f64)>> {
        lists
            .iter()
            .map(|l| l.first().map(|&(j, s)| (j as usize, s)))
            .collect()
    };
    let (best_partner, best_eu) = (best(&edges), best(&from_partners));
    add_transposed(&mut edges, &from_partners);
    drop(from_partners);
    // Per-line list lengths of the smaller side (rows when ne <= np), for widening.
    let rows_smaller = ne <= np;
    let line_k: Vec<usize> = if rows_smaller {
        vec![k_eu; ne]
    } else {
        vec![k_p; np]
    };
    FirstLists {
        edges,
        best: (best_partner, best_eu),
        rows_smaller,
        line_k,
        k_max: k_eu.max(k_p),
    }
}

/// What a pricing round found.
enum Round {
    /// No pair violates the potentials, checked over every pair.
    Optimal,
    /// No violation where anything changed: the next round confirms over every pair.
    Confirm,
    /// Violators were added to the candidates: solve again.
    Added,
}

/// The search's state between its phases.
struct Search<'s, S> {
    eu_scan: &'s S,
    p_scan: &'s S,
    ne: usize,
    np: usize,
    par: bool,
    options: &'s CandidateOptions,
    /// Per EU row, its candidates `(partner, score)` sorted by partner.
    edges: Vec<Vec<(u32, f64)>>,
    rows_smaller: bool,
    line_k: Vec<usize>,
    timings: CandidateTimings,
    rounds: usize,
    full_scans: usize,
    widenings: usize,
    added: usize,
}

impl<S: LineScan> Search<'_, S> {
    /// Step 2: solves the assignment on the candidates into `matrix`, warm from `previous`.
    fn solve_lists(
        &mut self,
        matrix: &mut SparseMatrix,
        previous: Option<&SparseAssignment>,
    ) -> Result<SparseAssignment> {
        let clock = Instant::now();
        *matrix = to_matrix(&self.edges, self.np)?;
        let solved = match previous {
            Some(p) => solve_sparse_warm(matrix, Sense::Maximize, p)?,
            None => solve_sparse(matrix, Sense::Maximize)?,
        };
        self.timings.solve += ms(clock);
        Ok(solved)
    }

    /// Step 3: widens the lists of the lines in the Hall violator.
    fn widen(&mut self, deficiency: &HallWitness) {
        let (ne, np, par) = (self.ne, self.np, self.par);
        let (line_k, edges) = (&mut self.line_k, &mut self.edges);
        // Step 3: widen the lists of the lines in the Hall violator.
        let clock = Instant::now();
        self.widenings += 1;
        let other = if self.rows_smaller { np } else { ne };
        let mut lines: Vec<(u32, usize, f32)> = Vec::new();
        for &l in &deficiency.lines {
            if line_k[l] < other {
                line_k[l] = (line_k[l] * 2).min(other);
                lines.push((l as u32, line_k[l], f32::MIN));
            }
        }
        if self.rows_smaller {
            let lists = self.eu_scan.top_k(&lines, par);
            for (&(l, _, _), mut list) in lines.iter().zip(lists) {
                list.sort_by_key(|e| e.0);
                merge_row(&mut edges[l as usize], &list);
            }
        } else {
            let lists = self.p_scan.top_k(&lines, par);
            let mut by_row: Vec<Vec<(u32, f64)>> = vec![Vec::new(); ne];
            for (&(l, _, _), list) in lines.iter().zip(&lists) {
                for &(i, s) in list {
                    by_row[i as usize].push((l, s));
                }
            }
            for (row, extra) in edges.iter_mut().zip(&mut by_row) {
                if !extra.is_empty() {
                    extra.sort_by_key(|e| e.0);
                    merge_row(row, extra);
                }
            }
        }
        self.timings.candidates += ms(clock);
    }

    /// Step 4: prices the pairs against the potentials of `solved` and adds the violators.
    /// `last` is the state of the previous round (`None`: scan every pair), updated.
    fn price_round(&mut self, solved: &SparseAssignment, last: &mut Option<LastRound>) -> Round {
        let (ne, np, par) = (self.ne, self.np, self.par);
        let (eu_scan, p_scan, options) = (self.eu_scan, self.p_scan, self.options);
        let edges = &mut self.edges;
        // Step 4: price. A full round scans every pair; a partial one only the lines whose
        // potentials changed since the last round, or whose violators were cut short (every
        // other pair was found non-violating under the same potentials).
        let clock = Instant::now();
        self.rounds += 1;
        let (u, v) = (solved.row_potentials(), solved.col_potentials());
        // The lines a partial round would scan, unless a full scan is as cheap.
        let partial = last.as_ref().and_then(|l| {
            let rows = changed(&l.u, u, &l.more_rows);
            let cols = changed(&l.v, v, &l.more_cols);
            let cost = rows.len() as f64 * np as f64 + cols.len() as f64 * ne as f64;
            (cost < 0.75 * ne as f64 * np as f64).then_some((rows, cols))
        });
        let full = partial.is_none();
        let priced = match &partial {
            None => {
                self.full_scans += 1;
                price(
                    eu_scan,
                    p_scan,
                    solved,
                    edges,
                    options.max_new_per_row,
                    None,
                    &[],
                    par,
                )
            }
            Some((rows, cols)) => price(
                eu_scan,
                p_scan,
                solved,
                edges,
                options.max_new_per_row,
                Some(rows),
                cols,
                par,
            ),
        };
        self.timings.pricing += ms(clock);
        if priced.violations == 0 {
            if full {
                return Round::Optimal;
            }
            // Nothing left where anything changed: confirm over every pair.
            *last = None;
            return Round::Confirm;
        }
        self.added += priced.violators.iter().map(Vec::len).sum::<usize>();
        for (row, extra) in edges.iter_mut().zip(&priced.violators) {
            merge_row(row, extra);
        }
        *last = Some(LastRound {
            u: u.to_vec(),
            v: v.to_vec(),
            more_rows: priced.more_rows,
            more_cols: priced.more_cols,
        });
        Round::Added
    }

    /// The result: the pairs of `solved` with their scores, and the statistics.
    fn finish(
        self,
        solved: &SparseAssignment,
        certified: bool,
        k_max: usize,
        (best_partner, best_eu): (Best, Best),
    ) -> CandidateSolution {
        let edges = &self.edges;
        let mut assignment = Vec::with_capacity(self.ne);
        let mut pairs = Vec::new();
        for (i, row) in edges.iter().enumerate() {
            let col = solved.col_of(i);
            assignment.push(col);
            if let Some(j) = col {
                let score = row
                    .binary_search_by_key(&(j as u32), |e| e.0)
                    .map_or_else(|_| self.eu_scan.exact(i as u32, j as u32), |e| row[e].1);
                pairs.push((i, j, score));
            }
        }
        let total = pairs.iter().map(|p| p.2).sum();
        CandidateSolution {
            assignment,
            pairs,
            total,
            row_potentials: solved.row_potentials().to_vec(),
            col_potentials: solved.col_potentials().to_vec(),
            certified_optimal: certified,
            rounds: self.rounds,
            full_scans: self.full_scans,
            widenings: self.widenings,
            added: self.added,
            edges: edges.iter().map(Vec::len).sum(),
            max_k: self.line_k.iter().copied().max().unwrap_or(0).max(k_max),
            best_partner,
            best_eu,
            timings_ms: self.timings,
        }
    }
}

/// The lines whose potential changed (bit for bit) since `before`, and the lines `more`; sorted.
fn changed(before: &[f64], now: &[f64], more: &[u32]) -> Vec<u32> {
    let mut lines: Vec<u32> = before
        .iter()
        .zip(now)
        .enumerate()
        .filter(|(_, (a, b))| a.to_bits() != b.to_bits())
        .map(|(k, _)| k as u32)
        .collect();
    lines.extend_from_slice(more);
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// Milliseconds since `since`.
fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

/// Scan specs for every line of a side: `(line, k, floor)`.
pub(crate) fn all(n: usize, k: usize) -> Vec<(u32, usize, f32)> {
    (0..n as u32).map(|l| (l, k, f32::MIN)).collect()
}

/// Adds the partner cities' lists (`lists[j]` holds `(EU index, score)`) to the EU rows' lists,
/// keeping each row sorted by partner index without duplicates.
fn add_transposed(rows: &mut [Vec<(u32, f64)>], lists: &[Vec<(u32, f64)>]) {
    let mut extra: Vec<Vec<(u32, f64)>> = vec![Vec::new(); rows.len()];
    for (j, list) in lists.iter().enumerate() {
        for &(i, s) in list {
            extra[i as usize].push((j as u32, s));
        }
    }
    for (row, more) in rows.iter_mut().zip(&extra) {
        row.sort_by_key(|e| e.0);
        // `more` is already in increasing partner order.
        merge_row(row, more);
    }
}

/// Merges `extra` (sorted by column) into `row` (sorted by column), without duplicates.
fn merge_row(row: &mut Vec<(u32, f64)>, extra: &[(u32, f64)]) {
    if extra.is_empty() {
        return;
    }
    let mut out = Vec::with_capacity(row.len() + extra.len());
    let (mut a, mut b) = (0, 0);
    while a < row.len() || b < extra.len() {
        let take_row = b == extra.len() || (a < row.len() && row[a].0 <= extra[b].0);
        if take_row {
            if b < extra.len() && row[a].0 == extra[b].0 {
                b += 1;
            }
            out.push(row[a]);
            a += 1;
        } else {
            if out.last().is_none_or(|l: &(u32, f64)| l.0 != extra[b].0) {
                out.push(extra[b]);
            }
            b += 1;
        }
    }
    *row = out;
}

/// The candidate lists as a sparse matrix of scores.
fn to_matrix(rows: &[Vec<(u32, f64)>], cols: usize) -> Result<SparseMatrix> {
    let nnz = rows.iter().map(Vec::len).sum();
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    let mut indices = Vec::with_capacity(nnz);
    let mut values = Vec::with_capacity(nnz);
    offsets.push(0);
    for row in rows {
        for &(j, s) in row {
            indices.push(j);
            values.push(s);
        }
        offsets.push(indices.len());
    }
    SparseMatrix::new(rows.len(), cols, offsets, indices, values)
}

/// The state a partial pricing round starts from: the potentials at the previous round and the
/// lines whose violators were not all added.
struct LastRound {
    u: Vec<f64>,
    v: Vec<f64>,
    more_rows: Vec<u32>,
    more_cols: Vec<u32>,
}

/// What one pricing round found.
struct Priced {
    /// Per EU row, violating and nearly violating pairs `(partner, score)` sorted by partner,
    /// none a candidate.
    violators: Vec<Vec<(u32, f64)>>,
    /// How many of them truly violate (reduced cost below `-tol`).
    violations: usize,
    /// EU rows and partner columns that had more violators than were returned.
    more_rows: Vec<u32>,
    more_cols: Vec<u32>,
}

/// Finds pairs violating the potentials of `solved`, or within [`NEAR`] of violating, in the
/// given EU rows (all of them for `None`) and partner columns: per line at most `per_line`, the
/// most violating first (ties by lower index), none already a candidate.
#[allow(clippy::too_many_arguments)] // the two scans and the round's line sets
fn price<S: LineScan>(
    rows_scan: &S,
    cols_scan: &S,
    solved: &SparseAssignment,
    edges: &[Vec<(u32, f64)>],
    per_line: usize,
    rows: Option<&[u32]>,
    cols: &[u32],
    par: bool,
) -> Priced {
    let u = solved.row_potentials();
    let v = solved.col_potentials();
    let scale = u.iter().chain(v).fold(1.0f64, |s, p| s.max(p.abs()));
    let tol = <f64 as Work>::tolerance(scale, u.len().max(v.len()));
    // Violation: score + u[i] + v[j] > tol, i.e. score - beta[j] > alpha[i] + tol with
    // alpha = -u, beta = -v. Pairs are taken from `tol - NEAR` on. A row scan screens
    // `fast - beta[j]` against `alpha[i] + take`, a column scan `fast - alpha[i]` against
    // `beta[j] + take`; the margin covers the fast form's error and the single-precision
    // rounding of the potentials.
    let take = tol - NEAR;
    let big = u.iter().chain(v).fold(0.0f64, |s, p| s.max(p.abs())) as f32;
    let margin = S::MARGIN + (1.0 + 2.0 * big) / 1_048_576.0;
    let is_candidate = |i: u32, j: u32| edges[i as usize].binary_search_by_key(&j, |e| e.0).is_ok();
    let mut violators: Vec<Vec<(u32, f64)>> = vec![Vec::new(); u.len()];
    let mut more_rows = Vec::new();
    let mut more_cols = Vec::new();
    let all_rows: Vec<u32>;
    let rows = if let Some(r) = rows {
        r
    } else {
        all_rows = (0..u.len() as u32).collect();
        &all_rows
    };
    // One side's lines against the other side: a row scan (EU rows) or, `transposed`, a column
    // scan (partner columns as the scan's lines).
    let scan_lines = |scan: &S, lines: &[u32], transposed: bool| -> Vec<Found> {
        let (own, other) = if transposed { (v, u) } else { (u, v) };
        let offsets = scan.offsets(|k| (-other[k]) as f32);
        let specs: Vec<(u32, usize, f32)> = lines
            .iter()
            .map(|&l| (l, per_line, ((-own[l as usize]) + take) as f32 - margin))
            .collect();
        let accept = |l: u32, k: u32, s: f64| {
            let (i, j) = if transposed { (k, l) } else { (l, k) };
            let violation = s + u[i as usize] + v[j as usize];
            (violation > take && !is_candidate(i, j)).then_some(violation)
        };
        scan.run(&specs, &offsets, margin, &accept, par)
    };
    if !rows.is_empty() {
        let found = scan_lines(rows_scan, rows, false);
        for (&i, (list, more)) in rows.iter().zip(found) {
            if more {
                more_rows.push(i);
            }
            violators[i as usize] = list;
        }
    }
    if !cols.is_empty() {
        let found = scan_lines(cols_scan, cols, true);
        for (&j, (list, more)) in cols.iter().zip(found) {
            if more {
                more_cols.push(j);
            }
            for (i, score) in list {
                violators[i as usize].push((j, score));
            }
        }
    }
    let mut violations = 0;
    for (i, row) in violators.iter_mut().enumerate() {
        row.sort_by_key(|e| e.0);
        row.dedup_by_key(|e| e.0);
        violations += row
            .iter()
            .filter(|&&(j, s)| s + u[i] + v[j as usize] > tol)
            .count();
    }
    Priced {
        violators,
        violations,
        more_rows,
        more_cols,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_rows() {
        let mut row = vec![(1, 0.1), (4, 0.4)];
        merge_row(&mut row, &[(0, 0.0), (4, 0.4), (5, 0.5)]);
        assert_eq!(row, vec![(0, 0.0), (1, 0.1), (4, 0.4), (5, 0.5)]);
        merge_row(&mut row, &[]);
        assert_eq!(row.len(), 4);
    }
}
