//! stretchlint: a policy-as-code linter for OpenShift clusters stretched across OpenStack
//! availability zones.
//!
//! The pipeline (DESIGN.md §3): [`discover`] → [`loader`] (read, parse with spans, classify into
//! [`inputs`]) → [`model`] (clusters and their per-AZ layout) → [`arch`] (architecture inference)
//! → [`rules`] → filter → [`report`].
//!
//! ```no_run
//! use stretchlint::{Settings, lint_paths};
//! let report = lint_paths(&["clusters".into()], &Settings::default())?;
//! println!("{} findings", report.findings.len());
//! # Ok::<(), stretchlint::Error>(())
//! ```

pub mod arch;
pub mod audit;
pub mod cli;
pub mod color;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod fix;
pub mod generate;
pub mod inputs;
pub mod loader;
pub mod markdown;
pub mod model;
pub mod read;
pub mod report;
pub mod rules;
pub mod schema;
pub mod secrets;
pub mod simulate;
pub mod source;
pub mod suppress;
pub mod vrrp;
pub mod yaml;

use std::path::PathBuf;

use rayon::prelude::*;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use error::Error;
pub use report::{ClusterReport, Finding, Report, Summary};

/// What to check and when to fail.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Only these rules (codes, names or code prefixes such as `SL1`); empty means all.
    pub select: Vec<String>,
    /// Rules to leave out (same spellings as `select`).
    pub ignore: Vec<String>,
    /// The lowest severity that makes the run fail (exit 1).
    pub fail_on: Severity,
    /// Paths not to read (see [`discover::Globs`]).
    pub exclude: Vec<discover::Pattern>,
    /// Apply `exclude` to files named explicitly too.
    pub force_exclude: bool,
    /// Read what `.gitignore`, `.ignore` and `.git/info/exclude` leave out of a walk.
    pub no_ignore: bool,
    /// A run given a folder that reads no input is an error ([`Error::NoInputs`]): the CLI's
    /// commands, where a user pointing at the wrong folder would otherwise see a clean pass.
    /// Off for the library and the audit, where a repository without manifests is an answer.
    pub require_inputs: bool,
    /// Read the rest of a named file's cluster for relational rules (reporting only on the file).
    pub context: bool,
    /// Per rule (code or name): its severity, or `None` to turn it off.
    pub severity: Vec<(String, Option<Severity>)>,
    /// Rules not reported in the files a pattern matches.
    pub per_path_ignores: Vec<(discover::Pattern, Vec<String>)>,
    /// Honour inline `# stretchlint: ignore[...]` comments.
    pub suppressions: bool,
    /// Inline suppressions without a reason do not apply.
    pub require_reason: bool,
    pub params: rules::Params,
    /// The date expired suppressions are judged by; `None`: today.
    pub today: Option<suppress::Date>,
    /// Rules from custom packs (`--rules`, the configuration's `rules:`).
    pub custom: Vec<std::sync::Arc<rules::custom::CustomRule>>,
    /// Files larger than this many bytes are not read (a notice says so).
    pub max_file_size: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            select: Vec::new(),
            ignore: Vec::new(),
            fail_on: Severity::Error,
            exclude: Vec::new(),
            force_exclude: false,
            no_ignore: false,
            require_inputs: false,
            context: true,
            severity: Vec::new(),
            per_path_ignores: Vec::new(),
            suppressions: true,
            require_reason: false,
            params: rules::Params::default(),
            today: None,
            custom: Vec::new(),
            max_file_size: read::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Settings {
    /// Settings that run one rule only (tests and examples). The SL9xx rules judge suppressions
    /// of the other rules' findings, so with one of them every rule runs.
    pub fn only(rule: &str) -> Self {
        let about_suppressions = rules::find(rule).is_some_and(|d| d.code.starts_with("SL9"));
        let select = if about_suppressions { Vec::new() } else { vec![rule.to_owned()] };
        Self { select, ..Self::default() }
    }

    /// Adds a configuration file's settings. Command-line choices made before stay: a `select`
    /// already set wins, ignores and excludes add up; `fail_on` is the caller's to decide.
    pub fn apply(&mut self, config: &config::Config) {
        if self.select.is_empty()
            && let Some(select) = &config.select
        {
            self.select = select.clone();
        }
        self.ignore.extend(config.ignore.iter().cloned());
        let pattern = |glob: &String| discover::Pattern { base: config.dir.clone(), glob: glob.clone() };
        self.exclude.extend(config.exclude.iter().map(pattern));
        self.severity.extend(config.severity.iter().cloned());
        self.per_path_ignores.extend(config.per_path_ignores.iter().map(|(g, r)| (pattern(g), r.clone())));
        self.require_reason |= config.require_reason;
        // `--no-ignore` on the command line wins over `respect-gitignore: true`.
        self.no_ignore |= config.respect_gitignore == Some(false);
        if let Some(size) = config.max_file_size.filter(|_| self.max_file_size == read::DEFAULT_MAX_FILE_SIZE)
        {
            self.max_file_size = size;
        }
        let p = &config.params;
        let params = &mut self.params;
        params.min_surviving_workers = p.min_surviving_workers.or(params.min_surviving_workers);
        params.latency_warn_ms = p.latency_warn_ms.or(params.latency_warn_ms);
        params.latency_error_ms = p.latency_error_ms.or(params.latency_error_ms);
        params.openshift_version = config.openshift_version.or(params.openshift_version);
        self.add_rules(config.custom.iter().cloned());
    }

    /// Adds custom rules; a rule loaded twice (a pack named by the configuration and by
    /// `--rules`) runs once.
    pub fn add_rules(&mut self, rules: impl IntoIterator<Item = std::sync::Arc<rules::custom::CustomRule>>) {
        for rule in rules {
            if !self.custom.iter().any(|r| r.code() == rule.code()) {
                self.custom.push(rule);
            }
        }
    }

    /// Whether the selection runs a rule.
    fn runs(&self, code: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|k| rules::matches(code, k)))
            && !self.ignore.iter().any(|k| rules::matches(code, k))
            && self.severity_of(code) != Some(None)
    }

    fn enabled_rules(&self) -> Result<Vec<&'static dyn rules::Rule>, Error> {
        for key in self.select.iter().chain(&self.ignore).chain(self.severity.iter().map(|(k, _)| k)) {
            if !rules::matches_any(key) {
                return Err(Error::UnknownRule(key.clone()));
            }
        }
        Ok(rules::ALL.iter().copied().filter(|r| self.runs(r.code())).collect())
    }

    /// The configured severity of a rule: `Some(None)` when it is off, `None` when not configured.
    /// A later entry wins.
    pub fn severity_of(&self, code: &str) -> Option<Option<Severity>> {
        self.severity
            .iter()
            .rev()
            .find(|(k, _)| rules::find(k).is_some_and(|d| d.code == code))
            .map(|(_, s)| *s)
    }
}

