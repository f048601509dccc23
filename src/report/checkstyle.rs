//! `--format checkstyle`: Checkstyle XML, read by Jenkins (Warnings NG), reviewdog, SonarQube,
//! Bitbucket and others:
//!
//! ```xml
//! <checkstyle version="4.3">
//!   <file name="PATH">
//!     <error line="L" column="C" severity="error" message="..." source="consentlint.RULE"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! - `version="4.3"` is the Checkstyle report format version that ESLint and others write.
//! - Every checked file gets a `<file>` element, also without findings, so consumers know it
//!   was checked; severities are `error`, `warning` and `info` as in consentlint.
//! - A file that could not be read gets one `<error>` without a line or column, severity
//!   `error`, source `consentlint.unreadable-file`.

use super::text::xml_escape;
use super::{RunResult, display_path, locate};

pub fn render(result: &RunResult) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for file in &result.files {
        let path = xml_escape(&display_path(&file.source.path));
        if file.findings.is_empty() {
            out.push_str(&format!("  <file name=\"{path}\"/>\n"));
            continue;
        }
        out.push_str(&format!("  <file name=\"{path}\">\n"));
        for f in &file.findings {
            let at = locate(&file.source, &f.span).start;
            out.push_str(&format!(
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"consentlint.{}\"/>\n",
                at.line,
                at.column,
                f.severity,
                xml_escape(&f.message),
                xml_escape(f.rule),
            ));
        }
        out.push_str("  </file>\n");
    }
    for (path, reason) in &result.errors {
        out.push_str(&format!(
            "  <file name=\"{}\">\n    <error severity=\"error\" message=\"{}\" source=\"consentlint.unreadable-file\"/>\n  </file>\n",
            xml_escape(&display_path(path)),
            xml_escape(&format!("could not check this file: {reason}")),
        ));
    }
    out.push_str("</checkstyle>\n");
    out
}
