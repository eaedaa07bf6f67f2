//! Generic delimited text: `timestamp,value` and its many relatives.
//!
//! Finds the delimiter (`,` `;` tab, or a leading `sep=` line), whether a header row is present,
//! the time column (by name, else by content) and every numeric value column, with units from
//! the header (`rss (MiB)`, `mem_bytes`) or from the values (`1.5 GiB`), a decimal comma when the
//! delimiter is not a comma, and `null`/empty/`NaN` as missing. Each value column becomes one
//! [`Series`]. Depends on the `csv` crate and the ingest helpers only.

use super::time::parse_timestamp;
use super::units::{parse_plain_decimal, parse_quantity, unit_in_name};
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

fn parse_generic(input: &Input) -> Result<Vec<Series>> {
    parse_delimited(input)
}

/// How one column of a delimited text is read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Time,
    Value,
    Limit,
    /// Text that tells series apart (a `series`, `pod` or `metric` column in a long table).
    Label,
    Ignored,
}

/// Reads any delimited text this module understands into series: wide tables (one column per
/// series), long tables (a text column naming the series: Grafana ≤6 "series as rows", pandas
/// exports) or both. Streams the rows: only the first 50 are held to decide the columns' roles.
///
/// # Errors
/// An error naming the line and the column when a row has an unreadable time or value, or when
/// the table has no time column or no numeric column.
pub fn parse_delimited(input: &Input) -> Result<Vec<Series>> {
    let dialect = sniff_dialect(input.text)
        .ok_or_else(|| Error::line(input.name, 1, "expected delimited text (comma, semicolon or tab)"))?;
    let body = input.text.get(dialect.body_offset..).unwrap_or("");
    let new_reader = || {
        csv::ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes())
    };
    let mut reader = new_reader();
    let line_of = |pos: Option<&csv::Position>| dialect.first_line + pos.map_or(0, |p| p.line() as usize - 1);
    let mut record = csv::ByteRecord::new();
    let read = |reader: &mut csv::Reader<&[u8]>, record: &mut csv::ByteRecord| -> Result<Option<usize>> {
        loop {
            match reader.read_byte_record(record) {
                Ok(true) => {
                    if record.iter().all(|c| c.iter().all(|b| b.is_ascii_whitespace())) {
                        continue;
                    }
                    return Ok(Some(line_of(record.position())));
                }
                Ok(false) => return Ok(None),
                Err(e) => {
                    return Err(Error::line(
                        input.name,
                        line_of(e.position()),
                        format!("unreadable delimited text: {e}"),
                    ))
                }
            }
        }
    };
    // The head: up to 51 records, enough to tell a header and the columns' roles. Its rows are
    // not kept: each column's evidence is gathered as they pass (a wide table's rows are a
    // megabyte each), and they are read again below.
    let Some(first_line) = read(&mut reader, &mut record)? else {
        return Err(Error::file(input.name, "no rows: expected a header and data rows"));
    };
    // A header row is one whose cells are not all timestamps or numbers.
    let has_header = (0..record.len())
        .map(|c| cell(&record, c))
        .any(|c| !is_missing(c) && parse_quantity(c, true).is_none() && parse_timestamp(c).is_none());
    let mut headers: Vec<String> =
        if has_header { (0..record.len()).map(|c| cell(&record, c).to_string()).collect() } else { Vec::new() };
    // Without a header the columns are named `time`, `value1`, ...: the first holds the time.
    let named_time_col = if has_header { headers.iter().position(|h| is_time_name(h)) } else { Some(0) };
    let mut gather = HeadEvidence {
        columns: Vec::new(),
        find_time: named_time_col.is_none(),
        decimal_comma_possible: dialect.delimiter != b',',
        keep_texts: has_header,
    };
    let mut head_len = 1;
    let mut head_bytes = record.as_slice().len() + record.len();
    let mut width = record.len();
    if !has_header {
        gather.add_row(&record);
    }
    while head_len < 51 {
        if read(&mut reader, &mut record)?.is_none() {
            break;
        }
        head_len += 1;
        head_bytes += record.as_slice().len() + record.len();
        width = width.max(record.len());
        gather.add_row(&record);
    }
    if has_header {
        headers.resize(width, String::new());
    } else {
        headers = (0..width).map(|i| if i == 0 { "time".to_string() } else { format!("value{i}") }).collect();
    }
    let data_start = usize::from(has_header);
    if head_len <= data_start {
        return Err(Error::line(input.name, first_line, "a header but no data rows"));
    }
    let evidence = gather.columns;
    let no_evidence = ColumnEvidence::default();
    let evidence_of = |c: usize| evidence.get(c).unwrap_or(&no_evidence);
    let time_col = named_time_col
        .or_else(|| (0..width).find(|&c| evidence_of(c).present > 0 && !evidence_of(c).not_time))
        .ok_or_else(|| {
            Error::line(
                input.name,
                first_line,
                "no time column: expected a column named time/timestamp/date, or one holding RFC 3339, \
                 YYYY-MM-DD HH:MM:SS or epoch timestamps",
            )
        })?;
    let decimal_comma =
        dialect.delimiter != b',' && evidence.iter().enumerate().any(|(c, e)| c != time_col && e.decimal_comma);
    let limit_col = headers.iter().position(|h| is_limit_name(h)).filter(|&c| c != time_col);
    let roles: Vec<Role> = (0..width)
        .map(|c| {
            if c == time_col {
                return Role::Time;
            }
            if Some(c) == limit_col {
                return Role::Limit;
            }
            let e = evidence_of(c);
            let numeric = if decimal_comma { e.numbers_comma } else { e.numbers };
            if numeric > 0 && numeric * 2 >= e.present {
                // A pandas index: an unnamed first column counting rows.
                if c == 0 && headers[c].is_empty() && has_header {
                    return Role::Ignored;
                }
                Role::Value
            } else if numeric == 0 && e.present > 0 && has_header && is_label_column(&headers[c], &e.texts) {
                Role::Label
            } else {
                Role::Ignored
            }
        })
        .collect();
    drop(evidence);
    let value_cols: Vec<usize> = (0..width).filter(|&c| roles[c] == Role::Value).collect();
    let label_cols: Vec<usize> = (0..width).filter(|&c| roles[c] == Role::Label).collect();
    if value_cols.is_empty() {
        return Err(Error::line(
            input.name,
            first_line,
            format!(
                "no numeric column: expected at least one column of numbers besides the time column \"{}\"",
                headers.get(time_col).map_or("", |h| h.as_str())
            ),
        ));
    }
    let header_factor: Vec<Option<(f64, Unit)>> =
        value_cols.iter().map(|&c| headers.get(c).and_then(|h| unit_in_name(h))).collect();
    let limit_factor = limit_col.and_then(|c| headers.get(c)).and_then(|h| unit_in_name(h)).map_or(1.0, |u| u.0);
    // Rows expected from the head's average row length, so each series grows once.
    let expected_rows = (body.len() / (head_bytes / head_len).max(1))
        // At most twice the input's size reserved in all, whatever the head suggested.
        .min(2 * body.len() / (16 * width.max(1)));
    // The head's rows are read again, now into series.
    let mut reader = new_reader();
    for _ in 0..data_start {
        read(&mut reader, &mut record)?;
    }
    let mut table = Table {
        expected_rows,
        input,
        headers: &headers,
        time_col,
        value_cols: &value_cols,
        label_cols: &label_cols,
        limit_col,
        limit_factor,
        header_factor: &header_factor,
        decimal_comma,
        groups: std::collections::HashMap::new(),
        // A wide table's series are known from its header: one per value column, allocated once.
        series: Vec::with_capacity(if label_cols.is_empty() { value_cols.len() } else { 0 }),
        limit: None,
    };
    for _ in data_start..head_len {
        if let Some(line) = read(&mut reader, &mut record)? {
            table.row(line, &record)?;
        }
    }
    if head_len == 51 {
        let position = reader.position().clone();
        let rest = body.as_bytes().get(position.byte() as usize..).unwrap_or(&[]);
        if rest.contains(&b'"') {
            while let Some(line) = read(&mut reader, &mut record)? {
                table.row(line, &record)?;
            }
        } else {
            // No quotes: fields are the bytes between delimiters, split in one pass.
            split_unquoted(rest, dialect.delimiter, line_of(Some(&position)), |line, fields| table.row(line, fields))?;
        }
    }
    let limit = table.limit;
    let mut series = table.series;
    for s in &mut series {
        s.limit = limit;
    }
    super::name_by_differences(&mut series);
    Ok(series)
}

