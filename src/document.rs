//! What kind of document a file is (web page/form, email template, both, neither) and, for an
//! email, whether it is marketing or transactional, with the reasons, as a person would judge.

use std::fmt;
use std::path::Path;

use scraper::ElementRef;

use crate::config::KindOverride;
use crate::esp::Tags;
use crate::html::Document;
use crate::template::Templates;
use crate::vocab::{Concept, Hit, Vocabulary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailKind {
    Marketing,
    Transactional,
    /// An email with no sign of either: not checked for an unsubscribe link.
    Unknown,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentKind {
    /// Has forms or controls that collect data.
    pub page: bool,
    pub email: Option<EmailKind>,
    /// A cold B2B outreach email: first-person sales copy to someone who never signed up
    /// ("I came across your profile", "quick question", a meeting request), not a newsletter
    /// sent through a list with an unsubscribe centre. Such an email is also marketing.
    pub cold_outreach: bool,
    /// Why, one short phrase per signal.
    pub reasons: Vec<String>,
    /// The language the document is written in and how that was decided.
    pub language: Language,
}

/// A document's language: from its `lang`/`xml:lang` attribute, else detected from its text.
/// With none, every vocabulary is tried (function words by each snippet's dominant language).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Language {
    /// The vocabulary's language code.
    pub code: Option<String>,
    /// How it was decided, for `--verbose`.
    pub why: String,
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(c) => write!(f, "language {c} ({})", self.why),
            None => write!(f, "language unknown ({})", self.why),
        }
    }
}

impl DocumentKind {
    pub fn is_marketing_email(&self) -> bool {
        self.email == Some(EmailKind::Marketing)
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let email = match self.email {
            Some(EmailKind::Marketing) if self.cold_outreach => Some("marketing email (cold outreach)"),
            Some(EmailKind::Marketing) => Some("marketing email"),
            Some(EmailKind::Transactional) => Some("transactional email"),
            Some(EmailKind::Unknown) => Some("email (purpose unclear)"),
            None => None,
        };
        match (self.page, email) {
            (true, Some(e)) => write!(f, "web page with forms + {e}"),
            (true, None) => f.write_str("web page with forms"),
            (false, Some(e)) => f.write_str(e),
            (false, None) => f.write_str("neither page with forms nor email"),
        }
    }
}

/// Directory names that mark email templates (strong) and ones that only hint at it: a
/// `newsletter/` directory is as often a web app's sign-up pages as its emails.
const EMAIL_DIRS: &[&str] = &[
    "email", "emails", "mail", "mails", "mailer", "mailers", "mailing", "mailings", "email-templates",
    "email_templates", "mail-templates", "mail_templates", "mjml", "campaigns", "outreach", "cold-email",
    "cold-emails", "prospecting",
];
/// Distinct cold-outreach phrases that make an email cold outreach.
const COLD_OUTREACH_MIN: usize = 2;
/// Files larger than this are not read for outreach wording unless other signals say email
/// (outreach templates are short; this keeps large web pages cheap).
const OUTREACH_SCAN_LIMIT: usize = 64 * 1024;
const WEAK_EMAIL_DIRS: &[&str] = &["newsletter", "newsletters", "notifications"];
/// Words (prefixes of path words) that say what an email is for.
const MARKETING_PATH: &[&str] = &[
    "newsletter", "marketing", "campaign", "promo", "promotion", "digest", "announcement", "drip", "offer", "sale",
    "blackfriday",
];
const TRANSACTIONAL_PATH: &[&str] = &[
    "password", "reset", "receipt", "invoice", "order", "shipping", "shipment", "verify", "verification", "confirm",
    "activation", "activate", "account", "auth", "security", "transactional", "welcome", "invitation", "invite",
    "dunning", "trial", "billing", "payment", "login", "signin", "otp", "2fa", "magic", "optin", "subscribe",
    "unsubscribe", "unsubscribed", "status", "notification", "reminder", "expired", "expiring",
];

