//! YAML or Terraform that did not parse (SL001 shows its lines) or a file that is not text: the
//! values of secret keys (`key: value`, `key = value`) found line by line, with the block scalar
//! under them.

use super::{Secrets, is_secret_key};

/// The value of every secret key (and the block scalar under it) in `text`.
pub fn in_lines(text: &str) -> Secrets {
    let mut secrets = Secrets::default();
    let mut block_indent: Option<usize> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(parent) = block_indent {
            if body.trim().is_empty() || indent > parent {
                secrets.add(text, start + indent..start + body.len(), None);
                continue;
            }
            block_indent = None;
        }
        if let Some(colon) = secret_value_start(body) {
            // Everything after the key is masked: an inline value, the rest of a flow mapping,
            // or the header of a block scalar whose lines follow.
            secrets.add(text, start + colon..start + body.len(), None);
            block_indent = Some(indent);
        }
    }
    secrets
}

/// The byte offset just past the `:` (or `=`) of the first secret key on the line, in any
/// quoting or flow style (`pullSecret:`, `"pullSecret":`, `{sshKey: …}`, `admin_pass = "…"`).
fn secret_value_start(body: &str) -> Option<usize> {
    body.match_indices([':', '=']).find_map(|(colon, _)| {
        let head = body.get(..colon)?.trim_end_matches([' ', '\t']);
        let head = head.strip_suffix(['"', '\'']).unwrap_or(head);
        let key_start = head
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let key = head.get(key_start..)?;
        (!key.is_empty() && is_secret_key(key)).then_some(colon + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::in_lines;

    #[test]
    fn masks_secret_values_and_keeps_offsets() {
        let text = "pullSecret: '{\"auths\":{}}'\nsshKey: |\n  ssh-ed25519 AAAA\nname: ocp1\n";
        let out = in_lines(text).mask(text);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("auths"));
        assert!(!out.contains("AAAA"));
        assert!(out.contains("name: ocp1"));
        assert!(out.starts_with("pullSecret: "));
    }

    #[test]
    fn masks_quoted_and_flow_style_keys() {
        let text = "{\"pullSecret\": \"{auths}\", \"a\": 1}\nx: {sshKey: ssh-rsa AAAA}\n";
        let out = in_lines(text).mask(text);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("auths") && !out.contains("AAAA"), "{out}");
    }

    #[test]
    fn masks_terraform_attributes_that_did_not_parse() {
        let text = "resource \"x\" \"y\" {\n  admin_pass = \"hunter35\"\n  name = \"vm\"\n";
        let out = in_lines(text).mask(text);
        assert!(!out.contains("hunter35") && out.contains("name = \"vm\""), "{out}");
    }
}