/// What the head's sample rows show about one column, gathered row by row.
#[derive(Default)]
struct ColumnEvidence {
    /// Cells not missing.
    present: usize,
    /// Cells that read as a number (with a unit or not) with a decimal point.
    numbers: usize,
    /// Cells that read as a number with a decimal comma.
    numbers_comma: usize,
    /// Some present cell does not look like a timestamp (only checked while looking for the
    /// time column by content).
    not_time: bool,
    /// Some cell is a number with a decimal comma (`1,5`).
    decimal_comma: bool,
    /// The present cells, kept only while they may yet decide a label column (no number seen
    /// under one of the two decimal separators).
    texts: Vec<String>,
}

/// The evidence of every column of the head, and what is worth gathering.
struct HeadEvidence {
    columns: Vec<ColumnEvidence>,
    /// No header names the time column: check which cells look like timestamps.
    find_time: bool,
    /// The delimiter is not a comma, so numbers may have a decimal comma.
    decimal_comma_possible: bool,
    /// The table has a header, so a text column may name series.
    keep_texts: bool,
}

impl HeadEvidence {
    fn add_row<R: Fields + ?Sized>(&mut self, row: &R) {
        let mut c = 0;
        while let Some(bytes) = row.field(c) {
            if self.columns.len() <= c {
                self.columns.push(ColumnEvidence::default());
            }
            let Some(e) = self.columns.get_mut(c) else { break };
            c += 1;
            let text = std::str::from_utf8(bytes).unwrap_or("").trim();
            if self.decimal_comma_possible && is_decimal_comma(text) {
                e.decimal_comma = true;
            }
            if is_missing(text) {
                continue;
            }
            e.present += 1;
            if self.find_time && !e.not_time && !looks_like_time(text) {
                e.not_time = true;
            }
            let number = parse_quantity(text, false).is_some();
            let number_comma = if self.decimal_comma_possible { parse_quantity(text, true).is_some() } else { number };
            e.numbers += usize::from(number);
            e.numbers_comma += usize::from(number_comma);
            if e.numbers > 0 && e.numbers_comma > 0 {
                e.texts = Vec::new();
            } else if self.keep_texts {
                e.texts.push(text.to_string());
            }
        }
    }
}

