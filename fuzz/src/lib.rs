//! The pipeline the fuzz targets run, and the invariants it must keep.
//!
//! Shared by `fuzz_targets/*.rs` (as the `consentlint_fuzz` library) and by
//! `tests/fuzz_regressions.rs` (which includes this file with `#[path]`), so a crash the fuzzer
//! finds is replayed by `cargo test` through exactly the same code. Keep it free of crate-level
//! attributes and of anything the main crate's dev-dependencies do not have.
//!
//! One input: bytes → `SourceFile::decode` → `Linter::default().check` → every reporter
//! (`report::render` for every `Format`) on a `RunResult` of that one file. Any panic, or any
//! broken invariant (an `assert!` here), is a bug.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use clap::ValueEnum;
use consentlint::finding::Finding;
use consentlint::lint::Linter;
use consentlint::report::{self, CheckedFile, Format, RunResult, human};
use consentlint::rules::RULES;
use consentlint::source::SourceFile;

/// Paths a fuzz input is checked under: the path decides the document kind (page or email,
/// template language), so inputs are spread over these.
pub const PATHS: &[&str] = &[
    "form.html",
    "emails/newsletter.html",
    "emails/transactional/receipt.html",
    "templates/signup.hbs",
    "templates/page.html.twig",
    "marketing/promo.mjml",
    "mail/welcome.blade.php",
    "weird dir/a,b:c%d;e|f`g#h?ü.liquid",
    "mail/offer.eml",
    "emails/digest.txt",
    "app/views/user_mailer/welcome.text.erb",
    "views/signup.ejs",
    "web/page.gohtml",
];

/// The path for a `lint_all` input: a hash of its bytes picks one of `PATHS`, so every byte of
/// the input is file content and seed files keep their meaning.
pub fn path_for(bytes: &[u8]) -> &'static str {
    let h = consentlint::finding::stable_hash(&[bytes]);
    PATHS[(h % PATHS.len() as u64) as usize]
}

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(Linter::default)
}

/// What a format's output must be.
enum Shape {
    /// One JSON document.
    Json,
    /// One JSON document per finding, one per line.
    JsonLines,
    /// A well-formed XML document.
    Xml,
    /// One `path:line:col: rule message` line per finding.
    Concise,
    /// One GitHub workflow command per finding.
    Github,
    /// Free text.
    Text,
}

fn shape(format: Format) -> Shape {
    // Exhaustive on purpose: a new format must say what its output is.
    match format {
        Format::Json | Format::Sarif | Format::Gitlab => Shape::Json,
        Format::Jsonl => Shape::JsonLines,
        Format::Junit | Format::Checkstyle => Shape::Xml,
        Format::Concise => Shape::Concise,
        Format::Github => Shape::Github,
        Format::Human | Format::Markdown => Shape::Text,
    }
}

/// Run the whole pipeline on `bytes` checked as `path`, asserting every invariant. Returns the
/// number of findings (for the regression test's report).
pub fn run(path: &str, bytes: &[u8]) -> usize {
    let source = SourceFile::decode(PathBuf::from(path), bytes.to_vec());
    if let Ok(text) = std::str::from_utf8(bytes) {
        assert_eq!(source.text, text, "valid UTF-8 must decode to itself, byte for byte");
    }
    let report = linter().check(&source);
    for f in &report.findings {
        check_finding(&source, bytes.len(), f);
    }
    let n = report.findings.len();
    let result = RunResult {
        files: vec![CheckedFile { source, findings: report.findings, kind: report.kind }],
        errors: vec![],
        elapsed: Duration::ZERO,
    };
    // The CLI keeps only the lines around findings for reporting: every format must render
    // the same from them.
    let mut reduced = RunResult {
        files: vec![CheckedFile {
            source: SourceFile::decode(PathBuf::from(path), bytes.to_vec()),
            findings: result.files[0].findings.clone(),
            kind: result.files[0].kind.clone(),
        }],
        errors: vec![],
        elapsed: Duration::ZERO,
    };
    reduced.files[0].keep_finding_lines();
    for &format in Format::value_variants() {
        for color in [false, true] {
            if color && format != Format::Human {
                continue;
            }
            let opts = human::Options { color, width: 80 };
            let out = report::render(format, &result, &opts);
            check_output(format, &out, n, bytes.len());
            assert_eq!(out, report::render(format, &reduced, &opts), "{format:?} differs from the kept lines");
        }
    }
    n
}

