//! Everything a rule may look at for one file, and the questions rules share: what a control
//! is labelled with, the original text of an attribute, whether an offset is live markup.

use std::collections::HashMap;
use std::ops::Range;

use scraper::ElementRef;

use crate::document::DocumentKind;
use crate::esp::EspTags;
use crate::html::{AttrSpan, Document};
use crate::source::SourceFile;
use crate::style::{Origin, StyleSheet};
use crate::template::{RegionKind, Templates, printed_code};
use crate::trackers::Trackers;
use crate::vocab::{Concept, ConceptSet, Vocabulary};

pub struct Context<'a> {
    pub source: &'a SourceFile,
    pub doc: &'a Document,
    pub templates: &'a Templates,
    pub vocab: &'a Vocabulary,
    pub esp: &'a EspTags,
    /// The file's merge tags, scanned once for every rule.
    pub tags: crate::esp::Tags<'a>,
    pub kind: &'a DocumentKind,
    /// The document is plain text (a text template or a text/plain part), not HTML: it has no
    /// elements, and a bare URL in its text is a link.
    pub plain: bool,
    /// Options of the rules that have any (`[rule-options]` in consentlint.toml).
    pub options: &'a crate::config::RuleOptions,
    /// Known tracking hosts (built-in; the linter sets the configured ones).
    pub trackers: &'a Trackers,
    ids: HashMap<&'a str, ElementRef<'a>>,
    labels_for: HashMap<&'a str, Vec<ElementRef<'a>>>,
    /// The `<style>` blocks' rules, read the first time a rule asks.
    sheet: std::cell::OnceCell<StyleSheet>,
    /// Visible text and its vocabulary matches (`visible`), the first time a rule asks.
    visible: std::cell::OnceCell<(String, Vec<crate::vocab::Hit>)>,
}

/// The text that describes a form control, gathered the way a person (and assistive
/// technology) would read it.
#[derive(Debug, Default, Clone)]
pub struct ControlText {
    /// Label text: label[for], wrapping label, aria-labelledby, aria-label, title, or the text
    /// right next to the control. Whitespace collapsed.
    pub label: String,
    /// The element that holds the label text, when there is one (for secondary spans).
    pub label_element: Option<Range<usize>>,
    /// name and id, split into words ("opt_in_newsletter" → "opt in newsletter").
    pub identifiers: String,
}

