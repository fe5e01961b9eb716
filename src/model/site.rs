//! The Site: the OpenStack network under the clusters (DESIGN.md §5), as the network readers
//! find it — networks with their provider attributes, segments, subnets, routers, ports,
//! floating IPs and security-group rules. Every reportable field keeps its span.
//!
//! Objects refer to each other through [`Ref`]s: a resource of the same template (Heat
//! `get_resource`, a Terraform reference) or a literal name or id. [`Site`] resolves them.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::inputs::Field;
use crate::inputs::site_file::Topology;
use crate::source::{FileId, Sp, Span};

/// A reference from one object to another.
#[derive(Clone, Debug, PartialEq)]
pub enum Ref {
    /// A resource defined in the same file, by its logical name.
    Resource { file: FileId, key: String, span: Span },
    /// A literal name or id of an object defined here or elsewhere.
    Named { value: String, span: Span },
    /// A value that cannot be read (a parameter without default, a template expression).
    Unknown(Span),
}

impl Ref {
    pub fn span(&self) -> Span {
        match self {
            Ref::Resource { span, .. } | Ref::Named { span, .. } | Ref::Unknown(span) => *span,
        }
    }
}

/// Where an object was defined: its file and its logical name there (the Heat resource key).
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub file: FileId,
    pub key: Sp<String>,
}

impl Origin {
    /// `name` when it is known, else the logical name in the file (the Heat resource key).
    fn display<'a>(&'a self, name: &'a Field<String>) -> &'a str {
        name.value().map_or(self.key.value.as_str(), String::as_str)
    }

    fn is(&self, file: FileId, key: &str) -> bool {
        self.file == file && self.key.value == key
    }
}

#[derive(Clone, Debug)]
pub struct Network {
    pub origin: Origin,
    pub name: Field<String>,
    /// `provider:network_type` (vlan, flat, vxlan, geneve, …).
    pub network_type: Field<String>,
    pub physical_network: Field<String>,
    pub segmentation_id: Field<i64>,
    pub external: Field<bool>,
    pub mtu: Field<i64>,
}

