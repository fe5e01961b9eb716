//! Builds [`Node`] trees from granit-parser's event stream, with an explicit stack instead of
//! recursion, so no input can overflow the thread's stack.
//!
//! Spans are the parser's byte spans: a scalar covers its text (quotes included, a block
//! scalar's indicator line excluded), a flow collection its opening bracket, and a block
//! collection is an empty span where its first entry starts. A node copied from an anchor (an
//! alias, or an entry a merge key `<<` brings in) carries the span of the alias or of the merged
//! mapping in every part: that is the text which put it there.
//!
//! The budget bounds the work any file can cause, whatever it holds: nesting depth, nodes per
//! document (alias copies included, so alias bombs stop early), scalar bytes per document (a long
//! string aliased many times), and merge keys per document. A breach is an error at the node
//! that crossed the line; the documents around it are still read.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span as EventSpan};

use super::{Document, Node, NodeKind, ParseError, Parsed, scalar};
use crate::source::{FileId, Span};

/// Collections open at once. Real manifests nest a dozen levels deep.
const MAX_DEPTH: usize = 64;
/// Nodes per document, alias and merge copies included.
const MAX_NODES: usize = 250_000;
/// Scalar bytes per document, alias copies included.
const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;
/// Merge keys per document.
const MAX_MERGE_KEYS: usize = 10_000;

/// Reads every document of a file.
pub(super) fn parse(file: FileId, text: &str) -> Parsed {
    let options = granit_parser::options! { emit_comments: false };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut builder = Builder::new(file, text);
    let mut out = Parsed::default();
    let mut last_error = None;
    while let Some(next) = parser.next() {
        let failure = match next {
            Ok((event, span)) => match builder.event(event, span) {
                Ok(Some(root)) => {
                    super::find_duplicates(&root, &mut out.duplicates);
                    out.documents.push(Document { file, index: out.documents.len(), root });
                    continue;
                }
                Ok(None) => continue,
                Err(error) => error,
            },
            Err(error) => builder.scan_error(&error),
        };
        // One broken document must not hide the others: report it and go on with the next.
        let at = failure.span.start as usize;
        out.errors.push(failure);
        builder.reset();
        if !super::resume_at_next_document(&mut parser, &mut last_error, at) {
            break;
        }
    }
    out
}

/// A finished node with what it costs to copy.
struct Built {
    node: Node,
    /// Nodes in the subtree, itself included.
    nodes: usize,
    /// Scalar bytes in the subtree.
    bytes: usize,
    /// Collection levels in the subtree (0 for a scalar).
    height: usize,
}

/// An open collection.
struct Frame {
    span: Span,
    anchor: usize,
    nodes: usize,
    bytes: usize,
    height: usize,
    content: Content,
}

enum Content {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// The next value belongs to a merge key rather than to an entry.
        merge_key: bool,
        merges: Vec<Node>,
    },
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    root: Option<Node>,
    nodes: usize,
    bytes: usize,
    merge_keys: usize,
}

impl<'t> Builder<'t> {
    fn new(file: FileId, text: &'t str) -> Self {
        Self {
            file,
            text,
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            nodes: 0,
            bytes: 0,
            merge_keys: 0,
        }
    }

    /// Forgets the document being built.
    fn reset(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.root = None;
        self.nodes = 0;
        self.bytes = 0;
        self.merge_keys = 0;
    }

