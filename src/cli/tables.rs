//! The `pair` table, printed by `pair` in every mode and by its what-ifs.

use std::fmt::Write as _;

use citypair::pairing::Mode;
use citypair::{City, Dataset, Objective, Solution};

/// A city as `Name (CC)`.
fn label(c: &City) -> String {
    format!("{} ({})", c.name(), c.country())
}

/// The `pair` table; `sides` are the numbers of eligible EU and partner cities, `note` what
/// follows the mode on its line (why it was chosen), if anything.
pub(crate) fn pair_table(
    dataset: &Dataset,
    sides: (usize, usize),
    s: &Solution,
    note: &str,
) -> String {
    let city = |id: &str| dataset.cities().iter().find(|c| c.id() == id);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}): objective {}, {} pairs of {} EU and {} partner cities, total score {:.4}{}",
        s.call,
        dataset.call().date(),
        s.objective,
        s.pairs.len(),
        sides.0,
        sides.1,
        s.total_score,
        if s.certified_optimal && s.objective != Objective::Stable {
            " (certified optimal)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "mode: {}{note}",
        match s.mode {
            Mode::Candidates =>
                "candidates (each city's best counterparts in memory, the \
                                 optimum certified against every pair)",
            _ => "dense (the full score matrix)",
        }
    );
    let _ = writeln!(
        out,
        "\n{:<30} {:<30} {:>6}  strongest shared themes (contribution to the score)",
        "EU city", "partner city", "score"
    );
    for p in &s.pairs {
        let themes: Vec<String> = p
            .shared
            .iter()
            .map(|t| format!("{} {:.3}", t.theme, t.contribution))
            .collect();
        let _ = writeln!(
            out,
            "{:<30} {:<30} {:>6.3}  {}",
            city(&p.eu).map_or(p.eu.clone(), label),
            city(&p.partner).map_or(p.partner.clone(), label),
            p.score,
            themes.join(", ")
        );
    }
    let f = &s.fairness;
    let _ = writeln!(
        out,
        "\nfairness: lowest {}, mean {:.4}, Gini {:.4}, blocking pairs {}, worst off {}",
        f.min_score.map_or("-".into(), |m| format!("{m:.4}")),
        f.mean_score,
        f.gini,
        f.blocking_pairs,
        f.worst_off.as_ref().map_or("-".into(), |w| format!(
            "{} - {} ({:.4})",
            w.eu, w.partner, w.score
        ))
    );
    if s.objective != Objective::Sum {
        let _ = writeln!(
            out,
            "price of fairness: {:.4} below the sum optimum of {:.4}",
            s.price_of_fairness.loss, s.price_of_fairness.sum_total
        );
    }
    if let Some(t) = s.threshold {
        let _ = writeln!(
            out,
            "max-min threshold: no pairing of as many pairs has a lowest score above {t:.6}"
        );
    }
    if !s.unmatched.is_empty() {
        let _ = writeln!(out, "\nunmatched ({}):", s.unmatched.len());
        for u in &s.unmatched {
            let _ = writeln!(out, "  {:<24} {:<8} {}", u.id, u.side, u.reason);
        }
    }
    if !s.excluded.is_empty() {
        let _ = writeln!(out, "\nexcluded ({}):", s.excluded.len());
        for e in &s.excluded {
            let _ = writeln!(out, "  {:<24} {}", e.id, e.reason);
        }
    }
    let _ = writeln!(
        out,
        "\nscore ms {:.1}, solve ms {:.1}; `citypair scores --explain EU PARTNER` explains a score",
        s.timings_ms.score, s.timings_ms.solve
    );
    out
}
