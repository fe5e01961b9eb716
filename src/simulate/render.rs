//! The simulation as a table per cluster (human), JSON and Markdown.

use std::io::Write;

use serde::Serialize;

use super::{ClusterResult, Simulation, Status};
use crate::markdown as md;
use crate::source::SourceDb;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Evidence<'a> {
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct ServiceJson<'a> {
    service: &'static str,
    status: Status,
    reason: &'a str,
    evidence: Vec<Evidence<'a>>,
}

#[derive(Serialize)]
struct ScenarioJson<'a> {
    lost: &'a [String],
    services: Vec<ServiceJson<'a>>,
}

#[derive(Serialize)]
struct ClusterJson<'a> {
    name: &'a str,
    architecture: &'static str,
    zones: &'a [String],
    verdict: String,
    scenarios: Vec<ScenarioJson<'a>>,
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    clusters: Vec<ClusterJson<'a>>,
}

fn evidence<'a>(sources: &'a SourceDb, spans: &[crate::source::Span]) -> Vec<Evidence<'a>> {
    let mut out: Vec<Evidence<'a>> = spans
        .iter()
        .map(|s| Evidence { file: sources.display(s.file), line: sources.range(*s).0.line })
        .collect();
    out.sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));
    out.dedup_by(|a, b| a.file == b.file && a.line == b.line);
    out
}

pub fn json(sim: &Simulation, out: &mut dyn Write) -> std::io::Result<()> {
    let clusters = sim
        .clusters
        .iter()
        .map(|c| ClusterJson {
            name: &c.name,
            architecture: c.architecture,
            zones: &c.zones,
            verdict: c.verdict(),
            scenarios: c
                .scenarios
                .iter()
                .map(|s| ScenarioJson {
                    lost: &s.lost,
                    services: s
                        .services
                        .iter()
                        .map(|o| ServiceJson {
                            service: o.service,
                            status: o.status,
                            reason: &o.reason,
                            evidence: evidence(&sim.sources, &o.evidence),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &Document { schema_version: SCHEMA_VERSION, clusters })?;
    writeln!(out)
}

fn paint(status: Status, color: bool) -> String {
    let text = status.as_str();
    if !color {
        return text.to_owned();
    }
    let code = match status {
        Status::Ok => "32",
        Status::Degraded => "33",
        Status::Down => "31;1",
        Status::Unknown => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// A table per cluster: one row per scenario, one column per service; then each scenario's
/// reasons for what is not ok, with their evidence.
pub fn human(sim: &Simulation, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if sim.clusters.is_empty() {
        return writeln!(out, "No cluster found.");
    }
    for c in &sim.clusters {
        writeln!(out, "cluster {} ({}): {}", c.name, c.architecture, c.verdict())?;
        let Some(first) = c.scenarios.first() else {
            writeln!(out)?;
            continue;
        };
        let names: Vec<&str> = first.services.iter().map(|o| o.service).collect();
        let lost_width = c.scenarios.iter().map(|s| s.lost.join("+").len()).max().unwrap_or(0).max(4);
        let mut header = format!("  {:lost_width$}", "lose");
        for n in &names {
            header.push_str(&format!("  {n:<9}"));
        }
        writeln!(out, "{}", header.trim_end())?;
        for s in &c.scenarios {
            let mut row = format!("  {:lost_width$}", s.lost.join("+"));
            for (o, n) in s.services.iter().zip(&names) {
                let pad = n.len().max(9).saturating_sub(o.status.as_str().len());
                row.push_str(&format!("  {}{}", paint(o.status, color), " ".repeat(pad)));
            }
            writeln!(out, "{}", row.trim_end())?;
        }
        for (lost, o) in not_ok(c) {
            writeln!(out, "  lose {lost}: {} {}: {}", o.service, paint(o.status, color), o.reason)?;
            let at: Vec<String> = evidence(&sim.sources, &o.evidence)
                .iter()
                .map(|e| format!("{}:{}", e.file, e.line))
                .collect();
            if !at.is_empty() {
                writeln!(out, "      {}", at.join(", "))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The outcomes that are not ok, each once with the scenarios it holds for (`az1, az2`): the
/// same unknown in every scenario is one line, not one per AZ.
fn not_ok(c: &ClusterResult) -> Vec<(String, &super::Outcome)> {
    let mut out: Vec<(Vec<String>, &super::Outcome)> = Vec::new();
    for s in &c.scenarios {
        for o in s.services.iter().filter(|o| o.status != Status::Ok) {
            let lost = s.lost.join(" + ");
            match out.iter_mut().find(|(_, seen)| {
                seen.service == o.service
                    && seen.status == o.status
                    && seen.reason == o.reason
                    && seen.evidence == o.evidence
            }) {
                Some((scenarios, _)) => scenarios.push(lost),
                None => out.push((vec![lost], o)),
            }
        }
    }
    out.into_iter().map(|(scenarios, o)| (scenarios.join(", "), o)).collect()
}

pub fn markdown(sim: &Simulation, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# AZ-loss simulation\n")?;
    for c in &sim.clusters {
        markdown_cluster(sim, c, out)?;
    }
    Ok(())
}

fn markdown_cluster(sim: &Simulation, c: &ClusterResult, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "## {} (`{}`)\n\n{}\n", md::text(&c.name), c.architecture, md::text(&c.verdict()))?;
    let Some(first) = c.scenarios.first() else { return Ok(()) };
    let names: Vec<&str> = first.services.iter().map(|o| o.service).collect();
    writeln!(out, "| lose | {} |", names.join(" | "))?;
    writeln!(out, "|---|{}", "---|".repeat(names.len()))?;
    for s in &c.scenarios {
        let cells: Vec<&str> = s.services.iter().map(|o| o.status.as_str()).collect();
        writeln!(out, "| {} | {} |", md::text(&s.lost.join(" + ")), cells.join(" | "))?;
    }
    writeln!(out)?;
    for (lost, o) in not_ok(c) {
        let at: Vec<String> = evidence(&sim.sources, &o.evidence)
            .iter()
            .map(|e| md::code(&format!("{}:{}", e.file, e.line)))
            .collect();
        let at = if at.is_empty() { String::new() } else { format!(" ({})", at.join(", ")) };
        let (lost, reason) = (md::text(&lost), md::text(&o.reason));
        writeln!(out, "- lose {lost}: **{}** {}: {reason}{at}", o.service, o.status.as_str())?;
    }
    writeln!(out)
}
