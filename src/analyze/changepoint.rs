//! Generic changepoint detection on any numeric series: level, slope and variance changes.
//!
//! * **PELT** (Killick, Fearnhead & Eckley 2012): exact penalised optimal partitioning with
//!   inequality pruning, here with a linear-regression segment cost (so one search finds both
//!   level shifts and bends) and with a Gaussian variance cost on first differences (for changes
//!   in the noise level).
//! * **Penalty** chosen by the data, never per file: an MBIC-style `3 · ln(m) · σ²` (Zhang &
//!   Siegmund 2007) where σ² is a robust *long-run* noise variance (MAD scale of residuals,
//!   inflated by `(1 + ρ)/(1 − ρ)` for lag-one autocorrelation ρ), estimated in two passes.
//! * **Continuous slope changes** (CPOP-style, Fearnhead, Maidstone & Letchford 2019): a boundary
//!   whose two lines meet (a continuous hinge fits nearly as well as a jump) is a `slope` change;
//!   the chart segments of [`crate::analyze`] are refitted continuously between jumps. This is an
//!   approximation of CPOP's functional pruning: knots come from the PELT search, then every
//!   knot is refined locally on the raw data.
//! * Long series are aggregated to at most [`MAX_BUCKETS`] weighted buckets for the search
//!   (O(n) preparation, bounded search), then every changepoint is refined on the raw samples
//!   around it.
//!
//! Pure numeric code over slices: no series model, no units, no web types, no allocation that
//! grows faster than the input.

use crate::report::ChangeKind;

/// At most this many buckets enter the PELT search of [`detect`].
pub const MAX_BUCKETS: usize = 2048;

/// A changepoint in a plain numeric series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changepoint {
    /// Index of the first sample after the change.
    pub index: usize,
    /// What changed (`level`, `slope` or `variance`).
    pub kind: ChangeKind,
}

/// A weighted group of consecutive samples: the unit of the segmentation search.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bucket {
    /// Mean position (time or index).
    pub x: f64,
    /// Mean value.
    pub y: f64,
    /// Number of samples.
    pub w: f64,
    /// Index of the first raw sample.
    pub first: usize,
    /// One past the last raw sample.
    pub end: usize,
}

/// Groups samples into at most `max_buckets` buckets of equal width in `x` (empty ones skipped),
/// so gaps and non-uniform sampling are respected. `x` must be non-decreasing.
pub fn buckets_by_x(x: &[f64], y: &[f64], max_buckets: usize) -> Vec<Bucket> {
    let n = x.len().min(y.len());
    let (Some(&x0), Some(&x1)) = (x.first(), x.get(n.saturating_sub(1))) else {
        return Vec::new();
    };
    // Short series keep one bucket per sample: uneven buckets would blur the noise estimate.
    let nb = if n <= 2 * max_buckets { n } else { max_buckets.max(1) };
    let span = x1 - x0;
    let width = if span > 0.0 && span.is_finite() { span / nb as f64 } else { 0.0 };
    let mut out: Vec<Bucket> = Vec::with_capacity(nb);
    let mut current: Option<(usize, Bucket)> = None;
    for i in 0..n {
        let key = if nb == n {
            i
        } else if width > 0.0 {
            (((x[i] - x0) / width) as usize).min(nb - 1)
        } else {
            i * nb / n
        };
        match &mut current {
            Some((k, b)) if *k == key => {
                b.x += x[i];
                b.y += y[i];
                b.w += 1.0;
                b.end = i + 1;
            }
            _ => {
                if let Some((_, b)) = current.take() {
                    out.push(finish(b));
                }
                current = Some((key, Bucket { x: x[i], y: y[i], w: 1.0, first: i, end: i + 1 }));
            }
        }
    }
    if let Some((_, b)) = current {
        out.push(finish(b));
    }
    out
}

fn finish(mut b: Bucket) -> Bucket {
    b.x /= b.w;
    b.y /= b.w;
    b
}

/// Prefix sums over buckets for O(1) segment costs, on centred and scaled coordinates so that
/// huge or offset values keep their precision.
#[derive(Debug, Clone)]
pub struct Prefix {
    /// Running sums of `w, w·u, w·u², w·v, w·u·v, w·v²`, one row per bucket boundary (rows, not
    /// six columns, so a segment's cost reads two cache lines).
    sums: Vec<[f64; 6]>,
    /// `x` offset and scale: internal `u = (x − x0) / xs`.
    x0: f64,
    xs: f64,
    /// `y` offset and scale: internal `v = (y − y0) / ys`.
    y0: f64,
    ys: f64,
}

impl Prefix {
    /// Builds the sums for `buckets`.
    pub fn new(buckets: &[Bucket]) -> Prefix {
        let total_w: f64 = buckets.iter().map(|b| b.w).sum::<f64>().max(f64::MIN_POSITIVE);
        let x0 = buckets.iter().map(|b| b.x * b.w).sum::<f64>() / total_w;
        let y0 = buckets.iter().map(|b| b.y / total_w * b.w).sum::<f64>();
        let xs = buckets.iter().map(|b| (b.x - x0).abs()).fold(0.0, f64::max);
        let ys = buckets.iter().map(|b| (b.y - y0).abs()).fold(0.0, f64::max);
        let xs = if xs > 0.0 && xs.is_finite() { xs } else { 1.0 };
        let ys = if ys > 0.0 && ys.is_finite() { ys } else { 1.0 };
        let m = buckets.len();
        let mut p = Prefix { sums: vec![[0.0; 6]; m + 1], x0, xs, y0, ys };
        for (i, b) in buckets.iter().enumerate() {
            let u = (b.x - x0) / xs;
            let v = if (b.y - y0).is_finite() { (b.y - y0) / ys } else { 0.0 };
            let [w, x, xx, y, xy, yy] = p.sums[i];
            p.sums[i + 1] = [w + b.w, x + b.w * u, xx + b.w * u * u, y + b.w * v, xy + b.w * u * v, yy + b.w * v * v];
        }
        p
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.sums.len() - 1
    }

