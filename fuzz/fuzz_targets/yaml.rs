//! The YAML reader: any text parses to documents and positioned errors, never a panic, and
//! every span it hands out can slice the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stretchlint::source::FileId;
use stretchlint::yaml::{self, Node, NodeKind};

fn spans_slice(text: &str, node: &Node) {
    let (start, end) = (node.span.start as usize, node.span.end as usize);
    assert!(start <= end && text.get(start..end).is_some(), "node span {start}..{end}");
    match &node.kind {
        NodeKind::Seq(items) => items.iter().for_each(|n| spans_slice(text, n)),
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            spans_slice(text, k);
            spans_slice(text, v);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = yaml::parse(FileId(0), text);
    for error in &parsed.errors {
        let start = error.span.start as usize;
        assert!(text.is_char_boundary(start), "error at {start} splits a character");
    }
    for document in &parsed.documents {
        spans_slice(text, &document.root);
    }
});
