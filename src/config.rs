//! `.stretchlint.yaml`: which rules run, at which severity, on which paths, with which thresholds.
//!
//! The file is validated against `schemas/config.schema.json` (published for editors); a file that
//! does not parse or validate is an error at its line and column (exit 2), never half-applied.
//! Globs and rule-pack folders are relative to the file's folder.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::diagnostic::Severity;
use crate::error::Error;
use crate::source::{LineIndex, Span};
use crate::yaml::{Node, NodeKind};

/// The names a configuration file may have, the preferred first: `.yml` is accepted because YAML
/// users type either (install-config.yml is read too), and one folder holding both reads the first.
pub const FILE_NAMES: [&str; 2] = [".stretchlint.yaml", ".stretchlint.yml"];
pub const FILE_NAME: &str = FILE_NAMES[0];

/// The published schema, embedded.
pub const SCHEMA: &str = include_str!("../schemas/config.schema.json");

static VALIDATOR: LazyLock<Option<jsonschema::Validator>> = LazyLock::new(|| crate::schema::compile(SCHEMA));

/// A configuration file, read and checked.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file, as found or given.
    pub path: PathBuf,
    /// Its folder, absolute: the base of its globs and folders.
    pub dir: PathBuf,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Rule (code or name) → its severity, `None` for `off`.
    pub severity: Vec<(String, Option<Severity>)>,
    pub fail_on: Option<Severity>,
    pub max_file_size: Option<u64>,
    pub openshift_version: Option<(u32, u32)>,
    pub exclude: Vec<String>,
    /// Glob → rules not reported in the files it matches.
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    pub require_reason: bool,
    /// `respect-gitignore`: `Some(false)` walks into what ignore files leave out.
    pub respect_gitignore: Option<bool>,
    /// Rule-pack folders, absolute.
    pub rules: Vec<PathBuf>,
    /// The rules of those packs.
    pub custom: Vec<std::sync::Arc<crate::rules::custom::CustomRule>>,
    pub params: crate::rules::Params,
    /// Top-level key → the line it is set on, for `config --show`.
    pub lines: Vec<(String, usize)>,
}

/// The nearest `.stretchlint.yaml` (or `.stretchlint.yml`) at or above `start` (a file's folder,
/// or the folder itself).
pub fn find(start: &Path) -> Option<PathBuf> {
    locate(start).map(|found| found.path)
}

/// A configuration file found by walking up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// The `.stretchlint.yml` beside a `.stretchlint.yaml`, which is not read: the CLI warns, since
    /// an edit to it would do nothing.
    pub shadowed: Option<PathBuf>,
}

/// [`find`], and the file its choice leaves unread.
pub fn locate(start: &Path) -> Option<Found> {
    let start = std::path::absolute(start).ok()?;
    let dir = if start.is_dir() { start.as_path() } else { start.parent()? };
    dir.ancestors().find_map(|d| {
        let mut present = FILE_NAMES.iter().map(|n| d.join(n)).filter(|p| p.is_file());
        let path = present.next()?;
        Some(Found { path, shadowed: present.next() })
    })
}

/// Whether `name` is a configuration file's name (a walk does not read one as an input).
pub fn is_file_name(name: &std::ffi::OsStr) -> bool {
    FILE_NAMES.iter().any(|n| name == *n)
}

impl Config {
    /// Reads, validates and interprets a configuration file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = crate::read::read_to_string(path, crate::read::DEFAULT_MAX_FILE_SIZE)
            .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        let dir = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        Self::parse(path, &dir, &text)
    }

    /// Interprets `text` as the configuration file `path` in folder `dir`.
    pub fn parse(path: &Path, dir: &Path, text: &str) -> Result<Config, Error> {
        let file = crate::schema::OwnFile::new(path, text);
        let at = |span: Span, message: String| file.error(span, message);
        let lines = LineIndex::new(text);
        let mut config = Config { path: path.to_path_buf(), dir: dir.to_path_buf(), ..Config::default() };
        let Some(root) = file.root(VALIDATOR.as_ref())? else { return Ok(config) };
        let root = &root;
        // Packs first: the rule names the other settings use may be theirs.
        for item in root.get("rules").and_then(Node::as_seq).unwrap_or_default() {
            let pack = dir.join(item.scalar_text().unwrap_or_default());
            let rules = crate::rules::custom::load(&pack).map_err(|e| match e {
                Error::Io { source, .. } => at(item.span, format!("cannot read the rule pack: {source}")),
                other => other,
            })?;
            config.rules.push(pack);
            config.custom.extend(rules);
        }
        let rule_list = |node: &Node| -> Result<Vec<String>, Error> {
            let items = node.as_seq().unwrap_or_default();
            items
                .iter()
                .map(|item| {
                    let key = item.scalar_text().unwrap_or_default();
                    if crate::rules::matches_any(&key) {
                        Ok(key)
                    } else {
                        Err(at(item.span, crate::rules::unknown_rule(&key)))
                    }
                })
                .collect()
        };
        for (key, value) in root.as_map().unwrap_or_default() {
            let name = key.scalar_text().unwrap_or_default();
            config.lines.push((name.clone(), lines.line_col(text, key.span.start as usize).line));
            match name.as_str() {
                "select" => config.select = Some(rule_list(value)?),
                "ignore" => config.ignore = rule_list(value)?,
                "severity" => {
                    for (rule, level) in value.as_map().unwrap_or_default() {
                        let rule_name = rule.scalar_text().unwrap_or_default();
                        if crate::rules::find(&rule_name).is_none() {
                            return Err(at(rule.span, crate::rules::unknown_rule(&rule_name)));
                        }
                        config.severity.push((rule_name, level.as_str().and_then(severity)));
                    }
                }
                "fail-on" => config.fail_on = value.as_str().and_then(severity),
                "max-file-size" => {
                    let text = value.scalar_text().unwrap_or_default();
                    let size = crate::read::parse_size(&text).ok_or_else(|| {
                        at(value.span, format!("`{text}` is not a size (64MiB, 512KiB, 1048576)"))
                    })?;
                    config.max_file_size = Some(size);
                }
                "openshift-version" => config.openshift_version = value.as_str().and_then(parse_version),
                "exclude" => config.exclude = strings(value),
                "per-path-ignores" => {
                    for (glob, rules) in value.as_map().unwrap_or_default() {
                        config
                            .per_path_ignores
                            .push((glob.scalar_text().unwrap_or_default(), rule_list(rules)?));
                    }
                }
                "require-reason" => config.require_reason = value.as_bool().unwrap_or(false),
                "respect-gitignore" => config.respect_gitignore = value.as_bool(),
                "params" => config.params = params(value),
                _ => {}
            }
        }
        Ok(config)
    }

    /// The line a top-level key is set on.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.lines.iter().find(|(k, _)| k == key).map(|(_, line)| *line)
    }
}

