//! The share link: a view of an analysis packed into a URL fragment (`#v1.…`), so that opening
//! the link reproduces the same verdicts, onset, stop, restarts, growth, exhaustion and chart
//! with no file and no server. The fragment never leaves the browser.
//!
//! A [`ShareState`] carries the title, the source's name and format, the time zone, the zoom, the
//! limit, the user's annotations and up to [`MAX_SERIES`] series, each with its report (the
//! report contract's own [`SeriesReport`]) and its samples *reduced to what the chart needs*: one
//! min/max pair per pixel column ([`chart::reduce`]).
//!
//! # Format (version 1)
//! `v1.` followed by base64url (RFC 4648 §5, no padding) of the raw DEFLATE (RFC 1951) of a
//! compact binary layout: LEB128 varints, zig-zag signed integers, times relative to the series'
//! start, data times as multiples of their greatest common step (second differences, so a
//! regular grid costs one bit a point), values quantized to `value_bits` (12 by default) over
//! the series' own min..max range — finer than any chart's pixels. Report figures (growth,
//! confidence, limits) are stored as exact `f64`. See [`encode`] for the field order.
//!
//! Decoding reads **untrusted input**: the fragment length, the inflated size, every count and
//! every string length are bounded, and any damaged, truncated or tampered link becomes a
//! [`crate::Error`] from the source `link` with a message for people — never a panic. Strings
//! are data: a label may hold `<script>`; whoever displays it must treat it as text.
//!
//! This module reads report and chart types and computes no analysis; it never names a web type.

use crate::chart::{self, Annotation, ChartSeries, ChartView, Envelope};
use crate::error::{Error, Result};
use crate::report::{
    ChangeKind, Changepoint, Exhaustion, Growth, Onset, Report, Segment, SeriesReport, Source, Verdict, REPORT_VERSION,
};
use crate::series::{Labels, TimeAxis, Unit};

/// The link format this crate writes (the `1` of `v1.`).
pub const SHARE_VERSION: u32 = 1;
/// The source name of every error about a link.
pub const LINK_SOURCE: &str = "link";
/// A link of at most this many characters fits anywhere (chat, tickets, most tools).
pub const SHORT_LINK_CHARS: usize = 2_000;
/// A link of at most this many characters still opens in every current browser and most tools.
pub const LONG_LINK_CHARS: usize = 8_000;
/// The longest fragment [`decode`] accepts.
pub const MAX_FRAGMENT_CHARS: usize = 64 * 1024;
/// The largest payload [`decode`] inflates.
pub const MAX_INFLATED_BYTES: u64 = 1024 * 1024;
/// The most series a link carries.
pub const MAX_SERIES: usize = 8;
/// The most points (min/max pairs) per series a link carries.
pub const MAX_POINTS: usize = 10_000;
/// The most user annotations a link carries.
pub const MAX_ANNOTATIONS: usize = 64;
/// The most entries in any list of a series' report (labels, restarts, changepoints, segments).
pub const MAX_LIST: usize = 1_024;
/// The longest string (in bytes) a link carries; longer ones are cut at encoding.
pub const MAX_STRING_BYTES: usize = 2_048;
/// Data times and zoom bounds must lie within ± this many ms of the epoch (about 31,000 years).
const MAX_ABS_TIME_MS: i64 = 1_000_000_000_000_000;
/// Report times (an exhaustion "never" may be far away) must lie within ± this many ms, so that
/// the difference of any two never overflows.
const MAX_ABS_REPORT_MS: i64 = i64::MAX / 4;
/// The largest time zone offset, minutes.
const MAX_TZ_OFFSET_MIN: i32 = 18 * 60;

/// How axis times are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeZoneMode {
    /// Coordinated Universal Time.
    #[default]
    Utc,
    /// The viewer's local time; the sharer's offset travels along as `tz_offset_min`.
    Local,
}

impl TimeZoneMode {
    /// The label the chart's axis title uses (`UTC`, `local`).
    pub fn label(self) -> &'static str {
        match self {
            TimeZoneMode::Utc => "UTC",
            TimeZoneMode::Local => "local",
        }
    }
}

/// One series in a link: its report entry, its limit and its samples reduced for drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedSeries {
    /// The series' analysis, exactly as the report contract has it.
    pub report: SeriesReport,
    /// The memory limit drawn for this series (the export's), in its unit.
    pub limit: Option<f64>,
    /// Min/max pairs per pixel column, sorted by time.
    pub points: Vec<Envelope>,
}

/// Everything a link reproduces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShareState {
    /// The chart title.
    pub title: String,
    /// The input's name (`export.json`).
    pub source_name: String,
    /// The detected format's identifier (`prometheus-matrix`).
    pub source_format: String,
    /// The detected format's name for people.
    pub format_label: String,
    /// UTC or local axis times.
    pub tz_mode: TimeZoneMode,
    /// Minutes east of UTC used for the axis labels when the link was made.
    pub tz_offset_min: i32,
    /// The zoom (epoch ms); `None` shows all data.
    pub x_range: Option<(i64, i64)>,
    /// A limit the user typed, overriding the export's.
    pub limit: Option<f64>,
    /// User annotations.
    pub annotations: Vec<Annotation>,
    /// The series shown, first one primary (its onset, fit and projection are drawn).
    pub series: Vec<SharedSeries>,
}

/// How finely [`encode_with`] writes the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Series with more than twice this many points are merged down to this many columns.
    pub columns: usize,
    /// Bits per quantized value, 4–24 (12: 4,096 levels over the series' range).
    pub value_bits: u8,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions { columns: 600, value_bits: 12 }
    }
}

/// Where a link of some length can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkFit {
    /// At most [`SHORT_LINK_CHARS`]: anywhere.
    Short,
    /// At most [`LONG_LINK_CHARS`]: browsers and most tools.
    Long,
    /// Longer: share the HTML report instead.
    TooLong,
}

/// Classifies a link (or fragment) by its length in characters.
pub fn link_fit(link: &str) -> LinkFit {
    match link.chars().count() {
        n if n <= SHORT_LINK_CHARS => LinkFit::Short,
        n if n <= LONG_LINK_CHARS => LinkFit::Long,
        _ => LinkFit::TooLong,
    }
}

