//! Reporters: pure functions of the findings (plus sources) to text. Nothing else in the crate
//! writes to stdout.

pub mod checkstyle;
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub(crate) mod text;

/// Output formats (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Graphical reports with the source excerpt underlined.
    Human,
    /// One JSON document (schema version 1).
    Json,
    /// One line per finding: `path:line:col: rule message`; nothing else.
    Concise,
    /// JSON Lines: one `json` diagnostic object per line per finding.
    Jsonl,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// GitLab Code Quality report (artifacts:reports:codequality).
    Gitlab,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
    /// Checkstyle XML.
    Checkstyle,
    /// Markdown summary for a pull request comment or job summary.
    Markdown,
}

/// Render a run in one format.
pub fn render(format: Format, result: &RunResult, human_opts: &human::Options) -> String {
    match format {
        Format::Human => human::render(result, human_opts),
        Format::Json => json::render(result),
        Format::Concise => concise::render(result),
        Format::Jsonl => jsonl::render(result),
        Format::Sarif => sarif::render(result),
        Format::Github => github::render(result),
        Format::Gitlab => gitlab::render(result),
        Format::Junit => junit::render(result),
        Format::Checkstyle => checkstyle::render(result),
        Format::Markdown => markdown::render(result),
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

/// Lines of context kept around each finding by [`CheckedFile::keep_finding_lines`]: miette
/// shows one, and reads one more past an empty span.
pub const CONTEXT_LINES: usize = 2;

impl CheckedFile {
    /// Drop the text except the lines around findings (all of it when there are none), so a
    /// run holds a few lines per finding however many and however large the files are. Every
    /// reporter gives the same output afterwards.
    pub fn keep_finding_lines(&mut self) {
        if self.findings.is_empty() {
            self.source.release_text();
        } else {
            // One range per finding, from its first label to its last: miette draws a finding's
            // labels as one excerpt whenever their contexts meet (found by the fuzzer: two
            // labels six lines apart were one excerpt from the whole text, two from the kept
            // lines).
            let spans = self.findings.iter().map(|f| {
                let all = std::iter::once(&f.span).chain(f.secondary.iter().map(|l| &l.span));
                let start = all.clone().map(|s| s.start).min().unwrap_or(f.span.start);
                let end = all.map(|s| s.end.max(s.start)).max().unwrap_or(f.span.end);
                start..end
            });
            self.source.retain_lines(spans, CONTEXT_LINES);
        }
    }
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
    let parts = count_parts(result);
    if parts.is_empty() {
        return format!("No problems found in {files_s} ({time}){unreadable}");
    }
    format!("Found {} in {files_s} ({time}){unreadable}", join_and(&parts, ", ", " and "))
}

/// The non-zero counts per severity, worst first: "2 errors", "1 warning", "3 info".
pub fn count_parts(result: &RunResult) -> Vec<String> {
    [(Severity::Error, "error", "errors"), (Severity::Warning, "warning", "warnings"), (Severity::Info, "info", "info")]
        .into_iter()
        .filter_map(|(sev, one, many)| {
            let n = result.count(sev);
            (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
        })
        .collect()
}

/// "a", "a and b", "a, b and c" (with the given separators).
pub fn join_and(parts: &[String], sep: &str, last: &str) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(sep)),
    }
}

/// `--statistics`: findings per rule, most frequent first.
pub fn statistics(result: &RunResult) -> String {
    let mut counts: Vec<(&str, Severity, usize)> = Vec::new();
    for f in result.files.iter().flat_map(|f| &f.findings) {
        match counts.iter_mut().find(|(r, _, _)| *r == f.rule) {
            Some((_, _, n)) => *n += 1,
            None => counts.push((f.rule, f.severity, 1)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    let width = counts.iter().map(|(r, _, _)| r.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (rule, sev, n) in &counts {
        out.push_str(&format!("{n:>6}  {rule:width$}  {sev}\n"));
    }
    out.push_str(&summary_line(result));
    out.push('\n');
    out
}
