//! Accuracy and speed figures for the analysis engine: runs the labelled scenario suite and
//! times the analysis on large inputs. Prints figures; asserts nothing about time.
//!
//! ```text
//! cargo run --profile bench --bin leakscope-bench            # everything
//! cargo run --profile bench --bin leakscope-bench -- suite   # accuracy only
//! cargo run --profile bench --bin leakscope-bench -- suite --draws 10   # pooled over ten draws
//! cargo run --profile bench --bin leakscope-bench -- speed   # speed only
//! cargo run --profile bench --bin leakscope-bench -- oracle --draws 10   # the onset's bounds
//! cargo run --profile bench --bin leakscope-bench -- oracle --draws 10 -v   # and the engine's misses
//! cargo run --profile bench --bin leakscope-bench -- suite --draws 10 --seed 10001   # draws not tuned on
//! ```

use leakscope::analyze::{analyze_series, AnalyzeOptions};
use leakscope::scenarios::{evaluate, scenario_with_truth, suite, suite_seed, LeakShape, Pattern, Truth};
use leakscope::series::{Series, Unit};
use leakscope::synth::{ar1_noise, Rng};
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

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    let verbose = std::env::args().any(|a| a == "-v");
    if what == "show" {
        let args: Vec<String> = std::env::args().collect();
        let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
        show(args.get(2).map_or("", String::as_str), seed);
        return;
    }
    if what.is_empty() || what == "suite" {
        run_suite(verbose);
    }
    if what == "oracle" {
        run_oracle(verbose);
        return;
    }
    if what == "many" {
        let many: Vec<Series> = (0..10_000).map(|k| leak_series(1000, 100 + k)).collect();
        let t = Instant::now();
        for s in &many {
            std::hint::black_box(analyze_series(s, &AnalyzeOptions::default()));
        }
        say!("10,000 x 1,000: {:.2} s", t.elapsed().as_secs_f64());
        return;
    }
    if what.is_empty() || what == "speed" {
        run_speed();
    }
    say!("peak memory (VmHWM): {}", peak_memory());
}

/// The number after `name` on the command line, if any.
fn flag(name: &str) -> Option<u64> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok())
}

