//! Held-out accuracy check for the analysis engine: a second labelled generator, written apart
//! from `src/scenarios.rs` (the suite the engine was tuned on), that draws the design's twelve
//! patterns (`shared/DESIGN.md`) with other shapes and other production artefacts, and scores the
//! verdicts as the tuning suite does: recall (leaks called `leak`), false alarms (look-alikes
//! called `leak`), onset accuracy (detected leaks whose onset is within 5 % of the window), and
//! stop accuracy (stopped leaks found whose stop is within 5 % of the window).
//!
//! What it draws: windows of 2 h – 14 d sampled every 10 s – 5 min, on a Prometheus-like grid with
//! missed scrapes, at jittered push intervals, or with a change of resolution, with scrape gaps;
//! AR(1) noise (φ 0.3–0.97 per nominal step, continuous in time across irregular intervals), with
//! Student-t innovations in some series and single-sample outliers in half of them; values
//! quantized to 4 KiB pages or to 1 MiB. Leaks grow by 3–60 noise σ (log-uniform): linearly,
//! concavely (a power below one or a logarithm, never plateauing), or in stairs of retained
//! chunks; accelerating leaks steepen 2–5×, in two stages, smoothly or exponentially. Look-alikes:
//! exponential, logistic and two-stage warm-ups that plateau; GC teeth of irregular heights
//! (±30 %) and curved ramps; deploys that shift the level, ramp, or restart the process; spikes of
//! minutes to an hour that decay or end; business-hours seasonality with quieter weekends.
//! Recurring leaks restart 1–4 times (OOM kills at a limit, or manual restarts) back to the
//! baseline; stopped leaks drain all or part of their growth, at once or gradually.
//!
//! It uses only the public API (`analyze_series`, `Series`, `Verdict`, and the pattern labels of
//! `scenarios::Pattern`) and its own random numbers, so it shares no drawing code with the
//! generator it checks.
//!
//! ```text
//! cargo run --profile bench --bin heldout                            # 40 per pattern, seed 1
//! cargo run --profile bench --bin heldout -- --per 100 --seed 2 -v   # and one line per miss
//! cargo run --profile bench --bin heldout -- --seeds 1-48            # 48 draws, summed
//! cargo run --profile bench --bin heldout -- --dump stopped-leak 1000007 > case.csv
//! ```

use leakscope::analyze::{analyze_series, AnalyzeOptions};
use leakscope::report::Verdict;
use leakscope::scenarios::Pattern;
use leakscope::series::{Series, Unit};
use std::f64::consts::TAU;
use std::process::ExitCode;
use std::time::Instant;

/// `println!` that ends the program quietly once the reader of its output has gone
/// (`... | head`), where `println!` panics.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * KIB;
const GIB: f64 = 1024.0 * MIB;
const SECOND_MS: f64 = 1000.0;
const MINUTE_MS: f64 = 60.0 * SECOND_MS;
const HOUR_MS: f64 = 60.0 * MINUTE_MS;
const DAY_MS: f64 = 24.0 * HOUR_MS;
/// 2024-09-02T00:00:00Z; every scenario starts up to 60 days later, at any time of day.
const EPOCH_START_MS: i64 = 1_725_235_200_000;
/// An onset within this fraction of the window of the truth counts as correct.
const ONSET_TOLERANCE: f64 = 0.05;
/// Scenario seeds are `base_seed × SEED_STRIDE + index`, so a miss's seed reads as both.
const SEED_STRIDE: u64 = 1_000_000;

const USAGE: &str = "usage: heldout [--per N] [--seed S | --seeds A-B] [-v]\n       heldout --dump PATTERN SEED";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut per_pattern = 40usize;
    let mut seeds = 1u64..=1;
    let mut verbose = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--per" => per_pattern = number(args.next(), "--per")?,
            "--seed" => {
                let seed = number(args.next(), "--seed")?;
                seeds = seed..=seed;
            }
            "--seeds" => {
                let range = args.next().ok_or("--seeds needs a range, as 1-48")?;
                let (a, b) =
                    range.split_once('-').ok_or_else(|| format!("--seeds needs a range A-B, found \"{range}\""))?;
                seeds = number(Some(a.to_string()), "--seeds")?..=number(Some(b.to_string()), "--seeds")?;
                if seeds.is_empty() {
                    return Err(format!("--seeds needs A ≤ B, found \"{range}\""));
                }
            }
            "-v" | "--verbose" => verbose = true,
            "--dump" => {
                let name = args.next().ok_or("--dump needs a pattern and a seed")?;
                let pattern = Pattern::ALL
                    .into_iter()
                    .find(|p| p.name() == name)
                    .ok_or_else(|| format!("unknown pattern \"{name}\""))?;
                dump(&scenario(pattern, number(args.next(), "--dump")?));
                return Ok(());
            }
            "-h" | "--help" => {
                say!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument \"{other}\"")),
        }
    }
    if per_pattern == 0 || per_pattern as u64 >= SEED_STRIDE {
        return Err(format!("--per must be between 1 and {}", SEED_STRIDE - 1));
    }
    let (mut scenarios, mut outcomes) = (Vec::new(), Vec::new());
    let (mut generated_s, mut analyzed_s) = (0.0, 0.0);
    for base_seed in seeds.clone() {
        let started = Instant::now();
        let drawn: Vec<Scenario> = Pattern::ALL
            .into_iter()
            .flat_map(|p| {
                (0..per_pattern as u64).map(move |i| scenario(p, base_seed.wrapping_mul(SEED_STRIDE).wrapping_add(i)))
            })
            .collect();
        generated_s += started.elapsed().as_secs_f64();
        let started = Instant::now();
        outcomes.extend(drawn.iter().map(score));
        analyzed_s += started.elapsed().as_secs_f64();
        // The samples are scored; 48 draws of them would hold gigabytes.
        scenarios.extend(drawn.into_iter().map(|s| Scenario { series: Series::default(), ..s }));
    }
    let draw = if seeds.start() == seeds.end() {
        format!("seed {}", seeds.start())
    } else {
        format!("seeds {}-{}", seeds.start(), seeds.end())
    };
    print_figures(&scenarios, &outcomes, per_pattern, &draw, generated_s, analyzed_s, verbose);
    Ok(())
}

fn number<T: std::str::FromStr>(value: Option<String>, flag: &str) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a number"))?;
    value.parse().map_err(|_| format!("{flag} needs a number, found \"{value}\""))
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, and good enough for drawing scenarios.
struct Rng {
    state: u64,
    /// Box–Muller draws normals in pairs; the second waits here.
    spare_normal: Option<f64>,
}