/// Lints the given files and directories.
pub fn lint_paths(paths: &[PathBuf], settings: &Settings) -> Result<Report, Error> {
    lint_overlaid(paths, settings, None)
}

/// [`lint_paths`] with some files' text replaced (and new files added) in memory: what a run
/// would find after `--fix` wrote them.
pub fn lint_overlaid(
    paths: &[PathBuf],
    settings: &Settings,
    overlay: Option<&fix::Overlay>,
) -> Result<Report, Error> {
    let enabled = settings.enabled_rules()?;
    let custom: Vec<&rules::custom::CustomRule> =
        settings.custom.iter().map(AsRef::as_ref).filter(|r| settings.runs(r.code())).collect();
    let retain = rules::custom::retain(custom.iter().copied());
    let analysis = analyse(paths, settings, &retain, overlay)?;
    let (loaded, model, inferences) = (analysis.loaded, analysis.model, analysis.inferences);
    let cx = rules::Context {
        model: &model,
        files: &loaded.files,
        sources: &loaded.sources,
        params: &settings.params,
    };
    let mut diagnostics: Vec<Diagnostic> = enabled
        .par_iter()
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            rule.check(&cx, &mut out);
            out
        })
        .collect();
    if !custom.is_empty() {
        let exported = custom
            .iter()
            .any(|r| r.target.is_model())
            .then(|| model::export::export(&model, &inferences, &loaded.sources));
        let architectures = model
            .clusters
            .iter()
            .zip(&inferences)
            .flat_map(|(c, inf)| c.files.iter().map(|f| (*f, inf.architecture.id())))
            .collect();
        let input = rules::custom::Documents {
            documents: &loaded.retained,
            architectures: &architectures,
            model: exported.as_ref(),
        };
        diagnostics.par_extend(custom.par_iter().flat_map_iter(|rule| {
            let mut out = Vec::new();
            rules::custom::check(rule, &input, &mut out);
            out
        }));
    }
    let mut checked: Vec<&'static str> = enabled.iter().map(|r| r.code()).collect();
    checked.extend(custom.iter().map(|r| r.code()));
    checked.sort_unstable();
    let policy = report::Policy::new(settings, checked)?;
    let resilience = simulate::simulate(&model, &inferences, &simulate::Options::default());
    let notices = analysis.notices;
    let not_inputs = analysis.not_inputs;
    let mut report =
        report::build(loaded.sources, &model, inferences, resilience, diagnostics, loaded.documents, &policy);
    report.summary.files =
        report.summary.files.saturating_sub(notices.iter().filter(|n| n.read_attempted).count());
    report.notices = notices.into_iter().map(|n| n.notice).collect();
    report.not_inputs = not_inputs;
    report.paths = paths.to_vec();
    // Freeing the model object by object takes 0.1 s for 2,000 clusters: on every core.
    model.clusters.into_par_iter().for_each(drop);
    Ok(report)
}

