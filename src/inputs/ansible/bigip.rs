//! F5 BIG-IP tasks (`f5networks.f5_modules.bigip_*`, or the short names of Ansible ≤ 2.9), mapped
//! onto the load balancer model the HAProxy reader fills: a virtual server is a frontend whose
//! `destination` and `port` are its one bind and whose `pool` is its default backend; a pool is a
//! backend; pool members are its servers.
//!
//! Option names and aliases follow the collection's argument specs (F5Networks/f5-ansible,
//! `plugins/modules/bigip_{virtual_server,pool,pool_member}.py`). `destination` may carry a route
//! domain and a prefix (`10.0.0.5%2/32`), or name a virtual address; a pool member needs
//! `address` or `fqdn`, so it never names a node by name alone and `bigip_node` is not needed to
//! find its address. Objects may be named with their partition (`/Common/api`): names are
//! compared without it.

use super::Args;
use crate::inputs::field::{Arguments, Field};
use crate::inputs::lb::{Backend, Bind, Frontend, Proxy, ProxyKind, Server};
use crate::source::{FileId, Sp, Span};
use crate::yaml::Node;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Module {
    VirtualServer,
    Pool,
    PoolMember,
}

pub(super) fn module(key: &str) -> Option<Module> {
    Some(match key.strip_prefix("f5networks.f5_modules.").unwrap_or(key) {
        "bigip_virtual_server" => Module::VirtualServer,
        "bigip_pool" => Module::Pool,
        "bigip_pool_member" => Module::PoolMember,
        _ => return None,
    })
}

/// The service names `bigip_virtual_server` accepts for `port`.
const SERVICES: [(&str, u16); 14] = [
    ("ftp", 21),
    ("http", 80),
    ("https", 443),
    ("telnet", 23),
    ("pptp", 1723),
    ("smtp", 25),
    ("snmp", 161),
    ("snmp-trap", 162),
    ("ssh", 22),
    ("tftp", 69),
    ("isakmp", 500),
    ("mqtt", 1883),
    ("mqtt-tls", 8883),
    ("rtsp", 554),
];

/// A pool member before it is filed under its pool.
struct Member {
    pool: Field<String>,
    server: Server,
}

/// The F5 tasks of one playbook or task file.
#[derive(Default)]
pub(super) struct Config {
    virtual_servers: Vec<Frontend>,
    pools: Vec<Sp<String>>,
    members: Vec<Member>,
}

impl Config {
    /// Takes in one task (`state: absent` tasks never get here).
    pub(super) fn read(&mut self, module: Module, a: &Args<'_, '_>, key: &Node) {
        match module {
            Module::VirtualServer => self.virtual_servers.push(virtual_server(a, key)),
            Module::Pool => {
                for pool in entries(a, &["aggregate", "pools"]) {
                    // Without a readable name the pool cannot be matched; its members still are.
                    if let Ok(item) = pool
                        && let Field::Known(name) = short(item.string(item.alias(&["name", "pool"])))
                    {
                        self.pools.push(name);
                    }
                }
            }
            Module::PoolMember => {
                let pool = short(a.string("pool"));
                for entry in entries(a, &["aggregate", "members"]) {
                    let server = match entry {
                        Ok(item) => member(&item, key),
                        Err(span) => unknown_member(span),
                    };
                    self.members.push(Member { pool: pool.clone(), server });
                }
            }
        }
    }

    /// The configuration, when the file has any F5 task.
    pub(super) fn into_proxy(self, file: FileId) -> Option<Proxy> {
        if self.virtual_servers.is_empty() && self.pools.is_empty() && self.members.is_empty() {
            return None;
        }
        let mut backends: Vec<Backend> = Vec::new();
        for name in self.pools {
            if !backends.iter().any(|b| b.name.value == name.value) {
                backends.push(Backend { name, servers: Vec::new() });
            }
        }
        let mut unplaced = Vec::new();
        for Member { pool, server } in self.members {
            let Field::Known(pool) = pool else {
                unplaced.push(server);
                continue;
            };
            match backends.iter_mut().find(|b| b.name.value == pool.value) {
                Some(backend) => backend.servers.push(server),
                None => backends.push(Backend { name: pool, servers: vec![server] }),
            }
        }
        // A member whose pool cannot be read may belong to any pool: each gets it with an unknown
        // address, so that no pool's members are taken as the whole list.
        for server in unplaced {
            for backend in &mut backends {
                backend.servers.push(Server { address: Field::Unknown(server.span), ..server.clone() });
            }
        }
        Some(Proxy { file, kind: ProxyKind::BigIp, frontends: self.virtual_servers, backends })
    }
}

