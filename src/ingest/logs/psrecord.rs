//! `psrecord --log` output: a `# Elapsed time  CPU (%)  Real (MB)  Virtual (MB)` header, then
//! whitespace-separated rows of elapsed seconds, CPU percent, resident and virtual memory.
//!
//! psrecord computes its "MB" as bytes / 1024², so they are MiB. Time is elapsed seconds since
//! the recording began: relative, or absolute when the user gives the start (`--start`).
//! Depends on the shared log helpers only; never on analysis or a web type.

use super::relative_axis;
use crate::error::{Error, Result};
use crate::ingest::{Format, Input};
use crate::series::{Series, Unit};

/// The psrecord log format.
pub static PSRECORD: Format =
    Format { id: "psrecord", label: "psrecord log", reads_only_the_tree: false, sniff, parse };

const MIB: f64 = 1024.0 * 1024.0;

fn header_columns(line: &str) -> Option<Vec<String>> {
    let body = line.trim().strip_prefix('#')?.trim();
    if !body.to_ascii_lowercase().starts_with("elapsed time") {
        return None;
    }
    let columns: Vec<String> =
        body.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(|c| c.to_ascii_lowercase()).collect();
    columns.iter().any(|c| c.starts_with("real")).then_some(columns)
}

fn sniff(input: &Input) -> bool {
    input.head().lines().find(|l| !l.trim().is_empty()).is_some_and(|l| header_columns(l).is_some())
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut lines = input.text.lines().enumerate().skip_while(|(_, l)| l.trim().is_empty());
    let columns = lines.next().and_then(|(_, l)| header_columns(l)).ok_or_else(|| {
        Error::line(input.name, 1, "expected the psrecord header \"# Elapsed time  CPU (%)  Real (MB)  Virtual (MB)\"")
    })?;
    let real_at = columns.iter().position(|c| c.starts_with("real"));
    let virtual_at = columns.iter().position(|c| c.starts_with("virtual"));
    let (axis, offset_ms) = relative_axis(input.options.start_ms);
    let make = |measure: &str| {
        let mut s = Series::new(format!("psrecord {measure}"), Unit::Bytes);
        s.labels.insert("measure".into(), measure.into());
        s.time_axis = axis;
        s
    };
    let mut real = make("rss");
    let mut virt = make("virtual");
    for (index, line) in lines {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() != columns.len() {
            return Err(Error::line(
                input.name,
                number,
                format!("expected {} columns as in the header, found {}", columns.len(), fields.len()),
            ));
        }
        let value = |at: usize, what: &str| -> Result<f64> {
            let text = fields.get(at).copied().unwrap_or("");
            text.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
                Error::line(input.name, number, format!("expected a number of {what}, found \"{text}\""))
            })
        };
        for (at, column) in columns.iter().enumerate() {
            value(at, column)?;
        }
        let elapsed_s = value(0, "elapsed seconds")?;
        if !(0.0..1e12).contains(&elapsed_s) {
            return Err(Error::line(input.name, number, format!("expected elapsed seconds ≥ 0, found {elapsed_s}")));
        }
        let time_ms = offset_ms.saturating_add((elapsed_s * 1000.0).round() as i64);
        if let Some(at) = real_at {
            real.push(time_ms, value(at, "resident MB")? * MIB);
        }
        if let Some(at) = virtual_at {
            virt.push(time_ms, value(at, "virtual MB")? * MIB);
        }
    }
    Ok(vec![real, virt])
}
