//! `audit --format sarif`: SARIF 2.1.0 with one run per repository, for tools that ingest SARIF
//! per project (DefectDojo, code scanning of each repository).
//!
//! Each run names its repository in `automationDetails.id` (`stretchlint-audit/<path>/`) and its
//! commit in the run's properties; URIs are relative to the repository (`%SRCROOT%`). A repository
//! that could not be scanned is a run whose invocation failed, with the reason as an error
//! notification. No partial fingerprints: the audit keeps no finding identities, and a consumer
//! that needs them computes its own from the location.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};

use super::{Audit, RepoFinding, RepoResult};
use crate::report::sarif::{SCHEMA_URI, encode, level, region, rule};

pub fn render(audit: &Audit, out: &mut dyn Write) -> std::io::Result<()> {
    let runs: Vec<Value> = audit.repos.iter().map(|r| run(r, &audit.provenance.version)).collect();
    let sarif = json!({ "$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs });
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

fn run(repo: &RepoResult, version: &str) -> Value {
    // The rules that occur, in code order; a pack's rule has no descriptor in the catalogue.
    let mut index: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for f in &repo.findings {
        index.insert(&f.code, (0, &f.rule));
    }
    for (i, slot) in index.values_mut().enumerate() {
        slot.0 = i;
    }
    let rules: Vec<Value> = index
        .iter()
        .map(|(code, (_, name))| match crate::rules::find(code) {
            Some(d) => rule(d),
            None => json!({ "id": code, "name": name }),
        })
        .collect();
    let results: Vec<Value> =
        repo.findings.iter().map(|f| result(f, index.get(f.code.as_str()).map_or(0, |(i, _)| *i))).collect();
    let notifications: Vec<Value> = repo
        .error
        .iter()
        .map(|e| json!({ "level": "error", "message": { "text": e } }))
        .chain(repo.notices.iter().map(|n| {
            json!({
                "level": "note",
                "message": { "text": n.message },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&n.file) } }],
            })
        }))
        .collect();
    let mut properties = json!({ "repository": repo.path });
    if let (Some(commit), Some(obj)) = (&repo.commit, properties.as_object_mut()) {
        obj.insert("commit".to_owned(), json!(commit));
    }
    json!({
        "tool": { "driver": {
            "name": env!("CARGO_PKG_NAME"),
            "version": version,
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": rules,
        }},
        "automationDetails": { "id": format!("stretchlint-audit/{}/", repo.path) },
        "invocations": [{
            "executionSuccessful": repo.error.is_none(),
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": properties,
    })
}

fn result(f: &RepoFinding, rule_index: usize) -> Value {
    json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": artifact(&f.file),
            "region": region(f.line, f.column, f.line, f.column),
        }}],
    })
}

fn artifact(file: &str) -> Value {
    json!({ "uri": encode(file), "uriBaseId": "%SRCROOT%" })
}
