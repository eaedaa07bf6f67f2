//! A labelled scenario generator for measuring the analysis: every pattern of the design's table
//! (`shared/DESIGN.md`), with known truth (leak or not, onset, restarts, stop), deterministic from
//! a seed.
//!
//! Sampling from 10 s to 5 min, windows from 3 hours to two weeks, AR(1) noise with φ in
//! 0.5–0.95, levels from 100 MiB to 8 GiB, growth from 3 to 50 noise σ (σ being the noise's
//! stationary standard deviation), optional gaps and jittered sampling. Shapes vary: warm-up time
//! constants, saw-tooth periods and amplitudes, step sizes and directions, spike widths and
//! shapes, restart counts, drain durations, daily wave shapes.
//!
//! Used by `tests/scenarios.rs` and the `leakscope-bench` binary. Depends on [`crate::series`] and
//! [`crate::synth`] only; no I/O, no web types.

use crate::series::{Series, Unit};
use crate::synth::{ar1_noise, Rng};

const MIB: f64 = 1024.0 * 1024.0;
const HOUR_MS: f64 = 3_600_000.0;
const DAY_MS: f64 = 86_400_000.0;
/// 2024-08-01T00:00:00Z: every scenario starts on a whole UTC day, plus a random offset.
const EPOCH_START_MS: i64 = 1_722_470_400_000;

/// The patterns of the design's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Flat, then linear growth to the end.
    SteadyLeak,
    /// Growth that steepens.
    AcceleratingLeak,
    /// Saw teeth whose floor rises.
    SawtoothLeak,
    /// Daily waves on a rising baseline.
    SeasonalLeak,
    /// Climbs, drops at a restart, climbs again.
    RecurringLeak,
    /// Climbs, then drains after the cause is disabled.
    StoppedLeak,
    /// Concave growth that saturates to a plateau.
    CacheWarmUp,
    /// Saw teeth on a flat floor.
    GcSawtooth,
    /// One level shift then flat.
    Step,
    /// A bump that returns.
    Spike,
    /// Daily waves on a flat baseline.
    Seasonal,
    /// Noise only, autocorrelated.
    Stable,
}

impl Pattern {
    /// Every pattern, leaks first.
    pub const ALL: [Pattern; 12] = [
        Pattern::SteadyLeak,
        Pattern::AcceleratingLeak,
        Pattern::SawtoothLeak,
        Pattern::SeasonalLeak,
        Pattern::RecurringLeak,
        Pattern::StoppedLeak,
        Pattern::CacheWarmUp,
        Pattern::GcSawtooth,
        Pattern::Step,
        Pattern::Spike,
        Pattern::Seasonal,
        Pattern::Stable,
    ];

    /// The report's name for the pattern.
    pub fn name(self) -> &'static str {
        match self {
            Pattern::SteadyLeak => "steady-leak",
            Pattern::AcceleratingLeak => "accelerating-leak",
            Pattern::SawtoothLeak => "sawtooth-leak",
            Pattern::SeasonalLeak => "seasonal-leak",
            Pattern::RecurringLeak => "recurring-leak",
            Pattern::StoppedLeak => "stopped-leak",
            Pattern::CacheWarmUp => "cache-warm-up",
            Pattern::GcSawtooth => "gc-sawtooth",
            Pattern::Step => "step",
            Pattern::Spike => "spike",
            Pattern::Seasonal => "seasonal",
            Pattern::Stable => "stable",
        }
    }

    /// True for the patterns whose verdict must be `leak`.
    pub fn is_leak(self) -> bool {
        matches!(
            self,
            Pattern::SteadyLeak
                | Pattern::AcceleratingLeak
                | Pattern::SawtoothLeak
                | Pattern::SeasonalLeak
                | Pattern::RecurringLeak
                | Pattern::StoppedLeak
        )
    }
}

