//! Template syntax (Jinja, Twig, Nunjucks, Liquid, Django, Handlebars, Mustache, Go templates,
//! ERB, Blade, PHP) found in a file before it is parsed as HTML.
//!
//! html5ever knows nothing of templates: `{{#if x}}checked{{/if}}` inside a tag becomes junk
//! attributes and `{% if a > b %}` ends a tag early. So each template region is *masked*
//! before parsing, byte for byte (offsets into the masked text are offsets into the original):
//! - template comments (`{# #}`, `{{!-- --}}`, `{{! }}`, `<%# %>`, `{% comment %}..{% endcomment %}`,
//!   `{{-- --}}`) become spaces: they are not live text;
//! - every other region keeps its inner words but its delimiters and the characters that would
//!   change how HTML is tokenised (`< > " ' &`) become spaces, so a label written as
//!   `{% trans "Subscribe to our newsletter" %}` still reads "trans Subscribe to our newsletter".
//!
//! The regions are kept so rules can ask whether an offset is inside a template expression or a
//! conditional block: a `checked` inside `{% if user.opt_in %}...{% endif %}` reflects a stored
//! choice, it is not a default.

use std::ops::Range;

/// What a template region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    /// A template comment: not live.
    Comment,
    /// An output expression or a tag (`{{ x }}`, `{% if %}`, `<%= %>`, `@if(..)`).
    Expression,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub range: Range<usize>,
    pub kind: RegionKind,
}

/// The result of scanning a file for template syntax.
#[derive(Debug, Default)]
pub struct Templates {
    /// Template regions in source order, non-overlapping.
    pub regions: Vec<Region>,
    /// The inside of conditional blocks (`{% if %}..{% endif %}`, `{{#if}}..{{/if}}`,
    /// `<% if %>..<% end %>`, `@if(..)..@endif`, Mustache sections), possibly nested/overlapping.
    pub conditionals: Vec<Range<usize>>,
}

impl Templates {
    /// Is `offset` inside a template expression or tag (not a comment)?
    pub fn in_expression(&self, offset: usize) -> bool {
        self.region_at(offset).is_some_and(|r| r.kind == RegionKind::Expression)
    }

    /// Is `offset` inside a template comment?
    pub fn in_comment(&self, offset: usize) -> bool {
        self.region_at(offset).is_some_and(|r| r.kind == RegionKind::Comment)
    }

    pub fn region_at(&self, offset: usize) -> Option<&Region> {
        let i = self.regions.partition_point(|r| r.range.end <= offset);
        self.regions.get(i).filter(|r| r.range.start <= offset)
    }

    /// Is `offset` inside a conditional template block?
    pub fn in_conditional(&self, offset: usize) -> bool {
        self.conditionals.iter().any(|r| r.contains(&offset))
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
}

/// Longest region we accept; an opening delimiter without a close within this many bytes is
/// taken as literal text (`{{` in prose, a lone `<%`).
const MAX_REGION: usize = 64 * 1024;

/// Scan `text` for template regions. Returns the regions and the masked text to parse.
pub fn scan(text: &str) -> (Templates, Option<String>) {
    let bytes = text.as_bytes();
    // Fast path: no template delimiter at all.
    if !has_template_syntax(bytes) {
        return (Templates::default(), None);
    }
    let mut regions: Vec<Region> = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let found = match b {
            b'{' => scan_brace(text, i),
            b'<' if bytes.get(i + 1) == Some(&b'%') => scan_erb(text, i),
            b'<' if bytes.get(i + 1) == Some(&b'?') => scan_php(text, i),
            b'@' if i == 0 || !is_word_byte(bytes[i - 1]) => scan_blade(text, i),
            _ => None,
        };
        match found {
            Some(tok) => {
                let end = tok.range.end;
                if let Some(b) = tok.block {
                    blocks.push(b);
                }
                regions.push(Region { range: tok.range, kind: tok.kind });
                i = end;
            }
            None => i += 1,
        }
    }
    let conditionals = conditional_ranges(&blocks);
    let masked = mask(text, &regions);
    (Templates { regions, conditionals }, Some(masked))
}

fn has_template_syntax(bytes: &[u8]) -> bool {
    memchr_any(bytes)
}