/// A row's fields, from the `csv` reader or from the quote-free fast path.
trait Fields {
    /// The bytes of field `i`, if the row has it.
    fn field(&self, i: usize) -> Option<&[u8]>;
}

impl Fields for csv::ByteRecord {
    fn field(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }
}

impl Fields for [&[u8]] {
    fn field(&self, i: usize) -> Option<&[u8]> {
        self.get(i).copied()
    }
}

/// Splits quote-free delimited bytes into rows of fields, with the `csv` crate's terminators
/// (`\n`, `\r\n`, or a lone `\r`), skipping blank rows; `first_line` numbers the first row.
fn split_unquoted<'b>(
    bytes: &'b [u8],
    delimiter: u8,
    first_line: usize,
    mut on_row: impl FnMut(usize, &[&'b [u8]]) -> Result<()>,
) -> Result<()> {
    let mut fields: Vec<&'b [u8]> = Vec::new();
    let mut line = first_line;
    let mut start = 0;
    let mut emit = |line: usize, fields: &mut Vec<&'b [u8]>| -> Result<()> {
        if !fields.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            on_row(line, fields)?;
        }
        fields.clear();
        Ok(())
    };
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == delimiter {
            fields.push(bytes.get(start..i).unwrap_or(&[]));
            start = i + 1;
        } else if b == b'\n' || b == b'\r' {
            fields.push(bytes.get(start..i).unwrap_or(&[]));
            emit(line, &mut fields)?;
            if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            line += 1;
            start = i + 1;
        }
        i += 1;
    }
    if start < bytes.len() {
        fields.push(bytes.get(start..).unwrap_or(&[]));
        emit(line, &mut fields)?;
    }
    Ok(())
}

