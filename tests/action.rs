//! The GitHub Action (action.yml, action/run.sh) run locally with fake runner files, and the
//! pre-commit manifest checked for the fields pre-commit relies on. The pre-commit hook itself is
//! exercised by scripts/pre-commit-try-repo.sh (slow, needs PyPI), not here.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // fail loudly; say why a test skips

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::TempDir;
use serde_json::Value;

const BROKEN: &str = "fixtures/clusters/broken-stretch";
const BROKEN_CONFIG: &str = "fixtures/clusters/broken-stretch/install-config.yaml";
const CLEAN: &str = "fixtures/architectures/ipi-overlay-fip";
/// A tree whose only findings are warnings.
const WARNINGS_ONLY: &str = "fixtures/rules/SL208/bad";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bash_available() -> bool {
    let ok = Command::new("bash").arg("-c").arg("exit 0").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: bash not found, and action/run.sh is a bash script");
    }
    ok
}

/// One run of action/run.sh as the composite action makes it, with `$GITHUB_OUTPUT` and
/// `$GITHUB_STEP_SUMMARY` as files in a temp dir.
struct Run {
    out: Output,
    github_output: String,
    summary: String,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    fn context(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}--- GITHUB_OUTPUT\n{}",
            self.code(),
            self.stdout(),
            self.stderr(),
            self.github_output
        )
    }
    fn lines_starting(&self, prefix: &str) -> Vec<String> {
        self.stdout().lines().filter(|l| l.starts_with(prefix)).map(str::to_owned).collect()
    }
}

/// Runs action/run.sh in `cwd` with `inputs` (environment variables), using the binary under
/// test unless `with_binary` is false (then the script installs one). Whatever the test process
/// inherited from a real runner (`GITHUB_*`, `INPUT_*`, `RUNNER_*`) or a git hook (`GIT_DIR`...)
/// is removed first: run inside GitHub Actions, these tests must not write to that job's summary
/// or outputs.
fn run_script(cwd: &Path, inputs: &[(&str, &str)], with_binary: bool) -> Run {
    let tmp = TempDir::new("action-run");
    let github_output = tmp.write("github_output", "");
    let summary = tmp.write("step_summary", "");
    let root = repo_root();
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("action/run.sh")).current_dir(cwd);
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        let inherited = ["GITHUB_", "INPUT_", "RUNNER_", "GIT_"].iter().any(|p| k.starts_with(p));
        if inherited || k == "STRETCHLINT_BIN" {
            cmd.env_remove(&key);
        }
    }
    if with_binary {
        cmd.env("STRETCHLINT_BIN", env!("CARGO_BIN_EXE_stretchlint"));
    }
    cmd.env("GITHUB_ACTION_PATH", &root)
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NO_COLOR", "1");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run bash action/run.sh");
    Run {
        out,
        github_output: std::fs::read_to_string(&github_output).unwrap(),
        summary: std::fs::read_to_string(&summary).unwrap(),
    }
}

fn run_action_in(cwd: &Path, inputs: &[(&str, &str)]) -> Run {
    run_script(cwd, inputs, true)
}

fn run_action(inputs: &[(&str, &str)]) -> Run {
    run_script(&repo_root(), inputs, true)
}

/// The value of `key=` in a `$GITHUB_OUTPUT` file (the last one written wins, as on GitHub).
fn output_value<'a>(github_output: &'a str, key: &str) -> Option<&'a str> {
    github_output.lines().filter_map(|l| l.strip_prefix(key)?.strip_prefix('=')).next_back()
}

/// Error findings of `paths` (run in `cwd`), counted from the JSON report.
fn error_count(cwd: &Path, paths: &[&str]) -> usize {
    let out = Command::new(env!("CARGO_BIN_EXE_stretchlint"))
        .arg("check")
        .args(paths)
        .args(["--format", "json"])
        .current_dir(cwd)
        .output()
        .expect("run stretchlint");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    report["findings"].as_array().expect("findings").iter().filter(|f| f["severity"] == "error").count()
}

/// A temp folder holding three copies of broken-stretch's install-config (a/, b/, c/): three
/// clusters with 4 errors each, more than the 10 error annotations GitHub shows per step.
fn three_broken_clusters() -> TempDir {
    let tmp = TempDir::new("action-cap");
    let config = std::fs::read(repo_root().join(BROKEN_CONFIG)).unwrap();
    for dir in ["a", "b", "c"] {
        tmp.write(&format!("{dir}/install-config.yaml"), &config);
    }
    tmp
}