impl<'a> Context<'a> {
    pub fn new(
        source: &'a SourceFile,
        doc: &'a Document,
        templates: &'a Templates,
        vocab: &'a Vocabulary,
        esp: &'a EspTags,
        kind: &'a DocumentKind,
        options: &'a crate::config::RuleOptions,
    ) -> Context<'a> {
        let mut ids = HashMap::new();
        let mut labels_for: HashMap<&str, Vec<ElementRef<'a>>> = HashMap::new();
        for el in doc.elements() {
            if let Some(id) = el.value().id() {
                ids.entry(id).or_insert(el);
            }
            if el.value().name() == "label"
                && let Some(f) = el.value().attr("for")
            {
                labels_for.entry(f).or_default().push(el);
            }
        }
        Context {
            source,
            doc,
            templates,
            vocab,
            esp,
            tags: crate::esp::Tags::new(esp, &source.text),
            kind,
            plain: false,
            options,
            trackers: Trackers::builtin(),
            ids,
            labels_for,
            sheet: std::cell::OnceCell::new(),
            visible: std::cell::OnceCell::new(),
        }
    }

    /// The rules of the document's live `<style>` blocks (not commented out).
    pub fn stylesheet(&self) -> &StyleSheet {
        self.sheet.get_or_init(|| {
            let mut sheet = StyleSheet::default();
            for el in self.doc.elements().filter(|e| e.value().name() == "style") {
                if self.doc.span(el).is_some_and(|s| self.is_live(s.span.start)) {
                    sheet.add(&el.text().collect::<String>());
                }
            }
            sheet
        })
    }

    /// The cascaded value of a CSS property on the element itself (inline style, then the
    /// `<style>` blocks), with where it came from.
    pub fn style(&self, el: ElementRef<'_>, property: &str) -> Option<(String, Origin)> {
        let attr = self.attr_span(el, "style").map(|a| a.span.clone());
        self.stylesheet().value(el, property, attr)
    }

    pub fn text(&self) -> &'a str {
        &self.source.text
    }

    /// The attribute's spans in the source, if the element came from a start tag.
    pub fn attr_span(&self, el: ElementRef<'_>, name: &str) -> Option<&'a AttrSpan> {
        self.doc.span(el)?.attr(name)
    }

    /// The attribute value as written in the ORIGINAL source (template syntax intact), falling
    /// back to the DOM value.
    pub fn attr_raw(&self, el: ElementRef<'a>, name: &str) -> Option<&'a str> {
        if let Some(a) = self.attr_span(el, name) {
            return Some(match &a.value_span {
                Some(v) => &self.source.text[v.clone()],
                None => "",
            });
        }
        el.value().attr(name)
    }

    /// Is this offset inside a template expression or conditional block, so that what is
    /// there depends on data (a stored choice) rather than being a fixed default?
    pub fn is_templated(&self, offset: usize) -> bool {
        self.templates.in_expression(offset) || self.templates.in_conditional(offset)
    }

    /// Does the link target written in `el`'s `attr` (usually `href`) name `c`, a URL concept
    /// (`PrivacyUrl`, `UnsubscribeUrl`)? The literal parts of the value match the URL words
    /// anywhere (`/datenschutz-hinweise`, `?action=unsubscribe`). A template expression in it
    /// counts when one of its words *begins* with a URL word: `{{ privacy_url }}`,
    /// `{% url 'privacy' %}`, `{{ route('datenschutzerklaerung') }}`, `{{ .UnsubscribeURL }}`,
    /// but not `{{ nonprivacy }}`, where the word only sits inside a longer one. Template
    /// comments in the value count for nothing.
    pub fn target_names(&self, el: ElementRef<'a>, attr: &str, c: Concept) -> bool {
        let Some(range) = self.attr_span(el, attr).and_then(|a| a.value_span.clone()) else {
            return el.value().attr(attr).is_some_and(|v| self.has(v, c));
        };
        let text = self.text();
        let mut literal = String::new();
        let mut at = range.start;
        for r in self.templates.regions_in(range.clone()) {
            let (start, end) = (r.range.start.max(range.start), r.range.end.min(range.end));
            literal.push_str(text.get(at..start.max(at)).unwrap_or(""));
            literal.push(' ');
            if r.kind == RegionKind::Expression && self.expression_names(&text[r.range.clone()], c, false) {
                return true;
            }
            at = end;
        }
        literal.push_str(text.get(at..range.end).unwrap_or(""));
        self.has(&literal, c)
    }

    /// Live output expressions printed as text (outside any tag) within `range` whose words
    /// name `c` exactly: a merge variable that prints the link itself (`{{ unsubscribe_link }}`,
    /// `{{{unsubscribe}}}`, `<%= unsubscribe_url %>`, `{!! $privacyLink !!}`), not one whose
    /// word only starts like it (`{{ unsubscribed_count }}`) and not a tag or a condition
    /// (`{% if unsubscribe_url %}`).
    pub fn printed_links(&self, range: Range<usize>, c: Concept) -> impl Iterator<Item = Range<usize>> + '_ {
        let text = self.text();
        self.templates
            .regions_in(range)
            .filter(move |r| {
                r.kind == RegionKind::Expression
                    && self.is_live(r.range.start)
                    && self.doc.tag_containing(r.range.start).is_none()
                    && printed_code(&text[r.range.clone()]).is_some_and(|code| self.expression_names(code, c, true))
            })
            .map(|r| r.range.clone())
    }

    /// Do the words of a template expression (its identifiers and string literals:
    /// `url_for('privacy_policy')`, `.UnsubscribeURL`, `route('trattamento-dati')`) name `c`? A
    /// URL word must begin a word (after a non-letter or at a camelCase step); with
    /// `whole_word` it must also end one.
    fn expression_names(&self, code: &str, c: Concept, whole_word: bool) -> bool {
        let camel_step = |a: char, b: char| a.is_lowercase() && b.is_uppercase();
        self.vocab.url_fragments(code, c).iter().any(|m| {
            let (Some(word), Some(before), Some(after)) = (code.get(m.clone()), code.get(..m.start), code.get(m.end..))
            else {
                return false;
            };
            let (Some(first), Some(last)) = (word.chars().next(), word.chars().next_back()) else { return false };
            let starts = before.chars().next_back().is_none_or(|p| !p.is_alphanumeric() || camel_step(p, first));
            let ends = after.chars().next().is_none_or(|n| !n.is_alphanumeric() || camel_step(last, n));
            starts && (!whole_word || ends)
        })
    }

    pub fn element_by_id(&self, id: &str) -> Option<ElementRef<'a>> {
        self.ids.get(id).copied()
    }

    /// Text content with whitespace collapsed.
    pub fn text_of(&self, el: ElementRef<'_>) -> String {
        collapse(el.text())
    }

    /// What a control says about itself.
    pub fn control_text(&self, el: ElementRef<'a>) -> ControlText {
        let mut out = ControlText::default();
        let mut parts: Vec<String> = Vec::new();
        if let Some(id) = el.value().id()
            && let Some(labels) = self.labels_for.get(id)
        {
            for l in labels {
                parts.push(self.text_of(*l));
                out.label_element.get_or_insert_with(|| self.doc.anchor(*l));
            }
        }
        if let Some(l) = el.ancestors().filter_map(ElementRef::wrap).find(|a| a.value().name() == "label") {
            parts.push(self.text_of(l));
            out.label_element.get_or_insert_with(|| self.doc.anchor(l));
        }
        if let Some(ids) = el.value().attr("aria-labelledby") {
            for id in ids.split_whitespace() {
                if let Some(t) = self.element_by_id(id) {
                    parts.push(self.text_of(t));
                    out.label_element.get_or_insert_with(|| self.doc.anchor(t));
                }
            }
        }
        if let Some(id) = el.value().attr("aria-describedby") {
            for id in id.split_whitespace() {
                if let Some(t) = self.element_by_id(id) {
                    parts.push(self.text_of(t));
                }
            }
        }
        for a in ["aria-label", "title"] {
            if let Some(v) = el.value().attr(a) {
                parts.push(collapse(std::iter::once(v)));
            }
        }
        if parts.iter().all(|p| p.trim().is_empty()) {
            let (t, holder) = self.adjacent_text(el);
            parts.push(t);
            if let Some(h) = holder {
                out.label_element = Some(self.doc.anchor(h));
            }
        }
        out.label = parts.join(" ").trim().to_string();
        let mut idents = String::new();
        for a in ["name", "id"] {
            if let Some(v) = el.value().attr(a) {
                idents.push_str(&split_identifier(v));
                idents.push(' ');
            }
        }
        out.identifiers = idents.trim().to_string();
        out
    }

    /// The elements that label a control: `<label for>`, a wrapping `<label>`, and the targets
    /// of `aria-labelledby`.
    pub fn label_elements(&self, el: ElementRef<'a>) -> Vec<ElementRef<'a>> {
        let mut out: Vec<ElementRef<'a>> = Vec::new();
        if let Some(id) = el.value().id()
            && let Some(labels) = self.labels_for.get(id)
        {
            out.extend(labels.iter().copied());
        }
        if let Some(l) = el.ancestors().filter_map(ElementRef::wrap).find(|a| a.value().name() == "label") {
            out.push(l);
        }
        if let Some(ids) = el.value().attr("aria-labelledby") {
            out.extend(ids.split_whitespace().filter_map(|id| self.element_by_id(id)));
        }
        out.dedup_by_key(|e| e.id());
        out
    }

    /// Text next to a control that has no label: the rest of its parent when the parent holds
    /// no other control, else the sibling text up to the next control or line break.
    fn adjacent_text(&self, el: ElementRef<'a>) -> (String, Option<ElementRef<'a>>) {
        let mut node = el;
        // Climb through wrappers that hold only this control (e.g. <span class=box><input></span>).
        for _ in 0..4 {
            let Some(parent) = node.parent().and_then(ElementRef::wrap) else { break };
            if matches!(parent.value().name(), "form" | "body" | "fieldset" | "table" | "tbody" | "tr" | "ul" | "ol") {
                break;
            }
            let controls = parent.descendants().filter_map(ElementRef::wrap).filter(|e| is_control(*e)).count();
            if controls != 1 {
                break;
            }
            let text = self.text_of(parent);
            if !text.is_empty() {
                return (text, Some(parent));
            }
            node = parent;
        }
        // Siblings after the control.
        let mut text = String::new();
        for sib in node.next_siblings() {
            if let Some(e) = ElementRef::wrap(sib) {
                if is_control(e)
                    || e.value().name() == "br"
                    || e.descendants().filter_map(ElementRef::wrap).any(is_control)
                {
                    break;
                }
                text.push_str(&self.text_of(e));
                text.push(' ');
            } else if let Some(t) = sib.value().as_text() {
                text.push_str(t);
            }
        }
        (collapse(std::iter::once(text.as_str())), None)
    }

    /// The language of an element: the nearest `lang` attribute on it or its ancestors.
    pub fn lang_of<'e>(&self, el: ElementRef<'e>) -> Option<&'e str> {
        std::iter::once(el)
            .chain(el.ancestors().filter_map(ElementRef::wrap))
            .filter_map(|e| e.value().attr("lang").or_else(|| e.value().attr("xml:lang")))
            .find(|l| !l.trim().is_empty())
    }

    /// The language that decides which function words count in text belonging to `el`: its
    /// own or an ancestor's `lang`, else the document's detected language.
    fn language_at<'e>(&'e self, el: ElementRef<'e>) -> Option<&'e str> {
        self.lang_of(el).or(self.kind.language.code.as_deref())
    }

    /// Vocabulary matches in text that belongs to `el` (its language decides which yes/no
    /// and negation words count).
    pub fn hits_at(&self, el: ElementRef<'_>, text: &str) -> Vec<crate::vocab::Hit> {
        self.vocab.hits_in(text, self.language_at(el))
    }

    /// Concepts mentioned in text that belongs to `el`.
    pub fn concepts_at(&self, el: ElementRef<'_>, text: &str) -> ConceptSet {
        self.vocab.concepts_in(text, self.language_at(el))
    }

    /// Concepts mentioned in `text` (language guessed from the text).
    pub fn concepts(&self, text: &str) -> ConceptSet {
        self.vocab.concepts(text)
    }

    pub fn has(&self, text: &str, c: Concept) -> bool {
        self.vocab.has(text, c)
    }

    /// The text a reader sees (no script, style or head), whitespace collapsed.
    pub fn visible_text(&self) -> String {
        self.visible().0.to_string()
    }

    /// Give `visible` what the classifier already worked out for this document.
    pub fn seed_visible(&self, text: String, hits: Vec<crate::vocab::Hit>) {
        let _ = self.visible.set((text, hits));
    }

    /// The text a reader sees and its vocabulary matches in every language, worked out once
    /// for all the document-level rules that read the whole email or page.
    pub fn visible(&self) -> (&str, &[crate::vocab::Hit]) {
        let (text, hits) = self.visible.get_or_init(|| {
            let text = crate::document::visible_text(self.doc);
            let hits = self.vocab.hits_any_language(&text);
            (text, hits)
        });
        (text, hits)
    }

    /// Where a finding about the whole HTML email points: the `<body>` start tag (or
    /// `<mj-body>`, `<mjml>`, `<html>`, else the first element with a span).
    pub fn body_anchor(&self) -> Range<usize> {
        ["body", "mj-body", "mjml", "html"]
            .iter()
            .find_map(|name| self.doc.elements().find(|e| e.value().name() == *name && self.doc.span(*e).is_some()))
            .or_else(|| self.doc.elements().find(|e| self.doc.span(*e).is_some()))
            .map_or(0..0, |e| self.doc.anchor(e))
    }

    /// Plain text: the first line with live text on it, not a template comment (a
    /// document-level finding's anchor).
    pub fn first_line(&self) -> Range<usize> {
        let text = self.text();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_end();
            let lead = trimmed.len() - trimmed.trim_start().len();
            if !trimmed.trim_start().is_empty() && self.is_live(start + lead) {
                return start + lead..start + trimmed.len();
            }
            start += line.len();
        }
        0..0
    }

    /// Plain text: bare URLs (`https://...`, `www....`) and email addresses with `mailto:`,
    /// which a mail client turns into links.
    pub fn bare_urls(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = RE.get_or_init(|| {
            regex::Regex::new(r"(?i)(?:https?://|www\.|mailto:)[^\s<>()\[\]{}\x22\x27]+")
                .unwrap_or_else(|e| panic!("{e}"))
        });
        re.find_iter(self.text()).map(|m| m.start()..m.end())
    }

    /// Does link text mention `c`, also when it is a template translation key
    /// (`{{ __('politica_privacidad') }}`, `{{#translate}}manageYourPreferences{{/translate}}`,
    /// `{{ 'footer.unsubscribe' | t }}`), read as words?
    pub fn link_text_has(&self, text: &str, c: Concept) -> bool {
        self.has(text, c)
            || (text.contains(|ch: char| ch == '_' || ch == '.' || ch.is_uppercase())
                && self.has(&split_identifier(text), c))
    }

    /// Is `offset` in live markup (not an HTML comment, template comment, or script/style)?
    pub fn is_live(&self, offset: usize) -> bool {
        !self.doc.is_dead(offset) && !self.templates.in_comment(offset)
    }

    /// The nearest enclosing form, or the form named by the control's `form` attribute.
    pub fn form_of(&self, el: ElementRef<'a>) -> Option<ElementRef<'a>> {
        if let Some(id) = el.value().attr("form") {
            return self.element_by_id(id).filter(|f| f.value().name() == "form");
        }
        el.ancestors().filter_map(ElementRef::wrap).find(|a| a.value().name() == "form")
    }
}

