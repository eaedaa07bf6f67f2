//! `pidstat -r` output (sysstat): a `Linux 5.x (host)  08/15/2024  _x86_64_  (4 CPU)` banner,
//! then header and data rows: a time (`03:04:05 PM`, `15:04:05`, or epoch seconds with `-H`),
//! `UID`/`USER`, `PID` (or `TGID`/`TID` with `-t`, whose thread rows are skipped), fault rates,
//! `VSZ` and `RSS` in KiB (or `13.6G`-style sizes with `--human`), `%MEM` and the command (with
//! spaces under `-l`).
//!
//! The date comes from the banner (`MM/DD/YYYY`, `MM/DD/YY`, `DD/MM/YYYY` when the day is over
//! 12, `YYYY-MM-DD`, `DD.MM.YYYY`); times earlier than the previous one are on the next day.
//! Without a banner the time is relative to the first row. `Average:` rows and sections of other
//! activities (`-u`, `-d`) are skipped. One RSS series per process, then one VSZ series each.
//! Times are wall-clock as printed, taken as UTC.
//!
//! Depends on the shared log helpers only; never on analysis or a web type.

use super::{apply_meridiem, parse_time_of_day, relative_axis, DayClock, SeriesSet};
use crate::error::{Error, Result};
use crate::ingest::time::days_from_civil;
use crate::ingest::{Format, Input};
use crate::series::{display_name, Labels, Series, TimeAxis, Unit};

/// The `pidstat -r` format.
pub static PIDSTAT: Format = Format { id: "pidstat", label: "pidstat -r", reads_only_the_tree: false, sniff, parse };

fn is_banner(line: &str) -> bool {
    let t = line.trim_start();
    (t.starts_with("Linux ") || t.starts_with("Darwin ") || t.starts_with("FreeBSD ")) && t.contains("CPU)")
}

/// The columns of a pidstat header line, without the leading `#` and time, when it is one.
fn header_columns(line: &str) -> Option<Vec<String>> {
    let body = line.trim().trim_start_matches('#');
    let tokens: Vec<&str> = body.split_whitespace().collect();
    let first = tokens.iter().position(|t| matches!(*t, "UID" | "USER" | "TGID" | "PID"))?;
    let columns: Vec<String> = tokens.get(first..)?.iter().map(|t| t.to_string()).collect();
    columns.iter().any(|c| c == "PID" || c == "TGID").then_some(columns)
}

fn sniff(input: &Input) -> bool {
    let head = input.head();
    let mut lines = head.lines().filter(|l| !l.trim().is_empty());
    let banner = lines.clone().next().is_some_and(is_banner);
    let rss_header = lines.any(|l| header_columns(l).is_some_and(|c| c.iter().any(|c| c == "RSS")));
    rss_header && (banner || head.contains("minflt/s"))
}

/// The date in a banner: epoch ms of its midnight.
fn banner_date(line: &str) -> Option<i64> {
    line.split_whitespace().find_map(parse_date)
}

fn parse_date(token: &str) -> Option<i64> {
    let number = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
    };
    let parts: Vec<&str> = token.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let (a_n, b_n, c_n) = (number(a)?, number(b)?, number(c)?);
    let (year, month, day) = if a.len() == 4 {
        (a_n, b_n, c_n)
    } else if token.contains('.') || (token.contains('/') && a_n > 12) {
        (c_n, b_n, a_n)
    } else if token.contains('/') {
        (c_n, a_n, b_n)
    } else {
        return None;
    };
    let year = match (c.len(), a.len()) {
        (2, l) if l != 4 => 2000 + year,
        (4, _) | (_, 4) => year,
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month as u32, day as u32) * 86_400_000)
}

/// A size as pidstat prints it: KiB, or a number with `k`/`M`/`G`/`T` under `--human`.
fn size_bytes(text: &str) -> Option<f64> {
    let (number, factor) = match text.char_indices().last()? {
        (i, 'B') => (text.get(..i)?, 1.0),
        (i, 'k' | 'K') => (text.get(..i)?, 1024.0),
        (i, 'M') => (text.get(..i)?, 1024f64.powi(2)),
        (i, 'G') => (text.get(..i)?, 1024f64.powi(3)),
        (i, 'T') => (text.get(..i)?, 1024f64.powi(4)),
        (i, 'P') => (text.get(..i)?, 1024f64.powi(5)),
        _ => (text, 1024.0),
    };
    let value: f64 = number.parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some(value * factor)
}

struct Row {
    time_ms: i64,
    absolute: bool,
}

