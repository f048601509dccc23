//! Every output format once over a shared multi-rule fixture set, pinned by snapshots; machine
//! formats are also checked against their schemas (vendored in tests/schemas/, see its README)
//! and against what their consumers parse.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use consentlint::document::DocumentKind;
use consentlint::finding::{Finding, Label, Severity};
use consentlint::lint::Linter;
use consentlint::report::{
    CheckedFile, RunResult, checkstyle, concise, github, gitlab, human, json, jsonl, junit, markdown, sarif,
};
use consentlint::source::SourceFile;
use serde_json::Value;

const SET: &[&str] =
    &["tests/data/report/checkout.html", "tests/data/report/emails/newsletter.html", "tests/data/report/signup.hbs"];

fn run() -> RunResult {
    let linter = Linter::default();
    let files = SET.iter().map(|p| common::lint_file(&linter, std::path::Path::new(p))).collect();
    RunResult {
        files,
        errors: vec![("tests/data/report/missing.html".into(), "no such file or directory".into())],
        elapsed: Duration::ZERO,
    }
}

fn clean_run() -> RunResult {
    let source = SourceFile::from_text("clean.html", "<p>Nothing to see</p>\n");
    let file = CheckedFile { source, findings: vec![], kind: DocumentKind::default() };
    RunResult { files: vec![file], errors: vec![], elapsed: Duration::ZERO }
}

/// Text that every escaping rule must survive: table and property separators, Markdown, XML
/// and URI metacharacters, the runner's escape sequences themselves, CR LF and a control char.
const NASTY: &str = "a | b `c` ``d`` *e* _f_ [g](h) <i> & \"j\" 'k' 100% %0A %3A l:m, n; #o \\p\r\nq\u{1}r";
/// A path with a space, `,` `:` `%` `;` `|` `` ` `` `#` `?` and non-ASCII.
const NASTY_PATH: &str = "weird dir/a,b:c%d;e|f`g#h?ü.html";
const NASTY_TEXT: &str = "<p>Привет, 世界</p>\n<input type=\"checkbox\" name=\"x\" checked>\n<div\n  class=x>\n";

/// Findings written by hand (rules produce tame text): nasty messages, a span over two lines, a
/// warning, a rule outside RULES, and an absolute path.
fn nasty_run() -> RunResult {
    let source = SourceFile::from_text(NASTY_PATH, NASTY_TEXT);
    let at = |needle: &str| {
        let start = NASTY_TEXT.find(needle).unwrap();
        start..start + needle.len()
    };
    let first = Finding {
        rule: "pre-ticked-consent",
        severity: Severity::Error,
        message: NASTY.to_string(),
        span: at("checked"),
        label: format!("label {NASTY}"),
        secondary: vec![Label { span: at("世界"), message: format!("secondary {NASTY}") }],
        help: format!("help {NASTY}"),
        fix: None,
        fingerprint: 42,
    };
    let second = Finding {
        rule: "custom-rule",
        severity: Severity::Warning,
        message: "spans two lines".to_string(),
        span: at("<div\n  class=x>"),
        label: String::new(),
        secondary: vec![],
        help: "a help".to_string(),
        fix: None,
        fingerprint: 7,
    };
    let absolute = std::env::temp_dir().join("abs dir").join("x.html");
    let abs_source = SourceFile::from_text(absolute, NASTY_TEXT);
    let third = Finding { span: at("checked"), ..second.clone() };
    RunResult {
        files: vec![
            CheckedFile { source, findings: vec![first, second], kind: DocumentKind::default() },
            CheckedFile { source: abs_source, findings: vec![third], kind: DocumentKind::default() },
        ],
        errors: vec![(PathBuf::from("bad, file:1.html"), format!("cannot read {NASTY}"))],
        elapsed: Duration::ZERO,
    }
}

fn findings_count(r: &RunResult) -> usize {
    r.files.iter().map(|f| f.findings.len()).sum()
}

fn schema(name: &str) -> Value {
    let text = std::fs::read_to_string(common::root().join("tests/schemas").join(name)).expect("vendored schema");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// The vendored SARIF 2.1.0 schema with its one known erratum applied in memory: its `language`
/// pattern `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$` has a stray `]` and is not a valid
/// ECMA-262 regex, so a strict validator refuses to compile the schema. Later versions of the
/// schema (SARIF errata, Microsoft's sarif-sdk) write `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`. It
/// constrains `run.language` and `toolComponent.language` only, which consentlint does not write.
fn sarif_schema() -> Value {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const FIXED: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";
    let mut s = schema("sarif-schema-2.1.0.json");
    let mut fixed = 0;
    for def in ["run", "toolComponent"] {
        let pattern = &mut s["definitions"][def]["properties"]["language"]["pattern"];
        if pattern == BROKEN {
            *pattern = Value::from(FIXED);
            fixed += 1;
        }
    }
    assert_eq!(fixed, 2, "the vendored SARIF schema changed: revisit this erratum");
    s
}

/// Validate with JSON Schema draft-07, formats (`uri`, `uri-reference`, ...) asserted.
fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} is not valid:\n{}", errors.join("\n"));
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

