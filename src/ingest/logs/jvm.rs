//! JVM garbage-collection logs: unified logging (JDK 9+, `-Xlog:gc`) with any decorators
//! (`[0.123s]` uptime, `[2024-08-15T07:40:00.123+0000]` time/utctime, `[123ms]` uptimemillis,
//! `[1723707600123ms]` timemillis, `[..ns]`, `[info]`, `[gc]`, `[pid]`, in any order), and JDK 8
//! `-XX:+PrintGCDetails` / `-verbose:gc` lines (`2024-08-15T07:40:00.123+0000: 12.345: [GC
//! (Allocation Failure) [PSYoungGen: ...] 123K->45K(678K), 0.01 secs]`, CMS/ParNew, events
//! split over lines by `-XX:+PrintTenuringDistribution`, and G1's multi-line
//! `Heap: 24.0M(256.0M)->21.5M(256.0M)`).
//!
//! Each collection gives the whole heap before and after and its capacity (G1's `Pause Remark`
//! and `Pause Cleanup` are left out: they do not collect, so their "after" is no floor). Per JVM (the `pid`
//! decorator, else one JVM) this makes a `heap-after-gc` series (the leak signal: the floor GC
//! cannot reclaim), a `heap-before-gc` series, and, when full collections mix with others, a
//! `heap-after-gc` series of full collections alone (label `collection="full"`). The limit is
//! the maximum heap when the log states it (`Heap Max Capacity`, `-XX:MaxHeapSize=`), else the
//! largest capacity seen. Sizes `K`/`M`/`G` are powers of 1024.
//!
//! Time is absolute when a wall-clock decorator or date stamp is present, else the JVM uptime:
//! relative, or absolute with `--start`. When the uptime starts over (a restart appending to
//! the same file) the new run is placed after the previous one.
//!
//! Depends on the shared log helpers only; never on analysis or a web type.

use super::relative_axis;
use crate::error::{Error, Result};
use crate::ingest::time::parse_datetime;
use crate::ingest::{Format, Input};
use crate::series::{Labels, Series, TimeAxis, Unit};

/// The JVM GC log format.
pub static JVM_GC: Format = Format { id: "jvm-gc", label: "JVM GC log", reads_only_the_tree: false, sniff, parse };

fn sniff(input: &Input) -> bool {
    input.head().lines().take(200).any(|l| {
        let l = l.trim_start();
        (l.starts_with('[') && (l.contains("] GC(") || l.contains("][gc") || l.contains("Using G1")))
            || l.contains("[GC (")
            || l.contains("[Full GC")
            || l.contains("[GC pause")
            || (l.contains("[GC ") && l.contains("secs]"))
    })
}

/// The time a line carries.
#[derive(Clone, Copy)]
enum When {
    Wall(i64),
    Uptime(i64),
}

/// A size with a unit letter as the JVM prints it (`27M`, `24.0M`, `3072.0K`, `0.0B`).
fn jvm_size(text: &str) -> Option<f64> {
    let text = text.trim();
    let (i, unit) = text.char_indices().last()?;
    let factor = match unit {
        'B' => 1.0,
        'K' | 'k' => 1024.0,
        'M' | 'm' => 1024f64.powi(2),
        'G' | 'g' => 1024f64.powi(3),
        'T' | 't' => 1024f64.powi(4),
        _ => return None,
    };
    let number = text.get(..i)?.replace(',', ".");
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    value.is_finite().then_some(value * factor)
}

/// A heap transition: before, after, capacity (bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Transition {
    before: f64,
    after: f64,
    capacity: Option<f64>,
}

/// Splits `24.0M(256.0M)` into `24.0M` and `256.0M`.
fn value_and_paren(text: &str) -> (&str, Option<&str>) {
    match text.split_once('(') {
        Some((value, rest)) => (value, Some(rest.split(')').next().unwrap_or(""))),
        None => (text, None),
    }
}

/// The transition whose arrow is at byte `arrow` of `text`, if both sides are sizes.
fn transition_at(text: &str, arrow: usize) -> Option<Transition> {
    // A side is a short token (`24.0M(256.0M)`): looking at most this far keeps a line full of
    // arrows linear.
    const SIDE: usize = 48;
    let mut window = arrow.saturating_sub(SIDE);
    while !text.is_char_boundary(window) {
        window += 1;
    }
    let left_text = text.get(window..arrow)?;
    let left_start = match left_text.rfind([' ', '[', '\t']) {
        Some(i) => i + 1,
        None if window == 0 => 0,
        None => return None,
    };
    let left = left_text.get(left_start..)?;
    let mut right_end = (arrow + 2 + SIDE).min(text.len());
    while !text.is_char_boundary(right_end) {
        right_end -= 1;
    }
    let right_text = text.get(arrow + 2..right_end)?;
    let right_end = match right_text.find([' ', ',', ']', '\t']) {
        Some(end) => end,
        None if right_end == text.len() => right_text.len(),
        None => return None,
    };
    let right = right_text.get(..right_end)?;
    let (before, _) = value_and_paren(left);
    let (after, paren) = value_and_paren(right);
    Some(Transition { before: jvm_size(before)?, after: jvm_size(after)?, capacity: paren.and_then(jvm_size) })
}