#[test]
fn findings_annotate_summarise_and_fail() {
    if !bash_available() {
        return;
    }
    let run = run_action(&[("INPUT_PATHS", BROKEN)]);
    assert_eq!(run.code(), Some(1), "{}", run.context());
    let prefix = format!("::error file={BROKEN_CONFIG},line=");
    assert!(run.stdout().lines().any(|l| l.starts_with(&prefix)), "no `{prefix}` line\n{}", run.context());
    assert!(run.summary.contains("SL101"), "summary does not mention SL101:\n{}", run.summary);
    assert!(
        run.summary.lines().any(|l| l.starts_with('#') || l.starts_with('|')),
        "summary has no Markdown heading or table:\n{}",
        run.summary
    );
    assert_eq!(output_value(&run.github_output, "exit-code"), Some("1"), "{}", run.context());
    assert_eq!(output_value(&run.github_output, "sarif-file"), Some(""), "{}", run.context());
}

#[test]
fn sarif_file_is_written_and_reported() {
    if !bash_available() {
        return;
    }
    let tmp = TempDir::new("action-sarif");
    // A folder that does not exist yet: the action creates it.
    let sarif = tmp.0.join("reports/stretchlint.sarif");
    let sarif_s = sarif.to_str().unwrap();
    let run = run_action(&[("INPUT_PATHS", BROKEN), ("INPUT_SARIF_FILE", sarif_s)]);
    assert_eq!(run.code(), Some(1), "{}", run.context());
    let text = std::fs::read_to_string(&sarif).unwrap_or_else(|e| panic!("{e}: {}", run.context()));
    let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(output_value(&run.github_output, "sarif-file"), Some(sarif_s), "{}", run.context());
    // The other outputs are still written.
    assert!(run.summary.contains("SL101"));
    assert!(!run.lines_starting("::error file=").is_empty(), "{}", run.context());
}

#[test]
fn clean_tree_passes() {
    if !bash_available() {
        return;
    }
    let run = run_action(&[("INPUT_PATHS", CLEAN)]);
    assert_eq!(run.code(), Some(0), "{}", run.context());
    assert_eq!(output_value(&run.github_output, "exit-code"), Some("0"), "{}", run.context());
    assert!(run.lines_starting("::error").is_empty(), "{}", run.context());
    assert!(run.lines_starting("::warning").is_empty(), "{}", run.context());
}

#[test]
fn invalid_inputs_exit_two() {
    if !bash_available() {
        return;
    }
    for inputs in [
        [("INPUT_FAIL_ON", "bogus"), ("INPUT_PATHS", BROKEN)],
        [("INPUT_ANNOTATE", "yes"), ("INPUT_PATHS", BROKEN)],
        // Becomes part of a URL and a file name.
        [("INPUT_VERSION", "../../v1"), ("INPUT_PATHS", BROKEN)],
        [("STRETCHLINT_BIN", "/nonexistent/stretchlint"), ("INPUT_PATHS", BROKEN)],
    ] {
        let run = run_action(&inputs);
        assert_eq!(run.code(), Some(2), "{inputs:?}\n{}", run.context());
        assert!(run.stdout().starts_with("::error "), "{inputs:?}\n{}", run.context());
        assert_eq!(output_value(&run.github_output, "exit-code"), Some("2"), "{inputs:?}\n{}", run.context());
    }
}

#[test]
fn missing_path_exits_two() {
    if !bash_available() {
        return;
    }
    let run = run_action(&[("INPUT_PATHS", "fixtures/no-such-folder")]);
    assert_eq!(run.code(), Some(2), "{}", run.context());
    assert_eq!(output_value(&run.github_output, "exit-code"), Some("2"), "{}", run.context());
}

#[test]
fn a_folder_without_inputs_fails_the_step_and_says_why() {
    if !bash_available() {
        return;
    }
    // The wrong folder: YAML, but no manifest. Without the check this was "All checks passed".
    let tmp = TempDir::new("action-no-inputs");
    tmp.write("docs/workflow.yaml", "on: push\njobs: {}\n");
    let run = run_action_in(&tmp.0, &[("INPUT_PATHS", "docs")]);
    assert_eq!(run.code(), Some(2), "{}", run.context());
    assert_eq!(output_value(&run.github_output, "exit-code"), Some("2"), "{}", run.context());
    assert!(run.stderr().contains("No inputs found under `docs`"), "{}", run.context());
    // On the run page too, not only in the log.
    let annotation = run.lines_starting("::error title=stretchlint::");
    assert!(
        annotation.len() == 1 && annotation[0].contains("No inputs found under `docs` (1 file read"),
        "{}",
        run.context()
    );
}

