//! Ingest: bytes in, [`Series`] out.
//!
//! The pipeline is: undo transport encodings (gzip), decode text (UTF-8 with or without BOM,
//! UTF-16LE with BOM), then ask each known format, in a fixed order, whether the content looks
//! like it (never the file name), and parse with the first that does. Every failure is an
//! [`Error`] naming the input, the line or JSON path, and what was expected.
//!
//! Formats live one family per file and register in [`FORMATS`]:
//!
//! | family | module | format ids |
//! |---|---|---|
//! | Prometheus | [`prometheus`] | `prometheus-matrix`, `prometheus-vector`, `promtool-dump`, `openmetrics`, `prometheus-text` |
//! | Grafana | [`grafana`] | `grafana-dataframe-json`, `grafana-csv`, `grafana-legacy-csv`, `grafana-panel-json` (an error) |
//! | Datadog | [`datadog`] | `datadog-v1`, `datadog-v2` |
//! | CloudWatch | [`cloudwatch`] | `cloudwatch-get-metric-data`, `cloudwatch-get-metric-statistics` |
//! | InfluxDB | [`influx`] | `influxdb-flux-csv`, `influxql-json` |
//! | Azure, Google Cloud, OpenTelemetry | [`cloud`] | `azure-monitor`, `gcp-monitoring`, `otlp-json` |
//! | Netdata | [`netdata`] | `netdata-csv`, `netdata-json` |
//! | Zabbix | [`zabbix`] | `zabbix-history`, `zabbix-export-ndjson` |
//! | anything delimited | [`csv`] | `generic-csv` |
//!
//! JSON formats report errors at a JSON path through [`json::J`]; text formats at a line. This
//! module and its children must never name a web type, and must never panic on any bytes
//! (fuzzed under `fuzz/`).

pub mod cloud;
pub mod cloudwatch;
pub mod csv;
pub mod datadog;
pub mod grafana;
mod gzip;
pub mod influx;
pub mod json;
pub mod logs;
pub mod netdata;
pub mod prometheus;
pub mod time;
pub mod units;
pub mod zabbix;

use crate::error::{Error, Result};
use crate::series::{display_name, Labels, Series, Unit};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeSet;

/// The largest input accepted after decompression, in bytes. Larger inputs stop early with an
/// error naming this limit rather than exhausting memory.
pub const MAX_INPUT_BYTES: usize = 1 << 30;

/// The deepest JSON nesting read: serde_json's recursion limit. Deeper documents stop with an
/// error naming this limit instead of overflowing the stack.
pub const MAX_JSON_DEPTH: usize = 128;

/// Options a user can give about an input.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// The wall-clock start (epoch ms) for sources whose time is relative (psrecord, uptime GC
    /// logs, massif); `None` keeps the time relative.
    pub start_ms: Option<i64>,
}

/// What an input turned into.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The detected format's identifier (`generic-csv`, `prometheus-matrix`, ...), as in the
    /// report's `source.format`.
    pub format: &'static str,
    /// The detected format's name for people ("Prometheus query_range").
    pub format_label: &'static str,
    /// Every series found, in file order.
    pub series: Vec<Series>,
    /// Things a user should know that did not stop the parse (merged duplicates, skipped rows).
    pub warnings: Vec<String>,
}

/// What a format parser sees: the decoded text and a few things computed once for all sniffers.
pub struct Input<'a> {
    /// The input's name for messages (file name, `-`, `pasted text`).
    pub name: &'a str,
    /// The whole decoded text, BOM removed.
    pub text: &'a str,
    /// The user's options.
    pub options: &'a IngestOptions,
    json: OnceCell<Option<json::Tree>>,
}

impl<'a> Input<'a> {
    /// Makes an input from decoded text.
    pub fn new(name: &'a str, text: &'a str, options: &'a IngestOptions) -> Self {
        Input { name, text, options, json: OnceCell::new() }
    }

