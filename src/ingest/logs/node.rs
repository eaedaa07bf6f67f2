//! Node.js `process.memoryUsage()` logged over time, in two shapes:
//!
//! - JSON lines from pino/winston/bunyan-style loggers, the fields at the top
//!   (`{"level":30,"time":1723707600000,"rss":...,"heapUsed":...}`) or nested at any depth
//!   (`{"memory":{"rss":...}}`), the time in `time`/`timestamp`/`ts`/`@timestamp` (epoch or ISO)
//!   or as a prefix before the JSON;
//! - the object literal `console.log` prints (`{ rss: 4935680, heapTotal: 1826816, ... }`, on one
//!   line or several), with a timestamp before it on the same line
//!   (`console.log(new Date(), process.memoryUsage())`) or on a line of its own.
//!
//! Values are bytes (numbers, or strings with a unit). One series per process (`pid` and
//! `hostname` when logged) and measure: `rss`, `heapUsed`, `heapTotal`, `external`. V8's
//! `heap_size_limit` (`v8.getHeapStatistics()`), when logged in the same JSON line, becomes the
//! limit of the heap series. Other log lines are skipped; a sample without any time is refused:
//! the interval is unknowable.
//! Depends on the shared log helpers only; never on analysis or a web type.

use super::{split_time_prefix, whole_stamp, SeriesSet, Stamp, StampClock};
use crate::error::{Error, Result};
use crate::ingest::time::{epoch_to_ms, parse_timestamp};
use crate::ingest::units::parse_quantity;
use crate::ingest::{Format, Input};
use crate::series::{display_name, Labels, Series, TimeAxis, Unit};
use serde_json::{Map, Value};

/// The Node.js memoryUsage log format.
pub static NODE_MEMORY: Format =
    Format { id: "node-memory", label: "Node.js process.memoryUsage() log", reads_only_the_tree: false, sniff, parse };

const MEASURES: [&str; 4] = ["rss", "heapUsed", "heapTotal", "external"];
const TIME_KEYS: [&str; 7] = ["time", "timestamp", "ts", "@timestamp", "date", "datetime", "t"];
const NO_TIME: &str = "expected a time for this memoryUsage sample: log one with it, e.g. \
     `console.log(new Date().toISOString(), process.memoryUsage())` or a JSON logger's time field";

/// The JSON after an optional timestamp prefix.
fn json_body(line: &str) -> (Option<Stamp>, &str) {
    let t = line.trim();
    if t.starts_with('{') {
        return (None, t);
    }
    match split_time_prefix(t) {
        Some((stamp, rest)) if rest.trim_start().starts_with('{') => (Some(stamp), rest.trim()),
        _ => (None, t),
    }
}

fn memory_object(value: &Value, depth: usize) -> Option<&Map<String, Value>> {
    let object = value.as_object()?;
    if object.contains_key("heapUsed") && (object.contains_key("rss") || object.contains_key("heapTotal")) {
        return Some(object);
    }
    if depth == 0 {
        return None;
    }
    object.values().find_map(|v| memory_object(v, depth - 1))
}

fn is_literal_line(line: &str) -> bool {
    line.split("heapUsed:")
        .nth(1)
        .is_some_and(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_digit() || c == '\''))
        || line.trim_start().starts_with("heapUsed:")
}

fn sniff(input: &Input) -> bool {
    let head = input.head();
    if !head.contains("heapUsed") {
        return false;
    }
    head.lines().take(200).any(|line| {
        let (_, body) = json_body(line);
        (body.starts_with('{')
            && body.contains("\"heapUsed\"")
            && serde_json::from_str::<Value>(body).ok().is_some_and(|v| memory_object(&v, 4).is_some()))
            || is_literal_line(line)
    })
}

/// A sample time and its axis, when known.
type Timed = Option<(i64, TimeAxis)>;

struct Sample {
    line: usize,
    time: Option<(i64, TimeAxis)>,
    labels: Labels,
    values: Vec<(&'static str, f64)>,
    /// V8's `heap_size_limit` when logged beside the usage: the limit of the heap series.
    heap_limit: Option<f64>,
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut clock = StampClock::new(input.options.start_ms);
    let samples = if input.head().contains("\"heapUsed\"") {
        json_samples(input, &mut clock)?
    } else {
        literal_samples(input, &mut clock)?
    };
    let mut set = SeriesSet::default();
    for sample in samples {
        let Some((time_ms, axis)) = sample.time else {
            return Err(Error::line(input.name, sample.line, NO_TIME));
        };
        let process_key: Vec<&str> = sample.labels.values().map(String::as_str).collect();
        for (measure, value) in sample.values {
            let key = format!("{}\u{0}{measure}", process_key.join("\u{0}"));
            let series = set.entry(&key, || {
                let mut s = Series::new(display_name(&format!("node {measure}"), &sample.labels), Unit::Bytes);
                s.labels = sample.labels.clone();
                s.labels.insert("measure".into(), measure.into());
                s.time_axis = axis;
                s
            });
            series.push(time_ms, value);
            if measure.starts_with("heap") && sample.heap_limit.is_some() {
                series.limit = sample.heap_limit;
            }
        }
    }
    Ok(set.into_vec())
}

/// The value of `key` anywhere in the first `depth` levels of a JSON object.
fn find_key<'v>(value: &'v Value, key: &str, depth: usize) -> Option<&'v Value> {
    let object = value.as_object()?;
    if let Some(found) = object.get(key) {
        return Some(found);
    }
    if depth == 0 {
        return None;
    }
    object.values().find_map(|v| find_key(v, key, depth - 1))
}

