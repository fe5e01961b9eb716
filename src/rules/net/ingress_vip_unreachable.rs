use crate::diagnostic::Diagnostic;
use crate::model::Cluster;
use crate::model::site::{Network, Site};
use crate::rules::{Context, declare_rule};

declare_rule!(IngressVipUnreachable, "SL212", "SL212-ingress-vip-unreachable.yaml", check);

/// keepalived moves the ingress VIP between the nodes that run a router pod; when no such node
/// has a port on the VIP's network, the VIP has nowhere to live and ingress is down.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let site = &cx.model.site;
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        if ic.user_managed_lb() || ic.lb_type_unknown() {
            continue;
        }
        let Some(vip) = ic.openstack.ingress_vips.value().and_then(|v| v.first()) else { continue };
        let Some(network) = site.network_of_address(vip.value) else { continue };
        let Some(on) = worker_networks(site, cluster) else { continue };
        if on.iter().any(|n| n.origin == network.origin) {
            continue;
        }
        let elsewhere: Vec<String> = on.iter().map(|n| format!("`{}`", n.display_name())).collect();
        out.push(
            Diagnostic::new(
                "SL212",
                vip.span,
                format!(
                    "ingress VIP {} of `{}` is on network `{}`, but no worker or infra machine is: they are on {}",
                    vip.value,
                    cluster.name,
                    network.display_name(),
                    elsewhere.join(", ")
                ),
            )
            .with_label("no router node can hold this VIP")
            .with_help(format!(
                "keep a worker or infra MachineSet (with replicas) attached to `{}` for the ingress routers, or \
                 make the control plane schedulable",
                network.display_name()
            ))
            .for_cluster(Some(&cluster.name)),
        );
    }
}

/// The networks of the machines that run ingress routers (workers with replicas); `None` when
/// that cannot be told, or when the masters run them (no workers: a compact cluster).
fn worker_networks<'a>(site: &'a Site, cluster: &Cluster) -> Option<Vec<&'a Network>> {
    let groups = cluster.layout.workers.as_ref()?;
    let mut out: Vec<&Network> = Vec::new();
    for group in groups.iter().filter(|g| g.replicas > 0) {
        let networks = match group.machine_set.and_then(|i| cluster.machines.get(i)) {
            Some(machine_set) => site.networks_of_machine(machine_set.provider.as_ref()?)?,
            // Install-config compute pools land on the control plane's network.
            None => vec![site.control_plane_network(cluster)?],
        };
        for n in networks {
            if !out.iter().any(|o| o.origin == n.origin) {
                out.push(n);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}
