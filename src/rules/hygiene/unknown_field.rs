//! SL405: a key the installer or the machine controller does not know, in an OpenStack mapping.
//!
//! Both read these mappings leniently: the installer retries a strict parse without the unknown
//! keys and only logs a warning, and the providerSpec is decoded without complaint. A misspelt
//! key (`zone:` for `zones:`) therefore just vanishes, and with it the setting it carried.
//! Checked: `platform.openstack`, each pool's `platform.openstack` (and `defaultMachinePlatform`),
//! every OpenStack providerSpec value, and the `rootVolume` mappings of both, whose key sets are
//! small and fully known. Deprecated keys count as known here: SL401 reports them.

use super::locate;
use crate::diagnostic::Diagnostic;
use crate::rules::suggest::closest;
use crate::rules::{Context, declare_rule};
use crate::yaml::{Node, is_templated};

declare_rule!(UnknownField, "SL405", "SL405-unknown-field.yaml", check);

/// `platform.openstack` (DOMAIN.md §A.2; pkg/types/openstack/platform.go, every version read).
const PLATFORM: &[&str] = &[
    "cloud",
    "externalNetwork",
    "apiFloatingIP",
    "ingressFloatingIP",
    "externalDNS",
    "clusterOSImage",
    "clusterOSImageProperties",
    "apiVIPs",
    "ingressVIPs",
    "controlPlanePort",
    "defaultMachinePlatform",
    "loadBalancer",
    "dnsRecordsType",
    "bootstrapFlavor",
];

/// Deprecated `platform.openstack` keys: still read (SL401 reports them).
const PLATFORM_DEPRECATED: &[&str] = &[
    "region",
    "computeFlavor",
    "lbFloatingIP",
    "trunkSupport",
    "octaviaSupport",
    "apiVIP",
    "ingressVIP",
    "machinesSubnet",
];

/// A machine pool's `platform.openstack` (§A.3; `failureDomains` is the 4.13 Tech Preview field).
const POOL: &[&str] = &[
    "type",
    "rootVolume",
    "zones",
    "additionalNetworkIDs",
    "additionalSecurityGroupIDs",
    "serverGroupPolicy",
    "failureDomains",
];

/// A machine pool's `rootVolume` (§A.3).
const POOL_ROOT_VOLUME: &[&str] = &["size", "types", "zones"];

/// `OpenstackProviderSpec` (§B.1; openshift/api machine/v1alpha1/types_openstack.go).
const PROVIDER: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "cloudsSecret",
    "cloudName",
    "flavor",
    "image",
    "keyName",
    "networks",
    "ports",
    "availabilityZone",
    "securityGroups",
    "userDataSecret",
    "trunk",
    "tags",
    "serverMetadata",
    "configDrive",
    "rootVolume",
    "additionalBlockDevices",
    "serverGroupID",
    "serverGroupName",
];

/// Deprecated providerSpec keys: still accepted (SL401 reports them).
const PROVIDER_DEPRECATED: &[&str] = &["sshUserName", "floatingIP", "primarySubnet"];

/// A providerSpec's `rootVolume` (§B.1).
const PROVIDER_ROOT_VOLUME: &[&str] = &["volumeType", "diskSize", "availabilityZone"];

/// Which kind of mapping a key sits in: decides the known keys and the cross-format hints.
#[derive(Clone, Copy)]
enum Scope {
    Platform,
    Pool,
    PoolRootVolume,
    Provider,
    ProviderRootVolume,
}

