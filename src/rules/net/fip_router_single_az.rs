use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(FipRouterSingleAz, "SL208", "SL208-fip-router-single-az.yaml", check);

/// With DVR off, every API and ingress floating IP goes through the router's gateway: if that
/// lives in one AZ, losing the AZ cuts API and ingress from outside.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        for router in cx.model.site.fip_routers(cluster) {
            let name = router.display_name();
            let mut push = |span, message: String, label: String| {
                out.push(
                    Diagnostic::new("SL208", span, message)
                        .with_label(label)
                        .with_help(
                            "make the router HA (`ha: true` under ML2/OVS, gateway chassis in several AZs under OVN) \
                             and do not pin it to one AZ with `availability_zone_hints`",
                        )
                        .for_cluster(Some(&cluster.name)),
                );
            };
            if let Some(ha) = router.not_ha() {
                push(
                    ha.span,
                    format!(
                        "router `{name}` carries the API/ingress floating IPs of `{}` and is not HA: losing the AZ of \
                         its L3 agent cuts API and ingress",
                        cluster.name
                    ),
                    "not HA".to_owned(),
                );
            }
            if let Some((az, hints)) = router.pinned_az() {
                push(
                    hints,
                    format!(
                        "router `{name}` carries the API/ingress floating IPs of `{}` and is pinned to {az}: losing \
                         {az} cuts API and ingress",
                        cluster.name
                    ),
                    format!("only {az}"),
                );
            }
        }
    }
}