#[test]
fn release_without_a_checksum_is_refused() {
    if !bash_available() {
        return;
    }
    // action/checksums.txt has no entries until a release fills it: nothing is downloaded.
    let inputs = [
        ("INPUT_PATHS", BROKEN),
        ("INPUT_VERSION", "v0.0.0"),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
    ];
    let run = run_script(&repo_root(), &inputs, false);
    assert_eq!(run.code(), Some(2), "{}", run.context());
    assert!(
        run.stdout().contains("no checksum for stretchlint-v0.0.0-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        run.context()
    );
    assert_eq!(output_value(&run.github_output, "exit-code"), Some("2"), "{}", run.context());
}

#[test]
fn fail_on_warning() {
    if !bash_available() {
        return;
    }
    let run = run_action(&[("INPUT_PATHS", BROKEN), ("INPUT_FAIL_ON", "warning")]);
    assert_eq!(run.code(), Some(1), "{}", run.context());

    if !repo_root().join(WARNINGS_ONLY).is_dir() {
        eprintln!("skipped the warnings-only half: {WARNINGS_ONLY} is gone");
        return;
    }
    assert_eq!(error_count(&repo_root(), &[WARNINGS_ONLY]), 0, "{WARNINGS_ONLY} now has errors");
    let run = run_action(&[("INPUT_PATHS", WARNINGS_ONLY)]);
    assert_eq!(run.code(), Some(0), "fail-on error, warnings only\n{}", run.context());
    assert!(!run.lines_starting("::warning file=").is_empty(), "{}", run.context());
    let run = run_action(&[("INPUT_PATHS", WARNINGS_ONLY), ("INPUT_FAIL_ON", "warning")]);
    assert_eq!(run.code(), Some(1), "fail-on warning, warnings only\n{}", run.context());
    assert_eq!(output_value(&run.github_output, "exit-code"), Some("1"));
}

#[test]
fn annotate_false_prints_the_human_report() {
    if !bash_available() {
        return;
    }
    let run = run_action(&[("INPUT_PATHS", BROKEN), ("INPUT_ANNOTATE", "false")]);
    assert_eq!(run.code(), Some(1), "{}", run.context());
    assert!(run.lines_starting("::").is_empty(), "workflow commands with annotate: false\n{}", run.context());
    assert!(run.stdout().contains("SL101"), "{}", run.context());
    // The job summary does not depend on annotations.
    assert!(run.summary.contains("SL101"));
}

#[test]
fn args_are_split_on_whitespace_and_newlines() {
    if !bash_available() {
        return;
    }
    let run =
        run_action(&[("INPUT_PATHS", &format!("\n  {BROKEN}\n")), ("INPUT_ARGS", "--select\n  SL101 ")]);
    assert_eq!(run.code(), Some(1), "{}", run.context());
    let errors = run.lines_starting("::error");
    assert!(!errors.is_empty(), "{}", run.context());
    assert!(errors.iter().all(|l| l.contains("SL101")), "--select SL101 not applied\n{}", run.context());
}

#[test]
fn annotations_are_capped_with_a_notice() {
    if !bash_available() {
        return;
    }
    let tmp = three_broken_clusters();
    let errors = error_count(&tmp.0, &["."]);
    assert!(errors > 10, "the tree should have more than 10 errors, has {errors}");
    let left_out = errors - 10;

    let run = run_action_in(&tmp.0, &[("INPUT_PATHS", ".")]);
    assert_eq!(run.code(), Some(1), "{}", run.context());
    let error_lines = run.lines_starting("::error");
    assert_eq!(error_lines.len(), 10, "{}", run.context());
    let notices = run.lines_starting("::notice");
    assert_eq!(notices.len(), 1, "expected one ::notice about the findings left out\n{}", run.context());
    let numbers: Vec<&str> =
        notices[0].split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).collect();
    assert!(
        numbers.contains(&left_out.to_string().as_str()),
        "the notice does not say {left_out} findings were left out: {}",
        notices[0]
    );
    // Every finding is still in the job summary's count.
    assert!(run.summary.contains("SL101"));
}

