//! The one boundary between the core and the page (wasm32 only).
//!
//! It converts types and errors at the edge and holds no logic of its own: the worker calls
//! [`analyze`] and ships the series' samples to the main thread, where a [`Viewer`] keeps them
//! and redraws the chart on a canvas with the same `chart::draw` the CLI uses for SVG.
//! Errors become `JsError` here and nowhere else.

use crate::analyze::AnalyzeOptions;
use crate::chart::{self, ChartSeries, ChartView, Envelope};
use crate::ingest::{self, IngestOptions};
use crate::report::{Report, SeriesReport};
use crate::series::{Series, Unit};
use crate::share::{self, LinkFit, SelectedSeries};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// Options the page passes as JSON.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageOptions {
    /// A limit typed by the user (`4 GiB`), overriding the export's.
    limit: Option<String>,
    /// An absolute start for relative logs (RFC 3339).
    start: Option<String>,
}

/// Installs a panic hook that reports panics on the console (a panic is a bug: the core never
/// panics on input, and the e2e tests fail on any console error).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&JsValue::from_str(&format!("leakscope panicked: {info}")));
    }));
}

/// The result of analyzing one input: the report and the parsed series.
#[wasm_bindgen]
pub struct Analysis {
    report: Report,
    series: Vec<Series>,
}

fn options(options_json: &str) -> Result<(IngestOptions, AnalyzeOptions), JsError> {
    let page: PageOptions = if options_json.trim().is_empty() {
        PageOptions::default()
    } else {
        serde_json::from_str(options_json).map_err(|e| JsError::new(&format!("bad options: {e}")))?
    };
    let limit = match page.limit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Some(
            ingest::units::parse_size(text)
                .ok_or_else(|| JsError::new(&format!("limit: expected a size like 4 GiB, found \"{text}\"")))?,
        ),
        None => None,
    };
    let start_ms = match page.start.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Some(ingest::time::parse_timestamp(text).ok_or_else(|| {
            JsError::new(&format!("start: expected a time like 2024-08-15T07:00:00Z, found \"{text}\""))
        })?),
        None => None,
    };
    Ok((IngestOptions { start_ms }, AnalyzeOptions { limit }))
}

/// Parses and analyzes the bytes of a file (`options_json`: `{"limit": "4 GiB", "start": "..."}`).
///
/// # Errors
/// The ingest error, worded for people, e.g. `export.csv:42: expected a number in column "value"`.
#[wasm_bindgen]
pub fn analyze(name: &str, bytes: &[u8], options_json: &str) -> Result<Analysis, JsError> {
    let (ingest_options, analyze_options) = options(options_json)?;
    let parsed = ingest::parse(name, bytes, &ingest_options).map_err(|e| JsError::new(&e.to_string()))?;
    analyze_parsed(name, parsed, &analyze_options)
}

/// A file's bytes, streamed into wasm memory chunk by chunk as the worker reads the file, so the
/// whole file is never held in JavaScript as well; [`analyze_upload`] consumes it.
#[wasm_bindgen]
pub struct Upload {
    bytes: Vec<u8>,
}

#[wasm_bindgen]
impl Upload {
    /// Room for a file of `size` bytes, reserved at once.
    ///
    /// # Errors
    /// When the page cannot get that much memory.
    #[wasm_bindgen(constructor)]
    pub fn new(size: usize) -> Result<Upload, JsError> {
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(size).map_err(|_| {
            JsError::new(&format!(
                "the page could not reserve {} MiB for this file; use the leakscope CLI",
                size.div_ceil(1 << 20)
            ))
        })?;
        Ok(Upload { bytes })
    }

