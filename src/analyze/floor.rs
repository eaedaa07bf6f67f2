//! The GC floor for drawing: the floor of a saw tooth the verdict was judged on (its samples less
//! their teeth's ramps), one point per tooth (the mean over the tooth, at its mean time), as
//! epoch-ms points. Uses the same preparation as the analysis, so the chart shows what the
//! verdict looked at. Pure numeric code; no report, no web types.

use super::prepare::prepare;

const HOUR_MS: f64 = 3_600_000.0;

/// The floor of a saw-toothed series, a point per tooth, or nothing when the series does not saw.
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
    let mut ends = prepared.teeth.clone();
    ends.push(prepared.x.len());
    ends.windows(2)
        .filter(|w| w[1] > w[0])
        .map(|w| {
            let (xs, ys) = (&prepared.x[w[0]..w[1]], &prepared.y[w[0]..w[1]]);
            let m = xs.len() as f64;
            let h = xs.iter().sum::<f64>() / m;
            (t0 + (h * HOUR_MS).round() as i64, ys.iter().sum::<f64>() / m)
        })
        .collect()
}
