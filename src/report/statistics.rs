//! `check --statistics`: how many findings each rule has, most first (as `ruff --statistics`
//! prints them), instead of the findings themselves; then the summary line.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Options, Report, human};

pub fn render(report: &Report, options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let mut counts: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for f in &report.findings {
        counts.entry(f.code).or_insert((0, f.rule.as_str())).0 += 1;
    }
    let mut rows: Vec<(&str, usize, &str)> =
        counts.into_iter().map(|(code, (n, name))| (code, n, name)).collect();
    // Most findings first; equal counts in code order (the map's), so the output is stable.
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    let count_width = rows.iter().map(|r| r.1.to_string().len()).max().unwrap_or(1);
    let code_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (code, n, name) in rows {
        writeln!(out, "{n:>count_width$}  {code:code_width$}  {name}")?;
    }
    if !options.quiet {
        writeln!(out, "{}", human::summary_line(report, options))?;
    }
    Ok(())
}