/// The samples of one series chosen for sharing, by its index in the report's `series`.
#[derive(Debug, Clone, Copy)]
pub struct SelectedSeries<'a> {
    /// Index in `Report::series`.
    pub index: usize,
    /// Sample times, epoch ms, increasing.
    pub times_ms: &'a [i64],
    /// Sample values, one per time.
    pub values: &'a [f64],
    /// The export's limit for this series.
    pub limit: Option<f64>,
}

/// Builds the state a link carries from a report, the samples of the selected series, the
/// current view and the user's limit. Samples are reduced to `columns` min/max pairs over the
/// whole data range; when the view is zoomed, the visible range keeps `columns` of detail and the
/// rest a quarter of it, so the opener can still zoom out. Indices beyond the report and series
/// beyond [`MAX_SERIES`] are left out.
pub fn state_from_report(
    report: &Report,
    selected: &[SelectedSeries],
    view: &ChartView,
    limit: Option<f64>,
    columns: usize,
) -> ShareState {
    let columns = columns.clamp(16, MAX_POINTS / 2);
    let series = selected
        .iter()
        .filter_map(|sel| {
            let entry = report.series.get(sel.index)?;
            Some(SharedSeries {
                report: entry.clone(),
                limit: sel.limit.filter(|l| l.is_finite()),
                points: reduce_for_link(sel.times_ms, sel.values, view.x_range, columns),
            })
        })
        .take(MAX_SERIES)
        .collect();
    ShareState {
        title: view.title.clone(),
        source_name: report.source.name.clone(),
        source_format: report.source.format.clone(),
        format_label: report.source.format_label.clone(),
        tz_mode: if view.tz_label.eq_ignore_ascii_case("local") { TimeZoneMode::Local } else { TimeZoneMode::Utc },
        tz_offset_min: view.tz_offset_min.clamp(-MAX_TZ_OFFSET_MIN, MAX_TZ_OFFSET_MIN),
        x_range: view.x_range.filter(|(a, b)| b > a),
        limit: limit.filter(|l| l.is_finite()),
        annotations: view.annotations.iter().take(MAX_ANNOTATIONS).cloned().collect(),
        series,
    }
}

fn reduce_for_link(times_ms: &[i64], values: &[f64], zoom: Option<(i64, i64)>, columns: usize) -> Vec<Envelope> {
    let n = times_ms.len().min(values.len());
    let (times_ms, values) = (&times_ms[..n], &values[..n]);
    let (Some(&first), Some(&last)) = (times_ms.first(), times_ms.last()) else {
        return Vec::new();
    };
    let keep = |points: Vec<Envelope>| -> Vec<Envelope> {
        points.into_iter().filter(|p| p.min.is_finite() && p.max.is_finite()).collect()
    };
    if n == 1 {
        return keep(chart::raw_envelope(times_ms, values));
    }
    match zoom {
        Some((x0, x1)) if x1 > x0 && (x0 > first || x1 < last) => {
            let detail = keep(chart::reduce(times_ms, values, x0, x1, columns));
            let context = keep(chart::reduce(times_ms, values, first, last, (columns / 4).max(1)));
            let (Some(lo), Some(hi)) = (detail.first().map(|p| p.ms), detail.last().map(|p| p.ms)) else {
                return context;
            };
            let mut out: Vec<Envelope> = context.iter().copied().filter(|p| p.ms < lo).collect();
            out.extend(detail);
            out.extend(context.into_iter().filter(|p| p.ms > hi));
            out
        }
        _ => {
            let mut points = keep(chart::reduce(times_ms, values, first, last, columns));
            // A column is stamped with its first sample: add the very last one, so the chart
            // opened from the link spans exactly the same time range.
            if let (Some(end), Some(&value)) = (points.last(), values.last()) {
                if end.ms < last && value.is_finite() {
                    points.push(Envelope { ms: last, min: value, max: value });
                }
            }
            points
        }
    }
}

impl ShareState {
    /// The report the link reproduces: its source and the shared series, in order.
    pub fn to_report(&self) -> Report {
        Report {
            version: REPORT_VERSION,
            source: Source {
                name: self.source_name.clone(),
                format: self.source_format.clone(),
                format_label: self.format_label.clone(),
                points: self.series.iter().map(|s| s.report.points).sum(),
            },
            series: self.series.iter().map(|s| s.report.clone()).collect(),
            warnings: Vec::new(),
        }
    }

    /// The view the link reproduces (light theme; the page may switch it).
    pub fn to_view(&self) -> ChartView {
        ChartView {
            x_range: self.x_range,
            tz_offset_min: self.tz_offset_min,
            tz_label: self.tz_mode.label().to_string(),
            dark: false,
            title: self.title.clone(),
            annotations: self.annotations.clone(),
            footer: None,
        }
    }

    /// The series as [`chart::draw`] takes them, so a decoded link draws the same chart.
    pub fn chart_series(&self) -> Vec<ChartSeries<'_>> {
        self.series
            .iter()
            .map(|s| ChartSeries {
                name: &s.report.name,
                unit: &s.report.unit,
                points: &s.points,
                report: Some(&s.report),
                limit: self.limit.or(s.limit),
            })
            .collect()
    }
}

/// Merges min/max pairs into at most `columns` columns over their time range (each column keeps
/// the time of its first pair, the smallest min and the largest max).
pub fn coarsen(points: &[Envelope], columns: usize) -> Vec<Envelope> {
    let columns = columns.max(1);
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    if points.len() <= columns || last.ms <= first.ms {
        return points.to_vec();
    }
    let width = (last.ms as f64 - first.ms as f64) / columns as f64;
    let mut out: Vec<Envelope> = Vec::with_capacity(columns + 1);
    let mut current: Option<(i64, Envelope)> = None;
    for p in points {
        let column = (((p.ms as f64 - first.ms as f64) / width).floor() as i64).min(columns as i64 - 1);
        match &mut current {
            Some((c, env)) if *c == column => {
                env.min = env.min.min(p.min);
                env.max = env.max.max(p.max);
            }
            _ => {
                if let Some((_, env)) = current.take() {
                    out.push(env);
                }
                current = Some((column, *p));
            }
        }
    }
    if let Some((_, env)) = current {
        out.push(env);
    }
    // Keep the time range: the last column is stamped with its first pair, so end on the last.
    if out.last().is_some_and(|env| env.ms < last.ms) {
        out.push(*last);
    }
    out
}

