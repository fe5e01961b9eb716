//! A user-managed load balancer in front of a service (the API, ingress): some instance that
//! holds the service's VIP and some backend must survive, where the Site tells their AZs.

use std::net::IpAddr;

use super::{Case, Outcome, Status};
use crate::inputs::lb::ProxyKind;

/// A user-managed load balancer: some instance holding `vips` and some backend of a frontend on
/// `ports` must survive, where the Site tells the AZ of their addresses.
pub(super) fn judge(case: &Case<'_>, service: &'static str, ports: &[u16], vips: &[IpAddr]) -> Outcome {
    let site = &case.model.site;
    let mut backends: Vec<(IpAddr, crate::source::Span)> = Vec::new();
    let mut haproxy = false;
    for proxy in site.proxies_for(case.cluster, &case.model.clusters) {
        haproxy |= proxy.kind == ProxyKind::Haproxy;
        for frontend in
            proxy.frontends.iter().filter(|f| f.binds.iter().any(|b| ports.iter().any(|p| b.serves(*p))))
        {
            for backend in proxy.backends_of(frontend) {
                backends.extend(backend.servers.iter().filter_map(|s| Some((s.ip()?, backend.name.span))));
            }
        }
    }
    if backends.is_empty() {
        return Outcome::new(
            service,
            Status::Unknown,
            format!(
                "no backend for port {} of the user-managed load balancer in the scan",
                ports.iter().map(ToString::to_string).collect::<Vec<_>>().join("/")
            ),
            Vec::new(),
        );
    }
    let zones: Option<Vec<&str>> = backends.iter().map(|(ip, _)| site.zone_of_address(*ip)).collect();
    let Some(zones) = zones else {
        let evidence = backends.iter().map(|(_, s)| *s).collect();
        return Outcome::new(
            service,
            Status::Unknown,
            "the AZ of some backends cannot be told (no Site physnet for their subnet)",
            evidence,
        );
    };
    let surviving = zones.iter().filter(|z| !case.is_lost(z)).count();
    let evidence: Vec<_> = backends.iter().map(|(_, s)| *s).collect();
    if surviving == 0 {
        let reason =
            format!("all {} backends of the load balancer sit in {}", backends.len(), case.lost_text());
        return Outcome::new(service, Status::Down, reason, evidence);
    }
    if !haproxy {
        let reason = format!(
            "{surviving} of {} backends survive; the load balancer appliances' own HA is outside the scan",
            backends.len()
        );
        return Outcome::new(service, Status::Unknown, reason, evidence);
    }
    instances(case, service, vips, surviving, backends.len(), evidence)
}

/// The keepalived instances that hold the frontend's VIPs: one must survive.
fn instances(
    case: &Case<'_>,
    service: &'static str,
    vips: &[IpAddr],
    surviving: usize,
    total: usize,
    mut evidence: Vec<crate::source::Span>,
) -> Outcome {
    let site = &case.model.site;
    let holders: Vec<_> = site.vrrp_holding(vips);
    let members: Option<Vec<&str>> =
        if holders.is_empty() || holders.iter().any(|(_, i)| i.has_unknown_members()) {
            None
        } else {
            holders.iter().flat_map(|(_, i)| i.members()).map(|ip| site.zone_of_address(ip)).collect()
        };
    let Some(zones) = members else {
        let reason = format!(
            "{surviving} of {total} backends survive; the AZs of the load balancer instances cannot be told"
        );
        return Outcome::new(service, Status::Unknown, reason, evidence);
    };
    evidence.extend(holders.iter().map(|(_, i)| i.span));
    let left = zones.iter().filter(|z| !case.is_lost(z)).count();
    if left == 0 {
        let reason = format!("every load balancer instance holding the VIP sits in {}", case.lost_text());
        return Outcome::new(service, Status::Down, reason, evidence);
    }
    let reason = format!(
        "{left} of {} load balancer instances and {surviving} of {total} backends survive",
        zones.len()
    );
    Outcome::new(service, Status::Ok, reason, evidence)
}
