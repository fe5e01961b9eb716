use std::net::IpAddr;

use ipnet::IpNet;

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::model::site::{Port, SecurityGroup, SecurityGroupRule};
use crate::rules::{Context, declare_rule};

declare_rule!(VrrpBlockedBySecurityGroup, "SL211", "SL211-vrrp-blocked-by-security-group.yaml", check);

/// The ports that hold a keepalived VIP (as an allowed address pair) must admit VRRP adverts
/// (IP protocol 112) from their peers, or every holder believes it is alone and takes the VIP.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let site = &cx.model.site;
    let vips = keepalived_vips(cx.model);
    for port in &site.ports {
        if port.port_security.value() == Some(&false) {
            continue;
        }
        let Some(held) = port.allowed_address_pairs.iter().find_map(|p| {
            let allowed = allowed(p.value()?)?;
            vips.iter().find(|(vip, _)| allowed.contains(vip))
        }) else {
            continue;
        };
        let Some(groups) = &port.security_groups else { continue };
        // A group the scan does not define (the project's `default`, an id) may admit anything.
        let Some(resolved) = groups.value.iter().map(|g| site.security_group(g)).collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let rules = || resolved.iter().flat_map(|g| site.rules_of(g));
        if rules().any(|r| admits(r, held.0) != Some(false)) {
            continue;
        }
        out.push(finding(port, &resolved, held, groups.span));
    }
}

fn finding(
    port: &Port,
    groups: &[&SecurityGroup],
    (vip, holder): &(IpAddr, String),
    span: crate::source::Span,
) -> Diagnostic {
    let names = groups.iter().map(|g| format!("`{}`", g.display_name())).collect::<Vec<_>>().join(", ");
    let port_name =
        port.name.value().cloned().unwrap_or_else(|| crate::model::site::unresolved(&port.origin.key.value));
    Diagnostic::new(
        "SL211",
        span,
        format!(
            "port `{port_name}` may hold {vip} ({holder}), but its security groups {names} admit no VRRP \
             (IP protocol 112) from the VIP's network"
        ),
    )
    .with_label("no rule for protocol 112")
    .with_help(format!(
        "add an ingress rule with protocol 112 (or `vrrp`) and a remote prefix covering {vip}'s subnet to one of \
         these groups; without it every keepalived peer takes the VIP"
    ))
}

/// Whether a rule admits VRRP adverts sent from an address on the VIP's subnet: `None` when the
/// rule cannot be read.
fn admits(rule: &SecurityGroupRule, vip: IpAddr) -> Option<bool> {
    if rule.direction.is_unknown() || rule.protocol.is_unknown() || rule.remote_ip_prefix.is_unknown() {
        return None;
    }
    if rule.direction.value().is_some_and(|d| !d.eq_ignore_ascii_case("ingress")) {
        return Some(false);
    }
    let protocol_ok = match rule.protocol.value().map(|p| p.to_ascii_lowercase()) {
        None => true,
        Some(p) => matches!(p.as_str(), "112" | "vrrp" | "any"),
    };
    let from_ok = match rule.remote_ip_prefix.value() {
        None => true,
        Some(prefix) => match prefix.parse::<IpNet>() {
            Ok(net) => net.contains(&vip),
            Err(_) => return None,
        },
    };
    Some(protocol_ok && from_ok)
}

/// The VIPs keepalived moves, with who moves them: keepalived-managed clusters' API and ingress
/// VIPs, and the VIPs of the keepalived instances in the scan.
fn keepalived_vips(model: &Model) -> Vec<(IpAddr, String)> {
    let mut out = Vec::new();
    for cluster in &model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        if ic.user_managed_lb() || ic.lb_type_unknown() {
            continue;
        }
        out.extend(cluster.vips().into_iter().map(|v| (v, format!("a VIP of cluster `{}`", cluster.name))));
    }
    for (_, instance) in model.site.vrrp_instances() {
        for vip in instance.vips().unwrap_or_default() {
            out.push((vip, format!("keepalived instance `{}`", instance.name.value)));
        }
    }
    out
}

/// An allowed-address-pair value: an address (one host) or a CIDR.
fn allowed(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>().ok().or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}