/// On a pull request, the files it changed are annotated first; and when the base cannot be
/// diffed (a shallow clone), the run still goes on.
#[test]
fn pull_request_changed_files_come_first() {
    if !bash_available() {
        return;
    }
    let git_ok = Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success());
    if !git_ok {
        eprintln!("skipped: git not found");
        return;
    }
    let tmp = three_broken_clusters();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@invalid", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(&tmp.0)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    // What actions/checkout leaves for a pull request: the base branch as a remote-tracking ref.
    git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    // c/ sorts last, so coming first can only be the changed-files ordering.
    let mut config = std::fs::read_to_string(tmp.0.join("c/install-config.yaml")).unwrap();
    config.push_str("# changed in the pull request\n");
    tmp.write("c/install-config.yaml", config);
    git(&["commit", "-q", "-am", "change c"]);

    let pr = [("INPUT_PATHS", "."), ("GITHUB_EVENT_NAME", "pull_request"), ("GITHUB_BASE_REF", "main")];
    let run = run_action_in(&tmp.0, &pr);
    assert_eq!(run.code(), Some(1), "{}", run.context());
    let in_c: Vec<bool> = run
        .lines_starting("::error")
        .iter()
        .map(|l| l.starts_with("::error file=c/install-config.yaml,"))
        .collect();
    let first_other = in_c.iter().position(|c| !c).unwrap_or(in_c.len());
    assert!(
        first_other > 0 && in_c[first_other..].iter().all(|c| !c),
        "the changed file's errors (c/) should be annotated first\n{}",
        run.context()
    );

    let gone = [("INPUT_PATHS", "."), ("GITHUB_EVENT_NAME", "pull_request"), ("GITHUB_BASE_REF", "gone")];
    let run = run_action_in(&tmp.0, &gone);
    assert_eq!(run.code(), Some(1), "{}", run.context());
    assert!(run.stderr().contains("could not list the files"), "{}", run.context());
    assert_eq!(run.lines_starting("::error").len(), 10, "{}", run.context());
}

// ---- action.yml

fn parse_yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(rel)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `inputs.NAME` referenced inside `${{ }}` expressions of `text`.
fn referenced_inputs(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let Some(len) = rest[start..].find("}}") else { break };
        let expr = &rest[start + 3..start + len];
        let mut e = expr;
        while let Some(i) = e.find("inputs.") {
            let name: String = e[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            found.insert(name);
            e = &e[i + 7..];
        }
        rest = &rest[start + len + 2..];
    }
    found
}

fn for_each_string(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|i| for_each_string(i, f)),
        Value::Object(map) => map.iter().for_each(|(k, i)| {
            f(k);
            for_each_string(i, f);
        }),
        _ => {}
    }
}

/// The `INPUT_*` variables action/run.sh reads: expanded as `$INPUT_X` or `${INPUT_X...}`
/// (so that comments naming them do not count).
fn script_inputs(script: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in script.match_indices("INPUT_") {
        let before = &script[..i];
        if !(before.ends_with('$') || before.ends_with("${")) {
            continue;
        }
        let name: String = script[i..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        found.insert(name);
    }
    found
}

#[test]
fn action_yml_wires_every_input() {
    let action = parse_yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    assert!(action["name"].is_string() && action["description"].is_string());
    assert!(action["branding"]["icon"].is_string() && action["branding"]["color"].is_string());

    let declared: BTreeSet<String> = action["inputs"].as_object().expect("inputs").keys().cloned().collect();
    let expected: BTreeSet<String> =
        ["paths", "version", "args", "fail-on", "sarif-file", "annotate"].map(String::from).into();
    assert_eq!(declared, expected);
    for name in ["exit-code", "sarif-file"] {
        assert!(action["outputs"][name]["value"].is_string(), "output {name}");
    }

    // From the parsed document, so that comments (which may quote `${{ inputs.* }}`) do not count.
    let mut referenced = BTreeSet::new();
    for_each_string(&action, &mut |s| referenced.extend(referenced_inputs(s)));
    let undeclared: Vec<_> = referenced.difference(&declared).collect();
    assert!(undeclared.is_empty(), "action.yml uses undeclared inputs {undeclared:?}");

    let steps = action["runs"]["steps"].as_array().expect("steps");
    let mut env_inputs = BTreeSet::new();
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            // Interpolated into the script text, an input value would be parsed as shell code.
            assert!(!run.contains("${{"), "a `run:` script interpolates an expression: {run}");
            assert_eq!(step["shell"], "bash");
        }
        if let Some(env) = step["env"].as_object() {
            for (var, value) in env {
                let value = value.as_str().unwrap_or_default();
                for input in referenced_inputs(value) {
                    let want = format!("INPUT_{}", input.to_ascii_uppercase().replace('-', "_"));
                    assert_eq!(var, &want, "input {input} is passed as {var}");
                    env_inputs.insert(input);
                }
            }
        }
    }
    let unused: Vec<_> = declared.difference(&env_inputs).collect();
    assert!(unused.is_empty(), "inputs not passed to action/run.sh: {unused:?}");

    let script = std::fs::read_to_string(repo_root().join("action/run.sh")).unwrap();
    let read = script_inputs(&script);
    let set: BTreeSet<String> =
        steps.iter().filter_map(|s| s["env"].as_object()).flat_map(|env| env.keys().cloned()).collect();
    let unset: Vec<_> = read.difference(&set).collect();
    assert!(unset.is_empty(), "action/run.sh reads {unset:?}, which action.yml does not set");
    assert!(!read.is_empty());
}