    /// Appends the next chunk of the file.
    ///
    /// # Errors
    /// When the file grows past the size given to [`Upload::new`].
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        if chunk.len() > self.bytes.capacity() - self.bytes.len() {
            return Err(JsError::new("the file grew while it was read"));
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// Bytes received so far.
    pub fn received(&self) -> usize {
        self.bytes.len()
    }
}

/// Parses and analyzes an uploaded file, like [`analyze`]. The file's bytes are freed once parsed
/// (a JSON export's once its tree is built), so the analysis reuses their memory.
///
/// # Errors
/// As [`analyze`].
#[wasm_bindgen]
pub fn analyze_upload(name: &str, upload: Upload, options_json: &str) -> Result<Analysis, JsError> {
    let (ingest_options, analyze_options) = options(options_json)?;
    // The bytes are given up: a JSON export read from its tree frees them before its series exist.
    let parsed = ingest::parse_owned(name, upload.bytes, &ingest_options).map_err(|e| JsError::new(&e.to_string()))?;
    analyze_parsed(name, parsed, &analyze_options)
}

/// The most series the page analyzes from one file. Each costs the tab its report twice (worker
/// and page) and its samples on both sides: 10,000 series of 20 points (a 2 MiB CSV) take the tab
/// 155 MiB and 1.5 s, 100,000 took 14 s. The CLI analyzes any number, 4,096 at a time.
pub const MAX_PAGE_SERIES: usize = 10_000;

fn analyze_parsed(name: &str, parsed: ingest::Parsed, analyze_options: &AnalyzeOptions) -> Result<Analysis, JsError> {
    if parsed.series.len() > MAX_PAGE_SERIES {
        return Err(JsError::new(&format!(
            "{name}: {} series; the page analyzes at most {} from one file. The leakscope CLI reads any \
             number: leakscope analyze {name}",
            group_digits(parsed.series.len()),
            group_digits(MAX_PAGE_SERIES)
        )));
    }
    // Ship series in the report's (ranked) order so index i of both agree.
    let (report, order) = crate::analyze::analyze_and_order(name, &parsed, analyze_options);
    let mut series = parsed.series;
    crate::analyze::permute(&mut series, order);
    Ok(Analysis { report, series })
}

/// `100000` as `100,000`.
fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[wasm_bindgen]
impl Analysis {
    /// The report as JSON (the contract of DESIGN.md), byte-identical to the CLI's `--json`.
    pub fn report_json(&self) -> String {
        self.report.to_json()
    }

    /// Number of series (same order as the report's ranked `series`).
    pub fn series_count(&self) -> usize {
        self.series.len()
    }

    /// Moves the sample times (epoch ms) of series `index` out (converted in place: no copy is
    /// left in wasm memory); a second call returns empty.
    pub fn take_times(&mut self, index: usize) -> Vec<f64> {
        self.series
            .get_mut(index)
            .map_or_else(Vec::new, |s| std::mem::take(&mut s.times_ms).into_iter().map(|t| t as f64).collect())
    }

    /// Moves the sample values of series `index` out, like [`Analysis::take_times`].
    pub fn take_values(&mut self, index: usize) -> Vec<f64> {
        self.series.get_mut(index).map_or_else(Vec::new, |s| std::mem::take(&mut s.values))
    }

    /// The limit the export states for series `index`, if any.
    pub fn limit(&self, index: usize) -> Option<f64> {
        self.series.get(index).and_then(|s| s.limit)
    }
}

/// The built-in demo incident as CSV text.
#[wasm_bindgen]
pub fn demo_csv() -> String {
    crate::demo::demo_csv()
}

/// The demo's file name.
#[wasm_bindgen]
pub fn demo_name() -> String {
    crate::demo::DEMO_NAME.to_string()
}

/// Parses a size typed by a user (`4 GiB`) into bytes; `undefined` when it is not a size.
#[wasm_bindgen]
pub fn parse_size(text: &str) -> Option<f64> {
    ingest::units::parse_size(text)
}

/// Formats epoch ms for people: `2024-08-15 07:40:00`, shifted by `offset_min` minutes.
#[wasm_bindgen]
pub fn format_time(ms: f64, offset_min: i32) -> String {
    ingest::time::format_datetime(ms as i64, offset_min)
}

/// Formats a value in a unit (`bytes` → `1.50 GiB`, `percent` → `37.0 %`).
#[wasm_bindgen]
pub fn format_value(value: f64, unit: &str) -> String {
    ingest::units::format_value(value, &Unit::from(unit.to_string()))
}

/// Formats a duration in ms the way a person says it (`12 min`, `3.5 h`).
#[wasm_bindgen]
pub fn format_duration(ms: f64) -> String {
    ingest::time::format_duration(ms)
}

/// Where a link of this length can go: `short` (≤ 2,000 characters: anywhere), `long`
/// (≤ 8,000: browsers and most tools) or `too-long`.
#[wasm_bindgen]
pub fn share_link_fit(link: &str) -> String {
    match share::link_fit(link) {
        LinkFit::Short => "short",
        LinkFit::Long => "long",
        LinkFit::TooLong => "too-long",
    }
    .to_string()
}

struct ViewerSeries {
    name: String,
    unit: Unit,
    times_ms: Vec<i64>,
    values: Vec<f64>,
    limit: Option<f64>,
}

/// The main thread's chart state: samples and the report, redrawn on demand.
#[wasm_bindgen]
#[derive(Default)]
pub struct Viewer {
    series: Vec<ViewerSeries>,
    report: Option<Report>,
}

#[wasm_bindgen]
impl Viewer {
    /// An empty viewer.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Viewer {
        Viewer::default()
    }

