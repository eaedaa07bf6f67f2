//! Prometheus: the HTTP API's JSON (`/api/v1/query_range` and `/api/v1/query` answers: matrix,
//! vector, scalar), `promtool tsdb dump` (`{labels} value ts_ms`), `promtool tsdb
//! dump-openmetrics` and OpenMetrics text (timestamps in seconds, `# EOF`), and the text
//! exposition format with millisecond timestamps.
//!
//! The API JSON is read first by typed serde visitors that push points straight into the series
//! (the big exports are this shape); only when that fails is the document walked as a JSON tree
//! to say *where* it is wrong. Depends on serde, the ingest helpers and the series model only.

use super::json::{parse_number_text, J};
use super::{units_then_names, Format, Input};
use crate::error::{Error, Result};
use crate::series::{Labels, Series, Unit};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;

/// `/api/v1/query_range` answers, and `/api/v1/query` answers for a range vector (`resultType`
/// `matrix`).
pub static PROMETHEUS_MATRIX: Format = Format {
    id: "prometheus-matrix",
    label: "Prometheus query_range (matrix)",
    reads_only_the_tree: false,
    sniff: |input| api_result_type(input).is_some_and(|t| t == "matrix" || t == "error"),
    parse: parse_api,
};

/// `/api/v1/query` answers for an instant vector or a scalar: one point per series.
pub static PROMETHEUS_VECTOR: Format = Format {
    id: "prometheus-vector",
    label: "Prometheus query (vector)",
    reads_only_the_tree: false,
    sniff: |input| api_result_type(input).is_some_and(|t| t == "vector" || t == "scalar"),
    parse: parse_api,
};

/// `promtool tsdb dump`: `{__name__="m", a="b"} value timestamp_ms` per line.
pub static PROMTOOL_DUMP: Format = Format {
    id: "promtool-dump",
    label: "promtool tsdb dump",
    reads_only_the_tree: false,
    sniff: sniff_promtool_dump,
    parse: |i| parse_text(i, 1.0),
};

/// OpenMetrics text with timestamps in seconds, as `promtool tsdb dump-openmetrics` writes it.
pub static OPENMETRICS: Format = Format {
    id: "openmetrics",
    label: "OpenMetrics (promtool tsdb dump-openmetrics)",
    reads_only_the_tree: false,
    sniff: |input| has_eof_marker(input.text) && sniff_samples(input),
    parse: |i| parse_text(i, 1000.0),
};

/// The Prometheus text exposition format with millisecond timestamps.
pub static PROMETHEUS_TEXT: Format = Format {
    id: "prometheus-text",
    label: "Prometheus text exposition",
    reads_only_the_tree: false,
    sniff: sniff_samples,
    parse: |i| parse_text(i, 1.0),
};

/// The `resultType` of a Prometheus API answer (`"error"` for an error answer), found in the
/// text without parsing it.
fn api_result_type(input: &Input) -> Option<&'static str> {
    if input.first_char() != Some('{') {
        return None;
    }
    let head = input.head();
    if head.contains("\"errorType\"") && head.contains("\"status\"") {
        return Some("error");
    }
    // Grafana frames carry `"custom": {"resultType": "matrix"}`: not an API answer.
    if head.contains("\"frames\"") || head.contains("\"schema\"") {
        return None;
    }
    let text = if head.contains("\"resultType\"") { head } else { input.text };
    let at = text.find("\"resultType\"")?;
    let after = text.get(at + 12..)?.trim_start().strip_prefix(':')?.trim_start();
    ["matrix", "vector", "scalar", "string"].into_iter().find(|t| after.starts_with(&format!("\"{t}\"")))
}

fn parse_api(input: &Input) -> Result<Vec<Series>> {
    if let Ok(fast) = serde_json::from_str::<FastResponse>(input.text) {
        if fast.data.result_type == "matrix" || fast.data.result_type == "vector" {
            let mut series = Vec::with_capacity(fast.data.result.0.len());
            for item in fast.data.result.0 {
                let mut s = Series::default();
                let mut metric = item.metric;
                s.name = metric.remove("__name__").unwrap_or_default();
                s.labels = metric;
                match (item.values, item.value) {
                    (Some(points), _) => {
                        s.times_ms = points.times_ms;
                        s.values = points.values;
                    }
                    (None, Some(Point(t, v))) => s.push(t, v),
                    (None, None) => {}
                }
                series.push(s);
            }
            return Ok(units_then_names(series));
        }
    }
    parse_api_tree(input)
}

