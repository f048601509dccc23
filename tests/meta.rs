//! Checks on the rules themselves: unique names, documentation with the fixed headings whose
//! examples behave as documented, fixtures for every rule and language.

mod common;

use std::collections::BTreeSet;

use consentlint::lint::Linter;
use consentlint::rules::RULES;
use consentlint::source::SourceFile;

/// Rules that every supported language must be proven on: fail and pass fixtures in each.
const EVERY_LANGUAGE: &[&str] =
    &["pre-ticked-consent", "bundled-consent", "missing-privacy-link", "missing-unsubscribe"];
/// Other rules that read language need fixtures in at least this many languages, English and
/// one language not written in Latin script among them.
const MIN_LANGUAGES: usize = 5;
const NON_LATIN: &[&str] = &["bg", "el", "ru", "uk", "zh", "ja", "ko"];
const HEADINGS: &[&str] = &[
    "## What it does", "## Why it matters", "## Examples that fail", "## Examples that pass", "## How to fix",
    "## Known limitations",
];

#[test]
fn rule_names_are_unique_kebab_case() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        let n = r.meta().name;
        assert!(seen.insert(n), "duplicate rule {n}");
        assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{n} is not kebab-case");
        assert!(!r.meta().summary.ends_with('.'));
    }
}

#[test]
fn docs_have_the_fixed_headings_in_order() {
    for r in RULES {
        let m = r.meta();
        assert!(m.docs.starts_with(&format!("# {}\n", m.name)), "{}: first line", m.name);
        let mut at = 0;
        for h in HEADINGS {
            let pos = m.docs[at..]
                .find(&format!("\n{h}\n"))
                .unwrap_or_else(|| panic!("{}: missing or misplaced {h}", m.name));
            at += pos + 1;
        }
    }
}

/// Fenced ```html, ```eml and ```text blocks between one heading and the next, each with the
/// file name it is checked as (`text` blocks as a plain-text template under emails/).
fn examples(doc: &str, heading: &str) -> Vec<(&'static str, String)> {
    let start = doc.find(&format!("\n{heading}\n")).expect("heading") + heading.len() + 2;
    let end = doc[start..].find("\n## ").map_or(doc.len(), |e| start + e);
    let section = &doc[start..end];
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(p) = rest.find("```") {
        let after = &rest[p + 3..];
        let line_end = after.find('\n').expect("fence line");
        let path = match &after[..line_end] {
            "html" => "example.html",
            "eml" => "example.eml",
            "text" => "emails/example.txt",
            _ => {
                rest = &after[line_end..];
                continue;
            }
        };
        let body = &after[line_end + 1..];
        let close = body.find("\n```").expect("closing fence");
        out.push((path, body[..close].to_string()));
        rest = &body[close + 4..];
    }
    out
}

#[test]
fn doc_examples_behave_as_documented() {
    for r in RULES {
        let m = r.meta();
        // On even if the default profile turns it off.
        let linter = Linter::with_rule_on(&[m.name]);
        let fail = examples(m.docs, "## Examples that fail");
        let pass = examples(m.docs, "## Examples that pass");
        assert!(fail.len() >= 2, "{}: needs failing examples", m.name);
        assert!(pass.len() >= 2, "{}: needs passing examples", m.name);
        for (path, ex) in &fail {
            let report = linter.check(&SourceFile::from_text(*path, ex.as_str()));
            assert!(
                report.findings.iter().any(|f| f.rule == m.name),
                "{}: failing example gives no finding:\n{ex}",
                m.name
            );
        }
        for (path, ex) in &pass {
            let report = linter.check(&SourceFile::from_text(*path, ex.as_str()));
            let own: Vec<_> = report.findings.iter().filter(|f| f.rule == m.name).collect();
            assert!(own.is_empty(), "{}: passing example gives {own:?}:\n{ex}", m.name);
        }
    }
}

#[test]
fn every_rule_has_fail_and_pass_fixtures_in_its_languages() {
    let files = common::files_under("fixtures");
    let all: Vec<&str> = consentlint::vocab::BUILTIN.iter().map(|(lang, _)| *lang).collect();
    let mut missing = Vec::new();
    for r in RULES {
        let name = r.meta().name;
        // Languages with both a failing and a passing fixture.
        let covered: BTreeSet<&str> = all
            .iter()
            .copied()
            .filter(|lang| {
                ["fail", "pass"].iter().all(|kind| {
                    let prefix = format!("fixtures/{name}/{kind}/{lang}-");
                    files.iter().any(|f| f.to_string_lossy().starts_with(&prefix))
                })
            })
            .collect();
        if !covered.contains("en") {
            missing.push(format!("{name}: en"));
        }
        if EVERY_LANGUAGE.contains(&name) {
            missing.extend(all.iter().filter(|l| !covered.contains(**l)).map(|l| format!("{name}: {l}")));
        } else if r.meta().languages {
            if covered.len() < MIN_LANGUAGES {
                missing.push(format!("{name}: only {covered:?}, need {MIN_LANGUAGES} languages"));
            }
            if !covered.iter().any(|l| NON_LATIN.contains(l)) {
                missing.push(format!("{name}: no language in non-Latin script ({NON_LATIN:?})"));
            }
        }
    }
    assert!(missing.is_empty(), "missing fail+pass fixtures: {missing:#?}");
}

#[test]
fn no_orphan_fixture_directories() {
    let names: BTreeSet<&str> = RULES.iter().map(|r| r.meta().name).collect();
    for f in common::files_under("fixtures") {
        let rule = f.components().nth(1).unwrap().as_os_str().to_string_lossy().to_string();
        assert!(names.contains(rule.as_str()), "{} is not under a rule's directory", f.display());
    }
}

/// Every rule has an explicit setting, with its legal basis, in every profile; no profile names
/// a rule that does not exist; `strict` has every rule on at the strictest level of any profile.
#[test]
fn every_rule_is_in_every_profile() {
    use consentlint::config::Level;
    let profiles = consentlint::profile::builtin();
    let mut problems = Vec::new();
    for p in profiles {
        for r in RULES {
            let name = r.meta().name;
            match p.rules.get(name) {
                None => problems.push(format!(
                    "profile `{}` does not list `{name}`: add under [{}.rules] in rules/profiles.toml:\n    \
                     {name} = {{ level = \"off|info|warn|error\", basis = \"the legal source of this setting\" }}\n  \
                     and the same line, with its level and source, to the README's profile table",
                    p.name, p.name
                )),
                Some(s) if s.basis.trim().is_empty() => {
                    problems.push(format!("profile `{}`: `{name}` has an empty basis", p.name));
                }
                Some(_) => {}
            }
        }
        for name in p.rules.keys() {
            if consentlint::rules::find(name).is_none() {
                problems.push(format!(
                    "profile `{}` lists `{name}`, which is not a rule: remove it or fix the name",
                    p.name
                ));
            }
        }
    }
    let strict = consentlint::profile::find("strict").expect("a strict profile");
    for r in RULES {
        let name = r.meta().name;
        let Some(s) = strict.level(name) else { continue };
        let max = profiles.iter().filter_map(|p| p.level(name)).max().unwrap_or(Level::Off);
        if s == Level::Off || s < max {
            problems.push(format!(
                "profile `strict` gives `{name}` level {}, but it must be on and at least {} (the strictest of the others)",
                s.as_str(),
                max.as_str()
            ));
        }
    }
    assert!(problems.is_empty(), "rules/profiles.toml:\n  {}", problems.join("\n  "));
}
