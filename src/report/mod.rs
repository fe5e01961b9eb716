//! The result of a run, with positions resolved, and one module per output format.

pub mod baseline;
pub mod concise;
pub mod github;
pub mod human;
pub mod identity;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
mod snippet;
pub mod statistics;
mod suppressions;

use std::io::Write;

use serde::Serialize;

use crate::arch::{Confidence, Inference};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::discover::Globs;
use crate::model::Model;
use crate::rules;
use crate::source::{SourceDb, Span};

/// A finding ready for output: positions are 1-based, paths relative with `/`.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub cluster: Option<String>,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    pub label: String,
    #[serde(skip)]
    pub secondary: Vec<Label>,
    /// The inline suppression that covers it, when it is suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<SuppressedBy>,
    /// What `check --fix` would do about it.
    #[serde(skip)]
    pub fix: Option<crate::diagnostic::Fix>,
}

/// An inline suppression that covers a finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuppressedBy {
    /// The line of the suppression comment.
    pub line: usize,
    pub reason: Option<String>,
    pub until: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvidenceReport {
    pub message: String,
    pub file: String,
    pub line: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ArchitectureReport {
    pub id: &'static str,
    pub number: u8,
    pub confidence: Confidence,
    pub candidates: Vec<&'static str>,
    pub evidence: Vec<EvidenceReport>,
}

/// A network the cluster uses, how far it reaches, and what ties the cluster to it.
#[derive(Clone, Debug, Serialize)]
pub struct NetworkReport {
    pub name: String,
    /// `control-plane` or `workers`.
    pub role: &'static str,
    /// `stretched L2 across az1, az2, az3`, `routed, 3 segments`, `tenant overlay`, …
    pub reach: String,
    /// What attaches the cluster to it.
    pub via: &'static str,
    pub file: String,
    pub line: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClusterReport {
    pub name: String,
    pub infra_id: Option<String>,
    pub architecture: ArchitectureReport,
    pub zones: Vec<String>,
    pub networks: Vec<NetworkReport>,
    pub files: Vec<String>,
    /// Whether the cluster survives the loss of any one AZ (`stretchlint simulate`); absent when
    /// some service's fate is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survives_single_az_loss: Option<bool>,
    /// The simulation's one-line verdict.
    pub resilience: String,
    #[serde(skip)]
    pub weak_points: &'static [&'static str],
    /// What the inferred architecture is, in one line.
    #[serde(skip)]
    pub summary: &'static str,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub clusters: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings that inline suppressions cover (listed in `Report::suppressed`).
    pub suppressed: usize,
}

/// An input the run did not read (a symbolic link, a FIFO, a file over the size limit, a folder it
/// could not open): not a finding, but never silent either.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Notice {
    pub file: String,
    pub message: String,
}

#[derive(Debug)]
pub struct Report {
    pub sources: SourceDb,
    pub clusters: Vec<ClusterReport>,
    pub findings: Vec<Finding>,
    /// Findings that inline suppressions cover: out of `findings`, every count but `suppressed`,
    /// SARIF and annotations.
    pub suppressed: Vec<Finding>,
    pub summary: Summary,
    pub fail_on: Severity,
    /// Codes of the rules that ran, in code order.
    pub rules_checked: Vec<&'static str>,
    /// What `--baseline` left out and found fixed.
    pub baseline: Option<baseline::Outcome>,
    /// Inputs not read, by path.
    pub notices: Vec<Notice>,
    /// Files named on the command line, of no input's extension, that hold no input (a README):
    /// the CLI says so, since "All checks passed" alone would read as if they had been checked.
    pub not_inputs: Vec<String>,
    /// The paths the run was given, as given: SARIF names its run after them.
    pub paths: Vec<std::path::PathBuf>,
}

impl Report {
    /// Counts the findings by severity (again, after a baseline took some out).
    pub fn recount(&mut self) {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        let (errors, warnings, infos) =
            (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
        self.summary.errors = errors;
        self.summary.warnings = warnings;
        self.summary.infos = infos;
    }

    /// Whether any finding is at or above the fail level.
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.severity >= self.fail_on)
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human {
        color: bool,
    },
    /// One line per finding.
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
}

/// What some formats need beyond the report.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Paths (as shown in findings) that the change under review touches: annotated first.
    pub changed_files: Vec<String>,
    /// List suppressed findings too (human format).
    pub show_suppressed: bool,
    /// Findings only: no cluster lines, no summary line (human and concise formats).
    pub quiet: bool,
    /// A count per rule instead of the findings (human and concise formats).
    pub statistics: bool,
}

