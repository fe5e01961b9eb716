//! SL101: in a multi-AZ cluster the control plane must keep an etcd quorum when any one AZ is lost.
//!
//! etcd with n members needs ⌊n/2⌋+1 of them, so one AZ may hold at most ⌈n/2⌉−1 members. With
//! fewer than three AZs that bound can never hold (one AZ always has a majority), so the same test
//! covers "spans fewer than 3 AZs". Members come from the layout (Machines, else the CPMS, else the
//! install-config round-robin); the default AZ (empty name) counts as an AZ of its own.

use super::{az_display, fullest, per_az_text, tally};
use crate::diagnostic::Diagnostic;
use crate::model::{Cluster, Member, Origin};
use crate::rules::{Context, declare_rule};
use crate::source::Span;

declare_rule!(ControlPlaneNotSpread, "SL101", "SL101-control-plane-not-spread.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        if cluster.layout.zones.len() < 2 {
            continue;
        }
        let Some(members) = &cluster.layout.control_plane else { continue };
        if let Some(diag) = finding(cluster, members) {
            out.push(diag);
        }
    }
}

fn finding(cluster: &Cluster, members: &[Member]) -> Option<Diagnostic> {
    let n = members.len();
    if n == 0 {
        return None;
    }
    let quorum = n / 2 + 1;
    // The most members one AZ may hold and still leave a quorum when it is lost.
    let bearable = n.div_ceil(2) - 1;
    let counts = tally(members.iter().map(|m| (m.zone.as_str(), 1)));
    // The fullest AZ (the first one among equals).
    let (worst, worst_count) = fullest(&counts)?;
    let worst_count = usize::try_from(worst_count).unwrap_or(0);
    if counts.len() >= 3 && worst_count <= bearable {
        return None;
    }
    // The member that over-fills the fullest AZ, else the first member.
    let primary = members
        .iter()
        .filter(|m| m.zone == worst)
        .nth(bearable)
        .or_else(|| members.first())
        .map(|m| m.span)?;

    let mut message = format!(
        "control plane has {n} member{} in {} AZ{} ({})",
        if n == 1 { "" } else { "s" },
        counts.len(),
        if counts.len() == 1 { "" } else { "s" },
        per_az_text(&counts)
    );
    if worst_count > bearable {
        message.push_str(&format!(
            ": losing {} leaves {} of {n}, short of the etcd quorum of {quorum}",
            az_display(worst),
            n - worst_count
        ));
    }
    let empty: Vec<&str> = cluster
        .layout
        .zones
        .iter()
        .map(|z| z.value.as_str())
        .filter(|z| !counts.iter().any(|(c, _)| c == z))
        .collect();
    if !empty.is_empty() {
        message.push_str(&format!(
            "; {} hold{} none",
            empty.join(", "),
            if empty.len() == 1 { "s" } else { "" }
        ));
    }

    let mut diag = Diagnostic::new("SL101", primary, message)
        .with_label(format!("{} holds {worst_count} of {n} members", az_display(worst)))
        .with_help(help(cluster, n, bearable))
        .for_cluster(Some(&cluster.name));
    // One label per other place a member was read from (round-robin reuses zone entries).
    let mut seen: Vec<Span> = vec![primary];
    for m in members {
        if seen.contains(&m.span) {
            continue;
        }
        seen.push(m.span);
        let here = members.iter().filter(|o| o.span == m.span).count();
        let what = if here == 1 { "member".to_owned() } else { format!("{here} members") };
        let also = if m.zone == worst { "also " } else { "" };
        diag = diag.with_secondary(m.span, format!("{what} {also}in {}", az_display(&m.zone)));
    }
    Some(diag)
}

fn help(cluster: &Cluster, n: usize, bearable: usize) -> String {
    let names = cluster.layout.zone_names();
    let spread = if n == 3 {
        "one member per AZ".to_owned()
    } else {
        format!("at most {bearable} of the {n} members in any one AZ")
    };
    let place = match cluster.layout.control_plane_origin {
        Origin::InstallConfig => "list distinct AZs in `controlPlane.platform.openstack.zones`".to_owned(),
        Origin::ControlPlaneMachineSet => {
            "give the ControlPlaneMachineSet one `failureDomains.openstack` entry per AZ".to_owned()
        }
        Origin::MachineApi => "move master Machines (their `availabilityZone`)".to_owned(),
    };
    let mut help = format!(
        "{place} so that the control plane has {spread}: etcd stays writable only while a majority of its members is up"
    );
    if names.len() < 3 {
        help.push_str(&format!(
            "; this cluster names only {}, and with two AZs one of them always holds a majority, so a third AZ is needed",
            names.join(" and ")
        ));
    } else {
        help.push_str(&format!(" (this cluster's AZs: {})", names.join(", ")));
    }
    help
}