// ---------------------------------------------------------------------------------------------
// human, json (unchanged)

#[test]
fn human_format() {
    let text = human::render(&run(), &human::Options { color: false, width: 100 });
    insta::assert_snapshot!(text);
}

#[test]
fn json_format() {
    let text = json::render(&run());
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["version"], 1);
    insta::assert_snapshot!(text);
}

#[test]
fn json_spans_reread_to_the_fault() {
    let text = json::render(&run());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for d in v["diagnostics"].as_array().unwrap() {
        let bytes = std::fs::read(common::root().join(d["path"].as_str().unwrap())).unwrap();
        let off = d["offset"].as_u64().unwrap() as usize;
        let len = d["length"].as_u64().unwrap() as usize;
        let slice = String::from_utf8_lossy(&bytes[off..off + len]);
        let ok = common::span_fits_rule(d["rule"].as_str().unwrap(), &slice);
        assert!(ok, "{} points at {slice:?}", d["rule"]);
    }
}

// ---------------------------------------------------------------------------------------------
// concise

#[test]
fn concise_format() {
    let r = run();
    let text = concise::render(&r);
    assert_eq!(text.lines().count(), findings_count(&r), "one line per finding and nothing else");
    let json: Value = serde_json::from_str(&json::render(&r)).unwrap();
    for (line, d) in text.lines().zip(json["diagnostics"].as_array().unwrap()) {
        let expected = format!(
            "{}:{}:{}: {} {}",
            d["path"].as_str().unwrap(),
            d["line"],
            d["column"],
            d["rule"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        );
        assert_eq!(line, expected);
    }
    insta::assert_snapshot!(text);
}

#[test]
fn concise_keeps_one_finding_per_line() {
    let r = nasty_run();
    let text = concise::render(&r);
    assert_eq!(text.lines().count(), findings_count(&r));
    assert!(text.starts_with(&format!("{NASTY_PATH}:2:33: pre-ticked-consent a | b")), "{text}");
    assert_eq!(concise::render(&clean_run()), "");
}

// ---------------------------------------------------------------------------------------------
// jsonl

#[test]
fn jsonl_format() {
    let r = run();
    let text = jsonl::render(&r);
    let json: Value = serde_json::from_str(&json::render(&r)).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(text.lines().count(), diagnostics.len());
    for (line, d) in text.lines().zip(diagnostics) {
        let v: Value = serde_json::from_str(line).expect("each line is one JSON value");
        assert_eq!(&v, d, "a jsonl line is exactly a json diagnostic");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn jsonl_escapes_line_breaks() {
    let r = nasty_run();
    let text = jsonl::render(&r);
    assert_eq!(text.lines().count(), findings_count(&r));
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["message"], NASTY);
    assert_eq!(first["path"], NASTY_PATH);
    assert_eq!(jsonl::render(&clean_run()), "");
}

// ---------------------------------------------------------------------------------------------
// SARIF

#[test]
fn sarif_format() {
    let r = run();
    let text = sarif::render(&r);
    let log: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_valid(&sarif_schema(), &log, "SARIF");

    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run0 = &runs[0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "consentlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run0["columnKind"], "unicodeCodePoints");

    // One descriptor per rule, in RULES order, with the rule's own metadata.
    let rules = driver["rules"].as_array().unwrap();
    for (i, rule) in consentlint::rules::RULES.iter().enumerate() {
        let meta = rule.meta();
        let d = &rules[i];
        assert_eq!(d["id"], meta.name);
        assert_eq!(d["shortDescription"]["text"], meta.summary);
        assert_eq!(d["help"]["markdown"], meta.docs.trim());
        let level = match meta.severity {
            Severity::Info => "note".to_string(),
            s => s.to_string(),
        };
        assert_eq!(d["defaultConfiguration"]["level"], level);
        let refs = consentlint::legal::Legal::builtin().for_rule(meta.name);
        if let Some(first) = refs.first() {
            assert_eq!(d["helpUri"], first.url.as_str());
        }
        let full = d["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && full.chars().count() <= 1024, "{}", meta.name);
        assert!(["very-high", "high", "medium", "low"].contains(&d["properties"]["precision"].as_str().unwrap()));
    }

    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), findings_count(&r));
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        let pl = &res["locations"][0]["physicalLocation"];
        assert_eq!(pl["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = pl["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains('\\') && !uri.starts_with('/') && !uri.starts_with("./"), "{uri}");
        // byteOffset/byteLength read back to the offending markup in the file itself.
        let bytes = std::fs::read(common::root().join(percent_decode(uri))).unwrap();
        let off = pl["region"]["byteOffset"].as_u64().unwrap() as usize;
        let len = pl["region"]["byteLength"].as_u64().unwrap() as usize;
        let slice = String::from_utf8_lossy(&bytes[off..off + len]);
        assert!(common::span_fits_rule(res["ruleId"].as_str().unwrap(), &slice), "{slice:?}");
        let region = &pl["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
        assert!(region["endLine"].as_u64() >= region["startLine"].as_u64());
        assert_eq!(res["partialFingerprints"]["consentlint/v1"].as_str().unwrap().len(), 16);
    }

    // The unreadable file: a notification, and the run did not fully succeed.
    let inv = &run0["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/data/report/missing.html"
    );

    // The rule docs are checked above; in the snapshot they are placeholders, so that editing
    // a rule's documentation does not change this snapshot. The rest is the output verbatim.
    let mut text = text.clone();
    for d in rules {
        let id = d["id"].as_str().unwrap();
        for (value, placeholder) in [
            (&d["help"]["markdown"], format!("[rules/{id}.md]")),
            (&d["fullDescription"]["markdown"], format!("[What it does, rules/{id}.md]")),
        ] {
            let encoded = serde_json::to_string(value).unwrap();
            assert!(text.contains(&encoded));
            text = text.replace(&encoded, &serde_json::to_string(&placeholder).unwrap());
        }
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_clean_run_is_valid_and_successful() {
    let log: Value = serde_json::from_str(&sarif::render(&clean_run())).unwrap();
    assert_valid(&sarif_schema(), &log, "SARIF of a clean run");
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_uris_and_odd_findings() {
    let r = nasty_run();
    let log: Value = serde_json::from_str(&sarif::render(&r)).unwrap();
    assert_valid(&sarif_schema(), &log, "SARIF with odd paths and messages");
    let run0 = &log["runs"][0];
    let results = run0["results"].as_array().unwrap();

    let loc = &results[0]["locations"][0]["physicalLocation"];
    let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
    assert_eq!(uri, "weird%20dir/a,b%3Ac%25d;e%7Cf%60g%23h%3F%C3%BC.html");
    assert_eq!(percent_decode(uri), NASTY_PATH);
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 33);
    assert_eq!(loc["region"]["endColumn"], 40);
    assert_eq!(loc["region"]["byteOffset"], NASTY_TEXT.find("checked").unwrap());
    assert_eq!(loc["region"]["byteLength"], 7);
    assert_eq!(results[0]["message"]["text"], NASTY);
    let related = &results[0]["relatedLocations"][0];
    assert_eq!(related["id"], 1);
    assert_eq!(related["physicalLocation"]["region"]["startColumn"], 12);
    assert_eq!(related["physicalLocation"]["region"]["endColumn"], 14);

    // A rule outside RULES gets a descriptor of its own.
    let idx = results[1]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run0["tool"]["driver"]["rules"][idx]["id"], "custom-rule");
    assert_eq!(results[1]["level"], "warning");

    // An absolute path is a file: URI without a base.
    let abs = &results[2]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(abs["uri"].as_str().unwrap().starts_with("file:///"), "{abs}");
    assert!(abs["uri"].as_str().unwrap().ends_with("/abs%20dir/x.html"), "{abs}");
    assert!(abs.get("uriBaseId").is_none());
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflow commands

/// The runner's parser for `::command props::data` (actions/runner ActionCommand.TryParseV2):
/// properties split on `,`, key and value on the first `=`, then unescaped.
fn parse_workflow_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let end = rest.find("::").expect("has a data separator");
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (command, props) = info.split_once(' ').unwrap_or((info, ""));
    let unescape_data = |s: &str| s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
    let unescape_property = |s: &str| {
        s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    };
    let props = props
        .trim()
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape_property(v))
        })
        .collect();
    (command.to_string(), props, unescape_data(data))
}

fn prop<'a>(props: &'a [(String, String)], key: &str) -> Option<&'a str> {
    props.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[test]