impl Options {
    pub fn is_changed(&self, file: &str) -> bool {
        self.changed_files.iter().any(|c| c == file)
    }
}

pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    render_with(report, format, &Options::default(), out)
}

pub fn render_with(
    report: &Report,
    format: Format,
    options: &Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human { .. } | Format::Concise if options.statistics => {
            statistics::render(report, options, out)
        }
        Format::Human { color } => human::render(report, color, options, out),
        Format::Concise => concise::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, options, out),
        Format::Junit => junit::render(report, out),
        Format::Markdown => markdown::render(report, options, out),
    }
}

/// The index of the cluster a finding belongs to: the one holding its file, else the one it names.
pub(crate) fn cluster_of(report: &Report, finding: &Finding) -> Option<usize> {
    report.clusters.iter().position(|c| c.files.contains(&finding.file)).or_else(|| {
        let name = finding.cluster.as_deref()?;
        report.clusters.iter().position(|c| c.name == name)
    })
}

/// A cluster's name, with its first file when another cluster has the same name.
pub(crate) fn cluster_label(report: &Report, c: &ClusterReport) -> String {
    let twin = report.clusters.iter().filter(|o| o.name == c.name).count() > 1;
    match c.files.first() {
        Some(file) if twin => format!("{} ({file})", c.name),
        _ => c.name.clone(),
    }
}

/// What the settings decide about findings once the rules have run.
#[derive(Debug)]
pub struct Policy {
    pub fail_on: Severity,
    pub rules_checked: Vec<&'static str>,
    /// Configured severities, by code.
    severity: Vec<(&'static str, Severity)>,
    /// Files a glob matches do not report these rules.
    per_path_ignores: Vec<(Globs, Vec<String>)>,
    /// Apply inline suppressions.
    pub suppressions: bool,
    pub require_reason: bool,
    /// Suppressions with an `until` before this date have expired.
    pub today: crate::suppress::Date,
}

impl Policy {
    pub fn new(settings: &crate::Settings, rules_checked: Vec<&'static str>) -> Result<Self, crate::Error> {
        let severity = rules_checked
            .iter()
            .filter_map(|code| settings.severity_of(code).flatten().map(|s| (*code, s)))
            .collect();
        let per_path_ignores = settings
            .per_path_ignores
            .iter()
            .map(|(pattern, rules)| Ok((Globs::new(std::slice::from_ref(pattern))?, rules.clone())))
            .collect::<Result<_, crate::Error>>()?;
        Ok(Self {
            fail_on: settings.fail_on,
            rules_checked,
            severity,
            per_path_ignores,
            suppressions: settings.suppressions,
            require_reason: settings.require_reason,
            today: settings.today.unwrap_or_else(crate::suppress::today),
        })
    }

