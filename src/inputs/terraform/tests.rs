//! Unit tests of the Terraform reader; fixtures and end-to-end tests are in `tests/`.

use std::path::Path;

use super::*;
use crate::model::site::FloatingIp;

fn module(files: &[&str]) -> Site {
    let named: Vec<(String, &str)> =
        files.iter().enumerate().map(|(i, t)| (format!("f{i}.tf"), *t)).collect();
    folder(&named.iter().map(|(n, t)| (n.as_str(), *t)).collect::<Vec<_>>())
}

/// A module of files named as given (`terraform.tfvars`, `main.tf`); file ids follow the order.
fn folder(files: &[(&str, &str)]) -> Site {
    let parsed: Vec<TerraformFile> = files
        .iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let body = parse(text).map_err(|e| e.message).unwrap();
            TerraformFile::new(FileId(u32::try_from(i).unwrap()), body, Path::new(name))
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

fn names(fields: impl Iterator<Item = Field<String>>) -> Vec<Option<String>> {
    fields.map(|f| f.value().cloned()).collect()
}

#[test]
fn templates_and_string_functions_are_evaluated() {
    let s = module(&[r#"
variable "cluster_id" { default = "ocp-x7k2p" }
variable "suffix" {
  type    = string
  default = 3
}
locals {
  prefix = lower("${upper(var.cluster_id)}")
  tag    = join("-", [local.prefix, "nodes", var.suffix])
}
resource "openstack_networking_network_v2" "a" { name = "${var.cluster_id}-openshift" }
resource "openstack_networking_network_v2" "b" { name = format("%s-nodes-%d", var.cluster_id, 2) }
resource "openstack_networking_network_v2" "c" { name = local.tag }
resource "openstack_networking_network_v2" "d" { name = upper(var.cluster_id) }
resource "openstack_networking_network_v2" "e" { name = format("%05d", 2) }
resource "openstack_networking_network_v2" "f" { name = format("%s-%s", var.cluster_id) }
resource "openstack_networking_network_v2" "g" { name = cidrexclude("10.0.0.0/24", 5) }
"#]);
    assert_eq!(
        names(s.networks.iter().map(|n| n.name.clone())),
        [
            Some("ocp-x7k2p-openshift".to_owned()),
            Some("ocp-x7k2p-nodes-2".to_owned()),
            Some("ocp-x7k2p-nodes-3".to_owned()),
            Some("OCP-X7K2P".to_owned()),
            // A width, a missing argument, a function not reproduced: unknown, not guessed.
            None,
            None,
            None,
        ]
    );
    assert!(s.networks.iter().skip(4).all(|n| n.name.is_unknown()));
}

#[test]
fn conditionals_follow_known_conditions_and_comparisons() {
    let s = module(&[r#"
variable "dvr" { default = false }
variable "env" { default = "prod" }
variable "unset" {}
resource "openstack_networking_router_v2" "a" {
  name        = var.env == "prod" ? "edge" : "lab"
  distributed = var.dvr ? true : false
}
resource "openstack_networking_router_v2" "b" {
  name        = var.env != "prod" ? "edge" : "lab"
  distributed = var.unset == "x" ? true : false
}
resource "openstack_networking_router_v2" "c" {
  name        = var.unset ? "same" : "same"
  distributed = var.unset != "" && false
}
"#]);
    let r = &s.routers;
    assert_eq!(
        names(r.iter().map(|r| r.name.clone())),
        [Some("edge".into()), Some("lab".into()), Some("same".into())]
    );
    assert_eq!(r[0].distributed.value(), Some(&false));
    assert!(r[1].distributed.is_unknown(), "an unknown condition with different branches is unknown");
    assert_eq!(r[2].distributed.value(), Some(&false), "false && anything");
}

#[test]
fn an_unknown_name_is_unknown_never_the_label() {
    let s = module(&[r#"
variable "cluster_id" {}
data "openstack_networking_network_v2" "ext" { name = var.external }
resource "openstack_networking_network_v2" "private" { name = "${var.cluster_id}-openshift" }
resource "openstack_networking_network_v2" "byfunc" { name = unknownfn("x") }
resource "openstack_networking_network_v2" "bydata" { name = data.openstack_networking_network_v2.ext.name }
resource "openstack_networking_network_v2" "unnamed" {}
"#]);
    for n in &s.networks {
        assert_ne!(n.name.value().map(String::as_str), Some(n.origin.key.value.as_str()));
    }
    assert!(s.networks.iter().take(3).all(|n| matches!(n.name, Field::Unknown(_))), "{:?}", s.networks);
    assert_eq!(s.networks[3].name, Field::Missing);
}

#[test]
fn count_makes_one_object_per_index_with_indexed_references() {
    let s = module(&[r#"
variable "azs" { default = ["az1", "az2", "az3"] }
resource "openstack_networking_network_v2" "nodes" {
  count = length(var.azs)
  name  = "nodes-${var.azs[count.index]}"
}
resource "openstack_networking_subnet_v2" "nodes" {
  count      = 3
  name       = "nodes-${count.index}"
  network_id = openstack_networking_network_v2.nodes[count.index].id
  cidr       = "10.0.${count.index}.0/24"
}
resource "openstack_networking_subnet_v2" "none" {
  count = 0
  name  = "never"
}
resource "openstack_networking_router_interface_v2" "first" {
  router_id = "r"
  subnet_id = openstack_networking_subnet_v2.nodes[0].id
}
resource "openstack_networking_router_interface_v2" "splat" {
  router_id = "r"
  subnet_id = element(openstack_networking_subnet_v2.nodes.*.id, 2)
}
resource "openstack_networking_router_interface_v2" "full_splat" {
  router_id = "r"
  subnet_id = (openstack_networking_subnet_v2.nodes[*].id)[1]
}
resource "openstack_networking_router_interface_v2" "out_of_range" {
  router_id = "r"
  subnet_id = openstack_networking_subnet_v2.nodes[7].id
}
"#]);
    let keys: Vec<&str> = s.networks.iter().map(|n| n.origin.key.value.as_str()).collect();
    assert_eq!(keys, ["nodes[0]", "nodes[1]", "nodes[2]"]);
    assert_eq!(s.networks[2].name.value().map(String::as_str), Some("nodes-az3"));
    assert_eq!(s.subnets.len(), 3, "count = 0 is no object");
    for (i, subnet) in s.subnets.iter().enumerate() {
        let network = s.network(&subnet.network).unwrap();
        assert_eq!(network.origin.key.value, format!("nodes[{i}]"));
        assert_eq!(subnet.cidr.value().map(ToString::to_string), Some(format!("10.0.{i}.0/24")));
    }
    let subnet_of = |i: usize| {
        s.router_interfaces[i].subnet.as_ref().and_then(|r| s.subnet(r)).map(|s| s.origin.key.value.clone())
    };
    assert_eq!(subnet_of(0).as_deref(), Some("nodes[0]"));
    assert_eq!(subnet_of(1).as_deref(), Some("nodes[2]"));
    assert_eq!(subnet_of(2).as_deref(), Some("nodes[1]"));
    assert!(matches!(s.router_interfaces[3].subnet, Some(Ref::Unknown(_))));
}

#[test]
fn an_unknown_count_is_one_object_with_unknown_per_index_values() {
    let s = module(&[r#"
variable "masters_count" {}
variable "cluster_id" { default = "ocp" }
resource "openstack_networking_port_v2" "masters" {
  count      = var.masters_count
  name       = "${var.cluster_id}-master-${count.index}"
  network_id = "nodes"
}
resource "openstack_networking_router_v2" "r" {
  count = var.masters_count > 0 ? 1 : 0
  name  = "${var.cluster_id}-router"
}
resource "openstack_networking_router_interface_v2" "i" {
  count     = var.masters_count > 0 ? 1 : 0
  router_id = join("", openstack_networking_router_v2.r.*.id)
  port_id   = openstack_networking_port_v2.masters[count.index].id
}
"#]);
    assert_eq!(s.ports.len(), 1, "not multiplied");
    assert_eq!(s.ports[0].origin.key.value, "masters[?]");
    assert!(s.ports[0].name.is_unknown(), "count.index is unknown");
    assert_eq!(
        s.routers[0].name.value().map(String::as_str),
        Some("ocp-router"),
        "index-free values stay known"
    );
    let interface = &s.router_interfaces[0];
    let router = s
        .routers
        .iter()
        .find(|r| matches!(&interface.router, Ref::Resource { key, .. } if *key == r.origin.key.value));
    assert!(
        router.is_some(),
        "join of a splat over zero or one router is that router: {:?}",
        interface.router
    );
}

#[test]
fn for_each_over_a_literal_map_or_set_makes_one_object_per_key() {
    let s = module(&[r#"
locals {
  zones = { az1 = "10.1.0.0/24", az2 = "10.2.0.0/24" }
}
resource "openstack_networking_network_v2" "zone" {
  for_each = local.zones
  name     = "nodes-${each.key}"
}
resource "openstack_networking_subnet_v2" "zone" {
  for_each   = local.zones
  name       = "nodes-${each.key}"
  network_id = openstack_networking_network_v2.zone[each.key].id
  cidr       = each.value
}
resource "openstack_networking_secgroup_v2" "set" {
  for_each = toset(["b", "a", "b"])
  name     = "sg-${each.value}"
}
resource "openstack_networking_secgroup_v2" "unknown" {
  for_each = var.groups
  name     = "sg-${each.key}"
}
"#]);
    let keys: Vec<&str> = s.networks.iter().map(|n| n.origin.key.value.as_str()).collect();
    assert_eq!(keys, [r#"zone["az1"]"#, r#"zone["az2"]"#]);
    let subnet = &s.subnets[1];
    assert_eq!(subnet.cidr.value().map(ToString::to_string).as_deref(), Some("10.2.0.0/24"));
    assert_eq!(
        s.network(&subnet.network).and_then(|n| n.name.value()).map(String::as_str),
        Some("nodes-az2")
    );
    assert_eq!(
        names(s.security_groups.iter().map(|g| g.name.clone())),
        [Some("sg-a".into()), Some("sg-b".into()), None]
    );
    assert_eq!(s.security_groups[2].origin.key.value, "unknown[?]");
}

#[test]
fn tfvars_follow_terraforms_precedence() {
    let config = r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" {}
resource "openstack_networking_network_v2" "a" { name = var.a }
resource "openstack_networking_network_v2" "b" { name = var.b }
resource "openstack_networking_network_v2" "c" { name = var.c }
resource "openstack_networking_network_v2" "d" { name = var.d }
resource "openstack_networking_network_v2" "e" { name = var.e }
"#;
    let s = folder(&[
        ("z.auto.tfvars", "c = \"z-auto\"\n"),
        ("main.tf", config),
        ("terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n"),
        ("a.auto.tfvars", "c = \"a-auto\"\nd = \"a-auto\"\n"),
        // Read only when named with `-var-file`: what it sets is not known.
        ("prod.tfvars", "e = \"prod\"\n"),
    ]);
    assert_eq!(
        names(s.networks.iter().map(|n| n.name.clone())),
        [Some("default".into()), Some("tfvars".into()), Some("z-auto".into()), Some("a-auto".into()), None]
    );
    assert!(s.networks[4].name.is_unknown());
}

#[test]
fn a_called_module_takes_its_callers_arguments() {
    let root = r#"
variable "cluster_id" { default = "ocp-abc" }
module "topology" {
  source     = "./topology"
  cluster_id = var.cluster_id
}
resource "openstack_networking_router_interface_v2" "i" {
  router_id = "r"
  subnet_id = module.topology.subnet_id
}
"#;
    let child = r#"
variable "cluster_id" { default = "not-used" }
variable "cidr" { default = "10.0.0.0/16" }
resource "openstack_networking_network_v2" "n" { name = "${var.cluster_id}-openshift" }
resource "openstack_networking_subnet_v2" "s" {
  network_id = openstack_networking_network_v2.n.id
  cidr       = var.cidr
}
output "subnet_id" { value = openstack_networking_subnet_v2.s.id }
"#;
    let files = [
        TerraformFile::new(FileId(0), parse(root).ok().unwrap(), Path::new("main.tf")),
        TerraformFile::new(FileId(1), parse(child).ok().unwrap(), Path::new("topology/main.tf")),
        TerraformFile::new(
            FileId(2),
            parse("cluster_id = \"ignored\"\n").ok().unwrap(),
            Path::new("terraform.tfvars"),
        ),
    ];
    let s = read_modules(&[
        (Path::new("net"), &files[0]),
        (Path::new("net/topology"), &files[1]),
        (Path::new("net/topology"), &files[2]),
    ]);
    assert_eq!(s.networks[0].name.value().map(String::as_str), Some("ocp-abc-openshift"));
    assert_eq!(s.subnets[0].cidr.value().map(ToString::to_string).as_deref(), Some("10.0.0.0/16"));
    let subnet = s.router_interfaces[0].subnet.as_ref().and_then(|r| s.subnet(r));
    assert!(subnet.is_some(), "an output refers to the child's subnet");
}

#[test]
fn floating_ips_get_their_address_network_and_port() {
    let s = module(&[r#"
variable "api_floating_ip" { default = "203.0.113.10" }
variable "ingress_floating_ip" { default = "" }
resource "openstack_networking_port_v2" "api" {
  network_id = "nodes"
  fixed_ip { subnet_id = openstack_networking_subnet_v2.nodes.id }
}
resource "openstack_networking_subnet_v2" "nodes" {
  network_id = "nodes"
  cidr       = "10.0.0.0/16"
}
resource "openstack_networking_floatingip_associate_v2" "api_fip" {
  count       = length(var.api_floating_ip) == 0 ? 0 : 1
  port_id     = openstack_networking_port_v2.api.id
  floating_ip = var.api_floating_ip
}
resource "openstack_networking_floatingip_associate_v2" "ingress_fip" {
  count       = length(var.ingress_floating_ip) == 0 ? 0 : 1
  port_id     = openstack_networking_port_v2.api.id
  floating_ip = var.ingress_floating_ip
}
resource "openstack_networking_floatingip_v2" "pool" {
  pool    = "external"
  address = "203.0.113.20"
}
resource "openstack_networking_floatingip_v2" "by_id" {
  floating_network_id = data.openstack_networking_network_v2.ext.id
}
data "openstack_networking_network_v2" "ext" { name = "public" }
resource "openstack_networking_floatingip_associate_v2" "pool" {
  port_id     = openstack_networking_port_v2.api.id
  floating_ip = "203.0.113.20"
}
resource "openstack_networking_floatingip_associate_v2" "by_id" {
  port_id     = openstack_networking_port_v2.api.id
  floating_ip = openstack_networking_floatingip_v2.by_id.address
}
"#]);
    let port = |f: &FloatingIp| matches!(&f.port, Some(Ref::Resource { key, .. }) if key == "api");
    let named = |f: &FloatingIp| match &f.floating_network {
        Some(Ref::Named { value, .. }) => Some(value.clone()),
        _ => None,
    };
    assert_eq!(s.floating_ips.len(), 3, "{:?}", s.floating_ips);
    let [pool, by_id, api] = [&s.floating_ips[0], &s.floating_ips[1], &s.floating_ips[2]];
    assert_eq!(api.origin.key.value, "api_fip[0]");
    assert_eq!(api.address.value().map(ToString::to_string).as_deref(), Some("203.0.113.10"));
    assert!(port(api) && port(pool) && port(by_id), "every association sets the port");
    assert_eq!(named(pool).as_deref(), Some("external"));
    assert_eq!(named(by_id).as_deref(), Some("public"));
    assert_eq!(pool.address.value().map(ToString::to_string).as_deref(), Some("203.0.113.20"));
    assert!(by_id.address.value().is_none(), "allocated at apply");
}

#[test]
fn a_router_interface_by_port_is_on_the_ports_subnet() {
    let s = module(&[r#"
resource "openstack_networking_router_interface_v2" "by_port" {
  router_id = openstack_networking_router_v2.r.id
  port_id   = openstack_networking_port_v2.gw.id
}
resource "openstack_networking_router_interface_v2" "by_bare_port" {
  router_id = openstack_networking_router_v2.r.id
  port_id   = openstack_networking_port_v2.bare.id
}
resource "openstack_networking_router_v2" "r" { name = "r" }
resource "openstack_networking_network_v2" "n" { name = "nodes" }
resource "openstack_networking_subnet_v2" "s" {
  network_id = openstack_networking_network_v2.n.id
  cidr       = "10.0.0.0/24"
}
resource "openstack_networking_port_v2" "gw" {
  network_id = openstack_networking_network_v2.n.id
  fixed_ip {
    subnet_id  = openstack_networking_subnet_v2.s.id
    ip_address = "10.0.0.1"
  }
}
resource "openstack_networking_port_v2" "bare" { network_id = openstack_networking_network_v2.n.id }
"#]);
    let subnet = s.router_interfaces[0].subnet.as_ref().and_then(|r| s.subnet(r));
    assert_eq!(subnet.map(|s| s.origin.key.value.as_str()), Some("s"));
    assert_eq!(s.routers_on(&s.networks[0]).count(), 1, "{:?}", s.router_interfaces);
    assert!(
        matches!(s.router_interfaces[1].subnet, Some(Ref::Unknown(_))),
        "a port without fixed IP: unknown"
    );
}

#[test]
fn dynamic_blocks_make_one_block_per_element() {
    let s = module(&[r#"
variable "user_managed_lb" { default = false }
variable "api_int_ips" { default = ["10.0.0.5", "fd2e::5"] }
locals {
  ports = [{ subnet_id = "nodes-v4", ip_address = "10.0.0.20" }]
}
resource "openstack_networking_port_v2" "master" {
  network_id = "nodes"
  dynamic "fixed_ip" {
    for_each = local.ports
    content {
      subnet_id  = fixed_ip.value["subnet_id"]
      ip_address = fixed_ip.value.ip_address
    }
  }
  dynamic "allowed_address_pairs" {
    for_each = var.user_managed_lb ? [] : var.api_int_ips
    iterator = vip
    content {
      ip_address = vip.value
    }
  }
}
resource "openstack_networking_port_v2" "unknown" {
  network_id = "nodes"
  allowed_address_pairs { ip_address = "10.0.0.7" }
  dynamic "allowed_address_pairs" {
    for_each = var.not_declared
    content { ip_address = allowed_address_pairs.value }
  }
}
"#]);
    let master = &s.ports[0];
    assert!(matches!(&master.fixed_ips[..], [(Some(Ref::Named { value, .. }), ip)]
        if value == "nodes-v4" && ip.value().map(ToString::to_string).as_deref() == Some("10.0.0.20")));
    let pairs: Vec<Option<&str>> =
        master.allowed_address_pairs.iter().map(|p| p.value().map(String::as_str)).collect();
    assert_eq!(pairs, [Some("10.0.0.5"), Some("fd2e::5")]);
    let unknown: Vec<bool> = s.ports[1].allowed_address_pairs.iter().map(Field::is_unknown).collect();
    assert_eq!(unknown, [false, true], "an unknown for_each: one block, its values unknown");
}

#[test]
fn attributes_of_other_resources_are_read_once_each() {
    // Each name refers twice to the one before: without the cache, 2^40 evaluations, and
    // without a bound on text, 2^39 bytes.
    let mut text = String::from("resource \"openstack_networking_network_v2\" \"n0\" { name = \"x\" }\n");
    for i in 1..40 {
        let p = i - 1;
        text.push_str(&format!(
            "resource \"openstack_networking_network_v2\" \"n{i}\" {{\n  name = \"${{openstack_networking_network_v2.n{p}.name}}${{openstack_networking_network_v2.n{p}.name}}\"\n}}\n"
        ));
    }
    let s = module(&[&text]);
    assert_eq!(s.networks[3].name.value().map(String::as_str), Some("xxxxxxxx"));
    // Beyond the bounds the value is unknown, not wrong.
    assert!(s.networks[39].name.is_unknown());
    assert!(s.networks.iter().all(|n| n.name.value().is_none_or(|v| v.chars().all(|c| c == 'x'))));
}

#[test]
fn address_and_collection_functions() {
    let s = module(&[r#"
locals {
  base  = { az1 = "10.1.0.0/16" }
  zones = merge(local.base, { az2 = "10.2.0.0/16" }, { az1 = "10.9.0.0/16" })
}
resource "openstack_networking_subnet_v2" "a" {
  network_id = "n"
  cidr       = local.zones["az1"]
  gateway_ip = cidrhost(local.zones["az1"], 1)
}
resource "openstack_networking_subnet_v2" "b" {
  network_id = "n"
  cidr       = element(values(local.zones), 1)
  gateway_ip = cidrhost("10.12.127.0/20", -2)
}
resource "openstack_networking_subnet_v2" "c" {
  name       = join(",", keys(local.zones))
  network_id = "n"
  gateway_ip = cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)
}
resource "openstack_networking_subnet_v2" "d" {
  network_id = "n"
  gateway_ip = cidrhost("10.0.0.0/30", 4)
}
"#]);
    let text = |f: &Field<std::net::IpAddr>| f.value().map(ToString::to_string);
    let cidr = |i: usize| s.subnets[i].cidr.value().map(ToString::to_string);
    assert_eq!(cidr(0).as_deref(), Some("10.9.0.0/16"), "a later map wins");
    assert_eq!(text(&s.subnets[0].gateway_ip).as_deref(), Some("10.9.0.1"));
    assert_eq!(cidr(1).as_deref(), Some("10.2.0.0/16"));
    assert_eq!(text(&s.subnets[1].gateway_ip).as_deref(), Some("10.12.127.254"), "counted from the end");
    assert_eq!(s.subnets[2].name.value().map(String::as_str), Some("az1,az2"));
    assert_eq!(text(&s.subnets[2].gateway_ip).as_deref(), Some("fd00:fd12:3456:7890::22"));
    assert!(
        s.subnets[3].gateway_ip.is_unknown(),
        "beyond the prefix: Terraform fails, the scan does not guess"
    );
}

#[test]
fn a_module_called_twice_knows_only_what_both_calls_agree_on() {
    let root = r#"
module "a" {
  source = "./net"
  prefix = "ocp"
  cidr   = "10.0.0.0/16"
}
module "b" {
  source = "./net"
  prefix = "ocp"
  cidr   = "10.1.0.0/16"
}
"#;
    let child = r#"
variable "prefix" {}
variable "cidr" {}
resource "openstack_networking_network_v2" "n" { name = "${var.prefix}-net" }
resource "openstack_networking_subnet_v2" "s" {
  network_id = openstack_networking_network_v2.n.id
  cidr       = var.cidr
}
"#;
    let files = [
        TerraformFile::new(FileId(0), parse(root).ok().unwrap(), Path::new("main.tf")),
        TerraformFile::new(FileId(1), parse(child).ok().unwrap(), Path::new("main.tf")),
    ];
    let s = read_modules(&[(Path::new("x"), &files[0]), (Path::new("x/net"), &files[1])]);
    assert_eq!(s.networks[0].name.value().map(String::as_str), Some("ocp-net"));
    assert!(s.subnets[0].cidr.is_unknown(), "the calls disagree: either may be meant");
}
