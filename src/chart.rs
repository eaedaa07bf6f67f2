//! The annotated chart, drawn with plotters on any [`DrawingBackend`]: SVG natively (tests, the
//! CLI's `--svg`, the HTML report), a canvas in the browser. Same code, same picture.
//!
//! It shows the data reduced to one min/max pair per pixel column, the fitted segments, the
//! onset with its uncertainty band, restarts, the stop, the limit, the growth projected to the
//! limit with its prediction band, and the user's annotations. It reads series and report types
//! and never computes analysis; it never names a web type.

use crate::ingest::time::{format_date, format_hm};
use crate::ingest::units::format_value;
use crate::report::SeriesReport;
use crate::series::{TimeAxis, Unit};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

/// A user annotation: a labelled instant ("deploy", "rollback", "alert").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// When, epoch ms.
    pub ms: i64,
    /// The text drawn beside the line.
    pub label: String,
}

/// How to draw: the visible range, the time zone, the theme and the decorations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ChartView {
    /// Visible time range (epoch ms); `None` shows all data (and the exhaustion, if near).
    pub x_range: Option<(i64, i64)>,
    /// Minutes east of UTC for axis labels; 0 is UTC.
    pub tz_offset_min: i32,
    /// Label of the time zone for the axis title (`UTC`, `local`).
    pub tz_label: String,
    /// Dark colours.
    pub dark: bool,
    /// The chart title.
    pub title: String,
    /// User annotations.
    pub annotations: Vec<Annotation>,
    /// A line of small text under the chart (source file and range), for images.
    pub footer: Option<String>,
}

/// One min/max pair for a pixel column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Time of the column's first sample, epoch ms.
    pub ms: i64,
    /// Smallest value in the column.
    pub min: f64,
    /// Largest value in the column.
    pub max: f64,
}

/// A series ready to draw: its samples (raw or already reduced) and its analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries<'a> {
    /// Legend name.
    pub name: &'a str,
    /// Unit of the values.
    pub unit: &'a Unit,
    /// The samples, as min/max pairs (a raw sample is a pair with `min == max`).
    pub points: &'a [Envelope],
    /// The analysis to annotate (onset, segments, restarts, ...), if any.
    pub report: Option<&'a SeriesReport>,
    /// The memory limit to draw, if any.
    pub limit: Option<f64>,
}

/// Where the plot landed on the drawing area, so a pointer can be mapped back to data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChartLayout {
    /// Left edge of the plotting area, px.
    pub left: i32,
    /// Right edge, px.
    pub right: i32,
    /// Top edge, px.
    pub top: i32,
    /// Bottom edge, px.
    pub bottom: i32,
    /// Time at the left edge, epoch ms.
    pub x0: i64,
    /// Time at the right edge, epoch ms.
    pub x1: i64,
    /// Value at the bottom edge.
    pub y0: f64,
    /// Value at the top edge.
    pub y1: f64,
}

/// Raw samples as envelope points (no reduction).
pub fn raw_envelope(times_ms: &[i64], values: &[f64]) -> Vec<Envelope> {
    times_ms.iter().zip(values).map(|(&ms, &v)| Envelope { ms, min: v, max: v }).collect()
}

/// Reduces samples within `[x0, x1]` to at most one min/max pair per column of `columns`
/// (plus the nearest sample outside each edge, so lines run to the border). O(log n + k) when
/// the data is already small, O(k) per visible sample otherwise.
pub fn reduce(times_ms: &[i64], values: &[f64], x0: i64, x1: i64, columns: usize) -> Vec<Envelope> {
    let n = times_ms.len().min(values.len());
    if n == 0 || x1 <= x0 {
        return Vec::new();
    }
    let start = times_ms[..n].partition_point(|&t| t < x0).saturating_sub(1);
    let end = (times_ms[..n].partition_point(|&t| t <= x1) + 1).min(n);
    let columns = columns.max(1);
    if end - start <= columns * 2 {
        return raw_envelope(&times_ms[start..end], &values[start..end]);
    }
    let width = (x1 - x0) as f64 / columns as f64;
    let mut out: Vec<Envelope> = Vec::with_capacity(columns + 2);
    let mut current: Option<(i64, Envelope)> = None;
    for i in start..end {
        let t = times_ms[i];
        let v = values[i];
        let column = ((t - x0) as f64 / width).floor() as i64;
        match &mut current {
            Some((c, env)) if *c == column => {
                env.min = env.min.min(v);
                env.max = env.max.max(v);
            }
            _ => {
                if let Some((_, env)) = current.take() {
                    out.push(env);
                }
                current = Some((column, Envelope { ms: t, min: v, max: v }));
            }
        }
    }
    if let Some((_, env)) = current {
        out.push(env);
    }
    out
}

