//! Audit reports: `json` (one document), `jsonl` (a provenance line, then one line per
//! repository as it finishes: the streaming and sharding format), `csv` (one row per finding) and
//! `markdown` (an executive summary). `merge` reads `jsonl` back.

use std::collections::BTreeMap;
use std::io::Write;

use serde::{Deserialize, Serialize};

use super::{Audit, Provenance, RepoResult};
use crate::Severity;
use crate::error::Error;
use crate::markdown as md;

pub const SCHEMA_VERSION: u32 = 1;

/// Counts over the whole estate.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    pub repos: usize,
    /// Repositories that could not be scanned.
    pub failed: usize,
    pub clusters: usize,
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// Inputs not read (links, special files, oversized files), over every repository.
    pub unread: usize,
    /// Architecture id → clusters.
    pub architectures: BTreeMap<String, usize>,
    /// Rule code → findings.
    pub rules: BTreeMap<String, usize>,
    /// Clusters that survive the loss of any one AZ, that do not, and whose fate is unknown.
    pub survive_single_az_loss: usize,
    pub fail_single_az_loss: usize,
}

/// The estate's totals, counted from each repository's findings and clusters (files and
/// documents, which no line lists, from the summaries; `merge` has checked that those add up).
pub fn totals(audit: &Audit) -> Totals {
    let mut t = Totals { repos: audit.repos.len(), ..Totals::default() };
    let add = |total: &mut usize, n: usize| *total = total.saturating_add(n);
    for r in &audit.repos {
        add(&mut t.failed, usize::from(r.error.is_some()));
        add(&mut t.clusters, r.clusters.len());
        add(&mut t.files, r.summary.files);
        add(&mut t.documents, r.summary.documents);
        add(&mut t.suppressed, r.suppressed.len());
        add(&mut t.unread, r.notices.len());
        for c in &r.clusters {
            add(t.architectures.entry(c.architecture.clone()).or_default(), 1);
            match c.survives_single_az_loss {
                Some(true) => add(&mut t.survive_single_az_loss, 1),
                Some(false) => add(&mut t.fail_single_az_loss, 1),
                None => {}
            }
        }
        for f in &r.findings {
            match f.severity {
                Severity::Error => add(&mut t.errors, 1),
                Severity::Warning => add(&mut t.warnings, 1),
                Severity::Info => add(&mut t.infos, 1),
            }
            add(t.rules.entry(f.code.clone()).or_default(), 1);
        }
    }
    t
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    kind: &'static str,
    provenance: &'a Provenance,
    repos: &'a [RepoResult],
    totals: Totals,
}

pub fn json(audit: &Audit, out: &mut dyn Write) -> std::io::Result<()> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        kind: "audit",
        provenance: &audit.provenance,
        repos: &audit.repos,
        totals: totals(audit),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The first line of a `jsonl` report.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    schema_version: u32,
    provenance: Provenance,
}

/// Every later line: one repository.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RepoLine {
    repo: Box<RepoResult>,
}

pub fn jsonl_header(provenance: &Provenance, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer(
        &mut *out,
        &Header { schema_version: SCHEMA_VERSION, provenance: provenance.clone() },
    )?;
    writeln!(out)
}

pub fn jsonl_repo(repo: &RepoResult, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &RepoLine { repo: Box::new(repo.clone()) })?;
    writeln!(out)
}

/// A `jsonl` report read back, with the line each part came from (for errors about it).
#[derive(Debug, Default)]
pub struct Part {
    pub audit: Audit,
    pub provenance_line: usize,
    /// The line of each repository, in `audit.repos` order.
    pub repo_lines: Vec<usize>,
}

