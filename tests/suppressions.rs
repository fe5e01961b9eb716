//! Inline suppressions: applied by line and by file, expiring, requiring a reason when the
//! configuration says so, read from text configurations too, ignored by `--isolated`, and left out
//! of SARIF and annotations while still counted.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TempDir, render};
use stretchlint::report::Format;
use stretchlint::suppress::Date;
use stretchlint::{Report, Settings, lint_paths};

const USED: &str = "fixtures/rules/SL901/good.yaml";

fn lint(path: &Path, settings: Settings) -> Report {
    lint_paths(&[path.to_path_buf()], &Settings { context: false, ..settings }).unwrap()
}

fn codes(report: &Report) -> Vec<(&'static str, usize)> {
    report.findings.iter().map(|f| (f.code, f.line)).collect()
}

#[test]
fn suppressed_findings_are_counted_and_kept_apart() {
    let report = lint(Path::new(USED), Settings::default());
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
    assert_eq!(report.summary.suppressed, 2);
    let by: Vec<(&str, usize, Option<&str>)> = report
        .suppressed
        .iter()
        .map(|f| (f.code, f.line, f.suppressed.as_ref().and_then(|s| s.reason.as_deref())))
        .collect();
    assert_eq!(
        by,
        vec![
            ("SL003", 9, Some("the template generator repeats it; the values agree")),
            ("SL405", 13, Some("the lab's own admission webhook reads these")),
        ]
    );
    // Left out of SARIF and annotations, listed in JSON with their suppression.
    assert!(!render(&report, Format::Sarif).contains("SL003"));
    assert!(!render(&report, Format::Github).contains("SL003"));
    let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
    assert_eq!(json["suppressed"][0]["suppressed"]["line"], 8);
    assert_eq!(json["suppressed"][0]["suppressed"]["until"], "2099-01-01");
    assert_eq!(json["summary"]["suppressed"], 2);
}

#[test]
fn an_expired_suppression_lets_the_finding_back_with_a_note() {
    let later = Settings { today: Date::new(2099, 1, 2), ..Settings::default() };
    let report = lint(Path::new(USED), later);
    assert_eq!(codes(&report), vec![("SL003", 9)]);
    assert!(report.findings[0].message.ends_with("(its suppression on line 8 expired on 2099-01-01)"));
    // The last day still counts.
    let last_day = Settings { today: Date::new(2099, 1, 1), ..Settings::default() };
    assert!(codes(&lint(Path::new(USED), last_day)).is_empty());
}

#[test]
fn require_reason_refuses_suppressions_without_one() {
    let dir = TempDir::new("reason");
    let file = dir.write(
        "c.yaml",
        "apiVersion: v1\nmetadata:\n  name: ocp1\ncontrolPlane:\n  replicas: 3\n  # stretchlint: ignore[SL003]\n  replicas: 3\nplatform:\n  openstack: {}\n",
    );
    assert!(codes(&lint(&file, Settings::default())).is_empty());
    let strict = Settings { require_reason: true, ..Settings::default() };
    assert_eq!(codes(&lint(&file, strict)), vec![("SL902", 6), ("SL003", 7)]);
}

#[test]
fn text_configurations_take_suppressions_too() {
    let dir = TempDir::new("keepalived");
    let fixture = Path::new("fixtures/rules/SL302/bad");
    for name in ["keepalived.conf", "network.yaml"] {
        let text = std::fs::read_to_string(fixture.join(name)).unwrap();
        let text = if name == "keepalived.conf" {
            text.replacen(
                "virtual_router_id 219",
                "virtual_router_id 219  # stretchlint: ignore[SL302] retired on 2026-12-01",
                1,
            )
        } else {
            text
        };
        dir.write(name, text);
    }
    let before = lint_paths(&[PathBuf::from(fixture)], &Settings::only("SL302")).unwrap();
    assert_eq!(before.findings.len(), 1);
    let after = lint_paths(std::slice::from_ref(&dir.0), &Settings::only("SL302")).unwrap();
    assert!(after.findings.is_empty(), "{:?}", codes(&after));
    assert_eq!(after.summary.suppressed, 1);
}

#[test]
fn isolated_runs_ignore_suppressions_and_show_suppressed_lists_them() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stretchlint"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            // Plain whatever FORCE_COLOR the environment sets.
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let out = run(&["check", USED, "--no-context"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 suppressed, --show-suppressed lists them"), "{text}");
    let out = run(&["check", USED, "--no-context", "--show-suppressed"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("(suppressed on line 8 until 2099-01-01: the template")
    );
    let out = run(&["check", USED, "--no-context", "--isolated", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(2));
}
