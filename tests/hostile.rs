//! Hostile and edge-case input (issue 8), natively: every case gets a report of the contract's
//! shape or a clear error, never a panic.

use leakscope::analyze::{analyze_series, AnalyzeOptions};
use leakscope::ingest::{parse, IngestOptions};
use leakscope::report::Verdict;
use leakscope::series::{Series, Unit};
use leakscope::synth::Rng;

fn analyze_csv(name: &str, csv: &str) -> Result<leakscope::report::Report, leakscope::Error> {
    leakscope::analyze_bytes(name, csv.as_bytes(), &IngestOptions::default(), &AnalyzeOptions::default())
}

fn rows(values: &[&str]) -> String {
    let mut out = String::from("timestamp,value\n");
    for (i, v) in values.iter().enumerate() {
        out.push_str(&format!("{},{v}\n", 1_723_680_000 + 60 * i as i64));
    }
    out
}

/// Checks the contract's invariants on every series of a report.
fn assert_contract(report: &leakscope::report::Report) {
    assert_eq!(report.version, 1);
    for s in &report.series {
        assert!(
            s.confidence.is_finite() && (0.0..=1.0).contains(&s.confidence),
            "{}: confidence {}",
            s.name,
            s.confidence
        );
        assert!(s.start_ms <= s.end_ms);
        assert!(!s.summary.is_empty());
        if s.verdict != Verdict::Leak {
            assert!(s.onset.is_none(), "onset is null unless the verdict is leak");
        }
        if let Some(o) = s.onset {
            assert!(o.low_ms <= o.ms && o.ms <= o.high_ms, "{o:?}");
        }
        if let Some(g) = s.growth {
            assert!(g.per_hour.is_finite() && g.low.is_finite() && g.high.is_finite(), "{g:?}");
        }
        if s.verdict == Verdict::Inconclusive {
            assert!(!s.reason.is_empty(), "inconclusive needs a reason");
        }
        let json = serde_json::to_string(s).unwrap();
        assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
    }
}

#[test]
fn numeric_edge_cases_give_a_report_or_a_clear_error() {
    let many = |v: &'static str| vec![v; 50];
    let cases: Vec<(&str, String)> = vec![
        ("nan", rows(&["NaN", "1", "NaN", "2", "3", "4", "5", "6", "7", "8"])),
        ("inf", rows(&["inf", "-inf", "1", "2", "3", "4", "5", "6", "7", "8", "9"])),
        ("huge", rows(&["1e308", "1e308", "-1e308", "1e308", "1e308", "1e308", "1e308", "1e308", "1e308", "1e308"])),
        ("negative", rows(&["-5", "-6", "-7", "-8", "-9", "-10", "-11", "-12", "-13", "-14", "-15"])),
        ("all equal", rows(&many("1073741824"))),
        ("two points", rows(&["1", "2"])),
        ("one point", rows(&["1"])),
        ("epoch zero", "timestamp,value\n0,1\n60,2\n120,3\n".to_string()),
        ("year 2100", "timestamp,value\n2100-01-01T00:00:00Z,1\n2100-01-01T00:01:00Z,2\n2100-01-01T00:02:00Z,3\n".to_string()),
        ("out of order", "timestamp,value\n180,4\n0,1\n120,3\n60,2\n240,5\n300,6\n360,7\n420,8\n480,9\n".to_string()),
        ("duplicates", "timestamp,value\n0,1\n0,2\n60,3\n60,4\n120,5\n".to_string()),
        (
            "dst backwards",
            "timestamp,value\n2024-10-27T02:30:00+02:00,1\n2024-10-27T02:45:00+02:00,2\n2024-10-27T02:15:00+01:00,3\n2024-10-27T02:30:00+01:00,4\n".to_string(),
        ),
    ];
    for (label, csv) in cases {
        match analyze_csv(label, &csv) {
            Ok(report) => assert_contract(&report),
            Err(e) => assert!(e.to_string().starts_with(label), "{label}: {e}"),
        }
    }
}

