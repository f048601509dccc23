//! Linting one file: decode → mask templates → parse with spans → classify → rules → findings.

use crate::context::Context;
use crate::document::{Classifier, DocumentKind};
use crate::esp::EspTags;
use crate::finding::{Finding, Severity};
use crate::html::Document;
use crate::rules::{RULES, Rule};
use crate::source::SourceFile;
use crate::template;
use crate::vocab::Vocabulary;

/// The result of checking one file.
#[derive(Debug)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub kind: DocumentKind,
}

/// The configured linter: which rules run, at which severity, with which vocabulary.
pub struct Linter {
    pub vocab: &'static Vocabulary,
    pub esp: &'static EspTags,
    pub rules: Vec<(&'static dyn Rule, Severity)>,
}

impl Default for Linter {
    fn default() -> Self {
        Linter {
            vocab: Vocabulary::builtin(),
            esp: EspTags::builtin(),
            rules: RULES.iter().map(|r| (*r, r.meta().severity)).collect(),
        }
    }
}

impl Linter {
    /// Only the named rules (for per-rule snapshots and `--select`).
    pub fn with_rules(names: &[&str]) -> Linter {
        let mut l = Linter::default();
        l.rules.retain(|(r, _)| names.contains(&r.meta().name));
        l
    }

    pub fn check(&self, source: &SourceFile) -> FileReport {
        let (templates, masked) = template::scan(&source.text);
        let parse_text = masked.as_deref().unwrap_or(&source.text);
        let doc = Document::parse(parse_text);
        let kind =
            Classifier { vocab: self.vocab, esp: self.esp }.classify(&source.path, &source.text, &doc, &templates);
        let ctx = Context::new(source, &doc, &templates, self.vocab, self.esp, &kind);
        let mut findings = Vec::new();
        for el in doc.elements() {
            for (rule, _) in &self.rules {
                rule.check_element(&ctx, el, &mut findings);
            }
        }
        for (rule, _) in &self.rules {
            rule.check_document(&ctx, &mut findings);
        }
        for f in &mut findings {
            if let Some((_, sev)) = self.rules.iter().find(|(r, _)| r.meta().name == f.rule) {
                f.severity = *sev;
            }
        }
        for f in &mut findings {
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
