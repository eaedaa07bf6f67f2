//! The report contract (version 1) of `../shared/DESIGN.md`: what the CLI prints with `--json`
//! and what the page keeps at `window.leakscope.report`.
//!
//! Fields may be added; the contract's fields keep their meaning. This module holds data and the
//! words that describe it (summaries, Markdown); it computes no analysis and names no web type.

use crate::ingest::time::{format_date, format_duration, format_hm, format_rfc3339};
use crate::ingest::units::format_value;
use crate::series::{Labels, Series, TimeAxis, Unit};
use serde::{Deserialize, Serialize};

/// The contract version this crate emits.
pub const REPORT_VERSION: u32 = 1;

/// The analysis of one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`REPORT_VERSION`].
    pub version: u32,
    /// Where the data came from.
    pub source: Source,
    /// One entry per series, ranked: the most certain, fastest leak first.
    pub series: Vec<SeriesReport>,
    /// Things the user should know that did not stop the analysis.
    pub warnings: Vec<String>,
}

/// The input a report describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The input's name (file name, `-`, `demo`).
    pub name: String,
    /// The detected format's identifier (`generic-csv`, `prometheus-matrix`, ...).
    pub format: String,
    /// The detected format's name for people.
    #[serde(default)]
    pub format_label: String,
    /// Total samples over all series.
    #[serde(default)]
    pub points: usize,
}

/// The verdict on one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// A persistent growth in memory that is not a warm-up, step, spike or seasonality.
    Leak,
    /// One of the look-alikes, or nothing at all.
    NoLeak,
    /// Too little data or too much noise to tell; `reason` says which.
    Inconclusive,
}

impl Verdict {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Leak => "leak",
            Verdict::NoLeak => "no-leak",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// When a leak began, with an uncertainty window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Onset {
    /// Best estimate, epoch ms.
    pub ms: i64,
    /// Earliest plausible onset, epoch ms.
    pub low_ms: i64,
    /// Latest plausible onset, epoch ms.
    pub high_ms: i64,
}

/// Growth rate in `unit` per hour, with bounds (a 95 % interval).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Growth {
    /// Best estimate.
    pub per_hour: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The kind of a changepoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// The mean level shifts.
    Level,
    /// The slope changes (a bend).
    Slope,
    /// The noise level changes.
    Variance,
    /// A process restart (a large drop toward an earlier baseline).
    Restart,
}

/// A changepoint in time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Changepoint {
    /// Epoch ms of the first sample after the change.
    pub ms: i64,
    /// What changed.
    pub kind: ChangeKind,
}

/// When memory reaches the limit at the current growth, with a prediction interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Exhaustion {
    /// The limit, in the series' unit.
    pub limit: f64,
    /// Best estimate of the crossing, epoch ms.
    pub ms: i64,
    /// Earliest plausible crossing.
    pub low_ms: i64,
    /// Latest plausible crossing.
    pub high_ms: i64,
}

/// A fitted straight piece of the series, for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Start time, epoch ms.
    pub start_ms: i64,
    /// End time, epoch ms.
    pub end_ms: i64,
    /// Fitted value at the start.
    pub start_value: f64,
    /// Fitted value at the end.
    pub end_value: f64,
}

/// The analysis of one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesReport {
    /// The series' readable name.
    pub name: String,
    /// Its distinguishing labels.
    pub labels: Labels,
    /// The unit of every value in this entry.
    pub unit: Unit,
    /// Number of samples.
    pub points: usize,
    /// First sample time, epoch ms.
    pub start_ms: i64,
    /// Last sample time, epoch ms.
    pub end_ms: i64,
    /// `leak`, `no-leak` or `inconclusive`.
    pub verdict: Verdict,
    /// The shape, from the design's table (`steady-leak`, `cache-warm-up`, ...).
    pub pattern: String,
    /// Confidence in the verdict, 0–1.
    pub confidence: f64,
    /// When the leak began; null unless the verdict is `leak`.
    pub onset: Option<Onset>,
    /// When growth ended and memory drained, if it did.
    pub stop_ms: Option<i64>,
    /// Growth per hour of the leaking (or last) stretch.
    pub growth: Option<Growth>,
    /// Every detected restart.
    pub restarts_ms: Vec<i64>,
    /// Detected changepoints.
    pub changepoints: Vec<Changepoint>,
    /// When memory reaches the limit; null without a limit or without growth.
    pub exhaustion: Option<Exhaustion>,
    /// One or two sentences for a postmortem.
    pub summary: String,
    /// Why the verdict is `inconclusive` (or other caveats); empty otherwise.
    #[serde(default)]
    pub reason: String,
    /// What the x axis counts (`epoch` unless the source is relative or not time).
    #[serde(default)]
    pub time_axis: TimeAxis,
    /// The fitted piecewise-linear trend, for the chart.
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// True when the verdict was judged on the lower envelope (GC floor) of a sawtooth.
    #[serde(default)]
    pub judged_on_floor: bool,
    /// True when the leak grew again after the last restart.
    #[serde(default)]
    pub resumed_after_restart: bool,
}

