//! excessive-data: a newsletter or lead form that requires more personal data than its purpose
//! needs (data minimisation).

use scraper::ElementRef;

use super::forms::{self, DataKind, PersonalField};
use super::{Confidence, Rule, RuleMeta, finding, input_type};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};
use crate::vocab::Concept;

pub struct ExcessiveData;

static META: RuleMeta = RuleMeta {
    name: "excessive-data",
    summary: "a newsletter or lead form requires more personal data than it needs (phone, birth date, address, gender)",
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/excessive-data.md"),
};

impl Rule for ExcessiveData {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, form: ElementRef<'_>, out: &mut Vec<Finding>) {
        if form.value().name() != "form" {
            return;
        }
        let Some(purpose) = sign_up_purpose(ctx, form) else { return };
        let fields = forms::data_fields(form);
        if forms::is_search_form(ctx, form, &fields) {
            return;
        }
        let mut personal = forms::personal_fields(ctx, &fields);
        if !personal.iter().any(|p| p.kind == DataKind::Email) {
            return;
        }
        personal.extend(required_radio_groups(ctx, form));
        let required: Vec<(PersonalField<'_>, std::ops::Range<usize>)> = personal
            .into_iter()
            .filter_map(|p| forms::required_marker(ctx, p.el, false).map(|(span, _)| (p, span)))
            .collect();
        // A kind the purpose itself names is needed: a phone number for SMS alerts, a birth
        // date for a birthday club, an address for a printed catalogue.
        let named = ctx.concepts(&forms::form_purpose_text(ctx, form));
        let opts = &ctx.options.excessive_data;
        let mut reported = false;
        for (field, span) in &required {
            if !opts.flag.contains(&field.kind) || named_kind(named, field.kind) {
                continue;
            }
            out.push(finding(
                &META,
                span.clone(),
                format!("{purpose} form requires {}", field.why),
                &format!("makes {} a condition of signing up", field.why),
                "make the field optional or drop it: sending a newsletter or a download needs only an email address, \
                 and personal data must be limited to what the purpose needs"
                    .to_string(),
            ));
            reported = true;
        }
        if !reported
            && let Some(max) = opts.max_required
            && required.len() > max
        {
            let mut f = finding(
                &META,
                ctx.doc.anchor(form),
                format!("{purpose} form requires {} personal-data fields", required.len()),
                &format!("more than the {max} allowed by `max-required`"),
                "make the fields the purpose does not need optional, or drop them".to_string(),
            );
            for (field, span) in required.iter().take(5) {
                f.secondary.push(Label { span: span.clone(), message: format!("requires {}", field.why) });
            }
            out.push(f);
        }
    }
}

/// "newsletter sign-up" or "download" when the form is a sign-up for news or gated content, not an account,
/// a checkout, a contact or application form.
fn sign_up_purpose(ctx: &Context<'_>, form: ElementRef<'_>) -> Option<&'static str> {
    let els: Vec<ElementRef<'_>> = form.descendants().filter_map(ElementRef::wrap).collect();
    let other_kind = els.iter().any(|e| {
        e.value().name() == "textarea"
            || (e.value().name() == "input" && matches!(input_type(*e).as_str(), "password" | "file"))
            || e.value().attr("autocomplete").is_some_and(|a| a.split_whitespace().any(|t| t.starts_with("cc-")))
    });
    if other_kind {
        return None;
    }
    let text = forms::form_purpose_text(ctx, form);
    let set = ctx.concepts(&text);
    if set.contains(Concept::Transactional) {
        return None;
    }
    if set.contains(Concept::Lead) {
        return Some("download");
    }
    forms::is_subscription_form(ctx, form).then_some("newsletter sign-up")
}

fn named_kind(named: crate::vocab::ConceptSet, kind: DataKind) -> bool {
    match kind {
        DataKind::Phone => named.contains(Concept::Phone),
        DataKind::BirthDate => named.contains(Concept::BirthDate),
        DataKind::Address => named.contains(Concept::PostalAddress),
        DataKind::Gender => named.contains(Concept::Gender),
        _ => false,
    }
}

/// Required radio groups that collect personal data (gender, salutation), one per group.
fn required_radio_groups<'a>(ctx: &Context<'a>, form: ElementRef<'a>) -> Vec<PersonalField<'a>> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for e in form.descendants().filter_map(ElementRef::wrap) {
        if e.value().name() != "input" || input_type(e) != "radio" {
            continue;
        }
        let name = e.value().attr("name").unwrap_or("").to_string();
        if seen.contains(&name) || forms::required_marker(ctx, e, false).is_none() {
            continue;
        }
        let ids = ctx.control_text(e).identifiers;
        let hits = ctx.vocab.hits_any_language(&ids);
        let kind = [DataKind::Gender, DataKind::BirthDate].into_iter().find(|k| {
            hits.iter().any(|h| h.concept == if *k == DataKind::Gender { Concept::Gender } else { Concept::BirthDate })
        });
        if let Some(kind) = kind {
            seen.push(name);
            out.push(PersonalField { el: e, kind, why: kind.describe().to_string() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "excessive-data";

    #[test]
    fn sign_up_forms() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<form action="/newsletter"><input type=email name=email required><input type=tel name=phone required><button>Subscribe</button></form>"#,
                    "required",
                ),
                (
                    r#"<form action="/newsletter"><input type=email name=email required><label>Date of birth <input type=date name=dob required></label><button>Get the newsletter</button></form>"#,
                    "required",
                ),
                (
                    r#"<form action="/ebook"><input type=email name=email required><label>Street address <input name=street aria-required="true"></label><button>Download the e-book</button></form>"#,
                    r#"aria-required="true""#,
                ),
                (
                    r#"<form action="/newsletter"><input type=email name=email required><label><input type=radio name=gender value=f required> Female</label><label><input type=radio name=gender value=m> Male</label><button>Subscribe</button></form>"#,
                    "required",
                ),
            ],
            &[
                // Optional extras are fine, also with a pattern (an empty field passes it).
                r#"<form action="/newsletter"><input type=email name=email required><input type=tel name=phone pattern="[0-9 ]+"><button>Subscribe</button></form>"#,
                // A contact form may need a phone number.
                r#"<form action="/contact"><input type=email name=email required><input type=tel name=phone required><textarea name=msg></textarea><button>Send</button></form>"#,
                // An account form is not a sign-up for news.
                r#"<form action="/register"><input type=email name=email required><input type=password name=pw required><input type=date name=dob required><button>Subscribe</button></form>"#,
                // SMS alerts need a phone number.
                r#"<form action="/alerts"><input type=email name=email required><input type=tel name=phone required><button>Get SMS alerts</button></form>"#,
                // A checkout with a newsletter word in it.
                r#"<form action="/checkout"><input type=email name=email required><input name=street autocomplete=street-address required><input autocomplete=cc-number required><button>Apply coupon</button></form>"#,
                // A name is not flagged by default.
                r#"<form action="/newsletter"><input type=email name=email required><input name=first_name autocomplete=given-name required><button>Subscribe</button></form>"#,
            ],
        );
    }
}
