//! Evidence collected by hand: process logs, runtime and GC logs.
//!
//! One file per family: `psrecord`, `pidstat -r`, `ps`/`date` loops, `docker stats`, JVM GC
//! logs, Node.js `process.memoryUsage()` logs, Valgrind massif, Kubernetes metrics-server
//! snapshots. This module holds what they share: finding a timestamp at the start of a line
//! (ISO, `date(1)` output, a time of day, an epoch number), turning a time of day into a
//! running clock that advances the day past midnight, the choice of a relative or absolute time
//! axis, and a keyed set of series in first-seen order.
//!
//! Wall-clock times without an offset (pidstat, a bare `HH:MM:SS`) are taken as UTC: the logs do
//! not say which zone they were written in. `date` zone abbreviations with one meaning (`CEST`,
//! `PDT`, ...) and numeric offsets are applied.
//!
//! Depends on the ingest helpers (`time`, `units`), the series model and the error type only;
//! never on analysis or on any web type, and never panics on any text.

pub mod docker;
pub mod jvm;
pub mod k8s;
pub mod massif;
pub mod node;
pub mod pidstat;
pub mod ps;
pub mod psrecord;

use super::time::{days_from_civil, parse_datetime};
use crate::series::{Series, TimeAxis};
use std::collections::HashMap;

/// The time axis and the offset to add to relative milliseconds: epoch when the user gave a
/// start time, relative (ms since the start of the recording) otherwise.
pub fn relative_axis(start_ms: Option<i64>) -> (TimeAxis, i64) {
    match start_ms {
        Some(start) => (TimeAxis::Epoch, start),
        None => (TimeAxis::Relative, 0),
    }
}

/// Series keyed by an identity string, kept in the order their keys were first seen.
#[derive(Default)]
pub struct SeriesSet {
    series: Vec<Series>,
    index: HashMap<String, usize>,
}

impl SeriesSet {
    /// The series for `key`, made by `make` the first time the key is seen.
    pub fn entry(&mut self, key: &str, make: impl FnOnce() -> Series) -> &mut Series {
        let at = match self.index.get(key) {
            Some(&at) => at,
            None => {
                self.series.push(make());
                self.index.insert(key.to_string(), self.series.len() - 1);
                self.series.len() - 1
            }
        };
        &mut self.series[at]
    }

    /// True when no series was made.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Every series, in first-seen order.
    pub fn into_vec(self) -> Vec<Series> {
        self.series
    }
}

/// A time found at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// An absolute time, epoch milliseconds (UTC when the text gave no offset).
    At(i64),
    /// A time without a date: milliseconds since midnight (since January 1st for a year-less
    /// `Aug 15 07:40:00`), placed by the order of the log.
    TimeOfDay(i64),
}

/// Byte ranges of the whitespace-separated tokens of a line.
fn token_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, line.len()));
    }
    spans
}

/// Parses `HH:MM:SS[.fff]` (or `HH:MM`) into milliseconds since midnight.
pub fn parse_time_of_day(text: &str) -> Option<i64> {
    let mut parts = text.split(':');
    let hour: i64 = small_number(parts.next()?, 2)?;
    let minute: i64 = small_number(parts.next()?, 2)?;
    let (second, millis) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = match sec.split_once(['.', ',']) {
                Some((w, f)) => (w, Some(f)),
                None => (sec, None),
            };
            let second = small_number(whole, 2)?;
            let millis = match frac {
                None => 0,
                Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
                    let padded = format!("{f:0<3}");
                    padded.get(..3)?.parse::<i64>().ok()?
                }
                Some(_) => return None,
            };
            (second, millis)
        }
    };
    if parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(((hour * 60 + minute) * 60 + second) * 1000 + millis)
}

