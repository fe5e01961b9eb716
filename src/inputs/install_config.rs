//! `install-config.yaml` for `platform: openstack`, OpenShift 4.6 to the latest release.
//!
//! Old and new spellings are both read (DOMAIN.md §A.2/§A.4) and up-converted the way the
//! installer does, so rules see one shape; the raw document is kept for rules about spellings.

use std::net::IpAddr;

use ipnet::IpNet;

use super::field::{self, Field, key_span};
use crate::source::{FileId, Sp, Span};
use crate::yaml::Node;

#[derive(Clone, Debug)]
pub struct InstallConfig {
    pub file: FileId,
    pub root: Node,
    pub api_version: Field<String>,
    pub name: Field<String>,
    pub base_domain: Field<String>,
    pub networking: Networking,
    pub control_plane: Option<MachinePool>,
    pub compute: Vec<MachinePool>,
    pub openstack: Platform,
}

#[derive(Clone, Debug, Default)]
pub struct Networking {
    pub network_type: Field<String>,
    /// `machineNetwork[].cidr`, or the 4.5-era `machineCIDR`.
    pub machine_network: Field<Vec<Sp<IpNet>>>,
    pub cluster_network_mtu: Field<i64>,
}

/// The OpenStack part of a machine pool (`controlPlane`, `compute[]`, `defaultMachinePlatform`).
#[derive(Clone, Debug, Default)]
pub struct PoolPlatform {
    /// Span of the `platform.openstack` mapping, when the pool has one.
    pub span: Option<Span>,
    pub flavor: Field<String>,
    pub zones: Field<Vec<Sp<String>>>,
    pub root_volume: Option<RootVolume>,
    pub server_group_policy: Field<String>,
    pub additional_network_ids: Field<Vec<Sp<String>>>,
    /// `failureDomains`, the OpenShift 4.13 Tech Preview spelling of a pool's AZs (DOMAIN.md §A.3).
    pub failure_domains: Option<PoolFailureDomains>,
}

/// A pool's `failureDomains` list, which only the 4.13 installer reads: later ones drop it.
#[derive(Clone, Debug)]
pub struct PoolFailureDomains {
    /// Span of the `failureDomains` key.
    pub key: Span,
    pub domains: Field<Vec<PoolFailureDomain>>,
}

#[derive(Clone, Debug)]
pub struct PoolFailureDomain {
    pub span: Span,
    /// `computeAvailabilityZone`: the Nova AZ.
    pub compute_az: Field<String>,
    /// `storageAvailabilityZone`: the Cinder AZ of the root volume.
    pub storage_az: Field<String>,
    /// `portTargets`; the one with `id: control-plane` replaces the primary network.
    pub port_targets: Vec<(Field<String>, PortTarget)>,
}

#[derive(Clone, Debug)]
pub struct RootVolume {
    /// Span of the `rootVolume` key.
    pub key: Span,
    pub size: Field<i64>,
    /// Deprecated single type.
    pub type_: Field<String>,
    pub types: Field<Vec<Sp<String>>>,
    pub zones: Field<Vec<Sp<String>>>,
}