fn json_value_bytes(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_quantity(s, false).filter(|q| q.1 != Unit::Percent).map(|q| q.0),
        _ => None,
    }
}

fn json_samples(input: &Input, clock: &mut StampClock) -> Result<Vec<Sample>> {
    let mut out = Vec::new();
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        let (prefix, body) = json_body(raw);
        if !body.starts_with('{') {
            continue;
        }
        let value: Value = serde_json::from_str(body)
            .map_err(|e| Error::line(input.name, number, format!("expected one JSON object per line: {e}")))?;
        let Some(memory) = memory_object(&value, 4) else { continue };
        let mut values = Vec::new();
        for measure in MEASURES {
            let Some(field) = memory.get(measure) else { continue };
            let bytes = json_value_bytes(field).filter(|v| v.is_finite()).ok_or_else(|| {
                Error::line(input.name, number, format!("expected a number of bytes in \"{measure}\", found {field}"))
            })?;
            values.push((measure, bytes));
        }
        let object = value.as_object();
        let mut time = prefix.map(|s| clock.time(s));
        if let Some(object) = object {
            for key in TIME_KEYS {
                let Some(field) = object.get(key).or_else(|| memory.get(key)) else { continue };
                let ms = match field {
                    Value::String(s) => parse_timestamp(s),
                    Value::Number(n) => n.as_f64().and_then(epoch_to_ms),
                    _ => None,
                }
                .ok_or_else(|| {
                    Error::line(input.name, number, format!("expected a time in \"{key}\", found {field}"))
                })?;
                time = Some(clock.time(Stamp::At(ms)));
                break;
            }
        }
        let mut labels = Labels::new();
        for key in ["hostname", "pid"] {
            match object.and_then(|o| o.get(key)) {
                Some(Value::String(s)) => {
                    labels.insert(key.to_string(), s.clone());
                }
                Some(Value::Number(n)) => {
                    labels.insert(key.to_string(), n.to_string());
                }
                _ => {}
            }
        }
        let heap_limit = ["heap_size_limit", "heapSizeLimit"]
            .iter()
            .find_map(|key| memory.get(*key).or_else(|| find_key(&value, key, 4)))
            .and_then(json_value_bytes)
            .filter(|v| v.is_finite() && *v > 0.0);
        out.push(Sample { line: number, time, labels, values, heap_limit });
    }
    Ok(out)
}

/// Reads `key: value` pairs of a console.log object literal.
fn literal_pairs(text: &str) -> Vec<(&str, &str)> {
    text.split([',', '\n', '{', '}'])
        .filter_map(|pair| {
            let (key, value) = pair.split_once(':')?;
            Some((key.trim().trim_matches(['\'', '"']), value.trim()))
        })
        .collect()
}

fn literal_samples(input: &Input, clock: &mut StampClock) -> Result<Vec<Sample>> {
    let mut out = Vec::new();
    let mut last_stamp: Option<(i64, TimeAxis)> = None;
    let mut block: Option<(usize, Timed, String)> = None;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        if let Some((_, _, text)) = block.as_mut() {
            text.push('\n');
            text.push_str(raw);
        } else if let Some(open) = raw.find('{') {
            let before = raw.get(..open).unwrap_or("");
            let time = split_time_prefix(before).map(|(s, _)| clock.time(s)).or(last_stamp);
            block = Some((number, time, raw.get(open..).unwrap_or("").to_string()));
        } else {
            if let Some(stamp) = whole_stamp(raw) {
                last_stamp = Some(clock.time(stamp));
            }
            continue;
        }
        let closed = block.as_ref().is_some_and(|(_, _, text)| text.contains('}'));
        if !closed {
            if let Some((start, _, text)) = block.as_ref().filter(|(start, _, _)| number - start > 40) {
                if text.contains("heapUsed") {
                    return Err(Error::line(
                        input.name,
                        *start,
                        "expected the object literal to close with } within 40 lines",
                    ));
                }
                block = None;
            }
            continue;
        }
        let Some((start, time, text)) = block.take() else { continue };
        let pairs = literal_pairs(&text);
        if !pairs.iter().any(|(k, _)| *k == "heapUsed") {
            continue;
        }
        let mut values = Vec::new();
        for measure in MEASURES {
            let Some((_, raw_value)) = pairs.iter().find(|(k, _)| *k == measure) else { continue };
            let cleaned = raw_value.trim_matches(['\'', '"']).replace('_', "");
            let bytes = parse_quantity(&cleaned, false)
                .filter(|q| q.1 != Unit::Percent && q.0.is_finite())
                .ok_or_else(|| {
                    Error::line(
                        input.name,
                        start,
                        format!("expected a number of bytes for {measure}, found \"{raw_value}\""),
                    )
                })?;
            values.push((measure, bytes.0));
        }
        out.push(Sample { line: start, time, labels: Labels::new(), values, heap_limit: None });
    }
    if let Some((start, _, _)) = block.filter(|(_, _, text)| text.contains("heapUsed")) {
        return Err(Error::line(input.name, start, "expected the object literal to close with }"));
    }
    Ok(out)
}