    /// The first non-blank character of the text.
    pub fn first_char(&self) -> Option<char> {
        self.text.trim_start().chars().next()
    }

    /// The start of the text (up to 64 KiB, cut on a char boundary), for cheap sniffing.
    pub fn head(&self) -> &'a str {
        let mut end = self.text.len().min(64 * 1024);
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        &self.text[..end]
    }

    /// The text parsed as one JSON document and wrapped in a path-tracking accessor rooted at `$`.
    ///
    /// # Errors
    /// The JSON syntax error with its line when the text is not one JSON document.
    pub fn json_root(&self) -> Result<json::J<'_, '_>> {
        match self.json_tree() {
            Some(tree) => Ok(json::J::root(self.name, tree)),
            None => Err(match serde_json::from_str::<serde::de::IgnoredAny>(self.text) {
                Err(e) => json_syntax_error(self.name, &e),
                // Valid JSON that did not load: an object or array past the node limit.
                Ok(_) if matches!(self.first_char(), Some('{') | Some('[')) => {
                    Error::file(self.name, json::TOO_MANY_NODES)
                }
                Ok(_) => Error::line(self.name, 1, "expected a JSON object or array"),
            }),
        }
    }

    /// The text parsed as one JSON document, once, shared by every JSON sniffer; `None` when
    /// the text is not a single JSON value.
    pub fn json(&self) -> Option<json::Node<'_>> {
        self.json_tree().map(json::Tree::root)
    }

    fn json_tree(&self) -> Option<&json::Tree> {
        self.json
            .get_or_init(|| {
                if !matches!(self.first_char(), Some('{') | Some('[')) {
                    return None;
                }
                json::Tree::parse(self.text).ok()
            })
            .as_ref()
    }
}

/// One format a file can be in.
pub struct Format {
    /// Identifier reported as `source.format`.
    pub id: &'static str,
    /// Name shown to people.
    pub label: &'static str,
    /// True when `parse` reads only [`Input::json_root`], never [`Input::text`], so the bytes can
    /// be freed once the tree is built (the line-per-record JSON formats, OTLP and Zabbix NDJSON,
    /// read their text; Prometheus' typed parser too).
    pub reads_only_the_tree: bool,
    /// True when the content looks like this format. Must be cheap on non-matching input.
    pub sniff: fn(&Input) -> bool,
    /// Parses the content; only called after `sniff` said yes.
    pub parse: fn(&Input) -> Result<Vec<Series>>,
}

/// Every known format, most specific first: the first whose `sniff` says yes parses the input.
/// The generic CSV comes last because almost any text with commas looks like it.
pub static FORMATS: &[&Format] = &[
    // JSON, told apart by their keys; Prometheus first, sniffed on the text, so that its typed
    // parser never waits for a generic JSON tree.
    &prometheus::PROMETHEUS_MATRIX,
    &prometheus::PROMETHEUS_VECTOR,
    &grafana::GRAFANA_DATAFRAME_JSON,
    &grafana::GRAFANA_PANEL_JSON,
    &datadog::DATADOG_V1,
    &datadog::DATADOG_V2,
    &cloudwatch::CLOUDWATCH_METRIC_DATA,
    &cloudwatch::CLOUDWATCH_METRIC_STATISTICS,
    &influx::INFLUXQL_JSON,
    &cloud::AZURE_MONITOR,
    &cloud::GCP_MONITORING,
    &cloud::OTLP_JSON,
    &netdata::NETDATA_JSON,
    &zabbix::ZABBIX_HISTORY,
    &zabbix::ZABBIX_NDJSON,
    // Line-oriented text with a recognisable grammar.
    &prometheus::PROMTOOL_DUMP,
    &prometheus::OPENMETRICS,
    &prometheus::PROMETHEUS_TEXT,
    &influx::INFLUX_CSV,
    // Hand-collected evidence: process and runtime logs, container and pod snapshots.
    &logs::k8s::K8S_METRICS,
    &logs::docker::DOCKER_STATS,
    &logs::k8s::KUBECTL_TOP,
    &logs::node::NODE_MEMORY,
    &logs::jvm::JVM_GC,
    &logs::massif::MASSIF,
    &logs::psrecord::PSRECORD,
    &logs::pidstat::PIDSTAT,
    &logs::ps::PS_LOOP,
    // Delimited text: specific dialects first, the generic CSV last.
    &grafana::GRAFANA_LEGACY_CSV,
    &grafana::GRAFANA_CSV,
    &netdata::NETDATA_CSV,
    &csv::GENERIC_CSV,
];