fn parse(input: &Input) -> Result<Vec<Series>> {
    let mut rss = SeriesSet::default();
    let mut vsz = SeriesSet::default();
    let mut columns: Option<Vec<String>> = None;
    let mut clock: Option<DayClock> = None;
    let mut undated = DayClock::new(0);
    let mut first_undated: Option<i64> = None;
    let (relative, offset_ms) = relative_axis(input.options.start_ms);
    let mut saw_rss_header = false;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with("Average") {
            continue;
        }
        if is_banner(line) {
            clock = banner_date(line).map(DayClock::new);
            continue;
        }
        if let Some(found) = header_columns(line) {
            let has_rss = found.iter().any(|c| c == "RSS");
            saw_rss_header |= has_rss;
            columns = has_rss.then_some(found);
            continue;
        }
        let Some(columns) = &columns else { continue };
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let first = tokens.first().copied().unwrap_or("");
        let (row, used) = if first.contains(':') {
            let tod = parse_time_of_day(first)
                .ok_or_else(|| Error::line(input.name, number, format!("expected a time, found \"{first}\"")))?;
            let (tod, used) = match tokens.get(1) {
                Some(m) if m.eq_ignore_ascii_case("am") || m.eq_ignore_ascii_case("pm") => {
                    let tod = apply_meridiem(tod, m).ok_or_else(|| {
                        Error::line(
                            input.name,
                            number,
                            format!("expected a 12-hour time before {m}, found \"{first}\""),
                        )
                    })?;
                    (tod, 2)
                }
                _ => (tod, 1),
            };
            match clock.as_mut() {
                Some(clock) => (Row { time_ms: clock.place(tod), absolute: true }, used),
                None => {
                    let placed = undated.place(tod);
                    let start = *first_undated.get_or_insert(placed);
                    (Row { time_ms: placed - start + offset_ms, absolute: false }, used)
                }
            }
        } else if first.len() >= 9 && first.bytes().all(|b| b.is_ascii_digit()) {
            let secs: i64 = first
                .parse()
                .map_err(|_| Error::line(input.name, number, format!("expected epoch seconds, found \"{first}\"")))?;
            (Row { time_ms: secs.saturating_mul(1000), absolute: true }, 1)
        } else {
            return Err(Error::line(
                input.name,
                number,
                format!("expected a row starting with a time (HH:MM:SS or epoch seconds), found \"{first}\""),
            ));
        };
        let fields = tokens.get(used..).unwrap_or(&[]);
        if fields.len() < columns.len() {
            return Err(Error::line(
                input.name,
                number,
                format!("expected {} columns after the time, found {}", columns.len(), fields.len()),
            ));
        }
        let field = |name: &str| columns.iter().position(|c| c == name).and_then(|at| fields.get(at)).copied();
        let command = match columns.iter().position(|c| c == "Command") {
            Some(at) => fields.get(at..).map(|rest| rest.join(" ")).unwrap_or_default(),
            None => String::new(),
        };
        if field("TGID") == Some("-") {
            // A thread row under `-t`: threads share their process's memory, already counted.
            continue;
        }
        let pid = field("PID").or(field("TGID")).unwrap_or("");
        let tid = field("TID").filter(|t| *t != "-" && *t != "0");
        let mut labels = Labels::new();
        labels.insert("pid".to_string(), pid.to_string());
        if let Some(tid) = tid {
            labels.insert("tid".to_string(), tid.to_string());
        }
        if !command.is_empty() {
            labels.insert("command".to_string(), command.clone());
        }
        let key = format!("{pid}\u{0}{}\u{0}{command}", tid.unwrap_or(""));
        let axis = if row.absolute { TimeAxis::Epoch } else { relative };
        for (set, measure) in [(&mut rss, "RSS"), (&mut vsz, "VSZ")] {
            let Some(text) = field(measure) else { continue };
            let bytes = size_bytes(text).ok_or_else(|| {
                Error::line(input.name, number, format!("expected a size in KiB in column {measure}, found \"{text}\""))
            })?;
            let lower = measure.to_ascii_lowercase();
            let series = set.entry(&key, || {
                let mut s = Series::new(display_name(&lower, &labels), Unit::Bytes);
                s.labels = labels.clone();
                s.labels.insert("measure".into(), lower.clone());
                s.time_axis = axis;
                s
            });
            series.push(row.time_ms, bytes);
        }
    }
    if !saw_rss_header {
        return Err(Error::file(input.name, "no pidstat -r section: expected a header with PID and RSS columns"));
    }
    let mut out = rss.into_vec();
    out.extend(vsz.into_vec());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_dates() {
        let day = days_from_civil(2024, 8, 15) * 86_400_000;
        for text in ["08/15/2024", "08/15/24", "15/08/2024", "2024-08-15", "15.08.2024"] {
            assert_eq!(parse_date(text), Some(day), "{text}");
        }
        assert_eq!(banner_date("Linux 5.10.0 (host) \t08/15/2024 \t_x86_64_\t(4 CPU)"), Some(day));
        assert_eq!(parse_date("5.10.0"), None);
        assert_eq!(size_bytes("7.4G"), Some(7.4 * 1024f64.powi(3)));
        assert_eq!(size_bytes("80"), Some(80.0 * 1024.0));
    }
}
