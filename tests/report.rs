//! Every output format once over a shared multi-rule fixture set, pinned by snapshots.

mod common;

use std::time::Duration;

use consentlint::lint::Linter;
use consentlint::report::{RunResult, human, json};

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
