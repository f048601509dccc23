//! What the form rules share: which fields collect personal data and of what kind, whether a
//! control asks for consent and for which purposes, what a form is for, and whether a control is
//! required.

use std::ops::Range;

use scraper::ElementRef;

use super::input_type;
use crate::context::{Context, split_identifier};
use crate::vocab::{Concept, ConceptSet, Hit};

/// `autocomplete` tokens that name personal data (HTML spec autofill field names).
const PERSONAL_AUTOCOMPLETE: &[&str] = &[
    "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix", "nickname",
    "email", "tel", "tel-national", "tel-local", "street-address", "address-line1", "address-line2", "address-line3",
    "address-level1", "address-level2", "postal-code", "country-name", "bday", "bday-day", "bday-month", "bday-year",
    "sex", "organization", "organization-title", "cc-name", "impp", "photo",
];

/// Input types that never carry personal data typed by the user.
const NON_DATA_TYPES: &[&str] = &[
    "hidden", "submit", "button", "reset", "image", "checkbox", "radio", "range", "color", "file", "search", "password",
];

/// Search-field names.
const SEARCH_NAMES: &[&str] =
    &["q", "s", "query", "search", "keyword", "keywords", "term", "terms", "k", "searchterm", "search_query"];

/// The kind of personal data a field collects, for data minimisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    Email,
    Phone,
    BirthDate,
    Address,
    Gender,
    /// Any other personal data: names, company, job title, ...
    Other,
}

impl DataKind {
    pub const ALL: &'static [DataKind] =
        &[DataKind::Email, DataKind::Phone, DataKind::BirthDate, DataKind::Address, DataKind::Gender, DataKind::Other];

    /// The name used in `consentlint.toml`.
    pub fn key(self) -> &'static str {
        match self {
            DataKind::Email => "email",
            DataKind::Phone => "phone",
            DataKind::BirthDate => "birth-date",
            DataKind::Address => "address",
            DataKind::Gender => "gender",
            DataKind::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<DataKind> {
        DataKind::ALL.iter().copied().find(|k| k.key() == key)
    }

    pub fn describe(self) -> &'static str {
        match self {
            DataKind::Email => "an email address",
            DataKind::Phone => "a phone number",
            DataKind::BirthDate => "a date of birth",
            DataKind::Address => "a postal address",
            DataKind::Gender => "gender",
            DataKind::Other => "personal data",
        }
    }

    /// The vocabulary list that names this kind (Other has none of its own).
    fn concept(self) -> Option<Concept> {
        match self {
            DataKind::Email => Some(Concept::Email),
            DataKind::Phone => Some(Concept::Phone),
            DataKind::BirthDate => Some(Concept::BirthDate),
            DataKind::Address => Some(Concept::PostalAddress),
            DataKind::Gender => Some(Concept::Gender),
            DataKind::Other => None,
        }
    }
}

/// A field that collects personal data.
#[derive(Debug, Clone)]
pub struct PersonalField<'a> {
    pub el: ElementRef<'a>,
    pub kind: DataKind,
    /// What it collects, for messages: "a phone number", "a \"vorname\" field".
    pub why: String,
}

/// Fields of a form that take typed or chosen data (not buttons, boxes or hidden inputs).
pub fn data_fields<'a>(form: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    form.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| match e.value().name() {
            "input" => !NON_DATA_TYPES.contains(&input_type(*e).as_str()),
            "textarea" | "select" => true,
            _ => false,
        })
        .collect()
}

