//! Which files a run reads.
//!
//! Directories are walked (skipping `.git`, `target`, `.terraform` and `node_modules`, and what
//! `.gitignore`, `.ignore` and `.git/info/exclude` leave out, unless `--no-ignore`); from them
//! only the files that may be an input are read ([`kind`]): YAML, Terraform, the `.cfg`/`.conf`
//! files that may be load balancer configurations, and Jinja templates of these
//! (`install-config.yaml.j2`). A file named on the command line is read whatever its extension,
//! and whatever the ignore files say (as ripgrep and ruff do: naming it is asking for it). When a
//! file is named, the rest of its cluster is read too, for context only, so relational rules still
//! work on a single-file pre-commit run: the walk goes up to the nearest folder holding an
//! `install-config.yaml` or a `.stretchlint.yaml`, or to the repository root (as ruff walks up for
//! its config), and findings are reported only on the files named.
//!
//! Excluded paths are never read, not even for context; a file named on the command line is
//! excluded only with `force_exclude` (pre-commit names every changed file). Like ruff's
//! `force-exclude`, that applies the `exclude` globs, not the ignore files: pre-commit names only
//! files git tracks, which an ignore file does not leave out.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::Error;
use crate::source::display_path;

/// Folders a walk never enters, ignore files or not (a folder named on the command line is still
/// read): git's own store, Cargo's build output, and the copies tools download. Terraform puts
/// every module it fetches under `.terraform/modules/` and npm under `node_modules/`: findings
/// there are in someone else's code and never reach the repository. checkov skips
/// `node_modules`, `.terraform` and `.serverless` by default (its `IGNORED_DIRECTORIES`), tflint
/// never descends into `.terraform`.
const SKIPPED_DIRS: [&str; 4] = [".git", "target", ".terraform", "node_modules"];
const INSTALL_CONFIG_NAMES: [&str; 2] = ["install-config.yaml", "install-config.yml"];

/// A glob and the folder it is relative to: the working directory for `--exclude`, the config
/// file's folder for its `exclude` and `per-path-ignores`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub base: PathBuf,
    pub glob: String,
}

impl Pattern {
    /// A glob given on the command line: relative to the working directory.
    pub fn from_cwd(glob: &str) -> Self {
        Self { base: std::env::current_dir().unwrap_or_default(), glob: glob.to_owned() }
    }
}

/// Gitignore-style globs: one without `/` matches a file or folder name at any depth below its
/// base (`*.tf`, `legacy`), one with `/` the path from its base (`clusters/lab-*/**`).
#[derive(Clone, Debug, Default)]
pub struct Globs {
    groups: Vec<GlobGroup>,
    cwd: PathBuf,
}

#[derive(Clone, Debug)]
struct GlobGroup {
    base: PathBuf,
    by_name: GlobSet,
    by_path: GlobSet,
}

impl Globs {
    pub fn new(patterns: &[Pattern]) -> Result<Self, Error> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut bases: Vec<&PathBuf> = patterns.iter().map(|p| &p.base).collect();
        bases.sort();
        bases.dedup();
        let mut groups = Vec::new();
        for base in bases {
            let mut by_name = GlobSetBuilder::new();
            let mut by_path = GlobSetBuilder::new();
            for pattern in patterns.iter().filter(|p| &p.base == base) {
                let trimmed = pattern.glob.trim_start_matches("./").trim_end_matches('/');
                let glob = GlobBuilder::new(trimmed).literal_separator(true).build().map_err(|e| {
                    Error::BadGlob { glob: pattern.glob.clone(), message: e.kind().to_string() }
                })?;
                if trimmed.contains('/') {
                    by_path.add(glob)
                } else {
                    by_name.add(glob)
                };
            }
            let build = |b: GlobSetBuilder| {
                b.build().map_err(|e| Error::BadGlob { glob: String::new(), message: e.to_string() })
            };
            let base = if base.is_absolute() { base.clone() } else { cwd.join(base) };
            groups.push(GlobGroup { base, by_name: build(by_name)?, by_path: build(by_path)? });
        }
        Ok(Self { groups, cwd })
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Whether `path` (a file or a folder), or a folder it lies in, is matched.
    pub fn matches(&self, path: &Path) -> bool {
        if self.groups.is_empty() {
            return false;
        }
        let absolute = if path.is_absolute() { path.to_path_buf() } else { self.cwd.join(path) };
        self.groups.iter().any(|g| {
            let Ok(rel) = absolute.strip_prefix(&g.base) else { return false };
            let rel = Path::new(display_path(rel).as_str()).to_path_buf();
            rel.ancestors()
                .filter(|p| !p.as_os_str().is_empty())
                .any(|p| p.file_name().is_some_and(|name| g.by_name.is_match(name)) || g.by_path.is_match(p))
        })
    }
}

