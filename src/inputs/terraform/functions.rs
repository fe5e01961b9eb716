//! The Terraform functions names are built with (`format`, `join`, `lower`, …) and those that
//! decide `count` (`length`, `concat`), evaluated on known arguments. Any other function, and
//! any call with an argument that is not known or that Terraform would reject, is unknown.

use super::eval::Value;
use crate::source::Span;

pub(super) fn call(name: &str, args: Vec<Value>, span: Span) -> Value {
    let out = match name {
        "format" => format(&args, span),
        "join" => join(args, span),
        "lower" | "upper" | "trimspace" => match args.as_slice() {
            [Value::Str(s, _)] => Some(Value::Str(
                match name {
                    "lower" => s.to_lowercase(),
                    "upper" => s.to_uppercase(),
                    _ => s.trim().to_owned(),
                },
                span,
            )),
            _ => None,
        },
        "replace" => match args.as_slice() {
            // A `/…/` substring is a regular expression: not reproduced.
            [Value::Str(s, _), Value::Str(from, _), to]
                if !(from.starts_with('/') && from.ends_with('/')) =>
            {
                to.text()
                    .filter(|_| !from.is_empty())
                    .map(|to| Value::Str(s.replace(from.as_str(), &to), span))
            }
            _ => None,
        },
        "split" => match args.as_slice() {
            [Value::Str(sep, _), Value::Str(s, _)] if !sep.is_empty() => Some(Value::List(
                s.split(sep.as_str()).map(|p| Value::Str(p.to_owned(), span)).collect(),
                span,
            )),
            _ => None,
        },
        "length" => match args.as_slice() {
            [Value::Str(s, _)] => Some(s.chars().count()),
            [Value::List(items, _)] => Some(items.len()),
            [Value::Map(entries, _)] => Some(entries.len()),
            _ => None,
        }
        .map(|n| Value::Num(n as f64, span)),
        "concat" => {
            let mut out = Vec::new();
            for arg in args {
                match arg {
                    Value::List(items, _) => out.extend(items),
                    _ => return Value::Unknown(span),
                }
            }
            Some(Value::List(out, span))
        }
        "element" => match args.as_slice() {
            [Value::List(items, _), index] if !items.is_empty() => index
                .integer()
                .and_then(|i| usize::try_from(i).ok())
                // `element` wraps around the end of the list.
                .and_then(|i| items.get(i % items.len()).cloned()),
            [Value::Repeated(inner, _), _] => Some((**inner).clone()),
            _ => None,
        },
        "tostring" => match args.as_slice() {
            [v @ (Value::Str(..) | Value::Num(..) | Value::Bool(..))] => {
                v.text().map(|t| Value::Str(t, span))
            }
            _ => None,
        },
        "tonumber" => match args.as_slice() {
            [Value::Num(n, _)] => Some(Value::Num(*n, span)),
            [Value::Str(s, _)] => s.trim().parse().ok().map(|n| Value::Num(n, span)),
            _ => None,
        },
        "tolist" => match args.into_iter().next() {
            Some(Value::List(items, _)) => Some(Value::List(items, span)),
            _ => None,
        },
        // A set of strings is ordered lexically and holds each element once.
        "toset" => match args.into_iter().next() {
            Some(Value::List(items, _)) => {
                let mut texts = Vec::with_capacity(items.len());
                for item in &items {
                    match item {
                        Value::Str(s, _) => texts.push(s.clone()),
                        _ => return Value::Unknown(span),
                    }
                }
                texts.sort();
                texts.dedup();
                Some(Value::List(texts.into_iter().map(|t| Value::Str(t, span)).collect(), span))
            }
            _ => None,
        },
        "coalesce" => coalesce(args),
        "cidrhost" => match args.as_slice() {
            [Value::Str(prefix, _), n] => {
                n.integer().and_then(|n| cidrhost(prefix, n)).map(|ip| Value::Str(ip, span))
            }
            _ => None,
        },
        "merge" => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for arg in args {
                match arg {
                    Value::Map(entries, _) => {
                        for (k, v) in entries {
                            out.retain(|(o, _)| *o != k);
                            out.push((k, v));
                        }
                    }
                    Value::Null(_) => {}
                    _ => return Value::Unknown(span),
                }
            }
            Some(Value::Map(out, span))
        }
        // Keys in lexical order, values in the order of their keys, as Terraform gives them.
        "keys" | "values" => match args.into_iter().next() {
            Some(Value::Map(mut entries, _)) => {
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                let items = entries
                    .into_iter()
                    .map(|(k, v)| if name == "keys" { Value::Str(k, span) } else { v })
                    .collect();
                Some(Value::List(items, span))
            }
            _ => None,
        },
        "tomap" => match args.into_iter().next() {
            Some(Value::Map(entries, _)) => Some(Value::Map(entries, span)),
            _ => None,
        },
        "lookup" => match args.as_slice() {
            [Value::Map(entries, _), key, rest @ ..] if rest.len() <= 1 => key.text().and_then(|key| {
                entries
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
                    .or_else(|| rest.first().cloned())
            }),
            _ => None,
        },
        _ => None,
    };
    out.unwrap_or(Value::Unknown(span))
}