fn run_suite(verbose: bool) {
    let per_pattern = 40;
    // `leakscope-bench suite -v --seed N` runs a different draw (held-out check).
    let base_seed = flag("--seed").unwrap_or(1);
    // `--draws N` pools N draws (seeds from base, base + 1000, …): one draw of 480 scenarios
    // moves the onset figure by a point or two either way.
    let draws = flag("--draws").unwrap_or(1);
    let started = Instant::now();
    let scenarios: Vec<_> = (0..draws.max(1)).flat_map(|k| suite(per_pattern, base_seed + 1000 * k)).collect();
    let m = evaluate(&scenarios);
    let seeds = if draws > 1 {
        format!("{draws} draws, seeds from {base_seed} in steps of 1000")
    } else {
        format!("seeds from {base_seed}")
    };
    say!(
        "suite: {} scenarios ({} per pattern a draw, {seeds}) analyzed in {:.2} s",
        scenarios.len(),
        per_pattern,
        started.elapsed().as_secs_f64()
    );
    say!("  recall            {:.3} ({}/{})", m.recall(), m.detected, m.leaks);
    say!("  false alarms      {:.3} ({}/{})", m.false_alarm_rate(), m.false_alarms, m.look_alikes);
    say!("  onset accuracy    {:.3} ({}/{} within 5 % of the window)", m.onset_accuracy(), m.onset_ok, m.detected);
    say!("  median onset err  {:.2} % of the window", m.median_onset_error() * 100.0);
    say!(
        "  stop              {:.3} of the stopped leaks found put it within 5 % ({}/{}); median error {:+.2} %",
        m.stops.1 as f64 / m.stops.0.max(1) as f64,
        m.stops.1,
        m.stops.0,
        m.median_stop_error() * 100.0
    );
    say!(
        "  onset window      holds the true onset for {:.3}; median width {:.2} % of the window",
        m.onset_coverage(),
        m.median_onset_width() * 100.0
    );
    let median = |v: &[f64]| leakscope::analyze::changepoint::median_in_place(&mut v.to_vec());
    let abs = |v: &[f64]| v.iter().map(|e| e.abs()).collect::<Vec<_>>();
    let all: Vec<f64> = m.growth_per_pattern.iter().flat_map(|g| g.3.iter().copied()).collect();
    let (with, held) = m.growth_per_pattern.iter().fold((0, 0), |(a, b), g| (a + g.1, b + g.2));
    say!(
        "  growth            interval holds the true pace for {:.3} ({held}/{with}), median width {:.1} % of it; median error {:.1} % ({:+.1} % signed)",
        held as f64 / with.max(1) as f64,
        median(&m.growth_widths) * 100.0,
        median(&abs(&all)) * 100.0,
        median(&all) * 100.0
    );
    let (e_with, e_held, e_err) = &m.exhaustion;
    say!(
        "  exhaustion        interval holds the true time for {:.3} ({e_held}/{e_with}); median error {:.1} % of the time left",
        *e_held as f64 / (*e_with).max(1) as f64,
        median(&abs(e_err)) * 100.0
    );
    say!(
        "  {:<18} {:>5} {:>9} {:>9} {:>9} {:>8} {:>8}",
        "pattern",
        "n",
        "verdict",
        "pattern",
        "onset",
        "growth",
        "holds"
    );
    for (p, n, ok, named) in &m.per_pattern {
        let onset = m.onset_per_pattern.iter().find(|e| e.0 == *p).map_or("-".to_string(), |&(_, with, within)| {
            format!("{:.1}%", 100.0 * within as f64 / with.max(1) as f64)
        });
        let (growth, holds) = m.growth_per_pattern.iter().find(|g| g.0 == *p).map_or(("-".into(), "-".into()), |g| {
            (format!("{:.1}%", 100.0 * median(&abs(&g.3))), format!("{:.1}%", 100.0 * g.2 as f64 / g.1.max(1) as f64))
        });
        say!(
            "  {:<18} {:>5} {:>8.1}% {:>8.1}% {:>9} {:>8} {:>8}",
            p.name(),
            n,
            100.0 * *ok as f64 / (*n).max(1) as f64,
            100.0 * *named as f64 / (*n).max(1) as f64,
            onset,
            growth,
            holds
        );
    }
    say!(
        "  (onset: of the detected leaks, within 5 % of the window; growth: median error of the pace \
         reported; holds: its 95 % interval holds the true pace)"
    );
    if verbose {
        for f in &m.failures {
            say!("  miss: {f}");
        }
    }
}

