//! InfluxDB: Flux annotated CSV (`#datatype`/`#group`/`#default` rows, several tables, blank
//! lines between result blocks) and the same CSV without annotations, and InfluxQL `/query` JSON
//! (`results[].series[]` with `columns` and `values`).
//! Depends on the `csv` crate, the JSON accessor and the series model only.

use super::csv::{clip, is_missing};
use super::json::J;
use super::time::parse_timestamp;
use super::units::parse_quantity;
use super::{units_then_names, Format, Input};
use crate::error::{Error, Result};
use crate::series::{Labels, Series, Unit};
use std::collections::HashMap;

/// Flux query results as annotated CSV (or plain CSV with `result,table` columns).
pub static INFLUX_CSV: Format = Format {
    id: "influxdb-flux-csv",
    label: "InfluxDB Flux annotated CSV",
    reads_only_the_tree: false,
    sniff: |input| {
        let first = input.text.trim_start().lines().next().unwrap_or("");
        ["#datatype,", "#group,", "#default,", ",result,table,", "result,table,"].iter().any(|p| first.starts_with(p))
    },
    parse: parse_flux_csv,
};

/// InfluxQL `/query` answers.
pub static INFLUXQL_JSON: Format = Format {
    id: "influxql-json",
    label: "InfluxDB InfluxQL JSON",
    reads_only_the_tree: true,
    sniff: |input| {
        input.first_char() == Some('{')
            && input.head().contains("\"results\"")
            && input.json().and_then(|v| v.get("results")).and_then(|r| r.as_array()).is_some_and(|r| {
                r.iter()
                    .all(|x| x.get("statement_id").is_some() || x.get("series").is_some() || x.get("error").is_some())
            })
    },
    parse: parse_influxql,
};

/// Columns every Flux table has that are not tags.
const FLUX_META: [&str; 6] = ["", "result", "table", "_start", "_stop", "_time"];

fn parse_flux_csv(input: &Input) -> Result<Vec<Series>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input.text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut datatypes: Vec<String> = Vec::new();
    let mut defaults: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut series: Vec<Series> = Vec::new();
    loop {
        let line = record.position().map_or(1, |p| p.line() as usize);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                return Err(Error::line(input.name, line, format!("unreadable CSV: {e}")));
            }
        }
        let line = record.position().map_or(line, |p| p.line() as usize);
        let cells: Vec<&str> = record.iter().collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            // A blank line ends a block: the next rows bring their own annotations and header.
            header = None;
            datatypes.clear();
            defaults.clear();
            continue;
        }
        let first = cells.first().copied().unwrap_or("");
        if first.starts_with('#') {
            if header.is_some() {
                header = None;
            }
            match first {
                "#datatype" => datatypes = cells.iter().map(|c| c.to_string()).collect(),
                "#default" => defaults = cells.iter().map(|c| c.to_string()).collect(),
                _ => {}
            }
            continue;
        }
        let Some(columns) = &header else {
            if cells.contains(&"error") && cells.contains(&"reference") {
                // An error table: its one row says what went wrong.
                let mut rest = reader.records();
                let message = rest.next().and_then(|r| r.ok()).map(|r| r.iter().collect::<Vec<_>>().join(" "));
                return Err(Error::line(
                    input.name,
                    line,
                    format!("the Flux query failed: {}", message.unwrap_or_default().trim()),
                ));
            }
            header = Some(cells.iter().map(|c| c.trim().to_string()).collect());
            continue;
        };
        let col = |name: &str| columns.iter().position(|c| c == name);
        let get = |c: usize| -> &str {
            let v = cells.get(c).copied().unwrap_or("");
            if v.is_empty() {
                defaults.get(c).map_or("", |d| d.as_str())
            } else {
                v
            }
        };
        let time_col = col("_time").ok_or_else(|| {
            Error::line(input.name, line, "expected a \"_time\" column in this Flux table (aggregate tables have none)")
        })?;
        let time_text = get(time_col);
        let time_ms = parse_timestamp(time_text).ok_or_else(|| {
            Error::line(
                input.name,
                line,
                format!("expected an RFC 3339 time in column \"_time\", found \"{}\"", clip(time_text)),
            )
        })?;
        let is_numeric_type =
            |c: usize| datatypes.get(c).is_none_or(|t| matches!(t.as_str(), "double" | "long" | "unsignedLong"));
        let value_cols: Vec<(usize, String)> = match col("_value") {
            Some(c) => vec![(c, get(col("_field").unwrap_or(usize::MAX)).to_string())],
            None => columns
                .iter()
                .enumerate()
                .filter(|(c, name)| {
                    !FLUX_META.contains(&name.as_str())
                        && !name.starts_with('_')
                        && datatypes.get(*c).is_some_and(|t| matches!(t.as_str(), "double" | "long" | "unsignedLong"))
                })
                .map(|(c, name)| (c, name.clone()))
                .collect(),
        };
        let mut tags = Labels::new();
        for (c, name) in columns.iter().enumerate() {
            let is_value = value_cols.iter().any(|(v, _)| *v == c);
            if FLUX_META.contains(&name.as_str()) || name == "_value" || name == "_field" || is_value {
                continue;
            }
            if name == "_measurement" || !name.starts_with('_') {
                if col("_value").is_none() && is_numeric_type(c) && datatypes.get(c).is_some() {
                    continue;
                }
                tags.insert(name.clone(), get(c).to_string());
            }
        }
        let measurement = tags.remove("_measurement").unwrap_or_default();
        for (c, field) in value_cols {
            let text = get(c);
            if is_missing(text) {
                continue;
            }
            let Some((value, _)) = parse_quantity(text, false) else {
                if datatypes.get(c).is_some_and(|t| !matches!(t.as_str(), "double" | "long" | "unsignedLong")) {
                    continue;
                }
                return Err(Error::line(
                    input.name,
                    line,
                    format!(
                        "expected a number in column \"{}\", found \"{}\"",
                        columns.get(c).map_or("", |s| s),
                        clip(text)
                    ),
                ));
            };
            let name = match (measurement.is_empty(), field.is_empty()) {
                (false, false) => format!("{measurement}_{field}"),
                (false, true) => measurement.clone(),
                _ => field.clone(),
            };
            let key = format!("{name}\u{1}{tags:?}");
            let k = *index.entry(key).or_insert_with(|| {
                let mut s = Series::new(name, Unit::Unknown);
                s.labels = tags.clone();
                series.push(s);
                series.len() - 1
            });
            if let Some(s) = series.get_mut(k) {
                s.push(time_ms, value);
            }
        }
    }
    Ok(units_then_names(series))
}