/// Encodes a state as a link fragment (`v1.…`, without the `#`) at the default detail.
///
/// ```
/// use leakscope::share::{decode, encode, state_from_report, SelectedSeries};
/// let csv = leakscope::demo::demo_csv();
/// let parsed = leakscope::ingest::parse("demo.csv", csv.as_bytes(), &Default::default()).unwrap();
/// let report = leakscope::analyze::analyze("demo.csv", &parsed, &Default::default());
/// let s = &parsed.series[0];
/// let selected = [SelectedSeries { index: 0, times_ms: &s.times_ms, values: &s.values, limit: s.limit }];
/// let state = state_from_report(&report, &selected, &Default::default(), None, 600);
///
/// let fragment = encode(&state);
/// assert!(fragment.starts_with("v1.") && fragment.len() < 2_000);
/// let opened = decode(&format!("https://leakscope.example/#{fragment}")).unwrap();
/// assert_eq!(opened.to_report().series, report.series);
/// assert!(decode("#v1.not-a-link").is_err());
/// ```
pub fn encode(state: &ShareState) -> String {
    encode_with(state, EncodeOptions::default())
}

/// Encodes a state as a link fragment at the given detail. Strings longer than
/// [`MAX_STRING_BYTES`] are cut and lists beyond their limits are truncated, so that whatever
/// this writes, [`decode`] reads.
///
/// Field order of the payload (before DEFLATE): title, source name, source format, format label
/// (strings: varint byte length + UTF-8); time zone mode (byte) and offset (zig-zag); zoom
/// (flag, start, length); limit (flag, f64); annotations (count, then time and label each);
/// series (count, then each series' report fields in contract order, its limit, and its points:
/// count, start time, step, step second differences, value bits, min, max, quantized minima as
/// differences, then the max − min spans).
pub fn encode_with(state: &ShareState, options: EncodeOptions) -> String {
    let mut w = Writer::default();
    w.string(&state.title);
    w.string(&state.source_name);
    w.string(&state.source_format);
    w.string(&state.format_label);
    w.u8(match state.tz_mode {
        TimeZoneMode::Utc => 0,
        TimeZoneMode::Local => 1,
    });
    w.signed(i64::from(state.tz_offset_min.clamp(-MAX_TZ_OFFSET_MIN, MAX_TZ_OFFSET_MIN)));
    match state.x_range.filter(|&(a, b)| b > a && valid_time(a) && valid_time(b)) {
        Some((x0, x1)) => {
            w.u8(1);
            w.signed(x0);
            w.varint((x1 - x0) as u64);
        }
        None => w.u8(0),
    }
    w.opt_f64(state.limit);
    let annotations: Vec<&Annotation> =
        state.annotations.iter().filter(|a| valid_time(a.ms)).take(MAX_ANNOTATIONS).collect();
    w.varint(annotations.len() as u64);
    for a in annotations {
        w.signed(a.ms);
        w.string(&a.label);
    }
    let series: Vec<&SharedSeries> = state.series.iter().take(MAX_SERIES).collect();
    w.varint(series.len() as u64);
    for s in series {
        write_series(&mut w, s, options);
    }
    let packed = miniz_oxide::deflate::compress_to_vec(&w.bytes, 9);
    format!("v{SHARE_VERSION}.{}", base64url_encode(&packed))
}

/// Encodes at the best detail whose fragment has at most `max_chars` characters, trying
/// coarser columns and quantization in turn. Returns the fragment and the detail used.
///
/// # Errors
/// When even the coarsest detail is longer than `max_chars`: the message suggests the HTML
/// report instead.
pub fn encode_to_fit(state: &ShareState, max_chars: usize) -> Result<(String, EncodeOptions)> {
    const LADDER: [(usize, u8); 7] = [(600, 12), (600, 10), (400, 10), (300, 9), (200, 8), (120, 8), (60, 7)];
    let mut shortest = usize::MAX;
    for (columns, value_bits) in LADDER {
        let options = EncodeOptions { columns, value_bits };
        let fragment = encode_with(state, options);
        if fragment.len() <= max_chars {
            return Ok((fragment, options));
        }
        shortest = shortest.min(fragment.len());
    }
    Err(Error::file(
        LINK_SOURCE,
        format!(
            "this view needs a link of {shortest} characters even at reduced detail (at most {max_chars} \
             allowed); share the HTML report instead, or show fewer series"
        ),
    ))
}

/// Encodes for sharing: at full detail when that fits [`SHORT_LINK_CHARS`] (also trying 10-bit
/// values, still finer than a chart's pixels), else the best detail that fits
/// [`LONG_LINK_CHARS`]. Returns the fragment, the detail used and where it fits.
///
/// # Errors
/// When even the coarsest detail exceeds [`LONG_LINK_CHARS`] (see [`encode_to_fit`]).
pub fn encode_for_sharing(state: &ShareState) -> Result<(String, EncodeOptions, LinkFit)> {
    for options in [EncodeOptions::default(), EncodeOptions { columns: 600, value_bits: 10 }] {
        let fragment = encode_with(state, options);
        if fragment.len() <= SHORT_LINK_CHARS {
            return Ok((fragment, options, LinkFit::Short));
        }
    }
    let (fragment, options) = encode_to_fit(state, LONG_LINK_CHARS)?;
    let fit = link_fit(&fragment);
    Ok((fragment, options, fit))
}

