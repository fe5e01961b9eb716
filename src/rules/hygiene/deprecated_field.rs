//! SL401: a deprecated spelling in an install-config or an OpenStack providerSpec.
//!
//! The installer up-converts old install-config keys (DOMAIN.md §A.4); some old keys and several
//! providerSpec fields are simply ignored (§A.2, §B.1). Either way the file no longer says what
//! the cluster gets. One finding per key, pointing at the key, with the new spelling written out
//! from the value in the input.

use ipnet::IpNet;

use super::locate::{self, quote};
use crate::diagnostic::{Diagnostic, Edit};
use crate::rules::{Context, declare_rule};
use crate::yaml::{Node, NodeKind};

declare_rule!(DeprecatedField, "SL401", "SL401-deprecated-field.yaml", check);

/// A deprecated key found, before it becomes a diagnostic.
struct Found<'a> {
    key: &'a Node,
    message: String,
    help: String,
    /// The safe fix: a rename whose value carries over.
    fix: Option<(String, Vec<Edit>)>,
}

impl<'a> Found<'a> {
    fn new(key: &'a Node, message: String, help: String) -> Self {
        Found { key, message, help, fix: None }
    }
}

/// Renames `key` to `new`, its one-line scalar value carried over, wrapped in `open`/`close`
/// (`[`, `]` where the new key is a list). A block or multi-line value would need re-indenting:
/// no fix then.
fn rename(
    cx: &Context<'_>,
    key: &Node,
    value: &Node,
    new: &str,
    (open, close): (&str, &str),
) -> Option<(String, Vec<Edit>)> {
    if matches!(value.kind, NodeKind::Null | NodeKind::Map(_) | NodeKind::Seq(_)) {
        return None;
    }
    let text = locate::inline(cx, value)?;
    if text.starts_with(['|', '>']) {
        return None;
    }
    let old = key.as_str()?;
    let span = value.full_span();
    let mut edits = vec![Edit::Replace { span: key.span, text: new.to_owned() }];
    // A plain value carried into a flow collection must not hold what flow syntax reads as its
    // own (`${VAR}`'s braces, `,`, `#`): double-quoted, it is the same string anywhere.
    let text = if open.is_empty() { text } else { in_flow(value, text)? };
    if !open.is_empty() {
        edits.push(Edit::Replace { span, text: format!("{open}{text}{close}") });
    }
    Some((format!("rename `{old}` to `{new}: {open}{text}{close}`"), edits))
}

/// A value's source text as the help writes it inside `[…]` or `{…}`: quoted when flow syntax would
/// misread it (the help must not advise what the fix refuses to write).
fn flow_quote(cx: &Context<'_>, node: &Node, fallback: &str) -> String {
    let text = quote(cx, node, fallback);
    in_flow(node, text.clone()).unwrap_or(text)
}

/// A scalar's source text as written inside `[…]` or `{…}`: as it is, or double-quoted when flow
/// syntax would misread it; `None` when it would be misread and is no string to quote.
fn in_flow(node: &Node, text: String) -> Option<String> {
    if breaks_flow(&text) { node.as_str().map(crate::yaml::double_quoted) } else { Some(text) }
}

/// Whether a scalar's source text, written as is inside `[…]` or `{…}`, would read as something
/// else: a plain scalar holding a flow indicator, a `: ` or ` #`, or starting with an indicator.
fn breaks_flow(text: &str) -> bool {
    if text.starts_with(['"', '\'']) {
        return false;
    }
    text.contains(['{', '}', '[', ']', ','])
        || text.contains(": ")
        || text.contains(" #")
        || text.starts_with(['&', '*', '!', '%', '@', '`', '#', '|', '>'])
        || ["- ", "? ", ": "].iter().any(|p| text.starts_with(p))
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let mut found = Vec::new();
        if let Some(ic) = &cluster.install_config {
            platform(cx, &ic.root, &mut found);
            pools(cx, &ic.root, &mut found);
            networking(cx, &ic.root, &mut found);
        }
        for provider in locate::providers(cluster) {
            provider_spec(cx, &provider, &mut found);
        }
        for f in found {
            let mut d = Diagnostic::new("SL401", f.key.span, f.message)
                .with_label("deprecated")
                .with_help(f.help)
                .for_cluster(Some(&cluster.name));
            if let Some((description, edits)) = f.fix {
                d = d.with_fix(description, edits);
            }
            out.push(d);
        }
    }
}

