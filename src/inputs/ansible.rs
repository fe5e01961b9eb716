//! Ansible playbooks and task files that create the network with the `openstack.cloud` modules
//! (or their legacy `os_*` names, DOMAIN.md §D.5), the Nova servers of a UPI cluster
//! (`openstack.cloud.server`, `os_server`), and an F5 BIG-IP configuration (`bigip`).
//!
//! Values are read as Ansible would template them (see [`vars`]): the variables of the YAML
//! inventories and `group_vars/`/`host_vars/` files beside the playbook, for the hosts its play
//! targets ([`inventory`]), then the play's `vars`, a block's and a task's `vars`, then `set_fact`
//! and `register` where they run — also in a playbook pulled in by `import_playbook`, which is
//! read for its facts only (its own objects are read from its own file). A value that depends on
//! something the scan lacks (`metadata.json`'s `infraID`, written at install time) is unknown;
//! an object's name that is unknown but computed by the same expression as a reference in the
//! same folder's playbooks is linked to it through a [`Symbol`], never shown as a name.
//!
//! `vars_files` are not read: the names they set are taken to be none the scan defines elsewhere
//! (the UPI's `metadata.json` is made at install time; what it sets, `infraID`, stays unknown).
//! `include_tasks`/`import_tasks` files and roles are read on their own, as task files. Tasks whose `when:` is a plain
//! comparison found false are skipped; any other `when:` keeps the task. `state: absent` tasks
//! delete objects and are skipped. The modules cannot set a router's `ha` or `distributed` flag,
//! so those stay missing.

mod bigip;
mod inventory;
mod ipfilter;
mod vars;

use std::path::Path;

use crate::inputs::field::{self, Arguments, Field};
use crate::inputs::lb::LbConfig;
use crate::model::site::{
    FloatingIp, Kind, Network, Origin, Port, Ref, Router, RouterInterface, SecurityGroup, SecurityGroupRule,
    Segment, Server, Site, Subnet, Symbol, Symbolic,
};
use crate::source::{FileId, Sp, Span};
use crate::yaml::{Node, NodeKind};

pub use inventory::{
    Context, Inventory, Source, Target, is_inventory, read_inventory, read_vars_file, vars_target,
};
use vars::{Value, Vars};

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

/// Whether a document is a play list or a task list that uses one of the modules read here, or
/// a play list that sets facts (the UPI `common.yaml`, which the others `import_playbook`).
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
    fn sets_facts(node: &Node) -> bool {
        node.as_seq().unwrap_or_default().iter().any(|item| {
            item.as_map().unwrap_or_default().iter().any(|(k, v)| match k.as_str() {
                Some("tasks" | "pre_tasks" | "post_tasks" | "block" | "rescue" | "always") => sets_facts(v),
                Some(key) => is_set_fact(key),
                None => false,
            })
        })
    }
    let plays = root.as_seq().is_some_and(|items| items.iter().any(|i| i.get("hosts").is_some()));
    uses_module(root) || (plays && sets_facts(root))
}

fn is_set_fact(key: &str) -> bool {
    matches!(key, "set_fact" | "ansible.builtin.set_fact" | "ansible.legacy.set_fact")
}

/// A playbook or task file, kept until the inventories beside it are known.
#[derive(Debug)]
pub struct Playbook {
    pub file: FileId,
    /// The file's path, which `import_playbook` names it by (set by the loader).
    pub path: std::path::PathBuf,
    pub root: Node,
}

/// How deep `import_playbook` may nest (a playbook that imports itself stops here).
const MAX_IMPORTS: usize = 8;

/// What one playbook or task file creates, while it is read.
struct Out<'d> {
    file: FileId,
    /// The playbook's folder, which its servers and F5 configuration keep, and the scope of the
    /// symbols of its unresolved names.
    dir: &'d Path,
    site: Site,
    bigip: bigip::Config,
    /// Whether objects are kept: a playbook pulled in by `import_playbook` gives its facts only.
    keep: bool,
}

/// The facts a run has set so far, in order (they outlive the play that set them).
#[derive(Default)]
struct Facts<'a> {
    set: Vec<(String, Value<'a>)>,
}

/// The objects a playbook or task file in `dir` creates with these inventory sources (the
/// nearest last) and no other playbook to import.
pub fn read<'a>(file: FileId, root: &'a Node, inventory: &[&'a Inventory], dir: &Path) -> Site {
    read_run(file, root, &Context { sources: inventory.to_vec() }, dir, &|_| None)
}