    /// True when there is no bucket.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The scale of values: internal squared errors times `ys²` are in the data's units².
    pub fn value_scale(&self) -> f64 {
        self.ys
    }

    #[inline(always)]
    fn sums(&self, s: usize, e: usize) -> [f64; 6] {
        let (a, b) = (&self.sums[s], &self.sums[e]);
        [b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3], b[4] - a[4], b[5] - a[5]]
    }

    /// Weighted squared error (scaled units) of the best line over buckets `s..e`.
    #[inline(always)]
    pub fn linear_sse(&self, s: usize, e: usize) -> f64 {
        let [w, x, xx, y, xy, yy] = self.sums(s, e);
        if w <= 0.0 {
            return 0.0;
        }
        let syy = yy - y * y / w;
        let sxx = xx - x * x / w;
        let sxy = xy - x * y / w;
        let sse = if sxx > 1e-15 { syy - sxy * sxy / sxx } else { syy };
        sse.max(0.0)
    }

    /// Weighted squared error (scaled units) of the mean over buckets `s..e`.
    pub fn mean_sse(&self, s: usize, e: usize) -> f64 {
        let [w, _, _, y, _, yy] = self.sums(s, e);
        if w <= 0.0 {
            return 0.0;
        }
        (yy - y * y / w).max(0.0)
    }

    /// The least-squares line over buckets `s..e` as `(value at x, slope)` in data units.
    pub fn line(&self, s: usize, e: usize) -> Line {
        let [w, x, xx, y, xy, _] = self.sums(s, e);
        if w <= 0.0 {
            return Line { x_ref: self.x0, value: self.y0, slope: 0.0 };
        }
        let sxx = xx - x * x / w;
        let sxy = xy - x * y / w;
        let b = if sxx > 1e-15 { sxy / sxx } else { 0.0 };
        let mean_u = x / w;
        let mean_v = y / w;
        Line { x_ref: self.x0 + mean_u * self.xs, value: self.y0 + mean_v * self.ys, slope: b * self.ys / self.xs }
    }
}

/// A straight line `value + slope · (x − x_ref)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// The reference position.
    pub x_ref: f64,
    /// The value at `x_ref`.
    pub value: f64,
    /// Change of value per unit of x.
    pub slope: f64,
}

impl Line {
    /// The line's value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        self.value + self.slope * (x - self.x_ref)
    }
}

/// PELT (Killick, Fearnhead & Eckley 2012): the segmentation of `0..m` minimising
/// `Σ cost(segment) + penalty · #changepoints`, with segments of at least `min_len` units.
/// `cost(s, e)` must satisfy `cost(s, t) + cost(t, e) ≤ cost(s, e)` (true for every cost here),
/// which makes the pruning exact. Returns the start index of every segment but the first.
pub fn pelt(m: usize, min_len: usize, penalty: f64, cost: impl Fn(usize, usize) -> f64) -> Vec<usize> {
    let min_len = min_len.max(1);
    if m < 2 * min_len || !penalty.is_finite() {
        return Vec::new();
    }
    let mut best = vec![f64::INFINITY; m + 1];
    let mut last = vec![0usize; m + 1];
    best[0] = -penalty;
    let mut candidates: Vec<usize> = Vec::new();
    let mut costs: Vec<f64> = Vec::new();
    for t in min_len..=m {
        let newest = t - min_len;
        if newest == 0 || (newest >= min_len && best[newest].is_finite()) {
            candidates.push(newest);
        }
        costs.clear();
        let mut f = f64::INFINITY;
        let mut arg = 0;
        for &tau in &candidates {
            let c = best[tau] + cost(tau, t);
            costs.push(c);
            if c + penalty < f {
                f = c + penalty;
                arg = tau;
            }
        }
        best[t] = f;
        last[t] = arg;
        let mut k = 0;
        candidates.retain(|_| {
            let keep = costs.get(k).is_none_or(|&c| c <= f);
            k += 1;
            keep
        });
    }
    backtrack(&last, m)
}

/// The changepoints of an optimal partition of `0..m`, read back from `last[t]`: the start of
/// the last segment of the best partition of `0..t`.
fn backtrack(last: &[usize], m: usize) -> Vec<usize> {
    let mut cps = Vec::new();
    let mut t = m;
    while t > 0 {
        let tau = last[t];
        if tau > 0 {
            cps.push(tau);
        }
        if tau >= t {
            break;
        }
        t = tau;
    }
    cps.reverse();
    cps
}

/// [`pelt`] with the cost [`Prefix::linear_sse`], the same result to the last bit (the same
/// floating-point operations on the same values, the same candidates kept). The candidates'
/// sums are kept side by side, one array per sum, so the costs of every candidate at one end
/// are computed in a single pass the compiler vectorises (two at a time with SSE2 or wasm
/// SIMD), then scanned for the minimum and pruned as in [`pelt`].
fn pelt_linear(m: usize, min_len: usize, penalty: f64, prefix: &Prefix) -> Vec<usize> {
    let min_len = min_len.max(1);
    if m < 2 * min_len || !penalty.is_finite() {
        return Vec::new();
    }
    let mut best = vec![f64::INFINITY; m + 1];
    let mut last = vec![0usize; m + 1];
    best[0] = -penalty;
    let mut candidates = LinearCandidates::default();
    for t in min_len..=m {
        let newest = t - min_len;
        if newest == 0 || (newest >= min_len && best[newest].is_finite()) {
            candidates.push(newest, best[newest], &prefix.sums[newest]);
        }
        candidates.compute_costs(&prefix.sums[t]);
        let mut f = f64::INFINITY;
        let mut arg = 0;
        for (&c, &tau) in candidates.cost.iter().zip(&candidates.tau) {
            if c + penalty < f {
                f = c + penalty;
                arg = tau;
            }
        }
        best[t] = f;
        last[t] = arg;
        candidates.keep_within(f);
    }
    backtrack(&last, m)
}