/// The onset target's bound: on the suite's leaks, the share of onsets within 5 % of the window
/// that a fit knowing everything but the onset places, beside the engine's. The fit is given
/// each scenario's level, teeth and daily wave (taken off the samples) and the leak's shape up
/// to its size (the bend, restarts and drain where there are any), and finds the onset by least
/// squares over a grid of 1/400 of the window. The noise is all that is left to it, so no
/// method reading the samples alone can be expected to do better, bar luck.
fn run_oracle(verbose: bool) {
    let draws = flag("--draws").unwrap_or(1);
    // The suite's draws (`--seed` as for `suite`): the engine was tuned on those from 1.
    let base_seed = flag("--seed").unwrap_or(1);
    let per_pattern = 40;
    let started = Instant::now();
    // Per leak pattern: leaks, oracle within 5 %, detected with an onset, engine within 5 %,
    // oracle within 5 % on those detected.
    let mut rows: Vec<(Pattern, [usize; 5])> =
        Pattern::ALL.iter().filter(|p| p.is_leak()).map(|&p| (p, [0; 5])).collect();
    // Accelerating leaks, and how many of them a fit that knows the shape's family but fits its
    // bend, ramp and final pace places within 5 %.
    let mut family = (0, 0);
    for k in 0..draws.max(1) {
        let base_seed = base_seed + 1000 * k;
        for pattern in Pattern::ALL.into_iter().filter(|p| p.is_leak()) {
            for i in 0..per_pattern {
                let (sc, Some(truth)) = scenario_with_truth(pattern, suite_seed(pattern, i, base_seed)) else {
                    continue;
                };
                let oracle_ok = (oracle_onset(&sc.series.values, &truth) - truth.u0).abs() <= 0.05;
                let r = analyze_series(&sc.series, &AnalyzeOptions::default());
                let Some(row) = rows.iter_mut().find(|r| r.0 == pattern) else { continue };
                let c = &mut row.1;
                c[0] += 1;
                c[1] += usize::from(oracle_ok);
                if let LeakShape::Accelerating { .. } = truth.shape {
                    family.0 += 1;
                    family.1 +=
                        usize::from((family_onset_accelerating(&sc.series.values, &truth) - truth.u0).abs() <= 0.05);
                }
                if let (leakscope::report::Verdict::Leak, Some(o), Some(t)) = (r.verdict, r.onset, sc.onset_ms) {
                    let error = (o.ms - t) as f64 / sc.window_ms.max(1) as f64;
                    c[2] += 1;
                    c[3] += usize::from(error.abs() <= 0.05);
                    c[4] += usize::from(oracle_ok);
                    if verbose && oracle_ok && error.abs() > 0.05 {
                        say!(
                            "  engine off, oracle on: {} {} onset {:+.1} % of the window, {:.1} σ, φ {:.2}, {:?}",
                            pattern.name(),
                            sc.seed,
                            100.0 * error,
                            sc.growth_sigmas,
                            sc.phi,
                            truth.shape
                        );
                    }
                }
            }
        }
    }
    say!(
        "onset within 5 % of the window: a fit knowing all but the onset, and the engine ({} draws of the suite's leaks, seeds from {base_seed}, {:.1} s)",
        draws.max(1),
        started.elapsed().as_secs_f64()
    );
    say!(
        "  {:<18} {:>5} {:>8} {:>9} {:>8} {:>17}",
        "pattern",
        "leaks",
        "oracle",
        "detected",
        "engine",
        "oracle, detected"
    );
    let share = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let mut total = [0; 5];
    for (p, c) in &rows {
        say!(
            "  {:<18} {:>5} {:>7.1}% {:>9} {:>7.1}% {:>16.1}%",
            p.name(),
            c[0],
            share(c[1], c[0]),
            c[2],
            share(c[3], c[2]),
            share(c[4], c[2])
        );
        for (t, v) in total.iter_mut().zip(c) {
            *t += v;
        }
    }
    say!(
        "  {:<18} {:>5} {:>7.1}% {:>9} {:>7.1}% {:>16.1}%",
        "all",
        total[0],
        share(total[1], total[0]),
        total[2],
        share(total[3], total[2]),
        share(total[4], total[2])
    );
    say!(
        "  accelerating leaks, the fit knowing their family of shapes but fitting its bend, ramp and final pace too: {:.1}% ({}/{})",
        share(family.1, family.0),
        family.1,
        family.0
    );
}

/// The onsets the oracles try, as positions in the window: its first three quarters on a grid
/// of 1/400 (the suite's onsets lie in its first 0.6). One grid for both, so their figures
/// compare.
fn oracle_onsets() -> impl Iterator<Item = f64> {
    (0..=300).map(|j| j as f64 / 400.0)
}

/// Each sample less its level, teeth and wave: the leak's growth and the noise.
fn growth_and_noise(values: &[f64], truth: &Truth) -> Vec<f64> {
    values.iter().zip(&truth.without_leak).map(|(v, w)| v - w).collect()
}

