//! The visual report of a pairing (feature `report`, `citypair report`): one static HTML file
//! with inline SVG and CSS, no script and no request to any server when opened, that prints
//! well to PDF (A4 landscape).
//!
//! [`render`] writes, from a [`Pairing`] and one of its [`Solution`]s:
//!
//! - a world map on the Equal Earth projection ([`projection`]) with the Natural Earth 110m
//!   country outlines vendored in the crate ([`topojson`]), a dot per city (EU and partner
//!   cities in two colours, unpaired cities hollow, excluded cities small and grey) and a
//!   great-circle arc per pair ([`great_circle`]) coloured by its score, with a legend. Each
//!   pair's arc, and no other element, carries `data-eu` and `data-partner` with the two ids;
//!   each city's dot carries `data-city`; both have a hover `<title>` (names, score, the
//!   strongest shared themes, or why a city is not paired);
//! - the summary figures, the score distribution with the lowest score, the mean and the
//!   `maxmin` threshold marked, and fairness per partner region and per country;
//! - the three objectives side by side, as `citypair compare` prints them
//!   ([`Pairing::compare`]);
//! - the pair table: both cities with country and population, the score, the strongest shared
//!   themes as bars, and each city's rank in the other's list ([`Pairing::ranks`]);
//! - unpaired and excluded cities with their reasons, cities without coordinates (listed,
//!   never placed), the call's facts and the data credits.
//!
//! # Caps
//! Large calls keep the file usable: at most [`MAX_ARCS`] arcs (spread evenly over the score
//! order, so the colours stay representative) and [`MAX_DOTS`] dots (paired cities first,
//! then unpaired, then excluded) are drawn, and the caption says so when a cap applies. Tables
//! and counts are never capped. The comparison of the objectives needs two more solves on the
//! dense matrix: it is left out, saying why, in candidate mode (which solves `sum` only) and
//! above [`COMPARISON_LIMIT`] entries of the score matrix.
//!
//! # Cost and determinism
//! `O(pairs · (E + P))` for the ranks plus the comparison's solves; the page itself is linear
//! in the number of cities and pairs (5,000 + 5,000 generated cities: see the README). The
//! same pairing and solution give the same bytes: every list is in id or score order, every
//! number has a fixed number of decimals, and no time or timing is written.
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use citypair::{io, report, Objective, Pairing};
//! let dataset = io::embedded_dataset()?;
//! let pairing = Pairing::new(&dataset)?;
//! let best = pairing.solve(Objective::Sum)?;
//! let html = report::render(&pairing, &best, &report::Options::default())?;
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert_eq!(html.matches("data-partner=").count(), best.pairs.len());
//! # }
//! # Ok::<(), citypair::Error>(())
//! ```

pub mod great_circle;
pub mod projection;
pub mod topojson;

mod charts;
mod html;
mod map;
mod tables;

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::City;
use crate::pairing::{Mode, ObjectiveSummary, PairRanks};
use crate::{Objective, Pairing, Solution};

/// Default [`Options::max_arcs`]: 2,000 arcs (about 1 MB of path data).
pub const MAX_ARCS: usize = 2_000;
/// Default [`Options::max_dots`]: 20,000 city dots (about 4 MB with their hover titles).
pub const MAX_DOTS: usize = 20_000;
/// Default [`Options::comparison_limit`]: 4,000,000 entries of the score matrix (2,000 x
/// 2,000 cities), where the two extra solves of the comparison take about a second.
pub const COMPARISON_LIMIT: usize = 4_000_000;

/// What the report draws and computes beyond the solution it is given.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// At most this many pair arcs are drawn ([`MAX_ARCS`]).
    pub max_arcs: usize,
    /// At most this many city dots are drawn ([`MAX_DOTS`]).
    pub max_dots: usize,
    /// The comparison of the objectives is left out above this many entries of the score
    /// matrix ([`COMPARISON_LIMIT`]).
    pub comparison_limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_arcs: MAX_ARCS,
            max_dots: MAX_DOTS,
            comparison_limit: COMPARISON_LIMIT,
        }
    }
}

