//! missing-withdrawal-info: a consent request that does not say consent can be withdrawn.

use scraper::ElementRef;

use super::forms;
use super::{Confidence, Rule, RuleMeta, finding};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};
use crate::vocab::Concept;

pub struct MissingWithdrawalInfo;

static META: RuleMeta = RuleMeta {
    name: "missing-withdrawal-info",
    summary: "a consent request does not say that consent can be withdrawn at any time",
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/missing-withdrawal-info.md"),
};

impl Rule for MissingWithdrawalInfo {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, form: ElementRef<'_>, out: &mut Vec<Finding>) {
        if form.value().name() != "form" {
            return;
        }
        // The consent requests: opt-in controls for an optional purpose, or, on a sign-up form
        // without one, the form itself.
        let opt_ins: Vec<(ElementRef<'_>, String)> = form
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| forms::is_choice(*e) && e.value().attr("disabled").is_none())
            .filter(|e| ctx.is_live(ctx.doc.anchor(*e).start))
            .filter_map(|e| forms::optional_purpose(ctx, e).map(|(p, _)| (e, p.words)))
            .collect();
        let sign_up = opt_ins.is_empty() && is_sign_up(ctx, form);
        if opt_ins.is_empty() && !sign_up {
            return;
        }
        if tells_about_withdrawal(ctx, form) {
            return;
        }
        let help = "say next to the request that consent can be withdrawn at any time and how, e.g. \"You can \
                    unsubscribe at any time with the link in every email\"; people must be told before they consent"
            .to_string();
        if sign_up {
            out.push(finding(
                &META,
                ctx.doc.anchor(form),
                "sign-up form does not say how to withdraw consent".to_string(),
                "asks for consent without saying it can be withdrawn",
                help,
            ));
            return;
        }
        let (first, words) = &opt_ins[0];
        let mut f = finding(
            &META,
            ctx.doc.anchor(*first),
            "consent request does not say how to withdraw consent".to_string(),
            &format!("asks for consent ({words}) without saying it can be withdrawn"),
            help,
        );
        for (e, w) in opt_ins.iter().skip(1).take(4) {
            f.secondary.push(Label { span: ctx.doc.anchor(*e), message: format!("also asks for consent ({w})") });
        }
        out.push(f);
    }
}

/// A newsletter sign-up form: its purpose is subscribing and it asks for a contact address.
fn is_sign_up(ctx: &Context<'_>, form: ElementRef<'_>) -> bool {
    if !forms::is_subscription_form(ctx, form) {
        return false;
    }
    let fields = forms::data_fields(form);
    if forms::is_search_form(ctx, form, &fields) {
        return false;
    }
    // A contact form ("Contact me" as its button) is a request, not a subscription.
    if fields.iter().any(|f| f.value().name() == "textarea") {
        return false;
    }
    let contacts: Vec<_> = forms::personal_fields(ctx, &fields)
        .into_iter()
        .filter(|p| matches!(p.kind, forms::DataKind::Email | forms::DataKind::Phone))
        .collect();
    // An address that is read-only or filled in from data belongs to someone already subscribed
    // (a page for managing a subscription).
    let known = contacts.iter().any(|p| {
        p.el.value().attr("readonly").is_some()
            || ctx
                .attr_span(p.el, "value")
                .is_some_and(|a| a.value_span.as_ref().is_some_and(|v| ctx.templates.in_expression(v.start)))
    });
    !contacts.is_empty() && !known
}

/// Withdrawal wording ("unsubscribe at any time", "you can withdraw your consent") or an
/// unsubscribe / preferences link in the form or right next to it.
fn tells_about_withdrawal(ctx: &Context<'_>, form: ElementRef<'_>) -> bool {
    let scope = forms::scope_of(form);
    let text = ctx.text_of(scope);
    let set = ctx.vocab.concepts(&text);
    if set.contains(Concept::Withdrawal) || set.contains(Concept::Unsubscribe) {
        return true;
    }
    scope.descendants().filter_map(ElementRef::wrap).any(|e| {
        e.value().name() == "a" && ctx.attr_raw(e, "href").is_some_and(|h| ctx.has(h, Concept::UnsubscribeUrl))
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "missing-withdrawal-info";

    #[test]
    fn requests() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<form action="/register" method="post"><input type=email name=email><label><input type=checkbox name=news> Email me offers</label><button>Register</button></form>"#,
                    "<input type=checkbox name=news>",
                ),
                (
                    r#"<form action="/newsletter" method="post"><input type=email name=email><button>Subscribe</button></form>"#,
                    r#"<form action="/newsletter" method="post">"#,
                ),
            ],
            &[
                r#"<form action="/register" method="post"><input type=email name=email><label><input type=checkbox name=news> Email me offers. You can unsubscribe at any time.</label><button>Register</button></form>"#,
                r#"<form action="/newsletter" method="post"><input type=email name=email><button>Subscribe</button><p>You can withdraw your consent at any time.</p></form>"#,
                r#"<div><form action="/newsletter" method="post"><input type=email name=email><button>Subscribe</button></form><p><a href="/email-preferences">Manage preferences</a></p></div>"#,
                r#"<form action="/register" method="post"><input type=email name=email><label><input type=checkbox name=terms> I accept the terms</label><button>Register</button></form>"#,
                r#"<form action="/contact" method="post"><input type=email name=email><textarea name=m></textarea><button>Contact me</button></form>"#,
                r#"<form action="/search"><input name=q><button>Search offers</button></form>"#,
            ],
        );
    }
}
