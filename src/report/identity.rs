//! Where a finding is, in terms that survive unrelated edits: the object it is about and the path
//! to the node inside that object. SARIF fingerprints key on this (with the rule and the file),
//! never on the line, so that adding a comment above a MachineSet does not reopen its alerts.

use std::collections::HashMap;

use crate::discover::{FileKind, kind};
use crate::secrets::Secrets;
use crate::source::{FileId, SourceDb, SourceFile, Span};
use crate::yaml::{self, Document, Node, NodeKind};

/// The object a finding is about and the path to its node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// `MachineSet/openshift-machine-api/prod-worker-az1`, `InstallConfig/prod`,
    /// `resource openstack_networking_router_v2 api`, `backend api`, …; empty when unknown.
    pub object: String,
    /// `$.spec.template.spec.providerSpec.value.availabilityZone`, `$.tasks[name=Create net].…`, or
    /// for text configurations the enclosing blocks and the directive.
    pub path: String,
}

/// Each finding's key, in order: SARIF fingerprints and baselines use it. It is the rule's code
/// and a 128-bit hash of [`raw_keys`], so no text of the scanned files (not even an object name)
/// is written into a SARIF upload or a baseline committed beside the code.
pub fn keys(findings: &[super::Finding], sources: &SourceDb) -> Vec<String> {
    raw_keys(findings, sources).iter().map(|raw| hashed(raw)).collect()
}

/// A key of [`raw_keys`]'s form hashed as [`keys`] does: `CODE:` then 32 hex digits.
pub fn hashed(raw: &str) -> String {
    let code = raw.split(':').next().unwrap_or_default();
    format!("{code}:{:032x}", fnv1a_128(raw.as_bytes()))
}

/// Whether a key is one [`keys`] makes (a baseline from before keys were hashed holds raw ones).
pub fn is_hashed(key: &str) -> bool {
    key.rsplit_once(':').is_some_and(|(code, hash)| {
        !code.contains(':') && hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// FNV-1a, 128 bits: stable across runs, machines and versions, and wide enough that two findings
/// of one estate do not share a key by chance.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    bytes.iter().fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

/// Each finding's readable key, `code:file:object:path`, in order. Only the files holding
/// findings are parsed again (the loader frees the trees), each once.
///
/// No source text but keys and object names goes into it, and none of a secret: a name or
/// directive that overlaps a secret value is masked, and so is any secret value a name repeats.
pub fn raw_keys(findings: &[super::Finding], sources: &SourceDb) -> Vec<String> {
    let mut prepared: HashMap<FileId, Prepared<'_>> = HashMap::new();
    let scrubber = sources.scrubber();
    findings
        .iter()
        .map(|f| {
            let identity = sources
                .get(f.span.file)
                .map(|file| prepared.entry(file.id).or_insert_with(|| prepare(file)).identity(f.span))
                .unwrap_or_default();
            scrubber.scrub(&format!("{}:{}:{}:{}", f.code, f.file, identity.object, identity.path))
        })
        .collect()
}

/// The identity of the node at `span` in `file`.
pub fn identify(file: &SourceFile, span: Span) -> Identity {
    prepare(file).identity(span)
}

/// A file made ready for identity lookups: YAML parsed into its documents, other text with its
/// secrets masked.
enum Prepared<'a> {
    Yaml(Vec<Document>, &'a Secrets),
    Text(String),
}

fn prepare(file: &SourceFile) -> Prepared<'_> {
    if kind(&file.path) == Some(FileKind::Yaml) {
        Prepared::Yaml(yaml::parse(file.id, &file.text).documents, &file.secrets)
    } else {
        Prepared::Text(file.shown())
    }
}

impl Prepared<'_> {
    fn identity(&self, span: Span) -> Identity {
        let offset = span.start as usize;
        match self {
            Prepared::Yaml(documents, secrets) => yaml_identity(documents, secrets, offset),
            Prepared::Text(text) => text_identity(text, offset),
        }
    }
}

/// A scalar's text, unless it overlaps a secret.
fn name_of(node: &Node, secrets: &Secrets) -> Option<String> {
    let span = node.full_span();
    if secrets.overlaps(span.start as usize..span.end as usize) {
        return Some("***".to_owned());
    }
    node.scalar_text()
}

fn yaml_identity(documents: &[Document], secrets: &Secrets, offset: usize) -> Identity {
    // The last document starting at or before the offset holds it; a finding in a document that
    // did not parse (SL001) has no identity beyond its file.
    let Some(doc) = documents.iter().rev().find(|d| d.root.full_span().start as usize <= offset) else {
        return Identity::default();
    };
    if (doc.root.full_span().end as usize) < offset {
        return Identity::default();
    }
    let mut path = String::from("$");
    push_path(&doc.root, secrets, offset, &mut path);
    Identity { object: object_of(&doc.root, secrets, doc.index), path }
}

/// `Kind/namespace/name` for Kubernetes objects, `InstallConfig/name`, `HeatTemplate`, `Playbook`.
fn object_of(root: &Node, secrets: &Secrets, index: usize) -> String {
    let text = |keys: &[&str]| root.path(keys).and_then(|n| name_of(n, secrets));
    let name = text(&["metadata", "name"]);
    if let Some(kind) = text(&["kind"]) {
        return [Some(kind), text(&["metadata", "namespace"]), name]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("/");
    }
    if root.get("heat_template_version").is_some() {
        return "HeatTemplate".to_owned();
    }
    if root.get("platform").is_some() && root.get("metadata").is_some() {
        return format!("InstallConfig/{}", name.unwrap_or_default());
    }
    if root.as_seq().is_some() {
        return "Playbook".to_owned();
    }
    format!("document {}", index + 1)
}

fn contains(span: Span, offset: usize) -> bool {
    (span.start as usize) <= offset && offset < (span.end as usize).max(span.start as usize + 1)
}

/// Appends the keys (and sequence items) from `node` down to the deepest node holding `offset`.
/// A sequence item that has a `name` is named by it, so that inserting an item before it does not
/// change its path.
fn push_path(node: &Node, secrets: &Secrets, offset: usize, path: &mut String) {
    match &node.kind {
        NodeKind::Map(entries) => {
            let hit = entries
                .iter()
                .find(|(k, v)| contains(k.full_span(), offset) || contains(v.full_span(), offset));
            if let Some((key, value)) = hit {
                push_key(&key.scalar_text().unwrap_or_default(), path);
                if !contains(key.full_span(), offset) {
                    push_path(value, secrets, offset, path);
                }
            }
        }
        NodeKind::Seq(items) => {
            if let Some((i, item)) = items.iter().enumerate().find(|(_, n)| contains(n.full_span(), offset)) {
                match item.get("name").and_then(|n| name_of(n, secrets)) {
                    Some(name) => path.push_str(&format!("[name={name}]")),
                    None => path.push_str(&format!("[{i}]")),
                }
                push_path(item, secrets, offset, path);
            }
        }
        _ => {}
    }
}

fn push_key(key: &str, path: &mut String) {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        path.push_str(&format!("[{key:?}]"));
    }
}