/// The report of `solution`, a solution of `pairing`, as one HTML document.
///
/// # Errors
/// [`crate::Error::UnknownCity`] when `solution` is not a solution of `pairing` (a pair of
/// cities it does not have); errors of [`Pairing::compare`] other than those of candidate
/// mode.
pub fn render(pairing: &Pairing<'_>, solution: &Solution, options: &Options) -> Result<String> {
    let view = View::new(pairing, solution, options)?;
    let call = pairing.call();
    let mut body = format!(
        "<header>\n<h1>{}: pairing report</h1>\n<p class=\"lead\">Call of {}; objective <b>{}</b>; {} pairs, \
         total score {}{}.</p>\n</header>\n",
        html::escape(call.name()),
        call.date(),
        solution.objective,
        html::thousands(solution.pairs.len() as u64),
        html::fixed(solution.total_score, 4),
        if solution.certified_optimal && solution.objective != Objective::Stable {
            ", certified optimal"
        } else {
            ""
        }
    );
    body.push_str(&tables::summary(&view));
    body.push_str("<section>\n<h2>The pairs on the map</h2>\n");
    body.push_str(&map::map(&view));
    body.push_str("</section>\n<section>\n<h2>Scores and fairness</h2>\n<div class=\"grid\">\n<div>\n<h3>Score distribution</h3>\n");
    body.push_str(&charts::histogram(&view));
    body.push_str("</div>\n<div>\n<h3 id=\"regions\">Per partner region</h3>\n");
    body.push_str(&tables::groups(&solution.fairness.by_region, "region"));
    body.push_str("</div>\n</div>\n<h3 id=\"countries\">Per country</h3>\n");
    body.push_str(&tables::groups(&solution.fairness.by_country, "country"));
    body.push_str(
        "</section>\n<section>\n<h2 id=\"comparison\">The three objectives side by side</h2>\n",
    );
    body.push_str(&tables::comparison(&view));
    let _ = std::fmt::Write::write_fmt(
        &mut body,
        format_args!(
            "</section>\n<section>\n<h2>The pairs ({})</h2>\n",
            html::thousands(solution.pairs.len() as u64)
        ),
    );
    body.push_str(&tables::pairs(&view));
    body.push_str("</section>\n<section>\n<h2>Cities not paired or not drawn</h2>\n");
    body.push_str(&tables::left_out(&view));
    body.push_str("</section>\n<section>\n<h2 id=\"facts\">The call</h2>\n");
    body.push_str(&tables::facts(&view));
    body.push_str("</section>\n");
    body.push_str(&tables::credits());
    Ok(html::page(
        &format!("{}: pairing report", call.name()),
        &body,
    ))
}

/// Where a city stands in the pairing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CityStatus {
    /// In at least one pair.
    Paired,
    /// Eligible, in no pair; why.
    Unpaired(String),
    /// Not eligible; why.
    Excluded(String),
}

/// Everything the report's parts read, looked up once.
pub(crate) struct View<'v> {
    pub(crate) pairing: &'v Pairing<'v>,
    pub(crate) solution: &'v Solution,
    pub(crate) options: &'v Options,
    /// Every city of the dataset, by id.
    pub(crate) cities: BTreeMap<&'v str, &'v City>,
    /// The sides of eligible cities: `"eu"` or `"partner"`.
    sides: BTreeMap<&'v str, &'static str>,
    /// The pairs (indices into `solution.pairs`) of each paired city.
    pairs_of: BTreeMap<&'v str, Vec<usize>>,
    unpaired: BTreeMap<&'v str, &'v str>,
    excluded: BTreeMap<&'v str, &'v str>,
    /// The ranks of each pair, in the solution's order.
    pub(crate) ranks: Vec<PairRanks>,
    /// The objectives side by side, or why they are left out.
    pub(crate) comparison: std::result::Result<Vec<ObjectiveSummary>, String>,
    /// The `maxmin` optimum's lowest score, where it was computed.
    pub(crate) threshold: Option<f64>,
    /// Why the threshold is not shown, when it is not.
    pub(crate) threshold_note: String,
    /// The lowest and highest pair score (the colour scale's ends).
    pub(crate) score_range: (f64, f64),
}

