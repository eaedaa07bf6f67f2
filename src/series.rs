//! The one data model every stage shares: a [`Series`] of timestamps and values with a name,
//! labels, a unit and, where the source knows one, a memory limit.
//!
//! Ingest produces it, analysis reads it, the chart draws it; nothing downstream re-parses input.
//! This module depends on nothing but `std` and `serde`.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;

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
    pub labels: Labels,
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

/// The labels of a series, name → value: sorted by name, each name once, like a
/// `BTreeMap<String, String>` and serialized the same way (a JSON object, keys in order).
///
/// A sorted vector, sized exactly for the few labels a series has, rather than a `BTreeMap`,
/// which allocates a node for eleven entries (544 bytes) for even one label: over 100,000
/// series, and again in each series' report, that node alone outweighed the input.
///
/// ```
/// use leakscope::series::Labels;
/// let mut labels = Labels::new();
/// labels.insert("pod".into(), "api-0".into());
/// labels.insert("job".into(), "api".into());
/// assert_eq!(labels.keys().collect::<Vec<_>>(), ["job", "pod"]);
/// assert_eq!(labels["pod"], "api-0");
/// assert_eq!(serde_json::to_string(&labels).unwrap(), r#"{"job":"api","pod":"api-0"}"#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    /// No labels; allocates nothing.
    pub fn new() -> Self {
        Labels(Vec::new())
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is no label.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes every label.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        String: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of label `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&String>
    where
        String: Borrow<Q>,
    {
        self.position(key).ok().and_then(|i| self.0.get(i)).map(|(_, v)| v)
    }

    /// True when label `key` is present.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        String: Borrow<Q>,
    {
        self.position(key).is_ok()
    }

    /// Sets label `key`, returning its previous value.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.position(key.as_str()) {
            Ok(i) => self.0.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                // Exactly sized while small (the usual one to five labels), amortized beyond.
                if self.0.len() == self.0.capacity() && self.0.len() < 16 {
                    self.0.reserve_exact(1);
                }
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes label `key`, returning its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<String>
    where
        String: Borrow<Q>,
    {
        self.position(key).ok().map(|i| self.0.remove(i).1)
    }

    /// The labels in name order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &String)> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The label names in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    /// The label values in name order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.iter().map(|(_, v)| v)
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Labels {
    type Output = String;
    /// The value of a label that must be present.
    ///
    /// # Panics
    /// When the label is absent, like `BTreeMap`'s index (for tests; code uses [`Labels::get`]).
    fn index(&self, key: &str) -> &String {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no label {key:?}"),
        }
    }
}

impl FromIterator<(String, String)> for Labels {
    /// Collects labels; a repeated name keeps its last value, as `BTreeMap` does.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut labels = Labels::new();
        labels.extend(iter);
        labels
    }
}

impl Extend<(String, String)> for Labels {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<const N: usize> From<[(String, String); N]> for Labels {
    fn from(pairs: [(String, String); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl IntoIterator for Labels {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LabelsVisitor;
        impl<'de> Visitor<'de> for LabelsVisitor {
            type Value = Labels;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of label names and string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Labels, A::Error> {
                let mut labels = Labels::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    labels.insert(k, v);
                }
                Ok(labels)
            }
        }
        deserializer.deserialize_map(LabelsVisitor)
    }
}

/// Builds a readable series name from a metric name and its labels, Prometheus style:
/// `metric{a="1", b="2"}`; labels alone when there is no metric name.
pub fn display_name(metric: &str, labels: &Labels) -> String {
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
    fn labels_behave_and_serialize_like_a_btreemap() {
        use std::collections::BTreeMap;
        let pairs = [("pod", "b"), ("job", "x"), ("a\"b", "q"), ("pod", "c"), ("Z", ""), ("é", "1")];
        let mut labels = Labels::new();
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            assert_eq!(labels.insert(k.into(), v.into()), map.insert(k.to_string(), v.to_string()));
        }
        assert_eq!(labels.iter().collect::<Vec<_>>(), map.iter().collect::<Vec<_>>());
        assert_eq!(serde_json::to_string_pretty(&labels).unwrap(), serde_json::to_string_pretty(&map).unwrap());
        assert_eq!(format!("{labels:?}"), format!("{map:?}"));
        let back: Labels = serde_json::from_str(r#"{"b":"1","a":"2","b":"3"}"#).unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), [(&"a".to_string(), &"2".to_string()), (&"b".into(), &"3".into())]);
        assert_eq!(labels.remove("job"), map.remove("job"));
        assert_eq!(labels.get("pod"), map.get("pod"));
        assert!(!labels.contains_key("job"));
        assert_eq!(serde_json::to_string(&Labels::new()).unwrap(), "{}");
    }

    #[test]
    fn display_name_formats_labels() {
        let mut labels = Labels::new();
        labels.insert("pod".to_string(), "api-0".to_string());
        assert_eq!(display_name("mem", &labels), "mem{pod=\"api-0\"}");
        assert_eq!(display_name("mem", &Labels::new()), "mem");
    }
}