fn github_format() {
    let r = run();
    let text = github::render(&r);
    assert_eq!(text.lines().count(), findings_count(&r) + r.errors.len());
    let json: Value = serde_json::from_str(&json::render(&r)).unwrap();
    for (line, d) in text.lines().zip(json["diagnostics"].as_array().unwrap()) {
        let (command, props, data) = parse_workflow_command(line);
        let want = match d["severity"].as_str().unwrap() {
            "info" => "notice",
            s => s,
        };
        assert_eq!(command, want);
        assert_eq!(prop(&props, "file"), d["path"].as_str());
        assert_eq!(prop(&props, "line"), Some(d["line"].to_string().as_str()));
        assert_eq!(prop(&props, "col"), Some(d["column"].to_string().as_str()));
        assert_eq!(prop(&props, "endLine"), Some(d["end_line"].to_string().as_str()));
        assert_eq!(prop(&props, "endColumn"), Some(d["end_column"].to_string().as_str()));
        assert_eq!(prop(&props, "title"), d["rule"].as_str());
        assert!(data.starts_with(d["message"].as_str().unwrap()));
    }
    let (command, props, data) = parse_workflow_command(text.lines().last().unwrap());
    assert_eq!((command.as_str(), prop(&props, "file")), ("error", Some("tests/data/report/missing.html")));
    assert!(data.contains("no such file or directory"));
    insta::assert_snapshot!(text);
}

