//! Huge inputs, scaled down (issue 8): what `cargo run --release --bin huge-input` measures at full
//! size, checked cheaply here. Each input either reads or stops with a message naming the limit;
//! none panics. Every test stays well under a second in the test profile.
// Runs the native CLI and writes sparse files: a host-only test.
#![cfg(not(target_arch = "wasm32"))]

use leakscope::ingest::{parse, IngestOptions, MAX_INPUT_BYTES};
use std::fmt::Write as _;
use std::process::Command;

fn opts() -> IngestOptions {
    IngestOptions::default()
}

/// A path in the temp directory unique to this test process.
fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("leakscope-huge-{}-{name}", std::process::id()))
}

/// What `leakscope analyze FILE --json` prints for `csv` written to a temporary FILE, and the
/// library's report on the same bytes under the same name.
fn cli_and_library(file: &str, csv: &str) -> (String, leakscope::report::Report) {
    let path = temp_path(file);
    std::fs::write(&path, csv).unwrap();
    let name = path.to_string_lossy().into_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_leakscope")).args(["analyze", &name, "--json"]).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    let report = leakscope::analyze_bytes(&name, csv.as_bytes(), &opts(), &Default::default()).unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), report)
}

/// A Prometheus `query_range` matrix of `series` × `points`, on one line.
fn prometheus_matrix(series: usize, points: usize) -> String {
    let mut out = String::from(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    for s in 0..series {
        if s > 0 {
            out.push(',');
        }
        let _ = write!(out, r#"{{"metric":{{"__name__":"mem_bytes","pod":"api-{s}"}},"values":["#);
        for p in 0..points {
            let sep = if p > 0 { "," } else { "" };
            let _ = write!(out, r#"{sep}[{},"{}"]"#, 1_723_680_000 + p * 15, 1_000_000 + p * 10 + s);
        }
        out.push_str("]}");
    }
    out.push_str("]}}");
    out
}

#[test]
fn cli_refuses_a_file_over_the_limit_by_its_size_before_reading_it() {
    // Sparse: 1.1 GiB on paper, nothing on disk; refused from its metadata, so never read.
    let path = temp_path("sparse.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_INPUT_BYTES as u64 + MAX_INPUT_BYTES as u64 / 10).unwrap();
    drop(file);
    let out = Command::new(env!("CARGO_BIN_EXE_leakscope")).arg("analyze").arg(&path).arg("--json").output().unwrap();
    std::fs::remove_file(&path).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end(), format!("error: {}: 1.1 GiB exceeds the 1024 MiB limit", path.display()));
}

#[test]
fn cli_json_output_is_the_report_contract() {
    // `--json` is streamed to stdout rather than built as a string: same bytes as `to_json`.
    let csv = leakscope::demo::demo_csv();
    let (stdout, report) = cli_and_library("demo.csv", &csv);
    assert_eq!(stdout, format!("{}\n", report.to_json()));
}

#[test]
fn cli_json_for_more_series_than_a_batch_is_the_report_contract() {
    // The CLI analyzes 4,096 series at a time and frees their samples: with more than that, in
    // every verdict and with ties in the ranking, its report is still `analyze` over all of them.
    let mut csv = String::from("timestamp,pod,value\n");
    for p in 0..10 {
        for s in 0..4_200 {
            let value = match s % 3 {
                0 => 1_000_000 + p * 1_000 * (s % 7 + 1),
                1 => 1_000_000,
                _ => 1_000_000 + (p % 3) * 10,
            };
            let _ = writeln!(csv, "{},api-{s},{value}", 1_723_680_000 + p * 60);
        }
    }
    let (stdout, report) = cli_and_library("batches.csv", &csv);
    assert_eq!(report.series.len(), 4_200);
    assert!(stdout == format!("{}\n", report.to_json()), "CLI and library differ");
}

#[test]
fn cli_json_for_a_table_wider_than_a_batch_is_the_report_contract() {
    // 4,500 value columns: the CLI reads them into column blocks and builds 4,096 series at a
    // time, named by the labels over all of them (`job` differs only in the last column); the
    // library parses them whole. Same report, byte for byte, in every verdict and with ties.
    let columns = 4_500;
    let mut csv = String::from("timestamp");
    for s in 0..columns {
        let job = if s == columns - 1 { "y" } else { "x" };
        let _ = write!(csv, r#","mem{{pod=""api-{s}"",job=""{job}""}}""#);
    }
    csv.push('\n');
    for p in 0..12 {
        let _ = write!(csv, "{}", 1_723_680_000 + p * 60);
        for s in 0..columns {
            let value = match s % 4 {
                0 => 1_000_000 + p * 1_000 * (s % 7 + 1),
                1 => 1_000_000,
                2 if p == 5 => 0, // a gap: no value in this row
                _ => 1_000_000 + (p % 3) * 10,
            };
            if value == 0 {
                csv.push(',');
            } else {
                let _ = write!(csv, ",{value}");
            }
        }
        csv.push('\n');
    }
    let (stdout, report) = cli_and_library("wide.csv", &csv);
    assert_eq!(report.series.len(), columns);
    assert!(report.series.iter().any(|s| s.name == r#"mem{job="y", pod="api-4499"}"#));
    assert!(stdout == format!("{}\n", report.to_json()), "CLI and library differ");
}

#[test]
fn a_2_mb_cell_on_one_line_reads_or_is_refused_by_line() {
    let mut csv = String::from("timestamp,value\n1723680000,1\n1723680060,2\n1723680120,");
    csv.push_str(&"9".repeat(2_000_000));
    csv.push('\n');
    match parse("cell.csv", csv.as_bytes(), &opts()) {
        Ok(parsed) => assert!(parsed.series.iter().all(|s| s.values.iter().all(|v| v.is_finite()))),
        Err(e) => assert!(e.to_string().starts_with("cell.csv:4: "), "{e}"),
    }
}

#[test]
fn a_2_mb_single_line_json_reads() {
    let json = prometheus_matrix(1, 100_000);
    assert!(json.len() > 2_000_000 && !json.contains('\n'));
    let parsed = parse("one-line.json", json.as_bytes(), &opts()).unwrap();
    assert_eq!(parsed.series[0].len(), 100_000);
}

#[test]
fn twenty_thousand_series_read_from_json_and_csv() {
    let parsed = parse("many.json", prometheus_matrix(20_000, 3).as_bytes(), &opts()).unwrap();
    assert_eq!(parsed.series.len(), 20_000);
    assert_eq!(parsed.series[19_999].name, r#"mem_bytes{pod="api-19999"}"#);
    let mut long = String::from("timestamp,pod,value\n");
    for p in 0..3 {
        for s in 0..20_000 {
            let _ = writeln!(long, "{},api-{s},{}", 1_723_680_000 + p * 60, 1_000 + p);
        }
    }
    let parsed = parse("long.csv", long.as_bytes(), &opts()).unwrap();
    assert_eq!(parsed.series.len(), 20_000);
    assert!(parsed.series.iter().all(|s| s.len() == 3));
}

#[test]
fn json_nested_100k_deep_names_the_depth_limit() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = parse("deep.json", deep.as_bytes(), &opts()).unwrap_err();
    assert!(e.to_string().starts_with("deep.json:1: JSON nested deeper than the 128-level limit"), "{e}");
    let deep = "{\"a\":".repeat(100_000);
    let e = parse("deep.json", deep.as_bytes(), &opts()).unwrap_err();
    assert!(e.to_string().contains("nested deeper than the 128-level limit"), "{e}");
}

/// `rank` sorts indices and permutes the reports in place; the order must be exactly the stable
/// sort's on the same keys, ties (same class, certainty, speed and name) keeping input order.
#[test]
fn ranking_in_place_matches_a_stable_sort() {
    use leakscope::report::{Growth, SeriesReport, Verdict};
    let mut rng = leakscope::synth::Rng::new(42);
    // An empty series' report (no segments, so speed is the growth itself), varied below.
    let blank = leakscope::analyze::analyze_series(
        &leakscope::series::Series::new("s", leakscope::series::Unit::Bytes),
        &Default::default(),
    );
    for n in [0, 1, 2, 3, 17, 500] {
        let reports: Vec<SeriesReport> = (0..n)
            .map(|i| {
                let mut r = blank.clone();
                r.verdict = [Verdict::Leak, Verdict::NoLeak, Verdict::Inconclusive][(rng.uniform() * 3.0) as usize % 3];
                r.confidence = (rng.uniform() * 4.0).floor() / 4.0;
                r.growth = (rng.uniform() < 0.7).then(|| Growth {
                    per_hour: (rng.uniform() * 3.0).floor(),
                    low: 0.0,
                    high: 0.0,
                });
                r.name = format!("s{}", (rng.uniform() * 5.0) as usize);
                r.reason = format!("input position {i}");
                r
            })
            .collect();
        let mut expected = reports.clone();
        expected.sort_by(|a, b| {
            let class = |s: &SeriesReport| match s.verdict {
                Verdict::Leak => 0,
                Verdict::Inconclusive => 1,
                Verdict::NoLeak => 2,
            };
            let certainty = |s: &SeriesReport| (s.confidence * 20.0).round() as i64;
            let speed = |s: &SeriesReport| s.growth.map_or(0.0, |g| g.per_hour.max(0.0));
            class(a)
                .cmp(&class(b))
                .then(certainty(b).cmp(&certainty(a)))
                .then(speed(b).total_cmp(&speed(a)))
                .then(a.name.cmp(&b.name))
        });
        let mut ranked = reports;
        leakscope::analyze::rank(&mut ranked);
        let positions = |v: &[SeriesReport]| v.iter().map(|r| r.reason.clone()).collect::<Vec<_>>();
        assert_eq!(positions(&ranked), positions(&expected), "n = {n}");
    }
}

/// The page ships each series' samples in its report's ranked order by the ranking's own
/// permutation, not by matching names: two series of one name keep their own samples.
#[test]
fn samples_follow_their_reports_through_the_ranking() {
    use leakscope::report::Verdict;
    use leakscope::series::{Series, Unit};
    let times: Vec<i64> = (0..600).map(|i| 1_723_680_000_000 + i * 60_000).collect();
    let same_name = |values: Vec<f64>| {
        let mut s = Series::new("mem", Unit::Bytes);
        for (&t, v) in times.iter().zip(values) {
            s.push(t, v);
        }
        s
    };
    let flat = same_name((0..600).map(|i| 1e9 + f64::from(i % 7) * 1e5).collect());
    let leaking = same_name((0..600).map(|i| 1e9 + f64::from(i) * 1e6 + f64::from(i % 7) * 1e5).collect());
    let parsed = leakscope::ingest::Parsed {
        format: "generic-csv",
        format_label: "CSV",
        series: vec![flat.clone(), leaking.clone()],
        warnings: Vec::new(),
    };
    let (report, order) = leakscope::analyze::analyze_and_order("m.csv", &parsed, &Default::default());
    assert_eq!(report, leakscope::analyze::analyze("m.csv", &parsed, &Default::default()));
    assert_eq!(order, [1, 0]);
    assert_eq!(report.series[0].verdict, Verdict::Leak);
    let mut series = parsed.series;
    leakscope::analyze::permute(&mut series, order);
    assert_eq!(series, [leaking, flat]);
}
