//! L2 domains: which subnets share one broadcast domain, and how far each network reaches.
//!
//! A single-segment network is one L2 domain wherever it is bridged: a tenant overlay wherever
//! tunnels reach, a provider network in the AZs whose hosts bridge its physnet (Site). A network
//! with several segments is a routed provider network (RPN): each segment is its own L2 domain,
//! and the fabric routes between them (DOMAIN.md §D.1, §D.2).

use std::net::IpAddr;

use crate::model::Cluster;
use crate::model::site::{Network, Segment, Site};

/// One broadcast domain: a network, or one segment of a routed network.
#[derive(Clone, Debug)]
pub struct L2Domain<'a> {
    pub network: &'a Network,
    /// The segment, for a routed network.
    pub segment: Option<&'a Segment>,
}

impl L2Domain<'_> {
    /// Whether two domains are the same broadcast domain.
    pub fn same(&self, other: &L2Domain<'_>) -> bool {
        self.network.origin == other.network.origin
            && self.segment.map(|s| &s.origin) == other.segment.map(|s| &s.origin)
    }

    /// The domain for messages: `network `x`` or `segment `k` of network `x``.
    pub fn describe(&self) -> String {
        match self.segment {
            Some(s) => format!(
                "segment `{}` of network `{}`",
                s.name.value().cloned().unwrap_or_else(|| super::site::unresolved(&s.origin.key.value)),
                self.network.display_name()
            ),
            None => format!("network `{}`", self.network.display_name()),
        }
    }
}

/// How far a network reaches across the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach<'a> {
    /// Several segments, each its own L2: a routed provider network.
    Routed { segments: usize },
    /// One L2 present in several AZs: a provider network whose physnet is bridged in each of
    /// them, or one that carries control-plane members in several AZs.
    Stretched { zones: Vec<&'a str> },
    /// A provider network bridged in one AZ only.
    SingleAz { zone: &'a str },
    /// A tenant overlay (VXLAN, Geneve, GRE): one L2 wherever tunnels reach.
    Overlay,
    /// A network created without provider attributes: the cloud's default tenant type (an
    /// overlay in the deployments this tool models, but the manifest does not say).
    Tenant,
    /// Nothing in the scan says.
    Unknown,
}

impl Reach<'_> {
    /// A short description for `infer` and messages.
    pub fn describe(&self) -> String {
        match self {
            Reach::Routed { segments } => format!("routed, {segments} segments"),
            Reach::Stretched { zones } if zones.is_empty() => "stretched L2".to_owned(),
            Reach::Stretched { zones } => format!("stretched L2 across {}", zones.join(", ")),
            Reach::SingleAz { zone } => format!("L2 in {zone} only"),
            Reach::Overlay => "tenant overlay".to_owned(),
            Reach::Tenant => "tenant network, the cloud's default type".to_owned(),
            Reach::Unknown => "reach unknown".to_owned(),
        }
    }
}

const OVERLAY_TYPES: [&str; 3] = ["vxlan", "geneve", "gre"];

