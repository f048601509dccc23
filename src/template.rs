//! Template syntax (Jinja, Twig, Nunjucks, Liquid, Django, Handlebars, Mustache, Go templates,
//! ERB, EJS, classic ASP, Blade, PHP) found in a file before it is parsed as HTML.
//!
//! html5ever knows nothing of templates: `{{#if x}}checked{{/if}}` inside a tag becomes junk
//! attributes and `{% if a > b %}` ends a tag early. So each template region is *masked*
//! before parsing, byte for byte (offsets into the masked text are offsets into the original):
//! - template comments (`{# #}`, `{{!-- --}}`, `{{! }}`, `<%# %>`, `<%-- --%>`,
//!   `{% comment %}..{% endcomment %}`, `{{-- --}}`, `{{/* */}}`, `<?php /* */ ?>`) become
//!   spaces: they are not live text;
//! - every other region keeps its inner words but its delimiters and the characters that would
//!   change how HTML is tokenised (`< > " ' &`) become spaces, so a label written as
//!   `{% trans "Subscribe to our newsletter" %}` still reads "trans Subscribe to our newsletter".
//!
//! The regions are kept so rules can ask whether an offset is inside a template expression or a
//! conditional block: a `checked` inside `{% if user.opt_in %}...{% endif %}` reflects a stored
//! choice, it is not a default. A block whose condition is a constant (`{% if true %}`,
//! `{{#if true}}`, `@if(true)`, `<% unless false %>`) always renders: it is not conditional.

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

    /// Regions that overlap `range`, in source order.
    pub fn regions_in(&self, range: Range<usize>) -> impl Iterator<Item = &Region> {
        let i = self.regions.partition_point(|r| r.range.end <= range.start);
        self.regions[i..].iter().take_while(move |r| r.range.start < range.end)
    }

    /// Is `offset` inside a conditional template block?
    pub fn in_conditional(&self, offset: usize) -> bool {
        self.conditionals.iter().any(|r| r.contains(&offset))
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
}

/// The code of an output expression, the kind that prints a value where it stands:
/// `{{ x }}`, `{{{ x }}}`, `{{& x}}`, `{!! x !!}`, `<%= x %>`, `<%- x %>` (EJS), `<?= x ?>`,
/// `<?php echo x ?>`. `None` for tags and block helpers (`{% if %}`, `{{#if}}`, `{{> partial}}`,
/// Go actions such as `{{if}}`/`{{template}}`) and for code (`<% x %>`).
pub fn printed_code(raw: &str) -> Option<&str> {
    if let Some(inner) = raw.strip_prefix("{!!").and_then(|r| r.strip_suffix("!!}")) {
        return Some(inner.trim());
    }
    if let Some(inner) = raw.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) {
        let inner = inner.trim_start_matches(['{', '-', '~', '&']).trim_end_matches(['}', '-', '~']).trim();
        if inner.starts_with(['#', '/', '^', '>', '!', '*']) {
            return None;
        }
        let go_action = matches!(
            first_word(inner),
            "if" | "else" | "end" | "range" | "with" | "template" | "define" | "block" | "break" | "continue"
        );
        return (!go_action).then_some(inner);
    }
    if let Some(inner) = raw.strip_prefix("<%").and_then(|r| r.strip_suffix("%>")) {
        let code = inner.strip_prefix("==").or_else(|| inner.strip_prefix('=')).or_else(|| inner.strip_prefix('-'))?;
        let code = code.trim_end_matches(['-', '_']).trim();
        // In ERB `<%-` also opens code that trims whitespace: `<%- if x -%>` prints nothing.
        let ruby_control = matches!(
            first_word(code),
            "if" | "unless" | "else" | "elsif" | "end" | "case" | "when" | "while" | "until" | "for" | "begin"
        );
        return (!ruby_control).then_some(code);
    }
    if let Some(inner) = raw.strip_prefix("<?").and_then(|r| r.strip_suffix("?>")) {
        if let Some(code) = inner.strip_prefix('=') {
            return Some(code.trim());
        }
        let code = inner.get(3..)?.trim();
        let word = first_word(code);
        return matches!(word, "echo" | "print").then(|| code[word.len()..].trim());
    }
    None
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
    let masked = mask(text, &regions, prologue_len(bytes, &regions));
    (Templates { regions, conditionals }, Some(masked))
}

