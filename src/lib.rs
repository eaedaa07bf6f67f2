//! leakscope: find memory leaks in metrics exports.
//!
//! ```text
//! bytes ──ingest──▶ [Series] ──analyze──▶ Report ──▶ chart (plotters: canvas | SVG)
//!                                                 ──▶ summary (words, Markdown), [`html`] report
//!                                                 ──▶ [`share`] link (URL fragment ⇄ state)
//! ```
//! The core ([`ingest`], [`analyze`], [`report`], [`chart`], [`share`], [`html`]) is plain Rust: it never names
//! wasm-bindgen, web-sys or js-sys. `web` (wasm32 only) is the one boundary to the page, and
//! `src/main.rs` is the native CLI over the same core.

pub mod analyze;
pub mod chart;
pub mod demo;
pub mod error;
pub mod html;
pub mod ingest;
pub mod report;
pub mod scenarios;
pub mod series;
pub mod share;
pub mod synth;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};
pub use series::{Series, Unit};

/// Parses and analyzes one input in one call, from borrowed bytes (the CLI and the page give theirs
/// up to [`ingest::parse_owned`], which frees a JSON export's bytes sooner; the report is the same).
///
/// # Errors
/// The ingest error when the bytes cannot be read as a metrics export.
///
/// ```
/// let csv = leakscope::demo::demo_csv();
/// let report = leakscope::analyze_bytes("demo.csv", csv.as_bytes(), &Default::default(), &Default::default()).unwrap();
/// assert_eq!(report.series[0].verdict, leakscope::report::Verdict::Leak);
/// ```
pub fn analyze_bytes(
    name: &str,
    bytes: &[u8],
    ingest_options: &ingest::IngestOptions,
    analyze_options: &analyze::AnalyzeOptions,
) -> Result<report::Report> {
    let parsed = ingest::parse(name, bytes, ingest_options)?;
    Ok(analyze::analyze(name, &parsed, analyze_options))
}
