//! missing-sender-identity: a marketing email that does not say who sends it.

use super::{Confidence, Rule, RuleMeta, email_anchor, email_reasons, finding};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::vocab::Concept;

pub struct MissingSenderIdentity;

static META: RuleMeta = RuleMeta {
    name: "missing-sender-identity",
    summary: "a marketing email template does not identify its sender",
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/missing-sender-identity.md"),
};

/// How far after a copyright sign the holder's name is looked for (bytes).
const COPYRIGHT_WINDOW: usize = 80;

impl Rule for MissingSenderIdentity {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        if !ctx.kind.is_marketing_email() {
            return;
        }
        if ctx.visible().1.iter().any(|h| h.concept == Concept::SenderIdentity) {
            return;
        }
        if live_sender_tag(ctx) || copyright_with_name(ctx) || name_and_address_line(ctx) {
            return;
        }
        out.push(finding(
            &META,
            email_anchor(ctx),
            "marketing email does not say who sends it".to_string(),
            "no company name, legal form, imprint or \"sent by\" line in this email",
            format!(
                "add a footer that names the sender: the company's legal name and form, its address and a \
                 contact (e.g. \"Sent by Example Ltd, 1 High Street, London\", an Impressum, or \"© 2025 \
                 Example GmbH\"), or your ESP's tag for it (Mailchimp *|LIST:COMPANY|* and \
                 *|LIST:ADDRESSLINE|*, HubSpot {{{{ site_settings.company_name }}}}, Klaviyo \
                 {{{{ organization.name }}}}); treated as marketing because: {}",
                email_reasons(ctx)
            ),
        ));
    }
}

/// A sender merge tag in live markup: an ESP's sender or postal-address tag (rules/esp.toml;
/// an address tag prints the account's name with its address).
fn live_sender_tag(ctx: &Context<'_>) -> bool {
    ctx.tags.sender().chain(ctx.tags.address()).any(|h| ctx.is_live(h.start))
}

/// A footer line that reads like "Name · Street 3 · 31-019 City": at least three parts
/// separated by `·`, `|`, `•`, `,` or `<br>`, one of them holding a postcode (4 to 6 digits, or the
/// Polish, Czech/Slovak/Swedish and Dutch forms). Language-neutral: names and streets vary too
/// much for word lists.
fn name_and_address_line(ctx: &Context<'_>) -> bool {
    ctx.doc.elements().filter(|e| !matches!(e.value().name(), "script" | "style" | "head" | "title")).any(|e| {
        // Small blocks only (a footer paragraph or cell): their text nodes, lines broken with
        // <br> or split over sibling <p>s, are parts too.
        if e.descendants().take(40).count() >= 40 {
            return false;
        }
        let lines: Vec<String> = e
            .descendants()
            .filter_map(|n| n.value().as_text().map(|t| crate::context::collapse(std::iter::once(&**t))))
            .collect();
        if lines.iter().map(String::len).sum::<usize>() > 200 {
            return false;
        }
        let parts: Vec<&str> =
            lines.iter().flat_map(|t| t.split(['·', '|', '•', ','])).map(str::trim).filter(|p| !p.is_empty()).collect();
        (parts.len() >= 3 && parts.iter().any(|p| has_postcode(p))) || parts.iter().any(|p| name_then_postcode(p))
    })
}

/// One short line holding a name and then a postcode with its place, no separators: "Spicy
/// Company 11111 EU Planet Earth", "Beispiel GmbH 10115 Berlin". At least two capitalised words
/// before the postcode, so "Order 12345 Shipped" is not a sender.
fn name_then_postcode(part: &str) -> bool {
    if part.len() > 100 {
        return false;
    }
    let tokens: Vec<&str> = part.split_whitespace().collect();
    tokens.iter().enumerate().any(|(i, t)| {
        i >= 2
            && has_postcode(&tokens[i..].join(" "))
            && (4..=6).contains(&t.len())
            && t.bytes().all(|b| b.is_ascii_digit())
            && tokens[..i]
                .iter()
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic))
                .count()
                >= 2
    })
}

fn has_postcode(part: &str) -> bool {
    let tokens: Vec<&str> = part.split_whitespace().collect();
    let digits =
        |t: &str, n: std::ops::RangeInclusive<usize>| n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    let capitalised = |t: &str| t.chars().next().is_some_and(char::is_uppercase);
    let state = |t: &str| t.len() == 2 && t.bytes().all(|b| b.is_ascii_uppercase());
    // "2025 All rights reserved": a recent year is not a postcode.
    let year = |t: &str| t.len() == 4 && t.parse::<u32>().is_ok_and(|y| (1990..=2099).contains(&y));
    tokens.iter().enumerate().any(|(i, t)| {
        if year(t) {
            return false;
        }
        let prev = if i > 0 { tokens[i - 1] } else { "" };
        let next = tokens.get(i + 1).copied().unwrap_or("");
        let after = tokens.get(i + 2).copied().unwrap_or("");
        // "69002 Lyon", "31-019 Kraków", "301 00 Plzeň", "3011 AD Rotterdam", "IL 62704".
        (digits(t, 4..=6) && (capitalised(next) || state(prev) || tokens.len() == 1))
            || (t.split_once('-').is_some_and(|(a, b)| digits(a, 2..=2) && digits(b, 3..=3)) && capitalised(next))
            || (digits(t, 3..=3) && digits(next, 2..=2) && capitalised(after))
    })
}

