//! The `openstack_networking_*_v2` resources as Neutron objects of the Site, and the two read
//! once every resource is (floating IP associations, router interfaces by port).

use super::eval::Value;
use super::{Args, NodeArgs};
use crate::inputs::field::{self, Arguments, Field};
use crate::model::site::{
    FloatingIp, Network, Origin, Port, Ref, Router, RouterInterface, SecurityGroup, SecurityGroupRule,
    Segment, Site, Subnet,
};
use crate::source::{FileId, Sp};

/// What is read once every resource is: what refers to a port or a floating IP by what it is.
#[derive(Default)]
pub(super) struct Later {
    /// Router interfaces added by `port_id`: their position and the port.
    interface_ports: Vec<(usize, Ref)>,
    associations: Vec<Association>,
}

/// An `openstack_networking_floatingip_associate_v2`.
struct Association {
    origin: Origin,
    /// The floating IP resource of the scan that `floating_ip` refers to (by its `address`).
    resource: Option<(FileId, String)>,
    address: Field<std::net::IpAddr>,
    port: Option<Ref>,
}

impl Later {
    pub(super) fn apply(self, site: &mut Site) {
        for (at, port) in self.interface_ports {
            let subnet = subnet_of_port(site, &port);
            if let Some(interface) = site.router_interfaces.get_mut(at) {
                interface.subnet = Some(subnet);
            }
        }
        for a in self.associations {
            let known = a.address.value().copied();
            let existing = site.floating_ips.iter_mut().find(|f| match &a.resource {
                Some((file, key)) => f.origin.file == *file && f.origin.key.value == *key,
                None => known.is_some() && f.address.value().copied() == known,
            });
            match existing {
                Some(fip) => {
                    fip.port = a.port;
                    if !fip.address.is_present() || (fip.address.is_unknown() && known.is_some()) {
                        fip.address = a.address;
                    }
                }
                // A floating IP allocated elsewhere (by hand, by another tool): it exists with
                // that address and this port.
                None => site.floating_ips.push(FloatingIp {
                    origin: a.origin,
                    floating_network: None,
                    port: a.port,
                    address: a.address,
                }),
            }
        }
    }
}

/// The subnet a router interface added by port is on: the subnet of the port's one fixed IP.
/// Unknown when the port is not a resource of the scan or has no single fixed-IP subnet.
fn subnet_of_port(site: &Site, port: &Ref) -> Ref {
    let span = port.span();
    let Ref::Resource { file, key, .. } = port else { return Ref::Unknown(span) };
    let Some(p) = site.ports.iter().find(|p| p.origin.file == *file && p.origin.key.value == *key) else {
        return Ref::Unknown(span);
    };
    let mut subnets = p.fixed_ips.iter().filter_map(|(s, _)| s.as_ref());
    match (subnets.next(), subnets.next(), p.fixed_ips.len()) {
        (Some(Ref::Resource { file, key, .. }), None, 1) => {
            Ref::Resource { file: *file, key: key.clone(), span }
        }
        (Some(Ref::Named { value, .. }), None, 1) => Ref::Named { value: value.clone(), span },
        _ => Ref::Unknown(span),
    }
}

/// Adds the Neutron object a resource instance stands for, if any.
pub(super) fn read(site: &mut Site, later: &mut Later, kind: &str, origin: Origin, a: &Args<'_>) {
    let specs = a.object("value_specs");
    let specs = NodeArgs(specs.as_ref());
    match kind {
        "openstack_networking_network_v2" => {
            let segments: Vec<Args<'_>> = a.blocks("segments");
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
        "openstack_networking_router_interface_v2" => {
            let subnet = a.reference("subnet_id");
            // An interface added by port is on the subnet of the port's fixed IP, known once
            // every port is read.
            if subnet.is_none()
                && let Some(port) = a.reference("port_id")
            {
                later.interface_ports.push((site.router_interfaces.len(), port));
            }
            site.router_interfaces.push(RouterInterface {
                router: a.reference("router_id").unwrap_or(Ref::Unknown(origin.key.span)),
                subnet,
                origin,
            });
        }
        "openstack_networking_port_v2" => site.ports.push(Port {
            name: a.string("name"),
            network: a.reference("network_id").unwrap_or(Ref::Unknown(origin.key.span)),
            fixed_ips: a
                .blocks("fixed_ip")
                .iter()
                .map(|ip| (ip.reference("subnet_id"), ip.parsed("ip_address")))
                .collect(),
            allowed_address_pairs: a
                .blocks("allowed_address_pairs")
                .iter()
                .map(|p| p.string("ip_address"))
                .collect(),
            security_groups: a.references("security_group_ids"),
            port_security: a.boolean("port_security_enabled"),
            origin,
        }),
        "openstack_networking_floatingip_v2" => site.floating_ips.push(FloatingIp {
            // `pool` names the external network, `floating_network_id` gives its id.
            floating_network: a.reference("floating_network_id").or_else(|| a.reference("pool")),
            port: a.reference("port_id"),
            address: a.parsed("address"),
            origin,
        }),
        "openstack_networking_floatingip_associate_v2" => {
            let (resource, address) = match a.value("floating_ip") {
                // `floating_ip = openstack_networking_floatingip_v2.api.address`, allocated at
                // apply: that floating IP gets the port.
                Some(Value::Resource(r)) if r.kind == "openstack_networking_floatingip_v2" => {
                    (Some((r.file, r.key.clone())), Field::Unknown(r.span))
                }
                Some(v) => (None, field::parsed(Some(&v.into_node()))),
                None => (None, Field::Missing),
            };
            later.associations.push(Association { origin, resource, address, port: a.reference("port_id") });
        }
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
