//! Linting one file: mask templates → parse with spans → read directives → classify → rules →
//! suppressions → findings.

use std::borrow::Cow;
use std::path::Path;

use crate::config::{Config, FileSettings, KindOverride};
use crate::context::Context;
use crate::document::{Classifier, DocumentKind};
use crate::esp::EspTags;
use crate::finding::{Finding, Severity};
use crate::html::Document;
use crate::rules::{RULES, Rule};
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
                    aliases: Vec::new(),
                    words: [(concept.clone(), words.clone())].into(),
                });
            }
            let v = Vocabulary::build(&files).map_err(|e| e.to_string())?;
            Lazy::Given(&*Box::leak(Box::new(v)))
        };
        let esp = match &config.esp {
            None => Lazy::Builtin(EspTags::builtin),
            Some(extra) => Lazy::Given(&*Box::leak(Box::new(EspTags::builtin_with(extra.clone())?))),
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
        if crate::mime::is_message_path(&source.path) {
            return self.check_message(source, settings);
        }
        // Named as text, and not HTML after all (an HTML snippet saved as .txt is still HTML).
        let plain = crate::document::is_plain_text_template(&source.path)
            && !crate::walk::looks_like_html(source.text.as_bytes());
        // A plain-text template has none of the markup signals: under an email path it is an email.
        let email_path =
            if plain && settings.kind.is_none() { crate::document::email_path(&source.path) } else { None };
        let settings = FileSettings {
            rules: settings.rules.clone(),
            kind: settings.kind.or(email_path.as_ref().map(|_| KindOverride::Email)),
        };
        self.check_document(source, &settings, plain, Kind::Classify { msg: None, email_because: email_path })
    }

    /// The enabled rules, each with its severity.
    fn rules(&self, settings: &FileSettings) -> Vec<(&'static dyn Rule, Severity)> {
        RULES
            .iter()
            .filter_map(|r| settings.rules.iter().find(|(n, _)| *n == r.meta().name).map(|(_, sev)| (*r, *sev)))
            .collect()
    }

    /// One document, HTML or plain text: findings in offsets of its own text.
    fn check_document(&self, source: &SourceFile, settings: &FileSettings, plain: bool, kind: Kind<'_>) -> FileReport {
        let (templates, masked) = template::scan(&source.text);
        let parse_text: Cow<'_, str> = match (masked, plain) {
            (Some(m), false) => Cow::Owned(m),
            (None, false) => Cow::Borrowed(&source.text),
            // Plain text is not markup: a `<` or `&` in it must not start a tag or a reference.
            (m, true) => Cow::Owned(m.as_deref().unwrap_or(&source.text).replace(['<', '&'], " ")),
        };
        let doc = Document::parse(&parse_text);
        let directives = suppress::parse(&source.text, &doc, &templates);
        let forced = directives.kind.or(settings.kind);
        let (vocab, esp) = (self.vocab.get(), self.esp.get());
        let tags = crate::esp::Tags::new(esp, &source.text);
        // The visible text and its vocabulary matches serve the classifier and then the rules.
        let body_text = crate::document::visible_text(&doc);
        let mut body_hits = None;
        let kind = match kind {
            Kind::Given(k) => k,
            Kind::Classify { msg, email_because } => {
                let mut k = Classifier { vocab, tags: &tags }
                    .classify_with(&source.path, &source.text, &doc, &templates, forced, &body_text, &mut body_hits);
                if let Some(why) = email_because {
                    // The email kind was set here, not by the user's configuration: say why,
                    // once.
                    let said = k.reasons.contains(&why);
                    k.reasons.retain(|r| !r.starts_with("forced to email"));
                    if !said {
                        k.reasons.insert(0, why);
                    }
                }
                if plain {
                    k.reasons.push("plain text".into());
                }
                if let Some(msg) = msg {
                    crate::document::message_signals(&mut k, msg, vocab, forced);
                }
                k
            }
        };
        let mut ctx = Context::new(source, &doc, &templates, vocab, esp, &kind, &self.config.rule_options);
        ctx.plain = plain;
        ctx.trackers = self.trackers.get();
        ctx.tags = tags;
        if let Some(hits) = body_hits {
            ctx.seed_visible(body_text, hits);
        }
        let rules = self.rules(settings);
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
        finish(&mut findings, &rules, source, &doc);
        FileReport { findings, kind }
    }

    /// An email message: each text part linted as its own document (the HTML part first; its
    /// kind, with the header signals, is the message's), findings mapped back into the file,
    /// then the header rules over the header block.
    fn check_message(&self, source: &SourceFile, settings: &FileSettings) -> FileReport {
        let msg = crate::mime::parse(source.bytes());
        let email_because = settings.kind.is_none().then(|| "email message file".to_string());
        let settings =
            FileSettings { rules: settings.rules.clone(), kind: settings.kind.or(Some(KindOverride::Email)) };
        let mut parts: Vec<&crate::mime::Part> = msg.parts.iter().collect();
        parts.sort_by_key(|p| !p.is_html());
        let mut kind: Option<DocumentKind> = None;
        let mut findings = Vec::new();
        for part in parts {
            let part_source = SourceFile::from_text(source.path.clone(), part.text.clone());
            let how = match &kind {
                Some(k) => Kind::Given(k.clone()),
                None => Kind::Classify { msg: Some(&msg), email_because: email_because.clone() },
            };
            let report = self.check_document(&part_source, &settings, !part.is_html(), how);
            for mut f in report.findings {
                let map = |r: &std::ops::Range<usize>| {
                    let start = source.text_offset(part.file_offset(r.start));
                    let mut end = source.text_offset(part.file_offset(r.end));
                    if r.end > r.start && end <= start {
                        // Inside one base64 group: point at the group.
                        end = source.text_offset(part.file_offset(r.end - 1) + 4).max(start + 1).min(source.text.len());
                    }
                    start..end.max(start)
                };
                f.span = map(&f.span);
                for l in &mut f.secondary {
                    l.span = map(&l.span);
                }
                // Edits to decoded text cannot be written back into an encoded part.
                f.fix = None;
                findings.push(f);
            }
            kind.get_or_insert(report.kind);
        }
        let kind = kind.unwrap_or_else(|| {
            let mut k = DocumentKind { email: Some(crate::document::EmailKind::Unknown), ..DocumentKind::default() };
            k.reasons.push("email message without a text part".into());
            crate::document::message_signals(&mut k, &msg, self.vocab.get(), settings.kind);
            k
        });
        if !msg.headers.is_empty() {
            let doc = Document::parse("");
            let templates = template::Templates::default();
            let ctx = Context::new(
                source,
                &doc,
                &templates,
                self.vocab.get(),
                self.esp.get(),
                &kind,
                &self.config.rule_options,
            );
            let rules = self.rules(&settings);
            let mut header_findings = Vec::new();
            for (rule, _) in &rules {
                rule.check_headers(&ctx, &msg, &mut header_findings);
            }
            finish(&mut header_findings, &rules, source, &doc);
            findings.extend(header_findings);
        }
        findings.sort_by(|a, b| (a.span.start, a.rule, a.span.end).cmp(&(b.span.start, b.rule, b.span.end)));
        findings.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
        FileReport { findings, kind }
    }
}