/// A finding's spans are inside the text, on character boundaries, and map to file offsets
/// inside the file and to 1-based lines and columns.
pub fn check_finding(source: &SourceFile, file_len: usize, f: &Finding) {
    assert!(RULES.iter().any(|r| r.meta().name == f.rule), "finding of unknown rule {:?}", f.rule);
    check_span(source, file_len, &f.span, f.rule);
    for l in &f.secondary {
        check_span(source, file_len, &l.span, f.rule);
    }
}

pub fn check_span(source: &SourceFile, file_len: usize, span: &std::ops::Range<usize>, rule: &str) {
    let text = &source.text;
    assert!(span.start <= span.end, "{rule}: span {span:?} runs backwards");
    assert!(span.end <= text.len(), "{rule}: span {span:?} ends past the text ({} bytes)", text.len());
    assert!(text.is_char_boundary(span.start), "{rule}: span {span:?} starts inside a character");
    assert!(text.is_char_boundary(span.end), "{rule}: span {span:?} ends inside a character");
    let (fs, fe) = (source.file_offset(span.start), source.file_offset(span.end));
    assert!(fe <= file_len, "{rule}: span {span:?} ends at file offset {fe}, past the file ({file_len} bytes)");
    assert!(fs <= fe, "{rule}: span {span:?} maps to file offsets {fs}..{fe}, backwards");
    let (a, b) = (source.line_col(span.start), source.line_col(span.end));
    assert!(a.line >= 1 && a.column >= 1, "{rule}: span {span:?} starts at {a:?}");
    assert!(b.line >= 1 && b.column >= 1, "{rule}: span {span:?} ends at {b:?}");
    assert!(a <= b, "{rule}: span {span:?} starts at {a:?} after its end {b:?}");
    let loc = report::locate(source, span);
    assert!(loc.offset + loc.length <= file_len, "{rule}: located past the file: {}+{}", loc.offset, loc.length);
}

/// A reporter's output has the shape its format promises.
pub fn check_output(format: Format, out: &str, findings: usize, file_len: usize) {
    let lines = || out.split('\n').filter(|l| !l.is_empty());
    match shape(format) {
        Shape::Json => {
            let v: serde_json::Value = match serde_json::from_str(out) {
                Ok(v) => v,
                Err(e) => panic!("{format:?} output is not JSON ({e}):\n{out}"),
            };
            let items = match format {
                Format::Json => &v["diagnostics"],
                Format::Sarif => &v["runs"][0]["results"],
                _ => &v,
            };
            let items = items.as_array().unwrap_or_else(|| panic!("{format:?}: no array of findings:\n{out}"));
            assert_eq!(items.len(), findings, "{format:?}: one entry per finding");
            if format == Format::Json {
                for d in items {
                    let (o, l) = (d["offset"].as_u64(), d["length"].as_u64());
                    let end = o.zip(l).map(|(o, l)| o + l);
                    assert!(end.is_some_and(|e| e <= file_len as u64), "json: offset/length {o:?}/{l:?} past the file");
                }
            }
        }
        Shape::JsonLines => {
            assert_eq!(lines().count(), findings, "jsonl: one line per finding:\n{out}");
            for line in lines() {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
                    panic!("jsonl line is not JSON ({e}): {line}");
                }
            }
        }
        Shape::Xml => {
            if let Err(e) = roxmltree::Document::parse(out) {
                panic!("{format:?} output is not well-formed XML ({e}):\n{out}");
            }
        }
        Shape::Concise => {
            assert_eq!(lines().count(), findings, "concise: one line per finding:\n{out}");
        }
        Shape::Github => {
            assert_eq!(lines().count(), findings, "github: one command per finding:\n{out}");
            for line in lines() {
                assert!(
                    line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice "),
                    "github: not a command: {line}"
                );
            }
        }
        Shape::Text => assert!(!out.is_empty(), "{format:?}: empty output"),
    }
}

