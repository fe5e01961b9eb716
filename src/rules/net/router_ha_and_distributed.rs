use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(RouterHaAndDistributed, "SL210", "SL210-router-ha-and-distributed.yaml", check);

/// Heat's `OS::Neutron::Router` validation refuses `ha: true` with `distributed: true` as
/// properties (ResourcePropertyConflict), so the stack never deploys; through `value_specs` the
/// pair reaches Neutron, which accepts it, so only the properties are judged.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for router in cx.model.site.routers.iter().filter(|r| r.heat_properties) {
        let (Some(ha), Some(dvr)) = (router.ha.known(), router.distributed.known()) else { continue };
        if !(ha.value && dvr.value) {
            continue;
        }
        let name = router.display_name();
        out.push(
            Diagnostic::new(
                "SL210",
                dvr.span,
                format!("router `{name}` sets both `ha: true` and `distributed: true`: Heat rejects the stack"),
            )
            .with_label("distributed here")
            .with_secondary(ha.span, "and ha here")
            .with_help(
                "choose one as a property: `ha: true` for a centralised HA router (architecture 2 wants DVR off for \
                 the API/ingress floating IPs), or `distributed: true`; DVR with HA SNAT needs both set through \
                 `value_specs`, which Heat passes to Neutron unchecked",
            ),
        );
    }
}
