//! `--format github`: GitHub Actions workflow commands, one per finding, which the runner turns
//! into annotations on the pull request's diff:
//!
//! ```text
//! ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::MESSAGE%0Ahelp: HELP
//! ```
//!
//! - `warning` instead of `error` for findings of severity warning, `notice` for info.
//! - `endColumn` is exclusive (just past the span), as in every consentlint format.
//! - GitHub accepts columns only when the annotation starts and ends on the same line, so a
//!   span over several lines gives `line` and `endLine` without `col`/`endColumn`.
//! - Escaping is the runner's own (`ActionCommand.cs`, `::` syntax): in property values `%`,
//!   CR, LF, `:` and `,`; in the message `%`, CR and LF. Nothing else is unescaped by the
//!   runner, so nothing else is escaped (a `%3B` for `;` would show up literally).
//! - A file that could not be read gives `::error file=PATH,title=consentlint::...`; it is also
//!   reported on stderr and by exit code 2.
//!
//! No summary line: every line is a command.

use super::{RunResult, display_path, locate};
use crate::finding::Severity;

pub fn render(result: &RunResult) -> String {
    let mut out = String::new();
    for file in &result.files {
        let path = display_path(&file.source.path);
        for f in &file.findings {
            let loc = locate(&file.source, &f.span);
            let mut props: Vec<(&str, String)> = vec![("file", path.clone()), ("line", loc.start.line.to_string())];
            if loc.start.line == loc.end.line {
                props.push(("col", loc.start.column.to_string()));
                props.push(("endLine", loc.end.line.to_string()));
                props.push(("endColumn", loc.end.column.to_string()));
            } else {
                props.push(("endLine", loc.end.line.to_string()));
            }
            props.push(("title", f.rule.to_string()));
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            out.push_str(&workflow_command(command, &props, &format!("{}\nhelp: {}", f.message, f.help)));
        }
    }
    for (path, reason) in &result.errors {
        let props = [("file", display_path(path)), ("title", "consentlint".to_string())];
        out.push_str(&workflow_command("error", &props, &format!("could not check this file: {reason}")));
    }
    out
}

/// `::command key=value,key=value::data` and a newline, escaped for the runner.
fn workflow_command(command: &str, props: &[(&str, String)], data: &str) -> String {
    let props: Vec<String> = props.iter().map(|(k, v)| format!("{k}={}", escape_property(v))).collect();
    format!("::{command} {}::{}\n", props.join(","), escape_data(data))
}

/// Message text: `%` first so the escapes themselves survive.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Property values: also `:` and `,`, which separate the command's parts.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
