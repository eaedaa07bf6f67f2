//! Generic delimited text: `timestamp,value` and its many relatives.
//!
//! Finds the delimiter (`,` `;` tab, or a leading `sep=` line), whether a header row is present,
//! the time column (by name, else by content) and every numeric value column, with units from
//! the header (`rss (MiB)`, `mem_bytes`) or from the values (`1.5 GiB`), a decimal comma when the
//! delimiter is not a comma, and `null`/empty/`NaN` as missing. Each value column becomes one
//! [`Series`]. Depends on the `csv` crate and the ingest helpers only.

use super::time::parse_timestamp;
use super::units::{parse_quantity, unit_in_name};
use super::{Format, Input};
use crate::error::{Error, Result};
use crate::series::{Series, Unit};

/// The generic CSV/TSV format.
pub static GENERIC_CSV: Format = Format { id: "generic-csv", label: "CSV", sniff: sniff_generic, parse: parse_generic };

/// Cell texts that mean "no value".
pub fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty()
        || c.eq_ignore_ascii_case("null")
        || c.eq_ignore_ascii_case("nan")
        || c.eq_ignore_ascii_case("none")
        || c.eq_ignore_ascii_case("n/a")
        || c == "-"
        || c.eq_ignore_ascii_case("undefined")
}

/// The dialect of a delimited text: its delimiter, where the records start, and the number format.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// The field delimiter.
    pub delimiter: u8,
    /// Byte offset where records start (after a `sep=` line).
    pub body_offset: usize,
    /// 1-based line number of the first record.
    pub first_line: usize,
}

/// Finds the delimiter of a delimited text from its first lines; `None` if no line has one.
pub fn sniff_dialect(text: &str) -> Option<Dialect> {
    let mut body_offset = 0;
    let mut first_line = 1;
    let mut forced = None;
    if let Some(first) = text.lines().next() {
        let trimmed = first.trim().trim_matches('"');
        if let Some(sep) = trimmed.strip_prefix("sep=") {
            let sep = if sep == "\\t" { "\t" } else { sep };
            if sep.len() == 1 {
                forced = Some(sep.as_bytes()[0]);
                body_offset = first.len() + 1;
                first_line = 2;
            }
        }
    }
    let body = text.get(body_offset.min(text.len())..).unwrap_or("");
    if let Some(delimiter) = forced {
        return Some(Dialect { delimiter, body_offset: body_offset.min(text.len()), first_line });
    }
    let lines: Vec<&str> = body.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let mut best: Option<(u8, usize)> = None;
    for delimiter in [b'\t', b';', b','] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, delimiter)).collect();
        let Some(&min) = counts.iter().min() else { continue };
        if min == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == counts[counts.len() - 1]).count();
        if best.is_none_or(|(_, score)| consistent > score) {
            best = Some((delimiter, consistent));
        }
    }
    best.map(|(delimiter, _)| Dialect { delimiter, body_offset, first_line })
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

fn sniff_generic(input: &Input) -> bool {
    !matches!(input.first_char(), Some('{') | Some('[')) && sniff_dialect(input.head()).is_some()
}

/// Names that mark a time column.
fn is_time_name(name: &str) -> bool {
    let n = name.trim().trim_matches('"').to_ascii_lowercase();
    matches!(
        n.as_str(),
        "time"
            | "timestamp"
            | "date"
            | "datetime"
            | "ts"
            | "_time"
            | "t"
            | "epoch"
            | "date/time"
            | "time (utc)"
            | "unix"
    ) || n.starts_with("time ")
        || n.starts_with("timestamp")
}

/// Reads all records of a delimited body with line numbers.
pub fn read_records(input: &Input, dialect: Dialect) -> Result<Vec<(usize, csv::StringRecord)>> {
    let body = input.text.get(dialect.body_offset..).unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = dialect.first_line + record.position().map_or(0, |p| p.line() as usize - 1);
                if record.iter().all(|c| c.is_empty()) {
                    continue;
                }
                out.push((line, record.clone()));
            }
            Ok(false) => break,
            Err(e) => {
                let line = dialect.first_line + e.position().map_or(0, |p| p.line() as usize - 1);
                return Err(Error::line(input.name, line, format!("unreadable delimited text: {e}")));
            }
        }
    }
    Ok(out)
}

