//! The rule registry. Each rule is one file: its logic here, its metadata (name, severity,
//! architectures, rationale, fix, examples) in `rules/<CODE>-<name>.yaml` at the repository root,
//! embedded at build time. Adding a rule touches three places: the descriptor, the rule file and
//! one line in [`ALL`].

mod catalogue;
pub mod custom;
pub mod docs;
mod hygiene;
mod latency;
mod lb;
mod load;
mod net;
mod suggest;
pub mod suppression;
mod vrrp;
mod zones;

use crate::diagnostic::Diagnostic;
use crate::loader::LoadedFile;
use crate::model::Model;
use crate::source::SourceDb;

pub use catalogue::{
    Descriptor, Examples, catalogue, custom as custom_descriptors, find, parse as parse_descriptor,
};

/// What a rule sees: the whole model (relational rules compare clusters), every loaded file, and
/// the thresholds the configuration sets.
pub struct Context<'a> {
    pub model: &'a Model,
    pub files: &'a [LoadedFile],
    pub sources: &'a SourceDb,
    pub params: &'a Params,
}

/// Rule thresholds from the configuration (`params:`, `openshift-version:`); `None`: the rule's default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// SL103: workers that must remain after the loss of the fullest AZ.
    pub min_surviving_workers: Option<i64>,
    /// SL601: RTT (ms) between control-plane AZs above which to warn.
    pub latency_warn_ms: Option<f64>,
    /// SL601: RTT (ms) at or above which it is an error.
    pub latency_error_ms: Option<f64>,
    /// The OpenShift minor version the clusters run (SL301).
    pub openshift_version: Option<(u32, u32)>,
}

/// Whether `key` names the rule `code`: its code or name (case-insensitive), or a code prefix of
/// at least three characters (`SL1`).
pub fn matches(code: &str, key: &str) -> bool {
    find(code).is_some_and(|d| d.is_named(key))
        || (key.len() >= 3 && code.get(..key.len()).is_some_and(|prefix| prefix.eq_ignore_ascii_case(key)))
}

/// The error for a rule key that names no rule, with the closest code or name when the key looks
/// like a typo of one (`SL1O1`, `contol-plane-not-spread`), as clap suggests subcommands.
pub fn unknown_rule(key: &str) -> String {
    let custom = custom_descriptors();
    let descriptors: Vec<&Descriptor> = catalogue().iter().chain(custom.iter().copied()).collect();
    // Codes first: a five-character key is compared with codes before it could tie with a name.
    let candidates =
        descriptors.iter().map(|d| d.code.as_str()).chain(descriptors.iter().map(|d| d.name.as_str()));
    match suggest::closest(key, candidates) {
        Some(near) => format!("unknown rule `{key}`: did you mean `{near}`? (see `stretchlint rules`)"),
        None => format!("unknown rule `{key}` (see `stretchlint rules`)"),
    }
}

/// Whether `key` names at least one rule (built-in, or custom and loaded).
pub fn matches_any(key: &str) -> bool {
    ALL.iter()
        .map(|r| r.code())
        .chain(custom_descriptors().iter().map(|d| d.code.as_str()))
        .any(|c| matches(c, key))
}

pub trait Rule: Sync {
    /// The rule's code; its descriptor is looked up by it.
    fn code(&self) -> &'static str;
    /// The descriptor's YAML text.
    fn descriptor(&self) -> &'static str;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Declares a rule's unit struct, ties it to its descriptor file and to its check function:
/// `declare_rule!(ParseError, "SL001", "SL001-parse-error.yaml", check);`
macro_rules! declare_rule {
    ($name:ident, $code:literal, $file:literal, $check:ident) => {
        pub struct $name;
        impl $crate::rules::Rule for $name {
            fn code(&self) -> &'static str {
                $code
            }
            fn descriptor(&self) -> &'static str {
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $file))
            }
            fn check(&self, cx: &$crate::rules::Context<'_>, out: &mut Vec<$crate::diagnostic::Diagnostic>) {
                $check(cx, out)
            }
        }
    };
}
pub(crate) use declare_rule;

/// Every built-in rule, sorted by code.
pub static ALL: &[&dyn Rule] = &[
    &load::parse_error::ParseError,
    &load::templated_file_skipped::TemplatedFileSkipped,
    &load::duplicate_key::DuplicateKey,
    &load::invalid_site_file::InvalidSiteFile,
    &load::undefined_reference::UndefinedReference,
    &zones::control_plane_not_spread::ControlPlaneNotSpread,
    &zones::missing_per_az_machineset::MissingPerAzMachineset,
    &zones::workers_not_az_tolerant::WorkersNotAzTolerant,
    &zones::root_volume_az_missing::RootVolumeAzMissing,
    &zones::zone_list_length_mismatch::ZoneListLengthMismatch,
    &zones::machineset_zone_undeclared::MachinesetZoneUndeclared,
    &zones::affinity_server_group::AffinityServerGroup,
    &zones::pool_failure_domains_dropped::PoolFailureDomainsDropped,
    &net::vip_outside_machine_network::VipOutsideMachineNetwork,
    &net::api_ingress_vip_equal::ApiIngressVipEqual,
    &net::vip_on_routed_network::VipOnRoutedNetwork,
    &net::machine_subnet_outside_machine_network::MachineSubnetOutsideMachineNetwork,
    &net::single_gateway_stretched_l2::SingleGatewayStretchedL2,
    &net::stretched_l2_missing_in_az::StretchedL2MissingInAz,
    &net::dvr_on_fip_router::DvrOnFipRouter,
    &net::fip_router_single_az::FipRouterSingleAz,
    &net::overlay_mtu_budget::OverlayMtuBudget,
    &net::router_ha_and_distributed::RouterHaAndDistributed,
    &net::vrrp_blocked_by_security_group::VrrpBlockedBySecurityGroup,
    &net::ingress_vip_unreachable::IngressVipUnreachable,
    &vrrp::vrrp_id_collision::VrrpIdCollision,
    &vrrp::vrrp_id_collision_external::VrrpIdCollisionExternal,
    &lb::external_lb_missing_frontend::ExternalLbMissingFrontend,
    &lb::external_lb_not_az_redundant::ExternalLbNotAzRedundant,
    &hygiene::deprecated_field::DeprecatedField,
    &hygiene::conflicting_deprecated_field::ConflictingDeprecatedField,
    &hygiene::cluster_name_invalid::ClusterNameInvalid,
    &hygiene::cluster_network_mtu_unsupported::ClusterNetworkMtuUnsupported,
    &hygiene::unknown_field::UnknownField,
    &latency::inter_az_latency::InterAzLatency,
    &suppression::unused_suppression::UnusedSuppression,
    &suppression::invalid_suppression::InvalidSuppression,
];

#[cfg(test)]
mod tests {
    use super::unknown_rule;

    #[test]
    fn an_unknown_rule_gets_the_closest_code_or_name() {
        assert_eq!(
            unknown_rule("SL1O1"),
            "unknown rule `SL1O1`: did you mean `SL101`? (see `stretchlint rules`)"
        );
        assert!(unknown_rule("contol-plane-not-spread").contains("did you mean `control-plane-not-spread`?"));
        assert!(unknown_rule("sl0o3").contains("did you mean `SL003`?"), "{}", unknown_rule("sl0o3"));
        assert_eq!(unknown_rule("bogus"), "unknown rule `bogus` (see `stretchlint rules`)");
    }
}
