use super::*;
use html5ever::tendril::TendrilSink;
use scraper::Node;

/// Spans of every element with a start tag, as (name, source slice of the tag).
fn tags(doc: &Document, src: &str) -> Vec<(String, String)> {
    doc.elements()
        .filter_map(|e| doc.span(e).map(|s| (e.value().name().to_string(), src[s.span.clone()].to_string())))
        .collect()
}

fn attr_slice<'a>(doc: &Document, src: &'a str, tag: &str, attr: &str) -> &'a str {
    let el = doc.elements().find(|e| e.value().name() == tag).expect("element");
    let span = doc.span(el).expect("span");
    &src[span.attr(attr).expect("attr").span.clone()]
}

#[test]
fn implied_elements_have_no_span_and_real_ones_do() {
    let src = "<table><tr><td><input type=checkbox checked></td></tr></table>";
    let doc = Document::parse(src);
    let t = tags(&doc, src);
    assert_eq!(
        t,
        [
            ("table".into(), "<table>".into()),
            ("tr".into(), "<tr>".into()),
            ("td".into(), "<td>".into()),
            ("input".into(), "<input type=checkbox checked>".into())
        ]
    );
    let input = doc.elements().find(|e| e.value().name() == "input").unwrap();
    let s = doc.span(input).unwrap();
    assert_eq!(s.attr("checked").unwrap().span, 36..43);
    let tbody = doc.elements().find(|e| e.value().name() == "tbody").unwrap();
    assert!(doc.span(tbody).is_none());
    assert_eq!(doc.anchor(tbody), 0..7);
}

#[test]
fn comments_and_raw_text_are_not_markup() {
    let src = "<!-- <input checked> --><script>var s = '<input checked>';</script><style>a{}</style><textarea><b checked></textarea><title><i></title><input checked>";
    let doc = Document::parse(src);
    let inputs: Vec<_> = doc.elements().filter(|e| e.value().name() == "input").collect();
    assert_eq!(inputs.len(), 1);
    let s = doc.span(inputs[0]).unwrap();
    assert_eq!(&src[s.span.clone()], "<input checked>");
    assert_eq!(s.span.start, src.rfind("<input").unwrap());
    assert_eq!(doc.comments, vec![0..24]);
    assert!(doc.is_dead(src.find("var s").unwrap()));
    assert!(doc.is_dead(5));
    assert!(!doc.is_dead(src.rfind("<input").unwrap()));
    assert!(doc.elements().all(|e| e.value().name() != "b"));
}

#[test]
fn cdata_in_svg_and_outside() {
    let src = "<svg><![CDATA[<input checked>]]><title><input id=a></title></svg><![CDATA[<x>]]><input id=b>";
    let doc = Document::parse(src);
    let t = tags(&doc, src);
    let inputs: Vec<_> = t.iter().filter(|(n, _)| n == "input").map(|(_, s)| s.as_str()).collect();
    assert_eq!(inputs, ["<input id=a>", "<input id=b>"]);
}

#[test]
fn uppercase_unquoted_crlf_bom_multibyte() {
    let src = "\u{feff}<!DOCTYPE html>\r\n<P>Привет, 你好\r\n<INPUT TYPE=CHECKBOX NAME=newsletter CHECKED>\r\n";
    let doc = Document::parse(src);
    assert_eq!(attr_slice(&doc, src, "input", "checked"), "CHECKED");
    let input = doc.elements().find(|e| e.value().name() == "input").unwrap();
    let s = doc.span(input).unwrap();
    assert_eq!(s.span.start, src.find("<INPUT").unwrap());
    assert_eq!(&src[s.attr("name").unwrap().value_span.clone().unwrap()], "newsletter");
}

#[test]
fn template_syntax_inside_tags_after_masking() {
    for (src, want) in [
        ("<input type=checkbox {{#if x}}checked{{/if}} name=a>", "checked"),
        ("<input type=checkbox {% if a > b %}checked{% endif %} name=a>", "checked"),
        ("<input type=checkbox <%= 'checked' if x %> name=a>", "checked"),
    ] {
        let (_, masked) = crate::template::scan(src);
        let masked = masked.unwrap();
        let doc = Document::parse(&masked);
        let input = doc.elements().find(|e| e.value().name() == "input").unwrap();
        let s = doc.span(input).unwrap();
        assert_eq!(s.span, 0..src.len(), "{src}");
        let c = s.attr(want).unwrap();
        assert_eq!(&src[c.span.clone()], want);
        assert_eq!(&src[s.attr("name").unwrap().span.clone()], "name=a");
    }
}

