//! The HTML report (`citypair::report`, `citypair report`): one arc per pair and nothing else
//! carrying both ids, one dot per drawn city, no external request, well-formed HTML, the same
//! bytes whatever the city order and thread count, caps on what is drawn and never on what is
//! listed, and the command line's files and exit codes.
#![cfg(feature = "report")]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use citypair::io;
use citypair::report::{self, Options};
use citypair::{Dataset, Objective, Pairing};
use common::{run_cli, TempFile};

/// One start tag: its name and attributes, in order.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Elements that never have an end tag in HTML.
const VOID: [&str; 6] = ["br", "meta", "hr", "img", "input", "wbr"];

/// Text or an attribute value at byte `at`: `&` only in a known character reference, no `>`.
fn text_ok(text: &str, at: usize) -> Result<(), String> {
    for (k, _) in text.match_indices('&') {
        let tail = &text[k + 1..];
        let end = tail.find(';').ok_or(format!("bare & at {}", at + k))?;
        let name = &tail[..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "#39" | "nbsp")
            || (name.starts_with('#') && name[1..].chars().all(|c| c.is_ascii_digit()));
        if !ok || name.is_empty() {
            return Err(format!(
                "unknown character reference &{name}; at {}",
                at + k
            ));
        }
    }
    if text.contains('>') {
        return Err(format!("a bare > in text near {at}"));
    }
    Ok(())
}

/// Parses `html` strictly: a doctype, then elements that all close in order (void elements
/// and `/>`-closed SVG elements aside), double-quoted attributes without duplicates, `&` only
/// in a character reference, and raw `<style>` text. Returns every start tag, or what is wrong
/// and where (byte offset).
fn parse(html: &str) -> Result<Vec<Tag>, String> {
    let rest = html
        .strip_prefix("<!DOCTYPE html>")
        .ok_or("no doctype at the start")?;
    let base = html.len() - rest.len();
    let b = rest.as_bytes();
    let mut tags = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let next = rest[i..].find('<').map_or(b.len(), |k| i + k);
            text_ok(&rest[i..next], base + i)?;
            i = next;
            continue;
        }
        let close = rest[i..]
            .find('>')
            .map(|k| i + k)
            .ok_or(format!("unclosed tag at {}", base + i))?;
        let inner = &rest[i + 1..close];
        if let Some(name) = inner.strip_prefix('/') {
            let top = open
                .pop()
                .ok_or(format!("</{name}> at {} closes nothing", base + i))?;
            if top != name {
                return Err(format!("</{name}> at {} closes <{top}>", base + i));
            }
            i = close + 1;
            continue;
        }
        let (inner, self_closed) = match inner.strip_suffix('/') {
            Some(x) => (x, true),
            None => (inner, false),
        };
        let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
        let name = inner[..name_end].to_owned();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("bad tag name {name:?} at {}", base + i));
        }
        let mut attrs = Vec::new();
        let mut a = inner[name_end..].trim_start();
        while !a.is_empty() {
            let eq = a.find("=\"").ok_or(format!(
                "attribute without a quoted value in <{name}> at {}",
                base + i
            ))?;
            let key = a[..eq].to_owned();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("bad attribute name {key:?} at {}", base + i));
            }
            let value_end = a[eq + 2..]
                .find('"')
                .ok_or(format!("unclosed attribute value at {}", base + i))?;
            let value = &a[eq + 2..eq + 2 + value_end];
            if value.contains('<') {
                return Err(format!("< in an attribute value at {}", base + i));
            }
            text_ok(value, base + i)?;
            if attrs.iter().any(|(k, _)| *k == key) {
                return Err(format!(
                    "duplicate attribute {key} in <{name}> at {}",
                    base + i
                ));
            }
            attrs.push((key, value.to_owned()));
            a = a[eq + 2 + value_end + 1..].trim_start();
        }
        i = close + 1;
        if name == "style" {
            let end = rest[i..]
                .find("</style>")
                .ok_or("<style> is never closed")?;
            i += end + "</style>".len();
        } else if !self_closed && !VOID.contains(&name.as_str()) {
            open.push(name.clone());
        }
        tags.push(Tag { name, attrs });
    }
    match open.last() {
        Some(top) => Err(format!("<{top}> is never closed")),
        None => Ok(tags),
    }
}