/// The onset (as a position in the window) of the least-squares fit of an accelerating leak's
/// shape whose bend, ramp and final pace are fitted too, not known: `level + a·max(0, u − c) +
/// b·R(u)`, `R` the integral of a slope that rises from 0 at `bend` to 1 at `bend + ramp` and
/// stays there (`a > 0`, `b ≥ 0`; with `b < 0` the straight hinge), over onsets `c` on a grid of
/// 1/400, bends on a grid of 1/100 after the onset and ramps of 0, 0.03, … 0.3. What an
/// estimator that knows the family of shapes, but not its parameters, can reach.
fn family_onset_accelerating(values: &[f64], truth: &Truth) -> f64 {
    let z = growth_and_noise(values, truth);
    let u = &truth.u[..z.len().min(truth.u.len())];
    let n = u.len();
    let mean_z = z.iter().take(n).sum::<f64>() / n.max(1) as f64;
    let z: Vec<f64> = z.iter().take(n).map(|v| v - mean_z).collect();
    // Suffix sums from sample k: count, Σu, Σu², Σz, Σu·z.
    let mut suffix = vec![[0.0f64; 5]; n + 1];
    for k in (0..n).rev() {
        let s = suffix[k + 1];
        suffix[k] = [s[0] + 1.0, s[1] + u[k], s[2] + u[k] * u[k], s[3] + z[k], s[4] + u[k] * z[k]];
    }
    let total_zz: f64 = z.iter().map(|v| v * v).sum();
    let nf = n as f64;
    let onsets: Vec<(f64, usize)> = oracle_onsets().map(|c| (c, u.partition_point(|&v| v <= c))).collect();
    // For the hinge `A = max(0, u − c)` from sample `k` on, the centred ΣA² and ΣA·z (z is
    // centred, so ΣA·z needs no centring of A).
    let hinge_sums = |c: f64, k: usize| -> (f64, f64) {
        let [m, su, suu, sz, suz] = suffix[k];
        let sa = su - c * m;
        (suu - 2.0 * c * su + c * c * m - sa * sa / nf, suz - c * sz)
    };
    // The hinge alone (b = 0) at every onset: level and a.
    let hinge_sse = |&(c, k): &(f64, usize)| -> f64 {
        let (saa, saz) = hinge_sums(c, k);
        if saa <= 0.0 {
            return total_zz;
        }
        let a = saz / saa;
        if a <= 0.0 {
            total_zz
        } else {
            total_zz - a * saz
        }
    };
    let mut best: Vec<f64> = onsets.iter().map(hinge_sse).collect();
    let mut r = vec![0.0f64; n];
    let mut sb = vec![[0.0f64; 2]; n + 1];
    for bend_step in 1..100 {
        let bend = bend_step as f64 / 100.0;
        for ramp_step in 0..=10 {
            let ramp = ramp_step as f64 * 0.03;
            for (ri, &ui) in r.iter_mut().zip(u) {
                *ri = leakscope::analyze::trend::ramped(ui, bend, ramp);
            }
            let mean_r = r.iter().sum::<f64>() / nf;
            let (mut rr, mut rz) = (0.0, 0.0);
            for (ri, zi) in r.iter_mut().zip(&z) {
                *ri -= mean_r;
                rr += *ri * *ri;
                rz += *ri * zi;
            }
            if rr <= 0.0 {
                continue;
            }
            // Suffix sums of the centred R and u·R.
            for k in (0..n).rev() {
                sb[k] = [sb[k + 1][0] + r[k], sb[k + 1][1] + u[k] * r[k]];
            }
            for (slot, &(c, k)) in best.iter_mut().zip(&onsets) {
                if c >= bend {
                    break;
                }
                // A centred: the level absorbs the means.
                let (saa, saz) = hinge_sums(c, k);
                let sar = sb[k][1] - c * sb[k][0];
                let det = saa * rr - sar * sar;
                if det <= 1e-12 * saa * rr {
                    continue;
                }
                let a = (saz * rr - sar * rz) / det;
                let b = (saa * rz - sar * saz) / det;
                if a > 0.0 && b >= 0.0 {
                    *slot = slot.min(total_zz - a * saz - b * rz);
                }
            }
        }
    }
    let j = best.iter().enumerate().fold((0, f64::INFINITY), |acc, (j, &v)| if v < acc.1 { (j, v) } else { acc }).0;
    onsets[j].0
}

