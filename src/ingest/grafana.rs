//! Grafana exports: Inspect → Data CSV (one series, or "series joined by time", raw or
//! formatted values such as `1.23 GiB`; comma or, in Excel mode, UTF-16LE with tabs), the
//! Grafana ≤6 graph-panel CSV (series as rows and as columns), and DataFrame JSON (Inspect → JSON,
//! `/api/ds/query` frames, NaN stored as `null` plus `entities`). A panel or dashboard JSON holds
//! no data points: it is recognised only to tell the user which export to take instead.
//!
//! Depends on the generic CSV reader, the JSON accessor and the series model only.

use super::csv::{parse_delimited, sniff_dialect};
use super::json::Node;
use super::json::J;
use super::{name_by_differences, scale, unit_from_name, Format, Input};
use crate::error::Result;
use crate::series::{Series, Unit};

/// Inspect → Data → Download CSV.
pub static GRAFANA_CSV: Format = Format {
    id: "grafana-csv",
    label: "Grafana CSV (Inspect → Data)",
    reads_only_the_tree: false,
    sniff: sniff_csv,
    parse: parse_delimited,
};

/// Grafana ≤6 graph panel "Export CSV": series as rows (`"Series";"Time";"Value"`) or as
/// columns (`"Time";"series_1";...`), semicolon-delimited with quoted headers.
pub static GRAFANA_LEGACY_CSV: Format = Format {
    id: "grafana-legacy-csv",
    label: "Grafana ≤6 CSV (series as rows or columns)",
    reads_only_the_tree: false,
    sniff: sniff_legacy,
    parse: parse_delimited,
};

/// DataFrame JSON: Inspect → JSON "DataFrame JSON", `/api/ds/query` answers, data frames.
pub static GRAFANA_DATAFRAME_JSON: Format = Format {
    id: "grafana-dataframe-json",
    label: "Grafana DataFrame JSON",
    reads_only_the_tree: true,
    sniff: |input| frames_of(input).is_some(),
    parse: parse_frames,
};

/// A panel or dashboard JSON: no data points, only an error that says what to export instead.
pub static GRAFANA_PANEL_JSON: Format = Format {
    id: "grafana-panel-json",
    label: "Grafana panel JSON (no data)",
    reads_only_the_tree: true,
    sniff: sniff_panel,
    parse: |input| {
        Err(input.json_root().map_or_else(
            |e| e,
            |root| {
                root.error(
                    "this is a Grafana panel or dashboard definition: it holds queries and display settings, \
                 not data points; in Grafana open the panel menu → Inspect → Data → Download CSV, or \
                 Inspect → JSON and choose \"DataFrame JSON (from query)\", and drop that file here",
                )
            },
        ))
    },
};

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end_matches('\r')
}

/// Grafana writes every header double-quoted; the first is the time field.
fn sniff_csv(input: &Input) -> bool {
    let Some(dialect) = sniff_dialect(input.head()) else { return false };
    if dialect.body_offset != 0 {
        return false;
    }
    let line = first_line(input.text);
    let first = line.split(dialect.delimiter as char).next().unwrap_or("");
    line.starts_with('"')
        && line.ends_with('"')
        && matches!(first, "\"Time\"" | "\"time\"")
        && (dialect.delimiter == b',' || dialect.delimiter == b'\t')
}

fn sniff_legacy(input: &Input) -> bool {
    let line = first_line(input.text);
    let bare = line.to_ascii_lowercase().replace('"', "");
    bare == "series;time;value" || bare == "series,time,value" || (line.starts_with("\"Time\";") && line.ends_with('"'))
}

/// The frames of a DataFrame JSON document, with their paths resolvable through the root.
fn frames_of<'v>(input: &'v Input) -> Option<Node<'v>> {
    if !matches!(input.first_char(), Some('{') | Some('[')) {
        return None;
    }
    let v = input.json()?;
    let is_frame = |f: Node| f.get("schema").is_some_and(|s| s.get("fields").is_some()) || is_raw_frame(f);
    let list_of_frames = |l: Node| l.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(is_frame));
    if list_of_frames(v) || (v.is_object() && is_frame(v)) {
        return Some(v);
    }
    if v.get("frames").is_some_and(|f| f.is_array()) {
        return Some(v);
    }
    let results = v.get("results")?.as_object()?;
    results.values().any(|r| r.get("frames").is_some()).then_some(v)
}

/// A frame as the browser holds it: `fields[]` each with its own `values`.
fn is_raw_frame(f: Node) -> bool {
    f.get("fields").and_then(Node::as_array).is_some_and(|fs| fs.iter().all(|x| x.get("values").is_some()))
}

fn sniff_panel(input: &Input) -> bool {
    if input.first_char() != Some('{') {
        return false;
    }
    let Some(v) = input.json() else { return false };
    let panelish = ["gridPos", "fieldConfig", "targets", "panels", "dashboard"].iter().any(|k| v.get(k).is_some());
    panelish && v.get("frames").is_none() && v.get("results").is_none()
}

