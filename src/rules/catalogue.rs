//! Rule descriptors (`rules/<CODE>-<name>.yaml`): the single source for `rules`, `explain`, the
//! JSON output and the meta-tests.

use std::sync::{LazyLock, PoisonError, RwLock};

use serde::Deserialize;

use super::ALL;
use crate::diagnostic::Severity;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Descriptor {
    pub code: String,
    pub name: String,
    pub severity: SeverityName,
    /// Architecture ids the rule applies to, or `all`.
    pub architectures: Vec<String>,
    pub summary: String,
    pub rationale: String,
    pub fix: String,
    pub examples: Examples,
}

/// A bad example (must fire) and a good one (must not); each is a YAML stream linted as one file,
/// with, for rules that read other inputs (a `haproxy.cfg`, a `.tf` module), those files beside it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub bad: String,
    pub good: String,
    /// File name → content, written beside the bad example.
    #[serde(default, rename = "bad-files")]
    pub bad_files: std::collections::BTreeMap<String, String>,
    #[serde(default, rename = "good-files")]
    pub good_files: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Info,
}

impl From<SeverityName> for Severity {
    fn from(s: SeverityName) -> Self {
        match s {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Info => Severity::Info,
        }
    }
}

impl Descriptor {
    pub fn severity(&self) -> Severity {
        self.severity.into()
    }

    /// Whether `key` names this rule by code or by name (case-insensitive).
    pub fn is_named(&self, key: &str) -> bool {
        self.code.eq_ignore_ascii_case(key) || self.name.eq_ignore_ascii_case(key)
    }
}

/// Parses one descriptor; the error names what is wrong.
pub fn parse(text: &str) -> Result<Descriptor, String> {
    serde_saphyr::from_str(text).map_err(|e| e.without_snippet().to_string())
}

static CATALOGUE: LazyLock<Vec<Descriptor>> = LazyLock::new(|| {
    ALL.iter()
        .map(|rule| {
            parse(rule.descriptor()).unwrap_or_else(|err| Descriptor {
                // Unreachable for shipped rules (tests/meta.rs parses every descriptor); kept total
                // so that a broken descriptor degrades to a plain entry instead of a panic.
                code: rule.code().to_owned(),
                name: rule.code().to_owned(),
                severity: SeverityName::Error,
                architectures: vec!["all".to_owned()],
                summary: format!("invalid descriptor: {err}"),
                rationale: String::new(),
                fix: String::new(),
                examples: Examples {
                    bad: String::new(),
                    good: String::new(),
                    bad_files: Default::default(),
                    good_files: Default::default(),
                },
            })
        })
        .collect()
});

/// Every descriptor, in code order.
pub fn catalogue() -> &'static [Descriptor] {
    &CATALOGUE
}

/// The descriptor named by code or name: a built-in rule, else a custom rule loaded in this process.
pub fn find(key: &str) -> Option<&'static Descriptor> {
    catalogue().iter().find(|d| d.is_named(key)).or_else(|| {
        CUSTOM.read().unwrap_or_else(PoisonError::into_inner).iter().copied().find(|d| d.is_named(key))
    })
}

/// Custom rules' descriptors, registered as packs are loaded. Findings and the output formats
/// name rules by `&'static str` codes and look their descriptors up by code, so a custom
/// descriptor lives as long as the process: one allocation per distinct rule, however often
/// its pack is loaded.
static CUSTOM: RwLock<Vec<&'static Descriptor>> = RwLock::new(Vec::new());

/// Every custom descriptor registered so far, in code order.
pub fn custom() -> Vec<&'static Descriptor> {
    let mut all = CUSTOM.read().unwrap_or_else(PoisonError::into_inner).clone();
    all.sort_by(|a, b| a.code.cmp(&b.code));
    all
}

/// Registers a custom rule's descriptor. A code or name is one rule for the whole process: the
/// same descriptor again is the one registered before; a different one with a taken code or
/// name is refused, with the descriptor that holds it.
pub fn register(descriptor: Descriptor) -> Result<&'static Descriptor, &'static Descriptor> {
    if let Some(builtin) =
        catalogue().iter().find(|d| d.is_named(&descriptor.code) || d.is_named(&descriptor.name))
    {
        return Err(builtin);
    }
    let mut custom = CUSTOM.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(taken) =
        custom.iter().copied().find(|d| d.is_named(&descriptor.code) || d.is_named(&descriptor.name))
    {
        return if *taken == descriptor { Ok(taken) } else { Err(taken) };
    }
    let leaked: &'static Descriptor = Box::leak(Box::new(descriptor));
    custom.push(leaked);
    Ok(leaked)
}