fn has_template_syntax(bytes: &[u8]) -> bool {
    memchr_any(bytes)
}

fn memchr_any(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| matches!(w, [b'{', b'{' | b'%' | b'#' | b'!'] | [b'<', b'%' | b'?']))
        || bytes.windows(3).any(|w| {
            w[0] == b'@'
                && matches!(
                    &w[1..],
                    b"if"
                        | b"un"
                        | b"is"
                        | b"ch"
                        | b"se"
                        | b"au"
                        | b"gu"
                        | b"ca"
                        | b"ex"
                        | b"cs"
                        | b"fo"
                        | b"in"
                        | b"ph"
                )
        })
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
            if let Some(end) = go_comment_end(text, i) {
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

/// Go template comment: `{{/* .. */}}`, with optional trim markers `{{- /* .. */ -}}`.
fn go_comment_end(text: &str, i: usize) -> Option<usize> {
    let after = text.get(i + 2..)?;
    let body = after.strip_prefix("- ").unwrap_or(after);
    if !body.starts_with("/*") {
        return None;
    }
    let open = i + 2 + (after.len() - body.len()) + 2;
    let close = find_from(text, open, "*/")? + 2;
    let tail = text.get(close..)?;
    let tail_len = if tail.starts_with("}}") {
        2
    } else if tail.starts_with(" -}}") {
        4
    } else {
        return None;
    };
    Some(close + tail_len)
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
    let cond = inner.trim_start().get(name.len()..).unwrap_or("");
    let conditional = CONDITIONAL_TAGS.contains(&name) && !always_true(cond, name == "unless");
    is_block.then(|| Block { pos, event: BlockEvent::Open { name: name.to_string(), conditional } })
}

/// Handlebars/Mustache sections and Go template actions.
fn handlebars_block(inner: &str, pos: Range<usize>) -> Option<Block> {
    let inner = inner.trim_matches(|c: char| c == '~' || c == '-' || c.is_whitespace());
    if let Some(rest) = inner.strip_prefix('#') {
        let rest = rest.trim_start_matches(['*', '>']);
        let name = first_word(rest);
        let cond = rest.get(name.len()..).unwrap_or("");
        // `{{#each}}`/`{{#with}}` repeat or scope; everything else (`#if`, `#unless`, a Mustache
        // section `{{#opted_in}}`) renders only when a value says so (`{{#if true}}` always does).
        let scoping = matches!(name, "each" | "with" | "let" | "each-in" | "in" | "for" | "block" | "section");
        let constant = matches!(name, "if" | "unless") && always_true(cond, name == "unless");
        let conditional = !scoping && !constant;
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
        "if" | "with" => {
            let conditional = !(name == "if" && always_true(&inner[2..], false));
            Some(Block { pos, event: BlockEvent::Open { name: "go".into(), conditional } })
        }
        "range" | "block" | "define" => {
            Some(Block { pos, event: BlockEvent::Open { name: "go".into(), conditional: false } })
        }
        "end" if inner.trim() == "end" => Some(Block { pos, event: BlockEvent::Close { name: Some("go".into()) } }),
        _ => None,
    }
}

/// ERB, EJS and classic ASP: `<% %>`, `<%= %>`, `<%- %>`, `<%# %>` and ASP's `<%-- --%>`
/// comments; SendGrid's `<%asm_..%>` merge tags look the same. Blocks: Ruby (`if`..`end`,
/// `each do`..`end`), JavaScript (`if (x) {`..`}`) and VBScript (`If x Then`..`End If`,
/// `Select Case`..`End Select`).
fn scan_erb(text: &str, i: usize) -> Option<Token> {
    // `<%--` opens an ASP/JSP comment; in ERB and EJS `<%-` is an ordinary tag, and code that
    // starts with `-` is not written in practice.
    if text[i..].starts_with("<%--")
        && let Some(close) = find_from(text, i + 4, "--%>")
    {
        return Some(comment(i..close + 4));
    }
    let end = find_from(text, i + 2, "%>")? + 2;
    let inner = &text[i + 2..end - 2];
    if inner.starts_with('#') {
        return Some(comment(i..end));
    }
    let code = inner.trim_start_matches(['=', '-', '_']).trim_end_matches(['-', '_']).trim();
    let block = erb_block(code).map(|event| Block { pos: i..end, event });
    Some(Token { range: i..end, kind: RegionKind::Expression, block })
}

fn erb_block(code: &str) -> Option<BlockEvent> {
    let open = |name: &str, conditional: bool| Some(BlockEvent::Open { name: name.into(), conditional });
    let close = |name: &str| Some(BlockEvent::Close { name: Some(name.into()) });
    let word = first_word(code);
    let rest = code[code.find(word).map_or(0, |p| p + word.len())..].trim();
    // JavaScript braces (EJS, ASP JScript) and Ruby `{ |x|` blocks.
    if let Some(after) = code.strip_prefix('}') {
        // `} else {` stays inside the block.
        return if after.trim_end().ends_with('{') { None } else { close("erb{") };
    }
    if code.ends_with('{') {
        let conditional = matches!(word, "if" | "unless") && !always_true(rest.trim_end_matches('{'), word == "unless");
        return open("erb{", conditional);
    }
    // VBScript is case-insensitive: `If x Then` opens a block only when `Then` ends the line.
    let lower = word.to_ascii_lowercase();
    let ends_then = code.len() > 4 && code.get(code.len() - 4..).is_some_and(|t| t.eq_ignore_ascii_case("then"));
    if lower == "if" && ends_then {
        let cond = rest.get(..rest.len().saturating_sub(4)).unwrap_or("");
        return open("erb", !always_true(cond, false));
    }
    if lower == "select" && first_word(rest).eq_ignore_ascii_case("case") {
        return open("erb", true);
    }
    if lower == "end" && matches!(first_word(rest).to_ascii_lowercase().as_str(), "if" | "select") {
        return close("erb");
    }
    match word {
        "if" | "unless" => open("erb", !always_true(rest, word == "unless")),
        "case" => open("erb", true),
        "end" => close("erb"),
        "while" | "until" | "for" | "begin" => open("erb", false),
        _ => block_opener(code).and_then(|name| open(name, false)),
    }
}

/// Does this region set a boolean attribute unconditionally, like writing it bare? Blade's
/// `@checked(true)` / `@selected(1)` does; `@checked($user->opted_in)` depends on data.
pub fn always_sets(raw: &str, attr: &str) -> bool {
    raw.strip_prefix('@')
        .and_then(|r| r.strip_prefix(attr))
        .is_some_and(|args| args.trim_start().starts_with('(') && always_true(args, false))
}

/// Is a condition a constant that always renders the block (`true`, `1`, or for `unless`
/// `false`, `0`, `nil`)? Such a block is not a choice replayed from data: what it holds is a
/// fixed default for everyone.
fn always_true(cond: &str, negated: bool) -> bool {
    let c = cond.trim().trim_end_matches(':').trim().trim_start_matches('(').trim_end_matches(')').trim();
    let c = c.to_ascii_lowercase();
    if negated {
        matches!(c.as_str(), "false" | "0" | "nil" | "null" | "none")
    } else {
        matches!(c.as_str(), "true" | "1")
    }
}

/// A Ruby block opener: `each do |x|` (closed by `end`) or `each { |x|` (closed by `}`).
fn block_opener(code: &str) -> Option<&'static str> {
    let code = code.trim_end();
    let code = match code.rfind('|') {
        // `do |x|`
        Some(p) if code[..p].contains("do |") || code[..p].contains("do|") => {
            code[..code[..p].rfind('|').unwrap_or(p)].trim_end()
        }
        _ => code,
    };
    if code.ends_with(" do") || code == "do" {
        Some("erb")
    } else if code.ends_with(" {") {
        Some("erb{")
    } else {
        None
    }
}

