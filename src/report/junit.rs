//! `--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure,
//! CircleCI, ...), valid against the common Jenkins/Surefire `junit-10.xsd`.
//!
//! - `<testsuites>` holds one `<testsuite>` per checked file (in path order), named by its path.
//! - Each finding is a `<testcase>` named `RULE at PATH:LINE:COL` (class name: the path) with a
//!   `<failure message="MESSAGE" type="RULE">` whose text reads like a compiler message:
//!   `error[RULE]: message`, then `at PATH:L:C: label`, a `see` line per secondary label, and
//!   `help:`. Warnings are failures too (JUnit has no severity; the text starts with it). Info
//!   findings are passing test cases whose `<system-out>` holds the same text.
//! - A file without findings has one passing `<testcase>` named after the file, so every
//!   checked file shows up as a passed test (as ESLint's JUnit formatter does).
//! - A file that could not be read is a suite with one `<testcase>` holding an `<error>`.
//! - Deterministic: `time="0"`, no timestamps or host names.

use super::text::xml_escape;
use super::{RunResult, display_path, locate};
use crate::finding::Severity;

struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
    cases: String,
}

pub fn render(result: &RunResult) -> String {
    let mut suites = Vec::new();
    for file in &result.files {
        let path = display_path(&file.source.path);
        let p = xml_escape(&path);
        let mut cases = String::new();
        for f in &file.findings {
            let loc = locate(&file.source, &f.span);
            let name = format!("{} at {path}:{}:{}", f.rule, loc.start.line, loc.start.column);
            // Like a compiler message: what, where (with the label), other places, what to do.
            let mut body = format!(
                "{}[{}]: {}\n  at {path}:{}:{}",
                f.severity, f.rule, f.message, loc.start.line, loc.start.column
            );
            if !f.label.is_empty() {
                body.push_str(&format!(": {}", f.label));
            }
            for l in &f.secondary {
                let at = locate(&file.source, &l.span).start;
                body.push_str(&format!("\n  see {path}:{}:{}: {}", at.line, at.column, l.message));
            }
            body.push_str(&format!("\n  help: {}", f.help));
            if f.severity == Severity::Info {
                // Worth knowing, not a failure: a passing test case that says it.
                cases.push_str(&format!(
                    "    <testcase name=\"{}\" classname=\"{p}\" time=\"0\">\n      <system-out>{}</system-out>\n    </testcase>\n",
                    xml_escape(&name),
                    xml_escape(&body),
                ));
                continue;
            }
            cases.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{p}\" time=\"0\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                xml_escape(&name),
                xml_escape(&f.message),
                xml_escape(f.rule),
                xml_escape(&body),
            ));
        }
        if file.findings.is_empty() {
            cases.push_str(&format!("    <testcase name=\"{p}\" classname=\"{p}\" time=\"0\"/>\n"));
        }
        suites.push(Suite {
            name: path,
            tests: file.findings.len().max(1),
            failures: file.findings.iter().filter(|f| f.severity != Severity::Info).count(),
            errors: 0,
            cases,
        });
    }
    for (path, reason) in &result.errors {
        let p = xml_escape(&display_path(path));
        let message = xml_escape(&format!("could not check this file: {reason}"));
        suites.push(Suite {
            name: display_path(path),
            tests: 1,
            failures: 0,
            errors: 1,
            cases: format!(
                "    <testcase name=\"{p}\" classname=\"{p}\" time=\"0\">\n      <error message=\"{message}\" type=\"unreadable-file\">{message}</error>\n    </testcase>\n"
            ),
        });
    }

    let total = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"consentlint\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"0\">\n",
        total(|s| s.tests),
        total(|s| s.failures),
        total(|s| s.errors),
    ));
    for s in &suites {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"0\">\n{}  </testsuite>\n",
            xml_escape(&s.name),
            s.tests,
            s.failures,
            s.errors,
            s.cases
        ));
    }
    out.push_str("</testsuites>\n");
    out
}
