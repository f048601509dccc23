//! missing-postal-address: a marketing email with no physical postal address of the sender.
//!
//! An address is a street word next to a house number ("12 Main Street", "Hauptstraße 5",
//! "ул. Тверская, д. 7", "建国路88号") or a post-office box word with its number ("PO Box 123",
//! "Postfach 10 01 23"), with a postcode nearby; or an ESP merge tag that prints the address
//! (`*|LIST:ADDRESSLINE|*`, `{{ organization.full_address }}`, ...). Street and box words are
//! data (`street`, `po_box` in rules/vocab/*.toml); postcode shapes are the same everywhere.

use std::sync::OnceLock;

use regex::Regex;

use super::{Confidence, Rule, RuleMeta, finding};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::vocab::Concept;

pub struct MissingPostalAddress;

static META: RuleMeta = RuleMeta {
    name: "missing-postal-address",
    summary: "a marketing email has no postal address of the sender",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/missing-postal-address.md"),
};

/// How far (bytes of text) a house number may be from its street word, and a postcode from the
/// street or box.
const NUMBER_REACH: usize = 24;
const POSTCODE_REACH: usize = 90;

impl Rule for MissingPostalAddress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        if !ctx.kind.is_marketing_email() {
            return;
        }
        if ctx.tags.address().any(|h| ctx.is_live(h.start)) {
            return;
        }
        let text = if ctx.plain { ctx.text().to_string() } else { ctx.visible_text() };
        if has_address(ctx, &text) {
            return;
        }
        let anchor = if ctx.plain { ctx.first_line() } else { ctx.body_anchor() };
        out.push(finding(
            &META,
            anchor,
            "marketing email has no postal address".to_string(),
            "no physical address of the sender in this email",
            "add the sender's postal address to the footer (street and number, or a PO box, with postcode and city), \
             or your ESP's address merge tag (Mailchimp *|LIST:ADDRESSLINE|*, HubSpot \
             {{ site_settings.company_street_address_1 }}, Klaviyo {{ organization.full_address }}, SendGrid \
             {{Sender_Address}}, ActiveCampaign %SENDER-INFO%)"
                .to_string(),
        ));
    }
}

/// Does `text` hold a postal address?
fn has_address(ctx: &Context<'_>, text: &str) -> bool {
    compact_address_re().is_match(text) || has_worded_address(ctx, text)
}

/// The compact European form without a street word: "Vinohradská 40 · 120 00 Praha 2",
/// "Speicherstadt 7, 20457 Hamburg": a capitalised name and a house number, a separator, a
/// postcode and a capitalised city.
fn compact_address_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"\p{Lu}[\p{L}'.-]+\s+\d{1,4}[a-zA-Z]?(?:[/-]\d{1,4})?\s*[,·•|–/]\s*",
            r"(?:[A-Z]{1,2}-)?(?:\d{4,5}|\d{3} \d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4} ?[A-Z]{2})\s+\p{Lu}\p{L}+"
        ))
        .unwrap_or_else(|e| panic!("address pattern: {e}"))
    })
}

/// A street or PO box word with its number, and a postcode nearby.
fn has_worded_address(ctx: &Context<'_>, text: &str) -> bool {
    // Street and PO box words are not function words, so the matches shared by the
    // document-level rules (all languages) are the ones this needs.
    let own;
    let hits: &[crate::vocab::Hit] = if !ctx.plain && text == ctx.visible().0 {
        ctx.visible().1
    } else {
        own = ctx.vocab.hits(text);
        &own
    };
    let postcodes: Vec<std::ops::Range<usize>> = postcode_re()
        .find_iter(text)
        .map(|m| m.range())
        .filter(|r| !text[r.end..].trim_start().starts_with('%'))
        .collect();
    if postcodes.is_empty() {
        return false;
    }
    // A number followed by % or a currency sign is a price or a discount, not a house number.
    let is_amount = |r: &std::ops::Range<usize>| {
        let after = text[r.end..].trim_start();
        let before = text[..r.start].trim_end();
        after.starts_with(['%', '€', '$', '£', '¥', '₽']) || before.ends_with(['€', '$', '£', '¥', '₽'])
    };
    let numbers: Vec<std::ops::Range<usize>> =
        number_re().find_iter(text).map(|m| m.range()).filter(|r| !is_amount(r)).collect();
    hits.iter().filter(|h| matches!(h.concept, Concept::Street | Concept::PoBox)).any(|h| {
        // A house or box number near the word, and a postcode that is not that number.
        let near = |r: &std::ops::Range<usize>, reach: usize| r.start + reach >= h.start && r.start <= h.end + reach;
        let box_after = |r: &std::ops::Range<usize>| r.start >= h.end && r.start <= h.end + NUMBER_REACH;
        // Any number near the word will do: with the postcode first ("1052 Budapest, Váci utca 5.")
        // the nearest number may be the postcode itself.
        numbers.iter().filter(|n| if h.concept == Concept::PoBox { box_after(n) } else { near(n, NUMBER_REACH) }).any(
            |number| {
                postcodes.iter().any(|p| near(p, POSTCODE_REACH) && !(p.start <= number.start && number.end <= p.end))
            },
        )
    })
}

/// A house or box number: 1 to 5 digits, maybe with a letter ("12a").
fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?-u:\b)\d{1,5}[A-Za-z]?(?-u:\b)").unwrap_or_else(|e| panic!("number pattern: {e}")))
}