/// PHP: `<?php ... ?>`, `<?= ... ?>` (to the end of the file when unclosed, as PHP does). A
/// block holding only comments (`<?php /* .. */ ?>`, `<?php // .. ?>`) is a template comment.
fn scan_php(text: &str, i: usize) -> Option<Token> {
    let rest = &text.as_bytes()[i..];
    let echo = rest.starts_with(b"<?=");
    if !(rest.len() >= 5 && rest[2..5].eq_ignore_ascii_case(b"php") || echo) {
        return None;
    }
    let close = text[i + 2..].find("?>").map(|p| i + 2 + p);
    let end = close.map_or(text.len(), |c| c + 2);
    // Unclosed: the code runs to the end of the file (no `?>` to leave out).
    let code = &text[i + 2..close.unwrap_or(text.len())];
    let code = code.get(if echo { 1 } else { 3 }..).unwrap_or("").trim();
    if !echo && is_php_comment(code) {
        return Some(comment(i..end));
    }
    let block = php_block(code).map(|event| Block { pos: i..end, event });
    Some(Token { range: i..end, kind: RegionKind::Expression, block })
}

/// Only comments: one `/* .. */`, or lines that all start with `//` or `#`.
fn is_php_comment(code: &str) -> bool {
    if code.is_empty() {
        return false;
    }
    if let Some(body) = code.strip_prefix("/*") {
        return body.find("*/").is_some_and(|p| p + 2 == body.len());
    }
    code.lines().map(str::trim).filter(|l| !l.is_empty()).all(|l| l.starts_with("//") || l.starts_with('#'))
}

