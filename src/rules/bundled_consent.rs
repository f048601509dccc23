//! bundled-consent: one control whose label covers several purposes that need separate consent.

use scraper::ElementRef;

use super::{Confidence, Rule, RuleMeta, finding, input_type};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};
use crate::vocab::{Concept, Hit};

pub struct BundledConsent;

static META: RuleMeta = RuleMeta {
    name: "bundled-consent",
    summary: "one checkbox asks for several purposes at once (terms + marketing, marketing + partners)",
    severity: Severity::Error,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/bundled-consent.md"),
};

/// A purpose a consent label can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Purpose {
    Terms,
    Marketing,
    Sharing,
    Profiling,
}

impl Purpose {
    fn of(c: Concept) -> Option<Purpose> {
        match c {
            Concept::Terms => Some(Purpose::Terms),
            Concept::Marketing => Some(Purpose::Marketing),
            Concept::Sharing => Some(Purpose::Sharing),
            Concept::Profiling => Some(Purpose::Profiling),
            _ => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Purpose::Terms => "accepting the terms",
            Purpose::Marketing => "marketing",
            Purpose::Sharing => "sharing data with third parties",
            Purpose::Profiling => "profiling",
        }
    }
}

impl Rule for BundledConsent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
        if el.value().name() != "input" || input_type(el) != "checkbox" {
            return;
        }
        let text = ctx.control_text(el);
        if text.label.is_empty() {
            return;
        }
        let hits = ctx.hits_at(el, &text.label);
        // Not consent, or an opt-out box (implied-consent's finding).
        if hits.iter().any(|h| matches!(h.concept, Concept::NotConsent | Concept::OptOut)) {
            return;
        }
        let purposes = asked_purposes(&text.label, &hits);
        if !is_bundle(&purposes) {
            return;
        }
        let span = ctx.doc.anchor(el);
        let names: Vec<&str> = purposes.iter().map(|(p, _)| p.describe()).collect();
        let mut f = finding(
            &META,
            span,
            format!("one checkbox asks for {} at once", join_and(&names)),
            "a single yes for several purposes",
            "use one unticked checkbox per purpose; accepting the terms must not depend on agreeing to marketing, \
             and marketing by you is a different purpose from sharing data with partners"
                .to_string(),
        );
        // Point at each purpose in the label text when the label element can be located.
        if let Some(label) = text.label_element.clone() {
            let words: Vec<String> = purposes.iter().map(|(p, w)| format!("{} (\"{w}\")", p.describe())).collect();
            f.secondary.push(Label { span: label, message: format!("covers {}", words.join(" and ")) });
        }
        out.push(f);
    }
}

/// Purposes the label asks for, each with the first words that name it. Mentions that overlap
/// a privacy-policy mention ("Datenschutzbestimmungen") or follow a negation in the same
/// clause ("we never share your data with partners") are not asked for.
fn asked_purposes<'t>(label: &'t str, hits: &[Hit]) -> Vec<(Purpose, &'t str)> {
    let privacy: Vec<&Hit> = hits.iter().filter(|h| h.concept == Concept::Privacy).collect();
    let marketing: Vec<&Hit> = hits.iter().filter(|h| h.concept == Concept::Marketing).collect();
    let negations: Vec<&Hit> = hits.iter().filter(|h| h.concept == Concept::Negation).collect();
    let mut out: Vec<(Purpose, &str)> = Vec::new();
    for h in hits {
        let Some(p) = Purpose::of(h.concept) else { continue };
        if privacy.iter().any(|q| q.start < h.end && h.start < q.end) {
            continue;
        }
        // "personalised offers", "tailored newsletter": personalisation of the marketing itself
        // is one purpose, not a second one.
        if p == Purpose::Profiling
            && marketing.iter().any(|m| m.start >= h.end && label[h.end..m.start].trim().len() <= 1)
        {
            continue;
        }
        let clause_start =
            label[..h.start].rfind(['.', ';', '!', '?', '\n', '(', ')', '•', '。', '；']).map_or(0, |i| i + 1);
        if negations.iter().any(|n| n.start >= clause_start && n.end <= h.start) {
            continue;
        }
        let word = &label[h.start..h.end];
        match out.iter_mut().find(|(q, _)| *q == p) {
            // Name each purpose by its most specific (longest) word.
            Some((_, w)) if word.len() > w.len() => *w = word,
            Some(_) => {}
            None => out.push((p, word)),
        }
    }
    out.sort_by_key(|(p, _)| *p);
    out
}

/// Terms together with any optional purpose, or two optional purposes (marketing, sharing with
/// third parties, profiling). Marketing personalised to the user ("personalised offers") was
/// already folded into marketing by `asked_purposes`.
fn is_bundle(purposes: &[(Purpose, &str)]) -> bool {
    let has = |p: Purpose| purposes.iter().any(|(q, _)| *q == p);
    let optional = [Purpose::Marketing, Purpose::Sharing, Purpose::Profiling].iter().filter(|p| has(**p)).count();
    (has(Purpose::Terms) && optional > 0) || optional >= 2
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => a.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "bundled-consent";

    #[test]
    fn bundles() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<label><input type="checkbox" name="agree"> I accept the Terms and Conditions and agree to receive marketing emails</label>"#,
                    r#"<input type="checkbox" name="agree">"#,
                ),
                (
                    r#"<input type=checkbox id=c><label for=c>Send me offers from you and your partners</label>"#,
                    "<input type=checkbox id=c>",
                ),
                (
                    r#"<label><input type=checkbox> Send me news and personalised recommendations based on my browsing history</label>"#,
                    "<input type=checkbox>",
                ),
                (
                    r#"<label><input type=checkbox> J'accepte les CGU et de recevoir la newsletter</label>"#,
                    "<input type=checkbox>",
                ),
            ],
            &[
                r#"<label><input type="checkbox"> I accept the Terms of Service and have read the Privacy Policy</label>"#,
                r#"<label><input type="checkbox"> Send me news and offers by email and SMS</label>"#,
                r#"<label><input type="checkbox"> Subscribe to our newsletter. We will never share your data with third parties.</label>"#,
                r#"<label><input type="checkbox"> I accept the terms and conditions</label>"#,
                r#"<label><input type="checkbox"> Send me personalised offers</label>"#,
                r#"<label><input type="checkbox"> Send me a tailored newsletter</label>"#,
            ],
        );
    }
}
