//! Heat templates (`heat_template_version` + `resources`): the `OS::Neutron::*` resources that
//! make up the network under a cluster (DOMAIN.md §D.4).
//!
//! Intrinsic functions are resolved inside the template: `get_resource` becomes a reference to
//! the resource, `get_param` takes the parameter's `default` (a parameter without one is
//! unknown), and every other function (`get_attr`, `str_replace`, …) is unknown. Values keep the
//! span of the property they were written at, so findings point into the resource.
//!
//! While reading, every `get_resource` and `get_param` anywhere under `resources` is checked
//! against the names the template declares; Heat refuses a template whose references name
//! nothing, so those are kept for SL005.

use std::collections::HashSet;

use crate::inputs::field::{self, Arguments, Field};
use crate::model::site::{
    FloatingIp, Network, Origin, Port, Ref, Router, RouterInterface, SecurityGroup, SecurityGroupRule,
    Segment, Site, Subnet,
};
use crate::source::{FileId, Sp, Span};
use crate::yaml::{Node, NodeKind, is_templated};

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
    site.undefined_references = undefined_references(root);
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
            name: p.string("name"),
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

/// Whether a node is a call of an intrinsic function (`{get_param: x}`, `{str_replace: …}`),
/// whose value is known only once the stack is created.
pub fn is_intrinsic(node: &Node) -> bool {
    matches!(node.as_map(), Some([(fun, _)]) if fun.as_str().is_some_and(|f| f.starts_with("get_") || INTRINSICS.contains(&f)))
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

/// A `get_resource` or `get_param` whose name the template does not declare.
#[derive(Clone, Debug, PartialEq)]
pub struct UndefinedReference {
    pub kind: ReferenceKind,
    /// The name as written, with the span of that scalar.
    pub name: Sp<String>,
    /// The logical name of the resource the reference is written in.
    pub resource: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    Resource,
    Parameter,
}

impl ReferenceKind {
    /// The intrinsic function that makes the reference.
    pub fn function(self) -> &'static str {
        match self {
            ReferenceKind::Resource => "get_resource",
            ReferenceKind::Parameter => "get_param",
        }
    }

    /// What the name should have been declared as.
    pub fn noun(self) -> &'static str {
        match self {
            ReferenceKind::Resource => "resource",
            ReferenceKind::Parameter => "parameter",
        }
    }

    /// The template section that declares such names.
    pub fn section(self) -> &'static str {
        match self {
            ReferenceKind::Resource => "resources",
            ReferenceKind::Parameter => "parameters",
        }
    }
}

/// Parameters Heat provides to every template without a declaration.
const PSEUDO_PARAMETERS: [&str; 3] = ["OS::stack_name", "OS::stack_id", "OS::project_id"];

/// Real templates nest properties a handful of levels; the cap bounds the walk on hostile input
/// independently of the parser's own budget.
const MAX_SCAN_DEPTH: usize = 64;

/// Every reference under `resources` to a resource or parameter the template does not declare.
fn undefined_references(root: &Node) -> Vec<UndefinedReference> {
    let Some(resources) = root.get("resources").and_then(Node::as_map) else { return Vec::new() };
    let names =
        Declared { resources: declared(root.get("resources")), parameters: declared(root.get("parameters")) };
    let mut out = Vec::new();
    for (key, body) in resources {
        if let Some(resource) = key.scalar_text() {
            names.scan(&resource, body, 0, &mut out);
        }
    }
    out
}

/// The names a template declares; `None` for a section whose names cannot be told, so that no
/// reference to it is judged.
struct Declared {
    resources: Option<HashSet<String>>,
    parameters: Option<HashSet<String>>,
}

/// The keys of a section. A missing or empty section declares nothing; one that is not a
/// mapping, or has a templated key (which may render to any name), is unknown.
fn declared(section: Option<&Node>) -> Option<HashSet<String>> {
    let entries = match section {
        None => return Some(HashSet::new()),
        Some(node) if node.is_null() => return Some(HashSet::new()),
        Some(node) => node.as_map()?,
    };
    let names: HashSet<String> = entries.iter().filter_map(|(key, _)| key.scalar_text()).collect();
    (!names.iter().any(|n| is_templated(n))).then_some(names)
}

