//! Kubernetes metrics-server snapshots (`kubectl get --raw /apis/metrics.k8s.io/v1beta1/...`)
//! collected in a loop: `PodMetrics`, `NodeMetrics`, their `...List` forms and `kubectl get -o
//! json` `List`s, as several pretty-printed documents concatenated, as NDJSON, or in a JSON array.
//!
//! Memory is a Kubernetes quantity (`22244Ki`, `1.5Gi`, `100M`, plain bytes). One series per
//! pod container (`namespace`, `pod`, `container`) or per node, timed by each item's `timestamp`.
//! metrics-server states no limit. `kubectl top` tables logged in a loop are read here too
//! ([`KUBECTL_TOP`]). Depends on the shared log helpers and the JSON tree only; never on analysis
//! or a web type.

use super::{line_of_offset, SeriesSet};
use crate::error::{Error, Result};
use crate::ingest::json::{Node, Tree};
use crate::ingest::time::parse_timestamp;
use crate::ingest::units::parse_quantity;
use crate::ingest::{Format, Input};
use crate::series::{display_name, Labels, Series, Unit};

/// The metrics-server format.
pub static K8S_METRICS: Format =
    Format { id: "k8s-metrics", label: "Kubernetes metrics-server", reads_only_the_tree: false, sniff, parse };

fn sniff(input: &Input) -> bool {
    let head = input.head();
    matches!(input.first_char(), Some('{') | Some('['))
        && (head.contains("PodMetrics") || head.contains("NodeMetrics"))
        && head.contains("\"usage\"")
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut set = SeriesSet::default();
    let mut stream = serde_json::Deserializer::from_str(input.text).into_iter::<Tree>();
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
        document(input.name, line, value.root(), "$", &mut set)?;
    }
    Ok(set.into_vec())
}

fn leading_blank(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

fn document(name: &str, line: usize, value: Node, path: &str, set: &mut SeriesSet) -> Result<()> {
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            document(name, line, item, &format!("{path}[{i}]"), set)?;
        }
        return Ok(());
    }
    // Items of a list carry no kind of their own: tell them by their shape.
    let kind = match value.get("kind").and_then(Node::as_str) {
        Some(kind) => kind,
        None if value.get("containers").is_some() => "PodMetrics",
        None if value.get("usage").is_some() => "NodeMetrics",
        None => "",
    };
    if let Some(items) = value.get("items").and_then(Node::as_array) {
        for (i, item) in items.iter().enumerate() {
            document(name, line, item, &format!("{path}.items[{i}]"), set)?;
        }
        return Ok(());
    }
    let at = |what: &str| Error::line(name, line, format!("in the document starting here, at {path}: {what}"));
    if kind != "PodMetrics" && kind != "NodeMetrics" {
        return Err(at(&format!("expected kind PodMetrics, NodeMetrics or a list of them, found \"{kind}\"")));
    }
    let stamp = value.get("timestamp").and_then(Node::as_str).unwrap_or("");
    let time_ms =
        parse_timestamp(stamp).ok_or_else(|| at(&format!("expected an RFC 3339 timestamp, found \"{stamp}\"")))?;
    let metadata = value.get("metadata");
    let meta = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Node::as_str).unwrap_or("").to_string();
    let memory = |usage: Option<Node>, where_: &str| -> Result<f64> {
        let text = usage.and_then(|u| u.get("memory")).and_then(Node::as_str).unwrap_or("");
        parse_quantity(text, false)
            .filter(|q| q.1 != Unit::Percent && q.0.is_finite() && q.0 >= 0.0)
            .map(|q| q.0)
            .ok_or_else(|| {
                at(&format!("expected a memory quantity like \"22244Ki\" in {where_}usage.memory, found \"{text}\""))
            })
    };
    let mut push = |labels: Labels, bytes: f64| {
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
        push(Labels::from([("node".to_string(), meta("name"))]), bytes);
        return Ok(());
    }
    let containers =
        value.get("containers").and_then(Node::as_array).ok_or_else(|| at("expected a containers array"))?;
    for (i, container) in containers.iter().enumerate() {
        let bytes = memory(container.get("usage"), &format!("containers[{i}]."))?;
        let container_name = container.get("name").and_then(Node::as_str).unwrap_or("").to_string();
        let labels = Labels::from([
            ("namespace".to_string(), meta("namespace")),
            ("pod".to_string(), meta("name")),
            ("container".to_string(), container_name),
        ]);
        push(labels, bytes);
    }
    Ok(())
}