/// The live candidates of [`pelt_linear`]: for each, its start, the best total before it, and
/// the prefix sums at it (one array per sum), plus the cost of its segment to the current end.
#[derive(Default)]
struct LinearCandidates {
    tau: Vec<usize>,
    base: Vec<f64>,
    sums: [Vec<f64>; 6],
    cost: Vec<f64>,
}

impl LinearCandidates {
    fn push(&mut self, tau: usize, base: f64, sums: &[f64; 6]) {
        self.tau.push(tau);
        self.base.push(base);
        for (column, &value) in self.sums.iter_mut().zip(sums) {
            column.push(value);
        }
        self.cost.push(0.0);
    }

    /// `cost[i] = base[i] + linear_sse(tau[i], end)`.
    fn compute_costs(&mut self, end: &[f64; 6]) {
        let [w, x, xx, y, xy, yy] = &self.sums;
        linear_costs(&mut self.cost, &self.base, [w, x, xx, y, xy, yy], end);
    }

    /// Drops every candidate whose cost exceeds `f` (PELT's pruning; NaN costs go too).
    fn keep_within(&mut self, f: f64) {
        if self.cost.iter().all(|&c| c <= f) {
            return;
        }
        let mut kept = 0;
        for i in 0..self.cost.len() {
            if self.cost[i] <= f {
                self.tau[kept] = self.tau[i];
                self.base[kept] = self.base[i];
                for column in &mut self.sums {
                    column[kept] = column[i];
                }
                kept += 1;
            }
        }
        self.tau.truncate(kept);
        self.base.truncate(kept);
        for column in &mut self.sums {
            column.truncate(kept);
        }
        self.cost.truncate(kept);
    }
}

/// `cost[i] = base[i] + ` the weighted squared error of the best line over the sums
/// `end − start[·][i]`, with exactly the operations of [`Prefix::linear_sse`]. Every quotient is
/// computed before one of the results is chosen, and the slices are distinct arguments, so the
/// loop vectorises (a division only under a branch keeps it scalar).
fn linear_costs(cost: &mut [f64], base: &[f64], start: [&[f64]; 6], end: &[f64; 6]) {
    let n = cost.len();
    let [w0, x0, xx0, y0, xy0, yy0] = start;
    let (w0, x0, xx0, y0, xy0, yy0) = (&w0[..n], &x0[..n], &xx0[..n], &y0[..n], &xy0[..n], &yy0[..n]);
    let base = &base[..n];
    let [ew, ex, exx, ey, exy, eyy] = *end;
    for i in 0..n {
        let (w, x, xx, y, xy, yy) = (ew - w0[i], ex - x0[i], exx - xx0[i], ey - y0[i], exy - xy0[i], eyy - yy0[i]);
        let syy = yy - y * y / w;
        let sxx = xx - x * x / w;
        let sxy = xy - x * y / w;
        let fitted = syy - sxy * sxy / sxx;
        let sse = if sxx > 1e-15 { fitted } else { syy };
        cost[i] = base[i] + if w <= 0.0 { 0.0 } else { sse.max(0.0) };
    }
}

/// The result of a piecewise-linear segmentation of buckets.
#[derive(Debug, Clone)]
pub struct LinearSegmentation {
    /// Start bucket of every segment but the first.
    pub boundaries: Vec<usize>,
    /// Long-run noise variance of a bucket of weight 1, in data units².
    pub noise_var: f64,
    /// Lag-one autocorrelation of the bucket residuals.
    pub rho: f64,
    /// The penalty used, in data units².
    pub penalty: f64,
}

/// Piecewise-linear PELT over buckets with the data-driven penalty (two passes: a first noise
/// scale from first differences, then the long-run variance of the first fit's residuals).
/// `min_len` is the shortest segment in buckets (at least 2). The generic detector's noise
/// model; see [`segment_linear_with`] for the leak analysis's.
pub fn segment_linear(buckets: &[Bucket], prefix: &Prefix, min_len: usize) -> LinearSegmentation {
    segment_linear_with(buckets, prefix, min_len, false)
}

