//! Which documents belong to which cluster (DESIGN.md §5).
//!
//! 1. Every install-config starts a cluster rooted at its folder.
//! 2. A Machine API object whose infraID label (`<name>-<suffix>`) matches an install-config's
//!    name joins that cluster; among several, the one whose folder is nearest above the object.
//! 3. Any other object joins the install-config whose folder is nearest above it (the installer's
//!    `openshift/` manifests sit below `install-config.yaml`).
//! 4. What is left is grouped by infraID label, else by folder.
//! 5. A day-2 manifest (Network operator config, IngressController, etcd operator) with no
//!    install-config above it joins the Machine API objects of its folder or of a sibling folder
//!    (the installer writes `manifests/` beside `openshift/`); alone it is context, not a cluster:
//!    nothing in it says which cluster it configures or where its machines run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Cluster, Context, Located};
use crate::inputs::{Field, Input};

pub(super) fn group(inputs: Vec<Located>) -> (Vec<Cluster>, Vec<Context>) {
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
    // Lookups by name and by folder, so that grouping stays linear in the number of objects
    // (a scan over every cluster per object is quadratic: 10,000 objects × 2,000 clusters).
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_root: HashMap<PathBuf, usize> = HashMap::new();
    for (i, c) in clusters.iter().enumerate() {
        if !c.name.is_empty() {
            by_name.entry(infra_base(&c.name)).or_default().push(i);
        }
        by_root.entry(c.root.clone()).or_insert(i);
    }
    let mut by_infra: HashMap<String, usize> = HashMap::new();
    let mut by_folder: HashMap<PathBuf, usize> = HashMap::new();
    // Clusters made of Machine API objects alone, by their folder's parent (rule 5).
    let mut by_parent: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    let mut context = Vec::new();
    // Machine API objects first, so that day-2 manifests find the clusters they make.
    let (machine_api, day_two): (Vec<_>, Vec<_>) =
        objects.into_iter().partition(|o| context_kind(&o.input).is_none());
    for object in machine_api.into_iter().chain(day_two) {
        let infra = infra_id(&object.input);
        let day_two = context_kind(&object.input);
        let target = infra
            .as_deref()
            .and_then(|id| {
                let candidates = by_name.get(&name_from_infra_id(id)).cloned().unwrap_or_default();
                nearest_of(&clusters, &candidates, &object.dir).or(candidates.first().copied())
            })
            .or_else(|| {
                // The install-config whose folder is the nearest above the object.
                object.dir.ancestors().chain([Path::new("")]).find_map(|a| by_root.get(a).copied())
            })
            .or_else(|| match &infra {
                // Clusters without an install-config: one per infraID, else one per folder.
                Some(id) => by_infra.get(id).copied(),
                None => by_folder.get(&object.dir).copied(),
            })
            .or_else(|| day_two.and_then(|_| beside_machines(&clusters, &by_parent, &object.dir)));
        if let (None, Some((file, kind))) = (target, day_two) {
            context.push(Context { file, kind });
            continue;
        }
        let index = target.unwrap_or_else(|| {
            clusters.push(Cluster {
                name: infra.as_deref().map_or_else(|| folder_name(&object.dir), name_from_infra_id),
                infra_id: infra.clone(),
                root: object.dir.clone(),
                ..Cluster::default()
            });
            let i = clusters.len() - 1;
            if let Some(parent) = object.dir.parent() {
                by_parent.entry(parent.to_path_buf()).or_default().push(i);
            }
            match &infra {
                Some(id) => by_infra.insert(id.clone(), i),
                None => by_folder.insert(object.dir.clone(), i),
            };
            i
        });
        if let Some(cluster) = clusters.get_mut(index) {
            if cluster.infra_id.is_none() {
                cluster.infra_id = infra;
            }
            attach(cluster, object.input);
        }
    }
    (clusters, context)
}

/// What a day-2 manifest configures, and its file; `None` for the objects that make a cluster.
fn context_kind(input: &Input) -> Option<(crate::source::FileId, &'static str)> {
    match input {
        Input::NetworkOperator(n) => Some((n.file, "Network operator configuration")),
        Input::IngressController(i) => Some((i.file, "IngressController")),
        Input::Etcd(e) => Some((e.file, "etcd operator configuration")),
        _ => None,
    }
}

/// The one cluster of Machine API objects in `dir` or in a sibling folder of it, when there is
/// exactly one there.
fn beside_machines(
    clusters: &[Cluster],
    by_parent: &HashMap<PathBuf, Vec<usize>>,
    dir: &Path,
) -> Option<usize> {
    let near = by_parent.get(dir.parent()?)?;
    let same = near.iter().copied().filter(|&i| clusters.get(i).is_some_and(|c| c.root == dir));
    single(same).or_else(|| single(near.iter().copied()))
}

fn single(mut items: impl Iterator<Item = usize>) -> Option<usize> {
    match (items.next(), items.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

/// Among `candidates` (in order), the one whose root is the nearest ancestor of `dir`.
fn nearest_of(clusters: &[Cluster], candidates: &[usize], dir: &Path) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for &i in candidates {
        let Some(root) = clusters.get(i).map(|c| &c.root) else { continue };
        if dir.starts_with(root) {
            let depth = root.components().count();
            if best.is_none_or(|(_, d)| depth > d) {
                best = Some((i, depth));
            }
        }
    }
    best.map(|(i, _)| i)
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
        // Install-configs start clusters; network objects go to the Site (`model::build`).
        Input::InstallConfig(_)
        | Input::Network(_)
        | Input::SiteFile(_)
        | Input::Terraform(_)
        | Input::Playbook(_)
        | Input::Inventory(_)
        | Input::LoadBalancer(_) => {}
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

/// The part of an infraID before its 5-character random suffix.
pub fn name_from_infra_id(infra_id: &str) -> String {
    match infra_id.rsplit_once('-') {
        Some((name, suffix)) if suffix.len() == 5 && !name.is_empty() => name.to_owned(),
        _ => infra_id.to_owned(),
    }
}

/// Longest infraID base the installer keeps: 27 characters minus `-` and the 5-character suffix.
const INFRA_BASE_LEN: usize = 21;

/// The base the installer puts in front of the random suffix (`generateInfraID`): characters
/// outside `[A-Za-z0-9-]` become `-`, runs of `-` collapse, the result is cut to 21 characters
/// and trailing dashes are trimmed.
pub fn infra_base(name: &str) -> String {
    let mut base = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' };
        if !(c == '-' && base.ends_with('-')) {
            base.push(c);
        }
    }
    base.truncate(INFRA_BASE_LEN);
    base.trim_end_matches('-').to_owned()
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
        assert_eq!(infra_base("stretch-a"), "stretch-a");
        assert_eq!(infra_base("stretch-production-east-1"), "stretch-production-ea");
        assert_eq!(infra_base("a.b__c-"), "a-b-c");
    }
}