/// Fragments `lint_markup` builds documents from: tags, attributes, template syntax, ESP merge
/// tags, suppression directives, charset declarations (a superset of src/html/tests.rs PIECES).
pub const PIECES: &[&str] = &[
    // Structure.
    "<!doctype html>",
    "<html lang=de>",
    "<head>",
    "<body class=b>",
    "<p>",
    "</p>",
    "<div class=footer>",
    "</div>",
    "<table role=presentation>",
    "<tr>",
    "<td>",
    "</td>",
    "</table>",
    "<b>",
    "</b>",
    "<ul><li>",
    "<h1>",
    "</h2>",
    "<br/>",
    "</br>",
    "<span id=l1>",
    "</span>",
    // Forms and controls.
    "<form action=/signup method=post>",
    "</form>",
    "<fieldset><legend>",
    "</legend>",
    "<input type=checkbox name=newsletter checked>",
    "<input type=\"checkbox\" id=\"c1\" value=\"1\" checked=\"checked\">",
    "<INPUT TYPE=CHECKBOX NAME=x CHECKED>",
    "<input type=checkbox aria-labelledby=l1 checked>",
    "<input type=checkbox aria-label=\"Send me offers from partners\" checked>",
    "<input type=checkbox id=c2>",
    "<input type=radio name=optin value=yes checked>",
    "<input type=radio name=optin value=no>",
    "<input type=hidden name=consent value=1>",
    "<input type=email name=email required>",
    "<input value=\"a>b\">",
    "<label for=c1>",
    "<label for=c2>",
    "<label>",
    "</label>",
    "<select name=marketing><option value=yes selected>Yes</option><option value=no>No</option></select>",
    "<select><option selected>",
    "<button type=submit>",
    "</button>",
    // Links.
    "<a href=\"/privacy\">",
    "<a href=\"https://example.test/datenschutz\">",
    "<a href=\"*|UNSUB|*\">",
    "<a href=\"{{unsubscribe_url}}\">",
    "<a href=\"%unsubscribe_url%\">",
    "<a href='x'>",
    "</a>",
    "<a =b c=>",
    // Raw text, comments, foreign content.
    "<!-- c -->",
    "<!--[if mso]><b><![endif]-->",
    "<script>if (a<b) '<input checked>'</script>",
    "<style>p>b{}</style>",
    "<textarea><input checked></textarea>",
    "<title>t<</title>",
    "<svg><title><input id=s></title></svg>",
    "<svg><![CDATA[<x>]]></svg>",
    "<noscript><input type=checkbox checked></noscript>",
    "<template><td></template>",
    "<plaintext>",
    "<?xml x?>",
    "<!x>",
    "</>",
    "<p data-x='1'\n  checked\n>",
    // Templates.
    "<input type=checkbox {{#if opt_in}}checked{{/if}}>",
    "<input type=checkbox {% if a > b %}checked{% endif %} name=a>",
    "{% if user.opt_in %}",
    "{% endif %}",
    "{{#if x}}",
    "{{/if}}",
    "{{^x}}",
    "{{#x}}",
    "{{/x}}",
    "{# comment #}",
    "{{!-- c --}}",
    "{{! c }}",
    "{% comment %}",
    "{% endcomment %}",
    "<% if a %>",
    "<% end %>",
    "<%= x %>",
    "<%# c %>",
    "@if($a)",
    "@endif",
    "{{-- c --}}",
    "{{ first_name }}",
    "{% trans \"Subscribe to our newsletter\" %}",
    "<?php echo $x; ?>",
    "{{",
    "}}",
    "{%",
    "%}",
    "<%",
    "%>",
    // ESP markers.
    "*|FNAME|*",
    "*|IF:X|*",
    "*|END:IF|*",
    "*|UNSUB|*",
    "mc:edit",
    "<mjml><mj-body><mj-text>",
    // Directives.
    "<!-- consentlint-disable-next-line pre-ticked-consent -- legacy form -->",
    "<!-- consentlint-disable missing-privacy-link -- in the modal -->",
    "<!-- consentlint-enable missing-privacy-link -->",
    "<!-- consentlint-disable-file missing-unsubscribe -- footer is injected -->",
    "<!-- consentlint-disable bundled-consent -->",
    "<!-- consentlint-kind marketing-email -->",
    "<!-- consentlint-kind transactional-email -->",
    "<!-- consentlint-kind page -->",
    "<!-- consentlint-disable-next-line nosuch-rule -- x -->",
    "{# consentlint-disable-next-line pre-ticked-consent -- r #}",
    // Encodings and odd characters.
    "<meta charset=\"windows-1252\">",
    "<meta charset=shift_jis>",
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\">",
    "<meta charset=utf-16le>",
    "\u{feff}",
    "\r\n",
    "\n",
    "\r",
    "\0",
    "&amp;",
    "&notin",
    " < ",
    "<a\u{a0}b>",
    "\u{2028}",
];

