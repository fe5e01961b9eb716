use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(
    MachineSubnetOutsideMachineNetwork,
    "SL204",
    "SL204-machine-subnet-outside-machine-network.yaml",
    check
);

/// The installer builds the nodes' security-group rules (VRRP included) and the node-IP choice
/// from `machineNetwork`: a subnet the machines sit on must lie inside one of its CIDRs.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        let Some(networks) = ic.networking.machine_network.value().filter(|n| !n.is_empty()) else {
            continue;
        };
        for mention in cluster.subnet_mentions() {
            for subnet in cx.model.site.subnets_named(&mention.value) {
                let Some(cidr) = subnet.cidr.known() else { continue };
                if networks.iter().any(|n| n.value.contains(&cidr.value)) {
                    continue;
                }
                let listed = networks.iter().map(|n| n.value.to_string()).collect::<Vec<_>>().join(", ");
                out.push(
                    Diagnostic::new(
                        "SL204",
                        mention.span,
                        format!(
                            "subnet `{}` ({}) carries machines of `{}`, but no machineNetwork CIDR covers it ({listed})",
                            mention.value, cidr.value, cluster.name
                        ),
                    )
                    .with_label(format!("{} is outside machineNetwork", cidr.value))
                    .with_secondary(cidr.span, format!("`{}` defined here", mention.value))
                    .with_help(format!(
                        "add `- cidr: {}` to `networking.machineNetwork` in the install-config: the security-group \
                         rules (VRRP among them) and the node-IP selection are built from that list",
                        cidr.value
                    ))
                    .for_cluster(Some(&cluster.name)),
                );
            }
        }
    }
}
