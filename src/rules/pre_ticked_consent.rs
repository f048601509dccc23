//! pre-ticked-consent: an opt-in control that is selected by default.

use scraper::ElementRef;

use super::forms::{CONSENT, Purpose, consent_purpose};
use super::{Confidence, Rule, RuleMeta, finding, input_type};
use crate::context::{Context, collapse};
use crate::finding::{Finding, Fix, Label, Severity};
use crate::template::always_sets;
use crate::vocab::Concept;

pub struct PreTickedConsent;

static META: RuleMeta = RuleMeta {
    name: "pre-ticked-consent",
    summary: "a consent checkbox, radio or select is opted in by default",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/pre-ticked-consent.md"),
};

impl Rule for PreTickedConsent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
        match el.value().name() {
            "input" => match input_type(el).as_str() {
                "checkbox" => check_checkbox(ctx, el, out),
                "radio" => check_radio(ctx, el, out),
                _ => {}
            },
            "select" => check_select(ctx, el, out),
            _ => {}
        }
    }
}

/// The `checked`/`selected` attribute, if it is a fixed default (not produced by a template
/// conditional or expression, which reflect a stored choice).
fn fixed_default(ctx: &Context<'_>, el: ElementRef<'_>, attr: &str) -> Option<std::ops::Range<usize>> {
    if el.value().attr(attr).is_none() {
        return bound_default(ctx, el, attr);
    }
    let a = ctx.attr_span(el, attr)?;
    if ctx.is_templated(a.span.start) {
        return None;
    }
    // `checked="{{ user.opt_in }}"`: the value comes from data.
    if let Some(v) = &a.value_span
        && ctx.templates.in_expression(v.start)
    {
        return None;
    }
    Some(a.span.clone())
}

/// Framework bindings and directives that set the attribute. Bound to data (Vue
/// `:checked="user.optedIn"`, Angular `[checked]="optedIn"`, Blade `@checked($u->optin)`) it is
/// the user's state; bound to the constant `true` (`:checked="true"`, `@checked(true)`) it is a
/// default like a bare `checked`.
fn bound_default(ctx: &Context<'_>, el: ElementRef<'_>, attr: &str) -> Option<std::ops::Range<usize>> {
    for prefix in [":", "v-bind:", "x-bind:", "[", "[attr."] {
        let name = if prefix.starts_with('[') { format!("{prefix}{attr}]") } else { format!("{prefix}{attr}") };
        if let Some(v) = el.value().attr(name.as_str())
            && matches!(v.trim(), "true" | "1" | "'checked'" | "'selected'")
            && let Some(a) = ctx.attr_span(el, &name)
            && !ctx.is_templated(a.span.start)
        {
            return Some(a.span.clone());
        }
    }
    let tag = ctx.doc.span(el)?.span.clone();
    ctx.templates
        .regions_in(tag)
        .find(|r| !ctx.templates.in_conditional(r.range.start) && always_sets(&ctx.text()[r.range.clone()], attr))
        .map(|r| r.range.clone())
}

fn report(
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
    span: std::ops::Range<usize>,
    what: &str,
    purpose: &Purpose,
    label_at: Option<std::ops::Range<usize>>,
    attr: &str,
) {
    let mut f = finding(
        &META,
        span,
        format!("{what} is opted in by default"),
        &format!("`{attr}` makes this the default"),
        format!(
            "remove `{attr}`: consent must be given by an active choice of the user, so the control must start \
             unselected (it asks about {})",
            purpose.words
        ),
    );
    if purpose.from_label
        && let Some(l) = label_at
        && l != f.span
    {
        f.secondary.push(Label { span: l, message: format!("asks for consent: {}", purpose.words) });
    }
    f.fix = Some(Fix {
        description: format!("remove `{attr}`"),
        edits: vec![crate::fix::remove_attribute(ctx.text(), f.span.clone())],
    });
    out.push(f);
}

