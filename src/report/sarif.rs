//! `--format sarif`: one SARIF 2.1.0 log for GitHub code scanning and other SARIF consumers.
//!
//! - One run; `tool.driver.rules` lists every rule (metadata from `RuleMeta`, the rule's docs
//!   as help, legal references from `rules/legal.toml`), results point at them by `ruleId` and
//!   `ruleIndex`. Per rule: `name` in Pascal case, `shortDescription` = the summary,
//!   `fullDescription` = "What it does" (cut to GitHub's 1024-character limit), `help` = the whole
//!   docs (text and Markdown), `helpUri` = the first legal reference, `precision` high or medium
//!   (heuristic rules), `tags` privacy plus gdpr/eprivacy from the legal references and
//!   heuristic.
//! - Regions carry `startLine`/`startColumn`/`endLine`/`endColumn` (1-based, columns in Unicode
//!   code points as `run.columnKind` says, end exclusive as SARIF defines it) and
//!   `byteOffset`/`byteLength` in the file's own bytes. No `charOffset`: SARIF counts it in
//!   characters from the start of the file, which consentlint does not track.
//! - Artifact URIs are relative to `%SRCROOT%` (forward slashes, percent-encoded); absolute paths
//!   become `file:` URIs without a base.
//! - The primary location's message is the finding's label; each secondary label is a related
//!   location. `partialFingerprints["consentlint/v1"]` is `finding::file_fingerprints`.
//! - Levels: error → `error`, warning → `warning`, info → `note`.
//! - Files that could not be read are `toolExecutionNotifications` of level error, and then
//!   `executionSuccessful` is false.

use serde::Serialize;

use super::text::{path_uri, slash_path};
use super::{RunResult, locate};
use crate::finding::{Severity, file_fingerprints};
use crate::legal::Legal;
use crate::rules::{Confidence, RULES, RuleMeta};
use crate::source::SourceFile;

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where the tool is described: the crate's homepage or repository when Cargo.toml names one,
/// else its crates.io page.
const INFORMATION_URI: &str = {
    let home = env!("CARGO_PKG_HOMEPAGE");
    let repo = env!("CARGO_PKG_REPOSITORY");
    if !home.is_empty() {
        home
    } else if !repo.is_empty() {
        repo
    } else {
        "https://crates.io/crates/consentlint"
    }
};

/// GitHub truncates `fullDescription.text` past 1024 characters.
const FULL_DESCRIPTION_MAX: usize = 1000;

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<ResultObj>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Multiformat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Multiformat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Multiformat {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObj {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: PartialFingerprints,
}

#[derive(Serialize)]
struct PartialFingerprints {
    #[serde(rename = "consentlint/v1")]
    v1: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn artifact_location(path: &std::path::Path) -> ArtifactLocation {
    let (uri, relative) = path_uri(path);
    ArtifactLocation { uri, uri_base_id: relative.then_some("%SRCROOT%") }
}

fn physical_location(source: &SourceFile, span: &std::ops::Range<usize>) -> PhysicalLocation {
    let loc = locate(source, span);
    PhysicalLocation {
        artifact_location: artifact_location(&source.path),
        region: Some(Region {
            start_line: loc.start.line,
            start_column: loc.start.column,
            end_line: loc.end.line,
            end_column: loc.end.column,
            byte_offset: loc.offset,
            byte_length: loc.length,
        }),
    }
}

/// `pre-ticked-consent` -> `PreTickedConsent`: SARIF suggests a Pascal-case `name` beside the id.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// The body of a `## heading` section of a rule's docs.
fn section<'a>(docs: &'a str, heading: &str) -> Option<&'a str> {
    let start = docs.find(&format!("\n## {heading}\n"))? + heading.len() + 5;
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// "What it does", whole paragraphs up to GitHub's limit (at least the first, cut if need be).
fn full_description(docs: &str) -> Option<String> {
    let body = section(docs, "What it does")?;
    let mut out = String::new();
    for para in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let sep = if out.is_empty() { 0 } else { 2 };
        if out.chars().count() + sep + para.chars().count() > FULL_DESCRIPTION_MAX {
            if out.is_empty() {
                out = para.chars().take(FULL_DESCRIPTION_MAX - 1).collect::<String>() + "…";
            }
            break;
        }
        if sep > 0 {
            out.push_str("\n\n");
        }
        out.push_str(para);
    }
    (!out.is_empty()).then_some(out)
}

fn descriptor(meta: &RuleMeta, legal: &Legal) -> ReportingDescriptor {
    let refs = legal.for_rule(meta.name);
    let mut tags = vec!["privacy"];
    for r in &refs {
        for (prefix, tag) in [("gdpr-", "gdpr"), ("eprivacy-", "eprivacy")] {
            if r.id.starts_with(prefix) && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    let precision = match meta.confidence {
        Confidence::High => "high",
        Confidence::Heuristic => {
            tags.push("heuristic");
            "medium"
        }
    };
    let full = full_description(meta.docs);
    ReportingDescriptor {
        id: meta.name.to_string(),
        name: pascal_case(meta.name),
        short_description: Message { text: meta.summary.to_string() },
        full_description: full.map(|f| Multiformat { text: f.clone(), markdown: f }),
        help: Some(Multiformat { text: meta.docs.trim().to_string(), markdown: meta.docs.trim().to_string() }),
        help_uri: refs.first().map(|r| r.url.clone()),
        default_configuration: Configuration { level: level(meta.severity) },
        properties: RuleProperties { tags, precision },
    }
}

pub fn render(result: &RunResult) -> String {
    let legal = Legal::builtin();
    let mut rules: Vec<ReportingDescriptor> = RULES.iter().map(|r| descriptor(r.meta(), legal)).collect();

    let mut results = Vec::new();
    for file in &result.files {
        let path = slash_path(&file.source.path);
        let fingerprints = file_fingerprints(&path, &file.findings);
        for (f, fingerprint) in file.findings.iter().zip(fingerprints) {
            // A finding of a rule outside RULES still gets a descriptor, so ruleIndex is valid.
            let index = match rules.iter().position(|d| d.id == f.rule) {
                Some(i) => i,
                None => {
                    rules.push(ReportingDescriptor {
                        id: f.rule.to_string(),
                        name: pascal_case(f.rule),
                        short_description: Message { text: f.rule.to_string() },
                        full_description: None,
                        help: None,
                        help_uri: None,
                        default_configuration: Configuration { level: level(f.severity) },
                        properties: RuleProperties { tags: vec!["privacy"], precision: "high" },
                    });
                    rules.len() - 1
                }
            };
            let primary = Location {
                id: None,
                physical_location: physical_location(&file.source, &f.span),
                message: (!f.label.is_empty()).then(|| Message { text: f.label.clone() }),
            };
            results.push(ResultObj {
                rule_id: f.rule.to_string(),
                rule_index: Some(index),
                level: level(f.severity),
                message: Message { text: f.message.clone() },
                locations: vec![primary],
                related_locations: f
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Location {
                        id: Some(i + 1),
                        physical_location: physical_location(&file.source, &l.span),
                        message: Some(Message { text: l.message.clone() }),
                    })
                    .collect(),
                partial_fingerprints: PartialFingerprints { v1: fingerprint },
            });
        }
    }

    let notifications: Vec<Notification> = result
        .errors
        .iter()
        .map(|(path, reason)| Notification {
            level: "error",
            message: Message { text: format!("could not check this file: {reason}") },
            locations: vec![Location {
                id: None,
                physical_location: PhysicalLocation { artifact_location: artifact_location(path), region: None },
                message: None,
            }],
        })
        .collect();

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "consentlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
