//! The `leakscope` command line: the same core as the page, for scripts, CI and tests.
//!
//! ```text
//! leakscope analyze FILE... [--json] [--limit SIZE] [--start TIME] [--svg OUT] [--md OUT]
//!                           [--html OUT] [--link] [--base URL]
//! leakscope demo            # prints the built-in demo incident as CSV
//! leakscope changepoints FILE [--json]   # generic level/slope/variance changes, any numbers
//! ```
//! Exit 0 on success, 2 with `error: FILE:LINE: ...` on bad input or usage, never a panic.

use leakscope::analyze::AnalyzeOptions;
use leakscope::chart::{render_svg, ChartView};
use leakscope::ingest::{self, IngestOptions};
use leakscope::report::Report;
use leakscope::share::{self, LinkFit, SelectedSeries};
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage:
  leakscope analyze FILE... [--json] [--limit SIZE] [--start TIME]
                            [--svg OUT] [--md OUT] [--html OUT] [--link] [--base URL]
  leakscope demo
  leakscope changepoints FILE [--json]

FILE may be - for standard input. SIZE is like 4GiB, 512MB or a byte count.
TIME is an RFC 3339 timestamp for logs whose time is relative (psrecord, GC uptime).
--svg, --md and --html write the chart, a Markdown summary and a self-contained HTML report of
the first FILE's top-ranked series; --link prints only the share link (#v1...), prefixed by
--base (the page's URL), which the Markdown and HTML then include.";

struct AnalyzeArgs {
    files: Vec<String>,
    json: bool,
    limit: Option<f64>,
    start_ms: Option<i64>,
    svg: Option<String>,
    md: Option<String>,
    html: Option<String>,
    link: bool,
    base: Option<String>,
}

fn main() -> ExitCode {
    tune_allocator();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Tunes glibc's allocator for one large batch job, so that memory freed by one stage (the
/// input's bytes, the CSV head, working copies) is reused by the next or given back, instead of
/// staying mapped while fresh memory is taken (measured by `huge-input`: a 100,000-column CSV
/// peaked at 181 MiB with the defaults, 134 MiB with these).
/// - One arena: the analysis threads allocate where ingest freed, not in arenas of their own.
/// - A fixed trim threshold (128 KiB, glibc's default) also fixes the mmap threshold, which glibc
///   otherwise raises after each large free, keeping later multi-megabyte buffers on the heap
///   where a free cannot return them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    const M_TRIM_THRESHOLD: std::ffi::c_int = -1;
    const M_ARENA_MAX: std::ffi::c_int = -8;
    // SAFETY: mallopt only sets allocator parameters; it is called first in `main`, before any
    // other thread exists. A refusal (return value 0) leaves the defaults, which also work.
    unsafe {
        mallopt(M_ARENA_MAX, 1);
        mallopt(M_TRIM_THRESHOLD, 128 * 1024);
    }
}

/// Other platforms keep their allocator's defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("analyze") => analyze(parse_analyze_args(&args[1..])?),
        Some("changepoints") => changepoints(&args[1..]),
        Some("demo") => {
            print_out(&leakscope::demo::demo_csv());
            Ok(())
        }
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command \"{other}\"\n{USAGE}")),
        None => Err(format!("missing command\n{USAGE}")),
    }
}

