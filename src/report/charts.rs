//! The report's score distribution: a histogram of the pair scores with the lowest score, the
//! mean and the `maxmin` threshold marked.

use std::fmt::Write as _;

use super::html::{escape, fixed};
use super::View;

/// Bin widths tried in order; the first giving at most [`MAX_BINS`] bins is used.
const WIDTHS: [f64; 8] = [0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25];
const MAX_BINS: usize = 30;

/// The bins of `scores`: `(lo, width, counts)`, the bins starting at `lo`, each `width` wide
/// (on a multiple of `width`), the last one closed.
pub(crate) fn bins(scores: &[f64]) -> (f64, f64, Vec<usize>) {
    let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !min.is_finite() || !max.is_finite() {
        return (0.0, 1.0, Vec::new());
    }
    let mut pick = (0.0, 1.0, 1);
    for w in WIDTHS {
        let lo = (min / w).floor() * w;
        let n = (((max - lo) / w).floor() as usize + 1).max(1);
        pick = (lo, w, n);
        if n <= MAX_BINS {
            break;
        }
    }
    let (lo, w, n) = pick;
    let mut counts = vec![0; n];
    for &s in scores {
        let k = (((s - lo) / w).floor().max(0.0) as usize).min(n - 1);
        counts[k] += 1;
    }
    (lo, w, counts)
}

/// The histogram figure: the SVG and a legend of its marks.
pub(crate) fn histogram(v: &View<'_>) -> String {
    let scores: Vec<f64> = v.solution.pairs.iter().map(|p| p.score).collect();
    if scores.is_empty() {
        return "<p>No pairs: no score distribution.</p>\n".to_owned();
    }
    let (lo, w, counts) = bins(&scores);
    let n = counts.len();
    let top = counts.iter().copied().max().unwrap_or(1).max(1);
    let (width, height) = (720.0, 250.0);
    let (left, right, up, down) = (44.0, 24.0, 12.0, 40.0);
    let plot_w = width - left - right;
    let plot_h = height - up - down;
    let x_of = |s: f64| left + (s - lo) / (w * n as f64) * plot_w;
    let y_of = |c: usize| up + plot_h - c as f64 / top as f64 * plot_h;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg class=\"hist\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"Histogram of the pair scores\">",
        fixed(width, 0),
        fixed(height, 0)
    );
    for (k, &c) in counts.iter().enumerate() {
        let a = lo + w * k as f64;
        let (x0, x1) = (x_of(a), x_of(a + w));
        let _ = writeln!(
            svg,
            "<rect class=\"bin\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} to {}: {} {}</title></rect>",
            fixed(x0 + 0.5, 1),
            fixed(y_of(c), 1),
            fixed((x1 - x0 - 1.0).max(0.5), 1),
            fixed(up + plot_h - y_of(c), 1),
            fixed(a, 3),
            fixed(a + w, 3),
            c,
            if c == 1 { "pair" } else { "pairs" }
        );
    }
    let base = up + plot_h;
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\"/>\
         <line class=\"axis\" x1=\"{l}\" y1=\"{}\" x2=\"{l}\" y2=\"{b}\"/>",
        fixed(left, 1),
        fixed(left + plot_w, 1),
        fixed(up, 1),
        b = fixed(base, 1),
        l = fixed(left, 1),
    );
    // x ticks: at most 8 labels, on bin edges.
    let step = n.div_ceil(8).max(1);
    for k in (0..=n).step_by(step) {
        let a = lo + w * k as f64;
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            fixed(x_of(a), 1),
            fixed(base + 15.0, 1),
            fixed(a, 3)
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{top}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">pair score</text>",
        fixed(left - 6.0, 1),
        fixed(up + 10.0, 1),
        fixed(left - 6.0, 1),
        fixed(base, 1),
        fixed(left + plot_w / 2.0, 1),
        fixed(height - 6.0, 1),
    );
    let legend = marks(v, lo, &x_of, (up, base), &mut svg);
    svg.push_str("</svg>\n");
    format!(
        "<figure id=\"histogram\">\n{svg}{legend}<figcaption>{} pairs in bins {} wide.</figcaption>\n</figure>\n",
        scores.len(),
        fixed(w, 3)
    )
}

/// The vertical marks of the lowest score, the mean and the `maxmin` threshold, drawn into
/// `svg` (`x_of` maps a score to x; the marks run from `up` to `base`); returns their legend.
fn marks(
    v: &View<'_>,
    lo: f64,
    x_of: &dyn Fn(f64) -> f64,
    (up, base): (f64, f64),
    svg: &mut String,
) -> String {
    let mean = v.solution.fairness.mean_score;
    let lowest = v.solution.min_score.unwrap_or(lo);
    let mut marks = vec![
        ("lowest score", lowest, "#b8322e"),
        ("mean score", mean, "#1f4e9c"),
    ];
    if let Some(t) = v.threshold {
        marks.push(("maxmin threshold", t, "#0f8a7a"));
    }
    let mut legend = String::from("<div class=\"legend\">");
    for (name, value, colour) in &marks {
        let x = fixed(x_of(*value), 1);
        let _ = writeln!(
            svg,
            "<line class=\"mark\" stroke=\"{colour}\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"><title>{name} {}</title></line>",
            fixed(up, 1),
            fixed(base, 1),
            fixed(*value, 4)
        );
        let _ = write!(
            legend,
            "<span><svg width=\"18\" height=\"10\" viewBox=\"0 0 18 10\"><line x1=\"0\" y1=\"5\" x2=\"18\" y2=\"5\" \
             stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/></svg> {name} {}</span>",
            fixed(*value, 4)
        );
    }
    if v.threshold.is_none() {
        let _ = write!(
            legend,
            "<span>maxmin threshold: {}</span>",
            escape(&v.threshold_note)
        );
    }
    legend.push_str("</div>\n");
    legend
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_every_score_once() {
        let scores = [0.61, 0.62, 0.655, 0.70, 0.70, 0.83, 0.8999];
        let (lo, w, counts) = bins(&scores);
        assert!(counts.len() <= MAX_BINS);
        assert_eq!(counts.iter().sum::<usize>(), scores.len());
        assert!(lo <= 0.61 && lo + w * counts.len() as f64 >= 0.8999);
        assert_eq!(w, 0.01);
    }

    #[test]
    fn one_score_and_a_wide_range() {
        let (_, _, counts) = bins(&[0.5]);
        assert_eq!(counts, vec![1]);
        let (lo, w, counts) = bins(&[0.0, 1.0]);
        assert_eq!((lo, w), (0.0, 0.05));
        assert_eq!(counts.len(), 21);
        assert_eq!((counts[0], counts[20]), (1, 1));
        assert!(bins(&[]).2.is_empty());
    }
}