impl RootVolume {
    /// `types`, or the deprecated `type` as a one-entry list (the installer's conversion).
    pub fn effective_types(&self) -> Field<Vec<Sp<String>>> {
        match (&self.types, &self.type_) {
            (Field::Missing, Field::Known(t)) => Field::Known(Sp::new(vec![t.clone()], t.span)),
            (Field::Missing, Field::Unknown(s)) => Field::Unknown(*s),
            (types, _) => types.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct MachinePool {
    /// Span of the pool's mapping start (the `name` value when present).
    pub span: Span,
    pub name: Field<String>,
    pub replicas: Field<i64>,
    /// The pool's own `platform.openstack`.
    pub own: PoolPlatform,
    /// `defaultMachinePlatform` merged under the pool's own values, as `MachinePool.Set()` does.
    pub effective: PoolPlatform,
}

#[derive(Clone, Debug, Default)]
pub struct PortTarget {
    pub network_id: Field<String>,
    pub network_name: Field<String>,
    /// `(subnet id, subnet name)` per fixed IP.
    pub subnets: Vec<(Field<String>, Field<String>)>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Default)]
pub struct Platform {
    /// Span of the `platform.openstack` key.
    pub span: Option<Span>,
    pub cloud: Field<String>,
    pub external_network: Field<String>,
    /// `apiFloatingIP`, or the deprecated `lbFloatingIP`.
    pub api_floating_ip: Field<String>,
    pub ingress_floating_ip: Field<String>,
    /// `apiVIPs`, or `[apiVIP]` when only the deprecated field is set.
    pub api_vips: Field<Vec<Sp<IpAddr>>>,
    pub ingress_vips: Field<Vec<Sp<IpAddr>>>,
    pub control_plane_port: Option<PortTarget>,
    /// Deprecated; the installer converts it into `controlPlanePort.fixedIPs[0].subnet.id`.
    pub machines_subnet: Field<String>,
    pub load_balancer_type: Field<String>,
    pub default_machine_platform: PoolPlatform,
}

impl InstallConfig {
    pub fn name(&self) -> Option<&str> {
        self.name.value().map(String::as_str)
    }

    pub fn user_managed_lb(&self) -> bool {
        self.openstack.load_balancer_type.value().is_some_and(|t| t == "UserManaged")
    }

    /// Whether the lb type is unknown (templated): rules that depend on it must stay silent.
    pub fn lb_type_unknown(&self) -> bool {
        self.openstack.load_balancer_type.is_unknown()
    }

    /// Fields that only exist from 4.12 on; their presence proves unicast keepalived (≥ 4.11).
    pub fn uses_412_fields(&self) -> bool {
        let os = self.root.path(&["platform", "openstack"]);
        ["apiVIPs", "ingressVIPs", "controlPlanePort", "loadBalancer"]
            .iter()
            .any(|k| os.and_then(|o| o.get(k)).is_some())
            || self
                .compute
                .iter()
                .chain(&self.control_plane)
                .any(|p| p.own.root_volume.as_ref().is_some_and(|rv| rv.types.is_present()))
    }

    /// The API and ingress VIPs the installer derives when none is written: hosts 5 and 7 of the
    /// first `machineNetwork` (10.0.0.0/16 when none is given), except under a user-managed load
    /// balancer, with the span of what they were derived from. `None` when a VIP is written or
    /// what they derive from is templated. Source: openshift/installer
    /// pkg/types/openstack/defaults/platform.go@072eb5b5 (`SetPlatformDefaults`) and
    /// pkg/types/defaults/installconfig.go@0bbdbc3c (`defaultMachineCIDR`).
    pub fn default_vips(&self) -> Option<DefaultVips> {
        let os = &self.openstack;
        let unset = |f: &Field<Vec<Sp<IpAddr>>>| match f {
            Field::Missing => true,
            Field::Known(v) => v.value.is_empty(),
            Field::Unknown(_) => false,
        };
        if !unset(&os.api_vips) && !unset(&os.ingress_vips)
            || self.user_managed_lb()
            || self.lb_type_unknown()
        {
            return None;
        }
        let (network, span) = match &self.networking.machine_network {
            Field::Known(list) => list.value.first().map(|n| (n.value, n.span))?,
            Field::Unknown(_) => return None,
            Field::Missing => (IpNet::V4(default_machine_network()?), os.span?),
        };
        let api = unset(&os.api_vips).then(|| nth_host(network, 5)).flatten();
        let ingress = unset(&os.ingress_vips).then(|| nth_host(network, 7)).flatten();
        Some(DefaultVips { api, ingress, span })
    }

    /// All pools, control plane first.
    pub fn pools(&self) -> impl Iterator<Item = &MachinePool> {
        self.control_plane.iter().chain(&self.compute)
    }
}

/// The installer's `defaultMachineCIDR`, 10.0.0.0/16.
fn default_machine_network() -> Option<ipnet::Ipv4Net> {
    ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), 16).ok()
}

