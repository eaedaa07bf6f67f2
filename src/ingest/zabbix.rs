//! Zabbix: the API's `history.get` (and `trend.get`) JSON-RPC answers, and the real-time export
//! of item values (NDJSON, one value per line, from the server's `ExportDir`).
//! Depends on the JSON accessor and the series model only.

use super::json::J;
use super::json::{Node, Tree};
use super::{name_by_differences, unit_from_name, Format, Input};
use crate::error::{Error, Result};
use crate::series::{Series, Unit};
use std::collections::HashMap;

/// `history.get` / `trend.get` answers.
pub static ZABBIX_HISTORY: Format = Format {
    id: "zabbix-history",
    label: "Zabbix history.get JSON",
    reads_only_the_tree: true,
    sniff: |input| {
        input.first_char() == Some('{')
            && input.head().contains("\"jsonrpc\"")
            && input
                .json()
                .is_some_and(|v| v.get("jsonrpc").is_some() && (v.get("result").is_some() || v.get("error").is_some()))
    },
    parse: parse_history,
};

/// Real-time export of item values (NDJSON).
pub static ZABBIX_NDJSON: Format = Format {
    id: "zabbix-export-ndjson",
    label: "Zabbix real-time export (NDJSON)",
    reads_only_the_tree: false,
    sniff: |input| {
        input.first_char() == Some('{') && {
            let first = input.text.trim_start().lines().next().unwrap_or("");
            Tree::parse(first).is_ok_and(|v| {
                let v = v.root();
                v.get("itemid").is_some() && v.get("clock").is_some() && v.get("value").is_some()
            })
        }
    },
    parse: parse_ndjson,
};

/// `clock` seconds plus `ns` nanoseconds, as epoch milliseconds.
fn clock_ms(point: &J) -> Result<i64> {
    let seconds = point.get("clock")?.time_scaled(1000.0)?;
    let ns = match point.opt("ns") {
        Some(ns) => ns.time_scaled(1e-6)?,
        None => 0,
    };
    Ok(seconds + ns)
}

struct Items {
    series: Vec<Series>,
    index: HashMap<String, usize>,
}

impl Items {
    fn get(&mut self, itemid: String, name: impl FnOnce() -> Series) -> &mut Series {
        let k = *self.index.entry(itemid).or_insert_with(|| {
            self.series.push(name());
            self.series.len() - 1
        });
        &mut self.series[k]
    }
}

fn parse_history(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    if let Some(error) = root.opt("error") {
        let message =
            error.opt("data").or_else(|| error.opt("message")).and_then(|m| m.label_text()).unwrap_or_default();
        return Err(error.error(format!("the Zabbix API answered with an error, not data: {message}")));
    }
    let mut items = Items { series: Vec::new(), index: HashMap::new() };
    for point in root.get("result")?.items()? {
        let itemid = point.get("itemid")?.label_text().unwrap_or_default();
        let value = match point.opt("value").or_else(|| point.opt("value_avg")) {
            Some(v) => v,
            None => return Err(point.error("expected a field \"value\" (history.get) or \"value_avg\" (trend.get)")),
        };
        if value.as_str().is_some_and(|s| s.trim().parse::<f64>().is_err()) {
            continue; // A text item: nothing to chart.
        }
        let t = clock_ms(&point)?;
        let v = value.number()?;
        items.get(itemid.clone(), || Series::new(format!("item {itemid}"), Unit::Unknown)).push(t, v);
    }
    let mut series = items.series;
    name_by_differences(&mut series);
    Ok(series)
}

fn parse_ndjson(input: &Input) -> Result<Vec<Series>> {
    let mut items = Items { series: Vec::new(), index: HashMap::new() };
    for (i, line) in input.text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = Tree::parse(line).map_err(|e| {
            Error::line(input.name, i + 1, format!("expected one JSON object per line (Zabbix real-time export): {e}"))
        })?;
        let root = J::root(input.name, &v);
        let at_line = |e: Error| Error::line(input.name, i + 1, format!("at {}: {}", json_path(&e), e.message));
        let itemid = root.get("itemid").map_err(at_line)?.label_text().unwrap_or_default();
        // Value types 0 (float) and 3 (unsigned) are numbers; the rest are text, logs or binary.
        if root.opt("type").and_then(|t| t.as_u64()).is_some_and(|t| t != 0 && t != 3) {
            continue;
        }
        let t = clock_ms(&root).map_err(at_line)?;
        let value = root.get("value").map_err(at_line)?.number().map_err(at_line)?;
        let name = root.opt("name").and_then(|n| n.as_str()).unwrap_or("").to_string();
        let host = root
            .node()
            .get("host")
            .and_then(|h| h.get("host").or_else(|| h.get("name")))
            .and_then(Node::as_str)
            .map(str::to_string);
        items
            .get(itemid.clone(), || {
                let mut s =
                    Series::new(if name.is_empty() { format!("item {itemid}") } else { name.clone() }, Unit::Unknown);
                let (_, unit) = unit_from_name(&name, Unit::Unknown);
                s.unit = unit;
                if let Some(host) = host {
                    s.labels.insert("host".into(), host);
                }
                s
            })
            .push(t, value);
    }
    let mut series = items.series;
    name_by_differences(&mut series);
    Ok(series)
}

fn json_path(e: &Error) -> String {
    match &e.location {
        crate::error::Location::JsonPath(p) => p.clone(),
        _ => "$".into(),
    }
}