fn embedded() -> Dataset {
    io::embedded_dataset().unwrap()
}

fn render_with(dataset: &Dataset, objective: Objective, options: &Options) -> String {
    let pairing = Pairing::new(dataset).unwrap();
    let solution = pairing.solve(objective).unwrap();
    report::render(&pairing, &solution, options).unwrap()
}

fn render(dataset: &Dataset) -> String {
    render_with(dataset, Objective::Sum, &Options::default())
}

/// The ids of every city of `dataset` that has both coordinates.
fn placed(dataset: &Dataset) -> BTreeSet<String> {
    dataset
        .cities()
        .iter()
        .filter(|c| c.lat().is_some() && c.lon().is_some())
        .map(|c| c.id().to_owned())
        .collect()
}

#[test]
fn the_report_parses_as_html() {
    let html = render(&embedded());
    let tags = parse(&html).unwrap();
    assert!(tags.iter().any(|t| t.name == "svg"));
    assert!(tags.iter().any(|t| t.name == "table"));
    // The parser itself rejects what it is there to catch.
    for broken in [
        html.replacen("</table>", "", 1),
        html.replacen("</td>", "</th>", 1),
        html.replacen("<h1>", "<h1>R&D ", 1),
        html.replacen("data-city=\"", "data-city=", 1),
        html.replacen("<br>", "<b>", 1),
    ] {
        assert_ne!(broken, html);
        assert!(parse(&broken).is_err());
    }
}

#[test]
fn every_pair_has_one_arc_and_nothing_else_carries_both_ids() {
    for objective in [Objective::Sum, Objective::MaxMin, Objective::Stable] {
        let dataset = embedded();
        let pairing = Pairing::new(&dataset).unwrap();
        let solution = pairing.solve(objective).unwrap();
        let html = report::render(&pairing, &solution, &Options::default()).unwrap();
        let tags = parse(&html).unwrap();
        let mut arcs = BTreeMap::new();
        for t in &tags {
            match (t.attr("data-eu"), t.attr("data-partner")) {
                (Some(eu), Some(partner)) => {
                    assert_eq!(t.name, "path", "{t:?}");
                    assert_eq!(t.attr("class"), Some("arc"));
                    *arcs.entry((eu.to_owned(), partner.to_owned())).or_insert(0) += 1;
                }
                (None, None) => {}
                _ => panic!("only one of the two ids: {t:?}"),
            }
        }
        let pairs: BTreeMap<_, _> = solution
            .pairs
            .iter()
            .map(|p| ((p.eu.clone(), p.partner.clone()), 1))
            .collect();
        assert_eq!(solution.pairs.len(), 128);
        assert_eq!(arcs, pairs, "{objective:?}");
    }
}

#[test]
fn every_city_with_coordinates_has_one_dot_with_a_title() {
    let dataset = embedded();
    let html = render(&dataset);
    let tags = parse(&html).unwrap();
    let mut dots = BTreeMap::new();
    for t in &tags {
        if let Some(id) = t.attr("data-city") {
            assert_eq!(t.name, "circle", "{t:?}");
            *dots.entry(id.to_owned()).or_insert(0) += 1;
        }
    }
    assert!(dots.values().all(|&n| n == 1));
    assert_eq!(
        dots.keys().cloned().collect::<BTreeSet<_>>(),
        placed(&dataset)
    );
    // Each arc and dot is followed by its hover title.
    let mut titled = 0;
    for marker in [" data-partner=\"", " data-city=\""] {
        for (at, _) in html.match_indices(marker) {
            let tag_end = at + html[at..].find('>').unwrap() + 1;
            assert!(
                html[tag_end..].starts_with("<title>"),
                "{}",
                &html[at..tag_end]
            );
            titled += 1;
        }
    }
    assert_eq!(titled, 128 + 332);
    // Excluded and unpaired cities are drawn in styles of their own.
    assert!(html.contains("class=\"dot excluded\" data-city=\"oslo\""));
    assert!(html.contains("class=\"dot eu unpaired\" data-city=\"ancona\""));
}