/// The objects a playbook or task file in `dir` creates; `context` holds the inventories beside
/// it, `imports` finds a playbook of the scan by path.
pub fn read_run<'a>(
    file: FileId,
    root: &'a Node,
    context: &Context<'a>,
    dir: &Path,
    imports: &dyn Fn(&Path) -> Option<&'a Node>,
) -> Site {
    let mut out = Out { file, dir, site: Site::default(), bigip: bigip::Config::default(), keep: true };
    let mut facts = Facts::default();
    read_plays(&mut out, root, context, imports, &mut facts, 0);
    let Out { mut site, bigip, .. } = out;
    if let Some(proxy) = bigip.into_proxy(file) {
        site.load_balancers.push((dir.to_path_buf(), LbConfig::Proxy(proxy)));
    }
    site
}

fn read_plays<'a>(
    out: &mut Out<'_>,
    root: &'a Node,
    context: &Context<'a>,
    imports: &dyn Fn(&Path) -> Option<&'a Node>,
    facts: &mut Facts<'a>,
    depth: usize,
) {
    // A task file's tasks share one scope (worked out once: its hosts are not known).
    let mut task_file: Option<Vars<'a>> = None;
    for item in root.as_seq().unwrap_or_default() {
        let import = ["import_playbook", "ansible.builtin.import_playbook"].iter().find_map(|k| item.get(k));
        if let Some(name) = import.and_then(Node::as_str).filter(|n| !crate::yaml::is_templated(n)) {
            if let Some(imported) = imports(&out.dir.join(name)).filter(|_| depth < MAX_IMPORTS) {
                let mut quiet = Out {
                    file: out.file,
                    dir: out.dir,
                    site: Site::default(),
                    bigip: bigip::Config::default(),
                    keep: false,
                };
                read_plays(&mut quiet, imported, context, imports, facts, depth + 1);
            }
        } else if item.get("hosts").is_some() || item.get("tasks").is_some() {
            let hosts = item.get("hosts").and_then(Node::as_str).filter(|h| !crate::yaml::is_templated(h));
            let mut vars = context.vars_for(hosts);
            set_all(&mut vars, item.get("vars"));
            for (name, value) in &facts.set {
                vars.set(name, value.clone());
            }
            for list in ["pre_tasks", "tasks", "post_tasks"] {
                if let Some(tasks) = item.get(list) {
                    read_tasks(out, tasks, &mut vars, facts);
                }
            }
        } else {
            let vars = task_file.get_or_insert_with(|| {
                let mut vars = context.vars_for(None);
                for (name, value) in &facts.set {
                    vars.set(name, value.clone());
                }
                vars
            });
            read_task(out, item, vars, facts);
        }
    }
}

/// A `vars:` mapping's entries, templated lazily as Ansible does.
fn set_all<'a>(vars: &mut Vars<'a>, map: Option<&'a Node>) {
    for (k, v) in map.and_then(Node::as_map).unwrap_or_default() {
        if let Some(k) = k.as_str() {
            vars.set_raw(k, v);
        }
    }
}

fn read_tasks<'a>(out: &mut Out<'_>, tasks: &'a Node, vars: &mut Vars<'a>, facts: &mut Facts<'a>) {
    for task in tasks.as_seq().unwrap_or_default() {
        read_task(out, task, vars, facts);
    }
}

fn read_task<'a>(out: &mut Out<'_>, task: &'a Node, vars: &mut Vars<'a>, facts: &mut Facts<'a>) {
    let when = condition(task.get("when"), vars);
    if when == Some(false) {
        return;
    }
    // A block's or task's own `vars` hold for it alone; the facts it sets outlive it.
    let before = facts.set.len();
    // A loop's variable differs each time round: `item` is unknown by name (see `vars`), a
    // `loop_control.loop_var` is made so here.
    let loop_var = task.path(&["loop_control", "loop_var"]).and_then(Node::as_str);
    let mut own = (task.get("vars").is_some() || loop_var.is_some()).then(|| {
        let mut scoped = vars.clone();
        set_all(&mut scoped, task.get("vars"));
        if let Some(name) = loop_var {
            scoped.set(name, Value::Unknown);
        }
        scoped
    });
    let scope = own.as_mut().unwrap_or(vars);
    for nested in ["block", "rescue", "always"] {
        if let Some(tasks) = task.get(nested) {
            read_tasks(out, tasks, scope, facts);
        }
    }
    if let Some((_, args)) =
        task.as_map().unwrap_or_default().iter().find(|(k, _)| k.as_str().is_some_and(is_set_fact))
    {
        set_facts(args, when.is_none() || looped(task), scope, facts);
    } else {
        read_module(out, task, scope);
    }
    // A registered result is a runtime value: it hides a variable of the same name.
    if let Some(name) = task.get("register").and_then(Node::as_str) {
        facts.set.push((name.to_owned(), Value::Unknown));
        scope.set(name, Value::Unknown);
    }
    if own.is_some() {
        for (name, value) in facts.set.get(before..).unwrap_or_default() {
            vars.set(name, value.clone());
        }
    }
}

