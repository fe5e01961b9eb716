//! One reader per input kind: typed objects whose reportable fields keep their spans.
//!
//! Documents are classified by content, never by file name (DESIGN.md §4). What is not an
//! input kind is skipped without a word.

pub mod field;
pub mod install_config;
pub mod machine_api;
pub mod operator;

use crate::source::FileId;
use crate::yaml::Node;

pub use field::Field;
pub use install_config::InstallConfig;
pub use machine_api::{ControlPlaneMachineSet, MachineKind, MachineObject};
pub use operator::{Etcd, IngressController, NetworkOperator};

/// A document recognised as one of the inputs.
#[derive(Clone, Debug)]
pub enum Input {
    InstallConfig(Box<InstallConfig>),
    Machine(Box<MachineObject>),
    ControlPlaneMachineSet(Box<ControlPlaneMachineSet>),
    NetworkOperator(NetworkOperator),
    IngressController(IngressController),
    Etcd(Etcd),
}

const INSTALL_CONFIG_VERSIONS: [&str; 3] = ["v1", "v1beta3", "v1beta4"];

/// Reads every input in a document; a `List` (as `oc get -o yaml` prints) yields its items.
pub fn read_document(file: FileId, root: &Node, out: &mut Vec<Input>) {
    let api_version = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = root.get("kind").and_then(Node::as_str);
    if kind.is_some_and(|k| k.ends_with("List")) {
        for item in root.get("items").and_then(Node::as_seq).unwrap_or_default() {
            read_document(file, item, out);
        }
        return;
    }
    let input = match (api_version, kind) {
        (v, None | Some("InstallConfig")) if is_install_config(root, v) => {
            Input::InstallConfig(Box::new(install_config::read(file, root)))
        }
        ("machine.openshift.io/v1beta1", Some(k @ ("MachineSet" | "Machine"))) => {
            if !has_openstack_provider(root.path(&["spec", "template", "spec"]).or_else(|| root.get("spec")))
            {
                return;
            }
            let kind = if k == "MachineSet" { MachineKind::MachineSet } else { MachineKind::Machine };
            Input::Machine(Box::new(machine_api::read_machine(file, root, kind)))
        }
        ("machine.openshift.io/v1", Some("ControlPlaneMachineSet")) => {
            let template = root.path(&["spec", "template", "machines_v1beta1_machine_openshift_io"]);
            let openstack_fd = template
                .and_then(|t| t.path(&["failureDomains", "platform"]))
                .and_then(Node::as_str)
                .is_some_and(|p| p == "OpenStack");
            if !openstack_fd && !has_openstack_provider(template.and_then(|t| t.get("spec"))) {
                return;
            }
            Input::ControlPlaneMachineSet(Box::new(machine_api::read_cpms(file, root)))
        }
        ("operator.openshift.io/v1", Some("Network")) => {
            Input::NetworkOperator(operator::read_network(file, root))
        }
        ("operator.openshift.io/v1", Some("IngressController")) => {
            Input::IngressController(operator::read_ingress(file, root))
        }
        ("operator.openshift.io/v1", Some("Etcd")) => Input::Etcd(operator::read_etcd(file, root)),
        _ => return,
    };
    out.push(input);
}

fn is_install_config(root: &Node, api_version: &str) -> bool {
    (api_version.is_empty()
        || INSTALL_CONFIG_VERSIONS.contains(&api_version)
        || crate::yaml::is_templated(api_version))
        && root.path(&["metadata", "name"]).is_some()
        && root.path(&["platform", "openstack"]).is_some()
}

fn has_openstack_provider(spec: Option<&Node>) -> bool {
    let Some(value) = spec.and_then(|s| s.path(&["providerSpec", "value"])) else { return false };
    value.get("kind").and_then(Node::as_str) == Some("OpenstackProviderSpec")
        || value
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|v| machine_api::PROVIDER_API_VERSIONS.contains(&v))
}
