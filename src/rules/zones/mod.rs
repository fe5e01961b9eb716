//! SL1xx: zones and failure domains.

pub mod affinity_server_group;
pub mod control_plane_not_spread;
mod machineset_copy;
pub mod machineset_zone_undeclared;
pub mod missing_per_az_machineset;
pub mod root_volume_az_missing;
pub mod workers_not_az_tolerant;
pub mod zone_list_length_mismatch;

use crate::inputs::InstallConfig;
use crate::inputs::install_config::MachinePool;

/// How an AZ is named in messages: the empty name is Nova's default AZ, counted as an AZ of its own.
pub(crate) fn az_display(zone: &str) -> &str {
    if zone.is_empty() { "the default AZ" } else { zone }
}

/// `az1: 2, az2: 1`.
pub(crate) fn per_az_text(counts: &[(&str, i64)]) -> String {
    counts.iter().map(|(z, n)| format!("{}: {n}", az_display(z))).collect::<Vec<_>>().join(", ")
}

/// Counts per AZ, in order of first appearance.
pub(crate) fn tally<'a>(items: impl IntoIterator<Item = (&'a str, i64)>) -> Vec<(&'a str, i64)> {
    let mut out: Vec<(&str, i64)> = Vec::new();
    for (zone, n) in items {
        match out.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, total)) => *total += n,
            None => out.push((zone, n)),
        }
    }
    out
}

/// The AZ with the most members (the first one among equals).
pub(crate) fn fullest<'a>(counts: &[(&'a str, i64)]) -> Option<(&'a str, i64)> {
    counts.iter().fold(None, |best, &(z, n)| match best {
        Some((_, b)) if b >= n => best,
        _ => Some((z, n)),
    })
}

/// The install-config's pools with the name users know them by: `controlPlane`,
/// `compute pool `worker``.
pub(crate) fn named_pools(ic: &InstallConfig) -> Vec<(String, &MachinePool)> {
    let cp = ic.control_plane.iter().map(|p| ("controlPlane".to_owned(), p));
    let compute = ic.compute.iter().enumerate().map(|(i, p)| {
        let name = p.name.value().map_or_else(|| format!("compute[{i}]"), |n| format!("compute pool `{n}`"));
        (name, p)
    });
    cp.chain(compute).collect()
}

/// `[az1, az2, az3]` in YAML flow style.
pub(crate) fn flow_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    format!("[{}]", items.into_iter().map(yaml_scalar).collect::<Vec<_>>().join(", "))
}

/// A string as a YAML scalar, quoted when plain style would change its meaning.
pub(crate) fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && s.parse::<f64>().is_err()
        && !["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]
            .contains(&s.to_lowercase().as_str());
    if plain { s.to_owned() } else { format!("{s:?}") }
}