/// Whether a task runs in a loop (its `item` differs each time).
fn looped(task: &Node) -> bool {
    task.as_map()
        .unwrap_or_default()
        .iter()
        .any(|(k, _)| k.as_str().is_some_and(|k| k == "loop" || k.starts_with("with_")))
}

/// A `set_fact`'s values, templated where it runs. One that may not run (an undecided `when:`)
/// or runs in a loop leaves a name known only when it would not change it.
fn set_facts<'a>(args: &'a Node, uncertain: bool, vars: &mut Vars<'a>, facts: &mut Facts<'a>) {
    for (k, v) in args.as_map().unwrap_or_default() {
        let Some(name) = k.as_str().filter(|k| *k != "cacheable") else { continue };
        let mut value = vars.value(v);
        if uncertain && !vars.get(name).is_some_and(|old| old.same(&value)) {
            value = Value::Unknown;
        }
        vars.set(name, value.clone());
        facts.set.push((name.to_owned(), value));
    }
}

/// A `when:` of plain comparisons (`var == "text"`, `!=`, a list of them, all to hold): whether
/// it holds, or `None` when that cannot be told.
fn condition(when: Option<&Node>, vars: &Vars<'_>) -> Option<bool> {
    let Some(when) = when else { return Some(true) };
    let one = |text: &str| -> Option<bool> {
        let (left, right, equal) = match text.split_once("==") {
            Some((l, r)) => (l, r, true),
            None => text.split_once("!=").map(|(l, r)| (l, r, false))?,
        };
        let side = |s: &str| -> Option<String> {
            let s = s.trim();
            let quoted = s
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')));
            match quoted {
                Some(q) if !q.contains(['"', '\'']) => Some(q.to_owned()),
                Some(_) => None,
                None if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    vars.get(s)?.text()
                }
                None => None,
            }
        };
        Some((side(left)? == side(right)?) == equal)
    };
    let items: Vec<&Node> = match &when.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => vec![when],
    };
    let mut all = Some(true);
    for item in items {
        let holds = match &item.kind {
            NodeKind::Bool(b) => Some(*b),
            _ => item.as_str().and_then(one),
        };
        match holds {
            Some(false) => return Some(false),
            Some(true) => {}
            None => all = None,
        }
    }
    all
}

