//! The report's world map: country outlines on the Equal Earth projection, one dot per city
//! (EU and partner cities in two styles, unpaired and excluded cities set apart) and one
//! great-circle arc per pair, coloured by its score, with a legend. At most
//! [`Options::max_arcs`](super::Options::max_arcs) arcs and
//! [`Options::max_dots`](super::Options::max_dots) dots are drawn (see [`super`]).

use std::fmt::Write as _;

use super::great_circle::great_circle;
use super::html::{escape, fixed, theme_words, thousands};
use super::projection::{equal_earth, MAX_X, MAX_Y};
use super::topojson::countries_110m;
use super::{CityStatus, View};
use crate::model::City;
use crate::pairing::Pair;

/// Width of the map's view box; its height follows the projection's aspect ratio.
const WIDTH: f64 = 1000.0;

/// The colour scale of pair scores, low to high: amber to deep indigo, darker for stronger
/// pairs, each stop legible on the light land and ocean.
const STOPS: [[u8; 3]; 5] = [
    [0xe8, 0xa3, 0x3d],
    [0xd9, 0x65, 0x2b],
    [0xb8, 0x32, 0x2e],
    [0x7a, 0x1f, 0x5c],
    [0x2d, 0x1a, 0x66],
];

fn height() -> f64 {
    WIDTH * MAX_Y / MAX_X
}

/// Map coordinates of `(lon, lat)`: `x` from 0 to [`WIDTH`] west to east, `y` from 0 at the
/// top (north).
fn point(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = equal_earth(lon, lat);
    (
        (x + MAX_X) / (2.0 * MAX_X) * WIDTH,
        (MAX_Y - y) / (2.0 * MAX_Y) * height(),
    )
}

/// Appends ` x y` (one decimal: a tenth of a unit is under a pixel at any print size).
fn push_point(d: &mut String, (x, y): (f64, f64)) {
    let _ = write!(d, "{} {}", fixed(x, 1), fixed(y, 1));
}

/// A polyline as path data: `M x y x y ...` (`closed`: with `Z`).
fn path_data(d: &mut String, points: impl IntoIterator<Item = (f64, f64)>, closed: bool) {
    for (k, (lon, lat)) in points.into_iter().enumerate() {
        d.push_str(if k == 0 { "M" } else { " " });
        push_point(d, point(lon, lat));
    }
    if closed {
        d.push('Z');
    }
}