/// [`segment_linear`] with a choice in the noise model. The lag-one autocorrelation φ read from
/// the ratio of lag-L and lag-1 second differences is capped at 0.8 in the long-run inflation
/// either way; with `cap_variance` the same cap applies to the stationary variance derived from
/// that φ (σ² = d₁ / (6 − 8φ + 2φ²), which blows up as φ → 1). A climb and drain a few dozen
/// buckets wide swells the lag-L differences by its own curvature, reads as φ near 1 and would
/// otherwise inflate the penalty a hundredfold and hide itself: the leak analysis caps both.
/// The generic detector keeps the uncapped variance, which scores better on the Turing Change
/// Point benchmark (F1 0.751 against 0.724), whose series are mostly not trends of that kind.
/// With `cap_variance`, falls too many to leave half the lag-8 differences clear of them are
/// read at a shorter lag (below).
pub fn segment_linear_with(
    buckets: &[Bucket],
    prefix: &Prefix,
    min_len: usize,
    cap_variance: bool,
) -> LinearSegmentation {
    let m = buckets.len();
    let ys = prefix.value_scale();
    let empty = LinearSegmentation { boundaries: Vec::new(), noise_var: 0.0, rho: 0.0, penalty: 0.0 };
    if m < 4 {
        return empty;
    }
    let min_len = min_len.max(2);
    let ln_m = libm::log(m as f64).max(1.0);
    // The noise's long-run variance from second differences, which cancel any straight trend
    // exactly (so slopes and the few bends and jumps barely touch a robust scale): for AR(1)
    // noise Var(y[t+L] − 2y[t] + y[t−L]) = σ²(6 − 8φ^L + 2φ^2L), so the ratio of lags 2 and 1
    // gives φ, then σ², then the long-run variance σ²(1 + φ)/(1 − φ).
    // Unevenly spaced positions (jittered sampling, one floor point per saw tooth, gaps) would
    // let a steep trend leak into plain second differences, so each one is the departure of the
    // middle value from the straight line through its neighbours, λ = (x_c − x_b)/(x_c − x_a):
    // e = y_b − λ·y_a − (1 − λ)·y_c, scaled to the variance 6σ² of `a − 2b + c` for white noise.
    let second = |lag: usize| -> Vec<f64> {
        (lag..m.saturating_sub(lag))
            .map(|i| {
                let (a, b, c) = (buckets[i - lag], buckets[i], buckets[i + lag]);
                let span = c.x - a.x;
                let lambda = if span > 0.0 { ((c.x - b.x) / span).clamp(0.0, 1.0) } else { 0.5 };
                let var = 1.0 / b.w + lambda * lambda / a.w + (1.0 - lambda) * (1.0 - lambda) / c.w;
                (b.y - lambda * a.y - (1.0 - lambda) * c.y) / ys * (6.0 / var).sqrt()
            })
            .collect()
    };
    // Lag 8 resolves strong correlation (the ratio runs from 1 at φ = 0 to 8 as φ → 1); the
    // lag-8 differences that reach across a jump are left out of its scale.
    let mut lag = if m >= 48 { 8 } else { 2 };
    let jumps = bucket_jumps(buckets);
    let all = second(lag);
    let mut lagged = clear_of_jumps(&all, lag, &jumps);
    // Falls every few dozen buckets (a leak restarted again and again) touch most lag-8
    // differences: the leak analysis then reads φ at the longest shorter lag (4, then 2) whose
    // differences mostly clear them. Rises that many are growth in steps, which the coarser
    // lag rightly reads as one climb.
    let falls = jumps.iter().filter(|j| j.1).count();
    if cap_variance && lag == 8 && 2 * falls > jumps.len() {
        for shorter in [4, 2] {
            if lagged.is_some() {
                break;
            }
            if let Some(clear) = clear_of_jumps(&second(shorter), shorter, &jumps) {
                lag = shorter;
                lagged = Some(clear);
            }
        }
    }
    let d1 = robust_scale(&second(1)).powi(2);
    // All of the lag-8 (or lag-2) differences when no lag leaves half of them clear.
    let d2 = robust_scale(&lagged.unwrap_or(all)).powi(2);
    if d1 <= 0.0 {
        // Perfectly smooth pieces: any real change costs far more than nothing.
        let b = pelt_linear(m, min_len, 1e-12, prefix);
        return LinearSegmentation { boundaries: b, noise_var: 0.0, rho: 0.0, penalty: 0.0 };
    }
    let (var, rho) = if m >= 48 {
        let phi = phi_from_ratio(d2 / d1, lag as i32);
        let phi_s = if cap_variance { phi.min(0.8) } else { phi };
        let sigma2 = d1 / (6.0 - 8.0 * phi_s + 2.0 * phi_s * phi_s);
        // The inflation is capped at φ = 0.8 (×9): beyond it the ratio estimate is too noisy to
        // trust, and a trend many σ tall must still be found in strongly correlated noise (the
        // variance above too with `cap_variance`).
        let capped = phi.min(0.8);
        (sigma2 * (1.0 + capped) / (1.0 - capped), phi)
    } else {
        // A few dozen values (one floor point per saw tooth, a short export) leave the ratio of
        // two robust scales too noisy to invert (a single bend can push it past its AR(1) range
        // and inflate the penalty ninefold). Instead: a first segmentation as if the noise were
        // white, then the lag-one autocorrelation and robust scale of its residuals.
        let white = d1 / 6.0;
        let first = pelt_linear(m, min_len, 3.0 * ln_m * white, prefix);
        let resid = bucket_residuals(buckets, prefix, &first);
        let phi = lag_one(&resid).clamp(0.0, 0.8);
        let sigma2 = robust_scale(&resid).powi(2).max(white);
        (sigma2 * (1.0 + phi) / (1.0 - phi), phi)
    };
    let boundaries = pelt_linear(m, min_len, 3.0 * ln_m * var, prefix);
    LinearSegmentation { boundaries, noise_var: var * ys * ys, rho, penalty: 3.0 * ln_m * var * ys * ys }
}

/// Jumps between buckets, each with whether it falls: found in the differences across two
/// buckets, `y[i+1] − y[i−1]`, which hold a jump whole even where a bucket straddles it, beyond
/// 3.5 robust scales of their median (the trend's own step).
fn bucket_jumps(buckets: &[Bucket]) -> Vec<(usize, bool)> {
    let m = buckets.len();
    let across: Vec<f64> = (1..m.saturating_sub(1))
        .map(|i| {
            let (a, c) = (buckets[i - 1], buckets[i + 1]);
            (c.y - a.y) / (1.0 / a.w + 1.0 / c.w).sqrt()
        })
        .collect();
    let (Some(centre), scale) = robust_centre_and_scale(&across) else { return Vec::new() };
    if scale <= 0.0 {
        return Vec::new();
    }
    across
        .iter()
        .enumerate()
        .filter(|(_, d)| (**d - centre).abs() > 3.5 * scale)
        .map(|(i, &d)| (i + 1, d < centre))
        .collect()
}

