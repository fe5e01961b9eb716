//! storage: a surviving machine that boots from a Cinder volume in a lost AZ loses its disk.
//! Nova and Cinder AZs are paired as the manifests pair them (`availabilityZone` with
//! `rootVolume.availabilityZone`, or `zones` with `rootVolume.zones` by index).

use super::{Case, Outcome, Status};
use crate::source::Span;

/// Machines placed in one Nova AZ with their root volumes in one Cinder AZ.
struct Placement {
    compute: String,
    volume: Volume,
    machines: i64,
}

enum Volume {
    /// The hypervisor's disk.
    None,
    /// A Cinder volume in the scheduler's default AZ: `rootVolume` names none.
    Unzoned(Span),
    Zoned(String, Span),
}

impl Volume {
    /// The root volume of a Machine API provider spec or failure domain.
    fn of(spec: Option<&crate::inputs::machine_api::VolumeSpec>) -> Volume {
        match spec {
            None => Volume::None,
            Some(v) => v
                .availability_zone
                .known()
                .map_or(Volume::Unzoned(v.key), |z| Volume::Zoned(z.value.clone(), z.span)),
        }
    }

    fn in_lost(&self, case: &Case<'_>) -> Option<Span> {
        match self {
            Volume::Zoned(az, span) if case.is_lost(az) => Some(*span),
            _ => None,
        }
    }
}

pub(super) fn judge(case: &Case<'_>) -> Outcome {
    let placements = placements(case);
    if placements.is_empty() {
        return Outcome::new("storage", Status::Unknown, "no machine placement in the scan", Vec::new());
    }
    let surviving: Vec<&Placement> =
        placements.iter().filter(|p| !p.compute.is_empty() && !case.is_lost(&p.compute)).collect();
    let total: i64 = surviving.iter().map(|p| p.machines).sum();
    let hit: Vec<&&Placement> = surviving.iter().filter(|p| p.volume.in_lost(case).is_some()).collect();
    let affected: i64 = hit.iter().map(|p| p.machines).sum();
    let evidence: Vec<Span> = hit.iter().filter_map(|p| p.volume.in_lost(case)).collect();
    let unzoned: Vec<Span> = surviving
        .iter()
        .filter_map(|p| match p.volume {
            Volume::Unzoned(span) => Some(span),
            _ => None,
        })
        .collect();
    if affected == 0 && !unzoned.is_empty() {
        let reason =
            "root volumes without an AZ: Cinder puts them in its default AZ, which may be the lost one";
        return Outcome::new("storage", Status::Unknown, reason, unzoned);
    }
    if affected == 0 {
        let with_volumes = surviving.iter().any(|p| !matches!(p.volume, Volume::None));
        let reason = if with_volumes {
            format!("no surviving machine boots from a volume in {}", case.lost_text())
        } else {
            "the surviving machines boot from their hypervisors' disks".to_owned()
        };
        return Outcome::new("storage", Status::Ok, reason, evidence);
    }
    let status = if affected >= total { Status::Down } else { Status::Degraded };
    let reason = format!(
        "{affected} of {total} surviving machines boot from root volumes in {}: they lose their disks",
        case.lost_text()
    );
    Outcome::new("storage", status, reason, evidence)
}

/// The Nova and Cinder AZs the cluster's machines are placed in: `--lose` may name either.
pub(super) fn zones(case: &Case<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for p in placements(case) {
        out.push(p.compute);
        if let Volume::Zoned(az, _) = p.volume {
            out.push(az);
        }
    }
    out
}

/// The machines the installer places by one zone entry of a pool (the layout replays it).
fn machines_at(case: &Case<'_>, entry: Span) -> i64 {
    let layout = &case.cluster.layout;
    let masters = layout.control_plane.iter().flatten().filter(|m| m.span == entry).count();
    let workers: i64 = layout.workers.iter().flatten().filter(|g| g.span == entry).map(|g| g.replicas).sum();
    i64::try_from(masters).unwrap_or(i64::MAX).saturating_add(workers)
}

fn placements(case: &Case<'_>) -> Vec<Placement> {
    let cluster = case.cluster;
    let mut out = Vec::new();
    for m in &cluster.machines {
        let Some(p) = &m.provider else { continue };
        let Some(compute) = p.availability_zone.value() else { continue };
        out.push(Placement {
            compute: compute.clone(),
            volume: Volume::of(p.root_volume.as_ref()),
            machines: m.replicas.value().copied().unwrap_or(1).max(0),
        });
    }
    for fd in cluster.control_plane_machine_sets.iter().flat_map(|c| &c.failure_domains) {
        let Some(compute) = fd.availability_zone.value() else { continue };
        out.push(Placement {
            compute: compute.clone(),
            volume: Volume::of(fd.root_volume.as_ref()),
            machines: 1,
        });
    }
    if !out.is_empty() {
        return out;
    }
    // The install-config alone: each pool's zones paired index-wise with its rootVolume zones.
    let Some(ic) = &cluster.install_config else { return out };
    for pool in ic.pools() {
        let zones = pool.effective.zones.items();
        let root_volume = pool.effective.root_volume.as_ref();
        let volumes = root_volume.map(|v| v.zones.items()).unwrap_or_default();
        for (i, zone) in zones.iter().enumerate() {
            let volume = match (root_volume, volumes.get(i % volumes.len().max(1))) {
                (None, _) => Volume::None,
                (Some(_), Some(v)) => Volume::Zoned(v.value.clone(), v.span),
                (Some(v), None) => Volume::Unzoned(v.key),
            };
            out.push(Placement {
                compute: zone.value.clone(),
                volume,
                machines: machines_at(case, zone.span),
            });
        }
    }
    out
}
