//! Ansible inventories and the `group_vars/`/`host_vars/` files beside them, and the variables
//! they give each host, in Ansible's precedence (lowest first): the inventory file's group vars
//! (`all` first, then by group depth, a child group over its parent, then by name),
//! `group_vars/all`, `group_vars/<group>` (same order), the inventory file's host vars,
//! `host_vars/<host>`. Play vars and `set_fact` come on top (see the playbook reader).
//!
//! A play's `hosts:` decides whose variables apply: `localhost`, `all`, a group or a host. When it
//! cannot be decided (a pattern, a task file with no play), every host of the inventory is a
//! candidate and only the values equal on all of them are known.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::vars::{Value, Vars};
use crate::source::FileId;
use crate::yaml::{Node, NodeKind};

/// One source of inventory variables.
#[derive(Debug)]
pub struct Inventory {
    pub file: FileId,
    pub source: Source,
}

#[derive(Debug)]
pub enum Source {
    /// A YAML inventory file: its groups (merged by name) and hosts (merged by name).
    File { groups: Vec<Group>, hosts: Vec<Host> },
    /// A `group_vars/` or `host_vars/` file.
    Vars { target: Target, vars: Vec<(String, Node)> },
}

#[derive(Debug, Default)]
pub struct Group {
    pub name: String,
    pub vars: Vec<(String, Node)>,
    pub children: Vec<String>,
    pub hosts: Vec<String>,
}

#[derive(Debug)]
pub struct Host {
    pub name: String,
    pub vars: Vec<(String, Node)>,
}

/// What a `group_vars/`/`host_vars/` file sets variables for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Group(String),
    Host(String),
}

/// Whether a document is a YAML inventory: `all:` holding `hosts`, `children` or `vars`.
pub fn is_inventory(root: &Node) -> bool {
    root.as_map().is_some_and(|m| m.len() == 1)
        && root
            .get("all")
            .is_some_and(|all| ["hosts", "children", "vars"].iter().any(|k| all.get(k).is_some()))
}

/// Group nesting is shallow in practice; the YAML budget bounds it anyway.
const MAX_NESTING: usize = 16;

/// An inventory file's groups and hosts.
pub fn read_inventory(file: FileId, mut root: Node) -> Inventory {
    let mut groups: Vec<Group> = Vec::new();
    let mut hosts: Vec<Host> = Vec::new();
    if let Some(all) = root.take_path(&["all"]) {
        read_group("all".to_owned(), all, &mut groups, &mut hosts, 0);
    }
    Inventory { file, source: Source::File { groups, hosts } }
}

fn read_group(name: String, node: Node, groups: &mut Vec<Group>, hosts: &mut Vec<Host>, depth: usize) {
    let at = match groups.iter().position(|g| g.name == name) {
        Some(at) => at,
        None => {
            groups.push(Group { name, ..Group::default() });
            groups.len() - 1
        }
    };
    let NodeKind::Map(entries) = node.kind else { return };
    for (key, value) in entries {
        match (key.as_str(), value.kind) {
            (Some("vars"), NodeKind::Map(v)) => {
                if let Some(g) = groups.get_mut(at) {
                    g.vars.extend(named(v));
                }
            }
            (Some("hosts"), NodeKind::Map(h)) => {
                for (host, vars) in h {
                    let Some(host) = host.scalar_text() else { continue };
                    let vars = match vars.kind {
                        NodeKind::Map(v) => named(v).collect(),
                        _ => Vec::new(),
                    };
                    match hosts.iter_mut().find(|h| h.name == host) {
                        Some(h) => h.vars.extend(vars),
                        None => hosts.push(Host { name: host.clone(), vars }),
                    }
                    if let Some(g) = groups.get_mut(at) {
                        g.hosts.push(host);
                    }
                }
            }
            (Some("children"), NodeKind::Map(children)) if depth < MAX_NESTING => {
                for (child, body) in children {
                    let Some(child) = child.scalar_text() else { continue };
                    if let Some(g) = groups.get_mut(at) {
                        g.children.push(child.clone());
                    }
                    read_group(child, body, groups, hosts, depth + 1);
                }
            }
            _ => {}
        }
    }
}

fn named(entries: Vec<(Node, Node)>) -> impl Iterator<Item = (String, Node)> {
    entries.into_iter().filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v)))
}

/// A `group_vars/`/`host_vars/` document: its variables, when it is a mapping.
pub fn read_vars_file(file: FileId, target: &Target, root: Node) -> Option<crate::inputs::Input> {
    let NodeKind::Map(entries) = root.kind else { return None };
    let source = Source::Vars { target: target.clone(), vars: named(entries).collect() };
    Some(crate::inputs::Input::Inventory(Box::new(Inventory { file, source })))
}

