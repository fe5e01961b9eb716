//! SL301: two clusters on one L2 whose keepalived virtual router IDs collide.
//!
//! OpenShift derives the API and ingress VRIDs from `metadata.name` alone (DOMAIN.md §C.1), so two
//! clusters on one broadcast domain can pick the same ID; keepalived then drops or misreads the
//! other cluster's adverts and a VIP may never come up (§C.5). Multicast VRRP (4.6–4.10) makes
//! that an error; from 4.11 keepalived is unicast and the clash is only a warning (§C.4).

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::vrrp::l2_index::{Keepalived, L2Index, SharedL2, l2_of};
use crate::rules::{Context, declare_rule};
use crate::vrrp::{Collision, Vrids, collisions, vrids};

declare_rule!(VrrpIdCollision, "SL301", "SL301-vrrp-id-collision.yaml", check);

/// The first release whose keepalived runs unicast VRRP (DOMAIN.md §C.4).
const UNICAST_SINCE: (u32, u32) = (4, 11);

/// How many of a cluster's further colliders its finding names; the rest are counted.
const NAMED_OTHERS: usize = 3;

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
            Some(Keepalived::new(site, cluster, ic, name, cx.sources.display(ic.file)))
        })
        .collect();
    // File order, then position: the later cluster of a pair is the one reported.
    clusters.sort_by(|a, b| (a.path, a.name.span.start).cmp(&(b.path, b.name.span.start)));

    // One finding per cluster that collides, about the first earlier one: on a crowded L2 one per
    // pair would be quadratic in the clusters, and each says the same fix.
    let mut index = L2Index::new(&clusters);
    for (i, later) in clusters.iter().enumerate() {
        let colliders = index.colliders(i);
        let mut earlier = colliders.iter().filter_map(|&j| clusters.get(j));
        let Some(first) = earlier.next() else { continue };
        let Some(l2) = l2_of(first, later) else { continue };
        let others: Vec<&Keepalived<'_>> = earlier.collect();
        let found = collisions(first.vrids, later.vrids);
        let free = index.free_name(i);
        let version = cx.params.openshift_version;
        out.push(finding(first, later, &found, &l2, &others, free, version));
    }
}

fn finding(
    earlier: &Keepalived<'_>,
    later: &Keepalived<'_>,
    found: &[Collision],
    l2: &SharedL2,
    others: &[&Keepalived<'_>],
    free: Option<String>,
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
    let mut message = format!(
        "`{a}` ({}) and `{b}` ({}) share L2 {}: {clashes} {verb}",
        ids(earlier.vrids),
        ids(later.vrids),
        l2.what
    );
    if !others.is_empty() {
        message.push_str(&format!("; `{b}` also collides with {}", listed(later, others)));
    }

    // The free name avoids every keepalived cluster on the later cluster's L2, not just this one.
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

/// The first few further colliders by name, then how many more: `x`, `y`, `z` and 12 others.
fn listed(later: &Keepalived<'_>, others: &[&Keepalived<'_>]) -> String {
    let named: Vec<String> =
        others.iter().take(NAMED_OTHERS).map(|o| format!("`{}`", shown(o, later).0)).collect();
    match others.len().saturating_sub(NAMED_OTHERS) {
        0 => match named.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        },
        1 => format!("{} and 1 other cluster", named.join(", ")),
        more => format!("{} and {more} other clusters", named.join(", ")),
    }
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