impl SeriesReport {
    /// A report on `series` that finds nothing yet: inconclusive, its pattern unknown, no onset,
    /// growth or restarts; the analysis fills it in.
    pub fn blank(series: &Series) -> Self {
        let (start_ms, end_ms) = series.time_range().unwrap_or((0, 0));
        SeriesReport {
            name: series.name.clone(),
            labels: series.labels.clone(),
            unit: series.unit.clone(),
            points: series.len(),
            start_ms,
            end_ms,
            verdict: Verdict::Inconclusive,
            pattern: "unknown".into(),
            confidence: 0.0,
            onset: None,
            stop_ms: None,
            growth: None,
            restarts_ms: Vec::new(),
            changepoints: Vec::new(),
            exhaustion: None,
            summary: String::new(),
            reason: String::new(),
            time_axis: series.time_axis,
            segments: Vec::new(),
            judged_on_floor: false,
            resumed_after_restart: false,
        }
    }

    /// Writes the summary sentence from the report's own fields (times in UTC).
    pub fn describe(&self) -> String {
        // Clock times carry their date when it is not the one the reader has: the series' own
        // day when it lies within one UTC day, else the date last written. A two-week export's
        // "since 07:40" would not say which day, and its restarts would read out of order.
        let one_day = format_date(self.start_ms, 0) == format_date(self.end_ms, 0);
        let day = std::cell::RefCell::new(if one_day { Some(format_date(self.start_ms, 0)) } else { None });
        let clock = |ms: i64, zone: bool| match self.time_axis {
            TimeAxis::Epoch => {
                let date = format_date(ms, 0);
                let mut text = format_hm(ms, 0);
                if day.borrow().as_deref() != Some(date.as_str()) {
                    text = format!("{date} {text}");
                    *day.borrow_mut() = Some(date);
                }
                if zone {
                    text.push_str(" UTC");
                }
                text
            }
            axis => describe_time(ms, axis),
        };
        let when = |ms: i64| clock(ms, true);
        match self.verdict {
            Verdict::Inconclusive => {
                let reason = if self.reason.is_empty() { "not enough data".to_string() } else { self.reason.clone() };
                format!("Inconclusive: {reason}.")
            }
            Verdict::NoLeak => {
                let shape = self.pattern.replace('-', " ");
                format!("No leak: {shape}.")
            }
            Verdict::Leak => {
                let mut text = String::from("Leak");
                if let Some(onset) = &self.onset {
                    let (before, after) = (onset.ms - onset.low_ms, onset.high_ms - onset.ms);
                    text.push_str(&format!(" since {}", when(onset.ms)));
                    if !self.time_axis.is_time() {
                        // Instructions or bytes allocated: counts, no durations.
                        if onset.high_ms > onset.low_ms {
                            let high = describe_time(onset.high_ms, self.time_axis);
                            text.push_str(&format!(" (between {} and {high})", onset.low_ms));
                        }
                    } else if before + after < 2000 {
                        // Finer than a sentence's times.
                    } else if before < 1000 {
                        text.push_str(&format!(" (or up to {} later)", span(after as f64)));
                    } else if after < 1000 {
                        text.push_str(&format!(" (or up to {} earlier)", span(before as f64)));
                    } else if 2 * before.min(after) < before.max(after) {
                        // A window lopsided about the onset (the fit knows one side of its bend
                        // better, or the growth curves) is given as it lies: "±" would promise
                        // the short side as much room as the long one.
                        text.push_str(&format!(" (−{}, +{})", span(before as f64), span(after as f64)));
                    } else {
                        text.push_str(&format!(" (±{})", span((before + after) as f64 / 2.0)));
                    }
                }
                if let Some(g) = &self.growth {
                    let per = if self.time_axis.is_time() { "/h" } else { " per hour-equivalent" };
                    // A rate that came out negative keeps its own sign ("+-" reads as a typo).
                    let sign = if g.per_hour < 0.0 { "" } else { "+" };
                    text.push_str(&format!(", {sign}{}{per}", format_value(g.per_hour, &self.unit)));
                }
                // Later times in the same sentence drop the zone already named.
                let short = |ms: i64| clock(ms, false);
                let mut clauses = Vec::new();
                let restarted = |clauses: &mut Vec<String>| {
                    if !self.restarts_ms.is_empty() {
                        let times: Vec<String> = self.restarts_ms.iter().map(|&ms| short(ms)).collect();
                        let resumed = if self.resumed_after_restart { " and resumed" } else { "" };
                        clauses.push(format!("restarted {}{resumed}", join_words(&times)));
                    }
                };
                // In the order they happened: growth that a restart ended stopped at the last
                // sample before it.
                match self.stop_ms {
                    Some(stop) if self.restarts_ms.first().is_some_and(|&first| stop < first) => {
                        clauses.push(format!("stopped {}", short(stop)));
                        restarted(&mut clauses);
                    }
                    Some(stop) => {
                        restarted(&mut clauses);
                        clauses.push(format!("stopped {}", short(stop)));
                    }
                    None => restarted(&mut clauses),
                }
                if !clauses.is_empty() {
                    text.push_str("; ");
                    text.push_str(&clauses.join(", "));
                }
                text.push('.');
                if let Some(ex) = &self.exhaustion {
                    text.push_str(&format!(
                        " Reaches the {} limit around {}.",
                        format_value(ex.limit, &self.unit),
                        when(ex.ms)
                    ));
                }
                text
            }
        }
    }
}

