//! `--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`), the
//! subset of the Code Climate issue format that GitLab documents: a JSON array of
//!
//! ```json
//! { "description": "...", "check_name": "RULE", "fingerprint": "16 hex digits",
//!   "severity": "major", "location": { "path": "a/b.html", "lines": { "begin": 6, "end": 6 } } }
//! ```
//!
//! - `description` is `RULE: message`: GitLab's merge request widget shows the description, not
//!   the check name, and the rule name is what `consentlint rule NAME` explains.
//! - `severity`: error → `major`, warning → `minor`, info → `info` (GitLab's five levels are info, minor,
//!   major, critical, blocker; `major` is what ESLint's and Stylelint's GitLab formatters use
//!   for errors, and it leaves `critical`/`blocker` for problems that break a build or a site).
//! - `fingerprint` is `finding::file_fingerprints` (rule, normalised offending tag, path and
//!   occurrence): stable when unrelated edits move lines, so GitLab can tell new from fixed.
//! - `location.path` is the path as given or found, with forward slashes and no leading `./`
//!   (run consentlint from the repository root so that it is relative to it).
//! - Files that could not be read are not code quality issues: they are reported on stderr and
//!   by exit code 2. A clean run prints `[]`.

use serde::Serialize;

use super::text::slash_path;
use super::{RunResult, locate};
use crate::finding::{Severity, file_fingerprints};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render(result: &RunResult) -> String {
    let mut issues = Vec::new();
    for file in &result.files {
        let path = slash_path(&file.source.path);
        let fingerprints = file_fingerprints(&path, &file.findings);
        for (f, fingerprint) in file.findings.iter().zip(fingerprints) {
            let loc = locate(&file.source, &f.span);
            issues.push(Issue {
                description: format!("{}: {}", f.rule, f.message),
                check_name: f.rule,
                fingerprint,
                severity: match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: Location { path: path.clone(), lines: Lines { begin: loc.start.line, end: loc.end.line } },
            });
        }
    }
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}
