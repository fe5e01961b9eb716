//! A pool's `failureDomains` (the 4.13 Tech Preview spelling): the 4.13 installer places the
//! machines by it, later ones drop it (SL108) and the machines fall back to `zones`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use common::{TempDir, stretchlint_in};
use serde_json::Value;

const INSTALL_CONFIG: &str = include_str!("../fixtures/rules/SL108/bad.yaml");

fn zones(dir: &TempDir) -> Vec<(String, i64)> {
    let out = stretchlint_in(&["model", "."], &dir.0);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let model: Value = serde_json::from_slice(&out.stdout).unwrap();
    model["clusters"][0]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| (z["name"].as_str().unwrap_or_default().to_owned(), z["controlPlane"].as_i64().unwrap_or(0)))
        .collect()
}

fn codes(dir: &TempDir) -> Vec<String> {
    let out = stretchlint_in(&["check", "--format", "json", "."], &dir.0);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_4_13_installer_places_the_masters_by_failure_domains() {
    let dir = TempDir::new("fd-4-13");
    dir.write("install-config.yaml", INSTALL_CONFIG);
    dir.write(".stretchlint.yaml", "openshift-version: \"4.13\"\n");
    assert_eq!(zones(&dir), [("az1".to_owned(), 1), ("az2".to_owned(), 1), ("az3".to_owned(), 1)]);
    assert!(!codes(&dir).iter().any(|c| c == "SL108" || c == "SL101"), "{:?}", codes(&dir));
}

#[test]
fn under_4_13_two_masters_in_one_domain_lose_quorum_with_it() {
    let dir = TempDir::new("fd-4-13-crowded");
    dir.write(
        "install-config.yaml",
        INSTALL_CONFIG.replace("computeAvailabilityZone: az3", "computeAvailabilityZone: az1"),
    );
    dir.write(".stretchlint.yaml", "openshift-version: \"4.13\"\n");
    assert!(codes(&dir).contains(&"SL101".to_owned()), "{:?}", codes(&dir));
}

#[test]
fn later_installers_drop_the_domains_and_the_masters_share_the_default_az() {
    for config in [None, Some("openshift-version: \"4.16\"\n")] {
        let dir = TempDir::new("fd-later");
        dir.write("install-config.yaml", INSTALL_CONFIG);
        if let Some(config) = config {
            dir.write(".stretchlint.yaml", config);
        }
        assert!(zones(&dir).iter().all(|(name, _)| name.is_empty()), "{:?}", zones(&dir));
        let findings = codes(&dir);
        assert_eq!(findings.iter().filter(|c| *c == "SL108").count(), 1, "{findings:?}");
    }
}

const NETWORK: &str = "\
heat_template_version: 2018-08-31
resources:
  cp:
    type: OS::Neutron::Net
    properties: {name: cp-az1}
  cp_subnet:
    type: OS::Neutron::Subnet
    properties: {name: cp-az1-subnet, network: {get_resource: cp}, cidr: 10.0.0.0/16}
";

fn control_plane_networks(dir: &TempDir) -> Vec<String> {
    let out = stretchlint_in(&["model", "."], &dir.0);
    let model: Value = serde_json::from_slice(&out.stdout).unwrap();
    model["clusters"][0]["networks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["role"] == "control-plane")
        .map(|n| n["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn under_4_13_the_control_plane_port_target_attaches_the_cluster() {
    let dir = TempDir::new("fd-port-target");
    dir.write("install-config.yaml", INSTALL_CONFIG);
    dir.write("network.yaml", NETWORK);
    assert!(control_plane_networks(&dir).is_empty(), "a later installer drops the port targets too");
    dir.write(".stretchlint.yaml", "openshift-version: \"4.13\"\n");
    assert_eq!(control_plane_networks(&dir), ["cp-az1"]);
}