fn entries(node: Option<&Node>) -> &[(Node, Node)] {
    node.and_then(Node::as_map).unwrap_or_default()
}

/// `platform.openstack.*` keys (DOMAIN.md §A.2, §A.4).
fn platform<'a>(cx: &Context<'_>, root: &'a Node, out: &mut Vec<Found<'a>>) {
    let Some(os) = root.path(&["platform", "openstack"]) else { return };
    let has = |k: &str| os.get(k).is_some_and(|v| !v.is_null());
    for (key, value) in entries(Some(os)) {
        let Some(name) = key.as_str() else { continue };
        let v = flow_quote(cx, value, "<value>");
        let path = format!("platform.openstack.{name}");
        let (message, help) = match name {
            "lbFloatingIP" => (
                format!("`{path}` is deprecated: it was renamed `apiFloatingIP` in 4.7"),
                if has("apiFloatingIP") {
                    "delete it: `apiFloatingIP` is set, and the installer refuses the pair when the two differ".to_owned()
                } else {
                    format!("write `apiFloatingIP: {v}` instead")
                },
            ),
            "computeFlavor" => (
                format!("`{path}` is deprecated: the default flavor is `defaultMachinePlatform.type`"),
                match os.get("defaultMachinePlatform").filter(|d| d.as_map().is_some()) {
                    Some(d) if d.get("type").is_some() => "delete it: `defaultMachinePlatform.type` is set, and the installer refuses the pair when the two differ".to_owned(),
                    Some(_) => format!("add `type: {v}` to `platform.openstack.defaultMachinePlatform` and delete this key"),
                    None => format!("write `defaultMachinePlatform: {{type: {v}}}` under `platform.openstack` instead"),
                },
            ),
            "apiVIP" | "ingressVIP" => {
                let new = format!("{name}s");
                (
                    format!("`{path}` is deprecated since 4.12: the VIPs are the list `{new}`"),
                    if has(&new) {
                        format!("delete it: `{new}` is set, and the installer refuses the file when `{name}` is not one of its entries")
                    } else {
                        format!("write `{new}: [{v}]` instead")
                    },
                )
            }
            "machinesSubnet" => (
                format!("`{path}` is deprecated: the installer converts it into `controlPlanePort.fixedIPs[0].subnet.id`"),
                if has("controlPlanePort") {
                    "delete it: `controlPlanePort` is set, and the installer refuses the pair unless `controlPlanePort` has exactly this one subnet id".to_owned()
                } else {
                    format!("write `controlPlanePort: {{fixedIPs: [{{subnet: {{id: {v}}}}}]}}` instead")
                },
            ),
            "region" => (
                format!("`{path}` (here `{v}`) is deprecated: the installer does not read it"),
                "delete it: the OpenStack region comes from the `clouds.yaml` entry named by `platform.openstack.cloud`".to_owned(),
            ),
            "trunkSupport" => (
                format!("`{path}` (here `{v}`) is deprecated: the installer ignores it"),
                "delete it: the installer looks for the Neutron `trunk` extension itself and sets `trunk: true` in the machine manifests when it is there".to_owned(),
            ),
            "octaviaSupport" => (
                format!("`{path}` (here `{v}`) is deprecated: the installer ignores it"),
                "delete it: the installer works this out by itself, and the key has no replacement".to_owned(),
            ),
            _ => continue,
        };
        let fix = match name {
            "lbFloatingIP" if !has("apiFloatingIP") => rename(cx, key, value, "apiFloatingIP", ("", "")),
            "apiVIP" | "ingressVIP" if !has(&format!("{name}s")) => {
                rename(cx, key, value, &format!("{name}s"), ("[", "]"))
            }
            _ => None,
        };
        out.push(Found { fix, ..Found::new(key, message, help) });
    }
}