/// The cluster model of the given files and directories, as `stretchlint model` prints it
/// (`schemas/model.schema.json`).
pub fn model_json(paths: &[PathBuf], settings: &Settings) -> Result<serde_json::Value, Error> {
    let analysis = analyse(paths, settings, &loader::Retain::default(), None)?;
    Ok(model::export::export(&analysis.model, &analysis.inferences, &analysis.loaded.sources).json)
}

/// What still serves in each cluster of the given paths when AZs are lost (`stretchlint simulate`).
pub fn simulate_paths(
    paths: &[PathBuf],
    settings: &Settings,
    options: &simulate::Options,
) -> Result<simulate::Simulation, Error> {
    let analysis = analyse(paths, settings, &loader::Retain::default(), None)?;
    let mut clusters = simulate::simulate(&analysis.model, &analysis.inferences, options);
    let scrubber = analysis.loaded.sources.scrubber();
    clusters.iter_mut().for_each(|c| c.scrub(scrubber));
    let mut known_zones = simulate::known_zones(&analysis.model);
    known_zones.iter_mut().for_each(|z| scrubber.scrub_in_place(z));
    let not_inputs = analysis.not_inputs;
    Ok(simulate::Simulation { clusters, sources: analysis.loaded.sources, known_zones, not_inputs })
}

/// The stages before the rules: files read, the model built, each cluster's architecture inferred.
struct Analysis {
    loaded: loader::Loaded,
    model: model::Model,
    inferences: Vec<arch::Inference>,
    notices: Vec<Unread>,
    /// See [`Report::not_inputs`].
    not_inputs: Vec<String>,
}

/// An input not read, and whether discovery handed it to the loader (so the summary counted it).
struct Unread {
    notice: report::Notice,
    read_attempted: bool,
}

fn analyse(
    paths: &[PathBuf],
    settings: &Settings,
    retain: &loader::Retain,
    overlay: Option<&fix::Overlay>,
) -> Result<Analysis, Error> {
    let mut excludes = discover::Excludes::new(&settings.exclude, settings.force_exclude)?;
    excludes.no_ignore = settings.no_ignore;
    let mut found = discover::discover_all(paths, &excludes, settings.context)?;
    if let Some(overlay) = overlay {
        // Files the overlay creates are read as if the walk had found them.
        let new = overlay.keys().filter(|p| !found.files.iter().any(|d| &d.path == *p));
        let new: Vec<_> =
            new.map(|path| discover::Discovered { path: path.clone(), reported: true }).collect();
        found.files.extend(new);
        found.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let reading = loader::Reading { retain, max_file_size: settings.max_file_size, overlay };
    let mut loaded = loader::load_with(&found.files, &reading);
    let notice = |path: &std::path::Path, message: &str| report::Notice {
        file: source::display_path(path),
        message: message.to_owned(),
    };
    let mut notices: Vec<Unread> = found
        .skipped
        .iter()
        .map(|s| Unread { notice: notice(&s.path, &s.reason), read_attempted: false })
        .collect();
    for (file, source) in loaded.files.iter().zip(loaded.sources.files()) {
        if let (Some(reason), true) = (&file.skipped, source.reported) {
            notices.push(Unread { notice: notice(&source.path, reason), read_attempted: true });
        }
    }
    notices.sort_by(|a, b| a.notice.file.cmp(&b.notice.file));
    // A custom rule pack's documents (`kind: Deployment`) are inputs too: its rules check them.
    let read_an_input = !loaded.retained.is_empty() || loaded.files.iter().any(loader::LoadedFile::is_input);
    if settings.require_inputs && !read_an_input && paths.iter().any(|p| p.is_dir()) {
        return Err(Error::NoInputs {
            paths: paths.to_vec(),
            files: loaded.files.iter().filter(|f| f.skipped.is_none()).count(),
            not_read: notices.iter().map(|n| format!("{}: {}", n.notice.file, n.notice.message)).collect(),
        });
    }
    // Only files of no input's extension: pre-commit names every changed YAML file, and most are
    // not manifests (workflows, compose files); a README named by hand is worth a word.
    let not_inputs = loaded
        .files
        .iter()
        .zip(loaded.sources.files())
        .filter(|(f, s)| {
            s.reported && !f.is_input() && f.skipped.is_none() && discover::kind(&s.path).is_none()
        })
        .map(|(_, s)| source::display_path(&s.path))
        .collect();
    let installer = model::Installer::of_version(settings.params.openshift_version);
    let model = model::build(std::mem::take(&mut loaded.inputs), installer);
    let inferences =
        model.clusters.par_iter().map(|c| arch::infer(c, &model.site, &model.clusters)).collect();
    Ok(Analysis { loaded, model, inferences, notices, not_inputs })
}
