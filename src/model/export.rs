//! The model as JSON (`stretchlint model`, and what `target: model` / `target: cluster` custom
//! rules are checked against), shaped by `schemas/model.schema.json`.
//!
//! A value the manifests leave unknown (templated, unreadable) is left out rather than written as
//! `null`, so that a custom rule's `minimum` or `enum` cannot fire on it. Names are the exception:
//! an object always has a `name`, `null` when unknown, and its label where it is defined (a Heat
//! key, a Terraform label, an Ansible task's title) is `definedBy`, never the name. Every object that comes
//! from a manifest carries its `location`; the span of each is kept beside the JSON so that a
//! schema error deep inside an object is reported at the nearest object that has one.

use serde_json::{Map, Value, json};

use super::{Cluster, Model, Origin};
use crate::arch::Inference;
use crate::inputs::Field;
use crate::source::{SourceDb, Span};

/// The published schema of the JSON, embedded.
pub const SCHEMA: &str = include_str!("../../schemas/model.schema.json");

/// The model's JSON, with the span of every object that has a `location`, by JSON pointer.
#[derive(Debug, Default)]
pub struct Exported {
    pub json: Value,
    spans: Vec<(String, Span)>,
}

impl Exported {
    /// The span of the nearest object at or above `pointer` that came from a manifest.
    pub fn span_at(&self, pointer: &str) -> Option<Span> {
        let mut at = pointer;
        loop {
            if let Some((_, span)) = self.spans.iter().find(|(p, _)| p == at) {
                return Some(*span);
            }
            at = &at[..at.rfind('/')?];
        }
    }
}

/// The model and each cluster's inference as JSON.
pub fn export(model: &Model, inferences: &[Inference], sources: &SourceDb) -> Exported {
    let mut spans = Vec::new();
    let mut clusters = Vec::new();
    for (i, (cluster, inference)) in model.clusters.iter().zip(inferences).enumerate() {
        let mut w = Writer { sources, spans: &mut spans, base: format!("/clusters/{i}") };
        clusters.push(w.cluster(cluster, inference, model));
    }
    let mut w = Writer { sources, spans: &mut spans, base: String::new() };
    let networks = w.networks(model);
    let l2_domains = w.l2_domains(model);
    let routers = w.routers(model);
    let context: Vec<Value> =
        model.context.iter().map(|c| json!({ "file": sources.display(c.file), "kind": c.kind })).collect();
    let mut json = json!({
        "version": 1,
        "clusters": clusters,
        "networks": networks,
        "l2Domains": l2_domains,
        "routers": routers,
        "context": context,
    });
    // Names and values read from a secret (a Heat parameter's default) are masked.
    sources.scrubber().scrub_json(&mut json);
    // An error about the model as a whole is reported at the first object that has a place.
    if let Some((_, first)) = spans.first() {
        spans.push((String::new(), *first));
    }
    Exported { json, spans }
}

struct Writer<'a> {
    sources: &'a SourceDb,
    spans: &'a mut Vec<(String, Span)>,
    /// The pointer of the object being written.
    base: String,
}

