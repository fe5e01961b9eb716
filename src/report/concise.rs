//! The concise format: one line per finding, `file:line:col: CODE [severity] message` (ruff's
//! `--output-format concise`, with the severity that ruff lacks), for editors' problem matchers
//! and `grep`; then the inputs not read and the summary line, as the human format ends.

use std::io::Write;

use super::{Options, Report, human};

pub fn render(report: &Report, options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        // A message is one line in every rule today; a newline would break the one-line contract.
        let message = f.message.replace(['\r', '\n'], " ");
        writeln!(out, "{}:{}:{}: {} [{}] {message}", f.file, f.line, f.column, f.code, f.severity)?;
    }
    for notice in &report.notices {
        writeln!(out, "note: {}: {}", notice.file, notice.message)?;
    }
    if !options.quiet {
        writeln!(out, "{}", human::summary_line(report, options))?;
    }
    Ok(())
}
