//! Machine API objects: MachineSet and Machine (`machine.openshift.io/v1beta1`) with an
//! `OpenstackProviderSpec`, and the ControlPlaneMachineSet (`machine.openshift.io/v1`).

use super::field::{self, Field, key_span};
use crate::source::{FileId, Sp, Span};
use crate::yaml::Node;

pub const CLUSTER_LABEL: &str = "machine.openshift.io/cluster-api-cluster";
pub const ROLE_LABEL: &str = "machine.openshift.io/cluster-api-machine-role";
pub const TYPE_LABEL: &str = "machine.openshift.io/cluster-api-machine-type";

/// The providerSpec apiVersions that carry an `OpenstackProviderSpec` (DOMAIN.md §B.1).
pub const PROVIDER_API_VERSIONS: [&str; 2] =
    ["machine.openshift.io/v1alpha1", "openstackproviderconfig.openshift.io/v1alpha1"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MachineKind {
    MachineSet,
    Machine,
}

impl MachineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MachineKind::MachineSet => "MachineSet",
            MachineKind::Machine => "Machine",
        }
    }
}

/// A MachineSet or a Machine.
#[derive(Clone, Debug)]
pub struct MachineObject {
    pub file: FileId,
    pub kind: MachineKind,
    pub name: Field<String>,
    /// Span of the document's `kind` value, for findings about the whole object.
    pub span: Span,
    pub infra_id: Field<String>,
    /// `master`, `worker`, `infra`, … from the role (or type) label.
    pub role: Field<String>,
    /// `spec.replicas` of a MachineSet (defaults to 1 as the API server does); 1 for a Machine.
    pub replicas: Field<i64>,
    pub provider: Option<ProviderSpec>,
}

impl MachineObject {
    /// `MachineSet `name`` for messages.
    pub fn describe(&self) -> String {
        format!("{} `{}`", self.kind.as_str(), self.name.value().map_or("(unnamed)", String::as_str))
    }

    pub fn is_master(&self) -> bool {
        self.role.value().is_some_and(|r| r == "master")
    }
}

#[derive(Clone, Debug, Default)]
pub struct ProviderSpec {
    /// The `providerSpec.value` mapping.
    pub root: Option<Node>,
    pub api_version: Field<String>,
    pub availability_zone: Field<String>,
    pub root_volume: Option<VolumeSpec>,
    pub server_group_name: Field<String>,
    pub flavor: Field<String>,
    /// Subnet ids and filter names of `networks[].subnets[]`, and `ports[].fixedIPs[].subnetID`.
    pub subnets: Vec<Sp<String>>,
    /// Network ids and filter names of `networks[]` and `ports[].networkID`.
    pub networks: Vec<Sp<String>>,
}

/// `rootVolume` of a providerSpec, or of a CPMS failure domain.
#[derive(Clone, Debug)]
pub struct VolumeSpec {
    /// Span of the `rootVolume` key.
    pub key: Span,
    pub availability_zone: Field<String>,
    pub volume_type: Field<String>,
    pub disk_size: Field<i64>,
}

#[derive(Clone, Debug)]
pub struct ControlPlaneMachineSet {
    pub file: FileId,
    pub span: Span,
    pub infra_id: Field<String>,
    pub replicas: Field<i64>,
    pub failure_domain_platform: Field<String>,
    /// Span of the `failureDomains` key, when present.
    pub failure_domains_key: Option<Span>,
    pub failure_domains: Vec<FailureDomain>,
    pub provider: Option<ProviderSpec>,
}

#[derive(Clone, Debug)]
pub struct FailureDomain {
    pub span: Span,
    pub availability_zone: Field<String>,
    pub root_volume: Option<VolumeSpec>,
}

fn label(meta: Option<&Node>, key: &str) -> Field<String> {
    field::string(meta.and_then(|m| m.path(&["labels", key])))
}

/// The first labelled value among the object's own labels and its template's labels.
fn label_any(metas: &[Option<&Node>], key: &str) -> Field<String> {
    metas.iter().map(|m| label(*m, key)).find(Field::is_present).unwrap_or_default()
}

