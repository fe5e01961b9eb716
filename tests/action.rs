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
    run_action_at(&repo_root(), cwd, inputs, with_binary, &[])
}

/// [`run_script`] with the action checked out at `action` (a folder holding action/run.sh and
/// action/checksums.txt, as `$GITHUB_ACTION_PATH` does on a runner) and `args` after the script.
fn run_action_at(
    action: &Path,
    cwd: &Path,
    inputs: &[(&str, &str)],
    with_binary: bool,
    args: &[&str],
) -> Run {
    let tmp = TempDir::new("action-run");
    let github_output = tmp.write("github_output", "");
    let summary = tmp.write("step_summary", "");
    let mut cmd = Command::new("bash");
    cmd.arg(action.join("action/run.sh")).args(args).current_dir(cwd);
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        let inherited =
            ["GITHUB_", "INPUT_", "RUNNER_", "GIT_", "STRETCHLINT_ACTION_"].iter().any(|p| k.starts_with(p));
        if inherited || k == "STRETCHLINT_BIN" {
            cmd.env_remove(&key);
        }
    }
    if with_binary {
        cmd.env("STRETCHLINT_BIN", env!("CARGO_BIN_EXE_stretchlint"));
    }
    cmd.env("GITHUB_ACTION_PATH", action)
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

// ---- release downloads (input `version`, the action's own tag) and the source fallback

/// The tag of the fake releases below.
const TAG: &str = "v9.9.9";

/// The runners a release is built for, with the asset each downloads.
const RUNNERS: [(&str, &str, &str); 5] = [
    ("Linux", "X64", "stretchlint-v9.9.9-x86_64-unknown-linux-musl.tar.gz"),
    ("Linux", "ARM64", "stretchlint-v9.9.9-aarch64-unknown-linux-musl.tar.gz"),
    ("macOS", "X64", "stretchlint-v9.9.9-x86_64-apple-darwin.tar.gz"),
    ("macOS", "ARM64", "stretchlint-v9.9.9-aarch64-apple-darwin.tar.gz"),
    ("Windows", "X64", "stretchlint-v9.9.9-x86_64-pc-windows-msvc.zip"),
];

fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success())
}

/// What unpacking a Windows zip needs on this machine (action/run.sh and scripts/package-release.sh
/// take unzip/zip, 7z or python3).
fn zip_tools() -> bool {
    let ok =
        (have("zip") || have("7z") || have("python3")) && (have("unzip") || have("7z") || have("python3"));
    if !ok {
        eprintln!("skipped the Windows zip: neither zip/unzip, 7z nor python3 found");
    }
    ok
}

/// A copy of the action (action/run.sh, an action/checksums.txt with only its comments, Cargo.lock)
/// at `<tmp>/<at>`, and a folder of release downloads laid out as `<tag>/<asset>`, filled by
/// scripts/package-release.sh (as the release workflow does) with a stand-in binary: a script that
/// runs the binary under test, so that archives stay small.
struct FakeRelease {
    tmp: TempDir,
    action: PathBuf,
    downloads: PathBuf,
}