fn small_number(text: &str, max_len: usize) -> Option<i64> {
    if text.is_empty() || text.len() > max_len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Applies `AM`/`PM` to a 12-hour time of day (`12:15 AM` is 00:15).
pub fn apply_meridiem(tod_ms: i64, meridiem: &str) -> Option<i64> {
    let hour_ms = 3_600_000;
    let half_day = 12 * hour_ms;
    let hour = tod_ms / hour_ms;
    if !(1..=12).contains(&hour) {
        return None;
    }
    if meridiem.eq_ignore_ascii_case("am") {
        Some(if hour == 12 { tod_ms - half_day } else { tod_ms })
    } else if meridiem.eq_ignore_ascii_case("pm") {
        Some(if hour == 12 { tod_ms } else { tod_ms + half_day })
    } else {
        None
    }
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The month number of an English month name or abbreviation (`Aug`, `August`).
pub fn month_number(text: &str) -> Option<u32> {
    let lower = text.trim_end_matches([',', '.']).to_ascii_lowercase();
    let head = lower.get(..3)?;
    let at = MONTHS.iter().position(|m| *m == head)?;
    let full_names = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = full_names.get(at)?;
    (lower.len() == 3 || lower == "sept" || full.as_bytes() == lower.as_bytes()).then_some(at as u32 + 1)
}

fn is_weekday(text: &str) -> bool {
    let lower = text.trim_end_matches(',').to_ascii_lowercase();
    lower.get(..3).is_some_and(|head| WEEKDAYS.contains(&head)) && lower.len() <= 9
}

/// Zone abbreviations `date` prints, with their offsets in minutes east. `CST` and `IST` name
/// several zones (US Central and China; India, Ireland and Israel): they are taken as UTC.
const ZONES: [(&str, i64); 32] = [
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("CST", 0),
    ("IST", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("EST", -300),
    ("EDT", -240),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("HKT", 480),
    ("SGT", 480),
    ("ACST", 570),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
];

/// A UTC offset token after a time: `+0200`, `-05:00`, `GMT+0200`, `UTC-0500`, or a zone
/// abbreviation from [`ZONES`]. Returns minutes east.
fn zone_offset(token: &str) -> Option<i64> {
    let t = token.trim_end_matches(',');
    let numeric = t.strip_prefix("GMT").or_else(|| t.strip_prefix("UTC")).unwrap_or(t);
    if let Some((_, minutes)) = ZONES.iter().find(|(name, _)| *name == t) {
        return Some(*minutes);
    }
    if numeric.is_empty() {
        return Some(0);
    }
    let sign = match numeric.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = numeric.get(1..)?.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 {
        return None;
    }
    let hours = small_number(digits.get(..2)?, 2)?;
    let minutes = small_number(digits.get(2..)?, 2)?;
    (hours <= 18 && minutes <= 59).then_some(sign * (hours * 60 + minutes))
}

/// Parses `date(1)`-like output at the start of a token list: `Thu Aug 15 07:40:00 UTC 2024`,
/// `Thu 15 Aug 2024 07:40:00 AM UTC`, JavaScript's `Thu Aug 15 2024 07:40:00 GMT+0000`, asctime's
/// `Thu Aug 15 07:40:00 2024`, and the year-less `Aug 15 07:40:00` of syslog and `ts`. Returns the
/// stamp and the number of tokens used. A year-less stamp is a [`Stamp::TimeOfDay`] counted from
/// January 1st (so the log's own order, not a guessed year, places it); a year after the time
/// counts only after a weekday or a zone, so `Aug 15 07:40:00 2048` keeps 2048 as the value.
fn parse_date_output(tokens: &[&str]) -> Option<(Stamp, usize)> {
    let (mut month, mut day, mut year, mut tod) = (None, None, None, None);
    let mut offset_min: Option<i64> = None;
    let mut weekday = false;
    let mut used = 0;
    for (i, token) in tokens.iter().enumerate().take(8) {
        let t = token.trim_end_matches(',');
        let complete = month.is_some() && day.is_some() && tod.is_some();
        if i == 0 && is_weekday(t) {
            weekday = true;
        } else if month.is_none() && tod.is_none() && month_number(t).is_some() {
            month = month_number(t);
        } else if day.is_none() && year.is_none() && tod.is_none() && small_number(t, 2).is_some_and(|d| d >= 1) {
            day = small_number(t, 2);
        } else if year.is_none()
            && month.is_some()
            && t.len() == 4
            && (tod.is_none() || weekday || offset_min.is_some())
            && small_number(t, 4).is_some()
        {
            year = small_number(t, 4);
        } else if tod.is_none() && day.is_some() && t.contains(':') && parse_time_of_day(t).is_some() {
            tod = parse_time_of_day(t);
        } else if tod.is_some() && (t.eq_ignore_ascii_case("am") || t.eq_ignore_ascii_case("pm")) {
            tod = apply_meridiem(tod?, t);
            tod?;
        } else if tod.is_some() && offset_min.is_none() && zone_offset(t).is_some() {
            offset_min = zone_offset(t);
        } else {
            break;
        }
        used = i + 1;
        if complete && year.is_some() {
            // Keep reading only a meridiem or zone that may follow the year or the time.
            let next = tokens.get(i + 1).map(|n| n.trim_end_matches(','));
            let follows = next.is_some_and(|n| {
                n.eq_ignore_ascii_case("am")
                    || n.eq_ignore_ascii_case("pm")
                    || (offset_min.is_none() && zone_offset(n).is_some())
            });
            if !follows {
                break;
            }
        }
    }
    let (month, day, tod) = (month?, day?, tod?);
    if day > 31 {
        return None;
    }
    let offset_ms = offset_min.unwrap_or(0) * 60_000;
    match year {
        Some(year) => Some((Stamp::At(days_from_civil(year, month, day as u32) * 86_400_000 + tod - offset_ms), used)),
        None => {
            let day_of_year = days_from_civil(2000, month, day as u32) - days_from_civil(2000, 1, 1);
            Some((Stamp::TimeOfDay(day_of_year * 86_400_000 + tod - offset_ms), used))
        }
    }
}

/// Finds a timestamp at the start of a line and returns it with the rest of the line.
///
/// Knows ISO 8601 (`2024-08-15T07:40:00Z`, `2024-08-15 07:40:00`), `date(1)` output, a bare
/// time of day `HH:MM:SS[.fff]`, and epoch numbers of 10 digits (seconds, optionally with a
/// fraction) or 13 digits (milliseconds); each optionally in `[...]` and followed by `:` or `,`.
pub fn split_time_prefix(line: &str) -> Option<(Stamp, &str)> {
    let trimmed = line.trim_start();
    if let Some(inner) = trimmed.strip_prefix('[') {
        let close = inner.find(']')?;
        let stamp = whole_stamp(inner.get(..close)?)?;
        let rest = inner.get(close + 1..)?;
        return Some((stamp, rest.trim_start_matches([':', ',', ' ', '\t'])));
    }
    let spans = token_spans(trimmed);
    let tokens: Vec<&str> = spans.iter().filter_map(|&(a, b)| trimmed.get(a..b)).collect();
    let rest_after = |n: usize| rest_after_tokens(trimmed, &spans, n);
    let first = tokens.first()?.trim_end_matches([':', ',']);
    // `2024-08-15 07:40:00[.fff] [offset]`
    if first.len() == 10 {
        if let Some(second) = tokens.get(1) {
            let second = second.trim_end_matches([':', ',']);
            if let Some(ms) = parse_datetime(&format!("{first} {second}")) {
                return Some((Stamp::At(ms), rest_after(2)));
            }
        }
    }
    if let Some(stamp) = single_token_stamp(first) {
        return Some((stamp, rest_after(1)));
    }
    let (stamp, used) = parse_date_output(&tokens)?;
    Some((stamp, rest_after(used)))
}

fn rest_after_tokens<'a>(text: &'a str, spans: &[(usize, usize)], used: usize) -> &'a str {
    used.checked_sub(1)
        .and_then(|last| spans.get(last))
        .and_then(|span| text.get(span.1..))
        .map_or("", |rest| rest.trim_start_matches([':', ',', ' ', '\t']))
}

fn single_token_stamp(token: &str) -> Option<Stamp> {
    if let Some(ms) = parse_datetime(token) {
        return Some(Stamp::At(ms));
    }
    if token.contains(':') {
        return parse_time_of_day(token).map(Stamp::TimeOfDay);
    }
    let (whole, frac) = token.split_once('.').unwrap_or((token, ""));
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match whole.len() {
        10 => {
            let secs: f64 = token.parse().ok()?;
            Some(Stamp::At((secs * 1000.0).round() as i64))
        }
        13 if frac.is_empty() => whole.parse().ok().map(Stamp::At),
        _ => None,
    }
}

/// A text that is nothing but a timestamp (a `date` line, `[...]` contents).
pub fn whole_stamp(text: &str) -> Option<Stamp> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(ms) = parse_datetime(t) {
        return Some(Stamp::At(ms));
    }
    let (stamp, rest) = split_time_prefix_plain(t)?;
    rest.trim().is_empty().then_some(stamp)
}

