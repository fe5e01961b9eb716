//! The human format: each finding with its source lines and labels (miette), then the clusters
//! with their inferred architecture, then a summary line. Colour only on a terminal.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::{Finding, Options, Report};
use crate::diagnostic::Severity;
use crate::source::{FileId, SourceDb, Span};

/// Wide enough for YAML paths, fixed so that output does not depend on the terminal.
const WIDTH: usize = 110;

pub fn render(report: &Report, color: bool, options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .without_primary_span_start();
    let mut texts: HashMap<FileId, Arc<String>> = HashMap::new();
    for finding in &report.findings {
        let text = texts
            .entry(finding.span.file)
            .or_insert_with(|| Arc::new(shown_text(&report.sources, finding.span.file)))
            .clone();
        let diag = Rendered::new(finding, &report.sources, text);
        let mut buf = String::new();
        if handler.render_report(&mut buf, &diag).is_err() {
            buf = format!("{}:{}:{}: {}\n", finding.file, finding.line, finding.column, finding.message);
        }
        write!(out, "{buf}")?;
    }
    for cluster in &report.clusters {
        let arch = &cluster.architecture;
        let zones =
            if cluster.zones.is_empty() { "no named AZ".to_owned() } else { cluster.zones.join(", ") };
        let verdict = if arch.number == 0 {
            "architecture not recognised".to_owned()
        } else {
            format!("{} (#{}, {} confidence)", arch.id, arch.number, arch.confidence.as_str())
        };
        writeln!(out, "cluster {}: {verdict}; zones: {zones}", display_name(&cluster.name))?;
    }
    if options.show_suppressed && !report.suppressed.is_empty() {
        writeln!(out, "suppressed:")?;
        for f in &report.suppressed {
            let Some(by) = &f.suppressed else { continue };
            let until = by.until.as_ref().map(|u| format!(" until {u}")).unwrap_or_default();
            let reason = by.reason.as_deref().unwrap_or("no reason given");
            writeln!(
                out,
                "  {}:{}:{}: {} {} (suppressed on line {}{until}: {reason})",
                f.file, f.line, f.column, f.code, f.message, by.line
            )?;
        }
    }
    if let Some(b) = &report.baseline {
        writeln!(
            out,
            "baseline: {} known finding{} left out",
            b.matched,
            if b.matched == 1 { "" } else { "s" }
        )?;
        if !b.fixed.is_empty() {
            writeln!(
                out,
                "baseline: {} entr{} no longer match (fixed; write the baseline again to drop them):",
                b.fixed.len(),
                if b.fixed.len() == 1 { "y" } else { "ies" }
            )?;
            for e in &b.fixed {
                writeln!(out, "  {} {}: {}", e.code, e.file, e.message)?;
            }
        }
    }
    let s = &report.summary;
    let mut scanned =
        [plural(s.files, "file"), plural(s.documents, "document"), plural(s.clusters, "cluster")].join(", ");
    if s.suppressed > 0 {
        scanned.push_str(&format!("; {} suppressed", s.suppressed));
        if !options.show_suppressed {
            scanned.push_str(", --show-suppressed lists them");
        }
    }
    if report.findings.is_empty() {
        writeln!(out, "All checks passed ({scanned}).")
    } else {
        let found =
            [plural(s.errors, "error"), plural(s.warnings, "warning"), plural(s.infos, "info")].join(", ");
        writeln!(out, "Found {found} ({scanned}).")
    }
}

/// `1 file`, `3 files`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn display_name(name: &str) -> &str {
    if name.is_empty() { "(unnamed)" } else { name }
}

fn shown_text(sources: &SourceDb, file: FileId) -> String {
    sources.get(file).map_or_else(String::new, crate::source::SourceFile::shown)
}

/// A finding in the shape miette renders.
struct Rendered {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Arc<String>>,
    labels: Vec<LabeledSpan>,
}

impl Rendered {
    fn new(f: &Finding, sources: &SourceDb, text: Arc<String>) -> Self {
        let label = |span: Span, message: &str, primary: bool| {
            let text = if message.is_empty() { None } else { Some(message.to_owned()) };
            let span = SourceSpan::new((span.start as usize).into(), span.len());
            if primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        };
        let mut labels = vec![label(f.span, &f.label, true)];
        // Labels in other files cannot be drawn on this file's source: they go into the help.
        let mut elsewhere = Vec::new();
        for l in &f.secondary {
            if l.span.file == f.span.file {
                labels.push(label(l.span, &l.message, false));
            } else {
                let (start, _) = sources.range(l.span);
                elsewhere.push(format!(
                    "{}:{}:{}: {}",
                    sources.display(l.span.file),
                    start.line,
                    start.column,
                    l.message
                ));
            }
        }
        let mut help = match (&f.help, elsewhere.is_empty()) {
            (h, true) => h.clone(),
            (h, false) => Some(format!(
                "{}see also:\n{}",
                h.as_ref().map_or(String::new(), |h| format!("{h}\n")),
                elsewhere.join("\n")
            )),
        };
        if let Some(fix) = &f.fix {
            let line = format!("safe fix (--fix): {}", fix.description);
            help = Some(help.map_or_else(|| line.clone(), |h| format!("{h}\n{line}")));
        }
        Self {
            // The location leads: with labels far apart miette draws several snippets, and only the
            // first line names the primary position unambiguously.
            code: format!("{}:{}:{}: {} ({})", f.file, f.line, f.column, f.code, f.rule),
            message: f.message.clone(),
            severity: match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help,
            source: NamedSource::new(f.file.clone(), text),
            labels,
        }
    }
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.clone().into_iter()))
    }
}
