//! Scalar resolution as Kubernetes reads YAML: YAML 1.1 booleans (`yes`, `on`, `y`) and legacy
//! octal (`0644` is 420), YAML 1.2 hex, octal and binary prefixes, `_` between digits.
//!
//! The rules follow serde-saphyr's untyped resolution with `legacy_octal_numbers`, so the tree
//! reads every file as the serde-based reader did (see the differential test in `super::tests`).
//! Two deliberate differences: a non-finite float (`.inf`, `.nan`, `1e999`) stays a string instead
//! of failing the whole file, and a scalar whose explicit tag does not fit its text (`!!int abc`,
//! `!!binary` that is not base64) stays a string instead of an error. No manifest field takes
//! either, and a rule that wants a number then reports the value instead of a parse error.

use std::borrow::Cow;

use granit_parser::{ScalarStyle, Tag};

use super::NodeKind;

/// Resolves one scalar event into a node kind.
pub(super) fn resolve(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> NodeKind {
    let plain = matches!(style, ScalarStyle::Plain);
    match tag.map(Explicit::of) {
        Some(Explicit::Null) => NodeKind::Null,
        Some(Explicit::Str) => NodeKind::Str(value.into_owned()),
        Some(Explicit::Bool) => {
            yaml11_bool(&value).map_or_else(|| NodeKind::Str(value.into_owned()), NodeKind::Bool)
        }
        Some(Explicit::Int) => int(trim(&value)).unwrap_or_else(|| NodeKind::Str(value.into_owned())),
        Some(Explicit::Float) => {
            finite_float(trim(&value)).map_or_else(|| NodeKind::Str(value.into_owned()), NodeKind::Float)
        }
        Some(Explicit::Other) | None if plain => implicit(value),
        Some(Explicit::Other) | None => NodeKind::Str(value.into_owned()),
    }
}

/// What an explicit tag asks for.
enum Explicit {
    Null,
    Bool,
    Int,
    Float,
    /// `!!str` and the non-specific `!`: the text as written.
    Str,
    /// Application tags (`!Ref`, `!include`) and the rest: resolved as if untagged.
    Other,
}

impl Explicit {
    fn of(tag: &Tag) -> Self {
        match tag.core_suffix() {
            Some("null") => Self::Null,
            Some("bool") => Self::Bool,
            Some("int") => Self::Int,
            Some("float") => Self::Float,
            Some("str") => Self::Str,
            Some(_) => Self::Other,
            None if tag.suffix_in_namespace("!").is_some_and(|s| s.is_empty() || s == "!") => Self::Str,
            None => Self::Other,
        }
    }
}

/// An untagged plain scalar: null, boolean, integer, float, or else a string.
fn implicit(value: Cow<'_, str>) -> NodeKind {
    if matches!(&*value, "" | "~" | "null" | "Null" | "NULL") {
        return NodeKind::Null;
    }
    if let Some(b) = yaml11_bool(&value) {
        return NodeKind::Bool(b);
    }
    let t = trim(&value);
    if let Some(kind) = int(t) {
        return kind;
    }
    match finite_float(t) {
        Some(f) => NodeKind::Float(f),
        None => NodeKind::Str(value.into_owned()),
    }
}

/// The padding a conversion ignores: YAML spaces and tabs, and line breaks of quoted and block
/// scalars. Other Unicode spaces are content.
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

fn yaml11_bool(s: &str) -> Option<bool> {
    let t = trim(s);
    let is = |words: [&str; 4]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(["true", "yes", "y", "on"]) {
        Some(true)
    } else if is(["false", "no", "n", "off"]) {
        Some(false)
    } else {
        None
    }
}

/// An integer, or `None` when the text is not one (or does not fit). An unsigned value above
/// `i64::MAX` becomes its decimal text: no field holds one, and the text keeps it readable.
fn int(t: &str) -> Option<NodeKind> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let magnitude = magnitude(unsigned)?;
    if negative {
        let value = 0i128.checked_sub(i128::try_from(magnitude).ok()?)?;
        i64::try_from(value).ok().map(NodeKind::Int)
    } else {
        let value = u64::try_from(magnitude).ok()?;
        Some(i64::try_from(value).map_or_else(|_| NodeKind::Str(value.to_string()), NodeKind::Int))
    }
}