#[test]
fn github_escaping_round_trips_through_the_runner() {
    let r = nasty_run();
    let text = github::render(&r);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings_count(&r) + r.errors.len(), "escaped line breaks keep one command per line");

    let (command, props, data) = parse_workflow_command(lines[0]);
    assert_eq!(command, "error");
    assert_eq!(prop(&props, "file"), Some(NASTY_PATH));
    assert_eq!(prop(&props, "title"), Some("pre-ticked-consent"));
    assert_eq!(data, format!("{NASTY}\nhelp: help {NASTY}"));

    // Over two lines: no columns (GitHub only takes them on a single line).
    let (command, props, _) = parse_workflow_command(lines[1]);
    assert_eq!(command, "warning");
    assert_eq!((prop(&props, "line"), prop(&props, "endLine")), (Some("3"), Some("4")));
    assert_eq!((prop(&props, "col"), prop(&props, "endColumn")), (None, None));

    let (_, props, data) = parse_workflow_command(lines[3]);
    assert_eq!(prop(&props, "file"), Some("bad, file:1.html"));
    assert_eq!(data, format!("could not check this file: cannot read {NASTY}"));
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality

fn check_gitlab(r: &RunResult) -> Vec<Value> {
    let report: Value = serde_json::from_str(&gitlab::render(r)).expect("valid JSON");
    assert_valid(&schema("gitlab-codequality.schema.json"), &report, "GitLab Code Quality report");
    let issues = report.as_array().unwrap().clone();
    let mut fingerprints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "GitLab merges issues with equal fingerprints");
    issues
}

#[test]
fn gitlab_format() {
    let r = run();
    let issues = check_gitlab(&r);
    assert_eq!(issues.len(), findings_count(&r));
    // The same fingerprints as SARIF's partialFingerprints, in the same order.
    let log: Value = serde_json::from_str(&sarif::render(&r)).unwrap();
    let sarif_fps: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| &x["partialFingerprints"]["consentlint/v1"])
        .collect();
    let gitlab_fps: Vec<&Value> = issues.iter().map(|i| &i["fingerprint"]).collect();
    assert_eq!(sarif_fps, gitlab_fps);
    let text = gitlab::render(&r);
    insta::assert_snapshot!(text);
}

