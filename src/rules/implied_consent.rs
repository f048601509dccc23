//! implied-consent: marketing consent inferred without an affirmative act: small print that
//! makes signing up stand for consent, a hidden opt-in field, an opt-out box.

use scraper::ElementRef;

use super::forms::{self, OPTIONAL};
use super::{Confidence, Rule, RuleMeta, finding, input_type};
use crate::context::{Context, split_identifier};
use crate::finding::{Finding, Label, Severity};
use crate::vocab::{Concept, ConceptSet, Hit};

pub struct ImpliedConsent;

static META: RuleMeta = RuleMeta {
    name: "implied-consent",
    summary: "consent is inferred without an affirmative act (small print, a hidden opt-in, an opt-out box)",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/implied-consent.md"),
};

impl Rule for ImpliedConsent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
        match el.value().name() {
            "input" => match input_type(el).as_str() {
                "hidden" => check_hidden(ctx, el, out),
                "checkbox" => check_opt_out_box(ctx, el, out),
                _ => {}
            },
            "form" => check_small_print(ctx, el, out),
            _ => {}
        }
    }
}

fn describe(set: ConceptSet) -> String {
    let mut parts = Vec::new();
    if set.contains(Concept::Marketing) {
        parts.push("marketing");
    }
    if set.contains(Concept::Sharing) {
        parts.push("sharing data with third parties");
    }
    if set.contains(Concept::Profiling) {
        parts.push("profiling");
    }
    parts.join(" and ")
}

const TRUTHY: &[&str] = &["1", "true", "yes", "on", "y", "checked", "opt-in", "optin", "subscribe", "subscribed"];

/// A hidden field that always submits an opt-in, in a form whose purpose is not subscribing.
/// (On a newsletter sign-up form, submitting the form is the opt-in.)
fn check_hidden(ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
    let Some(value) = el.value().attr("value") else { return };
    if !TRUTHY.contains(&value.trim().to_ascii_lowercase().as_str()) {
        return;
    }
    let Some(name) = el.value().attr("name") else { return };
    let set = ctx.concepts(&split_identifier(name));
    if !set.any(forms::CONSENT) || set.contains(Concept::NotConsent) || set.contains(Concept::OptOut) {
        return;
    }
    let Some(form) = ctx.form_of(el) else { return };
    if forms::is_subscription_form(ctx, form) {
        return;
    }
    // A checkbox with the same name in the form is the real control (Rails-style hidden
    // default for an unchecked box).
    let same_name_visible = form
        .descendants()
        .filter_map(ElementRef::wrap)
        .any(|e| e.value().name() == "input" && input_type(e) != "hidden" && e.value().attr("name") == Some(name));
    if same_name_visible {
        return;
    }
    let Some(a) = ctx.attr_span(el, "value") else { return };
    if ctx.is_templated(a.span.start) || a.value_span.as_ref().is_some_and(|v| ctx.templates.in_expression(v.start)) {
        return;
    }
    out.push(finding(
        &META,
        a.span.clone(),
        "hidden field opts the user in without asking".to_string(),
        "always submitted as consent",
        format!(
            "replace the hidden `{name}` field with an unticked checkbox the user can choose to tick; a form \
             whose purpose is not subscribing must not sign people up silently"
        ),
    ));
}

