//! The token sink between html5ever's tokenizer and tree builder that records spans.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;
use std::ops::Range;

use ego_tree::NodeId;
use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, QualName, TokenizerResult};
use scraper::Html;
use scraper::html::HtmlTreeSink;

use super::Document;

pub(super) fn parse(text: &str) -> Document {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(text));
    let recorder = Recorder { inner: HtmlTreeSink::new(Html::new_document()), created: Cell::new(None) };
    let tb_opts = TreeBuilderOpts {
        // Forms inside <noscript> are real forms for a user without JavaScript.
        scripting_enabled: false,
        ..Default::default()
    };
    let sink = SpanSink {
        tb: TreeBuilder::new(recorder, tb_opts),
        queue: &queue,
        src: text,
        total: text.len(),
        prev_end: Cell::new(0),
        raw_start: Cell::new(None),
        out: RefCell::new(Collected::default()),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    // The tokenizer pauses after a script end tag and at `<meta charset>`; keep feeding.
    while !matches!(tokenizer.feed(&queue), TokenizerResult::Done) {}
    tokenizer.end();
    let sink = tokenizer.sink;
    let out = sink.out.into_inner();
    let html = sink.tb.sink.finish();
    Document {
        html,
        text: text.to_string(),
        tags: out
            .tags
            .into_iter()
            .map(|(id, range)| (id, super::TagEntry { range, spans: Default::default() }))
            .collect(),
        end_tags: out.end_tags,
        ends: Default::default(),
        sorted_tags: Default::default(),
        comments: out.comments,
        raw_text: out.raw_text,
        doctype_public_id: out.doctype_public_id,
    }
}

#[derive(Default)]
struct Collected {
    /// Start tag byte ranges.
    tags: HashMap<NodeId, Range<usize>>,
    /// End tags in source order: (lowercase name, span).
    end_tags: Vec<(String, Range<usize>)>,
    comments: Vec<Range<usize>>,
    raw_text: Vec<Range<usize>>,
    doctype_public_id: Option<String>,
}

struct SpanSink<'a> {
    tb: TreeBuilder<NodeId, Recorder>,
    queue: &'a BufferQueue,
    src: &'a str,
    total: usize,
    /// Offset just past the previous token.
    prev_end: Cell<usize>,
    /// Start of the raw text of an open script/style-like element.
    raw_start: Cell<Option<usize>>,
    out: RefCell<Collected>,
}

/// Bytes still waiting in the input queue (there can be more than one buffer after the
/// tokenizer un-consumes characters, e.g. after a character reference).
fn queued_len(queue: &BufferQueue) -> usize {
    // Almost always one buffer; a few after character references. No allocation.
    let mut bufs: [Option<StrTendril>; 8] = Default::default();
    let mut taken = 0;
    let mut n = 0;
    while taken < bufs.len() {
        let Some(b) = queue.pop_front() else { break };
        n += b.len();
        bufs[taken] = Some(b);
        taken += 1;
    }
    if taken == bufs.len() {
        // Pathological: more buffers than slots. Count the rest without keeping order lost.
        let mut rest = Vec::new();
        while let Some(b) = queue.pop_front() {
            n += b.len();
            rest.push(b);
        }
        for b in rest.into_iter().rev() {
            queue.push_front(b);
        }
    }
    for b in bufs[..taken].iter_mut().rev() {
        if let Some(b) = b.take() {
            queue.push_front(b);
        }
    }
    n
}

impl SpanSink<'_> {
    /// The start of the start tag that ends at `end`: the first `<` followed by an ASCII
    /// letter from just before the previous token's end (text before a tag has been emitted by
    /// then; `<<p>` and `a < b` have a `<` that starts no tag). Re-read and checked lazily.
    fn find_start_tag(&self, from: usize, end: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let mut at = from.saturating_sub(1);
        while at < end {
            let pos = at + bytes[at..end].iter().position(|&b| b == b'<')?;
            if bytes.get(pos + 1).is_some_and(u8::is_ascii_alphabetic) {
                return Some(pos);
            }
            at = pos + 1;
        }
        None
    }
}

