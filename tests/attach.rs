//! How clusters attach to the networks of the scan when no name ties them: a floating IP whose
//! address is the cluster's, and the installer's default VIPs for playbook-made (UPI) clusters.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use common::TempDir;
use serde_json::Value;
use stretchlint::{Settings, model_json};

const INSTALL_CONFIG: &str = "\
apiVersion: v1
baseDomain: example.com
metadata:
  name: upi1
compute:
  - name: worker
    replicas: 0
platform:
  openstack:
    cloud: openstack
";

/// The installer's UPI network playbook, with the names written out.
const NETWORK_PLAYBOOK: &str = "\
- hosts: localhost
  gather_facts: no
  tasks:
  - name: 'Create the cluster network'
    os_network:
      name: upi1-network
  - name: 'Create a subnet'
    os_subnet:
      name: upi1-nodes
      network_name: upi1-network
      cidr: 10.0.0.0/16
";

const SERVERS_PLAYBOOK: &str = "\
- hosts: localhost
  gather_facts: no
  tasks:
  - name: 'Create the Control Plane servers'
    openstack.cloud.server:
      name: upi1-master-0
      availability_zone: az1
";

fn networks(dir: &TempDir) -> Vec<(String, String, String)> {
    let model = model_json(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    let cluster = &model["clusters"][0];
    assert_eq!(cluster["name"], "upi1");
    cluster["networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let s = |k: &str| n[k].as_str().unwrap_or_default().to_owned();
            (s("name"), s("role"), s("via"))
        })
        .collect()
}

#[test]
fn a_upi_cluster_attaches_through_the_installers_default_api_vip() {
    let dir = TempDir::new("attach-default-vip");
    dir.write("install-config.yaml", INSTALL_CONFIG);
    dir.write("network.yaml", NETWORK_PLAYBOOK);
    dir.write("control-plane.yaml", SERVERS_PLAYBOOK);
    let got = networks(&dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "upi1-network");
    assert_eq!(got[0].1, "control-plane");
    assert!(got[0].2.contains("default API VIP"), "{got:?}");
}

#[test]
fn the_default_vip_follows_the_first_machine_network() {
    let dir = TempDir::new("attach-default-vip-machine-network");
    let ic = INSTALL_CONFIG
        .replace("platform:\n", "networking:\n  machineNetwork:\n    - cidr: 192.168.10.0/24\nplatform:\n");
    dir.write("install-config.yaml", ic);
    dir.write("network.yaml", NETWORK_PLAYBOOK);
    dir.write("control-plane.yaml", SERVERS_PLAYBOOK);
    // 192.168.10.5 is not in 10.0.0.0/16: no subnet of the scan holds the default VIP.
    assert!(networks(&dir).is_empty());
    dir.write("network.yaml", NETWORK_PLAYBOOK.replace("10.0.0.0/16", "192.168.10.0/24"));
    assert_eq!(networks(&dir).len(), 1);
}

#[test]
fn no_default_vip_attachment_when_the_installer_makes_the_network() {
    // Without playbook-made servers the installer creates `<infraID>-network` itself: the
    // scan's 10.0.0.0/16 subnet is someone else's.
    let dir = TempDir::new("attach-default-vip-ipi");
    dir.write("install-config.yaml", INSTALL_CONFIG);
    dir.write("network.yaml", NETWORK_PLAYBOOK);
    assert!(networks(&dir).is_empty());
}

#[test]
fn a_written_vip_or_a_user_managed_load_balancer_has_no_default() {
    let dir = TempDir::new("attach-default-vip-written");
    dir.write("network.yaml", NETWORK_PLAYBOOK);
    dir.write("control-plane.yaml", SERVERS_PLAYBOOK);
    let with = |extra: &str| {
        INSTALL_CONFIG.replace("    cloud: openstack\n", &format!("    cloud: openstack\n{extra}"))
    };
    dir.write("install-config.yaml", with("    loadBalancer:\n      type: UserManaged\n"));
    assert!(networks(&dir).is_empty());
    dir.write("install-config.yaml", with("    apiVIPs: [10.0.0.9]\n"));
    let got = networks(&dir);
    assert_eq!(got.len(), 1);
    assert!(got[0].2.contains("VIP inside"), "{got:?}");
}

#[test]
fn a_floating_ip_with_the_clusters_address_attaches_it_to_its_ports_network() {
    let dir = TempDir::new("attach-floating-ip");
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/SL208/bad-by-floating-ip");
    for file in ["install-config.yaml", "network.yaml"] {
        dir.write(file, std::fs::read(root.join(file)).unwrap());
    }
    let model = model_json(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    let networks: &Value = &model["clusters"][0]["networks"];
    assert_eq!(networks[0]["name"], "overlay-f-net");
    assert_eq!(networks[0]["via"], "floating IP associated with a port of the network");
    let line = networks[0]["location"]["line"].as_u64();
    assert_eq!(line, Some(10), "the span of `apiFloatingIP`: {networks}");
}

#[test]
fn a_terraform_floating_ip_association_ties_the_cluster_to_its_network_and_router() {
    // The installer-shaped Terraform modules: the API floating IP (a tfvars value) is associated
    // with the API port on the nodes network; no name in the install-config ties them.
    let dir = TempDir::new("attach-terraform-fip");
    let tree = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform/installer-modules");
    common::copy_tree(&tree, &dir.0.join("network"));
    dir.write(
        "install-config.yaml",
        "apiVersion: v1\nbaseDomain: example.com\nmetadata:\n  name: stretch\nplatform:\n  openstack:\n    \
         apiFloatingIP: 203.0.113.10\n",
    );
    let model = model_json(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    let networks = &model["clusters"][0]["networks"];
    assert_eq!(networks[0]["name"], "stretch-4kq9z-openshift", "{networks}");
    assert_eq!(networks[0]["via"], "floating IP associated with a port of the network");
    let report = stretchlint::lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    let evidence: Vec<&str> =
        report.clusters[0].architecture.evidence.iter().map(|e| e.message.as_str()).collect();
    assert!(evidence.iter().any(|e| e.contains("floating IPs for API/ingress")), "{evidence:?}");
}
