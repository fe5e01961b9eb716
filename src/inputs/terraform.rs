//! Terraform configurations: the `openstack_networking_*_v2` resources of a module (DOMAIN.md §D.6).
//!
//! A Terraform module is a folder, not a file: resources, variables and locals defined in one
//! `.tf` file are used from the others. Files are therefore parsed one by one (in parallel, like
//! every input) and read together, per folder, when the model is built.
//!
//! References are resolved inside the module: `openstack_networking_network_v2.cp.id` becomes a
//! reference to that resource, `var.x` and `local.x` take the variable's default or the local's
//! value, `data.openstack_networking_network_v2.ext.id` the data source's `name`. Every other
//! expression (function calls, interpolated strings, conditionals) is unknown.

use std::collections::HashMap;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};

use crate::inputs::field::{self, Arguments, Field};
use crate::model::site::{
    FloatingIp, Network, Origin, Port, Ref, Router, RouterInterface, SecurityGroup, SecurityGroupRule,
    Segment, Site, Subnet,
};
use crate::source::{FileId, Sp, Span};
use crate::yaml::{Node, NodeKind};

/// One parsed `.tf` file, waiting for the rest of its module.
#[derive(Debug)]
pub struct TerraformFile {
    pub file: FileId,
    pub body: Body,
}

/// Why a `.tf` file could not be parsed: the parser's message and the byte offset.
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

/// Parses one `.tf` file.
pub fn parse(text: &str) -> Result<Body, ParseError> {
    hcl_edit::parser::parse_body(text).map_err(|e| ParseError {
        message: format!("Terraform (HCL) syntax error: {}", e.message()),
        offset: e.location().offset(),
    })
}

/// How deep `var`/`local` indirections are followed (a local defined through itself must end).
const MAX_INDIRECTION: u8 = 8;

/// The Neutron objects of one module: all `.tf` files of one folder.
pub fn read_module(files: &[&TerraformFile]) -> Site {
    let module = Module::index(files);
    let mut site = Site::default();
    for (file, block) in files.iter().flat_map(|f| f.body.get_blocks("resource").map(move |b| (f.file, b))) {
        let ([kind, name], Some(span)) = (labels(block), label_span(block, 1, file)) else { continue };
        let origin = Origin { file, key: Sp::new(name.to_owned(), span) };
        let args = Args { module: &module, file, body: &block.body };
        read_resource(&mut site, kind, origin, &args);
    }
    site
}