impl TokenSink for SpanSink<'_> {
    type Handle = NodeId;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<NodeId> {
        // Parse errors are reported in the middle of a tag: no offset to take.
        if matches!(token, Token::ParseError(_)) {
            return self.tb.process_token(token, line_number);
        }
        let end = self.total - queued_len(self.queue);
        let prev = self.prev_end.get();
        self.prev_end.set(end);
        match token {
            Token::TagToken(ref tag) if tag.kind == TagKind::StartTag => {
                let start = self.find_start_tag(prev, end);
                self.tb.sink.created.set(None);
                let result = self.tb.process_token(token, line_number);
                // The last element created for this token is the tag's own (implied elements
                // such as tbody come first). Its name is checked when the tag is re-read.
                if let (Some(start), Some(id)) = (start, self.tb.sink.created.get()) {
                    self.out.borrow_mut().tags.insert(id, start..end);
                }
                match result {
                    TokenSinkResult::RawData(RawKind::Rawtext | RawKind::ScriptData) => self.raw_start.set(Some(end)),
                    TokenSinkResult::Plaintext => self.out.borrow_mut().raw_text.push(end..self.total),
                    _ => {}
                }
                result
            }
            Token::TagToken(ref tag) => {
                let start = self.src[..end].rfind("</").filter(|&s| s + 1 >= prev).unwrap_or(prev);
                let mut out = self.out.borrow_mut();
                if let Some(raw) = self.raw_start.take() {
                    out.raw_text.push(raw..start);
                }
                out.end_tags.push((tag.name.to_string(), start..end));
                drop(out);
                self.tb.process_token(token, line_number)
            }
            Token::CommentToken(_) => {
                let from = prev.saturating_sub(1);
                let start = self.src.as_bytes()[from..end].iter().position(|&b| b == b'<').map_or(prev, |p| from + p);
                self.out.borrow_mut().comments.push(start..end);
                self.tb.process_token(token, line_number)
            }
            Token::DoctypeToken(ref dt) => {
                self.out.borrow_mut().doctype_public_id = dt.public_id.as_ref().map(|s| s.to_string());
                self.tb.process_token(token, line_number)
            }
            _ => self.tb.process_token(token, line_number),
        }
    }

    fn end(&self) {
        if let Some(raw) = self.raw_start.take() {
            self.out.borrow_mut().raw_text.push(raw..self.total);
        }
        self.tb.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.tb.adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// scraper's tree sink, recording the elements created while a token is processed.
struct Recorder {
    inner: HtmlTreeSink,
    /// The last element created while the current token is processed.
    created: Cell<Option<NodeId>>,
}

impl TreeSink for Recorder {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Html {
        self.inner.finish()
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }
    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let id = self.inner.create_element(name, attrs, flags);
        self.created.set(Some(id));
        id
    }
    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append(parent, child);
    }
    fn append_based_on_parent_node(&self, element: &NodeId, prev_element: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append_based_on_parent_node(element, prev_element, child);
    }
    fn append_doctype_to_document(&self, name: StrTendril, public_id: StrTendril, system_id: StrTendril) {
        self.inner.append_doctype_to_document(name, public_id, system_id);
    }
    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node);
    }
    fn pop(&self, node: &NodeId) {
        self.inner.pop(node);
    }
    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }
    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.inner.append_before_sibling(sibling, new_node);
    }
    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }
    fn associate_with_form(&self, target: &NodeId, form: &NodeId, nodes: (&NodeId, Option<&NodeId>)) {
        self.inner.associate_with_form(target, form, nodes);
    }
    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target);
    }
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }
    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.inner.is_mathml_annotation_xml_integration_point(handle)
    }
    fn set_current_line(&self, line_number: u64) {
        self.inner.set_current_line(line_number);
    }
    fn allow_declarative_shadow_roots(&self, intended_parent: &NodeId) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }
    fn attach_declarative_shadow(&self, location: &NodeId, template: &NodeId, attrs: &[Attribute]) -> bool {
        self.inner.attach_declarative_shadow(location, template, attrs)
    }
    fn maybe_clone_an_option_into_selectedcontent(&self, option: &NodeId) {
        self.inner.maybe_clone_an_option_into_selectedcontent(option);
    }
}

/// Where each element with a start tag ends: just past its matching end tag, or (for an
/// element closed implicitly) where the next element outside it starts. An element's matching
/// end tag is found by counting same-name elements nested inside it.
pub(super) fn element_ends(
    html: &Html,
    spans: &HashMap<NodeId, usize>,
    end_tags: &[(String, Range<usize>)],
    total: usize,
) -> HashMap<NodeId, usize> {
    // Pre-order list of elements that have a start tag, with the index just past each subtree.
    let mut order: Vec<(NodeId, usize, &str)> = Vec::with_capacity(spans.len());
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(spans.len());
    let mut subtree_end: Vec<usize> = Vec::with_capacity(spans.len());
    let mut stack: Vec<(NodeId, usize)> = Vec::new();
    for edge in html.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => {
                if let (Some(&start), Some(e)) = (spans.get(&n.id()), n.value().as_element()) {
                    parent.push(stack.last().map(|&(_, i)| i));
                    stack.push((n.id(), order.len()));
                    order.push((n.id(), start, e.name()));
                    subtree_end.push(0);
                }
            }
            ego_tree::iter::Edge::Close(n) => {
                if stack.last().is_some_and(|(id, _)| *id == n.id()) {
                    let (_, idx) = stack.pop().unwrap_or((n.id(), 0));
                    subtree_end[idx] = order.len();
                }
            }
        }
    }
    let mut by_name: HashMap<&str, Vec<Range<usize>>> = HashMap::new();
    for (name, r) in end_tags {
        by_name.entry(name.as_str()).or_default().push(r.clone());
    }
    let mut same_name_positions: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, _, name)) in order.iter().enumerate() {
        same_name_positions.entry(name).or_default().push(i);
    }
    let mut ends = HashMap::with_capacity(order.len());
    // Where each element's content stops: the start of its end tag, or its end.
    let mut content_end: Vec<usize> = Vec::with_capacity(order.len());
    for (i, &(id, start, name)) in order.iter().enumerate() {
        let sub_end = subtree_end[i];
        let mut bound = order.get(sub_end).map_or(total, |o| o.1);
        if let Some(p) = parent[i] {
            bound = bound.min(content_end[p]);
        }
        let bound = bound.max(start);
        let positions = &same_name_positions[name];
        let nested = positions.partition_point(|&p| p < sub_end) - positions.partition_point(|&p| p <= i);
        let end = by_name
            .get(name)
            .and_then(|tags| {
                let first = tags.partition_point(|r| r.start < start);
                tags.get(first + nested)
            })
            .filter(|r| r.start < bound);
        content_end.push(end.map_or(bound, |r| r.start));
        ends.insert(id, end.map_or(bound, |r| r.end));
    }
    ends
}
