//! Ingest throughput: a 100 MB generic CSV and a 100 MB Prometheus `query_range` JSON, generated
//! in memory, read by our parser and by the bare readers underneath (the `csv` crate's
//! `ByteRecord` loop; `serde_json` into `IgnoredAny` and into a `Value` tree). Prints MB/s and
//! peak memory (VmHWM) as a multiple of the file size. Prints figures, asserts nothing.
//!
//! Run: `cargo bench --bench ingest` (set `INGEST_BENCH_MB` for another size).

use leakscope::ingest::{parse, IngestOptions, Input, FORMATS};
use std::hint::black_box;
use std::time::Instant;

fn status_kib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak RSS so each measurement sees its own peak (Linux ≥ 4.0).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Nanoseconds this thread has spent on a CPU (`/proc/thread-self/schedstat`): unlike wall time,
/// not inflated when other processes share the cores.
fn cpu_ns() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Runs `f` `runs` times; prints MB/s by on-CPU time (best run) and by wall time, and the peak
/// memory above what was resident before, as a multiple of the input size. Returns CPU MB/s.
fn measure<T>(label: &str, bytes: usize, runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let before = status_kib("VmRSS:").unwrap_or(0.0);
    let reset = reset_peak();
    let (mut best_cpu, mut best_wall) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..runs {
        let (cpu0, start) = (cpu_ns(), Instant::now());
        black_box(f());
        let wall = start.elapsed().as_secs_f64();
        let cpu = match (cpu0, cpu_ns()) {
            (Some(a), Some(b)) => (b - a) / 1e9,
            _ => wall,
        };
        best_cpu = best_cpu.min(cpu);
        best_wall = best_wall.min(wall);
    }
    let peak = status_kib("VmHWM:").unwrap_or(0.0);
    let mb = bytes as f64 / 1e6;
    let extra = (peak - before).max(0.0) * 1024.0 / bytes as f64;
    println!(
        "  {label:<36} {:>7.1} MB/s cpu {:>7.1} MB/s wall   peak {:>5.0} MiB = {:.2}× file, {:.2}× file{}",
        mb / best_cpu,
        mb / best_wall,
        peak / 1024.0,
        peak * 1024.0 / bytes as f64,
        extra,
        if reset { " above the input" } else { " (cumulative peak)" }
    );
    mb / best_cpu
}

/// Where the time goes: text decoding, sniffing every format, the parser alone.
fn phases(name: &str, bytes: &[u8]) {
    let options = IngestOptions::default();
    let start = Instant::now();
    let text = std::str::from_utf8(bytes).unwrap_or("");
    let has_nul = text.contains('\0');
    let decode = start.elapsed();
    let input = Input::new(name, text, &options);
    let start = Instant::now();
    let format = FORMATS.iter().find(|f| (f.sniff)(&input));
    let sniff = start.elapsed();
    let start = Instant::now();
    let points: usize = format.and_then(|f| (f.parse)(&input).ok()).map_or(0, |s| s.iter().map(|s| s.len()).sum());
    let parse = start.elapsed();
    println!(
        "  phases: decode {:.0} ms{}, sniff {:.1} ms ({}), parse {:.0} ms ({points} points)",
        decode.as_secs_f64() * 1e3,
        if has_nul { " (NUL!)" } else { "" },
        sniff.as_secs_f64() * 1e3,
        format.map_or("none", |f| f.id),
        parse.as_secs_f64() * 1e3
    );
}

fn generic_csv(target: usize) -> Vec<u8> {
    let mut out = String::with_capacity(target + 100);
    out.push_str("time,rss_bytes,heap_bytes\n");
    let mut i: u64 = 0;
    while out.len() < target {
        let t = 1_723_700_000 + i * 15;
        out.push_str(&format!("{t},{},{}\n", 400_000_000 + i * 37 % 1_000_003, 250_000_000 + (i * 7919) % 999_983));
        i += 1;
    }
    out.into_bytes()
}

fn prometheus_matrix(target: usize) -> Vec<u8> {
    let series = 200;
    let per_point = 30; // `[1723700000.123,"412345678"],`
    let points = target / series / per_point;
    let mut out = String::with_capacity(target + 1024);
    out.push_str(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    for s in 0..series {
        if s > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"metric":{{"__name__":"container_memory_working_set_bytes","namespace":"shop","pod":"api-{s}"}},"values":["#
        ));
        for p in 0..points {
            if p > 0 {
                out.push(',');
            }
            let t = 1_723_700_000 + p as u64 * 15;
            out.push_str(&format!(r#"[{t}.123,"{}"]"#, 400_000_000 + (p as u64 * 7919 + s as u64) % 999_983));
        }
        out.push_str("]}");
    }
    out.push_str("]}}");
    out.into_bytes()
}

fn main() {
    let mb: usize = std::env::var("INGEST_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let runs = 3;
    let options = IngestOptions::default();

    // `INGEST_BENCH_ONLY=csv` or `=json` runs one half (for profiling).
    let only = std::env::var("INGEST_BENCH_ONLY").unwrap_or_default();
    if only != "json" {
        bench_csv(mb, runs, &options);
    }
    if only != "csv" {
        bench_json(mb, runs, &options);
    }
}

fn bench_csv(mb: usize, runs: usize, options: &IngestOptions) {
    let csv = generic_csv(mb * 1_000_000);
    println!("generic CSV, {:.1} MB", csv.len() as f64 / 1e6);
    let ours = measure("leakscope ingest::parse", csv.len(), runs, || {
        parse("bench.csv", &csv, options).map(|p| p.series.len()).unwrap_or(0)
    });
    let bare = measure("csv::ByteRecord loop (bare)", csv.len(), runs, || {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_slice());
        let mut record = csv::ByteRecord::new();
        let mut n = 0usize;
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            n += record.len();
        }
        n
    });
    measure("csv ByteRecord + number parse + push", csv.len(), runs, || {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv.as_slice());
        let mut record = csv::ByteRecord::new();
        let (mut t, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            let num = |i: usize| record.get(i).and_then(leakscope::ingest::units::parse_plain_decimal).unwrap_or(0.0);
            t.push(num(0) as i64);
            a.push(num(1));
            b.push(num(2));
        }
        t.len() + a.len() + b.len()
    });
    println!("  ratio ours / bare: {:.2}", ours / bare);
    phases("bench.csv", &csv);
}

fn bench_json(mb: usize, runs: usize, options: &IngestOptions) {
    let json = prometheus_matrix(mb * 1_000_000);
    println!("Prometheus query_range JSON, {:.1} MB", json.len() as f64 / 1e6);
    let ours = measure("leakscope ingest::parse", json.len(), runs, || {
        parse("bench.json", &json, options).map(|p| p.series.len()).unwrap_or(0)
    });
    let ignored = measure("serde_json IgnoredAny (bare)", json.len(), runs, || {
        serde_json::from_slice::<serde::de::IgnoredAny>(&json).is_ok()
    });
    let value = measure("serde_json Value (bare)", json.len(), runs, || {
        serde_json::from_slice::<serde_json::Value>(&json).map(|v| v.is_object()).unwrap_or(false)
    });
    println!("  ratio ours / IgnoredAny: {:.2}; ours / Value: {:.2}", ours / ignored, ours / value);
    phases("bench.json", &json);
}
