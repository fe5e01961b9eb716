//! The span-preserving YAML tree. This is the only module that knows the parser crate.
//!
//! The tree is built from granit-parser's events (the parser under serde-saphyr) without
//! recursion, with a byte [`Span`] on every key and value ([`tree`]). Scalars are resolved as
//! Kubernetes reads YAML 1.1 (`yes`/`on` are booleans, `0644` is 420; [`scalar`]). Duplicate keys
//! are kept, both with their spans, so that a rule can report them instead of the parser failing.
//! A budget bounds the work of alias and merge bombs and deep nesting; the number of documents is
//! not limited, as big rendered bundles are legitimate.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::source::{FileId, Span};

#[cfg(test)]
mod oracle;
mod scalar;
mod tree;

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

/// `s` as a YAML double-quoted scalar, which means the same string in any context (block or
/// flow, key or value). Escapes are YAML's own (`\\`, `\"`, `\t`, `\n`, `\xNN`, `\uNNNN`), not
/// Rust's `{:?}` (`\u{1b}` is no YAML escape).
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            // Line and paragraph separators and the BOM are line breaks or markers to YAML readers.
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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

/// After an error at position `at` (any measure that grows through the text), moves the parser
/// to the next document; returns false when reading should stop. Recovery only moves forward,
/// so an error that does not is taken as the end (defensive).
pub(crate) fn resume_at_next_document<'a>(
    parser: &mut granit_parser::Parser<'a, granit_parser::StrInput<'a>>,
    last_error: &mut Option<usize>,
    at: usize,
) -> bool {
    if last_error.is_some_and(|prev| at <= prev) {
        return false;
    }
    *last_error = Some(at);
    matches!(parser.proceed_next_document(), Ok(true))
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

/// Parses every document of a file. A document that cannot be parsed becomes a [`ParseError`];
/// the documents around it are still returned.
pub fn parse(file: FileId, text: &str) -> Parsed {
    tree::parse(file, text)
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
    fn a_long_string_aliased_many_times_is_stopped_by_the_budget() {
        let mut text = format!("a: &a {}\nb:\n", "x".repeat(1 << 20));
        text.push_str(&"  - *a\n".repeat(100));
        text.push_str("---\nnext: 1\n");
        let p = parse_str(&text);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert!(p.errors[0].message.contains("budget"), "{}", p.errors[0].message);
        // At the alias that crossed the line (the 64th copy of 1 MiB), not at the file's start.
        assert_eq!(slice(&text, p.errors[0].span), "*a");
        assert_eq!(p.documents.len(), 1);
        assert_eq!(p.documents[0].root.get("next").and_then(Node::as_i64), Some(1));
    }

    #[test]
    fn an_alias_cannot_nest_deeper_than_the_budget() {
        let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
        let text = format!("a: &a {deep}\nb: {}*a{}\n", "[".repeat(30), "]".repeat(30));
        let p = parse_str(&text);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!(slice(&text, p.errors[0].span), "*a");
    }

    #[test]
    fn broken_aliases_and_merges_are_positioned_errors() {
        for (text, at) in [("a: &a {<<: *a}\n", "*a"), ("y:\n  <<: 5\n", "5"), ("a: *nope\n", "*")] {
            let p = parse_str(text);
            assert!(p.documents.is_empty(), "{text:?}");
            assert_eq!(p.errors.len(), 1, "{text:?}: {:?}", p.errors);
            assert_eq!(slice(text, p.errors[0].span), at, "{text:?}");
        }
    }

    /// Where the tree departs from the serde-built one on purpose: a value no field takes is
    /// kept as text instead of failing the whole file.
    #[test]
    fn unreadable_typed_values_stay_text() {
        let text = "a: !!int abc\nb: .inf\nc: !!binary not-base64\nd: !!float x\n";
        let p = parse_str(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let root = &p.documents[0].root;
        for (key, value) in [("a", "abc"), ("b", ".inf"), ("c", "not-base64"), ("d", "x")] {
            assert_eq!(root.get(key).and_then(Node::as_str), Some(value), "{key}");
        }
        assert!(!oracle::parse(FileId(0), text).errors.is_empty());
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

    /// Every YAML file the repository and the shared corpus hold.
    fn real_files() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dirs = [root.join("fixtures"), root.join("examples"), root.join("../shared/corpus")];
        dirs.iter()
            .flat_map(|dir| walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok))
            .map(walkdir::DirEntry::into_path)
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect()
    }

    /// The event tree reads real files exactly as the serde-saphyr reader did: the same
    /// documents, nodes, spans, duplicate keys and error positions.
    #[test]
    fn the_event_tree_matches_the_serde_reader_on_every_real_file() {
        let files = real_files();
        assert!(files.len() > 100, "only {} files found", files.len());
        let mut differ = Vec::new();
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else { continue };
            let new = parse_str(&text);
            let old = oracle::parse(FileId(0), &text);
            // After an error the old reader re-read the file split at `---` lines only; the
            // parser's own recovery also keeps a document that ended (`...`, or a complete root
            // followed by junk) before the broken one. So it may keep more, never fewer.
            let roots = |p: &Parsed| p.documents.iter().map(|d| d.root.clone()).collect::<Vec<_>>();
            let (new_roots, old_roots) = (roots(&new), roots(&old));
            let same_docs = if old.errors.is_empty() {
                new_roots == old_roots
            } else {
                old_roots.iter().all(|root| new_roots.contains(root))
            };
            let error_spans = |p: &Parsed| p.errors.iter().map(|e| e.span).collect::<Vec<_>>();
            if !same_docs || new.duplicates != old.duplicates || error_spans(&new) != error_spans(&old) {
                differ.push(path.display().to_string());
            }
        }
        assert!(differ.is_empty(), "{} of {} files differ: {differ:#?}", differ.len(), files.len());
    }

    /// The corners real files rarely show: merge keys, aliases, tags, empty values, complex
    /// keys, document markers and errors.
    #[test]
    fn the_event_tree_matches_the_serde_reader_on_yaml_corners() {
        let cases = [
            "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
            "b: &b {x: 1}\no: &o {x: 2, z: 3}\nm:\n  <<: [*b, *o]\n  y: 3\nn:\n  <<: {p: {r: 1}}\n  q: 2\n",
            "x: &x {a: 1}\ny:\n  <<: *x\n  <<: {b: 2}\n",
            "x: &x {a: 1, a: 2}\ny: {<<: *x}\n\"<<\": {a: 1}\n",
            "a: &a\n  k: v\nb: *a\nc: &s hello\nd: *s\n- bad\n",
            "a: !Ref foo\nb: !!str 123\nc: !!int \"7\"\nd: ~\ne:\ng: \"\"\nh: !!null \"\"\ni: !!bool yes\nj: !!float 1\n",
            "k: !custom\n  x: 1\nm: !!str\nn: ! 12\no: !Ref 12\n",
            "- &x a\n- *x\n- {a: 1, b: [x, y]}\n- [ ]\n- {}\n-\n- - 1\n  - 2\n",
            "? [a]\n: 1\n? complex\n: v2\n\"k\": v\n1: a\n0x10: b\nyes: c\n",
            "k: |\n  text\n  more\nf: >-\n  folded\n  text\nz: 'it''s'\np: this is\n  multi line\n",
            "a: 012\nb: 0o17\nc: 1_000\nd: +5\ne: 18446744073709551616\nf: -0\ng: 9223372036854775808\nh: 1.5e3\n",
            "---\n~\n---\na: 1\n---\n---\n# only\n...\n---\nb: 2\n",
            "a: 1\n---\nb: [1, 2\n---\nc: 3\n",
            "a: *nope\n---\nb: 1\n",
            "a: b: c\n---\nd: {e: 1, e: 2}\n",
            "a: 1\na: 2\nb: {x: 1, x: 2}\n",
            "caf\u{e9}: \"\u{e9}t\u{e9}\"\nname: [\u{2603}, x]\n",
        ];
        for case in cases {
            let (new, old) = (parse_str(case), oracle::parse(FileId(0), case));
            let roots = |p: &Parsed| p.documents.iter().map(|d| d.root.clone()).collect::<Vec<_>>();
            assert_eq!(roots(&new), roots(&old), "{case:?}");
            assert_eq!(new.duplicates, old.duplicates, "{case:?}");
            let error_spans = |p: &Parsed| p.errors.iter().map(|e| e.span).collect::<Vec<_>>();
            assert_eq!(error_spans(&new), error_spans(&old), "{case:?}");
        }
    }
}
