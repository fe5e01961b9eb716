//! Secrets never reach the output: values of secret keys are masked in the text a renderer
//! shows, keeping every byte offset in place so that spans still line up.

const SECRET_KEYS: [&str; 8] = [
    "pullSecret",
    "sshKey",
    "password",
    "auth_pass",
    "token",
    "additionalTrustBundle",
    "caBundle",
    "credentials",
];

/// The text with the value of every secret key (and the block scalar under it) replaced by `*`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut block_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(parent) = block_indent {
            if body.trim().is_empty() || indent > parent {
                out.push_str(&mask(line, indent));
                continue;
            }
            block_indent = None;
        }
        match secret_value_start(body) {
            Some(colon) => {
                // Everything after the key is masked: an inline value, the rest of a flow
                // mapping, or the header of a block scalar whose lines follow.
                out.push_str(&line[..colon]);
                out.push_str(&mask(&line[colon..], 0));
                block_indent = Some(indent);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// The byte offset just past the `:` of the first secret key on the line, in any quoting or
/// flow style (`pullSecret:`, `"pullSecret":`, `{sshKey: …}`).
fn secret_value_start(body: &str) -> Option<usize> {
    SECRET_KEYS
        .iter()
        .flat_map(|k| body.match_indices(k).map(move |(at, _)| (at, k.len())))
        .filter(|&(at, _)| body[..at].chars().next_back().is_none_or(|c| " \t{,\"'-".contains(c)))
        .find_map(|(at, len)| {
            let rest = &body[at + len..];
            let after_quote = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
            let after_space = after_quote.trim_start_matches([' ', '\t']);
            after_space.starts_with(':').then(|| body.len() - after_space.len() + 1)
        })
}

/// Replaces every non-blank byte after `keep` with `*` (one per byte, so offsets stay put).
fn mask(s: &str, keep: usize) -> String {
    let (head, tail) = s.split_at(keep.min(s.len()));
    let mut out = String::with_capacity(s.len());
    out.push_str(head);
    for ch in tail.chars() {
        if ch.is_whitespace() {
            out.push(ch);
        } else {
            out.extend(std::iter::repeat_n('*', ch.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_secret_values_and_keeps_offsets() {
        let text = "pullSecret: '{\"auths\":{}}'\nsshKey: |\n  ssh-ed25519 AAAA\nname: ocp1\n";
        let out = redact(text);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("auths"));
        assert!(!out.contains("AAAA"));
        assert!(out.contains("name: ocp1"));
        assert!(out.starts_with("pullSecret: "));
    }

    #[test]
    fn masks_quoted_and_flow_style_keys() {
        let text = "{\"pullSecret\": \"{auths}\", \"a\": 1}\nx: {sshKey: ssh-rsa AAAA}\n";
        let out = redact(text);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("auths") && !out.contains("AAAA"), "{out}");
    }
}