impl Rng {
    fn new(seed: u64) -> Self {
        Rng { state: seed, spare_normal: None }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.uniform()
    }

    fn log_uniform(&mut self, low: f64, high: f64) -> f64 {
        libm::exp(self.range(libm::log(low), libm::log(high)))
    }

    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let radius = libm::sqrt(-2.0 * libm::log(1.0 - self.uniform()));
        let angle = TAU * self.uniform();
        self.spare_normal = Some(radius * libm::sin(angle));
        radius * libm::cos(angle)
    }

    /// Student-t with `dof` > 2 degrees of freedom, scaled to unit variance.
    fn student_t(&mut self, dof: u32) -> f64 {
        let chi2: f64 = (0..dof).map(|_| self.normal().powi(2)).sum();
        let dof = f64::from(dof);
        self.normal() / libm::sqrt(chi2 / dof) * libm::sqrt((dof - 2.0) / dof)
    }
}

/// Mixed into the seed, so the same seed draws unrelated scenarios for different patterns.
fn salt(pattern: Pattern) -> u64 {
    let index = Pattern::ALL.iter().position(|&p| p == pattern).unwrap_or(0) as u64;
    (index + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)
}

/// One labelled series and what it was drawn from.
struct Scenario {
    pattern: Pattern,
    seed: u64,
    series: Series,
    /// When growth began, epoch ms (leaks only).
    onset_ms: Option<i64>,
    /// When growth ended (stopped leaks only).
    stop_ms: Option<i64>,
    /// Restarts (recurring leaks only).
    restarts_ms: Vec<i64>,
    window_ms: f64,
    /// Total growth (per cycle for recurring leaks; height or size for look-alikes) in noise σ.
    growth_sigmas: f64,
    phi: f64,
    /// The pace of growth now, bytes an hour, for leaks still growing at the end: the slope of
    /// the growth over the window's last half percent (a staircase's mean pace; a restarted
    /// leak's last lifetime's).
    pace_per_hour: Option<f64>,
    /// The variant drawn, in a few words, for reading misses.
    notes: Vec<String>,
}

/// How a leak's growth proceeds from 0 at its onset to 1 at its end (`s` is the fraction of the
/// leak's span elapsed).
enum Ramp {
    Linear,
    /// `s^p`, `p` < 1: concave, still growing at the end.
    Power(f64),
    /// `ln(1 + s/c) / ln(1 + 1/c)`: log-like, still growing at the end.
    Log(f64),
    /// Retained chunks: (span fraction of the chunk, cumulative progress after it); the first
    /// chunk lands at the onset.
    Stairs(Vec<(f64, f64)>),
    /// Cumulative progress tabulated on an even grid (accelerating slopes), interpolated.
    Table(Vec<f64>),
}

impl Ramp {
    /// A linear, concave or stair-stepped ramp over a leak lasting `span_ms`.
    fn draw(rng: &mut Rng, span_ms: f64) -> Ramp {
        match rng.below(4) {
            0 => Ramp::Linear,
            1 => Ramp::Power(rng.range(0.45, 0.75)),
            2 => Ramp::Log(rng.range(0.25, 1.0)),
            _ => {
                let every_ms = rng.log_uniform(2.0 * MINUTE_MS, HOUR_MS);
                let count = ((span_ms / every_ms) as usize).clamp(8, 3000);
                let mut at: Vec<f64> = (1..count).map(|_| rng.uniform()).collect();
                at.push(0.0);
                at.sort_by(f64::total_cmp);
                let sizes: Vec<f64> = at.iter().map(|_| rng.range(0.4, 1.6)).collect();
                let total: f64 = sizes.iter().sum();
                let mut progress = 0.0;
                let steps = at
                    .into_iter()
                    .zip(sizes)
                    .map(|(s, size)| {
                        progress += size / total;
                        (s, progress)
                    })
                    .collect();
                Ramp::Stairs(steps)
            }
        }
    }

    /// A ramp whose slope rises `k`-fold: in two stages, smoothly, or exponentially.
    fn accelerating(rng: &mut Rng, k: f64) -> (Ramp, &'static str) {
        let (slope, name): (Box<dyn Fn(f64) -> f64>, _) = match rng.below(3) {
            0 => {
                let bend = rng.range(0.25, 0.6);
                let ramp = rng.range(0.0, 0.25);
                let slope = move |s: f64| {
                    if s < bend {
                        1.0
                    } else if s < bend + ramp {
                        1.0 + (k - 1.0) * (s - bend) / ramp
                    } else {
                        k
                    }
                };
                (Box::new(slope), "two-stage")
            }
            1 => {
                let q = rng.range(1.0, 2.5);
                (Box::new(move |s: f64| 1.0 + (k - 1.0) * libm::pow(s, q)), "smooth")
            }
            _ => (Box::new(move |s: f64| libm::exp(libm::log(k) * s)), "exponential"),
        };
        const CELLS: usize = 512;
        let mut table = Vec::with_capacity(CELLS + 1);
        let mut sum = 0.0;
        table.push(0.0);
        for i in 0..CELLS {
            sum += slope((i as f64 + 0.5) / CELLS as f64);
            table.push(sum);
        }
        for v in &mut table {
            *v /= sum;
        }
        (Ramp::Table(table), name)
    }

    fn at(&self, s: f64) -> f64 {
        if s < 0.0 {
            return 0.0;
        }
        let s = s.min(1.0);
        match self {
            Ramp::Linear => s,
            Ramp::Power(p) => libm::pow(s, *p),
            Ramp::Log(c) => libm::log(1.0 + s / c) / libm::log(1.0 + 1.0 / c),
            Ramp::Stairs(steps) => {
                let reached = steps.partition_point(|&(at, _)| at <= s);
                reached.checked_sub(1).and_then(|i| steps.get(i)).map_or(0.0, |&(_, progress)| progress)
            }
            Ramp::Table(table) => {
                let cells = table.len().saturating_sub(1).max(1);
                let pos = s * cells as f64;
                let i = (pos as usize).min(cells - 1);
                let (a, b) = (table.get(i).copied().unwrap_or(0.0), table.get(i + 1).copied().unwrap_or(1.0));
                a + (b - a) * (pos - i as f64)
            }
        }
    }