/// VIPs the installer fills in, and the span of the `machineNetwork` entry (or of
/// `platform.openstack`) they come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DefaultVips {
    pub api: Option<IpAddr>,
    pub ingress: Option<IpAddr>,
    pub span: Span,
}

/// `cidr.Host(network, n)`: the network address plus `n`, when the network holds it.
fn nth_host(network: IpNet, n: u8) -> Option<IpAddr> {
    let host = match network.network() {
        IpAddr::V4(a) => IpAddr::V4(u32::from(a).checked_add(u32::from(n))?.into()),
        IpAddr::V6(a) => IpAddr::V6(u128::from(a).checked_add(u128::from(n))?.into()),
    };
    network.contains(&host).then_some(host)
}

/// Reads an install-config document (already classified as one).
pub fn read(file: FileId, root: Node) -> InstallConfig {
    let os = root.path(&["platform", "openstack"]);
    let networking = read_networking(root.get("networking"));
    let openstack = read_platform(&root, os);
    let pool = |node: &Node| read_pool(node, &openstack.default_machine_platform);
    let control_plane = root.get("controlPlane").filter(|n| n.as_map().is_some()).map(pool);
    let compute = root
        .get("compute")
        .and_then(Node::as_seq)
        .map(|pools| pools.iter().filter(|n| n.as_map().is_some()).map(pool).collect())
        .unwrap_or_default();
    let api_version = field::string(root.get("apiVersion"));
    let name = field::string(root.path(&["metadata", "name"]));
    let base_domain = field::string(root.get("baseDomain"));
    // Every field above is owned: the raw tree moves in without a copy.
    InstallConfig {
        file,
        root,
        api_version,
        name,
        base_domain,
        networking,
        control_plane,
        compute,
        openstack,
    }
}

fn read_networking(node: Option<&Node>) -> Networking {
    let Some(node) = node else { return Networking::default() };
    let machine_network = match node.get("machineNetwork") {
        Some(list) => field::list(Some(list), |entry| field::parsed(entry.and_then(|e| e.get("cidr")))),
        None => match field::parsed::<IpNet>(node.get("machineCIDR")) {
            Field::Known(c) => Field::Known(Sp::new(vec![c.clone()], c.span)),
            Field::Unknown(s) => Field::Unknown(s),
            Field::Missing => Field::Missing,
        },
    };
    Networking {
        network_type: field::string(node.get("networkType").or_else(|| node.get("type"))),
        machine_network,
        cluster_network_mtu: field::int(node.get("clusterNetworkMTU")),
    }
}

fn read_platform(root: &Node, os: Option<&Node>) -> Platform {
    let Some(os) = os else { return Platform::default() };
    let get = |k: &str| os.get(k);
    let vips = |new: &str, old: &str| match get(new) {
        Some(n) => field::list(Some(n), field::parsed),
        None => match field::parsed::<IpAddr>(get(old)) {
            Field::Known(v) => Field::Known(Sp::new(vec![v.clone()], v.span)),
            Field::Unknown(s) => Field::Unknown(s),
            Field::Missing => Field::Missing,
        },
    };
    let mut default_pool = read_pool_platform(get("defaultMachinePlatform"));
    if !default_pool.flavor.is_present() {
        // `computeFlavor` is the deprecated spelling of `defaultMachinePlatform.type`.
        default_pool.flavor = field::string(get("computeFlavor"));
    }
    Platform {
        span: key_span(root.get("platform"), "openstack"),
        cloud: field::string(get("cloud")),
        external_network: field::string(get("externalNetwork")),
        api_floating_ip: field::string(get("apiFloatingIP")).or(&field::string(get("lbFloatingIP"))),
        ingress_floating_ip: field::string(get("ingressFloatingIP")),
        api_vips: vips("apiVIPs", "apiVIP"),
        ingress_vips: vips("ingressVIPs", "ingressVIP"),
        control_plane_port: get("controlPlanePort").map(read_port_target),
        machines_subnet: field::string(get("machinesSubnet")),
        load_balancer_type: field::string(os.path(&["loadBalancer", "type"])),
        default_machine_platform: default_pool,
    }
}

