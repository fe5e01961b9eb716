//! Heat templates (`heat_template_version` + `resources`): the `OS::Neutron::*` resources that
//! make up the network under a cluster (DOMAIN.md §D.4).
//!
//! Intrinsic functions are resolved inside the template: `get_resource` becomes a reference to
//! the resource, `get_param` takes the parameter's `default` (a parameter without one is
//! unknown), and every other function (`get_attr`, `str_replace`, …) is unknown. Values keep the
//! span of the property they were written at, so findings point into the resource.

use crate::inputs::field::{self, Arguments, Field};
use crate::model::site::{
    FloatingIp, Network, Origin, Port, Ref, Router, RouterInterface, SecurityGroup, SecurityGroupRule,
    Segment, Site, Subnet,
};
use crate::source::{FileId, Sp, Span};
use crate::yaml::Node;

/// Whether a document is a Heat template.
pub fn is_heat(root: &Node) -> bool {
    root.get("heat_template_version").is_some() && root.get("resources").is_some_and(|r| r.as_map().is_some())
}

/// The Neutron objects a template defines.
pub fn read(file: FileId, root: &Node) -> Site {
    let params = root.get("parameters");
    let mut site = Site::default();
    for (key, resource) in root.get("resources").and_then(Node::as_map).unwrap_or_default() {
        let (Some(name), Some(kind)) = (key.as_str(), resource.get("type").and_then(Node::as_str)) else {
            continue;
        };
        let props = Props { file, params, node: resource.get("properties") };
        let origin = Origin { file, key: Sp::new(name.to_owned(), key.span) };
        read_resource(&mut site, kind, origin, &props);
    }
    site
}

fn read_resource(site: &mut Site, kind: &str, origin: Origin, p: &Props<'_>) {
    let specs = p.get("value_specs");
    match kind {
        "OS::Neutron::Net" => site.networks.push(Network {
            name: p.string("name"),
            network_type: specs.string("provider:network_type"),
            physical_network: specs.string("provider:physical_network"),
            segmentation_id: specs.int("provider:segmentation_id"),
            external: specs.boolean("router:external"),
            mtu: specs.int("mtu"),
            origin,
        }),
        "OS::Neutron::ProviderNet" => site.networks.push(Network {
            name: p.string("name"),
            network_type: p.string("network_type"),
            physical_network: p.string("physical_network"),
            segmentation_id: p.int("segmentation_id"),
            external: p.boolean("router_external"),
            mtu: Field::Missing,
            origin,
        }),
        "OS::Neutron::Segment" => site.segments.push(Segment {
            network: p.reference("network").unwrap_or(Ref::Unknown(origin.key.span)),
            network_type: p.string("network_type"),
            physical_network: p.string("physical_network"),
            segmentation_id: p.int("segmentation_id"),
            origin,
        }),
        "OS::Neutron::Subnet" => site.subnets.push(Subnet {
            name: p.string("name"),
            network: p.reference_any(&["network", "network_id"]).unwrap_or(Ref::Unknown(origin.key.span)),
            cidr: p.parsed("cidr"),
            gateway_ip: p.parsed("gateway_ip"),
            segment: p.reference("segment"),
            origin,
        }),
        "OS::Neutron::Router" => site.routers.push(Router {
            name: p.string("name"),
            heat_properties: p.boolean("ha").is_present() && p.boolean("distributed").is_present(),
            ha: p.boolean("ha").or(&specs.boolean("ha")),
            distributed: p.boolean("distributed").or(&specs.boolean("distributed")),
            availability_zone_hints: p.strings("availability_zone_hints"),
            external_network: p.get("external_gateway_info").reference("network"),
            origin,
        }),
        "OS::Neutron::RouterInterface" => site.router_interfaces.push(RouterInterface {
            router: p.reference_any(&["router", "router_id"]).unwrap_or(Ref::Unknown(origin.key.span)),
            subnet: p.reference_any(&["subnet", "subnet_id"]),
            origin,
        }),
        "OS::Neutron::Port" => {
            let fixed_ips = p
                .items("fixed_ips")
                .map(|ip| (ip.reference_any(&["subnet", "subnet_id"]), ip.parsed("ip_address")))
                .collect();
            let allowed_address_pairs =
                p.items("allowed_address_pairs").map(|a| a.string("ip_address")).collect();
            site.ports.push(Port {
                name: p.string("name"),
                network: p.reference_any(&["network", "network_id"]).unwrap_or(Ref::Unknown(origin.key.span)),
                fixed_ips,
                allowed_address_pairs,
                security_groups: p.references("security_groups"),
                port_security: p.boolean("port_security_enabled"),
                origin,
            });
        }
        "OS::Neutron::FloatingIP" => site.floating_ips.push(FloatingIp {
            floating_network: p.reference_any(&["floating_network", "floating_network_id"]),
            port: p.reference("port_id"),
            address: p.parsed("floating_ip_address"),
            origin,
        }),
        "OS::Neutron::SecurityGroup" => {
            site.security_groups.push(SecurityGroup { origin: origin.clone(), name: p.string("name") });
            let group =
                Ref::Resource { file: origin.file, key: origin.key.value.clone(), span: origin.key.span };
            for rule in p.items("rules") {
                site.security_group_rules.push(SecurityGroupRule {
                    origin: origin.clone(),
                    group: group.clone(),
                    direction: rule.string("direction"),
                    protocol: rule.string("protocol"),
                    remote_ip_prefix: rule.string("remote_ip_prefix"),
                });
            }
        }
        "OS::Neutron::SecurityGroupRule" => site.security_group_rules.push(SecurityGroupRule {
            group: p.reference("security_group").unwrap_or(Ref::Unknown(origin.key.span)),
            direction: p.string("direction"),
            protocol: p.string("protocol"),
            remote_ip_prefix: p.string("remote_ip_prefix"),
            origin,
        }),
        _ => {}
    }
}

