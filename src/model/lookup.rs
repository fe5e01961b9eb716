//! The Site's objects by name and by resource, built once the scan's Site is complete: rules and
//! the model ask for networks and subnets by name once per cluster or more, and a scan over every
//! object each time is quadratic on an estate with a network per cluster.
//!
//! Each table remembers how many objects it was built from; a Site that has grown since (a
//! reader's Site for one file, still being filled) is searched object by object instead.

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

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
    pub subnets_by_cidr: CidrTable,
    /// Floating IPs by address (each a one-address network).
    pub floating_ips_by_address: CidrTable,
}

/// Networks by CIDR, so that "the subnet holding this address" costs one probe per prefix length
/// in use instead of a pass over every subnet (once per cluster VIP and load balancer server);
/// floating IPs are indexed the same way, as one-address networks.
#[derive(Clone, Debug, Default)]
pub(super) struct CidrTable {
    len: usize,
    /// The prefix lengths in use, per address family.
    v4: Vec<u8>,
    v6: Vec<u8>,
    by_network: HashMap<IpNet, Vec<usize>>,
}

impl CidrTable {
    pub fn new(cidrs: impl ExactSizeIterator<Item = Option<IpNet>>) -> Self {
        let mut table = CidrTable { len: cidrs.len(), ..CidrTable::default() };
        for (i, cidr) in cidrs.enumerate() {
            let Some(cidr) = cidr else { continue };
            let lengths = match cidr {
                IpNet::V4(_) => &mut table.v4,
                IpNet::V6(_) => &mut table.v6,
            };
            if !lengths.contains(&cidr.prefix_len()) {
                lengths.push(cidr.prefix_len());
            }
            table.by_network.entry(cidr.trunc()).or_default().push(i);
        }
        table
    }

    /// The table, when it still describes `len` subnets.
    pub fn of(&self, len: usize) -> Option<&Self> {
        (self.len == len && len > 0).then_some(self)
    }

    /// The positions of the networks that hold `ip`, in scan order.
    pub fn holding(&self, ip: IpAddr) -> Vec<usize> {
        let lengths = if ip.is_ipv4() { &self.v4 } else { &self.v6 };
        let mut out: Vec<usize> = lengths
            .iter()
            .filter_map(|&len| IpNet::new(ip, len).ok())
            .filter_map(|net| self.by_network.get(&net.trunc()))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out
    }
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

    const NESTED_SUBNETS: &str = "\
heat_template_version: 2018-08-31
resources:
  wide:
    type: OS::Neutron::Subnet
    properties: {name: wide, network: n, cidr: 10.0.0.0/8}
  narrow:
    type: OS::Neutron::Subnet
    properties: {name: narrow, network: n, cidr: 10.20.0.9/24}
  v6:
    type: OS::Neutron::Subnet
    properties: {name: v6, network: n, cidr: 'fd00:1::/64'}
";

    #[test]
    fn the_cidr_table_finds_every_subnet_holding_an_address_in_scan_order() {
        let mut site = site(0, NESTED_SUBNETS);
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let names = |site: &Site, a: &str| -> Vec<String> {
            site.subnets_containing(ip(a)).filter_map(|s| s.name.value().cloned()).collect()
        };
        let scanned = ["10.20.0.200", "10.9.0.1", "fd00:1::5", "192.0.2.1"].map(|a| names(&site, a));
        site.index();
        let indexed = ["10.20.0.200", "10.9.0.1", "fd00:1::5", "192.0.2.1"].map(|a| names(&site, a));
        assert_eq!(indexed, scanned);
        assert_eq!(indexed[0], ["wide", "narrow"], "host bits in a CIDR do not hide it");
        assert_eq!(indexed[1], ["wide"]);
        assert_eq!(indexed[2], ["v6"]);
        assert!(indexed[3].is_empty());
        assert!(site.only_subnet_containing(ip("10.20.0.1")).is_none(), "two subnets hold it");
    }
}