/// The text of a cell, trimmed and unquoted; empty when absent or not UTF-8.
fn cell<R: Fields + ?Sized>(record: &R, c: usize) -> &str {
    record.field(c).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("").trim()
}

/// A text column names series when its header says so or it repeats a few distinct values.
fn is_label_column(header: &str, cells: &[String]) -> bool {
    let h = header.trim().to_ascii_lowercase();
    if matches!(
        h.as_str(),
        "series" | "metric" | "name" | "pod" | "container" | "host" | "instance" | "job" | "process" | "command" | "id"
    ) {
        return true;
    }
    let mut distinct: Vec<&str> = cells.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() < cells.len()
}

/// The state of a table being read row by row.
struct Table<'a> {
    input: &'a Input<'a>,
    headers: &'a [String],
    time_col: usize,
    value_cols: &'a [usize],
    label_cols: &'a [usize],
    limit_col: Option<usize>,
    limit_factor: f64,
    header_factor: &'a [Option<(f64, Unit)>],
    decimal_comma: bool,
    /// Label values of a long table's group → index of its first series.
    groups: std::collections::HashMap<Vec<String>, usize>,
    series: Vec<Series>,
    limit: Option<f64>,
    /// How many rows the table probably has, to size each series once.
    expected_rows: usize,
}

