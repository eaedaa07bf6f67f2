//! The self-contained HTML report: one `.html` file for a postmortem folder or an email, with the
//! chart (inline SVG), each series' verdict, summary and figures, the reduced data behind the
//! chart in a collapsed table, and the share link.
//!
//! The file makes no request and runs no script: inline CSS only, and a Content Security Policy
//! (`default-src 'none'; style-src 'unsafe-inline'; img-src data:`) that would stop both even if
//! something slipped through. Every user-controlled string (file and series names, labels,
//! annotations, a decoded link's text) is HTML-escaped.
//!
//! This module formats report and chart types; it computes no analysis and never names a web type.

use crate::chart::ChartSeries;
use crate::ingest::units::format_value;
use crate::report::{table_time, Report, SeriesReport};
use crate::series::TimeAxis;
use std::fmt::Write;

/// The Content Security Policy every report carries.
pub const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:1240px;margin:24px auto;padding:0 16px;color:#212529}\
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}.chart svg,.chart img{max-width:100%;height:auto}\
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #dee2e6;padding:3px 8px;text-align:left;vertical-align:top}\
th{background:#f1f3f5}.leak{color:#c81e1e}.no-leak{color:#148c46}.inconclusive{color:#8a6d00}\
.summary{border-left:4px solid #adb5bd;padding-left:10px}.data td{font-family:ui-monospace,monospace;font-size:13px}\
footer{margin-top:2em;color:#6c757d;font-size:13px}";

/// Escapes text for HTML element content and double-quoted attribute values. Control characters
/// other than tab and newline become spaces (they are not allowed in HTML or XML text).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// True when a link may become an `href`: a fragment, or an `http(s)` / `file` URL. Anything
/// else (`javascript:`, `data:`) is shown as text only.
pub fn is_safe_link(link: &str) -> bool {
    let lower = link.trim_start().to_ascii_lowercase();
    (lower.starts_with('#')
        || lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("file:"))
        && !link.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// True when an SVG document may be placed inline: no script, no foreign HTML, no event
/// handler attributes, no external references. Plotters' SVG qualifies; anything else is
/// embedded as an image instead, where a browser runs nothing.
fn svg_is_inert(svg: &str) -> bool {
    let lower = svg.to_ascii_lowercase();
    if !lower.trim_start().starts_with("<svg") && !lower.trim_start().starts_with("<?xml") {
        return false;
    }
    // Inspect only markup (text between tags is escaped and harmless).
    lower.split('<').skip(1).all(|piece| {
        let tag = piece.split('>').next().unwrap_or(piece);
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        matches!(
            name,
            "svg" | "?xml" | "" | "g" | "rect" | "line" | "polyline" | "polygon" | "path" | "circle" | "text"
        ) && !tag.split_whitespace().skip(1).any(|attr| attr.starts_with("on") || attr.contains("href"))
            && !tag.contains("javascript:")
            && !tag.contains("url(")
    })
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn time_text(ms: i64, axis: TimeAxis) -> String {
    table_time(ms, axis)
}

fn figures(s: &SeriesReport) -> Vec<(&'static str, String)> {
    let t = |ms: i64| time_text(ms, s.time_axis);
    let mut rows =
        vec![("verdict", format!("{} ({}, confidence {:.0} %)", s.verdict.as_str(), s.pattern, s.confidence * 100.0))];
    if let Some(o) = &s.onset {
        rows.push(("onset", format!("{} (window {} – {})", t(o.ms), t(o.low_ms), t(o.high_ms))));
    }
    if !s.restarts_ms.is_empty() {
        rows.push(("restarts", s.restarts_ms.iter().map(|&ms| t(ms)).collect::<Vec<_>>().join(", ")));
    }
    if let Some(stop) = s.stop_ms {
        rows.push(("stopped", t(stop)));
    }
    if let Some(g) = &s.growth {
        let per = if s.time_axis.is_time() { "/h" } else { " per hour-equivalent" };
        rows.push((
            "growth",
            format!(
                "{}{per} ({} – {})",
                format_value(g.per_hour, &s.unit),
                format_value(g.low, &s.unit),
                format_value(g.high, &s.unit)
            ),
        ));
    }
    if let Some(e) = &s.exhaustion {
        rows.push((
            "exhaustion",
            format!(
                "reaches {} at {} (window {} – {})",
                format_value(e.limit, &s.unit),
                t(e.ms),
                t(e.low_ms),
                t(e.high_ms)
            ),
        ));
    }
    if s.judged_on_floor {
        rows.push(("judged on", "the floor of the GC sawtooth (post-collection minima)".to_string()));
    }
    if !s.reason.is_empty() {
        rows.push(("note", s.reason.clone()));
    }
    rows.push(("data", format!("{} – {} ({} points)", t(s.start_ms), t(s.end_ms), s.points)));
    rows
}

/// Writes the self-contained HTML report.
///
/// `svg` is the chart ([`crate::chart::render_svg`]); `data` the series as drawn (their reduced
/// points go into a collapsed table); `link` the share link, shown as a link when it is a
/// fragment or an http(s)/file URL, as text otherwise. The title is the report's source name.
pub fn html_report(report: &Report, svg: &str, data: &[ChartSeries], link: Option<&str>) -> String {
    let mut out = String::with_capacity(svg.len() + 16_384);
    let title = format!("leakscope: {}", report.source.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        REPORT_CSP,
        escape_html(&title),
        escape_html(&title)
    );
    let _ = writeln!(
        out,
        "<p>Source: <code>{}</code> ({}, {} series, {} points)</p>",
        escape_html(&report.source.name),
        escape_html(&report.source.format_label),
        report.series.len(),
        report.source.points
    );
    if svg_is_inert(svg) {
        let start = svg.find("<svg").unwrap_or(0);
        let _ = writeln!(out, "<figure class=\"chart\">\n{}\n</figure>", &svg[start..]);
    } else if !svg.is_empty() {
        let _ = writeln!(
            out,
            "<figure class=\"chart\"><img alt=\"chart\" src=\"data:image/svg+xml;base64,{}\"></figure>",
            base64(svg.as_bytes())
        );
    }
    if let Some(link) = link.filter(|l| !l.is_empty()) {
        if is_safe_link(link) {
            let _ = writeln!(
                out,
                "<p><a href=\"{}\" rel=\"noreferrer noopener\">Open the interactive chart</a> \
                 (the link holds the data; it is never sent to a server)</p>",
                escape_html(link)
            );
        } else {
            let _ = writeln!(out, "<p>Link: <code>{}</code></p>", escape_html(link));
        }
    }
    for s in &report.series {
        let _ = writeln!(
            out,
            "<h2><code>{}</code> — <span class=\"{}\">{}</span></h2>\n<p class=\"summary\">{}</p>\n<table>",
            escape_html(&s.name),
            s.verdict.as_str(),
            s.verdict.as_str(),
            escape_html(&s.summary)
        );
        for (name, value) in figures(s) {
            let _ = writeln!(out, "<tr><th>{name}</th><td>{}</td></tr>", escape_html(&value));
        }
        if !s.labels.is_empty() {
            let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = writeln!(out, "<tr><th>labels</th><td>{}</td></tr>", escape_html(&labels.join(", ")));
        }
        out.push_str("</table>\n");
    }
    for d in data {
        let axis = d.report.map_or(TimeAxis::Epoch, |r| r.time_axis);
        let _ = writeln!(
            out,
            "<details class=\"data\"><summary>Data behind the chart: <code>{}</code> ({} points, min/max per column)</summary>\n\
             <table><tr><th>time</th><th>min</th><th>max</th></tr>",
            escape_html(d.name),
            d.points.len()
        );
        for p in d.points {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape_html(&time_text(p.ms, axis)),
                p.min,
                p.max
            );
        }
        out.push_str("</table></details>\n");
    }
    for w in &report.warnings {
        let _ = writeln!(out, "<p>warning: {}</p>", escape_html(w));
    }
    out.push_str(
        "<footer>Made with leakscope. This file is self-contained: it loads nothing and runs no script.</footer>\n\
         </body>\n</html>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape_html("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(escape_html("a&b\"c'd\u{1}e"), "a&amp;b&quot;c&#39;d e");
    }

    #[test]
    fn only_safe_links_become_hrefs() {
        for (link, ok) in [
            ("#v1.abc", true),
            ("https://leakscope.example/#v1.abc", true),
            ("javascript:alert(1)", false),
            (" JavaScript:alert(1)", false),
            ("data:text/html,<script>", false),
            ("https://x/ onmouseover=1", false),
        ] {
            assert_eq!(is_safe_link(link), ok, "{link}");
        }
    }

    #[test]
    fn foreign_svg_is_embedded_as_an_image() {
        assert!(svg_is_inert("<svg width=\"1\"><text>&lt;b&gt;</text></svg>"));
        assert!(!svg_is_inert("<svg><script>alert(1)</script></svg>"));
        assert!(!svg_is_inert("<svg onload=\"alert(1)\"></svg>"));
        assert_eq!(base64(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
    }
}
