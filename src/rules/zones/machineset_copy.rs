//! SL102's fix: the missing AZ's worker MachineSet, written as a new file beside the MachineSet
//! it is copied from.
//!
//! The copy is the template's document with only the AZ-specific values changed — the name and
//! the labels that repeat it, `availabilityZone`, `rootVolume.availabilityZone`,
//! `serverGroupName` and, on a routed network, the subnet — so its comments and layout stay.
//! When anything else in the document still names the template's AZ (a zone label, a per-AZ
//! subnet the Site does not place), the copy could not be trusted: no fix.

use std::path::{Path, PathBuf};

use super::missing_per_az_machineset::{CopyPlan, split_index};
use super::yaml_scalar;
use crate::diagnostic::Edit;
use crate::rules::Context;
use crate::source::Span;
use crate::yaml::{Node, NodeKind};

pub(super) fn fix(cx: &Context<'_>, plan: &CopyPlan<'_>, az: &str) -> Option<(String, Vec<Edit>)> {
    let m = plan.template;
    let provider = m.provider.as_ref()?;
    if plan.zone.is_empty() || !plan.per_az_subnets.is_empty() && plan.routed_subnet.is_none() {
        return None;
    }
    // The new name becomes an object name and part of a file name: only one Kubernetes accepts,
    // which also keeps the file in its folder (a zone spelled `../../tmp/x` gets no fix).
    if !is_object_name(&plan.new_name) {
        return None;
    }
    let source = cx.sources.get(m.file)?;
    let parsed = crate::yaml::parse(m.file, &source.text);
    let root = parsed.documents.iter().map(|d| &d.root).find_map(|r| document_holding(r, m.span))?;
    let doc = root.full_span();

    let mut edits: Vec<(Span, String)> = Vec::new();
    let new_name = yaml_scalar(&plan.new_name);
    each_string(root, &mut |node, s| {
        if s == plan.name {
            edits.push((node.span, new_name.clone()));
        }
    });
    edits.push((provider.availability_zone.span()?, yaml_scalar(az)));
    if let Some(volume_zone) = &plan.volume_zone {
        let span = provider.root_volume.as_ref()?.availability_zone.span();
        match (span, volume_zone) {
            (Some(span), Some(zone)) => edits.push((span, yaml_scalar(zone))),
            (Some(_), None) => return None,
            (None, _) => {}
        }
    }
    if let (Some(span), Some(group)) = (provider.server_group_name.span(), &plan.server_group) {
        edits.push((span, yaml_scalar(group)));
    }
    if let Some(subnet) = &plan.routed_subnet {
        let old = provider.subnets.first()?;
        for s in provider.subnets.iter().filter(|s| s.value == old.value) {
            edits.push((s.span, yaml_scalar(subnet)));
        }
    }
    // Anything left that names the template's AZ is AZ-specific in a way this fix does not know.
    let mut stray = false;
    each_string(root, &mut |node, s| {
        stray |= names_zone(s, plan.zone) && !edits.iter().any(|(span, _)| *span == node.span);
    });
    if stray
        || edits.iter().any(|(span, _)| span.file != m.file || span.start < doc.start || span.end > doc.end)
    {
        return None;
    }

    edits.sort_by_key(|(span, _)| span.start);
    let text = source.text.get(doc.start as usize..doc.end as usize)?;
    let mut content = String::with_capacity(text.len() + 64);
    let mut at = doc.start as usize;
    for (span, replacement) in &edits {
        content.push_str(source.text.get(at..span.start as usize)?);
        content.push_str(replacement);
        at = span.end as usize;
    }
    content.push_str(source.text.get(at..doc.end as usize)?);
    content.push('\n');

    let path = new_path(&source.path, plan, az)?;
    let description = format!(
        "write {}: MachineSet `{}` copied from `{}` for {az}",
        crate::source::display_path(&path),
        plan.new_name,
        plan.name
    );
    Some((description, vec![Edit::Create { path, content }]))
}

/// The document (or `List` item) that holds a span.
fn document_holding(root: &Node, span: Span) -> Option<&Node> {
    let full = root.full_span();
    if span.start < full.start || span.end > full.end {
        return None;
    }
    match crate::inputs::list_items(root) {
        Some(items) => items.iter().find_map(|item| document_holding(item, span)),
        None => Some(root),
    }
}

fn each_string<'a>(node: &'a Node, f: &mut impl FnMut(&'a Node, &'a str)) {
    match &node.kind {
        NodeKind::Str(s) => f(node, s),
        NodeKind::Seq(items) => items.iter().for_each(|n| each_string(n, f)),
        NodeKind::Map(entries) => entries.iter().for_each(|(_, v)| each_string(v, f)),
        _ => {}
    }
}

/// Whether `s` names the AZ: the whole string, or a part of it between separators.
fn names_zone(s: &str, zone: &str) -> bool {
    s.match_indices(zone).any(|(i, _)| {
        let before = s.get(..i).and_then(|b| b.chars().next_back());
        let after = s.get(i + zone.len()..).and_then(|a| a.chars().next());
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The new file, beside the template's: its name with the MachineSet's name (or index, or AZ)
/// changed; `None` when that file exists.
fn new_path(template: &Path, plan: &CopyPlan<'_>, az: &str) -> Option<PathBuf> {
    let file_name = template.file_name()?.to_str()?;
    let (stem, ext) = file_name.rsplit_once('.').unwrap_or((file_name, "yaml"));
    let indexed = || {
        let (prefix, i) = split_index(stem)?;
        let (_, j) = split_index(plan.name)?;
        let (_, new) = split_index(&plan.new_name)?;
        (i == j).then(|| format!("{prefix}-{new}.{ext}"))
    };
    let name = if stem.contains(plan.name) {
        format!("{}.{ext}", stem.replace(plan.name, &plan.new_name))
    } else if let Some(name) = indexed() {
        name
    } else if names_zone(stem, plan.zone) {
        format!("{}.{ext}", stem.replace(plan.zone, az))
    } else {
        format!("{stem}-{az}.{ext}")
    };
    if !is_file_name(&name) {
        return None;
    }
    let path = template.with_file_name(name);
    (path.symlink_metadata().is_err()).then_some(path)
}

/// A Kubernetes object name (RFC 1123 subdomain): at most 253 lowercase letters, digits, `-` and
/// `.`, starting and ending with a letter or digit.
fn is_object_name(name: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    name.len() <= 253
        && edge(name.chars().next())
        && edge(name.chars().next_back())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// A file name this fix writes: letters, digits, `-`, `_` and `.`, not starting with `.`.
fn is_file_name(name: &str) -> bool {
    !name.starts_with('.')
        && name.len() <= 255
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}
