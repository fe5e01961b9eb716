//! SL402: an old and a new install-config spelling are both set and disagree.
//!
//! The installer's conversion step (`convertOpenStack`, DOMAIN.md §A.4) refuses these pairs
//! before any other validation runs, so `openshift-install` stops at the first one. The finding
//! points at the old key's value and quotes the installer's error text. Nothing fires when
//! either side is unknown (templated): the pair may well agree once rendered.

use super::locate;
use crate::diagnostic::Diagnostic;
use crate::inputs::field::{self, Field};
use crate::rules::{Context, declare_rule};
use crate::source::{Sp, Span};
use crate::yaml::Node;

declare_rule!(ConflictingDeprecatedField, "SL402", "SL402-conflicting-deprecated-field.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        let mut found = Vec::new();
        if let Some(os) = ic.root.path(&["platform", "openstack"]) {
            renamed(os, &mut found);
            vips(cx, os, "apiVIP", &mut found);
            vips(cx, os, "ingressVIP", &mut found);
            machines_subnet(os, &mut found);
        }
        root_volume_types(&ic.root, &mut found);
        out.extend(found.into_iter().map(|d| d.for_cluster(Some(&cluster.name))));
    }
}

/// A known, non-empty string: the installer treats `""` as unset.
fn text(node: Option<&Node>) -> Option<Sp<String>> {
    match field::string(node) {
        Field::Known(s) if !s.value.is_empty() => Some(s),
        _ => None,
    }
}

/// `lbFloatingIP` vs `apiFloatingIP`, `computeFlavor` vs `defaultMachinePlatform.type`: the
/// installer accepts both only when the two strings are equal.
fn renamed(os: &Node, out: &mut Vec<Diagnostic>) {
    let pairs: [(&str, &[&str], &str); 2] = [
        ("lbFloatingIP", &["apiFloatingIP"], "cannot specify lbFloatingIP and apiFloatingIP together"),
        (
            "computeFlavor",
            &["defaultMachinePlatform", "type"],
            "cannot specify computeFlavor and type in defaultMachinePlatform together",
        ),
    ];
    for (old, new, error) in pairs {
        let (Some(o), Some(n)) = (text(os.get(old)), text(os.path(new))) else { continue };
        if o.value == n.value {
            continue;
        }
        let new_path = new.join(".");
        out.push(
            Diagnostic::new(
                "SL402",
                o.span,
                format!(
                    "`platform.openstack.{old}` is `{}` but `{new_path}` is `{}`: the installer stops with \"{error}\"",
                    o.value, n.value
                ),
            )
            .with_label("deprecated spelling")
            .with_secondary(n.span, "new spelling, another value")
            .with_help(format!("delete `{old}` and keep the value you mean in `{new_path}`")),
        );
    }
}

/// `apiVIP`/`ingressVIP` must be one of the entries of `apiVIPs`/`ingressVIPs` when both are set
/// (installer `upconvertVIP`, which compares the strings as written).
fn vips(cx: &Context<'_>, os: &Node, old: &str, out: &mut Vec<Diagnostic>) {
    let new = format!("{old}s");
    let Some(o) = text(os.get(old)) else { return };
    let Some(list) = os.get(&new) else { return };
    let Field::Known(entries) = field::strings(Some(list)) else { return };
    if entries.value.is_empty() || entries.value.iter().any(|e| e.value == o.value) {
        return;
    }
    let shown = locate::list_text(cx, list).map_or_else(|| format!("`{new}`"), |l| format!("`{new}: {l}`"));
    out.push(
        Diagnostic::new(
            "SL402",
            o.span,
            format!(
                "`platform.openstack.{old}` is `{}`, which is not in {shown}: the installer stops with \
                 \"{new} is deprecated; only {old} needs to be specified\" (sic: its wording swaps the two names)",
                o.value
            ),
        )
        .with_label("deprecated spelling")
        .with_secondary(list.full_span(), format!("`{}` is not here", o.value))
        .with_help(format!(
            "delete `{old}`; if `{}` is the address you mean, put it in `{new}` instead",
            o.value
        )),
    );
}

/// `machinesSubnet` with a `controlPlanePort` that is not exactly one fixed IP on that subnet id.
fn machines_subnet(os: &Node, out: &mut Vec<Diagnostic>) {
    let Some(old) = text(os.get("machinesSubnet")) else { return };
    let Some((port_key, port)) = os.entry("controlPlanePort").filter(|(_, v)| !v.is_null()) else { return };
    if port.as_map().is_none() {
        return; // templated or of the wrong type: unknown
    }
    let (reason, span, note): (String, Span, &str) = match port.get("fixedIPs").filter(|f| !f.is_null()) {
        None => ("has no `fixedIPs`".to_owned(), port_key.span, "no `fixedIPs` here"),
        Some(list) => match list.as_seq() {
            None => return,
            Some([only]) => {
                if only.as_map().is_none() {
                    return;
                }
                match field::string(only.path(&["subnet", "id"])) {
                    Field::Unknown(_) => return,
                    Field::Known(id) if id.value == old.value => return,
                    Field::Known(id) if !id.value.is_empty() => {
                        (format!("names subnet id `{}`", id.value), id.span, "another subnet id")
                    }
                    _ => (
                        "names its subnet without an id".to_owned(),
                        only.get("subnet").unwrap_or(only).full_span(),
                        "no subnet id",
                    ),
                }
            }
            Some(items) => {
                (format!("lists {} fixedIPs", items.len()), list.full_span(), "not exactly one fixed IP")
            }
        },
    };
    out.push(
        Diagnostic::new(
            "SL402",
            old.span,
            format!(
                "`platform.openstack.machinesSubnet` is `{}` but `controlPlanePort` {reason}: the installer stops with \
                 \"machinesSubnet is deprecated; only controlPlanePort needs to be specified\"",
                old.value
            ),
        )
        .with_label("deprecated spelling")
        .with_secondary(span, note)
        .with_help(
            "delete `machinesSubnet`: the installer accepts it next to `controlPlanePort` only when `controlPlanePort` \
             has exactly one fixed IP with this subnet id",
        ),
    );
}

/// `rootVolume.type` together with a non-empty `rootVolume.types`, in any pool.
fn root_volume_types(root: &Node, out: &mut Vec<Diagnostic>) {
    for pool in locate::pools(root) {
        let Some(rv) = pool.node.get("rootVolume") else { continue };
        let Some(old) = text(rv.get("type")) else { continue };
        let Some(types) = rv.get("types").filter(|t| t.as_seq().is_some_and(|s| !s.is_empty())) else {
            continue;
        };
        // The installer words the error for defaultMachinePlatform differently.
        let error = if pool.is_default {
            "cannot specify type and types in defaultMachinePlatform together"
        } else {
            "cannot specify type and types in rootVolume together"
        };
        out.push(
            Diagnostic::new(
                "SL402",
                old.span,
                format!(
                    "`{}` and `rootVolume.types` are both set: the installer stops with \"{error}\"",
                    pool.key_path("rootVolume.type")
                ),
            )
            .with_label("deprecated spelling")
            .with_secondary(types.full_span(), "new spelling")
            .with_help(format!(
                "delete `type: {}`; `types` replaces it (one entry, or one per zone)",
                old.value
            )),
        );
    }
}
