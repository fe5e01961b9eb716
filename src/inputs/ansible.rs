//! Ansible playbooks and task files that create the network with the `openstack.cloud` modules
//! (or their legacy `os_*` names, DOMAIN.md §D.5), the Nova servers of a UPI cluster
//! (`openstack.cloud.server`, `os_server`), and an F5 BIG-IP configuration (`bigip`).
//!
//! A value written as `"{{ var }}"` takes the play's `vars` entry, or else the variable of a YAML
//! inventory in the playbook's folder (or above it), when that is a literal; any other template
//! expression is unknown. Playbooks are therefore read when the model is built, once every
//! inventory of the scan is known. `state: absent` tasks delete objects and are skipped. The
//! modules cannot set a router's `ha` or `distributed` flag, so those stay missing.

mod bigip;

use std::collections::HashMap;
use std::path::Path;

use crate::inputs::field::{self, Arguments, Field};
use crate::inputs::lb::LbConfig;
use crate::model::site::{
    FloatingIp, Network, Origin, Port, Ref, Router, RouterInterface, SecurityGroup, SecurityGroupRule,
    Segment, Server, Site, Subnet,
};
use crate::source::{FileId, Sp};
use crate::yaml::{Node, NodeKind, is_templated};

/// The object a module creates: a Neutron object, a Nova server or F5 configuration.
#[derive(Clone, Copy, PartialEq)]
enum Module {
    Server,
    BigIp(bigip::Module),
    Network,
    Segment,
    Subnet,
    Router,
    Port,
    FloatingIp,
    SecurityGroup,
    SecurityGroupRule,
}

fn module(key: &str) -> Option<Module> {
    if let Some(m) = bigip::module(key) {
        return Some(Module::BigIp(m));
    }
    let short = key.strip_prefix("openstack.cloud.").or_else(|| key.strip_prefix("os_"))?;
    Some(match short {
        "network" => Module::Network,
        "network_segment" => Module::Segment,
        "subnet" => Module::Subnet,
        "router" => Module::Router,
        "port" => Module::Port,
        "floating_ip" => Module::FloatingIp,
        "security_group" => Module::SecurityGroup,
        "security_group_rule" => Module::SecurityGroupRule,
        "server" => Module::Server,
        _ => return None,
    })
}

/// Whether a document is a play list or a task list that uses one of the modules read here.
pub fn is_ansible(root: &Node) -> bool {
    fn uses_module(node: &Node) -> bool {
        node.as_seq().unwrap_or_default().iter().any(|item| {
            item.as_map().unwrap_or_default().iter().any(|(k, v)| match k.as_str() {
                Some("tasks" | "pre_tasks" | "post_tasks" | "block" | "rescue" | "always") => uses_module(v),
                Some(key) => module(key).is_some(),
                None => false,
            })
        })
    }
    uses_module(root)
}

/// A playbook or task file, kept until the inventories beside it are known.
#[derive(Debug)]
pub struct Playbook {
    pub file: FileId,
    pub root: Node,
}

/// The variables a YAML inventory sets.
#[derive(Debug)]
pub struct Inventory {
    pub file: FileId,
    pub vars: Vec<(String, Node)>,
}

/// Whether a document is a YAML inventory: `all:` holding `hosts`, `children` or `vars`.
pub fn is_inventory(root: &Node) -> bool {
    root.as_map().is_some_and(|m| m.len() == 1)
        && root
            .get("all")
            .is_some_and(|all| ["hosts", "children", "vars"].iter().any(|k| all.get(k).is_some()))
}

