//! The GC floor for drawing: the lower envelope of a saw tooth (the post-GC minimum the verdict
//! was judged on), as epoch-ms points. Uses the same preparation as the analysis, so the chart
//! shows what the verdict looked at. Pure numeric code; no report, no web types.

use super::prepare::prepare;

const HOUR_MS: f64 = 3_600_000.0;

/// The lower envelope of a saw-toothed series, or nothing when the series does not saw.
///
/// ```
/// use leakscope::analyze::floor::gc_floor;
/// let times: Vec<i64> = (0..600).map(|i| i * 60_000).collect();
/// // Teeth every 20 samples on a floor that rises by 1 per tooth.
/// let values: Vec<f64> = (0..600).map(|i| (i / 20) as f64 + (i % 20) as f64 * 5.0).collect();
/// let floor = gc_floor(&times, &values);
/// assert!(!floor.is_empty());
/// assert!(floor.last().unwrap().1 > floor.first().unwrap().1);
/// ```
pub fn gc_floor(times_ms: &[i64], values: &[f64]) -> Vec<(i64, f64)> {
    let n = times_ms.len().min(values.len());
    let Some(&t0) = times_ms.first() else { return Vec::new() };
    let x: Vec<f64> = times_ms[..n].iter().map(|&t| (t - t0) as f64 / HOUR_MS).collect();
    let prepared = prepare(&x, &values[..n], false);
    if !prepared.on_floor {
        return Vec::new();
    }
    prepared.x.iter().zip(&prepared.y).map(|(&h, &v)| (t0 + (h * HOUR_MS).round() as i64, v)).collect()
}