#[test]
fn too_little_data_is_inconclusive_with_a_reason() {
    for (csv, reason) in [
        (rows(&["1", "2"]), "only 2 points; at least 8 are needed"),
        (rows(&["1"]), "only 1 point; at least 8 are needed"),
    ] {
        let report = analyze_csv("few.csv", &csv).unwrap();
        assert_eq!(report.series[0].verdict, Verdict::Inconclusive);
        assert_eq!(report.series[0].reason, reason);
    }
}

#[test]
fn arbitrary_finite_series_always_give_a_contract_shaped_report() {
    // A property test without a framework: many random shapes, sizes, scales and samplings.
    let mut rng = Rng::new(20_261_124);
    for case in 0..400 {
        let n = match case % 5 {
            0 => (rng.uniform() * 10.0) as usize,
            1 => 10 + (rng.uniform() * 100.0) as usize,
            _ => 100 + (rng.uniform() * 3000.0) as usize,
        };
        let scale = 10f64.powf(rng.range(-6.0, 12.0));
        let mut s = Series::new(format!("case {case}"), if case % 2 == 0 { Unit::Bytes } else { Unit::Unknown });
        let mut t: i64 = (rng.uniform() * 2e12) as i64;
        let mut v = rng.range(-1.0, 1.0) * scale;
        for _ in 0..n {
            t += 1 + (rng.uniform() * if case % 7 == 0 { 3_600_000.0 } else { 60_000.0 }) as i64;
            v += rng.normal() * scale * 0.01 + if case % 3 == 0 { scale * 0.001 } else { 0.0 };
            if case % 11 == 0 && rng.uniform() < 0.02 {
                v = -v;
            }
            s.push(t, if case % 13 == 0 { 42.0 } else { v });
        }
        s.normalize();
        let report =
            analyze_series(&s, &AnalyzeOptions { limit: if case % 4 == 0 { Some(scale * 5.0) } else { None } });
        let wrapped = leakscope::report::Report {
            version: 1,
            source: leakscope::report::Source {
                name: "p".into(),
                format: "x".into(),
                format_label: String::new(),
                points: n,
            },
            series: vec![report],
            warnings: vec![],
        };
        assert_contract(&wrapped);
    }
}

#[test]
fn deep_json_and_long_lines_are_refused_or_read_without_crashing() {
    let deep = "[".repeat(100_000);
    let e = parse("deep.json", deep.as_bytes(), &IngestOptions::default()).unwrap_err();
    assert!(e.to_string().starts_with("deep.json"), "{e}");
    let mut line = String::from("timestamp,value\n1723680000,");
    line.push_str(&"9".repeat(1_000_000));
    line.push('\n');
    match parse("long.csv", line.as_bytes(), &IngestOptions::default()) {
        Ok(parsed) => assert!(parsed.series.iter().all(|s| s.values.iter().all(|v| v.is_finite()))),
        Err(e) => assert!(e.to_string().starts_with("long.csv"), "{e}"),
    }
}

#[test]
fn hostile_names_stay_data() {
    let csv = "timestamp,<img src=x onerror=alert(1)>\u{202e}\n1723680000,1\n1723680060,2\n1723680120,3\n";
    let report = analyze_csv("<script>alert(1)</script>.csv", csv).unwrap();
    assert_eq!(report.series[0].name, "<img src=x onerror=alert(1)>\u{202e}");
    let md = report.to_markdown(Some("https://example.invalid/#v1.x"), 5);
    // Outside code spans (where Markdown shows text literally), every angle bracket is escaped;
    // bidirectional overrides are gone everywhere.
    for line in md.lines().filter(|l| l.contains("onerror") || l.contains("script")) {
        let prose: Vec<&str> = line.split('`').step_by(2).collect();
        for part in prose {
            let bytes = part.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                let quote = *b == b'>' && i == 0 && line.starts_with('>');
                if (*b == b'<' || *b == b'>') && !quote {
                    assert!(i > 0 && bytes[i - 1] == b'\\', "unescaped bracket in {line:?}");
                }
            }
        }
    }
    assert!(!md.contains('\u{202e}'), "{md}");
}

#[test]
fn native_reports_are_deterministic() {
    let csv = leakscope::demo::demo_csv();
    let a = analyze_csv("demo.csv", &csv).unwrap().to_json();
    let b = analyze_csv("demo.csv", &csv).unwrap().to_json();
    assert_eq!(a, b);
}