/// Postcode shapes: 4 to 6 digits with an optional country letter prefix ("10115", "D-10115",
/// "CH-8001"), 5+4 (US), NN-NNN (PL), NNNN-NNN (PT), NNN NN (SE, CZ), NNN-NNNN (JP),
/// NNNN AA (NL), UK (SW1A 1AA), Canadian (M5V 3L9) and Irish Eircode (D02 X285, H91 X2Y3) codes.
/// Never inside a longer number.
fn postcode_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?-u:\b)(?:",
            r"(?:[A-Z]{1,2}-)?\d{4,6}(?:-\d{3,4})?",
            r"|\d{2}-\d{3}",
            r"|\d{3} \d{2}",
            r"|\d{4} ?[A-Z]{2}",
            r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
            r"|[A-Z]\d[A-Z] ?\d[A-Z]\d",
            r"|[A-Z]\d[\dW] ?[A-Z\d]{4}",
            r")(?-u:\b)"
        ))
        .unwrap_or_else(|e| panic!("postcode pattern: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "missing-postal-address";

    fn email(footer: &str) -> String {
        format!(
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"x\"><html><head></head><body><table role=presentation cellpadding=0 cellspacing=0><tr><td><h1>Our spring newsletter</h1><p>20% off everything. Shop now!</p><p><a href=\"*|UNSUB|*\">Unsubscribe</a></p><p>{footer}</p></td></tr></table></body></html>"
        )
    }

    #[test]
    fn addresses_across_countries() {
        let fail = [
            email(""),
            email("Example Ltd, call 0800 123 456, order 12345"),
            email("Valid until 31 May 2025. Item 40512."),
            email("Main Street store opens soon"),
            email("Save 20 · 30 Days of Deals · Order 12345 Today"),
            email("<!-- 12 Main Street, Springfield, IL 62701 -->"),
        ];
        let pass = [
            email("Example Inc., 123 Main Street, Springfield, IL 62701, USA"),
            email("Example GmbH · Hauptstraße 5 · 10115 Berlin"),
            email("Example GmbH, Postfach 10 01 23, D-80075 München"),
            email("Exemple SAS, 12 rue de la Paix, 75002 Paris"),
            email("Ejemplo S.L., Calle Mayor 5, 28013 Madrid"),
            email("Esempio S.r.l., Via Roma 10, 00184 Roma"),
            email("Voorbeeld B.V., Keizersgracht 123, 1015 CJ Amsterdam"),
            email("Exemplo Lda, Rua Augusta 100, 1100-053 Lisboa"),
            email("Przykład Sp. z o.o., ul. Marszałkowska 1, 00-950 Warszawa"),
            email("Exempel AB, Drottninggatan 5, 111 51 Stockholm"),
            email("Eksempel ApS, Vesterbrogade 3, 1620 København V"),
            email("Esimerkki Oy, Mannerheimintie 1, 00100 Helsinki"),
            email("Příklad s.r.o., Václavské náměstí 1, 110 00 Praha 1"),
            email("ООО «Пример», ул. Тверская, д. 7, Москва, 125009"),
            email("示例公司 北京市朝阳区建国路88号 邮编 100022"),
            email("Example Ltd, PO Box 123, London SW1A 1AA"),
            email("Example Corp, 100 King Street West, Toronto, ON M5V 3L9"),
            email("Nábytek Hora s.r.o. · Vinohradská 40 · 120 00 Praha 2"),
            email("Példa Kft., 1052 Budapest, Váci utca 5."),
            email("Példa Kft., 1052 Budapest, Váci u. 5."),
            email("Samplach Teo., 12 Sráid an Mhuilinn, Gaillimh H91 X2Y3"),
            email("Example Ltd, 5 Harcourt Road, Dublin 2, D02 X285"),
            email("Primjer d.o.o., Trg bana Jelačića 1, 10000 Zagreb"),
            email("Παράδειγμα Α.Ε., Λεωφ. Κηφισίας 44, 15125 Μαρούσι"),
            email("Роза ЕООД, бул. Цар Освободител 8, 1000 София"),
            email("Näidis OÜ, Narva mnt 7, 10117 Tallinn"),
            email("Röstwerk Hamburg GmbH · Speicherstadt 7 · 20457 Hamburg"),
            email("*|LIST:ADDRESSLINE|*"),
            email("{{ organization.full_address }}"),
        ];
        let fail: Vec<(&str, &str)> = fail.iter().map(|s| (s.as_str(), "<body>")).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        check(RULE, "email.html", &fail, &pass);
    }

    #[test]
    fn transactional_and_pages_need_none() {
        check(
            RULE,
            "email.html",
            &[],
            &[
                "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"x\"><html><body><table role=presentation cellpadding=0 cellspacing=0><tr><td><h1>Reset your password</h1><p>Use this link to reset your password.</p></td></tr></table></body></html>",
            ],
        );
        check(RULE, "page.html", &[], &["<html><body><h1>Newsletter</h1><p>20% off. Shop now!</p></body></html>"]);
    }

    #[test]
    fn plain_text() {
        let fail = "Our newsletter: 20% off this week. Shop now!\nUnsubscribe: https://x.example/unsubscribe\n";
        let pass = "Our newsletter: 20% off this week. Shop now!\nUnsubscribe: https://x.example/unsubscribe\nExample Ltd, 12 High Street, Oxford OX1 4AA\n";
        check(RULE, "emails/weekly-newsletter.txt", &[(fail, "Our newsletter: 20% off this week. Shop now!")], &[pass]);
    }
}
