//! missing-privacy-link: a form that collects personal data without linking to the privacy
//! notice at the point of collection.

use scraper::ElementRef;

use super::{Confidence, Rule, RuleMeta, finding, forms};
use crate::context::Context;
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

impl Rule for MissingPrivacyLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, form: ElementRef<'_>, out: &mut Vec<Finding>) {
        if form.value().name() != "form" {
            return;
        }
        let fields = forms::data_fields(form);
        if fields.is_empty() || forms::is_search_form(ctx, form, &fields) || forms::is_login_form(form, &fields) {
            return;
        }
        let personal: Vec<(ElementRef<'_>, String)> =
            forms::personal_fields(ctx, &fields).into_iter().map(|p| (p.el, p.why)).collect();
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

/// A privacy link inside the form or in its parent element, not counting links in a footer.
fn has_privacy_link(ctx: &Context<'_>, form: ElementRef<'_>) -> bool {
    let scope =
        form.parent().and_then(ElementRef::wrap).filter(|p| !matches!(p.value().name(), "html")).unwrap_or(form);
    let linked = scope.descendants().filter_map(ElementRef::wrap).any(|e| {
        if !matches!(e.value().name(), "a" | "area") || forms::in_footer(e, scope) {
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
        holder.is_none_or(|h| h.id() == scope.id() || !forms::in_footer(h, scope))
    })
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
