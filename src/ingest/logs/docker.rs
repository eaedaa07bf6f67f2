//! `docker stats` captured in a loop: the table (`CONTAINER ID  NAME  CPU %  MEM USAGE / LIMIT
//! ...`, also custom `table {{.Name}}\t{{.MemUsage}}` forms and the streaming output with its
//! screen-clearing escapes) and `--format '{{json .}}'` lines.
//!
//! `MemUsage` is `usage / limit` (`1.355MiB / 9.459GiB`): usage becomes one series per
//! container, the limit its [`Series::limit`], so it reaches the exhaustion forecast.
//!
//! Time comes from what the logging loop adds: a timestamp before each row or JSON line
//! (`2024-08-15T07:40:00Z <row>`), a `date` line before each snapshot, or a `time`/`timestamp`
//! field in the JSON. `docker stats` itself prints no time, so input without any is refused
//! with a message saying how to log it: numbering snapshots would invent an interval.
//! Depends on the shared log helpers only; never on analysis or a web type.

use super::{split_time_prefix, strip_ansi, whole_stamp, SeriesSet, Stamp, StampClock};
use crate::error::{Error, Result};
use crate::ingest::time::parse_timestamp;
use crate::ingest::units::parse_quantity;
use crate::ingest::{Format, Input};
use crate::series::{display_name, Labels, Series, TimeAxis, Unit};
use serde_json::Value;

/// The `docker stats` table and JSON-lines format.
pub static DOCKER_STATS: Format =
    Format { id: "docker-stats", label: "docker stats", reads_only_the_tree: false, sniff, parse };

const NO_TIME: &str = "expected a time for this docker stats sample: docker stats prints none, so log it with one, \
     e.g. `while :; do docker stats --no-stream --format '{{json .}}' | sed \"s/^/$(date -Iseconds) /\"; sleep 10; done`";

fn is_header(line: &str) -> bool {
    line.contains("MEM USAGE") && (line.contains("NAME") || line.contains("CONTAINER"))
}

/// The line without a leading timestamp, and that timestamp.
fn unprefixed(line: &str) -> (Option<Stamp>, &str) {
    match split_time_prefix(line) {
        Some((stamp, rest)) => (Some(stamp), rest.trim()),
        None => (None, line.trim()),
    }
}

fn sniff(input: &Input) -> bool {
    input.head().lines().map(strip_ansi).filter(|l| !l.trim().is_empty()).take(3).any(|l| {
        let (_, body) = unprefixed(&l);
        is_header(body) || (body.starts_with('{') && body.contains("\"MemUsage\""))
    })
}

/// `1.355MiB / 9.459GiB` as usage and limit in bytes.
fn mem_usage(text: &str) -> Option<(f64, Option<f64>)> {
    let (usage, limit) = text.split_once('/')?;
    let bytes = |t: &str| parse_quantity(t, false).filter(|q| q.1 == Unit::Bytes).map(|q| q.0);
    let usage = bytes(usage)?;
    let limit = bytes(limit).filter(|l| *l > 0.0);
    Some((usage, limit))
}

struct Table {
    id_at: usize,
    mem_at: usize,
}

