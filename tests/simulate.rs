//! `stretchlint simulate`: each service going down and staying up, per architecture, from the
//! example and planted trees and small clusters written here; the table and the JSON snapshotted.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::Path;

use common::{TempDir, stretchlint_in};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The JSON of a run, and its exit code.
fn simulate(args: &[&str], dir: &Path) -> (Value, i32) {
    let mut all = vec!["simulate", "--format", "json"];
    all.extend(args);
    let out = stretchlint_in(&all, dir);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (json, out.status.code().unwrap())
}

/// `service → (status, reason)` of one cluster's scenario.
fn services<'a>(json: &'a Value, cluster: &str, lost: &[&str]) -> Vec<(&'a str, &'a str, &'a str)> {
    let c = json["clusters"].as_array().unwrap().iter().find(|c| c["name"] == cluster).expect("the cluster");
    let s = c["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["lost"].as_array().unwrap().iter().map(|z| z.as_str().unwrap()).eq(lost.iter().copied()))
        .expect("the scenario");
    s["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (o["service"].as_str().unwrap(), o["status"].as_str().unwrap(), o["reason"].as_str().unwrap())
        })
        .collect()
}

fn status<'a>(services: &[(&str, &'a str, &str)], service: &str) -> &'a str {
    services.iter().find(|(s, _, _)| *s == service).map(|(_, st, _)| *st).expect("the service")
}