    fn name(&self) -> String {
        match self {
            Ramp::Linear => "linear".into(),
            Ramp::Power(p) => format!("power {p:.2}"),
            Ramp::Log(c) => format!("log c={c:.2}"),
            Ramp::Stairs(steps) => format!("stairs ×{}", steps.len()),
            Ramp::Table(_) => "tabulated".into(),
        }
    }
}

/// How freed memory leaves after a stopped leak.
enum Drain {
    AtOnce,
    /// Linearly over this fraction of the window.
    Linear(f64),
    /// Exponentially with this time constant, as a fraction of the window.
    Decay(f64),
}

/// How a saturating warm-up approaches its plateau (`t95`: window fraction to reach 95 %).
enum WarmUp {
    Exponential,
    Logistic,
    TwoStage,
}

/// How a deploy moves the level.
enum Transition {
    Instant,
    /// Linearly over this fraction of the window.
    Ramped(f64),
    /// The process restarts: the level falls by `dip` (bytes) and warms up to the new level with
    /// time constant `tau` (window fraction).
    Restart {
        dip: f64,
        tau: f64,
    },
}

enum SpikeShape {
    /// Up within a sample, flat, down within a sample.
    Plateau,
    Triangle,
    /// Fast rise, exponential release (a batch job's buffers handed back by the GC).
    Decay,
}

struct Spike {
    start: f64,
    width: f64,
    height: f64,
    shape: SpikeShape,
}

/// The shape of the signal above the baseline, in window fractions `x` (0 at the first sample
/// slot, 1 at the end).
enum Shape {
    Flat,
    Leak {
        onset: f64,
        growth: f64,
        ramp: Ramp,
    },
    Recurring {
        /// Cycle starts: the onset, then every restart.
        starts: Vec<f64>,
        /// Growth per window fraction, per cycle.
        rates: Vec<f64>,
        /// Start-up undershoot after each restart, bytes, and its time constant.
        dip: f64,
        dip_tau: f64,
    },
    Stopped {
        onset: f64,
        stop: f64,
        growth: f64,
        ramp: Ramp,
        freed: f64,
        drain: Drain,
    },
    WarmUp {
        start: f64,
        t95: f64,
        height: f64,
        kind: WarmUp,
    },
    Step {
        at: f64,
        size: f64,
        transition: Transition,
    },
    Spikes(Vec<Spike>),
}

impl Shape {
    fn at(&self, x: f64) -> f64 {
        match self {
            Shape::Flat => 0.0,
            Shape::Leak { onset, growth, ramp } => {
                if x < *onset {
                    0.0
                } else {
                    growth * ramp.at((x - onset) / (1.0 - onset).max(1e-9))
                }
            }
            Shape::Recurring { starts, rates, dip, dip_tau } => {
                let cycle = starts.partition_point(|&s| s <= x);
                let Some(k) = cycle.checked_sub(1) else { return 0.0 };
                let since = x - starts.get(k).copied().unwrap_or(0.0);
                let climb = rates.get(k).copied().unwrap_or(0.0) * since;
                if k > 0 {
                    climb - dip * libm::exp(-since / dip_tau)
                } else {
                    climb
                }
            }
            Shape::Stopped { onset, stop, growth, ramp, freed, drain } => {
                if x < *onset {
                    return 0.0;
                }
                let peak = growth * ramp.at((x.min(*stop) - onset) / (stop - onset));
                if x <= *stop {
                    return peak;
                }
                let after = x - stop;
                let drained = match drain {
                    Drain::AtOnce => 1.0,
                    Drain::Linear(d) => (after / d).min(1.0),
                    Drain::Decay(tau) => 1.0 - libm::exp(-after / tau),
                };
                peak * (1.0 - freed * drained)
            }
            Shape::WarmUp { start, t95, height, kind } => {
                if x < *start {
                    return 0.0;
                }
                let s = x - start;
                let exp_to_95 = |t95: f64| 1.0 - libm::exp(-3.0 * s / t95);
                height
                    * match kind {
                        WarmUp::Exponential => exp_to_95(*t95),
                        WarmUp::Logistic => {
                            // 5 % of the way at the start, 95 % at t95, rescaled to start at 0.
                            let width = t95 / (2.0 * libm::log(19.0));
                            let logistic = |s: f64| 1.0 / (1.0 + libm::exp(-(s - t95 / 2.0) / width));
                            let first = logistic(0.0);
                            (logistic(s) - first) / (1.0 - first)
                        }
                        WarmUp::TwoStage => 0.6 * exp_to_95(t95 / 4.0) + 0.4 * exp_to_95(*t95),
                    }
            }
            Shape::Step { at, size, transition } => {
                if x < *at {
                    return 0.0;
                }
                match transition {
                    Transition::Instant => *size,
                    Transition::Ramped(width) => size * ((x - at) / width).min(1.0),
                    Transition::Restart { dip, tau } => size - dip * libm::exp(-(x - at) / tau),
                }
            }
            Shape::Spikes(spikes) => spikes
                .iter()
                .map(|spike| {
                    let d = (x - spike.start) / spike.width;
                    spike.height
                        * match spike.shape {
                            SpikeShape::Plateau => f64::from(u8::from((0.0..1.0).contains(&d))),
                            SpikeShape::Triangle => (1.0 - (2.0 * d - 1.0).abs()).max(0.0),
                            // Rises over the first tenth, then releases with a time constant of
                            // a quarter of the width (2 % left at the width's end).
                            SpikeShape::Decay if d < 0.0 => 0.0,
                            SpikeShape::Decay if d < 0.1 => d / 0.1,
                            SpikeShape::Decay => libm::exp(-(d - 0.1) / 0.225),
                        }
                })
                .sum(),
        }
    }
}

/// GC saw teeth: each tooth (start ms, length ms, height bytes, ramp curvature) climbs from the
/// post-GC floor as `height · phase^curvature` and collapses at its end.
struct Teeth(Vec<(f64, f64, f64, f64)>);

impl Teeth {
    fn draw(rng: &mut Rng, window_ms: f64, step_ms: f64, sigma: f64) -> Teeth {
        let period_ms = (step_ms * rng.log_uniform(5.0, 60.0)).max(MINUTE_MS).min(window_ms / 12.0);
        let height = sigma * rng.log_uniform(6.0, 50.0);
        let curvature = rng.range(0.6, 1.6);
        let mut teeth = Vec::new();
        let mut start = -rng.uniform() * period_ms;
        while start < window_ms + period_ms {
            let len = period_ms * rng.range(0.7, 1.3);
            let tooth_curvature = (curvature + rng.range(-0.2, 0.2)).max(0.3);
            teeth.push((start, len, height * rng.range(0.7, 1.3), tooth_curvature));
            start += len;
        }
        Teeth(teeth)
    }

