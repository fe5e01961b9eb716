//! Our own Site topology file (`apiVersion: stretchlint.io/v1alpha1`, `kind: Site`): what Neutron
//! cannot express — the AZs, which physnets are bridged in which AZ, the physical gateways of
//! provider networks, measured inter-AZ round-trip times and cluster-to-network hints.
//!
//! Files are validated against `schemas/site.schema.json`; each schema error keeps the span of
//! the node its JSON pointer names, and the typed reading goes on regardless (fields that do not
//! fit are unknown).

use std::sync::LazyLock;

use crate::inputs::field::{self, Field};
use crate::source::{FileId, Sp};
use crate::yaml::{Node, NodeKind};

pub const API_VERSION: &str = "stretchlint.io/v1alpha1";

/// The published schema, embedded.
pub const SCHEMA: &str = include_str!("../../schemas/site.schema.json");

static VALIDATOR: LazyLock<Option<jsonschema::Validator>> = LazyLock::new(|| crate::schema::compile(SCHEMA));

#[derive(Clone, Debug)]
pub struct Topology {
    pub file: FileId,
    pub zones: Field<Vec<Sp<String>>>,
    /// MTU of the physical network under the tenant overlays.
    pub underlay_mtu: Field<i64>,
    pub physical_networks: Vec<PhysicalNetwork>,
    pub gateways: Vec<Gateway>,
    pub latency: Vec<Latency>,
    /// Networks that clusters use, for clusters whose manifests do not name them.
    pub clusters: Vec<ClusterHint>,
    /// Schema violations, each at the node it concerns.
    pub schema_errors: Vec<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct PhysicalNetwork {
    pub name: Field<String>,
    pub zones: Field<Vec<Sp<String>>>,
}

#[derive(Clone, Debug)]
pub struct Gateway {
    pub network: Field<String>,
    pub address: Field<String>,
    pub device: Field<String>,
    pub zone: Field<String>,
    pub redundancy: Field<String>,
}

/// `spec.clusters[]`: the networks a cluster uses, the first one carrying its control plane.
#[derive(Clone, Debug)]
pub struct ClusterHint {
    pub name: Field<String>,
    pub networks: Field<Vec<Sp<String>>>,
}

#[derive(Clone, Debug)]
pub struct Latency {
    /// The two AZs, when both are known.
    pub between: Option<(Sp<String>, Sp<String>)>,
    pub rtt_ms: Field<f64>,
}

pub fn is_site(root: &Node) -> bool {
    root.get("apiVersion").and_then(Node::as_str) == Some(API_VERSION)
        && root.get("kind").and_then(Node::as_str) == Some("Site")
}

pub fn read(file: FileId, root: &Node) -> Topology {
    let spec = root.get("spec");
    let items = |key: &str| spec.and_then(|s| s.get(key)).and_then(Node::as_seq).unwrap_or_default();
    Topology {
        file,
        zones: field::strings(spec.and_then(|s| s.get("zones"))),
        underlay_mtu: field::int(spec.and_then(|s| s.get("underlayMtu"))),
        physical_networks: items("physicalNetworks")
            .iter()
            .map(|p| PhysicalNetwork {
                name: field::string(p.get("name")),
                zones: field::strings(p.get("zones")),
            })
            .collect(),
        gateways: items("gateways")
            .iter()
            .map(|g| Gateway {
                network: field::string(g.get("network")),
                address: field::string(g.get("address")),
                device: field::string(g.get("device")),
                zone: field::string(g.get("zone")),
                redundancy: field::string(g.get("redundancy")),
            })
            .collect(),
        latency: items("latency")
            .iter()
            .map(|l| Latency {
                between: match field::strings(l.get("between")) {
                    Field::Known(pair) => match pair.value.as_slice() {
                        [a, b] => Some((a.clone(), b.clone())),
                        _ => None,
                    },
                    _ => None,
                },
                rtt_ms: number(l.get("rttMs")),
            })
            .collect(),
        clusters: items("clusters")
            .iter()
            .map(|c| ClusterHint {
                name: field::string(c.get("name")),
                networks: field::strings(c.get("networks")),
            })
            .collect(),
        schema_errors: VALIDATOR.as_ref().map(|v| crate::schema::errors(v, root)).unwrap_or_default(),
    }
}

fn number(node: Option<&Node>) -> Field<f64> {
    let Some(node) = node else { return Field::Missing };
    match node.kind {
        NodeKind::Int(i) => Field::Known(Sp::new(i as f64, node.span)),
        NodeKind::Float(f) => Field::Known(Sp::new(f, node.span)),
        _ => Field::Unknown(node.span),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn topology(text: &str) -> Topology {
        let parsed = yaml::parse(FileId(0), text);
        read(FileId(0), &parsed.documents[0].root)
    }

    #[test]
    fn the_schema_compiles() {
        assert!(VALIDATOR.is_some());
    }

    #[test]
    fn schema_errors_point_at_the_offending_node() {
        let text = "apiVersion: stretchlint.io/v1alpha1
kind: Site
metadata: {name: metro}
spec:
  zones: [az1, az2, az3]
  latency:
    - between: [az1, az2]
      rttMs: fast
";
        let t = topology(text);
        assert_eq!(t.schema_errors.len(), 1, "{:?}", t.schema_errors);
        let at = text.find("fast").unwrap_or_default();
        assert_eq!(t.schema_errors[0].span.start as usize, at);
        assert!(t.latency[0].rtt_ms.is_unknown());
    }

    #[test]
    fn a_valid_site_reads_cleanly() {
        let t = topology(
            "apiVersion: stretchlint.io/v1alpha1
kind: Site
metadata: {name: metro}
spec:
  zones: [az1, az2, az3]
  physicalNetworks: [{name: metro-vlan, zones: [az1, az2, az3]}]
  gateways: [{network: stretched-cp, address: 10.20.0.1, device: core-a, zone: az1, redundancy: vrrp-pair}]
  latency: [{between: [az1, az3], rttMs: 2.5}]
",
        );
        assert!(t.schema_errors.is_empty(), "{:?}", t.schema_errors);
        assert_eq!(t.latency[0].rtt_ms.value(), Some(&2.5));
        assert_eq!(t.zones.items().len(), 3);
    }
}
