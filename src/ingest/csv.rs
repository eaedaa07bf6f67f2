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
pub static GENERIC_CSV: Format =
    Format { id: "generic-csv", label: "CSV", reads_only_the_tree: false, sniff: sniff_generic, parse: parse_generic };

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
/// exports) or both. Streams the rows: the first 50 decide the columns' roles.
///
/// # Errors
/// An error naming the line and the column when a row has an unreadable time or value, or when
/// the table has no time column or no numeric column.
pub fn parse_delimited(input: &Input) -> Result<Vec<Series>> {
    Ok(match read_delimited(input, BATCH_SERIES)? {
        Delimited::Series(series) => series,
        Delimited::Columns(columns) => columns.into_series(),
    })
}

/// Series [`parse_delimited`] builds at a time from a wide table's [`Columns`].
pub const BATCH_SERIES: usize = 4096;

/// Cells in a block of a wide table's [`Columns`] (512 KiB): small beside a batch of series, so
/// that the blocks a batch is built from are freed as it is built.
const BLOCK_CELLS: usize = 1 << 16;

/// Whether `format` reads its input with [`parse_delimited`], so that [`read_delimited`] reads it
/// the same way.
pub fn reads_delimited(format: &Format) -> bool {
    [&GENERIC_CSV, &super::grafana::GRAFANA_CSV, &super::grafana::GRAFANA_LEGACY_CSV, &super::netdata::NETDATA_CSV]
        .iter()
        .any(|known| std::ptr::eq(*known, format))
}

/// A delimited text, read.
pub enum Delimited {
    /// A table with label columns (a long table): its series, named, not yet normalised.
    Series(Vec<Series>),
    /// A wide table (one series per value column) of more columns than a batch: its values,
    /// made into series a batch at a time.
    Columns(Columns),
}

/// Reads a delimited text as [`parse_delimited`] does, but leaves the series of a table of more
/// than `batch_series` value columns and no label column unbuilt: its values are held in blocks
/// of adjacent columns (8 bytes a cell, where a series takes 16 and a 144-byte record), made
/// into series `batch_series` at a time by [`Columns::next_batch`], each block freed as its
/// series are built. A narrower table is read into series directly: its one batch would copy
/// all of the values it holds.
///
/// # Errors
/// As [`parse_delimited`].
pub fn read_delimited(input: &Input, batch_series: usize) -> Result<Delimited> {
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
    let wide = (label_cols.is_empty() && value_cols.len() > batch_series).then(|| {
        let block_columns = (BLOCK_CELLS / expected_rows.max(1)).clamp(1, batch_series.max(1));
        ColumnStore::new(value_cols.len(), block_columns, expected_rows)
    });
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
        series: Vec::with_capacity(if label_cols.is_empty() && wide.is_none() { value_cols.len() } else { 0 }),
        wide,
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
    if let Some(store) = table.wide {
        return Ok(Delimited::Columns(store.into_columns(headers, &value_cols, limit)));
    }
    let mut series = table.series;
    for s in &mut series {
        s.limit = limit;
    }
    super::name_by_differences(&mut series);
    Ok(Delimited::Series(series))
}

/// A wide table's values as they are read: row by row into blocks of adjacent value columns.
struct ColumnStore {
    times_ms: Vec<i64>,
    /// Values row by row, `block_columns` columns a block (fewer in the last); NaN where a cell
    /// was missing.
    blocks: Vec<Vec<f64>>,
    block_columns: usize,
    /// Units written in cells (`1.5 GiB`) by value column: the last one read wins, as when a
    /// series takes each cell's unit.
    cell_units: std::collections::BTreeMap<usize, Unit>,
}

impl ColumnStore {
    fn new(columns: usize, block_columns: usize, expected_rows: usize) -> Self {
        let blocks = (0..columns)
            .step_by(block_columns)
            .map(|first| Vec::with_capacity(expected_rows * block_columns.min(columns - first)))
            .collect();
        ColumnStore {
            times_ms: Vec::with_capacity(expected_rows),
            blocks,
            block_columns,
            cell_units: std::collections::BTreeMap::new(),
        }
    }

