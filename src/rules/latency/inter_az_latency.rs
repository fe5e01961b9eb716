use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, declare_rule};

declare_rule!(InterAzLatency, "SL601", "SL601-inter-az-latency.yaml", check);

/// OpenShift's etcd guidance: member RTT below 50 ms; metro deployments (and an arbiter site)
/// stay under 10 ms (DOMAIN.md §E). `params.SL601` may set other limits.
const ETCD_MAX_RTT_MS: f64 = 50.0;
const METRO_MAX_RTT_MS: f64 = 10.0;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for topology in &cx.model.site.topologies {
        for entry in &topology.latency {
            let (Some((a, b)), Some(rtt)) = (&entry.between, entry.rtt_ms.known()) else { continue };
            let warn_ms = cx.params.latency_warn_ms.unwrap_or(METRO_MAX_RTT_MS);
            let error_ms = cx.params.latency_error_ms.unwrap_or(ETCD_MAX_RTT_MS);
            if rtt.value <= warn_ms {
                continue;
            }
            // Only pairs of AZs that both hold control-plane members of some cluster matter.
            let clusters: Vec<&str> = cx
                .model
                .clusters
                .iter()
                .filter(|c| {
                    let zones = c.layout.control_plane_zones();
                    zones.contains(&a.value.as_str()) && zones.contains(&b.value.as_str())
                })
                .map(|c| c.name.as_str())
                .collect();
            let Some(first) = clusters.first() else { continue };
            let names = clusters.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            let (severity, verdict) = if rtt.value >= error_ms {
                (Severity::Error, format!("at or above the {error_ms} ms etcd members must stay under"))
            } else {
                (Severity::Warning, format!("above the {warn_ms} ms expected within a metro area"))
            };
            out.push(
                Diagnostic::new(
                    "SL601",
                    rtt.span,
                    format!(
                        "round-trip time between {} and {} is {} ms, {verdict}; control-plane members of {names} sit in both",
                        a.value, b.value, rtt.value
                    ),
                )
                .with_severity(severity)
                .with_label(format!("{} ms", rtt.value))
                .with_help(
                    "etcd needs a majority of members to agree on every write, so each write waits for the slower \
                     links: keep control-plane AZs within a few milliseconds of each other, or set \
                     `controlPlaneHardwareSpeed: Slower` on the Etcd operator (heartbeat 500 ms, election 2500 ms) \
                     when the latency cannot be reduced",
                )
                .for_cluster(Some(first)),
            );
        }
    }
}
