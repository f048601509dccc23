//! `--format concise`: one line per finding, `path:line:col: rule message`, like ruff's concise
//! output and compilers' `file:line:col:` prefix that editors and `grep` understand.
//!
//! Nothing else is printed: no summary line, no help, so every line of stdout is a finding and
//! `wc -l` counts them. A clean run prints nothing. Files that could not be read are reported on
//! stderr and by exit code 2, as in every format.

use super::{RunResult, display_path, locate};

pub fn render(result: &RunResult) -> String {
    let mut out = String::new();
    for file in &result.files {
        let path = one_line(&display_path(&file.source.path));
        for f in &file.findings {
            let at = locate(&file.source, &f.span).start;
            out.push_str(&format!("{path}:{}:{}: {} {}\n", at.line, at.column, f.rule, one_line(&f.message)));
        }
    }
    out
}

/// Keep one finding on one line whatever a message or a file name holds.
fn one_line(s: &str) -> String {
    if s.contains(['\n', '\r']) { s.replace("\r\n", " ").replace(['\n', '\r'], " ") } else { s.to_string() }
}
