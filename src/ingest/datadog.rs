//! Datadog: the v1 query API (`/api/v1/query`: `series[].pointlist`, `unit`) and the v2
//! timeseries API (`/api/v2/query/timeseries`: `data.attributes.times`, `values`, `series`).
//! Units come from Datadog's unit objects (`family`, `name`, `scale_factor`).
//! Depends on the JSON accessor and the series model only.

use super::json::J;
use super::{name_by_differences, scale, unit_from_name, Format, Input};
use crate::error::Result;
use crate::series::{Series, Unit};

/// `/api/v1/query` answers.
pub static DATADOG_V1: Format = Format {
    id: "datadog-v1",
    label: "Datadog query API v1",
    reads_only_the_tree: true,
    sniff: |input| {
        input.first_char() == Some('{')
            && input.head().contains("\"pointlist\"")
            && input.json().and_then(|v| v.get("series")).is_some_and(|s| s.is_array())
    },
    parse: parse_v1,
};

/// `/api/v2/query/timeseries` answers.
pub static DATADOG_V2: Format = Format {
    id: "datadog-v2",
    label: "Datadog timeseries API v2",
    reads_only_the_tree: true,
    sniff: |input| {
        input.first_char() == Some('{')
            && input.head().contains("\"attributes\"")
            && input.json().and_then(|v| v.pointer("/data/attributes")).is_some_and(|a| a.get("times").is_some())
    },
    parse: parse_v2,
};

/// The unit a Datadog unit list (`[{"family": "bytes", "scale_factor": 1024, ...}, null]`)
/// names, with the factor to bytes or percent.
fn datadog_unit(unit: Option<J>) -> Option<(f64, Unit)> {
    let unit = unit?;
    let first = if unit.is_array() { unit.items().ok()?.next()? } else { unit };
    let family = first.opt("family").and_then(|f| f.as_str()).unwrap_or("");
    let name = first.opt("name").and_then(|f| f.as_str()).unwrap_or("");
    let factor = first.opt("scale_factor").and_then(|f| f.as_f64()).filter(|f| *f > 0.0).unwrap_or(1.0);
    match (family, name) {
        ("bytes", _) => Some((factor, Unit::Bytes)),
        ("percentage", "percent") => Some((1.0, Unit::Percent)),
        ("percentage", "fraction") => Some((100.0, Unit::Percent)),
        (_, "") => None,
        (_, other) => Some((1.0, Unit::Other(other.to_string()))),
    }
}

/// `key:value` tags as labels (a tag without `:` keeps its text as the key, value empty).
fn add_tags(s: &mut Series, tags: &J) -> Result<()> {
    for tag in tags.items()? {
        let text = tag.str()?;
        let (k, v) = text.split_once(':').unwrap_or((text, ""));
        s.labels.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(())
}

fn parse_v1(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    if let Some(error) = root.opt("error").or_else(|| root.opt("errors")) {
        return Err(error.error(format!("Datadog answered with an error, not data: {}", error.node())));
    }
    let mut series = Vec::new();
    for item in root.get("series")?.items()? {
        let name = match item.opt("metric").or_else(|| item.opt("display_name")) {
            Some(m) => m.str()?.to_string(),
            None => String::new(),
        };
        let mut s = Series::new(name, Unit::Unknown);
        if let Some(tags) = item.opt("tag_set") {
            add_tags(&mut s, &tags)?;
        }
        if let Some(aggr) = item.opt("aggr").and_then(|a| a.as_str().map(str::to_string)) {
            s.labels.insert("aggr".into(), aggr);
        }
        if let Some(expr) = item.opt("expression").and_then(|a| a.as_str().map(str::to_string)) {
            s.labels.insert("query".into(), expr);
        }
        for point in item.get("pointlist")?.items()? {
            let cells: Vec<J> = point.items()?.collect();
            let [t, v] = cells.as_slice() else {
                return Err(point.expected("a [time_ms, value] pair"));
            };
            s.push(t.time_scaled(1.0)?, v.number()?);
        }
        let (factor, unit) = datadog_unit(item.opt("unit")).unwrap_or_else(|| unit_from_name(&s.name, Unit::Unknown));
        scale(&mut s, factor);
        s.unit = unit;
        series.push(s);
    }
    name_by_differences(&mut series);
    Ok(series)
}

fn parse_v2(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    if let Some(errors) = root.opt("errors") {
        return Err(errors.error(format!("Datadog answered with an error, not data: {}", errors.node())));
    }
    let data = root.get("data")?;
    let attributes = data.get("attributes")?;
    let times: Vec<i64> = attributes.get("times")?.items()?.map(|t| t.time_scaled(1.0)).collect::<Result<_>>()?;
    let series_j = attributes.opt("series");
    let meta: Vec<J> = match &series_j {
        Some(s) => s.items()?.collect(),
        None => Vec::new(),
    };
    let values = attributes.get("values")?;
    let mut series = Vec::new();
    for (i, column) in values.items()?.enumerate() {
        let mut s = Series::default();
        let info = meta.get(i);
        let query = info.and_then(|m| m.opt("query_index")).and_then(|q| q.as_u64()).unwrap_or(i as u64);
        s.name = format!("query{query}");
        if let Some(tags) = info.and_then(|m| m.opt("group_tags")) {
            add_tags(&mut s, &tags)?;
        }
        for (k, v) in column.items()?.enumerate() {
            let Some(&t) = times.get(k) else {
                return Err(v.error(format!(
                    "expected at most {} values, one per time in $.data.attributes.times",
                    times.len()
                )));
            };
            s.push(t, v.number()?);
        }
        let (factor, unit) = datadog_unit(info.and_then(|m| m.opt("unit"))).unwrap_or((1.0, Unit::Unknown));
        scale(&mut s, factor);
        s.unit = unit;
        series.push(s);
    }
    name_by_differences(&mut series);
    Ok(series)
}
