//! Complete cluster trees as teams keep them in git, networks included: each architecture
//! example is recognised with high confidence and clean; each planted tree (the same cluster with
//! violations planted) is still recognised and reports exactly what its `# expect:` comments
//! promise, at those lines. Human and JSON output are snapshotted.

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

/// Every `# expect: CODE at LINE[, LINE]` comment of a tree, whatever the code.
fn planted(tree: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for file in common::input_files(Path::new(tree)) {
        let text = std::fs::read_to_string(&file).expect("fixture reads");
        let display = stretchlint::source::display_path(&file);
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("# expect:") else { continue };
            let (code, lines) = rest.trim().split_once(" at ").expect("`# expect: CODE at LINES`");
            for n in lines.split(',') {
                out.push((code.trim().to_owned(), display.clone(), n.trim().parse().expect("a line number")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn planted_violations_are_reported_exactly_and_the_architecture_still_shows() {
    let trees = trees("planted");
    assert_eq!(trees.len(), 4, "one planted tree per architecture");
    for tree in trees {
        let report = lint_paths(&[tree.clone().into()], &Settings::default()).expect("tree lints");
        let expected = tree.rsplit('/').next().unwrap_or_default();
        assert_eq!(report.clusters.len(), 1, "{tree}");
        assert_eq!(report.clusters[0].architecture.id, expected, "{tree}");
        assert_eq!(report.clusters[0].architecture.confidence, Confidence::High, "{tree}");
        let mut got: Vec<(String, String, usize)> =
            report.findings.iter().map(|f| (f.code.to_owned(), f.file.clone(), f.line)).collect();
        got.sort();
        let want = planted(&tree);
        assert!(want.len() >= 2, "{tree}: plant at least two violations");
        assert_eq!(got, want, "{tree}");
    }
}

#[test]
fn cluster_tree_snapshots() {
    for tree in trees("architectures").into_iter().chain(trees("clusters")).chain(trees("planted")) {
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

/// An haproxy.cfg for some bastion in front of other hosts, kept beside an IPI cluster with
/// floating IPs.
const BASTION_HAPROXY: &str = "\
frontend apps
    bind 192.0.2.80:80
    default_backend web
backend web
    server web-0 192.0.2.10:8080 check
    server web-1 192.0.2.11:8080 check
";

#[test]
fn a_load_balancer_beside_an_ipi_cluster_that_is_not_its_own_changes_nothing() {
    let dir = common::TempDir::new("arch-unrelated-haproxy");
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/architectures/ipi-overlay-fip");
    common::copy_tree(&tree, &dir.0);
    dir.write("bastion/haproxy.cfg", BASTION_HAPROXY);
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).expect("tree lints");
    let arch = &report.clusters[0].architecture;
    assert_eq!(arch.id, "ipi-overlay-fip");
    assert_eq!(arch.confidence, Confidence::High);
    assert!(
        arch.evidence.iter().any(|e| e.message.contains("not counted") && e.file.ends_with("haproxy.cfg")),
        "{:#?}",
        arch.evidence
    );
    // The same file with the cluster's masters as backends is the cluster's load balancer.
    let name = &report.clusters[0].name;
    dir.write(
        "bastion/haproxy.cfg",
        BASTION_HAPROXY.replace("server web-", &format!("server {name}-master-")),
    );
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).expect("tree lints");
    let arch = &report.clusters[0].architecture;
    assert!(arch.evidence.iter().any(|e| e.message.starts_with("self-run HAProxy")), "{:#?}", arch.evidence);
}
