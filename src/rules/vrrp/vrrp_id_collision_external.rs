//! SL302: a keepalived instance outside the clusters (the HAProxy VMs of architecture 4, an
//! ipfailover) that uses a VRID a cluster derives on the same L2, or two such instances that share
//! one without being one VRRP group.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::diagnostic::Diagnostic;
use crate::inputs::lb::VrrpInstance;
use crate::model::{Cluster, Model};
use crate::rules::{Context, declare_rule};
use crate::source::{FileId, Sp};
use crate::vrrp::{Vrids, vrids};

declare_rule!(VrrpIdCollisionExternal, "SL302", "SL302-vrrp-id-collision-external.yaml", check);

/// A keepalived instance whose VRID and VIPs are known.
struct Instance<'a> {
    file: FileId,
    instance: &'a VrrpInstance,
    vrid: &'a Sp<i64>,
    vips: Vec<IpAddr>,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let instances: Vec<Instance<'_>> = model
        .site
        .vrrp_instances()
        .filter_map(|(k, instance)| {
            let vrid = instance.virtual_router_id.known()?;
            let vips = instance.vips()?;
            Some(Instance { file: k.file, instance, vrid, vips })
        })
        .collect();

    // Each instance meets only the clusters and instances with its VRID, found through one index
    // each: an estate of many clusters, each with its own keepalived, is not compared pair by pair.
    let clusters = clusters_by_vrid(model);
    for inst in &instances {
        against_clusters(model, inst, clusters.get(&inst.vrid.value).map_or(&[], Vec::as_slice), out);
    }
    let mut by_vrid: HashMap<i64, Vec<&Instance<'_>>> = HashMap::new();
    for later in &instances {
        let earlier_ones = by_vrid.entry(later.vrid.value).or_default();
        // One finding per instance: its other clashes are the same fix.
        for &earlier in earlier_ones.iter() {
            if same_group(earlier, later) {
                continue;
            }
            let same_host = earlier.file == later.file
                && earlier.instance.interface.value().is_some()
                && earlier.instance.interface.value() == later.instance.interface.value();
            let l2 = if same_host {
                earlier.instance.interface.value().map(|i| format!("interface `{i}` of one host"))
            } else {
                shared_l2(model, &earlier.vips, &later.vips)
            };
            let Some(l2) = l2 else { continue };
            out.push(
                Diagnostic::new(
                    "SL302",
                    later.vrid.span,
                    format!(
                        "keepalived instances `{}` and `{}` both use VRID {} on {l2}, for different VIPs",
                        earlier.instance.name.value, later.instance.name.value, later.vrid.value
                    ),
                )
                .with_label("VRID used twice")
                .with_secondary(earlier.vrid.span, format!("`{}` uses it first", earlier.instance.name.value))
                .with_help("give each VRRP group on one L2 its own virtual_router_id (1-255)"),
            );
            break;
        }
        earlier_ones.push(later);
    }
}

/// A keepalived-managed cluster under one of its VRIDs.
struct ClusterVrid<'a> {
    cluster: &'a Cluster,
    name: &'a Sp<String>,
    ids: Vrids,
    kind: &'static str,
    id: u8,
    /// The cluster's VIPs of that kind.
    vips: Vec<IpAddr>,
}

/// The keepalived-managed clusters by VRID, in cluster order (a cluster's two VRIDs differ, so it
/// is under each at most once).
fn clusters_by_vrid(model: &Model) -> HashMap<i64, Vec<ClusterVrid<'_>>> {
    let mut out: HashMap<i64, Vec<ClusterVrid<'_>>> = HashMap::new();
    for cluster in &model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        if ic.user_managed_lb() || ic.lb_type_unknown() {
            continue;
        }
        let Some(name) = ic.name.known() else { continue };
        let ids = vrids(&name.value);
        for (kind, id, vips) in
            [("API", ids.api, cluster.api_vips()), ("ingress", ids.ingress, cluster.ingress_vips())]
        {
            out.entry(i64::from(id)).or_default().push(ClusterVrid { cluster, name, ids, kind, id, vips });
        }
    }
    out
}

/// The instance against the keepalived-managed clusters that use its VRID, on its L2.
fn against_clusters(
    model: &Model,
    inst: &Instance<'_>,
    same_vrid: &[ClusterVrid<'_>],
    out: &mut Vec<Diagnostic>,
) {
    for ClusterVrid { cluster, name, ids, kind, id, vips } in same_vrid {
        // The cluster's own keepalived configuration, rendered into the repository, is the
        // same VRRP group, not a clash.
        if vips.iter().any(|v| inst.vips.contains(v)) {
            continue;
        }
        let Some(l2) = shared_l2(model, vips, &inst.vips) else { continue };
        out.push(
            Diagnostic::new(
                "SL302",
                inst.vrid.span,
                format!(
                    "keepalived instance `{}` uses VRID {id}, the {kind} VRID of cluster `{}` on the same L2 \
                         ({l2})",
                    inst.instance.name.value, name.value
                ),
            )
            .with_label(format!("collides with `{}`'s {kind} VRID", name.value))
            .with_secondary(name.span, format!("`{}`: {kind} VRID {id}, derived from this name", name.value))
            .with_help(format!(
                "pick another virtual_router_id for this instance: OpenShift derives `{}`'s VRIDs (API {}, \
                     ingress {}) from its name and cannot be told to avoid it",
                name.value, ids.api, ids.ingress
            ))
            .for_cluster(Some(&cluster.name)),
        );
    }
}

/// A MASTER/BACKUP pair: the same VRID for the same VIPs is one VRRP group.
fn same_group(a: &Instance<'_>, b: &Instance<'_>) -> bool {
    let (mut x, mut y) = (a.vips.clone(), b.vips.clone());
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// Where two sets of addresses share a broadcast domain: the same L2 domain (one network, or one
/// segment of a routed network) through the subnets that hold them, or, where no subnet in the scan holds either, one cluster's machine network.
fn shared_l2(model: &Model, a: &[IpAddr], b: &[IpAddr]) -> Option<String> {
    let site = &model.site;
    for x in a {
        for y in b {
            match (site.l2_domain_of(*x), site.l2_domain_of(*y)) {
                (Some(n), Some(m)) if n.same(&m) => return Some(n.describe()),
                (None, None) => {
                    let cidr = model
                        .clusters
                        .iter()
                        .filter_map(|c| c.install_config.as_ref()?.networking.machine_network.value())
                        .flatten()
                        .find(|n| n.value.contains(x) && n.value.contains(y));
                    if let Some(cidr) = cidr {
                        return Some(format!("machine network {}", cidr.value));
                    }
                }
                _ => {}
            }
        }
    }
    None
}
