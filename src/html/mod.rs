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

use std::collections::HashMap;
use std::ops::Range;

use ego_tree::NodeId;
use scraper::{ElementRef, Html};

pub use tag::{AttrSpan, TagSpan};

/// A parsed document with spans into the text it was parsed from.
pub struct Document {
    pub html: Html,
    /// Start-tag spans of elements that came from a start tag in the source.
    pub spans: HashMap<NodeId, TagSpan>,
    /// Where each element ends in the source (just past its end tag, or where it was closed
    /// implicitly).
    pub ends: HashMap<NodeId, usize>,
    /// Spans of HTML comments (including `<!--[if mso]>` conditional comments and bogus
    /// comments like `<?xml ?>`), in source order.
    pub comments: Vec<Range<usize>>,
    /// Raw text content of script/style-like elements (not markup), in source order.
    pub raw_text: Vec<Range<usize>>,
    /// Doctype public identifier, if any.
    pub doctype_public_id: Option<String>,
}

impl Document {
    /// Parse `text` (already masked for template syntax, same length as the original).
    pub fn parse(text: &str) -> Document {
        sink::parse(text)
    }

    pub fn span(&self, el: ElementRef<'_>) -> Option<&TagSpan> {
        self.spans.get(&el.id())
    }

    /// The element's start tag span, or the nearest ancestor's that has one (implied elements
    /// have none), or the start of the file.
    pub fn anchor(&self, el: ElementRef<'_>) -> Range<usize> {
        let mut node = Some(*el);
        while let Some(n) = node {
            if let Some(s) = self.spans.get(&n.id()) {
                return s.span.clone();
            }
            node = n.parent();
        }
        0..0
    }

    /// The source range an element covers: from its start tag to its end.
    pub fn outer(&self, el: ElementRef<'_>) -> Option<Range<usize>> {
        let start = self.spans.get(&el.id())?.span.start;
        let end = self.ends.get(&el.id()).copied()?;
        Some(start..end.max(start))
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
