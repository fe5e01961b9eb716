//! Inline suppressions applied to the findings of the reported files: a finding covered by a
//! `# stretchlint: ignore[...]` comment moves to the suppressed list (counted, listed on request,
//! left out of SARIF and annotations); an expired one stays, with a note; what cannot be applied
//! is SL902, what suppresses nothing SL901.

use std::collections::{HashMap, HashSet};

use super::{Finding, Policy, SuppressedBy};
use crate::diagnostic::Diagnostic;
use crate::discover::{FileKind, kind};
use crate::rules::suppression::{invalid_suppression, unused_suppression};
use crate::rules::{self};
use crate::source::{FileId, SourceDb};
use crate::suppress::{self, Directive, Directives};

pub(crate) struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    /// SL901 and SL902 findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// A directive that can be applied, with the code of each rule it names.
struct Usable<'a> {
    file: FileId,
    directive: &'a Directive,
    codes: Vec<Option<&'static str>>,
}

pub(crate) fn apply(sources: &SourceDb, findings: Vec<Finding>, policy: &Policy) -> Applied {
    let mut applied = Applied { kept: Vec::new(), suppressed: Vec::new(), diagnostics: Vec::new() };
    if !policy.suppressions {
        applied.kept = findings;
        return applied;
    }
    // Most files hold no directive: a substring search spares them the comment pass.
    let read: Vec<(FileId, Directives)> = sources
        .files()
        .iter()
        .filter(|f| f.reported && f.text.contains("stretchlint:"))
        .map(|f| {
            let found = if kind(&f.path) == Some(FileKind::Yaml) {
                suppress::from_yaml(f.id, &f.text)
            } else {
                suppress::from_text(f.id, &f.text)
            };
            (f.id, found)
        })
        .collect();

    let mut usable: Vec<Usable> = Vec::new();
    for (file, found) in &read {
        for m in &found.malformed {
            applied.diagnostics.push(invalid_suppression::malformed(m.span, &m.message));
        }
        for directive in &found.directives {
            if policy.require_reason && directive.reason.is_none() {
                applied.diagnostics.push(invalid_suppression::missing_reason(directive.span));
                continue;
            }
            let codes = directive
                .rules
                .iter()
                .map(|rule| {
                    let code =
                        rules::find(&rule.value).and_then(|d| rules::ALL.iter().find(|r| r.code() == d.code));
                    if code.is_none() {
                        applied.diagnostics.push(invalid_suppression::unknown_rule(rule));
                    }
                    code.map(|r| r.code())
                })
                .collect();
            usable.push(Usable { file: *file, directive, codes });
        }
    }

    // (directive, rule) pairs that matched a finding.
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let by_file: HashMap<FileId, Vec<usize>> =
        usable.iter().enumerate().fold(HashMap::new(), |mut m, (i, u)| {
            m.entry(u.file).or_default().push(i);
            m
        });
    for mut finding in findings {
        let hit = by_file.get(&finding.span.file).into_iter().flatten().find_map(|&i| {
            let u = usable.get(i)?;
            if !u.directive.covers_line(finding.line) {
                return None;
            }
            let r = u.codes.iter().position(|c| *c == Some(finding.code))?;
            Some((i, r, u.directive))
        });
        match hit {
            Some((i, r, directive)) => {
                used.insert((i, r));
                let until = directive.until.map(|d| d.to_string());
                if directive.is_expired(policy.today) {
                    finding.message.push_str(&format!(
                        " (its suppression on line {} expired on {})",
                        directive.line,
                        until.unwrap_or_default()
                    ));
                    applied.kept.push(finding);
                } else {
                    finding.suppressed =
                        Some(SuppressedBy { line: directive.line, reason: directive.reason.clone(), until });
                    applied.suppressed.push(finding);
                }
            }
            None => applied.kept.push(finding),
        }
    }

    for (i, u) in usable.iter().enumerate() {
        for (r, (rule, code)) in u.directive.rules.iter().zip(&u.codes).enumerate() {
            let Some(code) = code else { continue };
            if policy.rules_checked.contains(code) && !used.contains(&(i, r)) {
                applied.diagnostics.push(unused_suppression::diagnostic(rule, code, u.directive));
            }
        }
    }
    applied.diagnostics.retain(|d| policy.rules_checked.contains(&d.code));
    applied
}
