//! The HTML around the report's parts: escaping, number formats, the style sheet and the
//! page skeleton. Every number is written with a fixed number of decimals, so the same input
//! gives the same bytes.

use std::fmt::Write as _;

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `x` with `decimals` decimals; `-0` is written `0`.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_owned()
    } else {
        s
    }
}

/// `n` with thousands separators: `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share in `[0, 1]` as a percentage with one decimal: `62.5%`.
pub(crate) fn percent(share: f64) -> String {
    format!("{}%", fixed(share * 100.0, 1))
}

/// A theme key as words: `urban_mobility` → `urban mobility`.
pub(crate) fn theme_words(key: &str) -> String {
    key.replace('_', " ")
}

/// A small horizontal bar of `share` (clamped to `[0, 1]`) of its cell's width, with `label`
/// beside it.
pub(crate) fn bar(share: f64, label: &str) -> String {
    format!(
        "<span class=\"bar\"><span style=\"width:{}%\"></span></span>{label}",
        fixed(share.clamp(0.0, 1.0) * 100.0, 1)
    )
}

/// The style sheet: screen and print (A4 landscape, tables kept whole row by row).
const STYLE: &str = "\
:root{--eu:#1f4e9c;--partner:#0f8a7a;--ink:#1d2430;--muted:#5d6675;--rule:#d9dee5}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:24px;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid var(--rule);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
p.lead{color:var(--muted);margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{border:1px solid var(--rule);border-radius:6px;padding:8px 12px;min-width:130px}
.card b{display:block;font-size:20px}.card span{color:var(--muted);font-size:12px}
figure{margin:0}figcaption{color:var(--muted);font-size:12px;margin-top:4px}
svg{display:block;width:100%;height:auto}
svg.map{background:#fff}
.ocean{fill:#eef4f9;stroke:#b8c4d0;stroke-width:.6}
.land{fill:#dfe3e8;stroke:#fff;stroke-width:.35}
.arc{fill:none;stroke-width:1.3;stroke-linecap:round;opacity:.85}
.arc:hover{stroke-width:3;opacity:1}
.dot{stroke:#fff;stroke-width:.5}
.dot.eu{fill:var(--eu)}.dot.partner{fill:var(--partner)}
.dot.unpaired{fill:#fff;stroke-width:1.1}.dot.eu.unpaired{stroke:var(--eu)}.dot.partner.unpaired{stroke:var(--partner)}
.dot.excluded{fill:#9aa3ad;stroke:none;opacity:.7}
.legend{display:flex;flex-wrap:wrap;gap:18px;align-items:center;font-size:12px;color:var(--muted);margin-top:6px}
.legend svg{display:inline-block;width:auto;vertical-align:middle}
.hist rect.bin{fill:#8c96a8}.hist text{font-size:11px;fill:var(--muted)}
.hist line.axis{stroke:#8c96a8}.hist line.mark{stroke-width:1.6;stroke-dasharray:4 3}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:20px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 12px}
th,td{border-bottom:1px solid var(--rule);padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f5f8;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.current td{background:#fff7e0}
small,.muted{color:var(--muted)}
.bar{display:inline-block;width:56px;height:8px;background:#eceff3;border-radius:2px;margin-right:6px;vertical-align:middle}
.bar span{display:block;height:8px;background:#cc4c02;border-radius:2px}
.themes div{white-space:nowrap;font-size:12px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:6px 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
footer{margin-top:32px;color:var(--muted);font-size:12px;border-top:1px solid var(--rule);padding-top:8px}
@media print{@page{size:A4 landscape;margin:12mm}body{max-width:none;padding:0;font-size:11px}
h1{font-size:20px}h2{margin-top:18px}h2,h3{break-after:avoid}tr,figure,.card,.grid>div{break-inside:avoid}
.card{padding:4px 8px;min-width:0}.card b{font-size:15px}svg.map{height:112mm;width:auto;margin:0 auto}
thead{display:table-header-group}.arc:hover{stroke-width:1.3}}
";

/// The whole page: `title` in the head, `body` inside `<body>`.
pub(crate) fn page(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + STYLE.len() + 512);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"citypair {}\">\n<title>{}</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("São Paulo"), "São Paulo");
    }

    #[test]
    fn numbers_are_fixed_and_grouped() {
        assert_eq!(fixed(-0.000_01, 2), "0.00");
        assert_eq!(fixed(-1.5, 1), "-1.5");
        assert_eq!(fixed(0.123_456, 4), "0.1235");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
        assert_eq!(percent(0.625), "62.5%");
        assert_eq!(theme_words("land_use_and_nature"), "land use and nature");
    }
}