/// Renames sibling series by what tells them apart.
///
/// On entry each series' `name` is its metric name (possibly empty) and `labels` holds all of its
/// labels. On return `labels` keeps only the labels whose values differ between the siblings (a
/// label all share, like `job="x"`, is dropped), and `name` is `metric{differing labels}`; a
/// series left with no name is named by all its labels.
pub fn name_by_differences(series: &mut [Series]) {
    let differing = differing_labels(series.iter().map(|s| &s.labels));
    name_by_labels(series, &differing);
}

/// The label names [`name_by_differences`] keeps: those whose value differs between the siblings
/// (a label some lack counts as differing), sorted. Takes the siblings' labels one at a time, so
/// that series not built yet (the columns of a wide table) can be named a batch at a time.
pub fn differing_labels<L: std::borrow::Borrow<Labels>>(siblings: impl IntoIterator<Item = L>) -> Vec<String> {
    let mut keys: BTreeSet<String> = BTreeSet::new();
    // The first sibling's labels that every sibling so far shares, value and all.
    let mut shared: Option<Labels> = None;
    for labels in siblings {
        let labels = labels.borrow();
        for k in labels.keys() {
            if !keys.contains(k) {
                keys.insert(k.clone());
            }
        }
        match shared.as_mut() {
            None => shared = Some(labels.clone()),
            Some(shared) => {
                let gone: Vec<String> =
                    shared.iter().filter(|(k, v)| labels.get(k.as_str()) != Some(v)).map(|(k, _)| k.clone()).collect();
                for k in gone {
                    shared.remove(k.as_str());
                }
            }
        }
    }
    keys.into_iter().filter(|k| !shared.as_ref().is_some_and(|s| s.contains_key(k.as_str()))).collect()
}

