//! Baselines: adopt stretchlint on a repository that already has findings. `--write-baseline`
//! records today's findings; `--baseline` reports only the others and lists the recorded ones that
//! no longer occur (fixed). Entries are keyed like SARIF fingerprints (rule and a hash of file,
//! object and YAML path), never by line, so unrelated edits keep them matching; the file is sorted and
//! pretty-printed so that it reads well in a diff.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Report;
use super::identity::keys;
use crate::error::Error;

pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// One recorded finding. Only `key` matches; the rest is for the reader of the file.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub key: String,
    pub code: String,
    pub file: String,
    pub message: String,
}

/// What applying a baseline did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Outcome {
    /// Findings the baseline holds, left out of the report.
    pub matched: usize,
    /// Entries no finding matched any more.
    pub fixed: Vec<Entry>,
}

/// The baseline of a report's findings, sorted.
pub fn record(report: &Report) -> Baseline {
    let mut entries: Vec<Entry> = report
        .findings
        .iter()
        .zip(keys(&report.findings, &report.sources))
        .map(|(f, key)| Entry {
            key,
            code: f.code.to_owned(),
            file: f.file.clone(),
            message: f.message.clone(),
        })
        .collect();
    entries.sort_by(|a, b| (&a.key, &a.message).cmp(&(&b.key, &b.message)));
    Baseline { version: VERSION, entries }
}

pub fn write(baseline: &Baseline, path: &Path) -> Result<(), Error> {
    let mut text =
        serde_json::to_string_pretty(baseline).map_err(std::io::Error::from).map_err(Error::Output)?;
    text.push('\n');
    std::fs::write(path, text).map_err(|source| Error::Write { path: path.to_path_buf(), source })
}

pub fn read(path: &Path) -> Result<Baseline, Error> {
    let text = crate::read::read_to_string(path, crate::read::DEFAULT_MAX_FILE_SIZE)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let mut baseline: Baseline = serde_json::from_str(&text).map_err(|e| Error::Invalid {
        path: path.to_path_buf(),
        line: e.line().max(1),
        column: e.column().max(1),
        message: format!("not a stretchlint baseline: {e}"),
    })?;
    if baseline.version != VERSION {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!(
                "baseline version {} is not {VERSION}; write it again with --write-baseline",
                baseline.version
            ),
        });
    }
    // Keys written before they were hashed are the text hashed keys are made of.
    for entry in baseline.entries.iter_mut().filter(|e| !super::identity::is_hashed(&e.key)) {
        entry.key = super::identity::hashed(&entry.key);
    }
    Ok(baseline)
}

/// Leaves out of `report` the findings the baseline holds (each entry matches one finding) and
/// returns what it did; the summary is counted again.
pub fn apply(report: &mut Report, baseline: &Baseline) -> Outcome {
    let mut left: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for entry in &baseline.entries {
        left.entry(entry.key.as_str()).or_default().push(entry);
    }
    let keys = keys(&report.findings, &report.sources);
    let mut keep = Vec::with_capacity(keys.len());
    let mut matched = 0;
    for k in &keys {
        let hit = left.get_mut(k.as_str()).and_then(Vec::pop).is_some();
        matched += usize::from(hit);
        keep.push(!hit);
    }
    let mut keep = keep.into_iter();
    report.findings.retain(|_| keep.next().unwrap_or(true));
    report.recount();
    let mut fixed: Vec<Entry> = left.into_values().flatten().cloned().collect();
    fixed.sort_by(|a, b| (&a.key, &a.message).cmp(&(&b.key, &b.message)));
    Outcome { matched, fixed }
}
