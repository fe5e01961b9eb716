//! etcd: the surviving control-plane members must still be a quorum (a majority of all).

use super::{Case, Outcome, Status};
use crate::model::{per_az_text, tally};

pub(super) fn judge(case: &Case<'_>) -> Outcome {
    let unknown = |why: &str| Outcome::new("etcd", Status::Unknown, why, Vec::new());
    let Some(members) = &case.cluster.layout.control_plane else {
        return unknown(
            "the control-plane layout cannot be read (templated replicas or zones, or no control plane in the scan)",
        );
    };
    if members.is_empty() {
        return unknown("no control-plane member in the scan");
    }
    if members.iter().any(|m| m.zone.is_empty()) {
        let evidence = members.iter().filter(|m| m.zone.is_empty()).map(|m| m.span).collect();
        return Outcome::new(
            "etcd",
            Status::Unknown,
            "control-plane members in the default AZ: where they run is not named",
            evidence,
        );
    }
    let total = members.len();
    let lost: Vec<_> = members.iter().filter(|m| case.is_lost(&m.zone)).collect();
    let left = total - lost.len();
    let quorum = total / 2 + 1;
    let layout = per_az_text(&tally(members.iter().map(|m| (m.zone.as_str(), 1))));
    let evidence = if lost.is_empty() {
        members.iter().map(|m| m.span).collect()
    } else {
        lost.iter().map(|m| m.span).collect()
    };
    let (status, verdict) = if left >= quorum {
        (Status::Ok, "quorum kept")
    } else {
        (Status::Down, "no quorum: the API cannot read or write")
    };
    let reason = format!(
        "{} of {total} members in {} ({layout}); {left} left, quorum needs {quorum}: {verdict}",
        lost.len(),
        case.lost_text()
    );
    Outcome::new("etcd", status, reason, evidence)
}
