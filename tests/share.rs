//! The share link, the HTML report and the SVG chart end to end: round trips within
//! quantization, link lengths for realistic incidents, hostile links and hostile labels.
//! Run `cargo test --test share -- --nocapture` to see the measured link lengths.

use leakscope::chart::{render_svg, Annotation, ChartView};
use leakscope::html::html_report;
use leakscope::report::Report;
use leakscope::series::Series;
use leakscope::share::{
    decode, encode, encode_to_fit, link_fit, state_from_report, LinkFit, SelectedSeries, ShareState, LINK_SOURCE,
};
use leakscope::synth::{ar1_noise, Rng};

fn analyzed(name: &str, csv: &str) -> (Report, Vec<Series>) {
    let parsed = leakscope::ingest::parse(name, csv.as_bytes(), &Default::default()).unwrap();
    // Samples in the report's ranked order, as the page ships them.
    let (report, order) = leakscope::analyze::analyze_and_order(name, &parsed, &Default::default());
    let mut series = parsed.series;
    leakscope::analyze::permute(&mut series, order);
    (report, series)
}

/// Every series of an input, selected for a link.
fn every_series(series: &[Series]) -> Vec<SelectedSeries<'_>> {
    series
        .iter()
        .enumerate()
        .map(|(index, s)| SelectedSeries { index, times_ms: &s.times_ms, values: &s.values, limit: s.limit })
        .collect()
}

fn demo_state(view: &ChartView) -> (Report, Vec<Series>, ShareState) {
    let (report, series) = analyzed("demo.csv", &leakscope::demo::demo_csv());
    let selected = every_series(&series);
    let state = state_from_report(&report, &selected, view, None, 600);
    (report, series, state)
}

/// One day at one sample a minute, three containers: one leaking, one sawtooth, one flat.
fn three_series_day_csv() -> String {
    let start = 1_723_680_000_000i64;
    let n = 1440;
    let mut rng = Rng::new(7);
    let mut noise = || ar1_noise(&mut rng, n, 0.8, 8e6);
    let (a, b, c) = (noise(), noise(), noise());
    let mut out = String::from("timestamp,api_0,api_1,worker\n");
    for (m, ((na, nb), nc)) in a.iter().zip(&b).zip(&c).enumerate() {
        let leak = 1.1e9 + if m > 600 { (m - 600) as f64 * 1.2e6 } else { 0.0 };
        let saw = 0.8e9 + (m % 90) as f64 * 4e6;
        let flat = 0.5e9;
        out.push_str(&format!(
            "{},{:.0},{:.0},{:.0}\n",
            leakscope::ingest::time::format_rfc3339(start + m as i64 * 60_000),
            leak + na,
            saw + nb,
            flat + nc
        ));
    }
    out
}

#[test]
fn demo_round_trips_within_quantization() {
    let view = ChartView {
        title: "checkout <b>&</b> \"api\"".into(),
        tz_label: "local".into(),
        tz_offset_min: 120,
        x_range: Some((1_723_690_000_000, 1_723_720_000_000)),
        annotations: vec![Annotation { ms: 1_723_709_100_000, label: "alert <img src=x onerror=alert(1)>".into() }],
        ..ChartView::default()
    };
    let (report, _, state) = demo_state(&view);
    let link = encode(&state);
    let back = decode(&link).unwrap();
    assert_eq!(back.title, state.title);
    assert_eq!(back.tz_mode, state.tz_mode);
    assert_eq!(back.tz_offset_min, 120);
    assert_eq!(back.x_range, view.x_range);
    assert_eq!(back.annotations, view.annotations);
    assert_eq!(back.to_report().series, report.series, "every report field survives exactly");
    assert_eq!(back.to_view().annotations, view.annotations);
    for (a, b) in state.series.iter().zip(&back.series) {
        assert_eq!(a.limit, b.limit);
        assert_eq!(a.points.len(), b.points.len());
        let lo = a.points.iter().map(|p| p.min).fold(f64::INFINITY, f64::min);
        let hi = a.points.iter().map(|p| p.max).fold(f64::NEG_INFINITY, f64::max);
        let tolerance = (hi - lo) / 4095.0;
        for (p, q) in a.points.iter().zip(&b.points) {
            assert_eq!(p.ms, q.ms);
            assert!((p.min - q.min).abs() <= tolerance && (p.max - q.max).abs() <= tolerance, "{p:?} {q:?}");
        }
    }
    // Also accepted: with the `#`, and inside a whole URL.
    assert_eq!(decode(&format!("#{link}")).unwrap(), back);
    assert_eq!(decode(&format!("https://leakscope.example/app/#{link}")).unwrap(), back);
}

