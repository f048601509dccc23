//! A results cache like ruff's: findings keyed by the file's bytes, the configuration and the
//! tool version, stored under `.consentlint_cache/` (which ignores itself for git). A second
//! run over an unchanged tree parses nothing.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::document::{DocumentKind, EmailKind, Language};
use crate::finding::{Finding, Label, Severity, stable_hash};
use crate::rules::RULES;

pub const DIR: &str = ".consentlint_cache";

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// Hash of the tool version and the settings that change results.
    key: String,
    entries: HashMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    content: String,
    findings: Vec<CachedFinding>,
    kind: CachedKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedFinding {
    rule: String,
    severity: Severity,
    message: String,
    span: Range<usize>,
    label: String,
    secondary: Vec<(Range<usize>, String)>,
    help: String,
    fix: Option<crate::finding::Fix>,
    fingerprint: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedKind {
    page: bool,
    email: Option<EmailKind>,
    #[serde(default)]
    cold_outreach: bool,
    reasons: Vec<String>,
    #[serde(default)]
    language: Language,
}

/// The cache for one run.
pub struct Cache {
    path: PathBuf,
    key: String,
    old: HashMap<String, Entry>,
    new: std::sync::Mutex<HashMap<String, Entry>>,
    hits: std::sync::atomic::AtomicUsize,
}

/// The key of a file's content (path and bytes). xxh3: stable across platforms and versions,
/// and fast enough that a warm run is dominated by reading the files.
pub fn content_key(path: &Path, bytes: &[u8]) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(bytes) ^ stable_hash(&[name(path).as_bytes()]);
    format!("{h:016x}")
}

/// The same file named `./a.html` or `a.html` is one entry.
fn name(path: &Path) -> String {
    crate::report::display_path(path)
}

impl Cache {
    /// Open the cache in `root`, valid for `settings` (anything that changes results: config
    /// text, selected rules, options).
    pub fn open(root: &Path, settings: &str) -> Cache {
        let dir = root.join(DIR);
        let path = dir.join("results-v1.json");
        // The binary itself is part of the key (its size and build time): results from another
        // build, even of the same version (other rules, word lists or ESP tags), are not reused.
        let binary = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| format!("{}:{:?}", m.len(), m.modified().ok()))
            .unwrap_or_default();
        let key = format!(
            "{:016x}",
            stable_hash(&[env!("CARGO_PKG_VERSION").as_bytes(), binary.as_bytes(), settings.as_bytes()])
        );
        let old = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
            .filter(|c| c.key == key)
            .map(|c| c.entries)
            .unwrap_or_default();
        Cache { path, key, old, new: Default::default(), hits: Default::default() }
    }

    /// Cached results for this file's bytes, if any.
    pub fn get(&self, path: &Path, content: &str) -> Option<(Vec<Finding>, DocumentKind)> {
        let name = name(path);
        let entry = self.old.get(&name)?;
        if entry.content != content {
            return None;
        }
        let mut findings = Vec::with_capacity(entry.findings.len());
        for f in &entry.findings {
            let rule = RULES.iter().find(|r| r.meta().name == f.rule)?.meta().name;
            findings.push(Finding {
                rule,
                severity: f.severity,
                message: f.message.clone(),
                span: f.span.clone(),
                label: f.label.clone(),
                secondary: f.secondary.iter().map(|(s, m)| Label { span: s.clone(), message: m.clone() }).collect(),
                help: f.help.clone(),
                fix: f.fix.clone(),
                fingerprint: f.fingerprint,
            });
        }
        let kind = DocumentKind {
            page: entry.kind.page,
            email: entry.kind.email,
            cold_outreach: entry.kind.cold_outreach,
            reasons: entry.kind.reasons.clone(),
            language: entry.kind.language.clone(),
        };
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some((findings, kind))
    }

    pub fn put(&self, path: &Path, content: String, findings: &[Finding], kind: &DocumentKind) {
        let entry = Entry {
            content,
            findings: findings
                .iter()
                .map(|f| CachedFinding {
                    rule: f.rule.to_string(),
                    severity: f.severity,
                    message: f.message.clone(),
                    span: f.span.clone(),
                    label: f.label.clone(),
                    secondary: f.secondary.iter().map(|l| (l.span.clone(), l.message.clone())).collect(),
                    help: f.help.clone(),
                    fix: f.fix.clone(),
                    fingerprint: f.fingerprint,
                })
                .collect(),
            kind: CachedKind {
                page: kind.page,
                email: kind.email,
                cold_outreach: kind.cold_outreach,
                reasons: kind.reasons.clone(),
                language: kind.language.clone(),
            },
        };
        if let Ok(mut new) = self.new.lock() {
            new.insert(name(path), entry);
        }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Write the entries of this run, keeping older entries of files that still exist (a run
    /// over a few changed files, as pre-commit does, must not evict the rest). Failures to
    /// write the cache are not errors of the run.
    pub fn save(self) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# Created by consentlint.\n*\n")?;
        }
        let new = self.new.into_inner().unwrap_or_default();
        // A run that only reused results changes nothing: leave the file as it is (a warm run
        // then neither serialises nor writes it).
        if new.is_empty() && self.path.is_file() {
            return Ok(());
        }
        let mut entries = self.old;
        // Results of files that no longer exist go; new results replace old ones.
        entries.retain(|name, _| new.contains_key(name) || Path::new(name).is_file());
        entries.extend(new);
        let file = CacheFile { key: self.key, entries };
        let bytes = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
        crate::fsutil::write_atomic(&self.path, &bytes)
    }
}
