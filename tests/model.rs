//! `stretchlint model`: the cluster model as JSON. It validates against the published schema
//! (`schemas/model.schema.json`) for every example tree and the corpus, leaves unknown values
//! out, and its shape is snapshotted on one architecture.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::{Path, PathBuf};

use common::{TempDir, stretchlint_in};
use serde_json::Value;
use stretchlint::{Settings, model_json};

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(stretchlint::model::export::SCHEMA).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(model: &Value, what: &str) {
    let errors: Vec<String> =
        validator().iter_errors(model).take(5).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: the model does not match its schema: {errors:#?}");
}

#[test]
fn every_example_tree_matches_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut trees: Vec<PathBuf> =
        std::fs::read_dir(root.join("fixtures/architectures")).unwrap().flatten().map(|e| e.path()).collect();
    trees.push(root.join("fixtures/clusters/broken-stretch"));
    trees.push(root.join("fixtures/packs/topology-policy/bad"));
    for tree in trees {
        let model = model_json(std::slice::from_ref(&tree), &Settings::default()).unwrap();
        assert_valid(&model, &tree.display().to_string());
        assert!(!model["clusters"].as_array().unwrap().is_empty(), "{}: a cluster", tree.display());
    }
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        let model = model_json(&[corpus], &Settings::default()).unwrap();
        assert_valid(&model, "the corpus");
    }
}

#[test]
fn the_model_of_an_architecture_tree() {
    let out = stretchlint_in(
        &["model", "fixtures/architectures/ipi-rpn-stretched-l2"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(out.status.code(), Some(0));
    let model: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cluster = &model["clusters"][0];
    let per_zone: Vec<(&str, i64, i64)> = cluster["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| {
            (z["name"].as_str().unwrap(), z["controlPlane"].as_i64().unwrap(), z["workers"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(
        per_zone,
        vec![("az1", 1, 3), ("az2", 1, 3), ("az3", 1, 3)],
        "two workers and one infra node per AZ"
    );
    insta::assert_json_snapshot!("model_ipi_rpn_stretched_l2", model);
}

#[test]
fn unknown_values_are_left_out_not_null() {
    let tmp = TempDir::new("model-unknown");
    tmp.write(
        "install-config.yaml",
        "apiVersion: v1\nbaseDomain: example.com\nmetadata:\n  name: t1\ncontrolPlane:\n  name: master\n  replicas: 3\n  \
         platform:\n    openstack:\n      zones: [az1, az2, az3]\ncompute:\n  - name: worker\n    replicas: \"{{ workers }}\"\n    \
         platform:\n      openstack:\n        zones: [az1, az2, az3]\nplatform:\n  openstack:\n    cloud: openstack\n",
    );
    let model = model_json(std::slice::from_ref(&tmp.0), &Settings::default()).unwrap();
    assert_valid(&model, "templated replicas");
    let cluster = &model["clusters"][0];
    assert!(cluster.get("workers").is_none(), "the worker layout is unknown: {cluster}");
    for zone in cluster["zones"].as_array().unwrap() {
        assert_eq!(zone["controlPlane"], 1);
        assert!(zone.get("workers").is_none(), "{zone}");
    }
}

const INGRESS_CONTROLLER: &str = "\
apiVersion: operator.openshift.io/v1
kind: IngressController
metadata:
  name: default
  namespace: openshift-ingress-operator
spec:
  replicas: 3
";

const NETWORK_OPERATOR: &str = "\
apiVersion: operator.openshift.io/v1
kind: Network
metadata:
  name: cluster
spec:
  defaultNetwork:
    type: OVNKubernetes
    ovnKubernetesConfig:
      mtu: 1350
";

const MACHINE_SET: &str = "\
apiVersion: machine.openshift.io/v1beta1
kind: MachineSet
metadata:
  name: ocp9-x7k2p-worker-az1
  namespace: openshift-machine-api
  labels:
    machine.openshift.io/cluster-api-cluster: ocp9-x7k2p
spec:
  replicas: 1
  template:
    spec:
      providerSpec:
        value:
          apiVersion: machine.openshift.io/v1alpha1
          kind: OpenstackProviderSpec
          availabilityZone: az1
          flavor: m1.large
";

#[test]
fn lone_day_two_manifests_are_context_not_clusters() {
    let dir = TempDir::new("model-day-two");
    dir.write("day2/ingress.yaml", INGRESS_CONTROLLER);
    dir.write("day2/network.yaml", NETWORK_OPERATOR);
    let model = model_json(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    assert_valid(&model, "day-2 manifests");
    assert_eq!(model["clusters"].as_array().map(Vec::len), Some(0), "{model}");
    let kinds: Vec<&str> =
        model["context"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["IngressController", "Network operator configuration"]);
}

#[test]
fn day_two_manifests_beside_machine_sets_join_their_cluster() {
    // The installer's output: `openshift/` holds the MachineSets, `manifests/` the operator configs.
    let dir = TempDir::new("model-day-two-siblings");
    dir.write("ocp9/openshift/99_worker-machineset-0.yaml", MACHINE_SET);
    dir.write("ocp9/manifests/cluster-ingress-default-ingresscontroller.yaml", INGRESS_CONTROLLER);
    let model = model_json(std::slice::from_ref(&dir.0), &Settings::default()).unwrap();
    assert_valid(&model, "installer output");
    let clusters = model["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{model}");
    assert_eq!(clusters[0]["files"].as_array().map(Vec::len), Some(2), "{model}");
    assert_eq!(model["context"].as_array().map(Vec::len), Some(0));
}