#[test]
fn link_lengths_for_realistic_incidents() {
    let view = ChartView { tz_label: "UTC".into(), ..ChartView::default() };
    let (_, _, state) = demo_state(&view);
    let demo = encode(&state);
    println!("demo (1 series, 841 points at 1 min): {} characters", demo.len() + 1);
    assert!(demo.len() < 2_000, "demo link is {} characters", demo.len());
    assert_eq!(link_fit(&demo), LinkFit::Short);

    let (report, series) = analyzed("pods.csv", &three_series_day_csv());
    let selected = every_series(&series);
    let state = state_from_report(&report, &selected, &view, None, 600);
    let day3 = encode(&state);
    println!("3 series, one day at 1 min (1440 points each, 600 columns): {} characters", day3.len() + 1);
    let (shared, options, fit) = leakscope::share::encode_for_sharing(&state).unwrap();
    println!("3 series shared: {} characters at {options:?}, {fit:?}", shared.len() + 1);
    assert_eq!(fit, LinkFit::Long, "full detail fits 8,000");
    let (fitted, options) = encode_to_fit(&state, 2_000).unwrap();
    println!("3 series fitted to 2,000: {} characters at {options:?}", fitted.len() + 1);
    assert!(fitted.len() <= 2_000);
    assert_eq!(decode(&fitted).unwrap().series.len(), 3);
    assert!(encode_to_fit(&state, 50).unwrap_err().message.contains("HTML report"));
}

#[test]
fn hostile_links_give_clear_errors() {
    let (_, _, state) = demo_state(&ChartView::default());
    let link = encode(&state);
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "not a leakscope link"),
        ("#hello".into(), "not a leakscope link"),
        (link.replacen("v1.", "v2.", 1), "newer version"),
        (link.replacen("v1.", "v99999999999999999999999.", 1), "newer version"),
        (link.replacen("v1.", "v0.", 1), "unknown link format"),
        (format!("{link}!"), "unexpected character"),
        (link[..link.len() / 2].to_string(), "link is"),
        (link[..link.len() - 7].to_string(), "link is"),
        (format!("v1.{}", "A".repeat(70_000)), "characters long"),
        ("v1.".into(), "link is"),
    ];
    for (bad, expected) in cases {
        let err = decode(&bad).unwrap_err();
        assert_eq!(err.source_name, LINK_SOURCE);
        assert!(err.to_string().contains(expected), "{:.60}: {err}", bad);
    }
    // Every single-character tampering either decodes or fails with a link error; never a panic.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = link.clone().into_bytes();
    for i in (3..bytes.len()).step_by(3) {
        let saved = bytes[i];
        bytes[i] = alphabet[(i * 7) % 64];
        if let Err(e) = decode(std::str::from_utf8(&bytes).unwrap()) {
            assert_eq!(e.source_name, LINK_SOURCE);
        }
        bytes[i] = saved;
    }
}

#[test]
fn a_zip_bomb_is_refused() {
    use std::io::Write;
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    deflater.write_all(&vec![0u8; 4 << 20]).unwrap();
    let packed = deflater.finish().unwrap();
    let link = format!("v1.{}", leakscope::share::base64url_encode(&packed));
    assert!(link.len() < 64 * 1024);
    let err = decode(&link).unwrap_err();
    assert!(err.message.contains("more than"), "{err}");
}

/// Markdown with its inline code spans removed (HTML inside a code span is shown as text).
fn outside_code_spans(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let fence_len = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + fence_len..];
        let fence = "`".repeat(fence_len);
        let end = after.find(&fence).expect("unclosed code span");
        rest = &after[end + fence_len..];
    }
    out.push_str(rest);
    out
}

/// A minimal XML well-formedness check: tags nest and close, attributes are quoted, text holds no
/// raw `<` and every `&` starts an entity.
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            assert!(
                ["&lt;", "&gt;", "&amp;", "&quot;", "&apos;"].contains(&entity) || entity.starts_with("&#"),
                "bad entity {entity:?}"
            );
        }
        let close = rest[open..].find('>').expect("unclosed tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
        if tag.starts_with('?') || tag.starts_with('!') {
        } else if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap_or("").to_string());
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn decoded_link_draws_and_reports_safely() {
    let hostile = "<img src=x onerror=alert(1)> & <script>alert(2)</script>";
    let view = ChartView {
        title: hostile.into(),
        annotations: vec![Annotation { ms: 1_723_709_100_000, label: hostile.into() }],
        ..ChartView::default()
    };
    let (_, _, mut state) = demo_state(&view);
    state.series[0].report.name = hostile.into();
    // A known onset, whatever the analysis engine says about the demo today.
    let onset_ms = leakscope::demo::incident_time(7, 40);
    state.series[0].report.onset =
        Some(leakscope::report::Onset { ms: onset_ms, low_ms: onset_ms - 300_000, high_ms: onset_ms + 300_000 });
    state.source_name = hostile.into();
    let back = decode(&encode(&state)).unwrap();
    let report = back.to_report();
    let view = back.to_view();
    let chart = back.chart_series();
    let svg = render_svg(&chart, &view, 1200, 560).unwrap();
    assert_well_formed(&svg);
    assert!(!svg.contains("<script") && !svg.contains("<img"));
    assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(svg.contains("onset 07:40"), "onset marker missing");
    let link = format!("https://leakscope.example/#{}", encode(&back));
    let html = html_report(&report, &svg, &chart, Some(&link));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));
    assert!(html.contains("<svg"), "chart inline");
    assert!(html.contains(&format!("href=\"{link}\"")));
    assert!(html.contains("2024-08-15T07:40:00Z (window 2024-08-15T07:35:00Z – 2024-08-15T07:45:00Z)"));
    assert!(!html.contains("http-equiv=\"refresh\""));
    let md = report.to_markdown(Some(&link), 5);
    let link_line = format!("[Open the interactive chart](<{link}>)\n");
    assert!(md.ends_with(&link_line));
    let prose = outside_code_spans(&md[..md.len() - link_line.len()]);
    assert!(prose.match_indices('<').all(|(i, _)| prose[..i].ends_with('\\')), "raw '<' in Markdown prose: {prose}");
    assert!(!prose.contains("](") && !prose.contains("]["), "a link outside the link line: {prose}");
}