/// What a file inside a `group_vars/` or `host_vars/` folder sets variables for, and the folder
/// that holds that folder (whose playbooks and inventory they serve): `group_vars/web.yml`,
/// `group_vars/web/*.yml` and `group_vars/web` (no extension) are all for group `web`.
pub fn vars_target(path: &Path) -> Option<(Target, &Path)> {
    let parent = path.parent()?;
    let kind = |dir: &Path| match dir.file_name()?.to_str()? {
        "group_vars" => Some(Target::Group as fn(String) -> Target),
        "host_vars" => Some(Target::Host as fn(String) -> Target),
        _ => None,
    };
    if let Some(make) = kind(parent) {
        let name = path.file_stem()?.to_str()?;
        return Some((make(name.to_owned()), parent.parent()?));
    }
    let grand = parent.parent()?;
    let make = kind(grand)?;
    Some((make(parent.file_name()?.to_str()?.to_owned()), grand.parent()?))
}

/// The inventory sources that serve one playbook, nearest last.
#[derive(Debug, Default)]
pub struct Context<'a> {
    /// Inventory files and vars files, ordered so that a later one wins at the same precedence.
    pub sources: Vec<&'a Inventory>,
}

/// The variable layers of one host, lowest precedence first.
struct Layers<'a> {
    vars: Vec<&'a [(String, Node)]>,
}

impl<'a> Context<'a> {
    /// Groups merged over every inventory file, by name.
    fn groups(&self) -> HashMap<&'a str, Vec<&'a Group>> {
        let mut out: HashMap<&str, Vec<&Group>> = HashMap::new();
        for g in self.files().flat_map(|(groups, _)| groups) {
            out.entry(g.name.as_str()).or_default().push(g);
        }
        out
    }

    fn files(&self) -> impl Iterator<Item = (&'a [Group], &'a [Host])> + '_ {
        self.sources.iter().filter_map(|i| match &i.source {
            Source::File { groups, hosts } => Some((groups.as_slice(), hosts.as_slice())),
            Source::Vars { .. } => None,
        })
    }

    fn vars_files(&self, want: &Target) -> impl Iterator<Item = &'a [(String, Node)]> + '_ {
        let want = want.clone();
        self.sources.iter().filter_map(move |i| match &i.source {
            Source::Vars { target, vars } if *target == want => Some(vars.as_slice()),
            _ => None,
        })
    }

    /// Every host of the inventories, in order.
    fn host_names(&self) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for h in self.files().flat_map(|(_, hosts)| hosts) {
            if !out.contains(&h.name.as_str()) {
                out.push(&h.name);
            }
        }
        out
    }

    /// The hosts a play's `hosts:` selects; `None` when that cannot be decided.
    fn select(&self, pattern: &str, groups: &HashMap<&'a str, Vec<&'a Group>>) -> Option<Vec<&'a str>> {
        let pattern = pattern.trim();
        let all = self.host_names();
        if pattern == "all" || pattern == "*" {
            return Some(all);
        }
        if all.contains(&pattern) {
            return all.into_iter().find(|h| *h == pattern).map(|h| vec![h]);
        }
        if pattern == "localhost" {
            // Ansible's implicit localhost, when the inventory does not list it.
            return Some(vec!["localhost"]);
        }
        let group = groups.get(pattern)?;
        let mut out: Vec<&str> = Vec::new();
        let mut stack: Vec<&Group> = group.clone();
        let mut seen: HashSet<&str> = HashSet::new();
        while let Some(g) = stack.pop() {
            if !seen.insert(&g.name) {
                continue;
            }
            out.extend(g.hosts.iter().map(String::as_str).filter(|h| !out.contains(h)).collect::<Vec<_>>());
            for child in &g.children {
                stack.extend(groups.get(child.as_str()).into_iter().flatten());
            }
        }
        Some(out)
    }

    /// The groups a host belongs to (with their ancestors and `all`), in Ansible's order: by
    /// depth below `all`, then by name.
    fn groups_of(&self, host: &str, groups: &HashMap<&'a str, Vec<&'a Group>>) -> Vec<&'a str> {
        let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, defs) in groups {
            for child in defs.iter().flat_map(|g| &g.children) {
                parents.entry(child.as_str()).or_default().push(name);
            }
        }
        let mut member: Vec<&str> = groups
            .iter()
            .filter(|(_, defs)| defs.iter().any(|g| g.hosts.iter().any(|h| h == host)))
            .map(|(name, _)| *name)
            .collect();
        let mut i = 0;
        while let Some(g) = member.get(i).copied() {
            for p in parents.get(g).into_iter().flatten() {
                if !member.contains(p) {
                    member.push(p);
                }
            }
            i += 1;
        }
        if let Some(all) = groups.keys().find(|k| **k == "all")
            && !member.contains(all)
        {
            member.push(all);
        }
        let depth = |g: &str| depth(g, &parents);
        member.sort_by(|a, b| depth(a).cmp(&depth(b)).then(a.cmp(b)));
        member
    }

    fn layers(&self, host: &str, groups: &HashMap<&'a str, Vec<&'a Group>>) -> Layers<'a> {
        let member = self.groups_of(host, groups);
        let mut vars: Vec<&[(String, Node)]> = Vec::new();
        for g in &member {
            vars.extend(groups.get(g).into_iter().flatten().map(|g| g.vars.as_slice()));
        }
        vars.extend(self.vars_files(&Target::Group("all".to_owned())));
        for g in member.iter().filter(|g| **g != "all") {
            vars.extend(self.vars_files(&Target::Group((*g).to_owned())));
        }
        for (_, hosts) in self.files() {
            vars.extend(hosts.iter().filter(|h| h.name == host).map(|h| h.vars.as_slice()));
        }
        vars.extend(self.vars_files(&Target::Host(host.to_owned())));
        Layers { vars }
    }

    /// The variables of a play that targets `hosts` (`None`: a task file, whose hosts are not
    /// known): each candidate host's variables are worked out on their own, then only the values
    /// equal on every candidate are kept; the others are unknown.
    pub fn vars_for(&self, hosts: Option<&str>) -> Vars<'a> {
        let groups = self.groups();
        let all = self.host_names();
        let mut candidates = hosts.and_then(|p| self.select(p, &groups)).unwrap_or(all);
        if candidates.is_empty() {
            // An inventory of `all.vars` only, or none: Ansible's implicit localhost, which reads
            // the `all` group's variables.
            candidates.push("localhost");
        }
        let per_host: Vec<Vars<'a>> = candidates
            .iter()
            .map(|host| {
                let mut vars = Vars::default();
                for layer in self.layers(host, &groups).vars {
                    for (k, v) in layer {
                        vars.set_raw(k, v);
                    }
                }
                vars
            })
            .collect();
        merge(&per_host)
    }
}

