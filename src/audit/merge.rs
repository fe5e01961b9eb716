//! `stretchlint merge`: the `jsonl` shards of one audit as one audit. A shard is data from
//! elsewhere (another machine, a CI artifact): nothing it claims is taken on trust. Each line is
//! checked as it is read (schema version, summaries that count what they list; see
//! [`formats::read_jsonl`]), every shard must come from the same audit, no repository may be in
//! two shards, and the counts no line lists (files, documents) must add up without overflow.
//! Totals are then counted again from the findings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Audit, formats};
use crate::error::Error;

/// The shards as one audit, sorted by repository; `None` without any.
pub fn merge(files: &[PathBuf]) -> Result<Option<Audit>, Error> {
    let mut merged: Option<(Audit, &Path)> = None;
    let mut seen: HashMap<String, (&Path, usize)> = HashMap::new();
    let (mut files_total, mut documents_total) = (0usize, 0usize);
    for path in files {
        let text = crate::read::read_to_string(path, 4 << 30)
            .map_err(|source| Error::Io { path: path.clone(), source })?;
        let part = formats::read_jsonl(path, &text)?;
        let invalid =
            |line: usize, message: String| Error::Invalid { path: path.clone(), line, column: 1, message };
        if let Some((all, first)) = &merged
            && let Some(field) = differs(&all.provenance, &part.audit.provenance)
        {
            return Err(invalid(
                part.provenance_line,
                format!(
                    "comes from another audit than {} ({field} differs): shards of one audit only",
                    first.display()
                ),
            ));
        }
        for (repo, &line) in part.audit.repos.iter().zip(&part.repo_lines) {
            if let Some((other, other_line)) = seen.get(&repo.path) {
                return Err(invalid(
                    line,
                    format!(
                        "repository `{}` is also in {} at line {other_line}: the inputs overlap",
                        repo.path,
                        other.display()
                    ),
                ));
            }
            seen.insert(repo.path.clone(), (path, line));
            let overflow = |what: &str| {
                invalid(
                    line,
                    format!(
                        "the {what} of the repositories up to `{}` add up to more than any count: not a report `audit` wrote",
                        repo.path
                    ),
                )
            };
            files_total = files_total.checked_add(repo.summary.files).ok_or_else(|| overflow("files"))?;
            documents_total =
                documents_total.checked_add(repo.summary.documents).ok_or_else(|| overflow("documents"))?;
        }
        match &mut merged {
            None => merged = Some((part.audit, path)),
            Some((all, _)) => {
                // The audit started when its first shard did.
                if part.audit.provenance.started < all.provenance.started {
                    all.provenance.started = part.audit.provenance.started;
                }
                all.repos.extend(part.audit.repos);
            }
        }
    }
    Ok(merged.map(|(mut audit, _)| {
        audit.sort();
        audit
    }))
}

/// What tells two audits apart: the tool, its version, the rules and the settings.
fn differs(a: &super::Provenance, b: &super::Provenance) -> Option<&'static str> {
    [
        ("the tool", a.tool == b.tool),
        ("the version", a.version == b.version),
        ("the rules hash", a.rules_hash == b.rules_hash),
        ("the settings hash", a.config_hash == b.config_hash),
        ("the repository-config choice", a.repo_config == b.repo_config),
    ]
    .into_iter()
    .find_map(|(field, same)| (!same).then_some(field))
}
