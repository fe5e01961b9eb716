//! The Site's objects by name and by resource, built once the scan's Site is complete: rules and
//! the model ask for networks and subnets by name once per cluster or more, and a scan over every
//! object each time is quadratic on an estate with a network per cluster.
//!
//! Each table remembers how many objects it was built from; a Site that has grown since (a
//! reader's Site for one file, still being filled) is searched object by object instead.

use std::collections::HashMap;

use crate::inputs::Field;
use crate::model::site::{Kind, Symbol, Symbolic};
use crate::source::{FileId, Span};

/// What an object is looked up by: its `name`, where it was defined, and (through the Site's
/// symbols) the unresolved expression of its name.
pub(super) trait Keyed {
    const KIND: Kind;
    fn name(&self) -> &Field<String>;
    fn resource(&self) -> (FileId, &str);
    /// The file and span of the object's logical name: what a [`Symbolic`] points at.
    fn defined_at(&self) -> (FileId, Span);
}

/// One kind of object by name (every one, in order) and by resource (the first).
#[derive(Clone, Debug, Default)]
pub(super) struct Table {
    len: usize,
    by_name: HashMap<String, Vec<usize>>,
    by_resource: HashMap<FileId, HashMap<String, usize>>,
    by_symbol: HashMap<Symbol, usize>,
}

impl Table {
    pub fn new<T: Keyed>(items: &[T], symbols: &[Symbolic]) -> Self {
        let mut table = Table { len: items.len(), ..Table::default() };
        let mut at: HashMap<(FileId, Span), usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(name) = item.name().value() {
                table.by_name.entry(name.clone()).or_default().push(i);
            }
            let (file, key) = item.resource();
            table.by_resource.entry(file).or_default().entry(key.to_owned()).or_insert(i);
            at.entry(item.defined_at()).or_insert(i);
        }
        for s in symbols.iter().filter(|s| s.kind == T::KIND) {
            if let Some(&i) = at.get(&(s.file, s.at)) {
                table.by_symbol.entry(s.symbol.clone()).or_insert(i);
            }
        }
        table
    }

    /// The position of the first object whose name is this symbol.
    pub fn symbol(&self, symbol: &Symbol) -> Option<&usize> {
        self.by_symbol.get(symbol)
    }

    /// The table, when it still describes `items`.
    pub fn of<T>(&self, items: &[T]) -> Option<&Self> {
        (self.len == items.len() && self.len > 0).then_some(self)
    }

    /// The positions of the objects with this name, in order.
    pub fn named(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The position of the first object defined as `key` in `file`.
    pub fn resource(&self, file: FileId, key: &str) -> Option<usize> {
        self.by_resource.get(&file)?.get(key).copied()
    }
}

/// The tables of the kinds of object references name.
#[derive(Clone, Debug, Default)]
pub(super) struct Lookup {
    pub networks: Table,
    pub subnets: Table,
    pub segments: Table,
    pub security_groups: Table,
    pub routers: Table,
    pub ports: Table,
}

#[cfg(test)]
mod tests {
    use crate::model::site::{Ref, Site};
    use crate::source::{FileId, Span};

    fn site(file: u32, heat: &str) -> Site {
        let parsed = crate::yaml::parse(FileId(file), heat);
        parsed
            .documents
            .first()
            .map_or_else(Site::default, |d| crate::inputs::heat::read(FileId(file), &d.root))
    }

    fn named(value: &str) -> Ref {
        Ref::Named { value: value.to_owned(), span: Span::new(FileId(0), 0, 0) }
    }

    const TWO_NETWORKS_NAMED_CP: &str = "heat_template_version: 2018-08-31
resources:
  first:
    type: OS::Neutron::Net
    properties: {name: cp}
  second:
    type: OS::Neutron::Net
    properties: {name: cp}
  sub:
    type: OS::Neutron::Subnet
    properties: {name: cp-sub, network: {get_resource: second}, cidr: 10.20.0.0/24}
";

    #[test]
    fn the_tables_find_what_a_scan_finds_and_a_grown_site_is_scanned() {
        let mut site = site(0, TWO_NETWORKS_NAMED_CP);
        site.index();
        // By name the first network wins; a resource reference finds its own.
        assert_eq!(site.network(&named("cp")).map(|n| n.origin.key.value.as_str()), Some("first"));
        let sub = site.subnets_named("cp-sub").next().map(|s| s.network.clone());
        let network = sub.and_then(|r| site.network(&r).map(|n| n.origin.key.value.clone()));
        assert_eq!(network.as_deref(), Some("second"));
        // Objects added after the tables were built are still found.
        site.extend(site_with_net(1));
        assert!(site.network_named("late").is_some());
        assert!(site.network(&named("late")).is_some());
    }

    #[test]
    fn a_resource_key_is_a_label_never_a_name() {
        let mut site = site(
            0,
            "heat_template_version: 2018-08-31\nresources:\n  cp_net:\n    type: OS::Neutron::Net\n    properties: {}\n",
        );
        site.index();
        let net = &site.networks[0];
        assert!(net.name.value().is_none());
        assert_eq!(net.display_name(), "(unresolved name, defined by \"cp_net\")");
        assert!(site.network_named("cp_net").is_none());
        assert!(site.network(&named("cp_net")).is_none());
    }

    fn site_with_net(file: u32) -> Site {
        site(
            file,
            "heat_template_version: 2018-08-31\nresources:\n  late:\n    type: OS::Neutron::Net\n    properties: {name: late}\n",
        )
    }
}