/// Decodes a link: a fragment `v1.…`, with or without the leading `#`, or a whole URL.
///
/// # Errors
/// A [`crate::Error`] from the source `link` when the link is too long, was made by a newer
/// version, or is damaged, truncated or tampered with; the message says which.
pub fn decode(link: &str) -> Result<ShareState> {
    let err = |message: String| Error::file(LINK_SOURCE, message);
    if link.len() > MAX_FRAGMENT_CHARS {
        return Err(err(format!(
            "the link is {} characters long; leakscope links are at most {MAX_FRAGMENT_CHARS}",
            link.len()
        )));
    }
    let fragment = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
    // `#embed.v1.…` and other view prefixes: the payload starts at the last `v<digits>.`.
    let fragment = fragment.strip_prefix("embed.").unwrap_or(fragment);
    let (version, payload) = fragment
        .split_once('.')
        .and_then(|(v, p)| Some((v.strip_prefix('v')?, p)))
        .filter(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| err("this is not a leakscope link: expected a fragment starting with #v1.".into()))?;
    let version: u64 = version.parse().unwrap_or(u64::MAX);
    if version != u64::from(SHARE_VERSION) {
        return Err(if version > u64::from(SHARE_VERSION) {
            err(format!(
                "this link was made by a newer version of leakscope (link format v{version}; this page reads v{SHARE_VERSION}); \
                 open it with the newer page"
            ))
        } else {
            err(format!("unknown link format v{version}"))
        });
    }
    let packed = base64url_decode(payload).map_err(err)?;
    let bytes =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED_BYTES as usize).map_err(|e| {
            if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                err(format!("the link's data unpacks to more than {MAX_INFLATED_BYTES} bytes"))
            } else {
                err("the link is damaged: its data cannot be decompressed (was it cut short?)".into())
            }
        })?;
    decode_payload(&bytes)
}

/// Decodes the inflated binary payload of a link (what [`decode`] reads after base64url and
/// DEFLATE); public for fuzzing and for tools that store payloads elsewhere.
///
/// # Errors
/// As [`decode`], for damaged, truncated or out-of-range data.
pub fn decode_payload(bytes: &[u8]) -> Result<ShareState> {
    if bytes.len() as u64 > MAX_INFLATED_BYTES {
        return Err(Error::file(LINK_SOURCE, format!("the link's data is larger than {MAX_INFLATED_BYTES} bytes")));
    }
    let mut r = Reader { bytes, pos: 0 };
    let state = read_state(&mut r)?;
    if r.pos != bytes.len() {
        return Err(r.error("unexpected data after the end"));
    }
    Ok(state)
}

fn valid_time(ms: i64) -> bool {
    (-MAX_ABS_TIME_MS..=MAX_ABS_TIME_MS).contains(&ms)
}

fn verdict_code(v: Verdict) -> u8 {
    match v {
        Verdict::Leak => 0,
        Verdict::NoLeak => 1,
        Verdict::Inconclusive => 2,
    }
}

fn change_code(k: ChangeKind) -> u8 {
    match k {
        ChangeKind::Level => 0,
        ChangeKind::Slope => 1,
        ChangeKind::Variance => 2,
        ChangeKind::Restart => 3,
    }
}

fn axis_code(a: TimeAxis) -> u8 {
    match a {
        TimeAxis::Epoch => 0,
        TimeAxis::Relative => 1,
        TimeAxis::Instructions => 2,
        TimeAxis::AllocatedBytes => 3,
    }
}

fn write_series(w: &mut Writer, s: &SharedSeries, options: EncodeOptions) {
    let r = &s.report;
    let clamp = |ms: i64| ms.clamp(-MAX_ABS_REPORT_MS, MAX_ABS_REPORT_MS);
    let base = clamp(r.start_ms);
    let rel = |w: &mut Writer, ms: i64| w.signed(clamp(ms) - base);
    w.string(&r.name);
    let labels: Vec<(&String, &String)> = r.labels.iter().take(MAX_LIST).collect();
    w.varint(labels.len() as u64);
    for (k, v) in labels {
        w.string(k);
        w.string(v);
    }
    w.string(&String::from(r.unit.clone()));
    w.varint(r.points as u64);
    w.signed(base);
    rel(w, r.end_ms);
    w.u8(verdict_code(r.verdict));
    w.string(&r.pattern);
    w.f64(r.confidence);
    match &r.onset {
        Some(o) => {
            w.u8(1);
            rel(w, o.ms);
            rel(w, o.low_ms);
            rel(w, o.high_ms);
        }
        None => w.u8(0),
    }
    match r.stop_ms {
        Some(ms) => {
            w.u8(1);
            rel(w, ms);
        }
        None => w.u8(0),
    }
    match &r.growth {
        Some(g) => {
            w.u8(1);
            w.f64(g.per_hour);
            w.f64(g.low);
            w.f64(g.high);
        }
        None => w.u8(0),
    }
    let restarts: Vec<i64> = r.restarts_ms.iter().copied().take(MAX_LIST).collect();
    w.varint(restarts.len() as u64);
    for ms in restarts {
        rel(w, ms);
    }
    let changepoints: Vec<&Changepoint> = r.changepoints.iter().take(MAX_LIST).collect();
    w.varint(changepoints.len() as u64);
    for c in changepoints {
        rel(w, c.ms);
        w.u8(change_code(c.kind));
    }
    match &r.exhaustion {
        Some(e) => {
            w.u8(1);
            w.f64(e.limit);
            rel(w, e.ms);
            rel(w, e.low_ms);
            rel(w, e.high_ms);
        }
        None => w.u8(0),
    }
    w.string(&r.summary);
    w.string(&r.reason);
    w.u8(axis_code(r.time_axis));
    let segments: Vec<&Segment> = r.segments.iter().take(MAX_LIST).collect();
    w.varint(segments.len() as u64);
    for seg in segments {
        rel(w, seg.start_ms);
        rel(w, seg.end_ms);
        w.f64(seg.start_value);
        w.f64(seg.end_value);
    }
    w.u8(u8::from(r.judged_on_floor));
    w.u8(u8::from(r.resumed_after_restart));
    w.opt_f64(s.limit);
    write_points(w, s, options);
}