    /// Replaces the report (JSON of the contract).
    ///
    /// # Errors
    /// When the JSON is not a report.
    pub fn set_report(&mut self, report_json: &str) -> Result<(), JsError> {
        let report: Report =
            serde_json::from_str(report_json).map_err(|e| JsError::new(&format!("bad report: {e}")))?;
        self.report = Some(report);
        self.series.clear();
        Ok(())
    }

    /// Adds the samples of the next series (in the report's order). Takes the arrays by value:
    /// they are copied into wasm memory once and kept there (times converted in place).
    pub fn add_series(&mut self, times: Vec<f64>, values: Vec<f64>, limit: Option<f64>) {
        let index = self.series.len();
        let entry = self.report.as_ref().and_then(|r| r.series.get(index));
        self.series.push(ViewerSeries {
            name: entry.map_or_else(|| format!("series {index}"), |e| e.name.clone()),
            unit: entry.map_or(Unit::Unknown, |e| e.unit.clone()),
            times_ms: times.into_iter().map(|t| t as i64).collect(),
            values,
            limit,
        });
    }

    /// Number of series held.
    pub fn series_count(&self) -> usize {
        self.series.len()
    }

    /// The sample of series `index` nearest to `ms`, as `[time_ms, value]`; empty when none.
    pub fn nearest(&self, index: usize, ms: f64) -> Vec<f64> {
        let Some(s) = self.series.get(index) else { return Vec::new() };
        let target = ms as i64;
        let i = s.times_ms.partition_point(|&t| t < target);
        let candidates = [i.checked_sub(1), Some(i)];
        candidates
            .into_iter()
            .flatten()
            .filter(|&k| k < s.times_ms.len())
            .min_by_key(|&k| (s.times_ms[k] - target).abs())
            .map_or_else(Vec::new, |k| vec![s.times_ms[k] as f64, s.values[k]])
    }

    fn chart_inputs(
        &self,
        selected: &[u32],
        view: &ChartView,
        columns: usize,
        limit: Option<f64>,
    ) -> Vec<(usize, Vec<Envelope>, Option<f64>)> {
        let full: Option<(i64, i64)> = view.x_range.or_else(|| {
            let lo = selected.iter().filter_map(|&i| self.series.get(i as usize)?.times_ms.first().copied()).min()?;
            let hi = selected.iter().filter_map(|&i| self.series.get(i as usize)?.times_ms.last().copied()).max()?;
            Some((lo, hi.max(lo + 1)))
        });
        selected
            .iter()
            .filter_map(|&i| {
                let s = self.series.get(i as usize)?;
                let (x0, x1) = full?;
                let points = chart::reduce(&s.times_ms, &s.values, x0, x1, columns);
                Some((i as usize, points, limit.or(s.limit)))
            })
            .collect()
    }

    /// The reduced inputs as `chart::draw` takes them, with their report entries.
    fn chart_series<'a>(&'a self, inputs: &'a [(usize, Vec<Envelope>, Option<f64>)]) -> Vec<ChartSeries<'a>> {
        inputs
            .iter()
            .filter_map(|(i, points, limit)| {
                let s = self.series.get(*i)?;
                Some(ChartSeries { name: &s.name, unit: &s.unit, points, report: self.report_entry(*i), limit: *limit })
            })
            .collect()
    }

    fn report_entry(&self, index: usize) -> Option<&SeriesReport> {
        self.report.as_ref()?.series.get(index)
    }

