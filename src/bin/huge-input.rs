//! Huge-input measurements (issue 8): generates each oversized input into a temporary directory,
//! runs the real CLI on it as a child process and prints what happened: analyzed or refused (with
//! the first line of stderr), wall time, peak RSS, RSS ÷ file size and whether that kept the budget:
//! a peak RSS of at most 4× the file size, or an early refusal naming the limit. Prints figures;
//! asserts nothing.
//!
//! ```text
//! cargo build --release && cargo run --release --bin huge-input            # every case
//! cargo run --release --bin huge-input -- series-100k-prom json-deep-100k  # some cases
//! cargo run --release --bin huge-input -- --list                           # case names
//! ```
//! The CLI is `target/release/leakscope` (beside this binary) unless `LEAKSCOPE_BIN` names another.
//! Files go to `$HUGE_DIR` (default `/tmp/huge`), one at a time, each deleted after its run (set
//! `HUGE_KEEP=1` to keep them). Peak RSS comes from `/usr/bin/time -f %M` (`apt-get install time`).
//! Cases run one after another, never two at once.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One generated input: its name in the table and how to write it.
struct Case {
    name: &'static str,
    extension: &'static str,
    write: fn(&mut dyn Write) -> std::io::Result<()>,
}

const GB: u64 = 1_000_000_000;
const GIB: u64 = 1 << 30;
/// The issue's memory budget: peak RSS at most this many times the file size.
const BUDGET: f64 = 4.0;
/// A child running longer than this is killed and reported as a hang.
const TIMEOUT: Duration = Duration::from_secs(600);

const CASES: &[Case] = &[
    Case { name: "csv-1gb", extension: "csv", write: |w| csv_of_size(w, GB) },
    Case { name: "csv-1.1gib", extension: "csv", write: |w| csv_of_size(w, GIB + GIB / 10) },
    Case { name: "points-10m", extension: "csv", write: |w| csv_points(w, 10_000_000) },
    Case { name: "series-100k-prom", extension: "json", write: |w| prometheus_matrix(w, 100_000, 20, false) },
    Case { name: "series-100k-wide", extension: "csv", write: |w| wide_csv(w, 100_000, 20) },
    Case { name: "series-100k-long", extension: "csv", write: |w| long_csv(w, 100_000, 20) },
    Case { name: "line-50mb-cell", extension: "csv", write: |w| csv_with_cell(w, 50_000_000) },
    Case { name: "line-50mb-json", extension: "json", write: |w| prometheus_matrix(w, 1, 2_000_000, true) },
    Case { name: "json-deep-100k", extension: "json", write: |w| nested_json(w, 100_000) },
    Case { name: "json-datadog-300mb", extension: "json", write: |w| datadog_query(w, 200, 50_000) },
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        for case in CASES {
            println!("{}", case.name);
        }
        return;
    }
    let chosen: Vec<&Case> = if args.is_empty() {
        CASES.iter().collect()
    } else {
        let unknown: Vec<&String> = args.iter().filter(|a| !CASES.iter().any(|c| c.name == a.as_str())).collect();
        if !unknown.is_empty() {
            eprintln!("unknown case(s) {unknown:?}; try --list");
            std::process::exit(2);
        }
        CASES.iter().filter(|c| args.iter().any(|a| a == c.name)).collect()
    };
    let cli = std::env::var_os("LEAKSCOPE_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let here = std::env::current_exe().unwrap_or_default();
        here.with_file_name("leakscope")
    });
    if !cli.exists() {
        eprintln!("{}: not found; run `cargo build --release` first", cli.display());
        std::process::exit(2);
    }
    let dir = PathBuf::from(std::env::var("HUGE_DIR").unwrap_or_else(|_| "/tmp/huge".into()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(2);
    }
    let keep = std::env::var_os("HUGE_KEEP").is_some();
    println!("cli: {}", cli.display());
    println!(
        "{:<18} {:>10} {:>8} {:>10} {:>10} {:>7} {:>7}  outcome",
        "case", "size", "gen s", "time s", "peak RSS", "RSS/sz", "budget"
    );
    for case in chosen {
        let path = dir.join(format!("{}.{}", case.name, case.extension));
        let started = Instant::now();
        if let Err(e) = generate(case, &path) {
            println!("{:<18} generation failed: {e}", case.name);
            continue;
        }
        let generated_s = started.elapsed().as_secs_f64();
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let run = run_cli(&cli, &path);
        let (time, rss, ratio, budget, outcome) = match &run {
            Ok(r) => (
                format!("{:.2}", r.wall_s),
                r.peak_rss_bytes.map_or("?".into(), human),
                r.peak_rss_bytes.map_or("?".into(), |b| format!("{:.2}", b as f64 / size.max(1) as f64)),
                r.budget(size),
                r.outcome(),
            ),
            Err(e) => ("-".into(), "-".into(), "-".into(), "-", format!("could not run: {e}")),
        };
        println!(
            "{:<18} {:>10} {:>8.1} {:>10} {:>10} {:>7} {:>7}  {outcome}",
            case.name,
            human(size),
            generated_s,
            time,
            rss,
            ratio,
            budget
        );
        if !keep {
            let _ = std::fs::remove_file(&path);
        }
    }
    if !keep {
        let _ = std::fs::remove_dir(&dir);
    }
}