/// `rootVolume.type` in every machine pool (DOMAIN.md §A.3).
fn pools<'a>(cx: &Context<'_>, root: &'a Node, out: &mut Vec<Found<'a>>) {
    for pool in locate::pools(root) {
        let Some(rv) = pool.node.get("rootVolume") else { continue };
        let Some((key, value)) = rv.entry("type") else { continue };
        let has_types = rv.get("types").is_some_and(|t| !t.is_null());
        let help = if has_types {
            "delete it: `types` is set, and the installer refuses `type` and `types` together".to_owned()
        } else {
            format!("write `types: [{}]` instead", flow_quote(cx, value, "<type>"))
        };
        let message = format!(
            "`{}` is deprecated: volume types are the list `rootVolume.types` (one entry, or one per zone)",
            pool.key_path("rootVolume.type")
        );
        let fix = if has_types { None } else { rename(cx, key, value, "types", ("[", "]")) };
        out.push(Found { fix, ..Found::new(key, message, help) });
    }
}

/// `networking.*` spellings from before 4.2 (DOMAIN.md §A.4, installer `convertNetworking`).
fn networking<'a>(cx: &Context<'_>, root: &'a Node, out: &mut Vec<Found<'a>>) {
    let Some(net) = root.get("networking") else { return };
    let has = |k: &str| net.get(k).is_some_and(|v| !v.is_null());
    for (key, value) in entries(Some(net)) {
        let Some(name) = key.as_str() else { continue };
        let v = flow_quote(cx, value, "<value>");
        let (new, written, wrap) = match name {
            "machineCIDR" => {
                ("machineNetwork", format!("machineNetwork: [{{cidr: {v}}}]"), Some(("[{cidr: ", "}]")))
            }
            "serviceCIDR" => ("serviceNetwork", format!("serviceNetwork: [{v}]"), Some(("[", "]"))),
            "type" => ("networkType", format!("networkType: {v}"), Some(("", ""))),
            "clusterNetworks" => {
                ("clusterNetwork", format!("clusterNetwork: [{}]", cluster_entries(cx, value)), None)
            }
            _ => continue,
        };
        // The installer only converts the old key when the new one is empty.
        let (message, help) = if has(new) {
            (
                format!("`networking.{name}` is deprecated, and ignored here because `{new}` is set"),
                "delete it".to_owned(),
            )
        } else {
            (
                format!("`networking.{name}` is deprecated: the key is now `{new}`"),
                format!("write `{written}` instead"),
            )
        };
        let fix = wrap.filter(|_| !has(new)).and_then(|wrap| rename(cx, key, value, new, wrap));
        out.push(Found { fix, ..Found::new(key, message, help) });
    }
    for list in ["clusterNetwork", "clusterNetworks"] {
        for (i, entry) in net.get(list).and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
            let Some((key, _)) = entry.entry("hostSubnetLength") else { continue };
            let help = if entry.get("hostPrefix").is_some() {
                "delete it: `hostPrefix` is set, and the installer then ignores `hostSubnetLength`".to_owned()
            } else {
                match host_prefix(entry) {
                    Some((prefix, bits, len)) => format!(
                        "write `hostPrefix: {prefix}` instead ({bits} address bits of `{}` minus hostSubnetLength {len})",
                        quote(cx, entry.get("cidr").unwrap_or(entry), "cidr")
                    ),
                    None => {
                        "write `hostPrefix: <address bits of cidr − hostSubnetLength>` instead".to_owned()
                    }
                }
            };
            let message = format!(
                "`networking.{list}[{i}].hostSubnetLength` is deprecated: the per-node subnet size is `hostPrefix`"
            );
            out.push(Found::new(key, message, help));
        }
    }
}

/// `hostPrefix` the installer derives from `hostSubnetLength`: address bits minus the length.
fn host_prefix(entry: &Node) -> Option<(i64, i64, i64)> {
    let cidr: IpNet = entry.get("cidr")?.as_str()?.trim().parse().ok()?;
    let len = entry.get("hostSubnetLength")?.as_i64()?;
    let bits = i64::from(cidr.max_prefix_len());
    let prefix = bits.checked_sub(len)?;
    (prefix >= i64::from(cidr.prefix_len()) && len > 0).then_some((prefix, bits, len))
}

