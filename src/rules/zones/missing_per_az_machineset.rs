//! SL102: every AZ of a multi-AZ cluster needs worker capacity of its own.
//!
//! With MachineSets the check is direct: a worker MachineSet with that `availabilityZone` and at
//! least one replica. From the install-config alone it replays the installer's split (DOMAIN.md
//! §B.3): `replicas / len(zones)` each, the remainder to the first zones, so 2 workers over 3
//! zones leave the third with none. Compact clusters (no compute replicas at all) are exempt, and
//! an unknown layout (templated replicas or zones) keeps the rule silent.

use super::{az_display, flow_list, machineset_copy, named_pools, per_az_text, tally, yaml_scalar};
use crate::diagnostic::Diagnostic;
use crate::inputs::machine_api::ProviderSpec;
use crate::inputs::{Field, MachineObject};
use crate::model::{Cluster, Origin, WorkerGroup};
use crate::rules::{Context, declare_rule};

declare_rule!(MissingPerAzMachineset, "SL102", "SL102-missing-per-az-machineset.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        if cluster.layout.zones.len() < 2 {
            continue;
        }
        let Some(groups) = &cluster.layout.workers else { continue };
        if !groups.iter().any(|g| g.replicas >= 1) && compact_or_unknown(cluster) {
            continue;
        }
        let missing: Vec<&str> = required_zones(cluster, groups)
            .into_iter()
            .filter(|az| !groups.iter().any(|g| g.zone == *az && g.replicas >= 1))
            .collect();
        for (i, az) in missing.iter().enumerate() {
            // Suggested copies get successive names: count the earlier AZs that need one too.
            let nth = missing.iter().take(i).filter(|m| !groups.iter().any(|g| g.zone == **m)).count();
            let diag = match cluster.layout.workers_origin {
                Origin::MachineApi => from_machine_sets(cx, cluster, groups, az, nth),
                _ => from_install_config(cluster, groups, az),
            };
            out.extend(diag.map(|d| d.for_cluster(Some(&cluster.name))));
        }
    }
}

/// The AZs that must hold workers: every AZ of the cluster, except when the control plane runs in
/// AZs of its own that no worker placement names (sites with separate control-plane and compute
/// AZs, such as `MasterAZ1..3` and `ComputeAZ1..3`): then only the compute AZs.
fn required_zones<'a>(cluster: &'a Cluster, groups: &[WorkerGroup]) -> Vec<&'a str> {
    let all = cluster.layout.zones.iter().map(|z| z.value.as_str());
    let control_plane = cluster.layout.control_plane_zones();
    let separate = !groups.is_empty()
        && !control_plane.is_empty()
        && !control_plane.iter().any(|z| groups.iter().any(|g| g.zone == *z));
    if separate { all.filter(|z| groups.iter().any(|g| g.zone == *z)).collect() } else { all.collect() }
}

/// No worker has a replica: a compact cluster when the install-config asks for no compute
/// replicas (or there is nothing saying workers were wanted); silent when that is unknown.
fn compact_or_unknown(cluster: &Cluster) -> bool {
    let Some(ic) = &cluster.install_config else { return true };
    let mut total = 0;
    for pool in &ic.compute {
        match &pool.replicas {
            Field::Known(r) => total += r.value.max(0),
            // The installer's default is 3 replicas.
            Field::Missing => total += 3,
            Field::Unknown(_) => return true,
        }
    }
    total == 0
}

/// The AZs that do have workers, with their replica counts: `az1: 2, az2: 2`.
fn covered(groups: &[WorkerGroup]) -> String {
    let counts = tally(groups.iter().filter(|g| g.replicas >= 1).map(|g| (g.zone.as_str(), g.replicas)));
    if counts.is_empty() { "none".to_owned() } else { per_az_text(&counts) }
}

/// The AZs that have workers: `az1, az2`.
fn covered_names(groups: &[WorkerGroup]) -> String {
    let counts = tally(groups.iter().filter(|g| g.replicas >= 1).map(|g| (g.zone.as_str(), g.replicas)));
    if counts.is_empty() {
        return "no AZ".to_owned();
    }
    counts.iter().map(|(z, _)| az_display(z)).collect::<Vec<_>>().join(", ")
}