fn parse_generic(input: &Input) -> Result<Vec<Series>> {
    let dialect = sniff_dialect(input.text)
        .ok_or_else(|| Error::line(input.name, 1, "expected delimited text (comma, semicolon or tab)"))?;
    let records = read_records(input, dialect)?;
    let Some((first_line, first)) = records.first() else {
        return Err(Error::file(input.name, "no rows: expected a header and data rows"));
    };
    // A header row is one whose cells are not all timestamps or numbers.
    let has_header =
        first.iter().any(|c| !is_missing(c) && parse_quantity(c, true).is_none() && parse_timestamp(c).is_none());
    let headers: Vec<String> = if has_header {
        first.iter().map(|h| h.trim().to_string()).collect()
    } else {
        (0..first.len()).map(|i| if i == 0 { "time".to_string() } else { format!("value{i}") }).collect()
    };
    let data = if has_header { &records[1..] } else { &records[..] };
    if data.is_empty() {
        return Err(Error::line(input.name, *first_line, "a header but no data rows"));
    }
    let sample: Vec<&csv::StringRecord> = data.iter().take(50).map(|(_, r)| r).collect();
    let time_col = headers
        .iter()
        .position(|h| is_time_name(h))
        .or_else(|| {
            (0..headers.len()).find(|&c| {
                let cells: Vec<&str> = sample.iter().filter_map(|r| r.get(c)).filter(|v| !is_missing(v)).collect();
                !cells.is_empty() && cells.iter().all(|v| looks_like_time(v))
            })
        })
        .ok_or_else(|| {
            Error::line(
                input.name,
                *first_line,
                "no time column: expected a column named time/timestamp/date, or one holding RFC 3339, \
                 YYYY-MM-DD HH:MM:SS or epoch timestamps",
            )
        })?;
    let decimal_comma = dialect.delimiter != b','
        && sample.iter().any(|r| r.iter().enumerate().any(|(c, v)| c != time_col && is_decimal_comma(v)));
    let limit_col = headers.iter().position(|h| is_limit_name(h)).filter(|&c| c != time_col);
    let value_cols: Vec<usize> = (0..headers.len())
        .filter(|&c| c != time_col && Some(c) != limit_col)
        .filter(|&c| {
            let cells: Vec<&str> = sample.iter().filter_map(|r| r.get(c)).filter(|v| !is_missing(v)).collect();
            let numeric = cells.iter().filter(|v| parse_quantity(v, decimal_comma).is_some()).count();
            numeric > 0 && numeric * 2 >= cells.len()
        })
        .collect();
    if value_cols.is_empty() {
        return Err(Error::line(
            input.name,
            *first_line,
            format!(
                "no numeric column: expected at least one column of numbers besides the time column \"{}\"",
                headers.get(time_col).map_or("", |h| h.as_str())
            ),
        ));
    }
    let mut series: Vec<Series> = value_cols
        .iter()
        .map(|&c| {
            let header = headers.get(c).cloned().unwrap_or_default();
            let mut s = Series::new(
                if header.is_empty() { format!("column {}", c + 1) } else { header.clone() },
                Unit::Unknown,
            );
            if value_cols.len() > 1 {
                s.labels.insert("column".into(), header);
            }
            s.times_ms.reserve(data.len());
            s.values.reserve(data.len());
            s
        })
        .collect();
    let header_factor: Vec<Option<(f64, Unit)>> =
        value_cols.iter().map(|&c| headers.get(c).and_then(|h| unit_in_name(h))).collect();
    let mut limit: Option<f64> = None;
    for (line, record) in data {
        if let Some(c) = limit_col {
            let factor = headers.get(c).and_then(|h| unit_in_name(h)).map_or(1.0, |u| u.0);
            if let Some((value, unit)) =
                record.get(c).filter(|v| !is_missing(v)).and_then(|v| parse_quantity(v, decimal_comma))
            {
                let value = if unit == Unit::Unknown { value * factor } else { value };
                if value.is_finite() && value > 0.0 {
                    limit = Some(limit.map_or(value, |l: f64| l.max(value)));
                }
            }
        }
        let time_text = record.get(time_col).unwrap_or("");
        if is_missing(time_text) {
            continue;
        }
        let time_ms = parse_timestamp(time_text).ok_or_else(|| {
            Error::line(
                input.name,
                *line,
                format!(
                    "expected a timestamp in column \"{}\" (RFC 3339, YYYY-MM-DD HH:MM:SS or epoch), found \"{}\"",
                    headers.get(time_col).map_or("", |h| h.as_str()),
                    clip(time_text)
                ),
            )
        })?;
        for (k, &c) in value_cols.iter().enumerate() {
            let cell = record.get(c).unwrap_or("");
            if is_missing(cell) {
                continue;
            }
            let (mut value, unit) = parse_quantity(cell, decimal_comma).ok_or_else(|| {
                Error::line(
                    input.name,
                    *line,
                    format!(
                        "expected a number in column \"{}\", found \"{}\"",
                        headers.get(c).map_or("", |h| h.as_str()),
                        clip(cell)
                    ),
                )
            })?;
            let s = &mut series[k];
            match (&unit, &header_factor[k]) {
                (Unit::Unknown, Some((factor, header_unit))) => {
                    value *= factor;
                    s.unit = header_unit.clone();
                }
                (Unit::Unknown, None) => {}
                (u, _) => s.unit = u.clone(),
            }
            s.push(time_ms, value);
        }
    }
    for s in &mut series {
        s.limit = limit;
    }
    Ok(series)
}

