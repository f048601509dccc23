//! Parsing HTML with html5ever while recording exact source spans.
//!
//! html5ever gives no source offsets. We drive its tokenizer ourselves with a token sink that
//! sits between the tokenizer and the tree builder. The sink shares the input queue, so when a
//! token arrives "input length minus bytes still queued" is the offset just past the token. For
//! a start tag we find its `<` and re-read the tag (see `tag.rs`), accepting the re-read only if
//! it ends exactly where the tokenizer says. The tree sink records which elements the tree
//! builder created while that token was processed: the last one is the tag's own (implied
//! elements such as tbody are created before it), and which it popped (to find where each
//! element ends). See ../shared/PARSING.md for how this was measured.

mod sink;
pub mod tag;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;

use ego_tree::NodeId;
use scraper::{ElementRef, Html};

pub use tag::{AttrSpan, TagSpan};

/// A parsed document with spans into the text it was parsed from.
///
/// During the parse only the start and end offset of each start tag is recorded (cheap); the
/// tag is re-read for its name and attribute spans the first time a rule asks (`span`), and
/// element ends are computed the first time `outer` is called.
pub struct Document {
    pub html: Html,
    /// The text that was parsed (masked for templates; same length as the original).
    text: String,
    /// Byte range of the start tag of each element that came from one in the source.
    tags: HashMap<NodeId, TagEntry>,
    /// End tags in source order: (lowercase name, span).
    end_tags: Vec<(String, Range<usize>)>,
    ends: OnceCell<HashMap<NodeId, usize>>,
    sorted_tags: OnceCell<Vec<Range<usize>>>,
    /// Spans of HTML comments (including `<!--[if mso]>` conditional comments and bogus
    /// comments like `<?xml ?>`), in source order.
    pub comments: Vec<Range<usize>>,
    /// Raw text content of script/style-like elements (not markup), in source order.
    pub raw_text: Vec<Range<usize>>,
    /// Doctype public identifier, if any.
    pub doctype_public_id: Option<String>,
}

struct TagEntry {
    range: Range<usize>,
    spans: OnceCell<Option<TagSpan>>,
}

impl Document {
    /// Parse `text` (already masked for template syntax, same length as the original).
    pub fn parse(text: &str) -> Document {
        sink::parse(text)
    }

    /// The element's start tag with name and attribute spans, if it came from one.
    pub fn span(&self, el: ElementRef<'_>) -> Option<&TagSpan> {
        let entry = self.tags.get(&el.id())?;
        entry
            .spans
            .get_or_init(|| {
                let t = tag::read_start_tag(&self.text, entry.range.start, entry.range.end)?;
                let name = &self.text[t.name_span.clone()];
                let dom = el.value().name();
                let same = name.eq_ignore_ascii_case(dom) || (name.eq_ignore_ascii_case("image") && dom == "img");
                (t.span.end == entry.range.end && same).then_some(t)
            })
            .as_ref()
    }

    /// The element's start tag span, or the nearest ancestor's that has one (implied elements
    /// have none), or the start of the file.
    pub fn anchor(&self, el: ElementRef<'_>) -> Range<usize> {
        let mut node = Some(*el);
        while let Some(n) = node {
            if let Some(e) = ElementRef::wrap(n)
                && let Some(s) = self.span(e)
            {
                return s.span.clone();
            }
            node = n.parent();
        }
        0..0
    }

    /// The source range an element covers: from its start tag to its end.
    pub fn outer(&self, el: ElementRef<'_>) -> Option<Range<usize>> {
        let start = self.span(el)?.span.start;
        let ends = self
            .ends
            .get_or_init(|| sink::element_ends(&self.html, &self.tags_ranges(), &self.end_tags, self.text.len()));
        let end = ends.get(&el.id()).copied()?;
        Some(start..end.max(start))
    }

    fn tags_ranges(&self) -> HashMap<NodeId, usize> {
        self.tags
            .iter()
            .filter(|(_, e)| e.spans.get().is_none_or(Option::is_some))
            .map(|(id, e)| (*id, e.range.start))
            .collect()
    }

    /// The start tag (byte range) that contains `offset`, if any.
    pub fn tag_containing(&self, offset: usize) -> Option<Range<usize>> {
        let sorted = self.sorted_tags.get_or_init(|| {
            let mut v: Vec<Range<usize>> = self.tags.values().map(|e| e.range.clone()).collect();
            v.sort_by_key(|r| r.start);
            v
        });
        let i = sorted.partition_point(|r| r.start <= offset);
        sorted[..i].last().filter(|r| offset < r.end).cloned()
    }

    /// Is `offset` inside an HTML comment or raw text (script/style)?
    pub fn is_dead(&self, offset: usize) -> bool {
        in_sorted(&self.comments, offset) || in_sorted(&self.raw_text, offset)
    }

    pub fn root(&self) -> ElementRef<'_> {
        self.html.root_element()
    }

    /// All elements in document order.
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'_>> {
        self.html.tree.root().descendants().filter_map(ElementRef::wrap)
    }
}

fn in_sorted(ranges: &[Range<usize>], offset: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= offset);
    ranges.get(i).is_some_and(|r| r.start <= offset)
}

#[cfg(test)]
mod tests;
