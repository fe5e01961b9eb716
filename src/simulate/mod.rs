//! `stretchlint simulate`: what still serves when an AZ (or several) is lost, per cluster.
//!
//! Each service is judged from the model alone, one module each: `ok`, `degraded` or `down` with
//! a reason that carries the numbers, and the manifest nodes that decide it. A service whose
//! inputs the scan does not hold is `unknown`, with what is missing: never a guess.

mod api;
mod etcd;
mod gateway;
mod ingress;
mod latency;
mod lb;
pub mod render;
mod storage;
mod workers;

use serde::Serialize;

use crate::arch::Inference;
use crate::model::{Cluster, Model};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Unknown,
    Degraded,
    Down,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unknown => "unknown",
            Status::Degraded => "degraded",
            Status::Down => "down",
        }
    }
}

/// One service after one scenario.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub service: &'static str,
    pub status: Status,
    pub reason: String,
    pub evidence: Vec<Span>,
}

impl Outcome {
    fn new(service: &'static str, status: Status, reason: impl Into<String>, evidence: Vec<Span>) -> Self {
        Outcome { service, status, reason: reason.into(), evidence }
    }
}

/// One failure scenario of one cluster.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub lost: Vec<String>,
    pub services: Vec<Outcome>,
}

/// Services reported for information: they never make a scenario fail.
const INFORMATIONAL: [&str; 1] = ["latency"];

impl Scenario {
    /// The worst status of the services that decide whether the cluster survives.
    pub fn worst(&self) -> Status {
        self.deciding().map(|s| s.status).max().unwrap_or(Status::Ok)
    }

    fn deciding(&self) -> impl Iterator<Item = &Outcome> {
        self.services.iter().filter(|o| !INFORMATIONAL.contains(&o.service))
    }
}

#[derive(Clone, Debug)]
pub struct ClusterResult {
    pub name: String,
    pub architecture: &'static str,
    pub zones: Vec<String>,
    pub scenarios: Vec<Scenario>,
}

impl ClusterResult {
    /// Whether the cluster survives the loss of any one AZ: `None` when some service's fate is
    /// unknown (and none goes down), or the cluster names no AZ.
    pub fn survives_single_az_loss(&self) -> Option<bool> {
        let single: Vec<&Scenario> = self.scenarios.iter().filter(|s| s.lost.len() == 1).collect();
        if single.is_empty() {
            return None;
        }
        match single.iter().map(|s| s.worst()).max() {
            Some(Status::Down) => Some(false),
            Some(Status::Unknown) => None,
            _ => Some(true),
        }
    }

    /// "survives any single-AZ loss", or the first scenario that takes a service down; the
    /// services whose fate is unknown are named.
    /// Masks the secret values of the scanned files in its names and reasons.
    pub fn scrub(&mut self, scrubber: &crate::secrets::Scrubber) {
        scrubber.scrub_in_place(&mut self.name);
        self.zones.iter_mut().for_each(|z| scrubber.scrub_in_place(z));
        for scenario in &mut self.scenarios {
            scenario.lost.iter_mut().for_each(|z| scrubber.scrub_in_place(z));
            scenario.services.iter_mut().for_each(|o| scrubber.scrub_in_place(&mut o.reason));
        }
    }

    pub fn verdict(&self) -> String {
        let single = |s: &&Scenario| s.lost.len() == 1;
        if let Some(s) = self.scenarios.iter().filter(single).find(|s| s.worst() == Status::Down) {
            let down: Vec<&str> =
                s.services.iter().filter(|o| o.status == Status::Down).map(|o| o.service).collect();
            return format!("does not survive the loss of {}: {} down", s.lost.join(" + "), down.join(", "));
        }
        if !self.scenarios.iter().any(|s| single(&s)) {
            return "no named AZ: nothing to simulate".to_owned();
        }
        let mut unknown: Vec<&str> = Vec::new();
        for o in self
            .scenarios
            .iter()
            .filter(single)
            .flat_map(|s| &s.services)
            .filter(|o| o.status == Status::Unknown)
        {
            if !unknown.contains(&o.service) {
                unknown.push(o.service);
            }
        }
        if unknown.is_empty() {
            "survives any single-AZ loss".to_owned()
        } else {
            format!("no single-AZ loss takes a known service down; unknown: {}", unknown.join(", "))
        }
    }
}

/// What to simulate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Named scenarios (each a set of AZs lost together); empty: every single AZ of each cluster.
    pub lose: Vec<Vec<String>>,
    /// Workers are degraded below this share of their total.
    pub worker_share: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { lose: Vec::new(), worker_share: 2.0 / 3.0 }
    }
}

/// One cluster in one scenario: what each service module reads.
pub(crate) struct Case<'a> {
    pub cluster: &'a Cluster,
    pub model: &'a Model,
    pub lost: &'a [String],
    pub options: &'a Options,
}

/// The nodes that run workloads (workers, or a compact cluster's masters) after a loss.
pub(crate) struct Workforce {
    pub total: i64,
    pub left: i64,
    /// No worker replicas: the masters are schedulable.
    pub compact: bool,
    /// What decides it: the `replicas` of the lost worker groups, or the masters' zones.
    pub evidence: Vec<Span>,
}