/// An inventory's variables, least specific first (`all.vars`, group vars, host vars), so that a
/// later entry wins as in Ansible's precedence.
pub fn read_inventory(file: FileId, mut root: Node) -> Inventory {
    fn group(node: Node, vars: &mut Vec<(String, Node)>, hosts: &mut Vec<(String, Node)>, depth: usize) {
        let NodeKind::Map(entries) = node.kind else { return };
        for (key, value) in entries {
            match (key.as_str(), value.kind) {
                (Some("vars"), NodeKind::Map(v)) => vars.extend(named(v)),
                (Some("hosts"), NodeKind::Map(h)) => {
                    for (_, host) in h {
                        if let NodeKind::Map(v) = host.kind {
                            hosts.extend(named(v));
                        }
                    }
                }
                // Group nesting is shallow in practice; the YAML budget bounds it anyway.
                (Some("children"), NodeKind::Map(children)) if depth < 16 => {
                    for (_, child) in children {
                        group(child, vars, hosts, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }
    fn named(entries: Vec<(Node, Node)>) -> impl Iterator<Item = (String, Node)> {
        entries.into_iter().filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v)))
    }
    let (mut vars, mut hosts) = (Vec::new(), Vec::new());
    if let Some(all) = root.take_path(&["all"]) {
        group(all, &mut vars, &mut hosts, 0);
    }
    vars.append(&mut hosts);
    Inventory { file, vars }
}

/// What one playbook or task file creates, while it is read.
struct Out<'d> {
    file: FileId,
    /// The playbook's folder, which its servers and F5 configuration keep.
    dir: &'d Path,
    site: Site,
    bigip: bigip::Config,
}

/// The objects a playbook or task file in `dir` creates; `inventory` holds the variables of the
/// inventories beside it (a play's own `vars` win over them).
pub fn read(file: FileId, root: &Node, inventory: &[&Inventory], dir: &Path) -> Site {
    let mut out = Out { file, dir, site: Site::default(), bigip: bigip::Config::default() };
    let base: HashMap<&str, &Node> =
        inventory.iter().flat_map(|i| &i.vars).map(|(k, v)| (k.as_str(), v)).collect();
    for item in root.as_seq().unwrap_or_default() {
        if item.get("hosts").is_some() || item.get("tasks").is_some() {
            let mut vars = base.clone();
            vars.extend(play_vars(item));
            for list in ["pre_tasks", "tasks", "post_tasks"] {
                if let Some(tasks) = item.get(list) {
                    read_tasks(&mut out, tasks, &vars);
                }
            }
        } else {
            read_task(&mut out, item, &base);
        }
    }
    let Out { mut site, bigip, .. } = out;
    if let Some(proxy) = bigip.into_proxy(file) {
        site.load_balancers.push((dir.to_path_buf(), LbConfig::Proxy(proxy)));
    }
    site
}

fn play_vars(play: &Node) -> HashMap<&str, &Node> {
    play.get("vars")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
        .collect()
}

fn read_tasks(out: &mut Out<'_>, tasks: &Node, vars: &HashMap<&str, &Node>) {
    for task in tasks.as_seq().unwrap_or_default() {
        read_task(out, task, vars);
    }
}

fn read_task(out: &mut Out<'_>, task: &Node, vars: &HashMap<&str, &Node>) {
    for nested in ["block", "rescue", "always"] {
        if let Some(tasks) = task.get(nested) {
            read_tasks(out, tasks, vars);
        }
    }
    let Some((key, module, args)) = task.as_map().unwrap_or_default().iter().find_map(|(k, v)| {
        let m = module(k.as_str()?)?;
        Some((k, m, v))
    }) else {
        return;
    };
    let a = Args { args, vars };
    if a.string("state").value().is_some_and(|s| s == "absent") {
        return;
    }
    let label = task.get("name").and_then(|n| field::string(Some(n)).known().cloned());
    let file = out.file;
    let site = &mut out.site;
    let origin = Origin {
        file,
        key: label.unwrap_or_else(|| Sp::new(key.as_str().unwrap_or("").to_owned(), key.span)),
    };
    let unknown = || Ref::Unknown(key.span);
    match module {
        Module::BigIp(m) => out.bigip.read(m, &a, key),
        Module::Server => site.servers.push(server(&a, origin, out.dir)),
        Module::Network => site.networks.push(Network {
            name: a.string("name"),
            network_type: a.string("provider_network_type"),
            physical_network: a.string("provider_physical_network"),
            segmentation_id: a.int("provider_segmentation_id"),
            external: a.boolean("external"),
            mtu: a.int("mtu").or(&a.int("mtu_size")),
            origin,
        }),
        Module::Segment => site.segments.push(Segment {
            name: a.string("name"),
            network: a.reference("network").unwrap_or_else(unknown),
            network_type: a.string("network_type"),
            physical_network: a.string("physical_network"),
            segmentation_id: a.int("segmentation_id"),
            origin,
        }),
        Module::Subnet => site.subnets.push(Subnet {
            name: a.string("name"),
            network: a.reference("network").or_else(|| a.reference("network_name")).unwrap_or_else(unknown),
            cidr: a.parsed("cidr"),
            gateway_ip: a.parsed("gateway_ip"),
            segment: a.reference("network_segment"),
            origin,
        }),
        Module::Router => {
            let router =
                Ref::Named { value: a.string("name").value().cloned().unwrap_or_default(), span: key.span };
            for iface in a.items("interfaces") {
                let subnet = match iface.kind {
                    NodeKind::Map(_) => Args { args: iface, vars }.reference("subnet"),
                    _ => Args::reference_node(iface, vars),
                };
                site.router_interfaces.push(RouterInterface {
                    origin: origin.clone(),
                    router: router.clone(),
                    subnet,
                });
            }
            let external =
                Args { args: a.node("external_gateway_info").unwrap_or(args), vars }.reference("network");
            site.routers.push(Router {
                name: a.string("name"),
                ha: Field::Missing,
                distributed: Field::Missing,
                availability_zone_hints: Field::Missing,
                external_network: external.or_else(|| a.reference("network")),
                heat_properties: false,
                origin,
            });
        }
        Module::Port => {
            let fixed_ips = a
                .items("fixed_ips")
                .map(|ip| {
                    let ip = Args { args: ip, vars };
                    (ip.reference("subnet_id").or_else(|| ip.reference("subnet")), ip.parsed("ip_address"))
                })
                .collect();
            let allowed_address_pairs = a
                .items("allowed_address_pairs")
                .map(|p| Args { args: p, vars }.string("ip_address"))
                .collect();
            site.ports.push(Port {
                name: a.string("name"),
                network: a.reference("network").unwrap_or_else(unknown),
                fixed_ips,
                allowed_address_pairs,
                security_groups: a.node("security_groups").map(|list| {
                    let refs = match substitute(list, vars) {
                        Ok(l) => l
                            .as_seq()
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|g| Args::reference_node(g, vars))
                            .collect(),
                        Err(()) => vec![Ref::Unknown(list.span)],
                    };
                    Sp::new(refs, list.span)
                }),
                port_security: a.boolean("port_security_enabled"),
                origin,
            });
        }
        Module::FloatingIp => site.floating_ips.push(FloatingIp {
            floating_network: a.reference("network"),
            port: None,
            address: a.parsed("floating_ip_address"),
            origin,
        }),
        Module::SecurityGroup => {
            site.security_groups.push(SecurityGroup { name: a.string("name"), origin });
        }
        Module::SecurityGroupRule => site.security_group_rules.push(SecurityGroupRule {
            group: a.reference("security_group").unwrap_or_else(unknown),
            direction: a.string("direction"),
            protocol: a.string("protocol"),
            remote_ip_prefix: a.string("remote_ip_prefix"),
            origin,
        }),
    }
}

