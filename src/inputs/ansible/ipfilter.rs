//! The address filters UPI playbooks and inventories use to place VIPs and allocation pools,
//! evaluated exactly on a known CIDR: `nthhost(n)` and `next_nth_usable(n)` (bare or as
//! `ansible.utils.`/`ansible.netcommon.`), and `ipaddr('address' | 'network' | 'prefix')`.
//! Any other expression is not evaluated here (its caller keeps it partial).
//!
//! Semantics of ansible.utils (netaddr underneath): `nthhost(n)` indexes the network's addresses
//! from the network address (a negative `n` from the last one) and fails outside it;
//! `next_nth_usable(n)` adds `n` to the address as written and fails outside the first..last
//! usable range (network and broadcast excluded for IPv4 prefixes up to /30).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::vars::Value;

/// `value | filter(arg)`, when `filter` is one of this module's and `value` a variable or a
/// quoted literal. `None`: not such an expression.
pub fn eval<'a>(expr: &str, lookup: impl Fn(&str) -> Option<Value<'a>>) -> Option<Value<'a>> {
    let (input, filter) = expr.split_once('|')?;
    let (input, filter) = (input.trim(), filter.trim());
    let (name, arg) = filter.strip_suffix(')')?.split_once('(')?;
    let name = ["ansible.utils.", "ansible.netcommon."]
        .iter()
        .find_map(|p| name.trim().strip_prefix(p))
        .unwrap_or(name.trim());
    let arg = arg.trim();
    let apply: fn(&str, &str) -> Option<String> = match name {
        "nthhost" => nthhost,
        "next_nth_usable" => next_nth_usable,
        "ipaddr" if matches!(quoted(arg), Some("address" | "network" | "prefix")) => ipaddr,
        _ => return None,
    };
    let text = match quoted(input) {
        Some(literal) => literal.to_owned(),
        None if is_name(input) => match lookup(input) {
            Some(v) => match v.text() {
                Some(t) => t,
                None if matches!(v, Value::Partial(_)) => return None,
                None => return Some(Value::Unknown),
            },
            None => return None,
        },
        None => return None,
    };
    // A filter that fails (an index outside the network, text that is no CIDR) is Ansible's
    // error or `False`: nothing to read, so unknown.
    Some(apply(&text, arg).map_or(Value::Unknown, Value::Text))
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn quoted(s: &str) -> Option<&str> {
    s.strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
}

fn index(arg: &str) -> Option<i128> {
    arg.parse().ok()
}

/// An address as a number with its width (32 or 128 bits).
fn number(ip: IpAddr) -> (u128, u32) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

fn address(n: u128, bits: u32) -> Option<IpAddr> {
    Some(if bits == 32 {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(n).ok()?))
    } else {
        IpAddr::V6(Ipv6Addr::from(n))
    })
}

fn nthhost(value: &str, arg: &str) -> Option<String> {
    let net: IpNet = value.trim().parse().ok()?;
    let n = index(arg)?;
    let (first, bits) = number(net.network());
    let (last, _) = number(net.broadcast());
    let size = i128::try_from(last - first).ok()?.checked_add(1)?;
    let offset = if n < 0 { size.checked_add(n)? } else { n };
    if !(0..size).contains(&offset) {
        return None;
    }
    Some(address(first.checked_add(u128::try_from(offset).ok()?)?, bits)?.to_string())
}

fn next_nth_usable(value: &str, arg: &str) -> Option<String> {
    let net: IpNet = value.trim().parse().ok()?;
    let n = index(arg)?;
    let (first, bits) = number(net.network());
    let (last, _) = number(net.broadcast());
    // /31 and /32 (and their IPv6 kin) have no network or broadcast address to leave out.
    let (lo, hi) = if last - first >= 3 { (first + 1, last - 1) } else { (first, last) };
    let (at, _) = number(net.addr());
    let nth = i128::try_from(at).ok()?.checked_add(n)?;
    let nth = u128::try_from(nth).ok()?;
    (lo..=hi).contains(&nth).then(|| address(nth, bits)).flatten().map(|a| a.to_string())
}

fn ipaddr(value: &str, arg: &str) -> Option<String> {
    let net: IpNet = value.trim().parse().ok()?;
    Some(match quoted(arg)? {
        "address" => net.addr().to_string(),
        "network" => net.network().to_string(),
        "prefix" => net.prefix_len().to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(expr: &str) -> Option<String> {
        let cidr = crate::yaml::Node {
            kind: crate::yaml::NodeKind::Str("10.0.0.0/16".to_owned()),
            span: crate::source::Span::new(crate::source::FileId(0), 0, 0),
        };
        let v = eval(expr, |name| (name == "os_subnet_range").then_some(Value::Node(&cidr)))?;
        Some(v.text().unwrap_or_else(|| "<unknown>".to_owned()))
    }

    #[test]
    fn the_upi_vip_filters_give_hosts_5_and_7() {
        assert_eq!(run("os_subnet_range | ansible.utils.nthhost(5)").as_deref(), Some("10.0.0.5"));
        assert_eq!(run("os_subnet_range | next_nth_usable(7)").as_deref(), Some("10.0.0.7"));
        assert_eq!(run("os_subnet_range|nthhost(-1)").as_deref(), Some("10.0.255.255"));
        assert_eq!(run("'192.0.2.0/24' | nthhost(256)").as_deref(), Some("<unknown>"));
        assert_eq!(run("'192.0.2.0/24' | next_nth_usable(255)").as_deref(), Some("<unknown>"));
        assert_eq!(run("os_subnet_range | ansible.utils.ipaddr('network')").as_deref(), Some("10.0.0.0"));
        // Not one of these filters, or an input not known here: left to the caller.
        assert_eq!(run("os_subnet_range | ipaddr('last_usable')"), None);
        assert_eq!(run("infraID | nthhost(5)"), None);
        assert_eq!(run("os_subnet_range | ipmath(1)"), None);
    }
}
