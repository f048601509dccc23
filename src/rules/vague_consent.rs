//! vague-consent: a consent checkbox whose label does not say what the user agrees to, or says
//! it only in catch-all words ("selected partners", "other purposes").

use scraper::ElementRef;

use super::forms;
use super::{Confidence, Rule, RuleMeta, finding, input_type};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};
use crate::vocab::{Concept, Hit};

pub struct VagueConsent;

static META: RuleMeta = RuleMeta {
    name: "vague-consent",
    summary: "a consent checkbox states no purpose (\"I agree\") or only a catch-all (\"selected partners\")",
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    languages: true,
    docs: include_str!("../../rules/vague-consent.md"),
};

/// What a label can name that makes it specific: a purpose, terms, the privacy notice.
const PURPOSES: &[Concept] =
    &[Concept::Marketing, Concept::Sharing, Concept::Profiling, Concept::Terms, Concept::Privacy, Concept::Unsubscribe];

impl Rule for VagueConsent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
        if el.value().name() != "input" || input_type(el) != "checkbox" {
            return;
        }
        let text = ctx.control_text(el);
        let hits = ctx.hits_at(el, &text.label);
        let set = forms::set_of(&hits);
        if set.contains(Concept::NotConsent) || set.contains(Concept::OptOut) {
            return;
        }
        let ids = ctx.concepts_at(el, &text.identifiers);
        if ids.contains(Concept::NotConsent) {
            return;
        }
        if set.contains(Concept::CatchAll) {
            check_catch_all(ctx, el, &text, &hits, out);
            return;
        }
        if set.any(PURPOSES) {
            return;
        }
        // The name says terms or privacy: an acknowledgement, not a consent (and not this rule's).
        if ids.any(&[Concept::Terms, Concept::Privacy]) && !ids.any(forms::OPTIONAL) {
            return;
        }
        // A box with no label text at all is left alone: its label may come from a template
        // variable or a script the linter cannot read.
        if !set.any(&[Concept::VagueLabel, Concept::Yes, Concept::Consent]) {
            return;
        }
        if !says_nothing_else(&text.label, &hits) {
            return;
        }
        // The question may be asked next to the box ("Would you like our newsletter?" above
        // "[ ] Yes please").
        if ctx.concepts_at(el, &question(ctx, el)).any(PURPOSES) {
            return;
        }
        let shown = format!("only \"{}\"", text.label);
        let mut f = finding(
            &META,
            ctx.doc.anchor(el),
            "consent checkbox does not say what the user agrees to".to_string(),
            &format!("says {shown}"),
            "say in the label who will use the data and for what, e.g. \"Email me Acme's offers and news\"; \
             consent must be specific and informed"
                .to_string(),
        );
        if let Some(l) = text.label_element {
            f.secondary.push(Label { span: l, message: "states no purpose".to_string() });
        }
        out.push(f);
    }
}

/// "… and selected partners", "for marketing and other purposes", unless the label links to the
/// list it stands for.
fn check_catch_all(
    ctx: &Context<'_>,
    el: ElementRef<'_>,
    text: &crate::context::ControlText,
    hits: &[Hit],
    out: &mut Vec<Finding>,
) {
    if forms::consent_purpose(ctx, el, &text.label, &text.identifiers).is_none() {
        return;
    }
    let labels = ctx.label_elements(el);
    let links = labels.iter().any(|l| {
        l.descendants()
            .filter_map(ElementRef::wrap)
            .any(|e| e.value().name() == "a" && e.value().attr("href").is_some_and(|h| !h.trim().is_empty()))
    });
    if links {
        return;
    }
    let Some(h) =
        hits.iter().filter(|h| h.concept == Concept::CatchAll).min_by_key(|h| (h.start, std::cmp::Reverse(h.end)))
    else {
        return;
    };
    let words = &text.label[h.start..h.end];
    let span =
        labels.iter().find_map(|l| forms::locate_in(ctx, *l, Concept::CatchAll)).unwrap_or_else(|| ctx.doc.anchor(el));
    let mut f = finding(
        &META,
        span.clone(),
        format!("consent label names no one: \"{words}\""),
        "a catch-all, not a purpose or a recipient",
        "name the recipients and purposes (or link to the list of partners next to the box); consent to \
         unnamed partners or \"other purposes\" is not specific or informed"
            .to_string(),
    );
    let control = ctx.doc.anchor(el);
    if control != span {
        f.secondary.push(Label { span: control, message: "the consent checkbox".to_string() });
    }
    out.push(f);
}

