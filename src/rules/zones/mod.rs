//! SL1xx: zones and failure domains.

pub mod affinity_server_group;
pub mod control_plane_not_spread;
mod machineset_copy;
pub mod machineset_zone_undeclared;
pub mod missing_per_az_machineset;
pub mod pool_failure_domains_dropped;
pub mod root_volume_az_missing;
pub mod workers_not_az_tolerant;
pub mod zone_list_length_mismatch;

use crate::inputs::InstallConfig;
use crate::inputs::install_config::MachinePool;

pub(crate) use crate::model::{az_display, per_az_text, tally};

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
    if plain { s.to_owned() } else { crate::yaml::double_quoted(s) }
}