/// A mapping of resource properties, read with the template's parameters at hand.
#[derive(Clone, Copy)]
struct Props<'a> {
    file: FileId,
    params: Option<&'a Node>,
    node: Option<&'a Node>,
}

/// A property value after intrinsic functions.
enum Resolved<'a> {
    /// A literal, with the span of the place it was used at.
    Literal(&'a Node, Span),
    Resource(&'a str, Span),
    Unknown(Span),
}

impl Arguments for Props<'_> {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T> {
        match self.value(key) {
            None => Field::Missing,
            Some(Resolved::Literal(node, span)) => field::used_at(read(Some(node)), span),
            Some(Resolved::Resource(_, span) | Resolved::Unknown(span)) => Field::Unknown(span),
        }
    }
}

impl<'a> Props<'a> {
    fn get(&self, key: &str) -> Props<'a> {
        let node = match self.value(key) {
            Some(Resolved::Literal(n, _)) => Some(n),
            _ => None,
        };
        Props { node, ..*self }
    }

    fn value(&self, key: &str) -> Option<Resolved<'a>> {
        self.node.and_then(|n| n.get(key)).map(|n| resolve(n, self.params))
    }

    /// Items of a list property, each readable as properties.
    fn items(&self, key: &str) -> impl Iterator<Item = Props<'a>> + use<'a> {
        let this = *self;
        let list = match self.value(key) {
            Some(Resolved::Literal(n, _)) => n.as_seq().unwrap_or_default(),
            _ => &[],
        };
        list.iter().map(move |item| Props { node: Some(item), ..this })
    }

    fn reference(&self, key: &str) -> Option<Ref> {
        Some(self.reference_to(self.node?.get(key)?))
    }

    /// A list of references (`security_groups`), with the list's span.
    fn references(&self, key: &str) -> Option<Sp<Vec<Ref>>> {
        let span = self.node.and_then(|n| n.get(key))?.span;
        let refs = match self.value(key)? {
            Resolved::Literal(list, _) => {
                list.as_seq().unwrap_or_default().iter().map(|item| self.reference_to(item)).collect()
            }
            Resolved::Resource(..) | Resolved::Unknown(_) => vec![Ref::Unknown(span)],
        };
        Some(Sp::new(refs, span))
    }

    /// A value read as a reference: a resource, a literal name or id, or unknown.
    fn reference_to(&self, node: &Node) -> Ref {
        match resolve(node, self.params) {
            Resolved::Resource(target, span) => {
                Ref::Resource { file: self.file, key: target.to_owned(), span }
            }
            Resolved::Literal(n, span) => match field::string(Some(n)) {
                Field::Known(v) => Ref::Named { value: v.value, span },
                _ => Ref::Unknown(span),
            },
            Resolved::Unknown(span) => Ref::Unknown(span),
        }
    }

    /// The first of several spellings that is present (`network` or the older `network_id`).
    fn reference_any(&self, keys: &[&str]) -> Option<Ref> {
        keys.iter().find_map(|k| self.reference(k))
    }
}

