//! Cloud providers' metric APIs: Azure Monitor metrics (REST and `az monitor metrics list`),
//! Google Cloud Monitoring `timeSeries` (REST `projects.timeSeries.list`), and OpenTelemetry
//! OTLP JSON metrics (gauge and sum `dataPoints`, one document or one per line as the
//! collector's file exporter writes them).
//! Depends on the JSON accessor and the series model only.

use super::json::J;
use super::json::{Node, Tree};
use super::{name_by_differences, scale, unit_from_name, Format, Input};
use crate::error::{Error, Result};
use crate::series::{Labels, Series, Unit};
use std::collections::HashMap;

/// Azure Monitor metrics JSON.
pub static AZURE_MONITOR: Format = Format {
    id: "azure-monitor",
    label: "Azure Monitor metrics",
    reads_only_the_tree: true,
    sniff: |input| {
        input.first_char() == Some('{')
            && input.head().contains("\"timeseries\"")
            && input
                .json()
                .and_then(|v| v.get("value"))
                .and_then(Node::as_array)
                .is_some_and(|m| m.iter().any(|x| x.get("timeseries").is_some()))
    },
    parse: parse_azure,
};

/// Google Cloud Monitoring `timeSeries` JSON.
pub static GCP_MONITORING: Format = Format {
    id: "gcp-monitoring",
    label: "Google Cloud Monitoring timeSeries",
    reads_only_the_tree: true,
    sniff: |input| {
        input.first_char() == Some('{')
            && input.head().contains("\"timeSeries\"")
            && input.json().and_then(|v| v.get("timeSeries")).is_some_and(Node::is_array)
    },
    parse: parse_gcp,
};

/// OTLP JSON metrics.
pub static OTLP_JSON: Format = Format {
    id: "otlp-json",
    label: "OpenTelemetry OTLP JSON metrics",
    reads_only_the_tree: false,
    sniff: |input| {
        input.first_char() == Some('{') && input.head().contains("\"resourceMetrics\"") && {
            let first = input.text.trim_start().lines().next().unwrap_or("");
            let doc = input.json().or(None);
            doc.map_or_else(
                || Tree::parse(first).ok().is_some_and(|v| v.root().get("resourceMetrics").is_some()),
                |v| v.get("resourceMetrics").is_some(),
            )
        }
    },
    parse: parse_otlp,
};

/// A UCUM unit as Google Cloud and OpenTelemetry write them (`By`, `KiBy`, `%`, `10^2.%`).
fn ucum_unit(unit: &str) -> (f64, Unit) {
    let b = |f: f64| (f, Unit::Bytes);
    match unit {
        "By" | "bytes" | "By/1" => b(1.0),
        "kBy" => b(1e3),
        "MBy" => b(1e6),
        "GBy" => b(1e9),
        "KiBy" => b(1024.0),
        "MiBy" => b(1024.0 * 1024.0),
        "GiBy" => b(1024f64.powi(3)),
        "%" => (1.0, Unit::Percent),
        "10^2.%" => (100.0, Unit::Percent),
        "1" | "" => (1.0, Unit::Unknown),
        other => (1.0, Unit::Other(other.to_string())),
    }
}

fn unit_or_name(unit: (f64, Unit), name: &str) -> (f64, Unit) {
    if unit.1 == Unit::Unknown {
        unit_from_name(name, Unit::Unknown)
    } else {
        unit
    }
}

const AZURE_AGGREGATIONS: [&str; 5] = ["average", "maximum", "minimum", "total", "count"];

fn parse_azure(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    let mut series = Vec::new();
    for metric in root.get("value")?.items()? {
        let name_j = metric.get("name")?;
        let name = match name_j.opt("value") {
            Some(v) => v.str()?.to_string(),
            None => name_j.str()?.to_string(),
        };
        let timeseries = metric.get("timeseries")?;
        // The aggregation the export holds: the first one with a value anywhere.
        let has = |agg: &str| {
            timeseries.node().as_array().is_some_and(|ts| {
                ts.iter().any(|t| {
                    t.get("data")
                        .and_then(Node::as_array)
                        .is_some_and(|d| d.iter().any(|p| p.get(agg).is_some_and(|v| !v.is_null())))
                })
            })
        };
        let Some(aggregation) = AZURE_AGGREGATIONS.into_iter().find(|a| has(a)) else { continue };
        let (factor, unit) = match metric.opt("unit").and_then(|u| u.as_str()) {
            Some("Bytes") => (1.0, Unit::Bytes),
            Some("Percent") => (1.0, Unit::Percent),
            Some(other) => unit_or_name((1.0, Unit::Other(other.to_string())), &name),
            None => unit_from_name(&name, Unit::Unknown),
        };
        for ts in timeseries.items()? {
            let mut s = Series::new(name.clone(), unit.clone());
            if let Some(meta) = ts.opt("metadatavalues") {
                for m in meta.items()? {
                    let key = m.get("name")?;
                    let key = key.opt("value").map_or_else(|| key.str(), |k| k.str())?;
                    s.labels.insert(key.to_string(), m.opt("value").and_then(|v| v.label_text()).unwrap_or_default());
                }
            }
            if let Some(data) = ts.opt("data") {
                for point in data.items()? {
                    let t = point.get("timeStamp")?.time_ms()?;
                    let v = point.opt(aggregation).map_or(Ok(f64::NAN), |v| v.number())?;
                    s.push(t, v);
                }
            }
            scale(&mut s, factor);
            series.push(s);
        }
    }
    name_by_differences(&mut series);
    Ok(series)
}

