//! The command line: exit codes, formats, rule selection, and single-file runs that still see
//! the rest of their cluster.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::process::{Command, Output};

use common::TempDir;

fn stretchlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stretchlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run stretchlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn clean_tree_exits_zero() {
    let out = stretchlint(&["check", "fixtures/architectures/ipi-overlay-fip"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("All checks passed"));
    assert!(stdout(&out).contains("ipi-overlay-fip (#2"));
}

#[test]
fn findings_exit_one() {
    let out = stretchlint(&["check", "fixtures/rules/SL003/bad.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("SL003 (duplicate-key)"));
}

#[test]
fn missing_path_exits_two_with_a_clear_message() {
    let out = stretchlint(&["check", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("path `no/such/dir` does not exist"), "{err}");
}

#[test]
fn unknown_rule_exits_two() {
    let out = stretchlint(&["check", "fixtures/rules/SL003", "--select", "SL999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `SL999`"));
}

#[test]
fn select_and_ignore_take_codes_and_names() {
    let by_name = stretchlint(&["check", "fixtures/rules/SL003/bad.yaml", "--select", "duplicate-key"]);
    assert_eq!(by_name.status.code(), Some(1));
    let ignored = stretchlint(&["check", "fixtures/rules/SL003/bad.yaml", "--ignore", "SL003"]);
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
}

#[test]
fn fail_on_sets_the_threshold() {
    // SL002 is an info: shown, but the run passes unless --fail-on info.
    let default = stretchlint(&["check", "fixtures/rules/SL002/bad.yaml"]);
    assert_eq!(default.status.code(), Some(0));
    assert!(stdout(&default).contains("SL002"));
    let strict = stretchlint(&["check", "fixtures/rules/SL002/bad.yaml", "--fail-on", "info"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn json_follows_the_contract() {
    let out = stretchlint(&["check", "fixtures/rules/SL003/bad.yaml", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "stretchlint");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "SL003");
    assert_eq!(f["rule"], "duplicate-key");
    assert_eq!(f["file"], "fixtures/rules/SL003/bad.yaml");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(10), Some(7)));
    assert_eq!((f["end_line"].as_u64(), f["end_column"].as_u64()), (Some(10), Some(12)));
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["clusters"][0]["name"], "ocp1");
}

#[test]
fn single_file_run_sees_its_cluster_but_reports_only_that_file() {
    let dir = TempDir::new("precommit");
    dir.write(
        "prod/install-config.yaml",
        "apiVersion: v1\nmetadata:\n  name: prod\nplatform:\n  openstack:\n    cloud: openstack\n",
    );
    dir.write("prod/openshift/dup.yaml", "a: 1\na: 2\n");
    let other = dir.write("prod/openshift/other.yaml", "b: 1\nb: 2\n");
    let out = Command::new(env!("CARGO_BIN_EXE_stretchlint"))
        .args(["check", "--format", "json"])
        .arg(&other)
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0]["file"].as_str().is_some_and(|f| f.ends_with("other.yaml")));
    // The install-config two folders up was read for context: the cluster is known.
    assert_eq!(v["clusters"][0]["name"], "prod");
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn vrid_prints_ids_and_flags_collisions() {
    let ok = stretchlint(&["vrid", "ocp1", "prod"]);
    assert_eq!(ok.status.code(), Some(0));
    let text = stdout(&ok);
    assert!(text.contains("ocp1  219      106"), "{text}");
    assert!(text.contains("prod    2       33"), "{text}");
    let clash = stretchlint(&["vrid", "ocp1", "ocp58"]);
    assert_eq!(clash.status.code(), Some(1));
    assert!(stdout(&clash).contains("both use VRID 219"));
}

#[test]
fn rules_and_explain() {
    let list = stretchlint(&["rules"]);
    assert_eq!(list.status.code(), Some(0));
    assert!(stdout(&list).contains("SL001  parse-error"));
    let by_code = stretchlint(&["explain", "SL003"]);
    let by_name = stretchlint(&["explain", "duplicate-key"]);
    assert_eq!(stdout(&by_code), stdout(&by_name));
    assert!(stdout(&by_code).contains("Why it matters"));
    assert_eq!(stretchlint(&["explain", "nope"]).status.code(), Some(2));
}

#[test]
fn infer_prints_a_table_per_cluster() {
    let out = stretchlint(&["infer", "fixtures/architectures"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for arch in ["ipi-rpn-stretched-l2", "ipi-overlay-fip", "upi-rpn-external-lb", "overlay-haproxy"] {
        assert!(text.contains(&format!("architecture  {arch}")), "{arch} missing in\n{text}");
    }
    assert!(text.contains("weak points"));
}

#[test]
fn a_file_named_by_absolute_path_is_read_once() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/architectures/ipi-rpn-stretched-l2/openshift/99_openshift-cluster-api_worker-machineset-0.yaml");
    let out = stretchlint(&["check", "--format", "json", file.to_str().expect("utf-8 path")]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["summary"]["documents"], 10, "{v}");
    assert_eq!(v["clusters"][0]["files"].as_array().map(Vec::len), Some(8));
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_stretchlint")).args(args).current_dir(dir).output().expect("run");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), json)
}

const INSTALL_CONFIG: &str =
    "apiVersion: v1\nmetadata:\n  name: prod\nplatform:\n  openstack:\n    cloud: openstack\n";

#[test]
fn without_an_install_config_above_the_context_is_the_repository_or_the_config_folder() {
    let dir = TempDir::new("context-root");
    std::fs::create_dir_all(dir.0.join(".git")).expect("a repository");
    dir.write("clusters/prod/install-config.yaml", INSTALL_CONFIG);
    dir.write("network/net.yaml", "a: 1\n");
    // Two documents read: the named file and, for context, the cluster elsewhere in the repository.
    let (_, v) = run_in(&dir.0, &["check", "--format", "json", "network/net.yaml"]);
    assert_eq!(
        (v["summary"]["files"].as_u64(), v["summary"]["documents"].as_u64()),
        (Some(1), Some(2)),
        "{v}"
    );
    let (_, v) = run_in(&dir.0, &["check", "--format", "json", "--no-context", "network/net.yaml"]);
    assert_eq!(v["summary"]["documents"], 1);
    // A config file marks a root of its own.
    dir.write("network/.stretchlint.yaml", "{}\n");
    let (_, v) = run_in(&dir.0, &["check", "--format", "json", "network/net.yaml"]);
    assert_eq!(v["summary"]["documents"], 1);
}

#[test]
fn excludes_skip_walked_files_and_named_ones_only_when_forced() {
    let dir = TempDir::new("exclude");
    dir.write("legacy/dup.yaml", "a: 1\na: 2\n");
    dir.write("current/dup.yml", "b: 1\nb: 2\n");
    let files = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["file"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let (code, v) = run_in(&dir.0, &["check", "--format", "json", "."]);
    assert_eq!(
        (code, files(&v)),
        (Some(1), vec!["current/dup.yml".to_owned(), "legacy/dup.yaml".to_owned()])
    );
    let (_, v) = run_in(&dir.0, &["check", "--format", "json", ".", "--exclude", "legacy/**"]);
    assert_eq!(files(&v), vec!["current/dup.yml".to_owned()]);
    let (_, v) = run_in(&dir.0, &["check", "--format", "json", ".", "--exclude", "*.yml"]);
    assert_eq!(files(&v), vec!["legacy/dup.yaml".to_owned()]);
    // pre-commit names the file: the exclude applies only with --force-exclude.
    let named = ["check", "--format", "json", "legacy/dup.yaml", "--exclude", "legacy"];
    let (code, v) = run_in(&dir.0, &named);
    assert_eq!((code, files(&v).len()), (Some(1), 1));
    let (code, v) = run_in(&dir.0, &[&named[..], &["--force-exclude"]].concat());
    assert_eq!((code, files(&v).len()), (Some(0), 0));
    let (code, _) = run_in(&dir.0, &["check", ".", "--exclude", "a[b"]);
    assert_eq!(code, Some(2));
}

#[test]
fn rules_as_markdown_link_each_page() {
    let out = stretchlint(&["rules", "--format", "markdown"]);
    let text = stdout(&out);
    assert!(text.starts_with("| code | name | severity | summary |"));
    assert!(text.contains("| [SL901](docs/rules/SL901.md) | `unused-suppression` | warning |"));
    let out = stretchlint(&["explain", "SL901", "--format", "markdown"]);
    let page =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/SL901.md"));
    assert_eq!(stdout(&out), page.expect("the page exists"));
}