#[test]
fn checksum_manifest_has_only_comments_or_sha256_lines() {
    let text = std::fs::read_to_string(repo_root().join("action/checksums.txt")).unwrap();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
        let (hash, file) = line.split_once("  ").unwrap_or_else(|| panic!("not `<sha256>  <file>`: {line}"));
        assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        assert!(file.starts_with("stretchlint-") && file.ends_with(".tar.gz"), "{line}");
    }
}

#[test]
fn action_scripts_are_executable() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for rel in ["action/run.sh", "scripts/pre-commit-try-repo.sh"] {
            let mode = std::fs::metadata(repo_root().join(rel)).unwrap().permissions().mode();
            assert!(mode & 0o111 != 0, "{rel} is not executable");
        }
    }
}

// ---- .pre-commit-hooks.yaml

#[test]
fn pre_commit_hooks_manifest() {
    let hooks = parse_yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["stretchlint", "stretchlint-system"]);
    for (hook, language) in hooks.iter().zip(["rust", "system"]) {
        let id = hook["id"].as_str().unwrap();
        assert_eq!(hook["language"], language, "{id}");
        assert_eq!(hook["require_serial"], true, "{id}");
        assert_eq!(hook["pass_filenames"], true, "{id}");
        assert!(hook["name"].is_string() && hook["description"].is_string(), "{id}");
        let entry = hook["entry"].as_str().expect("entry");
        assert!(entry.starts_with("stretchlint check"), "{id}: {entry}");
        assert!(entry.contains("--force-exclude"), "{id}: {entry}");
    }
}

/// The hook's `files` pattern takes the files the tool reads when it walks a folder, including the
/// load-balancer configs that identify only tags `text`; no more kinds, and none left out.
#[test]
fn pre_commit_hooks_select_every_input_kind() {
    // The extensions the pattern below matches (case-insensitively).
    const HOOK_EXTENSIONS: [&str; 6] = ["yaml", "yml", "tf", "tfvars", "cfg", "conf"];
    let hooks = parse_yaml(".pre-commit-hooks.yaml");
    for hook in hooks.as_array().unwrap() {
        // No regex crate here: the pattern is pinned, and HOOK_EXTENSIONS says what it matches.
        assert_eq!(hook["files"], r"(?i)(\.(ya?ml|tf|tfvars|cfg|conf)|\.tfvars\.json)$");
        assert_eq!(hook["types"], serde_json::json!(["text"]));
    }
    let candidates =
        ["yaml", "yml", "YAML", "tf", "tfvars", "hcl", "cfg", "conf", "json", "j2", "toml", "ini", "md"];
    for ext in candidates {
        let read_by_tool = stretchlint::discover::kind(Path::new(&format!("x.{ext}"))).is_some();
        let passed_by_hook = HOOK_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str());
        assert_eq!(
            read_by_tool, passed_by_hook,
            ".{ext}: tool reads it: {read_by_tool}, hook passes it: {passed_by_hook}"
        );
    }
    // The one name matched beyond its extension: Terraform variables in JSON.
    for (name, read) in
        [("terraform.tfvars.json", true), ("prod.auto.tfvars.json", true), ("vars.json", false)]
    {
        assert_eq!(stretchlint::discover::kind(Path::new(name)).is_some(), read, "{name}");
    }
}
