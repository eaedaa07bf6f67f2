//! Share links are untrusted input: any text given to `share::decode`, and any binary payload
//! behind a well-formed link, must give a state or a clear error, never a panic. Whatever
//! decodes must also render (report, Markdown, HTML, SVG) and re-encode to a link that decodes.
//!
//! Inputs starting with `v`, `#` or `h` are taken as link text; anything else as the inflated
//! payload (so the fuzzer explores the binary layout without having to learn DEFLATE).
#![no_main]
use leakscope::share;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = match data.first() {
        Some(b'v' | b'#' | b'h') => match std::str::from_utf8(data) {
            Ok(text) => share::decode(text),
            Err(_) => return,
        },
        _ => share::decode_payload(data),
    };
    let Ok(state) = decoded else { return };
    let report = state.to_report();
    let _ = report.to_json();
    let markdown = report.to_markdown(Some("#v1.x"), 5);
    assert!(!markdown.is_empty());
    let view = state.to_view();
    let chart = state.chart_series();
    let svg = leakscope::chart::render_svg(&chart, &view, 320, 200).unwrap_or_default();
    let html = leakscope::html::html_report(&report, &svg, &chart, Some("#v1.x"));
    assert!(!html.contains("<script"));
    let again = share::encode(&state);
    if let Err(e) = share::decode(&again) {
        panic!("a re-encoded link does not decode: {e}");
    }
});
