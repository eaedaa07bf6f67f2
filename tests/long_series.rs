//! Series longer than `MAX_ANALYZED_POINTS` are analyzed on time-bucket means: the verdict, onset,
//! restarts and growth must still be right, to within a bucket or two.

use leakscope::analyze::{analyze_series, AnalyzeOptions, MAX_ANALYZED_POINTS};
use leakscope::report::{SeriesReport, Verdict};
use leakscope::series::{Series, Unit};
use leakscope::synth::{ar1_noise, Rng};

const START_MS: i64 = 1_722_470_400_000;
const STEP_MS: i64 = 1_000;
const MIB: f64 = 1024.0 * 1024.0;

/// `n` samples a second: `level(i)` plus AR(1) noise (φ = 0.8, σ = 2 MiB).
fn series(n: usize, seed: u64, level: impl Fn(usize) -> f64) -> Series {
    let noise = ar1_noise(&mut Rng::new(seed), n, 0.8, 2.0 * MIB);
    let mut s = Series::new("long", Unit::Bytes);
    for (i, e) in noise.iter().enumerate() {
        s.push(START_MS + i as i64 * STEP_MS, level(i) + e);
    }
    s
}

fn analyze(s: &Series) -> SeriesReport {
    analyze_series(s, &AnalyzeOptions::default())
}

fn at(i: usize) -> i64 {
    START_MS + i as i64 * STEP_MS
}

#[test]
fn a_million_point_leak_keeps_its_onset_and_rate() {
    let n = 1_000_000;
    assert!(n > MAX_ANALYZED_POINTS);
    let onset = 400_000;
    // 40 MiB an hour from sample 400,000 on a 1 GiB base.
    let rate = 40.0 * MIB / 3600.0;
    let s = series(n, 3, |i| 1024.0 * MIB + if i > onset { (i - onset) as f64 * rate } else { 0.0 });
    let r = analyze(&s);
    assert_eq!(r.verdict, Verdict::Leak, "{}", r.summary);
    assert_eq!(r.points, n);
    let window = (n as i64) * STEP_MS;
    let o = r.onset.as_ref().expect("an onset");
    let error = (o.ms - at(onset)).abs() as f64 / window as f64;
    assert!(error < 0.005, "onset off by {:.3} % of the window: {}", error * 100.0, r.summary);
    assert!(o.low_ms <= o.ms && o.ms <= o.high_ms);
    let g = r.growth.as_ref().expect("growth");
    let truth = 40.0 * MIB;
    assert!((g.per_hour - truth).abs() < 0.05 * truth, "growth {} vs {truth}", g.per_hour);
}

#[test]
fn restarts_in_a_long_series_resolve_to_a_bucket() {
    let n = 600_000;
    let restart = 420_000;
    let rate = 60.0 * MIB / 3600.0;
    let s = series(n, 5, |i| 512.0 * MIB + (if i < restart { i } else { i - restart }) as f64 * rate);
    let r = analyze(&s);
    assert_eq!(r.verdict, Verdict::Leak, "{}", r.summary);
    assert_eq!(r.restarts_ms.len(), 1, "{:?} {}", r.restarts_ms, r.summary);
    let bucket_ms = (n as i64 * STEP_MS) / MAX_ANALYZED_POINTS as i64 + 1;
    assert!((r.restarts_ms[0] - at(restart)).abs() <= 2 * bucket_ms, "{:?} vs {}", r.restarts_ms, at(restart));
    assert!(r.resumed_after_restart, "{}", r.summary);
}

/// A GC saw tooth whose teeth span a few buckets: a flat floor is no leak, a rising floor is.
#[test]
fn a_long_saw_tooth_is_judged_on_its_floor() {
    let n = 800_000;
    let tooth = 60; // samples per GC cycle: about 10 buckets
    let saw = |i: usize| (i % tooth) as f64 * 4.0 * MIB;
    let flat = analyze(&series(n, 7, |i| 2048.0 * MIB + saw(i)));
    assert_eq!(flat.verdict, Verdict::NoLeak, "{}", flat.summary);
    let rate = 30.0 * MIB / 3600.0;
    let onset = 300_000;
    let rising =
        analyze(&series(n, 9, |i| 2048.0 * MIB + saw(i) + if i > onset { (i - onset) as f64 * rate } else { 0.0 }));
    assert_eq!(rising.verdict, Verdict::Leak, "{}", rising.summary);
    assert!(flat.judged_on_floor && rising.judged_on_floor, "the floor was not used");
    let o = rising.onset.as_ref().expect("an onset");
    let error = (o.ms - at(onset)).abs() as f64 / (n as i64 * STEP_MS) as f64;
    assert!(error < 0.02, "onset off by {:.3} % of the window: {}", error * 100.0, rising.summary);
}

/// A gap of a day in a long series stays a gap: no bucket lands inside it.
#[test]
fn gaps_survive_bucketing() {
    let n = 500_000;
    let mut s = series(n, 11, |_| 700.0 * MIB);
    let gap_ms = 86_400_000;
    for t in &mut s.times_ms[250_000..] {
        *t += gap_ms;
    }
    let r = analyze(&s);
    assert_eq!(r.verdict, Verdict::NoLeak, "{}", r.summary);
    for seg in &r.segments {
        let inside = |t: i64| t > at(249_999) + STEP_MS && t < at(250_000) + gap_ms - STEP_MS;
        assert!(!inside(seg.start_ms) && !inside(seg.end_ms), "segment in the gap: {seg:?}");
    }
}