/// Reads a `jsonl` report; a line that is not one, of another schema version, or whose
/// repository's summary does not match its findings is an error at its line number.
pub fn read_jsonl(path: &std::path::Path, text: &str) -> Result<Part, Error> {
    let mut part = Part::default();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let invalid =
            |message: String| Error::Invalid { path: path.to_path_buf(), line: i + 1, column: 1, message };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| invalid(format!("not an audit line: {e}")))?;
        if value.get("repo").is_some() {
            if part.provenance_line == 0 {
                return Err(invalid("a repository before the provenance line".to_owned()));
            }
            let RepoLine { repo } = serde_json::from_value(value)
                .map_err(|e| invalid(format!("not an audit repository line: {e}")))?;
            check_summary(&repo).map_err(invalid)?;
            part.audit.repos.push(*repo);
            part.repo_lines.push(i + 1);
        } else {
            if part.provenance_line != 0 {
                return Err(invalid("a second provenance line".to_owned()));
            }
            match value.get("schema_version").and_then(serde_json::Value::as_u64) {
                Some(v) if v == u64::from(SCHEMA_VERSION) => {}
                Some(v) => {
                    return Err(invalid(format!(
                        "schema version {v}, not {SCHEMA_VERSION}: written by another stretchlint"
                    )));
                }
                None => {
                    return Err(invalid(
                        "no schema_version: not the jsonl output of `stretchlint audit`".to_owned(),
                    ));
                }
            }
            let header: Header = serde_json::from_value(value)
                .map_err(|e| invalid(format!("not an audit provenance line: {e}")))?;
            part.audit.provenance = header.provenance;
            part.provenance_line = i + 1;
        }
    }
    if part.provenance_line == 0 {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: "no provenance line: not the jsonl output of `stretchlint audit`".to_owned(),
        });
    }
    Ok(part)
}

/// A repository's summary must count what it lists: a report that says otherwise was not written
/// by `audit` (or was edited), and its totals cannot be trusted.
fn check_summary(repo: &RepoResult) -> Result<(), String> {
    let count = |s: Severity| repo.findings.iter().filter(|f| f.severity == s).count();
    let s = &repo.summary;
    for (what, claimed, counted) in [
        ("errors", s.errors, count(Severity::Error)),
        ("warnings", s.warnings, count(Severity::Warning)),
        ("infos", s.infos, count(Severity::Info)),
        ("suppressed findings", s.suppressed, repo.suppressed.len()),
        ("clusters", s.clusters, repo.clusters.len()),
    ] {
        if claimed != counted {
            return Err(format!(
                "repository `{}` claims {claimed} {what} but lists {counted}: not a report `audit` wrote",
                repo.path
            ));
        }
    }
    Ok(())
}

pub fn csv(audit: &Audit, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "repo,commit,cluster,architecture,code,rule,severity,file,line,column,message")?;
    for r in &audit.repos {
        for f in &r.findings {
            let architecture = f
                .cluster
                .as_ref()
                .and_then(|name| r.clusters.iter().find(|c| &c.name == name))
                .map_or("", |c| c.architecture.as_str());
            let row = [
                r.path.as_str(),
                r.commit.as_deref().unwrap_or(""),
                f.cluster.as_deref().unwrap_or(""),
                architecture,
                &f.code,
                &f.rule,
                f.severity.as_str(),
                &f.file,
                &f.line.to_string(),
                &f.column.to_string(),
                &f.message,
            ];
            writeln!(out, "{}", row.iter().map(|cell| csv_cell(cell)).collect::<Vec<_>>().join(","))?;
        }
    }
    Ok(())
}

/// RFC 4180 quoting; a cell a spreadsheet would run as a formula gets a leading `'`.
fn csv_cell(cell: &str) -> String {
    let cell =
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() };
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell }
}

/// Rules about surviving the loss of an AZ: placement (SL1xx), network (SL2xx), load
/// balancers and VRRP (SL3xx) and latency (SL6xx).
fn is_resilience_rule(code: &str) -> bool {
    ["SL1", "SL2", "SL3", "SL6"].iter().any(|p| code.starts_with(p))
}