fn read_resource(site: &mut Site, kind: &str, origin: Origin, a: &Args<'_>) {
    let specs = a.object("value_specs");
    let specs = NodeArgs(specs.as_ref());
    match kind {
        "openstack_networking_network_v2" => {
            let segments: Vec<Args<'_>> = a.blocks("segments").collect();
            // One `segments` block is the network's provider attributes; several make it a
            // multi-segment network, like `OS::Neutron::Segment` resources do.
            let single = match segments.as_slice() {
                [only] => Some(only),
                _ => None,
            };
            let from_segment = |key: &str, specs_key: &str| {
                single.map_or(Field::Missing, |s| s.string(key)).or(&specs.string(specs_key))
            };
            let network_ref =
                Ref::Resource { file: origin.file, key: origin.key.value.clone(), span: origin.key.span };
            if segments.len() > 1 {
                for (i, s) in segments.iter().enumerate() {
                    site.segments.push(Segment {
                        name: Field::Missing,
                        origin: Origin {
                            file: origin.file,
                            key: Sp::new(format!("{}[{i}]", origin.key.value), s.span()),
                        },
                        network: network_ref.clone(),
                        network_type: s.string("network_type"),
                        physical_network: s.string("physical_network"),
                        segmentation_id: s.int("segmentation_id"),
                    });
                }
            }
            site.networks.push(Network {
                name: a.string("name"),
                network_type: from_segment("network_type", "provider:network_type"),
                physical_network: from_segment("physical_network", "provider:physical_network"),
                segmentation_id: single
                    .map_or(Field::Missing, |s| s.int("segmentation_id"))
                    .or(&specs.int("provider:segmentation_id")),
                external: a.boolean("external").or(&specs.boolean("router:external")),
                mtu: a.int("mtu").or(&specs.int("mtu")),
                origin,
            });
        }
        "openstack_networking_segment_v2" => site.segments.push(Segment {
            name: a.string("name"),
            network: a.reference("network_id").unwrap_or(Ref::Unknown(origin.key.span)),
            network_type: a.string("network_type"),
            physical_network: a.string("physical_network"),
            segmentation_id: a.int("segmentation_id"),
            origin,
        }),
        "openstack_networking_subnet_v2" => site.subnets.push(Subnet {
            name: a.string("name"),
            network: a.reference("network_id").unwrap_or(Ref::Unknown(origin.key.span)),
            cidr: a.parsed("cidr"),
            gateway_ip: a.parsed("gateway_ip"),
            segment: a.reference("segment_id"),
            origin,
        }),
        "openstack_networking_router_v2" => site.routers.push(Router {
            name: a.string("name"),
            // The provider has no `ha` argument: it goes through `value_specs`.
            ha: specs.boolean("ha"),
            distributed: a.boolean("distributed").or(&specs.boolean("distributed")),
            availability_zone_hints: a.strings("availability_zone_hints"),
            external_network: a.reference("external_network_id"),
            heat_properties: false,
            origin,
        }),
        "openstack_networking_router_interface_v2" => site.router_interfaces.push(RouterInterface {
            router: a.reference("router_id").unwrap_or(Ref::Unknown(origin.key.span)),
            subnet: a.reference("subnet_id"),
            origin,
        }),
        "openstack_networking_port_v2" => site.ports.push(Port {
            name: a.string("name"),
            network: a.reference("network_id").unwrap_or(Ref::Unknown(origin.key.span)),
            fixed_ips: a
                .blocks("fixed_ip")
                .map(|ip| (ip.reference("subnet_id"), ip.parsed("ip_address")))
                .collect(),
            allowed_address_pairs: a
                .blocks("allowed_address_pairs")
                .map(|p| p.string("ip_address"))
                .collect(),
            security_groups: a.references("security_group_ids"),
            port_security: a.boolean("port_security_enabled"),
            origin,
        }),
        "openstack_networking_floatingip_v2" => site.floating_ips.push(FloatingIp {
            floating_network: a.reference("pool"),
            port: a.reference("port_id"),
            address: a.parsed("address"),
            origin,
        }),
        "openstack_networking_secgroup_v2" => {
            site.security_groups.push(SecurityGroup { name: a.string("name"), origin });
        }
        "openstack_networking_secgroup_rule_v2" => site.security_group_rules.push(SecurityGroupRule {
            group: a.reference("security_group_id").unwrap_or(Ref::Unknown(origin.key.span)),
            direction: a.string("direction"),
            protocol: a.string("protocol"),
            remote_ip_prefix: a.string("remote_ip_prefix"),
            origin,
        }),
        _ => {}
    }
}

/// The string labels of a block (`resource "type" "name"` has two).
fn labels(block: &Block) -> [&str; 2] {
    let mut it = block.labels.iter().map(|l| l.as_str());
    [it.next().unwrap_or(""), it.next().unwrap_or("")]
}

fn label_span(block: &Block, index: usize, file: FileId) -> Option<Span> {
    use hcl_edit::Span as _;
    block.labels.get(index).and_then(|l| l.span()).map(|r| Span::new(file, r.start, r.end))
}

fn span_of(expr: &Expression, file: FileId) -> Span {
    use hcl_edit::Span as _;
    expr.span().map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end))
}