impl FakeRelease {
    fn new(at: &str) -> Self {
        let tmp = TempDir::new("action-release");
        let action = tmp.0.join(at);
        std::fs::create_dir_all(action.join("action")).unwrap();
        std::fs::copy(repo_root().join("action/run.sh"), action.join("action/run.sh")).unwrap();
        std::fs::copy(repo_root().join("Cargo.lock"), action.join("Cargo.lock")).unwrap();
        let comments: String = std::fs::read_to_string(repo_root().join("action/checksums.txt"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(action.join("action/checksums.txt"), comments).unwrap();
        let downloads = tmp.0.join("downloads");
        let stand_in = tmp.write(
            "bin/stretchlint",
            format!("#!/bin/sh\nexec '{}' \"$@\"\n", env!("CARGO_BIN_EXE_stretchlint")),
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&stand_in, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Self { tmp, action, downloads }
    }

    /// Packs the release asset for `triple` and, when `record`, pins its checksum in the fake
    /// action's checksums.txt with scripts/record-checksums.sh. Returns the asset's path.
    fn package(&self, triple: &str, record: bool) -> PathBuf {
        let dir = self.downloads.join(TAG);
        let out = Command::new("bash")
            .arg(repo_root().join("scripts/package-release.sh"))
            .args([TAG, triple])
            .arg(self.tmp.0.join("bin/stretchlint"))
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "package-release.sh: {}", String::from_utf8_lossy(&out.stderr));
        let asset = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        assert!(asset.is_file(), "{asset:?}");
        if record {
            let out = Command::new("bash")
                .arg(repo_root().join("scripts/record-checksums.sh"))
                .arg(TAG)
                .arg(&dir)
                .arg(self.action.join("action/checksums.txt"))
                .output()
                .unwrap();
            assert!(out.status.success(), "record-checksums.sh: {}", String::from_utf8_lossy(&out.stderr));
        }
        asset
    }

    fn run(&self, inputs: &[(&str, &str)]) -> Run {
        let base = self.downloads.to_str().unwrap().to_owned();
        let mut all = vec![("STRETCHLINT_ACTION_DOWNLOAD_BASE", base.as_str()), ("INPUT_PATHS", BROKEN)];
        all.extend_from_slice(inputs);
        run_action_at(&self.action, &repo_root(), &all, false, &[])
    }

    fn checksums(&self) -> String {
        std::fs::read_to_string(self.action.join("action/checksums.txt")).unwrap()
    }
}

fn assert_scanned(run: &Run) {
    assert_eq!(run.code(), Some(1), "{}", run.context());
    let prefix = format!("::error file={BROKEN_CONFIG},line=");
    assert!(run.stdout().lines().any(|l| l.starts_with(&prefix)), "the scan did not run\n{}", run.context());
    assert_eq!(output_value(&run.github_output, "exit-code"), Some("1"), "{}", run.context());
}

#[test]
fn release_asset_per_runner_is_downloaded_verified_and_run() {
    if !bash_available() {
        return;
    }
    let zip = zip_tools();
    let release = FakeRelease::new("action-src");
    for (os, arch, asset) in RUNNERS {
        if asset.ends_with(".zip") && !zip {
            continue;
        }
        let triple = asset
            .trim_start_matches("stretchlint-v9.9.9-")
            .trim_end_matches(".tar.gz")
            .trim_end_matches(".zip");
        let packed = release.package(triple, true);
        assert_eq!(packed.file_name().unwrap(), asset, "the asset package-release.sh builds for {triple}");
        let run = release.run(&[("INPUT_VERSION", TAG), ("RUNNER_OS", os), ("RUNNER_ARCH", arch)]);
        assert_scanned(&run);
        assert!(run.stderr().contains(&format!("downloading {asset}")), "{os}/{arch}\n{}", run.context());
    }
    // The pinned lines are in the format the manifest test checks.
    assert!(release.checksums().contains("  stretchlint-v9.9.9-x86_64-unknown-linux-musl.tar.gz\n"));

    // A file:// base works as a folder does.
    let base = format!("file://{}", release.downloads.display());
    let run = release.run(&[
        ("INPUT_VERSION", TAG),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
        ("STRETCHLINT_ACTION_DOWNLOAD_BASE", &base),
    ]);
    assert_scanned(&run);
}

#[test]
fn a_download_that_does_not_match_its_checksum_is_refused() {
    if !bash_available() {
        return;
    }
    let release = FakeRelease::new("action-src");
    let asset = release.package("x86_64-unknown-linux-musl", true);
    // Replaced after the checksum was pinned: a compromised or corrupted download.
    let mut bytes = std::fs::read(&asset).unwrap();
    bytes.push(0);
    std::fs::write(&asset, bytes).unwrap();
    let linux = [("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "X64")];
    // Whether the tag comes from the input or from the action's own ref: no fallback on a mismatch.
    for version in [("INPUT_VERSION", TAG), ("STRETCHLINT_ACTION_REF", TAG)] {
        let run = release.run(&[version, linux[0], linux[1]]);
        assert_eq!(run.code(), Some(2), "{version:?}\n{}", run.context());
        assert!(
            run.stdout().starts_with(
                "::error title=stretchlint action::checksum mismatch for stretchlint-v9.9.9-x86_64-unknown-linux-musl.tar.gz"
            ),
            "{version:?}\n{}",
            run.context()
        );
        assert!(run.stdout().contains("refusing to run it"), "{}", run.context());
        assert!(run.lines_starting("::error file=").is_empty(), "the binary ran\n{}", run.context());
        assert_eq!(output_value(&run.github_output, "exit-code"), Some("2"), "{}", run.context());
    }
}

#[test]
fn a_release_with_no_pinned_checksum_for_the_runner_is_refused() {
    if !bash_available() {
        return;
    }
    let release = FakeRelease::new("action-src");
    release.package("x86_64-unknown-linux-musl", true);
    // Downloadable, but checksums.txt has no line for it.
    release.package("aarch64-apple-darwin", false);
    assert!(!release.checksums().contains("darwin"));
    let run = release.run(&[("INPUT_VERSION", TAG), ("RUNNER_OS", "macOS"), ("RUNNER_ARCH", "ARM64")]);
    assert_eq!(run.code(), Some(2), "{}", run.context());
    assert!(
        run.stdout().contains(
            "no checksum for stretchlint-v9.9.9-aarch64-apple-darwin.tar.gz in action/checksums.txt"
        ),
        "{}",
        run.context()
    );
    assert!(!run.stderr().contains("downloading"), "downloaded before refusing\n{}", run.context());
    // No release is built for Windows on Arm.
    let run = release.run(&[("INPUT_VERSION", TAG), ("RUNNER_OS", "Windows"), ("RUNNER_ARCH", "ARM64")]);
    assert_eq!(run.code(), Some(2), "{}", run.context());
    assert!(run.stdout().contains("no stretchlint release for runner Windows/ARM64"), "{}", run.context());
}

#[test]
fn no_version_takes_the_release_of_the_actions_own_tag() {
    if !bash_available() {
        return;
    }
    let linux = [("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "X64")];
    // As action.yml passes it, as GITHUB_ACTION_REF, and from the folder the runner checks the
    // action out to (.../_actions/<owner>/<repo>/<ref>).
    let cases: [(&str, &[(&str, &str)]); 3] = [
        ("action-src", &[("STRETCHLINT_ACTION_REF", TAG)]),
        ("action-src", &[("GITHUB_ACTION_REF", TAG)]),
        ("_actions/stretchlint/stretchlint/v9.9.9", &[]),
    ];
    for (at, inputs) in cases {
        let release = FakeRelease::new(at);
        release.package("x86_64-unknown-linux-musl", true);
        let mut all = linux.to_vec();
        all.extend_from_slice(inputs);
        let run = release.run(&all);
        assert_scanned(&run);
        assert!(
            run.stderr().contains("downloading stretchlint-v9.9.9-x86_64-unknown-linux-musl.tar.gz"),
            "{at} {inputs:?}\n{}",
            run.context()
        );
    }
}

/// A `cargo` that records how it was called and installs the stand-in binary where
/// `cargo install --root` would.
fn fake_cargo(release: &FakeRelease) -> (String, PathBuf) {
    let log = release.tmp.0.join("cargo.log");
    let script = format!(
        "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" >'{log}'\nprintf 'CARGO_TARGET_DIR=%s\\n' \"${{CARGO_TARGET_DIR:-}}\" >>'{log}'\n\
         while (($#)); do if [[ $1 == --root ]]; then root=$2; fi; shift; done\n\
         mkdir -p \"$root/bin\" && cp '{bin}' \"$root/bin/stretchlint\"\n",
        log = log.display(),
        bin = release.tmp.0.join("bin/stretchlint").display(),
    );
    let cargo = release.tmp.write("fake-bin/cargo", script);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", cargo.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    (path, log)
}

#[test]
fn with_no_release_to_take_the_action_builds_its_source() {
    if !bash_available() {
        return;
    }
    let release = FakeRelease::new("action-src");
    release.package("x86_64-unknown-linux-musl", true);
    let (path, log) = fake_cargo(&release);
    let home = release.tmp.0.join("home");
    let home_s = home.to_str().unwrap();
    let action = release.action.to_str().unwrap().to_owned();
    // No ref (a local run), a branch, a moving major tag, a release tag with no pinned checksum.
    for ref_ in ["", "main", "v9", "v9.9.8"] {
        let _ = std::fs::remove_file(&log);
        let run = release.run(&[
            ("PATH", &path),
            ("STRETCHLINT_ACTION_REF", ref_),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
            ("GITHUB_ACTIONS", "true"),
            ("HOME", home_s),
        ]);
        assert_scanned(&run);
        let called =
            std::fs::read_to_string(&log).unwrap_or_else(|_| panic!("cargo not called\n{}", run.context()));
        let args: Vec<&str> = called.lines().collect();
        assert_eq!(&args[..5], ["install", "--locked", "--quiet", "--path", action.as_str()], "{ref_:?}");
        // On a runner, in the folder action.yml caches.
        let target = format!("CARGO_TARGET_DIR={home_s}/.cache/stretchlint-action/target");
        assert!(args.contains(&target.as_str()), "{ref_:?}: {called}");
        assert!(!run.stderr().contains("downloading"), "{}", run.context());
    }
    let run = release.run(&[("PATH", &path), ("STRETCHLINT_ACTION_REF", "v9.9.8")]);
    assert!(run.stderr().contains("has no stretchlint-v9.9.8-"), "{}", run.context());
}

#[test]
fn plan_says_when_the_source_is_built_and_hashes_cargo_lock() {
    if !bash_available() {
        return;
    }
    let release = FakeRelease::new("action-src");
    release.package("x86_64-unknown-linux-musl", true);
    let linux = [("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "X64")];
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("INPUT_VERSION", TAG)], "false"),
        (&[("STRETCHLINT_ACTION_REF", TAG)], "false"),
        (&[("STRETCHLINT_ACTION_REF", "v9.9.8")], "true"),
        (&[("STRETCHLINT_ACTION_REF", "main")], "true"),
        (&[], "true"),
    ];
    let sum = Command::new("sh")
        .arg("-c")
        .arg("sha256sum Cargo.lock 2>/dev/null || shasum -a 256 Cargo.lock")
        .current_dir(&release.action)
        .output()
        .unwrap();
    let sum = String::from_utf8_lossy(&sum.stdout).split_whitespace().next().unwrap_or_default().to_owned();
    assert_eq!(sum.len(), 64);
    for (inputs, from_source) in cases {
        let mut all = linux.to_vec();
        all.extend_from_slice(inputs);
        let run = run_action_at(&release.action, &repo_root(), &all, false, &["--plan"]);
        assert_eq!(run.code(), Some(0), "{}", run.context());
        assert_eq!(output_value(&run.github_output, "build-from-source"), Some(from_source), "{inputs:?}");
        assert_eq!(output_value(&run.github_output, "cargo-lock-sha256"), Some(sum.as_str()));
        // Nothing installed, nothing scanned.
        assert!(run.stdout().is_empty() && run.stderr().is_empty(), "{}", run.context());
    }
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
        assert!(
            file.starts_with("stretchlint-") && (file.ends_with(".tar.gz") || file.ends_with(".zip")),
            "{line}"
        );
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

/// The cargo cache: only when `run.sh --plan` says the run builds from source, keyed on the
/// action's Cargo.lock, over the folder run.sh builds in; and the action's ref reaches the script.
#[test]
fn action_yml_caches_cargo_only_for_a_source_build() {
    let action = parse_yaml("action.yml");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let plan = steps.iter().find(|s| s["id"] == "plan").expect("a plan step");
    assert_eq!(plan["run"], "bash \"$GITHUB_ACTION_PATH/action/run.sh\" --plan");
    let cache = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/cache@")))
        .expect("an actions/cache step");
    assert_eq!(cache["if"], "steps.plan.outputs.build-from-source == 'true'");
    let key = cache["with"]["key"].as_str().unwrap();
    assert!(key.contains("${{ steps.plan.outputs.cargo-lock-sha256 }}"), "{key}");
    let paths = cache["with"]["path"].as_str().unwrap();
    let script = std::fs::read_to_string(repo_root().join("action/run.sh")).unwrap();
    assert!(script.contains("CARGO_TARGET_DIR=\"$HOME/.cache/stretchlint-action/target\""));
    assert!(paths.lines().any(|l| l.trim() == "~/.cache/stretchlint-action/target/"), "{paths}");
    let order: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap_or("cache")).collect();
    assert_eq!(order, ["plan", "cache", "run"]);
    for id in ["plan", "run"] {
        let step = steps.iter().find(|s| s["id"] == id).unwrap();
        assert_eq!(step["env"]["STRETCHLINT_ACTION_REF"], "${{ github.action_ref }}", "{id}");
    }
}