pub fn markdown(audit: &Audit, out: &mut dyn Write) -> std::io::Result<()> {
    let t = totals(audit);
    let p = &audit.provenance;
    writeln!(out, "# stretchlint audit\n")?;
    writeln!(
        out,
        "{} {} · rules {} · config {} · started {}\n",
        md::text(&p.tool),
        md::text(&p.version),
        md::code(&p.rules_hash),
        md::code(&p.config_hash),
        md::text(&p.started)
    )?;
    writeln!(
        out,
        "**{} repositories** ({} could not be scanned), **{} clusters**, {} files: **{} errors**, {} warnings, {} infos{}{}.\n",
        t.repos,
        t.failed,
        t.clusters,
        t.files,
        t.errors,
        t.warnings,
        t.infos,
        if t.suppressed > 0 { format!(", {} suppressed", t.suppressed) } else { String::new() },
        if t.unread > 0 {
            format!(
                "; {} not read (listed per repository in the JSON)",
                crate::report::human::plural(t.unread, "input")
            )
        } else {
            String::new()
        }
    )?;

    writeln!(out, "## Clusters per architecture\n\n| architecture | clusters |\n|---|---:|")?;
    for (arch, n) in &t.architectures {
        writeln!(out, "| {} | {n} |", md::code(arch))?;
    }

    // Clusters with at least one error from an AZ-resilience rule cannot promise to survive the
    // loss of any one AZ.
    let mut at_risk: BTreeMap<String, (usize, std::collections::BTreeSet<(String, String)>)> =
        BTreeMap::new();
    for r in &audit.repos {
        for f in r.findings.iter().filter(|f| f.severity == Severity::Error && is_resilience_rule(&f.code)) {
            let entry = at_risk.entry(format!("{} {}", f.code, f.rule)).or_default();
            entry.0 += 1;
            entry.1.insert((r.path.clone(), f.cluster.clone().unwrap_or_default()));
        }
    }
    let risky: std::collections::BTreeSet<(String, String)> =
        at_risk.values().flat_map(|(_, c)| c.iter().cloned()).collect();
    writeln!(
        out,
        "\n## AZ resilience\n\n{} of {} clusters survive the loss of any one AZ (`stretchlint simulate`); {} do not, and for {} the scan does not say.\n\n\
         {} of {} clusters have no error from an AZ-resilience rule (placement, network, load balancers, latency).\n",
        t.survive_single_az_loss,
        t.clusters,
        t.fail_single_az_loss,
        t.clusters.saturating_sub(t.survive_single_az_loss).saturating_sub(t.fail_single_az_loss),
        t.clusters.saturating_sub(risky.len()),
        t.clusters
    )?;
    if !at_risk.is_empty() {
        writeln!(out, "| rule | errors | clusters |\n|---|---:|---:|")?;
        for (rule, (errors, clusters)) in &at_risk {
            writeln!(out, "| {} | {errors} | {} |", md::text(rule), clusters.len())?;
        }
    }

    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for f in audit.repos.iter().flat_map(|r| &r.findings) {
        names.insert(&f.code, &f.rule);
    }
    let mut top: Vec<(&String, &usize)> = t.rules.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    writeln!(out, "\n## Top rules\n\n| rule | findings |\n|---|---:|")?;
    for (code, n) in top.iter().take(10) {
        let name = names.get(code.as_str()).unwrap_or(&"");
        writeln!(out, "| {} {} | {n} |", md::text(code), md::text(name))?;
    }

    let mut worst: Vec<&RepoResult> =
        audit.repos.iter().filter(|r| r.summary.errors + r.summary.warnings > 0).collect();
    worst.sort_by(|a, b| {
        (b.summary.errors, b.summary.warnings)
            .cmp(&(a.summary.errors, a.summary.warnings))
            .then(a.path.cmp(&b.path))
    });
    writeln!(
        out,
        "\n## Worst repositories\n\n| repository | errors | warnings | clusters |\n|---|---:|---:|---:|"
    )?;
    for r in worst.iter().take(10) {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md::code(&r.path),
            r.summary.errors,
            r.summary.warnings,
            r.clusters.len()
        )?;
    }
    let failed: Vec<&RepoResult> = audit.repos.iter().filter(|r| r.error.is_some()).collect();
    if !failed.is_empty() {
        writeln!(out, "\n## Not scanned\n")?;
        for r in failed {
            writeln!(out, "- {}: {}", md::code(&r.path), md::text(r.error.as_deref().unwrap_or_default()))?;
        }
    }
    Ok(())
}