fn split_time_prefix_plain(text: &str) -> Option<(Stamp, &str)> {
    if text.starts_with('[') {
        return None;
    }
    split_time_prefix(text)
}

/// Turns times of day into a running clock: a time earlier than the previous one is on the
/// next day. Starts on `day_ms` (epoch ms of a midnight) or on day 0 when the date is unknown.
#[derive(Debug, Clone)]
pub struct DayClock {
    day_ms: i64,
    last_tod: Option<i64>,
}

impl DayClock {
    /// A clock starting on the day that begins at `day_ms`.
    pub fn new(day_ms: i64) -> Self {
        DayClock { day_ms, last_tod: None }
    }

    /// The absolute time of a time of day, advancing the day when the clock went backwards.
    pub fn place(&mut self, tod_ms: i64) -> i64 {
        if self.last_tod.is_some_and(|last| tod_ms < last) {
            self.day_ms += 86_400_000;
        }
        self.last_tod = Some(tod_ms);
        self.day_ms + tod_ms
    }
}

/// Places the stamps of one log on a time axis: absolute stamps as they are; times of day on a
/// [`DayClock`], relative to the first of them (absolute when the user gave a start time).
#[derive(Debug, Clone)]
pub struct StampClock {
    day: DayClock,
    first_tod: Option<i64>,
    offset_ms: i64,
    relative: TimeAxis,
}

