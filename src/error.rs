//! The crate's one error type.
//!
//! Every failure a user can cause (a file we cannot read, a malformed link, an option out of
//! range) becomes an [`Error`] whose message says *where* (file, line or JSON path) and *what was
//! expected*. Messages are lower-case and precise, in the style of
//! `export.csv:42: expected a number in column "value", found "n/a"`.
//!
//! This module depends on nothing but `std`; it must never name a web type.

use std::fmt;

/// Where in the input an error was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Location {
    /// No finer location than the file itself.
    #[default]
    File,
    /// A 1-based line number in a text input.
    Line(usize),
    /// A JSON path such as `$.data.result[3].values[17]`.
    JsonPath(String),
}

/// An error with a location and a message meant for the person who gave us the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The name of the input (a file name, `-` for stdin, `link` for a shared link).
    pub source_name: String,
    /// Where in that input the problem is.
    pub location: Location,
    /// What was expected and what was found, lower-case, without a trailing period.
    pub message: String,
}

impl Error {
    /// An error about the input as a whole.
    pub fn file(source_name: &str, message: impl Into<String>) -> Self {
        Error { source_name: source_name.to_string(), location: Location::File, message: message.into() }
    }

    /// An error at a 1-based line of a text input.
    pub fn line(source_name: &str, line: usize, message: impl Into<String>) -> Self {
        Error { source_name: source_name.to_string(), location: Location::Line(line), message: message.into() }
    }

    /// An error at a JSON path of a JSON input.
    pub fn json(source_name: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            source_name: source_name.to_string(),
            location: Location::JsonPath(path.into()),
            message: message.into(),
        }
    }

    /// The same error attributed to another input name (used when the name is only known later).
    pub fn with_source(mut self, source_name: &str) -> Self {
        self.source_name = source_name.to_string();
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::File => write!(f, "{}: {}", self.source_name, self.message),
            Location::Line(line) => write!(f, "{}:{}: {}", self.source_name, line, self.message),
            Location::JsonPath(path) => write!(f, "{}: at {}: {}", self.source_name, path, self.message),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_place() {
        assert_eq!(Error::file("a.csv", "the file is empty").to_string(), "a.csv: the file is empty");
        assert_eq!(Error::line("a.csv", 42, "expected a number").to_string(), "a.csv:42: expected a number");
        assert_eq!(
            Error::json("q.json", "$.data.result[0]", "expected an object").to_string(),
            "q.json: at $.data.result[0]: expected an object"
        );
    }
}
