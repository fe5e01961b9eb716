//! SL108: a pool's `failureDomains` (the OpenShift 4.13 Tech Preview spelling of its AZs) is read
//! only by the 4.13 installer; later installers drop the field with a warning.
//!
//! The field is gone from the installer's `MachinePool` after 4.13 (DOMAIN.md §A.3), and the
//! install-config is decoded leniently: an unknown field is logged and ignored. What places the
//! machines is then `zones`, or nothing at all — every machine of the pool in Nova's default AZ.
//! With `openshift-version: "4.13"` the layout reads the domains instead and this rule is silent.

use super::named_pools;
use crate::diagnostic::{Diagnostic, Severity};
use crate::inputs::Field;
use crate::inputs::install_config::MachinePool;
use crate::rules::{Context, declare_rule};

declare_rule!(PoolFailureDomainsDropped, "SL108", "SL108-pool-failure-domains-dropped.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let version = cx.params.openshift_version;
    if version == Some((4, 13)) {
        return;
    }
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        for (name, pool) in named_pools(ic) {
            let Some(fds) = &pool.own.failure_domains else { continue };
            let count = match &fds.domains {
                Field::Known(d) if d.value.is_empty() => continue,
                Field::Known(d) => Some(d.value.len()),
                _ => None,
            };
            let release = match version {
                Some((major, minor)) => format!("`openshift-version` is {major}.{minor}"),
                None => "the scan does not say which release installs it".to_owned(),
            };
            let domains = count.map_or_else(String::new, |n| format!(" ({n} domain{})", plural(n)));
            let (effect, collapsed) = effect(&name, pool);
            let message = format!(
                "{name} places its machines with `failureDomains`{domains}, which only the OpenShift 4.13 \
                 installer reads ({release}): later installers drop it with a warning, so {effect}"
            );
            let diag = Diagnostic::new("SL108", fds.key, message)
                .with_label("dropped by the installer after 4.13")
                .with_help(help(pool))
                .for_cluster(Some(&cluster.name));
            out.push(if collapsed { diag } else { diag.with_severity(Severity::Warning) });
        }
    }
}

/// What the installer does without the domains, and whether it puts the whole pool in one AZ.
fn effect(name: &str, pool: &MachinePool) -> (String, bool) {
    let replicas = match pool.replicas.value() {
        Some(n) => format!("the {n} machine{}", plural(usize::try_from(*n).unwrap_or(0))),
        None if pool.replicas.is_present() => "its machines".to_owned(),
        None => "the 3 machines (the default replicas)".to_owned(),
    };
    let mut zones: Vec<&str> = pool.effective.zones.items().iter().map(|z| z.value.as_str()).collect();
    zones.sort_unstable();
    zones.dedup();
    match zones.as_slice() {
        _ if pool.effective.zones.is_unknown() => {
            (format!("{replicas} of {name} follow its templated `zones`"), false)
        }
        [] => (
            format!("{replicas} of {name} all land in Nova's default AZ: losing that one AZ takes them all"),
            true,
        ),
        [only] => (format!("{replicas} of {name} all land in {only}, its only `zones` entry"), true),
        many => (format!("{replicas} of {name} follow `zones` ({}) instead", many.join(", ")), false),
    }
}

fn help(pool: &MachinePool) -> String {
    let mut azs: Vec<&str> = Vec::new();
    for fd in pool.own.failure_domains.iter().flat_map(|f| f.domains.value()).flatten() {
        if let Some(az) = fd.compute_az.value()
            && !azs.contains(&az.as_str())
        {
            azs.push(az);
        }
    }
    let list = if azs.is_empty() { "[az1, az2, az3]".to_owned() } else { super::flow_list(azs) };
    format!(
        "list the AZs in `zones: {list}` (and the volume AZs in `rootVolume.zones`) instead of \
         `failureDomains`; keep `failureDomains` only for a 4.13 install and say so with \
         `openshift-version: \"4.13\"` in .stretchlint.yaml"
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
