//! The CI formats: SARIF valid against the 2.1.0 schema with stable fingerprints and no secrets,
//! GitHub annotations with the cap and their escaping, JUnit XML that parses, the Markdown summary,
//! and `--format`/`--output` pairing.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::{Path, PathBuf};

use common::{TempDir, render, stretchlint_in};
use serde_json::Value;
use stretchlint::report::{Format, Options, render_with};
use stretchlint::{Report, Settings, lint_paths};

const BROKEN: &str = "fixtures/clusters/broken-stretch";
const PLANTED: [&str; 4] = [
    "fixtures/planted/ipi-rpn-stretched-l2",
    "fixtures/planted/ipi-overlay-fip",
    "fixtures/planted/upi-rpn-external-lb",
    "fixtures/planted/overlay-haproxy",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Lints a path relative to the repository root (the tests' working directory).
fn lint(path: &str) -> Report {
    lint_paths(&[PathBuf::from(path)], &Settings::default()).expect("lints")
}

fn sarif(report: &Report) -> Value {
    serde_json::from_str(&render(report, Format::Sarif)).expect("SARIF is JSON")
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let schema_path = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(schema_text) = std::fs::read_to_string(&schema_path) else {
        eprintln!("skipped: {} is absent (the shared folder beside the repository)", schema_path.display());
        return;
    };
    let schema: Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let mut results = 0;
    for tree in [BROKEN, "fixtures/architectures/ipi-overlay-fip"].into_iter().chain(PLANTED) {
        let doc = sarif(&lint(tree));
        let errors: Vec<String> =
            validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{tree}: SARIF does not validate:\n{}", errors.join("\n"));
        results += doc["runs"][0]["results"].as_array().map_or(0, Vec::len);
    }
    assert!(results >= 10, "the validated documents carry findings from every input kind ({results})");
    // The check can fail: KICS's `startLine: -1` does not validate.
    let mut bad = sarif(&lint(BROKEN));
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = (-1).into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn sarif_has_what_code_scanning_needs() {
    let report = lint(BROKEN);
    let doc = sarif(&report);
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "stretchlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));

    let rules = driver["rules"].as_array().unwrap();
    let mut codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, codes, "one rule entry per rule in the results, no more");
    for rule in rules {
        for field in
            ["name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration"]
        {
            assert!(!rule[field].is_null(), "rule {} lacks {field}", rule["id"]);
        }
        assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
        // The help page exists in the repository.
        let uri = rule["helpUri"].as_str().unwrap();
        let page = uri.split("/blob/main/").nth(1).expect("a repository page");
        assert!(root().join(page).is_file(), "{uri} points at a missing page");
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for (r, f) in results.iter().zip(&report.findings) {
        assert_eq!(r["ruleId"], f.code);
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], f.code);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], f.file.as_str());
        let region = &loc["region"];
        assert_eq!(region["startLine"], f.line);
        assert_eq!(region["startColumn"], f.column);
        assert_eq!(region["endLine"], f.end_line);
        assert_eq!(region["endColumn"], f.end_column);
        assert!(f.line >= 1 && f.column >= 1);
        let level = if f.severity == stretchlint::Severity::Info { "note" } else { f.severity.as_str() };
        assert_eq!(r["level"], level);
        assert!(r.get("snippet").is_none() && loc["region"].get("snippet").is_none());
    }
    let mut prints: Vec<&str> =
        results.iter().map(|r| r["partialFingerprints"]["stretchlint/v2"].as_str().unwrap()).collect();
    prints.sort_unstable();
    let n = prints.len();
    prints.dedup();
    assert_eq!(prints.len(), n, "fingerprints are unique within a run");
}