fn parse_analyze_args(args: &[String]) -> Result<AnalyzeArgs, String> {
    let mut out = AnalyzeArgs {
        files: Vec::new(),
        json: false,
        limit: None,
        start_ms: None,
        svg: None,
        md: None,
        html: None,
        link: false,
        base: None,
    };
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = |name: &str| -> Result<String, String> {
            i += 1;
            args.get(i).cloned().ok_or_else(|| format!("{name} needs a value"))
        };
        match arg {
            "--json" => out.json = true,
            "--limit" => {
                let text = value("--limit")?;
                out.limit = Some(
                    ingest::units::parse_size(&text)
                        .ok_or_else(|| format!("--limit: expected a size like 4GiB, found \"{text}\""))?,
                );
            }
            "--start" => {
                let text = value("--start")?;
                out.start_ms = Some(
                    ingest::time::parse_timestamp(&text)
                        .ok_or_else(|| format!("--start: expected an RFC 3339 time, found \"{text}\""))?,
                );
            }
            "--svg" => out.svg = Some(value("--svg")?),
            "--md" => out.md = Some(value("--md")?),
            "--html" => out.html = Some(value("--html")?),
            "--link" => out.link = true,
            "--base" => out.base = Some(value("--base")?),
            "-" => out.files.push("-".into()),
            flag if flag.starts_with('-') => return Err(format!("unknown option \"{flag}\"\n{USAGE}")),
            file => out.files.push(file.to_string()),
        }
        i += 1;
    }
    if out.files.is_empty() {
        return Err(format!("analyze needs at least one FILE\n{USAGE}"));
    }
    if out.link && out.json {
        return Err("--link and --json both print to standard output; choose one".into());
    }
    Ok(out)
}

/// Reads FILE, or standard input for `-`, refusing anything larger than `max_bytes`: a file by its
/// size before a byte is read, standard input as soon as it has delivered one byte too many.
fn read_input(file: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
    let too_big = |what: String| format!("{file}: {what} exceeds the {} limit", limit_text(max_bytes));
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().lock().take(max_bytes as u64 + 1).read_to_end(&mut bytes)
    } else {
        let f = std::fs::File::open(file).map_err(|e| format!("{file}: cannot read: {e}"))?;
        let size = f.metadata().map_err(|e| format!("{file}: cannot read: {e}"))?.len();
        if size > max_bytes as u64 {
            return Err(too_big(size_text(size)));
        }
        bytes.reserve_exact(size as usize);
        // Bounded as well: a file may grow while it is read, and special files report no size.
        f.take(max_bytes as u64 + 1).read_to_end(&mut bytes)
    };
    read.map_err(|e| format!("{file}: cannot read: {e}"))?;
    if bytes.len() > max_bytes {
        return Err(too_big("the input".into()));
    }
    Ok(bytes)
}

/// Reads and parses one input; its bytes are freed on return, before any analysis.
fn read_and_parse(file: &str, options: &IngestOptions) -> Result<ingest::Parsed, String> {
    let bytes = read_input(file, ingest::MAX_INPUT_BYTES)?;
    ingest::parse_owned(file, bytes, options).map_err(|e| e.to_string())
}

/// Reads and parses one input into batches of [`BATCH_SERIES`] series; its bytes are freed on
/// return, before any analysis.
fn read_in_batches(file: &str, options: &IngestOptions) -> Result<ingest::Batches, String> {
    let bytes = read_input(file, ingest::MAX_INPUT_BYTES)?;
    ingest::parse_in_batches(file, bytes, options, BATCH_SERIES).map_err(|e| e.to_string())
}

