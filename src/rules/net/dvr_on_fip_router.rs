use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(DvrOnFipRouter, "SL207", "SL207-dvr-on-fip-router.yaml", check);

/// Architecture 2 serves the API and ingress through floating IPs on a centralised router: with
/// DVR those FIPs are NATed on whichever compute node hosts the VIP port, and the VIP's moves
/// between nodes are not followed reliably.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        for router in cx.model.site.fip_routers(cluster) {
            let Some(dvr) = router.distributed.known().filter(|d| d.value) else { continue };
            let name = router.display_name();
            out.push(
                Diagnostic::new(
                    "SL207",
                    dvr.span,
                    format!("router `{name}` carries the API/ingress floating IPs of `{}` but is distributed (DVR)", cluster.name),
                )
                .with_label("DVR on")
                .with_help(
                    "set `distributed: false` on this router (architecture 2 keeps DVR off for the API and ingress \
                     floating IPs) and make it HA instead",
                )
                .for_cluster(Some(&cluster.name)),
            );
        }
    }
}
