//! Conditions under which the tool cannot do its job (exit code 2). Problems in the inputs are
//! findings, not errors.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("path `{}` does not exist", .0.display())]
    PathNotFound(PathBuf),
    #[error("cannot read `{}`: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}", crate::rules::unknown_rule(.0))]
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
    /// A run over folders that read no input: nothing was checked, so it must not pass as clean.
    #[error("{}", no_inputs(paths, *files, not_read))]
    NoInputs {
        paths: Vec<PathBuf>,
        /// Files the walk handed to the loader.
        files: usize,
        /// Inputs passed over, with why (`path: reason`).
        not_read: Vec<String>,
    },
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}

fn no_inputs(paths: &[PathBuf], files: usize, not_read: &[String]) -> String {
    let under: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    let kinds = "install-config, Machine API object, operator config, network template or load balancer configuration";
    let looked = match (files, not_read.is_empty()) {
        (0, true) => "no YAML, Terraform, .cfg or .conf file there".to_owned(),
        (0, false) => "no file read".to_owned(),
        (1, _) => format!("1 file read: it holds no {kinds}"),
        (n, _) => format!("{n} files read: none holds an {kinds}"),
    };
    let mut text = format!("No inputs found under {} ({looked}); nothing was checked", under.join(", "));
    for line in not_read {
        text.push_str(&format!("\n  not read: {line}"));
    }
    text
}