    /// The teeth's contribution at `offset_ms` from the window start; `cursor` remembers the
    /// current tooth (samples come in time order).
    fn at(&self, offset_ms: f64, cursor: &mut usize) -> f64 {
        while let Some(&(start, len, _, _)) = self.0.get(*cursor) {
            if offset_ms < start + len {
                break;
            }
            *cursor += 1;
        }
        self.0.get(*cursor).map_or(0.0, |&(start, len, height, curvature)| {
            height * libm::pow(((offset_ms - start) / len).clamp(0.0, 1.0), curvature)
        })
    }
}

/// Business-hours seasonality: a peak around `peak_hour` local time, sharper as `kappa` grows,
/// mean zero over the day, peak to trough `amplitude`, scaled by `weekend` on Saturdays and
/// Sundays and by a slow ±15 % drift from week to week.
struct Daily {
    amplitude: f64,
    peak_hour: f64,
    kappa: f64,
    profile_mean: f64,
    weekend: f64,
    utc_offset_ms: f64,
    drift_phase: f64,
}

impl Daily {
    fn draw(rng: &mut Rng, sigma: f64) -> Daily {
        let kappa = rng.range(0.5, 3.0);
        let profile_mean =
            (0..240).map(|i| libm::exp(kappa * (libm::cos(TAU * i as f64 / 240.0) - 1.0))).sum::<f64>() / 240.0;
        Daily {
            amplitude: sigma * rng.log_uniform(3.0, 25.0),
            peak_hour: rng.range(9.0, 21.0),
            kappa,
            profile_mean,
            weekend: if rng.chance(0.4) { rng.range(0.3, 0.8) } else { 1.0 },
            utc_offset_ms: rng.range(-10.0, 10.0).round() * HOUR_MS,
            drift_phase: rng.range(0.0, TAU),
        }
    }

    fn at(&self, epoch_ms: f64) -> f64 {
        let local_ms = epoch_ms + self.utc_offset_ms;
        let hour = local_ms.rem_euclid(DAY_MS) / HOUR_MS;
        // 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on Sundays, 6 on Saturdays.
        let weekday = ((local_ms / DAY_MS).floor() as i64 + 4).rem_euclid(7);
        let profile = libm::exp(self.kappa * (libm::cos(TAU * (hour - self.peak_hour) / 24.0) - 1.0));
        let span = 1.0 - libm::exp(-2.0 * self.kappa);
        let day_scale = if weekday == 0 || weekday == 6 { self.weekend } else { 1.0 };
        let drift = 1.0 + 0.15 * libm::sin(TAU * epoch_ms / (7.3 * DAY_MS) + self.drift_phase);
        self.amplitude * day_scale * drift * (profile - self.profile_mean) / span
    }
}

