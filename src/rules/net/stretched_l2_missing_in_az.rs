use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(StretchedL2MissingInAz, "SL206", "SL206-stretched-l2-missing-in-az.yaml", check);

/// A master in an AZ whose hosts do not bridge the control-plane network's physnet has no port on
/// that L2: it can neither hold the VIPs nor reach its peers' keepalived there.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let site = &cx.model.site;
    for cluster in &cx.model.clusters {
        let Some(members) = &cluster.layout.control_plane else { continue };
        let Some(network) = site.control_plane_network(cluster) else { continue };
        let Some(physnet) = network.physical_network.known() else { continue };
        for topology in &site.topologies {
            let Some(declared) =
                topology.physical_networks.iter().find(|p| p.name.value() == Some(&physnet.value))
            else {
                continue;
            };
            let Some(zones) = declared.zones.known() else { continue };
            let net_name = network.display_name();
            let mut reported: Vec<&str> = Vec::new();
            for member in members.iter().filter(|m| !m.zone.is_empty()) {
                if zones.value.iter().any(|z| z.value == member.zone)
                    || reported.contains(&member.zone.as_str())
                {
                    continue;
                }
                reported.push(&member.zone);
                let present = zones.value.iter().map(|z| z.value.as_str()).collect::<Vec<_>>().join(", ");
                out.push(
                    Diagnostic::new(
                        "SL206",
                        member.span,
                        format!(
                            "control-plane member in {} is on network `{net_name}`, whose physnet `{}` is bridged only in {present}",
                            member.zone, physnet.value
                        ),
                    )
                    .with_label(format!("{} has no `{}`", member.zone, physnet.value))
                    .with_secondary(zones.span, "AZs bridging the physnet (Site)")
                    .with_help(format!(
                        "trunk the VLAN of `{}` to the hosts of {} (and list the AZ in the Site file), or move this \
                         control-plane member to an AZ that has it: without a port on that L2 it cannot hold the \
                         VIPs or reach its peers",
                        physnet.value, member.zone
                    ))
                    .for_cluster(Some(&cluster.name)),
                );
            }
        }
    }
}
