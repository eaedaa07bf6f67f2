//! Analysis: a [`Series`] in, a [`SeriesReport`] out; a whole [`Parsed`] input in, a ranked
//! [`Report`] out.
//!
//! This module decides *whether* a series leaks and *when*, *how fast*, *until when*. It reads
//! only the series model and writes only report types; it never parses input and never names a
//! web type.

pub mod changepoint;
pub mod trend;

use crate::ingest::Parsed;
use crate::report::{
    ChangeKind, Changepoint, Exhaustion, Growth, Onset, Report, Segment, SeriesReport, Source, Verdict, REPORT_VERSION,
};
use crate::series::Series;

/// What the user tells the analysis.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// A memory limit in the series' unit (bytes), overriding any limit in the export.
    pub limit: Option<f64>,
}

/// Analyzes every series of an input and ranks them: leaks first, the most certain and fastest
/// growing first among them.
pub fn analyze(source_name: &str, parsed: &Parsed, options: &AnalyzeOptions) -> Report {
    let mut series: Vec<SeriesReport> = parsed.series.iter().map(|s| analyze_series(s, options)).collect();
    rank(&mut series);
    Report {
        version: REPORT_VERSION,
        source: Source {
            name: source_name.to_string(),
            format: parsed.format.to_string(),
            format_label: parsed.format_label.to_string(),
            points: parsed.series.iter().map(Series::len).sum(),
        },
        series,
        warnings: parsed.warnings.clone(),
    }
}

/// Orders series reports: leaks before inconclusive before no-leak; within leaks, higher
/// confidence first, then faster growth relative to the series' level.
pub fn rank(series: &mut [SeriesReport]) {
    let class = |s: &SeriesReport| match s.verdict {
        Verdict::Leak => 0,
        Verdict::Inconclusive => 1,
        Verdict::NoLeak => 2,
    };
    let speed = |s: &SeriesReport| s.growth.map_or(0.0, |g| g.per_hour.max(0.0));
    series.sort_by(|a, b| {
        class(a)
            .cmp(&class(b))
            .then(b.confidence.total_cmp(&a.confidence))
            .then(speed(b).total_cmp(&speed(a)))
            .then(a.name.cmp(&b.name))
    });
}

const HOUR_MS: f64 = 3_600_000.0;

/// Analyzes one series.
pub fn analyze_series(series: &Series, options: &AnalyzeOptions) -> SeriesReport {
    let (start_ms, end_ms) = series.time_range().unwrap_or((0, 0));
    let mut report = SeriesReport {
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
    };
    if series.len() < 8 {
        report.reason = format!("only {} points; at least 8 are needed", series.len());
        report.summary = report.describe();
        return report;
    }
    let t: Vec<f64> = series.times_ms.iter().map(|&ms| (ms - start_ms) as f64 / HOUR_MS).collect();
    let y = &series.values;
    let hinge = trend::fit_hinge(&t, y);
    let noise = trend::noise_scale(y);
    let tail_from = series.len() * 3 / 4;
    let tail = trend::theil_sen(&t[tail_from..], &y[tail_from..]);
    let post = trend::theil_sen(&t[hinge.index..], &y[hinge.index..]);
    let span_hours = t[t.len() - 1] - t[hinge.index];
    let rise = post.slope * span_hours;
    let still_rising = tail.slope > 0.4 * post.slope;
    let significant = post.slope > 0.0 && post.low > 0.0 && rise > 6.0 * noise.max(f64::EPSILON) && span_hours > 0.0;
    report.growth = Some(Growth { per_hour: post.slope, low: post.low, high: post.high });
    let onset_ms = series.times_ms[hinge.index];
    report.segments = vec![
        Segment { start_ms, end_ms: onset_ms, start_value: hinge.level, end_value: hinge.level },
        Segment {
            start_ms: onset_ms,
            end_ms,
            start_value: hinge.level,
            end_value: hinge.level + hinge.slope * span_hours,
        },
    ];
    if significant && still_rising {
        report.verdict = Verdict::Leak;
        report.pattern = "steady-leak".into();
        report.confidence = (1.0 - (-(rise / (6.0 * noise.max(f64::EPSILON)))).exp()).clamp(0.5, 0.99);
        let step = series.times_ms.get(1).map_or(0, |&b| b - series.times_ms[0]).max(1);
        let spread = ((hinge.index_spread as i64) * step).max(step);
        report.onset = Some(Onset {
            ms: onset_ms,
            low_ms: (onset_ms - spread).max(start_ms),
            high_ms: (onset_ms + spread).min(end_ms),
        });
        report.changepoints.push(Changepoint { ms: onset_ms, kind: ChangeKind::Slope });
        let limit = options.limit.or(series.limit);
        if let Some(limit) = limit {
            let last = hinge.level + hinge.slope * span_hours;
            if last < limit && post.slope > 0.0 {
                let hours = |slope: f64| (limit - last) / slope;
                let ms = |h: f64| end_ms.saturating_add((h * HOUR_MS).min(1e15) as i64);
                report.exhaustion = Some(Exhaustion {
                    limit,
                    ms: ms(hours(post.slope)),
                    low_ms: ms(hours(post.high.max(post.slope))),
                    high_ms: if post.low > 0.0 { ms(hours(post.low)) } else { i64::MAX / 4 },
                });
            }
        }
    } else {
        report.verdict = Verdict::NoLeak;
        report.pattern = if significant { "cache-warm-up".into() } else { "stable".into() };
        report.confidence = 0.7;
    }
    report.summary = report.describe();
    report
}