impl Scope {
    /// The keys to recommend.
    fn current(self) -> &'static [&'static str] {
        match self {
            Scope::Platform => PLATFORM,
            Scope::Pool => POOL,
            Scope::PoolRootVolume => POOL_ROOT_VOLUME,
            Scope::Provider => PROVIDER,
            Scope::ProviderRootVolume => PROVIDER_ROOT_VOLUME,
        }
    }

    /// Keys still read but deprecated: known, never suggested.
    fn deprecated(self) -> &'static [&'static str] {
        match self {
            Scope::Platform => PLATFORM_DEPRECATED,
            Scope::Pool => &[],
            Scope::PoolRootVolume => &["type"],
            Scope::Provider => PROVIDER_DEPRECATED,
            // `sourceType` and `deviceType` are silently ignored; `sourceUUID` yields to `image`.
            Scope::ProviderRootVolume => &["sourceUUID", "sourceType", "deviceType"],
        }
    }

    /// The same setting spelt the way the other format spells it (install-config pools vs
    /// providerSpecs): too far apart for an edit distance, and a common slip when copying.
    fn other_format(self, key: &str) -> Option<(&'static str, &'static str)> {
        match (self, key) {
            (Scope::Pool, "availabilityZone" | "availabilityZones") => Some((
                "zones",
                "An install-config pool lists its Nova AZs in `zones`; `availabilityZone` is the providerSpec key",
            )),
            (Scope::Pool, "flavor") => Some((
                "type",
                "An install-config pool names its flavor `type`; `flavor` is the providerSpec key",
            )),
            (Scope::PoolRootVolume, "diskSize") => Some(("size", "`diskSize` is the providerSpec key")),
            (Scope::PoolRootVolume, "volumeType") => Some((
                "types",
                "An install-config pool lists volume types in `types`; `volumeType` is the providerSpec key",
            )),
            (Scope::PoolRootVolume, "availabilityZone") => Some((
                "zones",
                "An install-config pool lists Cinder AZs in `zones`; `availabilityZone` is the providerSpec key",
            )),
            (Scope::Provider, "zones" | "zone") => Some((
                "availabilityZone",
                "A providerSpec takes one Nova AZ in `availabilityZone`; `zones` is the install-config key",
            )),
            (Scope::Provider, "type") => Some(("flavor", "`type` is the install-config key")),
            (Scope::ProviderRootVolume, "size") => Some(("diskSize", "`size` is the install-config key")),
            (Scope::ProviderRootVolume, "types" | "type") => Some((
                "volumeType",
                "A providerSpec takes one volume type in `volumeType`; `types` is the install-config key",
            )),
            (Scope::ProviderRootVolume, "zones" | "zone") => Some((
                "availabilityZone",
                "A providerSpec takes one Cinder AZ in `availabilityZone`; `zones` is the install-config key",
            )),
            _ => None,
        }
    }

    /// Who drops the key.
    fn reader(self) -> &'static str {
        match self {
            Scope::Platform | Scope::Pool | Scope::PoolRootVolume => {
                "the installer logs a warning and drops it"
            }
            Scope::Provider | Scope::ProviderRootVolume => "the machine controller silently drops it",
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let mut found = Vec::new();
        if let Some(ic) = &cluster.install_config {
            if let Some(os) = ic.root.path(&["platform", "openstack"]) {
                keys(os, Scope::Platform, "`platform.openstack`", &mut found);
            }
            for pool in locate::pools(&ic.root) {
                let path = if pool.is_default {
                    pool.path.clone()
                } else {
                    format!("{}.platform.openstack", pool.path)
                };
                keys(pool.node, Scope::Pool, &format!("`{path}`"), &mut found);
                if let Some(rv) = pool.node.get("rootVolume") {
                    keys(rv, Scope::PoolRootVolume, &format!("`{path}.rootVolume`"), &mut found);
                }
            }
        }
        for provider in locate::providers(cluster) {
            let path = format!("the providerSpec of {}", provider.owner);
            keys(provider.node, Scope::Provider, &path, &mut found);
            if let Some(rv) = provider.node.get("rootVolume") {
                keys(rv, Scope::ProviderRootVolume, &format!("`rootVolume` of {path}"), &mut found);
            }
        }
        out.extend(found.into_iter().map(|d| d.for_cluster(Some(&cluster.name))));
    }
}

/// Reports every key of `map` that `scope` does not know. `place` names the mapping in messages.
fn keys(map: &Node, scope: Scope, place: &str, out: &mut Vec<Diagnostic>) {
    let Some(entries) = map.as_map() else { return };
    let known = scope.current();
    for (key, _) in entries {
        let Some(name) = key.scalar_text() else { continue };
        if known.contains(&name.as_str())
            || scope.deprecated().contains(&name.as_str())
            || is_templated(&name)
        {
            continue;
        }
        let mut diag = Diagnostic::new(
            "SL405",
            key.span,
            format!("unknown key `{name}` in {place}: {}", scope.reader()),
        );
        diag = match scope.other_format(&name) {
            Some((suggestion, why)) => diag
                .with_label(format!("did you mean `{suggestion}`?"))
                .with_help(format!("did you mean `{suggestion}`? {why}")),
            None => match closest(&name, known.iter().copied()) {
                Some(suggestion) => {
                    diag.with_label(format!("did you mean `{suggestion}`?")).with_help(format!(
                        "did you mean `{suggestion}`? Rename the key, or the value it carries is never used"
                    ))
                }
                None => diag.with_label("unknown key").with_help(format!(
                    "delete it or fix its spelling; the keys read here are: {}",
                    known.join(", ")
                )),
            },
        };
        out.push(diag);
    }
}
