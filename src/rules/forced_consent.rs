//! forced-consent: an optional-purpose consent control that must be ticked to submit the form.

use scraper::ElementRef;

use super::forms::{self, OPTIONAL};
use super::{Confidence, Rule, RuleMeta, finding, input_type};
use crate::context::{Context, collapse};
use crate::finding::{Finding, Label, Severity};
use crate::vocab::Concept;

pub struct ForcedConsent;

static META: RuleMeta = RuleMeta {
    name: "forced-consent",
    summary: "an optional consent (marketing, sharing, profiling) is required to submit the form",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/forced-consent.md"),
};

impl Rule for ForcedConsent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
        let is_box = el.value().name() == "input" && input_type(el) == "checkbox";
        let is_select = el.value().name() == "select";
        if !is_box && !is_select {
            return;
        }
        if el.value().attr("disabled").is_some() {
            return;
        }
        let Some((span, how)) = forms::required_marker(ctx, el, true) else { return };
        let Some((purpose, text)) = forms::optional_purpose(ctx, el) else { return };
        // Terms and an optional purpose in one box: bundled-consent's finding (splitting the box
        // leaves `required` on the terms, where it belongs).
        if ctx.concepts_at(el, &text.label).contains(Concept::Terms) {
            return;
        }
        // A required select is forced only when every answer it offers is "yes".
        if is_select && offers_a_no(ctx, el) {
            return;
        }
        let mut optional = purpose.concepts;
        // On a newsletter sign-up form the newsletter is the service: requiring the user to
        // confirm it is not forcing anything; sharing or profiling still is.
        if let Some(form) = ctx.form_of(el)
            && forms::is_subscription_form(ctx, form)
        {
            let all = ctx.concepts_at(el, &format!("{} {}", text.label, text.identifiers));
            optional = crate::vocab::ConceptSet::default();
            for c in [Concept::Sharing, Concept::Profiling] {
                if all.contains(c) {
                    optional.insert(c);
                }
            }
            if optional.is_empty() {
                return;
            }
        } else if !optional.any(OPTIONAL) {
            // The label asked for consent and the name said what for ("I consent", name=newsletter).
            optional = ctx.concepts_at(el, &text.identifiers);
        }
        let what = if optional.contains(Concept::Sharing) {
            "sharing data with third parties"
        } else if optional.contains(Concept::Profiling) {
            "profiling"
        } else {
            "marketing"
        };
        let mut f = finding(
            &META,
            span,
            format!("consent to {what} is required to submit the form"),
            &format!("{how} makes this consent a condition of the service"),
            format!(
                "make the control optional (remove {how}): consent is not freely given when the service depends on \
                 agreeing to {what}, which it does not need (it asks about {})",
                purpose.words
            ),
        );
        if purpose.from_label
            && let Some(l) = text.label_element
        {
            f.secondary.push(Label { span: l, message: format!("asks for consent: {}", purpose.words) });
        }
        out.push(f);
    }
}

/// Does the select offer a refusal ("No", "No thanks", an opt-out value)?
fn offers_a_no(ctx: &Context<'_>, select: ElementRef<'_>) -> bool {
    select.descendants().filter_map(ElementRef::wrap).filter(|o| o.value().name() == "option").any(|o| {
        if o.value().attr("disabled").is_some() {
            return false;
        }
        let text = collapse(o.text());
        let set = ctx.concepts_at(o, &text);
        let value_set = o.value().attr("value").map(|v| ctx.concepts(v)).unwrap_or_default();
        let empty = o.value().attr("value").map_or(text.is_empty(), |v| v.trim().is_empty());
        // A placeholder with an empty value does not satisfy `required`: it is not an answer.
        !empty
            && (set.contains(Concept::No)
                || set.contains(Concept::Negation)
                || set.contains(Concept::OptOut)
                || value_set.contains(Concept::No))
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "forced-consent";

    #[test]
    fn required_opt_ins() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<label><input type="checkbox" name="marketing" required> Email me offers and news</label>"#,
                    "required",
                ),
                (
                    r#"<label><input type="checkbox" name="partners" aria-required="true"> Share my details with partners</label>"#,
                    r#"aria-required="true""#,
                ),
                (
                    r#"<label><input type="checkbox" name="news" data-parsley-required="true"> Send me the newsletter</label>"#,
                    r#"data-parsley-required="true""#,
                ),
                (
                    r#"<label><input type="checkbox" name="news" data-rule-required="true"> Send me the newsletter</label>"#,
                    r#"data-rule-required="true""#,
                ),
                (
                    r#"<label><input type="checkbox" name="news" data-validate="required"> Send me the newsletter</label>"#,
                    r#"data-validate="required""#,
                ),
                (
                    r#"<label><input type="checkbox" name="news" data-val="true" data-val-mustbetrue="Please tick"> Send me the newsletter</label>"#,
                    r#"data-val-mustbetrue="Please tick""#,
                ),
                (r#"<label><input type="checkbox" name="newsletter" required> I consent</label>"#, "required"),
                (
                    r#"<label for=s>Marketing e-mails</label><select id=s name=marketing required><option value="">Choose</option><option value=yes>Yes please</option></select>"#,
                    "required",
                ),
            ],
            &[
                r#"<label><input type="checkbox" name="terms" required> I accept the terms and conditions</label>"#,
                r#"<label><input type="checkbox" name="marketing"> Email me offers</label>"#,
                r#"<label><input type="checkbox" name="news" data-parsley-required="false"> Send me the newsletter</label>"#,
                r#"<label><input type="checkbox" name="news" data-val="true" data-val-required="The field is required"> Send me the newsletter</label>"#,
                r#"<label><input type="checkbox" name="news" {% if strict %}required{% endif %}> Send me the newsletter</label>"#,
                r#"<label for=s>Marketing e-mails</label><select id=s name=marketing required><option value="">Choose</option><option value=yes>Yes</option><option value=no>No</option></select>"#,
                r#"<form action="/newsletter/subscribe"><input type=email name=email required><label><input type=checkbox name=confirm required> Yes, send me the newsletter</label><button>Subscribe</button></form>"#,
                r#"<label><input type="checkbox" name="remember" required> Remember me</label>"#,
            ],
        );
    }
}
