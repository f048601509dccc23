//! Reporters: pure functions of the findings (plus sources) to text. Nothing else in the crate
//! writes to stdout.

pub mod human;
pub mod json;

/// Output formats (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Graphical reports with the source excerpt underlined.
    Human,
    /// One JSON document (schema version 1).
    Json,
}

/// Render a run in one format.
pub fn render(format: Format, result: &RunResult, human_opts: &human::Options) -> String {
    match format {
        Format::Human => human::render(result, human_opts),
        Format::Json => json::render(result),
    }
}

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::document::DocumentKind;
use crate::finding::{Finding, Severity};
use crate::source::{LineCol, SourceFile};

/// One checked file with its findings.
pub struct CheckedFile {
    pub source: SourceFile,
    pub findings: Vec<Finding>,
    pub kind: DocumentKind,
}

/// Everything a run produced.
pub struct RunResult {
    /// Files checked, sorted by path.
    pub files: Vec<CheckedFile>,
    /// Files that could not be read or checked: (path, reason).
    pub errors: Vec<(PathBuf, String)>,
    pub elapsed: Duration,
}

impl RunResult {
    pub fn count(&self, severity: Severity) -> usize {
        self.files.iter().flat_map(|f| &f.findings).filter(|f| f.severity == severity).count()
    }
}

/// A path for display: as given, without a leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.to_string()
}

/// Position facts for a span, as every machine format reports them.
pub struct Location {
    pub start: LineCol,
    /// Just past the span (exclusive), like SARIF's endColumn.
    pub end: LineCol,
    /// Byte offset and length in the ORIGINAL file.
    pub offset: usize,
    pub length: usize,
}

pub fn locate(source: &SourceFile, span: &std::ops::Range<usize>) -> Location {
    let offset = source.file_offset(span.start);
    let end_offset = source.file_offset(span.end);
    Location {
        start: source.line_col(span.start),
        end: source.line_col(span.end),
        offset,
        length: end_offset.saturating_sub(offset),
    }
}

/// "Found 2 errors and 1 warning in 12 files (0.03s)" / "No problems found in 12 files (0.03s)".
pub fn summary_line(result: &RunResult) -> String {
    let errors = result.count(Severity::Error);
    let warnings = result.count(Severity::Warning);
    let files = result.files.len();
    let files_s = format!("{files} file{}", if files == 1 { "" } else { "s" });
    let time = format!("{:.2}s", result.elapsed.as_secs_f64());
    let unreadable = if result.errors.is_empty() {
        String::new()
    } else {
        format!(
            "; {} file{} could not be checked",
            result.errors.len(),
            if result.errors.len() == 1 { "" } else { "s" }
        )
    };
    if errors + warnings == 0 {
        return format!("No problems found in {files_s} ({time}){unreadable}");
    }
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!("{errors} error{}", if errors == 1 { "" } else { "s" }));
    }
    if warnings > 0 {
        parts.push(format!("{warnings} warning{}", if warnings == 1 { "" } else { "s" }));
    }
    format!("Found {} in {files_s} ({time}){unreadable}", parts.join(" and "))
}
