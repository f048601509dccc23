//! Re-reading one start tag from the source, following the HTML tokenizer's tag and attribute
//! states, to find the exact byte span of the tag, its name and each attribute.

use std::ops::Range;

/// Byte spans of one attribute in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrSpan {
    /// The attribute name, lowercased as the tokenizer does.
    pub name: String,
    /// The whole attribute: name, `=`, and value with its quotes.
    pub span: Range<usize>,
    /// The name only.
    pub name_span: Range<usize>,
    /// The value without quotes (`None` for a bare attribute like `checked`).
    pub value_span: Option<Range<usize>>,
}

/// Byte spans of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSpan {
    /// From `<` to just past `>`.
    pub span: Range<usize>,
    pub name_span: Range<usize>,
    /// Attributes as the DOM keeps them: in source order, first of duplicates only.
    pub attrs: Vec<AttrSpan>,
}

impl TagSpan {
    pub fn attr(&self, name: &str) -> Option<&AttrSpan> {
        self.attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Read a start tag at `start` (which must be `<`). Returns the spans if the tag is well
/// formed and ends (just past `>`) at or before `limit`; the caller checks it ends exactly
/// where the tokenizer said.
pub fn read_start_tag(src: &str, start: usize, limit: usize) -> Option<TagSpan> {
    let b = src.as_bytes();
    let limit = limit.min(b.len());
    if b.get(start) != Some(&b'<') {
        return None;
    }
    let mut i = start + 1;
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let name_start = i;
    while i < limit && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name_span = name_start..i;
    let mut attrs: Vec<AttrSpan> = Vec::new();
    loop {
        // Before attribute name.
        while i < limit && (is_ws(b[i]) || b[i] == b'/') {
            if b[i] == b'/' && b.get(i + 1) == Some(&b'>') && i + 1 < limit {
                i += 1;
                break;
            }
            i += 1;
        }
        if i >= limit {
            return None;
        }
        if b[i] == b'>' {
            return Some(TagSpan { span: start..i + 1, name_span, attrs });
        }
        // Attribute name: the first character may be `=`.
        let an_start = i;
        i += 1;
        while i < limit && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let an_end = i;
        // After attribute name.
        let mut j = i;
        while j < limit && is_ws(b[j]) {
            j += 1;
        }
        let mut value_span = None;
        let mut attr_end = an_end;
        if j < limit && b[j] == b'=' {
            j += 1;
            while j < limit && is_ws(b[j]) {
                j += 1;
            }
            if j >= limit {
                return None;
            }
            match b[j] {
                q @ (b'"' | b'\'') => {
                    let vs = j + 1;
                    let close = b[vs..limit].iter().position(|&c| c == q)? + vs;
                    value_span = Some(vs..close);
                    i = close + 1;
                    attr_end = i;
                }
                b'>' => {
                    // `a=>`: missing value; the attribute has an empty value.
                    value_span = Some(j..j);
                    i = j;
                    attr_end = j;
                }
                _ => {
                    let vs = j;
                    while j < limit && !is_ws(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value_span = Some(vs..j);
                    i = j;
                    attr_end = j;
                }
            }
        } else {
            // No value: continue from after the name (whitespace is skipped by the loop).
            i = an_end;
        }
        let name = src[an_start..an_end].to_ascii_lowercase();
        if !attrs.iter().any(|a| a.name == name) {
            attrs.push(AttrSpan { name, span: an_start..attr_end, name_span: an_start..an_end, value_span });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> TagSpan {
        read_start_tag(s, 0, s.len()).expect("tag")
    }

    #[test]
    fn attributes_all_forms() {
        let s = r#"<INPUT Type=checkbox CHECKED name='a b' id="x>y" data-x = 1 />"#;
        let t = read(s);
        assert_eq!(t.span, 0..s.len());
        assert_eq!(&s[t.name_span.clone()], "INPUT");
        let names: Vec<_> = t.attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["type", "checked", "name", "id", "data-x"]);
        let c = t.attr("checked").unwrap();
        assert_eq!(&s[c.span.clone()], "CHECKED");
        assert_eq!(c.value_span, None);
        let id = t.attr("id").unwrap();
        assert_eq!(&s[id.value_span.clone().unwrap()], "x>y");
        assert_eq!(&s[id.span.clone()], r#"id="x>y""#);
        let dx = t.attr("data-x").unwrap();
        assert_eq!(&s[dx.span.clone()], "data-x = 1");
    }

    #[test]
    fn duplicates_keep_first_and_no_space_between_quoted() {
        let s = r#"<a href="1"href="2" checked checked=x>"#;
        let t = read(s);
        assert_eq!(t.attrs.len(), 2);
        assert_eq!(&s[t.attr("href").unwrap().value_span.clone().unwrap()], "1");
        assert_eq!(&s[t.attr("checked").unwrap().span.clone()], "checked");
    }

    #[test]
    fn equals_first_and_slash_inside() {
        let s = "<p =x / y>";
        let t = read(s);
        let names: Vec<_> = t.attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["=x", "y"]);
    }

    #[test]
    fn unterminated_is_none() {
        assert!(read_start_tag("<a href='x", 0, 10).is_none());
        assert!(read_start_tag("< a>", 0, 4).is_none());
    }
}