/// Greatest common divisor of non-negative numbers (0 when all are 0).
fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn write_points(w: &mut Writer, s: &SharedSeries, options: EncodeOptions) {
    let columns = options.columns.clamp(1, MAX_POINTS / 2);
    let mut points: Vec<Envelope> = s
        .points
        .iter()
        .copied()
        .filter(|p| p.min.is_finite() && p.max.is_finite() && valid_time(p.ms))
        .map(|p| Envelope { ms: p.ms, min: p.min.min(p.max), max: p.max.max(p.min) })
        .collect();
    points.sort_by_key(|p| p.ms);
    if points.len() > columns * 2 {
        points = coarsen(&points, columns);
    }
    points.truncate(MAX_POINTS);
    w.varint(points.len() as u64);
    let Some(first) = points.first() else {
        return;
    };
    // Times: the first absolutely, then steps in units of their common divisor, as second
    // differences (a regular grid becomes zeros). Valid times keep every difference in range.
    let t0 = first.ms;
    w.signed(t0);
    let steps: Vec<u64> = points.windows(2).map(|p| (p[1].ms - p[0].ms) as u64).collect();
    let unit = steps.iter().fold(0, |g, &d| gcd(g, d)).max(1);
    w.varint(unit);
    let mut previous: i64 = 0;
    for d in &steps {
        let units = (d / unit) as i64;
        w.signed(units - previous);
        previous = units;
    }
    // Values: quantized over [lo, hi] of this series.
    let bits = options.value_bits.clamp(4, 24);
    let levels = (1u64 << bits) - 1;
    let lo = points.iter().map(|p| p.min).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.max).fold(f64::NEG_INFINITY, f64::max);
    w.u8(bits);
    w.f64(lo);
    w.f64(hi);
    let q = |v: f64| quantize(v, lo, hi, levels);
    let mut previous: i64 = 0;
    for p in &points {
        let qmin = q(p.min) as i64;
        w.signed(qmin - previous);
        previous = qmin;
    }
    for p in &points {
        w.varint(q(p.max).saturating_sub(q(p.min)));
    }
}

/// Maps `v` in `[lo, hi]` to `0..=levels` (halving first, so no intermediate overflows).
fn quantize(v: f64, lo: f64, hi: f64, levels: u64) -> u64 {
    let span = hi / 2.0 - lo / 2.0;
    if span.is_nan() || span <= 0.0 {
        return 0;
    }
    let t = ((v / 2.0 - lo / 2.0) / span).clamp(0.0, 1.0);
    (t * levels as f64).round() as u64
}

/// The inverse of [`quantize`].
fn dequantize(q: u64, lo: f64, hi: f64, levels: u64) -> f64 {
    if levels == 0 || q == 0 {
        return lo;
    }
    if q >= levels {
        return hi;
    }
    let t = q as f64 / levels as f64;
    2.0 * (lo / 2.0 + t * (hi / 2.0 - lo / 2.0))
}

fn read_state(r: &mut Reader) -> Result<ShareState> {
    let title = r.string("the title")?;
    let source_name = r.string("the source name")?;
    let source_format = r.string("the source format")?;
    let format_label = r.string("the format label")?;
    let tz_mode = match r.u8("the time zone")? {
        0 => TimeZoneMode::Utc,
        1 => TimeZoneMode::Local,
        _ => return Err(r.error("unknown time zone mode")),
    };
    let tz_offset_min = r.signed("the time zone offset")?;
    let tz_offset_min = i32::try_from(tz_offset_min)
        .ok()
        .filter(|m| (-MAX_TZ_OFFSET_MIN..=MAX_TZ_OFFSET_MIN).contains(m))
        .ok_or_else(|| r.error("time zone offset out of range"))?;
    let x_range = if r.flag("the zoom")? {
        let x0 = r.signed("the zoom start")?;
        let length = r.varint("the zoom length")?;
        let x1 =
            i64::try_from(length).ok().and_then(|l| x0.checked_add(l)).filter(|&x1| valid_time(x0) && valid_time(x1));
        Some((x0, x1.ok_or_else(|| r.error("zoom out of range"))?))
    } else {
        None
    };
    let limit = r.opt_f64("the limit")?;
    let count = r.count("annotations", MAX_ANNOTATIONS)?;
    let mut annotations = Vec::with_capacity(count);
    for _ in 0..count {
        let ms = r.signed("an annotation time")?;
        if !valid_time(ms) {
            return Err(r.error("annotation time out of range"));
        }
        annotations.push(Annotation { ms, label: r.string("an annotation label")? });
    }
    let count = r.count("series", MAX_SERIES)?;
    let mut series = Vec::with_capacity(count);
    for _ in 0..count {
        series.push(read_series(r)?);
    }
    Ok(ShareState {
        title,
        source_name,
        source_format,
        format_label,
        tz_mode,
        tz_offset_min,
        x_range,
        limit,
        annotations,
        series,
    })
}