impl Table<'_> {
    fn header(&self, c: usize) -> &str {
        self.headers.get(c).map_or("", |h| h.as_str())
    }

    /// The index of the first series of the row's group, creating the group's series if new.
    fn group<R: Fields + ?Sized>(&mut self, row: &R) -> usize {
        if self.label_cols.is_empty() && !self.series.is_empty() {
            return 0;
        }
        let key: Vec<String> = self.label_cols.iter().map(|&c| cell(row, c).to_string()).collect();
        if let Some(&g) = self.groups.get(&key) {
            return g;
        }
        let g = self.series.len();
        for (k, &c) in self.value_cols.iter().enumerate() {
            let header = self.header(c);
            let mut s = match super::prometheus::parse_series_name(header) {
                Some((metric, labels)) => {
                    let mut s = Series::new(metric, Unit::Unknown);
                    s.labels = labels;
                    s
                }
                None if header.is_empty() => Series::new(format!("column {}", c + 1), Unit::Unknown),
                None => Series::new(header, Unit::Unknown),
            };
            let capacity = if self.label_cols.is_empty() { self.expected_rows } else { 0 };
            s.times_ms.reserve(capacity);
            s.values.reserve(capacity);
            if let Some((_, unit)) = &self.header_factor[k] {
                s.unit = unit.clone();
            }
            for (&lc, value) in self.label_cols.iter().zip(&key) {
                s.labels.insert(self.header(lc).to_string(), value.clone());
            }
            // A long table with one value column and a `series` column: that column names it.
            let names_series = self
                .label_cols
                .first()
                .is_some_and(|&c| matches!(self.header(c).to_ascii_lowercase().as_str(), "series" | "metric" | "name"));
            if self.value_cols.len() == 1 && self.label_cols.len() == 1 && names_series && !key[0].is_empty() {
                s.labels.clear();
                match super::prometheus::parse_series_name(&key[0]) {
                    Some((metric, labels)) => {
                        s.name = metric;
                        s.labels = labels;
                    }
                    None => s.name = key[0].clone(),
                }
            }
            self.series.push(s);
        }
        self.groups.insert(key, g);
        g
    }

    fn row<R: Fields + ?Sized>(&mut self, line: usize, row: &R) -> Result<()> {
        let name = self.input.name;
        if let Some(c) = self.limit_col {
            let text = cell(row, c);
            if let Some((value, unit)) =
                Some(text).filter(|v| !is_missing(v)).and_then(|v| parse_quantity(v, self.decimal_comma))
            {
                let value = if unit == Unit::Unknown { value * self.limit_factor } else { value };
                if value.is_finite() && value > 0.0 {
                    self.limit = Some(self.limit.map_or(value, |l: f64| l.max(value)));
                }
            }
        }
        // Plain epoch numbers (the common case) skip the text and calendar parsers.
        let epoch = row.field(self.time_col).and_then(parse_plain_decimal).and_then(super::time::epoch_to_ms);
        let time_text = if epoch.is_some() { "" } else { cell(row, self.time_col) };
        if epoch.is_none() && is_missing(time_text) {
            return Ok(());
        }
        let time_ms = epoch.or_else(|| parse_timestamp(time_text)).ok_or_else(|| {
            Error::line(
                name,
                line,
                format!(
                    "expected a timestamp in column \"{}\" (RFC 3339, YYYY-MM-DD HH:MM:SS or epoch), found \"{}\"",
                    self.header(self.time_col),
                    clip(time_text)
                ),
            )
        })?;
        let g = self.group(row);
        for (k, &c) in self.value_cols.iter().enumerate() {
            let fast = row.field(c).and_then(parse_plain_decimal);
            let text = if fast.is_some() { "" } else { cell(row, c) };
            let (mut value, unit) = match fast.map_or_else(|| text.parse::<f64>(), Ok) {
                Ok(v) => (v, Unit::Unknown),
                Err(_) if is_missing(text) => continue,
                Err(_) => parse_quantity(text, self.decimal_comma).ok_or_else(|| {
                    Error::line(
                        name,
                        line,
                        format!("expected a number in column \"{}\", found \"{}\"", self.header(c), clip(text)),
                    )
                })?,
            };
            let Some(s) = self.series.get_mut(g + k) else { continue };
            match (&unit, &self.header_factor[k]) {
                (Unit::Unknown, Some((factor, _))) => value *= factor,
                (Unit::Unknown, None) => {}
                (u, _) => s.unit = u.clone(),
            }
            s.push(time_ms, value);
        }
        Ok(())
    }
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
    fn fast_numbers_match_the_standard_parser() {
        for text in ["0", "1723700000", "-12", "3.25", "0.1", "123456789.012345", "99999999999999.9", ".5", "5."] {
            assert_eq!(crate::ingest::units::parse_plain_decimal(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
        for text in ["", "-", ".", "1e5", "1,5", " 1", "1234567890123456", "NaN", "1.2.3"] {
            assert_eq!(crate::ingest::units::parse_plain_decimal(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn long_inputs_keep_line_numbers_in_both_readers() {
        for (eol, quoted) in [("\n", false), ("\r\n", false), ("\n", true), ("\r\n", true)] {
            let mut text = format!("time,value{eol}");
            for i in 0..80 {
                if i == 30 {
                    text += eol; // a blank line: skipped, but counted
                }
                let v = if i == 70 { "oops".to_string() } else { format!("{i}.5") };
                let v = if quoted { format!("\"{v}\"") } else { v };
                text += &format!("{},{v}{eol}", 1_723_705_200 + i * 60);
            }
            let e = p(&text).unwrap_err().to_string();
            // The `csv` crate (quoted input) counts a blank CRLF line one short; the rest is exact.
            let line = if quoted && eol == "\r\n" { 72 } else { 73 };
            assert_eq!(
                e,
                format!("t.csv:{line}: expected a number in column \"value\", found \"oops\""),
                "{eol:?} {quoted}"
            );
            let fine = text.replace("oops", "70.5");
            let parsed = p(&fine).unwrap();
            assert_eq!(parsed.series[0].len(), 80, "{eol:?} {quoted}");
            assert_eq!(parsed.series[0].values[79], 79.5);
            assert_eq!(parsed.series[0].times_ms[79], (1_723_705_200 + 79 * 60) * 1000);
        }
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