pub fn is_control(e: ElementRef<'_>) -> bool {
    match e.value().name() {
        "select" | "textarea" | "button" => true,
        "input" => !e.value().attr("type").is_some_and(|t| t.eq_ignore_ascii_case("hidden")),
        _ => false,
    }
}

/// Collapse whitespace runs to one space and trim.
pub fn collapse<'s>(parts: impl Iterator<Item = &'s str>) -> String {
    let mut joined = String::new();
    for p in parts {
        joined.push_str(p);
    }
    let mut out = String::with_capacity(joined.len());
    for w in joined.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// "optIn_newsletter[sms]" → "opt In newsletter sms": split an identifier into words.
pub fn split_identifier(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if let Some(p) = prev
                && p.is_lowercase()
                && c.is_uppercase()
            {
                out.push(' ');
            }
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
        prev = Some(c);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split() {
        assert_eq!(split_identifier("optIn_newsletter[sms]"), "opt In newsletter sms");
        assert_eq!(split_identifier("accepts-marketing"), "accepts marketing");
        assert_eq!(split_identifier("GDPR"), "GDPR");
    }

    #[test]
    fn expression_words_name_targets() {
        use crate::document::DocumentKind;
        use crate::esp::EspTags;
        use crate::html::Document;
        use crate::source::SourceFile;
        use crate::template::Templates;
        use crate::vocab::{Concept, Vocabulary};
        let source = SourceFile::from_text("t.html", "");
        let doc = Document::parse("");
        let (templates, kind) = (Templates::default(), DocumentKind::default());
        let options = crate::config::RuleOptions::default();
        let ctx = Context::new(&source, &doc, &templates, Vocabulary::builtin(), EspTags::builtin(), &kind, &options);
        let names = |code: &str, whole| ctx.expression_names(code, Concept::UnsubscribeUrl, whole);
        for code in
            ["unsubscribe_url", ".UnsubscribeURL", "route('newsletter.unsubscribe')", "unsubscribeLink", "/abmelden"]
        {
            assert!(names(code, true), "{code}");
        }
        assert!(names("unsubscribed_count", false), "a prefix begins the word");
        // Accents fold like everywhere else (and multi-byte text slices safely).
        assert!(names("Ünsubscribe_ü", true));
        for code in ["unsubscribed_count", "nounsubscribe", "x"] {
            assert!(!names(code, true), "{code}");
        }
        assert!(!names("nounsubscribe", false));
    }

    #[test]
    fn collapse_whitespace() {
        assert_eq!(collapse(["  a\n b ", "c"].into_iter()), "a b c");
        assert_eq!(collapse(["a", "b"].into_iter()), "ab");
    }
}
