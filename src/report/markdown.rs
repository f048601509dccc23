//! `--format markdown`: a summary for a pull request comment or a CI job summary
//! (`$GITHUB_STEP_SUMMARY`), in GitHub Flavored Markdown:
//!
//! - a `## consentlint` heading and one line with the totals (no timing, so a re-run with the
//!   same findings gives the same comment);
//! - a table of findings: location (`path:line` as code), rule, severity, message;
//! - a table of counts per rule (errors, warnings, info), rules in `RULES` order;
//! - a list of files that could not be checked;
//! - when there is nothing to report: "No problems found in N files."
//!
//! Text is escaped so that it shows as written: Markdown punctuation in messages is
//! backslash-escaped (a backtick shows as a backtick, it does not start code), `|` is `\|` also
//! inside code spans (GFM splits table cells before it parses code), code spans use a fence
//! longer than any run of backticks they contain, and line breaks become spaces.

use std::fmt::Write as _;

use super::{RunResult, count_parts, display_path, join_and, locate};
use crate::finding::Severity;
use crate::rules::RULES;

pub fn render(result: &RunResult) -> String {
    let files = plural(result.files.len(), "file");
    let mut out = String::from("## consentlint\n\n");
    let parts = count_parts(result);
    let any = !parts.is_empty();
    if !any {
        let _ = write!(out, "**No problems found** in {files}.");
    } else {
        let _ = write!(out, "Found **{}** in {files}.", join_and(&parts, "**, **", "** and **"));
    }
    if !result.errors.is_empty() {
        let _ = write!(out, " {} could not be checked.", plural(result.errors.len(), "file"));
    }
    out.push('\n');

    if any {
        out.push_str("\n| Location | Rule | Severity | Message |\n|---|---|---|---|\n");
        for file in &result.files {
            let path = display_path(&file.source.path);
            for f in &file.findings {
                let line = locate(&file.source, &f.span).start.line;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    code(&format!("{path}:{line}"), true),
                    code(f.rule, true),
                    f.severity,
                    text(&f.message)
                );
            }
        }

        // Per rule: RULES order first, then any other rule names in order of appearance.
        let mut names: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
        for f in result.files.iter().flat_map(|f| &f.findings) {
            if !names.contains(&f.rule) {
                names.push(f.rule);
            }
        }
        out.push_str("\n| Rule | Errors | Warnings | Info |\n|---|---:|---:|---:|\n");
        for name in names {
            let count = |sev| {
                result.files.iter().flat_map(|f| &f.findings).filter(|f| f.rule == name && f.severity == sev).count()
            };
            let (e, w, i) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
            if e + w + i > 0 {
                let _ = writeln!(out, "| {} | {e} | {w} | {i} |", code(name, true));
            }
        }
    }

    if !result.errors.is_empty() {
        out.push_str("\n### Files that could not be checked\n\n");
        for (path, reason) in &result.errors {
            let _ = writeln!(out, "- {}: {}", code(&display_path(path), false), text(reason));
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Plain text shown as written, also inside a table cell.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span holding `s` literally: the fence is one backtick longer than the longest run of
/// backticks inside, padded with spaces when `s` starts or ends with a backtick; `|` is escaped
/// for the table parser (`in_table`), which removes the backslash before the code span is read.
pub(crate) fn code(s: &str, in_table: bool) -> String {
    let s = one_line(s);
    let s = if in_table { s.replace('|', "\\|") } else { s };
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}
