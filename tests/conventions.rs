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

const BROKEN: &str = "fixtures/clusters/broken-stretch";

#[test]
fn output_format_is_an_alias_of_format_on_every_command() {
    let by_alias = stretchlint(&["check", BROKEN, "--output-format", "json"]);
    let by_name = stretchlint(&["check", BROKEN, "--format", "json"]);
    assert_eq!(by_alias.status.code(), Some(1));
    assert_eq!(stdout(&by_alias), stdout(&by_name));
    // It pairs with `--output` as `--format` does.
    let dir = TempDir::new("alias");
    let sarif = dir.0.join("r.sarif");
    let paired =
        stretchlint(&["check", BROKEN, "--output-format", "sarif", "--output", sarif.to_str().unwrap()]);
    assert_eq!(paired.status.code(), Some(1), "{}", stderr(&paired));
    assert!(std::fs::read_to_string(&sarif).unwrap().contains("\"version\": \"2.1.0\""));
    for args in [
        &["rules", "--output-format", "json"][..],
        &["explain", "SL101", "--output-format", "markdown"],
        &["infer", BROKEN, "--output-format", "json"],
        &["simulate", BROKEN, "--output-format", "json"],
        &["audit", BROKEN, "--output-format", "csv"],
    ] {
        let out = stretchlint(args);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", stderr(&out));
    }
    // Every command that has `--format` takes the alias (help lists it).
    for sub in stretchlint::cli::Cli::command().get_subcommands() {
        if let Some(format) = sub.get_arguments().find(|a| a.get_id() == "format") {
            let aliases = format.get_visible_aliases().unwrap_or_default();
            assert!(aliases.contains(&"output-format"), "`{}` lacks --output-format", sub.get_name());
        }
    }
}