fn read_module<'a>(out: &mut Out<'_>, task: &'a Node, vars: &Vars<'a>) {
    let Some((key, module, args)) = task.as_map().unwrap_or_default().iter().find_map(|(k, v)| {
        let m = module(k.as_str()?)?;
        Some((k, m, v))
    }) else {
        return;
    };
    if !out.keep {
        return;
    }
    let a = Args { args, vars, scope: out.dir };
    if a.string("state").value().is_some_and(|s| s == "absent") {
        return;
    }
    let label = task.get("name").and_then(|n| field::string(Some(n)).known().cloned());
    let file = out.file;
    let origin = Origin {
        file,
        key: label.unwrap_or_else(|| Sp::new(key.as_str().unwrap_or("").to_owned(), key.span)),
    };
    // An object whose name is an unresolved expression is known by it in this folder's run.
    let symbolic = |kind: Kind, out: &mut Out<'_>| {
        if let Some(symbol) = a.symbol("name") {
            out.site.symbols.push(Symbolic { kind, symbol, file, at: origin.key.span });
        }
    };
    let unknown = || Ref::Unknown(key.span);
    match module {
        Module::BigIp(m) => out.bigip.read(m, &a, key),
        Module::Server => out.site.servers.push(server(&a, origin, out.dir)),
        Module::Network => {
            symbolic(Kind::Network, out);
            out.site.networks.push(Network {
                name: a.string("name"),
                network_type: a.string("provider_network_type"),
                physical_network: a.string("provider_physical_network"),
                segmentation_id: a.int("provider_segmentation_id"),
                external: a.boolean("external"),
                mtu: a.int("mtu").or(&a.int("mtu_size")),
                origin,
            });
        }
        Module::Segment => {
            symbolic(Kind::Segment, out);
            out.site.segments.push(Segment {
                name: a.string("name"),
                network: a.reference("network").unwrap_or_else(unknown),
                network_type: a.string("network_type"),
                physical_network: a.string("physical_network"),
                segmentation_id: a.int("segmentation_id"),
                origin,
            });
        }
        Module::Subnet => {
            symbolic(Kind::Subnet, out);
            out.site.subnets.push(Subnet {
                name: a.string("name"),
                network: a
                    .reference("network")
                    .or_else(|| a.reference("network_name"))
                    .unwrap_or_else(unknown),
                cidr: a.parsed("cidr"),
                gateway_ip: a.parsed("gateway_ip"),
                segment: a.reference("network_segment"),
                origin,
            });
        }
        Module::Router => {
            // The interfaces written in the task belong to this router, whatever its name: a
            // symbol of the task itself ties them when the name is not known.
            let symbol = a.symbol("name").unwrap_or_else(|| Symbol {
                scope: out.dir.to_path_buf(),
                text: format!("\0task {}:{}", file.0, origin.key.span.start),
            });
            let router = match a.string("name") {
                Field::Known(name) => Ref::Named { value: name.value, span: key.span },
                _ => {
                    let at = origin.key.span;
                    out.site.symbols.push(Symbolic { kind: Kind::Router, symbol: symbol.clone(), file, at });
                    Ref::Symbol { symbol, span: key.span }
                }
            };
            for iface in a.items("interfaces") {
                let subnet = match iface.kind {
                    NodeKind::Map(_) => Args { args: iface, ..a }.reference("subnet"),
                    _ => a.reference_node(iface),
                };
                out.site.router_interfaces.push(RouterInterface {
                    origin: origin.clone(),
                    router: router.clone(),
                    subnet,
                });
            }
            let external =
                Args { args: a.node("external_gateway_info").unwrap_or(args), ..a }.reference("network");
            out.site.routers.push(Router {
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
                    let ip = Args { args: ip, ..a };
                    (ip.reference("subnet_id").or_else(|| ip.reference("subnet")), ip.parsed("ip_address"))
                })
                .collect();
            let allowed_address_pairs = a
                .items("allowed_address_pairs")
                .map(|p| Args { args: p, ..a }.string("ip_address"))
                .collect();
            symbolic(Kind::Port, out);
            out.site.ports.push(Port {
                name: a.string("name"),
                network: a.reference("network").unwrap_or_else(unknown),
                fixed_ips,
                allowed_address_pairs,
                security_groups: a.node("security_groups").map(|list| {
                    let refs = match vars.value(list) {
                        Value::Node(l) => l
                            .as_seq()
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|g| a.reference_node(g))
                            .collect(),
                        _ => vec![Ref::Unknown(list.span)],
                    };
                    Sp::new(refs, list.span)
                }),
                port_security: a.boolean("port_security_enabled"),
                origin,
            });
        }
        Module::FloatingIp => out.site.floating_ips.push(FloatingIp {
            floating_network: a.reference("network"),
            port: None,
            address: a.parsed("floating_ip_address"),
            origin,
        }),
        Module::SecurityGroup => {
            symbolic(Kind::SecurityGroup, out);
            out.site.security_groups.push(SecurityGroup { name: a.string("name"), origin });
        }
        Module::SecurityGroupRule => out.site.security_group_rules.push(SecurityGroupRule {
            group: a.reference("security_group").unwrap_or_else(unknown),
            direction: a.string("direction"),
            protocol: a.string("protocol"),
            remote_ip_prefix: a.string("remote_ip_prefix"),
            origin,
        }),
    }
}

/// A Nova server: its name and AZ, and the folder of its playbook.
fn server(a: &Args<'_, '_>, origin: Origin, dir: &Path) -> Server {
    Server {
        origin,
        dir: dir.to_path_buf(),
        name: a.string("name"),
        availability_zone: a.string("availability_zone"),
    }
}

/// A module's arguments, with the variables in scope where the task runs.
#[derive(Clone, Copy)]
struct Args<'a, 'v> {
    args: &'a Node,
    vars: &'v Vars<'a>,
    /// The folder whose run the task belongs to: the scope of its symbols.
    scope: &'v Path,
}

impl Arguments for Args<'_, '_> {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T> {
        let Some(used) = self.node(key) else { return Field::Missing };
        match self.vars.value(used).node(used.span) {
            Some(value) => field::used_at(read(Some(&value)), used.span),
            None => Field::Unknown(used.span),
        }
    }
}