/// Every transition in `text` with the `[`-bracket depth at its arrow.
fn transitions(text: &str) -> Vec<(usize, Transition)> {
    transitions_from(text, 0)
}

/// Like [`transitions`], for text that starts inside `open` brackets (the continuation of a
/// JDK 8 event split over lines by `-XX:+PrintTenuringDistribution`).
fn transitions_from(text: &str, open: usize) -> Vec<(usize, Transition)> {
    let mut out = Vec::new();
    let mut depth = open;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'-' if text.as_bytes().get(i + 1) == Some(&b'>') => {
                if let Some(t) = transition_at(text, i) {
                    out.push((depth, t));
                }
            }
            _ => {}
        }
    }
    out
}

/// Reads the `[...]` decorators of a unified-logging line: the time, the tags, the pid, and
/// the message after them.
struct Decorated<'a> {
    wall: Option<i64>,
    uptime: Option<i64>,
    tags: Option<&'a str>,
    pid: Option<&'a str>,
    message: &'a str,
}

const LEVELS: [&str; 6] = ["trace", "debug", "info", "warning", "error", "develop"];

fn decorators(line: &str) -> Decorated<'_> {
    let mut out = Decorated { wall: None, uptime: None, tags: None, pid: None, message: line };
    let mut rest = line.trim_start();
    while let Some(inner_rest) = rest.strip_prefix('[') {
        let Some(close) = inner_rest.find(']') else { break };
        let content = inner_rest.get(..close).unwrap_or("").trim();
        rest = inner_rest.get(close + 1..).unwrap_or("");
        let number = |suffix: &str| -> Option<f64> {
            let n = content.strip_suffix(suffix)?.replace(',', ".");
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return None;
            }
            n.parse().ok()
        };
        if let Some(ms) = parse_datetime(content) {
            out.wall = Some(ms);
        } else if let Some(ns) = number("ns") {
            if ns > 1e17 {
                out.wall = Some((ns / 1e6) as i64);
            } else {
                out.uptime = Some((ns / 1e6) as i64);
            }
        } else if let Some(ms) = number("ms") {
            if ms > 1e11 {
                out.wall = Some(ms as i64);
            } else {
                out.uptime = Some(ms as i64);
            }
        } else if let Some(s) = number("s") {
            out.uptime = Some((s * 1000.0).round() as i64);
        } else if LEVELS.contains(&content) {
        } else if !content.is_empty() && content.bytes().all(|b| b.is_ascii_lowercase() || b == b',' || b == b' ') {
            // The last such group: a lower-case hostname decorator comes before the tags.
            out.tags = Some(content);
        } else if !content.is_empty() && content.bytes().all(|b| b.is_ascii_digit()) {
            out.pid.get_or_insert(content);
        }
        out.message = rest;
    }
    out
}

/// The time stamps before a JDK 8 event: `2024-08-15T07:40:00.123+0000: 12.345: [GC`.
fn jdk8_prefix(line: &str) -> (Option<i64>, Option<i64>) {
    let prefix = line.split('[').next().unwrap_or("");
    let (mut wall, mut uptime) = (None, None);
    for part in prefix.split(": ") {
        let part = part.trim().trim_end_matches(':');
        if let Some(ms) = parse_datetime(part) {
            wall = Some(ms);
        } else if let Ok(s) = part.replace(',', ".").parse::<f64>() {
            if s.is_finite() && s >= 0.0 {
                uptime = Some((s * 1000.0).round() as i64);
            }
        }
    }
    (wall, uptime)
}

/// Where a JDK 8 collection event starts: `[GC (`, `[GC pause`, `[Full GC`, `[GC--`, or the
/// old `[GC 1234K->...`; not `[GC Worker Start` and the like inside G1 details.
fn jdk8_event_start(line: &str) -> Option<usize> {
    if let Some(at) = line.find("[Full GC") {
        return Some(at);
    }
    line.match_indices("[GC").map(|(at, _)| at).find(|&at| {
        let rest = line.get(at + 3..).unwrap_or("");
        rest.starts_with(" (")
            || rest.starts_with(" pause")
            || rest.starts_with("--")
            || rest.starts_with(" cleanup")
            || rest.strip_prefix(' ').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    })
}