#[test]
fn gitlab_odd_paths_and_clean_run() {
    // GitLab wants paths relative to the repository: leave out the absolute one.
    let mut r = nasty_run();
    r.files.truncate(1);
    let issues = check_gitlab(&r);
    assert_eq!(issues[0]["location"]["path"], NASTY_PATH);
    assert_eq!(issues[0]["severity"], "major");
    assert_eq!(issues[1]["severity"], "minor");
    assert_eq!(issues[1]["location"]["lines"]["begin"], 3);
    assert_eq!(issues[1]["location"]["lines"]["end"], 4);
    assert_eq!(gitlab::render(&clean_run()), "[]\n");
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// A validator for the part of XML Schema that `junit-10.xsd` uses. Anything else in a schema
/// panics, so it never validates partly without saying so.
mod xsd {
    use std::collections::HashMap;

    use roxmltree::Node;

    const XS: &str = "http://www.w3.org/2001/XMLSchema";

    #[derive(Debug, Clone)]
    enum Type {
        String,
        Named(String),
        Complex(Box<Complex>),
    }

    #[derive(Debug, Clone)]
    struct Complex {
        mixed: bool,
        attributes: Vec<(String, Type, bool)>,
        content: Option<Particle>,
    }

    #[derive(Debug, Clone)]
    enum Term {
        /// Name, and the local type (None: a reference to the global element).
        Element(String, Option<Type>),
        Sequence(Vec<Particle>),
        Choice(Vec<Particle>),
    }

    #[derive(Debug, Clone)]
    struct Particle {
        term: Term,
        min: usize,
        max: Option<usize>,
    }

    pub struct Schema {
        elements: HashMap<String, Type>,
        complex: HashMap<String, Complex>,
        simple: HashMap<String, regex::Regex>,
    }

    fn xs<'a>(n: Node<'a, 'a>) -> impl Iterator<Item = Node<'a, 'a>> {
        n.children().filter(|c| c.is_element()).inspect(|c| {
            assert_eq!(c.tag_name().namespace(), Some(XS), "unsupported XSD node {:?}", c.tag_name());
        })
    }

    fn check_attrs(n: Node<'_, '_>, allowed: &[&str]) {
        for a in n.attributes() {
            assert!(allowed.contains(&a.name()), "unsupported XSD attribute {} on {}", a.name(), n.tag_name().name());
        }
    }

    fn type_ref(name: &str) -> Type {
        if name == "xs:string" { Type::String } else { Type::Named(name.to_string()) }
    }

    fn occurs(n: Node<'_, '_>) -> (usize, Option<usize>) {
        let min = n.attribute("minOccurs").map_or(1, |v| v.parse().unwrap());
        let max = match n.attribute("maxOccurs") {
            None => Some(1),
            Some("unbounded") => None,
            Some(v) => Some(v.parse().unwrap()),
        };
        (min, max)
    }

    fn element_type(n: Node<'_, '_>) -> Type {
        match (n.attribute("type"), xs(n).next()) {
            (Some(t), None) => type_ref(t),
            (None, Some(c)) if c.tag_name().name() == "complexType" => Type::Complex(Box::new(complex(c))),
            _ => panic!("unsupported element declaration {n:?}"),
        }
    }

    fn particle(n: Node<'_, '_>) -> Particle {
        let (min, max) = occurs(n);
        let term = match n.tag_name().name() {
            "element" => {
                check_attrs(n, &["name", "ref", "type", "minOccurs", "maxOccurs"]);
                match n.attribute("ref") {
                    Some(r) => Term::Element(r.to_string(), None),
                    None => Term::Element(n.attribute("name").unwrap().to_string(), Some(element_type(n))),
                }
            }
            "sequence" => {
                check_attrs(n, &["minOccurs", "maxOccurs"]);
                Term::Sequence(xs(n).map(particle).collect())
            }
            "choice" => {
                check_attrs(n, &["minOccurs", "maxOccurs"]);
                Term::Choice(xs(n).map(particle).collect())
            }
            other => panic!("unsupported XSD particle {other}"),
        };
        Particle { term, min, max }
    }

    fn complex(n: Node<'_, '_>) -> Complex {
        check_attrs(n, &["name", "mixed"]);
        let mut c = Complex { mixed: n.attribute("mixed") == Some("true"), attributes: vec![], content: None };
        for child in xs(n) {
            match child.tag_name().name() {
                "attribute" => {
                    check_attrs(child, &["name", "type", "use"]);
                    let required = match child.attribute("use") {
                        None | Some("optional") => false,
                        Some("required") => true,
                        Some(u) => panic!("unsupported use={u}"),
                    };
                    let ty = type_ref(child.attribute("type").unwrap_or("xs:string"));
                    c.attributes.push((child.attribute("name").unwrap().to_string(), ty, required));
                }
                "sequence" | "choice" => {
                    assert!(c.content.is_none(), "one content model per complex type");
                    c.content = Some(particle(child));
                }
                other => panic!("unsupported XSD construct {other} in complexType"),
            }
        }
        c
    }

    impl Schema {
        pub fn parse(text: &str) -> Schema {
            let doc = roxmltree::Document::parse(text).expect("XSD is XML");
            let root = doc.root_element();
            assert_eq!((root.tag_name().namespace(), root.tag_name().name()), (Some(XS), "schema"));
            let mut s = Schema { elements: HashMap::new(), complex: HashMap::new(), simple: HashMap::new() };
            for n in xs(root) {
                let name = n.attribute("name").expect("global declarations are named").to_string();
                match n.tag_name().name() {
                    "element" => {
                        check_attrs(n, &["name", "type"]);
                        s.elements.insert(name, element_type(n));
                    }
                    "complexType" => {
                        s.complex.insert(name, complex(n));
                    }
                    "simpleType" => {
                        let restriction = xs(n).next().expect("restriction");
                        assert_eq!(restriction.tag_name().name(), "restriction");
                        assert_eq!(restriction.attribute("base"), Some("xs:string"), "unsupported simple type base");
                        let facets: Vec<Node> = xs(restriction).collect();
                        assert!(facets.len() == 1 && facets[0].tag_name().name() == "pattern", "unsupported facets");
                        // XSD patterns match the whole value.
                        let re = format!("^(?:{})$", facets[0].attribute("value").unwrap());
                        s.simple.insert(name, regex::Regex::new(&re).unwrap());
                    }
                    other => panic!("unsupported global XSD construct {other}"),
                }
            }
            s
        }

        /// Every violation found in the document, as readable strings.
        pub fn validate(&self, doc: &roxmltree::Document<'_>) -> Vec<String> {
            let mut errors = Vec::new();
            let root = doc.root_element();
            match self.elements.get(root.tag_name().name()) {
                Some(t) => self.element(root, t, &mut errors),
                None => errors.push(format!("root <{}> is not declared", root.tag_name().name())),
            }
            errors
        }

        fn simple_ok(&self, t: &Type, value: &str) -> bool {
            match t {
                Type::String => true,
                Type::Named(n) => {
                    self.simple.get(n).unwrap_or_else(|| panic!("unknown simple type {n}")).is_match(value)
                }
                Type::Complex(_) => panic!("attribute of complex type"),
            }
        }

        fn element(&self, n: Node<'_, '_>, t: &Type, errors: &mut Vec<String>) {
            let name = n.tag_name().name();
            let complex = match t {
                Type::Complex(c) => c.as_ref(),
                Type::Named(tn) if self.complex.contains_key(tn) => &self.complex[tn],
                simple => {
                    if n.children().any(|c| c.is_element()) || n.attributes().len() > 0 {
                        errors.push(format!("<{name}> has a simple type: no child elements or attributes"));
                    }
                    if !self.simple_ok(simple, n.text().unwrap_or_default()) {
                        errors.push(format!("<{name}> text does not match its type"));
                    }
                    return;
                }
            };
            for a in n.attributes() {
                match complex.attributes.iter().find(|(an, _, _)| an == a.name()) {
                    None => errors.push(format!("<{name}> has undeclared attribute {}", a.name())),
                    Some((_, at, _)) if !self.simple_ok(at, a.value()) => {
                        errors.push(format!("<{name} {}={:?}> does not match its type", a.name(), a.value()))
                    }
                    Some(_) => {}
                }
            }
            for (an, _, required) in &complex.attributes {
                if *required && n.attribute(an.as_str()).is_none() {
                    errors.push(format!("<{name}> lacks required attribute {an}"));
                }
            }
            if !complex.mixed && n.children().any(|c| c.is_text() && !c.text().unwrap_or("").trim().is_empty()) {
                errors.push(format!("<{name}> is not mixed but has text"));
            }
            let children: Vec<Node> = n.children().filter(|c| c.is_element()).collect();
            let names: Vec<&str> = children.iter().map(|c| c.tag_name().name()).collect();
            let fits = match &complex.content {
                None => names.is_empty(),
                Some(p) => self.ends(p, &names, 0).contains(&names.len()),
            };
            if !fits {
                errors.push(format!("<{name}> children {names:?} do not fit its content model"));
                return;
            }
            let mut locals = HashMap::new();
            if let Some(p) = &complex.content {
                collect_elements(p, &mut locals);
            }
            for c in children {
                let cname = c.tag_name().name();
                let t = match locals.get(cname) {
                    Some(Some(t)) => t,
                    _ => match self.elements.get(cname) {
                        Some(t) => t,
                        None => {
                            errors.push(format!("<{cname}> is not declared"));
                            continue;
                        }
                    },
                };
                self.element(c, t, errors);
            }
        }

        /// Positions in `names` where a match of `p` starting at `start` can end.
        fn ends(&self, p: &Particle, names: &[&str], start: usize) -> Vec<usize> {
            let mut result = if p.min == 0 { vec![start] } else { vec![] };
            let mut frontier = vec![start];
            let mut count = 0;
            while !frontier.is_empty() && p.max.is_none_or(|m| count < m) && count <= names.len() {
                count += 1;
                let mut next: Vec<usize> = frontier.iter().flat_map(|&s| self.ends_once(&p.term, names, s)).collect();
                next.sort();
                next.dedup();
                if count >= p.min {
                    result.extend(next.iter().copied());
                }
                // Stop when a round consumes nothing new (an empty repeatable term).
                if next == frontier {
                    break;
                }
                frontier = next;
            }
            result.sort();
            result.dedup();
            result
        }

        fn ends_once(&self, term: &Term, names: &[&str], start: usize) -> Vec<usize> {
            match term {
                Term::Element(name, _) => {
                    if names.get(start) == Some(&name.as_str()) {
                        vec![start + 1]
                    } else {
                        vec![]
                    }
                }
                Term::Sequence(items) => items.iter().fold(vec![start], |acc, item| {
                    let mut v: Vec<usize> = acc.iter().flat_map(|&s| self.ends(item, names, s)).collect();
                    v.sort();
                    v.dedup();
                    v
                }),
                Term::Choice(items) => items.iter().flat_map(|item| self.ends(item, names, start)).collect(),
            }
        }
    }

    fn collect_elements(p: &Particle, out: &mut HashMap<String, Option<Type>>) {
        match &p.term {
            Term::Element(name, t) => {
                out.insert(name.clone(), t.clone());
            }
            Term::Sequence(items) | Term::Choice(items) => items.iter().for_each(|i| collect_elements(i, out)),
        }
    }
}