/// Names series as [`name_by_differences`] does, keeping the labels named in `differing` (from
/// [`differing_labels`] over all the siblings, which may be more than `series`).
pub fn name_by_labels(series: &mut [Series], differing: &[String]) {
    for s in series.iter_mut() {
        let all = std::mem::take(&mut s.labels);
        let kept: Labels =
            all.iter().filter(|(k, _)| differing.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        let metric = s.name.clone();
        s.name = if metric.is_empty() && kept.is_empty() {
            if all.is_empty() {
                "value".to_string()
            } else {
                display_name("", &all)
            }
        } else {
            display_name(&metric, &kept)
        };
        s.labels = kept;
    }
}

/// The unit a metric name implies (`..._bytes`, `rss_kb`, `mem (MiB)`, `..._percent`) and the
/// factor to multiply its values by, or `(1, fallback)` when the name says nothing.
pub fn unit_from_name(name: &str, fallback: Unit) -> (f64, Unit) {
    units::unit_in_name(name).unwrap_or((1.0, fallback))
}

/// The common last step of metric-named formats (Prometheus, InfluxDB): the unit each metric
/// name implies (`..._bytes`), then series named by the labels that differ between them.
pub fn units_then_names(mut series: Vec<Series>) -> Vec<Series> {
    for s in &mut series {
        let (factor, unit) = unit_from_name(&s.name, Unit::Unknown);
        scale(s, factor);
        s.unit = unit;
    }
    name_by_differences(&mut series);
    series
}

/// Multiplies every value of a series by `factor` (a unit conversion), leaving NaN gaps alone.
pub fn scale(series: &mut Series, factor: f64) {
    if factor != 1.0 {
        for v in &mut series.values {
            *v *= factor;
        }
    }
}

/// Reads an input of any known format.
///
/// # Errors
/// An [`Error`] naming `name` and the place in it when the bytes are empty, binary, of no known
/// format, or malformed for the format they look like.
///
/// ```
/// use leakscope::ingest::{parse, IngestOptions};
/// let parsed = parse("mem.csv", b"time,rss\n1723700000,100\n1723700060,110\n", &IngestOptions::default()).unwrap();
/// assert_eq!(parsed.format, "generic-csv");
/// assert_eq!(parsed.series[0].values, vec![100.0, 110.0]);
/// ```
pub fn parse(name: &str, bytes: &[u8], options: &IngestOptions) -> Result<Parsed> {
    let bytes = decompress(name, bytes)?;
    let text = decode_text(name, &bytes)?;
    let input = Input::new(name, &text, options);
    let format = sniff(&input)?;
    let series = (format.parse)(&input)?;
    finish(name, format, series)
}

/// [`parse`] of bytes the caller gives up: for a JSON format whose parser reads only the JSON
/// tree, the bytes (and their decompressed, decoded copies) are freed once the tree is built, so
/// the file, its tree and its series are never all held at once. The same result as [`parse`].
///
/// # Errors
/// As [`parse`].
///
/// ```
/// use leakscope::ingest::{parse, parse_owned, IngestOptions};
/// let json = br#"{"series":[{"metric":"m","scope":"pod:a","pointlist":[[1723700000000,5],[1723700060000,6]]}]}"#;
/// let owned = parse_owned("q.json", json.to_vec(), &IngestOptions::default()).unwrap();
/// assert_eq!(owned.format, "datadog-v1");
/// assert_eq!(owned.series, parse("q.json", json, &IngestOptions::default()).unwrap().series);
/// ```
pub fn parse_owned(name: &str, bytes: Vec<u8>, options: &IngestOptions) -> Result<Parsed> {
    match read_owned(name, bytes, options, None)? {
        Read::Series(format, series) => finish(name, format, series),
        // Only asked for with a batch size.
        Read::Columns(format, _) => Err(no_samples(name, format)),
    }
}

/// What [`read_owned`] read: series, or a wide table's columns to be made into series in batches.
enum Read {
    Series(&'static Format, Vec<Series>),
    Columns(&'static Format, csv::Columns),
}

/// Sniffs and reads `bytes`, freeing them before the series are made when the format reads only
/// the JSON tree (see [`parse_owned`]). With `batch_series`, a delimited table wider than a batch
/// comes back as its columns.
fn read_owned(name: &str, bytes: Vec<u8>, options: &IngestOptions, batch_series: Option<usize>) -> Result<Read> {
    let (format, tree) = {
        let decompressed = decompress(name, &bytes)?;
        let text = decode_text(name, &decompressed)?;
        let mut input = Input::new(name, &text, options);
        let format = sniff(&input)?;
        if let (Some(batch_series), true) = (batch_series, csv::reads_delimited(format)) {
            return Ok(match csv::read_delimited(&input, batch_series)? {
                csv::Delimited::Series(series) => Read::Series(format, series),
                csv::Delimited::Columns(columns) => Read::Columns(format, columns),
            });
        }
        match input.json.take() {
            Some(Some(tree)) if format.reads_only_the_tree => (format, tree),
            cached => {
                // Not a tree-only format, or no tree (a syntax error the parser words with its
                // line): parse from the text as `parse` does.
                if let Some(cached) = cached {
                    input.json = OnceCell::from(cached);
                }
                return Ok(Read::Series(format, (format.parse)(&input)?));
            }
        }
    };
    drop(bytes);
    let input = Input { name, text: "", options, json: OnceCell::from(Some(tree)) };
    Ok(Read::Series(format, (format.parse)(&input)?))
}

/// Reads an input of any known format like [`parse`], for a caller that takes its series
/// `batch_series` at a time (the CLI analyzes each batch and frees it before the next). A wide
/// table's series are built only as their batch is taken: the table is held as its values
/// (8 bytes a cell) rather than as series, and none of it refers to `bytes`, which are freed on
/// return (a JSON format read from its tree alone frees them sooner, as [`parse_owned`] does).
/// The batches together hold exactly the series, in the order, with the warnings, that [`parse`]
/// gives.
///
/// # Errors
/// As [`parse`], all before the first batch.
///
/// ```
/// use leakscope::ingest::{parse, parse_in_batches, IngestOptions};
/// let csv = b"time,a,b,c\n1723700000,1,2,3\n1723700060,4,5,6\n";
/// let batches = parse_in_batches("m.csv", csv.to_vec(), &IngestOptions::default(), 2).unwrap();
/// assert_eq!(batches.series_left(), 3);
/// let sizes: Vec<usize> = batches.map(|batch| batch.series.len()).collect();
/// assert_eq!(sizes, [2, 1]);
/// ```
pub fn parse_in_batches(name: &str, bytes: Vec<u8>, options: &IngestOptions, batch_series: usize) -> Result<Batches> {
    let batch_series = batch_series.max(1);
    let parsed = match read_owned(name, bytes, options, Some(batch_series))? {
        Read::Series(format, series) => finish(name, format, series)?,
        Read::Columns(format, columns) => {
            if !columns.has_samples() {
                return Err(no_samples(name, format));
            }
            return Ok(Batches {
                format: format.id,
                format_label: format.label,
                pending: Pending::Columns { columns, batch_series },
            });
        }
    };
    Ok(Batches {
        format: parsed.format,
        format_label: parsed.format_label,
        pending: Pending::Built { series: parsed.series, batch_series, batches: None, warnings: parsed.warnings },
    })
}

/// The series of an input, a batch at a time: each batch a [`Parsed`] holding some of the series,
/// in order, and their warnings. Made by [`parse_in_batches`].
pub struct Batches {
    /// The detected format's identifier, as in [`Parsed::format`].
    pub format: &'static str,
    /// The detected format's name for people, as in [`Parsed::format_label`].
    pub format_label: &'static str,
    pending: Pending,
}

enum Pending {
    /// Series already built; the input's warnings go with the first batch.
    Built {
        series: Vec<Series>,
        batch_series: usize,
        /// The series cut into batches, once: at the first batch taken, so that the cut's lists
        /// are made after the caller has freed the input, and each is freed with its batch.
        batches: Option<std::vec::IntoIter<Vec<Series>>>,
        warnings: Vec<String>,
    },
    /// A wide table, built into series a batch of columns at a time.
    Columns { columns: csv::Columns, batch_series: usize },
}

impl Batches {
    /// At most how many series the batches not yet taken hold (a wide table's columns with no
    /// sample are left out only as their batch is built).
    pub fn series_left(&self) -> usize {
        match &self.pending {
            Pending::Built { series, batches, .. } => {
                series.len() + batches.as_ref().map_or(0, |b| b.as_slice().iter().map(Vec::len).sum())
            }
            Pending::Columns { columns, .. } => columns.series_left(),
        }
    }
}

impl Iterator for Batches {
    type Item = Parsed;

    fn next(&mut self) -> Option<Parsed> {
        let (series, warnings) = match &mut self.pending {
            Pending::Built { series, batch_series, batches, warnings } => {
                let batches = batches.get_or_insert_with(|| {
                    let mut all = std::mem::take(series).into_iter();
                    let cut: Vec<Vec<Series>> =
                        std::iter::from_fn(|| Some(all.by_ref().take(*batch_series).collect::<Vec<_>>()))
                            .take_while(|batch| !batch.is_empty())
                            .collect();
                    cut.into_iter()
                });
                (batches.next()?, std::mem::take(warnings))
            }
            Pending::Columns { columns, batch_series } => loop {
                let mut series = columns.next_batch(*batch_series)?;
                let warnings = normalize_all(&mut series);
                // A batch of columns that held no sample has no warning either: skip it.
                if !series.is_empty() {
                    break (series, warnings);
                }
            },
        };
        Some(Parsed { format: self.format, format_label: self.format_label, series, warnings })
    }
}

/// The first format that recognises the input.
fn sniff(input: &Input) -> Result<&'static Format> {
    if input.first_char().is_none() {
        return Err(Error::file(input.name, "the file is empty: expected a metrics export (CSV, JSON or a log)"));
    }
    FORMATS.iter().copied().find(|f| (f.sniff)(input)).ok_or_else(|| unknown_format(input))
}

/// The last step of every parse: each series normalised, those left without a sample dropped.
fn finish(name: &str, format: &Format, mut series: Vec<Series>) -> Result<Parsed> {
    let warnings = normalize_all(&mut series);
    if series.is_empty() {
        return Err(no_samples(name, format));
    }
    Ok(Parsed { format: format.id, format_label: format.label, series, warnings })
}

/// Normalises every series (see [`Series::normalize`]) and drops those left without a sample;
/// returns a warning for each series whose duplicate timestamps were merged.
fn normalize_all(series: &mut Vec<Series>) -> Vec<String> {
    let mut warnings = Vec::new();
    for s in series.iter_mut() {
        let merged = s.normalize();
        if merged > 0 {
            warnings.push(format!("{}: merged {merged} duplicate timestamps (kept the last value)", s.name));
        }
    }
    series.retain(|s| !s.is_empty());
    warnings
}

fn no_samples(name: &str, format: &Format) -> Error {
    Error::file(name, format!("no data points: the file looks like {} but holds no sample", format.label))
}

fn unknown_format(input: &Input) -> Error {
    let known: Vec<&str> = FORMATS.iter().map(|f| f.label).collect();
    if input.json().is_some() {
        Error::json(input.name, "$", format!("a JSON document of an unknown shape; known shapes: {}", known.join(", ")))
    } else if matches!(input.first_char(), Some('{') | Some('[')) {
        match json::Tree::parse(input.text) {
            Err(e) => json_syntax_error(input.name, &e),
            Ok(_) => Error::file(input.name, "unknown JSON shape"),
        }
    } else {
        Error::line(input.name, 1, format!("not a format this tool reads; known formats: {}", known.join(", ")))
    }
}

/// A JSON syntax error at its line; too deep a nesting says so and names [`MAX_JSON_DEPTH`]
/// rather than serde_json's "recursion limit exceeded".
fn json_syntax_error(name: &str, e: &serde_json::Error) -> Error {
    let message = e.to_string();
    if message.starts_with(json::TOO_MANY_NODES) {
        Error::file(name, json::TOO_MANY_NODES)
    } else if message.starts_with("recursion limit exceeded") {
        let column = e.column();
        Error::line(
            name,
            e.line(),
            format!("JSON nested deeper than the {MAX_JSON_DEPTH}-level limit (column {column})"),
        )
    } else {
        Error::line(name, e.line(), format!("invalid JSON: {message}"))
    }
}

/// Undoes gzip (by its magic bytes, not the file name), bounded by [`MAX_INPUT_BYTES`].
fn decompress<'b>(name: &str, bytes: &'b [u8]) -> Result<Cow<'b, [u8]>> {
    if !bytes.starts_with(&gzip::MAGIC) {
        return Ok(Cow::Borrowed(bytes));
    }
    match gzip::gunzip(bytes, MAX_INPUT_BYTES) {
        Ok(out) => Ok(Cow::Owned(out)),
        Err(gzip::GzipError::Damaged(why)) => Err(Error::file(name, format!("the gzip data is damaged: {why}"))),
        Err(gzip::GzipError::TooLarge) => {
            Err(Error::file(name, format!("decompressed data exceeds the {} MiB limit", MAX_INPUT_BYTES >> 20)))
        }
    }
}