/// Is the label nothing but agreement words ("I agree", "Yes, please!", "OK")? Words outside
/// the vocabulary matches are counted; a Chinese character counts as half a word.
fn says_nothing_else(label: &str, hits: &[Hit]) -> bool {
    let mut covered = vec![false; label.len()];
    for h in hits.iter().filter(|h| matches!(h.concept, Concept::VagueLabel | Concept::Yes | Concept::Consent)) {
        for c in covered.iter_mut().take(h.end).skip(h.start) {
            *c = true;
        }
    }
    let rest: String = label.char_indices().map(|(i, c)| if covered[i] { ' ' } else { c }).collect();
    let words = rest.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2 && !is_cjk(w)).count();
    let cjk = rest.chars().filter(|c| is_cjk(&c.to_string())).count();
    words * 2 + cjk <= 2
}

fn is_cjk(w: &str) -> bool {
    w.chars().any(|c| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF))
}

/// The question asked next to a box: its fieldset's legend, and the text just before the box
/// (or before the element that holds only the box and its label).
fn question(ctx: &Context<'_>, el: ElementRef<'_>) -> String {
    let mut out = String::new();
    if let Some(legend) = el
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "fieldset")
        .and_then(|f| f.children().filter_map(ElementRef::wrap).find(|c| c.value().name() == "legend"))
    {
        out.push_str(&ctx.text_of(legend));
        out.push(' ');
    }
    let mut node = el;
    for _ in 0..4 {
        for sib in node.prev_siblings() {
            if let Some(e) = ElementRef::wrap(sib) {
                if crate::context::is_control(e)
                    || e.descendants().filter_map(ElementRef::wrap).any(crate::context::is_control)
                {
                    break;
                }
                let t = ctx.text_of(e);
                if !t.is_empty() {
                    out.push_str(&t);
                    return out;
                }
            } else if let Some(t) = sib.value().as_text()
                && !t.trim().is_empty()
            {
                out.push_str(t);
                return out;
            }
        }
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else { break };
        if matches!(parent.value().name(), "form" | "body" | "fieldset") {
            break;
        }
        node = parent;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "vague-consent";

    #[test]
    fn no_purpose() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<label><input type="checkbox" name="consent"> I agree</label>"#,
                    r#"<input type="checkbox" name="consent">"#,
                ),
                (
                    r#"<input type=checkbox id=c name=marketing><label for=c>Yes please!</label>"#,
                    "<input type=checkbox id=c name=marketing>",
                ),
                (
                    r#"<label><input type="checkbox" name="optin"> OK</label>"#,
                    r#"<input type="checkbox" name="optin">"#,
                ),
                (
                    r#"<label><input type="checkbox" name="zgoda"> Wyrażam zgodę</label>"#,
                    r#"<input type="checkbox" name="zgoda">"#,
                ),
                (r#"<label><input type="checkbox" name="ok"> 我同意</label>"#, r#"<input type="checkbox" name="ok">"#),
            ],
            &[
                r#"<label><input type="checkbox" name="terms"> I agree to the <a href="/terms">Terms</a></label>"#,
                r#"<label><input type="checkbox" name="terms"> I agree</label>"#,
                r#"<label><input type="checkbox" name="news"> Yes, email me the monthly newsletter</label>"#,
                r#"<fieldset><legend>Would you like our newsletter?</legend><label><input type="checkbox" name="nl"> Yes please</label></fieldset>"#,
                r#"<p>Can we email you about offers?</p><label><input type="checkbox" name="nl"> Yes please</label>"#,
                r#"<label><input type="checkbox" name="remember"> Remember me</label>"#,
                r#"<label><input type="checkbox" name="consent"> I agree that Acme may contact me about my enquiry</label>"#,
            ],
        );
    }

    #[test]
    fn catch_alls() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<label><input type="checkbox" name="partners"> Send me offers from Acme and selected partners</label>"#,
                    "selected partners",
                ),
                (
                    r#"<label><input type="checkbox" name="c"> I consent to the use of my data for marketing and other purposes</label>"#,
                    "other purposes",
                ),
            ],
            &[
                r#"<label><input type="checkbox" name="partners"> Send me offers from Acme and <a href="/partners">these selected partners</a></label>"#,
                r#"<label><input type="checkbox" name="partners"> Share my email with Acme Travel and Acme Insurance for their offers</label>"#,
            ],
        );
    }
}
