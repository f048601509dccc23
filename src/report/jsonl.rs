//! `--format jsonl`: one JSON object per line per finding (JSON Lines), with exactly the fields
//! of a diagnostic in `--format json` (same serde structs), for streaming into `jq`, log
//! shippers and databases.
//!
//! Only findings are lines: there is no summary object, and files that could not be read are
//! reported on stderr and by exit code 2 (as in every format), so every line has one shape. A
//! clean run prints nothing.

use super::json::Diagnostic;
use super::{RunResult, display_path};

pub fn render(result: &RunResult) -> String {
    let mut out = String::new();
    for file in &result.files {
        let path = display_path(&file.source.path);
        for f in &file.findings {
            let d = Diagnostic::of(&path, &file.source, f);
            // serde_json escapes control characters, so a value never breaks a line.
            match serde_json::to_string(&d) {
                Ok(line) => out.push_str(&line),
                Err(e) => out.push_str(&serde_json::json!({ "error": e.to_string() }).to_string()),
            }
            out.push('\n');
        }
    }
    out
}
