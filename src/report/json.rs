//! `--format json`: one versioned JSON document. The schema is documented in the README and
//! kept apart from internal types.

use serde::Serialize;

use super::{RunResult, display_path, locate};
use crate::finding::Severity;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<Diagnostic<'a>>,
    summary: Summary,
    errors: Vec<FileError>,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    path: String,
    #[serde(flatten)]
    at: Position,
    message: &'a str,
    label: &'a str,
    help: &'a str,
    labels: Vec<SecondaryLabel<'a>>,
}

#[derive(Serialize)]
struct SecondaryLabel<'a> {
    message: &'a str,
    #[serde(flatten)]
    at: Position,
}

/// 1-based line/column of the start and (exclusive) end; byte offset and length in the file.
#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: usize,
    length: usize,
}

impl Position {
    fn of(source: &crate::source::SourceFile, span: &std::ops::Range<usize>) -> Position {
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
        for f in &file.findings {
            diagnostics.push(Diagnostic {
                rule: f.rule,
                severity: f.severity,
                path: path.clone(),
                at: Position::of(&file.source, &f.span),
                message: &f.message,
                label: &f.label,
                help: &f.help,
                labels: f
                    .secondary
                    .iter()
                    .map(|l| SecondaryLabel { message: &l.message, at: Position::of(&file.source, &l.span) })
                    .collect(),
            });
        }
    }
    let out = Output {
        version: 1,
        summary: Summary {
            files_checked: result.files.len(),
            errors: result.count(Severity::Error),
            warnings: result.count(Severity::Warning),
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