fn junit_schema() -> xsd::Schema {
    xsd::Schema::parse(&std::fs::read_to_string(common::root().join("tests/schemas/junit-10.xsd")).unwrap())
}

fn check_junit(text: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(text).expect("JUnit output is well-formed XML");
    let errors = junit_schema().validate(&doc);
    assert!(errors.is_empty(), "JUnit output is not valid against junit-10.xsd:\n{}", errors.join("\n"));
    doc
}

#[test]
fn junit_xsd_validator_rejects_what_it_should() {
    let schema = junit_schema();
    let bad = [
        "<testsuites><testcase name=\"x\"/></testsuites>",
        "<testsuites><testsuite name=\"a\" tests=\"1\" failures=\"0\"/></testsuites>",
        "<testsuites><testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"soon\"/></testsuites>",
        "<testsuites><testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\"><testcase/></testsuite></testsuites>",
        "<testsuites><testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\" colour=\"red\"/></testsuites>",
        "<testsuites>text</testsuites>",
        "<report/>",
    ];
    for b in bad {
        let doc = roxmltree::Document::parse(b).unwrap();
        assert!(!schema.validate(&doc).is_empty(), "accepted {b}");
    }
    let good = "<testsuites><testsuite name=\"a\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0.5\">\
                <testcase name=\"t\"><failure message=\"m\">text</failure><system-out>o</system-out></testcase>\
                </testsuite></testsuites>";
    let doc = roxmltree::Document::parse(good).unwrap();
    assert_eq!(schema.validate(&doc), Vec::<String>::new());
}