/// The personal-data fields among `fields`.
pub fn personal_fields<'a>(ctx: &Context<'a>, fields: &[ElementRef<'a>]) -> Vec<PersonalField<'a>> {
    fields.iter().filter_map(|f| personal_data(ctx, *f)).collect()
}

fn autocomplete_kind(token: &str) -> (DataKind, &'static str) {
    match token {
        "email" => (DataKind::Email, "an email address"),
        t if t.starts_with("tel") => (DataKind::Phone, "a phone number"),
        t if t.starts_with("bday") => (DataKind::BirthDate, "a date of birth"),
        t if t.starts_with("address") || t == "street-address" || t == "postal-code" || t == "country-name" => {
            (DataKind::Address, "an address")
        }
        "organization" | "organization-title" => (DataKind::Other, "an employer or job title"),
        "sex" => (DataKind::Gender, "gender"),
        "photo" => (DataKind::Other, "a photo"),
        "impp" => (DataKind::Other, "a messaging handle"),
        _ => (DataKind::Other, "a name"),
    }
}

/// Does this field collect personal data, and of what kind? The input type, then the
/// `autocomplete` token, then the words of its name, id, label and placeholder.
pub fn personal_data<'a>(ctx: &Context<'a>, field: ElementRef<'a>) -> Option<PersonalField<'a>> {
    let found = |kind: DataKind, why: String| Some(PersonalField { el: field, kind, why });
    match input_type(field).as_str() {
        "email" if field.value().name() == "input" => return found(DataKind::Email, "an email address".into()),
        "tel" if field.value().name() == "input" => return found(DataKind::Phone, "a phone number".into()),
        _ => {}
    }
    if let Some(ac) = field.value().attr("autocomplete") {
        let tokens: Vec<String> = ac.split_whitespace().map(str::to_ascii_lowercase).collect();
        if let Some(tok) = tokens.iter().find(|t| PERSONAL_AUTOCOMPLETE.contains(&t.as_str())) {
            let (kind, why) = autocomplete_kind(tok);
            return found(kind, why.to_string());
        }
    }
    let text = ctx.control_text(field);
    let mut sources = vec![text.identifiers.clone(), text.label.clone()];
    if let Some(p) = field.value().attr("placeholder") {
        sources.push(p.to_string());
    }
    for s in &sources {
        let hits = ctx.vocab.hits_any_language(s);
        if let Some((kind, h)) = kind_of(&hits) {
            let why = match kind {
                DataKind::Other => format!("a \"{}\" field", s[h.start..h.end].to_lowercase()),
                k => k.describe().to_string(),
            };
            return found(kind, why);
        }
    }
    None
}

/// The kind of data named by these hits: an email word first (so "email address" is not a
/// postal address), then the other kinds, then any personal-data word.
fn kind_of(hits: &[Hit]) -> Option<(DataKind, &Hit)> {
    let email: Vec<&Hit> = hits.iter().filter(|h| h.concept == Concept::Email).collect();
    if let Some(h) = email.first() {
        return Some((DataKind::Email, h));
    }
    for kind in [DataKind::Phone, DataKind::BirthDate, DataKind::Gender, DataKind::Address] {
        if let Some(h) = hits.iter().find(|h| Some(h.concept) == kind.concept()) {
            return Some((kind, h));
        }
    }
    hits.iter().find(|h| h.concept == Concept::PersonalData).map(|h| (DataKind::Other, h))
}

/// role=search, a search-type field, an action or id that says search, or a single query
/// field named like a search box.
pub fn is_search_form(ctx: &Context<'_>, form: ElementRef<'_>, fields: &[ElementRef<'_>]) -> bool {
    let role_search = form.ancestors().filter_map(ElementRef::wrap).chain(std::iter::once(form)).any(|e| {
        e.value().attr("role").is_some_and(|r| r.eq_ignore_ascii_case("search")) || e.value().name() == "search"
    });
    if role_search
        || form
            .descendants()
            .filter_map(ElementRef::wrap)
            .any(|e| e.value().name() == "input" && input_type(e) == "search")
    {
        return true;
    }
    if ctx.has(&form_identifiers(ctx, form), Concept::Search) {
        return true;
    }
    fields.len() == 1
        && fields[0].value().attr("name").is_some_and(|n| SEARCH_NAMES.contains(&n.to_ascii_lowercase().as_str()))
        && input_type(fields[0]) != "email"
}

/// A password field with at most one other field: signing in collects nothing new.
pub fn is_login_form(form: ElementRef<'_>, fields: &[ElementRef<'_>]) -> bool {
    passwords(form) == 1 && fields.len() <= 1
}

pub fn passwords(form: ElementRef<'_>) -> usize {
    form.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "input" && input_type(*e) == "password")
        .count()
}

/// The form's action, id, class, name and aria-label, split into words.
fn form_identifiers(ctx: &Context<'_>, form: ElementRef<'_>) -> String {
    let mut ids = String::new();
    for a in ["action", "id", "class", "name", "aria-label"] {
        if let Some(v) = ctx.attr_raw(form, a) {
            ids.push_str(&split_identifier(v));
            ids.push(' ');
        }
    }
    ids
}

