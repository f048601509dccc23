//! missing-data-source-notice: a cold B2B outreach email that does not say where the address
//! came from, why the recipient is contacted, and how to object or have the data deleted.

use super::{Confidence, Rule, RuleMeta, email_anchor, finding};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::vocab::{Concept, ConceptSet};

pub struct MissingDataSourceNotice;

static META: RuleMeta = RuleMeta {
    name: "missing-data-source-notice",
    summary: "a cold outreach email does not say where the address came from or how to object",
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/missing-data-source-notice.md"),
};

/// The parts of the notice, the concept that shows each, and the help line.
const PARTS: &[(Concept, &str)] = &[
    (Concept::OutreachSource, "where you got the address (e.g. \"from your company's website\") - GDPR Art. 14(2)(f)"),
    (
        Concept::OutreachPurpose,
        "why you contact this person, the legitimate interest you rely on - Art. 14(1)(c), 14(2)(b)",
    ),
    (Concept::OutreachObjection, "how to object or have the data deleted (a reply is enough) - Art. 14(2)(c), Art. 21"),
];

impl Rule for MissingDataSourceNotice {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        if !ctx.kind.cold_outreach {
            return;
        }
        let (_, hits) = ctx.visible();
        let mut found = ConceptSet::default();
        for h in hits {
            found.insert(h.concept);
        }
        // An unsubscribe link or mailto is an objection mechanism too.
        let links = ctx.doc.elements().filter(|e| e.value().name() == "a").any(|e| {
            let href = ctx.attr_raw(e, "href").unwrap_or("");
            ctx.has(href, Concept::UnsubscribeUrl) || ctx.has(&ctx.text_of(e), Concept::Unsubscribe)
        });
        if links {
            found.insert(Concept::OutreachObjection);
        }
        let missing: Vec<&str> = PARTS.iter().filter(|(c, _)| !found.contains(*c)).map(|(_, l)| *l).collect();
        if missing.is_empty() {
            return;
        }
        let why = ctx.kind.reasons.iter().find(|r| r.starts_with("cold outreach")).cloned().unwrap_or_default();
        out.push(finding(
            &META,
            email_anchor(ctx),
            format!("cold outreach email lacks a data-source notice ({} of 3 parts missing)", missing.len()),
            "this email writes to someone who never signed up",
            format!(
                "add a short notice, e.g. \"I found your address on your company's website and am writing \
                 because of your role as head of purchasing (our legitimate interest). If you'd rather not \
                 hear from me, reply 'no' and I will delete your details.\" It must say:\n{}\n({why})",
                missing.iter().map(|m| format!("- {m}")).collect::<Vec<_>>().join("\n")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "missing-data-source-notice";

    fn mail(notice: &str) -> String {
        format!(
            "<html><body><p>Hi {{{{ first_name }}}},</p><p>I came across your profile and noticed your team is growing. \
             Quick question: would you be open to a 15-minute call next week?</p><p>Best, Sam</p><p>{notice}</p></body></html>"
        )
    }

    #[test]
    fn outreach() {
        let fail = [
            mail(""),
            mail("I found your email on your company website."),
            mail("If you'd rather not hear from me, just reply and I won't contact you again."),
        ];
        let pass = [
            mail(
                "I found your email on your company website and write because of your role as CTO (our legitimate \
                 interest). If you'd rather not hear from me, reply and I will delete your details.",
            ),
            // A newsletter with an unsubscribe centre is not cold outreach.
            "<html><body><p>Quick question: would you be open to a 15-minute call?</p><a href=\"*|UNSUB|*\">Unsubscribe</a></body></html>".to_string(),
            // One phrase is not enough to call it outreach.
            "<html><body><p>Quick question about your order #123.</p></body></html>".to_string(),
        ];
        let fail: Vec<(&str, &str)> = fail.iter().map(|s| (s.as_str(), "<body>")).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        check(RULE, "outreach/intro.html", &fail, &pass);
    }
}
