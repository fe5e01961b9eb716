//! The rule registry. Each rule is one file: its logic here, its metadata (name, severity,
//! architectures, rationale, fix, examples) in `rules/<CODE>-<name>.yaml` at the repository root,
//! embedded at build time. Adding a rule touches three places: the descriptor, the rule file and
//! one line in [`ALL`].

mod catalogue;
mod hygiene;
mod load;
mod net;
mod vrrp;
mod zones;

use crate::diagnostic::Diagnostic;
use crate::loader::LoadedFile;
use crate::model::Model;
use crate::source::SourceDb;

pub use catalogue::{Descriptor, Examples, catalogue, find};

/// What a rule sees: the whole model (relational rules compare clusters) and every loaded file.
pub struct Context<'a> {
    pub model: &'a Model,
    pub files: &'a [LoadedFile],
    pub sources: &'a SourceDb,
}

pub trait Rule: Sync {
    /// The rule's code; its descriptor is looked up by it.
    fn code(&self) -> &'static str;
    /// The descriptor's YAML text.
    fn descriptor(&self) -> &'static str;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Declares a rule's unit struct, ties it to its descriptor file and to its check function:
/// `declare_rule!(ParseError, "SL001", "SL001-parse-error.yaml", check);`
macro_rules! declare_rule {
    ($name:ident, $code:literal, $file:literal, $check:ident) => {
        pub struct $name;
        impl $crate::rules::Rule for $name {
            fn code(&self) -> &'static str {
                $code
            }
            fn descriptor(&self) -> &'static str {
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $file))
            }
            fn check(&self, cx: &$crate::rules::Context<'_>, out: &mut Vec<$crate::diagnostic::Diagnostic>) {
                $check(cx, out)
            }
        }
    };
}
pub(crate) use declare_rule;

/// Every built-in rule, sorted by code.
pub static ALL: &[&dyn Rule] = &[
    &load::parse_error::ParseError,
    &load::templated_file_skipped::TemplatedFileSkipped,
    &load::duplicate_key::DuplicateKey,
];
