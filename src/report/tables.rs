//! The report's tables: the summary, the pairs (in the spirit of IUC's pair cards), fairness
//! per region and country, the objectives side by side, unpaired, excluded and undrawn cities,
//! the call's facts and the data credits.

use std::fmt::Write as _;

use super::html::{bar, escape, fixed, percent, theme_words, thousands};
use super::map::label;
use super::{CityStatus, View};
use crate::fairness::GroupFigures;
use crate::model::City;
use crate::pairing::Mode;

/// The summary cards under the title.
pub(crate) fn summary(v: &View<'_>) -> String {
    let s = v.solution;
    let f = &s.fairness;
    let card = |value: String, what: &str| {
        format!("<div class=\"card\"><b>{value}</b><span>{what}</span></div>")
    };
    let opt = |x: Option<f64>| x.map_or("–".to_owned(), |x| fixed(x, 4));
    [
        card(
            thousands(v.pairing.eu_cities().len() as u64),
            "eligible EU cities",
        ),
        card(
            thousands(v.pairing.partner_cities().len() as u64),
            "eligible partner cities",
        ),
        card(thousands(s.pairs.len() as u64), "pairs"),
        card(fixed(s.total_score, 4), "total score"),
        card(fixed(f.mean_score, 4), "mean score"),
        card(opt(s.min_score), "lowest score"),
        card(fixed(f.gini, 4), "Gini of the scores"),
        card(thousands(f.blocking_pairs as u64), "blocking pairs"),
    ]
    .into_iter()
    .fold(String::from("<div class=\"cards\">\n"), |mut out, c| {
        out.push_str(&c);
        out.push('\n');
        out
    }) + "</div>\n"
}

/// A city's cell: name, country and population.
fn city_cell(city: &City) -> String {
    format!(
        "{}<br><small>{} inhabitants</small>",
        label(city),
        thousands(city.population())
    )
}