/// Lowercase words of a path component: "newsletter-unsubscribed.blade.php" → newsletter,
/// unsubscribed, blade, php.
fn path_words(component: &str) -> Vec<&str> {
    component.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

/// The first keyword that starts one of the words ("receipts", "confirmation"); keywords of
/// three letters or fewer ("otp", "2fa") must be the whole word ("otpiska" is Russian for
/// unsubscribing, not a one-time password).
fn find_keyword(words: &[&str], keywords: &[&'static str]) -> Option<&'static str> {
    keywords.iter().copied().find(|k| words.iter().any(|w| if k.len() <= 3 { w == k } else { w.starts_with(k) }))
}

pub struct Classifier<'a> {
    pub vocab: &'a Vocabulary,
    /// The file's merge tags (scanned once, shared with the rules).
    pub tags: &'a Tags<'a>,
}

impl Classifier<'_> {
    /// Classify a file. `forced` (from the config or an in-file `consentlint-kind` comment)
    /// overrides what the signals say.
    pub fn classify(
        &self,
        path: &Path,
        text: &str,
        doc: &Document,
        templates: &Templates,
        forced: Option<KindOverride>,
    ) -> DocumentKind {
        self.classify_with(path, text, doc, templates, forced, &visible_text(doc), &mut None)
    }

    /// `classify` with the document's visible text given, and its vocabulary matches found at
    /// most once: left in `body_hits` when classifying needed them, for the rules to reuse.
    #[allow(clippy::too_many_arguments)]
    pub fn classify_with(
        &self,
        path: &Path,
        text: &str,
        doc: &Document,
        templates: &Templates,
        forced: Option<KindOverride>,
        body_text: &str,
        body_hits: &mut Option<Vec<Hit>>,
    ) -> DocumentKind {
        // The body's vocabulary matches, found once for language detection (when no `lang`
        // says it) and the marketing/transactional verdict (for emails).
        let mut kind = DocumentKind { language: self.language(doc, body_text, body_hits), ..Default::default() };
        let is_live = |o: usize| !doc.is_dead(o) && !templates.in_comment(o);

        // ---- page: forms or data-collecting controls ----
        let forms = doc.elements().filter(|e| e.value().name() == "form").count();
        let inputs = doc
            .elements()
            .filter(|e| matches!(e.value().name(), "input" | "select" | "textarea"))
            .filter(|e| !e.value().attr("type").is_some_and(|t| t.eq_ignore_ascii_case("hidden")))
            .count();
        if forms > 0 {
            kind.page = true;
            kind.reasons.push(format!("{forms} <form> element{}", plural(forms)));
        } else if inputs > 0 {
            kind.page = true;
            kind.reasons.push(format!("{inputs} form control{} outside a <form>", plural(inputs)));
        }

        // ---- email signals ----
        let mut email_score = 0;
        let lower_path = path.to_string_lossy().replace('\\', "/").to_lowercase();
        let components: Vec<&str> = lower_path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        let file_name = components.last().copied().unwrap_or("");
        let dirs = &components[..components.len().saturating_sub(1)];
        let name_words = path_words(file_name);
        if let Some(d) = dirs.iter().find(|d| EMAIL_DIRS.contains(d)) {
            email_score += 2;
            kind.reasons.push(format!("path is under {d}/"));
        } else if name_words.iter().any(|w| matches!(*w, "email" | "emails" | "mail" | "mailer" | "mjml")) {
            email_score += 2;
            kind.reasons.push(format!("file name {file_name:?} says email"));
        } else if let Some(d) = dirs.iter().find(|d| WEAK_EMAIL_DIRS.contains(d)) {
            email_score += 1;
            kind.reasons.push(format!("path is under {d}/"));
        } else if name_words.iter().any(|w| w.starts_with("newsletter")) {
            email_score += 1;
            kind.reasons.push(format!("file name {file_name:?} mentions a newsletter"));
        }
        if lower_path.ends_with(".mjml")
            || doc.elements().any(|e| e.value().name() == "mjml" || e.value().name().starts_with("mj-"))
        {
            email_score += 3;
            kind.reasons.push("MJML markup".into());
        }
        let markers: Vec<_> = self.tags.markers().filter(|h| is_live(h.start)).collect();
        let marketing_esp = markers.iter().find(|h| h.marketing).map(|h| h.esp);
        if let Some(first) = markers.first() {
            email_score += 2;
            kind.reasons.push(format!("{} merge tags", first.esp));
        }
        if let Some(id) = &doc.doctype_public_id
            && id.contains("XHTML 1.0")
        {
            email_score += 1;
            kind.reasons.push("XHTML 1.0 doctype".into());
        }
        let outlook =
            doc.comments.iter().any(|c| text[c.clone()].contains("[if mso") || text[c.clone()].contains("[if gte mso"))
                || text.contains("urn:schemas-microsoft-com:office")
                || doc.elements().any(|e| {
                    e.value().name() == "meta"
                        && e.value()
                            .attr("name")
                            .is_some_and(|n| n.eq_ignore_ascii_case("x-apple-disable-message-reformatting"))
                });
        if outlook {
            email_score += 2;
            kind.reasons.push("email-client markup (Outlook conditional comments or Apple reformatting meta)".into());
        }
        let layout_tables = doc
            .elements()
            .filter(|e| e.value().name() == "table")
            .filter(|e| {
                let v = e.value();
                v.attr("role").is_some_and(|r| r.eq_ignore_ascii_case("presentation"))
                    || (v.attr("cellpadding").is_some() && v.attr("cellspacing").is_some())
                    || v.attr("bgcolor").is_some()
            })
            .count();
        if layout_tables >= 2 && forms == 0 {
            email_score += 1;
            kind.reasons.push(format!("{layout_tables} layout tables"));
        }
        // Cold outreach wording is itself a sign of an email (a sales template is often a bare
        // file of paragraphs with no other email markup).
        let mut outreach_words: Vec<String> = Vec::new();
        if forms == 0 && (email_score > 0 || text.len() <= OUTREACH_SCAN_LIMIT) {
            let hits = body_hits.get_or_insert_with(|| self.vocab.hits_any_language(body_text));
            outreach_words = distinct_words(body_text, hits, Concept::ColdOutreach);
            if outreach_words.len() >= COLD_OUTREACH_MIN && email_score < 2 {
                email_score += 2;
                kind.reasons.push("written like an email to a prospect".into());
            }
        }
        match forced {
            Some(KindOverride::Page) => {
                kind.page = true;
                kind.reasons.push("forced to web page by configuration".into());
                return kind;
            }
            Some(KindOverride::MarketingEmail) => {
                kind.email = Some(EmailKind::Marketing);
                kind.reasons.push("forced to marketing email by configuration".into());
                return kind;
            }
            Some(KindOverride::TransactionalEmail) => {
                kind.email = Some(EmailKind::Transactional);
                kind.reasons.push("forced to transactional email by configuration".into());
                return kind;
            }
            Some(KindOverride::Email) => kind.reasons.push("forced to email by configuration".into()),
            None => {
                // A page with forms needs more evidence: emails rarely contain forms.
                let needed = if forms > 0 { 3 } else { 2 };
                if email_score < needed {
                    return kind;
                }
            }
        }

        // ---- marketing or transactional ----
        let hits = body_hits.get_or_insert_with(|| self.vocab.hits_any_language(body_text));
        let mkt_words = distinct_words(body_text, hits, Concept::MarketingEmail);
        let trans_words = distinct_words(body_text, hits, Concept::Transactional);
        if outreach_words.is_empty() {
            outreach_words = distinct_words(body_text, hits, Concept::ColdOutreach);
        }
        // Cold outreach: sales wording to one person, not a list mailing with an unsubscribe
        // centre (an ESP unsubscribe tag means a list).
        let list_mailing = self.tags.opt_out().any(|h| is_live(h.start));
        if outreach_words.len() >= COLD_OUTREACH_MIN && !list_mailing {
            kind.cold_outreach = true;
            kind.reasons.push(format!("cold outreach wording: {}", quote_list(&outreach_words)));
        }
        // Transactional phrases are specific ("reset your password"); marketing words are
        // generic ("sale"), so a single one is not enough to call an email marketing.
        let mut marketing = mkt_words.len() as i32;
        let mut transactional = 2 * trans_words.len() as i32;
        if !mkt_words.is_empty() {
            kind.reasons.push(format!("marketing wording: {}", quote_list(&mkt_words)));
        }
        if !trans_words.is_empty() {
            kind.reasons.push(format!("transactional wording: {}", quote_list(&trans_words)));
        }
        // The file's own name says most about its purpose; directories hint.
        let dir_words: Vec<&str> = dirs.iter().flat_map(|d| path_words(d)).collect();
        for (list, score, label) in
            [(MARKETING_PATH, &mut marketing, "marketing"), (TRANSACTIONAL_PATH, &mut transactional, "transactional")]
        {
            if let Some(w) = find_keyword(&name_words, list) {
                *score += 3;
                kind.reasons.push(format!("file name says {label} ({w:?})"));
            } else if let Some(w) = find_keyword(&dir_words, list) {
                *score += 1;
                kind.reasons.push(format!("path says {label} ({w:?})"));
            }
        }
        if let Some(esp) = marketing_esp {
            marketing += 2;
            kind.reasons.push(format!("{esp} is a marketing ESP"));
        }
        if kind.cold_outreach {
            // Unsolicited sales email is direct marketing.
            marketing += 2;
        }
        kind.email = Some(if transactional > 0 && transactional >= marketing {
            EmailKind::Transactional
        } else if marketing >= 2 {
            EmailKind::Marketing
        } else {
            EmailKind::Unknown
        });
        kind
    }

    /// The document's language: the first `lang`/`xml:lang` attribute (on `<html>`, `<mjml>` or
    /// whatever element comes first) naming a loaded vocabulary, else the vocabulary that
    /// clearly matches the visible text most.
    fn language(&self, doc: &Document, body_text: &str, body_hits: &mut Option<Vec<Hit>>) -> Language {
        let attr = doc.elements().find_map(|e| {
            let v = e.value();
            v.attr("lang").or_else(|| v.attr("xml:lang")).map(str::trim).filter(|l| !l.is_empty())
        });
        if let Some(tag) = attr
            && let Some(code) = self.vocab.language_of_tag(tag)
        {
            return Language { code: Some(code.to_string()), why: format!("lang attribute {tag:?}") };
        }
        let d = self.vocab.detect(body_hits.get_or_insert_with(|| self.vocab.hits_any_language(body_text)));
        let counts = match (d.best, d.runner_up) {
            (Some((b, n)), Some((r, m))) => format!("{n} word{} only {b} has, {m} only {r} has", plural(n)),
            (Some((b, n)), None) => format!("{n} word{} only {b} has, none of another language", plural(n)),
            _ => "no words particular to one language".to_string(),
        };
        let prefix = match attr {
            Some(tag) => format!("lang attribute {tag:?} has no vocabulary; "),
            None => String::new(),
        };
        match d.language {
            Some(code) => Language { code: Some(code.to_string()), why: format!("{prefix}detected: {counts}") },
            None => Language { code: None, why: format!("{prefix}not detected ({counts}); every vocabulary tried") },
        }
    }
}

/// Is this a plain-text template by its name: `*.txt`, `*.text`, or a template whose inner
/// extension says text (`welcome.text.erb`, `digest.txt.j2`, `promo.text.hbs`, `a.plain.twig`)?
pub fn is_plain_text_template(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let parts: Vec<&str> = name.split('.').skip(1).collect();
    match parts.as_slice() {
        [] => false,
        [ext] => matches!(*ext, "txt" | "text"),
        [.., inner, _] => matches!(*inner, "txt" | "text" | "plain"),
    }
}

/// Does the path say "email" (an email directory, or a mailer directory such as Rails'
/// `app/views/user_mailer/`)? The reason, if so.
pub fn email_path(path: &Path) -> Option<String> {
    let lower = path.to_string_lossy().replace('\\', "/").to_lowercase();
    let comps: Vec<&str> = lower.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    let dirs = &comps[..comps.len().saturating_sub(1)];
    let dir = dirs.iter().find(|d| {
        EMAIL_DIRS.contains(d) || WEAK_EMAIL_DIRS.contains(d) || d.ends_with("mailer") || d.ends_with("mailers")
    });
    if let Some(d) = dir {
        return Some(format!("path is under {d}/"));
    }
    let file = comps.last().copied().unwrap_or("");
    path_words(file)
        .iter()
        .any(|w| matches!(*w, "email" | "emails" | "mail" | "mailer" | "newsletter"))
        .then(|| format!("file name {file:?} says email"))
}

/// The signals of an email message's headers, added to a kind classified from its body: bulk
/// headers (List-Unsubscribe, List-Id, Precedence: bulk) and the Subject's wording. They decide
/// only what the body left open; a forced kind stays.
pub fn message_signals(
    kind: &mut DocumentKind,
    msg: &crate::mime::Message,
    vocab: &Vocabulary,
    forced: Option<KindOverride>,
) {
    kind.reasons.push(format!(
        "email message ({})",
        if msg.parts.is_empty() {
            "no text part".to_string()
        } else {
            msg.parts.iter().map(|p| p.content_type.as_str()).collect::<Vec<_>>().join(" + ")
        }
    ));
    let mut bulk = Vec::new();
    for name in ["List-Unsubscribe", "List-Id"] {
        if msg.header(name).is_some() {
            bulk.push(format!("{name} header"));
        }
    }
    if let Some(p) =
        msg.header("Precedence").filter(|h| matches!(h.value.to_ascii_lowercase().as_str(), "bulk" | "list"))
    {
        bulk.push(format!("Precedence: {}", p.value));
    }
    if !bulk.is_empty() {
        kind.reasons.push(format!("bulk-mail headers: {}", bulk.join(", ")));
    }
    let subject = msg.header("Subject").map(|h| h.value.as_str()).unwrap_or("");
    let hits = vocab.hits_any_language(subject);
    let words = |c: Concept| {
        let mut seen = std::collections::HashSet::new();
        hits.iter()
            .filter(|h| h.concept == c)
            .map(|h| &subject[h.start..h.end])
            .filter(|w| seen.insert(w.to_lowercase()))
            .collect::<Vec<_>>()
    };
    let (mkt, trans) = (words(Concept::MarketingEmail), words(Concept::Transactional));
    if !mkt.is_empty() {
        kind.reasons.push(format!("subject says marketing: {}", quote_list(&mkt)));
    }
    if !trans.is_empty() {
        kind.reasons.push(format!("subject says transactional: {}", quote_list(&trans)));
    }
    if forced.is_some_and(|f| f != KindOverride::Email) || kind.email != Some(EmailKind::Unknown) {
        return;
    }
    if !trans.is_empty() && mkt.is_empty() {
        kind.email = Some(EmailKind::Transactional);
    } else if !mkt.is_empty() || !bulk.is_empty() {
        kind.email = Some(EmailKind::Marketing);
    }
}

/// Body text a reader sees (no script/style/head, no MJML `<mj-style>` CSS or
/// `<mj-attributes>` defaults), whitespace collapsed.
pub(crate) fn visible_text(doc: &Document) -> String {
    let root = doc.root();
    let body = root.children().filter_map(ElementRef::wrap).find(|e| e.value().name() == "body").unwrap_or(root);
    let mut out = String::new();
    for node in body.descendants() {
        if let Some(t) = node.value().as_text() {
            let hidden = node.ancestors().filter_map(ElementRef::wrap).any(|a| {
                matches!(a.value().name(), "script" | "style" | "head" | "template" | "mj-style" | "mj-attributes")
            });
            if !hidden {
                out.push_str(t);
                out.push(' ');
            }
        }
    }
    crate::context::collapse(std::iter::once(out.as_str()))
}

/// Distinct words of one concept among `hits` (ranges into `text`), case-insensitively, in
/// order of appearance.
fn distinct_words(text: &str, hits: &[crate::vocab::Hit], c: Concept) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut words = Vec::new();
    for h in hits.iter().filter(|h| h.concept == c) {
        let w = &text[h.start..h.end];
        if seen.insert(w.to_lowercase()) {
            words.push(w.to_string());
        }
    }
    words
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn quote_list<S: AsRef<str>>(words: &[S]) -> String {
    let shown: Vec<String> = words.iter().take(4).map(|w| format!("{:?}", w.as_ref())).collect();
    let more = if words.len() > 4 { format!(" and {} more", words.len() - 4) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::visible_text;
    use crate::html::Document;

    #[test]
    fn mjml_styles_are_not_text() {
        let doc = Document::parse(
            "<mjml><mj-head><mj-title>Hello</mj-title><mj-style>.sale > a { color: red }</mj-style>\
             <mj-attributes><mj-all font-family=\"x\" /></mj-attributes></mj-head>\
             <mj-body><mj-text>Spring news</mj-text><mj-raw><p>Raw text</p></mj-raw></mj-body></mjml>",
        );
        let text = visible_text(&doc);
        assert!(!text.contains("sale"), "{text}");
        for want in ["Hello", "Spring news", "Raw text"] {
            assert!(text.contains(want), "{want} not in {text}");
        }
    }
}
