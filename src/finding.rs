//! A finding: the single source of truth every reporter renders.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A secondary location with a short message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

/// One problem found in one file. Spans are byte ranges into the decoded text of the file
/// (`SourceFile::text`); reporters map them to file offsets and line/column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong (lowercase, no trailing period).
    pub message: String,
    /// The thing at fault.
    pub span: Range<usize>,
    /// What the primary span is.
    pub label: String,
    /// Other places that explain the finding (e.g. each purpose a bundled checkbox covers).
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: String,
}