/// One scenario of `pattern`, deterministic in `seed`.
fn scenario(pattern: Pattern, seed: u64) -> Scenario {
    let mut rng = Rng::new(seed ^ salt(pattern));
    let mut notes = Vec::new();
    let seasonal = matches!(pattern, Pattern::SeasonalLeak | Pattern::Seasonal);
    let window_ms =
        if seasonal { rng.range(2.0, 14.0) * DAY_MS } else { rng.log_uniform(2.0 * HOUR_MS, 14.0 * DAY_MS) };
    let step_ms = rng.log_uniform(10.0 * SECOND_MS, 5.0 * MINUTE_MS).clamp(window_ms / 20_000.0, window_ms / 240.0);
    let start_ms = EPOCH_START_MS + rng.below(60) as i64 * DAY_MS as i64 + (rng.uniform() * DAY_MS) as i64;
    let base = rng.log_uniform(64.0 * MIB, 12.0 * GIB);
    let sigma = base * rng.log_uniform(0.001, 0.03);
    let phi = rng.range(0.3, 0.97);
    let mut growth = sigma * rng.log_uniform(3.0, 60.0);
    let onset_or_start = |rng: &mut Rng, latest: f64| if rng.chance(0.2) { 0.0 } else { rng.range(0.05, latest) };

    let mut onset = None;
    let mut stop = None;
    let mut restarts = Vec::new();
    let mut limit = None;
    let mut teeth = None;
    let mut daily = None;
    let shape = match pattern {
        Pattern::SteadyLeak | Pattern::SawtoothLeak | Pattern::SeasonalLeak => {
            let u0 = onset_or_start(&mut rng, if seasonal { 0.5 } else { 0.65 });
            let ramp = Ramp::draw(&mut rng, (1.0 - u0) * window_ms);
            notes.push(ramp.name());
            onset = Some(u0);
            Shape::Leak { onset: u0, growth, ramp }
        }
        Pattern::AcceleratingLeak => {
            let u0 = onset_or_start(&mut rng, 0.45);
            let k = rng.range(2.0, 5.0);
            let (ramp, name) = Ramp::accelerating(&mut rng, k);
            // The onset is only identifiable if the slow stage shows: its first quarter must
            // rise by at least 3 σ.
            let early = ramp.at(0.25);
            if growth * early < 3.0 * sigma {
                growth = 3.0 * sigma / early;
            }
            notes.push(format!("{name} ×{k:.1}"));
            onset = Some(u0);
            Shape::Leak { onset: u0, growth, ramp }
        }
        Pattern::RecurringLeak => {
            let u0 = rng.range(0.02, 0.35);
            let count = 1 + rng.below(4);
            let cycle = (1.0 - u0) / (count as f64 + rng.range(0.25, 0.9));
            let mut starts = vec![u0];
            for _ in 0..count {
                let last = starts.last().copied().unwrap_or(u0);
                starts.push(last + cycle * rng.range(0.8, 1.2));
            }
            // Keep the last restart well inside the window.
            let last = starts.last().copied().unwrap_or(u0);
            if last > 0.93 {
                let squeeze = (0.93 - u0) / (last - u0);
                starts.iter_mut().for_each(|s| *s = u0 + (*s - u0) * squeeze);
            }
            let oom = rng.chance(0.7);
            let rates: Vec<f64> = starts
                .iter()
                .enumerate()
                .map(|(k, &s)| match starts.get(k + 1) {
                    // Killed at the limit: every cycle reaches about the same peak.
                    Some(&next) if oom => growth * rng.range(0.9, 1.0) / (next - s),
                    _ => growth / cycle * rng.range(0.85, 1.15),
                })
                .collect();
            let dip = if rng.chance(0.5) { sigma * rng.range(1.0, 6.0) } else { 0.0 };
            let dip_tau = rng.range(0.003, 0.02);
            if oom {
                limit = Some(base + growth * 1.02);
            }
            notes.push(format!("{} restarts{}", count, if oom { " at OOM" } else { "" }));
            onset = Some(u0);
            restarts = starts.iter().skip(1).copied().collect();
            Shape::Recurring { starts, rates, dip, dip_tau }
        }
        Pattern::StoppedLeak => {
            let u0 = onset_or_start(&mut rng, 0.35);
            let u1 = (u0 + rng.range(0.2, 0.5)).min(0.85);
            let ramp = Ramp::draw(&mut rng, (u1 - u0) * window_ms);
            let freed = if rng.chance(0.4) { 1.0 } else { rng.range(0.4, 0.95) };
            let drain = match rng.below(3) {
                0 => Drain::AtOnce,
                1 => Drain::Linear(rng.range(0.01, 0.1)),
                _ => Drain::Decay(rng.range(0.005, 0.04)),
            };
            notes.push(format!("{}, {:.0} % freed", ramp.name(), freed * 100.0));
            onset = Some(u0);
            stop = Some(u1);
            Shape::Stopped { onset: u0, stop: u1, growth, ramp, freed, drain }
        }
        Pattern::CacheWarmUp => {
            let start = if rng.chance(0.5) { 0.0 } else { rng.range(0.02, 0.3) };
            let t95 = rng.range(0.04, 0.45).min(0.6 - start);
            let kind = match rng.below(3) {
                0 => WarmUp::Exponential,
                1 => WarmUp::Logistic,
                _ => WarmUp::TwoStage,
            };
            let name = match kind {
                WarmUp::Exponential => "exponential",
                WarmUp::Logistic => "logistic",
                WarmUp::TwoStage => "two-stage",
            };
            notes.push(format!("{name} t95={:.0} %", t95 * 100.0));
            Shape::WarmUp { start, t95, height: growth, kind }
        }
        Pattern::Step => {
            let up = rng.chance(0.65);
            growth = sigma * rng.log_uniform(4.0, 50.0) * if up { 1.0 } else { -1.0 };
            let step_fraction = step_ms / window_ms;
            let transition = match rng.below(4) {
                0 | 1 => Transition::Instant,
                2 => Transition::Ramped(step_fraction * rng.range(1.0, 5.0)),
                _ => Transition::Restart { dip: base * rng.range(0.15, 0.6), tau: step_fraction * rng.range(1.0, 6.0) },
            };
            let name = match transition {
                Transition::Instant => "instant",
                Transition::Ramped(_) => "ramped",
                Transition::Restart { .. } => "restart",
            };
            notes.push(format!("{name} {}", if up { "up" } else { "down" }));
            Shape::Step { at: rng.range(0.15, 0.85), size: growth, transition }
        }
        Pattern::Spike => {
            let count = if rng.chance(0.75) { 1 } else { 2 + rng.below(2) };
            let spikes: Vec<Spike> = (0..count)
                .map(|_| {
                    let width_ms = rng.log_uniform(3.0 * MINUTE_MS, HOUR_MS).clamp(2.0 * step_ms, 0.12 * window_ms);
                    let width = width_ms / window_ms;
                    Spike {
                        start: rng.range(0.08, 0.92 - width),
                        width,
                        height: sigma * rng.log_uniform(5.0, 60.0),
                        shape: match rng.below(3) {
                            0 => SpikeShape::Plateau,
                            1 => SpikeShape::Triangle,
                            _ => SpikeShape::Decay,
                        },
                    }
                })
                .collect();
            growth = spikes.iter().map(|s| s.height).fold(0.0, f64::max);
            let shapes: Vec<&str> = spikes
                .iter()
                .map(|s| match s.shape {
                    SpikeShape::Plateau => "plateau",
                    SpikeShape::Triangle => "triangle",
                    SpikeShape::Decay => "decay",
                })
                .collect();
            let longest_ms = spikes.iter().map(|s| s.width).fold(0.0, f64::max) * window_ms;
            notes.push(format!("{} spike, {:.0} min", shapes.join("+"), longest_ms / MINUTE_MS));
            Shape::Spikes(spikes)
        }
        Pattern::GcSawtooth | Pattern::Seasonal | Pattern::Stable => {
            growth = 0.0;
            Shape::Flat
        }
    };
    if matches!(pattern, Pattern::SawtoothLeak | Pattern::GcSawtooth) {
        let drawn = Teeth::draw(&mut rng, window_ms, step_ms, sigma);
        let mean_len = drawn.0.iter().map(|t| t.1).sum::<f64>() / drawn.0.len().max(1) as f64;
        notes.push(format!("teeth of {:.0} steps", mean_len / step_ms));
        teeth = Some(drawn);
    }
    if seasonal {
        let drawn = Daily::draw(&mut rng, sigma);
        notes.push(format!(
            "daily {:.0}σ{}",
            drawn.amplitude / sigma,
            if drawn.weekend < 1.0 { " weekends" } else { "" }
        ));
        daily = Some(drawn);
    }

    // The moments a scrape gap must not hide (a fair label needs them visible).
    let mut events: Vec<f64> = onset.iter().chain(stop.iter()).chain(restarts.iter()).copied().collect();
    match &shape {
        Shape::Step { at, .. } => events.push(*at),
        Shape::Spikes(spikes) => events.extend(spikes.iter().flat_map(|s| [s.start, s.start + s.width])),
        _ => {}
    }
    let offsets = sample_offsets(&mut rng, window_ms, step_ms, &events, &mut notes);

    let noise = ar1_noise(&mut rng, &offsets, step_ms, phi, sigma, &mut notes);
    let mut values: Vec<f64> = Vec::with_capacity(offsets.len());
    let mut tooth = 0;
    for (&offset, e) in offsets.iter().zip(noise) {
        let x = offset / window_ms;
        let mut v = base + shape.at(x) + e;
        if let Some(teeth) = &teeth {
            v += teeth.at(offset, &mut tooth);
        }
        if let Some(daily) = &daily {
            v += daily.at(start_ms as f64 + offset);
        }
        values.push(v);
    }
    add_outliers(&mut rng, &mut values, sigma, &mut notes);
    quantize(&mut rng, &mut values, sigma, &mut notes);

    let mut series = Series::new(format!("heldout/{}#{seed}", pattern.name()), Unit::Bytes);
    for (&offset, &v) in offsets.iter().zip(&values) {
        let t = start_ms + offset.round() as i64;
        if series.times_ms.last().is_none_or(|&last| t > last) {
            series.push(t, v.max(0.0));
        }
    }
    series.limit = limit.or_else(|| rng.chance(0.2).then(|| base + growth.abs() * rng.range(2.0, 5.0) + 10.0 * sigma));
    let at = |fraction: f64| start_ms + (fraction * window_ms).round() as i64;
    let pace = match &shape {
        Shape::Leak { onset, growth, ramp: Ramp::Stairs(_) } => Some(growth / (1.0 - onset)),
        Shape::Leak { .. } => Some((shape.at(1.0) - shape.at(0.995)) / 0.005),
        Shape::Recurring { rates, .. } => rates.last().copied(),
        _ => None,
    };
    Scenario {
        pattern,
        seed,
        series,
        onset_ms: onset.map(at),
        stop_ms: stop.map(at),
        restarts_ms: restarts.into_iter().map(at).collect(),
        window_ms,
        growth_sigmas: growth / sigma,
        phi,
        pace_per_hour: pace.map(|p| p / (window_ms / HOUR_MS)),
        notes,
    }
}