#[test]
fn char_refs_and_duplicate_attributes() {
    let src = "<p title=\"a&amp;b\" title=x>&lt;&notin;&noti <a href=?a=1&b=2 checked>x</a>";
    let doc = Document::parse(src);
    assert_eq!(attr_slice(&doc, src, "p", "title"), "title=\"a&amp;b\"");
    assert_eq!(attr_slice(&doc, src, "a", "checked"), "checked");
}

#[test]
fn element_ends() {
    let src = "<div><p>one<p>two</div><span>x";
    let doc = Document::parse(src);
    let outer: Vec<_> = doc
        .elements()
        .filter_map(|e| doc.outer(e).map(|r| (e.value().name().to_string(), src[r].to_string())))
        .collect();
    assert!(outer.contains(&("div".into(), "<div><p>one<p>two</div>".into())), "{outer:?}");
    assert!(outer.contains(&("p".into(), "<p>one".into())), "{outer:?}");
    assert!(outer.contains(&("p".into(), "<p>two".into())), "{outer:?}");
    assert!(outer.contains(&("span".into(), "<span>x".into())), "{outer:?}");
    let src = "<div><div>a</div>b</div><p>c</p>";
    let doc = Document::parse(src);
    let outer: Vec<_> = doc.elements().filter_map(|e| doc.outer(e).map(|r| src[r].to_string())).collect();
    assert_eq!(outer, ["<div><div>a</div>b</div>", "<div>a</div>", "<p>c</p>"]);
}

#[test]
fn noscript_forms_are_parsed() {
    let src = "<noscript><form><input type=email></form></noscript>";
    let doc = Document::parse(src);
    assert!(doc.elements().any(|e| e.value().name() == "form"));
}

#[test]
fn formatting_reconstruction_and_foster_parenting() {
    let src = "<b><p>x</b>y</p><table><input checked><tr><td>z</td></tr></table>";
    let doc = Document::parse(src);
    let t = tags(&doc, src);
    assert!(t.contains(&("input".into(), "<input checked>".into())));
    // The re-created <b> for "y" has no source tag of its own.
    assert_eq!(t.iter().filter(|(n, _)| n == "b").count(), 1);
}

#[test]
fn meta_charset_pause_and_script_pause() {
    let src = "<meta charset=utf-8><script>x</script><input checked>";
    let doc = Document::parse(src);
    assert_eq!(attr_slice(&doc, src, "input", "checked"), "checked");
}

// ---- randomized: the tree equals html5ever's own parse, and every span re-reads ----

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<div class=a>",
    "</div>",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "</table>",
    "<b>",
    "</b>",
    "<i>",
    "<a href='x'>",
    "</a>",
    "<form>",
    "</form>",
    "<input type=checkbox checked>",
    "<INPUT NAME=x CHECKED>",
    "<input value=\"a>b\">",
    "<label for=x>",
    "</label>",
    "<select><option selected>y</select>",
    "<!-- c -->",
    "<!--[if mso]><b><![endif]-->",
    "<script>if (a<b) '<input checked>'</script>",
    "<style>p>b{}</style>",
    "<textarea><i></textarea>",
    "<title>t<</title>",
    "<svg><title><input id=s></title></svg>",
    "<svg><![CDATA[<x>]]></svg>",
    "<math><mi>x</mi></math>",
    "text ",
    "Привет ",
    "你好",
    "\r\n",
    "&amp;",
    "&notin",
    " < ",
    "<<p>",
    "<br/>",
    "</br>",
    "<img src=x alt=\"é\">",
    "<noscript><input id=n></noscript>",
    "<template><td></template>",
    "<p title=\"x\"id=y>",
    "<a =b c=>",
    "<html lang=en>",
    "<body class=b>",
    "<head>",
    "<li>",
    "<ul>",
    "</ul>",
    "<plaintext>",
    "<xmp><b></xmp>",
    "<iframe><p></iframe>",
    "<button>",
    "<option>o",
    "<frameset>",
    "<h1>",
    "</h2>",
    "<image src=i>",
    "\0",
    "<?xml x?>",
    "<!doctype html>",
    "<!x>",
    "</>",
    "<a\u{a0}b>",
    "<p data-x='1'\n  checked\n>",
];