/// The value of unsigned integer digits with their radix prefix (`0x`, `0o`, `0b`, or a bare
/// leading `0` for legacy octal).
fn magnitude(rest: &str) -> Option<u128> {
    let prefixed = |lower: &str, upper: &str| rest.strip_prefix(lower).or_else(|| rest.strip_prefix(upper));
    let (radix, digits) = if let Some(d) = prefixed("0x", "0X") {
        (16, d)
    } else if let Some(d) = prefixed("0o", "0O") {
        (8, d)
    } else if let Some(d) = prefixed("0b", "0B") {
        (2, d)
    } else if rest == "0" {
        return Some(0);
    } else if let Some(d) = rest.strip_prefix('0') {
        (8, d)
    } else {
        return digits_value(rest, 10);
    };
    // A prefix may be followed by one `_` (`0x_ff`), as YAML 1.1 allows.
    digits_value(digits.strip_prefix('_').unwrap_or(digits), radix)
}

/// Digits in a radix, with single `_` separators between them.
fn digits_value(digits: &str, radix: u32) -> Option<u128> {
    let bytes = digits.as_bytes();
    let mut value: u128 = 0;
    let mut seen = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let between = i > 0
                && bytes.get(i - 1).is_some_and(|&p| p != b'_')
                && bytes.get(i + 1).is_some_and(|&n| n != b'_');
            if !between {
                return None;
            }
            continue;
        }
        let digit = char::from(b).to_digit(radix)?;
        value = value.checked_mul(u128::from(radix))?.checked_add(u128::from(digit))?;
        seen = true;
    }
    seen.then_some(value)
}

/// A finite float. Rust's parser also reads `inf` and `nan`; those and overflowing literals
/// are left to be strings.
fn finite_float(t: &str) -> Option<f64> {
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> NodeKind {
        resolve(Cow::Borrowed(s), ScalarStyle::Plain, None)
    }

    #[test]
    fn kubernetes_spellings() {
        assert_eq!(plain("0644"), NodeKind::Int(420));
        assert_eq!(plain("0o17"), NodeKind::Int(15));
        assert_eq!(plain("0x_ff"), NodeKind::Int(255));
        assert_eq!(plain("1_000"), NodeKind::Int(1000));
        assert_eq!(plain("-0"), NodeKind::Int(0));
        assert_eq!(plain("+5"), NodeKind::Int(5));
        assert_eq!(plain("-9223372036854775808"), NodeKind::Int(i64::MIN));
        assert_eq!(plain("9223372036854775808"), NodeKind::Str("9223372036854775808".into()));
        assert_eq!(plain("18446744073709551616"), NodeKind::Float(18446744073709551616.0));
        assert_eq!(plain("08"), NodeKind::Float(8.0));
        assert_eq!(plain("Yes"), NodeKind::Bool(true));
        assert_eq!(plain("off"), NodeKind::Bool(false));
        assert_eq!(plain("~"), NodeKind::Null);
        assert_eq!(plain("1.5e3"), NodeKind::Float(1500.0));
        assert_eq!(plain("1__0"), NodeKind::Str("1__0".into()));
    }

    #[test]
    fn non_finite_floats_stay_text() {
        for s in [".inf", "-.Inf", ".nan", "1e999", "nan", "inf"] {
            assert_eq!(plain(s), NodeKind::Str(s.into()), "{s}");
        }
    }

    #[test]
    fn quoted_scalars_are_strings() {
        assert_eq!(
            resolve(Cow::Borrowed("yes"), ScalarStyle::DoubleQuoted, None),
            NodeKind::Str("yes".into())
        );
        assert_eq!(resolve(Cow::Borrowed(""), ScalarStyle::SingleQuoted, None), NodeKind::Str(String::new()));
    }
}
