//! Every rule against its fixtures: `fixtures/rules/<CODE>/bad*` must fire exactly at the lines
//! their `# expect: <CODE> at <lines>` comments give, `good*` must stay silent; the human
//! rendering of each fixture is snapshotted.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::{Path, PathBuf};

use common::{expectations, lint_one, render};
use stretchlint::report::Format;

fn fixtures() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&root).expect("fixtures/rules exists").flatten() {
        let code = rule.file_name().to_string_lossy().into_owned();
        for case in std::fs::read_dir(rule.path()).expect("rule fixture dir").flatten() {
            out.push((code.clone(), case.path()));
        }
    }
    out.sort();
    out
}

fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[test]
fn rules_fire_exactly_where_fixtures_say() {
    let mut failures = Vec::new();
    for (code, path) in fixtures() {
        let rel = relative(&path);
        let report = lint_one(&rel, &code);
        let mut got: Vec<(String, usize)> =
            report.findings.iter().filter(|f| f.code == code).map(|f| (f.file.clone(), f.line)).collect();
        got.sort();
        let want = expectations(&rel, &code);
        let name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with("good") && !want.is_empty() {
            failures.push(format!("{}: a good fixture must not expect findings", rel.display()));
        }
        if name.starts_with("bad") && want.is_empty() {
            failures.push(format!("{}: a bad fixture needs `# expect: {code} at <lines>`", rel.display()));
        }
        if got != want {
            failures.push(format!("{}: expected {want:?}, got {got:?}", rel.display()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn rule_fixture_snapshots() {
    for (code, path) in fixtures() {
        let rel = relative(&path);
        let report = lint_one(&rel, &code);
        let name = format!(
            "{code}-{}",
            rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        );
        insta::with_settings!({ omit_expression => true, snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, render(&report, Format::Human { color: false }));
        });
    }
}