#[test]
fn junit_format() {
    let r = run();
    let text = junit::render(&r);
    let doc = check_junit(&text);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|c| c.has_tag_name("testsuite")).collect();
    assert_eq!(suites.len(), r.files.len() + r.errors.len());
    let failures = doc.descendants().filter(|n| n.has_tag_name("failure")).count();
    let infos = r.count(Severity::Info);
    assert!(infos > 0, "the shared set has an info finding");
    assert_eq!(failures, findings_count(&r) - infos, "info findings are not failures");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("system-out")).count(), infos);
    assert_eq!(root.attribute("failures"), Some(failures.to_string().as_str()));
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("error")).count(), r.errors.len());
    for s in &suites {
        let cases = s.children().filter(|c| c.has_tag_name("testcase")).count();
        assert_eq!(s.attribute("tests"), Some(cases.to_string().as_str()));
    }
    assert!(!text.contains("timestamp") && !text.contains("hostname"));
    insta::assert_snapshot!(text);
}

#[test]
fn junit_escapes_and_clean_run() {
    let r = nasty_run();
    let text = junit::render(&r);
    let doc = check_junit(&text);
    let failure = doc.descendants().find(|n| n.has_tag_name("failure")).unwrap();
    // XML cannot carry U+0001 at all; everything else arrives as written.
    assert_eq!(failure.attribute("message"), Some(NASTY.replace('\u{1}', "\u{fffd}").as_str()));
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
    assert_eq!(suite.attribute("name"), Some(NASTY_PATH));

    let clean = junit::render(&clean_run());
    let doc = check_junit(&clean);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("testcase")).count(), 1);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("failure")).count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Checkstyle

fn check_checkstyle(text: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(text).expect("Checkstyle output is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    assert!(root.attribute("version").is_some());
    for file in root.children().filter(|c| c.is_element()) {
        assert_eq!(file.tag_name().name(), "file");
        assert!(file.attribute("name").is_some_and(|n| !n.is_empty()));
        for e in file.children().filter(|c| c.is_element()) {
            assert_eq!(e.tag_name().name(), "error");
            for a in e.attributes() {
                assert!(["line", "column", "severity", "message", "source"].contains(&a.name()), "{}", a.name());
            }
            for pos in ["line", "column"] {
                if let Some(v) = e.attribute(pos) {
                    assert!(v.parse::<usize>().unwrap() >= 1);
                }
            }
            assert!(["error", "warning", "info", "ignore"].contains(&e.attribute("severity").unwrap()));
            assert!(e.attribute("message").is_some());
            assert!(e.attribute("source").unwrap().starts_with("consentlint."));
        }
    }
    doc
}

#[test]
fn checkstyle_format() {
    let r = run();
    let text = checkstyle::render(&r);
    let doc = check_checkstyle(&text);
    let files = doc.root_element().children().filter(|c| c.is_element()).count();
    assert_eq!(files, r.files.len() + r.errors.len());
    let errors: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("error")).collect();
    assert_eq!(errors.len(), findings_count(&r) + r.errors.len());
    insta::assert_snapshot!(text);
}

