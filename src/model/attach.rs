//! How a cluster attaches to the Site: the networks its control plane, its workers and its VIPs
//! sit on (DESIGN.md §5).
//!
//! Names win: `controlPlanePort`, the control plane's machine specs and the MachineSets' network
//! and subnet filters. Without them, a Site file's `clusters[]` entry names the networks, and
//! a floating IP of the scan whose address is the cluster's `apiFloatingIP`/`ingressFloatingIP`
//! attaches it to the network of the port it is associated with, and last an API VIP inside the
//! CIDR of a subnet attaches the cluster to that subnet's network — but only when no other subnet
//! of the scan holds the VIP, since stacks reuse default CIDRs (10.0.0.0/16) and a guess would tie
//! clusters to networks that are not theirs. Without a written VIP, the installer's default (host
//! 5 of the first machine network) serves, for clusters whose machines a playbook creates.

use std::net::IpAddr;

use crate::model::Cluster;
use crate::model::site::{FloatingIp, Network, Ref, Router, Site, Subnet};
use crate::source::Span;

/// Why a cluster is taken to use a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    ControlPlanePort,
    ControlPlaneMachines,
    MachineSet,
    SiteHint,
    FloatingIp,
    Vip,
    DefaultVip,
}

impl Via {
    pub fn describe(self) -> &'static str {
        match self {
            Via::ControlPlanePort => "controlPlanePort",
            Via::ControlPlaneMachines => "control-plane machine networks",
            Via::MachineSet => "MachineSet networks",
            Via::SiteHint => "Site file cluster entry",
            Via::FloatingIp => "floating IP associated with a port of the network",
            Via::Vip => "VIP inside the subnet's CIDR",
            Via::DefaultVip => {
                "the installer's default API VIP (host 5 of the machine network) inside the subnet's CIDR"
            }
        }
    }
}

/// One network a cluster uses, with the node that says so.
#[derive(Clone, Debug)]
pub struct Attachment<'a> {
    pub network: &'a Network,
    pub via: Via,
    pub span: Span,
    /// Whether the control plane sits on it (else workers do).
    pub control_plane: bool,
}