/// The slow, precise path: walks the JSON tree and names the path of the first problem.
fn parse_api_tree(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    if root.opt("status").and_then(|s| s.as_str()) == Some("error") {
        let what = root.opt("error").and_then(|e| e.as_str()).unwrap_or("no reason given");
        return Err(root.error(format!("the Prometheus API answered with an error, not data: {what}")));
    }
    let data = root.get("data")?;
    let kind = data.get("resultType")?;
    let result = data.get("result")?;
    let mut series = Vec::new();
    match kind.str()? {
        "matrix" | "vector" => {
            for item in result.items()? {
                let mut s = Series::default();
                if let Some(metric) = item.opt("metric") {
                    for (k, v) in metric.entries()? {
                        let text = v.str()?.to_string();
                        if k == "__name__" {
                            s.name = text;
                        } else {
                            s.labels.insert(k.to_string(), text);
                        }
                    }
                }
                if let Some(values) = item.opt("values") {
                    for p in values.items()? {
                        let (t, v) = pair(&p)?;
                        s.push(t, v);
                    }
                } else if let Some(value) = item.opt("value") {
                    let (t, v) = pair(&value)?;
                    s.push(t, v);
                } else if item.opt("histograms").is_none() && item.opt("histogram").is_none() {
                    return Err(item.error("expected a field \"values\" (matrix) or \"value\" (vector)"));
                }
                series.push(s);
            }
        }
        "scalar" => {
            let (t, v) = pair(&result)?;
            let mut s = Series::new("scalar", Unit::Unknown);
            s.push(t, v);
            series.push(s);
        }
        other => {
            return Err(kind.error(format!(
                "expected the result type \"matrix\", \"vector\" or \"scalar\", found \"{}\"",
                super::csv::clip(other)
            )))
        }
    }
    Ok(units_then_names(series))
}

/// A `[seconds, "value"]` pair.
fn pair(p: &J) -> Result<(i64, f64)> {
    let items: Vec<J> = p.items()?.collect();
    match items.as_slice() {
        [t, v] => Ok((t.time_scaled(1000.0)?, v.number()?)),
        _ => Err(p.expected("a [time, \"value\"] pair")),
    }
}

#[derive(Deserialize)]
struct FastResponse {
    data: FastData,
}

#[derive(Deserialize)]
struct FastData {
    #[serde(rename = "resultType")]
    result_type: String,
    result: FastResult,
}

/// The `result` array, read item by item; each item's points are sized by the previous item's
/// count (the series of one query usually share their steps), so columns grow once.
struct FastResult(Vec<FastItem>);

struct FastItem {
    metric: Labels,
    values: Option<Points>,
    value: Option<Point>,
}

impl<'de> Deserialize<'de> for FastResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FastResult;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of series")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<FastResult, A::Error> {
                let mut items = Vec::new();
                let mut hint = 0;
                while let Some(item) = seq.next_element_seed(ItemSeed { hint })? {
                    hint = item.values.as_ref().map_or(0, |p| p.times_ms.len());
                    items.push(item);
                }
                Ok(FastResult(items))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Reads one series object, sizing its points by `hint`.
struct ItemSeed {
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = FastItem;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<FastItem, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = FastItem;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a series object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<FastItem, A::Error> {
        let mut item = FastItem { metric: Labels::new(), values: None, value: None };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "metric" => item.metric = map.next_value()?,
                "values" => item.values = Some(map.next_value_seed(PointsSeed { hint: self.hint })?),
                "value" => item.value = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(item)
    }
}

/// A series' points, read pair by pair straight into two columns.
struct Points {
    times_ms: Vec<i64>,
    values: Vec<f64>,
}