/// One labelled series.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The pattern it was drawn from.
    pub pattern: Pattern,
    /// The seed that reproduces it.
    pub seed: u64,
    /// The data.
    pub series: Series,
    /// True onset of the leak, epoch ms (leaks only).
    pub onset_ms: Option<i64>,
    /// True end of growth (stopped leaks only).
    pub stop_ms: Option<i64>,
    /// True restart times.
    pub restarts_ms: Vec<i64>,
    /// Window length, ms.
    pub window_ms: i64,
    /// Total growth in noise σ (leaks and warm-ups), for reading failures.
    pub growth_sigmas: f64,
    /// The noise's AR(1) coefficient.
    pub phi: f64,
    /// The pace the report's `growth.per_hour` measures, in bytes an hour (leaks only): the
    /// current pace of a leak still growing (an accelerating one's last), a restarted leak's
    /// pace in every lifetime, a stopped leak's pace while it grew.
    pub rate_per_hour: Option<f64>,
    /// When memory would reach the series' limit at that pace from the noiseless level at the
    /// window's end (a saw tooth's peaks; a daily wave's mean), epoch ms: leaks still growing
    /// at the end, with a limit, only.
    pub exhaustion_ms: Option<i64>,
}

fn log_uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    libm::exp(rng.range(libm::log(lo), libm::log(hi)))
}

/// The suite: `per_pattern` scenarios of every pattern, seeds `base_seed..`.
pub fn suite(per_pattern: usize, base_seed: u64) -> Vec<Scenario> {
    let mut out = Vec::with_capacity(per_pattern * Pattern::ALL.len());
    for pattern in Pattern::ALL {
        for i in 0..per_pattern {
            out.push(scenario(pattern, suite_seed(pattern, i, base_seed)));
        }
    }
    out
}

/// The seed of the `i`-th scenario of `pattern` in the suite drawn from `base_seed`.
pub fn suite_seed(pattern: Pattern, i: usize, base_seed: u64) -> u64 {
    let p = Pattern::ALL.iter().position(|&q| q == pattern).unwrap_or(0);
    base_seed.wrapping_add((p as u64) << 32).wrapping_add(i as u64)
}

/// One scenario of `pattern`, deterministic in `seed`.
pub fn scenario(pattern: Pattern, seed: u64) -> Scenario {
    scenario_with_truth(pattern, seed).0
}

/// How a leak scenario was made, for fits that know everything but the onset (the bench's
/// `oracle`): what the best possible placement of the onset is, given the noise.
#[derive(Debug, Clone)]
pub struct Truth {
    /// Each sample's position in the window: 0 at the first sample, 1 at the window's end.
    pub u: Vec<f64>,
    /// Each sample less the leak's growth and the noise: the level, teeth and daily wave.
    pub without_leak: Vec<f64>,
    /// The true onset, as a position in the window.
    pub u0: f64,
    /// The leak's shape, up to its size.
    pub shape: LeakShape,
}

/// The shape of a leak's growth, given its onset, up to a factor.
#[derive(Debug, Clone)]
pub enum LeakShape {
    /// Linear from the onset.
    Ramp,
    /// Slope 1 from the onset to `bend`, rising linearly to `k` over `ramp`, then `k`.
    Accelerating {
        /// Where the slope starts to rise.
        bend: f64,
        /// Over how much of the window it rises.
        ramp: f64,
        /// By what factor.
        k: f64,
    },
    /// Linear from the onset, back to nothing at every cut, then linear again at the same pace.
    Recurring {
        /// The restarts.
        cuts: Vec<f64>,
    },
    /// Linear from the onset to `u1`, then drained over `drain` down to `keep` of the peak.
    Stopped {
        /// Where growth stopped.
        u1: f64,
        /// How long the drain took.
        drain: f64,
        /// The share of the peak left after it.
        keep: f64,
    },
}

impl LeakShape {
    /// The growth at `u` of a leak with onset `u0`, up to a factor.
    pub fn at(&self, u: f64, u0: f64) -> f64 {
        if u < u0 {
            return 0.0;
        }
        match self {
            LeakShape::Ramp => u - u0,
            LeakShape::Accelerating { bend, ramp, k } => {
                // The slope's integral from 0, before the onset is applied.
                let integral = |x: f64| {
                    let first = x.min(*bend);
                    let ramped = (x - bend).clamp(0.0, *ramp);
                    let rising = if *ramp > 0.0 { ramped + (k - 1.0) * ramped * ramped / (2.0 * ramp) } else { 0.0 };
                    first + rising + k * (x - bend - ramp).max(0.0)
                };
                integral(u) - integral(u0)
            }
            LeakShape::Recurring { cuts } => u - cuts.iter().rev().find(|&&c| u >= c).copied().unwrap_or(u0).max(u0),
            LeakShape::Stopped { u1, drain, keep } => {
                let peak = (u.min(*u1) - u0).max(0.0);
                let drained = if u > *u1 { ((u - u1) / drain).min(1.0) * (1.0 - keep) } else { 0.0 };
                peak * (1.0 - drained)
            }
        }
    }
}