/// `kubectl top pod|node` run in a loop: a `NAME  CPU(cores)  MEMORY(bytes)` table (with
/// `NAMESPACE` under `-A`, `POD` under `--containers`, `CPU%`/`MEMORY%` for nodes), timed by
/// `date` lines between tables or a timestamp before each line. `kubectl top` prints no time,
/// so a table without any is refused, like `docker stats`.
pub static KUBECTL_TOP: Format =
    Format { id: "kubectl-top", label: "kubectl top", reads_only_the_tree: false, sniff: sniff_top, parse: parse_top };

const TOP_NO_TIME: &str = "expected a time for this kubectl top row: kubectl top prints none, so log it with one, \
     e.g. `while :; do kubectl top pod | sed \"s/^/$(date -Iseconds) /\"; sleep 30; done`";

fn top_body(line: &str) -> (Option<super::Stamp>, &str) {
    match super::split_time_prefix(line) {
        Some((stamp, rest)) => (Some(stamp), rest.trim()),
        None => (None, line.trim()),
    }
}

fn sniff_top(input: &Input) -> bool {
    input.head().lines().filter(|l| !l.trim().is_empty()).take(3).any(|l| {
        let (_, body) = top_body(l);
        body.contains("MEMORY(bytes)") && body.split_whitespace().any(|t| t == "NAME")
    })
}

struct TopTable {
    columns: Vec<String>,
    memory_at: usize,
}

fn parse_top(input: &Input) -> Result<Vec<Series>> {
    let mut clock = super::StampClock::new(input.options.start_ms);
    let mut set = SeriesSet::default();
    let mut table: Option<TopTable> = None;
    let mut current = None;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(stamp) = super::whole_stamp(line) {
            current = Some(clock.time(stamp));
            continue;
        }
        let (stamp, body) = top_body(line);
        let line_time = stamp.map(|s| clock.time(s));
        if body.contains("MEMORY(bytes)") {
            let columns: Vec<String> = body.split_whitespace().map(str::to_string).collect();
            let memory_at = columns.iter().position(|c| c == "MEMORY(bytes)").unwrap_or(0);
            table = Some(TopTable { columns, memory_at });
            if line_time.is_some() {
                current = line_time;
            }
            continue;
        }
        let Some(layout) = &table else {
            return Err(Error::line(
                input.name,
                number,
                "expected a kubectl top header (NAME  CPU(cores)  MEMORY(bytes)) before this row",
            ));
        };
        let tokens: Vec<&str> = body.split_whitespace().collect();
        if tokens.len() != layout.columns.len() {
            return Err(Error::line(
                input.name,
                number,
                format!(
                    "expected {} columns as in the header ({}), found {}",
                    layout.columns.len(),
                    layout.columns.join(" "),
                    tokens.len()
                ),
            ));
        }
        let text = tokens.get(layout.memory_at).copied().unwrap_or("");
        let bytes = parse_quantity(text, false)
            .filter(|q| q.1 != Unit::Percent && q.0.is_finite() && q.0 >= 0.0)
            .map(|q| q.0)
            .ok_or_else(|| {
                Error::line(input.name, number, format!("expected a memory quantity like \"214Mi\", found \"{text}\""))
            })?;
        let Some((time_ms, axis)) = line_time.or(current) else {
            return Err(Error::line(input.name, number, TOP_NO_TIME));
        };
        let column = |name: &str| layout.columns.iter().position(|c| c == name).and_then(|at| tokens.get(at)).copied();
        let mut labels = Labels::new();
        if let Some(namespace) = column("NAMESPACE") {
            labels.insert("namespace".to_string(), namespace.to_string());
        }
        let name = column("NAME").unwrap_or("").to_string();
        if layout.columns.iter().any(|c| c == "MEMORY%") {
            labels.insert("node".to_string(), name);
        } else if let Some(pod) = column("POD") {
            labels.insert("pod".to_string(), pod.to_string());
            labels.insert("container".to_string(), name);
        } else {
            labels.insert("pod".to_string(), name);
        }
        let key: Vec<&str> = labels.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect();
        let series = set.entry(&key.join("\u{0}"), || {
            let mut s = Series::new(display_name("kubectl_top_memory", &labels), Unit::Bytes);
            s.labels = labels.clone();
            s.time_axis = axis;
            s
        });
        series.push(time_ms, bytes);
    }
    Ok(set.into_vec())
}