fn table_layout(header: &str) -> Option<Table> {
    let columns: Vec<&str> =
        header.split(['\t']).flat_map(|c| c.split("  ")).map(str::trim).filter(|c| !c.is_empty()).collect();
    let mem_at = columns.iter().position(|c| c.starts_with("MEM USAGE"))?;
    let id_at = columns
        .iter()
        .position(|c| *c == "NAME")
        .or_else(|| columns.iter().position(|c| c.starts_with("CONTAINER") || *c == "ID"))
        .unwrap_or(0);
    (id_at < mem_at).then_some(Table { id_at, mem_at })
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut clock = StampClock::new(input.options.start_ms);
    let mut set = SeriesSet::default();
    let mut table: Option<Table> = None;
    let mut current: Option<(i64, TimeAxis)> = None;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        let cleaned = strip_ansi(raw);
        let line = cleaned.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(stamp) = whole_stamp(line) {
            current = Some(clock.time(stamp));
            continue;
        }
        let (stamp, body) = unprefixed(line);
        let line_time = stamp.map(|s| clock.time(s));
        if is_header(body) {
            table = Some(table_layout(body).ok_or_else(|| {
                Error::line(input.name, number, "expected a NAME or CONTAINER column before MEM USAGE / LIMIT")
            })?);
            if line_time.is_some() {
                current = line_time;
            }
            continue;
        }
        let (container, usage, limit, json_time) = if body.starts_with('{') {
            json_row(input.name, number, body, &mut clock)?
        } else {
            let Some(layout) = &table else {
                return Err(Error::line(
                    input.name,
                    number,
                    "expected a docker stats header (CONTAINER ID  NAME  CPU %  MEM USAGE / LIMIT ...) before this row",
                ));
            };
            let tokens: Vec<&str> = body.split_whitespace().collect();
            let id = tokens.get(layout.id_at).copied().unwrap_or("");
            let usage_text = tokens.get(layout.mem_at..layout.mem_at + 3).map(|t| t.join(" ")).unwrap_or_default();
            if usage_text.starts_with("--") {
                continue;
            }
            let (usage, limit) = mem_usage(&usage_text).ok_or_else(|| {
                Error::line(
                    input.name,
                    number,
                    format!("expected MEM USAGE / LIMIT like \"1.5MiB / 2GiB\", found \"{usage_text}\""),
                )
            })?;
            (id.to_string(), usage, limit, None)
        };
        let Some((time_ms, axis)) = json_time.or(line_time).or(current) else {
            return Err(Error::line(input.name, number, NO_TIME));
        };
        let mut labels = Labels::new();
        labels.insert("container".to_string(), container.clone());
        let series = set.entry(&container, || {
            let mut s = Series::new(display_name("docker_mem_usage", &labels), Unit::Bytes);
            s.labels = labels.clone();
            s.time_axis = axis;
            s
        });
        series.push(time_ms, usage);
        if limit.is_some() {
            series.limit = limit;
        }
    }
    Ok(set.into_vec())
}

type JsonRow = (String, f64, Option<f64>, Option<(i64, TimeAxis)>);

fn json_row(name: &str, number: usize, body: &str, clock: &mut StampClock) -> Result<JsonRow> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| Error::line(name, number, format!("expected one docker stats JSON object per line: {e}")))?;
    let object = value.as_object().ok_or_else(|| Error::line(name, number, "expected a JSON object"))?;
    let text = |key: &str| object.get(key).and_then(Value::as_str);
    let container = text("Name").or(text("Container")).or(text("ID")).unwrap_or("").to_string();
    let usage_text = text("MemUsage")
        .ok_or_else(|| Error::line(name, number, "expected a \"MemUsage\" field like \"1.5MiB / 2GiB\""))?;
    if usage_text.starts_with("--") {
        return Err(Error::line(name, number, "expected a memory usage, found \"--\" (the container was not running)"));
    }
    let (usage, limit) = mem_usage(usage_text).ok_or_else(|| {
        Error::line(name, number, format!("expected MemUsage like \"1.5MiB / 2GiB\", found \"{usage_text}\""))
    })?;
    let mut time = None;
    for key in ["time", "timestamp", "ts", "@timestamp", "date", "Time", "Timestamp"] {
        let Some(field) = object.get(key) else { continue };
        let ms = match field {
            Value::String(s) => parse_timestamp(s),
            Value::Number(n) => n.as_f64().and_then(crate::ingest::time::epoch_to_ms),
            _ => None,
        }
        .ok_or_else(|| Error::line(name, number, format!("expected a time in \"{key}\", found {field}")))?;
        time = Some(clock.time(Stamp::At(ms)));
        break;
    }
    Ok((container, usage, limit, time))
}