/// "Tick here if you do NOT want offers": left alone, the box opts the user in.
fn check_opt_out_box(ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
    if el.value().attr("disabled").is_some() {
        return;
    }
    // Ticked by default, the box refuses by default: no one is opted in by silence.
    if let Some(a) = ctx.attr_span(el, "checked")
        && !ctx.is_templated(a.span.start)
    {
        return;
    }
    let text = ctx.control_text(el);
    let hits = ctx.hits_at(el, &text.label);
    let set = forms::set_of(&hits);
    if !set.contains(Concept::OptOut) || !set.any(OPTIONAL) || set.contains(Concept::NotConsent) {
        return;
    }
    // On an unsubscribe or preferences page, a "stop sending me offers" box is the withdrawal.
    if let Some(form) = ctx.form_of(el)
        && ctx.has(&forms::form_purpose_text(ctx, form), Concept::Unsubscribe)
    {
        return;
    }
    let words: Vec<&str> =
        hits.iter().filter(|h| h.concept == Concept::OptOut).map(|h| &text.label[h.start..h.end]).collect();
    let mut f = finding(
        &META,
        ctx.doc.anchor(el),
        "opt-out box: leaving it unticked counts as consent".to_string(),
        "consent unless the user ticks this",
        format!(
            "turn the box around: an unticked checkbox the user ticks to agree to {} (\"Email me offers\"); \
             silence or inactivity is not consent",
            describe(set)
        ),
    );
    if let Some(l) = text.label_element {
        f.secondary
            .push(Label { span: l, message: format!("asks the user to opt out: {}", forms::dedup_join(&words)) });
    }
    out.push(f);
}

/// Small print in or next to the form that makes submitting it stand for consent to an optional
/// purpose, when the form has no opt-in control of its own for it.
fn check_small_print(ctx: &Context<'_>, form: ElementRef<'_>, out: &mut Vec<Finding>) {
    let has_opt_in = form
        .descendants()
        .filter_map(ElementRef::wrap)
        .any(|e| forms::is_choice(e) && forms::optional_purpose(ctx, e).is_some());
    if has_opt_in {
        return;
    }
    let subscription = forms::is_subscription_form(ctx, form);
    let scope = forms::scope_of(form);
    let mut seen: std::collections::HashSet<ego_tree::NodeId> = std::collections::HashSet::new();
    for node in scope.descendants() {
        if node.value().as_text().is_none_or(|t| t.trim().is_empty()) {
            continue;
        }
        let Some(el) = node.parent().and_then(ElementRef::wrap) else { continue };
        if !seen.insert(el.id()) {
            continue;
        }
        if forms::in_footer(el, scope) || inside_other_form(el, form, scope) {
            continue;
        }
        let Some(anchor) = ctx.doc.span(el).map(|t| t.span.start) else { continue };
        if !ctx.is_live(anchor) {
            continue;
        }
        let text = ctx.text_of(el);
        let hits = ctx.hits_at(el, &text);
        let Some(purposes) = implied_purposes(&text, &hits, subscription) else { continue };
        let span = forms::locate_in(ctx, el, Concept::ImpliedConsent).unwrap_or_else(|| ctx.doc.anchor(el));
        let mut f = finding(
            &META,
            span.clone(),
            format!("consent to {} is implied by submitting the form", describe(purposes)),
            "signing up is not an affirmative act of consent to this",
            format!(
                "add a separate, unticked checkbox for {} and act on it only when it is ticked; consent tucked \
                 into small print or terms is not freely given, specific or unambiguous",
                describe(purposes)
            ),
        );
        let anchor = ctx.doc.anchor(el);
        if anchor != span {
            f.secondary.push(Label { span: anchor, message: "in this text".to_string() });
        }
        out.push(f);
        return;
    }
}

/// Is `el` inside a different form than `form` (within the scope)?
fn inside_other_form(el: ElementRef<'_>, form: ElementRef<'_>, scope: ElementRef<'_>) -> bool {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .take_while(|a| a.id() != scope.id())
        .any(|a| a.value().name() == "form" && a.id() != form.id())
}

