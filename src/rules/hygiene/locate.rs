//! Where the OpenStack mappings sit in the raw YAML, shared by the SL4xx rules that talk about
//! spellings and keys (the typed readers have already normalised those away).

use crate::model::Cluster;
use crate::rules::Context;
use crate::yaml::Node;

/// A machine pool's `platform.openstack` mapping, with the path a user would write to reach it.
pub struct PoolNode<'a> {
    /// `controlPlane`, `compute[0]` or `platform.openstack.defaultMachinePlatform`.
    pub path: String,
    pub node: &'a Node,
    /// True for `defaultMachinePlatform` (the installer words some errors differently for it).
    pub is_default: bool,
}

impl PoolNode<'_> {
    /// The full path of a key inside this pool's OpenStack mapping.
    pub fn key_path(&self, key: &str) -> String {
        if self.is_default {
            format!("{}.{key}", self.path)
        } else {
            format!("{}.platform.openstack.{key}", self.path)
        }
    }
}

/// `controlPlane.platform.openstack`, every `compute[i].platform.openstack` and
/// `platform.openstack.defaultMachinePlatform` of an install-config, when they are mappings.
pub fn pools(root: &Node) -> Vec<PoolNode<'_>> {
    fn openstack(pool: &Node) -> Option<&Node> {
        pool.path(&["platform", "openstack"]).filter(|n| n.as_map().is_some())
    }
    let mut out = Vec::new();
    if let Some(node) = root.get("controlPlane").and_then(openstack) {
        out.push(PoolNode { path: "controlPlane".to_owned(), node, is_default: false });
    }
    for (i, pool) in root.get("compute").and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
        if let Some(node) = openstack(pool) {
            out.push(PoolNode { path: format!("compute[{i}]"), node, is_default: false });
        }
    }
    if let Some(node) =
        root.path(&["platform", "openstack", "defaultMachinePlatform"]).filter(|n| n.as_map().is_some())
    {
        out.push(PoolNode {
            path: "platform.openstack.defaultMachinePlatform".to_owned(),
            node,
            is_default: true,
        });
    }
    out
}

/// An OpenStack providerSpec value, with the object that holds it.
pub struct ProviderNode<'a> {
    /// `MachineSet `ocp1-abcde-worker-0``, `Machine `…``, or `ControlPlaneMachineSet`.
    pub owner: String,
    pub node: &'a Node,
}

/// Every providerSpec value of the cluster's MachineSets, Machines and ControlPlaneMachineSets.
pub fn providers(cluster: &Cluster) -> Vec<ProviderNode<'_>> {
    let mut out = Vec::new();
    for machine in &cluster.machines {
        let Some(node) = machine.provider.as_ref().and_then(|p| p.root.as_ref()) else { continue };
        let owner = match machine.name.value() {
            Some(name) => format!("{} `{name}`", machine.kind.as_str()),
            None => machine.kind.as_str().to_owned(),
        };
        out.push(ProviderNode { owner, node });
    }
    for cpms in &cluster.control_plane_machine_sets {
        if let Some(node) = cpms.provider.as_ref().and_then(|p| p.root.as_ref()) {
            out.push(ProviderNode { owner: "ControlPlaneMachineSet".to_owned(), node });
        }
    }
    out
}

/// The source text of a node when it fits on one short line (for quoting the input in a help).
pub fn inline(cx: &Context<'_>, node: &Node) -> Option<String> {
    let text = cx.sources.slice(node.full_span()).trim();
    (!text.is_empty() && !text.contains('\n') && text.len() <= 100).then(|| text.to_owned())
}

/// The source text of a scalar, or `fallback` when it does not fit on one line.
pub fn quote(cx: &Context<'_>, node: &Node, fallback: &str) -> String {
    inline(cx, node).unwrap_or_else(|| fallback.to_owned())
}

/// A sequence of scalars written inline as `[a, b]` from the input's own text.
pub fn list_text(cx: &Context<'_>, node: &Node) -> Option<String> {
    let items = node.as_seq()?;
    let parts: Option<Vec<String>> = items.iter().map(|item| inline(cx, item)).collect();
    Some(format!("[{}]", parts?.join(", ")))
}