/// How a document gets its kind: classified (with a message's header signals), or given (the
/// other parts of a message share the first part's).
enum Kind<'a> {
    /// `email_because`: the file was made an email by its type or path (not the user's
    /// configuration), for this reason.
    Classify {
        msg: Option<&'a crate::mime::Message>,
        email_because: Option<String>,
    },
    Given(DocumentKind),
}

/// Configured severities, fingerprints, and the sorted, deduplicated order.
fn finish(findings: &mut Vec<Finding>, rules: &[(&'static dyn Rule, Severity)], source: &SourceFile, doc: &Document) {
    for f in findings.iter_mut() {
        if let Some((_, sev)) = rules.iter().find(|(r, _)| r.meta().name == f.rule) {
            f.severity = *sev;
        }
        f.fingerprint = fingerprint(&source.text, doc, f);
    }
    findings.sort_by(|a, b| (a.span.start, a.rule, a.span.end).cmp(&(b.span.start, b.rule, b.span.end)));
    findings.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
}

/// The rule plus the offending element's start tag (or the span itself when it is not inside
/// one), whitespace collapsed: moving lines or re-indenting leaves it unchanged.
fn fingerprint(text: &str, doc: &Document, f: &Finding) -> u64 {
    let range = doc.tag_containing(f.span.start).unwrap_or_else(|| f.span.clone());
    let snippet = text.get(range).unwrap_or("");
    let normalised = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::finding::stable_hash(&[f.rule.as_bytes(), normalised.as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(linter: &Linter, path: &str, bytes: &[u8]) -> (SourceFile, FileReport) {
        let source = SourceFile::decode(path.into(), bytes.to_vec());
        let report = linter.check(&source);
        (source, report)
    }

    /// Every finding of a message, whatever the part's encoding, points into the file's bytes.
    #[test]
    fn message_spans_point_into_the_file() {
        let mut bytes = b"From: a@shop.example\nSubject: Sommer-Sale 20% Rabatt\nList-Unsubscribe: <mailto:u@shop.example>\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nGr".to_vec();
        bytes.extend_from_slice(b"\xfc\xdfe! Unser Newsletter: 20% Rabatt auf alles. Jetzt einkaufen!\n--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n<html><body style=3D\"x\"><p>Unser Newsletter: 20% Rabatt auf alles. Jetzt =\neinkaufen!</p></body></html>\n--b--\n");
        let linter = Linter::with_rule_on(&["missing-postal-address"]);
        let (source, report) = lint(&linter, "emails/sommer.eml", &bytes);
        assert!(report.kind.is_marketing_email(), "{:?}", report.kind);
        let at = |rule: &str| -> Vec<Vec<u8>> {
            report
                .findings
                .iter()
                .filter(|f| f.rule == rule)
                .map(|f| bytes[source.file_offset(f.span.start)..source.file_offset(f.span.end)].to_vec())
                .collect()
        };
        // The plain part (Latin-1, 8bit: the file is not UTF-8) and the HTML part (QP).
        let unsub = at("missing-unsubscribe");
        assert!(
            unsub.contains(&b"Gr\xfc\xdfe! Unser Newsletter: 20% Rabatt auf alles. Jetzt einkaufen!".to_vec()),
            "{unsub:?}"
        );
        assert!(unsub.contains(&b"<body style=3D\"x\">".to_vec()), "{unsub:?}");
        assert_eq!(at("missing-list-unsubscribe"), vec![b"List-Unsubscribe: <mailto:u@shop.example>".to_vec()]);
        assert_eq!(at("missing-postal-address").len(), 2);
        // No fix is offered for a decoded part.
        assert!(report.findings.iter().all(|f| f.fix.is_none()));
    }

    #[test]
    fn malformed_messages_are_read_best_effort() {
        let linter = Linter::default();
        for bytes in [
            &b""[..],
            b"\xff\xfe\x00garbage",
            b"Content-Type: multipart/mixed; boundary=\n\n--\n--",
            b"<html><body>hi</body></html>",
        ] {
            lint(&linter, "x.eml", bytes);
        }
    }

    /// `[esp]` in the config adds an in-house system's tags in every category.
    #[test]
    fn config_esp_categories() {
        let config = Config::parse(
            Path::new("consentlint.toml"),
            "[rules]\nmissing-postal-address = \"error\"\n[esp]\nname = \"Acme CRM\"\nmarketing = true\nunsubscribe = ['\\{\\{\\s*optout\\s*\\}\\}']\naddress = ['\\{\\{\\s*acme\\.postal\\s*\\}\\}']\nmarkers = ['\\{\\{\\s*acme\\.[a-z]+\\s*\\}\\}']\n",
        )
        .unwrap();
        let linter = Linter::new(config).unwrap();
        let text = "<html><body><p>{{ acme.first }}, 20% off this week. Shop now!</p><a href=\"{{optout}}\">x</a><p>{{ acme.postal }}</p></body></html>";
        let (_, report) = lint(&linter, "templates/promo.html", text.as_bytes());
        assert!(report.kind.is_marketing_email(), "{:?}", report.kind);
        // The tags count as the unsubscribe link and the postal address (a sender name is
        // another rule's business).
        let about_tags: Vec<_> = report
            .findings
            .iter()
            .filter(|f| matches!(f.rule, "missing-unsubscribe" | "missing-postal-address"))
            .collect();
        assert!(about_tags.is_empty(), "{about_tags:?}");
        let (_, report) = lint(&Linter::default(), "templates/promo.html", text.as_bytes());
        assert!(!report.kind.is_marketing_email());
    }
}