/// The implied-consent phrase and the optional purposes named in its sentence, if any (not
/// negated: "by signing up you agree to our terms; we never share your data with partners").
/// On a subscription form, marketing is what the user signs up for and does not count.
fn implied_purposes(text: &str, hits: &[Hit], subscription: bool) -> Option<ConceptSet> {
    for h in hits.iter().filter(|h| h.concept == Concept::ImpliedConsent) {
        let start = text[..h.start].rfind(['.', '!', '?', ';', '\n', '。', '；', '！', '？']).map_or(0, |i| i + 1);
        let end =
            text[h.end..].find(['.', '!', '?', ';', '\n', '。', '；', '！', '？']).map_or(text.len(), |i| h.end + i);
        let mut purposes = ConceptSet::default();
        for p in hits.iter().filter(|p| p.start >= start && p.end <= end && OPTIONAL.contains(&p.concept)) {
            if subscription && p.concept == Concept::Marketing {
                continue;
            }
            // Part of a privacy-policy mention, or denied by a negation before it.
            let overlaps_privacy =
                hits.iter().any(|q| q.concept == Concept::Privacy && q.start < p.end && p.start < q.end);
            let negated = hits.iter().any(|n| n.concept == Concept::Negation && n.start >= start && n.end <= p.start);
            if !overlaps_privacy && !negated {
                purposes.insert(p.concept);
            }
        }
        if !purposes.is_empty() {
            return Some(purposes);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "implied-consent";

    #[test]
    fn small_print() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<form action="/register" method="post"><input type=email name=email><input type=password name=pw><p>By signing up you agree to receive offers and news by email.</p><button>Create account</button></form>"#,
                    "By signing up",
                ),
                (
                    r#"<div><form action="/order" method="post"><input name=name autocomplete=name><button>Place order</button></form><small>By placing your order you agree that we share your details with our partners.</small></div>"#,
                    "By placing your order",
                ),
                (
                    r#"<form method="post"><input type=email name=email><label><input type=checkbox name=terms required> I accept the terms</label><p>By accepting our terms you agree to receive marketing emails.</p><button>Register</button></form>"#,
                    "By accepting",
                ),
            ],
            &[
                r#"<form action="/register" method="post"><input type=email name=email><p>By signing up you agree to our <a href="/terms">Terms</a> and <a href="/privacy">Privacy Policy</a>.</p><button>Sign up</button></form>"#,
                r#"<form action="/register" method="post"><input type=email name=email><label><input type=checkbox name=news> Email me offers</label><p>By signing up you agree to receive offers if you tick the box.</p><button>Sign up</button></form>"#,
                r#"<form action="/newsletter/subscribe" method="post"><input type=email name=email><p>By subscribing you agree to receive our weekly newsletter.</p><button>Subscribe</button></form>"#,
                r#"<form action="/register" method="post"><input type=email name=email><p>By signing up you agree to our terms. We never share your data with partners.</p><button>Sign up</button></form>"#,
            ],
        );
    }

    #[test]
    fn hidden_opt_in() {
        check(
            RULE,
            "form.html",
            &[(
                r#"<form action="/register"><input type=email name=email><input type=password name=pw><input type="hidden" name="newsletter" value="1"><button>Create account</button></form>"#,
                r#"value="1""#,
            )],
            &[
                r#"<form action="https://x.list-manage.com/subscribe/post"><input type=email name=EMAIL><input type=hidden name=newsletter value=1><button>Subscribe</button></form>"#,
                r#"<form action="/register"><input type=hidden name=newsletter value=0><input type=checkbox name=newsletter value=1> Newsletter<button>Go</button></form>"#,
                r#"<form action="/register"><input type=hidden name=newsletter value="{{ user.newsletter }}"><button>Go</button></form>"#,
            ],
        );
    }

    #[test]
    fn opt_out_boxes() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<label><input type="checkbox" name="no_offers"> Tick here if you do NOT want to receive offers by email</label>"#,
                    r#"<input type="checkbox" name="no_offers">"#,
                ),
                (
                    r#"<input type=checkbox id=x><label for=x>Bitte keine Werbung per E-Mail</label>"#,
                    "<input type=checkbox id=x>",
                ),
            ],
            &[
                r#"<label><input type="checkbox" name="no_offers" checked> Tick here if you do NOT want to receive offers</label>"#,
                r#"<form action="/email/unsubscribe"><label><input type="checkbox" name="all"> I do not want to receive any more offers</label><button>Unsubscribe</button></form>"#,
                r#"<label><input type="checkbox" name="news"> Send me offers. We will never share your data with partners.</label>"#,
            ],
        );
    }
}