#[test]
fn fingerprints_survive_unrelated_edits_but_not_moves_between_objects() {
    let original = std::fs::read_to_string(root().join(BROKEN).join("install-config.yaml")).unwrap();
    let dir = TempDir::new("fingerprint");
    let prints = |text: &str| {
        dir.write("clusters/prod/install-config.yaml", text);
        let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
        let doc = sarif(&report);
        let lines: Vec<usize> = report.findings.iter().map(|f| f.line).collect();
        let mut keys: Vec<String> = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["stretchlint/v2"].as_str().unwrap().to_owned())
            .collect();
        keys.sort();
        let raw = stretchlint::report::identity::raw_keys(&report.findings, &report.sources);
        (keys, lines, raw)
    };
    let (before, lines_before, raw) = prints(&original);
    assert!(before.len() >= 5);
    assert!(before.iter().all(|k| !k.contains("InstallConfig") && !k.contains("$.")), "hashed: {before:?}");
    assert!(raw.iter().any(|k| k.contains(":InstallConfig/") && k.contains(":$.controlPlane.")), "{raw:?}");
    // Comments and blank lines above, an unrelated key added: every line moves, no key changes.
    let edited = format!(
        "# owned by the platform team\n\n# reviewed 2026-11\n{original}\nadditionalEnabledCapabilities: []\n"
    );
    let (after, lines_after, _) = prints(&edited);
    assert_ne!(lines_before, lines_after, "the edit moved the findings");
    assert_eq!(before, after);
}

#[test]
fn sarif_never_carries_secrets() {
    let dir = TempDir::new("secrets");
    let original = std::fs::read_to_string(root().join(BROKEN).join("install-config.yaml")).unwrap();
    let with_secrets = format!(
        "{original}pullSecret: '{{\"auths\":{{\"quay.io\":{{\"auth\":\"c2VjcmV0LXB1bGwtdG9rZW4=\"}}}}}}'\nsshKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN1cGVyc2VjcmV0a2V5 user@host\n"
    );
    dir.write("install-config.yaml", with_secrets);
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    assert!(!report.findings.is_empty());
    for format in [Format::Sarif, Format::Github, Format::Junit, Format::Markdown, Format::Json] {
        let out = render(&report, format);
        assert!(!out.contains("c2VjcmV0LXB1bGwtdG9rZW4"), "{format:?} leaks the pull secret");
        assert!(
            !out.contains("AAAAC3NzaC1lZDI1NTE5AAAAIHN1cGVyc2VjcmV0a2V5"),
            "{format:?} leaks the SSH key"
        );
    }
}

#[test]
fn github_annotations_snapshot() {
    insta::assert_snapshot!(render(&lint(BROKEN), Format::Github));
}

/// Three copies of a cluster with 4 errors and 2 warnings each: 12 errors, 6 warnings.
fn crowded() -> (TempDir, Report) {
    let dir = TempDir::new("crowded");
    let text = std::fs::read_to_string(root().join(BROKEN).join("install-config.yaml")).unwrap();
    for name in ["a", "b", "c"] {
        dir.write(
            &format!("{name}/install-config.yaml"),
            text.replace("name: broken", &format!("name: {name}")),
        );
    }
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    (dir, report)
}

#[test]
fn github_caps_each_severity_at_ten_and_says_what_it_left_out() {
    let (dir, report) = crowded();
    assert_eq!((report.summary.errors, report.summary.warnings), (12, 6));
    let file = |name: &str| format!("{}/{name}/install-config.yaml", dir.0.display());
    let changed = Options { changed_files: vec![file("c")], ..Options::default() };
    let mut out = Vec::new();
    render_with(&report, Format::Github, &changed, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error ")).collect();
    let warnings = out.lines().filter(|l| l.starts_with("::warning ")).count();
    let notices: Vec<&str> = out.lines().filter(|l| l.starts_with("::notice ")).collect();
    assert_eq!((errors.len(), warnings), (10, 6));
    assert_eq!(notices.len(), 1, "{out}");
    assert!(notices[0].contains("2 more findings were not annotated (2 errors)"), "{}", notices[0]);
    // The changed file's errors come first, then the others in file order.
    let prop = |name: &str| format!("file={}", file(name).replace(':', "%3A").replace(',', "%2C"));
    assert!(errors[..4].iter().all(|l| l.contains(&prop("c"))), "{errors:#?}");
    assert!(errors[4].contains(&prop("a")));
    // Every finding is still in the log, annotated or not.
    assert!(out.contains("::group::stretchlint: all findings (18)"));
    assert_eq!(out.lines().filter(|l| l.contains(": error SL")).count(), 12);

    let mut md = Vec::new();
    render_with(&report, Format::Markdown, &changed, &mut md).unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(md.contains("these 2 were left out"), "{md}");
    let left_out = format!("| error | `{}:", file("b"));
    assert_eq!(md.lines().filter(|l| l.starts_with(&left_out)).count(), 2, "{md}");
}

#[test]
fn markdown_summary_snapshot() {
    insta::assert_snapshot!(render(&lint(BROKEN), Format::Markdown));
}

#[test]
fn junit_parses_with_a_suite_per_cluster_and_a_case_per_rule() {
    let report = lint("fixtures/planted/ipi-overlay-fip");
    let xml = render(&report, Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    let top = doc.root_element();
    assert_eq!(top.tag_name().name(), "testsuites");
    let suites: Vec<_> = top.children().filter(|n| n.has_tag_name("testsuite")).collect();
    let cluster_suites =
        suites.iter().filter(|s| s.attribute("name").unwrap().starts_with("cluster ")).count();
    assert_eq!(cluster_suites, report.clusters.len());
    let mut failures = Vec::new();
    for suite in &suites {
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), report.rules_checked.len(), "one case per rule checked");
        assert_eq!(suite.attribute("tests").unwrap(), cases.len().to_string());
        let failed: Vec<_> =
            cases.iter().filter_map(|c| c.children().find(|n| n.has_tag_name("failure"))).collect();
        assert_eq!(suite.attribute("failures").unwrap(), failed.len().to_string());
        failures.extend(failed.iter().map(|f| f.text().unwrap_or("").to_owned()));
    }
    // The error finding fails its case with file:line; the warning (below the fail level) does not.
    let error = report.findings.iter().find(|f| f.severity == stretchlint::Severity::Error).unwrap();
    assert!(failures.iter().any(|t| t.contains(&format!("{}:{}:", error.file, error.line))), "{xml}");
    assert_eq!(failures.len(), report.summary.errors);
    insta::assert_snapshot!(xml);
}