impl<'a> Args<'a, '_> {
    /// An argument as written.
    fn node(&self, key: &str) -> Option<&'a Node> {
        self.args.get(key)
    }

    /// The first of an option's names (the option and its aliases) that the task writes, else
    /// the option's own name.
    fn alias<'k>(&self, names: &[&'k str]) -> &'k str {
        names.iter().copied().find(|k| self.node(k).is_some()).or(names.first().copied()).unwrap_or_default()
    }

    /// A list argument's items (none when it is not a list the scan can read).
    fn items(&self, key: &str) -> impl Iterator<Item = &'a Node> + use<'a> {
        let list = match self.node(key).map(|n| self.vars.value(n)) {
            Some(Value::Node(n)) => n.as_seq().unwrap_or_default(),
            _ => &[],
        };
        list.iter()
    }

    fn reference(&self, key: &str) -> Option<Ref> {
        self.reference_node(self.node(key)?)
    }

    /// The symbol of an argument whose value is an unresolved expression.
    fn symbol(&self, key: &str) -> Option<Symbol> {
        self.symbol_of(self.node(key)?)
    }

    fn symbol_of(&self, node: &'a Node) -> Option<Symbol> {
        match self.vars.value(node) {
            Value::Partial(text) => Some(Symbol { scope: self.scope.to_path_buf(), text }),
            _ => None,
        }
    }

    /// A name or id written directly or through a var; an unresolved one is a symbol.
    fn reference_node(&self, node: &'a Node) -> Option<Ref> {
        let span: Span = node.span;
        if let Some(symbol) = self.symbol_of(node) {
            return Some(Ref::Symbol { symbol, span });
        }
        Some(match self.vars.value(node).node(span).map(|n| field::string(Some(&n))) {
            Some(Field::Known(v)) => Ref::Named { value: v.value, span },
            Some(Field::Missing) => return None,
            _ => Ref::Unknown(span),
        })
    }
}

/// A playbook read with no inventory and no other playbook (unit tests).
#[cfg(test)]
fn read_alone(file: FileId, root: &Node, dir: &Path) -> Site {
    read(file, root, &[], dir)
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
        let site = read_alone(FileId(0), root, Path::new(""));
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
        let site = read_alone(FileId(0), &parsed.documents[0].root, Path::new("clusters/upi"));
        assert_eq!(site.servers.len(), 2);
        let (master, worker) = (&site.servers[0], &site.servers[1]);
        assert_eq!(master.availability_zone.value().map(String::as_str), Some("az2"));
        assert_eq!(master.name.value().map(String::as_str), Some("ocp-master-0"));
        assert!(worker.availability_zone.is_unknown());
        assert_eq!(site.servers_in(Path::new("clusters")).count(), 2);
        assert_eq!(site.servers_in(Path::new("other")).count(), 0);
    }
}

#[cfg(test)]
mod run_tests {
    use super::*;
    use crate::yaml;

    fn root(file: u32, text: &str) -> Node {
        yaml::parse(FileId(file), text).documents.remove(0).root
    }

    const INVENTORY: &str = "all:
  hosts:
    localhost:
      os_net: inventory-net
      os_cidr: 10.0.0.0/16
      os_type: OVNKubernetes
";

    /// The networks' and subnets' names (`None`: unknown) a playbook creates with the inventory,
    /// and `common` as the playbook it may import (as `common.yaml` in its folder).
    fn names(playbook: &str, common: Option<&str>) -> (Vec<Option<String>>, Site) {
        let inv = read_inventory(FileId(1), root(1, INVENTORY));
        let common = common.map(|c| root(2, c));
        let imports = |p: &Path| common.as_ref().filter(|_| p == Path::new("upi/common.yaml"));
        let context = Context { sources: vec![&inv] };
        let play = root(0, playbook);
        let site = read_run(FileId(0), &play, &context, Path::new("upi"), &imports);
        let mut out: Vec<Option<String>> = site.networks.iter().map(|n| n.name.value().cloned()).collect();
        out.extend(site.subnets.iter().map(|s| s.name.value().cloned()));
        (out, site)
    }

