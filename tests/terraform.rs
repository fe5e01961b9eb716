//! Terraform modules read end to end: `.tfvars` files discovered and applied in Terraform's
//! order, a child module fed by its caller, `count`/`for_each` instances, floating IPs and router
//! interfaces by port, and the secrets of `.tfvars` files masked.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

use std::path::{Path, PathBuf};

mod common;

use common::{TempDir, stretchlint_in};
use stretchlint::inputs::terraform::{self, TerraformFile};
use stretchlint::model::site::{Ref, Site};
use stretchlint::source::FileId;
use stretchlint::{Settings, model_json};

const FIXTURE: &str = "fixtures/terraform/installer-modules";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every file of the fixture, as the loader finds them (`.tf`, `.tfvars`, `.tfvars.json`).
fn fixture_files() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![root().join(FIXTURE)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if stretchlint::discover::kind(&path) == Some(stretchlint::discover::FileKind::Terraform) {
                out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn site() -> Site {
    let files: Vec<(PathBuf, TerraformFile)> = fixture_files()
        .into_iter()
        .enumerate()
        .map(|(i, (path, text))| {
            let body = terraform::parse_file(&path, &text).map_err(|e| e.message).unwrap();
            let dir = path.parent().unwrap().to_path_buf();
            (dir, TerraformFile::new(FileId(u32::try_from(i).unwrap()), body, &path))
        })
        .collect();
    let mut site = terraform::read_modules(&files.iter().map(|(d, f)| (d.as_path(), f)).collect::<Vec<_>>());
    site.index();
    site
}

#[test]
fn tfvars_files_are_discovered_and_feed_the_child_module() {
    let names: Vec<String> = fixture_files()
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n.contains("tfvars"))
        .collect();
    assert_eq!(names, ["terraform.tfvars", "terraform.tfvars.json", "zz-site.auto.tfvars"]);
    let model = model_json(&[root().join(FIXTURE)], &Settings::default()).unwrap();
    let network = &model["networks"][0];
    // `terraform.tfvars.json` wins over `terraform.tfvars`; the root passes it to the child.
    assert_eq!(network["name"], "stretch-4kq9z-openshift");
    assert_eq!(
        network["subnets"][0],
        serde_json::json!({"name": "stretch-4kq9z-nodes", "cidr": "10.0.0.0/16"})
    );
    let router = &model["routers"][0];
    assert_eq!(router["name"], "stretch-4kq9z-external-router");
    assert_eq!(router["availabilityZoneHints"], serde_json::json!(["az0", "az1", "az2"]));
}

#[test]
fn count_and_for_each_instances_with_their_own_names() {
    let site = site();
    let ports: Vec<(&str, Option<&str>)> = site
        .ports
        .iter()
        .map(|p| (p.origin.key.value.as_str(), p.name.value().map(String::as_str)))
        .collect();
    // `master_count = 3` from the `.auto.tfvars` file, over the root's default of 1.
    assert_eq!(
        ports,
        [
            ("masters[0]", Some("stretch-4kq9z-master-0")),
            ("masters[1]", Some("stretch-4kq9z-master-1")),
            ("masters[2]", Some("stretch-4kq9z-master-2")),
            ("api", Some("stretch-4kq9z-api-port")),
            ("ingress", Some("stretch-4kq9z-ingress-port")),
            ("router_leg", Some("stretch-4kq9z-router-leg")),
        ]
    );
    let groups: Vec<&str> = site.security_groups.iter().map(|g| g.origin.key.value.as_str()).collect();
    assert_eq!(groups, [r#"zone["az0"]"#, r#"zone["az1"]"#, r#"zone["az2"]"#]);
    // `local.subnet_id` picks `nodes[0]` once `machines_subnet_id` is known to be empty.
    let subnet = site.ports[0].fixed_ips[0].0.as_ref().and_then(|r| site.subnet(r)).unwrap();
    assert_eq!(subnet.origin.key.value, "nodes[0]");
}

#[test]
fn floating_ips_carry_address_port_and_network() {
    let site = site();
    let port_of = |r: &Option<Ref>| match r {
        Some(Ref::Resource { key, .. }) => Some(key.clone()),
        _ => None,
    };
    let fips: Vec<(Option<String>, Option<String>, Option<String>)> = site
        .floating_ips
        .iter()
        .map(|f| {
            let network = match &f.floating_network {
                Some(Ref::Named { value, .. }) => Some(value.clone()),
                _ => None,
            };
            (f.address.value().map(ToString::to_string), port_of(&f.port), network)
        })
        .collect();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        fips,
        [
            // Allocated at apply: no address; the pool is the external network.
            (None, s("masters[0]"), s("public")),
            // Associated by address: the ingress one comes from the `.auto.tfvars` file.
            (s("203.0.113.10"), s("api"), None),
            (s("203.0.113.11"), s("ingress"), None),
        ]
    );
}

#[test]
fn the_router_interface_by_port_puts_the_router_on_the_nodes_network() {
    let site = site();
    let interface = &site.router_interfaces[0];
    let subnet = interface.subnet.as_ref().and_then(|r| site.subnet(r)).unwrap();
    assert_eq!(subnet.origin.key.value, "nodes[0]");
    let network = site.networks.first().unwrap();
    let routers: Vec<&str> = site.routers_on(network).map(|r| r.origin.key.value.as_str()).collect();
    assert_eq!(routers, ["external[0]"], "join(\"\", …*.id) over a count of 1");
}

#[test]
fn tfvars_secrets_are_masked() {
    for (path, text) in fixture_files() {
        let masked = stretchlint::secrets::find(&path, &text).mask(&text);
        for secret in ["not-a-real-password-9f2c", "json-secret-value-3b7d"] {
            assert!(!masked.contains(secret), "{}: {masked}", path.display());
        }
        if path.ends_with("terraform.tfvars") {
            assert!(masked.contains("ocp-installer") && masked.contains("public"), "{masked}");
        }
    }
    // And in a run's output: the lines shown beside a parse error.
    let dir = TempDir::new("tfvars");
    dir.write("net/broken.auto.tfvars", "os_password = \"hunter2-tfvars\"\nname = \n");
    dir.write("net/x.tfvars.json", "{\"os_token\": \"hunter3-json\",\n  \"a\": }\n");
    let run = stretchlint_in(&["check", "net"], &dir.0);
    let out = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert_eq!(out.matches("SL001").count(), 2, "{out}");
    assert!(out.contains("os_password") && out.contains("os_token"), "the lines are shown: {out}");
    assert!(!out.contains("hunter2-tfvars") && !out.contains("hunter3-json"), "{out}");
}
