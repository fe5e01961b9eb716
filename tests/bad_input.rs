//! Hostile and broken input: each case yields a positioned finding (or nothing), never a panic,
//! and the scan carries on to the next file.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use common::TempDir;
use stretchlint::{Settings, lint_paths};

/// Lints a folder holding `bad` plus a clean neighbour, and returns the findings on `bad`.
fn findings_for(name: &str, contents: &[u8]) -> Vec<stretchlint::Finding> {
    let dir = TempDir::new("bad-input");
    let bad = dir.write(name, contents);
    dir.write("neighbour.yaml", "a: 1\nb: 2\nb: 3\n");
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).expect("scan runs");
    // The neighbour is still checked: its duplicate key is found.
    assert!(report.findings.iter().any(|f| f.code == "SL003" && f.file.ends_with("neighbour.yaml")));
    let bad = stretchlint::source::display_path(&bad);
    report.findings.into_iter().filter(|f| f.file == bad).collect()
}

#[test]
fn alias_bomb_is_a_positioned_parse_error() {
    let mut text =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (prev, name) in
        ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let found = findings_for("bomb.yaml", text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "SL001");
    assert!(found[0].message.contains("budget"), "{}", found[0].message);
    assert!(found[0].line > 1);
}

#[test]
fn ten_thousand_deep_nesting_is_a_parse_error() {
    let block: String = (0..10_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let found = findings_for("deep-block.yaml", block.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "SL001");
    let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let found = findings_for("deep-flow.yaml", flow.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "SL001");
}

#[test]
fn binary_file_is_reported_not_parsed() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let found = findings_for("blob.yaml", &bytes);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "SL001");
    assert!(found[0].message.contains("binary"), "{}", found[0].message);
}

#[test]
fn invalid_utf8_points_at_the_bad_byte() {
    let found = findings_for("latin1.yaml", b"a: 1\nname: caf\xe9\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "SL001");
    assert_eq!((found[0].line, found[0].column), (2, 10));
    assert!(found[0].message.contains("UTF-8"));
}

#[test]
fn empty_files_are_fine() {
    assert!(findings_for("empty.yaml", b"").is_empty());
    assert!(findings_for("blank.yaml", b"\n\n# only a comment\n---\n").is_empty());
}

#[test]
fn a_folder_without_inputs_is_a_clean_run() {
    let dir = TempDir::new("no-inputs");
    dir.write("README.md", "not yaml");
    dir.write("values.yaml", "replicaCount: 3\nimage: nginx\n");
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).expect("scan runs");
    assert!(report.findings.is_empty());
    assert!(report.clusters.is_empty());
    assert_eq!(report.summary.files, 1);
}

#[test]
fn a_missing_path_is_an_error() {
    let err = lint_paths(&["does/not/exist".into()], &Settings::default()).err();
    assert!(matches!(err, Some(stretchlint::Error::PathNotFound(_))));
}

#[test]
fn merge_key_bomb_is_stopped() {
    let mut text = String::from("a0: &a0 {k0: v, k1: v, k2: v, k3: v, k4: v, k5: v, k6: v, k7: v}\n");
    for i in 1..40 {
        let merges: Vec<String> = (0..8).map(|_| format!("*a{}", i - 1)).collect();
        text.push_str(&format!("a{i}: &a{i}\n  <<: [{}]\n  x{i}: v\n", merges.join(", ")));
    }
    let found = findings_for("merge-bomb.yaml", text.as_bytes());
    assert!(found.iter().all(|f| f.code == "SL001"), "{found:?}");
}

/// Numbers no real manifest holds must neither exhaust memory nor overflow an addition.
#[test]
fn absurd_numbers_are_unknown_not_crashes() {
    let dir = TempDir::new("numbers");
    dir.write(
        "c/install-config.yaml",
        "apiVersion: v1\nmetadata:\n  name: huge\nnetworking:\n  clusterNetworks:\n    - cidr: 10.128.0.0/14\n      hostSubnetLength: -9223372036854775808\ncontrolPlane:\n  name: master\n  replicas: 4000000000\n  platform:\n    openstack:\n      zones: [az1, az2, az3]\ncompute:\n  - name: worker\n    replicas: 9223372036854775807\n    platform:\n      openstack:\n        zones: [az1, az2, az3]\nplatform:\n  openstack:\n    cloud: openstack\n",
    );
    let ms = |i: usize, az: &str| {
        format!(
            "apiVersion: machine.openshift.io/v1beta1\nkind: MachineSet\nmetadata:\n  name: huge-x7k2p-worker-18446744073709551615\n  labels:\n    machine.openshift.io/cluster-api-cluster: huge-x7k2p\nspec:\n  replicas: {}\n  template:\n    metadata:\n      labels:\n        machine.openshift.io/cluster-api-machine-role: worker\n    spec:\n      providerSpec:\n        value:\n          kind: OpenstackProviderSpec\n          availabilityZone: {az}\n",
            if i == 0 { "9223372036854775807" } else { "0" }
        )
    };
    dir.write("c/openshift/ms0.yaml", ms(0, "az1"));
    dir.write("c/openshift/ms1.yaml", ms(1, "az2"));
    dir.write(
        "c/openshift/ingress.yaml",
        "apiVersion: operator.openshift.io/v1\nkind: IngressController\nmetadata:\n  name: default\nspec:\n  replicas: 9223372036854775807\n",
    );
    let report = lint_paths(std::slice::from_ref(&dir.0), &Settings::default()).expect("scan runs");
    assert_eq!(report.clusters.len(), 1);
    assert!(report.findings.iter().all(|f| f.code != "SL001"), "{:?}", report.findings);
}

#[test]
fn terraform_that_does_not_parse_is_a_positioned_parse_error() {
    let found =
        findings_for("network.tf", b"resource \"openstack_networking_network_v2\" \"n\" {\n  name = \n}\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "SL001");
    assert!(found[0].message.contains("Terraform"), "{}", found[0].message);
    assert!(found[0].line >= 2, "{found:?}");
}

#[test]
fn heat_reference_to_an_undefined_resource_is_unknown() {
    let heat = "heat_template_version: 2018-08-31
resources:
  sub:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: nowhere}, cidr: 10.0.0.0/24}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: nowhere}, security_groups: [{get_resource: missing}]}
";
    // The model reads the references as unknown; only SL005 reports them, at each name.
    let found = findings_for("stack.yaml", heat.as_bytes());
    let got: Vec<(&str, usize, usize)> = found.iter().map(|f| (f.code, f.line, f.column)).collect();
    assert_eq!(got, [("SL005", 5, 42), ("SL005", 8, 42), ("SL005", 8, 85)], "{found:?}");
    assert!(found[0].message.contains("`get_resource: nowhere` in resource `sub`"), "{}", found[0].message);
    assert!(found[2].message.contains("`get_resource: missing` in resource `port`"), "{}", found[2].message);
}

#[test]
fn lb_configs_with_unknown_directives_and_broken_blocks_are_read_quietly() {
    let haproxy = "global\n  frobnicate yes\nfrontend api\n  bind :6443\n  teleport now\n  default_backend\n";
    assert!(findings_for("haproxy.cfg", haproxy.as_bytes()).is_empty());
    let keepalived = "vrrp_instance X {\n  warp_drive on {\n  virtual_router_id 999999999999999999999\n";
    assert!(findings_for("keepalived.conf", keepalived.as_bytes()).is_empty());
}

#[test]
fn a_binary_cfg_file_is_not_an_input() {
    assert!(findings_for("blob.cfg", b"\x00\x01\x02frontend x\n").is_empty());
}