/// Paths to leave out of a run.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    pub globs: Globs,
    /// Apply to files named on the command line too.
    pub force: bool,
    /// Walk into what `.gitignore`, `.ignore` and `.git/info/exclude` leave out (`--no-ignore`).
    pub no_ignore: bool,
}

impl Excludes {
    pub fn new(patterns: &[Pattern], force: bool) -> Result<Self, Error> {
        Ok(Self { globs: Globs::new(patterns)?, force, no_ignore: false })
    }

    pub fn matches(&self, path: &Path) -> bool {
        self.globs.matches(path)
    }
}

/// A file to read, and whether its findings are reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    pub path: PathBuf,
    pub reported: bool,
}

/// An input the run did not read, and why: reported as a notice (not a finding), so that a clean
/// run never hides a file it skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// What discovery found: the files to read and the paths it passed over.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub files: Vec<Discovered>,
    pub skipped: Vec<Skipped>,
}

/// Files to read, sorted by path (so that file ids and output are stable).
/// With `context`, a named file brings the rest of its cluster along (see the module docs).
pub fn discover(paths: &[PathBuf], excludes: &Excludes, context: bool) -> Result<Vec<Discovered>, Error> {
    Ok(discover_all(paths, excludes, context)?.files)
}

/// [`discover`], with the paths a walk passed over: symbolic links (never followed, so a walk
/// cannot leave the tree it was given), FIFOs, sockets and devices named like an input, and
/// folders that cannot be read.
pub fn discover_all(paths: &[PathBuf], excludes: &Excludes, context: bool) -> Result<Found, Error> {
    // A Vec sorted once: the walk already yields paths in order, so the sort is a near-linear
    // check, where a BTreeMap pays a logarithmic number of (slow) path comparisons per insert.
    let mut found: Vec<Discovered> = Vec::new();
    let mut skipped = Vec::new();
    let mut context_roots = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::PathNotFound(path.clone()),
            _ => Error::Io { path: path.clone(), source },
        })?;
        if meta.is_dir() {
            found.extend(walk(path, excludes, &mut skipped).map(|path| Discovered { path, reported: true }));
        } else if !(excludes.force && excludes.matches(path)) {
            // Spelled as the context walk spells it (canonical, then relative to the working
            // directory), so that a file named by an absolute path is not read twice.
            let spelled = path.canonicalize().map_or_else(|_| clean(path), |p| relative_to_cwd(&p));
            found.push(Discovered { path: spelled, reported: true });
            if let Some(root) = cluster_root(path).filter(|_| context) {
                context_roots.push(root);
            }
        }
    }
    for root in context_roots {
        // Context is read quietly: what it passes over is not the user's to hear about.
        found.extend(walk(&root, excludes, &mut Vec::new()).map(|path| Discovered { path, reported: false }));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    // A file found twice is reported when any of its finds is.
    found.dedup_by(|later, kept| {
        let same = later.path == kept.path;
        if same {
            kept.reported |= later.reported;
        }
        same
    });
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.dedup();
    Ok(Found { files: found, skipped })
}

fn walk<'a>(
    dir: &Path,
    excludes: &'a Excludes,
    skipped: &'a mut Vec<Skipped>,
) -> impl Iterator<Item = PathBuf> + 'a {
    let globs = excludes.globs.clone();
    let honour = !excludes.no_ignore;
    ignore::WalkBuilder::new(dir)
        // Dot-files and dot-folders are read (`.openshift/`, `.ci/`): only ignore files and the
        // folders below leave anything out.
        .hidden(false)
        .follow_links(false)
        .ignore(honour)
        .git_ignore(honour)
        .git_exclude(honour)
        // A user's global gitignore (editor swap files, `.DS_Store`) names no manifest, and would
        // make two machines scan the same checkout differently.
        .git_global(false)
        // As git and ripgrep: `.gitignore` applies inside a git repository (a folder holding
        // `.git`), and the one of a repository's parent folders does not reach into it (an
        // audit's folder of checkouts). `.ignore` applies anywhere.
        .require_git(true)
        // The `.gitignore` of the folders above applies up to the repository root (`check
        // clusters/a` in a repository that ignores `clusters/a/generated/`).
        .parents(honour)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let dir = e.file_type().is_some_and(|t| t.is_dir());
            e.depth() == 0
                || !((dir && SKIPPED_DIRS.iter().any(|s| e.file_name() == *s)) || globs.matches(e.path()))
        })
        .build()
        .filter_map(move |entry| match entry {
            // An ignore file with a line that does not parse applies its other lines (`entry.error()`):
            // that reads more files, never fewer, so it is no false green and not reported.
            Ok(e) => match passed_over(&e) {
                Some(reason) => {
                    skipped.push(Skipped { path: clean(e.path()), reason });
                    None
                }
                None => Some(e),
            },
            Err(e) => {
                if let Some(path) = error_path(&e) {
                    let reason = match e.io_error() {
                        Some(io) => format!("cannot read the folder: {io}"),
                        None => e.to_string(),
                    };
                    skipped.push(Skipped { path: clean(path), reason });
                }
                None
            }
        })
        // The tool's own configuration is not a manifest.
        .filter(|e| {
            e.file_type().is_some_and(|t| t.is_file())
                && kind(e.path()).is_some()
                && !crate::config::is_file_name(e.file_name())
        })
        .map(|e| clean(e.path()))
}

