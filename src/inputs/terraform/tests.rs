//! Unit tests of the Terraform reader; fixtures and end-to-end tests are in `tests/`.

use std::path::Path;

use super::*;

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