pub fn is_submit(e: ElementRef<'_>) -> bool {
    match e.value().name() {
        "button" => e.value().attr("type").is_none_or(|t| t.eq_ignore_ascii_case("submit")),
        "input" => matches!(input_type(e).as_str(), "submit" | "image"),
        _ => false,
    }
}

/// What says what a form is for: its action, id, class and name, its submit buttons, and its
/// headings (inside it, or the heading just before it in its parent).
pub fn form_purpose_text(ctx: &Context<'_>, form: ElementRef<'_>) -> String {
    let mut signals = form_identifiers(ctx, form);
    for e in form.descendants().filter_map(ElementRef::wrap) {
        let heading = matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "legend");
        if is_submit(e) || heading {
            signals.push_str(&ctx.text_of(e));
            signals.push(' ');
            if let Some(v) = e.value().attr("value").filter(|_| is_submit(e)) {
                signals.push_str(v);
                signals.push(' ');
            }
        }
    }
    // The heading right before the form ("Join our newsletter" above an email field).
    if let Some(h) = form
        .prev_siblings()
        .filter_map(ElementRef::wrap)
        .take(2)
        .find(|e| matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
    {
        signals.push_str(&ctx.text_of(h));
    }
    signals
}

/// A form whose whole purpose is subscribing (a newsletter sign-up): submitting it is the
/// active opt-in. Account forms (a password field) and contact forms (a message box) are not.
pub fn is_subscription_form(ctx: &Context<'_>, form: ElementRef<'_>) -> bool {
    let account_or_message = form
        .descendants()
        .filter_map(ElementRef::wrap)
        .any(|e| (e.value().name() == "input" && input_type(e) == "password") || e.value().name() == "textarea");
    if account_or_message {
        return false;
    }
    let text = form_purpose_text(ctx, form);
    let hits = ctx.vocab.hits(&text);
    // "Call me back" names a phone call the user asked for, not marketing.
    let phone: Vec<&Hit> = hits.iter().filter(|h| h.concept == Concept::Phone).collect();
    hits.iter().any(|h| {
        h.concept == Concept::Consent
            || (h.concept == Concept::Marketing && !phone.iter().any(|p| p.start < h.end && h.start < p.end))
    })
}

/// Why a control counts as consent: the words that said so, where they came from, and which
/// purposes they name.
#[derive(Debug, Clone)]
pub struct Purpose {
    pub words: String,
    pub from_label: bool,
    pub concepts: ConceptSet,
}

/// Concepts that make a control a consent control.
pub const CONSENT: &[Concept] = &[Concept::Marketing, Concept::Sharing, Concept::Profiling, Concept::Consent];
/// The optional purposes consent is asked for (not a condition of any service).
pub const OPTIONAL: &[Concept] = &[Concept::Marketing, Concept::Sharing, Concept::Profiling];

/// Is this control asking for consent? Its label decides; when the label says nothing about
/// purposes, its name/id do. A "not consent" label (remember me, same as billing) never is,
/// and neither is an opt-out box ("tick if you do NOT want offers": implied-consent's).
pub fn consent_purpose(ctx: &Context<'_>, el: ElementRef<'_>, label: &str, identifiers: &str) -> Option<Purpose> {
    let from_label = ctx.hits_at(el, label);
    let label_set = set_of(&from_label);
    if label_set.contains(Concept::NotConsent) || label_set.contains(Concept::OptOut) {
        return None;
    }
    let pick = |hits: &[Hit], text: &str, from_label: bool| -> Option<Purpose> {
        let mut concepts = ConceptSet::default();
        let words: Vec<&str> = hits
            .iter()
            .filter(|h| CONSENT.contains(&h.concept))
            .map(|h| {
                concepts.insert(h.concept);
                &text[h.start..h.end]
            })
            .collect();
        (!words.is_empty()).then(|| Purpose { words: dedup_join(&words), from_label, concepts })
    };
    if let Some(p) = pick(&from_label, label, true) {
        return Some(p);
    }
    let from_ids = ctx.hits_at(el, identifiers);
    let id_set = set_of(&from_ids);
    if id_set.contains(Concept::NotConsent) || id_set.contains(Concept::OptOut) {
        return None;
    }
    pick(&from_ids, identifiers, false)
}

