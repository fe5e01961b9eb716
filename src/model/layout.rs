//! Per-AZ layout of a cluster: which AZ each control-plane member lands in, and how many workers
//! each AZ gets.
//!
//! Machine API objects are the truth when present. Without them the layout is worked out from the
//! install-config exactly as the installer would lay it out (DOMAIN.md §B.3–B.4): masters round-robin
//! over the failure domains, compute replicas split `total / len(zones)` with the remainder going to
//! the first zones. A value that cannot be read (templated) makes that part of the layout unknown.

use super::Cluster;
use crate::inputs::install_config::MachinePool;
use crate::inputs::{Field, MachineKind};
use crate::source::{Sp, Span};

/// The installer's default number of control-plane and compute replicas.
const DEFAULT_REPLICAS: i64 = 3;

/// Where a layout was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Origin {
    #[default]
    InstallConfig,
    ControlPlaneMachineSet,
    MachineApi,
}

#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Every named AZ the cluster's manifests mention, in order of first appearance.
    pub zones: Vec<Sp<String>>,
    /// One entry per control-plane member; `None` when it cannot be worked out.
    pub control_plane: Option<Vec<Member>>,
    pub control_plane_origin: Origin,
    /// Worker replicas per MachineSet (or per install-config compute zone).
    pub workers: Option<Vec<WorkerGroup>>,
    pub workers_origin: Origin,
}

/// A control-plane member; `zone` is empty for the default AZ.
#[derive(Clone, Debug)]
pub struct Member {
    pub zone: String,
    /// Where the zone was read from.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct WorkerGroup {
    pub zone: String,
    pub replicas: i64,
    /// The `availabilityZone` (or zone list entry) this group was placed by.
    pub span: Span,
    /// The `replicas` value the count came from.
    pub replicas_span: Span,
    /// Index into `Cluster::machines` when the group is a MachineSet.
    pub machine_set: Option<usize>,
}

impl Layout {
    pub fn zone_names(&self) -> Vec<&str> {
        self.zones.iter().map(|z| z.value.as_str()).collect()
    }

    /// The named AZs that hold control-plane members, each once, in order of first member
    /// (empty when the control plane is unknown or all in the default AZ).
    pub fn control_plane_zones(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in self.control_plane.iter().flatten() {
            if !m.zone.is_empty() && !out.contains(&m.zone.as_str()) {
                out.push(&m.zone);
            }
        }
        out
    }
}

/// Which installer lays the cluster out, where releases differ.
#[derive(Clone, Copy, Debug, Default)]
pub struct Installer {
    /// Whether pools' `failureDomains` place the machines: only the 4.13 installer reads them
    /// (a Tech Preview); the others drop the field.
    pub reads_pool_failure_domains: bool,
}

impl Installer {
    pub fn of_version(version: Option<(u32, u32)>) -> Self {
        Installer { reads_pool_failure_domains: version == Some((4, 13)) }
    }
}

/// The layout as the cluster's installer ([`Cluster::installer`]) lays it out.
pub(super) fn derive(cluster: &Cluster) -> Layout {
    let installer = cluster.installer;
    let (mut control_plane, control_plane_origin) = control_plane(cluster, installer);
    let (mut workers, workers_origin) = workers(cluster);
    if cluster.machines.iter().any(|m| m.role.is_unknown()) {
        // A templated role could make any object a master or a worker.
        (control_plane, workers) = (None, None);
    }
    Layout { zones: zones(cluster, installer), control_plane, control_plane_origin, workers, workers_origin }
}

fn zones(cluster: &Cluster, installer: Installer) -> Vec<Sp<String>> {
    let mut out: Vec<Sp<String>> = Vec::new();
    let mut add = |f: &Field<String>| {
        if let Field::Known(z) = f
            && !z.value.is_empty()
            && !out.iter().any(|o| o.value == z.value)
        {
            out.push(z.clone());
        }
    };
    if let Some(ic) = &cluster.install_config {
        for pool in ic.pools() {
            for z in pool.effective.zones.items() {
                add(&Field::Known(z.clone()));
            }
            for fd in pool_failure_domains(pool).filter(|_| installer.reads_pool_failure_domains) {
                add(&fd.compute_az);
            }
        }
    }
    for cpms in &cluster.control_plane_machine_sets {
        cpms.failure_domains.iter().for_each(|fd| add(&fd.availability_zone));
    }
    for m in &cluster.machines {
        if let Some(p) = &m.provider {
            add(&p.availability_zone);
        }
    }
    out
}

