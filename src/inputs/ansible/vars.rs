//! Ansible variables as the readers see them: a name's value is a literal node, a string built
//! from a template whose every part is known, a *partial* string (a template with unknown parts,
//! kept as text so that two uses of the same expression can be told to name the same object), or
//! unknown.
//!
//! Only `{{ name }}` parts are substituted, recursively and to a bounded depth; a filter
//! expression is evaluated only for the few address filters of [`super::ipfilter`], any other stays
//! partial. A part that depends on a loop (`item`) is unknown outright: its value changes with
//! each iteration, so its text names no single object.

use std::collections::HashMap;

use crate::source::Span;
use crate::yaml::{Node, NodeKind, is_templated};

/// How deep one variable may refer to another before its value counts as unknown (a cycle).
const MAX_DEPTH: usize = 16;
/// The longest string a template may build; beyond it the value is unknown (a template bomb).
const MAX_LEN: usize = 4096;
/// How many template parts one value may take to expand: variables that each use another twice
/// would otherwise cost 2^depth expansions. Real values take a handful.
const MAX_STEPS: usize = 10_000;

/// A variable's value.
#[derive(Clone, Debug)]
pub enum Value<'a> {
    /// Written as is: a scalar that is no template, a list or a mapping.
    Node(&'a Node),
    /// A string built from a template whose every part is known.
    Text(String),
    /// A template with unknown parts, as text once the known parts are substituted: what the
    /// value *is* is unknown, but two equal partial texts in one run are the same value.
    Partial(String),
    Unknown,
}

impl Value<'_> {
    /// Whether two values are the same, whatever the spans of their nodes.
    pub fn same(&self, other: &Value<'_>) -> bool {
        match (self.text(), other.text()) {
            (Some(a), Some(b)) => a == b,
            _ => match (self, other) {
                (Value::Node(a), Value::Node(b)) => same_node(a, b),
                (Value::Partial(a), Value::Partial(b)) => a == b,
                _ => false,
            },
        }
    }

    /// The value as text, when it is a known scalar.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Node(n) if !n.is_null() => n.scalar_text(),
            Value::Text(t) => Some(t.clone()),
            _ => None,
        }
    }

    /// The value as a node to read a field from, reported at `span` (where it is used).
    pub fn node(&self, span: Span) -> Option<Node> {
        match self {
            Value::Node(n) => Some((*n).clone()),
            Value::Text(t) => Some(Node { kind: NodeKind::Str(t.clone()), span }),
            Value::Partial(_) | Value::Unknown => None,
        }
    }
}

fn same_node(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Seq(x), NodeKind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_node(a, b))
        }
        (NodeKind::Map(x), NodeKind::Map(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).all(|((ka, va), (kb, vb))| same_node(ka, kb) && same_node(va, vb))
        }
        (x, y) => x == y,
    }
}

/// A variable as defined: a node still to be resolved, or a value already worked out (a
/// `set_fact` is evaluated where it runs, an inventory's vars per host).
#[derive(Clone, Debug)]
pub enum Entry<'a> {
    Raw(&'a Node),
    Resolved(Value<'a>),
}

/// The variables in scope at a point of a run; a later definition of a name replaces the earlier.
#[derive(Clone, Debug, Default)]
pub struct Vars<'a> {
    entries: HashMap<String, Entry<'a>>,
    /// Template parts expanded for the value being worked out (see [`MAX_STEPS`]).
    steps: std::cell::Cell<usize>,
}

impl<'a> Vars<'a> {
    pub fn set_raw(&mut self, name: &str, node: &'a Node) {
        self.entries.insert(name.to_owned(), Entry::Raw(node));
    }

    pub fn set(&mut self, name: &str, value: Value<'a>) {
        self.entries.insert(name.to_owned(), Entry::Resolved(value));
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The value of a variable; `None` when no definition of it is in scope.
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.steps.set(0);
        self.lookup(name, 0)
    }

