//! The span-preserving YAML tree. This is the only module that knows the parser crate.
//!
//! serde-saphyr gives a line, column and byte offset on every key and value; the tree below keeps
//! them as byte [`Span`]s. Scalars are resolved as Kubernetes reads YAML 1.1 (`yes`/`on` are
//! booleans, `0644` is 420). Duplicate keys are kept, both with their spans, so that a rule can
//! report them instead of the parser failing. The parser's budget stays on (alias and merge bombs,
//! nesting depth, node count), except the document count: big rendered bundles are legitimate.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use crate::source::{FileId, LineIndex, Span};

/// A YAML node with the byte span of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; a repeated key appears twice.
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The value of the first entry with this key (mappings only).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value nodes of the first entry with this key.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v))
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Moves the node at a path of mapping keys out of the tree, leaving a null in its place
    /// (readers keep raw subtrees without copying them).
    pub fn take_path(&mut self, keys: &[&str]) -> Option<Node> {
        let (first, rest) = keys.split_first()?;
        let NodeKind::Map(entries) = &mut self.kind else { return None };
        let (_, child) = entries.iter_mut().find(|(k, _)| k.as_str() == Some(*first))?;
        if rest.is_empty() {
            let null = Node { kind: NodeKind::Null, span: child.span };
            Some(std::mem::replace(child, null))
        } else {
            child.take_path(rest)
        }
    }

    /// A scalar rendered as text (strings as is, numbers and booleans in their YAML spelling).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The span from this node's start to the end of its last descendant.
    pub fn full_span(&self) -> Span {
        let end = match &self.kind {
            NodeKind::Seq(items) => items.last().map(|n| n.full_span().end),
            NodeKind::Map(entries) => entries.last().map(|(_, v)| v.full_span().end),
            _ => None,
        };
        match end {
            Some(end) if end > self.span.end => Span { end, ..self.span },
            _ => self.span,
        }
    }
}

/// Whether a string holds a template expression whose real value is unknown until rendered.
pub fn is_templated(s: &str) -> bool {
    s.contains("{{")
        || s.contains("{%")
        || s.contains("${")
        || (s.starts_with('<') && s.ends_with('>') && s.len() > 2)
}

/// Whether a file's text carries template markers (Jinja, Go templates).
pub fn has_template_markers(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// One parsed YAML document.
#[derive(Debug)]
pub struct Document {
    pub file: FileId,
    /// 0-based position of the document in its file (empty documents are not counted).
    pub index: usize,
    pub root: Node,
}

/// A syntax error (or a budget breach) at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// A key that appears twice in one mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// Everything read from one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub errors: Vec<ParseError>,
    pub duplicates: Vec<DuplicateKey>,
}

/// Documents a single file may hold. Rendered bundles run to thousands; the budget's node and
/// byte limits still bound the total work.
const MAX_DOCUMENTS: usize = 1_000_000;

fn options() -> Options {
    let mut opts = Options::default();
    opts.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    opts.legacy_octal_numbers = true;
    opts.with_snippet = false;
    let mut budget = Budget::default();
    budget.max_documents = MAX_DOCUMENTS;
    opts.budget = Some(budget);
    opts
}

/// Parses every document of a file. A document that cannot be parsed becomes a [`ParseError`];
/// the documents around it are still returned.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut out = Parsed::default();
    match parse_chunk(text) {
        Ok(raws) => push_documents(&mut out, file, 0, raws),
        Err(err) => {
            // One broken document must not hide the others: parse each one on its own.
            let chunks = split_documents(text);
            if chunks.len() <= 1 {
                out.errors.push(to_parse_error(file, text, 0, &err));
            } else {
                for (start, chunk) in chunks {
                    match parse_chunk(chunk) {
                        Ok(raws) => push_documents(&mut out, file, start, raws),
                        Err(err) => out.errors.push(to_parse_error(file, chunk, start, &err)),
                    }
                }
            }
        }
    }
    out
}

fn parse_chunk(text: &str) -> Result<Vec<Spanned<Raw>>, serde_saphyr::Error> {
    serde_saphyr::from_str_multiple_with_options(text, options())
}

fn push_documents(out: &mut Parsed, file: FileId, base: usize, raws: Vec<Spanned<Raw>>) {
    for raw in raws {
        let root = convert(raw, file, base);
        find_duplicates(&root, &mut out.duplicates);
        let index = out.documents.len();
        out.documents.push(Document { file, index, root });
    }
}

/// Splits a stream at `---` document markers, returning each chunk with its byte offset.
fn split_documents(text: &str) -> Vec<(usize, &str)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let is_marker = line
            .strip_prefix("---")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']));
        if is_marker && offset > start {
            chunks.push((start, &text[start..offset]));
            start = offset;
        }
        offset += line.len();
    }
    if start < text.len() {
        chunks.push((start, &text[start..]));
    }
    chunks
}

fn to_parse_error(file: FileId, chunk: &str, base: usize, err: &serde_saphyr::Error) -> ParseError {
    let offset = err
        .location()
        .and_then(|loc| {
            let lines = LineIndex::new(chunk);
            let line = usize::try_from(loc.line()).ok()?;
            let col = usize::try_from(loc.column()).ok()?.max(1);
            let start = lines.line_start(line)?;
            let line_text = chunk.get(start..)?.split('\n').next()?;
            let byte_col = line_text.char_indices().nth(col - 1).map_or(line_text.len(), |(i, _)| i);
            Some(start + byte_col)
        })
        .unwrap_or(0);
    let start = base + offset;
    let end = start + chunk.get(offset..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
    ParseError {
        message: clean_message(&err.without_snippet().to_string()),
        span: Span::new(file, start, end),
    }
}

/// Drops the "error: line N column M:" prefix: the position is reported separately.
fn clean_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw);
    let msg = first.strip_prefix("error: ").unwrap_or(first);
    let msg = match msg.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(msg, |(_, m)| m),
        None => msg,
    };
    // The parser may repeat the position (relative to the chunk it saw): drop it too.
    let msg = match msg.rfind(" at line ") {
        Some(at) if msg[at..].contains(", column ") => &msg[..at],
        _ => msg,
    };
    msg.trim().to_owned()
}