/// Resolves `get_param` (to the parameter's default) and `get_resource`; other intrinsic
/// functions are unknown.
fn resolve<'a>(node: &'a Node, params: Option<&'a Node>) -> Resolved<'a> {
    let Some([(fun, arg)]) = node.as_map() else { return Resolved::Literal(node, node.span) };
    match fun.as_str() {
        Some("get_resource") => match arg.as_str() {
            Some(target) => Resolved::Resource(target, node.span),
            None => Resolved::Unknown(node.span),
        },
        Some("get_param") => {
            let default = arg.as_str().and_then(|p| params?.get(p)?.get("default"));
            match default {
                Some(d) if !d.is_null() => Resolved::Literal(d, node.span),
                _ => Resolved::Unknown(node.span),
            }
        }
        Some(f) if f.starts_with("get_") || INTRINSICS.contains(&f) => Resolved::Unknown(node.span),
        _ => Resolved::Literal(node, node.span),
    }
}

/// Heat intrinsic functions other than `get_*` whose result cannot be read statically.
const INTRINSICS: [&str; 10] = [
    "str_replace",
    "list_join",
    "str_split",
    "repeat",
    "digest",
    "map_merge",
    "map_replace",
    "yaql",
    "if",
    "filter",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn site(text: &str) -> Site {
        let parsed = yaml::parse(FileId(0), text);
        read(FileId(0), &parsed.documents[0].root)
    }

    #[test]
    fn reads_provider_networks_routers_and_references() {
        let text = "heat_template_version: 2018-08-31
parameters:
  physnet: {type: string, default: datacentre}
  cidr: {type: string}
resources:
  cp_net:
    type: OS::Neutron::ProviderNet
    properties: {name: stretched-cp, network_type: vlan, physical_network: {get_param: physnet}, segmentation_id: 100}
  cp_subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: cp_net}, cidr: {get_param: cidr}, gateway_ip: 10.20.0.1}
  router:
    type: OS::Neutron::Router
    properties: {ha: true, value_specs: {distributed: 'true'}, availability_zone_hints: [az1]}
";
        let s = site(text);
        let net = &s.networks[0];
        assert_eq!(net.physical_network.value().map(String::as_str), Some("datacentre"));
        assert_eq!(net.segmentation_id.value(), Some(&100));
        let subnet = &s.subnets[0];
        assert!(subnet.cidr.is_unknown(), "a parameter without default is unknown");
        assert_eq!(
            s.network(&subnet.network).and_then(|n| n.name.value()).map(String::as_str),
            Some("stretched-cp")
        );
        let router = &s.routers[0];
        assert_eq!((router.ha.value(), router.distributed.value()), (Some(&true), Some(&true)));
        let at = text.find("'true'").unwrap_or_default();
        assert_eq!(router.distributed.span().map(|s| s.start as usize), Some(at));
    }

    #[test]
    fn other_intrinsics_are_unknown() {
        let s = site(
            "heat_template_version: 2018-08-31
resources:
  r:
    type: OS::Neutron::Router
    properties: {distributed: {if: [dvr, true, false]}, name: {str_replace: {template: x, params: {}}}}
",
        );
        assert!(s.routers[0].distributed.is_unknown());
        assert!(s.routers[0].name.is_unknown());
    }
}
