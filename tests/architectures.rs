//! Complete cluster trees as teams keep them in git: each architecture example is recognised and
//! clean; the broken cluster tree fires what its comments promise. Human and JSON output are
//! snapshotted.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::Path;

use common::render;
use stretchlint::arch::Confidence;
use stretchlint::report::Format;
use stretchlint::{Settings, lint_paths};

fn trees(group: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(group);
    let mut out: Vec<String> = std::fs::read_dir(root)
        .expect("fixture group exists")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| format!("fixtures/{group}/{}", e.file_name().to_string_lossy()))
        .collect();
    out.sort();
    out
}

#[test]
fn each_architecture_example_is_recognised_and_clean() {
    for tree in trees("architectures") {
        let report = lint_paths(&[tree.clone().into()], &Settings::default()).expect("tree lints");
        let expected = tree.rsplit('/').next().unwrap_or_default();
        assert_eq!(report.clusters.len(), 1, "{tree}");
        assert_eq!(report.clusters[0].architecture.id, expected, "{tree}");
        assert_eq!(report.clusters[0].architecture.confidence, Confidence::High, "{tree}");
        assert!(report.findings.is_empty(), "{tree}: {:#?}", report.findings);
        assert_eq!(report.clusters[0].zones, ["az1", "az2", "az3"], "{tree}");
    }
}

#[test]
fn cluster_tree_snapshots() {
    for tree in trees("architectures").into_iter().chain(trees("clusters")) {
        let report = lint_paths(&[tree.clone().into()], &Settings::default()).expect("tree lints");
        let name = tree.replace('/', "__");
        insta::with_settings!({ omit_expression => true, snapshot_path => "snapshots/trees", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{name}.human"), render(&report, Format::Human { color: false }));
            insta::assert_snapshot!(format!("{name}.json"), render(&report, Format::Json));
        });
    }
}

#[test]
fn secrets_never_reach_the_output() {
    for tree in trees("architectures").into_iter().chain(trees("clusters")) {
        let report = lint_paths(&[tree.clone().into()], &Settings::default()).expect("tree lints");
        for format in [Format::Human { color: false }, Format::Json] {
            let out = render(&report, format);
            for secret in ["ssh-ed25519", "auths", "fake-"] {
                assert!(!out.contains(secret), "{tree}: `{secret}` leaked into the output");
            }
        }
    }
}
