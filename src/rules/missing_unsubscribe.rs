//! missing-unsubscribe: a marketing email template without a working unsubscribe mechanism.

use scraper::ElementRef;

use super::{Confidence, Rule, RuleMeta, email_anchor, email_reasons, finding};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};
use crate::template::RegionKind;
use crate::vocab::Concept;

pub struct MissingUnsubscribe;

static META: RuleMeta = RuleMeta {
    name: "missing-unsubscribe",
    summary: "a marketing email template has no unsubscribe link or merge tag",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/missing-unsubscribe.md"),
};

impl Rule for MissingUnsubscribe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        if !ctx.kind.is_marketing_email() {
            return;
        }
        if has_unsubscribe(ctx) {
            return;
        }
        let anchor = email_anchor(ctx);
        let why = email_reasons(ctx);
        let mut f = finding(
            &META,
            anchor,
            "marketing email has no unsubscribe link".to_string(),
            "this email offers no way to opt out",
            format!(
                "add a visible unsubscribe link, e.g. <a href=\"{{{{ unsubscribe_url }}}}\">Unsubscribe</a>, or your \
                 ESP's unsubscribe merge tag (Mailchimp *|UNSUB|*, SendGrid <%asm_group_unsubscribe_raw_url%>, \
                 HubSpot {{{{ unsubscribe_link }}}}, Klaviyo {{% unsubscribe %}}, Mailjet [[UNSUB_LINK_EN]]); \
                 treated as marketing because: {why}"
            ),
        );
        // Unsubscribe links that exist only in comments or scripts: say why they do not count.
        for dead in dead_mentions(ctx).into_iter().take(3) {
            f.secondary.push(Label { span: dead, message: "inside a comment or script: does not count".into() });
        }
        // An MJML include may hold the footer: say that it was not looked into.
        let in_head =
            |e: ElementRef<'_>| e.ancestors().filter_map(ElementRef::wrap).any(|a| a.value().name() == "mj-head");
        for inc in ctx.doc.elements().filter(|e| e.value().name() == "mj-include" && !in_head(*e)).take(3) {
            if let Some(span) = ctx.doc.span(inc) {
                f.secondary.push(Label {
                    span: span.span.clone(),
                    message: "included file not checked: an unsubscribe link in it is not seen".into(),
                });
            }
        }
        out.push(f);
    }
}

fn has_unsubscribe(ctx: &Context<'_>) -> bool {
    if !live_unsubscribe_tags(ctx).is_empty() {
        return true;
    }
    if ctx.plain {
        return has_plain_unsubscribe(ctx) || (ctx.kind.cold_outreach && reply_opt_out(ctx));
    }
    ctx.doc.elements().any(|e| is_unsubscribe_link(ctx, e))
        || ctx.printed_links(0..ctx.text().len(), Concept::UnsubscribeUrl).next().is_some()
        || (ctx.kind.cold_outreach && reply_opt_out(ctx))
}

/// Plain text has no links, only words and bare URLs: an unsubscribe URL or address, or an
/// instruction ("To unsubscribe, reply STOP", "Abmelden: ...") in live text counts.
fn has_plain_unsubscribe(ctx: &Context<'_>) -> bool {
    let text = ctx.text();
    if ctx.bare_urls().any(|r| ctx.is_live(r.start) && ctx.has(&percent_decode(&text[r]), Concept::UnsubscribeUrl)) {
        return true;
    }
    ctx.vocab.hits(text).iter().any(|h| h.concept == Concept::Unsubscribe && ctx.is_live(h.start))
}

/// A one-to-one cold email may offer the way out as a reply ("if you'd rather not hear from me,
/// just reply"): the sender's own address is the valid address ePrivacy Art. 13 asks for.
fn reply_opt_out(ctx: &Context<'_>) -> bool {
    ctx.visible().1.iter().any(|h| h.concept == Concept::OutreachObjection)
}