impl Writer<'_> {
    /// Records `span` as the location of the object at `base` + `suffix`, and returns the
    /// `location` value to put in it.
    fn located(&mut self, suffix: &str, span: Span) -> Value {
        self.spans.push((format!("{}{suffix}", self.base), span));
        let (start, _) = self.sources.range(span);
        json!({ "file": self.sources.display(span.file), "line": start.line, "column": start.column })
    }

    fn cluster(&mut self, cluster: &Cluster, inference: &Inference, model: &Model) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(cluster.name));
        if let Some(id) = &cluster.infra_id {
            out.insert("infraId".into(), json!(id));
        }
        if let Some(span) = cluster_span(cluster) {
            out.insert("location".into(), self.located("", span));
        }
        out.insert(
            "architecture".into(),
            json!({
                "id": inference.architecture.id(),
                "number": inference.architecture.number(),
                "confidence": inference.confidence.as_str(),
                "candidates": inference.candidates.iter().map(|a| a.id()).collect::<Vec<_>>(),
            }),
        );
        out.insert("zones".into(), Value::Array(self.zones(cluster)));
        let layout = &cluster.layout;
        if let Some(members) = &layout.control_plane {
            let members: Vec<Value> = members
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let location = self.located(&format!("/controlPlane/members/{i}"), m.span);
                    json!({ "zone": m.zone, "location": location })
                })
                .collect();
            out.insert(
                "controlPlane".into(),
                json!({
                    "replicas": members.len(),
                    "source": origin(layout.control_plane_origin),
                    "members": members,
                }),
            );
        }
        if let Some(groups) = &layout.workers {
            let groups: Vec<Value> = groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let mut group = Map::new();
                    group.insert("zone".into(), json!(g.zone));
                    group.insert("replicas".into(), json!(g.replicas));
                    let machine_set = g.machine_set.and_then(|i| cluster.machines.get(i));
                    if let Some(name) = machine_set.and_then(|m| m.name.value()) {
                        group.insert("machineSet".into(), json!(name));
                    }
                    if let Some(role) = machine_set.and_then(|m| m.role.value()) {
                        group.insert("role".into(), json!(role));
                    }
                    group.insert("location".into(), self.located(&format!("/workers/groups/{i}"), g.span));
                    Value::Object(group)
                })
                .collect();
            out.insert(
                "workers".into(),
                json!({
                    "replicas": groups.iter().filter_map(|g| g["replicas"].as_i64()).sum::<i64>(),
                    "source": origin(layout.workers_origin),
                    "groups": groups,
                }),
            );
        }
        out.insert("machineSets".into(), Value::Array(self.machine_sets(cluster)));
        let networks: Vec<Value> = model
            .site
            .attachments(cluster)
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                json!({
                    "name": name(&a.network.name),
                    "definedBy": a.network.origin.key.value,
                    "role": if a.control_plane { "control-plane" } else { "workers" },
                    "reach": model.site.reach(a.network, Some(cluster)).describe(),
                    "via": a.via.describe(),
                    "location": self.located(&format!("/networks/{i}"), a.span),
                })
            })
            .collect();
        out.insert("networks".into(), Value::Array(networks));
        let ips = |ips: Vec<std::net::IpAddr>| ips.iter().map(ToString::to_string).collect::<Vec<_>>();
        out.insert("apiVips".into(), json!(ips(cluster.api_vips())));
        out.insert("ingressVips".into(), json!(ips(cluster.ingress_vips())));
        let files: Vec<&str> = cluster.files.iter().map(|f| self.sources.display(*f)).collect();
        out.insert("files".into(), json!(files));
        Value::Object(out)
    }

    /// One entry per named AZ: how many control-plane members and workers it holds (left out
    /// when the layout cannot be worked out).
    fn zones(&mut self, cluster: &Cluster) -> Vec<Value> {
        let layout = &cluster.layout;
        layout
            .zones
            .iter()
            .enumerate()
            .map(|(i, zone)| {
                let mut out = Map::new();
                out.insert("name".into(), json!(zone.value));
                if let Some(members) = &layout.control_plane {
                    out.insert(
                        "controlPlane".into(),
                        json!(members.iter().filter(|m| m.zone == zone.value).count()),
                    );
                }
                if let Some(groups) = &layout.workers {
                    let workers: i64 =
                        groups.iter().filter(|g| g.zone == zone.value).map(|g| g.replicas).sum();
                    out.insert("workers".into(), json!(workers));
                }
                out.insert("location".into(), self.located(&format!("/zones/{i}"), zone.span));
                Value::Object(out)
            })
            .collect()
    }

    fn machine_sets(&mut self, cluster: &Cluster) -> Vec<Value> {
        cluster
            .machine_sets()
            .enumerate()
            .map(|(i, m)| {
                let mut out = Map::new();
                insert_known(&mut out, "name", &m.name);
                insert_known(&mut out, "role", &m.role);
                insert_known(&mut out, "replicas", &m.replicas);
                if let Some(p) = &m.provider {
                    insert_known(&mut out, "zone", &p.availability_zone);
                    insert_known(&mut out, "flavor", &p.flavor);
                    insert_known(&mut out, "serverGroup", &p.server_group_name);
                    if let Some(zone) = p.root_volume.as_ref().map(|v| &v.availability_zone) {
                        insert_known(&mut out, "rootVolumeZone", zone);
                    }
                }
                out.insert("location".into(), self.located(&format!("/machineSets/{i}"), m.span));
                Value::Object(out)
            })
            .collect()
    }

    fn networks(&mut self, model: &Model) -> Vec<Value> {
        let site = &model.site;
        site.networks
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut out = Map::new();
                out.insert("name".into(), name(&n.name));
                out.insert("definedBy".into(), json!(n.origin.key.value));
                insert_known(&mut out, "type", &n.network_type);
                insert_known(&mut out, "physicalNetwork", &n.physical_network);
                insert_known(&mut out, "external", &n.external);
                insert_known(&mut out, "mtu", &n.mtu);
                out.insert("reach".into(), json!(site.reach(n, None).describe()));
                if let Some(zones) = site.network_zones(n) {
                    out.insert("zones".into(), json!(zones));
                }
                out.insert("segments".into(), json!(site.segments_of(n).count()));
                let subnets: Vec<Value> = site
                    .subnets
                    .iter()
                    .filter(|s| site.network(&s.network).is_some_and(|net| net.origin == n.origin))
                    .map(|s| {
                        let mut sub = Map::new();
                        insert_known(&mut sub, "name", &s.name);
                        if let Some(cidr) = s.cidr.value() {
                            sub.insert("cidr".into(), json!(cidr.to_string()));
                        }
                        if let Some(gateway) = s.gateway_ip.value() {
                            sub.insert("gatewayIp".into(), json!(gateway.to_string()));
                        }
                        Value::Object(sub)
                    })
                    .collect();
                out.insert("subnets".into(), Value::Array(subnets));
                out.insert("location".into(), self.located(&format!("/networks/{i}"), n.origin.key.span));
                Value::Object(out)
            })
            .collect()
    }

    /// Each broadcast domain: a segment of a routed network, or a network with at most one.
    fn l2_domains(&mut self, model: &Model) -> Vec<Value> {
        let site = &model.site;
        let mut out = Vec::new();
        for n in &site.networks {
            let domain = |name: Option<&str>, defined_by: &str, physnet: Option<&String>, span: Span| {
                let zones = physnet.and_then(|p| site.physnet_zones(p));
                (
                    name.map(str::to_owned),
                    defined_by.to_owned(),
                    zones.map(|z| z.iter().map(|z| z.value.clone()).collect::<Vec<_>>()),
                    span,
                )
            };
            let domains = if site.is_routed(n) {
                site.segments_of(n)
                    .map(|s| {
                        let name = s.name.value().map(String::as_str);
                        domain(name, &s.origin.key.value, s.physical_network.value(), s.origin.key.span)
                    })
                    .collect()
            } else {
                vec![domain(None, &n.origin.key.value, n.physical_network.value(), n.origin.key.span)]
            };
            for (segment, defined_by, zones, span) in domains {
                let mut d = Map::new();
                d.insert("network".into(), name(&n.name));
                if let Some(segment) = segment {
                    d.insert("segment".into(), json!(segment));
                }
                d.insert("definedBy".into(), json!(defined_by));
                if let Some(zones) = zones {
                    d.insert("zones".into(), json!(zones));
                }
                d.insert("location".into(), self.located(&format!("/l2Domains/{}", out.len()), span));
                out.push(Value::Object(d));
            }
        }
        out
    }

    fn routers(&mut self, model: &Model) -> Vec<Value> {
        model
            .site
            .routers
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut out = Map::new();
                out.insert("name".into(), name(&r.name));
                out.insert("definedBy".into(), json!(r.origin.key.value));
                insert_known(&mut out, "ha", &r.ha);
                insert_known(&mut out, "distributed", &r.distributed);
                if let Some(hints) = r.availability_zone_hints.value() {
                    out.insert(
                        "availabilityZoneHints".into(),
                        json!(hints.iter().map(|h| &h.value).collect::<Vec<_>>()),
                    );
                }
                if let Some(net) = r.external_network.as_ref().and_then(|e| model.site.network(e)) {
                    out.insert("externalNetwork".into(), name(&net.name));
                }
                out.insert("location".into(), self.located(&format!("/routers/{i}"), r.origin.key.span));
                Value::Object(out)
            })
            .collect()
    }
}