/// Does the control ask for an optional purpose (marketing, sharing, profiling)? Either its
/// label names one, or its label names none at all and its name/id do.
pub fn optional_purpose(ctx: &Context<'_>, el: ElementRef<'_>) -> Option<(Purpose, crate::context::ControlText)> {
    let text = ctx.control_text(el);
    let purpose = consent_purpose(ctx, el, &text.label, &text.identifiers)?;
    if purpose.concepts.any(OPTIONAL) {
        return Some((purpose, text));
    }
    // "I consent" with name="newsletter": the label asked for consent, the name says to what.
    let ids = ctx.concepts_at(el, &text.identifiers);
    let label_names_terms = ctx.concepts_at(el, &text.label).any(&[Concept::Terms, Concept::Privacy]);
    if purpose.from_label && !label_names_terms && ids.any(OPTIONAL) && !ids.contains(Concept::NotConsent) {
        return Some((purpose, text));
    }
    None
}

pub fn set_of(hits: &[Hit]) -> ConceptSet {
    let mut s = ConceptSet::default();
    for h in hits {
        s.insert(h.concept);
    }
    s
}

/// Up to three distinct words, quoted: `"newsletter", "offers"`.
pub fn dedup_join(words: &[&str]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for w in words {
        let w = w.to_lowercase();
        if !seen.iter().any(|s| s.contains(&w) || w.contains(s.as_str())) {
            seen.push(w);
        } else if let Some(s) = seen.iter_mut().find(|s| w.contains(s.as_str())) {
            *s = w;
        }
    }
    seen.truncate(3);
    seen.into_iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")
}

/// Is this a control whose choice is the user's opt-in (checkbox, switch, radio, select)?
pub fn is_choice(el: ElementRef<'_>) -> bool {
    match el.value().name() {
        "input" => matches!(input_type(el).as_str(), "checkbox" | "radio"),
        "select" => true,
        _ => false,
    }
}

/// `data-*` attributes (and a few framework ones) that make a field required when their value
/// says so: Parsley, jQuery Validation, Foundation Abide, VeeValidate, form validator plugins.
fn validation_requires(name: &str, value: &str, checkbox: bool) -> bool {
    let v = value.trim().to_ascii_lowercase();
    let falsy = matches!(v.as_str(), "false" | "0" | "no" | "off");
    match name {
        // ASP.NET MVC unobtrusive validation skips `required` on checkboxes (a bool is always
        // "present"); boxes that must be ticked use a custom rule instead.
        "data-val-required" => !checkbox,
        "data-val-mustbetrue" | "data-val-enforcetrue" | "data-val-booleanrequired" | "data-val-checkboxrequired" => {
            true
        }
        "data-parsley-required" | "data-rule-required" | "data-required" | "data-validate-required" => !falsy,
        "data-validate"
        | "data-validation"
        | "data-rules"
        | "data-rule"
        | "data-parsley-validate-if-empty"
        | "v-validate"
        | "data-vv-rules"
        | "data-constraints" => v
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
            .any(|w| w == "required" || w == "checked"),
        _ => false,
    }
}

/// What makes this control required, and where: `required`, `aria-required="true"`, a
/// validation `data-*` rule, or (with `pattern_counts`, for consent controls, whose only valid
/// answer a pattern can fix) a `pattern`. An empty text field passes its `pattern`, so for data
/// fields it does not count. Template-conditional attributes do not count.
pub fn required_marker(ctx: &Context<'_>, el: ElementRef<'_>, pattern_counts: bool) -> Option<(Range<usize>, String)> {
    let tag = ctx.doc.span(el)?;
    let checkbox = el.value().name() == "input" && input_type(el) == "checkbox";
    for a in &tag.attrs {
        if ctx.is_templated(a.span.start) {
            continue;
        }
        let value = a.value_span.as_ref().map_or("", |v| &ctx.text()[v.clone()]);
        let name = a.name.as_str();
        let what = match name {
            "required" => Some("`required`".to_string()),
            "aria-required" if value.trim().eq_ignore_ascii_case("true") => Some("`aria-required=\"true\"`".into()),
            "pattern" if pattern_counts && el.value().name() == "input" && !value.trim().is_empty() => {
                Some("a `pattern` it must match".into())
            }
            n if validation_requires(n, value, checkbox) => Some(format!("the validation rule `{n}`")),
            _ => None,
        };
        if let Some(w) = what {
            return Some((a.span.clone(), w));
        }
    }
    None
}