impl Site {
    /// The L2 domain an address sits in, through the subnet whose CIDR holds it.
    pub fn l2_domain_of(&self, ip: IpAddr) -> Option<L2Domain<'_>> {
        let subnet = self.subnet_containing(ip)?;
        let network = self.network(&subnet.network)?;
        let routed = self.is_routed(network);
        let segment = if routed { Some(self.segment(subnet.segment.as_ref()?)?) } else { None };
        Some(L2Domain { network, segment })
    }

    /// A network with several segments: a routed provider network.
    pub fn is_routed(&self, network: &Network) -> bool {
        self.segments_of(network).nth(1).is_some()
    }

    /// The AZs whose hosts bridge the network's physnet, as a Site topology states them.
    pub fn network_zones(&self, network: &Network) -> Option<Vec<&str>> {
        let physnet = network.physical_network.value()?;
        Some(self.physnet_zones(physnet)?.iter().map(|z| z.value.as_str()).collect())
    }

    /// A network present in more than one AZ: its physnet is bridged in several (Site), or it
    /// carries the cluster's control-plane members in several. Overlays count too when they carry
    /// such a control plane: their way out is a router like any stretched L2's.
    pub fn is_stretched(&self, network: &Network, cluster: &Cluster) -> bool {
        self.network_zones(network).is_some_and(|z| z.len() > 1)
            || (self.control_plane_network(cluster).is_some_and(|n| n.origin == network.origin)
                && cluster.layout.control_plane_zones().len() > 1)
    }

    /// How far a network reaches; `cluster` adds the evidence of its control-plane members.
    pub fn reach<'a>(&'a self, network: &'a Network, cluster: Option<&'a Cluster>) -> Reach<'a> {
        let segments = self.segments_of(network).count();
        if segments >= 2 {
            return Reach::Routed { segments };
        }
        if network.network_type.value().is_some_and(|t| OVERLAY_TYPES.contains(&t.as_str())) {
            return Reach::Overlay;
        }
        let no_provider_attributes = !network.network_type.is_present()
            && !network.physical_network.is_present()
            && segments == 0
            && network.external.value() != Some(&true);
        if no_provider_attributes {
            return Reach::Tenant;
        }
        let zones = self.network_zones(network);
        if let Some(zones) = &zones
            && zones.len() > 1
        {
            return Reach::Stretched { zones: zones.clone() };
        }
        let carries_control_plane = cluster
            .is_some_and(|c| self.control_plane_network(c).is_some_and(|n| n.origin == network.origin));
        if let Some(cluster) = cluster.filter(|_| carries_control_plane) {
            let members = cluster.layout.control_plane_zones();
            if members.len() > 1 {
                return Reach::Stretched { zones: members };
            }
        }
        match zones.as_deref() {
            Some([zone]) => Reach::SingleAz { zone },
            _ => Reach::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn site(heat: &str, topology: Option<&str>) -> Site {
        let parsed = crate::yaml::parse(FileId(0), heat);
        let mut site = parsed
            .documents
            .first()
            .map_or_else(Site::default, |d| crate::inputs::heat::read(FileId(0), &d.root));
        if let Some(text) = topology {
            let parsed = crate::yaml::parse(FileId(1), text);
            site.topologies
                .extend(parsed.documents.first().map(|d| crate::inputs::site_file::read(FileId(1), &d.root)));
        }
        site
    }

    const NETWORKS: &str = "heat_template_version: 2018-08-31
resources:
  cp:
    type: OS::Neutron::ProviderNet
    properties: {name: cp, network_type: vlan, physical_network: metro, segmentation_id: 10}
  cp_sub:
    type: OS::Neutron::Subnet
    properties: {name: cp-sub, network: {get_resource: cp}, cidr: 10.20.0.0/24}
  rpn:
    type: OS::Neutron::Net
    properties: {name: rpn}
  seg1:
    type: OS::Neutron::Segment
    properties: {name: rpn-1, network: {get_resource: rpn}, network_type: vlan, physical_network: leaf1, segmentation_id: 5}
  seg2:
    type: OS::Neutron::Segment
    properties: {name: rpn-2, network: {get_resource: rpn}, network_type: vlan, physical_network: leaf2, segmentation_id: 5}
  sub1:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: rpn}, segment: {get_resource: seg1}, cidr: 10.21.1.0/24}
  sub2:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: rpn}, segment: {get_resource: seg2}, cidr: 10.21.2.0/24}
  tenant:
    type: OS::Neutron::Net
    properties: {name: tenant}
";

    const TOPOLOGY: &str = "apiVersion: stretchlint.io/v1alpha1
kind: Site
metadata: {name: metro}
spec:
  zones: [az1, az2]
  physicalNetworks:
    - {name: metro, zones: [az1, az2]}
    - {name: leaf1, zones: [az1]}
";

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn network<'a>(site: &'a Site, name: &str) -> Option<&'a Network> {
        site.networks.iter().find(|n| n.name.value().is_some_and(|v| v == name))
    }

    #[test]
    fn each_segment_of_a_routed_network_is_its_own_l2_domain() {
        let site = site(NETWORKS, None);
        let (Some(a), Some(b), Some(c)) = (
            site.l2_domain_of(ip("10.21.1.5")),
            site.l2_domain_of(ip("10.21.2.5")),
            site.l2_domain_of(ip("10.21.1.9")),
        ) else {
            panic!("addresses inside subnets have L2 domains");
        };
        assert!(!a.same(&b), "two segments are two broadcast domains");
        assert!(a.same(&c));
        assert_eq!(a.describe(), "segment `rpn-1` of network `rpn`");
        assert!(site.l2_domain_of(ip("192.0.2.1")).is_none());
    }

    #[test]
    fn reach_comes_from_segments_physnet_zones_and_provider_attributes() {
        let site = site(NETWORKS, Some(TOPOLOGY));
        let reach = |name| network(&site, name).map(|n| site.reach(n, None));
        assert_eq!(reach("rpn"), Some(Reach::Routed { segments: 2 }));
        assert_eq!(reach("cp"), Some(Reach::Stretched { zones: vec!["az1", "az2"] }));
        assert_eq!(reach("tenant"), Some(Reach::Tenant));
        let without_topology = self::site(NETWORKS, None);
        let cp = network(&without_topology, "cp").map(|n| without_topology.reach(n, None));
        assert_eq!(cp, Some(Reach::Unknown), "a VLAN's reach is the Site's to tell");
    }

    #[test]
    fn a_vip_attaches_only_when_one_subnet_holds_it() {
        let site = site(NETWORKS, None);
        assert!(site.only_subnet_containing(ip("10.20.0.5")).is_some());
        let twice = NETWORKS.replace("cidr: 10.21.2.0/24", "cidr: 10.20.0.0/16");
        let site = self::site(&twice, None);
        assert!(
            site.only_subnet_containing(ip("10.20.0.5")).is_none(),
            "two stacks reuse the CIDR: no guess"
        );
    }
}