/// What a module defines, by name: resources, data sources, variable defaults and locals.
struct Module<'a> {
    resources: HashMap<(&'a str, &'a str), FileId>,
    data: HashMap<(&'a str, &'a str), (FileId, &'a Body)>,
    variables: HashMap<&'a str, (FileId, &'a Expression)>,
    locals: HashMap<&'a str, (FileId, &'a Expression)>,
}

impl<'a> Module<'a> {
    fn index(files: &[&'a TerraformFile]) -> Self {
        let mut module = Module {
            resources: HashMap::new(),
            data: HashMap::new(),
            variables: HashMap::new(),
            locals: HashMap::new(),
        };
        for f in files {
            for block in f.body.blocks() {
                match (block.ident.as_str(), labels(block)) {
                    ("resource", [kind, name]) => {
                        module.resources.insert((kind, name), f.file);
                    }
                    ("data", [kind, name]) => {
                        module.data.insert((kind, name), (f.file, &block.body));
                    }
                    ("variable", [name, _]) => {
                        if let Some(default) = block.body.get_attribute("default") {
                            module.variables.insert(name, (f.file, &default.value));
                        }
                    }
                    ("locals", _) => {
                        for attr in block.body.attributes() {
                            module.locals.insert(attr.key.as_str(), (f.file, &attr.value));
                        }
                    }
                    _ => {}
                }
            }
        }
        module
    }

    /// Resolves an expression used in `file`; `at` is where it was written (findings point there).
    fn resolve(&self, expr: &'a Expression, file: FileId, at: Span, depth: u8) -> Resolved {
        match expr {
            Expression::Parenthesis(p) => self.resolve(p.inner(), file, at, depth),
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else { return Resolved::Unknown(at) };
                let names: Vec<&str> = t
                    .operators
                    .iter()
                    .map_while(|op| match op.value() {
                        TraversalOperator::GetAttr(id) => Some(id.as_str()),
                        _ => None,
                    })
                    .collect();
                self.traversal(root.as_str(), &names, at, depth)
            }
            _ => Resolved::Literal(self.literal(expr, file, depth)),
        }
    }

    fn traversal(&self, root: &str, names: &[&str], at: Span, depth: u8) -> Resolved {
        let follow = |(file, expr): (FileId, &'a Expression)| {
            if depth >= MAX_INDIRECTION {
                return Resolved::Unknown(at);
            }
            match self.resolve(expr, file, at, depth + 1) {
                Resolved::Literal(node) => Resolved::Literal(Node { span: at, ..node }),
                other => other,
            }
        };
        let found = match (root, names) {
            ("var", [name, ..]) => self.variables.get(name).copied().map(follow),
            ("local", [name, ..]) => self.locals.get(name).copied().map(follow),
            ("data", [kind, name, ..]) => self.data.get(&(*kind, *name)).and_then(|(file, body)| {
                let name = body.get_attribute("name")?;
                Some(follow((*file, &name.value)))
            }),
            (kind, [name, ..]) => self.resources.get(&(kind, *name)).map(|file| Resolved::Resource {
                file: *file,
                key: (*name).to_owned(),
                at,
            }),
            _ => None,
        };
        found.unwrap_or(Resolved::Unknown(at))
    }

    /// An expression as a YAML-like node, so that the shared field readers apply; what cannot be
    /// read statically becomes a templated string, which every reader takes as unknown.
    fn literal(&self, expr: &'a Expression, file: FileId, depth: u8) -> Node {
        let span = span_of(expr, file);
        let kind = match expr {
            Expression::Null(_) => NodeKind::Null,
            Expression::Bool(b) => NodeKind::Bool(*b.value()),
            Expression::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => NodeKind::Int(i),
                (None, Some(f)) => NodeKind::Float(f),
                _ => NodeKind::Str(UNKNOWN.to_owned()),
            },
            Expression::String(s) => NodeKind::Str(s.value().clone()),
            Expression::Array(items) => NodeKind::Seq(
                items
                    .iter()
                    .map(|item| self.resolve(item, file, span_of(item, file), depth).into_node())
                    .collect(),
            ),
            Expression::Object(object) => NodeKind::Map(
                object
                    .iter()
                    .map(|(key, value)| {
                        let key_node = match key {
                            ObjectKey::Ident(id) => {
                                Node { kind: NodeKind::Str(id.as_str().to_owned()), span }
                            }
                            ObjectKey::Expression(e) => self.literal(e, file, depth),
                        };
                        let at = span_of(value.expr(), file);
                        (key_node, self.resolve(value.expr(), file, at, depth).into_node())
                    })
                    .collect(),
            ),
            Expression::Parenthesis(p) => return self.literal(p.inner(), file, depth),
            _ => NodeKind::Str(UNKNOWN.to_owned()),
        };
        Node { kind, span }
    }
}

