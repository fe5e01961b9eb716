//! Running a custom rule: its schema on each target, each error a finding at its node.

use serde_json::Value;

use super::{CustomRule, Target};
use crate::diagnostic::Diagnostic;
use crate::model::export::Exported;
use crate::source::FileId;
use crate::yaml::{Node, NodeKind};

/// What custom rules read: the documents the loader kept, the architecture of the cluster each
/// file belongs to, and the model's JSON when a rule targets it.
pub struct Documents<'a> {
    pub documents: &'a [(FileId, Node)],
    /// File → the id of its cluster's inferred architecture.
    pub architectures: &'a std::collections::HashMap<FileId, &'static str>,
    pub model: Option<&'a Exported>,
}

pub fn check(rule: &CustomRule, input: &Documents<'_>, out: &mut Vec<Diagnostic>) {
    let applies = |arch: Option<&str>| {
        let wanted = &rule.descriptor.architectures;
        wanted.iter().any(|a| a == "all") || arch.is_some_and(|arch| wanted.iter().any(|a| a == arch))
    };
    match &rule.target {
        Target::Cluster | Target::Model => {
            let Some(model) = input.model else { return };
            if rule.target == Target::Model {
                check_model(rule, model, &model.json, "", None, out);
                return;
            }
            let clusters =
                model.json.get("clusters").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
            for (i, cluster) in clusters.iter().enumerate() {
                if applies(cluster.pointer("/architecture/id").and_then(Value::as_str)) {
                    let name = cluster.get("name").and_then(Value::as_str);
                    check_model(rule, model, cluster, &format!("/clusters/{i}"), name, out);
                }
            }
        }
        target => {
            for (file, root) in input.documents {
                let arch = input.architectures.get(file).copied();
                if !applies(arch) {
                    continue;
                }
                for node in targets(target, root) {
                    check_node(rule, node, out);
                }
            }
        }
    }
}

/// The nodes of a document the rule's schema applies to.
fn targets<'a>(target: &Target, root: &'a Node) -> Vec<&'a Node> {
    match target {
        Target::InstallConfig if crate::inputs::is_install_config_document(root) => vec![root],
        Target::Kind(kind) if root.get("kind").and_then(Node::as_str) == Some(kind) => vec![root],
        Target::HeatResource(kind) if crate::inputs::heat::is_heat(root) => root
            .get("resources")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(_, resource)| resource)
            .filter(|r| r.get("type").and_then(Node::as_str) == Some(kind))
            .collect(),
        _ => Vec::new(),
    }
}

fn check_node(rule: &CustomRule, node: &Node, out: &mut Vec<Diagnostic>) {
    let instance = crate::schema::to_json(node);
    if rule.when.as_ref().is_some_and(|w| !w.is_valid(&instance)) {
        return;
    }
    for err in crate::schema::check(&rule.schema, node, &instance) {
        // A templated value or a Heat function is unknown until rendered: not wrong.
        if crate::schema::along(node, &err.pointer).iter().any(|n| is_unknown(n)) {
            continue;
        }
        out.push(finding(rule, err.span, &err.message, None));
    }
}

fn check_model(
    rule: &CustomRule,
    model: &Exported,
    instance: &Value,
    base: &str,
    cluster: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    if rule.when.as_ref().is_some_and(|w| !w.is_valid(instance)) {
        return;
    }
    for err in rule.schema.iter_errors(instance) {
        let pointer = err.instance_path().as_str();
        let Some(span) = model.span_at(&format!("{base}{pointer}")) else { continue };
        let at = match (pointer, cluster) {
            ("", Some(_)) => "the cluster".to_owned(),
            ("", None) => "the model".to_owned(),
            _ => format!("`{pointer}`"),
        };
        // The model holds no secrets: a message can show the value, unless it is a whole object.
        let detail = if err.instance().is_array() || err.instance().is_object() {
            err.masked().to_string()
        } else {
            err.to_string()
        };
        out.push(finding(rule, span, &format!("{at}: {detail}"), cluster));
    }
}

fn finding(rule: &CustomRule, span: crate::source::Span, detail: &str, cluster: Option<&str>) -> Diagnostic {
    let d = rule.descriptor;
    let mut diagnostic =
        Diagnostic::new(rule.code(), span, format!("{}: {detail}", d.summary.trim_end_matches('.')))
            .for_cluster(cluster);
    if !d.fix.trim().is_empty() {
        diagnostic = diagnostic.with_help(d.fix.trim());
    }
    diagnostic
}

fn is_unknown(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Str(s) => crate::yaml::is_templated(s),
        NodeKind::Map(_) => crate::inputs::heat::is_intrinsic(node),
        _ => false,
    }
}
