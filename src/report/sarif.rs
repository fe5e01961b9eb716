//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it (FEATURE-BAR.md §3.1).
//!
//! Every result has a real region (1-based, never line 0 or -1), a repository-relative URI with `/`,
//! and a `partialFingerprints` key built from rule, file, object and YAML path, so that edits
//! elsewhere in the file do not reopen alerts. No snippet is emitted, so no secret can leak
//! through one.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use serde_json::{Value, json};

use super::identity::keys;
use super::{Finding, Report};
use crate::diagnostic::Severity;
use crate::rules::{self, docs};
use crate::source::SourceDb;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The fingerprint's name carries a version: a change to how keys are built must not silently
/// reuse the old name.
pub const FINGERPRINT: &str = "stretchlint/v2";

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        rule_index.insert(f.code, 0);
    }
    let rules: Vec<Value> = rule_index.keys().filter_map(|code| rules::find(code)).map(rule).collect();
    for (i, slot) in rule_index.values_mut().enumerate() {
        *slot = i;
    }
    let keys = fingerprints(report);
    let results: Vec<Value> = report
        .findings
        .iter()
        .zip(keys)
        .map(|(f, key)| result(f, rule_index.get(f.code).copied().unwrap_or(0), key, &report.sources))
        .collect();
    let sarif = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications(report),
            }],
            // Columns count Unicode scalar values (source::LineIndex), not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

/// The inputs the run did not read, as notes about the run (not results: nothing is wrong in them).
fn notifications(report: &Report) -> Vec<Value> {
    report
        .notices
        .iter()
        .map(|n| {
            json!({
                "level": "note",
                "message": { "text": n.message },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&n.file) } }],
            })
        })
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(d: &rules::Descriptor) -> Value {
    json!({
        "id": d.code,
        "name": d.name,
        "shortDescription": { "text": d.summary.trim_end() },
        "fullDescription": { "text": d.rationale.trim_end() },
        "help": { "text": docs::help_text(d), "markdown": docs::help_markdown(d) },
        "helpUri": docs::page_uri(d),
        "defaultConfiguration": { "level": level(d.severity()) },
        "properties": { "tags": ["openshift", "openstack", "availability-zones"] },
    })
}

fn result(f: &Finding, rule_index: usize, fingerprint: String, sources: &SourceDb) -> Value {
    let mut result = json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location(&f.file, region(f.line, f.column, f.end_line, f.end_column), None)],
        "partialFingerprints": { FINGERPRINT: fingerprint },
    });
    let related: Vec<Value> = f
        .secondary
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let (start, end) = sources.range(label.span);
            let mut loc = location(
                sources.display(label.span.file),
                region(start.line, start.column, end.line, end.column),
                Some(&label.message),
            );
            if let Some(obj) = loc.as_object_mut() {
                obj.insert("id".to_owned(), json!(i + 1));
            }
            loc
        })
        .collect();
    if !related.is_empty()
        && let Some(obj) = result.as_object_mut()
    {
        obj.insert("relatedLocations".to_owned(), Value::Array(related));
    }
    result
}

fn location(file: &str, region: Value, message: Option<&str>) -> Value {
    let mut loc = json!({ "physicalLocation": { "artifactLocation": artifact(file), "region": region } });
    if let (Some(text), Some(obj)) = (message.filter(|m| !m.is_empty()), loc.as_object_mut()) {
        obj.insert("message".to_owned(), json!({ "text": text }));
    }
    loc
}

/// A relative path stays relative to the checkout (`%SRCROOT%`); an absolute one becomes a
/// `file://` URI. Both are percent-encoded.
fn artifact(file: &str) -> Value {
    if file.starts_with('/') {
        json!({ "uri": format!("file://{}", encode(file)) })
    } else {
        json!({ "uri": encode(file), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes what may not appear raw in a URI path (RFC 3986 unreserved and `/` stay).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A 1-based region whose end is never before its start.
fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    let (line, column) = (line.max(1), column.max(1));
    let (end_line, end_column) =
        if (end_line, end_column) < (line, column) { (line, column) } else { (end_line, end_column.max(1)) };
    json!({ "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column })
}

/// `code:file:object:path` for each finding; a key seen twice gets `#2`, `#3` in finding order,
/// which is stable (findings are sorted by position).
pub fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    keys(&report.findings, &report.sources)
        .into_iter()
        .map(|key| {
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { key } else { format!("{key}#{n}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_and_relative_ones_keep_their_base() {
        assert_eq!(artifact("clusters/prod a/x.yaml")["uri"], "clusters/prod%20a/x.yaml");
        assert_eq!(artifact("clusters/x.yaml")["uriBaseId"], "%SRCROOT%");
        assert_eq!(artifact("/abs/p#1.yaml")["uri"], "file:///abs/p%231.yaml");
    }

    #[test]
    fn regions_are_one_based_and_ordered() {
        assert_eq!(
            region(0, 0, 0, 0),
            json!({ "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 })
        );
        assert_eq!(region(5, 3, 4, 1)["endLine"], 5);
    }
}
