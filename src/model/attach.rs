//! How a cluster attaches to the Site: the networks its control plane, its workers and its VIPs
//! sit on (DESIGN.md §5).
//!
//! Names win: `controlPlanePort`, the control plane's machine specs and the MachineSets' network
//! and subnet filters. Without them, a Site file's `clusters[]` entry names the networks, and
//! last an API VIP inside the CIDR of a subnet attaches the cluster to that subnet's network —
//! but only when no other subnet of the scan holds the VIP, since stacks reuse default CIDRs
//! (10.0.0.0/16) and a guess would tie clusters to networks that are not theirs.

use std::net::IpAddr;

use crate::model::Cluster;
use crate::model::site::{Network, Site, Subnet};
use crate::source::Span;

/// Why a cluster is taken to use a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    ControlPlanePort,
    ControlPlaneMachines,
    MachineSet,
    SiteHint,
    Vip,
}

impl Via {
    pub fn describe(self) -> &'static str {
        match self {
            Via::ControlPlanePort => "controlPlanePort",
            Via::ControlPlaneMachines => "control-plane machine networks",
            Via::MachineSet => "MachineSet networks",
            Via::SiteHint => "Site file cluster entry",
            Via::Vip => "VIP inside the subnet's CIDR",
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
        if let Some(port) = ic.and_then(|ic| ic.openstack.control_plane_port.as_ref()) {
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
        let vip = ic?.openstack.api_vips.value()?.first()?;
        let network = self.network(&self.only_subnet_containing(vip.value)?.network)?;
        at(network, Via::Vip, vip.span)
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
        let mut holding = self.subnets.iter().filter(|s| s.cidr.value().is_some_and(|c| c.contains(&ip)));
        let first = holding.next()?;
        holding.next().is_none().then_some(first)
    }
}