fn generate(case: &Case, path: &Path) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    (case.write)(&mut out)?;
    out.flush()
}

/// What one run of the CLI did.
struct Run {
    wall_s: f64,
    /// `None` when killed after [`TIMEOUT`].
    exit_code: Option<i32>,
    first_stderr_line: String,
    peak_rss_bytes: Option<u64>,
}

impl Run {
    /// Whether the run kept the budget: `ok` when analyzed within [`BUDGET`] × the file size,
    /// `OVER` beyond it, `refused` for an early refusal (within budget by definition), `-` when
    /// it crashed, hung or was not measured.
    fn budget(&self, file_bytes: u64) -> &'static str {
        match (self.exit_code, self.peak_rss_bytes) {
            (Some(2), _) => "refused",
            (Some(0), Some(rss)) if rss as f64 <= BUDGET * file_bytes as f64 => "ok",
            (Some(0), Some(_)) => "OVER",
            _ => "-",
        }
    }

    fn outcome(&self) -> String {
        match self.exit_code {
            None => format!("HUNG (killed after {} s)", TIMEOUT.as_secs()),
            Some(0) => "analyzed".into(),
            Some(2) => format!("refused: {}", self.first_stderr_line),
            Some(code) => format!("CRASHED (exit {code}): {}", self.first_stderr_line),
        }
    }
}

/// Runs `leakscope analyze PATH --json > /dev/null` under `/usr/bin/time -f %M` when installed.
fn run_cli(cli: &Path, path: &Path) -> std::io::Result<Run> {
    let rss_file = path.with_extension("rss");
    let timed = Path::new("/usr/bin/time").exists();
    let mut command = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(cli);
        c
    } else {
        Command::new(cli)
    };
    command.arg("analyze").arg(path).arg("--json").stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn()?;
    // Drain stderr on a thread so a chatty child never blocks on a full pipe.
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_string(&mut text);
        }
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall_s = started.elapsed().as_secs_f64();
    let stderr = reader.join().unwrap_or_default();
    let peak_rss_bytes = if timed {
        let text = std::fs::read_to_string(&rss_file).unwrap_or_default();
        let _ = std::fs::remove_file(&rss_file);
        // `time` writes "Command exited with non-zero status N" before the figure.
        text.lines().last().and_then(|l| l.trim().parse::<u64>().ok()).map(|kib| kib * 1024)
    } else {
        None
    };
    let first_stderr_line =
        stderr.lines().find(|l| !l.starts_with("Command ")).unwrap_or("").chars().take(160).collect();
    Ok(Run { wall_s, exit_code: status.map(|s| s.code().unwrap_or(-1)), first_stderr_line, peak_rss_bytes })
}

fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= GIB as f64 {
        format!("{:.2} GiB", b / GIB as f64)
    } else if b >= (1 << 20) as f64 {
        format!("{:.1} MiB", b / (1 << 20) as f64)
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}

/// A deterministic pseudo-random number in `[0, 1)` (SplitMix64), so runs are repeatable.
fn noise(i: u64) -> f64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as f64 / u64::MAX as f64
}

/// A leaking process's RSS in bytes at sample `i`: a slow climb plus noise.
fn rss_at(i: u64) -> u64 {
    200_000_000 + i * 7 + (noise(i) * 5_000_000.0) as u64
}

const START_S: u64 = 1_723_680_000;

