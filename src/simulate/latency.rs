//! latency (informational): the round-trip time between the surviving control-plane AZs, from
//! the Site file.

use super::{Case, Outcome, Status};

pub(super) fn judge(case: &Case<'_>) -> Outcome {
    let zones: Vec<&str> =
        case.cluster.layout.control_plane_zones().into_iter().filter(|z| !case.is_lost(z)).collect();
    let mut worst: Option<(f64, String, crate::source::Span)> = None;
    for l in case.model.site.topologies.iter().flat_map(|t| &t.latency) {
        let (Some((a, b)), Some(rtt)) = (&l.between, l.rtt_ms.known()) else { continue };
        if zones.contains(&a.value.as_str())
            && zones.contains(&b.value.as_str())
            && worst.as_ref().is_none_or(|w| rtt.value > w.0)
        {
            worst = Some((rtt.value, format!("{}–{}", a.value, b.value), rtt.span));
        }
    }
    match worst {
        Some((rtt, pair, span)) => Outcome::new(
            "latency",
            Status::Ok,
            format!("{rtt} ms RTT between the surviving control-plane AZs ({pair}), the highest"),
            vec![span],
        ),
        None if zones.len() < 2 => {
            Outcome::new("latency", Status::Ok, "one control-plane AZ left: no RTT between AZs", Vec::new())
        }
        None => Outcome::new(
            "latency",
            Status::Unknown,
            "no Site RTT between the surviving control-plane AZs",
            Vec::new(),
        ),
    }
}