#[test]
fn the_example_architectures_keep_etcd_workers_and_ingress_through_any_single_az_loss() {
    for (tree, cluster) in [
        ("fixtures/architectures/ipi-rpn-stretched-l2", "stretch-a"),
        ("fixtures/architectures/ipi-overlay-fip", "overlay-b"),
        ("fixtures/architectures/upi-rpn-external-lb", "upi-c"),
        ("fixtures/architectures/overlay-haproxy", "lb-d"),
    ] {
        let (json, code) = simulate(&[tree], root());
        assert_eq!(code, 0, "{tree}: nothing goes down");
        for az in ["az1", "az2", "az3"] {
            let s = services(&json, cluster, &[az]);
            for service in ["etcd", "workers", "storage"] {
                assert_eq!(status(&s, service), "ok", "{tree}, lose {az}: {service}: {s:?}");
            }
            // Behind a user-managed load balancer ingress also needs the LB's instances, whose
            // AZs these trees do not give: unknown, never guessed.
            let user_managed = tree.contains("external-lb") || tree.contains("haproxy");
            let ingress = status(&s, "ingress");
            assert!(
                ingress == "ok" || (user_managed && ingress == "unknown"),
                "{tree}, lose {az}: ingress {ingress}"
            );
        }
        assert!(!json["clusters"][0]["verdict"].as_str().unwrap().starts_with("does not survive"));
    }
    let out = stretchlint_in(
        &["simulate", "--color", "never", "fixtures/architectures/ipi-rpn-stretched-l2"],
        root(),
    );
    insta::assert_snapshot!("simulate_ipi_rpn_stretched_l2", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_control_plane_crowded_into_one_az_loses_etcd_and_the_api_with_it() {
    let (json, code) = simulate(&["fixtures/clusters/broken-stretch"], root());
    assert_eq!(code, 1, "a service goes down");
    let s = services(&json, "broken", &["az1"]);
    assert_eq!(status(&s, "etcd"), "down");
    assert_eq!(status(&s, "api"), "down");
    assert!(
        s.iter().any(|(_, _, r)| r.contains("2 of 3 members in az1") && r.contains("quorum needs 2")),
        "{s:?}"
    );
    assert_eq!(status(&services(&json, "broken", &["az3"]), "etcd"), "ok");
    assert_eq!(status(&s, "storage"), "unknown", "root volumes without an AZ are not guessed");
    let etcd = &json["clusters"][0]["scenarios"][0]["services"][0];
    let lines: Vec<u64> =
        etcd["evidence"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![24, 25], "the two az1 entries of controlPlane zones");
    insta::assert_json_snapshot!("simulate_broken_stretch", json);
    let md =
        stretchlint_in(&["simulate", "--format", "markdown", "fixtures/clusters/broken-stretch"], root());
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("| lose | etcd | api | ingress | workers | control-plane-gateway | storage | latency |"),
        "{md}"
    );
    assert!(md.contains("| az1 | down | down | degraded | degraded | unknown | unknown | ok |"), "{md}");
    assert!(md.contains("- lose az1: **etcd** down: 2 of 3 members in az1"), "{md}");
    let infer = stretchlint_in(&["infer", "fixtures/clusters/broken-stretch"], root());
    assert!(
        String::from_utf8_lossy(&infer.stdout)
            .contains("resilience    does not survive the loss of az1: etcd, api down"),
        "infer gives the verdict"
    );
    let check = stretchlint_in(&["check", "--format", "json", "fixtures/clusters/broken-stretch"], root());
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(report["clusters"][0]["survives_single_az_loss"], false);
}

#[test]
fn a_gateway_or_a_floating_ip_router_pinned_to_one_az_goes_down_with_it() {
    let (json, _) = simulate(&["fixtures/planted/ipi-rpn-stretched-l2"], root());
    assert_eq!(status(&services(&json, "stretch-a", &["az1"]), "control-plane-gateway"), "down");
    assert_eq!(status(&services(&json, "stretch-a", &["az2"]), "control-plane-gateway"), "ok");
    let (json, _) = simulate(&["fixtures/planted/ipi-overlay-fip"], root());
    let s = services(&json, "overlay-b", &["az1"]);
    assert_eq!(status(&s, "api"), "down", "{s:?}");
    assert_eq!(status(&services(&json, "overlay-b", &["az2"]), "api"), "ok");
}

/// An install-config for `name` with `masters` replicas over `cp_zones` and `workers` over `zones`.
fn install_config(name: &str, masters: &str, cp_zones: &str, workers: &str, zones: &str) -> String {
    format!(
        "apiVersion: v1\nbaseDomain: example.com\nmetadata:\n  name: {name}\ncontrolPlane:\n  name: master\n  replicas: {masters}\n  \
         platform:\n    openstack:\n      zones: [{cp_zones}]\ncompute:\n  - name: worker\n    replicas: {workers}\n    \
         platform:\n      openstack:\n        zones: [{zones}]\nplatform:\n  openstack:\n    cloud: openstack\n"
    )
}

#[test]
fn five_masters_compact_clusters_double_losses_and_unknown_layouts() {
    let tmp = TempDir::new("simulate");
    tmp.write("five/install-config.yaml", install_config("five", "5", "az1, az2, az3", "6", "az1, az2, az3"));
    tmp.write(
        "compact/install-config.yaml",
        install_config("compact", "3", "az1, az2, az3", "0", "az1, az2, az3"),
    );
    tmp.write(
        "templated/install-config.yaml",
        install_config("templated", "\"{{ masters }}\"", "az1, az2, az3", "3", "az1, az2, az3"),
    );

    // 5 masters round-robin over 3 AZs: 2/2/1; losing any one AZ leaves at least 3 of 5.
    let (json, code) = simulate(&["five"], &tmp.0);
    assert_eq!(code, 0);
    for az in ["az1", "az2", "az3"] {
        assert_eq!(status(&services(&json, "five", &[az]), "etcd"), "ok", "lose {az}");
    }
    assert!(
        services(&json, "five", &["az1"])
            .iter()
            .any(|(_, _, r)| r.contains("2 of 5 members in az1") && r.contains("3 left"))
    );

    // Two AZs at once: 1 of 3 masters is no quorum.
    let (json, code) = simulate(&["--lose", "az1,az2", "--lose", "az3", "five", "compact"], &tmp.0);
    assert_eq!(code, 1);
    assert_eq!(status(&services(&json, "five", &["az1", "az2"]), "etcd"), "down");
    assert_eq!(status(&services(&json, "five", &["az3"]), "etcd"), "ok");

    // A compact cluster: the masters run the workloads and the routers.
    let (json, _) = simulate(&["compact"], &tmp.0);
    let s = services(&json, "compact", &["az2"]);
    assert_eq!(status(&s, "workers"), "ok", "{s:?}");
    assert_eq!(status(&s, "ingress"), "ok", "{s:?}");
    assert!(s.iter().any(|(svc, _, r)| *svc == "workers" && r.contains("compact cluster")));

    // Templated replicas: the control plane cannot be laid out, so etcd and the API are unknown.
    let (json, code) = simulate(&["templated"], &tmp.0);
    assert_eq!(code, 0, "unknown is not down");
    let s = services(&json, "templated", &["az1"]);
    assert_eq!(status(&s, "etcd"), "unknown");
    assert_eq!(status(&s, "api"), "unknown");
    assert_eq!(status(&s, "workers"), "ok");

    // Losing two of three worker AZs leaves a third of the workers: degraded, and ingress short.
    let (json, _) = simulate(&["--lose", "az1,az2", "five"], &tmp.0);
    let s = services(&json, "five", &["az1", "az2"]);
    assert_eq!(status(&s, "workers"), "degraded");
    assert_eq!(status(&s, "ingress"), "ok", "two workers are left for two routers");

    // Every worker AZ lost: no node for the routers, no workers.
    let (json, _) = simulate(&["--lose", "az1,az2,az3", "five"], &tmp.0);
    let s = services(&json, "five", &["az1", "az2", "az3"]);
    assert_eq!((status(&s, "workers"), status(&s, "ingress"), status(&s, "etcd")), ("down", "down", "down"));

    let bad = stretchlint_in(&["simulate", "--lose", ",", "five"], &tmp.0);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn root_volumes_in_another_az_go_down_with_that_az() {
    let tmp = TempDir::new("simulate-storage");
    let text = install_config("vols", "3", "az1, az2, az3", "6", "az1, az2, az3").replace(
        "        zones: [az1, az2, az3]\nplatform:",
        "        zones: [az1, az2, az3]\n        rootVolume:\n          size: 100\n          types: [ssd]\n          zones: [cinder-a, cinder-a, cinder-c]\nplatform:",
    );
    tmp.write("vols/install-config.yaml", text);
    let (json, _) = simulate(&["--lose", "cinder-a", "--lose", "az2", "vols"], &tmp.0);
    let s = services(&json, "vols", &["cinder-a"]);
    assert_eq!(status(&s, "storage"), "degraded", "{s:?}");
    assert!(
        s.iter().any(|(svc, _, r)| *svc == "storage" && r.starts_with("4 of 9 surviving machines")),
        "{s:?}"
    );
    // Losing az2 (Nova) leaves az1's and az3's workers on their own Cinder AZs.
    assert_eq!(status(&services(&json, "vols", &["az2"]), "storage"), "ok");
}

#[test]
fn ingress_needs_a_surviving_router_node_on_its_vip_network() {
    // Architecture 1: workers sit on the routed segments; only the infra machines have a port on
    // the stretched network that carries the ingress VIP. Keep az1's infra MachineSet only.
    let tmp = TempDir::new("simulate-ingress");
    common::copy_tree(&root().join("fixtures/architectures/ipi-rpn-stretched-l2"), &tmp.0.join("a"));
    for n in [1, 2] {
        std::fs::remove_file(
            tmp.0.join(format!("a/openshift/99_openshift-cluster-api_infra-machineset-{n}.yaml")),
        )
        .unwrap();
    }
    let (json, code) = simulate(&["a"], &tmp.0);
    assert_eq!(code, 1);
    let s = services(&json, "stretch-a", &["az1"]);
    assert_eq!(status(&s, "ingress"), "down", "{s:?}");
    assert!(s.iter().any(|(svc, _, r)| *svc == "ingress" && r.contains("`stretched-cp`")), "{s:?}");
    assert_eq!(status(&services(&json, "stretch-a", &["az2"]), "ingress"), "ok");
}

#[test]
fn a_user_managed_load_balancer_needs_a_surviving_instance_and_backend() {
    // Architecture 3 with HAProxy + keepalived instead of the F5 pair: both instances in az1.
    let tmp = TempDir::new("simulate-lb");
    common::copy_tree(&root().join("fixtures/architectures/upi-rpn-external-lb"), &tmp.0.join("c"));
    std::fs::remove_file(tmp.0.join("c/lb/f5.yaml")).unwrap();
    tmp.write(
        "c/lb/haproxy.cfg",
        "frontend api\n    bind 192.0.2.10:6443\n    default_backend masters\n\nbackend masters\n    \
         server m0 10.31.1.10:6443 check\n    server m1 10.31.2.10:6443 check\n    server m2 10.31.3.10:6443 check\n",
    );
    tmp.write(
        "c/lb/keepalived.conf",
        "vrrp_instance api {\n    state MASTER\n    interface eth0\n    virtual_router_id 61\n    priority 150\n    \
         unicast_src_ip 10.31.1.20\n    unicast_peer {\n        10.31.1.21\n    }\n    virtual_ipaddress {\n        192.0.2.10/32\n    }\n}\n",
    );
    let (json, code) = simulate(&["c"], &tmp.0);
    assert_eq!(code, 1);
    let s = services(&json, "upi-c", &["az1"]);
    assert_eq!(status(&s, "api"), "down", "{s:?}");
    assert!(s.iter().any(|(svc, _, r)| *svc == "api" && r.contains("every load balancer instance")), "{s:?}");
    let s = services(&json, "upi-c", &["az2"]);
    assert_eq!(status(&s, "api"), "ok", "{s:?}");
    assert!(
        s.iter()
            .any(|(svc, _, r)| *svc == "api"
                && r.contains("2 of 2 load balancer instances and 2 of 3 backends")),
        "{s:?}"
    );
}

#[test]
fn losing_an_az_no_cluster_has_is_an_error_that_lists_the_known_azs() {
    let tmp = TempDir::new("simulate-unknown-az");
    let text = install_config("vols", "3", "az1, az2, az3", "6", "az1, az2, az3").replace(
        "        zones: [az1, az2, az3]\nplatform:",
        "        zones: [az1, az2, az3]\n        rootVolume:\n          size: 100\n          types: [ssd]\n          zones: [cinder-a, cinder-b, cinder-c]\nplatform:",
    );
    tmp.write("vols/install-config.yaml", text);
    // A typo of az1 would simulate nothing lost: every service "ok", exit 0.
    let out = stretchlint_in(&["simulate", "--lose", "az-1", "--lose", "az2,az9", "vols"], &tmp.0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no table for a scenario that cannot be run");
    assert!(stderr.contains("`az-1`, `az9`"), "{stderr}");
    // Cinder AZs are AZs a scenario can lose too (SL104's storage outcome).
    assert!(
        stderr.contains("known AZs: `az1`, `az2`, `az3`, `cinder-a`, `cinder-b`, `cinder-c`"),
        "{stderr}"
    );
    let (_, code) = simulate(&["--lose", "cinder-b", "vols"], &tmp.0);
    assert_eq!(code, 0, "a Cinder AZ is known");

    // An AZ only the network names (a Site file's witness AZ) is one a scenario can lose.
    tmp.write(
        "vols/site.yaml",
        "apiVersion: stretchlint.io/v1alpha1\nkind: Site\nmetadata:\n  name: metro\nspec:\n  zones: [az1, az2, az3, witness]\n",
    );
    let (_, code) = simulate(&["--lose", "witness", "vols"], &tmp.0);
    assert_eq!(code, 0, "a Site AZ is known");

    // No cluster at all: nothing is known.
    tmp.write("empty/notes.yaml", "a: 1\n");
    let out = stretchlint_in(&["simulate", "--lose", "az1", "empty/notes.yaml"], &tmp.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the scan names no AZ"));
}
