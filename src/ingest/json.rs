//! A JSON accessor that remembers where it is, so every error names its JSON path
//! (`$.data.result[3].values[17]`) and what was expected there.
//!
//! [`J`] wraps a `serde_json::Value` and a link to its parent; the path is only spelled out when an
//! error is built, so walking a large document costs no string work. Also holds the helpers the
//! JSON formats share (numbers given as strings, timestamps given as numbers or text).
//! Depends on `serde_json`, the error type and the time helpers; never on a format.

use super::time::{epoch_to_ms, parse_timestamp};
use crate::error::Error;
use serde_json::Value;

/// One step of a JSON path.
#[derive(Debug, Clone, Copy)]
enum Step<'v> {
    Root,
    Key(&'v str),
    Index(usize),
}

/// A JSON value with its path from the document root and the input's name, for errors.
#[derive(Debug, Clone, Copy)]
pub struct J<'v, 'p> {
    /// The value itself.
    pub v: &'v Value,
    name: &'v str,
    parent: Option<&'p J<'v, 'p>>,
    step: Step<'v>,
}

/// Describes a JSON value's kind for messages: `a string`, `null`, `an array`, ...
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'v, 'p> J<'v, 'p> {
    /// The document root (`$`) of the input named `name`.
    pub fn root(name: &'v str, v: &'v Value) -> Self {
        J { v, name, parent: None, step: Step::Root }
    }

    /// The path of this value, like `$.data.result[3]`.
    pub fn path(&self) -> String {
        let mut steps = Vec::new();
        let mut at = Some(self);
        while let Some(j) = at {
            steps.push(j.step);
            at = j.parent;
        }
        let mut out = String::new();
        for step in steps.iter().rev() {
            match step {
                Step::Root => out.push('$'),
                Step::Key(k) if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Key(k) => out.push_str(&format!("[{}]", serde_json::to_string(k).unwrap_or_default())),
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// An error at this value's path.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::json(self.name, self.path(), message)
    }

    /// An error saying what was expected here and what was found.
    pub fn expected(&self, what: &str) -> Error {
        self.error(format!("expected {what}, found {}", describe(self.v)))
    }

    /// The member `key` of this object, or an error when this is not an object or lacks it.
    pub fn get<'s>(&'s self, key: &'v str) -> Result<J<'v, 's>, Error> {
        match self.v {
            Value::Object(map) => match map.get(key) {
                Some(v) => Ok(J { v, name: self.name, parent: Some(self), step: Step::Key(key) }),
                None => Err(self.error(format!("expected a field \"{key}\""))),
            },
            other => Err(self.error(format!("expected an object with a field \"{key}\", found {}", kind(other)))),
        }
    }

    /// The member `key` when this is an object holding it with a non-null value.
    pub fn opt<'s>(&'s self, key: &'v str) -> Option<J<'v, 's>> {
        match self.v.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(J { v, name: self.name, parent: Some(self), step: Step::Key(key) }),
        }
    }

    /// The elements of this array with their paths, or an error when this is not an array.
    pub fn items<'s>(&'s self) -> Result<impl Iterator<Item = J<'v, 's>> + 's, Error> {
        let array = self.v.as_array().ok_or_else(|| self.expected("an array"))?;
        Ok(array.iter().enumerate().map(move |(i, v)| J {
            v,
            name: self.name,
            parent: Some(self),
            step: Step::Index(i),
        }))
    }

    /// The members of this object with their paths, or an error when this is not an object.
    pub fn entries<'s>(&'s self) -> Result<impl Iterator<Item = (&'v str, J<'v, 's>)> + 's, Error> {
        let map = self.v.as_object().ok_or_else(|| self.expected("an object"))?;
        Ok(map.iter().map(move |(k, v)| (k.as_str(), J { v, name: self.name, parent: Some(self), step: Step::Key(k) })))
    }

    /// The text of this string, or an error.
    pub fn str(&self) -> Result<&'v str, Error> {
        self.v.as_str().ok_or_else(|| self.expected("a string"))
    }

    /// A string, number or boolean rendered as label text (`None` for null, arrays, objects).
    pub fn label_text(&self) -> Option<String> {
        match self.v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A sample value: a number, a numeric string (`"1.5"`, `"NaN"`, `"+Inf"`), or null (missing,
    /// returned as NaN so it becomes a gap).
    pub fn number(&self) -> Result<f64, Error> {
        match self.v {
            Value::Number(n) => n.as_f64().ok_or_else(|| self.expected("a number")),
            Value::Null => Ok(f64::NAN),
            Value::String(s) => parse_number_text(s).ok_or_else(|| self.expected("a number")),
            _ => Err(self.expected("a number")),
        }
    }

    /// A timestamp: an epoch number (s, ms, µs or ns, told by magnitude), a numeric string, or
    /// an RFC 3339 / `YYYY-MM-DD HH:MM:SS` string. Returns epoch milliseconds.
    pub fn time_ms(&self) -> Result<i64, Error> {
        let found = match self.v {
            Value::Number(n) => n.as_f64().and_then(epoch_to_ms),
            Value::String(s) => parse_timestamp(s),
            _ => None,
        };
        found.ok_or_else(|| self.expected("a timestamp (epoch number or RFC 3339 text)"))
    }

    /// A timestamp whose epoch unit is known (`scale_to_ms` multiplies the number to ms), as a
    /// number or a numeric string. Returns epoch milliseconds.
    pub fn time_scaled(&self, scale_to_ms: f64) -> Result<i64, Error> {
        let raw = match self.v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        raw.map(|x| x * scale_to_ms)
            .filter(|ms| ms.is_finite() && ms.abs() < 1e16)
            .map(|ms| ms.round() as i64)
            .ok_or_else(|| self.expected("an epoch timestamp"))
    }
}

/// A short description of a value for messages: its kind, with the text of short scalars.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{}\"", super::csv::clip(s)),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        other => kind(other).to_string(),
    }
}

/// Parses a number written as text in JSON: plain decimal, `NaN`, `+Inf`, `-Inf`.
pub fn parse_number_text(text: &str) -> Option<f64> {
    if let Some(v) = super::units::parse_plain_decimal(text.as_bytes()) {
        return Some(v);
    }
    let t = text.trim();
    if let Ok(v) = t.parse::<f64>() {
        return Some(v);
    }
    match t.to_ascii_lowercase().as_str() {
        "+inf" | "inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" | "null" | "" => Some(f64::NAN),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_spelled_on_error() {
        let v: Value = serde_json::from_str(r#"{"data":{"result":[{"values":[[1,"x"]]}],"a b":1}}"#).unwrap();
        let root = J::root("q.json", &v);
        let data = root.get("data").unwrap();
        let result = data.get("result").unwrap();
        let first = result.items().unwrap().next().unwrap();
        let values = first.get("values").unwrap();
        let pair = values.items().unwrap().next().unwrap();
        let cell = pair.items().unwrap().nth(1).unwrap();
        assert_eq!(
            cell.number().unwrap_err().to_string(),
            "q.json: at $.data.result[0].values[0][1]: expected a number, found \"x\""
        );
        assert_eq!(data.get("a b").unwrap().path(), "$.data[\"a b\"]");
        assert!(root.get("nope").unwrap_err().to_string().contains("expected a field \"nope\""));
    }
}
