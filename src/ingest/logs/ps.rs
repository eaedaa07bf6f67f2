//! `ps` in a shell loop, in the shapes people write:
//!
//! - `HH:MM:SS <rss>` (`echo "$(date +%T) $(ps -o rss= -p $PID)"`), or any timestamp the shared
//!   helpers know (`date` output, ISO 8601, epoch seconds) before the RSS, optionally followed
//!   by a command name;
//! - `date` lines between `ps -o pid,rss,vsz,cmd` (or `ps aux`) tables, between bare
//!   `ps -o rss=` numbers, or between `VmRSS:`/`VmSize:` lines of `/proc/PID/status` (the other
//!   lines of that file are skipped); header and rows may themselves carry a timestamp prefix.
//!
//! RSS and VSZ are KiB as `ps` prints them. One RSS series per process (PID and command), then
//! one VSZ series each when the table has one. A time of day without a date is relative to the
//! first sample (absolute with `--start`); a time earlier than the previous one is on the next
//! day. A `ps` table with no time anywhere is refused: one snapshot says nothing about growth.
//! Depends on the shared log helpers only; never on analysis or a web type.

use super::{split_time_prefix, whole_stamp, SeriesSet, StampClock};
use crate::error::{Error, Result};
use crate::ingest::{Format, Input};
use crate::series::{display_name, Labels, Series, TimeAxis, Unit};

/// The `ps` loop format.
pub static PS_LOOP: Format =
    Format { id: "ps-loop", label: "ps/date loop log", reads_only_the_tree: false, sniff, parse };

const COMMAND_COLUMNS: [&str; 5] = ["COMMAND", "CMD", "ARGS", "COMM", "UCOMM"];

/// The columns of a `ps` header line (uppercase names, one of them RSS).
fn header_columns(line: &str) -> Option<Vec<String>> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let is_name = |t: &&str| {
        t.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'%' | b'_' | b'-'))
            && t.bytes().any(|b| b.is_ascii_uppercase())
    };
    (tokens.iter().all(is_name) && tokens.iter().any(|t| *t == "RSS" || *t == "RSZ"))
        .then(|| tokens.iter().map(|t| t.to_string()).collect())
}

fn kib(text: &str) -> Option<f64> {
    let (number, factor) = match text.char_indices().last()? {
        (i, 'k' | 'K') => (text.get(..i)?, 1024.0),
        (i, 'm' | 'M') => (text.get(..i)?, 1024f64.powi(2)),
        (i, 'g' | 'G') => (text.get(..i)?, 1024f64.powi(3)),
        _ => (text, 1024.0),
    };
    if !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') || number.is_empty() {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    value.is_finite().then_some(value * factor)
}

#[derive(PartialEq)]
enum Kind {
    Stamp,
    Header,
    TimedNumber,
    BareNumber,
    Other,
}

fn classify(line: &str) -> Kind {
    let line = super::strip_ansi(line);
    let line = line.trim();
    if line.contains([',', ';', '{', '"']) && header_columns(line).is_none() {
        return Kind::Other;
    }
    if whole_stamp(line).is_some() {
        return Kind::Stamp;
    }
    if header_columns(line).is_some() {
        return Kind::Header;
    }
    if kib(line).is_some() || matches!(status_line(line), Some(Some(_))) {
        return Kind::BareNumber;
    }
    match split_time_prefix(line) {
        Some((_, rest)) if header_columns(rest).is_some() => Kind::Header,
        Some((_, rest)) if matches!(status_line(rest), Some(Some(_))) => Kind::TimedNumber,
        Some((_, rest)) if rest.split_whitespace().next().is_some_and(|t| kib(t).is_some()) => Kind::TimedNumber,
        _ => Kind::Other,
    }
}

