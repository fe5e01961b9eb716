use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(ExternalLbMissingFrontend, "SL303", "SL303-external-lb-missing-frontend.yaml", check);

/// The ports a user-managed load balancer must serve: the API, the machine-config server (new
/// nodes fetch their Ignition there) and ingress HTTP and HTTPS.
const REQUIRED: [(u16, &str); 4] =
    [(6443, "API"), (22623, "machine-config server"), (80, "ingress HTTP"), (443, "ingress HTTPS")];

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let clusters = &cx.model.clusters;
    for cluster in clusters {
        let Some(ic) = &cluster.install_config else { continue };
        if !ic.user_managed_lb() {
            continue;
        }
        let configs = cx.model.site.proxies_for(cluster, clusters);
        let Some(first) = configs.first() else { continue };
        let binds = configs.iter().flat_map(|h| &h.frontends).flat_map(|f| &f.binds);
        // A bind whose port cannot be read might be any of them: nothing can be said.
        if binds.clone().any(|b| !b.port.is_present() || b.port.is_unknown()) {
            continue;
        }
        let missing: Vec<String> = REQUIRED
            .iter()
            .filter(|(port, _)| !binds.clone().any(|b| b.serves(*port)))
            .map(|(port, what)| format!("{port} ({what})"))
            .collect();
        let Some(section) = first.frontends.first() else { continue };
        if missing.is_empty() {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            "SL303",
            section.name.span,
            format!(
                "the load balancer of `{}` (loadBalancer.type: UserManaged) serves no frontend on {}",
                cluster.name,
                missing.join(", ")
            ),
        )
        .with_label("first frontend of this configuration")
        .with_help(
            "add a frontend (an HAProxy frontend or listen section, an F5 virtual server) for each missing \
             port, with the control-plane nodes as backends for 6443 and 22623 and the ingress router nodes \
             for 80 and 443",
        )
        .for_cluster(Some(&cluster.name));
        if let Some(lb) = ic.openstack.load_balancer_type.known() {
            diagnostic = diagnostic.with_secondary(lb.span, "user-managed load balancer");
        }
        out.push(diagnostic);
    }
}