impl Network {
    /// The network's name for messages.
    pub fn display_name(&self) -> &str {
        self.origin.display(&self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Segment {
    pub origin: Origin,
    pub network: Ref,
    pub network_type: Field<String>,
    pub physical_network: Field<String>,
    pub segmentation_id: Field<i64>,
}

#[derive(Clone, Debug)]
pub struct Subnet {
    pub origin: Origin,
    pub name: Field<String>,
    pub network: Ref,
    pub cidr: Field<IpNet>,
    pub gateway_ip: Field<IpAddr>,
    /// The routed-network segment the subnet belongs to.
    pub segment: Option<Ref>,
}

#[derive(Clone, Debug)]
pub struct Router {
    pub origin: Origin,
    pub name: Field<String>,
    /// `ha`, as a property or in `value_specs`.
    pub ha: Field<bool>,
    /// `distributed` (DVR), as a property or in `value_specs`.
    pub distributed: Field<bool>,
    pub availability_zone_hints: Field<Vec<Sp<String>>>,
    pub external_network: Option<Ref>,
    /// Whether `ha` and `distributed` were both written as Heat properties, which Heat's own
    /// validation rejects together (through `value_specs` they pass and Neutron accepts them).
    pub heat_properties: bool,
}

impl Router {
    /// The router's name for messages.
    pub fn display_name(&self) -> &str {
        self.origin.display(&self.name)
    }

    /// `ha: false`, read from the manifest (a missing flag is Neutron's default: unknown here).
    pub fn not_ha(&self) -> Option<&Sp<bool>> {
        self.ha.known().filter(|ha| !ha.value)
    }

    /// The single AZ the router is pinned to by `availability_zone_hints`, with the list's span.
    pub fn pinned_az(&self) -> Option<(&str, Span)> {
        let hints = self.availability_zone_hints.known()?;
        match hints.value.as_slice() {
            [az] => Some((az.value.as_str(), hints.span)),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct RouterInterface {
    pub origin: Origin,
    pub router: Ref,
    pub subnet: Option<Ref>,
}

#[derive(Clone, Debug)]
pub struct Port {
    pub origin: Origin,
    pub name: Field<String>,
    pub network: Ref,
    /// `(subnet, ip address)` per fixed IP.
    pub fixed_ips: Vec<(Option<Ref>, Field<IpAddr>)>,
    pub allowed_address_pairs: Vec<Field<String>>,
}

#[derive(Clone, Debug)]
pub struct FloatingIp {
    pub origin: Origin,
    pub floating_network: Option<Ref>,
    pub port: Option<Ref>,
    pub address: Field<IpAddr>,
}

#[derive(Clone, Debug)]
pub struct SecurityGroupRule {
    pub origin: Origin,
    /// The group the rule belongs to (the enclosing `OS::Neutron::SecurityGroup` for inline rules).
    pub group: Ref,
    pub protocol: Field<String>,
    pub remote_ip_prefix: Field<String>,
}

/// Everything below the clusters.
#[derive(Clone, Debug, Default)]
pub struct Site {
    pub networks: Vec<Network>,
    pub segments: Vec<Segment>,
    pub subnets: Vec<Subnet>,
    pub routers: Vec<Router>,
    pub router_interfaces: Vec<RouterInterface>,
    pub ports: Vec<Port>,
    pub floating_ips: Vec<FloatingIp>,
    pub security_group_rules: Vec<SecurityGroupRule>,
    /// Site topology files: AZs, physnets per AZ, physical gateways, inter-AZ latency.
    pub topologies: Vec<Topology>,
}

impl Site {
    /// Adds the objects of another file.
    pub fn extend(&mut self, other: Site) {
        self.networks.extend(other.networks);
        self.segments.extend(other.segments);
        self.subnets.extend(other.subnets);
        self.routers.extend(other.routers);
        self.router_interfaces.extend(other.router_interfaces);
        self.ports.extend(other.ports);
        self.floating_ips.extend(other.floating_ips);
        self.security_group_rules.extend(other.security_group_rules);
        self.topologies.extend(other.topologies);
    }

    /// The network a reference names: a resource of the same file, or a network by name.
    pub fn network(&self, r: &Ref) -> Option<&Network> {
        match r {
            Ref::Resource { file, key, .. } => self.networks.iter().find(|n| n.origin.is(*file, key)),
            Ref::Named { value, .. } => self.networks.iter().find(|n| n.name.value() == Some(value)),
            Ref::Unknown(_) => None,
        }
    }

    /// The subnet a reference names: a resource of the same file, or a subnet by name.
    pub fn subnet(&self, r: &Ref) -> Option<&Subnet> {
        match r {
            Ref::Resource { file, key, .. } => self.subnets.iter().find(|s| s.origin.is(*file, key)),
            Ref::Named { value, .. } => self.subnets.iter().find(|s| s.name.value() == Some(value)),
            Ref::Unknown(_) => None,
        }
    }

    /// Subnets with this name.
    pub fn subnets_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Subnet> {
        self.subnets.iter().filter(move |s| s.name.value().is_some_and(|n| n == name))
    }

    /// The network's segments (more than one makes it a routed provider network).
    pub fn segments_of<'a>(&'a self, network: &'a Network) -> impl Iterator<Item = &'a Segment> {
        self.segments
            .iter()
            .filter(move |s| self.network(&s.network).is_some_and(|n| n.origin == network.origin))
    }

    /// The network that carries a cluster's control-plane port: named by
    /// `controlPlanePort.network`, or the network of a subnet the port names.
    pub fn control_plane_network(&self, cluster: &crate::model::Cluster) -> Option<&Network> {
        let port = cluster.install_config.as_ref()?.openstack.control_plane_port.as_ref()?;
        let by_name = port
            .network_name
            .value()
            .and_then(|n| self.networks.iter().find(|net| net.name.value() == Some(n)));
        by_name.or_else(|| {
            port.subnets
                .iter()
                .filter_map(|(_, name)| name.value())
                .flat_map(|n| self.subnets_named(n))
                .find_map(|s| self.network(&s.network))
        })
    }

    /// The routers with an interface on a subnet of `network`.
    pub fn routers_on<'a>(&'a self, network: &'a Network) -> impl Iterator<Item = &'a Router> {
        self.router_interfaces
            .iter()
            .filter(move |i| {
                i.subnet
                    .as_ref()
                    .and_then(|s| self.subnet(s))
                    .and_then(|s| self.network(&s.network))
                    .is_some_and(|n| n.origin == network.origin)
            })
            .filter_map(move |i| match &i.router {
                Ref::Resource { file, key, .. } => self.routers.iter().find(|r| r.origin.is(*file, key)),
                Ref::Named { value, .. } => self.routers.iter().find(|r| r.name.value() == Some(value)),
                Ref::Unknown(_) => None,
            })
    }

    /// The routers that carry a cluster's API/ingress floating IPs: a gateway on the
    /// install-config's `externalNetwork` and an interface on the cluster's control-plane network.
    /// Empty when the cluster has no floating IP.
    pub fn fip_routers<'a>(&'a self, cluster: &crate::model::Cluster) -> Vec<&'a Router> {
        let Some(ic) = &cluster.install_config else { return Vec::new() };
        let os = &ic.openstack;
        let has_fip = os.api_floating_ip.is_present() || os.ingress_floating_ip.is_present();
        let (Some(external), Some(network), true) =
            (os.external_network.value(), self.control_plane_network(cluster), has_fip)
        else {
            return Vec::new();
        };
        let on_external = |r: &&Router| match &r.external_network {
            Some(Ref::Named { value, .. }) => value == external,
            Some(gw) => self.network(gw).and_then(|n| n.name.value()) == Some(external),
            None => false,
        };
        let mut routers: Vec<&Router> = self.routers_on(network).filter(on_external).collect();
        routers.dedup_by(|a, b| a.origin == b.origin);
        routers
    }
}