fn php_block(code: &str) -> Option<BlockEvent> {
    let word = first_word(code);
    let cond = || code.get(word.len()..).unwrap_or("").trim_end_matches(['{', ':', ' ']);
    let conditional = || matches!(word, "if" | "switch") && !always_true(cond(), false);
    if let Some(after) = code.strip_prefix('}') {
        // `} else {` stays inside the block.
        return if after.trim_end().ends_with('{') {
            None
        } else {
            Some(BlockEvent::Close { name: Some("php{".into()) })
        };
    }
    if code.ends_with('{') {
        return Some(BlockEvent::Open { name: "php{".into(), conditional: conditional() });
    }
    // Alternative syntax: `if (..):` .. `endif;`, `foreach (..):` .. `endforeach;`.
    if code.ends_with(':') && matches!(word, "if" | "switch" | "foreach" | "for" | "while") {
        return Some(BlockEvent::Open { name: format!("php-{word}"), conditional: conditional() });
    }
    let closed = word.strip_prefix("end")?;
    matches!(closed, "if" | "switch" | "foreach" | "for" | "while")
        .then(|| BlockEvent::Close { name: Some(format!("php-{closed}")) })
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
                    let constant = matches!(name, "if" | "unless") && always_true(&text[after..end], name == "unless");
                    Some(BlockEvent::Open { name: "blade".into(), conditional: !constant })
                }
                _ => return None,
            };
            (ev, end)
        }
        "endif" | "endunless" | "endisset" | "endempty" | "endauth" | "endguest" | "endcan" | "endcannot"
        | "endenv" | "endproduction" | "endswitch" => (Some(BlockEvent::Close { name: Some("blade".into()) }), after),
        // Branches stay inside their block.
        "else" => (None, after),
        "elseif" => (None, balanced_parens(text, after)?),
        // `@php .. @endphp` is code: one region.
        "php" if balanced_parens(text, after).is_none() => {
            let end = find_from(text, after, "@endphp")? + "@endphp".len();
            (None, end)
        }
        // Other directives (layout, loops, includes, helpers): masked, so `@extends('app')` or
        // `@csrf` is not read as text.
        _ if BLADE_DIRECTIVES.contains(&name) => (
            match name {
                "foreach" | "for" | "forelse" | "while" | "section" | "push" | "component" | "slot" | "once" => {
                    Some(BlockEvent::Open { name: "blade-loop".into(), conditional: false })
                }
                "endforeach" | "endfor" | "endforelse" | "endwhile" | "endsection" | "endpush" | "endcomponent"
                | "endslot" | "endonce" => Some(BlockEvent::Close { name: Some("blade-loop".into()) }),
                _ => None,
            },
            balanced_parens(text, after).unwrap_or(after),
        ),
        _ => return None,
    };
    Some(Token { range: i..end, kind: RegionKind::Expression, block: event.map(|event| Block { pos: i..end, event }) })
}

/// Blade directives other than conditionals. `@section('x', 'value')` and `@push` without an
/// end are rare enough in templates that count as a consent form to be treated as blocks.
const BLADE_DIRECTIVES: &[&str] = &[
    "extends", "section", "endsection", "show", "stop", "yield", "parent", "include", "includeIf", "includeWhen",
    "includeUnless", "includeFirst", "each", "csrf", "method", "foreach", "endforeach", "for", "endfor", "forelse",
    "endforelse", "while", "endwhile", "break", "continue", "push", "endpush", "prepend", "endprepend", "stack",
    "component", "endcomponent", "slot", "endslot", "lang", "choice", "json", "error", "enderror", "props", "class",
    "style", "vite", "livewire", "livewireStyles", "livewireScripts", "once", "endonce", "disabled", "readonly",
    "required", "inject", "dd", "dump", "aware", "fragment", "endfragment", "hasSection", "sectionMissing",
];

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

