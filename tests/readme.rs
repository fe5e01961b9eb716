//! The README's examples run as written: every `stretchlint …` line of its `sh` code blocks (and
//! every `$ stretchlint …` line of any block) is run with bash, in order, against the built
//! binary, from the root of a copy of the repository (so that `--output`, `--write-baseline` and
//! `--fix` write into the copy), and must exit 0 (clean) or 1 (findings), never 2 (could not run:
//! a folder that does not exist, a bad flag). A block whose info string has `no-test`
//! (```` ```sh no-test ````) names what a clone does not hold (an estate of git repositories) and is
//! left out. The README's first block runs the main job with `cargo run --release -- …`: that is
//! run as the same `stretchlint …` command (its `cargo test` line is this suite).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // fail loudly; say why a test skips

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TempDir;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The command lines to run, each with its README line number.
fn examples(readme: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for (i, line) in readme.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            block = match block {
                None => Some(info.trim().to_owned()),
                Some(_) => None,
            };
            continue;
        }
        let Some(info) = &block else { continue };
        let shell =
            info.split_whitespace().next().is_some_and(|lang| ["sh", "bash", "shell"].contains(&lang));
        let tested = !info.split_whitespace().any(|w| w == "no-test");
        let command = if let Some(rest) = trimmed.strip_prefix("$ stretchlint ") {
            Some(format!("stretchlint {rest}"))
        } else if !shell || !tested {
            None
        } else if let Some(rest) = trimmed.strip_prefix("cargo run --release -- ") {
            Some(format!("stretchlint {rest}"))
        } else if trimmed.starts_with("stretchlint ") || trimmed == "stretchlint" {
            Some(trimmed.to_owned())
        } else {
            None
        };
        if let Some(command) = command.filter(|_| tested) {
            out.push((i + 1, command));
        }
    }
    out
}

/// The repository as a clone has it: everything but build output and git's store.
fn copy_of_the_repository(to: &Path) {
    for entry in std::fs::read_dir(repo_root()).unwrap().flatten() {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            common::copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_readme_examples_parse_into_commands() {
    let sample = "```sh\ncargo run --release -- check a   # main job\ncargo test\n```\n\
                  ```sh no-test\nstretchlint audit --repos-under /estate\n```\n\
                  ```yaml\nstretchlint: not a command\n```\n\
                  ```text\n$ stretchlint simulate b\noutput\n```\n\
                  ```sh\nstretchlint rules   # the catalogue\n```\n";
    let commands: Vec<String> = examples(sample).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        commands,
        ["stretchlint check a   # main job", "stretchlint simulate b", "stretchlint rules   # the catalogue"]
    );
}

#[test]
fn every_readme_example_runs_and_exits_zero_or_one() {
    if !Command::new("bash").arg("-c").arg("exit 0").output().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: bash not found, and the README's examples are shell lines");
        return;
    }
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let commands = examples(&readme);
    // The README's Usage, baseline, simulation and audit blocks: a parser that found none would
    // pass having run nothing.
    assert!(commands.len() >= 25, "only {} README commands found: {commands:?}", commands.len());
    let first = commands.first().map(|(_, c)| c.as_str());
    assert_eq!(
        first,
        Some(
            "stretchlint check fixtures/architectures/ipi-rpn-stretched-l2   # lint a bundled example cluster"
        ),
        "the README's first line runs the main job on a bundled example"
    );

    let copy = TempDir::new("readme");
    copy_of_the_repository(&copy.0);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_stretchlint")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut failed = Vec::new();
    for (line, command) in &commands {
        let out = Command::new("bash")
            .arg("-c")
            .arg(command)
            .current_dir(&copy.0)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let code = out.status.code();
        if !matches!(code, Some(0 | 1)) {
            failed.push(format!(
                "README.md:{line}: `{command}` exited {code:?}\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
