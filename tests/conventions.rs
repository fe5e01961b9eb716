//! The command-line conventions shared with ruff, clippy and typos: shell completions, man pages,
//! `--output-format`, the concise format, `--quiet`, `--statistics`, the colour environment
//! variables, `.stretchlint.yml`, and "did you mean" for rule codes.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::process::{Command, Output};

use clap::CommandFactory;
use common::TempDir;

/// The colour variables a developer's or CI's environment may hold, cleared so that each test
/// sets only its own.
const COLOR_VARS: [&str; 6] = ["NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "CI"];

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stretchlint"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in COLOR_VARS {
        command.env_remove(var);
    }
    command.envs(env.iter().copied()).output().expect("run stretchlint")
}

fn stretchlint(args: &[&str]) -> Output {
    run(args, &[("NO_COLOR", "1")])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every subcommand the command line defines, help aside.
fn subcommands() -> Vec<String> {
    stretchlint::cli::Cli::command().get_subcommands().map(|c| c.get_name().to_owned()).collect()
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = stretchlint(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for sub in subcommands() {
            assert!(script.contains(&sub), "{shell} completion lacks `{sub}`");
        }
        assert!(script.contains("select"), "{shell} completion lacks check's options");
    }
    let out = stretchlint(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
}

#[test]
fn man_prints_a_roff_page_naming_every_subcommand() {
    let out = stretchlint(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH stretchlint 1"), "not a roff man page:\n{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for sub in subcommands() {
        assert!(page.contains(&format!("stretchlint\\-{sub}(1)")), "the page does not name `{sub}`");
    }
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let dir = TempDir::new("man");
    let out = stretchlint(&["man", "--dir", dir.0.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let top = std::fs::read_to_string(dir.0.join("stretchlint.1")).unwrap();
    assert!(top.starts_with(".ie"), "{top}");
    for sub in subcommands() {
        let page = std::fs::read_to_string(dir.0.join(format!("stretchlint-{sub}.1")))
            .unwrap_or_else(|e| panic!("no page for `{sub}`: {e}"));
        assert!(page.contains(".SH SYNOPSIS"), "{sub}: {page}");
    }
    let check = std::fs::read_to_string(dir.0.join("stretchlint-check.1")).unwrap();
    assert!(check.contains("\\-\\-select"), "check's page lists its options");
}