/// Reads a series' points into columns of `hint` initial capacity.
struct PointsSeed {
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for PointsSeed {
    type Value = Points;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Points, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PointsSeed {
    type Value = Points;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of [time, value] pairs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Points, A::Error> {
        let n = seq.size_hint().unwrap_or(self.hint).min(1 << 24);
        let mut points = Points { times_ms: Vec::with_capacity(n), values: Vec::with_capacity(n) };
        while let Some(Point(t, v)) = seq.next_element()? {
            points.times_ms.push(t);
            points.values.push(v);
        }
        Ok(points)
    }
}

/// One `[seconds, "value"]` pair, as epoch ms and a value.
struct Point(i64, f64);

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Point;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a [time, value] pair")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Point, A::Error> {
                let t: f64 = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let NumText(v) = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                let ms = t * 1000.0;
                if !ms.is_finite() || ms.abs() >= 1e16 {
                    return Err(de::Error::custom("timestamp out of range"));
                }
                Ok(Point(ms.round() as i64, v))
            }
        }
        d.deserialize_seq(V)
    }
}

/// A sample value written as a string (`"1.5"`, `"NaN"`, `"+Inf"`) or a number.
struct NumText(f64);

impl<'de> Deserialize<'de> for NumText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<NumText, E> {
                parse_number_text(s).map(NumText).ok_or_else(|| E::custom("not a number"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<NumText, E> {
                Ok(NumText(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<NumText, E> {
                Ok(NumText(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<NumText, E> {
                Ok(NumText(v as f64))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Text formats.

/// One sample line split into its parts.
struct Sample<'a> {
    /// Metric name and label text as written: the key that groups lines into series.
    key: &'a str,
    name: &'a str,
    labels: Option<&'a str>,
    value: f64,
    timestamp: Option<f64>,
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b':'
}

/// Splits `name{labels} value [timestamp]` (name optional when labels hold `__name__`). OpenMetrics
/// exemplars (` # {...} v`) after the sample are ignored.
fn split_sample(line: &str) -> Option<Sample<'_>> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && is_name_char(b[i]) {
        i += 1;
    }
    let name = &line[..i];
    if name.as_bytes().first().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut labels = None;
    if b.get(i) == Some(&b'{') {
        let start = i + 1;
        let mut quoted = false;
        let mut escaped = false;
        let mut end = None;
        for (k, &c) in b.iter().enumerate().skip(start) {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                quoted = !quoted;
            } else if c == b'}' && !quoted {
                end = Some(k);
                break;
            }
        }
        let end = end?;
        labels = Some(&line[start..end]);
        i = end + 1;
    }
    if name.is_empty() && labels.is_none() {
        return None;
    }
    let key = &line[..i];
    let rest = line.get(i..)?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.split(" # ").next().unwrap_or("");
    let mut fields = rest.split_whitespace();
    let value = parse_number_text(fields.next()?)?;
    let timestamp = match fields.next() {
        Some(t) => Some(t.parse::<f64>().ok().filter(|t| t.is_finite())?),
        None => None,
    };
    if fields.next().is_some() {
        return None;
    }
    Some(Sample { key, name, labels, value, timestamp })
}

/// Parses `a="x", b="y\"z"` into a map; `None` when malformed.
fn parse_labels(text: &str) -> Option<Labels> {
    let mut out = Labels::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Some(out);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == ':' {
                key.push(c);
                chars.next();
            } else {
                break;
            }
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if key.is_empty() || chars.next() != Some('=') {
            return None;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('"') {
            return None;
        }
        let mut value = String::new();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => match chars.next()? {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                c => value.push(c),
            }
        }
        out.insert(key, value);
    }
}

/// Splits a series name written Prometheus style, `metric{a="1", b="2"}` (metric optional), into
/// the metric and its labels; `None` when the text is not of that form.
pub fn parse_series_name(text: &str) -> Option<(String, Labels)> {
    let t = text.trim();
    let open = t.find('{')?;
    let inner = t.strip_suffix('}')?.get(open + 1..)?;
    let metric = &t[..open];
    if !metric.bytes().all(is_name_char) {
        return None;
    }
    let mut labels = parse_labels(inner)?;
    let metric = labels.remove("__name__").unwrap_or_else(|| metric.to_string());
    Some((metric, labels))
}

fn sample_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn has_eof_marker(text: &str) -> bool {
    text.trim_end().lines().next_back().is_some_and(|l| l.trim() == "# EOF")
}

fn sniff_promtool_dump(input: &Input) -> bool {
    let is_dump =
        |l: &str| split_sample(l).is_some_and(|s| s.name.is_empty() && s.timestamp.is_some() && s.labels.is_some());
    input.first_char() == Some('{') && mostly(input.head(), 5, is_dump)
}

/// The first sample line passes `test`, and so do most of the first `n`: a damaged line further
/// down is then reported by the parser with its line number rather than making the text unknown.
fn mostly(head: &str, n: usize, test: impl Fn(&str) -> bool) -> bool {
    let lines: Vec<&str> = sample_lines(head).take(n).map(|(_, l)| l).collect();
    let good = lines.iter().filter(|l| test(l)).count();
    lines.first().is_some_and(|l| test(l)) && good * 2 > lines.len()
}

/// Most of the first sample lines parse, label blocks included, and the text either declares
/// metrics (`# TYPE`/`# HELP`) or timestamps its samples.
fn sniff_samples(input: &Input) -> bool {
    let head = input.head();
    let is_sample = |l: &str| {
        split_sample(l).is_some_and(|s| !s.name.is_empty() && s.labels.is_none_or(|l| parse_labels(l).is_some()))
    };
    let stamped = sample_lines(head).take(10).any(|(_, l)| split_sample(l).is_some_and(|s| s.timestamp.is_some()));
    mostly(head, 10, is_sample) && (stamped || head.contains("# TYPE ") || head.contains("# HELP "))
}

/// Parses sample lines; `to_ms` turns a timestamp into milliseconds (1 for the exposition format
/// and promtool dumps, 1000 for OpenMetrics). Samples without a timestamp are skipped: a single
/// scrape has no time axis.
fn parse_text(input: &Input, to_ms: f64) -> Result<Vec<Series>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut series: Vec<Series> = Vec::new();
    let mut first_unstamped = None;
    for (line_no, line) in sample_lines(input.text) {
        let sample = split_sample(line).ok_or_else(|| {
            Error::line(
                input.name,
                line_no,
                format!(
                    "expected a sample `metric{{label=\"value\"}} value timestamp`, found \"{}\"",
                    super::csv::clip(line)
                ),
            )
        })?;
        let Some(ts) = sample.timestamp else {
            first_unstamped.get_or_insert(line_no);
            continue;
        };
        let ms = ts * to_ms;
        if !ms.is_finite() || ms.abs() >= 1e16 {
            return Err(Error::line(input.name, line_no, "timestamp out of range"));
        }
        let k = match index.get(sample.key) {
            Some(&k) => k,
            None => {
                let mut labels = match sample.labels {
                    Some(text) => parse_labels(text).ok_or_else(|| {
                        Error::line(input.name, line_no, "expected labels like {name=\"value\", ...}")
                    })?,
                    None => Labels::new(),
                };
                let name = labels.remove("__name__").unwrap_or_else(|| sample.name.to_string());
                let s = Series { name, labels, ..Series::default() };
                series.push(s);
                index.insert(sample.key, series.len() - 1);
                series.len() - 1
            }
        };
        if let Some(s) = series.get_mut(k) {
            s.push(ms.round() as i64, sample.value);
        }
    }
    if series.is_empty() {
        if let Some(line) = first_unstamped {
            return Err(Error::line(
                input.name,
                line,
                "samples without timestamps: a single scrape has no time axis; expected `value timestamp` \
                 (export with promtool tsdb dump or the query_range API)",
            ));
        }
    }
    Ok(units_then_names(series))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_samples() {
        let s = split_sample(r#"http_requests_total{method="post",code="200"} 1027 1395066363000"#).unwrap();
        assert_eq!(s.name, "http_requests_total");
        assert_eq!(s.timestamp, Some(1395066363000.0));
        let labels = parse_labels(s.labels.unwrap()).unwrap();
        assert_eq!(labels["code"], "200");
        let s = split_sample(r#"{__name__="m", a="x\"}"} 5 0"#).unwrap();
        assert_eq!(parse_labels(s.labels.unwrap()).unwrap()["a"], "x\"}");
        assert!(split_sample("0.000 1.0 2.0").is_none());
        assert!(split_sample("Linux 5.4 (host) 01/24/2023").is_none());
    }
}