    fn lookup(&self, name: &str, depth: usize) -> Option<Value<'a>> {
        Some(match self.entries.get(name)? {
            Entry::Resolved(v) => v.clone(),
            Entry::Raw(node) => self.node(node, depth),
        })
    }

    /// A node's value: a templated string is expanded, anything else is itself.
    pub fn value(&self, node: &'a Node) -> Value<'a> {
        self.steps.set(0);
        self.node(node, 0)
    }

    fn node(&self, node: &'a Node, depth: usize) -> Value<'a> {
        match node.as_str() {
            Some(text) if is_templated(text) => self.expand(text, depth),
            _ => Value::Node(node),
        }
    }

    /// A templated string with its `{{ … }}` parts substituted.
    fn expand(&self, text: &str, depth: usize) -> Value<'a> {
        if depth > MAX_DEPTH || text.contains("{%") || text.contains("{#") {
            return Value::Unknown;
        }
        let mut out = String::new();
        let mut partial = false;
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            out.push_str(rest.get(..open).unwrap_or_default());
            let after = rest.get(open + 2..).unwrap_or_default();
            let Some(close) = after.find("}}") else { return Value::Unknown };
            let expr = after.get(..close).unwrap_or_default().trim();
            rest = after.get(close + 2..).unwrap_or_default();
            // A whole-string reference to a list or mapping is that node.
            if open == 0 && rest.is_empty() && out.is_empty() && is_identifier(expr) {
                match self.lookup(expr, depth + 1) {
                    Some(v @ Value::Node(_)) if v.text().is_none() => {
                        return if matches!(v, Value::Node(n) if n.is_null()) { Value::Unknown } else { v };
                    }
                    _ => {}
                }
            }
            match self.part(expr, depth) {
                Value::Text(t) => out.push_str(&t),
                Value::Partial(p) => {
                    partial = true;
                    out.push_str(&p);
                }
                v @ Value::Node(_) => match v.text() {
                    Some(t) => out.push_str(&t),
                    None => return Value::Unknown,
                },
                Value::Unknown => return Value::Unknown,
            }
            if out.len() > MAX_LEN {
                return Value::Unknown;
            }
        }
        out.push_str(rest);
        if partial {
            Value::Partial(out)
        } else if is_templated(&out) {
            // Other template syntax (`${…}`, `<…>`) left in the text: not Ansible's, unknown.
            Value::Unknown
        } else {
            Value::Text(out)
        }
    }

    /// One `{{ expr }}` part.
    fn part(&self, expr: &str, depth: usize) -> Value<'a> {
        self.steps.set(self.steps.get().saturating_add(1));
        if mentions_loop(expr) || self.steps.get() > MAX_STEPS {
            return Value::Unknown;
        }
        let unresolved = || Value::Partial(format!("{{{{ {expr} }}}}"));
        if is_identifier(expr) {
            return self.lookup(expr, depth + 1).unwrap_or_else(unresolved);
        }
        if let Some(v) = super::ipfilter::eval(expr, |name| self.lookup(name, depth + 1)) {
            return v;
        }
        unresolved()
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether an expression reads the loop variable (`item`, `item.0`, `item['name']`).
fn mentions_loop(expr: &str) -> bool {
    expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .any(|word| word == "item" || word.starts_with("item.") || word == "ansible_loop")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn node(text: &str) -> Node {
        crate::yaml::parse(FileId(0), text).documents.remove(0).root
    }

    #[test]
    fn templates_resolve_through_literal_parts_only() {
        let inventory = node(
            "cluster: openshift\ninfra: '{{ cluster }}-upi'\nnet: '{{ infra }}-network'\nfrom_meta: '{{ infraID }}-nodes'\nlooped: '{{ item.1 }}-{{ item.0 }}'\nfiltered: '{{ cidr | ipwrap }}'\nloop_a: '{{ loop_b }}'\nloop_b: '{{ loop_a }}'\n",
        );
        let mut vars = Vars::default();
        for (k, v) in inventory.as_map().unwrap_or_default() {
            vars.set_raw(k.as_str().unwrap_or_default(), v);
        }
        assert_eq!(vars.get("net").and_then(|v| v.text()).as_deref(), Some("openshift-upi-network"));
        assert!(matches!(vars.get("from_meta"), Some(Value::Partial(p)) if p == "{{ infraID }}-nodes"));
        assert!(matches!(vars.get("looped"), Some(Value::Unknown)));
        assert!(matches!(vars.get("filtered"), Some(Value::Partial(p)) if p == "{{ cidr | ipwrap }}"));
        // A cycle is cut by the depth bound: unknown, not a hang.
        assert!(matches!(vars.get("loop_a"), Some(Value::Unknown)));
        assert!(vars.get("undefined").is_none());
    }

    #[test]
    fn a_template_bomb_is_unknown_and_does_not_spend_the_next_values_budget() {
        let mut text = String::from("v0: x\n");
        for i in 1..=16 {
            text.push_str(&format!("v{i}: '{{{{ v{p} }}}}{{{{ v{p} }}}}'\n", p = i - 1));
        }
        text.push_str("plain: '{{ v0 }}-ok'\n");
        let bomb = node(&text);
        let mut vars = Vars::default();
        for (k, v) in bomb.as_map().unwrap_or_default() {
            vars.set_raw(k.as_str().unwrap_or_default(), v);
        }
        assert!(matches!(vars.get("v16"), Some(Value::Unknown)));
        assert_eq!(vars.get("plain").and_then(|v| v.text()).as_deref(), Some("x-ok"));
    }
}