/// A stretch of time for a sentence: whole minutes from one minute to 90 (they read better than
/// "60 s" or "1.2 h"), else as [`format_duration`] says it.
fn span(ms: f64) -> String {
    if (60_000.0..5_400_000.0).contains(&ms) {
        format!("{:.0} min", (ms / 60_000.0).round())
    } else {
        format_duration(ms)
    }
}

/// A time for a sentence: `07:40 UTC` on epoch axes (the summary dates it where the day is not
/// the reader's), an offset (`+2.5 h`) on relative axes, a count on the others.
pub fn describe_time(ms: i64, axis: TimeAxis) -> String {
    match axis {
        TimeAxis::Epoch => format!("{} UTC", format_hm(ms, 0)),
        TimeAxis::Relative => format!("+{}", format_duration(ms as f64)),
        TimeAxis::Instructions => format!("{ms} instructions"),
        TimeAxis::AllocatedBytes => format!("{ms} bytes allocated"),
    }
}

/// A time for a figures table: RFC 3339 UTC on epoch axes, as [`describe_time`] otherwise;
/// `unbounded` past the year 9999 (an exhaustion window with no upper end).
pub fn table_time(ms: i64, axis: TimeAxis) -> String {
    const YEAR_10000_MS: i64 = 253_402_300_800_000;
    match axis {
        _ if ms >= YEAR_10000_MS => "unbounded".to_string(),
        TimeAxis::Epoch => format_rfc3339(ms),
        axis => describe_time(ms, axis),
    }
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Report {
    /// The report as pretty JSON, byte-identical natively and in wasm for the same input.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// A Markdown block for a review document: one section per series shown (leaks first),
    /// with the link when one is given.
    ///
    /// Everything that came from the input or a link (names, labels, the format, the pattern,
    /// sentences) is escaped or put in a code span, so it cannot open a link, an image, HTML or
    /// a table cell; the link itself is shown only when it is a fragment or an http(s) URL.
    pub fn to_markdown(&self, link: Option<&str>, max_series: usize) -> String {
        let mut out = format!("### leakscope: {}\n\n", escape_md(&self.source.name));
        out.push_str(&format!(
            "Source: {} ({}, {} series, {} points)\n\n",
            code_md(&self.source.name),
            escape_md(&self.source.format_label),
            self.series.len(),
            self.source.points
        ));
        for s in self.series.iter().take(max_series) {
            out.push_str(&format!(
                "**{}** — **{}** ({}, confidence {:.0} %)\n\n",
                code_md(&s.name),
                s.verdict.as_str(),
                escape_md(&s.pattern),
                s.confidence * 100.0
            ));
            out.push_str(&format!("> {}\n\n", escape_md(&s.summary)));
            out.push_str("| | |\n|---|---|\n");
            let t = |ms: i64| table_time(ms, s.time_axis);
            if let Some(o) = &s.onset {
                out.push_str(&format!("| onset | {} (window {} – {}) |\n", t(o.ms), t(o.low_ms), t(o.high_ms)));
            }
            if !s.restarts_ms.is_empty() {
                let r: Vec<String> = s.restarts_ms.iter().map(|&ms| t(ms)).collect();
                out.push_str(&format!("| restarts | {} |\n", r.join(", ")));
            }
            if let Some(stop) = s.stop_ms {
                out.push_str(&format!("| stopped | {} |\n", t(stop)));
            }
            if let Some(g) = &s.growth {
                let per = if s.time_axis.is_time() { "/h" } else { " per hour-equivalent" };
                out.push_str(&format!(
                    "| growth | {}{per} ({} – {}) |\n",
                    escape_md(&format_value(g.per_hour, &s.unit)),
                    escape_md(&format_value(g.low, &s.unit)),
                    escape_md(&format_value(g.high, &s.unit))
                ));
            }
            if let Some(e) = &s.exhaustion {
                out.push_str(&format!(
                    "| exhaustion | reaches {} at {} (window {} – {}) |\n",
                    escape_md(&format_value(e.limit, &s.unit)),
                    t(e.ms),
                    t(e.low_ms),
                    t(e.high_ms)
                ));
            }
            if s.judged_on_floor {
                out.push_str("| judged on | the floor of the GC sawtooth |\n");
            }
            if !s.reason.is_empty() {
                out.push_str(&format!("| note | {} |\n", escape_md(&s.reason)));
            }
            out.push_str(&format!("| window | {} – {} ({} points) |\n\n", t(s.start_ms), t(s.end_ms), s.points));
        }
        if self.series.len() > max_series {
            out.push_str(&format!("… and {} more series.\n\n", self.series.len() - max_series));
        }
        if let Some(link) = link.filter(|l| is_shareable_link(l)) {
            // Angle brackets keep any `(`, `)` or `_` of the URL inside the link destination.
            out.push_str(&format!("[Open the interactive chart](<{link}>)\n"));
        }
        out
    }
}

/// True when a link may appear as a Markdown link: a fragment or an http(s) URL, with no
/// whitespace, control character or angle bracket that could end the destination early.
fn is_shareable_link(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    (lower.starts_with('#') || lower.starts_with("https://") || lower.starts_with("http://"))
        && !link.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\\'))
}

/// Puts user-controlled text in an inline code span (no emphasis, link, HTML or entity inside
/// one), with a backtick fence longer than any run of backticks in the text.
pub fn code_md(text: &str) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() || is_bidi_control(c) { ' ' } else { c }).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in clean.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space on each side when the text starts or ends with a backtick (CommonMark strips one).
    let pad = if clean.starts_with('`') || clean.ends_with('`') || clean.is_empty() { " " } else { "" };
    format!("{fence}{pad}{clean}{pad}{fence}")
}