/// A copyright line with a holder's name: "© 2025 Example", "Copyright © Beispiel", not
/// "© 2025 All rights reserved" or "© {{ year }}".
fn copyright_with_name(ctx: &Context<'_>) -> bool {
    let text = ctx.text();
    let marks = ["©", "&copy;", "&#169;", "&#xa9;", "(c)", "(C)"];
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for m in marks {
        starts.extend(text.match_indices(m).map(|(i, s)| (i, i + s.len())));
    }
    // The word "copyright" in any language counts as a mark too (looked for in the source only
    // when the visible text has one: a full-vocabulary scan of the markup is not cheap).
    if ctx.visible().1.iter().any(|h| h.concept == Concept::CopyrightNotice) {
        for h in ctx.vocab.hits_any_language(text).iter().filter(|h| h.concept == Concept::CopyrightNotice) {
            starts.push((h.start, h.end));
        }
    }
    starts.into_iter().filter(|(s, _)| ctx.is_live(*s) && ctx.doc.tag_containing(*s).is_none()).any(|(_, after)| {
        // The text after the mark, to the next tag, without template expressions.
        let mut end = (after + COPYRIGHT_WINDOW).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let window = &text[after..end];
        let window = &window[..window.find('<').unwrap_or(window.len())];
        let plain: String =
            window.char_indices().map(|(i, c)| if ctx.templates.in_expression(after + i) { ' ' } else { c }).collect();
        let mut rest = plain.clone();
        for h in ctx.vocab.hits_any_language(&plain).iter().filter(|h| h.concept == Concept::CopyrightNotice) {
            rest.replace_range(h.start..h.end, &" ".repeat(h.end - h.start));
        }
        let rest = rest.replace("&nbsp;", " ");
        rest.chars().filter(|c| c.is_alphabetic()).count() >= 2
    })
}

#[cfg(test)]
mod tests {
    use super::name_then_postcode;
    use crate::rules::testing::check;

    const RULE: &str = "missing-sender-identity";
    const HEAD: &str = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html><head></head>"#;

    fn email(footer: &str) -> String {
        format!(
            "{HEAD}<body><table role=presentation cellpadding=0 cellspacing=0><tr><td><h1>Our spring newsletter</h1><p>20% off everything. Shop now!</p><a href=\"*|UNSUB|*\">Unsubscribe</a><p>{footer}</p></td></tr></table></body></html>"
        )
    }

    #[test]
    fn name_then_postcode_on_one_line() {
        assert!(name_then_postcode("Spicy Company 11111 EU Planet Earth"));
        assert!(name_then_postcode("Beispiel GmbH 10115 Berlin"));
        assert!(!name_then_postcode("Order 12345 Shipped today"));
        assert!(!name_then_postcode("Big Summer Sale 2025 Starts now"));
    }

    #[test]
    fn sender_named_or_not() {
        let fail = [
            email(""),
            email("© 2025 All rights reserved."),
            email("© {{ 'now' | date: '%Y' }}"),
            email("Copyright 2025. Alle Rechte vorbehalten."),
            // A list of links is not an address.
            email("<a href=\"/a\">Shop</a> · <a href=\"/b\">Blog</a> · <a href=\"/c\">Help</a>"),
            email("Order 12345, shipped, thanks"),
        ];
        let pass = [
            email("Example Ltd, 1 High Street, London"),
            email("Impressum: Beispiel GmbH, Hauptstraße 1, Berlin"),
            email("© 2025 Example Outdoor. All rights reserved."),
            email("&copy; {{ year }} Acme"),
            email("*|LIST:COMPANY|* *|LIST:ADDRESSLINE|*"),
            email("{{ organization.name }}"),
            email("Это письмо отправлено компанией ООО «Береза»"),
            email("上海示例贸易有限公司 版权所有"),
            email("Palarnia Zielona · ul. Floriańska 3 · 31-019 Kraków"),
            email("Sportshop Oranje | Coolsingel 40 | 3011 AD Rotterdam"),
            email("Amazing Company<br>11111 Beautiful City, 1212 Nice Street<br>Switzerland"),
            email("</p><div><p>HomeFinder</p><p>123 Realty Lane, Suite 100</p><p>Metropolis, 54321</p></div><p>"),
        ];
        let fail: Vec<(&str, &str)> = fail.iter().map(|s| (s.as_str(), "<body>")).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        check(RULE, "email.html", &fail, &pass);
    }
}