/// An object's Neutron name, or `null` when the manifests leave it unknown: the object's label in
/// its file (a Heat key, a Terraform label, an Ansible task's title) is its `definedBy`, never
/// its name.
fn name(field: &Field<String>) -> Value {
    field.value().map_or(Value::Null, |n| json!(n))
}

fn insert_known<T: serde::Serialize>(out: &mut Map<String, Value>, key: &str, field: &Field<T>) {
    if let Some(value) = field.value().and_then(|v| serde_json::to_value(v).ok()) {
        out.insert(key.into(), value);
    }
}

fn origin(origin: Origin) -> &'static str {
    match origin {
        Origin::InstallConfig => "install-config",
        Origin::ControlPlaneMachineSet => "control-plane-machine-set",
        Origin::MachineApi => "machine-api",
    }
}

/// Where a cluster is declared: its install-config's name (or document), else its first
/// Machine API object.
fn cluster_span(cluster: &Cluster) -> Option<Span> {
    if let Some(ic) = &cluster.install_config {
        return Some(ic.name.span().unwrap_or(ic.root.span));
    }
    cluster
        .machines
        .iter()
        .map(|m| m.span)
        .chain(cluster.control_plane_machine_sets.iter().map(|c| c.span))
        .min_by_key(|s| (s.file, s.start))
}
