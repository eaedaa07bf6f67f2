//! Timestamps: parsing the forms exports use and formatting them back for people.
//!
//! Parsing covers RFC 3339 with any offset (`2024-08-15T07:40:00.5+02:00`), the space-separated
//! `YYYY-MM-DD HH:MM:SS[.fff]` (taken as UTC unless an offset follows), and epoch numbers whose
//! unit (s, ms, µs, ns) is told by magnitude. No calendar crate: the civil-date arithmetic is
//! Howard Hinnant's `days_from_civil`, exact for the proleptic Gregorian calendar.
//! Depends on nothing but `std`.

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible Low-Level
/// Date Algorithms").
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    let mut n: i64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some(n)
}

/// Parses a calendar timestamp: `YYYY-MM-DD[T ]HH:MM[:SS[.frac]]` followed by nothing (UTC),
/// `Z`, or an offset `±HH:MM` / `±HHMM` / `±HH`. Returns epoch milliseconds.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let s = text.trim().as_bytes();
    if s.len() < 16 || s[4] != b'-' || s[7] != b'-' || !(s[10] == b'T' || s[10] == b' ' || s[10] == b't') {
        return None;
    }
    let year = digits(&s[0..4])?;
    let month = digits(&s[5..7])? as u32;
    let day = digits(&s[8..10])? as u32;
    let hour = digits(&s[11..13])?;
    if s[13] != b':' {
        return None;
    }
    let minute = digits(&s[14..16])?;
    let mut i = 16;
    let mut second = 0;
    let mut millis = 0;
    if s.get(i) == Some(&b':') {
        second = digits(s.get(i + 1..i + 3)?)?;
        i += 3;
        if matches!(s.get(i), Some(b'.') | Some(b',')) {
            i += 1;
            let start = i;
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
            let frac = &s[start..i];
            if frac.is_empty() {
                return None;
            }
            let mut scaled = 0i64;
            for k in 0..3 {
                scaled = scaled * 10 + frac.get(k).map_or(0, |b| i64::from(b - b'0'));
            }
            millis = scaled;
        }
    }
    if !(1..=12).contains(&month) || day == 0 || day > 31 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let rest = std::str::from_utf8(&s[i..]).ok()?.trim();
    let offset_min = parse_offset(rest)?;
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Some(secs * 1000 + millis)
}

/// Parses a UTC offset: empty, `Z`, `UTC`, `±HH`, `±HHMM`, `±HH:MM`; returns minutes east.
fn parse_offset(text: &str) -> Option<i64> {
    if text.is_empty() || text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let b = text.as_bytes();
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body: Vec<u8> = b[1..].iter().copied().filter(|c| *c != b':').collect();
    let (h, m) = match body.len() {
        2 => (digits(&body)?, 0),
        4 => (digits(&body[0..2])?, digits(&body[2..4])?),
        _ => return None,
    };
    if h > 18 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

/// Interprets an epoch number by magnitude: seconds (< 1e11, i.e. before year 5138),
/// milliseconds (< 1e14), microseconds (< 1e17), else nanoseconds. Returns epoch milliseconds.
pub fn epoch_to_ms(value: f64) -> Option<i64> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let ms = if value < 1e11 {
        value * 1000.0
    } else if value < 1e14 {
        value
    } else if value < 1e17 {
        value / 1000.0
    } else {
        value / 1e6
    };
    if ms > 1e16 {
        return None;
    }
    // `ms` is non-negative: adding one half and truncating rounds half away from zero like
    // `f64::round`, without a libm call; from 2^52 up every f64 is already whole.
    Some(if ms < 4_503_599_627_370_496.0 { (ms + 0.5) as i64 } else { ms as i64 })
}

/// Parses any timestamp form this module knows: a calendar timestamp or an epoch number.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim().trim_matches('"');
    if let Some(ms) = parse_datetime(t) {
        return Some(ms);
    }
    let first = *t.as_bytes().first()?;
    if first.is_ascii_digit() {
        return epoch_to_ms(t.parse::<f64>().ok()?);
    }
    None
}

