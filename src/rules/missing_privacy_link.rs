//! missing-privacy-link: a form that collects personal data without linking to the privacy
//! notice at the point of collection.

use scraper::ElementRef;

use super::{Confidence, Rule, RuleMeta, finding, input_type};
use crate::context::{Context, split_identifier};
use crate::finding::{Finding, Label, Severity};
use crate::vocab::Concept;

pub struct MissingPrivacyLink;

static META: RuleMeta = RuleMeta {
    name: "missing-privacy-link",
    summary: "a form collects personal data without a link to the privacy notice",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/missing-privacy-link.md"),
};

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

impl Rule for MissingPrivacyLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, form: ElementRef<'_>, out: &mut Vec<Finding>) {
        if form.value().name() != "form" {
            return;
        }
        let fields: Vec<ElementRef<'_>> = form
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| match e.value().name() {
                "input" => !NON_DATA_TYPES.contains(&input_type(*e).as_str()),
                "textarea" | "select" => true,
                _ => false,
            })
            .collect();
        if fields.is_empty() || is_search_form(ctx, form, &fields) || is_login_form(form, &fields) {
            return;
        }
        let personal: Vec<(ElementRef<'_>, String)> =
            fields.iter().filter_map(|f| personal_data(ctx, *f).map(|why| (*f, why))).collect();
        if personal.is_empty() {
            return;
        }
        if has_privacy_link(ctx, form) {
            return;
        }
        let what: Vec<&str> = personal.iter().map(|(_, w)| w.as_str()).collect();
        let mut f = finding(
            &META,
            ctx.doc.anchor(form),
            "form collects personal data without a link to the privacy notice".to_string(),
            &format!("collects {}", dedup(&what).join(", ")),
            "link to your privacy policy inside the form or right next to it, e.g. \
             <a href=\"/privacy\">How we use your data</a>; a link in the site footer is not at the point of collection"
                .to_string(),
        );
        for (field, why) in personal.iter().take(3) {
            let span = ctx.doc.anchor(*field);
            if span != f.span {
                f.secondary.push(Label { span, message: format!("collects {why}") });
            }
        }
        out.push(f);
    }
}

fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i);
        }
    }
    out
}

fn describe_autocomplete(token: &str) -> &'static str {
    match token {
        "email" => "an email address",
        t if t.starts_with("tel") => "a phone number",
        t if t.starts_with("bday") => "a date of birth",
        t if t.starts_with("address") || t == "street-address" || t == "postal-code" || t == "country-name" => {
            "an address"
        }
        "organization" | "organization-title" => "an employer or job title",
        "sex" => "gender",
        "photo" => "a photo",
        "impp" => "a messaging handle",
        _ => "a name",
    }
}

/// Why this field is personal data, if it is.
fn personal_data(ctx: &Context<'_>, field: ElementRef<'_>) -> Option<String> {
    let t = input_type(field);
    match t.as_str() {
        "email" => return Some("an email address".into()),
        "tel" => return Some("a phone number".into()),
        _ => {}
    }
    if let Some(ac) = field.value().attr("autocomplete") {
        let tokens: Vec<&str> = ac.split_whitespace().collect();
        if let Some(tok) = tokens.iter().find(|t| PERSONAL_AUTOCOMPLETE.contains(&t.to_ascii_lowercase().as_str())) {
            return Some(describe_autocomplete(&tok.to_ascii_lowercase()).to_string());
        }
    }
    let text = ctx.control_text(field);
    let mut sources = vec![text.identifiers.clone(), text.label.clone()];
    if let Some(p) = field.value().attr("placeholder") {
        sources.push(p.to_string());
    }
    for s in &sources {
        let hits = ctx.vocab.hits(s);
        if let Some(h) = hits.iter().find(|h| h.concept == Concept::PersonalData) {
            return Some(format!("a \"{}\" field", s[h.start..h.end].to_lowercase()));
        }
    }
    None
}

/// role=search, a search-type field, an action or id that says search, or a single query
/// field named like a search box.
fn is_search_form(ctx: &Context<'_>, form: ElementRef<'_>, fields: &[ElementRef<'_>]) -> bool {
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
    let mut ids = String::new();
    for a in ["action", "id", "class", "name", "aria-label"] {
        if let Some(v) = ctx.attr_raw(form, a) {
            ids.push_str(&split_identifier(v));
            ids.push(' ');
        }
    }
    if ctx.has(&ids, Concept::Search) {
        return true;
    }
    fields.len() == 1
        && fields[0].value().attr("name").is_some_and(|n| SEARCH_NAMES.contains(&n.to_ascii_lowercase().as_str()))
        && input_type(fields[0]) != "email"
}

/// A password field with at most one other field: signing in collects nothing new.
fn is_login_form(form: ElementRef<'_>, fields: &[ElementRef<'_>]) -> bool {
    let passwords = form
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "input" && input_type(*e) == "password")
        .count();
    passwords == 1 && fields.len() <= 1
}