/// A group's depth below `all` (the longest path up, as Ansible counts it).
fn depth(group: &str, parents: &HashMap<&str, Vec<&str>>) -> usize {
    let mut frontier = vec![(group, 0usize)];
    let mut best = 0;
    let mut steps = 0;
    while let Some((g, d)) = frontier.pop() {
        steps += 1;
        if d > MAX_NESTING || steps > 10_000 {
            break;
        }
        best = best.max(d);
        for p in parents.get(g).into_iter().flatten() {
            frontier.push((p, d + 1));
        }
    }
    best
}

/// The values every host agrees on; a name some host lacks or sees otherwise is unknown.
fn merge<'a>(hosts: &[Vars<'a>]) -> Vars<'a> {
    let Some((first, rest)) = hosts.split_first() else { return Vars::default() };
    if rest.is_empty() {
        return first.clone();
    }
    let mut names: Vec<&str> = hosts.iter().flat_map(Vars::names).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Vars::default();
    for name in names {
        let values: Vec<Option<Value<'a>>> = hosts.iter().map(|h| h.get(name)).collect();
        let agreed = match values.split_first() {
            Some((Some(v), others)) if others.iter().all(|o| o.as_ref().is_some_and(|o| o.same(v))) => {
                v.clone()
            }
            _ => Value::Unknown,
        };
        out.set(name, agreed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(file: u32, text: &str) -> Node {
        crate::yaml::parse(FileId(file), text).documents.remove(0).root
    }

    fn vars_file(file: u32, target: Target, text: &str) -> Inventory {
        let NodeKind::Map(entries) = yaml(file, text).kind else { panic!("a mapping") };
        Inventory { file: FileId(file), source: Source::Vars { target, vars: named(entries).collect() } }
    }

    fn group(name: &str) -> Target {
        Target::Group(name.to_owned())
    }

    /// `x` as the play on `hosts` sees it, with these sources.
    fn x(sources: &[&Inventory], hosts: Option<&str>) -> Option<String> {
        Context { sources: sources.to_vec() }.vars_for(hosts).get("x")?.text()
    }

    const INVENTORY: &str = "all:
  vars: {x: all-group, only_all: a}
  children:
    openstack:
      vars: {x: parent-group}
      children:
        masters:
          vars: {x: child-group}
          hosts:
            m0:
    workers:
      hosts:
        w0: {x: w0-host}
  hosts:
    localhost: {x: localhost-host}
";

    #[test]
    fn inventory_file_group_vars_by_depth_then_host_vars() {
        let inv = read_inventory(FileId(0), yaml(0, INVENTORY));
        // A child group's vars win over its parent's, which win over `all`'s.
        assert_eq!(x(&[&inv], Some("m0")).as_deref(), Some("child-group"));
        assert_eq!(x(&[&inv], Some("masters")).as_deref(), Some("child-group"));
        assert_eq!(x(&[&inv], Some("openstack")).as_deref(), Some("child-group"));
        // Host vars win over group vars.
        assert_eq!(x(&[&inv], Some("w0")).as_deref(), Some("w0-host"));
        assert_eq!(x(&[&inv], Some("localhost")).as_deref(), Some("localhost-host"));
    }

    #[test]
    fn hosts_that_disagree_leave_a_value_unknown() {
        let inv = read_inventory(FileId(0), yaml(0, INVENTORY));
        let all = Context { sources: vec![&inv] }.vars_for(Some("all"));
        assert!(matches!(all.get("x"), Some(Value::Unknown)));
        // What every host agrees on stays known; a task file (hosts unknown) sees the same.
        assert_eq!(all.get("only_all").and_then(|v| v.text()).as_deref(), Some("a"));
        let task_file = Context { sources: vec![&inv] }.vars_for(None);
        assert_eq!(task_file.get("only_all").and_then(|v| v.text()).as_deref(), Some("a"));
        // A pattern cannot be decided: every host is a candidate.
        assert!(matches!(
            Context { sources: vec![&inv] }.vars_for(Some("masters:&workers")).get("x"),
            Some(Value::Unknown)
        ));
    }

    #[test]
    fn group_vars_files_rank_between_inventory_group_and_host_vars() {
        let inv = read_inventory(
            FileId(0),
            yaml(
                0,
                "all:\n  vars: {x: inventory-all, w: inventory-all}\n  children:\n    openstack:\n      vars: {z: inventory-child}\n      hosts:\n        localhost: {h: inventory-host}\n",
            ),
        );
        let all = vars_file(1, group("all"), "x: group_vars-all\nz: group_vars-all\nh: group_vars-all\n");
        let child = vars_file(2, group("openstack"), "x: group_vars-openstack\n");
        let host = vars_file(3, Target::Host("localhost".to_owned()), "h: host_vars\n");
        let get = |sources: &[&Inventory], name: &str| {
            Context { sources: sources.to_vec() }.vars_for(Some("localhost")).get(name).and_then(|v| v.text())
        };
        // group_vars/all over the inventory file's group vars, even a child group's.
        assert_eq!(get(&[&inv, &all], "x").as_deref(), Some("group_vars-all"));
        assert_eq!(get(&[&inv, &all], "z").as_deref(), Some("group_vars-all"));
        // group_vars/<group> over group_vars/all, whatever the order the files came in.
        assert_eq!(get(&[&child, &inv, &all], "x").as_deref(), Some("group_vars-openstack"));
        // The inventory file's host vars over any group_vars; host_vars over those.
        assert_eq!(get(&[&inv, &all], "h").as_deref(), Some("inventory-host"));
        assert_eq!(get(&[&inv, &all, &host], "h").as_deref(), Some("host_vars"));
        assert_eq!(get(&[&inv, &all], "w").as_deref(), Some("inventory-all"));
    }

    #[test]
    fn an_inventory_without_hosts_serves_the_implicit_localhost() {
        let inv = read_inventory(FileId(0), yaml(0, "all:\n  vars: {x: from-all}\n"));
        let all = vars_file(1, group("all"), "w: group-vars\n");
        let vars = Context { sources: vec![&inv, &all] }.vars_for(Some("localhost"));
        assert_eq!(vars.get("x").and_then(|v| v.text()).as_deref(), Some("from-all"));
        assert_eq!(vars.get("w").and_then(|v| v.text()).as_deref(), Some("group-vars"));
    }

    #[test]
    fn vars_files_are_told_by_where_they_sit() {
        let t = |p: &str| vars_target(Path::new(p)).map(|(t, owner)| (t, owner.to_path_buf()));
        assert_eq!(t("upi/group_vars/all.yml"), Some((group("all"), "upi".into())));
        assert_eq!(t("upi/group_vars/masters/net.yaml"), Some((group("masters"), "upi".into())));
        assert_eq!(t("upi/host_vars/localhost"), Some((Target::Host("localhost".into()), "upi".into())));
        assert_eq!(t("upi/vars/all.yml"), None);
    }
}
