//! Which of the four stretched architectures (DESIGN.md §1) a cluster implements, with the
//! evidence behind the verdict.
//!
//! Every signal found in the manifests adds weight to one or more architectures; the verdict is
//! the heaviest, and the confidence grows with its lead over the runner-up. Signals come from the
//! install-config, the Machine API objects and the Site (the control-plane network's type, routed
//! worker networks, the floating-IP router's DVR mode).

use serde::Serialize;

use crate::inputs::lb::{Proxy, ProxyKind};
use crate::inputs::{Field, InstallConfig};
use crate::model::Cluster;
use crate::model::l2::Reach;
use crate::model::site::Site;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Architecture {
    IpiRpnStretchedL2,
    IpiOverlayFip,
    UpiRpnExternalLb,
    OverlayHaproxy,
    Unknown,
}

pub const KNOWN: [Architecture; 4] = [
    Architecture::IpiRpnStretchedL2,
    Architecture::IpiOverlayFip,
    Architecture::UpiRpnExternalLb,
    Architecture::OverlayHaproxy,
];

impl Architecture {
    pub fn id(self) -> &'static str {
        match self {
            Architecture::IpiRpnStretchedL2 => "ipi-rpn-stretched-l2",
            Architecture::IpiOverlayFip => "ipi-overlay-fip",
            Architecture::UpiRpnExternalLb => "upi-rpn-external-lb",
            Architecture::OverlayHaproxy => "overlay-haproxy",
            Architecture::Unknown => "unknown",
        }
    }

    /// The architecture's number in DESIGN.md §1 (0 for unknown).
    pub fn number(self) -> u8 {
        match self {
            Architecture::IpiRpnStretchedL2 => 1,
            Architecture::IpiOverlayFip => 2,
            Architecture::UpiRpnExternalLb => 3,
            Architecture::OverlayHaproxy => 4,
            Architecture::Unknown => 0,
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            Architecture::IpiRpnStretchedL2 => {
                "IPI; control plane and VIPs on a small stretched L2 provider network, workers on per-AZ routed provider network segments"
            }
            Architecture::IpiOverlayFip => {
                "IPI on an overlay tenant network; API and ingress through floating IPs on a router with DVR off"
            }
            Architecture::UpiRpnExternalLb => {
                "UPI on routed provider networks behind a third-party load balancer"
            }
            Architecture::OverlayHaproxy => "overlay with self-run HAProxy/keepalived VMs as load balancers",
            Architecture::Unknown => "no architecture could be recognised",
        }
    }

    /// The field's known weak points of the architecture (DESIGN.md §1).
    pub fn weak_points(self) -> &'static [&'static str] {
        match self {
            Architecture::IpiRpnStretchedL2 => &[
                "admin-managed VLANs",
                "control-plane availability depends on the HA of the stretched network's gateways",
                "masters are not on routed provider networks",
                "several clusters on one stretched L2 can collide on VRRP IDs",
            ],
            Architecture::IpiOverlayFip => &[
                "workers without a floating IP use SNAT",
                "no external access to most workers",
                "double encapsulation (Neutron overlay + OVN-Kubernetes) costs MTU and speed",
            ],
            Architecture::UpiRpnExternalLb => &[
                "heavy manual lifecycle",
                "no automated creation of new clusters",
                "load balancer configuration is manual",
            ],
            Architecture::OverlayHaproxy => &[
                "load balancer VMs are an operational burden outside vendor support",
                "workers use SNAT",
                "needs testing",
            ],
            Architecture::Unknown => &[],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// One observation and the architectures it points to, with a weight each.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub message: String,
    pub span: Span,
    pub supports: Vec<(Architecture, u32)>,
}

#[derive(Clone, Debug)]
pub struct Inference {
    pub architecture: Architecture,
    pub confidence: Confidence,
    /// Architectures with any support, heaviest first.
    pub candidates: Vec<Architecture>,
    pub evidence: Vec<Evidence>,
}

/// Infers the architecture of one cluster; `clusters` are all the clusters of the scan (a load
/// balancer is tied to a cluster only when no other one could be its).
pub fn infer(cluster: &Cluster, site: &Site, clusters: &[Cluster]) -> Inference {
    let mut evidence = Vec::new();
    if let Some(ic) = &cluster.install_config {
        install_config_signals(ic, &mut evidence);
    }
    machine_api_signals(cluster, &mut evidence);
    network_signals(cluster, site, &mut evidence);
    load_balancer_signals(cluster, site, clusters, &mut evidence);
    verdict(evidence)
}

/// Weighs the evidence into a verdict.
pub fn verdict(evidence: Vec<Evidence>) -> Inference {
    let mut scores: Vec<(Architecture, u32)> = KNOWN
        .iter()
        .map(|&a| {
            let score =
                evidence.iter().flat_map(|e| &e.supports).filter(|(s, _)| *s == a).map(|(_, w)| w).sum();
            (a, score)
        })
        .filter(|(_, s)| *s > 0)
        .collect();
    // Stable sort keeps the DESIGN.md order among equals.
    scores.sort_by_key(|s| std::cmp::Reverse(s.1));
    let candidates: Vec<Architecture> = scores.iter().map(|(a, _)| *a).collect();
    let best = scores.first().copied();
    let runner_up = scores.get(1).map_or(0, |(_, s)| *s);
    let (architecture, confidence) = match best {
        None => (Architecture::Unknown, Confidence::Low),
        Some((a, s)) => {
            let lead = s - runner_up;
            let confidence = if lead >= 4 {
                Confidence::High
            } else if lead >= 2 {
                Confidence::Medium
            } else {
                Confidence::Low
            };
            (a, confidence)
        }
    };
    Inference { architecture, confidence, candidates, evidence }
}

use Architecture::{
    IpiOverlayFip as A2, IpiRpnStretchedL2 as A1, OverlayHaproxy as A4, UpiRpnExternalLb as A3,
};

fn install_config_signals(ic: &InstallConfig, out: &mut Vec<Evidence>) {
    let os = &ic.openstack;
    let mut push = |message: String, span: Option<Span>, supports: Vec<(Architecture, u32)>| {
        if let Some(span) = span {
            out.push(Evidence { message, span, supports });
        }
    };
    let user_managed = ic.user_managed_lb();
    let fip = [&os.api_floating_ip, &os.ingress_floating_ip].into_iter().find(|f| f.is_present());
    let cp_port = os.control_plane_port.as_ref().and_then(|p| p.span).or_else(|| os.machines_subnet.span());

    if user_managed {
        push(
            "`loadBalancer.type: UserManaged`: API and ingress are served by a load balancer outside the cluster".into(),
            os.load_balancer_type.span(),
            vec![(A3, 3), (A4, 3)],
        );
    }
    match (fip, os.external_network.known()) {
        (Some(f), Some(net)) => push(
            format!("floating IPs for API/ingress on external network `{}`", net.value),
            f.span(),
            vec![(A2, if cp_port.is_none() { 4 } else { 2 })],
        ),
        (Some(f), None) => push("floating IPs for API/ingress".into(), f.span(), vec![(A2, 2)]),
        (None, Some(net)) if user_managed => push(
            format!(
                "external network `{}` without API/ingress floating IPs: a router for SNAT under self-run load balancers",
                net.value
            ),
            Some(net.span),
            vec![(A4, 2)],
        ),
        (None, Some(net)) => push(
            format!("external network `{}`: nodes sit on a tenant network behind a router", net.value),
            Some(net.span),
            vec![(A2, 1)],
        ),
        (None, None) => {}
    }
    if let Some(span) = cp_port {
        if user_managed {
            push(
                "control-plane port on a pre-existing network behind an external load balancer".into(),
                Some(span),
                vec![(A3, 2)],
            );
        } else if fip.is_none() {
            push(
                "`controlPlanePort`/`machinesSubnet` on a pre-existing (provider) network carrying the VIPs, no floating IPs".into(),
                Some(span),
                vec![(A1, 4)],
            );
        } else {
            push(
                "`controlPlanePort`/`machinesSubnet` on a pre-existing network".into(),
                Some(span),
                vec![(A1, 1)],
            );
        }
    }
    if user_managed
        && let Some(pool) = ic.compute.first()
        && pool.replicas.value() == Some(&0)
    {
        push(
            "compute replicas 0 in install-config: workers are created outside the installer (UPI)".into(),
            pool.replicas.span(),
            vec![(A3, 2)],
        );
    }
}

fn machine_api_signals(cluster: &Cluster, out: &mut Vec<Evidence>) {
    let sets: Vec<_> = cluster
        .machine_sets()
        .filter(|m| !m.is_master())
        .filter_map(|m| {
            let p = m.provider.as_ref()?;
            let az = p.availability_zone.known()?;
            Some((az, p.subnets.first().or(p.networks.first())))
        })
        .collect();
    let installer_subnet = cluster.infra_id.as_deref().map(|id| format!("{id}-nodes"));
    let mut per_az_subnets: Vec<(&str, &str)> = Vec::new();
    for (az, subnet) in &sets {
        if let Some(s) = subnet
            && Some(&s.value) != installer_subnet.as_ref()
            && !per_az_subnets.iter().any(|(a, _)| *a == az.value)
        {
            per_az_subnets.push((&az.value, &s.value));
        }
    }
    let distinct_subnets = {
        let mut v: Vec<&str> = per_az_subnets.iter().map(|(_, s)| *s).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    if per_az_subnets.len() >= 2
        && distinct_subnets == per_az_subnets.len()
        && let Some((az, _)) = sets.first()
    {
        out.push(Evidence {
            message: format!(
                "worker MachineSets in {} AZs each on their own subnet (routed provider network segments)",
                per_az_subnets.len()
            ),
            span: az.span,
            supports: vec![(A1, 2), (A3, 1)],
        });
    } else if let Some(subnet) =
        sets.iter().filter_map(|(_, s)| *s).find(|s| Some(&s.value) == installer_subnet.as_ref())
    {
        out.push(Evidence {
            message: format!("worker MachineSets on the installer's tenant subnet `{}`", subnet.value),
            span: subnet.span,
            supports: vec![(A2, 1), (A4, 1)],
        });
    }
    for net in &cluster.network_operator {
        if let Field::Known(mtu) = &net.mtu
            && mtu.value < 1400
        {
            out.push(Evidence {
                message: format!(
                    "pod MTU {} leaves room for a Neutron overlay under OVN-Kubernetes (double encapsulation)",
                    mtu.value
                ),
                span: mtu.span,
                supports: vec![(A2, 1), (A4, 1)],
            });
        }
    }
}

fn network_signals(cluster: &Cluster, site: &Site, out: &mut Vec<Evidence>) {
    if let Some(attached) = site.control_plane_attachment(cluster) {
        let net = attached.network;
        let name = net.display_name();
        let reach = site.reach(net, Some(cluster));
        let kind = net.network_type.known();
        let span = kind.map_or(net.origin.key.span, |k| k.span);
        let provider = kind.filter(|k| matches!(k.value.as_str(), "vlan" | "flat"));
        let (message, supports) = match (&reach, provider) {
            (Reach::Routed { segments }, _) => (
                format!(
                    "control plane on routed provider network `{name}` ({segments} segments): the VIPs cannot \
                     float, an external load balancer fronts the API"
                ),
                vec![(A3, 2)],
            ),
            (Reach::Stretched { .. }, Some(k)) => (
                format!("control plane on provider network `{name}` ({}, {})", k.value, reach.describe()),
                vec![(A1, 3)],
            ),
            (_, Some(k)) => {
                (format!("control plane on provider network `{name}` ({})", k.value), vec![(A1, 2)])
            }
            (Reach::Overlay, None) => (
                format!(
                    "control plane on tenant overlay network `{name}` ({})",
                    kind.map_or("", |k| k.value.as_str())
                ),
                vec![(A2, 1), (A4, 1)],
            ),
            (Reach::Tenant, None) => (
                format!("control plane on tenant network `{name}` (no provider attributes)"),
                vec![(A2, 1), (A4, 1)],
            ),
            _ => (String::new(), Vec::new()),
        };
        if !supports.is_empty() {
            out.push(Evidence { message, span, supports });
        }
    }
    let worker_subnets = cluster
        .machine_sets()
        .filter(|m| !m.is_master())
        .filter_map(|m| m.provider.as_ref())
        .flat_map(|p| &p.subnets)
        .flat_map(|s| site.subnets_named(&s.value));
    // The first routed network the workers use, with its segment count.
    let mut routed: Option<(&crate::model::site::Network, usize)> = None;
    for subnet in worker_subnets {
        if let Some(net) = site.network(&subnet.network)
            && let Reach::Routed { segments } = site.reach(net, None)
        {
            routed = Some((net, segments));
            break;
        }
    }
    if let Some((net, segments)) = routed {
        out.push(Evidence {
            message: format!(
                "workers on routed provider network `{}` ({segments} segments)",
                net.display_name()
            ),
            span: net.origin.key.span,
            supports: vec![(A1, 2), (A3, 1)],
        });
    }
    for router in site.fip_routers(cluster) {
        if let Some(dvr) = router.distributed.known() {
            let name = router.display_name();
            out.push(if dvr.value {
                Evidence {
                    message: format!("floating-IP router `{name}` with DVR on"),
                    span: dvr.span,
                    supports: vec![(A4, 1)],
                }
            } else {
                Evidence {
                    message: format!("floating-IP router `{name}` with DVR off"),
                    span: dvr.span,
                    supports: vec![(A2, 2)],
                }
            });
        }
    }
}

/// Who runs the load balancer and who creates the machines: self-run HAProxy with keepalived
/// (architecture 4), an appliance such as F5 BIG-IP configured from Ansible, and Nova servers
/// created by Ansible playbooks (UPI, architecture 3).
///
/// A load balancer found beside the cluster is its own only when the install-config says
/// `loadBalancer.type: UserManaged` or the balancer's backends are the cluster's machines;
/// otherwise (an IPI cluster's folder also holding some bastion's haproxy.cfg) it is listed as
/// unrelated context and weighs nothing.
fn load_balancer_signals(cluster: &Cluster, site: &Site, clusters: &[Cluster], out: &mut Vec<Evidence>) {
    let user_managed = cluster.install_config.as_ref().is_some_and(InstallConfig::user_managed_lb);
    let (proxies, unrelated): (Vec<&Proxy>, Vec<&Proxy>) = site
        .proxies_for(cluster, clusters)
        .into_iter()
        .partition(|p| user_managed || backs_onto_machines(p, cluster, site));
    for proxy in unrelated {
        let Some(frontend) = proxy.frontends.first() else { continue };
        let what = match proxy.kind {
            ProxyKind::Haproxy => "HAProxy configuration",
            ProxyKind::BigIp => "F5 BIG-IP configuration",
        };
        out.push(Evidence {
            message: format!(
                "{what} beside the cluster, not counted: the install-config does not say \
                 `loadBalancer.type: UserManaged` and its backends are not the cluster's machines (unrelated context)"
            ),
            span: frontend.name.span,
            supports: Vec::new(),
        });
    }
    if let Some(haproxy) = proxies.iter().find(|p| p.kind == ProxyKind::Haproxy)
        && let Some(frontend) = haproxy.frontends.first()
    {
        let vips = cluster.vips();
        let mut hosts: Vec<_> = site.vrrp_holding(&vips).into_iter().map(|(k, _)| k.file).collect();
        hosts.sort_unstable();
        hosts.dedup();
        let (message, weight) = if hosts.is_empty() {
            ("self-run HAProxy in front of the cluster".to_owned(), 3)
        } else {
            (
                format!(
                    "self-run HAProxy in front of the cluster, keepalived moving its VIPs between {} hosts",
                    hosts.len()
                ),
                4,
            )
        };
        out.push(Evidence { message, span: frontend.name.span, supports: vec![(A4, weight)] });
    }
    if let Some(appliance) = proxies.iter().find(|p| p.kind == ProxyKind::BigIp)
        && let Some(frontend) = appliance.frontends.first()
    {
        out.push(Evidence {
            message: "F5 BIG-IP virtual servers for the cluster: a third-party load balancer".to_owned(),
            span: frontend.name.span,
            supports: vec![(A3, 4)],
        });
    }
    if let Some(server) = site.servers_in(&cluster.root).next() {
        out.push(Evidence {
            message: format!(
                "Ansible task `{}` creates Nova servers: machines made outside the installer (UPI)",
                server.origin.key.value
            ),
            span: server.origin.key.span,
            supports: vec![(A3, 2)],
        });
    }
    if let Some(network) = site.control_plane_network(cluster)
        && site.fip_routers(cluster).is_empty()
        && let Some(dvr) = site.routers_on(network).find_map(|r| r.distributed.known().filter(|d| d.value))
    {
        out.push(Evidence {
            message: format!(
                "router of `{}` with DVR on, and no floating IPs for API/ingress",
                network.display_name()
            ),
            span: dvr.span,
            supports: vec![(A4, 1)],
        });
    }
}

/// Whether every backend server of a load balancer is one of the cluster's machines: named after
/// the cluster (`<name>-…`, `<infraID>-…`) or after one of its Machines or playbook-made servers,
/// or addressed inside a subnet of a network the cluster is attached to.
fn backs_onto_machines(proxy: &Proxy, cluster: &Cluster, site: &Site) -> bool {
    let mut names: Vec<&str> =
        cluster.machines.iter().filter_map(|m| m.name.value()).map(String::as_str).collect();
    names.extend(site.servers_in(&cluster.root).filter_map(|s| s.name.value()).map(String::as_str));
    let prefixes: Vec<String> = [Some(cluster.name.as_str()), cluster.infra_id.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .map(|p| format!("{p}-"))
        .collect();
    let attached: Vec<&crate::model::site::Network> =
        site.attachments(cluster).into_iter().map(|a| a.network).collect();
    let is_machine = |server: &crate::inputs::lb::Server| {
        let host = server.address.value().map(|a| a.split('.').next().unwrap_or(a));
        let named = [Some(server.name.value.as_str()), host]
            .into_iter()
            .flatten()
            .any(|n| names.contains(&n) || prefixes.iter().any(|p| n.starts_with(p.as_str())));
        let on_network = server
            .ip()
            .and_then(|ip| site.network_of_address(ip))
            .is_some_and(|n| attached.iter().any(|a| a.origin == n.origin));
        named || on_network
    };
    let mut servers = proxy.backends.iter().flat_map(|b| &b.servers).peekable();
    servers.peek().is_some() && servers.all(is_machine)
}
