//! SL404: `networking.clusterNetworkMTU` in an OpenStack install-config.
//!
//! The installer accepts the key on AWS only ("cluster network MTU is allowed only in AWS
//! deployments", DOMAIN.md §A.1/§A.5-7); a value of 0 means unset and passes. On OpenStack the pod
//! MTU goes in the cluster Network operator manifest instead (§D.7). The key is what is wrong,
//! so a templated value still fires.

use super::locate::quote;
use crate::diagnostic::Diagnostic;
use crate::inputs::field::{self, Field};
use crate::rules::{Context, declare_rule};

declare_rule!(ClusterNetworkMtuUnsupported, "SL404", "SL404-cluster-network-mtu-unsupported.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        let Some((key, value)) = ic.root.get("networking").and_then(|n| n.entry("clusterNetworkMTU")) else {
            continue;
        };
        if value.is_null() || matches!(field::int(Some(value)), Field::Known(ref v) if v.value == 0) {
            continue;
        }
        let mtu = quote(cx, value, "<mtu>");
        // OpenShiftSDN (≤ 4.14) keeps its MTU under another key of the same manifest.
        let sdn = ic.networking.network_type.value().is_some_and(|t| t.eq_ignore_ascii_case("OpenShiftSDN"));
        let config = if sdn { "openshiftSDNConfig" } else { "ovnKubernetesConfig" };
        out.push(
            Diagnostic::new(
                "SL404",
                key.span,
                format!(
                    "`networking.clusterNetworkMTU` (here `{mtu}`) is allowed only on AWS: the installer stops with \
                     \"cluster network MTU is allowed only in AWS deployments\""
                ),
            )
            .with_label("AWS only")
            .for_cluster(Some(&cluster.name))
            .with_help(format!(
                "delete it; after `openshift-install create manifests`, set the MTU at \
                 `spec.defaultNetwork.{config}.mtu` of the Network operator manifest:\n\
                 \n\
                 # openshift/cluster-network-03-config.yml\n\
                 apiVersion: operator.openshift.io/v1\n\
                 kind: Network\n\
                 metadata:\n\
                 \x20 name: cluster\n\
                 spec:\n\
                 \x20 defaultNetwork:\n\
                 \x20   {config}:\n\
                 \x20     mtu: {mtu}"
            )),
        );
    }
}
