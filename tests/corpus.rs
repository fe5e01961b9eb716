//! Real public manifests (`../shared/corpus`, see its MANIFEST.tsv): the tool reads every file
//! without crashing, reports no parse error on files the MANIFEST marks as parsing, and gives the
//! complete install-configs an architecture their own fields support.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // fail loudly; say why a test skips

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stretchlint::inputs::{Input, lb, terraform};
use stretchlint::model::site::Site;
use stretchlint::source::FileId;
use stretchlint::yaml::{self, Node};
use stretchlint::{Settings, lint_paths};

struct Row {
    path: PathBuf,
    kind: String,
    notes: String,
}

fn corpus() -> Option<(PathBuf, Vec<Row>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).ok()?;
    let rows = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Some(Row {
                path: root.join(cols.first()?),
                kind: cols.get(4)?.to_string(),
                notes: cols.get(5).copied().unwrap_or("").to_owned(),
            })
        })
        .collect();
    Some((root, rows))
}

/// Set (to `1`) by `.ci/run`: a missing corpus fails the corpus tests instead of letting them
/// pass in no time having read nothing.
const REQUIRE: &str = "STRETCHLINT_REQUIRE_CORPUS";

fn corpus_required() -> bool {
    std::env::var_os(REQUIRE).is_some_and(|v| v == "1")
}

/// Why a missing corpus is not a silent pass: it fails when required, and otherwise says so on
/// standard error (shown with `--nocapture`, and by `corpus_is_present_or_its_absence_allowed`).
fn skip_or_fail() {
    let message = "../shared/corpus (MANIFEST.tsv) is not present beside the repository";
    assert!(!corpus_required(), "{REQUIRE}=1 but {message}");
    eprintln!("skipped: {message} (set {REQUIRE}=1 to make this a failure)");
}

macro_rules! corpus_or_skip {
    () => {
        match corpus() {
            Some(c) => c,
            None => {
                skip_or_fail();
                return;
            }
        }
    };
}

/// The one corpus test whose name and outcome tell whether the corpus was read: it fails when
/// the corpus is required and missing, and checks the manifest lists files that exist.
#[test]
fn corpus_is_present_or_its_absence_allowed() {
    let Some((_, rows)) = corpus() else {
        skip_or_fail();
        return;
    };
    assert!(!rows.is_empty(), "MANIFEST.tsv lists no file");
    let missing: Vec<_> =
        rows.iter().filter(|r| !r.path.exists()).map(|r| r.path.display().to_string()).collect();
    assert!(missing.is_empty(), "MANIFEST.tsv lists files that are not there:\n{}", missing.join("\n"));
}

#[test]
fn whole_corpus_scans_without_parse_errors_on_parsing_files() {
    let (root, rows) = corpus_or_skip!();
    let report = lint_paths(std::slice::from_ref(&root), &Settings::default()).expect("the corpus scans");
    let by_file: BTreeMap<&str, Vec<&stretchlint::Finding>> =
        report.findings.iter().fold(BTreeMap::new(), |mut m, f| {
            m.entry(f.file.as_str()).or_default().push(f);
            m
        });
    let mut wrong = Vec::new();
    for row in rows.iter().filter(|r| r.notes.contains("parse=ok")) {
        let display = stretchlint::source::display_path(&row.path);
        for f in by_file.get(display.as_str()).into_iter().flatten() {
            if f.code == "SL001" {
                wrong.push(format!("{display}:{}: {}", f.line, f.message));
            }
        }
    }
    assert!(wrong.is_empty(), "SL001 on files that parse:\n{}", wrong.join("\n"));

    // Real paths and findings of every kind make valid SARIF and well-formed JUnit XML.
    let schema = std::fs::read_to_string(root.join("../schemas/sarif-schema-2.1.0.json"));
    if let Ok(schema) = schema {
        let schema: serde_json::Value = serde_json::from_str(&schema).expect("schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let sarif = common::render(&report, stretchlint::report::Format::Sarif);
        let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
        let errors: Vec<String> = validator.iter_errors(&sarif).take(5).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "corpus SARIF does not validate: {errors:#?}");
    }
    let junit = common::render(&report, stretchlint::report::Format::Junit);
    roxmltree::Document::parse(&junit).expect("corpus JUnit parses");
}

#[test]
fn every_corpus_file_alone_is_read_without_panic() {
    let (_, rows) = corpus_or_skip!();
    for row in &rows {
        let result = lint_paths(std::slice::from_ref(&row.path), &Settings::default());
        assert!(result.is_ok(), "{}: {:?}", row.path.display(), result.err());
    }
}

