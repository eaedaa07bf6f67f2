//! Valgrind massif output (`massif.out.<pid>`): a `desc:`/`cmd:`/`time_unit:` header, then
//! snapshots with `time=`, `mem_heap_B=`, `mem_heap_extra_B=`, `mem_stacks_B=` and a
//! `heap_tree=` (whose detail lines are skipped).
//!
//! `time_unit` decides the axis: `i` (instructions) → [`TimeAxis::Instructions`], `B` (bytes
//! allocated) → [`TimeAxis::AllocatedBytes`]: neither is time, and they are never turned into
//! seconds. `ms` is time since the program started: relative, or absolute with `--start`.
//! One series per measure; `mem_stacks_B` is left out when every snapshot says 0 (stack
//! profiling was off, so it was not measured). Depends on the shared log helpers only; never on analysis or a web type.

use super::relative_axis;
use crate::error::{Error, Result};
use crate::ingest::{Format, Input};
use crate::series::{Series, TimeAxis, Unit};

/// The massif output format.
pub static MASSIF: Format = Format { id: "massif", label: "Valgrind massif", reads_only_the_tree: false, sniff, parse };

const MEASURES: [&str; 3] = ["mem_heap_B", "mem_heap_extra_B", "mem_stacks_B"];

fn sniff(input: &Input) -> bool {
    let head = input.head();
    head.trim_start().starts_with("desc:") && head.contains("\ntime_unit:") && head.contains("snapshot=")
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut command = String::new();
    let mut axis: Option<(TimeAxis, i64)> = None;
    let mut series: Vec<Series> = Vec::new();
    let mut time: Option<i64> = None;
    let mut in_snapshot = false;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim_end();
        // Heap tree lines: `n2: 1000 0x...: malloc (...)`, indented below the first.
        let is_tree = line.starts_with([' ', '\t'])
            || line
                .strip_prefix('n')
                .and_then(|rest| rest.split_once(':'))
                .is_some_and(|(digits, _)| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
        if line.is_empty() || line.starts_with('#') || is_tree {
            continue;
        }
        let Some((key, value)) = line.split_once([':', '=']) else {
            return Err(Error::line(input.name, number, format!("expected key=value or key: value, found \"{line}\"")));
        };
        let value = value.trim();
        match key.trim() {
            "desc" | "heap_tree" => {}
            "cmd" => command = value.to_string(),
            "time_unit" => {
                let chosen = match value {
                    "i" => (TimeAxis::Instructions, 0),
                    "B" => (TimeAxis::AllocatedBytes, 0),
                    "ms" => relative_axis(input.options.start_ms),
                    other => {
                        return Err(Error::line(
                            input.name,
                            number,
                            format!("expected time_unit i, B or ms, found \"{other}\""),
                        ))
                    }
                };
                axis = Some(chosen);
                series = MEASURES
                    .iter()
                    .map(|measure| {
                        let mut s = Series::new(format!("massif {measure}"), Unit::Bytes);
                        s.labels.insert("measure".into(), measure.to_string());
                        if !command.is_empty() {
                            s.labels.insert("cmd".into(), command.clone());
                        }
                        s.time_axis = chosen.0;
                        s
                    })
                    .collect();
            }
            "snapshot" => {
                in_snapshot = true;
                time = None;
            }
            "time" => {
                let Some((_, offset)) = axis else {
                    return Err(Error::line(input.name, number, "expected time_unit: before the first snapshot"));
                };
                let t: i64 = value.parse().ok().filter(|t| *t >= 0).ok_or_else(|| {
                    Error::line(input.name, number, format!("expected a whole non-negative time, found \"{value}\""))
                })?;
                time = Some(t.saturating_add(offset));
            }
            key if MEASURES.contains(&key) => {
                if !in_snapshot {
                    return Err(Error::line(input.name, number, format!("expected snapshot= before {key}")));
                }
                let t = time.ok_or_else(|| Error::line(input.name, number, format!("expected time= before {key}")))?;
                let bytes: u64 = value.parse().map_err(|_| {
                    Error::line(
                        input.name,
                        number,
                        format!("expected a whole number of bytes in {key}, found \"{value}\""),
                    )
                })?;
                if let Some(s) = MEASURES.iter().position(|m| *m == key).and_then(|at| series.get_mut(at)) {
                    s.push(t, bytes as f64);
                }
            }
            _ => {}
        }
    }
    if axis.is_none() {
        return Err(Error::file(input.name, "expected a time_unit: line (i, B or ms) in the massif header"));
    }
    series.retain(|s| {
        !(s.labels.get("measure").is_some_and(|m| m == "mem_stacks_B") && s.values.iter().all(|v| *v == 0.0))
    });
    Ok(series)
}