fn from_machine_sets(
    cx: &Context<'_>,
    cluster: &Cluster,
    groups: &[WorkerGroup],
    az: &str,
    nth: usize,
) -> Option<Diagnostic> {
    let set = |g: &WorkerGroup| g.machine_set.and_then(|i| cluster.machines.get(i));
    let name_of = |m: &MachineObject| m.name.value().cloned().unwrap_or_else(|| "(unnamed)".to_owned());
    // The MachineSet to copy: the first one with replicas, preferably one placed in a named AZ.
    let with_replicas = || groups.iter().filter(|g| g.replicas >= 1);
    let template = with_replicas()
        .find(|g| !g.zone.is_empty())
        .or_else(|| with_replicas().next())
        .and_then(|g| set(g).map(|m| (g, m)));

    // A MachineSet for the AZ exists but is scaled to zero: point at its replicas.
    if let Some(zero) = groups.iter().find(|g| g.zone == az) {
        let name = set(zero).map_or_else(|| "(unnamed)".to_owned(), name_of);
        let fix = match template {
            Some((t, m)) => format!(
                "set `spec.replicas` of `{name}` to at least 1 (`{}` in {} runs {})",
                name_of(m),
                az_display(&t.zone),
                t.replicas
            ),
            None => format!("set `spec.replicas` of `{name}` to at least 1"),
        };
        return Some(
            Diagnostic::new(
                "SL102",
                zero.replicas_span,
                format!(
                    "worker MachineSet `{name}` in {az} has {} replicas, so {az} has no workers (workers per AZ: {})",
                    zero.replicas,
                    covered(groups)
                ),
            )
            .with_label(format!("no worker in {az}"))
            .with_help(format!("{fix}: when another AZ is lost, the workloads need somewhere to go")),
        );
    }

    let anchor = groups.iter().find(|g| g.machine_set.is_some())?;
    let mut diag = Diagnostic::new(
        "SL102",
        anchor.span,
        format!("no worker MachineSet places workers in {az}; worker replicas per AZ: {}", covered(groups)),
    )
    .with_label(format!("the worker MachineSets cover {}, not {az}", covered_names(groups)));
    let plan = template.and_then(|(t, m)| copy_plan(cx, cluster, t, m, az, nth));
    if let Some((description, edits)) = plan.as_ref().and_then(|p| machineset_copy::fix(cx, p, az)) {
        diag = diag.with_fix(description, edits);
    }
    let help = plan.as_ref().map(|p| copy_help(cx, p, az));
    diag = diag.with_help(help.unwrap_or_else(|| {
        format!(
            "add a worker MachineSet with `availabilityZone: {}` (and `rootVolume.availabilityZone`, `serverGroupName`) and at least 1 replica",
            yaml_scalar(az)
        )
    }));
    Some(diag)
}

/// What a copy of the template MachineSet for `az` changes.
pub(super) struct CopyPlan<'a> {
    pub(super) template: &'a MachineObject,
    /// The template's AZ.
    pub(super) zone: &'a str,
    pub(super) replicas: i64,
    pub(super) name: &'a str,
    pub(super) new_name: String,
    pub(super) server_group: Option<String>,
    /// The Cinder AZ for `rootVolume.availabilityZone`, when the template has a root volume.
    pub(super) volume_zone: Option<Option<String>>,
    /// The subnet of `az`'s segment, when the workers sit on a routed provider network.
    pub(super) routed_subnet: Option<String>,
    /// AZ → subnet of the existing worker MachineSets, when they differ per AZ.
    pub(super) per_az_subnets: Vec<(&'a str, &'a str)>,
}

fn copy_plan<'a>(
    cx: &Context<'_>,
    cluster: &'a Cluster,
    t: &'a WorkerGroup,
    m: &'a MachineObject,
    az: &str,
    nth: usize,
) -> Option<CopyPlan<'a>> {
    let name = m.name.value()?;
    let provider = m.provider.as_ref()?;
    let role = m.role.value().map_or("worker", String::as_str);
    let infra = cluster.infra_id.as_deref().or(m.infra_id.value().map(String::as_str));
    let server_group = match (provider.server_group_name.value(), infra) {
        // Keep the user's naming when the group is named after the template's AZ.
        (Some(g), _) if !t.zone.is_empty() && g.ends_with(&format!("-{}", t.zone)) => {
            g.strip_suffix(t.zone.as_str()).map(|stem| format!("{stem}{az}"))
        }
        // The installer's naming (DOMAIN.md §B.3).
        (_, Some(infra)) => Some(format!("{infra}-{role}-{az}")),
        _ => None,
    };
    let mut per_az_subnets: Vec<(&str, &str)> = Vec::new();
    for m in cluster.machine_sets().filter(|m| !m.is_master()) {
        let Some(p) = &m.provider else { continue };
        if let (Some(z), Some(subnet)) = (p.availability_zone.value(), p.subnets.first())
            && !per_az_subnets.iter().any(|(seen, _)| seen == z)
        {
            per_az_subnets.push((z.as_str(), subnet.value.as_str()));
        }
    }
    let distinct = per_az_subnets.iter().any(|(_, s)| per_az_subnets.first().is_some_and(|(_, f)| f != s));
    Some(CopyPlan {
        template: m,
        zone: &t.zone,
        replicas: t.replicas,
        name,
        new_name: bumped_name(cluster, name, az, nth),
        server_group,
        volume_zone: provider.root_volume.as_ref().map(|_| cinder_az(cluster, az)),
        routed_subnet: routed_subnet_for(cx, provider, az),
        per_az_subnets: if distinct { per_az_subnets } else { Vec::new() },
    })
}

