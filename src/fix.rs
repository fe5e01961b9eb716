//! `check --fix` and `--diff`: the safe fixes of a report's findings, as whole-file changes.
//!
//! Edits replace text at spans of the file as it was read, so comments and formatting elsewhere
//! stay as they are. Edits that overlap an earlier one in the same file are left for the next run.
//!
//! A fix is only as safe as its result, so every plan is checked in memory before anything is
//! written ([`verify`]): each changed file must parse as well as it did, the tree must be linted
//! again with the changes in place, and a fix is kept only when the finding it fixes is gone and
//! no cluster went missing. Then [`apply`] writes each file inside the scanned tree only, through
//! a temporary file created exclusively beside it and renamed over it, so a reader (or a
//! `kill -9`) never sees half of it; symbolic links are never written through.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Edit;
use crate::discover::{FileKind, kind};
use crate::error::Error;
use crate::report::Report;
use crate::secrets::{self, Scrubber};
use crate::source::FileId;

/// One file the fixes change or create.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: PathBuf,
    /// The path as findings show it.
    pub display: String,
    /// `None` for a new file.
    pub before: Option<String>,
    pub after: String,
    /// The findings (indices into the report's findings) whose fixes make this change.
    pub fixes: Vec<usize>,
}

/// The changes of a run and the findings they fix.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// Indices into the report's findings.
    pub fixed: Vec<usize>,
    /// Fixes left out because their result did not hold, each with why.
    pub rejected: Vec<Rejected>,
}

/// A fix that was not applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// `file:line:column: CODE`.
    pub finding: String,
    pub reason: String,
}

/// Text that replaces a file's content for an in-memory run, by path as discovered.
pub type Overlay = BTreeMap<PathBuf, String>;

/// The changes that the fixes of the report's (unsuppressed) findings make, leaving out the
/// findings in `skip`.
pub fn plan(report: &Report, skip: &BTreeSet<usize>) -> Plan {
    let mut replaces: BTreeMap<FileId, Vec<(usize, usize, &str, usize)>> = BTreeMap::new();
    let mut creates: Vec<Change> = Vec::new();
    let mut fixed = Vec::new();
    let fixes = report.findings.iter().enumerate().filter(|(i, _)| !skip.contains(i));
    for (index, fix) in fixes.filter_map(|(i, f)| f.fix.as_ref().map(|fix| (i, fix))) {
        let mut taken = true;
        let mut staged: Vec<(FileId, usize, usize, &str)> = Vec::new();
        let mut staged_creates = Vec::new();
        for edit in &fix.edits {
            match edit {
                Edit::Replace { span, text } => {
                    let (start, end) = (span.start as usize, span.end as usize);
                    let earlier = replaces.get(&span.file).into_iter().flatten().map(|(a, b, _, _)| (*a, *b));
                    let this_fix = staged.iter().filter(|s| s.0 == span.file).map(|s| (s.1, s.2));
                    let overlaps = earlier.chain(this_fix).any(|(a, b)| start < b && a < end);
                    taken &= !overlaps;
                    staged.push((span.file, start, end, text.as_str()));
                }
                Edit::Create { path, content } => {
                    let exists = path.symlink_metadata().is_ok() || creates.iter().any(|c| &c.path == path);
                    taken &= !exists;
                    staged_creates.push(Change {
                        path: path.clone(),
                        display: crate::source::display_path(path),
                        before: None,
                        after: content.clone(),
                        fixes: vec![index],
                    });
                }
            }
        }
        if taken {
            fixed.push(index);
            for (file, start, end, text) in staged {
                replaces.entry(file).or_default().push((start, end, text, index));
            }
            creates.extend(staged_creates);
        }
    }
    let mut changes = Vec::new();
    for (file, mut edits) in replaces {
        let Some(source) = report.sources.get(file) else { continue };
        edits.sort_by_key(|(start, ..)| *start);
        let text = &source.text;
        let mut after = String::with_capacity(text.len());
        let mut at = 0;
        let mut fixes = Vec::new();
        for (start, end, replacement, index) in edits {
            let (Some(keep), true) = (text.get(at..start), end <= text.len()) else { continue };
            after.push_str(keep);
            after.push_str(replacement);
            at = end;
            fixes.push(index);
        }
        after.push_str(text.get(at..).unwrap_or_default());
        fixes.dedup();
        if after != *text {
            changes.push(Change {
                path: source.path.clone(),
                display: source.display.clone(),
                before: Some(text.clone()),
                after,
                fixes,
            });
        }
    }
    changes.extend(creates);
    changes.sort_by(|a, b| a.display.cmp(&b.display));
    Plan { changes, fixed, rejected: Vec::new() }
}

