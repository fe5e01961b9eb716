//! SL106: a Machine API object names an AZ that the cluster's install-config never declares.
//!
//! Only for clusters whose install-config declares zones (some pool's effective `zones` is
//! non-empty): there the install-config is the list of AZs the cluster was designed for, and an AZ
//! outside it is usually a typo: the API server accepts it, and Nova rejects it only when a
//! machine is created. A templated zone list, anywhere, keeps the rule silent (the declared set is unknown).

use super::named_pools;
use crate::diagnostic::Diagnostic;
use crate::inputs::Field;
use crate::rules::suggest::closest;
use crate::rules::{Context, declare_rule};
use crate::source::Sp;

declare_rule!(MachinesetZoneUndeclared, "SL106", "SL106-machineset-zone-undeclared.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        let pools = named_pools(ic);
        let lists = pools
            .iter()
            .map(|(_, p)| &p.effective.zones)
            .chain(std::iter::once(&ic.openstack.default_machine_platform.zones));
        let mut declared: Vec<&Sp<String>> = Vec::new();
        let mut unknown = false;
        for list in lists {
            match list {
                Field::Known(zones) => {
                    for z in &zones.value {
                        if !z.value.is_empty() && !declared.iter().any(|d| d.value == z.value) {
                            declared.push(z);
                        }
                    }
                }
                Field::Unknown(_) => unknown = true,
                Field::Missing => {}
            }
        }
        if unknown || declared.is_empty() {
            continue;
        }
        let names: Vec<&str> = declared.iter().map(|d| d.value.as_str()).collect();

        let machines = cluster.machines.iter().filter_map(|m| {
            let what = m.describe();
            m.provider.as_ref().map(|p| (what, &p.availability_zone))
        });
        let cpms = cluster.control_plane_machine_sets.iter().flat_map(|c| {
            // The template's AZ is overwritten by the failure domains when there are any.
            let template = c
                .provider
                .as_ref()
                .filter(|_| c.failure_domains.is_empty())
                .map(|p| ("ControlPlaneMachineSet template".to_owned(), &p.availability_zone));
            c.failure_domains
                .iter()
                .enumerate()
                .map(|(i, fd)| {
                    (format!("ControlPlaneMachineSet failure domain {}", i + 1), &fd.availability_zone)
                })
                .chain(template)
        });
        for (what, az) in machines.chain(cpms) {
            let Some(az) = az.known().filter(|z| !z.value.is_empty()) else { continue };
            if names.contains(&az.value.as_str()) {
                continue;
            }
            let guess = closest(&az.value, names.iter().copied());
            let mut message = format!(
                "{what} uses availabilityZone `{}`, which the install-config never names (it declares {})",
                az.value,
                names.join(", ")
            );
            let mut diag = Diagnostic::new("SL106", az.span, String::new());
            match guess.and_then(|g| declared.iter().find(|d| d.value == g)) {
                Some(g) => {
                    message.push_str(&format!("; did you mean `{}`?", g.value));
                    diag = diag
                        .with_label(format!("did you mean `{}`?", g.value))
                        .with_secondary(g.span, "declared here")
                        .with_help(format!(
                            "if this is a typo, write `availabilityZone: {}`; if the AZ is real, add it to the install-config's `zones` (and `rootVolume.zones`) so that the cluster's AZs are written in one place",
                            g.value
                        ));
                }
                None => {
                    diag = diag.with_label("not an AZ of this cluster").with_help(format!(
                        "use one of {} or, if `{}` is a real AZ of this cluster, add it to the install-config's `zones` (and `rootVolume.zones`)",
                        names.join(", "),
                        az.value
                    ));
                }
            }
            diag.message = message;
            out.push(diag.for_cluster(Some(&cluster.name)));
        }
    }
}