/// `{cidr: …, hostPrefix: …}` for every entry of an old `clusterNetworks` list.
fn cluster_entries(cx: &Context<'_>, list: &Node) -> String {
    let Some(items) = list.as_seq() else { return "…".to_owned() };
    let rendered: Vec<String> = items
        .iter()
        .map(|entry| {
            let cidr = entry.get("cidr").map_or_else(|| "<cidr>".to_owned(), |c| flow_quote(cx, c, "<cidr>"));
            let prefix = match entry.get("hostPrefix") {
                Some(p) => flow_quote(cx, p, "<prefix>"),
                None => host_prefix(entry).map_or_else(|| "<prefix>".to_owned(), |(p, _, _)| p.to_string()),
            };
            format!("{{cidr: {cidr}, hostPrefix: {prefix}}}")
        })
        .collect();
    rendered.join(", ")
}

/// Deprecated providerSpec fields (DOMAIN.md §B.1, §B.6; openshift/api machine/v1alpha1).
fn provider_spec<'a>(cx: &Context<'_>, provider: &locate::ProviderNode<'a>, out: &mut Vec<Found<'a>>) {
    let spec = provider.node;
    let owner = &provider.owner;
    for (key, value) in entries(Some(spec)) {
        let (message, help) = match key.as_str() {
            Some("primarySubnet") => (
                format!("`primarySubnet` in the providerSpec of {owner} is deprecated and silently ignored"),
                "delete it: the machine's subnet comes from `networks[].subnets` (or `ports[].fixedIPs[].subnetID`), never from this field".to_owned(),
            ),
            Some("floatingIP") => (
                format!("`floatingIP` in the providerSpec of {owner} is deprecated: it cannot work for more than one machine"),
                format!(
                    "delete it and attach `{}` to the server outside the Machine API: every Machine of a MachineSet would claim the same floating IP",
                    quote(cx, value, "<floating IP>")
                ),
            ),
            Some("sshUserName") => (
                format!("`sshUserName` in the providerSpec of {owner} is deprecated and silently ignored"),
                "delete it: RHCOS nodes take their SSH access from the install-config `sshKey` (user `core`)".to_owned(),
            ),
            _ => continue,
        };
        out.push(Found::new(key, message, help));
    }
    if let Some((key, value)) = spec.get("rootVolume").and_then(|rv| rv.entry("sourceUUID")) {
        let help = if spec.get("image").is_some_and(|i| !i.is_null()) {
            "delete it: `image` is set, and `rootVolume.sourceUUID` is ignored when it is".to_owned()
        } else {
            format!("write `image: {}` at the top of the providerSpec instead", quote(cx, value, "<image>"))
        };
        let message = format!(
            "`rootVolume.sourceUUID` in the providerSpec of {owner} is deprecated: the image comes from `image`"
        );
        out.push(Found::new(key, message, help));
    }
    for (i, net) in spec.get("networks").and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
        if let Some((key, _)) = net.entry("fixedIp") {
            out.push(Found::new(
                key,
                format!("`networks[{i}].fixedIp` in the providerSpec of {owner} is deprecated and silently ignored"),
                "delete it: choose the subnet with `subnets`, or pin an address with `ports[].fixedIPs[].ipAddress` (on a Machine, not a MachineSet)".to_owned(),
            ));
        }
        if let Some((key, value)) = net.get("filter").and_then(|f| f.entry("id")) {
            let help = if net.get("uuid").is_some_and(|u| !u.is_null()) {
                "delete it: `uuid` is set, and `filter.id` is ignored when it is".to_owned()
            } else {
                format!("write `uuid: {}` on this network entry instead", quote(cx, value, "<network id>"))
            };
            let message = format!(
                "`networks[{i}].filter.id` in the providerSpec of {owner} is deprecated: the network id is `uuid`"
            );
            out.push(Found::new(key, message, help));
        }
    }
}