/// Decodes text: UTF-8 (BOM removed) or UTF-16LE/BE with BOM. Binary content is refused.
fn decode_text<'b>(name: &str, bytes: &'b [u8]) -> Result<Cow<'b, str>> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::file(name, format!("the file exceeds the {} MiB limit", MAX_INPUT_BYTES >> 20)));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return decode_utf16(name, rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return decode_utf16(name, rest, u16::from_be_bytes);
    }
    let body = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => {
            if let Some(pos) = text.find('\0') {
                let line = 1 + text[..pos].matches('\n').count();
                return Err(Error::line(name, line, "binary data (a NUL byte): expected a text export"));
            }
            Ok(Cow::Borrowed(text))
        }
        Err(e) => {
            let good = &body[..e.valid_up_to()];
            let line = 1 + good.iter().filter(|b| **b == b'\n').count();
            Err(Error::line(name, line, "binary data or an encoding other than UTF-8/UTF-16: expected a text export"))
        }
    }
}

fn decode_utf16<'b>(name: &str, bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Cow<'b, str>> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut line = 1;
    for ch in char::decode_utf16(units) {
        match ch {
            Ok('\0') | Err(_) => return Err(Error::line(name, line, "invalid UTF-16 text: expected a text export")),
            Ok(c) => {
                if c == '\n' {
                    line += 1;
                }
                text.push(c);
            }
        }
    }
    Ok(Cow::Owned(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> IngestOptions {
        IngestOptions::default()
    }

    #[test]
    fn empty_and_binary_inputs_are_refused_with_a_reason() {
        let e = parse("a.csv", b"  \n", &opts()).unwrap_err();
        assert!(e.to_string().starts_with("a.csv: the file is empty"), "{e}");
        let e = parse("a.bin", b"ab\ncd\0\x01", &opts()).unwrap_err();
        assert_eq!(e.to_string(), "a.bin:2: binary data (a NUL byte): expected a text export");
        let e = parse("a.bin", &[0x41, 0x0a, 0xff, 0xfe, 0x00], &opts()).unwrap_err();
        assert!(e.to_string().starts_with("a.bin:2: binary data"), "{e}");
    }

    #[test]
    fn gzip_and_utf16_are_transparent() {
        use std::io::Write;
        let csv = "time,v\n1723700000,1\n1723700060,2\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(csv.as_bytes()).unwrap();
        let parsed = parse("a.csv.gz", &gz.finish().unwrap(), &opts()).unwrap();
        assert_eq!(parsed.series[0].values, vec![1.0, 2.0]);

        let mut utf16 = vec![0xff, 0xfe];
        for u in csv.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let parsed = parse("a.csv", &utf16, &opts()).unwrap();
        assert_eq!(parsed.series[0].values, vec![1.0, 2.0]);
    }

    #[test]
    fn truncated_json_names_the_line() {
        let e = parse("q.json", b"{\"status\":\"success\",\n\"data\":{", &opts()).unwrap_err();
        assert!(e.to_string().starts_with("q.json:2: invalid JSON"), "{e}");
    }

    #[test]
    fn deep_json_names_the_depth_limit() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let e = parse("deep.json", deep.as_bytes(), &opts()).unwrap_err();
        assert_eq!(e.to_string(), "deep.json:1: JSON nested deeper than the 128-level limit (column 128)");
        let deep = format!("{{\"status\":\"success\",\"data\":{}", "{\"a\":".repeat(200));
        let e = parse("deep.json", deep.as_bytes(), &opts()).unwrap_err();
        assert!(e.to_string().contains("nested deeper than the 128-level limit"), "{e}");
    }
}