/// The objects a task writes: the items of its `aggregate` list (under either name), else the
/// task itself. An item list that cannot be read is one unknown item.
fn entries<'a, 'v>(a: &Args<'a, 'v>, aggregate: &[&str]) -> Vec<Result<Args<'a, 'v>, Span>> {
    let key = a.alias(aggregate);
    let Some(written) = a.node(key) else { return vec![Ok(*a)] };
    match a.vars.value(written) {
        super::Value::Node(list) => list
            .as_seq()
            .unwrap_or_default()
            .iter()
            .map(|item| Ok(Args { args: item, ..*a }))
            .filter(|item| !item.as_ref().is_ok_and(is_absent))
            .collect(),
        _ => vec![Err(written.span)],
    }
}

fn is_absent(a: &Args<'_, '_>) -> bool {
    a.string("state").value().is_some_and(|s| s == "absent")
}

fn virtual_server(a: &Args<'_, '_>, key: &Node) -> Frontend {
    let destination = a.string(a.alias(&["destination", "address", "ip"]));
    let port = port(a.string("port"));
    let span = destination.span().or(port.span()).unwrap_or(key.span);
    // An empty `pool` detaches the pool.
    let default_backend = short(a.string("pool")).known().filter(|p| !p.value.is_empty()).cloned();
    Frontend {
        name: written_name(a, &["name", "vs"], key),
        binds: vec![Bind { address: address(destination), port, span }],
        default_backend,
        use_backends: Vec::new(),
    }
}

fn member(a: &Args<'_, '_>, key: &Node) -> Server {
    let address = address(a.string(a.alias(&["address", "host", "ip", "fqdn", "hostname"])));
    let span = address.span().unwrap_or(key.span);
    let name = match (a.string("name"), address.known()) {
        (Field::Known(n), _) => n,
        (_, Some(addr)) => addr.clone(),
        _ => written_name(a, &["name"], key),
    };
    Server { name, address, port: port(a.string("port")), span }
}

fn unknown_member(span: Span) -> Server {
    Server {
        name: Sp::new(String::new(), span),
        address: Field::Unknown(span),
        port: Field::Unknown(span),
        span,
    }
}

/// An object's name as written (a template stays raw), else the module key.
fn written_name(a: &Args<'_, '_>, names: &[&str], key: &Node) -> Sp<String> {
    let option = a.alias(names);
    if let Field::Known(n) = short(a.string(option)) {
        return n;
    }
    match a.node(option) {
        Some(written) => Sp::new(written.scalar_text().unwrap_or_default(), written.span),
        None => Sp::new(key.as_str().unwrap_or_default().to_owned(), key.span),
    }
}

/// A name without its partition and folder (`/Common/api` is `api`).
fn short(field: Field<String>) -> Field<String> {
    match field {
        Field::Known(n) => {
            let last = n.value.rsplit_once('/').map_or(n.value.as_str(), |(_, last)| last).to_owned();
            Field::Known(Sp::new(last, n.span))
        }
        other => other,
    }
}

/// An address without its route domain (`%2`) and prefix (`/32`).
fn address(field: Field<String>) -> Field<String> {
    match field {
        Field::Known(a) => {
            let bare = a.value.split(['%', '/']).next().unwrap_or_default().trim().to_owned();
            Field::Known(Sp::new(bare, a.span))
        }
        other => other,
    }
}

