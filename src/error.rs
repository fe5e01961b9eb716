//! Conditions under which the tool cannot do its job (exit code 2). Problems in the inputs are
//! findings, not errors.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("path `{}` does not exist", .0.display())]
    PathNotFound(PathBuf),
    #[error("cannot read `{}`: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("unknown rule `{0}` (see `stretchlint rules`)")]
    UnknownRule(String),
    /// A configuration, baseline or rule file that does not parse or validate, at the position of the problem.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid { path: PathBuf, line: usize, column: usize, message: String },
    #[error("bad glob `{glob}`: {message}")]
    BadGlob { glob: String, message: String },
    #[error("cannot write `{}`: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    /// A command line that cannot be run as given.
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}
