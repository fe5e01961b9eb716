//! `.stretchlint.yaml`: found by walking up, or given with `--config`; ignored with `--isolated`;
//! rule selection, per-rule severities, per-path ignores, `fail-on` and rule parameters; a bad file
//! is an error at its line and column (exit 2).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::Path;
use std::process::Output;

use common::{TempDir, stretchlint_in};
use serde_json::Value;
use stretchlint::rules::Params;
use stretchlint::{Settings, lint_paths};

const REPO: &str = "fixtures/config/repo";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(code, severity, file)` of each finding of a JSON run.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let folder = if file.contains("/legacy/") { "legacy" } else { "prod" };
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                folder.to_owned(),
            )
        })
        .collect()
}

fn row(code: &str, severity: &str, folder: &str) -> (String, String, String) {
    (code.to_owned(), severity.to_owned(), folder.to_owned())
}

#[test]
fn the_nearest_config_applies() {
    let out = stretchlint_in(&["check", REPO, "--format", "json"], root());
    assert_eq!(out.status.code(), Some(1));
    let mut got = findings(&out);
    got.sort();
    // SL107 ignored, SL202 off, SL104 lowered to a warning, SL101 not reported under legacy/.
    let mut want = vec![
        row("SL101", "error", "prod"),
        row("SL102", "error", "prod"),
        row("SL103", "warning", "prod"),
        row("SL104", "warning", "prod"),
        row("SL102", "error", "legacy"),
        row("SL103", "warning", "legacy"),
        row("SL104", "warning", "legacy"),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn isolated_ignores_the_config() {
    let out = stretchlint_in(&["check", REPO, "--format", "json", "--isolated"], root());
    let got = findings(&out);
    assert_eq!(got.len(), 12, "{got:?}");
    assert!(got.contains(&row("SL202", "error", "legacy")));
    assert!(got.contains(&row("SL104", "error", "prod")));
    let both = stretchlint_in(&["check", REPO, "--isolated", "--config", "x.yaml"], root());
    assert_eq!(both.status.code(), Some(2), "--isolated and --config conflict");
}

#[test]
fn a_repository_is_brought_to_green_by_config() {
    let dir = TempDir::new("green");
    dir.write(
        "prod/install-config.yaml",
        std::fs::read(root().join(REPO).join("clusters/prod/install-config.yaml")).unwrap(),
    );
    assert_eq!(stretchlint_in(&["check", "."], &dir.0).status.code(), Some(1));
    dir.write(
        ".stretchlint.yaml",
        "select: [SL1]\nfail-on: error\nseverity:\n  SL101: warning\n  SL102: warning\n  SL104: warning\n",
    );
    let out = stretchlint_in(&["check", ".", "--format", "json"], &dir.0);
    assert_eq!(out.status.code(), Some(0), "{:?}", findings(&out));
    assert!(!findings(&out).is_empty(), "the findings are still shown, below the fail level");
    // The command line still wins over the file.
    assert_eq!(stretchlint_in(&["check", ".", "--fail-on", "warning"], &dir.0).status.code(), Some(1));
}

#[test]
fn an_explicit_config_file_is_used_instead() {
    let dir = TempDir::new("explicit");
    let cfg = dir.write("policy.yaml", "ignore: [SL1, SL2]\n");
    let out = stretchlint_in(&["check", REPO, "--format", "json", "--config", cfg.to_str().unwrap()], root());
    assert_eq!((out.status.code(), findings(&out).len()), (Some(0), 0));
}

#[test]
fn a_bad_config_is_an_error_at_its_line_and_column() {
    let dir = TempDir::new("badconfig");
    dir.write("c/install-config.yaml", "apiVersion: v1\nmetadata:\n  name: c\n");
    for (text, at) in [
        ("ignore: [SL405]\nfail-on: sometimes\n", ".stretchlint.yaml:2:10:"),
        ("select: [SL1]\nseverty: {SL103: error}\n", ".stretchlint.yaml:2:1:"),
        ("select:\n  - SL1\n  - SL999\n", ".stretchlint.yaml:3:5: unknown rule `SL999`"),
        ("select: [SL1\n", ".stretchlint.yaml:"),
    ] {
        dir.write(".stretchlint.yaml", text);
        let out = stretchlint_in(&["check", "."], &dir.0);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(at), "{text}: {stderr}");
    }
}

#[test]
fn config_show_says_where_each_setting_comes_from() {
    let out = stretchlint_in(&["config", "--show", REPO], root());
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
    let out = stretchlint_in(&["config", "--show", REPO, "--isolated"], root());
    assert!(String::from_utf8_lossy(&out.stdout).contains("none (--isolated)"));
}

#[test]
fn rule_parameters_move_the_thresholds() {
    let sl103 = |min: Option<i64>| {
        let settings = Settings {
            params: Params { min_surviving_workers: min, ..Params::default() },
            ..Settings::only("SL103")
        };
        lint_paths(&[root().join(REPO).join("clusters/prod")], &settings).unwrap().findings
    };
    // One worker is left when az1 goes: the default bar (2 routers) fails it, a bar of 1 passes it.
    assert_eq!(sl103(None).len(), 1);
    assert!(sl103(Some(1)).is_empty());
    let raised = sl103(Some(3));
    assert!(
        raised[0].message.contains("fewer than the 3 the configuration requires"),
        "{}",
        raised[0].message
    );

    let sl601 = |warn: Option<f64>, error: Option<f64>| {
        let params = Params { latency_warn_ms: warn, latency_error_ms: error, ..Params::default() };
        let settings = Settings { params, ..Settings::only("SL601") };
        let report = lint_paths(&[root().join("fixtures/rules/SL601/bad")], &settings).unwrap();
        report.findings.iter().map(|f| f.severity.as_str()).collect::<Vec<_>>()
    };
    // RTTs 62 and 18.5 ms between control-plane AZs (and 1.2 ms).
    assert_eq!(sl601(None, None), vec!["error", "warning"]);
    assert_eq!(sl601(Some(20.0), None), vec!["error"]);
    assert_eq!(sl601(Some(1.0), Some(15.0)), vec!["error", "error", "warning"]);
}

#[test]
fn openshift_version_decides_the_vrrp_severity() {
    let severity = |version: Option<(u32, u32)>| {
        let settings = Settings {
            params: Params { openshift_version: version, ..Params::default() },
            ..Settings::only("SL301")
        };
        let report = lint_paths(&[root().join("fixtures/rules/SL301/bad-same-name")], &settings).unwrap();
        report
            .findings
            .iter()
            .map(|f| (f.severity.as_str(), f.help.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    let old = severity(Some((4, 10)));
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].0, "error");
    assert!(old[0].1.contains("the configuration says OpenShift 4.10"));
    assert_eq!(severity(Some((4, 16)))[0].0, "warning");
}
