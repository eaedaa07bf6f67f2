//! Netdata `/api/v1/data` exports: `format=csv`/`tsv` (newest row first, `time` first column)
//! and the JSON forms `csvjsonarray` (`[["time", ...], [t, ...], ...]`) and `json`
//! (`{"labels": [...], "data": [[...]]}`, also under `result`).
//! Depends on the generic CSV reader, the JSON accessor and the series model only.

use super::csv::{parse_delimited, sniff_dialect};
use super::json::Node;
use super::json::J;
use super::time::parse_timestamp;
use super::{name_by_differences, Format, Input};
use crate::error::Result;
use crate::series::{Series, Unit};

/// Netdata CSV/TSV: a `time` column, newest row first.
pub static NETDATA_CSV: Format = Format {
    id: "netdata-csv",
    label: "Netdata CSV/TSV",
    reads_only_the_tree: false,
    sniff: sniff_csv,
    parse: parse_delimited,
};

/// Netdata `csvjsonarray` and `json` answers.
pub static NETDATA_JSON: Format = Format {
    id: "netdata-json",
    label: "Netdata JSON",
    reads_only_the_tree: true,
    sniff: sniff_json,
    parse: parse_json,
};

fn sniff_csv(input: &Input) -> bool {
    let Some(dialect) = sniff_dialect(input.head()) else { return false };
    let mut lines = input.head().lines();
    let Some(header) = lines.next() else { return false };
    if header.split(dialect.delimiter as char).next() != Some("time") {
        return false;
    }
    let times: Vec<i64> =
        lines.take(3).filter_map(|l| l.split(dialect.delimiter as char).next().and_then(parse_timestamp)).collect();
    times.len() >= 2 && times.windows(2).all(|w| w[0] > w[1])
}

/// The `labels` and `data` of a Netdata JSON answer.
fn table(v: Node) -> Option<(Node, Node)> {
    if let Some(rows) = v.as_array() {
        let labels = rows.first()?;
        return labels.as_array()?.first()?.as_str().is_some_and(|t| t == "time").then_some((labels, v));
    }
    let body = v.get("result").filter(|r| r.is_object()).unwrap_or(v);
    let labels = body.get("labels")?;
    (labels.as_array()?.first()?.as_str() == Some("time") && body.get("data")?.is_array()).then_some((labels, body))
}

fn sniff_json(input: &Input) -> bool {
    matches!(input.first_char(), Some('[') | Some('{')) && input.json().is_some_and(|v| table(v).is_some())
}

fn parse_json(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    let (rows_j, labels_j);
    let body;
    if root.is_array() {
        rows_j = root;
        labels_j = None;
    } else {
        body = root.opt("result").filter(|r| r.is_object()).unwrap_or(root);
        labels_j = Some(body.get("labels")?);
        rows_j = body.get("data")?;
    }
    let mut rows = rows_j.items()?;
    let labels: Vec<String> = match labels_j {
        Some(l) => l.items()?.map(|x| x.str().map(str::to_string)).collect::<Result<_>>()?,
        None => match rows.next() {
            Some(first) => first.items()?.map(|x| x.str().map(str::to_string)).collect::<Result<_>>()?,
            None => Vec::new(),
        },
    };
    let mut series: Vec<Series> = labels.iter().skip(1).map(|name| Series::new(name.clone(), Unit::Unknown)).collect();
    for row in rows {
        let cells: Vec<J> = row.items()?.collect();
        let Some(time) = cells.first() else { continue };
        let t = time.time_ms()?;
        if cells.len() > labels.len() {
            return Err(row.error(format!("expected {} cells, one per label, found {}", labels.len(), cells.len())));
        }
        for (s, cell) in series.iter_mut().zip(cells.iter().skip(1)) {
            s.push(t, cell.number()?);
        }
    }
    name_by_differences(&mut series);
    Ok(series)
}
