//! A field read from YAML: absent, present but unknown (templated or of the wrong type), or known.
//!
//! Rules look only at known values, so a templated value never makes a rule fire; presence
//! checks ("`rootVolume` without `zones`") treat an unknown value as present.

use crate::source::{Sp, Span};
use crate::yaml::{Node, NodeKind, is_templated};

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Field<T> {
    #[default]
    Missing,
    Unknown(Span),
    Known(Sp<T>),
}

impl<T> Field<T> {
    pub fn known(&self) -> Option<&Sp<T>> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn value(&self) -> Option<&T> {
        self.known().map(|v| &v.value)
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Field::Missing => None,
            Field::Unknown(span) => Some(*span),
            Field::Known(v) => Some(v.span),
        }
    }

    pub fn is_present(&self) -> bool {
        !matches!(self, Field::Missing)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Field::Unknown(_))
    }

    /// This field if present, otherwise `fallback` (the installer's "non-empty overrides" merge).
    pub fn or(&self, fallback: &Self) -> Self
    where
        T: Clone,
    {
        if self.is_present() { self.clone() } else { fallback.clone() }
    }
}

impl<T: Clone> Field<Vec<T>> {
    /// Like [`Field::or`], but an empty list counts as unset, as in the installer's merge.
    pub fn or_list(&self, fallback: &Self) -> Self {
        match self {
            Field::Known(v) if v.value.is_empty() => fallback.clone(),
            _ => self.or(fallback),
        }
    }
}

impl Field<Vec<Sp<String>>> {
    /// Known entries (empty when missing or unknown).
    pub fn items(&self) -> &[Sp<String>] {
        self.value().map_or(&[], Vec::as_slice)
    }
}

fn unknown_or_missing<T>(node: &Node) -> Field<T> {
    if node.is_null() { Field::Missing } else { Field::Unknown(node.span) }
}

/// A string scalar (numbers are accepted as their text: a zone may be named `1`).
pub fn string(node: Option<&Node>) -> Field<String> {
    let Some(node) = node else { return Field::Missing };
    match &node.kind {
        NodeKind::Str(s) if is_templated(s) => Field::Unknown(node.span),
        NodeKind::Str(_) | NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) => {
            node.scalar_text().map_or(Field::Unknown(node.span), |s| Field::Known(Sp::new(s, node.span)))
        }
        _ => unknown_or_missing(node),
    }
}

/// An integer; a string holding digits counts too (`replicas: "3"` is accepted by the API server).
pub fn int(node: Option<&Node>) -> Field<i64> {
    let Some(node) = node else { return Field::Missing };
    match &node.kind {
        NodeKind::Int(i) => Field::Known(Sp::new(*i, node.span)),
        NodeKind::Str(s) => {
            s.trim().parse().map_or(Field::Unknown(node.span), |i| Field::Known(Sp::new(i, node.span)))
        }
        _ => unknown_or_missing(node),
    }
}

/// The largest replica count taken at face value. Real pools hold tens or hundreds of machines;
/// anything beyond this is treated as unknown, so that layouts and sums stay small and exact.
pub const MAX_REPLICAS: i64 = 100_000;

/// A replica count: an integer in `0..=MAX_REPLICAS`; any other value is unknown, not wrong.
pub fn replicas(node: Option<&Node>) -> Field<i64> {
    match int(node) {
        Field::Known(n) if !(0..=MAX_REPLICAS).contains(&n.value) => Field::Unknown(n.span),
        f => f,
    }
}

/// A boolean; the strings `"true"`/`"false"` count too (Heat `value_specs` and Ansible
/// arguments are often written as strings).
pub fn boolean(node: Option<&Node>) -> Field<bool> {
    let Some(node) = node else { return Field::Missing };
    let value = match &node.kind {
        NodeKind::Null => return Field::Missing,
        NodeKind::Bool(b) => Some(*b),
        NodeKind::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
        NodeKind::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    };
    value.map_or(Field::Unknown(node.span), |b| Field::Known(Sp::new(b, node.span)))
}

/// A scalar parsed with `FromStr` (IP addresses, CIDRs); unparsable text is unknown, not wrong.
pub fn parsed<T: std::str::FromStr>(node: Option<&Node>) -> Field<T> {
    match string(node) {
        Field::Known(s) => {
            s.value.trim().parse().map_or(Field::Unknown(s.span), |v| Field::Known(Sp::new(v, s.span)))
        }
        Field::Unknown(span) => Field::Unknown(span),
        Field::Missing => Field::Missing,
    }
}

/// A field read from one node but reported where it was used (a parameter's default is read
/// from the parameter, the finding points at the property that refers to it).
pub fn used_at<T>(field: Field<T>, span: Span) -> Field<T> {
    match field {
        Field::Known(v) => Field::Known(Sp::new(v.value, span)),
        Field::Unknown(_) => Field::Unknown(span),
        Field::Missing => Field::Missing,
    }
}

/// A list of values read with `item`; one unknown entry makes the whole list unknown.
pub fn list<T>(node: Option<&Node>, item: impl Fn(Option<&Node>) -> Field<T>) -> Field<Vec<Sp<T>>> {
    let Some(node) = node else { return Field::Missing };
    let Some(items) = node.as_seq() else { return unknown_or_missing(node) };
    let mut out = Vec::with_capacity(items.len());
    for n in items {
        match item(Some(n)) {
            Field::Known(v) => out.push(v),
            _ => return Field::Unknown(node.span),
        }
    }
    Field::Known(Sp::new(out, node.span))
}

pub fn strings(node: Option<&Node>) -> Field<Vec<Sp<String>>> {
    list(node, string)
}

/// The span of a key in a mapping (for findings about a key's presence).
pub fn key_span(node: Option<&Node>, key: &str) -> Option<Span> {
    node?.entry(key).map(|(k, _)| k.span)
}

/// Typed reads over the arguments of a network manifest (Heat properties, Ansible module
/// arguments): each reader only says how a key's node is found, after its own template
/// resolution, and where a value counts as written.
pub trait Arguments {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T>;

    fn string(&self, key: &str) -> Field<String> {
        self.field(key, string)
    }

    fn strings(&self, key: &str) -> Field<Vec<Sp<String>>> {
        self.field(key, strings)
    }

    fn int(&self, key: &str) -> Field<i64> {
        self.field(key, int)
    }

    fn boolean(&self, key: &str) -> Field<bool> {
        self.field(key, boolean)
    }

    fn parsed<T: std::str::FromStr>(&self, key: &str) -> Field<T> {
        self.field(key, parsed)
    }
}
