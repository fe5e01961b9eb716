//! Custom rule packs: rule descriptors in the built-in format whose check is a JSON Schema,
//! applied to each document of a kind or to the cluster model (`schemas/rule.schema.json`).
//!
//! A pack is a folder of `.yaml`/`.yml` files, one rule each (or one such file). A file that does
//! not parse or validate, a schema that does not compile, or a code or name already taken is an
//! error at its line and column: a broken policy must stop the run (exit 2), not go quiet.

mod run;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use jsonschema::Validator;
use serde::Deserialize;

use super::catalogue::{Descriptor, Examples, SeverityName};
use crate::error::Error;
use crate::loader::Retain;
use crate::source::{FileId, Span};

pub use run::{Documents, check};

/// The published schema of a rule file, embedded.
pub const SCHEMA: &str = include_str!("../../../schemas/rule.schema.json");

static VALIDATOR: LazyLock<Option<Validator>> = LazyLock::new(|| crate::schema::compile(SCHEMA));

/// One custom rule, ready to run.
#[derive(Debug)]
pub struct CustomRule {
    pub descriptor: &'static Descriptor,
    /// The file it was read from.
    pub path: PathBuf,
    pub target: Target,
    when: Option<Validator>,
    schema: Validator,
}

impl CustomRule {
    pub fn code(&self) -> &'static str {
        self.descriptor.code.as_str()
    }
}

/// What a custom rule's schema is applied to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    InstallConfig,
    /// Each document whose `kind` is this.
    Kind(String),
    /// Each resource of this type in a Heat template.
    HeatResource(String),
    /// Each cluster of the model.
    Cluster,
    /// The whole model.
    Model,
}

impl Target {
    fn parse(text: &str) -> Target {
        match text {
            "install-config" => Target::InstallConfig,
            "cluster" => Target::Cluster,
            "model" => Target::Model,
            t if t.contains("::") => Target::HeatResource(t.to_owned()),
            t => Target::Kind(t.to_owned()),
        }
    }

    /// Whether the rule reads the cluster model rather than documents.
    pub fn is_model(&self) -> bool {
        matches!(self, Target::Cluster | Target::Model)
    }
}

/// The documents the loader must keep for a set of rules (it frees every tree otherwise).
pub fn retain<'a>(rules: impl IntoIterator<Item = &'a CustomRule>) -> Retain {
    let mut retain = Retain::default();
    for rule in rules {
        match &rule.target {
            Target::InstallConfig => retain.install_config = true,
            Target::Kind(kind) => retain.kinds.push(kind.clone()),
            Target::HeatResource(_) => retain.heat = true,
            Target::Cluster | Target::Model => {}
        }
    }
    retain
}

/// A rule file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    code: String,
    name: String,
    severity: SeverityName,
    #[serde(default = "all")]
    architectures: Vec<String>,
    summary: String,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    fix: String,
    check: serde_json::Value,
    #[serde(default)]
    examples: Option<FileExamples>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileExamples {
    #[serde(default)]
    bad: String,
    #[serde(default)]
    good: String,
}

fn all() -> Vec<String> {
    vec!["all".to_owned()]
}

/// Loads the rules of a pack: a folder (its `.yaml`/`.yml` files, in name order, subfolders
/// included) or one file.
pub fn load(path: &Path) -> Result<Vec<Arc<CustomRule>>, Error> {
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| io(e.into()))?;
            let yaml = entry.path().extension().is_some_and(|e| e == "yaml" || e == "yml");
            if entry.file_type().is_file() && yaml {
                files.push(entry.into_path());
            }
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    files.iter().map(|f| load_file(f).map(Arc::new)).collect()
}

/// Reads and compiles one rule file.
pub fn load_file(path: &Path) -> Result<CustomRule, Error> {
    let text = crate::read::read_to_string(path, crate::read::DEFAULT_MAX_FILE_SIZE)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    parse(path, &text)
}

/// Interprets `text` as the rule file `path`.
pub fn parse(path: &Path, text: &str) -> Result<CustomRule, Error> {
    let own = crate::schema::OwnFile::new(path, text);
    let at = |span: Span, message: String| own.error(span, message);
    let Some(root) = own.root(VALIDATOR.as_ref())? else {
        return Err(at(Span::new(FileId(0), 0, 0), "the file holds no rule".to_owned()));
    };
    let root = &root;
    let file: RuleFile =
        serde_json::from_value(crate::schema::to_json(root)).map_err(|e| at(root.span, e.to_string()))?;
    let node_span = |keys: &[&str]| root.path(keys).map_or(root.span, |n| n.span);
    if file.code.starts_with("SL") {
        return Err(at(
            node_span(&["code"]),
            "codes starting with SL are reserved for the built-in rules".into(),
        ));
    }
    let compile = |key: &str| -> Result<Option<Validator>, Error> {
        let Some(schema) = file.check.get(key) else { return Ok(None) };
        jsonschema::validator_for(schema).map(Some).map_err(|e| {
            at(node_span(&["check", key]), format!("`check.{key}` is not a valid JSON Schema: {e}"))
        })
    };
    let when = compile("when")?;
    let schema =
        compile("schema")?.ok_or_else(|| at(node_span(&["check"]), "`check.schema` is missing".into()))?;
    let target = Target::parse(file.check.get("target").and_then(|t| t.as_str()).unwrap_or_default());
    let examples = file.examples.unwrap_or(FileExamples { bad: String::new(), good: String::new() });
    let descriptor = Descriptor {
        code: file.code,
        name: file.name,
        severity: file.severity,
        architectures: file.architectures,
        summary: file.summary,
        rationale: file.rationale,
        fix: file.fix,
        examples: Examples {
            bad: examples.bad,
            good: examples.good,
            bad_files: Default::default(),
            good_files: Default::default(),
        },
    };
    let (code, code_span, name_span) = (descriptor.code.clone(), node_span(&["code"]), node_span(&["name"]));
    let descriptor = super::catalogue::register(descriptor).map_err(|taken| {
        let (what, span) = if taken.code == code { ("code", code_span) } else { ("name", name_span) };
        at(span, format!("the rule {what} is taken by {} `{}`", taken.code, taken.name))
    })?;
    Ok(CustomRule { descriptor, path: path.to_path_buf(), target, when, schema })
}
