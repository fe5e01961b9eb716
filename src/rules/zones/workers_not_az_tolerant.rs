//! SL103: after losing the AZ with the most workers, at least two workers must remain.
//!
//! The default IngressController runs 2 router replicas, each on a worker of its own (on
//! OpenStack they publish through the host network, ports 80 and 443). A cluster with workers in several
//! AZs that drops below two when its fullest AZ goes has no ingress redundancy left exactly when
//! it needs it. Workers in a single AZ are SL102's case, not this one.

use super::{az_display, fullest, per_az_text, tally};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::source::Span;

declare_rule!(WorkersNotAzTolerant, "SL103", "SL103-workers-not-az-tolerant.yaml", check);

/// Router replicas of the default IngressController when nothing raises them.
const DEFAULT_ROUTERS: i64 = 2;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        let Some(groups) = &cluster.layout.workers else { continue };
        let counts: Vec<(&str, i64)> = tally(groups.iter().map(|g| (g.zone.as_str(), g.replicas.max(0))))
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect();
        if counts.len() < 2 {
            continue;
        }
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        // The fullest AZ, the first among equals.
        let Some((worst, most)) = fullest(&counts) else {
            continue;
        };
        let default_ingress = || {
            cluster.ingress_controllers.iter().filter(|ic| ic.name.value().is_some_and(|n| n == "default"))
        };
        if default_ingress().any(|ic| ic.replicas.is_unknown()) {
            continue; // the router count is templated: the bar is unknown
        }
        // An IngressController `default` that asks for more routers raises the bar.
        let raised = cluster
            .ingress_controllers
            .iter()
            .filter(|ic| ic.name.value().is_some_and(|n| n == "default"))
            .filter_map(|ic| ic.replicas.known())
            .filter(|r| r.value > DEFAULT_ROUTERS)
            .max_by_key(|r| r.value);
        let routers = raised.map_or(DEFAULT_ROUTERS, |r| r.value);
        // The configured minimum replaces the router count as the bar.
        let required = cx.params.min_surviving_workers;
        let bar = required.unwrap_or(routers);
        let left = total - most;
        if left >= bar {
            continue;
        }
        let in_worst: Vec<Span> =
            groups.iter().filter(|g| g.zone == worst && g.replicas > 0).map(|g| g.span).collect();
        let Some(&primary) = in_worst.first() else { continue };
        let mut diag = Diagnostic::new(
            "SL103",
            primary,
            format!(
                "workers per AZ: {}; losing {} leaves {left} worker{}, fewer than {}",
                per_az_text(&counts),
                az_display(worst),
                if left == 1 { "" } else { "s" },
                match required {
                    Some(n) =>
                        format!("the {n} the configuration requires (params.SL103.min-surviving-workers)"),
                    None => format!("the {routers} router replicas of the default IngressController"),
                }
            ),
        )
        .with_label(format!("{most} of {total} workers in {}", az_display(worst)))
        .with_help(help(&counts, &cluster.layout.zone_names(), bar))
        .for_cluster(Some(&cluster.name));
        let mut seen = vec![primary];
        for g in groups.iter().filter(|g| g.replicas > 0) {
            if !seen.contains(&g.span) {
                seen.push(g.span);
                diag = diag.with_secondary(
                    g.span,
                    format!(
                        "{} worker{} in {}",
                        g.replicas,
                        if g.replicas == 1 { "" } else { "s" },
                        az_display(&g.zone)
                    ),
                );
            }
        }
        if let Some(r) = raised {
            diag = diag.with_secondary(r.span, format!("{} router replicas", r.value));
        }
        out.push(diag);
    }
}

/// The per-AZ worker count that keeps `routers` workers up whichever AZ is lost.
fn help(counts: &[(&str, i64)], named: &[&str], routers: i64) -> String {
    let mut azs: Vec<&str> = counts.iter().map(|(z, _)| *z).collect();
    for z in named {
        if !azs.contains(z) {
            azs.push(z);
        }
    }
    let survivors = i64::try_from(azs.len().saturating_sub(1)).unwrap_or(1).max(1);
    let per_az = (routers + survivors - 1) / survivors;
    format!(
        "run at least {per_az} worker{} in each of {}, so that {routers} remain whichever AZ is lost; router replicas must run on different workers (on OpenStack each binds ports 80 and 443 of its node)",
        if per_az == 1 { "" } else { "s" },
        azs.iter().map(|z| az_display(z)).collect::<Vec<_>>().join(", ")
    )
}
