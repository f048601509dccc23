//! Every fixture: the (line, rule) pairs reported must equal the `expect:` markers in the file
//! (pass fixtures: none at all); and one snapshot per fail fixture with only its rule enabled.

mod common;

use std::path::Path;

use common::{expectations, files_under, lint_file, single};
use consentlint::lint::Linter;
use consentlint::report::human;

fn actual(linter: &Linter, rel: &Path) -> Vec<(usize, String)> {
    let file = lint_file(linter, rel);
    let mut v: Vec<(usize, String)> =
        file.findings.iter().map(|f| (file.source.line_col(f.span.start).line, f.rule.to_string())).collect();
    v.sort();
    v
}

#[test]
fn fixtures_report_exactly_their_expectations() {
    let files = files_under("fixtures");
    assert!(files.len() > 50, "fixtures missing: {}", files.len());
    let mut failures = Vec::new();
    for rel in &files {
        // The default profile, with the fixture's own rule on even where the profile turns it off.
        let own = rel.components().nth(1).map(|c| c.as_os_str().to_string_lossy().to_string()).unwrap_or_default();
        let linter = Linter::with_rule_on(&[own.as_str()]);
        let text = String::from_utf8_lossy(&std::fs::read(common::root().join(rel)).unwrap()).into_owned();
        let want = expectations(&text);
        let got = actual(&linter, rel);
        let is_pass = rel.components().any(|c| c.as_os_str() == "pass");
        if is_pass && !want.is_empty() {
            failures.push(format!("{}: pass fixture has expect markers", rel.display()));
        }
        if !is_pass && !want.iter().any(|(_, r)| *r == own) {
            failures.push(format!("{}: fail fixture expects no {own}", rel.display()));
        }
        if want != got {
            failures.push(format!("{}:\n  expected {want:?}\n  reported {got:?}", rel.display()));
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn fail_fixture_snapshots() {
    for rel in files_under("fixtures") {
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if parts.get(2).map(String::as_str) != Some("fail") {
            continue;
        }
        let rule = &parts[1];
        let linter = Linter::with_rules(&[rule.as_str()]);
        let file = lint_file(&linter, &rel);
        let text = human::render(&single(file), &human::Options { color: false, width: 100 });
        let name = format!("{}__{}", rule, parts[3..].join("__"));
        insta::with_settings!({ snapshot_path => "snapshots/fixtures", prepend_module_to_snapshot => false, omit_expression => true, description => rel.display().to_string() }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn no_orphaned_snapshots() {
    // Every fixture snapshot belongs to a fail fixture that still exists (like
    // `cargo insta test --unreferenced reject`, without needing cargo-insta).
    let expected: Vec<String> = files_under("fixtures")
        .iter()
        .filter_map(|rel| {
            let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            (parts.get(2).map(String::as_str) == Some("fail"))
                .then(|| format!("{}__{}.snap", parts[1], parts[3..].join("__")))
        })
        .collect();
    let mut orphans = Vec::new();
    for snap in files_under("tests/snapshots/fixtures") {
        let name = snap.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".snap") && !expected.contains(&name) {
            orphans.push(name);
        }
    }
    assert!(orphans.is_empty(), "snapshots without a fixture (delete them): {orphans:?}");
}

/// The binary over the whole fixtures directory: the JSON output is pinned (every rule, path,
/// line, column, offset and length), and every span re-reads to the thing at fault in the
/// file's own bytes.
#[test]
fn binary_json_over_all_fixtures() {
    let out = assert_cmd::Command::cargo_bin("consentlint")
        .unwrap()
        .current_dir(common::root())
        .args(["check", "fixtures", "--format", "json", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "fail fixtures must exit 1");
    let text = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for d in v["diagnostics"].as_array().unwrap() {
        let bytes = std::fs::read(common::root().join(d["path"].as_str().unwrap())).unwrap();
        let off = d["offset"].as_u64().unwrap() as usize;
        let len = d["length"].as_u64().unwrap() as usize;
        let slice = String::from_utf8_lossy(&bytes[off..off + len]).to_lowercase();
        let ok = common::span_fits_rule(d["rule"].as_str().unwrap(), &slice);
        assert!(ok, "{}:{} {} points at {slice:?}", d["path"], d["line"], d["rule"]);
    }
    insta::assert_snapshot!("binary_json_over_all_fixtures", text);
}