fn dump(node: ego_tree::NodeRef<'_, Node>, out: &mut String, depth: usize) {
    use std::fmt::Write;
    let pad = " ".repeat(depth);
    match node.value() {
        Node::Element(e) => {
            let mut attrs: Vec<_> = e.attrs().collect();
            attrs.sort();
            let _ = writeln!(out, "{pad}<{} {:?}>", e.name(), attrs);
        }
        Node::Text(t) => {
            let _ = writeln!(out, "{pad}{:?}", &**t);
        }
        Node::Comment(c) => {
            let _ = writeln!(out, "{pad}<!--{:?}-->", &**c);
        }
        other => {
            let _ = writeln!(out, "{pad}{other:?}");
        }
    }
    for child in node.children() {
        dump(child, out, depth + 1);
    }
}

fn reference_parse(src: &str) -> Html {
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts { scripting_enabled: false, ..Default::default() },
        ..Default::default()
    };
    html5ever::parse_document(scraper::html::HtmlTreeSink::new(Html::new_document()), opts).one(src)
}

fn check_document(src: &str) -> usize {
    let doc = Document::parse(src);
    let mut ours = String::new();
    dump(doc.html.tree.root(), &mut ours, 0);
    let mut theirs = String::new();
    dump(reference_parse(src).tree.root(), &mut theirs, 0);
    assert_eq!(ours, theirs, "tree differs for {src:?}");
    if !src.contains("<noscript") {
        let mut plain = String::new();
        dump(Html::parse_document(src).tree.root(), &mut plain, 0);
        assert_eq!(ours, plain, "tree differs from scraper::Html::parse_document for {src:?}");
    }
    let mut n = 0;
    for el in doc.elements() {
        let Some(span) = doc.span(el) else { continue };
        n += 1;
        // The span re-reads to the same tag...
        let again = tag::read_start_tag(src, span.span.start, span.span.end).expect("re-read");
        assert_eq!(&again, span);
        let name = &src[span.name_span.clone()];
        let dom_name = el.value().name();
        assert!(
            name.eq_ignore_ascii_case(dom_name) || (name.eq_ignore_ascii_case("image") && dom_name == "img"),
            "{name} vs {dom_name} in {src:?}"
        );
        // ...and every attribute the source tag has is on the element (the element can have
        // more: attributes of a repeated <html>/<body> tag are merged in).
        for a in &span.attrs {
            assert!(
                el.value()
                    .attrs()
                    .any(|(k, _)| k.eq_ignore_ascii_case(&a.name)
                        || k.ends_with(a.name.rsplit(':').next().unwrap_or(""))),
                "attribute {} missing on {dom_name} in {src:?}",
                a.name
            );
            assert!(src[a.name_span.clone()].eq_ignore_ascii_case(&a.name));
        }
    }
    n
}

#[test]
#[allow(clippy::print_stderr)] // reports how many spans a long run checked
fn randomized_tag_soup_matches_html5ever_and_spans_reread() {
    // CONSENTLINT_RANDOM_DOCS raises the count for a long run (e.g. 300000 in release mode).
    let docs: usize = std::env::var("CONSENTLINT_RANDOM_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let seed: u64 =
        std::env::var("CONSENTLINT_RANDOM_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed | 1);
    let mut spans = 0;
    for _ in 0..docs {
        let len = 1 + rng.next() % 40;
        let mut src = String::new();
        for _ in 0..len {
            src.push_str(rng.pick(PIECES));
        }
        spans += check_document(&src);
    }
    assert!(spans > docs * 7, "only {spans} spans checked");
    eprintln!("{docs} random documents, {spans} spans re-read and checked");
}