    /// Adds value column `k`'s cell of the current row: a value with its unit, or `None` when
    /// missing. Called for every value column of a row, in order.
    fn push(&mut self, k: usize, cell: Option<(f64, Unit)>) {
        let value = match cell {
            None => f64::NAN,
            Some((value, Unit::Unknown)) => value,
            Some((value, unit)) => {
                self.cell_units.insert(k, unit);
                value
            }
        };
        if let Some(block) = self.blocks.get_mut(k / self.block_columns) {
            block.push(value);
        }
    }

    /// The finished store, each block with its columns' indices and headers (taken from
    /// `headers`, which is dropped).
    fn into_columns(self, mut headers: Vec<String>, value_cols: &[usize], limit: Option<f64>) -> Columns {
        let rows = self.times_ms.len();
        // The series' labels, as parsed from the headers, tell which name them.
        let differing = if rows == 0 {
            Vec::new()
        } else {
            super::differing_labels(value_cols.iter().map(|&c| {
                let header = headers.get(c).map_or("", String::as_str);
                super::prometheus::parse_series_name(header).map(|(_, labels)| labels).unwrap_or_default()
            }))
        };
        let blocks = self
            .blocks
            .into_iter()
            .zip(value_cols.chunks(self.block_columns))
            .map(|(mut values, cols)| {
                values.shrink_to_fit();
                let columns =
                    cols.iter().map(|&c| (c, headers.get_mut(c).map(std::mem::take).unwrap_or_default())).collect();
                Block { columns, values }
            })
            .collect();
        Columns { times_ms: self.times_ms, blocks, cell_units: self.cell_units, next_column: 0, limit, differing }
    }
}

/// A wide table read into blocks of adjacent value columns, which become series a batch at a
/// time ([`Columns::next_batch`]) or all at once ([`Columns::into_series`]): the same series
/// either way, named as [`parse_delimited`] names them, not yet normalised.
pub struct Columns {
    /// One time a row (rows without a time are left out).
    times_ms: Vec<i64>,
    /// The blocks not yet made into series.
    blocks: std::collections::VecDeque<Block>,
    /// Units written in cells, by value column (counted over all blocks).
    cell_units: std::collections::BTreeMap<usize, Unit>,
    /// The value column (counted over all blocks) the first block starts at.
    next_column: usize,
    /// The memory limit the table's limit column gives.
    limit: Option<f64>,
    /// The labels that tell the series apart (see [`super::differing_labels`]).
    differing: Vec<String>,
}

/// Adjacent value columns of a wide table.
struct Block {
    /// Each column's index in the table and its header.
    columns: Vec<(usize, String)>,
    /// The values row by row: row `r` of column `j` at `r * columns.len() + j`; NaN where the
    /// cell was missing.
    values: Vec<f64>,
}

impl Columns {
    /// True when some cell holds a finite value, so that some series will hold a sample.
    pub fn has_samples(&self) -> bool {
        self.blocks.iter().any(|b| b.values.iter().any(|v| v.is_finite()))
    }

    /// Series not yet made (one per value column; those left without a sample included).
    pub fn series_left(&self) -> usize {
        if self.times_ms.is_empty() {
            return 0;
        }
        self.blocks.iter().map(|b| b.columns.len()).sum()
    }

    /// The next columns' series, at most `max_series` of them (at least one block's worth),
    /// named as among all the table's series; their blocks are freed as they are built.
    pub fn next_batch(&mut self, max_series: usize) -> Option<Vec<Series>> {
        self.blocks.front()?;
        let mut series = Vec::with_capacity(max_series.min(self.series_left()));
        while let Some(block) = self.blocks.pop_front() {
            let first = self.next_column;
            self.next_column += block.columns.len();
            if !self.times_ms.is_empty() {
                series.extend(self.block_series(first, block));
            }
            if self.blocks.front().is_none_or(|next| series.len() + next.columns.len() > max_series) {
                break;
            }
        }
        super::name_by_labels(&mut series, &self.differing);
        Some(series)
    }