#[test]
fn nothing_is_fetched_when_the_report_is_opened() {
    let html = render(&embedded());
    let tags = parse(&html).unwrap();
    let credits = [
        "https://www.naturalearthdata.com/",
        "https://github.com/topojson/world-atlas",
    ];
    for t in &tags {
        assert!(
            !["script", "link", "img", "iframe", "object", "embed", "image", "use"]
                .contains(&t.name.as_str()),
            "{t:?}"
        );
        assert!(t.attr("src").is_none(), "{t:?}");
        assert!(t.attr("xlink:href").is_none(), "{t:?}");
        if let Some(href) = t.attr("href") {
            assert!(
                href.starts_with('#') || (t.name == "a" && credits.contains(&href)),
                "{t:?}"
            );
        }
    }
    for (at, _) in html.match_indices("url(") {
        assert!(html[at + 4..].starts_with('#'), "{}", &html[at..at + 40]);
    }
    assert!(!html.contains("@import"));
    assert!(!html.contains("//fonts."));
    for link in credits {
        assert!(html.contains(&format!("href=\"{link}\"")), "{link}");
    }
}

#[test]
fn the_same_bytes_whatever_the_city_order_and_thread_count() {
    let dataset = embedded();
    let reference = render(&dataset);
    let mut json = io::dataset_json(&dataset);
    let cities = json["cities"].as_array_mut().unwrap();
    cities.reverse();
    let len = cities.len();
    cities.swap(3, len / 2);
    let shuffled = io::dataset_from_value(&json).unwrap();
    assert_ne!(
        shuffled.cities()[0].id(),
        dataset.cities()[0].id(),
        "the order changed"
    );
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for d in [&dataset, &shuffled] {
            let html = pool.install(|| render(d));
            assert!(html == reference, "{threads} threads");
        }
    }
}