/// [`scenario`], with the parts it was made of when it leaks.
pub fn scenario_with_truth(pattern: Pattern, seed: u64) -> (Scenario, Option<Truth>) {
    let mut rng = Rng::new(seed ^ 0x5EED_0000_0000_0000);
    let seasonal = matches!(pattern, Pattern::SeasonalLeak | Pattern::Seasonal);
    let window_ms =
        if seasonal { rng.range(3.0, 14.0) * DAY_MS } else { log_uniform(&mut rng, 3.0 * HOUR_MS, 14.0 * DAY_MS) };
    // Sampling 10 s – 5 min, with 300 – 20 000 samples.
    let step_ms = log_uniform(&mut rng, 10_000.0, 300_000.0).clamp(window_ms / 20_000.0, window_ms / 300.0);
    let n = (window_ms / step_ms) as usize + 1;
    let start_ms =
        EPOCH_START_MS + (rng.range(0.0, 30.0) as i64) * 86_400_000 + (rng.range(0.0, 86_400.0) as i64) * 1000;
    let jitter = rng.uniform() < 0.3;
    let mut t_ms: Vec<i64> = (0..n)
        .map(|i| {
            let j = if jitter && i > 0 && i + 1 < n { rng.range(-0.3, 0.3) * step_ms } else { 0.0 };
            start_ms + ((i as f64) * step_ms + j) as i64
        })
        .collect();
    t_ms.dedup();
    let n = t_ms.len();
    let u: Vec<f64> = t_ms.iter().map(|&t| (t - start_ms) as f64 / window_ms).collect();
    let base = log_uniform(&mut rng, 100.0 * MIB, 6144.0 * MIB);
    let sigma = base * log_uniform(&mut rng, 0.002, 0.03);
    let phi = rng.range(0.5, 0.95);
    let growth = sigma * log_uniform(&mut rng, 3.0, 50.0);
    let mut y: Vec<f64> = vec![base; n];
    // The leak's own growth, apart from the level, teeth and wave (for [`Truth`]).
    let mut leak: Vec<f64> = vec![0.0; n];
    let mut shape = None;
    let mut onset = None;
    let mut stop = None;
    let mut restarts = Vec::new();
    let mut growth_sigmas = growth / sigma;
    // The growth's pace per unit of the window (see `Scenario::rate_per_hour`).
    let mut pace = None;
    // The teeth's height, for where their peaks stand.
    let mut teeth = 0.0;
    let at = |frac: f64| start_ms + (frac * window_ms) as i64;
    match pattern {
        Pattern::SteadyLeak | Pattern::SeasonalLeak => {
            let u0 = if rng.uniform() < 0.15 { 0.0 } else { rng.range(0.1, 0.6) };
            for (v, &x) in leak.iter_mut().zip(&u) {
                *v += growth * ((x - u0) / (1.0 - u0)).max(0.0);
            }
            onset = Some(at(u0));
            shape = Some((u0, LeakShape::Ramp));
            pace = Some(growth / (1.0 - u0));
        }
        Pattern::AcceleratingLeak => {
            // Slope s1 from the onset, ramping to k·s1 over part of the rest (traffic growth,
            // a second leak path): the first stage alone rises at least 4 σ.
            let u0 = rng.range(0.1, 0.4);
            let k = rng.range(2.0, 5.0);
            let d = 1.0 - u0;
            let bend = u0 + d * rng.range(0.3, 0.6);
            let ramp = d * rng.range(0.0, 0.3);
            let g = sigma * log_uniform(&mut rng, 10.0, 60.0);
            // Integrate the slope profile numerically to scale it to the total growth g.
            let slope_at = |x: f64| {
                if x < u0 {
                    0.0
                } else if x < bend {
                    1.0
                } else if ramp > 0.0 && x < bend + ramp {
                    1.0 + (k - 1.0) * (x - bend) / ramp
                } else {
                    k
                }
            };
            let steps = 2000;
            let mut acc = vec![0.0; steps + 1];
            for i in 0..steps {
                let xm = (i as f64 + 0.5) / steps as f64;
                acc[i + 1] = acc[i] + slope_at(xm) / steps as f64;
            }
            let total = acc[steps].max(f64::MIN_POSITIVE);
            let first_stage = (bend - u0) / total * g;
            let g = if first_stage < 4.0 * sigma { g * 4.0 * sigma / first_stage } else { g };
            growth_sigmas = g / sigma;
            for (v, &x) in leak.iter_mut().zip(&u) {
                let pos = (x.clamp(0.0, 1.0) * steps as f64) as usize;
                *v += g * acc[pos.min(steps)] / total;
            }
            onset = Some(at(u0));
            shape = Some((u0, LeakShape::Accelerating { bend, ramp, k }));
            // The ramp ends before the window does (bend + ramp ≤ u0 + 0.9 d): the last pace is k.
            pace = Some(g * k / total);
        }
        Pattern::SawtoothLeak | Pattern::GcSawtooth => {
            let period = log_uniform(&mut rng, 8.0, 60.0) * step_ms;
            let amp = sigma * log_uniform(&mut rng, 8.0, 40.0);
            teeth = amp;
            let u0 = if pattern == Pattern::SawtoothLeak { rng.range(0.1, 0.6) } else { 2.0 };
            let mut next_gc = start_ms as f64 + rng.range(0.0, 1.0) * period;
            let mut last_gc = next_gc - period;
            for (i, v) in y.iter_mut().enumerate() {
                let t = t_ms[i] as f64;
                while t >= next_gc {
                    last_gc = next_gc;
                    next_gc += period * rng.range(0.8, 1.2);
                }
                let phase = ((t - last_gc) / (next_gc - last_gc)).clamp(0.0, 1.0);
                *v += amp * phase;
                if u0 <= 1.0 {
                    leak[i] += growth * ((u[i] - u0) / (1.0 - u0)).max(0.0);
                }
            }
            if u0 <= 1.0 {
                onset = Some(at(u0));
                shape = Some((u0, LeakShape::Ramp));
                pace = Some(growth / (1.0 - u0));
            }
        }
        Pattern::RecurringLeak => {
            let u0 = rng.range(0.05, 0.3);
            let count = 1 + (rng.uniform() * 3.0) as usize;
            let life = (1.0 - u0) / (count as f64 + rng.range(0.3, 1.0));
            let mut cuts = Vec::new();
            for r in 1..=count {
                cuts.push(u0 + life * r as f64 * rng.range(0.95, 1.05));
            }
            let rate = growth / life;
            for (v, &x) in leak.iter_mut().zip(&u) {
                let since = cuts.iter().rev().find(|&&c| x >= c).copied().unwrap_or(u0);
                *v += rate * (x - since).max(0.0);
            }
            onset = Some(at(u0));
            restarts = cuts.iter().map(|&c| at(c)).collect();
            shape = Some((u0, LeakShape::Recurring { cuts }));
            pace = Some(rate);
        }
        Pattern::StoppedLeak => {
            let u0 = rng.range(0.1, 0.35);
            let u1 = u0 + rng.range(0.25, 0.45);
            let drain = rng.range(0.02, 0.1);
            let keep = if rng.uniform() < 0.5 { 0.0 } else { rng.range(0.0, 0.3) };
            for (v, &x) in leak.iter_mut().zip(&u) {
                let peak = growth * ((x.min(u1) - u0) / (u1 - u0)).max(0.0);
                let drained = if x > u1 { ((x - u1) / drain).min(1.0) * (1.0 - keep) } else { 0.0 };
                *v += peak * (1.0 - drained);
            }
            onset = Some(at(u0));
            stop = Some(at(u1));
            shape = Some((u0, LeakShape::Stopped { u1, drain, keep }));
            pace = Some(growth / (u1 - u0));
        }
        Pattern::CacheWarmUp => {
            let u0 = if rng.uniform() < 0.5 { 0.0 } else { rng.range(0.0, 0.3) };
            let tau = rng.range(0.02, 0.15);
            for (v, &x) in y.iter_mut().zip(&u) {
                if x >= u0 {
                    *v += growth * (1.0 - libm::exp(-(x - u0) / tau));
                }
            }
        }
        Pattern::Step => {
            let u0 = rng.range(0.2, 0.8);
            let size = sigma * log_uniform(&mut rng, 4.0, 40.0) * if rng.uniform() < 0.7 { 1.0 } else { -1.0 };
            let width = rng.range(0.0, 3.0) * step_ms / window_ms;
            for (v, &x) in y.iter_mut().zip(&u) {
                *v +=
                    size * if width > 0.0 { ((x - u0) / width).clamp(0.0, 1.0) } else { f64::from(u8::from(x >= u0)) };
            }
            growth_sigmas = size / sigma;
        }
        Pattern::Spike => {
            let u0 = rng.range(0.1, 0.85);
            let width = rng.range(0.003, 0.04);
            let height = sigma * log_uniform(&mut rng, 5.0, 50.0);
            let shape = (rng.uniform() * 3.0) as u32;
            for (v, &x) in y.iter_mut().zip(&u) {
                let d = (x - u0) / width;
                *v += height
                    * match shape {
                        0 => f64::from(u8::from((0.0..1.0).contains(&d))),
                        1 => (1.0 - (2.0 * d - 1.0).abs()).max(0.0),
                        _ => libm::exp(-(2.0 * d - 1.0).powi(2) * 4.0),
                    };
            }
            growth_sigmas = height / sigma;
        }
        Pattern::Seasonal | Pattern::Stable => {}
    }
    if seasonal {
        let amp = sigma * rng.range(3.0, 15.0);
        let phase = rng.range(0.0, std::f64::consts::TAU);
        let second = rng.range(0.0, 0.5);
        for (v, &t) in y.iter_mut().zip(&t_ms) {
            let day = (t - EPOCH_START_MS) as f64 / DAY_MS * std::f64::consts::TAU;
            *v += amp * (libm::sin(day + phase) + second * libm::sin(2.0 * day + phase));
        }
    }
    let without_leak = y.clone();
    let noise = ar1_noise(&mut rng, n, phi, sigma);
    for ((v, e), l) in y.iter_mut().zip(noise).zip(&leak) {
        *v += l + e;
    }
    // A gap (scrape outage) somewhere away from the onset, in a fifth of the scenarios.
    let mut keep = vec![true; n];
    if rng.uniform() < 0.2 {
        let len = rng.range(0.02, 0.08);
        let from = rng.range(0.05, 0.9 - len);
        let clear_of_onset = onset.is_none_or(|o| {
            let o = (o - start_ms) as f64 / window_ms;
            o < from - 0.05 || o > from + len + 0.05
        });
        if clear_of_onset {
            for (k, &x) in keep.iter_mut().zip(&u) {
                if x >= from && x < from + len {
                    *k = false;
                }
            }
        }
    }
    let mut series = Series::new(format!("{}#{seed}", pattern.name()), Unit::Bytes);
    for i in 0..n {
        if keep[i] {
            series.push(t_ms[i], y[i].max(0.0));
        }
    }
    if rng.uniform() < 0.5 {
        series.limit = Some(base + growth * 3.0 + 10.0 * sigma);
    }
    let hours = window_ms / HOUR_MS;
    let rate_per_hour = pace.map(|p| p / hours);
    let growing = pattern.is_leak() && pattern != Pattern::StoppedLeak;
    let exhaustion_ms = match (series.limit, rate_per_hour, leak.last(), t_ms.last()) {
        (Some(limit), Some(rate), Some(&grown), Some(&end)) if growing && rate > 0.0 => {
            let level = base + grown + teeth;
            Some(end + ((limit - level).max(0.0) / rate * HOUR_MS) as i64)
        }
        _ => None,
    };
    let truth = shape.map(|(u0, shape)| Truth {
        u: (0..n).filter(|&i| keep[i]).map(|i| u[i]).collect(),
        without_leak: (0..n).filter(|&i| keep[i]).map(|i| without_leak[i]).collect(),
        u0,
        shape,
    });
    let scenario = Scenario {
        pattern,
        seed,
        series,
        onset_ms: onset,
        stop_ms: stop,
        restarts_ms: restarts,
        window_ms: window_ms as i64,
        growth_sigmas,
        phi,
        rate_per_hour,
        exhaustion_ms,
    };
    (scenario, truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_are_deterministic_and_sorted() {
        for p in Pattern::ALL {
            let a = scenario(p, 7);
            let b = scenario(p, 7);
            assert_eq!(a.series, b.series);
            assert!(a.series.times_ms.windows(2).all(|w| w[0] < w[1]));
            assert!(a.series.len() >= 200, "{p:?} {}", a.series.len());
        }
    }
}

/// What the analysis got right on a set of scenarios.
#[derive(Debug, Clone, Default)]
pub struct SuiteMetrics {
    /// Leak scenarios.
    pub leaks: usize,
    /// Leak scenarios reported as `leak`.
    pub detected: usize,
    /// Look-alike scenarios.
    pub look_alikes: usize,
    /// Look-alikes reported as `leak`.
    pub false_alarms: usize,
    /// Detected leaks whose onset is within 5 % of the window of the truth.
    pub onset_ok: usize,
    /// Onset errors of detected leaks, as fractions of the window.
    pub onset_errors: Vec<f64>,
    /// Detected leaks whose onset window (`low_ms..=high_ms`) holds the true onset.
    pub onset_covered: usize,
    /// Widths of the onset windows of detected leaks, as fractions of the window.
    pub onset_widths: Vec<f64>,
    /// Stopped leaks reported as leaks, and among them those whose reported stop lies within
    /// 5 % of the window of the true one (none reported counts as wrong).
    pub stops: (usize, usize),
    /// Signed errors of the reported stops, as fractions of the window (late is positive).
    pub stop_errors: Vec<f64>,
    /// Per pattern: (scenarios, correct verdicts, pattern name matches).
    pub per_pattern: Vec<(Pattern, usize, usize, usize)>,
    /// Per leak pattern, in the order of [`Pattern::ALL`]: (detected with an onset, onset
    /// within 5 % of the window).
    pub onset_per_pattern: Vec<(Pattern, usize, usize)>,
    /// Per leak pattern, in the order of [`Pattern::ALL`]: detected leaks with a growth, those
    /// whose growth interval holds the true pace, and the relative errors of the pace.
    pub growth_per_pattern: Vec<(Pattern, usize, usize, Vec<f64>)>,
    /// Widths of the growth intervals of detected leaks, as fractions of the true pace.
    pub growth_widths: Vec<f64>,
    /// Detected leaks with a limit that report an exhaustion, and those whose interval holds
    /// the true time; the errors of the time, as fractions of the time left at the window's end.
    pub exhaustion: (usize, usize, Vec<f64>),
    /// The failures, for reading: (pattern, seed, verdict, pattern reported, onset error).
    pub failures: Vec<String>,
}

impl SuiteMetrics {
    /// Detected leaks / leaks.
    pub fn recall(&self) -> f64 {
        self.detected as f64 / self.leaks.max(1) as f64
    }
    /// Look-alikes reported as leaks / look-alikes.
    pub fn false_alarm_rate(&self) -> f64 {
        self.false_alarms as f64 / self.look_alikes.max(1) as f64
    }
    /// Detected leaks with the onset within 5 % of the window / detected leaks.
    pub fn onset_accuracy(&self) -> f64 {
        self.onset_ok as f64 / self.detected.max(1) as f64
    }
    /// Median onset error as a fraction of the window.
    pub fn median_onset_error(&self) -> f64 {
        let mut e = self.onset_errors.clone();
        crate::analyze::changepoint::median_in_place(&mut e)
    }
    /// Median signed stop error as a fraction of the window (late is positive).
    pub fn median_stop_error(&self) -> f64 {
        let mut e = self.stop_errors.clone();
        crate::analyze::changepoint::median_in_place(&mut e)
    }
    /// Detected leaks whose onset window holds the true onset / detected leaks with an onset:
    /// how often the window's promise holds.
    pub fn onset_coverage(&self) -> f64 {
        self.onset_covered as f64 / self.onset_widths.len().max(1) as f64
    }
    /// Median width of the onset window as a fraction of the window.
    pub fn median_onset_width(&self) -> f64 {
        let mut w = self.onset_widths.clone();
        crate::analyze::changepoint::median_in_place(&mut w)
    }
}

/// Analyzes every scenario and scores the verdicts against the truth.
pub fn evaluate(scenarios: &[Scenario]) -> SuiteMetrics {
    use crate::report::Verdict;
    let mut m = SuiteMetrics::default();
    for p in Pattern::ALL {
        m.per_pattern.push((p, 0, 0, 0));
        if p.is_leak() {
            m.onset_per_pattern.push((p, 0, 0));
            m.growth_per_pattern.push((p, 0, 0, Vec::new()));
        }
    }
    for sc in scenarios {
        let r = crate::analyze::analyze_series(&sc.series, &Default::default());
        let is_leak = r.verdict == Verdict::Leak;
        let correct = if sc.pattern.is_leak() { is_leak } else { r.verdict == Verdict::NoLeak };
        let mut onset_err = None;
        if sc.pattern.is_leak() {
            m.leaks += 1;
            if is_leak {
                m.detected += 1;
                if let (Some(t), Some(o)) = (sc.onset_ms, r.onset) {
                    let signed = (o.ms - t) as f64 / sc.window_ms.max(1) as f64;
                    let e = signed.abs();
                    m.onset_errors.push(e);
                    m.onset_covered += usize::from(o.low_ms <= t && t <= o.high_ms);
                    m.onset_widths.push((o.high_ms - o.low_ms) as f64 / sc.window_ms.max(1) as f64);
                    onset_err = Some(signed);
                    if e <= 0.05 {
                        m.onset_ok += 1;
                    }
                }
                if let (Some(g), Some(rate), Some(entry)) =
                    (r.growth, sc.rate_per_hour, m.growth_per_pattern.iter_mut().find(|e| e.0 == sc.pattern))
                {
                    entry.1 += 1;
                    entry.2 += usize::from(g.low <= rate && rate <= g.high);
                    entry.3.push((g.per_hour - rate) / rate);
                    m.growth_widths.push((g.high - g.low) / rate);
                }
                if let (Some(e), Some(t), Some(&end)) = (r.exhaustion, sc.exhaustion_ms, sc.series.times_ms.last()) {
                    m.exhaustion.0 += 1;
                    m.exhaustion.1 += usize::from(e.low_ms <= t && t <= e.high_ms);
                    m.exhaustion.2.push((e.ms - t) as f64 / (t - end).max(1) as f64);
                }
                if let Some(t) = sc.stop_ms {
                    m.stops.0 += 1;
                    if let Some(stop) = r.stop_ms {
                        let e = (stop - t) as f64 / sc.window_ms.max(1) as f64;
                        m.stop_errors.push(e);
                        m.stops.1 += usize::from(e.abs() <= 0.05);
                    }
                }
            }
        } else {
            m.look_alikes += 1;
            if is_leak {
                m.false_alarms += 1;
            }
        }
        if let Some(entry) = m.per_pattern.iter_mut().find(|e| e.0 == sc.pattern) {
            entry.1 += 1;
            entry.2 += usize::from(correct);
            entry.3 += usize::from(r.pattern == sc.pattern.name());
        }
        if let (Some(e), Some(entry)) = (onset_err, m.onset_per_pattern.iter_mut().find(|e| e.0 == sc.pattern)) {
            entry.1 += 1;
            entry.2 += usize::from(e.abs() <= 0.05);
        }
        if !correct || onset_err.is_some_and(|e| e.abs() > 0.05) {
            m.failures.push(format!(
                "{} seed={} n={} growth={:.1}σ phi={:.2} → {} {} onset_err={} reason={}",
                sc.pattern.name(),
                sc.seed,
                sc.series.len(),
                sc.growth_sigmas,
                sc.phi,
                r.verdict.as_str(),
                r.pattern,
                // Signed, in % of the window: positive when the reported onset is late.
                onset_err.map_or("none".into(), |e| format!("{:+.1}%", e * 100.0)),
                r.reason
            ));
        }
    }
    m
}