/// The onset (as a position in the window) of the least-squares fit of `level + size × shape`
/// to the samples less their level, teeth and wave, over onsets on a grid of 1/400.
fn oracle_onset(values: &[f64], truth: &Truth) -> f64 {
    let z = growth_and_noise(values, truth);
    let n = z.len().min(truth.u.len()) as f64;
    let mean_z = z.iter().sum::<f64>() / n.max(1.0);
    let szz: f64 = z.iter().map(|v| (v - mean_z) * (v - mean_z)).sum();
    let mut best = (f64::INFINITY, 0.0);
    for c in oracle_onsets() {
        let f: Vec<f64> = truth.u.iter().map(|&u| truth.shape.at(u, c)).collect();
        let mean_f = f.iter().sum::<f64>() / n.max(1.0);
        let (mut sff, mut szf) = (0.0, 0.0);
        for (fi, zi) in f.iter().zip(&z) {
            sff += (fi - mean_f) * (fi - mean_f);
            szf += (fi - mean_f) * (zi - mean_z);
        }
        let sse = if sff > 0.0 { szz - szf * szf / sff } else { szz };
        if sse < best.0 {
            best = (sse, c);
        }
    }
    best.1
}

fn leak_series(n: usize, seed: u64) -> Series {
    let mut rng = Rng::new(seed);
    let noise = ar1_noise(&mut rng, n, 0.8, 10.0);
    let mut s = Series::new(format!("bench-{n}"), Unit::Bytes);
    let onset = n * 2 / 5;
    for (i, e) in noise.iter().enumerate() {
        let leak = if i > onset { (i - onset) as f64 * 200.0 / n as f64 } else { 0.0 };
        s.push(1_700_000_000_000 + i as i64 * 10_000, 1000.0 + leak + e);
    }
    s
}

