//! `--format markdown`: the summary a CI job shows on its page (`$GITHUB_STEP_SUMMARY`): totals,
//! each cluster with its inferred architecture, findings per rule, and the findings that the
//! annotation cap left out.

use std::collections::BTreeMap;
use std::io::Write;

use super::human::plural;
use super::{Options, Report, cluster_label, cluster_of, github};
use crate::diagnostic::Severity;
use crate::markdown as md;

pub fn render(report: &Report, options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(out, "## stretchlint\n")?;
    let scope = format!("{} ({})", plural(s.files, "file"), plural(s.clusters, "cluster"));
    if report.findings.is_empty() {
        writeln!(out, "No findings in {scope}.\n")?;
    } else {
        writeln!(
            out,
            "**{}, {}, {}** in {scope}; the run fails on {} and above.\n",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            plural(s.infos, "info"),
            report.fail_on
        )?;
    }

    if !report.clusters.is_empty() {
        writeln!(out, "### Clusters\n")?;
        writeln!(out, "| cluster | architecture | confidence | zones | errors | warnings | infos |")?;
        writeln!(out, "|---|---|---|---|--:|--:|--:|")?;
        for (i, c) in report.clusters.iter().enumerate() {
            let count = |sev: Severity| {
                report
                    .findings
                    .iter()
                    .filter(|f| f.severity == sev && cluster_of(report, f) == Some(i))
                    .count()
            };
            writeln!(
                out,
                "| {} | `{}` (#{}) | {} | {} | {} | {} | {} |",
                md::text(&cluster_label(report, c)),
                c.architecture.id,
                c.architecture.number,
                c.architecture.confidence.as_str(),
                if c.zones.is_empty() { "none named".to_owned() } else { md::text(&c.zones.join(", ")) },
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info),
            )?;
        }
        writeln!(out)?;
    }

    if !report.findings.is_empty() {
        let mut per_rule: BTreeMap<&str, (&str, Severity, usize)> = BTreeMap::new();
        for f in &report.findings {
            let entry = per_rule.entry(f.code).or_insert((f.rule.as_str(), f.severity, 0));
            entry.1 = entry.1.max(f.severity);
            entry.2 += 1;
        }
        writeln!(out, "### Findings per rule\n")?;
        writeln!(out, "| rule | name | severity | findings |")?;
        writeln!(out, "|---|---|---|--:|")?;
        for (code, (name, severity, n)) in per_rule {
            writeln!(out, "| {} | {} | {severity} | {n} |", md::text(code), md::text(name))?;
        }
        writeln!(out)?;
    }

    let plan = github::plan(report, options);
    if !plan.left_out.is_empty() {
        writeln!(out, "### Findings not shown as annotations\n")?;
        writeln!(
            out,
            "GitHub shows at most {} annotations per severity in a step; these {} were left out.\n",
            github::CAP,
            plan.left_out.len()
        )?;
        writeln!(out, "| severity | location | rule | message |")?;
        writeln!(out, "|---|---|---|---|")?;
        for f in plan.left_out {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.severity,
                md::code(&format!("{}:{}:{}", f.file, f.line, f.column)),
                md::text(f.code),
                md::text(&f.message)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
