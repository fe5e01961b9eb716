//! `check --fix` and `--diff`: the safe fixes of a report's findings, as whole-file changes.
//!
//! Edits replace text at spans of the file as it was read, so comments and formatting elsewhere
//! stay as they are; a file is written to a temporary file beside it and renamed over it, so a
//! reader never sees half of it. New files are never written over existing ones. Edits that
//! overlap an earlier one in the same file are left for the next run.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::Edit;
use crate::error::Error;
use crate::report::Report;
use crate::secrets::{self, Scrubber};

/// One file the fixes change or create.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: PathBuf,
    /// The path as findings show it.
    pub display: String,
    /// `None` for a new file.
    pub before: Option<String>,
    pub after: String,
}

/// The changes of a run and how many findings they fix.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub fixed: usize,
}

/// The changes that the fixes of the report's (unsuppressed) findings make.
pub fn plan(report: &Report) -> Plan {
    let mut replaces: BTreeMap<crate::source::FileId, Vec<(usize, usize, &str)>> = BTreeMap::new();
    let mut creates: Vec<Change> = Vec::new();
    let mut fixed = 0;
    for fix in report.findings.iter().filter_map(|f| f.fix.as_ref()) {
        let mut taken = true;
        let mut staged: Vec<(crate::source::FileId, usize, usize, &str)> = Vec::new();
        let mut staged_creates = Vec::new();
        for edit in &fix.edits {
            match edit {
                Edit::Replace { span, text } => {
                    let (start, end) = (span.start as usize, span.end as usize);
                    let earlier = replaces.get(&span.file).into_iter().flatten().map(|(a, b, _)| (*a, *b));
                    let this_fix = staged.iter().filter(|s| s.0 == span.file).map(|s| (s.1, s.2));
                    let overlaps = earlier.chain(this_fix).any(|(a, b)| start < b && a < end);
                    taken &= !overlaps;
                    staged.push((span.file, start, end, text.as_str()));
                }
                Edit::Create { path, content } => {
                    let exists = path.exists() || creates.iter().any(|c| &c.path == path);
                    taken &= !exists;
                    staged_creates.push(Change {
                        path: path.clone(),
                        display: crate::source::display_path(path),
                        before: None,
                        after: content.clone(),
                    });
                }
            }
        }
        if taken {
            fixed += 1;
            for (file, start, end, text) in staged {
                replaces.entry(file).or_default().push((start, end, text));
            }
            creates.extend(staged_creates);
        }
    }
    let mut changes = Vec::new();
    for (file, mut edits) in replaces {
        let Some(source) = report.sources.get(file) else { continue };
        edits.sort_by_key(|(start, _, _)| *start);
        let text = &source.text;
        let mut after = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end, replacement) in edits {
            let (Some(keep), true) = (text.get(at..start), end <= text.len()) else { continue };
            after.push_str(keep);
            after.push_str(replacement);
            at = end;
        }
        after.push_str(text.get(at..).unwrap_or_default());
        if after != *text {
            changes.push(Change {
                path: source.path.clone(),
                display: source.display.clone(),
                before: Some(text.clone()),
                after,
            });
        }
    }
    changes.extend(creates);
    changes.sort_by(|a, b| a.display.cmp(&b.display));
    Plan { changes, fixed }
}

/// Writes every change: each file through a temporary file beside it and a rename.
pub fn apply(plan: &Plan) -> Result<(), Error> {
    for change in &plan.changes {
        if change.before.is_none() && change.path.exists() {
            continue;
        }
        write_atomically(&change.path, &change.after)
            .map_err(|source| Error::Write { path: change.path.clone(), source })?;
    }
    Ok(())
}

fn write_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.stretchlint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(content.as_bytes())?;
        file.sync_all()?;
        // Keep the permissions of the file being replaced.
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// The changes as a unified diff (`--diff`), with secret values masked on both sides (and any
/// value of the run's secrets an edit repeats).
pub fn diff(plan: &Plan, scrubber: &Scrubber) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        let shown = |text: &str| scrubber.scrub(&secrets::find(&change.path, text).mask(text));
        let before = shown(change.before.as_deref().unwrap_or_default());
        let after = shown(&change.after);
        let old =
            if change.before.is_some() { format!("a/{}", change.display) } else { "/dev/null".to_owned() };
        let text = similar::TextDiff::from_lines(&before, &after)
            .unified_diff()
            .context_radius(3)
            .header(&old, &format!("b/{}", change.display))
            .to_string();
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_mask_secrets_of_both_sides_and_of_new_files() {
        let change = |path: &str, before: Option<&str>, after: &str| Change {
            path: PathBuf::from(path),
            display: path.to_owned(),
            before: before.map(str::to_owned),
            after: after.to_owned(),
        };
        let plan = Plan {
            changes: vec![
                change("ic.yaml", Some("sshKey: hunter36\nold: 1\n"), "sshKey: hunter36\nnew: 1\n"),
                change("ms.yaml", None, "spec:\n  userData: hunter37\n  name: derived-hunter38\n"),
            ],
            fixed: 2,
        };
        let diff = diff(&plan, &Scrubber::new(["hunter38"]));
        assert!(diff.contains("+new: 1") && diff.contains("+  name: derived-********"), "{diff}");
        for secret in ["hunter36", "hunter37", "hunter38"] {
            assert!(!diff.contains(secret), "{secret}: {diff}");
        }
    }
}