/// `format(spec, values…)` with the plain verbs `%s`, `%d`, `%v` and `%%`; flags, widths and
/// explicit argument indexes are not reproduced (unknown).
fn format(args: &[Value], span: Span) -> Option<Value> {
    let (Value::Str(spec, _), values) = args.split_first()? else { return None };
    let mut out = String::new();
    let mut next = values.iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' => out.push_str(&next.next()?.text()?),
            'd' => out.push_str(&next.next()?.integer()?.to_string()),
            _ => return None,
        }
    }
    // Terraform rejects arguments that no verb consumes.
    next.next().is_none().then_some(Value::Str(out, span))
}

/// `join(separator, lists…)`. A list of one element joins to that element: kept as it is, so
/// that `join("", openstack_networking_router_v2.r.*.id)` (the idiom of Terraform 0.11 for the
/// id of a resource with `count = 0 or 1`) still refers to the resource.
fn join(args: Vec<Value>, span: Span) -> Option<Value> {
    let mut args = args.into_iter();
    let Some(Value::Str(sep, _)) = args.next() else { return None };
    let mut items = Vec::new();
    for list in args {
        match list {
            Value::List(elements, _) => items.extend(elements),
            // Zero or one instance of one object: joined with "", the object's id when it
            // exists (a resource using it exists only then: an empty id would fail its apply).
            Value::Repeated(inner, _) if sep.is_empty() => items.push(*inner),
            _ => return None,
        }
    }
    if let [only] = items.as_slice()
        && matches!(only, Value::Resource(_) | Value::Str(..))
    {
        return items.pop().map(|v| v.at(span));
    }
    let mut texts = Vec::with_capacity(items.len());
    for item in &items {
        texts.push(item.text()?);
    }
    Some(Value::Str(texts.join(&sep), span))
}

/// The first argument that is neither null nor an empty string; unknown once an unknown one
/// comes first.
fn coalesce(args: Vec<Value>) -> Option<Value> {
    for arg in args {
        match &arg {
            Value::Null(_) => continue,
            Value::Str(s, _) if s.is_empty() => continue,
            Value::Str(..) | Value::Num(..) | Value::Bool(..) => return Some(arg),
            _ => return None,
        }
    }
    None
}

/// `cidrhost(prefix, hostnum)`: the address `hostnum` into the prefix's network (counted from
/// its end when negative); `None` when it does not fit, where Terraform fails.
fn cidrhost(prefix: &str, hostnum: i64) -> Option<String> {
    let net: ipnet::IpNet = prefix.trim().parse().ok()?;
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    let size = 1u128.checked_shl(host_bits);
    let offset: u128 = match (u128::try_from(hostnum), size) {
        (Ok(n), Some(size)) if n < size => n,
        (Ok(n), None) => n,
        (Err(_), Some(size)) => size.checked_sub(u128::from(hostnum.unsigned_abs()))?,
        _ => return None,
    };
    Some(match net.network() {
        std::net::IpAddr::V4(base) => {
            let addr = u128::from(u32::from(base)).checked_add(offset)?;
            std::net::Ipv4Addr::from(u32::try_from(addr).ok()?).to_string()
        }
        std::net::IpAddr::V6(base) => {
            std::net::Ipv6Addr::from(u128::from(base).checked_add(offset)?).to_string()
        }
    })
}