fn severity(text: &str) -> Option<Severity> {
    match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

/// `4.16` → (4, 16).
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn strings(node: &Node) -> Vec<String> {
    node.as_seq().unwrap_or_default().iter().filter_map(Node::scalar_text).collect()
}

fn params(node: &Node) -> crate::rules::Params {
    let number = |rule: &str, key: &str| match node.path(&[rule, key]).map(|n| &n.kind) {
        Some(NodeKind::Int(i)) => Some(*i as f64),
        Some(NodeKind::Float(f)) => Some(*f),
        _ => None,
    };
    crate::rules::Params {
        min_surviving_workers: node.path(&["SL103", "min-surviving-workers"]).and_then(Node::as_i64),
        latency_warn_ms: number("SL601", "warn-ms"),
        latency_error_ms: number("SL601", "error-ms"),
        openshift_version: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        Config::parse(Path::new(".stretchlint.yaml"), Path::new("/repo"), text)
    }

    #[test]
    fn the_schema_compiles() {
        assert!(VALIDATOR.is_some());
    }

    #[test]
    fn the_documented_example_reads() {
        let config = parse(
            "select: [SL1, SL2, SL3]\nignore: [SL405]\nseverity:\n  SL103: error\n  unknown-field: off\nfail-on: warning\n\
             openshift-version: \"4.16\"\nexclude: [\"legacy/**\"]\nper-path-ignores:\n  \"clusters/lab-*/**\": [SL101]\n\
             require-reason: true\nparams:\n  SL103: { min-surviving-workers: 3 }\n  SL601: { warn-ms: 10, error-ms: 50 }\n",
        );
        let Ok(config) = config else { panic!("{config:?}") };
        assert_eq!(
            config.select.as_deref(),
            Some(&["SL1".to_owned(), "SL2".to_owned(), "SL3".to_owned()][..])
        );
        assert_eq!(
            config.severity,
            vec![("SL103".to_owned(), Some(Severity::Error)), ("unknown-field".to_owned(), None)]
        );
        assert_eq!(config.fail_on, Some(Severity::Warning));
        assert_eq!(config.openshift_version, Some((4, 16)));
        assert_eq!(config.params.min_surviving_workers, Some(3));
        assert_eq!(config.params.latency_error_ms, Some(50.0));
        assert_eq!(config.line_of("fail-on"), Some(6));
    }

    #[test]
    fn errors_have_a_line_and_column() {
        let err = |text: &str| match parse(text) {
            Err(Error::Invalid { line, column, message, .. }) => (line, column, message),
            other => panic!("{other:?}"),
        };
        let (line, column, message) = err("ignore: [SL405]\nfail-on: sometimes\n");
        assert_eq!((line, column), (2, 10), "{message}");
        let (line, column, _) = err("select: [SL1]\nseverty:\n  SL103: error\n");
        assert_eq!((line, column), (2, 1));
        let (line, column, message) = err("ignore:\n  - SL999\n");
        assert_eq!((line, column), (2, 5));
        assert!(message.contains("unknown rule `SL999`"));
        let (line, _, _) = err("params:\n  SL601: { warn-ms: -1 }\n");
        assert_eq!(line, 2);
        let (line, _, _) = err("a: [\n");
        assert!(line >= 1);
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        let Ok(config) = parse("# nothing yet\n") else { panic!() };
        assert!(config.select.is_none() && config.ignore.is_empty());
    }
}