/// The text given to values that cannot be read statically: a template marker, so that
/// [`crate::yaml::is_templated`] and with it every field reader call them unknown.
const UNKNOWN: &str = "${…}";

enum Resolved {
    Literal(Node),
    /// A resource of the module: its file and name.
    Resource {
        file: FileId,
        key: String,
        at: Span,
    },
    Unknown(Span),
}

impl Resolved {
    fn into_ref(self) -> Ref {
        match self {
            Resolved::Resource { file, key, at } => Ref::Resource { file, key, span: at },
            Resolved::Literal(node) => match field::string(Some(&node)) {
                Field::Known(v) => Ref::Named { value: v.value, span: v.span },
                _ => Ref::Unknown(node.span),
            },
            Resolved::Unknown(at) => Ref::Unknown(at),
        }
    }

    fn into_node(self) -> Node {
        match self {
            Resolved::Literal(node) => node,
            Resolved::Resource { at: span, .. } | Resolved::Unknown(span) => {
                Node { kind: NodeKind::Str(UNKNOWN.to_owned()), span }
            }
        }
    }
}

/// The arguments of a resource (or of one of its nested blocks).
struct Args<'a> {
    module: &'a Module<'a>,
    file: FileId,
    body: &'a Body,
}

impl Arguments for Args<'_> {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T> {
        match self.value(key) {
            None => Field::Missing,
            Some(Resolved::Literal(node)) => read(Some(&node)),
            Some(Resolved::Resource { at, .. } | Resolved::Unknown(at)) => Field::Unknown(at),
        }
    }
}

impl<'a> Args<'a> {
    fn value(&self, key: &str) -> Option<Resolved> {
        let attr = self.body.get_attribute(key)?;
        let at = span_of(&attr.value, self.file);
        Some(self.module.resolve(&attr.value, self.file, at, 0))
    }

    /// An object argument (`value_specs`) as a node.
    fn object(&self, key: &str) -> Option<Node> {
        match self.value(key)? {
            Resolved::Literal(node) => Some(node),
            _ => None,
        }
    }

    /// Nested blocks (`segments {}`, `fixed_ip {}`), each readable as arguments.
    fn blocks(&self, ident: &'a str) -> impl Iterator<Item = Args<'a>> + use<'a> {
        let (module, file) = (self.module, self.file);
        self.body.get_blocks(ident).map(move |b| Args { module, file, body: &b.body })
    }

    fn span(&self) -> Span {
        use hcl_edit::Span as _;
        self.body.span().map_or(Span::new(self.file, 0, 0), |r| Span::new(self.file, r.start, r.end))
    }

    fn reference(&self, key: &str) -> Option<Ref> {
        self.value(key).map(Resolved::into_ref)
    }

    /// A list of references (`security_group_ids`), with the list's span.
    fn references(&self, key: &str) -> Option<Sp<Vec<Ref>>> {
        let attr = self.body.get_attribute(key)?;
        let span = span_of(&attr.value, self.file);
        let refs = match &attr.value {
            Expression::Array(items) => items
                .iter()
                .map(|item| self.module.resolve(item, self.file, span_of(item, self.file), 0).into_ref())
                .collect(),
            _ => vec![Ref::Unknown(span)],
        };
        Some(Sp::new(refs, span))
    }
}