/// The plan of the report's fixes whose results hold: every changed file parses as well as it
/// did, and linting again with the changes in place (`relint`) no longer finds what each fix
/// fixes, nor loses a cluster. A fix that fails is left out, with its reason, and the rest are
/// checked again. With the plan comes the report of that last lint, which is what a run after
/// writing the plan would report (`None` when there is nothing to write).
pub fn verify(
    report: &Report,
    relint: impl Fn(&Overlay) -> Result<Report, Error>,
) -> Result<(Plan, Option<Report>), Error> {
    let before_keys = crate::report::identity::keys(&report.findings, &report.sources);
    let mut skip = BTreeSet::new();
    let mut rejected = Vec::new();
    let label = |i: usize| {
        report
            .findings
            .get(i)
            .map_or_else(String::new, |f| format!("{}:{}:{}: {}", f.file, f.line, f.column, f.code))
    };
    // Each round that fails leaves out at least one more fix (every failure names a fix of the
    // plan, and the plan holds no skipped one), so the loop ends.
    loop {
        let plan = plan(report, &skip);
        if plan.changes.is_empty() {
            return Ok((Plan { rejected, ..plan }, None));
        }
        let mut failed: Vec<(usize, String)> = Vec::new();
        for change in &plan.changes {
            if let Some(reason) = breaks_parsing(change) {
                failed.extend(change.fixes.iter().map(|i| (*i, reason.clone())));
            }
        }
        let mut after = None;
        if failed.is_empty() {
            let overlay: Overlay = plan.changes.iter().map(|c| (c.path.clone(), c.after.clone())).collect();
            let relinted = relint(&overlay)?;
            failed = failures(report, &before_keys, &plan, &relinted);
            after = Some(relinted);
        }
        if failed.is_empty() {
            return Ok((Plan { rejected, ..plan }, after));
        }
        failed.sort();
        failed.dedup_by(|a, b| a.0 == b.0);
        for (i, reason) in failed {
            if skip.insert(i) {
                rejected.push(Rejected { finding: label(i), reason });
            }
        }
    }
}

/// The fixes of `plan` whose result `after` (the lint with the plan applied) does not bear out,
/// each with why.
fn failures(report: &Report, before_keys: &[String], plan: &Plan, after: &Report) -> Vec<(usize, String)> {
    let after_keys: BTreeSet<String> =
        crate::report::identity::keys(&after.findings, &after.sources).into_iter().collect();
    let mut failed: Vec<(usize, String)> = plan
        .fixed
        .iter()
        .filter(|&&i| before_keys.get(i).is_some_and(|k| after_keys.contains(k)))
        .map(|&i| (i, "the finding would remain after it".to_owned()))
        .collect();
    for cluster in report.clusters.iter().filter(|c| !after.clusters.iter().any(|a| a.name == c.name)) {
        let reason = format!(
            "cluster `{}` would no longer be read",
            crate::report::human::display_name(&cluster.name)
        );
        let mut tied = plan.changes.iter().filter(|ch| cluster.files.contains(&ch.display)).peekable();
        // A cluster lost through no change of its own files: no one fix explains it, none holds.
        let fixes: Vec<usize> = if tied.peek().is_some() {
            tied.flat_map(|ch| ch.fixes.iter().copied()).collect()
        } else {
            plan.fixed.clone()
        };
        failed.extend(fixes.into_iter().map(|i| (i, reason.clone())));
    }
    failed
}

/// Why a change's result does not parse as well as the file did, if it does not.
fn breaks_parsing(change: &Change) -> Option<String> {
    if kind(&change.path) != Some(FileKind::Yaml) {
        return None;
    }
    let after = crate::yaml::parse(FileId(0), &change.after);
    let (errors, documents) = match &change.before {
        Some(before) => {
            let before = crate::yaml::parse(FileId(0), before);
            (before.errors.len(), before.documents.len())
        }
        None => (0, 1),
    };
    if after.errors.len() > errors {
        let message = after.errors.first().map_or_else(String::new, |e| e.message.clone());
        return Some(format!("the result would not parse as YAML ({message})"));
    }
    (after.documents.len() < documents).then(|| "the result would hold fewer YAML documents".to_owned())
}

/// Writes every change, each inside one of `roots` (the scanned folders, canonical).
pub fn apply(plan: &Plan, roots: &[PathBuf]) -> Result<(), Error> {
    for change in &plan.changes {
        let refuse = |reason: &str| Error::Write {
            path: change.path.clone(),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, reason.to_owned()),
        };
        inside(&change.path, roots).map_err(|reason| refuse(&reason))?;
        write_atomically(&change.path, &change.after, change.before.is_none())
            .map_err(|source| Error::Write { path: change.path.clone(), source })?;
    }
    Ok(())
}

