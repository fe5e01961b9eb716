//! The model the rules read: clusters (install-config + Machine API objects + operator configs)
//! and, per cluster, its AZs and how control-plane members and workers are laid out over them.
//!
//! The network half (the Site: networks, segments, subnets, routers, load balancers) is a sibling
//! of `clusters`; clusters attach to it by network and subnet names, ids and VIP addresses.

pub mod attach;
pub mod export;
mod group;
pub mod l2;
mod layout;
mod lookup;
pub mod site;

use std::path::PathBuf;

use crate::inputs::{
    ControlPlaneMachineSet, Etcd, IngressController, Input, InstallConfig, MachineObject, NetworkOperator,
};
use crate::source::FileId;

pub use layout::{Layout, Member, Origin, WorkerGroup, az_display, per_az_text, tally};

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

    /// The cluster's known API and ingress VIPs.
    pub fn vips(&self) -> Vec<std::net::IpAddr> {
        let mut out = self.api_vips();
        out.extend(self.ingress_vips());
        out
    }

    pub fn api_vips(&self) -> Vec<std::net::IpAddr> {
        self.install_config.as_ref().map_or_else(Vec::new, |ic| known_ips(&ic.openstack.api_vips))
    }

    pub fn ingress_vips(&self) -> Vec<std::net::IpAddr> {
        self.install_config.as_ref().map_or_else(Vec::new, |ic| known_ips(&ic.openstack.ingress_vips))
    }

    pub fn machine_sets(&self) -> impl Iterator<Item = &MachineObject> {
        self.machines.iter().filter(|m| m.kind == crate::inputs::MachineKind::MachineSet)
    }
}

fn known_ips(
    field: &crate::inputs::Field<Vec<crate::source::Sp<std::net::IpAddr>>>,
) -> Vec<std::net::IpAddr> {
    field.value().into_iter().flatten().map(|v| v.value).collect()
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
    let mut terraform: Vec<(PathBuf, crate::inputs::terraform::TerraformFile)> = Vec::new();
    let (mut playbooks, mut inventories) = (Vec::new(), Vec::new());
    for located in inputs {
        match located.input {
            Input::Network(part) => site.extend(*part),
            Input::SiteFile(topology) => site.topologies.push(*topology),
            Input::Terraform(file) => terraform.push((located.dir, *file)),
            Input::LoadBalancer(config) => site.load_balancers.push((located.dir, *config)),
            Input::Playbook(p) => playbooks.push((located.dir, *p)),
            Input::Inventory(i) => inventories.push((located.dir, *i)),
            _ => cluster_inputs.push(located),
        }
    }
    // A Terraform module is a folder: its files are read together, and with the modules it
    // calls or is called by.
    site.extend(crate::inputs::terraform::read_modules(
        &terraform.iter().map(|(dir, f)| (dir.as_path(), f)).collect::<Vec<_>>(),
    ));
    // An inventory serves the playbooks of its folder and below; the nearest one wins.
    inventories.sort_by_key(|(dir, _)| dir.components().count());
    for (dir, playbook) in &playbooks {
        let beside: Vec<_> = inventories.iter().filter(|(d, _)| dir.starts_with(d)).map(|(_, i)| i).collect();
        site.extend(crate::inputs::ansible::read(playbook.file, &playbook.root, &beside, dir));
    }
    site.merge_bigip_configs();
    site.index();
    let mut clusters = group::group(cluster_inputs);
    for cluster in &mut clusters {
        cluster.layout = layout::derive(cluster);
        cluster.files.sort();
        cluster.files.dedup();
    }
    Model { clusters, site }
}
