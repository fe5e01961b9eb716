//! Which documents belong to which cluster (DESIGN.md §5).
//!
//! 1. Every install-config starts a cluster rooted at its folder.
//! 2. A Machine API object whose infraID label (`<name>-<suffix>`) matches an install-config's
//!    name joins that cluster; among several, the one whose folder is nearest above the object.
//! 3. Any other object joins the install-config whose folder is nearest above it (the installer's
//!    `openshift/` manifests sit below `install-config.yaml`).
//! 4. What is left is grouped by infraID label, else by folder.

use std::path::{Path, PathBuf};

use super::{Cluster, Located};
use crate::inputs::{Field, Input};

pub(super) fn group(inputs: Vec<Located>) -> Vec<Cluster> {
    let (configs, objects): (Vec<_>, Vec<_>) =
        inputs.into_iter().partition(|l| matches!(l.input, Input::InstallConfig(_)));
    let mut clusters: Vec<Cluster> = configs
        .into_iter()
        .filter_map(|l| match l.input {
            Input::InstallConfig(ic) => Some(Cluster {
                name: ic.name().unwrap_or("").to_owned(),
                root: l.dir,
                files: vec![ic.file],
                install_config: Some(*ic),
                ..Cluster::default()
            }),
            _ => None,
        })
        .collect();
    let configured = clusters.len();
    for object in objects {
        let infra = infra_id(&object.input);
        let target = infra
            .as_deref()
            .and_then(|id| {
                let (below, first) =
                    nearest(&clusters[..configured], &object.dir, |c| infra_matches(id, &c.name));
                below.or(first)
            })
            .or_else(|| nearest(&clusters[..configured], &object.dir, |_| true).0)
            .or_else(|| {
                // Clusters without an install-config: one per infraID, else one per folder.
                clusters[configured..]
                    .iter()
                    .position(|c| match &infra {
                        Some(id) => c.infra_id.as_deref() == Some(id),
                        None => c.infra_id.is_none() && c.root == object.dir,
                    })
                    .map(|i| i + configured)
            });
        let index = target.unwrap_or_else(|| {
            clusters.push(Cluster {
                name: infra.as_deref().map_or_else(|| folder_name(&object.dir), name_from_infra_id),
                infra_id: infra.clone(),
                root: object.dir.clone(),
                ..Cluster::default()
            });
            clusters.len() - 1
        });
        if let Some(cluster) = clusters.get_mut(index) {
            if cluster.infra_id.is_none() {
                cluster.infra_id = infra;
            }
            attach(cluster, object.input);
        }
    }
    clusters
}

fn attach(cluster: &mut Cluster, input: Input) {
    match input {
        Input::Machine(m) => {
            cluster.files.push(m.file);
            cluster.machines.push(*m);
        }
        Input::ControlPlaneMachineSet(c) => {
            cluster.files.push(c.file);
            cluster.control_plane_machine_sets.push(*c);
        }
        Input::NetworkOperator(n) => {
            cluster.files.push(n.file);
            cluster.network_operator.push(n);
        }
        Input::IngressController(i) => {
            cluster.files.push(i.file);
            cluster.ingress_controllers.push(i);
        }
        Input::Etcd(e) => {
            cluster.files.push(e.file);
            cluster.etcd.push(e);
        }
        Input::InstallConfig(_) => {}
    }
}

fn infra_id(input: &Input) -> Option<String> {
    let field = match input {
        Input::Machine(m) => &m.infra_id,
        Input::ControlPlaneMachineSet(c) => &c.infra_id,
        _ => return None,
    };
    match field {
        Field::Known(id) => Some(id.value.clone()),
        _ => None,
    }
}

/// The installer's infraID is the cluster name (cut to 27 characters) plus `-` and 5 characters.
pub fn name_from_infra_id(infra_id: &str) -> String {
    match infra_id.rsplit_once('-') {
        Some((name, suffix)) if suffix.len() == 5 && !name.is_empty() => name.to_owned(),
        _ => infra_id.to_owned(),
    }
}

fn infra_matches(infra_id: &str, cluster_name: &str) -> bool {
    let prefix = name_from_infra_id(infra_id);
    !cluster_name.is_empty()
        && (prefix == cluster_name || (prefix.len() == 27 && cluster_name.starts_with(&prefix)))
}

/// Index of the matching cluster whose root is the nearest ancestor of `dir`, and of the first
/// matching cluster wherever it is.
fn nearest(
    clusters: &[Cluster],
    dir: &Path,
    matches: impl Fn(&Cluster) -> bool,
) -> (Option<usize>, Option<usize>) {
    let mut ancestors = None;
    let mut first = None;
    for (i, c) in clusters.iter().enumerate() {
        if !matches(c) {
            continue;
        }
        first.get_or_insert(i);
        if dir.starts_with(&c.root) {
            let depth = c.root.components().count();
            if ancestors.is_none_or(|(_, d)| depth > d) {
                ancestors = Some((i, depth));
            }
        }
    }
    (ancestors.map(|(i, _)| i), first)
}

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| PathBuf::from(dir).display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infra_ids_name_their_cluster() {
        assert_eq!(name_from_infra_id("ocp1-x7k2p"), "ocp1");
        assert_eq!(name_from_infra_id("stretch-a-4xq7z"), "stretch-a");
        assert_eq!(name_from_infra_id("weird"), "weird");
        assert!(infra_matches("stretch-a-4xq7z", "stretch-a"));
        assert!(!infra_matches("stretch-b-4xq7z", "stretch-a"));
    }
}