/// How many leading bytes are only template regions and whitespace: the `{% extends %}`,
/// `{% load i18n %}`, `<?php require .. ?>` or `<%@ Language="VBScript" %>` header before the
/// markup. Its words must not become text, or the parser would open an implied `<body>` there,
/// ignore the `<!DOCTYPE>` that follows and put the `<head>` into the body.
fn prologue_len(bytes: &[u8], regions: &[Region]) -> usize {
    let mut at = 0;
    let mut next = regions.iter();
    loop {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        match next.next() {
            Some(r) if r.range.start == at => at = r.range.end,
            _ => return at,
        }
    }
}

/// Build the text html5ever parses: same length as `text`, template regions neutralised
/// (blanked entirely in the first `prologue` bytes).
fn mask(text: &str, regions: &[Region], prologue: usize) -> String {
    let mut out = text.as_bytes().to_vec();
    for r in regions {
        let bytes = &mut out[r.range.clone()];
        match r.kind {
            RegionKind::Comment => blank(bytes),
            RegionKind::Expression if r.range.end <= prologue || prints_nothing(&text[r.range.clone()]) => blank(bytes),
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

/// Control flow and statements print no text of their own, so their words must not be read
/// as a label: `{% if user.newsletter %}`, `{% endif %}`, `{{#if offers}}`, `{{/if}}`,
/// `{{else}}`, `{{> partial}}`, Go `{{if .X}}`/`{{end}}`, ERB `<% if @u.optin %>`, PHP
/// `<?php if ($x): ?>`, Blade `@if($x)`, `@csrf`. Output expressions (`{{ x }}`, `<%= x %>`,
/// `<?php _e('..') ?>`), translation tags (`{% trans "Subscribe" %}`) and ESP merge tags
/// written like ERB (`<%asm_group_unsubscribe_raw_url%>`) keep their words.
fn prints_nothing(raw: &str) -> bool {
    if let Some(d) = raw.strip_prefix('@') {
        return !matches!(first_word(d), "lang" | "choice");
    }
    if let Some(inner) = raw.strip_prefix("{%") {
        let tag = inner.trim_start_matches(['-', '~', '+']).trim_start();
        return CONTROL_TAGS.contains(&first_word(tag));
    }
    if raw.starts_with("{{") {
        return printed_code(raw).is_none();
    }
    if let Some(code) = raw.strip_prefix("<%") {
        // `<% code %>` prints nothing; `<%= %>`, `<%- %>` print; `<%name%>` is a merge tag.
        return code.starts_with([' ', '\t', '\n', '\r', '_']) && printed_code(raw).is_none();
    }
    if let Some(code) = raw.strip_prefix("<?php") {
        let code = code.trim_start();
        return code.starts_with('}')
            || matches!(
                first_word(code),
                "if" | "else"
                    | "elseif"
                    | "endif"
                    | "foreach"
                    | "endforeach"
                    | "for"
                    | "endfor"
                    | "while"
                    | "endwhile"
                    | "switch"
                    | "case"
                    | "endswitch"
                    | "require"
                    | "require_once"
                    | "include"
                    | "include_once"
                    | "use"
                    | "namespace"
            );
    }
    false
}

/// Jinja, Django, Twig, Nunjucks and Liquid tags that are control flow or statements.
const CONTROL_TAGS: &[&str] = &[
    "if", "elif", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "empty", "break", "continue",
    "case", "when", "endcase", "switch", "endswitch", "with", "endwith", "set", "endset", "block", "endblock",
    "extends", "load", "csrf_token", "spaceless", "endspaceless", "autoescape", "endautoescape", "capture",
    "endcapture", "assign", "macro", "endmacro", "import", "from", "use", "embed", "endembed", "apply", "endapply",
    "ifchanged", "endifchanged", "ifequal", "endifequal", "ifnotequal", "endifnotequal", "tablerow", "endtablerow",
    "paginate", "endpaginate", "form", "endform", "liquid", "call", "endcall", "filter", "endfilter", "do",
];

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
        // Control flow is blanked, output and translation tags keep their words.
        assert!(m.contains(&format!("<input {}checked{}>", " ".repeat(20), " ".repeat(11))), "{m}");
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
    fn more_comment_forms() {
        for s in [
            "{{/* <a>unsubscribe</a> */}}",
            "{{- /* <a>unsubscribe</a> */ -}}",
            "<%-- <a>unsubscribe</a> %> --%>",
            "<?php /* <a>unsubscribe</a> */ ?>",
            "<?php // unsubscribe ?>",
            "<?php\n# one\n// two\n?>",
        ] {
            let m = masked(s);
            assert!(m.trim().is_empty(), "{s:?} -> {m:?}");
            assert!(scan(s).0.in_comment(1), "{s:?}");
        }
        // Code is not a comment, and `{{/` alone is a Handlebars close.
        for s in ["<?php echo 1; /* x */ ?>", "<?php /* a */ echo 1; ?>", "{{/if}}", "<%- x %>"] {
            assert!(!scan(s).0.in_comment(1), "{s:?}");
        }
    }

    #[test]
    fn constant_conditions_always_render() {
        for (s, cond) in [
            ("{% if true %}X{% endif %}", false),
            ("{% if True %}X{% endif %}", false),
            ("{% unless false %}X{% endunless %}", false),
            ("{% if user.opt_in %}X{% endif %}", true),
            ("{{#if true}}X{{/if}}", false),
            ("{{#if optIn}}X{{/if}}", true),
            ("{{if true}}X{{end}}", false),
            ("{{- if .OptIn -}}X{{- end -}}", true),
            ("<% if true %>X<% end %>", false),
            ("<% if @u.opt_in %>X<% end %>", true),
            ("@if(true) X @endif", false),
            ("@if($u->optin) X @else Y @endif", true),
            ("<?php if (true): ?>X<?php endif; ?>", false),
            ("<?php if ($u) { ?>X<?php } ?>", true),
        ] {
            let (t, _) = scan(s);
            assert_eq!(t.in_conditional(s.find('X').unwrap()), cond, "{s}");
        }
    }

    /// Each marker letter (its first occurrence) is inside a conditional block or not.
    fn assert_conditional(s: &str, want: &[(char, bool)]) {
        let (t, _) = scan(s);
        for &(c, cond) in want {
            assert_eq!(t.in_conditional(s.find(c).unwrap()), cond, "{c} in {s}");
        }
    }

    #[test]
    fn asp_and_ejs_blocks() {
        assert_conditional(
            "<% If user.OptedIn Then %>X<% Else %>Y<% End If %>Z",
            &[('X', true), ('Y', true), ('Z', false)],
        );
        // A one-line VBScript `If .. Then ..` opens no block.
        let (t, _) = scan("<% If a Then Response.Write(1) %>Z");
        assert!(!t.in_conditional(t.regions[0].range.end));
        assert_conditional(
            "<% if (u.optedIn) { %>X<% } else { %>Y<% } %>Z<% xs.forEach(function (x) { %>W<% }) %>",
            &[('X', true), ('Y', true), ('Z', false), ('W', false)],
        );
    }

    #[test]
    fn php_brace_blocks_nest() {
        assert_conditional(
            "<?php if ($a) { ?><?php foreach ($xs as $x) { ?>W<?php } ?>X<?php } else { ?>Y<?php } ?>Z",
            &[('W', true), ('X', true), ('Y', true), ('Z', false)],
        );
    }

    #[test]
    fn printed_expressions() {
        for (raw, code) in [
            ("{{ unsubscribe_link }}", Some("unsubscribe_link")),
            ("{{{unsubscribe}}}", Some("unsubscribe")),
            ("{{- .UnsubscribeURL -}}", Some(".UnsubscribeURL")),
            ("{!! $unsubscribeLink !!}", Some("$unsubscribeLink")),
            ("<%= unsubscribe_url %>", Some("unsubscribe_url")),
            ("<%- unsubscribeUrl -%>", Some("unsubscribeUrl")),
            ("<%- if unsubscribe_url -%>", None),
            ("<?= $unsubscribe_url ?>", Some("$unsubscribe_url")),
            ("<?php echo $unsubscribe_url; ?>", Some("$unsubscribe_url;")),
            ("{{#if unsubscribe}}", None),
            ("{{/unsubscribe}}", None),
            ("{{> unsubscribe_footer}}", None),
            ("{{ if .Unsubscribe }}", None),
            ("{% unsubscribe %}", None),
            ("<% unsubscribe_url %>", None),
            ("<?php $unsubscribe = 1; ?>", None),
        ] {
            assert_eq!(printed_code(raw), code, "{raw}");
        }
    }

    #[test]
    fn blade_constant_attributes() {
        assert!(always_sets("@checked(true)", "checked"));
        assert!(always_sets("@checked( 1 )", "checked"));
        assert!(always_sets("@selected(true)", "selected"));
        assert!(!always_sets("@checked($user->opted_in)", "checked"));
        assert!(!always_sets("@checked(true)", "selected"));
        assert!(!always_sets("@if(true)", "checked"));
    }

    #[test]
    fn prologue_is_blanked_so_the_doctype_still_counts() {
        for s in [
            "{% extends \"base.html\" %}\n{% load i18n %}\n<!DOCTYPE html><p>{% trans \"Hi\" %}</p>",
            "<%@ Language=\"VBScript\" %>\r\n<!DOCTYPE html><p>x</p>",
            "<?php require 'a.php'; ?>\n<html><p>x</p>",
        ] {
            let m = masked(s);
            let markup = s.find("<!DOCTYPE").or_else(|| s.find("<html")).unwrap_or(s.len());
            assert!(m[..markup].trim().is_empty(), "{s:?} -> {m:?}");
        }
        // After the first tag, words are kept.
        assert!(masked("<p>{% trans \"Hi\" %}</p>").contains("Hi"));
        let doc = crate::html::Document::parse(&masked(
            "{% load static %}\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"x\"><html><body><p>x</p></body></html>",
        ));
        assert!(doc.doctype_public_id.as_deref().is_some_and(|d| d.contains("XHTML 1.0")));
    }

    #[test]
    fn blade_directives_are_masked() {
        let s = "@extends('layouts.app')\n@section('content')\n<form>@csrf @method('PUT')\n@foreach($xs as $x)<input checked>@endforeach\n@php $a = 1; @endphp</form>\n@endsection";
        let m = masked(s);
        for word in ["extends", "layouts", "csrf", "method", "PUT", "foreach", "$a"] {
            assert!(!m.contains(word), "{word} in {m:?}");
        }
        let (t, _) = scan(s);
        assert!(!t.in_conditional(s.find("checked").unwrap()));
        // An email address or CSS at-rule is not a directive.
        let (t, _) = scan("<p>info@section.example</p><style>@media (x) {}</style>");
        assert!(t.is_empty());
    }

    #[test]
    fn control_flow_words_are_not_text() {
        for (s, gone, kept) in [
            ("<label>{% if cart.newsletter_offer %}{% endif %}Express</label>", "newsletter", "Express"),
            ("<label>{%- unless u.offers -%}x{%- endunless -%}</label>", "offers", "x"),
            ("<label>{{#if newsletterOffers}}{{/if}}{{else}}Express</label>", "newsletter", "Express"),
            ("<label>{{> newsletter_partial}}{{ name }}</label>", "newsletter", "name"),
            ("<label>{{if .Newsletter}}{{end}}{{ .Name }}</label>", "Newsletter", "Name"),
            ("<label><% if @u.newsletter %><% end %><%= t('x.newsletter') %></label>", "@u", "x.newsletter"),
            ("<label><?php if ($newsletter): ?><?php endif; ?><?php _e('Offers'); ?></label>", "$newsletter", "Offers"),
            ("<a href=\"<%asm_group_unsubscribe_raw_url%>\">x</a>", "", "asm_group_unsubscribe_raw_url"),
        ] {
            let m = masked(s);
            assert!(gone.is_empty() || !m.contains(gone), "{gone} in {m:?}");
            assert!(m.contains(kept), "{kept} not in {m:?}");
        }
    }

    #[test]
    fn unclosed_php_before_multibyte_text() {
        // Found by a random-input run: the unclosed block's last two bytes were inside '文'.
        let s = "unsubscribe<?=*/*/(@endphp<% if (x) { %>If<%=}}else中文";
        let (t, m) = scan(s);
        assert_eq!(m.map(|m| m.len()), Some(s.len()));
        assert!(t.in_expression(s.len() - 1));
        let s = "<?php if ($a): ?>x<?php 中";
        let (t, _) = scan(s);
        assert!(t.in_conditional(s.find('x').unwrap()));
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