impl Declared {
    /// Walks a resource's whole body: references hide in any property, list or nested function.
    fn scan(&self, resource: &str, node: &Node, depth: usize, out: &mut Vec<UndefinedReference>) {
        if depth > MAX_SCAN_DEPTH {
            return;
        }
        out.extend(self.check(resource, node));
        match &node.kind {
            NodeKind::Seq(items) => items.iter().for_each(|item| self.scan(resource, item, depth + 1, out)),
            // An inline nested template declares its own names.
            NodeKind::Map(_) if node.get("heat_template_version").is_some() => {}
            NodeKind::Map(entries) => {
                entries.iter().for_each(|(_, value)| self.scan(resource, value, depth + 1, out));
            }
            _ => {}
        }
    }

    /// The undefined reference a `{get_resource: X}` or `{get_param: P}` (or `[P, ...]`) makes.
    /// A name that is not a plain string (a nested function, a number) or is templated is unknown.
    fn check(&self, resource: &str, node: &Node) -> Option<UndefinedReference> {
        let [(function, arg)] = node.as_map()? else { return None };
        let (kind, name) = match function.as_str()? {
            "get_resource" => (ReferenceKind::Resource, arg),
            "get_param" => (ReferenceKind::Parameter, arg.as_seq().map_or(Some(arg), <[Node]>::first)?),
            _ => return None,
        };
        let text = name.as_str()?;
        let known = match kind {
            ReferenceKind::Resource => self.resources.as_ref()?,
            ReferenceKind::Parameter => self.parameters.as_ref()?,
        };
        let defined =
            known.contains(text) || (kind == ReferenceKind::Parameter && PSEUDO_PARAMETERS.contains(&text));
        if defined || is_templated(text) {
            return None;
        }
        Some(UndefinedReference {
            kind,
            name: Sp::new(text.to_owned(), name.span),
            resource: resource.to_owned(),
        })
    }
}

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

    fn undefined(text: &str) -> Vec<(ReferenceKind, String, String)> {
        site(text).undefined_references.into_iter().map(|u| (u.kind, u.name.value, u.resource)).collect()
    }

    #[test]
    fn references_to_undeclared_names_are_kept_with_the_span_of_the_name() {
        let text = "heat_template_version: 2018-08-31
parameters:
  cidr: {type: string}
resources:
  sub:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: nowhere}, cidr: {get_param: cidr}}
  server:
    type: OS::Nova::Server
    properties:
      name: {str_replace: {template: x-$N, params: {$N: {get_param: [names, 0]}}}}
      networks: [{port: {get_resource: sub}}, {port: {get_resource: \"{{ port }}\"}}]
";
        let s = site(text);
        let found: Vec<_> = s.undefined_references.iter().map(|u| (u.kind, u.name.value.as_str())).collect();
        assert_eq!(found, [(ReferenceKind::Resource, "nowhere"), (ReferenceKind::Parameter, "names")]);
        let at = text.find("nowhere").unwrap_or_default();
        assert_eq!(s.undefined_references[0].name.span.start as usize, at);
        assert_eq!(s.undefined_references[0].name.span.len(), "nowhere".len());
        assert_eq!(s.undefined_references[1].resource, "server");
    }

    #[test]
    fn pseudo_parameters_and_unknown_sections_are_not_judged() {
        let pseudo = "heat_template_version: 2018-08-31
resources:
  r: {type: OS::Neutron::Net, properties: {name: {get_param: 'OS::stack_name'}}}
";
        assert!(undefined(pseudo).is_empty());
        let templated_params = "heat_template_version: 2018-08-31
parameters: \"{{ params }}\"
resources:
  r: {type: OS::Neutron::Net, properties: {name: {get_param: anything}, qos: {get_resource: q}}}
";
        assert_eq!(undefined(templated_params), [(ReferenceKind::Resource, "q".into(), "r".into())]);
    }

    /// Built by hand: the parser's own depth budget rejects such a file before the walk sees it.
    #[test]
    fn nesting_beyond_the_cap_is_not_walked() {
        let node = |kind| Node { kind, span: Span::new(FileId(0), 0, 0) };
        let text = |t: &str| node(NodeKind::Str(t.to_owned()));
        let template = |depth: usize| {
            let mut body = node(NodeKind::Map(vec![(text("get_resource"), text("x"))]));
            for _ in 0..depth {
                body = node(NodeKind::Seq(vec![body]));
            }
            let resources = node(NodeKind::Map(vec![(text("r"), body)]));
            node(NodeKind::Map(vec![(text("resources"), resources)]))
        };
        assert_eq!(undefined_references(&template(MAX_SCAN_DEPTH)).len(), 1);
        assert!(undefined_references(&template(MAX_SCAN_DEPTH + 1)).is_empty());
    }
}