fn parse_influxql(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    let mut series = Vec::new();
    for result in root.get("results")?.items()? {
        if let Some(error) = result.opt("error") {
            return Err(error.error(format!("the InfluxQL query failed: {}", error.label_text().unwrap_or_default())));
        }
        let Some(list) = result.opt("series") else { continue };
        for item in list.items()? {
            parse_influxql_series(&item, &mut series)?;
        }
    }
    Ok(units_then_names(series))
}

fn parse_influxql_series(item: &J, out: &mut Vec<Series>) -> Result<()> {
    let measurement = item.opt("name").and_then(|n| n.as_str()).unwrap_or("").to_string();
    let columns: Vec<String> =
        item.get("columns")?.items()?.map(|c| c.str().map(str::to_string)).collect::<Result<_>>()?;
    let time_col = columns
        .iter()
        .position(|c| c == "time")
        .ok_or_else(|| item.error("expected a \"time\" column in \"columns\""))?;
    let mut tags = Labels::new();
    if let Some(t) = item.opt("tags") {
        for (k, v) in t.entries()? {
            tags.insert(k.to_string(), v.label_text().unwrap_or_default());
        }
    }
    let first = out.len();
    for (c, column) in columns.iter().enumerate() {
        if c == time_col {
            continue;
        }
        let name = match (measurement.is_empty(), column == "value") {
            (true, _) => column.clone(),
            (false, true) => measurement.clone(),
            (false, false) => format!("{measurement}_{column}"),
        };
        let mut s = Series::new(name, Unit::Unknown);
        s.labels = tags.clone();
        out.push(s);
    }
    let Some(values) = item.opt("values") else { return Ok(()) };
    for row in values.items()? {
        let cells: Vec<J> = row.items()?.collect();
        if cells.len() != columns.len() {
            return Err(row.error(format!("expected {} cells, one per column, found {}", columns.len(), cells.len())));
        }
        let t = cells[time_col].time_ms()?;
        let mut k = first;
        for (c, cell) in cells.iter().enumerate() {
            if c == time_col {
                continue;
            }
            if !cell.is_string() || cell.as_str().is_some_and(|s| s.parse::<f64>().is_ok()) {
                if let Some(s) = out.get_mut(k) {
                    s.push(t, cell.number()?);
                }
            }
            k += 1;
        }
    }
    Ok(())
}