/// Sample times as ms offsets from the window start: a scrape grid with missed scrapes, jittered
/// push intervals, or a resolution that changes part-way; then scrape gaps clear of `events`.
fn sample_offsets(rng: &mut Rng, window_ms: f64, step_ms: f64, events: &[f64], notes: &mut Vec<String>) -> Vec<f64> {
    let mut offsets = Vec::with_capacity((window_ms / step_ms) as usize + 2);
    match rng.below(20) {
        0..=10 => {
            let missed = if rng.chance(0.5) { rng.range(0.0, 0.03) } else { 0.0 };
            let mut t = 0.0;
            while t <= window_ms {
                if !rng.chance(missed) {
                    offsets.push((t + rng.normal() * 0.005 * step_ms).clamp(0.0, window_ms));
                }
                t += step_ms;
            }
            notes.push(format!("grid {:.0} s", step_ms / SECOND_MS));
        }
        11..=17 => {
            let spread = rng.range(0.1, 0.5);
            let mut t = 0.0;
            while t <= window_ms {
                offsets.push(t);
                t += step_ms * libm::exp(spread * rng.normal()).clamp(0.25, 4.0);
            }
            notes.push(format!("irregular {:.0} s", step_ms / SECOND_MS));
        }
        _ => {
            let coarse = 2.0 + rng.below(5) as f64;
            let switch = rng.range(0.3, 0.7) * window_ms;
            let mut t = 0.0;
            while t <= window_ms {
                offsets.push(t);
                t += if t < switch { coarse * step_ms } else { step_ms };
            }
            notes.push(format!("{:.0} s then {:.0} s", coarse * step_ms / SECOND_MS, step_ms / SECOND_MS));
        }
    }
    if rng.chance(0.35) {
        let count = 1 + rng.below(3);
        let mut made = 0;
        for _ in 0..10 * count {
            if made == count {
                break;
            }
            let len = rng.log_uniform(0.005, 0.05);
            let from = rng.range(0.03, 0.97 - len);
            if events.iter().any(|&e| e > from - 0.02 && e < from + len + 0.02) {
                continue;
            }
            let (from_ms, to_ms) = (from * window_ms, (from + len) * window_ms);
            offsets.retain(|&t| t < from_ms || t >= to_ms);
            made += 1;
        }
        if made > 0 {
            notes.push(format!("{made} gap{}", if made == 1 { "" } else { "s" }));
        }
    }
    offsets
}

/// AR(1) noise of stationary standard deviation `sigma`, with coefficient `phi` per nominal step
/// and `phi^(Δt/step)` across any other interval (an Ornstein–Uhlenbeck process sampled where
/// the samples are), so a gap decorrelates it. Innovations are Gaussian, or Student-t in some
/// series.
fn ar1_noise(rng: &mut Rng, offsets: &[f64], step_ms: f64, phi: f64, sigma: f64, notes: &mut Vec<String>) -> Vec<f64> {
    let dof = if rng.chance(0.35) { Some([3, 4, 5, 8][rng.below(4)]) } else { None };
    if let Some(dof) = dof {
        notes.push(format!("t{dof}"));
    }
    let innovation = |rng: &mut Rng| match dof {
        Some(dof) => rng.student_t(dof),
        None => rng.normal(),
    };
    let mut level = sigma * innovation(rng);
    let mut last = offsets.first().copied().unwrap_or(0.0);
    let log_phi_per_ms = libm::log(phi) / step_ms;
    offsets
        .iter()
        .map(|&t| {
            let carry = libm::exp(log_phi_per_ms * (t - last));
            level = carry * level + sigma * libm::sqrt(1.0 - carry * carry) * innovation(rng);
            last = t;
            level
        })
        .collect()
}

/// Single-sample blips (a scrape during a burst, a short read) in half of the series.
fn add_outliers(rng: &mut Rng, values: &mut [f64], sigma: f64, notes: &mut Vec<String>) {
    if values.is_empty() || rng.chance(0.5) {
        return;
    }
    let count = 1 + rng.below(4);
    for _ in 0..count {
        let i = rng.below(values.len());
        let sign = if rng.chance(0.75) { 1.0 } else { -1.0 };
        if let Some(v) = values.get_mut(i) {
            *v += sign * sigma * rng.log_uniform(5.0, 40.0);
        }
    }
    notes.push(format!("{count} blip{}", if count == 1 { "" } else { "s" }));
}

/// Values as exporters report them: whole 4 KiB pages (RSS), whole MiB (tools that print MiB),
/// or unrounded (averaged series).
fn quantize(rng: &mut Rng, values: &mut [f64], sigma: f64, notes: &mut Vec<String>) {
    let quantum = match rng.below(5) {
        0 | 1 => return,
        2 | 3 => 4.0 * KIB,
        _ if sigma >= 0.5 * MIB => MIB,
        _ => 4.0 * KIB,
    };
    for v in values.iter_mut() {
        *v = (*v / quantum).round() * quantum;
    }
    notes.push(if quantum == MIB { "1 MiB".into() } else { "pages".into() });
}