fn sniff(input: &Input) -> bool {
    let head = input.head();
    if head.contains("minflt/s") {
        return false;
    }
    let kinds: Vec<Kind> = head.lines().filter(|l| !l.trim().is_empty()).take(40).map(classify).collect();
    let count = |k: Kind| kinds.iter().filter(|x| **x == k).count();
    let first_ok = kinds.first().is_some_and(|k| matches!(k, Kind::Stamp | Kind::Header | Kind::TimedNumber));
    first_ok
        && (count(Kind::Header) >= 1
            || count(Kind::TimedNumber) >= 2
            || (count(Kind::Stamp) >= 1 && count(Kind::BareNumber) >= 1))
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut clock = StampClock::new(input.options.start_ms);
    let mut rss = SeriesSet::default();
    let mut vsz = SeriesSet::default();
    let mut columns: Option<Vec<String>> = None;
    let mut current: Option<(i64, TimeAxis)> = None;
    let mut untimed_row: Option<usize> = None;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        let cleaned = super::strip_ansi(raw);
        let line = cleaned.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(stamp) = whole_stamp(line) {
            current = Some(clock.time(stamp));
            continue;
        }
        if let Some(found) = header_columns(line) {
            columns = Some(found);
            continue;
        }
        let (time, body) = match split_time_prefix(line) {
            Some((stamp, rest)) => {
                if let Some(found) = header_columns(rest) {
                    columns = Some(found);
                    current = Some(clock.time(stamp));
                    continue;
                }
                (Some(clock.time(stamp)), rest)
            }
            None => (None, line),
        };
        let Some((time_ms, axis)) = time.or(current) else {
            untimed_row.get_or_insert(number);
            continue;
        };
        match status_line(body).filter(|_| columns.is_none()) {
            Some(Some((measure, bytes))) => {
                let set = if measure == "rss" { &mut rss } else { &mut vsz };
                let series = set.entry("\u{0}", || {
                    let mut s = Series::new(measure, Unit::Bytes);
                    s.labels.insert("measure".into(), measure.into());
                    s.time_axis = axis;
                    s
                });
                series.push(time_ms, bytes);
                continue;
            }
            Some(None) => continue,
            None => {}
        }
        let tokens: Vec<&str> = body.split_whitespace().collect();
        let sample = match &columns {
            Some(columns) => table_row(input.name, number, columns, &tokens)?,
            None => simple_row(input.name, number, &tokens)?,
        };
        let key = format!("{}\u{0}{}", sample.labels.get("pid").map_or("", String::as_str), sample.command);
        for (set, measure, value) in [(&mut rss, "rss", Some(sample.rss)), (&mut vsz, "vsz", sample.vsz)] {
            let Some(value) = value else { continue };
            let series = set.entry(&key, || {
                let mut s = Series::new(display_name(measure, &sample.labels), Unit::Bytes);
                s.labels = sample.labels.clone();
                s.labels.insert("measure".into(), measure.into());
                s.time_axis = axis;
                s
            });
            series.push(time_ms, value);
        }
    }
    if rss.is_empty() {
        if let Some(line) = untimed_row {
            return Err(Error::line(
                input.name,
                line,
                "expected a time for this ps row: a single ps snapshot says nothing about growth; log it in a loop \
                 with a date line before each snapshot (`while :; do date; ps -o pid,rss,vsz,cmd -p PID; sleep 60; done`)",
            ));
        }
    }
    let mut out = rss.into_vec();
    out.extend(vsz.into_vec());
    Ok(out)
}

/// A `/proc/PID/status` line: `Some(Some(("rss", bytes)))` for `VmRSS:`, `vsz` for `VmSize:`,
/// `Some(None)` for any other `Key:` line of that file, `None` for anything else.
fn status_line(line: &str) -> Option<Option<(&'static str, f64)>> {
    let (key, value) = line.trim().split_once(':')?;
    if key.is_empty()
        || !key.starts_with(|c: char| c.is_ascii_uppercase())
        || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let measure = match key {
        "VmRSS" => "rss",
        "VmSize" => "vsz",
        _ => return Some(None),
    };
    let mut parts = value.split_whitespace();
    let number = parts.next().and_then(|n| n.parse::<f64>().ok()).filter(|n| n.is_finite() && *n >= 0.0);
    let unit_ok = matches!(parts.next(), Some("kB") | Some("KB") | Some("kb") | None);
    match (number, unit_ok) {
        (Some(kib), true) => Some(Some((measure, kib * 1024.0))),
        _ => Some(None),
    }
}

struct Sample {
    labels: Labels,
    command: String,
    rss: f64,
    vsz: Option<f64>,
}

fn simple_row(name: &str, number: usize, tokens: &[&str]) -> Result<Sample> {
    let first = tokens.first().copied().unwrap_or("");
    let rss = kib(first).ok_or_else(|| {
        Error::line(name, number, format!("expected a resident size in KiB after the time, found \"{first}\""))
    })?;
    let command = tokens.get(1..).map(|rest| rest.join(" ")).unwrap_or_default();
    let mut labels = Labels::new();
    if !command.is_empty() {
        labels.insert("command".to_string(), command.clone());
    }
    Ok(Sample { labels, command, rss, vsz: None })
}

fn table_row(name: &str, number: usize, columns: &[String], tokens: &[&str]) -> Result<Sample> {
    if tokens.len() < columns.len() {
        return Err(Error::line(
            name,
            number,
            format!(
                "expected {} columns as in the ps header ({}), found {}",
                columns.len(),
                columns.join(" "),
                tokens.len()
            ),
        ));
    }
    let command_at = columns.iter().position(|c| COMMAND_COLUMNS.contains(&c.as_str()));
    let trailing = command_at.map_or(0, |at| columns.len() - at - 1);
    let field = |column: &str| -> Option<&str> {
        let at = columns.iter().position(|c| c == column)?;
        match command_at {
            Some(cmd) if at > cmd => tokens.get(tokens.len() - (columns.len() - at)).copied(),
            _ => tokens.get(at).copied(),
        }
    };
    let command = match command_at {
        Some(at) => tokens.get(at..tokens.len() - trailing).map(|t| t.join(" ")).unwrap_or_default(),
        None => String::new(),
    };
    let size = |column: &str| -> Result<Option<f64>> {
        match field(column) {
            None => Ok(None),
            Some(text) => kib(text).map(Some).ok_or_else(|| {
                Error::line(name, number, format!("expected a size in KiB in column {column}, found \"{text}\""))
            }),
        }
    };
    let rss = size("RSS")?.or(size("RSZ")?).ok_or_else(|| Error::line(name, number, "expected an RSS column"))?;
    let vsz = size("VSZ")?.or(size("VSIZE")?);
    let mut labels = Labels::new();
    if let Some(pid) = field("PID") {
        labels.insert("pid".to_string(), pid.to_string());
    }
    if !command.is_empty() {
        labels.insert("command".to_string(), command.clone());
    }
    Ok(Sample { labels, command, rss, vsz })
}