fn zone_of(f: &Field<String>, fallback: Span) -> Option<(String, Span)> {
    match f {
        Field::Known(z) => Some((z.value.clone(), z.span)),
        Field::Missing => Some((String::new(), fallback)),
        Field::Unknown(_) => None,
    }
}

fn control_plane(cluster: &Cluster, installer: Installer) -> (Option<Vec<Member>>, Origin) {
    let masters: Vec<_> =
        cluster.machines.iter().filter(|m| m.kind == MachineKind::Machine && m.is_master()).collect();
    if !masters.is_empty() {
        let members = masters
            .iter()
            .map(|m| {
                let az = m.provider.as_ref().map_or(Field::Missing, |p| p.availability_zone.clone());
                zone_of(&az, m.span).map(|(zone, span)| Member { zone, span })
            })
            .collect();
        return (members, Origin::MachineApi);
    }
    let ic_pool = cluster.install_config.as_ref().and_then(|ic| ic.control_plane.as_ref());
    if let Some(cpms) = cluster.control_plane_machine_sets.first() {
        let replicas = match &cpms.replicas {
            Field::Known(r) => Some(r.value),
            Field::Missing => {
                Some(ic_pool.and_then(|p| p.replicas.value().copied()).unwrap_or(DEFAULT_REPLICAS))
            }
            Field::Unknown(_) => None,
        };
        let members = replicas.and_then(|n| {
            (0..n.max(0))
                .map(|i| {
                    let n_fd = cpms.failure_domains.len();
                    let az = match cpms.failure_domains.get(usize::try_from(i).unwrap_or(0) % n_fd.max(1)) {
                        Some(fd) => zone_of(&fd.availability_zone, fd.span),
                        None => {
                            let az = cpms
                                .provider
                                .as_ref()
                                .map_or(Field::Missing, |p| p.availability_zone.clone());
                            zone_of(&az, cpms.span)
                        }
                    };
                    az.map(|(zone, span)| Member { zone, span })
                })
                .collect()
        });
        return (members, Origin::ControlPlaneMachineSet);
    }
    let members = ic_pool.and_then(|pool| {
        let n = match &pool.replicas {
            Field::Known(r) => r.value,
            Field::Missing => DEFAULT_REPLICAS,
            Field::Unknown(_) => return None,
        };
        let domains = match &pool.effective.failure_domains {
            Some(fds) if installer.reads_pool_failure_domains => match &fds.domains {
                Field::Known(d) if !d.value.is_empty() => {
                    d.value.iter().map(|fd| zone_of(&fd.compute_az, fd.span)).collect::<Option<Vec<_>>>()?
                }
                Field::Unknown(_) => return None,
                Field::Known(_) | Field::Missing => failure_domains(pool)?,
            },
            _ => failure_domains(pool)?,
        };
        (0..n.max(0))
            .map(|i| {
                let (zone, span) = domains
                    .get(usize::try_from(i).unwrap_or(0) % domains.len().max(1))
                    .cloned()
                    .unwrap_or((String::new(), pool.span));
                Some(Member { zone, span })
            })
            .collect()
    });
    (members, Origin::InstallConfig)
}

/// The 4.13 Tech Preview `failureDomains` entries of a pool, when they are known.
fn pool_failure_domains(
    pool: &MachinePool,
) -> impl Iterator<Item = &crate::inputs::install_config::PoolFailureDomain> {
    pool.effective.failure_domains.iter().flat_map(|fds| fds.domains.value()).flatten()
}