/// What the analysis said about one scenario.
struct Outcome {
    /// How many samples the scenario had (it keeps none once scored).
    points: usize,
    verdict: Verdict,
    correct: bool,
    pattern: String,
    /// (reported − true onset) / window, for detected leaks (negative: found early).
    onset_error: Option<f64>,
    /// For detected leaks: whether the reported onset window holds the true onset (or the first
    /// sample, for growth that began before it).
    onset_covered: Option<bool>,
    /// For detected leaks: the onset window's width / window.
    onset_width: Option<f64>,
    /// For stopped leaks reported as leaks: |reported − true stop| / window, or infinity when no
    /// stop was reported.
    stop_error: Option<f64>,
    /// For leaks reported as leaks with a pace to compare: (reported − true pace) / true pace,
    /// whether the reported interval holds the true pace, and its width / the true pace.
    growth: Option<(f64, bool, f64)>,
    reason: String,
}

fn score(scenario: &Scenario) -> Outcome {
    let report = analyze_series(&scenario.series, &AnalyzeOptions::default());
    let correct =
        if scenario.pattern.is_leak() { report.verdict == Verdict::Leak } else { report.verdict == Verdict::NoLeak };
    let (onset_error, onset_covered, onset_width) = match (report.verdict, scenario.onset_ms, report.onset) {
        (Verdict::Leak, Some(truth), Some(found)) => (
            Some((found.ms - truth) as f64 / scenario.window_ms),
            // Growth under way when the window opens (a fifth of the steady, saw-tooth, seasonal
            // and accelerating leaks) began at the window's start, a moment before the first
            // sample when the scrapes are jittered: no window drawn from the samples reaches it.
            // The first sample is the earliest onset they show.
            Some({
                let seen = truth.max(scenario.series.times_ms.first().copied().unwrap_or(truth));
                found.low_ms <= seen && seen <= found.high_ms
            }),
            Some((found.high_ms - found.low_ms) as f64 / scenario.window_ms),
        ),
        _ => (None, None, None),
    };
    let stop_error = match (report.verdict, scenario.stop_ms) {
        (Verdict::Leak, Some(truth)) => {
            Some(report.stop_ms.map_or(f64::INFINITY, |found| (found - truth).abs() as f64 / scenario.window_ms))
        }
        _ => None,
    };
    let growth = match (report.verdict, scenario.pace_per_hour, report.growth) {
        (Verdict::Leak, Some(pace), Some(g)) if pace > 0.0 => {
            Some(((g.per_hour - pace) / pace, g.low <= pace && pace <= g.high, (g.high - g.low) / pace))
        }
        _ => None,
    };
    Outcome {
        points: scenario.series.len(),
        verdict: report.verdict,
        correct,
        pattern: report.pattern,
        onset_error,
        onset_covered,
        onset_width,
        stop_error,
        growth,
        reason: report.reason,
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

fn print_figures(
    scenarios: &[Scenario],
    outcomes: &[Outcome],
    per_pattern: usize,
    draw: &str,
    generated_s: f64,
    analyzed_s: f64,
    verbose: bool,
) {
    let pairs = || scenarios.iter().zip(outcomes);
    let leaks = pairs().filter(|(s, _)| s.pattern.is_leak()).count();
    let detected = pairs().filter(|(s, o)| s.pattern.is_leak() && o.verdict == Verdict::Leak).count();
    let look_alikes = scenarios.len() - leaks;
    let false_alarms = pairs().filter(|(s, o)| !s.pattern.is_leak() && o.verdict == Verdict::Leak).count();
    let mut onset_errors: Vec<f64> =
        pairs().filter(|(s, _)| s.pattern.is_leak()).filter_map(|(_, o)| o.onset_error.map(f64::abs)).collect();
    let onset_ok = onset_errors.iter().filter(|&&e| e <= ONSET_TOLERANCE).count();
    onset_errors.sort_by(f64::total_cmp);
    let median_onset_error = match onset_errors.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => onset_errors[n / 2],
        n => (onset_errors[n / 2 - 1] + onset_errors[n / 2]) / 2.0,
    };

    say!(
        "heldout: {} scenarios ({per_pattern} per pattern a draw, {draw}): generated in {generated_s:.2} s, \
         analyzed in {analyzed_s:.2} s",
        scenarios.len()
    );
    say!("  recall              {:.3} ({detected}/{leaks})", detected as f64 / leaks.max(1) as f64);
    say!("  false alarms        {:.3} ({false_alarms}/{look_alikes})", false_alarms as f64 / look_alikes.max(1) as f64);
    say!(
        "  onset accuracy      {:.3} ({onset_ok}/{detected} detected leaks within 5 % of the window)",
        onset_ok as f64 / detected.max(1) as f64
    );
    say!("  median onset error  {:.2} % of the window", median_onset_error * 100.0);
    let windows: Vec<bool> = outcomes.iter().filter_map(|o| o.onset_covered).collect();
    let covered = windows.iter().filter(|&&c| c).count();
    say!(
        "  onset window        holds the true onset for {:.3} ({covered}/{})",
        covered as f64 / windows.len().max(1) as f64,
        windows.len()
    );
    let stops: Vec<f64> = outcomes.iter().filter_map(|o| o.stop_error).collect();
    let stops_ok = stops.iter().filter(|&&e| e <= ONSET_TOLERANCE).count();
    say!(
        "  stop accuracy       {:.3} ({stops_ok}/{} stopped leaks found, stop within 5 % of the window)",
        stops_ok as f64 / stops.len().max(1) as f64,
        stops.len()
    );
    let mut growth_errors: Vec<f64> = outcomes.iter().filter_map(|o| o.growth.map(|g| g.0.abs())).collect();
    let held = outcomes.iter().filter(|o| o.growth.is_some_and(|g| g.1)).count();
    let mut growth_widths: Vec<f64> = outcomes.iter().filter_map(|o| o.growth.map(|g| g.2)).collect();
    say!(
        "  growth              interval holds the true pace for {:.3} ({held}/{}), median width {:.1} % of it; median error {:.1} %",
        held as f64 / growth_errors.len().max(1) as f64,
        growth_errors.len(),
        leakscope::analyze::changepoint::median_in_place(&mut growth_widths) * 100.0,
        leakscope::analyze::changepoint::median_in_place(&mut growth_errors) * 100.0
    );
    say!(
        "  {:<18} {:>4} {:>11} {:>9} {:>5} {:>8} {:>7} {:>8}",
        "pattern",
        "n",
        "verdict ok",
        "onset ok",
        "leak",
        "no-leak",
        "inconc.",
        "named"
    );
    for pattern in Pattern::ALL {
        let of_pattern: Vec<&Outcome> = pairs().filter(|(s, _)| s.pattern == pattern).map(|(_, o)| o).collect();
        let n = of_pattern.len();
        let count = |v: Verdict| of_pattern.iter().filter(|o| o.verdict == v).count();
        let correct = of_pattern.iter().filter(|o| o.correct).count();
        let named = of_pattern.iter().filter(|o| o.pattern == pattern.name()).count();
        let onset = if pattern.is_leak() {
            let ok = of_pattern.iter().filter(|o| o.onset_error.is_some_and(|e| e.abs() <= ONSET_TOLERANCE)).count();
            format!("{:.1} %", percent(ok, count(Verdict::Leak)))
        } else {
            "-".into()
        };
        say!(
            "  {:<18} {:>4} {:>9.1} % {:>9} {:>5} {:>8} {:>7} {:>6.1} %",
            pattern.name(),
            n,
            percent(correct, n),
            onset,
            count(Verdict::Leak),
            count(Verdict::NoLeak),
            count(Verdict::Inconclusive),
            percent(named, n)
        );
    }
    say!("  (onset ok: of the detected leaks; verdict ok for a look-alike: no-leak, so inconclusive is a miss;");
    say!("  named: the report's pattern is the scenario's)");
    print_shapes(scenarios, outcomes);
    if verbose {
        for (s, o) in pairs() {
            let onset_missed = o.onset_error.is_some_and(|e| e.abs() > ONSET_TOLERANCE);
            if o.correct && !onset_missed {
                continue;
            }
            let onset = o.onset_error.map(|e| format!(" onset off by {:+.1} %", e * 100.0)).unwrap_or_default();
            let reason = if o.reason.is_empty() { String::new() } else { format!(" ({})", o.reason) };
            say!(
                "  miss: {} seed={} n={} growth={:.1}σ phi={:.2} [{}] → {} {}{onset}{reason}",
                s.pattern.name(),
                s.seed,
                o.points,
                s.growth_sigmas,
                s.phi,
                s.notes.join(", "),
                o.verdict.as_str(),
                o.pattern
            );
        }
    }
}

/// The detected leaks by the shape of their growth (the first word of the variant drawn; restarted
/// leaks by their restarts): how many, their onsets within 5 % of the window, how often the onset
/// window holds the true onset, and its median width; for those still growing at the end, how
/// often the growth interval holds the true pace, the pace's median signed error and the
/// interval's median width. Where the window or the interval is priced under a shape the growth
/// does not have, this is where it shows.
fn print_shapes(scenarios: &[Scenario], outcomes: &[Outcome]) {
    /// One shape's detected leaks: how many, onsets within 5 %, windows that hold, their widths.
    #[derive(Default)]
    struct Tally {
        found: usize,
        onset_ok: usize,
        held: usize,
        widths: Vec<f64>,
        /// Of leaks with a pace to compare: intervals holding it; relative errors of the pace; the
        /// intervals' widths relative to it.
        pace_held: usize,
        pace_errors: Vec<f64>,
        pace_widths: Vec<f64>,
    }
    let mut shapes: std::collections::BTreeMap<String, Tally> = std::collections::BTreeMap::new();
    for (s, o) in scenarios.iter().zip(outcomes) {
        let (Some(error), Some(covered), Some(width)) = (o.onset_error, o.onset_covered, o.onset_width) else {
            continue;
        };
        let variant = s.notes.first().map_or("", |n| n.split([' ', ',']).next().unwrap_or(""));
        let shape = match s.pattern {
            Pattern::RecurringLeak => "restarted".to_string(),
            _ => format!("{} {variant}", s.pattern.name().trim_end_matches("-leak")),
        };
        let tally = shapes.entry(shape).or_default();
        tally.found += 1;
        tally.onset_ok += usize::from(error.abs() <= ONSET_TOLERANCE);
        tally.held += usize::from(covered);
        tally.widths.push(width);
        if let Some((error, held, width)) = o.growth {
            tally.pace_held += usize::from(held);
            tally.pace_errors.push(error);
            tally.pace_widths.push(width);
        }
    }
    say!(
        "  {:<24} {:>5} {:>9} {:>14} {:>13} {:>11} {:>11} {:>11}",
        "leak shape",
        "found",
        "onset ok",
        "window holds",
        "median width",
        "pace holds",
        "pace error",
        "its width"
    );
    for (shape, tally) in &mut shapes {
        let width = leakscope::analyze::changepoint::median_in_place(&mut tally.widths);
        let pace = if tally.pace_errors.is_empty() {
            format!("{:>11} {:>11} {:>11}", "-", "-", "-")
        } else {
            let error = leakscope::analyze::changepoint::median_in_place(&mut tally.pace_errors);
            let width = leakscope::analyze::changepoint::median_in_place(&mut tally.pace_widths);
            format!(
                "{:>9.1} % {:>+9.1} % {:>9.1} %",
                percent(tally.pace_held, tally.pace_errors.len()),
                error * 100.0,
                width * 100.0
            )
        };
        say!(
            "  {shape:<24} {:>5} {:>7.1} % {:>12.1} % {:>11.2} % {pace}",
            tally.found,
            percent(tally.onset_ok, tally.found),
            percent(tally.held, tally.found),
            width * 100.0
        );
    }
    say!("  (median width: of the onset window, % of the scenario's window; pace: of leaks still");
    say!("  growing at the end, how often the growth interval holds the true pace, the pace's median");
    say!("  signed error and the interval's median width, % of the true pace)");
}

/// Prints one scenario as CSV (epoch ms, bytes) for `leakscope analyze`, its truth on stderr.
fn dump(scenario: &Scenario) {
    let ms = |t: Option<i64>| t.map_or_else(|| "none".to_string(), |t| t.to_string());
    eprintln!(
        "{} seed={} leak={} onset_ms={} stop_ms={} restarts_ms={:?} window={:.1} h pace_per_hour={} growth={:.1}σ phi={:.2} [{}]",
        scenario.pattern.name(),
        scenario.seed,
        scenario.pattern.is_leak(),
        ms(scenario.onset_ms),
        ms(scenario.stop_ms),
        scenario.restarts_ms,
        scenario.window_ms / HOUR_MS,
        scenario.pace_per_hour.map_or_else(|| "none".to_string(), |p| format!("{p:.0}")),
        scenario.growth_sigmas,
        scenario.phi,
        scenario.notes.join(", ")
    );
    say!("time_ms,memory_bytes");
    for (t, v) in scenario.series.times_ms.iter().zip(&scenario.series.values) {
        say!("{t},{v}");
    }
}
