//! incomplete-privacy-policy: a privacy policy page that lacks one of the GDPR Art. 13 elements.

use scraper::ElementRef;

use super::{Confidence, Rule, RuleMeta, finding};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::vocab::{Concept, ConceptSet};

pub struct IncompletePrivacyPolicy;

static META: RuleMeta = RuleMeta {
    name: "incomplete-privacy-policy",
    summary: "a privacy policy page lacks information GDPR Article 13 requires",
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/incomplete-privacy-policy.md"),
};

/// The Art. 13 elements looked for: the concept that shows each, and the help line.
const ELEMENTS: &[(Concept, &str)] = &[
    (Concept::PolicyController, "who the controller is (name and address) - Art. 13(1)(a)"),
    (Concept::PolicyDpo, "the data protection officer's contact details, if one is appointed - Art. 13(1)(b)"),
    (Concept::PolicyLegalBasis, "the purposes of the processing and their legal basis - Art. 13(1)(c)-(d)"),
    (Concept::PolicyRecipients, "the recipients or categories of recipients - Art. 13(1)(e)"),
    (Concept::PolicyTransfers, "transfers to countries outside the EU/EEA and their safeguards - Art. 13(1)(f)"),
    (Concept::PolicyRetention, "how long the data is kept, or the criteria for it - Art. 13(2)(a)"),
    (
        Concept::PolicyRights,
        "the rights of access, rectification, erasure, restriction and data portability - Art. 13(2)(b)",
    ),
    (Concept::PolicyObjection, "the right to object - Art. 13(2)(b), Art. 21"),
    (Concept::PolicyWithdrawal, "the right to withdraw consent at any time - Art. 13(2)(c)"),
    (Concept::PolicyComplaint, "the right to lodge a complaint with a supervisory authority - Art. 13(2)(d)"),
    (Concept::PolicyAutomated, "whether automated decision-making or profiling takes place - Art. 13(2)(f)"),
];

impl Rule for IncompletePrivacyPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        if ctx.kind.email.is_some() {
            return;
        }
        let Some(heading) = policy_heading(ctx) else { return };
        let (text, hits) = ctx.visible();
        let mut found = ConceptSet::default();
        for h in hits {
            found.insert(h.concept);
        }
        let mut missing: Vec<&str> =
            ELEMENTS.iter().filter(|(c, _)| !found.contains(*c)).map(|(_, line)| *line).collect();
        if found.contains(Concept::PolicyController) && !has_contact(ctx, text) {
            missing
                .insert(0, "how to contact the controller (an email address, phone or postal address) - Art. 13(1)(a)");
        }
        if missing.is_empty() {
            return;
        }
        let n = missing.len();
        out.push(finding(
            &META,
            ctx.doc.anchor(heading),
            format!("privacy policy lacks {n} element{} GDPR Article 13 requires", if n == 1 { "" } else { "s" }),
            "this page is a privacy policy",
            format!(
                "say, under a heading of its own or in the text:\n{}",
                missing.iter().map(|m| format!("- {m}")).collect::<Vec<_>>().join("\n")
            ),
        ));
    }
}