fn read_series(r: &mut Reader) -> Result<SharedSeries> {
    let name = r.string("a series name")?;
    let count = r.count("labels", MAX_LIST)?;
    let mut labels = Labels::new();
    for _ in 0..count {
        let k = r.string("a label name")?;
        let v = r.string("a label value")?;
        labels.insert(k, v);
    }
    let unit = Unit::from(r.string("a unit")?);
    let points = usize::try_from(r.varint("a point count")?).map_err(|_| r.error("point count out of range"))?;
    let base = r.signed("a start time")?;
    let report_time = |ms: i64| (-MAX_ABS_REPORT_MS..=MAX_ABS_REPORT_MS).contains(&ms);
    if !report_time(base) {
        return Err(r.error("start time out of range"));
    }
    let rel = |r: &mut Reader, what: &str| -> Result<i64> {
        let delta = r.signed(what)?;
        base.checked_add(delta).filter(|&ms| report_time(ms)).ok_or_else(|| r.error(&format!("{what} out of range")))
    };
    let end_ms = rel(r, "an end time")?;
    let verdict = match r.u8("a verdict")? {
        0 => Verdict::Leak,
        1 => Verdict::NoLeak,
        2 => Verdict::Inconclusive,
        _ => return Err(r.error("unknown verdict")),
    };
    let pattern = r.string("a pattern")?;
    let confidence = r.f64("a confidence")?;
    let onset = if r.flag("an onset")? {
        Some(Onset { ms: rel(r, "an onset")?, low_ms: rel(r, "an onset window")?, high_ms: rel(r, "an onset window")? })
    } else {
        None
    };
    let stop_ms = if r.flag("a stop")? { Some(rel(r, "a stop time")?) } else { None };
    let growth = if r.flag("a growth")? {
        Some(Growth { per_hour: r.f64("a growth")?, low: r.f64("a growth bound")?, high: r.f64("a growth bound")? })
    } else {
        None
    };
    let count = r.count("restarts", MAX_LIST)?;
    let mut restarts_ms = Vec::with_capacity(count);
    for _ in 0..count {
        restarts_ms.push(rel(r, "a restart time")?);
    }
    let count = r.count("changepoints", MAX_LIST)?;
    let mut changepoints = Vec::with_capacity(count);
    for _ in 0..count {
        let ms = rel(r, "a changepoint time")?;
        let kind = match r.u8("a changepoint kind")? {
            0 => ChangeKind::Level,
            1 => ChangeKind::Slope,
            2 => ChangeKind::Variance,
            3 => ChangeKind::Restart,
            _ => return Err(r.error("unknown changepoint kind")),
        };
        changepoints.push(Changepoint { ms, kind });
    }
    let exhaustion = if r.flag("an exhaustion")? {
        Some(Exhaustion {
            limit: r.f64("an exhaustion limit")?,
            ms: rel(r, "an exhaustion time")?,
            low_ms: rel(r, "an exhaustion window")?,
            high_ms: rel(r, "an exhaustion window")?,
        })
    } else {
        None
    };
    let summary = r.string("a summary")?;
    let reason = r.string("a reason")?;
    let time_axis = match r.u8("a time axis")? {
        0 => TimeAxis::Epoch,
        1 => TimeAxis::Relative,
        2 => TimeAxis::Instructions,
        3 => TimeAxis::AllocatedBytes,
        _ => return Err(r.error("unknown time axis")),
    };
    let count = r.count("segments", MAX_LIST)?;
    let mut segments = Vec::with_capacity(count);
    for _ in 0..count {
        segments.push(Segment {
            start_ms: rel(r, "a segment start")?,
            end_ms: rel(r, "a segment end")?,
            start_value: r.f64("a segment value")?,
            end_value: r.f64("a segment value")?,
        });
    }
    let judged_on_floor = r.flag("the floor flag")?;
    let resumed_after_restart = r.flag("the resumed flag")?;
    let limit = r.opt_f64("a series limit")?;
    let report = SeriesReport {
        name,
        labels,
        unit,
        points,
        start_ms: base,
        end_ms,
        verdict,
        pattern,
        confidence,
        onset,
        stop_ms,
        growth,
        restarts_ms,
        changepoints,
        exhaustion,
        summary,
        reason,
        time_axis,
        segments,
        judged_on_floor,
        resumed_after_restart,
    };
    let points = read_points(r)?;
    Ok(SharedSeries { report, limit, points })
}

fn read_points(r: &mut Reader) -> Result<Vec<Envelope>> {
    let n = r.count("points", MAX_POINTS)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let t0 = r.signed("the first point's time")?;
    if !valid_time(t0) {
        return Err(r.error("point time out of range"));
    }
    let unit = i64::try_from(r.varint("the time step")?).map_err(|_| r.error("time step out of range"))?;
    let mut times = Vec::with_capacity(n);
    times.push(t0);
    let mut units: i64 = 0;
    let mut t = t0;
    for _ in 1..n {
        units =
            units.checked_add(r.signed("a time step")?).filter(|&u| u >= 0).ok_or_else(|| r.error("bad time step"))?;
        t = units
            .checked_mul(unit)
            .and_then(|d| t.checked_add(d))
            .filter(|&t| valid_time(t))
            .ok_or_else(|| r.error("point time out of range"))?;
        times.push(t);
    }
    let bits = r.u8("the value precision")?;
    if !(4..=24).contains(&bits) {
        return Err(r.error("value precision out of range"));
    }
    let levels = (1u64 << bits) - 1;
    let lo = r.f64("the value range")?;
    let hi = r.f64("the value range")?;
    if lo > hi {
        return Err(r.error("empty value range"));
    }
    let mut minima = Vec::with_capacity(n);
    let mut q: i64 = 0;
    for _ in 0..n {
        q = q
            .checked_add(r.signed("a value")?)
            .filter(|&q| (0..=levels as i64).contains(&q))
            .ok_or_else(|| r.error("value out of range"))?;
        minima.push(q as u64);
    }
    let mut points = Vec::with_capacity(n);
    for (ms, qmin) in times.into_iter().zip(minima) {
        let span = r.varint("a value span")?;
        let qmax = qmin.checked_add(span).filter(|&q| q <= levels).ok_or_else(|| r.error("value out of range"))?;
        points.push(Envelope { ms, min: dequantize(qmin, lo, hi, levels), max: dequantize(qmax, lo, hi, levels) });
    }
    Ok(points)
}

