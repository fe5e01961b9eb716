//! workers: the surviving worker replicas against the total; a compact cluster's masters do the
//! workers' job.

use super::{Case, Outcome, Status, per_zone};

pub(super) fn judge(case: &Case<'_>) -> Outcome {
    let Some(groups) = &case.cluster.layout.workers else {
        return Outcome::new(
            "workers",
            Status::Unknown,
            "the worker layout cannot be read (templated replicas or zones)",
            Vec::new(),
        );
    };
    let total: i64 = groups.iter().map(|g| g.replicas).sum();
    if total == 0 {
        return compact(case);
    }
    if groups.iter().any(|g| g.zone.is_empty() && g.replicas > 0) {
        let evidence = groups.iter().filter(|g| g.zone.is_empty()).map(|g| g.span).collect();
        return Outcome::new(
            "workers",
            Status::Unknown,
            "workers in the default AZ: where they run is not named",
            evidence,
        );
    }
    let left: i64 = groups.iter().filter(|g| !case.is_lost(&g.zone)).map(|g| g.replicas).sum();
    let evidence =
        groups.iter().filter(|g| case.is_lost(&g.zone) && g.replicas > 0).map(|g| g.replicas_span).collect();
    let layout = per_zone(groups.iter().map(|g| (g.zone.clone(), g.replicas)));
    let share = case.options.worker_share;
    let status = if left == 0 {
        Status::Down
    } else if (left as f64) < share * total as f64 {
        Status::Degraded
    } else {
        Status::Ok
    };
    let reason = format!(
        "{} of {total} worker replicas in {} ({layout}); {left} left{}",
        total - left,
        case.lost_text(),
        match status {
            Status::Down => ": nothing to run workloads on".to_owned(),
            Status::Degraded => format!(", under {:.0} % of the total", share * 100.0),
            _ => String::new(),
        }
    );
    Outcome::new("workers", status, reason, evidence)
}

/// No worker replicas: the masters run the workloads.
fn compact(case: &Case<'_>) -> Outcome {
    let Some(members) = &case.cluster.layout.control_plane else {
        return Outcome::new(
            "workers",
            Status::Unknown,
            "compact cluster whose control-plane layout cannot be read",
            Vec::new(),
        );
    };
    let left = members.iter().filter(|m| !m.zone.is_empty() && !case.is_lost(&m.zone)).count();
    let status = if left == 0 { Status::Down } else { Status::Ok };
    let reason = format!("compact cluster: its {} masters run the workloads; {left} left", members.len());
    Outcome::new("workers", status, reason, members.iter().map(|m| m.span).collect())
}