/// ESP unsubscribe merge tags in live markup (not in comments or scripts), as byte offsets.
pub(super) fn live_unsubscribe_tags(ctx: &Context<'_>) -> Vec<usize> {
    ctx.tags.opt_out().map(|h| h.start).filter(|&s| ctx.is_live(s)).collect()
}

/// Is this element an unsubscribe link: by its URL, a mailto asking to unsubscribe, its text
/// or its title, in any language?
pub(super) fn is_unsubscribe_link(ctx: &Context<'_>, e: ElementRef<'_>) -> bool {
    if !matches!(e.value().name(), "a" | "area" | "mj-button" | "mj-navbar-link" | "mj-social-element") {
        return false;
    }
    let href = ctx.attr_raw(e, "href").unwrap_or("");
    if let Some(mailto) = href.get(..7).filter(|s| s.eq_ignore_ascii_case("mailto:")).map(|_| &href[7..]) {
        let decoded = percent_decode(mailto).replace('+', " ");
        return ctx.has(&decoded, Concept::Unsubscribe) || ctx.has(&decoded, Concept::UnsubscribeUrl);
    }
    if ctx.target_names(e, "href", Concept::UnsubscribeUrl) {
        return true;
    }
    let text = ctx.text_of(e);
    let title = e.value().attr("title").unwrap_or("");
    ctx.link_text_has(&text, Concept::Unsubscribe) || ctx.has(title, Concept::Unsubscribe)
}

