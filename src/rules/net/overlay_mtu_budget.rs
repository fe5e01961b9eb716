use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Cluster;
use crate::model::site::Network;
use crate::rules::{Context, declare_rule};
use crate::source::Sp;

declare_rule!(OverlayMtuBudget, "SL209", "SL209-overlay-mtu-budget.yaml", check);

/// The pod network's encapsulation inside the node NIC (openshift/api operator/v1).
fn cni_overhead(cluster: &Cluster) -> Option<(i64, String)> {
    let declared = cluster
        .network_operator
        .iter()
        .find_map(|n| n.network_type.value().cloned())
        .or_else(|| cluster.install_config.as_ref()?.networking.network_type.value().cloned())
        .unwrap_or_else(|| "OVNKubernetes".to_owned());
    match declared.as_str() {
        "OVNKubernetes" => Some((100, declared)),
        "OpenShiftSDN" => Some((50, declared)),
        _ => None,
    }
}

/// The networks the cluster's machines are attached to.
fn node_networks<'a>(cx: &'a Context<'_>, cluster: &Cluster) -> Vec<&'a Network> {
    let site = &cx.model.site;
    let mut out: Vec<&Network> = site.control_plane_network(cluster).into_iter().collect();
    for mention in cluster.subnet_mentions() {
        for subnet in site.subnets_named(&mention.value) {
            if let Some(n) = site.network(&subnet.network)
                && !out.iter().any(|o| o.origin == n.origin)
            {
                out.push(n);
            }
        }
    }
    out
}

/// Below this pod MTU, double encapsulation is costing real throughput (DOMAIN.md §D.7).
const LOW_POD_MTU: i64 = 1400;
/// The physical MTU on which a pod MTU under 1400 means double encapsulation, not a choice.
const STANDARD_MTU: i64 = 1500;

/// The pod MTU must leave room for the CNI's own encapsulation inside the node NIC, whose MTU
/// Neutron gives from the network (DOMAIN.md §D.7); a larger pod MTU drops or fragments packets.
/// A node MTU above the Neutron network's drops packets one layer down.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let networks = node_networks(cx, cluster);
        for machine in cluster.network_operator.iter().filter_map(|n| n.machine_mtu.known()) {
            node_mtu_too_large(cluster, machine, &networks, out);
        }
        let Some(pod) = cluster.network_operator.iter().find_map(|n| n.mtu.known()) else { continue };
        let Some((overhead, cni)) = cni_overhead(cluster) else { continue };
        for network in &networks {
            let Some(mtu) = network.mtu.known() else { continue };
            let budget = mtu.value - overhead;
            if pod.value <= budget {
                continue;
            }
            let net_name = network.display_name();
            out.push(
                Diagnostic::new(
                    "SL209",
                    pod.span,
                    format!(
                        "pod MTU {} does not fit in network `{net_name}` (MTU {}): {cni} needs {overhead} bytes, so \
                         at most {budget}",
                        pod.value, mtu.value
                    ),
                )
                .with_label(format!("more than {budget}"))
                .with_secondary(mtu.span, format!("node network MTU {}", mtu.value))
                .with_help(format!(
                    "set the pod MTU to {budget} or less (or leave it out: the network operator derives it from the \
                     node NIC), or raise the Neutron network's MTU"
                ))
                .for_cluster(Some(&cluster.name)),
            );
        }
        double_encapsulation(cx, cluster, pod, &networks, out);
    }
}

fn node_mtu_too_large(
    cluster: &Cluster,
    machine: &Sp<i64>,
    networks: &[&Network],
    out: &mut Vec<Diagnostic>,
) {
    for network in networks {
        let Some(mtu) = network.mtu.known().filter(|m| machine.value > m.value) else { continue };
        out.push(
            Diagnostic::new(
                "SL209",
                machine.span,
                format!(
                    "node MTU {} is larger than the MTU {} of Neutron network `{}`: frames between nodes are dropped",
                    machine.value,
                    mtu.value,
                    network.display_name()
                ),
            )
            .with_label(format!("more than {}", mtu.value))
            .with_secondary(mtu.span, format!("Neutron network MTU {}", mtu.value))
            .with_help(format!("set `machine.to` to {} or less, or raise the Neutron network's MTU first", mtu.value))
            .for_cluster(Some(&cluster.name)),
        );
    }
}

/// A pod MTU under 1400 on tenant overlays carried by a 1500-byte underlay: Neutron's tunnel and
/// the CNI's each take their share (a warning: it works, slowly).
fn double_encapsulation(
    cx: &Context<'_>,
    cluster: &Cluster,
    pod: &Sp<i64>,
    networks: &[&Network],
    out: &mut Vec<Diagnostic>,
) {
    if pod.value >= LOW_POD_MTU {
        return;
    }
    let Some(underlay) = cx.model.site.topologies.iter().find_map(|t| t.underlay_mtu.known()) else { return };
    if underlay.value > STANDARD_MTU {
        return;
    }
    let Some(overlay) = networks
        .iter()
        .find(|n| n.network_type.value().is_some_and(|t| matches!(t.as_str(), "vxlan" | "geneve" | "gre")))
    else {
        return;
    };
    let kind = overlay.network_type.value().map_or("overlay", String::as_str);
    out.push(
        Diagnostic::new(
            "SL209",
            pod.span,
            format!(
                "pod MTU {} on {kind} network `{}` over a {}-byte underlay: two encapsulations leave pods less than \
                 {LOW_POD_MTU} bytes",
                pod.value,
                overlay.display_name(),
                underlay.value
            ),
        )
        .with_severity(Severity::Warning)
        .with_label(format!("under {LOW_POD_MTU}"))
        .with_secondary(underlay.span, format!("underlay MTU {}", underlay.value))
        .with_help(
            "raise the underlay MTU (jumbo frames, e.g. 9000) so that Neutron can give the tenant network a \
             larger MTU, or put the nodes on a provider network to drop one encapsulation",
        )
        .for_cluster(Some(&cluster.name)),
    );
}
