//! SL104: a machine placed in a Nova AZ with a root volume must say which Cinder AZ holds it.
//!
//! Install-config pools: the installer rejects a pool with `zones` and `rootVolume` but no
//! `rootVolume.zones`, and it checks each pool as written, before `defaultMachinePlatform` is
//! merged in (DOMAIN.md §A.5-5). After the merge a pool can still end up with zones and a
//! rootVolume but no volume zones (zones from one place, rootVolume from the other), which the
//! installer accepts and builds. Both are reported: the pool as written at its own `rootVolume`
//! key, the merged pool at the `rootVolume` key it got (its own, else defaultMachinePlatform's).
//! Machine API: a providerSpec or a CPMS failure domain with `availabilityZone` and `rootVolume`
//! but no `rootVolume.availabilityZone` (the CPMS CEL rule, DOMAIN.md §B.5).

use super::{flow_list, named_pools, yaml_scalar};
use crate::diagnostic::Diagnostic;
use crate::inputs::Field;
use crate::inputs::install_config::{PoolPlatform, RootVolume};
use crate::inputs::machine_api::{ProviderSpec, VolumeSpec};
use crate::rules::{Context, declare_rule};

declare_rule!(RootVolumeAzMissing, "SL104", "SL104-root-volume-az-missing.yaml", check);

const WHY: &str = "otherwise Cinder is asked for a volume AZ named like the Nova AZ (CAPO reuses the name) or for its default AZ, which fails where the Cinder AZs are named differently and can put the disk in another site than the server";

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Each rootVolume key once; the pools that share an inherited key are named in its message.
    let mut found: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    let mut push = |diag: Diagnostic, pool: Option<&str>| match found
        .iter_mut()
        .find(|(d, _)| d.primary.span == diag.primary.span)
    {
        Some((_, also)) => also.extend(pool.map(str::to_owned)),
        None => found.push((diag, Vec::new())),
    };
    for cluster in &cx.model.clusters {
        let name = Some(cluster.name.as_str());
        if let Some(ic) = &cluster.install_config {
            let default = &ic.openstack.default_machine_platform;
            if let Some(diag) = pool_finding("platform.openstack.defaultMachinePlatform", default, "", "") {
                push(diag.for_cluster(name), None);
            }
            for (pool_name, pool) in named_pools(ic) {
                let own = pool_finding(&pool_name, &pool.own, "", "");
                let from_default = " (from defaultMachinePlatform)";
                let zones_note = if pool.own.zones.is_present() { "" } else { from_default };
                let volume_note = if pool.own.root_volume.is_some() { "" } else { from_default };
                let merged = pool_finding(&pool_name, &pool.effective, zones_note, volume_note);
                let diag = match (own, merged) {
                    // Only the pool as written is wrong: defaultMachinePlatform's volume zones
                    // would fill the gap, but the installer validates before merging.
                    (Some(d), None) => {
                        let inherited = default
                            .root_volume
                            .as_ref()
                            .and_then(|rv| rv.zones.value())
                            .map(|z| flow_list(z.iter().map(|v| v.value.as_str())));
                        let add = inherited.map_or_else(|| "`zones`".to_owned(), |l| format!("`zones: {l}`"));
                        Some(d.with_help(format!(
                            "add {add} under this rootVolume: the installer validates each pool as written, before merging defaultMachinePlatform, so the `rootVolume.zones` of defaultMachinePlatform does not count here and the install is refused (\"root volume availability zones must be specified when compute availability zones are specified\")"
                        )))
                    }
                    (Some(d), Some(_)) | (None, Some(d)) => Some(d),
                    (None, None) => None,
                };
                if let Some(diag) = diag {
                    push(diag.for_cluster(name), Some(&pool_name));
                }
            }
        }
        for m in &cluster.machines {
            let what = m.describe();
            if let Some(diag) = m.provider.as_ref().and_then(|p| provider_finding(&what, p)) {
                push(diag.for_cluster(name), None);
            }
        }
        for cpms in &cluster.control_plane_machine_sets {
            for (i, fd) in cpms.failure_domains.iter().enumerate() {
                let what = format!("ControlPlaneMachineSet failure domain {}", i + 1);
                if let Some(diag) =
                    fd.root_volume.as_ref().and_then(|rv| volume_finding(&what, &fd.availability_zone, rv))
                {
                    push(diag.for_cluster(name), None);
                }
            }
            // Without OpenStack failure domains the template's providerSpec is used as written.
            if cpms.failure_domains.is_empty()
                && let Some(diag) = cpms
                    .provider
                    .as_ref()
                    .and_then(|p| provider_finding("ControlPlaneMachineSet template", p))
            {
                push(diag.for_cluster(name), None);
            }
        }
    }
    for (mut diag, also) in found {
        if !also.is_empty() {
            diag.message.push_str(&format!(
                "; {} inherit{} the same",
                also.join(", "),
                if also.len() == 1 { "s" } else { "" }
            ));
        }
        out.push(diag);
    }
}

fn pool_finding(
    pool_name: &str,
    pool: &PoolPlatform,
    zones_note: &str,
    volume_note: &str,
) -> Option<Diagnostic> {
    let zones = pool.zones.known().filter(|z| !z.value.is_empty())?;
    let rv: &RootVolume = pool.root_volume.as_ref()?;
    // An unknown (templated) `rootVolume.zones` counts as present.
    if matches!(&rv.zones, Field::Known(z) if !z.value.is_empty()) || rv.zones.is_unknown() {
        return None;
    }
    let list = flow_list(zones.value.iter().map(|z| z.value.as_str()));
    Some(
        Diagnostic::new(
            "SL104",
            rv.key,
            format!(
                "{pool_name} places machines in zones {list}{zones_note} and boots them from a rootVolume{volume_note}, but sets no `rootVolume.zones`"
            ),
        )
        .with_label("rootVolume without `zones`")
        .with_secondary(zones.span, "Nova AZs")
        .with_help(format!(
            "add `zones: {list}` under this rootVolume, or the names of the Cinder AZs that serve these Nova AZs, in the same order; {WHY}"
        )),
    )
}

fn provider_finding(what: &str, p: &ProviderSpec) -> Option<Diagnostic> {
    volume_finding(what, &p.availability_zone, p.root_volume.as_ref()?)
}

fn volume_finding(what: &str, az: &Field<String>, rv: &VolumeSpec) -> Option<Diagnostic> {
    // An empty availabilityZone is no AZ at all; a templated one is still an AZ.
    let named = match az {
        Field::Known(z) if !z.value.is_empty() => Some(z.value.as_str()),
        Field::Unknown(_) => None,
        _ => return None,
    };
    match &rv.availability_zone {
        Field::Known(v) if v.value.is_empty() => {}
        Field::Missing => {}
        _ => return None,
    }
    let (placed, value, serves) = match named {
        Some(z) => (format!("availabilityZone `{z}`"), yaml_scalar(z), format!("`{z}`")),
        None => {
            ("a templated availabilityZone".to_owned(), "<Cinder AZ>".to_owned(), "its Nova AZ".to_owned())
        }
    };
    let mut diag = Diagnostic::new(
        "SL104",
        rv.key,
        format!("{what} runs in {placed} with a rootVolume that has no `availabilityZone`"),
    )
    .with_label("rootVolume without `availabilityZone`")
    .with_help(format!(
        "add `availabilityZone: {value}` under rootVolume, or the name of the Cinder AZ that serves {serves}; {WHY}"
    ));
    if let Some(span) = az.span() {
        diag = diag.with_secondary(span, "Nova AZ");
    }
    Some(diag)
}