fn collection_kind(text: &str) -> &'static str {
    if text.contains("Full") {
        "full"
    } else if text.contains("(mixed)") || text.contains("(Mixed)") {
        "mixed"
    } else if text.contains("Young") || text.contains("young") || text.contains("[GC") || text.contains("Minor") {
        "young"
    } else {
        "other"
    }
}

/// Uptimes made continuous across restarts, per JVM: when the uptime goes backwards the JVM
/// started over, and its new run is placed after the last uptime seen of the previous one.
#[derive(Default)]
struct Runs {
    by_jvm: Vec<(String, i64, i64)>,
}

impl Runs {
    fn place(&mut self, jvm: &str, uptime_ms: i64) -> i64 {
        let at = match self.by_jvm.iter().position(|(id, _, _)| id == jvm) {
            Some(at) => at,
            None => {
                self.by_jvm.push((jvm.to_string(), 0, uptime_ms));
                self.by_jvm.len() - 1
            }
        };
        let Some((_, base, last)) = self.by_jvm.get_mut(at) else { return uptime_ms };
        if uptime_ms < *last {
            *base = base.saturating_add(*last);
        }
        *last = uptime_ms;
        base.saturating_add(uptime_ms)
    }
}

struct Event {
    when: When,
    kind: &'static str,
    transition: Transition,
}

#[derive(Default)]
struct Jvm {
    events: Vec<Event>,
    max_heap: Option<f64>,
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut jvms: Vec<(String, Jvm)> = Vec::new();
    // A JDK 8 event whose heap transition is on a later line: its time, kind and the brackets
    // still open at the end of its first line.
    let mut pending: Option<(When, &'static str, usize)> = None;
    let mut max_heap: Option<f64> = None;
    let mut runs = Runs::default();
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim_end();
        if let Some(at) = line.find("MaxHeapSize=") {
            let digits: String = line.get(at + 12..).unwrap_or("").chars().take_while(|c| c.is_ascii_digit()).collect();
            max_heap = digits.parse::<f64>().ok().or(max_heap);
        }
        if let Some(at) = line.find("Heap Max Capacity:") {
            max_heap = jvm_size(line.get(at + 18..).unwrap_or("")).or(max_heap);
        }
        let trimmed = line.trim_start();
        let (event, jvm_id) = if trimmed.starts_with('[')
            && jdk8_event_start(line).is_none()
            && !line.contains("Heap: ")
        {
            let d = decorators(trimmed);
            let jvm_id = d.pid.unwrap_or("jvm");
            // Every line's uptime, not only collections', tells a restart (`Using G1` at 0.01s).
            let uptime = d.uptime.map(|ms| runs.place(jvm_id, ms));
            if d.tags.is_some_and(|t| t.trim() != "gc") {
                continue;
            }
            let message = d.message.trim();
            let collection = message.contains("Pause") || message.contains("Collection") || message.contains("cleanup");
            // G1's Remark and Cleanup are phases of the concurrent cycle: the heap they report is
            // the occupancy at that moment, not a floor after collecting.
            let phase = message.contains("Pause Remark") || message.contains("Pause Cleanup");
            if !collection || phase || message.contains("Metaspace") {
                continue;
            }
            let Some((_, transition)) = transitions(message).into_iter().next() else { continue };
            let when = match (d.wall, uptime) {
                (Some(ms), _) => When::Wall(ms),
                (None, Some(ms)) => When::Uptime(ms),
                (None, None) => {
                    return Err(Error::line(
                        input.name,
                        number,
                        "expected a time decorator such as [0.123s] or [2024-08-15T07:40:00.123+0000] (-Xlog:gc:file:time,uptime)",
                    ))
                }
            };
            (Event { when, kind: collection_kind(message), transition }, jvm_id.to_string())
        } else if let Some(bracket) = jdk8_event_start(line) {
            let (wall, uptime) = jdk8_prefix(line);
            let uptime = uptime.map(|ms| runs.place("jvm", ms));
            let when =
                match (wall, uptime) {
                    (Some(ms), _) => When::Wall(ms),
                    (None, Some(ms)) => When::Uptime(ms),
                    (None, None) => return Err(Error::line(
                        input.name,
                        number,
                        "expected a time stamp before the GC event (-XX:+PrintGCDateStamps or -XX:+PrintGCTimeStamps)",
                    )),
                };
            let event = line.get(bracket..).unwrap_or("");
            let kind = collection_kind(event.get(..event.find(']').unwrap_or(event.len()).min(40)).unwrap_or(event));
            let heap = transitions(event).into_iter().find(|(depth, _)| *depth == 1).map(|(_, t)| t);
            match heap {
                Some(transition) => {
                    pending = None;
                    (Event { when, kind, transition }, "jvm".to_string())
                }
                None => {
                    let open = event.bytes().fold(0usize, |depth, b| match b {
                        b'[' => depth + 1,
                        b']' => depth.saturating_sub(1),
                        _ => depth,
                    });
                    pending = Some((when, kind, open));
                    continue;
                }
            }
        } else if let Some(at) = line.find("Heap: ") {
            let Some((when, kind, _)) = pending.take() else { continue };
            let text = line.get(at + 6..).unwrap_or("");
            let arrow = text.find("->").ok_or_else(|| {
                Error::line(
                    input.name,
                    number,
                    "expected the heap transition after \"Heap:\" (like 24.0M(256.0M)->21.5M(256.0M))",
                )
            })?;
            let transition = transition_at(text, arrow).ok_or_else(|| {
                Error::line(
                    input.name,
                    number,
                    "expected sizes around \"->\" after \"Heap:\" (like 24.0M(256.0M)->21.5M(256.0M))",
                )
            })?;
            (Event { when, kind, transition }, "jvm".to_string())
        } else if let Some((when, kind, open)) = pending.filter(|p| p.2 > 0) {
            let heap = transitions_from(line, open).into_iter().find(|(depth, _)| *depth == 1).map(|(_, t)| t);
            let Some(transition) = heap else { continue };
            pending = None;
            (Event { when, kind, transition }, "jvm".to_string())
        } else {
            continue;
        };
        let at = match jvms.iter().position(|(id, _)| *id == jvm_id) {
            Some(at) => at,
            None => {
                jvms.push((jvm_id, Jvm::default()));
                jvms.len() - 1
            }
        };
        if let Some((_, jvm)) = jvms.get_mut(at) {
            jvm.events.push(event);
        }
    }
    let (relative, offset_ms) = relative_axis(input.options.start_ms);
    let mut out = Vec::new();
    for (id, mut jvm) in jvms {
        jvm.max_heap = max_heap;
        out.extend(jvm_series(&id, &jvm, relative, offset_ms));
    }
    Ok(out)
}