struct Palette {
    background: RGBColor,
    foreground: RGBColor,
    grid: RGBColor,
    series: [RGBColor; 6],
    onset: RGBColor,
    restart: RGBColor,
    stop: RGBColor,
    limit: RGBColor,
    fit: RGBColor,
    annotation: RGBColor,
    floor: RGBColor,
}

fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            background: RGBColor(24, 26, 31),
            foreground: RGBColor(222, 226, 232),
            grid: RGBColor(52, 56, 64),
            series: [
                RGBColor(110, 168, 254),
                RGBColor(255, 179, 102),
                RGBColor(125, 211, 160),
                RGBColor(214, 150, 255),
                RGBColor(255, 214, 102),
                RGBColor(120, 220, 232),
            ],
            onset: RGBColor(255, 107, 107),
            restart: RGBColor(255, 179, 71),
            stop: RGBColor(105, 219, 124),
            limit: RGBColor(255, 120, 120),
            fit: RGBColor(240, 240, 240),
            annotation: RGBColor(190, 160, 255),
            floor: RGBColor(255, 214, 102),
        }
    } else {
        Palette {
            background: RGBColor(255, 255, 255),
            foreground: RGBColor(33, 37, 41),
            grid: RGBColor(230, 232, 236),
            series: [
                RGBColor(31, 100, 200),
                RGBColor(214, 110, 0),
                RGBColor(20, 140, 70),
                RGBColor(130, 60, 190),
                RGBColor(170, 130, 0),
                RGBColor(0, 130, 150),
            ],
            onset: RGBColor(200, 30, 30),
            restart: RGBColor(200, 110, 0),
            stop: RGBColor(20, 140, 50),
            limit: RGBColor(190, 0, 0),
            fit: RGBColor(40, 40, 40),
            annotation: RGBColor(110, 60, 200),
            floor: RGBColor(176, 112, 0),
        }
    }
}

/// The visible time range: the view's, or all data plus the exhaustion when it is near.
pub fn default_x_range(series: &[ChartSeries]) -> Option<(i64, i64)> {
    let lo = series.iter().filter_map(|s| s.points.first().map(|p| p.ms)).min()?;
    let hi = series.iter().filter_map(|s| s.points.last().map(|p| p.ms)).max()?;
    let span = (hi - lo).max(1);
    let mut right = hi;
    for s in series {
        if let Some(ex) = s.report.and_then(|r| r.exhaustion) {
            // Show the crossing when it is within half the data span beyond the end.
            if ex.ms > hi && ex.ms - hi <= span / 2 {
                right = right.max(ex.ms + span / 40);
            }
        }
    }
    Some((lo, right.max(lo + 1)))
}