    #[test]
    fn an_imported_set_fact_overrides_the_inventory_even_when_unknown() {
        let common = "- hosts: localhost\n  tasks:\n  - set_fact:\n      os_net: '{{ infraID }}-network'\n";
        let playbook = "- import_playbook: common.yaml\n- hosts: all\n  tasks:\n  - os_network: {name: '{{ os_net }}'}\n";
        assert_eq!(names(playbook, Some(common)).0, [None]);
        // Without the import in the scan, the inventory's value stands.
        assert_eq!(names(playbook, None).0, [Some("inventory-net".to_owned())]);
        // An imported playbook's own objects are read from its own file, not again here.
        let creates = "- hosts: localhost\n  tasks:\n  - os_network: {name: imported}\n";
        assert_eq!(names(playbook, Some(creates)).0, [Some("inventory-net".to_owned())]);
    }

    #[test]
    fn set_fact_with_known_parts_is_known_and_play_vars_beat_the_inventory() {
        let playbook = "- hosts: localhost
  vars:
    os_cidr: 10.1.0.0/16
  tasks:
  - ansible.builtin.set_fact:
      os_net: '{{ os_type }}-net'
  - openstack.cloud.network: {name: '{{ os_net }}'}
  - openstack.cloud.subnet: {name: s, network_name: '{{ os_net }}', cidr: '{{ os_cidr }}'}
";
        let (names, site) = names(playbook, None);
        assert_eq!(names[0].as_deref(), Some("OVNKubernetes-net"));
        assert_eq!(site.subnets[0].cidr.value().map(ToString::to_string).as_deref(), Some("10.1.0.0/16"));
    }

    #[test]
    fn a_fact_that_may_not_be_set_is_unknown_and_a_register_hides_a_var() {
        let playbook = "- hosts: localhost
  tasks:
  - set_fact: {os_net: other}
    when: os_external is defined
  - openstack.cloud.network: {name: '{{ os_net }}'}
  - command: openstack network list
    register: os_cidr
  - openstack.cloud.subnet: {name: s, network_name: x, cidr: '{{ os_cidr }}'}
";
        let (names, site) = names(playbook, None);
        assert_eq!(names[0], None);
        assert!(site.subnets[0].cidr.is_unknown());
    }

    #[test]
    fn a_false_when_skips_the_task_and_an_undecided_one_keeps_it() {
        let playbook = "- hosts: localhost
  tasks:
  - os_network: {name: kuryr-net}
    when: os_type == \"Kuryr\"
  - os_network: {name: ovn-net}
    when:
    - os_type != 'Kuryr'
  - os_network: {name: maybe-net}
    when: os_external is defined and os_external|length > 0
  - os_network: {name: never-net}
    when: false
";
        let (names, _) = names(playbook, None);
        assert_eq!(names, [Some("ovn-net".to_owned()), Some("maybe-net".to_owned())]);
    }

    #[test]
    fn block_and_task_vars_hold_inside_them_only() {
        let playbook = "- hosts: localhost
  tasks:
  - block:
    - os_network: {name: '{{ os_net }}'}
    - set_fact: {os_cidr: 10.2.0.0/16}
    vars:
      os_net: block-net
  - os_network: {name: '{{ os_net }}'}
  - os_subnet: {name: s, network_name: x, cidr: '{{ os_cidr }}'}
";
        let (names, site) = names(playbook, None);
        assert_eq!(names[..2], [Some("block-net".to_owned()), Some("inventory-net".to_owned())]);
        // The fact set inside the block outlives it.
        assert_eq!(site.subnets[0].cidr.value().map(ToString::to_string).as_deref(), Some("10.2.0.0/16"));
    }

    #[test]
    fn names_in_a_loop_are_no_symbols_and_the_same_expression_is_one() {
        let playbook = "- hosts: localhost
  tasks:
  - os_network: {name: '{{ infraID }}-network'}
  - os_subnet: {name: '{{ item }}', network_name: '{{ infraID }}-network', cidr: 10.0.0.0/24}
    loop: [a, b]
  - os_subnet: {name: '{{ infraID }}-{{ net }}', network_name: '{{ infraID }}-net', cidr: 10.0.1.0/24}
    loop: [a, b]
    loop_control: {loop_var: net}
";
        let (_, mut site) = names(playbook, None);
        // Found by a scan of the symbols before the Site is indexed, and by its table after.
        assert!(site.network(&site.subnets[0].network).is_some());
        site.index();
        // The first subnet's network is the network; the second names another (not in the scan).
        assert!(site.network(&site.subnets[0].network).is_some());
        assert!(site.network(&site.subnets[1].network).is_none());
        // Neither looped subnet's name is a symbol.
        assert!(site.symbols.iter().all(|s| s.kind != Kind::Subnet));
    }
}