/// The architecture an install-config's own fields point to, read independently of the
/// inference code: floating IPs → 2; user-managed LB → 3 or 4; a control-plane port or
/// machines subnet without floating IPs → 1.
fn expected(root: &Node) -> Option<Vec<&'static str>> {
    let os = root.path(&["platform", "openstack"])?;
    let has = |k: &str| os.get(k).is_some_and(|v| !v.is_null());
    let fip = has("apiFloatingIP") || has("ingressFloatingIP") || has("lbFloatingIP");
    let user_managed = os.path(&["loadBalancer", "type"]).and_then(Node::as_str) == Some("UserManaged");
    if user_managed {
        Some(vec!["upi-rpn-external-lb", "overlay-haproxy"])
    } else if fip {
        Some(vec!["ipi-overlay-fip"])
    } else if has("controlPlanePort") || has("machinesSubnet") {
        Some(vec!["ipi-rpn-stretched-l2"])
    } else {
        None
    }
}

#[test]
fn complete_install_configs_get_a_sensible_architecture() {
    let (_, rows) = corpus_or_skip!();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for row in rows.iter().filter(|r| r.kind == "install-config" && r.notes.contains("parse=ok")) {
        if !row.notes.contains("; full;") {
            continue;
        }
        let text = std::fs::read_to_string(&row.path).unwrap_or_default();
        let parsed = yaml::parse(FileId(0), &text);
        let Some(want) = parsed.documents.first().and_then(|d| expected(&d.root)) else { continue };
        let report = lint_paths(std::slice::from_ref(&row.path), &Settings::default()).expect("scans");
        let got = report.clusters.first().map(|c| c.architecture.id).unwrap_or("none");
        checked += 1;
        if !want.contains(&got) {
            wrong.push(format!("{}: expected one of {want:?}, inferred {got}", row.path.display()));
        }
    }
    assert!(checked >= 10, "only {checked} complete install-configs checked");
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// Which network manifests (Heat, Ansible, Terraform) and load balancer configurations of the
/// corpus yield objects, and how many of each kind: a record to review when a reader changes.
#[test]
fn network_manifests_yield_neutron_objects() {
    let (root, rows) = corpus_or_skip!();
    let kinds = ["heat-network", "ansible-network", "terraform-network", "haproxy", "keepalived"];
    let mut record = String::new();
    for row in rows.iter().filter(|r| kinds.contains(&r.kind.as_str())) {
        let rel = row.path.strip_prefix(&root).unwrap_or(&row.path).display().to_string();
        let text = std::fs::read_to_string(&row.path).unwrap_or_default();
        let line = match row.kind.as_str() {
            "terraform-network" => terraform_line(&text),
            "haproxy" | "keepalived" => lb_line(&text),
            _ => yaml_line(&text),
        };
        record.push_str(&format!("{} {rel}: {line}\n", row.kind));
    }
    insta::assert_snapshot!(record);
}

fn yaml_line(text: &str) -> String {
    let parsed = yaml::parse(FileId(0), text);
    let failed = !parsed.errors.is_empty();
    let mut site = Site::default();
    let mut found = false;
    for doc in parsed.documents {
        let mut inputs = Vec::new();
        stretchlint::inputs::read_document(FileId(0), doc.root, &mut inputs);
        for input in inputs {
            match input {
                Input::Network(part) => site.extend(*part),
                Input::Playbook(p) => {
                    site.extend(stretchlint::inputs::ansible::read(p.file, &p.root, &[], Path::new("")))
                }
                _ => continue,
            }
            found = true;
        }
    }
    match (found, failed) {
        (false, true) => "does not parse".to_owned(),
        (false, false) => "no network manifest recognised".to_owned(),
        (true, _) => counts(&site),
    }
}

fn terraform_line(text: &str) -> String {
    match terraform::parse(text) {
        Err(e) => format!("does not parse: {}", e.message),
        Ok(body) => {
            let file = terraform::TerraformFile::new(FileId(0), body, Path::new("main.tf"));
            let site = terraform::read_module(&[&file]);
            counts(&site)
        }
    }
}

fn lb_line(text: &str) -> String {
    match lb::read(FileId(0), text) {
        None => "not recognised".to_owned(),
        Some(lb::LbConfig::Proxy(h)) => {
            let ports: Vec<String> = h
                .frontends
                .iter()
                .flat_map(|f| &f.binds)
                .map(|b| b.port.value().map_or("?".to_owned(), ToString::to_string))
                .collect();
            let servers: usize = h.backends.iter().map(|b| b.servers.len()).sum();
            format!(
                "haproxy, {} frontends (ports {}), {} backends, {servers} servers",
                h.frontends.len(),
                ports.join(" "),
                h.backends.len()
            )
        }
        Some(lb::LbConfig::Keepalived(k)) => {
            let ids: Vec<String> = k
                .instances
                .iter()
                .map(|i| i.virtual_router_id.value().map_or("?".to_owned(), ToString::to_string))
                .collect();
            format!("keepalived, {} instances (VRIDs {})", k.instances.len(), ids.join(" "))
        }
    }
}

fn counts(site: &Site) -> String {
    format!(
        "{} networks, {} segments, {} subnets, {} routers, {} interfaces, {} ports, {} FIPs, {} SGs, {} SG rules",
        site.networks.len(),
        site.segments.len(),
        site.subnets.len(),
        site.routers.len(),
        site.router_interfaces.len(),
        site.ports.len(),
        site.floating_ips.len(),
        site.security_groups.len(),
        site.security_group_rules.len()
    )
}