#[test]
fn checkstyle_escapes() {
    let text = checkstyle::render(&nasty_run());
    let doc = check_checkstyle(&text);
    let file = doc.root_element().first_element_child().unwrap();
    assert_eq!(file.attribute("name"), Some(NASTY_PATH));
    let e = file.first_element_child().unwrap();
    assert_eq!(e.attribute("message"), Some(NASTY.replace('\u{1}', "\u{fffd}").as_str()));
    assert_eq!(e.attribute("source"), Some("consentlint.pre-ticked-consent"));
    check_checkstyle(&checkstyle::render(&clean_run()));
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// Tables as GitHub would read them: rows of cells, each cell's text with code spans unwrapped.
fn markdown_tables(text: &str) -> Vec<Vec<Vec<String>>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut tables = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => rows.clear(),
            Event::Start(Tag::TableHead | Tag::TableRow) => cells.clear(),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => rows.push(std::mem::take(&mut cells)),
            Event::End(TagEnd::Table) => tables.push(std::mem::take(&mut rows)),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => cells.push(cell.take().unwrap()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) if cell.is_some() => panic!("HTML in a table cell"),
            _ => {}
        }
    }
    tables
}

#[test]
fn markdown_format() {
    let r = run();
    let text = markdown::render(&r);
    let tables = markdown_tables(&text);
    assert_eq!(tables.len(), 2, "findings and counts per rule");
    assert_eq!(tables[0][0], ["Location", "Rule", "Severity", "Message"]);
    assert_eq!(tables[0].len() - 1, findings_count(&r));
    let json: Value = serde_json::from_str(&json::render(&r)).unwrap();
    for (row, d) in tables[0][1..].iter().zip(json["diagnostics"].as_array().unwrap()) {
        assert_eq!(row[0], format!("{}:{}", d["path"].as_str().unwrap(), d["line"]));
        assert_eq!(row[1], d["rule"].as_str().unwrap());
        assert_eq!(row[2], d["severity"].as_str().unwrap());
        assert_eq!(row[3], d["message"].as_str().unwrap());
    }
    let counted: usize =
        tables[1][1..].iter().map(|row| row[1..=3].iter().map(|c| c.parse::<usize>().unwrap()).sum::<usize>()).sum();
    assert_eq!(counted, findings_count(&r));
    assert!(text.contains("### Files that could not be checked"));
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_escapes_pipes_and_backticks() {
    let r = nasty_run();
    let text = markdown::render(&r);
    let tables = markdown_tables(&text);
    let row = &tables[0][1];
    assert_eq!(row.len(), 4, "a `|` in a message or path must not split the cell: {row:?}");
    assert_eq!(row[0], format!("{NASTY_PATH}:2"));
    // Shown as written (line breaks become spaces).
    assert_eq!(row[3], NASTY.replace("\r\n", " "));
    assert_eq!(tables[1][1..].iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["pre-ticked-consent", "custom-rule"]);
}

#[test]
fn markdown_clean_run() {
    let text = markdown::render(&clean_run());
    assert!(text.contains("**No problems found** in 1 file."), "{text}");
    assert!(markdown_tables(&text).is_empty());
    insta::assert_snapshot!(text);
}

// ---------------------------------------------------------------------------------------------
// memory: the CLI keeps only the lines around findings; every format must not notice

/// The same run with each file's text reduced to the lines around its findings.
fn reduced(make: fn() -> RunResult) -> RunResult {
    let mut r = make();
    for f in &mut r.files {
        f.keep_finding_lines();
    }
    r
}

#[test]
fn every_format_is_the_same_from_the_lines_kept_around_findings() {
    use clap::ValueEnum;
    let opts = human::Options { color: false, width: 100 };
    for make in [run as fn() -> RunResult, nasty_run, clean_run, long_line_run] {
        let (whole, part) = (make(), reduced(make));
        assert!(part.files.iter().all(|f| f.source.text.is_empty()), "text was not dropped");
        for format in consentlint::report::Format::value_variants() {
            let a = consentlint::report::render(*format, &whole, &opts);
            let b = consentlint::report::render(*format, &part, &opts);
            assert_eq!(a, b, "{format:?} differs after keep_finding_lines");
        }
    }
}

/// A finding far down a file with a very long line (the compact excerpt path).
fn long_line_run() -> RunResult {
    let mut text = "<p>filler</p>\n".repeat(50);
    text.push_str(&"x".repeat(5000));
    text.push_str(r#"<input type="checkbox" name="newsletter" checked>"#);
    text.push_str(&"y".repeat(3000));
    text.push_str("\n<p>end</p>\n");
    let linter = Linter::default();
    let source = SourceFile::from_text("long.html", text);
    let report = linter.check(&source);
    assert!(!report.findings.is_empty());
    RunResult {
        files: vec![CheckedFile { source, findings: report.findings, kind: report.kind }],
        errors: vec![],
        elapsed: Duration::ZERO,
    }
}