impl<'v> View<'v> {
    fn new(pairing: &'v Pairing<'v>, solution: &'v Solution, options: &'v Options) -> Result<Self> {
        let ranks = pairing.ranks(solution)?;
        let cities: BTreeMap<&str, &City> = pairing
            .dataset()
            .cities()
            .iter()
            .map(|c| (c.id(), c))
            .collect();
        let mut sides = BTreeMap::new();
        for c in pairing.eu_cities() {
            sides.insert(c.id(), "eu");
        }
        for c in pairing.partner_cities() {
            sides.insert(c.id(), "partner");
        }
        let mut pairs_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, p) in solution.pairs.iter().enumerate() {
            pairs_of.entry(p.eu.as_str()).or_default().push(k);
            pairs_of.entry(p.partner.as_str()).or_default().push(k);
        }
        let unpaired = solution
            .unmatched
            .iter()
            .map(|u| (u.id.as_str(), u.reason.as_str()))
            .collect();
        let excluded = pairing
            .excluded()
            .iter()
            .map(|e| (e.id.as_str(), e.reason.as_str()))
            .collect();
        let entries = pairing
            .eu_cities()
            .len()
            .saturating_mul(pairing.partner_cities().len());
        let comparison = if pairing.mode() == Mode::Candidates {
            Err("candidate mode solves the sum objective only; run the report with --dense for the \
                 comparison"
                .to_owned())
        } else if entries > options.comparison_limit {
            Err(format!(
                "the score matrix has {} entries, above the report's limit of {} for the two extra solves \
                 (citypair compare prints it)",
                html::thousands(entries as u64),
                html::thousands(options.comparison_limit as u64)
            ))
        } else {
            Ok(pairing.compare()?)
        };
        let (threshold, threshold_note) = if solution.objective == Objective::MaxMin {
            (solution.min_score, String::new())
        } else if let Ok(rows) = &comparison {
            (
                rows.iter()
                    .find(|r| r.objective == Objective::MaxMin)
                    .and_then(|r| r.min_score),
                String::new(),
            )
        } else {
            (None, "not computed (see the comparison below)".to_owned())
        };
        let lo = solution
            .pairs
            .iter()
            .map(|p| p.score)
            .fold(f64::INFINITY, f64::min);
        let hi = solution
            .pairs
            .iter()
            .map(|p| p.score)
            .fold(f64::NEG_INFINITY, f64::max);
        let score_range = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        Ok(View {
            pairing,
            solution,
            options,
            cities,
            sides,
            pairs_of,
            unpaired,
            excluded,
            ranks,
            comparison,
            threshold,
            threshold_note,
            score_range,
        })
    }

    /// The city of `id` (every id of the pairing and its solution is one).
    pub(crate) fn city(&self, id: &str) -> &'v City {
        self.cities[id]
    }

    /// `"eu"` or `"partner"` for an eligible city; `None` for an excluded one.
    pub(crate) fn side(&self, id: &str) -> Option<&'static str> {
        self.sides.get(id).copied()
    }

    /// The indices of the pairs `id` is in.
    pub(crate) fn pairs_of(&self, id: &str) -> &[usize] {
        self.pairs_of.get(id).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn status(&self, id: &str) -> CityStatus {
        if self.pairs_of.contains_key(id) {
            CityStatus::Paired
        } else if let Some(reason) = self.excluded.get(id) {
            CityStatus::Excluded((*reason).to_owned())
        } else {
            CityStatus::Unpaired(self.unpaired.get(id).map_or("", |r| r).to_owned())
        }
    }

    /// The cities without coordinates, by id.
    pub(crate) fn without_coordinates(&self) -> impl Iterator<Item = &'v City> + '_ {
        self.cities
            .values()
            .copied()
            .filter(|c| c.lat().is_none() || c.lon().is_none())
    }
}
