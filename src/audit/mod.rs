//! `stretchlint audit`: many repositories, one report.
//!
//! Each repository is scanned as `check` would scan it, with the auditor's settings only (its
//! own configuration and inline suppressions are ignored unless asked for). Repositories are
//! scanned in parallel and each is reduced to a [`RepoResult`] as soon as it is done, so memory is
//! bounded by the largest repository; `jsonl` is written as results arrive. `--shard K/N` keeps
//! the repositories whose path hashes to K modulo N, so N workers of any engine split one audit
//! without talking to each other, and `merge` puts their outputs back together.

pub mod formats;
pub mod git;
pub mod html;
pub mod merge;
pub mod sarif;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::report::{Finding, Report};
use crate::{Settings, lint_paths};

/// Where a report came from: enough to tell two audits apart and to reproduce one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub tool: String,
    pub version: String,
    /// FNV-1a of every rule descriptor that ran (built-in and custom).
    pub rules_hash: String,
    /// FNV-1a of the effective auditor settings.
    pub config_hash: String,
    /// When the audit started (UTC, RFC 3339).
    pub started: String,
    /// Whether repositories' own configuration and suppressions were honoured.
    pub repo_config: bool,
}

/// One repository's outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepoResult {
    /// The repository's path: relative to `--repos-under`, else as given.
    pub path: String,
    pub commit: Option<String>,
    pub clusters: Vec<RepoCluster>,
    pub findings: Vec<RepoFinding>,
    /// Findings the repository's inline suppressions cover (with `--honour-repo-config`).
    pub suppressed: Vec<RepoFinding>,
    pub summary: crate::report::Summary,
    /// Why the repository could not be scanned, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Inputs of the repository the scan did not read (links, special files, oversized files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<crate::report::Notice>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepoCluster {
    pub name: String,
    pub architecture: String,
    pub confidence: String,
    pub zones: Vec<String>,
    /// Whether it survives the loss of any one AZ; absent when that is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survives_single_az_loss: Option<bool>,
}

/// A finding, with its file relative to the repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepoFinding {
    pub code: String,
    pub rule: String,
    pub severity: crate::Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub cluster: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A whole audit: provenance and every repository, by path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Audit {
    pub provenance: Provenance,
    pub repos: Vec<RepoResult>,
}

impl Audit {
    pub fn sort(&mut self) {
        self.repos.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// One repository to scan: where it is, and its name in the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    pub dir: PathBuf,
    pub name: String,
}

/// Every git repository at or below `root` (a folder holding `.git`); nested repositories inside
/// one are part of it, not repositories of their own. Sorted by name.
pub fn discover(root: &Path) -> Result<Vec<Repo>, Error> {
    let io = |e: walkdir::Error| Error::Io { path: root.to_path_buf(), source: e.into() };
    let mut repos = Vec::new();
    let mut walk = walkdir::WalkDir::new(root).sort_by_file_name().into_iter();
    while let Some(entry) = walk.next() {
        let entry = entry.map_err(io)?;
        if !entry.file_type().is_dir() {
            continue;
        }
        if git::is_repository(entry.path()) {
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            let name = if name.is_empty() { crate::source::display_path(root) } else { name };
            repos.push(Repo { dir: entry.path().to_path_buf(), name });
            walk.skip_current_dir();
        }
    }
    Ok(repos)
}

/// A shard: `K/N` with 0 ≤ K < N (Kubernetes' `JOB_COMPLETION_INDEX` counts from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: write K/N with 0 <= K < N (e.g. 0/4)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) =
            (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether a repository (by its name in the report) belongs to this shard.
    pub fn holds(&self, name: &str) -> bool {
        // FNV-1a's low bits depend on little more than the parity of the bytes: mix them first.
        fmix64(fnv1a(name.as_bytes())) % self.count == self.index
    }
}

/// FNV-1a, 64 bits: stable across runs, machines and versions (unlike `std`'s hasher).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// MurmurHash3's 64-bit finaliser: every output bit depends on every input bit.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// How to scan each repository.
pub struct Scan<'a> {
    /// The auditor's settings.
    pub settings: &'a Settings,
    /// Apply each repository's `.stretchlint.yaml` and inline suppressions.
    pub honour_repo_config: bool,
}

/// Scans the repositories in parallel and hands each result to `sink` as soon as it is done
/// (in completion order, on the calling thread).
pub fn run(
    repos: &[Repo],
    scan: &Scan<'_>,
    mut sink: impl FnMut(RepoResult) -> Result<(), Error>,
) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(move || {
            crate::loader::on_parser_pool(|| {
                repos.par_iter().for_each_with(tx, |tx, repo| {
                    let _ = tx.send(scan_one(repo, scan));
                });
            });
        });
        // Every result is received even after a sink error, so that the workers finish.
        let mut outcome = Ok(());
        for result in rx {
            if outcome.is_ok() {
                outcome = sink(result);
            }
        }
        outcome
    })
}