/// The pair table: both cities, the score, the strongest shared themes as bars, the ranks.
pub(crate) fn pairs(v: &View<'_>) -> String {
    let s = v.solution;
    let (eus, partners) = (
        v.pairing.eu_cities().len(),
        v.pairing.partner_cities().len(),
    );
    let mut out = String::from(
        "<table id=\"pairs\">\n<thead><tr><th class=\"n\">#</th><th>EU city</th><th>partner city</th>\
         <th class=\"n\">score</th><th>strongest shared themes (contribution to the score)</th>\
         <th class=\"n\" title=\"rank of the partner among the EU city's candidates\">partner's rank for the EU city</th>\
         <th class=\"n\" title=\"rank of the EU city among the partner's candidates\">EU city's rank for the partner</th></tr></thead>\n<tbody>\n",
    );
    let (_, hi) = v.score_range;
    // One scale for every pair's theme bars, so rows compare: the largest contribution of any
    // theme to any pair fills a bar.
    let top = s
        .pairs
        .iter()
        .flat_map(|p| &p.shared)
        .map(|t| t.contribution)
        .fold(0.0_f64, f64::max);
    for (k, (p, r)) in s.pairs.iter().zip(&v.ranks).enumerate() {
        let mut themes = String::new();
        for t in &p.shared {
            let share = if top > 0.0 { t.contribution / top } else { 0.0 };
            let _ = write!(
                themes,
                "<div>{}</div>",
                bar(
                    share,
                    &format!(
                        "{} {}",
                        theme_words(t.theme.key()),
                        fixed(t.contribution, 3)
                    )
                )
            );
        }
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"themes\">{}</td>\
             <td class=\"n\">{} <small>of {}</small></td><td class=\"n\">{} <small>of {}</small></td></tr>",
            k + 1,
            city_cell(v.city(&p.eu)),
            city_cell(v.city(&p.partner)),
            bar(if hi > 0.0 { p.score / hi } else { 0.0 }, &fixed(p.score, 4)),
            if themes.is_empty() { "<small>–</small>".to_owned() } else { themes },
            r.partner_rank,
            thousands(partners as u64),
            r.eu_rank,
            thousands(eus as u64),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// One fairness table: a group per row.
pub(crate) fn groups(rows: &[GroupFigures], what: &str) -> String {
    let opt = |x: Option<f64>| x.map_or("–".to_owned(), |x| fixed(x, 4));
    let mut out = format!(
        "<table>\n<thead><tr><th>{what}</th><th>side</th><th class=\"n\">eligible</th><th class=\"n\">pairs</th>\
         <th>share paired</th><th class=\"n\">mean score</th><th class=\"n\">lowest score</th></tr></thead>\n<tbody>\n"
    );
    for g in rows {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&g.group),
            if g.side == "eu" { "EU" } else { "partner" },
            g.applicants,
            g.pairs,
            bar(g.share_paired, &percent(g.share_paired)),
            opt(g.mean_score),
            opt(g.min_score),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The objectives side by side, or why the comparison is left out.
pub(crate) fn comparison(v: &View<'_>) -> String {
    let rows = match &v.comparison {
        Ok(rows) => rows,
        Err(why) => {
            return format!(
                "<p class=\"muted\">Comparison left out: {}.</p>\n",
                escape(why)
            )
        }
    };
    let mut out = String::from(
        "<table id=\"objectives\">\n<thead><tr><th>objective</th><th class=\"n\">pairs</th><th class=\"n\">total score</th>\
         <th class=\"n\">lowest score</th><th class=\"n\">mean score</th><th class=\"n\">Gini</th>\
         <th class=\"n\">blocking pairs</th><th class=\"n\">price of fairness</th></tr></thead>\n<tbody>\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "<tr{}><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if r.objective == v.solution.objective { " class=\"current\"" } else { "" },
            r.objective,
            if r.objective == v.solution.objective { " <small>(this report)</small>" } else { "" },
            r.pairs,
            fixed(r.total_score, 4),
            r.min_score.map_or("–".to_owned(), |m| fixed(m, 4)),
            fixed(r.mean_score, 4),
            fixed(r.gini, 4),
            r.blocking_pairs,
            fixed(r.price_of_fairness, 4),
        );
    }
    out.push_str("</tbody>\n</table>\n<p class=\"muted\">sum: the largest total score; maxmin: the largest lowest \
                  score, then the largest total; stable: no blocking pair (no two cities that would both rather be \
                  together). The price of fairness is the total score given up against sum. Only this report's \
                  pairs are drawn on the map.</p>\n");
    out
}

/// Unpaired eligible cities, excluded cities and cities without coordinates, with reasons.
pub(crate) fn left_out(v: &View<'_>) -> String {
    let mut out = String::new();
    let unmatched = &v.solution.unmatched;
    let _ = writeln!(
        out,
        "<h3 id=\"unpaired\">Unpaired eligible cities ({})</h3>",
        thousands(unmatched.len() as u64)
    );
    if unmatched.is_empty() {
        out.push_str("<p class=\"muted\">Every eligible city is paired.</p>\n");
    } else {
        out.push_str("<table>\n<thead><tr><th>city</th><th>side</th><th>why it is not paired</th></tr></thead>\n<tbody>\n");
        for u in unmatched {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                label(v.city(&u.id)),
                u.side,
                escape(&u.reason)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    let excluded = v.pairing.excluded();
    let _ = writeln!(
        out,
        "<h3 id=\"excluded\">Excluded cities ({})</h3>",
        thousands(excluded.len() as u64)
    );
    if excluded.is_empty() {
        out.push_str("<p class=\"muted\">No city is excluded.</p>\n");
    } else {
        out.push_str(
            "<table>\n<thead><tr><th>city</th><th>why it is excluded</th></tr></thead>\n<tbody>\n",
        );
        for e in excluded {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                label(v.city(&e.id)),
                escape(&e.reason)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    let missing: Vec<&City> = v.without_coordinates().collect();
    let _ = writeln!(
        out,
        "<h3 id=\"no-coordinates\">Cities without coordinates ({})</h3>",
        thousands(missing.len() as u64)
    );
    if missing.is_empty() {
        out.push_str(
            "<p class=\"muted\">Every city has coordinates and is drawn on the map.</p>\n",
        );
    } else {
        out.push_str(
            "<p class=\"muted\">Not drawn: the report does not guess a position.</p>\n<table>\n\
                      <thead><tr><th>city</th><th>status</th></tr></thead>\n<tbody>\n",
        );
        for c in missing {
            let status = match v.status(c.id()) {
                CityStatus::Paired => "paired".to_owned(),
                CityStatus::Unpaired(_) => "unpaired".to_owned(),
                CityStatus::Excluded(_) => "excluded".to_owned(),
            };
            let _ = writeln!(out, "<tr><td>{}</td><td>{status}</td></tr>", label(c));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out
}

/// The call's facts and how the pairing was made.
pub(crate) fn facts(v: &View<'_>) -> String {
    let call = v.pairing.call();
    let rules = call.rules();
    let weights = call.weights();
    let partners: Vec<&str> = call
        .partner_countries()
        .iter()
        .map(crate::model::Country::as_str)
        .collect();
    let s = v.solution;
    let mut rule_words = Vec::new();
    if let Some(m) = rules.min_score {
        rule_words.push(format!("minimum score {}", fixed(m, 4)));
    }
    for (n, what) in [
        (rules.forbidden.len(), "forbidden pairs"),
        (rules.locked.len(), "locked pairs"),
        (rules.quotas.len(), "quotas"),
    ] {
        if n > 0 {
            rule_words.push(format!("{n} {what}"));
        }
    }
    let mode = match s.mode {
        Mode::Candidates => format!(
            "candidate mode (each city's {} best counterparts in memory, the optimum certified against every pair)",
            v.pairing.candidate_k().unwrap_or_default()
        ),
        _ => "dense (the full score matrix)".to_owned(),
    };
    format!(
        "<dl class=\"facts\">\n<dt>call</dt><dd>{}</dd>\n<dt>date</dt><dd>{}</dd>\n\
         <dt>minimum population</dt><dd>{}</dd>\n<dt>partner countries</dt><dd>{}</dd>\n\
         <dt>score weights</dt><dd>challenges {}, expertise {}, size {}</dd>\n<dt>rules</dt><dd>{}</dd>\n\
         <dt>cities in the input</dt><dd>{} ({} eligible EU, {} eligible partner, {} excluded)</dd>\n\
         <dt>objective</dt><dd>{}{}</dd>\n<dt>mode</dt><dd>{}</dd>\n</dl>\n",
        escape(call.name()),
        call.date(),
        thousands(call.min_population()),
        escape(&partners.join(", ")),
        fixed(weights.challenges(), 3),
        fixed(weights.expertise(), 3),
        fixed(weights.size(), 3),
        if rule_words.is_empty() { "none".to_owned() } else { escape(&rule_words.join(", ")) },
        thousands(v.cities.len() as u64),
        thousands(v.pairing.eu_cities().len() as u64),
        thousands(v.pairing.partner_cities().len() as u64),
        thousands(v.pairing.excluded().len() as u64),
        s.objective,
        if s.certified_optimal && s.objective != crate::Objective::Stable {
            " (certified optimal: the result carries a certificate anyone can check)"
        } else {
            ""
        },
        mode,
    )
}

/// The data credits and how the report was made.
pub(crate) fn credits() -> String {
    format!(
        "<footer id=\"credits\">\n<p>Country outlines: <a href=\"https://www.naturalearthdata.com/\">Natural Earth</a> \
         1:110m Admin 0 countries (public domain), as packaged in <a href=\"https://github.com/topojson/world-atlas\">world-atlas</a> \
         2.0.2 (ISC licence, Mike Bostock), vendored in citypair's <code>assets/world-atlas/</code>. Projection: Equal Earth \
         (Šavrič, Patterson and Jenny, 2018). Cities, profiles and the call: the report's input; in citypair's embedded datasets \
         (<code>iuc-2017</code>, <code>world-50k</code>) the populations and coordinates are GeoNames' \
         (geonames.org, CC BY 4.0).</p>\n\
         <p>Made by citypair {} (<code>citypair report</code>): one static file, no script, nothing fetched when opened.</p>\n</footer>\n",
        env!("CARGO_PKG_VERSION")
    )
}
