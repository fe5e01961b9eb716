//! Secrets in parsed YAML: values of secret keys, Kubernetes `Secret` data, Heat parameters that
//! are secret by name or `hidden: true`.

use crate::yaml::{Document, Node, NodeKind};

use super::{Secrets, is_secret_key};

pub fn in_documents(documents: &[Document], text: &str) -> Secrets {
    let mut secrets = Secrets::default();
    for doc in documents {
        in_document(&doc.root, text, &mut secrets);
    }
    secrets
}

fn in_document(root: &Node, text: &str, out: &mut Secrets) {
    if let Some(items) = crate::inputs::list_items(root) {
        for item in items {
            in_document(item, text, out);
        }
        return;
    }
    if root.get("kind").and_then(Node::as_str) == Some("Secret") {
        for key in ["data", "stringData"] {
            if let Some(values) = root.get(key) {
                mask_all(values, text, out);
            }
        }
    }
    if root.get("heat_template_version").is_some() {
        for (name, parameter) in root.get("parameters").and_then(Node::as_map).unwrap_or_default() {
            let hidden = parameter.get("hidden").and_then(Node::as_bool) == Some(true);
            if (hidden || name.as_str().is_some_and(is_secret_key))
                && let Some(default) = parameter.get("default")
            {
                mask_all(default, text, out);
            }
        }
    }
    walk(root, text, out);
}

/// Masks the scalar values of secret keys. A mapping under a secret key is walked like any other
/// (`auth: {username, password}`, `userDataSecret: {name: …}`): its own keys decide.
fn walk(node: &Node, text: &str, out: &mut Secrets) {
    match &node.kind {
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                let secret = key.as_str().is_some_and(is_secret_key);
                match &value.kind {
                    NodeKind::Seq(items) if secret => {
                        for item in items {
                            if is_scalar(item) {
                                mask_all(item, text, out);
                            } else {
                                walk(item, text, out);
                            }
                        }
                    }
                    _ if secret && is_scalar(value) => mask_all(value, text, out),
                    _ => walk(value, text, out),
                }
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|item| walk(item, text, out)),
        _ => {}
    }
}

fn is_scalar(node: &Node) -> bool {
    !matches!(node.kind, NodeKind::Map(_) | NodeKind::Seq(_) | NodeKind::Null)
}

/// Every scalar at or under `node`.
fn mask_all(node: &Node, text: &str, out: &mut Secrets) {
    match &node.kind {
        NodeKind::Map(entries) => entries.iter().for_each(|(_, v)| mask_all(v, text, out)),
        NodeKind::Seq(items) => items.iter().for_each(|v| mask_all(v, text, out)),
        NodeKind::Null => {}
        _ => out.add(text, node.span.start as usize..node.span.end as usize, node.scalar_text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn masked(text: &str) -> String {
        let parsed = crate::yaml::parse(FileId(0), text);
        in_documents(&parsed.documents, text).mask(text)
    }

    #[test]
    fn secret_keys_block_scalars_and_references() {
        let text = "spec:\n  providerSpec:\n    value:\n      userDataSecret:\n        name: worker-user-data\n      userData: |\n        #cloud-config\n        password: hunter22\nauth:\n  username: admin\n  password: \"hunter23\"\n";
        let out = masked(text);
        assert_eq!(out.len(), text.len());
        assert!(
            !out.contains("hunter22") && !out.contains("hunter23") && !out.contains("cloud-config"),
            "{out}"
        );
        assert!(out.contains("worker-user-data") && out.contains("username: admin"), "{out}");
    }

    #[test]
    fn kubernetes_secrets_and_heat_parameters() {
        let text = "kind: Secret\nmetadata:\n  name: creds\ndata:\n  key: c2VjcmV0Cg==\nstringData:\n  other: plain-value\n---\nheat_template_version: 2018-08-31\nparameters:\n  admin_password:\n    type: string\n    default: hunter24\n  seed:\n    type: string\n    hidden: true\n    default: hunter25\n  flavor:\n    type: string\n    default: m1.large\nresources: {}\n";
        let out = masked(text);
        for secret in ["c2VjcmV0Cg", "plain-value", "hunter24", "hunter25"] {
            assert!(!out.contains(secret), "{secret}: {out}");
        }
        assert!(
            out.contains("name: creds") && out.contains("m1.large") && out.contains("type: string"),
            "{out}"
        );
    }
}