    /// Draws the selected series on a canvas; `view_json` is a `ChartView`, `limit` (bytes)
    /// overrides the export's. Returns the layout as JSON, for mapping the pointer to data.
    ///
    /// # Errors
    /// When the view JSON is malformed or the canvas cannot be drawn on.
    pub fn draw(
        &self,
        canvas: web_sys::HtmlCanvasElement,
        view_json: &str,
        selected: Vec<u32>,
        limit: Option<f64>,
    ) -> Result<String, JsError> {
        let view = Self::parse_view(view_json)?;
        let columns = canvas.width() as usize;
        let backend =
            CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("no 2D context on the canvas"))?;
        let area = backend.into_drawing_area();
        let inputs = self.chart_inputs(&selected, &view, columns, limit);
        let chart_series = self.chart_series(&inputs);
        let layout = chart::draw(&area, &chart_series, &view).map_err(|e| JsError::new(&e))?;
        serde_json::to_string(&layout).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Renders the selected series as an SVG document of `width`×`height` px.
    ///
    /// # Errors
    /// When the view JSON is malformed.
    pub fn svg(
        &self,
        view_json: &str,
        selected: Vec<u32>,
        limit: Option<f64>,
        width: u32,
        height: u32,
    ) -> Result<String, JsError> {
        let view = Self::parse_view(view_json)?;
        let inputs = self.chart_inputs(&selected, &view, width as usize, limit);
        let chart_series = self.chart_series(&inputs);
        chart::render_svg(&chart_series, &view, width, height).map_err(|e| JsError::new(&e))
    }

    fn parse_view(view_json: &str) -> Result<ChartView, JsError> {
        serde_json::from_str(view_json).map_err(|e| JsError::new(&format!("bad view: {e}")))
    }

    fn share_state(
        &self,
        view: &ChartView,
        selected: &[u32],
        limit: Option<f64>,
    ) -> Result<share::ShareState, JsError> {
        let report = self.report.as_ref().ok_or_else(|| JsError::new("nothing to share yet: open a file first"))?;
        let picked: Vec<SelectedSeries> = selected
            .iter()
            .filter_map(|&i| {
                let s = self.series.get(i as usize)?;
                Some(SelectedSeries { index: i as usize, times_ms: &s.times_ms, values: &s.values, limit: s.limit })
            })
            .collect();
        Ok(share::state_from_report(report, &picked, view, limit, 600))
    }