fn read_port_target(node: &Node) -> PortTarget {
    let subnets = node
        .get("fixedIPs")
        .and_then(Node::as_seq)
        .map(|ips| {
            ips.iter()
                .map(|ip| {
                    let subnet = ip.get("subnet");
                    (
                        field::string(subnet.and_then(|s| s.get("id"))),
                        field::string(subnet.and_then(|s| s.get("name"))),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    PortTarget {
        network_id: field::string(node.path(&["network", "id"])),
        network_name: field::string(node.path(&["network", "name"])),
        subnets,
        span: Some(node.span),
    }
}

fn read_pool(node: &Node, defaults: &PoolPlatform) -> MachinePool {
    let own = read_pool_platform(node.path(&["platform", "openstack"]));
    let effective = merge(defaults, &own);
    MachinePool {
        span: node.get("name").map_or(node.span, |n| n.span),
        name: field::string(node.get("name")),
        replicas: field::replicas(node.get("replicas")),
        own,
        effective,
    }
}

pub fn read_pool_platform(node: Option<&Node>) -> PoolPlatform {
    let Some(node) = node else { return PoolPlatform::default() };
    let root_volume = node.entry("rootVolume").filter(|(_, v)| !v.is_null()).map(|(k, rv)| RootVolume {
        key: k.span,
        size: field::int(rv.get("size")),
        type_: field::string(rv.get("type")),
        types: field::strings(rv.get("types")),
        zones: field::strings(rv.get("zones")),
    });
    PoolPlatform {
        span: Some(node.span),
        flavor: field::string(node.get("type")),
        zones: field::strings(node.get("zones")),
        root_volume,
        server_group_policy: field::string(node.get("serverGroupPolicy")),
        additional_network_ids: field::strings(node.get("additionalNetworkIDs")),
        failure_domains: node
            .entry("failureDomains")
            .map(|(k, list)| PoolFailureDomains { key: k.span, domains: read_failure_domains(list) }),
    }
}

fn read_failure_domains(list: &Node) -> Field<Vec<PoolFailureDomain>> {
    if list.is_null() {
        return Field::Known(Sp::new(Vec::new(), list.span));
    }
    let Some(items) = list.as_seq() else { return Field::Unknown(list.span) };
    let domains = items
        .iter()
        .map(|fd| PoolFailureDomain {
            span: fd.span,
            compute_az: field::string(fd.get("computeAvailabilityZone")),
            storage_az: field::string(fd.get("storageAvailabilityZone")),
            port_targets: fd
                .get("portTargets")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .map(|t| (field::string(t.get("id")), read_port_target(t)))
                .collect(),
        })
        .collect();
    Field::Known(Sp::new(domains, list.span))
}

/// `MachinePool.Set()`: the pool's non-empty values override the defaults, field by field.
fn merge(defaults: &PoolPlatform, own: &PoolPlatform) -> PoolPlatform {
    let root_volume = match (&defaults.root_volume, &own.root_volume) {
        (None, rv) | (rv, None) => rv.clone(),
        (Some(d), Some(o)) => Some(RootVolume {
            key: o.key,
            size: o.size.or(&d.size),
            type_: o.type_.or(&d.type_),
            types: o.types.or_list(&d.types),
            zones: o.zones.or_list(&d.zones),
        }),
    };
    PoolPlatform {
        span: own.span.or(defaults.span),
        flavor: own.flavor.or(&defaults.flavor),
        zones: own.zones.or_list(&defaults.zones),
        root_volume,
        server_group_policy: own.server_group_policy.or(&defaults.server_group_policy),
        additional_network_ids: own.additional_network_ids.or_list(&defaults.additional_network_ids),
        failure_domains: own.failure_domains.clone().or_else(|| defaults.failure_domains.clone()),
    }
}
