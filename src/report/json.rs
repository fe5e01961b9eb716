//! `--format json`: one versioned object (DESIGN.md §7). Fields may be added, never renamed.

use std::io::Write;

use serde::Serialize;

use super::{ClusterReport, Finding, Report, Summary};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Output<'a> {
    schema_version: u32,
    tool: Tool,
    clusters: &'a [ClusterReport],
    findings: &'a [Finding],
    /// Findings that inline suppressions cover, each with its suppression.
    suppressed: &'a [Finding],
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a super::baseline::Outcome>,
    /// Inputs the run did not read, each with why.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notices: &'a [super::Notice],
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let output = Output {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") },
        clusters: &report.clusters,
        findings: &report.findings,
        suppressed: &report.suppressed,
        summary: &report.summary,
        baseline: report.baseline.as_ref(),
        notices: &report.notices,
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
