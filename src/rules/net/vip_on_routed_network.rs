use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(VipOnRoutedNetwork, "SL203", "SL203-vip-on-routed-network.yaml", check);

/// A keepalived VIP moves between nodes by gratuitous ARP inside one L2 segment; on a routed
/// provider network each segment is its own L2, so the VIP's subnet must not be one of several
/// segments (DOMAIN.md §D.1: a pre-created VIP port pins its address to one segment).
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let site = &cx.model.site;
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        if ic.user_managed_lb() || ic.lb_type_unknown() {
            continue; // the VIPs belong to an external load balancer
        }
        let os = &ic.openstack;
        let vips = [("API", &os.api_vips), ("ingress", &os.ingress_vips)];
        let mentions = cluster.subnet_mentions();
        for (kind, list) in vips {
            for vip in list.value().into_iter().flatten() {
                for subnet in mentions.iter().flat_map(|m| site.subnets_named(&m.value)) {
                    let Some(cidr) = subnet.cidr.known().filter(|c| c.value.contains(&vip.value)) else {
                        continue;
                    };
                    let Some(network) = site.network(&subnet.network) else { continue };
                    let segments = site.segments_of(network).count();
                    if segments < 2 {
                        continue;
                    }
                    let net_name = network.display_name();
                    out.push(
                        Diagnostic::new(
                            "SL203",
                            vip.span,
                            format!(
                                "{kind} VIP {} is in subnet {} of `{net_name}`, a routed network with {segments} segments: \
                                 the VIP cannot float across segments",
                                vip.value, cidr.value
                            ),
                        )
                        .with_label("keepalived VIP on one segment of a routed network")
                        .with_secondary(cidr.span, "the VIP's subnet")
                        .with_help(
                            "put the control plane and the VIPs on a single-segment network that is stretched across the \
                             AZs (architecture 1's small stretched L2), and keep the routed network for the workers",
                        )
                        .for_cluster(Some(&cluster.name)),
                    );
                }
            }
        }
    }
}
