//! The registry stays honest: every descriptor parses and is registered, codes and names are
//! unique and well-formed, every rule has fixtures, and each descriptor's bad example fires while
//! its good example does not.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::TempDir;
use stretchlint::rules::{self, ALL, catalogue};
use stretchlint::{Settings, lint_paths};

const ARCHITECTURES: [&str; 5] =
    ["all", "ipi-rpn-stretched-l2", "ipi-overlay-fip", "upi-rpn-external-lb", "overlay-haproxy"];

#[test]
fn every_descriptor_parses_and_matches_its_rule() {
    for rule in ALL {
        let d = rules::parse_descriptor(rule.descriptor()).unwrap_or_else(|e| panic!("{}: {e}", rule.code()));
        assert_eq!(d.code, rule.code(), "descriptor code");
        let code_ok =
            d.code.len() == 5 && d.code.starts_with("SL") && d.code[2..].chars().all(|c| c.is_ascii_digit());
        assert!(code_ok, "{}: code must be SL + 3 digits", d.code);
        let kebab = d.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        assert!(kebab && !d.name.starts_with('-'), "{}: name must be kebab-case", d.code);
        assert!(!d.summary.trim().is_empty() && !d.rationale.trim().is_empty() && !d.fix.trim().is_empty());
        for a in &d.architectures {
            assert!(ARCHITECTURES.contains(&a.as_str()), "{}: unknown architecture {a}", d.code);
        }
        let file =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("rules").join(format!("{}-{}.yaml", d.code, d.name));
        assert!(file.is_file(), "{}: descriptor must be rules/{}-{}.yaml", d.code, d.code, d.name);
    }
}

#[test]
fn codes_and_names_are_unique_and_sorted() {
    let codes: Vec<&str> = ALL.iter().map(|r| r.code()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted, "ALL must be sorted by code, without duplicates");
    let names: BTreeSet<&str> = catalogue().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), ALL.len(), "rule names must be unique");
}

#[test]
fn every_descriptor_file_is_registered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(dir).expect("rules/ exists").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".yaml") {
            continue;
        }
        let code = name.split('-').next().unwrap_or_default();
        assert!(ALL.iter().any(|r| r.code() == code), "rules/{name} has no registered rule");
    }
}

#[test]
fn every_rule_has_a_firing_and_a_silent_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for rule in ALL {
        let dir = root.join(rule.code());
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("fixtures/rules/{} is missing", rule.code()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(cases.iter().any(|c| c.starts_with("bad")), "{}: no bad fixture", rule.code());
        assert!(cases.iter().any(|c| c.starts_with("good")), "{}: no good fixture", rule.code());
    }
}

#[test]
fn descriptor_examples_fire_and_pass() {
    let mut failures = Vec::new();
    for d in catalogue() {
        let e = &d.examples;
        for (kind, text, files, should_fire) in
            [("bad", &e.bad, &e.bad_files, true), ("good", &e.good, &e.good_files, false)]
        {
            let dir = TempDir::new(&format!("{}-{kind}", d.code));
            dir.write("example.yaml", text);
            for (name, content) in files {
                dir.write(name, content);
            }
            let report =
                lint_paths(std::slice::from_ref(&dir.0), &Settings::only(&d.code)).expect("example lints");
            let fired = report.findings.iter().any(|f| f.code == d.code);
            if fired != should_fire {
                let got: Vec<String> =
                    report.findings.iter().map(|f| format!("{} {}", f.code, f.message)).collect();
                failures.push(format!("{} {kind} example: fired={fired}, findings {got:?}", d.code));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn catalogue_snapshot() {
    let listing: String = catalogue()
        .iter()
        .map(|d| format!("{} {} {} [{}]\n", d.code, d.name, d.severity(), d.architectures.join(", ")))
        .collect();
    insta::assert_snapshot!(listing);
}

#[test]
fn readme_rule_table_is_current() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let table = rules::docs::table(catalogue());
    assert!(readme.contains(&table), "README.md's rule table is stale; replace it with:\n{table}");
}

/// Each rule's page under docs/rules/ is generated from its descriptor; `STRETCHLINT_UPDATE_DOCS=1`
/// rewrites them. A page without a rule is stale too.
#[test]
fn rule_pages_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("STRETCHLINT_UPDATE_DOCS").is_some();
    let mut expected = BTreeSet::new();
    for d in catalogue() {
        let rel = rules::docs::page_path(d);
        let page = rules::docs::page(d);
        if update {
            std::fs::create_dir_all(dir.join("docs/rules")).expect("docs folder");
            std::fs::write(dir.join(&rel), &page).expect("write page");
        }
        let on_disk = std::fs::read_to_string(dir.join(&rel)).unwrap_or_default();
        assert!(on_disk == page, "{rel} is stale: run `STRETCHLINT_UPDATE_DOCS=1 cargo test --test meta`");
        expected.insert(rel);
    }
    let found: BTreeSet<String> = std::fs::read_dir(dir.join("docs/rules"))
        .expect("docs/rules")
        .map(|e| format!("docs/rules/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    assert_eq!(found, expected, "docs/rules/ holds pages of no rule");
}
