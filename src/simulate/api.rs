//! api: an API server answers only with an etcd quorum, and only if clients can still reach one:
//! through the VIP keepalived moves between the masters (installer-managed), through the
//! floating IP's router (architecture 2), or through a user-managed load balancer that keeps an
//! instance and a 6443 backend.

use super::{Case, Outcome, Status};

const API_PORT: u16 = 6443;

pub(super) fn judge(case: &Case<'_>, etcd: &Outcome) -> Outcome {
    match etcd.status {
        Status::Down => {
            return Outcome::new(
                "api",
                Status::Down,
                "the API servers need an etcd quorum",
                etcd.evidence.clone(),
            );
        }
        Status::Unknown => {
            return Outcome::new(
                "api",
                Status::Unknown,
                "etcd's fate is unknown, and the API's with it",
                Vec::new(),
            );
        }
        _ => {}
    }
    let Some(ic) = &case.cluster.install_config else {
        return Outcome::new(
            "api",
            Status::Unknown,
            "no install-config in the scan: how the API is reached is not known",
            Vec::new(),
        );
    };
    if ic.lb_type_unknown() {
        return Outcome::new("api", Status::Unknown, "the load balancer type is templated", Vec::new());
    }
    if ic.user_managed_lb() {
        return super::lb::judge(case, "api", &[API_PORT], &case.cluster.api_vips());
    }
    if let Some(outcome) = floating_ip_router(case) {
        return outcome;
    }
    // Installer-managed: keepalived on the masters moves the VIP to a surviving one, if one
    // sits on the VIP's L2 (a segment of a routed network reaches only its own AZs).
    if let Some(outcome) = vip_segment(case) {
        return outcome;
    }
    Outcome::new(
        "api",
        Status::Ok,
        "keepalived moves the API VIP to a surviving master, and etcd keeps its quorum",
        etcd.evidence.clone(),
    )
}

/// The API VIP in a segment of a routed network whose physnet is bridged only in lost AZs: no
/// master can take the VIP over.
fn vip_segment(case: &Case<'_>) -> Option<Outcome> {
    let site = &case.model.site;
    for vip in case.cluster.api_vips() {
        let domain = site.l2_domain_of(vip)?;
        let segment = domain.segment?;
        let zones = site.physnet_zones(segment.physical_network.value()?)?;
        if zones.iter().all(|z| case.is_lost(&z.value)) {
            let reason = format!(
                "the API VIP {vip} sits in {}, bridged only in {}: no surviving master can hold it",
                domain.describe(),
                case.lost_text()
            );
            return Some(Outcome::new("api", Status::Down, reason, vec![segment.origin.key.span]));
        }
    }
    None
}

/// Architecture 2: the API's floating IP lives on a router; pinned to a lost AZ, it is gone.
fn floating_ip_router(case: &Case<'_>) -> Option<Outcome> {
    let routers = case.model.site.fip_routers(case.cluster);
    for router in &routers {
        if let Some((az, span)) = router.pinned_az().filter(|(az, _)| case.is_lost(az)) {
            let reason = format!("the floating IPs' router `{}` is pinned to {az}", router.display_name());
            return Some(Outcome::new("api", Status::Down, reason, vec![span]));
        }
    }
    let not_ha = routers.iter().find_map(|r| r.not_ha().map(|ha| (r, ha.span)))?;
    let reason = format!(
        "the floating IPs' router `{}` is not HA: the AZ of its one L3 agent is not in the scan",
        not_ha.0.display_name()
    );
    Some(Outcome::new("api", Status::Unknown, reason, vec![not_ha.1]))
}
