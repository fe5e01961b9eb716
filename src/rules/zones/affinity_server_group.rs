//! SL107: `serverGroupPolicy: affinity` packs a pool's machines onto one compute host.
//!
//! A Nova server group with the `affinity` policy must place all its members on the same host.
//! The installer gives the masters one group (`<infraID>-master`, since 4.14) and the workers one
//! group per AZ (`<infraID>-worker-<az>`) (DOMAIN.md §B.3), so `affinity` puts every master, or
//! every worker of an AZ, on a single hypervisor; a host lives in one AZ, so masters spread over
//! several AZs cannot be placed at all. The docs call the policy unsupported (DOMAIN.md §A.3).
//! Reported where it is written: in a pool, or in defaultMachinePlatform when a pool inherits it.

use super::named_pools;
use crate::diagnostic::Diagnostic;
use crate::inputs::Field;
use crate::inputs::install_config::MachinePool;
use crate::rules::{Context, declare_rule};

declare_rule!(AffinityServerGroup, "SL107", "SL107-affinity-server-group.yaml", check);

const POLICY: &str = "affinity";

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        let pools = named_pools(ic);
        for (name, pool) in &pools {
            if let Field::Known(p) = &pool.own.server_group_policy
                && p.value == POLICY
            {
                out.push(
                    Diagnostic::new(
                        "SL107",
                        p.span,
                        format!("{name} uses serverGroupPolicy `affinity`: {}", effect(name, pool)),
                    )
                    .with_label("all machines of a server group on one host")
                    .with_help(HELP)
                    .for_cluster(Some(&cluster.name)),
                );
            }
        }
        let Field::Known(default) = &ic.openstack.default_machine_platform.server_group_policy else {
            continue;
        };
        if default.value != POLICY {
            continue;
        }
        // The pools that take the default; the installer adds a default controlPlane or compute
        // pool when the install-config has none, and those inherit it too.
        let mut heirs: Vec<&str> = pools
            .iter()
            .filter(|(_, p)| !p.own.server_group_policy.is_present())
            .map(|(n, _)| n.as_str())
            .collect();
        if ic.control_plane.is_none() {
            heirs.push("the default controlPlane");
        }
        if ic.compute.is_empty() {
            heirs.push("the default compute pool");
        }
        if heirs.is_empty() {
            continue;
        }
        let effects: Vec<String> =
            pools.iter().filter(|(n, _)| heirs.contains(&n.as_str())).map(|(n, p)| effect(n, p)).collect();
        let detail = if effects.is_empty() {
            "every machine of a server group lands on one compute host".to_owned()
        } else {
            effects.join("; ")
        };
        out.push(
            Diagnostic::new(
                "SL107",
                default.span,
                format!(
                    "defaultMachinePlatform sets serverGroupPolicy `affinity` for {}: {detail}",
                    heirs.join(", ")
                ),
            )
            .with_label("inherited by every pool without its own policy")
            .with_help(HELP)
            .for_cluster(Some(&cluster.name)),
        );
    }
}

const HELP: &str = "use `soft-anti-affinity` (the installer's default) to spread the machines over hosts, or `anti-affinity` when each AZ has at least as many hosts as machines; the OpenShift docs call `affinity` unsupported";

/// What `affinity` does to this pool.
fn effect(name: &str, pool: &MachinePool) -> String {
    let mut azs: Vec<&str> = pool.effective.zones.items().iter().map(|z| z.value.as_str()).collect();
    azs.sort_unstable();
    azs.dedup();
    if name == "controlPlane" {
        let mut s = "every master must run on one compute host (the masters share one server group), so a single host failure loses etcd".to_owned();
        if azs.len() > 1 {
            s.push_str(&format!(
                ", and masters in {} AZs cannot be placed at all, since a host lives in one AZ",
                azs.len()
            ));
        }
        s
    } else if azs.len() > 1 {
        format!(
            "the workers of each of its {} AZs must share one compute host (one server group per AZ), so a single host failure takes all of that AZ's workers",
            azs.len()
        )
    } else {
        "all its workers must run on one compute host, so a single host failure takes them all".to_owned()
    }
}
