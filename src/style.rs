//! Just enough CSS to tell whether an element can be seen: declarations from its `style`
//! attribute and from the document's `<style>` blocks (rules whose selectors scraper can match:
//! type, class, id, attribute, descendant and child selectors), a simplified cascade, and
//! colours. Tokenizing is cssparser's (the crate scraper's selectors already depend on), so
//! strings, comments and nested blocks are read as a browser reads them.
//!
//! Simplifications, on purpose: `@media` and other at-rules are skipped (they apply only on
//! some clients or screens), specificity is estimated from the selector text (ids, then
//! classes/attributes/pseudo-classes, then types), and only the properties rules ask about are
//! looked at.

use std::ops::Range;

use cssparser::{Delimiter, Parser, Token};
use scraper::{ElementRef, Selector};

/// One `property: value` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    /// Lowercased property name.
    pub name: String,
    /// The value as written, trimmed, without `!important`.
    pub value: String,
    pub important: bool,
}

/// Declarations from a `style` attribute or a rule body.
pub fn parse_declarations(css: &str) -> Vec<Declaration> {
    let mut p = Parser::new(css);
    declarations(&mut p)
}

fn declarations(p: &mut Parser<'_>) -> Vec<Declaration> {
    let mut out = Vec::new();
    while !p.is_exhausted() {
        let parsed = p.parse_until_after(Delimiter::Semicolon, |p| {
            let name = p.expect_ident()?.to_ascii_lowercase();
            p.expect_colon()?;
            let start = p.position();
            while p.next().is_ok() {}
            Ok::<_, cssparser::ParseError<()>>((name, p.slice_from(start).to_string()))
        });
        if let Ok((name, raw)) = parsed {
            let raw = raw.trim().trim_end_matches(';').trim();
            let lower = raw.to_ascii_lowercase();
            let (value, important) = match lower.rfind("!important") {
                Some(i) if lower[i..].trim() == "!important" => (raw[..i].trim().to_string(), true),
                _ => (raw.to_string(), false),
            };
            out.push(Declaration { name, value, important });
        }
    }
    out
}

/// How a rule's declaration ranks in the cascade: `!important`, specificity, source order.
type Rank = (bool, (u32, u32, u32), usize);

/// One style rule of a `<style>` block: a selector (one of a comma-separated list) and its
/// declarations.
#[derive(Debug)]
struct StyleRule {
    selector: Selector,
    /// (ids, classes/attributes/pseudo-classes, types), estimated from the text.
    specificity: (u32, u32, u32),
    declarations: Vec<Declaration>,
}

/// The style rules of a document, in source order.
#[derive(Debug, Default)]
pub struct StyleSheet {
    rules: Vec<StyleRule>,
}

/// Where a property's value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The element's own `style` attribute (its whole span).
    Inline(Range<usize>),
    /// A `<style>` block rule.
    Sheet,
    /// A presentational attribute (`bgcolor`, `<font color>`), its whole span.
    Attribute(Range<usize>),
}

impl StyleSheet {
    /// Parse CSS text (the contents of one or more `<style>` blocks).
    pub fn parse(css: &str) -> StyleSheet {
        let mut sheet = StyleSheet::default();
        sheet.add(css);
        sheet
    }

