//! `check --fix` and `--diff`: SL401 renames whose value carries over and SL102's missing
//! MachineSet written beside the others. Each fix: a snapshot of the result, the finding gone
//! when the tree is linted again, and a second `--fix` that changes nothing.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::Path;

use common::{TempDir, copy_tree, stretchlint_in};
use serde_json::Value;

/// A temporary copy of a fixture folder.
fn tree(fixture: &str) -> TempDir {
    let tmp = TempDir::new("fix");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture), &tmp.0);
    tmp
}

/// Every file of a folder, by relative path.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir(dir) {
        let rel = entry.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        out.push((rel, std::fs::read_to_string(&entry).unwrap()));
    }
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            out.extend(walkdir(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

/// `(code, line, message)` of each finding of a rule.
fn findings(dir: &Path, rule: &str) -> Vec<(String, u64, String)> {
    let out = stretchlint_in(&["check", "--select", rule, "--format", "json", "."], dir);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn fix(dir: &Path, rule: &str) -> std::process::Output {
    stretchlint_in(&["check", "--select", rule, "--fix", "--format", "json", "."], dir)
}

#[test]
fn sl401_renames_keep_the_value_comments_and_layout() {
    let tmp = tree("fixtures/rules/SL401");
    let before = findings(&tmp.0, "SL401");
    let out = fix(&tmp.0, "SL401");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Fixed 8 findings (1 file written)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(tmp.0.join("bad-install-config.yaml")).unwrap();
    insta::assert_snapshot!("sl401_fixed_install_config", fixed);

    // What --fix reports is the tree after the fixes: the renamed keys are gone, the rest stays.
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let after = findings(&tmp.0, "SL401");
    assert_eq!(report["findings"].as_array().unwrap().len(), after.len());
    assert_eq!(before.len() - after.len(), 8, "{after:#?}");
    for gone in [
        "`platform.openstack.apiVIP`",
        "`platform.openstack.lbFloatingIP`",
        "`networking.machineCIDR`",
        "rootVolume.type`",
    ] {
        assert!(after.iter().all(|(_, _, m)| !m.contains(gone)), "{gone} is fixed: {after:#?}");
    }
    assert!(
        after.iter().any(|(_, _, m)| m.contains("computeFlavor")),
        "a move is not a safe rename: it stays"
    );

    let snapshot = files(&tmp.0);
    let again = fix(&tmp.0, "SL401");
    assert!(String::from_utf8_lossy(&again.stderr).contains("Fixed 0 findings (0 files written)"));
    assert_eq!(files(&tmp.0), snapshot, "a second --fix changes nothing");
}

#[test]
fn sl102_writes_the_missing_machineset_beside_the_others() {
    let tmp = tree("fixtures/rules/SL102/bad");
    assert_eq!(findings(&tmp.0, "SL102").len(), 1);
    let out = fix(&tmp.0, "SL102");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let new = tmp.0.join("openshift/99_openshift-cluster-api_worker-machineset-2.yaml");
    let written = std::fs::read_to_string(&new).expect("the new MachineSet is written");
    insta::assert_snapshot!("sl102_new_machineset", written);
    assert_eq!(findings(&tmp.0, "SL102"), Vec::new(), "az3 has workers now");
    // The copy is a MachineSet of the same cluster: no other rule objects to it.
    let all = stretchlint_in(
        &["check", "--format", "json", "openshift/99_openshift-cluster-api_worker-machineset-2.yaml"],
        &tmp.0,
    );
    let report: Value = serde_json::from_slice(&all.stdout).unwrap();
    let on_new: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with("machineset-2.yaml"))
        .collect();
    assert!(on_new.is_empty(), "{on_new:#?}");

    let snapshot = files(&tmp.0);
    fix(&tmp.0, "SL102");
    assert_eq!(files(&tmp.0), snapshot, "a second --fix changes nothing");
}

#[test]
fn no_copy_when_something_else_in_the_machineset_names_its_az() {
    let tmp = tree("fixtures/rules/SL102/bad");
    let path = tmp.0.join("openshift/99_openshift-cluster-api_worker-machineset-1.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "    spec:\n      providerSpec:",
        "    spec:\n      metadata:\n        labels:\n          topology.kubernetes.io/zone: az2\n      providerSpec:",
    );
    std::fs::write(&path, text).unwrap();
    let path0 = tmp.0.join("openshift/99_openshift-cluster-api_worker-machineset-0.yaml");
    let text = std::fs::read_to_string(&path0).unwrap().replace(
        "    spec:\n      providerSpec:",
        "    spec:\n      metadata:\n        labels:\n          topology.kubernetes.io/zone: az1\n      providerSpec:",
    );
    std::fs::write(&path0, text).unwrap();
    let out = stretchlint_in(&["check", "--select", "SL102", "--diff", "."], &tmp.0);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(findings(&tmp.0, "SL102").len(), 1, "the finding stays, with its help");
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let tmp = tree("fixtures/rules/SL401");
    let snapshot = files(&tmp.0);
    let out = stretchlint_in(&["check", "--select", "SL401", "--diff", "bad-install-config.yaml"], &tmp.0);
    assert_eq!(out.status.code(), Some(1), "there are fixes to apply");
    insta::assert_snapshot!("sl401_diff", String::from_utf8_lossy(&out.stdout));
    assert_eq!(files(&tmp.0), snapshot);
    let out = stretchlint_in(&["check", "--select", "SL401", "--diff", "good.yaml"], &tmp.0);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}