    /// The share link's fragment (`v1.…`, without the `#`) for the selected series in this view
    /// (`view_json` is a `ChartView`; a non-empty `title` replaces its title). At full detail
    /// when that fits 2,000 characters, else the best detail that fits 8,000; check the result
    /// with `share_link_fit`.
    ///
    /// # Errors
    /// When the view JSON is malformed, nothing is loaded, or the view is too big for any link
    /// (the message suggests the HTML report).
    pub fn share_fragment(
        &self,
        view_json: &str,
        selected: Vec<u32>,
        limit: Option<f64>,
        title: Option<String>,
    ) -> Result<String, JsError> {
        let mut view = Self::parse_view(view_json)?;
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            view.title = title;
        }
        let state = self.share_state(&view, &selected, limit)?;
        let (fragment, _, _) = share::encode_for_sharing(&state).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(fragment)
    }

    /// Opens a share link (a fragment `v1.…`, `#v1.…`, or a whole URL): replaces the report and
    /// the series with the link's, so `draw` and `svg` show its chart with no file. Returns JSON
    /// `{"report": Report, "view": ChartView, "selected": [0, 1, ...], "limit": number | null}`
    /// for the page to set its controls.
    ///
    /// # Errors
    /// When the link is damaged, truncated, too long or made by a newer version; the message
    /// says which, in words for the user.
    pub fn load_fragment(&mut self, fragment: &str) -> Result<String, JsError> {
        let state = share::decode(fragment).map_err(|e| JsError::new(&e.to_string()))?;
        let report = state.to_report();
        self.series = state
            .series
            .iter()
            .map(|s| {
                // A min/max pair becomes two samples at the same time: reduce and draw keep both.
                let mut times_ms = Vec::with_capacity(s.points.len() * 2);
                let mut values = Vec::with_capacity(s.points.len() * 2);
                for p in &s.points {
                    times_ms.push(p.ms);
                    values.push(p.min);
                    if p.max != p.min {
                        times_ms.push(p.ms);
                        values.push(p.max);
                    }
                }
                ViewerSeries {
                    name: s.report.name.clone(),
                    unit: s.report.unit.clone(),
                    times_ms,
                    values,
                    limit: s.limit,
                }
            })
            .collect();
        let answer = serde_json::json!({
            "report": report,
            "view": state.to_view(),
            "selected": (0..state.series.len()).collect::<Vec<usize>>(),
            "limit": state.limit,
        });
        self.report = Some(report);
        serde_json::to_string(&answer).map_err(|e| JsError::new(&e.to_string()))
    }

    /// The Markdown summary of the current report (at most 5 series), with the link when given.
    pub fn markdown(&self, link: Option<String>) -> String {
        self.report.as_ref().map_or_else(String::new, |r| r.to_markdown(link.as_deref(), 5))
    }

    /// The self-contained HTML report of the selected series in this view: the chart as inline
    /// SVG (1200×560), the figures, the data behind the chart, and the link when given.
    /// Main thread only, like `draw` and `svg`: plotters measures text through the DOM.
    ///
    /// # Errors
    /// When the view JSON is malformed or nothing is loaded.
    pub fn html_report(
        &self,
        view_json: &str,
        selected: Vec<u32>,
        limit: Option<f64>,
        link: Option<String>,
    ) -> Result<String, JsError> {
        // The report is a light page: draw the chart light too.
        let view = ChartView { dark: false, ..Self::parse_view(view_json)? };
        let state = self.share_state(&view, &selected, limit)?;
        let chart_series = state.chart_series();
        let svg = chart::render_svg(&chart_series, &view, 1200, 560).map_err(|e| JsError::new(&e))?;
        Ok(crate::html::html_report(&state.to_report(), &svg, &chart_series, link.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    //! The wasm API under Node: `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
    //! cargo test --target wasm32-unknown-unknown --lib web::`.
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const VIEW: &str = r#"{"x_range": null, "tz_offset_min": 0, "tz_label": "UTC", "dark": true,
        "title": "demo <b>", "annotations": [{"ms": 1723716300000, "label": "alert"}], "footer": null}"#;

    fn demo_viewer() -> Viewer {
        let mut analysis = analyze(crate::demo::DEMO_NAME, crate::demo::demo_csv().as_bytes(), "").ok().unwrap();
        let mut viewer = Viewer::new();
        viewer.set_report(&analysis.report_json()).ok().unwrap();
        for i in 0..analysis.series_count() {
            viewer.add_series(analysis.take_times(i), analysis.take_values(i), analysis.limit(i));
        }
        viewer
    }

    #[wasm_bindgen_test]
    fn a_shared_view_reopens_with_no_file() {
        let viewer = demo_viewer();
        let fragment = viewer.share_fragment(VIEW, vec![0], None, None).ok().unwrap();
        assert!(fragment.starts_with("v1.") && share_link_fit(&fragment) == "short", "{}", fragment.len());
        let mut opened = Viewer::new();
        let answer: serde_json::Value =
            serde_json::from_str(&opened.load_fragment(&format!("#{fragment}")).ok().unwrap()).unwrap();
        assert_eq!(answer["report"]["series"], serde_json::to_value(&viewer.report.as_ref().unwrap().series).unwrap());
        assert_eq!(answer["view"]["title"], "demo <b>");
        assert_eq!(answer["view"]["annotations"][0]["label"], "alert");
        assert_eq!(answer["selected"], serde_json::json!([0]));
        assert_eq!(opened.series_count(), 1);
        // `svg` and `html_report` measure text through the DOM (plotters), which Node lacks: they
        // are covered natively by tests/share.rs with the same core code.
        assert!(opened.markdown(Some(format!("https://x.example/#{fragment}"))).contains("(<https://x.example/#v1."));
    }

    #[wasm_bindgen_test]
    fn a_damaged_link_is_refused_and_keeps_the_view() {
        let mut viewer = demo_viewer();
        assert!(viewer.load_fragment("#v2.AAAA").is_err());
        assert!(viewer.load_fragment("#v1.@@@").is_err());
        assert_eq!(viewer.series_count(), 1);
    }
}