/// The lag-`lag` second differences (centred on buckets `lag..m − lag`) whose reach holds none
/// of the `jumps` ([`bucket_jumps`]). A jump (a restart, a step) touches 2·lag − 1 of them, so a
/// few would otherwise swell their scale and read as strong correlation. `None` when that would
/// keep fewer than half.
fn clear_of_jumps(lagged: &[f64], lag: usize, jumps: &[(usize, bool)]) -> Option<Vec<f64>> {
    if jumps.is_empty() {
        return Some(lagged.to_vec());
    }
    let mut next = 0;
    let kept: Vec<f64> = lagged
        .iter()
        .enumerate()
        .filter(|&(j, _)| {
            let centre = j + lag;
            while next < jumps.len() && jumps[next].0 + lag < centre {
                next += 1;
            }
            jumps.get(next).is_none_or(|&(c, _)| c > centre + lag)
        })
        .map(|(_, &e)| e)
        .collect();
    (2 * kept.len() >= lagged.len()).then_some(kept)
}

/// Residuals of the buckets around the least-squares lines of the segmentation with the given
/// boundaries, in scaled units and weighted to the variance of a bucket of weight 1.
fn bucket_residuals(buckets: &[Bucket], prefix: &Prefix, boundaries: &[usize]) -> Vec<f64> {
    let mut starts = Vec::with_capacity(boundaries.len() + 2);
    starts.push(0);
    starts.extend_from_slice(boundaries);
    starts.push(buckets.len());
    let mut out = Vec::with_capacity(buckets.len());
    for w in starts.windows(2) {
        let line = prefix.line(w[0], w[1]);
        for b in buckets.get(w[0]..w[1]).unwrap_or(&[]) {
            out.push((b.y - line.at(b.x)) / prefix.ys * b.w.sqrt());
        }
    }
    out
}

