//! api: an API server answers only with an etcd quorum, and only if clients can still reach one:
//! through the VIP keepalived moves between the masters (installer-managed), through the
//! floating IP's router (architecture 2), or through a user-managed load balancer that keeps an
//! instance and a 6443 backend.

use std::net::IpAddr;

use super::{Case, Outcome, Status};
use crate::inputs::lb::ProxyKind;

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
        return user_managed(case);
    }
    if let Some(outcome) = floating_ip_router(case) {
        return outcome;
    }
    // Installer-managed: keepalived on the masters moves the VIP to a surviving one.
    Outcome::new(
        "api",
        Status::Ok,
        "keepalived moves the API VIP to a surviving master, and etcd keeps its quorum",
        etcd.evidence.clone(),
    )
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

/// A user-managed load balancer: some instance and some 6443 backend must survive, where the
/// Site tells the AZ of their addresses.
fn user_managed(case: &Case<'_>) -> Outcome {
    let site = &case.model.site;
    let mut backends: Vec<(IpAddr, crate::source::Span)> = Vec::new();
    let mut haproxy = false;
    for proxy in site.proxies_for(case.cluster, &case.model.clusters) {
        haproxy |= proxy.kind == ProxyKind::Haproxy;
        for frontend in proxy.frontends.iter().filter(|f| f.binds.iter().any(|b| b.serves(API_PORT))) {
            for backend in proxy.backends_of(frontend) {
                backends.extend(backend.servers.iter().filter_map(|s| Some((s.ip()?, backend.name.span))));
            }
        }
    }
    if backends.is_empty() {
        return Outcome::new(
            "api",
            Status::Unknown,
            "no API (6443) backend of the user-managed load balancer in the scan",
            Vec::new(),
        );
    }
    let zones: Option<Vec<&str>> = backends.iter().map(|(ip, _)| site.zone_of_address(*ip)).collect();
    let Some(zones) = zones else {
        let evidence = backends.iter().map(|(_, s)| *s).collect();
        return Outcome::new(
            "api",
            Status::Unknown,
            "the AZ of some API backends cannot be told (no Site physnet for their subnet)",
            evidence,
        );
    };
    let surviving = zones.iter().filter(|z| !case.is_lost(z)).count();
    let evidence: Vec<_> = backends.iter().map(|(_, s)| *s).collect();
    if surviving == 0 {
        let reason =
            format!("all {} API backends of the load balancer sit in {}", backends.len(), case.lost_text());
        return Outcome::new("api", Status::Down, reason, evidence);
    }
    if !haproxy {
        let reason = format!(
            "{surviving} of {} API backends survive; the load balancer appliances' own HA is outside the scan",
            backends.len()
        );
        return Outcome::new("api", Status::Unknown, reason, evidence);
    }
    instances(case, surviving, backends.len(), evidence)
}

/// The keepalived instances that hold the cluster's API VIP: one must survive.
fn instances(
    case: &Case<'_>,
    surviving: usize,
    total: usize,
    mut evidence: Vec<crate::source::Span>,
) -> Outcome {
    let site = &case.model.site;
    let vips = case.cluster.api_vips();
    let holders: Vec<_> = site.vrrp_instances().filter(|(_, i)| i.holds_any(&vips)).collect();
    let members: Option<Vec<&str>> =
        if holders.is_empty() || holders.iter().any(|(_, i)| i.has_unknown_members()) {
            None
        } else {
            holders.iter().flat_map(|(_, i)| i.members()).map(|ip| site.zone_of_address(ip)).collect()
        };
    let Some(zones) = members else {
        let reason = format!(
            "{surviving} of {total} API backends survive; the AZs of the load balancer instances cannot be told"
        );
        return Outcome::new("api", Status::Unknown, reason, evidence);
    };
    evidence.extend(holders.iter().map(|(_, i)| i.span));
    let left = zones.iter().filter(|z| !case.is_lost(z)).count();
    if left == 0 {
        let reason = format!("every load balancer instance holding the API VIP sits in {}", case.lost_text());
        return Outcome::new("api", Status::Down, reason, evidence);
    }
    let reason = format!(
        "{left} of {} load balancer instances and {surviving} of {total} API backends survive",
        zones.len()
    );
    Outcome::new("api", Status::Ok, reason, evidence)
}
