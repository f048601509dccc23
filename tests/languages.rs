//! Language handling proven on the fixtures: each file's language is the one its name says (or
//! undecided), and emails are classified as marketing or transactional in every language.

mod common;

use std::path::Path;

use consentlint::document::EmailKind;
use consentlint::lint::Linter;
use consentlint::vocab::{BUILTIN, Vocabulary};

/// The language prefix of a fixture file name ("zh-tw-x.html" → "zh").
fn prefix_language(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    let tag = name.split('-').next()?;
    BUILTIN.iter().map(|(l, _)| *l).find(|l| *l == tag)
}

#[test]
fn fixtures_are_read_in_their_own_language() {
    let linter = Linter::default();
    let (mut by_attribute, mut detected, mut undecided) = (0, 0, 0);
    let mut wrong = Vec::new();
    for rel in common::files_under("fixtures") {
        let Some(lang) = prefix_language(&rel) else { continue };
        let file = common::lint_file(&linter, &rel);
        let l = &file.kind.language;
        match l.code.as_deref() {
            None => undecided += 1,
            Some(c) if c != lang => wrong.push(format!("{}: {c} ({})", rel.display(), l.why)),
            Some(_) if l.why.starts_with("lang attribute") => by_attribute += 1,
            Some(_) => detected += 1,
        }
    }
    assert!(wrong.is_empty(), "fixtures read in the wrong language:\n{}", wrong.join("\n"));
    // Template partials carry no `lang`: most must still be recognised from their words.
    assert!(detected >= 40, "only {detected} fixtures detected ({by_attribute} by attribute, {undecided} undecided)");
    assert!(undecided * 10 <= by_attribute + detected, "{undecided} undecided");
}

/// A newsletter (with and without an unsubscribe link) and an order confirmation per language.
const EMAILS: &[(&str, &str, &str)] = &[
    ("no", "nyhetsbrev-varsalg", "ordrebekreftelse.html"),
    ("is", "frettabref-tilbod", "pontunarstadfesting.html"),
    ("et", "uudiskiri-kampaania", "tellimuse-kinnitus.liquid"),
    ("lv", "jaunumi-atlaide", "pasutijuma-apstiprinajums.html"),
    ("lt", "naujienlaiskis-akcija", "uzsakymo-patvirtinimas.html"),
    ("sk", "newsletter-vypredaj", "potvrdenie-objednavky.liquid"),
    ("hr", "newsletter-ponuda", "potvrda-narudzbe.html"),
    ("sl", "e-novice-ponudba", "potrditev-narocila.html"),
    ("bg", "byuletin-promotsiya", "potvarzhdenie-porachka.liquid"),
    ("uk", "rozsylka-znyzhky", "pidtverdzhennia-zamovlennia.html"),
    ("hu", "hirlevel-akcio", "rendeles-visszaigazolas.html"),
    ("ro", "newsletter-reduceri", "confirmare-comanda.liquid"),
    ("el", "newsletter-prosfores", "epivevaiosi-paraggelias.html"),
    ("ga", "nuachtlitir-tairiscint", "deimhniu-ordaithe.html"),
    ("mt", "newsletter-offerti", "konferma-tal-ordni.liquid"),
    ("tr", "bulten-kampanya", "siparis-onayi.html"),
    ("ja", "merumaga-shincha", "chumon-kakunin.html"),
    ("ko", "nyuseuleter-teukga", "jumun-hwagin.liquid"),
];

#[test]
fn newsletters_and_order_confirmations_in_every_language() {
    let linter = Linter::default();
    let dir = Path::new("fixtures/missing-unsubscribe");
    let mut wrong = Vec::new();
    for (lang, newsletter, order) in EMAILS {
        let ext = if dir.join(format!("fail/{lang}-{newsletter}.hbs")).exists() { "hbs" } else { "html" };
        for (rel, want) in [
            (dir.join(format!("fail/{lang}-{newsletter}.{ext}")), EmailKind::Marketing),
            (dir.join(format!("pass/{lang}-{newsletter}.{ext}")), EmailKind::Marketing),
            (dir.join(format!("pass/{lang}-{order}")), EmailKind::Transactional),
        ] {
            let file = common::lint_file(&linter, &rel);
            if file.kind.email != Some(want) {
                wrong.push(format!(
                    "{}: {:?}, want {want:?} ({})",
                    rel.display(),
                    file.kind.email,
                    file.kind.reasons.join("; ")
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every builtin language has a row here or is one of the languages with older fixtures.
    let older = ["en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "fi", "cs", "ru", "zh"];
    for (lang, _) in BUILTIN {
        assert!(older.contains(lang) || EMAILS.iter().any(|(l, _, _)| l == lang), "{lang} has no email fixtures here");
    }
}

/// What the vocabulary costs: its pattern count and how long the automaton takes to build
/// (printed with `cargo test --test languages -- --nocapture`).
#[test]
#[allow(clippy::print_stderr, reason = "the figures are this test's output")]
fn vocabulary_size_and_build_time() {
    let files: Vec<_> = BUILTIN.iter().map(|(n, t)| consentlint::vocab::parse_file(n, t).unwrap()).collect();
    let patterns: usize = files.iter().map(|f| f.words.values().map(Vec::len).sum::<usize>()).sum();
    let start = std::time::Instant::now();
    let v = Vocabulary::build(&files).unwrap();
    let took = start.elapsed();
    eprintln!("{} languages, {patterns} patterns, automaton built in {took:?} (debug build)", v.languages().len());
    assert_eq!(v.languages().len(), BUILTIN.len());
}