/// Draws the chart and returns where the plot landed.
///
/// # Errors
/// A message when the backend fails (a canvas gone, a full disk).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[ChartSeries],
    view: &ChartView,
) -> Result<ChartLayout, String> {
    let colors = palette(view.dark);
    area.fill(&colors.background).map_err(|e| e.to_string())?;
    let area = match &view.footer {
        Some(footer) => {
            let (w, h) = area.dim_in_pixel();
            let (main, foot) = area.split_vertically(h.saturating_sub(22));
            let style = (FontFamily::SansSerif, 12).into_font().color(&colors.foreground);
            foot.draw_text(&clip_label(footer, 200), &style, (10, 4)).map_err(|e| e.to_string())?;
            let _ = w;
            main
        }
        None => area.clone(),
    };
    let Some((x0, x1)) = view.x_range.filter(|(a, b)| b > a).or_else(|| default_x_range(series)) else {
        let style = (FontFamily::SansSerif, 16).into_font().color(&colors.foreground);
        area.draw_text("no data to draw", &style, (20, 20)).map_err(|e| e.to_string())?;
        return Ok(ChartLayout { left: 0, right: 0, top: 0, bottom: 0, x0: 0, x1: 1, y0: 0.0, y1: 1.0 });
    };
    let unit = series.first().map(|s| s.unit.clone()).unwrap_or_default();
    let axis = series.first().and_then(|s| s.report).map_or(TimeAxis::Epoch, |r| r.time_axis);

    // Value range over what is visible, the limit when the projection reaches it, and the fit.
    let mut y_lo = f64::INFINITY;
    let mut y_hi = f64::NEG_INFINITY;
    for s in series {
        for p in s.points.iter().filter(|p| p.ms >= x0 && p.ms <= x1) {
            y_lo = y_lo.min(p.min);
            y_hi = y_hi.max(p.max);
        }
        if let (Some(limit), Some(r)) = (s.limit, s.report) {
            if r.exhaustion.is_some_and(|e| e.ms <= x1) || y_hi > 0.8 * limit {
                y_hi = y_hi.max(limit);
            }
        }
    }
    if !y_lo.is_finite() || !y_hi.is_finite() {
        y_lo = 0.0;
        y_hi = 1.0;
    }
    let (mut y0, mut y1) = value_range(y_lo, y_hi, &unit);
    if !(y1 - y0).is_finite() {
        // Values near the limits of f64: keep the arithmetic below finite.
        (y0, y1) = (y0.max(-f64::MAX / 4.0), y1.min(f64::MAX / 4.0));
    }
    let clip = Clip::new(x0, x1, y0, y1);

    let span = x1 - x0;
    let tz = view.tz_offset_min;
    let x_fmt = move |ms: &i64| -> String {
        match axis {
            TimeAxis::Epoch if span > 2 * 86_400_000 => {
                format!("{} {}", &format_date(*ms, tz)[5..], format_hm(*ms, tz))
            }
            TimeAxis::Epoch => format_hm(*ms, tz),
            TimeAxis::Relative => crate::ingest::time::format_duration((*ms) as f64),
            _ => format!("{ms}"),
        }
    };
    let x_title = match axis {
        TimeAxis::Epoch => {
            let day = format_date(x0, tz);
            let label = if view.tz_label.is_empty() { "UTC" } else { view.tz_label.as_str() };
            format!("time ({label}) from {day}")
        }
        TimeAxis::Relative => "time since start".to_string(),
        TimeAxis::Instructions => "instructions executed".to_string(),
        TimeAxis::AllocatedBytes => "bytes allocated".to_string(),
    };
    let y_unit = unit.clone();
    let y_fmt = move |v: &f64| format_value(*v, &y_unit);

    let title_style = (FontFamily::SansSerif, 17).into_font().color(&colors.foreground);
    let label_style = (FontFamily::SansSerif, 12).into_font().color(&colors.foreground);
    let mut chart = ChartBuilder::on(&area)
        .caption(if view.title.is_empty() { "memory".to_string() } else { clip_label(&view.title, 120) }, title_style)
        .margin(12)
        .margin_right(28)
        .x_label_area_size(40)
        .y_label_area_size(78)
        .build_cartesian_2d(
            (x0..x1).with_key_points(time_ticks(x0, x1, tz, axis, 9)),
            TickedValues { range: y0..y1, ticks: value_ticks(y0, y1, &unit, 7) },
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_labels(12)
        .y_labels(10)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(x_title)
        .label_style(label_style.clone())
        .axis_desc_style(label_style.clone())
        .axis_style(colors.foreground)
        .bold_line_style(colors.grid)
        .light_line_style(colors.background)
        .draw()
        .map_err(|e| e.to_string())?;

    let vline = |ms: i64| vec![(ms, y0), (ms, y1)];
    let primary = series.first().and_then(|s| s.report);
    // Legend entries (label, line style), drawn last, over the data.
    let mut legend: Vec<(String, ShapeStyle)> = Vec::new();

    // Onset band first, so data draws over it.
    if let Some(onset) = primary.and_then(|r| r.onset) {
        let band = colors.onset.mix(0.14).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(onset.low_ms.max(x0), y0), (onset.high_ms.min(x1).max(onset.low_ms.max(x0)), y1)],
                band,
            )))
            .map_err(|e| e.to_string())?;
    }
    // Prediction band of the projection to the limit.
    if let (Some(r), Some(s)) = (primary, series.first()) {
        if let (Some(ex), Some(g), Some(last)) = (r.exhaustion, r.growth, s.points.last()) {
            let end_value = r.segments.last().map_or(last.max, |seg| seg.end_value);
            let start = r.end_ms;
            let hours = |ms: i64| (ms - start) as f64 / 3_600_000.0;
            let far = ex.high_ms.min(x1).max(start);
            let upper_end = ex.low_ms.min(x1).max(start);
            let poly = vec![
                (start, end_value),
                (upper_end, (end_value + g.high * hours(upper_end)).min(ex.limit)),
                (far, (end_value + g.low.max(0.0) * hours(far)).min(ex.limit)),
            ];
            let poly: Vec<(i64, f64)> = poly.into_iter().map(|p| clip.clamp(p)).collect();
            chart
                .draw_series(std::iter::once(Polygon::new(poly, colors.limit.mix(0.12).filled())))
                .map_err(|e| e.to_string())?;
            let mid_end = ex.ms.min(x1).max(start);
            let line = clip.polyline(&[(start, end_value), (mid_end, end_value + g.per_hour * hours(mid_end))]);
            chart
                .draw_series(line.into_iter().map(|piece| PathElement::new(piece, colors.limit.stroke_width(2))))
                .map_err(|e| e.to_string())?;
            legend.push((
                format!("projection: limit reached {}", describe_ms(ex.ms, axis, tz)),
                colors.limit.stroke_width(2),
            ));
        }
    }

    for (k, s) in series.iter().enumerate() {
        let color = colors.series[k % colors.series.len()];
        let pieces = line_pieces(s.points);
        let mut drawn = false;
        for piece in pieces.iter().flat_map(|piece| clip.polyline(piece)) {
            chart.draw_series(LineSeries::new(piece, color.stroke_width(1))).map_err(|e| e.to_string())?;
            drawn = true;
        }
        if drawn {
            legend.push((clip_label(s.name, 60), color.stroke_width(3)));
        }
    }

    if let (Some(r), Some(s)) = (primary, series.first()) {
        if r.judged_on_floor {
            // The post-GC floor the verdict was judged on, from the drawn (reduced) data.
            let times: Vec<i64> = s.points.iter().map(|p| p.ms).collect();
            let mins: Vec<f64> = s.points.iter().map(|p| p.min).collect();
            let floor = crate::analyze::floor::gc_floor(&times, &mins);
            let style = colors.floor.stroke_width(2);
            let mut drawn = false;
            for piece in clip.polyline(&floor) {
                chart.draw_series(LineSeries::new(piece, style)).map_err(|e| e.to_string())?;
                drawn = true;
            }
            if drawn {
                legend.push(("GC floor (judged on)".to_string(), style));
            }
        }
    }
    if let Some(r) = primary {
        if !r.segments.is_empty() {
            let fit = colors.fit.mix(0.55).stroke_width(2);
            for seg in &r.segments {
                let line = clip.polyline(&[(seg.start_ms, seg.start_value), (seg.end_ms, seg.end_value)]);
                chart
                    .draw_series(line.into_iter().map(|piece| PathElement::new(piece, fit)))
                    .map_err(|e| e.to_string())?;
            }
        }
        let mut marks: Vec<(i64, RGBColor, String)> = Vec::new();
        if let Some(onset) = r.onset {
            marks.push((onset.ms, colors.onset, format!("onset {}", describe_ms(onset.ms, axis, tz))));
        }
        for &ms in &r.restarts_ms {
            marks.push((ms, colors.restart, format!("restart {}", describe_ms(ms, axis, tz))));
        }
        if let Some(stop) = r.stop_ms {
            marks.push((stop, colors.stop, format!("stop {}", describe_ms(stop, axis, tz))));
        }
        for (i, (ms, color, text)) in marks.into_iter().enumerate() {
            if ms < x0 || ms > x1 {
                continue;
            }
            chart
                .draw_series(std::iter::once(PathElement::new(vline(ms), color.stroke_width(2))))
                .map_err(|e| e.to_string())?;
            let row = (i % 3) as f64;
            let y = y1 - (y1 - y0) * (0.04 + 0.06 * row);
            let style = (FontFamily::SansSerif, 12).into_font().color(&color);
            chart.draw_series(std::iter::once(Text::new(text, (ms, y), style))).map_err(|e| e.to_string())?;
        }
    }
    if let Some(limit) = series.first().and_then(|s| s.limit) {
        if limit >= y0 && limit <= y1 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x0, limit), (x1, limit)],
                    colors.limit.stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
            let style =
                (FontFamily::SansSerif, 12).into_font().color(&colors.limit).pos(Pos::new(HPos::Right, VPos::Bottom));
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("limit {}", format_value(limit, &unit)),
                    (x1, limit),
                    style,
                )))
                .map_err(|e| e.to_string())?;
        }
    }
    for (i, a) in view.annotations.iter().enumerate() {
        if a.ms < x0 || a.ms > x1 {
            continue;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(vline(a.ms), colors.annotation.stroke_width(1))))
            .map_err(|e| e.to_string())?;
        let y = y0 + (y1 - y0) * (0.05 + 0.06 * (i % 4) as f64);
        let style = (FontFamily::SansSerif, 12).into_font().color(&colors.annotation);
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{} {}", clip_label(&a.label, 40), describe_ms(a.ms, axis, tz)),
                (a.ms, y),
                style,
            )))
            .map_err(|e| e.to_string())?;
    }
    draw_legend(&chart.plotting_area().strip_coord_spec(), &legend, &label_style, &colors)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    area.present().map_err(|e| e.to_string())?;
    Ok(ChartLayout { left: xr.start, right: xr.end, top: yr.start, bottom: yr.end, x0, x1, y0, y1 })
}

