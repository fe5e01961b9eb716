//! The human format: each finding with its source lines and labels (miette), then the clusters
//! with their inferred architecture, then a summary line. Colour only on a terminal.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::{Finding, Options, Report, snippet};
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
    let mut texts: HashMap<FileId, Shown> = HashMap::new();
    for finding in &report.findings {
        let shown =
            texts.entry(finding.span.file).or_insert_with(|| Shown::new(&report.sources, finding.span.file));
        let diag = Rendered::new(finding, &report.sources, shown);
        let mut buf = String::new();
        if handler.render_report(&mut buf, &diag).is_err() {
            buf = format!("{}:{}:{}: {}\n", finding.file, finding.line, finding.column, finding.message);
        }
        write!(out, "{buf}")?;
    }
    // --quiet: the findings, and the inputs not read (without them a quiet run reads as covering
    // them), nothing else.
    if !options.quiet {
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
    }
    for notice in &report.notices {
        writeln!(out, "note: {}: {}", notice.file, notice.message)?;
    }
    if options.quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(report, options))
}

/// The closing line: what was found, in what was scanned (also closes `concise` and `--statistics`).
pub(crate) fn summary_line(report: &Report, options: &Options) -> String {
    let s = &report.summary;
    let mut scanned =
        [plural(s.files, "file"), plural(s.documents, "document"), plural(s.clusters, "cluster")].join(", ");
    if s.suppressed > 0 {
        scanned.push_str(&format!("; {} suppressed", s.suppressed));
        if !options.show_suppressed {
            scanned.push_str(", --show-suppressed lists them");
        }
    }
    if !report.notices.is_empty() {
        let n = report.notices.len();
        scanned.push_str(&format!(
            "; {} not read, see the note{} above",
            plural(n, "input"),
            if n == 1 { "" } else { "s" }
        ));
    }
    if report.findings.is_empty() {
        format!("All checks passed ({scanned}).")
    } else {
        let found =
            [plural(s.errors, "error"), plural(s.warnings, "warning"), plural(s.infos, "info")].join(", ");
        format!("Found {found} ({scanned}).")
    }
}

/// `1 file`, `3 files`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn display_name(name: &str) -> &str {
    if name.is_empty() { "(unnamed)" } else { name }
}

/// A file's text as snippets show it: secrets masked; when some line is too long to draw, each
/// finding gets an excerpt of its own ([`snippet`]).
struct Shown {
    text: Arc<String>,
    long_lines: bool,
}

impl Shown {
    fn new(sources: &SourceDb, file: FileId) -> Self {
        let text = sources.get(file).map_or_else(String::new, crate::source::SourceFile::shown);
        let long_lines = crate::source::lines(&text).any(|(_, l)| l.len() > snippet::MAX_LINE);
        // A lone CR ends a line for the tool but not for miette: written as LF (same length).
        let text = if text.contains('\r') { snippet::lone_cr_as_lf(&text) } else { text };
        Self { text: Arc::new(text), long_lines }
    }
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
    fn new(f: &Finding, sources: &SourceDb, shown: &Shown) -> Self {
        let here: Vec<(Span, &str, bool)> = std::iter::once((f.span, f.label.as_str(), true))
            .chain(
                f.secondary
                    .iter()
                    .filter(|l| l.span.file == f.span.file)
                    .map(|l| (l.span, l.message.as_str(), false)),
            )
            .collect();
        let ranges: Vec<std::ops::Range<usize>> =
            here.iter().map(|(s, _, _)| s.start as usize..s.end as usize).collect();
        let (text, ranges, cut) = if shown.long_lines {
            let e = snippet::excerpt(&shown.text, &ranges);
            (Arc::new(e.text), e.spans, e.cut)
        } else {
            (shown.text.clone(), ranges, Vec::new())
        };
        let labels = here
            .iter()
            .zip(ranges)
            .map(|((_, message, primary), range)| {
                let message = if message.is_empty() { None } else { Some((*message).to_owned()) };
                let span = SourceSpan::new(range.start.into(), range.len());
                if *primary {
                    LabeledSpan::new_primary_with_span(message, span)
                } else {
                    LabeledSpan::new_with_span(message, span)
                }
            })
            .collect();
        // Labels in other files cannot be drawn on this file's source: they go into the help.
        let mut elsewhere = Vec::new();
        for l in &f.secondary {
            if l.span.file != f.span.file {
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
        for (line, chars) in cut {
            let note = format!("line {line} is {chars} characters long: the snippet shows a part of it");
            help = Some(help.map_or_else(|| note.clone(), |h| format!("{h}\n{note}")));
        }
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
