//! SL201: an API or ingress VIP that lies in none of the machine networks.
//!
//! keepalived puts a VIP on the node interface whose subnet contains it, and the installer's
//! security-group rules (VRRP included) are built from `networking.machineNetwork`; the installer
//! itself rejects such a VIP ("IP expected to be in one of the machine networks"), except with a
//! user-managed load balancer, where the VIPs belong to someone else's LB (DOMAIN.md §A.5-1).

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::vrrp::VipKind;

declare_rule!(VipOutsideMachineNetwork, "SL201", "SL201-vip-outside-machine-network.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        // UserManaged skips the installer's check; a templated lb type may be UserManaged.
        if ic.user_managed_lb() || ic.lb_type_unknown() {
            continue;
        }
        // Missing (the installer would default it, but CI often patches `networking` in later),
        // templated or empty: nothing known to compare against.
        let Some(networks) = ic.networking.machine_network.value().filter(|n| !n.is_empty()) else {
            continue;
        };
        let cidrs = networks.iter().map(|n| n.value.to_string()).collect::<Vec<_>>().join(", ");
        let lists = [(VipKind::Api, &ic.openstack.api_vips), (VipKind::Ingress, &ic.openstack.ingress_vips)];
        for (kind, vips) in lists {
            // An unknown (templated) list yields nothing.
            for vip in vips.value().into_iter().flatten() {
                if networks.iter().any(|n| n.value.contains(&vip.value)) {
                    continue;
                }
                let mut finding = Diagnostic::new(
                    "SL201",
                    vip.span,
                    format!(
                        "{} VIP {} is outside every machineNetwork CIDR ({cidrs})",
                        kind.as_str(),
                        vip.value
                    ),
                )
                .with_label("in no machine network");
                for network in networks {
                    finding = finding.with_secondary(network.span, "machine network");
                }
                out.push(
                    finding
                        .with_help(format!(
                            "take the {} VIP from the subnet {} attached to and list that subnet's CIDR in \
                             networking.machineNetwork: keepalived can only place a VIP on a node interface in \
                             the VIP's subnet, and the installer refuses this one",
                            kind.as_str(),
                            match kind {
                                VipKind::Api => "the control-plane nodes are",
                                VipKind::Ingress => "the nodes running the router pods are",
                            }
                        ))
                        .for_cluster(Some(&cluster.name)),
                );
            }
        }
    }
}
