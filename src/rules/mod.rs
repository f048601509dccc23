//! The rules. Each rule is one file: metadata, check, and quick tests; its documentation is
//! `rules/<name>.md`. Register a rule by adding it to `RULES`.

mod bundled_consent;
mod excessive_data;
mod forced_consent;
pub mod forms;
mod hidden_unsubscribe;
mod implied_consent;
mod incomplete_privacy_policy;
mod insecure_form_action;
mod missing_data_source_notice;
mod missing_list_unsubscribe;
mod missing_postal_address;
mod missing_privacy_link;
mod missing_sender_identity;
mod missing_unsubscribe;
mod missing_withdrawal_info;
mod pre_ticked_consent;
mod tracking_pixel;
mod unused_suppression;
mod vague_consent;
mod visibility;

use scraper::ElementRef;

use crate::context::Context;
use crate::finding::{Finding, Severity};

/// How sure a rule can be: heuristic rules depend on wording and say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Heuristic,
}

#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case identifier naming the problem.
    pub name: &'static str,
    /// One line, for `consentlint rules`.
    pub summary: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Whether the rule reads language (and so needs fixtures in every language).
    pub languages: bool,
    /// The full documentation (Markdown), printed by `consentlint rule NAME`.
    pub docs: &'static str,
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;

    /// Called for every element in document order.
    fn check_element(&self, _ctx: &Context<'_>, _el: ElementRef<'_>, _out: &mut Vec<Finding>) {}

    /// Called once per file.
    fn check_document(&self, _ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

    /// Called once per email message (`.eml`) with its header block. `ctx.source` is the whole
    /// message file (header spans are file offsets: map them with `ctx.source.text_offset`),
    /// `ctx.doc` is empty and `ctx.kind` is the message's kind.
    fn check_headers(&self, _ctx: &Context<'_>, _msg: &crate::mime::Message, _out: &mut Vec<Finding>) {}
}

/// Every rule, in the order they are listed.
pub static RULES: &[&dyn Rule] = &[
    &pre_ticked_consent::PreTickedConsent,
    &bundled_consent::BundledConsent,
    &missing_privacy_link::MissingPrivacyLink,
    &missing_unsubscribe::MissingUnsubscribe,
    &missing_list_unsubscribe::MissingListUnsubscribe,
    &missing_postal_address::MissingPostalAddress,
    &implied_consent::ImpliedConsent,
    &forced_consent::ForcedConsent,
    &vague_consent::VagueConsent,
    &excessive_data::ExcessiveData,
    &insecure_form_action::InsecureFormAction,
    &missing_withdrawal_info::MissingWithdrawalInfo,
    &hidden_unsubscribe::HiddenUnsubscribe,
    &missing_sender_identity::MissingSenderIdentity,
    &missing_data_source_notice::MissingDataSourceNotice,
    &tracking_pixel::TrackingPixel,
    &incomplete_privacy_policy::IncompletePrivacyPolicy,
    &unused_suppression::UnusedSuppression,
];

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}

/// Build a finding with the rule's default severity.
pub(crate) fn finding(
    meta: &'static RuleMeta,
    span: std::ops::Range<usize>,
    message: String,
    label: &str,
    help: String,
) -> Finding {
    Finding {
        rule: meta.name,
        severity: meta.severity,
        message,
        span,
        label: label.to_string(),
        secondary: Vec::new(),
        help,
        fix: None,
        fingerprint: 0,
    }
}

/// Where a finding about a whole email points: its `<body>` (or `<mj-body>`, `<mjml>`,
/// `<html>`) start tag, else the first element written in the source.
pub(crate) fn email_anchor(ctx: &Context<'_>) -> std::ops::Range<usize> {
    if ctx.plain { ctx.first_line() } else { ctx.body_anchor() }
}

/// Why the file was treated as a (marketing) email, for a help text.
pub(crate) fn email_reasons(ctx: &Context<'_>) -> String {
    ctx.kind.reasons.iter().filter(|r| !r.contains("form")).cloned().collect::<Vec<_>>().join("; ")
}

/// Input type, lowercased ("text" when absent).
pub(crate) fn input_type(el: ElementRef<'_>) -> String {
    el.value().attr("type").map_or_else(|| "text".to_string(), |t| t.trim().to_ascii_lowercase())
}

#[cfg(test)]
pub(crate) mod testing {
    //! Quick tests next to each rule: lint a snippet with every rule, keep one rule's findings.
    use crate::lint::Linter;
    use crate::source::SourceFile;

    pub fn findings(rule: &str, path: &str, text: &str) -> Vec<(String, String)> {
        // The rule on even where the default profile turns it off (missing-postal-address).
        let linter = Linter::with_rule_on(&[rule]);
        let file = SourceFile::from_text(path, text);
        let report = linter.check(&file);
        report
            .findings
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.message.clone(), file.text[f.span.clone()].to_string()))
            .collect()
    }

    /// Each `fail` snippet gives at least one finding whose span reads `expect`; each `pass`
    /// snippet gives none.
    pub fn check(rule: &str, path: &str, fail: &[(&str, &str)], pass: &[&str]) {
        for (src, expect) in fail {
            let got = findings(rule, path, src);
            assert!(!got.is_empty(), "expected {rule} in:\n{src}");
            assert!(got.iter().any(|(_, span)| span == expect), "span {expect:?} not in {got:?} for:\n{src}");
        }
        for src in pass {
            let got = findings(rule, path, src);
            assert!(got.is_empty(), "unexpected {rule} {got:?} in:\n{src}");
        }
    }
}
