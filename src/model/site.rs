//! The Site: the OpenStack network under the clusters (DESIGN.md §5), as the network readers
//! find it — networks with their provider attributes, segments, subnets, routers, ports,
//! floating IPs and security-group rules. Every reportable field keeps its span.
//!
//! Objects refer to each other through [`Ref`]s: a resource of the same template (Heat
//! `get_resource`, a Terraform reference) or a literal name or id. [`Site`] resolves them.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::inputs::Field;
use crate::inputs::lb::{Keepalived, LbConfig, Proxy, ProxyKind, VrrpInstance};
use crate::inputs::site_file::Topology;
use crate::model::lookup::{CidrTable, Keyed, Lookup, Table};
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
    /// A name the scan cannot read, but that is computed the same way as an object's name in the
    /// same run (see [`Symbol`]).
    Symbol { symbol: Symbol, span: Span },
}

impl Ref {
    pub fn span(&self) -> Span {
        match self {
            Ref::Resource { span, .. }
            | Ref::Named { span, .. }
            | Ref::Unknown(span)
            | Ref::Symbol { span, .. } => *span,
        }
    }
}

/// An unresolved name kept as the expression that computes it, within one scope: two Ansible
/// tasks of one folder's playbooks that write `"{{ os_network }}"` (after substituting what is
/// known) name the same network, whatever `infraID` turns out to be. The text is an identity,
/// never a name: it is not shown, and a symbol of one scope never matches another's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Symbol {
    /// The folder of the playbooks that share the run (and its variables).
    pub scope: std::path::PathBuf,
    pub text: String,
}

/// The kinds of object a [`Ref`] can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Network,
    Subnet,
    Segment,
    SecurityGroup,
    Router,
    Port,
}

/// An object whose name is the unresolved expression `symbol`: the object defined at `at`.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbolic {
    pub kind: Kind,
    pub symbol: Symbol,
    pub file: FileId,
    /// The span of the object's [`Origin::key`].
    pub at: Span,
}

/// Where an object was defined: its file and its logical name there (the Heat resource key, the
/// Terraform label, the Ansible task's title). The logical name is a label, never the object's
/// Neutron name.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub file: FileId,
    pub key: Sp<String>,
}

impl Origin {
    /// `name` when it is known; else it says the name is unresolved and where the object is
    /// defined (a Heat resource without `name` gets a generated one; an Ansible task's title
    /// is no name either).
    fn display(&self, name: &Field<String>) -> String {
        match name.value() {
            Some(name) => name.clone(),
            None => unresolved(&self.key.value),
        }
    }
}

