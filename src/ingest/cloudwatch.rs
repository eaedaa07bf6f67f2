//! AWS CloudWatch: `aws cloudwatch get-metric-data` (`MetricDataResults[]`, newest first by
//! default) and `get-metric-statistics` (`Datapoints[]` in no order, one series per statistic).
//! Depends on the JSON accessor and the series model only.

use super::json::J;
use super::{name_by_differences, scale, unit_from_name, Format, Input};
use crate::error::Result;
use crate::series::{Series, Unit};

/// `get-metric-data` output.
pub static CLOUDWATCH_METRIC_DATA: Format = Format {
    id: "cloudwatch-get-metric-data",
    label: "CloudWatch get-metric-data",
    reads_only_the_tree: true,
    sniff: |input| has_key(input, "MetricDataResults"),
    parse: parse_metric_data,
};

/// `get-metric-statistics` output.
pub static CLOUDWATCH_METRIC_STATISTICS: Format = Format {
    id: "cloudwatch-get-metric-statistics",
    label: "CloudWatch get-metric-statistics",
    reads_only_the_tree: true,
    sniff: |input| has_key(input, "Datapoints"),
    parse: parse_statistics,
};

fn has_key(input: &Input, key: &str) -> bool {
    input.first_char() == Some('{')
        && input.head().contains(key)
        && input.json().and_then(|v| v.get(key)).is_some_and(|v| v.is_array())
}

/// A CloudWatch unit name (`Bytes`, `Kilobytes`, `Percent`, ...) with its factor.
fn cloudwatch_unit(name: &str) -> (f64, Unit) {
    match name {
        "Bytes" => (1.0, Unit::Bytes),
        "Kilobytes" => (1024.0, Unit::Bytes),
        "Megabytes" => (1024.0 * 1024.0, Unit::Bytes),
        "Gigabytes" => (1024f64.powi(3), Unit::Bytes),
        "Terabytes" => (1024f64.powi(4), Unit::Bytes),
        "Percent" => (1.0, Unit::Percent),
        "None" | "" => (1.0, Unit::Unknown),
        other => (1.0, Unit::Other(other.to_string())),
    }
}

/// The unit a metric label implies: `..._bytes`, `MemoryUtilization` (a percentage).
fn unit_of_label(label: &str) -> (f64, Unit) {
    if label.ends_with("Utilization") || label.ends_with("_percent") {
        return (1.0, Unit::Percent);
    }
    unit_from_name(label, Unit::Unknown)
}

fn parse_metric_data(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    let mut series = Vec::new();
    for result in root.get("MetricDataResults")?.items()? {
        let label = match result.opt("Label").or_else(|| result.opt("Id")) {
            Some(l) => l.str()?.to_string(),
            None => String::new(),
        };
        let mut s = Series::new(label, Unit::Unknown);
        let times_j = result.get("Timestamps")?;
        let times: Vec<J> = times_j.items()?.collect();
        let values_j = result.get("Values")?;
        let values: Vec<J> = values_j.items()?.collect();
        if times.len() != values.len() {
            return Err(values_j.error(format!(
                "expected as many values as timestamps ({}), found {}",
                times.len(),
                values.len()
            )));
        }
        for (t, v) in times.iter().zip(&values) {
            s.push(t.time_ms()?, v.number()?);
        }
        let (factor, unit) = unit_of_label(&s.name);
        scale(&mut s, factor);
        s.unit = unit;
        series.push(s);
    }
    name_by_differences(&mut series);
    Ok(series)
}

const STATISTICS: [&str; 5] = ["Average", "Maximum", "Minimum", "Sum", "SampleCount"];

fn parse_statistics(input: &Input) -> Result<Vec<Series>> {
    let root = input.json_root()?;
    let label = root.opt("Label").and_then(|l| l.as_str()).unwrap_or("").to_string();
    let mut series: Vec<Series> = Vec::new();
    let find = |series: &mut Vec<Series>, statistic: &str| -> usize {
        match series.iter().position(|s| s.labels.get("statistic").map(String::as_str) == Some(statistic)) {
            Some(i) => i,
            None => {
                let mut s = Series::new(label.clone(), Unit::Unknown);
                s.labels.insert("statistic".into(), statistic.to_string());
                series.push(s);
                series.len() - 1
            }
        }
    };
    let mut unit_name = String::new();
    for point in root.get("Datapoints")?.items()? {
        let t = point.get("Timestamp")?.time_ms()?;
        if let Some(u) = point.opt("Unit").and_then(|u| u.as_str()) {
            unit_name = u.to_string();
        }
        for statistic in STATISTICS {
            if let Some(v) = point.opt(statistic) {
                let i = find(&mut series, statistic);
                series[i].push(t, v.number()?);
            }
        }
        if let Some(extended) = point.opt("ExtendedStatistics") {
            for (name, v) in extended.entries()? {
                let i = find(&mut series, name);
                series[i].push(t, v.number()?);
            }
        }
    }
    let (factor, unit) = if unit_name.is_empty() { unit_of_label(&label) } else { cloudwatch_unit(&unit_name) };
    for s in &mut series {
        scale(s, factor);
        s.unit = unit.clone();
    }
    name_by_differences(&mut series);
    Ok(series)
}
