//! Relational rules on an estate of 2,000 clusters that share one stretched L2: what they report
//! grows with the clusters, not with their pairs (no timing here; the bench's `--shared-l2`
//! measures the time).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken estate should fail the test loudly

mod common;

use common::TempDir;
use stretchlint::vrrp::{Vrids, vrids};
use stretchlint::{Settings, lint_paths};

const CLUSTERS: usize = 2_000;

/// One Heat provider network and subnet, and `n` install-configs whose control-plane ports all
/// name that subnet; names `ocp0000`, `ocp0001`, … in file order.
fn shared_l2_estate(n: usize) -> TempDir {
    let dir = TempDir::new("shared-l2");
    dir.write(
        "network.yaml",
        "heat_template_version: 2018-08-31\nresources:\n  cp_net:\n    type: OS::Neutron::ProviderNet\n    \
         properties: {name: stretched-cp, network_type: vlan, physical_network: stretch, segmentation_id: 100}\n  \
         cp_subnet:\n    type: OS::Neutron::Subnet\n    properties: {name: cp, network: {get_resource: cp_net}, \
         cidr: 10.128.0.0/13}\n",
    );
    for i in 0..n {
        let (third, fourth) = (128 + i / 250, i % 250);
        dir.write(
            &format!("ocp{i:04}/install-config.yaml"),
            format!(
                "apiVersion: v1\nbaseDomain: example.com\nmetadata:\n  name: ocp{i:04}\nnetworking:\n  machineNetwork:\n    \
                 - cidr: 10.128.0.0/13\nplatform:\n  openstack:\n    apiVIPs: [10.{third}.{fourth}.5]\n    \
                 ingressVIPs: [10.{third}.{fourth}.7]\n    controlPlanePort:\n      fixedIPs:\n        - subnet: {{name: cp}}\n"
            ),
        );
    }
    dir
}

fn share_an_id(a: Vrids, b: Vrids) -> bool {
    [a.api, a.ingress].iter().any(|x| *x == b.api || *x == b.ingress)
}

#[test]
fn sl301_reports_each_colliding_cluster_once_on_a_crowded_l2() {
    let estate = shared_l2_estate(CLUSTERS);
    let report = lint_paths(std::slice::from_ref(&estate.0), &Settings::only("SL301")).unwrap();

    let ids: Vec<Vrids> = (0..CLUSTERS).map(|i| vrids(&format!("ocp{i:04}"))).collect();
    let earlier_colliders = |i: usize| ids.iter().take(i).filter(|e| share_an_id(**e, ids[i])).count();
    let colliding: Vec<usize> = (0..CLUSTERS).filter(|&i| earlier_colliders(i) > 0).collect();
    assert_eq!(report.findings.len(), colliding.len(), "one finding per cluster that collides, not per pair");

    // The last cluster's finding names its first collider and counts the rest from the input.
    let last = *colliding.last().unwrap();
    let name = format!("ocp{last:04}");
    let finding = report.findings.iter().find(|f| f.cluster.as_deref() == Some(name.as_str())).unwrap();
    let more = earlier_colliders(last) - 1 - 3;
    assert!(finding.message.ends_with(&format!(" and {more} other clusters")), "{}", finding.message);
    // Every ID is taken on this L2: no name can be suggested.
    assert!(
        finding.help.as_deref().unwrap().contains(&format!("rename `{name}` before it is installed, or"))
    );
}