/// For Terraform, haproxy and keepalived text: the enclosing blocks (by braces, or haproxy's
/// unindented section lines) and the directive on the finding's line.
fn text_identity(text: &str, offset: usize) -> Identity {
    let offset = offset.min(text.len());
    let line_start = text.get(..offset).and_then(|t| t.rfind(['\n', '\r'])).map_or(0, |i| i + 1);
    let mut blocks: Vec<String> = Vec::new();
    for (_, line) in crate::source::lines(text.get(..line_start).unwrap_or("")) {
        let code = line.split('#').next().unwrap_or("");
        if code.trim().is_empty() {
            continue;
        }
        let unindented = !code.starts_with([' ', '\t']);
        if unindented && !code.contains(['{', '}']) {
            // A haproxy section (`backend api`) starts at the margin and ends at the next one.
            blocks = vec![words(code)];
            continue;
        }
        let mut rest = code;
        while let Some(i) = rest.find(['{', '}']) {
            let (head, tail) = rest.split_at(i);
            if tail.starts_with('{') {
                blocks.push(words(head));
            } else {
                blocks.pop();
            }
            rest = tail.get(1..).unwrap_or("");
        }
    }
    let line = text.get(line_start..).and_then(|t| crate::source::lines(t).next()).map_or("", |(_, l)| l);
    // A masked secret keeps its length in the text; the key should not.
    let line = &collapse_masks(line);
    let directive = match line.split_once('=') {
        Some((key, _)) if key.split_whitespace().count() == 1 => key.trim().to_owned(),
        _ => line.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
    };
    let mut blocks = blocks.into_iter().filter(|b| !b.is_empty());
    let object = blocks.next().unwrap_or_default();
    let mut path: Vec<String> = blocks.collect();
    path.push(directive);
    Identity { object, path: path.join(" > ") }
}

/// Runs of `*` as one.
fn collapse_masks(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    out
}