fn time_it(s: &Series, repeats: usize) -> f64 {
    let options = AnalyzeOptions::default();
    let mut best = f64::INFINITY;
    for _ in 0..repeats {
        let t = Instant::now();
        let r = analyze_series(s, &options);
        std::hint::black_box(&r);
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

fn run_speed() {
    say!("speed (best of several runs, one thread):");
    let one_million = leak_series(1_000_000, 7);
    say!("  1,000,000 points: {:.1} ms", time_it(&one_million, 5) * 1000.0);
    drop(one_million);
    let many: Vec<Series> = (0..10_000).map(|k| leak_series(1000, 100 + k)).collect();
    let options = AnalyzeOptions::default();
    let t = Instant::now();
    let mut leaks = 0;
    for s in &many {
        if analyze_series(s, &options).verdict == leakscope::report::Verdict::Leak {
            leaks += 1;
        }
    }
    say!("  10,000 series x 1,000 points, one thread: {:.2} s ({leaks} leaks)", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let reports = leakscope::analyze::analyze_all(&many, &options);
    say!(
        "  10,000 series x 1,000 points, analyze_all on {} threads: {:.2} s",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        t.elapsed().as_secs_f64()
    );
    drop(reports);
    drop(many);
    say!("  {:>10} {:>10} {:>12}", "n", "ms", "ns/point");
    for exp in 3..=7 {
        let n = 10usize.pow(exp);
        let s = leak_series(n, 11);
        let secs = time_it(&s, if n <= 100_000 { 5 } else { 2 });
        say!("  {:>10} {:>10.2} {:>12.1}", n, secs * 1000.0, secs * 1e9 / n as f64);
    }
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unavailable".into())
}

/// `leakscope-bench show PATTERN SEED`: one scenario's truth and report, for reading failures.
pub fn show(pattern: &str, seed: u64) {
    let Some(p) = leakscope::scenarios::Pattern::ALL.into_iter().find(|p| p.name() == pattern) else {
        say!("unknown pattern {pattern}");
        return;
    };
    let sc = leakscope::scenarios::scenario(p, seed);
    say!(
        "truth: onset {:?} stop {:?} restarts {:?} window {} ms, growth {:.1}σ phi {:.2}",
        sc.onset_ms,
        sc.stop_ms,
        sc.restarts_ms,
        sc.window_ms,
        sc.growth_sigmas,
        sc.phi
    );
    let x: Vec<f64> = sc.series.times_ms.iter().map(|&t| (t - sc.series.times_ms[0]) as f64 / 3.6e6).collect();
    let b = leakscope::analyze::changepoint::buckets_by_x(&x, &sc.series.values, 160);
    let pre = leakscope::analyze::changepoint::Prefix::new(&b);
    let seg = leakscope::analyze::changepoint::segment_linear(&b, &pre, 2);
    say!("seg: {seg:?} sigma^2 {}", (sc.growth_sigmas).powi(0));
    let r = analyze_series(&sc.series, &AnalyzeOptions::default());
    let mut r2 = r.clone();
    r2.labels.clear();
    say!("{}", serde_json::to_string(&r2).unwrap_or_default());
    let csv: String = sc.series.times_ms.iter().zip(&sc.series.values).map(|(t, v)| format!("{t},{v}\n")).collect();
    let _ = std::fs::write("/tmp/leakscope-show.csv", csv);
    // What the analysis looked at (floor, deseasonalised values), in hours since the start.
    let prepared = leakscope::analyze::prepare::prepare(&x, &sc.series.values, true);
    let csv: String = prepared.x.iter().zip(&prepared.y).map(|(h, v)| format!("{h},{v}\n")).collect();
    let _ = std::fs::write("/tmp/leakscope-show-prepared.csv", csv);
    let hours = |ms: i64| (ms - sc.series.times_ms[0]) as f64 / 3.6e6;
    say!(
        "prepared: {} points, floor {}, seasonal {}, restarts at {:?} h; truth onset {:?} h, reported {:?} h",
        prepared.x.len(),
        prepared.on_floor,
        prepared.seasonal,
        prepared.restarts.iter().filter_map(|&i| prepared.x.get(i)).collect::<Vec<_>>(),
        sc.onset_ms.map(hours),
        r.onset.map(|o| hours(o.ms)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noiseless leak of `shape` from `u0` on 2,000 samples over the window, on a flat level.
    fn noiseless(shape: LeakShape, u0: f64) -> (Vec<f64>, Truth) {
        let u: Vec<f64> = (0..2000).map(|i| i as f64 / 2000.0).collect();
        let values = u.iter().map(|&v| 5e8 + 1e6 * shape.at(v, u0)).collect();
        (values, Truth { without_leak: vec![5e8; u.len()], u, u0, shape })
    }

    #[test]
    fn the_family_fit_finds_where_a_noiseless_accelerating_leak_began() {
        // Bend and ramp on the fit's grids: the onset exactly.
        let (values, truth) = noiseless(LeakShape::Accelerating { bend: 0.54, ramp: 0.09, k: 3.4 }, 0.2);
        assert!((family_onset_accelerating(&values, &truth) - 0.2).abs() < 1e-9);
        // Off the grids: the nearest shape the grids hold, its onset within two of their steps.
        let (values, truth) = noiseless(LeakShape::Accelerating { bend: 0.537, ramp: 0.083, k: 3.4 }, 0.2);
        assert!((family_onset_accelerating(&values, &truth) - 0.2).abs() <= 0.005 + 1e-9);
    }
}