/// The folders a run's writes must stay in: each scanned folder, or the folder a scanned file is
/// named in (not its target's, when the name is a symbolic link).
pub fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|p| {
            if p.is_dir() {
                return p.canonicalize().ok();
            }
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            parent.canonicalize().ok()
        })
        .collect()
}

/// Whether `path` is a plain file name in a folder inside one of `roots`, reached through no
/// symbolic link.
fn inside(path: &Path, roots: &[PathBuf]) -> Result<(), String> {
    let name = path.file_name().ok_or("no file name")?;
    if Path::new(name).components().count() != 1
        || path.components().any(|c| matches!(c, Component::ParentDir))
    {
        return Err("the path climbs out of its folder".to_owned());
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let folder = parent.canonicalize().map_err(|e| format!("its folder cannot be resolved: {e}"))?;
    if !roots.iter().any(|root| folder.starts_with(root)) {
        return Err("it lies outside the scanned tree".to_owned());
    }
    if path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
        return Err("it is a symbolic link".to_owned());
    }
    // Up from its folder to the scanned root it lies in, no folder may be a symbolic link (the
    // walk never follows one; the root itself may be one, as the user named it).
    let mut dir = std::path::absolute(parent).map_err(|e| e.to_string())?;
    loop {
        if dir.canonicalize().is_ok_and(|c| roots.contains(&c)) {
            return Ok(());
        }
        if dir.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            return Err("its folder is reached through a symbolic link".to_owned());
        }
        if !dir.pop() {
            return Err("it lies outside the scanned tree".to_owned());
        }
    }
}

/// Writes `content` to `path` through `.NAME.stretchlint.tmp` beside it: created exclusively
/// (never through a symbolic link or over another file), synced, then renamed over `path`. A temp
/// file a killed run left behind is removed first; one that is a symbolic link is refused.
fn write_atomically(path: &Path, content: &str, new_file: bool) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.stretchlint.tmp"));
    match temp.symlink_metadata() {
        Ok(meta) if meta.file_type().is_symlink() || !meta.is_file() => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("`{}` exists and is not a file this tool left: not written", temp.display()),
            ));
        }
        Ok(_) => std::fs::remove_file(&temp)?,
        Err(_) => {}
    }
    let existing = std::fs::symlink_metadata(path).ok();
    if existing.as_ref().is_some_and(|m| m.file_type().is_symlink() || !m.is_file()) {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file: not written"));
    }
    if new_file && existing.is_some() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the file exists: not written over",
        ));
    }
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(content.as_bytes())?;
        file.sync_all()?;
        // Keep the permissions of the file being replaced.
        if let Some(meta) = &existing {
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
    fn paths_that_climb_out_or_lie_elsewhere_are_refused() {
        let root = std::env::temp_dir().join(format!("stretchlint-fix-inside-{}", std::process::id()));
        let _ = std::fs::create_dir_all(root.join("a"));
        let roots = vec![root.canonicalize().unwrap_or_default()];
        assert!(inside(&root.join("a/new.yaml"), &roots).is_ok());
        assert!(inside(&root.join("a/../../x.yaml"), &roots).is_err());
        assert!(inside(&std::env::temp_dir().join("x.yaml"), &roots).is_err());
        #[cfg(unix)]
        {
            let _ = std::os::unix::fs::symlink(std::env::temp_dir(), root.join("out"));
            assert!(inside(&root.join("out/x.yaml"), &roots).is_err(), "through a link");
            let _ = std::os::unix::fs::symlink("/etc/hostname", root.join("a/link.yaml"));
            assert!(inside(&root.join("a/link.yaml"), &roots).is_err(), "a link itself");
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn diffs_mask_secrets_of_both_sides_and_of_new_files() {
        let change = |path: &str, before: Option<&str>, after: &str| Change {
            path: PathBuf::from(path),
            display: path.to_owned(),
            before: before.map(str::to_owned),
            after: after.to_owned(),
            fixes: Vec::new(),
        };
        let plan = Plan {
            changes: vec![
                change("ic.yaml", Some("sshKey: hunter36\nold: 1\n"), "sshKey: hunter36\nnew: 1\n"),
                change("ms.yaml", None, "spec:\n  userData: hunter37\n  name: derived-hunter38\n"),
            ],
            fixed: vec![0, 1],
            rejected: Vec::new(),
        };
        let diff = diff(&plan, &Scrubber::new(["hunter38"]));
        assert!(diff.contains("+new: 1") && diff.contains("+  name: derived-********"), "{diff}");
        for secret in ["hunter36", "hunter37", "hunter38"] {
            assert!(!diff.contains(secret), "{secret}: {diff}");
        }
    }
}
