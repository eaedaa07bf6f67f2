//! Trend estimators: Theil–Sen slopes with a confidence interval (Sen 1968), a robust noise
//! scale, and a continuous two-piece ("hinge") least-squares fit for a bend in the trend.
//! Pure numeric code over slices; no knowledge of series, units or the web.

/// A slope with a 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slope {
    /// Median of pairwise slopes.
    pub slope: f64,
    /// Lower bound of the 95 % interval.
    pub low: f64,
    /// Upper bound of the 95 % interval.
    pub high: f64,
}

/// Theil–Sen slope of `y` against `x` (Sen 1968), on at most ~200 evenly spaced points so the
/// cost stays bounded, with the rank-based 95 % interval of Sen (1968) / Hollander & Wolfe.
pub fn theil_sen(x: &[f64], y: &[f64]) -> Slope {
    let n = x.len().min(y.len());
    if n < 2 {
        return Slope { slope: 0.0, low: 0.0, high: 0.0 };
    }
    let stride = n.div_ceil(200);
    let idx: Vec<usize> = (0..n).step_by(stride).collect();
    let mut slopes = Vec::with_capacity(idx.len() * idx.len() / 2);
    for (a, &i) in idx.iter().enumerate() {
        for &j in &idx[a + 1..] {
            let dx = x[j] - x[i];
            if dx > 0.0 {
                slopes.push((y[j] - y[i]) / dx);
            }
        }
    }
    if slopes.is_empty() {
        return Slope { slope: 0.0, low: 0.0, high: 0.0 };
    }
    slopes.sort_by(f64::total_cmp);
    let m = slopes.len() as f64;
    let k = idx.len() as f64;
    let var_s = k * (k - 1.0) * (2.0 * k + 5.0) / 18.0;
    let c = 1.96 * var_s.sqrt();
    let lo = (((m - c) / 2.0).floor().max(0.0) as usize).min(slopes.len() - 1);
    let hi = (((m + c) / 2.0).ceil() as usize).min(slopes.len() - 1);
    Slope { slope: median_sorted(&slopes), low: slopes[lo], high: slopes[hi] }
}

fn median_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// A robust noise scale: the median absolute first difference divided by √2 × 0.6745, i.e. a
/// MAD-based σ estimate of white noise that ignores slow trends.
pub fn noise_scale(y: &[f64]) -> f64 {
    if y.len() < 3 {
        return 0.0;
    }
    let mut d: Vec<f64> = y.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    d.sort_by(f64::total_cmp);
    median_sorted(&d) / (std::f64::consts::SQRT_2 * 0.6745)
}

/// A continuous flat-then-linear fit `y = level + slope · max(0, x − x[index])`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hinge {
    /// Index of the bend.
    pub index: usize,
    /// Level before the bend.
    pub level: f64,
    /// Slope after the bend, per unit of `x`.
    pub slope: f64,
    /// Half-width, in samples, of the bend positions whose fit is nearly as good.
    pub index_spread: usize,
}

/// Least-squares hinge fit over every candidate bend in O(n) using suffix sums.
pub fn fit_hinge(x: &[f64], y: &[f64]) -> Hinge {
    let n = x.len().min(y.len());
    if n < 3 {
        return Hinge { index: 0, level: y.first().copied().unwrap_or(0.0), slope: 0.0, index_spread: 0 };
    }
    // Suffix sums of x, x², xy, y and prefix of y.
    let mut sx = vec![0.0; n + 1];
    let mut sxx = vec![0.0; n + 1];
    let mut sxy = vec![0.0; n + 1];
    let mut sy = vec![0.0; n + 1];
    for i in (0..n).rev() {
        sx[i] = sx[i + 1] + x[i];
        sxx[i] = sxx[i + 1] + x[i] * x[i];
        sxy[i] = sxy[i + 1] + x[i] * y[i];
        sy[i] = sy[i + 1] + y[i];
    }
    let total_y = sy[0];
    let total_yy: f64 = y[..n].iter().map(|v| v * v).sum();
    let nf = n as f64;
    let mut sse = vec![f64::INFINITY; n];
    for k in 0..n - 2 {
        let xk = x[k];
        let m = (n - k) as f64;
        let su = sx[k] - xk * m;
        let suu = sxx[k] - 2.0 * xk * sx[k] + xk * xk * m;
        let suy = sxy[k] - xk * sy[k];
        let det = nf * suu - su * su;
        if det.abs() < 1e-12 {
            continue;
        }
        let b = (nf * suy - su * total_y) / det;
        let a = (total_y - b * su) / nf;
        sse[k] = total_yy - a * total_y - b * suy;
    }
    let (best, best_sse) =
        sse.iter().enumerate().fold((0, f64::INFINITY), |acc, (i, &v)| if v < acc.1 { (i, v) } else { acc });
    let k = best;
    let xk = x[k];
    let m = (n - k) as f64;
    let su = sx[k] - xk * m;
    let suu = sxx[k] - 2.0 * xk * sx[k] + xk * xk * m;
    let suy = sxy[k] - xk * sy[k];
    let det = nf * suu - su * su;
    let (level, slope) = if det.abs() < 1e-12 {
        (total_y / nf, 0.0)
    } else {
        let b = (nf * suy - su * total_y) / det;
        ((total_y - b * su) / nf, b)
    };
    // Bends within a likelihood-ratio of ~2 (Δ SSE ≤ 4σ²) count as equally good.
    let sigma2 = (best_sse / (nf - 3.0).max(1.0)).max(0.0);
    let tolerance = best_sse + 4.0 * sigma2;
    let lo = (0..=k).rev().take_while(|&i| sse[i] <= tolerance).last().unwrap_or(k);
    let hi = (k..n).take_while(|&i| sse[i] <= tolerance).last().unwrap_or(k);
    Hinge { index: k, level, slope, index_spread: (hi - lo).div_ceil(2) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theil_sen_recovers_a_slope_despite_outliers() {
        let x: Vec<f64> = (0..100).map(f64::from).collect();
        let mut y: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
        y[10] = 1000.0;
        y[50] = -1000.0;
        let s = theil_sen(&x, &y);
        assert!((s.slope - 2.0).abs() < 1e-9);
        assert!(s.low <= 2.0 && s.high >= 2.0);
    }

    #[test]
    fn hinge_finds_the_bend() {
        let x: Vec<f64> = (0..200).map(f64::from).collect();
        let y: Vec<f64> =
            x.iter().map(|&v| 10.0 + if v > 120.0 { 0.5 * (v - 120.0) } else { 0.0 } + (v * 1.7).sin() * 0.3).collect();
        let h = fit_hinge(&x, &y);
        assert!((h.index as i64 - 120).abs() <= 3, "{h:?}");
        assert!((h.slope - 0.5).abs() < 0.05, "{h:?}");
    }
}
