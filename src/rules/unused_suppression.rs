//! unused-suppression: a `consentlint-disable...` directive that names an unknown rule,
//! suppresses nothing, lacks a required reason, or is malformed. Findings come from the
//! suppression pass (`crate::suppress`), not from a check of the document.

use super::{Confidence, Rule, RuleMeta};
use crate::finding::Severity;

pub struct UnusedSuppression;

pub(crate) static META: RuleMeta = RuleMeta {
    name: crate::suppress::UNUSED_RULE,
    summary: "a suppression comment names an unknown rule, suppresses nothing, or gives no reason",
    severity: Severity::Warning,
    confidence: Confidence::High,
    languages: false,
    docs: include_str!("../../rules/unused-suppression.md"),
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
