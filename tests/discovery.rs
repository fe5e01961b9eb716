//! What a run reads: ignore files (`.gitignore`, `.ignore`, `--no-ignore`, `respect-gitignore`),
//! the folders skipped without one (`.terraform`, `node_modules`), templates of inputs (SL002),
//! and no false green when nothing read was an input.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::{TempDir, stretchlint_in};
use serde_json::Value;

const BROKEN: &str = "fixtures/clusters/broken-stretch/install-config.yaml";

fn broken_install_config() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(BROKEN)).unwrap()
}

/// The files the findings of a `check --format json` run are in, and its exit code.
fn files_with_findings(args: &[&str], cwd: &Path) -> (BTreeSet<String>, Option<i32>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let out = stretchlint_in(&all, cwd);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON report; stderr: {}", String::from_utf8_lossy(&out.stderr)));
    let files = report["findings"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap().to_owned());
    (files.collect(), out.status.code())
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A repository with one real cluster and copies of it where findings do not belong.
fn repo_with_copies() -> TempDir {
    let tmp = TempDir::new("discovery-ignore");
    let text = broken_install_config();
    tmp.write("repo/.git/HEAD", "ref: refs/heads/main\n");
    tmp.write("repo/clusters/a/install-config.yaml", &text);
    tmp.write("repo/generated/install-config.yaml", &text);
    tmp.write("repo/scratch/install-config.yaml", &text);
    tmp.write("repo/.terraform/modules/vpc/install-config.yaml", &text);
    tmp.write("repo/node_modules/pkg/install-config.yaml", &text);
    tmp.write("repo/.gitignore", "/generated/\n");
    tmp.write("repo/.ignore", "scratch\n");
    tmp
}

#[test]
fn gitignore_and_ignore_files_leave_their_paths_out_of_a_walk() {
    let tmp = repo_with_copies();
    let repo = tmp.0.join("repo");
    let (files, code) = files_with_findings(&["."], &repo);
    assert_eq!(files, set(&["clusters/a/install-config.yaml"]));
    assert_eq!(code, Some(1));

    // --no-ignore reads what the ignore files leave out; the tool-owned folders stay skipped.
    let (files, _) = files_with_findings(&["--no-ignore", "."], &repo);
    assert_eq!(
        files,
        set(&[
            "clusters/a/install-config.yaml",
            "generated/install-config.yaml",
            "scratch/install-config.yaml"
        ])
    );

    // The configuration's equivalent.
    tmp.write("repo/.stretchlint.yaml", "respect-gitignore: false\n");
    let (files, _) = files_with_findings(&["."], &repo);
    assert!(files.contains("generated/install-config.yaml"), "{files:?}");
}

#[test]
fn a_file_or_folder_named_on_the_command_line_is_read_even_when_ignored() {
    let tmp = repo_with_copies();
    let repo = tmp.0.join("repo");
    // As ripgrep and ruff: naming a path asks for it. --force-exclude applies the --exclude
    // globs only (pre-commit names tracked files, which no ignore file leaves out).
    let (files, _) = files_with_findings(&["--force-exclude", "generated/install-config.yaml"], &repo);
    assert_eq!(files, set(&["generated/install-config.yaml"]));
    let (files, _) = files_with_findings(&[".terraform"], &repo);
    assert_eq!(files, set(&[".terraform/modules/vpc/install-config.yaml"]));
}

#[test]
fn a_parent_folders_gitignore_applies_but_not_past_a_repository_root() {
    let tmp = repo_with_copies();
    // Walking a subfolder still honours the repository's .gitignore.
    tmp.write("repo/.gitignore", "/generated/\n/clusters/b/\n");
    tmp.write("repo/clusters/b/install-config.yaml", broken_install_config());
    let (files, _) = files_with_findings(&["clusters"], &tmp.0.join("repo"));
    assert_eq!(files, set(&["clusters/a/install-config.yaml"]));

    // The .gitignore of a folder above the repository (a folder of checkouts) is not the
    // repository's own.
    tmp.write(".gitignore", "clusters/\n");
    let (files, _) = files_with_findings(&["."], &tmp.0.join("repo"));
    assert_eq!(files, set(&["clusters/a/install-config.yaml"]));

    // As in git, a .gitignore outside any repository says nothing; `.ignore` applies anywhere.
    let plain = TempDir::new("discovery-no-git");
    plain.write("a/install-config.yaml", broken_install_config());
    plain.write("b/install-config.yaml", broken_install_config());
    plain.write(".gitignore", "a/\n");
    plain.write(".ignore", "b/\n");
    plain.write("c/install-config.yaml", broken_install_config());
    let (files, _) = files_with_findings(&["."], &plain.0);
    assert_eq!(files, set(&["a/install-config.yaml", "c/install-config.yaml"]));
}

#[test]
fn audit_applies_each_repositorys_own_gitignore() {
    let tmp = TempDir::new("discovery-audit");
    let text = broken_install_config();
    for repo in ["one", "two"] {
        tmp.write(&format!("repos/{repo}/.git/HEAD"), "ref: refs/heads/main\n");
        tmp.write(&format!("repos/{repo}/install-config.yaml"), &text);
        tmp.write(&format!("repos/{repo}/out/install-config.yaml"), &text);
        tmp.write(&format!("repos/{repo}/.terraform/install-config.yaml"), &text);
    }
    tmp.write("repos/one/.gitignore", "out/\n");
    let out = stretchlint_in(&["audit", "--repos-under", "repos", "--format", "json"], &tmp.0);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let audit: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files_of = |name: &str| -> BTreeSet<String> {
        let repo = audit["repos"].as_array().unwrap().iter().find(|r| r["path"] == name).expect(name);
        repo["findings"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(files_of("one"), set(&["install-config.yaml"]));
    assert_eq!(files_of("two"), set(&["install-config.yaml", "out/install-config.yaml"]));
}

#[test]
fn templates_of_inputs_are_reported_as_templated_not_dropped() {
    let tmp = TempDir::new("discovery-templates");
    tmp.write(
        "c/install-config.yaml.j2",
        "apiVersion: v1\nmetadata:\n  name: {{ cluster_name }}\n{% if zones %}\ncontrolPlane:\n  replicas: 3\n{% endif %}\n",
    );
    tmp.write(
        "c/machineset.yaml.jinja",
        "{% for az in zones %}\napiVersion: machine.openshift.io/v1beta1\nkind: MachineSet\n{% endfor %}\n",
    );
    tmp.write(
        "c/haproxy.cfg.j2",
        "global\n    log stdout\n{% for fe in frontends %}\nfrontend {{ fe.name }}\n{% endfor %}\n",
    );
    // Ansible roles hold many other `.conf.j2` files: not a load balancer's, so no input.
    tmp.write("c/nginx.conf.j2", "server {\n    listen {{ port }};\n    server_name {{ name }};\n}\n");
    tmp.write(
        "c/main.tf.j2",
        "resource \"openstack_networking_network_v2\" \"{{ name }}\" {\n  {% if x %}\n}\n",
    );
    let out = stretchlint_in(&["check", "--format", "json", "c"], &tmp.0);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    let sl002: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SL002")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let files: BTreeSet<&str> = sl002.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(
        files,
        BTreeSet::from([
            "c/haproxy.cfg.j2",
            "c/install-config.yaml.j2",
            "c/machineset.yaml.jinja",
            "c/main.tf.j2"
        ]),
        "{sl002:?}"
    );
    // At a real place: the haproxy template's first marker is on line 3.
    let haproxy = sl002.iter().find(|(f, _, _)| f == "c/haproxy.cfg.j2").unwrap();
    assert_eq!(haproxy.1, 3, "{haproxy:?}");
    assert!(haproxy.2.contains("load balancer configuration"), "{haproxy:?}");
    let tf = sl002.iter().find(|(f, _, _)| f == "c/main.tf.j2").unwrap();
    assert!(tf.2.contains("Terraform"), "{tf:?}");
    // A template that is valid YAML as it stands is read as the input it renders to.
    tmp.write(
        "d/install-config.yaml.j2",
        "apiVersion: v1\nmetadata:\n  name: \"{{ name }}\"\nplatform:\n  openstack:\n    cloud: x\n",
    );
    let out = stretchlint_in(&["check", "--format", "json", "d"], &tmp.0);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    assert_eq!(report["clusters"].as_array().unwrap().len(), 1, "{report}");
}

#[test]
fn a_folder_with_no_input_is_an_error_not_a_clean_pass() {
    let tmp = TempDir::new("discovery-no-inputs");
    tmp.write("wrong/.github/workflows/ci.yaml", "on: push\njobs: {}\n");
    tmp.write("wrong/compose.yml", "services: {}\n");
    tmp.write("wrong/README.md", "# notes\n");
    tmp.write("empty/.keep", "");
    for command in [&["check"][..], &["infer"], &["model"], &["simulate"]] {
        let mut args = command.to_vec();
        args.push("wrong");
        let out = stretchlint_in(&args, &tmp.0);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("No inputs found under `wrong` (2 files read"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?}: no report that could pass for a clean one");
    }
    let out = stretchlint_in(&["check", "empty"], &tmp.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("No inputs found under `empty` (no YAML, Terraform"), "{}", stderr(&out));

    // One input among the folders given is enough.
    tmp.write("right/install-config.yaml", broken_install_config());
    let out = stretchlint_in(&["check", "wrong", "right"], &tmp.0);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // A file that is not read (too large) is listed with the error: nothing was checked.
    tmp.write("big/install-config.yaml", broken_install_config());
    let out = stretchlint_in(&["check", "--max-file-size", "16", "big"], &tmp.0);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("\n  not read: big/install-config.yaml: "), "{}", stderr(&out));
}

#[test]
fn named_files_that_are_not_inputs() {
    let tmp = TempDir::new("discovery-named");
    tmp.write(".github/workflows/ci.yaml", "on: push\njobs: {}\n");
    tmp.write("README.md", "# notes\n\nSome text.\n");
    // pre-commit names every changed YAML file; none being a manifest is a quiet pass.
    let out = stretchlint_in(&["check", "--force-exclude", ".github/workflows/ci.yaml"], &tmp.0);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    // A file of no input's kind named by hand: the run says it checked nothing in it.
    let out = stretchlint_in(&["check", "README.md"], &tmp.0);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("note: README.md: not an input"), "{}", stderr(&out));
}
