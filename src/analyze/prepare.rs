//! Preparation of a series before trend analysis: restarts (a large, abrupt drop toward the
//! lifetime's starting level after gradual growth) split it into lifetimes; a GC saw tooth (many
//! such drops) is replaced by its lower envelope, one floor point per tooth; daily seasonality is
//! estimated over whole periods (the residual from a 24-hour centred moving average, averaged by
//! time of day) and removed. Gaps are kept as gaps: nothing is interpolated.
//!
//! Pure numeric code on `(x in hours, y)` slices; no series model, no report, no web types.

use crate::analyze::changepoint::{median_in_place, robust_scale};

/// The series the trend analysis works on.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Positions (hours since the first sample).
    pub x: Vec<f64>,
    /// Values (the raw values, the floor of a saw tooth, or deseasonalised values).
    pub y: Vec<f64>,
    /// True when `y` is the lower envelope of a saw tooth.
    pub on_floor: bool,
    /// True when a daily profile was removed.
    pub seasonal: bool,
    /// Index (into `x`) of the first sample of every lifetime after a restart.
    pub restarts: Vec<usize>,
}

/// A drop event: a short run of falling samples containing at least one abrupt fall.
#[derive(Debug, Clone, Copy)]
struct Drop {
    /// Index of the last sample before the fall.
    before: usize,
    /// Index of the first sample after the fall.
    after: usize,
}

