//! SL301: two clusters on one L2 whose keepalived virtual router IDs collide.
//!
//! OpenShift derives the API and ingress VRIDs from `metadata.name` alone (DOMAIN.md §C.1), so two
//! clusters on one broadcast domain can pick the same ID; keepalived then drops or misreads the
//! other cluster's adverts and a VIP may never come up (§C.5). Multicast VRRP (4.6–4.10) makes
//! that an error; from 4.11 keepalived is unicast and the clash is only a warning (§C.4).

use ipnet::IpNet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::inputs::{Field, InstallConfig};
use crate::model::Cluster;
use crate::model::site::Site;
use crate::rules::{Context, declare_rule};
use crate::source::{Sp, Span};
use crate::vrrp::{Collision, Vrids, collisions, free_name, vrids};

declare_rule!(VrrpIdCollision, "SL301", "SL301-vrrp-id-collision.yaml", check);

/// The first release whose keepalived runs unicast VRRP (DOMAIN.md §C.4).
const UNICAST_SINCE: (u32, u32) = (4, 11);

/// A cluster whose VIPs keepalived holds, with what the rule needs of it.
struct Keepalived<'a> {
    cluster: &'a Cluster,
    ic: &'a InstallConfig,
    name: &'a Sp<String>,
    vrids: Vrids,
    path: &'a str,
}

/// Why two clusters are taken to share an L2, and where each says so.
struct SharedL2 {
    what: String,
    earlier: Span,
    later: Span,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let site = &cx.model.site;
    let mut clusters: Vec<Keepalived<'_>> = cx
        .model
        .clusters
        .iter()
        .filter_map(|cluster| {
            let ic = cluster.install_config.as_ref()?;
            // UserManaged: no keepalived in the cluster; a templated lb type might be UserManaged.
            if ic.user_managed_lb() || ic.lb_type_unknown() {
                return None;
            }
            let name = ic.name.known()?;
            Some(Keepalived {
                cluster,
                ic,
                name,
                vrids: vrids(&name.value),
                path: cx.sources.display(ic.file),
            })
        })
        .collect();
    // File order, then position: the later cluster of a pair is the one reported.
    clusters.sort_by(|a, b| (a.path, a.name.span.start).cmp(&(b.path, b.name.span.start)));

    for (i, later) in clusters.iter().enumerate() {
        for earlier in clusters.iter().take(i) {
            let found = collisions(earlier.vrids, later.vrids);
            if found.is_empty() {
                continue;
            }
            let Some(l2) = l2_of(site, earlier, later) else { continue };
            let version = cx.params.openshift_version;
            out.push(finding(site, earlier, later, &found, &l2, &clusters, version));
        }
    }
}

