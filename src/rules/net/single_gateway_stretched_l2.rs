use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(SingleGatewayStretchedL2, "SL205", "SL205-single-gateway-stretched-l2.yaml", check);

/// A stretched L2 survives the loss of any AZ only if its way out does too: a Neutron router that
/// is HA and not pinned to one AZ, or physical gateways in more than one AZ.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let site = &cx.model.site;
    for cluster in &cx.model.clusters {
        let Some(network) = site.control_plane_network(cluster) else { continue };
        if !site.is_stretched(network, cluster) {
            continue;
        }
        let net_name = network.display_name();
        let mut push = |d: Diagnostic| out.push(d.for_cluster(Some(&cluster.name)));
        // The router that carries the floating IPs is SL208's: one finding per fault.
        let fip_routers = site.fip_routers(cluster);
        for router in site.routers_on(network).filter(|r| !fip_routers.iter().any(|f| f.origin == r.origin)) {
            let router_name = router.display_name();
            if let Some(ha) = router.not_ha() {
                push(
                    Diagnostic::new(
                        "SL205",
                        ha.span,
                        format!(
                            "router `{router_name}`, the gateway of stretched network `{net_name}` that carries the \
                             control plane of `{}`, is not HA: losing the AZ of its one L3 agent takes the gateway",
                            cluster.name
                        ),
                    )
                    .with_label("not HA")
                    .with_help("set `ha: true` (ML2/OVS), or under OVN give the router gateway chassis in more than one AZ"),
                );
            }
            if let Some((az, hints)) = router.pinned_az() {
                push(
                    Diagnostic::new(
                        "SL205",
                        hints,
                        format!(
                            "router `{router_name}`, the gateway of stretched network `{net_name}`, is pinned to {az}: \
                             losing {az} takes the control plane's gateway with it"
                        ),
                    )
                    .with_label(format!("only {az}"))
                    .with_help("list every AZ of the cluster in `availability_zone_hints`, or drop the hints"),
                );
            }
        }
        for topology in &site.topologies {
            let gateways: Vec<_> = topology
                .gateways
                .iter()
                .filter(|g| g.network.value().is_some_and(|n| network.name.value() == Some(n)))
                .collect();
            let zones: Vec<_> = gateways.iter().filter_map(|g| g.zone.known()).collect();
            let (Some(first), true) = (zones.first(), zones.len() == gateways.len()) else { continue };
            if zones.iter().any(|z| z.value != first.value) {
                continue;
            }
            let devices =
                gateways.iter().filter_map(|g| g.device.value()).cloned().collect::<Vec<_>>().join(", ");
            let what = if devices.is_empty() { String::new() } else { format!(" ({devices})") };
            push(
                Diagnostic::new(
                    "SL205",
                    first.span,
                    format!(
                        "every physical gateway of stretched network `{net_name}`{what} sits in {}: losing {} takes \
                         the control plane's gateway with it",
                        first.value, first.value
                    ),
                )
                .with_label(format!("all gateways in {}", first.value))
                .with_help("add a gateway in another AZ (a VRRP pair split across AZs, or anycast), and list it in the Site file"),
            );
        }
    }
}