fn memchr_any(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| matches!(w, [b'{', b'{' | b'%' | b'#' | b'!'] | [b'<', b'%' | b'?']))
        || bytes
            .windows(3)
            .any(|w| w[0] == b'@' && (w[1..] == *b"if" || w[1..] == *b"un" || w[1..] == *b"is" || w[1..] == *b"ch"))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

struct Token {
    range: Range<usize>,
    kind: RegionKind,
    block: Option<Block>,
}

/// A block-structure event at a position.
#[derive(Debug, Clone)]
struct Block {
    pos: Range<usize>,
    event: BlockEvent,
}

#[derive(Debug, Clone)]
enum BlockEvent {
    Open { name: String, conditional: bool },
    Close { name: Option<String> },
}

fn find_from(text: &str, from: usize, pat: &str) -> Option<usize> {
    let limit = (from + MAX_REGION).min(text.len());
    let mut lim = limit;
    while !text.is_char_boundary(lim) {
        lim += 1;
    }
    text.get(from..lim)?.find(pat).map(|p| from + p)
}

/// `{{ }}`, `{{{ }}}`, `{{! }}`, `{{!-- --}}`, `{{-- --}}`, `{!! !!}`, `{% %}`, `{# #}`.
fn scan_brace(text: &str, i: usize) -> Option<Token> {
    let rest = &text.as_bytes()[i..];
    match rest.get(1)? {
        b'{' => {
            if rest.starts_with(b"{{!--") {
                let end = find_from(text, i + 5, "--}}")? + 4;
                return Some(comment(i..end));
            }
            if rest.starts_with(b"{{--") {
                let end = find_from(text, i + 4, "--}}")? + 4;
                return Some(comment(i..end));
            }
            if rest.starts_with(b"{{!") {
                let end = find_from(text, i + 3, "}}")? + 2;
                return Some(comment(i..end));
            }
            let (close, open_len) = if rest.starts_with(b"{{{") { ("}}}", 3) } else { ("}}", 2) };
            let end = find_from(text, i + open_len, close)? + close.len();
            // `{{` in prose across many lines is unlikely to be a template: require the
            // expression not to contain another opening `{{`.
            let inner = &text[i + open_len..end - close.len()];
            if inner.contains("{{") {
                return None;
            }
            let block = handlebars_block(inner, i..end);
            Some(Token { range: i..end, kind: RegionKind::Expression, block })
        }
        b'%' => {
            let end = find_from(text, i + 2, "%}")? + 2;
            let inner =
                text[i + 2..end - 2].trim_matches(|c: char| c == '-' || c == '~' || c == '+' || c.is_whitespace());
            let name = first_word(inner);
            if name == "comment" {
                // Liquid/Django block comment: up to and including `{% endcomment %}`.
                let close = find_endcomment(text, end)?;
                return Some(comment(i..close));
            }
            let block = tag_block(name, inner, i..end);
            Some(Token { range: i..end, kind: RegionKind::Expression, block })
        }
        b'#' => {
            let end = find_from(text, i + 2, "#}")? + 2;
            Some(comment(i..end))
        }
        b'!' if rest.starts_with(b"{!!") => {
            let end = find_from(text, i + 3, "!!}")? + 3;
            Some(Token { range: i..end, kind: RegionKind::Expression, block: None })
        }
        _ => None,
    }
}

fn find_endcomment(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let open = find_from(text, at, "{%")?;
        let close = find_from(text, open + 2, "%}")? + 2;
        let inner = text[open + 2..close - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if first_word(inner) == "endcomment" {
            return Some(close);
        }
        at = close;
    }
}

fn comment(range: Range<usize>) -> Token {
    Token { range, kind: RegionKind::Comment, block: None }
}

