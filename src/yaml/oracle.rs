//! The serde-saphyr reader this module used before the event tree, kept as the reference the
//! tree is compared with (see `super::tests`): the same documents, nodes, spans and errors on
//! every fixture and corpus file.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use super::{Document, Node, NodeKind, ParseError, Parsed, find_duplicates};
use crate::source::{FileId, LineIndex, Span};

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