fn check_checkbox(ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
    if el.value().attr("disabled").is_some() {
        return;
    }
    let Some(span) = fixed_default(ctx, el, "checked") else { return };
    let text = ctx.control_text(el);
    let Some(purpose) = consent_purpose(ctx, el, &text.label, &text.identifiers) else { return };
    let what = if el.value().attr("role").is_some_and(|r| r.eq_ignore_ascii_case("switch")) {
        "consent switch"
    } else {
        "consent checkbox"
    };
    report(ctx, out, span, what, &purpose, text.label_element, "checked");
}

/// Does this option/radio text or value mean "yes, opt me in"?
fn means_yes(ctx: &Context<'_>, el: ElementRef<'_>, text: &str, value: Option<&str>) -> bool {
    let set = ctx.concepts_at(el, text);
    if set.contains(Concept::No) || set.contains(Concept::Negation) {
        return false;
    }
    if set.contains(Concept::Yes) {
        return true;
    }
    // "Send me offers" as the option text, with no "no".
    if set.any(CONSENT) && !text.is_empty() {
        return true;
    }
    if let Some(v) = value {
        let vs = ctx.concepts(v);
        return vs.contains(Concept::Yes) && !vs.contains(Concept::No);
    }
    false
}

fn check_radio(ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
    if el.value().attr("disabled").is_some() {
        return;
    }
    let Some(span) = fixed_default(ctx, el, "checked") else { return };
    let text = ctx.control_text(el);
    if !means_yes(ctx, el, &text.label, el.value().attr("value")) {
        return;
    }
    // The group's question: its fieldset legend, or the text around the group, plus the name.
    let question = group_question(ctx, el);
    let Some(purpose) = consent_purpose(ctx, el, &format!("{} {}", question, text.label), &text.identifiers) else {
        return;
    };
    report(ctx, out, span, "consent radio button", &purpose, text.label_element, "checked");
}

/// Text of the smallest ancestor holding every radio of this group, or the fieldset legend.
fn group_question(ctx: &Context<'_>, el: ElementRef<'_>) -> String {
    let name = el.value().attr("name").unwrap_or("");
    for anc in el.ancestors().filter_map(ElementRef::wrap) {
        if anc.value().name() == "fieldset"
            && let Some(legend) = anc.children().filter_map(ElementRef::wrap).find(|c| c.value().name() == "legend")
        {
            return ctx.text_of(legend);
        }
        let radios = anc
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| {
                e.value().name() == "input" && input_type(*e) == "radio" && e.value().attr("name").unwrap_or("") == name
            })
            .count();
        if radios >= 2 || matches!(anc.value().name(), "form" | "body") {
            return ctx.text_of(anc);
        }
    }
    String::new()
}

fn check_select(ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
    if el.value().attr("multiple").is_some() || el.value().attr("disabled").is_some() {
        return;
    }
    let options: Vec<ElementRef<'_>> =
        el.descendants().filter_map(ElementRef::wrap).filter(|e| e.value().name() == "option").collect();
    if options.len() < 2 {
        return;
    }
    // The browser shows the last option marked selected, else the first enabled option.
    let explicit = options.iter().rev().find(|o| o.value().attr("selected").is_some()).copied();
    let (chosen, span) = match explicit {
        Some(o) => match fixed_default(ctx, o, "selected") {
            Some(span) => (o, span),
            None => return,
        },
        None => {
            let Some(first) = options.iter().find(|o| o.value().attr("disabled").is_none()).copied() else { return };
            // An implicit first choice inside template logic is not a fixed default either.
            let anchor = ctx.doc.anchor(first);
            if ctx.is_templated(anchor.start) {
                return;
            }
            (first, anchor)
        }
    };
    let option_text = collapse(chosen.text());
    if !means_yes(ctx, chosen, &option_text, chosen.value().attr("value")) {
        return;
    }
    let text = ctx.control_text(el);
    let Some(purpose) = consent_purpose(ctx, el, &text.label, &text.identifiers) else { return };
    let mut f = finding(
        &META,
        span,
        "consent select is opted in by default".to_string(),
        if explicit.is_some() { "`selected` makes this the default" } else { "first option, shown by default" },
        format!(
            "{}: make the first option a neutral \"Please choose\" (or \"No\") so the user has to pick the opt-in \
             (it asks about {})",
            if explicit.is_some() { "remove `selected`" } else { "reorder the options" },
            purpose.words
        ),
    );
    if purpose.from_label
        && let Some(l) = text.label_element
    {
        f.secondary.push(Label { span: l, message: format!("asks for consent: {}", purpose.words) });
    }
    if explicit.is_some() {
        f.fix = select_fix(ctx, &options, chosen, f.span.clone());
    }
    out.push(f);
}

