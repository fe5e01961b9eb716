//! ingress: the default IngressController's router replicas each need a schedulable node of
//! their own (they bind ports 80 and 443 on it); a compact cluster's masters are schedulable.

use super::{Case, Outcome, Status};
use crate::report::human::plural;

/// The IngressController's replicas when the manifest does not set them.
const DEFAULT_REPLICAS: i64 = 2;

pub(super) fn judge(case: &Case<'_>) -> Outcome {
    let cluster = case.cluster;
    let controller = cluster
        .ingress_controllers
        .iter()
        .find(|c| c.name.value().is_some_and(|n| n == "default"))
        .or_else(|| cluster.ingress_controllers.first());
    let (replicas, mut evidence) = match controller.map(|c| &c.replicas) {
        Some(field) if field.is_unknown() => {
            return Outcome::new(
                "ingress",
                Status::Unknown,
                "the IngressController's replicas are templated",
                Vec::new(),
            );
        }
        Some(field) => match field.known() {
            Some(r) => (r.value, vec![r.span]),
            None => (DEFAULT_REPLICAS, Vec::new()),
        },
        None => (DEFAULT_REPLICAS, Vec::new()),
    };
    let force = match case.workforce() {
        Ok(force) => force,
        Err((why, _)) => return Outcome::new("ingress", Status::Unknown, why, evidence),
    };
    if !force.compact {
        evidence.extend(force.evidence);
    }
    let (nodes, kind) = (force.left, if force.compact { "master" } else { "worker" });
    let status = if nodes == 0 {
        Status::Down
    } else if nodes < replicas {
        Status::Degraded
    } else {
        Status::Ok
    };
    let left = plural(usize::try_from(nodes).unwrap_or(0), &format!("schedulable {kind}"));
    let routers = plural(usize::try_from(replicas).unwrap_or(0), "router replica");
    let reason = match status {
        Status::Down => format!("no schedulable {kind} left for the {routers}"),
        Status::Degraded => format!(
            "{left} left for {routers}: {} pending, and one more node failure takes ingress down",
            replicas - nodes
        ),
        _ => format!("{left} left for {routers}"),
    };
    let routers = Outcome::new("ingress", status, reason, evidence);
    // Behind a user-managed load balancer, its 80/443 frontends must survive too; otherwise
    // keepalived needs a surviving router node on the ingress VIP's network.
    let reach = if cluster.install_config.as_ref().is_some_and(|ic| ic.user_managed_lb()) {
        Some(super::lb::judge(case, "ingress", &HTTP_PORTS, &cluster.ingress_vips()))
    } else {
        vip_holders(case)
    };
    match reach {
        Some(reach) if reach.status > routers.status => reach,
        _ => routers,
    }
}

/// Installer-managed ingress: keepalived moves the ingress VIP between the nodes that run a
/// router, so a surviving worker must have a port on the VIP's network. `None` when the scan
/// cannot tell (compact clusters: the masters sit on the VIP's network by construction).
fn vip_holders(case: &Case<'_>) -> Option<Outcome> {
    let site = &case.model.site;
    let cluster = case.cluster;
    let ic = cluster.install_config.as_ref().filter(|ic| !ic.lb_type_unknown())?;
    let vip = ic.openstack.ingress_vips.value()?.first()?;
    let network = site.network_of_address(vip.value)?;
    let groups = cluster.layout.workers.as_ref()?;
    if groups.iter().all(|g| g.replicas == 0) {
        return None;
    }
    let mut holders = 0;
    for g in groups.iter().filter(|g| g.replicas > 0 && !case.is_lost(&g.zone)) {
        let networks = match g.machine_set.and_then(|i| cluster.machines.get(i)) {
            Some(machine_set) => site.networks_of_machine(machine_set.provider.as_ref()?)?,
            // Install-config compute pools land on the control plane's network.
            None => vec![site.control_plane_network(cluster)?],
        };
        if networks.iter().any(|n| n.origin == network.origin) {
            holders += g.replicas;
        }
    }
    (holders == 0).then(|| {
        let reason = format!(
            "no surviving worker has a port on `{}`, the ingress VIP {}'s network: keepalived has nowhere to move it",
            network.display_name(),
            vip.value
        );
        Outcome::new("ingress", Status::Down, reason, vec![vip.span])
    })
}

const HTTP_PORTS: [u16; 2] = [80, 443];
