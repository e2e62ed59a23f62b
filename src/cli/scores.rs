//! `citypair scores`: the score matrix of the eligible cities, or how one score was made up.

use std::fmt::Write as _;

use citypair::{City, Pairing};
use serde::Serialize;

use super::json::to_json;
use super::{in_file, load, InputArgs, Result};

/// `scores [INPUT] [--explain EU PARTNER]`: what it prints, or the error.
pub(crate) fn command(
    args: &InputArgs,
    explain: Option<&[String]>,
    json: bool,
    csv: bool,
) -> Result<String> {
    let dataset = load(args)?;
    let input = args.path();
    // One score needs no matrix (automatic mode); the full matrix is dense, whatever its size
    // (an error naming the size when it cannot be allocated).
    let builder = Pairing::builder(&dataset);
    let builder = if explain.is_some() {
        builder
    } else {
        builder.dense()
    };
    let pairing = builder.build().map_err(|e| in_file(e, input))?;
    match explain {
        Some([eu, partner]) => {
            let e = pairing
                .explain(eu, partner)
                .map_err(|e| in_file(e, input))?;
            if json {
                to_json(&e)
            } else {
                Ok(e.to_string())
            }
        }
        _ if json => to_json(&ScoresJson::new(&pairing)?),
        _ if csv => Ok(citypair::io::csv::scores_csv(&pairing)?),
        _ => scores_table(&pairing),
    }
}

/// `citypair scores --json`.
#[derive(Serialize)]
struct ScoresJson<'a> {
    call: &'a str,
    eu: Vec<&'a str>,
    partners: Vec<&'a str>,
    scores: Vec<&'a [f64]>,
}

impl<'a> ScoresJson<'a> {
    fn new(p: &'a Pairing<'a>) -> Result<Self> {
        Ok(ScoresJson {
            call: p.call().name(),
            eu: p.eu_cities().map(citypair::City::id).collect(),
            partners: p.partner_cities().map(citypair::City::id).collect(),
            scores: p.matrix()?.iter_rows().collect(),
        })
    }
}

fn scores_table(p: &Pairing<'_>) -> Result<String> {
    let partners: Vec<&City> = p.partner_cities().collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} EU cities x {} partner cities; each EU city's five best partners (`--json` prints the full matrix)\n",
        p.eu_cities().len(),
        partners.len()
    );
    for (eu, row) in p.eu_cities().zip(p.matrix()?.iter_rows()) {
        let mut best: Vec<(usize, f64)> = row.iter().copied().enumerate().collect();
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let list: Vec<String> = best
            .iter()
            .take(5)
            .map(|&(j, s)| format!("{} {s:.3}", partners[j].id()))
            .collect();
        let _ = writeln!(out, "{:<24} {}", eu.id(), list.join(", "));
    }
    Ok(out)
}
