//! JSON Schema validation of YAML trees, with every error located at the YAML node its instance
//! path names: the Site file, the configuration file and custom rule packs all report this way.

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::error::Error;
use crate::source::{FileId, LineIndex, Sp, Span};
use crate::yaml::{Node, NodeKind};

/// One of the tool's own YAML files (the configuration, a custom rule): its first document,
/// checked against its schema, with every problem an [`Error::Invalid`] at its line and column.
pub struct OwnFile<'a> {
    path: &'a std::path::Path,
    text: &'a str,
    lines: LineIndex,
}

impl<'a> OwnFile<'a> {
    pub fn new(path: &'a std::path::Path, text: &'a str) -> Self {
        OwnFile { path, text, lines: LineIndex::new(text) }
    }

    /// A problem at a span of the file.
    pub fn error(&self, span: Span, message: impl Into<String>) -> Error {
        let pos = self.lines.line_col(self.text, span.start as usize);
        Error::Invalid {
            path: self.path.to_path_buf(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }

    /// The first document, valid against `validator`; `None` when the file is empty.
    pub fn root(&self, validator: Option<&Validator>) -> Result<Option<Node>, Error> {
        let mut parsed = crate::yaml::parse(FileId(0), self.text);
        if let Some(err) = parsed.errors.first() {
            return Err(self.error(err.span, err.message.clone()));
        }
        if let Some(dup) = parsed.duplicates.first() {
            return Err(self.error(dup.second, format!("`{}` is set twice", dup.key)));
        }
        if parsed.documents.is_empty() {
            return Ok(None);
        }
        let root = parsed.documents.swap_remove(0).root;
        if root.is_null() {
            return Ok(None);
        }
        if let Some(err) = validator.and_then(|v| errors(v, &root).into_iter().next()) {
            return Err(self.error(err.span, err.value));
        }
        Ok(Some(root))
    }
}

/// Compiles an embedded schema; `None` only if the text is broken (tests compile every schema).
pub fn compile(schema: &str) -> Option<Validator> {
    serde_json::from_str(schema).ok().and_then(|schema| jsonschema::validator_for(&schema).ok())
}

/// Schema errors with the span of the node each one names. An unexpected key is reported at the
/// key; a missing one (`required`) at the mapping that lacks it.
pub fn errors(validator: &Validator, root: &Node) -> Vec<Sp<String>> {
    check(validator, root, &to_json(root)).into_iter().map(|e| Sp::new(e.message, e.span)).collect()
}

/// One schema error: the instance path it names, where that is, and what is wrong.
#[derive(Clone, Debug)]
pub struct SchemaError {
    pub pointer: String,
    pub span: Span,
    pub message: String,
}

/// [`errors`] on a tree already turned into JSON (`instance` is `to_json(root)`).
pub fn check(validator: &Validator, root: &Node, instance: &Value) -> Vec<SchemaError> {
    validator
        .iter_errors(instance)
        .map(|err| {
            let mut pointer = err.instance_path().as_str().to_owned();
            let mut key_of_last = false;
            if let ValidationErrorKind::AdditionalProperties { unexpected } = err.kind()
                && let Some(key) = unexpected.first()
            {
                pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                key_of_last = true;
            }
            let span = locate(root, &pointer, key_of_last);
            let at = err.instance_path().as_str().to_owned();
            let path = if at.is_empty() { "the document".to_owned() } else { format!("`{at}`") };
            SchemaError { pointer: at, span, message: format!("{path}: {}", err.masked()) }
        })
        .collect()
}

/// The nodes a JSON pointer passes through, from the root to the deepest one that exists.
pub fn along<'a>(root: &'a Node, pointer: &str) -> Vec<&'a Node> {
    let mut out = vec![root];
    let mut node = root;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match &node.kind {
            NodeKind::Map(_) => node.get(&token),
            NodeKind::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => {
                out.push(n);
                node = n;
            }
            None => break,
        }
    }
    out
}

/// The node a JSON pointer (RFC 6901) names (its key, for the last token when `key_of_last`),
/// falling back to the deepest node reached.
pub fn locate(root: &Node, pointer: &str, key_of_last: bool) -> Span {
    let mut node = root;
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, token) in tokens.iter().enumerate() {
        let want_key = key_of_last && i + 1 == tokens.len();
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match &node.kind {
            NodeKind::Map(_) => node.entry(&token).map(|(k, v)| if v.is_null() || want_key { k } else { v }),
            NodeKind::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node.span
}

/// The tree as JSON (keys as text; a float that JSON cannot hold becomes null).
pub fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => Value::from(*i),
        NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeKind::Str(s) => Value::String(s.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => {
            Value::Object(entries.iter().filter_map(|(k, v)| Some((k.scalar_text()?, to_json(v)))).collect())
        }
    }
}