fn parse_frames(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    let mut series = Vec::new();
    if root.is_array() {
        for frame in root.items()? {
            parse_frame(&frame, &mut series)?;
        }
    } else if let Some(frames) = root.opt("frames") {
        for frame in frames.items()? {
            parse_frame(&frame, &mut series)?;
        }
    } else if let Some(results) = root.opt("results") {
        for (_, result) in results.entries()? {
            if let Some(error) = result.opt("error").and_then(|e| e.as_str().map(str::to_string)) {
                if result.opt("frames").is_none() {
                    return Err(result.error(format!("the query failed in Grafana: {error}")));
                }
            }
            if let Some(frames) = result.opt("frames") {
                for frame in frames.items()? {
                    parse_frame(&frame, &mut series)?;
                }
            }
        }
    } else {
        parse_frame(&root, &mut series)?;
    }
    name_by_differences(&mut series);
    Ok(series)
}

/// One frame: a time field and number fields, as schema + columnar `data.values`, or as raw
/// `fields[].values`.
fn parse_frame(frame: &J, out: &mut Vec<Series>) -> Result<()> {
    let (fields_j, columns_j);
    let schema;
    let data;
    if let Some(s) = frame.opt("schema") {
        schema = s;
        fields_j = schema.get("fields")?;
        data = frame.get("data")?;
        columns_j = Some(data.get("values")?);
    } else {
        fields_j = frame.get("fields")?;
        columns_j = None;
    }
    let fields: Vec<J> = fields_j.items()?.collect();
    let columns: Vec<J> = match &columns_j {
        Some(c) => c.items()?.collect(),
        None => Vec::new(),
    };
    let column = |i: usize| -> Result<J> {
        match &columns_j {
            Some(c) => columns.get(i).copied().ok_or_else(|| c.error(format!("expected a column for field {i}"))),
            None => fields.get(i).ok_or_else(|| fields_j.error("missing field"))?.get("values"),
        }
    };
    let kind_of = |f: &J| -> String { f.node().get("type").and_then(Node::as_str).unwrap_or("").to_string() };
    let time_index = fields
        .iter()
        .position(|f| kind_of(f) == "time")
        .or_else(|| fields.iter().position(|f| f.opt("name").and_then(|n| n.as_str()) == Some("Time")))
        .ok_or_else(|| fields_j.error("expected a field of type \"time\" in this frame"))?;
    let time_column = column(time_index)?;
    let times: Vec<i64> = time_column
        .items()?
        .map(|t| if t.is_number() { t.time_scaled(1.0) } else { t.time_ms() })
        .collect::<Result<_>>()?;
    for (i, field) in fields.iter().enumerate() {
        if i == time_index || !matches!(kind_of(field).as_str(), "number" | "") {
            continue;
        }
        let values_j = column(i)?;
        let mut s = Series::default();
        let config = field.opt("config");
        let explicit = config.and_then(|c| c.node().get("displayName")).and_then(Node::as_str).map(str::to_string);
        let field_name = field.opt("name").and_then(|n| n.as_str()).unwrap_or("");
        if let Some(labels) = field.opt("labels") {
            for (k, v) in labels.entries()? {
                if let Some(text) = v.label_text() {
                    s.labels.insert(k.to_string(), text);
                }
            }
        }
        let metric = s.labels.remove("__name__");
        s.name = match (explicit, metric) {
            (Some(name), _) => {
                s.labels.clear();
                name
            }
            (None, Some(metric)) => metric,
            (None, None) if field_name == "Value" && !s.labels.is_empty() => String::new(),
            (None, None) => field_name.to_string(),
        };
        let grafana_unit = config.and_then(|c| c.node().get("unit")).and_then(Node::as_str).and_then(grafana_unit);
        let (factor, unit) = grafana_unit.unwrap_or_else(|| unit_from_name(&s.name, Unit::Unknown));
        s.unit = unit;
        let mut n = 0;
        for (k, v) in values_j.items()?.enumerate() {
            let Some(&t) = times.get(k) else {
                return Err(v.error(format!("expected at most {} values, one per time", times.len())));
            };
            let value = v.number()?;
            s.push(t, value);
            n += 1;
        }
        if n == 0 && !times.is_empty() && values_j.node().as_array().is_none() {
            return Err(values_j.expected("an array of values"));
        }
        scale(&mut s, factor);
        out.push(s);
    }
    Ok(())
}

/// Grafana's unit ids for memory and percentages: the factor to bytes or percent.
pub fn grafana_unit(id: &str) -> Option<(f64, Unit)> {
    let b = |f: f64| Some((f, Unit::Bytes));
    match id {
        "bytes" | "decbytes" => b(1.0),
        "kbytes" => b(1024.0),
        "mbytes" => b(1024.0 * 1024.0),
        "gbytes" => b(1024f64.powi(3)),
        "tbytes" => b(1024f64.powi(4)),
        "deckbytes" => b(1e3),
        "decmbytes" => b(1e6),
        "decgbytes" => b(1e9),
        "dectbytes" => b(1e12),
        "percent" => Some((1.0, Unit::Percent)),
        "percentunit" => Some((100.0, Unit::Percent)),
        _ => None,
    }
}