/// A Nova server: its name and AZ, and the folder of its playbook.
fn server(a: &Args<'_>, origin: Origin, dir: &Path) -> Server {
    Server {
        origin,
        dir: dir.to_path_buf(),
        name: a.string("name"),
        availability_zone: a.string("availability_zone"),
    }
}

/// A module's arguments, with the play's vars for `"{{ var }}"` values.
#[derive(Clone, Copy)]
struct Args<'a> {
    args: &'a Node,
    vars: &'a HashMap<&'a str, &'a Node>,
}

impl Arguments for Args<'_> {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T> {
        match (self.node(key), self.resolved(key)) {
            (Some(used), Some(Ok(value))) => field::used_at(read(Some(value)), used.span),
            (Some(used), Some(Err(()))) => Field::Unknown(used.span),
            _ => Field::Missing,
        }
    }
}

impl<'a> Args<'a> {
    /// An argument as written.
    fn node(&self, key: &str) -> Option<&'a Node> {
        self.args.get(key)
    }

    /// The first of an option's names (the option and its aliases) that the task writes, else
    /// the option's own name.
    fn alias<'k>(&self, names: &[&'k str]) -> &'k str {
        names.iter().copied().find(|k| self.node(k).is_some()).or(names.first().copied()).unwrap_or_default()
    }

    /// An argument after substituting a plain `{{ var }}`; `Err` when its value is unknown.
    fn resolved(&self, key: &str) -> Option<Result<&'a Node, ()>> {
        self.node(key).map(|n| substitute(n, self.vars))
    }

    fn items(&self, key: &str) -> impl Iterator<Item = &'a Node> + use<'a> {
        let list = match self.resolved(key) {
            Some(Ok(n)) => n.as_seq().unwrap_or_default(),
            _ => &[],
        };
        list.iter()
    }

    fn reference(&self, key: &str) -> Option<Ref> {
        Args::reference_node(self.node(key)?, self.vars)
    }

    /// A name or id written directly or through a var.
    fn reference_node(node: &Node, vars: &HashMap<&str, &Node>) -> Option<Ref> {
        Some(match substitute(node, vars).map(|n| field::string(Some(n))) {
            Ok(Field::Known(v)) => Ref::Named { value: v.value, span: node.span },
            Ok(Field::Missing) => return None,
            _ => Ref::Unknown(node.span),
        })
    }
}