/// The legend: a box in the plot's upper left with a line swatch and a label per entry (the
/// layout of plotters' series labels, drawn here from our own list of entries).
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, ShapeStyle)],
    font: &TextStyle,
    colors: &Palette,
) -> Result<(), String> {
    const CORNER: i32 = 5;
    const MARGIN: i32 = 10;
    const SWATCH: i32 = 30;
    if entries.is_empty() {
        return Ok(());
    }
    let mut width = 0;
    for (label, _) in entries {
        width = width.max(area.estimate_text_size(label, font).map_err(|e| e.to_string())?.0 as i32);
    }
    let line = (font.font.get_size() * 1.25) as i32;
    let (w, h) = (width + SWATCH + 2 * MARGIN, line * entries.len() as i32 + 2 * MARGIN);
    let corners = [(CORNER, CORNER), (CORNER + w, CORNER + h)];
    area.draw(&Rectangle::new(corners, colors.background.mix(0.85).filled())).map_err(|e| e.to_string())?;
    area.draw(&Rectangle::new(corners, colors.grid)).map_err(|e| e.to_string())?;
    for (k, (label, style)) in entries.iter().enumerate() {
        let top = CORNER + MARGIN + k as i32 * line;
        let (x, y) = (CORNER + MARGIN, top + line / 2);
        area.draw(&PathElement::new(vec![(x, y), (x + 18, y)], *style)).map_err(|e| e.to_string())?;
        area.draw(&Text::new(label.as_str(), (CORNER + MARGIN + SWATCH, top), font.clone()))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A linear value axis whose tick positions we choose (round binary sizes for bytes).
struct TickedValues {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl plotters::coord::ranged1d::Ranged for TickedValues {
    type FormatOption = plotters::coord::ranged1d::NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if span <= 0.0 {
            return limit.0;
        }
        let fraction = (value - self.range.start) / span;
        let pixel = f64::from(limit.0) + fraction * f64::from(limit.1 - limit.0);
        pixel.clamp(-1e6, 1e6).round() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.max_num_points() == 0 || !hint.weight().allow_light_points() && hint.max_num_points() < self.ticks.len()
        {
            return self.ticks.iter().copied().step_by(2).collect();
        }
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

impl plotters::coord::ranged1d::ValueFormatter<f64> for TickedValues {
    fn format(value: &f64) -> String {
        format!("{value}")
    }
}

const TIME_STEPS_MS: &[i64] = &[
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
    172_800_000,
    604_800_000,
    1_209_600_000,
    2_592_000_000,
];

/// Tick positions on a time axis at round wall-clock steps (every 15 min, 1 h, 6 h, 1 d, ...)
/// in the view's time zone, at most `max` of them. Non-time axes get 1-2-5 steps.
pub fn time_ticks(x0: i64, x1: i64, tz_offset_min: i32, axis: TimeAxis, max: usize) -> Vec<i64> {
    let span = (x1 - x0).max(1);
    if !axis.is_time() {
        return value_ticks(x0 as f64, x1 as f64, &Unit::Unknown, max).into_iter().map(|v| v.round() as i64).collect();
    }
    let step =
        TIME_STEPS_MS.iter().copied().find(|&s| span / s < max as i64).unwrap_or(span / max.max(1) as i64).max(1);
    let shift = if axis == TimeAxis::Epoch { i64::from(tz_offset_min) * 60_000 } else { 0 };
    let first = (x0 + shift).div_euclid(step) * step - shift;
    let mut ticks = Vec::new();
    let mut t = if first < x0 { first + step } else { first };
    while t <= x1 && ticks.len() <= max * 2 {
        ticks.push(t);
        t += step;
    }
    ticks
}

/// Tick positions on a value axis: round binary sizes for bytes (256 MiB, 1 GiB, ...), 1-2-5
/// steps otherwise, at most `max` of them.
pub fn value_ticks(y0: f64, y1: f64, unit: &Unit, max: usize) -> Vec<f64> {
    let span = y1 - y0;
    if !(span.is_finite() && span > 0.0) || max == 0 {
        return vec![y0];
    }
    let raw = span / max as f64;
    let step = if *unit == Unit::Bytes && raw >= 1.0 {
        let power = 1024f64.powf((raw.log2() / 10.0).floor());
        [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0]
            .iter()
            .map(|m| m * power)
            .find(|&s| s >= raw)
            .unwrap_or(power * 1024.0)
    } else {
        let magnitude = 10f64.powf(raw.log10().floor());
        [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|&s| s >= raw).unwrap_or(magnitude * 10.0)
    };
    let mut ticks = Vec::new();
    let mut v = (y0 / step).ceil() * step;
    while v <= y1 + step * 1e-9 && ticks.len() <= max * 2 {
        ticks.push(v);
        v += step;
    }
    ticks
}

/// The region lines are drawn into: the visible ranges widened by one span on every side.
/// Plotters maps coordinates to `i32` pixels with unchecked arithmetic, so a point far outside
/// the view (a fit from a year-long series seen at one minute's zoom, a tampered link) must be
/// clipped to this first; clipping keeps the visible part of every line exact.
#[derive(Debug, Clone, Copy)]
struct Clip {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Clip {
    fn new(x0: i64, x1: i64, y0: f64, y1: f64) -> Self {
        let (w, h) = (x1 as f64 - x0 as f64, y1 - y0);
        Clip { x0: x0 as f64 - w, x1: x1 as f64 + w, y0: y0 - h, y1: y1 + h }
    }

    fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    fn clamp(&self, (x, y): (i64, f64)) -> (i64, f64) {
        ((x as f64).clamp(self.x0, self.x1).round() as i64, y.clamp(self.y0, self.y1))
    }

    /// The part of the segment `a`–`b` inside the region, as parameters `(t0, t1)` along it
    /// (Liang & Barsky 1984); `None` when it misses.
    fn segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [(-dx, a.0 - self.x0), (dx, self.x1 - a.0), (-dy, a.1 - self.y0), (dy, self.y1 - a.1)] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        (t0 <= t1 && t0.is_finite() && t1.is_finite()).then_some((t0, t1))
    }

    /// A polyline cut to the region: the pieces that lie inside, original points kept exact.
    fn polyline(&self, points: &[(i64, f64)]) -> Vec<Vec<(i64, f64)>> {
        let as_f = |p: (i64, f64)| (p.0 as f64, p.1);
        if let [only] = points {
            return if self.contains(as_f(*only)) { vec![vec![*only]] } else { Vec::new() };
        }
        let mut pieces = Vec::new();
        let mut current: Vec<(i64, f64)> = Vec::new();
        for w in points.windows(2) {
            let (a, b) = (as_f(w[0]), as_f(w[1]));
            let Some((t0, t1)) = self.segment(a, b) else {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                continue;
            };
            let at = |t: f64| ((a.0 + t * (b.0 - a.0)).round() as i64, a.1 + t * (b.1 - a.1));
            let start = if t0 <= 0.0 { w[0] } else { at(t0) };
            let end = if t1 >= 1.0 { w[1] } else { at(t1) };
            if current.last() != Some(&start) {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                current.push(start);
            }
            current.push(end);
        }
        if !current.is_empty() {
            pieces.push(current);
        }
        pieces
    }
}

/// The series' line, broken at gaps: an interval over 5 typical steps that is also over 5 times
/// the shorter of the intervals on either side of it. A stretch scraped less often (before a
/// change of resolution) keeps its line: its every interval is long beside the typical step,
/// and was drawn as a gap, so those hours showed no data at all.
fn line_pieces(points: &[Envelope]) -> Vec<Vec<(i64, f64)>> {
    let typical = typical_step(points);
    let step = |i: usize| points[i].ms.saturating_sub(points[i - 1].ms);
    let mut pieces = Vec::new();
    let mut path: Vec<(i64, f64)> = Vec::with_capacity(points.len() * 2);
    for (i, p) in points.iter().enumerate() {
        if i > 0 && typical > 0 && !path.is_empty() {
            let dt = step(i);
            let around = [(i >= 2).then(|| step(i - 1)), (i + 1 < points.len()).then(|| step(i + 1))];
            let local = around.into_iter().flatten().min().unwrap_or(typical);
            if dt > typical.saturating_mul(5) && dt > local.saturating_mul(5) {
                pieces.push(std::mem::take(&mut path));
            }
        }
        path.push((p.ms, p.min));
        if p.max != p.min {
            path.push((p.ms, p.max));
        }
    }
    pieces.push(path);
    pieces
}

fn typical_step(points: &[Envelope]) -> i64 {
    if points.len() < 3 {
        return 0;
    }
    let mut steps: Vec<i64> = points.windows(2).take(1000).map(|w| w[1].ms.saturating_sub(w[0].ms)).collect();
    steps.sort_unstable();
    steps[steps.len() / 2]
}

fn describe_ms(ms: i64, axis: TimeAxis, tz: i32) -> String {
    match axis {
        TimeAxis::Epoch => format_hm(ms, tz),
        TimeAxis::Relative => format!("+{}", crate::ingest::time::format_duration(ms as f64)),
        _ => format!("{ms}"),
    }
}

/// User text for the chart: at most `max` characters, without the control characters and
/// non-characters XML forbids (plotters escapes `<`, `&` and quotes itself).
fn clip_label(text: &str, max: usize) -> String {
    let mut out: String =
        text.chars().filter(|&c| !c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}').take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// The value axis for data from `lo` to `hi`: padded, and from zero for sizes when zero is no
/// farther below the data than the data is tall. Further down, zero would squeeze the data into
/// a band where a leak of a few percent (the one to find) shows as a flat line. Zoomed in, the
/// axis still spans a tenth of the top value at least, so the noise of a steady series is not
/// blown up to fill the plot.
fn value_range(lo: f64, hi: f64, unit: &Unit) -> (f64, f64) {
    let from_zero = *unit == Unit::Bytes && lo >= 0.0 && lo <= hi - lo;
    let (lo, hi) = if from_zero {
        (0.0, hi)
    } else {
        let half = (hi - lo).max(0.1 * hi.abs()) / 2.0;
        let mid = lo / 2.0 + hi / 2.0;
        (mid - half, mid + half)
    };
    let pad = ((hi - lo) * 0.06).max(hi.abs() * 1e-3).max(1e-9);
    (if from_zero { 0.0 } else { lo - pad }, hi + pad)
}

/// Renders the chart to an SVG document string.
///
/// # Errors
/// A message when drawing fails.
pub fn render_svg(series: &[ChartSeries], view: &ChartView, width: u32, height: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        let backend = SVGBackend::with_string(&mut svg, (width, height));
        let area = backend.into_drawing_area();
        draw(&area, series, view)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sawtooth_leak_shows_the_floor_it_was_judged_on() {
        use crate::series::Series;
        let mut s = Series::new("heap", Unit::Bytes);
        let mut rng = crate::synth::Rng::new(3);
        for i in 0..2880i64 {
            let floor = 500e6 + if i > 1000 { (i - 1000) as f64 * 60_000.0 } else { 0.0 };
            let tooth = (i % 30) as f64 * 8e6;
            s.push(1_723_680_000_000 + i * 30_000, floor + tooth + rng.normal() * 1e6);
        }
        let report = crate::analyze::analyze_series(&s, &Default::default());
        assert!(report.judged_on_floor, "{report:?}");
        let points = raw_envelope(&s.times_ms, &s.values);
        let series = [ChartSeries { name: "heap", unit: &s.unit, points: &points, report: Some(&report), limit: None }];
        let svg = render_svg(&series, &ChartView::default(), 900, 400).unwrap();
        assert!(svg.contains("GC floor (judged on)"));
    }

    #[test]
    fn the_value_axis_starts_at_zero_only_when_the_data_stays_readable() {
        let gib = 1024.0 * 1024.0 * 1024.0;
        // 4.0–4.3 GiB: from zero the leak would fill a fourteenth of the height.
        let (y0, y1) = value_range(4.0 * gib, 4.3 * gib, &Unit::Bytes);
        assert!(y0 > 3.9 * gib && y0 < 4.0 * gib && y1 > 4.3 * gib, "{y0} {y1}");
        // 0.3–1 GiB: zero is near enough to keep.
        assert_eq!(value_range(0.3 * gib, gib, &Unit::Bytes).0, 0.0);
        // A steady series is not magnified to fill the plot with its noise.
        let mib = 1024.0 * 1024.0;
        let (y0, y1) = value_range(gib - mib, gib + mib, &Unit::Bytes);
        assert!(y1 - y0 >= 0.1 * gib && y0 < gib - 0.04 * gib, "{y0} {y1}");
        // Other units never force zero in.
        assert!(value_range(40.0, 60.0, &Unit::Percent).0 > 30.0);
    }

    #[test]
    fn the_line_breaks_at_gaps_but_not_where_scrapes_were_sparser() {
        let at = |ms: i64| Envelope { ms, min: 1.0, max: 1.0 };
        // Six-minute scrapes for 16 hours, one-minute scrapes after, and a 2-hour gap in each.
        let mut points: Vec<Envelope> = (0..160).map(|i| at(i * 360_000)).collect();
        points.extend((0..20).map(|i| at(65_000_000 + i * 360_000)));
        points.extend((0..1000).map(|i| at(80_000_000 + i * 60_000)));
        points.extend((0..100).map(|i| at(150_000_000 + i * 60_000)));
        let pieces = line_pieces(&points);
        let lengths: Vec<usize> = pieces.iter().map(Vec::len).collect();
        assert_eq!(lengths, [160, 20, 1000, 100]);
    }

    #[test]
    fn ticks_are_round() {
        let day = 1_723_680_000_000; // 2024-08-15T00:00:00Z
        let ticks = time_ticks(day, day + 14 * 3_600_000, 0, TimeAxis::Epoch, 9);
        assert_eq!(ticks.first(), Some(&day));
        assert!(ticks.windows(2).all(|w| w[1] - w[0] == 7_200_000), "{ticks:?}");
        let ticks = time_ticks(day + 1, day + 14 * 3_600_000, 120, TimeAxis::Epoch, 9);
        assert!(ticks.iter().all(|t| (t + 7_200_000) % 7_200_000 == 0), "{ticks:?}");
        let gib = 1024.0 * 1024.0 * 1024.0;
        let ticks = value_ticks(0.0, 4.2 * gib, &Unit::Bytes, 7);
        assert_eq!(ticks[1], 1024.0 * 1024.0 * 1024.0, "{ticks:?}");
        assert_eq!(value_ticks(0.0, 97.0, &Unit::Percent, 7), vec![0.0, 20.0, 40.0, 60.0, 80.0]);
    }

    #[test]
    fn clipping_keeps_the_visible_part_of_far_lines() {
        let clip = Clip::new(0, 100, 0.0, 10.0);
        // A line from far left to far right through the view keeps its slope.
        let pieces = clip.polyline(&[(-1_000_000_000_000, -1e11), (1_000_000_000_000, 1e11 + 10.0)]);
        assert_eq!(pieces.len(), 1);
        for &(x, y) in &pieces[0] {
            assert!((-100..=200).contains(&x));
            let expected = (x as f64 + 1e12) * (2e11 + 10.0) / 2e12 - 1e11;
            assert!((y - expected).abs() < 1.0, "{x} {y} {expected}");
        }
        // Points inside are kept exactly; a segment that misses is dropped.
        assert_eq!(clip.polyline(&[(10, 1.0), (20, 2.0)]), vec![vec![(10, 1.0), (20, 2.0)]]);
        assert!(clip.polyline(&[(1000, 1.0), (2000, 2.0)]).is_empty());
        assert!(clip.polyline(&[(1000, 1.0)]).is_empty());
    }

    #[test]
    fn far_away_points_do_not_overflow_pixels() {
        let points = vec![
            Envelope { ms: -900_000_000_000_000, min: -1e300, max: 1e300 },
            Envelope { ms: 0, min: 1.0, max: 2.0 },
            Envelope { ms: 60_000, min: 1.5, max: 1.5 },
            Envelope { ms: 900_000_000_000_000, min: 1e300, max: 1e300 },
        ];
        let unit = Unit::Bytes;
        let series = [ChartSeries { name: "x", unit: &unit, points: &points, report: None, limit: Some(1e306) }];
        let view = ChartView { x_range: Some((0, 60_000)), ..ChartView::default() };
        assert!(render_svg(&series, &view, 300, 200).is_ok());
        assert!(render_svg(&series, &ChartView::default(), 300, 200).is_ok());
    }

    #[test]
    fn reduce_keeps_extremes_and_bounds_size() {
        let times: Vec<i64> = (0..100_000).collect();
        let mut values: Vec<f64> = times.iter().map(|&t| (t % 100) as f64).collect();
        values[54_321] = 1e6;
        let env = reduce(&times, &values, 0, 99_999, 500);
        assert!(env.len() <= 502, "{}", env.len());
        assert!(env.iter().any(|e| e.max == 1e6));
        assert!(env.iter().all(|e| e.min <= e.max));
        let small = reduce(&times[..10], &values[..10], 0, 9, 500);
        assert_eq!(small.len(), 10);
    }
}