impl Site {
    /// The network that carries a cluster's control plane, and why it is taken to.
    pub fn control_plane_attachment(&self, cluster: &Cluster) -> Option<Attachment<'_>> {
        let at = |network, via, span| Some(Attachment { network, via, span, control_plane: true });
        let ic = cluster.install_config.as_ref();
        // Under 4.13, a control-plane failure domain's `control-plane` port target replaces the
        // primary network, as `controlPlanePort` does later.
        let port_target = ic
            .and_then(|ic| ic.control_plane.as_ref())
            .and_then(|pool| pool.effective.failure_domains.as_ref())
            .filter(|_| cluster.installer.reads_pool_failure_domains)
            .and_then(|fds| fds.domains.value())
            .into_iter()
            .flatten()
            .flat_map(|fd| &fd.port_targets)
            .find(|(id, _)| id.value().is_some_and(|id| id == "control-plane"))
            .map(|(_, target)| target);
        if let Some(port) = ic.and_then(|ic| ic.openstack.control_plane_port.as_ref()).or(port_target) {
            let by_name =
                port.network_name.known().and_then(|n| Some((self.network_named(&n.value)?, n.span)));
            let by_subnet = || {
                port.subnets.iter().filter_map(|(_, name)| name.known()).find_map(|n| {
                    let subnet = self.subnets_named(&n.value).next()?;
                    Some((self.network(&subnet.network)?, n.span))
                })
            };
            if let Some((network, span)) = by_name.or_else(by_subnet) {
                return at(network, Via::ControlPlanePort, span);
            }
        }
        let masters = cluster
            .machines
            .iter()
            .filter(|m| m.is_master())
            .filter_map(|m| m.provider.as_ref())
            .chain(cluster.control_plane_machine_sets.iter().filter_map(|c| c.provider.as_ref()));
        for provider in masters {
            let named = provider.networks.iter().chain(&provider.subnets).next();
            if let (Some(networks), Some(named)) = (self.networks_of_machine(provider), named)
                && let [network] = networks.as_slice()
            {
                return at(network, Via::ControlPlaneMachines, named.span);
            }
        }
        if let Some((network, span)) = self.hinted_networks(cluster).into_iter().next() {
            return at(network, Via::SiteHint, span);
        }
        let by_fip = self.cluster_floating_ips(cluster).into_iter().find_map(|(fip, span)| {
            let port = self.port(fip.port.as_ref()?)?;
            Some((self.network(&port.network)?, span))
        });
        if let Some((network, span)) = by_fip {
            return at(network, Via::FloatingIp, span);
        }
        let ic = ic?;
        if let Some(vip) = ic.openstack.api_vips.value().and_then(|v| v.first()) {
            let network = self.network(&self.only_subnet_containing(vip.value)?.network)?;
            return at(network, Via::Vip, vip.span);
        }
        // Without `controlPlanePort`, the installer creates the cluster's network itself: a
        // subnet of the scan that holds the default VIP belongs to someone else, unless the
        // machines are made by a playbook beside the install-config (UPI).
        let defaults = ic.default_vips()?;
        let network = self.network(&self.only_subnet_containing(defaults.api?)?.network)?;
        // Last: a pass over the playbooks' servers, for the few clusters that got this far.
        self.servers_in(&cluster.root).next()?;
        at(network, Via::DefaultVip, defaults.span)
    }

    /// The scan's floating IPs whose address is the cluster's `apiFloatingIP` or
    /// `ingressFloatingIP`, each with the span of the install-config field it matches.
    pub fn cluster_floating_ips(&self, cluster: &Cluster) -> Vec<(&FloatingIp, Span)> {
        let Some(ic) = &cluster.install_config else { return Vec::new() };
        let os = &ic.openstack;
        [&os.api_floating_ip, &os.ingress_floating_ip]
            .into_iter()
            .filter_map(|f| f.known())
            .filter_map(|f| Some((f.value.parse::<IpAddr>().ok()?, f.span)))
            .flat_map(|(ip, span)| self.floating_ips_at(ip).map(move |fip| (fip, span)))
            .collect()
    }

    /// The routers a floating IP's traffic goes through: a gateway on its floating network and
    /// an interface on the network of its port. Without a port, the one router with a gateway on
    /// that floating network, when there is only one.
    pub fn floating_ip_routers<'a>(&'a self, fip: &FloatingIp) -> Vec<&'a Router> {
        let external = fip.floating_network.as_ref();
        let on_external = |r: &&Router| match (external, &r.external_network) {
            (None, _) => true,
            (Some(want), Some(gw)) => self.same_network(want, gw),
            (Some(_), None) => false,
        };
        match fip.port.as_ref().and_then(|p| self.port(p)).and_then(|p| self.network(&p.network)) {
            Some(network) => self.routers_on(network).filter(on_external).collect(),
            None if external.is_some() => {
                let mut gateways = self.routers.iter().filter(on_external);
                match (gateways.next(), gateways.next()) {
                    (Some(only), None) => vec![only],
                    _ => Vec::new(),
                }
            }
            None => Vec::new(),
        }
    }

    /// Whether two references name the same network: the same object of the scan, or the same
    /// literal name or id when the network is not in the scan (an external network usually is not).
    fn same_network(&self, a: &Ref, b: &Ref) -> bool {
        match (self.network(a), self.network(b)) {
            (Some(x), Some(y)) => x.origin == y.origin,
            _ => matches!((a, b), (Ref::Named { value: x, .. }, Ref::Named { value: y, .. }) if x == y),
        }
    }

    /// Every network the cluster uses: the control plane's first, then the workers' (MachineSet
    /// filters, Site hints), each once.
    pub fn attachments<'a>(&'a self, cluster: &Cluster) -> Vec<Attachment<'a>> {
        let mut out: Vec<Attachment<'a>> = self.control_plane_attachment(cluster).into_iter().collect();
        let mut push = |a: Attachment<'a>| {
            if !out.iter().any(|o| o.network.origin == a.network.origin) {
                out.push(a);
            }
        };
        for provider in cluster.machine_sets().filter(|m| !m.is_master()).filter_map(|m| m.provider.as_ref())
        {
            let Some(span) = provider.subnets.iter().chain(&provider.networks).next().map(|s| s.span) else {
                continue;
            };
            for network in self.networks_of_machine(provider).unwrap_or_default() {
                push(Attachment { network, via: Via::MachineSet, span, control_plane: false });
            }
        }
        for (network, span) in self.hinted_networks(cluster) {
            push(Attachment { network, via: Via::SiteHint, span, control_plane: false });
        }
        out
    }

    /// The networks a Site file lists for the cluster (matched by cluster name), in order.
    pub fn hinted_networks(&self, cluster: &Cluster) -> Vec<(&Network, Span)> {
        self.topologies
            .iter()
            .flat_map(|t| &t.clusters)
            .filter(|h| h.name.value().is_some_and(|n| *n == cluster.name))
            .flat_map(|h| h.networks.items())
            .filter_map(|n| Some((self.network_named(&n.value)?, n.span)))
            .collect()
    }

    /// The subnet that holds an address, when exactly one subnet of the scan does.
    pub fn only_subnet_containing(&self, ip: IpAddr) -> Option<&Subnet> {
        let mut holding = self.subnets_containing(ip);
        let first = holding.next()?;
        holding.next().is_none().then_some(first)
    }
}