/// Finds abrupt drops: runs of at most `max_run` consecutive falls with at least one fall larger
/// than 6 robust difference scales (about once in 10⁹ Gaussian differences).
fn drops(y: &[f64], max_run: usize) -> Vec<Drop> {
    let d: Vec<f64> = y.windows(2).map(|w| w[1] - w[0]).collect();
    let scale = robust_scale(&d);
    if scale <= 0.0 {
        return Vec::new();
    }
    let big = 6.0 * scale;
    let mut out = Vec::new();
    let mut i = 0;
    while i < d.len() {
        if d[i] < -big {
            let mut a = i;
            while a > 0 && d[a - 1] < -2.0 * scale && i - a < max_run {
                a -= 1;
            }
            let mut b = i;
            while b + 1 < d.len() && d[b + 1] < -2.0 * scale && b - a + 1 < max_run {
                b += 1;
            }
            if b - a < max_run {
                out.push(Drop { before: a, after: b + 1 });
            }
            i = b + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn median_of(y: &[f64]) -> f64 {
    median_in_place(&mut y.to_vec())
}

/// Prepares `(x, y)`: floor of a saw tooth, restarts, daily seasonality (when `x` is time and
/// spans at least two days).
pub fn prepare(x: &[f64], y: &[f64], is_time: bool) -> Prepared {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let all = drops(y, 3);
    let span = x.last().copied().unwrap_or(0.0) - x.first().copied().unwrap_or(0.0);
    let spread = match (all.first(), all.last()) {
        (Some(a), Some(b)) => x.get(b.after).copied().unwrap_or(0.0) - x.get(a.after).copied().unwrap_or(0.0),
        _ => 0.0,
    };
    let mut prepared = if all.len() >= 6 && spread >= 0.4 * span {
        floor_of(x, y, &all)
    } else {
        Prepared { x: x.to_vec(), y: y.to_vec(), ..Prepared::default() }
    };
    let found = if prepared.on_floor { drops(&prepared.y, 1) } else { all };
    prepared.restarts = restarts(&prepared.y, &found);
    if is_time && span >= 48.0 {
        deseasonalise(&mut prepared);
    }
    prepared
}

/// The lower envelope: one floor point per whole tooth (the post-GC minimum at its own time).
/// Teeth are many samples long, so even a few of them carry the floor's trend; a rolling
/// minimum over every sample would instead make a noiseless staircase that no noise estimate
/// can read.
fn floor_of(x: &[f64], y: &[f64], drops: &[Drop]) -> Prepared {
    floor_per_tooth(x, y, drops)
}

/// One floor point per tooth: the minimum between consecutive drops, at its own time.
fn floor_per_tooth(x: &[f64], y: &[f64], drops: &[Drop]) -> Prepared {
    // The window usually opens part-way up a tooth: the minimum before the first drop is a
    // point on a ramp, not a post-GC level, so the floor starts with the first whole tooth.
    let mut cuts: Vec<usize> = drops.iter().map(|d| d.after).collect();
    cuts.push(x.len());
    let mut fx = Vec::with_capacity(cuts.len());
    let mut fy = Vec::with_capacity(cuts.len());
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if let Some((i, v)) =
            y.get(a..b).and_then(|s| s.iter().enumerate().min_by(|p, q| p.1.total_cmp(q.1)).map(|(i, &v)| (a + i, v)))
        {
            fx.push(x[i]);
            fy.push(v);
        }
    }
    Prepared { x: fx, y: fy, on_floor: true, ..Prepared::default() }
}

/// Restarts: abrupt drops that undo most of a gradual growth since the lifetime began and land
/// near the lifetime's starting level.
fn restarts(y: &[f64], drops: &[Drop]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut life_start = 0;
    for &d in drops {
        if d.before < life_start + 4 {
            continue;
        }
        let life = &y[life_start..=d.before];
        let head = &life[..(life.len() / 10).max(3).min(life.len())];
        let start_level = median_of(head);
        let pre = median_of(&y[d.before.saturating_sub(2).max(life_start)..=d.before]);
        let post = median_of(&y[d.after..(d.after + 3).min(y.len())]);
        let accumulated = pre - start_level;
        let fall = pre - post;
        let biggest_jump = life.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        let gradual = biggest_jump < 0.5 * accumulated;
        if accumulated > 0.0 && fall >= 0.5 * accumulated && post - start_level <= 0.5 * accumulated && gradual {
            out.push(d.after);
            life_start = d.after;
        }
    }
    out
}

/// Removes a daily profile estimated over whole days when it is strong relative to the residual.
fn deseasonalise(p: &mut Prepared) {
    const DAY: f64 = 24.0;
    const BINS: usize = 48;
    let n = p.x.len();
    if n < 2 * BINS {
        return;
    }
    let x0 = p.x[0];
    let x1 = p.x[n - 1];
    // Centred 24-hour moving average over the samples (two pointers, prefix sums).
    let mut prefix = vec![0.0; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + p.y[i];
    }
    let mut sums = [0.0; BINS];
    let mut counts = [0.0; BINS];
    // Even and odd days separately: a real daily shape repeats, a one-off event does not.
    let mut halves = [[0.0; BINS]; 2];
    let mut half_counts = [[0.0; BINS]; 2];
    let mut resid_sq = 0.0;
    let mut resid_n = 0.0;
    let (mut lo, mut hi) = (0usize, 0usize);
    for i in 0..n {
        let xi = p.x[i];
        if xi - x0 < DAY / 2.0 || x1 - xi < DAY / 2.0 {
            continue;
        }
        while lo < n && p.x[lo] < xi - DAY / 2.0 {
            lo += 1;
        }
        while hi < n && p.x[hi] < xi + DAY / 2.0 {
            hi += 1;
        }
        if hi <= lo {
            continue;
        }
        let ma = (prefix[hi] - prefix[lo]) / (hi - lo) as f64;
        let r = p.y[i] - ma;
        let bin = bin_of(xi, x0, DAY, BINS);
        sums[bin] += r;
        counts[bin] += 1.0;
        let parity = (((xi - x0) / DAY) as usize) % 2;
        halves[parity][bin] += r;
        half_counts[parity][bin] += 1.0;
        resid_sq += r * r;
        resid_n += 1.0;
    }
    if counts.iter().any(|&c| c < 2.0) || resid_n < 2.0 * BINS as f64 {
        return;
    }
    let profile: Vec<f64> = sums.iter().zip(&counts).map(|(s, c)| s / c).collect();
    let mean = profile.iter().sum::<f64>() / BINS as f64;
    let profile: Vec<f64> = profile.iter().map(|v| v - mean).collect();
    let var_profile = profile.iter().map(|v| v * v).sum::<f64>() / BINS as f64;
    let var_resid = resid_sq / resid_n;
    // The profile's own noise: a bin mean of ~resid_n/BINS correlated samples. Require the daily
    // shape to explain a quarter of what the moving average leaves.
    if var_profile < 0.25 * var_resid {
        return;
    }
    if half_counts.iter().flatten().any(|&c| c < 1.0) {
        return;
    }
    let even: Vec<f64> = halves[0].iter().zip(&half_counts[0]).map(|(s, c)| s / c).collect();
    let odd: Vec<f64> = halves[1].iter().zip(&half_counts[1]).map(|(s, c)| s / c).collect();
    // With a single day on each side a chance resemblance is likelier: ask for more.
    let interior_days = ((x1 - x0) / DAY - 1.0).floor();
    let needed = if interior_days >= 4.0 { 0.6 } else { 0.8 };
    if correlation(&even, &odd) < needed {
        return;
    }
    for i in 0..n {
        let bin = bin_of(p.x[i], x0, DAY, BINS);
        p.y[i] -= profile[bin];
    }
    p.seasonal = true;
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len()) as f64;
    if n < 2.0 {
        return 0.0;
    }
    let ma = a.iter().sum::<f64>() / n;
    let mb = b.iter().sum::<f64>() / n;
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
    if va <= 0.0 || vb <= 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

fn bin_of(x: f64, x0: f64, period: f64, bins: usize) -> usize {
    let phase = ((x - x0) / period).rem_euclid(1.0);
    ((phase * bins as f64) as usize).min(bins - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_splits_lifetimes() {
        let x: Vec<f64> = (0..200).map(|i| i as f64 / 10.0).collect();
        let y: Vec<f64> = (0..200).map(|i| (i % 120) as f64 + ((i * 37) % 5) as f64 * 0.1).collect();
        let p = prepare(&x, &y, true);
        assert_eq!(p.restarts, vec![120]);
        assert!(!p.on_floor);
    }

    #[test]
    fn saw_tooth_becomes_its_floor() {
        let x: Vec<f64> = (0..1000).map(|i| i as f64 / 60.0).collect();
        let y: Vec<f64> =
            (0..1000).map(|i| (i % 25) as f64 * 4.0 + i as f64 * 0.01 + ((i * 7) % 3) as f64 * 0.1).collect();
        let p = prepare(&x, &y, true);
        assert!(p.on_floor);
        assert!(p.x.len() >= 38, "{}", p.x.len());
        assert!(p.restarts.is_empty());
    }

    #[test]
    fn a_spike_is_not_a_restart() {
        let x: Vec<f64> = (0..300).map(|i| i as f64).collect();
        let y: Vec<f64> =
            (0..300).map(|i| if (100..110).contains(&i) { 50.0 } else { 0.0 } + ((i * 13) % 7) as f64 * 0.1).collect();
        assert!(prepare(&x, &y, true).restarts.is_empty());
    }
}
