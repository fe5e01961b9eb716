//! workers: the surviving worker replicas against the total; a compact cluster's masters do the
//! workers' job.

use super::{Case, Outcome, Status};
use crate::model::{per_az_text, tally};

pub(super) fn judge(case: &Case<'_>) -> Outcome {
    let force = match case.workforce() {
        Ok(force) => force,
        Err((why, evidence)) => return Outcome::new("workers", Status::Unknown, why, evidence),
    };
    let (total, left) = (force.total, force.left);
    if force.compact {
        let status = if left == 0 { Status::Down } else { Status::Ok };
        let reason = format!("compact cluster: its {total} masters run the workloads; {left} left");
        return Outcome::new("workers", status, reason, force.evidence);
    }
    let groups = case.cluster.layout.workers.as_deref().unwrap_or_default();
    let layout = per_az_text(&tally(groups.iter().map(|g| (g.zone.as_str(), g.replicas))));
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
    Outcome::new("workers", status, reason, force.evidence)
}