/// A privacy link inside the form or in its parent element, not counting links in a footer.
fn has_privacy_link(ctx: &Context<'_>, form: ElementRef<'_>) -> bool {
    let scope =
        form.parent().and_then(ElementRef::wrap).filter(|p| !matches!(p.value().name(), "html")).unwrap_or(form);
    let linked = scope.descendants().filter_map(ElementRef::wrap).any(|e| {
        if !matches!(e.value().name(), "a" | "area") || in_footer(e, scope) {
            return false;
        }
        ctx.target_names(e, "href", Concept::PrivacyUrl) || ctx.link_text_has(&ctx.text_of(e), Concept::Privacy)
    });
    linked || printed_privacy_link(ctx, form, scope)
}

/// A merge variable that prints the privacy link itself (`{{ privacy_link }}`,
/// `{!! $privacyLink !!}`) inside the scope, not in a footer.
fn printed_privacy_link(ctx: &Context<'_>, form: ElementRef<'_>, scope: ElementRef<'_>) -> bool {
    // An implied parent (`<body>` the parser added) has no span: look in the form itself.
    let Some(outer) = ctx.doc.outer(scope).or_else(|| ctx.doc.outer(form)) else { return false };
    ctx.printed_links(outer, Concept::PrivacyUrl).any(|at| {
        // The innermost element holding the expression.
        let holder = scope
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| ctx.doc.outer(*e).is_some_and(|o| o.contains(&at.start)))
            .last();
        holder.is_none_or(|h| h.id() == scope.id() || !in_footer(h, scope))
    })
}

/// Inside a footer (between the link and the search scope)?
fn in_footer(link: ElementRef<'_>, scope: ElementRef<'_>) -> bool {
    for a in link.ancestors().filter_map(ElementRef::wrap) {
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

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "missing-privacy-link";

    #[test]
    fn forms() {
        check(
            RULE,
            "page.html",
            &[
                (
                    r#"<form action="/signup"><input type="email" name="email"><button>Sign up</button></form>"#,
                    r#"<form action="/signup">"#,
                ),
                (
                    r#"<body><form id=c><label>Name <input name=fullname></label><textarea name=msg></textarea></form><footer><a href="/privacy">Privacy</a></footer></body>"#,
                    "<form id=c>",
                ),
                (r#"<FORM><input autocomplete="tel"></FORM>"#, "<FORM>"),
                (r#"<form><label for=v>Vorname</label><input id=v name=v></form>"#, "<form>"),
                // The word inside a longer name, a comment, a condition: no link.
                (r#"<form><input type="email"><a href="{{ nonprivacy_page }}">x</a></form>"#, "<form>"),
                (r#"<form><input type="email"><a href="/{# privacy #}about">x</a></form>"#, "<form>"),
                (r#"<form><input type="email">{% if privacy_url %}<p>x</p>{% endif %}</form>"#, "<form>"),
                (r#"<form><input type="email"><p>{{ privacyless }}</p></form>"#, "<form>"),
            ],
            &[
                r#"<form><input type="email"><p>See our <a href="/privacy-policy">privacy policy</a>.</p></form>"#,
                r#"<div><form><input type="email"></form><small>By signing up you agree to our <a href="/legal">Privacy Notice</a></small></div>"#,
                r#"<form role="search"><input name="q"></form>"#,
                r#"<form action="/search"><input name="term"></form>"#,
                r#"<form><input name="s" placeholder="Search"></form>"#,
                r#"<form><input name="coupon" placeholder="Coupon code"></form>"#,
                r#"<form><input type="email" name="email"><input type="password"></form>"#,
                r#"<form><input type="email"><a href="{{ url('datenschutz') }}">Datenschutz</a></form>"#,
                r#"<form><input type="email"><a href="{{ privacy_url }}">{{ _("Read this") }}</a></form>"#,
                r#"<form><input type="email"><a href="{% url 'privacy' %}">x</a></form>"#,
                r#"<form><input type="email"><a href="{{ url_for('privacy_policy') }}">x</a></form>"#,
                r#"<form><input type="email"><a href="<%= privacy_path %>">x</a></form>"#,
                r#"<form><input type="email"><a href="{{ route('datenschutzerklaerung') }}">x</a></form>"#,
                r#"<form><input type="email"><a href="{{ url('trattamento-dati') }}">x</a></form>"#,
                r#"<form><input type="email"><a href="{{ .PrivacyURL }}">x</a></form>"#,
                r#"<form><input type="email"><a href="{{ 'pages/privacy' | url }}">x</a></form>"#,
                r#"<form><input type="email"><p>{{ privacy_link }}</p></form>"#,
                r#"<form><input type="email"><p>{!! $privacyLink !!}</p></form>"#,
                r#"<form><input type="email"><a href="/p/7">{{ __('politica_privacidad') }}</a></form>"#,
                r#"<form><input type="email"><a href="/p/7">{{ 'footer.privacyPolicy' | t }}</a></form>"#,
            ],
        );
    }
}