/// The colour of `score` on the scale from `lo` to `hi`, as `#rrggbb`.
pub(crate) fn colour(score: f64, (lo, hi): (f64, f64)) -> String {
    let t = if hi > lo {
        ((score - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let k = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - k as f64;
    let mix = |c: usize| {
        let (a, b) = (f64::from(STOPS[k][c]), f64::from(STOPS[k + 1][c]));
        (a + (b - a) * f).round() as u8
    };
    format!("#{:02x}{:02x}{:02x}", mix(0), mix(1), mix(2))
}

/// A city as `Name (CC)`, escaped.
pub(crate) fn label(city: &City) -> String {
    escape(&format!("{} ({})", city.name(), city.country()))
}

/// The strongest shared themes of a pair as `theme 0.123, ...`.
pub(crate) fn themes_text(pair: &Pair) -> String {
    pair.shared
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                theme_words(t.theme.key()),
                fixed(t.contribution, 3)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn coordinates(city: &City) -> Option<(f64, f64)> {
    Some((city.lon()?, city.lat()?))
}

/// The map figure: the SVG, its legend and its caption.
pub(crate) fn map(v: &View<'_>) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg class=\"map\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"World map of the pairs\">",
        fixed(WIDTH, 0),
        fixed(height(), 1)
    );
    outline_and_land(&mut svg);
    let (drawn_arcs, drawable_arcs) = arcs(v, &mut svg);
    let (drawn_dots, drawable_dots) = dots(v, &mut svg);
    svg.push_str("</svg>\n");
    let mut out = String::from("<figure id=\"map\">\n");
    out.push_str(&svg);
    out.push_str(&legend(v));
    let _ = write!(
        out,
        "<figcaption>Equal Earth projection; country outlines from Natural Earth (1:110m). \
         {} of {} pair arcs drawn{}; {} of {} city dots drawn{}.",
        thousands(drawn_arcs as u64),
        thousands(drawable_arcs as u64),
        cap_note(
            drawn_arcs,
            drawable_arcs,
            v.options.max_arcs,
            "arcs, spread evenly over the scores"
        ),
        thousands(drawn_dots as u64),
        thousands(drawable_dots as u64),
        cap_note(
            drawn_dots,
            drawable_dots,
            v.options.max_dots,
            "dots: paired cities first, then unpaired, then excluded"
        ),
    );
    let missing = v.without_coordinates().count();
    if missing > 0 {
        let _ = write!(
            out,
            " {} cities without coordinates are not drawn (listed under \
             <a href=\"#no-coordinates\">Cities without coordinates</a>).",
            thousands(missing as u64)
        );
    }
    out.push_str("</figcaption>\n</figure>\n");
    out
}

fn cap_note(drawn: usize, total: usize, cap: usize, what: &str) -> String {
    if drawn < total {
        format!(
            " (the report draws at most {} {what})",
            thousands(cap as u64)
        )
    } else {
        String::new()
    }
}

/// The projection's outline (the ocean) and the countries.
fn outline_and_land(svg: &mut String) {
    let mut edge: Vec<(f64, f64)> = (0..=72)
        .map(|k| (-180.0, -90.0 + 2.5 * f64::from(k)))
        .collect();
    edge.extend((0..=72).map(|k| (180.0, 90.0 - 2.5 * f64::from(k))));
    let mut d = String::new();
    path_data(&mut d, edge, true);
    let _ = writeln!(svg, "<path class=\"ocean\" d=\"{d}\"/>");
    for country in countries_110m() {
        let mut d = String::new();
        for ring in &country.rings {
            path_data(&mut d, ring.iter().copied(), true);
        }
        let _ = writeln!(svg, "<path class=\"land\" d=\"{d}\"/>");
    }
}

/// The pairs' arcs, weakest first so that the strongest are on top; returns how many were
/// drawn and how many could be (both cities with coordinates).
fn arcs(v: &View<'_>, svg: &mut String) -> (usize, usize) {
    let pairs = &v.solution.pairs;
    let mut drawable: Vec<usize> = (0..pairs.len())
        .filter(|&k| {
            coordinates(v.city(&pairs[k].eu)).is_some()
                && coordinates(v.city(&pairs[k].partner)).is_some()
        })
        .collect();
    drawable.sort_by(|&a, &b| {
        pairs[a]
            .score
            .total_cmp(&pairs[b].score)
            .then_with(|| pairs[a].eu.cmp(&pairs[b].eu))
            .then_with(|| pairs[a].partner.cmp(&pairs[b].partner))
    });
    let total = drawable.len();
    let cap = v.options.max_arcs;
    let chosen: Vec<usize> = if total > cap {
        // Evenly spread over the score order, the lowest and the highest included (distinct
        // indices: the step (total - 1) / (cap - 1) is above 1).
        match cap {
            0 => Vec::new(),
            1 => vec![drawable[total - 1]],
            _ => (0..cap)
                .map(|k| drawable[k * (total - 1) / (cap - 1)])
                .collect(),
        }
    } else {
        drawable
    };
    for &k in &chosen {
        let p = &pairs[k];
        let (eu, partner) = (v.city(&p.eu), v.city(&p.partner));
        let (Some(a), Some(b)) = (coordinates(eu), coordinates(partner)) else {
            continue;
        };
        let degrees = angle(a, b);
        let segments = ((degrees / 3.0).ceil() as usize).clamp(2, 60);
        let mut d = String::new();
        for part in great_circle(a, b, segments) {
            path_data(&mut d, part, false);
        }
        let themes = themes_text(p);
        let _ = writeln!(
            svg,
            "<path class=\"arc\" data-eu=\"{}\" data-partner=\"{}\" stroke=\"{}\" d=\"{d}\">\
             <title>{} – {}: score {}{}{}</title></path>",
            escape(&p.eu),
            escape(&p.partner),
            colour(p.score, v.score_range),
            label(eu),
            label(partner),
            fixed(p.score, 4),
            if themes.is_empty() {
                ""
            } else {
                "; shared themes: "
            },
            escape(&themes),
        );
    }
    (chosen.len(), total)
}

/// The central angle between two `(lon, lat)` points, in degrees.
fn angle(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la, lb) = (a.1.to_radians(), b.1.to_radians());
    let dl = (b.0 - a.0).to_radians();
    (la.sin() * lb.sin() + la.cos() * lb.cos() * dl.cos())
        .clamp(-1.0, 1.0)
        .acos()
        .to_degrees()
}

/// The cities' dots: excluded below unpaired below paired; returns how many were drawn and
/// how many could be (cities with coordinates).
fn dots(v: &View<'_>, svg: &mut String) -> (usize, usize) {
    let rank = |s: &CityStatus| match s {
        CityStatus::Paired => 0,
        CityStatus::Unpaired(_) => 1,
        CityStatus::Excluded(_) => 2,
    };
    let mut drawable: Vec<&City> = v
        .cities
        .values()
        .copied()
        .filter(|c| coordinates(c).is_some())
        .collect();
    // Paired first, then unpaired, then excluded; by id within each (`cities` is by id).
    drawable.sort_by_key(|c| rank(&v.status(c.id())));
    let total = drawable.len();
    drawable.truncate(v.options.max_dots);
    let drawn = drawable.len();
    let r = if drawn <= 600 {
        2.6
    } else if drawn <= 4_000 {
        1.8
    } else {
        1.2
    };
    for city in drawable.into_iter().rev() {
        let Some((lon, lat)) = coordinates(city) else {
            continue;
        };
        let status = v.status(city.id());
        let side = v.side(city.id());
        let class = match (&status, side) {
            (CityStatus::Excluded(_), _) => "dot excluded".to_owned(),
            (CityStatus::Unpaired(_), Some(side)) => format!("dot {side} unpaired"),
            (_, Some(side)) => format!("dot {side}"),
            (_, None) => "dot".to_owned(),
        };
        let (x, y) = point(lon, lat);
        let _ = writeln!(
            svg,
            "<circle class=\"{class}\" data-city=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}</title></circle>",
            escape(city.id()),
            fixed(x, 1),
            fixed(y, 1),
            fixed(if matches!(status, CityStatus::Excluded(_)) { r * 0.7 } else { r }, 1),
            dot_title(v, city, &status, side),
        );
    }
    (drawn, total)
}

/// A dot's hover text: the city, its side and population, and its pairs or why it has none.
fn dot_title(v: &View<'_>, city: &City, status: &CityStatus, side: Option<&str>) -> String {
    let mut t = format!(
        "{}, {} inhabitants",
        label(city),
        thousands(city.population())
    );
    let side_words = match side {
        Some("eu") => "EU city",
        Some(_) => "partner city",
        None => "not eligible",
    };
    match status {
        CityStatus::Paired => {
            for &k in v.pairs_of(city.id()) {
                let p = &v.solution.pairs[k];
                let other = if p.eu == city.id() { &p.partner } else { &p.eu };
                let themes = themes_text(p);
                let _ = write!(
                    t,
                    " – {side_words}, paired with {} (score {}{}{})",
                    label(v.city(other)),
                    fixed(p.score, 4),
                    if themes.is_empty() { "" } else { "; " },
                    escape(&themes)
                );
            }
        }
        CityStatus::Unpaired(reason) => {
            let _ = write!(t, " – {side_words}, unpaired: {}", escape(reason));
        }
        CityStatus::Excluded(reason) => {
            let _ = write!(t, " – excluded: {}", escape(reason));
        }
    }
    t
}

/// The legend: the dot styles and the score scale.
fn legend(v: &View<'_>) -> String {
    let dot = |class: &str, text: &str| {
        format!(
            "<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><circle class=\"{class}\" \
             cx=\"7\" cy=\"7\" r=\"{}\"/></svg> {text}</span>",
            if class.contains("excluded") { "3.5" } else { "5" }
        )
    };
    let (lo, hi) = v.score_range;
    let mut gradient = String::new();
    for k in 0..STOPS.len() {
        let t = k as f64 / (STOPS.len() - 1) as f64;
        let _ = write!(
            gradient,
            "<stop offset=\"{}\" stop-color=\"{}\"/>",
            fixed(t, 2),
            colour(lo + (hi - lo) * t, (lo, hi))
        );
    }
    format!(
        "<div class=\"legend\">{}{}{}{}<span>pair score {} \
         <svg width=\"160\" height=\"12\" viewBox=\"0 0 160 12\"><defs><linearGradient id=\"scale\">{gradient}\
         </linearGradient></defs><rect width=\"160\" height=\"12\" fill=\"url(#scale)\"/></svg> {}</span></div>\n",
        dot("dot eu", "EU city"),
        dot("dot partner", "partner city"),
        dot("dot eu unpaired", "unpaired (hollow)"),
        dot("dot excluded", "excluded"),
        fixed(lo, 3),
        fixed(hi, 3),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_scale_ends_and_middle() {
        assert_eq!(colour(0.2, (0.2, 0.8)), "#e8a33d");
        assert_eq!(colour(0.8, (0.2, 0.8)), "#2d1a66");
        assert_eq!(colour(0.5, (0.2, 0.8)), "#b8322e");
        // Out of range is clamped; an empty range is the top colour.
        assert_eq!(colour(9.0, (0.2, 0.8)), "#2d1a66");
        assert_eq!(colour(0.5, (0.5, 0.5)), "#2d1a66");
    }

    #[test]
    fn map_points_stay_in_the_view_box() {
        for (lon, lat) in [(-180.0, 0.0), (180.0, 0.0), (0.0, 90.0), (0.0, -90.0)] {
            let (x, y) = point(lon, lat);
            assert!((-1e-9..=WIDTH + 1e-9).contains(&x), "{x}");
            assert!((-1e-9..=height() + 1e-9).contains(&y), "{y}");
        }
        let (x, y) = point(0.0, 0.0);
        assert!((x - WIDTH / 2.0).abs() < 1e-9 && (y - height() / 2.0).abs() < 1e-9);
    }

    #[test]
    fn angles() {
        assert!((angle((0.0, 0.0), (90.0, 0.0)) - 90.0).abs() < 1e-9);
        assert!((angle((10.0, 20.0), (10.0, 20.0))).abs() < 1e-6);
    }
}
