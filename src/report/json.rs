//! `--format json`: one versioned JSON document. The schema is documented in the README and
//! kept apart from internal types.

use serde::Serialize;

use super::{RunResult, display_path, locate};
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<Diagnostic<'a>>,
    summary: Summary,
    errors: Vec<FileError>,
}

/// One finding, as `json` lists it under `diagnostics` and `jsonl` prints it per line.
#[derive(Serialize)]
pub(crate) struct Diagnostic<'a> {
    pub(crate) rule: &'a str,
    pub(crate) severity: Severity,
    pub(crate) path: String,
    #[serde(flatten)]
    pub(crate) at: Position,
    pub(crate) message: &'a str,
    pub(crate) label: &'a str,
    pub(crate) help: &'a str,
    pub(crate) labels: Vec<SecondaryLabel<'a>>,
}

impl<'a> Diagnostic<'a> {
    /// The diagnostic for one finding of a file whose display path is `path`.
    pub(crate) fn of(path: &str, source: &SourceFile, f: &'a Finding) -> Diagnostic<'a> {
        Diagnostic {
            rule: f.rule,
            severity: f.severity,
            path: path.to_string(),
            at: Position::of(source, &f.span),
            message: &f.message,
            label: &f.label,
            help: &f.help,
            labels: f
                .secondary
                .iter()
                .map(|l| SecondaryLabel { message: &l.message, at: Position::of(source, &l.span) })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct SecondaryLabel<'a> {
    pub(crate) message: &'a str,
    #[serde(flatten)]
    pub(crate) at: Position,
}

/// 1-based line/column of the start and (exclusive) end; byte offset and length in the file.
#[derive(Serialize)]
pub(crate) struct Position {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) end_line: usize,
    pub(crate) end_column: usize,
    pub(crate) offset: usize,
    pub(crate) length: usize,
}

impl Position {
    pub(crate) fn of(source: &SourceFile, span: &std::ops::Range<usize>) -> Position {
        let loc = locate(source, span);
        Position {
            line: loc.start.line,
            column: loc.start.column,
            end_line: loc.end.line,
            end_column: loc.end.column,
            offset: loc.offset,
            length: loc.length,
        }
    }
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    files_with_errors: usize,
    unreadable_files: usize,
}

#[derive(Serialize)]
struct FileError {
    path: String,
    message: String,
}

pub fn render(result: &RunResult) -> String {
    let mut diagnostics = Vec::new();
    for file in &result.files {
        let path = display_path(&file.source.path);
        diagnostics.extend(file.findings.iter().map(|f| Diagnostic::of(&path, &file.source, f)));
    }
    let out = Output {
        version: 1,
        summary: Summary {
            files_checked: result.files.len(),
            errors: result.count(Severity::Error),
            warnings: result.count(Severity::Warning),
            infos: result.count(Severity::Info),
            files_with_errors: result
                .files
                .iter()
                .filter(|f| f.findings.iter().any(|x| x.severity == Severity::Error))
                .count(),
            unreadable_files: result.errors.len(),
        },
        diagnostics,
        errors: result.errors.iter().map(|(p, m)| FileError { path: display_path(p), message: m.clone() }).collect(),
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
