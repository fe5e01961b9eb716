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

pub use layout::{Installer, Layout, Member, Origin, WorkerGroup, az_display, per_az_text, tally};

#[derive(Debug, Default)]
pub struct Model {
    pub clusters: Vec<Cluster>,
    /// The network under the clusters, from every network manifest of the scan.
    pub site: site::Site,
    /// Day-2 manifests that belong to no cluster of the scan.
    pub context: Vec<Context>,
}

/// A day-2 manifest (an IngressController, the Network operator configuration, …) with no
/// install-config or Machine API object to tie it to a cluster: context, not a cluster.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    pub file: FileId,
    /// What it configures, for messages.
    pub kind: &'static str,
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
    /// The installer release that lays the cluster out, where releases differ.
    pub installer: Installer,
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

/// Reads the Ansible playbooks with the inventories that serve them: an inventory file serves the
/// playbooks of its folder and below, the nearest winning; `group_vars/`/`host_vars/` files serve
/// those beside the inventory (Ansible's "inventory" vars) and beside the playbook ("playbook"
/// vars). `import_playbook` finds another playbook of the scan by its path.
fn read_playbooks(
    site: &mut site::Site,
    playbooks: &[(PathBuf, crate::inputs::ansible::Playbook)],
    mut inventories: Vec<(PathBuf, crate::inputs::ansible::Inventory)>,
) {
    use crate::inputs::ansible::{self, Context, Source};
    inventories.sort_by_key(|(dir, _)| dir.components().count());
    let by_path: std::collections::HashMap<&std::path::Path, &crate::yaml::Node> =
        playbooks.iter().map(|(_, p)| (p.path.as_path(), &p.root)).collect();
    let imports = |path: &std::path::Path| by_path.get(crate::source::lexical(path).as_path()).copied();
    for (dir, playbook) in playbooks {
        let files: Vec<&PathBuf> = inventories
            .iter()
            .filter(|(d, i)| matches!(i.source, Source::File { .. }) && dir.starts_with(d))
            .map(|(d, _)| d)
            .collect();
        let sources = inventories
            .iter()
            .filter(|(d, i)| match i.source {
                Source::File { .. } => dir.starts_with(d),
                Source::Vars { .. } => d == dir || files.contains(&d),
            })
            .map(|(_, i)| i)
            .collect();
        let context = Context { sources };
        site.extend(ansible::read_run(playbook.file, &playbook.root, &context, dir, &imports));
    }
}

/// Groups inputs into clusters and derives each cluster's layout as `installer` lays it out.
pub fn build(inputs: Vec<Located>, installer: Installer) -> Model {
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
    read_playbooks(&mut site, &playbooks, inventories);
    site.merge_bigip_configs();
    site.index();
    let (mut clusters, context) = group::group(cluster_inputs);
    for cluster in &mut clusters {
        cluster.installer = installer;
        cluster.layout = layout::derive(cluster);
        cluster.files.sort();
        cluster.files.dedup();
    }
    Model { clusters, site, context }
}