/// The installer's `failureDomainsFromSpec`: as many domains as the longest of `zones`,
/// `rootVolume.zones` and `rootVolume.types` (lists of one are broadcast); only the Nova AZ matters here.
fn failure_domains(pool: &MachinePool) -> Option<Vec<(String, Span)>> {
    let p = &pool.effective;
    let zones = match &p.zones {
        Field::Unknown(_) => return None,
        f => f.items().to_vec(),
    };
    let mut count = zones.len();
    if let Some(rv) = &p.root_volume {
        for list in [&rv.zones, &rv.effective_types()] {
            match list {
                Field::Unknown(_) => return None,
                f => count = count.max(f.items().len()),
            }
        }
    }
    Some(
        (0..count.max(1))
            .map(|i| match zones.len() {
                0 => (String::new(), pool.span),
                1 => (zones[0].value.clone(), zones[0].span),
                n => (zones[i % n].value.clone(), zones[i % n].span),
            })
            .collect(),
    )
}

fn workers(cluster: &Cluster) -> (Option<Vec<WorkerGroup>>, Origin) {
    let sets: Vec<_> = cluster
        .machines
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == MachineKind::MachineSet && !m.is_master())
        .collect();
    if !sets.is_empty() {
        let groups = sets
            .iter()
            .map(|(i, m)| {
                let replicas = m.replicas.known()?;
                let az = m.provider.as_ref().map_or(Field::Missing, |p| p.availability_zone.clone());
                let (zone, span) = zone_of(&az, m.span)?;
                Some(WorkerGroup {
                    zone,
                    replicas: replicas.value,
                    span,
                    replicas_span: replicas.span,
                    machine_set: Some(*i),
                })
            })
            .collect();
        return (groups, Origin::MachineApi);
    }
    let Some(ic) = &cluster.install_config else { return (None, Origin::InstallConfig) };
    let mut groups = Vec::new();
    for pool in &ic.compute {
        let (total, replicas_span) = match &pool.replicas {
            Field::Known(r) => (r.value, r.span),
            Field::Missing => (DEFAULT_REPLICAS, pool.span),
            Field::Unknown(_) => return (None, Origin::InstallConfig),
        };
        let zones: Vec<(String, Span)> = match &pool.effective.zones {
            Field::Unknown(_) => return (None, Origin::InstallConfig),
            Field::Known(z) if !z.value.is_empty() => {
                z.value.iter().map(|z| (z.value.clone(), z.span)).collect()
            }
            _ => vec![(String::new(), pool.span)],
        };
        for (i, replicas) in split_replicas(total, zones.len()).into_iter().enumerate() {
            if let Some((zone, span)) = zones.get(i) {
                groups.push(WorkerGroup {
                    zone: zone.clone(),
                    replicas,
                    span: *span,
                    replicas_span,
                    machine_set: None,
                });
            }
        }
    }
    (Some(groups), Origin::InstallConfig)
}

/// The installer's split: `total / n` each, and one more for the first `total % n` sets.
pub fn split_replicas(total: i64, n: usize) -> Vec<i64> {
    let Ok(n64) = i64::try_from(n) else { return Vec::new() };
    if n64 == 0 {
        return Vec::new();
    }
    let total = total.max(0);
    (0..n64).map(|i| total / n64 + i64::from(i < total % n64)).collect()
}

/// How an AZ is named in messages: the empty name is Nova's default AZ, counted as an AZ of its own.
pub fn az_display(zone: &str) -> &str {
    if zone.is_empty() { "the default AZ" } else { zone }
}

/// `az1: 2, az2: 1`.
pub fn per_az_text(counts: &[(&str, i64)]) -> String {
    counts.iter().map(|(z, n)| format!("{}: {n}", az_display(z))).collect::<Vec<_>>().join(", ")
}

/// Counts per AZ, in order of first appearance.
pub fn tally<'a>(items: impl IntoIterator<Item = (&'a str, i64)>) -> Vec<(&'a str, i64)> {
    let mut out: Vec<(&str, i64)> = Vec::new();
    for (zone, n) in items {
        match out.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, total)) => *total += n,
            None => out.push((zone, n)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_replicas;

    #[test]
    fn replicas_split_like_the_installer() {
        assert_eq!(split_replicas(7, 3), vec![3, 2, 2]);
        assert_eq!(split_replicas(2, 3), vec![1, 1, 0]);
        assert_eq!(split_replicas(6, 3), vec![2, 2, 2]);
        assert_eq!(split_replicas(3, 0), Vec::<i64>::new());
    }
}
