//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it (FEATURE-BAR.md §3.1).
//!
//! Every result has a real region (1-based, never line 0 or -1), a URI relative to the repository
//! root with `/` whatever folder the tool ran from (GitHub resolves `%SRCROOT%` against the
//! checkout), and a `partialFingerprints` key built from rule, file, object and YAML path, so that
//! edits elsewhere in the file do not reopen alerts; GitHub also computes its own
//! `primaryLocationLineHash` from the file's text. Rule descriptions stay within code scanning's
//! 1,024 characters, and `automationDetails.id` names the run after the scanned paths, so that
//! several uploads from one workflow (one per folder) do not replace each other. No snippet is
//! emitted, so no secret can leak through one.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    let at = Locator::from_env();
    let results: Vec<Value> = report
        .findings
        .iter()
        .zip(keys)
        .map(|(f, key)| result(f, rule_index.get(f.code).copied().unwrap_or(0), key, &report.sources, &at))
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
            "automationDetails": { "id": at.run_id(&report.paths) },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications(report, &at),
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
fn notifications(report: &Report, at: &Locator) -> Vec<Value> {
    report
        .notices
        .iter()
        .map(|n| {
            json!({
                "level": "note",
                "message": { "text": n.message },
                "locations": [{ "physicalLocation": { "artifactLocation": at.artifact(&n.file) } }],
            })
        })
        .collect()
}

pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub(crate) fn rule(d: &rules::Descriptor) -> Value {
    json!({
        "id": d.code,
        "name": d.name,
        "shortDescription": { "text": bounded(d.summary.trim_end()) },
        "fullDescription": { "text": bounded(d.rationale.trim_end()) },
        "help": { "text": docs::help_text(d), "markdown": docs::help_markdown(d) },
        "helpUri": docs::page_uri(d),
        "defaultConfiguration": { "level": level(d.severity()) },
        "properties": { "tags": ["openshift", "openstack", "availability-zones"] },
    })
}

fn result(f: &Finding, rule_index: usize, fingerprint: String, sources: &SourceDb, at: &Locator) -> Value {
    let mut result = json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [at.location(&f.file, region(f.line, f.column, f.end_line, f.end_column), None)],
        "partialFingerprints": { FINGERPRINT: fingerprint },
    });
    let related: Vec<Value> = f
        .secondary
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let (start, end) = sources.range(label.span);
            let mut loc = at.location(
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

/// Code scanning's limit on a rule's short and full description.
const DESCRIPTION_LIMIT: usize = 1024;

/// The text within [`DESCRIPTION_LIMIT`] characters, cut at a word with a pointer to the rule's
/// page (which `help` and `helpUri` carry in full).
fn bounded(text: &str) -> String {
    const MORE: &str = " … (the rule's page has the rest)";
    if text.chars().count() <= DESCRIPTION_LIMIT {
        return text.to_owned();
    }
    let room = DESCRIPTION_LIMIT - MORE.chars().count();
    let cut = text.char_indices().nth(room).map_or(text.len(), |(i, _)| i);
    let head = text.get(..cut).unwrap_or(text);
    let head = head.rfind(char::is_whitespace).and_then(|i| head.get(..i)).unwrap_or(head);
    format!("{}{MORE}", head.trim_end())
}

/// Where paths are relative to: the repository root (`GITHUB_WORKSPACE` when the tool runs inside
/// it, else the nearest folder above the working directory that holds `.git`, else the working
/// directory), and the working directory the report's paths are relative to.
struct Locator {
    cwd: PathBuf,
    root: PathBuf,
}

impl Locator {
    fn from_env() -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let workspace =
            std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from).filter(|w| cwd.starts_with(w));
        let git = || cwd.ancestors().find(|a| a.join(".git").exists()).map(Path::to_path_buf);
        let root = workspace.or_else(git).unwrap_or_else(|| cwd.clone());
        Locator { cwd, root }
    }

    /// A report path relative to the repository root, when it is inside it.
    fn root_relative(&self, file: &Path) -> Option<String> {
        let absolute = crate::source::lexical(&self.cwd.join(file));
        let rel = absolute.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        Some(parts.join("/"))
    }

    /// A file inside the repository is relative to its root (`%SRCROOT%`); one outside it becomes
    /// an absolute `file://` URI. Both are percent-encoded.
    fn artifact(&self, file: &str) -> Value {
        match self.root_relative(Path::new(file)).filter(|rel| !rel.is_empty()) {
            Some(rel) => json!({ "uri": encode(&rel), "uriBaseId": "%SRCROOT%" }),
            None => {
                let absolute = crate::source::lexical(&self.cwd.join(file));
                json!({ "uri": format!("file://{}", encode(&absolute.to_string_lossy())) })
            }
        }
    }

    fn location(&self, file: &str, region: Value, message: Option<&str>) -> Value {
        let mut loc =
            json!({ "physicalLocation": { "artifactLocation": self.artifact(file), "region": region } });
        if let (Some(text), Some(obj)) = (message.filter(|m| !m.is_empty()), loc.as_object_mut()) {
            obj.insert("message".to_owned(), json!({ "text": text }));
        }
        loc
    }

    /// `stretchlint/` plus the scanned paths relative to the repository root: code scanning's
    /// category (the part before the last `/`), distinct for each folder a workflow scans.
    fn run_id(&self, paths: &[PathBuf]) -> String {
        let mut named: Vec<String> =
            paths.iter().filter_map(|p| self.root_relative(p)).filter(|p| !p.is_empty()).collect();
        named.sort();
        named.dedup();
        if named.is_empty() { "stretchlint/".to_owned() } else { format!("stretchlint/{}/", named.join("+")) }
    }
}