/// The fields to change when copying the template MachineSet to `az`.
fn copy_help(cx: &Context<'_>, plan: &CopyPlan<'_>, az: &str) -> String {
    let new_name = &plan.new_name;
    let mut lines = vec![
        "metadata:".to_owned(),
        format!("  name: {}", yaml_scalar(new_name)),
        "spec:".to_owned(),
        format!("  replicas: {}", plan.replicas),
        "  selector:".to_owned(),
        "    matchLabels:".to_owned(),
        format!("      machine.openshift.io/cluster-api-machineset: {}", yaml_scalar(new_name)),
        "  template:".to_owned(),
        "    metadata:".to_owned(),
        "      labels:".to_owned(),
        format!("        machine.openshift.io/cluster-api-machineset: {}", yaml_scalar(new_name)),
        "    spec:".to_owned(),
        "      providerSpec:".to_owned(),
        "        value:".to_owned(),
        format!("          availabilityZone: {}", yaml_scalar(az)),
    ];
    if let Some(volume_zone) = &plan.volume_zone {
        lines.push("          rootVolume:".to_owned());
        match volume_zone {
            Some(v) => lines.push(format!("            availabilityZone: {}", yaml_scalar(v))),
            None => lines.push(format!(
                "            availabilityZone: {}  # the Cinder AZ that serves {az}",
                yaml_scalar(az)
            )),
        }
    }
    if let Some(group) = &plan.server_group {
        lines.push(format!("          serverGroupName: {}", yaml_scalar(group)));
    }
    // Workers on a routed provider network: the new MachineSet goes on the segment of `az`.
    if let Some(subnet) = &plan.routed_subnet {
        lines.push("          networks:".to_owned());
        lines.push("            - subnets:".to_owned());
        lines.push(format!("                - filter: {{name: {}}}", yaml_scalar(subnet)));
    }
    let mut help = format!(
        "copy MachineSet `{}` ({}) to a new one for {az} and change these fields:\n{}",
        plan.name,
        cx.sources.display(plan.template.file),
        lines.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
    );
    // Worker MachineSets in different AZs on different subnets: the new one needs az's subnet.
    if !plan.per_az_subnets.is_empty() && plan.routed_subnet.is_none() {
        let list =
            plan.per_az_subnets.iter().map(|(z, s)| format!("{z}: `{s}`")).collect::<Vec<_>>().join(", ");
        help.push_str(&format!(
            "\nand point `networks[].subnets` at the subnet of {az}: the workers use one subnet per AZ ({list})"
        ));
    }
    help
}

/// The subnet of `az`'s segment, when the template's subnet belongs to a routed network whose
/// segments the Site places in AZs.
fn routed_subnet_for(cx: &Context<'_>, provider: &ProviderSpec, az: &str) -> Option<String> {
    let site = &cx.model.site;
    let network = provider
        .subnets
        .iter()
        .flat_map(|s| site.subnets_named(&s.value))
        .find_map(|s| site.network(&s.network))?;
    if site.segments_of(network).count() < 2 {
        return None;
    }
    site.segment_subnet_in(network, az)?.name.value().cloned()
}

/// `<prefix>-<n>` with the next free index (one more per AZ already suggested), else `<name>-<az>`.
fn bumped_name(cluster: &Cluster, name: &str, az: &str, nth: usize) -> String {
    let Some((prefix, _)) = split_index(name) else { return format!("{name}-{}", az.to_lowercase()) };
    let next = cluster
        .machine_sets()
        .filter_map(|m| m.name.value())
        .filter_map(|n| split_index(n).filter(|(p, _)| *p == prefix).map(|(_, i)| i))
        .max()
        .map_or(Some(0), |i| i.checked_add(1));
    match next.and_then(|n| n.checked_add(u64::try_from(nth).ok()?)) {
        Some(index) => format!("{prefix}-{index}"),
        None => format!("{name}-{}", az.to_lowercase()),
    }
}

