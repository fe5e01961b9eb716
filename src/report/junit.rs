//! `--format junit`: JUnit XML as Jenkins and GitLab read it. One test suite per cluster (and one
//! per file holding findings outside any cluster), one test case per rule checked. A test case
//! fails when the rule found something at or above the fail level; findings below it are listed
//! in the case's `system-out`.

use std::io::Write;

use super::{Finding, Report, cluster_of};
use crate::rules;

struct Suite<'a> {
    name: String,
    /// The test cases' `classname`: what Jenkins groups them under.
    class: String,
    findings: Vec<&'a Finding>,
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let suites = suites(report);
    let cases = report.rules_checked.len();
    let failed = |s: &Suite| {
        report
            .rules_checked
            .iter()
            .filter(|code| s.findings.iter().any(|f| f.code == **code && f.severity >= report.fail_on))
            .count()
    };
    let total_failures: usize = suites.iter().map(failed).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="stretchlint" tests="{}" failures="{total_failures}" errors="0">"#,
        cases * suites.len()
    )?;
    for suite in &suites {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{cases}" failures="{}" errors="0" skipped="0">"#,
            escape(&suite.name),
            failed(suite)
        )?;
        for code in &report.rules_checked {
            let name =
                rules::find(code).map_or_else(|| (*code).to_owned(), |d| format!("{} {}", d.code, d.name));
            let hits: Vec<&Finding> = suite.findings.iter().copied().filter(|f| f.code == *code).collect();
            write!(out, r#"    <testcase name="{}" classname="{}""#, escape(&name), escape(&suite.class))?;
            if hits.is_empty() {
                writeln!(out, "/>")?;
                continue;
            }
            writeln!(out, ">")?;
            let (failing, below): (Vec<&Finding>, Vec<&Finding>) =
                hits.iter().partition(|f| f.severity >= report.fail_on);
            if let Some(first) = failing.first() {
                let worst = failing.iter().map(|f| f.severity).max().unwrap_or(first.severity);
                let message = if failing.len() == 1 {
                    first.message.clone()
                } else {
                    format!("{} (and {} more)", first.message, failing.len() - 1)
                };
                writeln!(
                    out,
                    r#"      <failure type="{worst}" message="{}">{}</failure>"#,
                    escape(&message),
                    escape(&lines(&failing))
                )?;
            }
            if !below.is_empty() {
                writeln!(out, "      <system-out>{}</system-out>", escape(&lines(&below)))?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Clusters first, then files with findings outside any cluster; a run with neither is one suite,
/// so that a CI server always sees the rules that passed.
fn suites(report: &Report) -> Vec<Suite<'_>> {
    let mut suites: Vec<Suite> = report
        .clusters
        .iter()
        .map(|c| Suite {
            name: format!("cluster {}", super::cluster_label(report, c)),
            class: format!("stretchlint.{}", c.name),
            findings: Vec::new(),
        })
        .collect();
    let mut by_file: Vec<Suite> = Vec::new();
    for f in &report.findings {
        match cluster_of(report, f).and_then(|i| suites.get_mut(i)) {
            Some(suite) => suite.findings.push(f),
            None => {
                let name = format!("file {}", f.file);
                match by_file.iter_mut().find(|s| s.name == name) {
                    Some(suite) => suite.findings.push(f),
                    None => by_file.push(Suite {
                        name,
                        class: format!("stretchlint.{}", f.file),
                        findings: vec![f],
                    }),
                }
            }
        }
    }
    suites.extend(by_file);
    if suites.is_empty() {
        suites.push(Suite {
            name: "stretchlint".to_owned(),
            class: "stretchlint".to_owned(),
            findings: Vec::new(),
        });
    }
    suites
}

fn lines(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{}:{}:{}: {}: {}\n", f.file, f.line, f.column, f.severity, f.message))
        .collect()
}

/// XML-escapes text and drops the control characters XML 1.0 cannot carry.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