/// How an object whose name is not known is shown: stable, and never the label alone.
pub fn unresolved(defined_by: &str) -> String {
    format!("(unresolved name, defined by \"{defined_by}\")")
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
    pub fn display_name(&self) -> String {
        self.origin.display(&self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Segment {
    pub origin: Origin,
    pub name: Field<String>,
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
    pub fn display_name(&self) -> String {
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
    /// The port's security groups; `None` when not written (Neutron applies the project's
    /// `default` group, whose rules the scan cannot see).
    pub security_groups: Option<Sp<Vec<Ref>>>,
    /// `port_security_enabled: false` turns filtering (and the need for VRRP rules) off.
    pub port_security: Field<bool>,
}

#[derive(Clone, Debug)]
pub struct FloatingIp {
    pub origin: Origin,
    pub floating_network: Option<Ref>,
    pub port: Option<Ref>,
    pub address: Field<IpAddr>,
}

#[derive(Clone, Debug)]
pub struct SecurityGroup {
    pub origin: Origin,
    pub name: Field<String>,
}

impl SecurityGroup {
    pub fn display_name(&self) -> String {
        self.origin.display(&self.name)
    }
}

#[derive(Clone, Debug)]
pub struct SecurityGroupRule {
    pub origin: Origin,
    /// The group the rule belongs to (the enclosing `OS::Neutron::SecurityGroup` for inline rules).
    pub group: Ref,
    /// `ingress` (Neutron's default) or `egress`.
    pub direction: Field<String>,
    pub protocol: Field<String>,
    pub remote_ip_prefix: Field<String>,
}

/// A Nova server an Ansible playbook creates (`openstack.cloud.server`, `os_server`): the
/// machines of a UPI cluster.
#[derive(Clone, Debug)]
pub struct Server {
    pub origin: Origin,
    /// The folder of the playbook, as load balancer configurations keep theirs.
    pub dir: std::path::PathBuf,
    pub name: Field<String>,
    pub availability_zone: Field<String>,
}

macro_rules! keyed {
    ($($t:ident),*) => {$(
        impl Keyed for $t {
            const KIND: Kind = Kind::$t;
            fn name(&self) -> &Field<String> {
                &self.name
            }
            fn resource(&self) -> (FileId, &str) {
                (self.origin.file, &self.origin.key.value)
            }
            fn defined_at(&self) -> (FileId, Span) {
                (self.origin.file, self.origin.key.span)
            }
        }
    )*};
}
keyed!(Network, Subnet, Segment, SecurityGroup, Router, Port);

/// The object a reference names: a resource of the same file, an object by name (the first
/// such, as the objects are in the scan's order), or the object of the same symbol.
fn resolve<'a, T: Keyed>(items: &'a [T], table: &Table, symbols: &[Symbolic], r: &Ref) -> Option<&'a T> {
    match (r, table.of(items)) {
        (Ref::Symbol { symbol, .. }, Some(t)) => items.get(*t.symbol(symbol)?),
        (Ref::Symbol { symbol, .. }, None) => symbols
            .iter()
            .filter(|s| s.kind == T::KIND && s.symbol == *symbol)
            .find_map(|s| items.iter().find(|o| o.defined_at() == (s.file, s.at))),
        (Ref::Resource { file, key, .. }, Some(t)) => items.get(t.resource(*file, key)?),
        (Ref::Resource { file, key, .. }, None) => {
            items.iter().find(|o| o.resource() == (*file, key.as_str()))
        }
        (Ref::Named { value, .. }, Some(t)) => items.get(*t.named(value).first()?),
        (Ref::Named { value, .. }, None) => items.iter().find(|o| o.name().value() == Some(value)),
        (Ref::Unknown(_), _) => None,
    }
}

/// The objects with this name, in order.
fn named<'a, T: Keyed>(items: &'a [T], table: &'a Table, name: &'a str) -> impl Iterator<Item = &'a T> {
    let indexed = table.of(items).map(|t| t.named(name).iter().filter_map(|&i| items.get(i)));
    let scanned =
        indexed.is_none().then(|| items.iter().filter(move |o| o.name().value().is_some_and(|n| n == name)));
    indexed.into_iter().flatten().chain(scanned.into_iter().flatten())
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
    pub security_groups: Vec<SecurityGroup>,
    pub security_group_rules: Vec<SecurityGroupRule>,
    /// Site topology files: AZs, physnets per AZ, physical gateways, inter-AZ latency.
    pub topologies: Vec<Topology>,
    /// HAProxy and keepalived configurations, and F5 BIG-IP configurations from Ansible
    /// playbooks, with the folder each was found in.
    pub load_balancers: Vec<(std::path::PathBuf, LbConfig)>,
    /// Nova servers created by Ansible playbooks (UPI).
    pub servers: Vec<Server>,
    /// Heat `get_resource`/`get_param` references to names their template does not declare.
    pub undefined_references: Vec<crate::inputs::heat::UndefinedReference>,
    /// The objects whose name is an unresolved expression, which [`Ref::Symbol`]s name.
    pub symbols: Vec<Symbolic>,
    /// The objects above by name and resource, once the Site is complete ([`Site::index`]).
    lookup: Lookup,
    /// Keepalived instances (positions in [`Site::vrrp_instances`]) by the literal VIPs they hold,
    /// and how many load balancer configurations there were when it was built.
    vrrp_by_vip: (usize, std::collections::HashMap<IpAddr, Vec<usize>>),
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
        self.security_groups.extend(other.security_groups);
        self.security_group_rules.extend(other.security_group_rules);
        self.topologies.extend(other.topologies);
        self.load_balancers.extend(other.load_balancers);
        self.servers.extend(other.servers);
        self.undefined_references.extend(other.undefined_references);
        self.symbols.extend(other.symbols);
    }

    /// Builds the name and resource tables, once every file's objects are in.
    pub fn index(&mut self) {
        let symbols = &self.symbols;
        self.lookup = Lookup {
            networks: Table::new(&self.networks, symbols),
            subnets: Table::new(&self.subnets, symbols),
            segments: Table::new(&self.segments, symbols),
            security_groups: Table::new(&self.security_groups, symbols),
            routers: Table::new(&self.routers, symbols),
            ports: Table::new(&self.ports, symbols),
            subnets_by_cidr: CidrTable::new(self.subnets.iter().map(|s| s.cidr.value().copied())),
            floating_ips_by_address: CidrTable::new(
                self.floating_ips.iter().map(|f| f.address.value().map(|a| IpNet::from(*a))),
            ),
        };
        let mut by_vip: std::collections::HashMap<IpAddr, Vec<usize>> = std::collections::HashMap::new();
        for (n, (_, instance)) in self.vrrp_instances().enumerate() {
            for vip in instance.vip_addresses() {
                by_vip.entry(vip).or_default().push(n);
            }
        }
        self.vrrp_by_vip = (self.load_balancers.len(), by_vip);
    }

    /// The first network with this name.
    pub fn network_named(&self, name: &str) -> Option<&Network> {
        match self.lookup.networks.of(&self.networks) {
            Some(t) => self.networks.get(*t.named(name).first()?),
            None => self.networks.iter().find(|n| n.name.value().is_some_and(|v| v == name)),
        }
    }

    /// The network a reference names: a resource of the same file, or a network by name.
    pub fn network(&self, r: &Ref) -> Option<&Network> {
        resolve(&self.networks, &self.lookup.networks, &self.symbols, r)
    }

    /// The subnet a reference names: a resource of the same file, or a subnet by name.
    pub fn subnet(&self, r: &Ref) -> Option<&Subnet> {
        resolve(&self.subnets, &self.lookup.subnets, &self.symbols, r)
    }

    /// The port a reference names: a resource of the same file, or a port by name.
    pub fn port(&self, r: &Ref) -> Option<&Port> {
        resolve(&self.ports, &self.lookup.ports, &self.symbols, r)
    }

    /// The segment a reference names: a resource of the same file, or a segment by name.
    pub fn segment(&self, r: &Ref) -> Option<&Segment> {
        resolve(&self.segments, &self.lookup.segments, &self.symbols, r)
    }

    /// The subnet whose CIDR holds an address (the first in scan order).
    pub fn subnet_containing(&self, ip: IpAddr) -> Option<&Subnet> {
        self.subnets_containing(ip).next()
    }

    /// The floating IPs with this address, in scan order.
    pub fn floating_ips_at(&self, ip: IpAddr) -> impl Iterator<Item = &FloatingIp> {
        let indexed = self.lookup.floating_ips_by_address.of(self.floating_ips.len()).map(|t| t.holding(ip));
        let scanned = indexed
            .is_none()
            .then(|| self.floating_ips.iter().filter(move |f| f.address.value() == Some(&ip)));
        let indexed = indexed.into_iter().flatten().filter_map(|i| self.floating_ips.get(i));
        indexed.chain(scanned.into_iter().flatten())
    }

    /// The subnets whose CIDR holds an address, in scan order.
    pub fn subnets_containing(&self, ip: IpAddr) -> impl Iterator<Item = &Subnet> {
        let indexed = self.lookup.subnets_by_cidr.of(self.subnets.len()).map(|t| t.holding(ip));
        let scanned = indexed
            .is_none()
            .then(|| self.subnets.iter().filter(move |s| s.cidr.value().is_some_and(|c| c.contains(&ip))));
        let indexed = indexed.into_iter().flatten().filter_map(|i| self.subnets.get(i));
        indexed.chain(scanned.into_iter().flatten())
    }

    /// The network an address sits on, through the subnet whose CIDR holds it.
    pub fn network_of_address(&self, ip: IpAddr) -> Option<&Network> {
        self.network(&self.subnet_containing(ip)?.network)
    }

    /// The AZs whose hosts bridge a physnet, as a Site topology states them.
    pub fn physnet_zones(&self, physnet: &str) -> Option<&[Sp<String>]> {
        self.topologies
            .iter()
            .flat_map(|t| &t.physical_networks)
            .find(|p| p.name.value().is_some_and(|n| n == physnet))
            .and_then(|p| p.zones.value())
            .map(Vec::as_slice)
    }

    /// The one AZ an address belongs to: the physnet of its subnet's segment (or of its
    /// network) is bridged in a single AZ. `None` when that cannot be told.
    pub fn zone_of_address(&self, ip: IpAddr) -> Option<&str> {
        let subnet = self.subnet_containing(ip)?;
        let physnet = match subnet.segment.as_ref().and_then(|s| self.segment(s)) {
            Some(segment) => segment.physical_network.value(),
            None => self.network(&subnet.network)?.physical_network.value(),
        }?;
        match self.physnet_zones(physnet)? {
            [zone] => Some(zone.value.as_str()),
            _ => None,
        }
    }

    /// The load balancer configurations (HAProxy, F5) that serve a cluster: one binding the
    /// cluster's API or ingress VIP, or kept in the cluster's folder; failing those, one whose
    /// servers are all in the cluster's machine network, when no other cluster's is.
    pub fn proxies_for<'a>(
        &'a self,
        cluster: &crate::model::Cluster,
        clusters: &[crate::model::Cluster],
    ) -> Vec<&'a Proxy> {
        let configs = || {
            self.load_balancers.iter().filter_map(|(dir, c)| match c {
                LbConfig::Proxy(h) => Some((dir, h)),
                LbConfig::Keepalived(_) => None,
            })
        };
        let vips = cluster.vips();
        let direct: Vec<&Proxy> = configs()
            .filter(|(dir, h)| {
                dir.starts_with(&cluster.root)
                    || h.frontends.iter().flat_map(|f| &f.binds).any(|b| {
                        b.address
                            .value()
                            .and_then(|a| a.parse::<IpAddr>().ok())
                            .is_some_and(|a| vips.contains(&a))
                    })
            })
            .map(|(_, h)| h)
            .collect();
        if !direct.is_empty() {
            return direct;
        }
        let serves = |c: &crate::model::Cluster, h: &Proxy| {
            let cidrs = c.install_config.as_ref().and_then(|ic| ic.networking.machine_network.value());
            let mut servers = h.backends.iter().flat_map(|b| &b.servers).filter_map(|s| s.ip()).peekable();
            servers.peek().is_some()
                && servers.all(|ip| cidrs.is_some_and(|c| c.iter().any(|n| n.value.contains(&ip))))
        };
        configs()
            .map(|(_, h)| h)
            // Whether it serves this cluster alone: a second one settles it (on a shared machine
            // network, the second of thousands).
            .filter(|h| serves(cluster, h) && clusters.iter().filter(|c| serves(c, h)).take(2).count() == 1)
            .collect()
    }

    /// Merges the F5 configurations of each folder into one: the tasks for one appliance are
    /// often split over several task files (a role's `tasks/`), and a pool's members must be
    /// judged together.
    pub fn merge_bigip_configs(&mut self) {
        let mut merged: Vec<(std::path::PathBuf, LbConfig)> = Vec::with_capacity(self.load_balancers.len());
        for (dir, config) in std::mem::take(&mut self.load_balancers) {
            let LbConfig::Proxy(proxy) = config else {
                merged.push((dir, config));
                continue;
            };
            let same = merged.iter_mut().find_map(|(d, c)| match c {
                LbConfig::Proxy(p)
                    if *d == dir && p.kind == ProxyKind::BigIp && proxy.kind == ProxyKind::BigIp =>
                {
                    Some(p)
                }
                _ => None,
            });
            match same {
                Some(into) => into.absorb(proxy),
                None => merged.push((dir, LbConfig::Proxy(proxy))),
            }
        }
        self.load_balancers = merged;
    }

    /// The keepalived instances in the scan.
    pub fn vrrp_instances(&self) -> impl Iterator<Item = (&Keepalived, &VrrpInstance)> {
        self.load_balancers
            .iter()
            .filter_map(|(_, c)| match c {
                LbConfig::Keepalived(k) => Some(k),
                LbConfig::Proxy(_) => None,
            })
            .flat_map(|k| k.instances.iter().map(move |i| (k, i)))
    }

    /// The keepalived instances that hold any of `vips`, in scan order: a cluster asks once per
    /// AZ-loss scenario, so each question is a lookup, not a pass over every instance.
    pub fn vrrp_holding(&self, vips: &[IpAddr]) -> Vec<(&Keepalived, &VrrpInstance)> {
        let (built_from, index) = &self.vrrp_by_vip;
        if *built_from != self.load_balancers.len() {
            // Not indexed (a Site still being filled): every instance is asked.
            return self.vrrp_instances().filter(|(_, i)| i.holds_any(vips)).collect();
        }
        let mut at: Vec<usize> = vips.iter().filter_map(|v| index.get(v)).flatten().copied().collect();
        at.sort_unstable();
        at.dedup();
        let mut wanted = at.into_iter().peekable();
        self.vrrp_instances()
            .enumerate()
            .filter(|(n, _)| wanted.next_if_eq(n).is_some())
            .map(|(_, pair)| pair)
            .collect()
    }

    /// The Nova servers created by the playbooks in `dir` or below it (a cluster's folder).
    pub fn servers_in<'a>(&'a self, dir: &'a std::path::Path) -> impl Iterator<Item = &'a Server> {
        self.servers.iter().filter(move |s| s.dir.starts_with(dir))
    }

    /// The subnet of a routed network whose segment sits in `az` alone (its physnet is bridged
    /// only there, as a Site topology states).
    pub fn segment_subnet_in(&self, network: &Network, az: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| {
            self.network(&s.network).is_some_and(|n| n.origin == network.origin)
                && s.segment
                    .as_ref()
                    .and_then(|r| self.segment(r))
                    .and_then(|seg| seg.physical_network.value())
                    .and_then(|p| self.physnet_zones(p))
                    .is_some_and(|zones| matches!(zones, [z] if z.value == az))
        })
    }

    /// The security group a reference names.
    pub fn security_group(&self, r: &Ref) -> Option<&SecurityGroup> {
        resolve(&self.security_groups, &self.lookup.security_groups, &self.symbols, r)
    }

    /// The rules of a security group, inline or separate.
    pub fn rules_of<'a>(&'a self, group: &'a SecurityGroup) -> impl Iterator<Item = &'a SecurityGroupRule> {
        self.security_group_rules
            .iter()
            .filter(move |r| self.security_group(&r.group).is_some_and(|g| g.origin == group.origin))
    }

    /// Subnets with this name.
    pub fn subnets_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Subnet> {
        named(&self.subnets, &self.lookup.subnets, name)
    }

    /// The network's segments (more than one makes it a routed provider network).
    pub fn segments_of<'a>(&'a self, network: &'a Network) -> impl Iterator<Item = &'a Segment> {
        self.segments
            .iter()
            .filter(move |s| self.network(&s.network).is_some_and(|n| n.origin == network.origin))
    }

    /// The network that carries a cluster's control plane (see [`Site::control_plane_attachment`]).
    pub fn control_plane_network(&self, cluster: &crate::model::Cluster) -> Option<&Network> {
        self.control_plane_attachment(cluster).map(|a| a.network)
    }

    /// The networks a machine's provider spec attaches it to, by network and subnet names; `None`
    /// when one of them is not in the scan (an id, a network defined elsewhere) or none is named.
    pub fn networks_of_machine(
        &self,
        provider: &crate::inputs::machine_api::ProviderSpec,
    ) -> Option<Vec<&Network>> {
        let by_network = provider.networks.iter().map(|n| self.network_named(&n.value));
        let by_subnet = provider
            .subnets
            .iter()
            .map(|s| self.subnets_named(&s.value).next().and_then(|s| self.network(&s.network)));
        let mut out = by_network.chain(by_subnet).collect::<Option<Vec<_>>>()?;
        out.dedup_by(|a, b| a.origin == b.origin);
        (!out.is_empty()).then_some(out)
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
            .filter_map(move |i| resolve(&self.routers, &self.lookup.routers, &self.symbols, &i.router))
    }

    /// The routers that carry a cluster's API/ingress floating IPs: a gateway on the
    /// install-config's `externalNetwork` and an interface on the cluster's control-plane network.
    /// Empty when the cluster has no floating IP.
    /// Also the routers of the scan's floating IPs whose address is the cluster's
    /// `apiFloatingIP`/`ingressFloatingIP` ([`Site::floating_ip_routers`]).
    pub fn fip_routers<'a>(&'a self, cluster: &crate::model::Cluster) -> Vec<&'a Router> {
        let Some(ic) = &cluster.install_config else { return Vec::new() };
        let os = &ic.openstack;
        let has_fip = os.api_floating_ip.is_present() || os.ingress_floating_ip.is_present();
        let mut routers: Vec<&Router> = Vec::new();
        if let (Some(external), Some(network), true) =
            (os.external_network.value(), self.control_plane_network(cluster), has_fip)
        {
            let on_external = |r: &&Router| match &r.external_network {
                Some(Ref::Named { value, .. }) => value == external,
                Some(gw) => self.network(gw).and_then(|n| n.name.value()) == Some(external),
                None => false,
            };
            routers.extend(self.routers_on(network).filter(on_external));
        }
        for (fip, _) in self.cluster_floating_ips(cluster) {
            routers.extend(self.floating_ip_routers(fip));
        }
        let mut seen = Vec::with_capacity(routers.len());
        routers.retain(|r| {
            let new = !seen.contains(&&r.origin);
            seen.push(&r.origin);
            new
        });
        routers
    }
}
