//! missing-list-unsubscribe: a marketing email message without the `List-Unsubscribe` header
//! (RFC 2369) or without one-click unsubscribe (RFC 8058: `List-Unsubscribe-Post:
//! List-Unsubscribe=One-Click` and an https URI in `List-Unsubscribe`).
//!
//! Reads the header block of email messages (`.eml`) only: templates do not carry headers.

use super::{Confidence, Rule, RuleMeta, finding};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::mime::{Header, Message};

pub struct MissingListUnsubscribe;

static META: RuleMeta = RuleMeta {
    name: "missing-list-unsubscribe",
    summary: "a marketing email message has no one-click List-Unsubscribe header",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: false,
    docs: include_str!("../../rules/missing-list-unsubscribe.md"),
};

const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

impl Rule for MissingListUnsubscribe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_headers(&self, ctx: &Context<'_>, msg: &Message, out: &mut Vec<Finding>) {
        if !ctx.kind.is_marketing_email() {
            return;
        }
        let span = |h: &std::ops::Range<usize>| ctx.source.text_offset(h.start)..ctx.source.text_offset(h.end);
        let Some(lu) = msg.header("List-Unsubscribe") else {
            out.push(finding(
                &META,
                span(&msg.header_span),
                "marketing email has no List-Unsubscribe header".into(),
                "these headers have no List-Unsubscribe",
                format!(
                    "add `List-Unsubscribe: <https://example.com/unsubscribe?u=...>, <mailto:unsubscribe@example.com>` \
                     and `List-Unsubscribe-Post: {ONE_CLICK}` (most ESPs add both when their unsubscribe or \
                     subscription tracking is on)"
                ),
            ));
            return;
        };
        let https = uris(lu).iter().any(|u| u.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")));
        let post = msg.header("List-Unsubscribe-Post");
        let (message, label, help) = match (https, post) {
            (false, None) => (
                "List-Unsubscribe has no https URI and no List-Unsubscribe-Post: no one-click unsubscribe",
                "only mailto: or http: here, and no List-Unsubscribe-Post",
                format!(
                    "add an https URI in angle brackets, e.g. `<https://example.com/unsubscribe?u=...>`, and \
                     `List-Unsubscribe-Post: {ONE_CLICK}` (RFC 8058)"
                ),
            ),
            (false, Some(_)) => (
                "List-Unsubscribe has no https URI for one-click unsubscribe",
                "only mailto: or http: here",
                "add an https URI in angle brackets, e.g. `<https://example.com/unsubscribe?u=...>`: RFC 8058 \
                 one-click unsubscribe posts to an https URI"
                    .to_string(),
            ),
            (true, None) => (
                "List-Unsubscribe without List-Unsubscribe-Post: no one-click unsubscribe",
                "one-click unsubscribe needs List-Unsubscribe-Post as well",
                format!("add `List-Unsubscribe-Post: {ONE_CLICK}` (RFC 8058)"),
            ),
            (true, Some(_)) => ("", "", String::new()),
        };
        if !message.is_empty() {
            out.push(finding(&META, span(&lu.span), message.into(), label, help));
        }
        if let Some(post) = post.filter(|p| !p.value.trim().eq_ignore_ascii_case(ONE_CLICK)) {
            out.push(finding(
                &META,
                span(&post.span),
                "List-Unsubscribe-Post does not say List-Unsubscribe=One-Click".into(),
                "RFC 8058 requires exactly this value",
                format!("write `List-Unsubscribe-Post: {ONE_CLICK}`"),
            ));
        }
    }
}

/// The URIs of a List-Unsubscribe value: each in angle brackets (RFC 2369).
fn uris(h: &Header) -> Vec<&str> {
    h.value.split('<').skip(1).filter_map(|p| p.split_once('>').map(|(u, _)| u.trim())).collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "missing-list-unsubscribe";

    fn message(headers: &str) -> String {
        format!(
            "From: Shop <news@shop.example>\nSubject: Our spring newsletter\n{headers}Content-Type: text/html; charset=utf-8\n\n<html><body><h1>Our spring newsletter</h1><p>20% off everything. Shop now!</p><p><a href=\"https://shop.example/unsubscribe\">Unsubscribe</a></p><p>Shop Ltd, 12 High Street, Oxford OX1 4AA</p></body></html>\n"
        )
    }

    #[test]
    fn headers() {
        let missing = message("");
        let mailto_only = message(
            "List-Unsubscribe: <mailto:u@shop.example?subject=unsubscribe>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n",
        );
        let mailto_no_post = message("List-Unsubscribe: <mailto:u@shop.example>\n");
        let no_post = message("List-Unsubscribe: <https://shop.example/u?x=1>\n");
        let bad_post = message("List-Unsubscribe: <https://shop.example/u?x=1>\nList-Unsubscribe-Post: yes\n");
        let folded = message(
            "List-Unsubscribe: <mailto:u@shop.example>,\n <https://shop.example/u?x=1>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n",
        );
        let ok = message(
            "List-Unsubscribe: <https://shop.example/u?x=1>, <mailto:u@shop.example>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n",
        );
        let transactional = "From: a@b.c\nSubject: Reset your password\nContent-Type: text/plain\n\nUse this link to reset your password: https://x.example/reset\n";
        check(
            RULE,
            "m.eml",
            &[
                (
                    &missing,
                    "From: Shop <news@shop.example>\nSubject: Our spring newsletter\nContent-Type: text/html; charset=utf-8",
                ),
                (&mailto_only, "List-Unsubscribe: <mailto:u@shop.example?subject=unsubscribe>"),
                (&mailto_no_post, "List-Unsubscribe: <mailto:u@shop.example>"),
                (&no_post, "List-Unsubscribe: <https://shop.example/u?x=1>"),
                (&bad_post, "List-Unsubscribe-Post: yes"),
            ],
            &[&ok, &folded, transactional],
        );
        // Templates carry no headers: never checked.
        check(
            RULE,
            "emails/newsletter.html",
            &[],
            &["<html><body><h1>Newsletter</h1><p>20% off. Shop now!</p></body></html>"],
        );
    }
}
