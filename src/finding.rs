//! A finding: the single source of truth every reporter renders.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, never a failure (e.g. a tracking pixel): never changes the exit code.
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A secondary location with a short message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

/// One problem found in one file. Spans are byte ranges into the decoded text of the file
/// (`SourceFile::text`); reporters map them to file offsets and line/column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong (lowercase, no trailing period).
    pub message: String,
    /// The thing at fault.
    pub span: Range<usize>,
    /// What the primary span is.
    pub label: String,
    /// Other places that explain the finding (e.g. each purpose a bundled checkbox covers).
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: String,
    /// A safe automatic fix, if the rule has one (`--fix`).
    pub fix: Option<Fix>,
    /// Hash of the rule and the normalised source of the offending element (its start tag with
    /// whitespace collapsed): stable when unrelated edits move lines. Set by the linter.
    pub fingerprint: u64,
}

/// One replacement of a byte range of the decoded text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// A fix: edits that together resolve the finding, applied all or nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fix {
    /// What the fix does, e.g. "remove `checked`".
    pub description: String,
    pub edits: Vec<Edit>,
}

/// FNV-1a, 64 bit: a small stable hash (the same on every platform and version), for
/// fingerprints that are stored in baselines and CI systems.
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // Separate the parts so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Fingerprints for a file's findings, in order: the finding's own fingerprint, the path, and
/// the occurrence number among identical findings in the file. 16 hex digits each.
pub fn file_fingerprints(path: &str, findings: &[Finding]) -> Vec<String> {
    let mut seen: Vec<u64> = Vec::with_capacity(findings.len());
    findings
        .iter()
        .map(|f| {
            let occurrence = seen.iter().filter(|&&x| x == f.fingerprint).count() as u64;
            seen.push(f.fingerprint);
            format!("{:016x}", stable_hash(&[path.as_bytes(), &f.fingerprint.to_le_bytes(), &occurrence.to_le_bytes()]))
        })
        .collect()
}
