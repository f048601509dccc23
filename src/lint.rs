//! Linting one file: mask templates → parse with spans → read directives → classify → rules →
//! suppressions → findings.

use std::path::Path;

use crate::config::{Config, FileSettings};
use crate::context::Context;
use crate::document::{Classifier, DocumentKind};
use crate::esp::{EspEntry, EspTags};
use crate::finding::Finding;
use crate::html::Document;
use crate::rules::RULES;
use crate::source::SourceFile;
use crate::suppress;
use crate::template;
use crate::trackers::Trackers;
use crate::vocab::{VocabFile, Vocabulary};

/// The result of checking one file.
#[derive(Debug)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub kind: DocumentKind,
}

/// The configured linter. The built-in vocabulary and ESP patterns are compiled on first use,
/// so a run answered entirely from the cache never pays for them.
pub struct Linter {
    vocab: Lazy<Vocabulary>,
    esp: Lazy<EspTags>,
    trackers: Lazy<Trackers>,
    pub config: Config,
    /// `--select`: only these rules (None: all enabled ones).
    pub select: Option<Vec<String>>,
}

/// A compiled table: given (config extensions, built eagerly so errors surface) or the
/// built-in one, fetched on first use.
enum Lazy<T: 'static> {
    Given(&'static T),
    Builtin(fn() -> &'static T),
}

impl<T> Lazy<T> {
    fn get(&self) -> &'static T {
        match self {
            Lazy::Given(t) => t,
            Lazy::Builtin(f) => f(),
        }
    }
}

impl Default for Linter {
    fn default() -> Self {
        Linter {
            vocab: Lazy::Builtin(Vocabulary::builtin),
            esp: Lazy::Builtin(EspTags::builtin),
            trackers: Lazy::Builtin(Trackers::builtin),
            config: Config::defaults(std::env::current_dir().unwrap_or_default()),
            select: None,
        }
    }
}

impl Linter {
    /// A linter for a configuration: built-in vocabulary and ESP tags plus the config's.
    pub fn new(config: Config) -> Result<Linter, String> {
        let vocab = if config.vocabulary.is_empty() {
            Lazy::Builtin(Vocabulary::builtin)
        } else {
            let mut files: Vec<VocabFile> = crate::vocab::BUILTIN
                .iter()
                .map(|(name, text)| crate::vocab::parse_file(name, text).map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?;
            for (lang, concept, words) in &config.vocabulary {
                files.push(VocabFile {
                    language: lang.clone(),
                    name: format!("{lang} (consentlint.toml)"),
                    words: [(concept.clone(), words.clone())].into(),
                });
            }
            let v = Vocabulary::build(&files).map_err(|e| e.to_string())?;
            Lazy::Given(&*Box::leak(Box::new(v)))
        };
        let esp = if config.esp_unsubscribe.is_empty() && config.esp_markers.is_empty() {
            Lazy::Builtin(EspTags::builtin)
        } else {
            let extra = EspEntry {
                name: "consentlint.toml".into(),
                docs: String::new(),
                marketing: config.esp_marketing,
                unsubscribe: config.esp_unsubscribe.clone(),
                markers: config.esp_markers.clone(),
            };
            Lazy::Given(&*Box::leak(Box::new(EspTags::builtin_with(extra)?)))
        };
        let trackers = if config.tracking_hosts.is_empty() {
            Lazy::Builtin(Trackers::builtin)
        } else {
            Lazy::Given(&*Box::leak(Box::new(Trackers::with_extra(&config.tracking_hosts))))
        };
        Ok(Linter { vocab, esp, trackers, config, select: None })
    }

    /// Only the named rules, each at its own default severity whatever the profile says (for
    /// per-rule snapshots and tests).
    pub fn with_rules(names: &[&str]) -> Linter {
        Linter { select: Some(names.iter().map(|s| s.to_string()).collect()), ..Linter::with_rule_on(names) }
    }

    /// The default profile's rules, plus the named ones at their own default severity even if
    /// the profile turns them off (for a rule's fixtures and documented examples: a rule that is
    /// off under `gdpr`, such as one only CAN-SPAM requires, is still tested).
    pub fn with_rule_on(names: &[&str]) -> Linter {
        let mut linter = Linter::default();
        let levels: Vec<_> = RULES
            .iter()
            .filter(|r| names.contains(&r.meta().name))
            .map(|r| (r.meta().name, crate::config::Level::from(r.meta().severity)))
            .collect();
        linter.config.set_rule_levels(&levels);
        linter
    }

    /// The rules and kind for a path: config, overrides, then `--select`.
    pub fn settings_for(&self, path: &Path) -> FileSettings {
        let mut s = self.config.for_file(path);
        if let Some(sel) = &self.select {
            s.rules.retain(|(name, _)| sel.iter().any(|x| x == name));
        }
        s
    }

    pub fn check(&self, source: &SourceFile) -> FileReport {
        self.check_with(source, &self.settings_for(&source.path))
    }

    pub fn check_with(&self, source: &SourceFile, settings: &FileSettings) -> FileReport {
        let (templates, masked) = template::scan(&source.text);
        let parse_text = masked.as_deref().unwrap_or(&source.text);
        let doc = Document::parse(parse_text);
        let directives = suppress::parse(&source.text, &doc, &templates);
        let forced = directives.kind.or(settings.kind);
        let (vocab, esp) = (self.vocab.get(), self.esp.get());
        let kind = Classifier { vocab, esp }.classify(&source.path, &source.text, &doc, &templates, forced);
        let mut ctx = Context::new(source, &doc, &templates, vocab, esp, &kind);
        ctx.trackers = self.trackers.get();
        let rules: Vec<_> = RULES
            .iter()
            .filter_map(|r| settings.rules.iter().find(|(n, _)| *n == r.meta().name).map(|(_, sev)| (*r, *sev)))
            .collect();
        let mut findings = Vec::new();
        for el in doc.elements() {
            for (rule, _) in &rules {
                rule.check_element(&ctx, el, &mut findings);
            }
        }
        for (rule, _) in &rules {
            rule.check_document(&ctx, &mut findings);
        }
        let known = |name: &str| RULES.iter().any(|r| r.meta().name == name);
        let (mut findings, problems) =
            suppress::apply(findings, &directives, source, &doc, self.config.require_reason, known);
        if rules.iter().any(|(r, _)| r.meta().name == suppress::UNUSED_RULE) {
            findings.extend(problems);
        }
        for f in &mut findings {
            if let Some((_, sev)) = rules.iter().find(|(r, _)| r.meta().name == f.rule) {
                f.severity = *sev;
            }
            f.fingerprint = fingerprint(&source.text, &doc, f);
        }
        findings.sort_by(|a, b| (a.span.start, a.rule, a.span.end).cmp(&(b.span.start, b.rule, b.span.end)));
        findings.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
        FileReport { findings, kind }
    }
}

/// The rule plus the offending element's start tag (or the span itself when it is not inside
/// one), whitespace collapsed: moving lines or re-indenting leaves it unchanged.
fn fingerprint(text: &str, doc: &Document, f: &Finding) -> u64 {
    let range = doc.tag_containing(f.span.start).unwrap_or_else(|| f.span.clone());
    let snippet = text.get(range).unwrap_or("");
    let normalised = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::finding::stable_hash(&[f.rule.as_bytes(), normalised.as_bytes()])
}
