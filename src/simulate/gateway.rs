//! control-plane-gateway: the way out of the network that carries the control plane (a Neutron
//! router, or the Site's physical gateways) must not sit only in the lost AZs.

use super::{Case, Outcome, Status};

pub(super) fn judge(case: &Case<'_>) -> Outcome {
    let site = &case.model.site;
    let Some(network) = site.control_plane_network(case.cluster) else {
        return Outcome::new(
            "control-plane-gateway",
            Status::Unknown,
            "the network that carries the control plane is not in the scan",
            Vec::new(),
        );
    };
    let name = network.display_name();
    let mut known = false;
    for router in site.routers_on(network) {
        if let Some((az, span)) = router.pinned_az() {
            known = true;
            if case.is_lost(az) {
                let reason =
                    format!("router `{}`, the gateway of `{name}`, is pinned to {az}", router.display_name());
                return Outcome::new("control-plane-gateway", Status::Down, reason, vec![span]);
            }
        } else if let Some(ha) = router.not_ha() {
            let reason = format!(
                "router `{}`, the gateway of `{name}`, is not HA: the AZ of its one L3 agent is not in the scan",
                router.display_name()
            );
            return Outcome::new("control-plane-gateway", Status::Unknown, reason, vec![ha.span]);
        } else {
            known |= router.ha.value() == Some(&true);
        }
    }
    let gateways: Vec<_> = site
        .topologies
        .iter()
        .flat_map(|t| &t.gateways)
        .filter(|g| g.network.value().is_some_and(|n| network.name.value() == Some(n)))
        .collect();
    let zones: Vec<_> = gateways.iter().filter_map(|g| g.zone.known()).collect();
    if !gateways.is_empty() && zones.len() == gateways.len() {
        let left = zones.iter().filter(|z| !case.is_lost(&z.value)).count();
        let evidence = zones.iter().map(|z| z.span).collect();
        if left == 0 {
            let reason = format!("every physical gateway of `{name}` sits in {}", case.lost_text());
            return Outcome::new("control-plane-gateway", Status::Down, reason, evidence);
        }
        let reason = format!("{left} of {} physical gateways of `{name}` survive", zones.len());
        return Outcome::new("control-plane-gateway", Status::Ok, reason, evidence);
    }
    if known {
        let reason = format!("the router of `{name}` is HA and not pinned to the lost AZ");
        return Outcome::new("control-plane-gateway", Status::Ok, reason, Vec::new());
    }
    let reason = format!("nothing in the scan places the gateway of `{name}` in an AZ");
    Outcome::new("control-plane-gateway", Status::Unknown, reason, vec![network.origin.key.span])
}