    fn ignored_in(&self, code: &str, path: &std::path::Path) -> bool {
        self.per_path_ignores
            .iter()
            .any(|(globs, rules)| rules.iter().any(|k| rules::matches(code, k)) && globs.matches(path))
    }
}

/// Resolves positions, keeps only findings in reported files (minus per-path ignores), applies
/// configured severities, sorts them.
pub(crate) fn build(
    sources: SourceDb,
    model: &Model,
    inferences: Vec<Inference>,
    resilience: Vec<crate::simulate::ClusterResult>,
    diagnostics: Vec<Diagnostic>,
    documents: usize,
    policy: &Policy,
) -> Report {
    let sources_ref = &sources;
    let kept = |d: &Diagnostic| {
        sources.get(d.primary.span.file).is_some_and(|f| f.reported && !policy.ignored_in(d.code, &f.path))
    };
    let to_finding = |d: Diagnostic| {
        let mut f = finding(sources_ref, d);
        if let Some((_, severity)) = policy.severity.iter().find(|(code, _)| *code == f.code) {
            f.severity = *severity;
        }
        f
    };
    let findings: Vec<Finding> = diagnostics.into_iter().filter(kept).map(to_finding).collect();
    let applied = suppressions::apply(&sources, findings, policy);
    let mut findings = applied.kept;
    findings.extend(applied.diagnostics.into_iter().filter(kept).map(to_finding));
    let mut suppressed = applied.suppressed;
    suppressed.sort_by(|a, b| (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code)));
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message).cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
    findings.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);

    let clusters: Vec<ClusterReport> = model
        .clusters
        .iter()
        .zip(inferences.into_iter().zip(resilience))
        .filter(|(c, _)| {
            // A cluster is shown when one of its files is reported, or when a reported file
            // lies in its folder (a single-file pre-commit run on an unclassified manifest).
            c.files.iter().any(|f| sources.get(*f).is_some_and(|s| s.reported))
                || sources.files().iter().any(|s| s.reported && s.path.starts_with(&c.root))
        })
        .map(|(c, (inf, sim))| ClusterReport {
            name: c.name.clone(),
            infra_id: c.infra_id.clone(),
            architecture: ArchitectureReport {
                id: inf.architecture.id(),
                number: inf.architecture.number(),
                confidence: inf.confidence,
                candidates: inf.candidates.iter().map(|a| a.id()).collect(),
                evidence: inf
                    .evidence
                    .iter()
                    .map(|e| EvidenceReport {
                        message: e.message.clone(),
                        file: sources.display(e.span.file).to_owned(),
                        line: sources.range(e.span).0.line,
                    })
                    .collect(),
            },
            zones: c.layout.zones.iter().map(|z| z.value.clone()).collect(),
            networks: model
                .site
                .attachments(c)
                .into_iter()
                .map(|a| NetworkReport {
                    name: a.network.display_name().to_owned(),
                    role: if a.control_plane { "control-plane" } else { "workers" },
                    reach: model.site.reach(a.network, Some(c)).describe(),
                    via: a.via.describe(),
                    file: sources.display(a.span.file).to_owned(),
                    line: sources.range(a.span).0.line,
                })
                .collect(),
            files: c.files.iter().map(|f| sources.display(*f).to_owned()).collect(),
            survives_single_az_loss: sim.survives_single_az_loss(),
            resilience: sim.verdict(),
            weak_points: inf.architecture.weak_points(),
            summary: inf.architecture.summary(),
        })
        .collect();

    let summary = Summary {
        files: sources.files().iter().filter(|f| f.reported).count(),
        documents,
        clusters: clusters.len(),
        suppressed: suppressed.len(),
        ..Summary::default()
    };
    let mut report = Report {
        sources,
        clusters,
        findings,
        suppressed,
        summary,
        fail_on: policy.fail_on,
        rules_checked: policy.rules_checked.clone(),
        baseline: None,
        notices: Vec::new(),
        not_inputs: Vec::new(),
        paths: Vec::new(),
    };
    report.recount();
    scrub(&mut report);
    report
}

/// Masks the secret values of the scanned files wherever a finding or a cluster repeats them (a
/// message quoting a parameter's default, a name read from a secret).
fn scrub(report: &mut Report) {
    let scrubber = report.sources.scrubber();
    if scrubber.is_empty() {
        return;
    }
    for f in report.findings.iter_mut().chain(report.suppressed.iter_mut()) {
        scrubber.scrub_in_place(&mut f.message);
        scrubber.scrub_option(&mut f.help);
        scrubber.scrub_in_place(&mut f.label);
        scrubber.scrub_option(&mut f.cluster);
        f.secondary.iter_mut().for_each(|l| scrubber.scrub_in_place(&mut l.message));
        if let Some(fix) = &mut f.fix {
            scrubber.scrub_in_place(&mut fix.description);
        }
        if let Some(by) = &mut f.suppressed {
            scrubber.scrub_option(&mut by.reason);
        }
    }
    for c in &mut report.clusters {
        scrubber.scrub_in_place(&mut c.name);
        scrubber.scrub_option(&mut c.infra_id);
        c.zones.iter_mut().for_each(|z| scrubber.scrub_in_place(z));
        scrubber.scrub_in_place(&mut c.resilience);
        c.architecture.evidence.iter_mut().for_each(|e| scrubber.scrub_in_place(&mut e.message));
        for n in &mut c.networks {
            scrubber.scrub_in_place(&mut n.name);
            scrubber.scrub_in_place(&mut n.reach);
        }
    }
}

fn finding(sources: &SourceDb, d: Diagnostic) -> Finding {
    let descriptor = rules::find(d.code);
    let (start, end) = sources.range(d.primary.span);
    Finding {
        code: d.code,
        rule: descriptor.map_or_else(|| d.code.to_owned(), |r| r.name.clone()),
        severity: d.severity.or(descriptor.map(|r| r.severity())).unwrap_or(Severity::Error),
        message: d.message,
        help: d.help,
        file: sources.display(d.primary.span.file).to_owned(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        cluster: d.cluster,
        span: d.primary.span,
        label: d.primary.message,
        secondary: d.secondary,
        suppressed: None,
        fix: d.fix,
    }
}
