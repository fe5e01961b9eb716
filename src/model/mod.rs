//! The model the rules read: clusters (install-config + Machine API objects + operator configs)
//! and, per cluster, its AZs and how control-plane members and workers are laid out over them.
//!
//! The network half (the Site: networks, segments, subnets, routers, L2 domains) joins here as a
//! sibling of `clusters` when the network readers land; clusters then attach to it by network
//! and subnet names, ids and VIP addresses.

mod group;
mod layout;
pub mod site;

use std::path::PathBuf;

use crate::inputs::{
    ControlPlaneMachineSet, Etcd, IngressController, Input, InstallConfig, MachineObject, NetworkOperator,
};
use crate::source::FileId;

pub use layout::{Layout, Member, Origin, WorkerGroup};

#[derive(Debug, Default)]
pub struct Model {
    pub clusters: Vec<Cluster>,
    /// The network under the clusters, from every network manifest of the scan.
    pub site: site::Site,
}

#[derive(Debug, Default)]
pub struct Cluster {
    /// `metadata.name` of the install-config, else the infraID without its suffix, else the folder.
    pub name: String,
    pub infra_id: Option<String>,
    /// The folder that holds the cluster's install-config (or its objects, without one).
    pub root: PathBuf,
    pub install_config: Option<InstallConfig>,
    /// MachineSets and Machines.
    pub machines: Vec<MachineObject>,
    pub control_plane_machine_sets: Vec<ControlPlaneMachineSet>,
    pub network_operator: Vec<NetworkOperator>,
    pub ingress_controllers: Vec<IngressController>,
    pub etcd: Vec<Etcd>,
    pub files: Vec<FileId>,
    pub layout: Layout,
}

impl Cluster {
    /// The subnets the cluster names (by name or id), with the span of each mention:
    /// `controlPlanePort.fixedIPs[].subnet`, `machinesSubnet`, and the MachineSets' and CPMS's
    /// `networks[].subnets[]` and port fixed IPs. This is how a cluster attaches to the Site.
    pub fn subnet_mentions(&self) -> Vec<&crate::source::Sp<String>> {
        let mut out = Vec::new();
        if let Some(ic) = &self.install_config {
            let os = &ic.openstack;
            for (id, name) in os.control_plane_port.iter().flat_map(|p| &p.subnets) {
                out.extend(id.known());
                out.extend(name.known());
            }
            out.extend(os.machines_subnet.known());
        }
        let providers = self
            .machines
            .iter()
            .filter_map(|m| m.provider.as_ref())
            .chain(self.control_plane_machine_sets.iter().filter_map(|c| c.provider.as_ref()));
        for p in providers {
            out.extend(&p.subnets);
        }
        out
    }

    pub fn machine_sets(&self) -> impl Iterator<Item = &MachineObject> {
        self.machines.iter().filter(|m| m.kind == crate::inputs::MachineKind::MachineSet)
    }
}

/// An input together with the folder of the file it came from.
#[derive(Debug)]
pub struct Located {
    pub dir: PathBuf,
    pub input: Input,
}

/// Groups inputs into clusters and derives each cluster's layout.
pub fn build(inputs: Vec<Located>) -> Model {
    let mut site = site::Site::default();
    let mut cluster_inputs = Vec::with_capacity(inputs.len());
    for located in inputs {
        match located.input {
            Input::Network(part) => site.extend(*part),
            Input::SiteFile(topology) => site.topologies.push(*topology),
            _ => cluster_inputs.push(located),
        }
    }
    let mut clusters = group::group(cluster_inputs);
    for cluster in &mut clusters {
        cluster.layout = layout::derive(cluster);
        cluster.files.sort();
        cluster.files.dedup();
    }
    Model { clusters, site }
}