    /// Every series, named as [`parse_delimited`] names them: one batch of them all.
    pub fn into_series(mut self) -> Vec<Series> {
        self.next_batch(usize::MAX).unwrap_or_default()
    }

    /// A block's series, unnamed (metric name and all labels); `first` is its first value column.
    fn block_series(&self, first: usize, block: Block) -> Vec<Series> {
        let width = block.columns.len().max(1);
        let values = block.values;
        block
            .columns
            .into_iter()
            .enumerate()
            .map(|(j, (c, header))| {
                let unit = unit_in_name(&header).map(|(_, unit)| unit);
                let mut s = column_series(c, header);
                if let Some(unit) = unit {
                    s.unit = unit;
                }
                if let Some(unit) = self.cell_units.get(&(first + j)) {
                    s.unit = unit.clone();
                }
                s.limit = self.limit;
                let column = || values.iter().skip(j).step_by(width).zip(&self.times_ms).filter(|(v, _)| !v.is_nan());
                let count = column().count();
                s.times_ms.reserve_exact(count);
                s.values.reserve_exact(count);
                for (&value, &time_ms) in column() {
                    s.push(time_ms, value);
                }
                s
            })
            .collect()
    }
}

/// The series of value column `c` as its header names it: `metric{labels}` parsed, the header
/// itself, or `column N` when it has none; no samples yet.
fn column_series(c: usize, header: String) -> Series {
    match super::prometheus::parse_series_name(&header) {
        Some((metric, labels)) => {
            let mut s = Series::new(metric, Unit::Unknown);
            s.labels = labels;
            s
        }
        None if header.is_empty() => Series::new(format!("column {}", c + 1), Unit::Unknown),
        None => Series::new(header, Unit::Unknown),
    }
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
    /// The series, made as their groups appear (all at once without label columns).
    series: Vec<Series>,
    /// Instead of series, the values of a table of more value columns than a batch and no label
    /// column.
    wide: Option<ColumnStore>,
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
            let mut s = column_series(c, self.header(c).to_string());
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
        let g = match self.wide.as_mut() {
            Some(wide) => {
                wide.times_ms.push(time_ms);
                0
            }
            None => self.group(row),
        };
        for (k, &c) in self.value_cols.iter().enumerate() {
            let fast = row.field(c).and_then(parse_plain_decimal);
            let text = if fast.is_some() { "" } else { cell(row, c) };
            let parsed = match fast.map_or_else(|| text.parse::<f64>(), Ok) {
                Ok(v) => Some((v, Unit::Unknown)),
                Err(_) if is_missing(text) => None,
                Err(_) => Some(parse_quantity(text, self.decimal_comma).ok_or_else(|| {
                    Error::line(
                        name,
                        line,
                        format!("expected a number in column \"{}\", found \"{}\"", self.header(c), clip(text)),
                    )
                })?),
            };
            // A unit in the cell overrides the header's, whose factor applies only to plain numbers.
            let parsed = parsed.map(|(value, unit)| match (&unit, &self.header_factor[k]) {
                (Unit::Unknown, Some((factor, _))) => (value * factor, unit),
                _ => (value, unit),
            });
            if let Some(wide) = self.wide.as_mut() {
                wide.push(k, parsed);
                continue;
            }
            let (Some((value, unit)), Some(s)) = (parsed, self.series.get_mut(g + k)) else { continue };
            if unit != Unit::Unknown {
                s.unit = unit;
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

    /// A wide table with what naming, units, limits, gaps and duplicates can make of it: a
    /// label (`job`) that only the last column's value tells apart, an unnamed column, a header
    /// unit, units in cells, a column with no finite value, a limit, a repeated and a missing time.
    fn tricky_wide_csv() -> String {
        let headers = [
            "time",
            r#"mem{pod="a",job="x"}"#,
            r#"mem{pod="b",job="x"}"#,
            "",
            "rss (MiB)",
            "heap",
            "limit",
            "gone",
            r#"mem{pod="c",job="x"}"#,
            "cache",
            "v10",
            r#"mem{pod="d",job="y"}"#,
        ];
        let quoted: Vec<String> = headers
            .iter()
            .map(|h| if h.contains(',') { format!("\"{}\"", h.replace('"', "\"\"")) } else { h.to_string() })
            .collect();
        let mut csv = quoted.join(",") + "\n";
        for r in 0..60i64 {
            let time = match r {
                7 => String::new(),
                9 => (1_723_705_200 + 8 * 60).to_string(),
                12 => (1_723_705_200 + 30 * 60).to_string(),
                _ => (1_723_705_200 + r * 60).to_string(),
            };
            let heap = if r % 5 == 0 { format!("{} MiB", 500 + r) } else { format!("{}.5", 1000 + r) };
            let b = match r % 7 {
                0 => String::new(),
                3 => "NaN".to_string(),
                _ => (2000 + r).to_string(),
            };
            let cells = [
                time,
                (1000 + 3 * r).to_string(),
                b,
                format!("{}", 7 * r),
                format!("{}.25", r),
                heap,
                if r == 40 { "4096".to_string() } else { String::new() },
                "inf".to_string(),
                (5000 - r).to_string(),
                if r % 2 == 0 { "null".to_string() } else { (r * r).to_string() },
                "1".to_string(),
                (9000 + r).to_string(),
            ];
            csv += &(cells.join(",") + "\n");
        }
        csv
    }

    #[test]
    fn a_wide_table_in_batches_holds_the_series_of_a_whole_parse() {
        use crate::ingest::parse_in_batches;
        let csv = tricky_wide_csv();
        let whole = p(&csv).unwrap();
        assert_eq!(whole.series.len(), 9, "{:?}", whole.series.iter().map(|s| &s.name).collect::<Vec<_>>());
        assert!(whole.series.iter().any(|s| s.name == r#"mem{job="y", pod="d"}"#));
        assert!(!whole.warnings.is_empty());
        // 10 value columns: wider than a batch of 3, so read into column blocks, built 3 at a time
        // and named by labels over all 10 (`job` differs only in the last batch).
        for batch_series in [1, 2, 3, 4, 9] {
            let batches =
                parse_in_batches("t.csv", csv.as_bytes().to_vec(), &IngestOptions::default(), batch_series).unwrap();
            assert_eq!((batches.format, batches.format_label), (whole.format, whole.format_label));
            assert_eq!(batches.series_left(), 10);
            let mut series = Vec::new();
            let mut warnings = Vec::new();
            for batch in batches {
                assert!(!batch.series.is_empty() && batch.series.len() <= batch_series, "{batch_series}");
                series.extend(batch.series);
                warnings.extend(batch.warnings);
            }
            assert_eq!(series, whole.series, "{batch_series}");
            assert_eq!(warnings, whole.warnings, "{batch_series}");
        }
    }

    #[test]
    fn a_wide_table_in_batches_fails_as_a_whole_parse_does() {
        use crate::ingest::parse_in_batches;
        let csv = tricky_wide_csv();
        // The first bad cell in reading order is reported, whichever batch its column is in.
        let bad = csv.replacen("9005", "oops", 1).replacen("1006,", "n/a2,", 1);
        let whole = p(&bad).unwrap_err().to_string();
        assert_eq!(whole, "t.csv:4: expected a number in column \"mem{pod=\"a\",job=\"x\"}\", found \"n/a2\"");
        let batched = parse_in_batches("t.csv", bad.as_bytes().to_vec(), &IngestOptions::default(), 2).err().unwrap();
        assert_eq!(batched.to_string(), whole);
        // Numbers, but none finite: no series is left.
        let mut infinite = csv.lines().next().unwrap_or("").to_string() + "\n";
        for line in csv.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let row: Vec<&str> = cells.iter().enumerate().map(|(c, &v)| if c == 0 { v } else { "inf" }).collect();
            infinite += &(row.join(",") + "\n");
        }
        let whole = p(&infinite).unwrap_err().to_string();
        assert_eq!(whole, "t.csv: no data points: the file looks like CSV but holds no sample");
        let batched =
            parse_in_batches("t.csv", infinite.as_bytes().to_vec(), &IngestOptions::default(), 2).err().unwrap();
        assert_eq!(batched.to_string(), whole);
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
