use crate::diagnostic::Diagnostic;
use crate::inputs::Field;
use crate::model::Cluster;
use crate::model::site::Network;
use crate::rules::{Context, declare_rule};

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

/// The networks the cluster's machines are attached to, with a known MTU.
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
    out.retain(|n| n.mtu.known().is_some());
    out
}

/// The pod MTU must leave room for the CNI's own encapsulation inside the node NIC, whose MTU
/// Neutron gives from the network (DOMAIN.md §D.7); a larger pod MTU drops or fragments packets.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(pod) = cluster.network_operator.iter().find_map(|n| match &n.mtu {
            Field::Known(m) => Some(m),
            _ => None,
        }) else {
            continue;
        };
        let Some((overhead, cni)) = cni_overhead(cluster) else { continue };
        for network in node_networks(cx, cluster) {
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
    }
}