fn scan_one(repo: &Repo, scan: &Scan<'_>) -> RepoResult {
    let mut settings = scan.settings.clone();
    settings.suppressions = scan.honour_repo_config;
    let commit = match git::head_commit(&repo.dir) {
        Ok(commit) => commit,
        Err(error) => {
            return RepoResult { path: repo.name.clone(), error: Some(error), ..RepoResult::default() };
        }
    };
    let outcome = (|| {
        if scan.honour_repo_config
            && let Some(path) = crate::config::find(&repo.dir)
            && path.starts_with(std::path::absolute(&repo.dir).unwrap_or_else(|_| repo.dir.clone()))
        {
            settings.apply(&crate::config::Config::load(&path)?);
        }
        lint_paths(std::slice::from_ref(&repo.dir), &settings)
    })();
    match outcome {
        Ok(report) => reduce(repo, commit, &report),
        Err(e) => RepoResult {
            path: repo.name.clone(),
            commit,
            error: Some(e.to_string()),
            ..RepoResult::default()
        },
    }
}

/// The parts of a report an audit keeps, with files relative to the repository.
fn reduce(repo: &Repo, commit: Option<String>, report: &Report) -> RepoResult {
    let prefix = crate::source::display_path(&repo.dir);
    let relative = |file: &str| -> String {
        file.strip_prefix(&prefix).map_or(file, |rest| rest.trim_start_matches('/')).to_owned()
    };
    let finding = |f: &Finding| RepoFinding {
        code: f.code.to_owned(),
        rule: f.rule.clone(),
        severity: f.severity,
        message: f.message.clone(),
        help: f.help.clone(),
        file: relative(&f.file),
        line: f.line,
        column: f.column,
        cluster: f.cluster.clone(),
        reason: f.suppressed.as_ref().and_then(|s| s.reason.clone()),
    };
    RepoResult {
        path: repo.name.clone(),
        commit,
        clusters: report
            .clusters
            .iter()
            .map(|c| RepoCluster {
                name: c.name.clone(),
                architecture: c.architecture.id.to_owned(),
                confidence: c.architecture.confidence.as_str().to_owned(),
                zones: c.zones.clone(),
                survives_single_az_loss: c.survives_single_az_loss,
            })
            .collect(),
        findings: report.findings.iter().map(finding).collect(),
        suppressed: report.suppressed.iter().map(finding).collect(),
        summary: report.summary.clone(),
        error: None,
        notices: report
            .notices
            .iter()
            .map(|n| crate::report::Notice { file: relative(&n.file), message: n.message.clone() })
            .collect(),
    }
}

/// The provenance of an audit run now with these settings.
pub fn provenance(settings: &Settings, honour_repo_config: bool) -> Provenance {
    let mut rules = String::new();
    for d in crate::rules::catalogue().iter().chain(settings.custom.iter().map(|r| r.descriptor)) {
        rules.push_str(&format!("{d:?}\n"));
    }
    let config = format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}",
        settings.select,
        settings.ignore,
        settings.fail_on,
        settings.exclude,
        settings.severity,
        settings.params,
        honour_repo_config
    );
    Provenance {
        tool: env!("CARGO_PKG_NAME").to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        rules_hash: format!("{:016x}", fnv1a(rules.as_bytes())),
        config_hash: format!("{:016x}", fnv1a(config.as_bytes())),
        started: timestamp(std::time::SystemTime::now()),
        repo_config: honour_repo_config,
    }
}

/// `2026-12-02T07:49:55Z`.
pub fn timestamp(at: std::time::SystemTime) -> String {
    let secs = at.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let date = crate::suppress::Date::from_unix_days(i64::try_from(secs / 86_400).unwrap_or(0));
    let s = secs % 86_400;
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "1/0", "x/2", "3", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let names: Vec<String> = (0..500).map(|i| format!("team-{i}/infra")).collect();
        for count in [2, 4, 7] {
            let shards: Vec<Shard> = (0..count).map(|index| Shard { index, count }).collect();
            for name in &names {
                assert_eq!(
                    shards.iter().filter(|s| s.holds(name)).count(),
                    1,
                    "{name} is in exactly one shard"
                );
            }
            let sizes: Vec<usize> =
                shards.iter().map(|s| names.iter().filter(|n| s.holds(n)).count()).collect();
            let even = 500 / sizes.len();
            assert!(sizes.iter().all(|n| *n > even * 3 / 4), "shards are roughly even: {sizes:?}");
        }
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_198_995);
        assert_eq!(timestamp(at), "2026-12-02T08:09:55Z");
    }
}