/// The page's main heading when it says "privacy policy" (its first `<h1>`, else its
/// `<title>`), or, for a page whose path says privacy, its first heading that mentions privacy.
/// Headings inside links do not count: a page that links to its policy is not the policy.
fn policy_heading<'a>(ctx: &Context<'a>) -> Option<ElementRef<'a>> {
    let live = |e: &ElementRef<'_>| {
        ctx.doc.span(*e).is_some_and(|s| ctx.is_live(s.span.start))
            && !e.ancestors().filter_map(ElementRef::wrap).any(|a| a.value().name() == "a")
    };
    let h1 = ctx.doc.elements().find(|e| e.value().name() == "h1" && live(e));
    let title = ctx.doc.elements().find(|e| e.value().name() == "title" && live(e));
    // The heading's own words, not those of links inside it ("<h1><a href=/privacy>...").
    let words = |e: ElementRef<'_>| -> String {
        let own = e.descendants().filter_map(|n| {
            let in_link = n
                .ancestors()
                .take_while(|a| a.id() != e.id())
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().name() == "a");
            n.value().as_text().filter(|_| !in_link).map(|t| &**t)
        });
        crate::context::collapse(own)
    };
    let says = |e: &Option<ElementRef<'a>>, c: Concept| e.is_some_and(|e| ctx.has(&words(e), c));
    if says(&h1, Concept::PolicyTitle) {
        return h1;
    }
    if says(&title, Concept::PolicyTitle) {
        return h1.or(title);
    }
    let path = ctx.source.path.to_string_lossy().to_lowercase();
    let stem = path.rsplit(['/', '\\']).next().unwrap_or("");
    if ctx.has(stem, Concept::PrivacyUrl) && (says(&h1, Concept::Privacy) || says(&title, Concept::Privacy)) {
        return h1.or(title);
    }
    None
}

/// A way to reach the controller: a mailto: or tel: link, or an email address in the text.
fn has_contact(ctx: &Context<'_>, text: &str) -> bool {
    let link = ctx.doc.elements().any(|e| {
        e.value().name() == "a"
            && e.value().attr("href").is_some_and(|h| {
                let h = h.trim_start().to_ascii_lowercase();
                h.starts_with("mailto:") || h.starts_with("tel:")
            })
    });
    link || text.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, findings};

    const RULE: &str = "incomplete-privacy-policy";
    const FULL: &str = "<h2>Who we are</h2><p>The controller is Example Ltd, 1 High St, London. Email privacy@example.com.</p>\
        <h2>Data protection officer</h2><p>dpo@example.com</p>\
        <h2>Purposes and legal basis</h2><p>We process data to send the newsletter; the legal basis is your consent.</p>\
        <h2>Recipients</h2><p>Our email service provider.</p>\
        <h2>International transfers</h2><p>Standard contractual clauses cover transfers outside the EEA.</p>\
        <h2>Retention</h2><p>We keep your data until you unsubscribe.</p>\
        <h2>Your rights</h2><p>Right of access, rectification, erasure, restriction, data portability; the right to object.</p>\
        <p>You can withdraw your consent at any time.</p>\
        <p>You may lodge a complaint with a supervisory authority.</p>\
        <h2>Automated decisions</h2><p>We do not use automated decision-making.</p>";

    #[test]
    fn policies() {
        let complete = format!(
            "<html><head><title>Privacy policy</title></head><body><h1>Privacy policy</h1>{FULL}</body></html>"
        );
        let no_dpo = complete.replace("<h2>Data protection officer</h2><p>dpo@example.com</p>", "");
        let stub = "<html><head><title>Privacy Policy | Example</title></head><body><h1>Privacy Policy</h1><p>We respect your privacy.</p></body></html>";
        let title_only = "<html><head><title>Datenschutzerklärung</title></head><body><p>Wir nehmen Datenschutz ernst.</p></body></html>";
        let fail = [(no_dpo.as_str(), "<h1>"), (stub, "<h1>"), (title_only, "<title>")];
        let pass = [
            complete.as_str(),
            // A page that links to its privacy policy is not one.
            "<html><head><title>Contact</title></head><body><h1>Contact us</h1><p><a href=\"/privacy\">Privacy policy</a></p></body></html>",
            "<html><head><title>Shop</title></head><body><h1><a href=\"/privacy\">Privacy policy</a></h1></body></html>",
        ];
        check(RULE, "page.html", &fail, &pass);
        let got = findings(RULE, "page.html", &no_dpo);
        assert_eq!(got[0].0, "privacy policy lacks 1 element GDPR Article 13 requires");
        // The path says privacy and a heading mentions it.
        check(
            RULE,
            "legal/privacy.html",
            &[("<html><body><h1>Your privacy</h1><p>We care.</p></body></html>", "<h1>")],
            &[],
        );
    }
}