#[test]
fn one_series_day_fits_a_short_link() {
    let csv = three_series_day_csv();
    let one: String = csv.lines().map(|l| l.splitn(3, ',').take(2).collect::<Vec<_>>().join(",") + "\n").collect();
    let (report, series) = analyzed("api.csv", &one);
    let s = &series[0];
    let selected = [SelectedSeries { index: 0, times_ms: &s.times_ms, values: &s.values, limit: Some(4.0e9) }];
    let view = ChartView { tz_label: "UTC".into(), title: "api-0 memory".into(), ..ChartView::default() };
    let state = state_from_report(&report, &selected, &view, None, 600);
    for bits in [8u8, 10, 12] {
        for columns in [300usize, 600] {
            let link =
                leakscope::share::encode_with(&state, leakscope::share::EncodeOptions { columns, value_bits: bits });
            println!("1 series, one day at 1 min, {columns} columns, {bits} bits: {} characters", link.len() + 1);
        }
    }
    let link = encode(&state);
    assert!(link.len() < 2_000, "{}", link.len());
}

#[test]
fn control_characters_in_titles_keep_the_svg_well_formed() {
    let view = ChartView { title: "a\u{1}b\u{FFFF}<c>".into(), footer: Some("f\u{0}".into()), ..ChartView::default() };
    let (_, _, state) = demo_state(&view);
    let svg = render_svg(&state.chart_series(), &view, 600, 300).unwrap();
    assert_well_formed(&svg);
    assert!(!svg.contains('\u{1}') && !svg.contains('\u{0}') && svg.contains("ab&lt;c&gt;"));
}

/// Regenerates the fuzz seeds: `cargo test --test share -- --ignored write_fuzz_seeds`.
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/share_link");
    std::fs::create_dir_all(&dir).unwrap();
    let view = ChartView {
        title: "zoomed <b>&</b>".into(),
        tz_label: "local".into(),
        tz_offset_min: -300,
        x_range: Some((1_723_700_000_000, 1_723_720_000_000)),
        annotations: vec![Annotation { ms: 1_723_709_100_000, label: "alert".into() }],
        ..ChartView::default()
    };
    let (_, _, mut state) = demo_state(&view);
    let onset_ms = leakscope::demo::incident_time(7, 40);
    let entry = &mut state.series[0].report;
    entry.onset =
        Some(leakscope::report::Onset { ms: onset_ms, low_ms: onset_ms - 300_000, high_ms: onset_ms + 300_000 });
    entry.restarts_ms = vec![leakscope::demo::incident_time(11, 0)];
    entry.stop_ms = Some(leakscope::demo::incident_time(12, 0));
    entry.exhaustion =
        Some(leakscope::report::Exhaustion { limit: 4e9, ms: onset_ms * 2, low_ms: 0, high_ms: i64::MAX / 4 });
    entry.changepoints =
        vec![leakscope::report::Changepoint { ms: onset_ms, kind: leakscope::report::ChangeKind::Slope }];
    state.limit = Some(4.0e9);
    let (report, series) = analyzed("pods.csv", &three_series_day_csv());
    let selected = every_series(&series);
    let three = state_from_report(&report, &selected, &ChartView::default(), None, 100);
    for (name, state) in [("zoomed", &state), ("three", &three)] {
        let link = encode(state);
        std::fs::write(dir.join(format!("{name}.txt")), &link).unwrap();
        // The same state as the inflated payload (what the fuzz target reads when it is not text).
        let packed = decode_base64(&link[3..]);
        let mut payload = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(packed.as_slice()), &mut payload).unwrap();
        std::fs::write(dir.join(format!("{name}.bin")), payload).unwrap();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    leakscope::share::base64url_decode(text).unwrap()
}
