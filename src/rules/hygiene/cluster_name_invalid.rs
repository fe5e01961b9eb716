//! SL403: `metadata.name` of an OpenStack install-config is not a valid cluster name.
//!
//! The installer requires a DNS-1123 name and, on the on-prem platforms (OpenStack among them),
//! rejects dots because they break keepalived (`validate.OnPremClusterName`, DOMAIN.md §A.1).
//! That leaves a DNS-1123 label: lowercase letters, digits and `-`, starting and ending with a
//! letter or digit, at most 63 characters. The message names every rule the name breaks.

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(ClusterNameInvalid, "SL403", "SL403-cluster-name-invalid.yaml", check);

/// The longest DNS-1123 label.
const MAX_LEN: usize = 63;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        // A templated name is unknown: `known()` skips it.
        let Some(name) = ic.name.known() else { continue };
        let problems = problems(&name.value);
        if problems.is_empty() {
            continue;
        }
        let mut diag = Diagnostic::new(
            "SL403",
            name.span,
            format!("cluster name `{}` is not a valid DNS-1123 label: {}", name.value, problems.join("; ")),
        )
        .with_label(problems.first().cloned().unwrap_or_default())
        .for_cluster(Some(&cluster.name));
        let help = match suggestion(&name.value) {
            Some(s) => format!(
                "rename the cluster, e.g. `name: {s}`: lowercase letters, digits and `-`, starting and ending with a letter or digit, at most {MAX_LEN} characters, no dots"
            ),
            None => format!(
                "rename the cluster using lowercase letters, digits and `-`, starting and ending with a letter or digit, at most {MAX_LEN} characters, no dots"
            ),
        };
        diag = diag.with_help(help);
        out.push(diag);
    }
}

/// Every rule the name breaks, in reading order; positions are 1-based characters.
fn problems(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let len = name.chars().count();
    if len == 0 {
        out.push("it is empty".to_owned());
        return out;
    }
    if len > MAX_LEN {
        out.push(format!("too long ({len} characters, at most {MAX_LEN})"));
    }
    if name.starts_with('-') {
        out.push("starts with `-`".to_owned());
    }
    if name.ends_with('-') {
        out.push("ends with `-`".to_owned());
    }
    // Report the first character of each kind: one dot is enough to explain the fix.
    let mut upper = false;
    let mut dot = false;
    let mut other = false;
    for (i, c) in name.chars().enumerate() {
        let pos = i + 1;
        match c {
            'A'..='Z' if !upper => {
                upper = true;
                out.push(format!("uppercase letter `{c}` at position {pos}"));
            }
            '.' if !dot => {
                dot = true;
                out.push(format!(
                    "dot at position {pos} (OpenStack rejects dots in the cluster name: they break keepalived)"
                ));
            }
            'a'..='z' | '0'..='9' | '-' | 'A'..='Z' | '.' => {}
            _ if !other => {
                other = true;
                out.push(format!(
                    "character `{c}` at position {pos} is not a lowercase letter, digit or `-`"
                ));
            }
            _ => {}
        }
    }
    out
}

/// A valid label close to the name: lowercase, anything else turned into `-`, trimmed to 63.
fn suggestion(name: &str) -> Option<String> {
    let mapped: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let mut s: String = mapped.trim_matches('-').chars().take(MAX_LEN).collect();
    while s.ends_with('-') {
        s.pop();
    }
    (!s.is_empty() && s != name).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::{problems, suggestion};

    #[test]
    fn names_each_broken_rule() {
        assert!(problems("ocp1").is_empty());
        assert!(problems("a").is_empty());
        assert_eq!(
            problems("Ocp.1"),
            [
                "uppercase letter `O` at position 1",
                "dot at position 4 (OpenStack rejects dots in the cluster name: they break keepalived)"
            ]
        );
        assert_eq!(
            problems("-ocp_1"),
            ["starts with `-`", "character `_` at position 5 is not a lowercase letter, digit or `-`"]
        );
        assert_eq!(problems(&"a".repeat(64)), ["too long (64 characters, at most 63)"]);
        assert_eq!(problems(""), ["it is empty"]);
    }

    #[test]
    fn suggests_a_valid_label() {
        assert_eq!(suggestion("Prod.East"), Some("prod-east".to_owned()));
        assert_eq!(suggestion("-ocp-"), Some("ocp".to_owned()));
        assert_eq!(suggestion("ocp1"), None);
        assert_eq!(suggestion("..."), None);
    }
}