/// Unsubscribe mentions (merge tags or wording) inside comments or raw text.
fn dead_mentions(ctx: &Context<'_>) -> Vec<std::ops::Range<usize>> {
    let text = ctx.text();
    let mut out: Vec<std::ops::Range<usize>> =
        ctx.tags.opt_out().filter(|h| !ctx.is_live(h.start)).map(|h| h.start..h.end).collect();
    for c in &ctx.doc.comments {
        // Only commented-out markup (a link), not prose or tool directives in a comment.
        let body = &text[c.clone()];
        if !(body.contains("<a") || body.contains("<A") || body.contains("href")) {
            continue;
        }
        for h in ctx.vocab.hits(body) {
            if matches!(h.concept, Concept::Unsubscribe | Concept::UnsubscribeUrl) {
                out.push(c.start + h.start..c.start + h.end);
                break;
            }
        }
    }
    // Links in template comments (`{# <a href=..>Unsubscribe</a> #}`, `{{!-- --}}`, `<%# %>`).
    for r in ctx.templates.regions.iter().filter(|r| r.kind == RegionKind::Comment) {
        if out.iter().any(|d| r.range.contains(&d.start)) {
            continue;
        }
        let body = &text[r.range.clone()];
        // Commented-out markup or template output, not prose.
        let inner = body.get(3..).unwrap_or("");
        if !(inner.contains("<a")
            || inner.contains("<A")
            || inner.contains("href")
            || inner.contains("{{")
            || inner.contains("<%="))
        {
            continue;
        }
        if let Some(h) = ctx
            .vocab
            .hits(body)
            .into_iter()
            .find(|h| matches!(h.concept, Concept::Unsubscribe | Concept::UnsubscribeUrl))
        {
            out.push(r.range.start + h.start..r.range.start + h.end);
        }
    }
    out.sort_by_key(|r| r.start);
    out.dedup_by(|a, b| a.start < b.end);
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "missing-unsubscribe";

    const HEAD: &str = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html><head></head>"#;

    fn email(body: &str) -> String {
        format!(
            "{HEAD}<body><table role=presentation cellpadding=0 cellspacing=0><tr><td><h1>Our spring newsletter</h1><p>20% off everything. Shop now!</p>{body}</td></tr></table></body></html>"
        )
    }

    #[test]
    fn marketing_emails() {
        let fail = [
            email(""),
            email("<!-- <a href=\"*|UNSUB|*\">Unsubscribe</a> -->"),
            email("<a href=\"/about\">About us</a>"),
            // Commented out in any dialect: no link. (Live expressions that merely mention
            // "unsub" are taken as a merge variable by rules/esp.toml's generic entry.)
            email("{# <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a> #}"),
            email("{{!-- <a href=\"/unsubscribe\">Unsubscribe</a> --}}"),
            email("{{/* <a href=\"{{ .UnsubscribeURL }}\">Unsubscribe</a> */}}"),
            email("<%-- <a href=\"/unsubscribe\">Unsubscribe</a> --%>"),
            email("<?php /* <a href=\"/unsubscribe\">Unsubscribe</a> */ ?>"),
            email("{% comment %}<a href=\"/unsubscribe\">Unsubscribe</a>{% endcomment %}"),
        ];
        let pass = [
            email("<a href=\"*|UNSUB|*\">Unsubscribe</a>"),
            email("<a href=\"https://x.com/u?id=1\">Abmelden</a>"),
            email("<a href=\"{{ unsubscribe_url }}\">here</a>"),
            email("<a href=\"<%asm_group_unsubscribe_raw_url%>\">opt out</a>"),
            email("{% unsubscribe %}"),
            email("[[UNSUB_LINK_EN]]"),
            email("<unsubscribe>Stop these emails</unsubscribe>"),
            email("<a href=\"mailto:news@x.com?subject=Unsubscribe\">email us</a>"),
            // Template expressions that name the unsubscribe target, in every dialect.
            email("<a href=\"{% url 'newsletter_unsubscribe' %}\">x</a>"),
            email("<a href=\"{{ .UnsubscribeURL }}\">x</a>"),
            email("<a href=\"<%= unsubscribe_path(@user) %>\">x</a>"),
            email("<a href=\"{{ route('newsletter.unsubscribe', $token) }}\">x</a>"),
            email("<a href=\"<%= unsubLink %>\">x</a>"),
            email("<a href=\"<?= $unsubscribe_url ?>\">x</a>"),
            email("<p>{{ unsubscribe_link }}</p>"),
            email("<p>{{{unsubscribe}}}</p>"),
            email("<p><%= unsubscribe_url %></p>"),
            email("<p>{!! $unsubscribeLink !!}</p>"),
            email("<a href=\"{{prefsUrl}}\">{{#translate}}manageYourPreferences{{/translate}}</a>"),
            email("<a href=\"https://x.com/email-preferences\">Manage preferences</a>"),
            // A transactional email needs none.
            format!(
                "{HEAD}<body><table role=presentation cellpadding=0 cellspacing=0><tr><td><h1>Reset your password</h1><p>Use this link to reset your password.</p></td></tr></table></body></html>"
            ),
        ];
        let fail: Vec<(&str, &str)> = fail.iter().map(|s| (s.as_str(), "<body>")).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        check(RULE, "email.html", &fail, &pass);
        // A web page is not an email.
        check(RULE, "page.html", &[], &["<html><body><h1>Newsletter</h1><p>20% off. Shop now!</p></body></html>"]);
    }

    #[test]
    fn cold_outreach_may_offer_a_reply() {
        let pitch = "<p>I came across your profile. Quick question: would you be open to a 15-minute call?</p>";
        let reply = format!(
            "<html><body>{pitch}<p>If you'd rather not hear from me, reply and I won't contact you again.</p></body></html>"
        );
        let none = format!("<html><body>{pitch}<p>Sam</p></body></html>");
        check(RULE, "outreach/intro.html", &[(none.as_str(), "<body>")], &[reply.as_str()]);
    }

    #[test]
    fn mjml_anchor_is_mj_body() {
        let src = "<mjml><mj-body><mj-section><mj-column><mj-text>Our newsletter: 30% off!</mj-text></mj-column></mj-section></mj-body></mjml>";
        check(RULE, "promo.mjml", &[(src, "<mj-body>")], &[]);
    }
}