pub fn read_machine(file: FileId, mut root: Node, kind: MachineKind) -> MachineObject {
    let provider_path: &[&str] = match kind {
        MachineKind::MachineSet => &["spec", "template", "spec", "providerSpec", "value"],
        MachineKind::Machine => &["spec", "providerSpec", "value"],
    };
    let provider = root.take_path(provider_path).map(read_provider);
    let root = &root;
    let meta = root.get("metadata");
    let template_meta = match kind {
        MachineKind::MachineSet => root.path(&["spec", "template", "metadata"]),
        MachineKind::Machine => None,
    };
    let metas = [meta, template_meta];
    let role = match label_any(&metas, ROLE_LABEL) {
        Field::Missing => label_any(&metas, TYPE_LABEL),
        role => role,
    };
    let replicas = match kind {
        MachineKind::MachineSet => match root.path(&["spec", "replicas"]) {
            Some(n) => field::replicas(Some(n)),
            None => Field::Known(Sp::new(1, kind_span(root))),
        },
        MachineKind::Machine => Field::Known(Sp::new(1, kind_span(root))),
    };
    MachineObject {
        file,
        kind,
        name: field::string(meta.and_then(|m| m.get("name"))),
        span: kind_span(root),
        infra_id: label_any(&metas, CLUSTER_LABEL),
        role,
        replicas,
        provider,
    }
}

/// The `kind` value's span, or the document's start.
pub fn kind_span(root: &Node) -> Span {
    root.get("kind").map_or(root.span, |k| k.span)
}

/// Reads a providerSpec value and keeps its tree (moved in, not copied) for key-level rules.
pub fn read_provider(root: Node) -> ProviderSpec {
    let value = &root;
    let mut subnets = Vec::new();
    let mut networks = Vec::new();
    let push = |out: &mut Vec<Sp<String>>, node: Option<&Node>| {
        if let Field::Known(s) = field::string(node) {
            out.push(s);
        }
    };
    for net in value.get("networks").and_then(Node::as_seq).unwrap_or_default() {
        push(&mut networks, net.get("uuid"));
        push(&mut networks, net.path(&["filter", "name"]));
        for subnet in net.get("subnets").and_then(Node::as_seq).unwrap_or_default() {
            push(&mut subnets, subnet.get("uuid"));
            push(&mut subnets, subnet.path(&["filter", "name"]));
        }
    }
    for port in value.get("ports").and_then(Node::as_seq).unwrap_or_default() {
        push(&mut networks, port.get("networkID"));
        for ip in port.get("fixedIPs").and_then(Node::as_seq).unwrap_or_default() {
            push(&mut subnets, ip.get("subnetID"));
        }
    }
    let api_version = field::string(value.get("apiVersion"));
    let availability_zone = field::string(value.get("availabilityZone"));
    let root_volume = read_volume(value, "diskSize");
    let server_group_name = field::string(value.get("serverGroupName"));
    let flavor = field::string(value.get("flavor"));
    ProviderSpec {
        root: Some(root),
        api_version,
        availability_zone,
        root_volume,
        server_group_name,
        flavor,
        subnets,
        networks,
    }
}

fn read_volume(parent: &Node, size_key: &str) -> Option<VolumeSpec> {
    let (key, rv) = parent.entry("rootVolume").filter(|(_, v)| !v.is_null())?;
    Some(VolumeSpec {
        key: key.span,
        availability_zone: field::string(rv.get("availabilityZone")),
        volume_type: field::string(rv.get("volumeType")),
        disk_size: field::int(rv.get(size_key)),
    })
}

pub fn read_cpms(file: FileId, mut root: Node) -> ControlPlaneMachineSet {
    let provider = root
        .take_path(&[
            "spec",
            "template",
            "machines_v1beta1_machine_openshift_io",
            "spec",
            "providerSpec",
            "value",
        ])
        .map(read_provider);
    let root = &root;
    let template = root.path(&["spec", "template", "machines_v1beta1_machine_openshift_io"]);
    let fds = template.and_then(|t| t.get("failureDomains"));
    let failure_domains = fds
        .and_then(|f| f.get("openstack"))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|fd| FailureDomain {
            span: fd.span,
            availability_zone: field::string(fd.get("availabilityZone")),
            root_volume: read_volume(fd, "diskSize"),
        })
        .collect();
    ControlPlaneMachineSet {
        file,
        span: kind_span(root),
        infra_id: label_any(&[template.and_then(|t| t.get("metadata")), root.get("metadata")], CLUSTER_LABEL),
        replicas: field::replicas(root.path(&["spec", "replicas"])),
        failure_domain_platform: field::string(fds.and_then(|f| f.get("platform"))),
        failure_domains_key: key_span(template, "failureDomains"),
        failure_domains,
        provider,
    }
}