/// Escapes user-controlled text for Markdown prose and table cells: every ASCII punctuation
/// character that CommonMark or GitHub's extensions give a meaning (emphasis, code, links,
/// images, HTML, entities, headings, lists, tables, strikethrough, math) gets a backslash, and
/// control characters (newlines included) become spaces, so the text stays on its line.
pub fn escape_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '|'
                | '#'
                | '!'
                | '~'
                | '&'
                | '$'
                | '+'
                | '='
        ) {
            out.push('\\');
        }
        if c.is_control() || is_bidi_control(c) {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Unicode bidirectional controls (LRE…RLO, LRI…PDI, LRM, RLM, ALM), which can make text
/// display in a misleading order; they are dropped from text we write for people.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const DAY: i64 = 24 * 60 * MIN;
    /// 07:40 on the first day of the epoch.
    const AT: i64 = 7 * 60 * MIN + 40 * MIN;

    /// A leak since [`AT`], its onset window `low` before it and `high` after, in a series of
    /// the first twelve hours of the epoch.
    fn leak(low: i64, high: i64, axis: TimeAxis) -> SeriesReport {
        let mut series = Series::new("mem", Unit::Bytes);
        series.push(0, 1e9);
        series.push(12 * 60 * MIN, 2e9);
        SeriesReport {
            verdict: Verdict::Leak,
            pattern: "steady-leak".into(),
            onset: Some(Onset { ms: AT, low_ms: AT - low, high_ms: AT + high }),
            time_axis: axis,
            ..SeriesReport::blank(&series)
        }
    }

    #[test]
    fn the_summary_gives_a_lopsided_onset_window_as_it_lies() {
        let said = |low: i64, high: i64, axis: TimeAxis| leak(low, high, axis).describe();
        // Neither side over twice the other: "±" half the window.
        assert_eq!(said(2 * MIN, MIN, TimeAxis::Epoch), "Leak since 07:40 UTC (±2 min).");
        assert_eq!(said(90 * MIN, 60 * MIN, TimeAxis::Epoch), "Leak since 07:40 UTC (±75 min).");
        assert_eq!(said(120 * MIN, 100 * MIN, TimeAxis::Epoch), "Leak since 07:40 UTC (±1.8 h).");
        // Lopsided: each side as it lies (a window across midnight reads as plainly).
        assert_eq!(said(20 * MIN, 5 * MIN, TimeAxis::Epoch), "Leak since 07:40 UTC (−20 min, +5 min).");
        assert_eq!(said(10 * 60 * MIN, 30_000, TimeAxis::Epoch), "Leak since 07:40 UTC (−10.0 h, +30 s).");
        assert_eq!(said(60 * MIN, 6 * MIN, TimeAxis::Relative), "Leak since +7.7 h (−60 min, +6 min).");
        // One side under a second: the other alone.
        assert_eq!(said(0, 19 * MIN, TimeAxis::Epoch), "Leak since 07:40 UTC (or up to 19 min later).");
        assert_eq!(said(3 * 60 * MIN, 500, TimeAxis::Epoch), "Leak since 07:40 UTC (or up to 3.0 h earlier).");
        // Finer than the sentence's times: no window.
        assert_eq!(said(400, 0, TimeAxis::Epoch), "Leak since 07:40 UTC.");
        // Counts, not time: the window's ends.
        assert_eq!(
            said(40, 60, TimeAxis::Instructions),
            format!("Leak since {AT} instructions (between {} and {} instructions).", AT - 40, AT + 60)
        );
    }

    #[test]
    fn the_summary_dates_a_time_off_the_day_last_written() {
        // Over three days: the first time dated, then wherever the day changes.
        let mut r = leak(MIN, MIN, TimeAxis::Epoch);
        r.end_ms = 3 * DAY;
        r.restarts_ms = vec![DAY + 18 * 60 * MIN, DAY + 22 * 60 * MIN, 2 * DAY + 3 * 60 * MIN];
        r.resumed_after_restart = true;
        r.exhaustion = Some(Exhaustion { limit: 4096.0, ms: 3 * DAY + 60 * MIN, low_ms: 0, high_ms: 0 });
        assert_eq!(
            r.describe(),
            "Leak since 1970-01-01 07:40 UTC (±1 min); restarted 1970-01-02 18:00, 22:00 and 1970-01-03 03:00 and \
             resumed. Reaches the 4.00 KiB limit around 1970-01-04 01:00 UTC."
        );
        // Growth a restart ended stopped before it: the clauses in the order they happened.
        let mut ended = leak(MIN, MIN, TimeAxis::Epoch);
        (ended.stop_ms, ended.restarts_ms) = (Some(10 * 60 * MIN + 18 * MIN), vec![10 * 60 * MIN + 22 * MIN]);
        assert_eq!(ended.describe(), "Leak since 07:40 UTC (±1 min); stopped 10:18, restarted 10:22.");
        // Within one day, clock times alone; a limit reached the next day gets its date.
        (r.end_ms, r.restarts_ms, r.exhaustion.as_mut().unwrap().ms) =
            (12 * 60 * MIN, vec![11 * 60 * MIN], DAY + 60 * MIN);
        assert_eq!(
            r.describe(),
            "Leak since 07:40 UTC (±1 min); restarted 11:00 and resumed. Reaches the 4.00 KiB limit around \
             1970-01-02 01:00 UTC."
        );
    }

    #[test]
    fn markdown_escapes_what_users_control() {
        assert_eq!(escape_md("[x](javascript:1) <b>\n# h"), "\\[x\\]\\(javascript:1\\) \\<b\\> \\# h");
        assert_eq!(code_md("a`b"), "``a`b``");
        assert_eq!(code_md("`x"), "`` `x ``");
        assert!(is_shareable_link("https://x.example/#v1.ab-_"));
        assert!(!is_shareable_link("javascript:alert(1)"));
        assert!(!is_shareable_link("https://x/> [y](z)"));
        assert_eq!(table_time(i64::MAX / 4, TimeAxis::Epoch), "unbounded");
        assert_eq!(table_time(0, TimeAxis::Epoch), "1970-01-01T00:00:00Z");
    }
}
