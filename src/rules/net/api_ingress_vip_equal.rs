//! SL202: the same address given as an API VIP and as an ingress VIP.
//!
//! The two VIPs are two keepalived instances with different virtual router IDs and different
//! holders (API: control-plane nodes; ingress: the nodes running router pods): each elects its
//! own VRRP master, so two nodes could hold and announce the one address at the same time. The installer rejects it ("VIP for API must not be one
//! of the Ingress VIPs"), except with a user-managed load balancer (DOMAIN.md §A.5-1, §C.3).

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(ApiIngressVipEqual, "SL202", "SL202-api-ingress-vip-equal.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        if ic.user_managed_lb() || ic.lb_type_unknown() {
            continue;
        }
        // Both lists must be known: a templated list could hold anything.
        let (Some(api), Some(ingress)) = (ic.openstack.api_vips.value(), ic.openstack.ingress_vips.value())
        else {
            continue;
        };
        for vip in ingress {
            // Compared as addresses, so `fd00::5` and `fd00:0::5` are the same VIP.
            let Some(same) = api.iter().find(|a| a.value == vip.value) else { continue };
            out.push(
                Diagnostic::new("SL202", vip.span, format!("ingress VIP {} is also the API VIP", vip.value))
                    .with_label("same address as the API VIP")
                    .with_secondary(same.span, "API VIP")
                    .with_help(
                        "give the ingress VIP its own free address in the same machine network (the \
                         installer's defaults are host 5 of machineNetwork[0] for the API, host 7 for ingress)",
                    )
                    .for_cluster(Some(&cluster.name)),
            );
        }
    }
}
