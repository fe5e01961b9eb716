//! UPI Ansible trees read end to end (`fixtures/ansible/upi-playbooks`, shaped like the
//! installer's `upi/openstack/`): inventory host vars, `group_vars/`/`host_vars/` precedence,
//! `set_fact` through `import_playbook`, names that stay unknown (and are never shown as the task
//! title), and the symbols that link the objects of one folder's run, and only of that folder.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use stretchlint::discover::{Excludes, discover};
use stretchlint::model::{Model, build};
use stretchlint::{Settings, model_json};

const TREE: &str = "fixtures/ansible/upi-playbooks";

fn tree() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(TREE)
}

fn model() -> Model {
    let files = discover(&[tree()], &Excludes::default(), false).unwrap();
    build(stretchlint::loader::load(&files).inputs, stretchlint::model::Installer::default())
}

#[test]
fn group_vars_and_extensionless_host_vars_are_discovered() {
    let files = discover(&[tree()], &Excludes::default(), false).unwrap();
    let names: Vec<String> =
        files.iter().map(|f| f.path.strip_prefix(tree()).unwrap().display().to_string()).collect();
    assert!(names.contains(&"group_vars/all.yml".to_owned()), "{names:?}");
    assert!(names.contains(&"host_vars/localhost".to_owned()), "{names:?}");
}

#[test]
fn host_vars_under_all_hosts_localhost_give_the_subnet_its_cidr() {
    let model = model();
    let site = &model.site;
    let subnet = site.subnets.iter().find(|s| s.origin.key.value == "Create a subnet").unwrap();
    // The inventory file's host var (10.0.0.0/16) wins over group_vars/all (10.99.0.0/16).
    assert_eq!(subnet.cidr.value().map(ToString::to_string).as_deref(), Some("10.0.0.0/16"));
    // The subnet's name is built from `infraID`, which only metadata.json holds: unknown.
    assert!(subnet.name.is_unknown());
    // The API port's fixed IP, host 5 of that range, through `next_nth_usable(5)`.
    let api = site.ports.iter().find(|p| p.origin.key.value == "Create the API port").unwrap();
    let ip = api.fixed_ips.first().and_then(|(_, ip)| ip.value()).map(ToString::to_string);
    assert_eq!(ip.as_deref(), Some("10.0.0.5"));
    let pair = site.ports.iter().find(|p| p.origin.key.value == "Create the bootstrap server port").unwrap();
    assert_eq!(
        pair.allowed_address_pairs.first().and_then(|p| p.value()).map(String::as_str),
        Some("10.0.0.5")
    );
}

#[test]
fn host_vars_files_win_over_the_inventory_files_host_vars() {
    let model = model();
    let server =
        model.site.servers.iter().find(|s| s.origin.key.value == "Create the bootstrap server").unwrap();
    assert_eq!(server.availability_zone.value().map(String::as_str), Some("az2"));
    // A server made in a loop has its name unknown (it differs each time).
    let looped =
        model.site.servers.iter().find(|s| s.origin.key.value == "Create the Compute servers").unwrap();
    assert!(looped.name.is_unknown());
}

#[test]
fn set_fact_overrides_an_inventory_literal_and_stays_unknown() {
    let model = model();
    // The inventory says `os_network: "{{ os_infra_id }}-network"` (ocp-upi-network), but
    // common.yaml's set_fact, pulled in by import_playbook, replaces it with one from `infraID`.
    let names: Vec<_> = model.site.networks.iter().map(|n| n.name.value().cloned()).collect();
    assert_eq!(names, vec![None], "one network, its name unknown");
    assert!(model.site.network_named("ocp-upi-network").is_none());
    // The Kuryr network's task is skipped: its `when:` compares a known var and is false.
    assert!(!model.site.networks.iter().any(|n| n.origin.key.value.contains("Kuryr")));
}