/// A port: a number, a service name, or `0`/`any`/`*` for every port.
fn port(field: Field<String>) -> Field<u16> {
    let Field::Known(p) = field else {
        return match field {
            Field::Unknown(span) => Field::Unknown(span),
            _ => Field::Missing,
        };
    };
    let text = p.value.trim();
    let number = match text {
        "any" | "*" => Some(0),
        _ if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
        _ => SERVICES.iter().find(|(service, _)| *service == text).map(|(_, n)| *n),
    };
    number.map_or(Field::Unknown(p.span), |n| Field::Known(Sp::new(n, p.span)))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::inputs::ansible::read;
    use crate::inputs::lb::{LbConfig, Proxy};
    use crate::source::FileId;
    use crate::yaml;

    fn proxy(text: &str) -> Proxy {
        let parsed = yaml::parse(FileId(0), text);
        let root = &parsed.documents[0].root;
        assert!(crate::inputs::ansible::is_ansible(root));
        let mut site = read(FileId(0), root, &[], Path::new("lb"));
        match site.load_balancers.pop() {
            Some((dir, LbConfig::Proxy(p))) if dir == Path::new("lb") => p,
            other => panic!("no F5 configuration: {other:?}"),
        }
    }

    fn at(text: &str, span: crate::source::Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn virtual_servers_pools_and_members_with_aliases() {
        let text = "- hosts: localhost
  vars:
    api_port: 6443
  tasks:
  - f5networks.f5_modules.bigip_pool: {name: /Common/api-pool}
  - name: members
    f5networks.f5_modules.bigip_pool_member:
      pool: api-pool
      aggregate:
      - {host: '10.1.1.10%2', port: 6443, name: master-0}
      - {ip: 10.1.2.10, port: 6443}
      - {address: 10.1.3.10, port: 6443, state: absent}
  - bigip_virtual_server:
      vs: api
      ip: 192.0.2.5%2/32
      port: '{{ api_port }}'
      pool: /Common/api-pool
  - bigip_virtual_server: {name: https, destination: 192.0.2.7, port: https, pool: ''}
  - bigip_virtual_server: {name: any, destination: 192.0.2.7, port: any}
";
        let p = proxy(text);
        let api = &p.frontends[0];
        assert_eq!(api.name.value, "api");
        let bind = &api.binds[0];
        assert_eq!(bind.ip(), "192.0.2.5".parse().ok());
        assert_eq!(at(text, bind.span), "192.0.2.5%2/32");
        assert_eq!(
            (bind.port.value(), at(text, bind.port.span().unwrap())),
            (Some(&6443), "'{{ api_port }}'")
        );
        assert_eq!(api.default_backend.as_ref().map(|b| b.value.as_str()), Some("api-pool"));
        assert_eq!(p.frontends[1].binds[0].port.value(), Some(&443));
        assert_eq!(p.frontends[1].default_backend, None);
        assert!(p.frontends[2].binds[0].serves(22623));
        let pool = &p.backends[0];
        assert_eq!((pool.name.value.as_str(), at(text, pool.name.span)), ("api-pool", "/Common/api-pool"));
        let servers: Vec<_> =
            pool.servers.iter().map(|s| (s.name.value.as_str(), s.ip(), s.port.value())).collect();
        assert_eq!(
            servers,
            [
                ("master-0", "10.1.1.10".parse().ok(), Some(&6443)),
                ("10.1.2.10", "10.1.2.10".parse().ok(), Some(&6443))
            ]
        );
        assert_eq!(at(text, pool.servers[0].span), "'10.1.1.10%2'");
    }

    #[test]
    fn unknown_values_stay_unknown() {
        let text = "- bigip_virtual_server: {name: api, destination: '{{ vip }}', port: '{{ port }}', pool: '{{ p }}'}
- bigip_pool_member: {pool: masters, address: '{{ m0 }}', port: 6443}
- bigip_pool_member: {pool: '{{ which }}', address: 10.1.1.10, port: 6443}
- bigip_pool_member: {pool: masters, members: '{{ more }}'}
- bigip_virtual_server: {name: '{{ name }}', destination: 192.0.2.5, port: web}
";
        let p = proxy(text);
        let bind = &p.frontends[0].binds[0];
        assert!(bind.address.is_unknown() && bind.port.is_unknown());
        assert_eq!(p.frontends[0].default_backend, None);
        let second = &p.frontends[1];
        assert_eq!((second.name.value.as_str(), at(text, second.name.span)), ("{{ name }}", "'{{ name }}'"));
        // `web` is no service name the module knows.
        assert!(second.binds[0].port.is_unknown());
        let masters = &p.backends[0];
        assert_eq!(masters.name.value, "masters");
        // The templated address, the unreadable member list and the member of an unknown pool.
        assert_eq!(masters.servers.len(), 3);
        assert!(masters.servers.iter().all(|s| s.address.is_unknown() && s.ip().is_none()));
    }
}
