//! The one data model every stage shares: a [`Series`] of timestamps and values with a name,
//! labels, a unit and, where the source knows one, a memory limit.
//!
//! Ingest produces it, analysis reads it, the chart draws it; nothing downstream re-parses input.
//! This module depends on nothing but `std` and `serde`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The unit of a series' values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(into = "String", from = "String")]
pub enum Unit {
    /// Bytes: every known memory unit (KiB, MiB, GB, pages, ...) is normalised to this.
    Bytes,
    /// A percentage (0–100) of some capacity.
    Percent,
    /// Anything else, named as the source names it (or empty when unknown).
    #[default]
    Unknown,
    /// A unit we keep as given.
    Other(String),
}

impl From<Unit> for String {
    fn from(unit: Unit) -> String {
        match unit {
            Unit::Bytes => "bytes".into(),
            Unit::Percent => "percent".into(),
            Unit::Unknown => "".into(),
            Unit::Other(name) => name,
        }
    }
}

impl From<String> for Unit {
    fn from(name: String) -> Unit {
        match name.as_str() {
            "bytes" => Unit::Bytes,
            "percent" => Unit::Percent,
            "" => Unit::Unknown,
            _ => Unit::Other(name),
        }
    }
}

/// What the x axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TimeAxis {
    /// Milliseconds since the Unix epoch, UTC.
    #[default]
    Epoch,
    /// Milliseconds since the start of a recording whose wall-clock start is unknown
    /// (psrecord, uptime-decorated GC logs) until the user gives one.
    Relative,
    /// Executed instructions (massif `time_unit=i`): not time at all.
    Instructions,
    /// Allocated bytes (massif `time_unit=B`): not time at all.
    AllocatedBytes,
}

impl TimeAxis {
    /// True when the axis measures wall-clock time (absolute or relative).
    pub fn is_time(self) -> bool {
        matches!(self, TimeAxis::Epoch | TimeAxis::Relative)
    }
}

/// One time series: sorted by time, without duplicate timestamps, missing values left out
/// (a gap is a stretch of time with no samples, never interpolated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Series {
    /// A readable name: the metric and its distinguishing labels.
    pub name: String,
    /// The labels that identify this series among its siblings in the same file.
    pub labels: BTreeMap<String, String>,
    /// The unit of `values`.
    pub unit: Unit,
    /// What `times_ms` counts (epoch milliseconds unless stated).
    pub time_axis: TimeAxis,
    /// Sample times, strictly increasing.
    pub times_ms: Vec<i64>,
    /// Sample values, finite, one per time.
    pub values: Vec<f64>,
    /// A capacity the source states (a container memory limit, a heap capacity), in `unit`.
    pub limit: Option<f64>,
}

impl Series {
    /// A series with a name and a unit and no samples yet.
    pub fn new(name: impl Into<String>, unit: Unit) -> Self {
        Series { name: name.into(), unit, ..Series::default() }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.times_ms.len()
    }

    /// True when the series holds no sample.
    pub fn is_empty(&self) -> bool {
        self.times_ms.is_empty()
    }

    /// Appends a sample; call [`Series::normalize`] once all are in.
    pub fn push(&mut self, time_ms: i64, value: f64) {
        self.times_ms.push(time_ms);
        self.values.push(value);
    }

    /// Restores the model's invariants after raw appends: drops non-finite values, sorts by time
    /// (stable, so equal times keep file order) and merges duplicate timestamps by keeping the
    /// last value seen (a re-scrape of the same instant supersedes the earlier one).
    /// Returns the number of duplicate timestamps that were merged.
    pub fn normalize(&mut self) -> usize {
        // The common case, already in order with finite values, costs one pass and no copy.
        if self.times_ms.len() == self.values.len()
            && self.times_ms.windows(2).all(|w| w[0] < w[1])
            && self.values.iter().all(|v| v.is_finite())
        {
            return 0;
        }
        let mut pairs: Vec<(i64, f64)> =
            self.times_ms.iter().copied().zip(self.values.iter().copied()).filter(|(_, v)| v.is_finite()).collect();
        let sorted = pairs.windows(2).all(|w| w[0].0 <= w[1].0);
        if !sorted {
            pairs.sort_by_key(|p| p.0);
        }
        let mut merged = 0;
        let mut out_t = Vec::with_capacity(pairs.len());
        let mut out_v = Vec::with_capacity(pairs.len());
        for (t, v) in pairs {
            if out_t.last() == Some(&t) {
                if let Some(last) = out_v.last_mut() {
                    *last = v;
                }
                merged += 1;
            } else {
                out_t.push(t);
                out_v.push(v);
            }
        }
        self.times_ms = out_t;
        self.values = out_v;
        merged
    }

    /// The first and last sample time, if any.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        Some((*self.times_ms.first()?, *self.times_ms.last()?))
    }
}

/// Builds a readable series name from a metric name and its labels, Prometheus style:
/// `metric{a="1", b="2"}`; labels alone when there is no metric name.
pub fn display_name(metric: &str, labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return metric.to_string();
    }
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{metric}{{{}}}", inner.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_sorts_merges_and_drops_non_finite() {
        let mut s = Series::new("m", Unit::Bytes);
        for (t, v) in [(3, 3.0), (1, 1.0), (2, f64::NAN), (3, 4.0), (2, 2.0)] {
            s.push(t, v);
        }
        assert_eq!(s.normalize(), 1);
        assert_eq!(s.times_ms, vec![1, 2, 3]);
        assert_eq!(s.values, vec![1.0, 2.0, 4.0]);
    }

    #[test]
    fn unit_round_trips_as_string() {
        for unit in [Unit::Bytes, Unit::Percent, Unit::Unknown, Unit::Other("req/s".into())] {
            let json = serde_json::to_string(&unit).unwrap();
            assert_eq!(serde_json::from_str::<Unit>(&json).unwrap(), unit);
        }
    }

    #[test]
    fn display_name_formats_labels() {
        let mut labels = BTreeMap::new();
        labels.insert("pod".to_string(), "api-0".to_string());
        assert_eq!(display_name("mem", &labels), "mem{pod=\"api-0\"}");
        assert_eq!(display_name("mem", &BTreeMap::new()), "mem");
    }
}
