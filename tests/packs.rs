//! Custom rule packs: the example packs under `examples/packs/` fire exactly where the fixtures
//! under `fixtures/packs/<pack>/bad` say and stay silent on `good`; packs load from `--rules` and
//! from the configuration's `rules:`; a broken rule file is an error at its line (exit 2).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::{Path, PathBuf};

use common::{TempDir, expectations, stretchlint_in};
use serde_json::Value;
use stretchlint::rules::custom;
use stretchlint::{Error, Settings, lint_paths};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pack(name: &str) -> PathBuf {
    root().join("examples/packs").join(name)
}

/// `(code, file, line)` of every finding of a pack's rules on a fixture tree.
fn run_pack(name: &str, case: &str) -> Vec<(String, String, usize)> {
    let rules = custom::load(&pack(name)).expect("the example pack loads");
    let codes: Vec<&str> = rules.iter().map(|r| r.code()).collect();
    let mut settings =
        Settings { select: codes.iter().map(|c| (*c).to_owned()).collect(), ..Settings::default() };
    settings.add_rules(rules.iter().cloned());
    let tree = Path::new("fixtures/packs").join(name).join(case);
    let report = lint_paths(&[tree], &settings).expect("the fixture lints");
    report.findings.iter().map(|f| (f.code.to_owned(), f.file.clone(), f.line)).collect()
}

#[test]
fn example_packs_fire_exactly_where_the_fixtures_say() {
    for name in ["compute-policy", "topology-policy"] {
        let rules = custom::load(&pack(name)).unwrap();
        assert!(rules.len() >= 3, "{name} ships its rules");
        let bad = Path::new("fixtures/packs").join(name).join("bad");
        let mut want: Vec<(String, String, usize)> = rules
            .iter()
            .flat_map(|r| {
                expectations(&bad, r.code()).into_iter().map(|(file, line)| (r.code().to_owned(), file, line))
            })
            .collect();
        let mut got = run_pack(name, "bad");
        want.sort();
        got.sort();
        assert_eq!(got, want, "{name}: findings on bad/");
        for rule in &rules {
            assert!(got.iter().any(|(code, ..)| code == rule.code()), "{} fires on {name}/bad", rule.code());
        }
        assert_eq!(run_pack(name, "good"), Vec::new(), "{name}: good/ is clean");
    }
}

#[test]
fn pack_rules_carry_their_descriptor_into_every_format() {
    let rules = custom::load(&pack("compute-policy")).unwrap();
    let mut settings = Settings { select: vec!["ACME".into()], ..Settings::default() };
    settings.add_rules(rules);
    let report = lint_paths(&[PathBuf::from("fixtures/packs/compute-policy/bad")], &settings).unwrap();
    let acme2 = report.findings.iter().find(|f| f.code == "ACME002").expect("ACME002 fires");
    assert_eq!(acme2.rule, "approved-machineset-flavor");
    assert_eq!(acme2.severity, stretchlint::Severity::Error);
    assert!(acme2.help.as_deref().is_some_and(|h| h.contains("m1.xlarge")), "the fix is the help");
    let sarif = common::render(&report, stretchlint::report::Format::Sarif);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"ACME001") && ids.contains(&"ACME002"), "{ids:?}");
}

#[test]
fn the_cli_loads_packs_from_rules_and_from_the_configuration() {
    let dir = root();
    let out = stretchlint_in(
        &[
            "check",
            "--rules",
            "examples/packs/compute-policy",
            "--format",
            "json",
            "fixtures/packs/compute-policy/bad",
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"ACME003"), "{codes:?}");

    let tmp = TempDir::new("packs-config");
    std::fs::create_dir_all(tmp.0.as_path().join("policies")).unwrap();
    std::fs::copy(
        pack("compute-policy").join("ACME002-approved-machineset-flavor.yaml"),
        tmp.0.as_path().join("policies/flavor.yaml"),
    )
    .unwrap();
    tmp.write(".stretchlint.yaml", "rules: [policies/]\nselect: [approved-machineset-flavor]\n");
    std::fs::copy(
        root().join("fixtures/packs/compute-policy/bad/openshift/worker-az2.yaml"),
        tmp.0.as_path().join("worker.yaml"),
    )
    .unwrap();
    let out = stretchlint_in(&["check", "--format", "json", "worker.yaml"], tmp.0.as_path());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, vec![("ACME002", 20)]);

    // An auditor's run ignores the repository's configuration, and with it its packs.
    let out = stretchlint_in(&["check", "--isolated", "--format", "json", "worker.yaml"], tmp.0.as_path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["code"] != "ACME002"));

    let out = stretchlint_in(&["rules", "--rules", "examples/packs/topology-policy"], dir);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("TOPO001  two-workers-per-zone"), "{listing}");
    let out = stretchlint_in(&["explain", "--rules", "examples/packs/topology-policy", "three-zones"], dir);
    assert!(String::from_utf8_lossy(&out.stdout).contains("at least three AZs"));
}