#[test]
fn the_same_unresolved_expression_links_network_subnet_router_ports_and_groups() {
    let model = model();
    let site = &model.site;
    let network = site.networks.first().unwrap();
    let subnet = site.subnets.iter().find(|s| s.origin.key.value == "Create a subnet").unwrap();
    assert_eq!(site.network(&subnet.network).map(|n| &n.origin), Some(&network.origin));
    // The router's interface `"{{ os_subnet }}"` is that subnet, so the router is on the network.
    let routers: Vec<_> = site.routers_on(network).map(|r| r.origin.key.value.as_str()).collect();
    assert_eq!(routers, ["Create external router"]);
    // Every port, the looped control-plane ones too (their names are unknown, their network not).
    assert_eq!(site.ports.len(), 3);
    for port in &site.ports {
        assert_eq!(site.network(&port.network).map(|n| &n.origin), Some(&network.origin), "{port:?}");
    }
    let looped = site.ports.iter().find(|p| p.origin.key.value == "Create the Control Plane ports").unwrap();
    assert!(looped.name.is_unknown());
    // The port's group and the VRRP rule's group are the same security group.
    let api = site.ports.iter().find(|p| p.origin.key.value == "Create the API port").unwrap();
    let group =
        api.security_groups.as_ref().and_then(|g| g.value.first()).and_then(|g| site.security_group(g));
    let group = group.unwrap();
    assert_eq!(site.rules_of(group).count(), 1);
}

#[test]
fn the_cluster_attaches_to_the_network_whose_name_is_unknown() {
    // The installer's default API VIP (host 5 of 10.0.0.0/16) lies in the subnet read from the
    // host vars, whose network is linked by symbol: the chain holds without `infraID`.
    let model = model();
    let cluster = model.clusters.first().unwrap();
    let attached = model.site.control_plane_attachment(cluster).unwrap();
    assert_eq!(attached.network.origin.key.value, "Create the cluster network");
    assert!(attached.network.name.value().is_none());
}

#[test]
fn a_symbol_never_matches_another_folders_objects() {
    let model = model();
    let site = &model.site;
    // `elsewhere/` writes `network_name: "{{ infraID }}-network"`, the very expression this
    // folder's network is named by after substitution, but it is another run.
    let other = site.subnets.iter().find(|s| s.origin.key.value.contains("made elsewhere")).unwrap();
    assert!(site.network(&other.network).is_none());
}

#[test]
fn an_unresolved_name_is_shown_as_unresolved_never_as_the_task_title() {
    let model = model();
    let network = model.site.networks.first().unwrap();
    let shown = network.display_name();
    assert_ne!(shown, "Create the cluster network");
    assert_eq!(shown, "(unresolved name, defined by \"Create the cluster network\")");
    let router = model.site.routers.first().unwrap();
    assert_eq!(router.display_name(), "(unresolved name, defined by \"Create external router\")");
}

#[test]
fn the_model_json_gives_a_null_name_and_the_definition_apart() {
    let json: Value = model_json(&[tree()], &Settings { context: false, ..Settings::default() }).unwrap();
    let networks = json["networks"].as_array().unwrap();
    assert_eq!(networks.len(), 1);
    assert_eq!(networks[0]["name"], Value::Null);
    assert_eq!(networks[0]["definedBy"], "Create the cluster network");
    assert_eq!(networks[0]["subnets"][0]["cidr"], "10.0.0.0/16");
    assert!(networks[0]["subnets"][0].get("name").is_none());
    let routers = json["routers"].as_array().unwrap();
    assert_eq!(routers[0]["name"], Value::Null);
    assert_eq!(routers[0]["definedBy"], "Create external router");
    // No object anywhere in the export is named by a task title.
    let text = json.to_string();
    for title in ["Create the cluster network", "Create a subnet", "Create external router"] {
        assert!(!text.contains(&format!("\"name\":\"{title}\"")), "{title} shown as a name");
    }
    // The export still matches its schema.
    let schema: Value = serde_json::from_str(stretchlint::model::export::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&json));
}

#[test]
fn the_tree_lints_without_findings() {
    let report =
        stretchlint::lint_paths(&[tree()], &Settings { context: false, ..Settings::default() }).unwrap();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let _ = common::render;
}