/// Formats epoch milliseconds as `YYYY-MM-DD HH:MM:SS` shifted by `offset_min` minutes.
pub fn format_datetime(ms: i64, offset_min: i32) -> String {
    let (date, hms) = split(ms, offset_min);
    format!("{date} {hms}")
}

/// Formats epoch milliseconds as `HH:MM` shifted by `offset_min` minutes.
pub fn format_hm(ms: i64, offset_min: i32) -> String {
    let (_, hms) = split(ms, offset_min);
    hms[..5].to_string()
}

/// Formats epoch milliseconds as `YYYY-MM-DD` shifted by `offset_min` minutes.
pub fn format_date(ms: i64, offset_min: i32) -> String {
    split(ms, offset_min).0
}

/// Formats epoch milliseconds as RFC 3339 UTC with whole seconds (`2024-08-15T07:40:00Z`).
pub fn format_rfc3339(ms: i64) -> String {
    let (date, hms) = split(ms, 0);
    format!("{date}T{hms}Z")
}

fn split(ms: i64, offset_min: i32) -> (String, String) {
    let secs = ms.div_euclid(1000) + i64::from(offset_min) * 60;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (format!("{y:04}-{m:02}-{d:02}"), format!("{:02}:{:02}:{:02}", sod / 3600, sod % 3600 / 60, sod % 60))
}

/// Formats a duration in milliseconds the way a person says it: `45 s`, `12 min`, `3.5 h`, `2.1 d`.
pub fn format_duration(ms: f64) -> String {
    let s = ms / 1000.0;
    if !s.is_finite() {
        return "∞".into();
    }
    if s.abs() < 90.0 {
        format!("{s:.0} s")
    } else if s.abs() < 90.0 * 60.0 {
        format!("{:.0} min", s / 60.0)
    } else if s.abs() < 48.0 * 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} d", s / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_950, 47_482, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parses_calendar_forms() {
        let base = 1_723_707_600_000; // 2024-08-15T07:40:00Z
        for text in [
            "2024-08-15T07:40:00Z",
            "2024-08-15T07:40:00.000Z",
            "2024-08-15 07:40:00",
            "2024-08-15T09:40:00+02:00",
            "2024-08-15T02:40:00-0500",
            "2024-08-15T07:40Z",
            " \"2024-08-15T07:40:00Z\" ",
        ] {
            assert_eq!(parse_timestamp(text), Some(base), "{text}");
        }
        assert_eq!(parse_datetime("2024-08-15T07:40:00.25Z"), Some(base + 250));
        assert_eq!(parse_datetime("2024-13-15T07:40:00Z"), None);
        assert_eq!(parse_datetime("2024-08-15T07:40:00 nonsense"), None);
        assert_eq!(parse_datetime("2024-08-15"), None);
    }

    #[test]
    fn epoch_units_by_magnitude() {
        let ms = 1_723_707_600_000i64;
        assert_eq!(parse_timestamp("1723707600"), Some(ms));
        assert_eq!(parse_timestamp("1723707600.5"), Some(ms + 500));
        assert_eq!(parse_timestamp("1723707600000"), Some(ms));
        assert_eq!(parse_timestamp("1723707600000000"), Some(ms));
        assert_eq!(parse_timestamp("1723707600000000000"), Some(ms));
        assert_eq!(parse_timestamp("0"), Some(0));
        assert_eq!(parse_timestamp("-5"), None);
        assert_eq!(parse_timestamp("n/a"), None);
    }

    #[test]
    fn formats() {
        assert_eq!(format_datetime(1_723_707_600_000, 0), "2024-08-15 07:40:00");
        assert_eq!(format_hm(1_723_707_600_000, 120), "09:40");
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_duration(45_000.0), "45 s");
        assert_eq!(format_duration(3.5 * 3_600_000.0), "3.5 h");
    }
}