#[test]
fn caps_apply_to_the_drawing_and_never_to_the_tables() {
    let dataset = embedded();
    let mut options = Options::default();
    options.max_arcs = 10;
    options.max_dots = 50;
    let html = render_with(&dataset, Objective::Sum, &options);
    let tags = parse(&html).unwrap();
    let arcs: Vec<_> = tags
        .iter()
        .filter(|t| t.attr("data-partner").is_some())
        .collect();
    assert_eq!(arcs.len(), 10);
    assert_eq!(
        tags.iter()
            .filter(|t| t.attr("data-city").is_some())
            .count(),
        50
    );
    assert!(html.contains("10 of 128 pair arcs drawn"), "caption");
    assert!(html.contains("50 of 332 city dots drawn"), "caption");
    // The arcs spread over the score order: the lowest and highest scoring pairs are drawn.
    let pairing = Pairing::new(&dataset).unwrap();
    let best = pairing.solve(Objective::Sum).unwrap();
    let mut by_score = best.pairs.clone();
    by_score.sort_by(|a, b| a.score.total_cmp(&b.score));
    for p in [&by_score[0], by_score.last().unwrap()] {
        assert!(
            arcs.iter()
                .any(|t| t.attr("data-eu") == Some(p.eu.as_str())),
            "{}",
            p.eu
        );
    }
    // The pair table still lists every pair; the counts are the solution's.
    let table = &html[html.find("<table id=\"pairs\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 1 + 128);
    assert!(html.contains("<h2>The pairs (128)</h2>"));
    // Paired cities are drawn first.
    let paired: BTreeSet<&str> = best
        .pairs
        .iter()
        .flat_map(|p| [p.eu.as_str(), p.partner.as_str()])
        .collect();
    assert!(tags
        .iter()
        .filter_map(|t| t.attr("data-city"))
        .all(|id| paired.contains(id)));
}

#[test]
fn the_comparison_is_there_up_to_its_limit_and_says_why_when_not() {
    let dataset = embedded();
    let html = render(&dataset);
    let compare = Pairing::new(&dataset).unwrap().compare().unwrap();
    for row in &compare {
        assert!(
            html.contains(&format!("{:.4}</td>", row.total_score)),
            "{}",
            row.objective
        );
    }
    let mut options = Options::default();
    options.comparison_limit = 1000;
    let small = render_with(&dataset, Objective::Sum, &options);
    assert!(!small.contains("<td>maxmin</td>"));
    assert!(
        small.contains("above the report&#39;s limit of 1,000"),
        "says why"
    );
    // Candidate mode solves `sum` only: the comparison is left out, saying so.
    let pairing = Pairing::builder(&dataset).candidates(16).build().unwrap();
    let solution = pairing.solve(Objective::Sum).unwrap();
    let html = report::render(&pairing, &solution, &Options::default()).unwrap();
    parse(&html).unwrap();
    assert!(html.contains("candidate mode"));
    assert_eq!(html.matches("data-partner=").count(), solution.pairs.len());
}

#[test]
fn cities_without_coordinates_are_listed_and_not_drawn() {
    let mut json = io::dataset_json(&embedded());
    for city in json["cities"].as_array_mut().unwrap() {
        if matches!(city["id"].as_str(), Some("aalborg" | "mendoza" | "oslo")) {
            let city = city.as_object_mut().unwrap();
            city.remove("lat");
            city.remove("lon");
        }
    }
    let dataset = io::dataset_from_value(&json).unwrap();
    let pairing = Pairing::new(&dataset).unwrap();
    let best = pairing.solve(Objective::Sum).unwrap();
    let html = report::render(&pairing, &best, &Options::default()).unwrap();
    let tags = parse(&html).unwrap();
    for id in ["aalborg", "mendoza", "oslo"] {
        assert!(
            !tags.iter().any(|t| t.attr("data-city") == Some(id)),
            "{id}"
        );
    }
    assert_eq!(
        tags.iter()
            .filter(|t| t.attr("data-city").is_some())
            .count(),
        332 - 3
    );
    let arcs = tags
        .iter()
        .filter(|t| t.attr("data-partner").is_some())
        .count();
    let unplaced_pairs = best
        .pairs
        .iter()
        .filter(|p| ["aalborg", "mendoza"].contains(&p.eu.as_str()) || p.partner == "mendoza")
        .count();
    assert!(unplaced_pairs >= 1);
    assert_eq!(arcs, best.pairs.len() - unplaced_pairs);
    let list = &html[html.find("id=\"no-coordinates\"").unwrap()..];
    for name in ["Aalborg (DK)", "Mendoza (AR)", "Oslo (NO)"] {
        assert!(list.contains(name), "{name}");
    }
    assert!(html.contains("3 cities without coordinates are not drawn"));
}

#[test]
fn the_command_writes_the_file_the_library_renders() {
    let out = TempFile::new("report.html", "");
    let path = out.path();
    for (objective, o) in [("maxmin", Objective::MaxMin), ("sum", Objective::Sum)] {
        let (code, stdout, stderr) = run_cli(&["report", "--objective", objective, "-o", path]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.starts_with(&format!("wrote {path} (")), "{stdout}");
        let written = std::fs::read_to_string(out.path()).unwrap();
        assert!(written == render_with(&embedded(), o, &Options::default()));
    }
    // From a call and a spreadsheet of cities, as `pair` reads them.
    let dataset = embedded();
    let call = TempFile::new(
        "call.json",
        &serde_json::to_string(&serde_json::json!({ "call": io::dataset_json(&dataset)["call"] }))
            .unwrap(),
    );
    let cities = TempFile::new("cities.csv", &io::csv::write_cities(&dataset).unwrap());
    let (code, _, stderr) = run_cli(&[
        "report",
        "--call",
        call.path(),
        "--cities",
        cities.path(),
        "-o",
        path,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(out.path()).unwrap();
    assert_eq!(written.matches("data-partner=").count(), 128);
}

#[test]
fn the_command_s_errors_and_exit_codes() {
    let out = TempFile::new("report.html", "");
    let path = out.path();
    let (code, _, stderr) = run_cli(&["report", "--objective", "fairest", "-o", path]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run_cli(&["report", "--dense", "--candidates", "8", "-o", path]);
    assert_eq!(code, 2, "{stderr}");
    let bad = TempFile::new("bad.json", "{\"call\": {}, \"cities\": []}");
    let (code, _, stderr) = run_cli(&["report", bad.path(), "-o", path]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(bad.path()), "{stderr}");
    let (code, _, stderr) = run_cli(&["report", "-o", "/nonexistent-dir/report.html"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("/nonexistent-dir/report.html"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