fn jvm_series(id: &str, jvm: &Jvm, relative: TimeAxis, offset_ms: i64) -> Vec<Series> {
    let wall = jvm.events.iter().any(|e| matches!(e.when, When::Wall(_)));
    let axis = if wall { TimeAxis::Epoch } else { relative };
    let capacity = jvm
        .events
        .iter()
        .filter_map(|e| e.transition.capacity)
        .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.max(c))));
    let limit = jvm.max_heap.or(capacity);
    let make = |measure: &str, collection: Option<&str>| {
        let mut labels = Labels::new();
        labels.insert("jvm".to_string(), id.to_string());
        labels.insert("measure".to_string(), measure.to_string());
        if let Some(c) = collection {
            labels.insert("collection".to_string(), c.to_string());
        }
        let name = match collection {
            Some(c) => format!("jvm {measure} ({c}) {{jvm=\"{id}\"}}"),
            None => format!("jvm {measure} {{jvm=\"{id}\"}}"),
        };
        let mut s = Series::new(name, Unit::Bytes);
        s.labels = labels;
        s.time_axis = axis;
        s.limit = limit;
        s
    };
    let mut after = make("heap-after-gc", None);
    let mut before = make("heap-before-gc", None);
    let mut full = make("heap-after-gc", Some("full"));
    for event in &jvm.events {
        let time_ms = match event.when {
            When::Wall(ms) => ms,
            When::Uptime(ms) if wall => ms,
            When::Uptime(ms) => ms.saturating_add(offset_ms),
        };
        after.push(time_ms, event.transition.after);
        before.push(time_ms, event.transition.before);
        if event.kind == "full" {
            full.push(time_ms, event.transition.after);
        }
    }
    let mixed_kinds = jvm.events.iter().any(|e| e.kind != "full");
    let mut out = vec![after, before];
    if mixed_kinds && full.len() >= 2 {
        out.push(full);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_heap_transition() {
        let unified = "GC(3) Pause Young (Normal) (G1 Evacuation Pause) 109M->110M(248M) 15.394ms";
        let t = transitions(unified);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].1.after, 110.0 * 1024.0 * 1024.0);
        let jdk8 =
            "[GC (Allocation Failure) [PSYoungGen: 65536K->10720K(76288K)] 65536K->10744K(251392K), 0.0123 secs]";
        let heap: Vec<_> = transitions(jdk8).into_iter().filter(|(d, _)| *d == 1).collect();
        assert_eq!(heap.len(), 1);
        assert_eq!(heap[0].1.capacity, Some(251392.0 * 1024.0));
        let g1 = "24.0M(256.0M)->21.5M(256.0M)]";
        assert_eq!(transitions(g1)[0].1.before, 24.0 * 1024.0 * 1024.0);
        assert!(transitions("Eden regions: 1->0(13)").is_empty());
        let zgc = "GC(0) Garbage Collection (Warmup) 878M(11%)->250M(3%)";
        assert_eq!(transitions(zgc)[0].1.capacity, None);
    }
}