/// Typed reads over a node that is already resolved (`value_specs`).
struct NodeArgs<'a>(Option<&'a Node>);

impl Arguments for NodeArgs<'_> {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T> {
        read(self.0.and_then(|n| n.get(key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(files: &[&str]) -> Site {
        let parsed: Vec<TerraformFile> = files
            .iter()
            .enumerate()
            .map(|(i, text)| TerraformFile {
                file: FileId(u32::try_from(i).unwrap()),
                body: parse(text).ok().unwrap(),
            })
            .collect();
        read_module(&parsed.iter().collect::<Vec<_>>())
    }

    #[test]
    fn resolves_references_variables_and_data_sources_across_files() {
        let net = r#"
resource "openstack_networking_network_v2" "cp" {
  name = "stretched-cp"
  segments {
    network_type     = "vlan"
    physical_network = var.physnet
    segmentation_id  = 100
  }
}
resource "openstack_networking_router_v2" "r" {
  distributed         = false
  external_network_id = data.openstack_networking_network_v2.ext.id
  value_specs         = { ha = "true" }
}
"#;
        let rest = r#"
variable "physnet" { default = "datacentre" }
variable "cidr" {}
data "openstack_networking_network_v2" "ext" { name = "external" }
resource "openstack_networking_subnet_v2" "cp" {
  network_id = openstack_networking_network_v2.cp.id
  cidr       = var.cidr
  gateway_ip = "10.20.0.1"
}
"#;
        let s = module(&[net, rest]);
        let network = &s.networks[0];
        assert_eq!(network.physical_network.value().map(String::as_str), Some("datacentre"));
        assert_eq!(network.network_type.value().map(String::as_str), Some("vlan"));
        assert_eq!(network.segmentation_id.value(), Some(&100));
        let subnet = &s.subnets[0];
        assert!(subnet.cidr.is_unknown(), "a variable without default is unknown");
        assert_eq!(
            s.network(&subnet.network).and_then(|n| n.name.value()).map(String::as_str),
            Some("stretched-cp")
        );
        let router = &s.routers[0];
        assert_eq!((router.ha.value(), router.distributed.value()), (Some(&true), Some(&false)));
        assert!(matches!(&router.external_network, Some(Ref::Named { value, .. }) if value == "external"));
        // The physnet is reported where `var.physnet` is written, not at the variable.
        let at = net.find("var.physnet").unwrap();
        assert_eq!(network.physical_network.span().map(|s| s.start as usize), Some(at));
    }

    #[test]
    fn several_segments_make_segment_objects_and_expressions_are_unknown() {
        let s = module(&[r#"
resource "openstack_networking_network_v2" "rpn" {
  name = "workers"
  segments {
    physical_network = "az1"
    network_type = "vlan"
  }
  segments {
    physical_network = "az2"
    network_type = "vlan"
  }
}
resource "openstack_networking_router_v2" "r" {
  distributed = var.dvr ? true : false
  name = "router-${var.suffix}"
}
"#]);
        assert_eq!(s.segments.len(), 2);
        assert!(s.networks[0].physical_network.value().is_none());
        assert!(s.routers[0].distributed.is_unknown());
        assert!(s.routers[0].name.is_unknown());
    }

    #[test]
    fn self_referencing_locals_end() {
        let s = module(&[r#"
locals {
  a = local.b
  b = local.a
}
resource "openstack_networking_subnet_v2" "s" { cidr = local.a }
"#]);
        assert!(s.subnets[0].cidr.is_unknown());
    }

    #[test]
    fn syntax_errors_have_an_offset() {
        let text = "resource \"x\" \"y\" {\n  name = \n}\n";
        let err = parse(text).err().unwrap();
        assert!(err.offset > 0 && err.offset <= text.len(), "{}", err.offset);
    }
}
