//! Baselines for adopting consentlint on a large legacy site: `--write-baseline FILE` records
//! the current findings; `--baseline FILE` then reports only new ones, and says which recorded
//! ones are gone (fixed) so they can be pruned.
//!
//! Entries are keyed by rule, path and a fingerprint of the offending element's normalised
//! source (plus its occurrence number among identical ones), never by line, so unrelated
//! edits that move lines do not resurrect old findings.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::file_fingerprints;
use crate::report::{CheckedFile, display_path};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    /// For people reading the file; not used for matching.
    pub message: String,
    pub line: usize,
}

pub fn entries(files: &[CheckedFile]) -> Vec<Entry> {
    let mut out = Vec::new();
    for f in files {
        let path = display_path(&f.source.path);
        let prints = file_fingerprints(&path, &f.findings);
        for (finding, fp) in f.findings.iter().zip(prints) {
            out.push(Entry {
                rule: finding.rule.to_string(),
                path: path.clone(),
                fingerprint: fp,
                message: finding.message.clone(),
                line: f.source.line_col(finding.span.start).line,
            });
        }
    }
    out
}

pub fn write(path: &Path, files: &[CheckedFile]) -> std::io::Result<usize> {
    let file = BaselineFile { version: 1, findings: entries(files) };
    let mut text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
    text.push('\n');
    crate::fsutil::write_atomic(path, text.as_bytes())?;
    Ok(file.findings.len())
}

pub fn read(path: &Path) -> Result<BaselineFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::walk::io_reason(&e))?;
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| format!("not a consentlint baseline: {e}"))?;
    if file.version != 1 {
        return Err(format!("baseline version {} is not supported (expected 1)", file.version));
    }
    Ok(file)
}

/// Remove findings recorded in the baseline. Returns the entries that matched nothing (fixed).
pub fn filter(files: &mut [CheckedFile], baseline: &BaselineFile) -> Vec<Entry> {
    type Key = (String, String, String);
    let mut remaining: HashMap<Key, usize> = HashMap::new();
    for e in &baseline.findings {
        *remaining.entry((e.rule.clone(), e.path.clone(), e.fingerprint.clone())).or_default() += 1;
    }
    for f in files.iter_mut() {
        let path = display_path(&f.source.path);
        let prints = file_fingerprints(&path, &f.findings);
        let mut keep = Vec::with_capacity(f.findings.len());
        for (finding, fp) in std::mem::take(&mut f.findings).into_iter().zip(prints) {
            match remaining.get_mut(&(finding.rule.to_string(), path.clone(), fp)) {
                Some(n) if *n > 0 => *n -= 1,
                _ => keep.push(finding),
            }
        }
        f.findings = keep;
    }
    // Only entries of files checked in this run can be known fixed.
    let checked: std::collections::HashSet<String> = files.iter().map(|f| display_path(&f.source.path)).collect();
    let mut fixed = Vec::new();
    let mut left = remaining;
    for e in baseline.findings.iter().filter(|e| checked.contains(&e.path)) {
        if let Some(n) = left.get_mut(&(e.rule.clone(), e.path.clone(), e.fingerprint.clone()))
            && *n > 0
        {
            *n -= 1;
            fixed.push(e.clone());
        }
    }
    fixed
}