fn add_labels(s: &mut Series, labels: Option<J>) -> Result<()> {
    if let Some(labels) = labels {
        for (k, v) in labels.entries()? {
            s.labels.insert(k.to_string(), v.label_text().unwrap_or_default());
        }
    }
    Ok(())
}

fn parse_gcp(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    let top_unit = root.opt("unit").and_then(|u| u.as_str()).unwrap_or("");
    let mut series = Vec::new();
    for ts in root.get("timeSeries")?.items()? {
        let metric = ts.get("metric")?;
        let name = metric.opt("type").and_then(|t| t.as_str()).unwrap_or("").to_string();
        let mut s = Series::new(name.clone(), Unit::Unknown);
        add_labels(&mut s, metric.opt("labels"))?;
        if let Some(resource) = ts.opt("resource") {
            add_labels(&mut s, resource.opt("labels"))?;
        }
        for point in ts.get("points")?.items()? {
            let interval = point.get("interval")?;
            let t = interval.opt("endTime").map_or_else(|| interval.get("startTime")?.time_ms(), |e| e.time_ms())?;
            let value = point.get("value")?;
            let v = if let Some(v) = value.opt("doubleValue").or_else(|| value.opt("int64Value")) {
                v.number()?
            } else if let Some(b) = value.opt("boolValue") {
                if b.as_bool() == Some(true) {
                    1.0
                } else {
                    0.0
                }
            } else if let Some(d) = value.opt("distributionValue") {
                d.opt("mean").map_or(Ok(f64::NAN), |m| m.number())?
            } else {
                return Err(
                    value.error("expected \"doubleValue\", \"int64Value\", \"boolValue\" or \"distributionValue\"")
                );
            };
            s.push(t, v);
        }
        let unit = ts.opt("unit").and_then(|u| u.as_str()).unwrap_or(top_unit);
        let (factor, unit) = unit_or_name(ucum_unit(unit), &name);
        scale(&mut s, factor);
        s.unit = unit;
        series.push(s);
    }
    name_by_differences(&mut series);
    Ok(series)
}

/// OTLP `attributes: [{key, value: {stringValue|intValue|doubleValue|boolValue}}]` as labels.
fn otlp_attributes(attributes: Option<J>, out: &mut Labels) -> Result<()> {
    let Some(attributes) = attributes else { return Ok(()) };
    for a in attributes.items()? {
        let key = a.get("key")?.str()?.to_string();
        let value = a.opt("value").and_then(|v| v.entries().ok()?.next().and_then(|(_, x)| x.label_text()));
        out.insert(key, value.unwrap_or_default());
    }
    Ok(())
}

struct Otlp {
    series: Vec<Series>,
    index: HashMap<String, usize>,
}

fn parse_otlp(input: &Input) -> Result<Vec<Series>> {
    let mut otlp = Otlp { series: Vec::new(), index: HashMap::new() };
    if input.json().is_some() {
        otlp_document(&input.json_root()?, &mut otlp)?;
    } else {
        // The collector's file exporter: one document per line.
        for (i, line) in input.text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v = Tree::parse(line).map_err(|e| {
                Error::line(input.name, i + 1, format!("expected one OTLP JSON document per line: {e}"))
            })?;
            let root = J::root(input.name, &v);
            otlp_document(&root, &mut otlp).map_err(|e| Error::line(input.name, i + 1, e.to_string()))?;
        }
    }
    let mut series = otlp.series;
    name_by_differences(&mut series);
    Ok(series)
}

fn otlp_document(root: &J, otlp: &mut Otlp) -> Result<()> {
    for rm in root.get("resourceMetrics")?.items()? {
        let mut resource_labels = Labels::new();
        if let Some(resource) = rm.opt("resource") {
            otlp_attributes(resource.opt("attributes"), &mut resource_labels)?;
        }
        let Some(scopes) = rm.opt("scopeMetrics").or_else(|| rm.opt("instrumentationLibraryMetrics")) else { continue };
        for sm in scopes.items()? {
            let Some(metrics) = sm.opt("metrics") else { continue };
            for metric in metrics.items()? {
                let name = metric.get("name")?.str()?.to_string();
                let (factor, unit) =
                    unit_or_name(ucum_unit(metric.opt("unit").and_then(|u| u.as_str()).unwrap_or("")), &name);
                let Some(body) = metric.opt("gauge").or_else(|| metric.opt("sum")) else { continue };
                let Some(points) = body.opt("dataPoints") else { continue };
                for p in points.items()? {
                    let mut labels = resource_labels.clone();
                    otlp_attributes(p.opt("attributes"), &mut labels)?;
                    let t = p.get("timeUnixNano")?.time_scaled(1e-6)?;
                    let v = match p.opt("asDouble").or_else(|| p.opt("asInt")) {
                        Some(v) => v.number()?,
                        None => f64::NAN,
                    };
                    let key = format!("{name}\u{1}{labels:?}");
                    let k = match otlp.index.get(&key) {
                        Some(&k) => k,
                        None => {
                            let mut s = Series::new(name.clone(), unit.clone());
                            s.labels = labels;
                            otlp.series.push(s);
                            otlp.index.insert(key, otlp.series.len() - 1);
                            otlp.series.len() - 1
                        }
                    };
                    if let Some(s) = otlp.series.get_mut(k) {
                        s.push(t, v * factor);
                    }
                }
            }
        }
    }
    Ok(())
}