impl StampClock {
    /// A clock for a log read with the user's start time, if any.
    pub fn new(start_ms: Option<i64>) -> Self {
        let (relative, offset_ms) = relative_axis(start_ms);
        StampClock { day: DayClock::new(0), first_tod: None, offset_ms, relative }
    }

    /// The time of a stamp and the axis it is on.
    pub fn time(&mut self, stamp: Stamp) -> (i64, TimeAxis) {
        match stamp {
            Stamp::At(ms) => (ms, TimeAxis::Epoch),
            Stamp::TimeOfDay(tod) => {
                let placed = self.day.place(tod);
                let first = *self.first_tod.get_or_insert(placed);
                (placed - first + self.offset_ms, self.relative)
            }
        }
    }
}

/// Removes ANSI escape sequences (`docker stats` clears the screen between refreshes).
pub fn strip_ansi(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The 1-based line number of a byte offset.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    1 + text.as_bytes().iter().take(offset).filter(|b| **b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: i64 = 1_723_707_600_000; // 2024-08-15T07:40:00Z

    #[test]
    fn time_prefixes() {
        let cases: &[(&str, Stamp, &str)] = &[
            ("2024-08-15T07:40:00Z 123", Stamp::At(AT), "123"),
            ("2024-08-15 07:40:00 123", Stamp::At(AT), "123"),
            ("2024-08-15T09:40:00+02:00: x", Stamp::At(AT), "x"),
            ("[2024-08-15T07:40:00.000Z] { rss", Stamp::At(AT), "{ rss"),
            ("Thu Aug 15 07:40:00 UTC 2024 123456", Stamp::At(AT), "123456"),
            ("Thu 15 Aug 2024 07:40:00 AM UTC 5", Stamp::At(AT), "5"),
            ("Thu Aug 15 09:40:00 +0200 2024 7", Stamp::At(AT), "7"),
            ("Thu Aug 15 00:40:00 PDT 2024", Stamp::At(AT), ""),
            ("07:40:00 512", Stamp::TimeOfDay(27_600_000), "512"),
            ("1723707600 42", Stamp::At(AT), "42"),
            ("1723707600000 42", Stamp::At(AT), "42"),
            (
                "Thu Aug 15 2024 09:40:00 GMT+0200 (Central European Summer Time) {",
                Stamp::At(AT),
                "(Central European Summer Time) {",
            ),
            ("Thu Aug 15 07:40:00 2024 9", Stamp::At(AT), "9"),
            ("Aug 15 07:40:00 2048", Stamp::TimeOfDay((227 * 24 * 60 + 7 * 60 + 40) * 60_000), "2048"),
        ];
        for (line, stamp, rest) in cases {
            assert_eq!(split_time_prefix(line), Some((*stamp, *rest)), "{line}");
        }
        assert_eq!(split_time_prefix("0.000 1.0 2.0"), None);
        assert_eq!(split_time_prefix("hello 12"), None);
        assert_eq!(whole_stamp("Thu Aug 15 07:40:00 UTC 2024"), Some(Stamp::At(AT)));
        assert_eq!(whole_stamp("Thu Aug 15 07:40:00 UTC 2024 1"), None);
    }

    #[test]
    fn clock_wraps_past_midnight() {
        let mut clock = DayClock::new(0);
        assert_eq!(clock.place(parse_time_of_day("23:59:50").unwrap()), 86_390_000);
        assert_eq!(clock.place(parse_time_of_day("00:00:10").unwrap()), 86_410_000);
        assert_eq!(apply_meridiem(parse_time_of_day("12:15:29").unwrap(), "AM"), Some(929_000));
        assert_eq!(apply_meridiem(parse_time_of_day("03:04:05").unwrap(), "PM"), parse_time_of_day("15:04:05"));
    }

    #[test]
    fn ansi_is_stripped() {
        assert_eq!(strip_ansi("\u{1b}[2J\u{1b}[HNAME"), "NAME");
    }
}