pub(super) fn split_index(name: &str) -> Option<(&str, u64)> {
    let (prefix, index) = name.rsplit_once('-')?;
    Some((prefix, index.parse().ok()?))
}

/// The Cinder AZ the cluster pairs with the Nova AZ `az`: from a Machine API object that names
/// both, else from an install-config pool's `zones` / `rootVolume.zones` (paired index-wise, as
/// the installer does).
fn cinder_az(cluster: &Cluster, az: &str) -> Option<String> {
    let from_machines = cluster.machines.iter().filter_map(|m| m.provider.as_ref()).find_map(|p| {
        (p.availability_zone.value().map(String::as_str) == Some(az))
            .then(|| p.root_volume.as_ref()?.availability_zone.value().cloned())
            .flatten()
    });
    let from_cpms = || {
        cluster.control_plane_machine_sets.iter().flat_map(|c| &c.failure_domains).find_map(|fd| {
            (fd.availability_zone.value().map(String::as_str) == Some(az))
                .then(|| fd.root_volume.as_ref()?.availability_zone.value().cloned())
                .flatten()
        })
    };
    let from_install_config = || {
        let ic = cluster.install_config.as_ref()?;
        ic.pools().find_map(|pool| {
            let zones = pool.effective.zones.items();
            let volume_zones = pool.effective.root_volume.as_ref()?.zones.items();
            let i = zones.iter().position(|z| z.value == az)?;
            volume_zones.get(i % volume_zones.len().max(1)).map(|v| v.value.clone())
        })
    };
    from_machines.or_else(from_cpms).or_else(from_install_config)
}

fn from_install_config(cluster: &Cluster, groups: &[WorkerGroup], az: &str) -> Option<Diagnostic> {
    let ic = cluster.install_config.as_ref()?;
    let compute: Vec<_> = named_pools(ic).into_iter().filter(|(name, _)| name != "controlPlane").collect();

    // The installer's split leaves this zone entry with no replica.
    if let Some(zero) = groups.iter().find(|g| g.zone == az) {
        let (name, pool) =
            compute.iter().find(|(_, p)| p.effective.zones.items().iter().any(|z| z.span == zero.span))?;
        let zones = pool.effective.zones.items();
        let total = pool.replicas.value().copied().unwrap_or(3);
        let split: Vec<(&str, i64)> = groups
            .iter()
            .filter(|g| zones.iter().any(|z| z.span == g.span))
            .map(|g| (g.zone.as_str(), g.replicas))
            .collect();
        let mut diag = Diagnostic::new(
            "SL102",
            zero.span,
            format!(
                "{name}: {total} replica{} over {} zones leave {az} with no worker (the installer's split: {})",
                if total == 1 { "" } else { "s" },
                zones.len(),
                per_az_text(&split)
            ),
        )
        .with_label(format!("{az} gets 0 workers"))
        .with_help(format!(
            "raise `replicas` of {name} from {total} to at least {} so that every zone gets a worker (a multiple of {} keeps the AZs even), or drop {az} from its `zones`",
            zones.len(),
            zones.len()
        ));
        if let Some(r) = pool.replicas.known() {
            diag = diag.with_secondary(r.span, format!("{total} replicas"));
        }
        return Some(diag);
    }

    // No compute zone names the AZ at all: point at the first pool with workers.
    let (name, pool) = compute.iter().find(|(_, p)| p.replicas.value().is_none_or(|r| *r > 0))?;
    let zones = pool.effective.zones.items();
    let span = pool.effective.zones.span().unwrap_or(pool.span);
    // The pool's zones plus every named AZ of the cluster it lacks.
    let mut wanted: Vec<&str> = zones.iter().map(|z| z.value.as_str()).collect();
    for z in cluster.layout.zone_names() {
        if !wanted.contains(&z) {
            wanted.push(z);
        }
    }
    let placed = if zones.is_empty() {
        "the default AZ only".to_owned()
    } else {
        zones.iter().map(|z| az_display(&z.value)).collect::<Vec<_>>().join(", ")
    };
    Some(
        Diagnostic::new(
            "SL102",
            span,
            format!("no compute zone places workers in {az}: {name} places them in {placed}"),
        )
        .with_label(format!("{az} missing here"))
        .with_help(format!(
            "add {az} to the pool's zones: `zones: {}` (and a matching `rootVolume.zones` entry when the pool has a rootVolume); with {} zones, a multiple of {} replicas keeps the AZs even",
            flow_list(wanted.iter().copied()),
            wanted.len(),
            wanted.len()
        )),
    )
}