#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, b: u8) {
        self.bytes.push(b);
    }

    /// LEB128: seven bits a byte, low first, high bit set on all but the last.
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    /// Zig-zag: 0, -1, 1, -2, ... become 0, 1, 2, 3, ... so small magnitudes take one byte.
    fn signed(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn f64(&mut self, v: f64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    fn opt_f64(&mut self, v: Option<f64>) {
        match v.filter(|v| v.is_finite()) {
            Some(v) => {
                self.u8(1);
                self.f64(v);
            }
            None => self.u8(0),
        }
    }

    fn string(&mut self, s: &str) {
        let mut end = s.len().min(MAX_STRING_BYTES);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let cut = &s[..end];
        self.varint(cut.len() as u64);
        self.bytes.extend_from_slice(cut.as_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> Error {
        Error::file(LINK_SOURCE, format!("the link is damaged: {what} at byte {} of its data", self.pos))
    }

    fn truncated(&self, what: &str) -> Error {
        Error::file(
            LINK_SOURCE,
            format!("the link is incomplete (was it cut short?): expected {what} at byte {}", self.pos),
        )
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        let b = *self.bytes.get(self.pos).ok_or_else(|| self.truncated(what))?;
        self.pos += 1;
        Ok(b)
    }

    fn flag(&mut self, what: &str) -> Result<bool> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.error(&format!("bad flag for {what}"))),
        }
    }

    fn varint(&mut self, what: &str) -> Result<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8(what)?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(self.error(&format!("{what} too large")));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.error(&format!("{what} too large")))
    }

    fn signed(&mut self, what: &str) -> Result<i64> {
        let v = self.varint(what)?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn f64(&mut self, what: &str) -> Result<f64> {
        let end = self.pos.checked_add(8).filter(|&e| e <= self.bytes.len()).ok_or_else(|| self.truncated(what))?;
        let mut raw = [0u8; 8];
        raw.copy_from_slice(&self.bytes[self.pos..end]);
        let v = f64::from_le_bytes(raw);
        if !v.is_finite() {
            return Err(self.error(&format!("{what} is not a finite number")));
        }
        self.pos = end;
        Ok(v)
    }

    fn opt_f64(&mut self, what: &str) -> Result<Option<f64>> {
        if self.flag(what)? {
            Ok(Some(self.f64(what)?))
        } else {
            Ok(None)
        }
    }

    /// A list length, bounded by `max` and by the bytes left (each entry takes at least one).
    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let n = self.varint(what)?;
        if n > max as u64 {
            return Err(self.error(&format!("{n} {what} (at most {max})")));
        }
        if n > (self.bytes.len() - self.pos) as u64 {
            return Err(self.truncated(what));
        }
        Ok(n as usize)
    }

    fn string(&mut self, what: &str) -> Result<String> {
        let len = self.varint(what)?;
        if len > MAX_STRING_BYTES as u64 {
            return Err(self.error(&format!("{what} longer than {MAX_STRING_BYTES} bytes")));
        }
        let end = self
            .pos
            .checked_add(len as usize)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| self.truncated(what))?;
        let text = std::str::from_utf8(&self.bytes[self.pos..end])
            .map_err(|_| self.error(&format!("{what} is not valid UTF-8")))?
            .to_string();
        self.pos = end;
        Ok(text)
    }
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): the alphabet URL fragments carry unescaped.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(BASE64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes base64url without padding (a trailing `=` is tolerated; whitespace is not).
///
/// # Errors
/// A message naming the first character that is not base64url, or a length no encoding has.
pub fn base64url_decode(text: &str) -> std::result::Result<Vec<u8>, String> {
    let text = text.trim_end_matches('=');
    // A foreign character is the more useful message, so look for one before judging the length.
    if let Some((i, c)) = text.char_indices().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!("the link is damaged: unexpected character {c:?} at position {} of its data", i + 1));
    }
    if text.len() % 4 == 1 {
        return Err("the link is incomplete: its data has an impossible length (was it cut short?)".into());
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for (i, c) in text.char_indices() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' => 62,
            '_' => 63,
            _ => {
                return Err(format!(
                    "the link is damaged: unexpected character {c:?} at position {} of its data",
                    i + 1
                ))
            }
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_state() -> ShareState {
        let points: Vec<Envelope> = (0..50)
            .map(|i| Envelope { ms: 1_000_000 + i * 60_000, min: 100.0 + i as f64, max: 100.0 + 2.0 * i as f64 })
            .collect();
        let report = SeriesReport {
            name: "mem{pod=\"a\"}".into(),
            labels: Labels::from([("pod".to_string(), "a".to_string())]),
            unit: Unit::Bytes,
            points: 50,
            start_ms: 1_000_000,
            end_ms: 1_000_000 + 49 * 60_000,
            verdict: Verdict::Leak,
            pattern: "steady-leak".into(),
            confidence: 0.93,
            onset: Some(Onset { ms: 1_600_000, low_ms: 1_500_000, high_ms: 1_700_000 }),
            stop_ms: Some(3_000_000),
            growth: Some(Growth { per_hour: 60.0, low: 50.0, high: 70.0 }),
            restarts_ms: vec![2_000_000],
            changepoints: vec![Changepoint { ms: 1_600_000, kind: ChangeKind::Slope }],
            exhaustion: Some(Exhaustion { limit: 1e3, ms: 9_000_000, low_ms: 8_000_000, high_ms: i64::MAX / 4 }),
            summary: "Leak since 00:26 UTC.".into(),
            reason: String::new(),
            time_axis: TimeAxis::Epoch,
            segments: vec![Segment { start_ms: 1_000_000, end_ms: 3_940_000, start_value: 100.0, end_value: 198.0 }],
            judged_on_floor: true,
            resumed_after_restart: true,
        };
        ShareState {
            title: "t".into(),
            source_name: "s.csv".into(),
            source_format: "generic-csv".into(),
            format_label: "CSV".into(),
            tz_mode: TimeZoneMode::Local,
            tz_offset_min: -330,
            x_range: Some((1_200_000, 2_400_000)),
            limit: Some(1e3),
            annotations: vec![Annotation { ms: 1_300_000, label: "deploy".into() }],
            series: vec![SharedSeries { report, limit: Some(2e3), points }],
        }
    }

    #[test]
    fn a_time_zone_offset_of_i32_min_is_an_error_not_an_overflow() {
        // Found by `scripts/fuzz.sh 300`: `i32::MIN.abs()` overflowed (a panic in debug builds).
        let payload = [0x01, 0x60, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0];
        assert!(decode_payload(&payload).is_err());
    }

    #[test]
    fn varints_and_zigzag_round_trip_at_the_extremes() {
        let values = [0i64, 1, -1, 63, -64, 64, i64::MAX, i64::MIN, i64::MAX / 4, -(i64::MAX / 4)];
        let mut w = Writer::default();
        for &v in &values {
            w.signed(v);
            w.varint(v as u64);
        }
        let mut r = Reader { bytes: &w.bytes, pos: 0 };
        for &v in &values {
            assert_eq!(r.signed("x").unwrap(), v);
            assert_eq!(r.varint("x").unwrap(), v as u64);
        }
        // Eleven continuation bytes, or a tenth byte with more than one bit: too large.
        for bad in [vec![0xffu8; 11], [vec![0xff; 9], vec![0x02]].concat()] {
            assert!(Reader { bytes: &bad, pos: 0 }.varint("x").is_err());
        }
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), coded);
            assert_eq!(base64url_decode(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert!(base64url_decode("Zm9v+A").unwrap_err().contains("'+'"));
        assert!(base64url_decode("Z").is_err());
    }

    #[test]
    fn quantization_stays_within_half_a_level() {
        let (lo, hi) = (1.0e9, 3.5e9);
        for bits in [4u32, 8, 12, 24] {
            let levels = (1u64 << bits) - 1;
            for i in 0..=100 {
                let v = lo + (hi - lo) * i as f64 / 100.0;
                let back = dequantize(quantize(v, lo, hi, levels), lo, hi, levels);
                assert!((back - v).abs() <= (hi - lo) / levels as f64 / 2.0 + 1e-6, "{bits} {v} {back}");
            }
        }
        assert_eq!(quantize(5.0, 5.0, 5.0, 4095), 0);
        assert_eq!(dequantize(0, 5.0, 5.0, 4095), 5.0);
        // Extreme ranges do not overflow.
        let q = quantize(0.0, -f64::MAX, f64::MAX, 4095);
        assert!((2047..=2048).contains(&q));
        assert!(dequantize(q, -f64::MAX, f64::MAX, 4095).is_finite());
    }

    #[test]
    fn state_round_trips() {
        let state = sample_state();
        let back = decode(&encode(&state)).unwrap();
        assert_eq!(back.series[0].report, state.series[0].report);
        assert_eq!((back.title.as_str(), back.tz_mode, back.tz_offset_min), ("t", TimeZoneMode::Local, -330));
        assert_eq!((back.x_range, back.limit, &back.annotations), (state.x_range, state.limit, &state.annotations));
        assert_eq!(back.series[0].limit, Some(2e3));
        let tolerance = 98.0 / 4095.0;
        for (a, b) in state.series[0].points.iter().zip(&back.series[0].points) {
            assert_eq!(a.ms, b.ms);
            assert!((a.min - b.min).abs() <= tolerance && (a.max - b.max).abs() <= tolerance);
        }
    }

    #[test]
    fn a_link_that_inflates_too_far_or_not_at_all_says_so() {
        let link = |payload: &[u8]| format!("v{SHARE_VERSION}.{}", base64url_encode(payload));
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![0; MAX_INFLATED_BYTES as usize + 1], 9);
        let e = decode(&link(&bomb)).unwrap_err();
        assert_eq!(e.message, format!("the link's data unpacks to more than {MAX_INFLATED_BYTES} bytes"));
        // At the limit itself, the payload is read (and refused for what it holds, not its size).
        let full = miniz_oxide::deflate::compress_to_vec(&vec![0; MAX_INFLATED_BYTES as usize], 9);
        assert!(!decode(&link(&full)).unwrap_err().message.contains("unpacks"));
        let packed = base64url_decode(&encode(&sample_state())[3..]).unwrap();
        let e = decode(&link(&packed[..packed.len() / 2])).unwrap_err();
        assert_eq!(e.message, "the link is damaged: its data cannot be decompressed (was it cut short?)");
    }

    #[test]
    fn every_truncation_of_a_payload_is_an_error() {
        let mut w = Writer::default();
        let state = sample_state();
        w.string(&state.title);
        let link = encode(&state);
        let packed = base64url_decode(&link[3..]).unwrap();
        let mut payload = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(packed.as_slice()), &mut payload).unwrap();
        assert!(decode_payload(&payload).is_ok());
        for end in 0..payload.len() {
            let err = decode_payload(&payload[..end]).unwrap_err();
            assert_eq!(err.source_name, LINK_SOURCE);
            assert!(err.message.starts_with("the link is"), "{err}");
        }
        let mut longer = payload.clone();
        longer.push(0);
        assert!(decode_payload(&longer).unwrap_err().message.contains("after the end"));
    }

    #[test]
    fn encoding_respects_the_limits_decoding_enforces() {
        let mut state = sample_state();
        state.title = "é".repeat(MAX_STRING_BYTES);
        state.annotations = vec![Annotation { ms: 5, label: "a".into() }; MAX_ANNOTATIONS + 10];
        state.series = vec![state.series[0].clone(); MAX_SERIES + 2];
        let back = decode(&encode(&state)).unwrap();
        assert!(back.title.len() <= MAX_STRING_BYTES && back.title.chars().all(|c| c == 'é'));
        assert_eq!(back.annotations.len(), MAX_ANNOTATIONS);
        assert_eq!(back.series.len(), MAX_SERIES);
    }

    #[test]
    fn coarsen_merges_columns_and_keeps_extremes() {
        let points: Vec<Envelope> =
            (0..1000).map(|i| Envelope { ms: i * 1000, min: (i % 7) as f64, max: (i % 7) as f64 + 1.0 }).collect();
        let coarse = coarsen(&points, 100);
        assert!(coarse.len() <= 102 && coarse.len() >= 99, "{}", coarse.len());
        assert_eq!(coarse.last().map(|p| p.ms), points.last().map(|p| p.ms));
        assert!(coarse[..coarse.len() - 1].iter().all(|p| p.min == 0.0 && p.max == 7.0));
        assert_eq!(coarsen(&points[..10], 100).len(), 10);
    }

    #[test]
    fn link_fit_classifies_lengths() {
        assert_eq!(link_fit(&"a".repeat(2_000)), LinkFit::Short);
        assert_eq!(link_fit(&"a".repeat(2_001)), LinkFit::Long);
        assert_eq!(link_fit(&"a".repeat(8_001)), LinkFit::TooLong);
    }
}