/// A block header with its quotes dropped and spaces collapsed: `resource "a" "b"` → `resource a b`.
fn words(text: &str) -> String {
    text.split_whitespace().map(|w| w.trim_matches('"')).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hashed_and_stable() {
        // FNV-1a 128's published test vector for the empty input is its offset basis.
        assert_eq!(fnv1a_128(b""), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
        let key = hashed("SL101:clusters/prod/install-config.yaml:InstallConfig/prod:$.controlPlane");
        assert_eq!(key, hashed("SL101:clusters/prod/install-config.yaml:InstallConfig/prod:$.controlPlane"));
        assert!(key.starts_with("SL101:") && is_hashed(&key) && !key.contains("prod"), "{key}");
        assert!(!is_hashed("SL101:clusters/prod/install-config.yaml:InstallConfig/prod:$.controlPlane"));
    }
    use crate::source::FileId;
    use std::path::PathBuf;

    fn identity(name: &str, text: &str, needle: &str) -> Identity {
        let mut file = SourceFile::new(FileId(0), PathBuf::from(name), text.to_owned(), true);
        file.secrets = crate::secrets::find(&file.path, text);
        let start = text.find(needle).unwrap_or(usize::MAX);
        let span = Span::new(FileId(0), start, start + needle.len());
        identify(&file, span)
    }

    const MACHINESET: &str = "apiVersion: machine.openshift.io/v1beta1\nkind: MachineSet\nmetadata:\n  name: w-az1\n  namespace: openshift-machine-api\nspec:\n  template:\n    spec:\n      providerSpec:\n        value:\n          availabilityZone: az9\n";

    #[test]
    fn kubernetes_object_and_path() {
        let id = identity("ms.yaml", MACHINESET, "az9");
        assert_eq!(id.object, "MachineSet/openshift-machine-api/w-az1");
        assert_eq!(id.path, "$.spec.template.spec.providerSpec.value.availabilityZone");
    }

    #[test]
    fn lines_added_above_do_not_change_it() {
        let moved = format!("# a comment\n\n{MACHINESET}");
        assert_eq!(identity("ms.yaml", &moved, "az9"), identity("ms.yaml", MACHINESET, "az9"));
    }

    #[test]
    fn sequence_items_are_named_by_their_name() {
        let play = "- hosts: localhost\n  tasks:\n    - name: first\n      debug: {}\n    - name: Create net\n      openstack.cloud.network:\n        mtu: 1400\n";
        let id = identity("play.yaml", play, "1400");
        assert_eq!(id.object, "Playbook");
        assert_eq!(id.path, "$[0].tasks[name=Create net][\"openstack.cloud.network\"].mtu");
    }

    #[test]
    fn install_config_and_second_document() {
        let text = "apiVersion: v1\nmetadata:\n  name: prod\nplatform:\n  openstack: {}\n---\nkind: Etcd\nmetadata:\n  name: cluster\nspec:\n  x: 1\n";
        assert_eq!(identity("c.yaml", text, "openstack").object, "InstallConfig/prod");
        let etcd = identity("c.yaml", text, "x: 1");
        assert_eq!((etcd.object.as_str(), etcd.path.as_str()), ("Etcd/cluster", "$.spec.x"));
    }

    #[test]
    fn terraform_blocks_and_attribute() {
        let tf = "resource \"openstack_networking_router_v2\" \"api\" {\n  name = \"api\"\n  distributed = true\n}\n";
        let id = identity("net.tf", tf, "distributed");
        assert_eq!(id.object, "resource openstack_networking_router_v2 api");
        assert_eq!(id.path, "distributed");
    }

    #[test]
    fn haproxy_section_and_keepalived_block() {
        let cfg = "global\n  daemon\nbackend api\n  balance roundrobin\n  server m0 10.0.0.5:6443 check\n";
        let id = identity("haproxy.cfg", cfg, "server m0");
        assert_eq!((id.object.as_str(), id.path.as_str()), ("backend api", "server m0"));
        let conf = "vrrp_instance API {\n  state BACKUP\n  virtual_router_id 51\n}\n";
        let id = identity("keepalived.conf", conf, "virtual_router_id");
        assert_eq!((id.object.as_str(), id.path.as_str()), ("vrrp_instance API", "virtual_router_id 51"));
    }

    #[test]
    fn secrets_stay_out_of_identities() {
        let conf = "vrrp_instance API {\n  authentication {\n    auth_pass hunter33\n  }\n}\n";
        let id = identity("keepalived.conf", conf, "auth_pass");
        assert_eq!(id.path, "authentication > auth_pass *");
        let play = "- hosts: all\n  tasks:\n    - name: hunter34\n      password: hunter34\n      x: 1\n";
        let text = play.to_owned();
        let mut file = SourceFile::new(FileId(0), PathBuf::from("p.yaml"), text.clone(), true);
        file.secrets = crate::secrets::find(&file.path, &text);
        let at = text.find("x: 1").unwrap_or_default();
        let findings = [crate::report::Finding {
            code: "SL000",
            rule: String::new(),
            severity: crate::Severity::Info,
            message: String::new(),
            help: None,
            file: "p.yaml".to_owned(),
            line: 5,
            column: 7,
            end_line: 5,
            end_column: 8,
            cluster: None,
            span: Span::new(FileId(0), at, at + 1),
            label: String::new(),
            secondary: Vec::new(),
            suppressed: None,
            fix: None,
        }];
        let mut sources = SourceDb::default();
        sources.push(file);
        let key = keys(&findings, &sources).concat();
        assert!(!key.contains("hunter34"), "{key}");
    }
}