impl Case<'_> {
    /// The workforce before and after the loss; `Err` says why it cannot be told.
    pub fn workforce(&self) -> Result<Workforce, (&'static str, Vec<Span>)> {
        let layout = &self.cluster.layout;
        let groups = layout
            .workers
            .as_ref()
            .ok_or(("the worker layout cannot be read (templated replicas or zones)", Vec::new()))?;
        let total: i64 = groups.iter().map(|g| g.replicas).sum();
        if total == 0 {
            let members = layout
                .control_plane
                .as_ref()
                .ok_or(("compact cluster whose control-plane layout cannot be read", Vec::new()))?;
            let left = members.iter().filter(|m| !m.zone.is_empty() && !self.is_lost(&m.zone)).count();
            return Ok(Workforce {
                total: i64::try_from(members.len()).unwrap_or(i64::MAX),
                left: i64::try_from(left).unwrap_or(i64::MAX),
                compact: true,
                evidence: members.iter().map(|m| m.span).collect(),
            });
        }
        if groups.iter().any(|g| g.zone.is_empty() && g.replicas > 0) {
            let evidence = groups.iter().filter(|g| g.zone.is_empty()).map(|g| g.span).collect();
            return Err(("workers in the default AZ: where they run is not named", evidence));
        }
        Ok(Workforce {
            total,
            left: groups.iter().filter(|g| !self.is_lost(&g.zone)).map(|g| g.replicas).sum(),
            compact: false,
            evidence: groups
                .iter()
                .filter(|g| self.is_lost(&g.zone) && g.replicas > 0)
                .map(|g| g.replicas_span)
                .collect(),
        })
    }

    pub fn is_lost(&self, zone: &str) -> bool {
        self.lost.iter().any(|l| l == zone)
    }

    pub fn lost_text(&self) -> String {
        self.lost.join(" + ")
    }
}

/// The simulation of a scan, with the sources its evidence points into.
pub struct Simulation {
    pub clusters: Vec<ClusterResult>,
    pub sources: crate::source::SourceDb,
    /// Every AZ some cluster of the scan places something in ([`known_zones`]), sorted.
    pub known_zones: Vec<String>,
    /// As [`crate::Report::not_inputs`].
    pub not_inputs: Vec<String>,
}

impl Simulation {
    /// Whether some service of some scenario is down.
    pub fn any_down(&self) -> bool {
        self.clusters.iter().flat_map(|c| &c.scenarios).any(|s| s.worst() == Status::Down)
    }
}

/// The AZs a scenario can lose and make a difference: each cluster's zones, the Nova and Cinder
/// AZs its machines and root volumes are placed in, and the AZs the network under the clusters
/// names (Site files, router AZ hints, Ansible-created servers). Sorted, each once. A `--lose`
/// naming none of them (a typo, another site's AZ) would report every service "ok": a false
/// green.
pub fn known_zones(model: &Model) -> Vec<String> {
    let options = Options::default();
    let mut zones: Vec<String> = Vec::new();
    for cluster in &model.clusters {
        zones.extend(cluster.layout.zones.iter().map(|z| z.value.clone()));
        zones.extend(storage::zones(&Case { cluster, model, lost: &[], options: &options }));
    }
    let site = &model.site;
    let names = |list: &[crate::source::Sp<String>]| list.iter().map(|z| z.value.clone()).collect::<Vec<_>>();
    for topology in &site.topologies {
        zones.extend(names(topology.zones.items()));
        zones.extend(topology.physical_networks.iter().flat_map(|p| names(p.zones.items())));
        zones.extend(topology.gateways.iter().filter_map(|g| g.zone.value().cloned()));
    }
    zones.extend(site.routers.iter().flat_map(|r| names(r.availability_zone_hints.items())));
    zones.extend(site.servers.iter().filter_map(|s| s.availability_zone.value().cloned()));
    zones.retain(|z| !z.is_empty());
    zones.sort();
    zones.dedup();
    zones
}

/// Every cluster under every scenario.
pub fn simulate(model: &Model, inferences: &[Inference], options: &Options) -> Vec<ClusterResult> {
    model
        .clusters
        .iter()
        .zip(inferences)
        .map(|(cluster, inference)| {
            let zones: Vec<String> = cluster.layout.zones.iter().map(|z| z.value.clone()).collect();
            let scenarios: Vec<Vec<String>> = if options.lose.is_empty() {
                zones.iter().map(|z| vec![z.clone()]).collect()
            } else {
                options.lose.clone()
            };
            let scenarios = scenarios
                .iter()
                .map(|lost| {
                    let case = Case { cluster, model, lost, options };
                    let etcd = etcd::judge(&case);
                    let workers = workers::judge(&case);
                    let services = vec![
                        api::judge(&case, &etcd),
                        ingress::judge(&case),
                        gateway::judge(&case),
                        storage::judge(&case),
                        latency::judge(&case),
                    ];
                    let mut all = vec![etcd, workers];
                    all.extend(services);
                    Scenario { lost: lost.clone(), services: order(all) }
                })
                .collect();
            ClusterResult {
                name: cluster.name.clone(),
                architecture: inference.architecture.id(),
                zones,
                scenarios,
            }
        })
        .collect()
}

/// Services in the order of the README's table.
const SERVICES: [&str; 7] =
    ["etcd", "api", "ingress", "workers", "control-plane-gateway", "storage", "latency"];

fn order(mut services: Vec<Outcome>) -> Vec<Outcome> {
    services.sort_by_key(|o| SERVICES.iter().position(|s| *s == o.service));
    services
}