/// A size for people: `1.1 GiB`, `12.5 MiB`, `2.0 KiB` or `512 bytes`.
fn size_text(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB * KIB {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A limit as the README states it: whole MiB (`1024 MiB`) when it is a multiple of one.
fn limit_text(max_bytes: usize) -> String {
    if max_bytes >= 1 << 20 && max_bytes % (1 << 20) == 0 {
        format!("{} MiB", max_bytes >> 20)
    } else {
        size_text(max_bytes as u64)
    }
}

fn analyze(args: AnalyzeArgs) -> Result<(), String> {
    let ingest_options = IngestOptions { start_ms: args.start_ms };
    let analyze_options = AnalyzeOptions { limit: args.limit };
    // Only the chart, Markdown, HTML and link need samples after the analysis.
    let keep_samples = args.svg.is_some() || args.md.is_some() || args.html.is_some() || args.link;
    let mut reports: Vec<(Report, ingest::Parsed)> = Vec::new();
    for file in &args.files {
        if keep_samples {
            let parsed = read_and_parse(file, &ingest_options)?;
            reports.push((leakscope::analyze::analyze(file, &parsed, &analyze_options), parsed));
        } else {
            reports.push(analyze_in_batches(file, read_in_batches(file, &ingest_options)?, &analyze_options));
        }
    }
    write_artifacts(&args, &reports)?;
    if args.link {
        // The link alone, so that scripts can capture it.
    } else if args.json {
        if let [(report, _)] = reports.as_slice() {
            print_json(report)?;
        } else {
            let all: Vec<&Report> = reports.iter().map(|(r, _)| r).collect();
            print_json(&all)?;
        }
    } else {
        let mut text = String::new();
        for (report, _) in &reports {
            text.push_str(&format!(
                "{} ({}, {} series, {} points)\n",
                report.source.name,
                report.source.format_label,
                report.series.len(),
                report.source.points
            ));
            for s in &report.series {
                text.push_str(&format!(
                    "  {:<13} {:<18} {}\n    {}\n",
                    s.verdict.as_str(),
                    s.pattern,
                    s.name,
                    s.summary
                ));
            }
            for w in &report.warnings {
                text.push_str(&format!("  warning: {w}\n"));
            }
        }
        print_out(&text);
    }
    Ok(())
}

/// Series analyzed at a time by [`analyze_in_batches`].
const BATCH_SERIES: usize = 4096;

/// The report [`leakscope::analyze::analyze`] gives for the input's series, computed a batch at a
/// time, each batch's samples freed once its reports exist: the samples of 100,000 series and
/// their 100,000 reports are never all held at once (nor, from a wide CSV, 100,000 series).
///
/// The same bytes as one call: each series is analyzed on its own, and ranking is a stable sort
/// on a total order, so ranking the batches' ranked reports together (their ties still in input
/// order) gives the order ranking all of them at once gives; the batches' warnings, in order,
/// are the input's. Returned with the input's format and no series (their samples are gone).
fn analyze_in_batches(file: &str, batches: ingest::Batches, options: &AnalyzeOptions) -> (Report, ingest::Parsed) {
    let total = batches.series_left();
    let empty = ingest::Parsed {
        format: batches.format,
        format_label: batches.format_label,
        series: Vec::new(),
        warnings: Vec::new(),
    };
    let mut report: Option<Report> = None;
    for batch in batches {
        let part = leakscope::analyze::analyze(file, &batch, options);
        drop(batch);
        match report.as_mut() {
            None => {
                let mut first = part;
                first.series.reserve_exact(total.saturating_sub(first.series.len()));
                report = Some(first);
            }
            Some(whole) => {
                whole.source.points += part.source.points;
                whole.series.extend(part.series);
                whole.warnings.extend(part.warnings);
            }
        }
    }
    let mut report = report.unwrap_or_else(|| leakscope::analyze::analyze(file, &empty, options));
    leakscope::analyze::rank(&mut report.series);
    (report, empty)
}

/// Writes the chart (SVG), Markdown and HTML report of the first input's top-ranked series, and
/// prints its share link: the same state, chart and words the page produces.
fn write_artifacts(args: &AnalyzeArgs, reports: &[(Report, ingest::Parsed)]) -> Result<(), String> {
    if args.svg.is_none() && args.md.is_none() && args.html.is_none() && !args.link {
        return Ok(());
    }
    let (report, parsed) = reports.first().ok_or("no input")?;
    let first = report.series.first().ok_or("no series to draw")?;
    let data =
        parsed.series.iter().find(|s| s.name == first.name && s.labels == first.labels).ok_or("series missing")?;
    let view = ChartView {
        title: format!("{} — {}", report.source.name, first.verdict.as_str()),
        tz_label: "UTC".into(),
        ..ChartView::default()
    };
    let selected = [SelectedSeries { index: 0, times_ms: &data.times_ms, values: &data.values, limit: data.limit }];
    let state = share::state_from_report(report, &selected, &view, args.limit, 600);
    let link = match share::encode_for_sharing(&state) {
        Ok((fragment, _, fit)) => {
            if fit != LinkFit::Short {
                eprintln!("warning: the share link is {} characters long", fragment.len());
            }
            Some(format!("{}#{fragment}", args.base.as_deref().unwrap_or("")))
        }
        Err(e) => {
            eprintln!("warning: {e}");
            None
        }
    };
    let shown_link = link.as_deref().filter(|_| args.base.is_some());
    let chart_series = state.chart_series();
    let svg = render_svg(&chart_series, &state.to_view(), 1200, 560)?;
    let write = |path: &str, text: &str| std::fs::write(path, text).map_err(|e| format!("{path}: cannot write: {e}"));
    if let Some(path) = &args.svg {
        write(path, &svg)?;
    }
    if let Some(path) = &args.md {
        write(path, &report.to_markdown(shown_link, 5))?;
    }
    if let Some(path) = &args.html {
        write(path, &leakscope::html::html_report(report, &svg, &chart_series, shown_link))?;
    }
    if args.link {
        print_out(&format!("{}\n", link.ok_or("no share link")?));
    }
    Ok(())
}

/// Writes to stdout, ignoring a closed pipe (`leakscope ... | head`) instead of panicking.
fn print_out(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes pretty JSON and a newline to stdout as it is serialized (a report on 100,000 series is
/// larger than its input; it is never also held as a string), ignoring a closed pipe.
///
/// # Errors
/// A serialization error (never an I/O one).
fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), String> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value);
    if let Err(e) = written {
        return if e.is_io() { Ok(()) } else { Err(e.to_string()) };
    }
    let _ = out.write_all(b"\n").and_then(|()| out.flush());
    Ok(())
}

/// `leakscope changepoints FILE [--json]`: the generic detectors with their defaults on every
/// series of FILE, with no memory assumptions (any finite numbers: negative, counts, returns).
fn changepoints(args: &[String]) -> Result<(), String> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a == "-" || !a.starts_with('-')).collect();
    if let Some(flag) = args.iter().find(|a| a.starts_with("--") && *a != "--json") {
        return Err(format!("unknown option \"{flag}\"\n{USAGE}"));
    }
    let [file] = files.as_slice() else {
        return Err(format!("changepoints needs exactly one FILE\n{USAGE}"));
    };
    let parsed = read_and_parse(file, &IngestOptions::default())?;
    let mut out = Vec::new();
    let mut text = String::new();
    for s in &parsed.series {
        let found = leakscope::analyze::changepoint::detect(&s.values);
        let items: Vec<serde_json::Value> = found
            .iter()
            .map(|c| {
                let kind = serde_json::to_value(c.kind).unwrap_or_default();
                serde_json::json!({"index": c.index, "ms": s.times_ms.get(c.index), "kind": kind})
            })
            .collect();
        text.push_str(&format!("{} ({} points): {} changepoints\n", s.name, s.len(), found.len()));
        for c in &found {
            let ms = s.times_ms.get(c.index).copied().unwrap_or_default();
            let kind = serde_json::to_value(c.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            text.push_str(&format!("  {:>8} {} {kind}\n", c.index, leakscope::ingest::time::format_rfc3339(ms)));
        }
        out.push(serde_json::json!({"name": s.name, "changepoints": items}));
    }
    if json {
        print_out(&format!("{}\n", serde_json::json!({ "series": out })));
    } else {
        print_out(&text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> String {
        let path = std::env::temp_dir().join(format!("leakscope-main-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn inputs_over_the_limit_are_refused_by_their_size_naming_it() {
        let path = temp_file("big.csv", &[b'1'; 3000]);
        let e = read_input(&path, 2048).unwrap_err();
        assert_eq!(e, format!("{path}: 2.9 KiB exceeds the 2.0 KiB limit"));
        assert_eq!(read_input(&path, 3000).unwrap().len(), 3000);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn sizes_read_like_the_readme() {
        assert_eq!(size_text(1_181_116_006), "1.1 GiB");
        assert_eq!(size_text(512), "512 bytes");
        assert_eq!(limit_text(ingest::MAX_INPUT_BYTES), "1024 MiB");
    }
}
