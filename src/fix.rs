//! Safe automatic fixes (`--fix`) and their preview (`--diff`).
//!
//! A fix is a set of byte edits on the decoded text. Applying maps them to the file's own bytes,
//! so every byte outside the edited ranges is untouched (line endings, encoding, indentation),
//! and writes atomically.

use std::ops::Range;

use crate::finding::{Edit, Finding, Fix};
use crate::source::SourceFile;

/// Remove an attribute written at `span` in `text`, with the whitespace that separated it, so
/// `<input type=checkbox checked>` becomes `<input type=checkbox>` and an attribute alone on
/// its line takes the line with it.
pub fn remove_attribute(text: &str, span: Range<usize>) -> Edit {
    let bytes = text.as_bytes();
    let is_space = |b: u8| b == b' ' || b == b'\t';
    let mut start = span.start;
    while start > 0 && is_space(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = span.end;
    let before_newline = start > 0 && matches!(bytes[start - 1], b'\n' | b'\r');
    if before_newline {
        // Alone on its line (possibly followed by `>` or more attributes): drop the line break
        // after it instead, or keep the closing `>` where it is.
        let mut e = end;
        while e < bytes.len() && is_space(bytes[e]) {
            e += 1;
        }
        if e < bytes.len() && bytes[e] == b'\r' {
            e += 1;
        }
        if e < bytes.len() && bytes[e] == b'\n' {
            end = e + 1;
        } else {
            // `\n    checked>`: remove the attribute and its indentation, the `>` moves up.
            let mut s = start;
            if s > 0 && bytes[s - 1] == b'\n' {
                s -= 1;
            }
            if s > 0 && bytes[s - 1] == b'\r' {
                s -= 1;
            }
            start = s;
        }
    } else if start == span.start {
        // Directly after another token (`<input checked type=x>` has a space before it, so
        // this is `"x"checked`): take the whitespace after it instead.
        while end < bytes.len() && is_space(bytes[end]) {
            end += 1;
        }
    }
    Edit { range: start..end, replacement: String::new() }
}

/// Insert an attribute at the end of a start tag whose span is `tag` (before `>` or `/>`).
pub fn add_attribute(text: &str, tag: Range<usize>, attr: &str) -> Edit {
    let inner = &text[tag.clone()];
    let close = if inner.ends_with("/>") { 2 } else { 1 };
    let mut at = tag.end - close;
    while at > tag.start && text.as_bytes()[at - 1] == b' ' {
        at -= 1;
    }
    Edit { range: at..at, replacement: format!(" {attr}") }
}

/// Apply every fix of `findings` to the file's `original` bytes. Overlapping fixes are skipped
/// (a later run picks them up). Returns the new bytes and the number of fixes applied, or
/// `None` when nothing applies.
pub fn apply(source: &SourceFile, original: &[u8], findings: &[Finding]) -> Option<(Vec<u8>, usize)> {
    let mut fixes: Vec<&Fix> = findings.iter().filter_map(|f| f.fix.as_ref()).collect();
    if fixes.is_empty() {
        return None;
    }
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.range.start).min().unwrap_or(0));
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let ranges: Vec<Range<usize>> =
            fix.edits.iter().map(|e| source.file_offset(e.range.start)..source.file_offset(e.range.end)).collect();
        let overlaps = ranges.iter().any(|r| {
            taken.iter().any(|t| (r.start < t.end && t.start < r.end) || (r.is_empty() && t.contains(&r.start)))
        });
        if overlaps {
            continue;
        }
        for (r, e) in ranges.into_iter().zip(&fix.edits) {
            taken.push(r.clone());
            edits.push((r, e.replacement.as_str()));
        }
        applied += 1;
    }
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = Vec::with_capacity(original.len());
    let mut at = 0;
    for (r, replacement) in edits {
        out.extend_from_slice(&original[at..r.start]);
        out.extend_from_slice(replacement.as_bytes());
        at = r.end;
    }
    out.extend_from_slice(&original[at..]);
    Some((out, applied))
}

/// A unified diff of a file before and after fixing, for `--diff`.
pub fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(text: &str, attr: &str) -> String {
        let at = text.find(attr).unwrap();
        let e = remove_attribute(text, at..at + attr.len());
        format!("{}{}", &text[..e.range.start], &text[e.range.end..])
    }

    #[test]
    fn remove_attribute_keeps_the_tag_tidy() {
        assert_eq!(removed("<input type=checkbox checked>", "checked"), "<input type=checkbox>");
        assert_eq!(removed("<input checked type=checkbox>", "checked"), "<input type=checkbox>");
        assert_eq!(
            removed("<input type=\"checkbox\" checked=\"checked\" name=a>", "checked=\"checked\""),
            "<input type=\"checkbox\" name=a>"
        );
        assert_eq!(
            removed("<input\n  type=checkbox\n  checked\n  name=a>", "checked"),
            "<input\n  type=checkbox\n  name=a>"
        );
        assert_eq!(removed("<input\r\n  type=checkbox\r\n  checked>", "checked"), "<input\r\n  type=checkbox>");
        assert_eq!(removed("<input type=\"x\"checked>", "checked"), "<input type=\"x\">");
    }

    #[test]
    fn add_attribute_before_the_end() {
        let t = "<option value=no>";
        let e = add_attribute(t, 0..t.len(), "selected");
        assert_eq!(
            format!("{}{}{}", &t[..e.range.start], e.replacement, &t[e.range.end..]),
            "<option value=no selected>"
        );
        let t = "<option value=no />";
        let e = add_attribute(t, 0..t.len(), "selected");
        assert_eq!(
            format!("{}{}{}", &t[..e.range.start], e.replacement, &t[e.range.end..]),
            "<option value=no selected />"
        );
    }
}