/// The error a broken rule file gives: `(line, column, message)`.
fn broken(text: &str) -> (usize, usize, String) {
    match custom::parse(Path::new("policies/rule.yaml"), text) {
        Err(Error::Invalid { line, column, message, .. }) => (line, column, message),
        other => panic!("expected an error at a position, got {other:?}"),
    }
}

const VALID: &str = "code: TEST100\nname: test-rule-hundred\nseverity: warning\nsummary: A test rule.\n\
check:\n  target: MachineSet\n  schema:\n    required: [spec]\n";

#[test]
fn a_broken_rule_file_is_an_error_at_its_line() {
    assert!(custom::parse(Path::new("ok.yaml"), VALID).is_ok());
    let (line, column, message) = broken(&VALID.replace("severity: warning", "severity: fatal"));
    assert_eq!((line, column), (3, 11), "{message}");
    let (line, _, message) =
        broken(&VALID.replace("summary: A test rule.", "summary: A test rule.\nsumary: typo"));
    assert_eq!(line, 5, "an unknown key, at the key: {message}");
    let (line, _, message) = broken(&VALID.replace("required: [spec]", "required: 7"));
    assert_eq!(line, 8, "a schema that does not compile, at the schema: {message}");
    assert!(message.contains("not a valid JSON Schema"), "{message}");
    let (line, _, message) = broken(&VALID.replace("code: TEST100", "code: SL999"));
    assert_eq!(line, 1);
    assert!(message.contains("reserved"), "{message}");
    let (line, _, message) = broken(&VALID.replace("name: test-rule-hundred", "name: deprecated-field"));
    assert_eq!(line, 2);
    assert!(message.contains("SL401"), "a built-in name is taken: {message}");
    let (line, _, _) = broken(&VALID.replace("target: MachineSet", "target: machine set"));
    assert_eq!(line, 6);
    let (line, _, _) = broken("code: [\n");
    assert!(line >= 1);
}

#[test]
fn one_code_is_one_rule_for_the_whole_run() {
    let first = VALID.replace("TEST100", "TEST101").replace("test-rule-hundred", "test-rule-101");
    assert!(custom::parse(Path::new("a.yaml"), &first).is_ok());
    assert!(custom::parse(Path::new("copy.yaml"), &first).is_ok(), "the same rule again is the same rule");
    let (line, _, message) = broken(&first.replace("A test rule.", "Another rule."));
    assert_eq!(line, 1);
    assert!(message.contains("taken by TEST101"), "{message}");
}

#[test]
fn a_broken_pack_stops_the_run_with_exit_2() {
    let tmp = TempDir::new("packs-broken");
    tmp.write(
        "policies/rule.yaml",
        VALID.replace("TEST100", "TEST102").replace("severity: warning", "severity: loud"),
    );
    tmp.write("install-config.yaml", "apiVersion: v1\n");
    let out = stretchlint_in(&["check", "--rules", "policies", "."], tmp.0.as_path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rule.yaml:3:11"), "{stderr}");

    tmp.write(".stretchlint.yaml", "rules: [missing/]\n");
    let out = stretchlint_in(&["check", "."], tmp.0.as_path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".stretchlint.yaml:1:9") && stderr.contains("rule pack"), "{stderr}");
}