/// `timestamp,value` rows (epoch seconds, bytes) until the file holds about `bytes`.
fn csv_of_size(w: &mut dyn Write, bytes: u64) -> std::io::Result<()> {
    let header = b"timestamp,value\n";
    w.write_all(header)?;
    let mut written = header.len() as u64;
    let mut i = 0;
    let mut line = String::with_capacity(64);
    while written < bytes {
        line.clear();
        use std::fmt::Write as _;
        let _ = writeln!(line, "{},{}", START_S + i, rss_at(i));
        w.write_all(line.as_bytes())?;
        written += line.len() as u64;
        i += 1;
    }
    Ok(())
}

fn csv_points(w: &mut dyn Write, points: u64) -> std::io::Result<()> {
    writeln!(w, "timestamp,value")?;
    for i in 0..points {
        writeln!(w, "{},{}", START_S + i, rss_at(i))?;
    }
    Ok(())
}

/// A Prometheus `query_range` matrix; `one_line` writes it without a single newline.
fn prometheus_matrix(w: &mut dyn Write, series: u64, points: u64, one_line: bool) -> std::io::Result<()> {
    let nl = if one_line { "" } else { "\n" };
    write!(w, r#"{{"status":"success","data":{{"resultType":"matrix","result":["#)?;
    for s in 0..series {
        if s > 0 {
            write!(w, ",{nl}")?;
        }
        write!(
            w,
            r#"{{"metric":{{"__name__":"container_memory_working_set_bytes","namespace":"prod","pod":"api-{s:06}"}},"values":["#
        )?;
        for p in 0..points {
            let sep = if p > 0 { "," } else { "" };
            write!(w, r#"{sep}[{},"{}"]"#, START_S + p * 15, rss_at(p + s))?;
        }
        write!(w, "]}}")?;
    }
    write!(w, "]}}}}{nl}")
}

/// One column per series: `timestamp,pod-000000,...` and `points` rows.
fn wide_csv(w: &mut dyn Write, series: u64, points: u64) -> std::io::Result<()> {
    write!(w, "timestamp")?;
    for s in 0..series {
        write!(w, ",pod-{s:06}")?;
    }
    writeln!(w)?;
    for p in 0..points {
        write!(w, "{}", START_S + p * 60)?;
        for s in 0..series {
            write!(w, ",{}", rss_at(p + s))?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// One row per sample with a label column naming the series: `timestamp,pod,value`.
fn long_csv(w: &mut dyn Write, series: u64, points: u64) -> std::io::Result<()> {
    writeln!(w, "timestamp,pod,value")?;
    for p in 0..points {
        for s in 0..series {
            writeln!(w, "{},pod-{s:06},{}", START_S + p * 60, rss_at(p + s))?;
        }
    }
    Ok(())
}

/// A small CSV whose one row holds a `cell_bytes`-long number.
fn csv_with_cell(w: &mut dyn Write, cell_bytes: u64) -> std::io::Result<()> {
    writeln!(w, "timestamp,value")?;
    for i in 0..100 {
        writeln!(w, "{},{}", START_S + i * 60, rss_at(i))?;
    }
    write!(w, "{},", START_S + 100 * 60)?;
    let chunk = [b'9'; 1 << 16];
    let mut left = cell_bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        w.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    writeln!(w)
}

/// A Datadog `/api/v1/query` answer: `series` each with a `pointlist` of `[ms, value]` pairs
/// written as floats, as Datadog does (200 × 50,000 points is about 300 MB). Read through the
/// JSON tree, not a streaming parser.
fn datadog_query(w: &mut dyn Write, series: u64, points: u64) -> std::io::Result<()> {
    write!(w, r#"{{"status":"ok","res_type":"time_series","series":["#)?;
    for s in 0..series {
        let sep = if s > 0 { "," } else { "" };
        write!(
            w,
            r#"{sep}{{"metric":"container.memory.usage","scope":"pod_name:web-{s}","display_name":"container.memory.usage","unit":[{{"name":"byte"}}],"pointlist":["#
        )?;
        for p in 0..points {
            let sep = if p > 0 { "," } else { "" };
            let ms = (START_S + p * 60) * 1000;
            let rss = rss_at(p + s * points);
            write!(w, "{sep}[{ms}.0,{}.{}]", rss / 10, rss % 10)?;
        }
        write!(w, "]}}")?;
    }
    write!(w, "]}}")
}

/// `[[[...]]]` nested `depth` deep.
fn nested_json(w: &mut dyn Write, depth: usize) -> std::io::Result<()> {
    w.write_all("[".repeat(depth).as_bytes())?;
    w.write_all("]".repeat(depth).as_bytes())?;
    writeln!(w)
}
