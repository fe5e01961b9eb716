//! `--format github`: workflow commands that GitHub Actions turns into pull-request annotations
//! (FEATURE-BAR.md §3.2).
//!
//! GitHub shows at most [`CAP`] annotations per severity in a step and drops the rest silently, so
//! the most important go first (errors, then findings in the files the pull request changes), each
//! severity stops at the cap, and one notice says how many were left out. Every finding is also
//! printed as a plain log line inside a collapsed group, so none is lost.

use std::cmp::Reverse;
use std::io::Write;

use super::{Finding, Options, Report};
use crate::diagnostic::Severity;

/// Annotations GitHub shows per severity per step.
pub const CAP: usize = 10;

/// Which findings become annotations.
pub struct Plan<'a> {
    pub annotated: Vec<&'a Finding>,
    pub left_out: Vec<&'a Finding>,
}

/// Orders findings by importance and applies the per-severity cap. When anything is left out, the
/// notice saying so takes one of the notice slots.
pub fn plan<'a>(report: &'a Report, options: &Options) -> Plan<'a> {
    let mut order: Vec<&Finding> = report.findings.iter().collect();
    // Stable: within a class, findings keep their (file, line, column) order.
    order.sort_by_key(|f| (Reverse(f.severity), !options.is_changed(&f.file)));
    let count = |s: Severity| order.iter().filter(|f| f.severity == s).count();
    let overflow = [Severity::Error, Severity::Warning, Severity::Info].into_iter().any(|s| count(s) > CAP);
    let cap = |s: Severity| if s == Severity::Info && overflow { CAP - 1 } else { CAP };
    let mut taken = [0usize; 3];
    let (mut annotated, mut left_out) = (Vec::new(), Vec::new());
    for f in order {
        match taken.get_mut(f.severity as usize) {
            Some(slot) if *slot < cap(f.severity) => {
                *slot += 1;
                annotated.push(f);
            }
            _ => left_out.push(f),
        }
    }
    Plan { annotated, left_out }
}

pub fn render(report: &Report, options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let plan = plan(report, options);
    for f in &plan.annotated {
        annotate(f, out)?;
    }
    if !plan.left_out.is_empty() {
        let n = |s: Severity| plan.left_out.iter().filter(|f| f.severity == s).count();
        let counts: Vec<String> =
            [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")]
                .into_iter()
                .filter(|(s, _)| n(*s) > 0)
                .map(|(s, word)| format!("{} {word}{}", n(s), if n(s) == 1 { "" } else { "s" }))
                .collect();
        let message = format!(
            "{} more findings were not annotated ({}): GitHub shows at most {CAP} annotations per severity in a step. \
             Every finding is listed in this step's log under \"stretchlint: all findings\", in the job summary, and in the SARIF report.",
            plan.left_out.len(),
            counts.join(", "),
        );
        writeln!(out, "::notice title={}::{}", property("stretchlint"), data(&message))?;
    }
    for notice in &report.notices {
        writeln!(out, "stretchlint: not read: {}: {}", notice.file, notice.message)?;
    }
    if !report.findings.is_empty() {
        writeln!(out, "::group::stretchlint: all findings ({})", report.findings.len())?;
        for f in &report.findings {
            writeln!(out, "{}:{}:{}: {} {} {}", f.file, f.line, f.column, f.severity, f.code, f.message)?;
        }
        writeln!(out, "::endgroup::")?;
    }
    Ok(())
}

fn annotate(f: &Finding, out: &mut dyn Write) -> std::io::Result<()> {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = format!("file={},line={},endLine={}", property(&f.file), f.line, f.end_line.max(f.line));
    // The runner drops an annotation whose columns span lines (ruff #22074).
    if f.end_line == f.line {
        props.push_str(&format!(",col={},endColumn={}", f.column, f.end_column.max(f.column)));
    }
    props.push_str(&format!(",title={}", property(&format!("stretchlint ({} {})", f.code, f.rule))));
    let mut message = format!("{}:{}:{}: {} {}", f.file, f.line, f.column, f.code, f.message);
    if let Some(help) = &f.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    writeln!(out, "::{command} {props}::{}", data(&message))
}

/// Escapes a command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` are separators too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: usize, end_line: usize, file: &str) -> Finding {
        Finding {
            code: "SL101",
            rule: "control-plane-not-spread".to_owned(),
            severity: Severity::Error,
            message: "100% in az1,\nnone elsewhere".to_owned(),
            help: None,
            file: file.to_owned(),
            line,
            column: 5,
            end_line,
            end_column: 2,
            cluster: None,
            span: crate::source::Span::new(crate::source::FileId(0), 0, 0),
            label: String::new(),
            secondary: Vec::new(),
            suppressed: None,
            fix: None,
        }
    }

    #[test]
    fn columns_only_on_one_line_and_everything_escaped() {
        let mut out = Vec::new();
        annotate(&finding(3, 4, "a,b:c.yaml"), &mut out).unwrap_or_default();
        let line = String::from_utf8_lossy(&out).into_owned();
        assert_eq!(
            line,
            "::error file=a%2Cb%3Ac.yaml,line=3,endLine=4,title=stretchlint (SL101 control-plane-not-spread)::\
             a,b:c.yaml:3:5: SL101 100%25 in az1,%0Anone elsewhere\n"
        );
        let mut out = Vec::new();
        annotate(&finding(3, 3, "x.yaml"), &mut out).unwrap_or_default();
        // An end column before the start (an empty range) is raised to the start.
        assert!(String::from_utf8_lossy(&out).contains("line=3,endLine=3,col=5,endColumn=5,"));
    }

    #[test]
    fn escaping() {
        assert_eq!(data("50% of 3\r\nAZs"), "50%25 of 3%0D%0AAZs");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