/// Inverts `R(φ) = (1 − φ^L)(3 − φ^L) / ((1 − φ)(3 − φ))`, the lag-L / lag-1 variance ratio of
/// second differences of AR(1) noise, by bisection on [0, 0.98].
fn phi_from_ratio(ratio: f64, lag: i32) -> f64 {
    let r = |phi: f64| {
        let p = phi.powi(lag);
        (1.0 - p) * (3.0 - p) / ((1.0 - phi) * (3.0 - phi))
    };
    if ratio.is_nan() || ratio <= 1.0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0f64, 0.98f64);
    if ratio >= r(hi) {
        return hi;
    }
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if r(mid) < ratio {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// Above this many values, robust scales and medians are taken on an evenly strided subsample:
/// plenty for a scale estimate, and it keeps long series at a few passes over memory.
const ROBUST_SAMPLE: usize = 16_384;

/// MAD-based standard deviation (0 for fewer than 2 values).
pub fn robust_scale(values: &[f64]) -> f64 {
    robust_centre_and_scale(values).1
}

/// The median of the subsample [`robust_scale`] reads (every value when there are at most
/// [`ROBUST_SAMPLE`]), `None` unless that subsample is all finite and has 2 values or more, and
/// [`robust_scale`] itself: one selection serves both.
pub(crate) fn robust_centre_and_scale(values: &[f64]) -> (Option<f64>, f64) {
    let stride = values.len().div_ceil(ROBUST_SAMPLE).max(1);
    let sample = values.iter().step_by(stride);
    let mut keys: Vec<i64> = sample.clone().copied().filter(|x| x.is_finite()).map(order_key).collect();
    if keys.len() < 2 {
        return (None, 0.0);
    }
    let all_finite = keys.len() == sample.len();
    let med = median_of_keys(&mut keys);
    for key in &mut keys {
        *key = order_key((from_order_key(*key) - med).abs());
    }
    let mad = median_of_keys(&mut keys) / 0.6745;
    let scale = if mad > 0.0 { mad } else { robust_scale_by_selection(values) };
    (all_finite.then_some(med), scale)
}

/// [`robust_scale`] by selections on `f64::total_cmp`, the reference it must equal. It runs only
/// when more than half the deviations are zero: the mean absolute deviation it then returns sums
/// the deviations in the order these selections leave them, which decides the last bit.
fn robust_scale_by_selection(values: &[f64]) -> f64 {
    let stride = values.len().div_ceil(ROBUST_SAMPLE).max(1);
    let mut v: Vec<f64> = values.iter().step_by(stride).copied().filter(|x| x.is_finite()).collect();
    if v.len() < 2 {
        return 0.0;
    }
    let med = median_in_place(&mut v);
    let mut dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
    let mad = median_in_place(&mut dev) / 0.6745;
    if mad > 0.0 {
        mad
    } else {
        // More than half the deviations are zero: fall back to the mean absolute deviation.
        let n = dev.len() as f64;
        dev.iter().sum::<f64>() / n * 1.2533
    }
}

/// Median by selection (O(n)); 0 for an empty slice.
pub fn median_in_place(v: &mut [f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let (_, &mut mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        mid
    } else {
        let below = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (below + mid) / 2.0
    }
}

/// `f64::total_cmp`'s order as a plain integer, by the same bit transformation std uses:
/// `a.total_cmp(&b) == order_key(a).cmp(&order_key(b))`. Selecting on keys finds the same
/// values as selecting with `total_cmp`, with cheaper comparisons.
pub(crate) fn order_key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// The value of an [`order_key`] (the transformation is its own inverse).
pub(crate) fn from_order_key(key: i64) -> f64 {
    f64::from_bits((key ^ ((((key >> 63) as u64) >> 1) as i64)) as u64)
}

/// [`median_in_place`] of the values whose [`order_key`]s are `keys`: the same value. Permutes
/// `keys`; 0 for none.
pub(crate) fn median_of_keys(keys: &mut [i64]) -> f64 {
    let n = keys.len();
    if n == 0 {
        return 0.0;
    }
    let (lower, &mut mid, _) = keys.select_nth_unstable(n / 2);
    let mid = from_order_key(mid);
    if n % 2 == 1 {
        mid
    } else {
        // The same fold as `median_in_place` (its ±0 ties cannot change the sum below).
        let below = lower.iter().map(|&k| from_order_key(k)).fold(f64::NEG_INFINITY, f64::max);
        (below + mid) / 2.0
    }
}

/// Lag-one autocorrelation (0 when undefined).
pub fn lag_one(r: &[f64]) -> f64 {
    lag_one_of(r.len(), |i| r[i])
}

/// [`lag_one`] of the `n` values `r(0)`, `r(1)`, …, computed as they are asked for (residuals of
/// a fit need no array of their own).
pub fn lag_one_of(n: usize, r: impl Fn(usize) -> f64) -> f64 {
    if n < 3 {
        return 0.0;
    }
    let mean = (0..n).map(&r).sum::<f64>() / n as f64;
    let den: f64 = (0..n).map(|i| (r(i) - mean) * (r(i) - mean)).sum();
    if den <= 0.0 || !den.is_finite() {
        return 0.0;
    }
    let num: f64 = (1..n).map(|i| (r(i - 1) - mean) * (r(i) - mean)).sum();
    num / den
}

/// Whether the boundary at bucket `b` between segments `s..b` and `b..e` is a jump (`level`) or a
/// bend (`slope`): a jump when a continuous hinge at the boundary costs more than the penalty
/// over the two free lines.
pub fn classify_boundary(
    buckets: &[Bucket],
    prefix: &Prefix,
    s: usize,
    b: usize,
    e: usize,
    penalty: f64,
) -> ChangeKind {
    let (Some(left), Some(right)) = (buckets.get(b.wrapping_sub(1)), buckets.get(b)) else {
        return ChangeKind::Level;
    };
    if s >= b || b >= e {
        return ChangeKind::Level;
    }
    let free = prefix.linear_sse(s, b) + prefix.linear_sse(b, e);
    let ys = prefix.value_scale();
    let part = buckets.get(s..e).unwrap_or(&[]);
    // The bend may sit a little off the discontinuous boundary: try knots nearby.
    let mut knots = vec![(left.x + right.x) / 2.0];
    let near = b.saturating_sub(3).max(s + 1)..(b + 4).min(e);
    knots.extend(buckets.get(near).unwrap_or(&[]).iter().map(|k| k.x));
    let hinge = knots
        .into_iter()
        .map(|knot| hinge_sse(part, knot, prefix.x0, prefix.xs, prefix.y0, ys))
        .fold(f64::INFINITY, f64::min);
    if (hinge - free) * ys * ys > penalty {
        ChangeKind::Level
    } else {
        ChangeKind::Slope
    }
}

/// Weighted SSE (scaled units) of the continuous two-slope fit with a knot at `knot`.
fn hinge_sse(buckets: &[Bucket], knot: f64, x0: f64, xs: f64, y0: f64, ys: f64) -> f64 {
    let k = (knot - x0) / xs;
    let rows = buckets.iter().map(|b| {
        let u = (b.x - x0) / xs - k;
        (b.w, [1.0, u, u.max(0.0)], (b.y - y0) / ys)
    });
    least_squares_sse(rows)
}

/// Weighted least squares with three regressors; returns the residual sum of squares.
fn least_squares_sse(rows: impl Iterator<Item = (f64, [f64; 3], f64)> + Clone) -> f64 {
    let mut a = [[0.0f64; 3]; 3];
    let mut rhs = [0.0f64; 3];
    let mut yy = 0.0;
    for (w, r, y) in rows.clone() {
        for i in 0..3 {
            for j in 0..3 {
                a[i][j] += w * r[i] * r[j];
            }
            rhs[i] += w * r[i] * y;
        }
        yy += w * y * y;
    }
    match solve_fixed(a, rhs) {
        Some(theta) => {
            rows.map(|(w, r, y)| w * (y - r[0] * theta[0] - r[1] * theta[1] - r[2] * theta[2]).powi(2)).sum()
        }
        None => yy,
    }
}

/// Solves `a · x = b` (N × N) by Gaussian elimination with partial pivoting, without allocating;
/// `None` when singular.
pub(crate) fn solve_fixed<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    let scale = a.iter().flat_map(|r| r.iter()).fold(0.0f64, |m, v| m.max(v.abs()));
    if scale <= 0.0 || !scale.is_finite() {
        return None;
    }
    for col in 0..N {
        let pivot = (col..N).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..N {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (target, source) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *target -= f * source;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; N];
    for row in (0..N).rev() {
        let mut s = b[row];
        for k in row + 1..N {
            s -= a[row][k] * x[k];
        }
        x[row] = s / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Best single split of raw `y[lo..hi]` into two means (for refining a level change): the index
/// of the first sample of the right part.
pub fn refine_level(y: &[f64], lo: usize, hi: usize) -> Option<usize> {
    let seg = y.get(lo..hi)?;
    if seg.len() < 2 {
        return None;
    }
    let base = seg[0];
    let total: f64 = seg.iter().map(|v| v - base).sum();
    let n = seg.len() as f64;
    let mut left = 0.0;
    let mut best = (f64::NEG_INFINITY, None);
    for (i, v) in seg.iter().enumerate().take(seg.len() - 1) {
        left += v - base;
        let nl = (i + 1) as f64;
        let nr = n - nl;
        // Between-group sum of squares, maximised by the best split.
        let score = (left / nl - (total - left) / nr).powi(2) * nl * nr / n;
        if score > best.0 {
            best = (score, Some(lo + i + 1));
        }
    }
    best.1
}

/// Detects level, slope and variance changes in `values` (taken as equally spaced) with the
/// defaults: PELT with the MBIC-style penalty on a robust long-run noise scale, segments of at
/// least 3 units. Returns changepoints sorted by index. Non-finite values yield no changepoint.
///
/// ```
/// use leakscope::analyze::changepoint::detect;
/// use leakscope::report::ChangeKind;
/// let mut v = vec![0.0; 100];
/// v.extend(vec![10.0; 100]);
/// let noisy: Vec<f64> = v.iter().enumerate().map(|(i, x)| x + ((i * 7919) % 13) as f64 * 0.1).collect();
/// let cps = detect(&noisy);
/// assert!(cps.iter().any(|c| c.kind == ChangeKind::Level && (c.index as i64 - 100).abs() <= 2));
/// ```
pub fn detect(values: &[f64]) -> Vec<Changepoint> {
    let x: Vec<f64> = (0..values.len()).map(|i| i as f64).collect();
    detect_xy(&x, values)
}

/// [`detect`] for samples at positions `x` (non-decreasing; times, indices, anything).
pub fn detect_xy(x: &[f64], values: &[f64]) -> Vec<Changepoint> {
    let n = x.len().min(values.len());
    if n < 8 || !values.iter().chain(x.iter()).all(|v| v.is_finite()) {
        return Vec::new();
    }
    let (x, y) = (&x[..n], &values[..n]);
    // Noise regimes first: where the noise is louder, a sample weighs less in the level and slope
    // search (weighted least squares), so loud stretches are not cut into spurious pieces.
    let variance_cps = variance_changes(y, MAX_BUCKETS);
    let mut regimes = vec![0];
    regimes.extend_from_slice(&variance_cps);
    regimes.push(n);
    let global = robust_scale(&y.windows(2).map(|w| w[1] - w[0]).collect::<Vec<f64>>());
    let regime_weight: Vec<(usize, f64)> = regimes
        .windows(2)
        .map(|r| {
            let d: Vec<f64> = y.get(r[0]..r[1]).unwrap_or(&[]).windows(2).map(|w| w[1] - w[0]).collect();
            let local = robust_scale(&d);
            let ratio = if global > 0.0 && local > 0.0 { local / global } else { 1.0 };
            (r[1], 1.0 / (ratio * ratio).clamp(1e-6, 1e6))
        })
        .collect();
    let mut buckets = buckets_by_count(x, y, MAX_BUCKETS);
    for b in &mut buckets {
        let weight = regime_weight.iter().find(|(end, _)| b.first < *end).map_or(1.0, |r| r.1);
        b.w *= weight;
    }
    let prefix = Prefix::new(&buckets);
    let seg = segment_linear(&buckets, &prefix, 3);
    let mut out = Vec::new();
    let mut starts = vec![0];
    starts.extend_from_slice(&seg.boundaries);
    starts.push(buckets.len());
    for w in starts.windows(3) {
        let (s, b, e) = (w[0], w[1], w[2]);
        let kind = classify_boundary(&buckets, &prefix, s, b, e, seg.penalty);
        let (Some(left), Some(right)) = (buckets.get(b - 1), buckets.get(b)) else { continue };
        let index = if left.end - left.first <= 1 && right.end - right.first <= 1 {
            right.first
        } else {
            match kind {
                ChangeKind::Level => refine_level(y, left.first, right.end).unwrap_or(right.first),
                _ => {
                    crate::analyze::trend::fit_bend(x, y, left.first, right.end).map_or(right.first, |bend| bend.index)
                }
            }
        };
        out.push(Changepoint { index, kind });
    }
    // Variance changes (PELT with a Gaussian scale cost on second differences) where no level or
    // slope change already explains the place.
    for index in variance_cps {
        let near = (n / 200).max(3);
        if !out.iter().any(|c| c.index.abs_diff(index) <= near) {
            out.push(Changepoint { index, kind: ChangeKind::Variance });
        }
    }
    out.sort_by_key(|c| c.index);
    out.dedup_by_key(|c| c.index);
    out
}

/// Buckets of (nearly) equal sample count: `detect` treats the series as equally spaced.
fn buckets_by_count(x: &[f64], y: &[f64], max_buckets: usize) -> Vec<Bucket> {
    let n = x.len().min(y.len());
    let size = n.div_ceil(max_buckets.max(1)).max(1);
    (0..n)
        .step_by(size)
        .map(|first| {
            let end = (first + size).min(n);
            let w = (end - first) as f64;
            let bx = x[first..end].iter().sum::<f64>() / w;
            let by = y[first..end].iter().sum::<f64>() / w;
            Bucket { x: bx, y: by, w, first, end }
        })
        .collect()
}

/// Changes in the noise level: PELT over at most `max_blocks` blocks of squared second differences
/// with the cost
/// `n · ln σ̂²` (Gaussian, known zero mean) and the penalty `3 · ln m`. Returns raw indices.
pub fn variance_changes(y: &[f64], max_blocks: usize) -> Vec<usize> {
    // Second differences: a slope change moves one of them, a level shift two, so neither looks
    // like louder noise (first differences would shift their mean at every bend).
    let d: Vec<f64> = y.windows(3).map(|w| w[2] - 2.0 * w[1] + w[0]).collect();
    if d.len() < 16 {
        return Vec::new();
    }
    // Robust centring: a slope or a level shift barely moves the median difference.
    // The scale's selection finds the same median unless the subsample holds a non-finite value.
    let (finite_median, scale) = robust_centre_and_scale(&d);
    let med = finite_median.unwrap_or_else(|| {
        let stride = d.len().div_ceil(ROBUST_SAMPLE).max(1);
        median_in_place(&mut d.iter().step_by(stride).copied().collect::<Vec<f64>>())
    });
    let size = d.len().div_ceil(max_blocks.max(1)).max(1);
    let scale = scale.max(f64::MIN_POSITIVE);
    let mut sq = vec![0.0];
    let mut cnt = vec![0.0];
    let mut starts = Vec::new();
    for first in (0..d.len()).step_by(size) {
        let end = (first + size).min(d.len());
        // Winsorised at 10 σ so a single jump (a level change) is not a variance change.
        let s: f64 = d[first..end].iter().map(|v| ((v - med) / scale).clamp(-10.0, 10.0).powi(2)).sum();
        sq.push(sq.last().copied().unwrap_or(0.0) + s);
        cnt.push(cnt.last().copied().unwrap_or(0.0) + (end - first) as f64);
        starts.push(first);
    }
    let m = starts.len();
    let floor = 1e-9;
    let cost = |s: usize, e: usize| {
        let k = cnt[e] - cnt[s];
        if k <= 0.0 {
            0.0
        } else {
            k * libm::log(((sq[e] - sq[s]) / k).max(floor))
        }
    };
    let min_len = (16 / size).max(3);
    // A variance cost has one parameter per segment; MBIC-style 3 ln n in likelihood units.
    let penalty = 3.0 * libm::log(d.len() as f64) * 2.0;
    pelt(m, min_len, penalty, cost).into_iter().filter_map(|b| starts.get(b).map(|&i| i + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{ar1_noise, Rng};

    #[test]
    fn pelt_finds_mean_shifts() {
        let mut rng = Rng::new(1);
        let y: Vec<f64> = (0..300).map(|i| if (100..200).contains(&i) { 5.0 } else { 0.0 } + rng.normal()).collect();
        let cps = detect(&y);
        let levels: Vec<usize> = cps.iter().filter(|c| c.kind == ChangeKind::Level).map(|c| c.index).collect();
        assert_eq!(levels.len(), 2, "{cps:?}");
        assert!(levels[0].abs_diff(100) <= 2 && levels[1].abs_diff(200) <= 2, "{cps:?}");
    }

    #[test]
    fn slope_change_is_a_slope() {
        let mut rng = Rng::new(2);
        let y: Vec<f64> = (0..400).map(|i| if i > 250 { 0.2 * (i - 250) as f64 } else { 0.0 } + rng.normal()).collect();
        let cps = detect(&y);
        assert!(cps.iter().any(|c| c.kind == ChangeKind::Slope && c.index.abs_diff(250) <= 12), "{cps:?}");
        assert!(cps.iter().all(|c| c.kind != ChangeKind::Level), "{cps:?}");
    }

    #[test]
    fn variance_change_is_found() {
        let mut rng = Rng::new(3);
        let y: Vec<f64> = (0..600).map(|i| rng.normal() * if i >= 300 { 5.0 } else { 1.0 }).collect();
        let cps = detect(&y);
        assert!(cps.iter().any(|c| c.kind == ChangeKind::Variance && c.index.abs_diff(300) <= 15), "{cps:?}");
    }

    #[test]
    fn autocorrelated_noise_alone_has_few_changes() {
        let mut false_cps = 0;
        for seed in 0..20 {
            let mut rng = Rng::new(seed);
            let y = ar1_noise(&mut rng, 1000, 0.8, 1.0);
            false_cps += detect(&y).len();
        }
        assert!(false_cps <= 6, "{false_cps}");
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        for v in [
            vec![],
            vec![1.0],
            vec![1.0, 2.0],
            vec![3.0; 50],
            vec![1e308, -1e308, 1e308, 0.0, 5.0, 1e-300, 7.0, 8.0, 9.0],
        ] {
            let _ = detect(&v);
        }
        let mut big: Vec<f64> = (0..10_000).map(|i| (i % 7) as f64).collect();
        big[5000] = 1e300;
        let _ = detect(&big);
    }

    #[test]
    fn pelt_linear_is_pelt_with_the_linear_cost() {
        let mut rng = Rng::new(4);
        for case in 0..40 {
            let m = 4 + case * 7;
            let buckets: Vec<Bucket> = (0..m)
                .map(|i| {
                    let bend = if i > m / 2 { 0.3 * (i - m / 2) as f64 } else { 0.0 };
                    let jump = if case % 3 == 0 && i > m / 3 { 4.0 } else { 0.0 };
                    let w = if case % 2 == 0 { 1.0 } else { 1.0 + (i % 5) as f64 };
                    Bucket { x: i as f64, y: bend + jump + rng.normal(), w, first: i, end: i + 1 }
                })
                .collect();
            let prefix = Prefix::new(&buckets);
            for (min_len, penalty) in [(2, 1e-12), (2, 0.01), (3, 0.1), (2, 1.0), (5, 0.05)] {
                let generic = pelt(m, min_len, penalty, |s, e| prefix.linear_sse(s, e));
                assert_eq!(pelt_linear(m, min_len, penalty, &prefix), generic, "m {m}, penalty {penalty}");
            }
        }
    }

    #[test]
    fn order_keys_order_like_total_cmp() {
        let special = [
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            f64::MAX,
            f64::MIN,
            1.0,
            -1.0,
            1.5,
            -2.5,
        ];
        for a in special {
            assert_eq!(from_order_key(order_key(a)).to_bits(), a.to_bits());
            for b in special {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
        let mut rng = Rng::new(5);
        for n in 1..80 {
            // Rounded values: many ties, as in quantised metrics.
            let v: Vec<f64> = (0..n).map(|_| (rng.normal() * 3.0).round() * 0.5).collect();
            let mut keys: Vec<i64> = v.iter().map(|&x| order_key(x)).collect();
            assert_eq!(median_of_keys(&mut keys).to_bits(), median_in_place(&mut v.clone()).to_bits());
            assert_eq!(robust_scale(&v).to_bits(), robust_scale_by_selection(&v).to_bits());
        }
    }
}
