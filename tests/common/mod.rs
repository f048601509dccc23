//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use consentlint::lint::Linter;
use consentlint::report::{CheckedFile, RunResult};
use consentlint::source::SourceFile;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, sorted, as paths relative to the crate root.
pub fn files_under(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(root()).unwrap_or(&p).to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Lint one file (path relative to the crate root) with the given linter.
pub fn lint_file(linter: &Linter, rel: &Path) -> CheckedFile {
    let bytes = std::fs::read(root().join(rel)).expect("read fixture");
    let source = SourceFile::decode(rel.to_path_buf(), bytes);
    let report = linter.check(&source);
    CheckedFile { source, findings: report.findings, kind: report.kind }
}

pub fn single(file: CheckedFile) -> RunResult {
    RunResult { files: vec![file], errors: vec![], elapsed: Duration::ZERO }
}

/// `expect: rule-a, rule-b` markers: (line, rule) pairs, in any comment syntax.
pub fn expectations(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(p) = rest.find("expect:") {
            let after = &rest[p + 7..];
            let list: String =
                after.chars().take_while(|c| c.is_ascii_lowercase() || *c == '-' || *c == ',' || *c == ' ').collect();
            // The list ends where a comment closes (`-->`, `--}}`, `#}`): trim those dashes.
            for r in list.split(',').map(|r| r.trim().trim_end_matches('-').trim()).filter(|r| !r.is_empty()) {
                out.push((i + 1, r.to_string()));
            }
            rest = &after[list.len()..];
        }
    }
    out.sort();
    out
}

/// Does this source slice look like what a finding of `rule` must point at?
pub fn span_fits_rule(rule: &str, slice: &str) -> bool {
    let slice = slice.to_lowercase();
    match rule {
        "pre-ticked-consent" => [
            "checked", "selected", "<option", "value", "@checked", "@selected", ":checked", "v-bind:checked",
            "[checked]",
        ]
        .iter()
        .any(|p| slice.starts_with(p)),
        "bundled-consent" => slice.starts_with("<input"),
        "missing-privacy-link" => slice.starts_with("<form") && slice.ends_with('>'),
        // Plain text (a .txt template or text/plain part): the first line with text.
        "missing-unsubscribe" | "missing-postal-address" => {
            ["<body", "<mj-body", "<mjml"].iter().any(|p| slice.starts_with(p))
                || (!slice.is_empty() && !slice.contains('\n') && !slice.starts_with('<'))
        }
        // The faulty header, or the whole header block (starting with its first field).
        "missing-list-unsubscribe" => {
            slice.starts_with("list-unsubscribe")
                || slice.split_once(':').is_some_and(|(name, _)| {
                    !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && slice.contains('\n')
                })
        }
        // The hidden field's value, the opt-out box, or the implying words themselves.
        "implied-consent" => slice.starts_with("value") || slice.starts_with("<input") || !slice.contains('<'),
        "forced-consent" => ["required", "aria-required", "data-", "pattern"].iter().any(|p| slice.starts_with(p)),
        // The box, or the catch-all words in its label.
        "vague-consent" => slice.starts_with("<input") || !slice.contains('<'),
        "excessive-data" => {
            ["required", "aria-required", "data-", "pattern", "<form"].iter().any(|p| slice.starts_with(p))
        }
        "insecure-form-action" => {
            ["action=", "method=", "formaction=", "formmethod="].iter().any(|p| slice.starts_with(p))
        }
        "missing-withdrawal-info" => ["<input", "<select", "<form"].iter().any(|p| slice.starts_with(p)),
        // The link's start tag, or the style attribute (or MJML attribute) that hides it.
        "hidden-unsubscribe" => {
            (["<a", "<area", "<mj-"].iter().any(|p| slice.starts_with(p)) && slice.ends_with('>'))
                || ["style=", "color=", "font-size="].iter().any(|p| slice.starts_with(p))
        }
        "tracking-pixel" => slice.starts_with("src="),
        "incomplete-privacy-policy" => ["<h1", "<title"].iter().any(|p| slice.starts_with(p)),
        // The email's anchor, or in plain text the first line with text.
        "missing-data-source-notice" | "missing-sender-identity" => {
            ["<body", "<mj-body", "<mjml", "<html"].iter().any(|p| slice.starts_with(p))
                || (!slice.is_empty() && !slice.contains('\n') && !slice.starts_with('<'))
        }
        // The directive, or the unknown rule name in it.
        "unused-suppression" => {
            slice.starts_with("consentlint-")
                || (!slice.is_empty() && slice.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        }
        _ => false,
    }
}