/// Names of a column that holds the memory limit rather than a series.
fn is_limit_name(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n == "limit"
        || n.starts_with("limit ")
        || n.starts_with("limit_")
        || n.ends_with("_limit")
        || n.ends_with(" limit")
        || n.contains("limit_bytes")
        || n.starts_with("mem_limit")
}

fn looks_like_time(cell: &str) -> bool {
    let c = cell.trim().trim_matches('"');
    if super::time::parse_datetime(c).is_some() {
        return true;
    }
    // Epoch numbers: integers (or decimals) of 9+ digits before the point: 1973 onwards in
    // seconds, or any millisecond/µs/ns epoch.
    let int_part = c.split('.').next().unwrap_or("");
    int_part.len() >= 9 && int_part.bytes().all(|b| b.is_ascii_digit()) && parse_timestamp(c).is_some()
}

fn is_decimal_comma(cell: &str) -> bool {
    let c = cell.trim();
    let mut parts = c.splitn(2, ',');
    let (Some(a), Some(b)) = (parts.next(), parts.next()) else { return false };
    !a.is_empty()
        && a.trim_start_matches('-').bytes().all(|x| x.is_ascii_digit())
        && !b.is_empty()
        && b.bytes().take_while(|x| x.is_ascii_digit()).count() > 0
        && !b.contains(',')
}

/// Shortens a cell for an error message.
pub fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse, IngestOptions};
    use crate::series::Unit;

    fn p(text: &str) -> crate::error::Result<crate::ingest::Parsed> {
        parse("t.csv", text.as_bytes(), &IngestOptions::default())
    }

    #[test]
    fn dialects() {
        let cases = [
            "timestamp,value\n2024-08-15T07:00:00Z,1\n2024-08-15T07:01:00Z,2\n",
            "time;value\n1723705200;1\n1723705260;2\n",
            "time\tvalue\n1723705200000\t1\n1723705260000\t2\n",
            "sep=;\ntime;value\n1723705200;1\n1723705260;2\n",
            "1723705200,1\n1723705260,2\n",
            "\"Time\",\"value\"\r\n\"2024-08-15 07:00:00\",1\r\n\"2024-08-15 07:01:00\",2",
        ];
        for text in cases {
            let parsed = p(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.series.len(), 1, "{text}");
            assert_eq!(parsed.series[0].values, vec![1.0, 2.0], "{text}");
            assert_eq!(parsed.series[0].times_ms, vec![1_723_705_200_000, 1_723_705_260_000], "{text}");
        }
    }

    #[test]
    fn units_and_decimal_comma_and_missing() {
        let parsed = p("time;rss (MiB);cpu\n1723705200;1,5;null\n1723705260;2,5;3\n").unwrap();
        assert_eq!(parsed.series.len(), 2);
        assert_eq!(parsed.series[0].unit, Unit::Bytes);
        assert_eq!(parsed.series[0].values, vec![1.5 * 1048576.0, 2.5 * 1048576.0]);
        assert_eq!(parsed.series[1].values, vec![3.0]);
        let parsed = p("time,mem\n1723705200,1 GiB\n1723705260,1.5 GiB\n").unwrap();
        assert_eq!(parsed.series[0].unit, Unit::Bytes);
        assert_eq!(parsed.series[0].values[1], 1.5 * 1024f64.powi(3));
    }

    #[test]
    fn errors_name_line_and_expectation() {
        let e = p("time,value\n1723705200,1\n1723705260,n/a2\n").unwrap_err().to_string();
        assert_eq!(e, "t.csv:3: expected a number in column \"value\", found \"n/a2\"");
        let e = p("name,value\nfoo,1\nbar,2\n").unwrap_err().to_string();
        assert!(e.starts_with("t.csv:1: no time column"), "{e}");
        let e = p("time,host\n1723705200,a\n1723705260,b\n").unwrap_err().to_string();
        assert!(e.starts_with("t.csv:1: no numeric column"), "{e}");
        let e = p("time,value\n1723705200,1\nyesterday,2\n").unwrap_err().to_string();
        assert!(e.starts_with("t.csv:3: expected a timestamp in column \"time\""), "{e}");
    }
}