/// Words for `lint_markup`: consent, marketing, privacy, unsubscribe and transactional wording
/// in several of the vocabulary's languages.
pub const WORDS: &[&str] = &[
    "I agree to the terms and conditions",
    "and to receive marketing emails from our partners",
    "Send me special offers",
    "Subscribe to our newsletter",
    "Keep me updated",
    "Yes",
    "No",
    "privacy policy",
    "Unsubscribe",
    "manage preferences",
    "profiling and personalised ads",
    "third parties",
    "Your order receipt",
    "Reset your password",
    "Order #123 confirmation",
    "Ich möchte den Newsletter erhalten",
    "Datenschutzerklärung",
    "abmelden",
    "J'accepte de recevoir des offres de nos partenaires",
    "politique de confidentialité",
    "se désinscrire",
    "Acepto recibir comunicaciones comerciales",
    "darse de baja",
    "Zgadzam się na otrzymywanie informacji handlowych",
    "Подписаться на рассылку",
    "отписаться",
    "订阅我们的新闻",
    "退订",
    "隐私政策",
    "Jag vill få nyhetsbrev",
    "Haluan uutiskirjeen",
    "Ik wil de nieuwsbrief ontvangen",
    "Desejo receber ofertas",
    "Acconsento al trattamento",
    "Souhlasím se zasíláním obchodních sdělení",
    "Jeg vil gerne modtage tilbud",
    " ",
    "é",
    "👍",
];

/// Build a document for `lint_markup`: the first byte picks the path, every other byte a piece
/// (below `PIECES.len()`), a word (below `PIECES.len() + WORDS.len()`), or stands for itself
/// (bytes ≥ 0x80 there: stray non-UTF-8 bytes that exercise decoding).
pub fn build_markup(data: &[u8]) -> (&'static str, Vec<u8>) {
    let Some((&first, rest)) = data.split_first() else {
        return (PATHS[0], Vec::new());
    };
    let path = PATHS[first as usize % PATHS.len()];
    let mut out = Vec::with_capacity(rest.len() * 12);
    for &b in rest {
        let i = b as usize;
        if let Some(p) = PIECES.get(i) {
            out.extend_from_slice(p.as_bytes());
        } else if let Some(w) = WORDS.get(i - PIECES.len()) {
            out.extend_from_slice(w.as_bytes());
        } else {
            out.push(b);
        }
    }
    (path, out)
}