/// `"{{ var }}"` becomes the play var's value when that is a literal; other templates are unknown.
fn substitute<'a>(node: &'a Node, vars: &HashMap<&str, &'a Node>) -> Result<&'a Node, ()> {
    let Some(text) = node.as_str() else { return Ok(node) };
    if !is_templated(text) {
        return Ok(node);
    }
    let name = text.trim().strip_prefix("{{").and_then(|t| t.strip_suffix("}}")).map(str::trim).ok_or(())?;
    match vars.get(name) {
        Some(value) if !value.as_str().is_some_and(is_templated) => Ok(value),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn reads_modules_with_play_vars() {
        let text = "- hosts: localhost
  vars:
    net: stretched-cp
    cidr: 10.20.0.0/24
  tasks:
  - name: network
    openstack.cloud.network:
      name: '{{ net }}'
      provider_network_type: vlan
      provider_physical_network: metro
      provider_segmentation_id: 200
  - block:
    - name: subnet
      os_subnet:
        name: cp-subnet
        network_name: '{{ net }}'
        cidr: '{{ cidr }}'
        gateway_ip: '{{ gw | default(omit) }}'
  - name: gone
    openstack.cloud.network:
      name: old
      state: absent
";
        let parsed = yaml::parse(FileId(0), text);
        let root = &parsed.documents[0].root;
        assert!(is_ansible(root));
        let site = read(FileId(0), root, &[], Path::new(""));
        assert_eq!(site.networks.len(), 1);
        assert_eq!(site.networks[0].name.value().map(String::as_str), Some("stretched-cp"));
        let subnet = &site.subnets[0];
        assert_eq!(subnet.cidr.value().map(ToString::to_string).as_deref(), Some("10.20.0.0/24"));
        assert!(subnet.gateway_ip.is_unknown());
        assert!(site.network(&subnet.network).is_some());
        let at = text.find("'{{ cidr }}'").unwrap_or_default();
        assert_eq!(subnet.cidr.span().map(|s| s.start as usize), Some(at));
    }
}

#[cfg(test)]
mod inventory_tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn inventory_host_vars_fill_playbook_templates_and_play_vars_win() {
        let inventory = "all:
  vars:
    os_net: from-all
    os_cidr: 10.9.0.0/16
  hosts:
    localhost:
      ansible_connection: local
      os_cidr: 10.0.0.0/16
";
        let playbook = "- hosts: localhost
  vars:
    os_net: from-play
  tasks:
  - openstack.cloud.network: {name: '{{ os_net }}'}
  - openstack.cloud.subnet: {name: s, network_name: '{{ os_net }}', cidr: '{{ os_cidr }}'}
";
        let inv_root = yaml::parse(FileId(1), inventory).documents.remove(0).root;
        assert!(is_inventory(&inv_root));
        let inv = read_inventory(FileId(1), inv_root);
        let parsed = yaml::parse(FileId(0), playbook);
        let site = read(FileId(0), &parsed.documents[0].root, &[&inv], Path::new(""));
        assert_eq!(site.networks[0].name.value().map(String::as_str), Some("from-play"));
        assert_eq!(site.subnets[0].cidr.value().map(ToString::to_string).as_deref(), Some("10.0.0.0/16"));
        // The value is reported where the playbook uses it.
        let at = playbook.find("'{{ os_cidr }}'").unwrap();
        assert_eq!(site.subnets[0].cidr.span().map(|s| s.start as usize), Some(at));
    }
}

#[cfg(test)]
mod server_tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn servers_keep_name_zone_and_folder() {
        let playbook = "- hosts: localhost
  vars:
    az: az2
  tasks:
  - name: master
    os_server:
      name: ocp-master-0
      availability_zone: '{{ az }}'
      nics:
      - port-name: ocp-master-port-0
      - net-name: storage
  - openstack.cloud.server:
      name: worker
      availability_zone: '{{ zone | default(omit) }}'
      network: machines
      nics: 'net-id=abc,port-name=p1'
  - openstack.cloud.server: {name: gone, state: absent}
";
        let parsed = yaml::parse(FileId(0), playbook);
        let site = read(FileId(0), &parsed.documents[0].root, &[], Path::new("clusters/upi"));
        assert_eq!(site.servers.len(), 2);
        let (master, worker) = (&site.servers[0], &site.servers[1]);
        assert_eq!(master.availability_zone.value().map(String::as_str), Some("az2"));
        assert_eq!(master.name.value().map(String::as_str), Some("ocp-master-0"));
        assert!(worker.availability_zone.is_unknown());
        assert_eq!(site.servers_in(Path::new("clusters")).count(), 2);
        assert_eq!(site.servers_in(Path::new("other")).count(), 0);
    }
}