    pub fn add(&mut self, css: &str) {
        let mut p = Parser::new(css);
        loop {
            let start = p.position();
            let _ = p.parse_until_before(Delimiter::CurlyBracketBlock | Delimiter::Semicolon, |p| {
                while p.next().is_ok() {}
                Ok::<_, cssparser::ParseError<()>>(())
            });
            let prelude = p.slice_from(start).replace("<!--", "").replace("-->", "");
            let prelude = prelude.trim();
            match p.next() {
                Ok(Token::CurlyBracketBlock) => {
                    // At-rules (@media, @font-face, ...) apply only on some screens: skipped.
                    if prelude.starts_with('@') || prelude.is_empty() {
                        continue;
                    }
                    let decls = p
                        .parse_nested_block(|p| Ok::<_, cssparser::ParseError<()>>(declarations(p)))
                        .unwrap_or_default();
                    for part in prelude.split(',') {
                        if let Ok(selector) = Selector::parse(part.trim()) {
                            self.rules.push(StyleRule {
                                selector,
                                specificity: specificity(part),
                                declarations: decls.clone(),
                            });
                        }
                    }
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The cascaded value of `property` on `el` itself (not inherited): the `style` attribute
    /// wins over rules unless a rule is `!important`; among rules, specificity then order.
    /// `style_attr` is the span of the element's `style` attribute, when it has one.
    pub fn value(
        &self,
        el: ElementRef<'_>,
        property: &str,
        style_attr: Option<Range<usize>>,
    ) -> Option<(String, Origin)> {
        let inline =
            el.value().attr("style").and_then(|s| parse_declarations(s).into_iter().rev().find(|d| d.name == property));
        let mut best: Option<(&Declaration, Rank)> = None;
        for (i, rule) in self.rules.iter().enumerate() {
            let Some(d) = rule.declarations.iter().rev().find(|d| d.name == property) else { continue };
            let key = (d.important, rule.specificity, i);
            if best.as_ref().is_some_and(|(_, k)| *k > key) || !rule.selector.matches(&el) {
                continue;
            }
            best = Some((d, key));
        }
        match (inline, best) {
            (Some(i), Some((d, _))) if d.important && !i.important => Some((d.value.clone(), Origin::Sheet)),
            (Some(i), _) => Some((i.value, Origin::Inline(style_attr.unwrap_or(0..0)))),
            (None, Some((d, _))) => Some((d.value.clone(), Origin::Sheet)),
            (None, None) => None,
        }
    }
}

/// Specificity estimated from selector text: `#id` counts as an id; `.class`, `[attr]` and
/// `:pseudo` as classes; each compound that starts with a letter as a type.
fn specificity(selector: &str) -> (u32, u32, u32) {
    let (mut ids, mut classes, mut types) = (0, 0, 0);
    let mut prev = ' ';
    for c in selector.chars() {
        match c {
            '#' => ids += 1,
            '.' | '[' | ':' => classes += 1,
            c if c.is_ascii_alphabetic() && matches!(prev, ' ' | '>' | '+' | '~') => types += 1,
            _ => {}
        }
        prev = c;
    }
    (ids, classes, types)
}

/// An sRGB colour with alpha (0.0 transparent to 1.0 opaque).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: f32,
}

impl Color {
    pub const WHITE: Color = Color { r: 255, g: 255, b: 255, a: 1.0 };

    /// `#rgb`, `#rrggbb`, `#rgba`, `#rrggbbaa`, `rgb()`/`rgba()` (numbers or percentages), named
    /// colours and `transparent`. Also the bare hex that legacy `bgcolor` attributes allow.
    pub fn parse(value: &str) -> Option<Color> {
        let v = value.trim();
        let lower = v.to_ascii_lowercase();
        if lower == "transparent" {
            return Some(Color { r: 0, g: 0, b: 0, a: 0.0 });
        }
        if let Some(hex) = v.strip_prefix('#') {
            return cssparser::color::parse_hash_color(hex.as_bytes()).ok().map(|(r, g, b, a)| Color { r, g, b, a });
        }
        if let Ok((r, g, b)) = cssparser::color::parse_named_color(&lower) {
            return Some(Color { r, g, b, a: 1.0 });
        }
        if let Some(args) = lower.strip_prefix("rgba(").or_else(|| lower.strip_prefix("rgb(")) {
            let args = args.strip_suffix(')')?;
            let parts: Vec<&str> = args.split([',', ' ', '/']).map(str::trim).filter(|s| !s.is_empty()).collect();
            if parts.len() < 3 {
                return None;
            }
            let channel = |s: &str| -> Option<u8> {
                Some(match s.strip_suffix('%') {
                    Some(p) => (p.parse::<f32>().ok()?.clamp(0.0, 100.0) * 2.55).round() as u8,
                    None => s.parse::<f32>().ok()?.clamp(0.0, 255.0).round() as u8,
                })
            };
            let a = match parts.get(3) {
                Some(s) => match s.strip_suffix('%') {
                    Some(p) => p.parse::<f32>().ok()? / 100.0,
                    None => s.parse::<f32>().ok()?,
                },
                None => 1.0,
            };
            return Some(Color {
                r: channel(parts[0])?,
                g: channel(parts[1])?,
                b: channel(parts[2])?,
                a: a.clamp(0.0, 1.0),
            });
        }
        if v.len() == 6 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
            return cssparser::color::parse_hash_color(v.as_bytes()).ok().map(|(r, g, b, a)| Color { r, g, b, a });
        }
        None
    }

    /// The first colour in a `background` shorthand (`#fff url(x.png) no-repeat`).
    pub fn from_background(value: &str) -> Option<Color> {
        let mut p = Parser::new(value);
        while !p.is_exhausted() {
            let start = p.position();
            let Ok(tok) = p.next().cloned() else { break };
            let text = match tok {
                Token::Function(_) => {
                    let _ = p.parse_nested_block(|p| {
                        while p.next().is_ok() {}
                        Ok::<_, cssparser::ParseError<()>>(())
                    });
                    p.slice_from(start)
                }
                _ => p.slice_from(start),
            };
            if let Some(c) = Color::parse(text) {
                return Some(c);
            }
        }
        None
    }

    /// WCAG 2 relative luminance.
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }

    /// WCAG 2 contrast ratio, 1.0 (same) to 21.0 (black on white). `self` is drawn over
    /// `background` (its alpha blended in).
    pub fn contrast(self, background: Color) -> f64 {
        let a = f64::from(self.a);
        let blend = |f: u8, b: u8| (a * f64::from(f) + (1.0 - a) * f64::from(b)).round() as u8;
        let fg = Color {
            r: blend(self.r, background.r),
            g: blend(self.g, background.g),
            b: blend(self.b, background.b),
            a: 1.0,
        };
        let (l1, l2) = (fg.luminance(), background.luminance());
        let (hi, lo) = if l1 > l2 { (l1, l2) } else { (l2, l1) };
        (hi + 0.05) / (lo + 0.05)
    }
}

/// A length in CSS pixels: `0`, `7px`, `5pt`, `0.4em` (em/rem against 16px). `None` for
/// percentages, keywords and anything else.
pub fn px(value: &str) -> Option<f64> {
    let v = value.trim().to_ascii_lowercase();
    let split = v.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+')).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().ok()?;
    Some(match unit.trim() {
        "" if n == 0.0 => 0.0,
        "" | "px" => n,
        "pt" => n * 4.0 / 3.0,
        "em" | "rem" => n * 16.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_read_like_a_browser() {
        let d = parse_declarations("color: #FFF; font-size:7px !important;; background: url('a;b.png') #000 ; bad");
        assert_eq!(d.len(), 3);
        assert_eq!((d[0].name.as_str(), d[0].value.as_str()), ("color", "#FFF"));
        assert!(d[1].important);
        assert_eq!(d[1].value, "7px");
        assert_eq!(d[2].value, "url('a;b.png') #000");
        assert_eq!(Color::from_background(&d[2].value), Some(Color { r: 0, g: 0, b: 0, a: 1.0 }));
    }

    #[test]
    fn colours_and_contrast() {
        let white = Color::parse("white").unwrap();
        assert_eq!(Color::parse("#ffffff"), Some(white));
        assert_eq!(Color::parse("rgb(255, 255, 255)"), Some(white));
        assert_eq!(Color::parse("ffffff"), Some(white));
        let black = Color::parse("#000").unwrap();
        assert!((black.contrast(white) - 21.0).abs() < 0.01);
        assert!(Color::parse("#fefefe").unwrap().contrast(white) < 1.5);
        assert!(Color::parse("#767676").unwrap().contrast(white) > 4.5);
        assert!(Color::parse("rgba(0,0,0,0)").unwrap().contrast(white) < 1.01);
        assert_eq!(Color::parse("not-a-colour"), None);
    }

    #[test]
    fn lengths() {
        assert_eq!(px("0"), Some(0.0));
        assert_eq!(px("7px"), Some(7.0));
        assert_eq!(px("6pt"), Some(8.0));
        assert_eq!(px("50%"), None);
    }

    #[test]
    fn sheet_cascade() {
        let html = scraper::Html::parse_document(r#"<p class="f" id="x"><a class="u" style="color:red">x</a></p>"#);
        let sheet = StyleSheet::parse(
            "<!-- a { color: blue } .f .u { color: white !important } @media (max-width:600px) { a { display:none } } a:hover { display:none } -->",
        );
        let a = html.select(&Selector::parse("a").unwrap()).next().unwrap();
        assert_eq!(sheet.value(a, "color", None).map(|v| v.0), Some("white".into()));
        assert_eq!(sheet.value(a, "display", None), None);
    }
}