/// Move `selected` off the opt-in option: removing it is enough when the option the browser
/// then shows (the first enabled one) is not an opt-in; otherwise it moves to the first "no"
/// or empty-valued option. No fix when neither works or several options are marked.
fn select_fix(
    ctx: &Context<'_>,
    options: &[ElementRef<'_>],
    chosen: ElementRef<'_>,
    selected: std::ops::Range<usize>,
) -> Option<Fix> {
    if options.iter().filter(|o| o.value().attr("selected").is_some()).count() != 1 {
        return None;
    }
    let remove = crate::fix::remove_attribute(ctx.text(), selected);
    let is_yes = |o: ElementRef<'_>| means_yes(ctx, o, &collapse(o.text()), o.value().attr("value"));
    let first = options.iter().find(|o| o.value().attr("disabled").is_none()).copied()?;
    if first.id() != chosen.id() && !is_yes(first) {
        return Some(Fix { description: "remove `selected`".into(), edits: vec![remove] });
    }
    let target = options.iter().copied().find(|o| {
        o.id() != chosen.id()
            && o.value().attr("disabled").is_none()
            && (o.value().attr("value").is_some_and(|v| v.trim().is_empty())
                || ctx.concepts_at(*o, &collapse(o.text())).contains(Concept::No))
    })?;
    let tag = ctx.doc.span(target)?.span.clone();
    let add = crate::fix::add_attribute(ctx.text(), tag, "selected");
    Some(Fix { description: "move `selected` to the neutral option".into(), edits: vec![remove, add] })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "pre-ticked-consent";

    #[test]
    fn checkboxes() {
        check(
            RULE,
            "form.html",
            &[
                (r#"<label><input type="checkbox" name="x" checked> Send me the newsletter</label>"#, "checked"),
                (
                    r#"<input type=checkbox id=n CHECKED><label for=n>Ich möchte Angebote per E-Mail erhalten</label>"#,
                    "CHECKED",
                ),
                (r#"<input type="checkbox" name="marketing_opt_in" checked="checked">"#, r#"checked="checked""#),
                (
                    r#"<input type="checkbox" role="switch" aria-label="Share my data with partners" checked>"#,
                    "checked",
                ),
                ("<form>{% for x in xs %}<input type=checkbox name=newsletter checked>{% endfor %}</form>", "checked"),
                // A constant condition or binding is a default for everyone.
                (r#"<input type="checkbox" name="newsletter" {% if true %}checked{% endif %}>"#, "checked"),
                (r#"<input type="checkbox" name="newsletter" {{#if true}}checked{{/if}}>"#, "checked"),
                (r#"<input type="checkbox" name="newsletter" {{if true}}checked{{end}}>"#, "checked"),
                (r#"<input type="checkbox" name="newsletter" <% if true %>checked<% end %>>"#, "checked"),
                (r#"<input type="checkbox" name="newsletter" @if(true) checked @endif>"#, "checked"),
                (r#"<input type="checkbox" name="newsletter" @checked(true)>"#, "@checked(true)"),
                (r#"<input type="checkbox" name="newsletter" :checked="true">"#, r#":checked="true""#),
                (r#"<input type="checkbox" name="newsletter" [checked]="true">"#, r#"[checked]="true""#),
            ],
            &[
                r#"<label><input type="checkbox" name="remember" checked> Remember me</label>"#,
                r#"<label><input type="checkbox" checked> Same as billing address</label>"#,
                r#"<label><input type="checkbox" name="newsletter"> Send me the newsletter</label>"#,
                r#"<label><input type="checkbox" name="newsletter" {% if user.opt_in %}checked{% endif %}> Newsletter</label>"#,
                r#"<label><input type="checkbox" name="newsletter" {{#if optIn}}checked{{/if}}> Newsletter</label>"#,
                r#"<label><input type="checkbox" name="newsletter" <% if @user.newsletter %>checked<% end %>> News</label>"#,
                r#"<label><input type="checkbox" name="newsletter" {{ 'checked' if u.n }}> Newsletter</label>"#,
                // State from the user's earlier choice, in every dialect.
                r#"<input type="checkbox" name="newsletter" {{if .OptedIn}}checked{{end}}>"#,
                r#"<input type="checkbox" name="newsletter" {{#optedIn}}checked{{/optedIn}}>"#,
                r#"<input type="checkbox" name="newsletter" @if($u->opted_in) checked @endif>"#,
                r#"<input type="checkbox" name="newsletter" @checked($u->opted_in)>"#,
                r#"<input type="checkbox" name="newsletter" <?php if ($u->opted_in): ?>checked<?php endif; ?>>"#,
                r#"<input type="checkbox" name="newsletter" <?php if ($u->opted_in) { ?>checked<?php } ?>>"#,
                r#"<input type="checkbox" name="newsletter" <?= $u->opted_in ? 'checked' : '' ?>>"#,
                r#"<input type="checkbox" name="newsletter" <% If u.OptedIn Then %>checked<% End If %>>"#,
                r#"<input type="checkbox" name="newsletter" <% if (u.optedIn) { %>checked<% } %>>"#,
                r#"<input type="checkbox" name="newsletter" :checked="user.optedIn">"#,
                r#"<input type="checkbox" name="newsletter" v-bind:checked="user.optedIn">"#,
                r#"<input type="checkbox" name="newsletter" [checked]="user.optedIn">"#,
                r#"<input type="checkbox" name="newsletter" {# checked #}>"#,
                r#"<!-- <input type="checkbox" name="newsletter" checked> -->"#,
                r#"<script>document.write('<input type="checkbox" name="newsletter" checked>')</script>"#,
                r#"<label><input type="checkbox" checked> I accept the terms and conditions</label>"#,
                r#"<label><input type="checkbox" name="newsletter" checked disabled> Subscribed</label>"#,
            ],
        );
    }

    #[test]
    fn radios_and_selects() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<fieldset><legend>Receive our newsletter?</legend><label><input type=radio name=nl value=yes checked> Yes</label><label><input type=radio name=nl value=no> No</label></fieldset>"#,
                    "checked",
                ),
                (
                    r#"<label for=s>Newsletter</label><select id=s name=newsletter><option value=1 selected>Yes</option><option value=0>No</option></select>"#,
                    "selected",
                ),
                (
                    r#"<label for=s>Marketing e-mails</label><select id=s><option>Yes please</option><option>No thanks</option></select>"#,
                    "<option>",
                ),
            ],
            &[
                r#"<fieldset><legend>Receive our newsletter?</legend><label><input type=radio name=nl value=yes> Yes</label><label><input type=radio name=nl value=no checked> No</label></fieldset>"#,
                r#"<label for=s>Newsletter</label><select id=s><option value="">Please choose</option><option>Yes</option><option>No</option></select>"#,
                r#"<fieldset><legend>Delivery</legend><label><input type=radio name=d value=yes checked> Yes</label><label><input type=radio name=d value=no> No</label></fieldset>"#,
            ],
        );
    }

    #[test]
    fn hidden_and_opt_out_boxes_are_implied_consents() {
        // A hidden opt-in and a ticked opt-out box are implied-consent's, not this rule's.
        check(
            RULE,
            "form.html",
            &[],
            &[
                r#"<form action="/register"><input type=email name=email><input type=password name=pw><input type="hidden" name="newsletter" value="1"><button>Create account</button></form>"#,
                r#"<label><input type="checkbox" name="no_offers" checked> Tick here if you do NOT want offers</label>"#,
            ],
        );
    }
}