fn finding(
    site: &Site,
    earlier: &Keepalived<'_>,
    later: &Keepalived<'_>,
    found: &[Collision],
    l2: &SharedL2,
    all: &[Keepalived<'_>],
    version: Option<(u32, u32)>,
) -> Diagnostic {
    let (a, b) = shown(earlier, later);
    let clashes = found
        .iter()
        .map(|c| {
            if c.first == c.second {
                format!("{} VRID {}", c.first.as_str(), c.id)
            } else {
                format!("VRID {} (`{a}` {}, `{b}` {})", c.id, c.first.as_str(), c.second.as_str())
            }
        })
        .collect::<Vec<_>>()
        .join(" and ");
    let verb = if found.len() == 1 { "collides" } else { "collide" };
    let message = format!(
        "`{a}` ({}) and `{b}` ({}) share L2 {}: {clashes} {verb}",
        ids(earlier.vrids),
        ids(later.vrids),
        l2.what
    );

    // A free name must avoid every keepalived cluster on the later cluster's L2, not just this one.
    let taken: Vec<Vrids> = all
        .iter()
        .filter(|c| !std::ptr::eq(c.ic, later.ic) && l2_of(site, c, later).is_some())
        .map(|c| c.vrids)
        .collect();
    let free = free_name(&later.name.value, &taken);
    let rename = match &free {
        Some(free) => format!(
            "rename `{b}` before it is installed, e.g. to `{free}` ({}), free on this L2",
            ids(vrids(free))
        ),
        None => format!("rename `{b}` before it is installed"),
    };
    let check_names = format!("{} {}", free.as_deref().unwrap_or("<name>"), earlier.name.value);
    // The configured version decides; without it, the install-configs' fields hint at it.
    let unicast = match version {
        Some(v) => v >= UNICAST_SINCE,
        None => earlier.ic.uses_412_fields() && later.ic.uses_412_fields(),
    };
    let severity_note = if let Some((major, minor)) = version {
        if unicast {
            format!(
                "A warning: the configuration says OpenShift {major}.{minor}, where keepalived runs unicast VRRP and \
                 the clash is less likely to break a VIP."
            )
        } else {
            format!(
                "An error: the configuration says OpenShift {major}.{minor}, where keepalived runs multicast VRRP and \
                 the clash keeps a VIP from coming up."
            )
        }
    } else if unicast {
        "A warning: both install-configs use 4.12+ fields, so keepalived runs unicast VRRP and the clash is \
         less likely to break a VIP."
            .to_owned()
    } else {
        match (earlier.ic.uses_412_fields(), later.ic.uses_412_fields()) {
            (false, false) => {
                "An error: neither install-config uses a 4.12+ field, so both clusters may run \
                               multicast VRRP (4.10 or older), where the clash keeps a VIP from coming up."
                    .to_owned()
            }
            (earlier_is_new, _) => format!(
                "An error: `{}` shows no 4.12+ field and may run multicast VRRP (4.10 or older), where the \
                 clash keeps a VIP from coming up.",
                if earlier_is_new { &b } else { &a }
            ),
        }
    };
    let same_name = if earlier.name.value == later.name.value {
        " (the same name: VRIDs ignore the baseDomain)"
    } else {
        ""
    };

    let mut diagnostic = Diagnostic::new("SL301", later.name.span, message)
        .with_label(format!("VRIDs collide with `{a}`{same_name}"))
        .with_secondary(l2.later, "the shared L2")
        .with_secondary(earlier.name.span, format!("`{a}`: {}", ids(earlier.vrids)))
        .with_secondary(l2.earlier, format!("`{a}` on the same L2"))
        .with_help(format!(
            "the VRIDs derive from metadata.name only: {rename}, or give each cluster its own control-plane \
             network. Check names with `stretchlint vrid {check_names}` or `podman run \
             quay.io/openshift/origin-baremetal-runtimecfg vr-ids <name>`. {severity_note}"
        ))
        .for_cluster(Some(&later.cluster.name));
    if unicast {
        diagnostic = diagnostic.with_severity(Severity::Warning);
    }
    diagnostic
}

/// How the two clusters are named in the finding: `metadata.name`, or `<name>.<baseDomain>` when
/// the names are equal and the base domains tell them apart.
fn shown(earlier: &Keepalived<'_>, later: &Keepalived<'_>) -> (String, String) {
    let (a, b) = (&earlier.name.value, &later.name.value);
    match (earlier.ic.base_domain.value(), later.ic.base_domain.value()) {
        (Some(da), Some(db)) if a == b && da != db => (format!("{a}.{da}"), format!("{b}.{db}")),
        _ => (a.clone(), b.clone()),
    }
}

fn ids(v: Vrids) -> String {
    format!("API {}, ingress {}", v.api, v.ingress)
}

/// Whether the two clusters' control planes share a broadcast domain: when the Site holds both
/// control-plane networks, whether they are one network; otherwise as the install-configs tell.
fn l2_of(site: &Site, earlier: &Keepalived<'_>, later: &Keepalived<'_>) -> Option<SharedL2> {
    match (site.control_plane_attachment(earlier.cluster), site.control_plane_attachment(later.cluster)) {
        (Some(a), Some(b)) if a.network.origin == b.network.origin => Some(SharedL2 {
            what: format!("network `{}`", a.network.display_name()),
            earlier: a.span,
            later: b.span,
        }),
        (Some(_), Some(_)) => None,
        _ => shared_l2(earlier.ic, later.ic),
    }
}

/// Whether the two clusters' control planes sit on one broadcast domain, as far as the
/// install-configs tell.
fn shared_l2(earlier: &InstallConfig, later: &InstallConfig) -> Option<SharedL2> {
    // Without `controlPlanePort` or `machinesSubnet` the installer creates a network for the
    // cluster alone (`<infraID>-network`): nothing else is on its L2, whatever its CIDR.
    if !brings_own_network(earlier) || !brings_own_network(later) {
        return None;
    }
    // A templated network or subnet could be anything: whether the L2 is shared is unknown.
    if unknown_identity(earlier) || unknown_identity(later) {
        return None;
    }
    let (ea, la) = (identities(earlier), identities(later));
    for (kind, e) in &ea {
        if let Some((_, l)) = la.iter().find(|(k, l)| k == kind && l.value == e.value) {
            let what = format!("{} `{}`", kind.0, e.value);
            return Some(SharedL2 { what, earlier: e.span, later: l.span });
        }
    }
    // Two different Neutron networks are two broadcast domains, even with the same CIDR.
    let differ = |f: fn(&InstallConfig) -> Option<&Sp<String>>| match (f(earlier), f(later)) {
        (Some(e), Some(l)) => e.value != l.value,
        _ => false,
    };
    if differ(network_id) || differ(network_name) {
        return None;
    }
    let (Some(en), Some(ln)) =
        (earlier.networking.machine_network.value(), later.networking.machine_network.value())
    else {
        return None;
    };
    en.iter().find_map(|e| {
        let l = ln.iter().find(|l| overlaps(&e.value, &l.value))?;
        let what = if e.value == l.value {
            e.value.to_string()
        } else {
            format!("{} (overlaps {})", l.value, e.value)
        };
        Some(SharedL2 { what, earlier: e.span, later: l.span })
    })
}

fn brings_own_network(ic: &InstallConfig) -> bool {
    ic.openstack.control_plane_port.is_some() || ic.openstack.machines_subnet.is_present()
}

fn network_id(ic: &InstallConfig) -> Option<&Sp<String>> {
    ic.openstack.control_plane_port.as_ref()?.network_id.known()
}

fn network_name(ic: &InstallConfig) -> Option<&Sp<String>> {
    ic.openstack.control_plane_port.as_ref()?.network_name.known()
}

/// What names a network or subnet: its kind ("network", "subnet") and whether by id or by name.
type Identity<'a> = ((&'static str, bool), &'a Sp<String>);

/// The known network and subnet ids and names of the control-plane port; the deprecated
/// `machinesSubnet` is a subnet id (the installer converts it into `fixedIPs[0].subnet.id`).
fn identities(ic: &InstallConfig) -> Vec<Identity<'_>> {
    let mut out = Vec::new();
    if let Some(port) = &ic.openstack.control_plane_port {
        out.extend(port.network_id.known().map(|v| (("network", true), v)));
        out.extend(port.network_name.known().map(|v| (("network", false), v)));
        for (id, name) in &port.subnets {
            out.extend(id.known().map(|v| (("subnet", true), v)));
            out.extend(name.known().map(|v| (("subnet", false), v)));
        }
    }
    if let Field::Known(subnet) = &ic.openstack.machines_subnet {
        out.push((("subnet", true), subnet));
    }
    out
}

/// CIDR blocks either nest or are disjoint.
fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

fn unknown_identity(ic: &InstallConfig) -> bool {
    let os = &ic.openstack;
    os.machines_subnet.is_unknown()
        || os.control_plane_port.as_ref().is_some_and(|p| {
            p.network_id.is_unknown()
                || p.network_name.is_unknown()
                || p.subnets.iter().any(|(id, name)| id.is_unknown() || name.is_unknown())
        })
}
