//! Kubernetes metrics-server snapshots (`kubectl get --raw /apis/metrics.k8s.io/v1beta1/...`)
//! collected in a loop: `PodMetrics`, `NodeMetrics`, their `...List` forms and `kubectl get -o
//! json` `List`s, as several pretty-printed documents concatenated, as NDJSON, or in a JSON array.
//!
//! Memory is a Kubernetes quantity (`22244Ki`, `1.5Gi`, `100M`, plain bytes). One series per
//! pod container (`namespace`, `pod`, `container`) or per node, timed by each item's `timestamp`.
//! metrics-server states no limit. Depends on the shared log helpers only; never on analysis or a web type.

use super::{line_of_offset, SeriesSet};
use crate::error::{Error, Result};
use crate::ingest::time::parse_timestamp;
use crate::ingest::units::parse_quantity;
use crate::ingest::{Format, Input};
use crate::series::{display_name, Series, Unit};
use serde_json::Value;
use std::collections::BTreeMap;

/// The metrics-server format.
pub static K8S_METRICS: Format = Format { id: "k8s-metrics", label: "Kubernetes metrics-server", sniff, parse };

fn sniff(input: &Input) -> bool {
    let head = input.head();
    matches!(input.first_char(), Some('{') | Some('['))
        && (head.contains("PodMetrics") || head.contains("NodeMetrics"))
        && head.contains("\"usage\"")
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut set = SeriesSet::default();
    let mut stream = serde_json::Deserializer::from_str(input.text).into_iter::<Value>();
    // Lines are counted from where the previous document started, so the count stays linear.
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        let start = stream.byte_offset();
        let Some(next) = stream.next() else { break };
        let value = next.map_err(|e| Error::line(input.name, e.line(), format!("invalid JSON: {e}")))?;
        let document_start = start + leading_blank(input.text.get(start..).unwrap_or(""));
        line +=
            line_of_offset(input.text.get(counted_to..).unwrap_or(""), document_start.saturating_sub(counted_to)) - 1;
        counted_to = document_start.max(counted_to);
        document(input.name, line, &value, "$", &mut set)?;
    }
    Ok(set.into_vec())
}

fn leading_blank(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

fn document(name: &str, line: usize, value: &Value, path: &str, set: &mut SeriesSet) -> Result<()> {
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            document(name, line, item, &format!("{path}[{i}]"), set)?;
        }
        return Ok(());
    }
    // Items of a list carry no kind of their own: tell them by their shape.
    let kind = match value.get("kind").and_then(Value::as_str) {
        Some(kind) => kind,
        None if value.get("containers").is_some() => "PodMetrics",
        None if value.get("usage").is_some() => "NodeMetrics",
        None => "",
    };
    if let Some(items) = value.get("items").and_then(Value::as_array) {
        for (i, item) in items.iter().enumerate() {
            document(name, line, item, &format!("{path}.items[{i}]"), set)?;
        }
        return Ok(());
    }
    let at = |what: &str| Error::line(name, line, format!("in the document starting here, at {path}: {what}"));
    if kind != "PodMetrics" && kind != "NodeMetrics" {
        return Err(at(&format!("expected kind PodMetrics, NodeMetrics or a list of them, found \"{kind}\"")));
    }
    let stamp = value.get("timestamp").and_then(Value::as_str).unwrap_or("");
    let time_ms =
        parse_timestamp(stamp).ok_or_else(|| at(&format!("expected an RFC 3339 timestamp, found \"{stamp}\"")))?;
    let metadata = value.get("metadata");
    let meta = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Value::as_str).unwrap_or("").to_string();
    let memory = |usage: Option<&Value>, where_: &str| -> Result<f64> {
        let text = usage.and_then(|u| u.get("memory")).and_then(Value::as_str).unwrap_or("");
        parse_quantity(text, false)
            .filter(|q| q.1 != Unit::Percent && q.0.is_finite() && q.0 >= 0.0)
            .map(|q| q.0)
            .ok_or_else(|| {
                at(&format!("expected a memory quantity like \"22244Ki\" in {where_}usage.memory, found \"{text}\""))
            })
    };
    let mut push = |labels: BTreeMap<String, String>, bytes: f64| {
        let key: Vec<&str> = labels.values().map(String::as_str).collect();
        let series = set.entry(&key.join("\u{0}"), || {
            let mut s = Series::new(display_name("k8s_memory_usage", &labels), Unit::Bytes);
            s.labels = labels.clone();
            s
        });
        series.push(time_ms, bytes);
    };
    if kind == "NodeMetrics" {
        let bytes = memory(value.get("usage"), "")?;
        push(BTreeMap::from([("node".to_string(), meta("name"))]), bytes);
        return Ok(());
    }
    let containers =
        value.get("containers").and_then(Value::as_array).ok_or_else(|| at("expected a containers array"))?;
    for (i, container) in containers.iter().enumerate() {
        let bytes = memory(container.get("usage"), &format!("containers[{i}]."))?;
        let container_name = container.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        let labels = BTreeMap::from([
            ("namespace".to_string(), meta("namespace")),
            ("pod".to_string(), meta("name")),
            ("container".to_string(), container_name),
        ]);
        push(labels, bytes);
    }
    Ok(())
}