    /// Takes one event; returns a finished document's root (empty and null documents are not
    /// returned).
    fn event(&mut self, event: Event<'_>, span: EventSpan) -> Result<Option<Node>, ParseError> {
        let span = self.span(span);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let merge_key = matches!(style, ScalarStyle::Plain) && tag.is_none() && value == "<<";
                let bytes = value.len();
                self.charge(1, bytes, span)?;
                let node = Node { kind: scalar::resolve(value, style, tag.as_deref()), span };
                if merge_key && self.awaits_key() {
                    self.merge_keys += 1;
                    if self.merge_keys > MAX_MERGE_KEYS {
                        return Err(budget(
                            span,
                            format!("more than {MAX_MERGE_KEYS} merge keys in one document"),
                        ));
                    }
                    if let Some(Frame { content: Content::Map { merge_key, .. }, .. }) = self.stack.last_mut()
                    {
                        *merge_key = true;
                    }
                    self.remember(anchor, &Built { node, nodes: 1, bytes, height: 0 });
                    return Ok(None);
                }
                self.finish(Built { node, nodes: 1, bytes, height: 0 }, anchor);
            }
            Event::SequenceStart(_, anchor, _) => self.open(span, anchor, Content::Seq(Vec::new()))?,
            Event::MappingStart(_, anchor, _) => {
                let content =
                    Content::Map { entries: Vec::new(), key: None, merge_key: false, merges: Vec::new() };
                self.open(span, anchor, content)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let anchor = frame.anchor;
                    self.finish(close(frame)?, anchor);
                }
            }
            Event::Alias(id) => {
                let recursive = || ParseError {
                    message: "alias refers to a node that contains it (a recursive alias)".to_owned(),
                    span,
                };
                let (nodes, bytes, height) =
                    self.anchors.get(&id).map(|t| (t.nodes, t.bytes, t.height)).ok_or_else(recursive)?;
                if self.stack.len() + height > MAX_DEPTH {
                    return Err(budget(span, format!("the alias nests more than {MAX_DEPTH} levels deep")));
                }
                // Charged before the copy is made, so a bomb stops before it allocates.
                self.charge(nodes, bytes, span)?;
                let mut node = self.anchors.get(&id).map(|t| t.node.clone()).ok_or_else(recursive)?;
                respan(&mut node, span);
                self.finish(Built { node, nodes, bytes, height }, 0);
            }
            Event::DocumentEnd => {
                let root = self.root.take().filter(|root| !root.is_null());
                self.reset();
                return Ok(root);
            }
            _ => {}
        }
        Ok(None)
    }

    fn span(&self, span: EventSpan) -> Span {
        let start = span.start.byte_offset().unwrap_or(0);
        let end = span.end.byte_offset().unwrap_or(start);
        Span::new(self.file, start, end)
    }

    /// A parser error, at the character it names.
    fn scan_error(&self, error: &ScanError) -> ParseError {
        let start = error.marker().byte_offset().unwrap_or(0).min(self.text.len());
        let width = self.text.get(start..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
        ParseError { message: error.info(), span: Span::new(self.file, start, start + width) }
    }

    fn charge(&mut self, nodes: usize, bytes: usize, span: Span) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(nodes);
        self.bytes = self.bytes.saturating_add(bytes);
        if self.nodes > MAX_NODES {
            return Err(budget(span, format!("the document expands to more than {MAX_NODES} nodes")));
        }
        if self.bytes > MAX_SCALAR_BYTES {
            return Err(budget(
                span,
                format!("the document expands to more than {MAX_SCALAR_BYTES} bytes of text"),
            ));
        }
        Ok(())
    }

    /// Whether the next node is a mapping key.
    fn awaits_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame { content: Content::Map { key: None, merge_key: false, .. }, .. })
        )
    }

    fn open(&mut self, span: Span, anchor: usize, content: Content) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(budget(span, format!("collections nest more than {MAX_DEPTH} levels deep")));
        }
        self.charge(1, 0, span)?;
        self.stack.push(Frame { span, anchor, nodes: 1, bytes: 0, height: 1, content });
        Ok(())
    }

    /// Keeps a copy of an anchored node for the aliases that follow (anchor 0 is none).
    fn remember(&mut self, anchor: usize, built: &Built) {
        if anchor != 0 {
            let copy = Built { node: built.node.clone(), ..*built };
            self.anchors.insert(anchor, copy);
        }
    }

    /// Places a finished node in its parent (or as the document root) and records its anchor.
    fn finish(&mut self, built: Built, anchor: usize) {
        self.remember(anchor, &built);
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return;
        };
        parent.nodes += built.nodes;
        parent.bytes += built.bytes;
        parent.height = parent.height.max(built.height + 1);
        match &mut parent.content {
            Content::Seq(items) => items.push(built.node),
            Content::Map { merge_key: merge_key @ true, merges, .. } => {
                *merge_key = false;
                merges.push(built.node);
            }
            Content::Map { key: key @ None, .. } => *key = Some(built.node),
            Content::Map { key: key @ Some(_), entries, .. } => {
                if let Some(k) = key.take() {
                    entries.push((k, built.node));
                }
            }
        }
    }
}

/// Turns a finished collection into its node, applying merge keys.
fn close(frame: Frame) -> Result<Built, ParseError> {
    let Frame { span, nodes, bytes, height, content, .. } = frame;
    let kind = match content {
        Content::Seq(items) => NodeKind::Seq(items),
        Content::Map { mut entries, merges, .. } => {
            for source in merges {
                merge(&mut entries, source)?;
            }
            NodeKind::Map(entries)
        }
    };
    Ok(Built { node: Node { kind, span }, nodes, bytes, height })
}

/// Adds the entries of a merge key's value (a mapping, or a list of mappings where the first
/// wins) whose keys the mapping does not have yet. Entries written in the mapping win whatever
/// their place.
fn merge(entries: &mut Vec<(Node, Node)>, source: Node) -> Result<(), ParseError> {
    let maps = match source.kind {
        NodeKind::Map(_) => vec![source],
        NodeKind::Seq(items) if items.iter().all(|item| item.as_map().is_some()) => items,
        _ => {
            return Err(ParseError {
                message: "a merge key (<<) takes a mapping or a list of mappings".to_owned(),
                span: source.span,
            });
        }
    };
    for map in maps {
        let span = map.span;
        let NodeKind::Map(new) = map.kind else { continue };
        for (key, value) in new {
            if !entries.iter().any(|(k, _)| super::same_key(k, &key)) {
                let mut entry = (key, value);
                respan(&mut entry.0, span);
                respan(&mut entry.1, span);
                entries.push(entry);
            }
        }
    }
    Ok(())
}

/// Sets every span in a subtree to `span`. The depth budget bounds the recursion.
fn respan(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| respan(n, span)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            respan(k, span);
            respan(v, span);
        }),
        _ => {}
    }
}

fn budget(span: Span, what: String) -> ParseError {
    ParseError { message: format!("over the parser's budget: {what}"), span }
}