/// The path a walk error is about, if it names one.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// Why a walk does not read an entry it would otherwise consider (`None`: it reads it, or the
/// entry is no input anyway).
fn passed_over(e: &ignore::DirEntry) -> Option<String> {
    let kind_of_name = kind(e.path()).is_some();
    let file_type = e.file_type()?;
    if file_type.is_symlink() {
        let target = std::fs::metadata(e.path());
        let to_folder = target.as_ref().is_ok_and(std::fs::Metadata::is_dir);
        return match target {
            _ if to_folder => {
                Some("a symbolic link to a folder: not followed (name the folder to read it)".to_owned())
            }
            Ok(_) if kind_of_name => {
                Some("a symbolic link: not followed (name the file to read it)".to_owned())
            }
            Err(_) if kind_of_name => Some("a broken symbolic link".to_owned()),
            _ => None,
        };
    }
    (kind_of_name && !file_type.is_file() && !file_type.is_dir())
        .then(|| format!("not a regular file ({}): not read", crate::read::describe(&file_type)))
}

/// What a file may hold, by its name; the content decides what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Yaml,
    Terraform,
    /// `haproxy.cfg`, `keepalived.conf` and their kin, recognised by content.
    Config,
}

/// By the extension, or for a Jinja template (`install-config.yaml.j2`,
/// `machineset.yaml.jinja`, `haproxy.cfg.j2`) by the extension under the template's.
pub fn kind(path: &Path) -> Option<FileKind> {
    let inner;
    let path = if is_template(path) {
        inner = PathBuf::from(path.file_stem()?);
        inner.as_path()
    } else {
        path
    };
    // Ansible reads `group_vars/all` (no extension) as YAML too.
    let Some(ext) = path.extension() else {
        return crate::inputs::ansible::vars_target(path).map(|_| FileKind::Yaml);
    };
    let is = |e: &str| ext.eq_ignore_ascii_case(e);
    if is("yaml") || is("yml") {
        Some(FileKind::Yaml)
    } else if is("tf") || crate::inputs::terraform::is_vars_file(path) {
        // `.tfvars` (HCL attributes) and `.tfvars.json` files set their module's variables.
        Some(FileKind::Terraform)
    } else if is("cfg") || is("conf") {
        Some(FileKind::Config)
    } else {
        None
    }
}

/// Extensions of Jinja templates (Ansible's `template` module, Helm-like generators). A template
/// of an input is read as the input it renders to; what does not parse before rendering is
/// reported once (SL002) instead of dropped.
const TEMPLATE_EXTENSIONS: [&str; 3] = ["j2", "jinja", "jinja2"];

/// Whether the name ends in a template extension.
pub fn is_template(path: &Path) -> bool {
    path.extension().is_some_and(|ext| TEMPLATE_EXTENSIONS.iter().any(|t| ext.eq_ignore_ascii_case(t)))
}

fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".").map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// The nearest folder above `file` (its own included) that holds an install-config or a
/// configuration file (`.stretchlint.yaml` or `.yml`), or else is a repository root (holds `.git`).
pub fn cluster_root(file: &Path) -> Option<PathBuf> {
    let start = file.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p })?;
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|dir| {
            INSTALL_CONFIG_NAMES.iter().any(|n| dir.join(n).is_file())
                || crate::config::FILE_NAMES.iter().any(|n| dir.join(n).is_file())
                || dir.join(".git").exists()
        })
        // Keep the user's spelling (relative paths stay relative in the output).
        .map(relative_to_cwd)
}

fn relative_to_cwd(dir: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| dir.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p })
        .unwrap_or_else(|| dir.to_path_buf())
}