#[test]
fn one_run_writes_several_formats() {
    let dir = TempDir::new("paired");
    let sarif_path = dir.0.join("out.sarif");
    let junit_path = dir.0.join("out.xml");
    let out = stretchlint_in(
        &[
            "check",
            BROKEN,
            "--format",
            "github",
            "--format",
            "sarif",
            "--output",
            sarif_path.to_str().unwrap(),
            "--format",
            "junit",
            "--output",
            junit_path.to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("::error file="), "{stdout}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");
    roxmltree::Document::parse(&std::fs::read_to_string(&junit_path).unwrap()).expect("JUnit parses");
}

#[test]
fn format_and_output_misuse_is_a_usage_error() {
    for args in [
        &["check", BROKEN, "--output", "x.sarif", "--format", "sarif"][..],
        &["check", BROKEN, "--format", "json", "--format", "sarif"][..],
        &["check", BROKEN, "--format", "json", "--output", "a", "--output", "b"][..],
        &["check", BROKEN, "--format", "json", "--output", "a", "--format", "sarif", "--output", "a"][..],
    ] {
        let out = stretchlint_in(args, root());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
    let dir = TempDir::new("unwritable");
    let target = dir.0.join("missing-folder/out.sarif");
    let out =
        stretchlint_in(&["check", BROKEN, "--format", "sarif", "--output", target.to_str().unwrap()], root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}

#[test]
fn clusters_of_one_name_are_told_apart_by_their_folder() {
    let dir = TempDir::new("twins");
    let config = "apiVersion: v1\nmetadata:\n  name: prod\nplatform:\n  openstack:\n    cloud: openstack\n";
    dir.write("east/install-config.yaml", config);
    dir.write("west/install-config.yaml", config);
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    let md = render(&report, Format::Markdown);
    for side in ["east", "west"] {
        let label = format!("prod ({}/{side}/install-config.yaml)", dir.0.display());
        assert!(md.contains(&format!("| {label} |")), "{md}");
        assert!(render(&report, Format::Junit).contains(&format!("name=\"cluster {label}\"")));
    }
}

#[test]
fn sarif_paths_start_at_the_repository_root_whatever_folder_it_runs_from() {
    let dir = TempDir::new("sarif-root");
    std::fs::create_dir_all(dir.0.join(".git")).unwrap();
    let broken = std::fs::read_to_string(root().join(BROKEN).join("install-config.yaml")).unwrap();
    dir.write("infra/prod/install-config.yaml", &broken);
    let out = stretchlint_in(&["check", "prod", "--format", "sarif"], &dir.0.join("infra"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &doc["runs"][0];
    let uri = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "infra/prod/install-config.yaml");
    assert_eq!(run["automationDetails"]["id"], "stretchlint/infra/prod/");
}