/// The text of a form's scope: the form, and its parent when that is a small wrapper (the
/// small print under a form often sits next to it), without other forms.
pub fn scope_of<'a>(form: ElementRef<'a>) -> ElementRef<'a> {
    form.parent()
        .and_then(ElementRef::wrap)
        .filter(|p| !matches!(p.value().name(), "html" | "body" | "main"))
        .filter(|p| p.descendants().filter_map(ElementRef::wrap).filter(|e| e.value().name() == "form").count() == 1)
        .unwrap_or(form)
}

/// Inside a footer (between `el` and `scope`)?
pub fn in_footer(el: ElementRef<'_>, scope: ElementRef<'_>) -> bool {
    for a in el.ancestors().filter_map(ElementRef::wrap) {
        if a.id() == scope.id() {
            return false;
        }
        let v = a.value();
        if v.name() == "footer"
            || v.attr("role").is_some_and(|r| r.eq_ignore_ascii_case("contentinfo"))
            || v.id().is_some_and(|i| i.to_ascii_lowercase().contains("footer"))
            || v.attr("class").is_some_and(|c| c.split_whitespace().any(|c| c.to_ascii_lowercase().contains("footer")))
        {
            return true;
        }
    }
    false
}

/// Where `words` (a vocabulary hit found in an element's text) are in the source, searched
/// within the element's source range; `None` when markup or entities break them up.
pub fn locate_in(ctx: &Context<'_>, el: ElementRef<'_>, concept: Concept) -> Option<Range<usize>> {
    let outer = ctx.doc.outer(el)?;
    let src = ctx.text().get(outer.clone())?;
    ctx.vocab
        .hits_any_language(src)
        .into_iter()
        .filter(|h| h.concept == concept)
        .map(|h| outer.start + h.start..outer.start + h.end)
        .filter(|r| ctx.is_live(r.start) && ctx.doc.tag_containing(r.start).is_none())
        .min_by_key(|r| (r.start, std::cmp::Reverse(r.end)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// The kind of the first data field of `html`, as the rules see it.
    fn kind(html: &str) -> Option<DataKind> {
        let file = SourceFile::from_text("t.html", html);
        let (templates, _) = crate::template::scan(&file.text);
        let doc = crate::html::Document::parse(&file.text);
        let vocab = crate::vocab::Vocabulary::builtin();
        let esp = crate::esp::EspTags::builtin();
        let kind = crate::document::DocumentKind::default();
        let options = crate::config::RuleOptions::default();
        let ctx = Context::new(&file, &doc, &templates, vocab, esp, &kind, &options);
        let form = doc.elements().find(|e| e.value().name() == "form")?;
        let fields = data_fields(form);
        personal_fields(&ctx, &fields).first().map(|p| p.kind)
    }

    #[test]
    fn data_kinds_in_several_languages() {
        let cases: &[(&str, Option<DataKind>)] = &[
            ("<form><input type=tel name=x></form>", Some(DataKind::Phone)),
            ("<form><input autocomplete=bday-year name=x></form>", Some(DataKind::BirthDate)),
            ("<form><label>E-Mail-Adresse <input name=x></label></form>", Some(DataKind::Email)),
            ("<form><label>Adresse e-mail <input name=x></label></form>", Some(DataKind::Email)),
            ("<form><label>邮箱地址 <input name=x></label></form>", Some(DataKind::Email)),
            ("<form><label>Straße und Hausnummer <input name=x></label></form>", Some(DataKind::Address)),
            (
                "<form><label>Anrede <select name=x><option>Frau</option></select></label></form>",
                Some(DataKind::Gender),
            ),
            (
                "<form><label>Civilité <select name=x><option>Madame</option></select></label></form>",
                Some(DataKind::Gender),
            ),
            ("<form><input name=geburtsdatum></form>", Some(DataKind::BirthDate)),
            ("<form><label>手机号 <input name=x></label></form>", Some(DataKind::Phone)),
            ("<form><label>Телефон <input name=x></label></form>", Some(DataKind::Phone)),
            ("<form><label>Vorname <input name=x></label></form>", Some(DataKind::Other)),
            ("<form><label>Coupon code <input name=x></label></form>", None),
        ];
        for (html, want) in cases {
            assert_eq!(kind(html), *want, "{html}");
        }
    }
}
