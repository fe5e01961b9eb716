use std::net::IpAddr;

use crate::diagnostic::Diagnostic;
use crate::inputs::lb::{Frontend, Proxy, ProxyKind};
use crate::model::Cluster;
use crate::model::site::Site;
use crate::rules::{Context, declare_rule};

declare_rule!(ExternalLbNotAzRedundant, "SL304", "SL304-external-lb-not-az-redundant.yaml", check);

const API_PORT: u16 = 6443;

/// A user-managed load balancer is part of the control plane's availability: losing the AZ that
/// holds all of its API backends, or its only instance, takes the API down with it.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let site = &cx.model.site;
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        if !ic.user_managed_lb() {
            continue;
        }
        for proxy in site.proxies_for(cluster, &cx.model.clusters) {
            for frontend in proxy.frontends.iter().filter(|f| serves_api(f)) {
                backends_cover_zones(site, cluster, proxy, frontend, out);
                // An F5 pair fails over by the appliances' own HA (device group, traffic group),
                // which Ansible tasks seldom show and keepalived takes no part in: "one instance"
                // would be a guess there, so only HAProxy's instances are counted.
                if proxy.kind == ProxyKind::Haproxy {
                    instances_redundant(site, cluster, frontend, out);
                }
            }
        }
    }
}

fn serves_api(frontend: &Frontend) -> bool {
    frontend.binds.iter().any(|b| b.serves(API_PORT))
}

/// Every control-plane AZ must have an API backend, where each backend's AZ can be told from the
/// Site (its subnet's segment sits on a physnet bridged in one AZ).
fn backends_cover_zones(
    site: &Site,
    cluster: &Cluster,
    proxy: &Proxy,
    frontend: &Frontend,
    out: &mut Vec<Diagnostic>,
) {
    for backend in proxy.backends_of(frontend) {
        if backend.servers.is_empty() {
            continue;
        }
        let zones: Option<Vec<&str>> =
            backend.servers.iter().map(|s| s.ip().and_then(|ip| site.zone_of_address(ip))).collect();
        // A backend whose AZ cannot be told could be anywhere: nothing can be said.
        let Some(zones) = zones else { continue };
        let missing: Vec<&str> =
            cluster.layout.control_plane_zones().into_iter().filter(|z| !zones.contains(z)).collect();
        if missing.is_empty() {
            continue;
        }
        let mut have: Vec<&str> = zones.clone();
        have.sort_unstable();
        have.dedup();
        out.push(
            Diagnostic::new(
                "SL304",
                backend.name.span,
                format!(
                    "the API backends of `{}` sit in {} only: no control-plane member of {} serves the API",
                    cluster.name,
                    have.join(", "),
                    missing.join(", ")
                ),
            )
            .with_label("API (6443) backends")
            .with_help("add the control-plane node of every AZ to this backend (an HAProxy server, an F5 pool member)")
            .for_cluster(Some(&cluster.name)),
        );
    }
}

/// The API frontend's address must be held by more than one instance (a keepalived pair), and
/// those instances must not all sit in one AZ.
fn instances_redundant(site: &Site, cluster: &Cluster, frontend: &Frontend, out: &mut Vec<Diagnostic>) {
    let bound: Vec<IpAddr> = frontend.binds.iter().filter_map(|b| b.ip()).collect();
    // A wildcard bind listens on whatever the host holds: the cluster's API VIP.
    let vips: Vec<IpAddr> = if bound.is_empty() { cluster.api_vips() } else { bound };
    let Some(bind) = frontend.binds.first() else { return };
    if vips.is_empty() {
        return;
    }
    let holders: Vec<_> = site.vrrp_holding(&vips);
    if holders.iter().any(|(_, i)| i.has_unknown_members()) {
        return;
    }
    let mut members: Vec<IpAddr> = holders.iter().flat_map(|(_, i)| i.members()).collect();
    members.sort_unstable();
    members.dedup();
    let files = {
        let mut f: Vec<_> = holders.iter().map(|(k, _)| k.file).collect();
        f.dedup();
        f.len()
    };
    let vip_list = vips.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    if members.len() < 2 && files < 2 {
        let why = if holders.is_empty() {
            format!("no keepalived instance in the scan holds {vip_list}")
        } else {
            format!("the keepalived instance that holds {vip_list} has no peer")
        };
        out.push(
            Diagnostic::new(
                "SL304",
                bind.span,
                format!("the API load balancer of `{}` is a single instance: {why}", cluster.name),
            )
            .with_label("API frontend")
            .with_help(
                "run the load balancer as a pair (or more) of instances in different AZs, with keepalived \
                 moving the frontend address between them",
            )
            .for_cluster(Some(&cluster.name)),
        );
        return;
    }
    let Some(zones) = members.iter().map(|ip| site.zone_of_address(*ip)).collect::<Option<Vec<&str>>>()
    else {
        return;
    };
    if let [first, rest @ ..] = zones.as_slice()
        && !rest.is_empty()
        && rest.iter().all(|z| z == first)
    {
        let listed = members.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        out.push(
            Diagnostic::new(
                "SL304",
                bind.span,
                format!(
                    "the API load balancer instances of `{}` ({listed}) all sit in {first}: losing {first} takes \
                     the API down",
                    cluster.name
                ),
            )
            .with_label("API frontend")
            .with_help("place the load balancer instances in different AZs")
            .for_cluster(Some(&cluster.name)),
        );
    }
}
