//! One reader per input kind: typed objects whose reportable fields keep their spans.
//!
//! Documents are classified by content, never by file name (DESIGN.md §4), with one exception:
//! files inside Ansible `group_vars/` and `host_vars/` folders are plain mappings that content
//! cannot tell apart, so their place says what they are (see the loader). What is not an input
//! kind is skipped without a word.

pub mod ansible;
pub mod field;
pub mod heat;
pub mod install_config;
pub mod lb;
pub mod machine_api;
pub mod operator;
pub mod site_file;
pub mod terraform;

use crate::source::FileId;
use crate::yaml::{Node, NodeKind};

pub use field::Field;
pub use install_config::InstallConfig;
pub use machine_api::{ControlPlaneMachineSet, MachineKind, MachineObject};
pub use operator::{Etcd, IngressController, NetworkOperator};

/// A document recognised as one of the inputs.
#[derive(Debug)]
pub enum Input {
    InstallConfig(Box<InstallConfig>),
    Machine(Box<MachineObject>),
    ControlPlaneMachineSet(Box<ControlPlaneMachineSet>),
    NetworkOperator(NetworkOperator),
    IngressController(IngressController),
    Etcd(Etcd),
    /// The Neutron objects of one network manifest (a Heat template).
    Network(Box<crate::model::site::Site>),
    /// An Ansible playbook or task file; read with the inventories beside it when the model is built.
    Playbook(Box<ansible::Playbook>),
    /// A YAML Ansible inventory, or a `group_vars/`/`host_vars/` file: variables for the
    /// playbooks beside it.
    Inventory(Box<ansible::Inventory>),
    /// A Site topology file.
    SiteFile(Box<site_file::Topology>),
    /// One `.tf` file; read with the rest of its module when the model is built.
    Terraform(Box<terraform::TerraformFile>),
    /// A `haproxy.cfg` or `keepalived.conf`.
    LoadBalancer(Box<lb::LbConfig>),
}

const INSTALL_CONFIG_VERSIONS: [&str; 3] = ["v1", "v1beta3", "v1beta4"];

/// What a document is, decided on the borrowed tree before a reader takes it over.
enum Class {
    List,
    InstallConfig,
    Machine(MachineKind),
    ControlPlaneMachineSet,
    NetworkOperator,
    IngressController,
    Etcd,
    Heat,
    Ansible,
    Inventory,
    SiteFile,
    Other,
}

fn classify(root: &Node) -> Class {
    let api_version = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = root.get("kind").and_then(Node::as_str);
    if is_list(root) {
        return Class::List;
    }
    if site_file::is_site(root) {
        return Class::SiteFile;
    }
    if heat::is_heat(root) {
        return Class::Heat;
    }
    if ansible::is_ansible(root) {
        return Class::Ansible;
    }
    if ansible::is_inventory(root) {
        return Class::Inventory;
    }
    match (api_version, kind) {
        (v, None | Some("InstallConfig")) if is_install_config(root, v) => Class::InstallConfig,
        ("machine.openshift.io/v1beta1", Some(k @ ("MachineSet" | "Machine"))) => {
            if !has_openstack_provider(root.path(&["spec", "template", "spec"]).or_else(|| root.get("spec")))
            {
                return Class::Other;
            }
            Class::Machine(if k == "MachineSet" { MachineKind::MachineSet } else { MachineKind::Machine })
        }
        ("machine.openshift.io/v1", Some("ControlPlaneMachineSet")) => {
            let template = root.path(&["spec", "template", "machines_v1beta1_machine_openshift_io"]);
            let openstack_fd = template
                .and_then(|t| t.path(&["failureDomains", "platform"]))
                .and_then(Node::as_str)
                .is_some_and(|p| p == "OpenStack");
            if openstack_fd || has_openstack_provider(template.and_then(|t| t.get("spec"))) {
                Class::ControlPlaneMachineSet
            } else {
                Class::Other
            }
        }
        ("operator.openshift.io/v1", Some("Network")) => Class::NetworkOperator,
        ("operator.openshift.io/v1", Some("IngressController")) => Class::IngressController,
        ("operator.openshift.io/v1", Some("Etcd")) => Class::Etcd,
        _ => Class::Other,
    }
}

/// Reads every input in a document; a `List` (as `oc get -o yaml` prints) yields its items.
/// Readers take the tree over, so that the raw subtrees they keep are moved, not copied.
pub fn read_document(file: FileId, mut root: Node, out: &mut Vec<Input>) {
    let input = match classify(&root) {
        Class::List => {
            if let Some(NodeKind::Seq(items)) = root.take_path(&["items"]).map(|n| n.kind) {
                for item in items {
                    read_document(file, item, out);
                }
            }
            return;
        }
        Class::InstallConfig => Input::InstallConfig(Box::new(install_config::read(file, root))),
        Class::Machine(kind) => Input::Machine(Box::new(machine_api::read_machine(file, root, kind))),
        Class::ControlPlaneMachineSet => {
            Input::ControlPlaneMachineSet(Box::new(machine_api::read_cpms(file, root)))
        }
        Class::NetworkOperator => Input::NetworkOperator(operator::read_network(file, &root)),
        Class::IngressController => Input::IngressController(operator::read_ingress(file, &root)),
        Class::Etcd => Input::Etcd(operator::read_etcd(file, &root)),
        Class::Heat => Input::Network(Box::new(heat::read(file, &root))),
        Class::Ansible => {
            Input::Playbook(Box::new(ansible::Playbook { file, path: Default::default(), root }))
        }
        Class::Inventory => Input::Inventory(Box::new(ansible::read_inventory(file, root))),
        Class::SiteFile => Input::SiteFile(Box::new(site_file::read(file, &root))),
        Class::Other => return,
    };
    out.push(input);
}

/// Whether a document is a `List` (as `oc get -o yaml` prints): its `items` are the documents.
fn is_list(root: &Node) -> bool {
    root.get("kind").and_then(Node::as_str).is_some_and(|k| k.ends_with("List"))
}

/// The items of a `List` document; `None` for any other document.
pub fn list_items(root: &Node) -> Option<&[Node]> {
    if is_list(root) { root.get("items").and_then(Node::as_seq) } else { None }
}

/// Whether a document is an install-config.
pub fn is_install_config_document(root: &Node) -> bool {
    matches!(classify(root), Class::InstallConfig)
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