fn first_word(s: &str) -> &str {
    let s = s.trim_start();
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// Jinja/Twig/Nunjucks/Liquid/Django tag names that open a block closed by `end<name>`.
const TAG_BLOCKS: &[&str] = &[
    "if", "unless", "case", "for", "block", "macro", "with", "capture", "raw", "verbatim", "filter", "spaceless",
    "autoescape", "call", "embed", "tablerow", "paginate", "form", "ifchanged", "ifequal", "ifnotequal", "blocktrans",
    "blocktranslate", "trans", "apply", "sandbox", "cache", "schema", "style", "javascript", "stylesheet", "while",
    "switch", "random", "sequence",
];
const CONDITIONAL_TAGS: &[&str] = &["if", "unless", "case", "ifchanged", "ifequal", "ifnotequal", "switch"];

fn tag_block(name: &str, inner: &str, pos: Range<usize>) -> Option<Block> {
    if let Some(closed) = name.strip_prefix("end") {
        let closed = closed.trim_start_matches('_');
        return Some(Block {
            pos,
            event: BlockEvent::Close { name: (!closed.is_empty()).then(|| closed.to_string()) },
        });
    }
    // `{% set x = 1 %}` is a statement; `{% set x %}..{% endset %}` a block. `{% trans "x" %}`
    // (Django) is a statement, `{% trans %}..{% endtrans %}` (Jinja) a block.
    let is_block = match name {
        "set" => !inner.contains('='),
        "trans" => inner.split_whitespace().count() == 1,
        _ => TAG_BLOCKS.contains(&name),
    };
    is_block.then(|| Block {
        pos,
        event: BlockEvent::Open { name: name.to_string(), conditional: CONDITIONAL_TAGS.contains(&name) },
    })
}

/// Handlebars/Mustache sections and Go template actions.
fn handlebars_block(inner: &str, pos: Range<usize>) -> Option<Block> {
    let inner = inner.trim_matches(|c: char| c == '~' || c == '-' || c.is_whitespace());
    if let Some(rest) = inner.strip_prefix('#') {
        let name = first_word(rest.trim_start_matches(['*', '>']));
        // `{{#each}}`/`{{#with}}` repeat or scope; everything else (`#if`, `#unless`, a Mustache
        // section `{{#opted_in}}`) renders only when a value says so.
        let conditional = !matches!(name, "each" | "with" | "let" | "each-in" | "in" | "for" | "block" | "section");
        return Some(Block { pos, event: BlockEvent::Open { name: name.to_string(), conditional } });
    }
    if let Some(rest) = inner.strip_prefix('^') {
        let name = first_word(rest);
        return Some(Block { pos, event: BlockEvent::Open { name: name.to_string(), conditional: true } });
    }
    if let Some(rest) = inner.strip_prefix('/') {
        let name = first_word(rest);
        return Some(Block { pos, event: BlockEvent::Close { name: Some(name.to_string()) } });
    }
    // Go templates: {{if .X}} {{range}} {{with}} {{block}} ... {{end}}.
    let name = first_word(inner);
    match name {
        "if" | "with" => Some(Block { pos, event: BlockEvent::Open { name: "go".into(), conditional: true } }),
        "range" | "block" | "define" => {
            Some(Block { pos, event: BlockEvent::Open { name: "go".into(), conditional: false } })
        }
        "end" if inner.trim() == "end" => Some(Block { pos, event: BlockEvent::Close { name: Some("go".into()) } }),
        _ => None,
    }
}

/// ERB/EJS: `<% %>`, `<%= %>`, `<%- %>`, `<%# %>`; SendGrid's `<%asm_..%>` merge tags look the same.
fn scan_erb(text: &str, i: usize) -> Option<Token> {
    let end = find_from(text, i + 2, "%>")? + 2;
    let inner = &text[i + 2..end - 2];
    if inner.starts_with('#') {
        return Some(comment(i..end));
    }
    let code = inner.trim_start_matches(['=', '-', '_']).trim_end_matches(['-', '_']).trim();
    let word = first_word(code);
    let block = match word {
        "if" | "unless" | "case" => Some(BlockEvent::Open { name: "erb".into(), conditional: true }),
        "end" => Some(BlockEvent::Close { name: Some("erb".into()) }),
        "while" | "until" | "for" | "begin" => Some(BlockEvent::Open { name: "erb".into(), conditional: false }),
        _ if ends_with_do(code) => Some(BlockEvent::Open { name: "erb".into(), conditional: false }),
        _ => None,
    }
    .map(|event| Block { pos: i..end, event });
    Some(Token { range: i..end, kind: RegionKind::Expression, block })
}

fn ends_with_do(code: &str) -> bool {
    let code = code.trim_end();
    let code = match code.rfind('|') {
        // `do |x|`
        Some(p) if code[..p].contains("do |") || code[..p].contains("do|") => {
            code[..code[..p].rfind('|').unwrap_or(p)].trim_end()
        }
        _ => code,
    };
    code.ends_with(" do") || code == "do" || code.ends_with(" {")
}

/// PHP: `<?php ... ?>`, `<?= ... ?>` (to the end of the file when unclosed, as PHP does).
fn scan_php(text: &str, i: usize) -> Option<Token> {
    let rest = &text.as_bytes()[i..];
    if !(rest.len() >= 5 && rest[2..5].eq_ignore_ascii_case(b"php") || rest.starts_with(b"<?=")) {
        return None;
    }
    let end = text[i + 2..].find("?>").map_or(text.len(), |p| i + 2 + p + 2);
    let code = &text[i + 2..end.saturating_sub(2).max(i + 2)];
    let code = code.trim_start_matches("php").trim_start_matches('=').trim();
    let word = first_word(code);
    let block = if word == "if" && code.trim_end().ends_with(':') {
        Some(BlockEvent::Open { name: "php".into(), conditional: true })
    } else if word == "endif" {
        Some(BlockEvent::Close { name: Some("php".into()) })
    } else if word == "if" && code.trim_end().ends_with('{') {
        Some(BlockEvent::Open { name: "php{".into(), conditional: true })
    } else if code.starts_with('}') {
        Some(BlockEvent::Close { name: Some("php{".into()) })
    } else {
        None
    }
    .map(|event| Block { pos: i..end, event });
    Some(Token { range: i..end, kind: RegionKind::Expression, block })
}

/// Blade directives: `@if(..)`, `@unless(..)`, `@isset(..)`, `@checked(..)`, `@endif`, ...
fn scan_blade(text: &str, i: usize) -> Option<Token> {
    let rest = &text[i + 1..];
    let name = first_word(rest);
    let after = i + 1 + name.len();
    let (event, end) = match name {
        "if" | "unless" | "isset" | "empty" | "auth" | "guest" | "can" | "cannot" | "env" | "production" | "switch"
        | "checked" | "selected" => {
            let end = balanced_parens(text, after).unwrap_or(after);
            let ev = match name {
                // `@checked(cond)` is itself the conditional attribute.
                "checked" | "selected" => None,
                _ if name == "auth" || name == "guest" || name == "production" || end > after => {
                    Some(BlockEvent::Open { name: "blade".into(), conditional: true })
                }
                _ => return None,
            };
            (ev, end)
        }
        "endif" | "endunless" | "endisset" | "endempty" | "endauth" | "endguest" | "endcan" | "endcannot"
        | "endenv" | "endproduction" | "endswitch" => (Some(BlockEvent::Close { name: Some("blade".into()) }), after),
        _ => return None,
    };
    Some(Token { range: i..end, kind: RegionKind::Expression, block: event.map(|event| Block { pos: i..end, event }) })
}

fn balanced_parens(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut j = from;
    while j < bytes.len() && bytes[j] == b' ' {
        j += 1;
    }
    if bytes.get(j) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let limit = (j + 4096).min(bytes.len());
    while j < limit {
        match bytes[j] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Pair block opens with closes and return the inside of each conditional block. An `else`
/// branch is inside its block, so it is conditional too.
fn conditional_ranges(blocks: &[Block]) -> Vec<Range<usize>> {
    let mut stack: Vec<(&str, bool, usize)> = Vec::new();
    let mut out = Vec::new();
    for b in blocks {
        match &b.event {
            BlockEvent::Open { name, conditional } => stack.push((name, *conditional, b.pos.end)),
            BlockEvent::Close { name } => {
                let idx = match name {
                    Some(n) => stack.iter().rposition(|(s, _, _)| s == n),
                    None => stack.len().checked_sub(1),
                };
                if let Some(idx) = idx {
                    for (_, conditional, start) in stack.drain(idx..) {
                        if conditional {
                            out.push(start..b.pos.start);
                        }
                    }
                }
            }
        }
    }
    // Unclosed conditionals run to the end of the file (a partial template).
    for (_, conditional, start) in stack {
        if conditional {
            out.push(start..usize::MAX);
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Build the text html5ever parses: same length as `text`, template regions neutralised.
fn mask(text: &str, regions: &[Region]) -> String {
    let mut out = text.as_bytes().to_vec();
    for r in regions {
        let bytes = &mut out[r.range.clone()];
        match r.kind {
            RegionKind::Comment => blank(bytes),
            RegionKind::Expression => {
                let n = bytes.len();
                // Delimiters: the leading and trailing runs of punctuation.
                let lead = bytes.iter().take_while(|b| b"{%#!<?=-~@".contains(b)).count();
                let trail = bytes.iter().rev().take_while(|b| b"}%>?!-~".contains(b)).count();
                for (k, b) in bytes.iter_mut().enumerate() {
                    let delimiter = k < lead || k >= n.saturating_sub(trail);
                    let unsafe_char = matches!(*b, b'<' | b'>' | b'"' | b'\'' | b'&' | b'`' | b'=' | b'/');
                    if (delimiter || unsafe_char) && !matches!(*b, b'\n' | b'\r') {
                        *b = b' ';
                    }
                }
            }
        }
    }
    // Only ASCII bytes were replaced by ASCII spaces: still valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn blank(bytes: &mut [u8]) {
    // Keep line breaks; replace every other byte (including the bytes of multi-byte
    // characters, all of them) with a space, so the result is still valid UTF-8.
    for b in bytes.iter_mut() {
        if !matches!(*b, b'\n' | b'\r') {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(s: &str) -> String {
        scan(s).1.unwrap_or_else(|| s.to_string())
    }

    #[test]
    fn masks_keep_length_and_words() {
        let s = r#"<input {% if user.opt_in %}checked{% endif %}><label>{% trans "Subscribe" %}</label>"#;
        let m = masked(s);
        assert_eq!(m.len(), s.len());
        assert!(m.contains("   if user.opt_in   checked   endif   >"), "{m}");
        assert!(m.contains("trans  Subscribe "), "{m}");
    }

    #[test]
    fn gt_inside_tag_is_neutralised() {
        let s = "<input {% if a > b %}checked{% endif %} name=x>";
        let m = masked(s);
        assert!(!m[6..].contains('>') || m.ends_with("name x>") || m.ends_with("name=x>"), "{m}");
        assert_eq!(m.matches('>').count(), 1);
    }

    #[test]
    fn conditional_blocks() {
        let s = "{% if x %}A{% else %}B{% endif %}C{{#if y}}D{{/if}}{{#each z}}E{{/each}}<% if u %>F<% end %>@if($v) G @endif";
        let (t, _) = scan(s);
        for (c, cond) in [("A", true), ("B", true), ("C", false), ("D", true), ("E", false), ("F", true), ("G", true)] {
            let at = s.find(c).unwrap();
            assert_eq!(t.in_conditional(at), cond, "{c}");
        }
    }

    #[test]
    fn loops_are_not_conditional_and_nesting_works() {
        let s = "{% for o in opts %}<input checked>{% if o.on %}X{% endif %}{% endfor %}";
        let (t, _) = scan(s);
        assert!(!t.in_conditional(s.find("checked").unwrap()));
        assert!(t.in_conditional(s.find('X').unwrap()));
    }

    #[test]
    fn comments_are_blanked() {
        for s in [
            "{# <a href=unsubscribe>x</a> #}",
            "{{!-- <a>unsubscribe</a> --}}",
            "<%# unsubscribe %>",
            "{% comment %}<a>unsubscribe</a>{% endcomment %}",
            "{{-- unsubscribe --}}",
        ] {
            let m = masked(s);
            assert!(m.trim().is_empty(), "{s:?} -> {m:?}");
            let (t, _) = scan(s);
            assert!(t.in_comment(1));
        }
    }

    #[test]
    fn expressions_and_plain_text() {
        let s = "<p>Price {{ price }} and a { brace } and <%= x %></p>";
        let (t, _) = scan(s);
        assert!(t.in_expression(s.find("price }}").unwrap()));
        assert!(!t.in_expression(s.find("brace").unwrap()));
        assert!(t.in_expression(s.find("x %>").unwrap()));
        let (t, m) = scan("<p>no templates here</p>");
        assert!(t.is_empty() && m.is_none());
    }

    #[test]
    fn multibyte_inside_expression() {
        let s = "<p>{{ _(\"Подписаться на рассылку\") }}</p>";
        let m = masked(s);
        assert_eq!(m.len(), s.len());
        assert!(m.contains("Подписаться на рассылку"));
    }

    #[test]
    fn unclosed_delimiters_are_text() {
        let s = "<p>{{ oops</p><p>50% {% </p>";
        let (t, _) = scan(s);
        assert!(t.is_empty());
    }

    #[test]
    fn php_blocks() {
        let s = "<input <?php if ($u->optin): ?>checked<?php endif; ?>>";
        let (t, m) = scan(s);
        let m = m.unwrap();
        assert!(t.in_conditional(s.find("checked").unwrap()));
        assert_eq!(m.matches('>').count(), 1, "{m}");
    }
}