/// Percent-encodes what may not appear raw in a URI path (RFC 3986 unreserved and `/` stay).
pub(crate) fn encode(path: &str) -> String {
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
pub(crate) fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
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

    fn at(cwd: &str, root: &str) -> Locator {
        Locator { cwd: PathBuf::from(cwd), root: PathBuf::from(root) }
    }

    #[test]
    fn uris_are_encoded_and_relative_to_the_repository_root() {
        let repo = at("/repo", "/repo");
        assert_eq!(repo.artifact("clusters/prod a/x.yaml")["uri"], "clusters/prod%20a/x.yaml");
        assert_eq!(repo.artifact("clusters/x.yaml")["uriBaseId"], "%SRCROOT%");
        assert_eq!(repo.artifact("/abs/p#1.yaml")["uri"], "file:///abs/p%231.yaml");
        // Run from a folder of the repository: the URI still starts at the root.
        let sub = at("/repo/infra", "/repo");
        assert_eq!(sub.artifact("clusters/x.yaml")["uri"], "infra/clusters/x.yaml");
        assert_eq!(sub.artifact("../other/x.yaml")["uri"], "other/x.yaml");
        assert_eq!(sub.artifact("/repo/infra/y.yaml")["uri"], "infra/y.yaml");
    }

    #[test]
    fn the_run_is_named_after_its_paths_from_the_root() {
        let sub = at("/repo/infra", "/repo");
        assert_eq!(sub.run_id(&[PathBuf::from(".")]), "stretchlint/infra/");
        assert_eq!(at("/repo", "/repo").run_id(&[PathBuf::from(".")]), "stretchlint/");
        let two = [PathBuf::from("b"), PathBuf::from("./a/")];
        assert_eq!(at("/repo", "/repo").run_id(&two), "stretchlint/a+b/");
    }

    #[test]
    fn every_rule_description_fits_code_scanning() {
        let mut cut = 0;
        for d in rules::catalogue() {
            let r = rule(d);
            for field in ["shortDescription", "fullDescription"] {
                let text = r[field]["text"].as_str().unwrap_or_default();
                assert!(text.chars().count() <= DESCRIPTION_LIMIT, "{} {field}", d.code);
            }
            cut += usize::from(d.rationale.trim_end().chars().count() > DESCRIPTION_LIMIT);
        }
        assert!(cut > 0, "some rationales are longer than the limit: the cut is exercised");
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word_within_the_limit() {
        let long = "word ".repeat(400);
        let cut = bounded(&long);
        assert!(cut.chars().count() <= DESCRIPTION_LIMIT, "{}", cut.chars().count());
        assert!(cut.ends_with("(the rule's page has the rest)"));
        assert!(cut.starts_with("word word"));
        assert_eq!(bounded("short"), "short");
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