fn find_duplicates(node: &Node, out: &mut Vec<DuplicateKey>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            // Linear for the usual small mapping; a hash of the keys seen for big ones.
            let mut seen: HashMap<(std::mem::Discriminant<NodeKind>, String), Span> = HashMap::new();
            for (i, (key, value)) in entries.iter().enumerate() {
                let first = if entries.len() <= 32 {
                    entries
                        .get(..i)
                        .and_then(|before| before.iter().find(|(k, _)| same_key(k, key)))
                        .map(|(k, _)| k.span)
                } else {
                    // Keyed by kind and text, so that `1` and `"1"` stay two keys here as in `same_key`.
                    match key.scalar_text().map(|text| seen.entry((std::mem::discriminant(&key.kind), text)))
                    {
                        Some(Entry::Occupied(e)) => Some(*e.get()),
                        Some(Entry::Vacant(e)) => {
                            e.insert(key.span);
                            None
                        }
                        None => None,
                    }
                };
                if let (Some(first), Some(name)) = (first, key.scalar_text()) {
                    out.push(DuplicateKey { key: name, first, second: key.span });
                }
                find_duplicates(value, out);
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| find_duplicates(n, out)),
        _ => {}
    }
}

/// Whether two scalar keys are the same key (collections are never compared).
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Seq(_) | NodeKind::Map(_), _) | (_, NodeKind::Seq(_) | NodeKind::Map(_)) => false,
        (x, y) => x == y,
    }
}

/// The parser's view of a node, before spans are turned into file offsets.
#[derive(Debug)]
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

fn convert(raw: Spanned<Raw>, file: FileId, base: usize) -> Node {
    let loc = raw.referenced;
    let s = loc.span();
    let start = s.byte_offset().unwrap_or_else(|| s.offset());
    let len = s.byte_len().unwrap_or_else(|| s.len());
    let start = base + usize::try_from(start).unwrap_or(0);
    let end = start + usize::try_from(len).unwrap_or(0);
    let kind = match raw.value {
        Raw::Null => NodeKind::Null,
        Raw::Bool(b) => NodeKind::Bool(b),
        Raw::Int(i) => NodeKind::Int(i),
        Raw::Float(f) => NodeKind::Float(f),
        Raw::Str(s) => NodeKind::Str(s),
        Raw::Seq(items) => NodeKind::Seq(items.into_iter().map(|n| convert(n, file, base)).collect()),
        Raw::Map(entries) => NodeKind::Map(
            entries.into_iter().map(|(k, v)| (convert(k, file, base), convert(v, file, base))).collect(),
        ),
    };
    Node { kind, span: Span::new(file, start, end) }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or_else(|_| Raw::Str(v.to_string()), Raw::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or_else(|_| Raw::Str(v.to_string()), Raw::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or_else(|_| Raw::Str(v.to_string()), Raw::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Raw, A::Error> {
        // A tagged node (`!Ref x`, `!!binary`): keep its content, the tag is irrelevant here.
        let (_, variant) = data.variant::<de::IgnoredAny>()?;
        de::VariantAccess::newtype_variant::<Raw>(variant)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Raw>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Parsed {
        parse(FileId(0), text)
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "a:\n  bé: \"x\"\n  mode: 0644\n  b: yes\n";
        let p = parse_str(text);
        let root = &p.documents[0].root;
        let (k, v) = root.get("a").and_then(|a| a.entry("bé")).unwrap();
        assert_eq!(slice(text, k.span), "bé");
        assert_eq!(slice(text, v.span), "\"x\"");
        assert_eq!(root.path(&["a", "mode"]).and_then(Node::as_i64), Some(420));
        assert_eq!(root.path(&["a", "b"]).and_then(Node::as_bool), Some(true));
    }

    #[test]
    fn duplicate_keys_are_kept_and_reported() {
        let text = "a: 1\nb: 2\na: 3\n";
        let p = parse_str(text);
        assert_eq!(p.documents.len(), 1);
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(p.duplicates[0].first.start, 0);
        assert_eq!(p.duplicates[0].second.start, 10);
    }

    #[test]
    fn a_broken_document_keeps_its_neighbours() {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let p = parse_str(text);
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.documents[1].root.get("c").and_then(Node::as_i64), Some(3));
        assert!(p.errors[0].span.start >= 9, "{:?}", p.errors[0]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let p = parse_str(&text);
        assert!(p.documents.is_empty());
        assert_eq!(p.errors.len(), 1);
    }

    #[test]
    fn large_bundles_are_not_cut_at_a_document_limit() {
        let text: String =
            (0..5000).map(|i| format!("---\nkind: ConfigMap\nmetadata: {{name: cm{i}}}\n")).collect();
        let p = parse_str(&text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.documents.len(), 5000);
    }

    #[test]
    fn templates_are_recognised() {
        assert!(is_templated("{{ cluster_name }}"));
        assert!(is_templated("${CLUSTER}"));
        assert!(is_templated("<cluster_name>"));
        assert!(!is_templated("ocp1"));
        assert!(!is_templated("<"));
    }
}