#[test]
fn concise_prints_one_line_per_finding_then_the_summary() {
    let out = stretchlint(&["check", BROKEN, "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(
        lines[0].starts_with(
            "fixtures/clusters/broken-stretch/install-config.yaml:25:11: SL101 [error] control plane has 3 members"
        ),
        "{text}"
    );
    assert!(lines[1].contains(":35:28: SL107 [warning] "), "{text}");
    assert_eq!(lines[6], "Found 4 errors, 2 warnings, 0 infos (1 file, 1 document, 1 cluster).");
    let clean = stretchlint(&["check", "fixtures/architectures/ipi-overlay-fip", "--format", "concise"]);
    assert_eq!(clean.status.code(), Some(0));
    assert!(stdout(&clean).starts_with("All checks passed ("), "{}", stdout(&clean));
}

#[test]
fn quiet_prints_only_the_findings_and_keeps_the_exit_code() {
    let concise = stretchlint(&["check", BROKEN, "--format", "concise", "--quiet"]);
    assert_eq!(concise.status.code(), Some(1));
    let text = stdout(&concise);
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(text.lines().all(|l| l.starts_with("fixtures/clusters/broken-stretch/install-config.yaml:")));
    let human = stretchlint(&["check", BROKEN, "-q"]);
    assert_eq!(human.status.code(), Some(1));
    let text = stdout(&human);
    assert!(text.contains("SL101 (control-plane-not-spread)"), "{text}");
    assert!(!text.contains("Found 4 errors"), "{text}");
    assert!(!text.contains("cluster broken-stretch:"), "{text}");
    let clean = stretchlint(&["check", "fixtures/architectures/ipi-overlay-fip", "--quiet"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
}

#[test]
fn statistics_count_the_findings_per_rule_most_first() {
    let out = stretchlint(&["check", "fixtures/planted", "--statistics"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "3  SL211  vrrp-blocked-by-security-group", "{text}");
    assert_eq!(lines[1], "2  SL601  inter-az-latency", "{text}");
    // Equal counts in code order.
    assert_eq!(lines[2], "1  SL205  single-gateway-stretched-l2", "{text}");
    assert!(lines.last().unwrap().starts_with("Found 10 errors, 2 warnings"), "{text}");
    assert!(!text.contains("╭"), "no finding is drawn: {text}");
    let quiet = stretchlint(&["check", "fixtures/planted", "--statistics", "-q", "--format", "concise"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(stdout(&quiet).lines().count(), lines.len() - 1);
    let json = stretchlint(&["check", BROKEN, "--statistics", "--format", "json"]);
    assert_eq!(json.status.code(), Some(2));
    assert!(stderr(&json).contains("--statistics goes with the human or concise format, not `json`"));
}

fn coloured(o: &Output) -> bool {
    o.stdout.windows(2).any(|w| w == b"\x1b[")
}

#[test]
fn colour_follows_the_environment_when_the_command_line_does_not_say() {
    let check = ["check", BROKEN];
    // Standard output is a pipe here: plain unless forced.
    assert!(!coloured(&run(&check, &[])));
    assert!(!coloured(&run(&check, &[("TERM", "xterm-256color")])));
    assert!(coloured(&run(&check, &[("FORCE_COLOR", "1")])));
    assert!(coloured(&run(&check, &[("CLICOLOR_FORCE", "1")])));
    assert!(coloured(&run(&check, &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")])), "forced means forced");
    assert!(!coloured(&run(&check, &[("FORCE_COLOR", "0")])));
    assert!(!coloured(&run(&check, &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])), "NO_COLOR beats forcing");
    assert!(!coloured(&run(&check, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])));
    // simulate's tables follow the same rules.
    assert!(coloured(&run(&["simulate", BROKEN], &[("FORCE_COLOR", "1")])));
    assert!(!coloured(&run(&["simulate", BROKEN], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])));
}

#[test]
fn the_color_flag_wins_over_the_environment() {
    let never = run(&["check", BROKEN, "--color", "never"], &[("FORCE_COLOR", "1"), ("CLICOLOR_FORCE", "1")]);
    assert_eq!(never.status.code(), Some(1));
    assert!(!coloured(&never));
    assert!(coloured(&run(&["check", BROKEN, "--color", "always"], &[("NO_COLOR", "1")])));
    assert!(!coloured(&run(&["simulate", BROKEN, "--color", "never"], &[("FORCE_COLOR", "1")])));
    // A report written to a file is not coloured by the environment's forcing.
    let dir = TempDir::new("color");
    let file = dir.0.join("report.txt");
    let out = run(
        &["check", BROKEN, "--format", "human", "--output", file.to_str().unwrap()],
        &[("FORCE_COLOR", "1")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("SL101") && !text.contains('\x1b'), "{text}");
}

/// A folder holding the broken-stretch install-config and the given configuration files.
fn cluster_with_configs(tag: &str, configs: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new(tag);
    let manifest = std::fs::read_to_string(format!("{BROKEN}/install-config.yaml")).unwrap();
    dir.write("install-config.yaml", manifest);
    for (name, text) in configs {
        dir.write(name, text);
    }
    dir
}

/// The codes a JSON run in `dir` reports, and its standard error.
fn codes_in(dir: &TempDir, args: &[&str]) -> (Vec<String>, String) {
    let out = common::stretchlint_in(&[&["check", "--format", "json"], args].concat(), &dir.0);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    let codes =
        v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect();
    (codes, stderr(&out))
}

#[test]
fn a_stretchlint_yml_is_a_configuration_file_too() {
    let dir = cluster_with_configs("yml", &[(".stretchlint.yml", "ignore: [SL101]\n")]);
    let (codes, err) = codes_in(&dir, &[]);
    assert!(!codes.contains(&"SL101".to_owned()), "{codes:?}");
    assert!(codes.contains(&"SL102".to_owned()), "{codes:?}");
    assert!(!err.contains("warning"), "{err}");
    let show = common::stretchlint_in(&["config", "--show"], &dir.0);
    assert!(stdout(&show).contains(".stretchlint.yml"), "{}", stdout(&show));
    // The walk does not read it as a manifest (a `foo.yml` beside it would be a second file).
    let out = common::stretchlint_in(&["check", "--format", "json"], &dir.0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1, "{v}");
}

#[test]
fn with_both_names_in_one_folder_the_yaml_wins_with_a_warning() {
    let dir = cluster_with_configs(
        "both",
        &[(".stretchlint.yaml", "ignore: [SL101]\n"), (".stretchlint.yml", "ignore: [SL102]\n")],
    );
    let (codes, err) = codes_in(&dir, &[]);
    assert!(!codes.contains(&"SL101".to_owned()), "{codes:?}");
    assert!(codes.contains(&"SL102".to_owned()), "the .yml is not read: {codes:?}");
    assert!(
        err.contains(
            "warning: .stretchlint.yml is not read: .stretchlint.yaml beside it is the configuration"
        ),
        "{err}"
    );
    let (_, err) = codes_in(&dir, &["--config", ".stretchlint.yml"]);
    assert!(!err.contains("warning"), "a file named with --config is no guess: {err}");
}

#[test]
fn a_mistyped_rule_gets_a_suggestion() {
    let out = stretchlint(&["check", BROKEN, "--select", "SL1O1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule `SL1O1`: did you mean `SL101`?"), "{}", stderr(&out));
    let out = stretchlint(&["check", BROKEN, "--ignore", "contol-plane-not-spread"]);
    assert!(stderr(&out).contains("did you mean `control-plane-not-spread`?"), "{}", stderr(&out));
    let out = stretchlint(&["explain", "SL1O1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `SL101`?"), "{}", stderr(&out));
    let dir = cluster_with_configs("typo", &[(".stretchlint.yaml", "select:\n  - SL1O1\n")]);
    let out = common::stretchlint_in(&["check"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(".stretchlint.yaml:2:5: unknown rule `SL1O1`: did you mean `SL101`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_stretchlint_yml_marks_the_context_root_of_a_named_file() {
    let dir = TempDir::new("yml-root");
    dir.write(".stretchlint.yml", "fail-on: error\n");
    let file = dir.write("clusters/a/machineset.yaml", "kind: MachineSet\n");
    let root = stretchlint::discover::cluster_root(&file).unwrap();
    assert_eq!(root, dir.0.canonicalize().unwrap());
}

#[test]
fn quiet_still_names_the_inputs_not_read() {
    // Without these notes a quiet run would read as covering files it skipped.
    for format in ["human", "concise"] {
        let out =
            stretchlint(&["check", "fixtures/planted", "--max-file-size", "2KiB", "-q", "--format", format]);
        let text = stdout(&out);
        assert!(
            text.contains(
                "note: fixtures/planted/ipi-overlay-fip/install-config.yaml: 2.3 KiB is over the 2 KiB limit"
            ),
            "{format}: {text}"
        );
        assert!(!text.contains("not read, see the note"), "{format}: no summary line: {text}");
    }
}
