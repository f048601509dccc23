//! hidden-unsubscribe: a marketing email whose unsubscribe links are all hidden or unreadable.

use super::missing_unsubscribe::{is_unsubscribe_link, live_unsubscribe_tags};
use super::visibility::{origin_span, why_hidden};
use super::{Confidence, Rule, RuleMeta, finding};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};
use crate::style::Origin;

pub struct HiddenUnsubscribe;

static META: RuleMeta = RuleMeta {
    name: "hidden-unsubscribe",
    summary: "the unsubscribe link of a marketing email is hidden or unreadable",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/hidden-unsubscribe.md"),
};

impl Rule for HiddenUnsubscribe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        if !ctx.kind.is_marketing_email() {
            return;
        }
        let links: Vec<_> = ctx.doc.elements().filter(|e| is_unsubscribe_link(ctx, *e)).collect();
        if links.is_empty() {
            return; // missing-unsubscribe's business
        }
        // A merge tag outside every link renders its own link, which we cannot see: count it
        // as visible.
        let outers: Vec<_> = links.iter().filter_map(|l| ctx.doc.outer(*l)).collect();
        if live_unsubscribe_tags(ctx).iter().any(|t| !outers.iter().any(|o| o.contains(t))) {
            return;
        }
        let hidden: Vec<_> = links.iter().map(|l| (*l, why_hidden(ctx, *l, true))).collect();
        // One visible unsubscribe link is enough (responsive emails hide a desktop or mobile copy).
        if hidden.iter().any(|(_, h)| h.is_none()) {
            return;
        }
        for (link, h) in hidden {
            let Some(h) = h else { continue };
            let on_link = h.by == link;
            let span = if on_link { origin_span(ctx, link, &h.origin) } else { ctx.doc.anchor(link) };
            let mut f = finding(
                &META,
                span,
                format!("unsubscribe link is hidden: {}", h.reason),
                if on_link {
                    "this makes the unsubscribe link invisible"
                } else {
                    "this unsubscribe link cannot be seen"
                },
                format!(
                    "make the unsubscribe link visible and readable in every client: {}; an opt-out must be \
                     offered clearly, and withdrawing consent must be as easy as giving it",
                    h.fix
                ),
            );
            if !on_link {
                let what = match h.origin {
                    Origin::Sheet => format!("a <style> rule sets {} here", h.reason),
                    _ => format!("set here: {}", h.reason),
                };
                f.secondary.push(Label { span: origin_span(ctx, h.by, &h.origin), message: what });
            }
            if let Some((el, origin, message)) = h.also {
                f.secondary.push(Label { span: origin_span(ctx, el, &origin), message });
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "hidden-unsubscribe";
    const HEAD: &str = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html><head><style>.tiny { font-size: 6px } .gone { display: none } a.ok { color: #555 }</style></head>"#;

    fn email(body: &str) -> String {
        format!(
            "{HEAD}<body><table role=presentation cellpadding=0 cellspacing=0><tr><td><h1>Our spring newsletter</h1><p>20% off everything. Shop now!</p>{body}</td></tr></table></body></html>"
        )
    }

    #[test]
    fn hidden_links() {
        let fail = [
            (email(r#"<a href="*|UNSUB|*" style="display:none">Unsubscribe</a>"#), r#"style="display:none""#),
            (
                email(r#"<div style="display:none"><a href="*|UNSUB|*">Unsubscribe</a></div>"#),
                r#"<a href="*|UNSUB|*">"#,
            ),
            (email(r#"<a href="/u" style="font-size:6px">Unsubscribe</a>"#), r#"style="font-size:6px""#),
            (email(r#"<a href="/u" class="tiny">Unsubscribe</a>"#), r#"<a href="/u" class="tiny">"#),
            (email(r#"<p class="gone"><a href="/u">Unsubscribe</a></p>"#), r#"<a href="/u">"#),
            (email(r##"<a href="/u" style="color:#fefefe">Unsubscribe</a>"##), r##"style="color:#fefefe""##),
            (
                email(r##"<td bgcolor="#000000"><a href="/u" style="color:#010101">Unsubscribe</a></td>"##),
                r##"style="color:#010101""##,
            ),
            (
                email(r#"<div style="max-height:0;overflow:hidden"><a href="/u">Unsubscribe</a></div>"#),
                r#"<a href="/u">"#,
            ),
            (email(r#"<div style="mso-hide:all"><a href="/u">Unsubscribe</a></div>"#), r#"<a href="/u">"#),
            (email(r#"<a href="/u" style="visibility:hidden">Unsubscribe</a>"#), r#"style="visibility:hidden""#),
        ];
        let pass = [
            email(r#"<a href="*|UNSUB|*">Unsubscribe</a>"#),
            email(r#"<a href="/u" class="ok">Unsubscribe</a>"#),
            email(r##"<td bgcolor="#000000"><a href="/u" style="color:#ffffff">Unsubscribe</a></td>"##),
            email(r#"<a href="/u" style="font-size:11px">Unsubscribe</a>"#),
            // One visible copy is enough (a responsive email hides the other).
            email(r#"<div style="display:none"><a href="/u">Unsubscribe</a></div><a href="/u">Unsubscribe</a>"#),
            // Hidden only on small screens: @media rules are not applied.
            email(
                r#"<style>@media (max-width:480px){ .m { display:none } }</style><a class="m" href="/u">Unsubscribe</a>"#,
            ),
            // A merge tag that renders its own link.
            email(r#"<a href="/u" style="display:none">Unsubscribe</a> {% unsubscribe %}"#),
        ];
        let fail: Vec<(&str, &str)> = fail.iter().map(|(s, e)| (s.as_str(), *e)).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        check(RULE, "email.html", &fail, &pass);
    }
}
